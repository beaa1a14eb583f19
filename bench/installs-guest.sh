#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the benchmark VM (bench/installs.sh): how fast ito installs
# sessions, two ways, on the DPU simulator's ports (selftests/hwoffload.sh's
# first two pairs):
#   S  ports with "offload sw": each session is two software entries
#   H  ports with "offload hw": the same plus two flower rules placed in
#      ito_sim (no capacity or rate limit)
# Per round and variant: NFLOWS UDP flows are set up while offload is off
# (all of them verdict offload, eligible, pending); then offload goes on
# and the admission work installs them all. Its time is measured in the
# kernel with a kprobe and a kretprobe on ito_offload_work (the sum of the
# calls' durations), so neither polling nor itoctl's start-up is in it.
# (Not function_graph: enabling it patches every function, which takes
# minutes under TCG and trips the soft-lockup watchdog.)
#
# env: ITO_KO, ITO_SIM_KO (required), ROUNDS (3), NFLOWS (1000)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ITO_KO=${ITO_KO:?ITO_KO must name ito.ko}
ITO_SIM_KO=${ITO_SIM_KO:?ITO_SIM_KO must name ito_sim.ko}
ITOCTL=$top/userspace/itoctl/itoctl
ITOD=$top/userspace/itod/itod
ECHO=$top/selftests/udp_echo.py
ROUNDS=${ROUNDS:-3}
NFLOWS=${NFLOWS:-1000}
SIM=/sys/kernel/debug/ito_sim
. "$top/selftests/topo.sh"
. "$top/bench/worktime.sh"

tmp=$(mktemp -d)
itod_pid=
failed=""
declare -A rate
declare -A nh

cleanup()
{
	probes_off
	[ -z "$itod_pid" ] || kill "$itod_pid" 2>/dev/null || true
	kill $(jobs -p) 2>/dev/null || true
	topo_down
	rmmod ito 2>/dev/null || true
	rmmod ito_sim 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

log() { echo "# $*"; }
counter() { fwctl -j counters | jq ".$1"; }
n_state() { fwctl -j flow show | jq "[.[]|select(.state==\"$1\")]|length"; }

setup()
{
	local ns
	modprobe nf_nat
	# the echo server takes NFLOWS datagrams at once (udp_echo.py)
	sysctl -qw net.core.rmem_max=8388608
	insmod "$ITO_SIM_KO"
	insmod "$ITO_KO"
	for ns in ito-cli ito-fw ito-srv; do
		ip netns add $ns
		ip -n $ns link set lo up
	done
	echo 0 >$SIM/new_port
	echo 1 >$SIM/new_port
	ip link set simrep0 netns ito-fw
	ip link set simrep1 netns ito-fw
	ip link set simwire0 netns ito-cli
	ip link set simwire1 netns ito-srv
	cli ip addr add 10.0.1.2/24 dev simwire0
	fw ip addr add 10.0.1.1/24 dev simrep0
	fw ip addr add 10.0.2.1/24 dev simrep1
	srv ip addr add 10.0.2.2/24 dev simwire1
	cli ip link set simwire0 up
	fw ip link set simrep0 up
	fw ip link set simrep1 up
	srv ip link set simwire1 up
	cli ip route add default via 10.0.1.1
	srv ip route add default via 10.0.2.1
	fw sysctl -qw net.ipv4.ip_forward=1
	fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
	fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=600
	fwctl set min-pkts 2 min-rate 0 udp-ageing 600 max-update-rate 1000000 \
		max-sessions 4000000
	echo 'default offload' >"$tmp/itod.conf"
	ip netns exec ito-fw "$ITOD" -f -c "$tmp/itod.conf" >"$tmp/itod.log" 2>&1 &
	itod_pid=$!
	ip netns exec ito-srv python3 "$ECHO" server 7000 /dev/null &
	probe admit ito_offload_work
	probe nh ito_nh_work
	sleep 1
}

# run VARIANT ROUND: one measurement; sets rate[VARIANT,ROUND]
run()
{
	local v=$1 r=$2 mode sport us n
	mode=$([ "$v" = H ] && echo hw || echo sw)
	[ "$v" = H ] && sport=$((10000 + (r * 2 + 1) * NFLOWS)) || sport=$((10000 + r * 2 * NFLOWS))
	fwctl port add simrep0 offload $mode
	fwctl port add simrep1 offload $mode
	fwctl set offload no
	# Eligibility is judged on packets after the verdict: one round makes
	# the flows and their verdicts, two more once all are decided make
	# them eligible (queued while offload is off).
	ip netns exec ito-cli python3 "$ECHO" clients 10.0.2.2 7000 "$sport" "$NFLOWS" 1 1 >"$tmp/echoed"
	n=0
	for _ in $(seq 60); do
		n=$(n_state offload-pending)
		[ "$n" = "$NFLOWS" ] && break
		sleep 0.5
	done
	if [ "$n" != "$NFLOWS" ]; then
		failed+="$v round $r: $n of $NFLOWS flows pending (echoed $(cat "$tmp/echoed"))"$'\n'
		return
	fi
	ip netns exec ito-cli python3 "$ECHO" clients 10.0.2.2 7000 "$sport" "$NFLOWS" 2 1 >"$tmp/echoed"
	local i0 h0
	i0=$(counter flow_offload_session_insert)
	h0=$(counter hw_session_insert)
	trace_on admit
	fwctl set offload yes
	# until all are in, or nothing more went in for 2 s (a flow whose
	# echo was lost under load never becomes eligible)
	local last=-1 same=0 cur
	for _ in $(seq 120); do
		cur=$(( $(counter flow_offload_session_insert) - i0 ))
		[ "$cur" = "$NFLOWS" ] && break
		if [ "$cur" = "$last" ]; then
			same=$((same + 1))
			[ "$same" -ge 4 ] && break
		else
			same=0
		fi
		last=$cur
		sleep 0.5
	done
	us=$(trace_off admit)
	n=$(( $(counter flow_offload_session_insert) - i0 ))
	local hw=$(( $(counter hw_session_insert) - h0 ))
	log "$v round $r: $n sessions installed ($hw in hardware, sim rules $(grep -c . $SIM/rules)) in ${us} us of admission work"
	if [ "$n" -lt $((NFLOWS * 8 / 10)) ] || { [ "$v" = H ] && [ "$hw" != "$n" ]; } ||
	   { [ "$v" = S ] && [ "$hw" != 0 ]; } || [ "${us:-0}" = 0 ]; then
		failed+="$v round $r: $n installed, $hw in hardware, ${us:-?} us"$'\n'
	else
		rate[$v,$r]=$(( n * 1000000 / us ))
	fi
	# One neighbour change under all of them: the server's MAC, which the
	# original direction of every session shares as its next hop.
	local u0 nus
	u0=$(counter flow_offload_session_update)
	trace_on nh
	fw ip neigh replace 10.0.2.2 lladdr 02:00:00:00:0b:0$r dev simrep1 nud permanent
	for _ in $(seq 60); do
		[ $(( $(counter flow_offload_session_update) - u0 )) -ge "$n" ] && break
		sleep 0.5
	done
	nus=$(trace_off nh)
	local upd=$(( $(counter flow_offload_session_update) - u0 ))
	log "$v round $r: one neighbour change updated $upd sessions in ${nus} us"
	if [ "$upd" != "$n" ]; then
		failed+="$v round $r: the neighbour change updated $upd of $n sessions"$'\n'
	else
		nh[$v,$r]=$nus
	fi
	# the server's real MAC back, by ARP, for the next round's flows
	fw ip neigh del 10.0.2.2 dev simrep1
	fwctl flow flush
	fwctl port del simrep0
	fwctl port del simrep1
	fw conntrack -F 2>/dev/null || true
}

median() { sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'; }

setup
ulimit -n 65536
for r in $(seq 1 "$ROUNDS"); do
	run S "$r"
	run H "$r"
done

echo
printf '%-6s %14s %14s %8s\n' round "S sessions/s" "H sessions/s" "H/S"
ratios=""
for r in $(seq 1 "$ROUNDS"); do
	s=${rate[S,$r]:-} h=${rate[H,$r]:-}
	if [ -n "$s" ] && [ -n "$h" ]; then
		q=$(awk -v a="$h" -v b="$s" 'BEGIN {printf "%.2f", a / b}')
		ratios+="$q"$'\n'
	else
		q=-
	fi
	printf '%-6s %14s %14s %8s\n' "$r" "${s:--}" "${h:--}" "$q"
done
ms=$(for r in $(seq 1 "$ROUNDS"); do echo "${rate[S,$r]:-}"; done | grep . | median)
mh=$(for r in $(seq 1 "$ROUNDS"); do echo "${rate[H,$r]:-}"; done | grep . | median)
mq=$(grep . <<<"$ratios" | median)
printf '%-6s %14s %14s %8s\n' median "${ms:--}" "${mh:--}" "${mq:--}"
nhs=$(for r in $(seq 1 "$ROUNDS"); do echo "${nh[S,$r]:-}"; done | grep . | median)
nhh=$(for r in $(seq 1 "$ROUNDS"); do echo "${nh[H,$r]:-}"; done | grep . | median)
echo "summary: $NFLOWS sessions per run; software $ms sessions/s, hardware (ito_sim) $mh sessions/s; hardware/software ${mq}x"
echo "summary: one neighbour change under $NFLOWS sessions: software ${nhs} us (one shared MAC store), hardware ${nhh} us ($NFLOWS rules replaced)"
if [ -n "$failed" ]; then
	printf 'FAILED: %s' "$failed"
	exit 1
fi
