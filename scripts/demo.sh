#!/bin/bash
# The live demo: installs what is needed, builds, starts a program, patches
# it while it runs, shows the new output, reverts it, shows the old output.
#   bash scripts/demo.sh                  natively (x86_64)
#   bash scripts/demo.sh --arch ppc64le   inside a qemu-system-ppc64 guest
#   bash scripts/demo.sh --arch s390x     inside a qemu-system-s390x guest
# With --arch, Pulp is cross-built for that architecture (in build-ARCH next
# to ${BUILD_DIR:-build}, or CROSS_BUILD_DIR), the patch is packed by this
# machine's ulp (built in BUILD_DIR if configured, else in the cross build
# directory's host-ulp/), and the
# same demo runs in a guest booted with Debian's kernel for ARCH (TCG, about
# a minute); its output is printed when the guest powers off.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
export BUILD_DIR=$build
arch=""
case ${1:-} in
--arch) arch=${2:?usage: demo.sh [--arch ppc64le|s390x]} ;;
--arch=*) arch=${1#--arch=} ;;
"") ;;
*) echo "usage: demo.sh [--arch ppc64le|s390x]" >&2; exit 2 ;;
esac
[ "$arch" = x86_64 ] && [ "$(uname -m)" = x86_64 ] && arch=""

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ -n "$arch" ]; then
	case $arch in ppc64le | s390x) ;; *) echo "demo.sh: --arch ppc64le or s390x" >&2; exit 2 ;; esac
	bash "$top/scripts/install-deps.sh" --tests
	bash "$top/tests/klp/setup.sh" # the guest kernels and busybox
	die() { echo "demo.sh: $*" >&2; exit 1; }
	SYS_SRC=$top
	. "$top/tests/system/mkguest.sh"
	sys_arch "$arch"
	xbuild=${CROSS_BUILD_DIR:-$(dirname "$build")/build-$arch}
	mkdir -p "$xbuild" && xbuild=$(cd "$xbuild" && pwd)
	echo "== building Pulp for $arch in $xbuild, and ulp for this machine"
	sys_cross_build "$xbuild" ulp pulp hello_demo hello hello_livepatch1
	sys_host_ulp "$xbuild"
	work=$xbuild/demo
	rm -rf "$work" && mkdir -p "$work/root"
	demo=$work/demo # same path in the guest: the .ulp names its patch object
	mkdir -p "$demo"
	cp "$xbuild"/examples/demo/{hello_demo,libhello.so.1,libhello_livepatch1.so} "$demo/"
	cp "$top/examples/demo/hello_livepatch1.dsc" "$demo/"
	step "ulp packer hello_livepatch1.dsc   (this machine's ulp, a patch for $arch)"
	sys_pack "$demo" hello_livepatch1
	"$SYS_HULP" dump "$demo/hello_livepatch1.ulp" | sed -n '1,3p;/^function/p'
	sys_root "$work/root" "$xbuild"
	mkdir -p "$work/root$demo" && cp -a "$demo/." "$work/root$demo/"
	sys_libs "$work/root" "$work/root/usr/bin/ulp" "$work/root/usr/lib/pulp/libpulp.so" \
		"$work/root$demo/hello_demo" "$work/root$demo/libhello.so.1" "$work/root$demo/libhello_livepatch1.so"
	# The guest's part: the demo below, in busybox sh.
	cat >"$work/demo.sh" <<EOF
export LD_LIBRARY_PATH=$demo:/lib/$SYS_TRIPLE
cd $demo
step() { printf '\n== %s\n' "\$*"; }
step "\$(uname -m) guest, Linux \$(uname -r), up \$(cut -d' ' -f1 /proc/uptime)s"
step "ulp livepatchable libhello.so.1"
ulp livepatchable libhello.so.1
step "starting the program with the runtime preloaded"
LD_PRELOAD=/usr/lib/pulp/libpulp.so ./hello_demo &
pid=\$!
sleep 3
step "ulp trigger -p \$pid hello_livepatch1.ulp"
ulp trigger --timeout 60 -p \$pid hello_livepatch1.ulp || exit 1
sleep 3
step "ulp patches -p \$pid"
ulp patches -p \$pid || exit 1
sleep 1
step "ulp trigger -p \$pid hello_livepatch1.rev   (revert)"
ulp trigger --timeout 60 -p \$pid hello_livepatch1.rev || exit 1
sleep 3
kill \$pid
EOF
	sys_initramfs "$work/root" "$work/initramfs.gz"
	step "booting a $arch guest (qemu-system, TCG): its output follows when it powers off"
	rc=0
	sys_boot "$work/initramfs.gz" "$work/demo.sh" "${DEMO_GUEST_TIMEOUT:-300}" "$work/serial.log" || rc=$?
	[ $rc = 0 ] || die "the $arch guest failed (status $rc; serial log $work/serial.log)"
	step "done: the $arch program was patched and reverted without restarting"
	exit 0
fi

bash "$top/scripts/install-deps.sh"
echo "== building Pulp"
bash "$top/scripts/build.sh" >/dev/null
demo=$build/examples/demo
ulp=$build/ulp/ulp

step "ulp livepatchable libhello.so.1"
"$ulp" livepatchable "$demo/libhello.so.1" || true

step "starting the program with the runtime preloaded"
LD_PRELOAD=$build/preload/libpulp.so "$demo/hello_demo" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
sleep 2

step "ulp trigger -p $pid hello_livepatch1.ulp"
"$ulp" trigger -p "$pid" "$demo/hello_livepatch1.ulp"
sleep 2

step "ulp patches -p $pid"
"$ulp" patches -p "$pid"
sleep 1

step "ulp trigger -p $pid hello_livepatch1.rev   (revert)"
"$ulp" trigger -p "$pid" "$demo/hello_livepatch1.rev"
sleep 2

kill "$pid"
wait "$pid" 2>/dev/null || true
trap - EXIT
step "done: the program was patched and reverted without restarting"
