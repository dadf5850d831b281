# Item 3: the target is SIGKILLed at random points of a trigger. The tool
# always ends within its timeout, with success (it finished first) or
# "process exited" (never a hang on a zombie it traces, never a wrong
# reason such as another build or "not Pulp's?").
. "$(dirname "$0")/rel_lib.bash"
for round in $(seq 1 40); do
	start_app "k$round"
	eval "pid=\$k${round}_PID"
	timeout 20 "$ULP" trigger --timeout 5 -p "$pid" foo_p1.ulp >"$WORK/out" 2>&1 &
	tool=$!
	sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
	kill -9 "$pid"
	wait "$tool"
	rc=$?
	o=$(cat "$WORK/out")
	echo "round $round: rc $rc: $o"
	[ $rc != 124 ] || fail "round $round: the tool hung: $o"
	expect_one_of "$o" "live patching succeeded" "failed: process exited" \
		"failed: no such process"
done
pass
