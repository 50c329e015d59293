#!/bin/sh
# `vmtrace generate --pattern`: every pattern of the kernel's
# lib/test_vmalloc.c generates, on one and on three threads, with the
# defining property of its kernel test (tests/ref_patterns.py, written
# from the kernel test alone: sizes with their guard page, alignments,
# busy counts, loop shapes, one stream per cpu=); the same seed gives the
# same bytes and another seed other bytes; and every pattern replays
# through every model (`vmtrace models`) under --check, with no unknown
# free or invalid alloc.  The --check runs keep --busy small: with the
# kernel's 15 000-35 000 busy areas the checkers alone take minutes.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
patterns=$("$vmtrace" generate --help |
	awk '/--count/ { on = 0 } on { print $1 } /NAME_test/ { getline; on = 1 }')
[ "$(echo "$patterns" | wc -w)" -eq 9 ] || { echo "FAIL: not 9 patterns: $patterns"; exit 1; }
models=$("$vmtrace" models | cut -f1)

for p in $patterns; do
	for threads in 1 3; do
		"$vmtrace" generate --pattern "$p" --count 1000 --threads "$threads" --seed 7 \
			"$tmp/$p.vmt"
		"$vmtrace" convert "$tmp/$p.vmt" "$tmp/$p.vmt.txt"
		python3 tests/ref_patterns.py "$p" 1000 0 "$threads" "$tmp/$p.vmt.txt" | tail -1
	done
	"$vmtrace" generate --pattern "$p" --count 1000 --threads 3 --seed 7 "$tmp/again.vmt"
	cmp -s "$tmp/$p.vmt" "$tmp/again.vmt" || { echo "FAIL: $p: same seed, other bytes"; exit 1; }

	"$vmtrace" generate --pattern "$p" --count 50 --busy 40 --threads 2 "$tmp/small.vmt"
	for m in $models; do
		"$vmtrace" replay -a "$m" --check --json "$tmp/s.json" "$tmp/small.vmt" > /dev/null
		python3 - "$tmp/s.json" "$p" "$m" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
bad = {k: s[k] for k in ("unknown_frees", "double_frees", "invalid_events") if s[k]}
if bad or s["allocs"] == 0:
    sys.exit("FAIL: %s through %s: %s, %d allocs" % (sys.argv[2], sys.argv[3], bad, s["allocs"]))
PY
	done
	echo "ok: $p replays through every model under --check"
done

# Another seed, other bytes, for the patterns that draw (and the interleaving).
for p in random_size_alloc random_size_align_alloc; do
	"$vmtrace" generate --pattern "$p" --seed 1 "$tmp/a.vmt.txt"
	"$vmtrace" generate --pattern "$p" --seed 2 "$tmp/b.vmt.txt"
	grep -v '^meta' "$tmp/a.vmt.txt" > "$tmp/a.ev"
	grep -v '^meta' "$tmp/b.vmt.txt" > "$tmp/b.ev"
	! cmp -s "$tmp/a.ev" "$tmp/b.ev" || { echo "FAIL: $p: seeds 1 and 2 give the same events"; exit 1; }
done
"$vmtrace" generate --pattern fix_size_alloc --threads 2 --seed 1 "$tmp/a.vmt.txt"
"$vmtrace" generate --pattern fix_size_alloc --threads 2 --seed 2 "$tmp/b.vmt.txt"
grep -v '^meta' "$tmp/a.vmt.txt" > "$tmp/a.ev"
grep -v '^meta' "$tmp/b.vmt.txt" > "$tmp/b.ev"
! cmp -s "$tmp/a.ev" "$tmp/b.ev" || { echo "FAIL: seeds 1 and 2 interleave alike"; exit 1; }

# The kernel's long_busy_list at its default count: 15 000 busy at the loop.
"$vmtrace" generate --pattern long_busy_list_alloc "$tmp/lbl.vmt.txt"
python3 tests/ref_patterns.py long_busy_list_alloc 10000 0 1 "$tmp/lbl.vmt.txt"

# Usage errors.
for bad in "--pattern nosuch" "--pattern fix_size_alloc --events 5" "--count 5" "--threads 2"; do
	rc=0
	"$vmtrace" generate $bad "$tmp/x.vmt" 2> "$tmp/err" || rc=$?
	[ "$rc" -eq 2 ] && [ -s "$tmp/err" ] && [ ! -e "$tmp/x.vmt" ] ||
		{ echo "FAIL: generate $bad: no usage error"; exit 1; }
done
echo "ok: usage errors"
