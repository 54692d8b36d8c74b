#!/bin/busybox sh
# PID 1 of the test VM. Loads the modules, mounts the host's root read-only over 9p with a tmpfs
# overlay on top (so tests may write anywhere and the host is never touched), chroots into it, runs
# /vmshare/run.sh from the writable share, writes its exit code there, and powers off.
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin /lower
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t devtmpfs devtmpfs /dev
# The initramfs has no /dev/console node; take the console now that devtmpfs provides one.
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

say() { echo "[vm-init] $*"; }
die() { say "FATAL: $*"; echo 125 >/newroot/vmshare/exit-code 2>/dev/null; sync; poweroff -f; sleep 5; }

# Loopback, for tests that talk to a local server (the EC2 simulator); the guest has no other network.
# Fatal if it fails: it would otherwise surface much later as ENETUNREACH inside a test.
ip link set lo up || die "cannot bring up the loopback interface"

ver=$(cat /etc/kernel-version)
for m in $(cat /etc/modules.list); do
  insmod "/lib/modules/$ver/$m" || say "insmod $m failed"
done

# cache=loose: the lower layer is read-only for the VM's lifetime, so caching it is safe and saves
# most of the 9p round trips that dominate Node's startup under TCG.
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288,cache=loose hostroot /lower || die "cannot mount the host root (9p)"
mount -t tmpfs -o mode=0755 rw /rw || die "cannot mount tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot || die "cannot mount the overlay"

mkdir -p /newroot/vmshare
mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 vmshare /newroot/vmshare || die "cannot mount the share (9p)"
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/shm /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
# The guest gets a fresh /tmp and /run; a checkout that lives under one of them (CI clones into /tmp)
# is held by a bind mount of its overlay view first and put back on top afterwards, still writable.
repo=$(cat /newroot/vmshare/repo-path 2>/dev/null)
if [ -n "$repo" ] && [ -d "/newroot$repo" ]; then
  mkdir -p /rw/hold
  mount -o bind "/newroot$repo" /rw/hold || die "cannot hold the checkout $repo"
fi
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
if [ -n "$repo" ] && [ -d /rw/hold ]; then
  mkdir -p "/newroot$repo"
  mount -o bind /rw/hold "/newroot$repo" || die "cannot put the checkout $repo back"
fi
mkdir -p /newroot/run/lock /newroot/run/lvm /newroot/etc/lvm "/newroot/lib/modules/$ver"
# LVM without udev or lvmetad/dmeventd (see lvm.conf); modprobe inside finds the modules we loaded.
cp /etc/lvm.conf /newroot/etc/lvm/lvm.conf
rm -f /newroot/etc/lvm/devices/system.devices
mount -o bind "/lib/modules/$ver" "/newroot/lib/modules/$ver"

say "ready: $(uname -r), $(nproc) cpu, $(awk '/MemTotal/ {print $2}' /proc/meminfo) kB"
chroot /newroot /bin/sh /vmshare/run.sh
code=$?
echo "$code" >/newroot/vmshare/exit-code
sync
say "command exited with $code; powering off"
poweroff -f
sleep 5
