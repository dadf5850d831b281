# Item 9 (issue 8): `ulp install` applies the patch to running processes
# too (through `ulp trigger`), including to a library a running process
# dlopens only after the install; `ulp uninstall` reverts it in running
# processes and new processes start unpatched.
. "$STORE_SOURCE_DIR/../lib.sh"
require_ptrace
export PULP_STORE_DIR="$WORK/store"
APP_EXE=./store_app
RT=(LD_PRELOAD="$LIBPULP" PULP_STORE_DIR="$PULP_STORE_DIR")

start_app a "${RT[@]}"
expect_field a value 1
OUT=$("$ULP" install sval_p1.ulp 2>&1); RC=$?
echo "$OUT"
expect_rc 0
expect_out "(pid $a_PID): live patching succeeded"
expect_field a value 2

# No running process has libslate: installed all the same (exit 0), and
# applied when the running process loads it.
OUT=$("$ULP" install slate_p1.ulp 2>&1); RC=$?
echo "$OUT"
expect_rc 0
[ "$(poke a load)" = "value=2 late=20" ] || fail "a after load: $(cat "$WORK/a.out")"

start_app b "${RT[@]}"
expect_field b value 2

OUT=$("$ULP" uninstall sval_p1 2>&1); RC=$?
echo "$OUT"
expect_rc 0
expect_field a value 1
expect_field b value 1
expect_field a late 20
# By file: the patch file with the installed build-id names the entry.
OUT=$("$ULP" uninstall "$FIXTURES/slate_p1.ulp" 2>&1); RC=$?
echo "$OUT"
expect_rc 0
expect_field a late 10
[ -z "$(ls -A "$PULP_STORE_DIR")" ] || fail "store not empty: $(ls "$PULP_STORE_DIR")"
start_app c "${RT[@]}"
expect_field c value 1
[ "$(poke c load)" = "value=1 late=10" ] || fail "c: $(cat "$WORK/c.out")"
pass
