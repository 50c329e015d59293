/* SPDX-License-Identifier: MIT */
/* What the importer tests share (import_util.h). */
#include <string.h>

#include "capture/import_ftrace.h"
#include "capture/import_perf.h"
#include "trace/trace_io.h"
#include "import_util.h"

int parse_ftrace(const char *name, const char *buf, size_t len, struct vmt_builder *b,
		 void *stats, struct vmt_err *err)
{
	return vmt_ftrace_parse(name, buf, len, b, stats, err);
}

int parse_perf(const char *name, const char *buf, size_t len, struct vmt_builder *b,
	       void *stats, struct vmt_err *err)
{
	return vmt_perf_parse(name, buf, len, b, stats, err);
}

int import_buffer(text_parser *parse, const char *text, size_t len, void *stats,
		  struct vmt_trace *t, struct vmt_build_stats *bs, struct vmt_err *err)
{
	struct vmt_builder b;
	int ret;

	memset(err, 0, sizeof(*err));
	ret = vmt_builder_init(&b, "t.txt");
	if (!ret)
		ret = parse("t.txt", text, len, &b, stats, err);
	if (!ret)
		ret = vmt_builder_finish(&b, t, bs, err);
	vmt_builder_free(&b);
	return ret;
}

int import_path(text_parser *parse, const char *path, void *stats,
		struct vmt_trace *t, struct vmt_build_stats *bs, struct vmt_err *err)
{
	struct input_file in;
	int ret;

	memset(err, 0, sizeof(*err));
	ret = input_file_open(path, &in, err);
	if (ret)
		return ret;
	ret = import_buffer(parse, in.data, in.len, stats, t, bs, err);
	input_file_close(&in);
	return ret;
}

const char *event_attrs(const struct vmt_trace *t, const struct vmt_event *ev)
{
	return strtab_get(&t->strs, ev->attrs);
}
