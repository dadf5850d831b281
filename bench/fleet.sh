#!/bin/bash
# How long one `ulp trigger` takes over a fleet of idle processes (issue 9
# item 2): starts N processes with the runtime and the patchable library,
# applies a 1-function patch to all of them with one wildcard trigger, then
# reverts it, R times on the same fleet; prints the wall time of each as
# median, min and max, and how many processes were reported (every line the
# tool printed) and reported succeeded. No pass/fail.
# Usage: bench/fleet.sh [BUILD_DIR] [-r R] [N...]   (default R 1, N 10 100 300 1000)
# The processes run under a name of their own (a symlink to spin_target),
# so the wildcard reaches no other benchmark's processes on the machine.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$top/bench/lib.sh"
build=${BUILD_DIR:-$top/build}
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ] && [ -d "$1" ]; then
	build=$1
	shift
fi
build=$(cd "$build" && pwd)
reps=1
counts=()
while [ $# -gt 0 ]; do
	case $1 in
	-r) reps=$2; shift 2 ;;
	*) counts+=("$1"); shift ;;
	esac
done
[ ${#counts[@]} -gt 0 ] || counts=(10 100 300 1000)
rt=$build/preload/libpulp.so
b=$build/bench
ulp=$build/ulp/ulp
tmp=$(mktemp -d)
name=pfleet$$
name=${name:0:15}
ln -s "$b/spin_target" "$tmp/$name"
pids=()
cleanup() {
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
# every I V0 V1 V2 V3...: every second value from index I (0 apply, 1 revert).
every() {
	local i=$1
	shift
	local v=("$@")
	for ((; i < ${#v[@]}; i += 2)); do echo "${v[i]}"; done
}

for n in "${counts[@]}"; do
	pids=()
	for _ in $(seq "$n"); do
		LD_PRELOAD=$rt "$tmp/$name" idle &
		pids+=($!)
	done
	# Ready when each has the runtime mapped.
	for p in "${pids[@]}"; do
		until grep -q libpulp "/proc/$p/maps" 2>/dev/null; do
			kill -0 "$p" 2>/dev/null || { echo "fleet: process $p died" >&2; exit 1; }
			sleep 0.01
		done
	done
	wall=() seen=() ok=() # apply then revert, interleaved
	for _ in $(seq "$reps"); do
		for f in ulp rev; do
			t0=$(now_us)
			out=$("$ulp" trigger -p "$name" "$b/bench_p1.$f" 2>&1 || true)
			t1=$(now_us)
			wall+=($(((t1 - t0) / 1000)))
			seen+=("$(grep -c "(pid " <<<"$out" || true)")
			ok+=("$(grep -c "succeeded" <<<"$out" || true)")
		done
	done
	cmd="bash bench/fleet.sh BUILD -r $reps $n"
	for i in 0 1; do
		what=apply
		[ $i = 0 ] || what=revert
		mapfile -t v < <(every "$i" "${wall[@]}")
		fig "fleet.$n.$what.wall" ms "$cmd" "${v[@]}"
		mapfile -t v < <(every "$i" "${seen[@]}")
		fig "fleet.$n.$what.reported" processes "$cmd" "${v[@]}"
		mapfile -t v < <(every "$i" "${ok[@]}")
		fig "fleet.$n.$what.succeeded" processes "$cmd" "${v[@]}"
	done
	kill "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
	pids=()
done
