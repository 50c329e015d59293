/* SPDX-License-Identifier: MIT */
/*
 * Exact distribution of small non-negative integers (search lengths):
 * one counter per value, so every percentile is exact.
 *
 * Percentiles are nearest-rank: histogram_quantile(h, p) is the smallest
 * value v such that at least ceil(p * n / 100) of the n samples are <= v
 * (0 when there are no samples).
 */
#ifndef VMTRACE_HISTOGRAM_H
#define VMTRACE_HISTOGRAM_H

#include <stdint.h>

/* ceil(n * percent / 100), at least 1: the nearest rank, exact for any n. */
static inline uint64_t nearest_rank(uint64_t n, unsigned percent)
{
	uint64_t rank = n / 100 * percent + (n % 100 * percent + 99) / 100;

	return rank ? rank : 1;
}

struct histogram {
	uint64_t *count;	/* count[v]: samples equal to v */
	uint64_t cap;		/* entries in count[] */
	uint64_t n;		/* samples */
	uint64_t total;		/* sum of samples */
	uint64_t max;		/* largest sample */
};

/* Adds one sample.  Returns 0 or -ENOMEM (the sample is then not added). */
int histogram_add(struct histogram *h, uint64_t v);
/* Adds every sample of @from to @to.  0 or -ENOMEM. */
int histogram_merge(struct histogram *to, const struct histogram *from);
uint64_t histogram_quantile(const struct histogram *h, unsigned percent);
double histogram_mean(const struct histogram *h);
void histogram_free(struct histogram *h);

#endif /* VMTRACE_HISTOGRAM_H */
