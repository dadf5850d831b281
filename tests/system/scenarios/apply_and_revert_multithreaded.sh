# ulp trigger applies, stacks and reverts patches of libfoo in a running
# process with a second thread living in malloc/free (never borrowed there);
# every function shape (10 int + 10 double arguments, recursion, static and
# exported-variable references, TLS) runs the new code, then the old again.
. "$(dirname "$0")/../lib.sh"
start_app a APP_HAMMER=1
[ "$(ls /proc/"$a_PID"/task | wc -l)" -ge 2 ] || fail "app is not multi-threaded"
expect_field a name original
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
expect_out "live patching succeeded"
expect_field a name patched-1
expect_field a mix 1397.5 # weighted sum: every argument in its place
expect_field a fact 240   # recursion through the patched entry
v=$(field a value)        # 1*100 + calls so far (static counter)
[ "$v" -gt 100 ] && [ "$v" -lt 110 ] || fail "value=$v: #counter reference not filled"
e1=$(field a exp)
e2=$(field a exp)
[ "$e2" -gt "$e1" ] || fail "exported variable reference points at a dead copy ($e1, $e2)"
trigger -p "$a_PID" foo_p2.ulp # stacked: foo_name again, TLS reference
expect_rc 0
expect_field a name patched-2
expect_field a tls 7000
expect_field a fact 240
trigger -p "$a_PID" foo_p2.rev foo_p1.rev
expect_rc 0
expect_field a name original
expect_field a mix 115
expect_field a fact 120
expect_field a tls 7
kill -0 "$a_PID" || fail "app died"
pass
