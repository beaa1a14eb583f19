#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Suricata inline as ito's inspector: Debian's suricata runs in the
# firewall's namespace on NFQUEUE 0 (selftests/suricata/: its configuration,
# its rules and the firewall's nftables ruleset). Its verdicts reach ito
# through the conntrack mark (verdict-source ctmark), no agent runs:
#
#   [ito-cli] simwire0 ~~ simrep0 [ito-fw: ito.ko, suricata] simrep1 ~~ simwire1 [ito-srv]
#   10.0.1.2/24                 10.0.1.1 | 10.0.2.1                 10.0.2.2/24
#
# - a bulk iperf3 flow: Suricata bypasses it once its stream depth is
#   reached (bypass mark 0x1), ito offloads it to the simulated DPU;
# - a UDP flow a rule bypasses (the bypass keyword): offloaded likewise;
# - a TCP flow carrying the test pattern: the rule's nfq_set_mark puts the
#   block value 0x2 in the mark, ito drops that packet and the rest;
# - a UDP stream that no rule touches: Suricata sees every packet of it,
#   ito never offloads it.
# Runs inside the test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"

if ! command -v suricata >/dev/null; then
	echo "1..0 # SKIP suricata is not installed (scripts/deps.sh installs it)"
	exit 0
fi

. "$here/flowlib.sh"

S=$here/suricata
PATTERN=ITO-SELFTEST-BLOCK-7d3f
eve=$tmp/suri/eve.json
suri_pid=

# the ruleset's counters
ids_count() { nft_count ito-fw inet ids "$1" "$2"; }

sim_topo_up()
{
	netns_up
	sim_pair 0 ito-fw ito-cli && sim_pair 1 ito-fw ito-srv || return 1
	cli ip addr add 10.0.1.2/24 dev simwire0
	fw ip addr add 10.0.1.1/24 dev simrep0
	fw ip addr add 10.0.2.1/24 dev simrep1
	srv ip addr add 10.0.2.2/24 dev simwire1
	cli ip route add default via 10.0.1.1
	srv ip route add default via 10.0.2.1
	fw sysctl -qw net.ipv4.ip_forward=1
	fw sysctl -qw net.netfilter.nf_conntrack_acct=1
}

# suricata_up: its unix socket answers (it opens once the engine runs)
suricata_up()
{
	[ -S "$tmp/suri/suricata.sock" ] &&
		suricatasc -c uptime "$tmp/suri/suricata.sock" 2>/dev/null | grep -q '"return": "OK"'
}

# stop_suricata: SIGTERM, and wait: it writes the flows it still holds to
# eve.json as it stops
stop_suricata()
{
	[ -n "$suri_pid" ] || return 0
	kill -TERM "$suri_pid" 2>/dev/null
	wait "$suri_pid" 2>/dev/null
	local rc=$?
	suri_pid=
	return $rc
}
cleanup_extra() { stop_suricata; }

# eve_flow JQ: Suricata's flow event (the last one) matching the jq filter
eve_flow()
{
	jq -c "select(.event_type == \"flow\" and ($1))" "$eve" | tail -n 1
}

# ct_mark PROTO SPORT: the conntrack mark of the connection from that port
ct_mark()
{
	fw conntrack -L -p "$1" --sport "$2" 2>/dev/null | grep -o 'mark=[0-9]*' | head -n 1
}

# in_hw SPORT: the flow from SPORT is offloaded, the simulator holds its two
# rules
in_hw()
{
	is_state ".sport==$1" offloaded &&
		[ "$(grep -cE "_port $1( |\$)" "$SIM/rules")" = 2 ]
}

plan 44

modprobe nf_nat
rmmod ito 2>/dev/null
rmmod ito_sim 2>/dev/null
check "ito_sim loads" insmod "$ITO_SIM_KO"
insmod "$ITO_KO" || exit 1
check "two simulated port pairs, peers in their namespaces" sim_topo_up
check "both representors enrolled, offload in hardware" \
	bash -c "ip netns exec ito-fw '$ITOCTL' port add simrep0 offload hw &&
		ip netns exec ito-fw '$ITOCTL' port add simrep1 offload hw"
check "verdicts from the conntrack mark, decisions into labels 1 and 2" \
	fwctl set verdict-source ctmark ctmark-mask 0x3 ctmark-offload 0x1 ctmark-block 0x2 \
	ctlabel-offloaded 1 ctlabel-blocked 2 min-rate 0 udp-ageing $(slow 30)
check "the firewall's ruleset loads" fw nft -f "$S/ruleset.nft"

# --- Suricata ----------------------------------------------------------
section "Suricata"
mkdir "$tmp/suri"
t0=$SECONDS
ip netns exec ito-fw suricata -c "$S/suricata.yaml" -S "$S/rules" -l "$tmp/suri" \
	-q 0 -k none --set "unix-command.filename=$tmp/suri/suricata.sock" \
	>"$tmp/suri/stdout" 2>&1 &
suri_pid=$!
up=0
wait_for 90 suricata_up || up=$?
echo "# Suricata up after $((SECONDS - t0)) s"
[ $up = 0 ] || sed 's/^/# /' "$tmp/suri/stdout" "$tmp/suri/suricata.log"
check "Suricata runs, its unix socket answers" test $up = 0
grep -E 'rules successfully loaded|REPEAT mode' "$tmp/suri/suricata.log" | sed 's/^/# /'

# --- the inspected flow: runs through the whole test ----------------------
section "the inspected flow"
echo_server 7000 "$tmp/echo7000"
ip netns exec ito-cli python3 "$PEERS" udp 10.0.2.2 7000 1500 0.1 >"$tmp/u1500" &
inspected=$!
check "the UDP stream is tracked" wait_for 10 tracked '.sport==1500'

# --- the bypass keyword: offloaded by ctmark -------------------------------
section "the bypass keyword"
echo_server 7001 "$tmp/echo7001"
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7001 1501 300 "$(slowf 0.02)" 100 >"$tmp/c1501" &
client=$!
check "the bypassed UDP flow is offloaded to the simulator" wait_for 15 in_hw 1501
check "its verdict is offload, by ctmark" \
	test "$(flow '.sport==1501' | jq -c '[.verdict, .verdict_by]')" = '["offload","ctmark"]'
check "its conntrack mark is the bypass mark ($(ct_mark udp 1501))" test "$(ct_mark udp 1501)" = mark=1
wait $client
check "all 300 datagrams echoed" test "$(cat "$tmp/c1501")" = 300
# flow get asks the device for the session's counters (flow show has them
# as of the last poll, once per ageing period)
f=$(fwctl -j flow get "$(flow_id '.sport==1501')")
echo "# $(jq -c 'del(.paths)' <<<"$f")"
check "most of the 600 went through the simulator" test "$(jq .offload_pkts <<<"$f")" -gt 400

# --- bulk TCP: stream depth reached, bypassed, offloaded -------------------
section "bulk TCP"
# No polls while iperf3 runs: under emulation it starves them for its
# whole run. Its flow is read right after; a RST must not end it first.
fw sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_close=60
ip netns exec ito-srv iperf3 -s -1 >/dev/null 2>&1 &
server=$!
listening ito-srv tcp 5201
h0=$(sim_stat hits)
i0=$(counter hw_session_insert)
# the data connection from port 5300, the control connection from another
rc=0
cli iperf3 -c 10.0.2.2 --cport 5300 -t "$(slow 5)" -J >"$tmp/iperf.json" 2>"$tmp/iperf.err" || rc=$?
check "iperf3 completes" test $rc = 0
wait $server
port=5300
sent=$(jq '.end.sum_sent.bytes' "$tmp/iperf.json")
f=$(flow ".sport==$port")
h1=$(sim_stat hits)
echo "# iperf3 sent $sent bytes from port $port; $f; simulator hits $h0 -> $h1"
check "iperf3 moved data" test "$sent" -gt 1000000
check "its data flow's verdict is offload, by ctmark" \
	test "$(jq -c '[.verdict, .verdict_by]' <<<"$f")" = '["offload","ctmark"]'
check "it had a session in the simulator" \
	test "$(( $(counter hw_session_insert) - i0 ))" = 1
check "most of its bytes went through the simulator" \
	test "$(( $(jq '.offload_bytes // 0' <<<"$f") * 4 ))" -gt "$((sent * 3))"
check "the simulator's rules counted (nearly) as many packets" \
	test "$(( (h1 - h0) * 10 ))" -ge "$(( $(jq '.offload_pkts // 0' <<<"$f") * 9 ))"
check "the control connection stayed with Suricata" \
	test "$(flow ".dport==5201 and .sport!=$port" | jq -c '[.state, .offload_pkts]')" = '["inspecting",0]'

# --- the test pattern: ito blocks the flow ----------------------------------
section "the pattern"
tcp_server 5002
capture ito-srv simwire1 "$tmp/wire5002" -A tcp port 5002
b0=$(counter blocked_pkts)
out=$(cli python3 "$S/pattern_client.py" 10.0.2.2 5002 "$PATTERN" "$(slow 2)")
echo "# $out"
check "the client: echoes until the pattern, nothing after" \
	test "$out" = "3 round trips, pattern: no echo, after: no echo"
f=$(flow '.dport==5002')
echo "# $f"
check "the flow's verdict is block, by ctmark" \
	test "$(jq -c '[.state, .verdict, .verdict_by]' <<<"$f")" = '["blocked","block","ctmark"]'
check "ito dropped the pattern and the retransmissions ($b0 -> $(counter blocked_pkts))" \
	test "$(( $(counter blocked_pkts) - b0 ))" -ge 3
check "its conntrack mark is the block value" \
	test "$(ct_mark tcp "$(jq .sport <<<"$f")")" = mark=2
check "the server's wire carried the plain lines, never the pattern" \
	bash -c "grep -q 'plain line 2' '$tmp/wire5002' && ! grep -q '$PATTERN' '$tmp/wire5002'"
check "the drop in the ruleset behind ito saw none of it" \
	test "$(ids_count after_ito "blocked without ito")" = 0
check "the ruleset sees ito's blocked label on the retransmissions" \
	test "$(ids_count forward "ito blocked")" -gt 0

# --- the inspected flow, end to end -----------------------------------------
section "the inspected flow, end to end"
stop_client "$inspected" >/dev/null
read -r usent uechoed <"$tmp/u1500"
echo "# UDP stream: $usent sent, $uechoed echoed"
check "the UDP stream: every datagram echoed" all_echoed 1500
f=$(flow '.sport==1500')
echo "# $f"
check "ito never offloaded it, no verdict" \
	test "$(jq -c '[.state, .verdict, .offload_pkts]' <<<"$f")" = '["inspecting","none",0]'
check "its conntrack mark is 0" test "$(ct_mark udp 1500)" = mark=0

# --- what Suricata saw ----------------------------------------------------
section "what Suricata saw"
t0=$SECONDS
rc=0
stop_suricata || rc=$?
echo "# Suricata stopped in $((SECONDS - t0)) s"
check "Suricata stops cleanly" test $rc = 0
# nobody on the queue: "queue ... bypass" lets the packets through
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 1502 20 "$(slowf 0.02)" 100 >"$tmp/c1502"
check "with Suricata gone, a new flow passes uninspected ($(cat "$tmp/c1502") of 20 echoed)" \
	test "$(cat "$tmp/c1502")" = 20
check "and ito gives it no verdict" test "$(flow '.sport==1502' | jq -r .verdict)" = none
grep -E '^{' "$eve" >/dev/null || sed 's/^/# /' "$tmp/suri/suricata.log"
check "eve.json: the alert for the pattern, on port 5002" \
	test "$(jq -c 'select(.event_type == "alert") | [.alert.signature_id, .dest_port]' "$eve" | sort -u)" = "[1000001,5002]"
s=$(eve_flow '.src_port == 1500')
echo "# $s"
check "eve.json: Suricata saw all of the UDP stream ($usent, $uechoed)" \
	test "$(jq -c '[.flow.pkts_toserver, .flow.pkts_toclient]' <<<"$s")" = "[$usent,$uechoed]"
check "eve.json: and did not bypass it" test "$(jq -r .flow.state <<<"$s")" != bypassed
s=$(eve_flow '.src_port == 1501')
echo "# $s"
check "eve.json: the keyword's flow bypassed, in the capture (the mark)" \
	test "$(jq -c '[.flow.state, .flow.bypass]' <<<"$s")" = '["bypassed","capture"]'
check "eve.json: Suricata saw its first datagrams only" \
	test "$(jq '.flow.pkts_toserver + .flow.pkts_toclient' <<<"$s")" -lt 20
s=$(eve_flow ".src_port == $port")
echo "# $s"
check "eve.json: the iperf3 data flow bypassed, in the capture" \
	test "$(jq -c '[.flow.state, .flow.bypass]' <<<"$s")" = '["bypassed","capture"]'
check "eve.json: Suricata saw less than a tenth of its bytes" \
	test "$(( $(jq .flow.bytes_toserver <<<"$s") * 10 ))" -lt "$sent"
st=$(jq -c 'select(.event_type == "stats") | .stats' "$eve" | tail -n 1)
echo "# $(jq -c '{decoder: .decoder.pkts, ips, stream_depth_reached: .tcp.stream_depth_reached, flow_bypassed}' <<<"$st")"
check "Suricata's stats: the stream depth was reached" \
	test "$(jq .tcp.stream_depth_reached <<<"$st")" -ge 1
# (a debug kernel's delays may make its stream engine drop a segment as a
# stream error; none of its rules drops anything: ito blocks)
check "Suricata's stats: none of its rules dropped a packet" \
	test "$(jq .ips.drop_reason.rules <<<"$st")" = 0

# --- ito's counters ------------------------------------------------------------
section "ito's counters"
c=$(fwctl -j counters)
echo "# $(jq -c '{verdict_conntrack, verdict_overruled, verdict_revoked, ctlabel_missing, verdict_offload, verdict_block, hw_session_insert}' <<<"$c")"
check "verdicts from conntrack: the two bypasses and the block" \
	test "$(jq .verdict_conntrack <<<"$c")" -ge 3
check "no decision lacked its label, none was revoked or overruled" \
	test "$(jq -c '[.ctlabel_missing, .verdict_revoked, .verdict_overruled]' <<<"$c")" = '[0,0,0]'
check "the ruleset counted ito's offloaded label" test "$(ids_count forward "ito offloaded")" -gt 0

finish
