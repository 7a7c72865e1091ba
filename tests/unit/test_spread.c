/* test_spread.c - lib/stats/spread.c against scipy.stats.levene
 * (center='median'), values computed once with SciPy 1.10 and kept here */
#include "tap.h"

#include <math.h>

#include "stats/spread.h"

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
	return tap_done();
}
