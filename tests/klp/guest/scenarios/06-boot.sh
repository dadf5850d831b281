# Patches after a reboot: klp boot shows what klp-boot.service loads (per
# series of the store, the newest version built for this kernel), and the
# unit's command, klp boot --load, loads it and is idempotent.
S=/klp/store
step "what the next boot loads"
run klp --store $S boot; expect_rc 0 "boot exits 0"
expect_out '^klp_test_cum2: series klp_test version 2 \(/klp/store/klp_test_cum2.ko\)$' "newest version of the series"
expect_no_out 'klp_test_cum1' "not the older version"
run klp --store $S --json boot
expect_out '"name": "klp_test_cum2"' "json names it"
expect_out "\"kernel\": \"$(uname -r)\"" "json: for the running kernel"
run klp --store $S boot --paths; expect_out '^/klp/store/klp_test_cum2.ko$' "--paths for the initramfs hook"
run klp --store $S boot --kernel 0.0-other; expect_out 'nothing to load for kernel 0.0-other' "another kernel: nothing"
run klp --store /nonexistent boot; expect_rc 0 "no store: nothing to load, exit 0"

step "the unit's command: klp boot --load"
run klp --store $S boot --load; expect_rc 0 "loads"
expect_out '^klp_test_cum2: patched$' "cum2 patched"
run cat /proc/cmdline /proc/version
expect_out '^klp_test: version patched by version 2$' "kernel runs version 2"
expect_not "cum1 not loaded" loaded klp_test_cum1
run klp --store $S boot --load; expect_rc 0 "again: exit 0"
expect_out '^klp_test_cum2: already active$' "again: already active"
run klp --store $S boot --load --kernel x; expect_rc 2 "--load with --kernel: usage error"
run klp unload klp_test_cum2; expect_rc 0 "unload"
finish
