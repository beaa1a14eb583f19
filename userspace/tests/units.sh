#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The systemd units: "systemd-analyze verify" accepts them (with this
# build's binaries in place of the installed ones), and "systemd-analyze
# security" rates their sandbox at most the exposure the README reports,
# so an option dropped or loosened fails here. Offline (--offline=true):
# no systemd needs to run. Prints TAP; skips without systemd-analyze.
#
# usage: units.sh [TOP]

top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
itod_unit=$top/userspace/itod/itod.service
metrics_unit=$top/systemd/ito-metrics.service
ito_unit=$top/systemd/ito.service
timer=$top/systemd/ito-metrics.timer
xdpd_unit=$top/systemd/ito-xdpd.service
# exposure times ten: itod.service 1.1, ito-metrics.service 1.4,
# ito.service 1.1, ito-xdpd.service 1.5 (README)
ITOD_MAX=11
METRICS_MAX=14
ITO_MAX=11
XDPD_MAX=15
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok()
{
	n=$((n + 1))
	echo "not ok $n - $1"
	shift
	printf '%s\n' "$@" | sed 's/^/#   /'
	failed=$((failed + 1))
}

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "ok 1 - units # SKIP no systemd-analyze"
	echo "1..1"
	exit 0
fi

# exposure UNIT: the overall exposure level systemd-analyze prints
exposure()
{
	systemd-analyze security --offline=true "$1" 2>/dev/null |
		sed -n 's/^→ Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p'
}

# at_most NAME UNIT MAX: the unit's exposure, times ten, is MAX or less
at_most()
{
	if out=$(systemd-analyze security --offline=true --threshold="$3" "$2" 2>&1); then
		ok "$1: exposure $(exposure "$2") at most $(echo "$3" | sed 's/.$/.&/')"
	else
		not_ok "$1: exposure $(exposure "$2") above $(echo "$3" | sed 's/.$/.&/')" \
			"$(echo "$out" | grep '^✗')"
	fi
}

at_most itod.service "$itod_unit" $ITOD_MAX
at_most ito-metrics.service "$metrics_unit" $METRICS_MAX
at_most ito.service "$ito_unit" $ITO_MAX
at_most ito-xdpd.service "$xdpd_unit" $XDPD_MAX

# The check bites: the unit without its sandbox is refused.
sed '/^# Sandbox/,$d' "$itod_unit" >"$dir/itod.service"
if systemd-analyze security --offline=true --threshold=$ITOD_MAX "$dir/itod.service" >/dev/null 2>&1; then
	not_ok "itod.service without its sandbox is above the threshold" \
		"exposure $(exposure "$dir/itod.service")"
else
	ok "itod.service without its sandbox is above the threshold ($(exposure "$dir/itod.service"))"
fi

# Options the daemon depends on, which a lower score would not require.
for want in Type=notify RuntimeDirectory=ito "RestrictAddressFamilies=AF_NETLINK AF_UNIX" \
	    CapabilityBoundingSet=CAP_NET_ADMIN AmbientCapabilities=CAP_NET_ADMIN; do
	if grep -qx "$want" "$itod_unit"; then
		ok "itod.service has $want"
	else
		not_ok "itod.service has $want"
	fi
done
for want in Type=notify Before=itod.service "RestrictAddressFamilies=AF_NETLINK AF_UNIX" \
	    CapabilityBoundingSet=CAP_NET_ADMIN AmbientCapabilities=CAP_NET_ADMIN \
	    "ExecStart=/usr/local/bin/itoctl apply /etc/ito/ito.conf watch"; do
	if grep -qx "$want" "$ito_unit"; then
		ok "ito.service has $want"
	else
		not_ok "ito.service has $want"
	fi
done

for want in Type=notify After="ito.service network.target" \
	    "RestrictAddressFamilies=AF_NETLINK AF_UNIX" SystemCallFilter=bpf \
	    "CapabilityBoundingSet=CAP_BPF CAP_NET_ADMIN CAP_SYS_ADMIN"; do
	if grep -qx "$want" "$xdpd_unit"; then
		ok "ito-xdpd.service has $want"
	else
		not_ok "ito-xdpd.service has $want"
	fi
done

# verify: with this build's binaries, which it checks are executable
sed "s|/usr/local/sbin/itod|$top/userspace/itod/itod|g" "$itod_unit" >"$dir/itod.service"
sed "s|/usr/local/bin/itoctl|$top/userspace/itoctl/itoctl|g" "$metrics_unit" >"$dir/ito-metrics.service"
sed "s|/usr/local/bin/itoctl|$top/userspace/itoctl/itoctl|g" "$ito_unit" >"$dir/ito.service"
sed "s|/usr/local/sbin/ito-xdpd|$top/userspace/xdpd/ito-xdpd|g" "$xdpd_unit" >"$dir/ito-xdpd.service"
cp "$timer" "$dir/"
for u in ito.service itod.service ito-metrics.service ito-metrics.timer ito-xdpd.service; do
	if out=$(cd "$dir" && systemd-analyze verify --man=no "$dir/$u" 2>&1) && [ -z "$out" ]; then
		ok "systemd-analyze verify $u"
	else
		not_ok "systemd-analyze verify $u" "$out"
	fi
done

echo "1..$n"
[ $failed = 0 ]
