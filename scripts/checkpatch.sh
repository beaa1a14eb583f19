#!/bin/sh
# Run checkpatch --strict (from linux-source-6.1, see scripts/ksrc.sh) over
# the kernel sources and the uapi header. Exits non-zero on any finding.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/ksrc.sh"
cd "$top"
files=$(git ls-files 'kmod/*.[ch]' 'uapi/*.h' 2>/dev/null || true)
[ -n "$files" ] || files=$(find kmod uapi -name "*.[ch]" ! -name "*.mod.c")
# --no-tree: we are not inside a kernel tree; spelling.txt is found beside
# the script.
exec perl build/ksrc/scripts/checkpatch.pl --no-tree --strict --quiet \
	--show-types --ignore FILE_PATH_CHANGES \
	-f $files
