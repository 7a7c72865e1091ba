/* claim.h - auditing a single-seed claim against a seed distribution, and
 * the expected best of n seeds */
#ifndef SV_CLAIM_H
#define SV_CLAIM_H

#include <stddef.h>

/* Where a claimed score x falls among N observed seeds. */
struct sv_claim {
	double percentile; /* 100 * (#{v < x} + 0.5 #{v == x}) / N */
	double p_single;   /* #{v >= x} / N: chance one seed reaches x */
	double seeds_50;   /* smallest n with 1-(1-p_single)^n >= 0.5 */
	double seeds_95;   /* same for 0.95; both NAN when p_single == 0,
	                      1 when p_single == 1 */
};

/* sorted ascending, n >= 1 (n == 0 or NaN x: every field NAN). */
void sv_claim_audit(const double *sorted, size_t n, double x,
                    struct sv_claim *out);

/* Expected maximum of n draws from the N observed scores sorted[0..N-1]
 * (ascending).  with_replacement (Dodge et al. 2019):
 *   sum_i v(i) [(i/N)^n - ((i-1)/N)^n]
 * without (Tang et al.): sum_i v(i) C(i-1,n-1)/C(N,n), weights in log
 * space with lgamma.  *sd (may be NULL) is the standard deviation of the
 * maximum under the same distribution.  NAN (and *sd NAN) when N == 0,
 * n == 0, or n > N without replacement. */
double sv_expected_best(const double *sorted, size_t N, size_t n,
                        int with_replacement, double *sd);

/* The verdict on claim x against n seeds (c from sv_claim_audit): no
 * seeds; above every seed (seed choice does not explain it); reached by a
 * typical seed (seeds_50 <= 1); else reached by the best of seeds_50 seeds
 * half the time (possible seed selection; the sentence holds a newline and
 * the indent of sv-stats' table).  Returns buf. */
const char *sv_claim_verdict(const struct sv_claim *c, size_t n, double x,
                             char *buf, size_t bufsz);

/* Whether claim x is on the scale of scores lo..hi (their min and max):
 * scores in 0..1 (fractions) and x in (1, 100], or scores above 1 and at
 * most 100 (percent, min >= 0) and x in (0, 1] with 100 x within the
 * scores' range widened by its width on each side, is a claim in the
 * other unit.  Returns 0 when x fits; else -1 with a message and the
 * claim in the scores' unit in buf ("the scores are fractions (0.862 to
 * 0.893) and the claim 88.9 is not: a percent? write --claim 0.889"). */
int sv_claim_scale(double x, double lo, double hi, char *buf, size_t n);

/* Parse a comma-separated list of seed counts for the expected best of n.
 * Grammar: N (',' N)*, each N an integer 1..10^9.  *out is allocated
 * here and owned by the caller.  Returns 0, or -1 with *bad pointing at
 * the offending text (a copy, owned by the caller). */
int sv_best_of_parse(const char *s, size_t **out, size_t *n, char **bad);

/* The default list 1, 2, 5, 10, 20, 50, ... up to upto (owned by the
 * caller), its length in *n. */
size_t *sv_best_of_default(size_t upto, size_t *n);

#endif
