#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: install what is needed, build, boot Debian's kernel in a VM
# and show ito working there (scripts/demo-guest.sh). Grows with the product.
#   scripts/demo.sh [--keep]
# --keep: after the demo, stay in the VM at a root shell (on this terminal)
# with everything still running; the VM powers off when the shell exits.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

keep=0
for arg in "$@"; do
	case "$arg" in
	--keep) keep=1 ;;
	-h | --help) sed -n '2,7s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--keep]" >&2; exit 2 ;;
	esac
done

scripts/deps.sh
kver=${ITO_KVER:-$(basename "$(ls -d /boot/vmlinuz-6.1.*-amd64 | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')}
echo "demo: building ito and ito_sim for $kver"
scripts/build-kmod.sh "$kver"
make -s -C userspace

vm=(--log build/demo.log)
# The demo ends by itself in a few minutes; with --keep the shell may stay
# as long as it is wanted.
[ "$keep" = 0 ] || vm+=(--interactive --timeout 86400)
echo "demo: booting the VM (software emulation; the demo takes 2-3 minutes)"
ITO_KVER=$kver selftests/vm/run.sh "${vm[@]}" -- \
	env ITO_KO="$top/build/kmod-$kver/kmod/ito.ko" \
	ITO_SIM_KO="$top/build/kmod-$kver/kmod/sim/ito_sim.ko" \
	ITO_DEMO_KEEP="$keep" scripts/demo-guest.sh
