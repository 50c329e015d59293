/* SPDX-License-Identifier: MIT */
/*
 * The recorder's per-stack cache (capture/stack_cache.c): every lookup
 * must give what naming and classifying that stack afresh gives, however
 * often and in whatever order stacks repeat, across the table's growth;
 * and the cache must hold exactly one entry per distinct stack (no entry
 * per event, no two stacks sharing one).  The symbols are a small
 * kallsyms file written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture/classify.h"
#include "capture/stack_cache.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define BASE 0xffffffff81000000ull
#define SPACING 0x100ull	/* each symbol's text */

/* Symbol i lies at BASE + i * SPACING: the API, users, and generic frames. */
static const char *const names[] = {
	"alloc_vmap_area", "__get_vm_area_node", "__vmalloc_node_range_noprof",
	"__vmalloc_node_noprof", "__bpf_map_area_alloc", "array_map_alloc",
	"map_create", "__sys_bpf", "copy_process", "kernel_clone", "vmap",
	"ioremap_prot", "do_syscall_64", "entry_SYSCALL_64_after_hwframe",
	"pcpu_create_chunk", "vmalloc_noprof",
};

static struct ksyms ksyms;

static int load_symbols(void **state)
{
	char path[] = "/tmp/test_stack_cache.XXXXXX";
	struct vmt_err err = { { 0 } };
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int ret;

	(void)state;
	if (!f)
		return -1;
	for (size_t i = 0; i < N(names); i++)
		fprintf(f, "%016llx T %s\n", BASE + i * SPACING, names[i]);
	fclose(f);
	ret = ksyms_load(&ksyms, path, &err);
	unlink(path);
	if (ret)
		fprintf(stderr, "%s\n", err.msg);
	return ret;
}

static int free_symbols(void **state)
{
	(void)state;
	ksyms_free(&ksyms);
	return 0;
}

/* A return address inside symbol @i. */
static __u64 in(size_t i)
{
	return BASE + i * SPACING + 0x10;
}

/* Hand-worked: a BPF array map's stack and a fork's. */
static void test_known_stacks(void **state)
{
	const __u64 map[] = { in(0), in(1), in(2), in(3), in(4), in(5), in(6), in(7) };
	const __u64 fork[] = { in(0), in(1), in(2), in(3), in(8), in(9), in(12) };
	struct vmt_stack_cache c;
	struct vmt_stack_class got;

	(void)state;
	vmt_stack_cache_init(&c, &ksyms);
	for (int round = 0; round < 2; round++) {	/* seen first, then cached */
		assert_int_equal(vmt_stack_classify(&c, map, N(map), &got), 0);
		assert_string_equal(got.kind, "bpf");
		assert_string_equal(got.caller, "__bpf_map_area_alloc");
		assert_int_equal(vmt_stack_classify(&c, fork, N(fork), &got), 0);
		assert_string_equal(got.kind, "kstack");
		assert_string_equal(got.caller, "copy_process");
		assert_int_equal(vmt_stack_classify(&c, map, 2, &got), 0);	/* a prefix */
		assert_string_equal(got.kind, "other");
		assert_null(got.caller);
		assert_int_equal(vmt_stack_classify(&c, map, 0, &got), 0);	/* empty */
		assert_string_equal(got.kind, "other");
		assert_null(got.caller);
	}
	assert_int_equal(c.n, 4);
	vmt_stack_cache_free(&c);
}

/* What the cache must reproduce: the stack named and classified afresh. */
static void fresh(const __u64 *addrs, size_t n, struct vmt_stack_class *out)
{
	const char *frames[VMT_STACK_DEPTH];
	struct vmt_class c;

	for (size_t i = 0; i < n; i++)
		frames[i] = ksyms_name(&ksyms, addrs[i]);
	c = vmt_classify(frames, n);
	out->kind = vmt_kind_name(c.kind);
	out->caller = c.caller < 0 ? NULL : frames[c.caller];
}

#define POOL 700	/* distinct stacks: the table grows past 64 slots 4 times */
#define LOOKUPS 20000

/* Random stacks, many differing in one frame or in length only, looked
 * up in a random order with repeats. */
static void test_random_stacks(void **state)
{
	static __u64 pool[POOL][VMT_STACK_DEPTH];
	static size_t depth[POOL];
	static unsigned char seen[POOL];
	struct vmt_stack_cache c;
	struct vmt_stack_class got, want;
	size_t distinct = 0;

	(void)state;
	srand(18);
	for (size_t s = 0; s < POOL; s++) {
		if (s && s % 3 == 0) {	/* a neighbour: one frame or the length differs */
			memcpy(pool[s], pool[s - 1], sizeof(pool[s]));
			depth[s] = depth[s - 1];
			if (depth[s] && rand() % 2)
				pool[s][rand() % depth[s]] += 8;
			else
				depth[s] = depth[s] < VMT_STACK_DEPTH ? depth[s] + 1 : depth[s] - 1;
			continue;
		}
		depth[s] = (size_t)rand() % (VMT_STACK_DEPTH + 1);
		for (size_t f = 0; f < VMT_STACK_DEPTH; f++)
			pool[s][f] = in((size_t)rand() % N(names)) + (__u64)(rand() % 8) * 8;
	}
	/* Equal neighbours would be one stack: count the distinct ones. */
	for (size_t s = 0; s < POOL; s++) {
		seen[s] = 1;
		for (size_t t = 0; t < s && seen[s]; t++)
			if (depth[t] == depth[s] &&
			    !memcmp(pool[t], pool[s], depth[s] * sizeof(pool[s][0])))
				seen[s] = 0;
		distinct += seen[s];
	}
	vmt_stack_cache_init(&c, &ksyms);
	for (size_t s = 0; s < POOL; s++)	/* each at least once */
		assert_int_equal(vmt_stack_classify(&c, pool[s], depth[s], &got), 0);
	for (int i = 0; i < LOOKUPS; i++) {
		size_t s = (size_t)rand() % POOL;

		assert_int_equal(vmt_stack_classify(&c, pool[s], depth[s], &got), 0);
		fresh(pool[s], depth[s], &want);
		assert_string_equal(got.kind, want.kind);
		if (want.caller)
			assert_string_equal(got.caller, want.caller);
		else
			assert_null(got.caller);
	}
	assert_int_equal(c.n, distinct);
	vmt_stack_cache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_stacks),
		cmocka_unit_test(test_random_stacks),
	};

	return cmocka_run_group_tests(tests, load_symbols, free_symbols);
}
