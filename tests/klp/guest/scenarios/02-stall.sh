# A kthread asleep in the function being patched holds the transition back:
# load --timeout reverses it; --keep leaves it for status/check/blocking.
P=klp_test_stall
insmod /klp/klp_test_target.ko
echo 1 >/sys/module/klp_test_target/parameters/hold
sleep 0.3
KT=$(pidof klp_test_kt)
echo "klp_test_kt pid=$KT"

step "load --timeout: stalls, reported and reversed"
run klp load --timeout 3 /klp/$P.ko
expect_rc 5 "timeout exit status 5"
expect_out "blocked by task $KT \\(klp_test_kt\\)" "names the blocking kthread"
expect_out 'reversed and module removed' "says it reversed"
expect_not "patch gone from sysfs" test -e $LP/$P
expect_not "module removed" loaded $P
run cat /proc/klp_test_target; expect_out '^original$' "target unpatched"
run klp status; expect_out '^ready$' "ready after the reversal"

step "load --keep: left in transition"
run klp load --keep --timeout 2 /klp/$P.ko
expect_rc 5 "keep: exit 5"; expect_out 'left in progress' "keep: says so"
run klp status; expect_rc 0 "status exits 0"; expect_out '^in_progress$' "status in_progress"
run klp -v status; expect_out "^in_progress: $P \\(patching, 1 task pending\\)$" "status -v names the patch"
run klp check; expect_rc 1 "check: 1 in progress"
run klp --json status; expect_out '"patch": "klp_test_stall"' "json status names the patch"
run klp blocking; expect_rc 0 "blocking exits 0"
expect_out "^$KT klp_test_kt$" "blocking names the kthread"
[ "$(wc -l <"$OUT")" = 1 ] && ok "only that task blocks" || not_ok "only that task blocks"
run klp -v blocking; expect_out "^$KT klp_test_kt pid=$KT \\[klp_test_kt\\]$" "blocking -v: cmdline"
run klp -vv blocking; expect_out 'klp_test_target_wait' "blocking -vv: kernel stack"
run klp --json blocking; expect_out "\"tid\": $KT" "json blocking"
run su -s /bin/sh nobody -c "klp blocking"
expect_rc 4 "non-root blocking: 4"; expect_out 'root' "non-root: says root is needed"
run klp -v patches; expect_out 'transition: +yes \(patching\)' "patches -v: in transition"

step "another load while the transition runs: EBUSY, retried"
run klp load --timeout 1 /klp/klp_test_cum1.ko
expect_rc 5 "EBUSY until the timeout: 5"
expect_out 'another live patch transition still in progress after 1s' "says why"
expect_not "nothing loaded" loaded klp_test_cum1
klp load --timeout 30 /klp/klp_test_cum1.ko >/tmp/bg.out 2>&1 &
BG=$!
sleep 1.5
expect "background load still waiting" kill -0 $BG
echo 0 >/sys/module/klp_test_target/parameters/hold
wait $BG; BGRC=$?
sed 's/^/  bg| /' /tmp/bg.out
[ $BGRC = 0 ] && ok "retried load succeeded after the transition" || not_ok "retried load (rc=$BGRC)"
run klp status; expect_out '^ready$' "ready once released"
run klp check; expect_rc 0 "check 0"
run dmesg; expect_out "'klp_test_stall': patching complete" "stalled patch completed first"
run cat /proc/cmdline; expect_out 'version 1' "the retried cumulative patch applied"
run klp patches; expect_out '^klp_test_cum1$' "cumulative patch listed"
expect_no_out '^klp_test_stall$' "and it replaced the stall patch"
run klp blocking; [ -s "$OUT" ] && not_ok "blocking empty when ready" || ok "blocking empty when ready"
finish
