# ulp set_patchable disable|enable -p PID: while disabled, ulp trigger
# skips the process with the reason and nothing changes in it; enabled
# again, it is patched. A process disabled by its environment
# (LIBPULP_DISABLE_ON_PATH) stays disabled.
. "$COMPAT2_SOURCE_DIR/../lib.sh"
require_ptrace
"$ULP" packer -q -o "$WORK/raw_p1.ulp" raw_p1.dsc 2>/dev/null || fail "packer"
APP_EXE=./compat2_app start_app a LD_PRELOAD="$LIBPULP"
expect_field a value 1

sp() { OUT=$("$ULP" set_patchable "$@" 2>&1); RC=$?; echo "+ ulp set_patchable $* -> $RC: $OUT"; }
sp disable -p "$a_PID"
expect_rc 0
expect_out "live patching disabled"
sp disable -p "$a_PID"
expect_rc 0
expect_out "already disabled"
"$ULP" processes 2>/dev/null | grep "^ *$a_PID " | grep -q disabled ||
	echo "(ulp processes does not list it as disabled)"

trigger -p "$a_PID" "$WORK/raw_p1.ulp"
expect_out "skipped: patching disabled by ulp set_patchable"
[ "$RC" != 0 ] || fail "a skipped explicit process reported success"
expect_field a value 1

sp enable -p "$a_PID"
expect_rc 0
expect_out "live patching enabled"
trigger -p "$a_PID" "$WORK/raw_p1.ulp"
expect_rc 0
expect_field a value 2
# Disabled, a revert is refused too; enabled, it goes through.
sp disable -p "$a_PID"
trigger -p "$a_PID" "$WORK/raw_p1.rev"
expect_out "skipped: patching disabled by ulp set_patchable"
expect_field a value 2
sp enable -p "$a_PID"
trigger -p "$a_PID" "$WORK/raw_p1.rev"
expect_rc 0
expect_field a value 1
sp enable -p "$a_PID"
expect_out "already enabled"

# The operator's environment switch is not overridden.
APP_EXE=./compat2_app start_app b LD_PRELOAD="$LIBPULP" LIBPULP_DISABLE_ON_PATH='*/compat2_app'
sp enable -p "$b_PID"
expect_rc 1
expect_out "stays disabled: live patching disabled by the operator: LIBPULP_DISABLE_ON_PATH"
trigger -p "$b_PID" "$WORK/raw_p1.ulp"
expect_out "skipped: live patching disabled by the operator"
expect_field b value 1

# Usage errors and a process without the runtime.
sp maybe -p "$a_PID"
expect_rc 2
sp disable
expect_rc 2
sleep 60 &
APPS+=("$!")
sp disable -p "$!"
expect_rc 3
kill -0 "$a_PID" && kill -0 "$b_PID" || fail "a process died"
pass
