/* SPDX-License-Identifier: MIT */
/*
 * The distinct stacks seen (stack_cache.h), in an open-addressing table
 * with linear probing, at most half full.  A slot keeps the whole stack:
 * the hash only finds it, equality decides.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Inline XXH3: a stack is at most 128 bytes, where a call would dominate. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "capture/classify.h"
#include "capture/stack_cache.h"

#define FIRST_SLOTS 64

struct vmt_stack_slot {
	uint64_t hash;
	__u64 addrs[VMT_STACK_DEPTH];
	uint32_t n;
	bool used;
	struct vmt_stack_class class;
};

void vmt_stack_cache_init(struct vmt_stack_cache *c, const struct ksyms *k)
{
	*c = (struct vmt_stack_cache){ .ksyms = k };
}

void vmt_stack_cache_free(struct vmt_stack_cache *c)
{
	free(c->slots);
	c->slots = NULL;
	c->cap = c->n = 0;
}

void vmt_stack_name(const struct ksyms *k, const __u64 *addrs, size_t n,
		    const char **frames)
{
	for (size_t i = 0; i < n; i++)
		frames[i] = ksyms_name(k, addrs[i]);
}

/* The slot holding the stack, or the empty one where it goes. */
static struct vmt_stack_slot *probe(const struct vmt_stack_cache *c, uint64_t hash,
				    const __u64 *addrs, size_t n)
{
	size_t mask = c->cap - 1;

	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct vmt_stack_slot *s = &c->slots[i];

		if (!s->used || (s->hash == hash && s->n == n &&
				 !memcmp(s->addrs, addrs, n * sizeof(*addrs))))
			return s;
	}
}

/* Doubles the table (or makes the first), moving every stack over. */
static int grow(struct vmt_stack_cache *c)
{
	struct vmt_stack_cache bigger = *c;

	bigger.cap = c->cap ? 2 * c->cap : FIRST_SLOTS;
	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].used)
			*probe(&bigger, c->slots[i].hash, c->slots[i].addrs,
			       c->slots[i].n) = c->slots[i];
	free(c->slots);
	*c = bigger;
	return 0;
}

int vmt_stack_classify(struct vmt_stack_cache *c, const __u64 *addrs, size_t n,
		       struct vmt_stack_class *out)
{
	uint64_t hash = XXH3_64bits(addrs, n * sizeof(*addrs));
	const char *frames[VMT_STACK_DEPTH];
	struct vmt_stack_slot *s;
	struct vmt_class class;
	int ret;

	if (2 * (c->n + 1) > c->cap && (ret = grow(c)))
		return ret;
	s = probe(c, hash, addrs, n);
	if (!s->used) {
		vmt_stack_name(c->ksyms, addrs, n, frames);
		class = vmt_classify(frames, n);
		*s = (struct vmt_stack_slot){
			.hash = hash, .n = (uint32_t)n, .used = true,
			.class = { vmt_kind_name(class.kind),
				   class.caller < 0 ? NULL : frames[class.caller] },
		};
		memcpy(s->addrs, addrs, n * sizeof(*addrs));
		c->n++;
	}
	*out = s->class;
	return 0;
}
