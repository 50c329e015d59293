/* SPDX-License-Identifier: MIT */
/*
 * The one record the BPF program (vmtrace.bpf.c) writes into the ring
 * buffer and the recorder (record.c) reads: one vmalloc tracepoint hit,
 * or (with --locks) one completed wait for a vmalloc lock.
 * Shared by both sides, so it uses only the kernel's fixed-width types:
 * include vmlinux.h (BPF) or <linux/types.h> (user space) first.
 */
#ifndef VMTRACE_EVENT_H
#define VMTRACE_EVENT_H

/* Kernel frames kept per allocation: deep enough to get past vmalloc's
 * own frames (about 6) to the caller and its caller. */
#define VMT_STACK_DEPTH 16
#define VMT_COMM_LEN 16

/* The ring buffer, in bytes (a power of two): room for seconds of an
 * allocation storm (bench/record_loss.sh) while the reader waits for a CPU
 * that the storm's workers keep busy. */
#define VMT_RING_BYTES (32u << 20)
/* The programs wake the reader once this much waits in the ring, not at
 * every record; the reader also reads on a timer, so a record never waits
 * longer than its poll timeout. */
#define VMT_WAKE_BYTES (VMT_RING_BYTES / 16)

enum vmt_bpf_kind {
	VMT_BPF_ALLOC = 1,	/* vmalloc:alloc_vmap_area */
	VMT_BPF_FREE = 2,	/* vmalloc:free_vmap_area_noflush */
	VMT_BPF_PURGE = 3,	/* vmalloc:purge_vmap_area_lazy */
	VMT_BPF_LOCK_WAIT = 4,	/* lock:contention_begin .. contention_end */
};

/* The text of one function that takes a vmalloc lock: [start, end).  The
 * recorder fills the program's `lock_sites` map with these (an entry with
 * end 0 ends the list); a contention whose stack has a return address in
 * one of them is a wait for a vmalloc lock. */
struct vmt_text_range {
	__u64 start, end;
};
#define VMT_LOCK_SITES_MAX 48
/* Lock addresses known by name (/proc/kallsyms with KALLSYMS_ALL). */
#define VMT_NAMED_LOCKS_MAX 16

struct vmt_bpf_event {
	__u64 t_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	/*
	 * The tracepoint's fields:
	 *   alloc: a = addr, b = size, c = align, d = vstart, e = vend
	 *   free:  a = va_start, b = nr_lazy, c = nr_lazy_max (pages)
	 *   purge: a = start, b = end, c = npurged
	 *   lock wait: a = lock_addr, b = wait ns (t_ns is its end),
	 *              c = contention_begin's flags, d = contention_end's ret
	 */
	__u64 a, b, c, d, e;
	__u32 kind;		/* enum vmt_bpf_kind */
	__s32 failed;		/* alloc: the tracepoint's `failed` */
	__u32 cpu;
	__u32 pid;		/* the thread's id, as tracefs's common_pid */
	char comm[VMT_COMM_LEN];
	__s32 stack_bytes;	/* bytes of stack[] filled, or a negative errno;
				   0 for frees, purges and with --no-stacks,
				   whose records stop at VMT_BPF_EVENT_HEAD;
				   a lock wait's is taken at contention_begin */
	__u32 pad;
	__u64 stack[VMT_STACK_DEPTH];	/* kernel return addresses, innermost first */
};

/* A record without a stack (free, purge, alloc with --no-stacks) ends
 * before stack[]: the ring holds 2.5 times more of them. */
#define VMT_BPF_EVENT_HEAD __builtin_offsetof(struct vmt_bpf_event, stack)

#endif /* VMTRACE_EVENT_H */
