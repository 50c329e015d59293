#!/bin/sh
# Workload: bursts of many concurrent short-lived tasks.  Every task the
# kernel creates (fork or thread) takes a 16 KiB kernel stack (+ a guard
# page) from vmalloc once the per-CPU cache of two freed stacks is empty,
# and returns it when it exits (vfree after an RCU grace period), so a
# burst of N live tasks makes about N allocs and N frees of 20 KiB areas.
#
#   process_burst.sh [SEED] [SECONDS]   (defaults 1 and 4)
# Two forked worker processes (one per CPU here) each run bursts of
# 100-499 threads living 0-49 ms; sizes and lifetimes come from Python's
# random seeded with SEED (worker w uses SEED*2+w).  Threads, because a
# fork of a whole process costs ~17 ms on this VM and a thread ~1 ms.
# The run stops after SECONDS.
exec python3 - "${1:-1}" "${2:-4}" <<'PY'
import os, random, sys, threading, time

seed, seconds = int(sys.argv[1]), float(sys.argv[2])

def worker(w):
    rng = random.Random(seed * 2 + w)
    end = time.monotonic() + seconds
    bursts = tasks = 0
    while time.monotonic() < end:
        n = rng.randrange(100, 500)
        ths = [threading.Thread(target=time.sleep, args=(rng.randrange(50) / 1000.0,))
               for _ in range(n)]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        bursts += 1
        tasks += n
    print(f"process_burst: seed {seed} worker {w}: {bursts} bursts, {tasks} threads",
          file=sys.stderr)

pids = []
for w in range(2):
    pid = os.fork()
    if pid == 0:
        worker(w)
        os._exit(0)
    pids.append(pid)
status = 0
for pid in pids:
    status |= os.waitpid(pid, 0)[1]
sys.exit(1 if status else 0)
PY
