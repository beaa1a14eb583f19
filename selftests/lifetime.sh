#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lifetimes and limits: which devices may be ports and stay so, what a
# failed enrolment leaves behind, what the root of an unprivileged user
# namespace may size, and unloading with ports, flows, an agent and
# namespaces alive. Runs as root inside the test VM.
#
# The unload checks pass on any kernel once fixed; a use-after-free there
# is only seen with KASAN (the debug kernel) or freed-object poisoning
# (run.sh --append slub_debug=P), where the guest panics.
set -u
here=$(dirname "$0")
. "$here/lib.sh"
. "$here/topo.sh"
. "$here/flowlib.sh"

# stderr_has TEXT CMD...: CMD fails and says TEXT on stderr
stderr_has()
{
	local text=$1 err
	shift
	if err=$("$@" 2>&1 >/dev/null); then
		return 1
	fi
	echo "$err"
	grep -qF -- "$text" <<<"$err"
}

ports() { fwctl -j port show | jq -c '[.[].ifname]'; }
# no_ports: each part starts without ports, whatever the one before left
no_ports()
{
	local p
	for p in $(fwctl -j port show | jq -r '.[].ifname'); do
		fwctl port del "$p"
	done
}
nflows() { fwctl -j flow show | jq length; }
dev_type() { fw cat "/sys/class/net/$1/type"; }
# userns CMD...: CMD as root of a new user namespace, in a new netns
userns() { unshare -Urn "$@"; }
# kernel_clean: no splat since the test started
kernel_clean() { ! dmesg | sed -n "/ito-lifetime-start/,\$p" | grep -E 'BUG|KASAN|WARNING|general protection'; }

plan 30

echo ito-lifetime-start >/dev/kmsg
modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up

# --- only Ethernet devices are ports -------------------------------------
NOETH="not an Ethernet device"
fw ip link add t6 type ip6tnl local fd00:1::1 remote fd00:2::2
fw ip link add t4 type ipip local 10.0.1.1 remote 10.0.2.2
check "ip6tnl (16-byte addresses) refused, with the kernel's reason" \
	stderr_has "$NOETH" fwctl port add t6
check "ipip (no MAC) refused, with the kernel's reason" \
	stderr_has "$NOETH" fwctl port add t4
check "loopback refused" stderr_has "$NOETH" fwctl port add lo
check "a vwire peer must be Ethernet too" \
	stderr_has "the vwire peer is not an Ethernet device" fwctl port add f0 mode vwire peer t4
check "none of them became a port" test "$(ports)" = '[]'

# An enrolled bond must not turn into a tunnel by enslaving one.
no_ports
modprobe bonding 2>/dev/null
fw ip link add bond0 type bond mode active-backup
check "a bond is a port" fwctl port add bond0
fw ip link set t4 master bond0 2>/dev/null
check "enslaving a tunnel does not change the port's type" test "$(dev_type bond0)" = 1
check "the bond is still a port" test "$(ports)" = '["bond0"]'
fwctl port del bond0
check "once no port, the bond may change type" \
	bash -c "ip -n ito-fw link set t4 master bond0 && [ \$(ip netns exec ito-fw cat /sys/class/net/bond0/type) != 1 ]"
fw ip link del bond0
fw ip link del t4
fw ip link del t6

# --- an unprivileged namespace cannot size memory beyond the defaults ----
check "userns: max-flows above the default refused, with the reason" \
	stderr_has "max_flows above 1048576 needs CAP_NET_ADMIN in the initial user namespace" \
	userns "$ITOCTL" set max-flows 1048577
check "userns: max-sessions above the default refused, with the reason" \
	stderr_has "max_sessions above 500000 needs CAP_NET_ADMIN in the initial user namespace" \
	userns "$ITOCTL" set max-sessions 4000000
check "userns: a refusal applies no knob of the request" \
	userns bash -c "'$ITOCTL' set min-pkts 3 max-flows 2000000 2>/dev/null; [ \"\$('$ITOCTL' -j show | jq .min_pkts)\" = 8 ]"
check "userns: lowering both is allowed" \
	userns bash -c "'$ITOCTL' set max-flows 1000 max-sessions 10 && [ \"\$('$ITOCTL' -j show | jq -c '[.max_flows,.max_sessions]')\" = '[1000,10]' ]"
check "userns: back up to the defaults is allowed" \
	userns bash -c "'$ITOCTL' set max-flows 1000 && '$ITOCTL' set max-flows 1048576 max-sessions 500000"
check "host admin may raise them in a netns" \
	bash -c "ip netns exec ito-srv '$ITOCTL' set max-flows 2000000 max-sessions 600000 && [ \"\$(ip netns exec ito-srv '$ITOCTL' -j show | jq -c '[.max_flows,.max_sessions]')\" = '[2000000,600000]' ]"

# --- a failed enrolment ends the flows it started ------------------------
# "offload hw" on a veth fails after the port was published to the packet
# path; flows begun in that window must not outlive it.
no_ports
flood()
{
	cli python3 -c '
import socket, time
end = time.time() + 600
while time.time() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", ("10.0.2.2", 9))
    s.close()
    time.sleep(0.005)
'
}
flood &
flood_pid=$!
# Twenty, not more: each attempt switches the netfilter hooks on and off,
# and under emulation a flood meeting that much code patching (static
# keys, int3) has livelocked the guest in ip_local_deliver, old module or new.
fails=0
for i in $(seq 20); do
	fwctl port add f0 offload hw 2>/dev/null || fails=$((fails + 1))
done
pkill -P $flood_pid 2>/dev/null
kill $flood_pid 2>/dev/null
wait $flood_pid 2>/dev/null
echo "# flows left after the failed enrolments: $(nflows), flows ever seen: $(counter flows_new)"
check "20 enrolments with offload hw on a veth failed" test "$fails" = 20
check "no port is left" test "$(ports)" = '[]'
check "no flow of the failed port is left" test "$(nflows)" = 0
check "the active-flow gauge agrees" test "$(counter flows_active)" = 0

# --- unload and namespace exit with everything alive ---------------------
no_ports
cat >"$tmp/itod.conf" <<CONF
offload proto icmp
default inspect
CONF
fwctl port add f0
fwctl port add f1
start_itod
cli ping -c 3 -i 0.2 -W 2 10.0.2.2 >/dev/null
check "flows while the agent is registered" test "$(nflows)" -ge 1
ip netns add ito-lt2
ip -n ito-lt2 link add d0 type dummy
ip -n ito-lt2 link add link d0 name d0.7 type vlan id 7
check "a VLAN port in a second namespace" ip netns exec ito-lt2 "$ITOCTL" port add d0.7
check "rmmod with ports, flows and an agent in two namespaces" rmmod ito
check "module gone" bash -c '! [ -d /sys/module/ito ]'
check "devices of the former ports can go" \
	bash -c 'ip -n ito-lt2 link del d0 && ip -n ito-fw link set f0 down'
stop_itod
check "the agent's socket closes after unload" kernel_clean
ip netns del ito-lt2
ip -n ito-fw link set f0 up

check "insmod again" insmod "$ITO_KO"
fwctl port add f0
fwctl port add f1
start_itod
cli ping -c 3 -i 0.2 -W 2 10.0.2.2 >/dev/null
stop_itod
ip netns add ito-lt3
ip -n ito-lt3 link add d1 type dummy
ip netns exec ito-lt3 "$ITOCTL" port add d1
check "netns with a port deleted" ip netns del ito-lt3
topo_down
check "netns with ports and flows deleted: the next one starts empty" \
	bash -c "ip netns add ito-fw && [ \"\$(ip netns exec ito-fw '$ITOCTL' -j port show | jq length)\" = 0 ]"
ip netns del ito-fw
# cleanup_net runs in a work item: give it time before unloading
sleep 1
check "rmmod after the namespaces went" rmmod ito
check "no kernel splat" kernel_clean

finish
