#!/bin/bash
# Compiles every source that does not depend on the native live backend
# for ppc64le and s390x (big-endian) with -Wall -Wextra -Werror: core/,
# the layouts, the runtime's engine and klp/. Prints one PASS/FAIL line per
# architecture and "N passed, N failed". (The live halves of those backends,
# ptrace hijacking and trampolines, are the next step; until then the
# runtime and ulp are not linked for them.)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$top"

sources=(core/*.c arch/layouts.c arch/*/layout.c arch/decode.c arch/*/decode.c
	preload/api.c preload/engine.c preload/images.c preload/local_commit.c
	preload/state.c klp/*.c)
pass=0
fail=0
for arch in ppc64le:powerpc64le-linux-gnu s390x:s390x-linux-gnu; do
	name=${arch%%:*}
	cc=${arch#*:}-gcc
	if ! command -v "$cc" >/dev/null; then
		echo "FAIL $name: $cc is not installed"
		fail=$((fail + 1))
		continue
	fi
	log=$out/$name.log
	ok=1
	for src in "${sources[@]}"; do
		defs=()
		case $src in klp/*) defs=(-D_GNU_SOURCE -DKLP_VERSION='"check"') ;; esac
		"$cc" -std=gnu11 -O2 -fPIC -Wall -Wextra -Werror -I. -Iinclude \
			-DPULP_NATIVE_ARCH_"$name" -DPULP_VERSION='"check"' "${defs[@]}" \
			-c "$src" -o "$out/$(echo "$src" | tr / _).o" >>"$log" 2>&1 || {
			ok=0
			echo "  $src" >>"$log"
		}
	done
	if [ "$ok" = 1 ]; then
		echo "PASS $name: ${#sources[@]} files compile with -Werror"
		pass=$((pass + 1))
	else
		echo "FAIL $name:"
		cat "$log"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
