/* SPDX-License-Identifier: MIT */
/*
 * capture/record.h for a build without the BPF skeleton: the build machine
 * lacked kernel BTF, bpftool or clang (scripts/bpf_skel.sh), so no recorder
 * can start and `vmtrace record` says why and exits 1.  Compiled to
 * nothing when the skeleton exists and capture/record.c is the recorder.
 */
#include "vmtrace.skel.h"	/* VMTRACE_NO_BPF: why there is no skeleton */
#ifdef VMTRACE_NO_BPF
#include <errno.h>

#include "capture/record.h"

int vmt_recorder_start(struct vmt_recorder **r, const struct vmt_recorder_opts *o,
		       struct vmt_err *err)
{
	(void)o;
	*r = NULL;
	vmt_err_set(err, "%s", "this build has no eBPF recorder: " VMTRACE_NO_BPF
		    " (rebuild vmtrace where the kernel has BTF and bpftool and clang are "
		    "installed)");
	return -ENOSYS;
}

/* No recorder ever starts, so what follows is never given one. */

int vmt_recorder_watch_locks(struct vmt_recorder *r, const struct vmt_text_range *sites,
			     size_t nsites, const uint64_t *locks, size_t nlocks,
			     struct vmt_err *err)
{
	(void)r, (void)sites, (void)nsites, (void)locks, (void)nlocks, (void)err;
	return -ENOSYS;
}

bool vmt_recorder_has_purge(const struct vmt_recorder *r)
{
	(void)r;
	return false;
}

int vmt_recorder_poll(struct vmt_recorder *r, int timeout_ms, struct vmt_err *err)
{
	(void)r, (void)timeout_ms, (void)err;
	return -ENOSYS;
}

int vmt_recorder_stop(struct vmt_recorder *r, struct vmt_err *err)
{
	(void)r, (void)err;
	return -ENOSYS;
}

int vmt_recorder_lost(const struct vmt_recorder *r, uint64_t *lost, struct vmt_err *err)
{
	(void)r, (void)err;
	*lost = 0;
	return -ENOSYS;
}

void vmt_recorder_destroy(struct vmt_recorder *r)
{
	(void)r;
}

#endif /* VMTRACE_NO_BPF */
