#!/bin/sh
# End to end: `vmtrace replay` on inconsistent traces (docs/BAD_INPUT.md).
# By default the trace replays (exit 0) and the class is counted in the
# JSON summary; under --strict the run exits 1 with one `file:line: what`
# line.  A run that fails (--strict at line N, a bad output path, a full
# disk) leaves no output file and no temporary behind.
#   VMTRACE: the vmtrace binary to test (default build/vmtrace).
set -u
VMTRACE=${VMTRACE:-build/vmtrace}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# trace NAME BODY: $dir/NAME.txt, the body after a two-line header, so its
# first line is line 3.
trace() {
	printf 'vmtrace 1\nrange 0x10000 0x40000\n%b' "$2" >"$dir/$1.txt"
}

# class NAME BODY KEY MESSAGE: KEY is 1 in the default run's summary;
# --strict exits 1 with "NAME.txt:MESSAGE".
class() {
	trace "$1" "$2"
	if ! "$VMTRACE" replay "$dir/$1.txt" --json "$dir/$1.json" >/dev/null 2>"$dir/err"; then
		fail "$1: the default replay failed: $(cat "$dir/err")"
	elif ! grep -q "\"$3\": 1,\$" "$dir/$1.json"; then
		fail "$1: $3 is not 1 in the summary"
	fi
	"$VMTRACE" replay --strict "$dir/$1.txt" >/dev/null 2>"$dir/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "$1: --strict exited $rc, want 1"
	[ "$(cat "$dir/err")" = "vmtrace replay: $dir/$1.txt:$4" ] ||
		fail "$1: --strict said '$(cat "$dir/err")', want '$dir/$1.txt:$4'"
}

class unknown_free 'alloc a 4096\nfree x\n' unknown_frees \
	'4: free x: id was never allocated'
class double_free 'alloc a 4096\nfree a\nfree a\n' double_frees \
	'5: free a: id already freed (double free)'
class live_overlap 'live l1 0x10000 8192\nlive l2 0x11000 4096\n' snapshot_conflicts \
	'4: live l2: 0x11000+4096 overlaps an earlier area'
class kernel_va 'alloc a 8192 va=0x20000\nalloc b 4096 va=0x21000\n' kernel_va_conflicts \
	"4: alloc b: the kernel's 0x21000+4096 overlaps 0x20000+8192, which it had not freed"
class bad_size 'alloc a 5000\n' invalid_events \
	'3: alloc a: size 5000 is not a positive multiple of the page size'
class bad_align 'alloc a 4096 align=3\n' invalid_events \
	'3: alloc a: align 3 is not a power of two'
class bad_window 'alloc a 4096 vstart=0x30000 vend=0x30000\n' invalid_events \
	'3: alloc a: vstart 0x30000 is not below vend 0x30000'

# rejected NAME BODY MESSAGE: not a trace at all, exit 1 with or without --strict.
rejected() {
	trace "$1" "$2"
	for strict in "" --strict; do
		# shellcheck disable=SC2086
		"$VMTRACE" replay $strict "$dir/$1.txt" >/dev/null 2>"$dir/err"
		rc=$?
		[ "$rc" -eq 1 ] || fail "$1: exit $rc, want 1"
		[ "$(cat "$dir/err")" = "vmtrace replay: $dir/$1.txt:$3" ] ||
			fail "$1: said '$(cat "$dir/err")', want '$dir/$1.txt:$3'"
	done
}

rejected kilobyte_id "alloc $(printf '%02048d' 0) 4096\n" \
	'3: id of 2048 bytes is longer than 255'
rejected overflow 'alloc a 4096 pid=4294967296\n' '3: pid=4294967296 is larger than 4294967295'
rejected huge_number 'alloc a 0x10000000000000000\n' \
	"3: size '0x10000000000000000' does not fit in 64 bits"

# A line of 4 MiB (unknown keys are kept verbatim) replays.
trace megabyte_line "alloc a 4096$(head -c 4194304 /dev/zero | tr '\0' x | sed 's/x\{64\}/ key=&/g')\nfree a\n"
"$VMTRACE" replay --strict "$dir/megabyte_line.txt" >/dev/null 2>"$dir/err" ||
	fail "megabyte_line: $(cat "$dir/err")"

# no_outputs WHAT: $dir/out holds nothing but keep.json, unchanged.
no_outputs() {
	left=$(ls -A "$dir/out")
	[ "$left" = keep.json ] || fail "$1: left behind: $(echo "$left" | tr '\n' ' ')"
	[ "$(cat "$dir/out/keep.json")" = old ] || fail "$1: changed an existing --json file"
}
mkdir "$dir/out"
echo old >"$dir/out/keep.json"

# A --strict replay failing at line 6 writes none of its outputs.
trace late 'alloc a 4096\nalloc b 4096\nfree a\nfree a\nalloc c 4096\n'
"$VMTRACE" replay --strict "$dir/late.txt" --json "$dir/out/keep.json" \
	--events "$dir/out/e.csv" --series "$dir/out/s.csv" --every 1 >/dev/null 2>"$dir/err"
[ $? -eq 1 ] || fail "late: --strict did not fail"
[ "$(cat "$dir/err")" = "vmtrace replay: $dir/late.txt:6: free a: id already freed (double free)" ] ||
	fail "late said '$(cat "$dir/err")'"
no_outputs "--strict failing at line 6"

# An unwritable --json path fails before the replay, leaving no events file.
trace good 'alloc a 4096\nfree a\n'
"$VMTRACE" replay "$dir/good.txt" --events "$dir/out/e.csv" \
	--json "$dir/missing/s.json" >/dev/null 2>"$dir/err"
[ $? -eq 1 ] || fail "unwritable --json: did not fail"
[ "$(cat "$dir/err")" = "vmtrace replay: $dir/missing/s.json: cannot create: No such file or directory" ] ||
	fail "unwritable --json said '$(cat "$dir/err")'"
no_outputs "unwritable --json"

# A full disk: a file size limit, past which writes fail with EFBIG.
# allocs N: a trace of N allocs, whose events CSV has about 27 bytes a row.
allocs() {
	printf 'vmtrace 1\nrange 0x10000 0x100000000\n'
	i=0
	while [ $i -lt "$1" ]; do
		printf 'alloc a%d 4096\n' $i
		i=$((i + 1))
	done
}
# full_disk NAME BLOCKS MESSAGE: replaying $dir/NAME.txt with files limited
# to BLOCKS fails with MESSAGE and leaves nothing.
full_disk() {
	(
		trap '' XFSZ
		ulimit -f "$2"
		exec "$VMTRACE" replay "$dir/$1.txt" --json "$dir/out/s.json" \
			--events "$dir/out/e.csv"
	) >/dev/null 2>"$dir/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "$1 on a full disk: exit $rc, want 1"
	[ "$(cat "$dir/err")" = "vmtrace replay: $3" ] || fail "$1 on a full disk said '$(cat "$dir/err")'"
	no_outputs "$1 on a full disk"
}
# 10000 rows (270 KB) against a 64 KiB limit: stdio's writes fail mid-replay.
allocs 10000 >"$dir/big.txt"
full_disk big 128 "$dir/big.txt: writing a CSV failed"
# 100 rows (2.7 KB) stay in stdio's 4 KiB buffer until the final sync,
# which fails against a 1-block limit.
allocs 100 >"$dir/small.txt"
full_disk small 1 "$dir/out/e.csv: cannot write: File too large"

# The same run with room writes all of them.
"$VMTRACE" replay "$dir/big.txt" --json "$dir/out/s.json" --events "$dir/out/e.csv" >/dev/null ||
	fail "big: the replay failed"
[ "$(wc -l <"$dir/out/e.csv")" -eq 10001 ] || fail "big: the events CSV is not 10000 rows"

[ "$failures" -eq 0 ] || exit 1
echo "e2e_bad_input: all passed"
