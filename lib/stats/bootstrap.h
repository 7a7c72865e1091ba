/* bootstrap.h - bootstrap confidence intervals (percentile and BCa) */
#ifndef SV_BOOTSTRAP_H
#define SV_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

/* The statistics the bootstrap can resample. */
enum sv_boot_stat {
	SV_BOOT_MEAN,   /* arithmetic mean */
	SV_BOOT_MEDIAN, /* median (type 7 quantile 0.5) */
	SV_BOOT_SD,     /* sample standard deviation (n-1) */
	SV_BOOT_IQM     /* interquartile mean: 25% trimmed mean */
};

/* A two-sided confidence interval. */
struct sv_ci {
	double lo, hi;
};

/* The statistic on x[0..n-1] (any order; x is not modified).
 * NAN when n is 0 (or 1 for SV_BOOT_SD). */
double sv_boot_stat(const double *x, size_t n, enum sv_boot_stat stat);

/* Percentile and BCa bootstrap intervals of stat over x[0..n-1] at
 * confidence level (0 < level < 1), with reps resamples (2..2^32-1)
 * drawn by sv_boot_indices(rng_seed, 0, rep, ...): the same inputs and
 * seed give the same bits, whatever the number of threads.  BCa: bias correction z0 = Phi^-1(#{t* < t} + #{t* == t}/2)/reps,
 * acceleration from the jackknife, a = sum d^3 / (6 (sum d^2)^1.5) with
 * d = mean(t_(i)) - t_(i).  Quantiles of the bootstrap distribution are
 * type 7.  Either of pct, bca may be NULL.
 * Returns 0, or a negative SV_BOOT_E* code (intervals then NAN, except
 * pct for SV_BOOT_EBCA).  All values equal: both intervals are [x, x]. */
int sv_bootstrap_ci(const double *x, size_t n, enum sv_boot_stat stat,
                    size_t reps, double level, uint64_t rng_seed,
                    struct sv_ci *pct, struct sv_ci *bca);

enum {
	SV_BOOT_ESMALL = -1, /* n < 2 */
	SV_BOOT_EREPS = -2,  /* reps < 2 */
	SV_BOOT_ELEVEL = -3, /* level not in (0,1) */
	SV_BOOT_ENAN = -4,   /* a value is NaN or infinite */
	SV_BOOT_EBCA = -5    /* percentile done; BCa not defined (bca NAN):
	                        degenerate bootstrap or jackknife */
};

/* Leave-one-out values jack[i] = stat(x without x[i]), i = 0..n-1, in
 * O(n log n) for every statistic.  Returns 0, or SV_BOOT_ESMALL when
 * n < 2 (n < 3 for SV_BOOT_SD). */
int sv_boot_jackknife(const double *x, size_t n, enum sv_boot_stat stat,
                      double *jack);

/* m resampling indices, uniform in [0, n), for resample rep of stream:
 * 64 bits of Philox4x32-10 each (key = seed, counter = (j/2 as 64 bits,
 * rep, stream)), mapped by multiply-shift (bias below n/2^64).  A pure
 * function of its arguments. */
void sv_boot_indices(uint64_t seed, uint32_t stream, uint32_t rep, size_t n,
                     size_t m, size_t *idx);

/* Message for a negative code from sv_bootstrap_ci. */
const char *sv_bootstrap_strerror(int code);

#endif
