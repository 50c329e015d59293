#!/bin/sh
# SPDX-License-Identifier: MIT
# End-to-end test of `vmtrace record --drain` on the running kernel:
# records a short workload (BPF array maps of 64 KiB created and closed
# for a second) after emptying the vmap pools, into a binary trace, and
# checks that the trace is complete (`info --verify`, no event lost, every
# free matched) and says what was done: `meta drain yes`, the drain's
# counts, and the CPU counts the replay needs.  Skips (exit 77,
# "SKIPPED: <reason>") exactly where the other record tests do
# (record_prereqs.sh).
set -u
cd "$(dirname "$0")/.."

. tests/record_prereqs.sh

# The value of meta line $1 in the `info` output.
meta() {
	sed -n "s/^meta $1: //p" "$tmp/info.out"
}

# Counts the CPUs of sysfs list $1 ("0-1", "0,2-5").
cpus() {
	tr ',' '\n' < "$1" | awk -F- '{ n += (NF == 2 ? $2 - $1 + 1 : 1) } END { print n }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$vmtrace" record --drain -o "$tmp/drain.vmt.zst" -- python3 "$workload" maps 1 \
	> "$tmp/workload.out" 2> "$tmp/record.err"
rc=$?
skip_if_cannot_record "$rc" "$tmp/record.err"
[ "$rc" -eq 0 ] || fail "record --drain exited $rc: $(cat "$tmp/record.err")"
grep -q '^vmtrace record: --drain: [0-9]* unpurged areas before, [0-9]* after [1-3] tries' \
	"$tmp/record.err" || fail "record --drain did not say what it did: $(cat "$tmp/record.err")"

"$vmtrace" info --verify "$tmp/drain.vmt.zst" > "$tmp/info.out" 2>&1 ||
	fail "the --drain trace does not verify: $(cat "$tmp/info.out")"
[ "$(meta drain)" = yes ] || fail "no 'meta drain yes': $(grep '^meta drain' "$tmp/info.out")"
[ "$(meta lost_events)" = 0 ] || fail "events were lost: $(meta lost_events)"
[ "$(meta cpus_possible)" = "$(cpus /sys/devices/system/cpu/possible)" ] ||
	fail "meta cpus_possible $(meta cpus_possible), sysfs says $(cpus /sys/devices/system/cpu/possible)"
[ "$(meta cpus_online)" = "$(cpus /sys/devices/system/cpu/online)" ] ||
	fail "meta cpus_online $(meta cpus_online), sysfs says $(cpus /sys/devices/system/cpu/online)"
tries=$(meta drain_tries)
[ "$tries" -ge 1 ] && [ "$tries" -le 3 ] || fail "meta drain_tries '$tries', expected 1..3"
for key in drain_unpurged_before drain_unpurged drain_late_purges cut_events; do
	meta "$key" | grep -qE '^[0-9]+$' || fail "no numeric 'meta $key'"
done
# The snapshot's unpurged areas are its `live kind=unpurged` lines.
"$vmtrace" convert "$tmp/drain.vmt.zst" "$tmp/drain.vmt.txt" ||
	fail "cannot convert the --drain trace to text"
unpurged=$(grep -c '^live .* kind=unpurged' "$tmp/drain.vmt.txt")
[ "$unpurged" -eq "$(meta drain_unpurged)" ] ||
	fail "meta drain_unpurged $(meta drain_unpurged), but $unpurged unpurged live lines"

# The window holds the workload, and only it: none of the drain's own
# 72 MiB map (cut: it was before the window), every map the workload made.
maps=$(sed -n 's/^maps \([0-9]*\) in .*/\1/p' "$tmp/workload.out")
[ -n "$maps" ] && [ "$maps" -gt 0 ] || fail "the map workload did not run: $(cat "$tmp/workload.out")"
bpf_maps=$(grep -cE '^alloc .* comm=python3 kind=bpf caller=__bpf_map_area_alloc$' "$tmp/drain.vmt.txt")
[ "$bpf_maps" -eq "$maps" ] || fail "$bpf_maps BPF map allocs for $maps maps created"
awk '$1 == "alloc" && $3 >= 64 * 1048576 && / comm=vmtrace /' "$tmp/drain.vmt.txt" | grep -q . &&
	fail "the drain's own map is in the trace: it came before the window"
"$vmtrace" replay --check "$tmp/drain.vmt.zst" > "$tmp/replay.out" 2>&1 ||
	fail "replay --check failed: $(cat "$tmp/replay.out")"
grep -qE '^ +unknown frees +0$' "$tmp/replay.out" ||
	fail "frees without a matching area: $(grep 'unknown frees' "$tmp/replay.out")"
echo "drain: $tries tries, $(meta drain_unpurged_before) unpurged before," \
	"$unpurged at the snapshot, $maps maps, 0 lost"
echo "PASS"
