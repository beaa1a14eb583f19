#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages on a machine: the .debs of "make deb" (build/deb)
# installed with dpkg on an overlay of the guest's root, so the real root
# stays untouched. DKMS builds ito.ko for the running kernel, modprobe
# loads it, itoctl talks to it. Then systemd boots that root in a
# container (systemd-nspawn, sharing the VM's network namespace) with
# ito.service and itod.service enabled: /etc/ito/ito.conf is applied and
# its ports enrolled at boot, a VLAN device created afterwards is
# enrolled, and itod registers as the agent. Last, the packages are
# purged and nothing of them is left. Runs as root inside the test VM, on
# the kernel named by ITO_PACKAGE_KERNELS (a DKMS build under emulation
# takes minutes: one kernel is enough).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

DEB=${ITO_DEB_DIR:-$TOP/build/deb}
kver=$(uname -r)
o=
nspawn_pid=

cleanup()
{
	[ -z "$nspawn_pid" ] || kill -KILL "$nspawn_pid" 2>/dev/null
	wait 2>/dev/null
	ip link del pkt0 2>/dev/null
	rmmod ito 2>/dev/null
	[ -z "$o" ] || { umount -R "$o/root" 2>/dev/null; umount "$o" 2>/dev/null; rm -rf "$o"; }
}
trap cleanup EXIT

debs=$(ls "$DEB"/ito-dkms_*_all.deb "$DEB"/ito-tools_*_amd64.deb \
	"$DEB"/libito1_*_amd64.deb "$DEB"/libito-dev_*_amd64.deb 2>/dev/null)
PKGS="ito-dkms ito-tools libito1 libito-dev"
case " ${ITO_PACKAGE_KERNELS:-6.1} " in
*" ${kver%%.*}.$(echo "$kver" | cut -d. -f2) "*) ;;
*)
	plan 1
	skip "packages on this kernel" "only on ${ITO_PACKAGE_KERNELS:-6.1} (a DKMS build takes minutes)"
	finish
	exit
	;;
esac
# Debian's kernels only: a kernel of our own build has no headers package.
if [ "$(echo "$debs" | wc -w)" != 4 ] || [ ! -e "/lib/modules/$kver/build" ] ||
   [ "${kver%-amd64}" = "$kver" ]; then
	plan 1
	skip "packages" "no .debs in $DEB (make deb), or no Debian headers for $kver"
	finish
	exit
fi

# in_root CMD...: CMD in the overlay, as on a machine with the packages
in_root() { chroot "$o/root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
# container CMD...: CMD in the booted container's namespaces
container()
{
	local pid
	pid=$(pgrep -xo systemd) || return 1
	nsenter -t "$pid" -m -p -u -i -- "$@"
}
port_names() { "$o/root/usr/sbin/itoctl" -j port show | jq -c '[.[].ifname]|sort'; }
unit_active() { [ "$(container systemctl is-active "$1" 2>/dev/null)" = active ]; }
booted() { container systemctl is-system-running 2>/dev/null | grep -qx 'running\|degraded'; }

plan 27

# A writable root: overlay's upper and work on the guest's tmpfs.
o=$(mktemp -d /tmp/pkg.XXXXXX)
mount -t tmpfs tmpfs "$o" && mkdir "$o/upper" "$o/work" "$o/root"
check "an overlay of the guest's root" \
	mount -t overlay overlay -o "lowerdir=/,upperdir=$o/upper,workdir=$o/work" "$o/root"
mount -t proc proc "$o/root/proc"
mount --rbind /sys "$o/root/sys"
mount --rbind /dev "$o/root/dev"
mount -t tmpfs tmpfs "$o/root/tmp"
mount -t tmpfs tmpfs "$o/root/run"
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
# DKMS builds for every kernel whose headers it finds: only this one's.
for d in "$o"/root/lib/modules/*; do
	[ "${d##*/}" = "$kver" ] || rm -f "$d/build" 2>/dev/null
done
# The host's own build of ito, if any, is not the package's.
rm -rf "$o/root/usr/src/ito-"* "$o/root/var/lib/dkms/ito" \
	"$o/root/lib/modules/$kver/updates/dkms/ito"*.ko* 2>/dev/null
mkdir "$o/root/tmp/deb" && cp $debs "$o/root/tmp/deb/"
# their names as the overlay sees them
in_debs=$(for d in $debs; do echo "/tmp/deb/${d##*/}"; done)

section() { echo "# --- $1 (at ${SECONDS} s)"; }
section "install"
start=$SECONDS
in_root dpkg -i $in_debs >"$o/dpkg.log" 2>&1
check "dpkg -i $PKGS" test $? = 0
echo "# dpkg -i took $((SECONDS - start)) s (the DKMS build under emulation)"
tail -n 5 "$o/dpkg.log" | sed 's/^/# /'
check "dkms status: ito installed for $kver" bash -c "
	chroot '$o/root' dkms status ito | grep -q ', $kver, .*: installed'"
check "... only ito.ko, no simulator" bash -c "
	ls '$o/root/lib/modules/$kver/updates/dkms/' | grep -qx 'ito.ko\(.xz\)\?' &&
	! ls '$o/root/lib/modules/$kver/updates/dkms/' | grep -q sim"
check "modprobe ito loads the package's module" in_root modprobe ito
check "... the one DKMS installed" bash -c "
	grep -qw '^ito' /proc/modules &&
	chroot '$o/root' modinfo -F filename ito | grep -q '^/lib/modules/$kver/updates/dkms/ito.ko'"
check "/usr/sbin/itoctl show talks to it" bash -c "
	chroot '$o/root' /usr/sbin/itoctl -j show | jq -e .min_pkts >/dev/null"
check "libito-dev: the example agent builds with pkg-config" bash -c "
	cp '$TOP/Documentation/examples/ito-agent-example.c' '$o/root/tmp/' &&
	chroot '$o/root' sh -c 'cc -o /tmp/agent /tmp/ito-agent-example.c \$(pkg-config --cflags --libs libito)' &&
	chroot '$o/root' ldd /tmp/agent | grep -q 'libito.so.1 => /.*/libito.so.1 '"
check "the units name /usr/sbin" bash -c "
	grep -qx 'ExecStart=/usr/sbin/itoctl apply /etc/ito/ito.conf watch' '$o/root/lib/systemd/system/ito.service' &&
	grep -q '^ExecStart=/usr/sbin/itod ' '$o/root/lib/systemd/system/itod.service'"
check "the units are installed disabled" bash -c "
	! chroot '$o/root' systemctl is-enabled -q ito.service &&
	! chroot '$o/root' systemctl is-enabled -q itod.service"

section "boot with ito.conf"
ip link add pkt0 type veth peer name pkt1
ip link set pkt0 up
ip link set pkt1 up
cat >"$o/root/etc/ito/ito.conf" <<'CONF'
set min-pkts 5
port add pkt0
port add pkt1
port add pkt1.100
CONF
echo "default offload" >"$o/root/etc/ito/itod.conf"
in_root systemctl enable ito.service itod.service >/dev/null 2>&1
# What else this machine enabled (daemons other tests use, timers) is not
# part of the test, and would slow the boot under emulation.
for u in $(ls "$o"/root/etc/systemd/system/*.wants/ 2>/dev/null | grep -v '^ito\|:$' | sort -u); do
	in_root systemctl mask -q "$u" 2>/dev/null
done
check "ito.service and itod.service enabled" bash -c "
	chroot '$o/root' systemctl is-enabled -q ito.service &&
	chroot '$o/root' systemctl is-enabled -q itod.service"
rmmod ito
# A fresh boot of the installed system, in the VM's network namespace;
# the module is loaded as systemd-modules-load would.
in_root modprobe ito
umount "$o/root/proc" "$o/root/tmp" "$o/root/run"
umount -R "$o/root/sys" "$o/root/dev"
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 cgroup2 /sys/fs/cgroup
start=$SECONDS
# No manager outside to register with or to ask for a scope; the
# capability nspawn leaves out unless it makes a network namespace.
SYSTEMD_NSPAWN_TMPFS_TMP=1 systemd-nspawn -q -D "$o/root" --register=no \
	--keep-unit --capability=CAP_NET_ADMIN --resolv-conf=off --timezone=off --link-journal=no --console=passive \
	--boot >"$o/nspawn.log" 2>&1 &
nspawn_pid=$!
check "systemd boots the installed system" wait_for 180 booted
echo "# booted in $((SECONDS - start)) s: $(container systemctl is-system-running 2>&1)"
container systemctl --failed --no-legend 2>/dev/null | sed 's/^/# failed: /'
check "ito.service is active (READY=1 came)" unit_active ito.service
check "... and enrolled the file's ports that exist" \
	wait_for 20 test "$(port_names)" = '["pkt0","pkt1"]'
check "... with its knob" test "$("$o/root/usr/sbin/itoctl" -j show | jq .min_pkts)" = 5
ip link add link pkt1 name pkt1.100 type vlan id 100
check "a VLAN device created after boot is enrolled" \
	wait_for 20 test "$(port_names)" = '["pkt0","pkt1","pkt1.100"]'
check "itod.service is active: registered as the agent" unit_active itod.service
check "... its log is in the journal" bash -c "
	pid=\$(pgrep -xo systemd) &&
	nsenter -t \$pid -m -p -- journalctl -u itod -q --no-pager | grep -q 'registered as the ito agent'"
echo "port add pkt1.200 offload sw" >>"$o/root/etc/ito/ito.conf"
ip link add link pkt1 name pkt1.200 type vlan id 200
check "systemctl reload ito: a port added to the file is enrolled" bash -c "
	pid=\$(pgrep -xo systemd) && nsenter -t \$pid -m -p -- systemctl reload ito.service &&
	[ \"\$('$o/root/usr/sbin/itoctl' -j port show | jq -r '.[]|select(.ifname==\"pkt1.200\").offload')\" = sw ]"
check "no error in the journal of either unit" bash -c "
	pid=\$(pgrep -xo systemd) &&
	! nsenter -t \$pid -m -p -- journalctl -u ito -u itod -p err -q --no-pager | grep -q ."
container journalctl -u ito -q --no-pager 2>/dev/null | tail -n 8 | sed 's/^/# ito: /'
kill -TERM "$nspawn_pid"
check "the container powers off" wait_for 60 bash -c "! kill -0 $nspawn_pid 2>/dev/null"
wait "$nspawn_pid" 2>/dev/null
nspawn_pid=

section "purge"
mount -t proc proc "$o/root/proc"
mount --rbind /sys "$o/root/sys"
mount --rbind /dev "$o/root/dev"
mount -t tmpfs tmpfs "$o/root/tmp"
rmmod ito
in_root dpkg --purge $PKGS >"$o/purge.log" 2>&1
check "dpkg --purge $PKGS" test $? = 0
check "no ito module left" bash -c "! find '$o/root/lib/modules' -name 'ito*.ko*' | grep -q ."
check "no sources, no DKMS tree, no /etc/ito" bash -c "
	! ls -d '$o/root'/usr/src/ito-* '$o/root/var/lib/dkms/ito' '$o/root/etc/ito' 2>/dev/null | grep -q ."
check "no binaries, units or enablement links left" bash -c "
	! ls '$o/root/usr/sbin/itoctl' '$o/root/usr/sbin/itod' 2>/dev/null | grep -q . &&
	! find '$o/root/lib/systemd/system' '$o/root/etc/systemd/system' -name 'ito*' | grep -q ."
check "no library, header or pkg-config file left" bash -c "
	! find '$o/root/usr/lib' '$o/root/usr/include' -name 'libito*' -o -name 'ito' -type d -path '*/include/*' | grep -q ."
check "dpkg knows none of the packages" bash -c "
	! chroot '$o/root' dpkg -l $PKGS 2>/dev/null | grep -q '^[ir]'"
finish
