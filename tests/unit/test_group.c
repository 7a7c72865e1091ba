/* test_group.c - grouping, per-epoch aggregation, the one-group report
 * and the comparison verdict */
#include "tap.h"

#include "stats/claim.h"
#include "stats/compare.h"
#include "stats/statops.h"
#include "stats/epochs.h"
#include "stats/group.h"
#include "stats/report.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>

static void
test_groups(void)
{
	struct sv_groups G;
	const char *keys[] = { "b", "a", "b", "c", "a", "b" };
	char many[16];

	sv_groups_init(&G, 1);
	for (size_t i = 0; i < 6; i++) {
		struct sv_group *g = sv_group_of(&G, keys[i]);

		sv_group_add(g, (double)i, 0, 0);
		sv_colvals_add(&g->cv[0], (long double)i, 1);
	}
	is_int((int)G.n, 3, "three distinct keys, three groups");
	is_str(G.g[0].key, "b", "groups in order of first appearance");
	is_str(G.g[1].key, "a", "second group");
	is_int((int)G.g[0].n, 3, "b has three values");
	ok(G.g[0].x[2] == 5 && G.g[0].cv[0].v[1] == 2,
	   "values in input order");
	ok(isnan(G.g[2].total), "total starts as NAN");
	/* past the first hash table size: lookups still find old groups */
	for (int i = 0; i < 500; i++) {
		snprintf(many, sizeof many, "k%d", i);
		sv_group_add(sv_group_of(&G, many), i, 0, 0);
	}
	sv_group_add(sv_group_of(&G, "k7"), 1, 0, 0);
	sv_group_add(sv_group_of(&G, "a"), 1, 0, 0);
	is_int((int)G.n, 503, "503 groups after the table grew");
	is_int((int)G.g[3 + 7].n, 2, "k7 found again");
	is_int((int)G.g[1].n, 3, "a found again");
	sv_groups_free(&G);
}

static void
test_epochs(void)
{
	const double x[] = { 0.5, 0.6, 0.7, 0.8, 0.9, 0.4 };
	const double ep[] = { 1, 2, 1, 2, 3, 3 };
	double out[6];
	struct sv_epoch_table t;

	is_int((int)sv_last_epoch(x, ep, 6, out), 2, "two runs reach epoch 3");
	ok(out[0] == 0.9 && out[1] == 0.4, "their values, in input order");
	sv_epoch_table(x, ep, 6, &t);
	is_int((int)t.n, 3, "three epochs");
	ok(t.epoch[0] == 1 && t.epoch[2] == 3, "epochs ascending");
	is_near(t.mean[0], 0.6, 1e-15, "mean of epoch 1");
	is_near(t.sd[1], sqrt(0.02), 1e-15, "sd of epoch 2 (n-1)");
	ok(t.min[2] == 0.4 && t.max[2] == 0.9, "min and max of epoch 3");
	sv_epoch_table_free(&t);
}

static void
test_report(void)
{
	struct sv_groups G;
	struct sv_group *g;
	struct sv_report r;
	struct sv_report_opts o = { .claim = NAN, .level = 0.95 };

	sv_groups_init(&G, 0);
	g = sv_group_of(&G, "");
	for (int i = 0; i < 4; i++)
		sv_group_add(g, 0.8 + 0.05 * i, 1, i < 2 ? 1 : 2);
	g->total = 10000;
	sv_report_compute(&o, g, &r);
	is_int((int)r.n, 2, "only the last epoch counts");
	is_near(r.s.mean, 0.925, 1e-15, "mean of the last epoch");
	is_near(r.test_se, sqrt(0.925 * 0.075 / 10000), 1e-15,
	        "test_se from the total column");
	sv_report_free(&r);
	o.test_size = 100;
	sv_report_compute(&o, g, &r);
	is_near(r.test_se, sqrt(0.925 * 0.075 / 100), 1e-15,
	        "--test-size overrides total");
	sv_report_free(&r);
	sv_groups_free(&G);
}

static void
test_verdict(void)
{
	struct sv_compare c = { .diff = 0.01, .diff_lo = 0.005, .diff_hi = 0.02,
		                .welch_p = 0.001, .aso_eps = 0.1,
		                .n_power80 = 12 };
	char buf[256];

	is_str(sv_compare_verdict(&c, "A", 10, "B", 10, 0.95, buf, sizeof buf),
	       "A is higher than B (Welch p 0.001, 95% CI of the difference "
	       "excludes 0)", "a clear difference");
	c.aso_eps = 0.5;
	ok(strstr(sv_compare_verdict(&c, "A", 10, "B", 10, 0.95, buf,
	                             sizeof buf), "ASO does not confirm"),
	   "ASO in [0.2, 0.8] is noted");
	c.diff_lo = -0.001;
	is_str(sv_compare_verdict(&c, "A", 10, "B", 10, 0.95, buf, sizeof buf),
	       "no clear difference between A and B (Welch p 0.001); about 12 "
	       "seeds per group would detect a difference this size 80% of "
	       "the time", "a CI with 0 in it: no clear difference");
	is_str(sv_compare_verdict(&c, "A", 4, "B", 10, 0.95, buf, sizeof buf),
	       "too few seeds (fewer than 5 in a group) to say anything",
	       "four seeds are too few");
}

static void
test_claim(void)
{
	struct sv_claim c = { .p_single = 0.25, .seeds_50 = 3 };
	char buf[256], *bad;
	size_t *b, n;

	is_str(sv_claim_verdict(&c, 8, 0.9, buf, sizeof buf),
	       "the best of 3 seeds reaches 0.9 half the time;\n"
	       "           a single-run claim this high may be seed selection",
	       "a claim that needs several seeds");
	c.seeds_50 = 1;
	is_str(sv_claim_verdict(&c, 8, 0.9, buf, sizeof buf),
	       "0.9 is reached by a typical seed (25% of seeds reach it)",
	       "a typical claim");
	c.seeds_50 = NAN;
	ok(strstr(sv_claim_verdict(&c, 8, 0.9, buf, sizeof buf),
	          "above all 8 seeds"), "an unreachable claim");
	is_str(sv_claim_verdict(&c, 0, 0.9, buf, sizeof buf),
	       "no seeds to compare with", "no seeds");
	ok(sv_best_of_parse("1,5,10", &b, &n, &bad) == 0 && n == 3 &&
	   b[2] == 10, "best-of list parsed");
	free(b);
	ok(sv_best_of_parse("1,,5", &b, &n, &bad) < 0 && strcmp(bad, "1,,5") == 0,
	   "an empty item is refused");
	free(b);
	free(bad);
	ok(sv_best_of_parse("3,0", &b, &n, &bad) < 0 && strcmp(bad, "0") == 0,
	   "zero is refused, named");
	free(b);
	free(bad);
	b = sv_best_of_default(150, &n);
	ok(n == 7 && b[0] == 1 && b[6] == 100, "default list up to 150");
	free(b);
}

static void
test_ops_row(void)
{
	struct sv_opcall calls[3];
	struct sv_colvals cv[2] = { { 0 }, { 0 } };
	int cols[3], text[3], keep[3];
	size_t slot[3], ncols;
	struct sv_buf b = { 0 };
	const long double v[] = { 3, 1, 2 };

	sv_statop_parse("sum", &calls[0]);
	sv_statop_parse("median", &calls[1]);
	sv_statop_parse("last", &calls[2]);
	calls[0].col = 4, calls[1].col = 4, calls[2].col = 1;
	ncols = sv_statop_columns(calls, 3, cols, slot, text, keep);
	is_int((int)ncols, 2, "two distinct columns");
	ok(slot[0] == 0 && slot[1] == 0 && slot[2] == 1 && cols[1] == 1,
	   "calls share a column's slot");
	ok(!text[0] && text[1], "only the column of 'last' keeps its text");
	ok(keep[0] && !keep[1], "only the column of 'median' keeps its values");
	for (int i = 0; i < 3; i++) {
		sv_colvals_add(&cv[0], v[i], keep[0]);
		sv_colvals_add(&cv[1], v[i], keep[1]);
	}
	sv_buf_puts(&cv[1].last, "2.0");
	sv_statop_eval_row(calls, 3, slot, cv, ncols, &b);
	is_str(b.p, "6\t2\t2.0\n", "one row: sum, median (sorted copy), last");
	ok(cv[0].v[0] == 3, "the values keep their input order");
	ok(cv[1].v == NULL && cv[1].n == 3, "a streamed column is counted, "
	   "not kept");
	b.len = 0;
	sv_statop_parse("mean", &calls[0]);
	sv_statop_parse("range", &calls[1]);
	calls[1].col = 1;
	slot[1] = 1;
	sv_statop_eval_row(calls, 2, slot, cv, ncols, &b);
	is_str(b.p, "2\t2\n", "mean and range from the running sums");
	sv_buf_free(&b);
	for (int j = 0; j < 2; j++) {
		free(cv[j].v);
		sv_buf_free(&cv[j].last);
	}
}

/* groups keyed by option strings are named by what differs */
static void
label_case(const char *const *keys, size_t n, int want_rc,
           const char *const *want, const char *want_common, const char *what)
{
	struct sv_groups G;
	struct sv_buf common = { 0 };
	int rc;

	sv_groups_init(&G, 0);
	for (size_t i = 0; i < n; i++)
		sv_group_of(&G, keys[i]);
	rc = sv_groups_option_labels(&G, &common);
	is_int(rc, want_rc, "%s: labelled or not", what);
	for (size_t i = 0; i < n; i++)
		is_str(sv_group_name(&G.g[i]), want ? want[i] : keys[i],
		       "%s: group %zu", what, i);
	is_str(common.p ? common.p : "", want_common, "%s: the common options",
	       what);
	sv_buf_free(&common);
	sv_groups_free(&G);
}

static void
test_option_labels(void)
{
	const char *k1[] = { "-m mlp -d synthetic:n=300 --lr 0.05 --nesterov",
	                     "-m mlp -d synthetic:n=300 --lr 0.1 --nesterov" };
	const char *w1[] = { "--lr 0.05", "--lr 0.1" };
	/* an option only one key has; a key that has only common ones; a
	 * negative value stays with its option */
	const char *k2[] = { "-m mlp --lr 0.05",
	                     "-m mlp --lr 0.05 --train-size 1000",
	                     "-m mlp --lr 0.05 --shift -0.5" };
	const char *w2[] = { "(the common options)", "--train-size 1000",
	                     "--shift -0.5" };
	/* an option whose value differs in a later word */
	const char *k3[] = { "-m a --x 1 2 --y 3", "-m a --x 1 3 --y 3" };
	const char *w3[] = { "--x 1 2", "--x 1 3" };
	const char *plain[] = { "cpu", "gpu" };
	const char *nocommon[] = { "-m a --lr 1", "-m b --lr 2" };
	const char *order[] = { "-m a --x 1 --y 2", "-m a --y 2 --x 1" };
	const char *valuefirst[] = { "-m a", "0.5 -m a" };
	const char *one[] = { "-m a --lr 1" };

	label_case(k1, 2, 1, w1, "-m mlp -d synthetic:n=300 --nesterov",
	           "one option differs");
	label_case(k2, 3, 1, w2, "-m mlp --lr 0.05", "options one key has");
	label_case(k3, 2, 1, w3, "-m a --y 3", "a value of two words");
	label_case(plain, 2, 0, NULL, "", "keys that are not options");
	label_case(nocommon, 2, 0, NULL, "", "nothing in common");
	label_case(order, 2, 0, NULL, "", "one set of options in two orders");
	label_case(valuefirst, 2, 0, NULL, "", "a key starting with a value");
	label_case(one, 1, 0, NULL, "", "one group");
}

int
main(void)
{
	test_option_labels();
	test_groups();
	test_epochs();
	test_report();
	test_verdict();
	test_claim();
	test_ops_row();
	return tap_done();
}
