#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the module for one kernel release in its own copy of the sources,
# so builds for several kernels never share objects.
#   scripts/build-kmod.sh KVER [extra kbuild args, e.g. C=2]
# Leaves build/kmod-KVER/kmod/*.ko and build/kmod-KVER/build.log; fails on
# any compiler or sparse warning.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
kver=$1
shift
kdir=/lib/modules/$kver/build
[ -d "$kdir" ] || { echo "build-kmod: no build tree for $kver at $kdir" >&2; exit 1; }

out=$top/build/kmod-$kver
# A fresh tree each time: incremental external-module builds have kept a
# stale symbol-version table here once (a symbol the module had stopped
# using and used again), and a build takes seconds.
rm -rf "$out"
mkdir -p "$out"
cp -a "$top/Kbuild" "$top/uapi" "$out/"
mkdir -p "$out/kmod"
(cd "$top/kmod" && find . -type f \( -name '*.[ch]' -o -name Kbuild \) |
	cpio -pdmu --quiet "$out/kmod")

log=$out/build.log
if ! make -C "$kdir" M="$out" "$@" modules >"$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
if grep -E 'warning:|error:' "$log" >&2; then
	echo "build-kmod: warnings building for $kver (see $log)" >&2
	exit 1
fi
