#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Scale benchmark, host side: build ito for the guest kernel, boot it with
# memory for N sessions and run bench/scale-guest.sh (see bench/README).
#   bench/scale.sh [N]      default 20000 sessions
# Results: build/bench/scale.json, and a table on stdout.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
n=${1:-20000}
kver=${ITO_KVER:-$(basename "$(ls -d /boot/vmlinuz-6.1.*-amd64 | sort -V | tail -n 1)" | sed 's/^vmlinuz-//')}

scripts/deps.sh
echo "bench: building ito for $kver, itoctl and itod"
scripts/build-kmod.sh "$kver"
make -s -C userspace
mkdir -p build/bench
# conntrack, ito and the skbs in flight: about 4 KB a flow at the peak,
# on top of the 1 GB the guest needs anyway
mem=$((1024 + n * 4 / 1024))
# a round of traffic, both ways, runs at a few thousand new flows a
# second under TCG; eight phases of up to six rounds each
timeout=$((1200 + n / 25))
echo "bench: $n sessions, guest with $mem MB, timeout $timeout s"
rc=0
ITO_KVER=$kver selftests/vm/run.sh --mem "$mem" --smp "${SMP:-2}" --timeout "$timeout" \
	${VM_APPEND:+--append "$VM_APPEND"} --log build/bench/scale.log -- \
	env ITO_KO="$top/build/kmod-$kver/kmod/ito.ko" \
	ITO_SIM_KO="$top/build/kmod-$kver/kmod/sim/ito_sim.ko" N="$n" \
	PHASES="${PHASES:-all}" CPS_POLICY="${CPS_POLICY:-offload}" \
	CPS_ROUNDS="${CPS_ROUNDS:-1}" CPS_ALT_KO="${CPS_ALT_KO:-}" \
	CPS_ALT_ITOD="${CPS_ALT_ITOD:-}" CPS_PERF="${CPS_PERF:-}" CPS_PERF_CPU="${CPS_PERF_CPU:-}" CPS_PERF_SPLIT="${CPS_PERF_SPLIT:-}" \
	CPS_PLAIN_LOAD="${CPS_PLAIN_LOAD:-}" \
	CPS_ALONE_SET="${CPS_ALONE_SET:-}" CPS_ITOD_SET="${CPS_ITOD_SET:-}" ITOD_CPU="${ITOD_CPU:-}" \
	bench/scale-guest.sh | tee build/bench/scale.out || rc=$?
# the guest sees the host's / read-only: it prints the JSON, we keep it
sed -n 's/^scale.json: //p' build/bench/scale.out >build/bench/scale.json
[ -s build/bench/scale.json ] && echo "bench: results in build/bench/scale.json"
exit $rc
