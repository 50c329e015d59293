/* SPDX-License-Identifier: MIT */
/*
 * Binary trace format v1: the streamed reader (`.vmt`, or `.vmt.zst`
 * decompressed as it is read), which holds one block of events at a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "trace/bin_check.h"
#include "trace/trace_text.h"
#include "trace/zstd_io.h"

/* Bytes held at once: a block of events and the footer that may follow. */
#define STREAM_HOLD (EVENT_BLOCK * VMT_BIN_RECORD_SIZE + VMT_BIN_FOOTER_SIZE)

struct vmt_bin_stream {
	char *path, *name;		/* the file; the name messages give it */
	int fd;
	struct zstd_reader *z;		/* NULL: the file is the binary itself */
	XXH3_state_t *hash;		/* NULL: the checksum is not verified */
	unsigned char *buf;		/* [start, end): read, not yet consumed */
	size_t start, end;
	uint64_t pos;			/* file offset of buf[start] */
	bool eof;
	struct bin_layout L;
	struct event_limits lim;
	uint64_t nev;			/* events delivered so far */
	bool done;
};

static struct bin_reader stream_reader(const struct vmt_bin_stream *s, struct vmt_err *err)
{
	return (struct bin_reader){ s->name, s->buf + s->start, s->end - s->start, err };
}

/* Reads until @want bytes are held or the input ends.  0 or -errno. */
static int stream_fill(struct vmt_bin_stream *s, size_t want, struct vmt_err *err)
{
	long got;

	if (s->end - s->start >= want || s->eof)
		return 0;
	if (s->start) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	while (s->end < want && !s->eof) {
		if (s->z) {
			got = zstd_reader_read(s->z, s->buf + s->end, STREAM_HOLD - s->end, err);
		} else {
			do
				got = read(s->fd, s->buf + s->end, STREAM_HOLD - s->end);
			while (got < 0 && errno == EINTR);
			if (got < 0) {
				vmt_err_set(err, "%s: cannot read: %s", s->path, strerror(errno));
				got = -EIO;
			}
		}
		if (got < 0)
			return (int)got;
		s->eof = !got;
		s->end += got;
	}
	return 0;
}

/* Consumes @n held bytes, into the checksum. */
static void stream_take(struct vmt_bin_stream *s, size_t n)
{
	if (s->hash)
		XXH3_64bits_update(s->hash, s->buf + s->start, n);
	s->start += n;
	s->pos += n;
}

static int stream_truncated(struct vmt_bin_stream *s, const char *what, struct vmt_err *err)
{
	struct bin_reader R = stream_reader(s, err);

	return bin_bad(&R, s->pos + (s->end - s->start), "truncated: the file ends in the %s", what);
}

/* Consumes @n bytes (any number), copying them to @to unless NULL. */
static int stream_copy(struct vmt_bin_stream *s, void *to, uint64_t n, const char *what,
		       struct vmt_err *err)
{
	int ret;

	while (n) {
		size_t step = n < STREAM_HOLD ? n : STREAM_HOLD, have;

		if ((ret = stream_fill(s, step, err)))
			return ret;
		have = s->end - s->start;
		if (have < step)
			return stream_truncated(s, what, err);
		if (to) {
			memcpy(to, s->buf + s->start, step);
			to = (char *)to + step;
		}
		stream_take(s, step);
		n -= step;
	}
	return 0;
}

/*
 * Reads the next @n bytes into a new buffer (*@out, NUL-terminated; free()
 * it), grown as they come: a forged size ends at the end of the file,
 * before it is allocated.
 */
static int stream_read_grown(struct vmt_bin_stream *s, uint64_t n, const char *what,
			     char **out, struct vmt_err *err)
{
	size_t cap = 0, got = 0;
	char *buf = NULL, *grown;
	int ret = 0;

	while (!ret) {
		size_t step = n - got < STREAM_HOLD ? n - got : STREAM_HOLD;

		if (got + step + 1 > cap) {
			cap = cap ? 2 * cap : step + 1;
			cap = cap < n + 1 ? cap : n + 1;
			if (!(grown = realloc(buf, cap))) {
				ret = -ENOMEM;
				break;
			}
			buf = grown;
		}
		if (!step)
			break;
		ret = stream_copy(s, buf + got, step, what, err);
		got += step;
	}
	if (!ret)
		buf[got] = '\0';
	else
		free(buf);
	*out = ret ? NULL : buf;
	return ret;
}

/*
 * Walks the id table, checking every string, keeping none but the one
 * before (ids are the bulk of a long trace's tables).  With @want > 0,
 * stops after string @want and copies it to @name (VMT_ID_MAX + 1 bytes).
 */
static int stream_ids(struct vmt_bin_stream *s, uint64_t bytes, uint32_t want, char *name,
		      struct vmt_err *err)
{
	char prev[VMT_ID_MAX + 1];
	uint64_t left = bytes;
	int ret;

	if (!s->L.nids) {
		struct bin_reader R = stream_reader(s, err);

		return bin_no_empty_table(&R, "id", s->pos);
	}
	for (uint32_t i = 0; i < s->L.nids; i++) {
		size_t look = left < VMT_ID_MAX + 2 ? left : VMT_ID_MAX + 2, len;
		struct bin_reader R;
		const char *str, *nul;

		if ((ret = stream_fill(s, look, err)))
			return ret;
		if (s->end - s->start < look)
			return stream_truncated(s, "id table", err);
		R = stream_reader(s, err);
		str = (const char *)s->buf + s->start;
		nul = memchr(str, '\0', look);
		if (!nul && look == left)
			return bin_no_nul(&R, "id", s->pos, i, s->L.nids);
		len = nul ? (size_t)(nul - str) : look;
		if (!nul) /* longer than any id: refused as too long */
			return bin_check_table_string(&R, "id", s->pos, i, "", len, NULL, true);
		if ((ret = bin_check_table_string(&R, "id", s->pos, i, str, len, i ? prev : NULL, true)))
			return ret;
		memcpy(prev, str, len + 1);
		stream_take(s, len + 1);
		left -= len + 1;
		if (want && i == want) {
			memcpy(name, prev, len + 1);
			return 0;
		}
	}
	if (left) {
		struct bin_reader R = stream_reader(s, err);

		return bin_table_left_over(&R, "id", s->pos, s->pos + left);
	}
	return 0;
}

/* Opens @path and reads the fixed header.  -ENOTSUP when it is no binary trace. */
static int stream_open_header(const char *path, bool verify, struct vmt_trace *t,
			      struct vmt_bin_stream **out, uint64_t *ids_bytes,
			      uint64_t *strs_bytes, struct vmt_err *err)
{
	struct vmt_bin_stream *s = calloc(1, sizeof(*s));
	unsigned char magic[4];
	struct bin_reader R;
	struct stat st;
	int ret = -ENOMEM;

	*out = s;
	if (!s)
		goto out;
	s->fd = -1;
	if (!(s->path = strdup(path)) || !(s->buf = malloc(STREAM_HOLD)))
		goto out;
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	ret = -ENOTSUP;
	/* Streams read regular files; the rest (pipes, errors) load whole. */
	if (s->fd < 0 || fstat(s->fd, &st) || !S_ISREG(st.st_mode) ||
	    pread(s->fd, magic, sizeof(magic), 0) != sizeof(magic))
		goto out;
	ret = -ENOMEM;
	if (zstd_sniff(magic, sizeof(magic)) && zstd_reader_open(path, s->fd, &s->z))
		goto out;
	if (asprintf(&s->name, s->z ? "%s (decompressed)" : "%s", path) < 0) {
		s->name = NULL;
		goto out;
	}
	if (verify && (!(s->hash = XXH3_createState()) || XXH3_64bits_reset(s->hash) != XXH_OK))
		goto out;
	if ((ret = stream_fill(s, VMT_BIN_HEADER_SIZE, err)))
		goto out;
	if (!vmt_bin_sniff(s->buf, s->end)) {
		ret = -ENOTSUP;
		goto out;
	}
	R = stream_reader(s, err);
	if ((ret = bin_read_header_fields(&R, t)))
		goto out;
	*ids_bytes = bin_get64(s->buf + VMT_BIN_OFF_IDS_BYTES);
	*strs_bytes = bin_get64(s->buf + VMT_BIN_OFF_STRS_BYTES);
	if ((ret = bin_read_table_counts(&R, &s->L, *ids_bytes, *strs_bytes)))
		goto out;
	stream_take(s, VMT_BIN_HEADER_SIZE);
out:
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory", path);
	return ret;
}

/* Whether the last @have bytes held, at the end of the file, are no footer. */
static int stream_no_footer(struct vmt_bin_stream *s, size_t have, struct vmt_err *err)
{
	struct bin_reader R = stream_reader(s, err);

	if (have >= VMT_BIN_FOOTER_SIZE &&
	    !memcmp(s->buf + s->end - VMT_BIN_FOOTER_SIZE + VMT_BIN_FOOT_MAGIC,
		    VMT_BIN_FOOTER_MAGIC, 8))
		return 0;
	return bin_bad(&R, s->pos + have - (have < VMT_BIN_FOOTER_SIZE ? 0 :
					VMT_BIN_FOOTER_SIZE - VMT_BIN_FOOT_MAGIC),
		   "no footer magic: truncated, or not a whole file");
}

/* The checksum of everything consumed, against the footer held at start. */
static int stream_checksum(struct vmt_bin_stream *s, struct vmt_err *err)
{
	const unsigned char *f = s->buf + s->start;
	struct bin_reader R = stream_reader(s, err);
	uint64_t want, got;

	if (!s->hash)
		return 0;
	XXH3_64bits_update(s->hash, f, VMT_BIN_FOOT_CHECKSUM);
	got = XXH3_64bits_digest(s->hash);
	want = bin_get64(f + VMT_BIN_FOOT_CHECKSUM);
	if (got != want)
		return bin_bad(&R, s->pos + VMT_BIN_FOOT_CHECKSUM,
			   "checksum 0x%016" PRIx64 " does not match the content (0x%016" PRIx64 ")",
			   want, got);
	return 0;
}

/*
 * After a table or event error @ret (its message in @first): reads to the
 * end for the checksum, which, when it does not match, explains the error
 * and is said instead, as vmt_bin_parse() does.
 */
static int stream_fail(struct vmt_bin_stream *s, int ret, const struct vmt_err *first,
		       struct vmt_err *err)
{
	size_t have;

	s->done = true;
	while (ret == -EINVAL && s->hash) {
		if (stream_fill(s, STREAM_HOLD, err) || stream_no_footer(s, s->end - s->start, err))
			return -EINVAL;
		have = s->end - s->start;
		stream_take(s, have - VMT_BIN_FOOTER_SIZE);
		if (s->eof) {
			if (stream_checksum(s, err))
				return -EINVAL;
			break;
		}
	}
	vmt_err_set(err, "%s", first->msg);
	return ret;
}

int vmt_bin_stream_open(const char *path, bool verify_checksum, struct vmt_trace *t,
			struct vmt_bin_stream **out, struct vmt_err *caller_err)
{
	struct vmt_err first = { { 0 } }, *err = caller_err;
	struct vmt_bin_stream *s;
	unsigned char *meta = NULL;
	char *strs;
	uint64_t ids_bytes, strs_bytes, meta_bytes, end;
	struct bin_reader R;
	int ret;

	ret = stream_open_header(path, verify_checksum, t, &s, &ids_bytes, &strs_bytes, err);
	*out = s;
	if (ret)
		goto out;
	/* Errors from here on may be a checksum's: said at the end (stream_fail). */
	err = &first;
	meta_bytes = (uint64_t)s->L.nmeta * VMT_BIN_META_SIZE;
	s->L.meta_off = VMT_BIN_HEADER_SIZE;
	if ((ret = stream_read_grown(s, meta_bytes, "meta entries", (char **)&meta, err)))
		goto out;
	s->L.ids_off = s->pos;
	if ((ret = stream_ids(s, ids_bytes, 0, NULL, err)))
		goto out;
	s->L.strs_off = s->pos;
	/* The trace keeps the text table: its strings are borrowed from it. */
	if ((ret = stream_read_grown(s, strs_bytes, "text table", &strs, err)))
		goto out;
	t->backing = strs;
	t->release = free;
	R = stream_reader(s, err);
	if ((ret = bin_read_table(&R, "text", strs, s->L.strs_off, strs_bytes, s->L.nstrs,
			      false, &t->strs)) ||
	    (ret = bin_read_meta(&R, meta, s->L.meta_off, s->L.nmeta, s->L.nstrs, t)))
		goto out;
	end = (s->pos + VMT_BIN_EVENT_ALIGN - 1) & ~(uint64_t)(VMT_BIN_EVENT_ALIGN - 1);
	if ((ret = stream_fill(s, end - s->pos, err)))
		goto out;
	if (s->end - s->start < end - s->pos) {
		ret = stream_truncated(s, "padding before the events", err);
		goto out;
	}
	for (uint64_t i = 0; i < end - s->pos; i++)
		if (s->buf[s->start + i]) {
			ret = bin_bad(&R, s->pos + i, "padding byte is not 0");
			goto out;
		}
	stream_take(s, end - s->pos);
	s->L.ev_off = s->pos;
	s->lim = (struct event_limits){ s->L.nids, &t->strs, calloc(t->strs.count, 1), false };
	ret = s->lim.attrs_ok ? 0 : -ENOMEM;
out:
	free(meta);
	if (ret == -ENOMEM)
		vmt_err_set(err, "%s: out of memory", path);
	if (ret && err == &first)
		ret = stream_fail(s, ret, &first, caller_err);
	return ret;
}

/* The footer, once the events are read: count, lost events, checksum. */
static int stream_footer(struct vmt_bin_stream *s, struct vmt_trace *t, struct vmt_err *err)
{
	const unsigned char *f = s->buf + s->start;
	struct bin_reader R = stream_reader(s, err);

	if (bin_get64(f + VMT_BIN_FOOT_COUNT) != s->nev)
		return bin_bad(&R, s->pos + VMT_BIN_FOOT_COUNT,
			   "footer counts %" PRIu64 " events but the file holds %" PRIu64,
			   bin_get64(f + VMT_BIN_FOOT_COUNT), s->nev);
	t->lost_events = bin_get64(f + VMT_BIN_FOOT_LOST);
	return stream_checksum(s, err);
}

int vmt_bin_stream_read(struct vmt_bin_stream *s, struct vmt_trace *t, struct vmt_event *ev,
			size_t max, size_t *n, struct vmt_err *err)
{
	size_t have, k;
	int ret;

	*n = 0;
	if (s->done)
		return 0;
	max = max < EVENT_BLOCK ? max : EVENT_BLOCK;
	if ((ret = stream_fill(s, max * VMT_BIN_RECORD_SIZE + VMT_BIN_FOOTER_SIZE, err)))
		return ret;
	have = s->end - s->start;
	if (s->eof && have < VMT_BIN_FOOTER_SIZE + VMT_BIN_RECORD_SIZE) {
		struct bin_reader R = stream_reader(s, err);

		s->done = true;
		if ((ret = stream_no_footer(s, have, err)))
			return ret;
		if (have > VMT_BIN_FOOTER_SIZE)
			return bin_bad(&R, s->L.ev_off, "events: %" PRIu64 " bytes is not a whole number "
				   "of %d-byte records", s->pos - s->L.ev_off + have -
				   VMT_BIN_FOOTER_SIZE, VMT_BIN_RECORD_SIZE);
		return stream_footer(s, t, err);
	}
	k = (have - VMT_BIN_FOOTER_SIZE) / VMT_BIN_RECORD_SIZE;
	k = k < max ? k : max;
	memcpy(ev, s->buf + s->start, k * VMT_BIN_RECORD_SIZE);
	for (size_t i = 0; i < k; i++) {
		const char *problem = event_problem(&ev[i], &s->lim);

		if (problem) {
			struct vmt_err first = { { 0 } };
			struct bin_reader R = stream_reader(s, &first);

			ret = bin_bad(&R, s->pos + i * VMT_BIN_RECORD_SIZE,
				  "event %" PRIu64 ": %s (op %u, flags 0x%02x, id %" PRIu32
				  ", attrs %" PRIu32 ")", s->nev + i, problem, ev[i].op,
				  ev[i].flags, ev[i].id, ev[i].attrs);
			return stream_fail(s, ret, &first, err);
		}
	}
	stream_take(s, k * VMT_BIN_RECORD_SIZE);
	s->nev += k;
	*n = k;
	return 0;
}

uint32_t vmt_bin_stream_nids(const struct vmt_bin_stream *s)
{
	return s->L.nids;
}

int vmt_bin_stream_id_name(const struct vmt_bin_stream *s, uint32_t id, char *name)
{
	struct vmt_err err = { { 0 } };
	struct vmt_bin_stream *again;
	struct vmt_trace header;
	uint64_t ids_bytes, strs_bytes;
	int ret;

	if ((ret = vmt_trace_init(&header)))
		return ret;
	ret = stream_open_header(s->path, false, &header, &again, &ids_bytes, &strs_bytes, &err);
	if (!ret)
		ret = stream_copy(again, NULL, (uint64_t)again->L.nmeta * VMT_BIN_META_SIZE, "meta",
				  &err);
	if (!ret)
		ret = stream_ids(again, ids_bytes, id, name, &err);
	vmt_bin_stream_close(again);
	vmt_trace_free(&header);
	return ret;
}

void vmt_bin_stream_close(struct vmt_bin_stream *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	zstd_reader_close(s->z);
	XXH3_freeState(s->hash);
	free(s->lim.attrs_ok);
	free(s->buf);
	free(s->name);
	free(s->path);
	free(s);
}
