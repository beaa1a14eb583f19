#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DKMS packaging: dkms.conf and the module agree on the version, and
# `dkms add` + `dkms build` succeed for every installed Debian kernel's
# headers. Uses a private copy of the sources and removes it afterwards.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
kver_h=$(sed -n 's/^#define ITO_VERSION "\(.*\)"/\1/p' "$top/kmod/version.h")
# A version of its own, so an ito installed with `make dkms-install` is
# left alone.
tver=$ver+selftest
src=/usr/src/ito-$tver
n=0
fail=0

tap()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

cleanup()
{
	dkms remove -m ito -v "$tver" --all >/dev/null 2>&1
	rm -rf "$src"
}

kernels=$(ls -d /lib/modules/*/build 2>/dev/null | xargs -rn1 dirname | xargs -rn1 basename)
echo "TAP version 13"
echo "1..$((2 + $(wc -w <<<"$kernels")))"

[ -n "$ver" ] && [ "$ver" = "$kver_h" ]
tap $? "dkms.conf version ($ver) matches kmod/version.h ($kver_h)"

cleanup
mkdir -p "$src"
cp -a "$top/Kbuild" "$top/dkms.conf" "$top/kmod" "$top/uapi" "$src/"
# Only sources: objects from a local build must not leak into DKMS's copy.
find "$src" \( -name '*.o' -o -name '*.ko' -o -name '*.mod*' -o -name '.*.cmd' \
	-o -name Module.symvers -o -name modules.order \) -delete
sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$tver\"/" "$src/dkms.conf"
out=$(dkms add -m ito -v "$tver" 2>&1)
tap $? "dkms add ito/$tver" || true
[ "$fail" = 0 ] || echo "$out" | sed 's/^/# /'

for k in $kernels; do
	out=$(dkms build -m ito -v "$tver" -k "$k" 2>&1)
	rc=$?
	[ "$rc" = 0 ] || { echo "$out" | sed 's/^/# /'; cat /var/lib/dkms/ito/"$tver"/build/make.log 2>/dev/null | tail -20 | sed 's/^/# /'; }
	tap "$rc" "dkms build for $k"
done
cleanup
exit $fail
