#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The hardware backend when the device fails: ito_sim's fault knobs make
# REPLACE, STATS and DESTROY fail every Nth call under real traffic.
#
#   [ito-cli] simwire0 ~~ simrep0 [ito-fw: ito.ko, itod] simrep1 ~~ simwire1 [ito-srv]
#   10.0.1.2/24                10.0.1.1 | 10.0.2.1               10.0.2.2/24
#
# ito must fall back (software, or the slow path), retry, count each
# failure once under its counter, lose no datagram and corrupt no byte,
# and leave no rule in the simulator once the flows are gone. Runs inside
# the test VM.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/topo.sh"
. "$here/flowlib.sh"

SEQ=$here/udp_seq.py

# delta NAME: how much ito's counter NAME grew since snapshot()
snapshot() { fwctl -j counters >"$tmp/c0"; cp "$SIM/stats" "$tmp/s0"; }
delta() { echo $(( $(counter "$1") - $(jq ".$1" "$tmp/c0") )); }
sim_delta() { echo $(( $(sim_stat "$1") - $(awk -v k="$1" '$1 == k {print $2}' "$tmp/s0") )); }

hwf_topo_up()
{
	local ns
	for ns in ito-cli ito-fw ito-srv; do
		ip netns add $ns
		ip -n $ns link set lo up
	done
	sim_pair 0 ito-fw ito-cli && sim_pair 1 ito-fw ito-srv &&
		sim_pair 2 ito-fw ito-cli || return 1
	cli ip addr add 10.0.1.2/24 dev simwire0
	fw ip addr add 10.0.1.1/24 dev simrep0
	fw ip addr add 10.0.2.1/24 dev simrep1
	srv ip addr add 10.0.2.2/24 dev simwire1
	cli ip route add 10.0.2.0/24 via 10.0.1.1
	srv ip route add default via 10.0.2.1
	fw sysctl -qw net.ipv4.ip_forward=1
}

plan 35

modprobe nf_nat
rmmod ito 2>/dev/null
rmmod ito_sim 2>/dev/null
check "ito_sim loads" insmod "$ITO_SIM_KO"
insmod "$ITO_KO" || exit 1
check "three simulated port pairs" hwf_topo_up

# --- a driver whose flow callbacks want RTNL is not bound -------------------
echo 1 >"$SIM/ft_rtnl"
rc=0
out=$(fwctl port add simrep2 offload hw 2>&1) || rc=$?
echo "# $out"
check "offload hw refused: the callbacks need RTNL, which ito cannot hold" \
	test "$rc" != 0 -a -n "$(grep RTNL <<<"$out")"
check "offload auto: the port runs in software" \
	bash -c "ip netns exec ito-fw '$ITOCTL' port add simrep2 && [ \"\$(ip netns exec ito-fw '$ITOCTL' -j port show | jq '.[]|select(.ifname==\"simrep2\")|.hw')\" = false ]"
check "no callback was made without RTNL" test "$(sim_stat rtnl_missing)" = 0
fwctl port del simrep2
echo 0 >"$SIM/ft_rtnl"

fwctl port add simrep0 offload auto
fwctl port add simrep1 offload auto
check "two ports bound, four TTL guards each" test "$(guard_rules)" = 8
fwctl set min-rate 0 tcp-ageing 2 udp-ageing 2
cat >"$tmp/itod.conf" <<CONF
default offload
CONF
start_itod
echo_server 7000 "$tmp/echo.log"
ip netns exec ito-srv timeout "$(slow 300)" socat -u TCP-LISTEN:5001,reuseaddr,fork \
	SYSTEM:"cat >$tmp/recv.\$\$" &
listening ito-srv tcp 5001
head -c 8000000 /dev/urandom >"$tmp/file"

# --- every 3rd REPLACE, 2nd STATS, 2nd DESTROY fails ------------------------
snapshot
echo 3 >"$SIM/fail_replace"
echo 2 >"$SIM/fail_stats"
echo 2 >"$SIM/fail_destroy"
check "TCP transfer under faults completes" cli timeout "$(slow 120)" socat -u OPEN:"$tmp/file" TCP:10.0.2.2:5001
# then 12 flows of 80 datagrams, 10 rounds a second: they outlive the 5 s
# after which a session that fell back to software tries the hardware
# again (apart from the transfer: a loaded test VM drops from its backlog)
ip netns exec ito-cli python3 "$SEQ" 10.0.2.2 7000 3000 12 80 0.1 >"$tmp/seq" &
seq=$!
wait $seq
echo "# $(cat "$tmp/seq")"
check "each numbered datagram echoed exactly once, none corrupt" \
	test "$(cat "$tmp/seq")" = "echoed 960 missing 0 duplicated 0 corrupt 0"
want=$(sha256sum <"$tmp/file" | awk '{print $1}')
check "file arrives intact (sha256)" wait_for 5 bash -c "[ \"\$(sha256sum $tmp/recv.* | awk '{print \$1}')\" = $want ]"
check "sessions ended, no session rule left (retried until it went)" wait_for 30 no_session_rules
check "no offloaded session left" wait_for 10 no_sessions
fwctl -j counters | jq -c '{flow_offload_add_msg_failed, flow_offload_verify_msg_failed,
	flow_offload_delete_msg_failed, flow_offload_grpc_fail, hw_session_insert,
	hw_fallback_sw, hw_promoted}' | sed 's/^/# /'
grep injected "$SIM/stats" | sed 's/^/# /'
check "REPLACE failed (injected $(sim_delta injected_replace))" test "$(sim_delta injected_replace)" -ge 1
check "STATS failed (injected $(sim_delta injected_stats))" test "$(sim_delta injected_stats)" -ge 1
check "DESTROY failed (injected $(sim_delta injected_destroy))" test "$(sim_delta injected_destroy)" -ge 1
check "each refused REPLACE counted once: flow_offload_add_msg_failed" \
	test "$(delta flow_offload_add_msg_failed)" = "$(sim_delta injected_replace)"
check "each failed STATS counted once: flow_offload_verify_msg_failed" \
	test "$(delta flow_offload_verify_msg_failed)" = "$(sim_delta injected_stats)"
check "each failed DESTROY counted once: flow_offload_delete_msg_failed" \
	test "$(delta flow_offload_delete_msg_failed)" = "$(sim_delta injected_destroy)"
check "flow_offload_grpc_fail: their sum" test "$(delta flow_offload_grpc_fail)" = \
	"$(( $(sim_delta injected_replace) + $(sim_delta injected_stats) + $(sim_delta injected_destroy) ))"
check "sessions refused by the device ran in software" test "$(delta hw_fallback_sw)" -ge 1
check "the others ran in hardware" test "$(delta hw_session_insert)" -ge 1
check "software sessions retried the hardware and moved there" test "$(delta hw_promoted)" -ge 1
check "the TTL guards are all that is left in the simulator" \
	test "$(grep -c . "$SIM/rules") $(guard_rules)" = "8 8"

# --- offload hw: a refused session waits on the slow path, retried --------
echo 0 >"$SIM/fail_replace"
echo 0 >"$SIM/fail_stats"
echo 0 >"$SIM/fail_destroy"
fwctl port del simrep0
fwctl port del simrep1
fwctl port add simrep0 offload hw
fwctl port add simrep1 offload hw
snapshot
echo 3 >"$SIM/fail_replace"
ip netns exec ito-cli python3 "$SEQ" 10.0.2.2 7000 3500 6 60 0.05 >"$tmp/seq" &
seq=$!
check "offload hw: all six sessions reach the hardware" wait_for 8 bash -c \
	"[ \"\$(ip netns exec ito-fw '$ITOCTL' -j counters | jq .hw_session_insert)\" -ge $(( $(jq .hw_session_insert "$tmp/c0") + 6 )) ]"
wait $seq
echo 0 >"$SIM/fail_replace"
echo "# $(cat "$tmp/seq")"
check "offload hw: each datagram echoed once (the slow path carried the waiting)" \
	test "$(cat "$tmp/seq")" = "echoed 360 missing 0 duplicated 0 corrupt 0"
check "offload hw: refused sessions counted, none ran in software" \
	test "$(delta flow_offload_add_session_fail)" -ge 1 -a "$(delta hw_fallback_sw)" = 0
check "offload hw: each refused REPLACE counted once ($(sim_delta injected_replace))" \
	test "$(delta flow_offload_add_msg_failed)" = "$(sim_delta injected_replace)"
check "offload hw: no session rule left once they end" wait_for 15 no_session_rules

# --- DESTROY always fails: kept until it works, forgotten at unbind --------
echo 0 >"$SIM/fail_replace"
echo 0 >"$SIM/fail_stats"
echo 1 >"$SIM/fail_destroy"
snapshot
ip netns exec ito-cli python3 "$SEQ" 10.0.2.2 7000 4000 2 40 0.05 >"$tmp/seq" &
seq=$!
check "two sessions in hardware" wait_for 5 bash -c \
	"[ \"\$(ip netns exec ito-fw '$ITOCTL' -j counters | jq .hw_active_session)\" = 2 ]"
wait $seq
check "their datagrams all echoed" test "$(cat "$tmp/seq")" = "echoed 80 missing 0 duplicated 0 corrupt 0"
check "the flows end" wait_for 10 no_sessions
sleep 3
check "their rules stay in the device, retried ($(delta flow_offload_delete_msg_failed) failures)" \
	test "$(session_rules)" = 4 -a "$(delta flow_offload_delete_msg_failed)" -ge 8
echo 0 >"$SIM/fail_destroy"
check "the device takes them once it can" wait_for 5 no_session_rules
echo 1 >"$SIM/fail_destroy"
ip netns exec ito-cli python3 "$SEQ" 10.0.2.2 7000 4100 1 60 0.05 >"$tmp/seq" &
seq=$!
wait_for 5 bash -c "[ \"\$(ip netns exec ito-fw '$ITOCTL' -j counters | jq .hw_active_session)\" = 1 ]"
wait $seq
wait_for 10 no_sessions
fwctl port del simrep0
echo 0 >"$SIM/fail_destroy"
# a device that refuses to unbind its flow table: ito asks twice, counts
# it once, says so and lets go of the callbacks; the port goes all the same
g0=$(counter flow_offload_grpc_fail)
echo 1 >"$SIM/fail_unbind"
fwctl port del simrep1
echo 0 >"$SIM/fail_unbind"
check "UNBIND refused ($(sim_stat injected_unbind) times): counted once, the port is gone" \
	test "$(sim_stat injected_unbind) $(( $(counter flow_offload_grpc_fail) - g0 )) $(fwctl -j port show | jq '[.[]|select(.ifname=="simrep1")]|length')" = "2 1 0"
check "and logged" bash -c "dmesg | grep -q 'simrep1 refused to unbind its flow table'"
check "ports left: what the device kept is forgotten, ito unloads cleanly" \
	bash -c "sleep 1; rmmod ito"
dmesg | grep -E 'kept a (rule|TTL guard)' | sed 's/^/# /'

finish
