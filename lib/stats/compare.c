/* compare.c - comparing two sets of seeds: A vs B
 *
 * Almost Stochastic Order, as in the deep-significance package's aso()
 * (Dror et al. 2019; del Barrio et al. 2018), with its defaults dt = 0.005
 * and 1000 scores drawn per bootstrap iteration:
 *   Q_X(p) = x_(clamp(ceil(n p), 1, n))        empirical quantile function
 *   eps_W2(A, B) = sum_k max(Q_B(p_k) - Q_A(p_k), 0)^2 dt
 *                / sum_k (Q_B(p_k) - Q_A(p_k))^2 dt,
 *                  p_k = k dt, k = 0 .. 199   (0 when the denominator is 0)
 *   each of `reps` iterations draws m = 1000 scores from A and from B (each
 *   uniform over the observed values) and computes eps*_W2;
 *   sigma = sd (population) of sqrt(m/2) (eps*_W2 - eps_W2);
 *   eps_min = clamp(eps_W2 + sigma Phi^-1(level) / sqrt(na nb/(na+nb)),
 *                   0, 1)
 * eps_min < 0.5 says A is better than B (the package's rule); < 0.2 is
 * the stricter threshold commonly used.  Only the random numbers differ
 * from the package (here: Philox, streams 3 and 4). */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "bootstrap.h"
#include "formats/json.h"
#include "spread.h"
#include "stats.h"
#include "base/util.h"

#define ASO_DT 0.005
#define ASO_STEPS 200     /* p = 0, dt, ..., 1 - dt */
#define ASO_SAMPLES 1000  /* scores drawn per bootstrap iteration */

/* bootstrap streams of sv_boot_indices */
enum { STREAM_DIFF_A = 1, STREAM_DIFF_B, STREAM_ASO_A, STREAM_ASO_B };

static double
aso_quantile(const double *s, size_t n, double p)
{
	double c = ceil((double)n * p);
	size_t i = c < 1 ? 0 : (size_t)c - 1;

	return s[i < n ? i : n - 1];
}

double
sv_violation_ratio(const double *sa, size_t na, const double *sb, size_t nb)
{
	double w2 = 0, viol = 0, sc = 1, m = 0;
	int e;

	if (na == 0 || nb == 0)
		return NAN;
	/* the ratio is scale free: scale by a power of two (exact) when the
	 * squares could overflow or underflow */
	for (int k = 0; k < ASO_STEPS; k++) {
		double p = k * ASO_DT;
		double d = aso_quantile(sb, nb, p) * 0.5 - aso_quantile(sa, na, p) * 0.5;
		m = fabs(d) > m ? fabs(d) : m;
	}
	if (m > 0x1p400 || (m > 0 && m < 0x1p-400)) {
		frexp(m, &e);
		sc = ldexp(0.5, -e); /* of the halved values: max |d sc| < 1 */
	}
	for (int k = 0; k < ASO_STEPS; k++) {
		double p = k * ASO_DT;
		double d = aso_quantile(sb, nb, p) - aso_quantile(sa, na, p);
		if (sc != 1)
			d = aso_quantile(sb, nb, p) * sc - aso_quantile(sa, na, p) * sc;
		w2 += d * d * ASO_DT;
		if (d > 0)
			viol += d * d * ASO_DT;
	}
	return w2 == 0 ? 0 : viol / w2;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* eps_min of sorted sa over sorted sb (see the top of this file) */
static double
aso_eps(const double *sa, size_t na, const double *sb, size_t nb,
        size_t reps, double level, uint64_t seed)
{
	double vr = sv_violation_ratio(sa, na, sb, nb);
	double *smp = sv_mallocarray(reps, sizeof *smp);
	double c1 = sqrt((double)na * nb / (na + nb));
	double c2 = sqrt(ASO_SAMPLES * (double)ASO_SAMPLES / (2 * ASO_SAMPLES));
	double mean = 0, var = 0, eps;

#pragma omp parallel
	{
		size_t *ia = sv_mallocarray(ASO_SAMPLES, sizeof *ia);
		size_t *ib = sv_mallocarray(ASO_SAMPLES, sizeof *ib);
		double *ra = sv_mallocarray(ASO_SAMPLES, sizeof *ra);
		double *rb = sv_mallocarray(ASO_SAMPLES, sizeof *rb);
#pragma omp for schedule(static)
		for (size_t b = 0; b < reps; b++) {
			sv_boot_indices(seed, STREAM_ASO_A, (uint32_t)b, na,
			                ASO_SAMPLES, ia);
			sv_boot_indices(seed, STREAM_ASO_B, (uint32_t)b, nb,
			                ASO_SAMPLES, ib);
			/* sorted data: sorted indices give sorted scores */
			qsort(ia, ASO_SAMPLES, sizeof *ia, cmp_size);
			qsort(ib, ASO_SAMPLES, sizeof *ib, cmp_size);
			for (size_t i = 0; i < ASO_SAMPLES; i++)
				ra[i] = sa[ia[i]], rb[i] = sb[ib[i]];
			smp[b] = sv_violation_ratio(ra, ASO_SAMPLES, rb,
			                            ASO_SAMPLES);
		}
		free(rb);
		free(ra);
		free(ib);
		free(ia);
	}
	for (size_t b = 0; b < reps; b++)
		mean += c2 * (smp[b] - vr);
	mean /= reps;
	for (size_t b = 0; b < reps; b++) {
		double d = c2 * (smp[b] - vr) - mean;
		var += d * d;
	}
	free(smp);
	eps = vr + sqrt(var / reps) * gsl_cdf_ugaussian_Pinv(level) / c1;
	return eps < 0 ? 0 : eps > 1 ? 1 : eps;
}

/* Neumaier's compensated sum: the difference of two close means over
 * 10^6 values keeps its digits */
struct ksum {
	double s, c;
};

static void
kadd(struct ksum *k, double v)
{
	double t = k->s + v;

	if (fabs(k->s) >= fabs(v))
		k->c += (k->s - t) + v;
	else
		k->c += (v - t) + k->s;
	k->s = t;
}

static double
mean_of(const double *x, size_t n, double sc)
{
	struct ksum k = { 0, 0 };

	for (size_t i = 0; i < n; i++)
		kadd(&k, x[i] * sc);
	return (k.s + k.c) / n;
}

static double
var_of(const double *x, size_t n, double sc, double m)
{
	struct ksum k = { 0, 0 };

	for (size_t i = 0; i < n; i++)
		kadd(&k, (x[i] * sc - m) * (x[i] * sc - m));
	return (k.s + k.c) / (n - 1);
}

/* Mann-Whitney U of a (pairs a > b, ties 1/2) and the two-sided p of the
 * normal approximation with tie and continuity corrections:
 *   z = (max(U, na nb - U) - na nb/2 - 1/2) / s,
 *   s^2 = na nb/12 ((N+1) - sum(t^3 - t)/(N(N-1))),  p = min(1, 2 Q(z)) */
static void
mann_whitney(const double *a, size_t na, const double *b, size_t nb,
             double *u, double *p)
{
	size_t n = na + nb, i, j;
	double *v = sv_mallocarray(n, sizeof *v), r1 = 0, ties = 0;
	size_t *ord = sv_mallocarray(n, sizeof *ord);

	memcpy(v, a, na * sizeof *v);
	memcpy(v + na, b, nb * sizeof *v);
	gsl_sort_index(ord, v, 1, n);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[ord[j]] == v[ord[i]]; j++)
			;
		double t = (double)(j - i), rank = (i + 1 + j) / 2.0;
		for (size_t k = i; k < j; k++)
			if (ord[k] < na)
				r1 += rank;
		ties += t * t * t - t;
	}
	free(ord);
	free(v);
	*u = r1 - (double)na * (na + 1) / 2;
	double nn = (double)n, mu = (double)na * nb / 2;
	double s = sqrt((double)na * nb / 12 * ((nn + 1) - ties / (nn * (nn - 1))));
	double um = *u > (double)na * nb - *u ? *u : (double)na * nb - *u;
	if (!(s > 0)) {
		*p = NAN;
		return;
	}
	*p = 2 * gsl_cdf_ugaussian_Q((um - mu - 0.5) / s);
	if (*p > 1)
		*p = 1;
}

static int
finite_all(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

double
sv_power80_n(double d)
{
	double z = gsl_cdf_ugaussian_Pinv(0.975) + gsl_cdf_ugaussian_Pinv(0.8);
	double n;

	if (!(fabs(d) > 0) || !isfinite(d))
		return NAN;
	n = ceil(2 * (z / d) * (z / d));
	return n < 2 ? 2 : n;
}

int
sv_compare(const double *a, size_t na, const double *b, size_t nb,
           size_t reps, double level, uint64_t rng_seed,
           struct sv_compare *out)
{
	double sc, ma, mb, va, vb, se2, sp;
	double *sa, *sb, *t;

	out->diff = out->diff_lo = out->diff_hi = NAN;
	out->welch_t = out->welch_df = out->welch_p = NAN;
	out->mw_u = out->mw_p = out->p_a_gt_b = NAN;
	out->cohen_d = out->aso_eps = out->n_power80 = NAN;
	out->bf_w = out->bf_df1 = out->bf_df2 = out->bf_p = NAN;
	out->sd_ratio = out->sd_ratio_lo = out->sd_ratio_hi = NAN;
	if (na < 2 || nb < 2)
		return SV_CMP_ESMALL;
	if (reps < 2 || reps > UINT32_MAX)
		return SV_CMP_EREPS;
	if (!(level > 0 && level < 1))
		return SV_CMP_ELEVEL;
	if (!finite_all(a, na) || !finite_all(b, nb))
		return SV_CMP_ENAN;

	/* moments on data scaled by a power of two (exact) */
	sc = sv_pow2_scale(a, na);
	if (sv_pow2_scale(b, nb) < sc)
		sc = sv_pow2_scale(b, nb);
	ma = mean_of(a, na, sc);
	mb = mean_of(b, nb, sc);
	va = var_of(a, na, sc, ma);
	vb = var_of(b, nb, sc, mb);
	out->diff = (ma - mb) / sc;

	/* Welch */
	se2 = va / na + vb / nb;
	if (se2 > 0) {
		double qa = va / na, qb = vb / nb;
		out->welch_t = (ma - mb) / sqrt(se2);
		out->welch_df = se2 * se2 /
		                (qa * qa / (na - 1) + qb * qb / (nb - 1));
		out->welch_p = 2 * gsl_cdf_tdist_Q(fabs(out->welch_t),
		                                   out->welch_df);
	}

	/* Cohen's d, pooled sd */
	sp = sqrt(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2));
	if (sp > 0) {
		out->cohen_d = (ma - mb) / sp;
		out->n_power80 = sv_power80_n(out->cohen_d);
	}

	/* Mann-Whitney, P(A > B) */
	mann_whitney(a, na, b, nb, &out->mw_u, &out->mw_p);
	out->p_a_gt_b = out->mw_u / ((double)na * nb);

	/* bootstrap percentile CI of the difference of means */
	t = sv_mallocarray(reps, sizeof *t);
#pragma omp parallel
	{
		size_t *ia = sv_mallocarray(na, sizeof *ia);
		size_t *ib = sv_mallocarray(nb, sizeof *ib);
#pragma omp for schedule(static)
		for (size_t r = 0; r < reps; r++) {
			double s1 = 0, s2 = 0;
			sv_boot_indices(rng_seed, STREAM_DIFF_A, (uint32_t)r, na, na, ia);
			sv_boot_indices(rng_seed, STREAM_DIFF_B, (uint32_t)r, nb, nb, ib);
			for (size_t i = 0; i < na; i++)
				s1 += a[ia[i]] * sc;
			for (size_t i = 0; i < nb; i++)
				s2 += b[ib[i]] * sc;
			t[r] = (s1 / na - s2 / nb) / sc;
		}
		free(ib);
		free(ia);
	}
	gsl_sort(t, 1, reps);
	out->diff_lo = gsl_stats_quantile_from_sorted_data(t, 1, reps, (1 - level) / 2);
	out->diff_hi = gsl_stats_quantile_from_sorted_data(t, 1, reps, (1 + level) / 2);
	free(t);

	/* ASO on sorted copies */
	sa = sv_mallocarray(na, sizeof *sa);
	sb = sv_mallocarray(nb, sizeof *sb);
	memcpy(sa, a, na * sizeof *sa);
	memcpy(sb, b, nb * sizeof *sb);
	gsl_sort(sa, 1, na);
	gsl_sort(sb, 1, nb);
	out->aso_eps = aso_eps(sa, na, sb, nb, reps, level, rng_seed);
	free(sb);
	free(sa);

	/* equal spread */
	{
		const double *x[2] = { a, b };
		size_t n[2] = { na, nb };

		sv_brown_forsythe(x, n, 2, &out->bf_w, &out->bf_df1,
		                  &out->bf_df2, &out->bf_p);
	}
	sv_sd_ratio(a, na, b, nb, reps, level, rng_seed, &out->sd_ratio,
	            &out->sd_ratio_lo, &out->sd_ratio_hi);
	return 0;
}

const char *
sv_compare_verdict(const struct sv_compare *c, const char *a, size_t na,
                   const char *b, size_t nb, double level, char *buf,
                   size_t bufsz)
{
	if (na < SV_CMP_MIN_SEEDS || nb < SV_CMP_MIN_SEEDS)
		snprintf(buf, bufsz, "too few seeds (fewer than %d in a group) "
		         "to say anything", SV_CMP_MIN_SEEDS);
	else if (c->welch_p < 1 - level &&
	         !(c->diff_lo <= 0 && c->diff_hi >= 0))
		snprintf(buf, bufsz, "%s is %s than %s (Welch p %.3g, "
		         "%g%% CI of the difference excludes 0)%s",
		         a, c->diff > 0 ? "higher" : "lower", b, c->welch_p,
		         100 * level, c->aso_eps < 0.2 || c->aso_eps > 0.8
		             ? "" : "; ASO does not confirm a stochastic order");
	else
		snprintf(buf, bufsz, "no clear difference between %s and %s "
		         "(Welch p %.3g); about %.0f seeds per group would "
		         "detect a difference this size 80%% of the time", a, b,
		         c->welch_p, c->n_power80);
	return buf;
}

void
sv_compare_json(const struct sv_compare *c, const char *a, const char *b,
                int too_few, const char *text, struct sv_buf *out)
{
	sv_buf_puts(out, "{\"compare\": [");
	sv_json_str(out, a);
	sv_buf_puts(out, ", ");
	sv_json_str(out, b);
	sv_buf_puts(out, "]");
	if (!c) {
		sv_json_key(out, "error");
		sv_json_str(out, text);
		sv_buf_puts(out, "}\n");
		return;
	}
	sv_json_kv(out, "diff", c->diff);
	sv_json_pair(out, "diff_ci", c->diff_lo, c->diff_hi);
	sv_json_kv(out, "welch_t", c->welch_t);
	sv_json_kv(out, "welch_df", c->welch_df);
	sv_json_kv(out, "welch_p", c->welch_p);
	sv_json_kv(out, "mw_u", c->mw_u);
	sv_json_kv(out, "mw_p", c->mw_p);
	sv_json_kv(out, "p_a_gt_b", c->p_a_gt_b);
	sv_json_kv(out, "cohen_d", c->cohen_d);
	sv_json_kv(out, "aso_eps", c->aso_eps);
	sv_json_kv(out, "n_power80", c->n_power80);
	sv_json_kv(out, "bf_w", c->bf_w);
	sv_json_kv(out, "bf_df1", c->bf_df1);
	sv_json_kv(out, "bf_df2", c->bf_df2);
	sv_json_kv(out, "bf_p", c->bf_p);
	sv_json_kv(out, "sd_ratio", c->sd_ratio);
	sv_json_pair(out, "sd_ratio_ci", c->sd_ratio_lo, c->sd_ratio_hi);
	sv_json_key(out, "too_few_seeds");
	sv_buf_puts(out, too_few ? "true" : "false");
	sv_json_key(out, "verdict");
	sv_json_str(out, text);
	sv_buf_puts(out, "}\n");
}

const char *
sv_compare_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case SV_CMP_ESMALL:
		return "each group needs at least 2 values";
	case SV_CMP_EREPS:
		return "bootstrap repetitions out of range 2..4294967295";
	case SV_CMP_ELEVEL:
		return "confidence level not between 0 and 1";
	case SV_CMP_ENAN:
		return "value is not finite";
	}
	return "unknown comparison error";
}

void
sv_compare_text(const struct sv_compare *c, const char *a, size_t na,
                const char *b, size_t nb, double level, const char *verdict,
                struct sv_buf *out)
{
	int pad = 16 - (int)strlen(a) - (int)strlen(b);

	sv_buf_printf(out, "\nComparison: %s - %s (%zu vs %zu seeds)\n", a, b,
	              na, nb);
	sv_buf_printf(out, "  difference of means   %.6g  (%g%% CI %.6g..%.6g)\n",
	              c->diff, 100 * level, c->diff_lo, c->diff_hi);
	sv_buf_printf(out, "  Welch t               %.4g  (df %.4g, p %.4g)\n",
	              c->welch_t, c->welch_df, c->welch_p);
	sv_buf_printf(out, "  Mann-Whitney U        %.6g  (p %.4g)\n", c->mw_u,
	              c->mw_p);
	sv_buf_printf(out, "  P(%s > %s)%*s%.4g\n", a, b, pad > 1 ? pad : 1, "",
	              c->p_a_gt_b);
	sv_buf_printf(out, "  Cohen's d             %.4g\n", c->cohen_d);
	sv_buf_printf(out, "  ASO eps_min           %.4g  (%s%s%s)\n",
	              c->aso_eps,
	              c->aso_eps < 0.2 ? a : "below 0.2 would mean ",
	              c->aso_eps < 0.2 ? " almost stochastically dominates "
	                               : "almost stochastic dominance",
	              c->aso_eps < 0.2 ? b : "");
	sv_buf_printf(out, "  seeds for 80%% power   %.6g per group\n",
	              c->n_power80);
	sv_buf_printf(out, "  equal spread          Brown-Forsythe W %.4g, "
	              "p %.4g; sd ratio %.4g", c->bf_w, c->bf_p, c->sd_ratio);
	if (!isnan(c->sd_ratio_lo))
		sv_buf_printf(out, " (%g%% CI %.4g..%.4g)", 100 * level,
		              c->sd_ratio_lo, c->sd_ratio_hi);
	sv_buf_puts(out, "\n");
	sv_buf_printf(out, "  verdict: %s\n", verdict);
	if (na < SV_CMP_MIN_SEEDS || nb < SV_CMP_MIN_SEEDS)
		sv_buf_puts(out, "  warning: fewer than 5 seeds in a group\n");
}
