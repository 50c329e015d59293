#!/bin/sh
# Install every system dependency of vmtrace (Debian 12), non-interactively
# and idempotently.  Run as root (or through sudo).
set -eu

# gnuplot-nox draws the figures headless, with the cairo terminals (pngcairo,
# pdfcairo) and svg; pdfinfo (poppler-utils) and xmllint (libxml2-utils)
# check the vector figures in tests/e2e_plot.sh; time (/usr/bin/time) measures
# peak memory in tests/e2e_stream.sh and e2e_read_cost.sh.
PACKAGES="
  build-essential ninja-build pkg-config
  libcmocka-dev libjansson-dev libzstd-dev zstd uthash-dev libxxhash-dev
  gnuplot-nox fonts-dejavu-core poppler-utils libxml2-utils
  clang llvm libclang-rt-14-dev libbpf-dev bpftool libelf-dev zlib1g-dev
  libtracecmd-dev libtracefs-dev libtraceevent-dev trace-cmd linux-perf
  libjemalloc-dev libck-dev
  python3 jq time
  slurm-wlm munge
"

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
echo "setup.sh: dependencies installed"
