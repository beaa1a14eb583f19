#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Metrics: ito's counters in Prometheus form, and itod's statistics,
# written by the commands of the shipped ito-metrics.service and served by
# Debian's node_exporter through its textfile collector: the served values
# are what itoctl reads and what itod decided. Runs as root inside the
# test VM.
set -u
here=$(dirname "$0")
. "$here/lib.sh"
. "$here/topo.sh"

NE=/usr/bin/prometheus-node-exporter
ITOD=${ITOD:-$TOP/userspace/itod/itod}
UNIT=$TOP/systemd/ito-metrics.service
PORT=19100
tmp=$(mktemp -d)
ne_pid=
itod_pid=
srv_pid=
trap '[ -z "$ne_pid" ] || kill "$ne_pid"; [ -z "$itod_pid" ] || kill "$itod_pid";
	[ -z "$srv_pid" ] || kill "$srv_pid"; topo_down; rm -rf "$tmp"' EXIT

# write_metrics: the unit's ExecStart lines, unescaped for sh, in order,
# with this build's itoctl, itod's statistics read from $tmp/run (for
# /run/ito), writing into $tmp/tf, in the firewall's namespace
write_metrics()
{
	local cmd
	cmd=$(sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'\$/\1/p" "$UNIT" |
		sed 's/\$\$/$/g' | sed "s|/usr/local/bin/itoctl|$ITOCTL|")
	[ "$(wc -l <<<"$cmd")" = 2 ] || return 1
	fw env ITO_PROM="$tmp/tf/ito.prom" ITOD_STATS="$tmp/run/itod.prom" \
		ITOD_PROM="$tmp/tf/itod.prom" sh -c "$cmd"
}

# served NAME_AND_LABELS: the value node_exporter serves for the sample
served() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/scrape"; }

# scrape: node_exporter's /metrics
scrape()
{
	fw python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
		"http://127.0.0.1:$PORT/metrics"
}
serving() { scrape >/dev/null 2>&1; }
counter() { fwctl -j counters | jq ".$1"; }

plan 16

modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
fwctl port add f0
fwctl port add f1
cli ping -c 3 -W 2 10.0.2.2 >/dev/null
mkdir "$tmp/tf" "$tmp/run"

# itod offloads 5 UDP flows and blocks 1; its statistics in $tmp/run.
printf 'offload proto udp dport 7000\nblock proto udp dport 9999\n' >"$tmp/itod.conf"
ip netns exec ito-fw "$ITOD" -f -c "$tmp/itod.conf" -S "$tmp/run/itod.prom" 2>"$tmp/itod.log" &
itod_pid=$!
itod_up() { grep -q "registered as the ito agent" "$tmp/itod.log"; }
check "itod registers, statistics to a file" wait_for 15 itod_up
srv socat -u UDP-RECV:7000,reuseaddr OPEN:/dev/null &
srv_pid=$!
wait_for 10 bash -c "ip netns exec ito-srv ss -Hlnu 'sport = :7000' | grep -q ."
cli python3 -c '
import socket
for sport, dport in [(2000 + i, 7000) for i in range(5)] + [(2100, 9999)]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", sport))
    s.sendto(b"x" * 64, ("10.0.2.2", dport))
'
decided() { [ "$(fwctl -j flow show | jq '[.[]|select(.verdict=="offload" or .verdict=="block")]|length')" = 6 ]; }
check "the module applied itod's 6 verdicts" wait_for 10 decided
kill -USR1 "$itod_pid"	# the file now, not within 5 s
wait_for 5 grep -q 'itod_decisions_total{verdict="offload"} 5' "$tmp/run/itod.prom"

check "the unit's command writes the textfile" write_metrics
check "... and leaves no temporary file" test ! -e "$tmp/tf/ito.prom.tmp"
fw "$NE" --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$tmp/tf" \
	--web.listen-address="127.0.0.1:$PORT" >"$tmp/ne.log" 2>&1 &
ne_pid=$!
check "node_exporter serves its metrics" wait_for 20 serving
scrape >"$tmp/scrape"
grep '^ito_flows_new_total\|^node_textfile' "$tmp/scrape" | sed 's/^/# /'
n=$(counter flows_new)
check "ito_flows_new_total of namespace ito-fw: the $n flows itoctl reads" \
	test "$n" -gt 0 -a "$(awk '$1 == "ito_flows_new_total{netns=\"ito-fw\"}" { print $2 }' "$tmp/scrape")" = "$n"
check "every counter is served, one sample each" \
	test "$(grep -c '^ito_' "$tmp/scrape")" = "$(fwctl -j counters | jq length)"
check "flows_active is a gauge, flows_new a counter" bash -c "
	grep -qx '# TYPE ito_flows_active gauge' '$tmp/scrape' &&
	grep -qx '# TYPE ito_flows_new_total counter' '$tmp/scrape'"
check "the textfile collector read it without error" \
	grep -qx 'node_textfile_scrape_error 0' "$tmp/scrape"
grep '^itod_decisions\|^itod_registered\|^itod_copies_received' "$tmp/scrape" | sed 's/^/# /'
check "itod's decisions served: 5 offload, 1 block, as sent" test \
	"$(served 'itod_decisions_total{verdict="offload"}') $(served 'itod_decisions_total{verdict="block"}')" = "5 1"
check "... its copies received, at least one a flow; registered" test \
	"$(served itod_copies_received_total)" -ge 6 -a "$(served itod_registered)" = 1
check "... typed as a counter, with help" bash -c "
	grep -qx '# TYPE itod_decisions_total counter' '$tmp/scrape' &&
	grep -q '^# HELP itod_decisions_total .' '$tmp/scrape'"

rmmod ito
unregistered() { grep -qx 'itod_registered 0' "$tmp/run/itod.prom"; }
wait_for 10 unregistered
check_fail "with the module gone the unit's command fails" write_metrics
scrape >"$tmp/scrape"
check "... and removed the file: no ito series any more" bash -c "
	test ! -e '$tmp/tf/ito.prom' && ! grep -q '^ito_' '$tmp/scrape'"
check "... itod's are still served: not registered, 5 offload decisions" test \
	"$(served itod_registered) $(served 'itod_decisions_total{verdict="offload"}')" = "0 5"
kill "$itod_pid"
wait "$itod_pid"
itod_pid=
write_metrics >/dev/null 2>&1	# fails: the counters are gone
scrape >"$tmp/scrape"
check "itod stopped: its file and series are gone" bash -c "
	test ! -e '$tmp/tf/itod.prom' && ! grep -q '^itod_' '$tmp/scrape'"
finish
