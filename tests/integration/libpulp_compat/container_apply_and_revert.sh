# A libpulp 0.3.x container (the patch .so with .ulp, .ulp.rev and
# .ulp.comments sections, written from the documented layout) is accepted
# by dump, trigger, check and patches; the patch takes effect in a running
# process and is reverted by the container's .ulp.rev.
. "$(dirname "$0")/lpc.sh"
require_ptrace
make_foo_container "$WORK/libfoo_livepatch1.so"
# The revert half alone: a copy without .ulp (same build-id: same patch).
"${OBJCOPY:-objcopy}" --remove-section .ulp "$WORK/libfoo_livepatch1.so" \
	"$WORK/libfoo_livepatch1_rev.so" || fail "objcopy"

d=$("$ULP" dump "$WORK/libfoo_livepatch1.so") || fail "dump failed: $d"
echo "$d"
echo "$d" | grep -q "^format: *libpulp container" || fail "dump: format"
echo "$d" | grep -q "^target: *libfoo.so.1" || fail "dump: target"
echo "$d" | grep -q "^function: *foo_value -> foo_value_v2" || fail "dump: function"
echo "$d" | grep -q "^label: *bsc#1001" || fail "dump: .ulp.comments"
echo "$d" | grep -q "^reference: *counter -> counter_ref" || fail "dump: reference"
# The offsets are those Pulp's packer finds for the same descriptor.
for f in foo_value foo_name; do
	a=$(echo "$d" | grep "function: *$f ->" | sed 's/.*(//')
	b=$("$ULP" dump foo_p1.ulp | grep "function: *$f ->" | sed 's/.*(//')
	[ -n "$a" ] && [ "$a" = "$b" ] || fail "$f offsets differ: '$a' vs '$b'"
done
"$ULP" dump --revert "$WORK/libfoo_livepatch1.so" | grep -q "(revert)" ||
	fail "dump --revert does not read .ulp.rev"

start_app a LD_PRELOAD="$LIBPULP"
start_app b LD_PRELOAD="$LIBPULP"
expect_field a name original
trigger -p "$a_PID" "$WORK/libfoo_livepatch1.so"
expect_rc 0
expect_out "app (pid $a_PID): live patching succeeded"
expect_field a name patched-1
v=$(field a value) # 1*100 + calls so far: the #counter reference is filled
[ "$v" -gt 100 ] && [ "$v" -lt 110 ] || fail "value=$v: reference not filled"
expect_field b name original # only the process named
"$ULP" check -p "$a_PID" "$WORK/libfoo_livepatch1.so" >/dev/null ||
	fail "ulp check: not applied"
"$ULP" check -p "$b_PID" "$WORK/libfoo_livepatch1.so" >/dev/null &&
	fail "ulp check: applied in b"
"$ULP" patches -p "$a_PID" |
	grep -q "libfoo_livepatch1 on libfoo.so.1 (2 functions): foo_p1: fixes CVE-2026-0001,bsc#1001" ||
	fail "ulp patches does not list the container with its labels"
"$ULP" patches -p "$a_PID" | grep -q "libfoo_livepatch1 .*2 functions" ||
	fail "ulp patches"

trigger -p "$a_PID" "$WORK/libfoo_livepatch1_rev.so"
expect_rc 0
expect_field a name original
expect_field a fact 120
"$ULP" check -p "$a_PID" "$WORK/libfoo_livepatch1.so" >/dev/null &&
	fail "ulp check: still applied"
"$ULP" messages -p "$a_PID" | grep -q "libfoo_livepatch1: reverted" ||
	fail "no log of the revert"

# Applied again, then reverted by library, in all processes that have it.
trigger "$WORK/libfoo_livepatch1.so"
expect_rc 0
expect_field a name patched-1
expect_field b name patched-1
trigger --revert-all=libfoo.so.1
expect_rc 0
expect_field a name original
expect_field b name original
pass
