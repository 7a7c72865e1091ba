/* spread.h - comparing spreads: equal-variance test over groups, and
 * where the variance of a scan comes from (one group a source) */
#ifndef SV_SPREAD_H
#define SV_SPREAD_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* Brown-Forsythe test of equal variances over k >= 2 groups x[g][0..n[g]-1]
 * (Levene's test on absolute deviations from each group's median):
 *   W = (N-k)/(k-1) * sum_g n_g (zbar_g - zbar)^2 / sum_g sum_i (z_gi - zbar_g)^2
 * with z_gi = |x_gi - median_g|; p from the F(k-1, N-k) upper tail.
 * The groups are not modified.  Returns 0; or -1 (k < 2, a group with
 * fewer than 2 values), -2 (a NaN or infinite value); *w and *p are NAN
 * when every z is the same within its group. */
int sv_brown_forsythe(const double *const *x, const size_t *n, size_t k,
                      double *w, double *df1, double *df2, double *p);

/* The binomial standard error of an accuracy p on a test set of n
 * images, sqrt(p (1-p) / n): the spread a perfectly reproducible model
 * would show from test-set sampling alone (NAN for n = 0). */
double sv_test_noise(double p, double n);

/* The ratio sd(a) / sd(b) (sample sds) with its bootstrap percentile
 * interval at level from reps resamples (sv_boot_indices streams 5 and
 * 6 of rng_seed: same inputs, same bits).  Returns 0; -1 when na or nb
 * < 2 (all NAN).  A resample of b without spread counts as an infinite
 * ratio (and is left out when a's has none either), so *hi may be
 * infinite; *lo and *hi are NAN with fewer than 2 resamples left. */
int sv_sd_ratio(const double *a, size_t na, const double *b, size_t nb,
                size_t reps, double level, uint64_t rng_seed, double *ratio,
                double *lo, double *hi);

/* Where the variance comes from: k groups, each varying one source of
 * randomness (ref: the group varying all of them).  var[i] is group i's
 * sample variance, noise[i] its test-set noise variance test_se^2 (NAN
 * when unknown).  share[i] = var[i] / var[ref]; *sum: the shares of the
 * groups but ref added up; *net: the same sum with the test-set noise
 * counted once, as it is in var[ref]:
 *   (sum_{i != ref} (var[i] - noise[i]) + noise[ref]) / var[ref]
 * (NAN when a noise is unknown).  var[ref] 0 or NAN: every share NAN. */
void sv_variance_shares(const double *var, const double *noise, size_t k,
                        size_t ref, double *share, double *sum, double *net);

/* The Brown-Forsythe test over k >= 2 named groups, appended to b: one
 * JSON object ("equal_spread": names, "bf_w", "bf_df1", "bf_df2",
 * "bf_p") and a newline when json, else the text line
 * "Equal spread over k groups: Brown-Forsythe W .., df a, b, p .." (or
 * why it was not computed). */
void sv_equal_spread_put(const char *const *names, const double *const *x,
                         const size_t *n, size_t k, int json,
                         struct sv_buf *b);

#endif
