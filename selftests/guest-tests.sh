#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM (selftests/vm/run.sh): every kernel selftest, each
# printing TAP. ITO_KO names the module built for the guest's kernel.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export TOP=${TOP:-$(dirname "$here")}
export ITO_KO=${ITO_KO:?ITO_KO must name ito.ko for this kernel}
export ITO_SIM_KO=${ITO_SIM_KO:-$(dirname "$ITO_KO")/sim/ito_sim.ko}
export ITOCTL=${ITOCTL:-$TOP/userspace/itoctl/itoctl}
status=0

echo "# kernel $(uname -r), module $ITO_KO"

# ito.ko uses conntrack's symbols; insmod does not resolve dependencies.
modprobe nf_conntrack || status=1

echo "# selftest: netlink_test"
insmod "$ITO_KO" || status=1
"$TOP/build/selftests/netlink_test" || status=1
echo "# selftest: fuzz_test (in a fresh namespace)"
unshare -n "$TOP/build/selftests/fuzz_test" 10000 || status=1
rmmod ito || status=1

for t in "$here"/itoctl.sh "$here"/flows.sh "$here"/agent.sh "$here"/sim.sh "$here"/offload.sh \
	"$here"/hwoffload.sh "$here"/nexthop.sh "$here"/vwire.sh "$here"/faults.sh \
	"$here"/faults-hw.sh; do
	echo "# selftest: $(basename "$t")"
	"$t" || status=1
done
exit $status
