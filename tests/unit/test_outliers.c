/* test_outliers.c - the outlier methods against the committed vectors of
 * tests/vectors/gen_outliers.py (numpy/scipy), and their refusals */
#include "tap.h"

#include "stats/outliers.h"
#include "formats/record.h"
#include "base/util.h"

#include <stdlib.h>

#define VEC "tests/vectors/outliers/"

static FILE *
open_vec(const char *name)
{
	FILE *fp = fopen(name, "r");

	if (!fp) {
		/* run from the repository root, as make check does */
		printf("Bail out! cannot open %s\n", name);
		exit(1);
	}
	return fp;
}

static int
col(struct sv_reader *r, const char *name)
{
	int c = sv_reader_col(r, name);

	if (c < 0) {
		printf("Bail out! %s: no column '%s'\n", r->name, name);
		exit(1);
	}
	return c;
}

static double
num(struct sv_reader *r, const char *name)
{
	double v = NAN;

	if (sv_reader_double(r, (size_t)col(r, name), &v) < 0) {
		printf("Bail out! %s\n", r->err);
		exit(1);
	}
	return v;
}

static void
test_crit(void)
{
	struct sv_reader r;
	FILE *fp = open_vec(VEC "crit.tsv");
	size_t rows = 0, bad = 0;
	double worst = 0;

	sv_reader_init(&r, fp, VEC "crit.tsv");
	while (sv_reader_next(&r) == SV_REC_DATA) {
		size_t n = (size_t)num(&r, "n"), i = (size_t)num(&r, "i");
		double alpha = num(&r, "alpha"), want = num(&r, "lambda");
		int two = num(&r, "sides") == 2;
		double got = i == 1 ? sv_grubbs_crit(n, alpha, two)
		                    : sv_gesd_lambda(n, i, alpha, two);
		double rel = fabs(got - want) / want;

		if (rel > worst)
			worst = rel;
		/* GSL's t quantile is good to about 1e-9 */
		if (rel > 1e-8) {
			bad++;
			printf("# n %zu i %zu alpha %g sides %d: got %.17g "
			       "want %.17g\n", n, i, alpha, two ? 2 : 1, got, want);
		}
		rows++;
	}
	ok(rows > 200, "crit: %zu rows read", rows);
	ok(bad == 0, "crit: Grubbs and GESD critical values match scipy "
	   "(worst relative error %.3g)", worst);
	sv_reader_free(&r);
	fclose(fp);

	/* published tables (Grubbs 1969; NIST e-Handbook 1.3.5.17.3) */
	is_near(sv_grubbs_crit(3, 0.05, 0), 1.153, 1e-3, "Grubbs n 3 one-sided 5%%");
	is_near(sv_grubbs_crit(3, 0.05, 1), 1.155, 1e-3, "Grubbs n 3 two-sided 5%%");
	is_near(sv_grubbs_crit(10, 0.05, 2), 2.290, 1e-3, "Grubbs n 10 two-sided 5%%");
	is_near(sv_gesd_lambda(54, 1, 0.05, 1), 3.158, 2e-3 / 3.158,
	        "GESD lambda_1 n 54 (NIST: 3.158)");
	ok(sv_gesd_lambda(54, 10, 0.05, 1) < sv_gesd_lambda(54, 1, 0.05, 1),
	   "GESD lambda decreases with i");
	ok(sv_grubbs_crit(30, 0.05, 0) < sv_grubbs_crit(30, 0.05, 1),
	   "one-sided critical value below the two-sided one");
}

struct vcase {
	char name[64], method[16], side[8];
	double k, alpha, maxout, top, pct;
	double *x, *score;
	unsigned char *want;
	size_t n, cap;
};

static unsigned
side_of(const char *s)
{
	return strcmp(s, "low") == 0 ? SV_OUT_LOW
	     : strcmp(s, "high") == 0 ? SV_OUT_HIGH
	     : strcmp(s, "both") == 0 ? SV_OUT_BOTH : SV_OUT_NONE;
}

static size_t ncases_run;

static void
run_case(struct vcase *c)
{
	const struct sv_out_method *m = sv_out_lookup(c->method);
	struct sv_out_opts o = { .k = NAN, .alpha = 0.05 };
	double *score = calloc(c->n, sizeof *score), worst = 0;
	unsigned char *side = calloc(c->n, 1);
	size_t nbad = 0, nwant = 0;
	char err[256] = "";
	long got;

	ncases_run++;
	if (!ok(m != NULL, "%s: method '%s' known", c->name, c->method))
		return;
	o.side = side_of(c->side);
	if (!isnan(c->k))
		o.k = c->k;
	if (!isnan(c->alpha))
		o.alpha = c->alpha;
	if (!isnan(c->maxout))
		o.max_out = (size_t)c->maxout;
	if (!isnan(c->top))
		o.top = (size_t)c->top;
	if (!isnan(c->pct))
		o.pct = c->pct;
	got = sv_out_run(m, c->x, c->n, &o, score, side, err, sizeof err);
	if (!ok(got >= 0, "%s: runs (%s)", c->name, err))
		goto out;
	for (size_t i = 0; i < c->n; i++) {
		double d = fabs(score[i] - c->score[i]);

		nwant += c->want[i] != SV_OUT_NONE;
		if (side[i] != c->want[i])
			printf("#   row %zu value %.17g: side %s, want %s\n", i,
			       c->x[i], sv_out_side_name(side[i]),
			       sv_out_side_name(c->want[i]));
		nbad += side[i] != c->want[i];
		if (isnan(c->score[i]) != isnan(score[i]))
			d = INFINITY;
		else if (isnan(d))
			d = 0;
		else
			d /= fabs(c->score[i]) > 1 ? fabs(c->score[i]) : 1;
		if (d > worst)
			worst = d;
	}
	ok(nbad == 0, "%s: decisions match (%zu outliers of %zu)", c->name,
	   nwant, c->n);
	is_int(got, nwant, "%s: outlier count", c->name);
	ok(worst <= 1e-9, "%s: scores match (worst relative error %.3g)",
	   c->name, worst);
out:
	free(score);
	free(side);
}

static void
test_cases(void)
{
	struct sv_reader r;
	FILE *fp = open_vec(VEC "cases.tsv");
	struct vcase c = { 0 };
	enum sv_rec_status st;

	sv_reader_init(&r, fp, VEC "cases.tsv");
	while ((st = sv_reader_next(&r)) == SV_REC_DATA) {
		const char *name = r.field[col(&r, "case")];

		if (c.n && strcmp(name, c.name) != 0) {
			run_case(&c);
			c.n = 0;
		}
		if (c.n == 0) {
			snprintf(c.name, sizeof c.name, "%s", name);
			snprintf(c.method, sizeof c.method, "%s",
			         r.field[col(&r, "method")]);
			snprintf(c.side, sizeof c.side, "%s",
			         r.field[col(&r, "side")]);
			c.k = num(&r, "k");
			c.alpha = num(&r, "alpha");
			c.maxout = num(&r, "maxout");
			c.top = num(&r, "top");
			c.pct = num(&r, "pct");
		}
		if (c.n == c.cap) {
			c.cap = c.cap ? 2 * c.cap : 64;
			c.x = sv_realloc(c.x, c.cap * sizeof *c.x);
			c.score = sv_realloc(c.score, c.cap * sizeof *c.score);
			c.want = sv_realloc(c.want, c.cap);
		}
		c.x[c.n] = num(&r, "value");
		c.score[c.n] = num(&r, "score");
		c.want[c.n] = (unsigned char)side_of(r.field[col(&r, "out")]);
		c.n++;
	}
	is_int(st, SV_REC_EOF, "cases: read to the end");
	if (c.n)
		run_case(&c);
	ok(ncases_run >= 30, "cases: %zu cases run", ncases_run);
	free(c.x);
	free(c.score);
	free(c.want);
	sv_reader_free(&r);
	fclose(fp);
}

struct refusal {
	const char *method;
	size_t n, nna;      /* values, of which NA */
	size_t maxout, top;
	unsigned side;
	const char *err;
};

static const struct refusal refusals[] = {
	{ "z", 2, 0, 0, 0, SV_OUT_BOTH, "n = 2 values, z needs at least 3" },
	{ "mad", 2, 0, 0, 0, SV_OUT_BOTH, "n = 2 values, mad needs at least 3" },
	{ "mad", 0, 0, 0, 0, SV_OUT_BOTH, "n = 0 values, mad needs at least 3" },
	{ "mad", 5, 3, 0, 0, SV_OUT_BOTH, "n = 2 values, mad needs at least 3" },
	{ "tukey", 3, 0, 0, 0, SV_OUT_BOTH, "n = 3 values, tukey needs at least 4" },
	{ "grubbs", 2, 0, 0, 0, SV_OUT_BOTH, "n = 2 values, grubbs needs at least 3" },
	{ "gesd", 9, 0, 0, 0, SV_OUT_BOTH, "n = 9 values, gesd needs at least 10" },
	{ "gesd", 12, 3, 0, 0, SV_OUT_BOTH, "n = 9 values, gesd needs at least 10" },
	{ "gesd", 10, 0, 9, 0, SV_OUT_BOTH, "--max-outliers 9 with n = 10 values" },
	{ "tail", 1, 0, 0, 0, SV_OUT_BOTH, "n = 1 value, tail needs at least 2" },
	{ "tail", 9, 0, 0, 5, SV_OUT_BOTH, "--top 5 on both sides needs at least 10 values, there are 9" },
	{ "tail", 4, 0, 0, 5, SV_OUT_HIGH, "--top 5 on one side needs at least 5 values, there are 4" },
};

static void
test_refusals(void)
{
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		const struct refusal *c = &refusals[i];
		const struct sv_out_method *m = sv_out_lookup(c->method);
		struct sv_out_opts o = { .k = NAN, .alpha = 0.05,
		                         .max_out = c->maxout, .top = c->top,
		                         .side = c->side };
		double x[16], score[16];
		unsigned char side[16];
		char err[256] = "";
		long got;

		for (size_t j = 0; j < c->n; j++)
			x[j] = j < c->nna ? NAN : (double)(j * j);
		got = sv_out_run(m, x, c->n, &o, score, side, err, sizeof err);
		is_int(got, -1, "refuse %s n %zu: fails", c->method, c->n);
		ok(strstr(err, c->err) != NULL, "refuse %s: '%s' has '%s'",
		   c->method, err, c->err);
	}
}

static void
test_table(void)
{
	size_t bad = 0;

	ok(sv_out_nmethods == 6, "six methods");
	is_str(sv_out_methods[0].name, "mad", "mad first: the default");
	for (size_t i = 0; i < sv_out_nmethods; i++) {
		const struct sv_out_method *m = &sv_out_methods[i];

		bad += sv_out_lookup(m->name) != m;
		bad += !m->fn || !m->help || !m->score || m->min_n < 2;
		bad += (m->params & SV_OUT_P_K) && !(m->default_k > 0);
	}
	ok(bad == 0, "every row complete and found by its name");
	ok(sv_out_lookup("MAD") == NULL, "lookup is exact");
	ok(sv_out_lookup("") == NULL, "empty name unknown");
	ok(sv_out_lookup("grubb") == NULL, "no prefix matching");
	is_str(sv_out_side_name(SV_OUT_LOW), "low", "side name low");
	is_str(sv_out_side_name(SV_OUT_NONE), "none", "side name none");
}

static void
test_properties(void)
{
	/* NA is never an outlier; the others do not move */
	double x[12] = { 1, 1.1, 0.9, 1.05, 0.95, NAN, 1, 1.02, 0.98, 50,
	                 NAN, 1.01 };
	double score[12];
	unsigned char side[12];
	char err[256];
	struct sv_out_opts o = { .k = NAN, .alpha = 0.05, .side = SV_OUT_BOTH };
	long got = sv_out_run(sv_out_lookup("mad"), x, 12, &o, score, side,
	                      err, sizeof err);

	is_int(got, 1, "mad with NA: one outlier");
	is_int(side[9], SV_OUT_HIGH, "mad with NA: the 50 is high");
	ok(isnan(score[5]) && side[5] == SV_OUT_NONE, "NA scores NA, side none");
	o.side = SV_OUT_LOW;
	got = sv_out_run(sv_out_lookup("mad"), x, 12, &o, score, side, err,
	                 sizeof err);
	is_int(got, 0, "mad --side low ignores the high outlier");
	o.side = SV_OUT_BOTH;
	o.k = 1e6;
	got = sv_out_run(sv_out_lookup("z"), x, 12, &o, score, side, err,
	                 sizeof err);
	is_int(got, 0, "z with a huge k finds nothing");
	o.k = 0;
	got = sv_out_run(sv_out_lookup("tukey"), x, 12, &o, score, side, err,
	                 sizeof err);
	ok(got >= 2, "tukey k 0 flags everything outside the quartiles (%ld)",
	   got);
}

int
main(void)
{
	sv_setlocale();
	test_crit();
	test_cases();
	test_refusals();
	test_table();
	test_properties();
	return tap_done();
}
