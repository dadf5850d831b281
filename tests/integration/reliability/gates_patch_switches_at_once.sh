# Per-patch consistency without stopping threads (docs/apply-protocol.md,
# "Per-patch switch without stopping threads (gates)"): in the default mode
# a 250-function patch is applied and reverted many times while three
# threads call all 250 functions in order. Each thread checks that it
# never steps back: during an apply, once a call returned the new result,
# no later call of that thread returns an old one (the reverse during a
# revert), which holds only if every function switches at the same
# instant. Control (the check can fail): the same cycles with
# --consistency=function, where the functions switch one after another,
# must show such steps back.
. "$(dirname "$0")/func_lib.bash"
: "${FUNC_TARGET:?}"
CYCLES=${GATE_CYCLES:-20}
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: gates exist on x86_64 only"; exit 77; }

start_gate() { APP_EXE=$FUNC_TARGET start_app "$1" LD_PRELOAD="$LIBPULP"; }

# cycles NAME N [TRIGGER OPTIONS]: N apply/revert cycles, each checked.
cycles() {
	local name=$1 n=$2 pid
	shift 2
	eval "pid=\$${name}_PID"
	for _ in $(seq "$n"); do
		poke "$name" apply >/dev/null
		trigger -p "$pid" "$@" "$PATCH"
		expect_rc 0
		expect_field "$name" fnew 250
		poke "$name" revert >/dev/null
		trigger -p "$pid" "$@" "$REV"
		expect_rc 0
		expect_field "$name" fnew 0
	done
}

start_gate g
cycles g "$CYCLES"
ans=$(poke g)
echo "per-patch, $CYCLES cycles: $ans"
[ "$(in_answer "$ans" bad)" = 0 ] || fail "a call returned neither the old nor the new result: $ans"
[ "$(in_answer "$ans" old)" -gt 0 ] && [ "$(in_answer "$ans" new)" -gt 0 ] ||
	fail "the workers did not see both versions: $ans"
[ "$(in_answer "$ans" viol)" = 0 ] ||
	fail "a thread saw an old result after a new one: the patch did not switch at once: $ans"
alive "$g_PID" || fail "the target died"

# Control: per function, a worker running just behind the switching
# thread sees f_i new and f_i+1 still old. Up to 5 rounds of cycles.
start_gate h
for round in 1 2 3 4 5; do
	cycles h "$CYCLES" --consistency=function
	ans=$(poke h)
	echo "per-function, round $round: $ans"
	[ "$(in_answer "$ans" viol)" -gt 0 ] && break
done
[ "$(in_answer "$ans" bad)" = 0 ] || fail "bad calls in per-function mode: $ans"
[ "$(in_answer "$ans" viol)" -gt 0 ] ||
	fail "per-function mode never showed a step back: the check cannot see one"
pass
