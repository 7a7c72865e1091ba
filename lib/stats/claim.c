/* claim.c - auditing a single-seed claim against a seed distribution, and
 * the expected best of n seeds */
#include "claim.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* first index with sorted[i] >= x (strict: > x) in sorted[0..n-1] */
static size_t
bound(const double *sorted, size_t n, double x, int strict)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strict ? sorted[mid] <= x : sorted[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* smallest k >= 1 with 1 - (1-p)^k >= q, i.e. (1-p)^k <= 1-q; p in (0,1] */
static double
seeds_needed(double p, double q)
{
	double k;

	if (p >= 1)
		return 1;
	k = ceil(log1p(-q) / log1p(-p));
	if (k < 1)
		k = 1;
	/* the logarithms may be off by an ulp at an exact boundary */
	while (k > 1 && pow(1 - p, k - 1) <= 1 - q)
		k--;
	while (pow(1 - p, k) > 1 - q)
		k++;
	return k;
}

/* Ties: a seed equal to x counts half below, half above, so a claim equal
 * to every seed sits at the 50th percentile; p_single counts ties as
 * reaching the claim (>=). */
void
sv_claim_audit(const double *sorted, size_t n, double x, struct sv_claim *out)
{
	size_t below, upto;

	out->percentile = out->p_single = out->seeds_50 = out->seeds_95 = NAN;
	if (n == 0 || isnan(x))
		return;
	below = bound(sorted, n, x, 0);
	upto = bound(sorted, n, x, 1);
	out->percentile = 100.0 * (below + 0.5 * (upto - below)) / n;
	out->p_single = (double)(n - below) / n;
	if (out->p_single > 0) {
		out->seeds_50 = seeds_needed(out->p_single, 0.5);
		out->seeds_95 = seeds_needed(out->p_single, 0.95);
	}
}

/* Weights w[i] (i = 0..N-1, value sorted[i] of rank i+1) of the maximum
 * of n draws: P(max = v(i+1)).  With replacement
 * ((i+1)/N)^n - (i/N)^n; without, C(i, n-1)/C(N, n), by the downward
 * recurrence w(N) = n/N, w(i-1) = w(i) (i-n)/(i-1) on 1-based ranks. */
static double
weight(size_t N, size_t n, int repl, size_t i, double *prev)
{
	if (repl) /* b^n (exp(n log(a/b)) - 1): no cancellation */
		return i == 0 ? pow(1.0 / N, (double)n)
		              : pow((double)i / N, (double)n) *
		                expm1((double)n * log1p(1.0 / i));
	/* called for i = N-1 down to 0; *prev holds w of rank i+2 */
	size_t r = i + 1; /* 1-based rank */
	if (r == N)
		*prev = (double)n / N;
	else if (r + 1 > n)
		*prev *= (double)(r + 1 - n) / r;
	else
		*prev = 0;
	return r < n ? 0 : *prev;
}

double
sv_expected_best(const double *sorted, size_t N, size_t n,
                 int with_replacement, double *sd)
{
	double mu = 0, var = 0, prev = 0;

	if (sd)
		*sd = NAN;
	if (N == 0 || n == 0 || (!with_replacement && n > N))
		return NAN;
	for (size_t k = N; k-- > 0;) {
		double w = weight(N, n, with_replacement, k, &prev);
		mu += w * sorted[k];
	}
	if (sd) {
		double sc = sv_pow2_scale(sorted, N);
		prev = 0;
		for (size_t k = N; k-- > 0;) {
			double w = weight(N, n, with_replacement, k, &prev);
			double d = sorted[k] * sc - mu * sc;
			if (w > 0)
				var += w * d * d;
		}
		*sd = sqrt(var) / sc;
	}
	return mu;
}

const char *
sv_claim_verdict(const struct sv_claim *c, size_t n, double x, char *buf,
                 size_t bufsz)
{
	if (n == 0)
		snprintf(buf, bufsz, "no seeds to compare with");
	else if (isnan(c->seeds_50))
		snprintf(buf, bufsz, "%.6g is above all %zu seeds: seed choice "
		         "alone does not explain it", x, n);
	else if (c->seeds_50 <= 1)
		snprintf(buf, bufsz, "%.6g is reached by a typical seed (%.3g%% "
		         "of seeds reach it)", x, 100 * c->p_single);
	else
		snprintf(buf, bufsz, "the best of %.0f seeds reaches %.6g half "
		         "the time;\n           a single-run claim this high may "
		         "be seed selection", c->seeds_50, x);
	return buf;
}

/* the grammar and ownership are stated in claim.h */
int
sv_best_of_parse(const char *s, size_t **out, size_t *n, char **bad)
{
	char *copy = sv_strdup(s), *tok, *save = NULL;
	size_t cap = 8;

	*out = sv_mallocarray(cap, sizeof **out);
	*n = 0;
	*bad = NULL;
	if (!*s || *s == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,")) {
		*bad = copy;
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		const char *e;
		uint64_t v = sv_parse_u64(tok, 1, 1000000000, &e);

		if (e) {
			*bad = sv_strdup(tok);
			free(copy);
			return -1;
		}
		if (*n == cap)
			*out = sv_realloc(*out, (cap *= 2) * sizeof **out);
		(*out)[(*n)++] = (size_t)v;
	}
	free(copy);
	return 0;
}

size_t *
sv_best_of_default(size_t upto, size_t *n)
{
	static const size_t m[3] = { 1, 2, 5 };
	size_t cap = 64, *b = sv_mallocarray(cap, sizeof *b);

	*n = 0;
	for (size_t p = 1; p <= 1000000000; p *= 10)
		for (int i = 0; i < 3; i++)
			if (*n < cap && m[i] * p <= upto)
				b[(*n)++] = m[i] * p;
	return b;
}

int
sv_claim_scale(double x, double lo, double hi, char *buf, size_t n)
{
	double w = hi - lo;

	if (lo >= 0 && hi <= 1 && x > 1 && x <= 100) {
		snprintf(buf, n, "the scores are fractions (%.6g to %.6g) and "
		         "the claim %.6g is not: a percent? write --claim %.6g",
		         lo, hi, x, x / 100);
		return -1;
	}
	if (lo >= 0 && hi > 1 && hi <= 100 && x > 0 && x <= 1 &&
	    100 * x >= lo - w && 100 * x <= hi + w) {
		snprintf(buf, n, "the scores are percent (%.6g to %.6g) and "
		         "the claim %.6g is not: a fraction? write --claim %.6g",
		         lo, hi, x, x * 100);
		return -1;
	}
	return 0;
}
