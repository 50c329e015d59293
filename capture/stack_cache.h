/* SPDX-License-Identifier: MIT */
/*
 * What a recorded allocation's kernel stack says, kind= and caller=
 * (classify.h), worked out once per distinct stack.  Naming a stack takes
 * a binary search of kallsyms per frame and the classification table's
 * patterns against every frame: microseconds that the ring-buffer reader
 * does not have when the traced workload keeps every CPU busy, and an
 * allocation storm repeats a handful of stacks.  Stacks are keyed by their
 * return addresses themselves, so two share a result only when equal.
 */
#ifndef VMTRACE_STACK_CACHE_H
#define VMTRACE_STACK_CACHE_H

#include <stddef.h>
#include <linux/types.h>

#include "capture/kallsyms.h"
#include "capture/vmtrace_event.h"

struct vmt_stack_class {
	const char *kind;	/* vmt_kind_name() */
	const char *caller;	/* the first frame outside the allocator, or NULL */
};

struct vmt_stack_slot;

struct vmt_stack_cache {
	const struct ksyms *ksyms;	/* names the frames; outlives the cache */
	struct vmt_stack_slot *slots;	/* cap of them, a power of two, or NULL */
	size_t cap;
	size_t n;			/* distinct stacks held */
};

/* An empty cache naming frames with @k. */
void vmt_stack_cache_init(struct vmt_stack_cache *c, const struct ksyms *k);

/*
 * Sets *@out to the class of the stack @addrs[0..@n) (return addresses,
 * innermost first; @n <= VMT_STACK_DEPTH), classifying it only the
 * first time it is seen.  The names live as long as the cache's ksyms.
 * Returns 0 or -ENOMEM.
 */
int vmt_stack_classify(struct vmt_stack_cache *c, const __u64 *addrs, size_t n,
		       struct vmt_stack_class *out);

/*
 * Names the frames of @addrs[0..@n) into @frames (NULL for an address below
 * every symbol).  What vmt_stack_classify does for a stack it has not
 * seen; for callers that need the frames themselves.
 */
void vmt_stack_name(const struct ksyms *k, const __u64 *addrs, size_t n,
		    const char **frames);

void vmt_stack_cache_free(struct vmt_stack_cache *c);

#endif /* VMTRACE_STACK_CACHE_H */
