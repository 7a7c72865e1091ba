/* outliers.c - outlier tests over one sample (man/sv-outliers.1) */
#include "outliers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "base/util.h"

/* sqrt(pi/2): E|X - mu| = sigma / 1.2533 for a normal X */
#define MEANAD_SCALE 1.2533141373155002512

static unsigned char
flag(double score, double k, unsigned want)
{
	if (score > k && (want & SV_OUT_HIGH))
		return SV_OUT_HIGH;
	if (score < -k && (want & SV_OUT_LOW))
		return SV_OUT_LOW;
	return SV_OUT_NONE;
}

/* A sorted copy of x[0..n-1]; the caller frees it. */
static double *
sorted_copy(const double *x, size_t n)
{
	double *s = sv_mallocarray(n, sizeof *s);

	memcpy(s, x, n * sizeof *s);
	gsl_sort(s, 1, n);
	return s;
}

/* mean and sample sd (n-1) of the x[i] with keep[i] (all when keep is
 * NULL); two passes. */
static void
mean_sd(const double *x, const unsigned char *keep, size_t n, double *mean,
        double *sd)
{
	double sum = 0, ss = 0;
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (!keep || keep[i])
			sum += x[i], m++;
	*mean = sum / (double)m;
	for (size_t i = 0; i < n; i++)
		if (!keep || keep[i])
			ss += (x[i] - *mean) * (x[i] - *mean);
	*sd = m > 1 ? sqrt(ss / (double)(m - 1)) : 0;
}

/* z = (x - mean)/sd, sample sd; |z| > k (default 3) */
static int
m_z(const double *x, size_t n, const struct sv_out_opts *o, double *score,
    unsigned char *side, char *err, size_t errsz)
{
	double mean, sd;

	(void)err, (void)errsz;
	mean_sd(x, NULL, n, &mean, &sd);
	for (size_t i = 0; i < n; i++) {
		score[i] = sd > 0 ? (x[i] - mean) / sd : 0;
		side[i] = flag(score[i], o->k, o->side);
	}
	return 0;
}

/* M = 0.6745 (x - med) / MADraw (Iglewicz-Hoaglin); |M| > k (default
 * 3.5).  When MADraw is 0 (more than half the values tie) the scale is
 * 1.2533 * mean |x - med| instead; when that is 0 too, every value equals
 * the median and scores 0. */
static int
m_mad(const double *x, size_t n, const struct sv_out_opts *o, double *score,
      unsigned char *side, char *err, size_t errsz)
{
	double *s = sorted_copy(x, n), med, mad, scale = 0, sumad = 0;

	(void)err, (void)errsz;
	med = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.5);
	for (size_t i = 0; i < n; i++) {
		s[i] = fabs(x[i] - med);
		sumad += s[i];
	}
	gsl_sort(s, 1, n);
	mad = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.5);
	free(s);
	if (mad > 0)
		scale = mad / 0.6745;
	else if (sumad > 0)
		scale = MEANAD_SCALE * (sumad / (double)n);
	for (size_t i = 0; i < n; i++) {
		score[i] = scale > 0 ? (x[i] - med) / scale : 0;
		side[i] = flag(score[i], o->k, o->side);
	}
	return 0;
}

/* Tukey's fences Q1 - k IQR, Q3 + k IQR (type 7 quartiles, k 1.5; 3 for
 * "far out").  Score: (x - Q3)/IQR above Q3, (x - Q1)/IQR below Q1, 0
 * between; with IQR 0 a value outside [Q1, Q3] scores NaN. */
static int
m_tukey(const double *x, size_t n, const struct sv_out_opts *o,
        double *score, unsigned char *side, char *err, size_t errsz)
{
	double *s = sorted_copy(x, n), q1, q3, iqr, lo, hi;

	(void)err, (void)errsz;
	q1 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.25);
	q3 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.75);
	free(s);
	iqr = q3 - q1;
	lo = q1 - o->k * iqr;
	hi = q3 + o->k * iqr;
	for (size_t i = 0; i < n; i++) {
		side[i] = SV_OUT_NONE;
		if (x[i] > q3)
			score[i] = (x[i] - q3) / iqr;
		else if (x[i] < q1)
			score[i] = (x[i] - q1) / iqr;
		else
			score[i] = 0;
		if (x[i] > hi && (o->side & SV_OUT_HIGH))
			side[i] = SV_OUT_HIGH;
		else if (x[i] < lo && (o->side & SV_OUT_LOW))
			side[i] = SV_OUT_LOW;
	}
	return 0;
}

double
sv_gesd_lambda(size_t n, size_t i, double alpha, int two_sided)
{
	double m = (double)(n - i + 1); /* values left at step i */
	double df = (double)(n - i - 1);
	double p = alpha / (two_sided ? 2 * m : m);
	double t = gsl_cdf_tdist_Qinv(p, df);

	return (double)(n - i) * t / sqrt((df + t * t) * m);
}

double
sv_grubbs_crit(size_t n, double alpha, int two_sided)
{
	return sv_gesd_lambda(n, 1, alpha, two_sided);
}

/* The most extreme kept value for the requested side: index of the
 * largest |x - mean| (two-sided), x - mean (high) or mean - x (low); ties
 * go to the first in input order.  *dev gets the signed deviation. */
static size_t
extreme(const double *x, const unsigned char *keep, size_t n, double mean,
        unsigned want, double *dev)
{
	size_t best = n;
	double bd = -1;

	for (size_t i = 0; i < n; i++) {
		double d;

		if (keep && !keep[i])
			continue;
		d = want == SV_OUT_HIGH ? x[i] - mean
		  : want == SV_OUT_LOW ? mean - x[i] : fabs(x[i] - mean);
		if (best == n || d > bd)
			best = i, bd = d;
	}
	*dev = x[best] - mean;
	return best;
}

/* Grubbs' test for one outlier: G = max |x - mean| / sd (max (x - mean)
 * or max (mean - x) one-sided) against sv_grubbs_crit.  Scores are the
 * z-scores of the whole sample; at most one value (the extreme, first in
 * input order among ties) is flagged. */
static int
m_grubbs(const double *x, size_t n, const struct sv_out_opts *o,
         double *score, unsigned char *side, char *err, size_t errsz)
{
	double mean, sd, dev, g, crit;
	int two = o->side == SV_OUT_BOTH;
	size_t at;

	(void)err, (void)errsz;
	mean_sd(x, NULL, n, &mean, &sd);
	for (size_t i = 0; i < n; i++) {
		score[i] = sd > 0 ? (x[i] - mean) / sd : 0;
		side[i] = SV_OUT_NONE;
	}
	at = extreme(x, NULL, n, mean, o->side, &dev);
	g = sd > 0 ? fabs(dev) / sd : 0;
	if (o->side != SV_OUT_BOTH && (dev > 0) != (o->side == SV_OUT_HIGH))
		g = 0; /* the extreme lies on the other side */
	crit = sv_grubbs_crit(n, o->alpha, two);
	if (o->trace)
		fprintf(o->trace, "grubbs: n %zu, G %.6f, critical %.6f "
		        "(alpha %g, %s)\n", n, g, crit, o->alpha,
		        two ? "two-sided" : "one-sided");
	if (g > crit)
		side[at] = dev > 0 ? SV_OUT_HIGH : SV_OUT_LOW;
	return 0;
}

struct ranked {
	double v;
	size_t i;
};

static int
by_value_up(const void *a, const void *b)
{
	const struct ranked *p = a, *q = b;

	if (p->v != q->v)
		return p->v < q->v ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

/* Rosner's generalized ESD: for i = 1..k remove the most extreme value
 * (as Grubbs, ties to the first in input order), R_i = |x - mean|/sd of
 * the values left before removing it; the outliers are the first r
 * removed, r the largest i with R_i > lambda_i.  Scores are z-scores
 * against the mean and sd of the values kept (the inliers).
 * The most extreme value is always the lowest or the highest left, so the
 * values are sorted once (by value, then input order) and taken from the
 * ends; the moments are downdated in long double around the median:
 * O(n log n + k), not O(n k). */
static int
m_gesd(const double *x, size_t n, const struct sv_out_opts *o, double *score,
       unsigned char *side, char *err, size_t errsz)
{
	size_t k = o->max_out ? o->max_out : n / 10, r = 0, lo = 0, hi = n;
	int two = o->side == SV_OUT_BOTH;
	struct ranked *a;
	unsigned char *keep;
	size_t *gone;
	double mean, sd, c;
	long double s1 = 0, s2 = 0;

	if (k < 1 || k > n - 2) {
		snprintf(err, errsz, "gesd: --max-outliers %zu with n = %zu "
		         "values: it must be 1..n-2", k, n);
		return -1;
	}
	a = sv_mallocarray(n, sizeof *a);
	for (size_t i = 0; i < n; i++)
		a[i].v = x[i], a[i].i = i;
	qsort(a, n, sizeof *a, by_value_up);
	c = a[n / 2].v;
	for (size_t i = 0; i < n; i++) {
		long double d = (long double)a[i].v - c;

		s1 += d, s2 += d * d;
	}
	gone = sv_mallocarray(k, sizeof *gone);
	for (size_t i = 1; i <= k; i++) {
		long double m = (long double)(hi - lo), var;
		double dlo, dhi, dev, rstat, lambda;
		size_t top = hi - 1, at;
		int take_low;

		while (top > lo && a[top - 1].v == a[hi - 1].v)
			top--; /* the first in input order of the highest */
		mean = (double)(c + s1 / m);
		var = (s2 - s1 * s1 / m) / (m - 1);
		sd = var > 0 ? (double)sqrtl(var) : 0;
		dlo = mean - a[lo].v;
		dhi = a[top].v - mean;
		if (o->side == SV_OUT_LOW)
			take_low = 1;
		else if (o->side == SV_OUT_HIGH)
			take_low = 0;
		else
			take_low = dlo > dhi || (dlo == dhi && a[lo].i < a[top].i);
		at = take_low ? lo : top;
		dev = a[at].v - mean;
		rstat = sd > 0 ? fabs(dev) / sd : 0;
		if (!two && (dev > 0) != (o->side == SV_OUT_HIGH))
			rstat = 0;
		lambda = sv_gesd_lambda(n, i, o->alpha, two);
		if (o->trace)
			fprintf(o->trace, "gesd: i %zu, n %zu, R %.6f, lambda "
			        "%.6f%s\n", i, n, rstat, lambda,
			        rstat > lambda ? " *" : "");
		if (rstat > lambda)
			r = i;
		gone[i - 1] = a[at].i;
		{
			long double d = (long double)a[at].v - c;

			s1 -= d, s2 -= d * d;
		}
		if (take_low) {
			lo++;
		} else {
			memmove(a + top, a + top + 1,
			        (hi - top - 1) * sizeof *a);
			hi--;
		}
	}
	free(a);
	keep = sv_malloc(n);
	memset(keep, 1, n);
	for (size_t i = 0; i < r; i++)
		keep[gone[i]] = 0;
	mean_sd(x, keep, n, &mean, &sd);
	for (size_t i = 0; i < n; i++) {
		score[i] = (x[i] - mean) / sd; /* NaN/inf when sd is 0 */
		side[i] = keep[i] ? SV_OUT_NONE
		        : x[i] > mean ? SV_OUT_HIGH : SV_OUT_LOW;
	}
	if (o->trace)
		fprintf(o->trace, "gesd: %zu outlier%s of at most %zu (alpha "
		        "%g, %s)\n", r, r == 1 ? "" : "s", k, o->alpha,
		        two ? "two-sided" : "one-sided");
	free(gone);
	free(keep);
	return 0;
}

static int
by_value_down(const void *a, const void *b)
{
	const struct ranked *p = a, *q = b;

	if (p->v != q->v)
		return p->v > q->v ? -1 : 1;
	return p->i < q->i ? -1 : p->i > q->i;
}

/* The tails: the top values (--top k: the k highest and/or lowest, ties
 * to the first in input order; a value already in the low tail is not
 * taken again for the high one) or a percentage (--percentile p: above
 * the (100-p)th / below the pth type 7 percentile).  Score: the average
 * rank, 1 = lowest (ties share the mean of their ranks). */
static int
m_tail(const double *x, size_t n, const struct sv_out_opts *o, double *score,
       unsigned char *side, char *err, size_t errsz)
{
	struct ranked *a = sv_mallocarray(n, sizeof *a);
	size_t nside = o->side == SV_OUT_BOTH ? 2 : 1;

	if (o->top && o->top * nside > n) {
		snprintf(err, errsz, "tail: --top %zu on %s needs at least %zu "
		         "values, there are %zu", o->top,
		         nside == 2 ? "both sides" : "one side",
		         o->top * nside, n);
		free(a);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		a[i].v = x[i], a[i].i = i, side[i] = SV_OUT_NONE;
	qsort(a, n, sizeof *a, by_value_up);
	for (size_t j = 0; j < n;) {
		size_t e = j;

		while (e < n && a[e].v == a[j].v)
			e++;
		for (size_t t = j; t < e; t++)
			score[a[t].i] = (double)(j + 1 + e) / 2;
		j = e;
	}
	if (o->top) {
		if (o->side & SV_OUT_LOW)
			for (size_t j = 0; j < o->top; j++)
				side[a[j].i] = SV_OUT_LOW;
		if (o->side & SV_OUT_HIGH) {
			size_t got = 0;

			/* ties may span both tails: a value already low
			 * stays low */
			qsort(a, n, sizeof *a, by_value_down);
			for (size_t j = 0; j < n && got < o->top; j++)
				if (side[a[j].i] == SV_OUT_NONE)
					side[a[j].i] = SV_OUT_HIGH, got++;
		}
	} else {
		double *s = sorted_copy(x, n);
		double lo = gsl_stats_quantile_from_sorted_data(s, 1, n,
		                                                o->pct / 100);
		double hi = gsl_stats_quantile_from_sorted_data(s, 1, n,
		                                                1 - o->pct / 100);

		free(s);
		for (size_t i = 0; i < n; i++) {
			if (x[i] < lo && (o->side & SV_OUT_LOW))
				side[i] = SV_OUT_LOW;
			else if (x[i] > hi && (o->side & SV_OUT_HIGH))
				side[i] = SV_OUT_HIGH;
		}
	}
	free(a);
	return 0;
}

const struct sv_out_method sv_out_methods[] = {
	{ "mad", "modified z-score 0.6745 (x - median) / MADraw, |M| > k "
	  "(Iglewicz-Hoaglin)", "M", SV_OUT_P_K, 3.5, 3, m_mad },
	{ "z", "z-score (x - mean) / sd, |z| > k", "z", SV_OUT_P_K, 3, 3, m_z },
	{ "tukey", "Tukey's fences Q1 - k IQR, Q3 + k IQR (k 3: far out)",
	  "distance beyond the quartile in IQRs", SV_OUT_P_K, 1.5, 4,
	  m_tukey },
	{ "grubbs", "Grubbs' test for the one most extreme value",
	  "z (the extreme's is G)", SV_OUT_P_ALPHA, 0, 3, m_grubbs },
	{ "gesd", "Rosner's generalized ESD test for up to --max-outliers "
	  "values", "z against the inliers", SV_OUT_P_ALPHA | SV_OUT_P_MAXOUT,
	  0, 10, m_gesd },
	{ "tail", "the --top k or --percentile p highest and lowest values",
	  "rank, 1 = lowest", SV_OUT_P_TAIL, 0, 2, m_tail },
};
const size_t sv_out_nmethods = sizeof sv_out_methods / sizeof sv_out_methods[0];

const struct sv_out_method *
sv_out_lookup(const char *name)
{
	for (size_t i = 0; i < sv_out_nmethods; i++)
		if (strcmp(sv_out_methods[i].name, name) == 0)
			return &sv_out_methods[i];
	return NULL;
}

const char *
sv_out_side_name(unsigned side)
{
	return side == SV_OUT_LOW ? "low" : side == SV_OUT_HIGH ? "high"
	     : "none";
}

long
sv_out_run(const struct sv_out_method *m, const double *x, size_t n,
           const struct sv_out_opts *o, double *score, unsigned char *side,
           char *err, size_t errsz)
{
	struct sv_out_opts eff = *o;
	double *v, *sc;
	unsigned char *sd;
	size_t nv = 0, j = 0;
	long found = 0;

	if (!(eff.side & SV_OUT_BOTH))
		eff.side = SV_OUT_BOTH;
	if (isnan(eff.k))
		eff.k = m->default_k;
	for (size_t i = 0; i < n; i++)
		nv += !isnan(x[i]);
	if (nv < m->min_n) {
		snprintf(err, errsz, "n = %zu value%s, %s needs at least %zu",
		         nv, nv == 1 ? "" : "s", m->name, m->min_n);
		return -1;
	}
	v = sv_mallocarray(nv, sizeof *v);
	sc = sv_mallocarray(nv, sizeof *sc);
	sd = sv_malloc(nv);
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			v[j++] = x[i];
	if (m->fn(v, nv, &eff, sc, sd, err, errsz) < 0) {
		found = -1;
		goto out;
	}
	for (size_t i = 0, jj = 0; i < n; i++) {
		if (isnan(x[i])) {
			score[i] = NAN;
			side[i] = SV_OUT_NONE;
			continue;
		}
		score[i] = isfinite(sc[jj]) ? sc[jj] : NAN;
		side[i] = sd[jj++];
		found += side[i] != SV_OUT_NONE;
	}
out:
	free(v);
	free(sc);
	free(sd);
	return found;
}
