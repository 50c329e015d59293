/* SPDX-License-Identifier: MIT */
/*
 * The allocator-model interface.
 *
 * Every model of a virtual-address allocator (the 2.4 vm_struct list, the
 * tree indexes, ...) implements struct vm_allocator_ops and nothing else;
 * the replay engine, the tests and the benchmarks reach models only through
 * the registry at the bottom of this file.
 *
 * Terms used in every contract below:
 *   area     a busy range [addr, addr + size) of the address space.
 *   window   the range [lo, hi) a model instance manages; every area and
 *            every request lies inside it.  lo < hi, both page aligned.
 *   search   the model's search length for one operation: the number of
 *            index nodes (list nodes, tree nodes) that operation examined.
 *            Each model defines precisely what it counts, above its
 *            alloc/free; the count is deterministic for a given sequence
 *            of operations, so tests compare it exactly.
 *
 * Sizes passed in already include any guard page (the trace records what
 * the kernel's alloc_vmap_area() received): models add no guard of their
 * own.
 */
#ifndef VMTRACE_ALLOCATOR_H
#define VMTRACE_ALLOCATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm_model;	/* one model instance; its layout is private to the model */

struct vm_window {
	uint64_t lo;		/* first address of the managed window */
	uint64_t hi;		/* one past the last address; lo < hi */
	uint64_t page_size;	/* power of two; lo and hi are multiples */
	/*
	 * The kernel's vmalloc window [VMALLOC_START, VMALLOC_END), inside
	 * [lo, hi): a request is "full window" iff its vstart and vend are
	 * exactly these (the replay's main window, after its window rules).
	 * Both 0 when unknown: no request is then full window.
	 */
	uint64_t vmalloc_lo, vmalloc_hi;
	/*
	 * The possible CPUs of the traced machine (>= 1): every request's
	 * cpu is below it, unless VM_CPU_UNKNOWN.
	 */
	uint32_t nr_cpus;
};

/* vm_request.cpu when the trace does not say which CPU asked. */
#define VM_CPU_UNKNOWN UINT32_MAX

/* One allocation request, as alloc_vmap_area() received it. */
struct vm_request {
	uint64_t size;		/* > 0, a multiple of the page size, guard included */
	uint64_t align;		/* a power of two >= the page size */
	uint64_t vstart, vend;	/* the request's own window; vstart >= vend fails */
	uint32_t cpu;		/* the requesting CPU, or VM_CPU_UNKNOWN */
};

/*
 * The lock kinds a replay can take around model operations.  Each model
 * declares the one its kernel used; `replay --lock` can override it.
 */
enum vm_lock_type {
	VM_LOCK_SPINLOCK,	/* spinlock_t: pthread spinlock */
	VM_LOCK_RWLOCK,		/* rwlock_t taken for writing: pthread rwlock */
	VM_LOCK_MUTEX,		/* a sleeping lock: pthread mutex */
	VM_LOCK_TICKET,		/* a fair ticket spinlock (Concurrency Kit) */
};

/* Which kernel lock serialized the modelled operations, and what ran inside. */
struct vm_locking {
	const char *lock;		/* the kernel's name for it, e.g. "vmlist_lock" */
	enum vm_lock_type type;
	const char *held_for;		/* the work the kernel did while holding it */
};

/*
 * One purge, as the trace's event describes it.  The kernel detaches each
 * node's lazy list at the start of __purge_vmap_area_lazy() but fires the
 * event at its end: areas freed in between are ordered before the event
 * yet stay lazy until the next purge.  A model purges at most @npurged of
 * its lazy areas.
 */
struct vm_purge {
	/* The purge followed an allocation the kernel failed: a full decay
	 * of every cache (reclaim_and_purge_vmap_areas()). */
	bool full;
	/* The areas the kernel purged (its npurged, 0 allowed), or
	 * VM_PURGE_ALL when the trace does not say. */
	uint64_t npurged;
};

/* vm_purge.npurged when the trace does not say: every lazy area. */
#define VM_PURGE_ALL UINT64_MAX

/* One busy span, as handed to a walk callback. */
typedef int (*vm_walk_fn)(void *arg, uint64_t addr, uint64_t size);

struct vm_allocator_ops {
	/* Registry name, as given to `vmtrace replay -a NAME`. */
	const char *name;
	/* One line: the design this model reproduces, with its kernel version. */
	const char *description;
	/*
	 * The lock every alloc and free of this design ran under.  The replay
	 * takes a lock of this type around each alloc/free call and times
	 * the call as the hold time; model instances are not thread-safe on
	 * their own, so the lock is what makes multi-threaded replay correct.
	 */
	struct vm_locking locking;
	/*
	 * True when a placement depends on more than the current layout of
	 * busy areas, e.g. on a search cache left by earlier operations.  Two
	 * request streams that never share a range then still influence
	 * each other, so a multi-threaded replay may place differently from
	 * the single-threaded one.
	 */
	bool history_dependent;
	/*
	 * True when the design cannot be asked for a range: a request's own
	 * [vstart, vend) is met only when the design happens to place the
	 * area inside it, else the alloc fails.
	 */
	bool ignores_request_window;
	/*
	 * How this model departs from exact lowest-address first fit, and why
	 * (the mechanism of its design, not figures: the reports add those
	 * from the audit runs), as one paragraph of plain sentences; NULL when
	 * it places every area at the lowest address that fits, as linear
	 * does.  `vmtrace report` prints it under "Why some models depart
	 * from lowest fit", so no report code names a model.
	 */
	const char *notes;

	/*
	 * create: a new, empty instance managing @win.
	 * Returns 0 and sets *@out, or -ENOMEM / -EINVAL (bad window).
	 */
	int (*create)(const struct vm_window *win, struct vm_model **out);

	/* destroy: frees the instance and every area in it.  NULL is a no-op. */
	void (*destroy)(struct vm_model *m);

	/*
	 * reserve: marks [addr, addr + size) busy at exactly that address, as
	 * the areas of an initial snapshot (`live` lines) are.
	 * Preconditions: size > 0, addr + size does not wrap.
	 * Returns 0, -ERANGE if the range is not inside the window, -EEXIST if
	 * it overlaps a busy area (the model is unchanged then), -ENOMEM.
	 */
	int (*reserve)(struct vm_model *m, uint64_t addr, uint64_t size);

	/*
	 * alloc: places an area of @req->size bytes, aligned to @req->align,
	 * inside [max(lo, vstart), min(hi, vend)), as the modelled kernel
	 * would; models that have no per-CPU state ignore @req->cpu.
	 * Preconditions: as struct vm_request says.  vstart >= vend is
	 * allowed and fails.
	 * Returns 0 and sets *@addr, or -ENOMEM when the model finds no room
	 * (a failed allocation, not an error of the harness).  *@search is set
	 * in both cases.
	 */
	int (*alloc)(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
		     uint64_t *search);

	/*
	 * free: releases the busy area that starts at @addr.  A model with a
	 * purge op may keep it unusable until the next purge (a lazy free).
	 * Returns 0, or -ENOENT if no busy area starts there (the model is
	 * unchanged).  *@search is set in both cases.
	 */
	int (*free)(struct vm_model *m, uint64_t addr, uint64_t *search);

	/*
	 * purge: the trace's purge event (__purge_vmap_area_lazy()): the
	 * model makes lazily freed areas usable again, as @p says which
	 * (struct vm_purge).  Returns 0 or -ENOMEM; *@search is set (the
	 * index nodes the purge examined).  NULL: the model frees eagerly
	 * and a purge changes nothing.
	 */
	int (*purge)(struct vm_model *m, const struct vm_purge *p, uint64_t *search);

	/*
	 * follow: the last alloc placed @req at @model_addr, the kernel at
	 * @kernel_addr (!= @model_addr).  Undoes the model's own placement
	 * exactly, as if that alloc had not been made, and places @req at
	 * @kernel_addr instead, taking it from wherever the model keeps that
	 * range; a model may also correct state the trace does not show
	 * (pool order, a purge already run) to what the kernel's choice
	 * reveals, saying so in its header.  Returns 0; -EEXIST when the model cannot hold @kernel_addr
	 * (it then keeps @model_addr, unchanged); -ENOMEM.  NULL: the replay
	 * frees @model_addr and reserves @kernel_addr, which is the same for
	 * a model that frees eagerly.
	 */
	int (*follow)(struct vm_model *m, const struct vm_request *req, uint64_t model_addr,
		      uint64_t kernel_addr);

	/*
	 * alloc_reason: one short word for how the last successful alloc
	 * was decided, for --mismatches (e.g. "pool-hit", "pool-miss",
	 * "tree").  NULL: the model has one mechanism, reported as "-".
	 */
	const char *(*alloc_reason)(const struct vm_model *m);

	/*
	 * internal_waste: bytes the live areas hold now beyond what their
	 * requests asked for (a buddy block rounded up to a power of two, a
	 * size class).  walk() reports the whole range held, rounding
	 * included, so holes are free space and this is the waste inside
	 * areas.  NULL: the model holds exactly the requested sizes (0).
	 */
	uint64_t (*internal_waste)(const struct vm_model *m);

	/*
	 * metadata_bytes: bytes of the model's own bookkeeping now (list and
	 * tree nodes, bitmaps, hash tables, free-list heads), as the design
	 * would lay them out in the kernel.  NULL: not modelled.
	 */
	uint64_t (*metadata_bytes)(const struct vm_model *m);

	/*
	 * walk: calls @fn for every busy area in increasing address order.
	 * Stops at, and returns, the first non-zero value @fn returns; else 0.
	 * The model must not be changed from inside @fn.
	 */
	int (*walk)(struct vm_model *m, vm_walk_fn fn, void *arg);

	/*
	 * check: verifies every invariant the model keeps (ordering, no
	 * overlap, index consistency, cached state).  Returns 0, or -EFAULT
	 * with a one-line description of the first broken invariant in @why.
	 * Slow (at least linear); tests and `replay --check` call it after
	 * every event.
	 */
	int (*check)(struct vm_model *m, char *why, size_t why_len);
};

/* The registry: every model, in the order reports list them. */
extern const struct vm_allocator_ops *const vm_allocators[];
extern const size_t vm_allocator_count;

/* Returns the model registered under @name, or NULL. */
const struct vm_allocator_ops *vm_allocator_find(const char *name);

#endif /* VMTRACE_ALLOCATOR_H */
