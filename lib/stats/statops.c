/* statops.c - datamash-compatible operations, computed in long double with
 * datamash's own formulas so that the printed digits agree */
#include "statops.h"
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const struct sv_statop sv_statops[] = {
	{ "count",    SV_OP_COUNT,    SV_PARAM_NONE, 0, "number of values" },
	{ "sum",      SV_OP_SUM,      SV_PARAM_NONE, 0, "sum" },
	{ "min",      SV_OP_MIN,      SV_PARAM_NONE, 0, "smallest value" },
	{ "max",      SV_OP_MAX,      SV_PARAM_NONE, 0, "largest value" },
	{ "absmin",   SV_OP_ABSMIN,   SV_PARAM_NONE, 0, "value of smallest magnitude" },
	{ "absmax",   SV_OP_ABSMAX,   SV_PARAM_NONE, 0, "value of largest magnitude" },
	{ "range",    SV_OP_RANGE,    SV_PARAM_NONE, 0, "max - min" },
	{ "first",    SV_OP_FIRST,    SV_PARAM_NONE, 0, "first value, as written" },
	{ "last",     SV_OP_LAST,     SV_PARAM_NONE, 0, "last value, as written" },
	{ "mean",     SV_OP_MEAN,     SV_PARAM_NONE, 0, "arithmetic mean" },
	{ "geomean",  SV_OP_GEOMEAN,  SV_PARAM_NONE, 0, "geometric mean" },
	{ "harmmean", SV_OP_HARMMEAN, SV_PARAM_NONE, 0, "harmonic mean" },
	{ "trimmean", SV_OP_TRIMMEAN, SV_PARAM_TRIM, 1, "trimmed mean; trimmean:F cuts F (0..0.5, default 0) from each end" },
	{ "median",   SV_OP_MEDIAN,   SV_PARAM_NONE, 1, "median" },
	{ "q1",       SV_OP_Q1,       SV_PARAM_NONE, 1, "first quartile (type 7)" },
	{ "q3",       SV_OP_Q3,       SV_PARAM_NONE, 1, "third quartile (type 7)" },
	{ "iqr",      SV_OP_IQR,      SV_PARAM_NONE, 1, "q3 - q1" },
	{ "perc",     SV_OP_PERC,     SV_PARAM_PERC, 1, "percentile; perc:P with integer P in 1..100 (default 95)" },
	{ "mode",     SV_OP_MODE,     SV_PARAM_NONE, 1, "most frequent value (the smallest of ties)" },
	{ "antimode", SV_OP_ANTIMODE, SV_PARAM_NONE, 1, "least frequent value (the smallest of ties)" },
	{ "pstdev",   SV_OP_PSTDEV,   SV_PARAM_NONE, 0, "population standard deviation" },
	{ "sstdev",   SV_OP_SSTDEV,   SV_PARAM_NONE, 0, "sample standard deviation (n-1)" },
	{ "pvar",     SV_OP_PVAR,     SV_PARAM_NONE, 0, "population variance" },
	{ "svar",     SV_OP_SVAR,     SV_PARAM_NONE, 0, "sample variance (n-1)" },
	{ "mad",      SV_OP_MAD,      SV_PARAM_NONE, 1, "median absolute deviation, times 1.4826" },
	{ "madraw",   SV_OP_MADRAW,   SV_PARAM_NONE, 1, "median absolute deviation, unscaled" },
	{ "pskew",    SV_OP_PSKEW,    SV_PARAM_NONE, 0, "population skewness" },
	{ "sskew",    SV_OP_SSKEW,    SV_PARAM_NONE, 0, "sample skewness" },
	{ "pkurt",    SV_OP_PKURT,    SV_PARAM_NONE, 0, "population excess kurtosis" },
	{ "skurt",    SV_OP_SKURT,    SV_PARAM_NONE, 0, "sample excess kurtosis" },
	{ "jarque",   SV_OP_JARQUE,   SV_PARAM_NONE, 0, "p-value of the Jarque-Bera normality test" },
	{ "dpo",      SV_OP_DPO,      SV_PARAM_NONE, 0, "p-value of the D'Agostino-Pearson omnibus test (datamash's)" },
	{ NULL, 0, 0, 0, NULL }
};

const struct sv_statop *
sv_statop_find(const char *name)
{
	for (const struct sv_statop *o = sv_statops; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

enum sv_opparse_status
sv_statop_parse(const char *spec, struct sv_opcall *out)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	const struct sv_statop *op = NULL;
	const char *e;

	for (const struct sv_statop *o = sv_statops; o->name; o++)
		if (strlen(o->name) == len && memcmp(o->name, spec, len) == 0)
			op = o;
	if (!op)
		return SV_OPPARSE_UNKNOWN;
	out->op = op;
	out->col = -1;
	switch (op->param) {
	case SV_PARAM_NONE:
		out->param = 0;
		return colon ? SV_OPPARSE_NOPARAM : SV_OPPARSE_OK;
	case SV_PARAM_PERC:
		out->param = 95;
		if (colon)
			out->param = (double)sv_parse_u64(colon + 1, 1, 100, &e);
		return colon && e ? SV_OPPARSE_BADPARAM : SV_OPPARSE_OK;
	case SV_PARAM_TRIM:
		out->param = 0;
		if (colon)
			out->param = sv_parse_double(colon + 1, 0, 0.5, &e);
		return colon && e ? SV_OPPARSE_BADPARAM : SV_OPPARSE_OK;
	}
	return SV_OPPARSE_UNKNOWN;
}

/* --- datamash's formulas, in long double */

static long double
median_l(const long double *v, size_t n)
{
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* h computed in double, as datamash does */
static long double
perc_l(const long double *v, size_t n, double p)
{
	const double h = (double)(n - 1) * p;
	const size_t fh = (size_t)floor(h);

	if (n == 1)
		return v[0];
	if (fh + 1 >= n)
		return v[n - 1];
	return v[fh] + (h - (double)fh) * (v[fh + 1] - v[fh]);
}

static long double
mean_l(const long double *v, size_t n)
{
	long double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return sum / n;
}

static long double
var_l(const long double *v, size_t n, size_t df)
{
	long double mean, sum = 0;

	if (n == df)
		return nanl("");
	mean = mean_l(v, n);
	for (size_t i = 0; i < n; i++)
		sum += (v[i] - mean) * (v[i] - mean);
	return sum / (n - df);
}

static long double
skew_l(const long double *v, size_t n, int sample)
{
	long double m2 = 0, m3 = 0, mean, g;

	if (n <= 1)
		return nanl("");
	mean = mean_l(v, n);
	for (size_t i = 0; i < n; i++) {
		const long double t = v[i] - mean;

		m2 += t * t;
		m3 += t * t * t;
	}
	m2 /= n;
	m3 /= n;
	g = m3 / sqrtl(m2 * m2 * m2);
	if (sample) {
		if (n <= 2)
			return nanl("");
		g = (sqrtl(n * (n - 1)) / (n - 2)) * g;
	}
	return g;
}

static long double
kurt_l(const long double *v, size_t n, int sample)
{
	long double m2 = 0, m4 = 0, mean, g;

	if (n <= 1)
		return nanl("");
	mean = mean_l(v, n);
	for (size_t i = 0; i < n; i++) {
		const long double t = v[i] - mean;

		m2 += t * t;
		m4 += t * t * t * t;
	}
	m2 /= n;
	m4 /= n;
	g = m4 / (m2 * m2) - 3;
	if (sample) {
		if (n <= 3)
			return nanl("");
		g = (((long double)n - 1) /
		     (((long double)n - 2) * ((long double)n - 3))) *
		    ((n + 1) * g + 6);
	}
	return g;
}

static long double
mode_l(const long double *v, size_t n, int anti)
{
	long double last = v[0], best = v[0];
	size_t run = 1, bestrun = anti ? (size_t)-1 : 1;

	for (size_t i = 1; i < n; i++) {
		int eq = !(v[i] < last) && !(v[i] > last);

		if (eq)
			run++;
		if ((!anti && run > bestrun) || (anti && run < bestrun)) {
			bestrun = run;
			best = last;
		}
		if (!eq)
			run = 1;
		last = v[i];
	}
	return best;
}

static long double
mad_l(const long double *v, size_t n, double scale, long double *work)
{
	const long double med = median_l(v, n);

	for (size_t i = 0; i < n; i++)
		work[i] = fabsl(med - v[i]);
	sv_sort_ldouble(work, n);
	return median_l(work, n) * scale;
}

static long double
eval(const struct sv_opcall *c, const long double *v, size_t n,
     long double *work)
{
	long double r = 0;

	switch (c->op->id) {
	case SV_OP_COUNT:
		return n;
	case SV_OP_SUM:
		for (size_t i = 0; i < n; i++)
			r += v[i];
		return r;
	case SV_OP_FIRST:
	case SV_OP_LAST:
		return 0; /* printed as text */
	default:
		break;
	}
	if (n == 0)
		return nanl("");
	switch (c->op->id) {
	case SV_OP_MIN:
	case SV_OP_MAX:
	case SV_OP_RANGE: {
		long double lo = v[0], hi = v[0];

		for (size_t i = 1; i < n; i++) {
			if (v[i] < lo)
				lo = v[i];
			if (v[i] > hi)
				hi = v[i];
		}
		return c->op->id == SV_OP_MIN ? lo
		       : c->op->id == SV_OP_MAX ? hi : hi - lo;
	}
	case SV_OP_ABSMIN:
	case SV_OP_ABSMAX: {
		long double best = v[0];

		for (size_t i = 1; i < n; i++)
			if (c->op->id == SV_OP_ABSMIN
			        ? fabsl(v[i]) < fabsl(best)
			        : fabsl(v[i]) > fabsl(best))
				best = v[i];
		return best;
	}
	case SV_OP_MEAN:
		return mean_l(v, n);
	case SV_OP_GEOMEAN:
		for (size_t i = 0; i < n; i++)
			r += logl(v[i]);
		return expl(r / n);
	case SV_OP_HARMMEAN:
		for (size_t i = 0; i < n; i++)
			r += 1.0L / v[i];
		return n / r;
	case SV_OP_TRIMMEAN: {
		size_t k, end;

		if (c->param >= 0.5)
			return median_l(v, n);
		k = (size_t)floorl(n * (long double)c->param);
		end = n - k;
		for (size_t i = k; i < end; i++)
			r += v[i];
		return r / (end - k);
	}
	case SV_OP_MEDIAN:
		return median_l(v, n);
	case SV_OP_Q1:
		return perc_l(v, n, 0.25);
	case SV_OP_Q3:
		return perc_l(v, n, 0.75);
	case SV_OP_IQR:
		return perc_l(v, n, 0.75) - perc_l(v, n, 0.25);
	case SV_OP_PERC:
		return perc_l(v, n, c->param / 100.0);
	case SV_OP_MODE:
		return mode_l(v, n, 0);
	case SV_OP_ANTIMODE:
		return mode_l(v, n, 1);
	case SV_OP_PSTDEV:
		return sqrtl(var_l(v, n, 0));
	case SV_OP_SSTDEV:
		return sqrtl(var_l(v, n, 1));
	case SV_OP_PVAR:
		return var_l(v, n, 0);
	case SV_OP_SVAR:
		return var_l(v, n, 1);
	case SV_OP_MAD:
		return mad_l(v, n, 1.4826, work);
	case SV_OP_MADRAW:
		return mad_l(v, n, 1.0, work);
	case SV_OP_PSKEW:
		return skew_l(v, n, 0);
	case SV_OP_SSKEW:
		return skew_l(v, n, 1);
	case SV_OP_PKURT:
		return kurt_l(v, n, 0);
	case SV_OP_SKURT:
		return kurt_l(v, n, 1);
	case SV_OP_JARQUE: {
		const long double k = kurt_l(v, n, 0), s = skew_l(v, n, 0);
		const long double jb = (n * (s * s + k * k / 4)) / 6.0;

		if (n <= 1 || isnan(k) || isnan(s))
			return nanl("");
		return 1 - (1.0 - expl(-jb / 2));
	}
	case SV_OP_DPO: {
		/* z of sample skewness and kurtosis over their standard
		 * errors; chi-square with 2 df */
		const long double sk = skew_l(v, n, 1), ku = kurt_l(v, n, 1);
		long double ses, sek, zs, zk;

		if (n <= 3)
			return nanl("");
		ses = sqrtl((long double)(6.0 * n * (n - 1)) /
		            ((long double)(n - 2) * (n + 1) * (n + 3)));
		sek = 2 * ses * sqrtl((long double)(n * n - 1) /
		                      ((long double)((n - 3) * (n + 5))));
		zs = sk / ses;
		zk = ku / sek;
		if (isnan(zs) || isnan(zk))
			return nanl("");
		return 1.0 - (1.0 - expl(-(zs * zs + zk * zk) / 2));
	}
	default:
		return nanl("");
	}
}

void
sv_statop_eval(const struct sv_opcall *c, const long double *v, size_t n,
               const char *first, const char *last, long double *work,
               struct sv_buf *b)
{
	if (c->op->id == SV_OP_FIRST || c->op->id == SV_OP_LAST) {
		const char *s = c->op->id == SV_OP_FIRST ? first : last;

		sv_buf_puts(b, s ? s : "nan");
		return;
	}
	sv_buf_printf(b, "%.14Lg", eval(c, v, n, work));
}

int
sv_statop_streams(const struct sv_statop *op)
{
	switch (op->id) {
	case SV_OP_COUNT: case SV_OP_SUM: case SV_OP_MIN: case SV_OP_MAX:
	case SV_OP_RANGE: case SV_OP_MEAN: case SV_OP_FIRST: case SV_OP_LAST:
		return 1;
	default:
		return 0;
	}
}

/* A streaming op from cv's count, sum, min and max: the same operations
 * in the same order as eval() over the values, so the same bits. */
static long double
eval_running(const struct sv_opcall *c, const struct sv_colvals *cv)
{
	if (c->op->id == SV_OP_COUNT)
		return cv->n;
	if (c->op->id == SV_OP_SUM)
		return cv->sum;
	if (cv->n == 0)
		return nanl("");
	switch (c->op->id) {
	case SV_OP_MIN: return cv->lo;
	case SV_OP_MAX: return cv->hi;
	case SV_OP_RANGE: return cv->hi - cv->lo;
	default: return cv->sum / cv->n; /* mean */
	}
}

size_t
sv_statop_columns(const struct sv_opcall *calls, size_t n, int *cols,
                  size_t *slot, int *text, int *keep)
{
	size_t ncols = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < ncols; j++)
			if (cols[j] == calls[i].col)
				break;
		if (j == ncols) {
			cols[ncols] = calls[i].col;
			text[ncols] = 0;
			keep[ncols++] = 0;
		}
		slot[i] = j;
		if (calls[i].op->id == SV_OP_FIRST ||
		    calls[i].op->id == SV_OP_LAST)
			text[j] = 1;
		if (!sv_statop_streams(calls[i].op))
			keep[j] = 1;
	}
	return ncols;
}

void
sv_statop_eval_row(const struct sv_opcall *calls, size_t n,
                   const size_t *slot, const struct sv_colvals *cv,
                   size_t ncols, struct sv_buf *b)
{
	/* sorted copies: datamash gives every op its own values, so sums
	 * run in input order even after a median */
	long double **sorted = sv_calloc(ncols ? ncols : 1, sizeof *sorted);
	long double *work;
	size_t nmax = 1;

	for (size_t j = 0; j < ncols; j++)
		nmax = cv[j].n > nmax ? cv[j].n : nmax;
	work = sv_mallocarray(nmax, sizeof *work); /* scratch for mad */
	for (size_t i = 0; i < n; i++) {
		const struct sv_colvals *c = &cv[slot[i]];
		const long double *v = c->v;

		if (sv_statop_streams(calls[i].op) && calls[i].op->id !=
		    SV_OP_FIRST && calls[i].op->id != SV_OP_LAST) {
			sv_buf_printf(b, "%.14Lg", eval_running(&calls[i], c));
			sv_buf_puts(b, i + 1 < n ? "\t" : "\n");
			continue;
		}
		if (calls[i].op->sorted) {
			long double **sj = &sorted[slot[i]];

			if (!*sj) {
				*sj = sv_mallocarray(c->n ? c->n : 1, sizeof **sj);
				memcpy(*sj, c->v, c->n * sizeof *c->v);
				sv_sort_ldouble(*sj, c->n);
			}
			v = *sj;
		}
		sv_statop_eval(&calls[i], v, c->n, c->first.p, c->last.p, work,
		               b);
		sv_buf_puts(b, i + 1 < n ? "\t" : "\n");
	}
	for (size_t j = 0; j < ncols; j++)
		free(sorted[j]);
	free(sorted);
	free(work);
}

void
sv_statop_help(FILE *fp)
{
	for (const struct sv_statop *o = sv_statops; o->name; o++)
		fprintf(fp, "  %-9s %s\n", o->name, o->help);
}

void
sv_statop_list(FILE *fp)
{
	for (const struct sv_statop *o = sv_statops; o->name; o++)
		fprintf(fp, "%s\n", o->name);
}

/* Edit distance of a[0..na-1] and b (insertions, deletions,
 * substitutions and swaps of neighbours: "medain" is 1 from "median"),
 * capped at 9 */
static int
edit_distance(const char *a, size_t na, const char *b)
{
	size_t nb = strlen(b);
	int d[32][32];

	if (na > 30 || nb > 30)
		return 9;
	for (size_t i = 0; i <= na; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= na; i++)
		for (size_t j = 1; j <= nb; j++) {
			int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[na][nb] > 9 ? 9 : d[na][nb];
}

const char *
sv_statop_suggest(const char *word)
{
	size_t n = strcspn(word, ":");
	int best = n <= 3 ? 2 : 3;
	const char *name = NULL;

	for (const struct sv_statop *op = sv_statops; op->name; op++) {
		int d = edit_distance(word, n, op->name);

		if (d < best) {
			best = d;
			name = op->name;
		}
	}
	return name;
}
