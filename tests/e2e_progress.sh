#!/bin/bash
# Progress lines (lib/progress.h): on a terminal, replay, import and
# convert show one, rewritten in place with '\r' at most four times a
# second and erased at the end; with stderr a file they print nothing of
# it.  `script` (util-linux) gives the commands a terminal.  (record's
# line is the same helper; its tests need root and run in e2e_record*.)
set -u
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
command -v script > /dev/null || { echo "SKIPPED: no script(1) to fake a terminal"; exit 77; }

"$vmtrace" generate --seed 2 --events 300000 "$tmp/g.vmt" 2> /dev/null
cp tests/data/ftrace_sample.txt "$tmp/f.txt"

# on_tty CMD...: runs CMD with a terminal for stdin, stdout and stderr;
# its terminal output in $tmp/tty, its run time (s) in $secs.
on_tty() {
	local start=$SECONDS
	script -q -e -c "$(printf '%q ' "$@") > /dev/null" /dev/null > "$tmp/tty"
	rc=$?
	secs=$((SECONDS - start + 1))
}

# Replay: "DONE / TOTAL events (P%)", then rate and time left; at most
# 4 redraws a second (+ the first and the erasure); erased at the end.
on_tty "$vmtrace" replay "$tmp/g.vmt"
[ "$rc" -eq 0 ] || fail "replay on a tty: exit $rc"
grep -q 'vmtrace replay: linear: 0 / 300000 events (0%)' "$tmp/tty" ||
	fail "replay: no starting progress line: $(head -c 300 "$tmp/tty" | od -c | head -5)"
draws=$(tr -cd '\r' < "$tmp/tty" | wc -c)
[ "$draws" -ge 2 ] && [ "$draws" -le $((4 * secs + 2)) ] ||
	fail "replay: $draws redraws in about $secs s"
if [ "$draws" -gt 2 ]; then
	grep -qE '[0-9]+ / 300000 events \([0-9]+%\), [0-9]+ events/s, [0-9]+:[0-9]{2} left' "$tmp/tty" ||
		fail "replay: no rate and time left: $(od -c "$tmp/tty" | head -8)"
fi
[ "$(tail -c 4 "$tmp/tty" | od -An -c | tr -d ' ')" = '\r033[K' ] ||
	fail "replay: the line is not erased at the end: $(tail -c 40 "$tmp/tty" | od -c)"

# Convert: reading a text trace, its records (events and snapshot areas)
# as they are parsed, their total unknown until the end; writing,
# "DONE / TOTAL records (P%)", then rate and time left.  A phase shorter
# than a quarter second shows only its first line.
"$vmtrace" convert "$tmp/g.vmt" "$tmp/g.vmt.txt" 2> /dev/null
on_tty "$vmtrace" convert "$tmp/g.vmt.txt" "$tmp/c.vmt.zst"
[ "$rc" -eq 0 ] || fail "convert on a tty: exit $rc"
grep -q "vmtrace convert: reading $tmp/g.vmt.txt \.\.\." "$tmp/tty" &&
	grep -q "vmtrace convert: writing $tmp/c.vmt.zst: 0 / 300000 records (0%)" "$tmp/tty" ||
	fail "convert: no starting progress lines: $(od -c "$tmp/tty" | head -8)"
draws=$(tr -cd '\r' < "$tmp/tty" | wc -c)
# Two phases: two first lines and two erasures besides the redraws.
[ "$draws" -le $((4 * secs + 4)) ] || fail "convert: $draws redraws in about $secs s"
tr '\r' '\n' < "$tmp/tty" > "$tmp/lines"
if grep -q "reading $tmp/g.vmt.txt: " "$tmp/lines"; then
	grep -qE "reading $tmp/g.vmt.txt: [0-9]+ records, [0-9]+ records/s" "$tmp/lines" ||
		fail "convert: reading without a rate: $(grep reading "$tmp/lines" | cat -v)"
else
	echo "  convert: reading took under a quarter second, no count shown"
fi
if grep -qE "writing $tmp/c.vmt.zst: [1-9][0-9]* / " "$tmp/lines"; then
	grep -qE "writing $tmp/c.vmt.zst: [0-9]+ / 300000 records \([0-9]+%\), [0-9]+ records/s, [0-9]+:[0-9]{2} left" "$tmp/lines" ||
		fail "convert: writing without rate and time left: $(grep writing "$tmp/lines" | cat -v)"
else
	echo "  convert: writing took under a quarter second, no count shown"
fi
# Counts only grow, and never past the total.
awk -v total=300000 '/records/ { n = $0; sub(/.*: /, "", n); sub(/ .*/, "", n)
	if (n + 0 > total || (phase == $3 && n + 0 < last)) bad = 1; phase = $3; last = n + 0 }
	END { exit bad }' "$tmp/lines" || fail "convert: counts out of order: $(cat -v "$tmp/lines")"
grep -q $'\r\033\\[Kvmtrace convert: wrote ' "$tmp/tty" ||
	fail "convert: the line is not erased before what it wrote: $(tail -c 120 "$tmp/tty" | od -c)"
cmp -s <("$vmtrace" convert "$tmp/c.vmt.zst" - 2> /dev/null) "$tmp/g.vmt.txt" ||
	fail "convert on a tty: the output is not the input"

on_tty "$vmtrace" import --ftrace "$tmp/f.txt" -o "$tmp/i.vmt.txt"
grep -q "vmtrace import: reading $tmp/f.txt \.\.\." "$tmp/tty" &&
	grep -qE "vmtrace import: writing $tmp/i.vmt.txt: 0 / [0-9]+ records \(0%\)" "$tmp/tty" ||
	fail "import: no progress: $(od -c "$tmp/tty" | head -8)"

# Not a terminal: nothing but what the commands say anyway.
"$vmtrace" replay "$tmp/g.vmt" > /dev/null 2> "$tmp/err"
[ ! -s "$tmp/err" ] || fail "replay wrote on a non-terminal stderr: $(head -c 200 "$tmp/err")"
"$vmtrace" convert "$tmp/g.vmt" "$tmp/h.vmt.txt" 2> "$tmp/err"
[ "$(wc -l < "$tmp/err")" -eq 1 ] && ! grep -q $'\r' "$tmp/err" ||
	fail "convert wrote more than its one line: $(od -c "$tmp/err" | head -5)"
"$vmtrace" import --ftrace "$tmp/f.txt" -o "$tmp/j.vmt.txt" 2> "$tmp/err"
! grep -q $'\r' "$tmp/err" || fail "import wrote a progress line to a file"

[ "$failures" -eq 0 ] || { echo "e2e_progress: $failures failed"; exit 1; }
echo "e2e_progress: ok"
