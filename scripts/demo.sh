#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: install what is needed, build, boot Debian's kernel in a VM
# and show ito working there (scripts/demo-guest.sh). Grows with the product.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/deps.sh
kver=${ITO_KVER:-$(basename "$(ls -d /boot/vmlinuz-6.1.*-amd64 | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')}
echo "demo: building ito for $kver"
scripts/build-kmod.sh "$kver"
make -s -C userspace

echo "demo: booting the VM (software emulation; about 30 s)"
ITO_KVER=$kver selftests/vm/run.sh --log build/demo.log -- \
	env ITO_KO="$top/build/kmod-$kver/kmod/ito.ko" scripts/demo-guest.sh
