/* SPDX-License-Identifier: MIT */
/*
 * Regressions injected into the rbtree-cache model, for tests/e2e_gate.sh
 * to prove `vmtrace compare` catches them.  Linked into test-only copies
 * of vmtrace (build/tests/gate/vmtrace-*), never into the product: the
 * build renames the real model's ops (objcopy --redefine-sym) to
 * real_rbtree_cache_ops, and this file defines vm_allocator_rbtree_cache
 * again around it, changed by the one GATE_* macro it is compiled with:
 *   GATE_SEARCH_LONGER      every alloc reports one more search step
 *   GATE_PLACE_DIFFERENTLY  every alloc asks for twice the alignment
 *   GATE_SLOWER             every alloc and free spins for 30% more time
 *                           than the real call took
 */
#include <time.h>

#include "allocator/allocator.h"

extern const struct vm_allocator_ops real_rbtree_cache_ops;

/*
 * Not const, unlike the declaration registry.c sees: the constructor below
 * fills it from the real ops before main().  (Only this test copy links it.)
 */
struct vm_allocator_ops vm_allocator_rbtree_cache;

#ifdef GATE_SLOWER
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Spins until 30% of the time since @start has passed again. */
static void spin_30_percent(double start)
{
	double until = now_ns() + 0.3 * (now_ns() - start);

	while (now_ns() < until)
		;
}

static int mutant_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	double start = now_ns();
	int ret = real_rbtree_cache_ops.free(m, addr, search);

	spin_30_percent(start);
	return ret;
}
#endif

static int mutant_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
			uint64_t *search)
{
	struct vm_request r = *req;
	int ret;
#ifdef GATE_SLOWER
	double start = now_ns();
#endif

#ifdef GATE_PLACE_DIFFERENTLY
	r.align *= 2;
#endif
	ret = real_rbtree_cache_ops.alloc(m, &r, addr, search);
#ifdef GATE_SEARCH_LONGER
	(*search)++;
#endif
#ifdef GATE_SLOWER
	spin_30_percent(start);
#endif
	return ret;
}

__attribute__((constructor)) static void install_mutant(void)
{
	vm_allocator_rbtree_cache = real_rbtree_cache_ops;
	vm_allocator_rbtree_cache.alloc = mutant_alloc;
#ifdef GATE_SLOWER
	vm_allocator_rbtree_cache.free = mutant_free;
#endif
}
