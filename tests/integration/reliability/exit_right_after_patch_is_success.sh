# Issue 8 bug 3: a process that exits right after the patch took effect
# (a thread exits as soon as it sees the new result) was reported as
# failed: success is decided from what was committed.
. "$(dirname "$0")/rel_lib.bash"
for round in $(seq 1 15); do
	start_app "x$round" REL_EXIT_ON_PATCH=1
	eval "pid=\$x${round}_PID"
	trigger --timeout 5 -p "$pid" foo_p1.ulp
	expect_out "live patching succeeded"
	expect_rc 0
	for _ in $(seq 400); do alive "$pid" || break; sleep 0.01; done
	alive "$pid" && fail "round $round: the patched code never ran"
done
pass
