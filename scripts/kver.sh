#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release to build for: the running kernel when its build
# tree is installed, else the newest installed 6.1 tree, else the newest.
set -eu
run=$(uname -r)
if [ -d "/lib/modules/$run/build" ]; then
	echo "$run"
	exit 0
fi
pick() {
	for d in /lib/modules/$1/build; do
		[ -d "$d" ] && basename "$(dirname "$d")"
	done | sort -V | tail -n 1
}
k=$(pick '6.1.*')
[ -n "$k" ] || k=$(pick '*')
[ -n "$k" ] || { echo "kver: no kernel build tree installed (run 'make deps')" >&2; exit 1; }
echo "$k"
