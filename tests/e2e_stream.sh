#!/bin/sh
# `vmtrace replay` of binary traces as streams (README, Known limits):
#   - the same exact figures, --series and --layout rows as the same file
#     loaded whole (--mismatches makes replay load it), for every model and the
#     options that stream (--lazy, --lowest-fit-audit, --follow-kernel,
#     --range, --strict) and their warnings, .vmt and .vmt.zst alike;
#   - the same --strict message, and a damaged checksum refused before any
#     output is written;
#   - peak resident memory (/usr/bin/time -v: a measurement, not a timing)
#     of a replay of 2M events within 10% of one of 200k at the same live
#     count.
set -eu
cd "$(dirname "$0")/.."
v=${VMTRACE:-build/vmtrace}
gen=${BENCH_TRACE:-$(dirname "$v")/bench/bench_trace}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e_stream: $*" >&2; exit 1; }

# exact SUMMARY.json: every metric but the timings, one per line.
exact() {
	jq -S '[.summaries // {(.model): .summary} | to_entries[] | {model: .key, summary:
		(.value | with_entries(select(.key | test("second|per_sec|hold|wait|contention|clock") | not)))}]' "$1"
}

# same NAME TRACE OPTION...: streamed and loaded replays of TRACE agree.
same() {
	name=$1 trace=$2
	shift 2
	"$v" replay "$@" --json "$tmp/s.json" --series "$tmp/s.csv" --layout "$tmp/s.layout" \
		"$trace" > /dev/null 2> "$tmp/s.warn" || fail "$name: streamed replay failed"
	"$v" replay "$@" --json "$tmp/l.json" --series "$tmp/l.csv" --layout "$tmp/l.layout" \
		--mismatches "$tmp/m.csv" "$trace" > /dev/null 2> "$tmp/l.warn" ||
		fail "$name: loaded replay failed"
	cmp -s "$tmp/s.warn" "$tmp/l.warn" || fail "$name: warnings differ"
	exact "$tmp/s.json" > "$tmp/s.exact"
	exact "$tmp/l.json" > "$tmp/l.exact"
	cmp -s "$tmp/s.exact" "$tmp/l.exact" ||
		fail "$name: figures differ: $(diff "$tmp/s.exact" "$tmp/l.exact" | head -5)"
	cmp -s "$tmp/s.csv" "$tmp/l.csv" || fail "$name: --series rows differ"
	cmp -s "$tmp/s.layout" "$tmp/l.layout" || fail "$name: --layout rows differ"
	echo "ok: $name"
}

models=$("$v" models | cut -f1)
for trace in traces/rec-mixed.vmt.zst traces/drain-bpf-progs.vmt.zst traces/gen-seed1.vmt.zst; do
	for m in $models; do
		same "$trace $m" "$trace" -a "$m"
	done
	same "$trace --lazy" "$trace" -a augmented --lazy
	same "$trace --lowest-fit-audit" "$trace" -a rbtree-cache --lowest-fit-audit
	same "$trace --follow-kernel" "$trace" -a vmap-nodes --follow-kernel
	same "$trace --range i386" "$trace" -a linear --range i386
done
"$v" convert traces/rec-process-burst.vmt.zst "$tmp/plain.vmt" 2> /dev/null
same "uncompressed .vmt" "$tmp/plain.vmt" -a augmented --strict

# An inconsistent trace: the same counts, and under --strict the same message.
printf 'vmtrace 1\nlive s1 0xffffc90000000000 8192\nalloc a 8192\nfree a\nfree a\nfree zz\nalloc b 8192 va=0xffffc90000000000\n' > "$tmp/bad.txt"
"$v" convert "$tmp/bad.txt" "$tmp/bad.vmt.zst" 2> /dev/null
same "inconsistent trace" "$tmp/bad.vmt.zst" -a linear
"$v" replay --strict "$tmp/bad.vmt.zst" > /dev/null 2> "$tmp/s.err" && fail "--strict accepted"
"$v" replay --strict --mismatches "$tmp/m.csv" "$tmp/bad.vmt.zst" > /dev/null 2> "$tmp/l.err" &&
	fail "--strict --mismatches accepted"
cmp -s "$tmp/s.err" "$tmp/l.err" || fail "--strict: '$(cat "$tmp/s.err")' vs '$(cat "$tmp/l.err")'"
echo "ok: --strict says $(cat "$tmp/s.err")"

# A damaged checksum: refused, and no output appears.
python3 - "$tmp/plain.vmt" "$tmp/flipped.vmt" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[len(b) - 100] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
"$v" replay --json "$tmp/out.json" "$tmp/flipped.vmt" > /dev/null 2> "$tmp/err" &&
	fail "a damaged checksum was accepted"
grep -q "checksum 0x[0-9a-f]* does not match the content" "$tmp/err" ||
	fail "damaged checksum: $(cat "$tmp/err")"
[ ! -e "$tmp/out.json" ] || fail "damaged checksum: --json was written"
echo "ok: $(cat "$tmp/err")"

# Memory follows the live areas, not the length.  Under ASan its
# quarantine would keep freed blocks (up to 256 MiB), and the peak would
# follow what was ever allocated: it is turned off for these runs.
# (No /usr/bin/time is a failure, not a quiet skip: e2e_read_cost needs
# it too.)
[ -x /usr/bin/time ] || fail "/usr/bin/time (Debian package time) is not installed"
for n in 200000 2000000; do
	"$gen" stream-gen $n 1000 1 "$tmp/g$n.vmt.zst" 2> /dev/null
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:quarantine_size_mb=0} \
		/usr/bin/time -v -o "$tmp/time" "$v" replay -a augmented "$tmp/g$n.vmt.zst" > /dev/null
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time" > "$tmp/rss$n"
done
small=$(cat "$tmp/rss200000") large=$(cat "$tmp/rss2000000")
[ $((large * 10)) -le $((small * 11)) ] ||
	fail "peak memory: $large KiB for 2M events, $small KiB for 200k"
echo "ok: peak memory $small KiB for 200k events, $large KiB for 2M"
