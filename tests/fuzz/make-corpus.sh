#!/bin/bash
# Regenerates the seed corpus tests/fuzz/corpus/<target>/ from a native
# build (BUILD, default <repo>/build): the fixtures' descriptors, the .ulp
# and .rev files its packer wrote, a libpulp container and a single-file
# patch of foo_p1, and small ELF files. The seeds are kept in the
# repository; run this only to refresh them after a format change.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
fx=$build/tests/integration
c=$top/tests/fuzz/corpus
ulp=$build/ulp/ulp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$c"/{descriptor,ulp,elf,engine}

# Descriptors: every fixture, plus one of each extension.
cp "$top"/tests/integration/fixtures/*.dsc "$c/descriptor/"
printf '! all: CVE-2026-1 bsc#2 gh#o/r#3\nlibx_p1.so\n@libx.so.1\nf,2:g\nh@V1:i\n#v:r:0x10:0x20\n#%%t:tr\n*dep.ulp\n' \
	>"$c/descriptor/extensions.dsc"

# .ulp/.rev as packed by this build, for the reader and the engine.
for f in "$fx"/*.ulp "$fx"/*.rev; do
	cp "$f" "$c/ulp/"
	cp "$f" "$c/engine/"
done
# Containers: libpulp's sections, and Pulp's single-file .pulp section.
(cd "$fx" && python3 "$top/tests/integration/libpulp_compat/mkcontainer.py" \
	libfoo_p1.so libfoo.so.1 "$tmp/libpulp_container.so" \
	--func foo_value:foo_value_v2 --func foo_name:foo_name_v2 \
	--ref counter:counter_ref --ref foo_exported:exported_ref \
	--comment "foo_p1: fixes CVE-2026-0001") >/dev/null
sed "s|^libfoo_p1.so|$fx/libfoo_p1.so|; s|^@libfoo.so.1|@$fx/libfoo.so.1|" \
	"$fx/foo_p1.dsc" >"$tmp/foo_p1.dsc"
"$ulp" packer -q --embed -o "$tmp/single_file.so" "$tmp/foo_p1.dsc"
for f in libpulp_container single_file; do
	strip -o "$c/ulp/$f.so" "$tmp/$f.so"
done
# ELF files: a live-patchable library, a patch object, the test app.
strip -o "$c/elf/libsolo.so.1" "$fx/libsolo.so.1"
cp "$fx/libsolo.so.1" "$c/elf/libsolo_symtab.so.1"
strip -o "$c/elf/libfoo_p1.so" "$fx/libfoo_p1.so"
cp "$c/ulp/libpulp_container.so" "$c/elf/"
echo "corpus: $(find "$c" -type f | wc -l) files, $(du -sh "$c" | cut -f1)"
