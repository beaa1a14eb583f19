#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the demo VM: a client, a firewall running ito + itod, a server. The
# firewall's two ports are representors of a simulated DPU (ito_sim.ko), the
# client and the server sit on the wire ends:
#
#   [ito-cli] simwire0 ~~ simrep0 [ito-fw: ito.ko, itod] simrep1 ~~ simwire1 [ito-srv]
#   10.0.1.2/24                10.0.1.1 | 10.0.2.1               10.0.2.2/24
#
# Four flows with four fates by policy run at the same time; while they run,
# show what ito saw and decided and what the (simulated) hardware carries;
# then a summary, checked: exit 1 if the traffic did not do what it says.
# ITO_DEMO_KEEP=1 leaves everything running (for a shell after the demo).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ITOCTL=$top/userspace/itoctl/itoctl  # used by topo.sh's fwctl
export ITOCTL
ITOD=$top/userspace/itod/itod
ECHO=$top/selftests/udp_echo.py
ITO_SIM_KO=${ITO_SIM_KO:-$(dirname "$ITO_KO")/sim/ito_sim.ko}
KEEP=${ITO_DEMO_KEEP:-0}
. "$top/selftests/topo.sh"
tmp=$(mktemp -d /tmp/ito-demo.XXXXXX)
itod_pid=
cleanup() {
	# the traffic always stops; with KEEP the firewall stays as it is
	# shellcheck disable=SC2046  # one word per job
	kill $(jobs -p | grep -vx "${itod_pid:-none}") 2>/dev/null || true
	[ "$KEEP" = 1 ] && return
	[ -z "$itod_pid" ] || kill "$itod_pid" 2>/dev/null
	wait 2>/dev/null
	topo_down
}
trap cleanup EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { echo "# $*"; "$@"; }
# wait_for SECONDS COMMAND...: poll COMMAND every 0.2 s until it succeeds
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}
flows() { fwctl -j flow show; }
# the flow to dport $1 that carried the most traffic (iperf3 also has a
# small control connection to 5201); through "flow get", which asks the
# device for a hardware session's counters (a dump has them as of the last
# poll, once per ageing period)
flow_of()
{
	local f g id

	f=$(flows | jq -c "[.[]|select(.dport==$1)]|max_by(.pkts_orig + .pkts_reply) // empty")
	id=$(jq -r '.id // empty' <<<"${f:-null}")
	if [ -n "$id" ] && g=$(fwctl -j flow get "$id" 2>/dev/null) && [ -n "$g" ]; then
		jq -c 'del(.paths)' <<<"$g"
	else
		echo "$f"
	fi
}
field() { jq -r ".$2" <<<"$1"; }
counter() { fwctl -j counters | jq ".$1"; }
sim_stat() { awk -v k="$1" '$1 == k {print $2}' "$SIM/stats"; }
rx_packets() { ip -n ito-fw -j -s link show "$1" | jq '.[0].stats64.rx.packets'; }
# in_hw DPORT: the flow is offloaded with both directions in the hardware;
# keeps that view of it ($tmp/getDPORT: the paths go when the session ends)
in_hw() {
	local id g
	[ -s "$tmp/get$1" ] && return 0
	id=$(flows | jq -r "[.[]|select(.dport==$1 and .state==\"offloaded\")][0].id // empty")
	[ -n "$id" ] || return 1
	g=$(fwctl -j flow get "$id") || return 1
	jq -e '[.paths[].where] == ["hw","hw"]' <<<"$g" >/dev/null || return 1
	echo "$g" >"$tmp/get$1"
}
running() { kill -0 "$1" 2>/dev/null; }

say "Loading ito and the DPU simulator; client -- firewall -- server"
modprobe nf_nat
insmod "$ITO_SIM_KO"
insmod "$ITO_KO"
netns_up
sim_pair 0 ito-fw ito-cli
sim_pair 1 ito-fw ito-srv
cli ip addr add 10.0.1.2/24 dev simwire0
fw ip addr add 10.0.1.1/24 dev simrep0
fw ip addr add 10.0.2.1/24 dev simrep1
srv ip addr add 10.0.2.2/24 dev simwire1
cli ip route add default via 10.0.1.1
srv ip route add default via 10.0.2.1
fw sysctl -qw net.ipv4.ip_forward=1
fw sysctl -qw net.netfilter.nf_conntrack_acct=1
echo "# fw ethtool -k simrep0 | grep hw-tc-offload"
fw ethtool -k simrep0 | grep hw-tc-offload
run fwctl port add simrep0 offload hw
run fwctl port add simrep1 offload hw
run fwctl port show
run fwctl show

say "The agent's policy (itod.conf)"
cat >"$tmp/itod.conf" <<CONF
offload proto tcp dport 5201      # bulk transfer
offload proto udp dport 7000      # a media stream (echoed back)
inspect proto tcp dport 8080      # web-like: keep watching
block   proto udp dport 9999      # not allowed
inspect-all app http              # the web, known by its application (nDPI)
default inspect
CONF
cat "$tmp/itod.conf"
ip netns exec ito-fw "$ITOD" -f -c "$tmp/itod.conf" >"$tmp/itod.log" 2>&1 &
itod_pid=$!
wait_for 10 grep -q "registered as the ito agent" "$tmp/itod.log" ||
	{ cat "$tmp/itod.log"; echo "demo: itod did not register" >&2; exit 1; }

say "Servers up, the host's view of simrep0 before the traffic"
srv iperf3 -s -1 -D >/dev/null
ip netns exec ito-srv python3 "$ECHO" server 7000 "$tmp/udp7000" &
ip netns exec ito-srv python3 "$ECHO" server 9999 "$tmp/udp9999" &
srv socat -u TCP-LISTEN:8080,reuseaddr OPEN:"$tmp/tcp8080",creat &
srv_8080=$!
srv python3 -m http.server --bind 10.0.2.2 8000 >/dev/null 2>&1 &
listening() {
	local l
	l=$(srv ss -Htuln)
	grep -q ':5201 ' <<<"$l" && grep -q ':8080 ' <<<"$l" &&
		grep -q ':7000 ' <<<"$l" && grep -q ':9999 ' <<<"$l" &&
		grep -q ':8000 ' <<<"$l"
}
wait_for 30 listening || { srv ss -tuln; echo "demo: the servers did not start" >&2; exit 1; }
run fw ip -s link show simrep0
rx0=$(rx_packets simrep0)
hits0=$(sim_stat hits)

say "Traffic: five flows at once (about 20 s)"
echo "tcp/5201  iperf3, 20 s at 30 Mbit/s"
echo "udp/7000  1200 datagrams of 200 bytes, 100/s, each echoed back"
echo "tcp/8080  300000 bytes in 10 pieces, 0.5 s apart"
echo "udp/9999  50 datagrams, 10/s"
echo "tcp/8000  an HTTP GET (curl), its application found by itod"
t0=$SECONDS
cli iperf3 -c 10.0.2.2 -t 20 -b 30M -i 0 >"$tmp/iperf3" 2>&1 &
c_5201=$!
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 40000 1200 0.01 200 >"$tmp/echo7000" &
c_7000=$!
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 9999 40001 50 0.1 200 >"$tmp/echo9999" &
c_9999=$!
(for _ in 1 2 3 4 5 6 7 8 9 10; do head -c 30000 /dev/urandom; sleep 0.5; done) |
	cli socat -u - TCP:10.0.2.2:8080 &
c_8080=$!
cli curl -s -o "$tmp/http8000" http://10.0.2.2:8000/ &
c_8000=$!

# Both offload candidates go to the hardware within a few seconds; wait
# for that (deadline), then look at everything while the traffic runs.
hw_5201=yes hw_7000=yes
wait_for 30 eval 'in_hw 5201 && in_hw 7000' || true
in_hw 5201 || hw_5201=no
in_hw 7000 || hw_7000=no
echo "t+$((SECONDS - t0)) s: tcp/5201 in hardware: $hw_5201, udp/7000 in hardware: $hw_7000"
sleep 1   # let the device's counters (polled once a second) move
f5201=$(flow_of 5201)
still=""
for c in 5201 7000; do
	v=c_$c
	running "${!v}" && still="$still $c"
done
say "While the traffic runs (t+$((SECONDS - t0)) s; still running:${still:- none})"
run fwctl flow show
say "itoctl counters (non-zero)"
fwctl -j counters | jq -r 'to_entries[]|select(.value>0)|"\(.key) \(.value)"' | column -t
say "The agent's decisions so far (itod log)"
cat "$tmp/itod.log"
say "The iperf3 flow: where each direction runs, as tc rules"
run fwctl flow get "$(field "$f5201" id)" || true
say "The rules in the (simulated) hardware, with their counters"
run cat "$SIM/rules"
run cat "$SIM/stats"
say "conntrack on the firewall"
fw conntrack -L 2>/dev/null | grep -E 'dport=(5201|7000|8080|9999) ' | sed 's/  */ /g' || true

# Every client ends by itself (run.sh's timeout guards against a hang).
wait $c_5201 $c_7000 $c_9999 $c_8080 $c_8000 || true
wait_for 10 bash -c "[ \$(stat -c %s '$tmp/tcp8080') = 300000 ]" || true
wait_for 5 bash -c "! kill -0 $srv_8080" || true
echo "all clients done at t+$((SECONDS - t0)) s"
sleep 1.5  # the last device statistics reach ito (polled once a second)

say "After the traffic"
tail -n 4 "$tmp/iperf3"
run fw ip -s link show simrep0
rx1=$(rx_packets simrep0)
hits1=$(sim_stat hits)
say "The agent's decisions"
cat "$tmp/itod.log"
say "itoctl flow show"
fwctl flow show
say "itoctl counters (non-zero)"
fwctl -j counters | jq -r 'to_entries[]|select(.value>0)|"\(.key) \(.value)"' | column -t

# ---- summary -----------------------------------------------------------
all=$(flows)
f5201=$(flow_of 5201)
f7000=$(flow_of 7000)
f8080=$(flow_of 8080)
f9999=$(flow_of 9999)
f8000=$(flow_of 8000)
# iperf3's control connection (it may or may not reach min-rate)
fctl=$(jq -c '[.[]|select(.dport==5201)]|select(length > 1)|min_by(.pkts_orig + .pkts_reply)' <<<"$all")
where() { jq -r '[.paths[]?.where]|unique|join("+")' "$tmp/get$1" 2>/dev/null; }
total() { jq '(.pkts_orig // 0) + (.pkts_reply // 0)' <<<"${1:-null}"; }
fast() { jq '.offload_pkts // 0' <<<"${1:-null}"; }
# Both ports are "offload hw": a session runs in the hardware or not at
# all, never in the software fast path (unless a port says otherwise).
hw_only=$(fwctl -j port show | jq '[.[].offload]|all(. == "hw")')
# per flow: verdict, packets total, slow path, hardware, software fast path
row() {
	local name=$1 f=$2 w=${3:-} t o hw=0 sw=0
	[ -n "$w" ] || [ "$hw_only" != true ] || w=hw
	t=$(total "$f")
	o=$(fast "$f")
	case "$w" in
	hw) hw=$o ;;
	*) sw=$o ;;
	esac
	printf '%-22s %-11s %9s %9s %9s %9s\n' "$name" "$(field "$f" verdict)" \
		"$t" "$((t - o))" "$hw" "$sw"
}
hw_pkts() { [ "$(where "$1")" = hw ] && fast "$2" || echo 0; }
hw_total=$(($(hw_pkts 5201 "$f5201") + $(hw_pkts 7000 "$f7000")))
bypass=$(jq '[.[].offload_bytes]|add // 0' <<<"$all")
got7000=$(cat "$tmp/echo7000")
got9999=$(wc -l <"$tmp/udp9999")
got8080=$(stat -c %s "$tmp/tcp8080")

say "Summary"
printf '%-22s %-11s %9s %9s %9s %9s\n' flow verdict packets "slow path" hardware "sw fast"
row "tcp/5201 iperf3" "$f5201" "$(where 5201)"
[ -z "$fctl" ] || row "tcp/5201 iperf3 ctrl" "$fctl"
row "udp/7000 stream" "$f7000" "$(where 7000)"
row "tcp/8080 web-like" "$f8080"
row "udp/9999 forbidden" "$f9999"
row "tcp/8000 http" "$f8000"
echo
printf '%-34s %s\n' \
	"flows tracked" "$(jq length <<<"$all")" \
	"copies to the agent" "$(counter copies_sent)" \
	"sessions placed in hardware" "$(counter hw_session_insert)" \
	"iperf3" "$(grep -E 'receiver' "$tmp/iperf3" | awk '{print $5, $6, $7, $8}')" \
	"udp/7000 echoed" "$got7000 of 1200" \
	"tcp/8080 arrived" "$got8080 of 300000 bytes, all through the host stack" \
	"udp/9999 arrived" "$got9999 of 50 datagrams ($(counter blocked_pkts) dropped by ito)" \
	"tcp/8000 application" "$(field "$f8000" app) (nDPI, in itod), verdict $(field "$f8000" verdict)" \
	"simulator: packets in hardware" "$((hits1 - hits0))" \
	"host: simrep0 received" "$((rx1 - rx0)) packets (slow path only)" \
	"never touched the host stack" "$bypass bytes"

ok=1
fail() { echo "demo: check failed: $*" >&2; ok=0; }
t5201=$(total "$f5201")
[ "$(field "$f5201" verdict)" = offload ] || fail "tcp/5201 verdict is not offload"
[ "$hw_5201" = yes ] && [ "$(where 5201)" = hw ] || fail "tcp/5201 never ran in hardware"
[ "$(($(hw_pkts 5201 "$f5201") * 2))" -gt "$t5201" ] || fail "tcp/5201: most packets not in hardware"
[ "$((hits1 - hits0))" -ge "$((hw_total * 9 / 10))" ] && [ "$hw_total" -gt 0 ] ||
	fail "the simulator's hits ($((hits1 - hits0))) do not account for the hardware packets ($hw_total)"
[ "$((rx1 - rx0))" -lt "$(($(hw_pkts 5201 "$f5201") / 10))" ] ||
	fail "simrep0 received too many packets for a hardware flow"
grep -q receiver "$tmp/iperf3" || fail "iperf3 did not finish"
[ "$(field "$f7000" verdict)" = offload ] || fail "udp/7000 verdict is not offload"
[ "$hw_7000" = yes ] && [ "$(where 7000)" = hw ] || fail "udp/7000 never ran in hardware"
[ "$(fast "$f7000")" -gt 1000 ] || fail "udp/7000: too few packets offloaded"
[ "$got7000" = 1200 ] || fail "udp/7000: $got7000 of 1200 echoed"
[ "$(field "$f8080" verdict)" = inspect ] || fail "tcp/8080 verdict is not inspect"
[ "$(fast "$f8080")" = 0 ] || fail "tcp/8080 took the fast path"
[ "$got8080" = 300000 ] || fail "tcp/8080: $got8080 of 300000 bytes"
[ "$(field "$f9999" verdict)" = block ] || fail "udp/9999 verdict is not block"
[ "$got9999" -lt 50 ] && [ "$(counter blocked_pkts)" -gt 0 ] || fail "udp/9999 was not blocked"
[ "$(field "$f8000" app)" = HTTP ] || fail "tcp/8000 was not classified HTTP"
[ "$(field "$f8000" verdict)" = inspect-all ] || fail "tcp/8000 verdict is not inspect-all"
[ -s "$tmp/http8000" ] || fail "tcp/8000: curl got no page"

[ "$KEEP" = 1 ] || fwctl flow flush
if [ "$ok" = 1 ]; then
	echo "demo: everything happened as the policy says"
else
	echo "demo: the traffic did not match the policy" >&2
fi
if [ "$KEEP" = 1 ]; then
	cat >/root/.bashrc <<RC
PATH=$top/userspace/itoctl:$top/userspace/itod:\$PATH
PS1='ito-vm:\w# '
cd $top
RC
	say "The VM stays up (--keep): a root shell follows; 'exit' powers it off"
	echo "try: ip netns exec ito-fw itoctl flow show"
	echo "     ip netns exec ito-fw itoctl counters; ip netns exec ito-fw itoctl port show"
	echo "     cat $SIM/rules $SIM/stats"
	echo "     ip netns exec ito-cli iperf3 -c 10.0.2.2 -t 5   (start a server first:"
	echo "     ip netns exec ito-srv iperf3 -s -D), then itoctl flow show / flow get ID"
	echo "     itod log: $tmp/itod.log, policy: $tmp/itod.conf"
fi
[ "$ok" = 1 ] && exit 0
exit 1
