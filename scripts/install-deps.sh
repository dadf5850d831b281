#!/bin/bash
# Installs what building Pulp needs on Debian 12, as root, idempotently and
# without questions (CI=true, no stdin); with --tests, also what its tests
# need beyond that (cross compilers and qemu-user for the ppc64le and s390x
# tests; tests/klp/setup.sh installs the kernel guests' part).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
[ "$(id -u)" = 0 ] || { echo "install-deps.sh: run as root (apt-get)" >&2; exit 1; }

pkgs=(build-essential cmake pkg-config libelf-dev libcapstone-dev
	libjson-c-dev libcmocka-dev libffi-dev binutils)
if [ "${1:-}" = --tests ]; then
	pkgs+=(gcc-powerpc64le-linux-gnu gcc-s390x-linux-gnu qemu-user)
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	# A foreign-architecture index briefly out of sync can make update fail:
	# the install below is what must succeed.
	apt-get update -q || true
	apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=900 "${missing[@]}"
fi
