/* SPDX-License-Identifier: MIT */
#include <math.h>

#include "lib/welch.h"

void sample_moments(const double *x, size_t n, double *mean, double *var)
{
	double sum = 0, ss = 0;

	for (size_t i = 0; i < n; i++)
		sum += x[i];
	*mean = sum / (double)n;
	/* Two passes: the deviations are small against the values. */
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*var = ss / (double)(n - 1);
}

/*
 * The continued fraction of the incomplete beta function I_x(a, b),
 * evaluated by the modified Lentz method; it converges fast for
 * x < (a + 1) / (a + b + 2), which the caller arranges by symmetry.
 */
static double beta_fraction(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m;
		double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		double step;

		d = 1 + even * d;
		c = 1 + even / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		d = 1 + odd * d;
		c = 1 + odd / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = fabs(c) < tiny ? tiny : c;
		step = d * c;
		h *= step;
		if (fabs(step - 1) < 1e-15)
			break;
	}
	return h;
}

/* The regularized incomplete beta function I_x(a, b), 0 <= x <= 1. */
static double incomplete_beta(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_fraction(a, b, x) / a;
	return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double df)
{
	/* P(|T| > |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2). */
	double tail;

	if (isinf(t))
		return t > 0 ? 1 : 0;
	tail = incomplete_beta(df / 2, 0.5, df / (df + t * t)) / 2;
	return t > 0 ? 1 - tail : tail;
}

void welch_test(const double *a, size_t na, const double *b, size_t nb, double shift,
		struct welch *out)
{
	double var_a, var_b, sa, sb, se2;

	sample_moments(a, na, &out->mean_a, &var_a);
	sample_moments(b, nb, &out->mean_b, &var_b);
	sa = var_a / (double)na;
	sb = var_b / (double)nb;
	se2 = sa + sb;
	if (se2 == 0) {
		double diff = out->mean_b - out->mean_a - shift;

		out->t = diff > 0 ? INFINITY : diff < 0 ? -INFINITY : 0;
		out->df = (double)(na + nb - 2);
		out->p_greater = diff > 0 ? 0 : 1;
		return;
	}
	out->t = (out->mean_b - out->mean_a - shift) / sqrt(se2);
	out->df = se2 * se2 / (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
	out->p_greater = 1 - student_t_cdf(out->t, out->df);
}
