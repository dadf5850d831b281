# A directory or a glob of patches (--recursive descends): each process
# gets the patches whose target it has, the others skip it quietly; -R
# PREFIX reads the files and their patch objects under PREFIX.
. "$CLI_SOURCE_DIR/../lib.sh"
require_ptrace
APP_EXE=./cli_app start_app a LD_PRELOAD="$LIBPULP"
APP_EXE=./cli2_app start_app b LD_PRELOAD="$LIBPULP"
expect_field a value 1
expect_field b value 10

# A directory as a package installs it: .ulp, .rev, patch objects, and a
# subdirectory. Only the .ulp files are applied.
d=$WORK/livepatches
mkdir -p "$d/sub" && cp cli_p1.ulp cli_p1.rev libcli_p1.so "$d/" &&
	cp cli2_p1.ulp libcli2_p1.so "$d/sub/" || fail "copying"
# Without --recursive: only cli_p1, and only process a has its target.
trigger "$d"; expect_rc 0
expect_out "(pid $a_PID): live patching succeeded"
echo "$OUT" | grep -q "(pid $b_PID)" && fail "b mentioned without -v"
expect_out "^1 patched, [0-9]* skipped, 0 failed$"
expect_field a value 2
expect_field b value 10
trigger --revert "$d"; expect_rc 0
expect_field a value 1
# --recursive: each process gets its own library's patch.
trigger --recursive "$d"; expect_rc 0
expect_out "^2 patched, [0-9]* skipped, 0 failed$"
expect_field a value 2
expect_field b value 20
trigger --recursive --revert -p "$b_PID" "$d"; expect_rc 0
expect_field a value 2
expect_field b value 10
# A glob, quoted (the tool expands it) and unquoted (the shell does).
trigger --revert "$d/cli*.ulp" "$d/sub/*"; expect_rc 0
expect_field a value 1
trigger -p "$b_PID" "$d"/*/*.ulp; expect_rc 0
expect_field b value 20
trigger -p "$b_PID" --revert-all=target "$d/sub/cli2_p1.ulp"; expect_rc 0
trigger -p "$b_PID" --revert "$d/sub/*.ulp"; expect_rc 0
expect_field b value 10
# -p on a process that has none of the targets: skipped, 3.
trigger -p "$b_PID" "$d"; expect_rc 3
expect_out "has none of the patches' targets loaded"
# A glob or directory with no patch is bad input.
trigger "$d/nothing*.ulp"; expect_rc 2
mkdir "$WORK/empty"; trigger "$WORK/empty"; expect_rc 2

# -R PREFIX: a patch installed under another root (an image, a new
# snapshot): its .ulp names the patch object as installed, without PREFIX.
# Packed where the object sat at that path, then moved under the root.
r=$WORK/root
mkdir -p "$WORK/lp" "$r$WORK/lp" "$r/patches" && cp libcli_p1.so "$WORK/lp/" ||
	fail "copying"
sed "s|^libcli_p1.so|$WORK/lp/libcli_p1.so|; s|^@libcli.so.1|@$PWD/libcli.so.1|" \
	cli_p1.dsc >"$WORK/rooted.dsc"
"$ULP" packer -q -o "$r/patches/rooted.ulp" "$WORK/rooted.dsc" || fail "packer"
mv "$WORK/lp/libcli_p1.so" "$r$WORK/lp/" || fail "moving"
# Without -R the object is missing; with it, the processes load it from
# under the root.
trigger -p "$a_PID" "$r/patches/rooted.ulp"; expect_rc 3
trigger -p "$a_PID" -R "$r" /patches/rooted.ulp; expect_rc 0
expect_field a value 2
grep -q "$r$WORK/lp/libcli_p1.so" "/proc/$a_PID/maps" ||
	fail "the patch object under the root was not loaded"
trigger -p "$a_PID" -R "$r" --revert /patches/rooted.ulp; expect_rc 0
expect_field a value 1
pass
