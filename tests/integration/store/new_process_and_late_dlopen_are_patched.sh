# Item 9 (issue 8): a process started after `ulp install` starts patched,
# and a library it dlopens later is patched when it loads (by its bare
# soname, found through the program's RUNPATH: the runtime's dlopen keeps
# the caller's search path). Processes without the runtime, with the runtime
# disabled, and a corrupt store entry are left alone, with log lines.
. "$STORE_SOURCE_DIR/../lib.sh"
export PULP_STORE_DIR="$WORK/store"
APP_EXE=./store_app
RT=(LD_PRELOAD="$LIBPULP" PULP_STORE_DIR="$PULP_STORE_DIR")

# Before any install: unpatched, and the late library loads as usual.
start_app before "${RT[@]}"
expect_field before value 1
[ "$(poke before load)" = "value=1 late=10" ] || fail "before: $(cat "$WORK/before.out")"

OUT=$("$ULP" install --no-apply sval_p1.ulp slate_p1.ulp 2>&1); RC=$?
echo "$OUT"
expect_rc 0
expect_out "sval_p1: installed as $PULP_STORE_DIR/00000001-sval_p1.ulp"
expect_out "slate_p1: installed as $PULP_STORE_DIR/00000002-slate_p1.ulp"
ls -l "$PULP_STORE_DIR"
OUT=$("$ULP" install --list 2>&1)
expect_out "00000002-slate_p1: slate_p1 on libslate.so.1"
# The same patch again: nothing changes; another patch of that name: refused.
OUT=$("$ULP" install --no-apply sval_p1.ulp 2>&1); RC=$?
expect_rc 0
expect_out "already installed"

# A process started now starts patched; libslate is patched on dlopen.
start_app a "${RT[@]}"
expect_field a value 2
expect_field a late 0
[ "$(poke a load)" = "value=2 late=20" ] || fail "a after load: $(cat "$WORK/a.out")"
OUT=$("$ULP" messages -p "$a_PID" 2>&1)
expect_out "store: 00000001-sval_p1.ulp: applied on load"
expect_out "store: 00000002-slate_p1.ulp: applied on load"
# The running process started before the install is untouched (--no-apply).
expect_field before value 1

# No runtime: unpatched. Runtime disabled by the operator: unpatched, and
# it does not look at the store.
start_app plain
expect_field plain value 1
start_app off "${RT[@]}" LIBPULP_DISABLE_ON_PATH='*/store_app'
expect_field off value 1
[ "$(poke off load)" = "value=1 late=10" ] || fail "off: $(cat "$WORK/off.out")"
OUT=$("$ULP" messages -p "$off_PID" 2>&1)
echo "$OUT" | grep -q "store:" && fail "a disabled runtime read the store: $OUT"

# A corrupt entry is skipped with a log line; the others still apply and
# the process starts normally.
cp sval_p1.ulp "$PULP_STORE_DIR/00000000-bad.ulp"
printf '\377' | dd of="$PULP_STORE_DIR/00000000-bad.ulp" bs=1 seek=80 conv=notrunc status=none
start_app c "${RT[@]}"
expect_field c value 2
OUT=$("$ULP" messages -p "$c_PID" 2>&1)
expect_out "store: 00000000-bad.ulp: skipped"
rm "$PULP_STORE_DIR/00000000-bad.ulp"

# An entry anyone may write is not trusted.
chmod o+w "$PULP_STORE_DIR/00000001-sval_p1.ulp"
start_app w "${RT[@]}"
expect_field w value 1
OUT=$("$ULP" messages -p "$w_PID" 2>&1)
expect_out "00000001-sval_p1.ulp: skipped: not a regular file owned by root"
chmod o-w "$PULP_STORE_DIR/00000001-sval_p1.ulp"

# Uninstalled (nothing running has it applied that we let it revert):
# new processes start unpatched again.
OUT=$("$ULP" uninstall --no-revert sval_p1 slate_p1 2>&1); RC=$?
echo "$OUT"
expect_rc 0
[ -z "$(ls -A "$PULP_STORE_DIR")" ] || fail "store not empty: $(ls "$PULP_STORE_DIR")"
start_app d "${RT[@]}"
expect_field d value 1
[ "$(poke d load)" = "value=1 late=10" ] || fail "d: $(cat "$WORK/d.out")"
OUT=$("$ULP" uninstall sval_p1 2>&1); RC=$?
expect_rc 2
expect_out "sval_p1: not installed"
pass
