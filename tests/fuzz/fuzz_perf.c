/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the `perf script` text importer, vmt_perf_parse(), and the trace
 * builder behind it, with an optional vmallocinfo snapshot (the input's
 * layout and the oracle: import_oracle.h).
 */
#include "capture/import_perf.h"
#include "fuzz.h"
#include "import_oracle.h"

static int parse(const char *name, const char *buf, size_t len, struct vmt_builder *b,
		 uint64_t *events, struct vmt_err *err)
{
	struct vmt_perf_stats st = { 0 };
	int ret = vmt_perf_parse(name, buf, len, b, &st, err);

	*events = st.events;
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(parse, data, size);
	return 0;
}
