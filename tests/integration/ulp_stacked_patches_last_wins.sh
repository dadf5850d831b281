# Two patches on one function: the last applied wins; reverting either
# leaves the newest remaining one, then the original. The second patch also
# reaches a TLS variable of the library.
. "$(dirname "$0")/lib.sh"
require_ptrace
start_app a LD_PRELOAD="$LIBPULP"
trigger -p "$a_PID" foo_p1.ulp; expect_rc 0
trigger -p "$a_PID" foo_p2.ulp; expect_rc 0
expect_field a name patched-2
expect_field a tls 7000
trigger -p "$a_PID" foo_p1.rev; expect_rc 0
expect_field a name patched-2
expect_field a fact 120
trigger -p "$a_PID" foo_p1.ulp; expect_rc 0
expect_field a name patched-1
trigger -p "$a_PID" foo_p1.rev; expect_rc 0
expect_field a name patched-2
trigger -p "$a_PID" foo_p2.rev; expect_rc 0
expect_field a name original
expect_field a tls 7
pass
