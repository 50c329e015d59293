/* SPDX-License-Identifier: MIT */
/*
 * Reading a streamed binary trace ahead, in a second thread: it reads the
 * next blocks (decompressing, checking each event, feeding the checksum:
 * all that vmt_bin_stream_read() does) while the caller works on the one
 * it holds, so that reading leaves the caller's critical path when a
 * second CPU is free.  Memory stays bounded: a ring of
 * VMT_BIN_PREFETCH_BLOCKS blocks of VMT_BIN_BLOCK_EVENTS events (1 MiB).  The
 * blocks come in the file's order, and an error comes where
 * vmt_bin_stream_read() would have returned it, after the blocks before it.
 */
#ifndef VMTRACE_TRACE_BIN_PREFETCH_H
#define VMTRACE_TRACE_BIN_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "trace/trace_bin.h"

#define VMT_BIN_PREFETCH_BLOCKS 4

struct vmt_bin_prefetch;

/*
 * Work done on each block in the reading thread as well, after it is read
 * and before it is given: @block(@arg, ring, ev, first, n) sees events
 * [first, first + n) of the trace at @ev, in the block of the ring
 * numbered @ring (0 <= ring < VMT_BIN_PREFETCH_BLOCKS, as
 * vmt_bin_prefetch_next() will say), and returns 0 or a negative errno,
 * which becomes the block's error (without a message).
 */
struct vmt_bin_prefetch_hook {
	int (*block)(void *arg, unsigned ring, const struct vmt_event *ev, uint64_t first,
		     size_t n);
	void *arg;
};

/*
 * Starts reading @s (opened by vmt_bin_stream_open() with @t) ahead,
 * calling @hook (NULL: none) on each block.
 * From then until vmt_bin_prefetch_stop(), the reading thread owns @s and
 * t->lost_events (set once vmt_bin_prefetch_next() gave the end): the
 * caller touches neither.  Returns 0, or -ENOMEM / -errno (the thread
 * could not start) with a message in @err; *@p is NULL then.
 */
int vmt_bin_prefetch_start(struct vmt_bin_stream *s, struct vmt_trace *t,
			   const struct vmt_bin_prefetch_hook *hook, struct vmt_bin_prefetch **p,
			   struct vmt_err *err);

/*
 * The next block: *@ev points at *@n events (0 at the end, once the footer
 * and checksum are checked, as vmt_bin_stream_read() says), valid until
 * the next call; (*@ev)[-1] is the event before the block (zeroed before
 * the first); *@ring (NULL: not wanted) numbers its block of the ring.
 * Gives back the block held before.  Returns 0, or the
 * reading's error (-EINVAL, -EIO) with its message in @err; after the end
 * or an error, every call gives the same again.
 */
int vmt_bin_prefetch_next(struct vmt_bin_prefetch *p, const struct vmt_event **ev,
			  size_t *n, unsigned *ring, struct vmt_err *err);

/* Stops the reading thread (it finishes the block it is reading) and
 * frees @p; NULL is fine. */
void vmt_bin_prefetch_stop(struct vmt_bin_prefetch *p);

#endif /* VMTRACE_TRACE_BIN_PREFETCH_H */
