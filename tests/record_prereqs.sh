# SPDX-License-Identifier: MIT
# Sourced by the `vmtrace record` end-to-end tests (from the repository's
# root): skip/fail, and the checks that skip (exit 77) on a machine that
# cannot record with the workloads: root, kernel BTF, x86-64, python3.

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
