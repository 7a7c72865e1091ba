/* normality.c - tests of normality: Shapiro-Wilk (Royston AS R94),
 * Anderson-Darling (D'Agostino-Stephens p), D'Agostino-Pearson K^2 */
#include "normality.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_erf.h>

#include "stats.h"
#include "base/util.h"

static int
check_input(const double *x, size_t n, int need_sorted)
{
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return SV_NORM_ENAN;
		if (need_sorted && i > 0 && x[i] < x[i - 1])
			return SV_NORM_EUNSORTED;
	}
	for (size_t i = 1; i < n; i++)
		if (x[i] != x[0])
			return 0;
	return SV_NORM_ECONST;
}

/* c[0] + c[1] x + ... + c[k-1] x^(k-1) */
static double
poly(const double *c, int k, double x)
{
	double r = c[k - 1];

	for (int i = k - 2; i >= 0; i--)
		r = r * x + c[i];
	return r;
}

/* Royston (1995), Algorithm AS R94: W from the approximate coefficients
 * a_i (m_i = Phi^-1((i - 3/8)/(n + 1/4)), a_n and a_(n-1) corrected by
 * polynomials in 1/sqrt(n)), computed as 1 - W for accuracy; p from the
 * normalising transformations: n == 3 exact, 4 <= n <= 11 on
 * -log(gamma - log(1 - W)), n >= 12 on log(1 - W) with mean and sd
 * polynomials in log n. */
int
sv_shapiro_wilk(const double *sorted, size_t n, double *w, double *p)
{
	static const double c1[] = { 0, 0.221157, -0.147981, -2.071190,
	                             4.434685, -2.706056 };
	static const double c2[] = { 0, 0.042981, -0.293762, -1.752461,
	                             5.682633, -3.582633 };
	static const double c3[] = { 0.5440, -0.39978, 0.025054, -6.714e-4 };
	static const double c4[] = { 1.3822, -0.77857, 0.062767, -0.0020322 };
	static const double c5[] = { -1.5861, -0.31082, -0.083751, 0.0038915 };
	static const double c6[] = { -0.4803, -0.082676, 0.0030302 };
	static const double g[] = { -2.273, 0.459 };
	size_t nn2 = n / 2, i;
	double *a, an = (double)n, range, w1, ww, m, s, y;
	int rc;

	*w = *p = NAN;
	if (n < 3 || n > 5000)
		return SV_NORM_ERANGE;
	if ((rc = check_input(sorted, n, 1)) < 0)
		return rc;

	/* a[1..nn2]: coefficients of x(n+1-i) - x(i), sum of squares 1/2 */
	a = sv_mallocarray(nn2 + 1, sizeof *a);
	if (n == 3) {
		a[1] = sqrt(0.5);
	} else {
		double *mm = sv_mallocarray(nn2 + 1, sizeof *mm);
		double summ2 = 0, ssumm2, rsn, a1, fac;
		size_t i1;

		for (i = 1; i <= nn2; i++) {
			mm[i] = gsl_cdf_ugaussian_Pinv((i - 0.375) / (an + 0.25));
			summ2 += mm[i] * mm[i];
		}
		summ2 *= 2;
		ssumm2 = sqrt(summ2);
		rsn = 1 / sqrt(an);
		a1 = poly(c1, 6, rsn) - mm[1] / ssumm2;
		if (n > 5) {
			double a2 = -mm[2] / ssumm2 + poly(c2, 6, rsn);
			fac = sqrt((summ2 - 2 * mm[1] * mm[1] - 2 * mm[2] * mm[2]) /
			           (1 - 2 * a1 * a1 - 2 * a2 * a2));
			a[2] = a2;
			i1 = 3;
		} else {
			fac = sqrt((summ2 - 2 * mm[1] * mm[1]) / (1 - 2 * a1 * a1));
			i1 = 2;
		}
		a[1] = a1;
		for (i = i1; i <= nn2; i++)
			a[i] = -mm[i] / fac;
		free(mm);
	}

	/* W = (sum c_i x_i)^2 / sum (x_i - mean)^2 with the antisymmetric
	 * c (c_i = -a_i low half, +a_i high half), on x scaled by the range;
	 * 1 - W as (sqrt(ssa ssx) - sax)(sqrt(ssa ssx) + sax)/(ssa ssx) */
	double sc = sv_pow2_scale(sorted, n);
	range = sorted[n - 1] * sc - sorted[0] * sc;
	double sx = 0, sa = 0, ssa = 0, ssx = 0, sax = 0;
	for (i = 0; i < n; i++) {
		size_t j = n - 1 - i;
		sx += sorted[i] * sc / range;
		if (i != j)
			sa += (i < j ? -a[i + 1] : a[j + 1]);
	}
	sa /= an;
	sx /= an;
	for (i = 0; i < n; i++) {
		size_t j = n - 1 - i;
		double asa = (i != j ? (i < j ? -a[i + 1] : a[j + 1]) : 0) - sa;
		double xsx = sorted[i] * sc / range - sx;
		ssa += asa * asa;
		ssx += xsx * xsx;
		sax += asa * xsx;
	}
	free(a);
	double ssassx = sqrt(ssa * ssx);
	w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx);
	ww = 1 - w1;
	*w = ww;

	if (n == 3) {
		/* exact: p = (6/pi)(asin(sqrt W) - asin(sqrt(3/4))) */
		double pw = 6 / M_PI * (asin(sqrt(ww)) - M_PI / 3);
		*p = pw < 0 ? 0 : pw > 1 ? 1 : pw;
		return 0;
	}
	y = log(w1);
	if (n <= 11) {
		double gamma = poly(g, 2, an);
		if (y >= gamma) {
			*p = 1e-19; /* AS R94's 'small': beyond the transformation */
			return 0;
		}
		y = -log(gamma - y);
		m = poly(c3, 4, an);
		s = exp(poly(c4, 4, an));
	} else {
		double xx = log(an);
		m = poly(c5, 4, xx);
		s = exp(poly(c6, 3, xx));
	}
	*p = gsl_cdf_ugaussian_Q((y - m) / s);
	return 0;
}

/* log Phi(-z) = log Q(z), accurate in both tails */
static double
log_q(double z)
{
	return gsl_sf_log_erfc(z / M_SQRT2) - M_LN2;
}

int
sv_anderson_darling(const double *sorted, size_t n, double *a2, double *p)
{
	double mean = 0, ss = 0, sd, sum = 0, as, sc;
	int rc;

	*a2 = *p = NAN;
	if (n < 3)
		return SV_NORM_ERANGE;
	if ((rc = check_input(sorted, n, 1)) < 0)
		return rc;
	sc = sv_pow2_scale(sorted, n);
	for (size_t i = 0; i < n; i++)
		mean += sorted[i] * sc;
	mean /= n;
	for (size_t i = 0; i < n; i++)
		ss += (sorted[i] * sc - mean) * (sorted[i] * sc - mean);
	sd = sqrt(ss / (n - 1));
	/* A^2 = -n - (1/n) sum (2i-1) [log F(z_i) + log(1 - F(z_(n+1-i)))] */
	for (size_t i = 0; i < n; i++) {
		double zi = (sorted[i] * sc - mean) / sd;
		double zj = (sorted[n - 1 - i] * sc - mean) / sd;
		sum += (2.0 * i + 1) * (log_q(-zi) + log_q(zj));
	}
	*a2 = -(double)n - sum / n;
	as = *a2 * (1 + 0.75 / n + 2.25 / ((double)n * n));
	if (as >= 0.6)
		*p = exp(1.2937 - 5.709 * as + 0.0186 * as * as);
	else if (as >= 0.34)
		*p = exp(0.9177 - 4.279 * as - 1.38 * as * as);
	else if (as >= 0.2)
		*p = 1 - exp(-8.318 + 42.796 * as - 59.938 * as * as);
	else
		*p = 1 - exp(-13.436 + 101.14 * as - 223.73 * as * as);
	if (*p > 1)
		*p = 1;
	return 0;
}

/* Z of the skewness test (D'Agostino 1970), b1 = m3 / m2^1.5 */
static double
skew_z(double b1, double n)
{
	double y = b1 * sqrt((n + 1) * (n + 3) / (6.0 * (n - 2)));
	double beta2 = 3.0 * (n * n + 27 * n - 70) * (n + 1) * (n + 3) /
	               ((n - 2) * (n + 5) * (n + 7) * (n + 9));
	double w2 = -1 + sqrt(2 * (beta2 - 1));
	double delta = 1 / sqrt(0.5 * log(w2));
	double alpha = sqrt(2.0 / (w2 - 1));

	return delta * asinh(y / alpha);
}

/* Z of the kurtosis test (Anscombe & Glynn 1983), b2 = m4 / m2^2;
 * NAN where the cube root's argument has a zero denominator */
static double
kurt_z(double b2, double n)
{
	double e = 3.0 * (n - 1) / (n + 1);
	double varb2 = 24.0 * n * (n - 2) * (n - 3) /
	               ((n + 1) * (n + 1) * (n + 3) * (n + 5));
	double x = (b2 - e) / sqrt(varb2);
	double sb1 = 6.0 * (n * n - 5 * n + 2) / ((n + 7) * (n + 9)) *
	             sqrt(6.0 * (n + 3) * (n + 5) / (n * (n - 2) * (n - 3)));
	double A = 6.0 + 8.0 / sb1 * (2.0 / sb1 + sqrt(1 + 4.0 / (sb1 * sb1)));
	double t1 = 1 - 2 / (9.0 * A);
	double den = 1 + x * sqrt(2 / (A - 4.0));
	double t2;

	if (den == 0)
		return NAN;
	t2 = (den > 0 ? 1 : -1) * cbrt((1 - 2.0 / A) / fabs(den));
	return (t1 - t2) / sqrt(2 / (9.0 * A));
}

int
sv_dagostino_pearson(const double *x, size_t n, double *k2, double *p)
{
	double mean = 0, m2 = 0, m3 = 0, m4 = 0, zs, zk, sc;
	int rc;

	*k2 = *p = NAN;
	if (n < 8)
		return SV_NORM_ERANGE;
	if ((rc = check_input(x, n, 0)) < 0)
		return rc;
	sc = sv_pow2_scale(x, n);
	for (size_t i = 0; i < n; i++)
		mean += x[i] * sc;
	mean /= n;
	for (size_t i = 0; i < n; i++) {
		double d = x[i] * sc - mean, d2 = d * d;
		m2 += d2;
		m3 += d2 * d;
		m4 += d2 * d2;
	}
	m2 /= n, m3 /= n, m4 /= n;
	if (!(m2 > 0))
		return SV_NORM_ECONST;
	zs = skew_z(m3 / pow(m2, 1.5), (double)n);
	zk = kurt_z(m4 / (m2 * m2), (double)n);
	*k2 = zs * zs + zk * zk;
	*p = gsl_cdf_chisq_Q(*k2, 2); /* = exp(-k2/2) */
	return 0;
}

const char *
sv_normality_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case SV_NORM_ERANGE:
		return "n out of range (Shapiro-Wilk 3..5000, Anderson-Darling "
		       ">= 3, D'Agostino-Pearson >= 8)";
	case SV_NORM_ECONST:
		return "all values equal";
	case SV_NORM_ENAN:
		return "value is not finite";
	case SV_NORM_EUNSORTED:
		return "values not sorted ascending";
	}
	return "unknown normality error";
}
