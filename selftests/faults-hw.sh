#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Faults under traffic with sessions in hardware, on the DPU simulator:
#
#   [ito-cli] simwire0 ~~ simrep0 [ito-fw: ito.ko, itod] simrep1 ~~ simwire1 [ito-srv]
#   10.0.1.2/24                10.0.1.1 | 10.0.2.1               10.0.2.2/24
#
# ito unloaded, the simulator unloaded, a port, a simulated port pair and
# the firewall namespace removed while sessions run as rules in the
# simulator, and flushes racing a storm of short TCP connections. Besides
# what faults.sh asks of the software path: no rule is left in the
# simulator, no flow block stays bound to a port that goes, and where the
# device is still there the rules' last counters reach conntrack. Runs
# inside the test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"

. "$here/flowlib.sh"

fwd_pkts() { nft_count ito-fw inet t c_fwd fwd; }
invalid_pkts() { nft_count ito-fw inet t c_fwd invalid; }

# pairs_up: simulated port pairs 0 and 1 between the namespaces, addressed
pairs_up()
{
	sim_pair 0 ito-fw ito-cli && sim_pair 1 ito-fw ito-srv &&
		cli ip addr add 10.0.1.2/24 dev simwire0 &&
		fw ip addr add 10.0.1.1/24 dev simrep0 &&
		fw ip addr add 10.0.2.1/24 dev simrep1 &&
		srv ip addr add 10.0.2.2/24 dev simwire1 &&
		cli ip route add 10.0.2.0/24 via 10.0.1.1 &&
		srv ip route add default via 10.0.2.1
}

sim_topo_up()
{
	local ns
	for ns in ito-cli ito-fw ito-srv; do
		ip netns add $ns
		ip -n $ns link set lo up
	done
	fw sysctl -qw net.ipv4.ip_forward=1
	pairs_up
}

# fw_setup: ruleset, ports in hardware and knobs (again after a reload)
fw_setup()
{
	fw sysctl -qw net.netfilter.nf_conntrack_acct=1 &&
		fw nft -f - <<-'NFT' &&
		flush ruleset
		table inet t {
			chain c_fwd {
				type filter hook forward priority 0;
				ct state invalid counter drop comment "invalid"
				counter comment "fwd"
			}
		}
		NFT
		fwctl port add simrep0 offload hw && fwctl port add simrep1 offload hw &&
		fwctl set min-rate 0 tcp-ageing 30 udp-ageing 30
}

# servers: the echo servers in ito-srv, ready; what they say when their
# network goes away in $tmp/servers.err. Never inside check(): its $(...)
# would wait for them to exit.
servers()
{
	{ echo_server 7000 "$tmp/echo7000" && tcp_server 5000; } 2>>"$tmp/servers.err" ||
		echo "# the servers did not start"
}

# in_hw SPORT: the UDP flow from SPORT runs as two rules in the simulator
in_hw()
{
	local id

	offloaded ".sport==$1" || return 1
	id=$(flow_id ".sport==$1")
	[ "$(fwctl -j flow get "$id" | jq -c '[.paths[].where]')" = '["hw","hw"]' ] &&
		[ "$(grep -c "port $1 " "$SIM/rules")" = 2 ]
}
# pair_in_hw SPORT: that, and one TCP stream in hardware: four rules
pair_in_hw() { in_hw "$1" && [ "$(n_flows "$TCP_OFFLOADED")" = 1 ] && [ "$(session_rules)" = 4 ]; }
# hits_above N: the simulator's rules carried more than N frames
hits_above() { [ "$(sim_stat hits)" -gt "$1" ]; }
# no_rules: nor any TTL guard (ito is gone from the device)
no_rules() { ! grep -q . "$SIM/rules"; }
reps_home() { ip link show simrep0 >/dev/null 2>&1 && ip link show simrep1 >/dev/null 2>&1; }

plan 70

dmesg0=$(dmesg | wc -l)
modprobe nf_nat
rmmod ito 2>/dev/null
rmmod ito_sim 2>/dev/null
check "ito_sim loads" insmod "$ITO_SIM_KO"
insmod "$ITO_KO" || exit 1
check "two simulated port pairs" sim_topo_up
check "the firewall is set up, its ports in hardware" fw_setup
cat >"$tmp/itod.conf" <<CONF
default offload
CONF
start_itod
servers

section "rmmod ito"
# The unload takes the rules out of the device, hands their last counters
# to conntrack, and the host's slow path carries the rest.
udp_stream 1500
u=$!
tcp_stream s1
t=$!
check "a UDP and a TCP session in hardware, four rules" wait_for 20 pair_in_hw 1500
check "the rules carry them" wait_for 20 hits_above 40
check "conntrack marks both [HW_OFFLOAD]" test "$(fw conntrack -L 2>/dev/null | grep -c HW_OFFLOAD)" = 2
n1=$(fwd_pkts)
check "rmmod ito under traffic" within 60 rmmod ito
check "no rule left in the simulator, nor any TTL guard" no_rules
check "no conntrack entry is left [OFFLOAD]" no_offload_bits
fwd_grew() { [ "$(fwd_pkts)" -ge $(($1 + 40)) ]; }
check "the host carries them on (the forward chain counts again)" wait_for 20 fwd_grew "$n1"
stop_client $t
rc=$?
[ "$rc" = 0 ] || sed "s/^/# /" "$tmp"/s?.err
check "TCP: the connection lived on" test "$rc" = 0
stop_client $u
check "UDP: every datagram echoed across the unload ($(cat "$tmp/u1500"))" all_echoed 1500
check "conntrack: exact counts each way, the rules' share included" ct_exact 1500
check "conntrack called no packet invalid" test "$(invalid_pkts)" = 0
check "ito loads again" insmod "$ITO_KO"
check "the firewall is set up again" fw_setup
check "itod registers with the new module" registered 2
udp_stream 1501
u=$!
check "a new flow runs in hardware" wait_for 20 in_hw 1501
stop_client $u
check "all its datagrams echoed" all_echoed 1501

section "rmmod ito_sim"
# The device goes: ports, flows and sessions with it; nothing may stay bound.
fwctl flow flush
udp_stream 1600
u=$!
tcp_stream s2
t=$!
check "two sessions in hardware" wait_for 20 pair_in_hw 1600
check "rmmod ito_sim under traffic" within 60 rmmod ito_sim
check "its ports left ito" test "$(fwctl -j port show | jq length)" = 0
check "their flows ended" wait_for 5 no_flows
check "no session left, no [OFFLOAD] bit" clean_sessions
kill $u $t 2>/dev/null
wait $u $t
check "ito_sim loads again" insmod "$ITO_SIM_KO"
check "new port pairs" pairs_up
check "enrolled in hardware" bash -c \
	"ip netns exec ito-fw '$ITOCTL' port add simrep0 offload hw && ip netns exec ito-fw '$ITOCTL' port add simrep1 offload hw"
udp_stream 1601
u=$!
check "a new flow runs in hardware" wait_for 20 in_hw 1601
stop_client $u
check "all its datagrams echoed" all_echoed 1601

section "port del"
fwctl flow flush
ip netns exec ito-fw "$ITOCTL" -j monitor >"$tmp/events" &
monitor=$!
end_reason() { jq -rs "[.[]|select(.event==\"end\" and .id==$1)][0].reason" "$tmp/events"; }
ended_by() { [ "$(end_reason "$1")" = "$2" ]; }
udp_stream 1700
u=$!
tcp_stream s3
t=$!
check "port del: two sessions in hardware" wait_for 20 pair_in_hw 1700
id=$(flow_id '.sport==1700')
n1=$(fwd_pkts)
check "itoctl port del simrep1 under traffic" fwctl port del simrep1
check "no session rule left in the simulator" no_session_rules
check "no session left, no [OFFLOAD] bit" clean_sessions
check "the flow ended, reason port-removed" wait_for 5 ended_by "$id" port-removed
check "the host carries them on" wait_for 20 fwd_grew "$n1"
stop_client $t
rc=$?
[ "$rc" = 0 ] || sed "s/^/# /" "$tmp"/s?.err
check "TCP: the connection lived on" test "$rc" = 0
stop_client $u
check "UDP: every datagram echoed across the port's removal" all_echoed 1700
check "conntrack: exact counts each way, the rules' share included" ct_exact 1700
check "conntrack called no packet invalid" test "$(invalid_pkts)" = 0
check "the port comes back in hardware" fwctl port add simrep1 offload hw
udp_stream 1701
u=$!
check "a new flow runs in hardware" wait_for 20 in_hw 1701
stop_client $u
check "all its datagrams echoed" all_echoed 1701

section "port pair deleted"
# The device's own deletion (a simulator device has no "ip link del"). The
# device forgets its rules first, so their last counters are lost: no
# exact count here, only that nothing is left.
fwctl flow flush
udp_stream 1800
u=$!
check "pair del: a session in hardware" wait_for 20 in_hw 1800
id=$(flow_id '.sport==1800')
check "port pair 1 deleted under traffic" bash -c "echo 1 >'$SIM/del_port'"
check "the port is gone" test "$(fwctl -j port show | jq -c '[.[].ifname]')" = '["simrep0"]'
check "no session left, no [OFFLOAD] bit" clean_sessions
check "no session rule left in the simulator" no_session_rules
check "the flow ended, reason port-removed" wait_for 3 ended_by "$id" port-removed
stop_client $u
check "a new pair 1, enrolled in hardware" bash -c \
	"echo 1 >'$SIM/new_port' && ip link set simrep1 netns ito-fw && ip link set simwire1 netns ito-srv &&
	 ip -n ito-fw link set simrep1 up && ip -n ito-srv link set simwire1 up &&
	 ip -n ito-fw addr add 10.0.2.1/24 dev simrep1 && ip -n ito-srv addr add 10.0.2.2/24 dev simwire1 &&
	 ip -n ito-srv route add default via 10.0.2.1 && ip netns exec ito-fw '$ITOCTL' port add simrep1 offload hw"
udp_stream 1801
u=$!
check "a new flow runs in hardware" wait_for 20 in_hw 1801
stop_client $u
check "all its datagrams echoed" all_echoed 1801
kill $monitor
wait $monitor 2>/dev/null

section "ip netns del"
fwctl flow flush
udp_stream 1900
tcp_stream s4
check "netns del: two sessions in hardware" wait_for 20 pair_in_hw 1900
stop_itod	# nothing may keep the namespace alive
check "ip netns del ito-fw under traffic" within 30 ip netns del ito-fw
check "the representors come back to the initial namespace" wait_for 20 reps_home
check "no rule left in the simulator, nor any TTL guard" no_rules
kill $(jobs -p) 2>/dev/null	# the clients, and the servers left in ito-srv
wait 2>/dev/null
check "ito unloads: the instance is gone" within 60 rmmod ito
# removing the pairs tells whether a flow block is still bound to them
echo 0 >"$SIM/del_port"
echo 1 >"$SIM/del_port"
check "ito loads again" insmod "$ITO_KO"
topo_down
check "a fresh topology" sim_topo_up
check "a fresh firewall" fw_setup
start_itod
servers
check "the fresh instance counts from zero" test "$(fwctl -j counters | jq '[.[]] | add')" = 0
udp_stream 1901
u=$!
check "a new flow runs in hardware" wait_for 20 in_hw 1901
stop_client $u
check "all its datagrams echoed" all_echoed 1901

section "flushes racing a FIN/RST storm"
# As in faults.sh, with the sessions in hardware: the rules must all go.
storm_under_flushes hw_session_insert "sessions went to hardware"
check "no session left after the storm" wait_for 5 sessions_balanced
check "no session rule left in the simulator" no_session_rules
check "no [OFFLOAD] bit left" no_offload_bits
fw conntrack -F 2>/dev/null
check "once conntrack forgets them, no flow is left" wait_for 5 no_flows
check "the kernel logged no problem" kernel_quiet "$dmesg0"

finish
