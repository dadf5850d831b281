# A function of the main executable, and a function whose pad crosses a
# page boundary (-Os, unaligned literal).
. "$(dirname "$0")/lib.sh"
require_ptrace
start_app a LD_PRELOAD="$LIBPULP"
expect_field a app 1
trigger -p "$a_PID" app_p1.ulp; expect_rc 0
expect_field a app 2
trigger -p "$a_PID" page_p1.ulp; expect_rc 0
expect_field a page 20
trigger -p "$a_PID" page_p1.rev; expect_rc 0
expect_field a page 10
trigger -p "$a_PID" app_p1.rev; expect_rc 0
expect_field a app 1
pass
