#!/bin/bash
# Installs what building and testing Pulp needs on Debian 12, as root,
# idempotently and without questions (CI=true, no stdin).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
[ "$(id -u)" = 0 ] || { echo "install-deps.sh: run as root (apt-get)" >&2; exit 1; }

pkgs=(build-essential cmake pkg-config libelf-dev libcapstone-dev
	libjson-c-dev libcmocka-dev libffi-dev binutils
	gcc-powerpc64le-linux-gnu gcc-s390x-linux-gnu qemu-user)
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
