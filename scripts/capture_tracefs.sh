#!/bin/bash
# Captures a real vmalloc trace with tracefs and imports it.
#
#   scripts/capture_tracefs.sh [-o OUT.vmt.txt] [--seconds N] [--buffer-kb KB]
#                              [-- COMMAND...]
#
# As root: mounts tracefs if needed, creates its own tracefs instance (other
# tracers on the machine keep the top-level buffer), enables the three
# vmalloc events there, reads /proc/vmallocinfo with kernel.kptr_restrict=1
# (real addresses; the old value is restored on every exit path), runs
# COMMAND (or sleeps N seconds), stops, copies the instance's `trace` file,
# removes the instance and runs `build/vmtrace import`.
#
# Next to OUT it leaves NAME.trace.txt (the raw tracefs text) and
# NAME.vmallocinfo.txt (the snapshot), so the import can be re-run.
# A ring-buffer overrun or dropped event is reported on stderr and recorded
# as `meta ring_overrun` / `meta ring_dropped`: a loss is never silent.
set -euo pipefail

usage() {
	sed -n '4,5p' "$0" | sed 's/^# *//' >&2
	exit 2
}

out=trace.vmt.txt
seconds=5
buffer_kb=16384
while [ $# -gt 0 ]; do
	case "$1" in
	-o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--seconds) [ $# -ge 2 ] || usage; seconds=$2; shift 2 ;;
	--buffer-kb) [ $# -ge 2 ] || usage; buffer_kb=$2; shift 2 ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
done
case "$seconds$buffer_kb" in *[!0-9]*) usage ;; esac
[ "$(id -u)" -eq 0 ] || { echo "capture_tracefs.sh: must run as root" >&2; exit 1; }

here=$(cd "$(dirname "$0")/.." && pwd)
vmtrace=$here/build/vmtrace
[ -x "$vmtrace" ] || { echo "capture_tracefs.sh: build first (ninja)" >&2; exit 1; }

name=${out%.vmt.txt}
raw=$name.trace.txt
snapshot=$name.vmallocinfo.txt
tracefs=/sys/kernel/tracing
inst=$tracefs/instances/vmtrace_capture_$$
old_kptr=
made_inst=

cleanup() {
	if [ -n "$old_kptr" ]; then
		sysctl -qw kernel.kptr_restrict="$old_kptr"
		old_kptr=
	fi
	if [ -n "$made_inst" ] && [ -d "$inst" ]; then
		echo 0 > "$inst/tracing_on" || true
		echo 0 > "$inst/events/vmalloc/enable" || true
		rmdir "$inst" || echo "capture_tracefs.sh: could not remove $inst" >&2
	fi
	made_inst=
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mountpoint -q "$tracefs" || mount -t tracefs nodev "$tracefs"
mkdir "$inst"
made_inst=1
echo "$buffer_kb" > "$inst/buffer_size_kb"
for ev in alloc_vmap_area free_vmap_area_noflush purge_vmap_area_lazy; do
	echo 1 > "$inst/events/vmalloc/$ev/enable"
done
echo 1 > "$inst/tracing_on"

# The snapshot right after tracing starts: events racing with this read
# are reconciled by the import (capture/builder.h).
old_kptr=$(sysctl -n kernel.kptr_restrict)
sysctl -qw kernel.kptr_restrict=1
cat /proc/vmallocinfo > "$snapshot.tmp"
sysctl -qw kernel.kptr_restrict="$old_kptr"
old_kptr=

start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
if [ $# -gt 0 ]; then
	workload="$*"
	"$@"
else
	workload="idle system, sleep $seconds"
	sleep "$seconds"
fi
echo 0 > "$inst/tracing_on"

overrun=0
dropped=0
for stats in "$inst"/per_cpu/cpu*/stats; do
	o=$(awk -F': *' '$1 == "overrun" || $1 == "commit overrun" { s += $2 } END { print s + 0 }' "$stats")
	d=$(awk -F': *' '$1 == "dropped events" { print $2 + 0 }' "$stats")
	overrun=$((overrun + o))
	dropped=$((dropped + d))
done
cat "$inst/trace" > "$raw.tmp"
cleanup
mv "$snapshot.tmp" "$snapshot"
mv "$raw.tmp" "$raw"

if [ "$overrun" -ne 0 ] || [ "$dropped" -ne 0 ]; then
	echo "capture_tracefs.sh: WARNING: ring buffer lost events: overrun $overrun," \
	     "dropped $dropped (raise --buffer-kb)" >&2
fi

"$vmtrace" import --ftrace "$raw" --vmallocinfo "$snapshot" -o "$out" \
	--meta "kernel=$(uname -r) $(uname -m)" --meta "captured=$start" \
	--meta "workload=$workload" --meta "ring_overrun=$overrun" \
	--meta "ring_dropped=$dropped" --meta "buffer_kb_per_cpu=$buffer_kb"
echo "capture_tracefs.sh: $raw, $snapshot -> $out"
