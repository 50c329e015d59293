#!/bin/sh
# vmtrace info and convert on the command line: formats told by content,
# --verify exit status on a damaged checksum, usage errors.
set -eu
cd "$(dirname "$0")/.."
v=${VMTRACE:-build/vmtrace}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "e2e_info: $*" >&2; exit 1; }

$v convert tests/data/handmade.vmt.txt "$tmp/h.vmt"
$v convert "$tmp/h.vmt" "$tmp/h.vmt.zst"
$v info --verify "$tmp/h.vmt.zst" >"$tmp/info" || fail "info --verify on a good file failed"
grep -qx 'format: binary v1, zstd-compressed' "$tmp/info" || fail "format line: $(cat "$tmp/info")"
grep -qx 'checksum: ok' "$tmp/info" || fail "checksum line"
# Event counts agree with the text they came from; live lines are
# snapshot areas, not events.
for op in alloc free purge; do
	want=$(grep -c "^$op " tests/data/handmade.vmt.txt || true)
	grep -qx "  $op: $want" "$tmp/info" || fail "$op count is not $want"
done
want=$(grep -c "^live " tests/data/handmade.vmt.txt || true)
grep -qx "snapshot areas: $want" "$tmp/info" || fail "snapshot areas is not $want"

# Flip one bit of the last event's t field (offset 56 of the record that ends
# 32 bytes before the end): a valid trace, a wrong checksum.
size=$(stat -c %s "$tmp/h.vmt")
cp "$tmp/h.vmt" "$tmp/bad.vmt"
printf '\001' | dd of="$tmp/bad.vmt" bs=1 seek=$((size - 32 - 8)) conv=notrunc 2>/dev/null
$v info "$tmp/bad.vmt" >/dev/null || fail "info without --verify rejected a valid layout"
if $v info --verify "$tmp/bad.vmt" 2>"$tmp/err" >/dev/null; then
	fail "info --verify accepted a wrong checksum"
fi
grep -q "bad.vmt: byte $((size - 8)): checksum 0x" "$tmp/err" || fail "message: $(cat "$tmp/err")"
if $v convert "$tmp/bad.vmt" "$tmp/out.txt" 2>/dev/null; then
	fail "convert loaded a file with a wrong checksum"
fi
[ ! -e "$tmp/out.txt" ] || fail "convert left an output file"

set +e
$v info >/dev/null 2>&1; [ $? -eq 2 ] || fail "info without FILE is not a usage error"
$v info --frobnicate x >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option is not a usage error"
echo "e2e_info: ok"
