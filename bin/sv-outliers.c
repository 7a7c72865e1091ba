/* sv-outliers - find the outlier records of one column (man/sv-outliers.1)
 *
 * Reads every record (the decision needs the whole sample), then prints
 * the outliers unchanged, in input order, with score, side and method
 * appended.  Exit 0 when it printed a record, 1 when none, as grep. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/opts.h"
#include "base/util.h"
#include "formats/input.h"
#include "formats/record.h"
#include "stats/outliers.h"

static const char synopsis[] =
	"sv-outliers [-m METHOD] [-f COLUMN] [-g COLUMN] [OPTION]... [FILE]...";

enum {
	OPT_MAXOUT = SV_OPT_LONG, OPT_TOP, OPT_PCT, OPT_VERBOSE, OPT_LIST_METHODS,
	OPT_PLAIN_HEADER
};

static const struct sv_optdef optdefs[] = {
	{ "method", required_argument, 'm', "NAME",
	  "the test (above); default mad" },
	{ "field", required_argument, 'f', "COLUMN",
	  "the column, by name or number; default: the default\ncolumn of "
	  "sv-records(5) ('acc', else the only numeric one)" },
	{ "group", required_argument, 'g', "COLUMN",
	  "find the outliers within each group of records\nwith the same value "
	  "in COLUMN" },
	{ "side", required_argument, 's', "SIDE",
	  "low, high or both (default); grubbs and gesd are\none-sided tests "
	  "with low or high" },
	{ "k", required_argument, 'k', "X",
	  "threshold of z, mad and tukey (0 or more)" },
	{ "alpha", required_argument, 'a', "P",
	  "significance level of grubbs and gesd (0.05)" },
	{ "max-outliers", required_argument, OPT_MAXOUT, "K",
	  "most outliers gesd looks for (default n/10)" },
	{ "top", required_argument, OPT_TOP, "K",
	  "tail: the K highest and/or lowest values\n(default 5)" },
	{ "percentile", required_argument, OPT_PCT, "P",
	  "tail: the values beyond the P-th percentile\n(0 < P <= 50) instead" },
	{ "invert", no_argument, 'v', NULL,
	  "print the records that are not outliers\n(with NA records) instead" },
	{ "count", no_argument, 'c', NULL,
	  "print only the number of records selected" },
	{ "verbose", no_argument, OPT_VERBOSE, NULL,
	  "grubbs, gesd: the test statistics on stderr" },
	SV_OPTDEF_PLAIN_HEADER(OPT_PLAIN_HEADER),
	{ "list-methods", no_argument, OPT_LIST_METHODS, NULL,
	  "the method names, one a line (for completion)" },
	SV_OPTS_COMMON
};

static struct sv_opts g_opts;

static const struct {
	const char *name;
	unsigned side;
} sides[] = {
	{ "both", SV_OUT_BOTH }, { "low", SV_OUT_LOW }, { "high", SV_OUT_HIGH },
};

/* Appended to every output record, in this order. */
static const char *const added[] = { "score", "side", "method" };

static void
help(void)
{
	printf("usage: %s\n", synopsis);
	printf(
"Find the outliers of one column of records (or of plain numbers, one a\n"
"line) and print them unchanged, in input order, with the columns score,\n"
"side (low or high) and method appended.  Exit 0 when a record was\n"
"printed, 1 when none, 2 on bad input.  Records whose value is NA are\n"
"never outliers.  FILE '-' is stdin.\n"
"\n"
"Methods (-m):\n");
	for (size_t i = 0; i < sv_out_nmethods; i++) {
		const struct sv_out_method *m = &sv_out_methods[i];

		printf("  %-7s %s", m->name, m->help);
		if (m->params & SV_OUT_P_K)
			printf("; k %g", m->default_k);
		printf("%s\n", i == 0 ? " (the default)" : "");
		printf("  %-7s score: %s; n >= %zu\n", "", m->score, m->min_n);
	}
	printf("\n");
	sv_opts_help(&g_opts, stdout);
	printf(
"\n"
"With plain input (no header) the output lines are the input lines with\n"
"the three columns appended and no header.  Inliers printed by --invert\n"
"have side 'none'; a score that is undefined (NA value, zero spread)\n"
"prints as NA.\n"
"\n"
"Example: sv-outliers -m tail --top 5 < scan.tsv | sv-train --trace\n");
}

/* Every record, held compactly: the line bytes back to back in one
 * arena, the value, the group key in a second arena. */
struct store {
	struct sv_buf lines;   /* line i is lines.p[off[i] .. off[i+1]) */
	size_t *off;           /* n+1 offsets */
	double *x;             /* the column; NaN for NA */
	struct sv_buf keys;    /* NUL-terminated group keys */
	size_t *key;           /* offset of record i's key in keys */
	size_t n, cap;
};

/* Add a record: the line's len bytes, its value and (when key is not
 * NULL) the klen bytes of its group key. */
static void
store_add(struct store *s, const char *line, size_t len, double x,
          const char *key, size_t klen)
{
	if (s->n + 1 >= s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->off = sv_realloc(s->off, s->cap * sizeof *s->off);
		s->x = sv_realloc(s->x, s->cap * sizeof *s->x);
		if (key)
			s->key = sv_realloc(s->key, s->cap * sizeof *s->key);
	}
	s->off[s->n] = s->lines.len;
	sv_buf_add(&s->lines, line, len);
	s->x[s->n] = x;
	if (key) {
		s->key[s->n] = s->keys.len;
		sv_buf_add(&s->keys, key, klen);
		sv_buf_add(&s->keys, "", 1);
	}
	s->n++;
	s->off[s->n] = s->lines.len;
}

struct grouped {
	const char *key;
	size_t i;
};

static int
by_key(const void *a, const void *b)
{
	const struct grouped *p = a, *q = b;
	int c = strcmp(p->key, q->key);

	if (c)
		return c;
	return p->i < q->i ? -1 : p->i > q->i;
}

/* Run the method on each group (on all records when keyed is 0).
 * Returns the outlier count; dies with status 2 on a method error. */
static size_t
find(const struct store *s, int keyed, const struct sv_out_method *m,
     const struct sv_out_opts *o, double *score, unsigned char *side)
{
	struct grouped *g;
	double *x, *sc;
	unsigned char *sd;
	size_t found = 0;
	char err[256];
	long got;

	if (!keyed || s->n == 0) {
		got = sv_out_run(m, s->x, s->n, o, score, side, err, sizeof err);
		if (got < 0)
			sv_die(SV_EXIT_USAGE, "%s", err);
		return (size_t)got;
	}
	g = sv_mallocarray(s->n ? s->n : 1, sizeof *g);
	x = sv_mallocarray(s->n ? s->n : 1, sizeof *x);
	sc = sv_mallocarray(s->n ? s->n : 1, sizeof *sc);
	sd = sv_malloc(s->n);
	for (size_t i = 0; i < s->n; i++)
		g[i].key = s->keys.p + s->key[i], g[i].i = i;
	qsort(g, s->n, sizeof *g, by_key);
	for (size_t j = 0; j < s->n;) {
		size_t e = j, len;

		while (e < s->n && strcmp(g[e].key, g[j].key) == 0)
			e++;
		len = e - j;
		for (size_t t = 0; t < len; t++)
			x[t] = s->x[g[j + t].i];
		if (o->trace)
			fprintf(o->trace, "%s: group '%s'\n", sv_progname(),
			        g[j].key);
		got = sv_out_run(m, x, len, o, sc, sd, err, sizeof err);
		if (got < 0)
			sv_die(SV_EXIT_USAGE, "group '%s': %s", g[j].key, err);
		found += (size_t)got;
		for (size_t t = 0; t < len; t++) {
			score[g[j + t].i] = sc[t];
			side[g[j + t].i] = sd[t];
		}
		j = e;
	}
	free(g);
	free(x);
	free(sc);
	free(sd);
	return found;
}

/* The -f/-g column of r (the default column when spec is NULL); dies
 * with status 2 when there is none. */
static int
pick(struct sv_reader *r, const char *spec, const char *opt)
{
	int c = sv_input_column(r, spec);

	if (c < 0) {
		if (spec)
			sv_die(SV_EXIT_USAGE, "option %s: %s", opt, r->err);
		sv_die(SV_EXIT_USAGE, "%s", r->err);
	}
	return c;
}

static void
check_header(const struct sv_reader *r)
{
	for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
		if (sv_reader_col(r, added[i]) >= 0)
			sv_die(SV_EXIT_USAGE, "%s: the header already has a "
			       "column '%s', which the output appends",
			       r->name, added[i]);
}

struct opts {
	const struct sv_out_method *m;
	struct sv_out_opts o;
	const char *fspec, *gspec;
	int invert, count;
	int plain_header;     /* --plain-header */
};

static void
parse_options(int argc, char **argv, struct opts *p)
{
	unsigned given = 0; /* enum sv_out_param bits of the options given */
	int ch, verbose = 0;

	while ((ch = sv_opts_next(&g_opts, argc, argv)) != -1) {
		switch (ch) {
		case 'm':
			p->m = sv_out_lookup(optarg);
			if (!p->m) {
				struct sv_buf b = { 0 };

				for (size_t i = 0; i < sv_out_nmethods; i++)
					sv_buf_printf(&b, "%s%s", i ? ", " : "",
					              sv_out_methods[i].name);
				sv_opts_error(&g_opts, "unknown method '%s' (%s)",
				              optarg, b.p);
			}
			break;
		case 'f': p->fspec = optarg; break;
		case 'g': p->gspec = optarg; break;
		case 's': {
			size_t i;

			for (i = 0; i < sizeof sides / sizeof sides[0]; i++)
				if (strcmp(optarg, sides[i].name) == 0)
					break;
			if (i == sizeof sides / sizeof sides[0])
				sv_opts_error(&g_opts, "option --side: low, "
				              "high or both: '%s'", optarg);
			p->o.side = sides[i].side;
			break;
		}
		case 'k':
			p->o.k = sv_opt_double("--k", optarg, 0, 1e6);
			given |= SV_OUT_P_K;
			break;
		case 'a':
			p->o.alpha = sv_opt_double("--alpha", optarg, 1e-10, 0.5);
			given |= SV_OUT_P_ALPHA;
			break;
		case OPT_MAXOUT:
			p->o.max_out = sv_opt_u64("--max-outliers", optarg, 1,
			                          1000000000);
			given |= SV_OUT_P_MAXOUT;
			break;
		case OPT_TOP:
			p->o.top = sv_opt_u64("--top", optarg, 1, 1000000000);
			given |= SV_OUT_P_TAIL;
			break;
		case OPT_PCT:
			p->o.pct = sv_opt_double("--percentile", optarg, 1e-6, 50);
			given |= SV_OUT_P_TAIL;
			break;
		case 'v': p->invert = 1; break;
		case 'c': p->count = 1; break;
		case OPT_PLAIN_HEADER: p->plain_header = 1; break;
		case OPT_VERBOSE: verbose = 1; break;
		case OPT_LIST_METHODS:
			for (size_t i = 0; i < sv_out_nmethods; i++)
				puts(sv_out_methods[i].name);
			sv_close_stdout();
			exit(SV_EXIT_OK);
		case 'h':
			help();
			sv_close_stdout();
			exit(SV_EXIT_OK);
		default:
			sv_opts_error(&g_opts, "unhandled option");
		}
	}
	if (given & ~p->m->params) {
		static const struct {
			unsigned bit;
			const char *opt;
		} names[] = {
			{ SV_OUT_P_K, "--k" }, { SV_OUT_P_ALPHA, "--alpha" },
			{ SV_OUT_P_MAXOUT, "--max-outliers" },
			{ SV_OUT_P_TAIL, "--top/--percentile" },
		};
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (given & ~p->m->params & names[i].bit)
				sv_opts_error(&g_opts, "option %s does not "
				              "apply to method '%s'",
				              names[i].opt, p->m->name);
	}
	if (p->o.top && p->o.pct > 0)
		sv_opts_error(&g_opts, "options --top and --percentile "
		              "exclude each other");
	if (p->m->params & SV_OUT_P_TAIL && !p->o.top && !(p->o.pct > 0))
		p->o.top = 5;
	if (verbose)
		p->o.trace = stderr;
}

/* Every record of the input into s; *gcol is the group column or -1. */
static void
read_all(const struct opts *p, struct sv_input *in, struct store *s,
         int *gcol)
{
	struct sv_reader *r = &in->r;
	enum sv_rec_status st;
	int fcol = -1, resolved = 0;

	*gcol = -1;
	while ((st = sv_input_next(in)) == SV_REC_DATA) {
		double v = NAN;
		const char *key = NULL;
		size_t klen;
		int rc;

		if (!resolved) {
			fcol = pick(r, p->fspec, "-f");
			if (p->gspec)
				*gcol = pick(r, p->gspec, "-g");
			check_header(r);
			resolved = 1;
		}
		rc = sv_reader_double(r, (size_t)fcol, &v);
		if (rc < 0)
			sv_die(SV_EXIT_USAGE, "%s", r->err);
		if (rc > 0)
			v = NAN;
		if (*gcol >= 0 && !(key = sv_reader_field(r, (size_t)*gcol)))
			sv_die(SV_EXIT_USAGE, "%s", r->err);
		klen = key ? strlen(key) : 0; /* before the line is joined */
		for (size_t i = 0; i + 1 < r->nfield; i++)
			r->field[i][strlen(r->field[i])] = '\t';
		store_add(s, r->line, r->len, v, key, klen);
	}
	if (st == SV_REC_BAD)
		sv_die(SV_EXIT_USAGE, "%s", r->err);
	if (!resolved && r->header) {
		/* a header and no data: the columns must still exist */
		pick(r, p->fspec, "-f");
		if (p->gspec)
			pick(r, p->gspec, "-g");
		check_header(r);
	}
	if (!resolved)
		sv_die(SV_EXIT_USAGE, "%s: no data", r->name);
}

/* The header (unless count) and the selected records; returns how many
 * were selected. */
static size_t
put_selected(const struct opts *p, const struct sv_reader *r,
             const struct store *s, const double *score,
             const unsigned char *side)
{
	struct sv_buf out = { 0 };
	size_t selected = 0;

	if (r->header && !p->count) {
		sv_buf_printf(&out, "%s%s", p->plain_header ? "" : "#",
		              r->header);
		for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
			sv_buf_printf(&out, "\t%s", added[i]);
		sv_buf_add(&out, "\n", 1);
		fwrite(out.p, 1, out.len, stdout);
	}
	for (size_t i = 0; i < s->n; i++) {
		if ((side[i] != SV_OUT_NONE) == p->invert)
			continue;
		selected++;
		if (p->count)
			continue;
		out.len = 0;
		sv_buf_add(&out, s->lines.p + s->off[i],
		           s->off[i + 1] - s->off[i]);
		sv_buf_add(&out, "\t", 1);
		sv_put_g(&out, score[i], 6);
		sv_buf_printf(&out, "\t%s\t%s\n", sv_out_side_name(side[i]),
		              p->m->name);
		fwrite(out.p, 1, out.len, stdout);
	}
	if (p->count)
		printf("%zu\n", selected);
	sv_buf_free(&out);
	return selected;
}

int
main(int argc, char **argv)
{
	struct opts p = {
		.o = { .k = NAN, .alpha = 0.05, .side = SV_OUT_BOTH },
	};
	struct sv_input in;
	struct store s = { 0 };
	int gcol;
	double *score;
	unsigned char *side;
	size_t selected;

	sv_setlocale();
	sv_set_progname(argv[0]);
	sv_opts_init(&g_opts, optdefs, synopsis);
	p.m = sv_out_lookup("mad");
	parse_options(argc, argv, &p);
	argc -= optind;
	argv += optind;

	sv_input_init(&in, argv, (size_t)argc);
	read_all(&p, &in, &s, &gcol);
	score = sv_mallocarray(s.n ? s.n : 1, sizeof *score);
	side = sv_malloc(s.n ? s.n : 1);
	find(&s, gcol >= 0, p.m, &p.o, score, side);
	selected = put_selected(&p, &in.r, &s, score, side);

	free(score);
	free(side);
	sv_buf_free(&s.lines);
	sv_buf_free(&s.keys);
	free(s.off);
	free(s.x);
	free(s.key);
	sv_input_free(&in);
	sv_opts_free(&g_opts);
	sv_close_stdout();
	return selected ? SV_EXIT_OK : SV_EXIT_FOUND;
}
