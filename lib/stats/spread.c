/* spread.c - Brown-Forsythe test, the ratio of sds, variance shares and
 * the test-set noise floor */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "base/util.h"
#include "bootstrap.h"
#include "formats/json.h"
#include "spread.h"
#include "stats.h"

/* bootstrap streams of sv_boot_indices (compare.c uses 1 to 4) */
enum { STREAM_RATIO_A = 5, STREAM_RATIO_B };

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

/* sample variance of x[idx[i]] (idx NULL: x[i]), two passes */
static double
var_at(const double *x, const size_t *idx, size_t n)
{
	double m = 0, ss = 0;

	for (size_t i = 0; i < n; i++)
		m += x[idx ? idx[i] : i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = x[idx ? idx[i] : i] - m;

		ss += d * d;
	}
	return ss / (double)(n - 1);
}

int
sv_sd_ratio(const double *a, size_t na, const double *b, size_t nb,
            size_t reps, double level, uint64_t rng_seed, double *ratio,
            double *lo, double *hi)
{
	double *t;
	size_t valid = 0;

	*ratio = *lo = *hi = NAN;
	if (na < 2 || nb < 2)
		return -1;
	*ratio = sqrt(var_at(a, NULL, na) / var_at(b, NULL, nb));
	if (reps < 2 || !(level > 0 && level < 1))
		return 0;
	t = sv_mallocarray(reps, sizeof *t);
#pragma omp parallel
	{
		size_t *ia = sv_mallocarray(na, sizeof *ia);
		size_t *ib = sv_mallocarray(nb, sizeof *ib);
#pragma omp for schedule(static)
		for (size_t r = 0; r < reps; r++) {
			double va, vb;

			sv_boot_indices(rng_seed, STREAM_RATIO_A, (uint32_t)r, na,
			                na, ia);
			sv_boot_indices(rng_seed, STREAM_RATIO_B, (uint32_t)r, nb,
			                nb, ib);
			va = var_at(a, ia, na);
			vb = var_at(b, ib, nb);
			/* b without spread: an infinite ratio; both: none */
			t[r] = vb > 0 ? sqrt(va / vb) : va > 0 ? INFINITY : NAN;
		}
		free(ib);
		free(ia);
	}
	for (size_t r = 0; r < reps; r++)
		if (!isnan(t[r]))
			t[valid++] = t[r];
	if (valid >= 2) {
		gsl_sort(t, 1, valid);
		*lo = gsl_stats_quantile_from_sorted_data(t, 1, valid,
		                                          (1 - level) / 2);
		*hi = gsl_stats_quantile_from_sorted_data(t, 1, valid,
		                                          (1 + level) / 2);
	}
	free(t);
	return 0;
}

void
sv_variance_shares(const double *var, const double *noise, size_t k,
                   size_t ref, double *share, double *sum, double *net)
{
	double vr = var[ref], s = 0, nt = noise[ref];

	for (size_t i = 0; i < k; i++) {
		share[i] = vr > 0 && isfinite(vr) ? var[i] / vr : NAN;
		if (i == ref)
			continue;
		s += share[i];
		nt += var[i] - noise[i];
	}
	*sum = k > 1 ? s : NAN;
	*net = k > 1 && vr > 0 && isfinite(vr) ? nt / vr : NAN;
}

void
sv_equal_spread_put(const char *const *names, const double *const *x,
                    const size_t *n, size_t k, int json, struct sv_buf *b)
{
	double w, df1, df2, p;
	int rc = sv_brown_forsythe(x, n, k, &w, &df1, &df2, &p);
	const char *why = rc == -1 ? "each group needs at least 2 values"
	                : rc == -2 ? "a value is not finite" : NULL;

	if (json) {
		sv_buf_puts(b, "{\"equal_spread\": [");
		for (size_t i = 0; i < k; i++) {
			if (i)
				sv_buf_puts(b, ", ");
			sv_json_str(b, names[i]);
		}
		sv_buf_puts(b, "]");
		if (why) {
			sv_json_key(b, "error");
			sv_json_str(b, why);
		} else {
			sv_json_kv(b, "bf_w", w);
			sv_json_kv(b, "bf_df1", df1);
			sv_json_kv(b, "bf_df2", df2);
			sv_json_kv(b, "bf_p", p);
		}
		sv_buf_puts(b, "}\n");
		return;
	}
	sv_buf_printf(b, "\nEqual spread over %zu groups: ", k);
	if (why)
		sv_buf_printf(b, "not computed: %s\n", why);
	else if (isnan(w))
		sv_buf_puts(b, "Brown-Forsythe not defined (no spread "
		               "within the groups)\n");
	else
		sv_buf_printf(b, "Brown-Forsythe W %.4g (df %g, %g), p %.4g\n",
		              w, df1, df2, p);
}
