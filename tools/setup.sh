#!/usr/bin/env bash
# Install the Debian packages simgrad needs (only those missing), then configure and build.
# Usage: tools/setup.sh [--with-sanitizers] [BUILD_DIR]   (default: build)
# --with-sanitizers also builds BUILD_DIR-san with clang, ASan, UBSan and the libFuzzer
# harnesses (tests/fuzz), which test_sanitized and test_fuzz run; CI uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizers=false
if [ "${1:-}" = --with-sanitizers ]; then
  sanitizers=true
  shift
fi
build=${1:-build}

# parallel, and Slurm with munge: the sweep tests run an emitted sweep through GNU parallel
# and through a one-node Slurm cluster they start on localhost; test_faults reads JSON with
# python3 and finds a sweep's runs with pgrep.
packages=(build-essential cmake pkg-config git libsimgrid-dev libopenblas-dev liblapacke-dev
          libgsl-dev libjansson-dev libcunit1-dev zlib1g-dev gnuplot-nox dataset-fashion-mnist
          parallel slurmctld slurmd slurm-client munge python3 procps)
# clang and its runtimes (libFuzzer, ASan, UBSan) for the checking build
if $sanitizers; then packages+=(clang libclang-rt-14-dev); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$(nproc)"
if $sanitizers; then
  CC=clang CXX=clang++ cmake -S . -B "$build-san" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSGR_FUZZ=ON >/dev/null
  cmake --build "$build-san" -j "$(nproc)"
fi
