#!/usr/bin/env python3
"""Independent checks of `vmtrace anonymize` on text traces (tests/e2e_anonymize.sh).

anon_check.py shift ORIG OUT D LO HI [kept]
    OUT is ORIG with every address token in [LO, HI] moved by D (mod 2^64)
    and every other token equal: line for line, field for field, once the
    fields anonymize drops (pid=, comm=, 0x-valued attributes, caller
    offsets) are set aside on ORIG's side (all kept with `kept`).
anon_check.py gone SECRET OUT LO HI
    no address of SECRET in [LO, HI] appears in OUT, nor pid=, comm=,
    a caller offset or a 0x-valued attribute or meta line.
anon_check.py exact METRICS_H A.json B.json
    every EXACT metric (replay/metrics.h) of A's summary equals B's.
"""
import json, re, sys

M64 = (1 << 64) - 1
HEX = re.compile(r'0x[0-9a-fA-F]+')


def dropped(tok):
    k, _, v = tok.partition('=')
    return k in ('pid', 'comm') or (HEX.fullmatch(v) is not None and k not in
                                    ('va', 'vstart', 'vend'))


def normal(tok):
    if tok.startswith('caller='):
        return tok.split('+', 1)[0]
    return tok


def body(path):
    return [l.split() for l in open(path) if l.strip() and not l.startswith('#')]


def shift(orig, out, d, lo, hi, kept):
    a, b = body(orig), body(out)
    a = [l for l in a if kept or not (l[0] == 'meta' and len(l) == 3 and HEX.fullmatch(l[2])
                              or l[0] == 'meta' and l[1] in ('hostname', 'host'))]
    if len(a) != len(b):
        sys.exit(f'FAIL: {len(a)} lines in {orig}, {len(b)} in {out}')
    moved = 0
    for n, (x, y) in enumerate(zip(a, b), 1):
        x = x if kept else [normal(t) for t in x if not dropped(t)]
        if len(x) != len(y):
            sys.exit(f'FAIL: line {n}: {x} vs {y}')
        for s, t in zip(x, y):
            k, eq, v = s.rpartition('=') if '=' in s else ('', '', s)
            if HEX.fullmatch(v) and x[0] != 'meta':
                a_ = int(v, 16)
                want = (a_ + d) & M64 if lo <= a_ <= hi else a_
                moved += lo <= a_ <= hi
                if t != f'{k}{eq}{want:#x}':
                    sys.exit(f'FAIL: line {n}: {s} became {t}, expected {want:#x}')
            elif s != t:
                sys.exit(f'FAIL: line {n}: {s} became {t}')
    print(f'ok: {out}: {moved} addresses moved by {d:+#x}, the rest unchanged')


def gone(secret, out, lo, hi):
    secrets = {int(m, 16) for l in open(secret) for m in HEX.findall(l)
               if lo <= int(m, 16) <= hi}
    text = open(out).read()
    found = {int(m, 16) for m in HEX.findall(text)} & secrets
    if found:
        sys.exit(f'FAIL: {out} keeps {len(found)} original addresses, e.g. {min(found):#x}')
    for l in text.splitlines():
        f = l.split()
        if not f:
            continue
        if f[0] == 'meta' and len(f) > 2 and (HEX.fullmatch(f[-1]) or f[1] in
                                              ('hostname', 'host', 'machine_id', 'boot_id', 'user')):
            sys.exit(f'FAIL: {out} keeps {l}')
        for t in f[1:]:
            if f[0] != 'meta' and (dropped(t) or normal(t) != t):
                sys.exit(f'FAIL: {out} keeps {t}: {l}')
    print(f'ok: {out}: none of {len(secrets)} original addresses, no pid, comm, '
          'offset, hex meta or host meta')


def exact(metrics_h, a, b):
    keys = re.findall(r'X\(\w+,\s*(\w+),\s*EXACT,', open(metrics_h).read())
    sa, sb = json.load(open(a))['summary'], json.load(open(b))['summary']
    diff = [k for k in keys if sa.get(k) != sb.get(k)]
    if diff or not keys or keys[0] not in sa:
        sys.exit(f'FAIL: {a} vs {b}: exact figures differ: ' +
                 ', '.join(f'{k} {sa.get(k)} != {sb.get(k)}' for k in diff))


if __name__ == '__main__':
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'shift':
        shift(args[0], args[1], int(args[2], 0), int(args[3], 0), int(args[4], 0),
              args[5:] == ['kept'])
    elif cmd == 'gone':
        gone(args[0], args[1], int(args[2], 0), int(args[3], 0))
    else:
        exact(*args)
