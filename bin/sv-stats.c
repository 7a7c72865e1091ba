/* sv-stats - the distribution of scores over seeds: the paper's table,
 * datamash-compatible operations, uncertainty, normality, the claim audit,
 * two-group comparison and figures (man/sv-stats.1) */
#include <errno.h>
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
#include "formats/table.h"
#include "stats/claim.h"
#include "stats/compare.h"
#include "stats/epochs.h"
#include "stats/group.h"
#include "stats/normality.h"
#include "stats/plot.h"
#include "stats/report.h"
#include "stats/statops.h"
#include "stats/stats.h"

static const char synopsis[] =
	"sv-stats [-j] [-f COL] [-g COL] [--ci] [--normality] [--claim X]\n"
	"                [--plot FILE.svg] [FILE...]\n"
	"       sv-stats [-g COL] [--narm] OP COL [OP COL]... [FILE...]";

enum {
	OPT_NARM = SV_OPT_LONG, OPT_CI, OPT_NORMALITY, OPT_ALL, OPT_REPS,
	OPT_LEVEL, OPT_RNG_SEED, OPT_CLAIM, OPT_BEST_OF, OPT_TEST_SIZE,
	OPT_PLOT, OPT_PLOT_EPOCHS, OPT_HISTOGRAM, OPT_NO_HISTOGRAM,
	OPT_LIST_OPS
};

static const struct sv_optdef optdefs[] = {
	{ "field", required_argument, 'f', "COL",
	  "the column to describe (name or 1-based number)" },
	{ "group", required_argument, 'g', "COL", "one summary per value of COL" },
	{ "json", no_argument, 'j', NULL,
	  "one JSON object per group (and one for a comparison)" },
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
	{ "plot", required_argument, OPT_PLOT, "FILE.svg",
	  "histogram with density, mean, +-1 sd (and the claim)" },
	{ "plot-epochs", required_argument, OPT_PLOT_EPOCHS, "FILE.svg",
	  "accuracy vs epoch (records with an 'epoch' column)" },
	{ "histogram", no_argument, OPT_HISTOGRAM, NULL,
	  "terminal histogram even when stdout is no tty" },
	{ "no-histogram", no_argument, OPT_NO_HISTOGRAM, NULL,
	  "no terminal histogram" },
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
"(a '#' header line, TSV rows) or plain numbers, on stdin or in FILEs\n"
"('-' is stdin).  The column is the default column of sv-records(5):\n"
"'acc' when present, else the only numeric column but seed and epoch.\n"
"With several FILEs and no -g, each file is a group.  When exactly two\n"
"groups are present they are compared.\n\n");
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
	const char *plot, *plot_epochs;
	struct sv_report_opts r;   /* r.best_of: owned */
};

/* --- printing */

/* --- the human-readable table: one row per statistic, one column per
 * group */

static void
put_table(const struct opts *o, const struct sv_report *res, size_t nr,
          const char *col, int grouped, struct sv_buf *b)
{
	struct sv_table t;
	char **cells = sv_calloc(nr, sizeof *cells);
	int any_se = 0, any_na = 0;

	sv_table_init(&t, nr + 1);
	for (size_t i = 0; i < nr; i++) {
		any_se |= res[i].test_size > 0;
		any_na |= res[i].g->na > 0;
	}
	for (size_t i = 0; i < nr; i++)
		cells[i] = sv_strdup(grouped ? res[i].g->key : col);
	sv_table_row(&t, grouped ? col : "", cells);
	for (const struct sv_summary_field *f = sv_summary_fields; f->name;
	     f++) {
		for (size_t i = 0; i < nr; i++)
			cells[i] = sv_cell_g(sv_summary_get(&res[i].s, f));
		sv_table_row(&t, f->name, cells);
		if (f == sv_summary_fields && any_na) {
			for (size_t i = 0; i < nr; i++)
				cells[i] = sv_cell_g((double)res[i].g->na);
			sv_table_row(&t, "NA skipped", cells);
		}
		if (strcmp(f->name, "sd") == 0 && any_se) {
			for (size_t i = 0; i < nr; i++)
				cells[i] = sv_cell_g(res[i].test_se);
			sv_table_row(&t, "test se", cells);
		}
	}
	if (o->r.ci) {
		char label[64];

		for (int k = 0; k < SV_REPORT_NCI; k++) {
			snprintf(label, sizeof label, "%s %g%% CI", sv_report_ci_name[k],
			         100 * o->r.level);
			for (size_t i = 0; i < nr; i++)
				cells[i] = sv_cell_range(res[i].pct[k].lo,
				                          res[i].pct[k].hi);
			sv_table_row(&t, label, cells);
			snprintf(label, sizeof label, "%s %g%% BCa", sv_report_ci_name[k],
			         100 * o->r.level);
			for (size_t i = 0; i < nr; i++)
				cells[i] = sv_cell_range(res[i].bca[k].lo,
				                          res[i].bca[k].hi);
			sv_table_row(&t, label, cells);
		}
	}
	if (o->r.normality) {
		static const char *lab[6] = { "Shapiro-Wilk W", "  p",
			                      "Anderson-Darling A2", "  p",
			                      "D'Agostino K2", "  p" };

		for (int k = 0; k < 6; k++) {
			for (size_t i = 0; i < nr; i++) {
				const struct sv_report *r = &res[i];
				double v[6] = { r->sw_w, r->sw_p, r->ad_a2,
					        r->ad_p, r->dp_k2, r->dp_p };

				cells[i] = sv_cell_g(v[k]);
			}
			sv_table_row(&t, lab[k], cells);
		}
	}
	sv_table_put(&t, b);
	free(cells);
	sv_report_notes(&o->r, res, nr, grouped, b);
}

/* The claim audit, the centrepiece when --claim is given. */
static void
put_claim(const struct opts *o, const struct sv_report *r, const char *col,
          int grouped, struct sv_buf *b)
{
	const struct sv_claim *c = &r->claim;
	char vbuf[256];

	sv_buf_printf(b, "\nClaim audit: %s = %.6g against %zu seeds%s%s\n",
	              col, o->r.claim, r->n, grouped ? " of " : "",
	              grouped ? r->g->key : "");
	sv_buf_printf(b, "  percentile of the claim     %.4g\n", c->percentile);
	sv_buf_printf(b, "  one seed reaches it         %.4g (p_single)\n",
	              c->p_single);
	if (isnan(c->seeds_50))
		sv_buf_puts(b, "  seeds to reach it           out of reach: "
		               "no observed seed does\n");
	else
		sv_buf_printf(b, "  seeds to reach it           %.0f for a 50%% "
		              "chance, %.0f for 95%%\n", c->seeds_50, c->seeds_95);
	sv_buf_puts(b, "  expected best of n seeds (report the best seed):\n");
	sv_buf_puts(b, "         n  with repl.          sd  without repl.\n");
	for (size_t i = 0; i < o->r.nbest; i++) {
		char *a = sv_cell_g(r->best[i]), *s = sv_cell_g(r->best_sd[i]),
		     *w = sv_cell_g(r->best_wor[i]);

		sv_buf_printf(b, "  %8zu  %10s  %10s  %13s\n", o->r.best_of[i], a,
		              s, w);
		free(a), free(s), free(w);
	}
	sv_buf_printf(b, "  verdict: %s\n", sv_claim_verdict(c, r->n, o->r.claim,
	              vbuf, sizeof vbuf));
}

static void
put_compare(const struct opts *o, const struct sv_report *a,
            const struct sv_report *bb, int json, struct sv_buf *b)
{
	struct sv_compare c;
	int rc = sv_compare(a->x, a->n, bb->x, bb->n, o->r.reps, o->r.level,
	                    o->r.rng_seed, &c);
	int small = a->n < SV_CMP_MIN_SEEDS || bb->n < SV_CMP_MIN_SEEDS;
	const char *verdict;
	char vbuf[256];

	if (rc < 0) {
		if (json) {
			sv_compare_json(NULL, a->g->key, bb->g->key, 0,
			                sv_compare_strerror(rc), b);
		} else {
			sv_buf_printf(b, "\nComparison %s vs %s: not computed: %s\n",
			              a->g->key, bb->g->key,
			              sv_compare_strerror(rc));
		}
		return;
	}
	verdict = sv_compare_verdict(&c, a->g->key, a->n, bb->g->key, bb->n,
	                             o->r.level, vbuf, sizeof vbuf);
	if (json) {
		sv_compare_json(&c, a->g->key, bb->g->key, small, verdict, b);
		return;
	}
	sv_buf_printf(b, "\nComparison: %s - %s (%zu vs %zu seeds)\n",
	              a->g->key, bb->g->key, a->n, bb->n);
	sv_buf_printf(b, "  difference of means   %.6g  (%g%% CI %.6g..%.6g)\n",
	              c.diff, 100 * o->r.level, c.diff_lo, c.diff_hi);
	sv_buf_printf(b, "  Welch t               %.4g  (df %.4g, p %.4g)\n",
	              c.welch_t, c.welch_df, c.welch_p);
	sv_buf_printf(b, "  Mann-Whitney U        %.6g  (p %.4g)\n", c.mw_u,
	              c.mw_p);
	sv_buf_printf(b, "  P(%s > %s)%*s%.4g\n", a->g->key, bb->g->key,
	              (int)(16 - strlen(a->g->key) - strlen(bb->g->key)) > 1
	                  ? (int)(16 - strlen(a->g->key) - strlen(bb->g->key))
	                  : 1, "", c.p_a_gt_b);
	sv_buf_printf(b, "  Cohen's d             %.4g\n", c.cohen_d);
	sv_buf_printf(b, "  ASO eps_min           %.4g  (%s%s%s)\n", c.aso_eps,
	              c.aso_eps < 0.2 ? a->g->key : "below 0.2 would mean ",
	              c.aso_eps < 0.2 ? " almost stochastically dominates "
	                              : "almost stochastic dominance",
	              c.aso_eps < 0.2 ? bb->g->key : "");
	sv_buf_printf(b, "  seeds for 80%% power   %.6g per group\n",
	              c.n_power80);
	sv_buf_printf(b, "  verdict: %s\n", verdict);
	if (small)
		sv_buf_puts(b, "  warning: fewer than 5 seeds in a group\n");
}

static void
write_file(const char *path, const struct sv_buf *b)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		sv_die(SV_EXIT_ENV, "%s: %s", path, strerror(errno));
	if (fwrite(b->p, 1, b->len, fp) != b->len || fclose(fp) != 0)
		sv_die(SV_EXIT_ENV, "%s: write error: %s", path, strerror(errno));
}

/* Accuracy vs epoch over the seeds of g. */
static void
plot_epochs(const char *path, const struct sv_group *g, const char *col)
{
	struct sv_epoch_table t;
	struct sv_buf b = { 0 };

	sv_epoch_table(g->x, g->ep, g->n, &t);
	sv_plot_svg_epochs(&b, t.epoch, t.mean, t.sd, t.min, t.max, t.n, col);
	write_file(path, &b);
	sv_buf_free(&b);
	sv_epoch_table_free(&t);
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

static int
pick(struct sv_reader *r, const char *spec)
{
	int c = sv_input_column(r, spec);

	if (c < 0)
		sv_die(SV_EXIT_USAGE, "%s", r->err);
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
put_figures(const struct opts *o, const struct sv_report *res,
            const struct sv_groups *G, const char *colname, int has_epochs)
{
	if (o->plot) {
		struct sv_plot_series *ps = sv_calloc(G->n, sizeof *ps);
		struct sv_buf b = { 0 };

		for (size_t i = 0; i < G->n; i++) {
			ps[i].name = G->n > 1 ? res[i].g->key : NULL;
			ps[i].sorted = res[i].x;
			ps[i].n = res[i].n;
			ps[i].mean = res[i].s.mean;
			ps[i].sd = isnan(res[i].s.sd) ? 0 : res[i].s.sd;
		}
		sv_plot_svg_hist(&b, ps, G->n, colname, o->r.claim);
		write_file(o->plot, &b);
		sv_buf_free(&b);
		free(ps);
	}
	if (o->plot_epochs) {
		if (!has_epochs)
			sv_die(SV_EXIT_USAGE, "--plot-epochs: the input has no "
			       "'epoch' column");
		if (G->n > 1)
			sv_warn("--plot-epochs: drawing the first group, %s",
			        G->g[0].key);
		plot_epochs(o->plot_epochs, &G->g[0], colname);
	}
}

static void
put_summary(const struct opts *o, const struct sv_report *res, size_t n,
            const char *colname, int grouped, struct sv_buf *out)
{
	if (o->json) {
		for (size_t i = 0; i < n; i++)
			sv_report_json(&o->r, &res[i], colname, grouped,
			               out);
	} else {
		put_table(o, res, n, colname, grouped, out);
		for (size_t i = 0; i < n && o->histogram; i++) {
			if (grouped)
				sv_buf_printf(out, "\n%s\n", res[i].g->key);
			else
				sv_buf_puts(out, "\n");
			sv_plot_term(out, res[i].x, res[i].n, 80, 0,
			             o->r.claim, "claim");
		}
		for (size_t i = 0; i < n && !isnan(o->r.claim); i++)
			put_claim(o, &res[i], colname, grouped, out);
	}
	if (n == 2)
		put_compare(o, &res[0], &res[1], o->json, out);
}

static int
run_summary(struct opts *o, struct sv_input *in)
{
	struct sv_groups G;
	int col = -1, gcol = -1, ecol = -1, tcol = -1, resolved = 0;
	char colbuf[32];
	char *colname = NULL;
	struct sv_report *res;
	struct sv_buf out = { 0 };

	sv_groups_init(&G, 0);
	while (next_record(in)) {
		struct sv_reader *r = &in->r;
		struct sv_group *g;
		double v, e = 0;
		int rc;

		if (!resolved) {
			col = pick(r, o->field);
			if (o->group)
				gcol = pick(r, o->group);
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
	if (!isnan(o->r.claim) && !o->r.best_of) {
		size_t nmax = 0;

		for (size_t i = 0; i < G.n; i++)
			nmax = G.g[i].n > nmax ? G.g[i].n : nmax;
		o->r.best_of = sv_best_of_default(nmax > 100 ? nmax : 100,
		                                  &o->r.nbest);
	}
	res = sv_calloc(G.n, sizeof *res);
	for (size_t i = 0; i < G.n; i++)
		sv_report_compute(&o->r, &G.g[i], &res[i]);
	put_summary(o, res, G.n, colname, gcol >= 0 || in->nfiles > 1, &out);
	if (fwrite(out.p, 1, out.len, stdout) != out.len)
		sv_die(SV_EXIT_ENV, "write error");
	sv_buf_free(&out);
	put_figures(o, res, &G, colname, ecol >= 0);
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

static void
parse_options(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = sv_opts_next(&g_opts, argc, argv)) != -1) {
		switch (c) {
		case 'f': o->field = optarg; break;
		case 'g': o->group = optarg; break;
		case 'j': o->json = 1; break;
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
	if (!ncalls && o.narm)
		sv_opts_error(&g_opts, "--narm goes with operations "
		              "(the summary always skips NA)");
	if (o.histogram < 0)
		o.histogram = !o.json && isatty(STDOUT_FILENO);

	sv_input_init(&in, argv + nop, (size_t)(argc - nop));
	rc = ncalls ? run_ops(&o, &in, calls, ncalls) : run_summary(&o, &in);
	sv_input_free(&in);
	free(calls);
	free((size_t *)o.r.best_of);
	sv_opts_free(&g_opts);
	sv_close_stdout();
	return rc;
}
