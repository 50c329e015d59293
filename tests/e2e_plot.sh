#!/bin/sh
# vmtrace plot: the figures of a shipped trace in each format, valid as PNG,
# PDF (pdfinfo) and SVG (xmllint), byte-identical when drawn again; one
# legend entry per model and one colour per model across figures; bad
# arguments are one line, exit 2, nothing written; a failed replay leaves
# the output directory as it was.
set -eu
cd "$(dirname "$0")/.."
v=${VMTRACE:-build/vmtrace}
for tool in gnuplot pdfinfo xmllint; do
	command -v "$tool" > /dev/null || { echo "SKIPPED: $tool not installed (scripts/setup.sh)"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e_plot: $*" >&2; exit 1; }
trace=traces/bpf_map_churn.vmt.txt

for fmt in png pdf svg; do
	$v plot -a linear,augmented -o "$tmp/$fmt" --format "$fmt" "$trace"
	[ "$(ls "$tmp/$fmt" | tr '\n' ' ')" = "bpf_map_churn-frag.$fmt bpf_map_churn-search.$fmt footprint.$fmt " ] ||
		fail "$fmt: made $(ls "$tmp/$fmt" | tr '\n' ' ')"
done
for f in "$tmp"/png/*; do
	# The PNG signature (RFC 2083): 89 50 4E 47 0D 0A 1A 0A.
	[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$f is not a PNG"
done
for f in "$tmp"/pdf/*; do
	pdfinfo "$f" > "$tmp/info" 2>&1 || fail "$f: $(cat "$tmp/info")"
	grep -q '^Pages: *1$' "$tmp/info" || fail "$f: not one page"
done
for f in "$tmp"/svg/*; do
	xmllint --noout "$f" || fail "$f is not well-formed XML"
done

# Drawn again a second later: the same bytes (cairo dates each PDF).
sleep 1
for fmt in png pdf svg; do
	$v plot -a linear,augmented -o "$tmp/again" --format "$fmt" "$trace"
done
for f in "$tmp"/png/* "$tmp"/pdf/* "$tmp"/svg/*; do
	cmp -s "$f" "$tmp/again/$(basename "$f")" || fail "$(basename "$f") differs when drawn again"
done

# One legend entry per model in the fragmentation figure, and each model
# in its own colour in both figures: augmented is #009e73, rgb(0,158,115).
svg=$tmp/svg/bpf_map_churn-frag.svg
for model in linear augmented; do
	n=$(grep -o ">$model</text>" "$svg" | wc -l)
	[ "$n" -eq 1 ] || fail "frag legend names $model $n times"
done
! grep -q '>rbtree</text>' "$svg" || fail "frag draws a model not asked for"
for figure in frag search; do
	grep -q "stroke='rgb(  0, 158, 115)'" "$tmp/svg/bpf_map_churn-$figure.svg" ||
		fail "$figure: augmented not in its colour"
done

# Bad arguments: one line naming the problem (PATTERN), then the one
# line of every usage error pointing at --help, exit 2, no directory made.
#   bad PATTERN ARG...
bad() {
	want=$1
	shift
	set +e
	$v plot -o "$tmp/bad" "$@" > /dev/null 2> "$tmp/err"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || fail "plot $*: exit $rc, not 2"
	[ "$(wc -l < "$tmp/err")" -eq 2 ] && [ "$(sed -n 2p "$tmp/err")" = "Try 'vmtrace plot --help'." ] ||
		fail "plot $*: not one line and the --help hint: $(cat "$tmp/err")"
	grep -q "^vmtrace plot: .*$want" "$tmp/err" || fail "plot $*: $(cat "$tmp/err")"
	[ ! -e "$tmp/bad" ] || fail "plot $*: made the output directory"
}
bad "missing.vmt.txt: No such file" "$tmp/missing.vmt.txt"
bad "unknown model 'augmentd'" -a linear,augmentd "$trace"
bad "unknown format 'jpeg'" --format jpeg "$trace"
bad "missing.vmt.txt: No such file" "$trace" "$tmp/missing.vmt.txt"

# A trace the replay refuses: exit 1, the directory as it was.
mkdir "$tmp/keep"
echo old > "$tmp/keep/bpf_map_churn-frag.png"
printf 'vmtrace 1\npage_size 4096\nalloc id=1 size=4096\nbogus\n' > "$tmp/broken.vmt.txt"
set +e
$v plot -a linear -o "$tmp/keep" "$trace" "$tmp/broken.vmt.txt" > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a broken trace: exit $rc, not 1"
[ "$(ls "$tmp/keep")" = bpf_map_churn-frag.png ] && [ "$(cat "$tmp/keep/bpf_map_churn-frag.png")" = old ] ||
	fail "a failed run changed the output directory"
echo "e2e_plot: ok"
