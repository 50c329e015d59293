/* SPDX-License-Identifier: MIT */
/*
 * Interning with an open-addressing hash: a slot keeps the top half of the
 * string's XXH3 hash beside its index and its bytes, so a probe reads one
 * slot and compares string bytes only when the tags match.  The table
 * stays at most half full.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Inline: most strings are short ids, where a call would dominate. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "strtab.h"

/*
 * Copied strings live in chunks that are never reallocated, so pointers
 * into them stay valid; one allocation serves many strings.
 */
#define STRTAB_CHUNK_BYTES (1u << 20)

struct strtab_chunk {
	struct strtab_chunk *next;
	size_t used, cap;
	char data[];
};

static char *strtab_carve(struct strtab *s, size_t bytes)
{
	struct strtab_chunk *c = s->chunks;

	if (!c || c->cap - c->used < bytes) {
		size_t cap = bytes > STRTAB_CHUNK_BYTES ? bytes : STRTAB_CHUNK_BYTES;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = s->chunks;
		c->used = 0;
		c->cap = cap;
		s->chunks = c;
	}
	c->used += bytes;
	return c->data + c->used - bytes;
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

	for (c = s->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(s->by_index);
	free(s->len_by_index);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

int strtab_reserve(struct strtab *s, uint32_t n)
{
	uint32_t cap = s->cap ? s->cap : 64;
	const char **by_index;
	uint32_t *lens;

	if (n <= s->cap - s->count)
		return 0;
	if (n > UINT32_MAX - s->count)
		return -E2BIG;
	while (cap - s->count < n)
		cap = cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2;
	by_index = realloc(s->by_index, (size_t)cap * sizeof(*by_index));
	if (!by_index)
		return -ENOMEM;
	s->by_index = by_index;
	lens = realloc(s->len_by_index, (size_t)cap * sizeof(*lens));
	if (!lens)
		return -ENOMEM;
	s->len_by_index = lens;
	s->cap = cap;
	return 0;
}

static void slot_insert(struct strtab_slot *slots, size_t mask, uint64_t hash,
			const char *str, uint32_t idx)
{
	size_t pos = hash & mask;

	while (slots[pos].idx1)
		pos = (pos + 1) & mask;
	slots[pos] = (struct strtab_slot){ hash >> 32, idx + 1, str };
}

/* Sizes the hash for @want strings (at most half full) and indexes every
 * string not yet in it. */
static int strtab_index(struct strtab *s, size_t want)
{
	size_t nslots = s->slots ? s->slot_mask + 1 : 0;
	struct strtab_slot *slots;
	uint32_t from = s->nhashed;

	if (want * 2 > nslots) {
		while (want * 2 > nslots)
			nslots = nslots ? nslots * 2 : 128;
		slots = calloc(nslots, sizeof(*slots));
		if (!slots)
			return -ENOMEM;
		free(s->slots);
		s->slots = slots;
		s->slot_mask = nslots - 1;
		from = 0;
	}
	for (uint32_t i = from; i < s->count; i++)
		slot_insert(s->slots, s->slot_mask,
			    XXH3_64bits(s->by_index[i], s->len_by_index[i]), s->by_index[i], i);
	s->nhashed = s->count;
	return 0;
}

int strtab_intern(struct strtab *s, const char *str, size_t len, uint32_t *idx)
{
	const struct strtab_slot *slot;
	uint64_t hash;
	uint32_t tag;
	size_t pos;
	char *copy;
	int ret;

	if (len > UINT32_MAX)
		return -E2BIG;
	if ((s->nhashed < s->count || !s->slots ||
	     (size_t)(s->count + 1) * 2 > s->slot_mask + 1) &&
	    (ret = strtab_index(s, (size_t)s->count + 1)))
		return ret;
	hash = XXH3_64bits(str, len);
	tag = hash >> 32;
	for (pos = hash & s->slot_mask; (slot = &s->slots[pos])->idx1;
	     pos = (pos + 1) & s->slot_mask) {
		/* Equal bytes and a NUL after them: the same string. */
		if (slot->tag == tag && !memcmp(slot->str, str, len) && !slot->str[len]) {
			*idx = slot->idx1 - 1;
			return 0;
		}
	}
	if ((ret = strtab_reserve(s, 1)))
		return ret;
	copy = strtab_carve(s, len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, str, len);
	copy[len] = '\0';
	s->slots[pos] = (struct strtab_slot){ tag, s->count + 1, copy };
	s->by_index[s->count] = copy;
	s->len_by_index[s->count] = (uint32_t)len;
	*idx = s->count++;
	s->nhashed = s->count;
	return 0;
}

int strtab_append_unique(struct strtab *s, const char *str, uint32_t len)
{
	int ret = strtab_reserve(s, 1);

	if (ret)
		return ret;
	s->by_index[s->count] = str;
	s->len_by_index[s->count] = len;
	s->count++;
	return 0;
}
