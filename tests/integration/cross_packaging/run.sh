#!/bin/sh
# Cross-packaging (DESIGN.md section 6): the host's ulp on the files of
# another architecture, as a packager building for POWER or Z on x86_64.
#   run.sh CASE ULP SRCDIR WORKDIR
# pack_ARCH   builds libcp.so.1 (live-patchable, flags of
#             docs/pad-layouts.md) and the patch object libcp_p1.so with
#             ARCH's compiler, then runs ulp livepatchable, post, packer,
#             dump and dump --json, checking every offset against the
#             symbol table (readelf) and the build-ids against the notes.
# apply_ARCH  pack_ARCH, then applies and reverts the .ulp in-process
#             (cp_main.c) with the libpulp.so of the ARCH build directory
#             named by PULP_CROSS_BUILD_<ARCH> (PULP_CROSS_BUILD_PPC64LE,
#             PULP_CROSS_BUILD_S390X), under qemu-user when ARCH is foreign.
# Exit 0 pass, 1 fail, 77 skipped (no compiler, emulator or build dir).
set -u
CASE=$1 ULP=$2 SRC=$3 WORK=$4
ROOT=$SRC/../../..
FX=$ROOT/tests/integration/fixtures

fail() { echo "FAIL ($CASE): $*" >&2; exit 1; }
skip() { echo "SKIP ($CASE): $*"; exit 77; }

rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1
WORK=$(pwd)

ARCH=${CASE#*_}
case $ARCH in
x86_64) triple=x86_64-linux-gnu machine="X86-64" endian=little
  flags="-fpatchable-function-entry=16,14" ;;
ppc64le) triple=powerpc64le-linux-gnu machine="PowerPC64" endian=little
  flags="-pg -mprofile-kernel -fpatchable-function-entry=16,16" ;;
s390x) triple=s390x-linux-gnu machine="IBM S/390" endian=big
  flags="-fpatchable-function-entry=8,8 -mhotpatch=0,3" ;;
*) fail "unknown architecture $ARCH" ;;
esac
command -v readelf >/dev/null || skip "no readelf (binutils)"
if [ "$(uname -m)" = "$ARCH" ] && command -v cc >/dev/null; then
  CC=cc
elif command -v "$triple-gcc" >/dev/null; then
  CC=$triple-gcc
else
  skip "no compiler for $ARCH (apt-get install gcc-$triple)"
fi

# expect STATUS PATTERN CMD...: CMD's exit status, and PATTERN (grep -e)
# in its output (out.txt).
expect() {
  want=$1 pattern=$2
  shift 2
  "$@" >out.txt 2>&1
  got=$?
  [ "$got" = "$want" ] || { cat out.txt >&2; fail "'$*' exited $got, want $want"; }
  grep -q -e "$pattern" out.txt ||
    { cat out.txt >&2; fail "'$*' did not say '$pattern'"; }
}

# has FILE TEXT: FILE contains the fixed string TEXT.
has() { grep -qF -e "$2" "$1" || { cat "$1" >&2; fail "$1 lacks: $2"; }; }

# sym FILE NAME: st_value of NAME, as 0x%x (the last column of readelf -s
# is the name whatever the st_other column shows, e.g. ppc64le localentry).
sym() {
  v=$(readelf -sW "$1" | awk -v n="$2" '$NF == n { print $2; exit }')
  [ -n "$v" ] || fail "$2 not in the symbol table of $1"
  printf '%#x' "0x$v"
}
dec() { printf '%d' "$1"; }
build_id() { readelf -n "$1" | awk '/Build ID:/ { print $3; exit }'; }

# The library: live-patchable flags on the compile line only; the ppc64le
# _mcount stub joins the link, -pg never does.
"$CC" -O2 -fPIC -fno-toplevel-reorder $flags -I"$SRC" -c "$SRC/libcp.c" \
  -o libcp.o || fail "compiling libcp.c for $ARCH"
objs=libcp.o
if [ "$ARCH" = ppc64le ]; then
  "$CC" -c "$ROOT/arch/ppc64le/mcount_stub.S" -o mcount_stub.o ||
    fail "assembling the _mcount stub"
  objs="$objs mcount_stub.o"
fi
"$CC" -shared -Wl,-soname,libcp.so.1 -Wl,--build-id $objs -o libcp.so.1 ||
  fail "linking libcp.so.1"
"$CC" -O2 -fPIC -I"$FX" -c "$SRC/cp_p1.c" -o cp_p1.o || fail "compiling cp_p1.c"
"$CC" -shared -Wl,--build-id cp_p1.o -o libcp_p1.so || fail "linking libcp_p1.so"
cp "$SRC/cp_p1.dsc" .
for f in libcp.so.1 libcp_p1.so; do
  readelf -h "$f" >hdr.txt
  has hdr.txt "$machine"
  has hdr.txt "$endian endian"
done

# ulp livepatchable as linked, then post.
case $ARCH in
x86_64) expect 0 "not normalised by 'ulp post'" "$ULP" livepatchable libcp.so.1 ;;
*) expect 0 "live-patchable ($ARCH" "$ULP" livepatchable libcp.so.1 ;;
esac
expect 0 "libcp.so.1: .* pads normalised" "$ULP" post libcp.so.1
expect 0 '"livepatchable": true' "$ULP" livepatchable --json libcp.so.1
has out.txt "\"arch\": \"$ARCH\""
has out.txt '"raw": 0'
expect 0 "cp_value: clean" "$ULP" livepatchable -v libcp.so.1
has out.txt "cp_tls_value: clean"

# ulp packer, then what ulp dump reads back, against the files themselves.
expect 0 "2 functions, 2 references on libcp.so.1" "$ULP" packer cp_p1.dsc
[ -s cp_p1.ulp ] && [ -s cp_p1.rev ] || fail "no cp_p1.ulp/.rev"
head -c 8 cp_p1.ulp | grep -q PULPULP || fail "cp_p1.ulp has no magic"

tid=$(build_id libcp.so.1) pid=$(build_id libcp_p1.so)
[ -n "$tid" ] && [ -n "$pid" ] || fail "no build-id note"
o_val=$(sym libcp.so.1 cp_value) n_val=$(sym libcp_p1.so cp_value_v2)
o_tls=$(sym libcp.so.1 cp_tls_value) n_tls=$(sym libcp_p1.so cp_tls_value_v2)
t_cnt=$(sym libcp.so.1 cp_counter) p_cnt=$(sym libcp_p1.so counter_ref)
t_tls=$(sym libcp.so.1 cp_tls) p_tls=$(sym libcp_p1.so tls_ref)
[ "$t_tls" != 0 ] || fail "cp_tls is at TLS offset 0: the test proves nothing"

for kind in apply revert; do
  f=cp_p1.ulp
  [ $kind = revert ] && f=cp_p1.rev
  expect 0 "patch: *cp_p1 ($kind)" "$ULP" dump $f
  has out.txt "architecture: $ARCH"
  has out.txt "patch object: $WORK/libcp_p1.so"
  has out.txt "target:       libcp.so.1"
  grep -A1 '^patch object' out.txt | grep -q "build-id: *$pid" ||
    fail "$f: patch build-id is not $pid"
  grep -A1 '^target' out.txt | grep -q "build-id: *$tid" ||
    fail "$f: target build-id is not $tid"
  has out.txt "label:        CVE-2026-0606"
  has out.txt "label:        bsc#606"
  has out.txt "function:     cp_value -> cp_value_v2 ($o_val -> $n_val)"
  has out.txt "function:     cp_tls_value -> cp_tls_value_v2 ($o_tls -> $n_tls)"
  has out.txt "reference:    cp_counter -> counter_ref ($t_cnt -> $p_cnt)"
  has out.txt "reference:    TLS cp_tls -> tls_ref ($t_tls -> $p_tls)"

  expect 0 '"name"' "$ULP" dump --json $f
  tr -d ' \n' <out.txt >flat.txt
  has flat.txt "\"kind\":\"$kind\""
  has flat.txt "\"architecture\":\"$ARCH\""
  has flat.txt "\"patch_build_id\":\"$pid\""
  has flat.txt "\"target_build_id\":\"$tid\""
  has flat.txt "\"target\":\"libcp.so.1\""
  has flat.txt '"target_is_executable":false'
  has flat.txt "{\"old\":\"cp_value\",\"new\":\"cp_value_v2\",\"old_offset\":$(dec $o_val),\"new_offset\":$(dec $n_val)}"
  has flat.txt "{\"old\":\"cp_tls_value\",\"new\":\"cp_tls_value_v2\",\"old_offset\":$(dec $o_tls),\"new_offset\":$(dec $n_tls)}"
  has flat.txt "{\"tls\":false,\"exported\":false,\"target\":\"cp_counter\",\"patch\":\"counter_ref\",\"target_offset\":$(dec $t_cnt),\"patch_offset\":$(dec $p_cnt)}"
  has flat.txt "\"tls\":true,"
  has flat.txt "\"target\":\"cp_tls\",\"patch\":\"tls_ref\",\"target_offset\":$(dec $t_tls),\"patch_offset\":$(dec $p_tls)}"
done
echo "packed for $ARCH: functions $o_val->$n_val $o_tls->$n_tls, references $t_cnt->$p_cnt TLS $t_tls->$p_tls"

case $CASE in
pack_*) echo "PASS ($CASE)"; exit 0 ;;
apply_*) ;;
*) fail "unknown case" ;;
esac

# The packed patch applied by that architecture's runtime.
var=PULP_CROSS_BUILD_$(echo "$ARCH" | tr a-z A-Z)
eval build=\${$var:-}
[ -n "$build" ] || skip "set $var to a build directory for $ARCH"
lib=$build/preload/libpulp.so
[ -f "$lib" ] || skip "no $lib (build the pulp target there)"
if [ "$(uname -m)" = "$ARCH" ]; then
  run=env
else
  run=qemu-$ARCH
  command -v "$run" >/dev/null || skip "no $run (apt-get install qemu-user)"
fi
"$CC" -O2 -I"$SRC" -I"$ROOT/include" "$SRC/cp_main.c" -o cp_main libcp.so.1 \
  "$lib" -pthread -Wl,-rpath,"$WORK" -Wl,-rpath,"$(dirname "$lib")" ||
  fail "linking cp_main"
expect 0 "^ok" $run ./cp_main "$WORK/cp_p1.ulp" "$WORK/cp_p1.rev"
echo "PASS ($CASE): applied and reverted with $lib ($run)"
