#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forwarding benchmark, host side: build ito for the guest kernel, itoctl,
# ito-xdpd and bench/xdpflood, boot Debian's 6.12 (SOURCE=xdp) or 6.1
# kernel in a one-CPU VM and run bench/forward-guest.sh there (see
# bench/README).
#   bench/forward.sh [ROUNDS [SECS]]     defaults: 5 rounds, 4 s windows
#   env: SOURCE=xdp (default: XDP frames from bench/xdpflood, a NIC's
#        model) or SOURCE=pktgen (pktgen's skbs), VARIANTS, PERF
# The output also goes to build/bench/forward.out (the full log, console
# and dmesg included, to build/bench/forward.log).
# Exit status: the guest's (non-zero when a variant could not be set up or
# did not take its path), or run.sh's (124 timeout, 125/126 kernel trouble).
set -eu -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
rounds=${1:-5}
secs=${2:-4}

# The guest kernel: the newest 6.1, or for SOURCE=xdp the newest 6.12 when
# installed: 6.1 frees the page of every skb veth builds from an XDP frame
# (A, B, C) instead of recycling it to its page pool as 6.12 and NIC
# drivers do, which costs A, B and C a page per packet (bench/README).
newest() { basename "$(ls -d /boot/vmlinuz-"$1".*-amd64 2>/dev/null | sort -V | tail -n 1)" | sed 's/^vmlinuz-//'; }
kdef=$(newest 6.1)
[ "${SOURCE:-xdp}" != xdp ] || [ -z "$(newest 6.12)" ] || kdef=$(newest 6.12)
kver=${ITO_KVER:-$kdef}

build()
{
	scripts/deps.sh
	echo "bench: building ito for $kver, itoctl, ito-xdpd and xdpflood"
	scripts/build-kmod.sh "$kver"
	make -s -C userspace
	mkdir -p build/bench
	cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o build/bench/xdpflood bench/xdpflood.c -lbpf
}

# The host's load beside the result: the VM's emulation competes with
# whatever else runs (other VMs) for the host's cores.
host_load()
{
	echo "bench: host $1: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
		"qemu-system processes $(pgrep -c qemu-system || true)"
}

# Boot, setup and teardown take about a minute under TCG; each round runs
# four floods of 1 + secs seconds plus their setups (~10 s each, D's more).
vm_timeout() { echo $((300 + rounds * 4 * (secs + 15))); }

build
echo "bench: VM with 1 CPU (TCG software emulation), kernel $kver, $rounds rounds of A B C D, source ${SOURCE:-xdp}"
load0=$(host_load "before the VM")
echo "$load0"
# --smp 1: sender, router and sink share the one CPU, so the router's cost
# per packet decides the rate and no cross-CPU queueing blurs it.
ITO_KVER=$kver selftests/vm/run.sh --smp 1 --timeout "$(vm_timeout)" \
	--log build/bench/forward.log -- \
	env ITO_KO="$top/build/kmod-$kver/kmod/ito.ko" ROUNDS="$rounds" SECS="$secs" \
	VARIANTS="${VARIANTS:-A B C D}" PERF="${PERF:-}" \
	SOURCE="${SOURCE:-xdp}" XDPFLOOD="$top/build/bench/xdpflood" \
	bench/forward-guest.sh | tee build/bench/forward.out || st=$?
# (appended to forward.out, which tee rewrote)
{ echo "$load0"; host_load "after the VM"; } | tee -a build/bench/forward.out
exit "${st:-0}"
