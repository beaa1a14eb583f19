#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# itod as built where nDPI is absent (make NDPI=no), in a copy of the tree:
# it builds, its policy and classification suites pass, and "itod -n"
# refuses an application match saying why. Prints TAP.
#
# usage: no_ndpi.sh (from userspace/)

top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0

check()
{
	what=$1
	shift
	n=$((n + 1))
	if "$@" >"$work/out" 2>&1; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		sed 's/^/#   /' "$work/out"
		failed=$((failed + 1))
	fi
}

mkdir -p "$work/src"
cp -r "$top/uapi" "$work/src/"
(cd "$top" && tar -cf - userspace) | tar -xf - -C "$work/src"
u=$work/src/userspace
# Objects and programs built with nDPI must not be reused.

make -s -C "$u" clean >/dev/null 2>&1
check "itod builds with NDPI=no" \
	make -s -C "$u" NDPI=no itod/itod tests/test_policy tests/test_classify
check "built without HAVE_NDPI" \
	sh -c "! nm '$u/itod/itod' | grep -q ndpi_"
check "policy suite without nDPI" "$u/tests/test_policy"
check "classification suite without nDPI" "$u/tests/test_classify"
printf 'offload proto tcp\noffload app tls\n' >"$work/app.conf"
refused()
{
	out=$("$u/itod/itod" -n -c "$work/app.conf" 2>&1)
	[ $? = 1 ] && [ "$out" = "itod: error: $work/app.conf:2: \"app\" cannot be used: itod was built without nDPI (libndpi-dev)" ] ||
		{ echo "got: $out"; return 1; }
}
check "itod -n refuses app, saying why" refused

echo "1..$n"
echo "# no_ndpi: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
