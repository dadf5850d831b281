#!/bin/bash
# Usage: tests/packaging/man-options.sh SRC ULP KLP
# Each manual lists every option its tool accepts, and names none it does
# not: (1) every long option of the getopt tables in ulp/*.c and klp/*.c,
# (2) every option the tools' --help texts (global and per command) show,
# are in man/ulp.1 and man/klp.8; (3) every long option the pages name is
# accepted by the tool. Prints what is missing; exit 1 if anything is.
set -uo pipefail
[ $# -eq 3 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
src=$1 ulp=$2 klp=$3
miss=0
# Options as written in a page's source: \-x and \-\-name.
man_opts() { sed 's/\\-/-/g' "$1" | help_opts; }
in_page() { grep -qxF -- "$2" <<<"$1"; }
help_opts() { grep -oE '(^|[^a-zA-Z0-9-])(--[a-z][a-z0-9-]*|-[a-zA-Z])\b' | grep -oE -- '-.*' | sort -u; }

for tool in ulp klp; do
	if [ $tool = ulp ]; then page=$src/man/ulp.1 bin=$ulp; else page=$src/man/klp.8 bin=$klp; fi
	have=$(man_opts "$page")
	# (1) the getopt tables
	for o in $(grep -hoE '\{"[a-z][a-z0-9-]*", *(no|required|optional)_argument' "$src/$tool"/*.c |
		sed -E 's/\{"([^"]*)".*/--\1/' | sort -u); do
		in_page "$have" "$o" || { echo "$tool: $o (getopt table) not in ${page##*/}"; miss=1; }
	done
	# (2) the --help texts
	if [ $tool = ulp ]; then
		cmds=$("$bin" --help | awk '/^Commands:/{f=1;next} f&&NF{print $1}')
	else
		cmds=$("$bin" --help | awk '/^Commands:/{f=1;next} /^$/{if(f)exit} f{print $1}')
	fi
	for o in $({ "$bin" --help; for c in $cmds; do "$bin" "$c" --help; done; } 2>&1 | help_opts); do
		in_page "$have" "$o" || { echo "$tool: $o (--help) not in ${page##*/}"; miss=1; }
	done
	# (3) every long option of the page is accepted somewhere
	for o in $(grep -E '^--' <<<"$have"); do
		acc=0
		for c in "" $cmds; do
			out=$(timeout 5 "$bin" $c "$o" --help </dev/null 2>&1)
			grep -qE "unrecognized option|invalid option|unknown option|unknown command" <<<"$out" || { acc=1; break; }
		done
		[ $acc = 1 ] || { echo "$tool: ${page##*/} names $o, which no command accepts"; miss=1; }
	done
done
[ $miss = 0 ] && echo "every option is in the manuals"
exit $miss
