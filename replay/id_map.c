/* SPDX-License-Identifier: MIT */
/* The id map of replay/id_map.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "replay/id_map.h"

#define FIRST_CAP 64
/* The key's room before the record, which keeps the record's alignment. */
#define KEY_ROOM 8

/* Fibonacci hashing: ids are often consecutive, the high bits of the
 * product spread them. */
static size_t slot_of(const struct id_map *m, uint32_t key)
{
	return (size_t)(((uint64_t)key * 0x9e3779b97f4a7c15ull) >> 32) & (m->cap - 1);
}

static unsigned char *slot_at(const struct id_map *m, size_t i)
{
	return m->slots + i * m->slot_size;
}

static uint32_t key_at(const struct id_map *m, size_t i)
{
	uint32_t key;

	memcpy(&key, slot_at(m, i), sizeof(key));
	return key;
}

static void set_key(struct id_map *m, size_t i, uint32_t key)
{
	memcpy(slot_at(m, i), &key, sizeof(key));
}

static void *value_at(const struct id_map *m, size_t i)
{
	return slot_at(m, i) + KEY_ROOM;
}

static int alloc_slots(struct id_map *m, size_t cap)
{
	m->slots = aligned_alloc(64, cap * m->slot_size);
	m->cap = cap;
	if (!m->slots)
		return -ENOMEM;
	memset(m->slots, 0, cap * m->slot_size);
	return 0;
}

int id_map_init(struct id_map *m, size_t value_size)
{
	memset(m, 0, sizeof(*m));
	m->value_size = value_size;
	m->slot_size = (KEY_ROOM + value_size + 7) & ~(size_t)7;
	return alloc_slots(m, FIRST_CAP);
}

void id_map_free(struct id_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* The slot holding @key, or the empty slot ending its run. */
static size_t probe(const struct id_map *m, uint32_t key)
{
	size_t i = slot_of(m, key);
	uint32_t k;

	while ((k = key_at(m, i)) && k != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *id_map_find(const struct id_map *m, uint32_t id)
{
	size_t i = probe(m, id + 1);

	return key_at(m, i) ? value_at(m, i) : NULL;
}

static int grow(struct id_map *m)
{
	struct id_map old = *m;

	if (alloc_slots(m, old.cap * 2)) {
		*m = old;
		return -ENOMEM;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (key_at(&old, i))
			memcpy(slot_at(m, probe(m, key_at(&old, i))), slot_at(&old, i),
			       m->slot_size);
	free(old.slots);
	return 0;
}

void *id_map_get(struct id_map *m, uint32_t id, bool *added)
{
	size_t i = probe(m, id + 1);

	*added = !key_at(m, i);
	if (!*added)
		return value_at(m, i);
	if (2 * (m->count + 1) > m->cap) {
		if (grow(m))
			return NULL;
		i = probe(m, id + 1);
	}
	set_key(m, i, id + 1);
	m->count++;
	memset(value_at(m, i), 0, m->value_size);
	return value_at(m, i);
}

void id_map_remove(struct id_map *m, uint32_t id)
{
	size_t hole = probe(m, id + 1), i = hole;

	if (!key_at(m, hole))
		return;
	m->count--;
	/* Shift back every later entry of the run that may sit in the hole. */
	for (;;) {
		size_t home;

		i = (i + 1) & (m->cap - 1);
		if (!key_at(m, i))
			break;
		home = slot_of(m, key_at(m, i));
		/* It stays when its home lies cyclically in (hole, i]. */
		if (hole < i ? (home > hole && home <= i) : (home > hole || home <= i))
			continue;
		memcpy(slot_at(m, hole), slot_at(m, i), m->slot_size);
		hole = i;
	}
	set_key(m, hole, 0);
}

void id_map_prefetch(const struct id_map *m, uint32_t id)
{
	__builtin_prefetch(slot_at(m, slot_of(m, id + 1)));
}
