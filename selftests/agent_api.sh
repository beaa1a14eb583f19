#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# libito's agent API, through the example agent of the documentation
# (Documentation/examples/ito-agent-example.c, built against the installed
# library by selftests/Makefile): it registers, a UDP flow gets its offload
# verdict and a TCP flow its inspect verdict, a second agent is refused
# meanwhile, and on SIGTERM it unregisters and exits 0, so that another
# agent may register. Runs inside the test VM.
set -u
here=$(dirname "$0")
. "$here/lib.sh"
. "$here/topo.sh"
. "$here/flowlib.sh"

EXAMPLE=$TOP/build/selftests/ito-agent-example
arch=$(cc -print-multiarch 2>/dev/null)
EXAMPLE_LIB=$TOP/build/selftests/libito-stage/usr/lib${arch:+/$arch}
example_pid=

# start_example: the example agent in the firewall's namespace, its output
# in $tmp/example.log; returns once it registered
start_example()
{
	LD_LIBRARY_PATH=$EXAMPLE_LIB ip netns exec ito-fw "$EXAMPLE" \
		>"$tmp/example.log" 2>&1 &
	example_pid=$!
	wait_for 10 grep -qx registered "$tmp/example.log"
}

cleanup_extra() { [ -z "$example_pid" ] || kill "$example_pid" 2>/dev/null; }

# example_said REGEX: a line of the example's output matches
example_said() { grep -Eq "$1" "$tmp/example.log"; }

plan 13

[ -x "$EXAMPLE" ] || make -s -C "$TOP/selftests" "$EXAMPLE" >/dev/null
modprobe nf_nat
rmmod ito 2>/dev/null
insmod "$ITO_KO" || exit 1
topo_up
fwctl port add f0
fwctl port add f1
fwctl set min-rate 0	# a slow guest's flows are offloaded all the same

start_example
check "the example agent registers" grep -qx registered "$tmp/example.log"
check "it links the installed libito.so.1" \
	bash -c "LD_LIBRARY_PATH='$EXAMPLE_LIB' ldd '$EXAMPLE' | grep -q 'libito.so.1 => $EXAMPLE_LIB/'"
# second_refused: another agent started meanwhile is told "busy", exits 1
second_refused()
{
	local out rc=0

	out=$(LD_LIBRARY_PATH=$EXAMPLE_LIB fw timeout 10 "$EXAMPLE" 2>&1) || rc=$?
	echo "$out"
	[ "$rc" = 1 ] && [ "$out" = "cannot register as the ito agent: Device or resource busy" ]
}
check "a second agent is refused" second_refused

# UDP both ways, 200 datagrams 20 ms apart: offloaded while it runs.
udp='.proto=="udp" and .sport==1500'
verdict_is() { [ "$(flow "$1" | jq -r .verdict)" = "$2" ]; }
echo_server 7000 "$tmp/echo.log"
ip netns exec ito-cli python3 "$ECHO" client 10.0.2.2 7000 1500 200 "$(slowf 0.02)" 100 >"$tmp/c1500" &
client=$!
check "UDP flow: offloaded" wait_for 5 is_state "$udp" offloaded
check "UDP flow: offload, the example's verdict" verdict_is "$udp" offload
check "UDP flow: the verdict came from the agent" \
	test "$(flow "$udp" | jq -r .verdict_by)" = agent
echo "# $(flow "$udp")"
wait $client

tcp='.proto=="tcp" and .dport==8080'
srv socat -u TCP-LISTEN:8080,reuseaddr OPEN:/dev/null &
listening ito-srv tcp 8080
head -c 100000 /dev/urandom | cli socat -u - TCP:10.0.2.2:8080
check "TCP flow: inspect, the example's verdict" wait_for 5 verdict_is "$tcp" inspect
check "TCP flow: stays on the slow path" is_state "$tcp" slowpath
echo "# $(flow "$tcp")"
check "the example printed its decisions" \
	example_said '^flow [0-9]+ udp 10\.0\.1\.2:1500 -> 10\.0\.2\.2:7000: offload$'
check "... for TCP too" example_said '^flow [0-9]+ tcp 10\.0\.1\.2:[0-9]+ -> 10\.0\.2\.2:8080: inspect$'

kill -TERM "$example_pid"
wait "$example_pid"
rc=$?
example_pid=
sed 's/^/# example: /' "$tmp/example.log"
check "SIGTERM: the example exits 0" test "$rc" = 0
check "... after unregistering" example_said '^unregistered$'
start_example
check "another agent registers after it" grep -qx registered "$tmp/example.log"

finish
