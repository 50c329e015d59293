/* SPDX-License-Identifier: MIT */
/*
 * Fuzzes the binary trace reader, vmt_bin_parse(), and the zstd layer in
 * front of it (an input with the zstd magic whose frame declares at most
 * 1 MiB is decompressed first, as vmt_trace_load does).
 *
 * Oracle:
 *  - every rejection is -EINVAL with a `fuzz: byte N: ...` message (or
 *    -ENOMEM), with and without checksum verification; what is rejected
 *    without verification is rejected with it;
 *  - with verification an accepted input is accepted again, or rejected
 *    for its checksum alone;
 *  - every accepted trace converts to text and back (vmt_text_write,
 *    vmt_text_parse) unchanged, and the result written as binary
 *    (vmt_bin_write) reads back, checksum verified, as the same trace;
 *  - when the input's string tables hold only strings the trace uses
 *    (as every file vmt_bin_write produces does), that binary is the input
 *    byte for byte, its checksum aside unless the input's was verified.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "trace/trace_bin.h"
#include "trace/trace_text.h"
#include "trace/zstd_io.h"
#include "fuzz.h"
#include "trace_oracle.h"

/* `fuzz: byte N: what`. */
static bool byte_message(const char *msg)
{
	const char *p = msg + strlen("fuzz: byte ");

	if (strncmp(msg, "fuzz: byte ", strlen("fuzz: byte ")) || !isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return !strncmp(p, ": ", 2);
}

static int parse(const void *buf, size_t len, bool verify, struct vmt_trace *t,
		 struct vmt_err *err)
{
	int ret;

	if (vmt_trace_init(t))
		fuzz_finding("out of memory setting up");
	ret = vmt_bin_parse("fuzz", buf, len, verify, t, err);
	if (ret && ret != -ENOMEM && (ret != -EINVAL || !byte_message(err->msg)))
		fuzz_finding("rejection %d without a `fuzz: byte N:` message: '%s'", ret,
			     err->msg);
	return ret;
}

/* The trace written by vmt_bin_write, in a malloc'ed buffer. */
static char *write_binary(const struct vmt_trace *t, size_t *len)
{
	struct vmt_err err = { { 0 } };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		fuzz_finding("out of memory setting up");
	if (vmt_bin_write("fuzz", t, f, &err))
		fuzz_finding("an accepted trace does not write as binary: %s", err.msg);
	if (fclose(f))
		fuzz_finding("writing the binary failed");
	return buf;
}

/* Text and back, binary and back, starting from @t read from @in. */
static void check_conversions(const struct vmt_trace *t, const char *in, size_t in_len,
			      bool checksum_ok)
{
	struct vmt_trace text, again;
	struct vmt_err err = { { 0 } };
	size_t bin_len;
	char *bin;

	fuzz_text_round_trip(t, &text);
	/* open_memstream's buffer is malloc'ed: aligned to read in place. */
	bin = write_binary(&text, &bin_len);
	if (parse(bin, bin_len, true, &again, &err))
		fuzz_finding("the binary written from the text is rejected: %s", err.msg);
	fuzz_same_trace(t, &again, "binary to text to binary");
	if (text.ids.count == t->ids.count && text.strs.count == t->strs.count) {
		size_t cmp = checksum_ok ? in_len : in_len - 8;

		if (bin_len != in_len || memcmp(bin, in, cmp))
			fuzz_finding("binary to text to binary changed the bytes (%zu -> %zu)",
				     in_len, bin_len);
	}
	vmt_trace_free(&again);
	vmt_trace_free(&text);
	free(bin);
}

/* Precondition: @buf is 8-byte aligned (the reader reads in place). */
static void check_binary(const char *buf, size_t len)
{
	struct vmt_trace t, v;
	struct vmt_err err = { { 0 } }, verr = { { 0 } };
	int ret = parse(buf, len, false, &t, &err);
	int vret = parse(buf, len, true, &v, &verr);

	if (ret && ret != -ENOMEM && !vret)
		fuzz_finding("accepted only when the checksum is verified: %s", err.msg);
	if (!ret && vret && vret != -ENOMEM && !strstr(verr.msg, ": checksum "))
		fuzz_finding("accepted without verification, rejected with it for: %s",
			     verr.msg);
	if (!ret)
		check_conversions(&t, buf, len, !vret);
	vmt_trace_free(&v);
	vmt_trace_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmt_err err = { { 0 } };
	void *plain = NULL;
	size_t plain_len;
	int ret;

	/* libzstd sizes its window by the frame header: a fuzzed header
	 * asks for up to 128 MiB per input.  Frames that declare at most
	 * 1 MiB of content only (zstd(1) declares it), to keep the pace. */
	if (zstd_sniff(data, size) && ZSTD_getFrameContentSize(data, size) <= 1 << 20) {
		ret = zstd_decompress_all("fuzz", data, size, &plain, &plain_len, &err);
		if (ret && ret != -ENOMEM && (ret != -EINVAL || !byte_message(err.msg)))
			fuzz_finding("zstd rejection %d without a `fuzz: byte N:` message: '%s'",
				     ret, err.msg);
		if (!ret)
			check_binary(plain, plain_len);
	} else {
		/* libFuzzer's copy of the input has no alignment promise. */
		plain = malloc(size ? size : 1);
		if (!plain)
			fuzz_finding("out of memory setting up");
		memcpy(plain, data, size);
		check_binary(plain, size);
	}
	free(plain);
	return 0;
}
