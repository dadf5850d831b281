# Gates on every architecture (docs/apply-protocol.md, "Per-patch switch
# without stopping threads (gates)"; docs/pad-layouts.md, "ppc64le gates"
# and "s390x: gates"): a 256-function
# patch (libmany, DEG_DIR/many_p.ulp) applied and reverted in the default
# per-patch mode is committed by the runtime through the gates, with no
# other thread stopped: the degraded target's epoll thread, whose
# epoll_wait the kernel never restarts after a ptrace stop, counts no EINTR
# (one_function_commit_interrupts_no_thread.sh has the measure). The
# switch is one instant: a checker thread sweeping the 256 functions sees
# at most one sweep with some but not all of them patched per operation
# (the one the instant falls into; a commit one function at a time leaves
# many), and after each operation all 256 answer as they should. The
# control: the same target with PULP_GATES=0 in its environment is
# committed by the tool with every thread stopped (EINTR >= 1).
# Needs DEG_DIR with many_p.ulp (tests/system/run.sh); 77 without, and 77
# on a kernel whose membarrier cannot let the runtime commit by itself.
. "$(dirname "$0")/../lib.sh"
[ -n "${DEG_DIR:-}" ] && [ -x "$DEG_DIR/deg_target" ] && [ -f "$DEG_DIR/many_p.ulp" ] || {
	echo "no DEG_DIR with many_p.ulp: skipped"
	exit 77
}
probe=$("${MEMBARRIER_PROBE:-true}") || {
	echo "kernel $(uname -r): $probe; the runtime cannot commit by itself"
	exit 77
}

# start_deg NAME [VAR=VALUE...]: the degraded target (links the runtime)
# with a checker thread; lib.sh's poke and field read NAME.out.
start_deg() {
	name=$1
	shift
	mkfifo "$WORK/$name.in"
	: >"$WORK/$name.out"
	env LD_LIBRARY_PATH="$DEG_DIR:${LD_LIBRARY_PATH:-}" DEG_CHECKER=1 "$@" \
		"$DEG_DIR/deg_target" >"$WORK/$name.out" 2>&1 <"$WORK/$name.in" &
	pid=$!
	APPS="$APPS $pid"
	eval "exec $NEXT_FD>\"$WORK/$name.in\""
	eval "fd_$name=$NEXT_FD ${name}_PID=$pid"
	NEXT_FD=$((NEXT_FD + 1))
	poke "$name" >/dev/null || fail "deg_target did not start: $(cat "$WORK/$name.out")"
}

# check NAME MANY: after one operation, MANY functions answer patched, no
# EINTR, at most one mixed sweep.
check() {
	ans=$(poke "$1")
	echo "  $ans"
	for kv in $ans; do
		case $kv in
		many=*) [ "${kv#many=}" = "$2" ] || fail "many is ${kv#many=}, expected $2: $ans" ;;
		eintr=*) [ "${kv#eintr=}" = 0 ] || fail "a thread was stopped (epoll_wait EINTR): $ans" ;;
		mixed=*) [ "${kv#mixed=}" -le 1 ] || fail "more than one mixed sweep: not one instant: $ans" ;;
		esac
	done
}

start_deg g
sleep 1 # its epoll thread is in epoll_wait
expect_field g eintr 0
expect_field g mixed 0
# Three rounds: from the second on, every pad starts armed on its gate
# (a revert leaves the pre-area pointing at it).
for round in 1 2 3; do
	trigger -p "$g_PID" "$DEG_DIR/many_p.ulp"
	expect_rc 0
	check g 256
	trigger -p "$g_PID" "$DEG_DIR/many_p.rev"
	expect_rc 0
	check g 0
done
expect_field g patches 0
kill -0 "$g_PID" || fail "deg_target died"

# The control: gates off, the tool commits with every thread stopped.
start_deg c PULP_GATES=0
sleep 1
expect_field c eintr 0
trigger -p "$c_PID" "$DEG_DIR/many_p.ulp"
expect_rc 0
expect_field c many 256
e=$(field c eintr)
echo "NOTE epoll thread EINTR: 0 after 6 gated operations, $e after one apply with PULP_GATES=0"
[ "$e" -ge 1 ] || fail "PULP_GATES=0 left the epoll thread's count at $e: the probe is blind"
trigger -p "$c_PID" "$DEG_DIR/many_p.rev"
expect_rc 0
expect_field c many 0
kill -0 "$c_PID" || fail "deg_target died"
pass
