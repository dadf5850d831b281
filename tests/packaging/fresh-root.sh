#!/bin/bash
# Usage: tests/packaging/fresh-root.sh DIR
# Unpack a fresh minimal Debian 12 root into DIR (created, must not exist).
# The root comes from Debian's mirror through mmdebstrap once and is cached
# as a tarball in $PULP_PACKAGING_CACHE (default /var/cache/pulp-packaging),
# so only the first run needs the mirror. Besides minbase it holds the
# shared libraries Pulp's packages depend on (so that dpkg -i needs no
# mirror) and python3: the Ansible tests reach it as a second host through
# the chroot connection.
set -euo pipefail
[ $# -eq 1 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
cache=${PULP_PACKAGING_CACHE:-/var/cache/pulp-packaging}
suite=bookworm
mirror=${PULP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Bump the name when the package list changes.
tar=$cache/$suite-minbase-py-2.tar
mkdir -p "$cache"
if [ ! -s "$tar" ]; then
	mmdebstrap --quiet --variant=minbase --include=python3,libjson-c5,libelf1,libdw1,libcapstone4 \
		"$suite" "$cache/partial-$$.tar" "$mirror" >&2
	mv "$cache/partial-$$.tar" "$tar"
fi
mkdir "$1"
tar -C "$1" -xf "$tar"
