#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Persistent configuration: "itoctl apply FILE watch", the command of the
# shipped ito.service, with an ito.conf of knobs and ports. It applies the
# file, tells systemd when it is ready (a listener on NOTIFY_SOCKET stands
# in for systemd), enrols ports whose device appears later or is
# recreated, and on SIGHUP applies a changed file without touching the
# ports that stay, so their offloaded sessions go on. Runs as root inside
# the test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"
. "$here/flowlib.sh"

UNIT=$TOP/systemd/ito.service
watch_pid=
notify_pid=

cleanup_extra()
{
	[ -z "$watch_pid" ] || kill "$watch_pid" 2>/dev/null
	[ -z "$notify_pid" ] || kill "$notify_pid" 2>/dev/null
}

port() { fwctl -j port show | jq -c "[.[]|select(.ifname==\"$1\")][0]"; }
enrolled() { [ "$(port "$1")" != null ]; }
not_enrolled() { [ "$(port "$1")" = null ]; }
port_field() { port "$1" | jq -r ".$2"; }
knob() { fwctl -j show | jq -r ".$1"; }
# notified WORDS: the listener got a datagram with these lines, in order
notified() { grep -q "$1" "$tmp/notify"; }
n_ready() { grep -c '^READY=1$' "$tmp/notify"; }
said() { grep -q "$1" "$tmp/watch.out"; }

# The unit runs "itoctl apply /etc/ito/ito.conf watch": this test runs
# the same words with its own file.
unit_cmd()
{
	sed -n 's/^ExecStart=//p' "$UNIT" | sed "s|/usr/local/bin/itoctl|$ITOCTL|;s|/etc/ito/ito.conf|$tmp/ito.conf|"
}

plan 39

modprobe nf_nat
modprobe 8021q
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up

cat >"$tmp/ito.conf" <<'CONF'
# the test's ito.conf
set min-pkts 4 min-rate 0
set udp-ageing 20 default-verdict offload
port add f0 offload sw
port add f1
port add f1.100                 # created later
port add vw0 mode vwire peer vw1
port add vw1 mode vwire peer vw0
CONF

section "a bad file changes nothing"
printf 'set min-pkts 4\nport add f0\nport del f1\n' >"$tmp/bad.conf"
fw "$ITOCTL" apply "$tmp/bad.conf" >"$tmp/bad.out" 2>&1
check "a \"port del\" line is refused with exit 2" test $? = 2
check "... saying where" grep -q "bad.conf:3: bad line" "$tmp/bad.out"
check "... and nothing was applied" bash -c "
	[ \"\$(ip netns exec ito-fw '$ITOCTL' -j port show | jq length)\" = 0 ] &&
	[ \"\$(ip netns exec ito-fw '$ITOCTL' -j show | jq .min_pkts)\" != 4 ]"
fw bash -c "exec 2>'$tmp/journal'; JOURNAL_STREAM=\$(stat -c %d:%i '$tmp/journal') '$ITOCTL' apply '$tmp/bad.conf'"
check "errors to the journal carry priority <3>" grep -q '^<3>Error: only "port add"' "$tmp/journal"
fw "$ITOCTL" apply "$tmp/bad.conf" 2>"$tmp/plain"
check "... and not on a plain stderr" grep -q '^Error: only "port add"' "$tmp/plain"

section "the unit's command: first apply"
python3 - "$tmp/notify.sock" "$tmp/notify" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode() + "\n")
PY
notify_pid=$!
wait_for 10 test -S "$tmp/notify.sock"
touch "$tmp/notify"
cmd=$(unit_cmd)
echo "# $cmd"
# Not by fw(): a function run in the background is a subshell of its own,
# and the signals are for itoctl.
ip netns exec ito-fw env NOTIFY_SOCKET="$tmp/notify.sock" $cmd >"$tmp/watch.out" 2>&1 &
watch_pid=$!
check "READY=1 reaches the notify socket" wait_for 20 notified '^READY=1$'
check "... with a status: 2 enrolled, 3 waiting" \
	notified '^STATUS=2 ports enrolled, 3 waiting for their device, 0 refused$'
check "the knobs are set" bash -c "[ \"\$(ip netns exec ito-fw '$ITOCTL' -j show | jq -c '[.min_pkts, .udp_ageing, .default_verdict]')\" = '[4,20,\"offload\"]' ]"
check "f0 is a port with offload sw" test "$(port_field f0 offload)" = sw
check "f1 is a port with offload auto" test "$(port_field f1 offload)" = auto
check "f1.100 is said to wait for its device" said 'port f1.100: waiting (no such device yet)'
sed 's/^/# /' "$tmp/watch.out"

section "devices that appear later"
fw ip link add link f1 name f1.100 type vlan id 100
check "a VLAN device created later is enrolled" wait_for 10 enrolled f1.100
check "... as the port of VLAN 100" test "$(port_field f1.100 vlan)" = 100
old=$(port_field f1.100 ifindex)
fw ip link del f1.100
check "deleted, it is no port any more" wait_for 10 not_enrolled f1.100
fw ip link add link f1 name f1.100 type vlan id 100
check "recreated, it is enrolled again" wait_for 10 enrolled f1.100
check "... by its new ifindex" test "$(port_field f1.100 ifindex)" != "$old"
fw ip link add vw0 type veth peer name vw1
check "a vwire pair created later: both ends enrolled" wait_for 10 bash -c "
	[ \"\$(ip netns exec ito-fw '$ITOCTL' -j port show | jq -c '[.[]|select(.mode==\"vwire\")]|length')\" = 2 ]"
check "... each with the other as its peer" \
	test "$(port_field vw0 peer)" = "$(fw cat /sys/class/net/vw1/ifindex)"
check "the status follows: 5 enrolled, 0 waiting" \
	wait_for 10 notified '^STATUS=5 ports enrolled, 0 waiting'
check "a device of no port line changes nothing" bash -c "
	ip -n ito-fw link add dummy7 type dummy &&
	sleep 1 && [ \"\$(ip netns exec ito-fw '$ITOCTL' -j port show | jq length)\" = 5 ]"

section "reload: the ports that stay keep their sessions"
echo "default offload" >"$tmp/itod.conf"
start_itod
echo_server 7000 "$tmp/echo.log"
udp_stream 41000
upid=$!
check "a UDP flow through f0 and f1 is offloaded" wait_for 30 offloaded '.sport==41000'
id=$(flow_id '.sport==41000')
pkts=$(offload_pkts '.sport==41000')
f0=$(port_field f0 ifindex)
cat >"$tmp/ito.conf" <<'CONF'
set min-pkts 4 min-rate 0
set udp-ageing 25 default-verdict offload
port add f0 offload sw
port add f1
port add f1.100 offload sw      # changed: re-enrolled
CONF
ready=$(n_ready)
kill -HUP "$watch_pid"
check "SIGHUP: RELOADING=1, then READY=1" wait_for 20 bash -c "
	[ \$(grep -c '^READY=1$' '$tmp/notify') -gt $ready ] && grep -q '^RELOADING=1$' '$tmp/notify'"
check "the changed knob is set" test "$(knob udp_ageing)" = 25
check "the vwire ports left the file: removed" wait_for 10 not_enrolled vw0
check "... both" not_enrolled vw1
check "f1.100's changed options are applied" test "$(port_field f1.100 offload)" = sw
check "f0 was left alone: same ifindex, still a port" test "$(port_field f0 ifindex)" = "$f0"
check "the offloaded flow goes on: same id, still offloaded, carrying" \
	wait_for 20 bash -c "
	f=\$(ip netns exec ito-fw '$ITOCTL' -j flow show | jq -c '[.[]|select(.sport==41000)][0]')
	[ \"\$(jq -r .id <<<\"\$f\")\" = '$id' ] && [ \"\$(jq -r .state <<<\"\$f\")\" = offloaded ] &&
	[ \"\$(jq -r '.offload_pkts // 0' <<<\"\$f\")\" -gt '$pkts' ]"
stop_client $upid
check "... and every datagram came back" all_echoed 41000

section "reload of a bad file"
cp "$tmp/ito.conf" "$tmp/good.conf"
printf 'set min-pkts 4\nport add f0 offload bogus\n' >"$tmp/ito.conf"
ready=$(n_ready)
kill -HUP "$watch_pid"
check "READY=1 again, the status says the reload failed" wait_for 20 bash -c "
	[ \$(grep -c '^READY=1$' '$tmp/notify') -gt $ready ] &&
	grep -q '^STATUS=reload failed' '$tmp/notify'"
check "... the error names the line" said 'ito.conf:2: bad line'
check "... and the ports stay" test "$(fwctl -j port show | jq length)" = 3

section "the module loaded again"
rmmod ito
check "module unloaded: no ito" bash -c "! grep -qw '^ito' /proc/modules"
insmod "$ITO_KO"
check "loaded again: the file's ports are enrolled again" \
	wait_for 20 bash -c "[ \"\$(ip netns exec ito-fw '$ITOCTL' -j port show | jq length)\" = 3 ]"
check "... and its knobs set" test "$(knob udp_ageing)" = 25
check "... as said in the output" said 'module loaded: applying'

section "stop"
kill -TERM "$watch_pid"
wait "$watch_pid"
check "SIGTERM: exit 0" test $? = 0
watch_pid=
check "... after STOPPING=1" notified '^STOPPING=1$'
check "... leaving the ports enrolled" test "$(fwctl -j port show | jq length)" = 3
finish
