/* report.c - everything sv-stats says about one group of seeds */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "epochs.h"
#include "normality.h"
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
