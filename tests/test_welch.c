/* SPDX-License-Identifier: MIT */
/*
 * The gate's statistics (lib/welch.c) against figures that do not come from
 * it: closed forms of Student's t for 1 and 2 degrees of freedom, the
 * printed critical values of t tables, and the worked Welch example of the
 * Wikipedia article "Welch's t-test" (its example 1).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/welch.h"

static void assert_close(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("got %.10g, want %.10g (+-%g)", got, want, tol);
}

/* df = 1 is the Cauchy law, 1/2 + atan(t)/pi; df = 2 is 1/2 + t / (2 sqrt(2 + t^2)). */
static void test_closed_forms(void **state)
{
	static const double ts[] = { -30, -3.5, -1, -0.2, 0, 0.3, 1, 2.5, 12, 100 };

	(void)state;
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		double t = ts[i];

		assert_close(student_t_cdf(t, 1), 0.5 + atan(t) / M_PI, 1e-12);
		assert_close(student_t_cdf(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)), 1e-12);
	}
}

/*
 * Two-sided critical values t(df) from the usual printed table (e.g.
 * NIST/SEMATECH e-Handbook 1.3.6.7.2), three decimals: P(T <= t) is
 * 0.975 (alpha 0.05) or 0.995 (alpha 0.01) to that rounding.
 */
static void test_table_values(void **state)
{
	static const struct { double df, t, cdf; } table[] = {
		{ 4, 2.776, 0.975 },  { 10, 2.228, 0.975 }, { 30, 2.042, 0.975 },
		{ 10, 3.169, 0.995 }, { 5, 4.032, 0.995 },  { 100, 2.626, 0.995 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		assert_close(student_t_cdf(table[i].t, table[i].df), table[i].cdf, 1e-4);
		assert_close(student_t_cdf(-table[i].t, table[i].df), 1 - table[i].cdf, 1e-4);
	}
}

/*
 * Wikipedia, "Welch's t-test", example 1: t = -2.46, nu = 25.0, two-sided
 * p = 0.021 (Student's test on the same data has 28 degrees of freedom).
 */
static void test_wikipedia_example(void **state)
{
	static const double a1[] = { 27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
				     21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4 };
	static const double a2[] = { 27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
				     24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4 };
	struct welch w;

	(void)state;
	/* t of (a1 - a2): b = a1 against a = a2. */
	welch_test(a2, 15, a1, 15, 0, &w);
	assert_close(w.t, -2.46, 0.005);
	assert_close(w.df, 25.0, 0.05);
	assert_close(2 * (1 - w.p_greater), 0.021, 0.0005);
}

/* The shifted hypothesis: b = a + 0.3 exactly is significantly above a + 0.1, not above a + 0.3. */
static void test_scaled_hypothesis(void **state)
{
	static const double a[] = { 1.00, 1.02, 0.98, 1.01, 0.99, 1.00, 1.01 };
	double b[7];
	struct welch w;

	(void)state;
	for (size_t i = 0; i < 7; i++)
		b[i] = a[i] + 0.3;
	welch_test(a, 7, b, 7, 0.1, &w);
	assert_true(w.p_greater < 1e-6);
	welch_test(a, 7, b, 7, 0.3, &w);
	assert_close(w.t, 0, 1e-9);
	assert_close(w.p_greater, 0.5, 1e-9);
	/* No spread at all: the sign alone decides. */
	{
		static const double same[] = { 2, 2, 2 };

		welch_test(same, 3, same, 3, 0.1, &w);
		assert_true(w.p_greater == 1);
		welch_test(same, 3, same, 3, -0.1, &w);
		assert_true(w.p_greater == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_closed_forms),
		cmocka_unit_test(test_table_values),
		cmocka_unit_test(test_wikipedia_example),
		cmocka_unit_test(test_scaled_hypothesis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
