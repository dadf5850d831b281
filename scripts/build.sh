#!/bin/bash
# Configures and builds Pulp into ${BUILD_DIR:-build} (warnings are errors;
# extra arguments go to cmake, e.g. -DCMAKE_BUILD_TYPE=Release).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
