/* SPDX-License-Identifier: MIT */
/*
 * Loading traces in any format, picked by content, and saving them in the
 * one their name asks for (trace_io.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/outfile.h"
#include "trace/trace_bin.h"
#include "trace/trace_io.h"
#include "trace/trace_text.h"
#include "trace/zstd_io.h"

static int read_all(int fd, struct input_file *in)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (!n)
			break;
		len += n;
	}
	in->data = buf;
	in->len = len;
	in->mapped = false;
	return 0;
}

/*
 * Maps @len bytes of @fd read-only at a 2 MiB boundary, where the page
 * cache's large folios can be mapped whole (one entry per 2 MiB instead of
 * 512), populated up front: on the project's VM the first touch of each
 * 4 KiB mapping costs about a microsecond and a half, more than reading
 * its bytes.  Returns the mapping or MAP_FAILED with errno set.
 */
static void *map_file(int fd, size_t len)
{
	const size_t align = 2u << 20, page = sysconf(_SC_PAGESIZE);
	size_t span = (len + page - 1) & ~(page - 1);
	char *area, *at;
	void *p;

	if (len > SIZE_MAX - 2 * align) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	area = mmap(NULL, span + align, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED)
		return MAP_FAILED;
	at = (char *)(((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1));
	p = mmap(at, len, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED) {
		munmap(area, span + align);
		return MAP_FAILED;
	}
	/* Give back the reservation on either side of the mapping. */
	if (at > area)
		munmap(area, at - area);
	if (area + align > at)
		munmap(at + span, area + align - at);
	return p;
}

int input_file_open(const char *path, struct input_file *in, struct vmt_err *err)
{
	struct stat st;
	int fd, ret = 0;
	void *p;

	memset(in, 0, sizeof(*in));
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		p = map_file(fd, st.st_size);
		if (p == MAP_FAILED) {
			ret = -errno;
			goto out;
		}
		madvise(p, st.st_size, MADV_SEQUENTIAL);
		in->data = p;
		in->len = st.st_size;
		in->mapped = true;
	} else {
		ret = read_all(fd, in);
	}
out:
	if (ret)
		vmt_err_set(err, "%s: cannot read: %s", path, strerror(-ret));
	if (fd > STDIN_FILENO)
		close(fd);
	return ret;
}

void input_file_close(struct input_file *in)
{
	if (in->mapped)
		munmap((void *)in->data, in->len);
	else
		free((void *)in->data);
	memset(in, 0, sizeof(*in));
}

/* Hands a loaded file to the trace that reads it in place. */
static void input_file_release(void *in)
{
	input_file_close(in);
	free(in);
}

/* Bytes read to tell a trace from anything else before mapping it all. */
#define PREFIX_BYTES 4096

/*
 * Reads the first bytes of a regular file and refuses one that cannot be
 * a trace in any format: mapping and populating a large file costs its
 * whole size in reads, before the parser would look at byte 0.  Pipes and
 * files it cannot open pass (input_file_open says what is wrong).
 */
static int check_prefix(const char *path, struct vmt_err *err)
{
	char buf[PREFIX_BYTES];
	struct stat st;
	ssize_t n = -1;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : -1;

	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode))
		n = pread(fd, buf, sizeof(buf), 0);
	if (fd >= 0)
		close(fd);
	if (n <= 0 || zstd_sniff(buf, n) || vmt_bin_sniff(buf, n) ||
	    (size_t)n < VMT_BIN_MAGIC_LEN || vmt_text_may_start(buf, n))
		return 0;
	vmt_err_set(err, "%s:1: not a vmtrace trace (expected a 'vmtrace 1' line or the binary "
		    "magic)", path);
	return -EINVAL;
}

/* Replaces @in by its decompressed content. */
static int input_file_decompress(const char *path, struct input_file *in,
				 struct vmt_err *err)
{
	void *raw;
	size_t len;
	int ret = zstd_decompress_all(path, in->data, in->len, &raw, &len, err);

	input_file_close(in);
	if (!ret)
		*in = (struct input_file){ raw, len, false };
	return ret;
}

/* vmt_trace_load_from, @t ticking @progress (may be NULL) as it reads. */
static int load(const char *path, bool verify_checksum, struct vmt_trace *t,
		struct vmt_source *src, struct progress *progress, struct vmt_err *err)
{
	struct input_file in, *kept;
	char *name = NULL;
	int ret;

	ret = vmt_trace_init(t);
	if (ret) {
		vmt_err_set(err, "%s: out of memory", path);
		return ret;
	}
	t->progress = progress;
	memset(src, 0, sizeof(*src));
	ret = check_prefix(path, err);
	if (!ret)
		ret = input_file_open_plain(path, &in, &src->zstd, err);
	if (ret)
		goto out;
	/* Offsets and lines in errors are then those of the decompressed bytes. */
	if (asprintf(&name, src->zstd ? "%s (decompressed)" : "%s", path) < 0) {
		name = NULL;
		ret = -ENOMEM;
		vmt_err_set(err, "%s: out of memory", path);
	} else if (vmt_bin_sniff(in.data, in.len)) {
		src->binary = true;
		src->version = VMT_BIN_VERSION;
		kept = malloc(sizeof(*kept));
		if (!kept) {
			ret = -ENOMEM;
			vmt_err_set(err, "%s: out of memory", path);
			goto close;
		}
		*kept = in;
		memset(&in, 0, sizeof(in));
		t->backing = kept;
		t->release = input_file_release;
		ret = vmt_bin_parse(name, kept->data, kept->len, verify_checksum, t, err);
	} else if (vmt_text_sniff(in.data, in.len)) {
		src->version = VMT_TEXT_VERSION;
		ret = vmt_trace_track_lines(t);
		if (!ret)
			ret = vmt_text_parse(name, in.data, in.len, t, err);
	} else {
		vmt_err_set(err, "%s:1: not a vmtrace trace (expected a 'vmtrace 1' line "
			    "or the binary magic)", name);
		ret = -EINVAL;
	}
close:
	input_file_close(&in);
out:
	free(name);
	if (ret) {
		vmt_trace_free(t);
		vmt_trace_init(t);
	}
	return ret;
}

int input_file_open_plain(const char *path, struct input_file *in, bool *was_zstd,
			  struct vmt_err *err)
{
	int ret = input_file_open(path, in, err);
	bool zstd = !ret && zstd_sniff(in->data, in->len);

	if (was_zstd)
		*was_zstd = zstd;
	if (zstd)
		ret = input_file_decompress(path, in, err);
	return ret;
}

int vmt_trace_load_from(const char *path, bool verify_checksum, struct vmt_trace *t,
			struct vmt_source *src, struct vmt_err *err)
{
	return load(path, verify_checksum, t, src, NULL, err);
}

int vmt_trace_load(const char *path, struct vmt_trace *t, struct vmt_err *err)
{
	struct vmt_source src;

	return load(path, true, t, &src, NULL, err);
}

int vmt_trace_load_shown(const char *path, struct vmt_trace *t, struct progress *progress,
			 struct vmt_err *err)
{
	struct vmt_source src;

	return load(path, true, t, &src, progress, err);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int vmt_trace_save(const char *path, const struct vmt_trace *t, struct vmt_err *err)
{
	bool zst = ends_with(path, ".vmt.zst"), binary = zst || ends_with(path, ".vmt");
	struct outfile out;
	FILE *f;
	int ret;

	ret = outfile_open(&out, path);
	if (ret) {
		vmt_err_set(err, "%s: cannot create: %s", path, strerror(-ret));
		return ret;
	}
	f = zst ? zstd_compress_open(out.f) : out.f;
	if (!f) {
		ret = -ENOMEM;
		goto out;
	}
	ret = binary ? vmt_bin_write(path, t, f, err) : vmt_text_write(t, f);
	if (zst && fclose(f) && !ret)
		ret = -EIO;
	if (!ret)
		ret = outfile_commit(&out);
out:
	outfile_abort(&out);
	if (ret)
		vmt_err_set(err, "%s: cannot write: %s", path, strerror(-ret));
	return ret;
}
