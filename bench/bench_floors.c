/* SPDX-License-Identifier: MIT */
/*
 * Machine floors: what this machine charges for the memory accesses the
 * three throughput targets of bench/ cannot avoid, measured in the same
 * run as the benchmarks, so RESULTS.md can set each target beside the
 * ceiling the machine allows.
 *
 *   first touch    ns per 4 KiB page to touch fresh anonymous memory the
 *                  first time (the kernel, and on a virtual machine the
 *                  hypervisor, map and zero it), and a second time; and
 *                  a file mapped by the loader's own input_file_open(),
 *                  with the share of it the kernel mapped in 2 MiB entries
 *                  (the page cache's large folios, which make the touch
 *                  cheaper).  A loader touches each 4 KiB of a trace
 *                  once: 64 records of 64 bytes.
 *   latency        ns per dependent load (a pointer chase over 64-byte
 *                  lines in random order) over working sets of 4 to 256
 *                  MiB.  Interning 5 million ids needs a hash table of
 *                  over 64 MiB; each text line that names an id reads it.
 *   busy find      ns per busy_map_find() of a random live area in the
 *                  models' busy tree at @live areas, after 10 * @live
 *                  random frees and allocs have scattered its nodes as a
 *                  replay does, and the mean number of nodes examined.
 *                  Each alloc and each free of a tree model descends that
 *                  tree once (insert or find_vmap_area()).  Timed in
 *                  the thread's CPU time, as a replay's replay_cpu_seconds
 *                  is: on a shared machine, time spent descheduled is
 *                  neither's, so their ratio stays fair.
 *
 *   bench_floors FILE LIVE         prints one JSON object (bench/floors.sh runs it).
 *   bench_floors --busy-find LIVE  prints {"busy_find": ...} alone, the
 *                                  descent bench/replay.sh divides by.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "allocator/busy_map.h"
#include "trace/trace_io.h"

#define PAGE 4096
#define LINE 64
#define TOUCH_BYTES (256ul << 20)
#define CHASE_STEPS 4000000
#define FIND_LOOKUPS 2000000
/* Area slots of the busy-tree test: areas are one page, a slot apart. */
#define AREA_STRIDE (4 * PAGE)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*, seeded: the same layouts every run. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static double clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

enum touch_kind {
	TOUCH_ANON,		/* anonymous memory, 4 KiB pages */
	TOUCH_ANON_HUGE,	/* anonymous memory advised for huge pages (bigmem.h) */
	TOUCH_FILE,		/* a file mapped as the binary loader maps it */
};

/* Touches one byte per page of @p (@bytes long): writes it, or reads it. */
static double touch_pages(volatile char *p, size_t bytes, bool write)
{
	double t0 = now_ns();

	for (size_t i = 0; i < bytes; i += PAGE)
		if (write)
			p[i] = 1;
		else
			(void)p[i];
	return (now_ns() - t0) / (bytes / PAGE);
}

/* Bytes of file mappings this process maps with 2 MiB entries, or -1. */
static long long file_pmd_mapped(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	long long kib = -1;
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "FilePmdMapped: %lld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib < 0 ? -1 : kib * 1024;
}

/*
 * Touches one byte per 4 KiB page of a fresh mapping twice: @path mapped
 * by the loader's own input_file_open(), read, for TOUCH_FILE, else
 * TOUCH_BYTES of anonymous memory, written as a loader fills it.  Sets the
 * ns per page of each pass, and for TOUCH_FILE the share of the file the
 * kernel mapped in 2 MiB entries (the page cache's large folios).
 */
static int first_touch(enum touch_kind kind, const char *path, double *first, double *again,
		       double *pmd_share)
{
	struct vmt_err err = { { 0 } };
	struct input_file in;
	size_t bytes = TOUCH_BYTES;
	char *p;

	if (kind == TOUCH_FILE) {
		if (input_file_open(path, &in, &err) || !in.mapped || in.len < PAGE) {
			fprintf(stderr, "bench_floors: %s\n", err.msg[0] ? err.msg : "cannot map it");
			return -1;
		}
		*first = touch_pages((char *)in.data, in.len, false);
		*again = touch_pages((char *)in.data, in.len, false);
		*pmd_share = (double)file_pmd_mapped() / in.len;
		input_file_close(&in);
		return 0;
	}
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	if (kind == TOUCH_ANON_HUGE)
		madvise(p, bytes, MADV_HUGEPAGE);
	*first = touch_pages(p, bytes, true);
	*again = touch_pages(p, bytes, true);
	munmap(p, bytes);
	return 0;
}

/* ns per load of a pointer chase through @bytes of lines in random order. */
static double chase(size_t bytes)
{
	size_t n = bytes / LINE, at = 0;
	size_t *order = malloc(n * sizeof(*order));
	char *mem = aligned_alloc(LINE, bytes);
	double t0, t1;

	if (!order || !mem) {
		free(order);
		free(mem);
		return -1;
	}
	/* One cycle through every line (Sattolo's shuffle). */
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rng() % i, tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	for (size_t i = 0; i < n; i++)
		*(char **)(mem + order[i] * LINE) = mem + order[(i + 1) % n] * LINE;
	free(order);
	/* A first lap warms what fits and faults every page in. */
	for (char *p = mem, *end = mem; (p = *(char **)p) != end;)
		;
	t0 = now_ns();
	for (size_t i = 0; i < CHASE_STEPS; i++)
		at = (size_t)*(char **)(mem + at) - (size_t)mem;
	t1 = now_ns();
	/* Keep the chase from being optimized out. */
	if (at == (size_t)-1)
		puts("");
	free(mem);
	return (t1 - t0) / CHASE_STEPS;
}

/* A lookup of busy_find(): an area's address, and the area it must find. */
struct probe {
	uint64_t addr;
	struct vm_busy *want;
};

/* ns per busy_map_find of a random live area, and nodes examined per find. */
static int busy_find(size_t live, double *ns, double *nodes)
{
	size_t slots = 4 * live;
	struct vm_busy **area = calloc(slots, sizeof(*area));
	struct probe *probe = malloc(FIND_LOOKUPS * sizeof(*probe));
	struct busy_map *bt = NULL;
	uint64_t search = 0;
	size_t found = 0;
	double t0, t1;
	int ret = -1;

	if (!area || !probe || busy_map_create(&bt))
		goto out;
	/* @live random slots busy, then churn: free one, allocate another. */
	for (size_t n = 0; n < live;) {
		size_t s = rng() % slots;

		if (area[s])
			continue;
		if (busy_map_insert(bt, s * AREA_STRIDE, s * AREA_STRIDE + PAGE, &area[s]))
			goto out;
		n++;
	}
	for (size_t i = 0; i < 10 * live; i++) {
		size_t gone = rng() % slots, s = rng() % slots;

		if (area[gone]) {
			busy_map_remove(bt, area[gone]);
			area[gone] = NULL;
			while (area[s])
				s = rng() % slots;
			if (busy_map_insert(bt, s * AREA_STRIDE, s * AREA_STRIDE + PAGE, &area[s]))
				goto out;
		}
	}
	/* Drawn before the clock starts, read in order while it runs. */
	for (size_t i = 0; i < FIND_LOOKUPS;) {
		size_t s = rng() % slots;

		if (area[s])
			probe[i++] = (struct probe){ s * AREA_STRIDE, area[s] };
	}
	t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	for (size_t i = 0; i < FIND_LOOKUPS; i++)
		found += busy_map_find(bt, probe[i].addr, &search) == probe[i].want;
	t1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	if (found != FIND_LOOKUPS)
		goto out;
	*ns = (t1 - t0) / FIND_LOOKUPS;
	*nodes = (double)search / FIND_LOOKUPS;
	ret = 0;
out:
	busy_map_destroy(bt);
	free(probe);
	free(area);
	return ret;
}

/* One busy_find() figure as the JSON member @key (the caller closes the object). */
static void print_busy_find(const char *key, size_t live, double ns, double nodes)
{
	printf("\"%s\": {\"live\": %zu, \"ns\": %.1f, \"nodes\": %.2f}", key, live, ns, nodes);
}

int main(int argc, char **argv)
{
	static const size_t chase_mib[] = { 4, 16, 64, 256 };
	static const char *const touch_names[] = {
		[TOUCH_ANON] = "anon", [TOUCH_ANON_HUGE] = "anon_huge", [TOUCH_FILE] = "file",
	};
	double touch[3][2], pmd_share = 0, find_ns, find_nodes, small_ns, small_nodes;
	size_t live;

	if (argc != 3 || (live = strtoul(argv[2], NULL, 10)) < 1000) {
		fprintf(stderr, "usage: bench_floors FILE|--busy-find LIVE   (LIVE >= 1000)\n");
		return 2;
	}
	if (!strcmp(argv[1], "--busy-find")) {
		if (busy_find(live, &find_ns, &find_nodes)) {
			fprintf(stderr, "bench_floors: out of memory\n");
			return 1;
		}
		printf("{");
		print_busy_find("busy_find", live, find_ns, find_nodes);
		puts("}");
		return 0;
	}
	for (int k = TOUCH_ANON; k <= TOUCH_FILE; k++)
		if (first_touch(k, argv[1], &touch[k][0], &touch[k][1], &pmd_share)) {
			fprintf(stderr, "bench_floors: cannot map %s\n",
				k == TOUCH_FILE ? argv[1] : "anonymous memory");
			return 1;
		}
	if (busy_find(live, &find_ns, &find_nodes) || busy_find(1000, &small_ns, &small_nodes)) {
		fprintf(stderr, "bench_floors: out of memory\n");
		return 1;
	}
	printf("{\"touch_file\": \"%s\", \"first_touch_ns_per_page\": {", argv[1]);
	for (int k = TOUCH_ANON; k <= TOUCH_FILE; k++)
		printf("%s\"%s\": %.1f", k ? ", " : "", touch_names[k], touch[k][0]);
	printf("}, \"retouch_ns_per_page\": {");
	for (int k = TOUCH_ANON; k <= TOUCH_FILE; k++)
		printf("%s\"%s\": %.1f", k ? ", " : "", touch_names[k], touch[k][1]);
	printf("}, \"file_pmd_mapped_share\": %.3f, \"latency_ns\": {", pmd_share);
	for (size_t i = 0; i < sizeof(chase_mib) / sizeof(chase_mib[0]); i++) {
		double ns = chase(chase_mib[i] << 20);

		if (ns < 0) {
			fprintf(stderr, "bench_floors: out of memory\n");
			return 1;
		}
		printf("%s\"%zu\": %.1f", i ? ", " : "", chase_mib[i], ns);
	}
	printf("}, ");
	print_busy_find("busy_find", live, find_ns, find_nodes);
	printf(", ");
	print_busy_find("busy_find_small", 1000, small_ns, small_nodes);
	puts("}");
	return 0;
}
