#!/bin/sh
# The machine the benchmarks run on, recorded when they run, for the report
# to name it (`vmtrace report --bench` prints bench/results/host.json under
# "Throughput benchmarks"): CPU model, cores, memory, hypervisor (and how it
# was found), container, kernel, with the date and the commit the measured
# binary was built from (its --version: the checkout's HEAD may have moved
# since the build, or carry uncommitted changes, "-dirty").
#   bench/host.sh [OUT]   (default bench/results/host.json)
# $VMTRACE names the binary (default build/vmtrace).
set -eu
cd "$(dirname "$0")/.."
out=${1:-bench/results/host.json}
vmtrace=${VMTRACE:-build/vmtrace}
commit=$("$vmtrace" --version | sed -n 's/^vmtrace [^ ]* (\(.*\))$/\1/p')
[ -n "$commit" ] || { echo "bench/host.sh: $vmtrace --version names no commit" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
trap 'rm -f "$out.tmp"' EXIT

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
# The hypervisor, from the most specific source that names it.
if detected=$(dmesg 2>/dev/null | sed -n 's/.*Hypervisor detected: //p' | head -n 1) &&
	[ -n "$detected" ]; then
	hypervisor=$detected source=dmesg
elif detected=$(systemd-detect-virt --vm 2>/dev/null) && [ "$detected" != none ]; then
	hypervisor=$detected source=systemd-detect-virt
elif [ -r /sys/hypervisor/type ]; then
	hypervisor=$(cat /sys/hypervisor/type) source=/sys/hypervisor/type
elif grep -qw hypervisor /proc/cpuinfo; then
	hypervisor=unnamed source="the cpuinfo hypervisor flag"
else
	hypervisor=none source="no cpuinfo hypervisor flag"
fi
container=$(systemd-detect-virt --container 2>/dev/null || true)

jq -n --arg cpu "${cpu:-unknown}" --argjson cores "$(nproc)" \
	--argjson mem "$(free -g | awk '/^Mem:/ { print $2 }')" \
	--arg hypervisor "$hypervisor" --arg source "$source" \
	--arg container "${container:-none}" --arg kernel "$(uname -r)" \
	--arg commit "$commit" --arg date "$(date -u +%Y-%m-%d)" '
	{what: "the machine the benchmarks ran on (bench/host.sh)",
	 cpu_model: $cpu, cores: $cores, memory_gib: $mem, hypervisor: $hypervisor,
	 hypervisor_source: $source, kernel: $kernel, commit: $commit, date: $date}
	+ (if $container == "none" then {} else {container: $container} end)' > "$out.tmp"
mv "$out.tmp" "$out"
