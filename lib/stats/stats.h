/* stats.h - descriptive statistics of one sample: sorting, type 7 quantiles, moments, IQM, MAD */
#ifndef SV_STATS_H
#define SV_STATS_H

#include <stddef.h>

/* Sort ascending in place (LSD radix sort on the IEEE bit patterns;
 * -0 sorts before +0).  No NaN allowed. */
void sv_sort_double(double *x, size_t n);
void sv_sort_ldouble(long double *x, size_t n);

/* Quantile type 7 (R's default, GSL's quantile_from_sorted_data) of
 * sorted[0..n-1] at p in [0,1]: h = (n-1)p, v[floor h] + (h - floor h)
 * (v[floor h + 1] - v[floor h]).  NAN when n is 0. */
double sv_quantile7(const double *sorted, size_t n, double p);

/* Mean of sorted[k..n-k-1] with k = floor(n frac), 0 <= frac < 0.5
 * (scipy.stats.trim_mean, datamash trimmean); frac >= 0.5 gives the
 * median.  NAN when n is 0. */
double sv_trimmed_mean(const double *sorted, size_t n, double frac);

/* Median absolute deviation from the median, times scale (1.4826 for
 * datamash 'mad', 1 for 'madraw').  work holds n doubles (scratch).
 * NAN when n is 0. */
double sv_mad(const double *sorted, size_t n, double scale, double *work);

/* The paper's table for one sample. */
struct sv_summary {
	size_t n;
	double mean, sd;          /* sd with n-1; NAN when n < 2 */
	double min, max, range;
	double q1, median, q3, iqr; /* type 7 */
	double skew;              /* datamash sskew; NAN when n < 3 */
	double kurt;              /* datamash skurt (excess); NAN when n < 4 */
	double iqm;               /* 25% trimmed mean */
	double mad;               /* 1.4826 * median |x - median| */
};

/* The fields of sv_summary in the order the table and JSON show them:
 * n mean sd min max range q1 median q3 iqr skew kurt iqm mad.  Ended by a
 * row with name NULL. */
struct sv_summary_field {
	const char *name;
	size_t off;     /* offsetof(struct sv_summary, the field) */
};
extern const struct sv_summary_field sv_summary_fields[];
/* The value of field f of s (n as a double). */
double sv_summary_get(const struct sv_summary *s,
                      const struct sv_summary_field *f);

/* Fill s from sorted[0..n-1] (ascending, no NaN).  Moments are summed in
 * long double, as datamash does.  n == 0: every field NAN, s->n = 0. */
void sv_summarize(const double *sorted, size_t n, struct sv_summary *s);

/* Gaussian kernel density estimate of sorted[0..n-1] at x with
 * bandwidth h (> 0). */
double sv_kde(const double *sorted, size_t n, double h, double x);
/* Scott's rule bandwidth (scipy.stats.gaussian_kde default):
 * sd * n^(-1/5); 0 when sd is 0 or n < 2. */
double sv_kde_bandwidth(const double *sorted, size_t n);

/* 2^-e where max |x[i]| < 2^e: scaling by it is exact and keeps squares
 * and sums of squares finite (1 for an empty or all-zero x). */
double sv_pow2_scale(const double *x, size_t n);

#endif
