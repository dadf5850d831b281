# Helpers for the trigger scenarios: start the fixture app with the runtime
# preloaded, poke it, patch it with the ulp of this build, check results.
# Environment (set by ctest): ULP, LIBPULP, FIXTURES.
set -u
: "${ULP:?}" "${LIBPULP:?}" "${FIXTURES:?}"
WORK=$(mktemp -d)
APPS=()
trap 'for p in "${APPS[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT
cd "$FIXTURES"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# ptrace needs CAP_SYS_PTRACE or Yama's ptrace_scope <= 1 as a parent.
require_ptrace() {
	local scope
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
	if [ "$(id -u)" != 0 ] && [ "$scope" -ge 1 ]; then
		fail "ptrace is restricted (yama ptrace_scope=$scope, not root): run as root or set kernel.yama.ptrace_scope=0"
	fi
	if [ "$scope" = 3 ]; then
		fail "ptrace is disabled (yama ptrace_scope=3)"
	fi
	grep -q '^CapEff:.*' /proc/self/status || fail "cannot read capabilities"
}

# start_app NAME [env...]: starts ./app (or $APP_EXE) reading from a FIFO;
# sets $NAME_PID.
start_app() {
	local name=$1
	shift
	mkfifo "$WORK/$name.in"
	: >"$WORK/$name.out" # exists before the child blocks opening the FIFO
	env "$@" "${APP_EXE:-./app}" >"$WORK/$name.out" 2>&1 <"$WORK/$name.in" &
	local pid=$!
	APPS+=("$pid")
	# Keep the FIFO open for writing on a descriptor of our own.
	eval "exec {fd_$name}>\"$WORK/$name.in\""
	eval "${name}_PID=$pid"
	poke "$name" >/dev/null || fail "$name did not start: $(cat "$WORK/$name.out")"
}

# poke NAME [TEXT]: sends a line and prints the app's answer.
poke() {
	local name=$1 text=${2:-x} before fd
	before=$(wc -l <"$WORK/$name.out")
	eval "fd=\$fd_$name"
	printf '%s\n' "$text" >&"$fd"
	for _ in $(seq 800); do # up to 20 s on a loaded machine
		if [ "$(wc -l <"$WORK/$name.out")" -gt "$before" ]; then
			tail -n 1 "$WORK/$name.out"
			return 0
		fi
		sleep 0.025
	done
	echo "no answer from $name" >&2
	return 1
}

# field NAME KEY: the value of KEY=... in a fresh answer of NAME.
field() {
	poke "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

expect_field() {
	local got
	got=$(field "$1" "$2")
	[ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}

# trigger ARGS...: runs ulp trigger; sets $OUT and $RC.
trigger() {
	OUT=$("$ULP" trigger "$@" 2>&1)
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

pass() {
	echo "PASS: $(basename "$0" .sh)"
	exit 0
}
