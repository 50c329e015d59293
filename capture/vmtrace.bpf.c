// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Kernel side of `vmtrace record`: one program per vmalloc tracepoint,
 * each copying the tracepoint's fields (read with CO-RE relocations against
 * the running kernel's trace_event_raw_* layouts), the time, CPU, thread and
 * (for allocations) the kernel stack into the ring buffer `events`.  A full
 * ring buffer drops the event and counts it in `lost`, per CPU.  The stack
 * travels in the record itself (no stack map to look up and clear), and a
 * record without one is shorter (VMT_BPF_EVENT_HEAD).  The reader is woken
 * once VMT_WAKE_BYTES wait, not per record: a wakeup costs the traced task
 * an irq_work and the reader a context switch, per event.
 *
 * With --locks, two more programs time the waits for the vmalloc locks:
 * lock:contention_begin keeps (per thread) the time, lock and kernel stack
 * of a wait for a lock that is named in `named_locks` or whose stack runs
 * through a function of `lock_sites`; lock:contention_end of the same lock
 * turns it into one VMT_BPF_LOCK_WAIT record.
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
	__uint(max_entries, VMT_RING_BYTES);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VMT_LOCK_SITES_MAX);
	__type(key, __u32);
	__type(value, struct vmt_text_range);
} lock_sites SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VMT_NAMED_LOCKS_MAX);
	__type(key, __u64);
	__type(value, __u8);
} named_locks SEC(".maps");

/* A wait in progress: what contention_begin saw. */
struct lock_wait {
	__u64 t_ns;
	__u64 lock;
	__u32 flags;
	__s32 stack_bytes;
	__u64 stack[VMT_STACK_DEPTH];
};

/* By thread id: a sleeping lock (vmap_purge_lock is a mutex) may end its
 * wait on another CPU.  One wait per thread: a contention nested in it
 * (an interrupt's) is not timed. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct lock_wait);
} lock_waits SEC(".maps");

/* A record of @size bytes: sizeof(struct vmt_bpf_event) with a stack, else
 * VMT_BPF_EVENT_HEAD (stack[] is then not there to write). */
static __always_inline struct vmt_bpf_event *reserve(__u32 kind, __u64 size)
{
	struct vmt_bpf_event *e;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 zero = 0;
	__u64 *n;

	e = bpf_ringbuf_reserve(&events, size, 0);
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

/* Submits @e, waking the reader only when a batch waits. */
static __always_inline void submit(struct vmt_bpf_event *e)
{
	__u64 waiting = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	bpf_ringbuf_submit(e, waiting >= VMT_WAKE_BYTES ? BPF_RB_FORCE_WAKEUP :
			   BPF_RB_NO_WAKEUP);
}

SEC("tracepoint/vmalloc/alloc_vmap_area")
int vmt_alloc(struct trace_event_raw_alloc_vmap_area *ctx)
{
	struct vmt_bpf_event *e = reserve(VMT_BPF_ALLOC, want_stacks ? sizeof(*e) :
					  VMT_BPF_EVENT_HEAD);

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
	submit(e);
	return 0;
}

SEC("tracepoint/vmalloc/free_vmap_area_noflush")
int vmt_free(struct trace_event_raw_free_vmap_area_noflush *ctx)
{
	struct vmt_bpf_event *e = reserve(VMT_BPF_FREE, VMT_BPF_EVENT_HEAD);

	if (!e)
		return 0;
	e->a = BPF_CORE_READ(ctx, va_start);
	e->b = BPF_CORE_READ(ctx, nr_lazy);
	e->c = BPF_CORE_READ(ctx, nr_lazy_max);
	e->d = e->e = 0;
	submit(e);
	return 0;
}

SEC("tracepoint/vmalloc/purge_vmap_area_lazy")
int vmt_purge(struct trace_event_raw_purge_vmap_area_lazy *ctx)
{
	struct vmt_bpf_event *e = reserve(VMT_BPF_PURGE, VMT_BPF_EVENT_HEAD);

	if (!e)
		return 0;
	e->a = BPF_CORE_READ(ctx, start);
	e->b = BPF_CORE_READ(ctx, end);
	e->c = BPF_CORE_READ(ctx, npurged);
	e->d = e->e = 0;
	submit(e);
	return 0;
}

/* Does a return address of @w's stack lie in a function of lock_sites? */
static bool at_lock_site(const struct lock_wait *w)
{
	for (__u32 f = 0; f < VMT_STACK_DEPTH; f++) {
		__u64 site = w->stack[f] - 1;	/* the call, not the return */

		if ((__s64)(f * sizeof(w->stack[0])) >= w->stack_bytes)
			return false;
		for (__u32 i = 0; i < VMT_LOCK_SITES_MAX; i++) {
			__u32 key = i;
			struct vmt_text_range *r = bpf_map_lookup_elem(&lock_sites, &key);

			if (!r || !r->end)
				break;
			if (site >= r->start && site < r->end)
				return true;
		}
	}
	return false;
}

SEC("tracepoint/lock/contention_begin")
int vmt_lock_begin(struct trace_event_raw_contention_begin *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct lock_wait w = {};

	w.lock = (__u64)BPF_CORE_READ(ctx, lock_addr);
	w.flags = BPF_CORE_READ(ctx, flags);
	w.stack_bytes = bpf_get_stack(ctx, w.stack, sizeof(w.stack), 0);
	if (!bpf_map_lookup_elem(&named_locks, &w.lock) && !at_lock_site(&w))
		return 0;
	w.t_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&lock_waits, &tid, &w, BPF_NOEXIST);
	return 0;
}

SEC("tracepoint/lock/contention_end")
int vmt_lock_end(struct trace_event_raw_contention_end *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct lock_wait *w = bpf_map_lookup_elem(&lock_waits, &tid);
	struct vmt_bpf_event *e;

	if (!w || w->lock != (__u64)BPF_CORE_READ(ctx, lock_addr))
		return 0;	/* not timed, or the end of a nested wait */
	e = reserve(VMT_BPF_LOCK_WAIT, sizeof(*e));
	if (e) {
		e->a = w->lock;
		e->b = e->t_ns - w->t_ns;
		e->c = w->flags;
		e->d = (__u64)(__s64)BPF_CORE_READ(ctx, ret);
		e->e = 0;
		e->stack_bytes = w->stack_bytes;
		__builtin_memcpy(e->stack, w->stack, sizeof(e->stack));
		submit(e);
	}
	bpf_map_delete_elem(&lock_waits, &tid);
	return 0;
}
