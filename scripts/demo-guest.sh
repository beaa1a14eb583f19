#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the demo VM: a client, a firewall running ito + itod, a server.
# Four flows with four fates by policy; show what ito saw and decided and
# what the fast path carried, then check that the traffic did what the
# summary says (exit 1 otherwise).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ITOCTL=$top/userspace/itoctl/itoctl
ITOD=$top/userspace/itod/itod
ECHO=$top/selftests/udp_echo.py
. "$top/selftests/topo.sh"
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; topo_down' EXIT

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { echo "# $*"; "$@"; }

say "Loading ito and building client -- firewall -- server"
modprobe nf_conntrack
insmod "$ITO_KO"
topo_up
run fwctl port add f0
run fwctl port add f1
run fwctl show

say "The agent's policy (itod.conf)"
cat >"$tmp/itod.conf" <<CONF
offload proto tcp dport 5201      # bulk transfer
offload proto udp dport 7000      # a media stream (echoed back)
inspect proto tcp dport 8080      # web-like: keep watching
block   proto udp dport 9999      # not allowed
default inspect
CONF
cat "$tmp/itod.conf"
ip netns exec ito-fw "$ITOD" -f -c "$tmp/itod.conf" >"$tmp/itod.log" 2>&1 &
sleep 1

say "Traffic"
srv iperf3 -s -1 -D >/dev/null
ip netns exec ito-srv python3 "$ECHO" server 7000 "$tmp/udp7000" &
ip netns exec ito-srv python3 "$ECHO" server 9999 "$tmp/udp9999" &
srv socat -u TCP-LISTEN:8080,reuseaddr OPEN:"$tmp/tcp8080",creat &
sleep 0.5
run cli iperf3 -c 10.0.2.2 -t 3 -i 0 | tail -n 4
# 400 datagrams, 200 per second: above min-rate (95/s)
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 40000 400 0.005 200 >"$tmp/echo7000" &
u1=$!
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 9999 40001 50 0.02 200 >"$tmp/echo9999" &
u2=$!
head -c 300000 /dev/urandom | cli socat -u - TCP:10.0.2.2:8080
wait $u1 $u2
sleep 0.5

say "The agent's decisions"
cat "$tmp/itod.log"
say "itoctl flow show"
fwctl flow show
say "itoctl counters (non-zero)"
fwctl -j counters | jq -r 'to_entries[]|select(.value>0)|"\(.key) \(.value)"' | column -t

say "Summary"
flows=$(fwctl -j flow show)
verdict() { jq -r "[.[]|select(.dport==$1)]|max_by(.offload_pkts)|.verdict" <<<"$flows"; }
fast() { jq "[.[]|select(.dport==$1)|.offload_pkts]|add" <<<"$flows"; }
total() { jq "[.[]|select(.dport==$1)|.pkts_orig + .pkts_reply]|add" <<<"$flows"; }
counter() { fwctl -j counters | jq ".$1"; }
printf '%-24s %s\n' "flows tracked" "$(jq length <<<"$flows")" \
	"copies to the agent" "$(counter copies_sent)" \
	"tcp/5201 (iperf3)" "$(verdict 5201): $(fast 5201) of $(total 5201) packets on the fast path" \
	"udp/7000 (stream)" "$(verdict 7000): $(fast 7000) of $(total 7000) packets on the fast path, $(cat "$tmp/echo7000") of 400 echoed" \
	"tcp/8080 (web-like)" "$(verdict 8080): $(stat -c %s "$tmp/tcp8080") of 300000 bytes arrived, all seen by the host" \
	"udp/9999 (forbidden)" "$(verdict 9999): $(wc -l <"$tmp/udp9999") of 50 datagrams arrived, $(counter blocked_pkts) dropped" \
	"never touched the stack" "$(jq '[.[].offload_bytes]|add' <<<"$flows") bytes"

ok=1
[ "$(verdict 5201)" = offload ] && [ "$(fast 5201)" -gt 1000 ] || ok=0
[ "$(verdict 7000)" = offload ] && [ "$(fast 7000)" -gt 100 ] && [ "$(cat "$tmp/echo7000")" = 400 ] || ok=0
[ "$(verdict 8080)" = inspect ] && [ "$(stat -c %s "$tmp/tcp8080")" = 300000 ] || ok=0
[ "$(verdict 9999)" = block ] && [ "$(wc -l <"$tmp/udp9999")" -lt 50 ] || ok=0
fwctl flow flush
[ "$ok" = 1 ] && echo "demo: everything happened as the policy says" && exit 0
echo "demo: the traffic did not match the policy" >&2
exit 1
