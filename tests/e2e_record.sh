#!/bin/sh
# SPDX-License-Identifier: MIT
# End-to-end test of `vmtrace record` on the running kernel: records while
# a known workload runs and checks the trace against what the workload
# must have caused.  Needs root, kernel BTF and BPF, and a vmtrace built
# with its BPF skeleton; where one is lacking it prints "SKIPPED: <reason>"
# and exits 77 (record_prereqs.sh).
#
#   1. `record -- workload`: 200 processes alive at once (each fork past
#      the per-CPU cache of 2 stacks per CPU vmallocs a kernel stack), then
#      BPF array maps of 64 KiB created and closed for a second (each
#      create is exactly one vmalloc in bpf_map_area_alloc).
#   2. `record --duration 60` stopped by SIGTERM, then by SIGINT, after
#      2 s: must end cleanly with a complete trace; killed by SIGKILL:
#      must leave nothing under the final name.  No BPF program of ours
#      stays attached after any of them.
# Both run with kernel.kptr_restrict=2, which hides every kernel address:
# the snapshot must still have real ones, and 2 must be back afterwards.
set -u
cd "$(dirname "$0")/.."

. tests/record_prereqs.sh

tmp=$(mktemp -d)
kptr_old=$(cat /proc/sys/kernel/kptr_restrict)
trap 'echo "$kptr_old" > /proc/sys/kernel/kptr_restrict; rm -rf "$tmp"' EXIT
echo 2 > /proc/sys/kernel/kptr_restrict

# Counts the lines of $1 matching the extended regex $2.
count() {
	grep -cE "$2" "$1"
}

# Checks what every trace recorded here must satisfy.
check_trace() {
	trace=$1
	[ -s "$trace" ] || fail "$trace is missing or empty"
	[ "$(cat /proc/sys/kernel/kptr_restrict)" = 2 ] || fail "kernel.kptr_restrict not restored to 2"
	ls "$tmp" | grep -q '\.tmp\.' && fail "a temporary output file was left behind"
	grep -qx 'meta lost_events 0' "$trace" || fail "events were lost: $(grep lost_events "$trace")"
	# The snapshot: live lines with real kernel addresses, not zeroed ones.
	[ "$(count "$trace" '^live ')" -gt 0 ] || fail "no live lines (empty snapshot)"
	[ "$(count "$trace" '^live [^ ]+ 0x0+ ')" -eq 0 ] || fail "live lines at address 0: kernel pointers were hidden"
	"$vmtrace" replay --check "$trace" > "$tmp/replay.out" 2>&1 ||
		fail "replay --check failed: $(cat "$tmp/replay.out")"
	# Every traced free has its alloc or snapshot area: record keeps only
	# the window in which all three programs are attached (FORMAT.md,
	# Recording); frees traced while they detached one by one were the
	# "unknown frees" this once failed with under load.
	grep -qE '^ +unknown frees +0$' "$tmp/replay.out" ||
		fail "frees without a matching area: $(grep 'unknown frees' "$tmp/replay.out")"
}

# 1. A command's workload.
# The map workload says its pid (exec keeps the shell's): recording is
# system-wide, and another python3 on the machine may create maps too.
"$vmtrace" record -o "$tmp/work.txt" -- sh -c \
	"python3 $workload forks 200 && echo maps-pid \$\$ && exec python3 $workload maps 1" \
	> "$tmp/workload.out" 2> "$tmp/record.err"
rc=$?
skip_if_cannot_record "$rc" "$tmp/record.err"
[ "$rc" -eq 0 ] || fail "record exited $rc: $(cat "$tmp/record.err")"
check_trace "$tmp/work.txt"
maps=$(sed -n 's/^maps \([0-9]*\) in .*/\1/p' "$tmp/workload.out")
[ -n "$maps" ] && [ "$maps" -gt 0 ] || fail "the map workload did not run: $(cat "$tmp/workload.out")"

# 200 children alive together need 200 stacks, allocated by the forking
# python3.  A fork takes a stack from the per-CPU cache (2 per CPU) when
# it can, and every task that exits meanwhile anywhere on the machine
# refills that cache: on a quiet machine >= 200 - 2 * CPUs are new vmalloc
# areas (196 here).
kstacks=$(count "$tmp/work.txt" '^alloc .* comm=python3 kind=kstack caller=copy_process$')
# Each fork past the per-CPU cache of freed stacks vmallocs one; tasks
# exiting elsewhere on a busy machine refill that cache (56 of 200 seen
# under heavy load, ~196 on a quiet one), so only the bounds are certain:
# some, and never more than one per fork.
[ "$kstacks" -ge 1 ] && [ "$kstacks" -le 200 ] ||
	fail "$kstacks kernel-stack allocs for 200 concurrent forks, expected 1..200"
# One vmalloc per map created, made by the workload itself (its thread:
# pid= is the thread id, the process's own for this single-threaded one).
maps_pid=$(sed -n 's/^maps-pid \([0-9]*\)$/\1/p' "$tmp/workload.out")
[ -n "$maps_pid" ] || fail "the map workload did not say its pid: $(cat "$tmp/workload.out")"
bpf_maps=$(count "$tmp/work.txt" "^alloc .* pid=$maps_pid comm=python3 kind=bpf caller=__bpf_map_area_alloc\$")
[ "$bpf_maps" -eq "$maps" ] || fail "$bpf_maps BPF map allocs for $maps maps created"
# Maps are freed from a workqueue, stacks when a task is reaped: frees of
# traced allocs must be there (some may land after the recording ends).
traced_frees=$(count "$tmp/work.txt" '^free a[0-9]+ ')
[ "$traced_frees" -gt 0 ] || fail "no free of a recorded alloc"
echo "workload: $kstacks stack allocs, $bpf_maps map allocs, $traced_frees traced frees," \
	"$(count "$tmp/work.txt" '^live ') live areas, 0 lost"

# Records into $1 for at most 60 s, sends signal $2 after 2 s, and
# returns record's exit status.  $ours: the ids of the BPF programs it
# held (its fds), to tell them from those of other recordings running on
# the machine meanwhile (other sessions' tests record too).
record_then_signal() {
	"$vmtrace" record -o "$1" --duration 60 2> "$tmp/signal.err" &
	pid=$!
	sleep 2
	ours=$(sed -n 's/^prog_id:[[:space:]]*//p' /proc/"$pid"/fdinfo/* 2>/dev/null | sort -u)
	[ -n "$ours" ] || fail "record holds no BPF program after 2 s: $(cat "$tmp/signal.err")"
	kill "-$2" "$pid"
	wait "$pid"
}

# No program of ours may stay loaded once record has exited: prints how
# many of $ours are, after up to 2 s for the kernel to free them (it
# frees a program after an RCU grace period, not at the close).  A
# program is gone only when bpftool says there is no such id; any other
# bpftool failure exits (the caller's check then fails), so that a
# missing or failing bpftool cannot pass the check.
command -v bpftool > /dev/null ||
	fail "bpftool is not installed (scripts/setup.sh installs it): cannot see programs detach"
attached() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		left=0
		for id in $ours; do
			if bpftool prog show id "$id" > /dev/null 2> "$tmp/bpftool.err"; then
				left=$((left + 1))
			elif ! grep -q "No such file or directory" "$tmp/bpftool.err"; then
				echo "FAIL: bpftool prog show id $id: $(cat "$tmp/bpftool.err")" >&2
				exit 1
			fi
		done
		[ "$left" -eq 0 ] && break
		sleep 0.2
	done
	echo "$left"
}

# 2. Stopped by SIGTERM: a clean end and a complete trace.
record_then_signal "$tmp/term.txt" TERM ||
	fail "record stopped by SIGTERM exited $?: $(cat "$tmp/signal.err")"
check_trace "$tmp/term.txt"
end_t=$(sed -n 's/^meta end_t //p' "$tmp/term.txt")
[ "$end_t" -lt 60000000000 ] || fail "SIGTERM did not stop the 60 s recording (end_t $end_t ns)"
n=$(attached) || fail "cannot tell whether BPF programs stay attached after SIGTERM"
[ "$n" -eq 0 ] || fail "$n BPF programs still attached after SIGTERM"
echo "SIGTERM: stopped after $end_t ns, trace complete"

# 2b. SIGINT ends it as cleanly, here writing a binary trace.
record_then_signal "$tmp/int.vmt.zst" INT ||
	fail "record stopped by SIGINT exited $?: $(cat "$tmp/signal.err")"
"$vmtrace" info --verify "$tmp/int.vmt.zst" > /dev/null ||
	fail "the trace SIGINT finished does not verify"
n=$(attached) || fail "cannot tell whether BPF programs stay attached after SIGINT"
[ "$n" -eq 0 ] || fail "$n BPF programs still attached after SIGINT"
echo "SIGINT: binary trace complete and verified"

# 2c. SIGKILL cannot be caught: nothing may appear under the final name,
# the kernel detaches the programs with the process, and kptr_restrict
# (changed only while the snapshot is read, long over after 2 s) is 2.
record_then_signal "$tmp/kill.vmt.zst" KILL
[ ! -e "$tmp/kill.vmt.zst" ] || fail "a SIGKILLed record left a file under the final name"
rm -f "$tmp"/kill.vmt.zst.tmp.*
[ "$(cat /proc/sys/kernel/kptr_restrict)" = 2 ] || fail "kernel.kptr_restrict changed after SIGKILL"
sleep 1
n=$(attached) || fail "cannot tell whether BPF programs stay attached after SIGKILL"
[ "$n" -eq 0 ] || fail "$n BPF programs still attached after SIGKILL"
echo "SIGKILL: no file under the final name, programs detached"

# 3. Not root: one sentence, exit 1, no output file.
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$vmtrace" record -o "$tmp/nobody.txt" --duration 1 2> "$tmp/nobody.err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "record as nobody exited $rc, expected 1"
	grep -q 'root is needed' "$tmp/nobody.err" || fail "as nobody: $(cat "$tmp/nobody.err")"
	[ ! -e "$tmp/nobody.txt" ] || fail "record as nobody wrote a trace"
fi
echo "PASS"
