#!/bin/sh
# `ninja results` twice gives the same exact part and the same exact plots,
# byte for byte, and that part holds nothing that moves from run to run or
# machine to machine: no date, no machine, no timing.  Two traces, so the
# test stays short; scripts/check_results.sh does every trace.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export VMTRACE="$vmtrace" RESULTS_TRACES="traces/bpf_map_churn.vmt.txt traces/rec-mixed.vmt.zst"
for run in 1 2; do
	mkdir "$tmp/$run"
	scripts/results.sh --out "$tmp/$run" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "results.sh"; }
done
diff -u "$tmp/1/RESULTS.md" "$tmp/2/RESULTS.md" || fail "two runs wrote different exact parts"
n=0
for png in "$tmp"/1/plots/*.png; do
	cmp "$png" "$tmp/2/plots/$(basename "$png")" || fail "$(basename "$png") differs between runs"
	n=$((n + 1))
done
[ "$n" -eq 5 ] || fail "$n exact plots, want 5 (search and frag of two traces, the footprint)"
# Nothing of the machine or the moment: no row of a timing metric, no date
# but the traces' own, no CPU or hypervisor (the --json provenance's facts).
grep -n -i -E '^\| (replay seconds|events/s|holdtime-[a-z0-9]*) \| [0-9]|[0-9]{4}-[0-9]{2}-[0-9]{2}|EPYC|Xeon|KVM|PVM|hypervisor' \
	"$tmp/1/RESULTS.md" | grep -v '^[0-9]*:| captured |' &&
	fail "the exact part names something that moves between runs"
grep -q '^## bpf_map_churn$' "$tmp/1/RESULTS.md" || fail "no section for bpf_map_churn"
echo "ok: e2e results twice"
