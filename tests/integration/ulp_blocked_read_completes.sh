# The borrowed thread is blocked in read() on a pipe when hijacked: after
# the trigger its read returns the right bytes and byte count.
. "$(dirname "$0")/lib.sh"
require_ptrace
start_app a LD_PRELOAD="$LIBPULP"
sleep 0.2 # the main thread is now blocked in read(0, ...)
grep -q '^State:.*S (sleeping)' /proc/"$a_PID"/status || fail "app is not blocked"
trigger -p "$a_PID" foo_p1.ulp; expect_rc 0
ans=$(poke a "0123456789abcdef")
case "$ans" in
"got 17 bytes: "*name=patched-1*) ;;
*) fail "read after the hijack returned: $ans" ;;
esac
trigger -p "$a_PID" foo_p1.rev; expect_rc 0
ans=$(poke a "xy")
case "$ans" in
"got 3 bytes: "*name=original*) ;;
*) fail "read after the second hijack returned: $ans" ;;
esac
pass
