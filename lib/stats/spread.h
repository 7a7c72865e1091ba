/* spread.h - comparing spreads: equal-variance test over groups, and
 * where the variance of a scan comes from (one group a source) */
#ifndef SV_SPREAD_H
#define SV_SPREAD_H

#include <stddef.h>

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

#endif
