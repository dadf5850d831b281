# The real `ulp trigger` borrows a thread that holds known values in every
# register its architecture has (GPRs, FPRs, vector registers, the special
# ones: the spinner of tests/integration/hijack, mode "any") and in the
# protected zone below its stack pointer; libfoo.so.1 is preloaded so that
# foo_p1 applies. After an apply and a revert through that thread, the
# spinner finds every value unchanged. Needs HIJACK_TARGET; exit 77 without.
. "$(dirname "$0")/../lib.sh"
[ -n "${HIJACK_TARGET:-}" ] || { echo "no HIJACK_TARGET: skipped"; exit 77; }
: >"$WORK/t.out"
LD_PRELOAD="$LIBPULP $FIXTURES/libfoo.so.1" "$HIJACK_TARGET" regs any >"$WORK/t.out" 2>&1 &
pid=$!
APPS="$APPS $pid"
i=$((200 * PULP_SLOW))
until grep -q '^ready\|^skip' "$WORK/t.out"; do
	i=$((i - 1))
	[ $i -gt 0 ] && kill -0 $pid 2>/dev/null || fail "hijack_target did not start: $(cat "$WORK/t.out")"
	sleep 0.05
done
grep -q '^skip' "$WORK/t.out" && { cat "$WORK/t.out"; exit 77; }
set -- $(grep '^ready' "$WORK/t.out")
tid=$2
trigger -p "$pid" --tid "$tid" foo_p1.ulp
expect_rc 0
"$ULP" check -p "$pid" foo_p1.ulp || fail "foo_p1 not applied"
trigger -p "$pid" --tid "$tid" foo_p1.rev
expect_rc 0
kill -USR1 $pid
wait $pid
rc=$?
cat "$WORK/t.out"
[ $rc = 0 ] || fail "the spinner's registers changed (hijack_target exited $rc)"
pass
