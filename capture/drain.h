/* SPDX-License-Identifier: MIT */
/*
 * `record --drain`: empties the kernel's per-node vmap pools (Linux 6.9+,
 * struct vmap_node.pool[]) so that /proc/vmallocinfo, read next, is the
 * whole layout.  Pooled areas are neither busy nor lazily freed, so no
 * snapshot shows them, and a model replaying the trace cannot know them.
 *
 * One sequence (research note /work/research/vmap_nodes.md, §6.5):
 *   1. force a purge (__purge_vmap_area_lazy): create a BPF array map of
 *      more than lazy_max_pages() pages (fls(online CPUs) * 32 MiB) and
 *      close it; its vfree pushes the lazy count past the limit, and the
 *      drain work purges every lazily freed area into the pools (or the
 *      free tree);
 *   2. wait until the purge has run: a purge traced since step 1 (when
 *      the caller traces them) and (almost) no "unpurged vm_area" line
 *      in /proc/vmallocinfo;
 *   3. write 2 to /proc/sys/vm/drop_caches: the "vmap-node" shrinker
 *      (vmap_node_shrink_scan) decays every pool fully into the free tree.
 * Repeated up to a bound while more than a few unpurged areas remain.
 * Nothing stays changed: drop_caches is an action, not a setting.
 */
#ifndef VMTRACE_DRAIN_H
#define VMTRACE_DRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

#define VMT_DRAIN_TRIES 3	/* sequences at most */
#define VMT_DRAIN_GOAL 8	/* unpurged areas that count as "almost none" */

/* Called while waiting for the purge: may do useful work for up to @ms
 * (the recorder drains its ring buffer).  Returns 1 when a purge was
 * traced at or after @since_ns (CLOCK_MONOTONIC), 0 when none was yet,
 * or a negative errno with @err set. */
typedef int (*vmt_drain_wait_fn)(void *ctx, int ms, uint64_t since_ns, struct vmt_err *err);

struct vmt_drain_result {
	unsigned tries;		/* sequences run */
	size_t unpurged_before;	/* lazily freed areas before the first */
	size_t unpurged;	/* after the last sequence's drop_caches */
	uint64_t drop_ns;	/* CLOCK_MONOTONIC just before the last drop_caches */
};

/*
 * Runs the sequence until at most VMT_DRAIN_GOAL unpurged areas remain or
 * VMT_DRAIN_TRIES sequences ran, calling @wait while waiting (NULL: sleep,
 * and take the unpurged count alone as the sign of the purge).
 * Root only.  Returns 0 with @res filled (unpurged may exceed the goal:
 * the caller says so), or a negative errno with @err set.
 */
int vmt_drain_pools(vmt_drain_wait_fn wait, void *ctx, struct vmt_drain_result *res,
		    struct vmt_err *err);

/* Counts the "unpurged vm_area" lines of the vmallocinfo file @path.
 * Returns 0 or a negative errno with @err set. */
int vmt_count_unpurged(const char *path, size_t *n, struct vmt_err *err);

/* Counts the CPUs of a sysfs CPU list file (@path, e.g.
 * /sys/devices/system/cpu/possible: "0-1", "0,2-5").  Returns 0 or a
 * negative errno with @err set. */
int vmt_cpu_list_count(const char *path, unsigned *n, struct vmt_err *err);

#endif /* VMTRACE_DRAIN_H */
