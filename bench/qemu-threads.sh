#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-threads.sh [SECONDS]: from the host, while a bench's VM runs, one
# line a second: for each thread of the VM's QEMU process, its id, the CPU
# it used (% of one host CPU), and its voluntary and involuntary context
# switches in that second; then the host's idle %. Waits for the VM to
# start, ends with it or after SECONDS.
#
# Under TCG each vCPU is a host thread (ITO_VM_TCG_THREAD=multi) and the
# main loop is another: this tells whether a vCPU waited (voluntary
# switches), was pushed off its host CPU (involuntary) or ran all along.
set -u
limit=${1:-0}
hz=$(getconf CLK_TCK)
pid=
while [ -z "$pid" ]; do
	pid=$(pgrep -x qemu-system-x86 | head -n 1)
	[ -n "$pid" ] || sleep 0.5
done
echo "# qemu $pid: per thread id:cpu%/voluntary/involuntary switches a second"

# the host's idle and total ticks, from /proc/stat's first line
host_ticks()
{
	local _ user nice sys idle iowait irq softirq steal
	read -r _ user nice sys idle iowait irq softirq steal _ </proc/stat
	echo "$((idle + iowait)) $((user + nice + sys + idle + iowait + irq + softirq + steal))"
}

declare -A cpu vol inv
read -r idle0 total0 <<<"$(host_ticks)"
start=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
	[ "$limit" = 0 ] || [ $((SECONDS - start)) -lt "$limit" ] || break
	line=$(date +%T)
	for t in /proc/"$pid"/task/*; do
		id=${t##*/}
		read -r -a f <"$t/stat" 2>/dev/null || continue
		c=$((f[13] + f[14]))
		# read by the shell: a process per thread each second would
		# take host CPU from what it measures
		v= i=
		while read -r k n; do
			case $k in
			voluntary_ctxt_switches:) v=$n ;;
			nonvoluntary_ctxt_switches:) i=$n ;;
			esac
		done <"$t/status" 2>/dev/null
		[ -n "$v" ] && [ -n "$i" ] || continue
		[ -z "${cpu[$id]:-}" ] ||
			line+=" $id:$(((c - cpu[$id]) * 100 / hz))/$((v - vol[$id]))/$((i - inv[$id]))"
		cpu[$id]=$c vol[$id]=$v inv[$id]=$i
	done
	read -r idle1 total1 <<<"$(host_ticks)"
	echo "$line idle:$(((idle1 - idle0) * 100 / (total1 - total0 + 1)))%"
	idle0=$idle1 total0=$total1
	sleep 1
done
