# Item 9: a patch object replaced on disk after packing was refused only
# after dlopen (its constructors ran, it stayed mapped, and the process
# could not be patched again even once the right file was back). The
# runtime reads the build-id from the file first and loads the very file
# it checked (/proc/self/fd/N).
. "$(dirname "$0")/rel_lib.bash"
cp libfoo_p1.so "$WORK/obj.so"
sed -e "s|^libfoo_p1.so|$WORK/obj.so|" -e "s|^@libfoo.so.1|@$PWD/libfoo.so.1|" foo_p1.dsc >"$WORK/p.dsc"
"$ULP" packer -q -o "$WORK/p.ulp" "$WORK/p.dsc" || fail "packer"
start_app a
cp "$WORK/obj.so" "$WORK/good.so"
cp libfoo_p2.so "$WORK/obj.so" # another build in its place
trigger -p "$a_PID" "$WORK/p.ulp"
[ "$RC" != 0 ] || fail "a replaced patch object was applied"
expect_out "build-id differs"
[ "$(echo "$OUT" | wc -l)" = 1 ] || fail "not one line"
grep -q "$WORK/obj.so" "/proc/$a_PID/maps" &&
	fail "the replaced object was loaded: $(grep obj.so "/proc/$a_PID/maps")"
expect_field a name original
# Not an ELF file at all.
echo junk >"$WORK/obj.so"
trigger -p "$a_PID" "$WORK/p.ulp"
[ "$RC" != 0 ] || fail "junk applied"
expect_out "build-id differs"
# The right file back: the patch applies (nothing was left behind).
cp "$WORK/good.so" "$WORK/obj.so"
trigger -p "$a_PID" "$WORK/p.ulp"
expect_rc 0
expect_field a name patched-1
grep -q "$WORK/obj.so" "/proc/$a_PID/maps" || fail "patch object not mapped"
"$ULP" check -p "$a_PID" "$WORK/p.ulp" || fail "ulp check: not applied"
"$ULP" patches -p "$a_PID" | grep -q "p " || true
trigger -p "$a_PID" "$WORK/p.rev"
expect_rc 0
expect_field a name original
pass
