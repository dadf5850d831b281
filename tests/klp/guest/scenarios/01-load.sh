# load: status/check before and after, the patched function's behaviour,
# patches -v labels and -vv objects, JSON, then unload.
step "before any patch"
run klp status;  expect_rc 0 "status exits 0"; expect_out '^ready$' "status says ready"
run klp check;   expect_rc 0 "check: 0 when ready"
run klp patches; expect_rc 0 "patches exits 0"
[ -s "$OUT" ] && not_ok "no patches listed" || ok "no patches listed"
run cat /proc/cmdline; expect_out 'console=' "cmdline original"

step "load a cumulative patch"
run klp load /klp/klp_test_cum1.ko
expect_rc 0 "load exits 0"; expect_out 'klp_test_cum1: patched' "load reports success"
run cat /proc/cmdline
expect_out '^klp_test: cmdline patched by version 1$' "cmdline_proc_show is patched"
run klp status; expect_out '^ready$' "status ready after the transition"
run klp check;  expect_rc 0 "check 0 after the transition"
run klp patches; expect_out '^klp_test_cum1$' "patches lists the patch"
run grep klp_test_cum1 /proc/modules; expect_out '\(.*K.*\)' "module tainted K"

step "patches -v: module file, version, labels"
run klp -v patches
expect_out 'state: +enabled' "-v: enabled"
expect_out 'transition: +no' "-v: not in transition"
expect_out 'module: +/klp/klp_test_cum1.ko \((build-id|srcversion)\)' "-v: module file, confirmed"
expect_out 'version: +1 \(srcversion ' "-v: version and srcversion"
expect_out 'cve: +CVE-2099-0001$' "-v: CVE label from modinfo"
expect_out 'bug: +bsc#1000001$' "-v: bug label from modinfo"
run klp patches -vv
expect_out 'object vmlinux: patched' "-vv: object patched"
expect_out '^    cmdline_proc_show,1$' "-vv: function with sympos"
run klp --json patches
expect_out '"name": "klp_test_cum1"' "json: name"
expect_out '"CVE-2099-0001"' "json: cve"
expect_out '"sympos": 1' "json: functions"
run klp --json status; expect_out '"status": "ready"' "json status"

step "load twice, bad files"
run klp load /klp/klp_test_cum1.ko; expect_rc 1 "second load fails (1)"
expect_out 'already loaded' "says already loaded"
run klp load /klp/klp_test_target.ko; expect_rc 2 "non-livepatch module refused (2)"
expect_out 'not a live patch module' "says why"
run klp load /nonexistent.ko; expect_rc 2 "missing file (2)"

step "permission"
run su -s /bin/sh nobody -c "klp load /klp/klp_test_cum2.ko"
expect_rc 4 "non-root load: exit 4"; expect_out 'permission denied' "non-root: clear message"
run su -s /bin/sh nobody -c "klp status"
expect_rc 0 "non-root status works"

step "rmmod cannot remove an enabled patch; klp unload can"
run rmmod klp_test_cum1; expect_rc 1 "rmmod refused"
run klp unload klp_test_cum1
expect_rc 0 "unload exits 0"; expect_out 'klp_test_cum1: removed' "unload reports removal"
expect_not "module gone" loaded klp_test_cum1
expect_not "sysfs dir gone" test -e $LP/klp_test_cum1
run cat /proc/cmdline; expect_out 'console=' "cmdline original again"
run klp unload klp_test_cum1; expect_rc 1 "unload of an unknown patch: 1"
expect_out 'no such live patch' "says no such patch"
finish
