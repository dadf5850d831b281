#!/bin/bash
# Every bad input of docs/bad-input.md, tried on the real `ulp` of a build:
# each must be refused with its exit status and exactly one line, the very
# line the table in docs/bad-input.md gives (paths and pids normalised to
# DIR, FIXTURES and PID), without hanging (10 s) or crashing; the runtime's
# refusals must leave the process running and unpatched. Ends with
# "N passed, N failed". --table prints the table's rows instead (to
# refresh the documentation after a message changed).
# Usage: tests/fuzz/bad_inputs.sh [BUILD] [--table]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 2
table=0
[ "${2:-}" = --table ] && table=1
ULP=$build/ulp/ulp
FX=$build/tests/integration
MUTATE=$FX/reliability/ulp_mutate
doc=$top/docs/bad-input.md
work=$(mktemp -d)
pid=
trap 'exec 7>&- 2>/dev/null; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
pass=0
fail=0

python3 "$top/tests/fuzz/mkbad.py" "$work" "$FX/foo_p1.ulp" "$FX/libfoo_p1.so" ||
	{ echo "0 passed, 1 failed"; exit 1; }
cc -O2 -pthread -I"$top/include" -I"$top/tests/integration/fixtures" \
	"$top/tests/stress/stress_target.c" "$FX/libfoo.so.1" \
	"$build/preload/libpulp.so" -Wl,-rpath,"$FX:$build/preload" \
	-o "$work/stress_target" || { echo "0 passed, 1 failed"; exit 1; }
mkfifo "$work/in" "$work/fifo.so"
"$work/stress_target" wait <"$work/in" >"$work/out" 2>&1 &
pid=$!
exec 7>"$work/in"
for _ in $(seq 200); do grep -q '^ready' "$work/out" && break; sleep 0.02; done

# Descriptors, each with one thing wrong (relative paths: FIXTURES).
dsc() { printf "$2" >"$work/$1.dsc"; }
dsc empty ''
dsc comments_only '! only a comment\n'
dsc no_target 'libfoo_p1.so\nfoo_value:foo_value_v2\n'
dsc func_without_colon 'libfoo_p1.so\n@libfoo.so.1\nfoo_value\n'
dsc missing_patch_object 'no_such_p1.so\n@libfoo.so.1\nfoo_value:foo_value_v2\n'
dsc missing_target 'libfoo_p1.so\n@libno_such.so.1\nfoo_value:foo_value_v2\n'
dsc unknown_old 'libfoo_p1.so\n@libfoo.so.1\nno_such_function:foo_value_v2\n'
dsc unknown_new 'libfoo_p1.so\n@libfoo.so.1\nfoo_value:no_such_v2\n'
dsc object_is_target 'libfoo.so.1\n@libfoo.so.1\nfoo_value:foo_name\n'
dsc ref_without_patch_name 'libfoo_p1.so\n@libfoo.so.1\nfoo_value:foo_value_v2\n#counter\n'
dsc ref_unknown_var 'libfoo_p1.so\n@libfoo.so.1\nfoo_value:foo_value_v2\n#no_such_var:counter_ref\n'
dsc fifo_object "$work/fifo.so\n@libfoo.so.1\nfoo_value:foo_value_v2\n"
dsc two_targets 'libfoo_p1.so\n@libfoo.so.1\n@libbar.so.1\nfoo_value:foo_value_v2\n'
printf 'libfoo_p1.so\n@libfoo.so.1\n\001\002\377\376:\n' >"$work/binary.dsc"
for f in "$work"/*.dsc; do cp "$f" "$FX/badin_$(basename "$f")"; done

# Checksum-valid .ulp files with one offset wrong (the runtime's checks).
mut() { "$MUTATE" "$FX/foo_p1.ulp" "$work/$1.ulp" "$2" "$3" "$4" >/dev/null ||
	echo "ulp_mutate $* failed"; }
mut old_off_zero old_off 0 0
mut old_off_max old_off 0 0xffffffffffffffff
mut new_off_zero new_off 0 0
mut new_off_max new_off 0 0xffffffffffffffff
mut ref_slot_zero ref_patch_off 0 0
mut ref_slot_max ref_patch_off 0 0xffffffffffffffff
mut ref_var_max ref_target_off 0 0xffffffffffffffff
mut ref_slot_elsewhere ref_patch_off 0 -8
mut object_is_target patch_build_id_from 0 0

# try LABEL WANT-STATUS ARGS...: one case.
try() {
	local label=$1 want=$2 rc line norm n
	shift 2
	(cd "$FX" && timeout 10 "$ULP" "$@") >"$work/res" 2>&1
	rc=$?
	n=$(wc -l <"$work/res")
	line=$(head -1 "$work/res")
	norm=$(echo "$line" | sed "s|$work|DIR|g; s|$FX|FIXTURES|g; s|$build|BUILD|g; s|pid $pid|pid PID|g; s|(pid $pid)|(pid PID)|g; s|badin_||g; s|([0-9]* bytes, header says [0-9]*)|(N bytes, header says M)|; s|offset 0x[0-9a-f]* is not where \(.*\) defines it (0x[0-9a-f]*)|offset OFF is not where \1 defines it (OFF2)|")
	if [ $table = 1 ]; then
		printf '| %s | `ulp %s` | %s | `%s` |\n' "$label" \
			"$(echo "$*" | sed "s|$work|DIR|g; s|$FX/||g; s|$pid|PID|g; s|badin_||g")" "$rc" "$norm"
		return
	fi
	if [ $rc = 124 ] || [ $rc -ge 128 ]; then
		echo "FAIL: $label: hung or crashed (exit $rc)"
		fail=$((fail + 1))
	elif [ "$rc" != "$want" ] || [ "$n" != 1 ]; then
		echo "FAIL: $label: exit $rc (want $want), $n lines: $(cat "$work/res")"
		fail=$((fail + 1))
	elif ! grep -qF -- "\`$norm\`" "$doc"; then
		echo "FAIL: $label: message not in docs/bad-input.md: $norm"
		fail=$((fail + 1))
	else
		echo "PASS: $label: $norm"
		pass=$((pass + 1))
	fi
}

for f in empty text short version2 truncated padded flipped dup_name \
	no_records record_overrun unterminated_string unknown_tag_only; do
	try ".ulp: $f" 2 dump "$work/$f.ulp"
done
for f in elf32 elf_bad_endian elf_truncated elf_shoff_outside elf_nobits_shstrtab; do
	try "container: $f" 2 dump "$work/$f.so"
done
try "container: a library without patch metadata" 2 dump "$FX/libfoo.so.1"
try ".ulp: a directory" 2 dump "$work"
try ".ulp: a FIFO" 2 dump "$work/fifo.so"
try ".ulp: no such file" 2 dump "$work/none.ulp"
for f in elf32 elf_truncated; do
	try "ELF: $f" 2 livepatchable "$work/$f.so"
done
try "ELF: not an ELF file" 2 livepatchable "$work/text.ulp"
try "ELF: no pads" 1 livepatchable "$FX/libfoo_p1.so"
for f in empty comments_only no_target func_without_colon missing_patch_object \
	missing_target unknown_old unknown_new object_is_target \
	ref_without_patch_name ref_unknown_var fifo_object two_targets binary; do
	try "descriptor: $f" 2 packer -o "$work/out.ulp" "badin_$f.dsc"
done
for f in flipped record_overrun; do
	try "trigger: $f" 2 trigger -p "$pid" "$work/$f.ulp"
done
for f in old_off_zero old_off_max new_off_zero new_off_max ref_slot_zero \
	ref_slot_max ref_var_max ref_slot_elsewhere object_is_target; do
	try "runtime: $f" 1 trigger -p "$pid" "$work/$f.ulp"
done
try "trigger: target library not loaded" 3 trigger -p "$pid" "$FX/bar_p1.ulp"
rm -f "$FX"/badin_*.dsc
if [ $table = 0 ]; then
	# The refusals left the process running, unpatched, every call right.
	echo s >&7
	sleep 0.3
	if grep -q "^calls=.* bad=0 .*applied=0" "$work/out" && kill -0 "$pid"; then
		echo "PASS: the process is untouched: $(grep '^calls=' "$work/out" | tail -1)"
		pass=$((pass + 1))
	else
		echo "FAIL: the process: $(tail -2 "$work/out")"
		fail=$((fail + 1))
	fi
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
fi
