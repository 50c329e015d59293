/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the replay engine and every registered allocator model: the
 * input is parsed as a text trace and, when it parses, replayed through
 * each model of vm_allocators[] (models added later are covered without
 * a change here), with the model's invariant checker after every event,
 * by default and under --strict, with the events and series CSVs on.
 *
 * Oracle: the invariant checker (a broken invariant is a finding), and the
 * engine's contract: by default a parsed trace always replays (only
 * -ENOMEM may stop it); under --strict it replays or stops with -EINVAL and
 * a `fuzz:LINE: ...` message.  The summary's event counts must add up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "../../replay/replay.h"
#include "../../replay/trace_text.h"
#include "fuzz.h"

static void replay_one(const struct vmt_trace *t, const struct vm_allocator_ops *model,
		       bool strict, FILE *sink)
{
	struct replay_opts o = {
		.model = model,
		.trace_name = "fuzz",
		.strict = strict,
		.check = true,
		.events_csv = sink,
		.series_csv = sink,
		.series_every = 3,
	};
	struct replay_summary s;
	struct vmt_err err = { { 0 } };
	int ret = replay_run(t, &o, &s, &err);

	if (ret == -ENOMEM)
		return;
	if (ret == -EINVAL && strict && !strncmp(err.msg, "fuzz:", 5))
		return;
	if (ret)
		fuzz_finding("%s%s: error %d: %s", model->name, strict ? " --strict" : "",
			     ret, err.msg);
	if (s.events != s.allocs + s.frees + s.purges)
		fuzz_finding("%s: %llu events but %llu allocs + %llu frees + %llu purges",
			     model->name, (unsigned long long)s.events,
			     (unsigned long long)s.allocs, (unsigned long long)s.frees,
			     (unsigned long long)s.purges);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };

	if (!sink && !(sink = fopen("/dev/null", "w")))
		fuzz_finding("cannot open /dev/null");
	if (vmt_trace_init(&t) || vmt_trace_track_lines(&t))
		fuzz_finding("out of memory setting up");
	if (!vmt_text_parse("fuzz", (const char *)data, size, &t, &err)) {
		for (size_t i = 0; i < vm_allocator_count; i++) {
			replay_one(&t, vm_allocators[i], false, sink);
			replay_one(&t, vm_allocators[i], true, sink);
		}
	}
	vmt_trace_free(&t);
	return 0;
}
