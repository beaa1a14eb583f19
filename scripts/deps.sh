#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package that building, testing and the demo need.
# Idempotent and quiet: does nothing when all packages are present.
set -eu

BACKPORTS=/etc/apt/sources.list.d/ito-bookworm-backports.sources

PKGS="build-essential make gcc pkg-config kmod dkms sparse python3-yaml
debhelper dh-dkms lintian
linux-headers-amd64 linux-image-amd64 linux-source-6.1 xz-utils
qemu-system-x86 busybox-static
libmnl-dev libcmocka-dev libsystemd-dev systemd-container libndpi-dev
clang llvm libbpf-dev bpftool
iproute2 iperf3 nftables conntrack tcpdump util-linux libcap2-bin jq
python3 python3-prometheus-client procps cpio socat iputils-ping bsdextrautils ethtool xdp-tools
keepalived conntrackd tshark prometheus-node-exporter openssh-server openssh-client"
# --debug-kernel: also what building a kernel from linux-source-6.1 takes
# (make check-debug).
if [ "${1:-}" = --debug-kernel ]; then
	PKGS="$PKGS bc bison flex libelf-dev libssl-dev"
fi

[ "$(id -u)" = 0 ] || { echo "deps: must run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

need_update=0
if [ ! -f "$BACKPORTS" ]; then
	cat > "$BACKPORTS" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	need_update=1
fi

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done

# 6.12 headers from bookworm-backports, for the compile test of the second kernel.
bp_hdr=$(dpkg-query -W -f='${Package}\n' 'linux-headers-6.12*-amd64' 2>/dev/null | head -n1 || true)
[ -n "$bp_hdr" ] || missing="$missing bp-headers"
# Suricata (the inline IDS of selftests/suricata.sh) is only in backports
# for bookworm.
command -v suricata >/dev/null || missing="$missing bp-suricata"

[ -n "$missing" ] || exit 0
echo "deps: installing:$missing"

# Third-party sources on some machines are unreachable; Debian's must work.
apt-get -qq update >/dev/null 2>&1 || true
pkgs=$(echo "$missing" | sed 's/ bp-[a-z]*//g')
# Daemons the tests run themselves (keepalived, conntrackd, suricata) must
# not start as services on this host: invoke-rc.d asks policy-rc.d.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
if [ -n "$pkgs" ]; then
	apt-get -qq install -y --no-install-recommends $pkgs >/dev/null
fi
if [ -z "$bp_hdr" ]; then
	# Name the versioned package: the metapackage from backports would
	# replace the 6.1 one.
	bp=$(apt-cache -t bookworm-backports depends linux-headers-amd64 |
	     awk '/Depends: linux-headers-6\.1[0-9]/ {print $2; exit}')
	[ -n "$bp" ] || { echo "deps: no 6.12 headers in bookworm-backports" >&2; exit 1; }
	apt-get -qq install -y --no-install-recommends -t bookworm-backports "$bp" >/dev/null
fi
case "$missing" in *bp-suricata*)
	apt-get -qq install -y --no-install-recommends -t bookworm-backports suricata >/dev/null
esac
echo "deps: done"
