/* SPDX-License-Identifier: MIT */
/*
 * A string table that interns: equal strings get one index.  Index 0 is
 * always the empty string and means "none".  Strings never move once
 * interned, so pointers from strtab_get() stay valid until strtab_free().
 *
 * Strings are either copied into the table's own arena (strtab_intern) or
 * borrowed from a buffer that outlives the table (strtab_append_unique: a
 * binary trace read in place).  The hash index is built lazily, so a
 * table filled by strtab_append_unique costs no hashing until the first
 * strtab_intern.
 */
#ifndef VMTRACE_STRTAB_H
#define VMTRACE_STRTAB_H

#include <stddef.h>
#include <stdint.h>

struct strtab_chunk;

struct strtab {
	const char **by_index;		/* index -> string (NUL-terminated) */
	uint32_t *len_by_index;		/* index -> length (in the by_index block) */
	uint32_t count, cap;
	uint64_t *slots;		/* index of the strings [0, nhashed), or NULL */
	size_t nslots;			/* a power of two, at least 4/3 of nhashed */
	uint32_t nhashed;
	struct strtab_chunk *chunks;	/* arena holding the copied strings */
};

int strtab_init(struct strtab *s);
void strtab_free(struct strtab *s);

/*
 * Interns the @len bytes at @str (no NUL needed; NUL bytes not allowed).
 * Returns 0 and sets *@idx, or -ENOMEM, or -E2BIG past 2^32 - 1 strings.
 */
int strtab_intern(struct strtab *s, const char *str, size_t len, uint32_t *idx);

/*
 * The same, for a caller that hashed @str earlier with strtab_hash (to
 * strtab_prefetch its slot a few strings ahead).  Precondition: @hash ==
 * strtab_hash(@str, @len).
 */
int strtab_intern_hashed(struct strtab *s, const char *str, size_t len, uint64_t hash,
			 uint32_t *idx);

/* The hash strtab_intern_hashed wants. */
uint64_t strtab_hash(const char *str, size_t len);

/* Starts loading the index slot of @hash into the cache (a hint: a table
 * whose index is not built yet, or that grows meanwhile, ignores it). */
static inline void strtab_prefetch(const struct strtab *s, uint64_t hash)
{
	if (s->slots)
		__builtin_prefetch(&s->slots[hash & (s->nslots - 1)]);
}

/* Makes room for @n more strings, so that @n strtab_append_unique calls
 * cannot fail.  Returns 0, -ENOMEM or -E2BIG. */
int strtab_reserve(struct strtab *s, uint32_t n);

/*
 * Says that about @n more distinct strings will be interned: sizes the
 * table and its hash index for them at once, where growing would rehash
 * every string again.  A hint: more or fewer may come.  Returns 0,
 * -ENOMEM or -E2BIG.
 */
int strtab_expect(struct strtab *s, uint32_t n);

/*
 * Appends @str without copying it: it gets index s->count.
 * Preconditions: str[len] == '\0', no NUL before it, the bytes stay valid
 * and unchanged until strtab_free(), and the string differs from every
 * string already in @s.  Returns 0, -ENOMEM or -E2BIG.
 */
int strtab_append_unique(struct strtab *s, const char *str, uint32_t len);

/* Precondition: idx < s->count. */
static inline const char *strtab_get(const struct strtab *s, uint32_t idx)
{
	return s->by_index[idx];
}

static inline uint32_t strtab_len(const struct strtab *s, uint32_t idx)
{
	return s->len_by_index[idx];
}

#endif /* VMTRACE_STRTAB_H */
