# After a trigger over several processes, one line for scripts:
# "N patched, N skipped, N failed"; --json carries the same counts next to
# the results; -q and --disable-summarization drop the line.
. "$CLI_SOURCE_DIR/../lib.sh"
require_ptrace
APP_EXE=./cli_app start_app a LD_PRELOAD="$LIBPULP"
APP_EXE=./cli_app start_app b LD_PRELOAD="$LIBPULP"
APP_EXE=./cli2_app start_app c LD_PRELOAD="$LIBPULP"

trigger cli_p1.ulp; expect_rc 0
last=$(echo "$OUT" | tail -n 1)
echo "$last" | grep -q "^2 patched, [0-9][0-9]* skipped, 0 failed$" ||
	fail "summary line: '$last'"
expect_field a value 2
expect_field b value 2
expect_field c value 10
# Already applied counts as patched (exit 0).
trigger -p 'cli_app' cli_p1.ulp; expect_rc 0
expect_out "^2 patched, 0 skipped, 0 failed$"
# JSON: results and summary.
trigger --json --revert cli_p1.ulp; expect_rc 0
j=$(echo "$OUT" | sed 1d | tr -d ' \n')
echo "$j" | grep -q '"summary":{"patched":2,"skipped":[0-9]*,"failed":0}' ||
	fail "--json summary"
[ "$(echo "$j" | grep -o '"result":"succeeded"' | wc -l)" = 2 ] ||
	fail "--json: not 2 results"
echo "$OUT" | grep -q "patched, " && fail "--json printed the text line"
expect_field a value 1
# A failure is counted and sets exit 1: b stopped (SIGSTOP) cannot run the
# runtime before the timeout.
kill -STOP "$b_PID"
trigger --timeout 1 -r 1 cli_p1.ulp; expect_rc 1
kill -CONT "$b_PID"
expect_out "^1 patched, [0-9]* skipped, 1 failed$"
expect_field a value 2
trigger -q -p 'cli_app' cli_p1.ulp; expect_rc 0
[ -z "$OUT" ] || fail "-q printed: $OUT"
trigger --disable-summarization --revert cli_p1.ulp; expect_rc 0
echo "$OUT" | grep -q "patched, " && fail "--disable-summarization printed it"
# A single -p PID keeps its one line, without a summary.
trigger -p "$c_PID" cli2_p1.ulp; expect_rc 0
echo "$OUT" | grep -q "patched, " && fail "summary after a single -p PID"
expect_field c value 20
pass
