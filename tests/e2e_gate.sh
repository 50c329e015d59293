#!/bin/sh
# The regression gate, end to end (README "Regression gate"):
#  1. the CI matrix (bench/matrix-ci), run now, passes `vmtrace compare`
#     against the committed bench/baseline.json: exact figures equal, timing
#     ratios within the threshold or not significant;
#  2. a second run of unchanged code passes against the first;
#  3. copies of vmtrace with a regression injected into rbtree-cache
#     (tests/gate_mutant.c: searching longer, placing differently, 30%
#     slower) fail it, exit 1, naming the cell and the figure;
#  4. bad input exits 2 with `file: what`.
set -u
cd "$(dirname "$0")/.."
VMTRACE=${VMTRACE:-build/vmtrace}
mutants=$(dirname "$VMTRACE")/tests/gate
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # what, expected status, actual status
	if [ "$2" -eq "$3" ]; then
		echo "ok: $1"
	else
		echo "FAIL: $1: exit $3, expected $2"
		fail=1
	fi
}
compare() { # expected-status what BASELINE CURRENT [OPTION...]
	want=$1 what=$2
	shift 2
	"$VMTRACE" compare "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	check "$what" "$want" "$rc"
	[ "$rc" -eq "$want" ] || cat "$tmp/out" "$tmp/err"
}

# 1. Against the committed baseline.
VMTRACE=$VMTRACE bench/matrix.sh bench/matrix-ci "$tmp/ci" > /dev/null || { echo "FAIL: CI matrix run"; exit 1; }
# The baseline's timing comes from an optimized build: under ASan only its
# exact figures mean anything (no reference replay lasts 10^5 s).
exact_only=
[ -z "${ASAN_OPTIONS:-}" ] || exact_only="--min-seconds 100000"
# shellcheck disable=SC2086
compare 0 "the CI matrix against bench/baseline.json" bench/baseline.json "$tmp/ci/matrix.json" $exact_only

# A small matrix whose rbtree-cache replay is long enough to time well,
# against a reference of about the same cost (rbtree: 0.25 s a replay to
# rbtree-cache's 0.19 s; augmented's 0.02 s left the per-repeat ratio
# spread from 6.0 to 9.7), one cell at a time so the two cells do not
# time each other.
cat > "$tmp/matrix" <<EOM
reference rbtree
repeats 10
jobs 1
generate --seed 4 --events 100000 --live-target 2000
models rbtree-cache rbtree
EOM
run() { # NAME VMTRACE
	VMTRACE=$2 bench/matrix.sh "$tmp/matrix" "$tmp/$1" > /dev/null || { echo "FAIL: matrix run $1"; exit 1; }
}
run base "$VMTRACE"
run again "$VMTRACE"
# 2. Unchanged code, run twice.
compare 0 "a second run of unchanged code" "$tmp/base/matrix.json" "$tmp/again/matrix.json"

# 3. Injected regressions, each named in the findings.
named() { # what, grep pattern
	if grep -q "$2" "$tmp/out"; then echo "ok: $1"; else echo "FAIL: $1"; cat "$tmp/out"; fail=1; fi
}
# Slower: a spin of 30% of the CPU time per event rbtree-cache took in
# the base run, for a change well past the 10% threshold and significant
# at the gate's alpha in a run of 10 repeats.  The change measured comes
# out near it (+24 to +35%, p at most 0.0015, in four runs on a 2-core
# machine, one of them beside two busy loops); the check below bounds it
# at three times the injection.
GATE_SLOWER_NS=$(jq '.cells[] | select(.model == "rbtree-cache") |
	.timing.replay_cpu_seconds.median / .exact.events * 0.3e9' "$tmp/base/matrix.json")
export GATE_SLOWER_NS
run slower "$mutants/vmtrace-slower"
# A shared machine's load can hide the slowdown in one pair of runs (seen
# at load average 12 on 2 cores: p 0.11): when the first pair is
# not flagged, the base and the slower copy run again, back to back, and
# that pair must be.
if "$VMTRACE" compare "$tmp/base/matrix.json" "$tmp/slower/matrix.json" > /dev/null 2>&1; then
	echo "note: the slower copy was not flagged in the first pair of runs; running the pair again"
	run base "$VMTRACE"
	run slower "$mutants/vmtrace-slower"
fi
for m in search-longer place-differently slower; do
	[ "$m" = slower ] || run "$m" "$mutants/vmtrace-$m"
	compare 1 "rbtree-cache made $m" "$tmp/base/matrix.json" "$tmp/$m/matrix.json"
done
"$VMTRACE" compare "$tmp/base/matrix.json" "$tmp/search-longer/matrix.json" > "$tmp/out"
named "search-longer names alloc_search_total" 'rbtree-cache default t1 *alloc_search_total .*REGRESSED'
"$VMTRACE" compare "$tmp/base/matrix.json" "$tmp/place-differently/matrix.json" > "$tmp/out"
named "place-differently names the holes" 'rbtree-cache default t1 *holes .*REGRESSED'
"$VMTRACE" compare --json "$tmp/base/matrix.json" "$tmp/slower/matrix.json" > "$tmp/out"
jq -e '.findings | map(select(.verdict == "REGRESSED")) | length == 1 and
	(.[0] | .metric == "replay_cpu_seconds / reference" and .change > 0.1 and .change < 0.9)' "$tmp/out" > /dev/null
check "slower: only the timing ratio regressed, by more than 10% (and less than 90%)" 0 $?
# The reference's own cell is not timed against itself; exact figures are equal.
jq -e '[.findings[] | select(.cell | test(" rbtree "))] | length == 0' "$tmp/out" > /dev/null
check "slower: the reference cell has no finding" 0 $?

# A cell missing from the current run fails; a new one does not.
jq '.cells |= map(select(.model != "rbtree-cache"))' "$tmp/base/matrix.json" > "$tmp/fewer.json"
compare 1 "a baseline cell missing from the current run" "$tmp/base/matrix.json" "$tmp/fewer.json"
compare 0 "a cell new in the current run" "$tmp/fewer.json" "$tmp/base/matrix.json"

# 4. Bad input.
printf '{"kind": "vmtrace-bench-matrix",\n "schema": 1,\n "cells": [}\n' > "$tmp/bad.json"
compare 2 "malformed JSON" "$tmp/bad.json" "$tmp/base/matrix.json"
grep -q "^vmtrace compare: $tmp/bad.json:3: " "$tmp/err" || { echo "FAIL: no file:line"; cat "$tmp/err"; fail=1; }
jq '.schema = 99' "$tmp/base/matrix.json" > "$tmp/schema.json"
compare 2 "another schema" "$tmp/schema.json" "$tmp/base/matrix.json"
compare 2 "a missing file" "$tmp/none.json" "$tmp/base/matrix.json"
jq '.cells[0].ratio = [1]' "$tmp/base/matrix.json" > "$tmp/one.json"
compare 2 "a cell of one repeat" "$tmp/base/matrix.json" "$tmp/one.json"
# A bad matrix line: `MATRIX:LINE: what`, exit 2, before anything runs.
sed 's/^jobs 1$/jobs 0/' "$tmp/matrix" > "$tmp/bad.matrix"
bench/matrix.sh "$tmp/bad.matrix" "$tmp/bad" > /dev/null 2> "$tmp/err"
check "a matrix of 0 jobs" 2 $?
grep -q "^$tmp/bad.matrix:3: jobs 0: not a positive count$" "$tmp/err" || { echo "FAIL: no matrix:line"; cat "$tmp/err"; fail=1; }
[ ! -e "$tmp/bad" ] || { echo "FAIL: a bad matrix left $tmp/bad"; fail=1; }
exit $fail
