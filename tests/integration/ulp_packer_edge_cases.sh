# The packer on the hard cases of DESIGN.md section 5: a static name defined
# twice (name,N), versioned symbols (name@VERS), an IFUNC (refused), a
# stripped library (symbols from the debug file found by build-id), and
# ulp dump of the result.
. "$(dirname "$0")/lib.sh"
lib=$FIXTURES/libedge.so.1
pack() { # pack NAME LINES...: writes $WORK/NAME.dsc, runs the packer
	local name=$1
	shift
	printf '%s\n' "$FIXTURES/libedge_p1.so" "@$LIB" "$@" >"$WORK/$name.dsc"
	PACK_OUT=$("$ULP" packer "$WORK/$name.dsc" 2>&1)
	PACK_RC=$?
}
LIB=$lib

pack dup "helper:helper_v2"
[ "$PACK_RC" = 2 ] || fail "ambiguous static name accepted"
echo "$PACK_OUT" | grep -q "2 local symbols named 'helper': write 'helper,N'" ||
	fail "ambiguity message: $PACK_OUT"
pack dup2 "helper,2:helper_v2"
[ "$PACK_RC" = 0 ] || fail "helper,2: $PACK_OUT"
pack dup3 "helper,3:helper_v2"
[ "$PACK_RC" = 2 ] || fail "helper,3 accepted"

pack ver1 "vfunc@EDGE_1:vfunc_v2"
[ "$PACK_RC" = 0 ] || fail "vfunc@EDGE_1: $PACK_OUT"
pack ver2 "vfunc@@EDGE_2:vfunc_v2"
[ "$PACK_RC" = 0 ] || fail "vfunc@@EDGE_2: $PACK_OUT"
o1=$("$ULP" dump "$WORK/ver1.ulp" | sed -n 's/^function: .*(\(0x[0-9a-f]*\) ->.*/\1/p')
o2=$("$ULP" dump "$WORK/ver2.ulp" | sed -n 's/^function: .*(\(0x[0-9a-f]*\) ->.*/\1/p')
[ -n "$o1" ] && [ "$o1" != "$o2" ] || fail "the two versions resolved to the same code ($o1, $o2)"
pack ver0 "vfunc:vfunc_v2" # unversioned: the default version, vfunc@@EDGE_2
[ "$PACK_RC" = 0 ] || fail "vfunc: $PACK_OUT"
o0=$("$ULP" dump "$WORK/ver0.ulp" | sed -n 's/^function: .*(\(0x[0-9a-f]*\) ->.*/\1/p')
[ "$o0" = "$o2" ] || fail "unversioned vfunc is $o0, the default version is $o2"

pack ifunc "ifunc_func:ifunc_v2"
[ "$PACK_RC" = 2 ] || fail "IFUNC accepted"
echo "$PACK_OUT" | grep -q "is an IFUNC" || fail "IFUNC message: $PACK_OUT"

# Stripped library + separate debug file under .build-id/xx/rest.debug.
id=$(readelf -n "$lib" | sed -n 's/.*Build ID: //p')
mkdir -p "$WORK/debug/.build-id/${id:0:2}"
"${OBJCOPY:-objcopy}" --only-keep-debug "$lib" "$WORK/debug/.build-id/${id:0:2}/${id:2}.debug"
cp "$lib" "$WORK/libedge.so.1"
"${STRIP:-strip}" --strip-all "$WORK/libedge.so.1"
LIB=$WORK/libedge.so.1
pack stripped "helper,1:helper_v2"
[ "$PACK_RC" = 2 ] || fail "stripped library: static function found without debug info"
export PULP_DEBUG_ROOT=$WORK/debug
pack stripped "helper,1:helper_v2"
[ "$PACK_RC" = 0 ] || fail "stripped library with debug file: $PACK_OUT"

"$ULP" dump --json "$WORK/stripped.ulp" | grep -q '"old": *"helper,1"' || fail "dump --json"
"$ULP" dump "$WORK/stripped.ulp" | grep -q "^target: *libedge.so.1" || fail "dump"
pass
