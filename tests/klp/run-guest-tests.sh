#!/bin/bash
# Usage: tests/klp/run-guest-tests.sh BUILD_DIR
# Real-kernel tests of klp: builds the test livepatch modules against
# Debian's linux-headers, a static klp from klp/*.c, a busybox initramfs,
# then boots Debian's 6.1 kernel under QEMU (TCG) once per scenario in
# tests/klp/guest/scenarios/. With the cross guests set
# up (tests/klp/setup.sh), klp cross-built for ppc64le and s390x runs on
# those kernels too (no live patching there). Ends with "N passed, N failed";
# exit status 0 only if all passed. Work files: BUILD_DIR/klp-guest/.
# Environment: PULP_KLP_CACHE (as setup.sh), PULP_KLP_CROSS=0 to skip the
# cross guests, KLP_GUEST_TIMEOUT (seconds per guest, default 150),
# KLP_GUEST_SELFTEST=1 to check that a hung or panicking guest fails.
set -uo pipefail
[ $# -eq 1 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
mkdir -p "$1" && build=$(cd "$1" && pwd)
work=$build/klp-guest
cache=${PULP_KLP_CACHE:-${XDG_CACHE_HOME:-/var/cache}/pulp-klp}
tmo=${KLP_GUEST_TIMEOUT:-150}
start=$(date +%s)
die() { echo "run-guest-tests: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

kver=$(cat "$cache/x86_64/kver" 2>/dev/null) || die "no kernel in $cache: run tests/klp/setup.sh"
kdir=/usr/src/linux-headers-$kver
kernel=$cache/x86_64/vmlinux-$kver
[ -f "$kernel" ] || kernel=$cache/x86_64/kimg/boot/vmlinuz-$kver
[ -f "$kernel" ] && [ -d "$kdir" ] || die "kernel or headers for $kver missing: run tests/klp/setup.sh"
rm -rf "$work" && mkdir -p "$work/results" || die "cannot create $work"

# 1. Test modules, built out of the source tree.
cp -r "$here/modules" "$work/modules"
make -s -C "$kdir" M="$work/modules" modules >"$work/modules.log" 2>&1 ||
	{ cat "$work/modules.log" >&2; die "building the test modules failed"; }

# 2. Static klp, compiled directly (whatever flags BUILD_DIR was configured
# with, sanitizers included, cannot get in the way of a static binary).
# json-c's headers are the same for every architecture; only they are taken
# from the host (not /usr/include as a whole, for the cross compilers).
mkdir -p "$work/inc" && ln -sfn /usr/include/json-c "$work/inc/json-c"
build_klp() { # CC TRIPLE OUT
	"$1" -std=gnu11 -O2 -Wall -Wextra -Werror -static -D_GNU_SOURCE \
		-DKLP_VERSION='"test"' -I"$src/klp" -I"$work/inc" -o "$3" \
		"$src"/klp/*.c "/usr/lib/$2/libjson-c.a" >"$3.log" 2>&1
}
klp=$work/klp-x86_64
build_klp gcc x86_64-linux-gnu "$klp" || { cat "$klp.log" >&2; die "building a static klp failed"; }
file "$klp" | grep -q 'statically linked' || die "$klp is not static"

# 3. Initramfs: busybox, /init, klp, modules; the patch store in /klp/store.
mkinitrd() { # OUT BUSYBOX KLP [FILES...]
	local out=$1 bb=$2 k=$3 root
	shift 3
	root=$(mktemp -d)
	chmod 755 "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,klp/store}
	# A user to check what klp says to non-root.
	printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	cp "$bb" "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
	done
	install -m 0755 "$here/guest/init" "$root/init"
	install -m 0755 "$k" "$root/usr/sbin/klp"
	for f in "$@"; do cp "$f" "$root/klp/"; done
	printf 'not a module\n' >"$root/klp/bogus.ko"
	for f in "$@"; do
		case $f in */klp_test_cum*) cp "$f" "$root/klp/store/" ;; esac
	done
	(cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -1) >"$out"
	rm -rf "$root"
}
mods=("$work"/modules/*.ko "$here/modules/klp_test_cum2.labels")
mkinitrd "$work/initramfs-x86_64.gz" /bin/busybox "$klp" "${mods[@]}"
echo "run-guest-tests: kernel $kver ($(basename "$kernel")), setup $(($(date +%s) - start))s"

pass=0 fail=0
scenario() { # NAME ARCH KERNEL INITRD SCRIPT
	local name=$1 t0 rc
	t0=$(date +%s)
	cat "$here/guest/lib.sh" "$5" >"$work/results/$name.sh"
	"$src/tests/guest/boot.sh" -a "$2" -k "$3" -i "$4" -t "$tmo" \
		-l "$work/results/$name.serial" "$work/results/$name.sh" \
		>"$work/results/$name.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name ($(($(date +%s) - t0))s)"
	else
		fail=$((fail + 1))
		case $rc in 124) why="guest hung" ;; 125) why="guest crashed" ;;
		*) why="$rc checks failed" ;; esac
		echo "FAIL $name ($why, $(($(date +%s) - t0))s); transcript:"
		grep -E '^(not ok|###|\$ )|^  \||boot.sh:|panic' "$work/results/$name.log" | tail -n 60 | sed 's/^/    /'
	fi
}

for s in "$here"/guest/scenarios/*.sh; do
	scenario "x86_64-$(basename "$s" .sh)" x86_64 "$kernel" "$work/initramfs-x86_64.gz" "$s"
done

# The harness itself: a hung and a panicking guest must be reported as
# such (KLP_GUEST_SELFTEST=1; about 20 s more).
if [ "${KLP_GUEST_SELFTEST:-0}" = 1 ]; then
	for t in hang:124:'sleep 1000' panic:125:'echo 1 >/proc/sys/kernel/sysrq; echo c >/proc/sysrq-trigger'; do
		IFS=: read -r name want body <<<"$t"
		echo "$body" >"$work/results/selftest-$name.sh"
		"$src/tests/guest/boot.sh" -k "$kernel" -i "$work/initramfs-x86_64.gz" -t 15 \
			"$work/results/selftest-$name.sh" >"$work/results/selftest-$name.log" 2>&1
		rc=$?
		if [ $rc = "$want" ]; then pass=$((pass + 1)); echo "PASS selftest-$name (exit $rc)"
		else fail=$((fail + 1)); echo "FAIL selftest-$name (exit $rc, want $want)"; fi
	done
fi

# 4. Cross guests (bonus): klp built for ppc64le and s390x, unsupported path.
if [ "${PULP_KLP_CROSS:-1}" != 0 ]; then
	for a in ppc64le:powerpc64le-linux-gnu s390x:s390x-linux-gnu; do
		arch=${a%%:*} triple=${a#*:}
		kimg=$(ls "$cache/$arch"/kimg/boot/vmlinu[xz]-* 2>/dev/null | head -1)
		bb=$cache/$arch/busybox/bin/busybox
		if [ -z "$kimg" ] || [ ! -x "$bb" ] || ! command -v "$triple-gcc" >/dev/null; then
			echo "SKIP cross-$arch (not set up: run tests/klp/setup.sh)"
			continue
		fi
		ck=$work/klp-$arch
		if ! build_klp "$triple-gcc" "$triple" "$ck"; then
			fail=$((fail + 1))
			echo "FAIL cross-$arch (cross build of klp failed)"
			sed 's/^/    /' "$ck.log" | tail -20
			continue
		fi
		mkinitrd "$work/initramfs-$arch.gz" "$bb" "$ck" "$work/modules/klp_test_cum1.ko" \
			"$work/modules/klp_test_target.ko"
		scenario "$arch-unsupported" "$arch" "$kimg" "$work/initramfs-$arch.gz" "$here/guest/cross-unsupported.sh"
	done
fi

echo "run-guest-tests: wall time $(($(date +%s) - start))s, transcripts in $work/results"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
