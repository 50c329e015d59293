/* SPDX-License-Identifier: MIT */
/*
 * Interning through uthash, keyed by the strings themselves: an entry
 * points at its string, which never moves (it lives in the table's arena
 * or in the caller's buffer), so no key is copied twice.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Inline XXH3: most strings are short ids, where a call would dominate. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "bigmem.h"

/* uthash must not exit on OOM: it flags it and leaves the table as it was. */
static _Thread_local bool strtab_oom;
#define HASH_NONFATAL_OOM 1
/* A table of millions of ids has a bucket array of megabytes. */
#define uthash_malloc(sz) bigmem_resize(NULL, 0, (sz))
#define uthash_free(ptr, sz) bigmem_free((ptr), (sz))
#define uthash_nonfatal_oom(obj) (strtab_oom = true)
#define HASH_FUNCTION(keyptr, keylen, hashv) \
	((hashv) = (unsigned)XXH3_64bits((keyptr), (keylen)))
#include <uthash.h>

struct strtab_entry {
	UT_hash_handle hh;
	uint32_t idx;
};

#include "strtab.h"

/*
 * Copied strings (and the hash entries) live in chunks that are never
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

	/* The entries live in the chunks: the hash's own table goes first. */
	HASH_CLEAR(hh, s->hash);
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

/* Hashes the strings appended since the last call (lazily: a table
 * filled by strtab_append_unique costs nothing until it is searched). */
static int strtab_index(struct strtab *s)
{
	for (; s->nhashed < s->count; s->nhashed++) {
		struct strtab_entry *e = (struct strtab_entry *)
			strtab_carve(s, sizeof(*e) + _Alignof(struct strtab_entry));

		if (!e)
			return -ENOMEM;
		/* The arena hands out bytes: align the entry by hand. */
		e = (struct strtab_entry *)(((uintptr_t)e + _Alignof(struct strtab_entry) - 1) &
					    ~(uintptr_t)(_Alignof(struct strtab_entry) - 1));
		e->idx = s->nhashed;
		strtab_oom = false;
		HASH_ADD_KEYPTR(hh, s->hash, s->by_index[e->idx], s->len_by_index[e->idx], e);
		if (strtab_oom)
			return -ENOMEM;
	}
	return 0;
}

int strtab_intern(struct strtab *s, const char *str, size_t len, uint32_t *idx)
{
	struct strtab_entry *e;
	char *copy;
	int ret;

	if (len > UINT32_MAX)
		return -E2BIG;
	if ((ret = strtab_index(s)))
		return ret;
	HASH_FIND(hh, s->hash, str, len, e);
	if (e) {
		*idx = e->idx;
		return 0;
	}
	if ((ret = strtab_reserve(s, 1)))
		return ret;
	copy = strtab_carve(s, len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, str, len);
	copy[len] = '\0';
	s->by_index[s->count] = copy;
	s->len_by_index[s->count] = (uint32_t)len;
	*idx = s->count++;
	return strtab_index(s);
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
