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
	want=$(awk -v op="$op" '$1 == op { n++ } END { print n + 0 }' tests/data/handmade.vmt.txt)
	grep -qx "  $op: $want" "$tmp/info" || fail "$op count is not $want"
done
want=$(awk '$1 == "live" { n++ } END { print n + 0 }' tests/data/handmade.vmt.txt)
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

# A zstd frame built by hand from the format's specification (RFC 8878
# 3.1.1), not by the zstd library: magic, a descriptor with
# Single_Segment_flag (a 1-byte Frame_Content_Size), a Raw block holding
# the trace's text and a last RLE block of three newlines.  The reader
# must take it as zstd and read the trace inside.
python3 - "$tmp/hand.vmt.txt.zst" <<'PY'
import struct, sys
text = b"vmtrace 1\nalloc a 8192\nalloc b 4096\nfree a\n"
def block(last, kind, size):                # Block_Header, 3 bytes LE
    return struct.pack("<I", last | kind << 1 | size << 3)[:3]
frame = struct.pack("<I", 0xFD2FB528) + bytes([0x20, len(text) + 3]) + \
    block(0, 0, len(text)) + text + block(1, 1, 3) + b"\n"
open(sys.argv[1], "wb").write(frame)
PY
$v info "$tmp/hand.vmt.txt.zst" > "$tmp/hand" 2>&1 || fail "a hand-made zstd frame: $(cat "$tmp/hand")"
grep -qx '  alloc: 2' "$tmp/hand" && grep -qx '  free: 1' "$tmp/hand" ||
	fail "a hand-made zstd frame read as: $(cat "$tmp/hand")"

set +e
$v info >/dev/null 2>&1; [ $? -eq 2 ] || fail "info without FILE is not a usage error"
$v info --frobnicate x >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option is not a usage error"
echo "e2e_info: ok"
