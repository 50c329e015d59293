#!/bin/sh
# Runs every test program given as an argument (cmocka binaries and shell
# scripts alike), shows their output, and ends with the one summary line
# CI reads: "N passed, N failed".  Exit status 1 if any test failed.
passed=0
failed=0
failed_names=
for t in "$@"; do
	echo "=== $t"
	if "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failed_names="$failed_names $t"
	fi
done
[ -z "$failed_names" ] || echo "failed:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
