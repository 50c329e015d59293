/* SPDX-License-Identifier: MIT */
/* Loading and saving traces in any supported format, chosen by content. */
#ifndef VMTRACE_TRACE_IO_H
#define VMTRACE_TRACE_IO_H

#include "diag.h"
#include "trace.h"

/* A whole input file in memory (mmap'ed when it is a regular file). */
struct input_file {
	const char *data;
	size_t len;
	bool mapped;
};

/* Reads @path ("-": standard input).  Returns 0 or -errno with @err set. */
int input_file_open(const char *path, struct input_file *in, struct vmt_err *err);
void input_file_close(struct input_file *in);

/*
 * Loads the trace at @path into @t (which this initializes), whatever its
 * format.  Returns 0, or a negative errno with `path:line: ...` in @err;
 * @t is then empty.
 */
int vmt_trace_load(const char *path, struct vmt_trace *t, struct vmt_err *err);

/* Writes @t to @path whole or not at all (the text format).  0 or -errno. */
int vmt_trace_save(const char *path, const struct vmt_trace *t, struct vmt_err *err);

#endif /* VMTRACE_TRACE_IO_H */
