/* SPDX-License-Identifier: MIT */
/*
 * Whole-file zstd decompression and compressing writes of traces
 * (zstd_io.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "trace/zstd_io.h"

bool zstd_sniff(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	return len >= 4 && ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			    (uint32_t)p[3] << 24) == ZSTD_MAGICNUMBER;
}

/* First guess of the decompressed size: the frame's own claim, bounded so
 * that a forged claim cannot make us allocate without need. */
static size_t initial_capacity(const void *src, size_t len)
{
	unsigned long long claim = ZSTD_getFrameContentSize(src, len);
	size_t bound = len < (SIZE_MAX >> 8) ? (len << 6) + (64 << 10) : SIZE_MAX;

	if (claim == ZSTD_CONTENTSIZE_UNKNOWN || claim == ZSTD_CONTENTSIZE_ERROR ||
	    claim > bound)
		return bound;
	return claim ? claim : 64;
}

/*
 * One decompression context per thread, reset between uses: creating one
 * per call costs more than decompressing a small trace (the fuzzer reads
 * thousands a second).  Never freed: it lives as long as its thread,
 * and only the loading threads (the main one) decompress.
 */
static ZSTD_DCtx *thread_dctx(void)
{
	static _Thread_local ZSTD_DCtx *dctx;

	if (!dctx)
		dctx = ZSTD_createDCtx();
	else
		ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
	return dctx;
}

int zstd_decompress_all(const char *name, const void *src, size_t len,
			void **out, size_t *out_len, struct vmt_err *err)
{
	/* The input goes in by the decoder's own step, so that an error is
	 * said within one step of where the bad byte is. */
	const size_t step = ZSTD_DStreamInSize();
	ZSTD_inBuffer in = { src, 0, 0 };
	ZSTD_outBuffer o = { NULL, initial_capacity(src, len), 0 };
	ZSTD_DCtx *dctx = thread_dctx();
	size_t left;
	int ret = -ENOMEM;
	void *grown;

	o.dst = malloc(o.size);
	if (!dctx || !o.dst)
		goto out;
	for (;;) {
		if (o.pos == o.size) {
			if (o.size > SIZE_MAX / 2 || !(grown = realloc(o.dst, o.size * 2)))
				goto out;
			o.dst = grown;
			o.size *= 2;
		}
		in.size = len - in.pos > step ? in.pos + step : len;
		left = ZSTD_decompressStream(dctx, &o, &in);
		if (ZSTD_isError(left)) {
			vmt_err_set(err, "%s: byte %zu: zstd: %s", name, in.pos,
				    ZSTD_getErrorName(left));
			ret = -EINVAL;
			goto out;
		}
		/* No input left, and the last frame ended (0) or the decoder
		 * had room to spare: it gave all it can. */
		if (in.pos == len && (!left || o.pos < o.size))
			break;
	}
	if (left) {
		vmt_err_set(err, "%s: byte %zu: zstd: truncated frame", name, len);
		ret = -EINVAL;
		goto out;
	}
	*out = o.dst;
	*out_len = o.pos;
	o.dst = NULL;
	ret = 0;
out:
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory while decompressing", name);
	free(o.dst);
	return ret;
}

struct zstd_reader {
	const char *name;
	int fd;
	ZSTD_DCtx *dctx;
	ZSTD_inBuffer in;
	uint64_t consumed;	/* compressed bytes before in.src[0] */
	size_t left;		/* the decoder's last hint: 0 when a frame ended */
	bool eof;
	unsigned char *inbuf;
	size_t inbuf_size;
};

int zstd_reader_open(const char *name, int fd, struct zstd_reader **out)
{
	struct zstd_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->name = name;
	r->fd = fd;
	r->inbuf_size = ZSTD_DStreamInSize();
	r->inbuf = malloc(r->inbuf_size);
	r->dctx = ZSTD_createDCtx();
	r->in.src = r->inbuf;
	if (!r->inbuf || !r->dctx) {
		zstd_reader_close(r);
		return -ENOMEM;
	}
	*out = r;
	return 0;
}

void zstd_reader_close(struct zstd_reader *r)
{
	if (!r)
		return;
	ZSTD_freeDCtx(r->dctx);
	free(r->inbuf);
	free(r);
}

/* Refills the input once it is used up.  0, or -EIO. */
static int zstd_reader_refill(struct zstd_reader *r, struct vmt_err *err)
{
	ssize_t got;

	if (r->in.pos < r->in.size || r->eof)
		return 0;
	r->consumed += r->in.size;
	do
		got = read(r->fd, r->inbuf, r->inbuf_size);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		vmt_err_set(err, "%s: cannot read: %s", r->name, strerror(errno));
		return -EIO;
	}
	r->in = (ZSTD_inBuffer){ r->inbuf, (size_t)got, 0 };
	r->eof = !got;
	return 0;
}

long zstd_reader_read(struct zstd_reader *r, void *buf, size_t n, struct vmt_err *err)
{
	ZSTD_outBuffer o = { buf, n, 0 };
	int ret;

	while (o.pos < o.size) {
		size_t before = o.pos, hint;

		if ((ret = zstd_reader_refill(r, err)))
			return ret;
		/* At the end of the input too: the decoder may still hold output. */
		hint = ZSTD_decompressStream(r->dctx, &o, &r->in);
		if (ZSTD_isError(hint)) {
			vmt_err_set(err, "%s: byte %" PRIu64 ": zstd: %s", r->name,
				    r->consumed + r->in.pos, ZSTD_getErrorName(hint));
			return -EINVAL;
		}
		/* Past the end, the hint asks for a next frame: not a truncation. */
		if (r->eof && o.pos == before)
			break;
		r->left = hint;
	}
	if (r->eof && r->left) {
		vmt_err_set(err, "%s: byte %" PRIu64 ": zstd: truncated frame", r->name,
			    r->consumed);
		return -EINVAL;
	}
	return (long)o.pos;
}

struct zstd_writer {
	FILE *sink;
	ZSTD_CCtx *cctx;
	unsigned char buf[1 << 17];
};

/* Runs the compressor over @in with @mode, writing its output to the sink. */
static int zstd_pump(struct zstd_writer *w, ZSTD_inBuffer *in, ZSTD_EndDirective mode)
{
	size_t left;

	do {
		ZSTD_outBuffer o = { w->buf, sizeof(w->buf), 0 };

		left = ZSTD_compressStream2(w->cctx, &o, in, mode);
		if (ZSTD_isError(left) || fwrite(w->buf, 1, o.pos, w->sink) != o.pos)
			return -1;
	} while (mode == ZSTD_e_end ? left != 0 : in->pos < in->size);
	return 0;
}

static ssize_t zstd_cookie_write(void *cookie, const char *data, size_t n)
{
	ZSTD_inBuffer in = { data, n, 0 };

	return zstd_pump(cookie, &in, ZSTD_e_continue) ? -1 : (ssize_t)n;
}

static int zstd_cookie_close(void *cookie)
{
	struct zstd_writer *w = cookie;
	ZSTD_inBuffer in = { NULL, 0, 0 };
	int ret = zstd_pump(w, &in, ZSTD_e_end);

	ZSTD_freeCCtx(w->cctx);
	free(w);
	return ret;
}

FILE *zstd_compress_open(FILE *sink)
{
	static const cookie_io_functions_t io = {
		.write = zstd_cookie_write,
		.close = zstd_cookie_close,
	};
	struct zstd_writer *w = malloc(sizeof(*w));
	FILE *f = NULL;

	if (!w)
		return NULL;
	w->sink = sink;
	w->cctx = ZSTD_createCCtx();
	if (w->cctx)
		f = fopencookie(w, "w", io);
	if (!f) {
		ZSTD_freeCCtx(w->cctx);
		free(w);
	}
	return f;
}
