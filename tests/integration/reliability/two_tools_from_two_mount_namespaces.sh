# Item 1: three tools at once on one process, each in its own mount
# namespace with a private /run/lock (containers, PrivateTmp): the
# exclusion lives in the target, so per round every tool either succeeds
# or reports busy (or finds the work done), at least one succeeds, the
# patch is applied exactly as often as the rounds say, and the process
# keeps answering with the right results.
. "$(dirname "$0")/rel_lib.bash"
unshare -m true 2>/dev/null || { echo "SKIP: no mount namespaces"; exit 77; }
start_app a
for round in $(seq 1 ${ROUNDS:-30}); do
	if [ $((round % 2)) = 1 ]; then f=foo_p1.ulp want=patched-1; else f=foo_p1.rev want=original; fi
	tools=()
	for k in 1 2 3; do
		unshare -m sh -c 'mount -t tmpfs none /run/lock && exec "$0" trigger -p "$1" "$2"' \
			"$ULP" "$a_PID" "$f" >"$WORK/t$k" 2>&1 &
		tools+=($!)
	done
	wait "${tools[@]}"
	ok=0
	for k in 1 2 3; do
		o=$(cat "$WORK/t$k")
		expect_one_of "$o" "live patching succeeded" "failed: busy" "skipped: .* is not applied" \
			"failed: foo_p1: patch is not applied"
		echo "round $round: $o"
		echo "$o" | grep -q succeeded && ok=$((ok + 1))
	done
	[ $ok -ge 1 ] || fail "round $round: nobody succeeded"
	alive "$a_PID" || fail "round $round: the target died"
	expect_field a name "$want"
	n=$("$ULP" patches -p "$a_PID" | head -1)
	case $want in
	patched-1) [ "$n" = "rel_target (pid $a_PID): 1 patch" ] || fail "round $round: $n" ;;
	*) echo "$n" | grep -q ": 1 patch" && fail "round $round: still applied: $n" ;;
	esac
done
v=$(field a value)
[ "$v" = 2 ] || fail "value=$v after the last revert"
pass
