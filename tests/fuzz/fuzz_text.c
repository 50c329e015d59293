/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the text trace parser, vmt_text_parse().
 *
 * Oracle: every rejection is -EINVAL with a `fuzz:LINE: ...` message (or
 * -ENOMEM); every accepted trace, written back with vmt_text_write() and
 * parsed again, gives the same header, metadata and events.
 */
#include <errno.h>
#include <string.h>

#include "trace/trace_text.h"
#include "fuzz.h"
#include "trace_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmt_trace t;
	struct vmt_err err = { { 0 } };
	int ret;

	if (vmt_trace_init(&t) || vmt_trace_track_lines(&t))
		fuzz_finding("out of memory setting up");
	ret = vmt_text_parse("fuzz", (const char *)data, size, &t, &err);
	if (ret == -EINVAL && strncmp(err.msg, "fuzz:", 5))
		fuzz_finding("rejection without a fuzz:LINE: message: '%s'", err.msg);
	else if (ret && ret != -EINVAL && ret != -ENOMEM)
		fuzz_finding("unexpected error %d: %s", ret, err.msg);
	else if (!ret)
		fuzz_text_round_trip(&t, NULL);
	vmt_trace_free(&t);
	return 0;
}
