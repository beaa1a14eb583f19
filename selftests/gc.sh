#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The flow GC at a size where walking every flow each second would show
# (design.rst, "The flow GC"): 40,000 flows, made by pktgen, that nobody
# decides, and a few sessions among them. The GC looks at a fraction of
# the flows a second; idle sessions still age on time (the deadline
# wheel); a shorter ageing applies to every session at once; an entry
# deleted from conntrack ends its flow within the sweep's period, and an
# offloaded one leaves the fast path at its next packet. Runs inside the
# test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"

. "$here/flowlib.sh"

plan 24

# 20 source addresses x 2001 source ports: coprime, so that pktgen's two
# counters, stepping together, walk all 40,020 pairs (its address range
# includes the maximum, its port range does not)
NADDR=20 NPORT=2001
NF=$((NADDR * NPORT))

modprobe nf_nat
modprobe pktgen
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
sysctl -qw net.netfilter.nf_conntrack_max=$((NF * 2))
fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3600
fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=3600
sysctl -qw net.core.netdev_max_backlog=$((NF + 1000))
# the flood's sink: the server drops it unanswered
srv nft -f - <<'NFT'
table netdev sink {
	chain in {
		type filter hook ingress device s0 priority 0;
		udp dport 9 drop
	}
}
NFT
fw ping -c1 -W2 10.0.2.2 >/dev/null
fwctl port add f0
fwctl port add f1
fwctl set min-rate 0 udp-ageing 3600 max-flows $((NF * 2))
echo_server 7000 "$tmp/echo.log"

# flood: one datagram of each of the NF flows, client to server port 9
flood()
{
	local pg=/proc/net/pktgen c

	cli bash -c "echo rem_device_all >$pg/kpktgend_0; echo add_device c0 >$pg/kpktgend_0"
	for c in "count $NF" 'clone_skb 0' 'pkt_size 60' 'delay 0' \
		"dst_mac $(mac ito-fw f0)" 'src_min 10.0.1.10' \
		"src_max 10.0.1.$((10 + NADDR - 1))" 'dst_min 10.0.2.2' \
		'dst_max 10.0.2.2' 'udp_src_min 10000' \
		"udp_src_max $((10000 + NPORT))" 'udp_dst_min 9' 'udp_dst_max 9'; do
		cli bash -c "echo '$c' >$pg/c0"
	done
	cli bash -c "echo start >$pg/pgctrl"
}

tracked_all() { [ "$(counter flows_active)" -ge "$NF" ]; }

section "$NF flows"
t0=$SECONDS
for r in 1 2 3 4; do
	flood
	wait_for 5 tracked_all && break
done
echo "# $(counter flows_active) flows after $r floods, $((SECONDS - t0)) s"
check "$NF flows tracked" tracked_all

ip netns exec ito-fw "$ITOCTL" -j monitor >"$tmp/events" &

# the GC's work a second: its sweep (4,096 flows a second here) and the
# deadlines that came, not a walk of all 40,020
l0=$(counter gc_looks)
sleep 10
l1=$(counter gc_looks)
rate=$(((l1 - l0) / 10))
echo "# the GC looked at $rate flows a second"
check "the GC looks at fewer than a third of the flows a second ($rate)" \
	test "$rate" -lt $((NF / 3))
check "and its sweep runs ($rate)" test "$rate" -ge 500

# ended SPORT: the end event of the flow from SPORT, if any
ended() { jq -c -s "[.[]|select(.event==\"end\" and .sport==$1)][0] // empty" "$tmp/events"; }
has_ended() { [ -n "$(ended "$1")" ]; }
all_ended() { local p; for p; do has_ended "$p" || return 1; done; }
# new_id SPORT: the id of the newest flow from SPORT
new_id() { jq -s "[.[]|select(.event==\"new\" and .sport==$1)][-1].id // empty" "$tmp/events"; }
has_new() { [ -n "$(new_id "$1")" ]; }
# n_new SPORT: how many flows from SPORT were made
n_new() { jq -s "[.[]|select(.event==\"new\" and .sport==$1)]|length" "$tmp/events"; }
is_offloaded() { fwctl -j flow get "$(new_id "$1")" 2>/dev/null | jq -e '.state=="offloaded"' >/dev/null; }

# client SPORT: a UDP client from SPORT, 500 datagrams 20 ms apart to the
# echo server; the echoes counted in $tmp/cSPORT
client()
{
	ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 "$1" 500 "$(slowf 0.02)" >"$tmp/c$1" &
	client_pids+=($!)
}
client_pids=()
# offload SPORT...: each flow gets "offload" by hand (no agent is
# registered) and is offloaded. Each itoctl or jq takes about a second in
# the guest: the clients send for longer than this takes.
offload()
{
	local p

	for p; do
		wait_for 10 has_new "$p" || return 1
		fwctl flow verdict "$(new_id "$p")" offload || return 1
	done
	for p; do
		wait_for 10 is_offloaded "$p" || return 1
	done
}

section "a shorter ageing applies to every session at once"
client 1501
client 1502
check "two sessions offloaded" offload 1501 1502
wait "${client_pids[@]}"
check "they idle with udp-ageing 3600" \
	bash -c "$(declare -f ended has_ended); tmp=$tmp; ! has_ended 1501 && ! has_ended 1502"
# filed an hour ahead (the wheel's edge: 63 s), and the sweep takes ~10 s
l0=$(counter gc_looks)
fwctl set udp-ageing 1
check "udp-ageing 1: both end" wait_for 10 all_ended 1501 1502
check "as aged" test "$(jq -s '[.[]|select(.event=="end" and .reason=="aged")]|length' "$tmp/events")" = 2
l1=$(counter gc_looks)
check "the GC looked at every flow at once ($((l1 - l0)) looks)" \
	test $((l1 - l0)) -ge "$NF"

section "idle sessions age on time among $NF flows"
fwctl set udp-ageing 3
# three sessions a few seconds apart: a sweep that happened to pass one
# at its deadline would not pass the others at theirs
client_pids=()
for p in 1511 1512 1513; do
	client $p
	check "session $p offloaded" offload $p
	sleep 2
done
wait "${client_pids[@]}"
check "they age out" wait_for 20 all_ended 1511 1512 1513
# the sweep alone would find them up to its ~10 s period late
late=$((3000 + 2000 * ${ITO_TIME_SCALE:-1}))
for p in 1511 1512 1513; do
	idle=$(ended $p | jq .idle_ms)
	check "session $p aged 3 to $((late / 1000)) s after its last packet ($idle ms)" \
		test "$idle" -ge 3000 -a "$idle" -le "$late"
done
check "every datagram echoed" \
	test "$(cat "$tmp"/c15{01,02,11,12,13} | sort -u)" = 500

section "conntrack -D"
fwctl set udp-ageing 3600
fw conntrack -D -p udp -s 10.0.1.10 --sport 10000 >/dev/null 2>&1
check "a deleted inspected flow ends within the sweep's period (30 s)" \
	wait_for 30 has_ended 10000
check "with reason timeout" test "$(ended 10000 | jq -r .reason)" = timeout

udp_stream 1521
stream=$!
check "a stream offloaded" offload 1521
d0=$(counter fastpath_teardown_deleted)
fw conntrack -D -p udp --sport 1521 >/dev/null 2>&1
# the sweep would take ~10 s; the fast path hands the session back to the
# stack at its next packet (20 ms), which makes a new entry
deleted() { [ "$(counter fastpath_teardown_deleted)" -gt "$d0" ]; }
check "deleted while offloaded: the fast path let go at the next packet" \
	wait_for 5 deleted
check "the old flow ends" wait_for 30 has_ended 1521
# the new entry's original direction is the first packet's after the
# delete: the client's datagram or the server's echo
n_conn() { jq -s '[.[]|select(.event=="new" and (.sport==1521 or .dport==1521))]|length' "$tmp/events"; }
two_flows() { [ "$(n_conn)" = 2 ]; }
check "the connection goes on as a new flow" wait_for 10 two_flows
stop_client $stream
check "the stream lost nothing" all_echoed 1521

section "unload"
check "ito unloads with $NF flows" within "$(slow 60)" rmmod ito
finish
