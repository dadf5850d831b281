# ulp patches lists the live-patchable images and the applied patches with
# their labels; ulp check says 0 when a patch is applied, 1 when not.
. "$(dirname "$0")/../lib.sh"
start_app a
"$ULP" check -p "$a_PID" foo_p1.ulp >"$WORK/c" 2>&1 && fail "check: applied before any trigger"
grep -q "foo_p1 not applied" "$WORK/c" || fail "check says: $(cat "$WORK/c")"
"$ULP" patches -p "$a_PID" >"$WORK/p" 2>&1 || fail "ulp patches failed: $(cat "$WORK/p")"
[ "$(head -1 "$WORK/p")" = "app (pid $a_PID): 0 patches" ] || fail "patches: $(head -1 "$WORK/p")"
grep -q "live-patchable: .*/libfoo.so.1" "$WORK/p" || fail "libfoo.so.1 not listed as live-patchable"
trigger -p "$a_PID" foo_p1.ulp foo_p2.ulp
expect_rc 0
"$ULP" check -p "$a_PID" foo_p1.ulp || fail "check: foo_p1 not applied"
"$ULP" check -p "$a_PID" foo_p2.ulp || fail "check: foo_p2 not applied"
"$ULP" patches -p "$a_PID" >"$WORK/p" 2>&1
cat "$WORK/p"
[ "$(head -1 "$WORK/p")" = "app (pid $a_PID): 2 patches" ] || fail "patches: $(head -1 "$WORK/p")"
grep -q "foo_p1 on libfoo.so.1.*CVE-2026-0001,bsc#1001" "$WORK/p" || fail "foo_p1 not listed with its labels"
grep -q "foo_p2 on libfoo.so.1.*CVE-2026-0002" "$WORK/p" || fail "foo_p2 not listed with its label"
"$ULP" patches -p "$a_PID" --json | tr -d ' \n' | grep -q '"labels":\["CVE-2026-0001","bsc#1001"\]' ||
	fail "ulp patches --json lacks the labels"
trigger -p "$a_PID" foo_p1.rev
expect_rc 0
"$ULP" check -p "$a_PID" foo_p1.ulp && fail "check: foo_p1 still applied"
"$ULP" check -p "$a_PID" foo_p2.ulp || fail "check: foo_p2 gone with foo_p1"
[ "$("$ULP" patches -p "$a_PID" | head -1)" = "app (pid $a_PID): 1 patch" ] || fail "not 1 patch after the revert"
"$ULP" messages -p "$a_PID" | grep -q "foo_p1: reverted" || fail "no log of the revert"
pass
