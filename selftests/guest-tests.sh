#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM (selftests/vm/run.sh): every kernel selftest, each
# printing TAP, each followed by a check of what the kernel logged while it
# ran (selftests/kreport.sh). ITO_KO names the module built for the guest's
# kernel; ITO_FUZZ_COUNT the number of fuzzer messages (default 10000);
# ITO_SHARD=I/N runs only every Nth test from the Ith, so that N VMs can
# share the suite.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export TOP=${TOP:-$(dirname "$here")}
export ITO_KO=${ITO_KO:?ITO_KO must name ito.ko for this kernel}
export ITO_SIM_KO=${ITO_SIM_KO:-$(dirname "$ITO_KO")/sim/ito_sim.ko}
export ITOCTL=${ITOCTL:-$TOP/userspace/itoctl/itoctl}
fuzz_count=${ITO_FUZZ_COUNT:-10000}
# the longest test file takes about 3 minutes on a release kernel
test_timeout=${ITO_TEST_TIMEOUT:-$((900 * ${ITO_TIME_SCALE:-1}))}
status=0

# shellcheck source=kreport.sh
. "$here/kreport.sh"

echo "# kernel $(uname -r), module $ITO_KO"
kreport_init

# One TCP connection over loopback before anything runs in parallel: the
# first SYN patches kernel text (net_get_random_once's static key), and
# under TCG that patching racing another vCPU in the same code has oopsed
# the guest with "int3" in secure_tcp_seq_and_ts_off (6.12, hwfault.sh).
python3 -c '
import socket
l = socket.create_server(("127.0.0.1", 0))
c = socket.create_connection(l.getsockname())
l.accept()[0].close()
c.close()
' || status=1

# ito.ko uses conntrack's symbols; insmod does not resolve dependencies.
modprobe nf_nat || status=1

# fresh_ito: ito loaded, whatever the test before left
fresh_ito()
{
	[ ! -d /sys/module/ito ] || rmmod ito
	insmod "$ITO_KO"
}

# run_test NAME: one test between kreport_begin and kreport_end
run_test()
{
	local t=$1 start=$SECONDS rc

	kreport_begin "$t"
	case $t in
	netlink_test)
		echo "# selftest: netlink_test"
		fresh_ito || status=1
		"$TOP/build/selftests/netlink_test" || status=1
		;;
	fuzz_test)
		fresh_ito || status=1
		echo "# selftest: fuzz_test, $fuzz_count messages (in a fresh namespace)"
		unshare -n "$TOP/build/selftests/fuzz_test" "$fuzz_count" || status=1
		echo "# fuzz_test: $fuzz_count messages in $((SECONDS - start)) s"
		rmmod ito || status=1
		;;
	*)
		echo "# selftest: $t"
		# A hung test must not take the VM's whole time (and the
		# guest's log) with it: timeout ends it with its whole
		# process group, and what was left running is shown.
		timeout "$test_timeout" "$here/$t"
		rc=$?
		case $rc in
		0) ;;
		124)
			echo "not ok - $t: no end after $test_timeout s"
			ps -N --ppid 2 -p 2 -o pid,stat,wchan:24,args | sed "s/^/# /"
			status=1
			;;
		# one that could not run (126, 127) reported nothing itself
		126 | 127)
			echo "not ok - $t: could not be run (exit status $rc)"
			status=1
			;;
		*) status=1 ;;
		esac
		echo "# $t: $((SECONDS - start)) s"
		;;
	esac
	kreport_end || status=1
}

# Last: a long fuzz run must not keep the traffic tests from reporting.
# ITO_TESTS replaces the list (a rerun of some files on the debug kernel).
tests=${ITO_TESTS:-"netlink_test itoctl.sh metrics.sh config.sh flows.sh agent.sh app.sh agent_api.sh sim.sh offload.sh nat.sh gc.sh ctverdict.sh
	suricata.sh ha.sh hwoffload.sh hwfault.sh nexthop.sh vwire.sh fastpath.sh xdp.sh lifetime.sh
	faults.sh faults-hw.sh itod_systemd.sh package.sh ${ITO_EXTRA_TESTS:-} fuzz_test"}

# ITO_SHARD=I/N: only every Nth test from the Ith (from 0), for N VMs in
# parallel (make check-debug on a machine with N cores)
shard=${ITO_SHARD:-0/1}
i=0
for t in $tests; do
	[ $((i % ${shard#*/})) = "${shard%/*}" ] && run_test "$t"
	i=$((i + 1))
done

exit $status
