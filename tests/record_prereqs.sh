# SPDX-License-Identifier: MIT
# Sourced by the `vmtrace record` end-to-end tests (from the repository's
# root): skip/fail, the checks that skip (exit 77) on a machine that
# cannot record with the workloads: root, kernel BTF, x86-64, python3, and
# skip_if_cannot_record for a record that failed; $vmtrace (the binary
# under test) and $workload (the Python workload) for the tests to use.

skip() {
	echo "SKIPPED: $*"
	exit 77
}
fail() {
	echo "FAIL: $*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip "not root (vmtrace record loads BPF programs)"
[ -r /sys/kernel/btf/vmlinux ] || skip "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ "$(uname -m)" = x86_64 ] || skip "the workload's bpf(2) call is x86-64 only"
command -v python3 >/dev/null || skip "python3 (the workload) is not installed"

vmtrace=${VMTRACE:-build/vmtrace}
workload=scripts/workloads/vmalloc_workload.py

# Skips when `vmtrace record` exited $1, saying why in the file $2, because
# it cannot record here: a build without the BPF skeleton (build.ninja),
# or a kernel without the tracepoints, tracefs or BPF it needs
# (capture/record.c); both exit 1.  Returns for any other failure, which the
# caller reports as one.
skip_if_cannot_record() {
	case $1 in
	1) why='this build has no eBPF recorder|the running kernel exposes no BTF|the kernel has no |tracefs is not mounted|BPF is not permitted|the kernel would not let vmtrace' ;;
	*) return 0 ;;
	esac
	grep -qE "^vmtrace record: ($why)" "$2" && skip "$(cat "$2")"
	return 0
}
