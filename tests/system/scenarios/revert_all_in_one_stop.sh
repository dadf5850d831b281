# --revert-all=LIB reverts every patch on LIB and no other; with a file it
# reverts and applies in one stop.
. "$(dirname "$0")/../lib.sh"
start_app a
expect_field a bar 4
trigger -p "$a_PID" foo_p1.ulp foo_p2.ulp bar_p1.ulp
expect_rc 0
expect_field a name patched-2
expect_field a bar 6 # 2 * 3 (bar_p1); 2 + 2 before
trigger -p "$a_PID" --revert-all=libfoo.so.1
expect_rc 0
expect_field a name original
expect_field a tls 7
expect_field a bar 6 # bar_p1 stays
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
trigger -p "$a_PID" --revert-all=libfoo.so.1 foo_p2.ulp
expect_rc 0
expect_field a name patched-2
expect_field a fact 120 # foo_p1 is gone
"$ULP" check -p "$a_PID" foo_p1.ulp && fail "foo_p1 still applied"
"$ULP" check -p "$a_PID" foo_p2.ulp || fail "foo_p2 not applied"
n=$("$ULP" patches -p "$a_PID" --json | grep -c '"name": *"foo_p')
[ "$n" = 1 ] || fail "$n foo patches listed, expected 1"
pass
