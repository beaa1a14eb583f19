#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Source NAT pools with persistent bindings (DIPP), with real traffic
# through the firewall namespace (topo.sh): one private address and port
# keeps one public pair for every destination, UDP and TCP apart; another
# private host gets another; a full pool leaves connections to the
# ruleset's NAT; bindings outlive their connections by the hold time and
# then free; bound connections are offloaded with their translation; bad
# pools are refused with the kernel's reason and change nothing. Runs
# inside the test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"

. "$here/flowlib.sh"

PEERS_NAT=$here/nat_peers.py

plan 41

modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
# a second server address: several destinations
ip -n ito-srv addr add 10.0.2.3/24 dev s0
# a second private host
ip -n ito-cli addr add 10.0.1.3/24 dev c0
# real checksums on the wire, verified by the receivers
cli ethtool -K c0 tx off rx off >/dev/null
srv ethtool -K s0 tx off rx off >/dev/null
fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout=2
fw sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=2
for t in fin_wait close_wait last_ack time_wait close; do
	fw sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_$t=2
done
check "ruleset loads (masquerade for what the pools leave)" fw nft -f - <<'NFT'
table ip nat {
	chain post {
		type nat hook postrouting priority 100;
		oif "f1" masquerade
	}
}
NFT
fwctl port add f0
fwctl port add f1
fwctl set min-rate 0 udp-ageing 2 tcp-ageing 2

pools() { fwctl -j nat pool show; }
bindings() { fwctl -j nat show; }
# binding PROTO ADDR PORT: that private pair's binding, or null
binding() { bindings | jq -c "[.[]|select(.proto==\"$1\" and .private==\"$2\" and .private_port==$3)][0]"; }
public_of() { binding "$@" | jq -r '"\(.public) \(.public_port)"'; }
# seen LOG: the distinct sources a server logged
seen() { awk '{ print $1, $2 }' "$1" | sort -u; }

# --- pools: what is refused, and that it changes nothing --------------------
check "pool 1 is added" fwctl nat pool add 1 private 10.0.1.0/24 public 192.0.2.1 ports 20000-20001 dev f1 hold "$(slow 10)"
before=$(pools)
check "pool 1 shows as given" \
	test "$(jq -c '.[0]|[.id, .private, .dev, .public_min, .port_min, .port_max, .slots, .bindings]' <<<"$before")" = '[1,"10.0.1.0/24","f1","192.0.2.1",20000,20001,2,0]'
refused_del()
{
	local out
	out=$(fwctl nat pool del "$2" 2>&1) && return 1
	grep -qF -- "$1" <<<"$out" || { echo "# got: $out"; return 1; }
}
refused()
{
	local want=$1 out
	shift
	out=$(fwctl nat pool add "$@" 2>&1) && return 1
	grep -qF -- "$want" <<<"$out" || { echo "# got: $out"; return 1; }
}
check "an IPv6 prefix is refused: IPv4 only" \
	refused "pools translate IPv4 only" 2 private fd00:1::/64 public 192.0.2.9
check "an IPv6 public address is refused" \
	refused "pools translate IPv4 only" 2 private 10.0.9.0/24 public fd00:2::9
check "public pairs overlapping pool 1's are refused" \
	refused "overlap another pool's" 2 private 10.0.9.0/24 public 192.0.2.1 ports 20001-20005
check "a private prefix overlapping pool 1's on its egress is refused" \
	refused "private prefix overlaps another pool's" 2 private 10.0.1.128/25 public 192.0.2.9
check "an empty port range is refused" \
	refused "port range is empty" 2 private 10.0.9.0/24 public 192.0.2.9 ports 30000-29999
check "an empty address range is refused" \
	refused "address range is empty" 2 private 10.0.9.0/24 public 192.0.2.9-192.0.2.8
check "a prefix with host bits is refused" \
	refused "bits set beyond its length" 2 private 10.0.9.1/24 public 192.0.2.9
check "a second pool 1 is refused" \
	refused "a pool with this id exists" 1 private 10.0.9.0/24 public 192.0.2.9
check "a hold above a day is refused" \
	refused "at most 86400" 2 private 10.0.9.0/24 public 192.0.2.9 hold 86401
check "the refusals changed nothing" test "$(pools)" = "$before"
check "deleting a pool that is not there is refused" refused_del "no pool with this id" 9

# --- UDP: one private pair, three destinations, one public pair -------------
for d in 10.0.2.2:7000 10.0.2.2:7001 10.0.2.3:7000; do
	srv python3 "$ECHO" server "${d#*:}" "$tmp/srv-$d.log" "${d%:*}" &
done
udp_servers() { [ "$(srv ss -Hlun | grep -c ':700[01] ')" = 3 ]; }
wait_for 10 udp_servers
# conntrack's new entries, as it reports them (they live 2 s)
ip netns exec ito-fw conntrack -E -e NEW -p udp >"$tmp/ct-new" 2>/dev/null &
sleep 1
check "UDP 10.0.1.2:320 to three destinations: all echoed" \
	test "$(cli python3 "$PEERS_NAT" udp-client 10.0.1.2 320 3 10.0.2.2:7000 10.0.2.2:7001 10.0.2.3:7000)" = 9
pub=$(public_of udp 10.0.1.2 320)
check "it has a binding in pool 1 ($pub)" grep -Eq '^192\.0\.2\.1 2000[01]$' <<<"$pub"
check "every destination saw that one public pair" \
	test "$(cat "$tmp"/srv-*.log | awk '{ print $1, $2 }' | sort -u)" = "$pub"
check "the binding counts three connections" test "$(binding udp 10.0.1.2 320 | jq .total)" = 3
# ct_translated SRC SPORT PUB: new entries of that private pair whose
# replies go to the public pair
ct_translated()
{
	grep "src=$1 dst=[0-9.]* sport=$2 " "$tmp/ct-new" |
		grep -c "dst=${3% *} sport=[0-9]* dport=${3#* }\b"
}
check "conntrack shows the translation" test "$(ct_translated 10.0.1.2 320 "$pub")" = 3

# --- a second private host gets the other pair; a third pair finds no room --
check "UDP 10.0.1.3:320: echoed" \
	test "$(cli python3 "$PEERS_NAT" udp-client 10.0.1.3 320 1 10.0.2.2:7000)" = 1
pub2=$(public_of udp 10.0.1.3 320)
last_seen() { tail -n 1 "$tmp/srv-$1.log" | awk '{ print $1, $2 }'; }
check "another private host, another public pair ($pub2)" \
	bash -c "[ '${pub2% *}' = 192.0.2.1 ] && [ '$pub2' != '$pub' ] && [ '$(last_seen 10.0.2.2:7000)' = '$pub2' ]"
x0=$(counter nat_pool_exhausted)
check "UDP 10.0.1.2:321 with the pool full: still echoed" \
	test "$(cli python3 "$PEERS_NAT" udp-client 10.0.1.2 321 1 10.0.2.2:7000)" = 1
check "  counted as exhausted, in the counters and the pool" \
	test "$(counter nat_pool_exhausted)/$(pools | jq '.[0].exhausted')" = "$((x0 + 1))/1"
check "  left to the ruleset: masqueraded to 10.0.2.1" \
	test "$(last_seen 10.0.2.2:7000)" = "10.0.2.1 321"
check "  and the bindings are untouched" \
	test "$(public_of udp 10.0.1.2 320)/$(public_of udp 10.0.1.3 320)" = "$pub/$pub2"

# --- TCP: its own binding, the same pair for every destination --------------
: >"$tmp/tcp.log"
for a in 10.0.2.2 10.0.2.3; do
	srv python3 "$PEERS_NAT" tcp-server $a 5000 "$tmp/tcp.log" &
done
listening ito-srv tcp 5000
check "TCP 10.0.1.2:330 to two destinations: both echoed" \
	test "$(cli python3 "$PEERS_NAT" tcp-client 10.0.1.2 330 10.0.2.2:5000 10.0.2.3:5000)" = 2
tpub=$(public_of tcp 10.0.1.2 330)
check "it has a TCP binding ($tpub)" grep -Eq '^192\.0\.2\.1 2000[01]$' <<<"$tpub"
check "both destinations saw it" test "$(seen "$tmp/tcp.log")" = "$tpub"

# --- hold: the binding outlives its connections, then frees -----------------
idle() { [ "$(binding udp 10.0.1.2 320 | jq .sessions)" = 0 ]; }
check "the UDP connections end: the binding has none, and is kept" wait_for 20 idle
check "a new connection within the hold keeps the public pair" \
	test "$(cli python3 "$PEERS_NAT" udp-client 10.0.1.2 320 1 10.0.2.3:7000)/$(last_seen 10.0.2.3:7000)" = "1/$pub"
e0=$(counter nat_bindings_expired)
no_bindings() { [ "$(bindings | jq length)" = 0 ]; }
check "idle bindings free after the hold" wait_for "$(slow 40)" no_bindings
check "  counted as expired" test "$(counter nat_bindings_expired)" -ge $((e0 + 3))
check "  and the pool has room again" test "$(pools | jq '.[0].bindings')" = 0

# --- bound connections are offloaded with their translation -----------------
cat >"$tmp/itod.conf" <<CONF
default offload
CONF
start_itod
n0=$(wc -l <"$tmp/srv-10.0.2.2:7000.log")
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 340 200 "$(slowf 0.02)" 100 >"$tmp/c340" &
client=$!
check "a bound UDP connection is offloaded" wait_for 10 is_state '.sport==340' offloaded
in_fastpath() { [ "$(offload_pkts '.sport==340')" -gt 0 ]; }
check "  its session is in the fast path" wait_for 10 in_fastpath
opub=$(public_of udp 10.0.1.2 340)
wait $client
check "  every datagram came back (checksums verified by the receivers)" test "$(cat "$tmp/c340")" = 200
check "  the server saw only the binding's pair ($opub), 200 times" \
	test "$(tail -n +$((n0 + 1)) "$tmp/srv-10.0.2.2:7000.log" | awk '{ print $1, $2 }' | uniq -c | awk '{ print $1, $2, $3 }')" = "200 $opub"
stop_itod

# --- removing the pool ------------------------------------------------------
check "pool 1 is removed" fwctl nat pool del 1
check "its bindings are gone" test "$(bindings | jq length)" = 0
check "new connections go to the ruleset's NAT" \
	test "$(cli python3 "$PEERS_NAT" udp-client 10.0.1.2 350 1 10.0.2.2:7000)/$(last_seen 10.0.2.2:7000)" = "1/10.0.2.1 350"
check "no pool is left" test "$(pools | jq length)" = 0

finish
