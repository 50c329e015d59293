/* SPDX-License-Identifier: MIT */
/*
 * Welch's two-sample t-test (unequal variances), for the regression gate's
 * timing figures: does the current mean exceed the baseline mean by more
 * than a margin, beyond what the spread of the repeats explains?  (On
 * log ratios, a margin of log(1.1) asks for a slowdown above 10%.)
 */
#ifndef VMTRACE_WELCH_H
#define VMTRACE_WELCH_H

#include <stddef.h>

struct welch {
	double mean_a, mean_b; /* sample means */
	double t;              /* the statistic, (mean_b - mean_a - shift) / se */
	double df;             /* Welch-Satterthwaite degrees of freedom */
	double p_greater;      /* one-sided p: P(T >= t) under H0 */
};

/* The mean and the unbiased (n - 1) variance of @x[0..@n). Requires n >= 2. */
void sample_moments(const double *x, size_t n, double *mean, double *var);

/*
 * Student's t distribution function P(T <= @t) with @df > 0 degrees of
 * freedom, through the regularized incomplete beta function.
 */
double student_t_cdf(double t, double df);

/*
 * Tests H0: mean(b) - mean(a) <= @shift against mean(b) - mean(a) > shift
 * (shift 0 is the plain one-sided Welch test).  Requires na, nb >= 2.
 * When both samples have no spread, t is +-inf (or 0 on equality) and
 * p_greater 0 or 1.
 */
void welch_test(const double *a, size_t na, const double *b, size_t nb, double shift,
		struct welch *out);

#endif /* VMTRACE_WELCH_H */
