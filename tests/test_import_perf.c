/* SPDX-License-Identifier: MIT */
/*
 * The `perf script` parser: lines perf printed on this project's machine
 * (tests/data/tools.perf.txt, and the same capture printed with -F and
 * --ns options), with spaces in task names, perf's extra lines skipped,
 * and bad lines rejected with `file:line: what`.  Expected values are read
 * off the lines (3237.613928 s is 3237613928000 ns; va_start
 * 18446683600584179712 is 0xffffc90000d80000), not taken from the output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "capture/builder.h"
#include "capture/import_perf.h"
#include "import_util.h"

#define ALLOC_FIELDS "va_start: 18446683600584179712 size=20480 align=16384 " \
		     "vstart=0xffffc90000000000 vend=0xffffe8ffffffffff failed=0"

/* Parses perf script @text (no snapshot) into @t. */
static int import_text(const char *text, struct vmt_trace *t, struct vmt_perf_stats *ps,
		       struct vmt_err *err)
{
	return import_buffer(parse_perf, text, strlen(text), ps, t, NULL, err);
}

/* Lines of the shipped sample in perf's default layout (the free's address
 * changed to the alloc's, to see them matched). */
static void test_default_layout(void **state)
{
	const char *text =
		"            bash  5675 [000]  3237.613928:        vmalloc:alloc_vmap_area: " ALLOC_FIELDS "\n"
		" kworker/0:3-eve 27544 [000]  3237.661570: vmalloc:free_vmap_area_noflush: va_start=0xffffc90000d80000 nr_lazy=7366 nr_lazy_max=16384\n"
		" kworker/1:2-eve 18552 [001]  3238.588278:   vmalloc:purge_vmap_area_lazy: start=0xffffc9000004d000 end=0xffffc900118b3000 num_purged=468\n";
	struct vmt_trace t;
	struct vmt_perf_stats ps;
	struct vmt_err err;

	(void)state;
	assert_int_equal(import_text(text, &t, &ps, &err), 0);
	assert_int_equal(ps.events, 3);
	assert_int_equal(t.nev, 3);
	assert_int_equal(t.ev[0].op, VMT_ALLOC);
	assert_int_equal(t.ev[0].t, 3237613928000ull);
	assert_int_equal(t.ev[0].cpu, 0);
	assert_int_equal(t.ev[0].pid, 5675);
	assert_int_equal(t.ev[0].va, 0xffffc90000d80000ull);
	assert_int_equal(t.ev[0].size, 20480);
	assert_int_equal(t.ev[0].align, 16384);
	assert_int_equal(t.ev[0].vend, 0xffffe8ffffffffffull);
	assert_false(t.ev[0].flags & VMT_F_FAILED);
	assert_string_equal(event_attrs(&t, &t.ev[0]), "comm=bash");
	/* The free releases that area: same id, no addr= of an unknown free. */
	assert_int_equal(t.ev[1].op, VMT_FREE);
	assert_int_equal(t.ev[1].id, t.ev[0].id);
	assert_int_equal(t.ev[1].pid, 27544);
	assert_int_equal(t.ev[1].cpu, 0);
	assert_string_equal(event_attrs(&t, &t.ev[1]),
			    "comm=kworker/0:3-eve nr_lazy=7366 nr_lazy_max=16384");
	assert_int_equal(t.ev[2].op, VMT_PURGE);
	assert_int_equal(t.ev[2].t, 3238588278000ull);
	assert_int_equal(t.ev[2].cpu, 1);
	assert_int_equal(t.ev[2].vstart, 0xffffc9000004d000ull);
	assert_int_equal(t.ev[2].vend, 0xffffc900118b3000ull);
	assert_int_equal(t.ev[2].size, 468);
	vmt_trace_free(&t);
}

/* The columns -F leaves out, PID/TID, --ns, a task name with spaces. */
static void test_other_layouts(void **state)
{
	const char *text =
		/* -F comm,pid,tid,cpu,time,event,trace --ns: the tid is kept */
		"         bpftool  6188/6190  [000]  2977.002306727:        vmalloc:alloc_vmap_area: " ALLOC_FIELDS "\n"
		/* -F tid,event,trace */
		" 6188 vmalloc:free_vmap_area_noflush: va_start=0xffffc90000d80000 nr_lazy=818 nr_lazy_max=16384\n"
		/* -F comm,event,trace, a name with spaces */
		"     Web Content        vmalloc:alloc_vmap_area: " ALLOC_FIELDS "\n"
		/* -F time,event,trace */
		" 2977.5: vmalloc:free_vmap_area_noflush: va_start=0xffffc90000d80000\n";
	struct vmt_trace t;
	struct vmt_perf_stats ps;
	struct vmt_err err;

	(void)state;
	assert_int_equal(import_text(text, &t, &ps, &err), 0);
	assert_int_equal(t.nev, 4);
	assert_int_equal(t.ev[0].t, 2977002306727ull);
	assert_int_equal(t.ev[0].pid, 6190);
	assert_int_equal(t.ev[0].flags & (VMT_F_T | VMT_F_CPU | VMT_F_PID),
			 VMT_F_T | VMT_F_CPU | VMT_F_PID);
	assert_string_equal(event_attrs(&t, &t.ev[0]), "comm=bpftool");
	assert_int_equal(t.ev[1].pid, 6188);
	assert_int_equal(t.ev[1].flags & (VMT_F_T | VMT_F_CPU | VMT_F_PID), VMT_F_PID);
	assert_string_equal(event_attrs(&t, &t.ev[1]), "nr_lazy=818 nr_lazy_max=16384");
	assert_int_equal(t.ev[2].flags & (VMT_F_T | VMT_F_CPU | VMT_F_PID), 0);
	assert_string_equal(event_attrs(&t, &t.ev[2]), "comm=Web%20Content");
	assert_int_equal(t.ev[3].t, 2977500000000ull);
	assert_int_equal(t.ev[3].flags & (VMT_F_T | VMT_F_CPU | VMT_F_PID), VMT_F_T);
	vmt_trace_free(&t);
}

/* Callchains (record -g), --header comments, PERF_RECORD_* lines, other
 * tracepoints: skipped, the last two counted. */
static void test_skipped_lines(void **state)
{
	const char *text =
		"# ========\n"
		"# captured on    : Sat Nov 28 00:12:40 2026\n"
		"         swapper     0 [000]     0.000000: PERF_RECORD_FORK(1:1):(0:0)\n"
		"            bash  4051 [000]  3005.742731:        vmalloc:alloc_vmap_area: " ALLOC_FIELDS "\n"
		"\tffffffff816214cc alloc_vmap_area+0x68c ([kernel.kallsyms])\n"
		"\t           d4353 _Fork+0x23 (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
		"\n"
		"            bash  4051 [000]  3005.8: sched:sched_switch: prev_comm=bash prev_pid=4051\n";
	struct vmt_trace t;
	struct vmt_perf_stats ps;
	struct vmt_err err;

	(void)state;
	assert_int_equal(import_text(text, &t, &ps, &err), 0);
	assert_int_equal(t.nev, 1);
	assert_int_equal(ps.events, 1);
	assert_int_equal(ps.perf_records, 1);
	assert_int_equal(ps.other_events, 1);
	vmt_trace_free(&t);
}

/* The whole shipped sample: its event lines, counted by grep. */
static void test_real_sample(void **state)
{
	struct vmt_perf_stats ps;
	struct vmt_build_stats bs;
	struct vmt_trace t;
	struct vmt_err err;

	(void)state;
	assert_int_equal(import_path(parse_perf, "tests/data/tools.perf.txt", &ps, &t, &bs, &err), 0);
	/* grep -c 'vmalloc:alloc_vmap_area: ' etc.: 281, 283, 1 of 565 lines. */
	assert_int_equal(ps.events, 565);
	assert_int_equal(bs.allocs, 281);
	assert_int_equal(bs.frees, 283);
	assert_int_equal(bs.purges, 1);
	assert_int_equal(ps.other_events + ps.perf_records, 0);
	vmt_trace_free(&t);
}

static void test_rejects(void **state)
{
	static const struct { const char *line, *why; } bad[] = {
		{ "bash 5675 [000] 3237.613928: hello world\n",
		  "t.txt:2: not a perf script event line (no SYSTEM:EVENT: name)" },
		{ "bash 5675 [000] 3237.61x928: vmalloc:alloc_vmap_area: " ALLOC_FIELDS "\n",
		  "t.txt:2: expected a timestamp" },
		{ "bash 5675 [000] 1.0: vmalloc:alloc_vmap_area: va_start: 4096 size=lots align=1 vstart=0x0 vend=0x1 failed=0\n",
		  "t.txt:2: alloc_vmap_area: size= expects a number, got 'lots'" },
		{ "bash 5675 [000] 1.0: vmalloc:alloc_vmap_area: va_start: 4096 size=4096 align=1 vstart=0x0 vend=0x1\n",
		  "t.txt:2: alloc_vmap_area: missing failed=" },
		{ "bash 5675 [000] 1.0: vmalloc:alloc_vmap_area: va_start: 4096 size=4096 align=1 vstart=0x0 vend=0x1 failed=2\n",
		  "t.txt:2: alloc_vmap_area: failed=2 is not 0 or 1" },
		{ "bash 5675 [70000] 1.0: vmalloc:free_vmap_area_noflush: va_start=0x1000\n",
		  "t.txt:2: cpu 70000 is out of range" },
		{ "bash 99999999999 [000] 1.0: vmalloc:free_vmap_area_noflush: va_start=0x1000\n",
		  "t.txt:2: pid 99999999999 is out of range" },
		/* -F ...,period: a count between the time and the event */
		{ "bash 5675 1.0: 1 vmalloc:free_vmap_area_noflush: va_start=0x1000\n",
		  "t.txt:2: unexpected column '1.0:' in the task name" },
		/* -F ...,ip,sym: columns after the fields */
		{ "bash 5675 [000] 1.0: vmalloc:free_vmap_area_noflush: va_start=0x1000 ffffffff8161c9d9 __traceiter\n",
		  "t.txt:2: free_vmap_area_noflush: unexpected field 'ffffffff8161c9d9'" },
		{ "this task name is much longer than any the kernel keeps, sixty-four 5675 [000] 1.0: vmalloc:free_vmap_area_noflush: va_start=0x1000\n",
		  "t.txt:2: task name longer than 63 bytes" },
		{ "bash 5675 [000] 1.0: vmalloc:purge_vmap_area_lazy: start=0x2000 end=0x1000 num_purged=1\n",
		  "t.txt:2: purge of 1 areas: start 0x2000 is above its end 0x1000" },
		{ "\tnot-an-address alloc_vmap_area+0x68c\n",
		  "t.txt:2: not a perf script event line" },
		{ "bash 5675 [000] 1.0: vmalloc:free_vmap_area_noflush: va_start=0x1000\0\n",
		  "t.txt:2: NUL byte: not a text file" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		static const char first[] = "            bash  5675 [000]  3237.613928:        "
					    "vmalloc:alloc_vmap_area: " ALLOC_FIELDS "\n";
		char text[1024];
		size_t n = strlen(bad[i].line);
		struct vmt_trace t;
		struct vmt_perf_stats ps;
		struct vmt_err err;

		if (strstr(bad[i].why, "NUL"))
			n += 2;		/* the NUL and the newline after it */
		memcpy(text, first, sizeof(first) - 1);
		memcpy(text + sizeof(first) - 1, bad[i].line, n);
		assert_int_equal(import_buffer(parse_perf, text, sizeof(first) - 1 + n, &ps, &t,
					       NULL, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].why))
			fail_msg("case %zu: got '%s', want '%s'", i, err.msg, bad[i].why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_layout),
		cmocka_unit_test(test_other_layouts),
		cmocka_unit_test(test_skipped_lines),
		cmocka_unit_test(test_real_sample),
		cmocka_unit_test(test_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
