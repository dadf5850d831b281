#!/bin/bash
# Runs every Pulp benchmark and prints each figure as median, min, max and
# count; writes a JSON summary, one object per figure: name, unit, median,
# min, max, n, command (docs/performance.md; bench/report.sh turns it into
# the table there). No pass/fail: shared machines are noisy; compare the
# figures of one run.
#
# Usage: bash bench/run.sh [BUILD_DIR] [--quick] [--json FILE] [--only SECTION,...]
#   BUILD_DIR  default ${BUILD_DIR:-build}
#   --quick    fewer repetitions, fleets up to 300 processes (CI smoke run)
#   --json     default BUILD_DIR/bench/results.json
#   --only     sections: alloc dlopen call ping threads functions trigger
#              fleet memory emulated (default: all)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$top/bench/lib.sh"
build=${BUILD_DIR:-$top/build}
quick=0
json=
only=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--json) json=$2; shift ;;
	--only) only=,$2, ; shift ;;
	-*) echo "usage: bench/run.sh [BUILD_DIR] [--quick] [--json FILE] [--only S,...]" >&2; exit 2 ;;
	*) build=$1 ;;
	esac
	shift
done
build=$(cd "$build" && pwd)
json=${json:-$build/bench/results.json}
rt=$build/preload/libpulp.so
b=$build/bench
ulp=$build/ulp/ulp
# Repetitions: R for whole programs, N for hijacks inside freeze.
if [ $quick = 1 ]; then
	R=3 N=10 NT=20 FLEET=(10 100 300) FR=2 MEM=2
else
	R=5 N=30 NT=40 FLEET=(10 100 1000) FR=5 MEM=5
fi
BENCH_TSV=$(mktemp)
export BENCH_TSV
pids=()
cleanup() {
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -f "$BENCH_TSV"
}
trap cleanup EXIT
want() { [ -z "$only" ] || [[ $only == *",$1,"* ]]; }
# start PROGRAM ARGS...: a background process with the runtime, ready once
# its libraries are mapped (sets $pid).
start() {
	LD_PRELOAD=$rt "$@" &
	pid=$!
	pids+=("$pid")
	until grep -q libbench "/proc/$pid/maps" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || { echo "bench: $1 died" >&2; exit 1; }
		sleep 0.01
	done
}
stop() {
	kill "$@" 2>/dev/null || true
	wait "$@" 2>/dev/null || true
	pids=()
}
# col N PROGRAM ARGS... : runs PROGRAM R times, prints field N of its output
# (whitespace separated, ':' and ',' glued to numbers stripped) once per run.
col() {
	local n=$1
	shift
	for _ in $(seq "$R"); do
		"$@" | tr '\n' ' ' | awk -v n="$n" '{gsub(/[:,(+)]/, " "); split($0, f, " "); print f[n]}'
	done
}
# figcol NAME UNIT COMMAND N PROGRAM ARGS...: a figure from field N of R runs.
figcol() {
	local name=$1 unit=$2 cmd=$3 n=$4 v
	shift 4
	mapfile -t v < <(col "$n" "$@")
	fig "$name" "$unit" "$cmd" "${v[@]}"
}
pre=(env "LD_PRELOAD=$rt")

if want alloc; then
	echo "== allocator: a malloc/free pair (runtime loaded vs not)"
	c="bench/malloc_bench"
	figcol alloc.1thread.without ns "$c" 5 "$b/malloc_bench"
	figcol alloc.1thread.with ns "LD_PRELOAD=libpulp.so $c" 5 "${pre[@]}" "$b/malloc_bench"
	figcol alloc.2threads.without ns "$c" 11 "$b/malloc_bench"
	figcol alloc.2threads.with ns "LD_PRELOAD=libpulp.so $c" 11 "${pre[@]}" "$b/malloc_bench"
fi

if want dlopen; then
	echo "== dlopen (runtime's dlopen and patch store look, docs/patch-store.md)"
	lb=$b/libbench.so.1
	c="bench/dlopen_bench libbench.so.1 libbench.so.1"
	cw="PULP_STORE_DIR=/nonexistent LD_PRELOAD=libpulp.so $c"
	for k in 3:new_image 7:loaded_path 11:loaded_name; do
		figcol "dlopen.${k#*:}.without" ns "$c" "${k%%:*}" \
			"$b/dlopen_bench" "$lb" libbench.so.1
		figcol "dlopen.${k#*:}.with" ns "$cw" "${k%%:*}" \
			"${pre[@]}" PULP_STORE_DIR=/nonexistent "$b/dlopen_bench" "$lb" libbench.so.1
	done
fi

if want call; then
	echo "== a call of a patched function vs unpatched (bench_p1 applied in-process)"
	c="bench/call_bench bench_p1.ulp"
	figcol call.unpatched ns "$c" 3 "$b/call_bench" "$b/bench_p1.ulp"
	figcol call.patched ns "$c" 7 "$b/call_bench" "$b/bench_p1.ulp"
	figcol call.overhead ns "$c" 9 "$b/call_bench" "$b/bench_p1.ulp"
fi

# freeze_fig KEY ARGS...: bench/freeze with figures under KEY.
freeze_fig() {
	local key=$1 args
	shift
	args="$*"
	# freeze prints each figure twice (for people, and as FIG): keep one.
	"$b/freeze" -k "$key" "$@" "$rt" | grep -v '^  ' |
		fig_filter "bench/freeze -k $key ${args//$b\//} libpulp.so"
}
# Does this build's freeze know per-function consistency (hijack_opts)?
perfn=1
"$b/freeze" -f -n 0 x 2>&1 | grep -q "invalid option" && perfn=0

if want ping; then
	echo "== apply protocol with an empty plan (PING): 2 threads"
	freeze_fig protocol -n $((N * 4)) -t 2
fi

if want threads; then
	echo "== threads: 1 spinner, the rest blocked in read (-t 1: the spinner is borrowed)"
	for t in 1 10 100 500; do
		freeze_fig "threads.$t.p1" -n "$N" -t "$t" -P "$b/bench_p1.ulp"
		freeze_fig "threads.$t.p100" -n "$N" -t "$t" -P "$b/bench_many_p100.ulp"
		[ $perfn = 0 ] ||
			freeze_fig "threads.$t.p100fn" -n "$N" -t "$t" -f -P "$b/bench_many_p100.ulp"
	done
	echo "== per extra thread: slope of the medians from 10 to 500 threads"
	for p in p1 p100 p100fn; do
		for m in frozen_by_commit commit_window hijack; do
			fig_slope "threads.per_thread.$p.apply.$m" us \
				"threads.10.$p.apply.$m" "threads.500.$p.apply.$m" 490
		done
	done
fi

if want functions; then
	echo "== functions per patch (libbench_many, 2 threads)"
	sizes=(1 100 1000)
	[ $quick = 1 ] || sizes=(1 100 250 1000)
	for f in "${sizes[@]}"; do
		freeze_fig "functions.$f" -n "$N" -P "$b/bench_many_p$f.ulp"
		[ $perfn = 0 ] || [ "$f" = 1 ] ||
			freeze_fig "functions.$f.fn" -n "$N" -f -P "$b/bench_many_p$f.ulp"
	done
	echo "== per additional function: slope of the medians from 100 to 1000"
	for p in "" .fn; do
		for m in frozen_by_commit commit_window switch_window hijack; do
			fig_slope "functions.per_function$p.apply.$m" us \
				"functions.100$p.apply.$m" "functions.1000$p.apply.$m" 900
		done
	done
	echo "== ulp trigger wall, one process (many_target: libbench_many loaded)"
	start "$b/many_target"
	for f in "${sizes[@]}"; do
		a=() r=()
		for _ in $(seq "$R"); do
			a+=("$(wall_ms "$ulp" trigger -p "$pid" "$b/bench_many_p$f.ulp")")
			r+=("$(wall_ms "$ulp" trigger -p "$pid" "$b/bench_many_p$f.rev")")
		done
		c="ulp trigger -p PID bench_many_p$f.ulp (then .rev)"
		fig "trigger.functions.$f.apply.wall" ms "$c" "${a[@]}"
		fig "trigger.functions.$f.revert.wall" ms "$c" "${r[@]}"
	done
	stop "$pid"
fi

if want trigger; then
	echo "== ulp trigger wall, 1-function patch, one process; the exec floor"
	start "$b/spin_target"
	a=() r=() h=() t=()
	for _ in $(seq "$NT"); do
		a+=("$(wall_ms "$ulp" trigger -p "$pid" "$b/bench_p1.ulp")")
		r+=("$(wall_ms "$ulp" trigger -p "$pid" "$b/bench_p1.rev")")
		h+=("$(wall_ms "$ulp" --help)")
		t+=("$(wall_ms /bin/true)")
	done
	stop "$pid"
	fig trigger.p1.apply.wall ms "ulp trigger -p PID bench_p1.ulp" "${a[@]}"
	fig trigger.p1.revert.wall ms "ulp trigger -p PID bench_p1.rev" "${r[@]}"
	fig ulp_help.wall ms "ulp --help" "${h[@]}"
	fig exec_floor.wall ms "/bin/true" "${t[@]}"
fi

if want fleet; then
	echo "== one wildcard trigger over N idle processes"
	bash "$top/bench/fleet.sh" "$build" -r "$FR" "${FLEET[@]}"
fi

if want memory; then
	echo "== resident memory (kB, /proc/PID/smaps_rollup) of an idle many_target"
	# mem PID -> "Rss Pss Private" in kB.
	mem() {
		awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2} /^Private_(Clean|Dirty):/ {v += $2}
			END {print r, p, v}' "/proc/$1/smaps_rollup"
	}
	declare -A m
	for i in $(seq "$MEM"); do
		"$b/many_target" idle &
		bare=$!
		pids+=("$bare")
		start "$b/many_target" idle
		until grep -q libbench "/proc/$bare/maps" 2>/dev/null; do sleep 0.01; done
		sleep 0.1
		read -r m["$i.0.rss"] m["$i.0.pss"] m["$i.0.priv"] < <(mem "$bare")
		read -r m["$i.1.rss"] m["$i.1.pss"] m["$i.1.priv"] < <(mem "$pid")
		"$ulp" trigger -p "$pid" "$b/bench_p1.ulp" >/dev/null
		read -r m["$i.2.rss"] m["$i.2.pss"] m["$i.2.priv"] < <(mem "$pid")
		"$ulp" trigger -p "$pid" "$b/bench_many_p1000.ulp" >/dev/null
		read -r m["$i.3.rss"] m["$i.3.pss"] m["$i.3.priv"] < <(mem "$pid")
		stop "$bare" "$pid"
	done
	c="smaps_rollup of many_target idle: without, with LD_PRELOAD=libpulp.so, after ulp trigger bench_p1.ulp, then bench_many_p1000.ulp"
	for k in rss pss priv; do
		v0=() d1=() d2=() d3=()
		for i in $(seq "$MEM"); do
			v0+=("${m[$i.0.$k]}")
			d1+=($((m[$i.1.$k] - m[$i.0.$k])))
			d2+=($((m[$i.2.$k] - m[$i.1.$k])))
			d3+=($((m[$i.3.$k] - m[$i.2.$k])))
		done
		fig "memory.$k.without_runtime" kB "$c" "${v0[@]}"
		fig "memory.$k.runtime_adds" kB "$c" "${d1[@]}"
		fig "memory.$k.patch_p1_adds" kB "$c" "${d2[@]}"
		fig "memory.$k.patch_p1000_adds" kB "$c" "${d3[@]}"
	done
fi

if want emulated; then
	# The same call overhead on the cross-built architectures, under
	# qemu-user (only where scripts/test.sh or cross-compile-check.sh
	# built them); printed, not in the JSON (says nothing about hardware).
	calls=20000000
	[ $quick = 0 ] || calls=2000000
	bash "$top/bench/run-emulated.sh" "$(dirname "$build")" "$calls"
fi

json_write "$BENCH_TSV" "$json"
echo "== $(grep -c '"name"' "$json") figures written to $json (bench/report.sh $json)"
