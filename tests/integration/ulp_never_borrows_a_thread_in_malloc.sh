# A thread stopped inside malloc/free holds the allocator's state: running
# the runtime's call (malloc, dlopen) on it would deadlock or corrupt the
# heap. Forced onto such a thread (--tid), ulp trigger either finds it at a
# safe point or refuses it with a clear line; the process stays healthy.
. "$(dirname "$0")/lib.sh"
require_ptrace
start_app a LD_PRELOAD="$LIBPULP" APP_HAMMER=1
hammer=$(sed -n 's/^hammer=//p' "$WORK/a.out" | head -1)
[ -n "$hammer" ] || fail "no hammer thread"
ok=0 refused=0
for i in $(seq 5); do
	trigger -p "$a_PID" --tid "$hammer" --timeout 5 foo_p1.ulp
	case "$RC" in
	0) ok=$((ok + 1)) ;;
	1) echo "$OUT" | grep -q "inside the allocator" || fail "unexpected failure"
	   refused=$((refused + 1)) ;;
	*) fail "exit status $RC" ;;
	esac
	kill -0 "$a_PID" || fail "the process died"
	trigger -p "$a_PID" foo_p1.rev
	[ "$RC" = 0 ] || [ "$RC" = 3 ] || fail "revert: exit status $RC"
done
echo "borrowed the malloc thread $ok times, refused it $refused times"
grep -q "hammer=" "$WORK/a.out" || fail "output lost"
# Without --tid, the safe thread (blocked in read) is borrowed.
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
expect_field a name patched-1
kill -0 "$a_PID" || fail "the process died"
pass
