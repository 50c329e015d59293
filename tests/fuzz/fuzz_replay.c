/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the replay engine and every registered allocator model: the
 * input is parsed as a text trace and, when it parses, replayed through
 * each model of vm_allocators[] (models added later are covered without
 * a change here), with the model's invariant checker after every event,
 * by default, under --strict and with --lazy (models that are not lazy
 * themselves), with the CSVs on.
 *
 * Oracle: the invariant checker (a broken invariant is a finding), and the
 * engine's contract (fuzz_replay_checked, trace_oracle.h).
 */
#include "trace/trace_text.h"
#include "fuzz.h"
#include "trace_oracle.h"

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
			fuzz_replay_checked(&t, vm_allocators[i], FUZZ_REPLAY_DEFAULT, sink);
			fuzz_replay_checked(&t, vm_allocators[i], FUZZ_REPLAY_STRICT, sink);
			/* A model with its own purge is lazy already: --lazy is refused. */
			if (!vm_allocators[i]->purge)
				fuzz_replay_checked(&t, vm_allocators[i], FUZZ_REPLAY_LAZY, sink);
		}
	}
	vmt_trace_free(&t);
	return 0;
}
