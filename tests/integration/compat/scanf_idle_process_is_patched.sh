# Bug 1 (issue 8): a process idle in scanf("%s"), after printf and malloc
# ran, is patched. Its stack holds dead return addresses into malloc; only
# the live call chain (unwound over the CFI) may refuse a thread.
. "$COMPAT_SOURCE_DIR/../lib.sh"
require_ptrace
APP_EXE=./compat_idle start_app a LD_PRELOAD="$LIBPULP"
expect_field a value 1
# The thread sits in read() under scanf: nothing else to borrow.
grep -q '^State:.*S' "/proc/$a_PID/status" || fail "not sleeping"
trigger -p "$a_PID" value_p1.ulp
expect_rc 0
expect_field a value 2
trigger -p "$a_PID" value_p1.rev
expect_rc 0
expect_field a value 1
kill -0 "$a_PID" || fail "the process died"
pass
