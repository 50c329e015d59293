#!/bin/sh
# End to end: the single-threaded replay and `--threads 1` are one engine
# (replay/engine.h), so every option both accept means the same in both.
#
# 1. Every shipped trace (traces/*.vmt*) and test trace (tests/data/),
#    through every model, under each option set below, once without
#    --threads and once with --threads 1: the exit status, the stderr and
#    the --json summary must be the same, TIMING metrics (replay/metrics.h)
#    and the threaded replay's own section removed; so must the --layout
#    CSV (every run writes one).  The span maxima (max_span,
#    max_live_bytes, footprint) and the model-memory figures sampled after
#    every event (replay/model_memory.c) are removed too: the threaded
#    replay has no order of events to take them in (replay/replay_threads.h).  Lock
#    statistics are compared when both runs take the lock (--lock-stat).
# 2. Every class of docs/BAD_INPUT.md (the bodies of tests/test_bad_input.c),
#    through a model of each family with --check, by default and under
#    --strict, with and without --threads 1: the same exit status, the
#    same stderr line, the same summary.
#
# An option set the CLI refuses with --threads (a usage error, exit 2) is
# reported as not compared, not as a failure: the engines accept it
# (replay/replay.h); the CLI decides.
#   VMTRACE: the vmtrace binary to test (default build/vmtrace).
set -u
VMTRACE=${VMTRACE:-build/vmtrace}
MODELS="linear rbtree rbtree-cache augmented augmented-5.2 augmented-5.19"
# The judging of bad input is the model's no business (replay/track.h):
# one model of each family is enough there.
BAD_MODELS="linear rbtree-cache augmented"
# A window of 1 GiB at the start of x86_64's vmalloc space.
LOHI=0xffffc90000000000:0xffffc90040000000

# The TIMING metrics, from their definitions, and clock_overhead_ns.
timing=$(sed -n 's/.*X([UF]64, \([a-z0-9_]*\), TIMING,.*/\1/p' replay/metrics.h | tr '\n' '|')

# same A.json B.json LOCKSTAT: prints nothing when the summaries agree.
same() {
	jq -n -r --argjson ls "$3" --slurpfile a "$1" --slurpfile b "$2" '
		def exact: walk(if type == "object" then
				with_entries(select(.key | test("^('"${timing}"'clock_overhead_ns)$") | not))
			else . end)
			| del(.provenance, .summary.threads, .summary.max_span, .summary.max_live_bytes,
			      .summary.footprint, .summary.ext_frag_at_peak,
			      .summary.unusable_16k_at_peak, .summary.internal_waste_modelled,
			      .summary.max_internal_waste, .summary.end_internal_waste,
			      .summary.metadata_modelled, .summary.max_metadata_bytes)
			| if $ls then . else del(.summary.lock_stat) end;
		($a[0] | exact) as $x | ($b[0] | exact) as $y
		| if $x == $y then empty
		else [($x.summary | keys[]) as $k | select($x.summary[$k] != $y.summary[$k])
			| "\($k) \($x.summary[$k] | tostring) vs \($y.summary[$k] | tostring)"]
			| "the summaries differ: " + join(", ") end' ||
		echo "jq failed on $1 $2"
}

# pair DIR TRACE MODEL OPTIONS...: one run each way, compared; prints a
# line per difference.
pair() {
	d=$1 t=$2 m=$3
	shift 3
	ls=false
	case " $* " in *" --lock-stat "*) ls=true ;; esac
	o=$d/run.$$
	what="$t -a $m $*"
	"$VMTRACE" replay -a "$m" --threads 1 "$@" --json "$o.t.json" --layout "$o.t.csv" \
		"$t" >/dev/null 2>"$o.t.err"
	rt=$?
	if [ "$rt" = 2 ]; then
		echo "NOT COMPARED (the CLI refuses it with --threads): $what"
		rm -f "$o".*
		return
	fi
	"$VMTRACE" replay -a "$m" "$@" --json "$o.s.json" --layout "$o.s.csv" \
		"$t" >/dev/null 2>"$o.s.err"
	rs=$?
	if [ "$rs" != "$rt" ]; then
		echo "FAIL: $what: exit $rs without --threads, $rt with --threads 1"
	elif ! cmp -s "$o.s.err" "$o.t.err"; then
		echo "FAIL: $what: stderr '$(cat "$o.s.err")' vs '$(cat "$o.t.err")'"
	elif [ "$rs" = 0 ]; then
		diff=$(same "$o.s.json" "$o.t.json" "$ls")
		[ -z "$diff" ] || echo "FAIL: $what: $diff"
		cmp -s "$o.s.csv" "$o.t.csv" || echo "FAIL: $what: the --layout files differ"
	fi
	rm -f "$o".*
}

if [ "${1:-}" = pair ]; then
	shift
	pair "$@"
	exit 0
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# The classes of docs/BAD_INPUT.md, one trace each, two jobs a model.
n=0
while IFS='|' read -r name body; do
	n=$((n + 1))
	printf 'vmtrace 1\nrange 0x10000 0x40000\n%b' "$body" >"$dir/bad$n.txt"
	echo "$name" >"$dir/bad$n.name"
	for m in $BAD_MODELS; do
		echo "$dir $dir/bad$n.txt $m --check"
		echo "$dir $dir/bad$n.txt $m --strict --check"
	done
done >"$dir/jobs" <<'EOF'
unknown free|free x\n
free after a kernel-failed alloc|alloc a 4096 failed=1\nfree a\n
double free|alloc a 4096\nfree a\nfree a\n
id reused after its free|alloc a 4096\nfree a\nalloc a 4096\nfree a\n
free of an alloc the model could not place|alloc big 0x30000\nalloc a 4096\nfree a\nfree big\n
live overlapping another|live l1 0x10000 8192\nlive l2 0x11000 4096\n
live id twice|live l 0x10000 4096\nlive l 0x20000 4096\n
live size 0|live l 0x10000 0\n
live size not whole pages|live l 0x10000 4097\n
live address not page aligned|live l 0x10800 4096\n
live area past 2^64|live l 0xfffffffffffff000 8192\n
free of a rejected live area|live l 0x10000 0\nfree l\n
kernel va over a snapshot area|live l 0x10000 8192\nalloc a 4096 va=0x11000\n
kernel va over an earlier alloc|alloc a 8192 va=0x20000\nalloc b 4096 va=0x21000\n
kernel va reused after its free|alloc a 8192 va=0x20000\nfree a\nalloc b 8192 va=0x20000\n
kernel va of a failed alloc|alloc a 8192 va=0x20000\nalloc b 4096 va=0x20000 failed=1\n
kernel va past 2^64|alloc a 8192 va=0xfffffffffffff000\n
alloc size 0|alloc a 0\n
alloc size not whole pages|alloc a 5000\n
align not a power of two|alloc a 4096 align=12288\n
align 0|alloc a 4096 align=0\n
vstart above vend|alloc a 4096 vstart=0x30000 vend=0x20000\n
vstart equal to vend|alloc a 4096 vstart=0x30000 vend=0x30000\n
alloc of a live id|alloc a 4096\nalloc a 4096\n
free of an invalid alloc|alloc a 0\nfree a\n
size near 2^64|alloc a 0xfffffffffffff000\n
align 2^63|alloc a 4096 align=0x8000000000000000\n
request window at the top of the address space|alloc a 4096 vstart=0xffffffffffffe000 vend=0xffffffffffffffff\nalloc b 4096 vstart=0xffffffffffffe000 vend=0xffffffffffffffff\n
a late strict error|alloc a 4096\nalloc b 4096\nfree a\nfree a\nalloc c 4096\n
EOF

# The traces, under each option set.  Traces of more than 20000 events
# take up to seconds a run: they get fewer sets, and no --check (linear in
# the layout after every call).
for t in traces/*.vmt* tests/data/*.vmt*; do
	events=$("$VMTRACE" info "$t" | sed -n 's/^events: //p')
	for m in $MODELS; do
		ref=linear
		[ "$m" = linear ] && ref=rbtree
		if [ "${events:-0}" -gt 20000 ]; then
			set -- "" "--strict --range i386 --lock-stat --lock mutex" \
				"--lowest-fit-audit --reference $ref --range $LOHI --lock-stat"
		else
			set -- "" --strict --check "--range i386" "--range $LOHI" --lock-stat \
				"--range i386 --lock-stat --lock spinlock" \
				"--range $LOHI --lock-stat --lock rwlock" \
				"--check --lock-stat --lock mutex" \
				"--strict --check --range i386 --lock-stat --lock ticket" \
				--lowest-fit-audit "--reference $ref" \
				"--lowest-fit-audit --reference $ref --range $LOHI --lock-stat"
		fi
		for opts in "$@"; do
			echo "$dir $t $m${opts:+ $opts}"
		done
	done
done >>"$dir/jobs"

xargs -P "$(nproc)" -L 1 "$0" pair <"$dir/jobs" >"$dir/out"

# The comparison is not vacuous: under --strict, --threads 1 does fail
# on an inconsistent trace, as without it.
"$VMTRACE" replay --strict --threads 1 "$dir/bad3.txt" >/dev/null 2>&1
[ $? -eq 1 ] || echo "FAIL: --strict --threads 1 accepted a double free" >>"$dir/out"

not_compared=$(grep -c '^NOT COMPARED' "$dir/out")
failures=$(grep -c '^FAIL' "$dir/out")
grep '^FAIL' "$dir/out" | head -20
[ "$not_compared" -eq 0 ] ||
	echo "e2e_engines_agree: $not_compared option sets not compared: the CLI refuses them with --threads"
[ "$failures" -eq 0 ] || { echo "e2e_engines_agree: $failures failures"; exit 1; }
echo "e2e_engines_agree: all passed"
