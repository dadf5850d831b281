# Item 5: fork() during triggers. A thread forks without pause while the
# patch is applied and reverted; each child checks that its control block
# is free (operable by the next tool) and that its code agrees with its
# published state (what `ulp check` reads).
. "$(dirname "$0")/rel_lib.bash"
start_app a REL_FORKER=1
for round in $(seq 1 20); do
	if [ $((round % 2)) = 1 ]; then f=foo_p1.ulp want=patched-1; else f=foo_p1.rev want=original; fi
	trigger -p "$a_PID" "$f"
	expect_rc 0
	expect_field a name "$want"
done
bad=$(field a bad)
[ "$bad" = 0 ] || fail "$bad forked children were inconsistent"
pass
