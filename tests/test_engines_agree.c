/* SPDX-License-Identifier: MIT */
/*
 * The two replay loops are one engine: replay_run() and
 * replay_threads_run() with one thread give the same exact figures
 * (replay/metrics.h: EXACT, AUDIT, LAZY kinds, and the lock statistics'
 * exact columns) for the option sets the CLI does not yet accept with
 * --threads (--lowest-fit-audit, --reference), on every shipped and test
 * trace and every model; tests/e2e_engines_agree.sh covers the others
 * through the vmtrace command.  The span maxima are left out: the
 * threaded replay does not take them (replay/replay_threads.h).  And the
 * threaded engine rejects, with a message, the options that have no
 * meaning there.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "replay/replay.h"
#include "replay/replay_threads.h"
#include "trace/trace_io.h"

/* Above this many events a trace gets one option set, not three. */
#define BIG_TRACE 20000

/* The figures sampled after every event: single-threaded only. */
static bool span_metric(const char *name)
{
	return !strcmp(name, "max_span") || !strcmp(name, "max_live_bytes") ||
	       !strcmp(name, "footprint") || !strcmp(name, "ext_frag_at_peak") ||
	       !strcmp(name, "unusable_16k_at_peak") || !strcmp(name, "internal_waste_modelled") ||
	       !strcmp(name, "max_internal_waste") || !strcmp(name, "end_internal_waste") ||
	       !strcmp(name, "metadata_modelled") || !strcmp(name, "max_metadata_bytes");
}

static void expect_same(const struct replay_summary *a, const struct replay_summary *b,
			const char *what)
{
#define KIND_TIMING 0
#define KIND_EXACT 1
#define KIND_AUDIT 1
#define KIND_LAZY 1
#define KIND_SERIAL 1
#define X(type, name, kind, label, doc)                                               \
	if (KIND_##kind && !span_metric(#name) && a->name != b->name)                 \
		fail_msg("%s: %s differs: %g vs %g", what, #name, (double)a->name,    \
			 (double)b->name);
	REPLAY_SUMMARY_METRICS(X)
#undef X
	for (int op = 0; op < LOCK_OPS; op++) {
		if (a->lock[op].acquisitions != b->lock[op].acquisitions ||
		    a->lock[op].hold_steps != b->lock[op].hold_steps)
			fail_msg("%s: lock statistics differ", what);
	}
}

/* Both engines fail the same way, or give the same figures. */
static void replay_both(const struct vmt_trace *t, struct replay_opts o, const char *what)
{
	struct replay_summary single, threaded;
	struct vmt_err err = { { 0 } }, terr = { { 0 } };
	int ret, tret;

	o.lock_stat = true;
	ret = replay_run(t, &o, &single, &err);
	o.threads = 1;
	o.scale = 1;
	tret = replay_threads_run(t, &o, &threaded, &terr);
	if (ret != tret || strcmp(err.msg, terr.msg))
		fail_msg("%s: %d \"%s\" without --threads, %d \"%s\" with --threads 1", what,
			 ret, err.msg, tret, terr.msg);
	if (!ret)
		expect_same(&single, &threaded, what);
}

static void test_audits_agree(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob("traces/*.vmt*", 0, NULL, &g), 0);
	assert_int_equal(glob("tests/data/*.vmt*", GLOB_APPEND, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct vmt_trace t;
		struct vmt_err err = { { 0 } };

		if (vmt_trace_load(g.gl_pathv[i], &t, &err))
			fail_msg("%s", err.msg);
		for (size_t m = 0; m < vm_allocator_count; m++) {
			const struct vm_allocator_ops *model = vm_allocators[m];
			const struct vm_allocator_ops *ref = vm_allocators[m ? 0 : 1];
			struct replay_opts o = { .model = model, .trace_name = g.gl_pathv[i] };
			char what[512];

			snprintf(what, sizeof(what), "%s -a %s --lowest-fit-audit --reference %s",
				 g.gl_pathv[i], model->name, ref->name);
			o.lowest_fit_audit = true;
			o.reference = ref;
			replay_both(&t, o, what);
			if (t.nev > BIG_TRACE)
				continue;
			o.reference = NULL;
			snprintf(what, sizeof(what), "%s -a %s --lowest-fit-audit", g.gl_pathv[i],
				 model->name);
			replay_both(&t, o, what);
			o = (struct replay_opts){ .model = model, .trace_name = g.gl_pathv[i],
						  .reference = ref, .check = true, .strict = true };
			snprintf(what, sizeof(what), "%s -a %s --reference %s --check --strict",
				 g.gl_pathv[i], model->name, ref->name);
			replay_both(&t, o, what);
		}
		vmt_trace_free(&t);
	}
	globfree(&g);
}

static void test_threads_reject_ordered_options(void **state)
{
	static const char *const options[] = { "--lazy", "--events", "--series" };
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };
	FILE *sink = fopen("/dev/null", "w");

	(void)state;
	assert_non_null(sink);
	assert_int_equal(vmt_trace_load("tests/data/lazy.vmt.txt", &t, &err), 0);
	for (int i = 0; i < 3; i++) {
		struct replay_opts o = { .model = vm_allocators[0], .trace_name = "lazy.vmt.txt",
					 .threads = 1, .scale = 1, .series_every = 1 };
		struct replay_summary s;
		char want[128];

		o.lazy = i == 0;
		o.events_csv = i == 1 ? sink : NULL;
		o.series_csv = i == 2 ? sink : NULL;
		memset(&err, 0, sizeof(err));
		assert_int_equal(replay_threads_run(&t, &o, &s, &err), -EINVAL);
		snprintf(want, sizeof(want), "lazy.vmt.txt: %s is single-threaded: not with "
			 "--threads", options[i]);
		assert_string_equal(err.msg, want);
	}
	vmt_trace_free(&t);
	fclose(sink);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audits_agree),
		cmocka_unit_test(test_threads_reject_ordered_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
