# Bug 4 (issue 8): a daemon that chroot()s after starting (sshd, named,
# postfix do). patches, messages and check read what they need from its
# memory and mapped files, not through /proc/PID/root/<path>; trigger and
# revert work although the patch files exist only outside its root (they
# are staged inside it for the operation, docs/chroot.md).
. "$COMPAT_SOURCE_DIR/../lib.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: chroot needs root"; exit 77; }
require_ptrace
ROOT=$(mktemp -d) # empty: no libraries, no /proc, no patch files
trap 'for p in "${APPS[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$WORK" "$ROOT"' EXIT
APP_EXE=./compat_idle start_app a LD_PRELOAD="$LIBPULP" IDLE_CHROOT="$ROOT"
[ "$(readlink "/proc/$a_PID/root")" = "$ROOT" ] || fail "did not chroot"
expect_field a value 1

ulp() {
	OUT=$("$ULP" "$@" 2>&1)
	RC=$?
	echo "+ ulp $* -> $RC"
	echo "$OUT" | sed 's/^/  /'
}
ulp patches -p "$a_PID"; expect_rc 0
expect_out "compat_idle (pid $a_PID): 0 patches"
expect_out "live-patchable: .*libvalue.so.1.0.0"
ulp messages -p "$a_PID"; expect_rc 0
ulp check -p "$a_PID" value_p1.ulp; expect_rc 1
expect_out "value_p1 not applied"

trigger -p "$a_PID" value_p1.ulp; expect_rc 0
expect_field a value 2
ulp check -p "$a_PID" value_p1.ulp; expect_rc 0
expect_out "value_p1 applied"
ulp patches -p "$a_PID" --json; expect_rc 0
expect_out '"name": *"value_p1"'
ulp messages -p "$a_PID"; expect_rc 0
expect_out "value_p1: applied"
# Nothing is left in its root once the operation is over.
[ -z "$(ls -A "$ROOT")" ] || fail "left in its root: $(ls -A "$ROOT")"

trigger -p "$a_PID" value_p1.rev; expect_rc 0
expect_field a value 1
trigger -p "$a_PID" value_p1.ulp; expect_rc 0
trigger -p "$a_PID" --revert-all=libvalue.so.1; expect_rc 0
expect_field a value 1
ulp check -p "$a_PID" value_p1.ulp; expect_rc 1
[ -z "$(ls -A "$ROOT")" ] || fail "left in its root: $(ls -A "$ROOT")"
kill -0 "$a_PID" || fail "the process died"
pass
