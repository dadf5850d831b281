# Item 11.1: a patch object's constructor runs in the target when the
# runtime loads it, before the commit decision (dlopen runs it; nothing
# else can load an object). Bound, documented in docs/limits.md: the
# packer warns about such an object, naming its constructors; a
# constructor that exits or crashes takes the target with it, and the
# tool then ends within its timeout with "failed: process exited", never
# hangs or claims success. A patch object without constructors gets no
# warning.
. "$(dirname "$0")/deg_lib.bash"
require_ptrace
out=$("$ULP" packer -o "$WORK/c.ulp" "$DEG_DIR/ctor_p.dsc" 2>&1) || fail "packer: $out"
echo "$out"
echo "$out" | grep -q "warning: .*libctor_p.so has 1 constructor (misbehave)" ||
	fail "the packer did not warn about the constructor"
out=$("$ULP" packer -q -o "$WORK/o.ulp" "$DEG_DIR/one_p.dsc" 2>&1) || fail "packer: $out"
[ -z "$out" ] || fail "warning for a patch object without constructors: $out"
out=$("$ULP" packer -q -o "$WORK/f.ulp" "$FIXTURES/cxx_p1.dsc" 2>&1) || fail "packer: $out"
echo "$out" | grep -q constructor && fail "warning for cxx_p1: $out"

for how in exit crash; do
	start_app "t_$how" DEG_CTOR=$how
	eval "pid=\$t_${how}_PID"
	OUT=$(timeout 60 "$ULP" trigger --timeout 5 -p "$pid" \
		"$DEG_DIR/ctor_p.ulp" 2>&1)
	RC=$?
	echo "+ DEG_CTOR=$how: ulp trigger -> $RC: $OUT"
	[ $RC != 124 ] || fail "the tool hung"
	[ $RC != 0 ] || fail "success reported for a target that died"
	expect_out "failed: process exited"
	sleep 0.2
	alive "$pid" && fail "the target survived its patch's constructor ($how)"
done
# The same object loads fine where its constructor behaves.
start_app ok
trigger -p "$ok_PID" "$DEG_DIR/ctor_p.ulp"
expect_rc 0
expect_field ok name ctor
pass
