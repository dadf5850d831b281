#!/bin/bash
# Prints Pulp's benchmark figures (no pass/fail: shared machines are noisy;
# compare the ratios within one run). Usage: bench/run.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${BUILD_DIR:-$top/build}}
rt=$build/preload/libpulp.so
b=$build/bench

echo "== allocator (runtime loaded vs not)"
"$b/malloc_bench" | sed 's/^/without libpulp: /'
LD_PRELOAD=$rt "$b/malloc_bench" | sed 's/^/with libpulp:    /'

echo "== patched call overhead"
"$b/call_bench" "$b/bench_p1.ulp"

echo "== apply protocol: commit window, target freeze, whole hijack"
"$b/freeze" -n 200 "$rt"
