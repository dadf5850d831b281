# Shared by the reliability scenarios: the integration helpers (lib.sh)
# driving rel_target instead of the fixture app. Env: REL_TARGET too.
. "$PULP_SOURCE_DIR/tests/integration/lib.sh"
: "${REL_TARGET:?}"
APP_EXE=$REL_TARGET
require_ptrace

# The outcome line of a trigger must be one of the allowed patterns.
expect_one_of() { # expect_one_of TEXT PATTERN...
	local text=$1 p
	shift
	for p in "$@"; do
		echo "$text" | grep -q -- "$p" && return 0
	done
	fail "unexpected outcome: $text"
}

# alive PID: the process exists and is not a zombie.
alive() {
	[ -d "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]
}
