#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# itod's command line as a user meets it, without the ito module: help,
# version, --check on good and bad policies and settings, a foreground run
# that reloads on SIGHUP (keeping the old policy when the new one is
# broken) and stops on SIGTERM, and one as systemd would run it (notify
# socket, journal stream, statistics file). Prints TAP.
#
# usage: itod_cli.sh [PATH_TO_ITOD]

ITOD=${1:-${ITOD:-$(dirname "$0")/../itod/itod}}
dir=$(mktemp -d)
pid=
listener=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$listener" ] && kill "$listener" 2>/dev/null; rm -rf "$dir"' EXIT
n=0
failed=0

ok()
{
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok()
{
	n=$((n + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do
		echo "#   $line"
	done
	failed=$((failed + 1))
}

# check NAME EXPECTED_EXIT EXPECTED_OUTPUT -- ARGS... (stdout and stderr)
check()
{
	name=$1 want_rc=$2 want=$3
	shift 4
	out=$("$ITOD" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$out" = "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "want exit $want_rc, \"$want\"" \
			"got  exit $rc, \"$out\""
	fi
}

# wait_for FILE TEXT: up to 5 s for TEXT to appear in FILE
wait_for()
{
	i=0
	while [ $i -lt 50 ]; do
		grep -qF -- "$2" "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

cat >"$dir/good.conf" <<'CONF'
# lab policy
offload proto tcp dst 10.0.2.0/24 dport 5201
block   proto udp dport 9999
inspect src 2001:db8::/32
offload proto udp sport 1000-2000 iif lo
default inspect
CONF

check "version" 0 'itod 0.1.0 (netlink family "ito" version 1)' -- -V
out=$("$ITOD" -h 2>&1)
rc=$?
case "$out" in
"Usage: itod [ -c FILE ] [ -f ] [ -s ] [ -v ]"*)
	[ $rc = 0 ] && ok "help" || not_ok "help" "exit $rc" ;;
*)	not_ok "help" "got \"$out\"" ;;
esac
check "check a good policy" 0 "rule 1 (line 2): offload proto tcp dst 10.0.2.0/24 dport 5201
rule 2 (line 3): block proto udp dport 9999
rule 3 (line 4): inspect src 2001:db8::/32
rule 4 (line 5): offload proto udp sport 1000-2000 iif lo
default (line 6): inspect" -- -n -c "$dir/good.conf"
check "long --check and --config" 0 "rule 1 (line 2): offload proto tcp dst 10.0.2.0/24 dport 5201
rule 2 (line 3): block proto udp dport 9999
rule 3 (line 4): inspect src 2001:db8::/32
rule 4 (line 5): offload proto udp sport 1000-2000 iif lo
default (line 6): inspect" -- --check --config "$dir/good.conf"

printf 'offload proto tcp\n\nblock dport 9999 frob 1\n' >"$dir/bad.conf"
check "unknown keyword, with its line" 1 \
	"itod: error: $dir/bad.conf:3: unknown keyword \"frob\"" -- -n -c "$dir/bad.conf"
printf 'offload app http\n' >"$dir/app.conf"
if "$ITOD" -n -c "$dir/app.conf" >/dev/null 2>&1; then
	printf 'offload proto tcp\noffload app nosuchproto\n' >"$dir/app.conf"
	check "an unknown app, with its line" 1 \
		"itod: error: $dir/app.conf:2: unknown application \"nosuchproto\" (not in nDPI's list of protocols)" -- -n -c "$dir/app.conf"
	printf 'offload app TLS sni example.com\ninspect category web\nblock app bittorrent\n' >"$dir/app.conf"
	check "app, category and sni, as nDPI names them" 0 \
		"rule 1 (line 1): offload app TLS sni example.com
rule 2 (line 2): inspect category Web
rule 3 (line 3): block app BitTorrent
default (implicit): inspect" -- -n -c "$dir/app.conf"
else
	check "app is refused without nDPI" 1 \
		"itod: error: $dir/app.conf:1: \"app\" cannot be used: itod was built without nDPI (libndpi-dev)" -- -n -c "$dir/app.conf"
fi
printf 'block iif no-such-if0\n' >"$dir/iif.conf"
check "unknown interface" 1 \
	"itod: error: $dir/iif.conf:1: unknown interface \"no-such-if0\"" -- -n -c "$dir/iif.conf"
printf 'default block\ndefault offload\n' >"$dir/dup.conf"
check "duplicate default" 1 \
	"itod: error: $dir/dup.conf:2: duplicate \"default\" (the first is on line 1)" -- -n -c "$dir/dup.conf"
check "missing file" 1 \
	"itod: error: $dir/none.conf: No such file or directory" -- -n -c "$dir/none.conf"
printf '' >"$dir/empty.conf"
check "empty policy: default inspect" 0 "default (implicit): inspect" -- -n -c "$dir/empty.conf"
check "a receive buffer with a suffix" 0 "default (implicit): inspect" -- -b 64K -n -c "$dir/empty.conf"
for size in 1K 2G 12Q -5 x ""; do
	out=$("$ITOD" --rcvbuf "$size" -n -c "$dir/empty.conf" 2>&1)
	rc=$?
	case "$rc $out" in
	"2 itod: --rcvbuf: \"$size\" is not a size from 4K to 1G"*)
		ok "receive buffer \"$size\" refused" ;;
	*)	not_ok "receive buffer \"$size\" refused" "exit $rc, $out" ;;
	esac
done
out=$("$ITOD" -x 2>&1)
rc=$?
[ $rc = 2 ] && ok "unknown option: exit 2" || not_ok "unknown option: exit 2" "exit $rc"
out=$("$ITOD" -n -c "$dir/good.conf" extra 2>&1)
rc=$?
case "$out" in
'itod: What is "extra"?'*) [ $rc = 2 ] && ok "extra argument" || not_ok "extra argument" "exit $rc" ;;
*) not_ok "extra argument" "got \"$out\"" ;;
esac

# A foreground run: whether or not the module is there, signals work.
cp "$dir/good.conf" "$dir/run.conf"
"$ITOD" -f -c "$dir/run.conf" 2>"$dir/log" &
pid=$!
if wait_for "$dir/log" "started: 4 rules from $dir/run.conf, default inspect"; then
	ok "foreground start"
else
	not_ok "foreground start" "$(cat "$dir/log")"
fi
printf 'offload proto tcp\nblock proto bogus\n' >"$dir/run.conf"
kill -HUP $pid
if wait_for "$dir/log" "reload failed: keeping the current policy" &&
   grep -qF "$dir/run.conf:2: bad protocol \"bogus\"" "$dir/log"; then
	ok "SIGHUP with a broken policy keeps the old one"
else
	not_ok "SIGHUP with a broken policy keeps the old one" "$(cat "$dir/log")"
fi
printf 'offload proto tcp\ndefault block\n' >"$dir/run.conf"
kill -HUP $pid
if wait_for "$dir/log" "policy reloaded from $dir/run.conf: 1 rules, default block"; then
	ok "SIGHUP reloads"
else
	not_ok "SIGHUP reloads" "$(cat "$dir/log")"
fi
kill -TERM $pid
wait $pid
rc=$?
pid=
if [ $rc = 0 ] && grep -q "itod: stopped" "$dir/log"; then
	ok "SIGTERM stops with exit 0"
else
	not_ok "SIGTERM stops with exit 0" "exit $rc" "$(cat "$dir/log")"
fi

# "set" lines: the daemon's knobs, printed back by --check.
printf 'set log-rate 5\nset log-burst 50\nset stats-file none\nset stats-interval 2\noffload proto tcp\n' >"$dir/set.conf"
check "set lines are read and printed" 0 "rule 1 (line 5): offload proto tcp
set log-rate 5
set log-burst 50
set stats-file none
set stats-interval 2
default (implicit): inspect" -- -n -c "$dir/set.conf"
printf 'set log-rate fast\n' >"$dir/set.conf"
check "a bad setting, with its line" 1 \
	"itod: error: $dir/set.conf:1: bad value \"fast\" for \"log-rate\" (expected 0-1000000 lines a second)" -- -n -c "$dir/set.conf"
printf 'set frobs 1\n' >"$dir/set.conf"
check "an unknown setting" 1 \
	"itod: error: $dir/set.conf:1: unknown setting \"frobs\" (expected log-rate, log-burst, stats-file, stats-interval, classify-max, classify-packets or classify-timeout)" -- -n -c "$dir/set.conf"
printf 'set stats-file\n' >"$dir/set.conf"
check "a setting without a value" 1 \
	"itod: error: $dir/set.conf:1: \"set\" takes a name and a value" -- -n -c "$dir/set.conf"
out=$("$ITOD" --log-burst 0 -n -c "$dir/empty.conf" 2>&1)
rc=$?
[ "$rc $out" = "2 itod: bad value \"0\" for \"log-burst\" (expected 1-1000000 lines)" ] &&
	ok "--log-burst 0 refused" || not_ok "--log-burst 0 refused" "exit $rc, $out"
out=$("$ITOD" -S itod.prom -n -c "$dir/empty.conf" 2>&1)
rc=$?
[ "$rc $out" = "2 itod: \"stats-file\" must be an absolute path or \"none\", not \"itod.prom\"" ] &&
	ok "a relative -S refused" || not_ok "a relative -S refused" "exit $rc, $out"

# As systemd runs it, without the module (none on the build host): no
# READY=1 until registered, STATUS= says why, STOPPING=1 at SIGTERM;
# stderr is the journal's stream, so lines carry their priority; the
# statistics file, written at once and on SIGUSR1, goes at exit.
if lsmod 2>/dev/null | grep -q '^ito '; then
	ok "systemd protocol without the module # SKIP the ito module is loaded here"
else
	python3 "$(dirname "$0")/notify_listen.py" "$dir/notify" "$dir/notes" &
	listener=$!
	wait_for_socket() { i=0; while [ ! -S "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; }
	wait_for_socket "$dir/notify"
	cp "$dir/good.conf" "$dir/run.conf"
	: >"$dir/journal"
	NOTIFY_SOCKET=$dir/notify JOURNAL_STREAM=$(stat -c %d:%i "$dir/journal") \
		"$ITOD" -f -c "$dir/run.conf" -S "$dir/itod.prom" 2>>"$dir/journal" &
	pid=$!
	if wait_for "$dir/journal" "<4>warning: ito module not loaded: waiting for it" &&
	   wait_for "$dir/notes" "STATUS=waiting for the ito module (not registered)"; then
		ok "journal stream: a warning carries <4>; STATUS= says it waits"
	else
		not_ok "journal stream: a warning carries <4>; STATUS= says it waits" \
			"$(cat "$dir/journal")" "$(cat "$dir/notes")"
	fi
	if wait_for "$dir/itod.prom" "itod_registered 0" &&
	   [ "$(stat -c %a "$dir/itod.prom")" = 644 ]; then
		ok "the statistics file is written, 0644, not registered"
	else
		not_ok "the statistics file is written, 0644, not registered" "$(ls -l "$dir")"
	fi
	printf 'block proto bogus\n' >"$dir/run.conf"
	kill -HUP $pid
	if wait_for "$dir/journal" "<3>error: reload failed: keeping the current policy"; then
		ok "journal stream: an error carries <3>"
	else
		not_ok "journal stream: an error carries <3>" "$(cat "$dir/journal")"
	fi
	kill -USR1 $pid
	if wait_for "$dir/journal" "<6>statistics: not registered, 0 copies, 0 decisions" &&
	   wait_for "$dir/itod.prom" 'itod_policy_reloads_total{result="failed"} 1'; then
		ok "SIGUSR1: a summary line, and the failed reload counted in the file"
	else
		not_ok "SIGUSR1: a summary line, and the failed reload counted in the file" \
			"$(cat "$dir/journal")" "$(cat "$dir/itod.prom")"
	fi
	kill -TERM $pid
	wait $pid
	rc=$?
	pid=
	if [ $rc = 0 ] && wait_for "$dir/notes" "STOPPING=1" &&
	   ! grep -q "READY=1\|RELOADING=1" "$dir/notes"; then
		ok "STOPPING=1 at SIGTERM; never READY=1 (nor RELOADING=1) unregistered"
	else
		not_ok "STOPPING=1 at SIGTERM; never READY=1 (nor RELOADING=1) unregistered" \
			"exit $rc" "$(cat "$dir/notes")"
	fi
	if [ ! -e "$dir/itod.prom" ] && ! grep -q "itod: " "$dir/journal"; then
		ok "the statistics file goes at exit; no \"itod: \" prefix in the journal"
	else
		not_ok "the statistics file goes at exit; no \"itod: \" prefix in the journal" \
			"$(ls "$dir")" "$(cat "$dir/journal")"
	fi
	kill $listener
	wait $listener 2>/dev/null
	listener=
fi

echo "1..$n"
[ $failed = 0 ]
