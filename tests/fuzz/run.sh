#!/bin/bash
# Short fuzz run of every target (CI): builds them (tests/fuzz/build.sh),
# runs each for FUZZ_SECONDS (default 20) from the seed corpus kept in
# tests/fuzz/corpus/<target>/ (copied: the repository is never written),
# and ends with "N passed, N failed". A target fails on any crash,
# sanitizer report, leak or timeout; the reproducer is kept in OUT/crashes.
# Usage: tests/fuzz/run.sh [BUILD [OUT]]: BUILD is a native build of Pulp
# (default <repo>/build; the engine target loads its test libraries), OUT
# the fuzzers' directory (default <repo>/build-fuzz). Long run: see
# docs/bad-input.md ("Fuzzing").
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" 2>/dev/null && pwd) || build=
out=${2:-$top/build-fuzz}
mkdir -p "$out" && out=$(cd "$out" && pwd) # the fuzzers run from out/crashes
secs=${FUZZ_SECONDS:-20}
pass=0
fail=0

if ! command -v "${FUZZ_CC:-clang}" >/dev/null; then
	echo "fuzz: no clang (scripts/install-deps.sh --tests installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! bash "$top/tests/fuzz/build.sh" "$out"; then
	echo "fuzz: build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
mkdir -p "$out/crashes"
for t in descriptor ulp elf engine; do
	work=$(mktemp -d)
	cp "$top/tests/fuzz/corpus/$t/"* "$work/"
	extra=()
	if [ "$t" = engine ]; then
		if [ -z "$build" ] || [ ! -f "$build/tests/integration/libfoo.so.1" ]; then
			echo "FAIL: fuzz_engine: needs a native build (BUILD) with tests"
			fail=$((fail + 1))
			rm -rf "$work"
			continue
		fi
		export FUZZ_FIXTURES=$build/tests/integration
		# This build's patches name this build's libraries: seeds that
		# reach every check of the engine.
		mkdir -p "$work.live"
		cp "$FUZZ_FIXTURES"/*.ulp "$FUZZ_FIXTURES"/*.rev "$work.live/"
		extra=("$work.live")
	fi
	log=$out/fuzz_$t.log
	(cd "$out/crashes" && "$out/fuzz_$t" -max_total_time="$secs" \
		-max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		"$work" "${extra[@]}" >"$log" 2>&1)
	rc=$?
	stats=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" |
		grep -Eo '[0-9]+$')
	cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
	if [ $rc = 0 ]; then
		echo "PASS: fuzz_$t: ${stats:-?} execs in ${secs} s, $cov"
		pass=$((pass + 1))
	else
		echo "FAIL: fuzz_$t (exit $rc): see $log and $out/crashes"
		grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5
		fail=$((fail + 1))
	fi
	rm -rf "$work" "$work.live"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
