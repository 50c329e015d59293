/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the text trace parser, vmt_text_parse().
 *
 * Oracle: every rejection is -EINVAL with a `fuzz:LINE: ...` message (or
 * -ENOMEM); every accepted trace, written back with vmt_text_write() and
 * parsed again, gives the same header, metadata and events.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../replay/trace_text.h"
#include "fuzz.h"

static void parse_or_die(const char *buf, size_t len, struct vmt_trace *t,
			 struct vmt_err *err, int *ret)
{
	if (vmt_trace_init(t) || vmt_trace_track_lines(t))
		fuzz_finding("out of memory setting up");
	*ret = vmt_text_parse("fuzz", buf, len, t, err);
}

static void same_string(const struct strtab *a, uint32_t ia,
			const struct strtab *b, uint32_t ib, const char *what)
{
	if (strcmp(strtab_get(a, ia), strtab_get(b, ib)))
		fuzz_finding("round trip changed %s '%s' into '%s'", what,
			     strtab_get(a, ia), strtab_get(b, ib));
}

static void check_round_trip(const struct vmt_trace *a)
{
	struct vmt_trace b;
	struct vmt_err err = { { 0 } };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	f = open_memstream(&buf, &len);
	if (!f || vmt_text_write(a, f) || fclose(f))
		fuzz_finding("writing an accepted trace failed");
	parse_or_die(buf, len, &b, &err, &ret);
	if (ret)
		fuzz_finding("the written trace is rejected: %s", err.msg);
	if (a->has_range != b.has_range || a->range_lo != b.range_lo ||
	    a->range_hi != b.range_hi || a->page_size != b.page_size)
		fuzz_finding("round trip changed the header");
	if (a->nmeta != b.nmeta || a->nev != b.nev)
		fuzz_finding("round trip changed the counts: %zu/%zu meta, %zu/%zu events",
			     a->nmeta, b.nmeta, a->nev, b.nev);
	for (size_t i = 0; i < a->nmeta; i++) {
		same_string(&a->strs, a->meta[i].key, &b.strs, b.meta[i].key, "meta key");
		same_string(&a->strs, a->meta[i].text, &b.strs, b.meta[i].text, "meta text");
	}
	for (size_t i = 0; i < a->nev; i++) {
		struct vmt_event x = a->ev[i], y = b.ev[i];

		same_string(&a->ids, x.id, &b.ids, y.id, "id");
		same_string(&a->strs, x.attrs, &b.strs, y.attrs, "attributes");
		x.id = y.id = x.attrs = y.attrs = 0;
		if (memcmp(&x, &y, sizeof(x)))
			fuzz_finding("round trip changed event %zu", i);
	}
	vmt_trace_free(&b);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };
	int ret;

	parse_or_die((const char *)data, size, &t, &err, &ret);
	if (ret == -EINVAL && strncmp(err.msg, "fuzz:", 5))
		fuzz_finding("rejection without a fuzz:LINE: message: '%s'", err.msg);
	else if (ret && ret != -EINVAL && ret != -ENOMEM)
		fuzz_finding("unexpected error %d: %s", ret, err.msg);
	else if (!ret)
		check_round_trip(&t);
	vmt_trace_free(&t);
	return 0;
}
