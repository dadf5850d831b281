# C++ (mangled names), '*' dependencies enforced, and a patch object the
# loader refuses (RTLD_NOW) failing cleanly with the loader's message.
. "$(dirname "$0")/lib.sh"
require_ptrace
start_app a LD_PRELOAD="$LIBPULP"
expect_field a cxx 12
trigger -p "$a_PID" cxx_p1.ulp; expect_rc 0
expect_field a cxx 12.5664
trigger -p "$a_PID" cxx_p1.rev; expect_rc 0
expect_field a cxx 12

# foo_dep needs foo_p1.
trigger -p "$a_PID" foo_dep.ulp
expect_rc 1
expect_out "depends on patch foo_p1, which is not applied"
expect_field a value 2
trigger -p "$a_PID" foo_p1.ulp foo_dep.ulp; expect_rc 0
expect_field a value 1000
# foo_p1 cannot go while foo_dep needs it; both together can.
trigger -p "$a_PID" foo_p1.rev
expect_rc 1
expect_out "foo_dep depends on it"
trigger -p "$a_PID" foo_dep.rev foo_p1.rev; expect_rc 0
expect_field a value 2

# The loader refuses the patch object: one clear line, nothing changed.
trigger -p "$a_PID" bad_p1.ulp
expect_rc 1
expect_out "undefined symbol: pulp_test_symbol_that_does_not_exist"
expect_field a name original
[ "$("$ULP" patches -p "$a_PID" | head -1)" = "app (pid $a_PID): 0 patches" ] ||
	fail "patches listed after a failed trigger"
pass
