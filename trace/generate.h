/* SPDX-License-Identifier: MIT */
/*
 * A seeded generator of synthetic traces, for the differential test and
 * for benchmarks at a chosen number of live areas.
 *
 * The trace: `snapshot` live areas laid out from the window start with
 * small random gaps, then `events` allocs and frees.  Allocs come first
 * until `live_target` areas are live (the warm-up), then an alloc happens
 * with probability live_target / (live_target + live), so the live count
 * hovers around the target.  A free releases a uniformly chosen live id
 * (snapshot areas included).  The generator does not know which allocs a
 * model fails; a free of such an id is an unknown free to the replay.
 *
 * Allocation sizes include the guard page: 55% 2..5 pages, 30% 6..65,
 * 12% 66..1025, 3% 2^10..2^14 pages + 1.  `aligned_pct`% of allocs ask
 * for an alignment by `align_rule` (one that comes to a page asks for
 * none).  `window_pct`% of allocs carry
 * their own [vstart, vend) inside the main window, a third of them tight
 * (at most 4 pages more than the size) so they often fail.  Everything is
 * a function of the options: same options, same trace.
 *
 * With `recorded_fields`, events also carry what a recorded trace has
 * besides the requests, for benchmarks of the trace readers: each its t=
 * (rising by 0..4999 ns) and, but for purges, cpu= (0..7); each alloc a
 * pid=, a caller= (and kind=) and a va= (the next address after the
 * previous alloc's, not what a model would choose); and one event in a
 * thousand is a purge of the main window instead of an alloc or free.
 */
#ifndef VMTRACE_GENERATE_H
#define VMTRACE_GENERATE_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/trace.h"

/* How an aligned alloc's alignment is chosen. */
enum gen_align_rule {
	/*
	 * As ioremap aligns (__get_vm_area_node() with VM_IOREMAP): the size
	 * without its guard page rounded up to a power of two, at least a
	 * page and at most 1 GiB (x86-64's IOREMAP_MAX_ORDER, PUD_SHIFT).
	 * The alignment grows with the size, as for every caller in the
	 * recorded traces (kernel stacks: 16 KiB for 20 KiB).
	 */
	GEN_ALIGN_IOREMAP,
	/*
	 * 2^k with page < 2^k <= 1 MiB, whatever the size: a stress no
	 * kernel caller makes, under which searches pruned by
	 * size + align - 1 depart most from lowest fit, and exact ones
	 * search longest.
	 */
	GEN_ALIGN_ANY,
};

/* "ioremap", "any": as --align-rule spells them. */
extern const char *const gen_align_rule_names[];

struct gen_opts {
	uint64_t seed;
	uint64_t events;	/* alloc and free events */
	uint64_t live_target;	/* > 0 */
	uint64_t snapshot;	/* live areas before the first event */
	uint64_t lo, hi;	/* main window, page aligned, lo < hi */
	uint64_t page_size;	/* power of two */
	unsigned aligned_pct;	/* 0..100 */
	enum gen_align_rule align_rule;
	unsigned window_pct;	/* 0..100 */
	bool recorded_fields;	/* see above; off by default */
};

/* Defaults: seed 1, 100000 events, 1000 live, no snapshot, x86_64,
 * 10% aligned as ioremap aligns, 10% windowed. */
void gen_opts_default(struct gen_opts *o);

/*
 * Fills @t (which this initializes) with the trace @o describes.
 * Returns 0, -EINVAL for options out of range (the snapshot must fit in
 * the window), or -ENOMEM; @t is empty on error.
 */
int vmt_generate(const struct gen_opts *o, struct vmt_trace *t);

/*
 * vmt_generate() for traces larger than memory: each event goes to
 * @emit as it is made (a non-zero return stops and is returned), none is
 * kept, and ids are not interned: an event's id is its area's number, 1,
 * 2, ... in the order the areas are made (*@nids: the last + 1).  @t gets
 * the rest (header, meta, text table); t->ids stays empty.  The same
 * options give the same events as vmt_generate() does, ids aside.
 */
int vmt_generate_each(const struct gen_opts *o, struct vmt_trace *t,
		      int (*emit)(void *arg, const struct vmt_event *ev), void *arg,
		      uint32_t *nids);

/* --- shared with the pattern generator (trace/patterns.c) ----------------- */

/* splitmix64: small, fast, and the same everywhere.  Advances *@state. */
uint64_t gen_random(uint64_t *state);

/* Uniform in [lo, hi], lo <= hi (the modulo bias is irrelevant here). */
uint64_t gen_random_between(uint64_t *state, uint64_t lo, uint64_t hi);

/* Interns the id "<prefix><n>" (@prefix at most 24 bytes) into @t's ids.
 * Returns 0 or -ENOMEM. */
int gen_intern_id(struct vmt_trace *t, const char *prefix, uint64_t n, uint32_t *id);

#endif /* VMTRACE_GENERATE_H */
