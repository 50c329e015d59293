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
 * Decompresses a file as it is read, in the decoder's own steps: memory
 * does not grow with the file.  zstd_reader_read() fills @buf with up to
 * @n decompressed bytes and returns how many (fewer than @n only at the
 * end of the input), or -EINVAL with `name: byte N: zstd: what` in @err
 * (N an offset in the compressed file), or -EIO with errno's message.
 * Every frame of the file is read, as zstd_decompress_all() does.
 */
struct zstd_reader;

/* Reads @fd (which stays the caller's) from its current offset.  Returns
 * 0, or -ENOMEM. */
int zstd_reader_open(const char *name, int fd, struct zstd_reader **out);
long zstd_reader_read(struct zstd_reader *r, void *buf, size_t n, struct vmt_err *err);
void zstd_reader_close(struct zstd_reader *r);

/*
 * A stream whose bytes are compressed into one zstd frame written to
 * @sink.  fclose() ends the frame and returns EOF if anything failed; it
 * does not close @sink.  Returns NULL on ENOMEM.
 */
FILE *zstd_compress_open(FILE *sink);

#endif /* VMTRACE_ZSTD_IO_H */
