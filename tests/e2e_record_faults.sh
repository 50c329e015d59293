#!/bin/sh
# SPDX-License-Identifier: MIT
# `vmtrace record` under the faults of real machines (docs/BAD_INPUT.md,
# "Recording faults"); root, a small tmpfs and capsh.  Each case checks
# the exit status, the message and what is left on disk, and that
# kernel.kptr_restrict, set to 2 here, reads back 2 afterwards.
#   - output on a read-only file system: refused before recording;
#   - output file system full (ENOSPC) or output directory removed while
#     recording: exit 1, "N event(s) recorded, no trace written", no file;
#   - two recordings at once: both succeed, and the one whose window holds
#     the other's has every allocation the other saw;
#   - the command missing, exiting 3, killed by SIGKILL: trace written,
#     `meta command_status` exit 127 / exit 3 / signal 9;
#   - record --anonymize: no pid, comm or caller offset written;
#   - no BTF, no vmalloc tracepoint (VMTRACE_KERNEL_BTF: a missing file, a
#     BTF without the tracepoint's struct), BPF not permitted (capsh drops
#     CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN): exit 1, the missing piece
#     named and tracefs + `vmtrace import` suggested, no file.
set -u
cd "$(dirname "$0")/.."

. tests/record_prereqs.sh
command -v capsh > /dev/null || skip "capsh is not installed"

tmp=$(mktemp -d)
kptr_old=$(cat /proc/sys/kernel/kptr_restrict)
cleanup() {
	umount "$tmp/small" "$tmp/ro" 2> /dev/null
	echo "$kptr_old" > /proc/sys/kernel/kptr_restrict
	rm -rf "$tmp"
}
trap cleanup EXIT
echo 2 > /proc/sys/kernel/kptr_restrict

# expect NAME RC PATTERN: the last record exited RC and said PATTERN.
expect() {
	[ "$rc" -eq "$2" ] || fail "$1: exit $rc, expected $2: $(cat "$tmp/err")"
	grep -qE "$3" "$tmp/err" || fail "$1: message lacks '$3': $(cat "$tmp/err")"
	[ "$(cat /proc/sys/kernel/kptr_restrict)" = 2 ] || fail "$1: kptr_restrict not restored to 2"
	echo "ok: $1: $(head -c 200 "$tmp/err" | tr '\n' ' ')"
}

# A first record: skips where this machine cannot record at all.
"$vmtrace" record --duration 0.2 -o "$tmp/probe.vmt" 2> "$tmp/err"
rc=$?
skip_if_cannot_record "$rc" "$tmp/err"
[ "$rc" -eq 0 ] || fail "record exited $rc: $(cat "$tmp/err")"

mkdir "$tmp/ro" "$tmp/small" "$tmp/gone"
mount -t tmpfs -o size=64k,ro tmpfs "$tmp/ro" || skip "cannot mount a tmpfs"
"$vmtrace" record --duration 0.2 -o "$tmp/ro/t.vmt" 2> "$tmp/err"; rc=$?
expect "read-only output" 1 "t.vmt: cannot create: Read-only file system; nothing was recorded"

# 16 KiB: room for the temporary file, not for a snapshot of every busy area.
mount -t tmpfs -o size=16k tmpfs "$tmp/small"
# A workload, so that there are events to count (a quiet machine makes none
# in a moment).
"$vmtrace" record -o "$tmp/small/t.vmt" -- python3 $workload maps 1 > /dev/null 2> "$tmp/err"; rc=$?
expect "file system full" 1 "^vmtrace record: [1-9][0-9]* events? recorded, no trace written: .*No space left on device"
[ -z "$(ls -A "$tmp/small")" ] || fail "file system full: left $(ls -A "$tmp/small")"

"$vmtrace" record --duration 1.5 -o "$tmp/gone/t.vmt" 2> "$tmp/err" & pid=$!
sleep 0.8; rm -rf "$tmp/gone"; wait $pid; rc=$?
expect "output directory removed" 1 "events? recorded, no trace written: .*No such file or directory"

# Two at once: outer's window holds inner's.
"$vmtrace" record --duration 4 -o "$tmp/outer.vmt.txt" 2> "$tmp/outer.err" & outer=$!
sleep 1
"$vmtrace" record -o "$tmp/inner.vmt.txt" -- python3 $workload maps 1 > /dev/null 2> "$tmp/err"; rc=$?
wait $outer || fail "outer recording failed: $(cat "$tmp/outer.err")"
expect "two recordings at once (inner)" 0 "events"
awk '$1 == "alloc" { for (i = 3; i <= NF; i++) if ($i ~ /^va=/) print $3, $i }' "$tmp/inner.vmt.txt" | sort > "$tmp/inner.allocs"
awk '$1 == "alloc" { for (i = 3; i <= NF; i++) if ($i ~ /^va=/) print $3, $i }' "$tmp/outer.vmt.txt" | sort > "$tmp/outer.allocs"
n=$(wc -l < "$tmp/inner.allocs")
[ "$n" -gt 0 ] || fail "the inner recording has no alloc"
missing=$(comm -23 "$tmp/inner.allocs" "$tmp/outer.allocs" | wc -l)
[ "$missing" -eq 0 ] || fail "the outer recording misses $missing of the inner one's $n allocs"
echo "ok: two recordings at once: the outer one has all $n allocs of the inner one"

for c in "/nonexistent/workload|exit 127" "sh -c 'exit 3'|exit 3" "sh -c 'kill -9 \$\$'|signal 9"; do
	cmd=${c%|*} want=${c#*|}
	eval "\"\$vmtrace\" record --no-stacks -o \"\$tmp/cmd.vmt.txt\" -- $cmd" 2> "$tmp/err"; rc=$?
	expect "command $cmd" 0 "events"
	grep -qx "meta command_status $want" "$tmp/cmd.vmt.txt" ||
		fail "command $cmd: $(grep command_status "$tmp/cmd.vmt.txt"), expected $want"
	rm "$tmp/cmd.vmt.txt"
done

# --anonymize: no pid, comm or caller offset in what is written.
"$vmtrace" record --anonymize -o "$tmp/anon.vmt.txt" -- python3 $workload maps 1 > /dev/null 2> "$tmp/err"; rc=$?
expect "record --anonymize" 0 "events"
grep -q '^alloc ' "$tmp/anon.vmt.txt" || fail "record --anonymize: no alloc"
! grep -qE ' (pid|comm)=|caller=[^ ]*\+0x' "$tmp/anon.vmt.txt" ||
	fail "record --anonymize kept: $(grep -m1 -E ' (pid|comm)=|caller=[^ ]*\+0x' "$tmp/anon.vmt.txt")"

suggest="without eBPF, capture with tracefs .* \`vmtrace import --ftrace\`"
VMTRACE_KERNEL_BTF=$tmp/no-btf "$vmtrace" record -o "$tmp/f.vmt" -- true 2> "$tmp/err"; rc=$?
expect "no BTF" 1 "exposes no BTF \($tmp/no-btf is missing\).*$suggest"
echo 'int unrelated;' | clang -g -target bpf -c -x c - -o "$tmp/other.btf.o" ||
	fail "clang cannot make a BTF file"
VMTRACE_KERNEL_BTF=$tmp/other.btf.o "$vmtrace" record -o "$tmp/f.vmt" -- true 2> "$tmp/err"; rc=$?
expect "no tracepoint" 1 "no vmalloc:alloc_vmap_area tracepoint.*$suggest"
capsh --drop=cap_bpf,cap_perfmon,cap_sys_admin -- -c "$vmtrace record -o $tmp/f.vmt -- true" 2> "$tmp/err"; rc=$?
expect "BPF not permitted" 1 "BPF is not permitted here.*CAP_BPF.*$suggest"
[ ! -e "$tmp/f.vmt" ] || fail "a refused recording left $tmp/f.vmt"
ls "$tmp" | grep -q '\.tmp\.' && fail "a temporary output file was left behind"
echo "ok: every fault has its outcome; kernel.kptr_restrict read back 2 after each"
