/* SPDX-License-Identifier: MIT */
/*
 * Interning through libck's ck_hs, an open-addressed set of pointers to
 * entries that keeps some bits of each entry's hash beside its pointer: a
 * lookup reads one cache line of slots and follows a pointer only when
 * those bits match, so interning millions of new ids costs about one
 * cache miss each.  An entry points at its string, which never moves (it
 * lives in the table's arena, right after the entry, or in the caller's
 * buffer), so no key is copied twice.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ck_hs.h>
/* Inline XXH3: most strings are short ids, where a call would dominate. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "lib/bigmem.h"

/* What the hash holds: a string of the table and its index. */
struct strtab_entry {
	const char *str;
	uint32_t len;
	uint32_t idx;
};

#include "trace/strtab.h"

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
	if (s->hash) {
		ck_hs_destroy(s->hash);
		free(s->hash);
	}
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

static unsigned long entry_hash(const void *entry, unsigned long seed)
{
	const struct strtab_entry *e = entry;

	return XXH3_64bits_withSeed(e->str, e->len, seed);
}

static bool entry_equal(const void *a, const void *b)
{
	const struct strtab_entry *x = a, *y = b;

	return x->len == y->len && !memcmp(x->str, y->str, x->len);
}

static void *hash_malloc(size_t bytes)
{
	return bigmem_resize(NULL, 0, bytes);
}

static void *hash_realloc(void *p, size_t old_bytes, size_t new_bytes, bool defer)
{
	(void)defer;
	return bigmem_resize(p, old_bytes, new_bytes);
}

static void hash_free(void *p, size_t bytes, bool defer)
{
	(void)defer;
	bigmem_free(p, bytes);
}

static struct ck_malloc hash_memory = { hash_malloc, hash_realloc, hash_free };

/* Slots a set needs for @n entries: ck_hs grows past half full. */
static unsigned long slots_for(uint64_t n)
{
	return n < 16 ? 32 : 2 * n + 2;
}

/* Makes the hash index hold room for @n more strings than it has, so
 * that filling it never rehashes (which would read every string again). */
static int strtab_size_index(struct strtab *s, uint64_t n)
{
	if (!s->hash) {
		s->hash = malloc(sizeof(*s->hash));
		if (!s->hash)
			return -ENOMEM;
		if (!ck_hs_init(s->hash, CK_HS_MODE_SPMC | CK_HS_MODE_OBJECT, entry_hash,
				entry_equal, &hash_memory, slots_for(n), 0)) {
			free(s->hash);
			s->hash = NULL;
			return -ENOMEM;
		}
		return 0;
	}
	return ck_hs_grow(s->hash, slots_for(ck_hs_count(s->hash) + n)) ? 0 : -ENOMEM;
}

static struct strtab_entry *strtab_new_entry(struct strtab *s, size_t extra)
{
	const size_t align = _Alignof(struct strtab_entry);
	/* The arena hands out bytes: align the entry by hand. */
	char *p = strtab_carve(s, sizeof(struct strtab_entry) + extra + align - 1);

	return p ? (struct strtab_entry *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1))
		 : NULL;
}

/* Hashes the strings appended since the last call (lazily: a table
 * filled by strtab_append_unique costs nothing until it is searched). */
static int strtab_index(struct strtab *s)
{
	int ret;

	if (s->hash && s->nhashed == s->count)
		return 0;
	if ((ret = strtab_size_index(s, s->count - s->nhashed)))
		return ret;
	for (; s->nhashed < s->count; s->nhashed++) {
		struct strtab_entry *e = strtab_new_entry(s, 0);

		if (!e)
			return -ENOMEM;
		*e = (struct strtab_entry){ s->by_index[s->nhashed], s->len_by_index[s->nhashed],
					    s->nhashed };
		if (!ck_hs_put_unique(s->hash, entry_hash(e, 0), e))
			return -ENOMEM;
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

int strtab_intern(struct strtab *s, const char *str, size_t len, uint32_t *idx)
{
	struct strtab_entry key = { str, (uint32_t)len, 0 }, *e;
	unsigned long h;
	char *copy;
	int ret;

	if (len > UINT32_MAX)
		return -E2BIG;
	if ((ret = strtab_index(s)))
		return ret;
	h = entry_hash(&key, 0);
	e = ck_hs_get(s->hash, h, &key);
	if (e) {
		*idx = e->idx;
		return 0;
	}
	if ((ret = strtab_reserve(s, 1)))
		return ret;
	/* The copy right after its entry: a hit reads one cache line. */
	e = strtab_new_entry(s, len + 1);
	if (!e)
		return -ENOMEM;
	copy = (char *)(e + 1);
	memcpy(copy, str, len);
	copy[len] = '\0';
	*e = (struct strtab_entry){ copy, (uint32_t)len, s->count };
	if (!ck_hs_put_unique(s->hash, h, e))
		return -ENOMEM;
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
