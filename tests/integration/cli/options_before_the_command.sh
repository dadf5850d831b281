# libpulp's users type options before the command (ulp -p PID patches) and
# libpulp's flags (-q, --color, --disable-threading, ...): every form works
# on a real process, the same as the options typed after the command.
. "$CLI_SOURCE_DIR/../lib.sh"
require_ptrace
APP_EXE=./cli_app start_app a LD_PRELOAD="$LIBPULP"
expect_field a value 1

# patches / check / dump, options first.
out=$("$ULP" -p "$a_PID" patches) || fail "ulp -p PID patches: $out"
echo "$out" | grep -q "(pid $a_PID): 0 patches" || fail "patches: $out"
out=$("$ULP" -p "$a_PID" --json patches) || fail "ulp -p PID --json patches"
echo "$out" | tr -d ' \n' | grep -q "\"pid\":$a_PID" || fail "patches --json: $out"
"$ULP" --color=never dump cli_p1.ulp | grep -q "^patch: *cli_p1" || fail "--color=never dump"
"$ULP" --color auto -q dump cli_p1.ulp >/dev/null || fail "--color auto -q dump"

# trigger: -v and -p before the command, the file after it.
OUT=$("$ULP" -v -p "$a_PID" trigger cli_p1.ulp 2>&1); RC=$?
echo "$OUT"; expect_rc 0
expect_out "(pid $a_PID): live patching succeeded"
expect_field a value 2
# check, options first: Pulp's meaning (0 applied), -q silent.
out=$("$ULP" -p "$a_PID" check cli_p1.ulp) || fail "check: $out"
echo "$out" | grep -q "cli_p1 applied" || fail "check output: $out"
[ -z "$("$ULP" -q -p "$a_PID" check cli_p1.ulp)" ] || fail "check -q printed"
"$ULP" -p "$a_PID" patches -b | grep -q "build-id [0-9a-f]\{40\}" ||
	fail "patches -b: no build-id"
"$ULP" --only-livepatched patches | grep -q "(pid $a_PID)" ||
	fail "--only-livepatched: the patched process is not listed"

# libpulp's flags that mean nothing here are accepted (and --revert from
# before the command); -q prints nothing on success.
OUT=$("$ULP" -q --disable-threading --disable-summarization --color=no \
	-c -p "$a_PID" --revert trigger cli_p1.ulp 2>&1); RC=$?
echo "$OUT"; expect_rc 0
[ -z "$OUT" ] || fail "-q printed: $OUT"
expect_field a value 1
[ -z "$("$ULP" -q -p "$a_PID" check cli_p1.ulp)" ] || fail "check -q printed"
"$ULP" -q -p "$a_PID" check cli_p1.ulp && fail "check: still applied"
# --disable-seccomp on a process without a filter: the trigger works
# (disable_seccomp_suspends_the_filter.sh tests a filtered process).
OUT=$("$ULP" trigger --disable-seccomp -p "$a_PID" cli_p1.ulp 2>&1); RC=$?
echo "$OUT"; expect_rc 0
expect_field a value 2
# -u: a user the process does not run as selects nothing.
trigger -u no-such-user-here --revert cli_p1.ulp; expect_rc 3
expect_field a value 2
trigger -u "$(id -un)" -p 'cli_app*' --revert cli_p1.ulp; expect_rc 0
expect_field a value 1
# An option before the command, with no command, is a usage error.
"$ULP" -p "$a_PID" >/dev/null 2>&1; [ $? = 2 ] || fail "no command: not 2"
pass
