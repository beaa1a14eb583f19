# SPDX-License-Identifier: GPL-2.0
# Shared by the flow tests that run traffic through ito (agent, offload,
# hwoffload, nexthop, vwire). Source after lib.sh and topo.sh. It makes
# $tmp, starts and stops the agent, and on exit kills what the test left
# running, removes the topology and unloads the modules; a test that builds
# more defines cleanup_extra to undo it.

ITOD=${ITOD:-$TOP/userspace/itod/itod}
ITO_SIM_KO=${ITO_SIM_KO:-$(dirname "$ITO_KO")/sim/ito_sim.ko}
ECHO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/udp_echo.py
tmp=$(mktemp -d)
itod_pid=

cleanup()
{
	[ -z "$itod_pid" ] || kill "$itod_pid" 2>/dev/null
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	if declare -F cleanup_extra >/dev/null; then
		cleanup_extra
	fi
	topo_down
	rmmod ito 2>/dev/null
	rmmod ito_sim 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# start_itod [ITOD OPTIONS]: the agent in the firewall's namespace, with
# $tmp/itod.conf, logging to $tmp/itod.log; returns once it registered.
# Not inside check(): that runs in a subshell and would lose itod_pid. Not
# through fw(): a backgrounded function is a subshell, while "ip netns exec"
# execs, so $! is itod itself.
start_itod()
{
	ip netns exec ito-fw "$ITOD" -f "$@" -c "$tmp/itod.conf" >"$tmp/itod.log" 2>&1 &
	itod_pid=$!
	registered
}

# registered [N]: the agent's log shows N (1) registrations within 15 s
registered()
{
	local i

	for i in $(seq 150); do
		[ "$(grep -c 'registered as the ito agent' "$tmp/itod.log")" -ge "${1:-1}" ] && return 0
		sleep 0.1
	done
	sed 's/^/# itod: /' "$tmp/itod.log"
	return 1
}

# stop_itod [SIGNAL]: kill the agent and reap it
stop_itod()
{
	[ -n "$itod_pid" ] || return 0
	kill "${1:--TERM}" "$itod_pid" 2>/dev/null
	wait "$itod_pid" 2>/dev/null
	itod_pid=
}

# listening NS tcp|udp PORT: a socket in NS is bound to PORT (servers are
# started in the background; a fixed sleep is too short on a loaded host)
listening()
{
	wait_for 10 bash -c "ip netns exec '$1' ss -Hln --'$2' 'sport = :$3' | grep -q ."
}

# echo_server PORT LOG [ADDR]: udp_echo.py in the server's namespace, ready
echo_server()
{
	ip netns exec ito-srv python3 "$ECHO" server "$@" &
	listening ito-srv udp "$1"
}

counter() { fwctl -j counters | jq ".$1"; }
# flow FILTER: the first flow (JSON) matching the jq FILTER, or null
flow() { fwctl -j flow show | jq -c "[.[]|select($1)][0]"; }
flow_id() { flow "$1" | jq -r .id; }
state() { flow "$1" | jq -r .state; }
is_state() { [ "$(state "$1")" = "$2" ]; }
gone() { [ "$(flow "$1")" = null ]; }
tracked() { ! gone "$1"; }
offload_pkts() { flow "$1" | jq '.offload_pkts // 0'; }
no_sessions() { [ "$(counter flow_offload_active_session)" = 0 ]; }

# nft_count NS FAMILY TABLE CHAIN COMMENT: packets of the rule's counter
nft_count()
{
	ip netns exec "$1" nft -j list chain "$2" "$3" "$4" |
		jq -e "[.nftables[].rule?|select(.comment==\"$5\")|.expr[].counter?|select(.)|.packets][0]|numbers"
}

mac() { ip -n "$1" -j link show "$2" | jq -r '.[0].address'; }
rx_packets() { ip -n "$1" -j -s link show "$2" | jq '.[0].stats64.rx.packets'; }
sim_stat() { awk -v k="$1" '$1 == k {print $2}' "$SIM/stats"; }
# the simulator's rules of sessions (they match ports) and TTL guards (they trap)
session_rules() { grep -c 'src_port' "$SIM/rules"; }
guard_rules() { grep -c ' trap' "$SIM/rules"; }
no_session_rules() { [ "$(session_rules)" = 0 ]; }

# ct_acct CT: the distinct "packets=N bytes=M" of a conntrack -o extended
# entry; one line when both directions counted the same
ct_acct() { grep -o 'packets=[0-9]* bytes=[0-9]*' <<<"$1" | sort -u; }

# capture NS DEV FILE [FILTER...]: tcpdump with link-level headers in the
# background (for at most 120 s), returning once it listens
capture()
{
	local ns=$1 dev=$2 out=$3

	shift 3
	ip netns exec "$ns" timeout "$(slow 120)" tcpdump -i "$dev" -e -nn -l "$@" >"$out" 2>"$out.err" &
	wait_for 10 grep -q "listening on" "$out.err"
}

# --- for the fault tests (faults.sh, faults-hw.sh) ---------------------------
PEERS=$(dirname "$ECHO")/fault_peers.py

# tcp_server PORT: fault_peers.py's TCP echo server in ito-srv, listening
tcp_server()
{
	ip netns exec ito-srv python3 "$PEERS" server "$1" &
	listening ito-srv tcp "$1"
}

# Traffic that runs until stop_client, so that a fault lands in its middle
# however slow the host is. Each sets $! to the client's pid.
# udp_stream SPORT: 100-byte datagrams to the echo server on 10.0.2.2:7000,
# every 20 ms; "sent echoed" in $tmp/uSPORT
udp_stream()
{
	ip netns exec ito-cli python3 "$PEERS" udp 10.0.2.2 7000 "$1" 0.02 >"$tmp/u$1" &
}
# tcp_stream NAME: one connection to 10.0.2.2:5000, a round trip every 20
# ms; the round trips in $tmp/NAME, what broke it in $tmp/NAME.err
tcp_stream()
{
	ip netns exec ito-cli python3 "$PEERS" stream 10.0.2.2 5000 0.02 >"$tmp/$1" 2>"$tmp/$1.err" &
}
# stop_client PID: the client stops and reports; its exit status. One
# that has not stopped after 60 s (times ITO_TIME_SCALE) is shown (where
# it sleeps) and killed: 137. (A TCP stream that lost segments on a host
# loaded by several VMs may be in a retransmission backoff of tens of
# seconds; the check is that it was not reset.)
stop_client()
{
	local n=$((300 * ${ITO_TIME_SCALE:-1}))

	kill -USR1 "$1" 2>/dev/null
	while [ $n -gt 0 ] && kill -0 "$1" 2>/dev/null &&
	      [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; do
		sleep 0.2
		n=$((n - 1))
	done
	if [ $n = 0 ]; then
		echo "# client $1 did not stop: $(tr '\0' ' ' <"/proc/$1/cmdline"), in $(cat "/proc/$1/wchan")"
		kill -KILL "$1"
	fi
	wait "$1"
}
# all_echoed SPORT: every datagram the UDP stream sent came back
all_echoed() { read -r sent echoed <"$tmp/u$1" && [ "$sent" -gt 0 ] && [ "$sent" = "$echoed" ]; }
sent() { cut -d' ' -f1 "$tmp/u$1"; }
echoed() { cut -d' ' -f2 "$tmp/u$1"; }
# ct_exact SPORT: conntrack counted each datagram of the stream each way
ct_exact()
{
	local ct n

	ct=$(fw conntrack -L -p udp --sport "$1" -o extended 2>/dev/null)
	n=$(sent "$1")
	[ "$(ct_acct "$ct")" = "packets=$n bytes=$((n * 128))" ] && return 0
	echo "# $ct; $n sent"
	return 1
}
# ct_reply_packets SPORT: packets conntrack counted in the reply direction
ct_reply_packets()
{
	fw conntrack -L -p udp --sport "$1" -o extended 2>/dev/null | grep -o 'packets=[0-9]*' | tail -n1
}

# n_flows FILTER: how many flows match the jq FILTER
n_flows() { fwctl -j flow show | jq "[.[]|select($1)]|length"; }
offloaded() { is_state "$1" offloaded; }
TCP_OFFLOADED='.proto=="tcp" and .dport==5000 and .state=="offloaded"'
# pair_offloaded SPORT: the UDP flow from SPORT and one TCP stream offloaded
pair_offloaded() { offloaded ".sport==$1" && [ "$(n_flows "$TCP_OFFLOADED")" = 1 ]; }
# pair_carried SPORT: both took the fast path for more than 20 packets
pair_carried() { [ "$(n_flows "(.sport==$1 or ($TCP_OFFLOADED)) and .offload_pkts > 20")" = 2 ]; }

# no_offload_bits: no conntrack entry of the firewall is [OFFLOAD] or
# [HW_OFFLOAD] (a leaked bit keeps conntrack from ever expiring the entry)
no_offload_bits() { ! fw conntrack -L 2>/dev/null | grep -q OFFLOAD; }

# no_flows: none listed, and every flow ever tracked was counted as ended
no_flows()
{
	[ "$(fwctl -j flow show | jq length)" = 0 ] &&
		[ "$(fwctl -j counters | jq -c '[.flows_active, .flows_new - .flows_ended]')" = "[0,0]" ]
}

# sessions_balanced: no session left, each insert matched by a delete, and
# none in hardware
sessions_balanced()
{
	[ "$(fwctl -j counters | jq -c '[.flow_offload_active_session, .flow_offload_session_insert - .flow_offload_session_delete, .hw_active_session]')" = "[0,0,0]" ]
}
clean_sessions() { sessions_balanced && no_offload_bits; }

# kernel_quiet SINCE: the kernel logged no problem after dmesg line SINCE
# (the VM panics on a WARN; this catches what only prints: BUG lines, a
# flow block left bound to a removed simulator port, leak reports)
kernel_quiet()
{
	! dmesg | tail -n +"$(($1 + 1))" |
		grep -E 'BUG|WARNING|Oops|KASAN|UBSAN|leak|still bound|refcount'
}

# storm_under_flushes COUNTER WHAT: 4 waves of 20 TCP connections opened at
# once, 40 round trips each, then all closed at once, half with a FIN,
# half with a RST, while ito's flows and conntrack are flushed in turn
# every 0.1 s. Checks that all 80 completed, that COUNTER grew (WHAT says
# what it counts) and that FIN/RST handed sessions back. A flushed
# conntrack entry makes a later FIN invalid: the forward chain counts
# those, it does not drop them.
storm_under_flushes()
{
	local counter=$1 what=$2 c0 c1 flusher

	fw nft -f - <<-'NFT'
	flush ruleset
	table inet t {
		chain c_fwd {
			type filter hook forward priority 0;
			ct state invalid counter comment "invalid"
			counter comment "fwd"
		}
	}
	NFT
	fwctl set min-pkts 4
	c0=$(fwctl -j counters | jq -c "{$counter, fastpath_teardown_fin_rst}")
	touch "$tmp/flushing"
	while [ -e "$tmp/flushing" ]; do
		fwctl flow flush
		sleep 0.1
		fw conntrack -F 2>/dev/null
		sleep 0.1
	done &
	flusher=$!
	cli python3 "$PEERS" storm 10.0.2.2 5000 4 20 40 0.02 >"$tmp/storm" 2>"$tmp/storm.err"
	sed 's/^/# /' "$tmp/storm.err"
	check "the storm: 80 connections, all complete ($(cat "$tmp/storm") completed, failed)" \
		test "$(cat "$tmp/storm")" = "80 0"
	rm "$tmp/flushing"
	wait $flusher
	c1=$(fwctl -j counters | jq -c "{$counter, fastpath_teardown_fin_rst}")
	echo "# $c0 -> $c1"
	check "$what during the storm" \
		test "$(jq ".$counter" <<<"$c1")" -gt "$(jq ".$counter" <<<"$c0")"
	check "and FIN/RST handed some back" \
		test "$(jq .fastpath_teardown_fin_rst <<<"$c1")" -gt "$(jq .fastpath_teardown_fin_rst <<<"$c0")"
}

# within SECS CMD...: CMD ends, successfully, within SECS seconds. If it
# hangs (an unload waiting for a namespace's cleanup), the blocked tasks go
# to the kernel log and its tail here. CMD's output goes to a file: a
# command left hanging must not hold check()'s $(...) open.
within()
{
	local n=$(($1 * 5)) pid

	shift
	"$@" >"$tmp/within.out" 2>&1 &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		if [ $n -le 0 ]; then
			echo "# still running after the deadline: $*"
			echo w >/proc/sysrq-trigger
			dmesg | tail -n 80 | sed 's/^/# /'
			return 1
		fi
		sleep 0.2
		n=$((n - 1))
	done
	cat "$tmp/within.out"
	wait $pid
}

# section NAME: a TAP comment with the time spent so far
section() { echo "# --- $1 (at ${SECONDS} s)"; }
