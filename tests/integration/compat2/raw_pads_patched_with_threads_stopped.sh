# A library whose pads were never normalised by 'ulp post' (x86_64: each
# entry is two 1-byte NOPs): ulp trigger patches and reverts it with every
# thread stopped and none between the two NOPs, while a thread calls the
# function in a tight loop (every call returns the old or the new value);
# the in-process API, which cannot stop threads, refuses it with a clear
# line.
. "$COMPAT2_SOURCE_DIR/../lib.sh"
require_ptrace
"$ULP" livepatchable -v libraw.so.1 | grep -q "raw_value: raw" ||
	fail "the fixture's pad is not raw: $("$ULP" livepatchable -v libraw.so.1)"
"$ULP" packer -q -o "$WORK/raw_p1.ulp" raw_p1.dsc 2>/dev/null || fail "packer"
APP_EXE=./compat2_app start_app a LD_PRELOAD="$LIBPULP"
expect_field a value 1

# First, while the pad is still raw in memory: the in-process API.
ans=$(poke a "api $WORK/raw_p1.ulp")
echo "in-process: $ans"
echo "$ans" | grep -q "^api=-" || fail "the in-process API applied a raw pad: $ans"
echo "$ans" | grep -q "not normalised by 'ulp post'.*only 'ulp trigger'" || fail "unclear refusal: $ans"
expect_field a value 1

# A revert leaves the normalised NOP: each round takes a fresh process, so
# every apply switches a raw entry.
for i in a b c d; do
	[ "$i" = a ] || APP_EXE=./compat2_app start_app "$i" LD_PRELOAD="$LIBPULP"
	eval "pid=\$${i}_PID"
	c0=$(field "$i" calls)
	trigger -p "$pid" "$WORK/raw_p1.ulp"
	expect_rc 0
	expect_field "$i" value 2
	trigger -p "$pid" "$WORK/raw_p1.rev"
	expect_rc 0
	expect_field "$i" value 1
	trigger -p "$pid" "$WORK/raw_p1.ulp" # again, over the normalised entry
	expect_rc 0
	expect_field "$i" value 2
	c1=$(field "$i" calls)
	[ "$c1" -gt "$c0" ] || fail "$i: the spinning thread made no calls ($c0 -> $c1)"
	expect_field "$i" bad 0
	kill -0 "$pid" || fail "$i: the process died"
	kill -9 "$pid"
done
pass
