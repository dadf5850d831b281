# Item 11.7: the reason given for a target that cannot be patched is the
# real one: a target traced by a debugger or tracer names it ("traced by
# PID (name)") at once instead of "no thread can be borrowed" after
# seconds; a job-stopped target says how to resume it; a .ulp that only
# exists in the tool's mount namespace, where the process's root cannot
# take a copy, says so.
. "$(dirname "$0")/deg_lib.bash"
require_ptrace
command -v strace >/dev/null || fail "strace is needed"

# Traced by strace.
start_app tr
strace -p "$tr_PID" -o /dev/null &
st=$!
for _ in $(seq 100); do
	grep -q "^TracerPid:[[:space:]]*$st\$" "/proc/$tr_PID/status" && break
	sleep 0.05
done
start=$(date +%s)
trigger --timeout 5 -p "$tr_PID" "$DEG_DIR/many1_p.ulp"
[ "$RC" != 0 ] || fail "patched while traced"
expect_out "traced by $st (strace)"
[ $(($(date +%s) - start)) -le 2 ] || fail "the reason took the whole timeout"
kill "$st"
wait "$st" 2>/dev/null
trigger -p "$tr_PID" "$DEG_DIR/many1_p.ulp"
expect_rc 0

# Job-stopped.
start_app js
kill -STOP "$js_PID"
for _ in $(seq 100); do
	[ "$(pstate "$js_PID")" = T ] && break
	sleep 0.05
done
trigger -p "$js_PID" "$DEG_DIR/many1_p.ulp"
[ "$RC" != 0 ] || fail "patched while stopped"
expect_out "stopped (job control): resume it with kill -CONT $js_PID"
kill -CONT "$js_PID"

# A .ulp only in the tool's mount namespace, the process's root read-only
# (so it cannot be staged there either).
command -v unshare >/dev/null || fail "unshare is needed"
mkfifo "$WORK/ns.in"
: >"$WORK/ns.out"
unshare -m --propagation private sh -c \
	'mount -o remount,bind,ro / && exec "$0"' "$DEG_TARGET" \
	<"$WORK/ns.in" >"$WORK/ns.out" 2>&1 &
ns_PID=$!
APPS+=("$ns_PID")
exec {fd_ns}>"$WORK/ns.in"
poke ns >/dev/null || fail "the target in its namespace did not start"
ns_PID=$(pgrep -P "$ns_PID" -x deg_target || echo "$ns_PID")
mkdir "$WORK/mnt"
OUT=$(unshare -m sh -c 'mount -t tmpfs none "$1" && cp "$2" "$1/" &&
	"$3" trigger -p "$4" "$1/many1_p.ulp"' sh "$WORK/mnt" \
	"$DEG_DIR/many1_p.ulp" "$ULP" "$ns_PID" 2>&1)
RC=$?
echo "+ trigger from another mount namespace -> $RC: $OUT"
[ "$RC" != 0 ] || fail "patched with a file it cannot see"
expect_out "$WORK/mnt/many1_p.ulp exists only in this tool's mount namespace"
pass
