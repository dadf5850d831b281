#!/bin/bash
# The whole test suite: installs dependencies, builds, runs every landed
# architecture's tests (x86_64 natively, ppc64le and s390x cross-built and
# run under qemu-user) and the klp real-kernel tests, reports each suite on
# its own line, and ends with one "N passed, N failed" line. Exit status 0
# only if all passed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
export BUILD_DIR=$build

bash "$top/scripts/install-deps.sh" --tests || exit 1
bash "$top/tests/klp/setup.sh" || exit 1
bash "$top/scripts/build.sh" || exit 1

total_pass=0
total_fail=0
summary=()

# One suite: name, then the command; its "N passed, N failed" line counts.
run_suite() {
	local name=$1 log rc pass fail start=$SECONDS
	shift
	log=$(mktemp)
	echo "=== $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	pass=$(grep -Eo '^[A-Za-z_:]* ?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 |
		grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+')
	fail=$(grep -Eo '^[A-Za-z_:]* ?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 |
		grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')
	if [ -z "$pass" ]; then
		# ctest: "100% tests passed, 0 tests failed out of 42"
		local out_of
		out_of=$(grep -Eo 'tests failed out of [0-9]+' "$log" | grep -Eo '[0-9]+$')
		fail=$(grep -Eo '[0-9]+ tests failed' "$log" | grep -Eo '^[0-9]+')
		pass=$(( ${out_of:-0} - ${fail:-0} ))
	fi
	pass=${pass:-0}
	fail=${fail:-0}
	[ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	# ctest's disabled tests (ptrace under qemu-user) are said, not hidden.
	local off
	off=$(grep -c 'Not Run (Disabled)' "$log")
	off=${off:-0}
	[ "$off" -gt 0 ] && off=", $off disabled" || off=""
	summary+=("$name: $pass passed, $fail failed$off ($((SECONDS - start)) s)")
	rm -f "$log"
}

run_suite "x86_64 (native: unit, integration, klp unit)" \
	ctest --test-dir "$build" --output-on-failure -j 2
# The same code under AddressSanitizer and UBSan: every test that does not
# preload the runtime into another program (ASan must come first there).
asan=${build}-asan
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
if cmake -S "$top" -B "$asan" -DCMAKE_BUILD_TYPE=Debug \
	-DCMAKE_C_FLAGS="$san" -DCMAKE_CXX_FLAGS="$san" \
	-DCMAKE_EXE_LINKER_FLAGS="$san" -DCMAKE_SHARED_LINKER_FLAGS="$san" \
	>/dev/null && cmake --build "$asan" -j "$(nproc)" >/dev/null; then
	run_suite "x86_64 under ASan+UBSan (unit, in-process, packer, klp)" \
		ctest --test-dir "$asan" --output-on-failure -j 2 \
		-R '^(unit_|layout_|klp_|inproc_|ulp_packer_edge|livepatchable)'
else
	summary+=("ASan+UBSan build: failed")
	total_fail=$((total_fail + 1))
fi
# Bad input and endurance (docs/bad-input.md, tests/stress/README.md):
# libFuzzer targets for a short run each, every bad input's exact message,
# ulp under valgrind, 8 threads calling patched functions through apply and
# revert cycles and through the tool SIGKILLed at every step.
run_suite "fuzzing (libFuzzer + ASan/UBSan: descriptor, .ulp, ELF, engine)" \
	bash "$top/tests/fuzz/run.sh" "$build" "$(dirname "$build")/build-fuzz"
run_suite "bad input: every refusal's exact message" \
	bash "$top/tests/fuzz/bad_inputs.sh" "$build"
run_suite "ulp under valgrind (no errors, no definite leaks)" \
	bash "$top/tests/stress/valgrind.sh" "$build"
run_suite "stress: apply/revert cycles under load, tool killed at every step" \
	bash "$top/tests/stress/run.sh" "$build"
# ppc64le and s390x under qemu-user: the whole project cross-built with
# -Werror into build-<arch> next to $build, its ctest run under qemu-user
# (tests that need ptrace are built but disabled: see the guest suites).
for arch in ppc64le s390x; do
	run_suite "$arch (qemu-user): unit, in-process, abi" \
		bash "$top/scripts/cross-compile-check.sh" "$arch" \
		"$(dirname "$build")/build-$arch"
	# Patches packed by this host's ulp, applied by that runtime.
	ARCH_UC=$(echo "$arch" | tr a-z A-Z)
	run_suite "$arch: patch packed on x86_64, applied under qemu-user" \
		env "PULP_CROSS_BUILD_$ARCH_UC=$(dirname "$build")/build-$arch" \
		ctest --test-dir "$build" --output-on-failure \
		-R "^cross_packaging_apply_$arch\$"
done
# ppc64le and s390x in qemu-system guests: the real ulp trigger over ptrace
# on Debian's kernel for the architecture (tests/system/run.sh reuses the
# cross build above and packs the patches with this host's ulp).
for arch in ppc64le s390x; do
	run_suite "$arch (qemu-system guest): ulp trigger over ptrace" \
		bash "$top/tests/system/run.sh" "$arch" \
		"$(dirname "$build")/build-$arch"
done
run_suite "klp on a real kernel (qemu-system-x86_64 guest)" \
	bash "$top/tests/klp/run-guest-tests.sh" "$build"
# What operators install and automate with: Debian packages (amd64, and
# cross-built ppc64el and s390x), RPMs, the live demo in a fresh Debian 12
# root from the packages only; the Ansible collection over two hosts.
run_suite "packages (deb for three architectures, rpm, fresh-root install)" \
	bash "$top/tests/packaging/run.sh"
run_suite "Ansible roll-out (localhost and a namespace host)" \
	bash "$top/tests/ansible/run.sh" "$build"

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "total wall time: $SECONDS s"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
