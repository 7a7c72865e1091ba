/* spread.c - Brown-Forsythe test and the test-set noise floor */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "base/util.h"
#include "spread.h"
#include "stats.h"

int
sv_brown_forsythe(const double *const *x, const size_t *n, size_t k,
                  double *w, double *df1, double *df2, double *p)
{
	size_t N = 0, maxn = 0;
	double **z, *zbar, all = 0, between = 0, within = 0;

	*w = *p = *df1 = *df2 = NAN;
	if (k < 2)
		return -1;
	for (size_t g = 0; g < k; g++) {
		if (n[g] < 2)
			return -1;
		for (size_t i = 0; i < n[g]; i++)
			if (!isfinite(x[g][i]))
				return -2;
		N += n[g];
		if (n[g] > maxn)
			maxn = n[g];
	}
	z = sv_calloc(k, sizeof *z);
	zbar = sv_calloc(k, sizeof *zbar);
	for (size_t g = 0; g < k; g++) {
		double *s = sv_mallocarray(n[g], sizeof *s), med, sum = 0;

		memcpy(s, x[g], n[g] * sizeof *s);
		sv_sort_double(s, n[g]);
		med = sv_quantile7(s, n[g], 0.5);
		free(s);
		z[g] = sv_mallocarray(n[g], sizeof **z);
		for (size_t i = 0; i < n[g]; i++) {
			z[g][i] = fabs(x[g][i] - med);
			sum += z[g][i];
		}
		zbar[g] = sum / (double)n[g];
		all += sum;
	}
	all /= (double)N;
	for (size_t g = 0; g < k; g++) {
		between += (double)n[g] * (zbar[g] - all) * (zbar[g] - all);
		for (size_t i = 0; i < n[g]; i++)
			within += (z[g][i] - zbar[g]) * (z[g][i] - zbar[g]);
		free(z[g]);
	}
	free(z);
	free(zbar);
	*df1 = (double)(k - 1);
	*df2 = (double)(N - k);
	if (within > 0) {
		*w = *df2 / *df1 * between / within;
		*p = gsl_cdf_fdist_Q(*w, *df1, *df2);
	}
	return 0;
}

double
sv_test_noise(double p, double n)
{
	return n > 0 ? sqrt(p * (1 - p) / n) : NAN;
}
