#!/bin/bash
# Usage: tests/packaging/completion.sh SRC
# The bash completion of ulp and klp (completion/ulp, completion/klp), driven
# as bash does: COMP_WORDS/COMP_CWORD set, the function called, COMPREPLY
# compared. Includes the PIDs of processes that have the runtime mapped
# (a process whose maps name libpulp.so is offered, one without is not).
# Prints one line per failed case; exit 1 if any failed.
set -uo pipefail
src=$1
. /usr/share/bash-completion/bash_completion || { echo "no bash-completion"; exit 1; }
. "$src/completion/ulp"
. "$src/completion/klp"
fails=0
comp() { # FUNC LINE...: COMPREPLY for the words of LINE, cursor on the last
	local f=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$f" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort
}
expect() { # DESC WANT-WORD FUNC LINE...: WANT-WORD among the answers
	local d=$1 w=$2
	shift 2
	comp "$@" | grep -qx -- "$w" || { echo "not ok: $d (no '$w' in: $(comp "$@" | tr '\n' ' '))"; fails=$((fails + 1)); }
}
expect_not() {
	local d=$1 w=$2
	shift 2
	comp "$@" | grep -qx -- "$w" && { echo "not ok: $d ('$w' offered)"; fails=$((fails + 1)); }
	return 0
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kill $with $without 2>/dev/null' EXIT
cd "$tmp"
touch a.ulp a.rev b.dsc c.txt fix.ko

expect "ulp commands" trigger _ulp ulp tr
expect "ulp commands" packer _ulp ulp ""
expect "trigger options" --revert-all= _ulp ulp trigger --rev
expect "trigger options" --json _ulp ulp trigger --j
expect "trigger completes .ulp" a.ulp _ulp ulp trigger ""
expect "trigger completes .rev" a.rev _ulp ulp trigger ""
expect_not "trigger skips other files" c.txt _ulp ulp trigger ""
expect "packer completes .dsc" b.dsc _ulp ulp packer ""
expect_not "packer skips .ulp" a.ulp _ulp ulp packer ""
expect "check options" --quiet _ulp ulp check --q

# PIDs of processes with the runtime: a copy of a program under the
# runtime's file name makes its maps name libpulp.so (no preload needed).
cp /bin/sleep "$tmp/libpulp.so.0"
"$tmp/libpulp.so.0" 30 &
with=$!
sleep 30 &
without=$!
sleep 0.3
expect "-p offers a process with the runtime" "$with" _ulp ulp trigger -p ""
expect_not "-p does not offer one without" "$without" _ulp ulp trigger -p ""

expect "klp commands" boot _klp klp b
expect "klp commands after global options" downgrade _klp klp --store /x d
expect "klp global options" --root _klp klp --r
expect "klp load options" --keep _klp klp load --k
expect "klp boot options" --kernel _klp klp boot --ke
expect "klp load completes .ko" fix.ko _klp klp load ""
expect_not "klp load skips others" c.txt _klp klp load ""
[ $fails = 0 ] && echo "completion: all cases passed"
exit $((fails > 0))
