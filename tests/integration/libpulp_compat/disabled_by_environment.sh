# LIBPULP_DISABLE_ON_PATH / _USERS / _GROUPS (libpulp(7)): a process that
# matches is refused with the reason and left alone; the others are
# patched. The runtime logs one line when it loads, so `ulp messages` is
# never empty.
. "$(dirname "$0")/lpc.sh"
require_ptrace
start_app on LD_PRELOAD="$LIBPULP"
start_app path LD_PRELOAD="$LIBPULP" \
	LIBPULP_DISABLE_ON_PATH="/nonexistent/*:$PWD/ap[p]"
start_app user LD_PRELOAD="$LIBPULP" LIBPULP_DISABLE_ON_USERS="nobody:$(id -u)"
start_app group LD_PRELOAD="$LIBPULP" LIBPULP_DISABLE_ON_GROUPS="$(id -gn)"
start_app other LD_PRELOAD="$LIBPULP" LIBPULP_DISABLE_ON_PATH="/usr/*" \
	LIBPULP_DISABLE_ON_USERS="nosuchuser*:99999" LIBPULP_DISABLE_ON_GROUPS="99999"

"$ULP" messages -p "$on_PID" | grep -q "runtime loaded in $PWD/app (pid $on_PID): live patching enabled" ||
	fail "no load line: $("$ULP" messages -p "$on_PID")"
"$ULP" messages -p "$path_PID" | grep -q "LIBPULP_DISABLE_ON_PATH pattern '$PWD/ap\[p\]' matches $PWD/app" ||
	fail "no disabled line: $("$ULP" messages -p "$path_PID")"

for n in path user group; do
	eval "pid=\$${n}_PID"
	trigger -p "$pid" foo_p1.ulp
	[ "$RC" = 1 ] || [ "$RC" = 3 ] || fail "$n: exit status $RC"
	expect_out "app (pid $pid): \(skipped\|failed\): live patching disabled by the operator: LIBPULP_DISABLE_ON_"
	expect_field "$n" name original
done
expect_out "LIBPULP_DISABLE_ON_GROUPS entry '$(id -gn)' matches gid $(id -g)"
trigger -p "$user_PID" foo_p1.ulp
expect_out "LIBPULP_DISABLE_ON_USERS entry '$(id -u)' matches uid $(id -u)"

# All processes: the enabled ones are patched, the disabled ones not.
trigger foo_p1.ulp
expect_field on name patched-1
expect_field other name patched-1
expect_field path name original
expect_field user name original
expect_field group name original
"$ULP" messages -p "$user_PID" | grep -q "refused: live patching disabled" ||
	[ -z "$("$ULP" messages -p "$user_PID" | grep "prepared")" ] ||
	fail "a disabled runtime prepared a patch"
pass
