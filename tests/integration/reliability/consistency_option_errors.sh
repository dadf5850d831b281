# ulp trigger --consistency: a bad value (option or PULP_CONSISTENCY) is
# one clear line and exit status 2, before any process is touched; the
# option wins over the environment; --help documents it.
. "$(dirname "$0")/func_lib.bash"
start_func e
for bad in "--consistency=per-call" "--consistency=" "--consistency=Function"; do
	trigger -p "$e_PID" "$bad" "$PATCH"
	expect_rc 2
	[ "$(echo "$OUT" | wc -l)" = 1 ] || fail "$bad: not one line"
	expect_out "is neither 'patch' nor 'function'"
done
OUT=$(PULP_CONSISTENCY=atomic "$ULP" trigger -p "$e_PID" "$PATCH" 2>&1)
RC=$?
echo "PULP_CONSISTENCY=atomic -> $RC: $OUT"
expect_rc 2
expect_out "PULP_CONSISTENCY): 'atomic' is neither"
expect_field e fnew 0
trigger -p "$e_PID" --consistency
expect_rc 2
# The option wins over a bad environment value.
OUT=$(PULP_CONSISTENCY=atomic "$ULP" trigger -p "$e_PID" --consistency=patch "$PATCH" 2>&1)
RC=$?
echo "PULP_CONSISTENCY=atomic --consistency=patch -> $RC: $OUT"
expect_rc 0
expect_field e fnew 250
trigger -p "$e_PID" --consistency=patch "$REV"
expect_rc 0
"$ULP" trigger --help | grep -q -- "--consistency=patch|function" || fail "--help lacks --consistency"
pass
