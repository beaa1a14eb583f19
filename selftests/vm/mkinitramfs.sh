#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the tiny initramfs used by run.sh: busybox-static, guest-init.sh as
# /init, and the modules needed to mount the host root over virtio-9p.
#
# usage: mkinitramfs.sh KVER OUTPUT
#
# The image is a plain (uncompressed) newc cpio: under TCG, decompressing even
# a small image in the guest costs more than the kernel reading 3 MB more.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUSYBOX=${ITO_VM_BUSYBOX:-/bin/busybox}
# Everything 9p-over-virtio-PCI needs; some are built in on some kernels.
MODULES=(virtio_pci 9pnet_virtio 9p)

die() { echo "mkinitramfs: $*" >&2; exit 1; }

usage() { echo "usage: $0 KVER OUTPUT" >&2; exit 2; }

check_busybox() {
	[[ -x $BUSYBOX ]] || die "$BUSYBOX missing (apt-get install busybox-static)"
	# A dynamic busybox would need the host's libc inside the initramfs.
	if LC_ALL=C ldd "$BUSYBOX" 2>&1 | grep -q '=>'; then
		die "$BUSYBOX is dynamically linked; install busybox-static"
	fi
}

# Print the module files to load, in load order, one per line. modprobe
# repeats shared dependencies once per requested module, hence the dedup;
# "builtin NAME" lines need nothing loaded. Module options from
# /etc/modprobe.d (extra words after the path) are dropped on purpose: the
# guest should not depend on host configuration for its 9p root.
module_files() {
	local kver=$1
	modprobe -S "$kver" --show-depends -a "${MODULES[@]}" |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

# Copy one module, decompressed: busybox insmod cannot be relied on to handle
# .xz/.zst, and older kernels cannot decompress modules themselves.
install_module() {
	local src=$1 dst=$2
	case "$src" in
	*.ko) cp "$src" "$dst" ;;
	*.ko.xz) xz -dc "$src" >"$dst" ;;
	*.ko.zst) zstd -qdc "$src" >"$dst" ;;
	*.ko.gz) gzip -dc "$src" >"$dst" ;;
	*) die "unknown module format: $src" ;;
	esac
}

populate() {
	local kver=$1 root=$2 n=0 src name
	mkdir -p "$root"/{bin,dev,proc,sys,newroot,modules}
	cp "$BUSYBOX" "$root/bin/busybox"
	install -m 0755 "$HERE/guest-init.sh" "$root/init"
	# The kernel opens /dev/console for init before anything is mounted.
	mknod -m 0600 "$root/dev/console" c 5 1
	mknod -m 0666 "$root/dev/null" c 1 3

	: >"$root/modules.list"
	while read -r src; do
		n=$((n + 1))
		name=$(basename "$src")
		name=$(printf '%02d-%s.ko' "$n" "${name%%.ko*}")
		install_module "$src" "$root/modules/$name"
		echo "$name" >>"$root/modules.list"
	done < <(module_files "$kver")
}

main() {
	[[ $# -eq 2 ]] || usage
	local kver=$1 out=$2 stage
	[[ -d /lib/modules/$kver ]] || die "no /lib/modules/$kver"
	check_busybox
	# Fail early (and visibly) instead of building an image without modules.
	module_files "$kver" >/dev/null || die "modprobe -S $kver --show-depends failed"

	stage=$(mktemp -d "${TMPDIR:-/tmp}/ito-initramfs.XXXXXX")
	# shellcheck disable=SC2064  # expand now: $stage is local
	trap "rm -rf '$stage'" EXIT
	populate "$kver" "$stage/root"

	# Write next to the target and rename: concurrent readers never see a
	# half-written image.
	mkdir -p "$(dirname "$out")"
	(cd "$stage/root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner=0:0 --quiet) >"$out.tmp.$$"
	mv -f "$out.tmp.$$" "$out"
}

main "$@"
