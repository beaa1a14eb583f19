#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ito_sim.ko, the simulated eswitch, on its own (no ito.ko): ports come and
# go through debugfs; frames cross a port pair like a veth; tc flower
# skip_sw rules are accepted or refused as mlx5 would, and accepted ones
# run on frames from the wire (rewrites, checksums, VLANs, redirect),
# out of the host stack's sight. Runs inside the test VM.
#
#   netns simA                  host (forwarding off)            netns simB
#   simwire0 10.0.1.2 ~~ simrep0 10.0.1.1 | simrep1 10.0.2.1 ~~ simwire1 10.0.2.2
#   simwire0.200 10.0.4.2
#
# "~~" is the eswitch: a rule on simrep0's ingress sees what simwire0 sends.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

ITO_SIM_KO=${ITO_SIM_KO:-$TOP/kmod/sim/ito_sim.ko}
SIM=/sys/kernel/debug/ito_sim
PY=/usr/bin/python3
tmp=$(mktemp -d)

cleanup()
{
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	ip netns del simA 2>/dev/null
	ip netns del simB 2>/dev/null
	ip link del simveth0 2>/dev/null
	rmmod ito_sim 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

A() { ip netns exec simA "$@"; }
B() { ip netns exec simB "$@"; }
mac() { cat /sys/class/net/"$1"/address; }
stat() { awk -v k="$1" '$1 == k {print $2}' "$SIM/stats"; }
rx_packets() { ip -j -s link show "$1" | jq '.[0].stats64.rx.packets'; }
# the rules file with cookies blanked
rules() { sed 's/cookie 0x[0-9a-f]*/cookie C/' "$SIM/rules"; }
sim_write() { echo "$2" >"$SIM/$1"; }
exists()
{
	local d
	for d; do
		ip link show "$d" >/dev/null 2>&1 || return 1
	done
}
gone()
{
	local d
	for d; do
		! ip link show "$d" >/dev/null 2>&1 || return 1
	done
}

# refused MSG CMD...: CMD fails and says MSG
refused()
{
	local msg=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "# accepted: $*"
		return 1
	fi
	grep -qF -- "$msg" <<<"$out" && return 0
	echo "# wanted \"$msg\", got: $out"
	return 1
}

# udp_recv NS ADDR PORT COUNT FILE: background receiver, one line per
# datagram: "payload ttl"; it only sees datagrams with good checksums
udp_recv()
{
	ip netns exec "$1" $PY -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 12, 1)  # IP_RECVTTL
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(8)
out = open(sys.argv[4], "w")
print("ready", file=out, flush=True)
for i in range(int(sys.argv[3])):
    data, anc, flags, addr = s.recvmsg(2048, 64)
    ttl = [int.from_bytes(d[:4], sys.byteorder) for l, t, d in anc
           if t == 2]  # IP_TTL
    print(data.decode(), ttl[0] if ttl else -1, file=out, flush=True)
' "$2" "$3" "$4" "$5" &
	wait_for 5 grep -qs ready "$5"
}

# udp_send NS DST PORT COUNT: COUNT datagrams of 10 bytes from port 40000
udp_send()
{
	ip netns exec "$1" $PY -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 40000))
for i in range(int(sys.argv[3])):
    s.sendto(b"datagram%02d" % i, (sys.argv[1], int(sys.argv[2])))
' "$2" "$3" "$4"
}

# seen FILE PATTERN [NOT]: a line of FILE matches PATTERN (and not NOT)
seen()
{
	local i

	for i in $(seq 30); do
		grep -E -- "$2" "$1" | grep -qvE -- "${3:-^$}" && return 0
		sleep 0.1
	done
	echo "# no \"$2\" in:"
	sed 's/^/# /' "$1"
	return 1
}

# capture NS DEV FILE: background tcpdump with link-level headers, returning
# once it listens (a fixed sleep loses frames on a loaded host)
capture()
{
	ip netns exec "$1" timeout "$(slow 15)" tcpdump -l -nei "$2" >"$3" 2>"$3.err" &
	wait_for 10 grep -q "listening on" "$3.err"
}

plan 68

modprobe -q sch_ingress 2>/dev/null
modprobe -q cls_flower 2>/dev/null
rmmod ito_sim 2>/dev/null
check "ito_sim loads" insmod "$ITO_SIM_KO"
check "debugfs control files" test -f "$SIM/new_port" -a -f "$SIM/rules" -a -f "$SIM/stats"
check "no ports at load" test "$(stat ports)" = 0

# --- ports
check "new_port 0" sim_write new_port 0
check "new_port 1" sim_write new_port 1
check "port 0 has simrep0 and simwire0" exists simrep0 simwire0
check "representor offers hw-tc-offload" \
	bash -c "ethtool -k simrep0 | grep -q 'hw-tc-offload: on'"
check_fail "new_port 0 again: EEXIST" sim_write new_port 0
check_fail "new_port 5000: out of range" sim_write new_port 5000
check_fail "new_port garbage" sim_write new_port foo
check_fail "del_port of a missing port" sim_write del_port 7
check "new_port 2 then del_port 2" bash -c "echo 2 >$SIM/new_port && echo 2 >$SIM/del_port"
check "port 2's netdevs are gone" gone simrep2 simwire2
check "stats: 2 ports" test "$(stat ports)" = 2

# --- plain forwarding (every frame misses: no rules)
REP1=$(mac simrep1)
WIRE0=$(mac simwire0)
WIRE1=$(mac simwire1)
REP0=$(mac simrep0)
sysctl -qw net.ipv4.ip_forward=0
ip netns add simA
ip netns add simB
ip link set simwire0 netns simA
ip link set simwire1 netns simB
A ip link set lo up
B ip link set lo up
A ip addr add 10.0.1.2/24 dev simwire0
A ip link set simwire0 up
A ip route add default via 10.0.1.1
# no ARP or IPv6 chatter to blur the representors' counters
A ip neigh add 10.0.1.1 lladdr "$REP0" dev simwire0 nud permanent
A sysctl -qw net.ipv6.conf.all.disable_ipv6=1
B sysctl -qw net.ipv6.conf.all.disable_ipv6=1
B ip addr add 10.0.2.2/24 dev simwire1
B ip link set simwire1 up
B ip route add default via 10.0.2.1
ip addr add 10.0.1.1/24 dev simrep0
ip addr add 10.0.2.1/24 dev simrep1
ip link set simrep0 up
ip link set simrep1 up
check "ping from simwire0's namespace to simrep0 (miss both ways)" \
	A ping -c 2 -i 0.2 -W 2 10.0.1.1
check "ping from the host to simwire1's namespace" ping -c 2 -i 0.2 -W 2 10.0.2.2
check "misses counted" test "$(stat misses)" -gt 0
udp_recv simB 10.0.2.2 5000 3 "$tmp/none"
udp_send simA 10.0.2.2 5000 1
sleep 1
check "without a rule nothing crosses (the host does not forward)" \
	test "$(grep -c datagram "$tmp/none")" = 0
kill %% 2>/dev/null
wait 2>/dev/null

# --- a rule with rewrites, checksums and a redirect
tc qdisc add dev simrep0 clsact
tc qdisc add dev simrep1 clsact
check "pedit+csum+redirect rule accepted with skip_sw" \
	tc filter add dev simrep0 ingress protocol ip prio 1 flower skip_sw \
	ip_proto udp dst_port 5000 \
	action pedit ex munge eth dst set "$WIRE1" munge eth src set "$REP1" \
	munge ip ttl add 0xff pipe csum ip4h udp pipe \
	mirred egress redirect dev simrep1
check "tc says in_hw" bash -c "tc filter show dev simrep0 ingress | grep -qw in_hw"
check "rules file shows the rule" test "$(rules)" = \
"port 0 cookie C prio 1 match in_port simrep0 untagged eth_type ipv4 ip_proto udp dst_port 5000 actions set eth_dst $WIRE1 set eth_src $REP1 add ip_ttl 0xff csum iph,udp redirect simrep1 packets 0 bytes 0"
rx0=$(rx_packets simrep0)
udp_recv simB 10.0.2.2 5000 3 "$tmp/recv"
udp_send simA 10.0.2.2 5000 3
wait_for 5 test "$(grep -cs datagram "$tmp/recv")" = 3
check "3 datagrams arrive in simB with valid checksums" \
	test "$(grep -c datagram "$tmp/recv")" = 3
check "TTL decremented by the rule (64 -> 63)" \
	test "$(awk '/datagram/ {print $2}' "$tmp/recv" | sort -u)" = 63
check "the host stack never saw them (simrep0 rx unchanged)" \
	test "$(rx_packets simrep0)" = "$rx0"
# 14 + 20 + 8 + 10 bytes per frame, as received from the wire
check "tc -s: hardware counters 156 bytes 3 packets" \
	bash -c "tc -s filter show dev simrep0 ingress | grep -q 'Sent hardware 156 bytes 3 pkt'"
check "stats are deltas: a second query still says 3 packets" \
	bash -c "tc -s filter show dev simrep0 ingress | grep -q 'Sent hardware 156 bytes 3 pkt'"
check "rules file counts 3 packets, 156 bytes" \
	bash -c "grep -q 'packets 3 bytes 156$' $SIM/rules"
check "hits counted" test "$(stat hits)" = 3

# --- refusals, each with mlx5's message
add0() { tc filter add dev simrep0 ingress protocol ip prio 9 flower skip_sw "$@"; }
REDIR1="mirred egress redirect dev simrep1"
ip link add simveth0 type veth peer name simveth1
unsup0=$(stat replace_refused_unsupported)
check "csum without pedit refused" refused "only offloaded with pedit" \
	add0 ip_proto udp action csum ip4h pipe $REDIR1
check "csum icmp refused" refused "can't offload TC csum action for some header/s" \
	add0 ip_proto udp action pedit ex munge ip ttl add 0xff pipe csum icmp pipe $REDIR1
check "police refused as not simulated" refused "not simulated" \
	add0 ip_proto udp action police rate 1mbit burst 100k pipe $REDIR1
check "skbedit refused" refused "Not implemented offload action" \
	add0 ip_proto udp action skbedit priority 1 pipe $REDIR1
check "redirect to a veth refused" refused "devices are not on same switch HW" \
	add0 ip_proto udp action mirred egress redirect dev simveth0
check "redirect to itself refused" refused "can't forward from a VF to itself" \
	add0 ip_proto udp action mirred egress redirect dev simrep0
check "enc_key_id refused as not simulated" refused "Tunnel (enc_*) matches are not simulated" \
	add0 enc_key_id 42 action $REDIR1
check "full TOS rewrite (ECN bits) refused" refused "attempt to offload an unsupported field" \
	add0 ip_proto udp action pedit ex munge ip tos set 0x10 pipe $REDIR1
check "set and add on one field refused" refused "can't set and add to the same HW field" \
	add0 ip_proto udp action pedit ex munge ip ttl set 9 munge ip ttl add 0xff pipe $REDIR1
check "IP rewrite of non TCP/UDP refused" refused "can't offload re-write of non TCP/UDP" \
	add0 ip_proto sctp action pedit ex munge ip src set 10.9.9.9 pipe $REDIR1
check "pedit without forward refused" refused "at least one forward/drop action" \
	add0 ip_proto udp action pedit ex munge ip ttl add 0xff
check "match on first fragment refused" refused "Match on frag first/later is not supported" \
	add0 ip_flags firstfrag action $REDIR1
check "refusals counted" test "$(stat replace_refused_unsupported)" = $((unsup0 + 12))
check "nothing refused reached the table" test "$(stat rules)" = 1

# --- VLANs: push towards simA, pop and modify towards simB
A ip link add link simwire0 name simwire0.200 type vlan id 200
A ip addr add 10.0.4.2/24 dev simwire0.200
A ip link set simwire0.200 up
A ip neigh add 10.0.4.1 lladdr "$REP0" dev simwire0.200
check "vlan push rule accepted" \
	tc filter add dev simrep1 ingress protocol ip prio 1 flower skip_sw \
	ip_proto udp dst_port 6000 action vlan push id 100 pipe \
	pedit ex munge eth dst set "$WIRE0" pipe mirred egress redirect dev simrep0
check "vlan pop rule accepted" \
	tc filter add dev simrep0 ingress protocol 802.1Q prio 2 flower skip_sw \
	vlan_id 200 vlan_ethtype ip ip_proto udp dst_port 7000 action vlan pop pipe \
	pedit ex munge eth dst set "$WIRE1" pipe mirred egress redirect dev simrep1
check "vlan modify rule accepted" \
	tc filter add dev simrep0 ingress protocol 802.1Q prio 3 flower skip_sw \
	vlan_id 200 vlan_ethtype ip ip_proto udp dst_port 7001 \
	action vlan modify id 300 pipe mirred egress redirect dev simrep1
check "vlan modify without a VLAN match refused" \
	refused "VLAN rewrite action must have VLAN protocol match" \
	add0 ip_proto udp action vlan modify id 300 pipe $REDIR1
capture simA simwire0 "$tmp/push"
udp_send simB 10.0.1.2 6000 2
sleep 1
check "pushed tag seen on simwire0 (vlan 100)" \
	seen "$tmp/push" "vlan 100.*\\.6000: UDP"
capture simB simwire1 "$tmp/pop"
udp_send simA 10.0.4.1 7000 2
udp_send simA 10.0.4.1 7001 2
sleep 1
check "popped frame arrives untagged on simwire1" \
	seen "$tmp/pop" "10\\.0\\.4\\.1\\.7000:" vlan
check "modified tag arrives as vlan 300 on simwire1" \
	seen "$tmp/pop" "vlan 300.*10\\.0\\.4\\.1\\.7001:"

# --- capacity and rate limits
tc qdisc del dev simrep0 clsact
tc qdisc del dev simrep1 clsact
check "deleting the qdiscs empties the table" test "$(stat rules)" = 0
tc qdisc add dev simrep0 clsact
sim_write capacity 2
add0p() { tc filter add dev simrep0 ingress protocol ip prio "$1" flower skip_sw ip_proto udp dst_port "$1" action $REDIR1; }
check "capacity 2: first rule" add0p 11
check "capacity 2: second rule" add0p 12
check "capacity 2: third refused, table full" refused "Rule table is full" add0p 13
check "capacity refusal counted" test "$(stat replace_refused_capacity)" = 1
sim_write capacity 0
tc qdisc del dev simrep0 clsact
tc qdisc add dev simrep0 clsact
sim_write rate 2
for p in 21 22 23 24 25; do
	echo "filter add dev simrep0 ingress protocol ip prio $p flower skip_sw ip_proto udp dst_port $p action $REDIR1"
done >"$tmp/batch"
tc -force -batch "$tmp/batch" >/dev/null 2>&1
check "rate 2: a burst of 5 has refusals counted" test "$(stat replace_refused_rate)" -ge 1
check "rate 2: refused rules are not in the table" \
	test "$(stat rules)" = $((5 - $(stat replace_refused_rate)))
sim_write rate 0

# --- fault injection: every Nth call fails and changes nothing
tc qdisc del dev simrep0 clsact
tc qdisc add dev simrep0 clsact
sim_write fail_replace 2
check "fail_replace 2: the first REPLACE goes through" add0p 31
check "fail_replace 2: the second fails, said so" \
	refused "Injected failure (debugfs fail_replace)" add0p 32
check "fail_replace 2: the third goes through" add0p 33
sim_write fail_replace 0
check "one injected REPLACE failure counted, two rules in the table" \
	test "$(stat injected_replace) $(stat rules)" = "1 2"
sim_write fail_stats 1
tc -s filter show dev simrep0 ingress >/dev/null
sim_write fail_stats 0
check "failed STATS counted" test "$(stat injected_stats)" -ge 1
# tc forgets the filter whatever the driver says: the rule stays behind
sim_write fail_destroy 1
tc filter del dev simrep0 ingress prio 31
sim_write fail_destroy 0
check "a failed DESTROY leaves the rule in the table" \
	test "$(stat injected_destroy) $(stat rules)" = "1 2"

# --- removing a port with rules installed
tc qdisc add dev simrep1 clsact
tc filter add dev simrep1 ingress protocol ip prio 1 flower skip_sw ip_proto udp \
	action mirred egress redirect dev simrep0
check "rules towards and from port 1 installed" grep -q simrep1 "$SIM/rules"
check "del_port 1 with rules installed" sim_write del_port 1
check "no rule left that involves port 1" bash -c "! grep -q simrep1 $SIM/rules"
check "port 1 netdevs gone" gone simrep1
check "rmmod ito_sim" rmmod ito_sim
check "all ports gone with the module" gone simrep0
finish
