/* test_stats.c - lib/stats/stats.c and lib/stats/statops.c against committed reference
 * vectors (tests/vectors/gen_stats.py: numpy/scipy and GNU datamash) */
#include "tap.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>

#include "stats/claim.h"
#include "stats/plot.h"
#include "stats/statops.h"
#include "stats/stats.h"
#include "formats/record.h"
#include "base/util.h"

#define VEC "tests/vectors/stats/"

/* |got - want| <= tol |want|; NaN matches NaN; 0 matches |got| < 1e-300 */
static int
rel_ok(double got, double want, double tol)
{
	if (isnan(want) || isnan(got))
		return isnan(want) && isnan(got);
	if (want == 0)
		return fabs(got) < 1e-300;
	return fabs(got - want) <= tol * fabs(want);
}

static double *
load(const char *name, size_t *n)
{
	char path[256], *line = NULL;
	size_t cap = 0, sz = 0;
	double *x = NULL;
	FILE *fp;
	ssize_t len;

	snprintf(path, sizeof path, VEC "%s.in", name);
	fp = fopen(path, "r");
	if (!fp) {
		ok(0, "open %s", path);
		*n = 0;
		return NULL;
	}
	*n = 0;
	while ((len = getline(&line, &cap, fp)) > 0) {
		line[len - 1] = '\0';
		if (*n == sz)
			x = sv_realloc(x, (sz = sz ? sz * 2 : 64) * sizeof *x);
		if (sv_fast_double(line, &x[*n]) != 0)
			ok(0, "%s: bad number '%s'", path, line);
		(*n)++;
	}
	free(line);
	fclose(fp);
	return x;
}

static double *
big_sample(size_t *n)
{
	double *x = sv_mallocarray(1000000, sizeof *x);

	for (int64_t i = 0; i < 1000000; i++)
		x[i] = (double)((i * 7919) % 1000003) / 1000003.0 + 0.5;
	*n = 1000000;
	return x;
}

static void
test_summary(void)
{
	FILE *fp = fopen(VEC "summary.tsv", "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int cases = 0;
	static const char *name[] = { "n", "mean", "sd", "min", "max", "range",
		"q1", "median", "q3", "iqr", "skew", "kurt", "iqm", "mad" };

	if (!ok(fp != NULL, "open summary.tsv"))
		return;
	while ((len = getline(&line, &cap, fp)) > 0) {
		char *f[16], *s = line, *e;
		int nf = 0;
		size_t n;
		double *x, want[14], got[14];
		struct sv_summary sm;

		if (line[0] == '#')
			continue;
		line[len - 1] = '\0';
		while (nf < 16 && (f[nf++] = strsep(&s, "\t")))
			;
		if (!ok(nf >= 15, "summary.tsv: 15 fields"))
			continue;
		x = strcmp(f[0], "big") == 0 ? big_sample(&n) : load(f[0], &n);
		for (int k = 0; k < 14; k++)
			want[k] = strcmp(f[k + 1], "NA") == 0 ? NAN
			                                      : strtod(f[k + 1], &e);
		sv_sort_double(x, n);
		sv_summarize(x, n, &sm);
		got[0] = (double)sm.n, got[1] = sm.mean, got[2] = sm.sd;
		got[3] = sm.min, got[4] = sm.max, got[5] = sm.range;
		got[6] = sm.q1, got[7] = sm.median, got[8] = sm.q3;
		got[9] = sm.iqr, got[10] = sm.skew, got[11] = sm.kurt;
		got[12] = sm.iqm, got[13] = sm.mad;
		for (int k = 0; k < 14; k++) {
			/* scipy sums moments in double, we in long double */
			double tol = k == 10 || k == 11 ? 1e-7 : 1e-12;

			if (!ok(rel_ok(got[k], want[k], tol), "%s: %s", f[0],
			        name[k]))
				printf("#   got %.17g, want %.17g\n", got[k],
				       want[k]);
		}
		free(x);
		cases++;
	}
	ok(cases >= 10, "summary.tsv has %d cases", cases);
	free(line);
	fclose(fp);
}

static void
test_kde(void)
{
	FILE *fp = fopen(VEC "kde.tsv", "r");
	char cname[64] = "", *line = NULL;
	size_t cap = 0, n = 0;
	double *x = NULL, h = 0;
	ssize_t len;
	int cnt = 0;

	if (!ok(fp != NULL, "open kde.tsv"))
		return;
	while ((len = getline(&line, &cap, fp)) > 0) {
		char *s = line, *c, *px, *pd;

		if (line[0] == '#')
			continue;
		line[len - 1] = '\0';
		c = strsep(&s, "\t");
		px = strsep(&s, "\t");
		pd = strsep(&s, "\t");
		if (strcmp(c, cname) != 0) {
			free(x);
			x = load(c, &n);
			sv_sort_double(x, n);
			h = sv_kde_bandwidth(x, n);
			snprintf(cname, sizeof cname, "%s", c);
		}
		is_near(sv_kde(x, n, h, strtod(px, NULL)), strtod(pd, NULL), 1e-10,
		        "kde %s at %s", c, px);
		cnt++;
	}
	ok(cnt >= 10, "kde.tsv has %d points", cnt);
	free(x);
	free(line);
	fclose(fp);
}

/* Every datamash operation on every case, compared as printed text. */
static void
test_ops_vs_datamash(void)
{
	static const char *cases[] = { "one", "two", "equal", "seeds20",
		"skewed", "negative", "huge", "tiny", "ties" };
	static const char *ops = "count sum min max absmin absmax range "
		"first last mean geomean harmmean trimmean:0.2 median q1 q3 "
		"iqr perc:90 perc mode antimode pstdev sstdev pvar svar mad "
		"madraw pskew sskew pkurt skurt jarque dpo";

	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		char path[256], *want = NULL, *line = NULL;
		size_t cap = 0, wcap = 0, n = 0, sz = 0;
		long double *v = NULL, *sorted, *work;
		char *first = NULL, *last = NULL;
		struct sv_buf got = { 0 };
		FILE *fp;
		ssize_t len;
		char *opscopy = sv_strdup(ops), *tok, *save = NULL;
		int nbad = 0;

		snprintf(path, sizeof path, VEC "%s.in", cases[c]);
		fp = fopen(path, "r");
		if (!ok(fp != NULL, "open %s", path))
			continue;
		while ((len = getline(&line, &cap, fp)) > 0) {
			line[len - 1] = '\0';
			if (n == sz)
				v = sv_realloc(v, (sz = sz ? sz * 2 : 64) * sizeof *v);
			if (sv_fast_ldouble(line, &v[n]) != 0)
				nbad++;
			if (!first)
				first = sv_strdup(line);
			free(last);
			last = sv_strdup(line);
			n++;
		}
		fclose(fp);
		is_int(nbad, 0, "%s: every value parses", path);
		sorted = sv_mallocarray(n, sizeof *sorted);
		work = sv_mallocarray(n, sizeof *work);
		memcpy(sorted, v, n * sizeof *v);
		sv_sort_ldouble(sorted, n);
		for (tok = strtok_r(opscopy, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save)) {
			struct sv_opcall call;

			if (sv_statop_parse(tok, &call) != SV_OPPARSE_OK) {
				ok(0, "parse op %s", tok);
				continue;
			}
			if (got.len)
				sv_buf_puts(&got, "\t");
			sv_statop_eval(&call, call.op->sorted ? sorted : v, n,
			               first, last, work, &got);
		}
		sv_buf_puts(&got, "\n");
		snprintf(path, sizeof path, VEC "ops_%s.out", cases[c]);
		fp = fopen(path, "r");
		if (ok(fp != NULL, "open %s", path)) {
			if (getline(&want, &wcap, fp) < 0)
				ok(0, "read %s", path);
			fclose(fp);
		}
		is_str(got.p, want, "datamash ops agree on %s", cases[c]);
		free(want), free(line), free(v), free(sorted), free(work);
		free(first), free(last), free(opscopy);
		sv_buf_free(&got);
	}
}

/* A small deterministic generator for the parse and sort tests. */
static uint64_t rs = 88172645463325252ULL;
static uint64_t
xr(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static void
test_parse(void)
{
	int bad_d = 0, bad_l = 0, n = 0;
	static const char *reject[] = { "", " 1", "1 ", "\t1", "nan", "NaN",
		"inf", "-inf", "1e999", "-1e400", "1.2.3", "1e", "e5", ".", "-",
		"+", "1,5", "0.5x", "--1", "1e+", "NA" };
	static const char *lreject[] = { "", " 1", "1 ", "1.2.3", "1e", "e5",
		".", "-", "1,5", "0.5x", "NA", "--1" };
	double d;
	long double l;

	/* the fast paths and the slow ones give the same bits */
	for (int i = 0; i < 200000; i++) {
		char s[64];
		int nd = 1 + (int)(xr() % 22), pos = (int)(xr() % (nd + 1)), k = 0;
		int ex = (int)(xr() % 61) - 30;

		if (xr() & 1)
			s[k++] = '-';
		for (int j = 0; j < nd; j++) {
			if (j == pos && j)
				s[k++] = '.';
			s[k++] = (char)('0' + xr() % 10);
		}
		if (xr() % 3 == 0)
			k += snprintf(s + k, sizeof s - (size_t)k, "e%d", ex);
		s[k] = '\0';
		{
			double want = strtod(s, NULL);
			long double lwant = strtold(s, NULL);

			if (sv_fast_double(s, &d) != 0 ||
			    memcmp(&d, &want, sizeof d) != 0) {
				if (bad_d++ < 3)
					printf("# double '%s': %.17g vs %.17g\n",
					       s, d, want);
			}
			if (sv_fast_ldouble(s, &l) != 0 ||
			    memcmp(&l, &lwant, 10) != 0) {
				if (bad_l++ < 3)
					printf("# ldouble '%s': %.21Lg vs %.21Lg\n",
					       s, l, lwant);
			}
		}
		n++;
	}
	is_int(bad_d, 0, "sv_fast_double equals strtod on %d strings", n);
	is_int(bad_l, 0, "sv_fast_ldouble equals strtold on %d strings", n);
	ok(sv_fast_double("-0", &d) == 0 && d == 0 && signbit(d), "-0 keeps its sign");
	ok(sv_fast_double("4.9e-324", &d) == 0 && d > 0, "denormal parses");
	ok(sv_fast_double("1e-400", &d) == 0 && d == 0, "underflow gives 0, as strtod");
	ok(sv_fast_double("0x10", &d) == 0 && d == 16, "hex through strtod");
	for (size_t i = 0; i < sizeof reject / sizeof *reject; i++)
		ok(sv_fast_double(reject[i], &d) == -1, "double rejects '%s'",
		   reject[i]);
	for (size_t i = 0; i < sizeof lreject / sizeof *lreject; i++)
		ok(sv_fast_ldouble(lreject[i], &l) == -1, "ldouble rejects '%s'",
		   lreject[i]);
	ok(sv_fast_ldouble("1e400", &l) == 0 && l > 1e399L,
	   "ldouble keeps 1e400 (as datamash)");
	ok(sv_fast_ldouble("nan", &l) == 0 && isnan(l), "ldouble reads nan");
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
cmpl(const void *a, const void *b)
{
	long double x = *(const long double *)a, y = *(const long double *)b;

	return (x > y) - (x < y);
}

static void
test_sort(void)
{
	static const size_t sizes[] = { 0, 1, 2, 100, 4095, 4096, 100000 };

	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		size_t n = sizes[s];
		double *a = sv_mallocarray(n + 1, sizeof *a);
		double *b = sv_mallocarray(n + 1, sizeof *b);
		long double *la = sv_mallocarray(n + 1, sizeof *la);
		long double *lb = sv_mallocarray(n + 1, sizeof *lb);
		int same = 1, lsame = 1;

		for (size_t i = 0; i < n; i++) {
			uint64_t r = xr();

			switch (r % 5) {
			case 0: a[i] = (double)(int64_t)(r >> 40) - 8388608; break;
			case 1: a[i] = ldexp((double)(r >> 11), -(int)(r % 1100)); break;
			case 2: a[i] = -ldexp((double)(r >> 11), (int)(r % 900)); break;
			case 3: a[i] = (r & 64) ? -0.0 : 0.0; break;
			default: a[i] = 0.88 + (double)(r >> 11) * 1e-19; break;
			}
			la[i] = (long double)a[i] * (1 + (long double)(r & 7) / 3);
		}
		memcpy(b, a, n * sizeof *a);
		memcpy(lb, la, n * sizeof *la);
		sv_sort_double(a, n);
		qsort(b, n, sizeof *b, cmpd);
		sv_sort_ldouble(la, n);
		qsort(lb, n, sizeof *lb, cmpl);
		for (size_t i = 0; i < n; i++) {
			same &= a[i] == b[i];
			lsame &= la[i] == lb[i];
		}
		for (size_t i = 1; i < n; i++)
			same &= !(signbit(a[i - 1]) == 0 && a[i - 1] == 0 &&
			          signbit(a[i]) && a[i] == 0);
		ok(same, "radix sort of %zu doubles (with -0, denormals)", n);
		ok(lsame, "radix sort of %zu long doubles", n);
		free(a), free(b), free(la), free(lb);
	}
}

static void
test_small(void)
{
	double v[] = { 1, 2, 3, 4, 10 }, w[5];

	is_near(sv_quantile7(v, 5, 0.25), 2, 0, "q1 of 1 2 3 4 10");
	is_near(sv_quantile7(v, 5, 0.9), 7.6, 1e-15, "p90 interpolates");
	is_near(sv_quantile7(v, 5, 0), 1, 0, "p0 is the min");
	is_near(sv_quantile7(v, 5, 1), 10, 0, "p1 is the max");
	ok(isnan(sv_quantile7(v, 0, 0.5)), "no values: NaN quantile");
	is_near(sv_trimmed_mean(v, 5, 0.2), 3, 0, "20%% trimmed mean");
	is_near(sv_trimmed_mean(v, 5, 0.5), 3, 0, "50%% trim is the median");
	is_near(sv_trimmed_mean(v, 5, 0), 4, 0, "untrimmed is the mean");
	is_near(sv_mad(v, 5, 1, w), 1, 0, "MAD raw");
	is_near(sv_mad(v, 5, 1.4826, w), 1.4826, 1e-15, "MAD scaled");
	ok(isnan(sv_mad(v, 0, 1, w)), "MAD of nothing is NaN");
	{
		struct sv_summary s;

		sv_summarize(v, 0, &s);
		ok(s.n == 0 && isnan(s.mean) && isnan(s.mad), "empty summary is NaN");
	}
	is_near(sv_kde_bandwidth(v, 1), 0, 0, "bandwidth of one value is 0");
	ok(isnan(sv_kde(v, 5, 0, 1)), "KDE with zero bandwidth is NaN");
}

static void
test_opparse(void)
{
	static const struct {
		const char *spec;
		enum sv_opparse_status want;
		double param;
	} c[] = {
		{ "mean", SV_OPPARSE_OK, 0 },
		{ "perc", SV_OPPARSE_OK, 95 },
		{ "perc:90", SV_OPPARSE_OK, 90 },
		{ "perc:1", SV_OPPARSE_OK, 1 },
		{ "perc:100", SV_OPPARSE_OK, 100 },
		{ "trimmean", SV_OPPARSE_OK, 0 },
		{ "trimmean:0.25", SV_OPPARSE_OK, 0.25 },
		{ "trimmean:0.5", SV_OPPARSE_OK, 0.5 },
		{ "perc:0", SV_OPPARSE_BADPARAM, 0 },
		{ "perc:101", SV_OPPARSE_BADPARAM, 0 },
		{ "perc:50.5", SV_OPPARSE_BADPARAM, 0 },
		{ "perc:", SV_OPPARSE_BADPARAM, 0 },
		{ "perc:x", SV_OPPARSE_BADPARAM, 0 },
		{ "trimmean:0.6", SV_OPPARSE_BADPARAM, 0 },
		{ "trimmean:-0.1", SV_OPPARSE_BADPARAM, 0 },
		{ "mean:3", SV_OPPARSE_NOPARAM, 0 },
		{ "nosuch", SV_OPPARSE_UNKNOWN, 0 },
		{ "Mean", SV_OPPARSE_UNKNOWN, 0 },
		{ "", SV_OPPARSE_UNKNOWN, 0 },
		{ ":90", SV_OPPARSE_UNKNOWN, 0 },
	};

	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		struct sv_opcall call;
		enum sv_opparse_status st = sv_statop_parse(c[i].spec, &call);

		is_int(st, c[i].want, "op spec '%s'", c[i].spec);
		if (st == SV_OPPARSE_OK && c[i].want == SV_OPPARSE_OK)
			is_near(call.param, c[i].param, 0, "param of '%s'",
			        c[i].spec);
	}
	/* the table has unique names, each found by lookup */
	for (const struct sv_statop *o = sv_statops; o->name; o++)
		ok(sv_statop_find(o->name) == o, "lookup %s", o->name);
	ok(sv_statop_find("nosuch") == NULL, "lookup of an unknown op");
}

/* Code points of a UTF-8 line. */
static size_t
u8len(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

static void
test_plot_term(void)
{
	size_t n;
	double *x = load("skewed", &n);
	struct sv_buf b = { 0 };
	size_t rows = 0, total = 0, widest = 0, marks = 0;
	char *line, *save = NULL;

	sv_sort_double(x, n);
	sv_plot_term(&b, x, n, 80, 0, 2.0, "claim");
	for (line = strtok_r(b.p, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *sp = strrchr(line, ' ');
		size_t w = u8len(line, strlen(line));

		if (strstr(line, "<- claim")) {
			marks++;
			*strstr(line, " <- claim") = '\0';
			sp = strrchr(line, ' ');
		}
		widest = w > widest ? w : widest;
		total += strtoul(sp + 1, NULL, 10);
		rows++;
	}
	is_int(total, n, "histogram rows count every value");
	ok(rows >= 5 && rows <= 20, "5..20 rows (%zu)", rows);
	ok(widest <= 80, "fits 80 columns (%zu)", widest);
	is_int(marks, 1, "the claim is marked once");
	sv_buf_free(&b);
	{
		double one = 3;

		sv_plot_term(&b, &one, 1, 80, 0, NAN, NULL);
		ok(b.p && strstr(b.p, " 1\n") && !strchr(strchr(b.p, '\n') + 1, '\n'),
		   "one value: one row");
		sv_buf_free(&b);
		sv_plot_term(&b, &one, 0, 80, 0, NAN, NULL);
		ok(b.len == 0, "no values: nothing drawn");
		sv_buf_free(&b);
	}
	free(x);
}

/* the nearest operation name; a claim in the other unit */
static void
test_suggest_and_scale(void)
{
	char m[256];

	is_str(sv_statop_suggest("meen"), "mean", "meen: mean");
	is_str(sv_statop_suggest("medain"), "median", "a swap: median");
	is_str(sv_statop_suggest("sstddev"), "sstdev", "sstddev: sstdev");
	is_str(sv_statop_suggest("perc:90x"), "perc", "the part before ':'");
	ok(sv_statop_suggest("frobnicate") == NULL, "nothing near");
	ok(sv_statop_suggest("xy") == NULL, "short words need to be close");
	is_int(sv_claim_scale(88.9, 0.86, 0.89, m, sizeof m), -1,
	       "a percent claim on fractions");
	is_str(m, "the scores are fractions (0.86 to 0.89) and the claim 88.9 "
	       "is not: a percent? write --claim 0.889", "with the fraction");
	is_int(sv_claim_scale(0.889, 86, 89, m, sizeof m), -1,
	       "a fraction claim on percent");
	is_int(sv_claim_scale(0.889, 0.86, 0.89, m, sizeof m), 0, "same unit");
	is_int(sv_claim_scale(0.5, 10, 20, m, sizeof m), 0,
	       "a small score on percent far from 50 is left alone");
	is_int(sv_claim_scale(1.5, -3, 0.5, m, sizeof m), 0,
	       "scores below 0 are no fractions");
}

int
main(void)
{
	test_suggest_and_scale();
	test_summary();
	test_kde();
	test_ops_vs_datamash();
	test_parse();
	test_sort();
	test_small();
	test_opparse();
	test_plot_term();
	return tap_done();
}
