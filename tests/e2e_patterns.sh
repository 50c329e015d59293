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

# The report's section: every model's row, and the comparison sentence
# recomputed here from the summaries.
mkdir "$tmp/rep"
"$vmtrace" generate --pattern long_busy_list_alloc --busy 200 --count 50 "$tmp/rep/long_busy_list_alloc.vmt"
j=10
for m in $models; do
	j=$((j + 1))
	"$vmtrace" replay -a "$m" --lock-stat --json "$tmp/rep/$j.json" \
		"$tmp/rep/long_busy_list_alloc.vmt" > /dev/null
done
"$vmtrace" report -o "$tmp/R.md" --patterns-dir "$tmp/rep" "$tmp/s.json"
python3 - "$tmp/R.md" "$tmp/rep" <<'PY'
import glob, json, sys
md = open(sys.argv[1]).read()
runs = [json.load(open(p)) for p in sorted(glob.glob(sys.argv[2] + "/*.json"))]
# The RFC's long_busy_list range per machine, from its cover letter.
if "## The kernel's own benchmark patterns" not in md or "69-74% less time on an i5-3320M" not in md \
        or "84-95% less on a HiKey960" not in md or "https://lkml.org/lkml/2018/10/19/786" not in md:
    sys.exit("FAIL: no patterns section or no published figure")
longest = max(runs, key=lambda r: r["summary"]["alloc_search_mean"])
for r in runs:
    s = r["summary"]
    row = "| %s | %.1f | %d | %d |" % (r["model"], s["alloc_search_mean"], s["alloc_search_p99"], s["allocs"])
    if row not in md:
        sys.exit("FAIL: no row " + row)
    if r is not longest:
        pct = 100 * (1 - s["alloc_search_mean"] / longest["summary"]["alloc_search_mean"])
        if "- `%s`: searches %.1f%% shorter" % (r["model"], pct) not in md:
            sys.exit("FAIL: no comparison for %s (%.1f%%)" % (r["model"], pct))
print("ok: the report's patterns section")
PY
