# A patch for a module that is loaded after the patch.
P=klp_test_stall
step "patch first"
run klp load /klp/$P.ko; expect_rc 0 "load patch for an absent module"
run klp -vv patches
expect_out 'object klp_test_target: not patched' "object not patched yet"
expect_out 'klp_test_target_value,1' "its functions listed"
step "then the module"
run insmod /klp/klp_test_target.ko; expect_rc 0 "insmod target"
run cat /proc/klp_test_target; expect_out '^patched$' "patched on load"
run klp -vv patches; expect_out 'object klp_test_target: patched' "object patched"
run klp --json patches; expect_out '"patched": true' "json: patched"
step "unload the patch, the module stays"
run klp unload $P; expect_rc 0 "unload"
run cat /proc/klp_test_target; expect_out '^original$' "module unpatched"
expect "target still loaded" loaded klp_test_target
finish
