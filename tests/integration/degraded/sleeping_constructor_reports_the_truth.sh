# Item 11.2: a patch constructor that sleeps holds the borrowed thread in
# the runtime's prepare. The tool times out and is gone; a later trigger
# must say what is really going on (the runtime still loading a patch on
# thread N, for S s) and never name the dead tool's pid as if it drove the
# runtime, nor take the control block over under the running load. Once
# the constructor returns, the runtime aborts that load by itself and the
# next trigger succeeds.
. "$(dirname "$0")/deg_lib.bash"
require_ptrace
touch "$WORK/hold"
start_app a DEG_CTOR_HOLD="$WORK/hold"
"$ULP" trigger --timeout 1 -p "$a_PID" "$DEG_DIR/ctor_p.ulp" >"$WORK/first" 2>&1 &
first=$!
wait $first
RC=$?
echo "+ first trigger -> $RC: $(cat "$WORK/first")"
[ $RC != 0 ] || fail "the first trigger succeeded while its constructor sleeps"
sleep 1.2
for i in 1 2; do
	trigger --timeout 1 -p "$a_PID" "$DEG_DIR/one_p.ulp"
	[ "$RC" != 0 ] || fail "a second operation ran while the first still loads"
	echo "$OUT" | grep -q "pid $first" && fail "the dead tool's pid is named"
	echo "$OUT" | grep -q "another ulp" && fail "a dead tool is reported as driving"
	expect_out "busy: the runtime is still loading a patch on thread [0-9]* (for [0-9]* s"
done
alive "$a_PID" || fail "the target died"
rm "$WORK/hold" # the constructor returns; the runtime aborts its load
for i in $(seq 50); do
	trigger -p "$a_PID" "$DEG_DIR/one_p.ulp"
	[ "$RC" = 0 ] && break
	sleep 0.2
done
expect_rc 0
expect_field a name one
expect_field a patches 1
pass
