# Item 7: checksum-valid .ulp files with bad offsets (written with the
# packer's own encoder by ulp_mutate) are refused by the runtime with one
# line, before anything is written: the process survives, its results stay
# the original ones, and the good patch still applies afterwards.
. "$(dirname "$0")/rel_lib.bash"
: "${ULP_MUTATE:?}"
start_app a
expect_field a name original
orig=$(poke a | cut -d' ' -f1-2)

n=0
variant() { # variant IN FIELD INDEX VALUE EXPECTED-REGEX
	local in=$1 out="$WORK/v$n.ulp"
	n=$((n + 1))
	"$ULP_MUTATE" "$in" "$out" "$2" "$3" "$4" || fail "ulp_mutate $*"
	trigger -p "$a_PID" "$out"
	alive "$a_PID" || fail "variant $n ($2[$3]=$4) killed the target"
	now=$(poke a | cut -d' ' -f1-2)
	[ "$now" = "$orig" ] || fail "variant $n: results '$now', expected '$orig'"
	[ "$RC" != 0 ] || fail "variant $n ($2[$3]=$4) was applied"
	[ "$(echo "$OUT" | wc -l)" = 1 ] || fail "variant $n: not one line"
	expect_out "failed: "
	expect_out "$5"
}
CODE="is not in the code of"
# Where the runtime reads and writes the pad: in the target's code only.
variant foo_p1.ulp old_off 0 0 "$CODE"
variant foo_p1.ulp old_off 0 2 "$CODE"
variant foo_p1.ulp old_off 0 0xffffffffffffffff "$CODE"
variant foo_p1.ulp old_off 0 0xfffffffffffffff0 "$CODE"
variant foo_p1.ulp old_off 1 +0x1000000 "$CODE"
variant foo_p1.ulp old_off 3 +0x7fffffff0000 "$CODE"
variant foo_p1.ulp old_off 0 +1 "not a live-patchable\|pad\|$CODE"
# New functions: in the patch object's code, where their symbol is.
variant foo_p1.ulp new_off 0 0 "new function offset"
variant foo_p1.ulp new_off 0 0xffffffffffffffff "new function offset"
variant foo_p1.ulp new_off 0 +1 "not where .* defines it"
variant foo_p1.ulp new_off 0 f:1 "not where .* defines it"
variant foo_p1.ulp new_off 1 +0x1000000 "new function offset"
variant foo_p1.ulp new_off 2 -0x100000 "new function offset"
variant foo_p1.ulp new_name 0 f:1 "not where .* defines it"
# Reference slots: in the patch object's writable data; variables in the
# target (TLS: in its block).
variant foo_p1.ulp ref_patch_off 0 0 "writable data"
variant foo_p1.ulp ref_patch_off 0 0xffffffffffffffff "writable data"
variant foo_p1.ulp ref_patch_off 0 0xfffffffffffffffc "writable data"
variant foo_p1.ulp ref_patch_off 1 +0x1000000 "writable data"
variant foo_p1.ulp ref_patch_off 0 f:0 "writable data"
variant foo_p1.ulp ref_target_off 0 0xffffffffffffffff "not in the image"
variant foo_p1.ulp ref_target_off 0 +0x10000000 "not in the image"
# A pointer slot turned into a TLS reference: the 16-byte slot may run
# past the patch object's data before the TLS offset is looked at.
variant foo_p1.ulp ref_tls 0 1 "not in the TLS block\|not in the writable data"
variant foo_p2.ulp ref_target_off 0 0x100000 "not in the TLS block"
variant foo_p2.ulp ref_target_off 0 0xffffffffffffffff "not in the TLS block"
variant foo_p2.ulp ref_patch_off 0 0 "writable data"
# The patch object named as the target itself (item 8).
variant foo_p1.ulp patch_build_id_from 0 0 "is the target .* itself"
[ "$n" -ge 20 ] || fail "only $n variants"

# Nothing was left behind: the right patch applies and reverts.
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
expect_field a name patched-1
trigger -p "$a_PID" foo_p1.rev
expect_rc 0
expect_field a name original
pass
