# Shared by the bench/ scripts (sourced, not run). A figure is a list of
# samples summarised as median (the lower one for an even count), min, max
# and count; each is printed for people and appended as one tab-separated
# line (name, unit, median, min, max, n, command) to $BENCH_TSV when that is
# set, from which json_write makes the JSON summary. No pass/fail anywhere:
# the machine may be shared and busy; compare figures of one run.
# shellcheck shell=bash

# stats V... -> "median min max n" (numbers may be fractional).
stats() {
	printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1}
		END {printf "%s %s %s %d\n", v[int((NR + 1) / 2)], v[1], v[NR], NR}'
}

# fig_put NAME UNIT MEDIAN MIN MAX N COMMAND: print one summarised figure.
fig_put() {
	printf '  %-44s median %9s %-3s (min %s, max %s, n %s)\n' \
		"$1" "$3" "$2" "$4" "$5" "$6"
	if [ -n "${BENCH_TSV:-}" ]; then
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_TSV"
	fi
}

# fig NAME UNIT COMMAND SAMPLE...: summarise samples and print the figure.
fig() {
	local name=$1 unit=$2 cmd=$3 s
	shift 3
	[ $# -gt 0 ] || return 0
	read -r -a s <<<"$(stats "$@")"
	fig_put "$name" "$unit" "${s[0]}" "${s[1]}" "${s[2]}" "${s[3]}" "$cmd"
}

# fig_filter COMMAND: a program's output on stdin; its machine lines
# "FIG<TAB>name<TAB>unit<TAB>median<TAB>min<TAB>max<TAB>n" become figures
# (with COMMAND), every other line is passed through.
fig_filter() {
	local cmd=$1 line f
	while IFS= read -r line; do
		if [ "${line%%	*}" = FIG ]; then
			IFS=$'\t' read -r -a f <<<"$line"
			fig_put "${f[1]}" "${f[2]}" "${f[3]}" "${f[4]}" "${f[5]}" \
				"${f[6]}" "$cmd"
		else
			printf '%s\n' "$line"
		fi
	done
}

# fig_value NAME: the median recorded for NAME in $BENCH_TSV (empty if none).
fig_value() {
	[ -n "${BENCH_TSV:-}" ] && [ -f "$BENCH_TSV" ] || return 0
	awk -F '\t' -v n="$1" '$1 == n {v = $3} END {if (v != "") print v}' \
		"$BENCH_TSV"
}

# fig_slope NAME UNIT A_NAME B_NAME DX: a derived figure, (B - A) / DX of
# the two medians (min = max = median, n = 2 points).
fig_slope() {
	local a b v
	a=$(fig_value "$3")
	b=$(fig_value "$4")
	[ -n "$a" ] && [ -n "$b" ] || return 0
	v=$(awk -v a="$a" -v b="$b" -v d="$5" 'BEGIN {printf "%.3f", (b - a) / d}')
	fig_put "$1" "$2" "$v" "$v" "$v" 2 "derived: ($4 - $3) / $5"
}

# now_us: wall clock in us from bash itself (no fork, unlike date).
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }

# wall_ms CMD...: runs CMD (output discarded) and prints its wall time in
# ms (3 decimals): fork, exec, run and wait, as a shell user sees it.
wall_ms() {
	local t0 t1
	t0=${EPOCHREALTIME/[.,]/}
	"$@" >/dev/null 2>&1 || true
	t1=${EPOCHREALTIME/[.,]/}
	printf '%d.%03d\n' $(((t1 - t0) / 1000)) $(((t1 - t0) % 1000))
}

# json_write TSV JSON: one object per figure, written with awk only (no
# python or jq on a fresh Debian).
json_write() {
	awk -F '\t' '
		function q(s) {
			gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s)
			return "\"" s "\""
		}
		function num(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ ? s : "null" }
		BEGIN {print "["}
		{
			printf "%s{\"name\": %s, \"unit\": %s, \"median\": %s, \"min\": %s, " \
				"\"max\": %s, \"n\": %s, \"command\": %s}", \
				(NR > 1 ? ",\n  " : "  "), q($1), q($2), num($3), num($4), \
				num($5), num($6), q($7)
		}
		END {print (NR ? "\n" : "") "]"}' "$1" >"$2"
}
