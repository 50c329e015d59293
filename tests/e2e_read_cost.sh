#!/bin/sh
# Reading a trace costs what the file's real content implies, no more.
# Peak resident memory (/usr/bin/time -v: a measurement, not a timing) of
# `vmtrace info` on bad files is compared, in this run, with its peak on a
# small valid trace, or on the whole file a bad one was cut from:
#   - a 2 GiB sparse file of zeros named .vmt, under RLIMIT_AS of 1 GiB
#     (under ASan, which needs more address space, by its peak instead):
#     refused from its first bytes, before it is mapped (mapped with
#     MAP_POPULATE, a file of real zeros is read whole first);
#   - a zstd trace cut in the middle of its frame, or with a byte flipped:
#     the byte offset (the cut; at or before the flipped byte);
#   - a zstd frame that declares 1000 bytes and holds 3 MB (the decoder
#     holds it to its declared size);
#   - a binary trace whose header claims 2^32 - 1 meta entries.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "SKIPPED: /usr/bin/time is not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# peak_kb FILE: runs `vmtrace info FILE`, its stderr in $tmp/err and its
# exit status in $tmp/status; prints the peak resident set in KiB.
peak_kb() {
	status=0
	/usr/bin/time -v -o "$tmp/time" "$vmtrace" info "$1" > /dev/null 2> "$tmp/err" || status=$?
	echo "$status" > "$tmp/status"
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time"
}
# refused NAME FILE PATTERN LIMIT_KB
refused() {
	kb=$(peak_kb "$2")
	[ "$(cat "$tmp/status")" -ne 0 ] || { echo "FAIL: $1: accepted"; exit 1; }
	grep -qE "$3" "$tmp/err" || { echo "FAIL: $1: expected '$3', got: $(cat "$tmp/err")"; exit 1; }
	[ "$kb" -le "$4" ] || { echo "FAIL: $1: peak $kb KiB, more than $4"; exit 1; }
	echo "ok: $1: $(cat "$tmp/err") (peak $kb KiB, limit $4)"
}

# read_ok NAME: the last peak_kb's file was read.
read_ok() {
	[ "$(cat "$tmp/status")" -eq 0 ] || { echo "FAIL: $1: $(cat "$tmp/err")"; exit 1; }
}
small=$(peak_kb tests/data/handmade.vmt.txt)
read_ok handmade.vmt.txt
# Sparse: no disk is written.  Under a 1 GiB address-space limit a 2 GiB
# mapping cannot be made: the file must be refused before it is mapped.
truncate -s 2G "$tmp/zeros.vmt"
if [ -n "${ASAN_OPTIONS:-}" ]; then
	# ASan reserves terabytes of shadow address space at start, so no
	# address-space limit can apply: the peak shows instead whether the
	# file was read (a populated mapping of it would be 2 GiB resident).
	refused "2 GiB of zeros" "$tmp/zeros.vmt" "zeros.vmt:1: not a vmtrace trace" $((small + 8192))
else
	(ulimit -v 1048576 && exec "$vmtrace" info "$tmp/zeros.vmt") > /dev/null 2> "$tmp/err" &&
		{ echo "FAIL: 2 GiB of zeros accepted"; exit 1; }
	grep -q "zeros.vmt:1: not a vmtrace trace" "$tmp/err" ||
		{ echo "FAIL: 2 GiB of zeros: $(cat "$tmp/err")"; exit 1; }
	echo "ok: 2 GiB of zeros, 1 GiB address space: $(cat "$tmp/err")"
fi

storm=traces/rec-bpf-map-storm.vmt.zst
whole=$(peak_kb $storm)
read_ok $storm
size=$(stat -c %s $storm)
head -c $((size / 2)) $storm > "$tmp/cut.vmt.zst"
refused "zstd cut at byte $((size / 2))" "$tmp/cut.vmt.zst" "byte $((size / 2)): zstd: truncated frame" "$whole"
python3 - "$storm" "$tmp/flipped.vmt.zst" $((size / 2)) <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
at = int(sys.argv[3])
b[at] ^= 0xff
b[at + 1] ^= 0x5a
open(sys.argv[2], 'wb').write(b)
PY
refused "zstd with byte $((size / 2)) flipped" "$tmp/flipped.vmt.zst" "byte [0-9]+: zstd: " "$whole"
at=$(sed -n 's/.*byte \([0-9]*\): zstd.*/\1/p' "$tmp/err")
[ "$at" -le $((size / 2)) ] || { echo "FAIL: the flip at $((size / 2)) said at byte $at"; exit 1; }

# One frame, its 4-byte content size field (descriptor 0x84 here: zstd of
# a 3 MB file) set to 1000.
head -c 3000000 /dev/zero > "$tmp/zeros3m"
zstd -q "$tmp/zeros3m" -o "$tmp/lies.zst"
python3 - "$tmp/lies.zst" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
assert b[4] == 0x84, 'frame header descriptor %#x' % b[4]
at = 5 if b[4] & 0x20 else 6   # single segment: no window byte
b[at:at + 4] = struct.pack('<I', 1000)
open(sys.argv[1], 'wb').write(b)
PY
refused "zstd frame declaring 1000 bytes" "$tmp/lies.zst" "byte [0-9]+: zstd: " $((small + 8192))

"$vmtrace" convert tests/data/handmade.vmt.txt "$tmp/meta.vmt"
printf '\377\377\377\377' | dd of="$tmp/meta.vmt" bs=1 seek=40 conv=notrunc status=none
refused "binary claiming 2^32-1 meta entries" "$tmp/meta.vmt" "byte 40: 4294967295 meta entries do not fit" $((small + 8192))
