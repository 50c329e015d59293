/* SPDX-License-Identifier: MIT */
/*
 * Trace I/O benchmark.
 *   bench_trace gen N SEED OUT...   writes a seeded synthetic trace of N
 *                                   events to each OUT (format by name)
 *   bench_trace read FILE           times reading FILE raw (read(2) into a
 *                                   buffer, like cat > /dev/null) and then
 *                                   vmt_trace_load (no model), and prints
 *                                   one JSON object
 * bench/run.sh drives it.  The generator is deliberately simple: it only
 * has to give the readers realistic line shapes and id counts (every
 * alloc has a fresh id, the worst case for interning).
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

#include "trace/trace_io.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: plenty for synthetic traces, and reproducible. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

#define WINDOW_LO 0xffffc90000000000ull
#define WINDOW_HI 0xffffe90000000000ull
#define TARGET_LIVE 20000

static const char *const callers[] = {
	"caller=module_alloc", "caller=alloc_large_system_hash", "caller=kvmalloc_node",
	"caller=bpf_prog_alloc", "caller=ioremap kind=ioremap", "caller=vmap kind=vmap",
	"caller=alloc_thread_stack_node", "caller=n_tty_open",
};

static int intern_id(struct vmt_trace *t, uint64_t n, uint32_t *id)
{
	char name[32];
	int len = snprintf(name, sizeof(name), "v%" PRIu64, n);

	return strtab_intern(&t->ids, name, len, id);
}

/* Appends @n events: a snapshot of live areas, then allocs and frees
 * around TARGET_LIVE live areas, and a purge now and then. */
static int generate(struct vmt_trace *t, size_t n)
{
	uint32_t *live = malloc(TARGET_LIVE * 2 * sizeof(*live)), attrs[8];
	uint64_t next_id = 0, va = WINDOW_LO, now = 1000000;
	size_t nlive = 0;
	int ret = -ENOMEM;

	if (!live)
		goto out;
	t->has_range = true;
	t->range_lo = WINDOW_LO;
	t->range_hi = WINDOW_HI;
	if ((ret = vmt_trace_add_meta(t, "generator", "bench/bench_trace.c")))
		goto out;
	for (size_t i = 0; i < 8; i++)
		if ((ret = strtab_intern(&t->strs, callers[i], strlen(callers[i]), &attrs[i])))
			goto out;
	for (size_t i = 0; i < n; i++) {
		struct vmt_event ev = { 0 };
		uint64_t r = rng();
		bool snapshot = i < n / 1000 && i < 1000;

		now += r % 5000;
		ev.size = (1 + (r >> 8) % ((r >> 40) % 4 ? 4 : 256)) * 4096;
		if (snapshot) {
			ev.op = VMT_LIVE;
			ev.va = va;
		} else if (r % 1000 == 0) {
			ev = (struct vmt_event){ .op = VMT_PURGE, .flags = VMT_F_T | VMT_F_N,
						 .vstart = WINDOW_LO, .vend = WINDOW_HI,
						 .size = r % 64, .t = now };
		} else if (nlive && (nlive >= TARGET_LIVE * 2 || (r >> 20) % TARGET_LIVE < nlive / 2)) {
			size_t k = (r >> 24) % nlive;

			ev = (struct vmt_event){ .op = VMT_FREE, .id = live[k], .t = now,
						 .flags = VMT_F_T | VMT_F_CPU, .cpu = (r >> 50) % 8 };
			live[k] = live[--nlive];
		} else {
			ev.op = VMT_ALLOC;
			ev.flags = VMT_F_VA | VMT_F_T | VMT_F_CPU | VMT_F_PID;
			ev.va = va;
			ev.t = now;
			ev.cpu = (r >> 50) % 8;
			ev.pid = 1 + (r >> 33) % 30000;
			ev.attrs = attrs[(r >> 56) % 8];
			if ((r >> 12) % 16 == 0) {
				ev.flags |= VMT_F_ALIGN;
				ev.align = 4096ull << ((r >> 16) % 6);
			}
		}
		if (ev.op == VMT_LIVE || ev.op == VMT_ALLOC) {
			if ((ret = intern_id(t, next_id++, &ev.id)))
				goto out;
			live[nlive++] = ev.id;
			va += ev.size + 4096;
			if (va >= WINDOW_HI - (1ull << 30))
				va = WINDOW_LO;
		}
		if (!vmt_trace_push(t, &ev, 0)) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = 0;
out:
	free(live);
	return ret;
}

static int cmd_gen(int argc, char **argv)
{
	struct vmt_err err = { { 0 } };
	struct vmt_trace t;
	int ret;

	if (argc < 5)
		return 2;
	rng_state = strtoull(argv[3], NULL, 0) | 1;
	ret = vmt_trace_init(&t);
	if (!ret)
		ret = generate(&t, strtoull(argv[2], NULL, 0));
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
