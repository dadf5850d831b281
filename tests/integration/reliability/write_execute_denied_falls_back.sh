# A service under systemd's MemoryDenyWriteExecute=yes (rel_target's
# REL_MDWE: a seccomp filter refusing mprotect with PROT_EXEC and mmap with
# PROT_WRITE and PROT_EXEC) cannot make its code writable: the runtime's
# own commit, one switch or through the gates, writes nothing there, and
# the tool commits through /proc/PID/mem with every thread stopped. Every
# apply and revert must still succeed and take effect; the filter must
# really be there (the kernel shows it in /proc/PID/status).
. "$(dirname "$0")/rel_lib.bash"
start_app a REL_MDWE=1
grep -q "^Seccomp:[[:space:]]*2" "/proc/$a_PID/status" ||
	fail "the target has no seccomp filter: $(grep Seccomp "/proc/$a_PID/status")"
for round in 1 2 3; do
	trigger -p "$a_PID" foo_p1.ulp # several functions: gates, then the tool
	expect_rc 0
	expect_field a name patched-1
	trigger -p "$a_PID" foo_p1.rev
	expect_rc 0
	expect_field a name original
done
"$ULP" messages -p "$a_PID" | grep -q "applied" || fail "no apply in the runtime's log"
alive "$a_PID" || fail "the target died"
pass
