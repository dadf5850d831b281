# Bug 2 (issue 8): --revert-all=LIB with no file names the library by its
# soname, its file name or a path; the process maps libvalue.so.1.0.0
# behind the soname link libvalue.so.1. The tool and the runtime match the
# same way.
. "$COMPAT_SOURCE_DIR/../lib.sh"
require_ptrace
[ -L libvalue.so.1 ] && [ -f libvalue.so.1.0.0 ] || fail "layout"
APP_EXE=./compat_idle start_app a LD_PRELOAD="$LIBPULP"
grep -q '/libvalue\.so\.1\.0\.0$' "/proc/$a_PID/maps" ||
	fail "the process does not map libvalue.so.1.0.0"
for name in libvalue.so.1 libvalue.so.1.0.0 "$FIXTURES/libvalue.so.1"; do
	trigger -p "$a_PID" value_p1.ulp; expect_rc 0
	expect_field a value 2
	trigger -p "$a_PID" --revert-all="$name"; expect_rc 0
	expect_field a value 1
	n=$("$ULP" patches -p "$a_PID" --json | grep -c '"name": *"value_p1"')
	[ "$n" = 0 ] || fail "--revert-all=$name left the patch listed"
done
# Without -p: every process with the library is found by its soname.
trigger value_p1.ulp -p "$a_PID"; expect_rc 0
trigger --revert-all=libvalue.so.1; expect_rc 0
expect_out "(pid $a_PID): live patching succeeded"
expect_field a value 1
# A library the process does not have is still skipped.
trigger -p "$a_PID" --revert-all=libnothere.so.1; expect_rc 3
expect_out "does not have libnothere.so.1 loaded"
pass
