# Item 8: the target library given as its own patch object redirected
# every function to itself (each call then spun forever). The packer
# refuses it (same file, through another path too, or same build-id);
# the runtime refuses a .ulp that says so anyway (bad_offsets_are_refused
# covers the build-id; here the file itself is named).
. "$(dirname "$0")/rel_lib.bash"
lib=$(readlink -f "$FIXTURES/libfoo.so.1")
ln -s "$lib" "$WORK/alias.so"
cp "$lib" "$WORK/copy.so"
for obj in "$lib" "$WORK/alias.so" "$WORK/copy.so"; do
	printf '%s\n@%s\nfoo_name:foo_name\n' "$obj" "$lib" >"$WORK/self.dsc"
	out=$("$ULP" packer -o "$WORK/self.ulp" "$WORK/self.dsc" 2>&1)
	rc=$?
	echo "+ ulp packer ($obj) -> $rc: $out"
	[ "$rc" != 0 ] || fail "packer accepted $obj as the patch of itself"
	echo "$out" | grep -q "is the target .* itself" || fail "packer: $out"
	[ ! -e "$WORK/self.ulp" ] || fail "packer wrote self.ulp"
done
start_app a
"$ULP_MUTATE" foo_p1.ulp "$WORK/m.ulp" patch_build_id_from 0 "$lib" ||
	fail "ulp_mutate"
trigger -p "$a_PID" "$WORK/m.ulp"
[ "$RC" != 0 ] || fail "the runtime applied the target as its own patch"
expect_out "is the target .* itself"
expect_field a name original
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
expect_field a name patched-1
pass
