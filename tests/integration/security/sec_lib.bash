# Shared by the security scenarios: the integration helpers (lib.sh), a
# trusted key in $WORK/keys and an untrusted one, and a patch of our own
# ($WORK/p.ulp, $WORK/p.rev) whose patch object $WORK/obj.so a test may
# replace, signed by the trusted key. Env: AUDIT_SINK too.
. "$PULP_SOURCE_DIR/tests/integration/lib.sh"
: "${AUDIT_SINK:?}"
require_ptrace
# Nothing of the caller's environment decides a policy here.
unset PULP_SIGNATURE_POLICY PULP_POLICY_FILE PULP_KEYS_DIR PULP_AUDIT_SOCKET
export PULP_POLICY_FILE=$WORK/no-policy # not /etc/pulp/policy

mkdir "$WORK/keys"
FPR=$("$ULP" keygen "$WORK/ops" | sed -n 's/.*public key sha256://p')
[ ${#FPR} = 64 ] || fail "ulp keygen printed no fingerprint"
cp "$WORK/ops.pub" "$WORK/keys/"
"$ULP" keygen "$WORK/rogue" >/dev/null || fail "ulp keygen"

cp libfoo_p1.so "$WORK/obj.so"
cp libfoo_p1.so "$WORK/good.so"
sed -e "s|^libfoo_p1.so|$WORK/obj.so|" -e "s|^@libfoo.so.1|@$PWD/libfoo.so.1|" \
	foo_p1.dsc >"$WORK/p.dsc"
"$ULP" packer -q -o "$WORK/p.ulp" "$WORK/p.dsc" || fail "packer"
"$ULP" sign --key "$WORK/ops.pem" "$WORK/p.ulp" "$WORK/p.rev" ||
	fail "ulp sign"
[ -s "$WORK/p.ulp.sig" ] && [ -s "$WORK/p.rev.sig" ] || fail "no .sig written"

# one_line: the trigger printed exactly one line (a refusal before any
# process: no "NAME (pid N): ..." line follows).
one_line() {
	[ "$(echo "$OUT" | wc -l)" = 1 ] || fail "not one line: $OUT"
	echo "$OUT" | grep -q "(pid " && fail "a process was mentioned: $OUT"
	return 0
}
