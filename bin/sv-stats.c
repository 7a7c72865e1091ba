/* sv-stats - the distribution of scores over seeds: the paper's table,
 * datamash-compatible operations, uncertainty, normality, the claim audit,
 * two-group comparison and figures (man/sv-stats.1) */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/opts.h"
#include "base/util.h"
#include "formats/input.h"
#include "formats/json.h"
#include "formats/record.h"
#include "formats/render.h"
#include "formats/table.h"
#include "stats/claim.h"
#include "stats/compare.h"
#include "stats/group.h"
#include "stats/normality.h"
#include "stats/plot.h"
#include "stats/report.h"
#include "stats/spread.h"
#include "stats/statops.h"
#include "stats/stats.h"

static const char synopsis[] =
	"sv-stats [--json] [-f COL] [-g COL [--share-of GROUP]] [--ci]\n"
	"                [--normality] [--claim X] [--plot FIG] [FILE...]\n"
	"       sv-stats [-g COL] [--narm] OP COL [OP COL]... [FILE...]";

enum {
	OPT_NARM = SV_OPT_LONG, OPT_CI, OPT_NORMALITY, OPT_ALL, OPT_REPS,
	OPT_LEVEL, OPT_RNG_SEED, OPT_CLAIM, OPT_BEST_OF, OPT_TEST_SIZE,
	OPT_PLOT, OPT_PLOT_EPOCHS, OPT_HISTOGRAM, OPT_NO_HISTOGRAM,
	OPT_LIST_OPS, OPT_JSON, OPT_SHARE_OF, OPT_TITLE, OPT_XLABEL, OPT_YLABEL,
	OPT_SIZE, OPT_BINS, OPT_CSV
};

static const struct sv_optdef optdefs[] = {
	{ "field", required_argument, 'f', "COL",
	  "the column to describe (name or 1-based number)" },
	{ "group", required_argument, 'g', "COL", "one summary per value of COL" },
	{ "json", no_argument, OPT_JSON, NULL,
	  "one JSON object per group (and one for a comparison);\n"
	  "-j is no longer --json: it is threads in the other tools" },
	{ "share-of", required_argument, OPT_SHARE_OF, "GROUP",
	  "with -g: each group's variance as a share of GROUP's\n"
	  "(the group that varies every source)" },
	{ "ci", no_argument, OPT_CI, NULL,
	  "bootstrap CIs (percentile and BCa) of mean, median,\nsd and IQM" },
	{ "reps", required_argument, OPT_REPS, "N",
	  "bootstrap resamples (default 10000; implies --ci)" },
	{ "level", required_argument, OPT_LEVEL, "X",
	  "confidence level, 0 < X < 1 (default 0.95)" },
	{ "rng-seed", required_argument, OPT_RNG_SEED, "N",
	  "bootstrap seed (default 1): same seed, same bits" },
	{ "normality", no_argument, OPT_NORMALITY, NULL,
	  "Shapiro-Wilk, Anderson-Darling, D'Agostino-Pearson" },
	{ "all", no_argument, OPT_ALL, NULL, "--ci and --normality" },
	{ "claim", required_argument, OPT_CLAIM, "X",
	  "audit a published score X against the seeds" },
	{ "best-of", required_argument, OPT_BEST_OF, "LIST",
	  "n for the expected best of n seeds, e.g. 1,5,10\n(default "
	  "1,2,5,10,20,50,100,... up to max(100, seeds))" },
	{ "test-size", required_argument, OPT_TEST_SIZE, "N",
	  "test-set size, for the binomial noise floor test_se\n(else taken "
	  "from a 'total' column)" },
	{ "plot", required_argument, OPT_PLOT, "FIG",
	  "histogram with density, mean, +-1 sd (and the claim)\n"
	  "into FIG: SVG, or PNG or PDF for a name ending in\n"
	  ".png or .pdf (through librsvg, loaded when needed)" },
	{ "plot-epochs", required_argument, OPT_PLOT_EPOCHS, "FIG",
	  "accuracy vs epoch (records with an 'epoch' column)\n"
	  "into FIG, SVG, PNG or PDF as for --plot" },
	{ "title", required_argument, OPT_TITLE, "TEXT",
	  "figures: a title above the plot" },
	{ "xlabel", required_argument, OPT_XLABEL, "TEXT",
	  "figures: the x axis label (default the column; 'epoch')" },
	{ "ylabel", required_argument, OPT_YLABEL, "TEXT",
	  "figures: the y axis label (default 'density'; the column)" },
	{ "size", required_argument, OPT_SIZE, "WxH",
	  "figures: canvas in px (default 760x440; one column of\n"
	  "a paper: 360x260); a PNG has twice the pixels" },
	{ "bins", required_argument, OPT_BINS, "N",
	  "figures: histogram bins (default from the seeds)" },
	{ "histogram", no_argument, OPT_HISTOGRAM, NULL,
	  "terminal histogram even when stdout is no tty" },
	{ "no-histogram", no_argument, OPT_NO_HISTOGRAM, NULL,
	  "no terminal histogram" },
	{ "csv", no_argument, OPT_CSV, NULL,
	  "read CSV (RFC 4180 quotes), as a FILE named *.csv is" },
	{ "narm", no_argument, OPT_NARM, NULL,
	  "operations: skip NA values" },
	{ "list-ops", no_argument, OPT_LIST_OPS, NULL,
	  "the operation names, one a line" },
	SV_OPTS_COMMON
};

static struct sv_opts g_opts;

static void
help(void)
{
	printf("usage: %s\n\n", synopsis);
	printf(
"Describe the distribution of one column over seeds.  Input: records\n"
"(a header line, '#' or a first line of names; TSV rows, or CSV with\n"
"--csv or from a FILE named *.csv; an empty cell is NA) or plain\n"
"numbers, on stdin or in FILEs ('-' is stdin).  The column is the\n"
"default column of sv-records(5): 'acc' when present, else the only\n"
"numeric column but seed and epoch.\n"
"With several FILEs and no -g, each file is a group.  When exactly two\n"
"groups are present they are compared (equal spread too); three or more\n"
"get the Brown-Forsythe test of equal variances over all of them.\n\n");
	sv_opts_help(&g_opts, stdout);
	printf(
"\nWith an 'epoch' column, the summary takes each group's last epoch.\n\n"
"Operations (datamash-compatible, computed in long double, printed as\n"
"datamash does): sv-stats OP COL [OP COL]... prints one TSV line (per\n"
"group).  NA is an error unless --narm.\n");
	sv_statop_help(stdout);
	printf("\nExit status: 0 ok, 2 usage or bad input, 3 environment.\n");
}

struct opts {
	const char *field, *group;
	int json, narm, histogram; /* histogram: -1 auto */
	int csv;
	const char *share_of;      /* --share-of GROUP */
	const char *plot, *plot_epochs;
	struct sv_plot_style style;
	struct sv_report_opts r;   /* r.best_of: owned */
};

/* --- printing */

/* The figure file path from the SVG text in b: SVG, PNG or PDF by the
 * name; a temporary file beside it is renamed over it when complete. */
static void
write_figure(const char *path, const struct sv_buf *b)
{
	char err[2048];
	int rc = sv_render_file(path, b->p, b->len, err, sizeof err);

	if (rc != 0)
		sv_die(rc, "%s", err);
}

/* A PNG or PDF figure needs librsvg and cairo: load them before any
 * work, or exit 3 saying which library and package is missing. */
static void
need_renderer(const char *opt, const char *path)
{
	char err[2048];

	if (!path || sv_render_format_of(path) == SV_RENDER_SVG)
		return;
	if (sv_render_load(err, sizeof err) != 0)
		sv_die(SV_EXIT_ENV, "%s %s: %s", opt, path, err);
}

/* --- input */

/* The next data line, or 0 at the end; bad input exits 2. */
static int
next_record(struct sv_input *in)
{
	enum sv_rec_status st = sv_input_next(in);

	if (st == SV_REC_BAD)
		sv_die(SV_EXIT_USAGE, "%s", in->r.err);
	return st == SV_REC_DATA;
}

/* The column spec names (the default column for NULL), or exit 2 with
 * the columns there are. */
static int
pick(struct sv_reader *r, const char *spec)
{
	int c = sv_input_column(r, spec);
	char cols[512];

	if (c < 0)
		sv_die(SV_EXIT_USAGE, "%s%s", r->err,
		       sv_input_column_list(r, cols, sizeof cols));
	return c;
}

/* The group key of the current line: the -g field, the file name when
 * there are several files, else "". */
static const char *
group_key(struct sv_input *in, int gcol)
{
	const char *k = gcol < 0 ? in->nfiles > 1 ? in->r.name : ""
	                         : sv_reader_field(&in->r, (size_t)gcol);

	if (!k)
		sv_die(SV_EXIT_USAGE, "%s", in->r.err);
	return k;
}

/* --- operations mode */

static int
run_ops(const struct opts *o, struct sv_input *in, struct sv_opcall *calls,
        size_t ncalls)
{
	struct sv_groups G;
	int gcol = -1, resolved = 0;
	int *cols = sv_mallocarray(ncalls, sizeof *cols); /* distinct */
	size_t ncols = 0, *slot = sv_mallocarray(ncalls, sizeof *slot);
	int *text = sv_calloc(ncalls, sizeof *text); /* column needs texts */
	int *keep = sv_calloc(ncalls, sizeof *keep); /* ... its values */
	struct sv_buf out = { 0 };
	struct sv_group *g = NULL;

	sv_groups_init(&G, ncalls);
	while (next_record(in)) {
		struct sv_reader *r = &in->r;

		if (!resolved) {
			for (size_t i = 0; i < ncalls; i++)
				calls[i].col = pick(r, calls[i].field);
			ncols = sv_statop_columns(calls, ncalls, cols, slot, text,
			                          keep);
			if (o->group)
				gcol = pick(r, o->group);
			resolved = 1;
		}
		/* ungrouped input has one group, which never moves */
		if (!g || gcol >= 0 || in->nfiles > 1)
			g = sv_group_of(&G, group_key(in, gcol));
		for (size_t j = 0; j < ncols; j++) {
			struct sv_colvals *cv = &g->cv[j];
			long double v;
			int rc = sv_reader_ldouble(r, (size_t)cols[j], &v);

			if (rc < 0)
				sv_die(SV_EXIT_USAGE, "%s", r->err);
			if (rc > 0 && !o->narm)
				sv_die(SV_EXIT_USAGE, "%s", sv_reader_field_error(r,
				       (size_t)cols[j], "NA (--narm skips it)"));
			if (rc > 0)
				continue;
			sv_colvals_add(cv, v, keep[j]);
			if (text[j]) {
				const char *s = r->field[cols[j]];

				if (!cv->first.p)
					sv_buf_puts(&cv->first, s);
				cv->last.len = 0;
				sv_buf_puts(&cv->last, s);
			}
		}
	}
	if (!resolved && in->r.header) {
		/* a header and no data: the columns must still exist */
		for (size_t i = 0; i < ncalls; i++)
			pick(&in->r, calls[i].field);
		if (o->group)
			pick(&in->r, o->group);
	}
	for (size_t gi = 0; gi < G.n; gi++) {
		if (gcol >= 0 || in->nfiles > 1)
			sv_buf_printf(&out, "%s\t", G.g[gi].key);
		sv_statop_eval_row(calls, ncalls, slot, G.g[gi].cv, ncols, &out);
		if (fwrite(out.p, 1, out.len, stdout) != out.len)
			sv_die(SV_EXIT_ENV, "write error");
		out.len = 0;
	}
	sv_buf_free(&out);
	sv_groups_free(&G);
	free(text);
	free(keep);
	free(cols);
	free(slot);
	return SV_EXIT_OK;
}

/* --- summary mode */

/* The figures --plot and --plot-epochs ask for. */
static void
put_figures(const struct opts *o, const struct sv_report *res, size_t n,
            const char *colname, int has_epochs)
{
	struct sv_buf b = { 0 };

	if (o->plot) {
		sv_report_hist_svg(res, n, colname, o->r.claim, &o->style, &b);
		write_figure(o->plot, &b);
		b.len = 0;
	}
	if (o->plot_epochs) {
		if (!has_epochs)
			sv_die(SV_EXIT_USAGE, "--plot-epochs: the input has no "
			       "'epoch' column");
		sv_report_epochs_svg(res, n, colname, &o->style, &b);
		write_figure(o->plot_epochs, &b);
	}
	sv_buf_free(&b);
}

/* The group --share-of names, or exit 2 naming the groups there are. */
static size_t
share_ref(const struct opts *o, const struct sv_report *res, size_t n)
{
	struct sv_buf b = { 0 };

	for (size_t i = 0; i < n; i++)
		if (strcmp(res[i].g->key, o->share_of) == 0 ||
		    strcmp(sv_group_name(res[i].g), o->share_of) == 0)
			return i;
	for (size_t i = 0; i < n; i++)
		sv_buf_printf(&b, "%s'%s'", i ? ", " : "",
		              sv_group_name(res[i].g));
	sv_die(SV_EXIT_USAGE, "--share-of: no group '%s' (the groups: %s)",
	       o->share_of, b.p ? b.p : "none");
}

/* common: what every group's recipe holds when the groups are labelled
 * by the options in which they differ (-g recipe), else NULL */
static void
put_summary(const struct opts *o, struct sv_report *res, size_t n,
            const char *colname, int grouped, const char *common,
            struct sv_buf *out)
{
	double sum = NAN, net = NAN;
	size_t ref = 0;

	if (o->share_of) {
		ref = share_ref(o, res, n);
		sv_report_shares(res, n, ref, &sum, &net);
	}
	if (o->json) {
		for (size_t i = 0; i < n; i++)
			sv_report_json(&o->r, &res[i], colname, grouped,
			               out);
	} else {
		if (common)
			sv_buf_printf(out, "every group's recipe holds: %s\n"
			              "the groups are named by the rest\n\n", common);
		sv_report_table(&o->r, res, n, colname, grouped, out);
		if (o->share_of)
			sv_report_shares_put(res, n, ref, sum, net, out);
		for (size_t i = 0; i < n && o->histogram; i++) {
			if (grouped)
				sv_buf_printf(out, "\n%s\n", res[i].g->key);
			else
				sv_buf_puts(out, "\n");
			sv_plot_term(out, res[i].x, res[i].n, 80, 0,
			             o->r.claim, "claim");
		}
		for (size_t i = 0; i < n && !isnan(o->r.claim); i++)
			sv_report_claim_put(&o->r, &res[i], colname, grouped,
			                    out);
	}
	if (n == 2)
		sv_report_compare(&o->r, &res[0], &res[1], o->json, out);
	else if (n > 2)
		sv_report_equal_spread(res, n, o->json, out);
}

static int
run_summary(struct opts *o, struct sv_input *in)
{
	struct sv_groups G;
	int col = -1, gcol = -1, ecol = -1, tcol = -1, resolved = 0, recipe = 0;
	char colbuf[32], msg[256];
	char *colname = NULL;
	struct sv_report *res;
	struct sv_buf out = { 0 }, common = { 0 };

	sv_groups_init(&G, 0);
	while (next_record(in)) {
		struct sv_reader *r = &in->r;
		struct sv_group *g;
		double v, e = 0;
		int rc;

		if (!resolved) {
			col = pick(r, o->field);
			if (o->group) {
				gcol = pick(r, o->group);
				recipe = strcmp(sv_reader_colname(r, gcol, colbuf,
				                sizeof colbuf), "recipe") == 0;
			}
			ecol = sv_reader_col(r, "epoch");
			if (ecol == col)
				ecol = -1;
			tcol = sv_reader_col(r, "total");
			colname = sv_strdup(sv_reader_colname(r, col, colbuf,
			                             sizeof colbuf));
			resolved = 1;
		}
		g = sv_group_of(&G, group_key(in, gcol));
		rc = sv_reader_double(r, (size_t)col, &v);
		if (rc < 0)
			sv_die(SV_EXIT_USAGE, "%s", r->err);
		if (rc > 0) {
			g->na++;
			continue;
		}
		if (ecol >= 0) {
			rc = sv_reader_double(r, (size_t)ecol, &e);
			if (rc < 0)
				sv_die(SV_EXIT_USAGE, "%s", r->err);
			if (rc > 0)
				e = -INFINITY;
		}
		if (tcol >= 0 && isnan(g->total)) {
			double t;

			if (sv_reader_double(r, (size_t)tcol, &t) == 0 && t > 0)
				g->total = t;
		}
		sv_group_add(g, v, ecol >= 0, e);
	}
	if (!resolved) {
		if (in->r.header) {
			pick(&in->r, o->field);
			if (o->group)
				pick(&in->r, o->group);
		}
		sv_die(SV_EXIT_USAGE, "%s: no data", in->r.name);
	}
	if (!isnan(o->r.claim) &&
	    sv_report_claim_scale(&G, o->r.claim, msg, sizeof msg) < 0)
		sv_die(SV_EXIT_USAGE, "--claim: %s", msg);
	if (!isnan(o->r.claim) && !o->r.best_of) {
		size_t nmax = 0;

		for (size_t i = 0; i < G.n; i++)
			nmax = G.g[i].n > nmax ? G.g[i].n : nmax;
		o->r.best_of = sv_best_of_default(nmax > 100 ? nmax : 100,
		                                  &o->r.nbest);
	}
	/* recipes are long: groups are named by the options that differ */
	if (recipe)
		sv_groups_option_labels(&G, &common);
	res = sv_calloc(G.n, sizeof *res);
	for (size_t i = 0; i < G.n; i++)
		sv_report_compute(&o->r, &G.g[i], &res[i]);
	put_summary(o, res, G.n, colname, gcol >= 0 || in->nfiles > 1,
	            common.p, &out);
	sv_buf_free(&common);
	if (fwrite(out.p, 1, out.len, stdout) != out.len)
		sv_die(SV_EXIT_ENV, "write error");
	sv_buf_free(&out);
	put_figures(o, res, G.n, colname, ecol >= 0);
	for (size_t i = 0; i < G.n; i++)
		sv_report_free(&res[i]);
	free(res);
	sv_groups_free(&G);
	free(colname);
	return SV_EXIT_OK;
}

/* OP COL pairs from the front of argv into *calls; returns how many
 * arguments they took. */
static int
parse_ops(int argc, char **argv, struct sv_opcall **calls, size_t *ncalls)
{
	int nop = 0;

	while (nop < argc) {
		struct sv_opcall call;
		enum sv_opparse_status st = sv_statop_parse(argv[nop], &call);

		if (st == SV_OPPARSE_UNKNOWN)
			break;
		if (st == SV_OPPARSE_NOPARAM)
			sv_opts_error(&g_opts, "operation '%s' takes no "
			              "parameter", argv[nop]);
		if (st == SV_OPPARSE_BADPARAM)
			sv_opts_error(&g_opts, "invalid parameter in '%s'",
			              argv[nop]);
		if (nop + 1 >= argc)
			sv_opts_error(&g_opts, "missing column after "
			              "operation '%s'", argv[nop]);
		call.field = argv[nop + 1];
		*calls = sv_realloc(*calls, (*ncalls + 1) * sizeof **calls);
		(*calls)[(*ncalls)++] = call;
		nop += 2;
	}
	return nop;
}

/* A FILE that is not there and looks like a word (no '/' or '.') was
 * meant as an operation: say so, with the nearest name. */
static void
check_files(char *const *files, int n)
{
	for (int i = 0; i < n; i++) {
		const char *f = files[i], *near;

		if (strcmp(f, "-") == 0 || strpbrk(f, "/.") ||
		    access(f, F_OK) == 0)
			continue;
		near = sv_statop_suggest(f);
		if (near)
			sv_opts_error(&g_opts, "unknown operation '%s' (did you "
			              "mean '%s'?)", f, near);
		sv_opts_error(&g_opts, "'%s' is neither an operation "
		              "(sv-stats --list-ops) nor a file", f);
	}
}

/* -j was --json; in the other tools it is threads: refuse it by name
 * rather than as an unknown letter.  Values of -f and -g are skipped. */
static void
refuse_j(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == '-' || a[1] == '\0')
			continue;
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'f' || *p == 'g') {
				i += p[1] == '\0';
				break;
			}
			if (*p == 'j')
				sv_opts_error(&g_opts, "-j no longer means --json "
				              "(in sv-train and sv-eval -j is "
				              "threads): write --json");
		}
	}
}

static void
parse_options(int argc, char **argv, struct opts *o)
{
	int c;

	refuse_j(argc, argv);
	while ((c = sv_opts_next(&g_opts, argc, argv)) != -1) {
		switch (c) {
		case 'f': o->field = optarg; break;
		case 'g': o->group = optarg; break;
		case OPT_JSON: o->json = 1; break;
		case OPT_CSV: o->csv = 1; break;
		case OPT_SHARE_OF: o->share_of = optarg; break;
		case OPT_NARM: o->narm = 1; break;
		case OPT_CI: o->r.ci = 1; break;
		case OPT_NORMALITY: o->r.normality = 1; break;
		case OPT_ALL: o->r.ci = o->r.normality = 1; break;
		case OPT_REPS:
			o->r.reps = sv_opt_u64("--reps", optarg, 2, 100000000);
			o->r.ci = 1;
			break;
		case OPT_LEVEL:
			o->r.level = sv_opt_double("--level", optarg, 0.5, 0.9999);
			o->r.ci = 1;
			break;
		case OPT_RNG_SEED:
			o->r.rng_seed = sv_opt_u64("--rng-seed", optarg, 0,
			                           UINT64_MAX);
			break;
		case OPT_CLAIM:
			o->r.claim = sv_opt_double("--claim", optarg, -HUGE_VAL,
			                           HUGE_VAL);
			break;
		case OPT_BEST_OF: {
			size_t *b;
			char *bad;

			free((size_t *)o->r.best_of);
			if (sv_best_of_parse(optarg, &b, &o->r.nbest, &bad) < 0)
				sv_die(SV_EXIT_USAGE, "option --best-of: not a "
				       "list of counts 1..1000000000: '%s'", bad);
			o->r.best_of = b;
			break;
		}
		case OPT_TEST_SIZE:
			o->r.test_size = (double)sv_opt_u64("--test-size", optarg,
			                         1, UINT64_C(1000000000000));
			break;
		case OPT_PLOT: o->plot = optarg; break;
		case OPT_TITLE: o->style.title = optarg; break;
		case OPT_XLABEL: o->style.xlabel = optarg; break;
		case OPT_YLABEL: o->style.ylabel = optarg; break;
		case OPT_SIZE:
			if (sv_plot_parse_size(optarg, &o->style) < 0)
				sv_opts_error(&g_opts, "option --size: not WxH "
				              "with each 120..4000: '%s'", optarg);
			break;
		case OPT_BINS:
			o->style.bins = (int)sv_opt_u64("--bins", optarg, 1, 500);
			break;
		case OPT_PLOT_EPOCHS: o->plot_epochs = optarg; break;
		case OPT_HISTOGRAM: o->histogram = 1; break;
		case OPT_NO_HISTOGRAM: o->histogram = 0; break;
		case OPT_LIST_OPS:
			sv_statop_list(stdout);
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
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sv_input in;
	struct sv_opcall *calls = NULL;
	size_t ncalls = 0;
	int nop, rc;

	sv_setlocale();
	sv_set_progname(argv[0]);
	sv_opts_init(&g_opts, optdefs, synopsis);
	o.histogram = -1;
	o.r.reps = 10000;
	o.r.level = 0.95;
	o.r.rng_seed = 1;
	o.r.claim = NAN;
	parse_options(argc, argv, &o);
	argc -= optind;
	argv += optind;

	/* OP COL pairs first, then files */
	nop = parse_ops(argc, argv, &calls, &ncalls);
	if (ncalls && (o.field || o.json || o.r.ci || o.r.normality ||
	               !isnan(o.r.claim) || o.plot || o.plot_epochs ||
	               o.r.test_size > 0))
		sv_opts_error(&g_opts, "operations print one TSV line: "
		              "-f, --json, --ci, --normality, --claim, --plot "
		              "and --test-size go with the summary");
	if (o.share_of && (ncalls || (!o.group && argc - nop < 2)))
		sv_opts_error(&g_opts, "--share-of goes with the summary of "
		              "groups (-g COL, or several files)");
	if (!ncalls && o.narm)
		sv_opts_error(&g_opts, "--narm goes with operations "
		              "(the summary always skips NA)");
	if (o.histogram < 0)
		o.histogram = !o.json && isatty(STDOUT_FILENO);

	check_files(argv + nop, argc - nop);
	need_renderer("--plot", o.plot);
	need_renderer("--plot-epochs", o.plot_epochs);
	sv_input_init(&in, argv + nop, (size_t)(argc - nop));
	in.csv = o.csv;
	rc = ncalls ? run_ops(&o, &in, calls, ncalls) : run_summary(&o, &in);
	sv_input_free(&in);
	free(calls);
	free((size_t *)o.r.best_of);
	sv_opts_free(&g_opts);
	sv_close_stdout();
	return rc;
}
