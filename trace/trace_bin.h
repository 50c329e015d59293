/* SPDX-License-Identifier: MIT */
/*
 * The binary trace format, version 1 (traces/FORMAT.md, "Binary format
 * v1"): a header, the string tables, fixed 64-byte event records that are
 * struct vmt_event byte for byte, and a footer with the event count, the
 * lost-event count and an XXH3-64 checksum.  Offsets below are from the
 * start of the file; every integer is little-endian.
 */
#ifndef VMTRACE_TRACE_BIN_H
#define VMTRACE_TRACE_BIN_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"
#include "trace/trace.h"

#define VMT_BIN_VERSION 1
#define VMT_BIN_MAGIC "\x89VMT\r\n\x1a\n"	/* 8 bytes, no NUL */
#define VMT_BIN_FOOTER_MAGIC "VMT-END\n"	/* 8 bytes, no NUL */
#define VMT_BIN_MAGIC_LEN 8

/* Header fields. */
#define VMT_BIN_OFF_VERSION 8		/* u32 */
#define VMT_BIN_OFF_FLAGS 12		/* u32: VMT_BIN_HAS_RANGE */
#define VMT_BIN_OFF_PAGE_SIZE 16	/* u64 */
#define VMT_BIN_OFF_RANGE_LO 24		/* u64, 0 without a range */
#define VMT_BIN_OFF_RANGE_HI 32		/* u64, 0 without a range */
#define VMT_BIN_OFF_NMETA 40		/* u32: metadata entries */
#define VMT_BIN_OFF_NIDS 44		/* u32: strings in the id table */
#define VMT_BIN_OFF_NSTRS 48		/* u32: strings in the text table */
#define VMT_BIN_OFF_RESERVED 52		/* u32, 0 */
#define VMT_BIN_OFF_IDS_BYTES 56	/* u64: size of the id table */
#define VMT_BIN_OFF_STRS_BYTES 64	/* u64: size of the text table */
#define VMT_BIN_HEADER_SIZE 72		/* then the meta entries */
#define VMT_BIN_META_SIZE 8		/* u32 key, u32 text (text table indexes) */
#define VMT_BIN_HAS_RANGE 1u

/* Events start at the first multiple of this after the string tables. */
#define VMT_BIN_EVENT_ALIGN 64
#define VMT_BIN_RECORD_SIZE 64

/* Footer fields, from the start of the footer (the last 32 bytes). */
#define VMT_BIN_FOOTER_SIZE 32
#define VMT_BIN_FOOT_COUNT 0		/* u64: events */
#define VMT_BIN_FOOT_LOST 8		/* u64: trace.lost_events */
#define VMT_BIN_FOOT_MAGIC 16		/* VMT_BIN_FOOTER_MAGIC */
#define VMT_BIN_FOOT_CHECKSUM 24	/* u64: XXH3_64bits (seed 0) of every
					   byte of the file before this field */

/* True when @buf starts with the binary magic. */
bool vmt_bin_sniff(const void *buf, size_t len);

/*
 * Reads the binary trace in @buf into @t (initialized and empty), in
 * place: t->ev and the strings of t->ids and t->strs point into @buf,
 * which must stay valid and unchanged until vmt_trace_free(@t) (hand it
 * over through t->backing).  Precondition: @buf is 8-byte aligned.
 * Everything is validated before use; the checksum only when
 * @verify_checksum.  Returns 0, or -EINVAL with `name: byte N: what is
 * wrong` in @err, or -ENOMEM.  On error @t must be freed by the caller.
 */
int vmt_bin_parse(const char *name, const void *buf, size_t len,
		  bool verify_checksum, struct vmt_trace *t, struct vmt_err *err);

/*
 * Reading a binary trace (`.vmt`, or `.vmt.zst` decompressed as it is
 * read) as a stream: memory holds one block of events, the text table and
 * the meta, never the events nor the id table, whatever the file's length.
 * Every rule vmt_bin_parse() checks is checked, and the checksum is fed
 * block by block (XXH3 streaming state) and compared at the end.
 */
struct vmt_bin_stream;

/*
 * Opens @path and reads its header, meta and string tables into @t
 * (initialized and empty): t->ids stays empty (vmt_bin_stream_nids() says
 * how many there are, vmt_bin_stream_id_name() names one), t->nev 0,
 * t->lost_events is set by the footer.  Returns 0; -ENOTSUP (no message)
 * when @path is not a regular file holding the binary format, which is
 * then for vmt_trace_load(); or -EINVAL, -EIO, -ENOMEM with `name: byte
 * N: what` in @err.  Close *@s in every case; free @t.
 */
int vmt_bin_stream_open(const char *path, bool verify_checksum, struct vmt_trace *t,
			struct vmt_bin_stream **s, struct vmt_err *err);

/* The most events vmt_bin_stream_read() gives at once. */
#define VMT_BIN_BLOCK_EVENTS 4096

/*
 * Reads the next events, at most @max, into @ev; *@n is how many.  After
 * the last event, the call that finds none checks the footer (the count,
 * the checksum when verified) and sets t->lost_events: 0 then means the
 * whole file is good, and the caller may keep what it made of the events.
 * Returns 0, or -EINVAL (`name: byte N: what`), -EIO.
 */
int vmt_bin_stream_read(struct vmt_bin_stream *s, struct vmt_trace *t, struct vmt_event *ev,
			size_t max, size_t *n, struct vmt_err *err);

uint32_t vmt_bin_stream_nids(const struct vmt_bin_stream *s);

/* Copies the name of id @id (1 <= id < nids) into @name, reading the id
 * table again (for messages: it is not kept).  0 or a negative errno. */
int vmt_bin_stream_id_name(const struct vmt_bin_stream *s, uint32_t id, char *name);

void vmt_bin_stream_close(struct vmt_bin_stream *s);

/*
 * Writes @t to @f in the binary format.  Returns 0, -EIO, -ENOMEM, or
 * -EINVAL with `name: event N: what` in @err when an event is not one the
 * reader would accept (so every file written can be read back).
 */
int vmt_bin_write(const char *name, const struct vmt_trace *t, FILE *f,
		  struct vmt_err *err);

/*
 * Writing a binary trace whose events come one at a time, for traces
 * larger than memory.  @t gives the header, meta and text table; the id
 * table holds @nids names, id_name(i, name) writing id i's into @name
 * (VMT_ID_MAX + 1 bytes): they must come in ascending byte order, the
 * first (i = 0) empty, and an event's id is its name's index.  Events go
 * through vmt_bin_writer_event() (-EINVAL with `name: event N: what` for
 * one the reader would not accept), the footer through
 * vmt_bin_writer_end(), which frees the writer and returns 0 or the
 * write's negative errno; vmt_bin_writer_free() gives up.  Open returns 0
 * or -ENOMEM; free *@w in both cases.
 */
struct vmt_bin_writer;

int vmt_bin_writer_open(const char *name, const struct vmt_trace *t, uint32_t nids,
			void (*id_name)(uint32_t i, char *name), FILE *f,
			struct vmt_bin_writer **w, struct vmt_err *err);
int vmt_bin_writer_event(struct vmt_bin_writer *w, const struct vmt_event *ev,
			 struct vmt_err *err);
int vmt_bin_writer_end(struct vmt_bin_writer *w);
void vmt_bin_writer_free(struct vmt_bin_writer *w);

#endif /* VMTRACE_TRACE_BIN_H */
