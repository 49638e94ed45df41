#!/bin/sh
# /init of the ksvc test VM's initramfs (busybox sh). Built into the
# initramfs by tests/vm/vm-run; not meant to run on the host.
#
# 1. load virtio/9p(/overlay) modules listed in /modules.order
# 2. mount host root (9p "hostroot", read-only) and the results share ("vmout")
# 3. make a writable root: overlayfs (tmpfs upper) over the 9p root, or
#    fall back to tmpfs on the few dirs tests write to
# 4. chroot, run /vmout/job.sh, write its exit code and dmesg to the share
# 5. sync and power off
export PATH=/bin:/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

say() { echo "vm-init: $*"; }
die() {
	say "FATAL: $*"
	[ -d /mnt/out ] && echo "$*" >/mnt/out/init-error 2>/dev/null
	sync
	poweroff -f
	sleep 5
	echo o >/proc/sysrq-trigger
}

while read -r m; do
	insmod "/modules/$m" 2>/tmp/insmod.err || {
		grep -q 'File exists' /tmp/insmod.err || say "insmod $m: $(cat /tmp/insmod.err)"
	}
done </modules.order

O9P="trans=virtio,version=9p2000.L,msize=512000"
mkdir -p /mnt/lower /mnt/out /mnt/rw /mnt/root
mount -t 9p -o "$O9P,cache=loose,ro" hostroot /mnt/lower || die "cannot mount 9p hostroot"
mount -t 9p -o "$O9P,cache=none" vmout /mnt/out || die "cannot mount 9p vmout"

# uptime at which the job starts, for boot-time measurement
read -r up _ </proc/uptime

mount -t tmpfs -o mode=0755 tmpfs /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
if mount -t overlay overlay \
	-o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work \
	/mnt/root 2>/dev/null; then
	R=/mnt/root
	rootmode=overlay
else
	# No overlayfs: bind the read-only root and put tmpfs on the usual
	# writable places. /etc stays read-only in this mode.
	mount --rbind /mnt/lower /mnt/root
	R=/mnt/root
	rootmode=tmpfs-dirs
	for d in /var/tmp /var/lib /var/cache /var/log /root; do
		[ -d "$R$d" ] && mount -t tmpfs tmpfs "$R$d"
	done
fi

mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount -t devtmpfs devtmpfs "$R/dev"
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts "$R/dev/pts"
mount -t tmpfs tmpfs "$R/dev/shm"
# In overlay mode /tmp is the host's /tmp made writable (so scripts kept in
# the host's /tmp can run); in fallback mode it is an empty tmpfs.
[ "$rootmode" = overlay ] || mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
mkdir -p "$R/run/netns" "$R/run/lock"
[ -d "$R/sys/kernel/debug" ] && mount -t debugfs debugfs "$R/sys/kernel/debug" 2>/dev/null
[ -d "$R/sys/kernel/tracing" ] && mount -t tracefs tracefs "$R/sys/kernel/tracing" 2>/dev/null
# mount point for the results share; created in the overlay's upper layer
# (or the tmpfs /run in fallback mode)
if [ "$rootmode" = overlay ]; then
	OUT=/vmout
else
	OUT=/run/vmout
fi
mkdir -p "$R$OUT"
mount --bind /mnt/out "$R$OUT"

hostname ksvc-vm
ip link set lo up 2>/dev/null
echo "$up" >/mnt/out/boot-uptime
echo "$rootmode" >/mnt/out/rootmode

if grep -q 'vm_shell=1' /proc/cmdline; then
	say "VM_SHELL: root=$rootmode, results share at $OUT; job is $OUT/job.sh; exit the shell to power off"
	setsid cttyhack chroot "$R" /bin/bash -c "cd \"\$(cat $OUT/cwd)\" 2>/dev/null; export VM_OUT=$OUT; exec /bin/bash -l"
	rc=$?
else
	chroot "$R" /bin/sh -c "VM_OUT=$OUT exec /bin/bash $OUT/job.sh" </dev/null
	rc=$?
fi

dmesg >/mnt/out/dmesg 2>&1
echo "$rc" >/mnt/out/rc
sync
umount /mnt/out 2>/dev/null
poweroff -f
sleep 5
echo o >/proc/sysrq-trigger
