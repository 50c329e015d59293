/* SPDX-License-Identifier: MIT */
/*
 * Loading, attaching and draining vmtrace.bpf.c through its generated
 * skeleton (build/capture/vmtrace.skel.h).  The prerequisites are checked
 * one by one before libbpf is asked anything, so a machine that lacks one
 * gets a sentence naming it rather than a libbpf error.  A build machine
 * that could not make the skeleton (scripts/bpf_skel.sh) compiles this file
 * to nothing and capture/record_unavailable.c stands in.
 */
#include "vmtrace.skel.h"	/* or, without the skeleton, VMTRACE_NO_BPF alone */
#ifndef VMTRACE_NO_BPF
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "capture/record.h"

#define KERNEL_BTF "/sys/kernel/btf/vmlinux"
#define TRACEFS "/sys/kernel/tracing"

/* The kernel's BTF: VMTRACE_KERNEL_BTF (record.h) or the kernel's own. */
static const char *kernel_btf(void)
{
	const char *path = getenv("VMTRACE_KERNEL_BTF");

	return path && *path ? path : KERNEL_BTF;
}

struct vmt_recorder {
	struct vmtrace *skel;
	struct ring_buffer *rb;
	struct vmt_recorder_opts opts;
	bool has_purge;
};

/* libbpf's last warning, to quote when a load fails (libbpf gives its
 * print callback no context, hence a static). */
static char libbpf_last[256];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN) {
		vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, ap);
		libbpf_last[strcspn(libbpf_last, "\n")] = '\0';
	}
	return 0;
}

/* Which tracepoints the running kernel has, from its BTF (each has a
 * trace_event_raw_<name> struct, which the programs read by CO-RE). */
static int check_tracepoints(struct vmt_recorder *r, struct vmt_err *err)
{
	static const char *const required[] = {
		"trace_event_raw_alloc_vmap_area",
		"trace_event_raw_free_vmap_area_noflush",
	};
	const char *path = kernel_btf();
	struct btf *btf = strcmp(path, KERNEL_BTF) ? btf__parse(path, NULL) :
			  btf__load_vmlinux_btf();
	int ret = 0;

	if (!btf) {
		ret = -errno;
		vmt_err_set(err, "cannot read the kernel's BTF (%s): %s", path,
			    strerror(errno));
		return ret;
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (btf__find_by_name_kind(btf, required[i], BTF_KIND_STRUCT) < 0) {
			vmt_err_set(err, "the kernel has no vmalloc:%s tracepoint: vmtrace record "
				    "needs a kernel with the vmalloc trace events "
				    "(include/trace/events/vmalloc.h)",
				    required[i] + strlen("trace_event_raw_"));
			ret = -ENOENT;
			goto out;
		}
	r->has_purge = btf__find_by_name_kind(btf, "trace_event_raw_purge_vmap_area_lazy",
					       BTF_KIND_STRUCT) >= 0;
	if (r->opts.locks &&
	    (btf__find_by_name_kind(btf, "trace_event_raw_contention_begin", BTF_KIND_STRUCT) < 0 ||
	     btf__find_by_name_kind(btf, "trace_event_raw_contention_end", BTF_KIND_STRUCT) < 0)) {
		vmt_err_set(err, "the kernel has no lock:contention_begin/contention_end "
			    "tracepoints: --locks needs Linux 5.19 or later");
		ret = -ENOENT;
	}
out:
	btf__free(btf);
	return ret;
}

/* Tracepoints attach by id, read from tracefs: mount it if nobody has. */
static int check_tracefs(struct vmt_err *err)
{
	if (!access(TRACEFS "/events/vmalloc", F_OK) ||
	    !access("/sys/kernel/debug/tracing/events/vmalloc", F_OK))
		return 0;
	if (!mount("nodev", TRACEFS, "tracefs", 0, NULL) &&
	    !access(TRACEFS "/events/vmalloc", F_OK))
		return 0;
	vmt_err_set(err, "tracefs is not mounted and cannot be: mount it with "
		    "`mount -t tracefs nodev %s`", TRACEFS);
	return -ENOENT;
}

static int check_prerequisites(struct vmt_recorder *r, struct vmt_err *err)
{
	int ret;

	if (geteuid() != 0) {
		vmt_err_set(err, "root is needed to load BPF programs and read kernel "
			    "addresses: run vmtrace record with sudo");
		return -EPERM;
	}
	if (access(kernel_btf(), R_OK)) {
		vmt_err_set(err, "the running kernel exposes no BTF (%s is missing): boot a "
			    "kernel built with CONFIG_DEBUG_INFO_BTF=y", kernel_btf());
		return -ENOENT;
	}
	ret = check_tracepoints(r, err);
	if (!ret)
		ret = check_tracefs(err);
	return ret;
}

/* The kernel said no to @what: quote libbpf and say what it takes. */
static int refused(struct vmt_err *err, const char *what, int ret)
{
	if (ret == -EPERM)
		vmt_err_set(err, "BPF is not permitted here: the kernel would not let vmtrace "
			    "%s (%s%s%s): it needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN), "
			    "and no lockdown forbidding BPF", what, strerror(-ret),
			    libbpf_last[0] ? "; libbpf: " : "", libbpf_last);
	vmt_err_set(err, "the kernel would not let vmtrace %s (%s%s%s): it needs "
		    "CONFIG_BPF_SYSCALL=y and CONFIG_BPF_EVENTS=y", what, strerror(-ret),
		    libbpf_last[0] ? "; libbpf: " : "", libbpf_last);
	return -EOPNOTSUPP;
}

/* A record stops after its stack's bytes, or at VMT_BPF_EVENT_HEAD
 * without one (vmtrace_event.h). */
static int on_sample(void *ctx, void *data, size_t size)
{
	struct vmt_recorder *r = ctx;
	const struct vmt_bpf_event *e = data;

	if (size < VMT_BPF_EVENT_HEAD ||
	    (e->stack_bytes > 0 && size < VMT_BPF_EVENT_HEAD + (size_t)e->stack_bytes))
		return -EPROTO;
	return r->opts.on_event(r->opts.ctx, e);
}

int vmt_recorder_start(struct vmt_recorder **rp, const struct vmt_recorder_opts *o,
		       struct vmt_err *err)
{
	struct vmt_recorder *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->opts = *o;
	libbpf_set_print(libbpf_print);
	ret = check_prerequisites(r, err);
	if (ret)
		goto out;
	r->skel = vmtrace__open();
	if (!r->skel) {
		ret = -errno;
		vmt_err_set(err, "cannot open the BPF object: %s", strerror(errno));
		goto out;
	}
	r->skel->rodata->want_stacks = o->stacks;
	if (!r->has_purge) {
		fprintf(stderr, "vmtrace record: the kernel has no vmalloc:purge_vmap_area_lazy "
			"tracepoint; purges are not recorded\n");
		bpf_program__set_autoload(r->skel->progs.vmt_purge, false);
	}
	bpf_program__set_autoload(r->skel->progs.vmt_lock_begin, o->locks);
	bpf_program__set_autoload(r->skel->progs.vmt_lock_end, o->locks);
	ret = vmtrace__load(r->skel);
	if (ret) {
		ret = refused(err, "load the BPF programs", ret);
		goto out;
	}
	ret = vmtrace__attach(r->skel);
	if (ret) {
		ret = refused(err, "attach to the vmalloc tracepoints", ret);
		goto out;
	}
	r->rb = ring_buffer__new(bpf_map__fd(r->skel->maps.events), on_sample, r, NULL);
	if (!r->rb) {
		ret = -errno;
		vmt_err_set(err, "cannot map the BPF ring buffer: %s", strerror(errno));
		goto out;
	}
	*rp = r;
	return 0;
out:
	vmt_recorder_destroy(r);
	return ret;
}

int vmt_recorder_watch_locks(struct vmt_recorder *r, const struct vmt_text_range *sites,
			     size_t nsites, const uint64_t *locks, size_t nlocks,
			     struct vmt_err *err)
{
	uint8_t yes = 1;
	int ret = 0;

	/* The named locks first: a site list is read up to its first empty
	 * entry, so it is in use as soon as its first entry is. */
	for (size_t i = 0; i < nlocks && !ret; i++)
		ret = bpf_map__update_elem(r->skel->maps.named_locks, &locks[i],
					   sizeof(locks[i]), &yes, sizeof(yes), BPF_ANY);
	for (size_t i = nsites; i-- > 0 && !ret;) {
		uint32_t key = (uint32_t)i;

		ret = bpf_map__update_elem(r->skel->maps.lock_sites, &key, sizeof(key),
					   &sites[i], sizeof(sites[i]), BPF_ANY);
	}
	if (ret)
		vmt_err_set(err, "cannot fill the BPF lock maps: %s", strerror(-ret));
	return ret;
}

bool vmt_recorder_has_purge(const struct vmt_recorder *r)
{
	return r->has_purge;
}

/* ring_buffer__poll/consume's result as vmt_recorder_poll promises it. */
static int delivered(int n, struct vmt_err *err)
{
	if (n == -EINTR)
		return 0;
	if (n == -EPROTO)
		vmt_err_set(err, "the BPF ring buffer holds a record shorter than its "
			    "fields and stack: program and recorder disagree");
	else if (n < 0)
		vmt_err_set(err, "reading the BPF ring buffer: %s", strerror(-n));
	return n;
}

int vmt_recorder_poll(struct vmt_recorder *r, int timeout_ms, struct vmt_err *err)
{
	int n = ring_buffer__poll(r->rb, timeout_ms);

	/* The programs wake the reader only for a batch (vmtrace.bpf.c): a
	 * timeout leaves the records of a quiet spell to read now. */
	if (!n)
		n = ring_buffer__consume(r->rb);
	return delivered(n, err);
}

int vmt_recorder_stop(struct vmt_recorder *r, struct vmt_err *err)
{
	vmtrace__detach(r->skel);
	return delivered(ring_buffer__consume(r->rb), err);
}

int vmt_recorder_lost(const struct vmt_recorder *r, uint64_t *lost, struct vmt_err *err)
{
	int ncpus = libbpf_num_possible_cpus();
	uint32_t key = 0;
	uint64_t *per_cpu;
	int ret;

	if (ncpus < 0) {
		vmt_err_set(err, "cannot count the possible CPUs: %s", strerror(-ncpus));
		return ncpus;
	}
	per_cpu = calloc(ncpus, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	ret = bpf_map__lookup_elem(r->skel->maps.lost, &key, sizeof(key), per_cpu,
				   ncpus * sizeof(*per_cpu), 0);
	if (ret) {
		vmt_err_set(err, "cannot read the lost-event counters: %s", strerror(-ret));
		goto out;
	}
	*lost = 0;
	for (int i = 0; i < ncpus; i++)
		*lost += per_cpu[i];
out:
	free(per_cpu);
	return ret;
}

void vmt_recorder_destroy(struct vmt_recorder *r)
{
	if (!r)
		return;
	ring_buffer__free(r->rb);
	vmtrace__destroy(r->skel);
	free(r);
}

#endif /* VMTRACE_NO_BPF */
