#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every unit test suite (cmocka, TAP output) and the CLI checks, all of
# them even after a failure, then total the TAP results.
#
# usage: run.sh ITOCTL SUITE...

itoctl=$1
shift
log=$(mktemp)
out=$(mktemp)
trap 'rm -f "$log" "$out"' EXIT
status=0

for suite in "$@"; do
	CMOCKA_MESSAGE_OUTPUT=TAP "$suite" >"$out" 2>&1 || status=1
	cat "$out"
	cat "$out" >>"$log"
done
sh "$(dirname "$0")/cli.sh" "$itoctl" >"$out" 2>&1 || status=1
cat "$out"
cat "$out" >>"$log"

passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] || status=1
exit $status
