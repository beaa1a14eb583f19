#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run checkpatch --strict (from linux-source-6.1, see scripts/ksrc.sh) over
# the kernel sources and the uapi header. Exits non-zero on any finding.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/ksrc.sh"
cd "$top"
files=$(find kmod uapi -name '*.[ch]' ! -name '*.mod.c' ! -name compat.h | sort)

# --no-tree: we are not inside a kernel tree; spelling.txt is found beside
# the script.
checkpatch()
{
	perl build/ksrc/scripts/checkpatch.pl --no-tree --strict --quiet \
		--show-types --ignore FILE_PATH_CHANGES "$@"
}

rc=0
checkpatch -f $files || rc=1
# compat.h exists to test kernel versions, which in-tree code must not do.
checkpatch --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	-f kmod/compat.h kmod/sim/compat.h || rc=1
exit $rc
