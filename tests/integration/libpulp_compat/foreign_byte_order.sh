# A libpulp container of another architecture and byte order (s390x is
# big-endian, ppc64le little-endian) is read on this host: the reader is
# byte-order aware (packagers cross-build; the runtime reads its own).
. "$(dirname "$0")/lpc.sh"
ran=0
for cc in s390x-linux-gnu-gcc powerpc64le-linux-gnu-gcc; do
	command -v "$cc" >/dev/null || continue
	arch=${cc%%-*}
	d="$WORK/$arch"
	mkdir -p "$d"
	printf 'int f(int x) { return x + 1; }\nint g(void) { return 2; }\nint var = 3;\n' >"$d/t.c"
	printf 'int *var_ref;\nint f_v2(int x) { return x + *var_ref; }\n' >"$d/p.c"
	"$cc" -O2 -shared -fPIC -Wl,--build-id -Wl,-soname,libt.so.1 -o "$d/libt.so.1" "$d/t.c" &&
		"$cc" -O2 -shared -fPIC -Wl,--build-id -o "$d/p.so" "$d/p.c" ||
		fail "$cc failed"
	"$PY" "$LPC_DIR/mkcontainer.py" --objcopy "${cc%gcc}objcopy" "$d/p.so" "$d/libt.so.1" \
		"$d/t_livepatch1.so" --func f:f_v2 --ref var:var_ref --comment "CVE-2026-9" ||
		fail "mkcontainer.py ($arch)"
	out=$("$ULP" dump "$d/t_livepatch1.so") || fail "$arch: dump: $out"
	echo "$out"
	want_machine=$arch
	[ "$arch" = powerpc64le ] && want_machine=ppc64le
	echo "$out" | grep -q "^architecture: *$want_machine" || fail "$arch: machine"
	echo "$out" | grep -q "^label: *CVE-2026-9" || fail "$arch: label"
	# Offsets as the foreign file's own symbol tables give them.
	fo=$(readelf -sW "$d/libt.so.1" | awk '$NF == "f" { print $2; exit }')
	no=$(readelf -sW "$d/p.so" | awk '$NF == "f_v2" { print $2; exit }')
	vo=$(readelf -sW "$d/libt.so.1" | awk '$NF == "var" { print $2; exit }')
	echo "$out" | grep -q "function: *f -> f_v2 (0x$(printf '%x' 0x$fo) -> 0x$(printf '%x' 0x$no))" ||
		fail "$arch: function offsets (want $fo -> $no)"
	echo "$out" | grep -q "reference: *var -> var_ref (0x$(printf '%x' 0x$vo) -> " ||
		fail "$arch: reference offset (want $vo)"
	tid=$(readelf -n "$d/libt.so.1" | sed -n 's/.*Build ID: //p')
	echo "$out" | grep -A1 "^target: *libt.so.1" | grep -q "build-id: *$tid" ||
		fail "$arch: target build-id"
	"$ULP" dump --revert "$d/t_livepatch1.so" | grep -q "(revert)" ||
		fail "$arch: .ulp.rev"
	ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || { echo "SKIP: no cross compiler"; exit 77; }
pass
