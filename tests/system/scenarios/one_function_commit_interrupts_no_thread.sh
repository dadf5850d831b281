# Who commits a one-function patch, told by the target itself: the
# degraded target's epoll thread counts the EINTR its epoll_wait returns,
# and the kernel never restarts epoll_wait after a ptrace stop, so every
# stop of that thread shows (docs/apply-protocol.md, "Which threads may
# see EINTR"). A one-function apply and its revert committed by the
# runtime itself stop only the borrowed thread (the reader): the count
# stays 0. The control, the same apply committed by the tool with every
# thread stopped (deg_driver --stop-world), makes it 1: the probe sees a
# stop-the-world commit. Needs DEG_DIR (tests/system/run.sh); 77 without.
# A kernel without a serialising membarrier (MEMBARRIER_PROBE says so: Debian
# 12's s390x kernel had none before the plain fallback) makes the runtime
# leave every commit to the tool:
# then the patch must still apply and revert, and the scenario reports
# the count and exits 77 (skipped: nothing to show).
. "$(dirname "$0")/../lib.sh"
[ -n "${DEG_DIR:-}" ] && [ -x "$DEG_DIR/deg_target" ] || {
	echo "no DEG_DIR: skipped"
	exit 77
}
# The target links the runtime; lib.sh's poke and field read d.out and
# write to fd_d.
mkfifo "$WORK/d.in"
: >"$WORK/d.out"
LD_LIBRARY_PATH="$DEG_DIR:${LD_LIBRARY_PATH:-}" "$DEG_DIR/deg_target" \
	>"$WORK/d.out" 2>&1 <"$WORK/d.in" &
d_PID=$!
APPS="$APPS $d_PID"
exec 9>"$WORK/d.in"
fd_d=9
poke d >/dev/null || fail "deg_target did not start: $(cat "$WORK/d.out")"
sleep 1 # its epoll thread is in epoll_wait
expect_field d eintr 0
expect_field d many 0
probe=$("${MEMBARRIER_PROBE:-true}") || {
	trigger -p "$d_PID" "$DEG_DIR/many1_p.ulp"
	expect_rc 0
	expect_field d many 1
	trigger -p "$d_PID" "$DEG_DIR/many1_p.rev"
	expect_rc 0
	expect_field d many 0
	echo "kernel $(uname -r): $probe; the tool committed (epoll thread EINTR $(field d eintr))"
	exit 77
}

trigger -p "$d_PID" "$DEG_DIR/many1_p.ulp"
expect_rc 0
expect_field d many 1
expect_field d eintr 0 # committed by the runtime: no other thread stopped
trigger -p "$d_PID" "$DEG_DIR/many1_p.rev"
expect_rc 0
expect_field d many 0
expect_field d eintr 0

# The control: the tool's commit stops every thread, the count moves.
"$DEG_DIR/deg_driver" --stop-world "$d_PID" "$DEG_DIR/many1_p.ulp" ||
	fail "stop-the-world apply failed"
expect_field d many 1
e=$(field d eintr)
echo "NOTE epoll thread EINTR: 0 after the runtime's apply and revert, $e after a stop-the-world apply"
[ "$e" -ge 1 ] || fail "a stop-the-world commit left the epoll thread's count at $e: the probe is blind"
trigger -p "$d_PID" "$DEG_DIR/many1_p.rev"
expect_rc 0
expect_field d many 0
kill -0 "$d_PID" || fail "deg_target died"
pass
