#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The offload engine and the software fast path, with real traffic through
# the firewall namespace (topo.sh) and itod deciding "offload":
# the forward chain stops seeing offloaded packets while the peers keep
# exchanging them; files arrive intact; NAT and checksums hold; idle
# sessions age out and hand exact counters back to conntrack; admission
# respects max-sessions and max-update-rate; FIN and RST go back to
# conntrack, which never calls a packet invalid. Runs inside the test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"

. "$here/flowlib.sh"

fwd_pkts() { nft_count ito-fw inet t c_fwd fwd; }
invalid_pkts() { nft_count ito-fw inet t c_fwd invalid; }

plan 64

modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
# Real checksums on the wire, verified by the receivers: the senders do
# not offload them, the receivers do not trust their NIC.
cli ethtool -K c0 tx off rx off >/dev/null
srv ethtool -K s0 tx off rx off >/dev/null
fw sysctl -qw net.netfilter.nf_conntrack_acct=1
check "firewall rules load" fw nft -f - <<'NFT'
table inet t {
	chain c_fwd {
		type filter hook forward priority 0;
		ct state invalid counter drop comment "invalid"
		counter comment "fwd"
	}
}
table ip nat {
	chain pre {
		type nat hook prerouting priority -100;
		iif "f0" udp dport 8000 dnat to 10.0.2.2:7000
		iif "f0" tcp dport 8080 dnat to 10.0.2.2:5001
	}
	chain post {
		type nat hook postrouting priority 100;
		oif "f1" ct status dnat masquerade
	}
}
NFT
fwctl port add f0
fwctl port add f1
fwctl set min-rate 0 tcp-ageing 3 udp-ageing 3

cat >"$tmp/itod.conf" <<CONF
default offload
CONF
start_itod
ip netns exec ito-fw "$ITOCTL" -j monitor >"$tmp/events" &
echo_server 7000 "$tmp/echo.log"

# --- UDP: offload, bypass, exact counters at ageing --------------------
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 1500 200 "$(slowf 0.02)" 100 >"$tmp/c1500" &
client=$!
check "UDP flow offloaded" wait_for 4 is_state '.sport==1500' offloaded
check "conntrack shows [OFFLOAD]" bash -c "ip netns exec ito-fw conntrack -L -p udp --sport 1500 2>/dev/null | grep -q OFFLOAD"
n1=$(fwd_pkts)
# the GC folds the fast path's counts into conntrack as it looks at the
# session (every second for a table this small): they follow it
ct_orig_pkts() { grep -o 'packets=[0-9]*' <<<"$1" | head -n 1 | cut -d= -f2; }
p_off=$(ct_orig_pkts "$(fw conntrack -L -p udp --sport 1500 -o extended 2>/dev/null)")
followed()
{
	local ct
	ct=$(fw conntrack -L -p udp --sport 1500 -o extended 2>/dev/null)
	grep -q OFFLOAD <<<"$ct" && [ "$(ct_orig_pkts "$ct")" -gt "${p_off:-0}" ]
}
check "conntrack's counters follow the offloaded session (from $p_off packets)" wait_for 3 followed
wait $client
check "idle session ages out (udp-ageing 3 s)" wait_for 10 gone '.sport==1500'
# the end event's idle time is the kernel's: from the flow's last packet
# to the GC pass (every second) that ended it, however slow the polls
idle=$(jq -s '[.[]|select(.event=="end" and .sport==1500 and .reason=="aged")][0].idle_ms' "$tmp/events")
check "aged 3 to 4.5 s after its last packet (idle $idle ms)" \
	test "$idle" -ge 3000 -a "$idle" -le 4500
n2=$(fwd_pkts)
check "forward chain saw no packet once offloaded ($n1 then $n2)" test -n "$n1" -a "$n1" = "$n2"
check "all 200 datagrams echoed" test "$(cat "$tmp/c1500")" = 200
check "the fast path carried them" test "$(counter fastpath_pkts)" -gt 100
ct=$(fw conntrack -L -p udp --sport 1500 -o extended 2>/dev/null)
echo "# $ct"
check "conntrack: 200 packets, 25600 bytes each way" \
	test "$(ct_acct "$ct")" = "packets=200 bytes=25600"
check "conntrack: [OFFLOAD] cleared" bash -c "! grep -q OFFLOAD <<<'$ct'"
check "counted: insert, delete, aged, active back to 0" \
	test "$(fwctl -j counters | jq -c '[.flow_offload_session_insert,.flow_offload_session_delete,.flow_offload_aged_session,.flow_offload_active_session]')" = "[1,1,1,0]"

# --- UDP through DNAT + masquerade ---------------------------------------
: >"$tmp/echo.log"
ip netns exec ito-cli python3 "$ECHO" client 10.0.1.1 8000 1600 200 "$(slowf 0.02)" 100 >"$tmp/c1600" &
client=$!
check "NATed UDP flow offloaded" wait_for 4 is_state '.sport==1600' offloaded
wait $client
check "NAT: all 200 echoed back through the reverse NAT" test "$(cat "$tmp/c1600")" = 200
check "NAT: the server saw only 10.0.2.1, 200 times" \
	test "$(cut -d' ' -f1 "$tmp/echo.log" | sort | uniq -c | awk '{print $1, $2}')" = "200 10.0.2.1"
check "NAT: no checksum errors at the server" \
	test "$(srv nstat -az UdpInCsumErrors | awk '/UdpInCsumErrors/ {print $2}')" = 0

# --- TCP: a file through the fast path, FIN back to conntrack ------------
head -c 20000000 /dev/urandom >"$tmp/file"
ip netns exec ito-srv timeout "$(slow 60)" socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$tmp/recv",creat,trunc &
server=$!
listening ito-srv tcp 5001
n1=$(fwd_pkts)
check "TCP transfer completes" cli socat -u OPEN:"$tmp/file" TCP:10.0.2.2:5001
wait $server
n2=$(fwd_pkts)
check "file arrives intact (sha256)" test "$(sha256sum <"$tmp/file")" = "$(sha256sum <"$tmp/recv")"
f=$(flow '.proto=="tcp" and .dport==5001')
echo "# $f"
check "most of the transfer bypassed the stack" \
	test "$(jq '.offload_pkts // 0' <<<"$f")" -gt "$(( (n2 - n1) * 5 ))"
check "FIN handed the session back" test "$(counter fastpath_teardown_fin_rst)" -ge 1
check "conntrack saw the close (not invalid)" test "$(invalid_pkts)" = 0
check "conntrack state after close" \
	bash -c "ip netns exec ito-fw conntrack -L -p tcp --dport 5001 2>/dev/null | grep -Eq 'TIME_WAIT|CLOSE|LAST_ACK'"

# --- TCP through DNAT + masquerade, checksums verified by the receiver -------
ip netns exec ito-srv timeout "$(slow 60)" socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$tmp/recv",creat,trunc &
server=$!
listening ito-srv tcp 5001
check "NATed TCP transfer completes" cli socat -u OPEN:"$tmp/file" TCP:10.0.1.1:8080
wait $server
check "NATed file arrives intact" test "$(sha256sum <"$tmp/file")" = "$(sha256sum <"$tmp/recv")"
check "no TCP checksum errors" test "$(srv nstat -az TcpInCsumErrors | awk '/TcpInCsumErrors/ {print $2}')" = 0

# --- iperf3 with segmentation offload on: GSO packets through the fast path --
cli ethtool -K c0 tx on >/dev/null
srv ethtool -K s0 tx on >/dev/null
ip netns exec ito-srv iperf3 -s -1 >/dev/null 2>&1 &
server=$!
listening ito-srv tcp 5201
g0=$(counter fastpath_pkts)
check "iperf3 completes (TSO/GSO on)" bash -c "ip netns exec ito-cli iperf3 -c 10.0.2.2 -t 3 -J >'$tmp/iperf.json'"
wait $server
check "iperf3 moved data" test "$(jq '.end.sum_received.bytes' "$tmp/iperf.json")" -gt 1000000
f=$(flow '.proto=="tcp" and .dport==5201 and .offload_pkts > 0')
check "iperf3's data connection went through the fast path" test "$(jq '.offload_pkts // 0' <<<"$f")" -gt 0
cli ethtool -K c0 tx off >/dev/null
srv ethtool -K s0 tx off >/dev/null

# --- RST ----------------------------------------------------------------
ip netns exec ito-srv timeout "$(slow 60)" socat -u TCP-LISTEN:5002,reuseaddr OPEN:/dev/null &
server=$!
listening ito-srv tcp 5002
r0=$(counter fastpath_teardown_fin_rst)
cli python3 - <<'PY'
import socket, struct, time
s = socket.create_connection(("10.0.2.2", 5002))
for _ in range(200):
    s.send(b"y" * 1000)
    time.sleep(0.01)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
PY
rst_seen() { [ "$(counter fastpath_teardown_fin_rst)" -gt "$r0" ]; }
check "RST handed the session back" wait_for 5 rst_seen
check "conntrack state after RST is CLOSE" wait_for 5 \
	bash -c "ip netns exec ito-fw conntrack -L -p tcp --dport 5002 2>/dev/null | grep -q CLOSE"
kill $server 2>/dev/null

# --- IPv6 -----------------------------------------------------------------
ip netns exec ito-cli python3 "$ECHO" client fd00:2::2 7000 1700 100 "$(slowf 0.02)" 100 >"$tmp/c1700" &
client=$!
check "IPv6 UDP flow offloaded" wait_for 4 is_state '.sport==1700' offloaded
wait $client
check "IPv6: all 100 echoed" test "$(cat "$tmp/c1700")" = 100

# --- Fragments go the slow way, and still arrive ---------------------------
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 1800 100 "$(slowf 0.02)" 100 >"$tmp/c1800" &
client=$!
check "a flow for the fragment test is offloaded" wait_for 4 is_state '.sport==1800' offloaded
wait $client
g0=$(counter fastpath_pkts)
r0=$(counter flow_offload_rcv_cpu)
check "datagrams of 3000 bytes (fragmented) echoed on the offloaded flow" \
	test "$(ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 1800 20 0.02 3000)" = 20
check "fragments bypassed the fast path, reached the slow path" \
	test "$(counter fastpath_pkts)" = "$g0" -a "$(counter flow_offload_rcv_cpu)" -gt "$r0"

# --- Admission: max-sessions --------------------------------------------
wait_for 8 no_sessions
fwctl set max-sessions 2
# The first two run for 5 s, long enough to be seen offloaded together on
# a loaded host; the third runs on after they end and age.
for p in 2001 2002; do
	ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 $p 250 "$(slowf 0.02)" 100 >"$tmp/c$p" &
done
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 2003 750 "$(slowf 0.02)" 100 >"$tmp/c2003" &
client=$!
check "with max-sessions 2, two of three offloaded" wait_for 4 bash -c \
	"[ \$(ip netns exec ito-fw '$ITOCTL' -j flow show | jq '[.[]|select(.state==\"offloaded\")]|length') = 2 ]"
check "never more than two" \
	test "$(fwctl -j flow show | jq '[.[]|select(.state=="offloaded")]|length')" -le 2
check "the third waits, counted as table full" \
	test "$(counter offload_refused_table_full)" -gt 0
# Nothing changes while it waits: no round runs, none is counted (a timer
# that retried every flow would count ten a second).
full=$(counter offload_refused_table_full)
sleep 1
check "a full table is not polled (table_full stays at $full)" \
	test "$(counter offload_refused_table_full)" = "$full"
check "the third is offloaded once one ages out" wait_for 15 is_state '.sport==2003' offloaded
wait $client
check "none of the three lost a datagram" \
	test "$(cat "$tmp/c2001") $(cat "$tmp/c2002") $(cat "$tmp/c2003")" = "250 250 750"

# --- min-rate and the offload switch --------------------------------------
wait_for 10 no_sessions
fwctl set max-sessions 500000 min-rate 95
# the pace is the rate min-rate judges: a slow kernel gets more datagrams,
# so that the flows outlive the checks made while they run
n2100=$((100 * ${ITO_TIME_SCALE:-1})) n2101=$((60 * ${ITO_TIME_SCALE:-1}))
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 2100 $n2100 0.1 100 >"$tmp/c2100" &
client=$!
sleep 3
check "a flow slower than min-rate waits (offload-pending)" is_state '.sport==2100' offload-pending
fwctl set min-rate 5
check "once min-rate allows, it is offloaded" wait_for 3 is_state '.sport==2100' offloaded
fwctl set offload no
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 2101 $n2101 0.05 100 >"$tmp/c2101" &
client2=$!
# a slow kernel takes its time to decide the flow: pending first, then
# still pending a second later
stays_pending()
{
	wait_for 5 is_state '.sport==2101' offload-pending && sleep 1 &&
		is_state '.sport==2101' offload-pending
}
check "offload no: a new flow stays pending" stays_pending
check "offload no: the offloaded flow stays offloaded" is_state '.sport==2100' offloaded
fwctl set offload yes
check "offload yes: the waiting flow is offloaded" wait_for 3 is_state '.sport==2101' offloaded
wait $client $client2
check "nothing lost meanwhile" test "$(cat "$tmp/c2100") $(cat "$tmp/c2101")" = "$n2100 $n2101"
fwctl set min-rate 0

# --- A larger max-sessions grows the fast path table -----------------------
# The table reaches 524,288 sessions (500,000 rounded up to a power of
# two); 600,000 needs a larger one. Entries cannot move between tables:
# the sessions go back to the slow path, keep their verdict and are
# offloaded again, and the flows lose nothing.
wait_for 10 no_sessions
for p in 2011 2012; do
	ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 $p 300 "$(slowf 0.02)" 100 >"$tmp/c$p" &
	growers="${growers:-} $!"
done
both_offloaded() { [ "$(n_flows '(.sport==2011 or .sport==2012) and .state=="offloaded"')" = 2 ]; }
check "two sessions offloaded (max-sessions 500000)" wait_for 4 both_offloaded
ins0=$(counter flow_offload_session_insert)
fwctl set max-sessions 600000 >"$tmp/grow" 2>&1
check "max-sessions 600000: itoctl warns that the sessions were handed back" \
	grep -q "table grew, its sessions were handed back" "$tmp/grow"
check "both offloaded again, in the new table" wait_for 4 both_offloaded
check "two installs more" test $(( $(counter flow_offload_session_insert) - ins0 )) -ge 2
fwctl set max-sessions 500000 >"$tmp/shrink" 2>&1
check "back to 500000: the table keeps its reach, nothing handed back" \
	test ! -s "$tmp/shrink" -a "$(n_flows '(.sport==2011 or .sport==2012) and .state=="offloaded"')" = 2
# their flows stay in the flows table a larger max-flows leaves behind
fwctl set max-flows 2000000 >"$tmp/fraise" 2>&1
check "max-flows 2000000: the sessions stay offloaded, no warning" \
	test ! -s "$tmp/fraise" -a "$(n_flows '(.sport==2011 or .sport==2012) and .state=="offloaded"')" = 2
wait $growers
check "neither lost a datagram" test "$(cat "$tmp/c2011") $(cat "$tmp/c2012")" = "300 300"
fwctl set max-flows 1048576

# --- Admission order: fastest first ----------------------------------------
# Three flows become eligible while offload is off, slowest first (so a
# first-come order would be the reverse); with one install per second
# they must then go in order of their observed rates.
wait_for 10 no_sessions
fwctl set offload no max-update-rate 1
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 2201 400 "$(slowf 0.04)" 64 >/dev/null &
slow=$!
sleep 1
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 2202 800 "$(slowf 0.02)" 64 >/dev/null &
mid=$!
sleep 1
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 2203 1600 "$(slowf 0.01)" 64 >/dev/null &
fast=$!
sleep 2
order=
record_order()
{
	local p
	for p in 2203 2202 2201; do
		case " $order " in *" $p "*) continue ;; esac
		[ "$(state ".sport==$p")" = offloaded ] && order="$order $p"
	done
	[ "$(wc -w <<<"$order")" = 3 ]
}
fwctl set offload yes
wait_for 8 record_order
echo "# offloaded in the order:$order"
check "pending flows admitted fastest first" test "$order" = " 2203 2202 2201"
kill $slow $mid $fast 2>/dev/null
wait $slow $mid $fast 2>/dev/null
fwctl set max-update-rate 7000

# --- Admission: the update budget, 50 flows at 5 installs/s -----------------
wait_for 10 no_sessions
fwctl set max-update-rate 5
i0=$(counter flow_offload_session_insert)
# a round every 0.1 s (slower where the kernel is: the slow path carries
# 500 datagrams a second until the flows are in)
t0=$(date +%s%N)
ip netns exec ito-cli python3 "$ECHO" clients 10.0.2.2 7000 3000 50 130 "$(slowf 0.1)" >"$tmp/c3000" &
client=$!
sleep 4
early=$(( $(counter flow_offload_session_insert) - i0 ))
# whole seconds since the clients started, rounded up; the bucket held 5
secs=$(( ($(date +%s%N) - t0 + 999999999) / 1000000000 ))
check "$secs s after the start at most 5 + $secs x 5 installs, some ($early)" \
	test "$early" -le $((5 + secs * 5)) -a "$early" -gt 0
check "refusals counted as rate limit" test "$(counter offload_refused_rate_limit)" -gt 0
wait $client
check "all 50 offloaded in the end" test $(( $(counter flow_offload_session_insert) - i0 )) = 50
check "none of 6500 datagrams lost" test "$(cat "$tmp/c3000")" = 6500
fwctl set max-update-rate 7000

# --- VLAN: tag 100 at the client side, 200 at the server side ---------------
cli ip link add link c0 name c0.100 type vlan id 100
fw ip link add link f0 name f0.100 type vlan id 100
fw ip link add link f1 name f1.200 type vlan id 200
srv ip link add link s0 name s0.200 type vlan id 200
cli ip addr add 10.0.11.2/24 dev c0.100
fw ip addr add 10.0.11.1/24 dev f0.100
fw ip addr add 10.0.12.1/24 dev f1.200
srv ip addr add 10.0.12.2/24 dev s0.200
cli ip link set c0.100 up
fw ip link set f0.100 up
fw ip link set f1.200 up
srv ip link set s0.200 up
cli ip route add 10.0.12.0/24 via 10.0.11.1
cli ip route add 10.0.2.2/32 via 10.0.11.1	# the server's untagged side, via VLAN 100
# Replies must leave from the address asked: servers bound to it.
echo_server 7001 "$tmp/echo7001" 10.0.12.2
echo_server 7002 "$tmp/echo7002" 10.0.2.2
srv ip route add 10.0.11.0/24 via 10.0.12.1
fwctl port add f0.100
fwctl port add f1.200
ip netns exec ito-srv timeout "$(slow 30)" tcpdump -i s0 -e -nn -l udp >"$tmp/wire" 2>"$tmp/wire.err" &
wait_for 10 grep -q "listening on" "$tmp/wire.err"
ip netns exec ito-cli python3 "$ECHO" client 10.0.12.2 7001 4000 150 "$(slowf 0.02)" 100 >"$tmp/c4000" &
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7002 4001 150 "$(slowf 0.02)" 100 >"$tmp/c4001" &
check "VLAN 100 -> 200 flow offloaded" wait_for 4 is_state '.sport==4000' offloaded
check "VLAN 100 -> untagged flow offloaded" wait_for 4 is_state '.sport==4001' offloaded
wait_for 10 bash -c "[ -s '$tmp/c4000' ] && [ -s '$tmp/c4001' ]"
sleep 1
check "all echoed through both VLAN flows" test "$(cat "$tmp/c4000") $(cat "$tmp/c4001")" = "150 150"
check "the server's wire: 150 frames tagged 200 from 10.0.11.2" \
	test "$(grep -c 'vlan 200.*10.0.11.2.4000 > 10.0.12.2.7001' "$tmp/wire")" = 150
check "the server's wire: 150 untagged frames from 10.0.11.2 to 10.0.2.2" \
	test "$(grep '10.0.11.2.4001 > 10.0.2.2.7002' "$tmp/wire" | grep -vc vlan)" = 150

finish
