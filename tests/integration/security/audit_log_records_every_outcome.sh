# Item 13: every apply and revert through ulp trigger, successful or not,
# is one syslog message (facility authpriv, ident ulp) with the user, the
# process, the patch (name, file), the file's SHA-256, the signer and the
# result. A private receiver stands for /dev/log (PULP_AUDIT_SOCKET).
. "$(dirname "$0")/sec_lib.bash"
"$AUDIT_SINK" "$WORK/audit.sock" "$WORK/audit.log" &
APPS+=($!)
for _ in $(seq 200); do [ -S "$WORK/audit.sock" ] && break; sleep 0.025; done
[ -S "$WORK/audit.sock" ] || fail "audit_sink did not start"
export PULP_AUDIT_SOCKET=$WORK/audit.sock
start_app a LD_PRELOAD="$LIBPULP"
SUM=$(sha256sum "$WORK/p.ulp" | cut -d' ' -f1)
RSUM=$(sha256sum "$WORK/p.rev" | cut -d' ' -f1)
WHO="uid=$(id -u) user=\"$(id -un)\" auid="
SIGNER="signer=\"ops.pub sha256:${FPR:0:16}\""

# logged LINE-NUMBER TEXT...: the Nth message holds every TEXT.
logged() {
	local n=$1 line t
	shift
	for _ in $(seq 200); do
		[ "$(wc -l <"$WORK/audit.log")" -ge "$n" ] && break
		sleep 0.025
	done
	line=$(sed -n "${n}p" "$WORK/audit.log")
	[ -n "$line" ] || fail "no audit message $n: $(cat "$WORK/audit.log")"
	for t in "$@"; do
		case $line in
		*"$t"*) ;;
		*) fail "audit message $n lacks '$t': $line" ;;
		esac
	done
}

# A failure in the process: the object replaced (policy off: unchecked).
cp libfoo_p2.so "$WORK/obj.so"
trigger -p "$a_PID" "$WORK/p.ulp"
expect_rc 1
logged 1 "<84>" " ulp[" "]: apply patch=\"p\" file=\"$WORK/p.ulp\"" \
	"sha256=$SUM signer=\"unchecked\" pid=$a_PID comm=\"app\" $WHO" \
	"result=failed reason=\"" "build-id differs"
cp "$WORK/good.so" "$WORK/obj.so"

# Success, signed and verified.
trigger --require-signature --keys "$WORK/keys" -p "$a_PID" "$WORK/p.ulp"
expect_rc 0
logged 2 "<85>" "apply patch=\"p\" file=\"$WORK/p.ulp\" sha256=$SUM $SIGNER" \
	"pid=$a_PID comm=\"app\" $WHO" "result=succeeded"
"$ULP" trigger --require-signature --keys "$WORK/keys" -p "$a_PID" \
	"$WORK/p.rev" >/dev/null || fail "revert"
logged 3 "revert patch=\"p\" file=\"$WORK/p.rev\" sha256=$RSUM $SIGNER" \
	"pid=$a_PID comm=\"app\" $WHO" "result=succeeded"

# Refused before any process: no pid, the reason, the signer it found.
cp "$WORK/p.ulp" "$WORK/unsigned.ulp"
trigger --require-signature --keys "$WORK/keys" -p "$a_PID" "$WORK/unsigned.ulp"
expect_rc 2
logged 4 "<84>" "apply patch=\"p\" file=\"$WORK/unsigned.ulp\"" \
	"sha256=$SUM signer=\"unsigned\" pid=- comm=- $WHO" "result=refused" \
	"reason=\"signature required: not signed (no $WORK/unsigned.ulp.sig)\""

# A revert that has nothing to do is skipped, and said so.
trigger -p "$a_PID" "$WORK/p.rev"
expect_rc 3
logged 5 "revert patch=\"p\"" "pid=$a_PID" "result=skipped" \
	"reason=\"p is not applied\""
[ "$(wc -l <"$WORK/audit.log")" = 5 ] || fail "not 5 messages: $(cat "$WORK/audit.log")"
pass
