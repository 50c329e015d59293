/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own waits for the vmalloc locks, as `vmtrace record
 * --locks` sees them: which functions take those locks (the site table in
 * lock_waits.c), and per lock the count, total, maximum and nearest-rank
 * percentiles of its waits, written as the trace's kernel_lock.* meta
 * lines (traces/FORMAT.md).
 */
#ifndef VMTRACE_LOCK_WAITS_H
#define VMTRACE_LOCK_WAITS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "lib/samples.h"
#include "trace/trace.h"
#include "capture/kallsyms.h"
#include "capture/vmtrace_event.h"

/* The vmalloc locks' own symbols, NULL-terminated: found by name only in
 * a kallsyms with data symbols (CONFIG_KALLSYMS_ALL). */
extern const char *const vmt_lock_symbols[];

/*
 * The site of a contention: the first of @frames[0..@n) (symbol names,
 * innermost first; NULL for an unnamed address) outside the locking code
 * (_raw_spin_lock, __mutex_lock, ...), as the site table spells it (no
 * compiler suffix), when it is a function of mm/vmalloc.c that takes a
 * vmalloc lock; else NULL.
 */
const char *vmt_lock_site(const char *const *frames, size_t n);

/*
 * Writes into @sites the text of every symbol of @k that is a site
 * function (its .cold and other parts too), sets *@n to their number, and
 * leaves @sites[*@n] empty (the end of the list).  Returns 0; -ENOENT
 * when @k has none (@err says so); -E2BIG when more than @max - 1.
 */
int vmt_lock_site_ranges(const struct ksyms *k, struct vmt_text_range *sites,
			 size_t max, size_t *n, struct vmt_err *err);

struct vmt_lock_stat {
	uint64_t addr;
	char *name;		/* unique among the locks of one summary */
	struct samples waits;	/* ns */
};

/* The waits seen, per lock, in the order of each lock's first wait. */
struct vmt_lock_waits {
	struct vmt_lock_stat *locks;
	size_t n, cap;
};

/*
 * Adds a wait of @wait_ns for the lock at @addr.  A lock seen for the
 * first time is named @name, or "@name_2", "@name_3", ... when another
 * lock has that name already.  Returns 0 or -ENOMEM.
 */
int vmt_lock_waits_add(struct vmt_lock_waits *w, uint64_t addr, const char *name,
		       uint64_t wait_ns);

/*
 * Appends `kernel_lock.method @method` and, per lock, kernel_lock.<name>.
 * addr, .contentions, .wait_total_ns, .wait_max_ns, .wait_p50_ns and
 * .wait_p99_ns to @t's metadata (sorting each lock's waits).  Returns 0 or
 * -ENOMEM.
 */
int vmt_lock_waits_meta(struct vmt_lock_waits *w, const char *method, struct vmt_trace *t);

void vmt_lock_waits_free(struct vmt_lock_waits *w);

#endif /* VMTRACE_LOCK_WAITS_H */
