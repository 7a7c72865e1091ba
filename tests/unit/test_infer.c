/* test_infer.c - bootstrap CIs, normality tests, claim audit, A/B
 * comparison, against tests/vectors/infer/cases.tsv (scipy/numpy, made by
 * tests/vectors/gen_infer.py) and against properties that must hold.
 *
 * Tolerances (relative unless said):
 *  - closed forms computed in double by both sides (A^2, K^2, Welch t and
 *    df, U, Cohen's d, expected best, violation ratio): 1e-9;
 *  - the Anderson-Darling p, exp(-5.7 A*) for large A*, to 1e-7;
 *  - p-values of closed forms: 1e-8, GSL's and scipy's incomplete beta/erfc
 *    differ in the last digits;
 *  - Shapiro-Wilk: scipy runs AS R94 in single precision (float32 swilk),
 *    this library in double: W to 5e-6 absolute, p to 1e-2 absolute
 *    (at n = 5000, 1 - W = 5e-4 and float32 sums over 5000 terms move W
 *    by 2.4e-6 and p by 0.004); 'sw64' records: the published formulas
 *    evaluated in double by numpy, W to 1e-12, p to 1e-8;
 *  - bootstrap: different random numbers from scipy, so endpoints agree
 *    only to Monte Carlo error: 15% of the interval's width at 20000
 *    resamples. */
#include "tap.h"

#include <errno.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "stats/bootstrap.h"
#include "stats/claim.h"
#include "stats/compare.h"
#include "stats/normality.h"
#include "base/util.h"

/* |got - want| <= rel |want| + abs, or both NaN */
#define is_close(got, want, rel, abs_, ...)                                \
	do {                                                               \
		double g_ = (got), w_ = (want);                            \
		if (!ok((isnan(g_) && isnan(w_)) ||                        \
		        fabs(g_ - w_) <= (rel) * fabs(w_) + (abs_),        \
		        __VA_ARGS__))                                      \
			printf("#   got %.17g, want %.17g\n", g_, w_);      \
	} while (0)

struct dataset {
	char *name;
	double *v;
	size_t n;
};

static struct dataset sets[64];
static size_t nsets;

/* The generator's gen_values(): bit-identical pseudo-normal scores. */
static void
gen_values(double *v, size_t n)
{
	static const uint64_t A[4] = { 2654435761u, 2246822519u, 3266489917u,
	                               668265263u };

	for (size_t i = 0; i < n; i++) {
		double s = 0;
		for (int k = 0; k < 4; k++) {
			double u = (double)(uint32_t)((uint64_t)i * A[k]) / 4294967296.0;
			s = k ? s + u : u;
		}
		v[i] = 0.9 + 0.01 * (s - 2.0);
	}
}

static struct dataset *
find(const char *name)
{
	for (size_t i = 0; i < nsets; i++)
		if (strcmp(sets[i].name, name) == 0)
			return &sets[i];
	printf("# no data set '%s'\n", name);
	exit(99);
}

static double *
sorted_copy(const struct dataset *d)
{
	double *s = sv_mallocarray(d->n ? d->n : 1, sizeof *s);

	memcpy(s, d->v, d->n * sizeof *s);
	gsl_sort(s, 1, d->n);
	return s;
}

static double
num(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end) {
		printf("# bad number in vectors: '%s'\n", s);
		exit(99);
	}
	return v;
}

static void
add_set(char **f, size_t nf)
{
	struct dataset *d = &sets[nsets++];

	d->name = sv_strdup(f[1]);
	if (nf == 4 && strcmp(f[2], "gen") == 0) {
		d->n = (size_t)num(f[3]);
		d->v = sv_mallocarray(d->n, sizeof *d->v);
		gen_values(d->v, d->n);
	} else if (nf == 4 && strcmp(f[2], "genshift") == 0) {
		struct dataset *b = find("big");
		d->n = b->n;
		d->v = sv_mallocarray(d->n, sizeof *d->v);
		for (size_t i = 0; i < d->n; i++)
			d->v[i] = b->v[i] + 0.0001;
	} else {
		char *p = f[2], *tok;
		size_t cap = 16;
		d->v = sv_mallocarray(cap, sizeof *d->v);
		d->n = 0;
		while ((tok = strsep(&p, ",")) != NULL) {
			if (d->n == cap)
				d->v = sv_realloc(d->v, (cap *= 2) * sizeof *d->v);
			d->v[d->n++] = num(tok);
		}
	}
}

static void
check_normality(char **f)
{
	struct dataset *d = find(f[1]);
	double *s = sorted_copy(d), st, p;
	int want_rc = (int)num(f[2]), rc;
	double ws = num(f[3]), wp = num(f[4]);

	if (strcmp(f[0], "sw") == 0) {
		rc = sv_shapiro_wilk(s, d->n, &st, &p);
		is_int(rc, want_rc, "shapiro %s: rc", d->name);
		is_close(st, ws, 0, 5e-6, "shapiro %s: W", d->name);
		is_close(p, wp, 1e-3, 1e-2, "shapiro %s: p", d->name);
	} else if (strcmp(f[0], "ad") == 0) {
		rc = sv_anderson_darling(s, d->n, &st, &p);
		is_int(rc, want_rc, "anderson %s: rc", d->name);
		is_close(st, ws, 1e-9, 0, "anderson %s: A2", d->name);
		/* p = exp(-5.7 A*...): A2's relative error times ~6 A2 */
		is_close(p, wp, 1e-7, 1e-300, "anderson %s: p", d->name);
	} else {
		rc = sv_dagostino_pearson(d->v, d->n, &st, &p);
		is_int(rc, want_rc, "dagostino %s: rc", d->name);
		is_close(st, ws, 1e-9, 0, "dagostino %s: K2", d->name);
		is_close(p, wp, 1e-8, 1e-300, "dagostino %s: p", d->name);
	}
	free(s);
}

/* the same formulas evaluated in double by numpy */
static void
check_sw64(char **f)
{
	struct dataset *d = find(f[1]);
	double *s = sorted_copy(d), w, p;

	sv_shapiro_wilk(s, d->n, &w, &p);
	is_close(w, num(f[2]), 1e-12, 0, "shapiro %s: W as numpy in double", d->name);
	is_close(p, num(f[3]), 1e-8, 1e-300, "shapiro %s: p as numpy in double", d->name);
	free(s);
}

static void
check_claim(char **f)
{
	struct dataset *d = find(f[1]);
	double *s = sorted_copy(d), x = num(f[2]);
	struct sv_claim c;

	sv_claim_audit(s, d->n, x, &c);
	is_close(c.percentile, num(f[3]), 1e-14, 0, "claim %s %g: percentile", d->name, x);
	is_close(c.p_single, num(f[4]), 1e-14, 0, "claim %s %g: p_single", d->name, x);
	is_close(c.seeds_50, num(f[5]), 0, 0, "claim %s %g: seeds_50", d->name, x);
	is_close(c.seeds_95, num(f[6]), 0, 0, "claim %s %g: seeds_95", d->name, x);
	free(s);
}

static void
check_best(char **f)
{
	struct dataset *d = find(f[1]);
	double *s = sorted_copy(d), sd;
	size_t n = (size_t)num(f[2]);
	int repl = (int)num(f[3]);
	double mu = sv_expected_best(s, d->n, n, repl, &sd);

	is_close(mu, num(f[4]), 1e-12, 0, "best %s n=%zu %s: mean", d->name, n,
	         repl ? "with replacement" : "without");
	/* sd: absolute in units of the data's spread (sd 0 is exact there) */
	is_close(sd, num(f[5]), 1e-9, 1e-12, "best %s n=%zu %s: sd", d->name, n,
	         repl ? "with replacement" : "without");
	free(s);
}

/* one sv_compare per pair, cached for the five record kinds */
static struct sv_compare last;
static char last_a[64], last_b[64];

static const struct sv_compare *
compared(const char *a, const char *b)
{
	if (strcmp(a, last_a) || strcmp(b, last_b)) {
		struct dataset *da = find(a), *db = find(b);
		/* few resamples for the 10^6 sets: only the CI check uses them */
		size_t reps = da->n > 100000 ? 4 : 200;
		int rc = sv_compare(da->v, da->n, db->v, db->n, reps, 0.95, 1, &last);
		is_int(rc, 0, "compare %s %s: rc", a, b);
		snprintf(last_a, sizeof last_a, "%s", a);
		snprintf(last_b, sizeof last_b, "%s", b);
	}
	return &last;
}

static void
check_two(char **f)
{
	const struct sv_compare *c = compared(f[1], f[2]);
	const char *a = f[1], *b = f[2];

	if (strcmp(f[0], "welch") == 0) {
		is_close(c->welch_t, num(f[3]), 1e-9, 1e-12, "welch %s %s: t", a, b);
		is_close(c->welch_df, num(f[4]), 1e-9, 0, "welch %s %s: df", a, b);
		is_close(c->welch_p, num(f[5]), 1e-8, 1e-300, "welch %s %s: p", a, b);
	} else if (strcmp(f[0], "mw") == 0) {
		is_close(c->mw_u, num(f[3]), 0, 0, "mann-whitney %s %s: U", a, b);
		is_close(c->mw_p, num(f[4]), 1e-9, 1e-300, "mann-whitney %s %s: p", a, b);
	} else if (strcmp(f[0], "pgt") == 0) {
		is_close(c->p_a_gt_b, num(f[3]), 1e-14, 0, "P(A>B) %s %s", a, b);
	} else if (strcmp(f[0], "cohen") == 0) {
		is_close(c->cohen_d, num(f[3]), 1e-9, 1e-12, "cohen %s %s: d", a, b);
		is_close(c->diff, num(f[4]), 1e-9, 0, "compare %s %s: diff", a, b);
		ok(c->diff_lo <= c->diff && c->diff <= c->diff_hi,
		   "compare %s %s: CI [%g, %g] holds diff %g", a, b, c->diff_lo,
		   c->diff_hi, c->diff);
	} else {
		struct dataset *da = find(a), *db = find(b);
		double *sa = sorted_copy(da), *sb = sorted_copy(db);
		is_close(sv_violation_ratio(sa, da->n, sb, db->n), num(f[3]), 1e-12, 1e-15,
		         "violation ratio %s %s", a, b);
		ok(c->aso_eps >= 0 && c->aso_eps <= 1, "aso %s %s: eps_min %g in [0,1]",
		   a, b, c->aso_eps);
		free(sa);
		free(sb);
	}
}

static void
check_power(char **f)
{
	double d = num(f[1]), nn = num(f[2]), ne = num(f[3]);

	is_close(sv_power80_n(d), nn, 0, 0, "power d=%g: normal approximation", d);
	ok(ne - sv_power80_n(d) >= 1 && ne - sv_power80_n(d) <= 2,
	   "power d=%g: exact noncentral t needs %g, 1 or 2 more", d, ne);
}

static const char *const stat_names[] = { "mean", "median", "sd", "iqm" };

static void
check_boot(char **f)
{
	struct dataset *d = find(f[1]);
	enum sv_boot_stat st = SV_BOOT_MEAN;
	struct sv_ci pct, bca;
	double level = num(f[3]);
	double plo = num(f[4]), phi = num(f[5]), blo = num(f[6]), bhi = num(f[7]);

	for (int i = 0; i < 4; i++)
		if (strcmp(f[2], stat_names[i]) == 0)
			st = (enum sv_boot_stat)i;
	int rc = sv_bootstrap_ci(d->v, d->n, st, 20000, level, 42, &pct, &bca);
	is_int(rc, 0, "bootstrap %s %s: rc", d->name, f[2]);
	double tol = 0.15 * (phi - plo);
	is_close(pct.lo, plo, 0, tol, "bootstrap %s %s: percentile lo near scipy", d->name, f[2]);
	is_close(pct.hi, phi, 0, tol, "bootstrap %s %s: percentile hi near scipy", d->name, f[2]);
	is_close(bca.lo, blo, 0, tol, "bootstrap %s %s: BCa lo near scipy", d->name, f[2]);
	is_close(bca.hi, bhi, 0, tol, "bootstrap %s %s: BCa hi near scipy", d->name, f[2]);
}

static void
run_vectors(void)
{
	const char *src = getenv("SV_SRC");
	char path[4096], *line = NULL;
	size_t cap = 0, nrec = 0;
	FILE *fp;

	snprintf(path, sizeof path, "%s/tests/vectors/infer/cases.tsv", src ? src : ".");
	fp = fopen(path, "r");
	if (!ok(fp != NULL, "open %s", path))
		return;
	while (getline(&line, &cap, fp) > 0) {
		char *f[16], *p = line;
		size_t nf = 0;

		line[strcspn(line, "\n")] = 0;
		while (nf < 16 && (f[nf] = strsep(&p, "\t")) != NULL)
			nf++;
		nrec++;
		if (strcmp(f[0], "data") == 0)
			add_set(f, nf);
		else if (!strcmp(f[0], "sw") || !strcmp(f[0], "ad") || !strcmp(f[0], "dp"))
			check_normality(f);
		else if (strcmp(f[0], "sw64") == 0)
			check_sw64(f);
		else if (strcmp(f[0], "claim") == 0)
			check_claim(f);
		else if (strcmp(f[0], "best") == 0)
			check_best(f);
		else if (strcmp(f[0], "power") == 0)
			check_power(f);
		else if (strcmp(f[0], "boot") == 0)
			check_boot(f);
		else
			check_two(f);
	}
	free(line);
	fclose(fp);
	ok(nrec >= 280, "read %zu vector records", nrec);
}

/* ---- properties that need no reference values ---- */

static void
test_boot_props(void)
{
	double x[40], y[40];
	struct sv_ci p1, b1, p2, b2;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	for (int i = 0; i < 40; i++)
		x[i] = 0.9 + gsl_ran_gaussian(r, 0.01);
	for (int st = 0; st < 4; st++) {
		sv_bootstrap_ci(x, 40, st, 2000, 0.95, 7, &p1, &b1);
		sv_bootstrap_ci(x, 40, st, 2000, 0.95, 7, &p2, &b2);
		ok(memcmp(&p1, &p2, sizeof p1) == 0 && memcmp(&b1, &b2, sizeof b1) == 0,
		   "bootstrap %s: same seed, same bits", stat_names[st]);
		omp_set_num_threads(1);
		sv_bootstrap_ci(x, 40, st, 2000, 0.95, 7, &p2, &b2);
		omp_set_num_threads(omp_get_num_procs());
		ok(memcmp(&p1, &p2, sizeof p1) == 0 && memcmp(&b1, &b2, sizeof b1) == 0,
		   "bootstrap %s: one thread, same bits", stat_names[st]);
		/* a median's endpoints are data values and may well coincide:
		 * compare the continuous statistics only */
		if (st != SV_BOOT_MEDIAN) {
			sv_bootstrap_ci(x, 40, st, 2000, 0.95, 8, &p2, &b2);
			ok(memcmp(&p1, &p2, sizeof p1) != 0,
			   "bootstrap %s: other seed, other interval", stat_names[st]);
			sv_bootstrap_ci(x, 40, st, 2000, 0.95,
			                (uint64_t)7 | (uint64_t)1 << 40, &p2, &b2);
			ok(memcmp(&p1, &p2, sizeof p1) != 0,
			   "bootstrap %s: high seed bits count", stat_names[st]);
		}
		double t = sv_boot_stat(x, 40, st);
		ok(p1.lo < t && t < p1.hi && b1.lo < t && t < b1.hi,
		   "bootstrap %s: intervals hold the estimate", stat_names[st]);
	}

	/* jackknife against brute force leave-one-out */
	for (int n = 3; n <= 12; n++) {
		for (int st = 0; st < 4; st++) {
			double jack[12], w[11], worst = 0;
			for (int i = 0; i < n; i++)
				y[i] = i % 3 == 0 ? 1.0 : gsl_ran_gaussian(r, 1);
			sv_boot_jackknife(y, n, st, jack);
			for (int i = 0; i < n; i++) {
				int k = 0;
				for (int j = 0; j < n; j++)
					if (j != i)
						w[k++] = y[j];
				double e = fabs(jack[i] - sv_boot_stat(w, n - 1, st));
				worst = e > worst ? e : worst;
			}
			ok(worst < 1e-12, "jackknife %s n=%d matches leave-one-out (%g)",
			   stat_names[st], n, worst);
		}
	}

	/* coverage: 95% intervals of the mean of N(0,1) samples of 30 */
	int cover_p = 0, cover_b = 0, trials = 300;
	for (int t = 0; t < trials; t++) {
		double z[30];
		for (int i = 0; i < 30; i++)
			z[i] = gsl_ran_gaussian(r, 1);
		sv_bootstrap_ci(z, 30, SV_BOOT_MEAN, 1000, 0.95, t, &p1, &b1);
		cover_p += p1.lo <= 0 && 0 <= p1.hi;
		cover_b += b1.lo <= 0 && 0 <= b1.hi;
	}
	ok(cover_p >= 0.88 * trials && cover_p <= 0.99 * trials,
	   "percentile coverage %d/%d near 95%%", cover_p, trials);
	ok(cover_b >= 0.88 * trials && cover_b <= 0.99 * trials,
	   "BCa coverage %d/%d near 95%%", cover_b, trials);

	/* awkward inputs */
	double c[5] = { 0.9, 0.9, 0.9, 0.9, 0.9 }, nanx[3] = { 1, NAN, 2 };
	is_int(sv_bootstrap_ci(c, 5, SV_BOOT_MEAN, 100, 0.95, 1, &p1, &b1), 0, "all equal: ok");
	ok(p1.lo == 0.9 && p1.hi == 0.9 && b1.lo == 0.9 && b1.hi == 0.9,
	   "all equal: point intervals");
	is_int(sv_bootstrap_ci(x, 1, SV_BOOT_MEAN, 100, 0.95, 1, &p1, &b1), SV_BOOT_ESMALL,
	       "n=1 refused");
	ok(isnan(p1.lo) && isnan(b1.hi), "n=1: intervals NAN");
	is_int(sv_bootstrap_ci(x, 0, SV_BOOT_MEDIAN, 100, 0.95, 1, &p1, NULL), SV_BOOT_ESMALL,
	       "n=0 refused");
	is_int(sv_bootstrap_ci(x, 40, SV_BOOT_MEAN, 1, 0.95, 1, &p1, &b1), SV_BOOT_EREPS,
	       "reps=1 refused");
	is_int(sv_bootstrap_ci(x, 40, SV_BOOT_MEAN, 100, 1.0, 1, &p1, &b1), SV_BOOT_ELEVEL,
	       "level 1 refused");
	is_int(sv_bootstrap_ci(x, 40, SV_BOOT_MEAN, 100, 0.0, 1, &p1, &b1), SV_BOOT_ELEVEL,
	       "level 0 refused");
	is_int(sv_bootstrap_ci(x, 40, SV_BOOT_MEAN, 100, NAN, 1, &p1, &b1), SV_BOOT_ELEVEL,
	       "level NaN refused");
	is_int(sv_bootstrap_ci(nanx, 3, SV_BOOT_MEAN, 100, 0.95, 1, &p1, &b1), SV_BOOT_ENAN,
	       "NaN value refused");
	/* n = 2, sd: percentile works, the jackknife cannot */
	double two[2] = { 0.89, 0.91 };
	is_int(sv_bootstrap_ci(two, 2, SV_BOOT_SD, 100, 0.95, 1, &p1, &b1), SV_BOOT_EBCA,
	       "n=2 sd: BCa not defined");
	ok(p1.lo >= 0 && p1.hi <= 0.0142 && isnan(b1.lo), "n=2 sd: percentile only");
	is_int(sv_bootstrap_ci(two, 2, SV_BOOT_MEAN, 100, 0.95, 1, &p1, &b1), 0, "n=2 mean ok");
	ok(p1.lo >= 0.89 && p1.hi <= 0.91, "n=2 mean: interval within the data");
	/* huge magnitudes */
	double h[6] = { -1e300, 1e300, 3e299, -2e299, 5e299, 1e299 };
	is_int(sv_bootstrap_ci(h, 6, SV_BOOT_IQM, 500, 0.9, 1, &p1, &b1), 0, "huge values: ok");
	ok(isfinite(p1.lo) && isfinite(p1.hi), "huge values: finite interval");
	for (int k = 0; k <= SV_BOOT_EBCA * -1; k++)
		ok(sv_bootstrap_strerror(-k) && *sv_bootstrap_strerror(-k),
		   "bootstrap message %d: %s", -k, sv_bootstrap_strerror(-k));
	ok(isnan(sv_boot_stat(x, 1, SV_BOOT_SD)) && isnan(sv_boot_stat(x, 0, SV_BOOT_MEAN)),
	   "statistic of too few values is NAN");
	gsl_rng_free(r);
}

static void
test_normality_props(void)
{
	double s[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 11 }, u[10], w, p;
	double bad[10] = { 1, 2, 3, NAN, 5, 6, 7, 8, 9, 10 };

	memcpy(u, s, sizeof u);
	u[0] = 12;
	is_int(sv_shapiro_wilk(u, 10, &w, &p), SV_NORM_EUNSORTED, "shapiro: unsorted refused");
	ok(isnan(w) && isnan(p), "shapiro: refused gives NAN");
	is_int(sv_anderson_darling(u, 10, &w, &p), SV_NORM_EUNSORTED, "anderson: unsorted refused");
	is_int(sv_dagostino_pearson(u, 10, &w, &p), 0, "dagostino: any order");
	is_int(sv_shapiro_wilk(bad, 10, &w, &p), SV_NORM_ENAN, "shapiro: NaN refused");
	is_int(sv_anderson_darling(bad, 10, &w, &p), SV_NORM_ENAN, "anderson: NaN refused");
	is_int(sv_dagostino_pearson(bad, 10, &w, &p), SV_NORM_ENAN, "dagostino: NaN refused");
	is_int(sv_shapiro_wilk(s, 0, &w, &p), SV_NORM_ERANGE, "shapiro: n=0 refused");
	is_int(sv_dagostino_pearson(s, 7, &w, &p), SV_NORM_ERANGE, "dagostino: n=7 refused");
	is_int(sv_shapiro_wilk(s, 10, &w, &p), 0, "shapiro: n=10 ok");
	ok(w > 0 && w <= 1 && p > 0 && p <= 1, "shapiro: W %g and p %g in (0,1]", w, p);
	is_str(sv_normality_strerror(SV_NORM_ECONST), "all values equal", "message: constant");
	ok(strstr(sv_normality_strerror(SV_NORM_ERANGE), "3..5000") != NULL,
	   "message: range names 3..5000");
	ok(strcmp(sv_normality_strerror(SV_NORM_ENAN), sv_normality_strerror(SV_NORM_EUNSORTED)),
	   "messages differ");
}

static void
test_claim_props(void)
{
	double v[3] = { 1, 2, 3 }, sd;
	struct sv_claim c;

	sv_claim_audit(v, 0, 1, &c);
	ok(isnan(c.percentile) && isnan(c.p_single) && isnan(c.seeds_50), "claim: n=0 all NAN");
	sv_claim_audit(v, 3, NAN, &c);
	ok(isnan(c.percentile) && isnan(c.seeds_95), "claim: NaN claim all NAN");
	sv_claim_audit(v, 3, INFINITY, &c);
	ok(c.percentile == 100 && c.p_single == 0 && isnan(c.seeds_50), "claim: +inf beyond reach");
	ok(isnan(sv_expected_best(v, 0, 1, 1, &sd)) && isnan(sd), "best: N=0 NAN");
	ok(isnan(sv_expected_best(v, 3, 0, 1, &sd)) && isnan(sd), "best: n=0 NAN");
	ok(isnan(sv_expected_best(v, 3, 4, 0, &sd)), "best: n > N without replacement NAN");
	ok(sv_expected_best(v, 3, 4, 1, NULL) > 2, "best: sd may be NULL");
	double h[3] = { -1e308, 0, 1e308 };
	double m = sv_expected_best(h, 3, 2, 1, &sd);
	ok(isfinite(m) && isfinite(sd) && sd > 1e307, "best: huge values, finite sd %g", sd);
}

static void
test_compare_props(void)
{
	double a[30], b[30], c[4] = { 1, 1, 1, 1 }, d[4] = { 2, 2, 2, 2 };
	struct sv_compare r1, r2;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	for (int i = 0; i < 30; i++) {
		a[i] = 0.91 + gsl_ran_gaussian(r, 0.005);
		b[i] = 0.89 + gsl_ran_gaussian(r, 0.005);
	}
	is_int(sv_compare(a, 30, b, 30, 1000, 0.95, 3, &r1), 0, "compare: ok");
	sv_compare(a, 30, b, 30, 1000, 0.95, 3, &r2);
	ok(memcmp(&r1, &r2, sizeof r1) == 0, "compare: same seed, same bits");
	ok(r1.aso_eps < 0.2, "aso: clearly better A has eps_min %g < 0.2", r1.aso_eps);
	ok(r1.diff_lo > 0.01 && r1.diff_hi < 0.03, "compare: diff CI [%g, %g] around 0.02",
	   r1.diff_lo, r1.diff_hi);
	ok(r1.welch_p < 1e-10 && r1.mw_p < 1e-8 && r1.p_a_gt_b > 0.95, "compare: clear difference");
	sv_compare(b, 30, a, 30, 1000, 0.95, 3, &r2);
	ok(r2.aso_eps > 0.8, "aso: clearly worse A has eps_min %g > 0.8", r2.aso_eps);
	is_int(sv_compare(a, 1, b, 30, 100, 0.95, 3, &r1), SV_CMP_ESMALL, "compare: n=1 refused");
	ok(isnan(r1.diff) && isnan(r1.aso_eps), "compare: refused gives NAN");
	is_int(sv_compare(a, 30, b, 30, 1, 0.95, 3, &r1), SV_CMP_EREPS, "compare: reps=1 refused");
	is_int(sv_compare(a, 30, b, 30, 100, 1.5, 3, &r1), SV_CMP_ELEVEL, "compare: level 1.5 refused");
	a[3] = INFINITY;
	is_int(sv_compare(a, 30, b, 30, 100, 0.95, 3, &r1), SV_CMP_ENAN, "compare: inf refused");
	is_int(sv_compare(c, 4, d, 4, 100, 0.95, 3, &r1), 0, "compare: constant groups ok");
	ok(r1.diff == -1 && isnan(r1.welch_t) && isnan(r1.cohen_d) && isnan(r1.n_power80),
	   "compare: zero variance gives NAN t and d");
	ok(r1.p_a_gt_b == 0 && r1.aso_eps == 1, "compare: B always better: P(A>B)=0, eps 1");
	is_int(sv_compare(c, 4, c, 4, 100, 0.95, 3, &r1), 0, "compare: identical constants ok");
	ok(r1.p_a_gt_b == 0.5 && isnan(r1.mw_p) && r1.aso_eps == 0,
	   "compare: identical constants: P=0.5, p NAN, eps 0");
	ok(isnan(sv_power80_n(0)) && isnan(sv_power80_n(NAN)), "power: d=0 or NaN gives NAN");
	for (int k = 0; k <= 4; k++)
		ok(*sv_compare_strerror(-k), "compare message %d: %s", -k, sv_compare_strerror(-k));
	gsl_rng_free(r);
}

int
main(void)
{
	sv_setlocale();
	run_vectors();
	test_boot_props();
	test_normality_props();
	test_claim_props();
	test_compare_props();
	return tap_done();
}
