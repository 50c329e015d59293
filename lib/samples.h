/* SPDX-License-Identifier: MIT */
/*
 * Every sample of a timing (nanoseconds), kept so that its percentiles
 * are exact order statistics of what was measured.  Percentiles are
 * nearest-rank, as for search lengths (lib/histogram.h).
 */
#ifndef VMTRACE_SAMPLES_H
#define VMTRACE_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

struct samples {
	uint64_t *v;
	size_t n, cap;
};

/* Returns 0 or -ENOMEM. */
int samples_add(struct samples *s, uint64_t v);

/* Appends every sample of @from to @to.  0 or -ENOMEM. */
int samples_merge(struct samples *to, const struct samples *from);

/* Sorts the samples; call before samples_quantile. */
void samples_sort(struct samples *s);

/* Precondition: sorted.  0 when empty. */
uint64_t samples_quantile(const struct samples *s, unsigned percent);

uint64_t samples_total(const struct samples *s);
void samples_free(struct samples *s);

#endif /* VMTRACE_SAMPLES_H */
