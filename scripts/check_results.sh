#!/bin/sh
# Is RESULTS.md current?  Regenerates its exact part and the exact plots
# (scripts/results.sh --out, into a temporary directory: the working tree is
# not touched) and compares them byte for byte with RESULTS.md up to the
# line that starts the timings, and with plots/TRACE-{search,frag}.png.
# Exit 0 when they are the same; 1 with the differences otherwise.
#   scripts/check_results.sh        ($VMTRACE: the vmtrace, default build/vmtrace)
# In a clean checkout (CI) the files compared are the committed ones.  The
# timing part is `ninja bench`'s and is not checked: timings move.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timing_mark='<!-- timings below'
exact_part() { sed "/^$timing_mark/,\$d" "$1"; }

scripts/results.sh --out "$tmp" > "$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
status=0
if ! exact_part RESULTS.md | diff -u - "$tmp/RESULTS.md" > "$tmp/diff"; then
	echo "check_results: RESULTS.md's exact part is not what this tree generates" \
		"(run \`ninja results\`; - committed, + regenerated):"
	head -n 200 "$tmp/diff"
	status=1
fi
for png in "$tmp"/plots/*.png; do
	name=plots/$(basename "$png")
	if ! cmp -s "$png" "$name"; then
		echo "check_results: $name differs from the regenerated plot (or is missing)"
		status=1
	fi
done
[ "$status" -ne 0 ] || echo "check_results: RESULTS.md's exact part and the exact plots are current"
exit "$status"
