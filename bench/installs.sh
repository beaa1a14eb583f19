#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Session install benchmark, host side: build ito and ito_sim for the guest
# kernel, boot it and run bench/installs-guest.sh (see bench/README).
#   bench/installs.sh [ROUNDS [NFLOWS]]     defaults: 3 rounds, 1000 flows
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
rounds=${1:-3}
nflows=${2:-1000}
kver=${ITO_KVER:-$(basename "$(ls -d /boot/vmlinuz-6.1.*-amd64 | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')}

scripts/deps.sh
echo "bench: building ito and ito_sim for $kver, itoctl and itod"
scripts/build-kmod.sh "$kver"
make -s -C userspace
mkdir -p build/bench
ko=$top/build/kmod-$kver/kmod
ITO_KVER=$kver selftests/vm/run.sh --mem 2048 --timeout $((300 + rounds * 240)) \
	--log build/bench/installs.log -- \
	env ITO_KO="$ko/ito.ko" ITO_SIM_KO="$ko/sim/ito_sim.ko" ROUNDS="$rounds" \
	NFLOWS="$nflows" bench/installs-guest.sh
