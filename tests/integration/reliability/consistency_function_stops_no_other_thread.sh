# In --consistency=function the runtime commits a multi-function patch
# from the borrowed thread and stops no other thread: a thread blocked in
# read() is never woken, a thread in epoll_wait() never returns EINTR, and
# the threads spinning through the patched functions are never
# ptrace-stopped (their voluntary context switches, which only a stop
# makes for a thread without system calls, do not move). The same patch
# in the default per-patch mode stops them all (the control that shows
# the measure can fail).
. "$(dirname "$0")/func_lib.bash"
start_func b PULP_GATES=0 # the control below needs the stop-the-world commit
ans=$(poke b)
reader=$(in_answer "$ans" reader)
epoll=$(in_answer "$ans" epoll)
sleeper=$(in_answer "$ans" sleeper)
workers=$(in_answer "$ans" workers | tr ',' ' ')
eintr0=$(in_answer "$ans" eintr)
# shellcheck disable=SC2086
before=$(vcsw_all "$b_PID" "$reader" "$epoll" $workers)
for i in 1 2 3 4 5 6 7 8 9 10; do
	trigger -p "$b_PID" --tid "$sleeper" --consistency=function "$PATCH"
	expect_rc 0
	trigger -p "$b_PID" --tid "$sleeper" --consistency=function "$REV"
	expect_rc 0
done
# shellcheck disable=SC2086
after=$(vcsw_all "$b_PID" "$reader" "$epoll" $workers)
ans=$(poke b)
echo "function mode: switches before:$before"
echo "               after:        $after"
echo "               $ans"
[ "$before" = "$after" ] || fail "a thread other than the borrowed one was stopped or woken"
[ "$(in_answer "$ans" eintr)" = "$eintr0" ] || fail "epoll_wait returned EINTR: $ans"
[ "$(in_answer "$ans" bad)" = 0 ] || fail "bad calls: $ans"

# Control: per-patch mode (the default) without gates (PULP_GATES=0, as
# on ppc64le and s390x) stops every thread for this plan.
trigger -p "$b_PID" --tid "$sleeper" "$PATCH"
expect_rc 0
expect_field b fnew 250
v_reader=$(vcsw "$b_PID" "$reader")
echo "patch mode: reader $(echo "$after" | tr ' ' '\n' | grep "^$reader:") -> $v_reader"
[ "$v_reader" != "$(echo "$after" | tr ' ' '\n' | sed -n "s/^$reader://p")" ] ||
	fail "per-patch mode did not stop the reader: the measure cannot see a stop"
ans=$(poke b)
[ "$(in_answer "$ans" eintr)" -gt "$eintr0" ] || fail "per-patch mode did not interrupt epoll_wait: $ans"
pass
