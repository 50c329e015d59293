/* SPDX-License-Identifier: MIT */
/* Exact histograms of small integers, and their percentiles (histogram.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/histogram.h"

/* Makes count[v] addressable.  0 or -ENOMEM. */
static int histogram_grow(struct histogram *h, uint64_t v)
{
	uint64_t cap = h->cap ? h->cap : 64;
	uint64_t *count;

	if (v < h->cap)
		return 0;
	while (cap <= v) {
		if (cap > (UINT64_MAX >> 4) / sizeof(*count))
			return -ENOMEM;
		cap *= 2;
	}
	count = realloc(h->count, cap * sizeof(*count));
	if (!count)
		return -ENOMEM;
	memset(count + h->cap, 0, (cap - h->cap) * sizeof(*count));
	h->count = count;
	h->cap = cap;
	return 0;
}

int histogram_add(struct histogram *h, uint64_t v)
{
	if (histogram_grow(h, v))
		return -ENOMEM;
	h->count[v]++;
	h->n++;
	h->total += v;
	if (v > h->max)
		h->max = v;
	return 0;
}

int histogram_merge(struct histogram *to, const struct histogram *from)
{
	if (!from->n)
		return 0;
	if (histogram_grow(to, from->max))
		return -ENOMEM;
	for (uint64_t v = 0; v <= from->max; v++)
		to->count[v] += from->count[v];
	to->n += from->n;
	to->total += from->total;
	if (from->max > to->max)
		to->max = from->max;
	return 0;
}

uint64_t histogram_quantile(const struct histogram *h, unsigned percent)
{
	uint64_t rank, seen = 0;

	if (!h->n)
		return 0;
	rank = nearest_rank(h->n, percent);
	for (uint64_t v = 0; v <= h->max; v++) {
		seen += h->count[v];
		if (seen >= rank)
			return v;
	}
	return h->max;
}

double histogram_mean(const struct histogram *h)
{
	return h->n ? (double)h->total / (double)h->n : 0.0;
}

void histogram_free(struct histogram *h)
{
	free(h->count);
	memset(h, 0, sizeof(*h));
}
