# Item 11.3: the tool stopped by SIGTSTP (Ctrl-Z) in the middle of its
# commit used to keep every target thread stopped for as long as it was
# stopped. Now the commit window is immune to job control: the stop is
# kept and takes effect once every target thread runs again (the
# operation completes first); SIGCONT lets the tool finish normally.
. "$(dirname "$0")/deg_lib.bash"
require_ptrace
start_app a
poke a >/dev/null # resets the longest stall
# Job control: the driver in a process group of its own (not orphaned),
# as a shell runs a foreground command.
set -m
"$DEG_DRIVER" --stop-world --tstp-at writing "$a_PID" "$DEG_DIR/one_p.ulp" \
	>"$WORK/drv" 2>&1 &
drv=$!
set +m
for _ in $(seq 200); do
	[ "$(pstate "$drv")" = T ] && break
	sleep 0.05
done
[ "$(pstate "$drv")" = T ] || fail "SIGTSTP did not stop the tool at all"
sleep 2
for t in /proc/"$a_PID"/task/*; do
	st=$(sed 's/.*) //' "$t/stat" | cut -c1)
	[ "$st" != t ] && [ "$st" != T ] ||
		fail "thread ${t##*/} of the target is stopped while the tool is"
done
gap=$(field a gap) || fail "the target does not answer while the tool is stopped"
[ "$gap" -lt 1500 ] || fail "the target was frozen for $gap ms"
expect_field a name one # committed before the tool stopped
kill -CONT "$drv"
wait "$drv"
rc=$?
echo "driver -> $rc: $(cat "$WORK/drv")"
[ $rc = 0 ] || fail "the tool failed after SIGCONT"
alive "$a_PID" || fail "the target died"
pass
