#!/bin/sh
# Writes $1, the header naming the commit vmtrace is built from (`vmtrace
# --version`), from `git describe --always --dirty`, or "unknown" outside
# a git checkout.  Ninja runs this on every build; the file is rewritten
# only when the commit changed, so (with restat) nothing rebuilds otherwise.
commit=$(git describe --always --dirty 2>/dev/null) || commit=unknown
line="#define VMTRACE_COMMIT \"$commit\""
[ -f "$1" ] && [ "$(cat "$1")" = "$line" ] && exit 0
mkdir -p "$(dirname "$1")"
printf '%s\n' "$line" > "$1.tmp" && mv "$1.tmp" "$1"
