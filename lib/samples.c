/* SPDX-License-Identifier: MIT */
/* Timing samples and their exact percentiles (samples.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/histogram.h"
#include "lib/samples.h"

static int samples_reserve(struct samples *s, size_t more)
{
	size_t cap = s->cap ? s->cap : 1024;
	uint64_t *v;

	if (s->n + more <= s->cap)
		return 0;
	while (cap < s->n + more)
		cap *= 2;
	v = realloc(s->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	s->cap = cap;
	return 0;
}

int samples_add(struct samples *s, uint64_t v)
{
	if (s->n == s->cap && samples_reserve(s, 1))
		return -ENOMEM;
	s->v[s->n++] = v;
	return 0;
}

int samples_merge(struct samples *to, const struct samples *from)
{
	if (!from->n)
		return 0;
	if (samples_reserve(to, from->n))
		return -ENOMEM;
	memcpy(to->v + to->n, from->v, from->n * sizeof(*from->v));
	to->n += from->n;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void samples_sort(struct samples *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
}

uint64_t samples_quantile(const struct samples *s, unsigned percent)
{
	if (!s->n)
		return 0;
	return s->v[nearest_rank(s->n, percent) - 1];
}

uint64_t samples_total(const struct samples *s)
{
	uint64_t t = 0;

	for (size_t i = 0; i < s->n; i++)
		t += s->v[i];
	return t;
}

void samples_free(struct samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
