/* SPDX-License-Identifier: MIT */
/*
 * Every figure the replay reports, defined once.
 *
 * X(type, name, kind, label, definition)
 *   type   U64 or F64
 *   name   the C field and the JSON key
 *   kind   EXACT: a pure function of the trace, the model and the window,
 *          identical on every run and machine (tests compare it exactly);
 *          AUDIT: exact too, but only computed by the auditing options
 *          (--lowest-fit-audit, --reference), 0 otherwise;
 *          LAZY: exact too, but only computed with --lazy, 0 otherwise;
 *          SERIAL: exact when the replay runs on one thread; under
 *          --threads N with N > 1 it depends on how the threads interleave
 *          (which CPU's event reaches the model first), so it varies from
 *          run to run: layouts, searches and fragmentation are SERIAL,
 *          counts the trace alone fixes are EXACT;
 *          TIMING: measured on the clock, never compared exactly.
 *   label  the column title in tables and RESULTS.md
 *   definition  what it is; RESULTS.md prints these definitions.
 *
 * The struct replay_summary, the stdout table, the --json keys and the
 * report's labels are all expanded from this list, so they cannot drift.
 */
#ifndef VMTRACE_METRICS_H
#define VMTRACE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#define REPLAY_SUMMARY_METRICS(X)                                                          \
	X(U64, events, EXACT, "events",                                                    \
	  "alloc, free and purge events replayed (live lines are not events)")              \
	X(U64, snapshot_areas, EXACT, "snapshot areas",                                    \
	  "live lines reserved in the model before the first event")                       \
	X(U64, allocs, EXACT, "allocs", "alloc events")                                    \
	X(U64, frees, EXACT, "frees", "free events")                                       \
	X(U64, purges, EXACT, "purges",                                                    \
	  "purge events (counted; with --lazy they release the lazily freed areas)")       \
	X(U64, lazy_failure_purges, LAZY, "lazy purges on failure",                       \
	  "with --lazy (else 0): allocs that found no room while lazily freed areas "      \
	  "were pending, so purged them and searched again, as alloc_vmap_area() does")    \
	X(U64, lazy_areas_purged, LAZY, "lazy areas purged",                              \
	  "with --lazy (else 0): freed areas released to the model by a purge event or "   \
	  "a failed alloc")                                                                \
	X(U64, lazy_areas_pending, LAZY, "lazy areas pending",                            \
	  "with --lazy (else 0): freed areas still held by the model after the last "      \
	  "event, waiting for a purge")                                                    \
	X(U64, failed_allocs, SERIAL, "failed allocs",                                      \
	  "valid allocs for which the model found no room")                                \
	X(U64, kernel_failed_allocs, EXACT, "kernel-failed allocs",                        \
	  "allocs the kernel itself reported as failed (failed=1)")                        \
	X(U64, kernel_va_matches, SERIAL, "kernel va matches",                              \
	  "allocs the model placed at the address the kernel chose (va=)")                 \
	X(U64, kernel_va_allocs, EXACT, "kernel va allocs",                                \
	  "replayed allocs that carry the kernel's address (va=) and that the kernel "     \
	  "did not fail: the allocs fidelity judges")                                      \
	X(F64, fidelity, SERIAL, "fidelity",                                                \
	  "kernel va matches / kernel va allocs (0 when none): the share of the "          \
	  "kernel's own decisions the model repeated; with --follow-kernel each is "       \
	  "judged on the kernel's layout, else the model runs free on its own")            \
	X(U64, kernel_va_conflicts, EXACT, "kernel va conflicts",                          \
	  "allocs whose va= range overlaps an area the kernel still had busy by the "      \
	  "trace (a snapshot area or an earlier va= alloc not freed since), or runs "     \
	  "past 2^64; the model replays them all the same")                                \
	X(U64, unknown_frees, EXACT, "unknown frees",                                      \
	  "frees of an id no earlier live line or successful alloc named")                 \
	X(U64, double_frees, EXACT, "double frees",                                        \
	  "frees of an id already freed and not allocated again since")                    \
	X(U64, invalid_events, EXACT, "invalid allocs",                                    \
	  "allocs not replayed: size 0 or not a page multiple, align not a power of "      \
	  "two, vstart >= vend, or an id that is already live")                            \
	X(U64, snapshot_conflicts, EXACT, "snapshot conflicts",                            \
	  "live lines not reserved: size 0 or not a page multiple, address not page "      \
	  "aligned, running past 2^64, overlapping an earlier area, or an id already "     \
	  "live")                                                                          \
	X(U64, lowest_fit_departures, AUDIT, "lowest-fit departures",                     \
	  "with --lowest-fit-audit (else 0): allocs the model placed elsewhere than "      \
	  "the lowest-address fit of its own layout at that moment, or failed while a "   \
	  "hole would fit")                                                                \
	X(U64, reference_differences, AUDIT, "placements unlike the reference",           \
	  "with --reference MODEL (else 0): allocs placed at another address than MODEL "  \
	  "placed them, or failed by one and not the other, each model replaying the "     \
	  "trace on its own layout (one early difference can change every later one)")    \
	X(F64, alloc_search_mean, SERIAL, "alloc search mean",                              \
	  "mean search length over every alloc handed to the model, failed ones included") \
	X(U64, alloc_search_p50, SERIAL, "alloc search p50",                                \
	  "nearest-rank median of the alloc search lengths")                               \
	X(U64, alloc_search_p99, SERIAL, "alloc search p99",                                \
	  "nearest-rank 99th percentile of the alloc search lengths")                      \
	X(U64, alloc_search_max, SERIAL, "alloc search max", "longest alloc search")        \
	X(U64, alloc_search_total, SERIAL, "alloc search total",                            \
	  "sum of the alloc search lengths")                                               \
	X(F64, free_search_mean, SERIAL, "free search mean",                                \
	  "mean search length over every free of a live id")                               \
	X(U64, free_search_p50, SERIAL, "free search p50",                                  \
	  "nearest-rank median of the free search lengths")                                \
	X(U64, free_search_p99, SERIAL, "free search p99",                                  \
	  "nearest-rank 99th percentile of the free search lengths")                       \
	X(U64, free_search_max, SERIAL, "free search max", "longest free search")           \
	X(U64, free_search_total, SERIAL, "free search total",                              \
	  "sum of the free search lengths")                                                \
	X(U64, end_live_areas, EXACT, "live areas at end",                                 \
	  "busy areas intersecting the main window after the last event")                  \
	X(U64, end_live_bytes, EXACT, "live bytes at end",                                 \
	  "their bytes inside the main window")                                            \
	X(U64, holes, SERIAL, "holes",                                                      \
	  "free gaps between the window start and the highest busy end, after the "        \
	  "last event")                                                                    \
	X(U64, hole_bytes, SERIAL, "hole bytes", "total bytes of those holes")              \
	X(U64, largest_hole, SERIAL, "largest hole", "the largest of those holes, bytes")   \
	X(U64, small_hole_bytes, SERIAL, "hole bytes but the largest",                     \
	  "hole bytes - largest hole: the free space interleaved with busy areas")       \
	X(F64, ext_frag, SERIAL, "external fragmentation",                                  \
	  "1 - largest hole / hole bytes (0 without holes)")                               \
	X(F64, unusable_16k, SERIAL, "unusable index (16K)",                                \
	  "Gorman's unusable free space index for a 16 KiB request: (hole bytes - "        \
	  "sum of 16K * floor(hole / 16K)) / hole bytes (0 without holes)")                \
	X(U64, max_span, SERIAL, "max span",                                                \
	  "largest span (highest busy end - window start) after the snapshot or any "      \
	  "event")                                                                         \
	X(U64, max_live_bytes, SERIAL, "max live bytes",                                    \
	  "largest busy bytes inside the main window after the snapshot or any event")     \
	X(F64, footprint, SERIAL, "footprint",                                              \
	  "max span / max live bytes (0 when nothing was ever live)")                      \
	X(U64, internal_waste_modelled, SERIAL, "internal waste modelled",                  \
	  "1 when the model reports internal waste (its internal_waste op), 0 when it "     \
	  "holds exactly the requested sizes or does not model it: the two waste "         \
	  "figures are then 0")                               \
	X(U64, max_internal_waste, SERIAL, "max internal waste",                            \
	  "largest internal waste after the snapshot or any event: bytes the live areas "  \
	  "held beyond their requests (a buddy's power-of-two rounding)")                  \
	X(U64, end_internal_waste, SERIAL, "internal waste at end",                         \
	  "internal waste after the last event, bytes")                                    \
	X(U64, metadata_modelled, SERIAL, "metadata modelled",                              \
	  "1 when the model reports its bookkeeping memory (its metadata_bytes op), 0 "    \
	  "when not modelled (max metadata bytes is then 0)") \
	X(U64, max_metadata_bytes, SERIAL, "max metadata bytes",                            \
	  "largest metadata bytes after the snapshot or any event: the model's nodes, "    \
	  "bitmaps, hash tables and list heads, as the design lays them out on x86_64")    \
	X(F64, ext_frag_at_peak, AUDIT, "external fragmentation at peak",                 \
	  "with --lowest-fit-audit (else 0): external fragmentation, as defined above, "   \
	  "of the layout after the first event (or the snapshot) at which the live "       \
	  "bytes reach max live bytes")                                                    \
	X(F64, unusable_16k_at_peak, AUDIT, "unusable index (16K) at peak",               \
	  "with --lowest-fit-audit (else 0): the unusable index (16K), as defined "        \
	  "above, of that same layout")                                                    \
	X(F64, replay_seconds, TIMING, "replay seconds",                                   \
	  "wall-clock time of the replay loop over the events (CLOCK_MONOTONIC), from "    \
	  "the first event on: the snapshot is set-up and not timed")                     \
	X(F64, replay_cpu_seconds, TIMING, "replay CPU seconds",                           \
	  "CPU time the replaying thread spent in that loop (CLOCK_THREAD_CPUTIME_ID): "   \
	  "unlike the wall clock, not stretched by preemption on a shared machine; "       \
	  "single-threaded replays only (0 with --threads)")                               \
	X(F64, events_per_sec, TIMING, "events/s", "events / replay seconds")

/* Columns of `replay --series`: one row after every N events, and the last. */
#define REPLAY_SERIES_COLUMNS(X)                                                        \
	X(U64, seq, EXACT, "event", "events replayed so far")                           \
	X(U64, live_areas, EXACT, "live areas", "busy areas intersecting the window")  \
	X(U64, live_bytes, EXACT, "live bytes", "their bytes inside the window")       \
	X(U64, span, EXACT, "span", "highest busy end - window start")                 \
	X(U64, holes, SERIAL, "holes", "free gaps below the highest busy end")          \
	X(U64, hole_bytes, SERIAL, "hole bytes", "their total size")                    \
	X(U64, largest_hole, SERIAL, "largest hole", "the largest gap")                 \
	X(U64, small_hole_bytes, SERIAL, "hole bytes but the largest", "hole bytes - largest hole") \
	X(F64, ext_frag, SERIAL, "external fragmentation", "1 - largest / hole bytes")   \
	X(F64, unusable_16k, SERIAL, "unusable index (16K)", "as in the summary")

/*
 * Lock statistics of one operation (alloc, free), reported by
 * `replay --lock-stat` and `replay --threads`, named after the kernel's
 * lock_stat columns.  Times are nanoseconds on lock_clock_ns(); a hold is
 * the model call made while the lock is held, a wait the time from the
 * first failed try to holding the lock (contended acquisitions only, as
 * lock_stat records waittime).
 */
#define LOCK_STAT_METRICS(X)                                                            \
	X(U64, acquisitions, EXACT, "acquisitions", "times the lock was taken")         \
	X(U64, hold_steps, SERIAL, "hold steps",                                         \
	  "search steps made while holding the lock: the deterministic proxy of hold "  \
	  "time")                                                                       \
	X(U64, contentions, TIMING, "contentions",                                      \
	  "acquisitions whose first try found the lock taken")                          \
	X(U64, holdtime_min, TIMING, "holdtime-min", "shortest hold, ns")               \
	X(U64, holdtime_p50, TIMING, "holdtime-p50", "nearest-rank median hold, ns")    \
	X(U64, holdtime_p99, TIMING, "holdtime-p99", "nearest-rank 99th percentile hold, ns") \
	X(U64, holdtime_max, TIMING, "holdtime-max", "longest hold, ns")                \
	X(U64, holdtime_total, TIMING, "holdtime-total", "sum of holds, ns")            \
	X(F64, holdtime_avg, TIMING, "holdtime-avg", "holdtime-total / acquisitions, ns") \
	X(U64, waittime_min, TIMING, "waittime-min", "shortest contended wait, ns")     \
	X(U64, waittime_p50, TIMING, "waittime-p50", "nearest-rank median wait, ns")    \
	X(U64, waittime_p99, TIMING, "waittime-p99", "nearest-rank 99th percentile wait, ns") \
	X(U64, waittime_max, TIMING, "waittime-max", "longest wait, ns")                \
	X(U64, waittime_total, TIMING, "waittime-total", "sum of waits, ns")            \
	X(F64, waittime_avg, TIMING, "waittime-avg", "waittime-total / contentions, ns")

/* Multi-threaded replay (`replay --threads N [--scale K]`). */
#define THREAD_METRICS(X)                                                               \
	X(U64, threads, EXACT, "threads", "replay threads")                             \
	X(U64, scale, EXACT, "scale", "interleaved copies of the trace replayed")       \
	X(U64, streams, EXACT, "streams",                                               \
	  "per-CPU event streams (times the scale), mapped onto threads round-robin")   \
	X(U64, ops, EXACT, "operations", "alloc and free calls made on the model")      \
	X(U64, dependency_waits, TIMING, "dependency waits",                            \
	  "events that had to wait for an event of another stream on the same id "      \
	  "(a free for its alloc, an alloc for the free of the id's previous area)")     \
	X(F64, seconds, TIMING, "seconds", "wall-clock time from start to the last thread's end") \
	X(F64, ops_per_sec, TIMING, "operations/s", "operations / seconds")

#define METRIC_CTYPE_U64 uint64_t
#define METRIC_CTYPE_F64 double

struct lock_stat {
#define X(type, name, kind, label, doc) METRIC_CTYPE_##type name;
	LOCK_STAT_METRICS(X)
#undef X
};

struct thread_stat {
#define X(type, name, kind, label, doc) METRIC_CTYPE_##type name;
	THREAD_METRICS(X)
#undef X
};

/* The operations lock statistics are kept for, and their JSON names. */
enum lock_op { LOCK_OP_ALLOC, LOCK_OP_FREE, LOCK_OPS };
#define LOCK_OP_NAMES { "alloc", "free" }

struct replay_summary {
#define X(type, name, kind, label, doc) METRIC_CTYPE_##type name;
	REPLAY_SUMMARY_METRICS(X)
#undef X
	/* With --lock-stat or --threads: the lock taken, and its statistics. */
	bool has_lock_stat;
	const char *lock_name;		/* the kernel lock modelled */
	const char *lock_type;		/* vm_lock_type_name() of the lock taken */
	uint64_t clock_overhead_ns;	/* lock_clock_overhead() */
	struct lock_stat lock[LOCK_OPS];
	/* With --threads only. */
	bool has_threads;
	struct thread_stat threads;
};

struct replay_sample {
#define X(type, name, kind, label, doc) METRIC_CTYPE_##type name;
	REPLAY_SERIES_COLUMNS(X)
#undef X
};

#endif /* VMTRACE_METRICS_H */
