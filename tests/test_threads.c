/* SPDX-License-Identifier: MIT */
/*
 * Lock hold-time accounting and multi-threaded replay: a model with a
 * known critical section, the same final layout as the single-threaded
 * replay when streams do not share a range, no deadlock on frees made on
 * other CPUs, --scale, and the invariant checker after all of it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replay/lock.h"
#include "replay/replay.h"
#include "replay/replay_threads.h"

#define PAGE 4096ull
#define LO 0x40000000ull
#define HI 0x80000000ull

static uint32_t intern_id(struct vmt_trace *t, const char *name)
{
	uint32_t id;

	assert_int_equal(strtab_intern(&t->ids, name, strlen(name), &id), 0);
	return id;
}

static void push_alloc(struct vmt_trace *t, const char *id, uint64_t size, unsigned cpu,
		       uint64_t vstart, uint64_t vend)
{
	struct vmt_event ev = { .op = VMT_ALLOC, .flags = VMT_F_CPU, .cpu = cpu,
				.id = intern_id(t, id), .size = size };

	if (vstart) {
		ev.flags |= VMT_F_VSTART | VMT_F_VEND;
		ev.vstart = vstart;
		ev.vend = vend;
	}
	assert_non_null(vmt_trace_push(t, &ev, 0));
}

static void push_free(struct vmt_trace *t, const char *id, unsigned cpu)
{
	struct vmt_event ev = { .op = VMT_FREE, .flags = VMT_F_CPU, .cpu = cpu,
				.id = intern_id(t, id) };

	assert_non_null(vmt_trace_push(t, &ev, 0));
}

/* 4 CPUs, each allocating and freeing in its own quarter of the window
 * with a seeded pattern: streams never touch one another's range. */
static void make_disjoint_trace(struct vmt_trace *t, unsigned events_per_cpu)
{
	char name[32];

	assert_int_equal(vmt_trace_init(t), 0);
	t->has_range = true;
	t->range_lo = LO;
	t->range_hi = HI;
	srand(42);
	for (unsigned i = 0; i < events_per_cpu; i++) {
		for (unsigned cpu = 0; cpu < 4; cpu++) {
			uint64_t q = (HI - LO) / 4, lo = LO + cpu * q;
			unsigned slot = (unsigned)rand() % 32;

			snprintf(name, sizeof(name), "c%u_%u", cpu, slot);
			/* Alternate: free the slot if it is live, else allocate it. */
			uint32_t id = intern_id(t, name);
			bool live = false;

			for (size_t e = t->nev; e-- > 0;)
				if (t->ev[e].id == id) {
					live = t->ev[e].op == VMT_ALLOC;
					break;
				}
			if (live)
				push_free(t, name, cpu);
			else
				push_alloc(t, name, PAGE * (1 + (unsigned)rand() % 8), cpu, lo, lo + q);
		}
	}
}

static char *replay_layout(const struct vmt_trace *t, const char *model, unsigned threads,
			   unsigned scale, struct replay_summary *s)
{
	struct replay_opts o = { .model = vm_allocator_find(model), .trace_name = "mem",
				 .check = true, .threads = threads, .scale = scale };
	struct vmt_err err = { { 0 } };
	char *buf = NULL;
	size_t len = 0;
	int ret;

	assert_non_null(o.model);
	o.layout_csv = open_memstream(&buf, &len);
	assert_non_null(o.layout_csv);
	ret = threads ? replay_threads_run(t, &o, s, &err) : replay_run(t, &o, s, &err);
	fclose(o.layout_csv);
	if (ret)
		fail_msg("replay failed: %s", err.msg);
	return buf;
}

static void test_disjoint_streams_same_layout(void **state)
{
	struct replay_summary st, mt;
	struct vmt_trace t;

	(void)state;
	make_disjoint_trace(&t, 2000);
	for (size_t i = 0; i < vm_allocator_count; i++) {
		const char *model = vm_allocators[i]->name;
		char *want = replay_layout(&t, model, 0, 1, &st);

		for (unsigned threads = 1; threads <= 4; threads *= 2) {
			char *got = replay_layout(&t, model, threads, 1, &mt);

			/* A search cache is shared by all streams: only the
			 * layout-determined models must agree exactly. */
			if (!vm_allocators[i]->history_dependent && strcmp(got, want))
				fail_msg("%s on %u threads: final layout differs", model, threads);
			assert_int_equal(mt.allocs, st.allocs);
			assert_int_equal(mt.frees, st.frees);
			assert_int_equal(mt.failed_allocs, st.failed_allocs);
			assert_int_equal(mt.unknown_frees, 0);
			/* Each area is searched for under the same layout of its
			 * own quarter, but other quarters' areas lie in the list. */
			assert_int_equal(mt.lock[LOCK_OP_ALLOC].acquisitions, st.allocs);
			assert_int_equal(mt.threads.streams, 4);
			free(got);
		}
		free(want);
	}
	vmt_trace_free(&t);
}

/* Every area is allocated on one CPU and freed on another: each free
 * waits for its alloc, and the replay must finish with nothing lost. */
static void test_cross_cpu_frees_no_deadlock(void **state)
{
	struct replay_summary s;
	struct vmt_trace t;
	char name[32];

	(void)state;
	assert_int_equal(vmt_trace_init(&t), 0);
	t.has_range = true;
	t.range_lo = LO;
	t.range_hi = HI;
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "x%u", i);
		push_alloc(&t, name, PAGE * (1 + i % 5), i % 3, 0, 0);
		if (i >= 8) {
			snprintf(name, sizeof(name), "x%u", i - 8);
			push_free(&t, name, (i + 1) % 3);
		}
	}
	for (unsigned threads = 1; threads <= 8; threads *= 2) {
		char *layout = replay_layout(&t, "linear", threads, 1, &s);

		assert_int_equal(s.allocs, 3000);
		assert_int_equal(s.frees, 2992);
		assert_int_equal(s.unknown_frees, 0);
		assert_int_equal(s.failed_allocs, 0);
		assert_int_equal(s.end_live_areas, 8);
		assert_int_equal(s.lock[LOCK_OP_FREE].acquisitions, 2992);
		free(layout);
	}
	/* --scale 3: three copies, ids of their own, nine streams. */
	free(replay_layout(&t, "linear", 4, 3, &s));
	assert_int_equal(s.allocs, 9000);
	assert_int_equal(s.frees, 3 * 2992);
	assert_int_equal(s.unknown_frees, 0);
	assert_int_equal(s.end_live_areas, 24);
	assert_int_equal(s.threads.streams, 9);
	vmt_trace_free(&t);
}

/*
 * A model whose alloc holds the lock for a known time: the hold times
 * must be at least that long, and the hold steps exactly what it reports.
 */
#define SLOW_NS 200000ull

static const struct vm_allocator_ops *linear;

static int slow_alloc(struct vm_model *m, const struct vm_request *req, uint64_t *addr,
		      uint64_t *search)
{
	uint64_t start = lock_clock_ns();
	int ret = linear->alloc(m, req, addr, search);

	while (lock_clock_ns() - start < SLOW_NS)
		;
	*search = 7;
	return ret;
}

static void test_hold_time_of_known_section(void **state)
{
	struct vm_allocator_ops slow;
	struct replay_opts o = { .trace_name = "mem", .lock_stat = true };
	struct replay_summary s;
	struct vmt_err err = { { 0 } };
	struct vmt_trace t;

	(void)state;
	linear = vm_allocator_find("linear");
	slow = *linear;
	slow.alloc = slow_alloc;
	o.model = &slow;
	assert_int_equal(vmt_trace_init(&t), 0);
	push_alloc(&t, "a", PAGE, 0, 0, 0);
	push_alloc(&t, "b", PAGE, 0, 0, 0);
	push_free(&t, "a", 0);
	assert_int_equal(replay_run(&t, &o, &s, &err), 0);
	assert_true(s.has_lock_stat);
	assert_string_equal(s.lock_name, "vmlist_lock");
	assert_string_equal(s.lock_type, "rwlock");
	assert_int_equal(s.lock[LOCK_OP_ALLOC].acquisitions, 2);
	assert_int_equal(s.lock[LOCK_OP_ALLOC].hold_steps, 14);
	assert_true(s.lock[LOCK_OP_ALLOC].holdtime_min >= SLOW_NS);
	assert_true(s.lock[LOCK_OP_ALLOC].holdtime_total >= 2 * SLOW_NS);
	assert_int_equal(s.lock[LOCK_OP_FREE].acquisitions, 1);
	/* The free walked past b to a: linear's own count, 1 (a is first). */
	assert_int_equal(s.lock[LOCK_OP_FREE].hold_steps, 1);
	/* One thread never contends. */
	assert_int_equal(s.lock[LOCK_OP_ALLOC].contentions, 0);
	/* --lock overrides the model's own lock. */
	o.lock_override = true;
	o.lock_type = VM_LOCK_TICKET;
	assert_int_equal(replay_run(&t, &o, &s, &err), 0);
	assert_string_equal(s.lock_type, "ticket");
	vmt_trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hold_time_of_known_section),
		cmocka_unit_test(test_disjoint_streams_same_layout),
		cmocka_unit_test(test_cross_cpu_frees_no_deadlock),
	};

	return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
