#!/bin/sh
# The bench matrix through Slurm, for real (README "Bench matrix on Slurm"):
# brings up a one-node cluster on localhost (munged, slurmctld, slurmd, all
# from scripts/setup.sh's slurm-wlm and munge, in a scratch directory with
# their own ports), runs a small matrix both locally and through
# bench/slurm.sh, and checks the two gathered CSVs have the same cells with
# the same exact figures (read by a script of its own, not by vmtrace).
# The daemons are stopped and the directory removed on every exit.  Where
# they cannot start (no packages, not root, no node coming up) it says why
# and exits 77, the skip status of scripts/run_tests.sh.
set -u
cd "$(dirname "$0")/.."
VMTRACE=${VMTRACE:-build/vmtrace}
skip() { echo "SKIPPED: $*"; exit 77; }
for p in munged slurmctld slurmd sbatch sinfo; do
	command -v "$p" > /dev/null || [ -x "/usr/sbin/$p" ] || skip "$p is not installed (scripts/setup.sh installs slurm-wlm and munge)"
done
[ "$(id -u)" -eq 0 ] || skip "the Slurm daemons are started as root"
PATH=$PATH:/usr/sbin
tmp=$(mktemp -d /tmp/vmtrace-slurm.XXXXXX)
chmod 755 "$tmp"
stop() {
	for d in slurmd slurmctld munged; do
		[ -s "$tmp/$d.pid" ] && kill "$(cat "$tmp/$d.pid")" 2> /dev/null
	done
	sleep 1
	for d in slurmd slurmctld munged; do
		[ -s "$tmp/$d.pid" ] && kill -9 "$(cat "$tmp/$d.pid")" 2> /dev/null
	done
	rm -rf "$tmp"
}
trap stop EXIT
trap 'exit 1' INT TERM
why() { # what failed, the log that says why
	echo "$1; the end of $2:"
	tail -n 5 "$2" 2> /dev/null
	skip "$1"
}

mkdir -p "$tmp/state" "$tmp/spool" "$tmp/munge"
chmod 700 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 2> /dev/null
chmod 400 "$tmp/munge/munge.key"
munged --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.sock" \
	--pid-file="$tmp/munged.pid" --log-file="$tmp/munged.log" \
	--seed-file="$tmp/munge/seed" > "$tmp/munged.out" 2>&1 ||
	why "munged did not start" "$tmp/munged.out"

# The node as slurmd sees this machine, named localhost.
node=$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]*/NodeName=localhost/')
port=$((16000 + $$ % 1000 * 2))
cat > "$tmp/slurm.conf" <<EOC
ClusterName=vmtrace-test
SlurmctldHost=localhost
SlurmUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
$node State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOC
export SLURM_CONF="$tmp/slurm.conf"
slurmctld -i > "$tmp/slurmctld.out" 2>&1 || why "slurmctld did not start" "$tmp/slurmctld.log"
slurmd > "$tmp/slurmd.out" 2>&1 || why "slurmd did not start" "$tmp/slurmd.log"
state=
for _ in $(seq 60); do
	state=$(sinfo -h -n localhost -o %T 2> /dev/null)
	[ "$state" = idle ] && break
	sleep 0.5
done
[ "$state" = idle ] || why "the node did not come up idle (state '$state')" "$tmp/slurmd.log"

cat > "$tmp/matrix" <<EOM
reference augmented
repeats 2
trace traces/gen-seed1.vmt.zst
generate --seed 5 --events 5000 --live-target 500
models linear rbtree-cache augmented
EOM
fail=0
VMTRACE=$VMTRACE bench/matrix.sh "$tmp/matrix" "$tmp/local" > /dev/null || { echo "FAIL: local run"; exit 1; }
VMTRACE=$VMTRACE timeout 120 bench/slurm.sh "$tmp/matrix" "$tmp/slurm" > "$tmp/slurm.out" 2>&1 ||
	{ echo "FAIL: bench/slurm.sh"; cat "$tmp/slurm.out" "$tmp"/slurm/slurm/*.out; tail "$tmp/slurmctld.log"; exit 1; }
cat "$tmp/slurm.out"
# The cells and their exact figures, from the CSVs: every column but the
# timing, the provenance and the scheduling-dependent ones.
exact_of() {
	python3 - "$1" <<'EOP'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
drop = ("_median", "_min", "_max")
skip = {"version", "cpu_model", "cores", "hypervisor", "kernel", "date"}
for r in sorted(rows, key=lambda r: (r["trace_sha256"], r["model"])):
    print(",".join(f"{k}={v}" for k, v in sorted(r.items())
                   if not k.endswith(drop) and k not in skip and k != "trace"))
EOP
}
exact_of "$tmp/local/matrix.csv" > "$tmp/local.exact"
exact_of "$tmp/slurm/matrix.csv" > "$tmp/slurm.exact"
cells=$(wc -l < "$tmp/local.exact")
if [ "$cells" -eq 6 ] && cmp -s "$tmp/local.exact" "$tmp/slurm.exact"; then
	echo "ok: the Slurm job array gathered the local run's $cells cells, exact figures equal"
else
	echo "FAIL: the Slurm run's exact figures differ from the local run's ($cells cells):"
	diff "$tmp/local.exact" "$tmp/slurm.exact" | head
	fail=1
fi
exit $fail
