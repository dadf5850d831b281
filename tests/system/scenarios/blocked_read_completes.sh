# The borrowed thread is blocked in read() on a pipe when hijacked (the
# kernel's system-call restart of this architecture): after each trigger
# its read returns the right bytes and byte count.
. "$(dirname "$0")/../lib.sh"
start_app a
sleep 0.5
grep -q '^State:.*S (sleeping)' /proc/"$a_PID"/status || fail "app is not blocked"
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
ans=$(poke a "0123456789abcdef")
case "$ans" in
"got 17 bytes: "*name=patched-1*) ;;
*) fail "read after the hijack returned: $ans" ;;
esac
sleep 0.5
trigger -p "$a_PID" foo_p1.rev
expect_rc 0
ans=$(poke a "xy")
case "$ans" in
"got 3 bytes: "*name=original*) ;;
*) fail "read after the second hijack returned: $ans" ;;
esac
pass
