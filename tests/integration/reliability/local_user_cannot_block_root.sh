# Item 2: no file in a world-writable directory decides who may patch. A
# local user (nobody) holding flock on the old lock path, or a symlink
# planted there, does not stop root from patching.
. "$(dirname "$0")/rel_lib.bash"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
start_app a
lock=/run/lock/pulp-$a_PID.lock
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	flock -F "$lock" sleep 60 &
holder=$!
APPS+=("$holder")
for _ in $(seq 200); do [ -e "$lock" ] && break; sleep 0.01; done
[ -e "$lock" ] || fail "nobody could not create $lock"
sleep 0.1
trigger -p "$a_PID" foo_p1.ulp
expect_rc 0
expect_out "live patching succeeded"
expect_field a name patched-1
kill "$holder"; wait "$holder" 2>/dev/null
rm -f "$lock"
setpriv --reuid=nobody --regid=nogroup --clear-groups ln -s /nonexistent "$lock" ||
	fail "nobody could not plant a symlink"
trigger -p "$a_PID" foo_p1.rev
expect_rc 0
expect_out "live patching succeeded"
expect_field a name original
rm -f "$lock"
pass
