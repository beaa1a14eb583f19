#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# itoctl's bash completion: what it offers for a few command lines.
# Prints TAP.
#
# usage: completion.sh [PATH_TO_SCRIPT]

. "${1:-$(dirname "$0")/../itoctl/itoctl.bash-completion}"
n=0
failed=0

# offers WANT WORD...: completing the last WORD offers exactly WANT
offers()
{
	local want=$1 got
	shift
	COMP_WORDS=(itoctl "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_itoctl
	got="${COMPREPLY[*]}"
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - itoctl $* -> $want"
	else
		echo "not ok $n - itoctl $* -> $want"
		echo "#   got: $got"
		failed=$((failed + 1))
	fi
}

offers "port" po
offers "flow" -j -n ns1 fl
offers "-netns" -ne
offers "text json prometheus" -o ""
offers "add del show" port ""
offers "lo" port add l
offers "mode vlan offload" port add lo ""
offers "auto sw hw xdp" port add lo offload ""
offers "yes no" set offload ""
offers "l3 vwire" port add lo mode ""
offers "peer" port add lo mode vwire ""
offers "state proto src dst sport dport iif verdict" flow show ""
offers "offload-pending offloaded" flow show state off
offers "" flow verdict ""
offers "inspect inspect-all" flow verdict 12 ins
offers "private public ports dev hold" nat pool add 1 ""
offers "new verdict end" monitor ""
offers "match" counters ""
offers "apply" app
offers "watch" apply /etc/ito/ito.conf ""
offers "" apply /etc/ito/ito.conf watch ""
echo "1..$n"
[ "$failed" = 0 ]
