/* SPDX-License-Identifier: MIT */
/*
 * bitmap: one bit per page over the window, first fit a word at a time,
 * the shape of the kernel's lib/genalloc.c (gen_pool_first_fit_align()
 * over bitmap_find_next_zero_area_off()).
 *
 * The design's bitmap is a flat array of (window / page) bits: 1 GiB of
 * them for the 32 TiB x86_64 vmalloc window.  The model keeps the same
 * array in chunks of CHUNK_WORDS words that materialise on their first
 * set bit (a chunk never touched reads as zeros), and it keeps the number
 * of set bits of every chunk; the chunks' records themselves sit in
 * blocks of DIR_CHUNKS made on first use, so that even a window of 2^64
 * bytes costs only its directory.  The searches still count every word the
 * flat scan would read; they only skip, in O(1), the reading of chunks
 * whose count proves them all zero (find_next_bit) or all ones
 * (find_next_zero_bit), while counting their words.  metadata_bytes is
 * the whole flat array, as the design would allocate it.
 *
 * The areas (start and size) are kept in a busy tree beside the bitmap:
 * genalloc's caller passes the size to gen_pool_free(), so the design's
 * bitmap needs no record of its own; the tree is that caller's, and no
 * search counts it.
 *
 * Invariants (checked by bitmap_check):
 *   - the busy tree is sorted, non-overlapping, inside the window;
 *   - every page of every area has its bit set, and the number of set
 *     bits equals the areas' pages (so no other bit is set);
 *   - each chunk's count is its popcount (recounted for the chunks
 *     changed since the previous check) and the counts sum to the total.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "allocator/allocator.h"
#include "allocator/ds/busy_tree.h"
#include "lib/grow.h"
#include "lib/vmmath.h"

#define WORD_BITS 64u
#define CHUNK_WORDS 4096u
#define CHUNK_BITS ((uint64_t)CHUNK_WORDS * WORD_BITS)
#define DIR_CHUNKS 32768u

struct chunk {
	uint64_t *bits;		/* NULL: never set, all zero */
	uint32_t set;		/* set bits */
	uint32_t checked;	/* set bits when bitmap_check last recounted */
	bool dirty;		/* changed since then (listed in dirty) */
};

struct vm_model {
	struct busy_model base;
	uint64_t nbits;		/* pages in the window */
	uint64_t nwords;	/* words of the flat bitmap */
	uint64_t nchunks;
	uint64_t ndir;
	struct chunk **dir;	/* [c / DIR_CHUNKS][c % DIR_CHUNKS]; NULL: untouched */
	uint64_t set_bits;	/* sum of the chunks' set */
	/* For check: the sum it last verified, and the chunks changed since. */
	uint64_t checked_sum;
	uint64_t *dirty;
	size_t ndirty, dirty_cap;
};

static int bitmap_create(const struct vm_window *win, struct vm_model **out)
{
	struct vm_model *m;
	int ret;

	ret = busy_model_create(win, sizeof(*m), out);
	if (ret)
		return ret;
	m = *out;
	m->nbits = (win->hi - win->lo) / win->page_size;
	m->nwords = (m->nbits + WORD_BITS - 1) / WORD_BITS;
	m->nchunks = (m->nwords + CHUNK_WORDS - 1) / CHUNK_WORDS;
	m->ndir = (m->nchunks + DIR_CHUNKS - 1) / DIR_CHUNKS;
	m->dir = calloc(m->ndir, sizeof(*m->dir));
	if (!m->dir) {
		busy_model_destroy(m);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void bitmap_destroy(struct vm_model *m)
{
	if (!m)
		return;
	for (uint64_t d = 0; d < m->ndir; d++) {
		for (uint64_t i = 0; m->dir[d] && i < DIR_CHUNKS; i++)
			free(m->dir[d][i].bits);
		free(m->dir[d]);
	}
	free(m->dir);
	free(m->dirty);
	busy_model_destroy(m);
}

/* Chunk @c's record, or NULL when its block was never made (all zero). */
static struct chunk *chunk_of(const struct vm_model *m, uint64_t c)
{
	struct chunk *block = m->dir[c / DIR_CHUNKS];

	return block ? &block[c % DIR_CHUNKS] : NULL;
}

static uint32_t chunk_set(const struct vm_model *m, uint64_t c)
{
	const struct chunk *ch = chunk_of(m, c);

	return ch ? ch->set : 0;
}

/* Chunk @c with its bits materialised, or NULL on ENOMEM. */
static struct chunk *chunk_make(struct vm_model *m, uint64_t c)
{
	struct chunk **block = &m->dir[c / DIR_CHUNKS], *ch;

	if (!*block && !(*block = calloc(DIR_CHUNKS, sizeof(**block))))
		return NULL;
	ch = &(*block)[c % DIR_CHUNKS];
	if (!ch->bits && !(ch->bits = calloc(CHUNK_WORDS, sizeof(uint64_t))))
		return NULL;
	return ch;
}

static uint64_t word_at(const struct vm_model *m, uint64_t w)
{
	const struct chunk *ch = chunk_of(m, w / CHUNK_WORDS);

	return ch && ch->bits ? ch->bits[w % CHUNK_WORDS] : 0;
}

/* Bits of chunk @c inside the window (the last chunk may be short). */
static uint64_t chunk_bits(const struct vm_model *m, uint64_t c)
{
	return vm_min(CHUNK_BITS, m->nbits - c * CHUNK_BITS);
}

/* The last word of chunk @c, capped at word @last. */
static uint64_t chunk_last_word(uint64_t c, uint64_t last)
{
	return vm_min((c + 1) * CHUNK_WORDS - 1, last);
}

/*
 * find_next(): the first bit in [start, size) that is set (@zero false,
 * the kernel's find_next_bit()) or clear (@zero true, find_next_zero_bit()),
 * or size.  Adds the words read to *@search; a chunk that cannot hold such
 * a bit (no bit set, or every bit set) counts its words unread.
 */
static uint64_t find_next(const struct vm_model *m, uint64_t size, uint64_t start, bool zero,
			  uint64_t *search)
{
	uint64_t w, last, val;

	if (start >= size)
		return size;
	last = (size - 1) / WORD_BITS;
	w = start / WORD_BITS;
	val = ~0ull << (start % WORD_BITS);
	for (;;) {
		uint64_t c = w / CHUNK_WORDS;

		if (zero ? chunk_set(m, c) == chunk_bits(m, c) : !chunk_set(m, c)) {
			uint64_t stop = chunk_last_word(c, last);

			*search += stop - w + 1;
			if (stop == last)
				return size;
			w = stop + 1;
			val = ~0ull;
			continue;
		}
		++*search;
		val &= zero ? ~word_at(m, w) : word_at(m, w);
		if (val)
			return vm_min(w * WORD_BITS + (uint64_t)__builtin_ctzll(val), size);
		if (w == last)
			return size;
		w++;
		val = ~0ull;
	}
}

static int mark_dirty(struct vm_model *m, struct chunk *ch, uint64_t c)
{
	uint64_t *d;

	if (ch->dirty)
		return 0;
	d = grow_array(m->dirty, &m->dirty_cap, m->ndirty, sizeof(*d), 64);
	if (!d)
		return -ENOMEM;
	m->dirty = d;
	m->dirty[m->ndirty++] = c;
	ch->dirty = true;
	return 0;
}

/*
 * Sets (@set) or clears bits [b, e), a word at a time as bitmap_set() and
 * bitmap_clear() do; adds the words written to *@words.  Returns -ENOMEM
 * when a chunk cannot materialise (no bit is changed then in that chunk
 * and after; callers set only ranges they then own, see bitmap_reserve).
 */
static int update_bits(struct vm_model *m, uint64_t b, uint64_t e, bool set, uint64_t *words)
{
	while (b < e) {
		uint64_t w = b / WORD_BITS, c = w / CHUNK_WORDS;
		uint64_t n = vm_min(e - b, WORD_BITS - b % WORD_BITS);
		uint64_t mask = (n == WORD_BITS ? ~0ull : ((1ull << n) - 1)) << (b % WORD_BITS);
		struct chunk *ch = chunk_make(m, c);
		uint64_t *word;

		if (!ch || mark_dirty(m, ch, c))
			return -ENOMEM;
		word = &ch->bits[w % CHUNK_WORDS];
		if (set) {
			uint32_t added = (uint32_t)__builtin_popcountll(mask & ~*word);

			*word |= mask;
			ch->set += added;
			m->set_bits += added;
		} else {
			uint32_t removed = (uint32_t)__builtin_popcountll(mask & *word);

			*word &= ~mask;
			ch->set -= removed;
			m->set_bits -= removed;
		}
		++*words;
		b += n;
	}
	return 0;
}

static void area_bits(const struct vm_model *m, uint64_t addr, uint64_t size,
		      uint64_t *b, uint64_t *e)
{
	uint64_t ps = m->base.win.page_size;

	*b = (addr - m->base.win.lo) / ps;
	*e = (addr - m->base.win.lo + size + ps - 1) / ps;
}

static int bitmap_reserve(struct vm_model *m, uint64_t addr, uint64_t size)
{
	struct vm_busy *va = NULL;
	uint64_t b, e, words = 0;
	int ret;

	ret = busy_tree_reserve(&m->base.busy, &m->base.win, addr, size);
	if (ret)
		return ret;
	area_bits(m, addr, size, &b, &e);
	ret = update_bits(m, b, e, true, &words);
	if (ret) {
		/* Undo: clear what was set, forget the area. */
		update_bits(m, b, e, false, &words);
		uint64_t unused = 0;

		va = busy_tree_find(&m->base.busy, addr, &unused);
		busy_tree_remove(&m->base.busy, va);
	}
	return ret;
}

/*
 * Search length of alloc: the 64-bit bitmap words read by the
 * find_next_zero_bit() and find_next_bit() calls of
 * bitmap_find_next_zero_area_off(), every call counted (a word read again
 * after a restart counts again), on success and on failure.  The restart
 * after a set bit at i resumes at i + 1, as the kernel's does.
 */
static int bitmap_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
			uint64_t *search)
{
	const struct vm_window *win = &m->base.win;
	uint64_t start = vm_max(win->lo, req->vstart), end = vm_min(win->hi, req->vend);
	uint64_t ps = win->page_size, mask = req->align / ps - 1;
	uint64_t off = (win->lo / ps) & mask;	/* the window start's misalignment */
	uint64_t sbit, ebit, nr = req->size / ps, idx, busy, words = 0;
	int ret;

	*search = 0;
	if (start >= end)
		return -ENOMEM;
	sbit = (start - win->lo + ps - 1) / ps;
	ebit = (end - win->lo) / ps;
	for (;;) {
		idx = find_next(m, ebit, sbit, true, search);
		idx = ((idx + off + mask) & ~mask) - off;
		if (idx > ebit || nr > ebit - idx)
			return -ENOMEM;
		busy = find_next(m, idx + nr, idx, false, search);
		if (busy == idx + nr)
			break;
		sbit = busy + 1;
	}
	*addr = win->lo + idx * ps;
	ret = busy_tree_insert(&m->base.busy, *addr, *addr + req->size, NULL);
	if (ret)
		return ret == -EEXIST ? -EFAULT : ret;
	ret = update_bits(m, idx, idx + nr, true, &words);
	if (ret) {
		uint64_t unused = 0;

		update_bits(m, idx, idx + nr, false, &words);
		busy_tree_remove(&m->base.busy, busy_tree_find(&m->base.busy, *addr, &unused));
	}
	return ret;
}

/*
 * Search length of free: the words bitmap_clear() writes for the area
 * (the size comes from the caller, as gen_pool_free()'s does); 0 when no
 * area starts at @addr.
 */
static int bitmap_free(struct vm_model *m, uint64_t addr, uint64_t *search)
{
	uint64_t unused = 0, b, e;
	struct vm_busy *va;
	int ret;

	*search = 0;
	va = busy_tree_find(&m->base.busy, addr, &unused);
	if (!va || va->start != addr)
		return -ENOENT;
	area_bits(m, va->start, va->end - va->start, &b, &e);
	ret = update_bits(m, b, e, false, search);	/* clearing never allocates */
	busy_tree_remove(&m->base.busy, va);
	return ret;
}

/* The flat bitmap of the design: one bit per page, in whole words. */
static uint64_t bitmap_metadata_bytes(const struct vm_model *m)
{
	return m->nwords * sizeof(uint64_t);
}

static int check_failed(char *why, size_t why_len, const char *what, uint64_t a, uint64_t b)
{
	snprintf(why, why_len, "bitmap: %s (0x%llx, 0x%llx)", what, (unsigned long long)a,
		 (unsigned long long)b);
	return -EFAULT;
}

static int bitmap_check(struct vm_model *m, char *why, size_t why_len)
{
	uint64_t pages = 0, b, e, i;
	int ret;

	ret = busy_tree_check(&m->base.busy, &m->base.win, "bitmap", why, why_len);
	if (ret)
		return ret;
	for (i = 0; i < m->ndirty; i++) {
		struct chunk *ch = chunk_of(m, m->dirty[i]);
		uint64_t count = 0;

		for (uint64_t w = 0; w < CHUNK_WORDS; w++)
			count += (uint64_t)__builtin_popcountll(ch->bits[w]);
		if (count != ch->set)
			return check_failed(why, why_len, "chunk popcount differs from its count",
					    m->dirty[i], count);
		m->checked_sum += ch->set;
		m->checked_sum -= ch->checked;
		ch->checked = ch->set;
		ch->dirty = false;
	}
	m->ndirty = 0;
	if (m->checked_sum != m->set_bits)
		return check_failed(why, why_len, "chunk counts do not sum to the set bits",
				    m->checked_sum, m->set_bits);
	for (struct rb_node *n = rb_first(&m->base.busy.root); n; n = rb_next(n)) {
		struct vm_busy *va = busy_of(n);
		uint64_t words = 0;

		area_bits(m, va->start, va->end - va->start, &b, &e);
		pages += e - b;
		/* Every bit of the area set: no zero bit in [b, e). */
		if (find_next(m, e, b, true, &words) != e)
			return check_failed(why, why_len, "area has a clear bit", va->start,
					    va->end);
	}
	if (pages != m->set_bits)
		return check_failed(why, why_len, "set bits differ from the areas' pages",
				    m->set_bits, pages);
	return 0;
}

const struct vm_allocator_ops vm_allocator_bitmap = {
	.name = "bitmap",
	.description = "one bit per page, first fit a 64-bit word at a time (lib/genalloc.c)",
	/* A gen_pool serializes its allocations on no lock of its own beyond
	 * cmpxchg on the bits; a vmalloc built on it would hold the one lock
	 * the other models hold, around the scan and the bit updates. */
	.locking = { "vmap_area_lock", VM_LOCK_SPINLOCK,
		     "the bitmap scan and the bitmap_set/bitmap_clear of the area" },
	/* First fit over the bits is lowest-address fit. */
	.notes = NULL,
	.create = bitmap_create,
	.destroy = bitmap_destroy,
	.reserve = bitmap_reserve,
	.alloc = bitmap_alloc,
	.free = bitmap_free,
	.metadata_bytes = bitmap_metadata_bytes,
	.walk = busy_model_walk,
	.check = bitmap_check,
};
