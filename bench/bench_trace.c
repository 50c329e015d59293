/* SPDX-License-Identifier: MIT */
/*
 * Trace I/O benchmark.
 *   bench_trace gen N SEED OUT...   writes a seeded synthetic trace of N
 *                                   events to each OUT (format by name)
 *   bench_trace stream-gen N LIVE SEED OUT   the same generator's trace
 *                                   of N events at LIVE live areas, written
 *                                   as it is made (bench/stream.sh)
 *   bench_trace stream FILE         times reading FILE as replay streams it
 *   bench_trace read FILE           times reading FILE raw (read(2) into a
 *                                   buffer, like cat > /dev/null) and then
 *                                   vmt_trace_load (no model), and prints
 *                                   one JSON object
 * bench/read.sh drives it.  The trace is trace/generate.h's, with the
 * fields a recorded trace has (recorded_fields), so the readers meet
 * realistic line shapes and id counts (every alloc has a fresh id, the
 * worst case for interning): around 20000 live areas, up to 1000 of them
 * in the snapshot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/outfile.h"
#include "trace/generate.h"
#include "trace/trace_bin.h"
#include "trace/trace_io.h"
#include "trace/zstd_io.h"

static int cmd_gen(int argc, char **argv)
{
	struct vmt_err err = { { 0 } };
	struct vmt_trace t;
	struct gen_opts o;
	uint64_t n;
	int ret;

	if (argc < 5)
		return 2;
	n = strtoull(argv[2], NULL, 0);
	gen_opts_default(&o);
	o.seed = strtoull(argv[3], NULL, 0);
	o.snapshot = n / 1000 < 1000 ? n / 1000 : 1000;
	o.events = n - o.snapshot;
	o.live_target = 20000;
	o.recorded_fields = true;
	ret = vmt_generate(&o, &t);
	for (int i = 4; !ret && i < argc; i++)
		ret = vmt_trace_save(argv[i], &t, &err);
	if (ret)
		fprintf(stderr, "bench_trace gen: %s\n", err.msg[0] ? err.msg : strerror(-ret));
	vmt_trace_free(&t);
	return ret ? 1 : 0;
}

/* The digits of the streamed trace's ids: zero-padded, their byte order
 * is their number's, so an area's number is its id's index. */
static int id_digits;

static void padded_id(uint32_t i, char *name)
{
	if (i)
		sprintf(name, "a%0*" PRIu32, id_digits, i);
	else
		name[0] = '\0';
}

static int count_event(void *arg, const struct vmt_event *ev)
{
	(void)ev;
	++*(uint64_t *)arg;
	return 0;
}

struct stream_out {
	struct vmt_bin_writer *w;
	struct vmt_err *err;
};

static int write_event(void *arg, const struct vmt_event *ev)
{
	struct stream_out *so = arg;

	return vmt_bin_writer_event(so->w, ev, so->err);
}

/*
 * bench_trace stream-gen N LIVE SEED OUT: the generator's trace of N
 * events at LIVE live areas, written as it is made (binary, zstd when OUT
 * ends in .zst): the generator runs twice, first to count the ids.
 */
static int cmd_stream_gen(int argc, char **argv)
{
	struct vmt_err err = { { 0 } };
	struct vmt_trace t = { 0 }, again = { 0 };
	struct stream_out so = { NULL, &err };
	struct outfile out = { 0 };
	struct gen_opts o;
	uint64_t counted = 0;
	uint32_t nids;
	FILE *f = NULL;
	int ret;

	if (argc != 6)
		return 2;
	gen_opts_default(&o);
	o.events = strtoull(argv[2], NULL, 0);
	o.live_target = strtoull(argv[3], NULL, 0);
	o.seed = strtoull(argv[4], NULL, 0);
	if ((ret = vmt_generate_each(&o, &t, count_event, &counted, &nids)))
		goto out;
	id_digits = snprintf(NULL, 0, "%" PRIu32, nids - 1);
	if ((ret = outfile_open(&out, argv[5])))
		goto out;
	f = strstr(argv[5], ".zst") ? zstd_compress_open(out.f) : out.f;
	ret = f ? vmt_bin_writer_open(argv[5], &t, nids, padded_id, f, &so.w, &err) : -ENOMEM;
	if (!ret)
		ret = vmt_generate_each(&o, &again, write_event, &so, &nids);
	if (!ret) {
		ret = vmt_bin_writer_end(so.w);
		so.w = NULL;
	}
	if (f != out.f && f && fclose(f) && !ret)
		ret = -EIO;
	if (!ret)
		ret = outfile_commit(&out);
	if (!ret)
		fprintf(stderr, "wrote %s: %" PRIu64 " events, %" PRIu32 " ids\n", argv[5], counted,
			nids - 1);
out:
	vmt_bin_writer_free(so.w);
	outfile_abort(&out);
	vmt_trace_free(&t);
	vmt_trace_free(&again);
	if (ret)
		fprintf(stderr, "bench_trace stream-gen: %s\n", err.msg[0] ? err.msg : strerror(-ret));
	return ret ? 1 : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads @path through a 128 KiB buffer, as cat does; returns bytes or -1. */
static long long read_raw(const char *path)
{
	static char buf[128 << 10];
	long long total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	return n < 0 ? -1 : total;
}

static int cmd_read(int argc, char **argv)
{
	struct vmt_err err = { { 0 } };
	struct vmt_source src;
	struct vmt_trace t;
	double t0, t1, t2;
	long long bytes;

	if (argc != 3)
		return 2;
	t0 = now_s();
	bytes = read_raw(argv[2]);
	t1 = now_s();
	if (bytes < 0 || vmt_trace_load_from(argv[2], true, &t, &src, &err)) {
		fprintf(stderr, "bench_trace read: %s\n", err.msg[0] ? err.msg : "cannot read");
		return 1;
	}
	t2 = now_s();
	printf("{\"file\": \"%s\", \"format\": \"%s%s\", \"bytes\": %lld, \"events\": %zu, "
	       "\"raw_s\": %.6f, \"load_s\": %.6f, \"events_per_s\": %.0f, "
	       "\"raw_bytes_per_s\": %.0f, \"load_over_raw\": %.3f}\n",
	       argv[2], src.binary ? "binary" : "text", src.zstd ? "+zstd" : "", bytes,
	       t.nev, t1 - t0, t2 - t1, t.nev / (t2 - t1), bytes / (t1 - t0),
	       (t2 - t1) / (t1 - t0));
	vmt_trace_free(&t);
	return 0;
}

/* CPU seconds of this process: the machine may be shared. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One read of @path as replay streams it; events, or -1 with @err set. */
static long long stream_pass(const char *path, bool verify, struct vmt_err *err)
{
	static struct vmt_event ev[4096];
	struct vmt_bin_stream *s = NULL;
	struct vmt_trace t;
	long long total = 0;
	size_t n = 0;
	int ret = vmt_trace_init(&t);

	if (!ret)
		ret = vmt_bin_stream_open(path, verify, &t, &s, err);
	do {
		total += n;
		if (!ret)
			ret = vmt_bin_stream_read(s, &t, ev, 4096, &n, err);
	} while (!ret && n);
	vmt_bin_stream_close(s);
	vmt_trace_free(&t);
	return ret ? -1 : total;
}

/*
 * bench_trace stream FILE: times reading a binary trace as `vmtrace
 * replay` streams it: once with the checksum (its first pass), once
 * without (the decoding of its replay pass), in CPU seconds.
 */
static int cmd_stream(int argc, char **argv)
{
	struct vmt_err err = { { 0 } };
	double t0, t1, t2;
	long long checked, events;

	if (argc != 3)
		return 2;
	t0 = cpu_s();
	checked = stream_pass(argv[2], true, &err);
	t1 = cpu_s();
	events = checked < 0 ? -1 : stream_pass(argv[2], false, &err);
	t2 = cpu_s();
	if (events < 0) {
		fprintf(stderr, "bench_trace stream: %s\n", err.msg[0] ? err.msg : "cannot read");
		return 1;
	}
	printf("{\"file\": \"%s\", \"events\": %lld, \"checked_cpu_s\": %.6f, "
	       "\"decode_cpu_s\": %.6f}\n",
	       argv[2], events, t1 - t0, t2 - t1);
	return 0;
}

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc >= 2 && !strcmp(argv[1], "gen"))
		ret = cmd_gen(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "read"))
		ret = cmd_read(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "stream-gen"))
		ret = cmd_stream_gen(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "stream"))
		ret = cmd_stream(argc, argv);
	if (ret == 2)
		fprintf(stderr, "usage: bench_trace gen N SEED OUT... | bench_trace read FILE | "
			"bench_trace stream-gen N LIVE SEED OUT | bench_trace stream FILE\n");
	return ret;
}
