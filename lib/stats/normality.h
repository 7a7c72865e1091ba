/* normality.h - tests of normality: Shapiro-Wilk, Anderson-Darling,
 * D'Agostino-Pearson */
#ifndef SV_NORMALITY_H
#define SV_NORMALITY_H

#include <stddef.h>

/* Error codes (negative) returned by the tests below. */
enum {
	SV_NORM_ERANGE = -1, /* n out of range for the test */
	SV_NORM_ECONST = -2, /* all values equal */
	SV_NORM_ENAN = -3,   /* a value is NaN or infinite */
	SV_NORM_EUNSORTED = -4 /* input must be sorted ascending */
};

/* Shapiro-Wilk W and p (Royston, AS R94), sorted ascending, 3 <= n <= 5000.
 * Returns 0 or a negative code (w and p then NAN). */
int sv_shapiro_wilk(const double *sorted, size_t n, double *w, double *p);

/* Anderson-Darling A^2 for normality with mean and sd estimated (sd with
 * n-1, as scipy.stats.anderson); sorted ascending, n >= 3.
 * p from D'Agostino & Stephens (1986, table 4.9) on
 * A* = A^2 (1 + 0.75/n + 2.25/n^2):
 *   A* >= 0.6:         p = exp(1.2937 - 5.709 A* + 0.0186 A*^2)
 *   0.34 <= A* < 0.6:  p = exp(0.9177 - 4.279 A* - 1.38 A*^2)
 *   0.2 <= A* < 0.34:  p = 1 - exp(-8.318 + 42.796 A* - 59.938 A*^2)
 *   A* < 0.2:          p = 1 - exp(-13.436 + 101.14 A* - 223.73 A*^2)
 * Returns 0 or a negative code. */
int sv_anderson_darling(const double *sorted, size_t n, double *a2, double *p);

/* D'Agostino-Pearson K^2 omnibus test (scipy.stats.normaltest): skewness
 * test (D'Agostino 1970) and kurtosis test (Anscombe & Glynn 1983)
 * combined, p from chi-square with 2 df; any order, n >= 8.
 * Returns 0 or a negative code. */
int sv_dagostino_pearson(const double *x, size_t n, double *k2, double *p);

/* Message for a negative code, e.g. "n out of range 3..5000". */
const char *sv_normality_strerror(int code);

#endif
