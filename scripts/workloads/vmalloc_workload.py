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
  vmalloc_workload.py progs SECONDS  loads BPF socket filters of 1 Ki to
                                     576 Ki instructions, up to 4 held at
                                     once, for SECONDS: each load vmallocs
                                     the program and verifier state, and
                                     its JIT image (4 bytes an instruction)
                                     takes executable memory: from a 2 MiB
                                     bpf_prog_pack, a new pack (one alloc
                                     in the execmem/module window) when
                                     the packs are full, and an area of its
                                     own past 2 MiB

Prints what it did on one line: `forks N`, `maps N in S s` or
`progs N in S s`.  x86-64 only
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
BPF_PROG_LOAD = 5
BPF_PROG_TYPE_SOCKET_FILTER = 1


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


def straight_program(n):
    """r0 = 0; r0 += 1 (n - 2 times); exit: n instructions, no branch."""
    mov_r0_0 = struct.pack("BBhi", 0xB7, 0, 0, 0)  # BPF_ALU64 | BPF_MOV | BPF_K
    add_r0_1 = struct.pack("BBhi", 0x07, 0, 0, 1)  # BPF_ALU64 | BPF_ADD | BPF_K
    exit_ = struct.pack("BBhi", 0x95, 0, 0, 0)     # BPF_JMP | BPF_EXIT
    return mov_r0_0 + add_r0_1 * (n - 2) + exit_


def progs(seconds):
    libc = ctypes.CDLL(None, use_errno=True)
    license_ = ctypes.create_string_buffer(b"GPL")
    images = [ctypes.create_string_buffer(straight_program(n))
              for n in (1 << 10, 16 << 10, 144 << 10, 320 << 10, 576 << 10)]
    held = []
    n = 0
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        image = images[n % len(images)]
        attr = ctypes.create_string_buffer(struct.pack(
            "IIQQ", BPF_PROG_TYPE_SOCKET_FILTER, len(image.raw) // 8,
            ctypes.addressof(image), ctypes.addressof(license_)), 128)
        fd = libc.syscall(SYS_BPF, BPF_PROG_LOAD, attr, 128)
        if fd < 0:
            sys.exit(f"bpf(BPF_PROG_LOAD): {os.strerror(ctypes.get_errno())}")
        held.append(fd)
        if len(held) == 4:
            for fd in held:
                os.close(fd)
            held = []
        n += 1
    for fd in held:
        os.close(fd)
    print(f"progs {n} in {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    modes = {"forks": lambda a: forks(int(a)), "maps": lambda a: maps(float(a)),
             "progs": lambda a: progs(float(a))}
    if len(sys.argv) != 3 or sys.argv[1] not in modes:
        sys.exit(__doc__)
    modes[sys.argv[1]](sys.argv[2])
