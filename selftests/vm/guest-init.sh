#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of the ito VM harness (see run.sh). Runs inside the VM only.
#
# Stage 1 ("/init" of the initramfs): load the 9p modules, mount the host's
# root (exported read-only by qemu) on /newroot, put writable tmpfs where
# programs expect to write, then switch_root into it.
#
# Stage 2 (PID 1 after switch_root, run from /run/ito with a copy of busybox so
# nothing here depends on the host's userland): run the command with its
# output on ttyS1, report its status on ttyS2, dump dmesg on ttyS3, power off.
#
# Serial port layout (must match run.sh):
#   ttyS0 kernel console   ttyS1 command stdout+stderr
#   ttyS2 "ITO_VM_EXIT=<n>" ttyS3 dmesg at the end
#
# The kernel command line carries ito.run=<host dir>: the per-run directory
# where run.sh wrote cmd.sh. It lives under the host's /tmp, which becomes
# hidden once tmpfs is mounted there, so it is copied to /run/ito first.

NEWROOT=/newroot
ITO=/run/ito
GUEST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Report a harness failure where the user will see it (command output and
# kernel log), then power off without a status line: run.sh then reports the
# missing status instead of hanging until its timeout.
die() {
	echo "ito-vm guest init: $*" >/dev/console 2>/dev/null
	echo "ito-vm guest init: $*" >/dev/ttyS1 2>/dev/null
	poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 1000
}

# Value of key=... on the kernel command line (empty if absent).
cmdline_value() {
	# shellcheck disable=SC2013  # words are wanted, the file is one line
	for arg in $(cat /proc/cmdline); do
		case "$arg" in "$1"=*) echo "${arg#*=}"; return 0;; esac
	done
}

stage1() {
	/bin/busybox --install -s /bin
	export PATH=/bin
	mount -t proc proc /proc || die "mount /proc failed"
	mount -t sysfs sysfs /sys || die "mount /sys failed"
	mount -t devtmpfs devtmpfs /dev || die "mount /dev failed"

	# Order was fixed at build time from modprobe --show-depends.
	while read -r mod; do
		insmod "/modules/$mod" || die "insmod $mod failed"
	done </modules.list

	# Without caching every exec of a host binary re-reads it (and its
	# libraries) through 9p: 50 runs of /bin/true took 19 s under TCG with
	# cache=none, 1.7 s with cache=loose. The export is read-only, so the only
	# cost is that host-side changes made during the run may go unseen.
	# msize: the 8 KiB default of 6.1 means many more round trips.
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
		hostroot "$NEWROOT" || die "mounting host root over 9p failed"

	rundir=$(cmdline_value ito.run)
	[ -n "$rundir" ] || die "no ito.run= on the kernel command line"

	# /run first: it receives what stage 2 needs before /tmp gets covered.
	mount -t tmpfs -o mode=0755 tmpfs "$NEWROOT/run" || die "tmpfs /run failed"
	mkdir -p "$NEWROOT$ITO"
	cp /bin/busybox /init "$NEWROOT$ITO/" || die "copying busybox failed"
	cp "$NEWROOT$rundir/cmd.sh" "$NEWROOT$ITO/cmd.sh" ||
		die "cannot read $rundir/cmd.sh through 9p"

	# Keep the instances mounted above rather than mounting new ones, so
	# nothing stays mounted on the initramfs that switch_root discards.
	for fs in proc sys dev; do
		mount --move "/$fs" "$NEWROOT/$fs" || die "moving /$fs failed"
	done
	mkdir -p "$NEWROOT/dev/pts" "$NEWROOT/dev/shm"
	mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts "$NEWROOT/dev/pts" ||
		die "devpts failed"
	mount -t tmpfs -o mode=1777 tmpfs "$NEWROOT/dev/shm" || die "tmpfs /dev/shm failed"
	mount -t debugfs debugfs "$NEWROOT/sys/kernel/debug" || die "debugfs failed"

	# The project tree may live where a tmpfs goes (a CI clone in /tmp):
	# hold on to it through a bind mount and put it back afterwards.
	top=$(cat "$NEWROOT$rundir/top") || die "cannot read $rundir/top"
	mkdir -p "$NEWROOT$ITO/top"
	mount --bind "$NEWROOT$top" "$NEWROOT$ITO/top" || die "binding $top failed"

	# The host root is read-only: give the usual writable places a tmpfs.
	# The project tree itself is deliberately left read-only.
	for spec in tmp:1777 var/tmp:1777 var/lib:0755 root:0700; do
		dir=${spec%%:*}
		mount -t tmpfs -o "mode=${spec#*:}" tmpfs "$NEWROOT/$dir" ||
			die "tmpfs /$dir failed"
	done
	mkdir -p "$NEWROOT$top" 2>/dev/null
	mount --move "$NEWROOT$ITO/top" "$NEWROOT$top" || die "restoring $top failed"

	ip link set lo up || die "bringing lo up failed"
	hostname ito-vm

	# switch_root must run as PID 1, hence exec; should it fail, init dies,
	# the kernel panics and run.sh reports the missing status.
	exec switch_root "$NEWROOT" "$ITO/busybox" sh "$ITO/init" stage2
}

# Raw mode: no "\n" -> "\r\n" translation, so the host gets bytes as written.
# Setting attributes also waits for pending output to drain (TCSADRAIN), which
# is what we want before reporting the status and powering off.
serial_raw() {
	for tty in "$@"; do
		stty -F "$tty" 115200 raw -echo 2>/dev/null
	done
}

# run.sh --interactive: a root shell on the console (ttyS0, the user's
# terminal) until it exits. setsid -c makes ttyS0 its controlling terminal,
# so ^C and job control work.
shell() {
	serial_raw /dev/ttyS1
	size=$(cmdline_value ito.size)
	stty -F /dev/ttyS0 sane 115200 ${size:+rows ${size%x*} cols ${size#*x}} 2>/dev/null
	term=$(cmdline_value ito.term)
	env -i PATH="$GUEST_PATH" HOME=/root TERM="${term:-vt220}" LANG=C.UTF-8 ITO_VM=1 \
		/usr/bin/setsid -c -w /bin/bash -i </dev/ttyS0 >/dev/ttyS0 2>&1
}

stage2() {
	# Resolve every tool to the busybox copied to /run/ito, never the host's.
	"$ITO/busybox" mkdir -p "$ITO/bin"
	"$ITO/busybox" --install -s "$ITO/bin"
	export PATH="$ITO/bin"
	serial_raw /dev/ttyS1 /dev/ttyS2 /dev/ttyS3

	cd /
	env -i PATH="$GUEST_PATH" HOME=/root TERM=dumb LANG=C.UTF-8 ITO_VM=1 \
		/bin/bash "$ITO/cmd.sh" </dev/null >/dev/ttyS1 2>&1
	rc=$?
	[ "$(cmdline_value ito.shell)" = 1 ] && shell

	# Output of leftover background jobs may still be queued on ttyS1.
	serial_raw /dev/ttyS1
	echo "ITO_VM_EXIT=$rc" >/dev/ttyS2
	dmesg >/dev/ttyS3
	serial_raw /dev/ttyS2 /dev/ttyS3
	poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 1000
}

case "${1:-stage1}" in
stage2) stage2 ;;
*) stage1 ;;
esac
