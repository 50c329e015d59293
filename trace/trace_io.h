/* SPDX-License-Identifier: MIT */
/* Loading and saving traces in any supported format, chosen by content. */
#ifndef VMTRACE_TRACE_IO_H
#define VMTRACE_TRACE_IO_H

#include "lib/diag.h"
#include "trace/trace.h"

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
 * input_file_open, then decompressed when the file is zstd-compressed
 * (told by content, never by name); *@was_zstd (may be NULL) says
 * whether it was.  Offsets in @in are then those of the decompressed
 * bytes.  Returns 0 or -errno with @err set.
 */
int input_file_open_plain(const char *path, struct input_file *in, bool *was_zstd,
			  struct vmt_err *err);

/*
 * Loads the trace at @path into @t (which this initializes), whatever its
 * format, told by content and never by name: the binary magic, a zstd
 * frame (holding either format), else text.  Returns 0, or a negative
 * errno with `path:line: ...` or `path: byte N: ...` in @err; @t is then
 * empty.
 */
int vmt_trace_load(const char *path, struct vmt_trace *t, struct vmt_err *err);

/*
 * vmt_trace_load showing the events read so far on @progress (a text
 * trace's; a binary one is read in place, at once), which @t keeps in
 * t->progress for a later vmt_trace_save.
 */
int vmt_trace_load_shown(const char *path, struct vmt_trace *t, struct progress *progress,
			 struct vmt_err *err);

/* What a loaded file turned out to be. */
struct vmt_source {
	bool binary;		/* else text */
	bool zstd;		/* the whole file was zstd-compressed */
	unsigned version;	/* of the format */
};

/*
 * vmt_trace_load that also fills in @src, and checks a binary trace's
 * checksum only when @verify_checksum (everything else is always checked).
 */
int vmt_trace_load_from(const char *path, bool verify_checksum, struct vmt_trace *t,
			struct vmt_source *src, struct vmt_err *err);

/*
 * Writes @t to @path whole or not at all, in the format its name asks
 * for: `.vmt` binary, `.vmt.zst` zstd-compressed binary, anything else
 * (and "-") text, ticking t->progress, when set, with the events written.
 * Returns 0 or a negative errno with @err set.
 */
int vmt_trace_save(const char *path, const struct vmt_trace *t, struct vmt_err *err);

#endif /* VMTRACE_TRACE_IO_H */
