# Descriptors with no function lines pack, apply and revert: a patch that
# only carries a data reference, and a placeholder with nothing but its
# object and target.
. "$COMPAT2_SOURCE_DIR/../lib.sh"
require_ptrace
for p in raw_d1 raw_e1; do
	o=$("$ULP" packer -o "$WORK/$p.ulp" "$p.dsc" 2>&1) || fail "packer $p: $o"
	echo "$o"
	echo "$o" | grep -q "0 functions" || fail "$p: $o"
done
"$ULP" dump "$WORK/raw_d1.ulp" | grep -q "raw_data" || fail "the reference is not in the .ulp"
APP_EXE=./compat2_app start_app a LD_PRELOAD="$LIBPULP"
expect_field a value 1

trigger -p "$a_PID" "$WORK/raw_d1.ulp"
expect_rc 0
trigger -p "$a_PID" "$WORK/raw_e1.ulp"
expect_rc 0
out=$("$ULP" patches -p "$a_PID" 2>&1)
echo "$out"
echo "$out" | grep -q raw_d1 || fail "raw_d1 not listed as applied"
echo "$out" | grep -q raw_e1 || fail "raw_e1 not listed as applied"
grep -q libraw_d1.so "/proc/$a_PID/maps" || fail "the data-only patch object is not loaded"
expect_field a value 1
expect_field a data 7

trigger -p "$a_PID" "$WORK/raw_e1.rev"
expect_rc 0
trigger -p "$a_PID" "$WORK/raw_d1.rev"
expect_rc 0
out=$("$ULP" patches -p "$a_PID" 2>&1)
echo "$out" | grep -q "raw_[de]1" && fail "still listed after the revert: $out"
expect_field a value 1
kill -0 "$a_PID" || fail "the process died"
pass
