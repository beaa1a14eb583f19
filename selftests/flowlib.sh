# SPDX-License-Identifier: GPL-2.0
# Shared by the flow tests that run traffic through ito (agent, offload,
# hwoffload, nexthop, vwire). Source after lib.sh and topo.sh. It makes
# $tmp, starts and stops the agent, and on exit kills what the test left
# running, removes the topology and unloads the modules; a test that builds
# more defines cleanup_extra to undo it.

ITOD=${ITOD:-$TOP/userspace/itod/itod}
ITO_SIM_KO=${ITO_SIM_KO:-$(dirname "$ITO_KO")/sim/ito_sim.ko}
ECHO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/udp_echo.py
SIM=/sys/kernel/debug/ito_sim
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
sim_rules() { grep -c . "$SIM/rules"; }

# sim_pair N NS_REP NS_WIRE: create pair N, the representor into the
# firewall, the wire end into the peer's namespace
sim_pair()
{
	echo "$1" >"$SIM/new_port" &&
		ip link set "simrep$1" netns "$2" &&
		ip link set "simwire$1" netns "$3" &&
		ip -n "$2" link set "simrep$1" up &&
		ip -n "$3" link set "simwire$1" up
}

# ct_acct CT: the distinct "packets=N bytes=M" of a conntrack -o extended
# entry; one line when both directions counted the same
ct_acct() { grep -o 'packets=[0-9]* bytes=[0-9]*' <<<"$1" | sort -u; }

# capture NS DEV FILE [FILTER...]: tcpdump with link-level headers in the
# background (for at most 120 s), returning once it listens
capture()
{
	local ns=$1 dev=$2 out=$3

	shift 3
	ip netns exec "$ns" timeout 120 tcpdump -i "$dev" -e -nn -l "$@" >"$out" 2>"$out.err" &
	wait_for 10 grep -q "listening on" "$out.err"
}
