#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Self-test of selftests/vm/run.sh. Emits TAP version 13; exits 0 iff every
# test passed. Boots are the expensive part (5-20 s each under TCG), so each
# boot checks several things, and the timeout case (which mostly waits) runs in
# the background alongside the others, which also exercises parallel runs.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=$HERE/run.sh
PROJECT=$(cd "$HERE/../.." && pwd)
TIMEOUT_SEC=15
PLAN=18  # number of report calls below

work=$(mktemp -d "${TMPDIR:-/tmp}/ito-vm-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

n=0
failed=0

# report STATUS DESC [LOGFILE]: one TAP result, "ok" iff STATUS is 0; on
# failure the end of the run's log is shown as TAP diagnostics.
report() {
	local status=$1 desc=$2 log=${3:-}
	n=$((n + 1))
	if [[ $status -eq 0 ]]; then
		echo "ok $n - $desc"
		return
	fi
	failed=$((failed + 1))
	echo "not ok $n - $desc"
	if [[ -n $log && -f $log ]]; then
		tail -n 20 "$log" | tr -d '\r' | sed 's/^/# /'
	fi
}

# vm NAME [run.sh args...]: run the harness, leaving NAME.out (stdout),
# NAME.err (stderr), NAME.log, NAME.rc (exit status) and NAME.secs in $work.
vm() {
	local name=$1 rc=0 start=$SECONDS
	shift
	"$RUN" --log "$work/$name.log" "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	echo "$rc" >"$work/$name.rc"
	echo "$((SECONDS - start))" >"$work/$name.secs"
}

rc_of() { cat "$work/$1.rc"; }

# check DESC LOGFILE COMMAND...: report whether COMMAND succeeds.
check() {
	local desc=$1 log=$2 status=0
	shift 2
	"$@" >/dev/null 2>&1 || status=$?
	report "$status" "$desc" "$log"
}

echo "TAP version 13"
echo "1..$PLAN"

# No boot needed for the command line handling.
status=0; "$RUN" -h | grep -q '^usage:' || status=$?
report "$status" "-h prints usage"
status=0; "$RUN" --bogus -- true >/dev/null 2>&1 || status=$?
report "$([[ $status -eq 2 ]]; echo $?)" "unknown option exits 2 (got $status)"

# Starts first, finishes last: its guest mostly sleeps.
vm timeout --timeout "$TIMEOUT_SEC" -- sleep 600 &
timeout_job=$!

vm true -- true
check "'true' in the guest exits 0 (got $(rc_of true))" "$work/true.log" \
	test "$(rc_of true)" -eq 0
check "log has console, output and dmesg sections" "$work/true.log" \
	grep -q '===== ito-vm: guest dmesg =====' "$work/true.log"

# One string: run with bash -c. stderr must reach the host's stdout too.
# A "WARNING:" printed by the command itself is not a kernel problem: the
# status must still be 3, not 126.
# shellcheck disable=SC2016  # $PWD is expanded by the guest
vm status -- 'echo marker-XYZ; echo "cwd=$PWD"; echo stderr-XYZ >&2
	echo "WARNING: printed by the command, not the kernel"; exit 3'
check "'exit 3' propagates status 3 (got $(rc_of status))" "$work/status.log" \
	test "$(rc_of status)" -eq 3
check "guest stdout reaches host stdout" "$work/status.log" \
	grep -qx marker-XYZ "$work/status.out"
check "guest stderr reaches host stdout" "$work/status.log" \
	grep -qx stderr-XYZ "$work/status.out"
check "guest cwd is the caller's cwd" "$work/status.log" \
	grep -qx "cwd=$PWD" "$work/status.out"
check "command output is in the log" "$work/status.log" \
	grep -qx marker-XYZ "$work/status.log"

# A stock kernel offers no clean way to provoke a real WARN() from user space,
# so a fake "WARNING:" line is logged through /dev/kmsg: it lands in the kernel
# log exactly like a real one and exercises the log scan. (A real WARN would
# panic via panic_on_warn=1 and be caught as a missing status, tested below.)
# Several words: exec'd as argv rather than through bash -c.
vm warn -- /bin/sh -c 'echo "WARNING: ito harness self-test" >/dev/kmsg'
check "kernel WARNING fails the run despite exit 0 (got $(rc_of warn))" "$work/warn.log" \
	test "$(rc_of warn)" -eq 126
check "offending kernel line is shown" "$work/warn.log" \
	grep -q 'WARNING: ito harness self-test' "$work/warn.err"
check "stdout of a passing run is only the command's output" "$work/true.log" \
	test ! -s "$work/true.out"

# selftests/kreport.sh charges a kernel report to the test that was
# running when it was logged, and only to that one.
vm kreport -- "TOP=$PROJECT; . $PROJECT/selftests/kreport.sh; kreport_init
	kreport_begin before; kreport_end
	kreport_begin during; echo 'KASAN: ito harness self-test' >/dev/kmsg; kreport_end
	kreport_begin after; kreport_end; exit 0"
check "a kernel report fails the test that was running" "$work/kreport.log" \
	grep -qx 'not ok - during: no kernel reports' "$work/kreport.out"
clean=$(grep -cE '^ok - (before|after): no kernel reports$' "$work/kreport.out")
check "the tests before and after it pass ($clean of 2)" "$work/kreport.log" \
	test "$clean" -eq 2
check "the report is quoted under the test's name" "$work/kreport.log" \
	grep -q '^#   .*KASAN: ito harness self-test' "$work/kreport.out"

vm crash -- 'echo c >/proc/sysrq-trigger'
check "kernel panic (no guest status) exits 125 (got $(rc_of crash))" "$work/crash.log" \
	test "$(rc_of crash)" -eq 125

wait "$timeout_job"
elapsed=$(cat "$work/timeout.secs")
check "--timeout $TIMEOUT_SEC on 'sleep 600' exits 124 (got $(rc_of timeout))" "$work/timeout.log" \
	test "$(rc_of timeout)" -eq 124
check "timeout run ended soon after $TIMEOUT_SEC s (${elapsed} s)" "$work/timeout.log" \
	test "$elapsed" -lt $((TIMEOUT_SEC + 10))

echo "# $failed of $n failed"
if [[ $n -ne $PLAN ]]; then
	echo "# ran $n tests but planned $PLAN"
	exit 1
fi
[[ $failed -eq 0 ]]
