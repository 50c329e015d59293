/* SPDX-License-Identifier: MIT */
/*
 * A string table that interns: equal strings get one index.  Index 0 is
 * always the empty string and means "none".  Strings never move once
 * interned, so pointers from strtab_get() stay valid until strtab_free().
 */
#ifndef VMTRACE_STRTAB_H
#define VMTRACE_STRTAB_H

#include <stddef.h>
#include <stdint.h>

struct strtab_entry;
struct strtab_chunk;

struct strtab {
	struct strtab_entry *hash;	/* uthash head */
	struct strtab_chunk *chunks;	/* arena holding entries and their bytes */
	const char **by_index;		/* index -> string */
	uint32_t *len_by_index;		/* index -> length */
	uint32_t count, cap;
};

int strtab_init(struct strtab *s);
void strtab_free(struct strtab *s);

/*
 * Interns the @len bytes at @str (no NUL needed; NUL bytes not allowed).
 * Returns 0 and sets *@idx, or -ENOMEM, or -E2BIG past 2^32 - 1 strings.
 */
int strtab_intern(struct strtab *s, const char *str, size_t len, uint32_t *idx);

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
