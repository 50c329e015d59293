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
 *   GATE_SLOWER             every alloc and free first spins for
 *                           $GATE_SLOWER_NS nanoseconds of CPU time (a busy
 *                           loop calibrated at start): the test sets it to
 *                           30% of the CPU time per event it measured
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
#include <stdint.h>
#include <stdlib.h>

/* Busy-loop iterations per alloc or free: GATE_SLOWER_NS nanoseconds' worth. */
static uint64_t spin_loops;

/*
 * A chain of dependent register additions: one per cycle on any x86 or
 * arm64 core, whatever the stack layout (a volatile counter in memory ran
 * at 0.29 or 0.55 ns an iteration depending on where the compiler put it,
 * and a spin calibrated on one copy injected a third of its target).  Not
 * inlined, so that the calibration times the instructions alloc runs.
 */
__attribute__((noinline)) static void spin(uint64_t loops)
{
	for (uint64_t i = 0; i < loops; i++)
		__asm__ volatile("" : "+r"(i));
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * How many loops GATE_SLOWER_NS of CPU time take: the median of five
 * timed probes (the first ones run before the loop is warm).
 */
static void calibrate(void)
{
	const char *ns = getenv("GATE_SLOWER_NS");
	const uint64_t probe = 4 * 1000 * 1000;
	double per_loop[5];

	for (int i = 0; i < 5; i++) {
		double start = cpu_ns();

		spin(probe);
		per_loop[i] = (cpu_ns() - start) / probe;
	}
	qsort(per_loop, 5, sizeof(per_loop[0]), by_value);
	spin_loops = (uint64_t)((ns ? atof(ns) : 0) / per_loop[2]);
}

static int mutant_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	spin(spin_loops);
	return real_rbtree_cache_ops.free(m, addr, search);
}
#endif

static int mutant_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
			uint64_t *search)
{
	struct vm_request r = *req;
	int ret;

#ifdef GATE_PLACE_DIFFERENTLY
	r.align *= 2;
#endif
	ret = real_rbtree_cache_ops.alloc(m, &r, addr, search);
#ifdef GATE_SEARCH_LONGER
	(*search)++;
#endif
#ifdef GATE_SLOWER
	spin(spin_loops);
#endif
	return ret;
}

__attribute__((constructor)) static void install_mutant(void)
{
	vm_allocator_rbtree_cache = real_rbtree_cache_ops;
	vm_allocator_rbtree_cache.alloc = mutant_alloc;
#ifdef GATE_SLOWER
	calibrate();
	vm_allocator_rbtree_cache.free = mutant_free;
#endif
}
