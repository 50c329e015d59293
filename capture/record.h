/* SPDX-License-Identifier: MIT */
/*
 * The BPF side of `vmtrace record`, seen from user space: checks what the
 * machine must offer, loads and attaches vmtrace.bpf.c to the vmalloc
 * tracepoints, hands each ring-buffer record to a callback, and counts
 * the records the kernel had to drop.
 */
#ifndef VMTRACE_RECORD_H
#define VMTRACE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "lib/diag.h"
#include "capture/vmtrace_event.h"

struct vmt_recorder;

/* Called for every record, in ring-buffer order; non-zero stops the poll
 * and is returned by it.  ev->stack[] holds ev->stack_bytes bytes when
 * that is positive and is not there at all otherwise. */
typedef int (*vmt_bpf_fn)(void *ctx, const struct vmt_bpf_event *ev);

struct vmt_recorder_opts {
	bool stacks;		/* a kernel stack per allocation */
	bool locks;		/* time the waits for vmalloc locks (lock:contention_*) */
	vmt_bpf_fn on_event;
	void *ctx;
};

/*
 * Checks the prerequisites (root, kernel BTF, the vmalloc tracepoints and,
 * with o->locks, the lock ones; tracefs), then loads and attaches the programs.
 * The environment variable VMTRACE_KERNEL_BTF, when set, names the BTF file
 * read instead of /sys/kernel/btf/vmlinux: tests use it to play a kernel
 * without BTF or without a tracepoint (tests/e2e_record_faults.sh).  Returns 0 with *@r set,
 * or a negative errno with one sentence in @err: -EPERM, -ENOENT and
 * -EOPNOTSUPP mean the machine lacks something (the sentence says what and
 * how to get it); others are failures.
 */
int vmt_recorder_start(struct vmt_recorder **r, const struct vmt_recorder_opts *o,
		       struct vmt_err *err);

/*
 * Says which waits are for vmalloc locks: those in a function of
 * @sites[0..@nsites) and those for a lock at @locks[0..@nlocks).  Until
 * this is called no wait is timed.  Preconditions: started with o->locks,
 * @nsites < VMT_LOCK_SITES_MAX, @nlocks <= VMT_NAMED_LOCKS_MAX.  Returns 0
 * or a negative errno with @err set.
 */
int vmt_recorder_watch_locks(struct vmt_recorder *r, const struct vmt_text_range *sites,
			     size_t nsites, const uint64_t *locks, size_t nlocks,
			     struct vmt_err *err);

/* Did the kernel offer vmalloc:purge_vmap_area_lazy (purges are recorded)? */
bool vmt_recorder_has_purge(const struct vmt_recorder *r);

/*
 * Delivers the records ready now, waiting up to @timeout_ms for a batch
 * (the programs wake the reader once VMT_WAKE_BYTES wait, not per record:
 * @timeout_ms bounds how long a record of a quiet spell waits).
 * Returns the number delivered, 0 when interrupted by a signal, or the
 * callback's non-zero value, or a negative errno with @err set.
 */
int vmt_recorder_poll(struct vmt_recorder *r, int timeout_ms, struct vmt_err *err);

/*
 * Detaches the programs, then delivers every record still in the ring
 * buffer.  Returns as vmt_recorder_poll.
 */
int vmt_recorder_stop(struct vmt_recorder *r, struct vmt_err *err);

/* Sets *@lost to the records dropped so far for a full ring buffer.
 * Returns 0 or a negative errno with @err set. */
int vmt_recorder_lost(const struct vmt_recorder *r, uint64_t *lost, struct vmt_err *err);

/* Detaches (if still attached) and frees.  NULL is fine. */
void vmt_recorder_destroy(struct vmt_recorder *r);

#endif /* VMTRACE_RECORD_H */
