#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the benchmark VM (bench/scale.sh): ito with N sessions, on the
# veth topology of selftests/topo.sh, software path.
#
# N UDP flows are made by pktgen, one packet per flow and direction a
# round: from ito-cli (A client addresses x B source ports, A and B
# coprime, so that sequential counters walk every pair) and from ito-srv
# (the same pairs as destinations). itod decides them.
#
#   cps       N new connections forwarded per second by a stateful
#             firewall (a ruleset with ct state): conntrack alone, ito
#             without an agent, ito and itod; the same pktgen round
#   inspect   itod says "inspect": N flows tracked, none offloaded; the
#             module's memory per flow is what unloading it gives back
#   offload   itod says "offload" while offload is off, so that all N wait
#             eligible; then offload on: the admission work's time for N
#             installs (kprobes on ito_offload_work); memory per session
#   idle      N sessions live but idle: CPU time of the flow GC per second
#   gc-verdicts  while those N sessions sit idle, new flows for itod: each
#             verdict request's time in the kernel, the longest of those
#             that ran while a GC pass did
#   age       udp-ageing 1: how long until every session aged out
#   memory    N sessions again, offload on from the start: per session
#             memory; each sampled flow's time from the packet that finds it
#             eligible to its install (p50, p99); one flow's forwarding
#             rate among the N, against the same flow alone (lookup_ratio)
#
# Memory is counted as slab objects in use (/proc/slabinfo), per-CPU and
# vmalloc (/proc/meminfo), with N flows or sessions, less the same once
# ito is unloaded and its RCU callbacks ran (conntrack's entries stay).
#
#   nat       (PHASES=nat only) a source NAT pool (DIPP): N new flows
#             translated by the ruleset (snat), the same N each making a binding,
#             then the same again finding theirs (new flows per second of
#             each); memory per binding is what deleting the pool gives
#             back, less its slot maps
#
# env: ITO_KO (required), N (20000); PHASES: "all" (default), "cps" (cps
# alone), "memory" (inspected flows' and sessions' memory, and the
# lookup) or "nat" (the pool phase alone); CPS_POLICY: itod's default in the cps phase (offload);
# CPS_ROUNDS: rounds of the cps phase, of which it takes the median (1);
# ITOD_CPU: the cpu itod is pinned to (none: the scheduler's choice);
# CPS_ALT_KO, CPS_ALT_ITOD: another build's ito.ko and itod, measured with
# ito in each round too (cps_ito_alt, and cps_ito_no_agent_alt without the
# agent), for a comparison on equal terms;
# CPS_PERF=1: a profile of each cps round (perf), its top symbols logged;
# CPS_PERF=g: with call graphs, each symbol's samples including its callees;
# CPS_PERF_CPU: the profile of that cpu alone (e.g. 0, the forwarding's);
# CPS_PERF_SPLIT: with CPS_PERF=g, functions whose samples are split by the
# callee they were in (e.g. "ito_flow_create ito_agent_send_copy");
# CPS_PLAIN_LOAD: a command run on ITOD_CPU during the plain measurement
# (e.g. "sh -c 'while :; do :; done'"): how much a busy second cpu alone
# slows the forwarding one, which under TCG is not ito's cost;
# CPS_ALONE_SET: "itoctl set" options for the ito-alone measurement, e.g.
# "max-flows 1000" for the hook's cost without making flows; CPS_ITOD_SET:
# the same for the ito and itod measurement (e.g. "copy-delay 100")
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ITO_KO=${ITO_KO:?ITO_KO must name ito.ko}
ITO_SIM_KO=${ITO_SIM_KO:?ITO_SIM_KO must name ito_sim.ko}
ITOCTL=$top/userspace/itoctl/itoctl
ITOD=$top/userspace/itod/itod
N=${N:-20000}
PHASES=${PHASES:-all}
CPS_POLICY=${CPS_POLICY:-offload}
CPS_ROUNDS=${CPS_ROUNDS:-1}
CPS_ALT_KO=${CPS_ALT_KO:-}
CPS_ALT_ITOD=${CPS_ALT_ITOD:-$ITOD}
CPS_PERF=${CPS_PERF:-}
CPS_PERF_CPU=${CPS_PERF_CPU:-}
CPS_PERF_SPLIT=${CPS_PERF_SPLIT:-}
CPS_PLAIN_LOAD=${CPS_PLAIN_LOAD:-}
CPS_PERF_G=
[ "$CPS_PERF" = g ] && CPS_PERF_G=1
PG=/proc/net/pktgen
# the devices: client, server, the router's two ports (the veth topology;
# hw_setup switches to ito_sim's)
CDEV=c0 SDEV=s0 P0=f0 P1=f1 PORT_OPTS=
MODE=sw
. "$top/selftests/topo.sh"
. "$top/bench/worktime.sh"

tmp=$(mktemp -d)
itod_pid=
failed=""
declare -A res

cleanup()
{
	probes_off
	[ -z "$itod_pid" ] || kill "$itod_pid" 2>/dev/null || true
	topo_down
	rmmod ito 2>/dev/null || true
	rmmod ito_sim 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

log() { echo "# $(date +%T) $*"; }
fail() { log "FAIL: $*"; failed+="$*"$'\n'; }
counter() { fwctl -j counters | jq ".$1"; }

# --- the flows' addresses and ports ---------------------------------------

# A client addresses 10.0.1.10.. and B ports from 10000, gcd(A, B) = 1:
# N rounded up to A x B.
A=$(( (N + 49999) / 50000 ))
B=$(( (N + A - 1) / A ))
gcd() { local a=$1 b=$2 t; while [ "$b" != 0 ]; do t=$((a % b)); a=$b; b=$t; done; echo "$a"; }
while [ "$(gcd $A $B)" != 1 ]; do B=$((B + 1)); done
N=$((A * B))
CLI_MIN=10.0.1.10
CLI_MAX=10.0.1.$((10 + A - 1))
PORT_MIN=10000

# --- memory ---------------------------------------------------------------

# bytes in slab objects in use, per-CPU chunks and vmalloc areas
mem_bytes()
{
	echo 2 >/proc/sys/vm/drop_caches
	local slab other
	slab=$(awk 'NR > 2 { s += $2 * $4 } END { printf "%d", s }' /proc/slabinfo)
	other=$(awk '/^(Percpu|VmallocUsed):/ { s += $2 } END { printf "%d", s * 1024 }' /proc/meminfo)
	echo $((slab + other))
}

# bytes_freed_by_unload: memory now less memory once ito is unloaded
bytes_freed_by_unload()
{
	local before after
	before=$(mem_bytes)
	kill "$itod_pid" 2>/dev/null || true
	wait "$itod_pid" 2>/dev/null || true
	itod_pid=
	rmmod ito
	sleep 3		# kfree_rcu() batches
	after=$(mem_bytes)
	echo $((before - after))
}

# --- pktgen ---------------------------------------------------------------

pg() { echo "$2" >"$PG/$1"; }

# pg_setup NS DEV DSTMAC ARGS...: one pktgen device, count N, the rest
# from ARGS ("src_min ..." and so on)
pg_setup()
{
	local ns=$1 dev=$2 mac=$3 c
	shift 3
	ip netns exec "$ns" bash -eu -c "$(declare -f pg); PG=$PG
		pg kpktgend_0 'rem_device_all'
		pg kpktgend_0 'add_device $dev'"
	for c in "count $N" 'clone_skb 0' 'pkt_size 60' 'delay 0' "dst_mac $mac" "$@"; do
		ip netns exec "$ns" bash -c "echo '$c' >$PG/$dev"
	done
}

# one packet per flow from the client, then one back from the server
round()
{
	local fmac smac
	fmac=$(ip -n ito-fw -j link show $P0 | jq -r '.[0].address')
	smac=$(ip -n ito-fw -j link show $P1 | jq -r '.[0].address')
	pg_setup ito-cli $CDEV "$fmac" "src_min $CLI_MIN" "src_max $CLI_MAX" \
		'dst_min 10.0.2.2' 'dst_max 10.0.2.2' \
		"udp_src_min $PORT_MIN" "udp_src_max $((PORT_MIN + B))" \
		'udp_dst_min 7000' 'udp_dst_max 7000'
	ip netns exec ito-cli bash -c "echo start >$PG/pgctrl"
	pg_setup ito-srv $SDEV "$smac" 'src_min 10.0.2.2' 'src_max 10.0.2.2' \
		"dst_min $CLI_MIN" "dst_max $CLI_MAX" \
		'udp_src_min 7000' 'udp_src_max 7000' \
		"udp_dst_min $PORT_MIN" "udp_dst_max $((PORT_MIN + B))"
	ip netns exec ito-srv bash -c "echo start >$PG/pgctrl"
}

# --- setup ----------------------------------------------------------------

net_setup()
{
	local i
	modprobe nf_nat
	modprobe pktgen
	sysctl -qw net.netfilter.nf_conntrack_max=$((N * 2 + 10000))
	echo $((N / 2 + 1024)) >/sys/module/nf_conntrack/parameters/hashsize
	# a round is a burst of N packets into the router's backlog
	sysctl -qw net.core.netdev_max_backlog=$((N + 1000))
	topo_up
	hosts_setup
}

# hosts_setup: the client's addresses, client and server as sinks, the
# router's conntrack timeouts and neighbours
hosts_setup()
{
	local i
	for i in $(seq 0 $((A - 1))); do
		cli ip addr add 10.0.1.$((10 + i))/24 dev $CDEV
	done
	# client and server are a source and a sink: no ICMP errors back
	cli nft add table netdev sink
	cli nft add chain netdev sink in "{ type filter hook ingress device $CDEV priority 0; }"
	cli nft add rule netdev sink in meta l4proto udp drop
	srv nft add table netdev sink
	srv nft add chain netdev sink in "{ type filter hook ingress device $SDEV priority 0; }"
	srv nft add rule netdev sink in meta l4proto udp drop
	fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3600
	fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=3600
	# The neighbours, once, before the burst, then made permanent: a
	# burst can take longer to drain than an entry stays reachable, and
	# the answer to the probe then waits in the backlog behind the burst
	# (once seen: the entry failed and f1 dropped the rest, uncounted)
	for i in $(seq 0 $((A - 1))); do
		fw ping -c1 -W2 10.0.1.$((10 + i)) >/dev/null || true
		neigh_pin $P0 10.0.1.$((10 + i))
	done
	fw ping -c1 -W2 10.0.2.2 >/dev/null || true
	neigh_pin $P1 10.0.2.2
}

# neigh_pin DEV IP: the router's entry for IP, resolved, made permanent
neigh_pin()
{
	local mac
	mac=$(fw ip -j neigh show "$2" dev "$1" | jq -r '.[0].lladdr // empty')
	[ -n "$mac" ] || { fail "no neighbour $2 on $1"; return; }
	fw ip neigh replace "$2" lladdr "$mac" nud permanent dev "$1"
}

# hw_setup: the same hosts behind two ports of ito_sim, ports in hardware
hw_setup()
{
	kill "$itod_pid" 2>/dev/null || true
	wait "$itod_pid" 2>/dev/null || true
	itod_pid=
	rmmod ito
	topo_down
	insmod "$ITO_SIM_KO"
	netns_up
	sim_pair 0 ito-fw ito-cli
	sim_pair 1 ito-fw ito-srv
	CDEV=simwire0 SDEV=simwire1 P0=simrep0 P1=simrep1 PORT_OPTS="offload hw"
	MODE=hw
	cli ip addr add 10.0.1.2/24 dev $CDEV
	fw ip addr add 10.0.1.1/24 dev $P0
	fw ip addr add 10.0.2.1/24 dev $P1
	srv ip addr add 10.0.2.2/24 dev $SDEV
	cli ip route add default via 10.0.1.1
	srv ip route add default via 10.0.2.1
	fw sysctl -qw net.ipv4.ip_forward=1
	hosts_setup
}

# ito_up POLICY [noagent]: the module, both ports, knobs for N, itod with
# POLICY (none with noagent)
ito_up()
{
	insmod "${UP_KO:-$ITO_KO}"
	fwctl port add $P0 $PORT_OPTS
	fwctl port add $P1 $PORT_OPTS
	# room for the N sessions and the lookup flow's: the fast path table
	# is sized for max-sessions, as it would be in production
	fwctl set min-pkts 2 min-rate 0 udp-ageing 3600 max-update-rate 1000000 \
		max-sessions $((N + 1)) max-flows $((N * 2 + 10000))
	[ "${2:-}" != noagent ] || return 0
	echo "default $1" >"$tmp/itod.conf"
	# ITOD_CPU: the agent on a cpu of its own, as on a real host (pktgen
	# sends from cpu 0, and the forwarding runs there)
	ip netns exec ito-fw ${ITOD_CPU:+taskset -c "$ITOD_CPU"} \
		"${UP_ITOD:-$ITOD}" -f -c "$tmp/itod.conf" >"$tmp/itod.log" 2>&1 &
	itod_pid=$!
	local i
	for i in $(seq 100); do
		grep -q 'registered as the ito agent' "$tmp/itod.log" && return 0
		sleep 0.1
	done
	fail "itod did not register"
	cat "$tmp/itod.log"
	return 1
}

# rounds_until WHAT WANT: rounds of traffic (at most 6) until the counter
# expression WHAT (jq over the counters) reaches WANT; prints it
rounds_until()
{
	local what=$1 want=$2 r got=0 t0=$SECONDS
	for r in 1 2 3 4 5 6; do
		round
		sleep 2
		got=$(fwctl -j counters | jq "$what")
		log "round $r ($((SECONDS - t0)) s): $what = $got of $want"
		[ "$got" -ge "$want" ] && break
	done
	echo "$got" >"$tmp/got"
}

# --- the phases -----------------------------------------------------------

f1_tx() { fw cat /sys/class/net/$P1/statistics/tx_packets; }

# new_flows_per_s: one pktgen round from the client, N new connections;
# N over the time until f1 sent them all (or stopped sending for 2 s), in
# $tmp/cps
new_flows_per_s()
{
	local fmac tx0 t0 t1 cur
	fmac=$(ip -n ito-fw -j link show $P0 | jq -r '.[0].address')
	pg_setup ito-cli $CDEV "$fmac" "src_min $CLI_MIN" "src_max $CLI_MAX" \
		'dst_min 10.0.2.2' 'dst_max 10.0.2.2' \
		"udp_src_min $PORT_MIN" "udp_src_max $((PORT_MIN + B))" \
		'udp_dst_min 7000' 'udp_dst_max 7000'
	tx0=$(f1_tx)
	cat /proc/interrupts >"$tmp/irqs0"
	t0=$EPOCHREALTIME
	ip netns exec ito-cli bash -c "echo start >$PG/pgctrl"
	# one poller in the router's namespace, reading with a shell builtin:
	# an "ip netns exec" and a cat every 100 ms took as much of the
	# guest's CPU as the forwarding it measures
	local out
	out=$(ip netns exec ito-fw bash -c '
		f=/sys/class/net/'"$P1"'/statistics/tx_packets
		last=-1 same=0
		while :; do
			read -r v <"$f"
			cur=$((v - '"$tx0"'))
			t1=$EPOCHREALTIME
			[ "$cur" -ge '"$N"' ] && break
			if [ "$cur" = "$last" ]; then
				same=$((same + 1))
				[ "$same" -ge 20 ] && break
			else
				same=0
			fi
			last=$cur
			sleep 0.1
		done
		echo "$cur $t1"')
	cur=${out% *} t1=${out#* }
	log "cps: f1 sent $cur of $N new flows' packets"
	cat /proc/interrupts >"$tmp/irqs1"
	log "cps: interrupts meanwhile (cpu0/cpu1): $(irq_deltas "$tmp/irqs0" "$tmp/irqs1")"
	[ "$cur" -ge "$N" ] || cps_short "$cur" "$tx0"
	awk -v n="$cur" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }' >"$tmp/cps"
}

# irq_deltas BEFORE AFTER: the interrupts of the first two cpus between two
# copies of /proc/interrupts, the busiest kinds first (IPIs among them:
# what the agent's cpu makes the forwarding one do)
irq_deltas()
{
	awk 'FNR == 1 { next }
	     NR == FNR { a[$1] = $2; b[$1] = $3; next }
	     { d0 = $2 - a[$1]; d1 = $3 - b[$1]
	       if (d0 + d1 >= 100) printf "%d %s%d/%d\n", d0 + d1, $1, d0, d1 }' \
		"$1" "$2" | sort -rn | head -n 6 | cut -d' ' -f2 | tr '\n' ' '
}

# cps_short SENT TX0: f1 stopped short of N; a stall (it goes on later) or
# a loss, and where the drops were counted
cps_short()
{
	local later
	sleep 10
	later=$(($(f1_tx) - $2))
	fail "cps: f1 forwarded $1 of $N (after 10 s more: $later)"
	local drops=0 d
	while read -r _ d _; do drops=$((drops + 16#$d)); done </proc/net/softnet_stat
	log "cps: backlog drops $drops," \
		"$P0 rx_dropped $(fw cat /sys/class/net/$P0/statistics/rx_dropped)," \
		"conntrack $(fw conntrack -S 2>/dev/null | grep -o 'drop=[0-9]*\|insert_failed=[0-9]*\|early_drop=[0-9]*' |
			awk -F= '{ s[$1] += $2 } END { for (k in s) printf "%s %d ", k, s[k] }')"
	log "cps: ito $(fwctl -j counters | jq -c '{flows_new, flows_untracked_full, flows_untracked_moving, blocked_pkts, copies_dropped}')"
}

# cpu_ticks: the guest's user, system and softirq clock ticks so far
cpu_ticks() { awk '/^cpu / { print $2 + $3, $4, $8 }' /proc/stat; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# perf_on NAME, perf_off NAME: with CPS_PERF=1, a system-wide profile of
# what runs between them (perf's cpu-clock samples, as TCG has no PMU);
# the symbols with the most samples go to the log
perf_on()
{
	[ -n "$CPS_PERF" ] || return 0
	local cpus=(-a)
	[ -z "$CPS_PERF_CPU" ] || cpus=(-C "$CPS_PERF_CPU")
	perf record "${cpus[@]}" -F 997 -q ${CPS_PERF_G:+-g} \
		-o "$tmp/perf-$1.data" >/dev/null 2>&1 &
	perf_pid=$!
	sleep 1
}

perf_off()
{
	[ -n "$CPS_PERF" ] || return 0
	kill -INT "$perf_pid" 2>/dev/null || true
	wait "$perf_pid" 2>/dev/null || true
	perf report -i "$tmp/perf-$1.data" --stdio \
		${CPS_PERF_G:+--children -g none} ${CPS_PERF_G:---no-children} \
		--sort dso,sym 2>/dev/null | grep -v '^#' | grep . | head -n 40 |
		while read -r line; do log "perf $1: $line"; done
	[ -n "$CPS_PERF_G" ] && [ -n "$CPS_PERF_SPLIT" ] || return 0
	perf script -i "$tmp/perf-$1.data" -F ip,sym 2>/dev/null |
		perf_split "$CPS_PERF_SPLIT" |
		while read -r line; do log "perf $1: $line"; done
}

# perf_split "F G ...": from perf script's call chains (leaf first, a blank
# line after each sample), each function's samples by the callee they were
# in ("self" for its own code), as a share of all samples
perf_split()
{
	awk -v fns="$1" '
	BEGIN { n = split(fns, f, " "); for (i = 1; i <= n; i++) want[f[i]] = 1 }
	function flush(   i, seen) {
		if (!depth)
			return
		total++
		for (i = 1; i <= depth; i++) {
			if (!(fr[i] in want) || (fr[i] in seen))
				continue
			seen[fr[i]] = 1
			in_fn[fr[i]]++
			by[fr[i], i == 1 ? "self" : fr[i - 1]]++
		}
		depth = 0
	}
	NF == 0 { flush(); next }
	{ sym = $2; sub(/\+0x[0-9a-f]+$/, "", sym); fr[++depth] = sym }
	END {
		flush()
		for (k in by) {
			split(k, p, SUBSEP)
			printf "split %s %.2f%%: %s %.2f%%\n", p[1],
			       100 * in_fn[p[1]] / total, p[2], 100 * by[k] / total
		}
	}' | sort -t' ' -k2,2 -k5,5nr
}

# settle: conntrack empty and its entries freed (RCU frees them after a
# flush), so that a measurement does not pay for the one before it
settle()
{
	local a b i t0=$SECONDS
	fw conntrack -F 2>/dev/null || true
	for i in $(seq 60); do
		a=$(awk '$1 == "nf_conntrack" { print $2 }' /proc/slabinfo)
		sleep 1
		b=$(awk '$1 == "nf_conntrack" { print $2 }' /proc/slabinfo)
		[ "$(fw cat /proc/sys/net/netfilter/nf_conntrack_count)" = 0 ] &&
			[ "$a" = "$b" ] && break
	done
	log "cps: settled in $((SECONDS - t0)) s ($b conntrack objects in the slab)"
}

cps_plain()
{
	local load=
	log "cps: $N new flows, conntrack alone${CPS_PLAIN_LOAD:+ (cpu ${ITOD_CPU:-1} running: $CPS_PLAIN_LOAD)}"
	if [ -n "$CPS_PLAIN_LOAD" ]; then
		taskset -c "${ITOD_CPU:-1}" sh -c "$CPS_PLAIN_LOAD" &
		load=$!
	fi
	perf_on plain
	new_flows_per_s
	perf_off plain
	if [ -n "$load" ]; then
		pkill -P "$load" 2>/dev/null || true
		kill "$load" 2>/dev/null || true
		wait "$load" 2>/dev/null || true
	fi
	cat "$tmp/cps" >>"$tmp/cps_plain"; echo >>"$tmp/cps_plain"
}

# ito's own share, apart from the agent's (itod shares the guest's CPUs
# with the router here; on a real host it has cores of its own)
cps_alone() { both_builds "$1" cps_no_agent cps_ito_no_agent; }

# cps_no_agent KEY KO: new flows/s with that ito.ko and no agent, to
# $tmp/KEY
cps_no_agent()
{
	log "cps: $N new flows, ito without an agent ($1)${CPS_ALONE_SET:+ (set $CPS_ALONE_SET)}"
	UP_KO=$2 ito_up offload noagent
	# e.g. "max-flows 1000": the hook's cost without making flows
	[ -z "${CPS_ALONE_SET:-}" ] || fwctl set $CPS_ALONE_SET
	perf_on "$1"
	new_flows_per_s
	perf_off "$1"
	cat "$tmp/cps" >>"$tmp/$1"; echo >>"$tmp/$1"
	rmmod ito
}

cps_agent() { both_builds "$1" cps_itod cps_ito; }

# both_builds R FN KEY: FN KEY KO ITOD with this build; with CPS_ALT_KO,
# also FN KEY_alt with the other, which goes first every other round
both_builds()
{
	local key=$3
	if [ -z "$CPS_ALT_KO" ]; then
		"$2" "$key" "$ITO_KO" "$ITOD"
	elif [ $(($1 % 2)) = 1 ]; then
		"$2" "$key" "$ITO_KO" "$ITOD"
		settle
		"$2" "${key}_alt" "$CPS_ALT_KO" "$CPS_ALT_ITOD"
	else
		"$2" "${key}_alt" "$CPS_ALT_KO" "$CPS_ALT_ITOD"
		settle
		"$2" "$key" "$ITO_KO" "$ITOD"
	fi
}

# cps_round R: one of each measurement, appended to $tmp/cps_*. Each goes
# first in turn (round 1 plain, 2 ito alone, 3 ito and itod, ...), and
# each starts on a settled conntrack.
cps_round()
{
	local order=(cps_plain cps_alone cps_agent) i

	for i in 0 1 2; do
		settle
		${order[(i + $1 - 1) % 3]} "$1"
	done
}

# cps_itod KEY KO ITOD: new flows/s with that ito.ko and itod, to $tmp/KEY
cps_itod()
{
	local n c0 c1
	log "cps: $N new flows, ito and itod (default $CPS_POLICY; $1)${CPS_ITOD_SET:+ (set $CPS_ITOD_SET)}"
	UP_KO=$2 UP_ITOD=$3 ito_up "$CPS_POLICY"
	# e.g. "copy-delay 100": the copies' batching
	[ -z "${CPS_ITOD_SET:-}" ] || fwctl set $CPS_ITOD_SET
	c0=$(cpu_ticks)
	perf_on "$1"
	new_flows_per_s
	perf_off "$1"
	c1=$(cpu_ticks)
	cat "$tmp/cps" >>"$tmp/$1"; echo >>"$tmp/$1"
	n=$(counter flows_new)
	[ "$n" -ge "$N" ] || fail "cps: ito tracked $n of $N new flows"
	# where the guest's CPU went: all user, system and softirq time, and
	# itod's own (clock ticks)
	log "cps: guest cpu user/sys/softirq $(echo "$c0 $c1" |
		awk '{ print $4 - $1 "/" $5 - $2 "/" $6 - $3 }'), itod user/sys $(cut -d' ' -f14,15 /proc/$itod_pid/stat | tr ' ' /) ticks of $(getconf CLK_TCK)/s"
	log "cps: $(cat "$tmp/cps")/s with ito and itod ($1, $n flows tracked), $(tail -n 1 "$tmp/cps_plain" 2>/dev/null)/s plain, $(tail -n 1 "$tmp/cps_ito_no_agent" 2>/dev/null)/s with ito alone"
	kill "$itod_pid" 2>/dev/null || true
	wait "$itod_pid" 2>/dev/null || true
	itod_pid=
	# its work: copies read, verdicts and the requests carrying them
	log "cps: $(grep -E '^itod: copies [0-9]+' "$tmp/itod.log" | tail -n 1)"
	rmmod ito
	fw conntrack -F 2>/dev/null || true
}

# new connections per second forwarded: conntrack alone, then with ito
# and itod (which gets the first packet of each), same traffic; the
# median of CPS_ROUNDS rounds
# The firewall's ruleset in every cps measurement. Its ct expressions turn
# conntrack on in the namespace, as on any stateful firewall: without a
# ruleset that asks for it, "plain" would be stateless routing, and ito
# (which asks for conntrack itself) would pay for all of conntrack.
cps_ruleset()
{
	fw nft -f - <<-'NFT'
	table inet cps_fw {
		chain c_fwd {
			type filter hook forward priority filter; policy accept;
			ct state established,related accept
			ct state invalid drop
		}
	}
	NFT
}

phase_cps()
{
	local r k
	rm -f "$tmp"/cps_*
	cps_ruleset
	for r in $(seq "$CPS_ROUNDS"); do
		cps_round "$r"
	done
	fw nft delete table inet cps_fw
	for k in cps_plain cps_ito_no_agent cps_ito cps_ito_alt \
		 cps_ito_no_agent_alt; do
		[ -s "$tmp/$k" ] && res[$k]=$(median <"$tmp/$k")
	done
	log "cps: median of $CPS_ROUNDS: ${res[cps_plain]}/s plain, ${res[cps_ito_no_agent]}/s with ito alone, ${res[cps_ito]}/s with ito and itod, ratio $(awk -v a="${res[cps_ito]}" -v b="${res[cps_plain]}" 'BEGIN { printf "%.2f", a / b }')"
	[ -z "${res[cps_ito_alt]:-}" ] ||
		log "cps: the other build: ${res[cps_ito_no_agent_alt]}/s alone, ${res[cps_ito_alt]}/s with ito and itod, ratios $(awk -v c="${res[cps_ito_no_agent_alt]}" -v a="${res[cps_ito_alt]}" -v b="${res[cps_plain]}" 'BEGIN { printf "%.2f / %.2f", c / b, a / b }') (this build: $(awk -v c="${res[cps_ito_no_agent]}" -v a="${res[cps_ito]}" -v b="${res[cps_plain]}" 'BEGIN { printf "%.2f / %.2f", c / b, a / b }'))"
}

phase_inspect()
{
	log "inspect: $N flows (A=$A addresses x B=$B ports)"
	ito_up inspect
	rounds_until '.verdict_inspect' "$N"
	local n
	n=$(counter flows_active)
	[ "$n" -ge "$N" ] || fail "inspect: $n flows tracked, wanted $N"
	local freed
	freed=$(bytes_freed_by_unload)
	res[bytes_per_inspected_flow]=$((freed / n))
	log "inspect: $n flows, $freed bytes freed by unloading: ${res[bytes_per_inspected_flow]} per flow"
	fw conntrack -F 2>/dev/null || true
}

# "ito:" before the symbol: the probes come back each time ito is loaded
probes()
{
	probes_off
	probe admit ito:ito_offload_work
	probe gc ito:ito_gc_work
	probe verdict ito:ito_nl_flow_verdict_doit
	# a flow queued for admission, once eligible, and its first rule built
	# (x86-64: 2nd and 3rd arguments in rsi, rdx); one flow in 16, by its
	# address, so that the trace holds N = 500,000
	echo 'p:itob/elig ito:ito_offload_queue flow=%si:x64' >>$TR/kprobe_events
	echo 'p:itob/inst ito:ito_rule_build flow=%si:x64 dir=%dx:s32' >>$TR/kprobe_events
	echo '!(flow & 0xf00)' >$TR/events/itob/elig/filter &&
		echo 'dir == 0 && !(flow & 0xf00)' >$TR/events/itob/inst/filter ||
		log "probes: no event filter, every flow traced"
	echo 16384 >$TR/buffer_size_kb
}

# install_latency: from the first "eligible" of each sampled flow to its
# first rule, in microseconds, one flow a line
install_latency()
{
	awk '{ t = ""; f = ""
		for (i = 1; i <= NF; i++) {
			if (t == "" && $i ~ /^[0-9]+\.[0-9]+:$/) t = $i + 0
			if ($i ~ /^flow=/) f = substr($i, 6)
		}
	}
	/ elig:/ && !(f in from) { from[f] = t }
	/ inst:/ && (f in from) && !(f in done) {
		done[f] = 1; printf "%d\n", (t - from[f]) * 1000000
	}' $TR/trace
}

phase_offload()
{
	log "offload: $N flows wait with offload off, then go in at once"
	ito_up offload
	probes
	fwctl set offload no
	rounds_until '.verdict_offload' "$N"
	# eligibility counts packets after the verdict (min-pkts 2)
	round
	round
	sleep 2
	local pend t0 us n
	pend=$(fwctl -j flow show | jq '[.[]|select(.state=="offload-pending")]|length')
	log "offload: $pend flows pending"
	[ "$pend" -ge "$N" ] || fail "offload: $pend of $N flows eligible"
	trace_on admit
	t0=$SECONDS
	fwctl set offload yes
	while [ "$(counter flow_offload_active_session)" -lt "$pend" ] &&
	      [ $((SECONDS - t0)) -lt 600 ]; do
		sleep 1
	done
	us=$(trace_off admit)
	n=$(counter flow_offload_active_session)
	res[sessions]=$n
	[ "$n" -ge "$N" ] || fail "offload: $n of $N sessions installed"
	if [ $MODE = hw ]; then
		n=$(counter hw_active_session)
		[ "$n" -ge "$N" ] || fail "offload: $n of $N sessions in hardware"
	fi
	[ "$us" -gt 0 ] && res[installs_${MODE}_per_s]=$((n * 1000000 / us))
	log "offload ($MODE): $n sessions in $us us of admission work (${res[installs_${MODE}_per_s]:-?}/s), $((SECONDS - t0)) s wall"
}

phase_idle()
{
	local us
	trace_on gc
	sleep 10
	us=$(trace_off gc)
	res[gc_cpu_ms_per_s_$MODE]=$(awk -v u="$us" 'BEGIN { printf "%.1f", u / 10 / 1000 }')
	log "idle ($MODE): the GC ran ${us} us in 10 s with ${res[sessions]} sessions"
	user_view
}

# ms since $1 (date +%s%N)
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# user_view: with the N sessions in, how long a dump of all flows takes
# (itoctl's text), and adding and removing a port no flow uses (its
# removal looks at every flow, a slice of the instance lock at a time)
user_view()
{
	local t
	fw ip link add ito-d0 type dummy
	fw ip link set ito-d0 up
	t=$(date +%s%N)
	fwctl port add ito-d0
	res[port_add_ms_$MODE]=$(ms_since "$t")
	t=$(date +%s%N)
	fwctl port del ito-d0
	res[port_del_ms_$MODE]=$(ms_since "$t")
	fw ip link del ito-d0
	t=$(date +%s%N)
	fwctl flow show >/dev/null
	res[flow_show_ms_$MODE]=$(ms_since "$t")
	log "user ($MODE): port add ${res[port_add_ms_$MODE]} ms, port del ${res[port_del_ms_$MODE]} ms, flow show of all ${res[flow_show_ms_$MODE]} ms"
}

# client_round COUNT DPORT: COUNT new flows from the client only, to DPORT
client_round()
{
	local fmac
	fmac=$(ip -n ito-fw -j link show $P0 | jq -r '.[0].address')
	pg_setup ito-cli $CDEV "$fmac" "count $1" "src_min $CLI_MIN" "src_max $CLI_MAX" \
		'dst_min 10.0.2.2' 'dst_max 10.0.2.2' \
		"udp_src_min $PORT_MIN" "udp_src_max $((PORT_MIN + B))" \
		"udp_dst_min $2" "udp_dst_max $2"
	ip netns exec ito-cli bash -c "echo start >$PG/pgctrl"
}

# M new flows while the N sessions sit idle and the GC walks them every
# second: how long each verdict request spent in the kernel (the instance
# lock it waits for included), and the longest of those a GC pass overlapped
phase_gc_verdicts()
{
	local m=$(( N < 20000 ? N : 20000 )) v0 e n t0=$SECONDS
	log "gc-verdicts: $m new flows while the GC walks ${res[sessions]} sessions"
	v0=$(counter verdict_offload)
	echo >$TR/trace
	for e in verdict_in verdict_out gc_in gc_out; do
		echo 1 >$TR/events/itob/$e/enable
	done
	client_round "$m" 7001
	while n=$(( $(counter verdict_offload) - v0 )) && [ "$n" -lt "$m" ] &&
	      [ $((SECONDS - t0)) -lt 120 ]; do
		sleep 0.5
	done
	sleep 2		# and a GC pass or two after the last
	for e in verdict_in verdict_out gc_in gc_out; do
		echo 0 >$TR/events/itob/$e/enable
	done
	[ "$n" -ge "$m" ] || fail "gc-verdicts: $n of $m flows decided"
	trace_calls verdict >"$tmp/verdicts"
	trace_calls gc >"$tmp/gcs"
	# each request's microseconds, and whether a GC pass overlapped it
	awk 'NR == FNR { gs[NR] = $1; ge[NR] = $2; ng = NR; next }
		{ gc = 0
		  for (i = 1; i <= ng; i++) if (gs[i] < $2 && ge[i] > $1) { gc = 1; break }
		  printf "%d %d\n", ($2 - $1) * 1000000, gc }' \
		"$tmp/gcs" "$tmp/verdicts" >"$tmp/vlat"
	res[verdict_requests]=$(wc -l <"$tmp/vlat")
	res[verdict_requests_during_gc]=$(awk '$2 { n++ } END { print n + 0 }' "$tmp/vlat")
	res[verdict_max_us]=$(awk '$1 > m { m = $1 } END { print m + 0 }' "$tmp/vlat")
	res[verdict_max_us_during_gc]=$(awk '$2 && $1 > m { m = $1 } END { if (NR) print m + 0 }' "$tmp/vlat")
	[ "${res[verdict_requests_during_gc]}" -gt 0 ] ||
		unset 'res[verdict_max_us_during_gc]'
	log "gc-verdicts: $n flows decided in ${res[verdict_requests]} requests over $(wc -l <"$tmp/gcs") GC passes; longest ${res[verdict_max_us]} us, ${res[verdict_max_us_during_gc]:-none} us among the ${res[verdict_requests_during_gc]} a GC pass overlapped"
	[ "${res[verdict_max_us]}" -le 100000 ] ||
		fail "gc-verdicts: a verdict took ${res[verdict_max_us]} us (> 100 ms)"
}

# --- one flow among N sessions ----------------------------------------------

LOOKUP_SPORT=9000

# lookup_flow_up: the flow 10.0.1.2:9000 -> 10.0.2.2:7000 offloaded; a
# datagram each way for itod's verdict, then one more each way (routes are
# learnt from packets after the verdict)
lookup_flow_up()
{
	local a0 i
	a0=$(counter flow_offload_active_session)
	for i in 1 2 3 4 5; do
		cli bash -c "echo x | socat -u - UDP-SENDTO:10.0.2.2:7000,sourceport=$LOOKUP_SPORT,reuseaddr"
		srv bash -c "echo x | socat -u - UDP-SENDTO:10.0.1.2:$LOOKUP_SPORT,sourceport=7000,reuseaddr"
		sleep 0.5
		[ "$(counter flow_offload_active_session)" -gt "$a0" ] && return 0
	done
	fail "lookup: the flow from port $LOOKUP_SPORT was not offloaded"
	return 1
}

# lookup_pps SECS: packets/s that f1 sends while pktgen floods the lookup
# flow (1 s warm-up first), into $tmp/pps; fails unless the fast path
# carried them. Not in $(...): fail() must count in this shell.
lookup_pps()
{
	local fmac tx0 tx1 t0 t1 fp0 fp1 pid
	fmac=$(ip -n ito-fw -j link show $P0 | jq -r '.[0].address')
	pg_setup ito-cli $CDEV "$fmac" 'count 0' 'src_min 10.0.1.2' 'src_max 10.0.1.2' \
		'dst_min 10.0.2.2' 'dst_max 10.0.2.2' \
		"udp_src_min $LOOKUP_SPORT" "udp_src_max $LOOKUP_SPORT" \
		'udp_dst_min 7000' 'udp_dst_max 7000'
	ip netns exec ito-cli bash -c "echo start >$PG/pgctrl" &
	pid=$!
	sleep 1
	fp0=$(counter fastpath_pkts)
	tx0=$(f1_tx)
	t0=$EPOCHREALTIME
	sleep "$1"
	tx1=$(f1_tx)
	t1=$EPOCHREALTIME
	fp1=$(counter fastpath_pkts)
	ip netns exec ito-cli bash -c "echo stop >$PG/pgctrl"
	wait "$pid" 2>/dev/null || true
	# the forward hook saw none of it: all went by the fast path
	[ $((fp1 - fp0)) -ge $(( (tx1 - tx0) * 9 / 10 )) ] ||
		fail "lookup: $((tx1 - tx0)) packets sent, the fast path counted $((fp1 - fp0))"
	awk -v n=$((tx1 - tx0)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }' >"$tmp/pps"
}

phase_age()
{
	local t0=$EPOCHREALTIME deadline=$((SECONDS + 600)) n k
	fwctl set udp-ageing 1
	while n=$(counter flow_offload_active_session) && [ "$n" -gt 0 ] &&
	      [ "$SECONDS" -lt "$deadline" ]; do
		sleep 0.2
	done
	k=age_out_all_s${MODE/sw/}
	k=${k/hw/_hw}
	res[$k]=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	[ "$n" = 0 ] || fail "age ($MODE): $n sessions left after ${res[$k]} s"
	[ $MODE = sw ] || [ "$(grep -c src_port "$SIM/rules")" = 0 ] ||
		fail "age: rules left in the simulator"
	log "age ($MODE): all aged out ${res[$k]} s after udp-ageing 1 (idle 10 s before)"
	fwctl set udp-ageing 3600
}

# memory per session: installed again with the budget spent on nothing else
phase_memory()
{
	local freed n lat
	log "memory: $N sessions, then unload"
	fwctl flow flush
	fw conntrack -F 2>/dev/null || true
	lookup_flow_up
	echo >$TR/trace
	echo 1 >$TR/events/itob/elig/enable
	echo 1 >$TR/events/itob/inst/enable
	rounds_until '.flow_offload_active_session' "$((N + 1))"
	echo 0 >$TR/events/itob/elig/enable
	echo 0 >$TR/events/itob/inst/enable
	install_latency >"$tmp/lat"
	lat=$(wc -l <"$tmp/lat")
	res[verdict_p50_us]=$(percentile 50 <"$tmp/lat")
	res[verdict_p99_us]=$(percentile 99 <"$tmp/lat")
	log "memory: eligible to installed, $lat sampled flows: p50 ${res[verdict_p50_us]:-?} us, p99 ${res[verdict_p99_us]:-?} us"
	[ "$lat" -gt 0 ] || fail "memory: no install latency sampled"
	n=$(counter flow_offload_active_session)
	[ "$n" -gt "$N" ] || fail "memory: $n of $((N + 1)) sessions"
	lookup_pps 5
	res[pps_among_n]=$(cat "$tmp/pps")
	log "lookup: one flow among $n sessions: ${res[pps_among_n]} packets/s"
	freed=$(bytes_freed_by_unload)
	res[bytes_per_session]=$((freed / n))
	log "memory: $n sessions, $freed bytes freed by unloading: ${res[bytes_per_session]} per session"
}

# the lookup flow again, the only session this time
phase_lookup_alone()
{
	fw conntrack -F 2>/dev/null || true
	ito_up offload
	lookup_flow_up
	lookup_pps 5
	res[pps_alone]=$(cat "$tmp/pps")
	log "lookup: the flow alone: ${res[pps_alone]} packets/s"
	res[lookup_ratio]=$(awk -v a="${res[pps_among_n]:-0}" -v b="${res[pps_alone]}" \
		'BEGIN { if (b > 0) printf "%.2f", a / b }')
	log "lookup: ratio ${res[lookup_ratio]:-?} (among N / alone)"
}

# flows_gone: every flow ito tracked has ended (within two minutes)
flows_gone()
{
	local i
	for i in $(seq 240); do
		[ "$(counter flows_active)" = 0 ] && return 0
		sleep 0.5
	done
	fail "flows still tracked: $(counter flows_active)"
	return 1
}

# new connections per second through the ruleset's snat, through a
# pool making N bindings and through it finding them; bytes per binding
phase_nat()
{
	local before after slots=$((4 * 64512))
	fw nft add table ip nat
	fw nft add chain ip nat post "{ type nat hook postrouting priority 100; }"
	# as many public pairs as the pool below: one address has 64,512 ports
	# to one destination
	fw nft add rule ip nat post oif $P1 snat to 198.51.100.1-198.51.100.4
	fw conntrack -F 2>/dev/null || true
	ito_up offload noagent
	log "nat: $N new flows, translated by the ruleset (snat)"
	new_flows_per_s
	res[cps_nat_ruleset]=$(cat "$tmp/cps")
	fw conntrack -F 2>/dev/null || true
	flows_gone
	fwctl nat pool add 1 private 10.0.1.0/24 public 198.51.100.1-198.51.100.4 \
		ports 1024-65535 dev $P1 hold 3600
	log "nat: $N new flows, each making a binding"
	new_flows_per_s
	res[cps_nat_bind]=$(cat "$tmp/cps")
	res[nat_bindings]=$(counter nat_bindings_active)
	[ "${res[nat_bindings]}" = "$N" ] ||
		fail "nat: ${res[nat_bindings]} bindings for $N flows"
	fw conntrack -F 2>/dev/null || true
	flows_gone
	log "nat: $N new flows, each finding its binding among $N"
	local s0
	s0=$(counter nat_sessions)
	new_flows_per_s
	res[cps_nat_hit]=$(cat "$tmp/cps")
	[ "$(counter nat_bindings_new)" = "$N" ] && [ "$(($(counter nat_sessions) - s0))" = "$N" ] ||
		fail "nat: the second round made bindings or missed some"
	before=$(mem_bytes)
	fwctl nat pool del 1
	sleep 3		# call_rcu() frees, the table's shrinking
	after=$(mem_bytes)
	# the pool's two slot maps, a bit per public pair each, go too
	res[bytes_per_binding]=$(( (before - after - 2 * slots / 8) / N ))
	log "nat: ${res[cps_nat_ruleset]}/s by the ruleset's snat, ${res[cps_nat_bind]}/s binding, ${res[cps_nat_hit]}/s finding a binding; ${res[bytes_per_binding]} bytes per binding"
}

net_setup
case $PHASES in
cps)
	phase_cps
	;;
nat)
	phase_nat
	;;
memory)
	# inspected flows' and sessions' memory, and the lookup
	phase_inspect
	ito_up offload
	probes
	phase_memory
	phase_lookup_alone
	;;
*)
	phase_cps
	phase_inspect
	phase_offload
	phase_idle
	phase_gc_verdicts
	phase_age
	phase_memory
	phase_lookup_alone
	# hardware: admission and GC against ito_sim with N sessions
	hw_setup
	phase_offload
	phase_idle
	phase_age
	;;
esac

json=$(jq -cn --argjson n "${res[sessions]:-null}" \
	--argjson bps "${res[bytes_per_session]:-null}" \
	--argjson bpi "${res[bytes_per_inspected_flow]:-null}" \
	--argjson isw "${res[installs_sw_per_s]:-null}" \
	--argjson gsw "${res[gc_cpu_ms_per_s_sw]:-null}" \
	--argjson age "${res[age_out_all_s]:-null}" \
	--argjson ci "${res[cps_ito]:-null}" --argjson cp "${res[cps_plain]:-null}" \
	--argjson cn "${res[cps_ito_no_agent]:-null}" \
	--argjson calt "${res[cps_ito_alt]:-null}" \
	--argjson cnalt "${res[cps_ito_no_agent_alt]:-null}" \
	--argjson lr "${res[lookup_ratio]:-null}" \
	--argjson v50 "${res[verdict_p50_us]:-null}" \
	--argjson v99 "${res[verdict_p99_us]:-null}" \
	--argjson vgc "${res[verdict_max_us_during_gc]:-null}" \
	--argjson vmax "${res[verdict_max_us]:-null}" \
	--argjson pn "${res[pps_among_n]:-null}" --argjson p1 "${res[pps_alone]:-null}" \
	--argjson ihw "${res[installs_hw_per_s]:-null}" \
	--argjson ghw "${res[gc_cpu_ms_per_s_hw]:-null}" \
	--argjson ahw "${res[age_out_all_s_hw]:-null}" \
	--argjson padd "${res[port_add_ms_sw]:-null}" \
	--argjson pdel "${res[port_del_ms_sw]:-null}" \
	--argjson show "${res[flow_show_ms_sw]:-null}" \
	--argjson pdelhw "${res[port_del_ms_hw]:-null}" \
	--argjson nb "${res[nat_bindings]:-null}" \
	--argjson bpb "${res[bytes_per_binding]:-null}" \
	--argjson cnm "${res[cps_nat_ruleset]:-null}" \
	--argjson cnb "${res[cps_nat_bind]:-null}" \
	--argjson cnh "${res[cps_nat_hit]:-null}" \
	'{sessions: $n, bytes_per_session: $bps, bytes_per_inspected_flow: $bpi,
	  cps_ito: $ci, cps_plain: $cp, installs_sw_per_s: $isw,
	  installs_hw_per_s: $ihw, lookup_ratio: $lr,
	  gc_cpu_ms_per_s_sw: $gsw, gc_cpu_ms_per_s_hw: $ghw,
	  verdict_p50_us: $v50, verdict_p99_us: $v99,
	  verdict_max_us_during_gc: $vgc, age_out_all_s: $age,
	  cps_ito_no_agent: $cn, cps_ito_alt: $calt,
	  cps_ito_no_agent_alt: $cnalt, verdict_max_us: $vmax,
	  pps_one_flow_among_n: $pn, pps_one_flow_alone: $p1,
	  age_out_all_s_hw: $ahw, port_add_ms_sw: $padd, port_del_ms_sw: $pdel,
	  flow_show_ms_sw: $show, port_del_ms_hw: $pdelhw,
	  nat_bindings: $nb, bytes_per_binding: $bpb,
	  cps_nat_ruleset: $cnm, cps_nat_bind: $cnb, cps_nat_hit: $cnh}')
echo
jq -r 'to_entries[] | "\(.key)\t\(.value // "-")"' <<<"$json" |
	awk -F'\t' '{ printf "%-26s %s\n", $1, $2 }'
echo "scale.json: $json"
if [ -n "$failed" ]; then
	printf 'FAILED: %s' "$failed"
	exit 1
fi
