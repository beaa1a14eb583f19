#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vWire: ito-fw is a bump in the wire. Its two ports are bridged (br0) and
# enrolled as a vwire pair; nf_conntrack_bridge tracks what crosses.
#
#   [ito-cli] C.100 ~~ A.100 [ito-fw: br0 = A.100 + B.200, ito.ko, itod] B.200 ~~ S.200 [ito-srv]
#   10.0.9.2/24                                                                 10.0.9.3/24
#
# Run twice: with veth pairs (software fast path), then with the DPU
# simulator's port pairs (rules in the simulated eswitch). Either way the
# flows are inspected by itod, offloaded, VLAN 100 becomes 200 on the
# server's side, MACs and TTL arrive as the peers sent them, nothing is
# lost, and ageing hands conntrack exact counts. Runs inside the test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"

. "$here/flowlib.sh"

fwd_pkts() { nft_count ito-fw bridge t c_fwd fwd; }
invalid_pkts() { nft_count ito-fw bridge t c_fwd invalid; }
# packets that reached a peer with a TTL other than the sender's 64
ttl_changed() { echo $(($(nft_count ito-cli inet h in ttl) + $(nft_count ito-srv inet h in ttl))); }

# nat_rules RULES: the simulator's two rules of the translated session, one
# rewriting the source to 10.0.9.99:2600, the other the destination back to
# 10.0.9.2:1600, neither touching MACs or TTL
nat_rules()
{
	local orig reply

	[ "$(grep -c 'src_port 1600 ' "$1") $(grep -c 'dst_port 2600 ' "$1")" = "1 1" ] || return 1
	orig=$(grep 'src_port 1600 ' "$1")
	reply=$(grep 'dst_port 2600 ' "$1")
	grep -q 'set ip_src 10.0.9.99 ' <<<"$orig" && grep -q 'set udp_sport 2600 ' <<<"$orig" &&
		grep -q 'set ip_dst 10.0.9.2 ' <<<"$reply" && grep -q 'set udp_dport 1600 ' <<<"$reply" &&
		! grep -q 'eth_\|ip_ttl' <<<"${orig#* actions }${reply#* actions }"
}

no_bindings() { [ "$(fwctl -j nat show | jq length)" = 0 ]; }

# The peers' VLAN devices, the bridge of the two ports, the rulesets.
# vw_up CLIDEV A B SRVDEV: the devices exist, in their namespaces
vw_up()
{
	local ns
	cli ip link add link "$1" name "$1.100" type vlan id 100 &&
		fw ip link add link "$2" name "$2.100" type vlan id 100 &&
		fw ip link add link "$3" name "$3.200" type vlan id 200 &&
		srv ip link add link "$4" name "$4.200" type vlan id 200 &&
		fw ip link add br0 type bridge || return 1
	fw ip link set "$2.100" master br0
	fw ip link set "$3.200" master br0
	for dev in "$1" "$1.100"; do cli ip link set "$dev" up; done
	for dev in "$2" "$3" "$2.100" "$3.200" br0; do fw ip link set "$dev" up; done
	for dev in "$4" "$4.200"; do srv ip link set "$dev" up; done
	cli ip addr add 10.0.9.2/24 dev "$1.100"
	srv ip addr add 10.0.9.3/24 dev "$4.200"
	fw sysctl -qw net.netfilter.nf_conntrack_acct=1
	# the bridge alone, as the admin guide asks: a kernel with br_netfilter
	# built in (the debug kernel) shows bridged packets to the IP hooks,
	# whose NAT would de-NAT replies that br_netfilter then drops
	for f in iptables ip6tables arptables; do
		fw test -e "/proc/sys/net/bridge/bridge-nf-call-$f" || continue
		fw sysctl -qw "net.bridge.bridge-nf-call-$f=0"
	done
	for ns in ito-cli ito-srv; do
		ip netns exec $ns nft -f - <<-'NFT' || return 1
		table inet h {
			chain in {
				type filter hook input priority 0;
				ip ttl != 64 counter comment "ttl"
				counter comment "in"
			}
		}
		NFT
	done
	# "priority filter": ito's bridge hook comes right after this chain;
	# "fwd" counts the tests' TCP and UDP, not ARP or IPv6 housekeeping
	fw nft -f - <<-'NFT'
	table bridge t {
		chain c_fwd {
			type filter hook forward priority filter;
			ct state invalid counter drop comment "invalid"
			meta l4proto { tcp, udp } counter comment "fwd"
		}
	}
	NFT
}

# copies_in DELAY PORT: "COPIES DATAGRAMS", the first three copies an agent
# got, and in how many datagrams, of three packets sent back to back to
# PORT (a new flow; the server's ICMP answers are copied too), with
# copy-delay DELAY (us)
copies_in()
{
	fwctl set copy-delay "$1"
	fw python3 "$here/copy_agent.py" 3 30 >"$tmp/copies.$2" &
	local agent=$!
	wait_for 10 grep -q registered "$tmp/copies.$2"
	cli taskset -c 0 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(b"c", ("10.0.9.3", int(sys.argv[1])))' "$2"
	wait $agent
	sed 's/^/# copy: /' "$tmp/copies.$2" >&2
	awk 'NF == 6 { n++; if (!($5 in d)) { d[$5]; m++ } } END { print n + 0, m + 0 }' "$tmp/copies.$2"
}

# big_copy PORT: with snaplen 65535, one 65,507-byte UDP datagram to PORT
# is copied with between 65,000 and 65,534 bytes of its 65,535
big_copy()
{
	fwctl set snaplen 65535
	fw python3 "$here/copy_agent.py" 2 30 >"$tmp/big" &
	local agent=$!
	wait_for 10 grep -q registered "$tmp/big"
	cli python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(bytes(65507), ("10.0.9.3", int(sys.argv[1])))' "$1"
	wait $agent
	sed 's/^/# copy: /' "$tmp/big" >&2
	awk '$4 == 65535 && $6 > 65000 && $6 < 65535 { ok = 1 } END { exit !ok }' "$tmp/big"
}

# vw_suite MODE CLIDEV A B SRVDEV: the tests, MODE sw or hw
vw_suite()
{
	local mode=$1 cdev=$2 a=$3 b=$4 sdev=$5 off=sw cmac smac f id n0 n1 p0 h0 t0
	[ "$mode" = hw ] && off=hw

	check "$mode: bridge br0 of $a.100 and $b.200, peers on VLANs 100 and 200" vw_up "$cdev" "$a" "$b" "$sdev"
	check "$mode: the two ports enrolled as a vwire pair" bash -c "
		ip netns exec ito-fw '$ITOCTL' port add $a.100 mode vwire peer $b.200 offload $off &&
		ip netns exec ito-fw '$ITOCTL' port add $b.200 mode vwire peer $a.100 offload $off"
	# idle sessions age out in 3 s, longer on a slow kernel: the checks on
	# a stream that has ended come before its session goes
	fwctl set min-rate 0 tcp-ageing "$(slow 3)" udp-ageing "$(slow 3)"
	check "$mode: port show: both vwire, each the other's peer" test \
		"$(fwctl -j port show | jq -c '[.[]|select(.mode=="vwire")|.peer]|length')" = 2
	check "$mode: the peers reach each other across the bridge" \
		cli ping -c 2 -W 2 10.0.9.3
	cmac=$(mac ito-cli "$cdev")
	smac=$(mac ito-srv "$sdev")

	# a copy names the port the packet came in by, not the one it leaves by
	fw python3 "$here/copy_agent.py" 3 30 >"$tmp/copies" &
	local agent=$!
	wait_for 10 grep -q registered "$tmp/copies"
	cli python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(b"c", ("10.0.9.3", 7999))'
	wait $agent
	sed 's/^/# copy: /' "$tmp/copies"
	check "$mode: copies of the client's packets name $a.100 as their input" test \
		"$(awk '$1 == 0 {print $2}' "$tmp/copies" | sort -u)" = "$(fw cat "/sys/class/net/$a.100/ifindex")"
	if [ "$mode" = sw ]; then
		# a copy waits up to copy-delay for others to share its
		# datagram (at most 1 s), or goes at once
		f=$(slow 500000)
		[ "$f" -le 1000000 ] || f=1000000
		check "sw: copy-delay $f: three copies in one datagram" \
			test "$(copies_in "$f" 7998)" = "3 1"
		check "sw: copy-delay 0: three copies, one datagram each" \
			test "$(copies_in 0 7997)" = "3 3"
		fwctl set copy-delay 1000
		# a 65,535-byte packet (a UDP datagram the bridge's conntrack
		# reassembled) with snaplen 65535: the copy's nest says its
		# length in 16 bits, so the data stops short of the packet
		check "sw: a 64 KiB packet's copy is whole, its data cut to fit" \
			big_copy 7996
		fwctl set snaplen 256
	fi

	cat >"$tmp/itod.conf" <<-CONF
	default offload
	CONF
	start_itod
	echo_server 7000 "$tmp/echo.log"
	capture ito-srv "$sdev" "$tmp/srv.wire" udp
	capture ito-cli "$cdev" "$tmp/cli.wire" udp

	# --- UDP ------------------------------------------------------------
	p0=$(counter fastpath_pkts)
	[ "$mode" = hw ] && h0=$(sim_stat hits)
	cli python3 "$ECHO" client 10.0.9.3 7000 1500 200 0.05 100 >"$tmp/c1500" &
	local client=$!
	check "$mode: UDP flow offloaded" wait_for 4 is_state '.sport==1500' offloaded
	f=$(flow '.sport==1500')
	echo "# $f"
	id=$(jq -r .id <<<"$f")
	check "$mode: itod inspected it first (8 copies)" test "$(jq .copies <<<"$f")" = 8
	check "$mode: flow get: both directions in $mode" test \
		"$(fwctl -j flow get "$id" | jq -c '[.paths[].where]')" = "[\"$mode\",\"$mode\"]"
	if [ "$mode" = hw ]; then
		# grep reads debugfs unreliably: take a copy with cat
		cat "$SIM/rules" >"$tmp/rules"
		grep 'port 1500' "$tmp/rules" | sed 's/^/# /'
		check "hw: original rule: VLAN 100 -> 200 and the redirect, nothing else" \
			grep -Eq "in_port $a vlan_id 100 .*src_port 1500 dst_port 7000 .*actions set vlan_id 200 redirect $b packets" \
			"$tmp/rules"
		check "hw: reply rule: VLAN 200 -> 100 and the redirect, nothing else" \
			grep -Eq "in_port $b vlan_id 200 .*src_port 7000 dst_port 1500 .*actions set vlan_id 100 redirect $a packets" \
			"$tmp/rules"
	fi
	sleep 0.5
	n0=$(fwd_pkts)
	wait $client
	check "$mode: all 200 datagrams echoed" test "$(cat "$tmp/c1500")" = 200
	check "$mode: the bridge forwarded none of them once offloaded" test "$(fwd_pkts)" = "$n0"
	if [ "$mode" = hw ]; then
		check "hw: the simulator's rules carried them, not the software path" \
			test "$(( $(sim_stat hits) - h0 ))" -gt 300 -a "$(counter fastpath_pkts)" = "$p0"
	else
		check "sw: the software fast path carried them" \
			test "$(( $(counter fastpath_pkts) - p0 ))" -gt 300
	fi
	sleep 1
	check "$mode: the server got 200 frames tagged 200, from the client's MAC to its own" test \
		"$(grep -c "^.* $cmac > $smac, .*vlan 200, .* 10\.0\.9\.2\.1500 > 10\.0\.9\.3\.7000:" "$tmp/srv.wire")" = 200
	check "$mode: the client got 200 replies tagged 100, from the server's MAC to its own" test \
		"$(grep -c "^.* $smac > $cmac, .*vlan 100, .* 10\.0\.9\.3\.7000 > 10\.0\.9\.2\.1500:" "$tmp/cli.wire")" = 200
	check "$mode: every packet arrived with TTL 64, as sent" test "$(ttl_changed)" = 0
	check "$mode: the idle session ages out" wait_for 10 gone '.sport==1500'
	local ct
	ct=$(fw conntrack -L -p udp --sport 1500 -o extended 2>/dev/null)
	echo "# $ct"
	check "$mode: conntrack: 200 packets, 25600 bytes each way" \
		test "$(ct_acct "$ct")" = "packets=200 bytes=25600"
	check "$mode: conntrack: [OFFLOAD] cleared" bash -c "! grep -q OFFLOAD <<<'$ct'"
	if [ "$mode" = hw ]; then
		check "hw: the rules left the simulator" bash -c "! cat '$SIM/rules' | grep -q 'port 1500'"
	fi

	# --- TCP: a file --------------------------------------------------------
	head -c 20000000 /dev/urandom >"$tmp/file"
	srv timeout "$(slow 120)" socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$tmp/recv",creat,trunc &
	local server=$!
	listening ito-srv tcp 5001
	n0=$(fwd_pkts)
	t0=$(counter fastpath_teardown_fin_rst)
	check "$mode: TCP transfer completes" cli timeout "$(slow 120)" socat -u OPEN:"$tmp/file" TCP:10.0.9.3:5001
	wait $server
	n1=$(fwd_pkts)
	check "$mode: file arrives intact (sha256)" \
		test "$(sha256sum <"$tmp/file")" = "$(sha256sum <"$tmp/recv")"
	sleep 1.5
	f=$(flow '.proto=="tcp" and .dport==5001')
	echo "# $f; the bridge forwarded $((n1 - n0))"
	check "$mode: the transfer was offloaded: the bridge forwarded < 1/10 of it" \
		test "$(( (n1 - n0) * 10 ))" -lt "$(jq '.offload_pkts // 0' <<<"$f")"
	check "$mode: FIN handed the session back" test "$(counter fastpath_teardown_fin_rst)" -gt "$t0"
	check "$mode: conntrack saw no invalid packet" test "$(invalid_pkts)" = 0
	check "$mode: TCP kept TTL 64 too" test "$(ttl_changed)" = 0

	# --- NAT: a source NAT pool on the vwire --------------------------------
	# No IPv4 NAT hook sees bridged packets: ito's pool translates them.
	# The client's 10.0.9.2:1600 is bound to 10.0.9.99:2600 (the pool's
	# only pair; the client answers ARP for that address too), for every
	# destination, and the session is offloaded with that rewrite and the
	# reverse one, MACs and TTL as the peers sent them.
	check "$mode: NAT: a pool of one public pair for the client, out by $b.200" \
		fwctl nat pool add 1 private 10.0.9.2/32 public 10.0.9.99 ports 2600 dev "$b.200" hold "$(slow 2)"
	cli ip addr add 10.0.9.99/32 dev "$cdev.100"
	# a frame a host sends may carry its tag in the data (simwire)
	capture ito-srv "$sdev" "$tmp/srv.icmp" 'icmp or (vlan and icmp)'
	capture ito-cli "$cdev" "$tmp/cli.icmp" 'icmp or (vlan and icmp)'
	: >"$tmp/echo.log"
	p0=$(counter fastpath_pkts)
	[ "$mode" = hw ] && h0=$(sim_stat hits)
	cli python3 "$ECHO" client 10.0.9.3 7000 1600 200 0.05 100 >"$tmp/c1600" &
	client=$!
	check "$mode: NAT: the translated UDP flow is offloaded" \
		wait_for 4 is_state '.sport==1600' offloaded
	if [ "$mode" = hw ]; then
		cat "$SIM/rules" >"$tmp/rules"
		grep 'port 1600\|port 2600' "$tmp/rules" | sed 's/^/# /'
		check "hw: NAT: its rules rewrite the source one way, the destination the other, and keep MACs and TTL" \
			nat_rules "$tmp/rules"
	fi
	wait $client
	check "$mode: NAT: all 200 echoed back through the reverse translation" \
		test "$(cat "$tmp/c1600")" = 200
	check "$mode: NAT: the server saw only 10.0.9.99" \
		test "$(cut -d' ' -f1 "$tmp/echo.log" | sort -u)" = 10.0.9.99
	if [ "$mode" = hw ]; then
		check "hw: NAT: the simulator's rules carried them" \
			test "$(( $(sim_stat hits) - h0 ))" -gt 300 -a "$(counter fastpath_pkts)" = "$p0"
	else
		check "sw: NAT: the software fast path carried them" \
			test "$(( $(counter fastpath_pkts) - p0 ))" -gt 300
	fi
	# the same private pair to another destination: the same public pair;
	# its port is closed, and the ICMP error comes back translated (the
	# client's socket sees it only if the quoted packet is its own)
	check "$mode: NAT: the ICMP error from a closed port reaches the client's socket" \
		test "$(cli python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.9.2", 1600))
s.connect(("10.0.9.3", 7001))
s.settimeout(5)
s.send(b"x")
try:
    s.recv(10)
    print("answered")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")')" = refused
	check "$mode: NAT: one binding, 2 connections, whatever their destination" \
		test "$(fwctl -j nat show | jq -c '[.[]|[.private,.private_port,.public,.public_port,.total]]')" = \
		'[["10.0.9.2",1600,"10.0.9.99",2600,2]]'
	sleep 1
	check "$mode: NAT: the server got 200 frames from 10.0.9.99.2600, the client's MAC to its own" test \
		"$(grep -c "^.* $cmac > $smac, .*vlan 200, .* 10\.0\.9\.99\.2600 > 10\.0\.9\.3\.7000:" "$tmp/srv.wire")" = 200
	check "$mode: NAT: ... and the one to port 7001 from the same pair" test \
		"$(grep -c " 10\.0\.9\.99\.2600 > 10\.0\.9\.3\.7001:" "$tmp/srv.wire")" = 1
	check "$mode: NAT: the client got 200 replies to 10.0.9.2.1600, the server's MAC to its own" test \
		"$(grep -c "^.* $smac > $cmac, .*vlan 100, .* 10\.0\.9\.3\.7000 > 10\.0\.9\.2\.1600:" "$tmp/cli.wire")" = 200
	check "$mode: NAT: the ICMP error left the server to 10.0.9.99, reached the client to 10.0.9.2" test \
		"$(grep -c '10\.0\.9\.3 > 10\.0\.9\.99: ICMP 10\.0\.9\.3 udp port 7001 unreachable' "$tmp/srv.icmp") $(grep -c '10\.0\.9\.3 > 10\.0\.9\.2: ICMP 10\.0\.9\.3 udp port 7001 unreachable' "$tmp/cli.icmp")" = "1 1"
	check "$mode: NAT: no checksum errors at the server or the client, TTL kept" \
		test "$(srv nstat -az UdpInCsumErrors | awk '/UdpInCsumErrors/ {print $2}') $(cli nstat -az UdpInCsumErrors | awk '/UdpInCsumErrors/ {print $2}') $(ttl_changed)" = "0 0 0"
	# the offloaded session ages out; the one to port 7001 ends with its entry
	fw conntrack -D -p udp --dport 7001 >/dev/null 2>&1
	check "$mode: NAT: the sessions end, then the binding after its hold" \
		wait_for 20 no_bindings
	fwctl nat pool del 1
	cli ip addr del 10.0.9.99/32 dev "$cdev.100"

	stop_itod
	check "$mode: the ports leave, their flows with them" bash -c "
		ip netns exec ito-fw '$ITOCTL' port del $a.100 &&
		ip netns exec ito-fw '$ITOCTL' port del $b.200 &&
		[ \"\$(ip netns exec ito-fw '$ITOCTL' -j flow show | jq length)\" = 0 ]"
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	topo_down
}

plan 83

modprobe nf_nat
modprobe nf_conntrack_bridge
rmmod ito 2>/dev/null
rmmod ito_sim 2>/dev/null
insmod "$ITO_KO" || exit 1

# --- software: veth pairs ---------------------------------------------------
for ns in ito-cli ito-fw ito-srv; do
	ip netns add $ns
	ip -n $ns link set lo up
done
ip link add c0 netns ito-cli type veth peer name f0 netns ito-fw
ip link add s0 netns ito-srv type veth peer name f1 netns ito-fw
# real checksums on the wire, verified by the receivers
cli ethtool -K c0 tx off rx off >/dev/null
srv ethtool -K s0 tx off rx off >/dev/null
vw_suite sw c0 f0 f1 s0

# --- hardware: the simulator's port pairs -----------------------------------
check "ito_sim loads" insmod "$ITO_SIM_KO"
netns_up
sim_pair 2 ito-fw ito-cli
sim_pair 3 ito-fw ito-srv
vw_suite hw simwire2 simrep2 simrep3 simwire3

check "ito unloads cleanly after" rmmod ito
finish
