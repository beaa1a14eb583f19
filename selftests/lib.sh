# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the shell selftests. Source it; call plan N first.
#   check DESC CMD...      ok when CMD succeeds
#   check_fail DESC CMD... ok when CMD fails
# finish exits non-zero when any check failed or the plan was not met.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ITOCTL=${ITOCTL:-$TOP/userspace/itoctl/itoctl}
ITO_KO=${ITO_KO:-$TOP/kmod/ito.ko}

_n=0
_failed=0
_planned=0

plan()
{
	_planned=$1
	echo "TAP version 13"
	echo "1..$1"
}

_report()
{
	_n=$((_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

check()
{
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" != 0 ]; then
		echo "# command: $*"
		echo "# exit status: $rc"
		[ -z "$out" ] || sed 's/^/# /' <<<"$out"
	fi
	_report "$rc" "$desc"
}

check_fail()
{
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		printf '# unexpectedly succeeded: %s\n' "$*"
		_report 1 "$desc"
	else
		_report 0 "$desc"
	fi
}

# slow SECS: a time limit for work whose speed is the kernel's, scaled by
# ITO_TIME_SCALE where the kernel is many times slower (make check-debug)
slow() { echo $(($1 * ${ITO_TIME_SCALE:-1})); }
# slowf SECS: the same for a fraction of a second (a pace)
slowf() { awk -v s="$1" -v k="${ITO_TIME_SCALE:-1}" 'BEGIN { print s * k }'; }

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds, for
# SECONDS (times ITO_TIME_SCALE) worth of polls, and at most three times
# that long: on a debug kernel one poll of itoctl takes seconds, and a
# condition that never comes must not hold the suite for most of an hour
wait_for()
{
	local n=$(($1 * 5 * ${ITO_TIME_SCALE:-1}))
	local end=$((SECONDS + 3 * $1 * ${ITO_TIME_SCALE:-1} + 1))
	shift
	while [ $n -gt 0 ] && [ $SECONDS -le $end ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

skip()
{
	_n=$((_n + 1))
	echo "ok $_n - $1 # SKIP $2"
}

finish()
{
	if [ "$_n" != "$_planned" ]; then
		echo "# planned $_planned tests, ran $_n"
		exit 1
	fi
	[ "$_failed" = 0 ]
}
