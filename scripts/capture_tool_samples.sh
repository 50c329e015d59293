#!/bin/bash
# Captures one workload with three tools at once, for the importers' tests:
#
#   scripts/capture_tool_samples.sh OUTDIR -- COMMAND...
#
# As root: enables the three vmalloc events in a tracefs instance of its
# own, then runs COMMAND under `perf record -e vmalloc:...`, reading
# /proc/vmallocinfo (real addresses: kernel.kptr_restrict=1 meanwhile)
# once both tracers are on.  Afterwards it saves, in OUTDIR:
#   tools.perf.txt         `perf script` of the perf capture (default fields)
#   tools.trace.txt        the instance's tracefs `trace` file
#   tools.trace.dat        `trace-cmd extract -B INSTANCE` of the same buffer
#                          (without kallsyms, to keep it small)
#   tools.vmallocinfo.txt  the snapshot
# The tracefs buffer starts before perf and stops after it, so the perf
# events are a subset of the tracefs ones; trace.txt and trace.dat hold the
# very same records.  The instance is removed on every exit path.
set -euo pipefail

[ $# -ge 3 ] && [ "$2" = "--" ] || {
	sed -n '4p' "$0" | sed 's/^# *//' >&2
	exit 2
}
out=$1
shift 2
[ "$(id -u)" -eq 0 ] || { echo "capture_tool_samples.sh: must run as root" >&2; exit 1; }

tracefs=/sys/kernel/tracing
name=vmtrace_tools_$$
inst=$tracefs/instances/$name
tmp=$(mktemp -d)
old_kptr=$(sysctl -n kernel.kptr_restrict)

cleanup() {
	sysctl -qw kernel.kptr_restrict="$old_kptr"
	# trace-cmd extract may already have removed the instance.
	if [ -d "$inst" ]; then
		echo 0 > "$inst/tracing_on" || true
		echo 0 > "$inst/events/vmalloc/enable" || true
		rmdir "$inst" || echo "capture_tool_samples.sh: could not remove $inst" >&2
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mountpoint -q "$tracefs" || mount -t tracefs nodev "$tracefs"
mkdir "$inst"
for ev in alloc_vmap_area free_vmap_area_noflush purge_vmap_area_lazy; do
	echo 1 > "$inst/events/vmalloc/$ev/enable"
done
echo 1 > "$inst/tracing_on"

sysctl -qw kernel.kptr_restrict=1
# The snapshot is read inside perf's command, so both tracers are running.
perf record -q -o "$tmp/perf.data" -a -e vmalloc:alloc_vmap_area \
	-e vmalloc:free_vmap_area_noflush -e vmalloc:purge_vmap_area_lazy \
	-- sh -c 'cat /proc/vmallocinfo > "$0"; exec "$@"' "$tmp/vmallocinfo.txt" "$@"
sysctl -qw kernel.kptr_restrict="$old_kptr"
echo 0 > "$inst/tracing_on"

cat "$inst/trace" > "$tmp/trace.txt"	# before extract, which consumes the buffer
# Without /proc/kallsyms (5 MB here, compressed but still 1 MB of the
# file; the importer reads only the event records): an empty file is
# bind-mounted over it in a private mount namespace.
unshare -m sh -c 'mount --bind /dev/null /proc/kallsyms && exec "$@"' sh \
	trace-cmd extract -B "$name" -o "$tmp/trace.dat" > /dev/null
perf script -i "$tmp/perf.data" > "$tmp/perf.txt"

mkdir -p "$out"
for f in perf.txt trace.txt trace.dat vmallocinfo.txt; do
	mv "$tmp/$f" "$out/tools.$f"
done
echo "capture_tool_samples.sh: $out/tools.{perf.txt,trace.txt,trace.dat,vmallocinfo.txt}"
