/* SPDX-License-Identifier: MIT */
/*
 * Trace I/O benchmark.
 *   bench_trace gen N SEED OUT...   writes a seeded synthetic trace of N
 *                                   events to each OUT (format by name)
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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace/generate.h"
#include "trace/trace_io.h"

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

int main(int argc, char **argv)
{
	int ret = 2;

	if (argc >= 2 && !strcmp(argv[1], "gen"))
		ret = cmd_gen(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "read"))
		ret = cmd_read(argc, argv);
	if (ret == 2)
		fprintf(stderr, "usage: bench_trace gen N SEED OUT... | bench_trace read FILE\n");
	return ret;
}
