#!/bin/sh
# tracefs import against trace-cmd, side by side on one capture (issue 18:
# `vmtrace import` of tracefs text at least as fast as `trace-cmd report`
# reads the same events from a trace.dat).
#
# Captures the vmalloc events of scripts/workloads/bpf_map_storm.sh in a
# tracefs instance of its own (as root; bench/data/, reused when present),
# saves the instance's `trace` file and then `trace-cmd extract`s the very
# same records (extract consumes the buffer, so the text goes first), and
# times 3 runs each of `vmtrace import --ftrace` and `trace-cmd report`
# (to /dev/null), alternating.  Writes the medians, wall and CPU time, to
# bench/results/import.json.  Without root or tracefs it says so and writes
# nothing: the report then leaves the row out.
#   bench/import.sh [SECONDS]   (of workload, default 10)
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-10}
data=bench/data
out=bench/results/import.json
txt=$data/storm-$seconds.trace.txt
dat=$data/storm-$seconds.trace.dat
tracefs=/sys/kernel/tracing
ninja build/vmtrace >/dev/null
mkdir -p "$data" bench/results

capture() {
	name=vmtrace_bench_$$
	inst=$tracefs/instances/$name
	trap 'rm -f "$txt.tmp" "$dat.tmp"*
	      if [ -d "$inst" ]; then
		      echo 0 > "$inst/tracing_on"
		      echo 0 > "$inst/events/vmalloc/enable"
		      rmdir "$inst"
	      fi' EXIT
	mkdir "$inst"
	# Room for every event of the run: about 100 bytes each, 200 k a second.
	echo $((seconds * 20000)) > "$inst/buffer_size_kb"
	for ev in alloc_vmap_area free_vmap_area_noflush purge_vmap_area_lazy; do
		echo 1 > "$inst/events/vmalloc/$ev/enable"
	done
	echo 1 > "$inst/tracing_on"
	scripts/workloads/bpf_map_storm.sh "$(nproc)" "$seconds"
	echo 0 > "$inst/tracing_on"
	cat "$inst/trace" > "$txt.tmp"
	# trace-cmd cannot read /proc/kallsyms here (nor does report need it
	# for these events): an empty file over it, in a mount namespace of
	# its own, as scripts/capture_tool_samples.sh does.
	unshare -m sh -c 'mount --bind /dev/null /proc/kallsyms && exec "$@"' sh \
		trace-cmd extract -B "$name" -o "$dat.tmp" > /dev/null
	mv "$txt.tmp" "$txt"
	mv "$dat.tmp" "$dat"
}

if [ ! -e "$txt" ] || [ ! -e "$dat" ]; then
	if [ "$(id -u)" -ne 0 ] || [ ! -d "$tracefs/instances" ] ||
	   ! command -v trace-cmd >/dev/null; then
		echo "import.sh: needs root, tracefs and trace-cmd to capture; skipped" >&2
		exit 0
	fi
	capture
fi

python3 - "$txt" "$dat" "$out" "$(cat /proc/loadavg)" "$(git rev-parse --short HEAD)" <<'PY'
import json, os, resource, statistics, subprocess, sys, tempfile, time
txt, dat, out, load, commit = sys.argv[1:]
tmp = tempfile.mkdtemp()
tools = {
    "vmtrace import": ["build/vmtrace", "import", "--ftrace", txt, "-o",
                       os.path.join(tmp, "out.vmt.txt")],
    "trace-cmd report": ["trace-cmd", "report", "-i", dat],
}
def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu}
runs = {k: [] for k in tools}
for i in range(3):
    for k, cmd in tools.items():
        runs[k].append(run(cmd))
events = sum(1 for l in open(txt, errors="replace")
             if not l.startswith("#") and "_vmap_area" in l)
med = lambda k, f: statistics.median(r[f] for r in runs[k])
results = [{"tool": k, "runs": len(runs[k]), "median_wall_s": med(k, "wall_s"),
            "median_cpu_s": med(k, "cpu_s"),
            "median_events_per_s": events / med(k, "wall_s"), "raw": runs[k]}
           for k in tools]
doc = {"what": "vmtrace import --ftrace of a tracefs `trace` file vs trace-cmd report "
               "of the trace.dat extracted from the same buffer, same run",
       "commit": commit, "events": events, "text_bytes": os.path.getsize(txt),
       "dat_bytes": os.path.getsize(dat), "loadavg_at_end": load,
       "import_over_report_wall": med("vmtrace import", "wall_s") / med("trace-cmd report", "wall_s"),
       "import_over_report_cpu": med("vmtrace import", "cpu_s") / med("trace-cmd report", "cpu_s"),
       "results": results}
json.dump(doc, open(out, "w"), indent=1)
for r in results:
    print("%-18s %10.2f M events/s  wall %.3f s  cpu %.3f s" % (
        r["tool"], r["median_events_per_s"] / 1e6, r["median_wall_s"], r["median_cpu_s"]))
print("import / report: wall %.2f, cpu %.2f" % (doc["import_over_report_wall"],
                                                doc["import_over_report_cpu"]))
os.remove(os.path.join(tmp, "out.vmt.txt"))
os.rmdir(tmp)
PY
