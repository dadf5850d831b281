# shellcheck shell=bash
# Host-side helpers (bash, sourced by tests/system/run.sh and scripts/demo.sh)
# to cross-build Pulp for a guest architecture, pack patches with the host's
# ulp, assemble a busybox + glibc initramfs and boot it (tests/guest/boot.sh).
# The caller sets SYS_SRC (source tree) and defines die().

# sys_arch ARCH: sets SYS_ARCH, SYS_TRIPLE, SYS_KERNEL, SYS_BUSYBOX; fails
# when the guest's kernel or busybox is not in the cache (tests/klp/setup.sh).
sys_arch() {
	SYS_ARCH=$1
	case $1 in
	ppc64le) SYS_TRIPLE=powerpc64le-linux-gnu ;;
	s390x) SYS_TRIPLE=s390x-linux-gnu ;;
	*) die "unknown guest architecture '$1' (ppc64le, s390x)" ;;
	esac
	local cache=${PULP_KLP_CACHE:-${XDG_CACHE_HOME:-/var/cache}/pulp-klp}
	SYS_KERNEL=$(ls "$cache/$1"/kimg/boot/vmlinu[xz]-* 2>/dev/null | head -1)
	SYS_BUSYBOX=$cache/$1/busybox/bin/busybox
	[ -n "$SYS_KERNEL" ] && [ -x "$SYS_BUSYBOX" ] ||
		die "no $1 kernel or busybox in $cache: run tests/klp/setup.sh"
}

# sys_cross_build BUILD TARGET...: configures BUILD with toolchains/ARCH.cmake
# (once) and builds TARGETs.
sys_cross_build() {
	local build=$1
	shift
	if [ ! -f "$build/CMakeCache.txt" ]; then
		cmake -S "$SYS_SRC" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$SYS_SRC/toolchains/$SYS_ARCH.cmake" \
			-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build.configure.log" 2>&1 ||
			{ tail -20 "$build.configure.log" >&2; die "configuring the $SYS_ARCH build failed"; }
	fi
	cmake --build "$build" -j "${PULP_JOBS:-2}" --target "$@" >"$build/system-build.log" 2>&1 ||
		{ grep -E -A5 'error|Error' "$build/system-build.log" | head -30 >&2; die "building for $SYS_ARCH failed ($build/system-build.log)"; }
}

# sys_has_target BUILD NAME: BUILD defines the target NAME.
sys_has_target() {
	cmake --build "$1" --target help 2>/dev/null | grep -c "[ ]$2\$" >/dev/null
}

# sys_host_ulp BUILD: sets SYS_HULP to an x86_64 ulp: the native build
# ${BUILD_DIR} when it is one, else one built in BUILD/host-ulp.
sys_host_ulp() {
	local host=$1/host-ulp
	if [ -n "${BUILD_DIR:-}" ] && [ -f "$BUILD_DIR/CMakeCache.txt" ] &&
		! grep -q '^CMAKE_TOOLCHAIN_FILE' "$BUILD_DIR/CMakeCache.txt"; then
		host=$BUILD_DIR
	elif [ ! -f "$host/CMakeCache.txt" ]; then
		cmake -S "$SYS_SRC" -B "$host" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPULP_BUILD_KLP=OFF \
			-DBUILD_TESTING=OFF >"$host.log" 2>&1 ||
			{ tail -20 "$host.log" >&2; die "configuring the host ulp failed"; }
	fi
	cmake --build "$host" -j "${PULP_JOBS:-2}" --target ulp >"$1/host-ulp.log" 2>&1 ||
		{ tail -20 "$1/host-ulp.log" >&2; die "building the host ulp in $host failed"; }
	SYS_HULP=$host/ulp/ulp
}

# sys_pack DIR NAME...: packs DIR/NAME.dsc with the host's ulp and checks
# that the patch is for the guest's architecture. The .ulp names its patch
# object by absolute path: DIR must sit at the same path in the guest.
sys_pack() {
	local dir=$1 p
	shift
	for p in "$@"; do
		"$SYS_HULP" packer -q "$dir/$p.dsc" >"$dir/$p.pack.log" 2>&1 ||
			{ cat "$dir/$p.pack.log" >&2; die "host ulp packer $p.dsc failed"; }
		rm -f "$dir/$p.pack.log"
		"$SYS_HULP" dump "$dir/$p.ulp" | grep -q "^architecture: *$SYS_ARCH\$" ||
			die "host ulp packed $p.ulp for another architecture"
	done
}

# sys_root ROOT BUILD: a root file system with busybox, /init, the
# cross-built ulp (/usr/bin/ulp) and runtime (/usr/lib/pulp/libpulp.so).
sys_root() {
	local root=$1 build=$2 a
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/lib/pulp,proc,sys,dev,tmp,run,etc,lib/$SYS_TRIPLE}
	printf 'root:x:0:0:root:/:/bin/sh\n' >"$root/etc/passwd"
	cp "$SYS_BUSYBOX" "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
	done
	install -m 0755 "$SYS_SRC/tests/system/init" "$root/init"
	cp "$build/ulp/ulp" "$root/usr/bin/ulp"
	cp "$build/preload/libpulp.so" "$root/usr/lib/pulp/libpulp.so"
}

# sys_libs ROOT ELF...: the dynamic loader where the programs expect it and
# every library the ELFs need or ulp dlopens (recursively) from the multiarch directories
# of the architecture, into ROOT/lib/TRIPLE; libraries already in an ELF's
# own directory are left there.
sys_libs() {
	local root=$1 f n d lib interp
	shift
	interp=$(readelf -l "$root/usr/bin/ulp" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	[ -n "$interp" ] || die "ulp has no program interpreter"
	mkdir -p "$root$(dirname "$interp")"
	cp -L "/lib/$SYS_TRIPLE/$(basename "$interp")" "$root$interp" ||
		die "no $(basename "$interp") for $SYS_ARCH"
	# glibc loads libgcc_s when a thread exits or is cancelled.
	cp -L "/lib/$SYS_TRIPLE/libgcc_s.so.1" "$root/lib/$SYS_TRIPLE/" || die "no libgcc_s.so.1 for $SYS_ARCH"
	local -A seen=([$(basename "$interp")]=1)
	local queue=("$@" "$root/lib/$SYS_TRIPLE/libgcc_s.so.1")
	# Libraries ulp dlopens (capstone, libdw) are named in its strings.
	for n in $(strings "$root/usr/bin/ulp" | grep -E '^lib[a-z0-9_+-]+\.so\.[0-9]+$' | sort -u); do
		for d in /lib/$SYS_TRIPLE /usr/lib/$SYS_TRIPLE; do
			[ -e "$d/$n" ] && [ ! -e "$root/lib/$SYS_TRIPLE/$n" ] && {
				cp -L "$d/$n" "$root/lib/$SYS_TRIPLE/$n"
				queue+=("$root/lib/$SYS_TRIPLE/$n")
				break
			}
		done
	done
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for n in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -n "${seen[$n]:-}" ] && continue
			seen[$n]=1
			[ -e "$(dirname "$f")/$n" ] && continue
			lib=""
			for d in /lib/$SYS_TRIPLE /usr/lib/$SYS_TRIPLE; do
				[ -e "$d/$n" ] && { lib=$d/$n; break; }
			done
			[ -n "$lib" ] || die "library $n (needed by $(basename "$f")) not found for $SYS_ARCH"
			cp -L "$lib" "$root/lib/$SYS_TRIPLE/$n"
			queue+=("$root/lib/$SYS_TRIPLE/$n")
		done
	done
}

# sys_initramfs ROOT OUT: packs ROOT as a gzip'd cpio archive.
sys_initramfs() {
	(cd "$1" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -1) >"$2" ||
		die "cannot build the initramfs"
}

# sys_boot INITRAMFS SCRIPT TIMEOUT LOG: boots the guest running SCRIPT;
# its output (what SCRIPT printed, then boot.sh's verdict) goes to stdout;
# the status is SCRIPT's, 124 if the guest hung, 125 if it crashed.
sys_boot() {
	"$SYS_SRC/tests/guest/boot.sh" -a "$SYS_ARCH" -k "$SYS_KERNEL" -i "$1" -t "$3" -l "$4" "$2" 2>&1 |
		grep -v "^qemu-system-[a-z0-9]*: warning: TCG doesn't support requested feature"
	return "${PIPESTATUS[0]}"
}
