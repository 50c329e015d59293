/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <uthash.h>

#include "strtab.h"

struct strtab_entry {
	UT_hash_handle hh;
	const char *str;
	uint32_t len;
	uint32_t idx;
};

/*
 * Entries and string bytes live in chunks that are never reallocated, so
 * the key pointers uthash keeps stay valid; one allocation serves many
 * strings.  Chunks double from the first size up to the last, so a small
 * table costs little and a large one few allocations.
 */
#define STRTAB_FIRST_CHUNK_BYTES (1u << 12)
#define STRTAB_CHUNK_BYTES (1u << 20)

struct strtab_chunk {
	struct strtab_chunk *next;
	size_t used, cap;
	_Alignas(max_align_t) unsigned char data[];
};

static void *strtab_carve(struct strtab *s, size_t bytes)
{
	struct strtab_chunk *c = s->chunks;
	size_t need = (bytes + 15) & ~(size_t)15;

	if (!c || c->cap - c->used < need) {
		size_t cap = c ? c->cap * 2 : STRTAB_FIRST_CHUNK_BYTES;

		if (cap > STRTAB_CHUNK_BYTES)
			cap = STRTAB_CHUNK_BYTES;
		if (cap < need)
			cap = need;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = s->chunks;
		c->used = 0;
		c->cap = cap;
		s->chunks = c;
	}
	c->used += need;
	return c->data + c->used - need;
}

int strtab_init(struct strtab *s)
{
	uint32_t idx;

	memset(s, 0, sizeof(*s));
	return strtab_intern(s, "", 0, &idx);
}

void strtab_free(struct strtab *s)
{
	struct strtab_chunk *c, *next;

	HASH_CLEAR(hh, s->hash);
	for (c = s->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(s->by_index);
	free(s->len_by_index);
	memset(s, 0, sizeof(*s));
}

static int strtab_grow(struct strtab *s)
{
	uint32_t cap = s->cap ? s->cap * 2 : 64;
	const char **by_index;
	uint32_t *lens;

	if (s->cap >= UINT32_MAX / 2)
		return -E2BIG;
	by_index = realloc(s->by_index, cap * sizeof(*by_index));
	if (!by_index)
		return -ENOMEM;
	s->by_index = by_index;
	lens = realloc(s->len_by_index, cap * sizeof(*lens));
	if (!lens)
		return -ENOMEM;
	s->len_by_index = lens;
	s->cap = cap;
	return 0;
}

int strtab_intern(struct strtab *s, const char *str, size_t len, uint32_t *idx)
{
	struct strtab_entry *e;
	char *copy;
	int ret;

	if (len > UINT32_MAX)
		return -E2BIG;
	HASH_FIND(hh, s->hash, str, len, e);
	if (e) {
		*idx = e->idx;
		return 0;
	}
	if (s->count == s->cap && (ret = strtab_grow(s)))
		return ret;
	e = strtab_carve(s, sizeof(*e));
	copy = e ? strtab_carve(s, len + 1) : NULL;
	if (!copy)
		return -ENOMEM;
	memcpy(copy, str, len);
	copy[len] = '\0';
	e->str = copy;
	e->len = (uint32_t)len;
	e->idx = s->count;
	HASH_ADD_KEYPTR(hh, s->hash, e->str, e->len, e);
	s->by_index[s->count] = copy;
	s->len_by_index[s->count] = (uint32_t)len;
	*idx = s->count++;
	return 0;
}
