/* SPDX-License-Identifier: MIT */
/*
 * Oracles several fuzz harnesses apply to a trace they obtained (parsed,
 * converted, imported): each calls fuzz_finding() when the trace breaks
 * what its producer promises, and returns otherwise.
 */
#ifndef VMTRACE_FUZZ_TRACE_ORACLE_H
#define VMTRACE_FUZZ_TRACE_ORACLE_H

#include <stdbool.h>
#include <stdio.h>

#include "allocator/allocator.h"
#include "trace/trace.h"

/*
 * @a and @b hold the same header, lost-event count, metadata and events,
 * ids and attributes compared as strings (their string tables may number
 * them differently).  @what names the conversion in the finding.
 */
void fuzz_same_trace(const struct vmt_trace *a, const struct vmt_trace *b,
		     const char *what);

/*
 * @t, written by vmt_text_write() and parsed again, gives the same trace.
 * When @back is not NULL, it receives that parsed trace (vmt_trace_free
 * it).
 */
void fuzz_text_round_trip(const struct vmt_trace *t, struct vmt_trace *back);

/* How fuzz_replay_checked() replays: the defaults, --strict, or --lazy. */
enum fuzz_replay_mode { FUZZ_REPLAY_DEFAULT, FUZZ_REPLAY_STRICT, FUZZ_REPLAY_LAZY };

/*
 * Replays @t through @model with the invariant checker after every event
 * and the series CSV (and, but with --lazy, the events CSV) written to
 * @sink.  The engine's contract: a trace always replays (only -ENOMEM may
 * stop it), except under --strict, where it may also stop with -EINVAL
 * and a `fuzz:LINE: ...` message (the trace must be named "fuzz").  The
 * summary's event counts must add up; lazily freed areas, purged or
 * pending, are frees of placed areas (none without --lazy).
 */
void fuzz_replay_checked(const struct vmt_trace *t, const struct vm_allocator_ops *model,
			 enum fuzz_replay_mode mode, FILE *sink);

#endif /* VMTRACE_FUZZ_TRACE_ORACLE_H */
