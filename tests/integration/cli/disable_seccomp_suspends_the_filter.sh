# --disable-seccomp (libpulp's option): a process whose seccomp filter
# denies openat cannot load a patch object, and says so; with the option
# the borrowed thread runs the runtime's call outside the filter
# (PTRACE_O_SUSPEND_SECCOMP) and the patch applies; the filter is back
# afterwards, so a trigger without the option fails again.
. "$CLI_SOURCE_DIR/../lib.sh"
require_ptrace
APP_EXE=./cli_app start_app a LD_PRELOAD="$LIBPULP" CLI_SECCOMP=1
expect_field a value 1
trigger -p "$a_PID" cli_p1.ulp; expect_rc 1
expect_out "failed: .*Operation not permitted"
expect_field a value 1
trigger --disable-seccomp -p "$a_PID" cli_p1.ulp; expect_rc 0
expect_out "live patching succeeded"
expect_field a value 2
trigger --disable-seccomp -p "$a_PID" cli_p1.rev; expect_rc 0
expect_field a value 1
trigger -p "$a_PID" cli_p1.ulp; expect_rc 1
expect_field a value 1
# Without CAP_SYS_ADMIN the option is refused with a clear line.
if command -v setpriv >/dev/null; then
	OUT=$(setpriv --inh-caps=-all --bounding-set=-sys_admin \
		"$ULP" trigger --disable-seccomp -p "$a_PID" cli_p1.ulp 2>&1)
	RC=$?
	echo "$OUT"
	expect_rc 1
	expect_out "CAP_SYS_ADMIN"
	expect_field a value 1
fi
pass
