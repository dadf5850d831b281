#!/bin/sh
# Integration tests of `ulp livepatchable` and `ulp post` on real libraries
# built (at test time) by each architecture's compiler with the flags of
# docs/pad-layouts.md.
#   run.sh CASE ULP SRCDIR WORKDIR [EMULATOR]
# EMULATOR runs ULP in a cross build (CMAKE_CROSSCOMPILING_EMULATOR).
# Exit 0 pass, 1 fail, 77 skipped (a compiler or emulator is missing).
set -u
CASE=$1 ULP_BIN=$2 SRC=$3 WORK=$4
EMU=$(echo "${5:-}" | tr ";" " ") # a CMake list
ULP=ulp_cmd
ulp_cmd() { $EMU "$ULP_BIN" "$@"; }

rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK" || exit 1

fail() { echo "FAIL ($CASE): $*" >&2; exit 1; }
skip() { echo "SKIP ($CASE): $*"; exit 77; }

# The compiler for an architecture: the host's cc when it is that
# architecture, else the Debian cross compiler.
compiler() {
  case $1 in
  x86_64) triple=x86_64-linux-gnu ;;
  ppc64le) triple=powerpc64le-linux-gnu ;;
  s390x) triple=s390x-linux-gnu ;;
  esac
  if [ "$(uname -m)" = "$1" ] && command -v cc >/dev/null; then
    echo cc
  elif command -v "$triple-gcc" >/dev/null; then
    echo "$triple-gcc"
  else
    skip "no compiler for $1 (apt-get install gcc-$triple)"
  fi
}

# The emulator that runs an architecture's programs here, or nothing.
runner() {
  if [ "$(uname -m)" = "$1" ]; then
    echo env
  else
    q=qemu-$1
    [ "$1" = ppc64le ] || [ "$1" = s390x ] || q=qemu-x86_64
    command -v "$q" >/dev/null && echo "$q"
  fi
}

FLAGS_x86_64="-fpatchable-function-entry=16,14"
FLAGS_ppc64le="-pg -mprofile-kernel -fpatchable-function-entry=16,16"
FLAGS_s390x="-fpatchable-function-entry=8,8 -mhotpatch=0,3"

# expect STATUS PATTERN CMD...: runs CMD, checks its exit status and that
# its stdout+stderr contain PATTERN.
expect() {
  want=$1 pattern=$2
  shift 2
  "$@" >out.txt 2>&1
  got=$?
  [ "$got" = "$want" ] || { cat out.txt >&2; fail "'$*' exited $got, want $want"; }
  grep -q -- "$pattern" out.txt || { cat out.txt >&2; fail "'$*' did not say '$pattern'"; }
}

# build ARCH OUT CFLAGS...: the fixture library (plus the _mcount stub on
# ppc64le when the flags use -pg); -pg never reaches the link line.
build() {
  arch=$1 out=$2
  shift 2
  cc=$(compiler "$arch")
  "$cc" "$@" -fPIC -c "$SRC/fixture.c" -o fixture.o || fail "compiling for $arch"
  objs=fixture.o
  case " $* " in
  *" -pg "*)
    "$cc" -c "$SRC/../../../arch/ppc64le/mcount_stub.S" -o mcount_stub.o ||
      fail "assembling the _mcount stub"
    objs="$objs mcount_stub.o" ;;
  esac
  "$cc" -shared $objs $EXTRA_OBJS -o "$out" || fail "linking for $arch"
}
EXTRA_OBJS=

# run_fixture ARCH LIB: the library still computes the same.
run_fixture() {
  r=$(runner "$1")
  [ -n "$r" ] || { echo "note: cannot run $1 programs here"; return 0; }
  cc=$(compiler "$1")
  "$cc" "$SRC/fixture_main.c" -o main -L. -l:"$2" -Wl,-rpath,'$ORIGIN' ||
    fail "linking the fixture program"
  expect 0 41 $r ./main
  echo "ran the fixture program with $2 ($r)"
}

# patchable ARCH OPT...: the whole post workflow on one library.
patchable() {
  arch=$1
  shift
  eval flags=\$FLAGS_$arch
  build "$arch" libfix.so "$@" $flags

  # As linked: x86_64 entries are two 1-byte NOPs (accepted with a note:
  # only a stop-the-world trigger switches them);
  # ppc64le pads call the stub (fine, single-instruction switch); s390x
  # pads are final.
  case $arch in
  x86_64) expect 0 "not normalised by 'ulp post'" $ULP livepatchable libfix.so
          grep -q " 0 clean" out.txt || fail "raw pads reported clean" ;;
  ppc64le) expect 0 "live-patchable (ppc64le" $ULP livepatchable libfix.so
           grep -q " 0 clean" out.txt || fail "raw pads reported clean" ;;
  s390x) expect 0 "live-patchable (s390x" $ULP livepatchable libfix.so ;;
  esac

  # As linked it runs (on ppc64le every call goes through the stub).
  run_fixture "$arch" libfix.so
  cp libfix.so linked.so
  case $arch in
  s390x) expect 0 " 0 pads normalised" $ULP post libfix.so ;;
  *) expect 0 "pads normalised, 0 already clean" $ULP post libfix.so
     grep -q ": 0 pads normalised" out.txt && fail "post changed nothing" ;;
  esac
  expect 0 "0 raw" $ULP livepatchable libfix.so
  expect 0 "fixture_leaf: clean" $ULP livepatchable -v libfix.so
  expect 0 '"livepatchable": true' $ULP livepatchable --json libfix.so

  # Idempotent: a second post says so and changes no byte.
  cp libfix.so once.so
  expect 0 ": 0 pads normalised" $ULP post libfix.so
  cmp -s once.so libfix.so || fail "a second post changed the file"
  # Only pad bytes changed: at most post_len per function.
  n=$(cmp -l linked.so libfix.so | wc -l)
  [ "$n" -le 64 ] || fail "post changed $n bytes"

  run_fixture "$arch" libfix.so
}

case $CASE in
x86_64_O2) patchable x86_64 -O2 ;;
x86_64_Os) patchable x86_64 -Os ;;
x86_64_O2_cf) patchable x86_64 -O2 -fcf-protection ;;
x86_64_Os_cf) patchable x86_64 -Os -fcf-protection ;;
ppc64le) patchable ppc64le -O2 ;;
ppc64le_Os) patchable ppc64le -Os ;;
s390x) patchable s390x -O2 ;;
s390x_Os) patchable s390x -Os ;;
no_pads)
  build x86_64 plain.so -O2
  expect 1 "no __patchable_function_entries" $ULP livepatchable plain.so
  expect 1 '"livepatchable": false' $ULP livepatchable --json plain.so
  expect 2 "no __patchable_function_entries" $ULP post plain.so
  ;;
wrong_shape)
  build x86_64 short.so -O2 -fpatchable-function-entry=8,4
  expect 1 "not live-patchable x86_64 pads" $ULP livepatchable short.so
  cp short.so before.so
  expect 2 "nothing written" $ULP post short.so
  cmp -s before.so short.so || fail "post wrote into a file it refused"
  ;;
ppc64le_no_profile)
  build ppc64le noprof.so -O2 -fpatchable-function-entry=16,16
  expect 1 "mprofile-kernel" $ULP livepatchable noprof.so
  ;;
ppc64le_foreign_mcount)
  cc=$(compiler ppc64le)
  "$cc" -O2 -fPIC -c "$SRC/foreign_mcount.c" -o foreign.o || fail "compiling"
  "$cc" -O2 -fPIC $FLAGS_ppc64le -c "$SRC/fixture.c" -o fixture.o || fail "compiling"
  "$cc" -shared fixture.o foreign.o -o foreign.so || fail "linking"
  expect 1 "not Pulp's _mcount stub" $ULP livepatchable foreign.so
  expect 2 "_mcount" $ULP post foreign.so
  ;;
ppc64_big_endian)
  # EM_PPC64 also names big-endian ppc64, which Pulp refuses clearly.
  cc=$(compiler ppc64le)
  "$cc" -mbig-endian -O2 -fPIC -fpatchable-function-entry=16,16 \
    -c "$SRC/fixture.c" -o be.o 2>/dev/null &&
    "$cc" -mbig-endian -shared -nostdlib be.o -o be.so 2>/dev/null ||
    skip "$cc cannot build big-endian code"
  expect 1 "big-endian" $ULP livepatchable be.so
  expect 2 "big-endian" $ULP post be.so
  ;;
s390x_no_hotpatch)
  build s390x nohot.so -O2 -fpatchable-function-entry=8,8
  expect 1 "mhotpatch" $ULP livepatchable nohot.so
  ;;
redirect_runs_x86_64 | redirect_runs_ppc64le | redirect_runs_s390x)
  arch=${CASE#redirect_runs_}
  cc=$(compiler "$arch")
  r=$(runner "$arch")
  [ -n "$r" ] || skip "cannot run $arch programs here (apt-get install qemu-user)"
  eval flags=\$FLAGS_$arch
  root=$SRC/../../..
  extra=
  [ "$arch" = ppc64le ] && extra=$root/arch/ppc64le/mcount_stub.S
  "$cc" -O2 $flags -c "$SRC/redirect_victim.c" -o victim.o || fail "compiling"
  "$cc" -O2 -std=gnu11 -I"$root" -DPULP_NATIVE_ARCH_$arch -o selftest \
    "$SRC/redirect_selftest.c" victim.o $extra "$root/arch/layouts.c" \
    "$root/arch/x86_64/layout.c" "$root/arch/ppc64le/layout.c" \
    "$root/arch/s390x/layout.c" "$root/core/err.c" "$root/core/plan.c" ||
    fail "building the self-test"
  expect 0 "$arch: ok" $r ./selftest
  cat out.txt
  ;;
errors)
  expect 2 "No such file" $ULP livepatchable missing.so
  echo "not an ELF file" >text.so
  expect 2 "not a 64-bit ELF" $ULP livepatchable text.so
  expect 2 "not a 64-bit ELF" $ULP post text.so
  expect 2 "usage" $ULP livepatchable
  expect 2 "usage" $ULP post
  expect 0 "usage" $ULP livepatchable --help
  expect 0 "usage" $ULP post --help
  ;;
*) fail "unknown case" ;;
esac
echo "PASS ($CASE)"
