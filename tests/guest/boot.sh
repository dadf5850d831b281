#!/bin/bash
# Usage: boot.sh -a x86_64|ppc64le|s390x -k KERNEL -i INITRD [-t SECONDS]
#                [-l LOG] SCRIPT
# Boots KERNEL under QEMU with INITRD plus SCRIPT as /test.sh, prints what
# the script printed and exits with its status; 124 when the guest did not
# finish within the timeout (hung), 125 when it stopped without reaching the
# end marker (panic, crash). The serial log is kept in LOG when given.
set -uo pipefail
arch=x86_64 kernel="" initrd="" tmo=120 log=""
while getopts "a:k:i:t:l:" o; do
	case $o in
	a) arch=$OPTARG ;; k) kernel=$OPTARG ;; i) initrd=$OPTARG ;;
	t) tmo=$OPTARG ;; l) log=$OPTARG ;; *) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] && [ -f "$kernel" ] && [ -f "$initrd" ] || { sed -n '2,8p' "$0" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/root"
cp "$1" "$work/root/test.sh"
# The small uncompressed archive goes first: appended after the gzip one it
# was sometimes lost.
(cd "$work/root" && echo test.sh | cpio --quiet -o -H newc -R 0:0) >"$work/initrd"
cat "$initrd" >>"$work/initrd"
log=${log:-$work/serial.log}
: >"$log"

case $arch in
x86_64)
	if [ "${KLP_GUEST_ACCEL:-tcg}" = kvm ]; then accel=(-enable-kvm -cpu host)
	else accel=(-accel tcg -cpu max); fi
	cmd=(qemu-system-x86_64 "${accel[@]}" -m 512M -smp 2
		-serial "file:$log" -append "console=ttyS0 panic=-1 rdinit=/init") ;;
ppc64le)
	cmd=(qemu-system-ppc64 -M pseries,x-vof=on -cpu power9 -m 1G -smp 1
		-chardev "file,id=c0,path=$log" -device spapr-vty,chardev=c0
		-append "console=hvc0 panic=-1 rdinit=/init") ;;
s390x)
	cmd=(qemu-system-s390x -M s390-ccw-virtio -cpu max -m 1G -smp 1
		-chardev "file,id=c0,path=$log" -device sclpconsole,chardev=c0
		-append "console=ttysclp0 panic=-1 rdinit=/init") ;;
*) echo "boot.sh: unknown arch $arch" >&2; exit 2 ;;
esac
timeout -k 5 "$tmo" "${cmd[@]}" -nodefaults -no-user-config -display none \
	-no-reboot -monitor none -kernel "$kernel" -initrd "$work/initrd" </dev/null
qrc=$?
tr -d '\r' <"$log" >"$work/clean.log"
# Everything the script printed, also when it never finished.
sed -n '/^KLP_GUEST_BEGIN$/,$p' "$work/clean.log" | sed '1d' | sed '/^KLP_GUEST_END rc=/,$d'
end=$(grep -o '^KLP_GUEST_END rc=[0-9]*' "$work/clean.log" | tail -1)
if [ -n "$end" ]; then exit "${end##*=}"; fi
grep -m1 -A20 'Kernel panic\|BUG:\|Oops' "$work/clean.log" >&2
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	echo "boot.sh: guest hung: no result within ${tmo}s" >&2
	exit 124
fi
echo "boot.sh: guest stopped without a result (qemu exit $qrc)" >&2
exit 125
