# Shared by the degraded-behaviour scenarios: the integration helpers
# (lib.sh) driving deg_target. Env: DEG_DIR, DEG_TARGET, DEG_DRIVER too.
. "$PULP_SOURCE_DIR/tests/integration/lib.sh"
: "${DEG_DIR:?}" "${DEG_TARGET:?}" "${DEG_DRIVER:?}"
APP_EXE=$DEG_TARGET

# alive PID: the process exists and is not a zombie.
alive() {
	[ -d "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]
}

# pstate PID: its scheduler state letter (T: stopped).
pstate() {
	sed 's/.*) //' "/proc/$1/stat" | cut -c1
}
