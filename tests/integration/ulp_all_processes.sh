# Without -p, ulp trigger patches every process that has the runtime and
# the target library; processes without the library are not mentioned.
. "$(dirname "$0")/lib.sh"
require_ptrace
start_app a LD_PRELOAD="$LIBPULP $FIXTURES/libsolo.so.1"
start_app b LD_PRELOAD="$LIBPULP $FIXTURES/libsolo.so.1"
start_app c LD_PRELOAD="$LIBPULP"
trigger solo_p1.ulp
expect_rc 0
expect_out "app (pid $a_PID): live patching succeeded"
expect_out "app (pid $b_PID): live patching succeeded"
echo "$OUT" | grep -q "pid $c_PID" && fail "process without libsolo mentioned"
for n in a b; do
	eval "pid=\$${n}_PID"
	"$ULP" check -q -p "$pid" solo_p1.ulp || fail "$n: not applied"
done
"$ULP" check -q -p "$c_PID" solo_p1.ulp && fail "c: applied"
trigger -v solo_p1.rev
expect_rc 0
expect_out "app (pid $c_PID): skipped: does not have libsolo.so.1 loaded"
"$ULP" check -q -p "$a_PID" solo_p1.ulp && fail "a: still applied"
pass
