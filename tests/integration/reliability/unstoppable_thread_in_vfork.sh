# Item 4: a thread that cannot be stopped (a vfork parent waiting for a
# child that lives 60 s): the tool gives up on it within its bound, fails
# with a line naming the reason, within --timeout, and no other thread
# stays frozen meanwhile; the process is unchanged and still patchable
# once the thread is free. The stop is asked for with PULP_GATES=0: on
# x86_64 the runtime otherwise commits this multi-function patch through
# its gates without stopping any thread (docs/apply-protocol.md), and then
# the same patch applies despite the stuck thread (checked last).
. "$(dirname "$0")/rel_lib.bash"
start_app a REL_VFORK=60 PULP_GATES=0
sleep 0.2
poke a >/dev/null # resets the heartbeat's longest stall
start=$(date +%s)
OUT=$(timeout 30 "$ULP" trigger --timeout 2 -p "$a_PID" foo_p1.ulp 2>&1)
RC=$?
echo "$OUT"
[ $RC != 124 ] || fail "the tool hung behind the vfork"
[ $(($(date +%s) - start)) -le 6 ] || fail "the tool took more than its timeout"
expect_rc 1
expect_out "failed: .*did not stop within .* ms.*uninterruptible"
gap=$(field a gap)
[ "$gap" -lt 4000 ] || fail "the process was frozen for $gap ms"
expect_field a name original
alive "$a_PID" || fail "the target died"

# Through the gates nothing needs stopping: applied at once.
start_app b REL_VFORK=60
sleep 0.2
OUT=$(timeout 30 "$ULP" trigger --timeout 2 -p "$b_PID" foo_p1.ulp 2>&1)
RC=$?
echo "$OUT"
expect_rc 0
expect_field b name patched-1
alive "$b_PID" || fail "the gated target died"
pass
