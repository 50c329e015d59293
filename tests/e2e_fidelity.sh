#!/bin/sh
# Fidelity to the kernel that recorded each shipped trace
# (traces/rec-*.vmt.zst, traces/drain-*.vmt.zst): vmap-nodes replayed with
# --follow-kernel and --check must place at least the share of the
# kernel's va= allocations measured on 2026-12-03 below (drain-* and the
# raised rec-* floors: after the early purge, n= purges and pool-head
# settling, measured 2026-12-03 20:20 UTC).  The drain-* traces meet issue
# 13's 0.99 except drain-mixed (0.969) and drain-bpf-progs (0.905), whose
# remaining misses are free-tree searches (pool-miss).  The rec-* traces
# were recorded without draining the pools first, so what the kernel's pools and free tree held
# at the start is unknown (the model sees those areas as free): the
# floors are what the model reaches on them, not the 0.99 of issue 13,
# which applies to traces recorded after a drain.  A drop below a floor is
# a regression of a mechanism.  And --follow-kernel on linear gives a
# fidelity in [0, 1] equal to kernel_va_matches / kernel_va_allocs.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# key TRACE.json: the number after "key": in the summary.
key() {
	sed -n "s/^ *\"$1\": *\([0-9.e+-]*\),*$/\1/p" "$2" | head -1
}

floor() {
	case $1 in
	rec-bpf-map-churn) echo 0.52 ;;
	rec-bpf-map-storm) echo 0.85 ;;
	rec-mixed) echo 0.55 ;;
	drain-bpf-map-churn) echo 0.99 ;;
	drain-process-burst) echo 0.99 ;;
	drain-mixed) echo 0.96 ;;
	drain-bpf-progs) echo 0.90 ;;
	rec-process-burst) echo 0.35 ;;
	*) echo "FAIL: no measured floor for $1: measure it and add it here" >&2; exit 1 ;;
	esac
}

n=0
for trace in traces/rec-*.vmt.zst traces/drain-*.vmt.zst; do
	[ -e "$trace" ] || continue
	name=$(basename "$trace" .vmt.zst)
	want=$(floor "$name")
	"$vmtrace" replay -a vmap-nodes --follow-kernel --check --json "$tmp/n.json" "$trace" \
		> /dev/null 2> "$tmp/err" ||
		{ echo "FAIL: $trace: vmap-nodes --follow-kernel --check: $(cat "$tmp/err")"; exit 1; }
	got=$(key fidelity "$tmp/n.json")
	grep -q '"follow_kernel": true' "$tmp/n.json" ||
		{ echo "FAIL: $trace: the JSON does not say follow_kernel true"; exit 1; }
	awk -v g="$got" -v w="$want" 'BEGIN { exit !(g >= w) }' ||
		{ echo "FAIL: $trace: vmap-nodes --follow-kernel fidelity $got < $want"; exit 1; }
	"$vmtrace" replay -a linear --follow-kernel --json "$tmp/l.json" "$trace" \
		> /dev/null 2> "$tmp/err" ||
		{ echo "FAIL: $trace: linear --follow-kernel: $(cat "$tmp/err")"; exit 1; }
	awk -v f="$(key fidelity "$tmp/l.json")" -v m="$(key kernel_va_matches "$tmp/l.json")" \
	    -v a="$(key kernel_va_allocs "$tmp/l.json")" \
	    'BEGIN { r = a ? m / a : 0; d = f - r; exit !(f >= 0 && f <= 1 && d < 1e-12 && d > -1e-12) }' ||
		{ echo "FAIL: $trace: linear fidelity is not matches / allocs in [0, 1]"; exit 1; }
	echo "ok: $name: vmap-nodes --follow-kernel fidelity $got (floor $want)"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no recorded trace"; exit 1; }

# The report's misses by category (--misses-dir) against a tally of the
# --mismatches CSV by awk: reason, size, align and count of each class.
trace=traces/drain-bpf-progs.vmt.zst
mkdir "$tmp/r"
"$vmtrace" replay -a vmap-nodes --follow-kernel --json "$tmp/r/f.json" \
	--mismatches "$tmp/r/drain-bpf-progs.vmap-nodes.misses.csv" "$trace" > /dev/null
"$vmtrace" report --part exact --misses-dir "$tmp/r" -o "$tmp/r.md" "$tmp/r/f.json" 2> "$tmp/err" ||
	{ echo "FAIL: report --misses-dir: $(cat "$tmp/err")"; exit 1; }
awk -F, 'NR > 1 { n[$8 " " $4 " " $5]++ } END { for (k in n) print k, n[k] }' \
	"$tmp/r/drain-bpf-progs.vmap-nodes.misses.csv" | sort > "$tmp/want"
awk -F'|' '/^The [0-9]* misses of vmap-nodes/ { on = 1; next }
	on && /^\|/ && $2 !~ /reason|---/ { gsub(/ /, ""); print $2, $3, $4, $5 }
	on && /^\|/ { table = 1 } table && /^$/ { exit }' "$tmp/r.md" | sort > "$tmp/got"
[ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got" ||
	{ echo "FAIL: the report's misses by category differ from the CSV's:"; diff "$tmp/want" "$tmp/got"; exit 1; }
echo "ok: the report's misses by category of drain-bpf-progs ($(wc -l < "$tmp/want") classes)"
echo "e2e_fidelity: $n traces"
