#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# itoctl's command line as a user meets it: exit codes and messages that
# need no kernel module. Prints TAP.
#
# usage: cli.sh PATH_TO_ITOCTL

ITOCTL=${1:?usage: cli.sh PATH_TO_ITOCTL}
n=0
failed=0

# check NAME EXPECTED_EXIT EXPECTED_FIRST_LINE_OF_OUTPUT -- ARGS...
check()
{
	name=$1 want_rc=$2 want_line=$3
	shift 4
	out=$("$ITOCTL" "$@" 2>&1)
	rc=$?
	line=$(printf '%s\n' "$out" | head -n 1)
	n=$((n + 1))
	if [ "$rc" = "$want_rc" ] && [ "$line" = "$want_line" ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		echo "#   want exit $want_rc, \"$want_line\""
		echo "#   got  exit $rc, \"$line\""
		failed=$((failed + 1))
	fi
}

check "help option" 0 "Usage: itoctl [ OPTIONS ] show" -- -h
check "help word" 0 "Usage: itoctl [ OPTIONS ] show" -- help
check "long help" 0 "Usage: itoctl [ OPTIONS ] show" -- --help
check "version" 0 "itoctl 0.1.0 (netlink family \"ito\" version 1)" -- -V
check "no command" 2 "Usage: itoctl [ OPTIONS ] show" --
check "unknown command" 2 "What is \"shw\"?" -- shw
check "abbreviated command" 2 "What is \"sh\"?" -- sh
check "unknown option" 2 "What is \"-x\"?" -- -x show
check "abbreviated option" 2 "What is \"-js\"?" -- -js show
check "show takes no argument" 2 "What is \"all\"?" -- show all
check "set without setting" 2 "Error: \"set\" needs at least one setting" -- set
check "set unknown knob" 2 "What is \"min_pkts\"?" -- set min_pkts 8
check "set not a number" 2 "Error: argument of \"min-pkts\" must be an unsigned integer, not \"abc\"" -- set min-pkts abc
check "set negative" 2 "Error: argument of \"tcp-ageing\" must be an unsigned integer, not \"-1\"" -- set tcp-ageing -1
check "set overflow" 2 "Error: argument of \"max-sessions\" must be an unsigned integer up to 4294967295, not \"4294967296\"" -- set max-sessions 4294967296
check "set yes/no" 2 "Error: argument of \"offload\" must be \"yes\" or \"no\", not \"maybe\"" -- set offload maybe
check "set missing value" 2 "Error: argument of \"udp-ageing\" is missing" -- set min-pkts 8 udp-ageing
check "set twice" 2 "Error: duplicate \"min-pkts\": \"9\" is the second value" -- set min-pkts 8 min-pkts 9
check "counters unknown word" 2 "What is \"filter\"?" -- counters filter x
check "counters match missing" 2 "Error: argument of \"match\" is missing" -- -j counters match

# Without the module every command that reaches the kernel says so.
if ! grep -qw '^ito' /proc/modules 2>/dev/null; then
	missing="Error: the ito module is not loaded (generic netlink family \"ito\" not found)"
	check "show without module" 1 "$missing" -- show
	check "json show without module" 1 "$missing" -- -j show
	check "set without module" 1 "$missing" -- set offload no min-pkts 16
	check "counters without module" 1 "$missing" -- -p counters match rcv
fi

echo "1..$n"
echo "# cli: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
