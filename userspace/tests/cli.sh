#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# itoctl's command line as a user meets it: exit codes and messages that
# need no kernel module. Prints TAP.
#
# usage: cli.sh PATH_TO_ITOCTL

ITOCTL=${1:?usage: cli.sh PATH_TO_ITOCTL}
n=0
failed=0

# tell NAME WANT_EXIT WANT GOT_EXIT GOT: one TAP line, and why it failed.
tell()
{
	n=$((n + 1))
	if [ "$4" = "$2" ] && [ "$5" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "#   want exit $2, \"$3\""
		echo "#   got  exit $4, \"$5\""
		failed=$((failed + 1))
	fi
}

# check NAME EXPECTED_EXIT EXPECTED_FIRST_LINE_OF_OUTPUT -- ARGS...
check()
{
	name=$1 want_rc=$2 want_line=$3
	shift 4
	out=$("$ITOCTL" "$@" 2>&1)
	rc=$?
	tell "$name" "$want_rc" "$want_line" "$rc" \
		"$(printf '%s\n' "$out" | head -n 1)"
}

# check_output NAME EXPECTED_EXIT EXPECTED_OUTPUT INPUT -- ARGS...: all of
# the output, exactly, of itoctl reading INPUT.
check_output()
{
	name=$1 want_rc=$2 want=$3 input=$4
	shift 5
	out=$(printf '%s' "$input" | "$ITOCTL" "$@" 2>&1)
	tell "$name" "$want_rc" "$want" "$?" "$out"
}

check "help option" 0 "Usage: itoctl [ OPTIONS ] show" -- -h
check "help word" 0 "Usage: itoctl [ OPTIONS ] show" -- help
check "long help" 0 "Usage: itoctl [ OPTIONS ] show" -- --help
# check_help NAME EXPECTED_LINE: a line of the help text, exactly.
check_help()
{
	n=$((n + 1))
	if "$ITOCTL" help 2>&1 | grep -qxF -- "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "#   no line \"$2\" in the help"
		failed=$((failed + 1))
	fi
}
check_help "help: port add offload" "                                   [ offload OFFLOAD ]"
check_help "help: offload words" "OFFLOAD := { auto | sw | hw | xdp }"
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
check "output format missing" 2 "Error: argument of \"-o\" is missing" -- -o
check "output format unknown" 2 "Error: argument of \"-o\" must be \"text\", \"json\" or \"prometheus\", not \"prom\"" -- -o prom counters
check "prometheus only for counters" 2 "Error: \"-o prometheus\" is an output of \"counters\" only, not of \"flow\"" -- -o prometheus flow show
check "prometheus counters unknown word" 2 "What is \"-o\"?" -- counters -o prometheus
check_help "help: output formats" "FORMAT := { text | json | prometheus }"
check "set default-verdict word" 2 "Error: argument of \"default-verdict\" must be \"offload\", \"inspect\" or \"block\", not \"inspect-all\"" -- set default-verdict inspect-all
check "set snaplen not a number" 2 "Error: argument of \"snaplen\" must be an unsigned integer, not \"64k\"" -- set snaplen 64k
check "set max-flows missing" 2 "Error: argument of \"max-flows\" is missing" -- set max-flows
check "set verdict-source unknown word" 2 "Error: argument of \"verdict-source\" must be one or more of \"agent\", \"ctmark\" and \"ctlabel\" joined by \",\", not \"nfmark\"" -- set verdict-source agent,nfmark
check "set verdict-source empty" 2 "Error: argument of \"verdict-source\" must be one or more of \"agent\", \"ctmark\" and \"ctlabel\" joined by \",\", not \"\"" -- set verdict-source ""
check "set ctmark-mask not a number" 2 "Error: argument of \"ctmark-mask\" must be an unsigned integer, decimal or hexadecimal after \"0x\", not \"0xfg\"" -- set ctmark-mask 0xfg
check "set ctmark-block overflow" 2 "Error: argument of \"ctmark-block\" must be an unsigned integer up to 0xffffffff, not \"0x100000000\"" -- set ctmark-block 0x100000000
check "set ctlabel-offloaded beyond 127" 2 "Error: argument of \"ctlabel-offloaded\" must be a label bit [0, 127] or \"none\", not \"128\"" -- set ctlabel-offloaded 128
check "set ctlabel-blocked word" 2 "Error: argument of \"ctlabel-blocked\" must be a label bit [0, 127] or \"none\", not \"off\"" -- set ctlabel-blocked off
check "set ctlabel-inspected missing" 2 "Error: argument of \"ctlabel-inspected\" is missing" -- set ctmark-inspect 0x4 ctlabel-inspected
check_help "help: verdict sources" "SOURCE := { agent | ctmark | ctlabel }"
check_help "help: label bits" "BIT := { 0..127 | none }"
check "port unknown verb" 2 "What is \"create\"?" -- port create eth0
check "port add without device" 2 "Error: \"port add\" needs a device" -- port add
check "port del without device" 2 "Error: \"port del\" needs a device" -- port del
check "port add bad mode" 2 "Error: argument of \"mode\" must be \"l3\" or \"vwire\", not \"bridge\"" -- port add lo mode bridge
check "port add vwire without peer" 2 "Error: \"mode vwire\" needs \"peer DEV\"" -- port add lo mode vwire
check "port add vlan too big" 2 "Error: argument of \"vlan\" must be an unsigned integer up to 65535, not \"70000\"" -- port add lo vlan 70000
check "port add vlan twice" 2 "Error: duplicate \"vlan\": \"2\" is the second value" -- port add lo vlan 1 vlan 2
check "port add bad offload" 2 "Error: argument of \"offload\" must be \"auto\", \"sw\", \"hw\" or \"xdp\", not \"bogus\"" -- port add lo offload bogus
check "port add offload missing" 2 "Error: argument of \"offload\" is missing" -- port add lo mode l3 offload
check "port add offload twice" 2 "Error: duplicate \"offload\": \"sw\" is the second value" -- port add lo offload hw offload sw
check "port del offload" 2 "What is \"offload\"?" -- port del lo offload sw
check "port add no such device" 1 "Error: no such device \"nosuchdev0\"" -- port add nosuchdev0
check "port add no such peer" 1 "Error: no such device \"nosuchdev1\"" -- port add lo mode vwire peer nosuchdev1
check "port show extra word" 2 "What is \"eth1\"?" -- port show lo eth1
check "flow unknown verb" 2 "What is \"list\"?" -- flow list
check "flow bad state" 2 "Error: argument of \"state\" must be \"inspecting\", \"slowpath\", \"blocked\", \"offload-pending\" or \"offloaded\", not \"active\"" -- flow show state active
check "flow show filter missing" 2 "Error: argument of \"dport\" is missing" -- flow show proto tcp dport
check "flow show bad proto" 2 "Error: argument of \"proto\" must be a protocol name such as \"tcp\" or a number up to 255, not \"tpc\"" -- flow show proto tpc
check "flow show bad src" 2 "Error: argument of \"src\" must be a prefix ADDR[/LEN], not \"10.0.0.0/40\"" -- flow show src 10.0.0.0/40
check "flow show filter twice" 2 "Error: duplicate \"src\": \"10.0.0.2\" is the second value" -- flow show src 10.0.0.1 src 10.0.0.2
check "flow show unknown filter" 2 "What is \"mark\"?" -- flow show mark 1
check "flow show no such iif" 1 "Error: no such device \"nosuchdev0\"" -- flow show iif nosuchdev0
check_help "help: flow filters" "FILTER := { state STATE | proto PROTO | src PREFIX | dst PREFIX |"
check "flow get without ID" 2 "Error: \"flow get\" needs a flow ID" -- flow get
check "flow get negative ID" 2 "Error: argument of \"get\" must be an unsigned integer, not \"-1\"" -- flow get -1
check "flow del junk ID" 2 "Error: argument of \"del\" must be an unsigned integer, not \"1x\"" -- flow del 1x
check "flow get ID overflow" 2 "Error: argument of \"get\" must be an unsigned integer up to 18446744073709551615, not \"18446744073709551616\"" -- flow get 18446744073709551616
check "flow verdict bad word" 2 "Error: argument of \"verdict\" must be \"offload\", \"inspect\", \"inspect-all\" or \"block\", not \"allow\"" -- flow verdict 3 allow
check "flow verdict missing" 2 "Error: argument of \"verdict\" is missing" -- flow verdict 3
check "flow flush extra word" 2 "What is \"now\"?" -- flow flush now
check "monitor extra word" 2 "What is \"flows\"?" -- monitor flows
check "monitor unknown event" 2 "What is \"start\"?" -- monitor new start
check "monitor -t after the command" 2 "What is \"-t\"?" -- monitor -t
check_help "help: monitor events" "EVENT := { new | verdict | end }"
check "nat unknown word" 2 "What is \"bindings\"?" -- nat bindings
check "nat show extra word" 2 "What is \"all\"?" -- nat show all
check "nat pool unknown verb" 2 "What is \"create\"?" -- nat pool create 1
check "nat pool add without ID" 2 "Error: \"nat pool add\" needs a pool ID" -- nat pool add
check "nat pool add ID 0" 2 "Error: argument of \"add\" must be a pool ID of 1 or more, not \"0\"" -- nat pool add 0 private 10.0.0.0/8 public 192.0.2.1
check "nat pool add without private" 2 "Error: \"nat pool add\" needs \"private PREFIX\"" -- nat pool add 1 public 192.0.2.1
check "nat pool add without public" 2 "Error: \"nat pool add\" needs \"public ADDR\"" -- nat pool add 1 private 10.0.0.0/8
check "nat pool add public twice" 2 "Error: duplicate \"public\": \"192.0.2.2\" is the second value" -- nat pool add 1 private 10.0.0.0/8 public 192.0.2.1 public 192.0.2.2
check "nat pool add bad prefix" 2 "Error: argument of \"private\" must be a prefix ADDR[/LEN], not \"10.0.0.0/33\"" -- nat pool add 1 private 10.0.0.0/33 public 192.0.2.1
check "nat pool add bad ports" 2 "Error: argument of \"ports\" must be N or MIN-MAX, unsigned integers up to 65535, not \"1024-70000\"" -- nat pool add 1 private 10.0.0.0/8 public 192.0.2.1 ports 1024-70000
check "nat pool add no such device" 1 "Error: no such device \"nosuchdev0\"" -- nat pool add 1 private 10.0.0.0/8 public 192.0.2.1 dev nosuchdev0
check "nat pool del without ID" 2 "Error: \"nat pool del\" needs a pool ID" -- nat pool del
check "nat pool del extra word" 2 "What is \"now\"?" -- nat pool del 1 now
check "nat pool show ID 0" 2 "Error: argument of \"show\" must be a pool ID of 1 or more, not \"0\"" -- nat pool show 0
check_help "help: nat pool add" "       itoctl [ OPTIONS ] nat pool add ID private PREFIX public ADDR[-ADDR]"
check "netns missing" 2 "Error: argument of \"-n\" is missing" -- -n
check "netns with a slash" 2 "Error: argument of \"-n\" must be a network namespace name, not \"../x\"" -- -n ../x show
check "netns dot dot" 2 "Error: argument of \"-n\" must be a network namespace name, not \"..\"" -- -netns .. show
check "no such netns" 1 "Error: cannot open network namespace \"nosuchns$$\": No such file or directory" -- -n nosuchns$$ show
not_number="Error: argument of \"min-pkts\" must be an unsigned integer, not \"abc\""
negative="Error: argument of \"tcp-ageing\" must be an unsigned integer, not \"-1\""
check_help "help: batch" "       itoctl [ OPTIONS ] [ -force ] -b[atch] FILE"
check "batch file missing" 2 "Error: argument of \"-batch\" is missing" -- -batch
check "batch and a command" 2 "What is \"show\"?" -- -batch - show
check "batch no such file" 1 "Error: cannot open batch file \"/nonexistent/x\": No such file or directory" -- -b /nonexistent/x
check_output "batch stops at the first failure" 1 "$not_number
Command failed -:3" "# comment

set min-pkts abc   # not a number
set tcp-ageing -1
" -- -batch -
check_output "batch -force goes on" 1 "$not_number
Command failed -:1
$negative
Command failed -:2" "set min-pkts abc
set tcp-ageing -1" -- -batch - -force
check_output "batch of blank lines" 0 "" "
  # nothing
" -- -batch -
# "apply FILE": the whole file is checked before the module is reached.
conf=$(mktemp)
check_help "help: apply" "       itoctl [ OPTIONS ] apply FILE [ watch ]"
check "apply needs a file" 2 "Error: \"apply\" needs a configuration file" -- apply
check "apply: watch or nothing after the file" 2 "What is \"x\"?" -- apply "$conf" x
check "apply: no such file" 1 "Error: cannot open configuration file \"/nonexistent/x\": No such file or directory" -- apply /nonexistent/x
printf 'set min-pkts 4\n# fine so far\nport del eth0\n' >"$conf"
check_output "apply: only set and port add lines" 2 "Error: only \"port add\" belongs in a configuration file
$conf:3: bad line, nothing of the file is applied" "" -- apply "$conf"
printf 'monitor\n' >"$conf"
check "apply: no other command" 2 "Error: \"monitor\" does not belong in a configuration file: only \"set\" and \"port add\" lines do" -- apply "$conf"
printf 'port add a0\nport add b0\nport add a0 offload sw\n' >"$conf"
check_output "apply: a device enrolled twice" 2 "Error: port \"a0\" is enrolled twice
$conf:3: bad line, nothing of the file is applied" "" -- apply "$conf"
printf 'port add abcdefghijklmnopq\n' >"$conf"
check "apply: a name too long for a device" 2 "Error: device name \"abcdefghijklmnopq\" is longer than 15 characters" -- apply "$conf"
printf 'set min-pkts 4 udp-ageing\n' >"$conf"
check "apply: a bad set line" 2 "Error: argument of \"udp-ageing\" is missing" -- apply "$conf"
check_help "help: options" "OPTIONS := { -j[son] | -p[retty] | -o[utput] FORMAT | -n[etns] NAME |"
check "no such netns, usage checked first" 2 "Error: argument of \"-o\" must be \"text\", \"json\" or \"prometheus\", not \"x\"" -- -n nosuchns$$ -o x show

# Without the module, in batch: each line meets it.
check_batch_without_module()
{
	check_output "batch stops without module" 1 "$missing
Command failed -:1" "show
flow show
" -- -j -batch -
	check_output "batch -force without module" 1 "$missing
Command failed -:2
$missing
Command failed -:3" "# two lines
show
flow show
" -- -force -batch -
}

# A device of this namespace that a new one lacks: its first but lo.
host_device()
{
	for d in /sys/class/net/*; do
		d=${d##*/}
		[ "$d" != lo ] && [ "$d" != '*' ] && echo "$d" && return
	done
}

# "-n NAME" of a namespace made for the test: itoctl runs inside it (the
# host's device is not there), and meets the same absent module.
check_in_netns()
{
	[ "$(id -u)" = 0 ] && command -v ip >/dev/null || return 0
	ns=itotest$$
	ip netns add "$ns" || return 0
	trap 'ip netns del "$ns"' EXIT
	check "show in a netns without module" 1 "$missing" -- -n "$ns" show
	check "counters in a netns without module" 1 "$missing" -- -n "$ns" -o prometheus counters
	dev=$(host_device)
	if [ -n "$dev" ]; then
		check "port add without module" 1 "$missing" -- port add "$dev"
		check "port add of a device the netns lacks" 1 "Error: no such device \"$dev\"" -- -n "$ns" port add "$dev"
	fi
	ip netns del "$ns"
	trap - EXIT
}

# Without the module every command that reaches the kernel says so.
if ! grep -qw '^ito' /proc/modules 2>/dev/null; then
	missing="Error: the ito module is not loaded (generic netlink family \"ito\" not found)"
	check "show without module" 1 "$missing" -- show
	check "json show without module" 1 "$missing" -- -j show
	check "set without module" 1 "$missing" -- set offload no min-pkts 16
	check "set conntrack verdicts without module" 1 "$missing" -- set verdict-source agent,ctmark ctmark-mask 0x3 ctmark-offload 1 ctlabel-offloaded 0 ctlabel-blocked none
	check "counters without module" 1 "$missing" -- -p counters match rcv
	check "port show without module" 1 "$missing" -- -j port show
	check "port add without module" 1 "$missing" -- port add lo mode l3 vlan 10
	check "port add offload without module" 1 "$missing" -- port add lo offload hw
	check "flow show without module" 1 "$missing" -- flow show state offloaded
	check "flow show filtered without module" 1 "$missing" -- -j flow show proto udp src 10.0.0.0/8 dst 2001:db8::1 sport 1 dport 53 iif lo verdict none
	check "flow verdict without module" 1 "$missing" -- flow verdict 1 block
	check "monitor without module" 1 "$missing" -- -j monitor
	check "monitor events without module" 1 "$missing" -- -t -j monitor end verdict
	check "nat show without module" 1 "$missing" -- -j nat
	check "nat pool show without module" 1 "$missing" -- nat pool show 1
	check "nat pool add without module" 1 "$missing" -- nat pool add 1 private 10.0.1.0/24 public 192.0.2.1-192.0.2.2 ports 1024-65535 dev lo hold 120
	check "nat pool add IPv6 without module" 1 "$missing" -- nat pool add 2 private fd00::/64 public 2001:db8::1
	check "nat pool del without module" 1 "$missing" -- nat pool del 1
	printf '# nothing yet\n\nset min-pkts 4\n' >"$conf"
	check "apply of a good file without module" 1 "$missing" -- apply "$conf"
	out=$(timeout 2 "$ITOCTL" apply "$conf" watch 2>&1)
	tell "apply watch without module waits for it" 124 "$missing
waiting for the module to apply $conf" "$?" "$out"
	check_in_netns
	check_batch_without_module
fi
rm -f "$conf"

echo "1..$n"
echo "# cli: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
