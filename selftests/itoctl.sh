#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# itoctl against the loaded module: defaults, set, range errors, JSON,
# counters, permissions, namespaces, unload. Runs as root inside the test VM.
set -u
. "$(dirname "$0")/lib.sh"

json()	# json JQ_EXPR EXPECTED: itoctl -j show gives EXPECTED for JQ_EXPR
{
	[ "$("$ITOCTL" -j show | jq -r "$1")" = "$2" ]
}

stderr_has()	# stderr_has TEXT CMD...: CMD fails and says TEXT on stderr
{
	local text=$1 err
	shift
	if err=$("$@" 2>&1 >/dev/null); then
		return 1
	fi
	echo "$err"
	grep -qF -- "$text" <<<"$err"
}

loaded() { [ -d /sys/module/ito ]; }

plan 24

rmmod ito 2>/dev/null
check "insmod ito.ko" insmod "$ITO_KO"
check "module is live" loaded

out=$("$ITOCTL" show)
check "show: offload yes by default" grep -Eq '^ *offload *: *yes$' <<<"$out"
check "show: min-pkts 8" grep -Eq '^ *min-pkts *: *8( |$)' <<<"$out"
check "show -j: all defaults" json \
	'[.offload,.min_pkts,.min_rate,.tcp_ageing,.udp_ageing,.max_sessions,.max_update_rate]|map(tostring)|join(",")' \
	"true,8,95,12,20,500000,7000"

check "set min-pkts 0 refused with the kernel's message" \
	stderr_has "min_pkts out of range [1, 1024]" "$ITOCTL" set min-pkts 0
check "min-pkts unchanged after refusal" json .min_pkts 8
check "set max-update-rate 0 refused" \
	stderr_has "max_update_rate out of range" "$ITOCTL" set max-update-rate 0
check "set with a non-number is a usage error" \
	bash -c "'$ITOCTL' set min-pkts abc 2>/dev/null; [ \$? = 2 ]"
check "set several knobs at once" \
	"$ITOCTL" set min-pkts 16 tcp-ageing 30 udp-ageing 40 max-sessions 10 max-update-rate 5 min-rate 0
check "values read back" json \
	'[.min_pkts,.tcp_ageing,.udp_ageing,.max_sessions,.max_update_rate,.min_rate]|map(tostring)|join(",")' \
	"16,30,40,10,5,0"
check "set offload no" "$ITOCTL" set offload no
check "offload reads back false" json .offload false

out=$("$ITOCTL" counters)
check "counters: the 18 flow_offload_* counters" \
	test "$(grep -c '^flow_offload_' <<<"$out")" = 18
check "counters match aged: exactly one" \
	test "$("$ITOCTL" counters match aged | grep -c .)" = 1
check "counters -j: same counters as text, all numbers" \
	test "$("$ITOCTL" -j counters | jq '[.[]|numbers]|length')" = "$(grep -c . <<<"$out")"

check "no CAP_NET_ADMIN: permission denied" \
	stderr_has "permission denied" setpriv --inh-caps=-net_admin --bounding-set=-net_admin "$ITOCTL" show
check "other user: permission denied" \
	stderr_has "permission denied" setpriv --reuid=65534 --regid=65534 --clear-groups "$ITOCTL" show

ip netns add ito-t1
check "new netns starts from defaults" \
	bash -c "[ \"\$(ip netns exec ito-t1 '$ITOCTL' -j show | jq .min_pkts)\" = 8 ]"
ip netns exec ito-t1 "$ITOCTL" set min-pkts 99 >/dev/null
check "netns change invisible outside" json .min_pkts 16
ip netns del ito-t1

churn()
{
	local i
	for i in $(seq 20); do
		ip netns add ito-c$i && ip netns exec ito-c$i "$ITOCTL" set min-pkts $i >/dev/null &&
			ip netns del ito-c$i || return 1
	done
}
check "20 namespaces created and destroyed while loaded" churn

ip netns add ito-keep
check "rmmod with a namespace alive" rmmod ito
check "itoctl says module not loaded" \
	stderr_has "not loaded" "$ITOCTL" show
ip netns del ito-keep
check "module gone" bash -c '! [ -d /sys/module/ito ]'

finish
