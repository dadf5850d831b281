#!/bin/bash
# Usage: tests/system/run.sh ARCH [BUILD_DIR]
# The real `ulp trigger` over ptrace in a full-system guest of ARCH (ppc64le:
# qemu-system-ppc64 pseries, s390x: qemu-system-s390x s390-ccw-virtio; TCG).
# Cross-builds what the guest runs for ARCH in BUILD_DIR (default build-ARCH
# next to ${BUILD_DIR:-build}, as scripts/cross-compile-check.sh; an
# existing build is reused); packs the fixtures' patches with the HOST's
# ulp (the native ${BUILD_DIR} when set, else BUILD_DIR/host-ulp); assembles
# an initramfs (busybox-static and glibc of ARCH, the libraries ulp needs or
# dlopens, the cross-built ulp and libpulp.so, the fixtures of
# tests/integration, the hijack test binaries); boots Debian's kernel for
# ARCH and runs tests/system/scenarios/*.sh there, then the hijack cases of
# tests/integration/hijack (registers, system-call restart, tool killed);
# the degraded target and its one-function patch go in too (DEG_DIR), so
# that a scenario can tell who committed a patch.
# Prints one line per scenario and "N passed, N failed"; exit 0 only if all
# passed; a guest that crashes or hangs fails (never hangs the host).
# ARCH=native runs the same scenarios on this machine against BUILD_DIR
# (default ${BUILD_DIR:-build}), no guest.
# Environment: PULP_KLP_CACHE (kernels, busybox: tests/klp/setup.sh),
# SYSTEM_GUEST_TIMEOUT (seconds for the whole guest, default 300),
# SYSTEM_TIMEOUT (seconds per scenario in the guest, default 120),
# SYSTEM_ONLY=NAME (one scenario), PULP_SLOW (wait factor in the guest, 4),
# PULP_JOBS (build parallelism, 2). Logs: BUILD_DIR/system/results.
set -uo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { sed -n '2,24p' "$0" >&2; exit 2; }
arch=$1
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
start=$(date +%s)
die() { echo "system-$arch: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

if [ "$arch" = native ]; then
	b=$(cd "${2:-${BUILD_DIR:-$src/build}}" && pwd) || die "no build directory"
	cmake --build "$b" -j "${PULP_JOBS:-2}" --target ulp pulp integration_patches >"$b/system-build.log" 2>&1 ||
		{ tail -20 "$b/system-build.log" >&2; die "building $b failed"; }
	ht=$b/tests/integration/hijack/hijack_target
	cmake --build "$b" -j "${PULP_JOBS:-2}" --target hijack_target >>"$b/system-build.log" 2>&1 || ht=""
	dg=$b/tests/integration/degraded
	cmake --build "$b" -j "${PULP_JOBS:-2}" --target deg_target deg_driver degraded_patches \
		>>"$b/system-build.log" 2>&1 || dg=""
	mp=$b/system-membarrier_probe
	${CC:-cc} -std=gnu11 -O2 -o "$mp" "$here/probe/membarrier_probe.c" || mp=""
	ULP=$b/ulp/ulp LIBPULP=$b/preload/libpulp.so FIXTURES=$b/tests/integration \
		HIJACK_TARGET=$ht DEG_DIR=$dg MEMBARRIER_PROBE=$mp exec sh "$here/guest-run.sh"
fi

SYS_SRC=$src
. "$here/mkguest.sh"
sys_arch "$arch"
triple=$SYS_TRIPLE
native=${BUILD_DIR:-$src/build}
build=${2:-$(dirname "$native")/build-$arch}
mkdir -p "$build" && build=$(cd "$build" && pwd)

# 1. The cross build (toolchains/ARCH.cmake), only what the guest runs.
targets=(ulp pulp app foo bar page cxx foo_p1 foo_p2 bar_p1)
have_hijack=0
[ -f "$build/CMakeCache.txt" ] || sys_cross_build "$build" pulp
if sys_has_target "$build" hijack_driver; then
	have_hijack=1
	targets+=(hijack_target hijack_driver hijack_test_runtime)
fi
have_deg=0
if sys_has_target "$build" deg_target; then
	have_deg=1
	targets+=(deg_target deg_driver degraded_patches)
fi
sys_cross_build "$build" "${targets[@]}"

# 2. The host's own ulp packs the patches for ARCH (a packager on x86_64
# shipping patches for POWER or Z). The .ulp files name their patch
# objects by absolute path: the fixtures sit at the same path in the guest.
sys_host_ulp "$build"
work=$build/system
rm -rf "$work" && mkdir -p "$work/root" "$work/results" || die "cannot create $work"
root=$work/root
fx=$work/fixtures
mkdir -p "$fx"
fxb=$build/tests/integration
for f in app libfoo.so.1 libbar.so.1 libpage.so.1 libcxx.so.1 libfoo_p1.so libfoo_p2.so libbar_p1.so; do
	cp "$fxb/$f" "$fx/" || die "fixture $f not built"
done
for p in foo_p1 foo_p2 bar_p1; do cp "$src/tests/integration/fixtures/$p.dsc" "$fx/"; done
sys_pack "$fx" foo_p1 foo_p2 bar_p1

# 3. Initramfs: busybox, glibc and the libraries of ARCH, ulp, the runtime,
# the fixtures, the scenarios.
sys_root "$root" "$build"
mkdir -p "$root$fx" "$root/system" && cp -a "$fx/." "$root$fx/"
cp -r "$here/lib.sh" "$here/guest-run.sh" "$here/scenarios" "$root/system/"
# Whether the guest's kernel lets the runtime commit by itself.
"$triple-gcc" -std=gnu11 -O2 -o "$root/system/membarrier_probe" "$here/probe/membarrier_probe.c" ||
	die "cannot build the membarrier probe for $arch"
elfs=("$root/usr/bin/ulp" "$root/usr/lib/pulp/libpulp.so" "$root$fx"/app "$root$fx"/*.so*)
hcases=""
if [ $have_hijack = 1 ]; then
	hj=$build/tests/integration/hijack
	mkdir -p "$root/hijack"
	cp "$hj/hijack_target" "$hj/hijack_driver" "$root/hijack/" &&
		cp "$hj/rt/libpulp.so" "$root/hijack/libpulp.so" &&
		cp "$src/tests/integration/hijack/run.sh" "$root/hijack/run.sh" ||
		die "hijack test binaries missing in $hj"
	elfs+=("$root/hijack/hijack_target" "$root/hijack/hijack_driver" "$root/hijack/libpulp.so")
	# The register modes tests/integration/hijack declares for ARCH, then
	# the system-call restart, commit and tool-killed cases of ctest.
	modes=$(sed -n "s/^set(HJ_REG_MODES_$arch \(.*\))/\1/p" "$src/tests/integration/hijack/CMakeLists.txt")
	for c in $(printf 'trigger_preserves_%s\n' $modes) trigger_restarts_blocked_read \
		trigger_restarts_interrupted_nanosleep trigger_commits_plan \
		tool_killed_after_call_leaves_process_intact tool_killed_after_prepare_leaves_process_intact \
		tool_killed_mid_commit_leaves_code_unpatched tool_killed_before_restore_leaves_process_intact; do
		case $c in trigger_preserves_*) pat='trigger_preserves_\*)' ;; *) pat="$c)" ;; esac
		grep -q "^$pat" "$src/tests/integration/hijack/run.sh" && hcases="$hcases $c"
	done
fi
# The target of tests/integration/degraded (an epoll thread that counts
# EINTR: every ptrace stop of it shows) with its one-function patch (and
# the 256-function one, which goes through the gates), at
# the same path as in the build (the .ulp names its objects by path), and
# the driver that forces the tool's commit: the guest observes whether a
# commit stopped threads it did not borrow.
degdir=""
if [ $have_deg = 1 ]; then
	dg=$build/tests/integration/degraded
	mkdir -p "$root$dg" &&
		cp "$dg/deg_target" "$dg/deg_driver" "$dg/libmany.so.1" "$dg/libmany_p.so" \
			"$dg/many1_p.ulp" "$dg/many1_p.rev" "$dg/many_p.ulp" "$dg/many_p.rev" "$root$dg/" &&
		cp -L "$build/preload/libpulp.so.0" "$fxb/libfoo.so.1" "$root$dg/" ||
		die "degraded test binaries missing in $dg"
	elfs+=("$root$dg/deg_target" "$root$dg/deg_driver" "$root$dg/libmany.so.1" "$root$dg/libmany_p.so")
	degdir=$dg
fi
sys_libs "$root" "${elfs[@]}"
skipped=""
[ -n "$hcases" ] || skipped="SKIP hijack (no hijack_driver or cases for $arch in $build)"

# What the guest runs: the scenarios, then the hijack cases. PULP_SLOW
# stretches the scenarios' waits (TCG).
cat >"$work/test.sh" <<EOF
export ULP=/usr/bin/ulp LIBPULP=/usr/lib/pulp/libpulp.so FIXTURES=$fx
export LD_LIBRARY_PATH=$fx:/lib/$triple PULP_SLOW=${PULP_SLOW:-4} SYSTEM_ONLY=${SYSTEM_ONLY:-}
export SYSTEM_VERBOSE=1 SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-120} # guest.log has all; the host shows verdicts
export HIJACK_CASES="$hcases" DEG_DIR="$degdir" MEMBARRIER_PROBE=/system/membarrier_probe
if [ -n "\$HIJACK_CASES" ]; then
	export HIJACK_RUN=/hijack/run.sh HIJACK_TARGET=/hijack/hijack_target
	export HIJACK_DRIVER=/hijack/hijack_driver HIJACK_RUNTIME=/hijack/libpulp.so
fi
echo "system: \$(uname -m) \$(uname -r), booted in \$(cut -d' ' -f1 /proc/uptime)s"
sh /system/guest-run.sh
rc=\$?
echo "system: done at \$(cut -d' ' -f1 /proc/uptime)s"
exit \$rc
EOF
sys_initramfs "$root" "$work/initramfs.gz"
setup=$(($(date +%s) - start))
echo "system-$arch: kernel $(basename "$SYS_KERNEL"), initramfs $(($(stat -c %s "$work/initramfs.gz") / 1048576)) MiB, setup ${setup}s"

# 4. Boot; the guest's lines are printed as they are; a guest that does not
# reach its summary fails every scenario it did not report.
t0=$(date +%s)
sys_boot "$work/initramfs.gz" "$work/test.sh" "${SYSTEM_GUEST_TIMEOUT:-300}" \
	"$work/results/serial.log" >"$work/results/guest.log"
rc=$?
grep -E '^(PASS|FAIL|SKIP) |^    |^system: ' "$work/results/guest.log"
[ -z "$skipped" ] || echo "$skipped"
pass=$(grep -c '^PASS ' "$work/results/guest.log")
fail=$(grep -c '^FAIL ' "$work/results/guest.log")
if ! grep -q '^[0-9]* passed, [0-9]* failed$' "$work/results/guest.log"; then
	case $rc in 124) why="guest hung" ;; 125) why="guest crashed" ;; *) why="guest ended early (rc=$rc)" ;; esac
	echo "FAIL guest ($why after $(($(date +%s) - t0))s); its last lines:"
	grep -v '^$' "$work/results/guest.log" | tail -n 30 | sed 's/^/    /'
	fail=$((fail + 1))
elif [ $rc != 0 ] && [ "$fail" = 0 ]; then
	echo "FAIL guest (exit $rc with no failed scenario)"
	fail=1
fi
echo "system-$arch: guest $(($(date +%s) - t0))s, wall $(($(date +%s) - start))s, logs in $work/results"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
