#!/bin/bash
# How long one `ulp trigger` takes over a fleet of idle processes (issue 9
# item 2): starts N processes with the runtime and the patchable library,
# applies a 1-function patch to all of them with one wildcard trigger, then
# reverts it; prints the wall time of each and checks every process was
# reported. No pass/fail. Usage: bench/fleet.sh [BUILD_DIR] [N...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${BUILD_DIR:-$top/build}}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10 100 300 1000)
rt=$build/preload/libpulp.so
b=$build/bench
ulp=$build/ulp/ulp
pids=()
cleanup() { [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT

ms() { echo $((($2 - $1) / 1000000)); }
for n in "${counts[@]}"; do
	pids=()
	for i in $(seq "$n"); do
		LD_PRELOAD=$rt "$b/spin_target" idle &
		pids+=($!)
	done
	# Ready when each has the runtime mapped.
	for p in "${pids[@]}"; do
		until grep -q libpulp "/proc/$p/maps" 2>/dev/null; do sleep 0.01; done
	done
	for f in bench_p1.ulp bench_p1.rev; do
		t0=$(date +%s%N)
		out=$("$ulp" trigger -p spin_target "$b/$f" || true)
		t1=$(date +%s%N)
		ok=$(grep -c "succeeded" <<<"$out" || true)
		printf 'fleet: %5d processes, %s: %6d ms wall, %d reported succeeded\n' \
			"$n" "${f#bench_p1.}" "$(ms "$t0" "$t1")" "$ok"
	done
	kill "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
	pids=()
done
