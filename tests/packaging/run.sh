#!/bin/bash
# Usage: tests/packaging/run.sh [WORK_DIR]
# The packages, built and used as a distribution would (issue 10):
#  - dpkg-buildpackage -b builds the Debian split; lintian is clean; each
#    package holds its files (soname, pc, CMake package, unit, completion);
#    dpkg-buildpackage -a ppc64el / -a s390x cross-build it;
#  - rpmbuild builds the same split from packaging/rpm/pulp.spec; rpm -qlp
#    shows the files in the right places;
#  - a fresh Debian 12 root (tests/packaging/fresh-root.sh) gets the amd64
#    packages; there, with the installed files only: the live demo (patch
#    built by the installed ulp packer, applied and reverted in a process
#    preloading the installed libpulp.so.0), a live patch package applied
#    by the dpkg trigger and reverted on removal, the opt-in preload package,
#    klp status --root and klp boot, man --warnings on the installed pages;
#  - bash completion of ulp and klp; every option in the man pages.
# Prints "N passed, N failed"; exit 0 only if all passed. Needs root (apt,
# chroot, mount). Work files: WORK_DIR (default /tmp/pulp-packaging).
# Environment: PULP_PACKAGING_CACHE (see fresh-root.sh), PULP_PKG_RPM=0 to
# skip the RPM build, PULP_PKG_CROSS=0 to skip the ppc64el/s390x builds.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=${1:-/tmp/pulp-packaging}
start=$(date +%s)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { # DESC CMD...: CMD succeeds
	local d=$1
	shift
	if "$@" >"$work/last.log" 2>&1; then ok "$d"; else
		bad "$d"
		sed 's/^/    /' "$work/last.log" | tail -n 20
	fi
}
finish() {
	echo "packaging: wall time $(($(date +%s) - start))s"
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
}
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root"; echo "0 passed, 1 failed"; exit 1; }

# Dependencies, installed only when missing.
need=()
for p in debhelper lintian rpm mmdebstrap man-db bash-completion fakeroot \
	cmake pkg-config libelf-dev libdw-dev libcapstone-dev libjson-c-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null ||
		{ bad "installing ${need[*]}"; finish; }
fi

umount_root() {
	local m
	for m in proc dev; do mountpoint -q "$work/root/$m" 2>/dev/null && umount -l "$work/root/$m"; done
	return 0
}
cleanup() {
	[ -n "${demo_pid:-}" ] && kill "$demo_pid" 2>/dev/null
	umount_root
}
trap cleanup EXIT
umount_root
rm -rf "$work" && mkdir -p "$work/src" || { bad "creating $work"; finish; }

# 1. Debian packages, from a copy of the tree (the build writes into it).
(cd "$src" && git ls-files -co --exclude-standard | grep -v '^build' | tar --ignore-failed-read -cf - -T - 2>/dev/null) |
	tar -C "$work/src" -xf -
t0=$(date +%s)
if (cd "$work/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -b -uc -us) \
	>"$work/dpkg-buildpackage.log" 2>&1; then
	ok "dpkg-buildpackage -b ($(($(date +%s) - t0))s)"
else
	bad "dpkg-buildpackage -b"
	tail -n 30 "$work/dpkg-buildpackage.log" | sed 's/^/    /'
	finish
fi
deb() { ls "$work"/"$1"_*.deb 2>/dev/null | head -1; }
for p in libpulp0 libpulp-tools klp libpulp-dev libpulp-load-default; do
	[ -f "$(deb $p)" ] && ok "package $p built" || bad "package $p built"
done
lintian "$work"/*.changes >"$work/lintian.log" 2>&1
if grep -E '^[EW]:' "$work/lintian.log"; then bad "lintian clean"; else ok "lintian clean (no E:/W:)"; fi

has() { # PACKAGE PATH: the package ships PATH
	dpkg-deb -c "$(deb "$1")" | awk '{print $6}' | grep -qx "./${2#/}"
}
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
check "libpulp0 ships libpulp.so.0" has libpulp0 /usr/lib/$ma/libpulp.so.0
mkdir -p "$work/x/libpulp0"
dpkg-deb -x "$(deb libpulp0)" "$work/x/libpulp0"
check "libpulp.so.0 has SONAME libpulp.so.0" \
	sh -c "objdump -p '$work/x/libpulp0/usr/lib/$ma/libpulp.so.0' | grep -q 'SONAME *libpulp.so.0'"
check "libpulp-dev ships pulp.h, libpulp.pc, the CMake package, libpulp.so" bash -c "
	$(declare -f has deb); work='$work'
	has libpulp-dev /usr/include/pulp.h && has libpulp-dev /usr/lib/$ma/pkgconfig/libpulp.pc &&
	has libpulp-dev /usr/lib/$ma/cmake/pulp/pulp-config.cmake && has libpulp-dev /usr/lib/$ma/libpulp.so"
check "libpulp-tools ships ulp, ulp-patches, its completion and trigger" bash -c "
	$(declare -f has deb); work='$work'
	has libpulp-tools /usr/bin/ulp && has libpulp-tools /usr/libexec/pulp/ulp-patches &&
	has libpulp-tools /usr/share/bash-completion/completions/ulp &&
	dpkg-deb -I '$(deb libpulp-tools)' triggers | grep -qx 'interest-noawait pulp-ulp-apply'"
check "klp ships klp, klp-boot.service, the initramfs hook, its completion" bash -c "
	$(declare -f has deb); work='$work'
	has klp /usr/sbin/klp && has klp /lib/systemd/system/klp-boot.service &&
	has klp /usr/share/initramfs-tools/hooks/klp &&
	has klp /usr/share/initramfs-tools/scripts/init-top/klp &&
	has klp /usr/share/bash-completion/completions/klp"

# Cross-built ppc64el and s390x packages (dpkg-buildpackage -a; -d: the
# foreign -dev packages Build-Depends names are not all co-installable on
# the amd64 host, the toolchain files link the foreign runtime libraries).
cross_pkg() { # DEB_ARCH TRIPLE ELF-MACHINE
	local a=$1 t=$2 m=$3 d=$work/cross-$1 t0
	t0=$(date +%s)
	mkdir -p "$d/src" && cp -a "$work/src/." "$d/src/" && rm -rf "$d/src"/obj-* "$d/src/debian/.debhelper" "$d/src/debian/tmp"
	if ! (cd "$d/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -a "$a" -d -b -uc -us) \
		>"$d/build.log" 2>&1; then
		bad "dpkg-buildpackage -a $a"
		tail -n 20 "$d/build.log" | sed 's/^/    /'
		return
	fi
	ok "dpkg-buildpackage -a $a ($(($(date +%s) - t0))s)"
	mkdir -p "$d/x"
	dpkg-deb -x "$d/libpulp0_0.1.0_$a.deb" "$d/x" 2>/dev/null
	check "$a: libpulp0 ships a $m libpulp.so.0 with that soname" bash -c "
		file -L '$d/x/usr/lib/$t/libpulp.so.0' | grep -q '$m' &&
		objdump -p '$d/x/usr/lib/$t/libpulp.so.0' | grep -q 'SONAME *libpulp.so.0'"
	check "$a: every package built, lintian clean" bash -c "
		for p in libpulp0 libpulp-tools klp libpulp-dev libpulp-load-default; do
			[ -f '$d'/\${p}_0.1.0_$a.deb ] || { echo \$p missing; exit 1; }
		done
		! lintian '$d'/*.changes 2>&1 | grep -E '^[EW]:'"
}
if [ "${PULP_PKG_CROSS:-1}" != 0 ]; then
	for c in ppc64el:powerpc64le-linux-gnu:PowerPC s390x:s390x-linux-gnu:S/390; do
		IFS=: read -r a t m <<<"$c"
		if command -v "$t-gcc" >/dev/null && [ -e /usr/lib/$t/libjson-c.so.5 ]; then
			cross_pkg "$a" "$t" "$m"
		else
			echo "SKIP cross $a (no $t-gcc or foreign libraries: scripts/install-deps.sh --tests)"
		fi
	done
	[ -d "$work/cross-ppc64el" ] && check "ppc64el: libpulp-dev ships the _mcount stub" bash -c "
		dpkg-deb -c '$work'/cross-ppc64el/libpulp-dev_0.1.0_ppc64el.deb | grep -q 'usr/lib/powerpc64le-linux-gnu/pulp/mcount_stub.o'"
fi

# 2. RPM packages (Debian's rpm; build dependencies are Debian packages).
if [ "${PULP_PKG_RPM:-1}" != 0 ]; then
	t0=$(date +%s)
	mkdir -p "$work/rpm/SOURCES"
	(cd "$src" && git ls-files -co --exclude-standard | grep -v '^build' | grep -v '^debian/' |
		tar --ignore-failed-read --transform 's,^,pulp-0.1.0/,' -czf "$work/rpm/SOURCES/pulp-0.1.0.tar.gz" -T -)
	if rpmbuild -bb --nodeps --define "_topdir $work/rpm" --define "_smp_mflags -j2" \
		--define "debug_package %{nil}" "$src/packaging/rpm/pulp.spec" >"$work/rpmbuild.log" 2>&1; then
		ok "rpmbuild -bb ($(($(date +%s) - t0))s)"
		rpmf() { ls "$work"/rpm/RPMS/*/"$1"-0.1.0-*.rpm 2>/dev/null | head -1; }
		rhas() { rpm -qlp "$(rpmf "$1")" 2>/dev/null | grep -qx "$2"; }
		lib=$(rpm --eval '%{_libdir}')
		check "rpm libpulp0: $lib/libpulp.so.0" rhas libpulp0 "$lib/libpulp.so.0"
		check "rpm libpulp-tools: ulp, ulp-patches, macros.pulp" bash -c "
			$(declare -f rpmf rhas); work='$work'
			rhas libpulp-tools /usr/bin/ulp && rhas libpulp-tools /usr/libexec/pulp/ulp-patches &&
			rhas libpulp-tools /usr/lib/rpm/macros.d/macros.pulp"
		check "rpm klp: klp, klp-boot.service" bash -c "
			$(declare -f rpmf rhas); work='$work'
			rhas klp /usr/sbin/klp && rhas klp /usr/lib/systemd/system/klp-boot.service"
		check "rpm libpulp-devel: header, pc, CMake package" bash -c "
			$(declare -f rpmf rhas); work='$work'
			rhas libpulp-devel /usr/include/pulp.h && rhas libpulp-devel $lib/pkgconfig/libpulp.pc &&
			rhas libpulp-devel $lib/cmake/pulp/pulp-config.cmake"
		check "rpm libpulp-load-default: postin adds libpulp.so.0 to ld.so.preload" \
			sh -c "rpm -qp --scripts '$(rpmf libpulp-load-default)' | grep -q 'ld.so.preload'"
		check "rpm macros expand to ulp-patches" bash -c "
			rpm --macros '/usr/lib/rpm/macros:$src/packaging/rpm/macros.pulp' \
				--eval '%pulp_apply_patches /x/a.ulp' | grep -qx '/usr/libexec/pulp/ulp-patches apply /x/a.ulp || :'"
	else
		bad "rpmbuild -bb"
		tail -n 30 "$work/rpmbuild.log" | sed 's/^/    /'
	fi
fi

# 3. A fresh Debian 12 root with the amd64 packages.
t0=$(date +%s)
root=$work/root
if ! bash "$here/fresh-root.sh" "$root" >"$work/fresh-root.log" 2>&1; then
	bad "fresh Debian 12 root"
	tail -n 20 "$work/fresh-root.log" | sed 's/^/    /'
	finish
fi
mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev" || { bad "mounting proc/dev in the root"; finish; }
mkdir -p "$root/tmp/debs"
cp "$work"/*.deb "$root/tmp/debs/"
rm -f "$root"/tmp/debs/*-dbgsym_* "$root"/tmp/debs/libpulp-load-default_*
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
check "dpkg -i the packages into the fresh root ($(($(date +%s) - t0))s)" \
	sh -c "chroot '$root' sh -c 'dpkg -i /tmp/debs/*.deb'"

# The demo program: an application's own files, not Pulp's (copied from the
# package build); the patch is built by the installed ulp.
demo=$work/src/obj-$(dpkg-architecture -qDEB_HOST_GNU_TYPE)/examples/demo
mkdir -p "$root/opt/demo"
cp "$demo"/{hello_demo,libhello.so.1,libhello_livepatch1.so,hello_livepatch1.dsc} "$root/opt/demo/"
check "installed ulp packer builds the demo patch" in_root ulp packer /opt/demo/hello_livepatch1.dsc
check "installed ulp: libhello.so.1 is live-patchable" in_root ulp livepatchable /opt/demo/libhello.so.1
chroot "$root" /usr/bin/env -i LD_LIBRARY_PATH=/opt/demo LD_PRELOAD=libpulp.so.0 \
	/opt/demo/hello_demo >"$root/tmp/demo.out" 2>&1 &
demo_pid=$!
sleep 1
out_has() { tail -n "$1" "$root/tmp/demo.out" | grep -q "$2"; }
check "demo runs unpatched" out_has 2 'Hello from version 1'
check "ulp trigger applies the patch (installed files)" in_root ulp trigger -p "$demo_pid" /opt/demo/hello_livepatch1.ulp
sleep 1
check "demo prints the patched message" out_has 2 'live patch (version 2)'
check "ulp check: applied" in_root ulp check -p "$demo_pid" /opt/demo/hello_livepatch1.ulp
check "ulp patches --json lists it" sh -c "chroot '$root' ulp patches --json -p $demo_pid | grep -q hello_livepatch1"
check "ulp trigger reverts it" in_root ulp trigger -p "$demo_pid" /opt/demo/hello_livepatch1.rev
sleep 1
check "demo prints the original message again" out_has 2 'Hello from version 1'

# A live patch package: postinst fires the dpkg trigger pulp-ulp-apply,
# prerm reverts through ulp-patches.
pd=/usr/lib/pulp/patches/hello
mkdir -p "$root$pd"
cp "$root"/opt/demo/{libhello.so.1,libhello_livepatch1.so,hello_livepatch1.dsc} "$root$pd/"
in_root ulp packer -q "$pd/hello_livepatch1.dsc" >"$work/pkg-packer.log" 2>&1
pkg=$work/hello-livepatch1
mkdir -p "$pkg/DEBIAN" "$pkg$pd"
mv "$root$pd"/* "$pkg$pd/" && rm -f "$pkg$pd/hello_livepatch1.dsc" "$pkg$pd/libhello.so.1"
printf 'Package: hello-livepatch1\nVersion: 1\nArchitecture: all\nMaintainer: test <t@example.org>\nDepends: libpulp-tools\nDescription: demo live patch\n' >"$pkg/DEBIAN/control"
printf '#!/bin/sh\nset -e\n[ "$1" = configure ] && dpkg-trigger pulp-ulp-apply\nexit 0\n' >"$pkg/DEBIAN/postinst"
printf '#!/bin/sh\nset -e\n/usr/libexec/pulp/ulp-patches revert %s/hello_livepatch1.rev\nexit 0\n' "$pd" >"$pkg/DEBIAN/prerm"
chmod 755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm"
dpkg-deb -b --root-owner-group "$pkg" "$root/tmp/hello-livepatch1.deb" >/dev/null
check "dpkg -i a live patch package" in_root dpkg -i /tmp/hello-livepatch1.deb
check "its trigger applied the patch to the running demo" in_root ulp check -q -p "$demo_pid" "$pd/hello_livepatch1.ulp"
sleep 1
check "demo prints the patched message" out_has 2 'live patch (version 2)'
check "dpkg -r the live patch package" in_root dpkg -r hello-livepatch1
if in_root ulp check -q -p "$demo_pid" /opt/demo/hello_livepatch1.ulp; then
	bad "its prerm reverted the patch"
else ok "its prerm reverted the patch"; fi
kill "$demo_pid" 2>/dev/null
wait "$demo_pid" 2>/dev/null
demo_pid=

# The opt-in package: new processes load the runtime; removal undoes it.
cp "$(deb libpulp-load-default)" "$root/tmp/"
check "dpkg -i libpulp-load-default" sh -c "chroot '$root' sh -c 'dpkg -i /tmp/libpulp-load-default_*.deb'"
check "/etc/ld.so.preload names libpulp.so.0" grep -qx libpulp.so.0 "$root/etc/ld.so.preload"
chroot "$root" /usr/bin/env -i /bin/sleep 30 &
sp=$!
sleep 0.5
check "a process started without LD_PRELOAD has the runtime" \
	sh -c "chroot '$root' ulp patches --json -p $sp | grep -q '\"pid\":$sp'"
kill $sp 2>/dev/null
wait $sp 2>/dev/null
check "dpkg -r libpulp-load-default" in_root dpkg -r libpulp-load-default
check "ld.so.preload no longer names the runtime" \
	sh -c "! grep -qs libpulp '$root/etc/ld.so.preload'"

# klp with the installed binary: status on a prepared tree, boot plan.
fk=/tmp/fakesys
mkdir -p "$root$fk/sys/kernel/livepatch" "$root$fk/proc/sys/kernel" "$root$fk/var/lib/klp/patches"
echo 6.1.0-99-amd64 >"$root$fk/proc/sys/kernel/osrelease"
check "klp status --root (installed klp): ready" sh -c "chroot '$root' klp --root $fk status | grep -qx ready"
check "klp --json status --root" sh -c "chroot '$root' klp --root $fk --json status | grep -q '\"status\": \"ready\"'"
check "klp boot --root: nothing to load from an empty store" \
	sh -c "chroot '$root' klp --root $fk boot | grep -q 'nothing to load for kernel 6.1.0-99-amd64'"
check "systemd unit names klp boot --load" \
	grep -qx 'ExecStart=/usr/sbin/klp boot --load' "$root/lib/systemd/system/klp-boot.service"

# Manual pages, as installed: no warnings, rendered.
for page in ulp.1 klp.8 libpulp.7; do
	f=$(ls "$root"/usr/share/man/man*/"$page".gz)
	check "man --warnings $page: no warnings" sh -c "
		w=\$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$f' 2>&1 >/dev/null); [ -z \"\$w\" ] || { echo \"\$w\"; false; }"
done
umount_root

# 4. Completion and the options in the manuals (source tree files).
check "bash completion (tests/packaging/completion.sh)" bash "$here/completion.sh" "$src"
check "every option in the man pages (tests/packaging/man-options.sh)" \
	bash "$here/man-options.sh" "$src" "$root/usr/bin/ulp" "$root/usr/sbin/klp"
finish
