#!/bin/bash
# Installs what the klp real-kernel tests need, idempotently, on Debian 12 as
# root (no stdin needed; CI=true is fine). Nothing under /boot changes: the
# guest kernels are only unpacked into the cache directory.
#
#   tests/klp/setup.sh            x86_64 guest (livepatch scenarios)
#   PULP_KLP_CROSS=0 tests/klp/setup.sh   skip the ppc64le/s390x guests
#
# Cache: ${PULP_KLP_CACHE:-${XDG_CACHE_HOME:-/var/cache}/pulp-klp}
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
cache=${PULP_KLP_CACHE:-${XDG_CACHE_HOME:-/var/cache}/pulp-klp}
cross=${PULP_KLP_CROSS:-1}
apt_opts=(-o DPkg::Lock::Timeout=900 -y -q --no-install-recommends)

[ "$(id -u)" = 0 ] || { echo "setup.sh: must run as root (apt-get, dpkg)" >&2; exit 1; }
mkdir -p "$cache"

host_pkgs=(qemu-system-x86 seabios busybox-static cpio xz-utils file kmod gcc g++ make
	libc6-dev pkg-config libjson-c-dev libcmocka-dev cmake linux-headers-amd64)
cross_pkgs=(qemu-system-ppc qemu-system-misc gcc-powerpc64le-linux-gnu
	libc6-dev-ppc64el-cross gcc-s390x-linux-gnu libc6-dev-s390x-cross
	libjson-c-dev:ppc64el libjson-c-dev:s390x)

missing() { # prints the packages of "$@" that are not installed
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

want=("${host_pkgs[@]}")
if [ "$cross" = 1 ]; then
	# The foreign kernels and json-c (for the static cross klp) come from the
	# ppc64el and s390x archives.
	for a in ppc64el s390x; do
		dpkg --print-foreign-architectures | grep -qx "$a" ||
			dpkg --add-architecture "$a"
	done
	want+=("${cross_pkgs[@]}")
fi
need=$(missing "${want[@]}")
updated=0
if [ -n "$need" ]; then
	# A foreign-architecture index out of sync makes update exit non-zero:
	# that must not abort, the install below is what is checked.
	apt-get -o DPkg::Lock::Timeout=900 update -q ||
		echo "setup.sh: apt-get update reported errors; continuing" >&2
	updated=1
	# shellcheck disable=SC2086
	apt-get "${apt_opts[@]}" install $need
	need=$(missing "${want[@]}")
	[ -z "$need" ] || { echo "setup.sh: not installed: $need" >&2; exit 1; }
fi

# The headers decide the kernel version: modules must match the guest kernel.
kdir=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -1)
kver=${kdir##*/linux-headers-}

fetch_unpack() { # PKG DESTDIR: download a kernel .deb and unpack it
	[ -d "$2/boot" ] && return 0
	fetch_unpack_any "$@"
}
fetch_unpack_any() { # PKG DESTDIR: download a .deb and unpack it (never install)
	local pkg=$1 dest=$2 tmp
	tmp=$(mktemp -d)
	# Downloading as root into a private directory: no _apt sandbox.
	if ! (cd "$tmp" && apt-get -o APT::Sandbox::User=root download -q "$pkg"); then
		[ "$updated" = 1 ] || apt-get update -q || true
		updated=1
		(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -q "$pkg")
	fi
	mkdir -p "$dest.part"
	dpkg-deb -x "$tmp"/*.deb "$dest.part"
	rm -rf "$tmp" "$dest"
	mv "$dest.part" "$dest"
}

# x86_64: Debian's 6.1 kernel; its ELF vmlinux is extracted from the bzImage
# so that QEMU boots it through PVH (about twice as fast under TCG).
x86=$cache/x86_64
fetch_unpack "linux-image-$kver-unsigned" "$x86/kimg" 2>/dev/null ||
	fetch_unpack "linux-image-$kver" "$x86/kimg"
if [ ! -s "$x86/vmlinux-$kver" ]; then
	vz=$x86/kimg/boot/vmlinuz-$kver
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vz" | head -1 | cut -d: -f1)
	tail -c +$((off + 1)) "$vz" | xz -dc 2>/dev/null >"$x86/vmlinux.part" || true
	if file "$x86/vmlinux.part" | grep -q 'ELF 64-bit'; then
		mv "$x86/vmlinux.part" "$x86/vmlinux-$kver"
	else
		rm -f "$x86/vmlinux.part"
		echo "setup.sh: no ELF vmlinux in $vz; the guest boots the bzImage" >&2
	fi
fi
grep -q '^CONFIG_LIVEPATCH=y' "$x86/kimg/boot/config-$kver" ||
	{ echo "setup.sh: $kver lacks CONFIG_LIVEPATCH" >&2; exit 1; }
echo "$kver" >"$x86/kver"

if [ "$cross" = 1 ]; then
	# Debian's ppc64el and s390x kernels are built without CONFIG_LIVEPATCH
	# (klp's unsupported path is tested there). Any 6.1 build will do: the
	# foreign security index may lag behind the amd64 one.
	newest() { # FLAVOUR: newest linux-image-6.1.0-N-FLAVOUR apt knows
		apt-cache pkgnames linux-image-6.1.0- |
			grep -E "^linux-image-6\.1\.0-[0-9]+-$1\$" | sort -V | tail -1
	}
	for f in powerpc64le:ppc64el:ppc64le s390x:s390x:s390x; do
		IFS=: read -r flavour arch dir <<<"$f"
		[ -d "$cache/$dir/kimg/boot" ] && continue
		pkg=$(newest "$flavour")
		[ -n "$pkg" ] || { echo "setup.sh: no $flavour kernel package" >&2; exit 1; }
		fetch_unpack "$pkg:$arch" "$cache/$dir/kimg"
	done
	# busybox-static cannot be co-installed for several architectures:
	# unpacked like the kernels.
	for f in ppc64el:ppc64le s390x:s390x; do
		IFS=: read -r arch dir <<<"$f"
		[ -x "$cache/$dir/busybox/bin/busybox" ] && continue
		rm -rf "$cache/$dir/busybox"
		fetch_unpack_any "busybox-static:$arch" "$cache/$dir/busybox"
	done
fi
echo "setup.sh: ready: kernel $kver, cache $cache (cross=$cross)"
