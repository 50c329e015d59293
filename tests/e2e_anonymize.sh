#!/bin/sh
# vmtrace anonymize.  Every shipped trace is moved to a KASLR-like base
# (K) and anonymized back (A): tests/anon_check.py, which shares no code
# with vmtrace, checks that each moved address is the original plus the
# shift and every other token unchanged, that no address of K's window
# nor pid, comm, caller offset, 0x-valued attribute or host meta survives
# in A, and that every EXACT metric (replay/metrics.h) of every model is
# the same on the original, K and A.  Then the modulus: on 3 possible CPUs
# a 1 GiB step would move 6.9+ nodes, so the shift is a multiple of 3 GiB.
set -eu
vmtrace=${VMTRACE:-build/vmtrace}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check=tests/anon_check.py
models=$("$vmtrace" models | cut -f1)
# x86_64's VMALLOC_START without KASLR, and a base KASLR could pick (1 GiB steps).
default=0xffffc90000000000 kaslr=0xffffa3c000000000
shift_to_kaslr=$(python3 -c "print(hex($kaslr - $default))")
n=0
for trace in traces/*.vmt.txt traces/*.vmt.zst; do
	name=$(basename "$trace")
	"$vmtrace" convert "$trace" "$tmp/orig.txt"
	# The shipped traces start at the default base (anonymized).
	head -2 "$tmp/orig.txt" | grep -q "^range $default " ||
		{ echo "FAIL: $trace: window not at $default"; exit 1; }
	"$vmtrace" anonymize --keep pid,comm,caller,hex,host --base $kaslr "$trace" "$tmp/K.vmt" 2> /dev/null
	"$vmtrace" anonymize "$tmp/K.vmt" "$tmp/A.vmt.zst" 2> /dev/null
	"$vmtrace" convert "$tmp/K.vmt" "$tmp/K.txt"
	"$vmtrace" convert "$tmp/A.vmt.zst" "$tmp/A.txt"
	python3 $check shift "$tmp/orig.txt" "$tmp/K.txt" "$shift_to_kaslr" $default 0xffffe90000000000 kept > /dev/null
	python3 $check shift "$tmp/K.txt" "$tmp/A.txt" "$(python3 -c "print(hex(-($shift_to_kaslr)))")" \
		$kaslr 0xffffc3c000000000
	python3 $check gone "$tmp/K.txt" "$tmp/A.txt" $kaslr 0xffffc3c000000000
	for model in $models; do
		for v in orig.txt K.vmt A.vmt.zst; do
			"$vmtrace" replay -a "$model" --json "$tmp/$v.json" "$tmp/$v" > /dev/null
		done
		python3 $check exact replay/metrics.h "$tmp/orig.txt.json" "$tmp/K.vmt.json"
		python3 $check exact replay/metrics.h "$tmp/orig.txt.json" "$tmp/A.vmt.zst.json"
	done
	echo "ok: $name: every exact figure of $(echo $models | wc -w) models the same at $kaslr and after anonymize"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no trace"; exit 1; }

# 3 possible CPUs: M = lcm(1 GiB, 3 * 16 pages) = 3 GiB.  A window 4 GiB
# below the default moves by 3 GiB; 1 GiB below, not at all.
for below in 4 1; do
	lo=$(python3 -c "print(hex($default - ($below << 30)))")
	want=$(python3 -c "print(hex($default - ($below << 30) + ($below // 3 * 3 << 30)))")
	awk -v lo="$lo" 'NR == 2 { print "range " lo " " lo; print "meta cpus_possible 3"; next } { print }' \
		tests/data/anon_host.vmt.txt > "$tmp/three.txt"
	sed -i "s/^range $lo $lo\$/range $lo $(python3 -c "print(hex($lo + (32 << 40)))")/" "$tmp/three.txt"
	"$vmtrace" anonymize --base $default "$tmp/three.txt" "$tmp/three.out.txt" 2> /dev/null
	grep -q "^range $want " "$tmp/three.out.txt" ||
		{ echo "FAIL: 3 CPUs, window $below GiB below: expected range $want, got $(grep ^range "$tmp/three.out.txt")"; exit 1; }
done
echo "ok: on 3 possible CPUs the shift is a multiple of 3 GiB"

# --keep keeps what it names; a bad field is a usage error.
"$vmtrace" anonymize --keep pid,comm,caller,hex,host tests/data/anon_host.vmt.txt "$tmp/kept.txt" 2> /dev/null
for s in "pid=4242" "comm=secretd" "caller=vfree_fn+0x10/0x40" "phys=0xfee00000" "meta hostname" "addr 0xffffffff8"; do
	grep -q "$s" "$tmp/kept.txt" || { echo "FAIL: --keep lost $s"; exit 1; }
done
"$vmtrace" anonymize tests/data/anon_host.vmt.txt "$tmp/gone.txt" 2> /dev/null
# Already at the default base: no address to hide, only the fields (an empty window).
python3 $check gone tests/data/anon_host.vmt.txt "$tmp/gone.txt" 1 0 > /dev/null
for s in 4242 secretd 0x10/0x40 0xfee00000 hostname 0xffffffff8; do
	! grep -q "$s" "$tmp/gone.txt" || { echo "FAIL: anonymize kept $s"; exit 1; }
done
set +e
"$vmtrace" anonymize --keep pid,nope tests/data/anon_host.vmt.txt "$tmp/x.txt" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "unknown field 'nope'" "$tmp/err" && [ ! -e "$tmp/x.txt" ] ||
	{ echo "FAIL: --keep nope: $(cat "$tmp/err")"; exit 1; }
echo "ok: --keep keeps pid, comm, caller offsets, hex values and host meta; without it they go"
