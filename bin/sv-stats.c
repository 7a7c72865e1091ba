/* sv-stats - the distribution of scores over seeds: the paper's table,
 * datamash-compatible operations, uncertainty, normality, the claim audit,
 * two-group comparison and figures */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stats/bootstrap.h"
#include "stats/claim.h"
#include "stats/compare.h"
#include "stats/normality.h"
#include "stats/plot.h"
#include "formats/record.h"
#include "stats/statops.h"
#include "stats/stats.h"
#include "base/util.h"

static const char synopsis[] =
	"sv-stats [-j] [-f COL] [-g COL] [--ci] [--normality] [--claim X]\n"
	"                [--plot FILE.svg] [FILE...]\n"
	"       sv-stats [-g COL] [--narm] OP COL [OP COL]... [FILE...]";

enum {
	OPT_NARM = 256, OPT_CI, OPT_NORMALITY, OPT_ALL, OPT_REPS, OPT_LEVEL,
	OPT_RNG_SEED, OPT_CLAIM, OPT_BEST_OF, OPT_TEST_SIZE, OPT_PLOT,
	OPT_PLOT_EPOCHS, OPT_HISTOGRAM, OPT_NO_HISTOGRAM, OPT_LIST_OPS,
	OPT_LIST_OPTIONS
};

static const struct option longopts[] = {
	{ "field", required_argument, NULL, 'f' },
	{ "group", required_argument, NULL, 'g' },
	{ "json", no_argument, NULL, 'j' },
	{ "narm", no_argument, NULL, OPT_NARM },
	{ "ci", no_argument, NULL, OPT_CI },
	{ "normality", no_argument, NULL, OPT_NORMALITY },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "level", required_argument, NULL, OPT_LEVEL },
	{ "rng-seed", required_argument, NULL, OPT_RNG_SEED },
	{ "claim", required_argument, NULL, OPT_CLAIM },
	{ "best-of", required_argument, NULL, OPT_BEST_OF },
	{ "test-size", required_argument, NULL, OPT_TEST_SIZE },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "plot-epochs", required_argument, NULL, OPT_PLOT_EPOCHS },
	{ "histogram", no_argument, NULL, OPT_HISTOGRAM },
	{ "no-histogram", no_argument, NULL, OPT_NO_HISTOGRAM },
	{ "list-ops", no_argument, NULL, OPT_LIST_OPS },
	{ "list-options", no_argument, NULL, OPT_LIST_OPTIONS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	printf("usage: %s\n\n", synopsis);
	printf(
"Describe the distribution of one column over seeds.  Input: records\n"
"(a '#' header line, TSV rows) or plain numbers, on stdin or in FILEs.\n"
"The column is 'acc' when present, else the only numeric column.\n"
"With several FILEs and no -g, each file is a group.  When exactly two\n"
"groups are present they are compared.\n\n"
"Options:\n"
"  -f, --field=COL      the column to describe (name or 1-based number)\n"
"  -g, --group=COL      one summary per value of COL\n"
"  -j, --json           one JSON object per group (and one for a comparison)\n"
"      --ci             bootstrap CIs (percentile and BCa) of mean, median,\n"
"                       sd and IQM\n"
"      --reps=N         bootstrap resamples (default 10000; implies --ci)\n"
"      --level=X        confidence level, 0 < X < 1 (default 0.95)\n"
"      --rng-seed=N     bootstrap seed (default 1): same seed, same bits\n"
"      --normality      Shapiro-Wilk, Anderson-Darling, D'Agostino-Pearson\n"
"      --all            --ci and --normality\n"
"      --claim=X        audit a published score X against the seeds\n"
"      --best-of=LIST   n for the expected best of n seeds, e.g. 1,5,10\n"
"                       (default 1,2,5,10,20,50,100,... up to max(100, seeds))\n"
"      --test-size=N    test-set size, for the binomial noise floor test_se\n"
"                       (else taken from a 'total' column)\n"
"      --plot=FILE.svg  histogram with density, mean, +-1 sd (and the claim)\n"
"      --plot-epochs=FILE.svg\n"
"                       accuracy vs epoch (records with an 'epoch' column)\n"
"      --histogram      terminal histogram even when stdout is no tty\n"
"      --no-histogram   no terminal histogram\n"
"      --narm           operations: skip NA and NaN values\n"
"      --list-ops       the operation names, one a line\n"
"      --list-options   the long options, one a line\n"
"  -h, --help           this help\n"
"  -V, --version        the version\n\n"
"With an 'epoch' column, the summary takes each group's last epoch.\n\n"
"Operations (datamash-compatible, computed in long double, printed as\n"
"datamash does): sv-stats OP COL [OP COL]... prints one TSV line (per\n"
"group).  NA is an error unless --narm.\n");
	sv_statop_help(stdout);
	printf("\nExit status: 0 ok, 2 usage or bad input, 3 environment.\n");
}

/* --- options */

struct opts {
	const char *field, *group;
	int json, narm, ci, normality, histogram; /* histogram: -1 auto */
	uint64_t reps, rng_seed, test_size;
	double level, claim;
	size_t *best_of, nbest;
	const char *plot, *plot_epochs;
};

/* Parse a comma-separated list of seed counts.
 * Grammar: N (',' N)*, each N an integer 1..10^9.  *out is allocated
 * here and owned by the caller.  Returns 0, or -1 with *bad pointing at
 * the offending text (a copy, owned by the caller). */
static int
parse_best_of(const char *s, size_t **out, size_t *n, char **bad)
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

/* --- groups */

struct colvals {
	long double *v;
	size_t n, cap;
	struct sv_buf first, last; /* texts, kept only for first/last */
};

struct group {
	char *key;
	double *x, *ep; /* values; epochs when the input has them */
	size_t n, cap, na;
	double total;   /* test-set size from a 'total' column, or NAN */
	struct colvals *cv; /* operations: one per distinct column */
};

struct groups {
	struct group *g;
	size_t n, cap;
	size_t *slot; /* hash table of 1 + group index, 0 empty */
	size_t nslot;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct group *
group_get(struct groups *G, const char *key, size_t ncv)
{
	size_t i;

	if (G->n * 2 >= G->nslot) {
		size_t ns = G->nslot ? G->nslot * 2 : 64;

		free(G->slot);
		G->slot = sv_calloc(ns, sizeof *G->slot);
		G->nslot = ns;
		for (size_t j = 0; j < G->n; j++) {
			i = hash_str(G->g[j].key) & (ns - 1);
			while (G->slot[i])
				i = (i + 1) & (ns - 1);
			G->slot[i] = j + 1;
		}
	}
	i = hash_str(key) & (G->nslot - 1);
	while (G->slot[i]) {
		struct group *g = &G->g[G->slot[i] - 1];

		if (strcmp(g->key, key) == 0)
			return g;
		i = (i + 1) & (G->nslot - 1);
	}
	if (G->n == G->cap) {
		G->cap = G->cap ? G->cap * 2 : 8;
		G->g = sv_realloc(G->g, G->cap * sizeof *G->g);
	}
	G->slot[i] = G->n + 1;
	{
		struct group *g = &G->g[G->n++];

		memset(g, 0, sizeof *g);
		g->key = sv_strdup(key);
		g->total = NAN;
		if (ncv)
			g->cv = sv_calloc(ncv, sizeof *g->cv);
		return g;
	}
}

/* The group of key, checking the previous line's group first (input is
 * mostly sorted by group).  *last is an index into G->g, which moves. */
static struct group *
group_of(struct groups *G, size_t *last, const char *key, size_t ncv)
{
	struct group *g;

	if (*last < G->n) {
		const char *k = G->g[*last].key;

		/* the first byte settles most lines (and all ungrouped ones)
		 * without a call */
		if (k[0] == key[0] && (key[0] == '\0' || strcmp(k, key) == 0))
			return &G->g[*last];
	}
	g = group_get(G, key, ncv);
	*last = (size_t)(g - G->g);
	return g;
}

static void
groups_free(struct groups *G, size_t ncv)
{
	for (size_t i = 0; i < G->n; i++) {
		struct group *g = &G->g[i];

		for (size_t j = 0; j < ncv && g->cv; j++) {
			free(g->cv[j].v);
			sv_buf_free(&g->cv[j].first);
			sv_buf_free(&g->cv[j].last);
		}
		free(g->cv);
		free(g->key);
		free(g->x);
		free(g->ep);
	}
	free(G->g);
	free(G->slot);
}

/* --- the JSON writer */

static void
json_str(struct sv_buf *b, const char *s)
{
	sv_buf_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sv_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			sv_buf_printf(b, "\\u%04x", c);
		else
			sv_buf_add(b, s, 1);
	}
	sv_buf_puts(b, "\"");
}

static void
json_num(struct sv_buf *b, double v)
{
	if (isfinite(v))
		sv_put_shortest(b, v);
	else
		sv_buf_puts(b, "null");
}

static void
json_key(struct sv_buf *b, const char *k)
{
	sv_buf_puts(b, b->len && b->p[b->len - 1] != '{' ? ", " : "");
	json_str(b, k);
	sv_buf_puts(b, ": ");
}

static void
json_kv(struct sv_buf *b, const char *k, double v)
{
	json_key(b, k);
	json_num(b, v);
}

static void
json_pair(struct sv_buf *b, const char *k, double lo, double hi)
{
	json_key(b, k);
	if (isnan(lo) || isnan(hi)) {
		sv_buf_puts(b, "null");
		return;
	}
	sv_buf_puts(b, "[");
	json_num(b, lo);
	sv_buf_puts(b, ", ");
	json_num(b, hi);
	sv_buf_puts(b, "]");
}

/* --- one group's results */

struct result {
	const struct group *g;
	double *x;  /* sorted values (the last epoch when epochs exist) */
	size_t n;
	struct sv_summary s;
	double test_se, test_size;
	/* --ci: percentile and BCa, for mean, median, sd, iqm */
	struct sv_ci pct[4], bca[4];
	const char *ci_err;
	/* --normality */
	double sw_w, sw_p, ad_a2, ad_p, dp_k2, dp_p;
	const char *sw_err, *ad_err, *dp_err;
	int sw_rc, ad_rc, dp_rc;
	/* --claim */
	struct sv_claim claim;
	double *best, *best_sd, *best_wor;
};

static const char *const ci_name[4] = { "mean", "median", "sd", "iqm" };

static void
compute(const struct opts *o, const struct group *g, struct result *r)
{
	memset(r, 0, sizeof *r);
	r->g = g;
	r->x = g->x;
	r->n = g->n;
	if (g->ep) {
		/* keep the rows of the last epoch */
		double emax = -INFINITY;
		size_t k = 0;

		for (size_t i = 0; i < g->n; i++)
			emax = fmax(emax, g->ep[i]);
		r->x = sv_mallocarray(g->n ? g->n : 1, sizeof *r->x);
		for (size_t i = 0; i < g->n; i++)
			if (g->ep[i] == emax)
				r->x[k++] = g->x[i];
		r->n = k;
	}
	sv_sort_double(r->x, r->n);
	sv_summarize(r->x, r->n, &r->s);
	r->test_size = o->test_size ? (double)o->test_size : g->total;
	r->test_se = NAN;
	if (r->test_size > 0 && r->n) {
		/* fraction, or percent when a value exceeds 1 */
		double scale = r->s.max > 1 ? 100 : 1, p = r->s.mean / scale;

		if (p >= 0 && p <= 1)
			r->test_se = scale * sqrt(p * (1 - p) / r->test_size);
	}
	if (o->ci) {
		for (int k = 0; k < 4; k++) {
			int rc = sv_bootstrap_ci(r->x, r->n, (enum sv_boot_stat)k,
			                         o->reps, o->level, o->rng_seed,
			                         &r->pct[k], &r->bca[k]);

			if (rc < 0 && rc != SV_BOOT_EBCA)
				r->ci_err = sv_bootstrap_strerror(rc);
		}
	}
	if (o->normality) {
		int rc;

		rc = r->sw_rc = sv_shapiro_wilk(r->x, r->n, &r->sw_w, &r->sw_p);
		r->sw_err = rc < 0 ? sv_normality_strerror(rc) : NULL;
		rc = r->ad_rc = sv_anderson_darling(r->x, r->n, &r->ad_a2,
		                                    &r->ad_p);
		r->ad_err = rc < 0 ? sv_normality_strerror(rc) : NULL;
		rc = r->dp_rc = sv_dagostino_pearson(r->x, r->n, &r->dp_k2,
		                                     &r->dp_p);
		r->dp_err = rc < 0 ? sv_normality_strerror(rc) : NULL;
		if (r->sw_err)
			r->sw_w = r->sw_p = NAN;
		if (r->ad_err)
			r->ad_a2 = r->ad_p = NAN;
		if (r->dp_err)
			r->dp_k2 = r->dp_p = NAN;
	}
	if (!isnan(o->claim)) {
		sv_claim_audit(r->x, r->n, o->claim, &r->claim);
		r->best = sv_mallocarray(o->nbest + 1, sizeof *r->best);
		r->best_sd = sv_mallocarray(o->nbest + 1, sizeof *r->best_sd);
		r->best_wor = sv_mallocarray(o->nbest + 1, sizeof *r->best_wor);
		for (size_t i = 0; i < o->nbest; i++) {
			r->best[i] = sv_expected_best(r->x, r->n, o->best_of[i],
			                              1, &r->best_sd[i]);
			r->best_wor[i] = sv_expected_best(r->x, r->n,
			                                  o->best_of[i], 0, NULL);
		}
	}
}

static void
result_free(struct result *r)
{
	if (r->x != r->g->x)
		free(r->x);
	free(r->best);
	free(r->best_sd);
	free(r->best_wor);
}

static void
put_json(const struct opts *o, const struct result *r, const char *col,
         int grouped, struct sv_buf *b)
{
	const struct sv_summary *s = &r->s;

	sv_buf_puts(b, "{");
	if (grouped) {
		json_key(b, "group");
		json_str(b, r->g->key);
	}
	json_key(b, "column");
	json_str(b, col);
	json_kv(b, "n", (double)s->n);
	json_kv(b, "na", (double)r->g->na);
	json_kv(b, "mean", s->mean);
	json_kv(b, "sd", s->sd);
	json_kv(b, "min", s->min);
	json_kv(b, "max", s->max);
	json_kv(b, "range", s->range);
	json_kv(b, "q1", s->q1);
	json_kv(b, "median", s->median);
	json_kv(b, "q3", s->q3);
	json_kv(b, "iqr", s->iqr);
	json_kv(b, "skew", s->skew);
	json_kv(b, "kurt", s->kurt);
	json_kv(b, "iqm", s->iqm);
	json_kv(b, "mad", s->mad);
	if (r->test_size > 0) {
		json_kv(b, "test_size", r->test_size);
		json_kv(b, "test_se", r->test_se);
	}
	if (o->ci) {
		char k[32];

		json_kv(b, "level", o->level);
		json_kv(b, "reps", (double)o->reps);
		for (int i = 0; i < 4; i++) {
			snprintf(k, sizeof k, "%s_ci", ci_name[i]);
			json_pair(b, k, r->pct[i].lo, r->pct[i].hi);
			snprintf(k, sizeof k, "%s_ci_bca", ci_name[i]);
			json_pair(b, k, r->bca[i].lo, r->bca[i].hi);
		}
	}
	if (o->normality) {
		json_kv(b, "sw_w", r->sw_w);
		json_kv(b, "sw_p", r->sw_p);
		json_kv(b, "ad_a2", r->ad_a2);
		json_kv(b, "ad_p", r->ad_p);
		json_kv(b, "dp_k2", r->dp_k2);
		json_kv(b, "dp_p", r->dp_p);
	}
	if (!isnan(o->claim)) {
		json_kv(b, "claim", o->claim);
		json_kv(b, "claim_percentile", r->claim.percentile);
		json_kv(b, "p_single", r->claim.p_single);
		json_kv(b, "seeds_for_claim_50", r->claim.seeds_50);
		json_kv(b, "seeds_for_claim_95", r->claim.seeds_95);
		json_key(b, "best_of");
		sv_buf_puts(b, "[");
		for (size_t i = 0; i < o->nbest; i++) {
			sv_buf_printf(b, "%s{\"n\": %zu", i ? ", " : "",
			              o->best_of[i]);
			json_kv(b, "expected", r->best[i]);
			json_kv(b, "sd", r->best_sd[i]);
			json_kv(b, "expected_without_replacement",
			        r->best_wor[i]);
			sv_buf_puts(b, "}");
		}
		sv_buf_puts(b, "]");
	}
	sv_buf_puts(b, "}\n");
}

/* --- the human-readable table: one row per statistic, one column per
 * group */

struct table {
	char **cell; /* rows x cols */
	size_t rows, cols, cap;
};

static void
table_row(struct table *t, const char *label, char **cells)
{
	if (t->rows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->cell = sv_realloc(t->cell, t->cap * t->cols * sizeof *t->cell);
	}
	t->cell[t->rows * t->cols] = sv_strdup(label);
	for (size_t c = 1; c < t->cols; c++)
		t->cell[t->rows * t->cols + c] = cells[c - 1];
	t->rows++;
}

static void
table_print(const struct table *t, struct sv_buf *b)
{
	size_t *w = sv_calloc(t->cols, sizeof *w);

	for (size_t r = 0; r < t->rows; r++)
		for (size_t c = 0; c < t->cols; c++) {
			size_t l = strlen(t->cell[r * t->cols + c]);

			if (l > w[c])
				w[c] = l;
		}
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t c = 0; c < t->cols; c++) {
			const char *s = t->cell[r * t->cols + c];

			if (c == 0)
				sv_buf_printf(b, "%-*s", (int)w[c], s);
			else
				sv_buf_printf(b, "  %*s", (int)w[c], s);
		}
		sv_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < t->rows * t->cols; i++)
		free(t->cell[i]);
	free(w);
}

static char *
fmt_g(double v)
{
	struct sv_buf b = { 0 };

	if (isnan(v))
		sv_buf_puts(&b, "NA");
	else
		sv_buf_printf(&b, "%.6g", v);
	return b.p;
}

static char *
fmt_ci(struct sv_ci c)
{
	struct sv_buf b = { 0 };

	if (isnan(c.lo) || isnan(c.hi))
		sv_buf_puts(&b, "NA");
	else
		sv_buf_printf(&b, "%.5g..%.5g", c.lo, c.hi);
	return b.p;
}

enum { F_N, F_MEAN, F_SD, F_MIN, F_MAX, F_RANGE, F_Q1, F_MEDIAN, F_Q3,
       F_IQR, F_SKEW, F_KURT, F_IQM, F_MAD, F_NSUMMARY };
static const char *const summary_label[F_NSUMMARY] = {
	"n", "mean", "sd", "min", "max", "range", "q1", "median", "q3",
	"iqr", "skew", "kurt", "iqm", "mad"
};

static double
summary_field(const struct sv_summary *s, int f)
{
	switch (f) {
	case F_N: return (double)s->n;
	case F_MEAN: return s->mean;
	case F_SD: return s->sd;
	case F_MIN: return s->min;
	case F_MAX: return s->max;
	case F_RANGE: return s->range;
	case F_Q1: return s->q1;
	case F_MEDIAN: return s->median;
	case F_Q3: return s->q3;
	case F_IQR: return s->iqr;
	case F_SKEW: return s->skew;
	case F_KURT: return s->kurt;
	case F_IQM: return s->iqm;
	default: return s->mad;
	}
}

static void
put_table(const struct opts *o, struct result *res, size_t nr,
          const char *col, int grouped, struct sv_buf *b)
{
	struct table t = { NULL, 0, nr + 1, 0 };
	char **cells = sv_calloc(nr, sizeof *cells);
	int any_se = 0, any_na = 0;

	for (size_t i = 0; i < nr; i++) {
		any_se |= res[i].test_size > 0;
		any_na |= res[i].g->na > 0;
	}
	for (size_t i = 0; i < nr; i++)
		cells[i] = sv_strdup(grouped ? res[i].g->key : col);
	table_row(&t, grouped ? col : "", cells);
	for (int f = 0; f < F_NSUMMARY; f++) {
		for (size_t i = 0; i < nr; i++)
			cells[i] = fmt_g(summary_field(&res[i].s, f));
		table_row(&t, summary_label[f], cells);
		if (f == F_N && any_na) {
			for (size_t i = 0; i < nr; i++)
				cells[i] = fmt_g((double)res[i].g->na);
			table_row(&t, "NA skipped", cells);
		}
		if (f == F_SD && any_se) {
			for (size_t i = 0; i < nr; i++)
				cells[i] = fmt_g(res[i].test_se);
			table_row(&t, "test se", cells);
		}
	}
	if (o->ci) {
		char label[64];

		for (int k = 0; k < 4; k++) {
			snprintf(label, sizeof label, "%s %g%% CI", ci_name[k],
			         100 * o->level);
			for (size_t i = 0; i < nr; i++)
				cells[i] = fmt_ci(res[i].pct[k]);
			table_row(&t, label, cells);
			snprintf(label, sizeof label, "%s %g%% BCa", ci_name[k],
			         100 * o->level);
			for (size_t i = 0; i < nr; i++)
				cells[i] = fmt_ci(res[i].bca[k]);
			table_row(&t, label, cells);
		}
	}
	if (o->normality) {
		static const char *lab[6] = { "Shapiro-Wilk W", "  p",
			                      "Anderson-Darling A2", "  p",
			                      "D'Agostino K2", "  p" };

		for (int k = 0; k < 6; k++) {
			for (size_t i = 0; i < nr; i++) {
				const struct result *r = &res[i];
				double v[6] = { r->sw_w, r->sw_p, r->ad_a2,
					        r->ad_p, r->dp_k2, r->dp_p };

				cells[i] = fmt_g(v[k]);
			}
			table_row(&t, lab[k], cells);
		}
	}
	table_print(&t, b);
	free(t.cell);
	free(cells);
	for (size_t i = 0; i < nr && o->normality; i++) {
		const struct result *r = &res[i];
		const char *e[3] = { r->sw_err, r->ad_err, r->dp_err };
		const char *name[3] = { "Shapiro-Wilk", "Anderson-Darling",
			                "D'Agostino-Pearson" };

		const char *range[3] = { "3..5000", "at least 3",
			                 "at least 8" };
		int rc[3] = { r->sw_rc, r->ad_rc, r->dp_rc };

		for (int k = 0; k < 3; k++) {
			if (!e[k])
				continue;
			sv_buf_printf(b, "note: %s%s%s: not computed: ", name[k],
			              grouped ? " for " : "",
			              grouped ? r->g->key : "");
			if (rc[k] == SV_NORM_ERANGE)
				sv_buf_printf(b, "needs %s values, got %zu\n",
				              range[k], r->n);
			else
				sv_buf_printf(b, "%s\n", e[k]);
		}
	}
	for (size_t i = 0; i < nr && o->ci; i++)
		if (res[i].ci_err)
			sv_buf_printf(b, "note: bootstrap%s%s: %s\n",
			              grouped ? " for " : "",
			              grouped ? res[i].g->key : "", res[i].ci_err);
}

/* The claim audit, the centrepiece when --claim is given. */
static void
put_claim(const struct opts *o, const struct result *r, const char *col,
          int grouped, struct sv_buf *b)
{
	const struct sv_claim *c = &r->claim;

	sv_buf_printf(b, "\nClaim audit: %s = %.6g against %zu seeds%s%s\n",
	              col, o->claim, r->n, grouped ? " of " : "",
	              grouped ? r->g->key : "");
	sv_buf_printf(b, "  percentile of the claim     %.4g\n", c->percentile);
	sv_buf_printf(b, "  one seed reaches it         %.4g (p_single)\n",
	              c->p_single);
	if (isnan(c->seeds_50))
		sv_buf_puts(b, "  seeds to reach it           out of reach: "
		               "no observed seed does\n");
	else
		sv_buf_printf(b, "  seeds to reach it           %.0f for a 50%% "
		              "chance, %.0f for 95%%\n", c->seeds_50, c->seeds_95);
	sv_buf_puts(b, "  expected best of n seeds (report the best seed):\n");
	sv_buf_puts(b, "         n  with repl.          sd  without repl.\n");
	for (size_t i = 0; i < o->nbest; i++) {
		char *a = fmt_g(r->best[i]), *s = fmt_g(r->best_sd[i]),
		     *w = fmt_g(r->best_wor[i]);

		sv_buf_printf(b, "  %8zu  %10s  %10s  %13s\n", o->best_of[i], a,
		              s, w);
		free(a), free(s), free(w);
	}
	if (r->n == 0)
		sv_buf_puts(b, "  verdict: no seeds to compare with\n");
	else if (isnan(c->seeds_50))
		sv_buf_printf(b, "  verdict: %.6g is above all %zu seeds: seed "
		              "choice alone does not explain it\n", o->claim,
		              r->n);
	else if (c->seeds_50 <= 1)
		sv_buf_printf(b, "  verdict: %.6g is reached by a typical seed "
		              "(%.3g%% of seeds reach it)\n", o->claim,
		              100 * c->p_single);
	else
		sv_buf_printf(b, "  verdict: the best of %.0f seeds reaches %.6g "
		              "half the time;\n           a single-run claim "
		              "this high may be seed selection\n", c->seeds_50,
		              o->claim);
}

static void
put_compare(const struct opts *o, const struct result *a,
            const struct result *bb, int json, struct sv_buf *b)
{
	struct sv_compare c;
	int rc = sv_compare(a->x, a->n, bb->x, bb->n, o->reps, o->level,
	                    o->rng_seed, &c);
	int small = a->n < 5 || bb->n < 5;
	double alpha = 1 - o->level;
	const char *verdict;
	char vbuf[256];

	if (rc < 0) {
		if (json) {
			sv_buf_puts(b, "{\"compare\": [");
			json_str(b, a->g->key);
			sv_buf_puts(b, ", ");
			json_str(b, bb->g->key);
			sv_buf_puts(b, "], \"error\": ");
			json_str(b, sv_compare_strerror(rc));
			sv_buf_puts(b, "}\n");
		} else {
			sv_buf_printf(b, "\nComparison %s vs %s: not computed: %s\n",
			              a->g->key, bb->g->key,
			              sv_compare_strerror(rc));
		}
		return;
	}
	if (small)
		verdict = "too few seeds (fewer than 5 in a group) to say anything";
	else if (c.welch_p < alpha && !(c.diff_lo <= 0 && c.diff_hi >= 0)) {
		snprintf(vbuf, sizeof vbuf, "%s is %s than %s (Welch p %.3g, "
		         "%g%% CI of the difference excludes 0)%s",
		         a->g->key, c.diff > 0 ? "higher" : "lower", bb->g->key,
		         c.welch_p, 100 * o->level,
		         c.aso_eps < 0.2 || c.aso_eps > 0.8
		             ? "" : "; ASO does not confirm a stochastic order");
		verdict = vbuf;
	} else {
		snprintf(vbuf, sizeof vbuf, "no clear difference between %s "
		         "and %s (Welch p %.3g); about %.0f seeds per group would "
		         "detect a difference this size 80%% of the time",
		         a->g->key, bb->g->key, c.welch_p, c.n_power80);
		verdict = vbuf;
	}
	if (json) {
		sv_buf_puts(b, "{\"compare\": [");
		json_str(b, a->g->key);
		sv_buf_puts(b, ", ");
		json_str(b, bb->g->key);
		sv_buf_puts(b, "]");
		json_kv(b, "diff", c.diff);
		json_pair(b, "diff_ci", c.diff_lo, c.diff_hi);
		json_kv(b, "welch_t", c.welch_t);
		json_kv(b, "welch_df", c.welch_df);
		json_kv(b, "welch_p", c.welch_p);
		json_kv(b, "mw_u", c.mw_u);
		json_kv(b, "mw_p", c.mw_p);
		json_kv(b, "p_a_gt_b", c.p_a_gt_b);
		json_kv(b, "cohen_d", c.cohen_d);
		json_kv(b, "aso_eps", c.aso_eps);
		json_kv(b, "n_power80", c.n_power80);
		json_key(b, "too_few_seeds");
		sv_buf_puts(b, small ? "true" : "false");
		json_key(b, "verdict");
		json_str(b, verdict);
		sv_buf_puts(b, "}\n");
		return;
	}
	sv_buf_printf(b, "\nComparison: %s - %s (%zu vs %zu seeds)\n",
	              a->g->key, bb->g->key, a->n, bb->n);
	sv_buf_printf(b, "  difference of means   %.6g  (%g%% CI %.6g..%.6g)\n",
	              c.diff, 100 * o->level, c.diff_lo, c.diff_hi);
	sv_buf_printf(b, "  Welch t               %.4g  (df %.4g, p %.4g)\n",
	              c.welch_t, c.welch_df, c.welch_p);
	sv_buf_printf(b, "  Mann-Whitney U        %.6g  (p %.4g)\n", c.mw_u,
	              c.mw_p);
	sv_buf_printf(b, "  P(%s > %s)%*s%.4g\n", a->g->key, bb->g->key,
	              (int)(16 - strlen(a->g->key) - strlen(bb->g->key)) > 1
	                  ? (int)(16 - strlen(a->g->key) - strlen(bb->g->key))
	                  : 1, "", c.p_a_gt_b);
	sv_buf_printf(b, "  Cohen's d             %.4g\n", c.cohen_d);
	sv_buf_printf(b, "  ASO eps_min           %.4g  (%s%s%s)\n", c.aso_eps,
	              c.aso_eps < 0.2 ? a->g->key : "below 0.2 would mean ",
	              c.aso_eps < 0.2 ? " almost stochastically dominates "
	                              : "almost stochastic dominance",
	              c.aso_eps < 0.2 ? bb->g->key : "");
	sv_buf_printf(b, "  seeds for 80%% power   %.6g per group\n",
	              c.n_power80);
	sv_buf_printf(b, "  verdict: %s\n", verdict);
	if (small)
		sv_buf_puts(b, "  warning: fewer than 5 seeds in a group\n");
}

static void
write_file(const char *path, const struct sv_buf *b)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		sv_die(SV_EXIT_ENV, "%s: %s", path, strerror(errno));
	if (fwrite(b->p, 1, b->len, fp) != b->len || fclose(fp) != 0)
		sv_die(SV_EXIT_ENV, "%s: write error: %s", path, strerror(errno));
}

/* Accuracy vs epoch over the seeds of g. */
static void
plot_epochs(const char *path, const struct group *g, const char *col)
{
	size_t n = g->n, k = 0;
	double *e = sv_mallocarray(n ? n : 1, sizeof *e);
	double *mean, *sd, *mn, *mx;
	struct sv_buf b = { 0 };

	memcpy(e, g->ep, n * sizeof *e);
	sv_sort_double(e, n);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || e[i] != e[k - 1])
			e[k++] = e[i];
	mean = sv_calloc(k ? k : 1, sizeof *mean);
	sd = sv_calloc(k ? k : 1, sizeof *sd);
	mn = sv_mallocarray(k ? k : 1, sizeof *mn);
	mx = sv_mallocarray(k ? k : 1, sizeof *mx);
	for (size_t j = 0; j < k; j++) {
		size_t c = 0;
		double s = 0, ss = 0, m;

		mn[j] = INFINITY, mx[j] = -INFINITY;
		for (size_t i = 0; i < n; i++)
			if (g->ep[i] == e[j]) {
				c++;
				s += g->x[i];
				mn[j] = fmin(mn[j], g->x[i]);
				mx[j] = fmax(mx[j], g->x[i]);
			}
		m = s / (double)c;
		for (size_t i = 0; i < n; i++)
			if (g->ep[i] == e[j])
				ss += (g->x[i] - m) * (g->x[i] - m);
		mean[j] = m;
		sd[j] = c > 1 ? sqrt(ss / (double)(c - 1)) : NAN;
	}
	sv_plot_svg_epochs(&b, e, mean, sd, mn, mx, k, col);
	write_file(path, &b);
	sv_buf_free(&b);
	free(e), free(mean), free(sd), free(mn), free(mx);
}

/* --- input */

struct input {
	struct sv_reader r;
	char **files;
	int nfiles, cur;
	FILE *fp;
};

static int
input_next(struct input *in)
{
	for (;;) {
		enum sv_rec_status st;

		if (!in->fp) {
			const char *name;

			if (in->nfiles == 0 && in->cur == 0) {
				in->fp = stdin, name = "stdin";
			} else if (in->cur < in->nfiles) {
				name = in->files[in->cur];
				in->fp = strcmp(name, "-") == 0
				             ? stdin : fopen(name, "r");
				if (!in->fp)
					sv_die(SV_EXIT_USAGE, "%s: %s", name,
					       strerror(errno));
				if (strcmp(name, "-") == 0)
					name = "stdin";
			} else {
				return 0;
			}
			in->cur++;
			/* one thread reads: no stream locking per line */
			__fsetlocking(in->fp, FSETLOCKING_BYCALLER);
			if (in->cur == 1)
				sv_reader_init(&in->r, in->fp, name);
			else
				sv_reader_next_input(&in->r, in->fp, name);
		}
		st = sv_reader_next(&in->r);
		if (st == SV_REC_DATA)
			return 1;
		if (st == SV_REC_BAD)
			sv_die(SV_EXIT_USAGE, "%s", in->r.err);
		if (in->fp != stdin)
			fclose(in->fp);
		in->fp = NULL;
		if (in->nfiles == 0)
			return 0;
	}
}

/* The default column: 'acc', else the only numeric field of this line. */
static int
default_column(struct sv_reader *r)
{
	int c = sv_reader_col(r, "acc"), found = -1, count = 0;
	double v;

	if (c >= 0)
		return c;
	for (size_t i = 0; i < r->nfield; i++) {
		if (sv_fast_double(r->field[i], &v) == 0 || sv_is_na(r->field[i])) {
			if (r->header && (strcmp(r->col[i], "seed") == 0 ||
			                  strcmp(r->col[i], "epoch") == 0))
				continue;
			found = (int)i;
			count++;
		}
	}
	if (count == 1)
		return found;
	sv_die(SV_EXIT_USAGE, "%s:%lu: %s numeric columns and none called "
	       "'acc': pick one with -f", r->name, r->lineno,
	       count ? "several" : "no");
}

static int
pick(struct sv_reader *r, const char *spec)
{
	int c = sv_reader_pick(r, spec);

	if (c < 0)
		sv_die(SV_EXIT_USAGE, "%s", r->err);
	return c;
}

static const char *
col_name(const struct sv_reader *r, int c, char *buf, size_t n)
{
	if (r->header && (size_t)c < r->ncol)
		return r->col[c];
	snprintf(buf, n, "%d", c + 1);
	return buf;
}

static void
die_field(struct sv_reader *r, int c)
{
	double v;

	if (sv_reader_double(r, (size_t)c, &v) < 0)
		sv_die(SV_EXIT_USAGE, "%s", r->err);
	sv_die(SV_EXIT_USAGE, "%s:%lu: field %d: not a number", r->name,
	       r->lineno, c + 1);
}

static void
need_field(struct sv_reader *r, int c)
{
	if ((size_t)c >= r->nfield) {
		double v;

		sv_reader_double(r, (size_t)c, &v);
		sv_die(SV_EXIT_USAGE, "%s", r->err);
	}
}

/* --- operations mode */

static int
run_ops(const struct opts *o, struct input *in, struct sv_opcall *calls,
        size_t ncalls)
{
	struct groups G = { 0 };
	size_t lastg = (size_t)-1;
	int gcol = -1, resolved = 0;
	int *cols = sv_mallocarray(ncalls, sizeof *cols); /* distinct */
	size_t ncols = 0, *slot = sv_mallocarray(ncalls, sizeof *slot);
	int *text = sv_calloc(ncalls, sizeof *text); /* column needs texts */
	struct sv_buf out = { 0 };
	long double *work = NULL;
	size_t workn = 0;

	while (input_next(in)) {
		struct sv_reader *r = &in->r;
		struct group *g;

		if (!resolved) {
			for (size_t i = 0; i < ncalls; i++) {
				size_t j;

				calls[i].col = pick(r, calls[i].field);
				for (j = 0; j < ncols; j++)
					if (cols[j] == calls[i].col)
						break;
				if (j == ncols)
					cols[ncols++] = calls[i].col;
				slot[i] = j;
				if (calls[i].op->id == SV_OP_FIRST ||
				    calls[i].op->id == SV_OP_LAST)
					text[j] = 1;
			}
			if (o->group)
				gcol = pick(r, o->group);
			resolved = 1;
		}
		if (gcol >= 0)
			need_field(r, gcol);
		g = group_of(&G, &lastg, gcol >= 0 ? r->field[gcol]
		                  : in->nfiles > 1 ? r->name : "", ncols);
		for (size_t j = 0; j < ncols; j++) {
			struct colvals *cv = &g->cv[j];
			const char *s;
			long double v;

			need_field(r, cols[j]);
			s = r->field[cols[j]];
			if (sv_fast_ldouble(s, &v) < 0) {
				if (!sv_is_na(s))
					die_field(r, cols[j]);
				if (o->narm)
					continue;
				if (r->header)
					sv_die(SV_EXIT_USAGE, "%s:%lu: field '%s': "
					       "NA (--narm skips it): '%s'",
					       r->name, r->lineno, r->col[cols[j]], s);
				sv_die(SV_EXIT_USAGE, "%s:%lu: field %d: NA "
				       "(--narm skips it): '%s'", r->name,
				       r->lineno, cols[j] + 1, s);
			}
			if (isnan(v) && o->narm)
				continue;
			if (cv->n == cv->cap) {
				cv->cap = cv->cap ? cv->cap * 2 : 1024;
				cv->v = sv_realloc(cv->v, cv->cap * sizeof *cv->v);
			}
			cv->v[cv->n++] = v;
			if (text[j]) {
				if (!cv->first.p)
					sv_buf_puts(&cv->first, s);
				cv->last.len = 0;
				sv_buf_puts(&cv->last, s);
			}
		}
	}
	for (size_t gi = 0; gi < G.n; gi++) {
		struct group *g = &G.g[gi];
		/* sorted copies: datamash gives every op its own values, so
		 * sums run in input order even after a median */
		long double **sorted = sv_calloc(ncols ? ncols : 1,
		                                 sizeof *sorted);

		if (gcol >= 0 || in->nfiles > 1)
			sv_buf_printf(&out, "%s\t", g->key);
		for (size_t i = 0; i < ncalls; i++) {
			size_t j = slot[i];
			struct colvals *cv = &g->cv[j];
			const long double *v = cv->v;

			if (calls[i].op->sorted) {
				if (!sorted[j]) {
					sorted[j] = sv_mallocarray(cv->n ? cv->n : 1,
					                           sizeof **sorted);
					memcpy(sorted[j], cv->v,
					       cv->n * sizeof *cv->v);
					sv_sort_ldouble(sorted[j], cv->n);
				}
				v = sorted[j];
			}
			if (cv->n > workn) {
				workn = cv->n;
				work = sv_realloc(work, workn * sizeof *work);
			}
			sv_statop_eval(&calls[i], v, cv->n, cv->first.p,
			               cv->last.p, work, &out);
			sv_buf_puts(&out, i + 1 < ncalls ? "\t" : "\n");
		}
		for (size_t j = 0; j < ncols; j++)
			free(sorted[j]);
		free(sorted);
		if (fwrite(out.p, 1, out.len, stdout) != out.len)
			sv_die(SV_EXIT_ENV, "write error");
		out.len = 0;
	}
	sv_buf_free(&out);
	groups_free(&G, ncols);
	free(work);
	free(text);
	free(cols);
	free(slot);
	return SV_EXIT_OK;
}

/* --- summary mode */

static void default_best_of(struct opts *o, size_t upto);

static int
run_summary(struct opts *o, struct input *in)
{
	struct groups G = { 0 };
	size_t lastg = (size_t)-1;
	int col = -1, gcol = -1, ecol = -1, tcol = -1, resolved = 0;
	char colbuf[32];
	const char *colname = NULL;
	struct result *res;
	struct sv_buf out = { 0 };

	while (input_next(in)) {
		struct sv_reader *r = &in->r;
		struct group *g;
		const char *s;
		double v;

		if (!resolved) {
			col = o->field ? pick(r, o->field) : default_column(r);
			if (o->group)
				gcol = pick(r, o->group);
			ecol = sv_reader_col(r, "epoch");
			if (ecol == col)
				ecol = -1;
			tcol = sv_reader_col(r, "total");
			colname = sv_strdup(col_name(r, col, colbuf,
			                             sizeof colbuf));
			resolved = 1;
		}
		if (gcol >= 0)
			need_field(r, gcol);
		g = group_of(&G, &lastg, gcol >= 0 ? r->field[gcol]
		                  : in->nfiles > 1 ? r->name : "", 0);
		need_field(r, col);
		s = r->field[col];
		if (sv_fast_double(s, &v) < 0) {
			if (sv_is_na(s)) {
				g->na++;
				continue;
			}
			die_field(r, col);
		}
		if (g->n == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 1024;
			g->x = sv_realloc(g->x, g->cap * sizeof *g->x);
			if (ecol >= 0)
				g->ep = sv_realloc(g->ep, g->cap * sizeof *g->ep);
		}
		if (ecol >= 0) {
			double e;
			int rc = sv_reader_double(r, (size_t)ecol, &e);

			if (rc < 0)
				sv_die(SV_EXIT_USAGE, "%s", r->err);
			g->ep[g->n] = rc == 1 ? -INFINITY : e;
		}
		if (tcol >= 0 && isnan(g->total)) {
			double t;

			if (sv_reader_double(r, (size_t)tcol, &t) == 0 && t > 0)
				g->total = t;
		}
		g->x[g->n++] = v;
	}
	if (!resolved)
		sv_die(SV_EXIT_USAGE, "no data");
	if (!isnan(o->claim) && !o->best_of) {
		size_t nmax = 0;

		for (size_t i = 0; i < G.n; i++)
			nmax = G.g[i].n > nmax ? G.g[i].n : nmax;
		default_best_of(o, nmax > 100 ? nmax : 100);
	}
	res = sv_calloc(G.n, sizeof *res);
	for (size_t i = 0; i < G.n; i++)
		compute(o, &G.g[i], &res[i]);
	{
		int grouped = gcol >= 0 || in->nfiles > 1;

		if (o->json) {
			for (size_t i = 0; i < G.n; i++)
				put_json(o, &res[i], colname, grouped, &out);
		} else {
			put_table(o, res, G.n, colname, grouped, &out);
			if (o->histogram)
				for (size_t i = 0; i < G.n; i++) {
					if (grouped)
						sv_buf_printf(&out, "\n%s\n",
						              res[i].g->key);
					else
						sv_buf_puts(&out, "\n");
					sv_plot_term(&out, res[i].x, res[i].n,
					             80, 0, o->claim, "claim");
				}
			for (size_t i = 0; i < G.n && !isnan(o->claim); i++)
				put_claim(o, &res[i], colname, grouped, &out);
		}
		if (G.n == 2)
			put_compare(o, &res[0], &res[1], o->json, &out);
		if (fwrite(out.p, 1, out.len, stdout) != out.len)
			sv_die(SV_EXIT_ENV, "write error");
		sv_buf_free(&out);
	}
	if (o->plot) {
		struct sv_plot_series *ps = sv_calloc(G.n, sizeof *ps);
		struct sv_buf b = { 0 };

		for (size_t i = 0; i < G.n; i++) {
			ps[i].name = G.n > 1 ? res[i].g->key : NULL;
			ps[i].sorted = res[i].x;
			ps[i].n = res[i].n;
			ps[i].mean = res[i].s.mean;
			ps[i].sd = isnan(res[i].s.sd) ? 0 : res[i].s.sd;
		}
		sv_plot_svg_hist(&b, ps, G.n, colname, o->claim);
		write_file(o->plot, &b);
		sv_buf_free(&b);
		free(ps);
	}
	if (o->plot_epochs) {
		if (ecol < 0)
			sv_die(SV_EXIT_USAGE, "--plot-epochs: the input has no "
			       "'epoch' column");
		if (G.n > 1)
			sv_warn("--plot-epochs: drawing the first group, %s",
			        G.g[0].key);
		plot_epochs(o->plot_epochs, &G.g[0], colname);
	}
	for (size_t i = 0; i < G.n; i++)
		result_free(&res[i]);
	free(res);
	groups_free(&G, 0);
	free((char *)colname);
	return SV_EXIT_OK;
}

/* The default --best-of list: 1, 2, 5, 10, 20, 50, ... up to upto. */
static void
default_best_of(struct opts *o, size_t upto)
{
	static const size_t m[3] = { 1, 2, 5 };
	size_t cap = 64;

	o->best_of = sv_mallocarray(cap, sizeof *o->best_of);
	o->nbest = 0;
	for (size_t p = 1; p <= 1000000000; p *= 10)
		for (int i = 0; i < 3; i++)
			if (o->nbest < cap && m[i] * p <= upto)
				o->best_of[o->nbest++] = m[i] * p;
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct input in = { 0 };
	struct sv_opcall *calls = NULL;
	size_t ncalls = 0;
	int c, nop = 0, rc;

	sv_setlocale();
	sv_set_progname(argv[0]);
	o.histogram = -1;
	o.reps = 10000;
	o.level = 0.95;
	o.rng_seed = 1;
	o.claim = NAN;
	opterr = 0; /* our own messages, with the short program name */
	while ((c = getopt_long(argc, argv, ":f:g:jhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o.field = optarg; break;
		case 'g': o.group = optarg; break;
		case 'j': o.json = 1; break;
		case OPT_NARM: o.narm = 1; break;
		case OPT_CI: o.ci = 1; break;
		case OPT_NORMALITY: o.normality = 1; break;
		case OPT_ALL: o.ci = o.normality = 1; break;
		case OPT_REPS:
			o.reps = sv_opt_u64("--reps", optarg, 2, 100000000);
			o.ci = 1;
			break;
		case OPT_LEVEL:
			o.level = sv_opt_double("--level", optarg, 0.5, 0.9999);
			o.ci = 1;
			break;
		case OPT_RNG_SEED:
			o.rng_seed = sv_opt_u64("--rng-seed", optarg, 0, UINT64_MAX);
			break;
		case OPT_CLAIM:
			o.claim = sv_opt_double("--claim", optarg, -HUGE_VAL,
			                        HUGE_VAL);
			break;
		case OPT_BEST_OF: {
			char *bad;

			free(o.best_of);
			if (parse_best_of(optarg, &o.best_of, &o.nbest, &bad) < 0)
				sv_die(SV_EXIT_USAGE, "option --best-of: not a "
				       "list of counts 1..1000000000: '%s'", bad);
			break;
		}
		case OPT_TEST_SIZE:
			o.test_size = sv_opt_u64("--test-size", optarg, 1,
			                         UINT64_C(1000000000000));
			break;
		case OPT_PLOT: o.plot = optarg; break;
		case OPT_PLOT_EPOCHS: o.plot_epochs = optarg; break;
		case OPT_HISTOGRAM: o.histogram = 1; break;
		case OPT_NO_HISTOGRAM: o.histogram = 0; break;
		case OPT_LIST_OPS:
			sv_statop_list(stdout);
			sv_close_stdout();
			return SV_EXIT_OK;
		case OPT_LIST_OPTIONS:
			sv_list_options_exit(longopts);
		case 'h':
			usage();
			sv_close_stdout();
			return SV_EXIT_OK;
		case 'V':
			sv_version_exit();
		case ':':
			sv_usage_error(synopsis, "option '%s' needs a value",
			               argv[optind - 1]);
		default:
			if (optopt)
				sv_usage_error(synopsis, "unknown option '-%c'",
				               optopt);
			sv_usage_error(synopsis, "unknown option '%s'",
			               argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;

	/* OP COL pairs first, then files */
	while (nop < argc) {
		struct sv_opcall call;
		enum sv_opparse_status st = sv_statop_parse(argv[nop], &call);

		if (st == SV_OPPARSE_UNKNOWN)
			break;
		if (st == SV_OPPARSE_NOPARAM)
			sv_usage_error(synopsis, "operation '%s' takes no "
			               "parameter", argv[nop]);
		if (st == SV_OPPARSE_BADPARAM)
			sv_usage_error(synopsis, "invalid parameter in '%s'",
			               argv[nop]);
		if (nop + 1 >= argc)
			sv_usage_error(synopsis, "missing column after "
			               "operation '%s'", argv[nop]);
		call.field = argv[nop + 1];
		calls = sv_realloc(calls, (ncalls + 1) * sizeof *calls);
		calls[ncalls++] = call;
		nop += 2;
	}
	in.files = argv + nop;
	in.nfiles = argc - nop;
	if (ncalls && (o.field || o.json || o.ci || o.normality ||
	               !isnan(o.claim) || o.plot || o.plot_epochs ||
	               o.test_size))
		sv_usage_error(synopsis, "operations print one TSV line: "
		               "-f, --json, --ci, --normality, --claim, --plot "
		               "and --test-size go with the summary");
	if (!ncalls && o.narm)
		sv_usage_error(synopsis, "--narm goes with operations "
		               "(the summary always skips NA)");
	if (o.histogram < 0)
		o.histogram = !o.json && isatty(STDOUT_FILENO);

	rc = ncalls ? run_ops(&o, &in, calls, ncalls) : run_summary(&o, &in);
	if (in.cur)
		sv_reader_free(&in.r);
	free(calls);
	free(o.best_of);
	sv_close_stdout();
	return rc;
}
