/* sv-hash - hash checkpoint weights, check runs bit for bit, find where
 * two runs diverge, pack checkpoints into byte-identical archives */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "formats/svar.h"
#include "formats/ckpt.h"
#include "formats/record.h"
#include "formats/tensor.h"
#include "base/opts.h"
#include "base/util.h"

#define SYNOPSIS "sv-hash [--tag|--gnu] [--raw] FILE... | -c LIST [--archive A] | --records A [B] | --diff A B | --pack OUT FILE..."

enum mode { M_HASH, M_CHECK, M_RECORDS, M_DIFF, M_PACK };

enum {
	O_CHECK = 'c', O_QUIET = 'q',
	O_TAG = SV_OPT_LONG, O_GNU, O_RAW, O_ARCHIVE, O_RECORDS, O_DIFF, O_PACK,
	O_MAXSIZE
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
	SV_OPTS_COMMON
};
static struct sv_opts g_opts;

struct opts {
	enum mode mode;
	int gnu, raw, quiet;
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

/* ---- reading inputs --------------------------------------------------- */

/* Read all of fp (at most max bytes); NULL with errno set on failure. */
static unsigned char *
slurp(FILE *fp, uint64_t max, size_t *n, int *toolarge)
{
	size_t cap = 65536, len = 0;
	unsigned char *b = sv_malloc(cap);

	*toolarge = 0;
	for (;;) {
		size_t r;

		if (len == cap) {
			if (cap > max) {
				*toolarge = 1;
				free(b);
				return NULL;
			}
			cap *= 2;
			b = sv_realloc(b, cap);
		}
		r = fread(b + len, 1, cap - len, fp);
		len += r;
		if (r == 0) {
			if (ferror(fp)) {
				free(b);
				return NULL;
			}
			break;
		}
	}
	if (len > max) {
		*toolarge = 1;
		free(b);
		return NULL;
	}
	*n = len;
	return b;
}

/* Hash of buf: the weights (a checkpoint) or, with raw, the bytes.
 * Returns 0, or 2 with a message printed. */
static int
hash_buf(const unsigned char *buf, size_t n, const char *name, int raw,
         char hex[33])
{
	if (raw) {
		XXH128_canonical_t c;

		XXH128_canonicalFromHash(&c, XXH3_128bits(buf, n));
		for (int i = 0; i < 16; i++)
			snprintf(hex + 2 * i, 3, "%02x", c.digest[i]);
		return 0;
	} else {
		struct sv_ckpt ck;
		char err[600];
		int st = sv_ckpt_read_mem(buf, n, name, &ck, err, sizeof err);

		if (st != SV_CKPT_OK) {
			sv_warn("%s", err);
			return st == SV_CKPT_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE;
		}
		sv_tensor_hash(ck.t, ck.ntensor, hex);
		sv_ckpt_free(&ck);
		return 0;
	}
}

static int
name_printable(const char *name)
{
	return !strchr(name, '\n') && !strchr(name, '\r');
}

static void
print_hash(const struct opts *o, const char *name, const char hex[33])
{
	if (o->gnu)
		printf("%s  %s\n", hex, name);
	else
		printf("XXH128 (%s) = %s\n", name, hex);
}

/* Is path a checkpoint file (starts with the magic)? */
static int
is_ckpt_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char m[SV_CKPT_MAGICLEN];
	int yes;

	if (!fp)
		return 0;
	yes = fread(m, 1, sizeof m, fp) == sizeof m &&
	      memcmp(m, SV_CKPT_MAGIC, SV_CKPT_MAGICLEN) == 0;
	fclose(fp);
	return yes;
}

/* Callback state for walking an archive or directory. */
struct walk {
	const struct opts *o;
	const char *prefix;  /* "DIR/" for directories, "" for archives */
	int status;          /* worst exit status so far */
	/* check mode */
	struct want *want;
	size_t nwant;
	size_t *order;       /* indexes into want sorted by name */
};

static int
worst(int a, int b)
{
	/* 3 over 2 over 1 over 0 */
	return a > b ? a : b;
}

static int
hash_entry(const struct sv_ar_entry *e, void *ctx)
{
	struct walk *w = ctx;
	char hex[33], *name;
	int st;

	if (asprintf(&name, "%s%s", w->prefix, e->name) < 0)
		sv_die(SV_EXIT_ENV, "out of memory");
	if (!name_printable(name)) {
		sv_warn("%s: name holds a line break", name);
		w->status = worst(w->status, SV_EXIT_USAGE);
	} else if ((st = hash_buf(e->buf, e->size, name, w->o->raw, hex)) != 0) {
		w->status = worst(w->status, st);
	} else {
		print_hash(w->o, name, hex);
	}
	free(name);
	return 0;
}

/* Read the file at path whole (or stdin for "-"); 0, or an exit status
 * with a message printed. */
static int
read_path(const char *path, const struct opts *o, unsigned char **buf,
          size_t *n)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct stat sb;
	int big;

	if (!fp) {
		sv_warn("%s: %s", path, strerror(errno));
		return SV_EXIT_USAGE;
	}
	if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(fp);
		sv_warn("%s: is a directory", path);
		return SV_EXIT_USAGE;
	}
	*buf = slurp(fp, o->lim.max_entry, n, &big);
	if (!*buf) {
		int e = errno;

		if (fp != stdin)
			fclose(fp);
		if (big)
			sv_warn("%s: over the size limit of %llu bytes", path,
			        (unsigned long long)o->lim.max_entry);
		else
			sv_warn("%s: %s", path, strerror(e));
		return SV_EXIT_USAGE;
	}
	if (fp != stdin)
		fclose(fp);
	return 0;
}

static int
do_hash(const struct opts *o, int argc, char **argv)
{
	char *dflt[] = { "-" };
	int status = 0;

	if (argc == 0)
		argc = 1, argv = dflt;
	for (int i = 0; i < argc; i++) {
		const char *path = argv[i];
		struct stat sb;

		if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 &&
		    (S_ISDIR(sb.st_mode) || (!o->raw && !is_ckpt_file(path)))) {
			struct walk w = { .o = o, .prefix = "" };
			char err[600], *pre = NULL;
			int st;

			if (S_ISDIR(sb.st_mode)) {
				size_t l = strlen(path);

				if (asprintf(&pre, "%s%s", path,
				             l && path[l - 1] == '/' ? "" : "/") < 0)
					sv_die(SV_EXIT_ENV, "out of memory");
				w.prefix = pre;
			}
			st = sv_ar_each(path, &o->lim, hash_entry, &w, err, sizeof err);
			free(pre);
			if (st == SV_AR_EFORMAT && !S_ISDIR(sb.st_mode)) {
				sv_warn("%s: neither a checkpoint nor a tar archive", path);
				w.status = worst(w.status, SV_EXIT_USAGE);
			} else if (st != SV_AR_OK && st != SV_AR_ECALLBACK) {
				sv_warn("%s", err);
				w.status = worst(w.status, st == SV_AR_ENOMEM ?
				                 SV_EXIT_ENV : SV_EXIT_USAGE);
			}
			status = worst(status, w.status);
			continue;
		}
		{
			unsigned char *buf;
			size_t n;
			char hex[33];
			const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
			int st = read_path(path, o, &buf, &n);

			if (st) {
				status = worst(status, st);
				continue;
			}
			if (!name_printable(name)) {
				sv_warn("%s: name holds a line break", name);
				status = worst(status, SV_EXIT_USAGE);
			} else if ((st = hash_buf(buf, n, name, o->raw, hex)) != 0) {
				status = worst(status, st);
			} else {
				print_hash(o, name, hex);
			}
			free(buf);
		}
	}
	return status;
}

/* ---- check mode ------------------------------------------------------- */

struct want {
	char *name;
	char hex[33];   /* expected, lowercase */
	char got[33];   /* computed, "" if the entry was not seen */
	int bad;        /* could not be read or hashed */
};

static int
is_hex32(const char *s, size_t n)
{
	if (n != 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

/* Parse one line of a hash list into *name (malloc'ed, caller frees) and
 * hex (lowercased).  Grammar (a trailing CR is dropped first):
 *   tag:  "XXH128 (" NAME ") = " HEX32
 *   GNU:  HEX32 "  " NAME   or   HEX32 " *" NAME
 * NAME is non-empty; HEX32 is 32 hex digits of either case.
 * Returns 0, or 1 with *why set for a malformed line. */
static int
parse_line(const char *line, char **name, char hex[33], const char **why)
{
	size_t len = strlen(line);
	const char *h, *nm;
	size_t nlen;

	if (len && line[len - 1] == '\r')
		len--;
	if (len > 8 && strncmp(line, "XXH128 (", 8) == 0) {
		if (len < 8 + 1 + 4 + 32 || strncmp(line + len - 36, ") = ", 4) != 0) {
			*why = "tag line without ') = HEX'";
			return 1;
		}
		nm = line + 8;
		nlen = len - 36 - 8;
		h = line + len - 32;
	} else if (len >= 3 && strncmp(line, "XXH", 3) == 0 && strchr(line, '(')) {
		*why = "unsupported algorithm (only XXH128)";
		return 1;
	} else {
		if (len < 35 || !(line[32] == ' ' && (line[33] == ' ' || line[33] == '*'))) {
			*why = "neither 'XXH128 (name) = hex' nor 'hex  name'";
			return 1;
		}
		h = line;
		nm = line + 34;
		nlen = len - 34;
	}
	if (!is_hex32(h, 32)) {
		*why = "hash is not 32 hex digits";
		return 1;
	}
	if (nlen == 0) {
		*why = "empty name";
		return 1;
	}
	for (int i = 0; i < 32; i++)
		hex[i] = (h[i] >= 'A' && h[i] <= 'F') ? (char)(h[i] - 'A' + 'a') : h[i];
	hex[32] = '\0';
	*name = sv_malloc(nlen + 1);
	memcpy(*name, nm, nlen);
	(*name)[nlen] = '\0';
	return 0;
}

static struct want *sort_base;

static int
cmp_want(const void *a, const void *b)
{
	return strcmp(sort_base[*(const size_t *)a].name,
	              sort_base[*(const size_t *)b].name);
}

static int
check_entry(const struct sv_ar_entry *e, void *ctx)
{
	struct walk *w = ctx;
	size_t lo = 0, hi = w->nwant;

	/* first index in order[] with name >= e->name */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(w->want[w->order[mid]].name, e->name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == w->nwant || strcmp(w->want[w->order[lo]].name, e->name) != 0)
		return 0;
	{
		char hex[33];
		int st = hash_buf(e->buf, e->size, e->name, w->o->raw, hex);

		for (size_t k = lo; k < w->nwant &&
		     strcmp(w->want[w->order[k]].name, e->name) == 0; k++) {
			struct want *wt = &w->want[w->order[k]];

			if (st)
				wt->bad = 1;
			else
				memcpy(wt->got, hex, 33);
		}
		if (st)
			w->status = worst(w->status, st);
	}
	return 0;
}

static int
do_check(const struct opts *o)
{
	FILE *fp = strcmp(o->list, "-") == 0 ? stdin : fopen(o->list, "r");
	const char *lname = strcmp(o->list, "-") == 0 ? "stdin" : o->list;
	struct want *want = NULL;
	size_t nwant = 0, cap = 0, nbadline = 0, nfail = 0, nunread = 0;
	char *line = NULL;
	size_t lcap = 0;
	unsigned long lineno = 0;
	ssize_t len;
	int status = 0;

	if (!fp)
		sv_die(SV_EXIT_USAGE, "%s: %s", o->list, strerror(errno));
	while ((len = getline(&line, &lcap, fp)) >= 0) {
		const char *why;
		char *name;
		char hex[33];

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (memchr(line, '\0', (size_t)len)) {
			sv_warn("%s:%lu: NUL byte in line", lname, lineno);
			nbadline++;
			continue;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (parse_line(line, &name, hex, &why)) {
			sv_warn("%s:%lu: %s: '%s'", lname, lineno, why, line);
			nbadline++;
			continue;
		}
		if (nwant == cap) {
			cap = cap ? cap * 2 : 64;
			want = sv_realloc(want, cap * sizeof *want);
		}
		memset(&want[nwant], 0, sizeof want[nwant]);
		want[nwant].name = name;
		memcpy(want[nwant].hex, hex, 33);
		nwant++;
	}
	if (ferror(fp))
		sv_die(SV_EXIT_USAGE, "%s: read error", lname);
	if (fp != stdin)
		fclose(fp);
	free(line);
	if (nwant == 0)
		sv_die(SV_EXIT_USAGE, "%s: no properly formatted hash lines", lname);

	if (o->archive) {
		struct walk w = { .o = o, .want = want, .nwant = nwant };
		char err[600];
		int st;

		w.order = sv_mallocarray(nwant, sizeof *w.order);
		for (size_t i = 0; i < nwant; i++)
			w.order[i] = i;
		sort_base = want;
		qsort(w.order, nwant, sizeof *w.order, cmp_want);
		st = sv_ar_each(o->archive, &o->lim, check_entry, &w, err, sizeof err);
		if (st != SV_AR_OK && st != SV_AR_ECALLBACK)
			sv_die(st == SV_AR_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE, "%s", err);
		status = worst(status, w.status);
		free(w.order);
	} else {
		for (size_t i = 0; i < nwant; i++) {
			unsigned char *buf;
			size_t n;
			int st = read_path(want[i].name, o, &buf, &n);

			if (st == 0) {
				st = hash_buf(buf, n, want[i].name, o->raw, want[i].got);
				free(buf);
			}
			if (st)
				want[i].bad = 1;
		}
	}
	for (size_t i = 0; i < nwant; i++) {
		if (want[i].bad || !want[i].got[0]) {
			if (!want[i].bad)
				sv_warn("%s: no such entry in %s", want[i].name, o->archive);
			printf("%s: FAILED open or read\n", want[i].name);
			nunread++;
		} else if (strcmp(want[i].got, want[i].hex) != 0) {
			printf("%s: FAILED\n", want[i].name);
			nfail++;
		} else if (!o->quiet) {
			printf("%s: OK\n", want[i].name);
		}
		free(want[i].name);
	}
	free(want);
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
		return worst(status, SV_EXIT_FOUND) == SV_EXIT_ENV ? SV_EXIT_ENV : SV_EXIT_FOUND;
	return status;
}

/* ---- records mode ----------------------------------------------------- */

struct run {
	uint64_t seed;
	char hash[33], init[33]; /* init "" when the file has no init_hash */
	int side;                /* 0 A, 1 B */
	unsigned long line;      /* line number, for messages */
};

static int
cmp_run(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	if (x->seed != y->seed)
		return x->seed < y->seed ? -1 : 1;
	if (x->side != y->side)
		return x->side - y->side;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Append the records of one file to *runs; exits 2 on bad input. */
static void
read_runs(const char *path, int side, struct run **runs, size_t *n,
          size_t *cap, int *has_init)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	struct sv_reader r;
	enum sv_rec_status st;
	int cs = -1, ch = -1, ci = -1;

	if (!fp)
		sv_die(SV_EXIT_USAGE, "%s: %s", path, strerror(errno));
	sv_reader_init(&r, fp, name);
	while ((st = sv_reader_next(&r)) == SV_REC_DATA) {
		struct run *u;

		if (cs < 0) {
			if (!r.header)
				sv_die(SV_EXIT_USAGE, "%s:%lu: no header: want records with "
				       "'seed' and 'hash' columns", name, r.lineno);
			cs = sv_reader_col(&r, "seed");
			ch = sv_reader_col(&r, "hash");
			ci = sv_reader_col(&r, "init_hash");
			if (cs < 0 || ch < 0)
				sv_die(SV_EXIT_USAGE, "%s:%lu: header has no '%s' column",
				       name, r.lineno, cs < 0 ? "seed" : "hash");
		}
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*runs = sv_realloc(*runs, *cap * sizeof **runs);
		}
		u = &(*runs)[*n];
		memset(u, 0, sizeof *u);
		u->side = side;
		if (sv_reader_u64(&r, (size_t)cs, &u->seed) != 0)
			sv_die(SV_EXIT_USAGE, "%s", r.err);
		if (!is_hex32(r.field[ch], strlen(r.field[ch])))
			sv_die(SV_EXIT_USAGE, "%s:%lu: field 'hash': not 32 hex digits: '%s'",
			       name, r.lineno, r.field[ch]);
		for (int k = 0; k < 33; k++)
			u->hash[k] = (char)(k < 32 ? (r.field[ch][k] | 0x20) : 0);
		if (ci >= 0) {
			if (!is_hex32(r.field[ci], strlen(r.field[ci])))
				sv_die(SV_EXIT_USAGE,
				       "%s:%lu: field 'init_hash': not 32 hex digits: '%s'",
				       name, r.lineno, r.field[ci]);
			for (int k = 0; k < 33; k++)
				u->init[k] = (char)(k < 32 ? (r.field[ci][k] | 0x20) : 0);
		}
		u->line = r.lineno;
		(*n)++;
	}
	if (st == SV_REC_BAD)
		sv_die(SV_EXIT_USAGE, "%s", r.err);
	*has_init = ci >= 0;
	sv_reader_free(&r);
	if (fp != stdin)
		fclose(fp);
}

static int
do_records(int argc, char **argv)
{
	const char *a = argv[0], *b = argc > 1 ? argv[1] : "-";
	struct run *runs = NULL;
	size_t n = 0, cap = 0, ndiff = 0, nseed = 0;
	int ia = 0, ib = 0, both_init;

	if (strcmp(a, "-") == 0 && strcmp(b, "-") == 0)
		sv_opts_error(&g_opts, "--records: only one input may be standard input");
	read_runs(a, 0, &runs, &n, &cap, &ia);
	read_runs(b, 1, &runs, &n, &cap, &ib);
	both_init = ia && ib;
	/* sort both sides together by (seed, side, line); a seed twice in one
	 * file cannot be compared */
	qsort(runs, n, sizeof *runs, cmp_run);
	for (size_t i = 1; i < n; i++)
		if (runs[i].seed == runs[i - 1].seed && runs[i].side == runs[i - 1].side)
			sv_die(SV_EXIT_USAGE, "%s:%lu: seed %llu appears twice",
			       strcmp(runs[i].side ? b : a, "-") == 0 ? "stdin" :
			       (runs[i].side ? b : a), runs[i].line,
			       (unsigned long long)runs[i].seed);
	printf("#seed\tdiffers\thash_a\thash_b\tinit_hash_a\tinit_hash_b\n");
	for (size_t i = 0; i < n;) {
		const struct run *x = &runs[i], *y = NULL;
		const char *what = NULL;

		if (i + 1 < n && runs[i + 1].seed == x->seed)
			y = &runs[i + 1];
		nseed++;
		if (!y) {
			what = x->side == 0 ? "only_a" : "only_b";
		} else if (both_init && strcmp(x->init, y->init) != 0) {
			what = "init";
		} else if (strcmp(x->hash, y->hash) != 0) {
			what = "train";
		}
		if (what) {
			const struct run *ra = y ? x : (x->side == 0 ? x : NULL);
			const struct run *rb = y ? y : (x->side == 1 ? x : NULL);

			printf("%llu\t%s\t%s\t%s\t%s\t%s\n", (unsigned long long)x->seed,
			       what, ra ? ra->hash : "NA", rb ? rb->hash : "NA",
			       ra && ia ? ra->init : "NA", rb && ib ? rb->init : "NA");
			ndiff++;
		}
		i += y ? 2 : 1;
	}
	free(runs);
	if (ndiff)
		sv_warn("%zu of %zu seeds differ", ndiff, nseed);
	return ndiff ? SV_EXIT_FOUND : SV_EXIT_OK;
}

/* ---- diff mode -------------------------------------------------------- */

static void
shape(char *s, size_t sz, const struct sv_tensor *t)
{
	size_t k = 0;

	s[0] = '\0';
	for (uint32_t d = 0; d < t->ndim && k < sz; d++)
		k += (size_t)snprintf(s + k, sz - k, "%s%llu", d ? "x" : "",
		                      (unsigned long long)t->dim[d]);
}

static uint32_t
bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static int
do_diff(const struct opts *o, char **argv)
{
	struct sv_ckpt a, b;
	char err[600], sa[96], sb[96];
	int st, differ = 0, first_done = 0;
	size_t nt;
	static const char *const what[3] = { "model", "data", "options" };

	(void)o;
	for (int i = 0; i < 2; i++) {
		st = sv_ckpt_read_file(argv[i], i ? &b : &a, err, sizeof err);
		if (st != SV_CKPT_OK)
			sv_die(st == SV_CKPT_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE, "%s", err);
	}
	{
		const char *fa[3] = { a.model, a.data, a.options };
		const char *fb[3] = { b.model, b.data, b.options };

		for (int i = 0; i < 3; i++)
			if (strcmp(fa[i], fb[i]) != 0) {
				printf("# %s differs: '%s' vs '%s'\n", what[i], fa[i], fb[i]);
				differ = 1;
			}
	}
	if (a.seed != b.seed) {
		printf("# seed differs: %llu vs %llu\n", (unsigned long long)a.seed,
		       (unsigned long long)b.seed);
		differ = 1;
	}
	nt = a.ntensor < b.ntensor ? a.ntensor : b.ntensor;
	if (a.ntensor != b.ntensor) {
		printf("# tensor count differs: %zu vs %zu\n", a.ntensor, b.ntensor);
		differ = 1;
	}
	for (size_t i = 0; i < nt; i++) {
		shape(sa, sizeof sa, &a.t[i]);
		shape(sb, sizeof sb, &b.t[i]);
		if (strcmp(a.t[i].name, b.t[i].name) != 0 || strcmp(sa, sb) != 0) {
			printf("# tensor %zu differs in name or shape: '%s' %s vs '%s' %s\n",
			       i, a.t[i].name, sa, b.t[i].name, sb);
			differ = 1;
			nt = i; /* compare values only up to here */
			break;
		}
	}
	for (size_t i = 0; i < nt && !first_done; i++) {
		uint64_t cnt = sv_tensor_count(&a.t[i]);

		for (uint64_t j = 0; j < cnt; j++)
			if (bits(a.t[i].data[j]) != bits(b.t[i].data[j])) {
				printf("# first difference: tensor '%s' index %llu: "
				       "%.9g (0x%08x) vs %.9g (0x%08x)\n", a.t[i].name,
				       (unsigned long long)j, a.t[i].data[j],
				       bits(a.t[i].data[j]), b.t[i].data[j],
				       bits(b.t[i].data[j]));
				first_done = 1;
				break;
			}
	}
	printf("#tensor\tshape\telements\tdiffer\tfirst_index\ta\tb\ta_bits\tb_bits\tmax_abs_diff\n");
	for (size_t i = 0; i < nt; i++) {
		const struct sv_tensor *x = &a.t[i], *y = &b.t[i];
		uint64_t cnt = sv_tensor_count(x), nd = 0, first = 0;
		double maxd = 0;
		int seen_nan = 0;
		struct sv_buf line = { 0 };

		for (uint64_t j = 0; j < cnt; j++) {
			if (bits(x->data[j]) == bits(y->data[j]))
				continue;
			if (nd++ == 0)
				first = j;
			{
				double d = fabs((double)x->data[j] - (double)y->data[j]);

				if (isnan(d))
					seen_nan = 1;
				else if (d > maxd)
					maxd = d;
			}
		}
		shape(sa, sizeof sa, x);
		sv_buf_printf(&line, "%s\t%s\t%llu\t%llu\t", x->name, sa,
		              (unsigned long long)cnt, (unsigned long long)nd);
		if (nd) {
			sv_buf_printf(&line, "%llu\t", (unsigned long long)first);
			sv_put_f32(&line, x->data[first]);
			sv_buf_puts(&line, "\t");
			sv_put_f32(&line, y->data[first]);
			sv_buf_printf(&line, "\t0x%08x\t0x%08x\t", bits(x->data[first]),
			              bits(y->data[first]));
			if (seen_nan)
				sv_buf_puts(&line, "nan");
			else
				sv_put_g(&line, maxd, 9);
		} else {
			sv_buf_puts(&line, "NA\tNA\tNA\tNA\tNA\t0");
		}
		printf("%s\n", line.p);
		sv_buf_free(&line);
		if (nd)
			differ = 1;
	}
	sv_ckpt_free(&a);
	sv_ckpt_free(&b);
	return differ ? SV_EXIT_FOUND : SV_EXIT_OK;
}

/* ---- pack mode -------------------------------------------------------- */

static int
do_pack(const struct opts *o, int argc, char **argv)
{
	struct sv_ar_member *m = sv_calloc((size_t)argc, sizeof *m);
	char err[700];
	int st, status = 0;

	for (int i = 0; i < argc; i++) {
		struct sv_ckpt c;
		const char *slash = strrchr(argv[i], '/');

		st = sv_ckpt_read_file(argv[i], &c, err, sizeof err);
		if (st != SV_CKPT_OK) {
			sv_warn("%s", err);
			status = worst(status, st == SV_CKPT_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE);
			continue;
		}
		sv_ckpt_free(&c);
		m[i].name = slash ? slash + 1 : argv[i];
		m[i].path = argv[i];
	}
	if (status) {
		free(m);
		sv_die(status, "%s: not written", o->pack);
	}
	st = sv_ar_write(o->pack, m, (size_t)argc, err, sizeof err);
	free(m);
	if (st != SV_AR_OK)
		sv_die(st == SV_AR_EIO || st == SV_AR_ENOMEM ? SV_EXIT_ENV : SV_EXIT_USAGE,
		       "%s", err);
	return 0;
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
	if (o.raw && (o.mode == M_RECORDS || o.mode == M_DIFF || o.mode == M_PACK))
		sv_opts_error(&g_opts, "--raw goes with hashing and --check");
	switch (o.mode) {
	case M_CHECK:
		if (argc)
			sv_opts_error(&g_opts, "--check takes no FILE arguments: '%s'", argv[0]);
		status = do_check(&o);
		break;
	case M_RECORDS:
		if (argc < 1 || argc > 2)
			sv_opts_error(&g_opts, "--records takes one or two record files");
		status = do_records(argc, argv);
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
