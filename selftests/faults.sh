#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Faults under traffic, on the software fast path (topology of topo.sh):
# the module unloaded, the agent killed, a port, a device and the whole
# firewall namespace removed while sessions carry traffic, and flushes racing
# a storm of short TCP connections. What ito promises: every connection the
# stack can still carry goes on, conntrack gets exact counters back and no
# [OFFLOAD] bit, nothing is left behind (flows, sessions), a fresh instance
# works after, and the kernel reports nothing. faults-hw.sh does the same on
# the DPU simulator. Runs inside the test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"

. "$here/flowlib.sh"

fwd_pkts() { nft_count ito-fw inet t c_fwd fwd; }
invalid_pkts() { nft_count ito-fw inet t c_fwd invalid; }

# fw_setup: the firewall's ruleset, ports and knobs, again after a reload.
# The forward chain drops what conntrack calls invalid: a session handed
# back without its window tracking reset would lose its connection there.
fw_setup()
{
	fw sysctl -qw net.netfilter.nf_conntrack_acct=1 &&
		fw nft -f - <<-'NFT' &&
		table inet t {
			chain c_fwd {
				type filter hook forward priority 0;
				ct state invalid counter drop comment "invalid"
				counter comment "fwd"
			}
		}
		NFT
		fwctl port add f0 && fwctl port add f1 &&
		fwctl set min-rate 0 tcp-ageing 30 udp-ageing 30 default-verdict inspect
}

# servers: the echo servers in ito-srv (again after the namespace is rebuilt),
# ready; what they say when their network goes away in $tmp/servers.err.
# Never inside check(): its $(...) would wait for them to exit.
servers()
{
	{ echo_server 7000 "$tmp/echo7000" && echo_server 7100 "$tmp/echo7100" &&
		tcp_server 5000; } 2>>"$tmp/servers.err" || echo "# the servers did not start"
}

plan 69

dmesg0=$(dmesg | wc -l)
modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
check "the firewall is set up" fw_setup
cat >"$tmp/itod.conf" <<CONF
offload proto udp dport 7100 after 100
default offload
CONF
start_itod
servers

section "rmmod ito"
# The unload hands both sessions back to conntrack; the slow path carries
# the rest.
udp_stream 1500
u=$!
tcp_stream s1
t=$!
check "a UDP and a TCP session offloaded" wait_for 20 pair_offloaded 1500
check "both carried by the fast path" wait_for 20 pair_carried 1500
check "conntrack marks both [OFFLOAD]" test "$(fw conntrack -L 2>/dev/null | grep -c OFFLOAD)" = 2
n1=$(fwd_pkts)
check "rmmod ito under traffic" within 60 rmmod ito
check "no conntrack entry is left [OFFLOAD]" no_offload_bits
fwd_grew() { [ "$(fwd_pkts)" -ge $(($1 + 40)) ]; }
check "the slow path carries them on (the forward chain counts again)" wait_for 20 fwd_grew "$n1"
stop_client $t
rc=$?
[ "$rc" = 0 ] || sed "s/^/# /" "$tmp"/s?.err
check "TCP: the connection lived on ($(cat "$tmp/s1") round trips)" test "$rc" = 0
stop_client $u
check "UDP: every datagram echoed across the unload ($(cat "$tmp/u1500"))" all_echoed 1500
check "conntrack: exact counts each way, fast and slow path" ct_exact 1500
check "conntrack called no packet invalid" test "$(invalid_pkts)" = 0
check "ito loads again" insmod "$ITO_KO"
check "the new instance starts empty" \
	test "$(fwctl -j counters | jq '[.[]] | add') $(fwctl -j port show | jq length)" = "0 0"
fw nft flush ruleset
check "the firewall is set up again" fw_setup
check "itod registers with the new module" registered 2
udp_stream 1501
u=$!
check "a new flow is offloaded by the reloaded module" wait_for 20 offloaded '.sport==1501'
stop_client $u
check "and all its datagrams are echoed" all_echoed 1501

section "kill -9 itod"
# Five flows the agent holds (its rule waits for copy 100 of 8), then a
# burst of 30 the agent decides as they come, and the agent dies in the
# middle: what it had not decided gets the kernel's default verdict
# (inspect; the agent only ever says offload). Then 20 flows start with no
# agent: they wait, and the restarted agent decides them from a dump.
# What crosses the firewall is counted where it arrives, at the peers'
# input hooks: under load the echo server's socket may overflow, which is
# no loss of the firewall's.
arrivals()
{
	ip netns exec "$1" nft -f - <<-NFT
	table inet arrivals {
		chain input {
			type filter hook input priority 0;
			udp $2 7100 counter comment "held"
			udp $2 7000 udp $3 3000-3049 counter comment "burst"
		}
	}
	NFT
}
arrivals ito-srv dport sport
arrivals ito-cli sport dport
v0=$(fwctl -j counters | jq -c '[.verdict_offload, .verdict_inspect, .verdict_default]')
ip netns exec ito-cli python3 "$ECHO" clients 10.0.2.2 7100 2000 5 60 0.05 >"$tmp/held" &
clients=$!
held_copied() { [ "$(n_flows '.dport==7100 and .copies==8')" = 5 ]; }
check "five flows wait for the agent, all copies sent" wait_for 20 held_copied
for g in 0 1 2; do
	ip netns exec ito-cli python3 "$ECHO" clients 10.0.2.2 7000 $((3000 + g * 10)) 10 40 0.05 >"$tmp/burst$g" &
	clients="$clients $!"
done
burst_seen() { [ "$(n_flows '.sport>=3000 and .sport<3030')" -ge 10 ]; }
wait_for 20 burst_seen
stop_itod -KILL
held_default() { [ "$(n_flows '.dport==7100 and .verdict=="inspect"')" = 5 ]; }
check "the held flows get the default verdict" wait_for 5 held_default
na0=$(counter flows_no_agent)
for g in 3 4; do
	ip netns exec ito-cli python3 "$ECHO" clients 10.0.2.2 7000 $((3000 + g * 10)) 10 40 0.05 >"$tmp/burst$g" &
	clients="$clients $!"
done
waiting() { [ "$(n_flows '.sport>=3030 and .sport<3050 and .state=="inspecting"')" = 20 ]; }
check "20 flows started with no agent wait for one" wait_for 20 waiting
check "counted as started with no agent" test "$(( $(counter flows_no_agent) - na0 ))" -ge 20
start_itod
check "the restarted itod registers" registered
decided() { [ "$(n_flows '.sport>=3030 and .sport<3050 and .verdict=="offload"')" = 20 ]; }
check "it decides the 20 waiting flows (offload)" wait_for 20 decided
check "no flow is left without a verdict" \
	test "$(n_flows '.verdict=="none" or .state=="inspecting"')" = 0
wait $clients
v1=$(fwctl -j counters | jq -c '[.verdict_offload, .verdict_inspect, .verdict_default]')
defaults=$(( $(jq '.[2]' <<<"$v1") - $(jq '.[2]' <<<"$v0") ))
inspected=$(n_flows '.verdict=="inspect"')
echo "# verdicts [offload, inspect, default]: $v0 -> $v1; $inspected flows inspect"
check "every flow left on inspect got it by default ($defaults defaults)" \
	test "$defaults" = "$inspected" -a "$defaults" -ge 5
check "55 flows, 55 verdicts" \
	test "$(( $(jq '.[0] + .[1]' <<<"$v1") - $(jq '.[0] + .[1]' <<<"$v0") ))" = 55
arrived() { nft_count "$1" inet arrivals input "$2"; }
# the echo servers log each datagram they received, and echo it
server_got() { awk -v lo="$2" -v hi="$3" '$2 >= lo && $2 <= hi' "$tmp/$1" | wc -l; }
echo "# UdpRcvbufErrors: server $(srv nstat -az UdpRcvbufErrors | awk '/Udp/ {print $2}')," \
	"client $(cli nstat -az UdpRcvbufErrors | awk '/Udp/ {print $2}')"
all_arrived() { [ "$(arrived ito-srv held) $(arrived ito-srv burst)" = "300 2000" ]; }
# the servers may still be working through a backlog
all_echoes_arrived()
{
	[ "$(arrived ito-cli held) $(arrived ito-cli burst)" = "$(server_got echo7100 2000 2004) $(server_got echo7000 3000 3049)" ]
}
check "all 300 held and 2000 burst datagrams reached the server" wait_for 10 all_arrived
check "every echo the servers sent reached the client" wait_for 20 all_echoes_arrived
echo "# at the server: $(arrived ito-srv held) $(arrived ito-srv burst); echoed: $(server_got echo7100 2000 2004)" \
	"$(server_got echo7000 3000 3049); at the client: $(arrived ito-cli held) $(arrived ito-cli burst)"
# a flow still sending when itod comes back may be decided from a fresh
# copy before the dump's reply is read: the dump then finds fewer than 20
grep -E "registered|flow dump" "$tmp/itod.log" | sed 's/^/# itod: /'
check "itod logged the dump of the waiting flows" \
	grep -Eq "flow dump: ([1-9]|1[0-9]|20) flows awaiting" "$tmp/itod.log"
udp_stream 1502
u=$!
check "a new flow: offload by the restarted agent" wait_for 20 offloaded '.sport==1502'
stop_client $u
check "no default verdict since the restart" \
	test "$(counter verdict_default)" = "$(jq '.[2]' <<<"$v1")"

section "port del"
fwctl flow flush
ip netns exec ito-fw "$ITOCTL" -j monitor >"$tmp/events" &
monitor=$!
end_reason() { jq -rs "[.[]|select(.event==\"end\" and .id==$1)][0].reason" "$tmp/events"; }
ended_by() { [ "$(end_reason "$1")" = "$2" ]; }

# port del f1: ito lets go of the flows, the stack carries them on.
udp_stream 1600
u=$!
tcp_stream s2
t=$!
check "port del: a UDP and a TCP session offloaded" wait_for 20 pair_offloaded 1600
id=$(flow_id '.sport==1600')
n1=$(fwd_pkts)
check "itoctl port del f1 under traffic" fwctl port del f1
check "no session left" sessions_balanced
check "no [OFFLOAD] bit left" no_offload_bits
check "the flow ended, reason port-removed" wait_for 5 ended_by "$id" port-removed
check "the slow path carries them on" wait_for 20 fwd_grew "$n1"
stop_client $t
rc=$?
[ "$rc" = 0 ] || sed "s/^/# /" "$tmp"/s?.err
check "TCP: the connection lived on" test "$rc" = 0
stop_client $u
check "UDP: every datagram echoed across the port's removal" all_echoed 1600
check "conntrack: exact counts each way" ct_exact 1600
check "conntrack called no packet invalid" test "$(invalid_pkts)" = 0
check "the port comes back" fwctl port add f1
udp_stream 1601
u=$!
check "a new flow is offloaded through it" wait_for 20 offloaded '.sport==1601'
stop_client $u
check "all echoed" all_echoed 1601

section "ip link del"
# The device goes with its port and sessions.
udp_stream 1700
u=$!
check "link del: a session offloaded" wait_for 20 offloaded '.sport==1700'
id=$(flow_id '.sport==1700')
check "ip link del f1 under traffic" fw ip link del f1
check "the port is gone" test "$(fwctl -j port show | jq -c '[.[].ifname]')" = '["f0"]'
check "no session left, no [OFFLOAD] bit" clean_sessions
check "the flow ended, reason port-removed" wait_for 5 ended_by "$id" port-removed
stop_client $u
# every echo the client got crossed the firewall once; none came after
check "conntrack counted exactly the echoes that came back ($(ct_reply_packets 1700), $(echoed 1700))" \
	test "$(ct_reply_packets 1700)" = "packets=$(echoed 1700)"
ip link add s0 netns ito-srv type veth peer name f1 netns ito-fw
fw ip addr add 10.0.2.1/24 dev f1
fw ip link set f1 up
srv ip addr add 10.0.2.2/24 dev s0
srv ip link set s0 up
srv ip route add default via 10.0.2.1
check "a new f1 is enrolled" fwctl port add f1
udp_stream 1701
u=$!
check "a new flow is offloaded through it" wait_for 20 offloaded '.sport==1701'
stop_client $u
check "all echoed" all_echoed 1701
kill $monitor
wait $monitor 2>/dev/null

section "ip netns del"
# The instance goes with its namespace.
udp_stream 1800
tcp_stream s3
check "netns del: a UDP and a TCP session offloaded" wait_for 20 pair_offloaded 1800
stop_itod	# nothing may keep the namespace alive
check "ip netns del ito-fw under traffic" within 30 ip netns del ito-fw
peers_gone() { ! ip -n ito-cli link show c0 >/dev/null 2>&1 && ! ip -n ito-srv link show s0 >/dev/null 2>&1; }
check "its devices go, the peers' ends with them" wait_for 20 peers_gone
kill $(jobs -p) 2>/dev/null	# the clients, and the servers left in ito-srv
wait 2>/dev/null
# rmmod waits for the namespace's cleanup, which waits for every conntrack
# entry: a reference ito kept would hang it
check "ito unloads: the instance and its conntrack entries are gone" within 60 rmmod ito
check "ito loads again" insmod "$ITO_KO"
topo_down
topo_up
check "a fresh firewall" fw_setup
start_itod
servers
check "the fresh instance counts from zero" test "$(fwctl -j counters | jq '[.[]] | add')" = 0
udp_stream 1801
u=$!
check "a new flow is offloaded" wait_for 20 offloaded '.sport==1801'
stop_client $u
check "all echoed" all_echoed 1801

section "flushes racing a FIN/RST storm"
storm_under_flushes flow_offload_session_insert "sessions were offloaded"
check "no session left after the storm" wait_for 5 sessions_balanced
check "no [OFFLOAD] bit left" no_offload_bits
fw conntrack -F 2>/dev/null
check "once conntrack forgets them, no flow is left" wait_for 5 no_flows
check "the kernel logged no problem" kernel_quiet "$dmesg0"

finish
