# Atomic replace by a cumulative patch, then downgrade from the patch store.
S=/klp/store
step "version 1, then cumulative version 2 replaces it"
run klp load $S/klp_test_cum1.ko; expect_rc 0 "load v1"
run klp load $S/klp_test_cum2.ko; expect_rc 0 "load v2"
run cat /proc/cmdline /proc/version
expect_out '^klp_test: cmdline patched by version 2$' "cmdline from v2"
expect_out '^klp_test: version patched by version 2$' "version from v2"
run klp patches; expect_out '^klp_test_cum2$' "v2 listed"
expect_no_out '^klp_test_cum1$' "v1 no longer a live patch"
expect "v1 module still loaded" loaded klp_test_cum1
run klp --store $S -v patches
expect_out '^klp_test_cum1 \(inactive module\)$' "-v lists the replaced module"
expect_out 'replaced by klp_test_cum2' "-v says replaced by v2"
expect_out 'cve: +CVE-2099-0001 CVE-2099-0002$' "v2 CVE labels"
expect_out 'bug: +bsc#1000001 pulp#2$' "v2 bug labels incl. the .labels file"
run klp --store $S --json patches
expect_out '"state": "replaced"' "json: replaced"

step "downgrade needs confirmation"
run klp --store $S downgrade
expect_rc 2 "no terminal, no -n: refused (2)"; expect_out 'use -n' "says use -n"
expect "v2 still active" test -e $LP/klp_test_cum2

step "downgrade -n"
run klp --store $S downgrade -n
expect_rc 0 "downgrade exits 0"
expect_out 'klp_test_cum2: downgraded to klp_test_cum1 \(version 1\)' "reports the downgrade"
run cat /proc/cmdline /proc/version
expect_out '^klp_test: cmdline patched by version 1$' "cmdline back to v1"
expect_no_out 'version patched' "version_proc_show unpatched"
run klp patches; expect_out '^klp_test_cum1$' "v1 active"
expect_not "v2 module removed" loaded klp_test_cum2
run klp --store $S downgrade -n
expect_rc 1 "nothing older: 1"; expect_out 'no version of series klp_test older than 1' "says why"
run klp --store /nonexistent downgrade -n; expect_rc 1 "empty store: 1"
finish
