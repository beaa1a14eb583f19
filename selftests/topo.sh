# SPDX-License-Identifier: GPL-2.0
# The test topology, sourced by the flow tests:
#
#   [ito-cli] veth c0 ---- f0 [ito-fw: ito.ko, enrolled ports f0, f1] f1 ---- s0 veth [ito-srv]
#   10.0.1.2/24  fd00:1::2/64   10.0.1.1 / 10.0.2.1                   10.0.2.2/24  fd00:2::2/64
#
# ito-fw forwards (L3); ito runs in ito-fw's namespace.

cli() { ip netns exec ito-cli "$@"; }
fw() { ip netns exec ito-fw "$@"; }
srv() { ip netns exec ito-srv "$@"; }
fwctl() { ip netns exec ito-fw "$ITOCTL" "$@"; }

SIM=/sys/kernel/debug/ito_sim

# netns_up: the three namespaces, loopback up
netns_up()
{
	local ns
	for ns in ito-cli ito-fw ito-srv; do
		ip netns add $ns
		ip -n $ns link set lo up
	done
}

# sim_pair N NS_REP NS_WIRE: ito_sim's port pair N, the representor into
# the firewall, the wire end into the peer's namespace
sim_pair()
{
	echo "$1" >"$SIM/new_port" &&
		ip link set "simrep$1" netns "$2" &&
		ip link set "simwire$1" netns "$3" &&
		ip -n "$2" link set "simrep$1" up &&
		ip -n "$3" link set "simwire$1" up
}

topo_up()
{
	netns_up
	ip link add c0 netns ito-cli type veth peer name f0 netns ito-fw
	ip link add s0 netns ito-srv type veth peer name f1 netns ito-fw
	ip -n ito-cli addr add 10.0.1.2/24 dev c0
	ip -n ito-cli addr add fd00:1::2/64 dev c0 nodad
	ip -n ito-fw addr add 10.0.1.1/24 dev f0
	ip -n ito-fw addr add fd00:1::1/64 dev f0 nodad
	ip -n ito-fw addr add 10.0.2.1/24 dev f1
	ip -n ito-fw addr add fd00:2::1/64 dev f1 nodad
	ip -n ito-srv addr add 10.0.2.2/24 dev s0
	ip -n ito-srv addr add fd00:2::2/64 dev s0 nodad
	# By name: with ipip or ip6_tunnel loaded (built in on the debug
	# kernel, loaded by lifetime.sh elsewhere) every namespace also has
	# tunl0, sit0 and ip6tnl0.
	ip -n ito-cli link set c0 up
	ip -n ito-srv link set s0 up
	ip -n ito-fw link set f0 up
	ip -n ito-fw link set f1 up
	ip -n ito-cli route add default via 10.0.1.1
	ip -n ito-cli -6 route add default via fd00:1::1
	ip -n ito-srv route add default via 10.0.2.1
	ip -n ito-srv -6 route add default via fd00:2::1
	fw sysctl -qw net.ipv4.ip_forward=1
	fw sysctl -qw net.ipv6.conf.all.forwarding=1
}

topo_down()
{
	local ns
	for ns in ito-cli ito-fw ito-srv; do
		ip netns del $ns 2>/dev/null
	done
	return 0
}
