# A forced reverse transition: the kernel never releases the patch module
# (6.1 keeps the reference of a patch forced while unpatching); klp says so.
P=klp_test_stall
insmod /klp/klp_test_target.ko
run klp load /klp/$P.ko; expect_rc 0 "load"
run cat /proc/klp_test_target; expect_out '^patched$' "target patched"
echo 1 >/sys/module/$P/parameters/hold
sleep 0.3
KT=$(pidof klp_test_kt)

step "unload stalls: the kthread sleeps in the new function"
run klp unload --timeout 2 $P
expect_rc 5 "unload times out: 5"
expect_out "blocked by task $KT \\(klp_test_kt\\)" "names the blocking kthread"
expect_out 'still in progress' "says the unpatching goes on"
run klp -v status; expect_out "^in_progress: $P \\(unpatching, 1 task pending\\)$" "status: unpatching"
run klp blocking; expect_out "^$KT klp_test_kt$" "blocking names it (target unpatched)"

step "force the reverse transition"
echo 1 >$LP/$P/force
wait_for 100 test ! -e $LP/$P
expect_not "patch gone from sysfs" test -e $LP/$P
echo 0 >/sys/module/$P/parameters/hold
run cat /proc/klp_test_target; expect_out '^original$' "target unpatched"
run klp -v patches
expect_out "^$P \\(inactive module\\)$" "listed as an inactive module"
expect_out 'state: +forced' "listed as forced"
run klp --json patches; expect_out '"state": "forced"' "json: forced"
run klp unload $P
expect_rc 1 "unload of the forced module fails (1)"
expect_out 'forced' "says it was forced"
expect "module stays" loaded $P
finish
