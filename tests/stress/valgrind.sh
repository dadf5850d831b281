#!/bin/bash
# `ulp` under valgrind (memcheck) in the paths a long-running fleet agent
# calls (issue 7, item 16): patches --json, check, trigger -p (apply,
# revert, --revert-all, refusals) on a live test process, messages,
# processes, dump, livepatchable, packer. A command fails the test on any
# memcheck error or definitely lost block (--errors-for-leak-kinds=definite),
# or when its exit status is not the expected one. Ends with "N passed, N failed".
# Usage: tests/stress/valgrind.sh [BUILD] (a native build with its tests,
# default <repo>/build). Needs valgrind and ptrace (root).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 2
ULP=$build/ulp/ulp
FX=$build/tests/integration
work=$(mktemp -d)
pid=
trap 'exec 7>&- 2>/dev/null; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
pass=0
fail=0
VERR=99 # valgrind's exit status when it found an error

if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed (scripts/install-deps.sh --tests)"
	echo "0 passed, 1 failed"
	exit 1
fi
cc -O2 -pthread -I"$top/include" -I"$top/tests/integration/fixtures" \
	"$top/tests/stress/stress_target.c" "$FX/libfoo.so.1" \
	"$build/preload/libpulp.so" -Wl,-rpath,"$FX:$build/preload" \
	-o "$work/stress_target" || { echo "0 passed, 1 failed"; exit 1; }
mkfifo "$work/in"
"$work/stress_target" wait <"$work/in" >"$work/out" 2>&1 &
pid=$!
exec 7>"$work/in"
for _ in $(seq 200); do grep -q '^ready' "$work/out" && break; sleep 0.02; done

# vg EXPECTED-STATUS ARGS...: ulp ARGS under memcheck.
vg() {
	local want=$1 rc name
	shift
	name="ulp $*"
	valgrind -q --leak-check=full --show-leak-kinds=definite \
		--errors-for-leak-kinds=definite --error-exitcode=$VERR \
		--suppressions="$top/tests/stress/valgrind.supp" \
		--log-file="$work/vg.log" "$ULP" "$@" >"$work/cmd.out" 2>&1
	rc=$?
	if [ $rc = $VERR ] || [ -s "$work/vg.log" ]; then
		echo "FAIL: $name: memcheck:"
		head -40 "$work/vg.log"
		fail=$((fail + 1))
	elif [ "$rc" != "$want" ]; then
		echo "FAIL: $name: exit status $rc, expected $want"
		head -5 "$work/cmd.out"
		fail=$((fail + 1))
	else
		echo "PASS: $name (exit $rc)"
		pass=$((pass + 1))
	fi
}

sed "s|^libfoo_p1.so|$FX/libfoo_p1.so|; s|^@libfoo.so.1|@$FX/libfoo.so.1|" \
	"$FX/foo_p1.dsc" >"$work/foo_p1.dsc"
vg 0 patches --json
vg 0 patches -p "$pid" --json
vg 1 check -p "$pid" "$FX/foo_p1.ulp"
vg 0 trigger -p "$pid" "$FX/foo_p1.ulp"
vg 0 check -p "$pid" "$FX/foo_p1.ulp"
vg 0 patches -p "$pid"
vg 0 trigger -p "$pid" --json "$FX/foo_p1.rev"
vg 0 trigger -p "$pid" "$FX/foo_p1.ulp"
vg 0 trigger -p "$pid" --revert-all=libfoo.so.1
vg 2 trigger -p "$pid" "$FX/corrupt.ulp"
vg 3 trigger -p "$pid" "$FX/bar_p1.ulp" # libbar is not loaded there
# Refused by the runtime (an offset outside the target's code).
"$FX/reliability/ulp_mutate" "$FX/foo_p1.ulp" "$work/bad_off.ulp" old_off 0 0 &&
	vg 1 trigger -p "$pid" "$work/bad_off.ulp"
vg 0 messages -p "$pid"
vg 0 processes
vg 0 dump "$FX/foo_p1.ulp"
vg 0 dump --json "$FX/foo_p1.rev"
vg 0 livepatchable "$FX/libfoo.so.1"
vg 0 livepatchable -v --json "$FX/libfoo.so.1"
vg 0 packer -o "$work/foo_p1.ulp" "$work/foo_p1.dsc"
vg 2 packer -o "$work/bad.ulp" "$FX/foo_missing.dsc"
echo q >&7
exec 7>&-
wait "$pid" || { echo "FAIL: the test process saw a wrong result: $(tail -1 "$work/out")"; fail=$((fail + 1)); }
pid=
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
