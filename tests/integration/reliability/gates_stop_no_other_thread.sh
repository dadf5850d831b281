# In the default per-patch mode a multi-function operation goes through
# the gates (docs/apply-protocol.md, "Per-patch switch without stopping
# threads (gates)") and stops no other thread: a thread blocked in read()
# is never woken, a thread in epoll_wait() never returns EINTR, the
# threads spinning through the patched functions are never ptrace-stopped
# (their voluntary context switches do not move). Covered operations:
# apply, revert, re-apply, a second patch stacked on the same functions,
# reverting the lower one (functions going back to the original while
# others stay patched), --revert-all; after each, every function answers
# as it should and no call ever returned anything else. Control: the same
# target with gates disabled (PULP_GATES=0) is stopped for the same patch.
. "$(dirname "$0")/func_lib.bash"
: "${FUNC_TARGET:?}"
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: gates exist on x86_64 only"; exit 77; }
P100=$PULP_BUILD_DIR/bench/bench_many_p100.ulp
R100=$PULP_BUILD_DIR/bench/bench_many_p100.rev

start_gate() { APP_EXE=$FUNC_TARGET start_app "$@"; }

start_gate s LD_PRELOAD="$LIBPULP"
ans=$(poke s)
reader=$(in_answer "$ans" reader)
epoll=$(in_answer "$ans" epoll)
sleeper=$(in_answer "$ans" sleeper)
workers=$(in_answer "$ans" workers | tr ',' ' ')
# shellcheck disable=SC2086
before=$(vcsw_all "$s_PID" "$reader" "$epoll" $workers)
for i in 1 2 3; do
	trigger -p "$s_PID" --tid "$sleeper" "$PATCH"
	expect_rc 0
	expect_field s fnew 250
	trigger -p "$s_PID" --tid "$sleeper" "$REV"
	expect_rc 0
	expect_field s fnew 0
done
# Stacking: p250 then p100 over its first 100 functions (re-targets them
# from one patch to the other); reverting p250 sends 150 functions back to
# the original and leaves 100 on p100.
trigger -p "$s_PID" --tid "$sleeper" "$PATCH"
expect_rc 0
trigger -p "$s_PID" --tid "$sleeper" "$P100"
expect_rc 0
expect_field s fnew 250
trigger -p "$s_PID" --tid "$sleeper" "$REV"
expect_rc 0
expect_field s fnew 100
trigger -p "$s_PID" --tid "$sleeper" "$PATCH"
expect_rc 0
expect_field s fnew 250
trigger -p "$s_PID" --tid "$sleeper" --revert-all=libbench_many.so.1
expect_rc 0
expect_field s fnew 0
"$ULP" patches -p "$s_PID" 2>&1 | grep -q ": 0 patches" || fail "patches left after --revert-all: $("$ULP" patches -p "$s_PID" 2>&1)"
trigger -p "$s_PID" --tid "$sleeper" "$P100"
expect_rc 0
expect_field s fnew 100
trigger -p "$s_PID" --tid "$sleeper" "$R100"
expect_rc 0
expect_field s fnew 0
# shellcheck disable=SC2086
after=$(vcsw_all "$s_PID" "$reader" "$epoll" $workers)
ans=$(poke s)
echo "gated: switches before:$before"
echo "       after:        $after"
echo "       $ans"
[ "$before" = "$after" ] || fail "a thread other than the borrowed one was stopped or woken"
[ "$(in_answer "$ans" eintr)" = 0 ] || fail "epoll_wait returned EINTR: $ans"
[ "$(in_answer "$ans" bad)" = 0 ] || fail "bad calls: $ans"
alive "$s_PID" || fail "the target died"

# Control: gates off, the same patch is committed with every thread stopped.
start_gate c LD_PRELOAD="$LIBPULP" PULP_GATES=0
ans=$(poke c)
reader=$(in_answer "$ans" reader)
sleeper=$(in_answer "$ans" sleeper)
v0=$(vcsw "$c_PID" "$reader")
trigger -p "$c_PID" --tid "$sleeper" "$PATCH"
expect_rc 0
expect_field c fnew 250
v1=$(vcsw "$c_PID" "$reader")
echo "gates off: reader $v0 -> $v1"
[ "$v0" != "$v1" ] || fail "without gates the reader was not stopped: the measure cannot see a stop"
pass
