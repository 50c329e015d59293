#!/bin/sh
# End to end through the vmtrace command: the summary of a hand-worked
# trace (figures derived on paper in the comments), --strict errors, and
# no partial output when a replay fails.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trace=tests/data/handmade.vmt.txt
fail() { echo "FAIL: $*"; exit 1; }

"$vmtrace" replay -a linear --check --json "$tmp/s.json" "$trace" > /dev/null
# Final layout: l1 [0x100000,0x102000) a3 [0x102000,0x103000) a2 [0x106000,0x107000).
# One hole [0x103000,0x106000) = 12288 bytes, smaller than 16K: unusable index 1.
# The span peaks after a2 at 0x7000 = 28672; live bytes peak then at 8K+12K+4K.
python3 - "$tmp/s.json" <<'PY' || fail "summary figures differ"
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
want = dict(events=6, snapshot_areas=1, allocs=3, frees=2, purges=1, failed_allocs=0,
            unknown_frees=1, alloc_search_total=5, alloc_search_max=2, alloc_search_p50=2,
            free_search_total=2, end_live_areas=3, end_live_bytes=16384, holes=1,
            hole_bytes=12288, largest_hole=12288, ext_frag=0.0, unusable_16k=1.0,
            max_span=28672, max_live_bytes=24576)
bad = {k: (s[k], v) for k, v in want.items() if s[k] != v}
assert not bad, bad
assert abs(s["footprint"] - 28672 / 24576) < 1e-12, s["footprint"]
assert abs(s["alloc_search_mean"] - 5 / 3) < 1e-12
PY

# --strict: the unknown free on line 10 is an error, and nothing is written.
if "$vmtrace" replay --strict --json "$tmp/strict.json" --events "$tmp/strict.csv" \
	"$trace" > /dev/null 2> "$tmp/err"; then
	fail "--strict accepted an unknown free"
fi
grep -qx "vmtrace replay: $trace:10: free zz: id was never allocated" "$tmp/err" ||
	fail "unexpected --strict message: $(cat "$tmp/err")"
[ ! -e "$tmp/strict.json" ] && [ ! -e "$tmp/strict.csv" ] || fail "partial output left behind"
[ -z "$(ls "$tmp" | grep '\.tmp\.')" ] || fail "temporary file left behind"

# A malformed trace: file:line message, exit 1.
printf 'vmtrace 1\nalloc a 12k\n' > "$tmp/bad.vmt.txt"
set +e
"$vmtrace" replay "$tmp/bad.vmt.txt" > /dev/null 2> "$tmp/err"
status=$?
set -e
[ "$status" -eq 1 ] || fail "malformed trace: exit $status, want 1"
grep -qx "vmtrace replay: $tmp/bad.vmt.txt:2: size: expected a decimal or 0x-hex number, got '12k'" \
	"$tmp/err" || fail "unexpected message: $(cat "$tmp/err")"

# --lazy (tests/data/lazy.vmt.txt), eager then lazy, linear and augmented alike.
# Eager: a, b at 0x100000, 0x102000; c reuses a's 0x100000; d at 0x104000;
# freeing b and c leaves [0x100000, 0x104000) for e; d is freed: only e stays.
# Lazy: freed a stays busy, so c goes to 0x104000; the purge releases a and d
# takes 0x100000; b and c wait; e (16K) finds only [0x106000, 0x108000), so
# the alloc purges b and c and searches again: 0x102000.  d waits at the end.
lazy=tests/data/lazy.vmt.txt
for model in linear augmented; do
	"$vmtrace" replay -a "$model" --check --layout "$tmp/eager.csv" "$lazy" > /dev/null
	printf 'addr,size\n0x100000,16384\n' | cmp -s - "$tmp/eager.csv" ||
		fail "$model eager layout: $(cat "$tmp/eager.csv")"
	"$vmtrace" replay -a "$model" --lazy --check --json "$tmp/lazy.json" \
		--layout "$tmp/lazy.csv" "$lazy" > /dev/null
	printf 'addr,size\n0x100000,8192\n0x102000,16384\n' | cmp -s - "$tmp/lazy.csv" ||
		fail "$model lazy layout: $(cat "$tmp/lazy.csv")"
	python3 - "$tmp/lazy.json" <<'PY' || fail "$model --lazy summary figures differ"
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
want = dict(allocs=5, frees=4, purges=1, failed_allocs=0, lazy_failure_purges=1,
            lazy_areas_purged=3, lazy_areas_pending=1, end_live_areas=2)
bad = {k: (s[k], v) for k, v in want.items() if s[k] != v}
assert not bad, bad
PY
done
set +e
"$vmtrace" replay --lazy --events "$tmp/x.csv" "$lazy" > /dev/null 2>&1
status=$?
set -e
[ "$status" -eq 2 ] || fail "--lazy --events: exit $status, want 2"

# Bad usage: exit 2.
set +e
"$vmtrace" replay -a no-such-model "$trace" > /dev/null 2>&1
status=$?
set -e
[ "$status" -eq 2 ] || fail "unknown model: exit $status, want 2"
echo "ok: e2e replay"
