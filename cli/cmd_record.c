/* SPDX-License-Identifier: MIT */
/*
 * `vmtrace record`: records the kernel's vmalloc activity with eBPF and
 * writes a text trace.
 *
 * Order of work, and why:
 *   1. attach the BPF programs (record.h): from here on nothing is missed;
 *      then, with kernel.kptr_restrict at 1 (kptr.h), read /proc/kallsyms
 *      (to name stack frames): before the window, whose events would
 *      otherwise wait in the ring buffer through that long read;
 *   2. with --drain, empty the kernel's vmap pools (drain.h); the records
 *      of that work (its own map, the purge) are cut, see 3;
 *   3. open the window: t0.  Records stamped before t0 (the programs
 *      attach one by one, and --drain's work) are left out, as are those
 *      stamped after the window closes (step 6): only inside it do all
 *      three programs see every event, so that each traced free has its
 *      traced alloc or a snapshot area (cut_events counts the rest);
 *   4. with kernel.kptr_restrict at 1, read /proc/vmallocinfo (the
 *      initial snapshot), then restore kptr_restrict; the events meanwhile
 *      wait in the ring buffer, and those that raced the snapshot are
 *      reconciled by the trace builder (builder.h);
 *   5. start the command, if any, and drain the ring buffer into the
 *      builder until the command exits, the duration ends, or a signal;
 *   6. close the window, detach, drain what is left, read the lost count
 *      (less what was lost before the window), build and save the trace
 *      whole or not at all.
 * Why --drain runs attached and before the window rather than before
 * attaching: the pools stay empty only until the next purge, and loading
 * and attaching take long enough for one; here the window opens right
 * after the last drop_caches, and a purge traced in between is counted
 * (meta drain_late_purges), not missed.
 * With --locks, step 1 also finds the vmalloc locks (lock_waits.h): by
 * name when kallsyms lists data symbols, else by the functions that take
 * them; the waits become kernel_lock.* meta lines, not trace events.
 * The programs see every task of the machine, not the command's alone:
 * the kernel frees vmap areas from workqueues (kworker threads), so a
 * recording that followed the command (`perf record -- CMD`) would see
 * its allocations and none of their frees.
 * Times are CLOCK_MONOTONIC nanoseconds (what bpf_ktime_get_ns reads)
 * since the window opened (t0).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/written.h"
#include "lib/progress.h"
#include "lib/outfile.h"
#include "trace/anonymize.h"
#include "trace/trace_io.h"
#include "capture/builder.h"
#include "capture/classify.h"
#include "capture/drain.h"
#include "capture/kallsyms.h"
#include "capture/kptr.h"
#include "capture/lock_waits.h"
#include "capture/record.h"
#include "capture/stack_cache.h"
#include "capture/vmallocinfo.h"

#define DEFAULT_OUTPUT "record.vmt.txt"
#define POLL_MS 100
#define NSEC_PER_SEC 1000000000ull

/* Set by the signal handler: stop recording (the signal's number). */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

struct record_opts {
	const char *output;
	double duration;	/* seconds, 0: until the command ends or a signal */
	bool stacks;
	bool locks;
	bool drain;		/* empty the vmap pools before the snapshot */
	bool anonymize;		/* trace/anonymize.h before saving */
	char **command;		/* NULL-terminated, or NULL */
};

/* What the ring-buffer callback needs. */
struct session {
	struct vmt_builder builder;
	struct ksyms ksyms;	/* empty with --no-stacks and without --locks */
	struct vmt_stack_cache stacks_seen;	/* each distinct stack's kind and caller */
	bool stacks, locks;
	/* --locks: the vmalloc locks kallsyms names, and the waits seen. */
	uint64_t named_addr[VMT_NAMED_LOCKS_MAX];
	const char *named_name[VMT_NAMED_LOCKS_MAX];
	size_t nnamed;
	struct vmt_lock_waits lock_waits;
	uint64_t nlock_waits, other_lock_waits;
	/* The recording window, CLOCK_MONOTONIC ns: events outside it are
	 * left out (cut_events).  t0 opens it once every program is attached
	 * (and the pools drained): times are ns since t0; until closes it
	 * before the first program is detached. */
	uint64_t t0, until;
	uint64_t drop_ns;	/* --drain: just before its last drop_caches */
	uint64_t last_purge_ns;	/* the latest purge record's time, cut or not */
	uint64_t cut_events, late_purges;	/* purges between drop_ns and t0 */
	uint64_t events, stack_errors;
	struct vmt_err err;	/* why the callback stopped the poll */
};

/* What a recording learns besides the events. */
struct recording {
	pid_t child;		/* the command until reaped, else 0 */
	int status;		/* the command's wait status */
	uint64_t snapshot_t;	/* when the snapshot was read, ns since t0 */
	uint64_t end_t;		/* when recording stopped, ns since t0 */
	uint64_t lost;		/* events the ring buffer dropped in the window */
	unsigned cpus_possible, cpus_online;
	struct vmt_drain_result drain;	/* with --drain */
};

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* --duration: a positive number of seconds, into a double. */
static int parse_seconds(const char *text, void *dest, struct vmt_err *why)
{
	double *seconds = dest;
	char *end;

	errno = 0;
	*seconds = strtod(text, &end);
	if (errno || end == text || *end || !isfinite(*seconds) || *seconds <= 0) {
		vmt_err_set(why, "expected a positive number of seconds, got '%s'", text);
		return -EINVAL;
	}
	return 0;
}

/* Fills @o from the command line.  0, or a result for cli_exit_status(). */
static int parse_args(int argc, char **argv, struct record_opts *o)
{
	const struct cli_option options[] = {
		{ CLI_STRING("output", 'o', "FILE", "the trace (default " DEFAULT_OUTPUT ")",
			     &o->output) },
		{ CLI_PARSE("duration", 0, "SECONDS", "stop after this long", parse_seconds,
			    &o->duration) },
		{ CLI_FLAG("stacks", 0, "a kernel stack per allocation, for caller= and kind= "
			   "(the default)", &o->stacks) },
		{ CLI_FLAG_OFF("no-stacks", 0, "no stacks: cheaper, no caller= or kind=",
			       &o->stacks) },
		{ CLI_FLAG("drain", 0, "empty the kernel's vmap pools (Linux 6.9+) before the "
			   "snapshot, so that it is the whole layout: force a purge, then "
			   "drop_caches=2; said in `meta drain*` lines", &o->drain) },
		{ CLI_FLAG("anonymize", 0, "write the trace as `vmtrace anonymize` would: the "
			   "window at the default base, no pid, comm, caller offsets, hex values "
			   "or host meta", &o->anonymize) },
		{ CLI_FLAG("locks", 0, "also time the kernel's waits for the vmalloc locks "
			   "(lock:contention_begin/end) into kernel_lock.* meta lines: count, "
			   "total, max, p50, p99 per lock", &o->locks) },
		{ NULL },
	};
	const struct cli_command cmd = {
		.name = "record", .args = "[-- COMMAND ARGS...]", .max_args = CLI_ANY_COUNT,
		.options_end_at_first_arg = true, .options = options,
		.about = "Records the kernel's vmap area allocations, frees and purges (eBPF on the\n"
			 "vmalloc tracepoints) and the busy areas at the start (/proc/vmallocinfo)\n"
			 "into the trace -o names, in the format its name asks for (.vmt.zst binary\n"
			 "compressed with zstd, .vmt binary, else text), until COMMAND exits,\n"
			 "SECONDS pass, or SIGINT/SIGTERM.  It records the whole machine, not\n"
			 "COMMAND alone: the kernel frees vmalloc areas from workqueues (kworker\n"
			 "threads), so following COMMAND would miss every free.\n"
			 "Needs root and a kernel with BTF.",
	};
	int first_arg, ret;

	*o = (struct record_opts){ .output = DEFAULT_OUTPUT, .stacks = true };
	ret = cli_parse(&cmd, argc, argv, &first_arg);
	if (!ret && first_arg < argc)
		o->command = argv + first_arg;
	return ret;
}

/* The record's stack frames (0 when bpf_get_stack failed, counted). */
static size_t stack_depth(struct session *s, const struct vmt_bpf_event *e)
{
	size_t n = e->stack_bytes > 0 ? (size_t)e->stack_bytes / sizeof(e->stack[0]) : 0;

	if (e->stack_bytes < 0)
		s->stack_errors++;
	return n < VMT_STACK_DEPTH ? n : VMT_STACK_DEPTH;
}

/* The stack's kind= and caller=, worked out once per distinct stack. */
static int stack_attrs(struct session *s, const struct vmt_bpf_event *e,
		       struct vmt_raw_text text[2], size_t *ntext)
{
	struct vmt_stack_class c;
	size_t n;
	int ret;

	*ntext = 0;
	if (!s->stacks)
		return 0;
	n = stack_depth(s, e);
	if (!n && e->stack_bytes < 0)
		return 0;
	ret = vmt_stack_classify(&s->stacks_seen, e->stack, n, &c);
	if (ret) {
		vmt_err_set(&s->err, "out of memory");
		return ret;
	}
	text[(*ntext)++] = (struct vmt_raw_text){ "kind", c.kind };
	if (c.caller)
		text[(*ntext)++] = (struct vmt_raw_text){ "caller", c.caller };
	return 0;
}

/* A wait under a vmalloc function: for a vmalloc lock when kallsyms
 * names the lock or its taker is a lock site (lock_waits.h), named so;
 * else for some lock deeper down, and not kept. */
static int on_lock_wait(struct session *s, const struct vmt_bpf_event *e)
{
	const char *frames[VMT_STACK_DEPTH], *name = NULL;
	size_t n = stack_depth(s, e);
	int ret;

	vmt_stack_name(&s->ksyms, e->stack, n, frames);
	for (size_t i = 0; i < s->nnamed && !name; i++)
		if (s->named_addr[i] == e->a)
			name = s->named_name[i];
	if (!name)
		name = vmt_lock_site(frames, n);
	if (!name) {
		s->other_lock_waits++;
		return 0;
	}
	ret = vmt_lock_waits_add(&s->lock_waits, e->a, name, e->b);
	if (ret)
		vmt_err_set(&s->err, "out of memory");
	s->nlock_waits++;
	return ret;
}

/* Leaves out a record outside the window; counts a purge that ran after
 * --drain's last drop_caches and before the window opened (it may have
 * refilled the pools). */
static bool cut_event(struct session *s, const struct vmt_bpf_event *e)
{
	if (e->kind == VMT_BPF_PURGE && e->t_ns > s->last_purge_ns)
		s->last_purge_ns = e->t_ns;
	if (e->t_ns >= s->t0 && e->t_ns < s->until)
		return false;
	if (e->kind == VMT_BPF_PURGE && s->drop_ns && e->t_ns >= s->drop_ns && e->t_ns < s->t0)
		s->late_purges++;
	s->cut_events++;
	return true;
}

/* The ring-buffer callback: one BPF record into the builder. */
static int on_event(void *ctx, const struct vmt_bpf_event *e)
{
	struct session *s = ctx;
	struct vmt_raw_text text[2];
	char comm[VMT_COMM_LEN + 1];
	int ret;
	struct vmt_raw_event raw = {
		.flags = VMT_F_T | VMT_F_CPU | VMT_F_PID,
		.t = e->t_ns - s->t0,
		.cpu = (uint16_t)e->cpu,
		.pid = e->pid,
		.comm = comm,
		.line = (uint32_t)(s->events + 1),
	};

	if (cut_event(s, e))
		return 0;
	if (e->kind == VMT_BPF_LOCK_WAIT)
		return on_lock_wait(s, e);
	memcpy(comm, e->comm, VMT_COMM_LEN);
	comm[VMT_COMM_LEN] = '\0';
	switch (e->kind) {
	case VMT_BPF_ALLOC:
		raw.op = VMT_ALLOC;
		raw.va = e->a;
		raw.size = e->b;
		raw.align = e->c;
		raw.vstart = e->d;
		raw.vend = e->e;
		if (e->failed)
			raw.flags |= VMT_F_FAILED;
		raw.text = text;
		ret = stack_attrs(s, e, text, &raw.ntext);
		if (ret)
			return ret;
		break;
	case VMT_BPF_FREE:
		raw.op = VMT_FREE;
		raw.va = e->a;
		break;
	case VMT_BPF_PURGE:
		raw.op = VMT_PURGE;
		raw.start = e->a;
		raw.end = e->b;
		raw.npurged = e->c;
		break;
	default:
		vmt_err_set(&s->err, "BPF record %" PRIu64 " has unknown kind %" PRIu32,
			    s->events + 1, e->kind);
		return -EPROTO;
	}
	s->events++;
	return vmt_builder_add(&s->builder, &raw, &s->err);
}

/* The vmalloc locks that kallsyms names (none without KALLSYMS_ALL). */
static int find_named_locks(struct session *s, struct vmt_err *err)
{
	struct ksyms data;
	uint64_t start, end;
	int ret;

	ret = ksyms_load_types(&data, "/proc/kallsyms", "dDbB", err);
	if (ret == -EACCES)	/* no data symbol has an address to show */
		return 0;
	if (ret)
		return ret;
	for (size_t i = 0; i < data.n; i++) {
		const char *sym = ksyms_get(&data, i, &start, &end);

		for (size_t j = 0; vmt_lock_symbols[j] && s->nnamed < VMT_NAMED_LOCKS_MAX; j++)
			if (!strcmp(sym, vmt_lock_symbols[j])) {
				s->named_addr[s->nnamed] = start;
				s->named_name[s->nnamed++] = vmt_lock_symbols[j];
			}
	}
	ksyms_free(&data);
	return 0;
}

/* --locks: tells the BPF programs which waits to time. */
static int watch_locks(struct vmt_recorder *r, const struct session *s, struct vmt_err *err)
{
	struct vmt_text_range sites[VMT_LOCK_SITES_MAX];
	size_t nsites;
	int ret;

	ret = vmt_lock_site_ranges(&s->ksyms, sites, VMT_LOCK_SITES_MAX, &nsites, err);
	if (!ret)
		ret = vmt_recorder_watch_locks(r, sites, nsites, s->named_addr, s->nnamed, err);
	return ret;
}

/*
 * With kptr_restrict at 1, and restoring it whatever happens, reads
 * kallsyms (for stacks and locks) when @snap is NULL, else the vmallocinfo
 * snapshot.  kallsyms is read before the window opens: under a storm the
 * events of the window would wait in the ring buffer meanwhile (the read
 * is slow when the workload keeps every CPU busy), while the
 * snapshot must follow the window's opening closely: an area freed in
 * between is a traced free of an area the trace never saw (an unknown
 * free).  A failed restore is said at once, even when a read failed
 * first: the administrator must learn that the setting was left changed.
 */
static int read_kernel_addresses(struct session *s, struct vmt_snapshot *snap,
				 uint64_t *snapshot_t, struct vmt_err *err)
{
	struct vmt_err restore_err = { { 0 } };
	struct kptr_restrict k;
	int ret, restored;

	if (!snap && !s->stacks && !s->locks)
		return 0;
	ret = kptr_restrict_set(&k, 1, err);
	if (ret)
		return ret;
	if (snap) {
		ret = vmt_vmallocinfo_load("/proc/vmallocinfo", snap, err);
		*snapshot_t = monotonic_ns() - s->t0;
	} else {
		ret = ksyms_load(&s->ksyms, "/proc/kallsyms", err);
		if (!ret && s->locks)
			ret = find_named_locks(s, err);
	}
	restored = kptr_restrict_restore(&k, &restore_err);
	if (restored)
		fprintf(stderr, "vmtrace record: %s\n", restore_err.msg);
	return ret ? ret : restored;
}

/* Forks and execs the command.  Returns its pid or a negative errno. */
static pid_t start_command(char **command)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(command[0], command);
		fprintf(stderr, "vmtrace record: cannot run %s: %s\n", command[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Says how the command ended, when that is not plain success. */
static void report_command(const char *name, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status))
		fprintf(stderr, "vmtrace record: %s exited with status %d\n", name,
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "vmtrace record: %s was killed by signal %d\n", name,
			WTERMSIG(status));
}

/* The progress line's note: what was lost, and the time left of a --duration. */
static void progress_lost(struct progress *p, struct vmt_recorder *r, uint64_t deadline,
			  char *note, size_t size)
{
	uint64_t lost = 0, now = monotonic_ns();
	struct vmt_err ignored;
	int len;

	vmt_recorder_lost(r, &lost, &ignored);
	len = snprintf(note, size, "%" PRIu64 " lost", lost);
	if (deadline && deadline > now && len > 0 && (size_t)len < size)
		snprintf(note + len, size - (size_t)len, ", %" PRIu64 " s left",
			 (uint64_t)((deadline - now + NSEC_PER_SEC - 1) / NSEC_PER_SEC));
	progress_note(p, note);
}

/*
 * Drains the ring buffer until the command exits, the duration ends or a
 * signal comes.  @rec->child becomes 0 once it was reaped (its status in
 * @rec->status).  Returns 0 or a negative errno with @err set.
 */
static int record_loop(struct vmt_recorder *r, struct session *s,
		       const struct record_opts *o, struct recording *rec,
		       struct vmt_err *err)
{
	uint64_t deadline = o->duration ? s->t0 + (uint64_t)(o->duration * NSEC_PER_SEC) : 0;
	struct progress p;
	char note[64];
	int ret = 0, timeout;

	progress_start(&p, "vmtrace record", "events", 0);

	while (!stop_signal) {
		uint64_t now = monotonic_ns();

		if (deadline && now >= deadline)
			break;
		if (rec->child > 0 && waitpid(rec->child, &rec->status, WNOHANG) == rec->child) {
			rec->child = 0;
			break;
		}
		timeout = POLL_MS;
		if (deadline && deadline - now < (uint64_t)POLL_MS * 1000000)
			timeout = (int)((deadline - now) / 1000000) + 1;
		ret = vmt_recorder_poll(r, timeout, err);
		if (ret < 0)
			break;
		ret = 0;
		if (p.on)
			progress_lost(&p, r, deadline, note, sizeof(note));
		progress_update(&p, s->events);
	}
	progress_end(&p);
	return ret;
}

/* A meta line whose text is a number. */
static int meta_u64(struct vmt_trace *t, const char *key, uint64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, value);
	return vmt_trace_add_meta(t, key, text);
}

/* What the replay needs of the kernel's own state: its node count follows
 * the possible CPUs, and with --drain the pools were empty at the start. */
static int add_state_meta(struct vmt_trace *t, const struct session *s,
			  const struct record_opts *o, const struct recording *rec,
			  const struct vmt_snapshot *snap)
{
	uint64_t unpurged = 0;
	int ret;

	for (size_t i = 0; i < snap->n; i++)
		unpurged += snap->areas[i].unpurged;
	if ((ret = meta_u64(t, "cpus_possible", rec->cpus_possible)) ||
	    (ret = meta_u64(t, "cpus_online", rec->cpus_online)) ||
	    (ret = meta_u64(t, "cut_events", s->cut_events)) ||
	    (ret = vmt_trace_add_meta(t, "drain", o->drain ? "yes" : "no")) || !o->drain)
		goto out;
	if ((ret = meta_u64(t, "drain_tries", rec->drain.tries)) ||
	    (ret = meta_u64(t, "drain_unpurged_before", rec->drain.unpurged_before)) ||
	    (ret = meta_u64(t, "drain_late_purges", s->late_purges)))
		goto out;
	ret = meta_u64(t, "drain_unpurged", unpurged);
out:
	return ret;
}

/* How the command ended, for `meta command_status`: "none", "exit N",
 * "signal N", or "running" (stopped with the recording, then SIGTERM). */
static void command_status(const struct record_opts *o, const struct recording *rec,
			   char *text, size_t size)
{
	if (!o->command)
		snprintf(text, size, "none");
	else if (rec->child > 0)
		snprintf(text, size, "running");
	else if (WIFSIGNALED(rec->status))
		snprintf(text, size, "signal %d", WTERMSIG(rec->status));
	else
		snprintf(text, size, "exit %d", WEXITSTATUS(rec->status));
}

/* The trace's own meta lines, after the builder's import.* counts. */
static int add_meta(struct vmt_trace *t, const struct session *s,
		    const struct record_opts *o, const struct recording *rec,
		    const struct vmt_snapshot *snap)
{
	char kernel[3 * 65 + 2], command[1024] = "none", status[32];
	struct utsname u;
	size_t used = 0;
	int ret;

	/* The command line, words joined by spaces (cut at the buffer's end). */
	for (char **arg = o->command; arg && *arg && used < sizeof(command) - 1; arg++)
		used += snprintf(command + used, sizeof(command) - used, "%s%s",
				 arg == o->command ? "" : " ", *arg);
	command_status(o, rec, status, sizeof(status));
	if (uname(&u))
		snprintf(kernel, sizeof(kernel), "unknown");
	else
		snprintf(kernel, sizeof(kernel), "%s %s %s", u.sysname, u.release, u.machine);
	if ((ret = vmt_trace_add_meta(t, "source", "vmtrace record (eBPF, vmalloc tracepoints)")) ||
	    (ret = vmt_trace_add_meta(t, "kernel", kernel)) ||
	    (ret = vmt_trace_add_meta(t, "clock", "CLOCK_MONOTONIC ns since recording started")) ||
	    (ret = meta_u64(t, "snapshot_t", rec->snapshot_t)) ||
	    (ret = meta_u64(t, "end_t", rec->end_t)) ||
	    (ret = vmt_trace_add_meta(t, "stacks", o->stacks ? "yes" : "no")) ||
	    (ret = meta_u64(t, "stack_errors", s->stack_errors)) ||
	    (ret = meta_u64(t, "stacks_distinct", s->stacks_seen.n)) ||
	    (ret = vmt_trace_add_meta(t, "command", command)) ||
	    (ret = vmt_trace_add_meta(t, "command_status", status)) ||
	    (ret = add_state_meta(t, s, o, rec, snap)))
		goto out;
	ret = meta_u64(t, "lost_events", rec->lost);
out:
	return ret;
}

static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	/* No SA_RESTART: the signal must end the ring buffer's epoll wait. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* What --drain's wait needs. */
struct drain_ctx {
	struct vmt_recorder *r;
	const struct session *s;
};

/* Polls the ring buffer while --drain waits (those records are cut), and
 * says whether a purge was traced since @since_ns. */
static int drain_wait(void *ctx, int ms, uint64_t since_ns, struct vmt_err *err)
{
	const struct drain_ctx *d = ctx;
	int ret = vmt_recorder_poll(d->r, ms, err);

	return ret < 0 ? ret : d->s->last_purge_ns >= since_ns;
}

/*
 * Opens the window, every program attached: --drain first, so that its
 * own map, the frees and the purge it causes fall before the window (they
 * are cut: the snapshot comes after them, and replaying them after it
 * would free areas it no longer holds), and the window opens right after
 * the pools were emptied; a purge in between is counted (late_purges).
 * Sets *@lost_before to the records dropped before the window.  Returns 0
 * or a negative errno with @err set.
 */
static int open_window(struct vmt_recorder *r, struct session *s, const struct record_opts *o,
		       struct recording *rec, uint64_t *lost_before, struct vmt_err *err)
{
	int ret;

	ret = vmt_cpu_list_count("/sys/devices/system/cpu/possible", &rec->cpus_possible, err);
	if (!ret)
		ret = vmt_cpu_list_count("/sys/devices/system/cpu/online", &rec->cpus_online, err);
	if (!ret && o->drain) {
		ret = vmt_drain_pools(drain_wait, &(struct drain_ctx){ r, s }, &rec->drain, err);
		s->drop_ns = rec->drain.drop_ns;
	}
	if (ret)
		goto out;
	s->t0 = monotonic_ns();
	ret = vmt_recorder_lost(r, lost_before, err);
out:
	return ret;
}

/*
 * Steps 2 and 3 with the programs attached: reads the kernel's addresses,
 * runs the command, drains the ring buffer until it is time to stop, then
 * detaches.  Returns 0, or a negative errno with @err set.
 */
static int record_attached(struct vmt_recorder *r, struct session *s,
			   const struct record_opts *o, struct vmt_snapshot *snap,
			   struct recording *rec, struct vmt_err *err)
{
	uint64_t lost_before = 0;
	int ret;

	ret = read_kernel_addresses(s, NULL, NULL, err);
	if (!ret)
		ret = open_window(r, s, o, rec, &lost_before, err);
	if (!ret)
		ret = read_kernel_addresses(s, snap, &rec->snapshot_t, err);
	if (!ret && o->locks)
		ret = watch_locks(r, s, err);
	if (ret)
		return ret;
	if (o->command && !stop_signal) {
		rec->child = start_command(o->command);
		if (rec->child < 0) {
			ret = rec->child;
			rec->child = 0;
			vmt_err_set(err, "cannot start %s: %s", o->command[0], strerror(-ret));
			return ret;
		}
	}
	ret = record_loop(r, s, o, rec, err);
	/* Programs detach one by one, tens of ms apart: frees traced after
	 * the alloc program went would be unknown frees.  So the window
	 * closes first, for all of them at once. */
	s->until = monotonic_ns();
	if (!ret)
		ret = vmt_recorder_stop(r, err);
	if (ret < 0) {
		if (s->err.msg[0])	/* the callback failed, not the ring buffer */
			*err = s->err;
		return ret;
	}
	rec->end_t = s->until - s->t0;
	ret = vmt_recorder_lost(r, &rec->lost, err);
	rec->lost -= lost_before;
	return ret;
}

/* Puts @before and @after around the message in @err. */
static void err_wrap(struct vmt_err *err, const char *before, const char *after)
{
	struct vmt_err inner = *err;

	/* A message too long is cut: it still begins with what matters. */
	if (snprintf(err->msg, sizeof(err->msg), "%s%s%s", before, inner.msg, after) >=
	    (int)sizeof(err->msg))
		err->msg[sizeof(err->msg) - 2] = '.';
}

/* Step 4: builds the trace with its meta lines and saves it as @o says. */
static int save_trace(struct session *s, const struct record_opts *o,
		      struct vmt_snapshot *snap, const struct recording *rec,
		      struct vmt_trace *t, struct vmt_err *err)
{
	int ret;

	vmt_builder_set_snapshot(&s->builder, snap);
	ret = vmt_builder_finish(&s->builder, t, NULL, err);
	/* The binary footer's lost count, beside the meta line text keeps. */
	t->lost_events = rec->lost;
	if (!ret && (ret = add_meta(t, s, o, rec, snap)))
		vmt_err_set(err, "out of memory");
	if (!ret && o->locks &&
	    (ret = vmt_lock_waits_meta(&s->lock_waits, s->nnamed ? "kallsyms" : "stack", t)))
		vmt_err_set(err, "out of memory");
	if (!ret && o->anonymize)
		ret = vmt_anonymize(t, &(struct vmt_anon_opts){ 0 }, &(struct vmt_anon_shift){ 0 },
				    err);
	if (!ret && (ret = vmt_trace_save(o->output, t, err))) {
		char what[64];

		/* Said even when 0: a quiet machine records no event in a short run. */
		snprintf(what, sizeof(what),
			 "%" PRIu64 " event%s recorded, no trace written: ", s->events,
			 s->events == 1 ? "" : "s");
		err_wrap(err, what, "");
	}
	return ret;
}

/*
 * Makes and drops a temporary file beside the output: a directory that
 * cannot take the trace is said before anything is recorded.  (One that
 * fills up or goes away later is said when saving, with the event count.)
 */
static int check_output(const char *path, struct vmt_err *err)
{
	struct outfile probe;
	int ret = outfile_open(&probe, path);

	if (ret)
		vmt_err_set(err, "%s: cannot create: %s; nothing was recorded", path,
			    strerror(-ret));
	outfile_abort(&probe);
	return ret;
}

/* What was written, in the words info and replay use (cli/written.h). */
static void print_totals(const struct session *s, const struct record_opts *o,
			 const struct vmt_trace *t, const struct recording *rec)
{
	cli_say_written("record", o->output, t);
	if (rec->lost)
		fprintf(stderr, "vmtrace record: %" PRIu64 " event%s lost (the ring buffer "
			"was full)\n", rec->lost, rec->lost == 1 ? "" : "s");
	if (o->locks)
		fprintf(stderr, "vmtrace record: %" PRIu64 " waits for %zu vmalloc locks "
			"(found by %s), %" PRIu64 " for other locks under vmalloc "
			"functions\n", s->nlock_waits, s->lock_waits.n,
			s->nnamed ? "kallsyms" : "stack", s->other_lock_waits);
	if (o->drain)
		fprintf(stderr, "vmtrace record: --drain: %zu unpurged areas before, %zu after "
			"%u tries (goal <= %d)%s\n", rec->drain.unpurged_before,
			rec->drain.unpurged, rec->drain.tries, VMT_DRAIN_GOAL,
			s->late_purges ? "; a purge ran before the window opened: the pools "
			"may not be empty" : "");
}

int cmd_record(int argc, char **argv)
{
	struct session s = { 0 };
	struct record_opts o;
	struct recording rec = { 0 };
	struct vmt_recorder *r = NULL;
	struct vmt_snapshot snap = { 0 };
	struct vmt_trace t = { 0 };
	struct vmt_err err = { { 0 } };
	int ret, exit_code = 1;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return cli_exit_status(ret);
	s.stacks = o.stacks;
	s.locks = o.locks;
	vmt_stack_cache_init(&s.stacks_seen, &s.ksyms);
	catch_stop_signals();
	if ((ret = vmt_builder_init(&s.builder, "bpf")) || (ret = vmt_snapshot_init(&snap))) {
		vmt_err_set(&err, "out of memory");
		goto out;
	}
	s.t0 = s.until = UINT64_MAX;	/* no window yet: every record is cut */
	ret = vmt_recorder_start(&r, &(struct vmt_recorder_opts){
		.stacks = o.stacks, .locks = o.locks, .on_event = on_event, .ctx = &s }, &err);
	if (ret == -EPERM || ret == -ENOENT || ret == -EOPNOTSUPP)
		err_wrap(&err, "", "; without eBPF, capture with tracefs "
			 "(scripts/capture_tracefs.sh) and make the trace with "
			 "`vmtrace import --ftrace`");
	if (!ret)
		ret = check_output(o.output, &err);
	if (!ret)
		ret = record_attached(r, &s, &o, &snap, &rec, &err);
	if (!ret)
		ret = save_trace(&s, &o, &snap, &rec, &t, &err);
	if (!ret) {
		exit_code = 0;
		print_totals(&s, &o, &t, &rec);
	}
out:
	if (rec.child > 0) {
		/* Stopped early (signal or error): the command goes too. */
		kill(rec.child, SIGTERM);
		waitpid(rec.child, &rec.status, 0);
	}
	if (o.command && rec.status)
		report_command(o.command[0], rec.status);
	vmt_recorder_destroy(r);
	if (exit_code && err.msg[0])
		fprintf(stderr, "vmtrace record: %s\n", err.msg);
	vmt_trace_free(&t);
	vmt_snapshot_free(&snap);
	vmt_stack_cache_free(&s.stacks_seen);
	ksyms_free(&s.ksyms);
	vmt_lock_waits_free(&s.lock_waits);
	vmt_builder_free(&s.builder);
	return exit_code;
}
