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

echo "== dlopen (runtime's dlopen and patch store look, docs/patch-store.md)"
lb=$b/libbench.so.1
"$b/dlopen_bench" "$lb" libbench.so.1 | sed 's/^/without libpulp:   /'
PULP_STORE_DIR=/nonexistent LD_PRELOAD=$rt "$b/dlopen_bench" "$lb" libbench.so.1 |
	sed 's/^/libpulp, no store: /'

echo "== patched call overhead"
"$b/call_bench" "$b/bench_p1.ulp"

echo "== apply protocol: commit window, target freeze, whole hijack"
"$b/freeze" -n 200 "$rt"

echo "== ulp trigger wall time (apply + revert of a 1-function patch, 20 each)"
LD_PRELOAD=$rt "$b/spin_target" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
sleep 0.3
times=()
for i in $(seq 20); do
	for f in bench_p1.ulp bench_p1.rev; do
		t0=$(date +%s%N)
		"$build/ulp/ulp" trigger -p "$pid" "$b/$f" >/dev/null
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
done
median() {
	printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "median %.2f ms, p90 %.2f ms over %d runs", v[int((NR+1)/2)]/1000, v[int(NR*0.9)]/1000, NR}'
}
base=()
for i in $(seq 40); do
	t0=$(date +%s%N)
	/bin/true
	t1=$(date +%s%N)
	base+=($(((t1 - t0) / 1000)))
done
echo "  ulp trigger:            $(median "${times[@]}")"
echo "  /bin/true (exec floor): $(median "${base[@]}")"

# The same call overhead on the cross-built architectures, under qemu-user
# (only where scripts/test.sh or cross-compile-check.sh built them).
bash "$top/bench/run-emulated.sh" "$(dirname "$build")"
