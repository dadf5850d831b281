#!/bin/bash
# Cross-builds the whole project (runtime, ulp, klp, tests, benchmarks) for
# ARCH (ppc64le or s390x) with Debian's cross GCC and -Werror
# (toolchains/ARCH.cmake), then runs its ctest under qemu-user: unit tests,
# in-process patching, ABI tests, ulp livepatchable/post/packer. The tests
# labelled "ptrace" or "native" are built but listed as disabled: qemu-user
# has no ptrace; the qemu-system guests (tests/system/run.sh ARCH) run them.
# Usage: scripts/cross-compile-check.sh ARCH [BUILD_DIR]
#   (default BUILD_DIR: build-ARCH next to ${BUILD_DIR:-build})
# Ends with ctest's "N% tests passed, N tests failed out of N".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:?usage: cross-compile-check.sh ppc64le|s390x [BUILD_DIR]}
[ -f "$top/toolchains/$arch.cmake" ] || {
	echo "cross-compile-check.sh: no toolchains/$arch.cmake" >&2
	exit 2
}
native=${BUILD_DIR:-$top/build}
out=${2:-$(dirname "$native")/build-$arch}

cmake -S "$top" -B "$out" -DCMAKE_TOOLCHAIN_FILE="$top/toolchains/$arch.cmake" \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$out.configure.log" 2>&1 || {
	cat "$out.configure.log"
	echo "FAIL $arch: configure"
	exit 1
}
rm -f "$out.configure.log"
# Only the errors: a full cross build log drowns the suite's report.
cmake --build "$out" -j "$(nproc)" >"$out/build.log" 2>&1 || {
	grep -E -B2 -A6 'error|Error [0-9]' "$out/build.log" | head -80
	echo "FAIL $arch: build (log: $out/build.log)"
	exit 1
}
echo "$arch: built with -Werror; ctest under qemu-$arch (ptrace tests disabled)"
ctest --test-dir "$out" --output-on-failure -j "$(nproc)"
