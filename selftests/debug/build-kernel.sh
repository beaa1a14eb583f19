#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) the debug kernel that `make check-debug` boots: Debian's own
# linux-source-6.1 with KASAN, KFENCE, lockdep, kmemleak, UBSAN and friends,
# configured as x86_64 defconfig + kvm_guest.config + debug.config.
#
# The result is cached outside the clone, keyed by the source package's
# version and the hash of debug.config, so a second run (or a
# second clone) reuses it:
#
#   $ITO_DEBUG_CACHE/<key>/bzImage       the image qemu boots
#   $ITO_DEBUG_CACHE/<key>/obj           the build tree (KDIR for M= builds)
#   $ITO_DEBUG_CACHE/<key>/kernelrelease its uname -r
#   /lib/modules/<kernelrelease>         a link to its installed module tree
#                                        (modules.builtin, for modprobe)
#
# Prints "KDIR IMAGE KERNELRELEASE" on its last line of stdout; progress and
# the build log go to stderr and <key>/build.log.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fragment=$here/debug.config
cache=${ITO_DEBUG_CACHE:-/var/cache/ito-debug-kernel}
jobs=${ITO_DEBUG_JOBS:-$(nproc)}

say() { echo "debug-kernel: $*" >&2; }
die() { say "$*"; exit 1; }

tarball=$(ls /usr/src/linux-source-6.1*.tar.xz 2>/dev/null | head -n 1)
[[ -n $tarball ]] || die "linux-source-6.1 is not installed (run 'make deps')"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
key=$srcver-$(sha256sum <"$fragment" | cut -c1-12)
dir=$cache/$key

link_modules() {
	local rel
	rel=$(cat "$dir/kernelrelease")
	# The guest's modprobe reads the host's /lib/modules through 9p.
	if [[ $(readlink "/lib/modules/$rel" 2>/dev/null) != "$dir/modroot/lib/modules/$rel" ]]; then
		rm -rf "/lib/modules/$rel"
		ln -s "$dir/modroot/lib/modules/$rel" "/lib/modules/$rel"
	fi
	echo "$dir/obj $dir/bzImage $rel"
}

mkdir -p "$cache"
exec {lock}>"$cache/.lock"
flock "$lock"

if [[ -f $dir/done ]]; then
	say "cached: $dir ($(cat "$dir/build-seconds") s to build)"
	link_modules
	exit 0
fi

start=$SECONDS
rm -rf "$dir"
mkdir -p "$dir/obj"
log=$dir/build.log
say "building in $dir ($jobs jobs), log $log"

say "extracting $(basename "$tarball") ($srcver)"
mkdir -p "$dir/src"
tar -xJf "$tarball" -C "$dir/src" --strip-components=1

kmake() { make -C "$dir/src" O="$dir/obj" -j"$jobs" "$@" >>"$log" 2>&1; }

say "configuring: defconfig + kvm_guest.config + $(basename "$fragment")"
kmake defconfig
kmake kvm_guest.config
"$dir/src/scripts/kconfig/merge_config.sh" -m -O "$dir/obj" \
	"$dir/obj/.config" "$fragment" >>"$log" 2>&1
kmake olddefconfig

# Kconfig silently drops what a dependency forbids: every line of the
# fragment must have survived, or the "debug" kernel is not what it claims.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want=$line ;;
	"# CONFIG_"*" is not set") want=$line ;;
	*) continue ;;
	esac
	opt=${want#\# }
	opt=${opt%%[= ]*}
	if [[ $want == \#* ]]; then
		grep -q "^$opt=" "$dir/obj/.config" || continue
	else
		grep -qxF "$want" "$dir/obj/.config" && continue
	fi
	say "config: wanted '$want', got '$(grep -E "^(# )?$opt[= ]" "$dir/obj/.config" || echo absent)'"
	missing=1
done <"$fragment"
[[ $missing = 0 ]] || die "the configuration lost options of $(basename "$fragment")"

say "compiling (this is the long part; tail -f $log)"
kmake bzImage modules
kmake INSTALL_MOD_PATH="$dir/modroot" modules_install
make -s -C "$dir/src" O="$dir/obj" kernelrelease >"$dir/kernelrelease"
cp "$dir/obj/arch/x86/boot/bzImage" "$dir/bzImage"
echo $((SECONDS - start)) >"$dir/build-seconds"
touch "$dir/done"
say "built $(cat "$dir/kernelrelease") in $((SECONDS - start)) s"
link_modules
