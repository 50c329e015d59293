/* SPDX-License-Identifier: MIT */
/*
 * The importer: tracefs lines and /proc/vmallocinfo captured on this
 * project's machine (tests/data), rejected bad lines, and the builder's
 * reconciliation of a snapshot with the events.  Expected values come from
 * reading the sample lines (e.g. 825.694920 s is 825694920000 ns), not
 * from the program's output.
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

#include "capture/builder.h"
#include "capture/import_ftrace.h"
#include "capture/vmallocinfo.h"
#include "trace/trace_io.h"
#include "trace/trace_text.h"
#include "import_util.h"

#define DATA "tests/data/"

/* Parses tracefs @text (no snapshot) into @t. */
static int import_text(const char *text, struct vmt_trace *t, struct vmt_ftrace_stats *fs,
		       struct vmt_err *err)
{
	return import_buffer(parse_ftrace, text, strlen(text), fs, t, NULL, err);
}

static const char *id(const struct vmt_trace *t, const struct vmt_event *ev)
{
	return strtab_get(&t->ids, ev->id);
}

static void test_ftrace_real_sample(void **state)
{
	struct vmt_trace t;
	struct vmt_ftrace_stats fs;
	struct vmt_build_stats bs;
	struct vmt_err err;
	const struct vmt_event *ev;

	(void)state;
	assert_int_equal(import_path(parse_ftrace, DATA "ftrace_sample.txt", &fs, &t, &bs, &err), 0);
	/* grep -c ': alloc_vmap_area:' etc. on the file: 9, 12, 1. */
	assert_int_equal(fs.events, 22);
	assert_int_equal(bs.allocs, 9);
	assert_int_equal(bs.frees, 12);
	assert_int_equal(bs.purges, 1);
	/* No snapshot: 4 of the 12 frees (0x...e9c000, eb0000, ec8000, ed4000)
	 * release areas allocated earlier in the sample, 8 are unknown. */
	assert_int_equal(bs.unknown_frees, 8);
	assert_true(fs.has_entries);
	assert_int_equal(fs.entries_in_buffer, 6803);
	assert_int_equal(fs.entries_written, 6803);

	/* bash-24410 [001] ..... 825.694920: alloc_vmap_area: va_start:
	 * 18446683600585293824 size=20480 align=16384 ... failed=0 */
	ev = &t.ev[0];
	assert_int_equal(ev->op, VMT_ALLOC);
	assert_string_equal(id(&t, ev), "a1");
	assert_int_equal(ev->va, 0xffffc90000e90000ull);
	assert_int_equal(ev->size, 20480);
	assert_int_equal(ev->align, 16384);
	assert_int_equal(ev->vstart, 0xffffc90000000000ull);
	assert_int_equal(ev->vend, 0xffffe8ffffffffffull);
	assert_int_equal(ev->t, 825694920000ull);
	assert_int_equal(ev->cpu, 1);
	assert_int_equal(ev->pid, 24410);
	assert_false(ev->flags & VMT_F_FAILED);
	assert_string_equal(event_attrs(&t, ev), "comm=bash");

	/* kworker/1:0-23 [001] ..... 825.736546: free_vmap_area_noflush:
	 * va_start=0xffffc90000d8c000 nr_lazy=10482 nr_lazy_max=16384 */
	ev = &t.ev[1];
	assert_int_equal(ev->op, VMT_FREE);
	assert_string_equal(id(&t, ev), "u1");
	assert_int_equal(ev->pid, 23);
	assert_int_equal(ev->t, 825736546000ull);
	assert_string_equal(event_attrs(&t, ev),
			    "comm=kworker/1:0 nr_lazy=10482 nr_lazy_max=16384 addr=0xffffc90000d8c000");

	/* kworker/0:0-9 [000] ..... 830.096853: purge_vmap_area_lazy:
	 * start=0xffffc90000548000 end=0xffffc90009911000 num_purged=1772 */
	ev = &t.ev[20];
	assert_int_equal(ev->op, VMT_PURGE);
	assert_int_equal(ev->vstart, 0xffffc90000548000ull);
	assert_int_equal(ev->vend, 0xffffc90009911000ull);
	assert_int_equal(ev->size, 1772);
	assert_int_equal(ev->cpu, 0);
	/* The kernel's inclusive VMALLOC_END ...ffff becomes the range's end. */
	assert_true(t.has_range);
	assert_int_equal(t.range_hi, 0xffffe90000000000ull);
	/* What the builder makes is canonical: the binary writer, which
	 * refuses a field an event's op and flags do not carry, takes it. */
	char bin[] = "/tmp/test_import_XXXXXX.vmt";
	int fd = mkstemps(bin, 4);

	assert_true(fd >= 0);
	close(fd);
	if (vmt_trace_save(bin, &t, &err))
		fail_msg("%s", err.msg);
	unlink(bin);
	vmt_trace_free(&t);
}

/* trace-cmd report's layout: no flags column, maybe "vmalloc:" and a TGID. */
static void test_ftrace_trace_cmd_layout(void **state)
{
	const char *text =
		"cpus=2\n"
		"     kworker/1:0-23    [001]   825.736546: free_vmap_area_noflush:       va_start=0xffffc90000d8c000 nr_lazy=10482 nr_lazy_max=16384\n"
		"  my task-name-77 (   70) [000] d..1. 1.000000001: vmalloc:alloc_vmap_area: va_start: 4096 size=8192 align=4096 vstart=0x1000 vend=0x100000 failed=1\n"
		"           <...>-5     [001]   2.5: purge_vmap_area_lazy: start=0x0 end=0x0 num_purged=0\n"
		"CPU:1 [LOST 7 EVENTS]\n"
		"CPU:0 [3 EVENTS DROPPED]\n"
		"##### CPU 1 buffer started ####\n"
		"     kworker/1:0-23    [001]   3.000000: sched_switch: prev_comm=x\n";
	struct vmt_trace t;
	struct vmt_ftrace_stats fs;
	struct vmt_err err;

	(void)state;
	assert_int_equal(import_text(text, &t, &fs, &err), 0);
	assert_int_equal(t.nev, 3);
	assert_int_equal(t.ev[0].op, VMT_FREE);
	assert_int_equal(t.ev[0].t, 825736546000ull);
	/* The comm keeps its space and '-': the pid is after the last '-'. */
	assert_int_equal(t.ev[1].op, VMT_ALLOC);
	assert_int_equal(t.ev[1].pid, 77);
	assert_int_equal(t.ev[1].t, 1000000001ull);
	assert_true(t.ev[1].flags & VMT_F_FAILED);
	assert_false(t.ev[1].flags & VMT_F_VA);
	assert_int_equal(t.ev[1].va, 0);	/* no field without its flag */
	assert_string_equal(event_attrs(&t, &t.ev[1]), "comm=my%20task-name");
	assert_int_equal(t.ev[2].op, VMT_PURGE);
	assert_int_equal(t.ev[2].t, 2500000000ull);
	assert_int_equal(t.ev[2].pid, 0);	/* a purge keeps no pid */
	assert_int_equal(fs.lost_events, 10);
	assert_int_equal(fs.buffer_started, 1);
	assert_int_equal(fs.other_events, 1);
	vmt_trace_free(&t);
}

/* A purge that found nothing reports the kernel's initial ULONG_MAX/0
 * range with num_purged=0: it is kept as recorded, not rejected. */
static void test_ftrace_empty_purge_kept(void **state)
{
	const char *text = "  kworker/0:1-9 [000] 4.0: purge_vmap_area_lazy: "
			   "start=0xffffffffffffffff end=0x0 num_purged=0\n";
	struct vmt_trace t;
	struct vmt_ftrace_stats fs;
	struct vmt_err err;

	(void)state;
	assert_int_equal(import_text(text, &t, &fs, &err), 0);
	assert_int_equal(t.nev, 1);
	assert_int_equal(t.ev[0].op, VMT_PURGE);
	assert_int_equal(t.ev[0].vstart, UINT64_MAX);
	assert_int_equal(t.ev[0].vend, 0);
	assert_int_equal(t.ev[0].size, 0);
	vmt_trace_free(&t);
}

static void test_ftrace_rejects(void **state)
{
	static const struct { const char *line, *why; } bad[] = {
		{ "garbage\n", "t.txt:2: not a tracefs event line" },
		{ "  bash-1 [000] 1.0 alloc_vmap_area: va_start: 4096 size=4096 align=4096 vstart=0x0 vend=0x1 failed=0\n",
		  "t.txt:2: expected a timestamp" },
		{ "  bash-1 [000] 1.0: alloc_vmap_area: va_start: 4096 size=4096 align=4096 vstart=0x0 vend=0x1\n",
		  "t.txt:2: alloc_vmap_area: missing failed=" },
		{ "  bash-1 [000] 1.0: alloc_vmap_area: va_start: 4096 size=0 align=4096 vstart=0x0 vend=0x1 failed=0\n",
		  "t.txt:2: alloc of 0 bytes" },
		{ "  bash-1 [000] 1.0: free_vmap_area_noflush: va_start=0xzz\n",
		  "t.txt:2: free_vmap_area_noflush: va_start= expects a number" },
		{ "  bash-1 [000] 1.0: free_vmap_area_noflush: va_start=0x1 color=red\n",
		  "t.txt:2: free_vmap_area_noflush: unexpected field 'color=red'" },
		{ "  bash-x [000] 1.0: free_vmap_area_noflush: va_start=0x1\n", "t.txt:2: bad pid" },
		{ "  bash-1 [000] 1.0: purge_vmap_area_lazy: start=0x2 end=0x1 num_purged=1\n",
		  "t.txt:2: purge of 1 areas: start 0x2 is above its end 0x1" },
		{ "  bash-1 [000] 1.0: alloc_vmap_area: va_start: 1 va_start: 1 size=4096 align=1 vstart=0x0 vend=0x1 failed=0\n",
		  "t.txt:2: alloc_vmap_area: va_start: given twice" },
		{ "CPU:1 [LOST many EVENTS]\n", "t.txt:2: bad lost-event count" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];
		struct vmt_trace t;
		struct vmt_ftrace_stats fs;
		struct vmt_err err;

		snprintf(text, sizeof(text), "# tracer: nop\n%s", bad[i].line);
		assert_int_equal(import_text(text, &t, &fs, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].why))
			fail_msg("line %zu: got '%s', want '%s'", i, err.msg, bad[i].why);
	}
}

static void test_vmallocinfo_real_sample(void **state)
{
	struct vmt_snapshot s;
	struct vmt_err err = { { 0 } };
	const struct vmt_snap_area *a;

	(void)state;
	assert_int_equal(vmt_snapshot_init(&s), 0);
	assert_int_equal(vmt_vmallocinfo_load(DATA "vmallocinfo_sample.txt", &s, &err), 0);
	assert_int_equal(s.n, 12);
	/* 0xffffc90000005000-0xffffc90000007000 8192 acpi_os_map_iomem+0x1bc/0x1e0
	 *   phys=0x00000000000a0000 ioremap */
	a = &s.areas[2];
	assert_int_equal(a->start, 0xffffc90000005000ull);
	assert_int_equal(a->size, 8192);
	assert_string_equal(strtab_get(&s.strs, a->caller), "acpi_os_map_iomem+0x1bc/0x1e0");
	assert_string_equal(strtab_get(&s.strs, a->kind), "ioremap");
	assert_true(a->has_phys);
	assert_int_equal(a->phys, 0xa0000);
	assert_int_equal(a->line, 3);
	/* ... htab_map_alloc+0x2e4/0x5a0 pages=513 vmalloc vpages N0=513 */
	a = &s.areas[6];
	assert_int_equal(a->size, 2105344);
	assert_int_equal(a->pages, 513);
	assert_string_equal(strtab_get(&s.strs, a->kind), "vmalloc,vpages");
	assert_false(a->unpurged);
	/* 0xffffc900040e5000-0xffffc90004107000 139264 unpurged vm_area */
	a = &s.areas[10];
	assert_true(a->unpurged);
	assert_int_equal(a->start, 0xffffc900040e5000ull);
	assert_int_equal(a->size, 139264);
	assert_int_equal(a->caller, 0);
	assert_string_equal(strtab_get(&s.strs, a->kind), "unpurged");
	vmt_snapshot_free(&s);
}

/* Lines of the forms s_show prints that the sample lacks, and bad ones. */
static void test_vmallocinfo_forms_and_rejects(void **state)
{
	static const char good[] =
		"0x1000-0x3000    8192 vm_map_ram\n"
		"\n"
		"0x4000-0x6000    8192 load_module+0x10/0x20 [ext4] pages=1 vmalloc user\n"
		"0x8000-0xa000    8192 pages=1 vmap\n";
	static const struct { const char *text, *why; } bad[] = {
		{ "0x0-0x0 8192 vm_map_ram\n", "v:1: addresses are hidden" },
		{ "0x00000000a1b2c3d4-0x00000000e5f60718 8192 vm_map_ram\n", "v:1: end - start" },
		{ "0x1000 8192 vmap\n", "v:1: expected 0xSTART-0xEND" },
		{ "0x1000-0x3000 big vmap\n", "v:1: expected a decimal size" },
		{ "0x1000-0x3000 8192 f+0x1/0x2 pages=x vmalloc\n", "v:1: bad pages=" },
		{ "0x1000-0x3000 8192 f+0x1/0x2 vmalloc sparkly\n", "v:1: unexpected word 'sparkly'" },
	};
	struct vmt_snapshot s;
	struct vmt_err err = { { 0 } };

	(void)state;
	assert_int_equal(vmt_snapshot_init(&s), 0);
	assert_int_equal(vmt_vmallocinfo_parse("v", good, strlen(good), &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(strtab_get(&s.strs, s.areas[0].kind), "vm_map_ram");
	assert_string_equal(strtab_get(&s.strs, s.areas[1].caller), "load_module+0x10/0x20 [ext4]");
	assert_string_equal(strtab_get(&s.strs, s.areas[1].kind), "vmalloc,user");
	assert_int_equal(s.areas[1].line, 3);
	assert_int_equal(s.areas[2].caller, 0);
	assert_string_equal(strtab_get(&s.strs, s.areas[2].kind), "vmap");
	vmt_snapshot_free(&s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(vmt_snapshot_init(&s), 0);
		assert_int_equal(vmt_vmallocinfo_parse("v", bad[i].text, strlen(bad[i].text),
						       &s, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].why))
			fail_msg("case %zu: got '%s', want '%s'", i, err.msg, bad[i].why);
		vmt_snapshot_free(&s);
	}
}

/* --- reconciliation ------------------------------------------------------- */

struct fixture {
	struct vmt_snapshot snap;
	struct vmt_builder b;
	struct vmt_trace t;
	struct vmt_build_stats st;
	struct vmt_err err;
};

static void snap_area(struct fixture *f, uint64_t start, uint64_t size, bool unpurged)
{
	struct vmt_snap_area a = { .start = start, .size = size, .unpurged = unpurged };

	assert_int_equal(vmt_snapshot_add(&f->snap, &a), 0);
}

static void ev_alloc(struct fixture *f, uint64_t va, uint64_t size)
{
	struct vmt_raw_event ev = { .op = VMT_ALLOC, .va = va, .size = size, .align = 4096,
				    .vstart = 0x100000, .vend = 0x200000, .comm = "a b#=%\x01" };

	assert_int_equal(vmt_builder_add(&f->b, &ev, &f->err), 0);
}

static void ev_free(struct fixture *f, uint64_t va)
{
	struct vmt_raw_event ev = { .op = VMT_FREE, .va = va };

	assert_int_equal(vmt_builder_add(&f->b, &ev, &f->err), 0);
}

static void ev_purge(struct fixture *f, uint64_t start, uint64_t end)
{
	struct vmt_raw_event ev = { .op = VMT_PURGE, .start = start, .end = end };

	assert_int_equal(vmt_builder_add(&f->b, &ev, &f->err), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(vmt_snapshot_init(&f->snap), 0);
	assert_int_equal(vmt_builder_init(&f->b, "r"), 0);
	vmt_builder_set_snapshot(&f->b, &f->snap);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vmt_trace_free(&f->t);
	vmt_builder_free(&f->b);
	vmt_snapshot_free(&f->snap);
	free(f);
	return 0;
}

static void finish(struct fixture *f)
{
	assert_int_equal(vmt_builder_finish(&f->b, &f->t, &f->st, &f->err), 0);
}

/* Checks the whole event list, written "op id; op id; ..." ("purge" alone). */
static void expect_events(struct fixture *f, const char *want)
{
	char got[1024];
	size_t len = 0;

	got[0] = '\0';
	for (size_t i = 0; i < f->t.nev; i++) {
		const struct vmt_event *ev = &f->t.ev[i];

		len += snprintf(got + len, sizeof(got) - len, "%s%s%s%s", i ? "; " : "",
				vmt_op_name(ev->op), ev->op == VMT_PURGE ? "" : " ",
				ev->op == VMT_PURGE ? "" : id(&f->t, ev));
		assert_true(len < sizeof(got));
	}
	assert_string_equal(got, want);
}

/* An alloc recorded while the snapshot was read: the snapshot already has
 * it (s1 at 0x100000), and an older area it overlaps is gone too (s2). */
static void test_alloc_racing_snapshot(void **state)
{
	struct fixture *f = *state;

	snap_area(f, 0x100000, 0x2000, false);	/* s1: the raced alloc itself */
	snap_area(f, 0x108000, 0x1000, false);	/* s2: stays */
	snap_area(f, 0x101000, 0x1000, false);	/* s3: overlaps s1's range: gone */
	ev_alloc(f, 0x100000, 0x2000);
	ev_free(f, 0x108000);
	finish(f);
	assert_int_equal(f->st.snapshot_dropped, 2);
	assert_int_equal(f->st.snapshot_areas, 1);
	expect_events(f, "live s2; alloc a1; free s2");
	assert_int_equal(f->st.unknown_frees, 0);
}

/* A snapshot area freed by the trace before the alloc reuses its range is
 * not dropped: the alloc is ordinary reuse. */
static void test_freed_snapshot_area_reused(void **state)
{
	struct fixture *f = *state;

	snap_area(f, 0x100000, 0x2000, false);
	ev_free(f, 0x100000);
	ev_alloc(f, 0x100000, 0x2000);
	finish(f);
	assert_int_equal(f->st.snapshot_dropped, 0);
	expect_events(f, "live s1; free s1; alloc a1");
}

static void test_unpurged_without_traced_free(void **state)
{
	struct fixture *f = *state;

	snap_area(f, 0x100000, 0x1000, false);
	snap_area(f, 0x120000, 0x3000, true);
	ev_alloc(f, 0x140000, 0x1000);
	finish(f);
	expect_events(f, "live s1; live s2; free s2; alloc a1");
	assert_string_equal(event_attrs(&f->t, &f->t.ev[2]), "synthetic=unpurged");
	assert_int_equal(f->st.unpurged_synthetic, 1);
	assert_int_equal(f->t.ev[1].attrs, 0);	/* no caller or kind given */
}

static void test_unpurged_with_traced_free(void **state)
{
	struct fixture *f = *state;

	snap_area(f, 0x120000, 0x3000, true);
	ev_free(f, 0x120000);	/* raced the snapshot read: this is its free */
	finish(f);
	expect_events(f, "live s1; free s1");
	assert_int_equal(f->st.unpurged_traced, 1);
	assert_int_equal(f->st.unpurged_synthetic, 0);
}

/* An unpurged range is reusable only after a purge: an alloc over it
 * before any purge is the area itself, seen by the snapshot after its free. */
static void test_unpurged_overlapped_before_and_after_purge(void **state)
{
	struct fixture *f = *state;

	snap_area(f, 0x120000, 0x3000, true);	/* s1: overlapped before a purge */
	snap_area(f, 0x180000, 0x1000, true);	/* s2: overlapped after one */
	ev_alloc(f, 0x120000, 0x3000);
	ev_free(f, 0x120000);
	ev_purge(f, 0x180000, 0x181000);
	ev_alloc(f, 0x180000, 0x1000);
	finish(f);
	assert_int_equal(f->st.unpurged_dropped, 1);
	assert_int_equal(f->st.unpurged_synthetic, 1);
	expect_events(f, "live s2; free s2; alloc a1; free a1; purge; alloc a2");
}

static void test_unknown_free_and_failed_alloc(void **state)
{
	struct fixture *f = *state;
	struct vmt_raw_event failed = { .op = VMT_ALLOC, .flags = VMT_F_FAILED,
					.va = (uint64_t)-ENOMEM, .size = 0x1000,
					.align = 4096, .vstart = 0x100000, .vend = 0x200000 };

	assert_int_equal(vmt_builder_add(&f->b, &failed, &f->err), 0);
	ev_free(f, 0x150000);
	finish(f);
	expect_events(f, "alloc a1; free u1");
	assert_true(f->t.ev[0].flags & VMT_F_FAILED);
	assert_string_equal(event_attrs(&f->t, &f->t.ev[1]), "addr=0x150000");
	assert_int_equal(f->st.unknown_frees, 1);
	assert_int_equal(f->st.failed_allocs, 1);
	assert_string_equal(vmt_trace_meta(&f->t, "import.unknown_frees"), "1");
}

/* A second alloc at a live traced address (lost free) keeps the live id,
 * so the replay counts it as an alloc of a live id; one free ends it. */
static void test_alloc_at_live_address(void **state)
{
	struct fixture *f = *state;

	ev_alloc(f, 0x100000, 0x1000);
	ev_alloc(f, 0x100000, 0x2000);
	ev_free(f, 0x100000);
	ev_free(f, 0x100000);
	finish(f);
	expect_events(f, "alloc a1; alloc a1; free a1; free u1");
	assert_int_equal(f->st.realloc_live, 1);
}

/* Percent-encoded attributes survive the text format: written, re-read. */
static void test_encoded_comm_round_trips(void **state)
{
	struct fixture *f = *state;
	struct vmt_trace back;
	struct vmt_err err = { { 0 } };
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	ev_alloc(f, 0x100000, 0x1000);
	finish(f);
	assert_string_equal(event_attrs(&f->t, &f->t.ev[0]), "comm=a%20b%23%3D%25%01");
	mem = open_memstream(&text, &len);
	assert_non_null(mem);
	assert_int_equal(vmt_text_write(&f->t, mem), 0);
	fclose(mem);
	assert_int_equal(vmt_trace_init(&back), 0);
	assert_int_equal(vmt_text_parse("rt", text, len, &back, &err), 0);
	assert_int_equal(back.nev, 1);
	assert_string_equal(strtab_get(&back.strs, back.ev[0].attrs), "comm=a%20b%23%3D%25%01");
	assert_int_equal(back.ev[0].va, 0x100000);
	vmt_trace_free(&back);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ftrace_real_sample),
		cmocka_unit_test(test_ftrace_trace_cmd_layout),
		cmocka_unit_test(test_ftrace_empty_purge_kept),
		cmocka_unit_test(test_ftrace_rejects),
		cmocka_unit_test(test_vmallocinfo_real_sample),
		cmocka_unit_test(test_vmallocinfo_forms_and_rejects),
		cmocka_unit_test_setup_teardown(test_alloc_racing_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_freed_snapshot_area_reused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unpurged_without_traced_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unpurged_with_traced_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unpurged_overlapped_before_and_after_purge,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_free_and_failed_alloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_at_live_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encoded_comm_round_trips, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
