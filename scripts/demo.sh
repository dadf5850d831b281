#!/bin/bash
# The live demo: installs what is needed, builds, starts a program, patches
# it while it runs, shows the new output, reverts it, shows the old output.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
export BUILD_DIR=$build

bash "$top/scripts/install-deps.sh"
echo "== building Pulp"
bash "$top/scripts/build.sh" >/dev/null
demo=$build/examples/demo
ulp=$build/ulp/ulp

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "ulp livepatchable libhello.so.1"
"$ulp" livepatchable "$demo/libhello.so.1" || true

step "starting the program with the runtime preloaded"
LD_PRELOAD=$build/preload/libpulp.so "$demo/hello_demo" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
sleep 2

step "ulp trigger -p $pid hello_livepatch1.ulp"
"$ulp" trigger -p "$pid" "$demo/hello_livepatch1.ulp"
sleep 2

step "ulp patches -p $pid"
"$ulp" patches -p "$pid"
sleep 1

step "ulp trigger -p $pid hello_livepatch1.rev   (revert)"
"$ulp" trigger -p "$pid" "$demo/hello_livepatch1.rev"
sleep 2

kill "$pid"
wait "$pid" 2>/dev/null || true
trap - EXIT
step "done: the program was patched and reverted without restarting"
