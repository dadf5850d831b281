# A user who may not trace the process gets one clear line naming what is
# missing, exit status 1, and the process is left as it was.
. "$(dirname "$0")/lib.sh"
require_ptrace
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to switch to nobody"; exit 0; }
command -v setpriv >/dev/null || fail "setpriv (util-linux) is missing"
start_app a LD_PRELOAD="$LIBPULP"
# Everything nobody needs, where nobody can reach it (the build tree may be
# under /root).
pub=$(mktemp -d /tmp/pulp-perm.XXXXXX)
trap 'rm -rf "$pub"; for p in "${APPS[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT
chmod 755 "$pub"
cp "$ULP" foo_p1.ulp "$pub/"
chmod 755 "$pub/ulp"
chmod 644 "$pub/foo_p1.ulp"
OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$pub/ulp" trigger -p "$a_PID" "$pub/foo_p1.ulp" 2>&1)
RC=$?
echo "$OUT"
expect_rc 1
expect_out "app (pid $a_PID): failed: .*permission denied"
expect_out "CAP_SYS_PTRACE"
[ "$(echo "$OUT" | wc -l)" = 1 ] || fail "more than one line"
expect_field a name original
pass
