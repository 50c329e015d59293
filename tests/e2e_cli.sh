#!/bin/bash
# Every subcommand's command line behaves alike (cli/options.h): --help and
# -h print the usage on stdout and exit 0; an unknown option, a missing
# option argument or a wrong argument count exits 2 with one line naming
# the command and the problem, then one line pointing at --help (never the
# whole usage); a bad number exits 2 naming the option; a misspelt option
# or model gets a "did you mean"; and no usage error leaves an output
# file behind.
set -u
vmtrace=${VMTRACE:-build/vmtrace}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

trace=tests/data/handmade.vmt.txt
out="$tmp/out/written"
mkdir -p "$tmp/out"

# run ARGS...: runs vmtrace, its status in $rc, its output in $tmp/stdout
# and $tmp/stderr.
run() {
	"$vmtrace" "$@" > "$tmp/stdout" 2> "$tmp/stderr"
	rc=$?
}

# usage_error WHAT WANT_IN_STDERR ARGS...: exit 2, nothing on stdout, a
# stderr line starting WANT_IN_STDERR, and nothing in $tmp/out.
usage_error() {
	local what=$1 want=$2

	shift 2
	run "$@"
	[ "$rc" -eq 2 ] || fail "$what: exit $rc, want 2"
	[ ! -s "$tmp/stdout" ] || fail "$what: wrote on stdout: $(head -3 "$tmp/stdout")"
	grep -qF -- "$want" "$tmp/stderr" || fail "$what: no '$want' in: $(cat "$tmp/stderr")"
	[ -z "$(ls -A "$tmp/out")" ] || fail "$what: left $(ls -A "$tmp/out")"
	rm -rf "$tmp/out" && mkdir "$tmp/out"
}

# The usage errors of each command, each with an output path it would write.
# COMMAND | the arguments of an otherwise good call | a bad number (or none)
while IFS='|' read -r cmd args bad_number; do
	# shellcheck disable=SC2086  # word splitting of $args is meant
	set -- $args
	for help in --help -h; do
		run "$cmd" "$help"
		[ "$rc" -eq 0 ] || fail "$cmd $help: exit $rc, want 0"
		head -1 "$tmp/stdout" | grep -q "^usage: vmtrace $cmd\\b" ||
			fail "$cmd $help: stdout does not start with its usage: $(head -1 "$tmp/stdout")"
		[ ! -s "$tmp/stderr" ] || fail "$cmd $help: wrote on stderr: $(cat "$tmp/stderr")"
	done
	usage_error "$cmd --no-such-option" "vmtrace $cmd: unknown option '--no-such-option'" \
		"$cmd" --no-such-option "$@"
	[ "$(wc -l < "$tmp/stderr")" -eq 2 ] &&
		[ "$(sed -n 2p "$tmp/stderr")" = "Try 'vmtrace $cmd --help'." ] ||
		fail "$cmd: not one line and the --help pointer: $(cat "$tmp/stderr")"
	usage_error "$cmd -Z" "vmtrace $cmd: unknown option '-Z'" "$cmd" -Z "$@"
	if [ -n "$bad_number" ]; then
		opt=${bad_number%% *}
		# shellcheck disable=SC2086
		usage_error "$cmd $bad_number" "vmtrace $cmd: $opt: " "$cmd" $bad_number "$@"
		usage_error "$cmd $opt without its value" "vmtrace $cmd: missing " "$cmd" "$@" "$opt"
	fi
done <<EOF
replay|--json $out $trace|--every ten
replay|--json $out $trace|--threads 0
replay|--json $out $trace|--scale 2000
convert|$trace $out|
info|$trace|
models||
report|-o $out $tmp/none.json|
generate|$out|--events 1e5
generate|$out|--aligned 101
import|--ftrace $trace -o $out|
record|-o $out --duration 1|--duration -1
EOF

# Wrong numbers of positional arguments.
usage_error "replay without TRACE" "vmtrace replay: expected TRACE" replay --json "$out"
usage_error "replay with two traces" "vmtrace replay: unexpected argument" replay \
	--json "$out" "$trace" "$trace"
usage_error "convert with one argument" "vmtrace convert: expected IN OUT" convert "$trace"
usage_error "info without FILE" "vmtrace info: expected FILE" info
usage_error "models with an argument" "vmtrace models: unexpected argument 'x'" models x
usage_error "report without summaries" "vmtrace report: expected SUMMARY.json" report -o "$out"
usage_error "generate with two outputs" "vmtrace generate: unexpected argument" generate \
	"$out" "$out.2"
usage_error "import without -o" "vmtrace import: missing -o" import --ftrace "$trace"
usage_error "import with an argument" "vmtrace import: unexpected argument" import \
	--ftrace "$trace" -o "$out" extra
# Values other than numbers, and options that do not go together.
usage_error "replay -a unknown" "vmtrace replay: --allocator: unknown allocator model" \
	replay -a no-such-model --json "$out" "$trace"
usage_error "generate --range bad" "vmtrace generate: --range: " generate --range 1:0 "$out"
usage_error "flag with a value" "vmtrace info: --verify takes no value" info --verify=yes "$trace"
usage_error "replay --scale alone" "vmtrace replay: --scale goes with --threads" replay \
	--scale 2 --json "$out" "$trace"

# "Did you mean": close misspellings only.  The model names are those
# `vmtrace models` lists (the first, misspelt by one dropped letter).
usage_error "--jsn" "vmtrace replay: unknown option '--jsn'; did you mean '--json'?" \
	replay --jsn "$out" "$trace"
usage_error "--evnets (two letters swapped)" "did you mean '--events'?" replay --evnets "$out" "$trace"
usage_error "far from any option" "vmtrace replay: unknown option '--zebra'" \
	replay --zebra "$trace"
grep -q "did you mean" "$tmp/stderr" && fail "--zebra: a suggestion: $(cat "$tmp/stderr")"
model=$("$vmtrace" models | head -1 | cut -f1)
typo=${model:0:2}${model:3}
usage_error "-a $typo" "vmtrace replay: --allocator: unknown allocator model '$typo'; did you mean '$model'?" \
	replay -a "$typo" --json "$out" "$trace"
[ "$(wc -l < "$tmp/stderr")" -eq 2 ] || fail "-a $typo: not two lines: $(cat "$tmp/stderr")"
usage_error "-a twice" "vmtrace replay: --allocator given twice" replay -a "$model" \
	-a "$model" --json "$out" "$trace"
usage_error "one model twice in a list" "'$model' named twice" replay -a "$model,$model" \
	--json "$out" "$trace"
for opt in --events --series --layout --mismatches; do
	usage_error "$opt with several models" "vmtrace replay: $opt holds one model's replay" \
		replay -a all "$opt" "$out" "$trace"
done
usage_error "--holds with several models" "vmtrace replay: --holds holds one model's replay" \
	replay -a all --lock-stat --holds "$out" "$trace"
usage_error "convert to a name of no format" "vmtrace convert: $out.zst: cannot tell the format" \
	convert "$trace" "$out.zst"

# vmtrace itself.
run --help
[ "$rc" -eq 0 ] && [ ! -s "$tmp/stderr" ] && grep -q '^usage: vmtrace COMMAND' "$tmp/stdout" ||
	fail "vmtrace --help: exit $rc: $(cat "$tmp/stdout" "$tmp/stderr")"
run --version
[ "$rc" -eq 0 ] && grep -qE '^vmtrace [0-9.]+ \([0-9a-z.-]+\)$' "$tmp/stdout" ||
	fail "vmtrace --version: exit $rc: $(cat "$tmp/stdout" "$tmp/stderr")"
run no-such-command
[ "$rc" -eq 2 ] && grep -q "^vmtrace: unknown command 'no-such-command'" "$tmp/stderr" ||
	fail "unknown command: exit $rc: $(cat "$tmp/stderr")"

[ "$failures" -eq 0 ] || { echo "e2e_cli: $failures failed"; exit 1; }
echo "e2e_cli: ok"
