#!/bin/bash
# The patched-call overhead on each cross-built architecture, run under
# qemu-user (bench/call_bench of build-<arch>, see scripts/test.sh). TCG
# translates both the pad and the redirect, so the figures say how the two
# compare inside one emulator, nothing about real POWER or Z hardware; every
# line says so. Usage: bench/run-emulated.sh [BUILD_DIR_PARENT] [CALLS]
#   (default: the directory holding ${BUILD_DIR:-build}; 20000000 calls)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
parent=${1:-$(dirname "${BUILD_DIR:-$top/build}")}
calls=${2:-20000000}
label="(emulated, qemu-user: says nothing about real hardware)"

echo "== patched call overhead under qemu-user ($calls calls each)"
for arch in ppc64le s390x; do
	b=$parent/build-$arch/bench
	if [ ! -x "$b/call_bench" ]; then
		echo "$arch: not built (scripts/cross-compile-check.sh $arch)"
		continue
	fi
	"qemu-$arch" "$b/call_bench" "$b/bench_p1.ulp" "$calls" |
		sed "s/^/$arch: /; s/\$/ $label/"
done
