# Install Pulp into a prefix; build a library live-patchable from outside
# the project, through CMake (find_package) and through pkg-config.
. "$(dirname "$0")/lib.sh"
: "${PULP_BUILD_DIR:?}" "${PULP_SOURCE_DIR:?}"
prefix=$WORK/prefix
cmake --install "$PULP_BUILD_DIR" --prefix "$prefix" >/dev/null || fail "install"
for f in bin/ulp include/pulp.h share/man/man1/ulp.1 share/man/man7/libpulp.7; do
	[ -e "$prefix/$f" ] || fail "$f not installed"
done
lib=$(find "$prefix" -name libpulp.so | head -1)
[ -n "$lib" ] || fail "libpulp.so not installed"
pc=$(dirname "$(find "$prefix" -name libpulp.pc | head -1)")
[ -n "$pc" ] || fail "libpulp.pc not installed"
export PATH=$prefix/bin:$PATH

# CMake: find_package(pulp) + pulp_livepatchable().
cmake -S "$PULP_SOURCE_DIR/tests/integration/packager" -B "$WORK/cm" \
	-DCMAKE_PREFIX_PATH="$prefix" >/dev/null || fail "configure"
cmake --build "$WORK/cm" >/dev/null || fail "build"
"$prefix/bin/ulp" livepatchable "$WORK/cm/libwidget.so.1" >/dev/null ||
	fail "CMake-built library is not live-patchable"

# pkg-config: the flags and ulp post.
cflags=$(PKG_CONFIG_PATH=$pc pkg-config --variable=livepatchable_cflags libpulp)
ldflags=$(PKG_CONFIG_PATH=$pc pkg-config --variable=livepatchable_ldflags libpulp)
[ -n "$cflags" ] || fail "empty livepatchable_cflags"
cc $cflags -O2 -fPIC -shared -Wl,--build-id -o "$WORK/libw.so" \
	"$PULP_SOURCE_DIR/tests/integration/packager/widget.c" $ldflags || fail "cc"
"$prefix/bin/ulp" livepatchable "$WORK/libw.so" | grep -q "not normalised by 'ulp post'" ||
	fail "raw pads before ulp post not noted"
"$prefix/bin/ulp" post "$WORK/libw.so" >/dev/null || fail "ulp post"
"$prefix/bin/ulp" livepatchable "$WORK/libw.so" >/dev/null || fail "not live-patchable after ulp post"
pass
