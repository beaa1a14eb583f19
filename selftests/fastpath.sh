#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The software fast path among the rest of the host (topo.sh, itod deciding
# "offload"): an egress sch_fq with receive timestamps on, an nftables
# flowtable on the same ports, a VLAN device of a port's real device in
# another namespace, and IPv4 BIG TCP (kernels from 6.3). Runs inside the
# test VM.
#
#   [ito-cli] c0 ------- f0 [ito-fw] f1 ------- s0 [ito-srv: 10.0.22.2 on lo]
#      c0.200 (VLAN 200) f0.200 (a port)
#   [ito-cli2] c0.100 -> tag 100 on f0 -> fx [ito-x], f0.200's ifindex = fx's
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"

. "$here/flowlib.sh"

cleanup_extra()
{
	ip netns del ito-x 2>/dev/null
	ip netns del ito-cli2 2>/dev/null
	return 0
}

# fq_drops DEV: packets the fq root qdisc of DEV (in ito-fw) dropped
fq_drops() { fw tc -s -j qdisc show dev "$1" | jq '[.[]|select(.kind=="fq")|.drops][0]'; }
claimed() { [ "$(counter offload_refused_claimed)" -gt 0 ]; }
# echoed LOG LEN: datagrams of LEN bytes the echo server logged
echoed() { awk -v l="$2" '$3 == l' "$1" | wc -l; }

# big_tcp NS DEV SIZE: IPv4 GSO and GRO up to SIZE bytes (iproute2 6.1 has
# no words for them): IFLA_GSO_IPV4_MAX_SIZE (63), IFLA_GRO_IPV4_MAX_SIZE (64)
big_tcp()
{
	ip netns exec "$1" python3 - "$2" "$3" <<-'PY'
	import socket, struct, sys
	dev, size = sys.argv[1], int(sys.argv[2])
	s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
	s.bind((0, 0))
	at = b"".join(struct.pack("HHI", 8, t, size) for t in (41, 63, 64))
	body = struct.pack("BxHiII", socket.AF_UNSPEC, 0,
			   socket.if_nametoindex(dev), 0, 0) + at
	# RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK
	s.send(struct.pack("IHHII", 16 + len(body), 16, 5, 1, 0) + body)
	err = struct.unpack_from("i", s.recv(4096), 16)[0]
	sys.exit(err and f"{dev}: error {err}")
	PY
}

big_tcp_all()
{
	big_tcp ito-cli c0 "$1" && big_tcp ito-fw f0 "$1" &&
		big_tcp ito-fw f1 "$1" && big_tcp ito-srv s0 "$1"
}

# kernel_at_least MAJOR MINOR
kernel_at_least()
{
	local v
	v=$(uname -r | cut -d- -f1)
	[ "${v%%.*}" -gt "$1" ] || { [ "${v%%.*}" = "$1" ] && [ "$(cut -d. -f2 <<<"$v")" -ge "$2" ]; }
}

plan 28

modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
fw sysctl -qw net.netfilter.nf_conntrack_acct=1
fwctl port add f0
fwctl port add f1
fwctl set min-rate 0 udp-ageing 3 tcp-ageing 3
echo "default offload" >"$tmp/itod.conf"
start_itod
echo_server 7000 "$tmp/echo.log"

# --- sch_fq on the egress, receive timestamps on -----------------------------
# A socket asking for SO_TIMESTAMP turns timestamping on for every packet
# received, at netif_rx() with netdev_tstamp_prequeue. That stamp is
# wall-clock time, which fq reads as a departure time decades ahead.
sysctl -qw net.core.netdev_tstamp_prequeue=1
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)	# SO_TIMESTAMP
open(sys.argv[1], "w").write("on\n")
time.sleep(600)' "$tmp/tstamp" &
wait_for 10 test -s "$tmp/tstamp"
fw tc qdisc replace dev f0 root fq
fw tc qdisc replace dev f1 root fq
p0=$(counter fastpath_pkts)
cli python3 "$ECHO" client 10.0.2.2 7000 1500 200 0.02 100 >"$tmp/c1500" &
client=$!
check "fq: UDP flow offloaded" wait_for 10 is_state '.sport==1500' offloaded
wait $client
check "fq: all 200 datagrams echoed" test "$(cat "$tmp/c1500")" = 200
check "fq: the fast path carried them" test "$(( $(counter fastpath_pkts) - p0 ))" -gt 300
check "fq: no drop on f0 or f1 ($(fq_drops f0), $(fq_drops f1))" \
	test "$(fq_drops f0) $(fq_drops f1)" = "0 0"
fw tc qdisc del dev f0 root
fw tc qdisc del dev f1 root

# --- an nftables flowtable on the same ports ------------------------------------
# It takes the connection at its 8th packet (a reply), in the forward chain
# just before ito's hook, which finds the flow eligible on that same packet
# (min-pkts 8): conntrack's offload mark goes to whoever sets it first,
# and ito leaves the connection to the flowtable.
check "an nftables flowtable on f0 and f1" fw nft -f - <<'NFT'
table inet ft {
	flowtable f {
		hook ingress priority 0; devices = { f0, f1 };
	}
	chain c_fwd {
		type filter hook forward priority filter;
		udp dport 7000 ct original packets >= 4 ct reply packets >= 4 flow add @f
		udp sport 7000 ct original packets >= 4 ct reply packets >= 4 flow add @f
	}
}
NFT
p0=$(counter fastpath_pkts)
cli python3 "$ECHO" client 10.0.2.2 7000 1600 100 0.05 100 >"$tmp/c1600" &
client=$!
check "flowtable first: ito counts the connection as claimed" wait_for 4 claimed
wait $client
f=$(flow '.sport==1600')
echo "# $f"
check "flowtable first: ito's flow stays on the slow path" test "$(jq -r .state <<<"$f")" = slowpath
check "flowtable first: all 100 echoed" test "$(cat "$tmp/c1600")" = 100
check "flowtable first: ito's fast path carried none of it" test "$(counter fastpath_pkts)" = "$p0"
fw nft delete table inet ft

# ito first: a flowtable that waits for 20 packets each way finds the
# connection gone from the forward chain (ito offloaded it at 8) and
# conntrack's offload mark taken; the connection stays ito's.
check "a flowtable that waits for 20 packets each way" fw nft -f - <<'NFT'
table inet ft {
	flowtable f {
		hook ingress priority 0; devices = { f0, f1 };
	}
	chain c_fwd {
		type filter hook forward priority filter;
		udp dport 7000 ct original packets >= 20 ct reply packets >= 20 flow add @f counter comment "ft"
		udp sport 7000 ct original packets >= 20 ct reply packets >= 20 flow add @f counter comment "ft"
	}
}
NFT
p0=$(counter fastpath_pkts)
c0=$(counter offload_refused_claimed)
cli python3 "$ECHO" client 10.0.2.2 7000 1601 100 0.05 100 >"$tmp/c1601" &
client=$!
check "ito first: offloaded by ito" wait_for 4 is_state '.sport==1601' offloaded
wait $client
check "ito first: all 100 echoed" test "$(cat "$tmp/c1601")" = 100
check "ito first: its fast path carried the rest ($(( $(counter fastpath_pkts) - p0 )) packets)" \
	test $(( $(counter fastpath_pkts) - p0 )) -ge 150
check "ito first: the flowtable's rule never took it" \
	test "$(nft_count ito-fw inet ft c_fwd ft)" = 0 -a "$(counter offload_refused_claimed)" = "$c0"
fw nft delete table inet ft

# --- a VLAN device on f0 in another namespace, with a port's ifindex ---------------
ip netns add ito-x
ip netns add ito-cli2
ip -n ito-cli2 link set lo up
# fx first, then f0.200 with the ifindex fx left behind in ito-fw
fw ip link add link f0 name fx type vlan id 100
idx=$(fw cat /sys/class/net/fx/ifindex)
fw ip link set fx netns ito-x
check "VLAN 100 of f0 in ito-x, its ifindex ($idx) kept" \
	test "$(ip -n ito-x -j link show fx | jq '.[0].ifindex')" = "$idx"
ip -n ito-x link set fx up
cli ip link add link c0 name c0.200 type vlan id 200
fw ip link add link f0 name f0.200 index "$idx" type vlan id 200
cli ip addr add 10.0.21.2/24 dev c0.200
fw ip addr add 10.0.21.1/24 dev f0.200
cli ip link set c0.200 up
fw ip link set f0.200 up
srv ip addr add 10.0.22.2/32 dev lo
fw ip route add 10.0.22.2/32 via 10.0.2.2
cli ip route add 10.0.22.2/32 via 10.0.21.1
check "f0.200, a port, has fx's ifindex" bash -c "
	ip netns exec ito-fw '$ITOCTL' port add f0.200 &&
	[ \$(ip netns exec ito-fw cat /sys/class/net/f0.200/ifindex) = $idx ]"
# ito-cli2 sends on VLAN 100 what ito-cli sends on VLAN 200
cli ip link add link c0 name c0.100 netns ito-cli2 type vlan id 100
ip -n ito-cli2 addr add 10.0.21.2/24 dev c0.100
ip -n ito-cli2 link set c0.100 up
ip -n ito-cli2 neigh add 10.0.21.1 lladdr "$(mac ito-fw f0)" dev c0.100
ip -n ito-cli2 route add 10.0.22.2/32 via 10.0.21.1
echo_server 7003 "$tmp/echo7003" 10.0.22.2
# long enough to be offloaded still when ito-cli2 sends, on a loaded host
cli python3 "$ECHO" client 10.0.22.2 7003 4500 600 0.02 100 >"$tmp/c4500" &
client=$!
check "VLAN 200 flow offloaded" wait_for 4 is_state '.sport==4500' offloaded
ip netns exec ito-cli2 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.21.2", 4500))
for _ in range(50):
    s.sendto(b"v" * 333, ("10.0.22.2", 7003))'
wait $client
check "VLAN 200 flow: all 600 echoed" test "$(cat "$tmp/c4500")" = 600
check "frames of ito-x's VLAN 100 were not forwarded as VLAN 200's flow" \
	test "$(echoed "$tmp/echo7003" 333)" = 0

# --- flows ended under load ----------------------------------------------------------
# 100 flows at 50 packets/s each while "flow flush" ends them all, 80 times:
# packets that found a flow just before it ended still run through the hook
# and the fast path. None may queue an ended flow for admission (a session
# left behind, for a freed flow), and none may leave by an entry whose next
# hop was taken away (a zero destination MAC on the server's wire).
fwctl set min-pkts 1
capture ito-srv s0 "$tmp/zero.wire" ether dst 00:00:00:00:00:00
cli python3 "$ECHO" clients 10.0.2.2 7000 6000 100 400 0.02 >"$tmp/c6000" &
client=$!
i0=$(counter flow_offload_session_insert)
sleep 1
for i in $(seq 80); do
	fwctl flow flush
	sleep 0.1
done
wait $client
sleep 1
fwctl flow flush
echo "# $(( $(counter flow_offload_session_insert) - i0 )) sessions installed, $(cat "$tmp/c6000") of 40000 echoed"
check "flushes under load: sessions were installed and flushed" \
	test "$(( $(counter flow_offload_session_insert) - i0 ))" -gt 100
check "flushes under load: no session left behind" no_sessions
check "flushes under load: no flow left behind" test "$(counter flows_active)" = 0
check "flushes under load: no frame with a zero destination MAC" \
	test "$(grep -c ethertype "$tmp/zero.wire")" = 0
fwctl set min-pkts 8

# --- IPv4 BIG TCP: packets above 64 KiB, tot_len 0 ----------------------------------
if kernel_at_least 6 3; then
	# segments of one MTU from the client, which GRO on f0 (veth with
	# NAPI) merges into packets above 64 KiB when they come in bursts
	cli ethtool -K c0 tso off gso off >/dev/null
	fw ethtool -K f0 gro on >/dev/null
	check "BIG TCP on c0, f0, f1 and s0" big_tcp_all 185000
	head -c 50000000 /dev/urandom >"$tmp/file"
	srv timeout "$(slow 90)" socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$tmp/recv",creat,trunc &
	server=$!
	listening ito-srv tcp 5001
	check "BIG TCP: 50 MB cross in $(slow 60) s" cli timeout "$(slow 60)" socat -u OPEN:"$tmp/file" TCP:10.0.2.2:5001
	wait $server
	check "BIG TCP: file intact (sha256)" test "$(sha256sum <"$tmp/file")" = "$(sha256sum <"$tmp/recv")"
	f=$(flow '.proto=="tcp" and .dport==5001')
	echo "# $f"
	# the sender sizes its packets by its rate: under emulation it may
	# never build one above 64 KiB, and then there is nothing to show
	if [ "$(jq '.bytes_orig / .pkts_orig > 65535' <<<"$f")" = true ]; then
		check "BIG TCP: the fast path carried most of it, in packets above 64 KiB" \
			test "$(jq '.offload_bytes > 25000000' <<<"$f")" = true
	else
		skip "BIG TCP: packets above 64 KiB" "the sender built none (average $(jq '.bytes_orig / .pkts_orig | floor' <<<"$f") bytes)"
	fi
else
	for t in "BIG TCP set up" "BIG TCP: 50 MB cross" "BIG TCP: file intact" "BIG TCP: packets above 64 KiB"; do
		skip "$t" "IPv4 BIG TCP needs Linux 6.3"
	done
fi

stop_itod
check "ito unloads cleanly" bash -c "sleep 0.5; rmmod ito"
finish
