#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates kernel vmalloc traffic for the record tests and measurements.

  vmalloc_workload.py forks N        N short processes, all alive at once:
                                     each fork past the per-CPU stack cache
                                     vmallocs a kernel stack
  vmalloc_workload.py maps SECONDS   creates and closes BPF array maps of
                                     64 KiB (above the 32 KiB kmalloc limit
                                     of bpf_map_area_alloc, so each is a
                                     vmalloc) as fast as it can, for SECONDS

Prints what it did on one line: `forks N` or `maps N in S s`.  x86-64 only
(the bpf(2) syscall number).
"""
import ctypes
import os
import struct
import sys
import time

SYS_BPF = 321  # x86-64
BPF_MAP_CREATE = 0
BPF_MAP_TYPE_ARRAY = 2


def forks(n):
    pids = []
    r, w = os.pipe()
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            # Wait until every sibling exists, so their stacks coexist.
            os.close(w)
            os.read(r, 1)
            os._exit(0)
        pids.append(pid)
    os.close(r)
    os.close(w)
    for pid in pids:
        os.waitpid(pid, 0)
    print(f"forks {n}")


def maps(seconds):
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(
        struct.pack("IIII", BPF_MAP_TYPE_ARRAY, 4, 4096, 16), 128)
    n = 0
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        fd = libc.syscall(SYS_BPF, BPF_MAP_CREATE, attr, 128)
        if fd < 0:
            sys.exit(f"bpf(BPF_MAP_CREATE): {os.strerror(ctypes.get_errno())}")
        os.close(fd)
        n += 1
    print(f"maps {n} in {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("forks", "maps"):
        sys.exit(__doc__)
    {"forks": lambda a: forks(int(a)), "maps": lambda a: maps(float(a))}[sys.argv[1]](sys.argv[2])
