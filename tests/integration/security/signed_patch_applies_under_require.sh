# Item 12: a patch signed by a trusted key applies and reverts under each
# way of requiring signatures (the option, the environment, the policy
# file); under "warn" an unsigned patch applies with a warning.
. "$(dirname "$0")/sec_lib.bash"
start_app a LD_PRELOAD="$LIBPULP"
expect_field a name original

trigger --require-signature --keys "$WORK/keys" -p "$a_PID" "$WORK/p.ulp"
expect_rc 0
expect_out "app (pid $a_PID): live patching succeeded"
expect_field a name patched-1
"$ULP" check -p "$a_PID" "$WORK/p.ulp" >/dev/null || fail "ulp check: not applied"

PULP_SIGNATURE_POLICY=require PULP_KEYS_DIR="$WORK/keys" \
	trigger -p "$a_PID" "$WORK/p.rev"
expect_rc 0
expect_field a name original

printf '# test policy\nsignature = require\nkeys = %s\n' "$WORK/keys" \
	>"$WORK/policy"
PULP_POLICY_FILE="$WORK/policy" trigger -p "$a_PID" "$WORK/p.ulp"
expect_rc 0
expect_field a name patched-1
PULP_POLICY_FILE="$WORK/policy" trigger -p "$a_PID" "$WORK/p.rev"
expect_rc 0
expect_field a name original

# A signature made with a key from `openssl genpkey` verifies the same.
if command -v openssl >/dev/null; then
	openssl genpkey -algorithm ed25519 -out "$WORK/ossl.pem" ||
		fail "openssl genpkey"
	openssl pkey -in "$WORK/ossl.pem" -pubout -out "$WORK/keys/ossl.pub" ||
		fail "openssl pkey"
	"$ULP" sign --key "$WORK/ossl.pem" "$WORK/p.ulp" || fail "sign"
	trigger --require-signature --keys "$WORK/keys" -p "$a_PID" "$WORK/p.ulp"
	expect_rc 0
	expect_field a name patched-1
	"$ULP" sign --key "$WORK/ossl.pem" "$WORK/p.rev" || fail "sign"
	trigger --require-signature --keys "$WORK/keys" -p "$a_PID" "$WORK/p.rev"
	expect_rc 0
	expect_field a name original
fi

# warn: an unsigned copy applies, with one warning naming why.
cp "$WORK/p.ulp" "$WORK/unsigned.ulp"
PULP_SIGNATURE_POLICY=warn PULP_KEYS_DIR="$WORK/keys" \
	trigger -p "$a_PID" "$WORK/unsigned.ulp"
expect_rc 0
expect_out "ulp trigger: warning: not signed (no $WORK/unsigned.ulp.sig)"
expect_field a name patched-1
# off (the default): no check, nothing printed but the result.
trigger -p "$a_PID" "$WORK/p.rev"
expect_rc 0
[ "$OUT" = "app (pid $a_PID): live patching succeeded" ] || fail "not one line"
expect_field a name original
pass
