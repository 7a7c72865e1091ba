/* sv-hash - hash checkpoint weights, check runs bit for bit, find where
 * two runs diverge, pack checkpoints into byte-identical archives */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/ckpt.h"
#include "formats/ckptdiff.h"
#include "formats/ckptpack.h"
#include "formats/ckptsrc.h"
#include "formats/hashlist.h"
#include "formats/record.h"
#include "formats/runcmp.h"
#include "formats/svar.h"
#include "base/opts.h"
#include "base/util.h"

#define SYNOPSIS "sv-hash [--tag|--gnu] [--raw] FILE... | -c LIST [--archive A] | --records A [B] | --diff A B | --pack OUT FILE..."

enum mode { M_HASH, M_CHECK, M_RECORDS, M_DIFF, M_PACK };

enum {
	O_CHECK = 'c', O_QUIET = 'q',
	O_TAG = SV_OPT_LONG, O_GNU, O_RAW, O_ARCHIVE, O_RECORDS, O_DIFF, O_PACK,
	O_MAXSIZE, O_PLAIN_HEADER
};

/* The one option table: getopt, --help and --list-options (which the
 * completion scripts read) follow it. */
static const struct sv_optdef optdefs[] = {
	{ "tag", no_argument, O_TAG, NULL,
	  "print 'XXH128 (name) = hex' lines (the default)" },
	{ "gnu", no_argument, O_GNU, NULL, "print 'hex  name' lines" },
	{ "raw", no_argument, O_RAW, NULL,
	  "hash the bytes of each file instead of the weights" },
	{ "check", required_argument, O_CHECK, "LIST",
	  "check the hashes listed in LIST ('-' for stdin)" },
	{ "archive", required_argument, O_ARCHIVE, "A",
	  "with --check: names are entries of the archive or directory A" },
	{ "quiet", no_argument, O_QUIET, NULL,
	  "with --check: do not print OK lines" },
	{ "records", no_argument, O_RECORDS, NULL,
	  "compare two sv-train record files seed by seed" },
	{ "diff", no_argument, O_DIFF, NULL,
	  "say where the weights of two checkpoints differ" },
	{ "pack", required_argument, O_PACK, "OUT",
	  "write the checkpoints into a byte-identical OUT (.tar, .tar.gz, .tgz)" },
	{ "max-size", required_argument, O_MAXSIZE, "BYTES",
	  "refuse archive entries and files larger than BYTES\n(default 2147483648)" },
	SV_OPTDEF_PLAIN_HEADER(O_PLAIN_HEADER),
	SV_OPTS_COMMON
};
static struct sv_opts g_opts;

struct opts {
	enum mode mode;
	int gnu, raw, quiet;
	int plain_header;        /* --plain-header: --records, --diff */
	const char *list, *archive, *pack;
	struct sv_ar_limits lim;
};

static void
usage(void)
{
	sv_opts_usage(&g_opts, stdout);
	putchar('\n');
	printf("Hash the weights of checkpoints (sv-ckpt(5)) with the canonical XXH3-128\n"
	       "weight hash that sv-train prints in its 'hash' column.  A FILE is a\n"
	       "checkpoint, a tar or tar.gz archive of checkpoints (each entry is hashed,\n"
	       "named as in the archive) or a directory (each file, named DIR/file).\n"
	       "With no FILE, or when FILE is -, read a checkpoint from standard input.\n\n"
	       "Modes:\n"
	       "  sv-hash FILE...               hash lines\n"
	       "  sv-hash -c LIST [--archive A] check hash lines (xxhsum -c style)\n"
	       "  sv-hash --records A [B]       compare 'hash' and 'init_hash' per seed\n"
	       "                                (B defaults to standard input)\n"
	       "  sv-hash --diff A B            first differing tensor and element\n"
	       "  sv-hash --pack OUT FILE...    byte-identical archive of checkpoints\n\n");
	sv_opts_help(&g_opts, stdout);
	printf("\nExit status: 0 all good or identical; 1 a hash did not match or the\n"
	       "runs differ; 2 usage error or bad input; 3 environment (write error,\n"
	       "out of memory).\n");
}

/* ---- hash mode -------------------------------------------------------- */

static int
worst(int a, int b)
{
	/* 3 over 2 over 1 over 0 */
	return a > b ? a : b;
}

/* s escaped for a message (sv_escape) in a buffer of the caller's */
#define ESC(s, buf) sv_escape((s), (buf), sizeof (buf))

/* The hash of one stream: its bytes (--raw) or its checkpoint's weights.
 * Returns an exit status, with the message printed. */
static int
hash_stream(const struct opts *o, struct sv_ar_stream *s, const char *name,
            char hex[33])
{
	char err[1200];
	int st = o->raw ? sv_src_hash_raw(s, hex, err, sizeof err)
	                : sv_src_hash_weights(s, name, hex, err, sizeof err);

	if (st != SV_EXIT_OK)
		sv_warn("%s", err);
	return st;
}

struct hashing {
	const struct opts *o;
	int status;   /* worst exit status so far */
};

static int
hash_item(const struct sv_src_item *it, void *ctx)
{
	struct hashing *h = ctx;
	char hex[33], q[1024];
	int st;

	/* the one rule on names (sv-ckpt(5)); svar and ckptsrc refuse them
	 * before, this keeps hash lines whole whatever happens */
	if (!it->s->fail && sv_ar_name_ctrl(it->name)) {
		sv_warn("%s: control character in name", ESC(it->name, q));
		h->status = worst(h->status, SV_EXIT_USAGE);
	} else if ((st = hash_stream(h->o, it->s, it->name, hex)) != SV_EXIT_OK) {
		h->status = worst(h->status, st);
	} else if (h->o->gnu) {
		printf("%s  %s\n", hex, it->name);
	} else {
		printf("XXH128 (%s) = %s\n", it->name, hex);
	}
	return 0;
}

static int
do_hash(const struct opts *o, int argc, char **argv)
{
	char *dflt[] = { "-" };
	struct hashing h = { o, SV_EXIT_OK };

	if (argc == 0)
		argc = 1, argv = dflt;
	for (int i = 0; i < argc; i++) {
		char err[1200];
		int st = sv_src_each(argv[i], o->raw ? SV_SRC_RAW : 0, &o->lim,
		                     hash_item, &h, err, sizeof err);

		if (st != SV_AR_OK && st != SV_AR_ECALLBACK) {
			sv_warn("%s", err);
			h.status = worst(h.status, sv_ar_exit(st));
		}
	}
	return h.status;
}

/* ---- check mode ------------------------------------------------------- */

struct checking {
	const struct opts *o;
	struct sv_hashlist *hl;
	int status;
};

/* An entry of --archive: hash it if it is listed. */
static int
check_entry(struct sv_ar_stream *s, void *ctx)
{
	struct checking *c = ctx;
	size_t k, n = sv_hashlist_find(c->hl, s->name, &k);
	char hex[33];
	int st;

	if (n == 0)
		return 0;
	st = hash_stream(c->o, s, s->name, hex);
	for (size_t j = k; j < k + n; j++) {
		struct sv_hl_item *w = &c->hl->v[c->hl->order[j]];

		if (st)
			w->bad = 1;
		else
			memcpy(w->got, hex, 33);
	}
	c->status = worst(c->status, st);
	return 0;
}

static int
do_check(const struct opts *o)
{
	int stdin_ = strcmp(o->list, "-") == 0;
	FILE *fp = stdin_ ? stdin : fopen(o->list, "r");
	const char *lname = stdin_ ? "stdin" : o->list;
	struct sv_hashlist hl = { 0 };
	struct checking c = { o, &hl, SV_EXIT_OK };
	size_t nbadline, nfail = 0, nunread = 0;
	char err[1200], q[1024];
	int st;

	if (!fp)
		sv_die(SV_EXIT_USAGE, "%s: %s", ESC(o->list, q), strerror(errno));
	if ((st = sv_hashlist_read(fp, lname, &hl, err, sizeof err)) != SV_EXIT_OK)
		sv_die(st, "%s", err);
	if (!stdin_)
		fclose(fp);
	if (o->archive) {
		st = sv_ar_walk(o->archive, &o->lim, check_entry, &c, err, sizeof err);
		if (st != SV_AR_OK && st != SV_AR_ECALLBACK)
			sv_die(sv_ar_exit(st), "%s", err);
	} else {
		for (size_t i = 0; i < hl.n; i++) {
			struct sv_ar_stream s;

			if (sv_ar_name_ctrl(hl.v[i].name)) {
				sv_warn("%s: %s: control character in name",
				        lname, ESC(hl.v[i].name, q));
				hl.v[i].bad = 1;
				c.status = worst(c.status, SV_EXIT_USAGE);
				continue;
			}
			st = sv_ar_open(hl.v[i].name, 0, o->lim.max_entry, &s, err,
			                sizeof err);
			if (st != SV_AR_OK) {
				sv_warn("%s", err);
				st = sv_ar_exit(st);
			} else {
				st = hash_stream(o, &s, hl.v[i].name, hl.v[i].got);
				sv_ar_close(&s);
			}
			if (st)
				hl.v[i].bad = 1;
		}
	}
	for (size_t i = 0; i < hl.n; i++) {
		const struct sv_hl_item *w = &hl.v[i];
		char qa[1024];

		ESC(w->name, q);
		if (w->bad || !w->got[0]) {
			if (!w->bad)
				sv_warn("%s: no such entry in %s", q,
				        ESC(o->archive, qa));
			printf("%s: FAILED open or read\n", q);
			nunread++;
		} else if (strcmp(w->got, w->hex) != 0) {
			printf("%s: FAILED\n", q);
			nfail++;
		} else if (!o->quiet) {
			printf("%s: OK\n", q);
		}
	}
	nbadline = hl.nbadline;
	sv_hashlist_free(&hl);
	if (nbadline)
		sv_warn("WARNING: %zu line%s improperly formatted", nbadline,
		        nbadline == 1 ? " is" : "s are");
	if (nunread)
		sv_warn("WARNING: %zu listed file%s could not be read", nunread,
		        nunread == 1 ? "" : "s");
	if (nfail)
		sv_warn("WARNING: %zu computed checksum%s did NOT match", nfail,
		        nfail == 1 ? "" : "s");
	if (nbadline)
		return SV_EXIT_USAGE;
	if (nfail || nunread)
		return c.status == SV_EXIT_ENV ? SV_EXIT_ENV : SV_EXIT_FOUND;
	return c.status;
}

/* ---- records mode ----------------------------------------------------- */

struct run_diff_ctx {
	const struct sv_runs *r;
	size_t otherwise;        /* seeds whose runs were made otherwise */
};

static void
print_run_diff(const struct sv_run_diff *d, void *ctx)
{
	struct run_diff_ctx *c = ctx;

	printf("%llu\t%s\t%s\t%s\t%s\t%s\n", (unsigned long long)d->seed,
	       d->what, d->a ? d->a->hash : "NA", d->b ? d->b->hash : "NA",
	       d->a && c->r->has_init[0] ? d->a->init : "NA",
	       d->b && c->r->has_init[1] ? d->b->init : "NA");
	if (d->setup >= 0 && c->otherwise++ == 0) {
		char qa[1024], qb[1024];

		/* the first such seed says how; the count follows at the end */
		sv_warn("seed %llu: made with another %s, not compared: '%s' "
		        "vs '%s'", (unsigned long long)d->seed,
		        sv_run_setup_col[d->setup], ESC(d->a->setup[d->setup], qa),
		        ESC(d->b->setup[d->setup], qb));
	}
}

static int
do_records(const struct opts *o, int argc, char **argv)
{
	const char *path[2] = { argv[0], argc > 1 ? argv[1] : "-" };
	struct sv_runs r = { 0 };
	struct run_diff_ctx c = { &r, 0 };
	size_t nseed, ndiff;
	char err[1200];
	int st;

	if (strcmp(path[0], "-") == 0 && strcmp(path[1], "-") == 0)
		sv_opts_error(&g_opts, "--records: only one input may be standard input");
	for (int side = 0; side < 2; side++) {
		int stdin_ = strcmp(path[side], "-") == 0;
		FILE *fp = stdin_ ? stdin : fopen(path[side], "r");

		if (!fp) {
			char q[1024];

			sv_die(SV_EXIT_USAGE, "%s: %s", ESC(path[side], q),
			       strerror(errno));
		}
		st = sv_runs_read(fp, stdin_ ? "stdin" : path[side], side, &r, err,
		                  sizeof err);
		if (st != SV_EXIT_OK)
			sv_die(st, "%s", err);
		if (!stdin_)
			fclose(fp);
	}
	if ((st = sv_runs_sort(&r, err, sizeof err)) != SV_EXIT_OK)
		sv_die(st, "%s", err);
	printf("%sseed\tdiffers\thash_a\thash_b\tinit_hash_a\tinit_hash_b\n",
	       o->plain_header ? "" : "#");
	sv_runs_compare(&r, print_run_diff, &c, &nseed, &ndiff);
	sv_runs_free(&r);
	if (c.otherwise)
		sv_warn("%zu of %zu seeds were made otherwise (recipe, data or "
		        "starting checkpoint): their weights are not compared",
		        c.otherwise, nseed);
	if (ndiff)
		sv_warn("%zu of %zu seeds differ", ndiff, nseed);
	return ndiff ? SV_EXIT_FOUND : SV_EXIT_OK;
}

/* ---- diff mode -------------------------------------------------------- */

static int
do_diff(const struct opts *o, char **argv)
{
	static const char *const what[3] = { "model", "data", "options" };
	struct sv_ckpt ck[2];
	struct sv_ckpt_cmp d;
	char err[1200], sa[96], sb[96];

	for (int i = 0; i < 2; i++) {
		int st = sv_ckpt_read_file(argv[i], &ck[i], err, sizeof err);

		if (st != SV_CKPT_OK)
			sv_die(st == SV_CKPT_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE, "%s", err);
	}
	sv_ckpt_compare(&ck[0], &ck[1], &d);
	{
		const char *fa[3] = { ck[0].model, ck[0].data, ck[0].options };
		const char *fb[3] = { ck[1].model, ck[1].data, ck[1].options };

		for (int i = 0; i < 3; i++)
			if (d.meta_differs[i]) {
				char qa[1024], qb[1024];

				printf("# %s differs: '%s' vs '%s'\n", what[i],
				       ESC(fa[i], qa), ESC(fb[i], qb));
			}
	}
	if (d.seed_differs)
		printf("# seed differs: %llu vs %llu\n", (unsigned long long)ck[0].seed,
		       (unsigned long long)ck[1].seed);
	if (d.count_differs)
		printf("# tensor count differs: %zu vs %zu\n", ck[0].ntensor,
		       ck[1].ntensor);
	if (d.mismatch >= 0) {
		const struct sv_tensor *x = &ck[0].t[d.mismatch], *y = &ck[1].t[d.mismatch];

		sv_tensor_shape(sa, sizeof sa, x);
		sv_tensor_shape(sb, sizeof sb, y);
		printf("# tensor %ld differs in name or shape: '%s' %s vs '%s' %s\n",
		       d.mismatch, x->name, sa, y->name, sb);
	}
	if (d.first >= 0) {
		const struct sv_tensor_cmp *t = &d.t[d.first];
		float x = t->a->data[t->first], y = t->b->data[t->first];

		printf("# first difference: tensor '%s' index %llu: "
		       "%.9g (0x%08x) vs %.9g (0x%08x)\n", t->a->name,
		       (unsigned long long)t->first, x, sv_f32_bits(x), y,
		       sv_f32_bits(y));
	}
	printf("%stensor\tshape\telements\tdiffer\tfirst_index\ta\tb\ta_bits\tb_bits\tmax_abs_diff\n",
	       o->plain_header ? "" : "#");
	for (size_t i = 0; i < d.ncmp; i++) {
		const struct sv_tensor_cmp *t = &d.t[i];
		struct sv_buf line = { 0 };

		sv_tensor_shape(sa, sizeof sa, t->a);
		sv_buf_printf(&line, "%s\t%s\t%llu\t%llu\t", t->a->name, sa,
		              (unsigned long long)t->count, (unsigned long long)t->ndiff);
		if (t->ndiff) {
			float x = t->a->data[t->first], y = t->b->data[t->first];

			sv_buf_printf(&line, "%llu\t", (unsigned long long)t->first);
			sv_put_f32(&line, x);
			sv_buf_puts(&line, "\t");
			sv_put_f32(&line, y);
			sv_buf_printf(&line, "\t0x%08x\t0x%08x\t", sv_f32_bits(x),
			              sv_f32_bits(y));
			if (t->nan)
				sv_buf_puts(&line, "nan");
			else
				sv_put_g(&line, t->max_abs, 9);
		} else {
			sv_buf_puts(&line, "NA\tNA\tNA\tNA\tNA\t0");
		}
		printf("%s\n", line.p);
		sv_buf_free(&line);
	}
	{
		int differ = d.differ;

		sv_ckpt_cmp_free(&d);
		sv_ckpt_free(&ck[0]);
		sv_ckpt_free(&ck[1]);
		return differ ? SV_EXIT_FOUND : SV_EXIT_OK;
	}
}

/* ---- pack mode -------------------------------------------------------- */

static int
do_pack(const struct opts *o, int argc, char **argv)
{
	char err[1200];
	int st = sv_ckpt_pack(o->pack, argv, (size_t)argc, err, sizeof err);

	if (st != SV_EXIT_OK)
		sv_die(st, "%s", err);
	return SV_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct opts o = { .mode = M_HASH };
	int c, nmode = 0, status;

	sv_setlocale();
	sv_set_progname(argv[0]);
	sv_opts_init(&g_opts, optdefs, SYNOPSIS);
	while ((c = sv_opts_next(&g_opts, argc, argv)) != -1) {
		switch (c) {
		case O_TAG: o.gnu = 0; break;
		case O_GNU: o.gnu = 1; break;
		case O_RAW: o.raw = 1; break;
		case O_CHECK: o.list = optarg; o.mode = M_CHECK; nmode++; break;
		case O_ARCHIVE: o.archive = optarg; break;
		case O_QUIET: o.quiet = 1; break;
		case O_RECORDS: o.mode = M_RECORDS; nmode++; break;
		case O_DIFF: o.mode = M_DIFF; nmode++; break;
		case O_PACK: o.pack = optarg; o.mode = M_PACK; nmode++; break;
		case O_PLAIN_HEADER: o.plain_header = 1; break;
		case O_MAXSIZE:
			o.lim.max_entry = sv_opt_u64("max-size", optarg, 1, SV_AR_MAX_ENTRY);
			break;
		case 'h':
			usage();
			sv_close_stdout();
			return SV_EXIT_OK;
		default:
			sv_opts_error(&g_opts, "unhandled option");
		}
	}
	argc -= optind;
	argv += optind;

	if (!o.lim.max_entry)
		o.lim.max_entry = SV_AR_MAX_ENTRY;
	if (nmode > 1)
		sv_opts_error(&g_opts, "--check, --records, --diff and --pack exclude each other");
	if (o.archive && o.mode != M_CHECK)
		sv_opts_error(&g_opts, "--archive goes with --check");
	if (o.quiet && o.mode != M_CHECK)
		sv_opts_error(&g_opts, "--quiet goes with --check");
	if (o.plain_header && o.mode != M_RECORDS && o.mode != M_DIFF)
		sv_opts_error(&g_opts, "--plain-header goes with --records and --diff "
		              "(the modes that write records)");
	if (o.raw && (o.mode == M_RECORDS || o.mode == M_DIFF || o.mode == M_PACK))
		sv_opts_error(&g_opts, "--raw goes with hashing and --check");
	switch (o.mode) {
	case M_CHECK:
		if (argc) {
			char q[1024];

			sv_opts_error(&g_opts, "--check takes no FILE arguments: '%s'",
			              ESC(argv[0], q));
		}
		status = do_check(&o);
		break;
	case M_RECORDS:
		if (argc < 1 || argc > 2)
			sv_opts_error(&g_opts, "--records takes one or two record files");
		status = do_records(&o, argc, argv);
		break;
	case M_DIFF:
		if (argc != 2)
			sv_opts_error(&g_opts, "--diff takes exactly two checkpoints");
		status = do_diff(&o, argv);
		break;
	case M_PACK:
		if (argc < 1)
			sv_opts_error(&g_opts, "--pack needs at least one checkpoint");
		status = do_pack(&o, argc, argv);
		break;
	default:
		status = do_hash(&o, argc, argv);
		break;
	}
	sv_close_stdout();
	return status;
}
