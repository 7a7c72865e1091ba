/* report.h - everything sv-stats says about one group of seeds: the
 * summary, the test-set noise floor, bootstrap intervals, normality tests
 * and the claim audit */
#ifndef SV_REPORT_H
#define SV_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "bootstrap.h"
#include "claim.h"
#include "group.h"
#include "plot.h"
#include "stats.h"
#include "base/util.h"

/* What to compute. */
struct sv_report_opts {
	int ci, normality;       /* bootstrap intervals; normality tests */
	size_t reps;             /* bootstrap resamples */
	double level;            /* confidence level */
	uint64_t rng_seed;       /* bootstrap seed */
	double claim;            /* the claimed score, or NAN for no audit */
	const size_t *best_of;   /* n of the expected best of n seeds */
	size_t nbest;
	double test_size;        /* test-set size, 0: the group's 'total' */
};

/* The statistics --ci bootstraps, in this order. */
#define SV_REPORT_NCI 4
extern const char *const sv_report_ci_name[SV_REPORT_NCI];

struct sv_report {
	const struct sv_group *g;
	double *x;  /* sorted values (the last epoch when epochs exist) */
	size_t n;
	struct sv_summary s;
	double test_se, test_size; /* binomial noise floor; NAN, 0: none */
	/* ci: percentile and BCa, for mean, median, sd, iqm */
	struct sv_ci pct[SV_REPORT_NCI], bca[SV_REPORT_NCI];
	const char *ci_err;
	/* normality: Shapiro-Wilk, Anderson-Darling, D'Agostino-Pearson;
	 * NAN with a message and a code when not computed */
	double sw_w, sw_p, ad_a2, ad_p, dp_k2, dp_p;
	const char *sw_err, *ad_err, *dp_err;
	int sw_rc, ad_rc, dp_rc;
	/* claim */
	struct sv_claim claim;
	double *best, *best_sd, *best_wor; /* nbest each */
	/* --share-of: the group whose variance the shares divide */
	const char *share_of;      /* NULL: no shares */
	const char *share_name;    /* share_of's name in text */
	double var_share;          /* var / var of share_of */
	double noise_share;        /* test_se^2 / var of share_of, or NAN */
};

/* Compute r for g (kept, not copied: it must outlive r).  With epochs
 * (g->ep) only the values of the last epoch count.  test_se, the binomial
 * standard error sqrt(p(1-p)/test_size) of the mean score p, is in
 * percent when a value exceeds 1, NAN without a test size. */
void sv_report_compute(const struct sv_report_opts *o,
                       const struct sv_group *g, struct sv_report *r);
void sv_report_free(struct sv_report *r);

/* r as one JSON object and a newline: "group" (when grouped), "column",
 * n, na, the summary, test_size and test_se (with a test size), then the
 * keys of what o asked for; NaN as null. */
void sv_report_json(const struct sv_report_opts *o, const struct sv_report *r,
                    const char *col, int grouped, struct sv_buf *b);

/* The "note: ..." lines for what res[0..nr-1] could not compute: the
 * normality tests of every group (with the sample sizes they need), then
 * the bootstrap of every group. */
void sv_report_notes(const struct sv_report_opts *o,
                     const struct sv_report *res, size_t nr, int grouped,
                     struct sv_buf *b);

/* The table for people, appended to b: one row per statistic (and the
 * test se, var share, CI and normality rows asked for), one column per
 * group (col when not grouped), then the notes (sv_report_notes). */
void sv_report_table(const struct sv_report_opts *o,
                     const struct sv_report *res, size_t nr, const char *col,
                     int grouped, struct sv_buf *b);

/* The claim audit of r (computed with o->claim) as text, appended to b. */
void sv_report_claim_put(const struct sv_report_opts *o,
                         const struct sv_report *r, const char *col,
                         int grouped, struct sv_buf *b);

/* The variance shares of res[0..nr-1] against res[ref] (spread.h
 * sv_variance_shares): sets share_of, var_share and noise_share of each;
 * *sum and *net as sv_variance_shares gives them. */
void sv_report_shares(struct sv_report *res, size_t nr, size_t ref,
                      double *sum, double *net);

/* The text after the table for --share-of: the sum of the shares, the
 * sum with the test-set noise counted once, and how to read them. */
void sv_report_shares_put(const struct sv_report *res, size_t nr, size_t ref,
                          double sum, double net, struct sv_buf *b);

/* The comparison of a with bb (compare.h) as text, or as one JSON object
 * when json, appended to b; "not computed" and why when it cannot be. */
void sv_report_compare(const struct sv_report_opts *o,
                       const struct sv_report *a, const struct sv_report *bb,
                       int json, struct sv_buf *b);

/* sv_claim_scale of claim against every value of every group of G. */
int sv_report_claim_scale(const struct sv_groups *G, double claim, char *msg,
                          size_t n);

/* The Brown-Forsythe test over the groups res[0..nr-1], as
 * sv_equal_spread_put (spread.h) writes it. */
void sv_report_equal_spread(const struct sv_report *res, size_t nr, int json,
                            struct sv_buf *b);

/* The histogram figure of res[0..nr-1] (plot.h sv_plot_svg_hist; groups
 * named when nr > 1) and the accuracy-vs-epoch figure of their groups,
 * every epoch (sv_plot_svg_epochs), as SVG documents in b. */
void sv_report_hist_svg(const struct sv_report *res, size_t nr,
                        const char *col, double claim,
                        const struct sv_plot_style *st, struct sv_buf *b);
void sv_report_epochs_svg(const struct sv_report *res, size_t nr,
                          const char *col, const struct sv_plot_style *st,
                          struct sv_buf *b);

#endif
