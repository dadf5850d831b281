# Item 6: the main thread called pthread_exit while a worker runs: the
# process is still patchable (memory through a live thread).
. "$(dirname "$0")/rel_lib.bash"
start_app a REL_MAIN_EXIT=1
for _ in $(seq 200); do
	[ "$(sed 's/.*) //' "/proc/$a_PID/stat" | cut -c1)" = Z ] && break
	sleep 0.01
done
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
expect_out "live patching succeeded"
expect_field a name patched-1
trigger -p "$a_PID" foo_p1.rev
expect_rc 0
expect_field a name original
pass
