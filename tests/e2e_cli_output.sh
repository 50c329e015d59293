#!/bin/bash
# What the commands print and write, checked against what does not share
# their code (jq, grep counts of the trace's lines, a Python formatter):
#  - `replay -a all` and `-a A,B`: one table with a column per model, and
#    --json with one summary per model equal, every exact metric, to the
#    one-model runs (the model names come from `vmtrace models`);
#  - the table: bytes in binary units with 3 significant digits, timings
#    with their unit, every row as wide as the others;
#  - "events" is alloc + free + purge lines for info, replay, convert,
#    generate and import, and live lines are "snapshot areas";
#  - a --range leaving most snapshot areas outside warns, with counts;
#  - import reads zstd-compressed text as it reads the text.
set -u
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

mapfile -t models < <("$vmtrace" models | cut -f1)
[ "${#models[@]}" -ge 2 ] || { echo "FAIL: fewer than two models"; exit 1; }
# The TIMING metrics (replay/metrics.h): the only keys that may differ.
timing=$(sed -n 's/.*X(\(U64\|F64\), *\([a-z0-9_]*\), *TIMING.*/\2/p' replay/metrics.h |
	jq -R . | jq -s .)
[ "$(jq length <<< "$timing")" -ge 1 ] || fail "no TIMING metric found in replay/metrics.h"

# -a all against each model alone, exactly.
for trace in tests/data/handmade.vmt.txt traces/bpf_map_churn.vmt.txt; do
	"$vmtrace" replay -a all --json "$tmp/all.json" "$trace" > "$tmp/all.txt" ||
		fail "$trace: -a all failed"
	[ "$(jq -c .models "$tmp/all.json")" = "$(printf '%s\n' "${models[@]}" | jq -R . | jq -sc .)" ] ||
		fail "$trace: -a all models $(jq -c .models "$tmp/all.json")"
	read -ra header < <(grep -v ' through ' "$tmp/all.txt" | head -1)
	[ "${header[*]}" = "${models[*]}" ] || fail "$trace: table header '${header[*]}'"
	# Every row of the table as wide as the header: columns computed.
	widths=$(grep -v ' through ' "$tmp/all.txt" | awk '{ print length($0) }' | sort -u)
	[ "$(wc -l <<< "$widths")" -eq 1 ] || fail "$trace: rows of widths $(echo $widths)"
	for m in "${models[@]}"; do
		"$vmtrace" replay -a "$m" --json "$tmp/one.json" "$trace" > /dev/null
		want=$(jq -S --argjson t "$timing" '.summary | delpaths([$t[] | [.]])' "$tmp/one.json")
		got=$(jq -S --arg m "$m" --argjson t "$timing" \
			'.summaries[$m] | delpaths([$t[] | [.]])' "$tmp/all.json")
		[ -n "$want" ] && [ "$want" = "$got" ] ||
			fail "$trace: $m in -a all differs from $m alone: $(diff <(echo "$want") <(echo "$got") | head -5)"
	done
done
# A list of two, in the order given.
pair="${models[1]},${models[0]}"
"$vmtrace" replay -a "$pair" --json "$tmp/pair.json" tests/data/handmade.vmt.txt > /dev/null
[ "$(jq -r '.models | join(",")' "$tmp/pair.json")" = "$pair" ] &&
	[ "$(jq '.summaries | length' "$tmp/pair.json")" -eq 2 ] ||
	fail "-a $pair: $(jq -c '{models, n: (.summaries | length)}' "$tmp/pair.json")"

# Bytes in binary units: each byte row of the table against the JSON's
# exact integer, formatted here independently.
trace=traces/bpf_map_churn.vmt.txt
"$vmtrace" replay --lock-stat --json "$tmp/s.json" "$trace" > "$tmp/table.txt"
python3 - "$tmp/table.txt" "$tmp/s.json" <<'PY' || fail "byte rows of the table"
import json, sys
table = open(sys.argv[1]).read().splitlines()
summary = json.load(open(sys.argv[2]))["summary"]
def human(v):
    if v < 1024:
        return "%d B" % v
    units, u = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"], -1
    x = float(v)
    while x >= 1024 and u < 5:
        x /= 1024
        u += 1
    return "%.*f %s" % (0 if x >= 100 else 1 if x >= 10 else 2, x, units[u])
rows = {"live bytes at end": "end_live_bytes", "hole bytes": "hole_bytes",
        "largest hole": "largest_hole", "hole bytes but the largest": "small_hole_bytes",
        "max span": "max_span", "max live bytes": "max_live_bytes"}
bad = 0
for label, key in rows.items():
    line = [l for l in table if l[2:].startswith(label + "  ")]
    want = human(summary[key])
    if len(line) != 1 or not line[0].endswith(" " + want):
        print("FAIL: %s: %r, want %s (%d bytes)" % (label, line, want, summary[key]))
        bad += 1
# Hand-worked: 3 significant digits at each step.
for v, want in [(0, "0 B"), (1023, "1023 B"), (1024, "1.00 KiB"), (10 * 1024 + 512, "10.5 KiB"),
                (200 << 20, "200 MiB"), (3 << 40, "3.00 TiB")]:
    assert human(v) == want, (v, human(v))
sys.exit(bad)
PY
grep -qE '^  replay seconds +[0-9.e+-]+ s$' "$tmp/table.txt" || fail "replay seconds without ' s'"
[ "$(grep -cE '^  holdtime-(min|p50|p99|max|total|avg) +[0-9.e+-]+ ns$' "$tmp/table.txt")" -eq 12 ] ||
	fail "hold times without ' ns': $(grep holdtime "$tmp/table.txt" | head -3)"

# "events" one thing: alloc, free and purge lines; live lines are snapshot areas.
for trace in tests/data/handmade.vmt.txt traces/bpf_map_churn.vmt.txt; do
	events=$(grep -cE '^(alloc|free|purge) ' "$trace")
	live=$(grep -c '^live ' "$trace")
	[ "$("$vmtrace" info "$trace" | sed -n 's/^events: //p')" = "$events" ] ||
		fail "$trace: info events, want $events"
	[ "$("$vmtrace" info "$trace" | sed -n 's/^snapshot areas: //p')" = "$live" ] ||
		fail "$trace: info snapshot areas, want $live"
	"$vmtrace" replay "$trace" | grep -qE "^  events +$events\$" || fail "$trace: replay events"
	"$vmtrace" convert "$trace" "$tmp/c.vmt.zst" 2> "$tmp/err" || fail "$trace: convert"
	[ "$(cat "$tmp/err")" = "vmtrace convert: wrote $tmp/c.vmt.zst (binary, zstd): $events events, $live snapshot areas" ] ||
		fail "$trace: convert said: $(cat "$tmp/err")"
	"$vmtrace" convert "$tmp/c.vmt.zst" "$tmp/c.vmt.txt" 2> "$tmp/err"
	grep -qx "vmtrace convert: wrote $tmp/c.vmt.txt (text): $events events, $live snapshot areas" \
		"$tmp/err" || fail "$trace: convert back said: $(cat "$tmp/err")"
done
"$vmtrace" generate --seed 3 "$tmp/g.vmt" 2> "$tmp/err" || fail "generate"
"$vmtrace" convert "$tmp/g.vmt" "$tmp/g.vmt.txt" 2> /dev/null
grep -qx "vmtrace generate: wrote $tmp/g.vmt (binary): $(grep -cE '^(alloc|free|purge) ' "$tmp/g.vmt.txt") events, $(grep -c '^live ' "$tmp/g.vmt.txt") snapshot areas" \
	"$tmp/err" || fail "generate said: $(cat "$tmp/err")"

# --range warnings: 3 of 4 snapshot areas outside i386's window is most;
# 2 of 4 is not.
i386_lo=0xf8800000
x86_64_lo=0xffffc90000000000
for outside in 3 2; do
	{
		echo "vmtrace 1"
		for i in $(seq 1 4); do
			if [ "$i" -le "$outside" ]; then
				printf 'live l%d 0x%x 0x1000\n' "$i" $((x86_64_lo + i * 0x2000))
			else
				printf 'live l%d 0x%x 0x1000\n' "$i" $((i386_lo + i * 0x2000))
			fi
		done
		echo "alloc a 0x1000"
	} > "$tmp/w.vmt.txt"
	"$vmtrace" replay --range i386 "$tmp/w.vmt.txt" > /dev/null 2> "$tmp/err" ||
		fail "--range i386: exit $?: $(cat "$tmp/err")"
	if [ "$outside" -eq 3 ]; then
		grep -qx "vmtrace replay: warning: --range 0xf8800000:0xff7fe000 leaves 3 of 4 snapshot areas and 0 of 0 allocs with va= outside the window" \
			"$tmp/err" || fail "no warning for 3 of 4 outside: $(cat "$tmp/err")"
	else
		[ ! -s "$tmp/err" ] || fail "a warning for 2 of 4 outside: $(cat "$tmp/err")"
	fi
done

# --holds: in event order, each hold with its event's seq, so rows join
# with --events.  Hand-worked on handmade.vmt.txt: allocs a1 a2 (seq 1, 2),
# free a1 (3), alloc a3 (4); free zz (5) names no area, so takes no hold.
"$vmtrace" replay --lock-stat --holds "$tmp/h.csv" tests/data/handmade.vmt.txt > /dev/null
[ "$(cut -d, -f1,3 "$tmp/h.csv" | tr '\n' ' ')" = "op,seq alloc,1 alloc,2 free,3 alloc,4 " ] ||
	fail "handmade holds: $(cat "$tmp/h.csv")"
# Every model: each hold's op is its event's, in --events, where the event
# has a row (a purge has none), and seq never goes back; with --threads
# the same holds, in the same order of events.
for m in "${models[@]}"; do
	"$vmtrace" replay -a "$m" --lock-stat --holds "$tmp/h.csv" --events "$tmp/e.csv" \
		traces/bpf_map_churn.vmt.txt > /dev/null
	bad=$(awk -F, 'NR == FNR { if (FNR > 1) op[$1] = $2; next }
		FNR > 1 && (($3 in op && op[$3] != $1) || $3 + 0 < last) { n++ } FNR > 1 { last = $3 + 0 }
		END { print n + 0 }' "$tmp/e.csv" "$tmp/h.csv")
	[ "$bad" -eq 0 ] && [ "$(wc -l < "$tmp/h.csv")" -gt 1 ] ||
		fail "$m: $bad holds out of order or unlike their event"
	"$vmtrace" replay -a "$m" --threads 2 --holds "$tmp/t.csv" traces/bpf_map_churn.vmt.txt > /dev/null
	cmp -s <(cut -d, -f3 "$tmp/h.csv") <(cut -d, -f3 "$tmp/t.csv") ||
		fail "$m: --threads 2 holds in another order of events"
done

# import: a zstd-compressed source reads as the text does.
zstd -q -c tests/data/ftrace_sample.txt > "$tmp/f.txt.zst"
"$vmtrace" import --ftrace tests/data/ftrace_sample.txt -o "$tmp/plain.vmt.txt" 2> /dev/null &&
	"$vmtrace" import --ftrace "$tmp/f.txt.zst" -o "$tmp/zst.vmt.txt" 2> "$tmp/err" ||
	fail "import of .zst: $(cat "$tmp/err")"
diff <(grep -v '^meta source ' "$tmp/plain.vmt.txt") <(grep -v '^meta source ' "$tmp/zst.vmt.txt") > /dev/null ||
	fail "import of the .zst differs from import of the text"
grep -q "^vmtrace import: wrote $tmp/zst.vmt.txt (text): $(grep -cE '^(alloc|free|purge) ' "$tmp/zst.vmt.txt") events, " \
	"$tmp/err" || fail "import said: $(cat "$tmp/err")"

[ "$failures" -eq 0 ] || { echo "e2e_cli_output: $failures failed"; exit 1; }
echo "e2e_cli_output: ok"
