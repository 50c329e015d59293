/* SPDX-License-Identifier: MIT */
/*
 * vmem-instant, vmem-best, vmem-next: the resource allocator of Bonwick
 * and Adams, "Magazines and Vmem" (USENIX 2001), as the Solaris/illumos
 * kernel's vmem.c implements it; one arena spanning the window, no
 * quantum caches, no importing.
 *
 * Every range of the window is a segment with its boundary tag (start,
 * end, type), threaded on one circular list in address order that begins
 * with the arena's span marker.  Free segments also sit on one of 64
 * power-of-two free lists, list i holding sizes in [2^i, 2^(i+1)) bytes,
 * newest first, and a bitmap says which lists are non-empty.  Allocated
 * segments sit in a hash table keyed by start address, so a free finds its
 * segment, and through its boundary tags its neighbours, at once.
 *
 * Policies (vmem_xalloc() and vmem_nextfit_alloc()):
 *   instant fit  the first free list whose every segment is guaranteed to
 *                fit (the next power of two up, the size's own list when
 *                it is a power of two) and its head; when no such list is
 *                non-empty, the list below, which might hold one.  The
 *                request's own window and alignment are checked on each
 *                segment; a misfit goes on to the next segment, then to
 *                the next non-empty list.
 *   best fit     starts at the size's own list, keeps the smallest fitting
 *                segment of the first list holding one (an exact size
 *                stops at once).
 *   next fit     a rotor segment in the address list: the search walks the
 *                address list from the rotor for the first free segment
 *                large enough, wrapping, and moves the rotor after the new
 *                allocation (the rotor keeps the segments on its two sides
 *                from coalescing until it moves on).  Only unconstrained
 *                requests (page alignment, the whole window) go there; the
 *                others take vmem_xalloc()'s free-list search, instant fit.
 * The free-list and hash orders are the kernel's: inserts at the head.
 * The hash table starts with 16 buckets and is resized as
 * vmem_hash_rescale() does; the kernel rescales from a timer, the model
 * after every alloc and free, so that replays are deterministic.
 *
 * Invariants (checked by vmem_check):
 *   - the address list is the span marker, then segments that tile the
 *     window in order, plus the rotor; no two free segments are adjacent
 *     but across the rotor;
 *   - each free segment is on the list of its size class, the lists hold
 *     nothing else, the bitmap names exactly the non-empty lists;
 *   - the hash holds exactly the allocated segments, each in its bucket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "allocator/allocator.h"
#include "allocator/ds/instance.h"
#include "lib/vmmath.h"

#define FREELISTS 64
#define HASH_INITIAL 16

enum seg_type { SEG_FREE, SEG_ALLOC, SEG_SPAN, SEG_ROTOR };

enum vmem_policy { FIT_INSTANT, FIT_BEST, FIT_NEXT };

struct seg {
	uint64_t start, end;
	enum seg_type type;
	struct seg *anext, *aprev;	/* the address list */
	struct seg *knext, *kprev;	/* free list (doubly) or hash chain (knext) */
};

struct vm_model {
	struct vm_window win;
	enum vmem_policy policy;
	struct seg span;		/* the address list's head: the span marker */
	struct seg rotor;		/* next fit's rotor (instant and best: unlinked) */
	struct seg freelist[FREELISTS];	/* list heads: knext/kprev only */
	uint64_t freemap;		/* bit i: freelist[i] non-empty */
	struct seg **hash;
	uint64_t hash_mask;
	unsigned hash_shift;
	uint64_t nalloc, nsegs;
	struct seg *reserve_hint;	/* snapshots come in address order */
};

static unsigned highbit(uint64_t x)
{
	return x ? 64 - (unsigned)__builtin_clzll(x) : 0;
}

static unsigned lowbit(uint64_t x)
{
	return x ? (unsigned)__builtin_ctzll(x) + 1 : 0;
}

static uint64_t seg_size(const struct seg *s)
{
	return s->end - s->start;
}

static void alist_insert_after(struct seg *after, struct seg *s)
{
	s->aprev = after;
	s->anext = after->anext;
	after->anext->aprev = s;
	after->anext = s;
}

static void alist_delete(struct seg *s)
{
	s->aprev->anext = s->anext;
	s->anext->aprev = s->aprev;
}

/*
 * The free list of a segment of @size bytes: highbit(size) - 1.  A
 * segment is never empty, so that is 0..63; the mask says so to the
 * compiler, which otherwise sees freelist[-1] for size 0.
 */
static unsigned freelist_of(uint64_t size)
{
	return (highbit(size) - 1) & (FREELISTS - 1);
}

/* vmem_freelist_insert(): at the head of its size's list. */
static void freelist_insert(struct vm_model *m, struct seg *s)
{
	unsigned i = freelist_of(seg_size(s));
	struct seg *head = &m->freelist[i];

	s->type = SEG_FREE;
	m->freemap |= 1ull << i;
	s->kprev = head;
	s->knext = head->knext;
	if (head->knext)
		head->knext->kprev = s;
	head->knext = s;
}

static void freelist_delete(struct vm_model *m, struct seg *s)
{
	unsigned i = freelist_of(seg_size(s));

	s->kprev->knext = s->knext;
	if (s->knext)
		s->knext->kprev = s->kprev;
	if (!m->freelist[i].knext)
		m->freemap &= ~(1ull << i);
}

/* VMEM_HASH_INDEX() of illumos's vmem.c: address bits folded thrice. */
static struct seg **hash_bucket(const struct vm_model *m, uint64_t a)
{
	unsigned q = (unsigned)__builtin_ctzll(m->win.page_size);
	uint64_t h = (a + (a >> m->hash_shift) + (a >> (m->hash_shift << 1))) >> q;

	return &m->hash[h & m->hash_mask];
}

static void hash_insert(struct vm_model *m, struct seg *s)
{
	struct seg **b = hash_bucket(m, s->start);

	s->type = SEG_ALLOC;
	s->knext = *b;
	*b = s;
	m->nalloc++;
}

/* vmem_hash_delete(): unlinks the segment at @a; adds the entries examined. */
static struct seg *hash_delete(struct vm_model *m, uint64_t a, uint64_t *search)
{
	struct seg **link = hash_bucket(m, a), *s;

	for (; (s = *link); link = &s->knext) {
		++*search;
		if (s->start == a) {
			*link = s->knext;
			m->nalloc--;
			return s;
		}
	}
	return NULL;
}

static int hash_resize(struct vm_model *m, uint64_t size)
{
	struct seg **old = m->hash, **table = calloc(size, sizeof(*table));
	uint64_t old_size = m->hash_mask + 1;

	if (!table)
		return -ENOMEM;
	m->hash = table;
	m->hash_mask = size - 1;
	m->hash_shift = highbit(m->hash_mask);
	for (uint64_t h = 0; old && h < old_size; h++) {
		struct seg *s = old[h], *next;

		for (; s; s = next) {
			struct seg **b = hash_bucket(m, s->start);

			next = s->knext;
			s->knext = *b;
			*b = s;
		}
	}
	free(old);
	return 0;
}

/* vmem_hash_rescale(): a table of about 3/4 the allocated segments. */
static int hash_rescale(struct vm_model *m)
{
	uint64_t old_size = m->hash_mask + 1;
	uint64_t new_size = vm_max(HASH_INITIAL, 1ull << (highbit(3 * m->nalloc + 4) - 2));

	if (old_size / 2 <= new_size && new_size <= old_size * 2)
		return 0;
	return hash_resize(m, new_size);
}

static struct seg *seg_create(struct vm_model *m, struct seg *after, uint64_t start,
			      uint64_t end)
{
	struct seg *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->start = start;
	s->end = end;
	alist_insert_after(after, s);
	m->nsegs++;
	return s;
}

static void seg_destroy(struct vm_model *m, struct seg *s)
{
	alist_delete(s);
	free(s);
	m->nsegs--;
}

/*
 * vmem_seg_alloc(): allocates [addr, addr + size) out of free segment @s,
 * the rest going back to the free lists.  Returns the allocated segment,
 * or NULL on ENOMEM (the model is then unchanged).
 */
static struct seg *seg_alloc(struct vm_model *m, struct seg *s, uint64_t addr, uint64_t size)
{
	uint64_t end = addr + size, old = seg_size(s);
	struct seg *after = NULL, *before = NULL;

	/* From the start with the rest on the same list: the rest stays put. */
	if (addr == s->start && highbit(old) == highbit(old - size) && old > size) {
		before = seg_create(m, s->aprev, addr, end);
		if (!before)
			return NULL;
		s->start = end;
		hash_insert(m, before);
		return before;
	}
	if ((end != s->end && !(after = calloc(1, sizeof(*after)))) ||
	    (addr != s->start && !(before = calloc(1, sizeof(*before))))) {
		free(after);
		return NULL;
	}
	freelist_delete(m, s);
	if (after) {
		*after = (struct seg){ .start = end, .end = s->end };
		alist_insert_after(s, after);
		m->nsegs++;
		freelist_insert(m, after);
		s->end = end;
	}
	if (before) {
		*before = (struct seg){ .start = s->start, .end = addr };
		alist_insert_after(s->aprev, before);
		m->nsegs++;
		freelist_insert(m, before);
		s->start = addr;
	}
	hash_insert(m, s);
	return s;
}

static void vmem_destroy(struct vm_model *m)
{
	struct seg *s, *next;

	if (!m)
		return;
	for (s = m->span.anext; s != &m->span; s = next) {
		next = s->anext;
		if (s != &m->rotor)
			free(s);
	}
	free(m->hash);
	free(m);
}

static int vmem_create(const struct vm_window *win, enum vmem_policy policy,
		       struct vm_model **out)
{
	struct vm_model *m;
	struct seg *all;
	int ret = 0;

	m = model_instance_alloc(win, sizeof(*m), &ret);
	if (!m)
		return ret;
	m->win = *win;
	m->policy = policy;
	m->span = (struct seg){ .start = win->lo, .end = win->hi, .type = SEG_SPAN };
	m->span.anext = m->span.aprev = &m->span;
	m->rotor.type = SEG_ROTOR;
	if (policy == FIT_NEXT)
		alist_insert_after(&m->span, &m->rotor);
	ret = hash_resize(m, HASH_INITIAL);
	if (ret)
		goto out;
	all = seg_create(m, m->span.aprev, win->lo, win->hi);
	if (!all) {
		ret = -ENOMEM;
		goto out;
	}
	freelist_insert(m, all);
	*out = m;
	return 0;
out:
	vmem_destroy(m);
	return ret;
}

static int vmem_create_instant(const struct vm_window *win, struct vm_model **out)
{
	return vmem_create(win, FIT_INSTANT, out);
}

static int vmem_create_best(const struct vm_window *win, struct vm_model **out)
{
	return vmem_create(win, FIT_BEST, out);
}

static int vmem_create_next(const struct vm_window *win, struct vm_model **out)
{
	return vmem_create(win, FIT_NEXT, out);
}

static int vmem_reserve(struct vm_model *m, uint64_t addr, uint64_t size)
{
	struct seg *s = m->reserve_hint;
	uint64_t end = addr + size;

	if (addr < m->win.lo || !vm_fits_below(addr, size, m->win.hi))
		return -ERANGE;
	if (!s || s->start > addr || s == &m->rotor)
		s = m->span.anext;
	for (; s != &m->span; s = s->anext)
		if (s != &m->rotor && s->end > addr)
			break;
	if (s == &m->span || s->type != SEG_FREE || s->end < end)
		return -EEXIST;
	s = seg_alloc(m, s, addr, size);
	if (!s)
		return -ENOMEM;
	m->reserve_hint = s;
	return hash_rescale(m);
}

/* Where in free segment @s an area of @req fits inside [start, end), if it does. */
static bool seg_fits(const struct seg *s, const struct vm_request *req, uint64_t start,
		     uint64_t end, uint64_t *addr)
{
	uint64_t lo = vm_max(s->start, start), hi = vm_min(s->end, end), a;

	if (lo >= hi || !vm_align_up(lo, req->align, &a))
		return false;
	if (!vm_fits_below(a, req->size, hi))
		return false;
	*addr = a;
	return true;
}

/*
 * vmem_xalloc()'s free-list search.  Counts, as its vk_search does, one
 * per loop step: each segment examined and each list head stepped onto
 * when a list runs out.
 */
static struct seg *freelist_search(struct vm_model *m, const struct vm_request *req,
				   uint64_t start, uint64_t end, uint64_t *addr, uint64_t *search)
{
	uint64_t size = req->size, best_addr = 0;
	struct seg *s, *best = NULL;
	unsigned flist, hb;

	if (vm_is_pow2(size)) {
		flist = lowbit(m->freemap & ~(size - 1));
	} else {
		hb = highbit(size);
		if (hb == FREELISTS || !(m->freemap >> hb) || m->policy == FIT_BEST)
			hb--;
		flist = lowbit(m->freemap & ~((1ull << hb) - 1));
	}
	if (!flist)
		return NULL;
	s = m->freelist[flist - 1].knext;
	for (;;) {
		if (!s) {
			/* The list ran out: step onto the next list's head. */
			unsigned next = flist < FREELISTS ? lowbit(m->freemap >> flist << flist) : 0;

			if (flist == FREELISTS)
				break;
			++*search;
			if (best || !next)
				break;
			flist = next;
			s = m->freelist[flist - 1].knext;
			continue;
		}
		++*search;
		if (seg_fits(s, req, start, end, addr) &&
		    (!best || seg_size(s) < seg_size(best))) {
			best = s;
			best_addr = *addr;
			if (m->policy != FIT_BEST || seg_size(s) == size)
				break;
		}
		s = s->knext;
	}
	*addr = best_addr;
	return best;
}

/*
 * vmem_advance(): moves the rotor after @afterme and merges the free
 * segments it used to keep apart.
 */
static void rotor_advance(struct vm_model *m, struct seg *afterme)
{
	struct seg *prev = m->rotor.aprev, *next = m->rotor.anext;

	alist_delete(&m->rotor);
	alist_insert_after(afterme, &m->rotor);
	m->reserve_hint = NULL;	/* the merge below may destroy it */
	if (prev->type == SEG_FREE && next->type == SEG_FREE && prev->anext == next) {
		freelist_delete(m, next);
		freelist_delete(m, prev);
		prev->end = next->end;
		freelist_insert(m, prev);
		seg_destroy(m, next);
	}
}

/*
 * vmem_nextfit_alloc(): from the rotor along the address list.  Counts
 * every node stepped on (segments of both types and the span marker) up
 * to the free segment taken, or the whole circle when none is large
 * enough.  The arena is the request's window [@start, @end) (the vmalloc
 * window inside a wider model window), so only the part of a free
 * segment inside it counts; the fit is set in *@addr.
 */
static struct seg *rotor_search(struct vm_model *m, uint64_t size, uint64_t start,
				uint64_t end, uint64_t *addr, uint64_t *search)
{
	for (struct seg *s = m->rotor.anext; s != &m->rotor; s = s->anext) {
		uint64_t from = vm_max(s->start, start);

		++*search;
		if (s->type == SEG_FREE && from < vm_min(s->end, end) &&
		    vm_min(s->end, end) - from >= size) {
			*addr = from;
			return s;
		}
	}
	return NULL;
}

/*
 * Search length of alloc: instant and best fit, and next fit's
 * constrained requests, count the free-list search's steps
 * (freelist_search); next fit's unconstrained requests the address-list
 * nodes from the rotor (rotor_search).  Failures count the same.
 */
static int vmem_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
		      uint64_t *search)
{
	uint64_t start = vm_max(m->win.lo, req->vstart), end = vm_min(m->win.hi, req->vend);
	/* vmem_xalloc() takes next fit only for an unconstrained request: page
	 * aligned, in the whole arena, which here is the model's window or the
	 * kernel's vmalloc window inside it (every plain vmalloc asks for it). */
	bool whole = (start == m->win.lo && end == m->win.hi) ||
		     (m->win.vmalloc_lo < m->win.vmalloc_hi && req->vstart == m->win.vmalloc_lo &&
		      req->vend == m->win.vmalloc_hi);
	bool rotor = m->policy == FIT_NEXT && req->align == m->win.page_size && whole;
	struct seg *s;

	*search = 0;
	if (start >= end)
		return -ENOMEM;
	if (rotor)
		s = rotor_search(m, req->size, start, end, addr, search);
	else
		s = freelist_search(m, req, start, end, addr, search);
	if (!s)
		return -ENOMEM;
	s = seg_alloc(m, s, *addr, req->size);
	if (!s)
		return -ENOMEM;
	if (rotor)
		rotor_advance(m, s);
	return hash_rescale(m);
}

/*
 * Search length of free (vmem_xfree()): the hash chain entries examined
 * to find the segment, plus the two neighbours examined through its
 * boundary tags (a rotor in between counts as that neighbour).  A free of
 * no allocated segment counts the chain entries only.
 */
static int vmem_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	struct seg *s, *next, *prev;

	*search = 0;
	m->reserve_hint = NULL;	/* a merge may destroy it */
	s = hash_delete(m, addr, search);
	if (!s)
		return -ENOENT;
	*search += 2;
	next = s->anext;
	if (next->type == SEG_FREE) {
		freelist_delete(m, next);
		s->end = next->end;
		seg_destroy(m, next);
	}
	prev = s->aprev;
	if (prev->type == SEG_FREE) {
		freelist_delete(m, prev);
		prev->end = s->end;
		seg_destroy(m, s);
		s = prev;
	}
	freelist_insert(m, s);
	return hash_rescale(m);
}

static int vmem_walk(struct vm_model *m, vm_walk_fn fn, void *arg)
{
	for (struct seg *s = m->span.anext; s != &m->span; s = s->anext) {
		int ret = s->type == SEG_ALLOC ? fn(arg, s->start, seg_size(s)) : 0;

		if (ret)
			return ret;
	}
	return 0;
}

/*
 * illumos's vmem_seg_t without the audit fields (vmem_seg_size =
 * offsetof(vmem_seg_t, vs_thread) on LP64: start, end, four links, three
 * bytes of type/import/depth, padded: 56 bytes) per segment; one 8-byte
 * pointer per hash bucket; and the 64 vmem_freelist_t heads (start, end,
 * two links: 32 bytes each) inside vmem_t.
 */
static uint64_t vmem_metadata_bytes(const struct vm_model *m)
{
	return m->nsegs * 56 + (m->hash_mask + 1) * 8 + FREELISTS * 32;
}

static int check_failed(char *why, size_t why_len, const char *what, uint64_t a)
{
	snprintf(why, why_len, "vmem: %s (0x%llx)", what, (unsigned long long)a);
	return -EFAULT;
}

static int check_freelists(struct vm_model *m, uint64_t nfree, char *why, size_t why_len)
{
	uint64_t seen = 0;

	for (unsigned i = 0; i < FREELISTS; i++) {
		const struct seg *head = &m->freelist[i];

		if (!head->knext != !(m->freemap & (1ull << i)))
			return check_failed(why, why_len, "freemap bit wrong for list", i);
		for (const struct seg *s = head->knext, *p = head; s; p = s, s = s->knext, seen++)
			if (s->type != SEG_FREE || s->kprev != p || freelist_of(seg_size(s)) != i ||
			    seen >= nfree)
				return check_failed(why, why_len, "free list holds a wrong segment",
						    s->start);
	}
	if (seen != nfree)
		return check_failed(why, why_len, "free segments missing from the lists", seen);
	return 0;
}

static int vmem_check(struct vm_model *m, char *why, size_t why_len)
{
	uint64_t at = m->win.lo, nfree = 0, nalloc = 0, nsegs = 0, hashed = 0;
	const struct seg *prev = &m->span;
	int ret;

	for (struct seg *s = m->span.anext; s != &m->span; prev = s, s = s->anext) {
		if (s->aprev != prev)
			return check_failed(why, why_len, "address list links broken", s->start);
		if (s == &m->rotor)
			continue;
		if (s->start != at || s->end <= s->start || s->end > m->win.hi)
			return check_failed(why, why_len, "segments do not tile the window", at);
		if (s->type == SEG_FREE && prev->type == SEG_FREE)
			return check_failed(why, why_len, "adjacent free segments", s->start);
		if (s->type == SEG_ALLOC) {
			struct seg *h = *hash_bucket(m, s->start);

			while (h && h != s)
				h = h->knext;
			if (!h)
				return check_failed(why, why_len, "allocated segment not hashed",
						    s->start);
			nalloc++;
		} else if (s->type == SEG_FREE) {
			nfree++;
		} else {
			return check_failed(why, why_len, "segment of a bad type", s->start);
		}
		at = s->end;
		nsegs++;
	}
	if (at != m->win.hi || nsegs != m->nsegs || nalloc != m->nalloc)
		return check_failed(why, why_len, "segment counts or coverage wrong", at);
	if ((m->policy == FIT_NEXT) != (m->rotor.anext != NULL))
		return check_failed(why, why_len, "rotor linked for the wrong policy", 0);
	for (uint64_t h = 0; h <= m->hash_mask; h++)
		for (struct seg *s = m->hash[h]; s; s = s->knext, hashed++)
			if (s->type != SEG_ALLOC || hash_bucket(m, s->start) != &m->hash[h] ||
			    hashed >= nalloc)
				return check_failed(why, why_len, "hash holds a wrong segment",
						    s->start);
	if (hashed != nalloc)
		return check_failed(why, why_len, "hash count differs", hashed);
	ret = check_freelists(m, nfree, why, why_len);
	return ret;
}

#define VMEM_LOCKING                                                                  \
	{ "vm_lock", VM_LOCK_MUTEX,                                                   \
	  "the free-list or rotor search, the segment split and the hash insert; on "  \
	  "free the hash lookup and the coalescing" }

#define VMEM_OPS(fit)                                                                 \
	.locking = VMEM_LOCKING, .reserve = vmem_reserve, .destroy = vmem_destroy,    \
	.alloc = vmem_alloc, .free = vmem_free, .metadata_bytes = vmem_metadata_bytes, \
	.walk = vmem_walk, .check = vmem_check, .create = vmem_create_##fit

const struct vm_allocator_ops vm_allocator_vmem_instant = {
	.name = "vmem-instant",
	.description = "Solaris/illumos vmem (Bonwick & Adams 2001), instant fit: head of the "
		       "first power-of-two free list that surely fits",
	.history_dependent = true,
	.notes = "Instant fit takes the newest free segment of the first power-of-two free "
		 "list whose every segment fits, in constant time, wherever it lies: a "
		 "request skips a smaller list that holds a fitting segment (even a lower "
		 "one), and free lists are last-in first-out, so placement follows the order "
		 "of earlier frees rather than addresses.",
	VMEM_OPS(instant),
};

const struct vm_allocator_ops vm_allocator_vmem_best = {
	.name = "vmem-best",
	.description = "Solaris/illumos vmem (Bonwick & Adams 2001), best fit: smallest "
		       "fitting segment of the first list holding one",
	.history_dependent = true,
	.notes = "Best fit takes the smallest fitting free segment of the first power-of-two "
		 "list that holds one, not the lowest: it keeps large holes whole at the cost "
		 "of scanning a list, and among equal sizes the newest free segment wins.",
	VMEM_OPS(best),
};

const struct vm_allocator_ops vm_allocator_vmem_next = {
	.name = "vmem-next",
	.description = "Solaris/illumos vmem (Bonwick & Adams 2001), next fit: a rotor "
		       "resumes after the last allocation",
	.history_dependent = true,
	.notes = "Next fit resumes its address-ordered walk where the previous allocation "
		 "ended (the rotor) and wraps at the end of the window, so it cycles through "
		 "the whole window before reusing a low hole; this spreads allocations out "
		 "(vmem used it for ids that should not be reused soon), and requests with an "
		 "alignment or their own window go to instant fit instead.",
	VMEM_OPS(next),
};
