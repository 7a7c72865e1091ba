/* bootstrap.c - bootstrap confidence intervals (percentile and BCa)
 *
 * Resampling indices come from a counter-based generator (Philox4x32-10,
 * key = the 64-bit seed, counter = (pair number, rep, stream)), so every
 * resample is a pure function of (seed, stream, rep): the reps can be
 * spread over threads and the result stays the same bits. */
#include "bootstrap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "kernels/philox.h"
#include "stats.h"
#include "base/util.h"

void
sv_boot_indices(uint64_t seed, uint32_t stream, uint32_t rep, size_t n,
                size_t m, size_t *idx)
{
	for (size_t j = 0; j < m; j += 2) {
		uint64_t pair = j / 2;
		uint32_t w[4];

		/* counter (lo(pair), hi(pair), rep, stream), key = seed */
		sv_rand4(seed, (enum sv_stream)stream, rep, pair, w);
		uint64_t r0 = ((uint64_t)w[0] << 32) | w[1];
		uint64_t r1 = ((uint64_t)w[2] << 32) | w[3];
		idx[j] = (size_t)(((unsigned __int128)r0 * n) >> 64);
		if (j + 1 < m)
			idx[j + 1] = (size_t)(((unsigned __int128)r1 * n) >> 64);
	}
}

/* Rearrange x[lo..hi] so that x[k] is the value of rank k, smaller ones
 * before it and larger ones after (Hoare's selection, median of three). */
static void
select_k(double *x, size_t lo, size_t hi, size_t k)
{
	while (hi > lo) {
		size_t mid = lo + (hi - lo) / 2;
		double a = x[lo], b = x[mid], c = x[hi], piv;

		piv = a < b ? (b < c ? b : (a < c ? c : a))
		            : (a < c ? a : (b < c ? c : b));
		size_t i = lo, j = hi;
		while (i <= j) {
			while (x[i] < piv)
				i++;
			while (x[j] > piv)
				j--;
			if (i <= j) {
				double t = x[i];
				x[i] = x[j], x[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

static double
mean_of(const double *x, size_t n)
{
	double s = 0, sc;

	for (size_t i = 0; i < n; i++)
		s += x[i];
	if (isfinite(s))
		return s / n;
	sc = sv_pow2_scale(x, n);
	s = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i] * sc;
	return s / n / sc;
}

static double
sd_of(const double *x, size_t n)
{
	double m = mean_of(x, n), s = 0, sc;

	for (size_t i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	if (isfinite(s))
		return sqrt(s / (n - 1));
	sc = sv_pow2_scale(x, n);
	s = 0;
	for (size_t i = 0; i < n; i++)
		s += (x[i] * sc - m * sc) * (x[i] * sc - m * sc);
	return sqrt(s / (n - 1)) / sc;
}

/* The statistic of w[0..n-1]; w is scratch and gets reordered. */
static double
stat_inplace(double *w, size_t n, enum sv_boot_stat stat)
{
	size_t k, g;
	double s;

	switch (stat) {
	case SV_BOOT_MEAN:
		return mean_of(w, n);
	case SV_BOOT_SD:
		return n < 2 ? NAN : sd_of(w, n);
	case SV_BOOT_MEDIAN:
		k = (n - 1) / 2;
		select_k(w, 0, n - 1, k);
		if (n % 2)
			return w[k];
		s = w[k + 1];
		for (size_t i = k + 2; i < n; i++)
			if (w[i] < s)
				s = w[i];
		return w[k] + (s - w[k]) / 2;
	case SV_BOOT_IQM:
		g = n / 4; /* floor(0.25 n) cut from each end */
		if (g > 0) {
			select_k(w, 0, n - 1, g);
			select_k(w, g, n - 1, n - g - 1);
		}
		s = 0;
		for (size_t i = g; i < n - g; i++)
			s += w[i];
		return s / (n - 2 * g);
	}
	return NAN;
}

double
sv_boot_stat(const double *x, size_t n, enum sv_boot_stat stat)
{
	double *w, v;

	if (n == 0 || (stat == SV_BOOT_SD && n < 2))
		return NAN;
	if (stat == SV_BOOT_MEAN)
		return mean_of(x, n);
	if (stat == SV_BOOT_SD)
		return sd_of(x, n);
	w = sv_mallocarray(n, sizeof *w);
	memcpy(w, x, n * sizeof *w);
	v = stat_inplace(w, n, stat);
	free(w);
	return v;
}

int
sv_boot_jackknife(const double *x, size_t n, enum sv_boot_stat stat,
                  double *jack)
{
	double *s, *pre, m, ss, c;
	size_t i, mlen = n - 1;

	if (n < 2 || (stat == SV_BOOT_SD && n < 3))
		return SV_BOOT_ESMALL;
	if (stat == SV_BOOT_MEAN || stat == SV_BOOT_SD) {
		m = mean_of(x, n);
		ss = 0;
		for (i = 0; i < n; i++)
			ss += (x[i] - m) * (x[i] - m);
		for (i = 0; i < n; i++) {
			double d = x[i] - m;
			if (stat == SV_BOOT_MEAN) {
				jack[i] = m - d / mlen;
			} else {
				double s2 = ss - d * d * n / mlen;
				jack[i] = sqrt((s2 > 0 ? s2 : 0) / (mlen - 1));
			}
		}
		return 0;
	}
	/* order statistics: work on the sorted copy, map back by rank */
	size_t *perm = sv_mallocarray(n, sizeof *perm);
	s = sv_mallocarray(n, sizeof *s);
	gsl_sort_index(perm, x, 1, n);
	for (i = 0; i < n; i++)
		s[i] = x[perm[i]];
	/* pre[k] = sum of (s[j] - c) for j < k; c centres for accuracy */
	c = s[n / 2];
	pre = sv_mallocarray(n + 1, sizeof *pre);
	pre[0] = 0;
	for (i = 0; i < n; i++)
		pre[i + 1] = pre[i] + (s[i] - c);
	for (size_t r = 0; r < n; r++) {
		/* y = s without rank r: y[k] = s[k] for k < r, s[k+1] after */
#define Y(k) ((k) < r ? s[(k)] : s[(k) + 1])
		double v;
		if (stat == SV_BOOT_MEDIAN) {
			size_t k = (mlen - 1) / 2;
			v = mlen % 2 ? Y(k) : Y(k) + (Y(k + 1) - Y(k)) / 2;
		} else {
			size_t g = mlen / 4, a = g, b = mlen - g; /* y[a..b) */
			/* sum of y[a..b) = sum of s over the same ranks shifted */
			size_t sa = a < r ? a : a + 1, sb = b <= r ? b : b + 1;
			double sum = pre[sb] - pre[sa];
			if (a < r && r < sb)
				sum -= s[r] - c; /* rank r lay inside, drop it */
			v = sum / (b - a) + c;
		}
#undef Y
		jack[perm[r]] = v;
	}
	free(pre);
	free(s);
	free(perm);
	return 0;
}

static int
all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

int
sv_bootstrap_ci(const double *x, size_t n, enum sv_boot_stat stat,
                size_t reps, double level, uint64_t rng_seed,
                struct sv_ci *pct, struct sv_ci *bca)
{
	double *t, theta, alpha, z0, acc, lo, hi;
	int rc = 0;

	if (pct)
		pct->lo = pct->hi = NAN;
	if (bca)
		bca->lo = bca->hi = NAN;
	if (n < 2)
		return SV_BOOT_ESMALL;
	if (reps < 2 || reps > UINT32_MAX)
		return SV_BOOT_EREPS;
	if (!(level > 0 && level < 1))
		return SV_BOOT_ELEVEL;
	if (!all_finite(x, n))
		return SV_BOOT_ENAN;

	theta = sv_boot_stat(x, n, stat);
	t = sv_mallocarray(reps, sizeof *t);
#pragma omp parallel
	{
		size_t *idx = sv_mallocarray(n, sizeof *idx);
		double *w = sv_mallocarray(n, sizeof *w);
#pragma omp for schedule(static)
		for (size_t b = 0; b < reps; b++) {
			sv_boot_indices(rng_seed, 0, (uint32_t)b, n, n, idx);
			for (size_t i = 0; i < n; i++)
				w[i] = x[idx[i]];
			t[b] = stat_inplace(w, n, stat);
		}
		free(w);
		free(idx);
	}
	gsl_sort(t, 1, reps);
	alpha = (1 - level) / 2;
	lo = gsl_stats_quantile_from_sorted_data(t, 1, reps, alpha);
	hi = gsl_stats_quantile_from_sorted_data(t, 1, reps, 1 - alpha);
	if (pct)
		pct->lo = lo, pct->hi = hi;
	if (!bca)
		goto out;

	if (t[0] == t[reps - 1] && t[0] == theta) {
		/* every resample gives theta (all values equal): a point */
		bca->lo = bca->hi = theta;
		goto out;
	}
	/* bias correction: share of t* below theta, ties counted half */
	size_t below = 0, equal = 0;
	for (size_t b = 0; b < reps; b++)
		below += t[b] < theta, equal += t[b] == theta;
	double share = (below + 0.5 * equal) / reps;
	if (share <= 0 || share >= 1) {
		rc = SV_BOOT_EBCA;
		goto out;
	}
	z0 = gsl_cdf_ugaussian_Pinv(share);

	/* acceleration from the jackknife */
	double *jack = sv_mallocarray(n, sizeof *jack);
	if (sv_boot_jackknife(x, n, stat, jack) < 0) {
		free(jack);
		rc = SV_BOOT_EBCA;
		goto out;
	}
	/* a is scale free: deviations are scaled by their largest size so
	 * that cubes neither overflow nor underflow */
	double jm = mean_of(jack, n), num = 0, den = 0, dmax = 0;
	for (size_t i = 0; i < n; i++)
		if (fabs(jm - jack[i]) > dmax)
			dmax = fabs(jm - jack[i]);
	for (size_t i = 0; i < n; i++) {
		double d = dmax > 0 ? (jm - jack[i]) / dmax : 0;
		num += d * d * d;
		den += d * d;
	}
	free(jack);
	if (!(den > 0)) {
		rc = SV_BOOT_EBCA;
		goto out;
	}
	acc = num / (6 * pow(den, 1.5));

	double za = gsl_cdf_ugaussian_Pinv(alpha), q[2];
	for (int k = 0; k < 2; k++) {
		double z = k ? -za : za, u = z0 + z, d = 1 - acc * u;
		if (!(d > 0)) {
			rc = SV_BOOT_EBCA;
			goto out;
		}
		q[k] = gsl_cdf_ugaussian_P(z0 + u / d);
	}
	bca->lo = gsl_stats_quantile_from_sorted_data(t, 1, reps, q[0]);
	bca->hi = gsl_stats_quantile_from_sorted_data(t, 1, reps, q[1]);
out:
	free(t);
	return rc;
}

const char *
sv_bootstrap_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case SV_BOOT_ESMALL:
		return "too few values for a bootstrap (n < 2)";
	case SV_BOOT_EREPS:
		return "bootstrap repetitions out of range 2..4294967295";
	case SV_BOOT_ELEVEL:
		return "confidence level not between 0 and 1";
	case SV_BOOT_ENAN:
		return "value is not finite";
	case SV_BOOT_EBCA:
		return "BCa interval not defined for this sample";
	}
	return "unknown bootstrap error";
}
