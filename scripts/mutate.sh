#!/bin/sh
# `ninja mutate`: applies each mutant of tests/mutants.txt, one at a time,
# to a scratch copy of the tree (the checkout's files and its build/, so
# builds are incremental), rebuilds there and runs the fast part of the
# suite: the oracle and agreement scripts, then the cmocka tests (not the
# fuzz corpora, the engine-equality, import-tool or record tests).
# A mutant is KILLED when a test fails (or hangs past 10 min), SURVIVED
# when all pass, NOT BUILT when it does not compile (a broken mutant, not
# a kill).  Prints a score; exit status 1 if a mutant does not apply or
# build, or the unmutated copy fails.  Not part of `ninja test`: minutes.
#   scripts/mutate.sh [PATTERN]   only the mutants whose line matches PATTERN
# MUTATE_TESTS="t1 t2 ..." runs those tests (paths as in the suite: scripts,
# build/tests/test_X) instead of the fast suite: a quick first pass on a
# busy machine.  Its KILLED verdicts stand; a SURVIVED one holds only for
# those tests, until the whole fast suite confirms it.
set -eu
cd "$(dirname "$0")/.."
list=tests/mutants.txt
only=${1:-}
scratch=$(mktemp -d /tmp/vmtrace-mutate.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
trap 'exit 1' INT TERM
git ls-files -z --cached --others --exclude-standard | xargs -0 cp -a --parents -t "$scratch"
[ -d build ] && cp -a build "$scratch/"
cd "$scratch"
scripts="tests/e2e_linear_oracle.sh tests/e2e_frag_oracle.sh
	tests/e2e_rbtree_cache_oracle.sh tests/e2e_rbtree_oracle.sh tests/e2e_model_oracles.sh
	tests/e2e_models_agree.sh
	tests/e2e_replay.sh tests/e2e_peak_oracle.sh
	tests/e2e_search_known.sh tests/e2e_bad_input.sh"
programs=$(sed -n 's/^build \$d\/\(tests\/test_[a-z_]*\):.*/build\/\1/p' ninja/sources.ninja)
suite=${MUTATE_TESTS:-$scripts $programs}	# the oracles first: most mutants die there

# 0 when every fast test passes; else 1, naming the first failure.
fast_suite() {
	ninja build/vmtrace $programs > build.log 2>&1 || { echo "build failed"; return 2; }
	for t in $suite; do
		[ -e "$t" ] || continue
		timeout 600 "$t" > test.log 2>&1 || { echo "$t"; return 1; }
	done
	return 0
}

why=$(fast_suite) || { echo "FAIL: the unmutated tree fails: $why"; cat build.log test.log | tail -20; exit 1; }
tab=$(printf '\t')
killed=0 survived=0 total=0 bad=0
while IFS="$tab" read -r file expr what; do
	case $file in ''|'#'*) continue ;; esac
	[ -z "$only" ] || printf '%s\t%s\t%s\n' "$file" "$expr" "$what" | grep -q -- "$only" || continue
	total=$((total + 1))
	cp -p "$file" "$file.orig"
	sed -e "$expr" "$file.orig" > "$file"
	if cmp -s "$file" "$file.orig"; then
		echo "NOT APPLIED  $file: $what"
		bad=$((bad + 1))
	else
		rc=0
		why=$(fast_suite) || rc=$?
		case $rc in
		0) echo "SURVIVED     $file: $what"; survived=$((survived + 1)) ;;
		2) echo "NOT BUILT    $file: $what"; bad=$((bad + 1)) ;;
		*) echo "KILLED       $file: $what (by $why)"; killed=$((killed + 1)) ;;
		esac
	fi
	mv "$file.orig" "$file"
	touch "$file"
done < "$list"
echo "mutation score: $killed killed of $total ($survived survived, $bad not applied or not built)"
[ "$bad" -eq 0 ]
