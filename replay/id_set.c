/* SPDX-License-Identifier: MIT */
/* The id set of replay/id_set.h. */
#include <errno.h>
#include <stdlib.h>

#include "replay/id_set.h"

#define CHUNK_BITS 65536u
#define CHUNK_WORDS (CHUNK_BITS / 64)

/* The mark of a full chunk: any address no chunk can have. */
static uint64_t full_mark;
#define FULL (&full_mark)

int id_set_init(struct id_set *s, uint64_t bound)
{
	s->bound = bound;
	s->nchunks = (bound + CHUNK_BITS - 1) / CHUNK_BITS;
	s->chunk = calloc(s->nchunks ? s->nchunks : 1, sizeof(*s->chunk));
	s->count = calloc(s->nchunks ? s->nchunks : 1, sizeof(*s->count));
	return s->chunk && s->count ? 0 : -ENOMEM;
}

void id_set_free(struct id_set *s)
{
	for (size_t i = 0; s->chunk && i < s->nchunks; i++)
		if (s->chunk[i] != FULL)
			free(s->chunk[i]);
	free(s->chunk);
	free(s->count);
	s->chunk = NULL;
	s->count = NULL;
}

bool id_set_has(const struct id_set *s, uint32_t id)
{
	const uint64_t *c = s->chunk[id / CHUNK_BITS];

	if (!c || c == FULL)
		return c == FULL;
	return c[id % CHUNK_BITS / 64] >> (id % 64) & 1;
}

int id_set_add(struct id_set *s, uint32_t id)
{
	size_t k = id / CHUNK_BITS;
	uint64_t *c = s->chunk[k], bit = 1ull << (id % 64);
	/* The last chunk holds only the ids below the bound. */
	uint64_t size = s->bound - (uint64_t)k * CHUNK_BITS;

	if (c == FULL)
		return 0;
	if (!c && !(c = s->chunk[k] = calloc(CHUNK_WORDS, sizeof(*c))))
		return -ENOMEM;
	if (c[id % CHUNK_BITS / 64] & bit)
		return 0;
	c[id % CHUNK_BITS / 64] |= bit;
	if (++s->count[k] == (size < CHUNK_BITS ? size : CHUNK_BITS)) {
		free(c);
		s->chunk[k] = FULL;
	}
	return 0;
}
