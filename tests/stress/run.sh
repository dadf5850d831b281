#!/bin/bash
# Stress of the apply protocol on a real process (issue 7, item 15):
#  trigger_cycles   8 threads call foo_p1's functions in tight loops while
#                   STRESS_CYCLES apply/revert cycles run through
#                   `ulp trigger -p`: every call returns the old or the new
#                   result, never anything else; at least a million calls
#                   checked, both results seen.
#  api_cycles       the same through the in-process API (pulp_apply).
#  kill_every_step  `ulp trigger` SIGKILLed at every step of the protocol:
#                   at each of its ptrace, /proc/PID/mem write, wait4,
#                   kill and tgkill calls, and at every STRESS_POLL_STRIDE-th
#                   read of the target's memory, for an apply and for a
#                   revert (strace's syscall fault injection counts the
#                   steps: one reference run lists them). After each kill
#                   the process must be alive, every call so far correct,
#                   and the next triggers (apply, then revert) succeed.
# Ends with "N passed, N failed". Environment: STRESS_CYCLES (default 200;
# 1000 for the full run), STRESS_KILL_STRIDE (default 3 in CI: every third
# step; 1 for every step), STRESS_POLL_STRIDE (default 40), STRESS_CASES
# (default "trigger_cycles api_cycles kill_every_step").
# Usage: tests/stress/run.sh [BUILD] (a native build with its tests,
# default <repo>/build). Needs ptrace (root) and strace.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd) || exit 2
cycles=${STRESS_CYCLES:-200}
kstride=${STRESS_KILL_STRIDE:-3}
pstride=${STRESS_POLL_STRIDE:-40}
cases=${STRESS_CASES:-trigger_cycles api_cycles kill_every_step}
ULP=$build/ulp/ulp
FX=$build/tests/integration
ULPF=$FX/foo_p1.ulp
REVF=$FX/foo_p1.rev
MIN_CALLS=1000000
work=$(mktemp -d)
pid=
trap 'exec 7>&- 2>/dev/null; [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
pass=0
fail=0

for f in "$ULP" "$ULPF" "$REVF" "$FX/libfoo.so.1" "$build/preload/libpulp.so"; do
	[ -e "$f" ] || { echo "stress: $f missing (build with tests first)"; echo "0 passed, 1 failed"; exit 1; }
done
cc -O2 -Wall -Wextra -Werror -pthread -I"$top/include" \
	-I"$top/tests/integration/fixtures" "$top/tests/stress/stress_target.c" \
	"$FX/libfoo.so.1" "$build/preload/libpulp.so" \
	-Wl,-rpath,"$FX:$build/preload" -o "$work/stress_target" ||
	{ echo "0 passed, 1 failed"; exit 1; }

# ---- helpers
# start: runs the target reading commands from a FIFO on fd 7.
start() {
	mkfifo "$work/in"
	: >"$work/out"
	"$work/stress_target" wait <"$work/in" >"$work/out" 2>&1 &
	pid=$!
	exec 7>"$work/in"
	rm -f "$work/in"
	for _ in $(seq 200); do
		grep -q '^ready' "$work/out" && return 0
		sleep 0.02
	done
	echo "target did not start: $(cat "$work/out")"
	return 1
}
# counts: asks for a counts line; sets CALLS BAD OLD NEW APPLIED.
counts() {
	local before line
	before=$(grep -c '^calls=' "$work/out")
	echo s >&7
	for _ in $(seq 500); do
		[ "$(grep -c '^calls=' "$work/out")" -gt "$before" ] && break
		sleep 0.01
	done
	line=$(grep '^calls=' "$work/out" | tail -1)
	eval "$(echo "$line" | sed 's/calls=/CALLS=/; s/ bad=/ BAD=/; s/ old=/ OLD=/; s/ new=/ NEW=/; s/ applied=/ APPLIED=/')"
}
# finish: stops the target; 0 if it exited 0 (no wrong call).
finish() {
	local rc
	echo q >&7
	exec 7>&-
	wait "$pid"
	rc=$?
	pid=
	counts_line=$(grep '^calls=' "$work/out" | tail -1)
	return $rc
}
alive() { [ -d "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]; }
# trig FILE: one trigger that must succeed; retried while the runtime is
# still recovering from a killed tool (it says "busy" until it notices).
trig() {
	local out i
	for i in $(seq 100); do
		out=$("$ULP" trigger --timeout 5 -p "$pid" "$1" 2>&1) && return 0
		case $out in
		*busy* | *"in progress"*) RETRIES=$((RETRIES + 1)); sleep 0.1 ;;
		*) echo "trigger $1 failed: $out"; return 1 ;;
		esac
	done
	echo "trigger $1 still failing after 100 tries: $out"
	return 1
}
result() { # result NAME OK DETAIL
	if [ "$2" = 0 ]; then
		echo "PASS: $1: $3"
		pass=$((pass + 1))
	else
		echo "FAIL: $1: $3"
		[ -f "$work/out" ] && tail -5 "$work/out"
		fail=$((fail + 1))
	fi
}
enough() { # enough CALLS OLD NEW: a million calls, both results seen
	[ "$1" -ge $MIN_CALLS ] && [ "$2" -gt 0 ] && [ "$3" -gt 0 ]
}

# ---- cases
trigger_cycles() {
	local ok=0 i start_s=$SECONDS
	RETRIES=0
	start || return 1
	for i in $(seq "$cycles"); do
		trig "$ULPF" || { ok=1; break; }
		trig "$REVF" || { ok=1; break; }
	done
	counts
	[ "$APPLIED" = 0 ] || ok=1
	finish || ok=1
	eval "$(echo "$counts_line" | sed 's/calls=/CALLS=/; s/ bad=/ BAD=/; s/ old=/ OLD=/; s/ new=/ NEW=/; s/ applied=/ APPLIED=/')"
	enough "$CALLS" "$OLD" "$NEW" || ok=1
	result trigger_cycles $ok "$i cycles through ulp trigger in $((SECONDS - start_s)) s: $counts_line"
}

api_cycles() {
	local ok=0 out start_s=$SECONDS
	(cd "$FX" && exec "$work/stress_target" api "$cycles" "$ULPF" "$REVF") \
		>"$work/out" 2>&1
	ok=$?
	out=$(cat "$work/out")
	counts_line=$(echo "$out" | grep '^calls=' | tail -1)
	if [ -z "$counts_line" ]; then
		counts_line="the process died (exit status $ok$([ $ok -gt 128 ] &&
			echo ", signal $((ok - 128))"))"
		ok=1
	else
		eval "$(echo "$counts_line" | sed 's/calls=/CALLS=/; s/ bad=/ BAD=/; s/ old=/ OLD=/; s/ new=/ NEW=/; s/ applied=/ APPLIED=/')"
		enough "$CALLS" "$OLD" "$NEW" || ok=1
	fi
	result api_cycles $ok "$cycles cycles through pulp_apply in $((SECONDS - start_s)) s: $counts_line"
}

# The steps: the syscalls through which the tool acts on the target.
STEPS="ptrace pwrite64 wait4 kill tgkill process_vm_readv"
# reference OP: one traced trigger; prints "SYSCALL COUNT" per step kind.
reference() {
	local file=$1
	strace -qq -o "$work/ref" -e trace="${STEPS// /,}" \
		"$ULP" trigger --timeout 5 -p "$pid" "$file" >/dev/null 2>&1
	for s in $STEPS; do
		echo "$s $(grep -c "^$s(" "$work/ref")"
	done
}

kill_every_step() {
	local ok=0 op file s n k stride kills=0 start_s=$SECONDS outcome
	local finished=0 killed=0
	RETRIES=0
	start || return 1
	for op in apply revert; do
		if [ $op = apply ]; then file=$ULPF; else file=$REVF; fi
		# The state the op starts from: reverted for apply, applied for revert.
		[ $op = revert ] && { trig "$ULPF" || ok=1; }
		reference "$file" >"$work/steps.$op"
		[ $op = apply ] && { trig "$REVF" || ok=1; } || { trig "$ULPF" || ok=1; }
		echo "steps of a trigger ($op): $(tr '\n' ' ' <"$work/steps.$op")"
		while read -r s n; do
			stride=$kstride
			[ "$s" = process_vm_readv ] && stride=$pstride
			for k in $(seq 1 "$stride" "$n"); do
				strace -qq -o /dev/null -e trace="$s" \
					-e inject="$s":signal=KILL:when="$k" \
					"$ULP" trigger --timeout 5 -p "$pid" "$file" \
					>"$work/killed" 2>&1
				outcome=$?
				kills=$((kills + 1))
				if grep -q "live patching succeeded" "$work/killed"; then
					finished=$((finished + 1))
				else
					killed=$((killed + 1))
				fi
				if ! alive "$pid"; then
					echo "$op: killed at $s #$k: the target died"
					ok=1
					break 3
				fi
				# Back to the op's starting state, through successful
				# triggers: whatever the kill left, apply then revert
				# works (and, for a revert, apply again).
				trig "$ULPF" && trig "$REVF" || { echo "$op: after $s #$k (tool exit $outcome)"; ok=1; break 3; }
				[ $op = revert ] && { trig "$ULPF" || { ok=1; break 3; }; }
			done
		done <"$work/steps.$op"
		[ $op = revert ] && { trig "$REVF" || ok=1; }
	done
	counts
	[ "$BAD" = 0 ] || ok=1
	[ "$APPLIED" = 0 ] || ok=1
	finish || ok=1
	result kill_every_step $ok "$kills kills ($killed before the end, $finished after it), each followed by successful triggers ($RETRIES busy retries) in $((SECONDS - start_s)) s: $counts_line"
}

for c in $cases; do
	"$c"
	[ -n "$pid" ] && { kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }
	exec 7>&- 2>/dev/null
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
