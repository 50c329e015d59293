/* SPDX-License-Identifier: MIT */
/*
 * The vmalloc lock summaries of `vmtrace record --locks`
 * (capture/lock_waits.c) on synthetic waits, whose counts, totals and
 * nearest-rank percentiles are worked out by hand below; the site table
 * on stacks; and the site ranges read off a small kallsyms file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture/lock_waits.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void assert_meta(const struct vmt_trace *t, const char *key, const char *text)
{
	const char *got = vmt_trace_meta(t, key);

	if (!got)
		fail_msg("no meta %s", key);
	assert_string_equal(got, text);
}

/*
 * vmap_area_lock: waits 5 1 4 2 3: total 15, max 5, p50 the 3rd of 5
 * sorted (ceil(2.5)) = 3, p99 the 5th (ceil(4.95)) = 5.
 * alloc_vmap_area (a lock named by its site): 1..100 ns added in the
 * order 100, 99, ..., 1: total 5050, max 100, p50 the 50th = 50, p99 the
 * 99th = 99.  A second lock first seen at the same site becomes
 * alloc_vmap_area_2: one wait of 7, so every statistic is 7.
 */
static void test_summaries(void **state)
{
	static const uint64_t first[] = { 5, 1, 4, 2, 3 };
	struct vmt_lock_waits w = { 0 };
	struct vmt_trace t = { 0 };

	(void)state;
	assert_int_equal(vmt_trace_init(&t), 0);
	for (size_t i = 0; i < N(first); i++)
		assert_int_equal(vmt_lock_waits_add(&w, 0xffffffff83001000, "vmap_area_lock",
						    first[i]), 0);
	for (uint64_t v = 100; v >= 1; v--)
		/* The name of a lock already seen is not asked again. */
		assert_int_equal(vmt_lock_waits_add(&w, 0xffff888000002000,
						    v == 100 ? "alloc_vmap_area" : "other", v), 0);
	assert_int_equal(vmt_lock_waits_add(&w, 0xffff888000003000, "alloc_vmap_area", 7), 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(vmt_lock_waits_meta(&w, "stack", &t), 0);

	assert_meta(&t, "kernel_lock.method", "stack");
	assert_meta(&t, "kernel_lock.vmap_area_lock.addr", "0xffffffff83001000");
	assert_meta(&t, "kernel_lock.vmap_area_lock.contentions", "5");
	assert_meta(&t, "kernel_lock.vmap_area_lock.wait_total_ns", "15");
	assert_meta(&t, "kernel_lock.vmap_area_lock.wait_max_ns", "5");
	assert_meta(&t, "kernel_lock.vmap_area_lock.wait_p50_ns", "3");
	assert_meta(&t, "kernel_lock.vmap_area_lock.wait_p99_ns", "5");

	assert_meta(&t, "kernel_lock.alloc_vmap_area.addr", "0xffff888000002000");
	assert_meta(&t, "kernel_lock.alloc_vmap_area.contentions", "100");
	assert_meta(&t, "kernel_lock.alloc_vmap_area.wait_total_ns", "5050");
	assert_meta(&t, "kernel_lock.alloc_vmap_area.wait_max_ns", "100");
	assert_meta(&t, "kernel_lock.alloc_vmap_area.wait_p50_ns", "50");
	assert_meta(&t, "kernel_lock.alloc_vmap_area.wait_p99_ns", "99");
	assert_null(vmt_trace_meta(&t, "kernel_lock.other.addr"));

	assert_meta(&t, "kernel_lock.alloc_vmap_area_2.addr", "0xffff888000003000");
	assert_meta(&t, "kernel_lock.alloc_vmap_area_2.contentions", "1");
	assert_meta(&t, "kernel_lock.alloc_vmap_area_2.wait_total_ns", "7");
	assert_meta(&t, "kernel_lock.alloc_vmap_area_2.wait_max_ns", "7");
	assert_meta(&t, "kernel_lock.alloc_vmap_area_2.wait_p50_ns", "7");
	assert_meta(&t, "kernel_lock.alloc_vmap_area_2.wait_p99_ns", "7");
	/* method + 6 lines per lock */
	assert_int_equal(t.nmeta, 1 + 3 * 6);
	vmt_trace_free(&t);
	vmt_lock_waits_free(&w);
}

/* No wait: only the method line. */
static void test_no_waits(void **state)
{
	struct vmt_lock_waits w = { 0 };
	struct vmt_trace t = { 0 };

	(void)state;
	assert_int_equal(vmt_trace_init(&t), 0);
	assert_int_equal(vmt_lock_waits_meta(&w, "kallsyms", &t), 0);
	assert_int_equal(t.nmeta, 1);
	assert_meta(&t, "kernel_lock.method", "kallsyms");
	vmt_trace_free(&t);
}

/* The first vmalloc function on a contention's stack names the site. */
static void test_sites(void **state)
{
	/* A spinlock's slow path under alloc_vmap_area (6.18 chain). */
	static const char *const alloc[] = {
		"queued_spin_lock_slowpath", "_raw_spin_lock", "alloc_vmap_area.cold",
		"__get_vm_area_node", "__vmalloc_node_range_noprof",
	};
	/* The purge mutex, taken by the drain worker. */
	static const char *const purge[] = {
		"__mutex_lock.constprop.0", "mutex_lock", "__purge_vmap_area_lazy",
		"drain_vmap_area_work", "process_one_work",
	};
	/* A slab lock contended under alloc_vmap_area: not a vmalloc lock. */
	static const char *const slab[] = {
		"queued_spin_lock_slowpath", "_raw_spin_lock_irqsave", "get_partial_node",
		"___slab_alloc", "kmem_cache_alloc_node_noprof", "alloc_vmap_area",
	};
	/* An unnamed frame first: nothing can be said. */
	static const char *const unnamed[] = {
		"queued_spin_lock_slowpath", NULL, "alloc_vmap_area",
	};
	/* Captured here: pcpu_alloc_mutex under fork; not a vmalloc lock. */
	static const char *const percpu[] = {
		"__mutex_lock.constprop.0", "pcpu_alloc_noprof", "mm_init", "copy_process",
	};

	(void)state;
	assert_string_equal(vmt_lock_site(alloc, N(alloc)), "alloc_vmap_area");
	assert_string_equal(vmt_lock_site(purge, N(purge)), "__purge_vmap_area_lazy");
	assert_null(vmt_lock_site(percpu, N(percpu)));
	assert_null(vmt_lock_site(slab, N(slab)));
	assert_null(vmt_lock_site(unnamed, N(unnamed)));
	assert_null(vmt_lock_site(alloc, 2));
}

/* Ranges: a site's text runs to the next symbol; other symbols are not
 * sites; the list ends with an empty entry; too small a buffer fails. */
static void test_site_ranges(void **state)
{
	static const char kallsyms[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81001000 t alloc_vmap_area\n"
		"ffffffff81001800 T __get_vm_area_node\n"
		"ffffffff81002000 t alloc_vmap_area.cold\n"
		"ffffffff81002100 t something_else\n"
		"ffffffff81003000 d vmap_area_lock\n"
		"ffffffff81004000 T vb_free\n";
	char path[] = "/tmp/test_lock_waits_XXXXXX";
	struct vmt_text_range r[4];
	struct vmt_err err = { { 0 } };
	struct ksyms k;
	size_t n;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_non_null(f);
	fputs(kallsyms, f);
	fclose(f);
	assert_int_equal(ksyms_load(&k, path, &err), 0);
	unlink(path);
	assert_int_equal(vmt_lock_site_ranges(&k, r, N(r), &n, &err), 0);
	assert_int_equal(n, 3);
	assert_true(r[0].start == 0xffffffff81001000 && r[0].end == 0xffffffff81001800);
	assert_true(r[1].start == 0xffffffff81002000 && r[1].end == 0xffffffff81002100);
	assert_true(r[2].start == 0xffffffff81004000 && r[2].end == UINT64_MAX);
	assert_true(r[3].start == 0 && r[3].end == 0);
	assert_int_equal(vmt_lock_site_ranges(&k, r, 3, &n, &err), -E2BIG);
	ksyms_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summaries),
		cmocka_unit_test(test_no_waits),
		cmocka_unit_test(test_sites),
		cmocka_unit_test(test_site_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
