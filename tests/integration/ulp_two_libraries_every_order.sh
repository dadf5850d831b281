# Patches on two libraries (one built with -fcf-protection: endbr64 entries)
# applied and reverted in every order.
. "$(dirname "$0")/lib.sh"
require_ptrace
start_app a LD_PRELOAD="$LIBPULP"
for order in "foo bar foo bar" "foo bar bar foo" "bar foo foo bar" "bar foo bar foo"; do
	set -- $order
	trigger -p "$a_PID" "$1"_p1.ulp; expect_rc 0
	trigger -p "$a_PID" "$2"_p1.ulp; expect_rc 0
	expect_field a name patched-1
	expect_field a bar 6
	trigger -p "$a_PID" "$3"_p1.rev; expect_rc 0
	if [ "$3" = foo ]; then expect_field a name original; expect_field a bar 6
	else expect_field a name patched-1; expect_field a bar 4; fi
	trigger -p "$a_PID" "$4"_p1.rev; expect_rc 0
	expect_field a name original
	expect_field a bar 4
done
pass
