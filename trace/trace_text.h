/* SPDX-License-Identifier: MIT */
/* The text trace format, version 1 (traces/FORMAT.md). */
#ifndef VMTRACE_TRACE_TEXT_H
#define VMTRACE_TRACE_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"
#include "trace/trace.h"

/* Longest id and metadata key the format accepts, in bytes. */
#define VMT_ID_MAX 255
#define VMT_META_KEY_MAX 127

/* True when the @len bytes at @s are all id characters: [A-Za-z0-9_.-]. */
bool vmt_id_chars_ok(const char *s, size_t len);

/* True when @key (@len bytes) has a meaning on an @op line, so that a
 * `key=value` token there is a field, not an attribute kept as text. */
bool vmt_text_key_known(enum vmt_op op, const char *key, size_t len);

/* True when @t's main window (has_range) holds one whole page, as a model
 * needs; both readers reject a range that does not. */
bool vmt_range_holds_page(const struct vmt_trace *t);

/*
 * Parses @len bytes of text trace at @buf into @t (initialized and empty).
 * @name is the file name used in error messages.  Returns 0, or -EINVAL
 * with `name:line: what is wrong` in @err, or -ENOMEM.  On error @t holds
 * whatever was parsed before the bad line; the caller frees it.
 */
int vmt_text_parse(const char *name, const char *buf, size_t len,
		   struct vmt_trace *t, struct vmt_err *err);

/* True when @buf starts like a text trace ("vmtrace" after comments). */
int vmt_text_sniff(const char *buf, size_t len);

/* True unless @buf, the first @len bytes of a file, already shows that it
 * is no text trace (a line other than a comment, blank or "vmtrace..."). */
bool vmt_text_may_start(const char *buf, size_t len);

/* Writes @t as text.  Returns 0 or -EIO. */
int vmt_text_write(const struct vmt_trace *t, FILE *f);

/* Writes one event line (no trailing newline handling beyond the line). */
void vmt_text_write_event(const struct vmt_trace *t, const struct vmt_event *ev,
			  FILE *f);

#endif /* VMTRACE_TRACE_TEXT_H */
