#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The XDP backend (issue #18): ito-xdpd keeps ito's software sessions in
# BPF maps and an XDP program on the ports forwards their packets before
# an skb exists. Runs inside the test VM, on topo.sh's veth pairs in
# native XDP mode.
#
#   [ito-cli] c0 ------- f0 [ito-fw: XDP on f0, f1] f1 ------- s0 [ito-srv]
#      c0.100 (VLAN 100)  f0.100 (port)   f1.200 (port)  s0.200 (VLAN 200)
#      c0.300 (VLAN 300)  f0.300 = br1 = f1.400 (vWire)  s0.400 (VLAN 400)
#
# The veth ends outside the firewall stand for wires: GRO on, so that
# they take XDP_REDIRECTed frames (veth needs NAPI for that), and transmit
# checksums computed in software, as frames from a wire have them (a
# CHECKSUM_PARTIAL skb turned into an XDP frame keeps a partial checksum).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"
. "$here/flowlib.sh"

XDPD=${ITO_XDPD:-$TOP/userspace/xdpd/ito-xdpd}
xdpd_pid=

cleanup_extra()
{
	[ -z "$xdpd_pid" ] || kill -KILL "$xdpd_pid" 2>/dev/null
	return 0
}

# start_xdpd: the backend in the firewall's namespace, reporting every
# 200 ms. Not inside check(), whose subshell would lose xdpd_pid.
start_xdpd()
{
	ip netns exec ito-fw "$XDPD" -i 200 >>"$tmp/xdpd.log" 2>&1 &
	xdpd_pid=$!
}
# attached: its program is on both ports, within 30 s
attached()
{
	wait_for 30 xdp_on f0 && wait_for 10 xdp_on f1 && return 0
	sed 's/^/# ito-xdpd: /' "$tmp/xdpd.log"
	return 1
}
# xdp_on DEV: an XDP program is attached to DEV in the firewall, natively
xdp_on() { fw ip -j -d link show "$1" | jq -e '.[0].xdp.mode == 1' >/dev/null; }
# where FILTER: the flow's path, as flow get shows it ("xdp xdp")
where()
{
	fwctl -j flow get "$(flow_id "$1")" | jq -r '[.paths[].where]|join(" ")'
}
# carried_by_xdp SINCE_XDP SINCE_FP MIN: the XDP backend reported at
# least MIN packets since SINCE_XDP, and the skb fast path forwarded
# fewer than a tenth of that since SINCE_FP
carried_by_xdp()
{
	local x f
	x=$(( $(counter xdp_pkts) - $1 ))
	f=$(( $(counter fastpath_pkts) - $2 ))
	echo "# xdp reported $x packets, the skb fast path forwarded $f"
	[ "$x" -ge "$3" ] && [ "$f" -lt $(( $3 / 10 )) ]
}
# on_xdp FILTER: both paths of the flow are the XDP backend's
on_xdp() { [ "$(where "$1")" = "xdp xdp" ]; }
# above NAME VALUE: counter NAME is above VALUE
above() { [ "$(counter "$1")" -gt "$2" ]; }
port_offload() { fwctl -j port show | jq -r ".[]|select(.ifname==\"$1\")|.offload"; }
udp_in_csum_errors() { ip netns exec "$1" nstat -az UdpInCsumErrors | awk '/UdpInCsumErrors/ {print $2}'; }

plan 55

modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
for ns_dev in ito-cli:c0 ito-srv:s0; do
	# tags in the frame, as on a wire: veth's VLAN offload keeps them
	# beside the packet, where XDP does not see them
	ip netns exec "${ns_dev%%:*}" ethtool -K "${ns_dev#*:}" gro on tx off txvlan off >/dev/null
done
fw sysctl -qw net.netfilter.nf_conntrack_acct=1
fwctl port add f0 offload xdp
fwctl port add f1
fwctl set min-rate 0 udp-ageing 4 tcp-ageing 30
echo "default offload" >"$tmp/itod.conf"
start_itod
echo_server 7000 "$tmp/echo.log"

section "attach"
start_xdpd
check "ito-xdpd attaches its program to f0 (offload xdp) and f1 (auto) natively" attached
check "port show: f0 offload xdp" test "$(port_offload f0)" = xdp

section "UDP through XDP, conntrack's counters exact"
x0=$(counter xdp_pkts)
f0=$(counter fastpath_pkts)
udp_stream 1500
client=$!
check "UDP flow offloaded" wait_for 10 offloaded '.sport==1500'
check "its paths are the XDP backend's" wait_for 5 on_xdp '.sport==1500'
check "xdp_announced counted" test "$(counter xdp_announced)" -ge 1
sleep "$(slow 6)"
check "not aged out: the backend's reports keep it alive past udp-ageing (4 s)" \
	offloaded '.sport==1500'
# while it runs: once stopped, it ages out 4 s later
check "the flow's offload_pkts include the XDP packets" \
	wait_for "$(slow 3)" eval "[ \"\$(offload_pkts '.sport==1500')\" -ge 300 ]"
stop_client $client
sleep 1
check "every datagram echoed ($(sent 1500) sent)" all_echoed 1500
check "XDP carried them, not the skb fast path" carried_by_xdp "$x0" "$f0" 300
# the last datagrams' counts come with the daemon's next report
check "conntrack counted every datagram each way, 128 bytes each" wait_for "$(slow 3)" ct_exact 1500
check "then it ages out, idle" wait_for "$(slow 10)" gone '.sport==1500'

section "IPv6, hop limit"
x0=$(counter xdp_pkts)
ip netns exec ito-srv timeout "$(slow 60)" tcpdump -i s0 -nn -v -l ip6 and udp port 7000 >"$tmp/wire6" 2>"$tmp/wire6.err" &
wait_for 10 grep -q "listening on" "$tmp/wire6.err"
cli python3 "$ECHO" client fd00:2::2 7000 1501 150 "$(slowf 0.02)" 100 >"$tmp/c1501" &
client=$!
check "IPv6 UDP flow offloaded" wait_for 10 offloaded '.sport==1501'
wait $client
sleep 1
check "all 150 echoed" test "$(cat "$tmp/c1501")" = 150
check "XDP carried the IPv6 flow" test $(( $(counter xdp_pkts) - x0 )) -ge 200
check "the server got every datagram with hop limit 63" \
	test "$(grep -c 'hlim 63' "$tmp/wire6")" -ge 150

section "NAT44 in XDP, TCP and UDP, checksums"
fw nft -f - <<'NFT'
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "f1" masquerade
	}
}
NFT
srv nstat -n
x0=$(counter xdp_pkts)
f0=$(counter fastpath_pkts)
pcap="$tmp/srv.pcap"
ip netns exec ito-srv timeout "$(slow 120)" tcpdump -i s0 -nn -U -s 0 -w "$pcap" 'udp port 1502 or tcp port 5000' 2>"$pcap.err" &
wait_for 10 grep -q "listening on" "$pcap.err"
tcp_server 5000
tcp_stream t1
tclient=$!
udp_stream 1502
uclient=$!
check "NATed UDP flow offloaded" wait_for 10 offloaded '.sport==1502'
check "NATed TCP stream offloaded" wait_for 10 offloaded "$TCP_OFFLOADED"
sleep "$(slow 4)"
stop_client $uclient
check "UDP: every datagram echoed through the reverse NAT" all_echoed 1502
check "XDP carried the NATed flows" carried_by_xdp "$x0" "$f0" 200
# not_from_client PCAP: no packet in PCAP has the client's own address
not_from_client()
{
	local seen
	seen=$(tcpdump -nn -r "$1" 2>/dev/null | grep '10\.0\.1\.2[. ]')
	[ -z "$seen" ] && return 0
	echo "# $(wc -l <<<"$seen") packets with 10.0.1.2, the first ones:"
	head -n 5 <<<"$seen" | sed 's/^/#   /'
	return 1
}
check "the server saw only 10.0.2.1" not_from_client "$pcap"
check "no UDP checksum error at the server" test "$(udp_in_csum_errors ito-srv)" = 0

section "FIN: handed back, the session leaves the maps"
t0=$(counter fastpath_teardown_fin_rst)
stop_client $tclient
check "the TCP stream ended cleanly" test ! -s "$tmp/t1.err"
check "TCP: the stream kept going through XDP's NAT ($(cat "$tmp/t1") round trips)" \
	test "$(cat "$tmp/t1")" -gt 50
check "its FIN went up the stack: handed back" wait_for 10 above fastpath_teardown_fin_rst "$t0"
sleep 1
pkill -f "tcpdump -i s0 -nn -U" 2>/dev/null
sleep 0.5
check "tshark: every frame the server got has good IPv4 and UDP/TCP checksums" \
	bash -c "n=\$(tshark -n -r '$pcap' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -T fields -e ip.checksum.status -e udp.checksum.status -e tcp.checksum.status 2>/dev/null | awk '\$1 != 1 || \$2 != 1 { bad++ } END { print bad + 0 }'); echo \"# bad: \$n\"; [ \"\$n\" = 0 ]"
check "IPv4 TTL: every frame from the client reached the server with TTL 63" \
	bash -c "[ \"\$(tshark -n -r '$pcap' -Y 'ip.dst==10.0.2.2' -T fields -e ip.ttl 2>/dev/null | sort -u)\" = 63 ]"
fw nft delete table ip nat

section "next hop's MAC changes"
udp_stream 1503
client=$!
check "flow offloaded" wait_for 10 offloaded '.sport==1503'
sleep 1
ip netns exec ito-srv timeout "$(slow 30)" tcpdump -i s0 -e -nn -l udp port 1503 >"$tmp/mac" 2>"$tmp/mac.err" &
wait_for 10 grep -q "listening on" "$tmp/mac.err"
u0=$(counter flow_offload_session_update)
x0=$(counter xdp_pkts)
srv ip link set s0 address 02:00:00:00:0a:02
fw ip neigh replace 10.0.2.2 lladdr 02:00:00:00:0a:02 dev f1 nud permanent
check "the session was updated" wait_for 5 above flow_offload_session_update "$u0"
check "frames reach the server with the new MAC" \
	wait_for "$(slow 5)" bash -c "[ \$(grep -c '> 02:00:00:00:0a:02, .*10.0.2.2.7000' '$tmp/mac') -gt 20 ]"
check "still offloaded, XDP carrying it" \
	eval "on_xdp '.sport==1503' && above xdp_pkts $((x0 + 20))"
stop_client $client

section "route change: the server's address moves behind another port"
ip link add s1 netns ito-srv type veth peer name f2 netns ito-fw
ip netns exec ito-srv ethtool -K s1 gro on tx off txvlan off >/dev/null
fw ip addr add 10.0.3.1/24 dev f2
srv ip addr add 10.0.3.2/24 dev s1
fw ip link set f2 up
srv ip link set s1 up
fwctl port add f2 offload xdp
check "the program goes on the new port f2 at the daemon's next look" wait_for 10 xdp_on f2
udp_stream 1505
client=$!
check "flow offloaded" wait_for 10 offloaded '.sport==1505'
ip netns exec ito-srv timeout "$(slow 30)" tcpdump -i s1 -nn -l udp port 1505 >"$tmp/s1" 2>"$tmp/s1.err" &
wait_for 10 grep -q "listening on" "$tmp/s1.err"
# the new next hop resolved: a move needs its MAC (else the session
# goes back to the slow path, which resolves it, and is offloaded anew)
fw ping -c1 -W2 10.0.3.2 >/dev/null
u0=$(counter flow_offload_session_update)
x0=$(counter xdp_pkts)
fw ip route replace 10.0.2.2/32 via 10.0.3.2 dev f2
check "the session moved in place" wait_for 5 above flow_offload_session_update "$u0"
check "the client's datagrams now reach the server by s1" \
	wait_for "$(slow 5)" eval "[ \$(grep -c '10.0.1.2.1505 > 10.0.2.2.7000' '$tmp/s1') -gt 20 ]"
check "XDP carries the moved session (path out by f2)" \
	eval "on_xdp '.sport==1505' && above xdp_pkts $((x0 + 20)) && [ \"\$(fwctl -j flow get \$(flow_id '.sport==1505') | jq -r '.paths[0].out_dev')\" = f2 ]"
stop_client $client
check "no datagram lost across the move" all_echoed 1505
fw ip route del 10.0.2.2/32

section "VLAN 100 -> 200"
cli ip link add link c0 name c0.100 type vlan id 100
fw ip link add link f0 name f0.100 type vlan id 100
fw ip link add link f1 name f1.200 type vlan id 200
srv ip link add link s0 name s0.200 type vlan id 200
cli ip addr add 10.0.11.2/24 dev c0.100
fw ip addr add 10.0.11.1/24 dev f0.100
fw ip addr add 10.0.12.1/24 dev f1.200
srv ip addr add 10.0.12.2/24 dev s0.200
for d in cli:c0.100 fw:f0.100 fw:f1.200 srv:s0.200; do ${d%%:*} ip link set "${d#*:}" up; done
cli ip route add 10.0.12.0/24 via 10.0.11.1
srv ip route add 10.0.11.0/24 via 10.0.12.1
echo_server 7001 "$tmp/echo7001" 10.0.12.2
fwctl port add f0.100 offload xdp
fwctl port add f1.200 offload xdp
x0=$(counter xdp_pkts)
ip netns exec ito-srv timeout "$(slow 30)" tcpdump -i s0 -e -nn -l udp port 7001 >"$tmp/wire" 2>"$tmp/wire.err" &
wait_for 10 grep -q "listening on" "$tmp/wire.err"
cli python3 "$ECHO" client 10.0.12.2 7001 4000 150 "$(slowf 0.02)" 100 >"$tmp/c4000" &
client=$!
check "VLAN flow offloaded" wait_for 10 offloaded '.sport==4000'
wait $client
sleep 1
check "all 150 echoed" test "$(cat "$tmp/c4000")" = 150
check "XDP carried it" test $(( $(counter xdp_pkts) - x0 )) -ge 200
check "the server's wire: 150 frames tagged 200" \
	test "$(grep -c 'vlan 200.*10.0.11.2.4000 > 10.0.12.2.7001' "$tmp/wire")" = 150

section "vWire: a bridged pair, VLAN 300 -> 400, a source NAT pool"
# No IPv4 NAT hook sees bridged packets: ito's pool translates them, and
# the XDP program applies that translation; MACs and TTL stay as sent.
cli ip link add link c0 name c0.300 type vlan id 300
fw ip link add link f0 name f0.300 type vlan id 300
fw ip link add link f1 name f1.400 type vlan id 400
srv ip link add link s0 name s0.400 type vlan id 400
fw ip link add br1 type bridge
fw ip link set f0.300 master br1
fw ip link set f1.400 master br1
for d in cli:c0.300 fw:f0.300 fw:f1.400 fw:br1 srv:s0.400; do ${d%%:*} ip link set "${d#*:}" up; done
cli ip addr add 10.0.19.2/24 dev c0.300
srv ip addr add 10.0.19.3/24 dev s0.400
# the bridge alone (see vwire.sh): no IP hooks for bridged packets
for f in iptables ip6tables arptables; do
	fw test -e "/proc/sys/net/bridge/bridge-nf-call-$f" || continue
	fw sysctl -qw "net.bridge.bridge-nf-call-$f=0"
done
check "vWire: f0.300 and f1.400 enrolled as a vwire pair, offload xdp" bash -c "
	ip netns exec ito-fw '$ITOCTL' port add f0.300 mode vwire peer f1.400 offload xdp &&
	ip netns exec ito-fw '$ITOCTL' port add f1.400 mode vwire peer f0.300 offload xdp"
check "vWire: a pool of one public pair for the client, out by f1.400" \
	fwctl nat pool add 2 private 10.0.19.2/32 public 10.0.19.99 ports 2600 dev f1.400
cli ip addr add 10.0.19.99/32 dev c0.300
echo_server 7002 "$tmp/echo7002" 10.0.19.3
check "vWire: the peers reach each other across the bridge" cli ping -c 2 -W 2 10.0.19.3
cmac=$(mac ito-cli c0)
x0=$(counter xdp_pkts)
vpcap="$tmp/vwire.pcap"
ip netns exec ito-srv timeout "$(slow 60)" tcpdump -i s0 -nn -U -s 0 -w "$vpcap" 'vlan and udp port 7002' 2>"$vpcap.err" &
wait_for 10 grep -q "listening on" "$vpcap.err"
cli python3 "$ECHO" client 10.0.19.3 7002 1600 150 "$(slowf 0.02)" 100 >"$tmp/c1600" &
client=$!
check "vWire: the translated flow is offloaded" wait_for 10 offloaded '.sport==1600'
check "vWire: its paths are the XDP backend's" wait_for 5 on_xdp '.sport==1600'
wait $client
sleep 1
pkill -f "tcpdump -i s0 -nn -U -s 0 -w $vpcap" 2>/dev/null
sleep 0.5
check "vWire: all 150 echoed back through the reverse translation" test "$(cat "$tmp/c1600")" = 150
check "vWire: XDP carried it" test $(( $(counter xdp_pkts) - x0 )) -ge 200
check "vWire: the server saw only 10.0.19.99" \
	test "$(cut -d' ' -f1 "$tmp/echo7002" | sort -u)" = 10.0.19.99
# vwire_frames: the client's frames at the server, one line each of tag,
# source MAC, address, port, TTL and checksum states, counted
vwire_frames()
{
	tshark -n -r "$vpcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-Y 'udp.dstport == 7002' -T fields -e vlan.id -e eth.src -e ip.src \
		-e udp.srcport -e ip.ttl -e ip.checksum.status -e udp.checksum.status \
		2>/dev/null | sort | uniq -c | sed 's/^ *//'
}
vwire_frames | sed 's/^/# /'
check "vWire: 150 frames at the server, tagged 400, the client's MAC, from 10.0.19.99:2600, TTL 64, checksums good" \
	test "$(vwire_frames)" = "$(printf '150 400\t%s\t10.0.19.99\t2600\t64\t1\t1' "$cmac")"

section "the backend dies: the skb fast path carries on"
udp_stream 1504
client=$!
check "flow offloaded" wait_for 10 offloaded '.sport==1504'
sleep 1
kill -KILL "$xdpd_pid"
wait "$xdpd_pid" 2>/dev/null
xdpd_pid=
f0=$(counter fastpath_pkts)
sleep "$(slow 3)"
check_fail "its program went with it" xdp_on f0
check "the skb fast path took the flow" test $(( $(counter fastpath_pkts) - f0 )) -gt 50
start_xdpd
check "a restarted backend attaches again" attached
x0=$(counter xdp_pkts)
sleep "$(slow 3)"
stop_client $client
check "no datagram lost through it all" all_echoed 1504
check "XDP carries it again" test $(( $(counter xdp_pkts) - x0 )) -gt 50

finish
