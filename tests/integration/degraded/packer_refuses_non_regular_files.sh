# Item 11.4: a FIFO or a device named where a file is expected (the
# descriptor, its patch object or target, a .ulp given to trigger, dump
# or check) is refused at once with one line; it used to block forever
# in open(). Each command runs under a 10 s timeout: 124 is the hang.
. "$PULP_SOURCE_DIR/tests/integration/lib.sh"
mkfifo "$WORK/fifo.so" "$WORK/fifo.dsc" "$WORK/fifo.ulp"
printf '%s\n@%s\nfoo_name:foo_name_one\n' "$WORK/fifo.so" \
	"$FIXTURES/libfoo.so.1" >"$WORK/obj.dsc"
printf '%s\n@%s\nfoo_name:foo_name_one\n' "$DEG_DIR/libone_p.so" \
	"$WORK/fifo.so" >"$WORK/target.dsc"
refused() { # refused WHAT-IN-MESSAGE COMMAND...
	local what=$1 out rc
	shift
	out=$(timeout 10 "$ULP" "$@" </dev/null 2>&1)
	rc=$?
	echo "+ ulp $* -> $rc: $out"
	[ $rc != 124 ] || fail "ulp $* blocked"
	[ $rc != 0 ] || fail "ulp $* accepted a non-regular file"
	[ "$(echo "$out" | wc -l)" = 1 ] || fail "more than one line"
	echo "$out" | grep -q -- "$what: not a regular file" ||
		fail "ulp $*: the reason is not named"
}
refused "$WORK/fifo.so" packer "$WORK/obj.dsc"
refused "$WORK/fifo.so" packer "$WORK/target.dsc"
refused "$WORK/fifo.dsc" packer "$WORK/fifo.dsc"
refused /dev/zero packer /dev/zero
refused fifo.ulp dump "$WORK/fifo.ulp"
refused fifo.ulp trigger -p $$ "$WORK/fifo.ulp"
refused fifo.ulp check -p $$ "$WORK/fifo.ulp"
refused fifo.so livepatchable "$WORK/fifo.so"
pass
