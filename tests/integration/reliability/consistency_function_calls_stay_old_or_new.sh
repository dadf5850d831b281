# Per-function consistency (ulp trigger --consistency=function, or
# PULP_CONSISTENCY=function): a 250-function patch is applied and reverted
# many times by the runtime itself while three threads call all 250
# functions in a loop. Every call returns the old or the new result, never
# anything else; after each trigger every function answers as it should;
# and no other thread was stopped (the runtime's own commit was used: a
# thread blocked in read() never woke).
. "$(dirname "$0")/func_lib.bash"
CYCLES=${FUNC_CYCLES:-20}
start_func a
ans=$(poke a)
reader=$(in_answer "$ans" reader)
v0=$(vcsw "$a_PID" "$reader")
for i in $(seq "$CYCLES"); do
	# Half of the cycles through the option, half through the environment.
	if [ $((i % 2)) = 0 ]; then
		trigger -p "$a_PID" --consistency=function "$PATCH"
	else
		OUT=$(PULP_CONSISTENCY=function "$ULP" trigger -p "$a_PID" "$PATCH" 2>&1)
		RC=$?
		echo "+ PULP_CONSISTENCY=function ulp trigger -> $RC: $OUT"
	fi
	expect_rc 0
	expect_field a fnew 250
	trigger -p "$a_PID" --consistency=function "$REV"
	expect_rc 0
	expect_field a fnew 0
done
v1=$(vcsw "$a_PID" "$reader")
ans=$(poke a)
echo "after $CYCLES cycles: $ans"
[ "$(in_answer "$ans" bad)" = 0 ] || fail "a call returned neither the old nor the new result: $ans"
[ "$(in_answer "$ans" old)" -gt 0 ] && [ "$(in_answer "$ans" new)" -gt 0 ] ||
	fail "the workers did not see both versions: $ans"
[ "$v0" = "$v1" ] ||
	fail "the reader thread was woken or stopped ($v0 -> $v1 switches): not the runtime's own commit"
alive "$a_PID" || fail "the target died"
pass
