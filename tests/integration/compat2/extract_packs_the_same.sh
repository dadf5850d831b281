# ulp extract LIB -o LIB.json, and '@LIB.json' as a descriptor's target: a
# patch packed against the extract is byte-identical to one packed against
# the library, in every case the packer resolves (versions, name,N, data
# and TLS references, a stripped library with its debug file, raw pads),
# refuses the same descriptors, and packs where the library is gone.
. "$COMPAT2_SOURCE_DIR/../lib.sh"
P=$PARENT_FIXTURES
mkdir -p "$WORK/elf" "$WORK/json"

# same NAME LIB JSON OBJ LINES...: packs the lines against LIB and JSON
# (same output name in two directories) and compares.
same() {
	local name=$1 lib=$2 json=$3 obj=$4 rc1 rc2 o1 o2
	shift 4
	printf '%s\n' "$obj" "@$lib" "$@" >"$WORK/elf/$name.dsc"
	printf '%s\n' "$obj" "@$json" "$@" >"$WORK/json/$name.dsc"
	o1=$("$ULP" packer -q "$WORK/elf/$name.dsc" 2>&1)
	rc1=$?
	o2=$("$ULP" packer -q "$WORK/json/$name.dsc" 2>&1)
	rc2=$?
	[ "$rc1" = "$rc2" ] || fail "$name: exit $rc1 against the ELF ($o1), $rc2 against the extract ($o2)"
	if [ "$rc1" = 0 ]; then
		cmp "$WORK/elf/$name.ulp" "$WORK/json/$name.ulp" || fail "$name: the .ulp differs"
		cmp "$WORK/elf/$name.rev" "$WORK/json/$name.rev" || fail "$name: the .rev differs"
	fi
	echo "$name: exit $rc1 both ways${o2:+ ($o2)}"
	PACK_RC=$rc1 PACK_OUT=$o2
}

"$ULP" extract "$P/libedge.so.1" -o "$WORK/edge.json" || fail "ulp extract libedge"
grep -q '"build_id"' "$WORK/edge.json" || fail "no build-id in the extract"
grep -q '"version": "EDGE_1"' "$WORK/edge.json" || fail "no symbol versions in the extract"
grep -q '"buildid"' "$WORK/edge.json" || fail "no libpulp 'library' view"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/edge.json" || fail "not JSON"
fi
E=$P/libedge_p1.so
same dup "$P/libedge.so.1" "$WORK/edge.json" "$E" "helper:helper_v2"
[ "$PACK_RC" = 2 ] && echo "$PACK_OUT" | grep -q "write 'helper,N'" || fail "ambiguity not reported"
same dup2 "$P/libedge.so.1" "$WORK/edge.json" "$E" "helper,2:helper_v2"
[ "$PACK_RC" = 0 ] || fail "helper,2"
same dup3 "$P/libedge.so.1" "$WORK/edge.json" "$E" "helper,3:helper_v2"
same ver1 "$P/libedge.so.1" "$WORK/edge.json" "$E" "vfunc@EDGE_1:vfunc_v2"
[ "$PACK_RC" = 0 ] || fail "vfunc@EDGE_1"
same ver2 "$P/libedge.so.1" "$WORK/edge.json" "$E" "vfunc@@EDGE_2:vfunc_v2"
same ver0 "$P/libedge.so.1" "$WORK/edge.json" "$E" "vfunc:vfunc_v2"
cmp -s "$WORK/json/ver0.ulp" "$WORK/json/ver1.ulp" && fail "vfunc resolved to EDGE_1, not the default version"
same ifunc "$P/libedge.so.1" "$WORK/edge.json" "$E" "ifunc_func:ifunc_v2"
echo "$PACK_OUT" | grep -q "IFUNC" || fail "IFUNC not refused against the extract"
same nosym "$P/libedge.so.1" "$WORK/edge.json" "$E" "no_such_function:vfunc_v2"
[ "$PACK_RC" = 2 ] || fail "a missing symbol packed"

# Data and TLS references, an exported variable: libfoo's patch.
"$ULP" extract "$P/libfoo.so.1" -o "$WORK/foo.json" || fail "ulp extract libfoo"
same foo "$P/libfoo.so.1" "$WORK/foo.json" "$P/libfoo_p1.so" \
	$(grep -v '^[!@]' "$P/foo_p1.dsc" | tail -n +2)
[ "$PACK_RC" = 0 ] || fail "foo_p1 against the extract"
# The single-file form too.
printf '%s\n' "$P/libfoo_p1.so" "@$WORK/foo.json" foo_value:foo_value_v2 >"$WORK/json/c.dsc"
printf '%s\n' "$P/libfoo_p1.so" "@$P/libfoo.so.1" foo_value:foo_value_v2 >"$WORK/elf/c.dsc"
"$ULP" packer -q --embed -o "$WORK/json/c.so" "$WORK/json/c.dsc" || fail "--embed against the extract"
"$ULP" packer -q --embed -o "$WORK/elf/c.so" "$WORK/elf/c.dsc" || fail "--embed"
cmp "$WORK/json/c.so" "$WORK/elf/c.so" || fail "the single-file patches differ"

# Pads never normalised: packed both ways, with a note.
"$ULP" extract "$FIXTURES/libraw.so.1" -o "$WORK/raw.json" || fail "ulp extract libraw"
same raw "$FIXTURES/libraw.so.1" "$WORK/raw.json" "$FIXTURES/libraw_p1.so" raw_value:raw_value_v2
[ "$PACK_RC" = 0 ] || fail "raw pads refused"
"$ULP" packer -o "$WORK/raw_note.ulp" "$WORK/json/raw.dsc" 2>&1 | grep -q "note: .*not normalised by 'ulp post'" ||
	fail "no note about the raw pad"

# A stripped library and its debug file: the extract carries the debug
# file's symbols, so packing needs neither.
id=$(readelf -n "$P/libedge.so.1" | sed -n 's/.*Build ID: //p')
mkdir -p "$WORK/debug/.build-id/${id:0:2}"
"${OBJCOPY:-objcopy}" --only-keep-debug "$P/libedge.so.1" "$WORK/debug/.build-id/${id:0:2}/${id:2}.debug"
cp "$P/libedge.so.1" "$WORK/libedge.so.1"
"${STRIP:-strip}" --strip-all "$WORK/libedge.so.1"
PULP_DEBUG_ROOT=$WORK/debug "$ULP" extract "$WORK/libedge.so.1" -o "$WORK/stripped.json" || fail "extract stripped"
printf '%s\n' "$E" "@$WORK/libedge.so.1" "helper,1:helper_v2" >"$WORK/elf/stripped.dsc"
printf '%s\n' "$E" "@$WORK/stripped.json" "helper,1:helper_v2" >"$WORK/json/stripped.dsc"
PULP_DEBUG_ROOT=$WORK/debug "$ULP" packer -q "$WORK/elf/stripped.dsc" || fail "stripped with its debug file"
rm -rf "$WORK/debug" "$WORK/libedge.so.1" # neither is installed here
"$ULP" packer -q "$WORK/json/stripped.dsc" || fail "the extract of a stripped library"
cmp "$WORK/elf/stripped.ulp" "$WORK/json/stripped.ulp" || fail "stripped: the .ulp differs"

# libpulp's own extract has no code bytes: refused with a clear line.
printf '{ "library": { "name": "libedge.so.1", "buildid": "%s", "symbols": [] } }\n' "$id" >"$WORK/lp.json"
printf '%s\n' "$E" "@$WORK/lp.json" "vfunc:vfunc_v2" >"$WORK/lp.dsc"
out=$("$ULP" packer -q "$WORK/lp.dsc" 2>&1) && fail "libpulp's extract accepted"
echo "$out" | grep -q "run 'ulp extract'" || fail "libpulp extract message: $out"
# Nor is anything else taken for an extract.
echo "not json" >"$WORK/bad.json"
printf '%s\n' "$E" "@$WORK/bad.json" "vfunc:vfunc_v2" >"$WORK/bad.dsc"
"$ULP" packer -q "$WORK/bad.dsc" 2>/dev/null && fail "garbage accepted as a target"
pass
