#!/bin/sh
# Runs each libFuzzer harness given for SECONDS, one after the other, from
# its seed corpus tests/fuzz/corpus/<name>/ (and dictionary
# tests/fuzz/<name>.dict, if there is one).  New inputs go to
# build/fuzz/corpus/<name>/ (the seeds are never touched), findings to
# build/fuzz/findings/, the full log to build/fuzz/<name>.log.  Exits 1 on
# the first harness that finds anything.
#   usage: scripts/fuzz_smoke.sh SECONDS HARNESS...
set -eu
seconds=$1
shift
mkdir -p build/fuzz/findings
for harness in "$@"; do
	name=$(basename "$harness")
	log=build/fuzz/$name.log
	dict=
	[ ! -e "tests/fuzz/$name.dict" ] || dict=-dict=tests/fuzz/$name.dict
	mkdir -p "build/fuzz/corpus/$name"
	echo "=== $name: ${seconds} s"
	# shellcheck disable=SC2086
	if ! "$harness" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 $dict \
		-artifact_prefix="build/fuzz/findings/$name-" \
		"build/fuzz/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
		tail -n 40 "$log"
		echo "$name: FINDING (input in build/fuzz/findings/, log in $log)"
		exit 1
	fi
	grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
	grep -E '^#[0-9]+[[:space:]]+DONE' "$log" || true
done
