/* SPDX-License-Identifier: MIT */
/*
 * The binary format and format selection: lossless round trips through
 * text, binary and zstd; choice of reader by content, never by name; and
 * every kind of corrupt binary input rejected with `file: byte N: what`.
 * Byte offsets expected below come from the layout in traces/FORMAT.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define XXH_INLINE_ALL
#include <xxhash.h>
#include <zstd.h>

#include "trace/bin_prefetch.h"
#include "trace/trace_bin.h"
#include "trace/trace_io.h"
#include "trace/trace_text.h"

/* Every op, flag, header line and kind of string the formats carry. */
static const char sample_text[] =
	"vmtrace 1\n"
	"range 0x1000000 0x2000000\n"
	"page 8192\n"
	"lost 7\n"
	"meta kernel 6.18.44 (x86_64)\n"
	"meta workload a # b\n"
	"live l1 0x1000000 8192 caller=irq_init kind=vmap\n"
	"live l0 0x1004000 16384 t=5\n"
	"alloc a-1.x 12288 align=8192 vstart=0x1000000 vend=0x2000000 va=0x1002000 failed=1 t=12 cpu=1 pid=42 comm=bash future=7\n"
	"free a-1.x t=13 cpu=0 pid=0\n"
	"alloc a2 4096 va=0x1008000\n"
	"free l1\n"
	"purge 0x1000000 0x2000000 n=3 t=9 cpu=2\n"
	"purge 0x1000000 0x1800000\n";

static char tmpdir[] = "/tmp/vmtrace-test-bin.XXXXXX";

static char *tmp_path(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
	return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *read_whole(const char *path, size_t *len)
{
	char *buf = NULL;
	FILE *f = fopen(path, "r"), *m;

	assert_non_null(f);
	m = open_memstream(&buf, len);
	assert_non_null(m);
	for (int c; (c = fgetc(f)) != EOF;)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

static char *as_text(const struct vmt_trace *t, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(vmt_text_write(t, f), 0);
	fclose(f);
	return buf;
}

static void *as_binary(const struct vmt_trace *t, size_t *len)
{
	struct vmt_err err = { { 0 } };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(vmt_bin_write("mem", t, f, &err), 0);
	fclose(f);
	return buf;
}

/* One zstd frame of @len bytes at @data (free() it). */
static void *zstd_of(const void *data, size_t len, size_t *zlen)
{
	void *z = malloc(ZSTD_compressBound(len));

	assert_non_null(z);
	*zlen = ZSTD_compress(z, ZSTD_compressBound(len), data, len, 3);
	assert_false(ZSTD_isError(*zlen));
	return z;
}

static void parse_sample(struct vmt_trace *t)
{
	struct vmt_err err = { { 0 } };

	assert_int_equal(vmt_trace_init(t), 0);
	assert_int_equal(vmt_text_parse("sample", sample_text, strlen(sample_text), t, &err), 0);
}

/* Two traces hold the same thing: header, metadata and events, with ids
 * and attributes compared as strings (indexes may differ). */
static void assert_same_trace(const struct vmt_trace *a, const struct vmt_trace *b)
{
	assert_int_equal(a->has_range, b->has_range);
	assert_int_equal(a->range_lo, b->range_lo);
	assert_int_equal(a->range_hi, b->range_hi);
	assert_int_equal(a->page_size, b->page_size);
	assert_int_equal(a->lost_events, b->lost_events);
	assert_int_equal(a->nmeta, b->nmeta);
	for (size_t i = 0; i < a->nmeta; i++) {
		assert_string_equal(strtab_get(&a->strs, a->meta[i].key),
				    strtab_get(&b->strs, b->meta[i].key));
		assert_string_equal(strtab_get(&a->strs, a->meta[i].text),
				    strtab_get(&b->strs, b->meta[i].text));
	}
	assert_int_equal(a->nev, b->nev);
	assert_int_equal(a->ids.count, b->ids.count);
	for (size_t i = 0; i < a->nev; i++) {
		struct vmt_event x = a->ev[i], y = b->ev[i];

		assert_string_equal(strtab_get(&a->ids, x.id), strtab_get(&b->ids, y.id));
		assert_string_equal(strtab_get(&a->strs, x.attrs), strtab_get(&b->strs, y.attrs));
		x.id = y.id = x.attrs = y.attrs = 0;
		assert_memory_equal(&x, &y, sizeof(x));
	}
}

/* text -> .vmt -> .vmt.zst -> text: the same trace at every step, and the
 * final text byte for byte the text the first trace writes. */
static void test_round_trip(void **state)
{
	char *txt = tmp_path("in.txt"), *bin = tmp_path("t.vmt"), *zst = tmp_path("t.vmt.zst"),
	     *out = tmp_path("out.txt");
	struct vmt_trace a, b, c, d;
	struct vmt_err err = { { 0 } };
	struct vmt_source src;
	size_t want_len, got_len;
	char *want, *got;

	(void)state;
	write_file(txt, sample_text, strlen(sample_text));
	assert_int_equal(vmt_trace_load(txt, &a, &err), 0);
	assert_int_equal(vmt_trace_save(bin, &a, &err), 0);
	assert_int_equal(vmt_trace_load_from(bin, true, &b, &src, &err), 0);
	assert_true(src.binary && !src.zstd);
	assert_same_trace(&a, &b);
	assert_int_equal(vmt_trace_save(zst, &b, &err), 0);
	assert_int_equal(vmt_trace_load_from(zst, true, &c, &src, &err), 0);
	assert_true(src.binary && src.zstd);
	assert_same_trace(&a, &c);
	assert_int_equal(vmt_trace_save(out, &c, &err), 0);
	assert_int_equal(vmt_trace_load_from(out, true, &d, &src, &err), 0);
	assert_false(src.binary || src.zstd);
	assert_same_trace(&a, &d);

	want = as_text(&a, &want_len);
	got = read_whole(out, &got_len);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	/* The sample is already in the writer's canonical form. */
	assert_string_equal(want, sample_text);
	free(want);
	free(got);
	vmt_trace_free(&a);
	vmt_trace_free(&b);
	vmt_trace_free(&c);
	vmt_trace_free(&d);
	free(txt);
	free(bin);
	free(zst);
	free(out);
}

/* A trace read in place can still grow: its events are copied out. */
static void test_push_after_load(void **state)
{
	char *bin = tmp_path("push.vmt");
	struct vmt_event ev = { .op = VMT_FREE, .id = 1 };
	struct vmt_err err = { { 0 } };
	struct vmt_trace a, b;

	(void)state;
	parse_sample(&a);
	assert_int_equal(vmt_trace_save(bin, &a, &err), 0);
	assert_int_equal(vmt_trace_load(bin, &b, &err), 0);
	assert_int_equal(b.ev_cap, 0);
	assert_non_null(vmt_trace_push(&b, &ev, 0));
	assert_int_equal(b.nev, a.nev + 1);
	b.nev--;
	assert_same_trace(&a, &b);
	vmt_trace_free(&a);
	vmt_trace_free(&b);
	free(bin);
}

/* The reader is chosen by the bytes, whatever the name says. */
static void test_sniff_by_content(void **state)
{
	char *bin_named_txt = tmp_path("x.vmt.txt"), *txt_named_vmt = tmp_path("y.vmt"),
	     *zst_txt = tmp_path("z.txt");
	struct vmt_err err = { { 0 } };
	struct vmt_source src;
	struct vmt_trace a, b;
	size_t len, zlen;
	void *bin, *z;

	(void)state;
	parse_sample(&a);
	bin = as_binary(&a, &len);
	write_file(bin_named_txt, bin, len);
	assert_int_equal(vmt_trace_load_from(bin_named_txt, true, &b, &src, &err), 0);
	assert_true(src.binary);
	assert_same_trace(&a, &b);
	vmt_trace_free(&b);

	write_file(txt_named_vmt, sample_text, strlen(sample_text));
	assert_int_equal(vmt_trace_load_from(txt_named_vmt, true, &b, &src, &err), 0);
	assert_false(src.binary);
	assert_same_trace(&a, &b);
	vmt_trace_free(&b);

	/* zstd holding text, under a plain name. */
	z = zstd_of(sample_text, strlen(sample_text), &zlen);
	write_file(zst_txt, z, zlen);
	assert_int_equal(vmt_trace_load_from(zst_txt, true, &b, &src, &err), 0);
	assert_true(src.zstd && !src.binary);
	assert_same_trace(&a, &b);
	vmt_trace_free(&b);

	vmt_trace_free(&a);
	free(bin);
	free(z);
	free(bin_named_txt);
	free(txt_named_vmt);
	free(zst_txt);
}

/* ---- corruption ---------------------------------------------------------- */

struct image {
	unsigned char *buf;
	size_t len;
	size_t ev_off;		/* where the events start */
	uint32_t nids, nstrs;
};

static uint32_t rd32(const struct image *im, size_t off)
{
	uint32_t v;

	memcpy(&v, im->buf + off, 4);
	return v;
}

static uint64_t rd64(const struct image *im, size_t off)
{
	uint64_t v;

	memcpy(&v, im->buf + off, 8);
	return v;
}

static void wr32(struct image *im, size_t off, uint32_t v)
{
	memcpy(im->buf + off, &v, 4);
}

static void wr64(struct image *im, size_t off, uint64_t v)
{
	memcpy(im->buf + off, &v, 8);
}

/* The binary image of the sample, with its layout worked out from the
 * header fields as FORMAT.md describes it. */
static struct image sample_image(void)
{
	struct vmt_trace t;
	struct image im;
	size_t end;

	parse_sample(&t);
	im.buf = as_binary(&t, &im.len);
	vmt_trace_free(&t);
	im.nids = rd32(&im, 44);
	im.nstrs = rd32(&im, 48);
	end = 72 + 8 * (size_t)rd32(&im, 40) + rd64(&im, 56) + rd64(&im, 64);
	im.ev_off = (end + 63) / 64 * 64;
	assert_int_equal(im.len, im.ev_off + 64 * 8 + 32);	/* 8 events */
	return im;
}

/* Recomputes the checksum, so that the check after it is what fails. */
static void reseal(struct image *im)
{
	wr64(im, im->len - 8, XXH3_64bits(im->buf, im->len - 8));
}

/* Parses @len bytes of @im from an exact-size heap copy (so that reading
 * past the end is a fault under ASan/valgrind) and returns the error. */
static const char *parse_image(const struct image *im, size_t len, bool verify)
{
	static struct vmt_err err;
	unsigned char *copy = malloc(len ? len : 1);
	struct vmt_trace t;
	int ret;

	memset(&err, 0, sizeof(err));
	memcpy(copy, im->buf, len);
	assert_int_equal(vmt_trace_init(&t), 0);
	ret = vmt_bin_parse("t.vmt", copy, len, verify, &t, &err);
	vmt_trace_free(&t);
	free(copy);
	if (!ret)
		return NULL;
	assert_int_equal(ret, -EINVAL);
	return err.msg;
}

/* What the reading thread's hook saw (prefetch_path()). */
struct hook_seen {
	const struct image *im;
	uint64_t events;
	unsigned ring;
};

/* A hook checking it sees the file's events in order, ring after ring. */
static int hook_block(void *arg, unsigned ring, const struct vmt_event *ev, uint64_t first,
		      size_t n)
{
	struct hook_seen *seen = arg;

	assert_int_equal(first, seen->events);
	assert_int_equal(ring, seen->ring % VMT_BIN_PREFETCH_BLOCKS);
	assert_memory_equal(ev, seen->im->buf + seen->im->ev_off + 64 * first, 64 * n);
	seen->events += n;
	seen->ring++;
	return 0;
}

/*
 * Reads @path of @im as vmtrace replay does, ahead in a second thread
 * (vmt_bin_prefetch_*): the same events as the file, each block with the
 * one before it at ev[-1]; returns the error, the file's directory left
 * out, or NULL when accepted.
 */
static const char *prefetch_path(const struct image *im, const char *path)
{
	static struct vmt_err err;
	static const struct vmt_event zero;
	struct hook_seen seen = { im, 0, 0 };
	struct vmt_bin_prefetch_hook hook = { hook_block, &seen };
	struct vmt_bin_stream *s = NULL;
	struct vmt_bin_prefetch *p = NULL;
	const struct vmt_event *ev;
	struct vmt_trace t;
	size_t n, total = 0;
	unsigned ring;
	int ret;

	memset(&err, 0, sizeof(err));
	assert_int_equal(vmt_trace_init(&t), 0);
	ret = vmt_bin_stream_open(path, true, &t, &s, &err);
	if (!ret)
		ret = vmt_bin_prefetch_start(s, &t, &hook, &p, &err);
	do {
		if (!ret && !(ret = vmt_bin_prefetch_next(p, &ev, &n, &ring, &err))) {
			assert_memory_equal(&ev[-1], total ? im->buf + im->ev_off + 64 * (total - 1) :
					    (const void *)&zero, 64);
			for (size_t i = 0; i < n; i++, total++)
				assert_memory_equal(&ev[i], im->buf + im->ev_off + 64 * total, 64);
		}
	} while (!ret && n);
	vmt_bin_prefetch_stop(p);
	vmt_bin_stream_close(s);
	vmt_trace_free(&t);
	if (!ret)
		return NULL;
	return ret == -ENOTSUP ? "not binary" : err.msg + strlen(tmpdir) + 1;
}

/*
 * Reads @len bytes of @im as `vmtrace replay` streams a file
 * (vmt_bin_stream_*), checksum verified; returns the error with the
 * file's directory left out (`t.vmt: ...`), or NULL when accepted.  The
 * events must be the whole reader's, in order, and reading them ahead in
 * a second thread must give the same.
 */
static const char *stream_image(const struct image *im, size_t len)
{
	static struct vmt_err err;
	const char *ahead;
	char *path = tmp_path("t.vmt");
	struct vmt_event ev[3];
	struct vmt_bin_stream *s = NULL;
	struct vmt_trace t;
	size_t n, total = 0;
	int ret;

	memset(&err, 0, sizeof(err));
	write_file(path, im->buf, len);
	assert_int_equal(vmt_trace_init(&t), 0);
	ret = vmt_bin_stream_open(path, true, &t, &s, &err);
	do {
		if (!ret && !(ret = vmt_bin_stream_read(s, &t, ev, 3, &n, &err)))
			for (size_t i = 0; i < n; i++, total++)
				assert_memory_equal(&ev[i], im->buf + im->ev_off + 64 * total, 64);
	} while (!ret && n);
	vmt_bin_stream_close(s);
	vmt_trace_free(&t);
	ahead = prefetch_path(im, path);
	free(path);
	if (!ret) {
		if (ahead)
			fail_msg("read ahead: got \"%s\", the stream accepted", ahead);
		return NULL;
	}
	/* Not the binary format: for the whole reader (vmt_trace_load). */
	if (ret == -ENOTSUP)
		return "not binary";
	assert_true(ahead != NULL);
	assert_string_equal(ahead, err.msg + strlen(tmpdir) + 1);
	assert_true(ret == -EINVAL);
	return err.msg + strlen(tmpdir) + 1;
}

/*
 * Whether the streamed reader says @got where the whole one says @want:
 * the same, but that a size the header claims past the file's end is
 * refused where the stream meets what contradicts it (it learns the
 * file's length only at its end), and that a file without the magic is
 * left to the whole reader.
 */
static bool stream_says(const char *got, const char *want)
{
	return !strcmp(got, want) || strstr(want, "fit in the file") ||
	       (strstr(want, "bad magic") && !strcmp(got, "not binary"));
}

static void expect(const struct image *im, const char *want)
{
	const char *got = parse_image(im, im->len, true);

	if (!got)
		fail_msg("accepted; wanted \"%s\"", want);
	if (strcmp(got, want))
		fail_msg("got \"%s\", want \"%s\"", got, want);
	got = stream_image(im, im->len);
	if (!got)
		fail_msg("streamed: accepted; wanted \"%s\"", want);
	if (!stream_says(got, want))
		fail_msg("streamed: got \"%s\", want \"%s\"", got, want);
}

static char *msg(const char *fmt, ...)
{
	static char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

static void test_good_image(void **state)
{
	struct image im = sample_image();

	(void)state;
	assert_null(parse_image(&im, im.len, true));
	free(im.buf);
}

/* One header field overwritten (the header comes before the checksum
 * check, so no reseal is needed). */
struct header_case {
	size_t off;
	uint64_t value;
	int width;		/* bytes */
	const char *message;
};

static const struct header_case header_cases[] = {
	{ 3, 't', 1, "t.vmt: byte 0: not a vmtrace binary trace (bad magic)" },
	{ 8, 2, 4, "t.vmt: byte 8: binary format version 2 is not supported (this is version 1)" },
	{ 12, 3, 4, "t.vmt: byte 12: unknown header flags 0x3" },
	{ 52, 1, 4, "t.vmt: byte 52: reserved field is not 0" },
	{ 16, 4000, 8, "t.vmt: byte 16: page size 4000 is not a power of two >= 512" },
	{ 24, 0x2000000, 8, "t.vmt: byte 24: range: lo 0x2000000 is not below hi 0x2000000" },
	{ 12, 0, 4, "t.vmt: byte 24: range bounds without the range flag" },
};

static void test_bad_header(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		const struct header_case *c = &header_cases[i];
		struct image im = sample_image();

		memcpy(im.buf + c->off, &c->value, c->width);
		expect(&im, c->message);
		free(im.buf);
	}
}

/* Cut anywhere, the file is refused, and never read past its end. */
static void test_truncated(void **state)
{
	struct image im = sample_image();
	const char *got;

	(void)state;
	for (size_t len = 0; len < im.len; len++) {
		got = parse_image(&im, len, true);
		if (!got)
			fail_msg("truncated to %zu bytes: accepted", len);
	}
	assert_string_equal(parse_image(&im, 40, true),
			    "t.vmt: byte 40: truncated: the header needs 72 bytes");
	assert_string_equal(parse_image(&im, 100, true),
			    "t.vmt: byte 100: truncated: no room for the 32-byte footer");
	assert_string_equal(parse_image(&im, im.len - 1, true),
			    msg("t.vmt: byte %zu: no footer magic: truncated, or not a whole file",
				im.len - 1 - 32 + 16));
	free(im.buf);
}

/*
 * The checksum the tests expect (reseal(), test_checksum) and the reader's
 * streamed one are both libxxhash's XXH3: this checks that library against
 * the known answers of xxHash's own sanity check (cli/xsum_sanity_check.c,
 * XXH3_64bits with seed 0, over its generated buffer), one-shot and fed
 * in pieces of 7 bytes as a stream, so that neither side is judged only
 * by itself.
 */
static void test_xxh3_known_answers(void **state)
{
	static const struct {
		size_t len;
		uint64_t hash;
	} known[] = {
		{ 0, 0x2D06800538D394C2ull },	 { 1, 0xC44BDFF4074EECDBull },
		{ 6, 0x27B56A84CD2D7325ull },	 { 12, 0xA713DAF0DFBB77E7ull },
		{ 24, 0xA3FE70BF9D3510EBull },	 { 48, 0x397DA259ECBA1F11ull },
		{ 80, 0xBCDEFBBB2C47C90Aull },	 { 195, 0xCD94217EE362EC3Aull },
		{ 403, 0xCDEB804D65C6DEA4ull },	 { 512, 0x617E49599013CB6Bull },
		{ 2048, 0xDD59E2C3A5F038E0ull }, { 2240, 0x6E73A90539CF2948ull },
		{ 2367, 0xCB37AEB9E5D361EDull },
	};
	uint8_t buf[2367];
	uint64_t gen = 2654435761u;	/* the sanity buffer: PRIME32, times PRIME64 */

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(gen >> 56);
		gen *= 11400714785074694797ull;
	}
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		XXH3_state_t *s = XXH3_createState();

		assert_non_null(s);
		assert_int_equal(XXH3_64bits(buf, known[k].len), known[k].hash);
		assert_int_equal(XXH3_64bits_reset(s), XXH_OK);
		for (size_t at = 0; at < known[k].len; at += 7)
			XXH3_64bits_update(s, buf + at, known[k].len - at < 7 ? known[k].len - at : 7);
		assert_int_equal(XXH3_64bits_digest(s), known[k].hash);
		XXH3_freeState(s);
	}
}

static void test_checksum(void **state)
{
	struct image im = sample_image();

	(void)state;
	im.buf[im.ev_off + 64 * 4 + 16] ^= 1;	/* a size bit of event 4, an alloc */
	expect(&im, msg("t.vmt: byte %zu: checksum 0x%016" PRIx64 " does not match the content "
			"(0x%016" PRIx64 ")", im.len - 8, rd64(&im, im.len - 8),
			(uint64_t)XXH3_64bits(im.buf, im.len - 8)));
	/* Not verified, the change is a valid trace (a size is any number). */
	assert_null(parse_image(&im, im.len, false));
	free(im.buf);
}

static void test_bad_counts(void **state)
{
	struct image im = sample_image();
	size_t foot = im.len - 32;
	uint64_t ids_bytes;
	unsigned char *grown;

	(void)state;
	wr64(&im, foot, 9);
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: footer counts 9 events but the file holds 8", foot));
	wr64(&im, foot, 8);

	wr32(&im, 40, 0x10000000);
	reseal(&im);
	expect(&im, "t.vmt: byte 40: 268435456 meta entries do not fit in the file");
	wr32(&im, 40, 2);
	ids_bytes = rd64(&im, 56);
	wr64(&im, 56, im.len);
	reseal(&im);
	expect(&im, msg("t.vmt: byte 56: id table of %zu bytes does not fit in the file", im.len));
	wr64(&im, 56, ids_bytes);
	wr64(&im, 64, UINT64_MAX);
	reseal(&im);
	expect(&im, "t.vmt: byte 64: text table of 18446744073709551615 bytes does not fit in the file");
	free(im.buf);

	/* 8 stray bytes before the footer: not a whole number of records. */
	im = sample_image();
	grown = malloc(im.len + 8);
	memcpy(grown, im.buf, im.len - 32);
	memset(grown + im.len - 32, 0, 8);
	memcpy(grown + im.len - 24, im.buf + im.len - 32, 32);
	free(im.buf);
	im.buf = grown;
	im.len += 8;
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: events: 520 bytes is not a whole number of 64-byte records",
			im.ev_off));
	free(im.buf);
}

static void test_bad_tables(void **state)
{
	struct image im = sample_image();
	size_t ids = 72 + 2 * 8, strs = ids + rd64(&im, 56), end = strs + rd64(&im, 64);
	unsigned char save;

	(void)state;
	/* The id table is "", "a-1.x", "a2", "l0", "l1". */
	assert_int_equal(im.nids, 5);
	assert_memory_equal(im.buf + ids, "\0a-1.x\0a2\0l0\0l1\0", 16);
	im.buf[ids + 8] = '-';			/* "a2" -> "a-", before "a-1.x" */
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: id table: string 2 does not sort after the one before it",
			ids + 7));
	im.buf[ids + 8] = '/';			/* "a/": sorted, but not an id */
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: id table: string 2 is not an id (1 to 255 bytes of "
			"[A-Za-z0-9_.-])", ids + 7));
	im.buf[ids + 8] = '2';
	im.buf[ids + 14] = '0';			/* "l1" -> "l0": a duplicate */
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: id table: string 4 does not sort after the one before it",
			ids + 13));
	im.buf[ids + 14] = '1';
	save = im.buf[ids];
	im.buf[ids] = 'x';			/* first string not empty */
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: id table: the first string is not empty", ids));
	im.buf[ids] = save;
	wr32(&im, 44, 17);			/* more than 16 bytes can hold */
	reseal(&im);
	expect(&im, "t.vmt: byte 44: 17 ids cannot fit in 16 bytes");
	wr32(&im, 44, 6);			/* one string more than the table holds */
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: id table: string 5 of 6 has no terminating NUL "
			"before the table's end", strs));
	wr32(&im, 44, 4);			/* one fewer */
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: id table: 3 bytes after its last string", strs - 3));
	wr32(&im, 44, 5);

	/* The text table, sorted: "", "6.18.44 (x86_64)", "a # b",
	 * "caller=irq_init kind=vmap", "comm=bash future=7", "kernel", "t=5",
	 * "workload". */
	assert_int_equal(im.nstrs, 8);
	assert_memory_equal(im.buf + end - 9, "workload", 9);
	im.buf[end - 2] = '\n';
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: text table: string 7 holds a newline", end - 9));
	free(im.buf);

	/* Meta entries: indexes and key shape. */
	im = sample_image();
	wr32(&im, 72, im.nstrs);
	reseal(&im);
	expect(&im, msg("t.vmt: byte 72: meta 0: string index out of range (%u strings)", im.nstrs));
	wr32(&im, 72, 0);
	reseal(&im);
	expect(&im, "t.vmt: byte 72: meta 0: key is not 1 to 127 bytes without spaces or '#'");
	free(im.buf);
}

static void test_bad_padding(void **state)
{
	struct image im = sample_image();
	size_t end = 72 + 2 * 8 + rd64(&im, 56) + rd64(&im, 64);

	(void)state;
	/* The sample's tables end 63 bytes short of a multiple of 64. */
	assert_int_equal(im.ev_off - end, 63);
	im.buf[end + 1] = 1;
	reseal(&im);
	expect(&im, msg("t.vmt: byte %zu: padding byte is not 0", end + 1));
	free(im.buf);
}

struct event_case {
	size_t event;		/* which event of the sample to change */
	size_t off;		/* byte within the record */
	uint64_t value;
	int width;		/* bytes */
	const char *problem;
};

/* The sample's events: 0 live l1, 1 live l0, 2 alloc a-1.x (all flags),
 * 3 free a-1.x, 4 alloc a2, 5 free l1, 6 purge n=3, 7 purge. */
static const struct event_case event_cases[] = {
	{ 3, 0, 0, 1, "unknown op" },
	{ 3, 0, 5, 1, "unknown op" },
	{ 0, 1, VMT_F_T, 1, "a flag this op does not have" },
	{ 3, 1, VMT_F_ALIGN, 1, "a flag this op does not have" },
	{ 7, 1, VMT_F_VA, 1, "a flag this op does not have" },
	{ 3, 4, 5, 4, "id index out of range" },
	{ 3, 4, 0, 4, "id index out of range" },
	{ 7, 4, 1, 4, "a purge with an id" },
	{ 3, 12, 99, 4, "attrs index out of range" },
	{ 3, 16, 4096, 8, "a field its op and flags do not carry is not 0" },
	{ 4, 24, 4096, 8, "a field its op and flags do not carry is not 0" },
	{ 0, 2, 1, 2, "a field its op and flags do not carry is not 0" },
	{ 7, 16, 1, 8, "a field its op and flags do not carry is not 0" },
	{ 5, 0, VMT_LIVE, 1, "live event after the first alloc/free/purge" },
	/* Text table strings 2 "a # b" and 6 "t=5" (a field on a free line). */
	{ 3, 12, 2, 4, "attrs a text line could not carry" },
	{ 3, 12, 6, 4, "attrs a text line could not carry" },
};

static void test_bad_events(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(event_cases) / sizeof(event_cases[0]); i++) {
		const struct event_case *c = &event_cases[i];
		struct image im = sample_image();
		size_t rec = im.ev_off + 64 * c->event;
		const char *got;
		char want[512];

		memcpy(im.buf + rec + c->off, &c->value, c->width);
		reseal(&im);
		snprintf(want, sizeof(want), "t.vmt: byte %zu: event %zu: %s (op %u, flags 0x%02x, "
			 "id %u, attrs %u)", rec, c->event, c->problem, im.buf[rec], im.buf[rec + 1],
			 rd32(&im, rec + 4), rd32(&im, rec + 12));
		got = parse_image(&im, im.len, true);
		if (!got || strcmp(got, want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, got ? got : "(accepted)", want);
		free(im.buf);
	}
}

/* The writer refuses what the reader would: nothing unreadable is written. */
static void test_writer_refuses(void **state)
{
	struct vmt_err err = { { 0 } };
	struct vmt_trace t;
	char *buf = NULL;
	size_t len;
	FILE *f;

	(void)state;
	parse_sample(&t);
	t.ev[3].size = 1;	/* a free with a size */
	f = open_memstream(&buf, &len);
	assert_int_equal(vmt_bin_write("out.vmt", &t, f, &err), -EINVAL);
	fclose(f);
	assert_string_equal(err.msg,
			    "out.vmt: event 3: a field its op and flags do not carry is not 0");
	free(buf);
	vmt_trace_free(&t);
}

static void test_bad_zstd(void **state)
{
	char *path = tmp_path("bad.vmt.zst");
	struct vmt_err err = { { 0 } };
	struct vmt_trace a, b;
	size_t len, zlen;
	void *bin, *z;

	(void)state;
	parse_sample(&a);
	bin = as_binary(&a, &len);
	z = zstd_of(bin, len, &zlen);

	write_file(path, z, zlen - 5);
	assert_int_equal(vmt_trace_load(path, &b, &err), -EINVAL);
	assert_string_equal(err.msg, msg("%s: byte %zu: zstd: truncated frame", path, zlen - 5));
	vmt_trace_free(&b);

	memset((char *)z + 6, 0xff, zlen - 6);	/* garbage after a frame header */
	write_file(path, z, zlen);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vmt_trace_load(path, &b, &err), -EINVAL);
	assert_memory_equal(err.msg, path, strlen(path));
	assert_non_null(strstr(err.msg, ": zstd: "));
	vmt_trace_free(&b);

	/* A good frame around a bad binary: the error names the content. */
	((unsigned char *)bin)[8] = 9;
	free(z);
	z = zstd_of(bin, len, &zlen);
	write_file(path, z, zlen);
	memset(&err, 0, sizeof(err));
	assert_int_equal(vmt_trace_load(path, &b, &err), -EINVAL);
	assert_string_equal(err.msg, msg("%s (decompressed): byte 8: binary format version 9 is "
					 "not supported (this is version 1)", path));
	vmt_trace_free(&b);
	vmt_trace_free(&a);
	free(bin);
	free(z);
	free(path);
}

static int make_tmpdir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char *cmd;
	int ret;

	(void)state;
	if (asprintf(&cmd, "rm -rf '%s'", tmpdir) < 0)
		return -1;
	ret = system(cmd);
	free(cmd);
	return ret;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_push_after_load),
		cmocka_unit_test(test_sniff_by_content),
		cmocka_unit_test(test_good_image),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_xxh3_known_answers),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_bad_counts),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_bad_padding),
		cmocka_unit_test(test_bad_events),
		cmocka_unit_test(test_writer_refuses),
		cmocka_unit_test(test_bad_zstd),
	};

	return cmocka_run_group_tests_name("binary format", tests, make_tmpdir, remove_tmpdir);
}
