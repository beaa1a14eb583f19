#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian packages ito-dkms and ito-tools (debian/), built
# with dpkg-buildpackage from a copy of the tree in build/deb/, so that
# objects of the tree's own builds cannot end up in them; then lintian over
# them, and any lintian error fails.
#
# Leaves build/deb/*.deb with their .changes and .buildinfo, build.log and
# lintian.log. As root, first installs what is missing of debian/control's
# Build-Depends and lintian.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
ver=$(sed -n '1s/^ito (\([^)]*\)).*/\1/p' "$top/debian/changelog")
src=$out/ito-${ver%-*}
export DEBIAN_FRONTEND=noninteractive

# apt_get CMD ARGS...: as root, quietly; refreshes the lists once on failure
apt_get()
{
	[ "$(id -u)" = 0 ] || { echo "deb: missing packages; as root, make deb installs them" >&2; return 1; }
	echo "deb: installing build dependencies"
	apt-get -qq "$@" >/dev/null 2>&1 ||
		{ apt-get -qq update >/dev/null 2>&1 || true; apt-get -qq "$@" >/dev/null; }
}

rm -rf "$out"
mkdir -p "$src"
# What git knows of the working tree, uncommitted edits included, and
# nothing it ignores (objects, build/). Without git (an unpacked tarball):
# all but build/.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ ! -e "$f" ] || printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -C "$src" -xf -
else
	tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$src" -xf -
fi

command -v dpkg-checkbuilddeps >/dev/null || apt_get install -y --no-install-recommends dpkg-dev
command -v lintian >/dev/null || apt_get install -y --no-install-recommends lintian
# `apt-get build-dep DIR` installs what DIR/debian/control asks for.
(cd "$src" && dpkg-checkbuilddeps >/dev/null 2>&1) ||
	apt_get build-dep -y --no-install-recommends "$src"

echo "deb: dpkg-buildpackage -b in ${src#"$top"/} (log: ${out#"$top"/}/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b -Jauto) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed" >&2
	exit 1
fi
ls "$out"/*.deb

# lintian exits 1 on an error (and says "E:"), not on warnings.
rc=0
lintian --fail-on error "$out"/ito_"$ver"_*.changes >"$out/lintian.log" 2>&1 || rc=$?
grep -v 'running with root privileges' "$out/lintian.log" || true
if [ "$rc" != 0 ]; then
	echo "deb: lintian found errors (exit $rc)" >&2
	exit 1
fi
echo "deb: lintian: $(grep -c '^E: ' "$out/lintian.log") errors, $(grep -c '^W: ' "$out/lintian.log") warnings"
