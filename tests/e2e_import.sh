#!/bin/bash
# End to end: re-imports each shipped raw capture (traces/raw), checks the
# result, anonymized, is byte for byte the shipped traces/NAME.vmt.txt, and replays it
# through the linear model, comparing the replay's counts with counts taken
# from the raw files by grep.  Then feeds a corrupted line and checks the
# import fails with FILE:LINE and leaves no output.  Exit 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
vmtrace=${VMTRACE:-build/vmtrace}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "e2e_import: FAIL: $*" >&2
	exit 1
}

# The figure labelled $2 in `vmtrace replay` output $1.
figure() {
	awk -v label="$2" 'substr($0, 3, length(label)) == label && substr($0, 3 + length(label), 1) == " " { print $NF }' "$1"
}

meta() {
	awk -v key="$2" '$1 == "meta" && $2 == key { print $3 }' "$1"
}

expect() {	# name what got want
	[ "$3" = "$4" ] || fail "$1: $2 is $3, expected $4"
	echo "  $1: $2 = $3"
}

for name in process_burst bpf_map_churn; do
	shipped=traces/$name.vmt.txt
	raw=$tmp/$name.trace.txt
	snap=$tmp/$name.vmallocinfo.txt
	out=$tmp/$name.vmt.txt
	zstd -qdc "traces/raw/$name.trace.txt.zst" > "$raw"
	zstd -qdc "traces/raw/$name.vmallocinfo.txt.zst" > "$snap"

	# The capture's own meta lines go back in as --meta.
	args=()
	while read -r _ key value; do
		args+=(--meta "$key=$value")
	done < <(grep -E '^meta (kernel|captured|workload|ring_overrun|ring_dropped|buffer_kb_per_cpu) ' "$shipped")
	"$vmtrace" import --ftrace "$raw" --vmallocinfo "$snap" -o "$out" "${args[@]}" 2>/dev/null ||
		fail "$name: import failed"
	# The shipped trace is anonymized (README.md, "What a trace carries").
	"$vmtrace" anonymize "$out" "$tmp/anonymized.vmt.txt" 2>/dev/null || fail "$name: anonymize failed"
	cmp -s "$tmp/anonymized.vmt.txt" "$shipped" || fail "$name: re-import differs from $shipped"

	"$vmtrace" replay -a linear --check "$out" > "$tmp/replay.txt" || fail "$name: replay failed"
	allocs=$(grep -c ': alloc_vmap_area:' "$raw")
	frees=$(grep -c ': free_vmap_area_noflush:' "$raw")
	purges=$(grep -c ': purge_vmap_area_lazy:' "$raw")
	areas=$(grep -c '^0x' "$snap")
	unpurged=$(grep -c ' unpurged vm_area$' "$snap")
	dropped=$(( $(meta "$out" import.snapshot_dropped) + $(meta "$out" import.unpurged_dropped) ))
	traced_unpurged=$(meta "$out" import.unpurged_traced_frees)
	# Every unpurged area neither dropped nor freed by the trace gets one
	# synthetic free; the replay sees the traced frees plus those.
	unpurged_dropped=$(meta "$out" import.unpurged_dropped)
	synthetic=$((unpurged - traced_unpurged - unpurged_dropped))
	expect "$name" allocs "$(figure "$tmp/replay.txt" allocs)" "$allocs"
	expect "$name" frees "$(figure "$tmp/replay.txt" frees)" "$((frees + synthetic))"
	expect "$name" purges "$(figure "$tmp/replay.txt" purges)" "$purges"
	expect "$name" "snapshot areas" "$(figure "$tmp/replay.txt" "snapshot areas")" "$((areas - dropped))"
	expect "$name" "unknown frees" "$(figure "$tmp/replay.txt" "unknown frees")" 0
	expect "$name" "snapshot conflicts" "$(figure "$tmp/replay.txt" "snapshot conflicts")" 0
	expect "$name" "invalid allocs" "$(figure "$tmp/replay.txt" "invalid allocs")" 0
	# The live lines are the snapshot's areas less the dropped ones.
	missing=$(comm -23 <(cut -d- -f1 "$snap" | sort) \
			   <(awk '$1 == "live" { print $3 }' "$out" | sort) | wc -l)
	expect "$name" "snapshot areas not live" "$missing" "$dropped"
	# The dropped areas are the few the snapshot saw after tracing began.
	[ "$dropped" -le $((areas / 50)) ] || fail "$name: $dropped of $areas snapshot areas dropped"
done

# A corrupted event line: FILE:LINE, exit 1, no output file.
raw=$tmp/process_burst.trace.txt
sed '20s/size=20480/size=lots/' "$raw" > "$tmp/bad.txt"
grep -q 'size=lots' "$tmp/bad.txt" || fail "line 20 of the raw file is not an alloc"
status=0
"$vmtrace" import --ftrace "$tmp/bad.txt" -o "$tmp/bad.vmt.txt" 2> "$tmp/err.txt" || status=$?
expect "bad input" "exit status" "$status" 1
grep -q "^vmtrace import: $tmp/bad.txt:20: alloc_vmap_area: size= expects a number" "$tmp/err.txt" ||
	fail "bad input: message was: $(cat "$tmp/err.txt")"
[ ! -e "$tmp/bad.vmt.txt" ] || fail "bad input: an output file was written"
[ -z "$(find "$tmp" -name 'bad.vmt.txt.tmp.*')" ] || fail "bad input: a temporary was left"
echo "e2e_import: ok"
