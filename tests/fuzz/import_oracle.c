/* SPDX-License-Identifier: MIT */
/* The importer harnesses' body and oracle (import_oracle.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "capture/vmallocinfo.h"
#include "fuzz.h"
#include "import_oracle.h"
#include "trace_oracle.h"

#define SNAPSHOT_MARK "\n----\n"

/* `fuzz:LINE: what`, or an out-of-memory message. */
static void check_rejection(int ret, const struct vmt_err *err)
{
	if (ret == -ENOMEM)
		return;
	if (ret != -EINVAL || strncmp(err->msg, "fuzz:", 5) ||
	    !isdigit((unsigned char)err->msg[5]))
		fuzz_finding("rejection %d without a `fuzz:LINE:` message: '%s'", ret, err->msg);
}

/* The counts of builder.h against the trace and the snapshot. */
static void check_counts(const struct vmt_trace *t, const struct vmt_build_stats *bs,
			 uint64_t events, const struct vmt_snapshot *snap)
{
	uint64_t live = 0, synthetic = 0;

	for (size_t i = 0; i < t->nev; i++) {
		live += t->ev[i].op == VMT_LIVE;
		synthetic += t->ev[i].op == VMT_FREE &&
			     !strcmp(strtab_get(&t->strs, t->ev[i].attrs), "synthetic=unpurged");
	}
	if (bs->allocs + bs->frees + bs->purges != events)
		fuzz_finding("the parser handed over %llu events, the builder counts %llu",
			     (unsigned long long)events,
			     (unsigned long long)(bs->allocs + bs->frees + bs->purges));
	if (t->nev != events + bs->snapshot_areas + bs->unpurged_synthetic)
		fuzz_finding("%zu events in the trace: not %llu traced + %llu live + %llu synthetic",
			     t->nev, (unsigned long long)events,
			     (unsigned long long)bs->snapshot_areas,
			     (unsigned long long)bs->unpurged_synthetic);
	if (live != bs->snapshot_areas || synthetic != bs->unpurged_synthetic)
		fuzz_finding("%llu live lines and %llu synthetic frees, counted %llu and %llu",
			     (unsigned long long)live, (unsigned long long)synthetic,
			     (unsigned long long)bs->snapshot_areas,
			     (unsigned long long)bs->unpurged_synthetic);
	if (bs->snapshot_areas + bs->snapshot_dropped + bs->unpurged_dropped != snap->n)
		fuzz_finding("%zu snapshot areas, but %llu live + %llu dropped + %llu unpurged dropped",
			     snap->n, (unsigned long long)bs->snapshot_areas,
			     (unsigned long long)bs->snapshot_dropped,
			     (unsigned long long)bs->unpurged_dropped);
}

void fuzz_import(fuzz_capture_parser *parse, const uint8_t *data, size_t size)
{
	static FILE *sink;
	const char *text = (const char *)data, *mark = memmem(data, size, SNAPSHOT_MARK,
							     strlen(SNAPSHOT_MARK));
	size_t text_len = mark ? (size_t)(mark - text) + 1 : size;
	struct vmt_snapshot snap;
	struct vmt_build_stats bs;
	struct vmt_builder b;
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };
	uint64_t events = 0;
	int ret;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		fuzz_finding("cannot open /dev/null");
	if (vmt_snapshot_init(&snap) || vmt_builder_init(&b, "fuzz"))
		fuzz_finding("out of memory setting up");
	if (mark && vmt_vmallocinfo_parse("snapshot", mark + strlen(SNAPSHOT_MARK),
					  text + size - mark - strlen(SNAPSHOT_MARK), &snap, &err))
		goto out;	/* fuzz_vmallocinfo judges this parser */
	vmt_builder_set_snapshot(&b, &snap);
	ret = parse("fuzz", text, text_len, &b, &events, &err);
	if (ret) {
		check_rejection(ret, &err);
		goto out;
	}
	ret = vmt_builder_finish(&b, &t, &bs, &err);
	if (ret == -ENOMEM)
		goto out;
	if (ret)
		fuzz_finding("the builder failed (%d) on accepted events: %s", ret, err.msg);
	check_counts(&t, &bs, events, &snap);
	fuzz_text_round_trip(&t, NULL);
	fuzz_replay_checked(&t, vm_allocator_find("linear"), FUZZ_REPLAY_DEFAULT, sink);
	vmt_trace_free(&t);
out:
	vmt_builder_free(&b);
	vmt_snapshot_free(&snap);
}
