# Apply then revert one patch on a running process; every function shape of
# libfoo (10 int + 10 double arguments, recursion, static reference) runs
# the new code, then the old code again.
. "$(dirname "$0")/lib.sh"
require_ptrace
start_app a LD_PRELOAD="$LIBPULP"
expect_field a name original
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
expect_out "app (pid $a_PID): live patching succeeded"
expect_field a name patched-1
# foo_value_v2 increments foo_exported through a reference: the app must see
# it in its own (copy-relocated) copy.
e1=$(field a exp)
e2=$(field a exp)
[ "$e2" -gt "$e1" ] || fail "exported variable reference points at a dead copy ($e1, $e2)"
expect_field a mix 1397.5      # weighted sum: every argument in its place
expect_field a fact 240        # recursion through the patched entry
v=$(field a value)             # 1*100 + calls so far (static counter)
[ "$v" -gt 100 ] && [ "$v" -lt 110 ] || fail "value=$v: #counter reference not filled"
"$ULP" check -p "$a_PID" foo_p1.ulp >/dev/null || fail "ulp check: not applied"
trigger -p "$a_PID" foo_p1.ulp # already applied: success, nothing changes
expect_rc 0
expect_out "live patching succeeded"
[ "$("$ULP" patches -p "$a_PID" | head -1)" = "app (pid $a_PID): 1 patch" ] ||
	fail "applied twice"
"$ULP" patches -p "$a_PID" | grep -q "foo_p1 on libfoo.so.1.*CVE-2026-0001,bsc#1001" ||
	fail "ulp patches does not list foo_p1 with its labels"
"$ULP" patches -p "$a_PID" | grep -q "live-patchable: .*/libfoo.so.1" ||
	fail "ulp patches does not list libfoo.so.1 as live-patchable"
"$ULP" patches -p "$a_PID" --json | grep -q '"labels": *\[ *"CVE-2026-0001", *"bsc#1001" *\]' ||
	"$ULP" patches -p "$a_PID" --json | tr -d ' \n' | grep -q '"labels":\["CVE-2026-0001","bsc#1001"\]' ||
	fail "ulp patches --json lacks the labels"
trigger -p "$a_PID" foo_p1.rev
expect_rc 0
expect_field a name original
expect_field a mix 115
expect_field a fact 120
"$ULP" check -p "$a_PID" foo_p1.ulp >/dev/null && fail "ulp check: still applied"
"$ULP" messages -p "$a_PID" | grep -q "foo_p1: reverted" || fail "no log of the revert"
pass
