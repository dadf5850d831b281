# A multi-function patch in the default per-patch mode on ppc64le goes
# through the gates (arch/ppc64le/gate.S; docs/apply-protocol.md, "Per-patch
# switch without stopping threads (gates)") and stops no thread the tool
# did not borrow. The degraded target's epoll thread counts the EINTR its
# epoll_wait returns (every ptrace stop of it shows); its checker thread
# sweeps libmany's 256 functions without pause, counting the sweeps that
# saw some but not all of them patched. The 256-function patch (many_p)
# applied, reverted, applied and reverted again (the second time the pads
# start armed on their gates): every time all 256 answer as they should,
# the EINTR count stays 0 and at most one sweep per operation straddles
# the instant (a per-function commit would show many, for a long time).
# Control: the same target with PULP_GATES=0 in its environment gets the
# same patch committed with every thread stopped: EINTR >= 1.
# ppc64le only (gated_patch_s390x*.sh is s390x's); needs DEG_DIR with
# many_p.ulp (tests/system/run.sh); 77 otherwise. A kernel without a
# serialising membarrier (MEMBARRIER_PROBE) makes the runtime leave every
# commit to the tool: the patch must still apply and revert, then 77.
. "$(dirname "$0")/../lib.sh"
[ "$(uname -m)" = ppc64le ] || {
	echo "not ppc64le: skipped"
	exit 77
}
[ -n "${DEG_DIR:-}" ] && [ -x "$DEG_DIR/deg_target" ] && [ -f "$DEG_DIR/many_p.ulp" ] || {
	echo "no DEG_DIR with many_p.ulp: skipped"
	exit 77
}

# start_deg NAME [VAR=VALUE...]: the degraded target with its checker
# thread; lib.sh's poke and field read NAME.out and write to fd_NAME.
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

# after_op NAME MANY: one answer of NAME checked: all MANY, no EINTR, at
# most one mixed sweep and none lasting (mixed_us 0).
after_op() {
	ans=$(poke "$1")
	echo "  $ans"
	for kv in "many=$2" "eintr=0" "mixed_us=0"; do
		echo " $ans " | grep -q " $kv " || fail "$1: expected $kv: $ans"
	done
	m=$(echo "$ans" | tr ' ' '\n' | sed -n 's/^mixed=//p')
	[ "$m" -le 1 ] || fail "$1: $m sweeps saw a mix of old and new: $ans"
}

start_deg g
sleep 1 # its epoll thread is in epoll_wait
expect_field g eintr 0
expect_field g many 0
probe=$("${MEMBARRIER_PROBE:-true}") || {
	trigger -p "$g_PID" "$DEG_DIR/many_p.ulp"
	expect_rc 0
	expect_field g many 256
	trigger -p "$g_PID" "$DEG_DIR/many_p.rev"
	expect_rc 0
	expect_field g many 0
	echo "kernel $(uname -r): $probe; the tool committed (epoll thread EINTR $(field g eintr))"
	exit 77
}

for round in 1 2; do
	trigger -p "$g_PID" "$DEG_DIR/many_p.ulp"
	expect_rc 0
	after_op g 256
	trigger -p "$g_PID" "$DEG_DIR/many_p.rev"
	expect_rc 0
	after_op g 0
done
kill -0 "$g_PID" || fail "deg_target died"

# The control: gates off in the target, the tool stops every thread.
start_deg c PULP_GATES=0
sleep 1
expect_field c eintr 0
trigger -p "$c_PID" "$DEG_DIR/many_p.ulp"
expect_rc 0
expect_field c many 256
e=$(field c eintr)
echo "NOTE 256 functions: epoll thread EINTR 0 over 4 gated operations, $e after one apply with PULP_GATES=0"
[ "$e" -ge 1 ] || fail "with gates off the epoll thread's count stayed at $e: the probe is blind"
trigger -p "$c_PID" "$DEG_DIR/many_p.rev"
expect_rc 0
expect_field c many 0
kill -0 "$c_PID" || fail "deg_target (gates off) died"
pass
