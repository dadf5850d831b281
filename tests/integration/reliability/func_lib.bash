# Shared by the consistency-mode scenarios (docs/apply-protocol.md,
# "Consistency modes"): func_target with the runtime preloaded, the
# 250-function patch of bench's libbench_many, and the counters that show
# whether a thread was stopped. Env: FUNC_TARGET, PULP_BUILD_DIR.
. "$(dirname "$0")/rel_lib.bash"
: "${FUNC_TARGET:?}" "${PULP_BUILD_DIR:?}"
PATCH=$PULP_BUILD_DIR/bench/bench_many_p250.ulp
REV=$PULP_BUILD_DIR/bench/bench_many_p250.rev
[ -f "$PATCH" ] && [ -f "$REV" ] || fail "missing $PATCH (build bench_many_patches)"

# start_func NAME: func_target with the runtime; sets $NAME_PID.
start_func() {
	local name=$1
	shift
	APP_EXE=$FUNC_TARGET start_app "$name" LD_PRELOAD="$LIBPULP" "$@"
}

# vcsw PID TID: voluntary context switches of a thread. A thread blocked
# in read() or spinning without system calls gains one only when it is
# woken or stopped (a ptrace stop is a voluntary switch).
vcsw() {
	sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$1/task/$2/status"
}

# vcsw_all PID TID...: the switches of each thread, one line.
vcsw_all() {
	local pid=$1 t out=
	shift
	for t in "$@"; do out="$out $t:$(vcsw "$pid" "$t")"; done
	echo "$out"
}

# in ANSWER KEY: the value of KEY=... in an answer line.
in_answer() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
