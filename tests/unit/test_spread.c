/* test_spread.c - lib/stats/spread.c against scipy.stats.levene
 * (center='median'), values computed once with SciPy 1.10 and kept here */
#include "tap.h"

#include <math.h>
#include <string.h>

#include "stats/compare.h"
#include "stats/spread.h"

/* the three groups of the --share-of CLI case (tests/cli/sv-stats.tbl):
 * numpy var(ddof=1), scipy.stats.levene(center='median'), NumPy 1.24 and
 * SciPy 1.10 */
static const double g_all[] = { 0.871, 0.884, 0.862, 0.879, 0.890, 0.868 };
static const double g_init[] = { 0.875, 0.880, 0.869, 0.883, 0.872, 0.878 };
static const double g_order[] = { 0.877, 0.874, 0.881, 0.876, 0.879, 0.873 };

static void
shares(void)
{
	double var[3] = { 0.00011066666666666686, 2.6966666666666715e-05,
		          9.066666666666683e-06 };
	double se[3] = { 0.003299614455592585, 0.003293913157460119,
		         0.0032881943711134576 };
	double noise[3], share[3], sum, net;

	for (int i = 0; i < 3; i++)
		noise[i] = se[i] * se[i];
	sv_variance_shares(var, noise, 3, 0, share, &sum, &net);
	is_near(share[0], 1, 1e-15, "the reference's share is 1");
	is_near(share[1], 0.24367469879518072, 1e-12, "share of init");
	is_near(share[2], 0.0819277108433735, 1e-12, "share of order");
	is_near(sum, 0.32560240963855425, 1e-12, "the shares but all's add up");
	is_near(net, 0.22824129016064268, 1e-12,
	        "with the noise floor counted once");
	noise[1] = NAN;
	sv_variance_shares(var, noise, 3, 0, share, &sum, &net);
	ok(isnan(net) && !isnan(sum), "unknown noise: no net sum, a sum");
	var[0] = 0;
	sv_variance_shares(var, noise, 3, 0, share, &sum, &net);
	ok(isnan(share[1]) && isnan(sum), "reference without spread: NaN");
}

static void
ratio(void)
{
	double r, lo, hi, r2, lo2, hi2;
	const double one[] = { 0.5 };

	is_int(sv_sd_ratio(g_all, 6, g_init, 6, 2000, 0.95, 1, &r, &lo, &hi),
	       0, "sd ratio");
	is_near(r, 2.025791670242459, 1e-12, "sd ratio of all over init");
	ok(lo < r && r < hi, "its CI holds it (%g..%g)", lo, hi);
	sv_sd_ratio(g_all, 6, g_init, 6, 2000, 0.95, 1, &r2, &lo2, &hi2);
	ok(lo == lo2 && hi == hi2, "same seed, same bits");
	is_int(sv_sd_ratio(g_all, 6, one, 1, 100, 0.95, 1, &r, &lo, &hi), -1,
	       "one value: -1");
	ok(isnan(r), "and no ratio");
}

static void
compare_spread(void)
{
	/* tests/data/stats/methods.tsv, A and B */
	static const double a[] = { 0.871, 0.881, 0.891, 0.871, 0.881, 0.891 };
	static const double b[] = { 0.863, 0.873, 0.883, 0.893, 0.863, 0.873 };
	struct sv_compare c;
	struct sv_buf t = { 0 };

	is_int(sv_compare(a, 6, b, 6, 1000, 0.95, 1, &c), 0, "compare");
	is_near(c.bf_w, 0.19999999999999993, 1e-12, "Brown-Forsythe W");
	is_near(c.bf_p, 0.6642514717311359, 1e-12, "Brown-Forsythe p");
	is_near(c.sd_ratio, 0.7650920556760059, 1e-12, "sd ratio");
	sv_compare_json(&c, "A", "B", 0, "v", &t);
	ok(t.p && strstr(t.p, "\"bf_w\": 0.19999999999999993, \"bf_df1\": 1, "
	               "\"bf_df2\": 10, \"bf_p\": 0.66425147173113"),
	   "comparison JSON has the test");
	ok(t.p && strstr(t.p, "\"sd_ratio_ci\": ["), "and the ratio's CI");
	sv_buf_free(&t);
}

static void
equal_spread(void)
{
	const double *x[] = { g_all, g_init, g_order };
	const char *names[] = { "all", "init", "order" };
	size_t n[] = { 6, 6, 6 };
	double w, df1, df2, p;
	struct sv_buf t = { 0 };

	sv_brown_forsythe(x, n, 3, &w, &df1, &df2, &p);
	is_near(w, 6.393534002229649, 1e-12, "W of all, init, order");
	is_near(p, 0.009814405854552387, 1e-12, "p of all, init, order");
	sv_equal_spread_put(names, x, n, 3, 0, &t);
	is_str(t.p, "\nEqual spread over 3 groups: Brown-Forsythe W 6.394 "
	       "(df 2, 15), p 0.009814\n", "the text line");
	t.len = 0;
	sv_equal_spread_put(names, x, n, 3, 1, &t);
	ok(strncmp(t.p, "{\"equal_spread\": [\"all\", \"init\", \"order\"], "
	           "\"bf_w\": 6.39353400222", 60) == 0, "the JSON object");
	t.len = 0;
	n[2] = 1;
	sv_equal_spread_put(names, x, n, 3, 0, &t);
	is_str(t.p, "\nEqual spread over 3 groups: not computed: each group "
	       "needs at least 2 values\n", "a group of one value");
	sv_buf_free(&t);
}

int
main(void)
{
	static const double a[] = { 0.8, 0.82, 0.81, 0.79, 0.83 };
	static const double b[] = { 0.8, 0.9, 0.7, 0.85, 0.75 };
	static const double c[] = { 0.5, 0.52, 0.49, 0.6, 0.55, 0.51 };
	static const double bad[] = { 0.5, NAN };
	const double *two[] = { a, b }, *three[] = { a, b, c }, *nan2[] = { a, bad };
	size_t n2[] = { 5, 5 }, n3[] = { 5, 5, 6 }, n1[] = { 5, 1 };
	double w, df1, df2, p;

	is_int(sv_brown_forsythe(two, n2, 2, &w, &df1, &df2, &p), 0, "two groups");
	is_near(w, 6.329670329670338, 1e-12, "W of two groups");
	is_near(p, 0.03603910713816752, 1e-12, "p of two groups");
	ok(df1 == 1 && df2 == 8, "df 1 and 8");
	is_int(sv_brown_forsythe(three, n3, 3, &w, &df1, &df2, &p), 0, "three groups");
	is_near(w, 3.290579147855537, 1e-12, "W of three groups");
	is_near(p, 0.06977218618584548, 1e-12, "p of three groups");
	ok(df1 == 2 && df2 == 13, "df 2 and 13");
	/* bad input */
	is_int(sv_brown_forsythe(two, n2, 1, &w, &df1, &df2, &p), -1, "one group: -1");
	is_int(sv_brown_forsythe(two, n1, 2, &w, &df1, &df2, &p), -1,
	       "a group of one value: -1");
	ok(isnan(w) && isnan(p), "no statistic then");
	n2[1] = 2;
	is_int(sv_brown_forsythe(nan2, n2, 2, &w, &df1, &df2, &p), -2, "NaN: -2");
	/* the noise floor of the seed paper's figure: p 0.9, n 10000 */
	is_near(sv_test_noise(0.9, 10000), 0.003, 1e-15, "binomial se 0.003");
	ok(isnan(sv_test_noise(0.9, 0)), "no test set: NaN");
	shares();
	ratio();
	compare_spread();
	equal_spread();
	return tap_done();
}
