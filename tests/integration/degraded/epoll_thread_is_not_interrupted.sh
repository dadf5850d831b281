# Item 11.6: epoll_wait, semop, io_uring_enter, sigtimedwait... return
# EINTR after any ptrace stop (the kernel never restarts them). Which
# threads may see it is documented in docs/apply-protocol.md ("Which
# threads may see EINTR"): a one-function apply committed by the runtime
# itself stops only the borrowed thread, and the tool prefers a thread
# that is not in such a call, so a thread in epoll_wait is never
# interrupted, even when it is the main thread (first in the list). A
# stop-the-world commit interrupts every thread: the test sees that too.
. "$(dirname "$0")/deg_lib.bash"
require_ptrace
for layout in worker main; do
	if [ $layout = main ]; then
		start_app "$layout" DEG_EPOLL_MAIN=1
	else
		start_app "$layout"
	fi
	eval "pid=\$${layout}_PID"
	sleep 0.2 # the epoll thread is in epoll_wait
	expect_field "$layout" eintr 0
	trigger -p "$pid" "$DEG_DIR/many1_p.ulp"
	expect_rc 0
	expect_field "$layout" many 1
	expect_field "$layout" eintr 0
done
# The tool's commit with every thread stopped: the epoll thread sees one
# EINTR (documented), so the check above can fail.
"$DEG_DRIVER" --stop-world "$worker_PID" "$DEG_DIR/many1_p.rev" ||
	fail "stop-the-world revert failed"
expect_field worker many 0
expect_field worker eintr 1
pass
