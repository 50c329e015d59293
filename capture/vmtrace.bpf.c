// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Kernel side of `vmtrace record`: one program per vmalloc tracepoint,
 * each copying the tracepoint's fields (read with CO-RE relocations against
 * the running kernel's trace_event_raw_* layouts), the time, CPU, thread and
 * (for allocations) the kernel stack into the ring buffer `events`.  A full
 * ring buffer drops the event and counts it in `lost`, per CPU.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "vmtrace_event.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set by the recorder before load: record a stack per allocation. */
const volatile bool want_stacks = true;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);	/* bytes: about 37000 records */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

static struct vmt_bpf_event *reserve(__u32 kind)
{
	struct vmt_bpf_event *e;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 zero = 0;
	__u64 *n;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		n = bpf_map_lookup_elem(&lost, &zero);
		if (n)
			(*n)++;		/* per-CPU slot: no other writer */
		return NULL;
	}
	e->t_ns = bpf_ktime_get_ns();
	e->kind = kind;
	e->failed = 0;
	e->cpu = bpf_get_smp_processor_id();
	e->pid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->stack_bytes = 0;
	e->pad = 0;
	return e;
}

SEC("tracepoint/vmalloc/alloc_vmap_area")
int vmt_alloc(struct trace_event_raw_alloc_vmap_area *ctx)
{
	struct vmt_bpf_event *e = reserve(VMT_BPF_ALLOC);

	if (!e)
		return 0;
	e->a = BPF_CORE_READ(ctx, addr);
	e->b = BPF_CORE_READ(ctx, size);
	e->c = BPF_CORE_READ(ctx, align);
	e->d = BPF_CORE_READ(ctx, vstart);
	e->e = BPF_CORE_READ(ctx, vend);
	e->failed = BPF_CORE_READ(ctx, failed);
	if (want_stacks)
		e->stack_bytes = bpf_get_stack(ctx, e->stack, sizeof(e->stack), 0);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/vmalloc/free_vmap_area_noflush")
int vmt_free(struct trace_event_raw_free_vmap_area_noflush *ctx)
{
	struct vmt_bpf_event *e = reserve(VMT_BPF_FREE);

	if (!e)
		return 0;
	e->a = BPF_CORE_READ(ctx, va_start);
	e->b = BPF_CORE_READ(ctx, nr_lazy);
	e->c = BPF_CORE_READ(ctx, nr_lazy_max);
	e->d = e->e = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/vmalloc/purge_vmap_area_lazy")
int vmt_purge(struct trace_event_raw_purge_vmap_area_lazy *ctx)
{
	struct vmt_bpf_event *e = reserve(VMT_BPF_PURGE);

	if (!e)
		return 0;
	e->a = BPF_CORE_READ(ctx, start);
	e->b = BPF_CORE_READ(ctx, end);
	e->c = BPF_CORE_READ(ctx, npurged);
	e->d = e->e = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
