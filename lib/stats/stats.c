/* stats.c - descriptive statistics of one sample */
#include "stats.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* --- sorting: LSD radix on order-preserving unsigned keys */

static inline uint64_t
dkey(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static inline double
dval(uint64_t k)
{
	double d;

	k = (k >> 63) ? k & ~(UINT64_C(1) << 63) : ~k;
	memcpy(&d, &k, sizeof d);
	return d;
}

/* the radix order: -0 before +0 */
static int
cmp_double(const void *a, const void *b)
{
	uint64_t x = dkey(*(const double *)a), y = dkey(*(const double *)b);

	return (x > y) - (x < y);
}

void
sv_sort_double(double *x, size_t n)
{
	uint64_t *k, *t;
	size_t (*cnt)[65536];

	if (n < 4096) {
		qsort(x, n, sizeof *x, cmp_double);
		return;
	}
	k = sv_mallocarray(n, sizeof *k);
	t = sv_mallocarray(n, sizeof *t);
	cnt = sv_calloc(4, sizeof *cnt);
	for (size_t i = 0; i < n; i++) {
		uint64_t u = dkey(x[i]);

		k[i] = u;
		cnt[0][u & 0xffff]++;
		cnt[1][(u >> 16) & 0xffff]++;
		cnt[2][(u >> 32) & 0xffff]++;
		cnt[3][u >> 48]++;
	}
	for (int pass = 0; pass < 4; pass++) {
		size_t sum = 0, *c = cnt[pass];
		int sh = 16 * pass;
		uint64_t *sw;

		if (c[(k[0] >> sh) & 0xffff] == n)
			continue; /* every key has this digit */
		for (size_t d = 0; d < 65536; d++) {
			size_t cd = c[d];

			c[d] = sum;
			sum += cd;
		}
		for (size_t i = 0; i < n; i++)
			t[c[(k[i] >> sh) & 0xffff]++] = k[i];
		sw = k, k = t, t = sw;
	}
	for (size_t i = 0; i < n; i++)
		x[i] = dval(k[i]);
	free(k);
	free(t);
	free(cnt);
}

static int
cmp_ldouble(const void *a, const void *b)
{
	long double x = *(const long double *)a, y = *(const long double *)b;

	if (x == y)
		return (signbit(y) != 0) - (signbit(x) != 0);
	return (x > y) - (x < y);
}

#if LDBL_MANT_DIG == 64
/* x87 extended: 64-bit significand then 16 bits of sign and exponent. */
struct lkey {
	uint64_t lo;
	uint16_t hi;
};

static inline struct lkey
lkey_of(long double v)
{
	unsigned char b[sizeof v];
	struct lkey k;

	memcpy(b, &v, sizeof v);
	memcpy(&k.lo, b, 8);
	memcpy(&k.hi, b + 8, 2);
	if (k.hi & 0x8000) {
		k.hi = (uint16_t)~k.hi;
		k.lo = ~k.lo;
	} else {
		k.hi |= 0x8000;
	}
	return k;
}

static inline unsigned
ldigit(struct lkey k, int pass)
{
	return pass < 4 ? (unsigned)((k.lo >> (16 * pass)) & 0xffff) : k.hi;
}
#endif

void
sv_sort_ldouble(long double *x, size_t n)
{
#if LDBL_MANT_DIG == 64
	long double *src = x, *dst, *buf;
	size_t (*cnt)[65536];

	if (n < 4096) {
		qsort(x, n, sizeof *x, cmp_ldouble);
		return;
	}
	buf = dst = sv_mallocarray(n, sizeof *dst);
	cnt = sv_calloc(5, sizeof *cnt);
	for (size_t i = 0; i < n; i++) {
		struct lkey k = lkey_of(x[i]);

		for (int p = 0; p < 5; p++)
			cnt[p][ldigit(k, p)]++;
	}
	for (int pass = 0; pass < 5; pass++) {
		size_t sum = 0, *c = cnt[pass];
		long double *sw;

		if (c[ldigit(lkey_of(src[0]), pass)] == n)
			continue; /* every key has this digit */
		for (size_t d = 0; d < 65536; d++) {
			size_t cd = c[d];

			c[d] = sum;
			sum += cd;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[ldigit(lkey_of(src[i]), pass)]++] = src[i];
		sw = src, src = dst, dst = sw;
	}
	if (src != x)
		memcpy(x, src, n * sizeof *x);
	free(buf);
	free(cnt);
#else
	qsort(x, n, sizeof *x, cmp_ldouble);
#endif
}

double
sv_quantile7(const double *sorted, size_t n, double p)
{
	double h, fh;
	size_t i;

	if (n == 0)
		return NAN;
	if (n == 1 || p <= 0)
		return sorted[0];
	if (p >= 1)
		return sorted[n - 1];
	h = (double)(n - 1) * p;
	fh = floor(h);
	i = (size_t)fh;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + (h - fh) * (sorted[i + 1] - sorted[i]);
}

static double
median_sorted(const double *v, size_t n)
{
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

double
sv_trimmed_mean(const double *sorted, size_t n, double frac)
{
	size_t k;
	long double sum = 0;

	if (n == 0)
		return NAN;
	if (frac >= 0.5)
		return median_sorted(sorted, n);
	k = (size_t)floor((double)n * frac);
	for (size_t i = k; i < n - k; i++)
		sum += sorted[i];
	return (double)(sum / (long double)(n - 2 * k));
}

double
sv_mad(const double *sorted, size_t n, double scale, double *work)
{
	double med;
	size_t lo, hi, k = 0;

	if (n == 0)
		return NAN;
	med = median_sorted(sorted, n);
	/* |x - med| in ascending order: merge outwards from the median */
	hi = 0;
	while (hi < n && sorted[hi] < med)
		hi++;
	lo = hi;
	while (k < n) {
		double a = lo > 0 ? med - sorted[lo - 1] : INFINITY;
		double b = hi < n ? sorted[hi] - med : INFINITY;

		if (a <= b)
			work[k++] = a, lo--;
		else
			work[k++] = b, hi++;
	}
	return median_sorted(work, n) * scale;
}

void
sv_summarize(const double *sorted, size_t n, struct sv_summary *s)
{
	long double sum = 0, mean, m2 = 0, m3 = 0, m4 = 0, ln = (long double)n;
	double *work;

	s->n = n;
	if (n == 0) {
		s->mean = s->sd = s->min = s->max = s->range = NAN;
		s->q1 = s->median = s->q3 = s->iqr = NAN;
		s->skew = s->kurt = s->iqm = s->mad = NAN;
		return;
	}
	for (size_t i = 0; i < n; i++)
		sum += sorted[i];
	mean = sum / ln;
	for (size_t i = 0; i < n; i++) {
		long double t = sorted[i] - mean, t2 = t * t;

		m2 += t2;
		m3 += t2 * t;
		m4 += t2 * t2;
	}
	s->mean = (double)mean;
	s->sd = n > 1 ? (double)sqrtl(m2 / (ln - 1)) : NAN;
	/* datamash: population moments, then the sample adjustments */
	{
		long double p2 = m2 / ln, p3 = m3 / ln, p4 = m4 / ln;
		long double g1 = p3 / sqrtl(p2 * p2 * p2);
		long double g2 = p4 / (p2 * p2) - 3;

		s->skew = n > 2 ? (double)(sqrtl(ln * (ln - 1)) / (ln - 2) * g1)
		                : NAN;
		s->kurt = n > 3 ? (double)((ln - 1) / ((ln - 2) * (ln - 3)) *
		                           ((ln + 1) * g2 + 6))
		                : NAN;
	}
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->range = s->max - s->min;
	s->q1 = sv_quantile7(sorted, n, 0.25);
	s->median = sv_quantile7(sorted, n, 0.5);
	s->q3 = sv_quantile7(sorted, n, 0.75);
	s->iqr = s->q3 - s->q1;
	s->iqm = sv_trimmed_mean(sorted, n, 0.25);
	work = sv_mallocarray(n, sizeof *work);
	s->mad = sv_mad(sorted, n, 1.4826, work);
	free(work);
}

double
sv_kde_bandwidth(const double *sorted, size_t n)
{
	long double sum = 0, m2 = 0, mean;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		sum += sorted[i];
	mean = sum / (long double)n;
	for (size_t i = 0; i < n; i++)
		m2 += (sorted[i] - mean) * (sorted[i] - mean);
	return (double)sqrtl(m2 / (long double)(n - 1)) *
	       pow((double)n, -0.2);
}

double
sv_kde(const double *sorted, size_t n, double h, double x)
{
	double sum = 0;
	const double c = 0.3989422804014327; /* 1/sqrt(2 pi) */

	if (n == 0 || !(h > 0))
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double z = (x - sorted[i]) / h;

		if (fabs(z) < 40)
			sum += exp(-0.5 * z * z);
	}
	return sum * c / ((double)n * h);
}

double
sv_pow2_scale(const double *x, size_t n)
{
	double m = 0;
	int e;

	for (size_t i = 0; i < n; i++)
		if (fabs(x[i]) > m)
			m = fabs(x[i]);
	frexp(m, &e);
	return ldexp(1, -e);
}

#define FIELD(name) { #name, offsetof(struct sv_summary, name) }
const struct sv_summary_field sv_summary_fields[] = {
	FIELD(n), FIELD(mean), FIELD(sd), FIELD(min), FIELD(max), FIELD(range),
	FIELD(q1), FIELD(median), FIELD(q3), FIELD(iqr), FIELD(skew),
	FIELD(kurt), FIELD(iqm), FIELD(mad), { NULL, 0 }
};
#undef FIELD

double
sv_summary_get(const struct sv_summary *s, const struct sv_summary_field *f)
{
	const char *p = (const char *)s + f->off;
	double v;

	if (f->off == offsetof(struct sv_summary, n))
		return (double)s->n;
	memcpy(&v, p, sizeof v);
	return v;
}
