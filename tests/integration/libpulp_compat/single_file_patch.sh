# ulp packer --embed writes a single-file patch: a copy of the patch object
# carrying the .ulp in a .pulp section, loaded code untouched. Every reader
# accepts it; it applies and reverts in a running process.
. "$(dirname "$0")/lpc.sh"
require_ptrace
cp foo_p1.dsc "$WORK/" && cp libfoo_p1.so libfoo.so.1 "$WORK/" ||
	fail "copying fixtures"
sed -i "s|^libfoo_p1.so|$PWD/libfoo_p1.so|; s|^@libfoo.so.1|@$PWD/libfoo.so.1|" \
	"$WORK/foo_p1.dsc"
out=$("$ULP" packer --embed -o "$WORK/foo_single.so" "$WORK/foo_p1.dsc") ||
	fail "packer --embed: $out"
echo "$out" | grep -q "wrote $WORK/foo_single.so (single-file patch)" ||
	fail "packer output: $out"
[ ! -e "$WORK/foo_p1.ulp" ] || fail "--embed also wrote a .ulp"
# Same code, same segments, same build-id: only a section was added.
for opt in "-l -W" "-n"; do
	cmp <(readelf $opt libfoo_p1.so | grep -v "^ *Elf file type\|^$") \
		<(readelf $opt "$WORK/foo_single.so" | grep -v "^ *Elf file type\|^$") ||
		fail "readelf $opt differs"
done
cmp <(objdump -d libfoo_p1.so | tail -n +4) \
	<(objdump -d "$WORK/foo_single.so" | tail -n +4) || fail "code differs"

d=$("$ULP" dump "$WORK/foo_single.so") || fail "dump: $d"
echo "$d"
echo "$d" | grep -q "^format: *single-file patch (.pulp section)" || fail "dump: format"
echo "$d" | grep -q "^patch object: *$WORK/foo_single.so" ||
	fail "dump: the container is not its own patch object"
"$ULP" dump --json "$WORK/foo_single.so" | grep -q '"format":"pulp-single-file"' ||
	"$ULP" dump --json "$WORK/foo_single.so" | grep -q '"format": *"pulp-single-file"' ||
	fail "dump --json: format"

start_app a LD_PRELOAD="$LIBPULP"
expect_field a name original
trigger -p "$a_PID" "$WORK/foo_single.so"
expect_rc 0
expect_field a name patched-1
expect_field a mix 1397.5
expect_field a fact 240
"$ULP" check -p "$a_PID" "$WORK/foo_single.so" >/dev/null || fail "check: not applied"
# The patch's identity is the build-id of its object: the .rev packed from
# the same descriptor reverts the single-file patch.
trigger -p "$a_PID" foo_p1.rev
expect_rc 0
expect_field a name original
expect_field a fact 120
# Re-embedding replaces the section instead of adding a second one.
"$ULP" packer --embed -q -o "$WORK/foo_single.so" "$WORK/foo_p1.dsc" || fail "re-embed"
[ "$(readelf -S -W "$WORK/foo_single.so" | grep -c ' \.pulp ')" = 1 ] ||
	fail "two .pulp sections"
trigger -p "$a_PID" "$WORK/foo_single.so"
expect_rc 0
expect_field a name patched-1
trigger -p "$a_PID" --revert-all=libfoo.so.1
expect_rc 0
expect_field a name original
pass
