#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forwarding benchmark, host side: build ito for the guest kernel, itoctl
# and ito-xdpd, boot Debian's 6.1 kernel in a one-CPU VM and run
# bench/forward-guest.sh there (see bench/README).
#   bench/forward.sh [ROUNDS [SECS]]     defaults: 5 rounds, 4 s windows
# The output also goes to build/bench/forward.out (the full log, console
# and dmesg included, to build/bench/forward.log).
# Exit status: the guest's (non-zero when a variant could not be set up or
# did not take its path), or run.sh's (124 timeout, 125/126 kernel trouble).
set -eu -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
rounds=${1:-5}
secs=${2:-4}

kver=${ITO_KVER:-$(basename "$(ls -d /boot/vmlinuz-6.1.*-amd64 | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')}

build()
{
	scripts/deps.sh
	echo "bench: building ito for $kver, itoctl and ito-xdpd"
	scripts/build-kmod.sh "$kver"
	make -s -C userspace
}

# Boot, setup and teardown take about a minute under TCG; each round runs
# four floods of 1 + secs seconds plus their setups (~10 s each, D's more).
vm_timeout() { echo $((300 + rounds * 4 * (secs + 15))); }

build
mkdir -p build/bench
echo "bench: VM with 1 CPU (TCG software emulation), $rounds rounds of A B C D"
# --smp 1: sender, router and sink share the one CPU, so the router's cost
# per packet decides the rate and no cross-CPU queueing blurs it.
ITO_KVER=$kver selftests/vm/run.sh --smp 1 --timeout "$(vm_timeout)" \
	--log build/bench/forward.log -- \
	env ITO_KO="$top/build/kmod-$kver/kmod/ito.ko" ROUNDS="$rounds" SECS="$secs" \
	VARIANTS="${VARIANTS:-A B C D}" PERF="${PERF:-}" \
	bench/forward-guest.sh | tee build/bench/forward.out
