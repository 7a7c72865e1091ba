/* report.c - everything sv-stats says about one group of seeds */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epochs.h"
#include "formats/json.h"
#include "formats/table.h"
#include "compare.h"
#include "normality.h"
#include "spread.h"
#include "base/util.h"

const char *const sv_report_ci_name[SV_REPORT_NCI] = {
	"mean", "median", "sd", "iqm"
};

static void
normality(struct sv_report *r)
{
	int rc;

	rc = r->sw_rc = sv_shapiro_wilk(r->x, r->n, &r->sw_w, &r->sw_p);
	r->sw_err = rc < 0 ? sv_normality_strerror(rc) : NULL;
	rc = r->ad_rc = sv_anderson_darling(r->x, r->n, &r->ad_a2, &r->ad_p);
	r->ad_err = rc < 0 ? sv_normality_strerror(rc) : NULL;
	rc = r->dp_rc = sv_dagostino_pearson(r->x, r->n, &r->dp_k2, &r->dp_p);
	r->dp_err = rc < 0 ? sv_normality_strerror(rc) : NULL;
	if (r->sw_err)
		r->sw_w = r->sw_p = NAN;
	if (r->ad_err)
		r->ad_a2 = r->ad_p = NAN;
	if (r->dp_err)
		r->dp_k2 = r->dp_p = NAN;
}

void
sv_report_compute(const struct sv_report_opts *o, const struct sv_group *g,
                  struct sv_report *r)
{
	memset(r, 0, sizeof *r);
	r->g = g;
	r->x = g->x;
	r->n = g->n;
	if (g->ep) {
		r->x = sv_mallocarray(g->n ? g->n : 1, sizeof *r->x);
		r->n = sv_last_epoch(g->x, g->ep, g->n, r->x);
	}
	sv_sort_double(r->x, r->n);
	sv_summarize(r->x, r->n, &r->s);
	r->test_size = o->test_size > 0 ? o->test_size : g->total;
	r->test_se = NAN;
	if (r->test_size > 0 && r->n) {
		/* fraction, or percent when a value exceeds 1 */
		double scale = r->s.max > 1 ? 100 : 1, p = r->s.mean / scale;

		if (p >= 0 && p <= 1)
			r->test_se = scale * sqrt(p * (1 - p) / r->test_size);
	}
	if (o->ci) {
		for (int k = 0; k < SV_REPORT_NCI; k++) {
			int rc = sv_bootstrap_ci(r->x, r->n, (enum sv_boot_stat)k,
			                         o->reps, o->level, o->rng_seed,
			                         &r->pct[k], &r->bca[k]);

			if (rc < 0 && rc != SV_BOOT_EBCA)
				r->ci_err = sv_bootstrap_strerror(rc);
		}
	}
	if (o->normality)
		normality(r);
	if (!isnan(o->claim)) {
		size_t nb = o->nbest + 1;

		sv_claim_audit(r->x, r->n, o->claim, &r->claim);
		r->best = sv_mallocarray(nb, sizeof *r->best);
		r->best_sd = sv_mallocarray(nb, sizeof *r->best_sd);
		r->best_wor = sv_mallocarray(nb, sizeof *r->best_wor);
		for (size_t i = 0; i < o->nbest; i++) {
			r->best[i] = sv_expected_best(r->x, r->n, o->best_of[i],
			                              1, &r->best_sd[i]);
			r->best_wor[i] = sv_expected_best(r->x, r->n,
			                                  o->best_of[i], 0, NULL);
		}
	}
}

void
sv_report_free(struct sv_report *r)
{
	if (r->x != r->g->x)
		free(r->x);
	free(r->best);
	free(r->best_sd);
	free(r->best_wor);
	memset(r, 0, sizeof *r);
}

void
sv_report_json(const struct sv_report_opts *o, const struct sv_report *r,
               const char *col, int grouped, struct sv_buf *b)
{
	const struct sv_summary *s = &r->s;

	sv_buf_puts(b, "{");
	if (grouped) {
		sv_json_key(b, "group");
		sv_json_str(b, r->g->key);
	}
	sv_json_key(b, "column");
	sv_json_str(b, col);
	sv_json_kv(b, "n", (double)s->n);
	sv_json_kv(b, "na", (double)r->g->na);
	for (const struct sv_summary_field *f = sv_summary_fields + 1; f->name;
	     f++)
		sv_json_kv(b, f->name, sv_summary_get(s, f));
	if (r->test_size > 0) {
		sv_json_kv(b, "test_size", r->test_size);
		sv_json_kv(b, "test_se", r->test_se);
	}
	if (r->share_of) {
		sv_json_key(b, "share_of");
		sv_json_str(b, r->share_of);
		sv_json_kv(b, "var_share", r->var_share);
		if (r->test_size > 0)
			sv_json_kv(b, "noise_share", r->noise_share);
	}
	if (o->ci) {
		char k[32];

		sv_json_kv(b, "level", o->level);
		sv_json_kv(b, "reps", (double)o->reps);
		for (int i = 0; i < 4; i++) {
			snprintf(k, sizeof k, "%s_ci", sv_report_ci_name[i]);
			sv_json_pair(b, k, r->pct[i].lo, r->pct[i].hi);
			snprintf(k, sizeof k, "%s_ci_bca", sv_report_ci_name[i]);
			sv_json_pair(b, k, r->bca[i].lo, r->bca[i].hi);
		}
	}
	if (o->normality) {
		sv_json_kv(b, "sw_w", r->sw_w);
		sv_json_kv(b, "sw_p", r->sw_p);
		sv_json_kv(b, "ad_a2", r->ad_a2);
		sv_json_kv(b, "ad_p", r->ad_p);
		sv_json_kv(b, "dp_k2", r->dp_k2);
		sv_json_kv(b, "dp_p", r->dp_p);
	}
	if (!isnan(o->claim)) {
		sv_json_kv(b, "claim", o->claim);
		sv_json_kv(b, "claim_percentile", r->claim.percentile);
		sv_json_kv(b, "p_single", r->claim.p_single);
		sv_json_kv(b, "seeds_for_claim_50", r->claim.seeds_50);
		sv_json_kv(b, "seeds_for_claim_95", r->claim.seeds_95);
		sv_json_key(b, "best_of");
		sv_buf_puts(b, "[");
		for (size_t i = 0; i < o->nbest; i++) {
			sv_buf_printf(b, "%s{\"n\": %zu", i ? ", " : "",
			              o->best_of[i]);
			sv_json_kv(b, "expected", r->best[i]);
			sv_json_kv(b, "sd", r->best_sd[i]);
			sv_json_kv(b, "expected_without_replacement",
			        r->best_wor[i]);
			sv_buf_puts(b, "}");
		}
		sv_buf_puts(b, "]");
	}
	sv_buf_puts(b, "}\n");
}

void
sv_report_notes(const struct sv_report_opts *o, const struct sv_report *res,
                size_t nr, int grouped, struct sv_buf *b)
{
	static const char *const name[3] = { "Shapiro-Wilk", "Anderson-Darling",
		                             "D'Agostino-Pearson" };
	static const char *const range[3] = { "3..5000", "at least 3",
		                              "at least 8" };

	for (size_t i = 0; i < nr && o->normality; i++) {
		const struct sv_report *r = &res[i];
		const char *e[3] = { r->sw_err, r->ad_err, r->dp_err };
		int rc[3] = { r->sw_rc, r->ad_rc, r->dp_rc };

		for (int k = 0; k < 3; k++) {
			if (!e[k])
				continue;
			sv_buf_printf(b, "note: %s%s%s: not computed: ", name[k],
			              grouped ? " for " : "",
			              grouped ? sv_group_name(r->g) : "");
			if (rc[k] == SV_NORM_ERANGE)
				sv_buf_printf(b, "needs %s values, got %zu\n",
				              range[k], r->n);
			else
				sv_buf_printf(b, "%s\n", e[k]);
		}
	}
	for (size_t i = 0; i < nr && o->ci; i++)
		if (res[i].ci_err)
			sv_buf_printf(b, "note: bootstrap%s%s: %s\n",
			              grouped ? " for " : "",
			              grouped ? sv_group_name(res[i].g) : "",
			              res[i].ci_err);
}

void
sv_report_shares(struct sv_report *res, size_t nr, size_t ref, double *sum,
                 double *net)
{
	double *var = sv_mallocarray(nr, sizeof *var);
	double *noise = sv_mallocarray(nr, sizeof *noise);
	double *share = sv_mallocarray(nr, sizeof *share);

	for (size_t i = 0; i < nr; i++) {
		var[i] = res[i].s.sd * res[i].s.sd;
		noise[i] = res[i].test_se * res[i].test_se;
	}
	sv_variance_shares(var, noise, nr, ref, share, sum, net);
	for (size_t i = 0; i < nr; i++) {
		res[i].share_of = res[ref].g->key;
		res[i].share_name = sv_group_name(res[ref].g);
		res[i].var_share = share[i];
		res[i].noise_share = noise[i] / var[ref];
	}
	free(share);
	free(noise);
	free(var);
}

void
sv_report_shares_put(const struct sv_report *res, size_t nr, size_t ref,
                     double sum, double net, struct sv_buf *b)
{
	const char *k = sv_group_name(res[ref].g);

	sv_buf_printf(b, "\nVariance shares: each group's variance over %s's "
	              "(sample variances)\n", k);
	sv_buf_printf(b, "  the %zu other groups' shares add up to %.3g",
	              nr - 1, sum);
	if (!isnan(net))
		sv_buf_printf(b, "; %.3g with the test-set noise counted once",
		              net);
	sv_buf_puts(b, "\n");
	if (!isnan(res[ref].noise_share))
		sv_buf_printf(b, "  the noise floor test_se^2 is %.3g of %s's "
		              "variance, and it is in every group's\n",
		              res[ref].noise_share, k);
	sv_buf_puts(b, "  sources varied one at a time, independent and "
	               "additive: the sum is about 1;\n  well above or "
	               "below 1 is what an interaction looks like\n");
}

void
sv_report_table(const struct sv_report_opts *o, const struct sv_report *res, size_t nr,
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
		cells[i] = sv_strdup(grouped ? sv_group_name(res[i].g) : col);
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
		if (strcmp(f->name, "sd") == 0 && res[0].share_of) {
			char label[160];

			snprintf(label, sizeof label, "var share of %.120s",
			         res[0].share_name);
			for (size_t i = 0; i < nr; i++)
				cells[i] = sv_cell_g(res[i].var_share);
			sv_table_row(&t, label, cells);
		}
	}
	if (o->ci) {
		char label[64];

		for (int k = 0; k < SV_REPORT_NCI; k++) {
			snprintf(label, sizeof label, "%s %g%% CI", sv_report_ci_name[k],
			         100 * o->level);
			for (size_t i = 0; i < nr; i++)
				cells[i] = sv_cell_range(res[i].pct[k].lo,
				                          res[i].pct[k].hi);
			sv_table_row(&t, label, cells);
			snprintf(label, sizeof label, "%s %g%% BCa", sv_report_ci_name[k],
			         100 * o->level);
			for (size_t i = 0; i < nr; i++)
				cells[i] = sv_cell_range(res[i].bca[k].lo,
				                          res[i].bca[k].hi);
			sv_table_row(&t, label, cells);
		}
	}
	if (o->normality) {
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
	sv_report_notes(o, res, nr, grouped, b);
}

/* The claim audit, the centrepiece when --claim is given. */
void
sv_report_claim_put(const struct sv_report_opts *o, const struct sv_report *r, const char *col,
          int grouped, struct sv_buf *b)
{
	const struct sv_claim *c = &r->claim;
	char vbuf[256];

	sv_buf_printf(b, "\nClaim audit: %s = %.6g against %zu seeds%s%s\n",
	              col, o->claim, r->n, grouped ? " of " : "",
	              grouped ? sv_group_name(r->g) : "");
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
	for (size_t i = 0; i < o->nbest; i++) {
		char *a = sv_cell_g(r->best[i]), *s = sv_cell_g(r->best_sd[i]),
		     *w = sv_cell_g(r->best_wor[i]);

		sv_buf_printf(b, "  %8zu  %10s  %10s  %13s\n", o->best_of[i], a,
		              s, w);
		free(a), free(s), free(w);
	}
	sv_buf_printf(b, "  verdict: %s\n", sv_claim_verdict(c, r->n, o->claim,
	              vbuf, sizeof vbuf));
}


void
sv_report_equal_spread(const struct sv_report *res, size_t nr, int json,
                       struct sv_buf *b)
{
	const char **names = sv_calloc(nr, sizeof *names);
	const double **x = sv_calloc(nr, sizeof *x);
	size_t *nx = sv_calloc(nr, sizeof *nx);

	for (size_t i = 0; i < nr; i++) {
		names[i] = json ? res[i].g->key : sv_group_name(res[i].g);
		x[i] = res[i].x;
		nx[i] = res[i].n;
	}
	sv_equal_spread_put(names, x, nx, nr, json, b);
	free(nx);
	free(x);
	free(names);
}

void
sv_report_hist_svg(const struct sv_report *res, size_t nr, const char *col,
                   double claim, const struct sv_plot_style *st,
                   struct sv_buf *b)
{
	struct sv_plot_series *ps = sv_calloc(nr ? nr : 1, sizeof *ps);

	for (size_t i = 0; i < nr; i++) {
		ps[i].name = nr > 1 ? sv_group_name(res[i].g) : NULL;
		ps[i].sorted = res[i].x;
		ps[i].n = res[i].n;
		ps[i].mean = res[i].s.mean;
		ps[i].sd = isnan(res[i].s.sd) ? 0 : res[i].s.sd;
	}
	sv_plot_svg_hist(b, ps, nr, col, claim, st);
	free(ps);
}

void
sv_report_epochs_svg(const struct sv_report *res, size_t nr, const char *col,
                     const struct sv_plot_style *st, struct sv_buf *b)
{
	struct sv_epoch_table *t = sv_calloc(nr ? nr : 1, sizeof *t);
	struct sv_plot_epochs *s = sv_calloc(nr ? nr : 1, sizeof *s);

	for (size_t i = 0; i < nr; i++) {
		const struct sv_group *g = res[i].g;

		if (g->ep) /* else a group of NA values only: no epochs */
			sv_epoch_table(g->x, g->ep, g->n, &t[i]);
		s[i] = (struct sv_plot_epochs){ nr > 1 ? sv_group_name(g) : NULL,
			t[i].epoch, t[i].mean, t[i].sd, t[i].min, t[i].max,
			t[i].n, res[i].n };
	}
	sv_plot_svg_epochs(b, s, nr, col, st);
	for (size_t i = 0; i < nr; i++)
		sv_epoch_table_free(&t[i]);
	free(t);
	free(s);
}

void
sv_report_compare(const struct sv_report_opts *o, const struct sv_report *a,
                  const struct sv_report *bb, int json, struct sv_buf *b)
{
	struct sv_compare c;
	int rc = sv_compare(a->x, a->n, bb->x, bb->n, o->reps, o->level,
	                    o->rng_seed, &c);
	int small = a->n < SV_CMP_MIN_SEEDS || bb->n < SV_CMP_MIN_SEEDS;
	const char *verdict;
	char vbuf[256];

	if (rc < 0) {
		if (json) {
			sv_compare_json(NULL, a->g->key, bb->g->key, 0,
			                sv_compare_strerror(rc), b);
		} else {
			sv_buf_printf(b, "\nComparison %s vs %s: not computed: %s\n",
			              sv_group_name(a->g), sv_group_name(bb->g),
			              sv_compare_strerror(rc));
		}
		return;
	}
	verdict = sv_compare_verdict(&c, json ? a->g->key : sv_group_name(a->g),
	                             a->n, json ? bb->g->key : sv_group_name(bb->g),
	                             bb->n, o->level, vbuf, sizeof vbuf);
	if (json) {
		sv_compare_json(&c, a->g->key, bb->g->key, small, verdict, b);
		return;
	}
	sv_compare_text(&c, sv_group_name(a->g), a->n, sv_group_name(bb->g),
	                bb->n, o->level,
	                verdict, b);
}

int
sv_report_claim_scale(const struct sv_groups *G, double claim, char *msg,
                      size_t n)
{
	double lo = INFINITY, hi = -INFINITY;

	for (size_t i = 0; i < G->n; i++)
		for (size_t j = 0; j < G->g[i].n; j++) {
			lo = fmin(lo, G->g[i].x[j]);
			hi = fmax(hi, G->g[i].x[j]);
		}
	return sv_claim_scale(claim, lo, hi, msg, n);
}
