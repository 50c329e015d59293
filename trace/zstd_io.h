/* SPDX-License-Identifier: MIT */
/* Whole-file zstd compression for traces (`.vmt.zst`), libzstd streaming. */
#ifndef VMTRACE_ZSTD_IO_H
#define VMTRACE_ZSTD_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/diag.h"

/* True when @buf starts with a zstd frame (magic 0xFD2FB528, little-endian). */
bool zstd_sniff(const void *buf, size_t len);

/*
 * Decompresses every frame in the @len bytes at @src into a new malloc'ed
 * buffer (*@out, *@out_len; free() it).  Returns 0, or -EINVAL with
 * `name: byte N: zstd: what` in @err (N an offset in @src), or -ENOMEM.
 */
int zstd_decompress_all(const char *name, const void *src, size_t len,
			void **out, size_t *out_len, struct vmt_err *err);

/*
 * A stream whose bytes are compressed into one zstd frame written to
 * @sink.  fclose() ends the frame and returns EOF if anything failed; it
 * does not close @sink.  Returns NULL on ENOMEM.
 */
FILE *zstd_compress_open(FILE *sink);

#endif /* VMTRACE_ZSTD_IO_H */
