# A pad never normalised by 'ulp post' (x86_64: the entry is two 1-byte
# NOPs a thread can be stopped between) is committed with every thread
# stopped even in --consistency=function: its entry write is no atomic
# switch, so the plan never qualifies for the runtime's own commit. Each
# round takes a fresh process (a revert leaves the normalised NOP), while
# a thread calls the function through the pad in a tight loop: every
# call returns the old or the new value and the process never dies. The
# main thread is the one borrowed; the spinning thread makes no system
# call, so its voluntary context switches move only when it is stopped:
# they move for the raw apply (everyone stopped) and not for the re-apply
# over the normalised entry (the runtime's own commit): the mode is in
# force, and the raw pad is not given to it. Other architectures:
# whatever the backend flags decide, the calls stay right.
. "$(dirname "$0")/func_lib.bash"
: "${RAW_FIXTURES:?}"
ROUNDS=${RAW_ROUNDS:-12}
cd "$RAW_FIXTURES" || fail "no $RAW_FIXTURES"
"$ULP" livepatchable -v libraw.so.1 | grep -q "raw_value: raw" ||
	fail "the fixture's pad is not raw: $("$ULP" livepatchable -v libraw.so.1)"
"$ULP" packer -q -o "$WORK/raw_p1.ulp" raw_p1.dsc 2>/dev/null || fail "packer"
x86=0
[ "$(uname -m)" = x86_64 ] && x86=1
for r in $(seq "$ROUNDS"); do
	n=r$r
	APP_EXE=./compat2_app start_app "$n" LD_PRELOAD="$LIBPULP"
	eval "pid=\$${n}_PID"
	spinner=$(ls "/proc/$pid/task" | grep -vx "$pid" | head -n 1)
	[ -n "$spinner" ] || fail "no spinning thread"
	c0=$(field "$n" calls)
	m0=$(vcsw "$pid" "$spinner")
	trigger -p "$pid" --tid "$pid" --consistency=function "$WORK/raw_p1.ulp"
	expect_rc 0
	m1=$(vcsw "$pid" "$spinner")
	expect_field "$n" value 2
	trigger -p "$pid" --tid "$pid" --consistency=function "$WORK/raw_p1.rev"
	expect_rc 0
	expect_field "$n" value 1
	m2=$(vcsw "$pid" "$spinner")
	trigger -p "$pid" --tid "$pid" --consistency=function "$WORK/raw_p1.ulp"
	expect_rc 0
	m3=$(vcsw "$pid" "$spinner")
	expect_field "$n" value 2
	echo "round $r: spinning thread switches: raw apply $m0 -> $m1, re-apply $m2 -> $m3"
	if [ "$x86" = 1 ]; then
		[ "$m1" -gt "$m0" ] || fail "$n: the raw pad was committed without stopping the spinning thread"
		[ "$m3" = "$m2" ] || fail "$n: the re-apply over a normalised entry stopped the spinning thread"
	fi
	c1=$(field "$n" calls)
	[ "$c1" -gt "$c0" ] || fail "$n: the spinning thread made no calls ($c0 -> $c1)"
	expect_field "$n" bad 0
	alive "$pid" || fail "$n: the process died"
	kill -9 "$pid"
done
pass
