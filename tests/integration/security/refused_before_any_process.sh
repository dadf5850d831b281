# Item 12: under a policy that requires signatures, an unsigned file, a
# tampered one, one signed by an untrusted key, a bad signature and a
# patch object swapped after signing are each refused with one line and
# exit status 2 before any process is touched: the runtime of the target
# is never asked (its log does not change) and it runs the old code.
. "$(dirname "$0")/sec_lib.bash"
start_app a LD_PRELOAD="$LIBPULP"
expect_field a name original
MSGS=$("$ULP" messages -p "$a_PID" 2>&1)
export PULP_SIGNATURE_POLICY=require PULP_KEYS_DIR="$WORK/keys"

refused() { # refused FILE REASON
	trigger -p "$a_PID" "$1"
	expect_rc 2
	one_line
	expect_out "^ulp trigger: signature required: .*$2"
	expect_field a name original
	[ "$("$ULP" messages -p "$a_PID" 2>&1)" = "$MSGS" ] ||
		fail "the runtime was asked: $("$ULP" messages -p "$a_PID" 2>&1)"
}

cp "$WORK/p.ulp" "$WORK/unsigned.ulp"
refused "$WORK/unsigned.ulp" "not signed (no $WORK/unsigned.ulp.sig)"

# One byte of the signed file changed: its checksum no longer holds.
cp "$WORK/p.ulp" "$WORK/flip.ulp"
cp "$WORK/p.ulp.sig" "$WORK/flip.ulp.sig"
printf '\377' | dd of="$WORK/flip.ulp" bs=1 seek=80 conv=notrunc status=none
trigger -p "$a_PID" "$WORK/flip.ulp"
expect_rc 2
one_line
expect_field a name original

# Another valid patch under the signed name: the signature says no.
sed 's/^! foo_p1/! foo_other/' "$WORK/p.dsc" >"$WORK/q.dsc"
"$ULP" packer -q -o "$WORK/q.ulp" "$WORK/q.dsc" || fail "packer"
cp "$WORK/q.ulp" "$WORK/other.ulp"
cp "$WORK/p.ulp.sig" "$WORK/other.ulp.sig"
refused "$WORK/other.ulp" "changed after signing"

# Signed, but by a key that is not in the trusted directory.
cp "$WORK/p.ulp" "$WORK/rogue.ulp"
"$ULP" sign --key "$WORK/rogue.pem" "$WORK/rogue.ulp" || fail "sign"
refused "$WORK/rogue.ulp" "which is not trusted (not in $WORK/keys)"

# The manifest edited after signing (the checksum it names is another's).
cp "$WORK/q.ulp" "$WORK/forged.ulp"
sum=$(sha256sum "$WORK/q.ulp" | cut -d' ' -f1)
sed "s/^sha256 .*/sha256 $sum/" "$WORK/p.ulp.sig" >"$WORK/forged.ulp.sig"
refused "$WORK/forged.ulp" "bad signature (key ops.pub)"

# The patch object replaced after signing: another build, then the same
# build (same build-id, which the runtime would accept) with one byte
# more. Only the signed SHA-256 of the object tells the second apart.
cp libfoo_p2.so "$WORK/obj.so"
refused "$WORK/p.ulp" "patch object $WORK/obj.so changed after signing"
cp "$WORK/good.so" "$WORK/obj.so"
printf '\0' >>"$WORK/obj.so"
refused "$WORK/p.ulp" "patch object $WORK/obj.so changed after signing"

# Verified, but in a directory anyone may write to: it could be swapped
# between the check and the runtime's open, so it is refused too.
mkdir "$WORK/open"
chmod 0777 "$WORK/open"
cp "$WORK/p.ulp" "$WORK/p.ulp.sig" "$WORK/open/"
refused "$WORK/open/p.ulp" "$WORK/open can be replaced by others than root and you (owner uid $(id -u), mode 0777)"

# The strictest setting wins: the environment cannot loosen the policy
# file, and a bad setting is an error, not "off".
printf 'signature = require\n' >"$WORK/policy"
PULP_POLICY_FILE="$WORK/policy" PULP_SIGNATURE_POLICY=off \
	refused "$WORK/unsigned.ulp" "not signed"
PULP_SIGNATURE_POLICY=bogus trigger -p "$a_PID" "$WORK/unsigned.ulp"
expect_rc 2
expect_out "PULP_SIGNATURE_POLICY: 'bogus' is not require, warn or off"

# The right object back: the same signed file applies (nothing was left).
cp "$WORK/good.so" "$WORK/obj.so"
trigger -p "$a_PID" "$WORK/p.ulp"
expect_rc 0
expect_field a name patched-1
pass
