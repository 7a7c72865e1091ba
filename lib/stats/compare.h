/* compare.h - comparing two sets of seeds: A vs B */
#ifndef SV_COMPARE_H
#define SV_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

struct sv_compare {
	double diff;             /* mean(a) - mean(b) */
	double diff_lo, diff_hi; /* bootstrap percentile CI of diff */
	double welch_t, welch_df, welch_p; /* Welch t-test, two-sided */
	double mw_u, mw_p;       /* Mann-Whitney U of a, two-sided p
	                            (normal approx., tie + continuity corr.) */
	double p_a_gt_b;         /* P(A > B) = U / (na nb), ties 1/2 */
	double cohen_d;          /* (mean a - mean b) / pooled sd */
	double aso_eps;          /* ASO eps_min of A over B (see compare.c) */
	double n_power80;        /* seeds per group for power 0.8, alpha 0.05
	                            two-sided, at effect cohen_d: the normal
	                            approximation sv_power80_n() */
	double bf_w, bf_df1, bf_df2, bf_p; /* Brown-Forsythe test of equal
	                                      variances (spread.h) */
	double sd_ratio, sd_ratio_lo, sd_ratio_hi; /* sd(a)/sd(b), bootstrap
	                                      percentile CI (sv_sd_ratio) */
};

/* Compare a[0..na-1] with b[0..nb-1] (any order, not modified); reps
 * bootstrap resamples at confidence level for diff and ASO, drawn from
 * Philox4x32-10 keyed by rng_seed (same inputs and seed: same bits).
 * Returns 0, or a negative SV_CMP_E* code.  Fields that cannot be computed
 * for the input (e.g. zero variance) are NAN and 0 is still returned. */
int sv_compare(const double *a, size_t na, const double *b, size_t nb,
               size_t reps, double level, uint64_t rng_seed,
               struct sv_compare *out);

enum {
	SV_CMP_ESMALL = -1, /* na or nb < 2 */
	SV_CMP_EREPS = -2,  /* reps < 2 */
	SV_CMP_ELEVEL = -3, /* level not in (0,1) */
	SV_CMP_ENAN = -4    /* a value is NaN or infinite */
};

/* The violation ratio eps_W2 of A over B (sa, sb sorted ascending): the
 * share of the squared quantile distance where B's quantile exceeds A's,
 * on the grid p = 0, 0.005, ..., 0.995 (definition in compare.c).
 * 0 when the quantile functions agree; NAN when na or nb is 0. */
double sv_violation_ratio(const double *sa, size_t na, const double *sb,
                          size_t nb);

/* Seeds per group for a two-sided two-sample t-test at alpha 0.05 and
 * power 0.8 to detect Cohen's d, by the normal approximation
 * n = ceil(2 ((z_0.975 + z_0.8) / d)^2), at least 2.  It is below the
 * exact noncentral-t answer (scipy.stats.nct) by 1 for 0.1 <= |d| <= 1
 * and by 1 or 2 for larger |d| (tests/vectors/infer: 'power' lines).
 * NAN when d is 0 or not finite. */
double sv_power80_n(double d);

/* Fewer seeds than this in a group and the verdict says nothing. */
#define SV_CMP_MIN_SEEDS 5

/* The verdict on A (named a, na seeds) against B: a sentence in buf.
 *   na or nb < SV_CMP_MIN_SEEDS: too few seeds to say anything;
 *   Welch p < 1 - level and the CI of the difference excludes 0: A is
 *     higher (lower) than B, noting when ASO eps_min lies in [0.2, 0.8]
 *     (no almost stochastic order either way);
 *   else no clear difference, with the seeds per group that 80% power
 *     would need.
 * Returns buf. */
const char *sv_compare_verdict(const struct sv_compare *c, const char *a,
                               size_t na, const char *b, size_t nb,
                               double level, char *buf, size_t bufsz);

/* The comparison of a and b as one JSON object and a newline: "compare"
 * [a, b], every field of c (bf_w, bf_df1, bf_df2, bf_p, sd_ratio and
 * sd_ratio_ci as [lo, hi] among them), "too_few_seeds" and "verdict" (text); with c
 * NULL, "error" (text) instead of the fields. */
void sv_compare_json(const struct sv_compare *c, const char *a,
                     const char *b, int too_few, const char *text,
                     struct sv_buf *out);

/* The comparison as text for people, appended to out: "Comparison: a -
 * b (na vs nb seeds)", one line per statistic (the equal-spread line:
 * Brown-Forsythe W and p, the sd ratio and its CI), the verdict, and a
 * warning under SV_CMP_MIN_SEEDS seeds. */
void sv_compare_text(const struct sv_compare *c, const char *a, size_t na,
                     const char *b, size_t nb, double level,
                     const char *verdict, struct sv_buf *out);

/* Message for a negative code from sv_compare. */
const char *sv_compare_strerror(int code);

#endif
