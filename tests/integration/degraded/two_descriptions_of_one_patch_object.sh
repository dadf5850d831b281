# A patch is known by its patch object's build-id. Two .ulp files packed
# from one object with other names or functions (many1_p: 1 function,
# many_p: 256) are not the same patch: with many1_p applied, applying
# many_p must fail with a line naming many1_p (it used to report "live
# patching succeeded" and change nothing), leave the process as it was,
# and `ulp check` must not call many_p applied. After many1_p's revert,
# many_p applies, and applying it again is "already applied" (success).
. "$(dirname "$0")/deg_lib.bash"
require_ptrace
start_app a
trigger -p "$a_PID" "$DEG_DIR/many1_p.ulp"
expect_rc 0
expect_field a many 1

trigger -p "$a_PID" "$DEG_DIR/many_p.ulp"
expect_rc 1
expect_out "failed: many_p: its patch object is applied as many1_p, another description of it; revert many1_p first"
expect_field a many 1
expect_field a patches 1

OUT=$("$ULP" check -p "$a_PID" "$DEG_DIR/many_p.ulp" 2>&1); RC=$?
expect_rc 1
expect_out "many_p not applied"
OUT=$("$ULP" check -p "$a_PID" "$DEG_DIR/many1_p.ulp" 2>&1); RC=$?
expect_rc 0

trigger -p "$a_PID" "$DEG_DIR/many1_p.rev"
expect_rc 0
trigger -p "$a_PID" "$DEG_DIR/many_p.ulp"
expect_rc 0
expect_field a many 256
trigger -p "$a_PID" "$DEG_DIR/many_p.ulp"
expect_rc 0
expect_out "live patching succeeded"
expect_field a many 256
expect_field a patches 1
pass
