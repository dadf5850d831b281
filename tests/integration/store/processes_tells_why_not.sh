# Item 10 (issue 8): `ulp processes` tells a patchable process from a
# static binary, a process without the runtime and one whose runtime an
# operator disabled, in words and in --json.
. "$STORE_SOURCE_DIR/../lib.sh"
require_ptrace
APP_EXE=./store_app start_app ok LD_PRELOAD="$LIBPULP"
APP_EXE=./store_app start_app plain
APP_EXE=./store_app start_app off LD_PRELOAD="$LIBPULP" \
	LIBPULP_DISABLE_ON_USERS="$(id -u)"
APP_EXE=./store_static start_app stat LD_PRELOAD="$LIBPULP"

check() { # NAME PID REASON HUMAN-TEXT
	local out json
	out=$("$ULP" processes -p "$2") || fail "ulp processes -p $2 failed"
	echo "$out"
	echo "$out" | grep -q -- "^$2 .*$4" || fail "$1: '$out' lacks '$4'"
	json=$("$ULP" processes -p "$2" --json) || fail "--json failed"
	python3 - "$2" "$3" "$json" <<'PY' || fail "$1: json: $json"
import json, sys
pid, reason, doc = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
[p] = [p for p in doc if p["pid"] == pid]
assert p["reason"] == reason, p
assert p["patchable"] == (reason == "patchable"), p
if reason == "patchable":
    assert any(l.endswith("/libsval.so.1") for l in p["livepatchable"]), p
PY
}
check ok "$ok_PID" patchable "store_app: patchable (live-patchable:.*libsval.so.1"
check plain "$plain_PID" no-runtime "not patchable \[no-runtime\]: libpulp.so is not loaded"
check off "$off_PID" disabled "not patchable \[disabled\]: .*LIBPULP_DISABLE_ON_USERS"
check stat "$stat_PID" static "not patchable \[static\]: static binary"
# Without -p every process is listed, ours among them.
n=$("$ULP" processes | grep -cE "^($ok_PID|$plain_PID|$off_PID|$stat_PID) ")
[ "$n" = 4 ] || fail "the full listing shows $n of our 4 processes"
pass
