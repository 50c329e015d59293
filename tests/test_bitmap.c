/* SPDX-License-Identifier: MIT */
/*
 * The bitmap model: hand-worked word counts, its chunked scan against a
 * naive flat bitmap written here (the same search, every word read), and
 * its placements against linear's (independent code, lowest fit) on
 * generated traces.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "model_expect.h"
#include "trace/generate.h"

#define LO 0x100000000ull
#define PAGES(n) ((uint64_t)(n) * PAGE)
#define ANY 0, UINT64_MAX

/*
 * 256 pages (4 words).  A search reads words in find_next_zero_bit() and
 * then in find_next_bit() over the candidate, a restart reading again.
 */
static void test_word_counts(void **state)
{
	struct vm_model *m = new_model(LO, LO + PAGES(256));

	(void)state;
	/* Word 0 has bit 0 clear (1); [0, 64) is word 0 (2). */
	expect_alloc(m, PAGES(64), PAGE, ANY, LO, 2);
	/* Word 0 full (1), word 1 bit 64 (2); [64, 65) reads word 1 (3). */
	expect_alloc(m, PAGES(1), PAGE, ANY, LO + PAGES(64), 3);
	assert_int_equal(model_under_test->metadata_bytes(m), 4 * 8);
	/* bitmap_clear of bits 0-63: one word. */
	expect_free(m, LO, 1);
	/* Bit 0 in word 0 (1); [0, 65): word 0 (2), word 1 has bit 64 (3);
	 * restart at 65: word 1 (4); [65, 130): words 1, 2 (6). */
	expect_alloc(m, PAGES(65), PAGE, ANY, LO + PAGES(65), 6);
	/* Alignment 8 pages from bit 0: bit 0 clear (1), aligned 0, [0, 8)
	 * reads word 0 (2). */
	expect_alloc(m, PAGES(8), PAGES(8), ANY, LO, 2);
	/* vstart at page 3, alignment 2 pages: word 0 (1) has its first
	 * clear bit from 3 at 8, aligned 8; [8, 10) reads word 0 (2). */
	expect_alloc(m, PAGES(2), PAGES(2), LO + PAGES(3), UINT64_MAX, LO + PAGES(8), 2);
	/* vend = page 64: word 0 (1) has its first clear bit at 10, and
	 * [10, 74) passes vend: no room, 1 word read. */
	expect_fail(m, PAGES(64), PAGE, 0, LO + PAGES(64), 1);
	model_under_test->destroy(m);
}

/* A naive flat bitmap: bitmap_find_next_zero_area_off(), counting reads. */
struct naive {
	uint64_t *w;
	uint64_t nbits;
};

static int naive_bit(const struct naive *n, uint64_t b)
{
	return (int)(n->w[b / 64] >> (b % 64) & 1);
}

/* First bit in [start, size) equal to @want, reading each word once. */
static uint64_t naive_find(const struct naive *n, uint64_t size, uint64_t start, int want,
			   uint64_t *words)
{
	uint64_t last_word = UINT64_MAX;

	for (uint64_t b = start; b < size; b++) {
		if (b / 64 != last_word) {
			last_word = b / 64;
			++*words;
		}
		if (naive_bit(n, b) == want)
			return b;
	}
	return size;
}

static bool naive_alloc(struct naive *n, uint64_t nr, uint64_t mask, uint64_t *idx,
			uint64_t *words)
{
	uint64_t start = 0, i;

	*words = 0;
	for (;;) {
		*idx = (naive_find(n, n->nbits, start, 0, words) + mask) & ~mask;
		if (*idx + nr > n->nbits)
			return false;
		i = naive_find(n, *idx + nr, *idx, 1, words);
		if (i == *idx + nr)
			break;
		start = i + 1;
	}
	for (i = *idx; i < *idx + nr; i++)
		n->w[i / 64] |= 1ull << (i % 64);
	return true;
}

/*
 * Three and a half chunks of 2^18 pages: huge areas fill chunks whole (the
 * scan skips them) and frees empty them again; every alloc's address and
 * word count must be the naive scan's.
 */
static void test_chunk_skips_count_like_a_naive_scan(void **state)
{
	const uint64_t nbits = 3 * (1ull << 18) + (1ull << 17);
	struct naive n = { calloc(nbits / 64, 8), nbits };
	struct vm_model *m = new_model(LO, LO + PAGES(nbits));
	uint64_t live[64] = { 0 }, live_pages[64] = { 0 }, seed = 12345;

	(void)state;
	assert_non_null(n.w);
	for (int op = 0; op < 600; op++) {
		unsigned slot;
		uint64_t r;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		r = seed >> 33;
		slot = r % 64;
		if (live_pages[slot]) {
			uint64_t b = (live[slot] - LO) / PAGE, search;

			assert_int_equal(model_under_test->free(m, live[slot], &search), 0);
			for (uint64_t i = b; i < b + live_pages[slot]; i++)
				n.w[i / 64] &= ~(1ull << (i % 64));
			live_pages[slot] = 0;
		} else {
			uint64_t pages = r % 7 == 0 ? (1ull << 18) + r % 5000 : 1 + r % 200;
			uint64_t align = 1ull << (r / 7 % 4), idx, words, addr = 0, search;
			struct vm_request req = { PAGES(pages), PAGES(align), 0, UINT64_MAX, 0 };
			bool ok = naive_alloc(&n, pages, align - 1, &idx, &words);
			int ret = model_under_test->alloc(m, &req, &addr, &search);

			assert_int_equal(ret, ok ? 0 : -ENOMEM);
			assert_int_equal(search, words);
			if (ok) {
				assert_int_equal(addr, LO + PAGES(idx));
				live[slot] = addr;
				live_pages[slot] = pages;
			}
		}
		expect_invariants(m);
	}
	model_under_test->destroy(m);
	free(n.w);
}

/* Runs generated trace @t through @ops; sets where each id went (or 0). */
static void place_all(const struct vm_allocator_ops *ops, const struct vmt_trace *t,
		      uint64_t *where)
{
	struct vm_window w = { t->range_lo, t->range_hi, t->page_size };
	struct vm_model *m = NULL;
	uint64_t *addr_of = calloc(t->ids.count + 1, sizeof(*addr_of)), search;

	assert_non_null(addr_of);
	assert_int_equal(ops->create(&w, &m), 0);
	for (size_t i = 0; i < t->nev; i++) {
		const struct vmt_event *ev = &t->ev[i];
		struct vm_request req = {
			ev->size, ev->flags & VMT_F_ALIGN ? ev->align : t->page_size,
			ev->flags & VMT_F_VSTART ? ev->vstart : t->range_lo,
			ev->flags & VMT_F_VEND ? ev->vend : t->range_hi, 0
		};
		uint64_t addr = 0;

		switch (ev->op) {
		case VMT_LIVE:
			assert_int_equal(ops->reserve(m, ev->va, ev->size), 0);
			addr_of[ev->id] = ev->va;
			break;
		case VMT_ALLOC:
			if (!ops->alloc(m, &req, &addr, &search))
				addr_of[ev->id] = addr;
			where[i] = addr;
			break;
		case VMT_FREE:
			if (addr_of[ev->id])
				assert_int_equal(ops->free(m, addr_of[ev->id], &search), 0);
			addr_of[ev->id] = 0;
			break;
		}
	}
	ops->destroy(m);
	free(addr_of);
}

/*
 * First fit over the bits is lowest fit: on generated traces (snapshots,
 * request windows, alignments) bitmap places every area where linear does.
 */
static void test_same_addresses_as_linear(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 30; seed++) {
		struct vmt_trace t;
		struct gen_opts o;
		uint64_t *a, *b;

		gen_opts_default(&o);
		o.seed = seed;
		o.events = 2000;
		o.live_target = 20 + seed * 53 % 300;
		o.snapshot = seed % 3 ? seed * 7 % 40 : 0;
		o.lo = LO;
		o.hi = LO + (16ull << 20 << seed % 3);
		o.aligned_pct = seed % 2 ? 0 : 20;
		o.window_pct = 15;
		assert_int_equal(vmt_generate(&o, &t), 0);
		a = calloc(t.nev, sizeof(*a));
		b = calloc(t.nev, sizeof(*b));
		assert_non_null(a);
		assert_non_null(b);
		place_all(vm_allocator_find("linear"), &t, a);
		place_all(model_under_test, &t, b);
		for (size_t i = 0; i < t.nev; i++)
			if (a[i] != b[i])
				fail_msg("seed %llu event %zu: linear 0x%llx, bitmap 0x%llx",
					 (unsigned long long)seed, i, (unsigned long long)a[i],
					 (unsigned long long)b[i]);
		free(a);
		free(b);
		vmt_trace_free(&t);
	}
}

static void test_reserve(void **state)
{
	struct vm_model *m = new_model(LO, LO + PAGES(256));

	(void)state;
	expect_two_reserved(m, LO, LO + PAGES(256));
	/* Bits 1, 4 and 5 set.  Bit 0 (1 word read), [0, 3) meets bit 1 (2);
	 * bit 2 (3), [2, 5) meets bit 4 (4); bit 6 (5), [6, 9) clear (6). */
	expect_alloc(m, PAGES(3), PAGE, ANY, LO + PAGES(6), 6);
	model_under_test->destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_word_counts),
		cmocka_unit_test(test_chunk_skips_count_like_a_naive_scan),
		cmocka_unit_test(test_same_addresses_as_linear),
		cmocka_unit_test(test_reserve),
	};

	model_under_test = vm_allocator_find("bitmap");
	if (!model_under_test)
		return 1;
	return cmocka_run_group_tests_name("bitmap", tests, NULL, NULL);
}
