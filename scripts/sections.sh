# SPDX-License-Identifier: GPL-2.0
# Sections of a test run, for scripts/check.sh and scripts/check-debug.sh
# (source it; needs $logdir). Each section prints TAP; the counts add up
# for the final "N passed, N failed, N skipped" line.

passed=0
failed=0
skipped=0

want()
{
	[ -z "${ITO_CHECK_ONLY:-}" ] || [[ " $ITO_CHECK_ONLY " == *" $1 "* ]]
}

# section NAME CMD...: run CMD, show its output, count its TAP lines. A
# command that fails without reporting a failed test counts as one failure.
section()
{
	local name=$1 log=$logdir/$1.log rc=0 p f s
	shift
	want "$name" || return 0
	echo "=== $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	s=$(grep -Ec '^ *ok .*# *(SKIP|skip)' "$log")
	p=$(grep -Ec '^ *ok ' "$log")
	f=$(grep -Ec '^ *not ok ' "$log")
	p=$((p - s))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "=== $name: $p passed, $f failed, $s skipped"
}

# single NAME CMD...: one test made of one command.
single()
{
	local out rc=0
	out=$("${@:2}" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		echo "ok - $1"
	else
		sed 's/^/# /' <<<"$out" | tail -n 40
		echo "not ok - $1 (exit $rc)"
	fi
}

