/* SPDX-License-Identifier: MIT */
/* Oracles on a whole trace, shared by the fuzz harnesses (trace_oracle.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"
#include "trace/trace_text.h"
#include "fuzz.h"
#include "trace_oracle.h"

static void same_string(const struct strtab *a, uint32_t ia, const struct strtab *b,
			uint32_t ib, const char *what, const char *field)
{
	if (strcmp(strtab_get(a, ia), strtab_get(b, ib)))
		fuzz_finding("%s changed %s '%s' into '%s'", what, field, strtab_get(a, ia),
			     strtab_get(b, ib));
}

void fuzz_same_trace(const struct vmt_trace *a, const struct vmt_trace *b,
		     const char *what)
{
	if (a->has_range != b->has_range || a->range_lo != b->range_lo ||
	    a->range_hi != b->range_hi || a->page_size != b->page_size ||
	    a->lost_events != b->lost_events)
		fuzz_finding("%s changed the header", what);
	if (a->nmeta != b->nmeta || a->nev != b->nev)
		fuzz_finding("%s changed the counts: %zu/%zu meta, %zu/%zu events", what,
			     a->nmeta, b->nmeta, a->nev, b->nev);
	for (size_t i = 0; i < a->nmeta; i++) {
		same_string(&a->strs, a->meta[i].key, &b->strs, b->meta[i].key, what,
			    "meta key");
		same_string(&a->strs, a->meta[i].text, &b->strs, b->meta[i].text, what,
			    "meta text");
	}
	for (size_t i = 0; i < a->nev; i++) {
		struct vmt_event x = a->ev[i], y = b->ev[i];

		same_string(&a->ids, x.id, &b->ids, y.id, what, "id");
		same_string(&a->strs, x.attrs, &b->strs, y.attrs, what, "attributes");
		x.id = y.id = x.attrs = y.attrs = 0;
		if (memcmp(&x, &y, sizeof(x)))
			fuzz_finding("%s changed event %zu", what, i);
	}
}

void fuzz_text_round_trip(const struct vmt_trace *t, struct vmt_trace *back)
{
	struct vmt_trace parsed;
	struct vmt_err err = { { 0 } };
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	f = open_memstream(&buf, &n);
	if (!f || vmt_text_write(t, f) || fclose(f))
		fuzz_finding("writing a trace as text failed");
	if (vmt_trace_init(&parsed))
		fuzz_finding("out of memory setting up");
	if (vmt_text_parse("fuzz", buf, n, &parsed, &err))
		fuzz_finding("the text written is rejected: %s", err.msg);
	free(buf);
	fuzz_same_trace(t, &parsed, "the text round trip");
	if (back)
		*back = parsed;
	else
		vmt_trace_free(&parsed);
}

void fuzz_replay_checked(const struct vmt_trace *t, const struct vm_allocator_ops *model,
			 enum fuzz_replay_mode mode, FILE *sink)
{
	static const char *const mode_name[] = { "", " --strict", " --lazy" };
	bool strict = mode == FUZZ_REPLAY_STRICT, lazy = mode == FUZZ_REPLAY_LAZY;
	struct replay_opts o = {
		.model = model,
		.trace_name = "fuzz",
		.strict = strict,
		.lazy = lazy,
		.check = true,
		.events_csv = lazy ? NULL : sink,
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
		fuzz_finding("%s%s: error %d: %s", model->name, mode_name[mode], ret, err.msg);
	if (s.events != s.allocs + s.frees + s.purges)
		fuzz_finding("%s: %llu events but %llu allocs + %llu frees + %llu purges",
			     model->name, (unsigned long long)s.events,
			     (unsigned long long)s.allocs, (unsigned long long)s.frees,
			     (unsigned long long)s.purges);
	if (s.lazy_areas_purged + s.lazy_areas_pending > (lazy ? s.frees : 0) ||
	    (!lazy && s.lazy_failure_purges))
		fuzz_finding("%s%s: %llu lazily freed areas purged, %llu pending, %llu "
			     "failure purges for %llu frees", model->name, mode_name[mode],
			     (unsigned long long)s.lazy_areas_purged,
			     (unsigned long long)s.lazy_areas_pending,
			     (unsigned long long)s.lazy_failure_purges,
			     (unsigned long long)s.frees);
}
