# Helpers for the guest scenarios (prepended to each scenario by boot.sh).
# A scenario's exit status is the number of failed checks.
LP=/sys/kernel/livepatch
FAILS=0
CHECKS=0
OUT=/tmp/out

step() { echo; echo "### $*"; }

# run CMD...: run it, keep stdout+stderr in $OUT, show them, set $RC.
run() {
	echo "\$ $*"
	"$@" >"$OUT" 2>&1
	RC=$?
	sed 's/^/  | /' "$OUT"
	echo "  [rc=$RC]"
	return 0
}

ok() { CHECKS=$((CHECKS + 1)); echo "ok - $*"; }
not_ok() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "not ok - $*"; }

# expect_rc N DESC: the last run's exit status was N.
expect_rc() { if [ "$RC" = "$1" ]; then ok "$2"; else not_ok "$2 (rc=$RC, want $1)"; fi; }
# expect_out REGEX DESC: the last run's output matches (grep -E).
expect_out() { if grep -qE -- "$1" "$OUT"; then ok "$2"; else not_ok "$2 (no /$1/ in output)"; fi; }
expect_no_out() { if grep -qE -- "$1" "$OUT"; then not_ok "$2 (/$1/ in output)"; else ok "$2"; fi; }
# expect DESC CMD...: CMD succeeds.
expect() { d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi; }
expect_not() { d=$1; shift; if "$@" >/dev/null 2>&1; then not_ok "$d"; else ok "$d"; fi; }

loaded() { grep -q "^$1 " /proc/modules; }
# wait_for TENTHS CMD...: poll until CMD succeeds.
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}

finish() {
	echo
	echo "checks: $CHECKS, failed: $FAILS"
	[ "$FAILS" -eq 0 ] || dmesg | tail -n 30
	exit "$FAILS"
}
