/* SPDX-License-Identifier: MIT */
/*
 * The bad-input classes of docs/BAD_INPUT.md, each replayed through every
 * registered model with the invariant checker on: by default the trace
 * replays and the class is counted in its own metric (and nothing else
 * is); under --strict the replay stops with `file:line: what`.
 *
 * Every trace below starts with "vmtrace 1" and "range 0x10000 0x40000"
 * (48 pages), so its first body line is line 3.
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
#include <cmocka.h>

#include "replay/replay.h"
#include "trace/trace_text.h"

#define HEADER "vmtrace 1\nrange 0x10000 0x40000\n"

/* The metrics an inconsistency can land in, and failed_allocs. */
struct counts {
	uint64_t unknown_frees, double_frees, invalid_events, snapshot_conflicts,
		 kernel_va_conflicts, failed_allocs;
};

struct bad_case {
	const char *name;
	const char *body;
	struct counts want;	/* by default */
	const char *strict;	/* the --strict error; NULL: not an inconsistency */
	/* failed_allocs of a model that ignores request windows, if not want's */
	uint64_t failed_ignoring_windows;
};

static const struct bad_case cases[] = {
	/* Frees. */
	{ "unknown free", "free x\n",
	  { .unknown_frees = 1 }, "t.txt:3: free x: id was never allocated" },
	{ "free after a kernel-failed alloc", "alloc a 4096 failed=1\nfree a\n",
	  { .unknown_frees = 1 }, "t.txt:4: free a: id was never allocated" },
	{ "double free", "alloc a 4096\nfree a\nfree a\n",
	  { .double_frees = 1 }, "t.txt:5: free a: id already freed (double free)" },
	{ "id reused after its free", "alloc a 4096\nfree a\nalloc a 4096\nfree a\n",
	  { 0 }, NULL },
	/* 48 pages: big fills the window, so no model has room for a. */
	{ "free of an alloc the model could not place",
	  "alloc big 0x30000\nalloc a 4096\nfree a\nfree big\n",
	  { .failed_allocs = 1 }, NULL },
	/* The snapshot. */
	{ "live overlapping another", "live l1 0x10000 8192\nlive l2 0x11000 4096\n",
	  { .snapshot_conflicts = 1 }, "t.txt:4: live l2: 0x11000+4096 overlaps an earlier area" },
	{ "live id twice", "live l 0x10000 4096\nlive l 0x20000 4096\n",
	  { .snapshot_conflicts = 1 }, "t.txt:4: live l: id already live" },
	{ "live size 0", "live l 0x10000 0\n",
	  { .snapshot_conflicts = 1 },
	  "t.txt:3: live l: size 0 is not a positive multiple of the page size" },
	{ "live size not whole pages", "live l 0x10000 4097\n",
	  { .snapshot_conflicts = 1 },
	  "t.txt:3: live l: size 4097 is not a positive multiple of the page size" },
	{ "live address not page aligned", "live l 0x10800 4096\n",
	  { .snapshot_conflicts = 1 }, "t.txt:3: live l: address 0x10800 is not page aligned" },
	{ "live area past 2^64", "live l 0xfffffffffffff000 8192\n",
	  { .snapshot_conflicts = 1 },
	  "t.txt:3: live l: 0xfffffffffffff000 + 8192 runs past 2^64" },
	{ "free of a rejected live area", "live l 0x10000 0\nfree l\n",
	  { .snapshot_conflicts = 1 },
	  "t.txt:3: live l: size 0 is not a positive multiple of the page size" },
	/* Where the kernel put things (va=). */
	{ "kernel va over a snapshot area", "live l 0x10000 8192\nalloc a 4096 va=0x11000\n",
	  { .kernel_va_conflicts = 1 },
	  "t.txt:4: alloc a: the kernel's 0x11000+4096 overlaps 0x10000+8192, which it had not freed" },
	{ "kernel va over an earlier alloc", "alloc a 8192 va=0x20000\nalloc b 4096 va=0x21000\n",
	  { .kernel_va_conflicts = 1 },
	  "t.txt:4: alloc b: the kernel's 0x21000+4096 overlaps 0x20000+8192, which it had not freed" },
	{ "kernel va reused after its free",
	  "alloc a 8192 va=0x20000\nfree a\nalloc b 8192 va=0x20000\n", { 0 }, NULL },
	{ "kernel va of a failed alloc", "alloc a 8192 va=0x20000\nalloc b 4096 va=0x20000 failed=1\n",
	  { 0 }, NULL },
	{ "kernel va past 2^64", "alloc a 8192 va=0xfffffffffffff000\n",
	  { .kernel_va_conflicts = 1 },
	  "t.txt:3: alloc a: va 0xfffffffffffff000 + 8192 runs past 2^64" },
	/* Allocs the engine cannot replay. */
	{ "alloc size 0", "alloc a 0\n", { .invalid_events = 1 },
	  "t.txt:3: alloc a: size 0 is not a positive multiple of the page size" },
	{ "alloc size not whole pages", "alloc a 5000\n", { .invalid_events = 1 },
	  "t.txt:3: alloc a: size 5000 is not a positive multiple of the page size" },
	{ "align not a power of two", "alloc a 4096 align=12288\n", { .invalid_events = 1 },
	  "t.txt:3: alloc a: align 12288 is not a power of two" },
	{ "align 0", "alloc a 4096 align=0\n", { .invalid_events = 1 },
	  "t.txt:3: alloc a: align 0 is not a power of two" },
	{ "vstart above vend", "alloc a 4096 vstart=0x30000 vend=0x20000\n",
	  { .invalid_events = 1 }, "t.txt:3: alloc a: vstart 0x30000 is not below vend 0x20000" },
	{ "vstart equal to vend", "alloc a 4096 vstart=0x30000 vend=0x30000\n",
	  { .invalid_events = 1 }, "t.txt:3: alloc a: vstart 0x30000 is not below vend 0x30000" },
	{ "alloc of a live id", "alloc a 4096\nalloc a 4096\n", { .invalid_events = 1 },
	  "t.txt:4: alloc a: id is already live" },
	{ "free of an invalid alloc", "alloc a 0\nfree a\n", { .invalid_events = 1 },
	  "t.txt:3: alloc a: size 0 is not a positive multiple of the page size" },
	/* Near 2^64: valid requests no model can place; nothing may wrap. */
	{ "size near 2^64", "alloc a 0xfffffffffffff000\n", { .failed_allocs = 1 }, NULL },
	{ "align 2^63", "alloc a 4096 align=0x8000000000000000\n", { .failed_allocs = 1 }, NULL },
	/* The model's space ends one page short of 2^64: one page fits. */
	{ "request window at the top of the address space",
	  "alloc a 4096 vstart=0xffffffffffffe000 vend=0xffffffffffffffff\n"
	  "alloc b 4096 vstart=0xffffffffffffe000 vend=0xffffffffffffffff\n",
	  { .failed_allocs = 1 }, NULL, 2 },
};

static int replay_text(const char *text, const struct vm_allocator_ops *model, bool strict,
		       struct replay_summary *s, struct vmt_err *err)
{
	struct replay_opts o = { .model = model, .trace_name = "t.txt", .strict = strict,
				 .check = true };
	struct vmt_trace t;
	int ret;

	memset(err, 0, sizeof(*err));
	assert_int_equal(vmt_trace_init(&t), 0);
	assert_int_equal(vmt_trace_track_lines(&t), 0);
	if (vmt_text_parse("t.txt", text, strlen(text), &t, err))
		fail_msg("parse: %s", err->msg);
	ret = replay_run(&t, &o, s, err);
	vmt_trace_free(&t);
	return ret;
}

static void test_case(const struct bad_case *c, const struct vm_allocator_ops *model)
{
	struct replay_summary s;
	struct vmt_err err;
	struct counts got, want = c->want;
	char *text;
	int ret;

	if (model->ignores_request_window && c->failed_ignoring_windows)
		want.failed_allocs = c->failed_ignoring_windows;
	assert_true(asprintf(&text, HEADER "%s", c->body) > 0);
	ret = replay_text(text, model, false, &s, &err);
	if (ret)
		fail_msg("%s, %s: replay failed: %s", c->name, model->name, err.msg);
	got = (struct counts){ s.unknown_frees, s.double_frees, s.invalid_events,
			       s.snapshot_conflicts, s.kernel_va_conflicts, s.failed_allocs };
	if (memcmp(&got, &want, sizeof(got)))
		fail_msg("%s, %s: counted unknown %llu double %llu invalid %llu snapshot %llu "
			 "kernel-va %llu failed %llu", c->name, model->name,
			 (unsigned long long)got.unknown_frees, (unsigned long long)got.double_frees,
			 (unsigned long long)got.invalid_events,
			 (unsigned long long)got.snapshot_conflicts,
			 (unsigned long long)got.kernel_va_conflicts,
			 (unsigned long long)got.failed_allocs);

	ret = replay_text(text, model, true, &s, &err);
	if (!c->strict && ret)
		fail_msg("%s, %s: --strict failed: %s", c->name, model->name, err.msg);
	if (c->strict && (ret != -EINVAL || strcmp(err.msg, c->strict)))
		fail_msg("%s, %s: --strict gave %d \"%s\", want \"%s\"", c->name, model->name,
			 ret, err.msg, c->strict);
	free(text);
}

static void test_classes(void **state)
{
	(void)state;
	for (size_t m = 0; m < vm_allocator_count; m++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			test_case(&cases[i], vm_allocators[m]);
}

/* A failed alloc that the model could place leaves nothing behind. */
static void test_kernel_failed_alloc_leaves_no_area(void **state)
{
	struct replay_summary s;
	struct vmt_err err;

	(void)state;
	for (size_t m = 0; m < vm_allocator_count; m++) {
		assert_int_equal(replay_text(HEADER "alloc a 8192 failed=1\n", vm_allocators[m],
					     true, &s, &err), 0);
		assert_int_equal(s.kernel_failed_allocs, 1);
		assert_int_equal(s.failed_allocs, 0);
		assert_int_equal(s.end_live_areas, 0);
		assert_int_equal(s.end_live_bytes, 0);
	}
}

/* Parser limits on input of absurd size: a clear error, or a clean parse. */
static void test_huge_tokens(void **state)
{
	size_t n = 4 << 20;
	char *text = malloc(n + 64);
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };

	(void)state;
	assert_non_null(text);
	/* An id of 4 KiB. */
	strcpy(text, "vmtrace 1\nalloc ");
	memset(text + strlen(text), 'i', 4096);
	strcpy(text + 16 + 4096, " 4096\n");
	assert_int_equal(vmt_trace_init(&t), 0);
	assert_int_equal(vmt_text_parse("t.txt", text, strlen(text), &t, &err), -EINVAL);
	assert_string_equal(err.msg, "t.txt:2: id of 4096 bytes is longer than 255");
	vmt_trace_free(&t);

	/* A number of 4 MiB digits: rejected, its echo cut to 64 bytes. */
	memset(&err, 0, sizeof(err));
	strcpy(text, "vmtrace 1\nalloc a ");
	memset(text + 18, '9', n);
	strcpy(text + 18 + n, "\n");
	assert_int_equal(vmt_trace_init(&t), 0);
	assert_int_equal(vmt_text_parse("t.txt", text, strlen(text), &t, &err), -EINVAL);
	assert_string_equal(err.msg, "t.txt:2: size '99999999999999999999999999999999999999999999999"
				     "99999999999999999' does not fit in 64 bits");
	vmt_trace_free(&t);

	/* The same 4 MiB of zeros is the number 0: parsed, then an invalid alloc. */
	memset(&err, 0, sizeof(err));
	memset(text + 18, '0', n);
	assert_int_equal(vmt_trace_init(&t), 0);
	assert_int_equal(vmt_text_parse("t.txt", text, strlen(text), &t, &err), 0);
	assert_int_equal(t.nev, 1);
	assert_int_equal(t.ev[0].size, 0);
	vmt_trace_free(&t);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_kernel_failed_alloc_leaves_no_area),
		cmocka_unit_test(test_huge_tokens),
	};

	return cmocka_run_group_tests_name("bad input", tests, NULL, NULL);
}
