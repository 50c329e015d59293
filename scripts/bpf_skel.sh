#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds the skeleton through which capture/record.c drives the BPF
# programs of `vmtrace record` (build.ninja runs it):
#   scripts/bpf_skel.sh BTF BPFTOOL CLANG BPF_CFLAGS IN OUT
# dumps vmlinux.h (the kernel's types) from the BTF file BTF, compiles IN
# (capture/vmtrace.bpf.c) against it with CLANG, and writes BPFTOOL's
# skeleton of the object to OUT, with OUT.d (a depfile) listing what it
# was made from.  A build machine that lacks one of the three still builds
# everything else: OUT then only defines VMTRACE_NO_BPF to the reason, and
# capture/record_unavailable.c makes `vmtrace record` say it.  A step that
# fails with everything present fails the build.
set -eu
btf=$1 bpftool=$2 clang=$3 bpf_cflags=$4 in=$5 out=$6
dir=$(dirname "$out")

unavailable() {
	echo "scripts/bpf_skel.sh: $1: this build's vmtrace record will only say so" >&2
	rm -f "$dir/vmlinux.h" "$dir/vmtrace.bpf.o"
	printf '/* scripts/bpf_skel.sh: no BPF skeleton on this build machine. */\n' > "$out"
	printf '#define VMTRACE_NO_BPF "%s"\n' "$1" >> "$out"
	echo "$out: $in" > "$out.d"
	exit 0
}

[ -r "$btf" ] || unavailable "$btf was not readable at build time"
"$bpftool" version > /dev/null 2>&1 || unavailable "$bpftool did not run at build time"
command -v "$clang" > /dev/null || unavailable "$clang was not found at build time"

"$bpftool" btf dump file "$btf" format c > "$dir/vmlinux.h"
# shellcheck disable=SC2086 # $bpf_cflags is a list of flags
"$clang" $bpf_cflags -I"$dir" -MD -MF "$out.d" -MT "$out" -c "$in" -o "$dir/vmtrace.bpf.o"
"$bpftool" gen skeleton "$dir/vmtrace.bpf.o" name vmtrace > "$out"
