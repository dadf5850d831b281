# ulp trigger SIGKILLed at several points of its run: before it attaches,
# while it holds the borrowed thread (the runtime is preparing), while it
# holds every thread (the commit window), after it has let them go. Each
# time the process goes on answering, runs the old or the new code
# consistently with what `ulp check` says, and the next trigger succeeds.
# The points are observed, not timed: the tracer of each thread in
# /proc/PID/task/*/status (builtins only, so the polling is quick).
. "$(dirname "$0")/../lib.sh"
start_app a APP_HAMMER=1
[ "$(ls /proc/"$a_PID"/task | wc -l)" = 2 ] || fail "app does not have its 2 threads"

# state: prints patched-1 or original, checking that the code the process
# runs and `ulp check` agree.
state() {
	name=$(field a name) || fail "app does not answer"
	if "$ULP" check -p "$a_PID" foo_p1.ulp >/dev/null 2>&1; then want=patched-1; else want=original; fi
	[ "$name" = "$want" ] || fail "app runs '$name' while ulp check says '$want'"
	echo "$name"
}

# traced TOOL: sets TR to the number of the app's threads TOOL traces and
# NT to the number of threads.
traced() {
	TR=0 NT=0
	for st in /proc/"$a_PID"/task/*/status; do
		NT=$((NT + 1))
		while IFS= read -r l; do
			case $l in TracerPid:*)
				set -- $l
				[ "$2" = "$TOOL" ] && TR=$((TR + 1))
				break ;;
			esac
		done 2>/dev/null <"$st"
	done
}

# alive: the tool still runs (not exited, not a zombie).
alive() {
	read -r st 2>/dev/null <"/proc/$TOOL/stat" || return 1
	case $st in *") Z "*) return 1 ;; esac
	return 0
}

# kill_at POINT FILE: runs ulp trigger FILE and SIGKILLs it at POINT; sets
# LANDED=1 when the tool was killed there.
kill_at() {
	"$ULP" trigger --timeout $((10 * PULP_SLOW)) -p "$a_PID" "$2" >"$WORK/t" 2>&1 &
	TOOL=$!
	seen=0 hit=0
	case $1 in start) hit=1 ;; esac
	while [ $hit = 0 ] && alive; do
		traced
		case $1 in
		borrowed) [ $TR -ge 1 ] && hit=1 ;;
		all-stopped) [ $TR -ge 2 ] && [ $TR = $NT ] && hit=1 ;;
		released) [ $TR -ge 1 ] && seen=1; [ $seen = 1 ] && [ $TR = 0 ] && hit=1 ;;
		esac
	done
	kill -9 "$TOOL" 2>/dev/null
	wait "$TOOL"
	rc=$?
	LANDED=0
	[ $hit = 1 ] && [ $rc = 137 ] && LANDED=1
	echo "  kill at $1 ($2): rc=$rc, landed=$LANDED"
}

# trigger_eventually FILE: a trigger that succeeds, perhaps after the
# runtime has cleaned up after a dead tool ("busy" for a moment).
trigger_eventually() {
	n=$((20 * PULP_SLOW))
	while :; do
		trigger -p "$a_PID" "$1"
		[ "$RC" = 0 ] && return 0
		n=$((n - 1))
		echo "$OUT" | grep -q busy && [ $n -gt 0 ] || fail "trigger after the kill: $OUT"
		sleep 0.5
	done
}

# The tool works here at all.
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
trigger -p "$a_PID" foo_p1.rev
expect_rc 0
landed=""
for point in start borrowed all-stopped released; do
	tries=0
	while [ $tries -lt 3 ]; do
		tries=$((tries + 1))
		cur=$(state)
		if [ "$cur" = original ]; then f=foo_p1.ulp; else f=foo_p1.rev; fi
		kill_at $point $f
		kill -0 "$a_PID" 2>/dev/null || fail "app died (kill at $point)"
		sleep 0.5 # the runtime notices the dead tool and restores its thread
		echo "  app runs $(state)"
		[ $LANDED = 1 ] && { landed="$landed $point"; break; }
	done
done
echo "NOTE ulp killed mid-trigger at:$landed"
case $landed in *borrowed*) ;; *) fail "never killed the tool while it held the borrowed thread" ;; esac
# Healthy afterwards: a full apply and revert work, reads return their bytes.
[ "$(state)" = patched-1 ] && trigger_eventually foo_p1.rev
trigger_eventually foo_p1.ulp
expect_field a name patched-1
expect_field a mix 1397.5
trigger_eventually foo_p1.rev
expect_field a name original
ans=$(poke a "0123456789")
case "$ans" in "got 11 bytes: "*) ;; *) fail "read after the kills returned: $ans" ;; esac
pass
