#!/bin/bash
# End to end: the perf script and trace.dat importers on one real capture
# (tests/data/tools.*, from scripts/capture_tool_samples.sh: process_burst
# 1 0.2, then one 64 MiB BPF array map created and removed, which makes a
# lazy purge).  For each source: the import replays cleanly through the
# linear model, and the replay's counts equal counts taken from the raw
# data by other tools (grep on the perf text, `trace-cmd report` for the
# trace.dat, a Python pass for the frees of addresses never allocated in
# the trace).  Then the importers are compared with each other: trace.dat
# and tracefs text are two readings of one ring buffer, so their traces
# must be the same but for timestamp precision; perf ran inside the
# tracefs window, so its allocs and purges must all be in the tracefs one.
# Last, bad input and bad usage.  Exit 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
vmtrace=${VMTRACE:-build/vmtrace}
data=tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "e2e_import_tools: FAIL: $*" >&2
	exit 1
}

# The figure labelled $2 in `vmtrace replay` output $1.
figure() {
	awk -v label="$2" 'substr($0, 3, length(label)) == label && substr($0, 3 + length(label), 1) == " " { print $NF }' "$1"
}

expect() {	# name what got want
	[ "$3" = "$4" ] || fail "$1: $2 is $3, expected $4"
	echo "  $1: $2 = $3"
}

# Frees, in tracefs or perf text on stdin, of an address with no live
# alloc before it in the text (alloc's va_start is decimal, free's hex).
unknown_frees() {
	python3 -c '
import re, sys
live, unknown = set(), 0
for line in sys.stdin:
    m = re.search(r"(alloc_vmap_area|free_vmap_area_noflush): +va_start[:=] *(\S+)", line)
    if not m:
        continue
    if m.group(1) == "alloc_vmap_area":
        if "failed=0" in line:
            live.add(int(m.group(2)))
    elif int(m.group(2), 16) in live:
        live.remove(int(m.group(2), 16))
    else:
        unknown += 1
print(unknown)'
}

# check NAME RAW_TEXT IMPORT_ARGS...: RAW_TEXT is the events as text.
check() {
	local name=$1 raw=$2 out=$tmp/$1.vmt.txt
	shift 2
	"$vmtrace" import "$@" -o "$out" 2>/dev/null || fail "$name: import failed"
	"$vmtrace" replay -a linear --check "$out" > "$tmp/replay.txt" || fail "$name: replay failed"
	expect "$name" allocs "$(figure "$tmp/replay.txt" allocs)" "$(grep -c 'alloc_vmap_area: ' "$raw")"
	expect "$name" frees "$(figure "$tmp/replay.txt" frees)" \
	       "$(grep -c 'free_vmap_area_noflush: ' "$raw")"
	expect "$name" purges "$(figure "$tmp/replay.txt" purges)" \
	       "$(grep -c 'purge_vmap_area_lazy: ' "$raw")"
	expect "$name" "unknown frees" "$(figure "$tmp/replay.txt" "unknown frees")" \
	       "$(unknown_frees < "$raw")"
	expect "$name" "invalid allocs" "$(figure "$tmp/replay.txt" "invalid allocs")" 0
}

perf_txt=$data/tools.perf.txt
dat=$data/tools.trace.dat
snap=$tmp/vmallocinfo.txt
zstd -qdc "$data/tools.vmallocinfo.txt.zst" > "$snap"
trace-cmd report -i "$dat" > "$tmp/report.txt" 2>/dev/null

check perf "$perf_txt" --perf-script "$perf_txt"
check trace.dat "$tmp/report.txt" --trace-dat "$dat"
check tracefs "$data/tools.trace.txt" --ftrace "$data/tools.trace.txt"
# The sample holds every kind of event.
for op in alloc_vmap_area free_vmap_area_noflush purge_vmap_area_lazy; do
	grep -q "vmalloc:$op: " "$perf_txt" || fail "the perf sample has no $op"
done

# With the snapshot read inside the capture, every free has its area.
snap_areas=$(grep -c '^0x' "$snap")
for src in "--perf-script $perf_txt" "--trace-dat $dat"; do
	name=${src%% *}
	# shellcheck disable=SC2086
	"$vmtrace" import $src --vmallocinfo "$snap" -o "$tmp/snap.vmt.txt" 2>/dev/null ||
		fail "$name with snapshot: import failed"
	"$vmtrace" replay -a linear --check "$tmp/snap.vmt.txt" > "$tmp/replay.txt" ||
		fail "$name with snapshot: replay failed"
	for what in "unknown frees" "invalid allocs" "snapshot conflicts"; do
		expect "$name with snapshot" "$what" "$(figure "$tmp/replay.txt" "$what")" 0
	done
	live=$(figure "$tmp/replay.txt" "snapshot areas")
	[ "$live" -le "$snap_areas" ] && [ "$live" -ge $((snap_areas - 5)) ] ||
		fail "$name with snapshot: $live of $snap_areas snapshot areas live"
done

# Every input compressed whole with zstd, the snapshot too: the same
# trace but for the file names in `meta source`.
zstd -q "$snap" -o "$tmp/snap.zst"
for src in "--perf-script $perf_txt" "--trace-dat $dat" "--ftrace $data/tools.trace.txt"; do
	set -- $src
	zstd -q "$2" -o "$tmp/${2##*/}.zst"
	"$vmtrace" import "$1" "$2" --vmallocinfo "$snap" -o "$tmp/plain.vmt.txt" 2>/dev/null ||
		fail "$1: import failed"
	"$vmtrace" import "$1" "$tmp/${2##*/}.zst" --vmallocinfo "$tmp/snap.zst" \
		-o "$tmp/zst.vmt.txt" 2>/dev/null || fail "$1 ${2##*/}.zst: import failed"
	cmp -s <(grep -v '^meta source ' "$tmp/plain.vmt.txt") <(grep -v '^meta source ' "$tmp/zst.vmt.txt") ||
		fail "$1 ${2##*/}.zst: not the trace of the uncompressed input"
	grep -q "^meta source .* ${2##*/}\.zst.*, snapshot snap\.zst$" "$tmp/zst.vmt.txt" ||
		fail "$1 ${2##*/}.zst: meta source: $(grep '^meta source ' "$tmp/zst.vmt.txt")"
	echo "  $1 ${2##*/}.zst --vmallocinfo snap.zst: the uncompressed import's trace"
done
# A cut zstd frame: FILE: byte N: zstd: ..., exit 1, no output file.
for what in "--trace-dat $tmp/${dat##*/}.zst" "--vmallocinfo $tmp/snap.zst"; do
	set -- $what
	head -c $(( $(stat -c %s "$2") / 2 )) "$2" > "$tmp/cut.zst"
	status=0
	[ "$1" = --vmallocinfo ] && set -- --trace-dat "$dat" "$1" "$tmp/cut.zst" || set -- "$1" "$tmp/cut.zst"
	"$vmtrace" import "$@" -o "$tmp/cut.vmt.txt" 2> "$tmp/err.txt" || status=$?
	expect "$what cut in half" "exit status" "$status" 1
	grep -q "^vmtrace import: $tmp/cut.zst: byte [0-9]*: zstd: " "$tmp/err.txt" ||
		fail "$what cut in half: message was: $(cat "$tmp/err.txt")"
	[ ! -e "$tmp/cut.vmt.txt" ] || fail "$what cut in half: an output file was written"
done

# trace.dat == tracefs text, timestamps rounded to the nearest microsecond
# as tracefs prints them (ns2usecs adds 500 ns).
events() {
	awk '$1 != "meta" && $1 !~ /^#/ {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^t=/)
				$i = sprintf("t=%.0f", int((substr($i, 3) + 500) / 1000) * 1000)
		print
	}' "$1"
}
cmp -s <(events "$tmp/trace.dat.vmt.txt") <(events "$tmp/tracefs.vmt.txt") ||
	fail "trace.dat and tracefs text imports differ"
echo "  trace.dat: $(events "$tmp/trace.dat.vmt.txt" | wc -l) lines as in the tracefs text import"

# perf's allocs (size, va) and purges (start, end, n) are tracefs ones.
kinds() {
	awk '$1 == "alloc" { v = $0; sub(/.* va=/, "", v); sub(/ .*/, "", v); print "alloc", $3, v }
	     $1 == "purge" { print $1, $2, $3, $4 }' "$1" | sort
}
missing=$(comm -23 <(kinds "$tmp/perf.vmt.txt") <(kinds "$tmp/tracefs.vmt.txt") | wc -l)
expect "perf vs tracefs" "allocs and purges missing from tracefs" "$missing" 0

# A truncated trace.dat: FILE: what, exit 1, no output file.
size=$(stat -c %s "$dat")
for cut in $((size / 2)) $((size - 1000)); do
	head -c "$cut" "$dat" > "$tmp/cut.dat"
	status=0
	"$vmtrace" import --trace-dat "$tmp/cut.dat" -o "$tmp/cut.vmt.txt" 2> "$tmp/err.txt" ||
		status=$?
	expect "trace.dat cut to $cut bytes" "exit status" "$status" 1
	grep -q "^vmtrace import: $tmp/cut.dat: not a trace-cmd trace.dat" "$tmp/err.txt" ||
		fail "truncated trace.dat: message was: $(cat "$tmp/err.txt")"
	[ ! -e "$tmp/cut.vmt.txt" ] || fail "truncated trace.dat: an output file was written"
done

# A bad perf line: FILE:LINE, exit 1, no output file.
sed '8s/size=20480/size=lots/' "$perf_txt" > "$tmp/bad.txt"
grep -q 'size=lots' "$tmp/bad.txt" || fail "line 8 of the perf sample is not an alloc"
status=0
"$vmtrace" import --perf-script "$tmp/bad.txt" -o "$tmp/bad.vmt.txt" 2> "$tmp/err.txt" || status=$?
expect "bad perf line" "exit status" "$status" 1
grep -q "^vmtrace import: $tmp/bad.txt:8: alloc_vmap_area: size= expects a number" "$tmp/err.txt" ||
	fail "bad perf line: message was: $(cat "$tmp/err.txt")"
[ ! -e "$tmp/bad.vmt.txt" ] || fail "bad perf line: an output file was written"

# Exactly one source.
for args in "" "--perf-script $perf_txt --trace-dat $dat" "--ftrace $perf_txt --perf-script $perf_txt"; do
	status=0
	# shellcheck disable=SC2086
	"$vmtrace" import $args -o "$tmp/usage.vmt.txt" 2>/dev/null || status=$?
	expect "sources '$args'" "exit status" "$status" 2
done
[ ! -e "$tmp/usage.vmt.txt" ] || fail "bad usage: an output file was written"
echo "e2e_import_tools: ok"
