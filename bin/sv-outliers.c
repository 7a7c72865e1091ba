/* sv-outliers - find the outlier records of one column (man/sv-outliers.1)
 *
 * Reads every record (the decision needs the whole sample), then prints
 * the outliers unchanged, in input order, with score, side and method
 * appended.  Exit 0 when it printed a record, 1 when none, as grep. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/outliers.h"
#include "formats/record.h"
#include "base/util.h"

static const char synopsis[] =
	"sv-outliers [-m METHOD] [-f COLUMN] [-g COLUMN] [OPTION]... [FILE]...";

enum {
	OPT_MAXOUT = 256, OPT_TOP, OPT_PCT, OPT_VERBOSE, OPT_LIST_METHODS,
	OPT_LIST_OPTIONS, OPT_HELP, OPT_VERSION
};

static const struct option longopts[] = {
	{ "method", required_argument, NULL, 'm' },
	{ "field", required_argument, NULL, 'f' },
	{ "group", required_argument, NULL, 'g' },
	{ "side", required_argument, NULL, 's' },
	{ "k", required_argument, NULL, 'k' },
	{ "alpha", required_argument, NULL, 'a' },
	{ "max-outliers", required_argument, NULL, OPT_MAXOUT },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "percentile", required_argument, NULL, OPT_PCT },
	{ "invert", no_argument, NULL, 'v' },
	{ "count", no_argument, NULL, 'c' },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "list-methods", no_argument, NULL, OPT_LIST_METHODS },
	{ "list-options", no_argument, NULL, OPT_LIST_OPTIONS },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

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
	printf("Usage: %s\n", synopsis);
	printf(
"Find the outliers of one column of records (or of plain numbers, one a\n"
"line) and print them unchanged, in input order, with the columns score,\n"
"side (low or high) and method appended.  Exit 0 when a record was\n"
"printed, 1 when none, 2 on bad input.  Records whose value is NA are\n"
"never outliers.\n"
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
	printf(
"\n"
"Options:\n"
"  -m, --method NAME      the test (above); default mad\n"
"  -f, --field COLUMN     the column, by name or number; default 'acc'\n"
"                         when the header has it, else the only column\n"
"  -g, --group COLUMN     find the outliers within each group of records\n"
"                         with the same value in COLUMN\n"
"  -s, --side SIDE        low, high or both (default); grubbs and gesd are\n"
"                         one-sided tests with low or high\n"
"  -k, --k X              threshold of z, mad and tukey (0 or more)\n"
"  -a, --alpha P          significance level of grubbs and gesd (0.05)\n"
"      --max-outliers K   most outliers gesd looks for (default n/10)\n"
"      --top K            tail: the K highest and/or lowest values\n"
"                         (default 5)\n"
"      --percentile P     tail: the values beyond the P-th percentile\n"
"                         (0 < P <= 50) instead\n"
"  -v, --invert           print the records that are not outliers\n"
"                         (with NA records) instead\n"
"  -c, --count            print only the number of records selected\n"
"      --verbose          grubbs, gesd: the test statistics on stderr\n"
"      --list-methods     the method names, one a line (for completion)\n"
"      --list-options     the long options, one a line (for completion)\n"
"      --help             this help\n"
"      --version          the version\n"
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

static void
store_add(struct store *s, const char *line, size_t len, double x,
          const char *key)
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
		sv_buf_add(&s->keys, key, strlen(key) + 1);
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

/* The -f/-g column of r; dies with status 2 when there is none. */
static int
pick(struct sv_reader *r, const char *spec, const char *opt)
{
	int c = sv_reader_pick(r, spec);

	if (c < 0)
		sv_die(SV_EXIT_USAGE, "option %s: %s", opt, r->err);
	return c;
}

/* The value column when -f is not given: 'acc', else the only one. */
static int
default_field(struct sv_reader *r)
{
	int c;

	if (!r->header)
		return 0;
	c = sv_reader_col(r, "acc");
	if (c >= 0)
		return c;
	if (r->ncol == 1)
		return 0;
	sv_die(SV_EXIT_USAGE, "%s: no column 'acc' and %zu columns: choose "
	       "one with -f", r->name, r->ncol);
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

int
main(int argc, char **argv)
{
	const struct sv_out_method *m = sv_out_lookup("mad");
	struct sv_out_opts o = { .k = NAN, .alpha = 0.05, .side = SV_OUT_BOTH };
	const char *fspec = NULL, *gspec = NULL;
	unsigned given = 0; /* enum sv_out_param bits of the options given */
	int invert = 0, count = 0, verbose = 0, ch;
	struct sv_reader r;
	struct store s = { 0 };
	int fcol = -1, gcol = -1, resolved = 0;
	double *score;
	unsigned char *side;
	size_t found, selected = 0;
	struct sv_buf out = { 0 };

	sv_setlocale();
	sv_set_progname(argv[0]);
	while ((ch = getopt_long(argc, argv, "m:f:g:s:k:a:vc", longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case 'm':
			m = sv_out_lookup(optarg);
			if (!m) {
				struct sv_buf b = { 0 };

				for (size_t i = 0; i < sv_out_nmethods; i++)
					sv_buf_printf(&b, "%s%s", i ? ", " : "",
					              sv_out_methods[i].name);
				sv_usage_error(synopsis, "unknown method '%s' "
				               "(%s)", optarg, b.p);
			}
			break;
		case 'f':
			fspec = optarg;
			break;
		case 'g':
			gspec = optarg;
			break;
		case 's': {
			size_t i;

			for (i = 0; i < sizeof sides / sizeof sides[0]; i++)
				if (strcmp(optarg, sides[i].name) == 0)
					break;
			if (i == sizeof sides / sizeof sides[0])
				sv_usage_error(synopsis, "option --side: low, "
				               "high or both: '%s'", optarg);
			o.side = sides[i].side;
			break;
		}
		case 'k':
			o.k = sv_opt_double("--k", optarg, 0, 1e6);
			given |= SV_OUT_P_K;
			break;
		case 'a':
			o.alpha = sv_opt_double("--alpha", optarg, 1e-10, 0.5);
			given |= SV_OUT_P_ALPHA;
			break;
		case OPT_MAXOUT:
			o.max_out = sv_opt_u64("--max-outliers", optarg, 1,
			                       1000000000);
			given |= SV_OUT_P_MAXOUT;
			break;
		case OPT_TOP:
			o.top = sv_opt_u64("--top", optarg, 1, 1000000000);
			given |= SV_OUT_P_TAIL;
			break;
		case OPT_PCT:
			o.pct = sv_opt_double("--percentile", optarg, 1e-6, 50);
			given |= SV_OUT_P_TAIL;
			break;
		case 'v':
			invert = 1;
			break;
		case 'c':
			count = 1;
			break;
		case OPT_VERBOSE:
			verbose = 1;
			break;
		case OPT_LIST_METHODS:
			for (size_t i = 0; i < sv_out_nmethods; i++)
				puts(sv_out_methods[i].name);
			sv_close_stdout();
			return SV_EXIT_OK;
		case OPT_LIST_OPTIONS:
			sv_list_options_exit(longopts);
		case OPT_HELP:
			help();
			sv_close_stdout();
			return SV_EXIT_OK;
		case OPT_VERSION:
			sv_version_exit();
		default:
			sv_usage_error(synopsis, "unknown or incomplete option");
		}
	}
	argc -= optind;
	argv += optind;

	if (given & ~m->params) {
		static const struct {
			unsigned bit;
			const char *opt;
		} names[] = {
			{ SV_OUT_P_K, "--k" }, { SV_OUT_P_ALPHA, "--alpha" },
			{ SV_OUT_P_MAXOUT, "--max-outliers" },
			{ SV_OUT_P_TAIL, "--top/--percentile" },
		};
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (given & ~m->params & names[i].bit)
				sv_usage_error(synopsis, "option %s does not "
				               "apply to method '%s'",
				               names[i].opt, m->name);
	}
	if (o.top && o.pct > 0)
		sv_usage_error(synopsis, "options --top and --percentile "
		               "exclude each other");
	if (m->params & SV_OUT_P_TAIL && !o.top && !(o.pct > 0))
		o.top = 5;
	if (verbose)
		o.trace = stderr;

	sv_reader_init(&r, stdin, "-");
	for (int a = 0; a < (argc ? argc : 1); a++) {
		FILE *fp = stdin;
		const char *name = argc ? argv[a] : "-";
		enum sv_rec_status st;

		if (strcmp(name, "-") != 0 && !(fp = fopen(name, "r")))
			sv_die(SV_EXIT_USAGE, "%s: %s", name, strerror(errno));
		sv_reader_next_input(&r, fp, name);
		while ((st = sv_reader_next(&r)) == SV_REC_DATA) {
			double v = NAN;
			const char *key = NULL;
			int rc;

			if (!resolved) {
				fcol = fspec ? pick(&r, fspec, "-f")
				             : default_field(&r);
				if (gspec)
					gcol = pick(&r, gspec, "-g");
				check_header(&r);
				resolved = 1;
			}
			if (!r.header && !fspec && r.nfield != 1) {
				for (size_t i = 0; i + 1 < r.nfield; i++)
					r.field[i][strlen(r.field[i])] = '\t';
				sv_die(SV_EXIT_USAGE, "%s:%lu: %zu fields in "
				       "plain input: choose the column with -f: "
				       "'%.200s'", r.name, r.lineno, r.nfield,
				       r.line);
			}
			rc = sv_reader_double(&r, (size_t)fcol, &v);
			if (rc < 0)
				sv_die(SV_EXIT_USAGE, "%s", r.err);
			if (rc > 0)
				v = NAN;
			if (gcol >= 0) {
				if ((size_t)gcol >= r.nfield)
					sv_die(SV_EXIT_USAGE, "%s:%lu: field %d: "
					       "missing field", r.name, r.lineno,
					       gcol + 1);
				key = r.field[gcol];
			}
			for (size_t i = 0; i + 1 < r.nfield; i++)
				r.field[i][strlen(r.field[i])] = '\t';
			store_add(&s, r.line, r.len, v, key);
		}
		if (st == SV_REC_BAD)
			sv_die(SV_EXIT_USAGE, "%s", r.err);
		if (fp != stdin)
			fclose(fp);
	}
	if (!resolved && r.header) {
		if (fspec)
			pick(&r, fspec, "-f");
		else
			default_field(&r);
		if (gspec)
			pick(&r, gspec, "-g");
		check_header(&r);
	}

	score = sv_mallocarray(s.n ? s.n : 1, sizeof *score);
	side = sv_malloc(s.n);
	found = find(&s, gcol >= 0, m, &o, score, side);
	(void)found;

	if (r.header && !count) {
		sv_buf_printf(&out, "#%s", r.header);
		for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
			sv_buf_printf(&out, "\t%s", added[i]);
		sv_buf_add(&out, "\n", 1);
		fwrite(out.p, 1, out.len, stdout);
	}
	for (size_t i = 0; i < s.n; i++) {
		if ((side[i] != SV_OUT_NONE) == invert)
			continue;
		selected++;
		if (count)
			continue;
		out.len = 0;
		sv_buf_add(&out, s.lines.p + s.off[i], s.off[i + 1] - s.off[i]);
		sv_buf_add(&out, "\t", 1);
		sv_put_g(&out, score[i], 6);
		sv_buf_printf(&out, "\t%s\t%s\n", sv_out_side_name(side[i]),
		              m->name);
		fwrite(out.p, 1, out.len, stdout);
	}
	if (count)
		printf("%zu\n", selected);

	sv_buf_free(&out);
	free(score);
	free(side);
	sv_buf_free(&s.lines);
	sv_buf_free(&s.keys);
	free(s.off);
	free(s.x);
	free(s.key);
	sv_reader_free(&r);
	sv_close_stdout();
	return selected ? SV_EXIT_OK : SV_EXIT_FOUND;
}
