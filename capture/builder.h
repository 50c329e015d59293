/* SPDX-License-Identifier: MIT */
/*
 * The trace builder every importer shares (tracefs text, eBPF record,
 * perf script, trace-cmd): it takes the kernel's address-keyed vmalloc
 * events in the order they happened, plus an optional snapshot of the
 * busy areas, gives every area an id, matches each free to the live area
 * with that start address, and produces a struct vmt_trace.
 *
 * Ids: snapshot area i (0-based, source order) is "s<i+1>", the k-th
 * traced alloc "a<k>", the k-th unknown free "u<k>".
 *
 * Semantics (traces/FORMAT.md, "Importing", says the same):
 *  - The snapshot is assumed read shortly after tracing started, so the
 *    events that raced with the read may already be in it.
 *  - A snapshot area becomes a `live` line (caller=, kind=, pages=, phys=
 *    attributes), sorted by address.
 *  - An `unpurged vm_area` was lazily freed before the snapshot and is not
 *    purged yet: it becomes a `live` line AND a `free` of its id emitted
 *    before every traced event (attribute synthetic=unpurged), so eager
 *    models release it at once.  Exceptions: (a) the trace frees that
 *    address before any traced alloc of it: that traced free is its free,
 *    and no synthetic one is added; (b) a traced alloc overlaps it before
 *    any purge covering its address: an unpurged range is not reusable
 *    until purged, so the snapshot saw that alloc (already freed again):
 *    the area is dropped (neither live nor freed).
 *  - A successful traced alloc overlapping a snapshot area that is still
 *    live in the trace's view (not freed by an earlier traced free) means
 *    the snapshot saw this alloc, or something gone since: those snapshot
 *    areas are dropped.
 *  - A traced free of an address with no live area (neither from the
 *    snapshot nor from an earlier traced alloc) is an unknown free: it is
 *    kept as `free u<k>` with addr=0x.. so the replay counts it.
 *  - A failed alloc (failed=1) is kept with failed=1 and a fresh id; it
 *    never becomes live.
 *  - A traced alloc at the start address of an area still live from an
 *    earlier traced alloc (no free between: a lost free event or a kernel
 *    bug) is kept with the SAME id as the live area: the replay rejects
 *    it as an alloc of a live id and counts it under "invalid allocs",
 *    and the next free of the address frees the one area.
 *  - Purges are kept as they are (models free eagerly and only count
 *    them).
 *  - Every decision above is counted in `meta import.*` lines.
 */
#ifndef VMTRACE_BUILDER_H
#define VMTRACE_BUILDER_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/diag.h"
#include "lib/progress.h"
#include "trace/trace.h"
#include "capture/vmallocinfo.h"

/* A numeric attribute kept verbatim as key=value ("kept and ignored"). */
struct vmt_raw_num {
	const char *key;	/* [a-z_]+ */
	uint64_t value;
};

/* A textual attribute kept as key=value, the value percent-encoded. */
struct vmt_raw_text {
	const char *key;	/* [a-z_]+ */
	const char *value;	/* any bytes but NUL */
};

/* One traced event, as the kernel reported it. */
struct vmt_raw_event {
	enum vmt_op op;		/* VMT_ALLOC, VMT_FREE or VMT_PURGE */
	uint8_t flags;		/* of VMT_F_T, VMT_F_CPU, VMT_F_PID, VMT_F_FAILED */
	uint64_t t;		/* nanoseconds */
	uint16_t cpu;
	uint32_t pid;		/* not kept for a purge (the format has none) */
	const char *comm;	/* task name (any bytes but NUL), or NULL; not
				 * kept for a purge */
	uint64_t va;		/* alloc: the address the kernel chose; free: va_start */
	uint64_t size, align, vstart, vend;	/* alloc */
	uint64_t start, end, npurged;		/* purge */
	const struct vmt_raw_num *extra;	/* nextra attributes, or NULL */
	size_t nextra;
	const struct vmt_raw_text *text;	/* ntext attributes after extra, or NULL */
	size_t ntext;
	uint32_t line;		/* source line or record number for messages */
};

/* What the builder decided, also written as `meta import.*` lines. */
struct vmt_build_stats {
	uint64_t allocs, failed_allocs, frees, purges;
	uint64_t snapshot_areas;	/* live lines written */
	uint64_t snapshot_dropped;	/* live areas the trace showed to be newer */
	uint64_t unpurged_synthetic;	/* unpurged areas freed at the start */
	uint64_t unpurged_traced;	/* unpurged areas freed by a traced free */
	uint64_t unpurged_dropped;	/* unpurged areas overlapped by an alloc */
	uint64_t unknown_frees;
	uint64_t realloc_live;		/* allocs at a still-live traced address */
};

struct builder_addr;

/* Private: use the functions below. */
struct vmt_builder {
	const char *name;		/* source name for messages */
	struct vmt_trace t;		/* attrs are interned here as events come */
	struct vmt_event *ev;		/* traced events, not yet given ids */
	uint32_t *line;
	size_t nev, cap;
	const struct vmt_snapshot *snap;
	struct vmt_build_stats st;
	char *attrs;			/* scratch for one event's attribute text */
	size_t attrs_cap;
	/* Ticked with the events added so far after each one, or NULL (the
	 * caller's progress line: `import` sets it). */
	struct progress *progress;
};

/*
 * Initializes @b.  @name (kept, not copied) names the source in messages.
 * Returns 0 or -ENOMEM.
 */
int vmt_builder_init(struct vmt_builder *b, const char *name);

/* Frees everything @b holds.  Safe after vmt_builder_finish. */
void vmt_builder_free(struct vmt_builder *b);

/*
 * Adds the next traced event.  Preconditions: events come in the order
 * they happened.  Returns 0; -EINVAL with `name:line: what` in @err for an
 * alloc whose size is 0 or whose range wraps past 2^64, or a purge of
 * areas whose start is above its end (a purge of none keeps the kernel's
 * empty ULONG_MAX/0 range); -ENOMEM.
 */
int vmt_builder_add(struct vmt_builder *b, const struct vmt_raw_event *ev,
		    struct vmt_err *err);

/*
 * Uses @snap as the initial snapshot.  It is borrowed: it must stay alive
 * and unchanged until vmt_builder_finish returns.
 */
void vmt_builder_set_snapshot(struct vmt_builder *b, const struct vmt_snapshot *snap);

/*
 * Reconciles the snapshot with the events (header comment) and moves the
 * result into @out (not initialized by the caller; free it with
 * vmt_trace_free).  Adds the `meta import.*` counts.  @st, when not NULL,
 * receives the same counts.  Returns 0 or -ENOMEM (message in @err); @b
 * must then only be freed.
 */
int vmt_builder_finish(struct vmt_builder *b, struct vmt_trace *out,
		       struct vmt_build_stats *st, struct vmt_err *err);

#endif /* VMTRACE_BUILDER_H */
