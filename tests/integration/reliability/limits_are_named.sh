# Item 10: no silent limits (docs/limits.md). The 65th stacked patch is
# refused with a line naming the limit (it was applied while `ulp
# patches`, `check` and `.rev` ignored it); the packer refuses a patch of
# more functions than one operation can change (it packed, then the
# trigger failed "plan full").
. "$(dirname "$0")/rel_lib.bash"
command -v objcopy >/dev/null || fail "objcopy (binutils) is needed"
LIMIT=64
start_app a
files=()
for i in $(seq 1 $((LIMIT + 1))); do
	# Distinct patch objects: the same code under another build-id.
	{
		printf '\x04\x00\x00\x00\x14\x00\x00\x00\x03\x00\x00\x00GNU\x00'
		printf '%040x' "$i" | sed 's/../\\x&/g' | xargs -0 printf
	} >"$WORK/id"
	objcopy --update-section .note.gnu.build-id="$WORK/id" libfoo_p2.so \
		"$WORK/p$i.so" || fail "objcopy"
	printf "%s\n@$PWD/libfoo.so.1\nfoo_name:foo_name_v3\n" "$WORK/p$i.so" \
		>"$WORK/p$i.dsc"
	"$ULP" packer -q "$WORK/p$i.dsc" || fail "packer p$i"
	files+=("$WORK/p$i.ulp")
done
for k in 0 16 32 48; do
	trigger -p "$a_PID" "${files[@]:$k:16}"
	expect_rc 0
done
[ "$("$ULP" patches -p "$a_PID" | head -1 | sed 's/.*: //')" = "$LIMIT patches" ] ||
	fail "ulp patches: $("$ULP" patches -p "$a_PID" | head -1)"
trigger -p "$a_PID" "${files[$LIMIT]}"
[ "$RC" != 0 ] || fail "patch $((LIMIT + 1)) was applied"
expect_out "$LIMIT patches are applied, the limit"
expect_field a name patched-2
# Reverting one makes room.
trigger -p "$a_PID" "$WORK/p1.rev"
expect_rc 0
trigger -p "$a_PID" "${files[$LIMIT]}"
expect_rc 0
"$ULP" check -p "$a_PID" "${files[$LIMIT]}" || fail "check: not applied"

# Functions per patch: refused by the packer, naming the limit.
{
	echo "$PWD/libfoo_p1.so"
	echo "@$PWD/libfoo.so.1"
	for i in $(seq 1025); do echo "f$i:foo_value_v2"; done
} >"$WORK/big.dsc"
out=$("$ULP" packer -o "$WORK/big.ulp" "$WORK/big.dsc" 2>&1)
rc=$?
echo "+ ulp packer big.dsc -> $rc: $out"
[ "$rc" != 0 ] || fail "packer accepted 1025 functions"
echo "$out" | grep -q "1025 functions, more than the limit of 1024" ||
	fail "packer: $out"
pass
