/* outliers.h - outlier tests over one sample: z, mad, tukey, grubbs, gesd,
 * tail (man/sv-outliers.1).  One table, sv_out_methods[], drives the
 * lookup, the --help text and the shell completion of sv-outliers. */
#ifndef SV_OUTLIERS_H
#define SV_OUTLIERS_H

#include <stddef.h>
#include <stdio.h>

/* Which side a value lies on; also the set of sides a test may flag. */
enum sv_out_side {
	SV_OUT_NONE = 0, /* not an outlier */
	SV_OUT_LOW = 1,
	SV_OUT_HIGH = 2,
	SV_OUT_BOTH = 3  /* as a request: either side; never a result */
};

/* Which options a method reads (sv_out_method.params). */
enum sv_out_param {
	SV_OUT_P_K = 1 << 0,      /* --k */
	SV_OUT_P_ALPHA = 1 << 1,  /* --alpha */
	SV_OUT_P_MAXOUT = 1 << 2, /* --max-outliers */
	SV_OUT_P_TAIL = 1 << 3    /* --top, --percentile */
};

struct sv_out_opts {
	double k;        /* z, mad, tukey: threshold >= 0; NaN: the default */
	double alpha;    /* grubbs, gesd: significance level, 0 < alpha < 1 */
	size_t max_out;  /* gesd: upper bound on the outliers; 0: n/10 */
	size_t top;      /* tail: this many from each requested side ... */
	double pct;      /* ... or, when top is 0, this percentage (0, 50] */
	unsigned side;   /* SV_OUT_LOW, SV_OUT_HIGH or SV_OUT_BOTH */
	FILE *trace;     /* grubbs, gesd: test statistics written here, or NULL */
};

/* A method sees n values, none NaN, n >= min_n; it fills score[n] and
 * side[n] (SV_OUT_NONE, SV_OUT_LOW or SV_OUT_HIGH).  Returns 0, or -1 with
 * a message in err. */
typedef int sv_out_fn(const double *x, size_t n, const struct sv_out_opts *o,
                      double *score, unsigned char *side, char *err,
                      size_t errsz);

struct sv_out_method {
	const char *name;
	const char *help;   /* one line: the rule */
	const char *score;  /* what the score column holds */
	unsigned params;    /* enum sv_out_param bits */
	double default_k;   /* for SV_OUT_P_K methods */
	size_t min_n;       /* fewest values the method accepts */
	sv_out_fn *fn;
};

extern const struct sv_out_method sv_out_methods[];
extern const size_t sv_out_nmethods;

/* The method called name, or NULL. */
const struct sv_out_method *sv_out_lookup(const char *name);

/* Run m over x[0..n-1]; NaN values (NA) are left out of the test and get
 * score NaN, side SV_OUT_NONE.  Scores that are not finite (a zero spread)
 * are stored as NaN.  Returns the number of outliers flagged, or -1 with
 * err set ("n = 4 values, gesd needs at least 10" and the like). */
long sv_out_run(const struct sv_out_method *m, const double *x, size_t n,
                const struct sv_out_opts *o, double *score,
                unsigned char *side, char *err, size_t errsz);

/* Critical value of Grubbs' test for n values:
 *   G = (n-1)/sqrt(n) * sqrt(t^2 / (n-2+t^2)),
 *   t = upper alpha/(2n) quantile of Student t with n-2 degrees of freedom
 *   (alpha/n when one-sided).  n >= 3. */
double sv_grubbs_crit(size_t n, double alpha, int two_sided);

/* Rosner's lambda_i of the generalized ESD test, i = 1..n-2:
 *   lambda_i = (n-i) t / sqrt((n-i-1+t^2)(n-i+1)),
 *   t = upper alpha/(2(n-i+1)) quantile of t with n-i-1 degrees of freedom
 *   (alpha/(n-i+1) when one-sided).  lambda_1 is the Grubbs value. */
double sv_gesd_lambda(size_t n, size_t i, double alpha, int two_sided);

/* "low", "high" or "none" */
const char *sv_out_side_name(unsigned side);

#endif
