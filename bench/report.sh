#!/bin/bash
# Prints the issue 9 table of docs/performance.md (markdown) from the JSON
# summary of bench/run.sh: figure | Pulp before | Pulp now | libpulp | goal
# | met?. "Pulp now" is median (min–max) of this run; "met?" compares the
# median with the goal (a reading of one run on a possibly busy machine,
# not a test). --all also lists every figure with its command.
# Usage: bash bench/report.sh [RESULTS.json] [--all]
#   (default ${BUILD_DIR:-build}/bench/results.json)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
json=${BUILD_DIR:-$top/build}/bench/results.json
all=0
for a in "$@"; do
	case $a in
	--all) all=1 ;;
	*) json=$a ;;
	esac
done
declare -A unit med lo hi cmd
# Our own JSON (bench/lib.sh json_write): one object per line, in order.
while IFS=$'\t' read -r n u m l h c; do
	unit[$n]=$u med[$n]=$m lo[$n]=$l hi[$n]=$h cmd[$n]=$c
done < <(awk '/"name":/ {
	line = $0; out = ""
	split("name unit median min max command", k, " ")
	for (i = 1; i <= 6; i++) {
		v = line
		if (k[i] == "name" || k[i] == "unit" || k[i] == "command") {
			sub(".*\"" k[i] "\": \"", "", v); sub("\"(, \"|}).*", "", v)
			gsub(/\\"/, "\"", v); gsub(/\\\\/, "\\", v)
		} else {
			sub(".*\"" k[i] "\": ", "", v); sub("[,}].*", "", v)
		}
		out = out (i > 1 ? "\t" : "") v
	}
	print out
}' "$json")

# v NAME DIV UNIT: "median (min–max) UNIT" of figure NAME divided by DIV.
v() {
	[ -n "${med[$1]:-}" ] || { echo "not run"; return; }
	awk -v m="${med[$1]}" -v l="${lo[$1]}" -v h="${hi[$1]}" -v d="$2" -v u="$3" \
		'function f(x) { x /= d; return x >= 100 ? sprintf("%.0f", x) : x >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x) }
		BEGIN { if (l == h) printf "%s %s", f(m), u; else printf "%s (%s–%s) %s", f(m), f(l), f(h), u }'
}
# met NAME DIV LIMIT: yes/no, median / DIV <= LIMIT.
met() {
	[ -n "${med[$1]:-}" ] || { echo "?"; return; }
	awk -v m="${med[$1]}" -v d="$2" -v g="$3" 'BEGIN { print (m / d <= g ? "yes" : "no") }'
}
# mets A B...: "yes" when every word is yes.
mets() { case " $* " in *" no "*) echo no ;; *" ? "*) echo "?" ;; *) echo yes ;; esac; }

echo "| figure (medians, min–max) | Pulp before | Pulp now | libpulp | goal | met? |"
echo "|---|---|---|---|---|---|"
echo "| spinning thread frozen by the commit, 1-function apply, spinner + 1 blocked thread | 0.45–0.6 ms | $(v functions.1.apply.frozen_by_commit 1000 ms) (noise without a hijack: $(v functions.1.apply.noise_2ms 1000 ms)) | 2.2 ms | ≤ 0.1 ms | $(met functions.1.apply.frozen_by_commit 1000 0.1) |"
echo "| same, a 1-thread process (its only thread is the one borrowed: whole time away) | — | $(v threads.1.p1.apply.frozen_in_hijack 1000 ms) | — | (≤ 0.1 ms) | $(met threads.1.p1.apply.frozen_in_hijack 1000 0.1) |"
echo "| same, target with 10 / 100 / 500 threads | — / 4–4.5 / 20 ms | $(v threads.10.p1.apply.frozen_by_commit 1000 ms) / $(v threads.100.p1.apply.frozen_by_commit 1000 ms) / $(v threads.500.p1.apply.frozen_by_commit 1000 ms) | — / 6 / 24–33 ms | ≤ 0.2 ms whatever the thread count | $(mets "$(met threads.100.p1.apply.frozen_by_commit 1000 0.2)" "$(met threads.500.p1.apply.frozen_by_commit 1000 0.2)") |"
echo "| 100-function patch, freeze with 10 / 100 / 500 threads (patch switches as one) | — | $(v threads.10.p100.apply.frozen_by_commit 1000 ms) / $(v threads.100.p100.apply.frozen_by_commit 1000 ms) / $(v threads.500.p100.apply.frozen_by_commit 1000 ms) | — | — | |"
echo "| freeze per extra thread, 100-function patch (slope 10→500 threads; commit window) | ~40 µs | $(v threads.per_thread.p100.apply.frozen_by_commit 1 µs) ($(v threads.per_thread.p100.apply.commit_window 1 µs)) | — | ≤ 5 µs | $(met threads.per_thread.p100.apply.frozen_by_commit 1 5) |"
if [ -n "${med[threads.per_thread.p100fn.apply.frozen_by_commit]:-}" ]; then
	echo "| same, per-function consistency (\`--consistency=function\`) | — | $(v threads.per_thread.p100fn.apply.frozen_by_commit 1 µs) | — | ≤ 5 µs | $(met threads.per_thread.p100fn.apply.frozen_by_commit 1 5) |"
fi
echo "| \`ulp trigger\` wall, 1 function, 1 process | 5.0–5.3 ms (\`ulp --help\` ~1.4 ms) | $(v trigger.p1.apply.wall 1 ms) (\`ulp --help\` $(v ulp_help.wall 1 ms), /bin/true $(v exec_floor.wall 1 ms)) | ~7 ms | ≤ 2 ms | $(met trigger.p1.apply.wall 1 2) |"
echo "| one wildcard trigger over 10 / 100 / 1000 processes | 33 ms / 0.25–0.28 s / — (300: 0.71–0.79 s) | $(v fleet.10.apply.wall 1 ms) / $(v fleet.100.apply.wall 1000 s) / $(v fleet.1000.apply.wall 1000 s) | 19 ms / 0.11 s / — (300: 0.32 s) | 1000 processes in ≤ 0.5 s | $(met fleet.1000.apply.wall 1000 0.5) |"
echo "| processes reported succeeded of 1000 | — | $(v fleet.1000.apply.succeeded 1 "") | — | every one | $(met fleet.1000.apply.succeeded -1 -1000) |"
echo "| one patch replacing 250 / 1000 functions, \`ulp trigger\` wall | 8 ms / refused | $(v trigger.functions.250.apply.wall 1 ms) / $(v trigger.functions.1000.apply.wall 1 ms) | 10 ms / 20 ms | 1000 in ≤ 5 ms | $(met trigger.functions.1000.apply.wall 1 5) |"
echo "| same, freeze (spinner frozen by the commit; commit window) | 2.4–3.1 ms / refused | $(v functions.250.apply.frozen_by_commit 1000 ms) / $(v functions.1000.apply.frozen_by_commit 1000 ms) ($(v functions.1000.apply.commit_window 1000 ms)) | — | ≤ 1 ms | $(met functions.1000.apply.frozen_by_commit 1000 1) |"
if [ -n "${med[functions.1000.fn.apply.frozen_by_commit]:-}" ]; then
	echo "| same, per-function consistency (runtime's own commit; first..last switch) | — | $(v functions.250.fn.apply.frozen_by_commit 1000 ms) / $(v functions.1000.fn.apply.frozen_by_commit 1000 ms) ($(v functions.1000.fn.apply.switch_window 1000 ms)) | — | ≤ 1 ms | $(met functions.1000.fn.apply.frozen_by_commit 1000 1) |"
fi
echo "| freeze per additional function (slope 100→1000; commit window) | ~10 µs | $(v functions.per_function.apply.frozen_by_commit 1 µs) ($(v functions.per_function.apply.commit_window 1 µs)) | ~10 µs | ≤ 1 µs | $(met functions.per_function.apply.frozen_by_commit 1 1) |"
if [ -n "${med[functions.per_function.fn.apply.switch_window]:-}" ]; then
	echo "| same, per-function consistency (first..last switch) | — | $(v functions.per_function.fn.apply.switch_window 1 µs) | — | ≤ 1 µs | $(met functions.per_function.fn.apply.switch_window 1 1) |"
fi
echo "| resident memory the runtime adds (Rss / Pss / private) | — | $(v memory.rss.runtime_adds 1 kB) / $(v memory.pss.runtime_adds 1 kB) / $(v memory.priv.runtime_adds 1 kB) | — | — | |"
echo "| what the first applied patch adds (1 function; private) | — | $(v memory.priv.patch_p1_adds 1 kB) | — | — | |"
echo "| what a 1000-function patch adds next (private) | — | $(v memory.priv.patch_p1000_adds 1 kB) | — | — | |"
echo "| malloc/free pair without / with the runtime | +0% | $(v alloc.1thread.without 1 ns) / $(v alloc.1thread.with 1 ns) | +18–23% | — | |"
echo "| a patched call's overhead | +0.8–1.0 ns | $(v call.overhead 1 ns) | about the same | — | |"

if [ $all = 1 ]; then
	echo
	echo "| figure | unit | median | min | max | command |"
	echo "|---|---|---|---|---|---|"
	for n in "${!med[@]}"; do
		# shellcheck disable=SC2016 # backquotes are markdown
		printf '| %s | %s | %s | %s | %s | `%s` |\n' "$n" "${unit[$n]}" \
			"${med[$n]}" "${lo[$n]}" "${hi[$n]}" "${cmd[$n]}"
	done | sort -V
fi
