# Shared by the libpulp_compat scenarios: tests/integration/lib.sh, plus the
# container writer.
. "$(dirname "$0")/../lib.sh"
: "${LPC_DIR:?}"
PY=${PYTHON3:-python3}
command -v "$PY" >/dev/null || { echo "SKIP: no python3"; exit 77; }
command -v "${OBJCOPY:-objcopy}" >/dev/null || { echo "SKIP: no objcopy"; exit 77; }

# The libpulp container of foo_p1: two functions and both references
# (libpulp's packer resolves them the same way), two comment lines.
make_foo_container() {
	"$PY" "$LPC_DIR/mkcontainer.py" libfoo_p1.so libfoo.so.1 "$1" \
		--func foo_value:foo_value_v2 --func foo_name:foo_name_v2 \
		--ref counter:counter_ref --ref foo_exported:exported_ref \
		--comment "foo_p1: fixes CVE-2026-0001" --comment "bsc#1001" "${@:2}" ||
		fail "mkcontainer.py failed"
}

# expect_one_error CMD...: exit status 2 and exactly one line on stderr.
expect_one_error() {
	local err rc
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	echo "+ $* -> $rc: $err"
	[ "$rc" = 2 ] || fail "$*: exit status $rc, expected 2"
	[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [ -n "$err" ] ||
		fail "$*: expected one line of error, got: $err"
	ERR=$err
}
