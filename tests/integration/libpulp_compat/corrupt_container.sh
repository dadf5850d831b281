# A corrupt or mismatched container is refused with one clear line and
# exit status 2 by every command; the process is left untouched.
. "$(dirname "$0")/lpc.sh"
require_ptrace
make_foo_container "$WORK/good.so"
# .ulp cut short in the middle of the function list.
"${OBJCOPY:-objcopy}" --dump-section .ulp="$WORK/ulp.bin" "$WORK/good.so" ||
	fail "objcopy"
head -c 120 "$WORK/ulp.bin" >"$WORK/short.bin"
"${OBJCOPY:-objcopy}" --update-section .ulp="$WORK/short.bin" "$WORK/good.so" \
	"$WORK/truncated.so" || fail "objcopy"
# Metadata of this container glued onto another patch object.
"${OBJCOPY:-objcopy}" --add-section .ulp="$WORK/ulp.bin" libbar_p1.so \
	"$WORK/foreign.so" || fail "objcopy"
# A .pulp section with a flipped byte (checksum).
"$ULP" packer --embed -q -o "$WORK/single.so" foo_p1.dsc || fail "packer --embed"
"${OBJCOPY:-objcopy}" --dump-section .pulp="$WORK/pulp.bin" "$WORK/single.so"
printf '\377' | dd of="$WORK/pulp.bin" bs=1 seek=80 conv=notrunc status=none
"${OBJCOPY:-objcopy}" --update-section .pulp="$WORK/pulp.bin" "$WORK/single.so" \
	"$WORK/badsum.so" || fail "objcopy"
# An ELF file with section headers cut off.
head -c 2000 "$WORK/good.so" >"$WORK/cut.so"

start_app a LD_PRELOAD="$LIBPULP"
for f in truncated foreign badsum cut; do
	expect_one_error "$ULP" dump "$WORK/$f.so"
	expect_one_error "$ULP" trigger -p "$a_PID" "$WORK/$f.so"
	expect_one_error "$ULP" check -p "$a_PID" "$WORK/$f.so"
done
expect_one_error "$ULP" dump "$WORK/truncated.so"
echo "$ERR" | grep -q "corrupt libpulp metadata" || fail "truncated: $ERR"
expect_one_error "$ULP" dump "$WORK/foreign.so"
echo "$ERR" | grep -q "another build of this container" || fail "foreign: $ERR"
expect_one_error "$ULP" dump "$WORK/badsum.so"
echo "$ERR" | grep -q "checksum" || fail "badsum: $ERR"
# An ordinary shared object is no patch.
expect_one_error "$ULP" trigger -p "$a_PID" libfoo_p1.so
echo "$ERR" | grep -q "not a patch container" || fail "plain .so: $ERR"
expect_field a name original
[ "$("$ULP" patches -p "$a_PID" | head -1)" = "app (pid $a_PID): 0 patches" ] ||
	"$ULP" patches -p "$a_PID" | head -1 | grep -q "no patches\|0 patch" ||
	fail "a patch was recorded: $("$ULP" patches -p "$a_PID")"
pass
