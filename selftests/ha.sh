#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Active/passive failover (issue 14): two ito firewalls, fw-a active and
# fw-b passive, with Debian's keepalived (VRRP, a sync group moving the
# gateway address of each side) and conntrackd (FTFW over a link of their
# own), each firewall with its own configuration, socket, lock and pid
# files (selftests/ha/*.in), the notify script scripts/ito-ha-notify.
#
#              ha-sw: bridge brc                    ha-sw: bridge brs
#   [ha-cli] c0 --+-- a0 [ha-fwa: ito] a1 --+-- s0 [ha-srv]
#   10.1.1.2/24   |  .11       | sa     .11 |         10.1.2.2/24
#                 |            | 10.1.9.0/24 (sync)  |
#                 +-- b0 [ha-fwb: ito] b1 --+
#                    .12       sb       .12
#   gateways (VRRP): 10.1.1.1 on the client side, 10.1.2.1 on the server
#   side; connections to 10.1.2.2:5000 leave SNATed to 10.1.2.1.
#
# ito on both: verdicts from the agent and from ct labels (4 offloaded,
# 5 blocked, 6 inspected). fw-a's agent offloads everything; fw-b's agent
# says inspect, so a flow fw-b offloads got its verdict from the label.
# Traffic: iperf3 TCP streams, a UDP stream, a NATed TCP stream. fw-a
# dies (links down, keepalived and conntrackd killed); fw-b takes over.
# Runs inside the test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

for b in keepalived conntrackd iperf3; do
	if ! command -v $b >/dev/null && [ ! -x /usr/sbin/$b ]; then
		echo "1..0 # SKIP $b is not installed (scripts/deps.sh installs it)"
		exit 0
	fi
done
PATH=$PATH:/usr/sbin

HA=$here/ha
NOTIFY=$TOP/scripts/ito-ha-notify
NS="ha-sw ha-cli ha-srv ha-fwa ha-fwb"
# iperf3: streams, of 500 kbit/s each, and seconds: long enough for the
# failover and the failback (about 130 s under TCG)
NSTREAMS=${ITO_HA_STREAMS:-20}
IPERF_T=${ITO_HA_SECONDS:-$(slow 200)}

topo_down()
{
	local ns
	for ns in $NS; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}
. "$here/flowlib.sh"

cli() { ip netns exec ha-cli "$@"; }
srv() { ip netns exec ha-srv "$@"; }
on() { local ns=ha-$1; shift; ip netns exec "$ns" "$@"; }
ctl() { local ns=ha-$1; shift; ip netns exec "$ns" "$ITOCTL" "$@"; }
# fcount FW COUNTER; fnflows FW FILTER: as counter and n_flows, on one firewall
fcount() { ctl "$1" -j counters | jq ".$2"; }
fnflows() { ctl "$1" -j flow show | jq "[.[]|select($2)]|length"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# until_t SECS CMD...: poll CMD until it succeeds, for SECS (times
# ITO_TIME_SCALE) seconds of wall clock: under iperf3's load one poll of
# itoctl and jq takes seconds, so wait_for's count of polls is no clock
until_t()
{
	local end=$(( $(date +%s) + $1 * ${ITO_TIME_SCALE:-1} ))
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# --- daemons ---------------------------------------------------------------
declare -A itod_pids=()
ct_events=

cleanup_extra()
{
	local fw p
	for fw in fwa fwb; do
		for p in keepalived.pid vrrp.pid conntrackd.pid; do
			[ -s "$tmp/$fw/$p" ] && kill -9 "$(cat "$tmp/$fw/$p")" 2>/dev/null
		done
	done
	for p in "${itod_pids[@]}" $ct_events; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
}

# ha_itod FW VERDICT: the agent in FW, every flow gets VERDICT (not in
# check: its subshell would lose the pid)
ha_itod()
{
	echo "default $2" >"$tmp/$1/itod.conf"
	ip netns exec "ha-$1" "$ITOD" -f -c "$tmp/$1/itod.conf" >"$tmp/$1/itod.log" 2>&1 &
	itod_pids[$1]=$!
	wait_for 15 grep -q 'registered as the ito agent' "$tmp/$1/itod.log"
}

# fill TEMPLATE OUT KEY=VALUE...: the template with its @KEY@ fields set
fill()
{
	local in=$1 out=$2 kv sed=()
	shift 2
	for kv in "$@"; do
		sed+=(-e "s|@${kv%%=*}@|${kv#*=}|g")
	done
	sed "${sed[@]}" "$in" >"$out"
	! grep -q '@[A-Z_]*@' "$out"
}

# conntrackd_up FW: its daemon (in the foreground, in the background) answers
conntrackd_start()
{
	ip netns exec "ha-$1" conntrackd -C "$tmp/$1/conntrackd.conf" >"$tmp/$1/conntrackd.out" 2>&1 &
	echo $! >"$tmp/$1/conntrackd.pid"
	wait_for 15 ctd "$1" -s
}
ctd() { local fw=$1; shift; ip netns exec "ha-$fw" conntrackd -C "$tmp/$fw/conntrackd.conf" "$@" >/dev/null 2>&1; }

keepalived_start()
{
	ip netns exec "ha-$1" keepalived -n -P -l -D -G -f "$tmp/$1/keepalived.conf" \
		-p "$tmp/$1/keepalived.pid" -r "$tmp/$1/vrrp.pid" >"$tmp/$1/keepalived.log" 2>&1 &
}

# notified FW STATE [N]: the notify script ran to its end for STATE (N times)
notified() { [ "$(grep -c "$2: done" "$tmp/$1/notify.log" 2>/dev/null)" -ge "${3:-1}" ]; }
# has_vips FW: both gateway addresses on FW
has_vips()
{
	on "$1" ip -4 -o addr show | grep -q ' 10\.1\.1\.1/' &&
		on "$1" ip -4 -o addr show | grep -q ' 10\.1\.2\.1/'
}
no_vips() { ! on "$1" ip -4 -o addr show | grep -qE ' 10\.1\.[12]\.1/'; }

ha_topo_up()
{
	local ns
	for ns in $NS; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
	done
	on sw ip link add brc type bridge
	on sw ip link add brs type bridge
	on sw ip link set brc up
	on sw ip link set brs up
	# plug NS DEV SWITCHPORT BRIDGE ADDR
	plug()
	{
		ip link add "$2" netns "ha-$1" type veth peer name "$3" netns ha-sw &&
			on sw ip link set "$3" master "$4" up &&
			on "$1" ip addr add "$5" dev "$2" &&
			on "$1" ip link set "$2" up
	}
	plug cli c0 cli brc 10.1.1.2/24 &&
		plug fwa a0 fwa-c brc 10.1.1.11/24 &&
		plug fwb b0 fwb-c brc 10.1.1.12/24 &&
		plug srv s0 srv brs 10.1.2.2/24 &&
		plug fwa a1 fwa-s brs 10.1.2.11/24 &&
		plug fwb b1 fwb-s brs 10.1.2.12/24 || return 1
	ip link add sa netns ha-fwa type veth peer name sb netns ha-fwb || return 1
	on fwa ip addr add 10.1.9.1/24 dev sa
	on fwb ip addr add 10.1.9.2/24 dev sb
	on fwa ip link set sa up
	on fwb ip link set sb up
	cli ip route add default via 10.1.1.1
	srv ip route add default via 10.1.2.1
	for ns in fwa fwb; do
		on $ns sysctl -qw net.ipv4.ip_forward=1
		on $ns sysctl -qw net.netfilter.nf_conntrack_acct=1
	done
}

# the firewalls' ruleset: TCP that conntrack does not know and that is no
# SYN is dropped, forwarded or addressed to the firewall (between the
# takeover and the commit of the replicated entries, a mid-stream packet
# would otherwise start an entry of its own, or reach the gateway
# address's local stack and be answered with a RST); a mark on the NATed connection (to see it
# replicated), SNAT to the server side's gateway address (the address that
# moves: a masquerade would take the firewall's own address, which the
# peer does not have), a counter of what passes labelled offloaded
RULESET='
table inet ha {
	chain c_fwd {
		type filter hook forward priority 0;
		ct state invalid counter drop comment "invalid"
		ct state new tcp flags & (syn | ack | fin | rst) != syn counter drop comment "midstream"
		ct state new ip daddr 10.1.2.2 tcp dport 5000 ct mark set 0x10
		ct label 4 counter comment "offloaded"
	}
	chain c_in {
		type filter hook input priority 0;
		ct state new tcp flags & (syn | ack | fin | rst) != syn counter drop comment "midstream"
	}
}
table ip ha_nat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip daddr 10.1.2.2 tcp dport 5000 snat to 10.1.2.1
	}
}'

plan 46

modprobe nf_nat
modprobe nf_conntrack_netlink
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
check "topology: client, server, two firewalls on two bridged segments, a sync link" ha_topo_up
for fw in fwa fwb; do
	mkdir "$tmp/$fw"
	on $fw nft -f - <<<"$RULESET" || exit 1
done
on fwa ip -4 -o addr show | sed 's/^/# /'

ok=0
for fw in fwa fwb; do
	if [ $fw = fwa ]; then
		ports="a0 a1" local=10.1.9.1 peer=10.1.9.2 sif=sa ifc=a0 ifs=a1 prio=150
	else
		ports="b0 b1" local=10.1.9.2 peer=10.1.9.1 sif=sb ifc=b0 ifs=b1 prio=100
	fi
	for p in $ports; do
		ctl $fw port add $p || ok=1
	done
	fill "$HA/conntrackd.conf.in" "$tmp/$fw/conntrackd.conf" DIR="$tmp/$fw" \
		SYNC_LOCAL=$local SYNC_PEER=$peer SYNC_IF=$sif || ok=1
	fill "$HA/keepalived.conf.in" "$tmp/$fw/keepalived.conf" NAME=$fw PRIO=$prio PREEMPT_DELAY=15 \
		IF_C=$ifc IF_S=$ifs \
		NOTIFY="$NOTIFY -C $tmp/$fw/conntrackd.conf -i $ITOCTL -l $tmp/$fw/notify.log -s $tmp/$fw" || ok=1
done

# --- a configuration that would lose offload at a takeover ------------------
# fw-a, before its labels are set and its conntrackd runs
check "itoctl set ha-role warns: verdicts that do not travel with the entries" \
	bash -c "ip netns exec ha-fwa '$ITOCTL' set ha-role active 2>'$tmp/warn' && grep -q 'do not travel' '$tmp/warn'"
sed 's/^/# itoctl: /' "$tmp/warn"
mkdir "$tmp/misconf"
r=0
ip netns exec ha-fwa "$NOTIFY" -C "$tmp/fwa/conntrackd.conf" -i "$ITOCTL" -l "$tmp/misconf/log" \
	-s "$tmp/misconf" INSTANCE VG MASTER 100 || r=$?
grep ERROR "$tmp/misconf/log" | sed 's/^/# notify: /'
check "the notify script reports both, exit 1: no label for the verdict, no conntrackd" \
	bash -c "[ $r = 1 ] && grep -q 'ERROR verdicts do not travel' '$tmp/misconf/log' && grep -q 'ERROR conntrackd does not answer' '$tmp/misconf/log'"

# With the labels on, a takeover holds copies of unlabelled flows for a
# while: the replicated entries are being committed (ITO_TIME_SCALE: the
# commit came up to 2.4 s after the notify script under emulation).
hold=$((6000 * ${ITO_TIME_SCALE:-1}))
[ $hold -le 60000 ] || hold=60000
for fw in fwa fwb; do
	ctl $fw set verdict-source agent,ctlabel ctlabel-offloaded 4 ctlabel-blocked 5 \
		ctlabel-inspected 6 min-rate 0 udp-ageing 30 ha-hold $hold || ok=1
done
check "ito on both: ports, verdicts from the agent and ct labels 4/5/6, ha-hold $hold ms; configs written" test $ok = 0
check "itoctl set ha-role: no warning once the verdicts travel" \
	bash -c "ip netns exec ha-fwa '$ITOCTL' set ha-role active 2>&1 | grep -c . | grep -qx 0"

ha_role=1
if ctl fwb set ha-role passive 2>"$tmp/ha-role.err"; then
	ha_role=0
else
	echo "# itoctl set ha-role: $(cat "$tmp/ha-role.err")"
fi

r=0
ha_itod fwa offload || r=$?
check "fw-a's agent: offload everything" test $r = 0
r=0
ha_itod fwb inspect || r=$?
check "fw-b's agent: inspect everything" test $r = 0

# fw-b's flow events, for the flows its agent was shown
ip netns exec ha-fwb "$ITOCTL" -j monitor >"$tmp/fwb/events" &
# and conntrack's destroy events there, with their counters
ip netns exec ha-fwb stdbuf -oL conntrack -E -e DESTROY -o extended >"$tmp/fwb/ct-destroy" 2>/dev/null &
ct_events=$!

# --- conntrackd and keepalived ---------------------------------------------
section "daemons"
check "conntrackd runs on fw-a" conntrackd_start fwa
check "conntrackd runs on fw-b" conntrackd_start fwb
t0=$(now_ms)
keepalived_start fwa
check "keepalived: fw-a becomes master, has both gateway addresses" wait_for 20 has_vips fwa
echo "# fw-a master after $(( $(now_ms) - t0 )) ms"
check "fw-a's notify script ran for MASTER" wait_for 20 notified fwa MASTER
keepalived_start fwb
check "fw-b's notify script ran for BACKUP" wait_for 20 notified fwb BACKUP
sed 's/^/# fwa notify: /' "$tmp/fwa/notify.log"
sed 's/^/# fwb notify: /' "$tmp/fwb/notify.log"
check "fw-b stays backup, without the gateway addresses" no_vips fwb
if [ $ha_role = 0 ]; then
	check "the notify scripts' steps all worked (ha-role included)" \
		bash -c "grep -q 'MASTER: done, status 0' '$tmp/fwa/notify.log' && grep -q 'BACKUP: done, status 0' '$tmp/fwb/notify.log'"
else
	skip "the notify scripts' steps all worked (ha-role included)" "itoctl has no ha-role"
fi

# --- traffic through fw-a --------------------------------------------------
section "traffic through fw-a"
srv iperf3 -s -1 >/dev/null 2>&1 &
listening ha-srv tcp 5201
ip netns exec ha-srv python3 "$ECHO" server 7000 "$tmp/echo7000" &
listening ha-srv udp 7000
ip netns exec ha-srv python3 "$PEERS" server 5000 &
listening ha-srv tcp 5000

ip netns exec ha-cli python3 "$PEERS" udp 10.1.2.2 7000 1500 0.02 >"$tmp/u1500" &
udp=$!
# its socket times out after 30 s without an echo (not 10): a takeover on
# a loaded emulator took up to 10 s to commit
ITO_TIME_SCALE=$((${ITO_TIME_SCALE:-1} * 3)) ip netns exec ha-cli python3 "$PEERS" stream \
	10.1.2.2 5000 0.02 >"$tmp/nat" 2>"$tmp/nat.err" &
nat=$!
t_iperf=$SECONDS
ip netns exec ha-cli iperf3 -c 10.1.2.2 -P "$NSTREAMS" -t "$IPERF_T" -b 500K -J \
	>"$tmp/iperf.json" 2>"$tmp/iperf.err" &
iperf=$!

IPERF_OFF='.dport==5201 and .state=="offloaded"'
all_offloaded()
{
	[ "$(fnflows "$1" ".sport==1500 and .state==\"offloaded\"")" = 1 ] &&
		[ "$(fnflows "$1" ".dport==5000 and .state==\"offloaded\"")" = 1 ] &&
		[ "$(fnflows "$1" "$IPERF_OFF")" -ge "$NSTREAMS" ]
}
check "fw-a offloads the UDP, the NATed and the $NSTREAMS iperf3 streams" until_t 60 all_offloaded fwa
echo "# fw-a: $(fnflows fwa "$IPERF_OFF") iperf3 flows offloaded after $((SECONDS - t_iperf)) s"
nat_peer()
{
	srv ss -Htn state established '( sport = :5000 )' | awk '{print $4}' |
		sed 's/^\[::ffff:\(.*\)\]/\1/'
}
peer0=$(nat_peer)
echo "# the server sees the NATed connection from $peer0"
check "the NATed connection reaches the server from the gateway address" \
	bash -c "[[ '$peer0' == 10.1.2.1:* ]]"

# what FW's conntrackd holds for the peer (its external cache)
ext() { ip netns exec "ha-$1" conntrackd -C "$tmp/$1/conntrackd.conf" -e 2>/dev/null; }
synced()
{
	local e
	e=$(ext "${1:-fwb}")
	[ "$(grep -c 'dport=5201' <<<"$e")" -ge "$NSTREAMS" ] &&
		grep -q 'sport=1500' <<<"$e" && grep -q 'dport=5000' <<<"$e"
}
check "fw-b's conntrackd holds the sessions in its external cache" until_t 30 synced
ext fwb | grep -E 'sport=1500|dport=5000' | sed 's/^/# fwb external: /'
check "fw-b's kernel table holds none of them yet" \
	bash -c "! ip netns exec ha-fwb conntrack -L 2>/dev/null | grep -qE 'dport=(5201|5000|7000)'"

# --- fw-a dies -------------------------------------------------------------
section "failover"
c_b0=$(fcount fwb copies_sent)
t_kill=$(now_ms)
for d in a0 a1 sa; do
	on fwa ip link set $d down
done
for p in keepalived.pid vrrp.pid conntrackd.pid; do
	kill -9 "$(cat "$tmp/fwa/$p")"
done
# What fw-b has offloaded, polled as often as the emulator allows from the
# kill on (the checks below wait for the notify script, which goes on for
# seconds after ha-role active): when the UDP stream's session went in
# (it keeps sending through the takeover; the TCP streams come back only
# at their next retransmission, after a backoff that grew during the
# outage), and when all the sessions were in.
(
	end=$(( $(date +%s) + 120 * ${ITO_TIME_SCALE:-1} ))
	t_neg=0
	while [ "$(date +%s)" -lt "$end" ]; do
		t0=$(now_ms)
		seen=$(ctl fwb -j flow show | jq -r '[.[]|select(.state=="offloaded")] | "\(length) \(any(.sport==1500))"')
		if [ "${seen#* }" = true ]; then
			[ -s "$tmp/t_udp_in" ] || echo "$t_neg $(now_ms)" >"$tmp/t_udp_in"
		else
			t_neg=$t0	# not in yet at some time after t0
		fi
		if [ "${seen% *}" -ge $((NSTREAMS + 2)) ]; then
			now_ms >"$tmp/t_all_in"
			break
		fi
		sleep 0.05
	done
) &
sampler=$!
check "the failover happens while iperf3 runs ($((SECONDS - t_iperf)) s of $IPERF_T)" \
	test $((SECONDS - t_iperf)) -lt $((IPERF_T - 40))
check "fw-b takes both gateway addresses" until_t 30 has_vips fwb
t_vip=$(now_ms)
check "fw-b's notify script ran for MASTER" until_t 30 notified fwb MASTER
t_notified=$(now_ms)
ct_nat=$(on fwb conntrack -L -p tcp --dport 5000 2>/dev/null)
sed 's/^/# fwb notify: /' "$tmp/fwb/notify.log"
# the notify script's clock is the test's: when it began, when it committed
nt() { awk -v s="$1" '$0 ~ s {printf "%.0f\n", $1 * 1000; exit}' "$tmp/fwb/notify.log"; }
t_begin=$(nt "MASTER: begin")
t_commit=$(nt "MASTER: ok conntrackd -c")
t_active=$(nt "MASTER: ok itoctl set ha-role active")
grep -i -E 'commit|error' "$tmp/fwb/conntrackd.log" | sed 's/^/# fwb conntrackd: /'
BYLABEL='.state=="offloaded" and .verdict_by=="ctlabel"'
by_label()
{
	ctl "$1" -j flow show | jq -e "([.[]|select(.sport==1500 and $BYLABEL)]|length) == 1 and
		([.[]|select(.dport==5000 and $BYLABEL)]|length) == 1 and
		([.[]|select(.dport==5201 and $BYLABEL)]|length) >= $NSTREAMS" >/dev/null
}
r=0
until_t 60 by_label fwb || r=$?
t_off=$(now_ms)
ctl fwb -j flow show | jq -c '.[]|{sport,dport,state,verdict,verdict_by,copies,offload_pkts}' | head -n 30 | sed 's/^/# fwb flow: /'
echo "# after the kill: notify MASTER began at $((t_begin - t_kill)) ms, gateway addresses seen at $((t_vip - t_kill)) ms, conntrackd -c done at $((t_commit - t_kill)) ms, ha-role active at $((t_active - t_kill)) ms, notify done at $((t_notified - t_kill)) ms, all offloaded at $((t_off - t_kill)) ms ($((t_off - t_begin)) ms after the takeover, $((t_off - t_active)) ms after ha-role active)"
check "fw-b offloads the replicated sessions, by their label" test $r = 0
wait $sampler
read -r t_udp_before t_udp_seen <"$tmp/t_udp_in" || t_udp_before=0
t_in=$(cat "$tmp/t_all_in" 2>/dev/null || echo 0)
echo "# fw-b offloaded the UDP stream between $((t_udp_before - t_active)) and $((${t_udp_seen:-0} - t_active)) ms after ha-role active; all $((NSTREAMS + 2)) sessions were in $((t_in - t_active)) ms after it ($((t_in - t_vip)) ms after the gateway addresses were seen to move)"
# a poll takes up to seconds here: the check fails when a poll saw the
# session still out more than 2 s after ha-role active
check "fw-b offloaded the UDP stream within 2 s of ha-role active (seen in at $((${t_udp_seen:-0} - t_active)) ms, last seen out at $((t_udp_before - t_active)) ms)" \
	test "${t_udp_seen:-0}" -gt 0 -a $((t_udp_before - t_active)) -le $((2000 * ${ITO_TIME_SCALE:-1}))
ctl fwb -j flow show | jq -c '.[]|select(.copies > 0)' | sed 's/^/# fwb flow with copies: /'
SYNCED='.dport==5201 or .dport==5000 or .sport==1500'
echo "# fw-b copies_sent: $(fcount fwb copies_sent)"
check "the agent on fw-b got no copy of them" \
	test "$(ctl fwb -j flow show | jq "[.[]|select($SYNCED)|.copies]|add")" = 0
echo "# fwb conntrack: $ct_nat"
check "the NAT binding was replicated: fw-b's entry replies to ${peer0}" \
	bash -c "grep -q 'dst=10.1.2.1 sport=5000 dport=${peer0#*:}' <<<'$ct_nat'"
check "the ct mark was replicated (0x10)" bash -c "grep -q 'mark=16' <<<'$ct_nat'"
check "fw-b's ruleset saw the offloaded label on the committed entries" \
	test "$(nft_count ha-fwb inet ha c_fwd offloaded)" -gt 0
echo "# fwb dropped: mid-stream forwarded $(nft_count ha-fwb inet ha c_fwd midstream), to itself $(nft_count ha-fwb inet ha c_in midstream), invalid $(nft_count ha-fwb inet ha c_fwd invalid)"

# --- fw-a comes back -----------------------------------------------------------
# As after a reboot: its conntrack table and ito's flows empty, ito
# passive, its agent now one that says inspect (a flow it offloads got its
# verdict from the replicated label); then conntrackd and keepalived,
# which preempts after preempt_delay.
section "failback"
kill "${itod_pids[fwa]}"
wait "${itod_pids[fwa]}" 2>/dev/null
ctl fwa set ha-role passive
on fwa conntrack -F 2>/dev/null
ctl fwa flow flush
r=0
ha_itod fwa inspect || r=$?
check "fw-a's agent restarted: inspect everything" test $r = 0
for d in a0 a1 sa; do
	on fwa ip link set $d up
done
rm -f "$tmp/fwa/conntrackd.lock"
check "conntrackd runs on fw-a again" conntrackd_start fwa
nb_a=$(grep -c "BACKUP: done" "$tmp/fwa/notify.log")
nm_a=$(grep -c "MASTER: done" "$tmp/fwa/notify.log")
nb_b=$(grep -c "BACKUP: done" "$tmp/fwb/notify.log")
c_a0=$(fcount fwa copies_sent)
t_start=$(now_ms)
keepalived_start fwa
check "fw-a comes back as backup (notify BACKUP)" until_t 30 notified fwa BACKUP $((nb_a + 1))
check "fw-a's conntrackd receives fw-b's sessions" until_t 30 synced fwa
check "fw-a takes the gateway addresses back" until_t 60 has_vips fwa
t_back=$(now_ms)
nta() { awk -v s="$1" '$0 ~ s {t = $1} END {printf "%.0f\n", t * 1000}' "$tmp/fwa/notify.log"; }
check "the failback happens while iperf3 runs ($((SECONDS - t_iperf)) s of $IPERF_T)" \
	test $((SECONDS - t_iperf)) -lt $((IPERF_T - 30))
check "fw-a's notify script ran for MASTER" until_t 30 notified fwa MASTER $((nm_a + 1))
check "fw-b's notify script ran for BACKUP" until_t 30 notified fwb BACKUP $((nb_b + 1))
check "fw-b gave the addresses up" no_vips fwb
tail -n 12 "$tmp/fwa/notify.log" | sed 's/^/# fwa notify: /'
grep -i -E 'commit|error' "$tmp/fwa/conntrackd.log" | tail -n 5 | sed 's/^/# fwa conntrackd: /'
t_master_a=$(nta "MASTER: begin")
t_commit_a=$(nta "MASTER: ok conntrackd -c")
r=0
until_t 60 by_label fwa || r=$?
t_off=$(now_ms)
echo "# failback: keepalived started at 0, fw-a master at $((t_master_a - t_start)) ms (addresses seen at $((t_back - t_start)) ms), conntrackd -c done at $((t_commit_a - t_start)) ms, ha-role active at $(( $(nta "MASTER: ok itoctl set ha-role active") - t_start)) ms, all offloaded at $((t_off - t_start)) ms"
ctl fwa -j flow show | jq -c '.[]|select(.copies > 0 or .verdict_by != "ctlabel")|{sport,dport,state,verdict,verdict_by,copies}' | sed 's/^/# fwa flow: /'
check "fw-a offloads the sessions again, by their label" test $r = 0
check "fw-a's agent got no copy of them ($c_a0 -> $(fcount fwa copies_sent))" \
	test "$(ctl fwa -j flow show | jq "[.[]|select($SYNCED)|.copies]|add")" = 0
echo "# fw-b copies_sent: $(fcount fwb copies_sent)"
check "fw-b, passive, handed its sessions back: none left" \
	until_t 10 test "$(fcount fwb flow_offload_active_session)" = 0

# conntrackd does not replicate counters: fw-b's entries count from the
# commit. Handed back to them (fw-b went passive), they hold all that fw-b
# forwarded, offloaded or not: the sum of its flow's counts (which include
# the offloaded packets). Read live; or, once conntrackd -t on fw-b has
# timed the entry out (the debug kernel gets there first), from the
# flow's end event and conntrack's destroy event.
udp_counts_match()
{
	local ct f
	f=$(ctl fwb -j flow show | jq -c '[.[]|select(.sport==1500 and .verdict_by=="ctlabel")][0] // empty')
	if [ -n "$f" ]; then
		ct=$(ip netns exec ha-fwb conntrack -L -p udp --sport 1500 -o extended 2>/dev/null)
		udp_from=live
	else
		f=$(jq -sc '[.[]|select(.event=="end" and .sport==1500 and .verdict_by=="ctlabel")][-1] // empty' "$tmp/fwb/events")
		ct=$(grep 'sport=1500 ' "$tmp/fwb/ct-destroy" | tail -n 1)
		udp_from="end and destroy events"
	fi
	[ -n "$f" ] || f={}
	ct_pkts=$(grep -o 'packets=[0-9]*' <<<"$ct" | awk -F= '{ s += $2 } END { print s + 0 }')
	fl_pkts=$(jq '(.pkts_orig // 0) + (.pkts_reply // 0)' <<<"$f")
	fl_off=$(jq '.offload_pkts // 0' <<<"$f")
	[ "$fl_off" -gt 0 ] && [ "$ct_pkts" = "$fl_pkts" ]
}
check "fw-b's conntrack counters of the UDP stream: all it forwarded, offloaded included" \
	until_t 10 udp_counts_match
udp_counts_match
echo "# fw-b's UDP entry ($udp_from): $ct_pkts packets; its flow: $fl_pkts, $fl_off of them offloaded"
grep 'sport=1500 ' "$tmp/fwb/ct-destroy" | head -n 3 | sed 's/^/# fw-b destroyed: /'

# --- the traffic's verdict ---------------------------------------------------
section "the traffic"
wait $iperf
rc=$?
t_end=$SECONDS
echo "# iperf3 exit $rc after $((t_end - t_iperf)) s; $(jq -c '{error, sent: .end.sum_sent.bytes, rcvd: .end.sum_received.bytes, retransmits: .end.sum_sent.retransmits}' "$tmp/iperf.json")"
check "iperf3: all $NSTREAMS streams completed, no error" \
	test "$rc" = 0 -a "$(jq -r '.error // "none"' "$tmp/iperf.json")" = none
# the last interval may last a few ms: the last 5 s
check "iperf3: every stream still moved data in its last 5 s" \
	test "$(jq '[.intervals[-5:][].streams[]]|group_by(.socket)|map(select(map(.bytes)|add > 0))|length' "$tmp/iperf.json")" = "$NSTREAMS"
peer1=$(nat_peer)
stop_client $nat
rc=$?
echo "# NATed stream: $(cat "$tmp/nat") round trips; $(cat "$tmp/nat.err")"
check "the NATed stream: unbroken, every echo right" test $rc = 0
check "the server sees it from the same public ip:port ($peer0)" \
	test "$peer1" = "$peer0"
stop_client $udp >/dev/null
read -r sent echoed <"$tmp/u1500"
lost=$((sent - echoed))
window=$((t_commit - t_kill + t_commit_a - t_master_a))
echo "# UDP: $sent sent, $echoed echoed, $lost lost (a datagram every 20 ms; $((t_commit - t_kill)) ms between the kill and the commit on fw-b, $((t_commit_a - t_master_a)) ms between fw-a's takeover and its commit)"
check "UDP: losses only in the takeover window ($lost lost, at most $((window / 20 + 25)))" \
	test "$lost" -le $((window / 20 + 25))
jq -c "select((.copies // 0) > 0 or .sport==1500 or ((.dport==5201 or .dport==5000 or .sport==1500)|not))" "$tmp/fwb/events" |
	head -n 20 | sed 's/^/# fwb event: /'
# A datagram that reaches fw-b between the takeover and the commit starts
# an entry without a label (before ha-hold, its agent got 3 to 8 copies of
# them); conntrackd's commit then replaces the entry with the replicated
# one, offloaded by its label. The copies are held meanwhile. TCP has no
# such window: the ruleset drops it.
echo "# fw-b: copies held during the takeover: $(fcount fwb ha_copies_held)"
check "fw-b's agent got no copy at all during the takeover ($c_b0 -> $(fcount fwb copies_sent))" \
	test "$(fcount fwb copies_sent)" = "$c_b0"

finish
