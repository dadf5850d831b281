# klp on a kernel without live patching (Debian's ppc64el and s390x kernels):
# every command says so with exit status 3; module files of the other byte
# order are still read.
step "kernel without CONFIG_LIVEPATCH ($(uname -m))"
expect_not "no /sys/kernel/livepatch" test -e $LP
run klp status; expect_rc 3 "status: 3"; expect_out 'not supported by this kernel' "status: clear line"
run klp --json status; expect_rc 3 "json status: 3"; expect_out '"status": "unsupported"' "json status says unsupported"
run klp check; expect_rc 3 "check: 3"
run klp patches; expect_rc 3 "patches: 3"
run klp blocking; expect_rc 3 "blocking: 3"
run klp unload foo; expect_rc 3 "unload: 3"
# Modules of the other byte order are read: a live patch gets as far as the
# kernel check, an ordinary module is refused for what its modinfo says.
run klp load /klp/klp_test_cum1.ko; expect_rc 3 "load of an x86_64 live patch: 3 (read, then refused)"
run klp load /klp/klp_test_target.ko; expect_rc 2 "x86_64 module without livepatch=Y: 2"
expect_out 'not a live patch module' "its modinfo was read"
run klp load /klp/bogus.ko; expect_rc 2 "non-ELF module file: 2"
finish
