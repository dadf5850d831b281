#!/bin/bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined)
# into OUT (default: <repo>/build-fuzz). Not part of the main CMake build:
# a machine without clang still builds Pulp. Needs clang and its runtime
# (Debian: clang, libclang-rt-14-dev; scripts/install-deps.sh --tests) and
# libelf-dev. Usage: tests/fuzz/build.sh [OUT]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/build-fuzz}
cc=${FUZZ_CC:-clang}
mkdir -p "$out"
flags=(-g -O1 -std=gnu11 -fno-omit-frame-pointer
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-I"$top" -I"$top/include" -DPULP_NATIVE_ARCH_x86_64)
core=("$top/core/err.c" "$top/core/sha256.c" "$top/core/ulp_format.c"
	"$top/core/libpulp_container.c")
# The runtime's engine with its real neighbours (images, layouts, plan), the
# message ring, state and switches stubbed in the harness.
engine=("$top/preload/engine.c" "$top/preload/images.c" "$top/core/plan.c"
	"$top/core/build_id.c"
	"$top/arch/layouts.c" "$top/arch/x86_64/layout.c"
	"$top/arch/ppc64le/layout.c" "$top/arch/s390x/layout.c"
	"$top/arch/x86_64/call_target.c")
build() { # NAME SOURCES... [-- LIBS...]
	local name=$1
	shift
	echo "fuzz build: $name"
	"$cc" "${flags[@]}" -o "$out/$name" "$@"
}
build fuzz_descriptor "$top/tests/fuzz/fuzz_descriptor.c" \
	"$top/core/descriptor.c" "$top/core/err.c"
build fuzz_ulp "$top/tests/fuzz/fuzz_ulp.c" "${core[@]}"
build fuzz_elf "$top/tests/fuzz/fuzz_elf.c" "$top/core/elf_file.c" \
	"$top/core/sym_match.c" \
	"$top/arch/layouts.c" "$top/arch/x86_64/layout.c" \
	"$top/arch/ppc64le/layout.c" "$top/arch/s390x/layout.c" \
	"$top/core/err.c" -lelf
build fuzz_engine "$top/tests/fuzz/fuzz_engine.c" "${core[@]}" "${engine[@]}" \
	"$top/core/elf_file.c" "$top/core/sym_match.c" -ldl -lpthread -lelf
