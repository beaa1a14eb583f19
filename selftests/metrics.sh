#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Metrics: ito's counters in Prometheus form, written by the command of
# the shipped ito-metrics.service and served by Debian's node_exporter
# through its textfile collector. Runs as root inside the test VM.
set -u
here=$(dirname "$0")
. "$here/lib.sh"
. "$here/topo.sh"

NE=/usr/bin/prometheus-node-exporter
UNIT=$TOP/systemd/ito-metrics.service
PORT=19100
tmp=$(mktemp -d)
ne_pid=
trap '[ -z "$ne_pid" ] || kill "$ne_pid"; topo_down; rm -rf "$tmp"' EXIT

# write_metrics: the unit's ExecStart, unescaped for sh, with this build's
# itoctl, writing into $tmp/tf, in the firewall's namespace
write_metrics()
{
	local cmd
	cmd=$(sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'\$/\1/p" "$UNIT" |
		sed 's/\$\$/$/g' | sed "s|/usr/local/bin/itoctl|$ITOCTL|")
	[ -n "$cmd" ] || return 1
	fw env ITO_PROM="$tmp/tf/ito.prom" sh -c "$cmd"
}

# scrape: node_exporter's /metrics
scrape()
{
	fw python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
		"http://127.0.0.1:$PORT/metrics"
}
serving() { scrape >/dev/null 2>&1; }
counter() { fwctl -j counters | jq ".$1"; }

plan 9

modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
fwctl port add f0
fwctl port add f1
cli ping -c 3 -W 2 10.0.2.2 >/dev/null
mkdir "$tmp/tf"

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

rmmod ito
check_fail "with the module gone the unit's command fails" write_metrics
scrape >"$tmp/scrape"
check "... and removed the file: no ito series any more" bash -c "
	test ! -e '$tmp/tf/ito.prom' && ! grep -q '^ito_' '$tmp/scrape'"
finish
