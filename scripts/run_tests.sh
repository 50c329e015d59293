#!/bin/sh
# Runs every test program given as an argument (cmocka binaries and shell
# scripts alike), shows their output, and ends with the one summary line
# CI reads: "N passed, N failed, N skipped".  A test that exits 77 (the
# automake convention) could not run on this machine and says why in a
# "SKIPPED: <reason>" line: it counts as skipped, not passed.  Exit status
# 1 if any test failed.
passed=0
failed=0
skipped=0
failed_names=
for t in "$@"; do
	echo "=== $t"
	"$t"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	elif [ "$rc" -eq 77 ]; then
		skipped=$((skipped + 1))
	else
		failed=$((failed + 1))
		failed_names="$failed_names $t"
	fi
done
[ -z "$failed_names" ] || echo "failed:$failed_names"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
