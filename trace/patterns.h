/* SPDX-License-Identifier: MIT */
/*
 * The access patterns of the kernel's own vmalloc benchmark,
 * lib/test_vmalloc.c (Uladzislau Rezki, 2018), as traces.
 *
 * Each pattern is named after the kernel test it reproduces and keeps the
 * test's parameters where they shape the address space; what the kernel
 * adds on the way to alloc_vmap_area() is added here too, because a trace
 * records what alloc_vmap_area() received (traces/FORMAT.md):
 *
 *  - vmalloc() and __vmalloc_node() go through __get_vm_area_node(), which
 *    adds a guard page: a request of n pages is recorded as n + 1 pages;
 *  - vmalloc() asks for no alignment (a page); __vmalloc_node(size, align)
 *    passes its align on, and an align below a page is a page;
 *  - vm_map_ram() of a few pages takes them from a per-CPU vmap block,
 *    which is the only area alloc_vmap_area() sees: VMAP_BLOCK_SIZE
 *    (1024 pages on x86_64), aligned to itself, with no guard page, and
 *    released when all its pages have been mapped and unmapped once.
 *
 * The test's loop count (test_loop_count, 1 000 000 in the kernel) is
 * `count`; the patterns default to 10 000 so that every model, linear
 * included, replays each in seconds.  With `threads` > 1 the pattern runs
 * on that many CPUs at once, as the test's nr_threads workers do: one
 * stream per CPU (cpu=0..threads-1, ids prefixed by the CPU), the streams
 * interleaved event by event in a seeded random order.  The kernel frees
 * lazily and purges when enough is pending; these traces have no purge
 * events (models free eagerly unless `replay --lazy`).
 *
 * Everything is a function of the options: same options, same bytes.
 */
#ifndef VMTRACE_PATTERNS_H
#define VMTRACE_PATTERNS_H

#include <stdint.h>

#include "trace/trace.h"

enum vm_pattern {
	PATTERN_FIX_SIZE,		/* fix_size_alloc_test */
	PATTERN_FULL_FIT,		/* full_fit_alloc_test */
	PATTERN_LONG_BUSY_LIST,		/* long_busy_list_alloc_test */
	PATTERN_RANDOM_SIZE,		/* random_size_alloc_test */
	PATTERN_FIX_ALIGN,		/* fix_align_alloc_test */
	PATTERN_RANDOM_SIZE_ALIGN,	/* random_size_align_alloc_test */
	PATTERN_ALIGN_SHIFT,		/* align_shift_alloc_test */
	PATTERN_PCPU_ALLOC,		/* pcpu_alloc_test, its shape only */
	PATTERN_VM_MAP_RAM,		/* vm_map_ram_test */
	PATTERNS,
};

struct pattern_desc {
	const char *name;	/* as --pattern spells it: the kernel test's, less "_test" */
	const char *kernel_test;	/* the function in lib/test_vmalloc.c */
	const char *what;	/* one line: the requests, as alloc_vmap_area() sees them */
};

extern const struct pattern_desc pattern_descs[PATTERNS];

struct pattern_opts {
	enum vm_pattern pattern;
	uint64_t seed;
	uint64_t count;		/* the test's loop count, > 0 */
	uint32_t threads;	/* concurrent workers, 1..65535 (the test's nr_threads) */
	/* Areas full_fit, long_busy_list and pcpu_alloc keep busy; 0: the
	 * kernel test's (fls(CPUs) x 8192 pairs, 15000, 35000).  Smaller
	 * ones make traces that --check replays quickly. */
	uint64_t busy;
	uint64_t lo, hi;	/* main window, page aligned, lo < hi */
	uint64_t page_size;	/* power of two */
};

/* Defaults: fix_size, seed 1, count 10000, 1 thread, the kernel's busy
 * counts, x86_64, 4 KiB pages. */
void pattern_opts_default(struct pattern_opts *o);

/* The pattern named @name, or PATTERNS when none is. */
enum vm_pattern pattern_find(const char *name);

/*
 * Fills @t (which this initializes) with the trace of @o.  Returns 0,
 * -EINVAL for options out of range, or -ENOMEM; @t is empty on error.
 */
int vmt_generate_pattern(const struct pattern_opts *o, struct vmt_trace *t);

#endif /* VMTRACE_PATTERNS_H */
