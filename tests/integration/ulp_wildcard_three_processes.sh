# -p NAME-WILDCARD patches every matching process with the runtime: three
# here; a fourth without the runtime is not mentioned.
. "$(dirname "$0")/lib.sh"
require_ptrace
# A name of our own, so that other tests' processes never match.
APP_EXE=$WORK/wild$$
cp ./app "$APP_EXE"
start_app a LD_PRELOAD="$LIBPULP"
start_app b LD_PRELOAD="$LIBPULP"
start_app c LD_PRELOAD="$LIBPULP"
start_app plain
trigger -p 'wild*' foo_p1.ulp
expect_rc 0
for n in a b c; do
	eval "pid=\$${n}_PID"
	expect_out "wild$$ (pid $pid): live patching succeeded"
	expect_field "$n" name patched-1
done
echo "$OUT" | grep -q "pid $plain_PID" && fail "process without runtime mentioned"
expect_field plain name original
[ "$(echo "$OUT" | grep -c succeeded)" = 3 ] || fail "not exactly 3 processes"
# The same for a fleet tool: --json, one object per mentioned process.
trigger --json -p 'wild*' foo_p1.rev
expect_rc 0
[ "$(echo "$OUT" | tr -d ' \n' | grep -o '"result":"succeeded"' | wc -l)" = 3 ] ||
	fail "--json: not 3 results"
echo "$OUT" | tr -d ' \n' | grep -q "\"pid\":$a_PID,\"name\":\"wild$$\"" ||
	fail "--json: process a missing"
expect_field a name original
pass
