#!/bin/sh
# Hijack tests on real processes: run.sh CASE TARGET DRIVER RUNTIME
# TARGET runs with the test runtime RUNTIME preloaded; DRIVER is
# hijack_driver (hijack_run as `ulp trigger` uses it). Exit 77 = skipped.
# Plain POSIX sh (busybox in the qemu-system guests of tests/system/);
# architecture-free: trigger_preserves_MODE takes any register mode of
# `TARGET modes`; spinner_selftest_MODE needs no ptrace (qemu-user).
set -u
case_=$1 target=$2 driver=$3 runtime=$4
dir=$(mktemp -d)
trap 'kill -9 $pid 2>/dev/null; rm -rf "$dir"' EXIT
pid=

fail() { echo "FAIL: $case_: $*" >&2; [ -f "$dir/out" ] && cat "$dir/out" >&2; exit 1; }

check_ptrace() {
  cap=$(awk '/^CapEff/ {print $2}' /proc/self/status)
  has_cap=$(( (0x$cap >> 19) & 1 ))
  scope=0
  [ -r /proc/sys/kernel/yama/ptrace_scope ] &&
    scope=$(cat /proc/sys/kernel/yama/ptrace_scope)
  if [ "$has_cap" != 1 ] && [ "$scope" != 0 ]; then
    fail "needs CAP_SYS_PTRACE or kernel.yama.ptrace_scope=0 (is $scope)"
  fi
  [ "$scope" = 3 ] && fail "kernel.yama.ptrace_scope=3 forbids ptrace"
  return 0
}

# start MODE [ARG]: starts the target, waits for its "ready" line.
start() {
  : >"$dir/out"
  LD_PRELOAD=$runtime "$target" "$@" >"$dir/out" 2>&1 &
  pid=$!
  i=0
  while ! grep -q '^ready\|^skip' "$dir/out"; do
    i=$((i + 1))
    [ $i -gt 500 ] && fail "target did not start"
    kill -0 $pid 2>/dev/null || break
    sleep 0.01
  done
  grep -q '^skip' "$dir/out" && { cat "$dir/out"; exit 77; }
  grep -q '^ready' "$dir/out" || fail "target exited before it was ready"
  set -- $(grep '^ready' "$dir/out")
  tid=$2 addr=${3:-} gstart=${4:-} gend=${5:-}
}

# finish [nosignal]: lets the target check itself; fails unless it exits 0.
finish() {
  [ "${1:-}" = nosignal ] || kill -USR1 $pid
  wait $pid
  rc=$?
  pid=
  [ $rc = 0 ] || fail "target exited $rc"
}

drive() { "$driver" "$@" >"$dir/drv" 2>&1; drc=$?; cat "$dir/drv"; }

expect_ok() { drive "$@"; [ $drc = 0 ] || fail "driver failed: $(cat "$dir/drv")"; }

expect_error() { # expect_error PATTERN ARGS...
  pat=$1; shift
  drive "$@"
  [ $drc = 1 ] || fail "driver exited $drc, expected 1"
  [ "$(wc -l <"$dir/drv")" = 1 ] || fail "expected one error line"
  grep -q "$pat" "$dir/drv" || fail "expected an error matching '$pat'"
}

# The tool is killed at PHASE; the process must go on unharmed and its
# runtime must accept the next trigger.
killed_at() {
  phase=$1
  shift
  drive --die-at "$phase" "$@"
  [ $drc -ge 128 ] || fail "driver was not killed ($drc)"
  sleep 0.3 # the runtime notices and restores the thread by itself
  kill -0 $pid || fail "target died"
  expect_ok $pid
}

case $case_ in
spinner_selftest_*)
  "$target" selftest "${case_#spinner_selftest_}"
  rc=$?
  [ $rc = 0 ] || [ $rc = 77 ] || fail "self-test exited $rc"
  exit $rc ;;
dead_pid_is_refused)
  sh -c 'exit 0' & dead=$!; wait $dead
  expect_error "pid $dead: no such process" $dead
  exit 0 ;;
process_without_runtime_is_refused)
  sleep 30 & pid=$!
  check_ptrace
  expect_error "does not have libpulp.so loaded" $pid
  exit 0 ;;
esac

check_ptrace
case $case_ in
trigger_preserves_*)
  # Every register mode also checks the protected zone below the
  # spinner's stack pointer (x86_64 red_zone, ppc64le red_zone), with the
  # runtime clobbering registers and stack in between.
  start regs "${case_#trigger_preserves_}"
  expect_ok --tid $tid $pid; finish ;;
trigger_restarts_blocked_read)
  start read; expect_ok --tid $tid $pid; finish ;;
trigger_restarts_interrupted_nanosleep)
  start sleep; expect_ok --tid $tid $pid; finish nosignal ;;
trigger_commits_plan)
  start data PATCHED
  expect_ok --write $addr ORIGINAL-BYTES!! PATCHED--BYTES!! $pid
  finish ;;
trigger_commits_while_threads_come_and_go)
  start churn PATCHED
  expect_ok --write $addr ORIGINAL-BYTES!! PATCHED--BYTES!! $pid
  finish ;;
second_tool_is_refused_while_first_runs)
  start regs any
  "$driver" --stall-at prepared 1000 $pid >"$dir/first" 2>&1 &
  first=$!
  sleep 0.3
  expect_error "busy" $pid
  wait $first || fail "first tool failed: $(cat "$dir/first")"
  finish ;;
stopped_process_is_refused)
  # Job-stopped threads would not run the call: none is borrowed.
  start regs any
  kill -STOP $pid
  i=0
  while [ "$(sed 's/.*) //' /proc/$pid/stat | cut -c1)" != T ]; do
    i=$((i + 1))
    [ $i -gt 500 ] && fail "target did not stop"
    sleep 0.01
  done
  expect_error "no thread can be borrowed" $pid
  kill -CONT $pid
  finish ;;
trigger_refuses_commit_while_thread_in_guard)
  start data ORIGINAL
  expect_error "kept executing" --write $addr ORIGINAL-BYTES!! \
    PATCHED--BYTES!! --guard $gstart $gend $pid
  finish ;;
runtime_aborts_when_commit_times_out)
  start data ORIGINAL
  expect_error "gave up\|no commit" --commit-timeout 200 --stall-at prepared \
    1000 --write $addr ORIGINAL-BYTES!! PATCHED--BYTES!! $pid
  expect_ok $pid # and the block is free again
  finish ;;
tool_killed_after_call_leaves_process_intact)
  start regs any
  killed_at call --tid $tid $pid; finish ;;
tool_killed_after_prepare_leaves_process_intact)
  start regs any
  killed_at prepared --tid $tid $pid; finish ;;
tool_killed_mid_commit_leaves_code_unpatched)
  start data ORIGINAL
  killed_at writing --write $addr ORIGINAL-BYTES!! PATCHED--BYTES!! $pid
  finish ;;
tool_killed_before_restore_leaves_process_intact)
  start regs any
  killed_at done --tid $tid $pid; finish ;;
*)
  fail "unknown case" ;;
esac
exit 0
