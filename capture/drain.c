/* SPDX-License-Identifier: MIT */
/* Emptying the vmap pools before a snapshot (drain.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "capture/drain.h"

#define VMALLOCINFO "/proc/vmallocinfo"
#define DROP_CACHES "/proc/sys/vm/drop_caches"
#define LAZY_BYTES_PER_FLS (32ul << 20)	/* lazy_max_pages(): 32 MiB per fls(cpus) */
#define PURGE_WAIT_MS 1000		/* for the purge the map's free schedules */
#define POLL_MS 10

int vmt_count_unpurged(const char *path, size_t *n, struct vmt_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int ret = 0;

	*n = 0;
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		vmt_err_set(err, "%s: cannot open: %s", path, strerror(-ret));
		goto out;
	}
	errno = 0;
	while (getline(&line, &cap, f) >= 0)
		if (strstr(line, " unpurged vm_area"))
			(*n)++;
	if (ferror(f)) {
		ret = errno ? -errno : -EIO;
		vmt_err_set(err, "%s: cannot read: %s", path, strerror(-ret));
	}
out:
	if (f)
		fclose(f);
	free(line);
	return ret;
}

int vmt_cpu_list_count(const char *path, unsigned *n, struct vmt_err *err)
{
	char buf[4096], *p = buf, *end;
	unsigned long lo, hi;
	FILE *f;
	int ret = 0;

	*n = 0;
	f = fopen(path, "re");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		ret = f ? -EIO : -errno;
		vmt_err_set(err, "%s: cannot read: %s", path, strerror(-ret));
		goto out;
	}
	while (*p && *p != '\n') {
		lo = hi = strtoul(p, &end, 10);
		if (end != p && *end == '-')
			hi = strtoul(p = end + 1, &end, 10);
		if (end == p || hi < lo || (*end && *end != ',' && *end != '\n')) {
			ret = -EINVAL;
			vmt_err_set(err, "%s: not a CPU list: %s", path, buf);
			goto out;
		}
		*n += (unsigned)(hi - lo + 1);
		p = *end == ',' ? end + 1 : end;
	}
out:
	if (f)
		fclose(f);
	return ret;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* lazy_max_pages() of mm/vmalloc.c in bytes: fls(online CPUs) * 32 MiB. */
static unsigned long lazy_max_bytes(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned fls = 0;

	for (unsigned long c = cpus > 0 ? (unsigned long)cpus : 1; c; c >>= 1)
		fls++;
	return fls * LAZY_BYTES_PER_FLS;
}

/* Creates and closes a BPF array map one eighth larger than the lazy
 * limit: one vmalloc, then one vfree that schedules the purge. */
static int force_purge(struct vmt_err *err)
{
	long page = sysconf(_SC_PAGESIZE);
	union bpf_attr attr;
	int fd, ret = 0;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = (uint32_t)page;
	attr.max_entries = (uint32_t)(lazy_max_bytes() / (unsigned long)page * 9 / 8);
	strncpy(attr.map_name, "vmt_drain", sizeof(attr.map_name) - 1);
	fd = (int)syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0) {
		ret = -errno;
		vmt_err_set(err, "--drain: cannot create a %lu MiB BPF array map to force a "
			    "purge: %s", attr.max_entries * (unsigned long)page >> 20,
			    strerror(-ret));
		goto out;
	}
	close(fd);
out:
	return ret;
}

static int drop_caches(struct vmt_err *err)
{
	int fd, ret = 0;

	fd = open(DROP_CACHES, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "2\n", 2) != 2)
		ret = -errno;
	if (fd >= 0 && close(fd) && !ret)
		ret = -errno;
	if (ret)
		vmt_err_set(err, "--drain: cannot write 2 to %s: %s", DROP_CACHES,
			    strerror(-ret));
	return ret;
}

/* 1 when a purge was traced since @since_ns, or nobody traces them. */
static int wait_ms(vmt_drain_wait_fn wait, void *ctx, int ms, uint64_t since_ns,
		   struct vmt_err *err)
{
	if (wait)
		return wait(ctx, ms, since_ns, err);
	usleep((useconds_t)ms * 1000);
	return 1;
}

/* One sequence: purge, wait for it, drop the pools.  Sets res->unpurged. */
static int drain_once(vmt_drain_wait_fn wait, void *ctx, struct vmt_drain_result *res,
		      struct vmt_err *err)
{
	uint64_t forced = monotonic_ns();
	size_t n = 0;
	int ret, purged = 0;

	ret = force_purge(err);
	/* The map is freed from a workqueue, and the purge from another:
	 * wait until a purge ran and the lazy areas are gone, or give up. */
	for (int waited = 0; !ret && waited < PURGE_WAIT_MS; waited += POLL_MS) {
		ret = wait_ms(wait, ctx, POLL_MS, forced, err);
		purged |= ret > 0;
		if (ret >= 0)
			ret = vmt_count_unpurged(VMALLOCINFO, &n, err);
		if (!ret && purged && n <= VMT_DRAIN_GOAL)
			break;
	}
	if (ret)
		goto out;
	res->drop_ns = monotonic_ns();
	ret = drop_caches(err);
	if (!ret)
		ret = vmt_count_unpurged(VMALLOCINFO, &res->unpurged, err);
out:
	return ret;
}

int vmt_drain_pools(vmt_drain_wait_fn wait, void *ctx, struct vmt_drain_result *res,
		    struct vmt_err *err)
{
	int ret;

	*res = (struct vmt_drain_result){ 0 };
	ret = vmt_count_unpurged(VMALLOCINFO, &res->unpurged_before, err);
	while (!ret && res->tries < VMT_DRAIN_TRIES) {
		res->tries++;
		ret = drain_once(wait, ctx, res, err);
		if (!ret && res->unpurged <= VMT_DRAIN_GOAL)
			break;
	}
	return ret;
}
