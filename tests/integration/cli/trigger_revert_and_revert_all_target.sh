# libpulp's `ulp trigger --revert FILE` reverts the patch FILE applies (the
# runtime gets R<path>), from a .ulp or a single-file patch; and
# --revert-all=target reverts everything on each file's own target library
# before applying the file.
. "$CLI_SOURCE_DIR/../lib.sh"
require_ptrace
APP_EXE=./cli_app start_app a LD_PRELOAD="$LIBPULP"
expect_field a value 1

trigger -p "$a_PID" cli_p1.ulp; expect_rc 0
expect_field a value 2
trigger -p "$a_PID" --revert cli_p1.ulp; expect_rc 0
expect_out "live patching succeeded"
expect_field a value 1
"$ULP" messages -p "$a_PID" | grep -q "cli_p1: revert prepared" ||
	fail "the runtime did not revert cli_p1"
# Reverting what is not applied: nothing to do (Pulp's 3, not applicable).
trigger -p "$a_PID" --revert cli_p1.ulp; expect_rc 3
expect_out "is not applied"
# --revert with --revert-all is refused, as libpulp does.
trigger -p "$a_PID" --revert --revert-all=libcli.so.1 cli_p1.ulp; expect_rc 2

# A single-file patch (the patch object carrying its .ulp).
cp cli_p1.dsc libcli_p1.so libcli.so.1 "$WORK/" || fail "copying fixtures"
sed -i "s|^libcli_p1.so|$PWD/libcli_p1.so|; s|^@libcli.so.1|@$PWD/libcli.so.1|" \
	"$WORK/cli_p1.dsc"
"$ULP" packer --embed -q -o "$WORK/cli_single.so" "$WORK/cli_p1.dsc" ||
	fail "packer --embed"
trigger -p "$a_PID" "$WORK/cli_single.so"; expect_rc 0
expect_field a value 2
trigger -p "$a_PID" --revert "$WORK/cli_single.so"; expect_rc 0
expect_field a value 1
"$ULP" check -q -p "$a_PID" "$WORK/cli_single.so" && fail "still applied"

# --revert-all=target: the file's target (libcli.so.1) is cleared first,
# then the file applies: the single-file patch replaces cli_p1 in one
# operation, and only one patch is listed afterwards.
trigger -p "$a_PID" cli_p1.ulp; expect_rc 0
trigger -p "$a_PID" --revert-all=target "$WORK/cli_single.so"; expect_rc 0
expect_field a value 2
j=$("$ULP" patches -p "$a_PID" --json | tr -d ' \n')
[ "$(echo "$j" | grep -o '"name":"cli_[a-z0-9_]*"' | sort | tr '\n' ' ')" = \
	'"name":"cli_app" "name":"cli_single" ' ] ||
	fail "--revert-all=target: cli_single should be the only patch: $j"
"$ULP" check -q -p "$a_PID" "$WORK/cli_single.so" ||
	fail "the single-file patch is not the one applied"
# --revert-all=target needs a file to name the target.
trigger -p "$a_PID" --revert-all=target; expect_rc 2
trigger -p "$a_PID" --revert-all=libcli.so.1; expect_rc 0
expect_field a value 1
pass
