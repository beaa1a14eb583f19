#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# itod as systemd runs it, tested directly (the VM has no systemd as PID
# 1): a small listener owns the NOTIFY_SOCKET and runs a check of the
# kernel's view when READY=1 arrives; stderr is a file given as the
# journal's stream (JOURNAL_STREAM), so lines carry "<N>" priorities.
#
#   - no READY=1 while the module is absent; READY=1 once the module is
#     loaded, when a second agent is already refused (the first registered)
#   - SIGHUP: RELOADING=1 then READY=1, for a good and a broken policy;
#     the error at <3>, the warning at <4>
#   - decisions counted in the statistics file (SIGUSR1) as the flows sent;
#     the decision log's rate limit and its summary
#   - SIGTERM: STOPPING=1, exit 0, the statistics file gone
#
# Runs as root inside the test VM.
set -u
here=$(dirname "$0")
. "$here/lib.sh"
. "$here/topo.sh"
. "$here/flowlib.sh"

LISTEN=$TOP/userspace/tests/notify_listen.py
listener=
cleanup_extra() { [ -z "$listener" ] || kill "$listener" 2>/dev/null; }

# udp_flows PORT N SPORT0: N flows of 3 datagrams each from ports SPORT0..
udp_flows()
{
	cli python3 -c '
import socket, sys, time
port, n, sport0 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
socks = []
for sport in range(sport0, sport0 + n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", sport))
    socks.append(s)
for i in range(3):
    for s in socks:
        s.sendto(b"x" * 64, ("10.0.2.2", port))
    time.sleep(0.02)
' "$@"
}

# notes: what the listener received, one message a line
notes() { cat "$tmp/notes"; }
has_note() { grep -qx -- "$1" "$tmp/notes"; }
n_notes() { grep -cx -- "$1" "$tmp/notes"; }
# logged TEXT: itod's stderr has a line starting with TEXT
logged() { grep -q "^$1" "$tmp/itod.log"; }
# prom NAME_AND_LABELS: the value of the sample in the statistics file
prom() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/run/itod.prom"; }
# reload_done N: the Nth READY=1 came after the Nth RELOADING=1
reload_done()
{
	awk -v n="$1" '/^RELOADING=1\|MONOTONIC_USEC=[0-9]+$/ { r++; if (r == n) after = 1; next }
		/^READY=1$/ && after { ok = 1 } END { exit !ok }' "$tmp/notes"
}

plan 16

modprobe nf_nat
rmmod ito 2>/dev/null
topo_up
mkdir "$tmp/run"
cat >"$tmp/itod.conf" <<CONF
set log-rate 0
set log-burst 3
set stats-interval 1
offload proto udp dport 7000
block proto udp dport 9999
default inspect
CONF

# The check at READY=1: a second agent is refused, so ours is registered.
ready_check="ip netns exec ito-fw timeout 3 $ITOD -f -c $tmp/itod.conf 2>&1 | grep -q 'another agent is registered'"
python3 "$LISTEN" "$tmp/notify" "$tmp/notes" "$ready_check" &
listener=$!
wait_for 5 test -S "$tmp/notify"
: >"$tmp/itod.log"
ip netns exec ito-fw env NOTIFY_SOCKET="$tmp/notify" \
	JOURNAL_STREAM="$(stat -c %d:%i "$tmp/itod.log")" \
	"$ITOD" -f -c "$tmp/itod.conf" -S "$tmp/run/itod.prom" 2>>"$tmp/itod.log" &
itod_pid=$!

check "without the module: a warning at <4>" wait_for 5 logged "<4>warning: ito module not loaded"
check "... STATUS= says it waits" wait_for 5 has_note "STATUS=waiting for the ito module (not registered)"
sleep 1
check_fail "... and no READY=1" has_note "READY=1"

insmod "$ITO_KO" || exit 1
fwctl port add f0
fwctl port add f1
check "module loaded: READY=1" wait_for 40 has_note "READY=1"
check "... once registered: a second agent was refused then" wait_for 10 has_note "ready-check: 0"
check "... the log said so first" logged "<6>registered as the ito agent"

# 12 flows the policy offloads, 2 it blocks.
srv socat -u UDP-RECV:7000,reuseaddr OPEN:/dev/null &
listening ito-srv udp 7000
udp_flows 7000 12 2000
udp_flows 9999 2 3000
decided() { [ "$(n_flows '.sport>=2000 and .sport<2012 and .verdict=="offload"')" = 12 ]; }
check "the 12 flows are offloaded by itod's verdicts" wait_for 10 decided
kill -USR1 "$itod_pid"
stats_match()
{
	[ "$(prom 'itod_decisions_total{verdict="offload"}')" = 12 ] &&
		[ "$(prom 'itod_decisions_total{verdict="block"}')" = 2 ] &&
		[ "$(prom itod_registered)" = 1 ]
}
check "SIGUSR1: the statistics file counts 12 offload, 2 block decisions, registered" \
	wait_for 5 stats_match
echo "# $(grep '^itod_decisions\|^itod_copies_received\|^itod_verdicts_sent' "$tmp/run/itod.prom" | tr '\n' ' ')"
check "... and a summary line for a human" \
	wait_for 5 logged "<6>statistics: registered, [0-9]* copies, 14 decisions (12 offload, 0 inspect, 0 inspect-all, 2 block)"
# log-burst 3, log-rate 0: 3 decision lines, then a summary within 10 s
summary() { logged "<6>suppressed 11 decision lines in the last [0-9]* s (14 decisions: 12 offload, 0 inspect, 0 inspect-all, 2 block)"; }
check "rate limit: 3 decision lines of 14" test "$(grep -c '^<6>flow [0-9]* udp' "$tmp/itod.log")" = 3
check "... and the summary of the 11 suppressed" wait_for 15 summary

# SIGHUP: RELOADING=1, then READY=1; the broken policy's error at <3>.
kill -HUP "$itod_pid"
check "SIGHUP: RELOADING=1 then READY=1" wait_for 5 reload_done 1
printf 'offload proto bogus\n' >>"$tmp/itod.conf"
kill -HUP "$itod_pid"
check "a broken policy: RELOADING=1 then READY=1 (the old one kept)" wait_for 5 reload_done 2
check "... its error at <3>" logged "<3>error: reload failed: keeping the current policy"
failed_reloads() { [ "$(prom 'itod_policy_reloads_total{result="failed"}')" = 1 ]; }
check "... counted as a failed reload" wait_for 5 failed_reloads

kill -TERM "$itod_pid"
wait "$itod_pid"
rc=$?
itod_pid=
wait_for 5 has_note STOPPING=1	# the listener may still be busy
check "SIGTERM: STOPPING=1, exit 0, statistics file removed" \
	test "$rc" = 0 -a "$(n_notes STOPPING=1)" = 1 -a ! -e "$tmp/run/itod.prom"
notes | sed 's/^/# notes: /'
finish
