/* SPDX-License-Identifier: MIT */
/*
 * A map from an id (a uint32_t) to a small fixed-size record, holding
 * only the ids put in it: per-id state whose size follows the ids alive
 * at once, not every id a long trace names.  Open addressing with linear
 * probing, at most half full; a removal shifts the run after it back, so
 * no tombstones pile up.  Internal to replay/.
 */
#ifndef VMTRACE_ID_MAP_H
#define VMTRACE_ID_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each slot: the key (id + 1; 0: empty) then the record, in one line of
 * cache where the record allows: one miss per lookup. */
struct id_map {
	unsigned char *slots;
	size_t value_size, slot_size, cap, count;
};

/* An empty map of @value_size-byte records.  0 or -ENOMEM. */
int id_map_init(struct id_map *m, size_t value_size);
void id_map_free(struct id_map *m);

/* The record of @id, or NULL when @id is not in the map.  Precondition:
 * id < UINT32_MAX. */
void *id_map_find(const struct id_map *m, uint32_t id);

/* The record of @id, a zeroed one added if it was not there (*@added),
 * or NULL on ENOMEM.  It moves when the map grows or loses an entry. */
void *id_map_get(struct id_map *m, uint32_t id, bool *added);

/* Takes @id out of the map, if there. */
void id_map_remove(struct id_map *m, uint32_t id);

/* Prefetches where @id's record is (for a lookup a few events ahead). */
void id_map_prefetch(const struct id_map *m, uint32_t id);

#endif /* VMTRACE_ID_MAP_H */
