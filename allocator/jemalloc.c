/* SPDX-License-Identifier: MIT */
/*
 * jemalloc's own extent management (libjemalloc, 5.3) placing the areas:
 * the comparison package, run at replay time, not a re-implementation.
 *
 * Each instance reserves address space the size of its window (PROT_NONE,
 * MAP_NORESERVE: no page is ever committed or touched; a touch would
 * fault) and creates a dedicated jemalloc arena whose extent hooks hand
 * out ranges of that reservation, lowest address first, from a free
 * tree of what they have not handed out yet.  Every alloc is
 * mallocx(MALLOCX_ARENA | MALLOCX_TCACHE_NONE | MALLOCX_ALIGN), every
 * free dallocx(); the address jemalloc returns, as an offset from the
 * reservation, is the area's address in the window.  The reservation
 * starts congruent to the window's lo modulo 1 GiB, so an alignment up to
 * 1 GiB means the same in both (requests aligned above are refused).
 *
 * Determinism: placements must be the same in every run.  The options
 * that would vary them are fixed through malloc_conf_2_conf_harder (read
 * after MALLOC_CONF): cache_oblivious off (it offsets large allocations
 * by a random number of cache lines), metadata kept off the hooks (so
 * jemalloc writes its own bookkeeping elsewhere, never into the
 * reservation), retain on, and the arena never decays dirty pages (decay
 * runs on wall-clock time).  The hooks refuse to give memory back
 * (dalloc opts out, purges fail), so jemalloc retains what it got.
 *
 * Linking libjemalloc makes it the process's malloc too (Debian ships it
 * without a symbol prefix, and a dlopen'ed copy cannot get its static
 * TLS); no other model's figure depends on where malloc places its
 * blocks, which tests/e2e_models_agree.sh and the oracles confirm.
 *
 * Comparable: addresses, failures, the holes between areas (walk reports
 * each area's whole size-class range, so fragmentation and footprint are
 * computed as for every model), the size-class rounding as internal
 * waste, and time.  Not comparable: the search length (jemalloc's
 * searches are not observable: reported as 0), metadata memory (not
 * reported), and the request's own [vstart, vend): jemalloc cannot be
 * asked for a range, so an area it places outside is freed again and the
 * alloc fails.  Snapshot areas (reserve) are taken out of the hooks'
 * free space, so jemalloc's extents go around them; a snapshot range that
 * jemalloc already holds (even unused) is refused as overlapping.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>

#include <jemalloc/jemalloc.h>

#include "allocator/allocator.h"
#include "allocator/ds/busy_tree.h"
#include "allocator/ds/free_tree.h"
#include "allocator/ds/instance.h"
#include "lib/grow.h"
#include "lib/vmmath.h"

#define RESERVATION_ALIGN (1ull << 30)

struct metadata_block {
	void *map;
	size_t len;
};

struct vm_model {
	extent_hooks_t hooks;		/* first: the hooks find the model from it */
	struct vm_window win;
	uint64_t lo, hi;		/* the part of the window the reservation covers */
	void *map;			/* the reservation, for munmap */
	size_t map_len;
	uintptr_t base;			/* where lo is in the reservation */
	unsigned int arena;
	bool have_arena;
	struct free_tree space;		/* window ranges the hooks still hold */
	struct busy_tree held;		/* live areas, size classes included, and snapshot areas */
	struct busy_tree asked;		/* jemalloc's areas, as requested */
	uint64_t waste;			/* sum of held - asked */
	struct metadata_block *meta;	/* jemalloc's own blocks, outside the window */
	size_t nr_meta, meta_cap;
	uint64_t meta_bytes;
};

static struct vm_model *model_of(extent_hooks_t *hooks)
{
	return (struct vm_model *)hooks;
}

static uint64_t window_addr(const struct vm_model *m, const void *p)
{
	return m->lo + ((uintptr_t)p - m->base);
}

static void *pointer_of(const struct vm_model *m, uint64_t addr)
{
	return (void *)(m->base + (addr - m->lo));
}

/*
 * jemalloc 5.3 takes the arena's own metadata (its base blocks) from the
 * extent hooks too, and writes into it.  It asks them zeroed, which no
 * area of this model ever is (no MALLOCX_ZERO): those come from memory of
 * their own, outside the window, and count as metadata_bytes.
 */
static void *metadata_alloc(struct vm_model *m, size_t size, size_t alignment)
{
	size_t len = size + alignment;
	struct metadata_block *meta;
	char *map;

	meta = grow_array(m->meta, &m->meta_cap, m->nr_meta, sizeof(*meta), 4);
	if (!meta)
		return NULL;
	m->meta = meta;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	m->meta[m->nr_meta++] = (struct metadata_block){ map, len };
	m->meta_bytes += size;
	return (void *)(((uintptr_t)map + alignment - 1) & ~(uintptr_t)(alignment - 1));
}

/* Hands jemalloc the lowest free range of the reservation (or @new_addr). */
static void *hook_alloc(extent_hooks_t *hooks, void *new_addr, size_t size, size_t alignment,
			bool *zero, bool *commit, unsigned arena_ind)
{
	struct vm_model *m = model_of(hooks);
	uint64_t addr;

	(void)arena_ind;
	if (*zero && !new_addr)
		return metadata_alloc(m, size, alignment);
	if (new_addr)
		addr = window_addr(m, new_addr);
	else if (alignment > RESERVATION_ALIGN ||
		 free_tree_lowest_fit(&m->space, size, vm_max(alignment, m->win.page_size),
				      m->lo, m->hi, &addr, NULL))
		return NULL;
	if (free_tree_carve(&m->space, addr, size))
		return NULL;
	/* Committed as far as jemalloc is concerned: it writes nothing into
	 * the areas (the reservation is PROT_NONE: a write would fault). */
	*commit = true;
	return pointer_of(m, addr);
}

/* Opting out (true) of dalloc, decommit and purges: jemalloc retains. */
static bool hook_refuse(extent_hooks_t *hooks, void *addr, size_t size, bool committed,
			unsigned arena_ind)
{
	(void)hooks, (void)addr, (void)size, (void)committed, (void)arena_ind;
	return true;
}

static bool hook_range_refuse(extent_hooks_t *hooks, void *addr, size_t size, size_t offset,
			      size_t length, unsigned arena_ind)
{
	(void)hooks, (void)addr, (void)size, (void)offset, (void)length, (void)arena_ind;
	return true;
}

/* Nothing to commit: the range is never touched. */
static bool hook_commit(extent_hooks_t *hooks, void *addr, size_t size, size_t offset,
			size_t length, unsigned arena_ind)
{
	(void)hooks, (void)addr, (void)size, (void)offset, (void)length, (void)arena_ind;
	return false;
}

/* Arena destroy: the range comes back to the hooks' free space. */
static void hook_destroy(extent_hooks_t *hooks, void *addr, size_t size, bool committed,
			 unsigned arena_ind)
{
	struct vm_model *m = model_of(hooks);
	uint64_t ignored = 0;

	(void)committed, (void)arena_ind;
	free_tree_release(&m->space, window_addr(m, addr), size, &ignored);
}

static bool hook_split(extent_hooks_t *hooks, void *addr, size_t size, size_t size_a,
		       size_t size_b, bool committed, unsigned arena_ind)
{
	(void)hooks, (void)addr, (void)size, (void)size_a, (void)size_b, (void)committed,
		(void)arena_ind;
	return false;
}

static bool hook_merge(extent_hooks_t *hooks, void *addr_a, size_t size_a, void *addr_b,
		       size_t size_b, bool committed, unsigned arena_ind)
{
	(void)hooks, (void)addr_a, (void)size_a, (void)addr_b, (void)size_b, (void)committed,
		(void)arena_ind;
	return false;
}

static const extent_hooks_t reservation_hooks = {
	.alloc = hook_alloc,
	.dalloc = hook_refuse,
	.destroy = hook_destroy,
	.commit = hook_commit,
	.decommit = hook_range_refuse,
	.purge_lazy = hook_range_refuse,
	.purge_forced = hook_range_refuse,
	.split = hook_split,
	.merge = hook_merge,
};

static int arena_ctl(const struct vm_model *m, const char *what, void *in, size_t in_len)
{
	char name[64];

	snprintf(name, sizeof(name), "arena.%u.%s", m->arena, what);
	return mallctl(name, NULL, NULL, in, in_len) ? -ENOMEM : 0;
}

static int flags_of(const struct vm_model *m, uint64_t align)
{
	return MALLOCX_ARENA(m->arena) | MALLOCX_TCACHE_NONE | MALLOCX_ALIGN(align);
}

static void jemalloc_destroy(struct vm_model *m)
{
	if (!m)
		return;
	if (m->have_arena)
		arena_ctl(m, "destroy", NULL, 0);
	if (m->map)
		munmap(m->map, m->map_len);
	for (size_t i = 0; i < m->nr_meta; i++)
		munmap(m->meta[i].map, m->meta[i].len);
	free(m->meta);
	busy_tree_clear(&m->held);
	busy_tree_clear(&m->asked);
	free_tree_clear(&m->space);
	free(m);
}

static int jemalloc_create(const struct vm_window *win, struct vm_model **out)
{
	extent_hooks_t *hooks;
	struct vm_model *m;
	ssize_t never = -1;
	size_t len = sizeof(m->arena);
	uintptr_t map;
	int ret = 0;

	m = model_instance_alloc(win, sizeof(*m), &ret);
	if (!m)
		return ret;
	m->hooks = reservation_hooks;
	m->win = *win;
	/* The kernel's vmalloc window when known: the model window also
	 * spans snapshot areas and request windows anywhere in the address
	 * space, more than a process can reserve. */
	m->lo = win->vmalloc_lo < win->vmalloc_hi ? vm_max(win->lo, win->vmalloc_lo) : win->lo;
	m->hi = win->vmalloc_lo < win->vmalloc_hi ? vm_min(win->hi, win->vmalloc_hi) : win->hi;
	ret = free_tree_init(&m->space, m->lo, m->hi);
	if (ret)
		goto out;
	ret = -ENOMEM;
	m->map_len = m->hi - m->lo + RESERVATION_ALIGN;
	m->map = mmap(NULL, m->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		      -1, 0);
	if (m->map == MAP_FAILED) {
		m->map = NULL;
		goto out;
	}
	/* base = lo modulo RESERVATION_ALIGN, inside the mapping. */
	map = (uintptr_t)m->map;
	m->base = ((map - m->lo % RESERVATION_ALIGN + RESERVATION_ALIGN - 1) &
		   ~(uintptr_t)(RESERVATION_ALIGN - 1)) + m->lo % RESERVATION_ALIGN;
	hooks = &m->hooks;
	if (mallctl("arenas.create", &m->arena, &len, &hooks, sizeof(hooks)))
		goto out;
	m->have_arena = true;
	ret = arena_ctl(m, "dirty_decay_ms", &never, sizeof(never));
	if (!ret)
		ret = arena_ctl(m, "muzzy_decay_ms", &never, sizeof(never));
out:
	if (ret) {
		jemalloc_destroy(m);
		return ret;
	}
	*out = m;
	return 0;
}

/* The part of [addr, addr + size) the reservation covers, if any. */
static bool reserved_part(const struct vm_model *m, uint64_t addr, uint64_t size,
			  uint64_t *start, uint64_t *len)
{
	*start = vm_max(addr, m->lo);
	*len = vm_min(addr + size, m->hi) - *start;
	return *start < vm_min(addr + size, m->hi);
}

/* Snapshot areas: out of the hooks' free space where the reservation covers them. */
static int jemalloc_reserve(struct vm_model *m, uint64_t addr, uint64_t size)
{
	struct vm_busy *area;
	uint64_t start, len;
	int ret;

	if (addr < m->win.lo || !vm_fits_below(addr, size, m->win.hi))
		return -ERANGE;
	ret = busy_tree_insert(&m->held, addr, addr + size, &area);
	if (ret || !reserved_part(m, addr, size, &start, &len))
		return ret;
	ret = free_tree_carve(&m->space, start, len);
	if (ret)
		busy_tree_remove(&m->held, area);
	return ret;
}

/*
 * Search length: 0.  jemalloc's extent searches (its size-class heaps
 * and bitmaps) are not observable from outside; the report shows the
 * time of each operation instead.
 */
static int jemalloc_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
			  uint64_t *search)
{
	uint64_t start = vm_max(m->win.lo, req->vstart), end = vm_min(m->win.hi, req->vend);
	uint64_t at, held;
	void *p;
	int flags = flags_of(m, req->align), ret;

	*search = 0;
	if (start >= end || req->align > RESERVATION_ALIGN)
		return -ENOMEM;
	p = mallocx(req->size, flags);
	if (!p)
		return -ENOMEM;
	at = window_addr(m, p);
	held = sallocx(p, flags);
	ret = -ENOMEM;
	if (at < start || !vm_fits_below(at, req->size, end))
		goto out;
	ret = busy_tree_insert(&m->held, at, at + held, NULL);
	if (ret)
		goto out;
	ret = busy_tree_insert(&m->asked, at, at + req->size, NULL);
	if (ret) {
		uint64_t ignored = 0;

		busy_tree_remove(&m->held, busy_tree_find(&m->held, at, &ignored));
	}
out:
	if (ret) {
		dallocx(p, flags);
		return ret;
	}
	m->waste += held - req->size;
	*addr = at;
	return 0;
}

static int jemalloc_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct vm_busy *held, *asked;
	uint64_t ignored = 0;

	*search = 0;
	held = busy_tree_find(&m->held, addr, &ignored);
	if (!held || held->start != addr)
		return -ENOENT;
	asked = busy_tree_find(&m->asked, addr, &ignored);
	if (!asked) {
		/* A snapshot area: its range goes back to the hooks. */
		uint64_t start, len;
		int ret = 0;

		if (reserved_part(m, addr, held->end - addr, &start, &len))
			ret = free_tree_release(&m->space, start, len, &ignored);
		if (ret)
			return ret;
	} else {
		dallocx(pointer_of(m, addr), MALLOCX_TCACHE_NONE);
		m->waste -= (held->end - held->start) - (asked->end - asked->start);
		busy_tree_remove(&m->asked, asked);
	}
	busy_tree_remove(&m->held, held);
	return 0;
}

/*
 * follow: refused (-EEXIST: the model keeps its own placement).  jemalloc
 * decides every address itself and keeps freed extents in its own caches,
 * so no range can be taken from it at a chosen address; under
 * --follow-kernel it runs free, as its notes say.
 */
static int jemalloc_follow(struct vm_model *m, const struct vm_request *req, uint64_t model_addr,
			   uint64_t kernel_addr)
{
	(void)m, (void)req, (void)model_addr, (void)kernel_addr;
	return -EEXIST;
}

static uint64_t jemalloc_internal_waste(const struct vm_model *m)
{
	return m->waste;
}

static uint64_t jemalloc_metadata_bytes(const struct vm_model *m)
{
	return m->meta_bytes;
}

static int jemalloc_walk(struct vm_model *m, vm_walk_fn fn, void *arg)
{
	return busy_tree_walk(&m->held, fn, arg);
}

static int fail(char *why, size_t why_len, const char *what, uint64_t addr)
{
	snprintf(why, why_len, "jemalloc: area at 0x%llx: %s", (unsigned long long)addr, what);
	return -EFAULT;
}

/*
 * Held areas and the hooks' free space never overlap; every requested
 * area starts a held one, is no longer, and is what sallocx() says.
 */
static int check_areas(struct vm_model *m, char *why, size_t why_len)
{
	struct rb_node *h = rb_first(&m->held.root), *f = rb_first(&m->space.root);
	uint64_t waste = 0;

	for (; h; h = rb_next(h)) {
		struct vm_busy *b = busy_of(h), *a;
		uint64_t ignored = 0;

		while (f && free_of(f)->end <= b->start)
			f = rb_next(f);
		if (f && free_of(f)->start < b->end)
			return fail(why, why_len, "overlaps the hooks' free space", b->start);
		a = busy_tree_find(&m->asked, b->start, &ignored);
		if (!a)
			continue;
		if (a->start != b->start || a->end > b->end)
			return fail(why, why_len, "requested range not at the start of its class",
				    b->start);
		if (sallocx(pointer_of(m, b->start), 0) != b->end - b->start)
			return fail(why, why_len, "held size differs from jemalloc's", b->start);
		waste += (b->end - b->start) - (a->end - a->start);
	}
	if (waste != m->waste)
		return fail(why, why_len, "internal waste differs from its sum", m->win.lo);
	return 0;
}

static int jemalloc_check(struct vm_model *m, char *why, size_t why_len)
{
	int ret;

	if ((ret = busy_tree_check(&m->held, &m->win, "jemalloc", why, why_len)) ||
	    (ret = busy_tree_check(&m->asked, &m->win, "jemalloc", why, why_len)) ||
	    (ret = free_tree_check(&m->space, "jemalloc", why, why_len)))
		return ret;
	return check_areas(m, why, why_len);
}

const struct vm_allocator_ops vm_allocator_jemalloc = {
	.name = "jemalloc",
	.description = "jemalloc 5.3 (libjemalloc, run live): a dedicated arena whose extent "
		       "hooks serve the window, sizes rounded to its size classes",
	/* An arena's extents are guarded by its mutexes; with the thread
	 * cache off every mallocx/dallocx takes them. */
	.locking = { "arena mutexes", VM_LOCK_MUTEX,
		     "mallocx: the size-class bin or the extent search and split; "
		     "dallocx: the bin or the extent coalescing" },
	/* Which cached extent serves a request depends on its history. */
	.history_dependent = true,
	.ignores_request_window = true,
	.notes = "jemalloc rounds every size up to its size class and serves small classes "
		 "from slabs and large ones from extents it caches, splits and coalesces, "
		 "taking cached extents before new address space, so areas go where earlier "
		 "frees left room of the right class rather than at the lowest hole. It cannot "
		 "be asked for a range: an area placed outside the request's [vstart, vend) is "
		 "freed again and counted as a failed allocation, and it cannot be made to "
		 "take the kernel's address, so under --follow-kernel it runs free. Its "
		 "search length is not observable and is reported as 0.",
	.create = jemalloc_create,
	.destroy = jemalloc_destroy,
	.reserve = jemalloc_reserve,
	.alloc = jemalloc_alloc,
	.free = jemalloc_free,
	.follow = jemalloc_follow,
	.internal_waste = jemalloc_internal_waste,
	.metadata_bytes = jemalloc_metadata_bytes,
	.walk = jemalloc_walk,
	.check = jemalloc_check,
};
