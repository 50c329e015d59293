/* SPDX-License-Identifier: MIT */
/* What the importer tests share: running a text parser into a trace. */
#ifndef VMTRACE_TESTS_IMPORT_UTIL_H
#define VMTRACE_TESTS_IMPORT_UTIL_H

#include <stddef.h>

#include "capture/builder.h"

/* A capture/ text parser (vmt_ftrace_parse, vmt_perf_parse), its
 * statistics as void *. */
typedef int text_parser(const char *name, const char *buf, size_t len,
			struct vmt_builder *b, void *stats, struct vmt_err *err);

int parse_ftrace(const char *name, const char *buf, size_t len, struct vmt_builder *b,
		 void *stats, struct vmt_err *err);
int parse_perf(const char *name, const char *buf, size_t len, struct vmt_builder *b,
	       void *stats, struct vmt_err *err);

/*
 * Parses @len bytes at @text, named "t.txt" in messages, with @parse and
 * builds @t (no snapshot; @bs may be NULL).  Returns what failed first,
 * @err cleared before; @t is to be freed only on success.
 */
int import_buffer(text_parser *parse, const char *text, size_t len, void *stats,
		  struct vmt_trace *t, struct vmt_build_stats *bs, struct vmt_err *err);

/* import_buffer on the file at @path. */
int import_path(text_parser *parse, const char *path, void *stats,
		struct vmt_trace *t, struct vmt_build_stats *bs, struct vmt_err *err);

/* An event's `k=v` text. */
const char *event_attrs(const struct vmt_trace *t, const struct vmt_event *ev);

#endif /* VMTRACE_TESTS_IMPORT_UTIL_H */
