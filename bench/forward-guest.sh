#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the benchmark VM (bench/forward.sh): forwarding packets/s of one
# UDP flow through the router namespace of selftests/topo.sh, three ways:
#   A  slow path: conntrack + routing, ito not loaded
#   B  ito loaded, the flow offloaded: ito's netdev ingress fast path
#   C  nftables software flowtable (`flow add @ft`), ito not loaded
# pktgen in ito-cli floods 64-byte frames of the flow; what ito-fw sends on
# f1 per second is the result. Variants are interleaved A B C A B C ... so
# drift of the emulated machine hits all of them alike; medians compared.
#
# env: ITO_KO (required), ROUNDS (5), SECS (4, measured), WARMUP (1)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ITO_KO=${ITO_KO:?ITO_KO must name ito.ko for this kernel}
# shellcheck disable=SC2034  # used by topo.sh's fwctl
ITOCTL=$top/userspace/itoctl/itoctl
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-4}
WARMUP=${WARMUP:-1}
. "$top/selftests/topo.sh"

# The one flow: client 10.0.1.2:4000 -> sink 10.0.2.2:5000.
CLI_IP=10.0.1.2
SRV_IP=10.0.2.2
SPORT=4000
DPORT=5000
PG=/proc/net/pktgen

failed=""	# "variant: reason" lines, reported at the end
declare -A pps	# pps[V,round]

trap 'pg_stop; rmmod ito 2>/dev/null || true; topo_down' EXIT

log() { echo "# $*"; }
mac() { ip -n "$1" -br link show dev "$2" | awk '{print $3}'; }
fail() { failed+="$1"$'\n'; echo "!! $1" >&2; }

# --- topology ------------------------------------------------------------

# topo.sh's three namespaces, IPv4 only, with permanent neighbours: no ARP
# or ND packet ever competes with the flood. Client and sink drop
# everything arriving, at ingress, before IP: they are traffic sources and
# sinks, not hosts, and must cost as little as possible.
setup_topology()
{
	local ns
	topo_up
	for ns in ito-cli ito-fw ito-srv; do
		ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	done
	ip -n ito-cli neigh replace 10.0.1.1 lladdr "$(mac ito-fw f0)" nud permanent dev c0
	ip -n ito-fw neigh replace $CLI_IP lladdr "$(mac ito-cli c0)" nud permanent dev f0
	ip -n ito-fw neigh replace $SRV_IP lladdr "$(mac ito-srv s0)" nud permanent dev f1
	ip -n ito-srv neigh replace 10.0.2.1 lladdr "$(mac ito-fw f1)" nud permanent dev s0
	cli nft -f - <<-'NFT'
	table netdev sinkhole {
		chain in { type filter hook ingress device "c0" priority 0; policy drop; }
	}
	NFT
	srv nft -f - <<-'NFT'
	table netdev sinkhole {
		chain in { type filter hook ingress device "s0" priority 0; policy drop; }
	}
	NFT
	# The firewall every variant runs: conntrack on, established accepted.
	fw nft -f - <<-'NFT'
	table inet router {
		chain forward_filter {
			type filter hook forward priority 0; policy accept;
			ct state established,related accept
		}
	}
	NFT
}

# One datagram each way: conntrack sees a reply (UDP: SEEN_REPLY) and ito
# and a flowtable see both directions on the forward hook.
ping_pong()
{
	echo x | cli socat -u - UDP-SENDTO:$SRV_IP:$DPORT,sourceport=$SPORT
	echo x | srv socat -u - UDP-SENDTO:$CLI_IP:$SPORT,sourceport=$DPORT
}

# A fresh conntrack entry for the flow, established both ways.
establish_flow()
{
	fw conntrack -F >/dev/null 2>&1 || true
	ping_pong
}

ct_entry() { fw conntrack -L -p udp --sport $SPORT --dport $DPORT 2>/dev/null; }

# --- pktgen --------------------------------------------------------------

pg() { echo "$2" >"$PG/$1"; }

# One pktgen device, c0, in ito-cli (pktgen is per network namespace):
# 60-byte frames (64 with FCS), the flow's fixed 5-tuple, addressed to the
# router's MAC so the router takes them as PACKET_HOST. count 0 = until
# stopped. clone_skb 0: veth cannot send shared skbs.
setup_pktgen()
{
	modprobe pktgen
	ip netns exec ito-cli bash -eu -c "$(declare -f pg); PG=$PG
		pg kpktgend_0 'rem_device_all'
		pg kpktgend_0 'add_device c0'
		for c in 'count 0' 'clone_skb 0' 'pkt_size 60' 'delay 0' \
			'dst $SRV_IP' 'src_min $CLI_IP' 'src_max $CLI_IP' \
			'udp_src_min $SPORT' 'udp_src_max $SPORT' \
			'udp_dst_min $DPORT' 'udp_dst_max $DPORT' \
			'dst_mac $(mac ito-fw f0)'; do
			pg c0 \"\$c\"
		done"
}

pg_start() { ip netns exec ito-cli bash -c "echo start >$PG/pgctrl" & }
pg_stop()
{
	ip netns exec ito-cli bash -c "echo stop >$PG/pgctrl" 2>/dev/null || true
	wait 2>/dev/null || true
}

f1_tx() { fw cat /sys/class/net/f1/statistics/tx_packets; }

# The router's path counters, one line: f1 tx packets, IpForwDatagrams (only
# ip_forward() counts it: neither ito's fast path nor a flowtable does),
# and what the client offered (c0 tx) and lost (c0 tx_dropped: veth found
# the router's backlog full).
path_counters()
{
	local c0=/sys/class/net/c0/statistics
	echo "$(f1_tx)" \
		"$(fw awk '/^Ip: [0-9]/ {print $7}' /proc/net/snmp)" \
		"$(cli cat $c0/tx_packets)" "$(cli cat $c0/tx_dropped)"
}

# check_path V BEFORE AFTER: did the flood take V's path? A: every
# forwarded packet went through ip_forward(); B, C: (almost) none did.
check_path()
{
	local v=$1 tx fwd offered dropped
	# (the guest has no /dev/fd: no process substitution)
	# shellcheck disable=SC2046  # four numbers, split on purpose
	set -- $(awk -v a="$2" -v b="$3" 'BEGIN { n = split(a, x); split(b, y)
		for (i = 1; i <= n; i++) printf "%d ", y[i] - x[i] }')
	tx=$1 fwd=$2 offered=$3 dropped=$4
	log "$v: c0 offered $offered (dropped $dropped), f1 sent $tx, IpForwDatagrams +$fwd"
	[ "$tx" -gt 0 ] || return 1
	case $v in
	A) [ "$fwd" -ge $((tx * 95 / 100)) ] ;;
	*) [ "$fwd" -le $((tx * 5 / 100)) ] ;;
	esac
}

# Flood for WARMUP + SECS seconds; print the pps f1 sent during the SECS
# window. The window's bounds are read in one process with bash builtins
# ($EPOCHREALTIME, read), so no fork falls inside a timestamp pair.
flood()
{
	pg_start
	sleep "$WARMUP"
	fw bash -c '
		f=/sys/class/net/f1/statistics/tx_packets
		t0=$EPOCHREALTIME; read -r n0 <$f
		sleep '"$SECS"'
		t1=$EPOCHREALTIME; read -r n1 <$f
		echo "$n0 $n1 $t0 $t1"' |
		awk '{printf "%d\n", ($2 - $1) / ($4 - $3)}'
	pg_stop
}

# --- the variants: setup, check, teardown --------------------------------

fwctl_counter() { fwctl -j counters | jq ".$1"; }
flow_state()
{
	fwctl -j flow show |
		jq -r "[.[]|select(.proto==\"udp\" and .sport==$SPORT and .dport==$DPORT)][0].state"
}

setup_A() { establish_flow; }
teardown_A() { :; }

flow_id()
{
	fwctl -j flow show |
		jq -r "[.[]|select(.proto==\"udp\" and .sport==$SPORT and .dport==$DPORT)][0].id"
}

# ito with both router ports enrolled; the flow gets "offload" the way an
# agent's decision arrives (itoctl flow verdict; with no agent registered a
# new flow gets no verdict, see admin-guide "default-verdict"). ito learns
# each direction's route only from packets seen after the verdict, so a
# second ping-pong follows it. min-pkts 1, min-rate 0: eligible at once;
# the long idle timeout keeps the flow offloaded while we sample.
setup_B()
{
	local n=25 id
	insmod "$ITO_KO" || return 1
	fwctl port add f0 || return 1
	fwctl port add f1 || return 1
	fwctl set min-pkts 1 min-rate 0 udp-ageing 3600 || return 1
	establish_flow || return 1
	id=$(flow_id)
	[ "$id" != null ] || { log "ito saw no flow: $(fwctl flow show)"; return 1; }
	fwctl flow verdict "$id" offload || return 1
	ping_pong || return 1
	while [ "$(flow_state)" != offloaded ] && [ $n -gt 0 ]; do
		sleep 0.2
		n=$((n - 1))
	done
	if [ "$(flow_state)" != offloaded ]; then
		log "ito flow: $(fwctl flow show)"
		log "ito counters: $(fwctl -j counters | jq -c 'with_entries(select(.value>0))')"
		return 1
	fi
	B_fp0=$(fwctl_counter fastpath_pkts)
	B_cpu0=$(fwctl_counter flow_offload_rcv_cpu)
	B_tx0=$(f1_tx)
}

# The fast path must have carried what f1 sent during the flood: compare
# fastpath_pkts with f1's tx_packets over the same span.
check_B()
{
	local fp cpu tx
	fp=$(($(fwctl_counter fastpath_pkts) - B_fp0))
	cpu=$(($(fwctl_counter flow_offload_rcv_cpu) - B_cpu0))
	tx=$(($(f1_tx) - B_tx0))
	log "B: fastpath_pkts +$fp, flow_offload_rcv_cpu +$cpu, state $(flow_state)"
	[ "$fp" -ge $((tx * 95 / 100)) ] && [ "$tx" -gt 0 ]
}

teardown_B() { rmmod ito; }

# A software flowtable on both router ports; `flow add` in a forward chain
# of its own that runs before table router. The reply datagram of
# establish_flow is the first established packet, so it offloads the flow.
setup_C()
{
	modprobe nf_flow_table_inet || return 1
	fw nft -f - <<-'NFT' || return 1
	table inet ft {
		flowtable ft { hook ingress priority 0; devices = { "f0", "f1" }; }
		chain forward_offload {
			type filter hook forward priority -10; policy accept;
			meta l4proto udp flow add @ft
		}
	}
	NFT
	establish_flow || return 1
	if ! ct_entry | grep -q OFFLOAD; then
		log "conntrack: $(ct_entry)"
		return 1
	fi
}

check_C()
{
	local ct
	ct=$(ct_entry)
	log "C: conntrack: $ct"
	grep -q OFFLOAD <<<"$ct"
}

teardown_C() { fw nft delete table inet ft; }

# run_variant V ROUND: set V up (setup_V runs under `if`, where set -e is
# off, hence their explicit `|| return 1`), flood, check, tear down; records pps.
run_variant()
{
	local v=$1 r=$2 rate before
	if ! "setup_$v"; then
		fail "$v (round $r): could not be set up"
		"teardown_$v" 2>/dev/null || true
		return 0
	fi
	before=$(path_counters)
	rate=$(flood)
	if ! check_path "$v" "$before" "$(path_counters)" ||
	   { declare -F "check_$v" >/dev/null && ! "check_$v"; }; then
		fail "$v (round $r): flood did not take the expected path"
		rate=
	fi
	"teardown_$v"
	[ -z "$rate" ] || pps[$v,$r]=$rate
}

# --- report --------------------------------------------------------------

median()
{
	sort -n | awk '{a[NR] = $1} END {
		if (NR == 0) { print "n/a"; exit }
		if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f\n", a / b; else print "n/a" }'; }

# ratio_cell V W ROUND: V/W of one round, "-" when either is missing
ratio_cell()
{
	if [ -n "${pps[$1,$3]:-}" ] && [ -n "${pps[$2,$3]:-}" ]; then
		ratio "${pps[$1,$3]}" "${pps[$2,$3]}"
	else
		echo -
	fi
}

# Medians of the rates, and of each round's own ratios: the emulated
# machine drifts between rounds, a ratio within one round cancels that.
report()
{
	local v r vals fmt='%-7s %11s %11s %11s %6s %6s %6s\n'
	declare -A med
	echo
	echo "== Forwarded packets/s (f1 tx), one UDP flow, 64-byte frames, $SECS s windows"
	printf "$fmt" round "A slowpath" "B ito" "C flowtbl" B/A C/A B/C
	for r in $(seq "$ROUNDS"); do
		printf "$fmt" "$r" "${pps[A,$r]:--}" "${pps[B,$r]:--}" "${pps[C,$r]:--}" \
			"$(ratio_cell B A "$r")" "$(ratio_cell C A "$r")" "$(ratio_cell B C "$r")"
	done
	for v in A B C; do
		vals=$(for r in $(seq "$ROUNDS"); do [ -z "${pps[$v,$r]:-}" ] || echo "${pps[$v,$r]}"; done)
		med[$v]=$(median <<<"$vals")
	done
	for v in BA CA BC; do
		med[$v]=$(for r in $(seq "$ROUNDS"); do ratio_cell "${v:0:1}" "${v:1:1}" "$r"; done |
			grep -v '^-$' | sort -g | awk '{a[NR] = $1} END {
				if (NR == 0) print "n/a"
				else if (NR % 2) print a[(NR + 1) / 2]
				else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
	done
	printf "$fmt" median "${med[A]}" "${med[B]}" "${med[C]}" "${med[BA]}" "${med[CA]}" "${med[BC]}"
	echo
	echo "== Summary: ratio of median rates (median of per-round ratios)"
	echo "   TCG software emulation, 1 CPU; expect +-20% noise between rounds"
	printf '  B/A  ito fast path vs slow path:      %s (%s)\n' "$(ratio "${med[B]}" "${med[A]}")" "${med[BA]}"
	printf '  C/A  nft flowtable vs slow path:      %s (%s)\n' "$(ratio "${med[C]}" "${med[A]}")" "${med[CA]}"
	printf '  B/C  ito fast path vs nft flowtable:  %s (%s)\n' "$(ratio "${med[B]}" "${med[C]}")" "${med[BC]}"
}

main()
{
	local r v
	log "kernel $(uname -r), $(nproc) cpu(s), module $ITO_KO"
	log "rounds $ROUNDS, warmup $WARMUP s, window $SECS s"
	modprobe nf_nat
	rmmod ito 2>/dev/null || true
	setup_topology
	setup_pktgen
	for r in $(seq "$ROUNDS"); do
		for v in A B C; do
			run_variant "$v" "$r"
		done
		echo "round $r: A ${pps[A,$r]:--} pps, B ${pps[B,$r]:--} pps, C ${pps[C,$r]:--} pps"
	done
	report
	if [ -n "$failed" ]; then
		echo
		echo "FAILED: some variant could not be measured as intended:"
		printf '%s' "$failed" | sed 's/^/  /'
		exit 1
	fi
	echo "bench: all variants measured"
}

main
