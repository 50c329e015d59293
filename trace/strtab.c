/* SPDX-License-Identifier: MIT */
/*
 * Interning through an open-addressed index of 8-byte slots, each holding
 * a string's index and the top half of its 64-bit hash: a lookup reads one
 * cache line of slots and follows a string only when those bits match, so
 * interning millions of new ids costs about one cache miss each, and a
 * caller that knows its next strings early (strtab_prefetch) hides even
 * that.  Strings never move (they live in the table's arena, or in the
 * caller's buffer), so no key is copied twice.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Inline XXH3: most strings are short ids, where a call would dominate. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "lib/bigmem.h"
#include "trace/strtab.h"

/* A slot: 0 when empty, else (the hash's top half | index + 1). */
#define SLOT_TAG_MASK 0xffffffff00000000ull

/*
 * Copied strings live in chunks that are never
 * reallocated, so pointers into them stay valid; one allocation serves
 * many strings.  Chunks double from the first size up to the last, so a
 * small table costs little and a large one few allocations.
 */
#define STRTAB_FIRST_CHUNK_BYTES (1u << 12)
#define STRTAB_CHUNK_BYTES (8u << 20)

/* What each string costs in the by_index block: its pointer and length. */
#define STRTAB_SLOT_BYTES (sizeof(const char *) + sizeof(uint32_t))

struct strtab_chunk {
	struct strtab_chunk *next;
	size_t used, cap;
	char data[];
};

static char *strtab_carve(struct strtab *s, size_t bytes)
{
	struct strtab_chunk *c = s->chunks;

	if (!c || c->cap - c->used < bytes) {
		size_t cap = c ? c->cap * 2 : STRTAB_FIRST_CHUNK_BYTES;

		if (cap > STRTAB_CHUNK_BYTES)
			cap = STRTAB_CHUNK_BYTES;
		if (cap < bytes)
			cap = bytes;

		c = bigmem_resize(NULL, 0, sizeof(*c) + cap);
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

	bigmem_free(s->slots, s->nslots * sizeof(*s->slots));
	for (c = s->chunks; c; c = next) {
		next = c->next;
		bigmem_free(c, sizeof(*c) + c->cap);
	}
	bigmem_free(s->by_index, (size_t)s->cap * STRTAB_SLOT_BYTES);
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
	/* Doubling for one-by-one growth; exactly what is asked for a big
	 * reservation (a binary trace's table), where doubling would waste. */
	if (n > cap)
		cap = s->count + n;
	while (cap - s->count < n)
		cap = cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2;
	/* One block: the pointers, then the lengths, moved up to their new place. */
	by_index = bigmem_resize(s->by_index, (size_t)s->cap * STRTAB_SLOT_BYTES,
				 (size_t)cap * STRTAB_SLOT_BYTES);
	if (!by_index)
		return -ENOMEM;
	lens = (uint32_t *)(by_index + cap);
	memmove(lens, by_index + s->cap, (size_t)s->count * sizeof(*lens));
	s->by_index = by_index;
	s->len_by_index = lens;
	s->cap = cap;
	return 0;
}

/* Slots the index wants for @n strings: a power of two, at most 3/4 full
 * (linear probing stays within a cache line or two; a sparser index
 * would cost more fresh memory than its probes save). */
static size_t slots_for(uint64_t n)
{
	size_t slots = 32;

	while (slots / 4 * 3 < n)
		slots *= 2;
	return slots;
}

/* The slot of @hash's string, or of the first free slot on its probe path. */
static uint64_t *strtab_probe(const struct strtab *s, const char *str, size_t len,
			      uint64_t hash)
{
	size_t mask = s->nslots - 1, i = hash & mask;
	uint64_t tag = hash & SLOT_TAG_MASK;

	for (;; i = (i + 1) & mask) {
		uint64_t slot = s->slots[i];
		uint32_t idx = (uint32_t)slot - 1;

		if (!slot)
			return &s->slots[i];
		if ((slot & SLOT_TAG_MASK) == tag && s->len_by_index[idx] == len &&
		    !memcmp(s->by_index[idx], str, len))
			return &s->slots[i];
	}
}

/* Makes the index hold room for @n more strings than it has, so that
 * filling it never rehashes (which would read every string again). */
static int strtab_size_index(struct strtab *s, uint64_t n)
{
	size_t nslots = slots_for(s->nhashed + n);
	uint64_t *old = s->slots;
	size_t old_nslots = s->nslots;

	if (old && nslots <= old_nslots)
		return 0;
	s->slots = bigmem_zalloc(nslots * sizeof(*s->slots));
	if (!s->slots) {
		s->slots = old;
		return -ENOMEM;
	}
	s->nslots = nslots;
	for (uint32_t idx = 0; idx < s->nhashed; idx++) {
		uint64_t hash = strtab_hash(s->by_index[idx], s->len_by_index[idx]);

		*strtab_probe(s, s->by_index[idx], s->len_by_index[idx], hash) =
			(hash & SLOT_TAG_MASK) | ((uint64_t)idx + 1);
	}
	bigmem_free(old, old_nslots * sizeof(*old));
	return 0;
}

/* Hashes the strings appended since the last call (lazily: a table
 * filled by strtab_append_unique costs nothing until it is searched). */
static int strtab_index(struct strtab *s)
{
	uint32_t from = s->nhashed;
	int ret;

	if (s->slots && s->nhashed == s->count)
		return 0;
	if ((ret = strtab_size_index(s, s->count - s->nhashed)))
		return ret;
	/* Appended strings differ from every other: no comparison needed,
	 * but the probe is the same. */
	s->nhashed = s->count;
	for (uint32_t idx = from; idx < s->count; idx++) {
		uint64_t hash = strtab_hash(s->by_index[idx], s->len_by_index[idx]);

		*strtab_probe(s, s->by_index[idx], s->len_by_index[idx], hash) =
			(hash & SLOT_TAG_MASK) | ((uint64_t)idx + 1);
	}
	return 0;
}

int strtab_expect(struct strtab *s, uint32_t n)
{
	int ret = strtab_index(s);

	if (!ret)
		ret = strtab_reserve(s, n);
	if (!ret)
		ret = strtab_size_index(s, n);
	return ret;
}

uint64_t strtab_hash(const char *str, size_t len)
{
	return XXH3_64bits(str, len);
}

int strtab_intern_hashed(struct strtab *s, const char *str, size_t len, uint64_t hash,
			 uint32_t *idx)
{
	uint64_t *slot;
	char *copy;
	int ret;

	if (len > UINT32_MAX)
		return -E2BIG;
	if ((ret = strtab_index(s)))
		return ret;
	slot = strtab_probe(s, str, len, hash);
	if (*slot) {
		*idx = (uint32_t)*slot - 1;
		return 0;
	}
	if ((ret = strtab_reserve(s, 1)))
		return ret;
	if ((uint64_t)s->count + 1 > s->nslots / 4 * 3) {
		if ((ret = strtab_size_index(s, 1)))
			return ret;
		slot = strtab_probe(s, str, len, hash);
	}
	copy = strtab_carve(s, len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, str, len);
	copy[len] = '\0';
	*slot = (hash & SLOT_TAG_MASK) | ((uint64_t)s->count + 1);
	s->by_index[s->count] = copy;
	s->len_by_index[s->count] = (uint32_t)len;
	*idx = s->count++;
	s->nhashed = s->count;
	return 0;
}

int strtab_intern(struct strtab *s, const char *str, size_t len, uint32_t *idx)
{
	return strtab_intern_hashed(s, str, len, strtab_hash(str, len), idx);
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
