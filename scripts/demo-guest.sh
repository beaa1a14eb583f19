#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the demo VM: load ito, show its configuration and counters, change
# a knob, show a refused change, unload.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
itoctl=$top/userspace/itoctl/itoctl

run() { echo; echo "# $*"; "$@"; }

run modprobe nf_conntrack
run insmod "$ITO_KO"
run "$itoctl" show
run "$itoctl" set min-pkts 16 tcp-ageing 30
run "$itoctl" -j -p show
echo; echo "# $itoctl set min-pkts 0    (out of range: the kernel refuses)"
"$itoctl" set min-pkts 0 || echo "(exit status $?)"
run "$itoctl" counters match session
if [ "${ITO_DEMO_KEEP:-0}" = 1 ]; then
	echo "demo: leaving you a shell; 'exit' powers the VM off"
	bash -i </dev/console >/dev/console 2>&1 || true
fi
run rmmod ito
echo
echo "demo: ito loaded, configured, refused a bad value and unloaded cleanly"
