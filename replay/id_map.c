/* SPDX-License-Identifier: MIT */
/* The id map of replay/id_map.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "replay/id_map.h"

#define FIRST_CAP 64

/* Fibonacci hashing: ids are often consecutive, the high bits of the
 * product spread them. */
static size_t slot_of(const struct id_map *m, uint32_t key)
{
	return (size_t)(((uint64_t)key * 0x9e3779b97f4a7c15ull) >> 32) & (m->cap - 1);
}

static void *value_at(const struct id_map *m, size_t slot)
{
	return m->values + slot * m->value_size;
}

static int alloc_slots(struct id_map *m, size_t cap)
{
	m->keys = calloc(cap, sizeof(*m->keys));
	m->values = calloc(cap, m->value_size);
	m->cap = cap;
	return m->keys && m->values ? 0 : -ENOMEM;
}

int id_map_init(struct id_map *m, size_t value_size)
{
	memset(m, 0, sizeof(*m));
	m->value_size = value_size;
	return alloc_slots(m, FIRST_CAP);
}

void id_map_free(struct id_map *m)
{
	free(m->keys);
	free(m->values);
	memset(m, 0, sizeof(*m));
}

/* The slot holding @key, or the empty slot ending its run. */
static size_t probe(const struct id_map *m, uint32_t key)
{
	size_t i = slot_of(m, key);

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *id_map_find(const struct id_map *m, uint32_t id)
{
	size_t i = probe(m, id + 1);

	return m->keys[i] ? value_at(m, i) : NULL;
}

static int grow(struct id_map *m)
{
	struct id_map old = *m;

	if (alloc_slots(m, old.cap * 2)) {
		free(m->keys);
		free(m->values);
		*m = old;
		return -ENOMEM;
	}
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i]) {
			size_t j = probe(m, old.keys[i]);

			m->keys[j] = old.keys[i];
			memcpy(value_at(m, j), value_at(&old, i), m->value_size);
		}
	free(old.keys);
	free(old.values);
	return 0;
}

void *id_map_get(struct id_map *m, uint32_t id, bool *added)
{
	size_t i = probe(m, id + 1);

	*added = !m->keys[i];
	if (m->keys[i])
		return value_at(m, i);
	if (2 * (m->count + 1) > m->cap) {
		if (grow(m))
			return NULL;
		i = probe(m, id + 1);
	}
	m->keys[i] = id + 1;
	m->count++;
	memset(value_at(m, i), 0, m->value_size);
	return value_at(m, i);
}

void id_map_remove(struct id_map *m, uint32_t id)
{
	size_t hole = probe(m, id + 1), i = hole;

	if (!m->keys[hole])
		return;
	m->count--;
	/* Shift back every later entry of the run that may sit in the hole. */
	for (;;) {
		size_t home;

		i = (i + 1) & (m->cap - 1);
		if (!m->keys[i])
			break;
		home = slot_of(m, m->keys[i]);
		/* It stays when its home lies cyclically in (hole, i]. */
		if (hole < i ? (home > hole && home <= i) : (home > hole || home <= i))
			continue;
		m->keys[hole] = m->keys[i];
		memcpy(value_at(m, hole), value_at(m, i), m->value_size);
		hole = i;
	}
	m->keys[hole] = 0;
}

void id_map_prefetch(const struct id_map *m, uint32_t id)
{
	size_t i = slot_of(m, id + 1);

	__builtin_prefetch(&m->keys[i]);
	__builtin_prefetch(value_at(m, i));
}
