#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Extract the few files the build borrows from the kernel tree - kselftest
# headers and checkpatch - out of Debian's linux-source-6.1 package into
# build/ksrc/. They are build-time dependencies and never committed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dst=$top/build/ksrc
tarball=$(ls /usr/src/linux-source-6.1*.tar.xz 2>/dev/null | head -n 1)
[ -n "$tarball" ] || { echo "ksrc: linux-source-6.1 not installed (run 'make deps')" >&2; exit 1; }

stamp=$dst/.stamp
[ -f "$stamp" ] && [ "$stamp" -nt "$tarball" ] && exit 0

root=$(tar -tJf "$tarball" | head -n 1 | cut -d/ -f1)
rm -rf "$dst"
mkdir -p "$dst"
tar -xJf "$tarball" -C "$dst" --strip-components=1 \
	"$root/tools/testing/selftests/kselftest_harness.h" \
	"$root/tools/testing/selftests/kselftest.h" \
	"$root/scripts/checkpatch.pl" \
	"$root/scripts/spelling.txt" \
	"$root/scripts/const_structs.checkpatch"
touch "$stamp"
