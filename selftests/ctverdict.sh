#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Verdicts in conntrack, with nftables alone (no agent): a rule's
# "ct mark set" offloads or blocks a flow, ito writes its decision into ct
# label bits that another rule matches, a mark withdrawn brings an
# offloaded flow back to the slow path, the agent and conntrack speaking
# together follow the documented precedence, and bad settings are refused
# with a message and change nothing. Runs inside the test VM (topo.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"

. "$here/flowlib.sh"

# packets of one flow (by its source port) that the forward chain saw
seen() { nft_count ito-fw inet t c_fwd "c$1"; }
settings() { fwctl -j show | jq -c .; }
# flows the ruleset saw labelled so (by ito), as a set of ports
labelled() { fw nft list set inet t "$1" | grep -o '[0-9]\+ \. [0-9]\+' | sort | paste -sd,; }
state_of() { flow "$1" | jq -r '"\(.state) \(.verdict) \(.verdict_by)"'; }
is() { [ "$(state_of "$1")" = "$2" ]; }
# any_is FILTER "STATE VERDICT BY": some flow matching FILTER is so
any_is() { fwctl -j flow show | jq -e --arg s "$2" '[.[]|select('"$1"')|"\(.state) \(.verdict) \(.verdict_by)"]|index($s)' >/dev/null; }

# refused MESSAGE SETTINGS...: itoctl set fails, says MESSAGE, changes nothing
refused()
{
	local msg=$1 before out
	shift
	before=$(settings)
	if out=$(fwctl set "$@" 2>&1); then
		echo "# accepted: $*"
		return 1
	fi
	echo "# $out"
	grep -qF -- "$msg" <<<"$out" && [ "$(settings)" = "$before" ]
}

plan 50

modprobe nf_nat
rmmod ito 2>/dev/null
rmmod ito_sim 2>/dev/null
insmod "$ITO_SIM_KO" || exit 1
insmod "$ITO_KO" || exit 1
topo_up
# and a path through the DPU simulator: 10.0.5.2 - simrep0 | simrep1 - 10.0.6.2
sim_pair 0 ito-fw ito-cli && sim_pair 1 ito-fw ito-srv || exit 1
cli ip addr add 10.0.5.2/24 dev simwire0
fw ip addr add 10.0.5.1/24 dev simrep0
fw ip addr add 10.0.6.1/24 dev simrep1
srv ip addr add 10.0.6.2/24 dev simwire1
cli ip route add 10.0.6.0/24 via 10.0.5.1
srv ip route add 10.0.5.0/24 via 10.0.6.1
fw sysctl -qw net.netfilter.nf_conntrack_acct=1

# --- bad settings --------------------------------------------------------
check "ctmark source without a mask: refused, nothing changed" \
	refused "needs ctmark_mask" verdict-source ctmark
check "a verdict value outside the mask: refused" \
	refused "outside ctmark_mask" ctmark-mask 0x3 ctmark-offload 0x4
check "two verdicts on one mark value: refused" \
	refused "share one ctmark value" ctmark-mask 0x3 ctmark-offload 0x1 ctmark-block 0x1
check "two verdicts on one label bit: refused" \
	refused "share one ct label bit" ctlabel-offloaded 5 ctlabel-blocked 5
check "a label bit beyond 127: refused" \
	refused "label bit [0, 127]" ctlabel-offloaded 300
check "ctlabel source without a label bit: refused" \
	refused "needs a ctlabel bit" verdict-source ctlabel
check "defaults: the agent decides, no label bit" \
	test "$(fwctl -j show | jq -c '[.verdict_source, .ctlabel_offloaded]')" = '["agent",null]'

# --- nftables decides ----------------------------------------------------
check "firewall rules load" fw nft -f - <<'NFT'
table inet t {
	set offloaded {
		type inet_service . inet_service
		flags dynamic
	}
	set inspected {
		type inet_service . inet_service
		flags dynamic
	}
	chain c_fwd {
		type filter hook forward priority 0;
		ct state new udp dport 7001 ct mark set ct mark and 0xfffffffc or 0x1
		ct state new udp dport 7002 ct mark set ct mark and 0xfffffffc or 0x2
		ct state new udp dport 7004 ct label set 4
		ct label 4 add @offloaded { udp sport . udp dport }
		ct label 6 add @inspected { udp sport . udp dport }
		ct label 4 ct label 6 counter comment "both"
		udp sport 1701 counter comment "c1701"
		udp sport 1711 counter comment "c1711"
	}
}
NFT
fwctl port add f0
fwctl port add f1
fwctl port add simrep0 offload hw
fwctl port add simrep1 offload hw
check "verdict source: ct mark 0x1 offload, 0x2 block; labels 4, 5, 6" \
	fwctl set verdict-source ctmark ctmark-mask 0x3 ctmark-offload 0x1 \
		ctmark-block 0x2 ctlabel-offloaded 4 ctlabel-blocked 5 \
		ctlabel-inspected 6 min-rate 0 udp-ageing 30
check "shown as set" test "$(fwctl -j show | jq -c '[.verdict_source, .ctmark_mask, .ctlabel_blocked]')" = '["ctmark",3,5]'

for p in 7001 7002 7003; do
	echo_server $p "$tmp/echo$p.log"
done
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7001 1701 150 "$(slowf 0.02)" >"$tmp/c7001" &
c1=$!
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7002 1702 20 "$(slowf 0.02)" >"$tmp/c7002" &
c2=$!
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7003 1703 150 "$(slowf 0.02)" >"$tmp/c7003" &
c3=$!
# (each of its packets starts an entry, see below: any of them; first,
# while its short client still sends)
check "mark 0x2: blocked, by the ct mark" wait_for 4 any_is '.dport==7002' "blocked block ctmark"
check "mark 0x1: offloaded, by the ct mark" wait_for 6 is '.dport==7001' "offloaded offload ctmark"
n1=$(seen 1701)
wait $c1 $c2 $c3
check "the offloaded flow: all 150 datagrams echoed" test "$(cat "$tmp/c7001")" = 150
check "the forward chain saw none of it once offloaded ($n1 then $(seen 1701))" \
	test -n "$n1" -a "$n1" = "$(seen 1701)"
check "the blocked flow: not one datagram reached the server" \
	test "$(cat "$tmp/c7002")" = 0 -a ! -s "$tmp/echo7002.log"
check "no mark: no verdict, no agent, all echoed on the slow path" \
	test "$(state_of '.dport==7003')" = "inspecting none none" -a "$(cat "$tmp/c7003")" = 150
# Dropped before conntrack confirmed it, each packet of the blocked flow
# starts a new entry, marked and blocked in turn.
check "every packet of the blocked flow dropped by ito" test "$(counter blocked_pkts)" = 20
check "counted: verdicts from conntrack" test "$(counter verdict_conntrack)" -ge 2
check "ito labelled the offloaded flow, the ruleset matched the label" \
	test "$(labelled offloaded)" = "1701 . 7001,7001 . 1701"
check "label bits only where configured: no flow had two" \
	test "$(nft_count ito-fw inet t c_fwd both)" = 0

# --- the mark withdrawn --------------------------------------------------
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7001 1711 400 "$(slowf 0.02)" >"$tmp/c7011" &
c1=$!
check "a second flow offloaded" wait_for 6 is '.sport==1711' "offloaded offload ctmark"
n1=$(seen 1711)
# conntrack -U filters by ports only with the whole tuple
untuple() { echo -s 10.0.1.2 -d 10.0.2.2 -p udp --sport "$1" --dport "$2"; }
fw conntrack -U $(untuple 1711 7001) --mark 0 >/dev/null
check "mark cleared: back on the slow path, inspected" wait_for 3 is '.sport==1711' "slowpath inspect ctmark"
check "the forward chain sees its packets again (after $n1)" \
	wait_for 3 bash -c "[ \$(ip netns exec ito-fw nft -j list chain inet t c_fwd | jq '[.nftables[].rule?|select(.comment==\"c1711\")|.expr[].counter?|select(.)|.packets][0]') -gt $n1 ]"
check "its label now says inspected" test "$(labelled inspected)" = "1711 . 7001,7001 . 1711"
check "counted: revoked" test "$(counter verdict_revoked)" = 1
check "conntrack: [OFFLOAD] cleared" bash -c "! ip netns exec ito-fw conntrack -L -p udp --sport 1711 2>/dev/null | grep -q OFFLOAD"
wait $c1
check "nothing lost meanwhile: 400 echoed" test "$(cat "$tmp/c7011")" = 400

# --- the mark withdrawn from a session in hardware ------------------------
ip netns exec ito-cli python3 "$ECHO" client 10.0.6.2 7001 1731 400 "$(slowf 0.02)" >"$tmp/c7031" &
c1=$!
check "a flow through the DPU offloaded by its mark, in hardware" \
	wait_for 6 bash -c "[ \"\$(ip netns exec ito-fw $ITOCTL -j counters | jq .hw_active_session)\" = 1 ]"
fw conntrack -U -s 10.0.5.2 -d 10.0.6.2 -p udp --sport 1731 --dport 7001 --mark 0 >/dev/null
t0=$(date +%s%N)
check "mark cleared: out of the hardware" \
	wait_for 4 bash -c "[ \"\$(ip netns exec ito-fw $ITOCTL -j counters | jq .hw_active_session)\" = 0 ]"
took=$(( ($(date +%s%N) - t0) / 1000000 ))
# a poll that had just missed it adds one sleep and one poll
t1=$(date +%s%N)
fwctl -j counters >/dev/null
poll=$(( ($(date +%s%N) - t1) / 1000000 ))
check "within two GC passes ($took ms, a poll $poll ms), back on the slow path, inspected" \
	test "$took" -le $(( $(slow 2000) + 2 * poll + 200 )) -a "$(state_of '.sport==1731')" = "slowpath inspect ctmark"
wait $c1
check "nothing lost meanwhile: 400 echoed" test "$(cat "$tmp/c7031")" = 400

# --- a verdict that arrives with the entry (replicated, say) -------------
fwctl set verdict-source ctlabel
echo_server 7004 "$tmp/echo7004.log"
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7004 1741 150 "$(slowf 0.02)" >"$tmp/c7041" &
c1=$!
check "an entry labelled offloaded on arrival: offloaded, by the label" \
	wait_for 6 is '.sport==1741' "offloaded offload ctlabel"
wait $c1
check "all 150 echoed" test "$(cat "$tmp/c7041")" = 150

# --- the agent and conntrack together -------------------------------------
fwctl set verdict-source agent,ctmark
cat >"$tmp/itod.conf" <<CONF
default offload
CONF
start_itod
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7003 1721 150 "$(slowf 0.02)" >"$tmp/c7021" &
c1=$!
check "no mark: the agent's offload applies" wait_for 6 is '.sport==1721' "offloaded offload agent"
wait $c1
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7001 1722 300 "$(slowf 0.02)" >"$tmp/c7022" &
c1=$!
check "marked: offloaded by the mark" wait_for 6 is '.sport==1722' "offloaded offload ctmark"
id=$(flow_id '.sport==1722')
check "no copy of it went to the agent" test "$(flow '.sport==1722' | jq .copies)" = 0
fwctl flow verdict "$id" inspect
check "the agent's inspect does not overrule the mark" is '.sport==1722' "offloaded offload ctmark"
check "counted: overruled" test "$(counter verdict_overruled)" -ge 1
fwctl flow verdict "$id" block
check "the agent's block wins" wait_for 3 is '.sport==1722' "blocked block agent"
fw conntrack -U $(untuple 1722 7001) --mark 1 >/dev/null
sleep 2
check "and stays: a mark cannot lift an agent's block" is '.sport==1722' "blocked block agent"
wait $c1
# passive: the peer's verdict may be on its way, copies are held
fwctl set ha-role passive ha-hold 0
h0=$(counter ha_copies_held)
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7003 1723 300 "$(slowf 0.02)" >"$tmp/c7023" &
c1=$!
check "HA passive: copies of a flow without a verdict are held, counted" \
	wait_for 4 bash -c "[ \$(ip netns exec ito-fw '$ITOCTL' -j counters | jq .ha_copies_held) -gt $h0 ]"
check "and the agent got none" test "$(flow '.sport==1723' | jq .copies)" = 0
fwctl set ha-role active
check "active (ha-hold 0): copied at once, the agent's offload applies" \
	wait_for 6 is '.sport==1723' "offloaded offload agent"
wait $c1
check "all 300 echoed" test "$(cat "$tmp/c7023")" = 300
stop_itod
fwctl set verdict-source ctmark
out=$(fwctl flow verdict "$id" inspect 2>&1)
rc=$?
echo "# $out"
check "agent verdicts refused when the agent is no source" \
	test "$rc" != 0 -a -n "$(grep 'not a verdict source' <<<"$out")"

# --- the standby role of a firewall pair ---------------------------------
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7001 1751 400 "$(slowf 0.02)" >"$tmp/c7051" &
c1=$!
check "HA: offloaded while active" wait_for 6 is '.sport==1751' "offloaded offload ctmark"
fwctl set ha-role passive
check "HA: passive hands the session back, its verdict kept" \
	is '.sport==1751' "offload-pending offload ctmark"
sleep 1
check "HA: no install while passive" \
	test "$(state_of '.sport==1751')" = "offload-pending offload ctmark" -a "$(fwctl -j show | jq -r .ha_role)" = passive
fwctl set ha-role active
check "HA: active again, offloaded again" wait_for 6 is '.sport==1751' "offloaded offload ctmark"
wait $c1
check "HA: nothing lost: 400 echoed" test "$(cat "$tmp/c7051")" = 400

finish
