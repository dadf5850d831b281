# Helpers of the system scenarios (sourced). POSIX sh: the same scenarios
# run under busybox ash in the ppc64le/s390x guests and under the host's sh
# against a native build. Patterned on tests/integration/lib.sh, which needs
# bash (arrays, {fd}>) that the guests do not have.
# Environment: ULP (the tool), LIBPULP (the runtime), FIXTURES (app,
# libfoo.so.1, foo_p1/foo_p2 .ulp/.rev packed for this architecture),
# PULP_SLOW (a factor for waits: the guests run under TCG, default 1).
set -u
: "${ULP:?}" "${LIBPULP:?}" "${FIXTURES:?}"
PULP_SLOW=${PULP_SLOW:-1}
WORK=$(mktemp -d)
APPS=""
NEXT_FD=5
cleanup() {
	for p in $APPS; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
cd "$FIXTURES" || exit 1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# start_app NAME [VAR=VALUE...]: starts ./app with the runtime preloaded,
# reading lines from a FIFO that this shell keeps open; sets $NAME_PID.
start_app() {
	name=$1
	shift
	mkfifo "$WORK/$name.in"
	: >"$WORK/$name.out"
	env LD_PRELOAD="$LIBPULP" "$@" ./app >"$WORK/$name.out" 2>&1 <"$WORK/$name.in" &
	pid=$!
	APPS="$APPS $pid"
	eval "exec $NEXT_FD>\"$WORK/$name.in\""
	eval "fd_$name=$NEXT_FD ${name}_PID=$pid"
	NEXT_FD=$((NEXT_FD + 1))
	poke "$name" >/dev/null || fail "$name did not start: $(cat "$WORK/$name.out")"
}

# poke NAME [TEXT]: sends a line, prints the app's answer (one line).
poke() {
	before=$(wc -l <"$WORK/$1.out")
	eval "printf '%s\n' \"\${2:-x}\" >&\$fd_$1"
	i=$((400 * PULP_SLOW)) # 20 s per slowness unit
	while [ $i -gt 0 ]; do
		if [ "$(wc -l <"$WORK/$1.out")" -gt "$before" ]; then
			tail -n 1 "$WORK/$1.out"
			return 0
		fi
		sleep 0.05
		i=$((i - 1))
	done
	echo "no answer from $1" >&2
	return 1
}

# field NAME KEY: the value of KEY=... in a fresh answer of NAME.
field() {
	poke "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

expect_field() {
	got=$(field "$1" "$2")
	[ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}

# trigger ARGS...: runs ulp trigger; sets $OUT and $RC. The runtime of a
# TCG guest may take a while to answer: the wait scales with PULP_SLOW.
trigger() {
	OUT=$("$ULP" trigger --timeout $((10 * PULP_SLOW)) "$@" 2>&1)
	RC=$?
	echo "+ ulp trigger $* -> $RC"
	echo "$OUT" | sed 's/^/  /'
}

expect_rc() {
	[ "$RC" = "$1" ] || fail "exit status $RC, expected $1"
}

expect_out() {
	echo "$OUT" | grep -q -- "$1" || fail "output lacks '$1'"
}

# centis: the time since boot in hundredths of a second.
centis() {
	sed 's/^\([0-9]*\)\.\([0-9][0-9]\).*/\1\2/' /proc/uptime | sed 's/^0*\(.\)/\1/'
}

pass() {
	echo "PASS: $(basename "$0" .sh)"
	exit 0
}
