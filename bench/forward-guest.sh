#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the benchmark VM (bench/forward.sh): forwarding packets/s of one
# UDP flow through the router namespace of selftests/topo.sh, four ways:
#   A  slow path: conntrack + routing, ito not loaded
#   B  ito loaded, the flow offloaded: ito's netdev ingress fast path
#   C  nftables software flowtable (`flow add @ft`), ito not loaded
#   D  ito loaded, both ports "offload xdp", ito-xdpd running: the flow
#      offloaded as in B, forwarded by the XDP program (XDP_REDIRECT)
# A source in ito-cli floods 64-byte frames of the flow; what ito-fw sends
# on f1 per second is the result, and the CPU time spent per forwarded
# packet in softirq (the router and the sink) and in system context (the
# sender). SOURCE picks the source and the sink:
#   xdp     a model of a NIC: bench/xdpflood sends XDP frames on c0
#           (BPF_PROG_RUN live frames), which reach f0's NAPI as
#           xdp_frames, never skbs; f0 has GRO on (NAPI, as a NIC driver);
#           the sink s0 drops with an XDP program (XDP_DROP)
#   pktgen  pktgen's skbs on c0 (f0 without NAPI); the sink s0 drops with
#           an nft netdev ingress chain (GRO on for NAPI)
# Variants are interleaved A B C D A B C D ... so drift of the emulated
# machine hits all of them alike; medians compared.
#
# env: ITO_KO (required), ROUNDS (5), SECS (4, measured), WARMUP (1),
#      ITO_XDPD (userspace/xdpd/ito-xdpd), VARIANTS ("A B C D"),
#      PERF (1: after each measured flood, a second 2 s flood under
#      `perf record -a`, its top symbols logged; not in the numbers),
#      SOURCE (xdp or pktgen, default xdp), XDPFLOOD (bench/xdpflood's
#      binary, required for SOURCE=xdp)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ITO_KO=${ITO_KO:?ITO_KO must name ito.ko for this kernel}
# shellcheck disable=SC2034  # used by topo.sh's fwctl
ITOCTL=$top/userspace/itoctl/itoctl
XDPD=${ITO_XDPD:-$top/userspace/xdpd/ito-xdpd}
XDPD_MS=200	# ito-xdpd's report interval
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-4}
WARMUP=${WARMUP:-1}
VARIANTS=${VARIANTS:-A B C D}
PERF=${PERF:-}
SOURCE=${SOURCE:-xdp}
case $SOURCE in
xdp) XDPFLOOD=${XDPFLOOD:?XDPFLOOD must name the xdpflood binary} ;;
pktgen) ;;
*) echo "SOURCE must be xdp or pktgen, not $SOURCE" >&2; exit 2 ;;
esac
. "$top/selftests/topo.sh"

# The one flow: client 10.0.1.2:4000 -> sink 10.0.2.2:5000.
CLI_IP=10.0.1.2
SRV_IP=10.0.2.2
SPORT=4000
DPORT=5000
PG=/proc/net/pktgen

failed=""	# "variant: reason" lines, reported at the end
declare -A pps	# pps[V,round]
declare -A sirq	# sirq[V,round]: softirq ns per forwarded packet
declare -A sys	# sys[V,round]: system (non-softirq kernel) ns per packet
xdpd_pid=
xdpd_log=/tmp/ito-xdpd.log

trap 'stop_xdpd; src_stop; rmmod ito 2>/dev/null || true; topo_down' EXIT

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
	# GRO on the sink's veth end gives it NAPI: in D, f1 hands it the
	# XDP_REDIRECTed frames through ndo_xdp_xmit, which a veth without
	# NAPI (no XDP program, GRO off) drops. On in every variant, so that
	# the sink receives the same way (s0's NAPI poll, then the ingress
	# drop) and costs the same in all four.
	srv ethtool -K s0 gro on >/dev/null
	if [ "$SOURCE" = xdp ]; then
		# The NIC model. The sink drops with XDP before any skb: D's
		# redirected xdp_frames are returned to their page pool, A's,
		# B's and C's skbs (built by f0 from the frames: page-pool
		# heads with 256 bytes of headroom, so veth runs XDP on them in
		# place, no copy) are freed. The nft sinkhole stays as a
		# backstop; the checks require that it saw nothing.
		srv "$XDPFLOOD" drop s0
		# f0 must have NAPI for c0's ndo_xdp_xmit to queue frames on
		# it: GRO on, in every variant, as a NIC driver's
		# napi_gro_receive(). Without an XDP program f0 builds an skb
		# from each frame and hands it to GRO (UDP without a GRO socket:
		# no merge, on to the stack); in D ito-xdpd's program redirects
		# the frame before any skb or GRO.
		fw ethtool -K f0 gro on >/dev/null
	fi
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

# pg_stop waits for pg_start's job only: ito-xdpd is a job of this shell too
pg_start() { ip netns exec ito-cli bash -c "echo start >$PG/pgctrl" & pg_pid=$!; }
pg_stop()
{
	ip netns exec ito-cli bash -c "echo stop >$PG/pgctrl" 2>/dev/null || true
	[ -z "${pg_pid:-}" ] || wait "$pg_pid" 2>/dev/null || true
	pg_pid=
}

# --- the xdp source (bench/xdpflood) -----------------------------------------

# xdpflood sends the flow's frame (the same 60 bytes as pktgen's: UDP
# checksum 0, to f0's MAC from c0's) on c0 by BPF_PROG_RUN in live-frames
# mode, in batches of 64, until SIGTERM: each batch's frames go through
# veth's ndo_xdp_xmit onto f0's ring as xdp_frames, then the batch's
# local_bh_enable() runs f0's NAPI poll. The sending is system time (a
# process in the syscall, bottom halves off), the rest softirq, as with
# pktgen. ip netns exec execs it: $! is xdpflood itself.
xf_start()
{
	ip netns exec ito-cli "$XDPFLOOD" udp c0 "$(mac ito-fw f0)" \
		$CLI_IP $SPORT $SRV_IP $DPORT 60 &
	xf_pid=$!
}
xf_stop()
{
	[ -n "${xf_pid:-}" ] || return 0
	kill -TERM "$xf_pid" 2>/dev/null || true
	wait "$xf_pid" 2>/dev/null || log "xdpflood exited with status $?"
	xf_pid=
}

src_start() { if [ "$SOURCE" = xdp ]; then xf_start; else pg_start; fi; }
src_stop() { if [ "$SOURCE" = xdp ]; then xf_stop; else pg_stop; fi; }

f1_tx() { fw cat /sys/class/net/f1/statistics/tx_packets; }

# The router's path counters, one line: f1 tx packets, IpForwDatagrams (only
# ip_forward() counts it: neither ito's fast path nor a flowtable does),
# what the client offered (c0 tx) and lost (c0 tx_dropped: veth found
# the router's backlog full, or, for the xdp source, f0's ring full), what
# the sink's s0 received, the sink's IpInReceives (the sinkhole drops at
# ingress: it must not move), and the frames s0's XDP program dropped
# (ethtool -S: rx_queue_0_xdp_drops; 0 with pktgen, which has no XDP sink).
#
# f1's tx_packets counts frames XDP redirected to f1, too: a veth's
# ndo_xdp_xmit queues them on the peer's (s0's) XDP ring without touching
# f1's own tx counters, but veth_get_stats64() adds the peer's
# rx xdp_packets (what s0's NAPI took off that ring) to f1's tx_packets.
# With s0 in NAPI mode (GRO on) that is also where f1's ndo_start_xmit
# frames are counted (veth_xmit() counts in f1's lstats only without
# NAPI), so f1 tx is the same measure in all variants: frames s0 took.
# s0's rx_packets (the mirror image) is logged beside it as the check.
path_counters()
{
	local c0=/sys/class/net/c0/statistics
	echo "$(f1_tx)" \
		"$(fw awk '/^Ip: [0-9]/ {print $7}' /proc/net/snmp)" \
		"$(cli cat $c0/tx_packets)" "$(cli cat $c0/tx_dropped)" \
		"$(srv cat /sys/class/net/s0/statistics/rx_packets)" \
		"$(srv awk '/^Ip: [0-9]/ {print $3}' /proc/net/snmp)" \
		"$(srv ethtool -S s0 | awk '/rx_queue_0_xdp_drops:/ {print $2}')"
}

# check_path V BEFORE AFTER: did the flood take V's path? A: every
# forwarded packet went through ip_forward(); B, C: (almost) none did.
check_path()
{
	local v=$1 tx fwd offered dropped s0rx sinkip xdrop
	# (the guest has no /dev/fd: no process substitution)
	# shellcheck disable=SC2046  # seven numbers, split on purpose
	set -- $(awk -v a="$2" -v b="$3" 'BEGIN { n = split(a, x); split(b, y)
		for (i = 1; i <= n; i++) printf "%d ", y[i] - x[i] }')
	tx=$1 fwd=$2 offered=$3 dropped=$4 s0rx=$5 sinkip=$6 xdrop=$7
	log "$v: c0 offered $offered (dropped $dropped), f1 sent $tx, IpForwDatagrams +$fwd," \
		"s0 received $s0rx (XDP drops +$xdrop), sink IpInReceives +$sinkip"
	[ "$tx" -gt 0 ] || return 1
	# the sinkhole dropped the flood before IP
	[ "$sinkip" -le $((tx / 100)) ] || { log "$v: the sink's IP saw the flood"; return 1; }
	# the xdp source's sink: s0's XDP program dropped what f1 sent
	if [ "$SOURCE" = xdp ] && [ "$xdrop" -lt $((tx * 95 / 100)) ]; then
		log "$v: s0's XDP sink dropped $xdrop of $tx"
		return 1
	fi
	case $v in
	A) [ "$fwd" -ge $((tx * 95 / 100)) ] ;;
	*) [ "$fwd" -le $((tx * 5 / 100)) ] ;;
	esac
}

# Flood for WARMUP + SECS seconds; print, on one line, the pps f1 sent
# during the SECS window, the CPU time per packet f1 sent in that window,
# softirq and system (kernel, not softirq) ns, from /proc/stat's cpu line
# (USER_HZ ticks), and the ticks themselves. The window's bounds are read in one process with bash builtins
# ($EPOCHREALTIME, read), so no fork falls inside a timestamp pair.
#
# The VM has one CPU and the Debian kernel samples CPU time by tick
# (no CONFIG_IRQ_TIME_ACCOUNTING): a tick that finds the CPU serving a
# softirq counts as softirq. pktgen's kthread builds each skb and
# transmits it on c0 with bottom halves disabled (system time); xdpflood's
# BPF_PROG_RUN fills page-pool frames and queues them on f0's ring with
# bottom halves disabled (system time, too); everything
# after that runs in NET_RX softirq (f0's receive, the router's path,
# f1's transmit, s0's NAPI poll and the sink's drop), when the
# sender re-enables bottom halves or in ksoftirqd. So softirq time per
# packet is the router's cost plus the sink's (the same sink in every
# variant), and system time is the sender's. With 2 vCPUs under TCG's
# single host thread, per-CPU times would include the other vCPU's turns.
flood()
{
	src_start
	sleep "$WARMUP"
	fw bash -c '
		f=/sys/class/net/f1/statistics/tx_packets
		t0=$EPOCHREALTIME; read -r n0 <$f; read -r s0 </proc/stat
		sleep '"$SECS"'
		t1=$EPOCHREALTIME; read -r n1 <$f; read -r s1 </proc/stat
		echo "$n0 $n1 $t0 $t1 $s0 $s1"' |
		awk -v hz="$(getconf CLK_TCK)" '{
			# $5..$15 and $16..$26: "cpu" user nice system idle
			# iowait irq softirq steal guest guest_nice
			n = $2 - $1
			sys = $19 - $8; si = $23 - $12
			ns = 1e9 / hz
			printf "%d %.0f %.0f ", n / ($4 - $3), (n > 0 ? si * ns / n : 0), (n > 0 ? sys * ns / n : 0)
			printf "ticks(1/%d s) over %.2f s: user %d system %d idle %d irq %d softirq %d\n",
				hz, $4 - $3, $17 - $6, sys, $20 - $9, $22 - $11, si
		}'
	src_stop
}

# profile V: with PERF=1, where the CPU goes during a flood of V (perf's
# cpu-clock samples, TCG has no PMU): the top symbols, to the log
profile()
{
	[ -n "$PERF" ] || return 0
	src_start
	sleep 0.5
	perf record -a -F 997 -q -o "/tmp/perf-$1.data" -- sleep 2 >/dev/null 2>&1
	src_stop
	perf report -i "/tmp/perf-$1.data" --stdio --no-children --sort sym 2>/dev/null |
		grep -v '^#' | grep . | head -n 25 | sed "s/^/# perf $1: /"
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

# xdp_on DEV: an XDP program is attached to DEV in the firewall, natively
xdp_on() { fw ip -j -d link show "$1" | jq -e '.[0].xdp.mode == 1' >/dev/null; }
# where: the flow's two paths as flow get shows them ("xdp xdp")
flow_where() { fwctl -j flow get "$(flow_id)" | jq -r '[.paths[].where]|join(" ")'; }

# start_xdpd: the backend in the firewall's namespace, in the foreground
# of a background job, reporting every XDPD_MS; returns once its program
# is on both ports
start_xdpd()
{
	local n=50
	ip netns exec ito-fw "$XDPD" -i "$XDPD_MS" >>"$xdpd_log" 2>&1 &
	xdpd_pid=$!
	until xdp_on f0 && xdp_on f1; do
		n=$((n - 1))
		if [ $n -le 0 ] || ! kill -0 "$xdpd_pid" 2>/dev/null; then
			log "ito-xdpd did not attach to f0 and f1:"
			sed 's/^/# ito-xdpd: /' "$xdpd_log"
			return 1
		fi
		sleep 0.2
	done
}

# stop_xdpd: SIGTERM (it detaches, reports its last counts and exits 0),
# then wait for it; SIGKILL if it is still there after 10 s (a daemon
# blocked outside its signal loop would otherwise hang the VM)
stop_xdpd()
{
	local n=50 st=0
	[ -n "$xdpd_pid" ] || return 0
	kill -TERM "$xdpd_pid" 2>/dev/null || true
	while kill -0 "$xdpd_pid" 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.2
		n=$((n - 1))
	done
	if [ $n -eq 0 ]; then
		log "ito-xdpd did not stop on SIGTERM within 10 s: SIGKILL"
		kill -KILL "$xdpd_pid" 2>/dev/null || true
	fi
	wait "$xdpd_pid" 2>/dev/null || st=$?
	[ $st -eq 0 ] || log "ito-xdpd exited with status $st"
	xdpd_pid=
}

# D: ito as in B, but both ports "offload xdp" and ito-xdpd running, so
# the session is announced to the backend and the XDP program on f0
# XDP_REDIRECTs the flood to f1. The flow is offloaded exactly as in B.
setup_D()
{
	local n=25 id
	: >"$xdpd_log"
	insmod "$ITO_KO" || return 1
	fwctl port add f0 offload xdp || return 1
	fwctl port add f1 offload xdp || return 1
	fwctl set min-pkts 1 min-rate 0 udp-ageing 3600 || return 1
	start_xdpd || return 1
	establish_flow || return 1
	id=$(flow_id)
	[ "$id" != null ] || { log "ito saw no flow: $(fwctl flow show)"; return 1; }
	fwctl flow verdict "$id" offload || return 1
	ping_pong || return 1
	while { [ "$(flow_state)" != offloaded ] || [ "$(flow_where)" != "xdp xdp" ]; } &&
	      [ $n -gt 0 ]; do
		sleep 0.2
		n=$((n - 1))
	done
	if [ "$(flow_state)" != offloaded ] || [ "$(flow_where)" != "xdp xdp" ]; then
		log "ito flow: $(fwctl flow show), paths: $(flow_where)"
		log "ito counters: $(fwctl -j counters | jq -c 'with_entries(select(.value>0))')"
		sed 's/^/# ito-xdpd: /' "$xdpd_log"
		return 1
	fi
	# the session's install reached the daemon's maps: one report interval
	sleep 0.5
	D_xdp0=$(fwctl_counter xdp_pkts)
	D_fp0=$(fwctl_counter fastpath_pkts)
	D_tx0=$(f1_tx)
}

# The XDP program must have carried what f1 sent during the flood: the
# daemon reports the program's counts every XDPD_MS, so wait a little more
# than one interval after the flood, then compare xdp_pkts with f1's
# tx_packets over the same span (see path_counters for why f1's tx counts
# redirected frames); the skb fast path must barely have moved.
check_D()
{
	local x fp tx
	sleep "$(awk -v ms="$XDPD_MS" 'BEGIN { printf "%.1f", 2 * ms / 1000 + 0.1 }')"
	x=$(($(fwctl_counter xdp_pkts) - D_xdp0))
	fp=$(($(fwctl_counter fastpath_pkts) - D_fp0))
	tx=$(($(f1_tx) - D_tx0))
	log "D: xdp_pkts +$x, fastpath_pkts +$fp, f1 sent $tx, xdp_announced" \
		"$(fwctl_counter xdp_announced), state $(flow_state), paths $(flow_where)"
	[ "$tx" -gt 0 ] && [ "$x" -ge $((tx * 95 / 100)) ] && [ "$fp" -le $((tx * 5 / 100)) ]
}

teardown_D()
{
	stop_xdpd
	grep -h 'statistics:' "$xdpd_log" | tail -n 1 | sed 's/^/# ito-xdpd: /'
	rmmod ito
}

# run_variant V ROUND: set V up (setup_V runs under `if`, where set -e is
# off, hence their explicit `|| return 1`), flood, check, tear down; records pps.
run_variant()
{
	local v=$1 r=$2 rate before res
	if ! "setup_$v"; then
		fail "$v (round $r): could not be set up"
		"teardown_$v" 2>/dev/null || true
		return 0
	fi
	before=$(path_counters)
	res=$(flood)
	rate=${res%% *}
	log "$v: $rate pps, ns per packet: softirq/system $(cut -d' ' -f2-3 <<<"$res"), $(cut -d' ' -f4- <<<"$res")"
	if ! check_path "$v" "$before" "$(path_counters)" ||
	   { declare -F "check_$v" >/dev/null && ! "check_$v"; }; then
		fail "$v (round $r): flood did not take the expected path"
		rate=
	fi
	profile "$v"
	"teardown_$v"
	if [ -n "$rate" ]; then
		pps[$v,$r]=$rate
		sirq[$v,$r]=$(cut -d' ' -f2 <<<"$res")
		sys[$v,$r]=$(cut -d' ' -f3 <<<"$res")
	fi
}

# --- report --------------------------------------------------------------

median()
{
	sort -g | awk '{a[NR] = $1} END {
		if (NR == 0) { print "n/a"; exit }
		if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

# median of ratios (two decimals)
median_ratio()
{
	grep -v '^-$' | sort -g | awk '{a[NR] = $1} END {
		if (NR == 0) print "n/a"
		else if (NR % 2) print a[(NR + 1) / 2]
		else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f\n", a / b; else print "n/a" }'; }

# ratio_cell ARRAY V W ROUND: V/W of one round, "-" when either is missing
ratio_cell()
{
	local -n a=$1
	if [ -n "${a[$2,$4]:-}" ] && [ -n "${a[$3,$4]:-}" ]; then
		ratio "${a[$2,$4]}" "${a[$3,$4]}"
	else
		echo -
	fi
}

# med_of ARRAY V: median of V's values over the rounds
med_of()
{
	local -n a=$1
	local r
	for r in $(seq "$ROUNDS"); do [ -z "${a[$2,$r]:-}" ] || echo "${a[$2,$r]}"; done | median
}

# med_ratio ARRAY V W: median of the per-round ratios V/W
med_ratio()
{
	local r
	for r in $(seq "$ROUNDS"); do ratio_cell "$1" "$2" "$3" "$r"; done | median_ratio
}

# Medians of the rates, and of each round's own ratios: the emulated
# machine drifts between rounds, a ratio within one round cancels that.
# Then the CPU time per forwarded packet: softirq (router + sink) and
# system (the sender), and the per-round ratios of the softirq time.
report()
{
	local v r q
	local fmt='%-7s %9s %9s %9s %9s %5s %5s %5s %5s %5s %5s\n'
	local cfmt='%-7s %7s %7s %7s %7s   %7s %7s %7s %7s   %5s %5s %5s\n'
	local -a qs=(BA CA BC DA DB DC)
	local -A med
	echo
	echo "== Forwarded packets/s (f1 tx), one UDP flow, 64-byte frames, $SECS s windows, source $SOURCE"
	printf "$fmt" round "A slow" "B ito" "C flowtb" "D xdp" B/A C/A B/C D/A D/B D/C
	for r in $(seq "$ROUNDS"); do
		# shellcheck disable=SC2046  # six ratios, one word each
		printf "$fmt" "$r" "${pps[A,$r]:--}" "${pps[B,$r]:--}" "${pps[C,$r]:--}" "${pps[D,$r]:--}" \
			$(for q in "${qs[@]}"; do ratio_cell pps "${q:0:1}" "${q:1:1}" "$r"; done)
	done
	for v in A B C D; do med[$v]=$(med_of pps $v); done
	for q in "${qs[@]}"; do med[$q]=$(med_ratio pps "${q:0:1}" "${q:1:1}"); done
	printf "$fmt" median "${med[A]}" "${med[B]}" "${med[C]}" "${med[D]}" \
		"${med[BA]}" "${med[CA]}" "${med[BC]}" "${med[DA]}" "${med[DB]}" "${med[DC]}"
	echo
	echo "== CPU ns per forwarded packet in the $SECS s windows (1 CPU, /proc/stat ticks)"
	if [ "$SOURCE" = xdp ]; then
		echo "   softirq = router + sink (s0's NAPI poll, XDP drop); system = xdpflood"
	else
		echo "   softirq = router + sink (s0's NAPI poll, ingress drop); system = pktgen"
	fi
	printf "$cfmt" "" "softirq" "" "" "" "system" "" "" "" "softirq ratio" "" ""
	printf "$cfmt" round A B C D A B C D A/D B/D C/D
	for r in $(seq "$ROUNDS"); do
		printf "$cfmt" "$r" "${sirq[A,$r]:--}" "${sirq[B,$r]:--}" "${sirq[C,$r]:--}" "${sirq[D,$r]:--}" \
			"${sys[A,$r]:--}" "${sys[B,$r]:--}" "${sys[C,$r]:--}" "${sys[D,$r]:--}" \
			"$(ratio_cell sirq A D "$r")" "$(ratio_cell sirq B D "$r")" "$(ratio_cell sirq C D "$r")"
	done
	for v in A B C D; do med[s$v]=$(med_of sirq $v); med[y$v]=$(med_of sys $v); done
	for q in AD BD CD; do med[s$q]=$(med_ratio sirq "${q:0:1}" "${q:1:1}"); done
	printf "$cfmt" median "${med[sA]}" "${med[sB]}" "${med[sC]}" "${med[sD]}" \
		"${med[yA]}" "${med[yB]}" "${med[yC]}" "${med[yD]}" "${med[sAD]}" "${med[sBD]}" "${med[sCD]}"
	echo
	echo "== Summary: ratio of median rates (median of per-round ratios), source $SOURCE"
	echo "   TCG software emulation, 1 CPU; expect +-20% noise between rounds"
	printf '  B/A  ito fast path vs slow path:      %s (%s)\n' "$(ratio "${med[B]}" "${med[A]}")" "${med[BA]}"
	printf '  C/A  nft flowtable vs slow path:      %s (%s)\n' "$(ratio "${med[C]}" "${med[A]}")" "${med[CA]}"
	printf '  B/C  ito fast path vs nft flowtable:  %s (%s)\n' "$(ratio "${med[B]}" "${med[C]}")" "${med[BC]}"
	printf '  D/A  ito XDP vs slow path:            %s (%s)\n' "$(ratio "${med[D]}" "${med[A]}")" "${med[DA]}"
	printf '  D/B  ito XDP vs ito fast path:        %s (%s)\n' "$(ratio "${med[D]}" "${med[B]}")" "${med[DB]}"
	printf '  D/C  ito XDP vs nft flowtable:        %s (%s)   goal >= 1.3\n' "$(ratio "${med[D]}" "${med[C]}")" "${med[DC]}"
	echo "  softirq (router + sink) ns/packet, medians: A ${med[sA]}, B ${med[sB]}, C ${med[sC]}, D ${med[sD]}"
	printf '%-46sA %s, B %s, C %s, D %s\n' "  system ($SOURCE) ns/packet, medians:" \
		"${med[yA]}" "${med[yB]}" "${med[yC]}" "${med[yD]}"
	printf '  softirq time per packet, C/D (per-round median): %s, B/D: %s, A/D: %s\n' \
		"${med[sCD]}" "${med[sBD]}" "${med[sAD]}"
}

main()
{
	local r v
	log "kernel $(uname -r), $(nproc) cpu(s), module $ITO_KO"
	log "rounds $ROUNDS, warmup $WARMUP s, window $SECS s, variants $VARIANTS, source $SOURCE"
	log "ito-xdpd: $("$XDPD" -V)"
	modprobe nf_nat
	rmmod ito 2>/dev/null || true
	setup_topology
	[ "$SOURCE" != pktgen ] || setup_pktgen
	for r in $(seq "$ROUNDS"); do
		for v in $VARIANTS; do
			run_variant "$v" "$r"
		done
		echo "round $r: A ${pps[A,$r]:--} pps, B ${pps[B,$r]:--} pps, C ${pps[C,$r]:--} pps, D ${pps[D,$r]:--} pps"
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
