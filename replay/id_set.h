/* SPDX-License-Identifier: MIT */
/*
 * A set of ids (uint32_t below a bound), one bit each in chunks made when
 * an id of theirs first comes in, and a chunk whose every id is in the set
 * freed and said full: ids named in ascending order (a counter) then cost
 * one chunk or two, whatever their number; ids in any order a bit each.
 * The judge keeps here the ids ever live (replay/track.c).  Internal to
 * replay/.
 */
#ifndef VMTRACE_ID_SET_H
#define VMTRACE_ID_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct id_set {
	uint64_t **chunk;	/* NULL: none of its ids; id_set_full: all */
	uint32_t *count;	/* ids in each partial chunk */
	size_t nchunks;
	uint64_t bound;
};

/* An empty set of ids below @bound.  0 or -ENOMEM. */
int id_set_init(struct id_set *s, uint64_t bound);
void id_set_free(struct id_set *s);

/* Precondition: id < bound. */
bool id_set_has(const struct id_set *s, uint32_t id);

/* Adds @id (< bound).  0 or -ENOMEM. */
int id_set_add(struct id_set *s, uint32_t id);

#endif /* VMTRACE_ID_SET_H */
