#!/bin/sh
# Runs every system scenario (tests/system/scenarios/*.sh) and prints one
# line per scenario: "PASS NAME", "FAIL NAME" (then the scenario's last
# output lines) or "SKIP NAME" (exit 77); then "N passed, N failed"; exit 0
# only if all passed. Runs inside the guests (busybox sh) and natively.
# Environment: ULP, LIBPULP, FIXTURES (see lib.sh), PULP_SLOW,
# SYSTEM_TIMEOUT (seconds per scenario, default 60 * PULP_SLOW),
# HIJACK_RUN + HIJACK_TARGET + HIJACK_DRIVER + HIJACK_RUNTIME + HIJACK_CASES
# to also run those cases of tests/integration/hijack/run.sh.
# A scenario's lines starting with "NOTE " are shown after its PASS;
# SYSTEM_VERBOSE=1 shows every scenario's whole output ("  | " lines).
here=$(cd "$(dirname "$0")" && pwd)
slow=${PULP_SLOW:-1}
tmo=${SYSTEM_TIMEOUT:-$((60 * slow))}
log=$(mktemp -d)
pass=0 fail=0
report() { # NAME RC LOG (and $t0, when it started)
	t=$(($(date +%s) - t0))s
	[ "${SYSTEM_VERBOSE:-0}" = 1 ] && sed 's/^/  | /' "$3"
	if [ "$2" = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $1 ($t)"
		sed -n 's/^NOTE /    /p' "$3"
	else
		fail=$((fail + 1))
		case $2 in 124 | 143) why="timed out after ${tmo}s" ;; *) why="exit $2" ;; esac
		echo "FAIL $1 ($why, $t)"
		tail -n 25 "$3" | sed 's/^/    /'
	fi
}
for s in "$here"/scenarios/*.sh; do
	name=$(basename "$s" .sh)
	[ -n "${SYSTEM_ONLY:-}" ] && [ "$name" != "$SYSTEM_ONLY" ] && continue
	t0=$(date +%s)
	timeout "$tmo" sh "$s" >"$log/$name" 2>&1
	rc=$?
	if [ $rc = 77 ]; then
		echo "SKIP $name ($(tail -n 1 "$log/$name"))"
		continue
	fi
	report "$name" $rc "$log/$name"
done
if [ -n "${HIJACK_RUN:-}" ]; then
	for c in ${HIJACK_CASES:-}; do
		t0=$(date +%s)
		timeout "$tmo" sh "$HIJACK_RUN" "$c" "$HIJACK_TARGET" "$HIJACK_DRIVER" \
			"$HIJACK_RUNTIME" >"$log/hijack_$c" 2>&1
		rc=$?
		if [ $rc = 77 ]; then
			echo "SKIP hijack_$c ($(tail -n 1 "$log/hijack_$c"))"
			continue
		fi
		report "hijack_$c" $rc "$log/hijack_$c"
	done
fi
rm -rf "$log"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
