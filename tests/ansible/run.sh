#!/bin/bash
# Usage: tests/ansible/run.sh BUILD_DIR [WORK_DIR]
# The Ansible collection (ansible/ansible_collections/pulp/live) run with
# Debian's ansible-core on two hosts of one machine: localhost, and "ns", a
# fresh Debian 12 root (tests/packaging/fresh-root.sh) in its own PID and
# mount namespaces reached through the collection's nsenter connection (no
# network). Each host runs the demo program with the runtime; the rollout
# playbook patches both (check mode first: nothing changes), again (changed
# false: idempotent), reverts; then with a broken patch on the first host of
# a serial roll-out the play stops there and the second host stays
# unpatched. Also ansible-doc for every module, ulp_info, klp/klp_info.
# Prints "N passed, N failed"; exit 0 only if all passed. Needs root.
set -uo pipefail
[ $# -ge 1 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd) || exit 2
work=${2:-/tmp/pulp-ansible}
start=$(date +%s)
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
finish() {
	echo "ansible: wall time $(($(date +%s) - start))s"
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
}
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root"; echo "0 passed, 1 failed"; exit 1; }
need=()
for p in ansible-core mmdebstrap util-linux; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null ||
		{ bad "installing ${need[*]}"; finish; }
fi
demo=$build/examples/demo
ulp=$build/ulp/ulp
rt=$(readlink -f "$build/preload/libpulp.so")
for f in "$ulp" "$rt" "$demo/hello_demo" "$demo/hello_livepatch1.ulp"; do
	[ -e "$f" ] || { bad "$f missing: build BUILD_DIR first"; finish; }
done

export ANSIBLE_COLLECTIONS_PATH=$src/ansible ANSIBLE_NOCOLOR=1 ANSIBLE_HOST_KEY_CHECKING=0
export ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_STDOUT_CALLBACK=default
rm -rf "$work" && mkdir -p "$work/tmp" || { bad "creating $work"; finish; }
for m in ulp ulp_info klp klp_info; do
	if ansible-doc "pulp.live.$m" >/dev/null 2>"$work/doc.err"; then ok "ansible-doc pulp.live.$m"
	else bad "ansible-doc pulp.live.$m"; sed 's/^/    /' "$work/doc.err"; fi
done
ansible-doc -t connection pulp.live.nsenter >/dev/null 2>&1 && ok "ansible-doc nsenter connection" ||
	bad "ansible-doc nsenter connection"

pids=()
nsinit= localdemo=
# Killing the ns host's init (PID 1 of its namespace) ends every process
# in it; then unshare and the local demo end, and wait returns.
cleanup() {
	local p
	[ -n "$nsinit" ] && kill -9 "$nsinit" 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT
root=$work/root
bash "$src/tests/packaging/fresh-root.sh" "$root" >"$work/fresh-root.log" 2>&1 ||
	{ bad "fresh root"; tail "$work/fresh-root.log"; finish; }
# Host "ns": the build's ulp and runtime, the demo; the patch is rebuilt
# there so that it names the patch object by that host's path.
install -D "$ulp" "$root/usr/local/bin/ulp"
install -D "$rt" "$root/usr/local/lib/libpulp.so.0"
chroot "$root" /sbin/ldconfig
mkdir -p "$root/opt/demo"
cp "$demo"/{hello_demo,libhello.so.1,libhello_livepatch1.so,hello_livepatch1.dsc} "$root/opt/demo/"
chroot "$root" /usr/local/bin/ulp packer -q /opt/demo/hello_livepatch1.dsc ||
	{ bad "ulp packer in the ns root"; finish; }
head -c 64 "$root/opt/demo/hello_livepatch1.ulp" >"$root/opt/demo/broken.ulp"
unshare --pid --fork --mount --propagation private \
	sh -c "mount -t proc proc '$root/proc' && exec chroot '$root' /bin/sleep 100000" &
pids+=($!)
for _ in $(seq 50); do
	nsinit=$(pgrep -P "${pids[0]}" -x sleep) && break
	sleep 0.1
done
[ -n "$nsinit" ] || { bad "starting the ns host"; finish; }
in_ns() { nsenter -t "$nsinit" -p -m -r -w /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin "$@"; }
nsdemo=$(in_ns sh -c 'LD_LIBRARY_PATH=/opt/demo LD_PRELOAD=libpulp.so.0 /opt/demo/hello_demo >/tmp/demo.out 2>&1 & echo $!')
LD_PRELOAD=$rt "$demo/hello_demo" >"$work/local-demo.out" 2>&1 &
localdemo=$!
pids+=($localdemo)
sleep 1
ok "two hosts: localhost (demo pid $localdemo), ns (init $nsinit, demo pid $nsdemo in its namespace)"

inv() { # FILE NS_PATCH: inventory, ns first (serial order)
	cat >"$1" <<EOF
[fleet]
ns ansible_connection=pulp.live.nsenter ansible_host=$nsinit ansible_python_interpreter=/usr/bin/python3 ulp_patch=$2 ulp_process=$nsdemo ulp_bin=/usr/local/bin/ulp
localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3 ulp_patch=$demo/hello_livepatch1.ulp ulp_process=$localdemo ulp_bin=$ulp
EOF
}
inv "$work/inventory" /opt/demo/hello_livepatch1.ulp
inv "$work/inventory-broken" /opt/demo/broken.ulp
play() { # LOG ARGS...: run the rollout playbook
	local log=$1
	shift
	ansible-playbook "$src/ansible/ansible_collections/pulp/live/playbooks/rollout.yml" "$@" >"$work/$log" 2>&1
}
applied_local() { "$ulp" check -q -p "$localdemo" "$demo/hello_livepatch1.ulp"; }
applied_ns() { in_ns ulp check -q -p "$nsdemo" /opt/demo/hello_livepatch1.ulp; }
recap() { # LOG HOST WANT: the PLAY RECAP line of HOST matches WANT
	grep -E "^$2 +:" "$work/$1" | grep -qE "$3"
}
expect() { # DESC CMD...
	local d=$1
	shift
	if "$@"; then ok "$d"; else bad "$d"; fi
}
not_() { if "$@"; then return 1; fi; }
show() { sed 's/^/    /' "$work/$1" | tail -n 25; }

play check.log -i "$work/inventory" --check
rc=$?
expect "check mode: playbook succeeds" [ $rc = 0 ] || show check.log
expect "check mode: both hosts would change" sh -c "
	grep -E '^ns +:' '$work/check.log' | grep -q 'changed=1' &&
	grep -E '^localhost +:' '$work/check.log' | grep -q 'changed=1'"
expect "check mode: nothing patched (localhost)" not_ applied_local
expect "check mode: nothing patched (ns)" not_ applied_ns

play apply.log -i "$work/inventory"
rc=$?
expect "apply: playbook succeeds on both hosts" [ $rc = 0 ] || show apply.log
expect "apply: changed on ns" recap apply.log ns 'changed=1 .*failed=0'
expect "apply: changed on localhost" recap apply.log localhost 'changed=1 .*failed=0'
expect "apply: per-process result reported for ns" grep -q "ns: hello_demo (pid $nsdemo): applied" "$work/apply.log"
expect "apply: per-process result reported for localhost" grep -q "localhost: hello_demo (pid $localdemo): applied" "$work/apply.log"
expect "apply: localhost demo patched (ulp check)" applied_local
expect "apply: ns demo patched (ulp check in ns)" applied_ns
sleep 1
expect "apply: localhost demo prints the patched message" sh -c "tail -n 1 '$work/local-demo.out' | grep -q 'live patch'"
expect "apply: ns demo prints the patched message" sh -c "tail -n 1 '$root/tmp/demo.out' | grep -q 'live patch'"
expect "localhost does not see the ns demo" sh -c "! '$ulp' patches --json -p hello_demo | grep -q '\"pid\":$nsdemo,' || [ $nsdemo = $localdemo ]"

play again.log -i "$work/inventory"
rc=$?
expect "apply again: succeeds" [ $rc = 0 ]
expect "apply again: changed=0 on both (idempotent)" sh -c "
	grep -E '^ns +:' '$work/again.log' | grep -q 'changed=0' &&
	grep -E '^localhost +:' '$work/again.log' | grep -q 'changed=0'"
expect "apply again: result 'unchanged'" grep -q "hello_demo (pid $localdemo): unchanged" "$work/again.log"

play revert.log -i "$work/inventory" -e ulp_state=reverted
rc=$?
expect "revert: succeeds" [ $rc = 0 ] || show revert.log
expect "revert: localhost demo unpatched" not_ applied_local
expect "revert: ns demo unpatched" not_ applied_ns

# Serial roll-out: ns (first) fails; the play must stop before localhost.
play serial.log -i "$work/inventory-broken"
rc=$?
expect "serial: playbook fails" [ $rc != 0 ]
expect "serial: ns failed" recap serial.log ns 'failed=1'
expect "serial: localhost never ran" sh -c "! grep -qE '^(ok|changed|fatal): \[localhost\]' '$work/serial.log'"
expect "serial: localhost demo left unpatched" not_ applied_local
grep -q "failed=1" "$work/serial.log" || show serial.log

# Info modules and klp (this kernel may lack live patching: status says so).
ansible fleet -i "$work/inventory" -m pulp.live.ulp_info -a "process={{ ulp_process }} ulp={{ ulp_bin }}" >"$work/info.log" 2>&1
expect "ulp_info on both hosts lists the demo" sh -c "[ \$(grep -c '\"name\": \"hello_demo\"' '$work/info.log') = 2 ]"
ansible localhost -i "$work/inventory" -m pulp.live.klp_info -a "klp=$build/klp/klp" >"$work/klp_info.log" 2>&1
expect "klp_info returns status" grep -qE '"status": "(ready|in_progress|unsupported)"' "$work/klp_info.log"
ansible localhost -i "$work/inventory" -m pulp.live.klp -a "state=unloaded name=pulp_not_loaded klp=$build/klp/klp" >"$work/klp.log" 2>&1
expect "klp unloaded of a patch not loaded: changed false" grep -q '"changed": false' "$work/klp.log"
finish
