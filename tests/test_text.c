/* SPDX-License-Identifier: MIT */
/* The text trace format: parsing good traces, rejecting bad lines with
 * `file:line: what`, and writing back what was read. */
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

#include "trace/trace_text.h"

static int parse(const char *text, struct vmt_trace *t, struct vmt_err *err)
{
	memset(err, 0, sizeof(*err));
	assert_int_equal(vmt_trace_init(t), 0);
	assert_int_equal(vmt_trace_track_lines(t), 0);
	return vmt_text_parse("t.txt", text, strlen(text), t, err);
}

static void test_good_trace(void **state)
{
	const char *text =
		"# a comment first\n"
		"vmtrace 1\n"
		"range 0x1000000 0x2000000   # trailing comment\n"
		"page 4096\n"
		"meta kernel  6.18.44 (x86_64)  \n"
		"live l1 0x1000000 8192 caller=irq_init kind=vmap\n"
		"\n"
		"alloc a-1.x 0x3000 align=8192 vstart=0x1000000 vend=0x2000000 va=0x1002000 t=12 cpu=1 pid=42 comm=bash future=7\n"
		"free a-1.x t=13\n"
		"alloc a2 4096 failed=1\n"
		"purge 0x1000000 0x2000000 n=3\n";
	struct vmt_trace t;
	struct vmt_err err;
	const struct vmt_event *ev;

	(void)state;
	assert_int_equal(parse(text, &t, &err), 0);
	assert_true(t.has_range);
	assert_int_equal(t.range_lo, 0x1000000);
	assert_int_equal(t.range_hi, 0x2000000);
	assert_string_equal(vmt_trace_meta(&t, "kernel"), "6.18.44 (x86_64)");
	assert_int_equal(t.nev, 5);

	ev = &t.ev[0];
	assert_int_equal(ev->op, VMT_LIVE);
	assert_int_equal(ev->va, 0x1000000);
	assert_int_equal(ev->size, 8192);
	assert_string_equal(strtab_get(&t.strs, ev->attrs), "caller=irq_init kind=vmap");
	assert_int_equal(t.line[0], 6);

	ev = &t.ev[1];
	assert_int_equal(ev->op, VMT_ALLOC);
	assert_string_equal(strtab_get(&t.ids, ev->id), "a-1.x");
	assert_int_equal(ev->size, 0x3000);
	assert_int_equal(ev->align, 8192);
	assert_int_equal(ev->vstart, 0x1000000);
	assert_int_equal(ev->vend, 0x2000000);
	assert_int_equal(ev->va, 0x1002000);
	assert_int_equal(ev->t, 12);
	assert_int_equal(ev->cpu, 1);
	assert_int_equal(ev->pid, 42);
	assert_int_equal(ev->flags, VMT_F_ALIGN | VMT_F_VSTART | VMT_F_VEND | VMT_F_VA |
					    VMT_F_T | VMT_F_CPU | VMT_F_PID);
	/* Unknown keys are kept, in order, with the textual ones. */
	assert_string_equal(strtab_get(&t.strs, ev->attrs), "comm=bash future=7");
	assert_int_equal(t.line[1], 8);

	ev = &t.ev[2];
	assert_int_equal(ev->op, VMT_FREE);
	assert_int_equal(ev->id, t.ev[1].id);
	assert_int_equal(ev->t, 13);

	assert_true(t.ev[3].flags & VMT_F_FAILED);
	assert_int_equal(t.ev[4].op, VMT_PURGE);
	assert_int_equal(t.ev[4].vstart, 0x1000000);
	assert_int_equal(t.ev[4].vend, 0x2000000);
	assert_int_equal(t.ev[4].size, 3);
	vmt_trace_free(&t);
}

/* Writing a parsed trace and parsing it again gives the same events. */
/* Every hex digit, each at a known place: values worked by hand. */
static void test_hex_digits(void **state)
{
	struct vmt_trace t;
	struct vmt_err err;

	(void)state;
	assert_int_equal(parse("vmtrace 1\nalloc a 0xfedcba9000 va=0x123456789abcd000\n", &t, &err), 0);
	assert_int_equal(t.nev, 1);
	assert_int_equal(t.ev[0].size, 0xfedcba9000ull);
	assert_int_equal(t.ev[0].va, 0x123456789abcd000ull);
	vmt_trace_free(&t);
}

static void test_write_round_trip(void **state)
{
	const char *text =
		"vmtrace 1\nrange 0x1000 0x9000\npage 8192\nmeta workload x y\n"
		"live l 0x2000 8192 kind=vmap\n"
		"alloc a 8192 align=16384 vstart=0x2000 vend=0x8000 va=0x4000 failed=1 t=5 cpu=3 pid=9 comm=sh\n"
		"free a t=6 cpu=0 pid=1 extra=1\n"
		"purge 0x2000 0x8000 n=0 t=7 cpu=2\n";
	struct vmt_trace a, b;
	struct vmt_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(parse(text, &a, &err), 0);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(vmt_text_write(&a, f), 0);
	fclose(f);
	assert_int_equal(parse(buf, &b, &err), 0);
	assert_int_equal(a.nev, b.nev);
	assert_int_equal(b.page_size, 8192);
	assert_string_equal(vmt_trace_meta(&b, "workload"), "x y");
	for (size_t i = 0; i < a.nev; i++) {
		struct vmt_event x = a.ev[i], y = b.ev[i];

		assert_string_equal(strtab_get(&a.ids, x.id), strtab_get(&b.ids, y.id));
		assert_string_equal(strtab_get(&a.strs, x.attrs), strtab_get(&b.strs, y.attrs));
		x.id = y.id = x.attrs = y.attrs = 0;
		assert_memory_equal(&x, &y, sizeof(x));
	}
	free(buf);
	vmt_trace_free(&a);
	vmt_trace_free(&b);
}

struct bad_case {
	const char *text;
	const char *message;	/* the whole expected error */
};

static const struct bad_case bad_cases[] = {
	{ "", "t.txt:1: empty trace: no 'vmtrace 1' line" },
	{ "alloc a 4096\n", "t.txt:1: not a vmtrace text trace: the first line must be 'vmtrace 1'" },
	{ "vmtrace 2\n", "t.txt:1: text format version 2 is not supported (this is version 1)" },
	{ "vmtrace 1\nalloc\n", "t.txt:2: missing id" },
	{ "vmtrace 1\nalloc a\n", "t.txt:2: alloc: missing size" },
	{ "vmtrace 1\nalloc a 12k\n", "t.txt:2: size: expected a decimal or 0x-hex number, got '12k'" },
	{ "vmtrace 1\nalloc a -4096\n", "t.txt:2: size: expected a decimal or 0x-hex number, got '-4096'" },
	{ "vmtrace 1\nalloc a 0x\n", "t.txt:2: size: expected a decimal or 0x-hex number, got '0x'" },
	{ "vmtrace 1\nalloc a 18446744073709551616\n",
	  "t.txt:2: size '18446744073709551616' does not fit in 64 bits" },
	{ "vmtrace 1\nalloc a/b 4096\n", "t.txt:2: id 'a/b' has a character outside [A-Za-z0-9_.-]" },
	{ "vmtrace 1\nalloc a 4096 align\n", "t.txt:2: expected key=value, got 'align'" },
	{ "vmtrace 1\nalloc a 4096 =5\n", "t.txt:2: expected key=value, got '=5'" },
	{ "vmtrace 1\nalloc a 4096 align=1 align=2\n", "t.txt:2: key 'align' given twice" },
	{ "vmtrace 1\nalloc a 4096 cpu=70000\n", "t.txt:2: cpu=70000 is larger than 65535" },
	{ "vmtrace 1\nalloc a 4096 failed=2\n", "t.txt:2: failed=2 is larger than 1" },
	{ "vmtrace 1\nfree a pid=4294967296\n", "t.txt:2: pid=4294967296 is larger than 4294967295" },
	{ "vmtrace 1\npurge 0 1 n=18446744073709551616\n",
	  "t.txt:2: n '18446744073709551616' does not fit in 64 bits" },
	{ "vmtrace 1\nalloc a 4096 va=zz\n", "t.txt:2: va: expected a decimal or 0x-hex number, got 'zz'" },
	{ "vmtrace 1\nfree\n", "t.txt:2: missing id" },
	{ "vmtrace 1\nlive l\n", "t.txt:2: live: missing address" },
	{ "vmtrace 1\nlive l 0x1000\n", "t.txt:2: live: missing size" },
	{ "vmtrace 1\npurge 0x1000\n", "t.txt:2: purge: missing end" },
	{ "vmtrace 1\nalloc a 4096\nlive l 0x1000 4096\n",
	  "t.txt:3: live line after the first alloc/free/purge: the snapshot comes first" },
	{ "vmtrace 1\nalloc a 4096\nrange 0 4096\n",
	  "t.txt:3: 'range' after the first event: header lines come first" },
	{ "vmtrace 1\nrange 0x2000 0x1000\n", "t.txt:2: range: lo 0x2000 is not below hi 0x1000" },
	{ "vmtrace 1\nrange 0x1000\n", "t.txt:2: range: expected <lo> <hi>" },
	{ "vmtrace 1\nrange 0x1000 0x1800\n",
	  "t.txt:2: range [0x1000, 0x1800) holds no whole page of 4096 bytes" },
	/* The page line may follow the range line; its page size counts. */
	{ "vmtrace 1\nrange 0x1000 0x3000\npage 8192\n",
	  "t.txt:2: range [0x1000, 0x3000) holds no whole page of 8192 bytes" },
	{ "vmtrace 1\nrange 0xfffffffffffff000 0xffffffffffffffff\n",
	  "t.txt:2: range [0xfffffffffffff000, 0xffffffffffffffff) holds no whole page of 4096 bytes" },
	{ "vmtrace 1\nrange 0 1\nrange 0 1\n", "t.txt:3: second range line" },
	{ "vmtrace 1\npage 4095\n", "t.txt:2: page size 4095 is not a power of two >= 512" },
	{ "vmtrace 1\npage 4096 4096\n", "t.txt:2: trailing text after page" },
	{ "vmtrace 1\nvmtrace 1\n", "t.txt:2: second 'vmtrace' line" },
	{ "vmtrace 1\nmalloc a 1\n", "t.txt:2: unknown line type 'malloc'" },
	{ "vmtrace 1\nmeta\n", "t.txt:2: meta: missing key" },
};

static void test_bad_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		size_t len = strlen(c->text);
		struct vmt_trace t;
		struct vmt_err err = { { 0 } };

		assert_int_equal(vmt_trace_init(&t), 0);
		if (vmt_text_parse("t.txt", c->text, len, &t, &err) != -EINVAL)
			fail_msg("case %zu (%s) was accepted", i, c->message);
		if (strcmp(err.msg, c->message))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, c->message);
		vmt_trace_free(&t);
	}
}

static void test_nul_byte(void **state)
{
	static const char text[] = "vmtrace 1\nalloc a 4\0" "096\n";
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };

	(void)state;
	assert_int_equal(vmt_trace_init(&t), 0);
	assert_int_equal(vmt_text_parse("t.txt", text, sizeof(text) - 1, &t, &err), -EINVAL);
	assert_string_equal(err.msg, "t.txt:2: NUL byte in a text trace");
	vmt_trace_free(&t);
}

/* An id of exactly the limit is fine; one byte more is a clear error. */
static void test_id_limit(void **state)
{
	char text[600];
	struct vmt_trace t;
	struct vmt_err err;

	(void)state;
	snprintf(text, sizeof(text), "vmtrace 1\nalloc %0*d 4096\n", VMT_ID_MAX, 0);
	assert_int_equal(parse(text, &t, &err), 0);
	vmt_trace_free(&t);
	snprintf(text, sizeof(text), "vmtrace 1\nalloc %0*d 4096\n", VMT_ID_MAX + 1, 0);
	assert_int_equal(parse(text, &t, &err), -EINVAL);
	assert_string_equal(err.msg, "t.txt:2: id of 256 bytes is longer than 255");
	vmt_trace_free(&t);
}

/* A megabyte-long line of unknown keys parses without trouble. */
static void test_long_line(void **state)
{
	size_t n = 1 << 20;
	char *text = malloc(n + 64);
	struct vmt_trace t;
	struct vmt_err err;

	(void)state;
	assert_non_null(text);
	strcpy(text, "vmtrace 1\nalloc a 4096");
	size_t len = strlen(text);

	while (len < n) {
		memcpy(text + len, " k=v", 4);
		len += 4;
	}
	text[len++] = '\n';
	text[len] = '\0';
	assert_int_equal(parse(text, &t, &err), 0);
	assert_int_equal(t.nev, 1);
	assert_true(strtab_len(&t.strs, t.ev[0].attrs) > n / 2);
	vmt_trace_free(&t);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_trace),
		cmocka_unit_test(test_hex_digits),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_id_limit),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests_name("text format", tests, NULL, NULL);
}
