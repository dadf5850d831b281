#!/bin/bash
# Installs what building Pulp needs on Debian 12, as root, idempotently and
# without questions (CI=true, no stdin); with --tests, also what its tests
# need beyond that: clang, the ppc64le and s390x cross compilers, qemu-user
# and the target architectures' libraries (multiarch ppc64el, s390x) for the
# cross builds of toolchains/*.cmake. tests/klp/setup.sh installs the kernel
# guests' part.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
[ "$(id -u)" = 0 ] || { echo "install-deps.sh: run as root (apt-get)" >&2; exit 1; }
exec </dev/null

foreign_archs=(ppc64el s390x)
pkgs=(build-essential cmake pkg-config libelf-dev libdw-dev libcapstone-dev
	libjson-c-dev libcmocka-dev libffi-dev binutils)
# ulp sign/keygen and a trigger under a signature policy dlopen libcrypto
# (docs/security.md): a run-time library only, so no -dev and no foreign
# copies; openssl for the test that signs with an `openssl genpkey` key.
pkgs+=(libssl3 openssl)
# The target's libraries for a cross build: runtime libraries where the -dev
# package does not co-install (libelf1, libdw1: linked by soname with the
# host's headers, cmake/PulpElf.cmake), -dev packages otherwise. The C
# library itself comes with the cross compilers (libc6-dev-<arch>-cross).
foreign_pkgs=(libelf1 libdw1 libcapstone-dev libcmocka-dev
	libffi-dev libjson-c-dev libstdc++6)
# Multi-Arch: same libraries those pull in, with the host's -dev package
# that must keep their version (see pin_skewed below).
skew_libs=(liblzma5:liblzma-dev zlib1g:zlib1g-dev libzstd1:libzstd-dev
	libbz2-1.0:libbz2-dev)
tests=0
[ "${1:-}" = --tests ] && tests=1
if [ "$tests" = 1 ]; then
	pkgs+=(gcc-powerpc64le-linux-gnu g++-powerpc64le-linux-gnu
		gcc-s390x-linux-gnu g++-s390x-linux-gnu qemu-user clang
		python3 util-linux binutils
		libclang-rt-14-dev valgrind strace) # fuzz, valgrind, stress tests
	for a in "${foreign_archs[@]}"; do
		for p in "${foreign_pkgs[@]}"; do pkgs+=("$p:$a"); done
	done
fi

installed() { # PKG[:ARCH] -> the installed version, or nothing
	dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		sed -n 's/^install ok installed //p'
}
candidate() { # PKG[:ARCH] -> apt's candidate version
	apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' |
		grep -v '(none)' || true
}
apt_install() {
	apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=900 "$@"
}

# A Multi-Arch: same library must have one version on every architecture.
# When the foreign index holds an older build than the host's (the host got
# a point release first), installing a foreign package that depends on it
# fails: pin the library and its host -dev (which -dev packages of ours pull
# in) to the foreign candidate on all architectures, in the same apt-get
# call as the rest. The version is read from apt, never assumed.
pins=()
pin_skewed() {
	local pair lib dev host want a native
	native=$(dpkg --print-architecture)
	for pair in "${skew_libs[@]}"; do
		lib=${pair%%:*}
		dev=${pair#*:}
		host=$(installed "$lib:$native")
		want=$(candidate "$lib:${foreign_archs[0]}")
		[ -n "$host" ] && [ -n "$want" ] && [ "$host" != "$want" ] || continue
		for a in "${foreign_archs[@]:1}"; do
			[ "$(candidate "$lib:$a")" = "$want" ] || {
				echo "install-deps.sh: $lib differs between foreign indexes" >&2
				return 1
			}
		done
		echo "install-deps.sh: $lib $host on the host, $want for" \
			"${foreign_archs[*]}: pinning all to $want"
		pins+=("$lib=$want" "$dev=$want")
		for a in "${foreign_archs[@]}"; do pins+=("$lib:$a=$want"); done
	done
}

missing() {
	local p
	for p in "${pkgs[@]}"; do
		[ -n "$(installed "$p")" ] || echo "$p"
	done
}

if [ "$tests" = 1 ]; then
	have=$(dpkg --print-foreign-architectures)
	for a in "${foreign_archs[@]}"; do
		grep -qx "$a" <<<"$have" || dpkg --add-architecture "$a"
	done
fi
mapfile -t todo < <(missing)
if [ ${#todo[@]} -gt 0 ]; then
	# A foreign-architecture index briefly out of sync can make update fail:
	# what must succeed is the install below, checked afterwards.
	apt-get update -q || echo "install-deps.sh: apt-get update failed; going on"
	[ "$tests" = 1 ] && pin_skewed
	apt_install --allow-downgrades "${pins[@]}" "${todo[@]}" || true
	mapfile -t todo < <(missing)
	if [ ${#todo[@]} -gt 0 ]; then
		echo "install-deps.sh: could not install: ${todo[*]}" >&2
		exit 1
	fi
fi
