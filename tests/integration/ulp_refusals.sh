# Bad input gets one clear line, a documented exit status, and leaves the
# process exactly as it was.
. "$(dirname "$0")/lib.sh"
require_ptrace
start_app a LD_PRELOAD="$LIBPULP"
start_app plain
start_app other LD_PRELOAD="$LIBPULP" LD_LIBRARY_PATH="$FIXTURES/other"

# Another build of libfoo.so.1 (build-id mismatch): nothing applicable.
trigger -p "$other_PID" foo_p1.ulp
expect_rc 3
expect_out "skipped: another build of libfoo.so.1 is loaded"
expect_field other name original
grep -q libfoo_p1 /proc/"$other_PID"/maps && fail "patch object loaded anyway"

# A process without the runtime.
trigger -p "$plain_PID" foo_p1.ulp
expect_rc 3
expect_out "does not have libpulp.so loaded"

# A dead PID.
sh -c 'exit 0' & dead=$!; wait $dead
trigger -p "$dead" foo_p1.ulp
expect_rc 1
expect_out "no such process"

# A corrupt file, a missing file: bad input.
trigger -p "$a_PID" corrupt.ulp
expect_rc 2
expect_out "corrupt"
trigger -p "$a_PID" no-such.ulp
expect_rc 2
expect_out "No such file"

# Reverting a patch that is not applied: nothing to do, nothing touched.
trigger -p "$a_PID" foo_p1.rev
expect_rc 3
expect_out "skipped: foo_p1 is not applied"

# A descriptor naming a missing function is refused by the packer, so
# nothing ever reaches the process.
out=$("$ULP" packer -o "$WORK/missing.ulp" foo_missing.dsc 2>&1); rc=$?
[ "$rc" = 2 ] || fail "packer exit $rc for a missing function"
echo "$out" | grep -q "foo_missing.dsc:4: .*no symbol 'no_such_function'" ||
	fail "packer message: $out"
[ -e "$WORK/missing.ulp" ] && fail "packer wrote a patch anyway"
expect_field a name original
grep -q libfoo_p1 /proc/"$a_PID"/maps && fail "a patch object was loaded"
pass
