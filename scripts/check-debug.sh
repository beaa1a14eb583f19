#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check-debug: the whole VM selftest suite on a debug kernel (KASAN,
# KFENCE, lockdep, PROVE_RCU, kmemleak, UBSAN...) built from Debian's
# linux-source-6.1 (selftests/debug/build-kernel.sh, cached outside the
# clone). Any kernel report fails the test that was running; the fuzzer
# sends ITO_FUZZ_COUNT messages (default 1,000,000). The suite is split
# over ITO_DEBUG_SHARDS VMs run in parallel (default: one per core);
# ITO_TESTS="a.sh b.sh" runs only those (a rerun after a fix). Ends,
# like make check, with "N passed, N failed, N skipped" and a non-zero
# status on failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logdir=$top/build/check-debug
mkdir -p "$logdir"

# shellcheck source=sections.sh
. "$top/scripts/sections.sh"

scripts/deps.sh --debug-kernel || exit 1
scripts/ksrc.sh || exit 1

start=$SECONDS
read -r kdir image krel < <(selftests/debug/build-kernel.sh | tail -n 1)
[ -n "${krel:-}" ] || { echo "check-debug: the debug kernel did not build"; exit 1; }
kernel_seconds=$((SECONDS - start))
echo "=== debug kernel $krel ($image, build tree $kdir), ready after $kernel_seconds s"

build_all()
{
	single "userspace builds with -Werror" make -s -C userspace
	single "selftests build" make -s -C selftests
	single "ito.ko and ito_sim.ko build for $krel without warnings" \
		scripts/build-kmod.sh "$krel"
}

# KASAN and lockdep make the guest several times slower than the release
# kernels; WARN does not panic here, so one report does not hide the rest
# of the suite (each is charged to its test by selftests/kreport.sh).
# no5lvl: with qemu's -cpu max (LA57) this kernel sometimes died in early
# boot with a KASAN wild-memory-access; four-level paging boots reliably.
# vm_shard I TESTS: guest I runs the test files TESTS
vm_shard()
{
	local ko=$top/build/kmod-$krel/kmod/ito.ko
	ITO_VM_IMAGE=$image ITO_KVER=$krel selftests/vm/run.sh \
		--timeout "${ITO_DEBUG_TIMEOUT:-10800}" --mem 2048 \
		--append "panic_on_warn=0 kasan_multi_shot log_buf_len=16M no5lvl" \
		--log "$logdir/vm-debug-$1.log" -- \
		env ITO_KO="$ko" ITO_FUZZ_COUNT="${ITO_FUZZ_COUNT:-1000000}" \
		ITO_TIME_SCALE="${ITO_TIME_SCALE:-10}" \
		ITO_TESTS="$2" selftests/guest-tests.sh
}

# Seconds each test file took on this kernel (the README's last pass), in
# the order guest-tests.sh runs them: the fuzzer last, so that a long fuzz
# run does not keep the traffic tests from reporting.
debug_costs="netlink_test:30 itoctl.sh:83 metrics.sh:60 config.sh:100 flows.sh:97 agent.sh:182 agent_api.sh:60 sim.sh:164
	offload.sh:91 nat.sh:120 ctverdict.sh:120 suricata.sh:470 ha.sh:1800 hwoffload.sh:815
	hwfault.sh:240 nexthop.sh:1339 vwire.sh:520 fastpath.sh:602 xdp.sh:300 lifetime.sh:186
	faults.sh:691 faults-hw.sh:622 itod_systemd.sh:60 package.sh:5 fuzz_test:1350"

# shard_tests N: N lines, the test files of each VM. Longest first, each to
# the VM with the least work so far; each VM keeps the order above. Files
# not in the table (ITO_TESTS) count 300 s.
shard_tests()
{
	local n=$1 t c
	local -a want=()

	for t in ${ITO_TESTS:-$(printf '%s\n' $debug_costs | sed 's/:.*//')}; do
		c=300
		[[ " $debug_costs " =~ [[:space:]]$t:([0-9]+) ]] && c=${BASH_REMATCH[1]}
		want+=("$t:$c")
	done
	printf '%s\n' "${want[@]}" | awk -F: -v n="$n" '
		{ name[NR] = $1; cost[NR] = $2; ord[NR] = NR }
		END {
			for (i = 1; i <= NR; i++)	# by cost, descending
				for (j = i + 1; j <= NR; j++)
					if (cost[ord[j]] > cost[ord[i]]) {
						k = ord[i]; ord[i] = ord[j]; ord[j] = k
					}
			for (i = 1; i <= NR; i++) {
				best = 0
				for (s = 1; s < n; s++)
					if (load[s] < load[best])
						best = s
				load[best] += cost[ord[i]]
				vm[ord[i]] = best
			}
			for (s = 0; s < n; s++) {
				line = ""
				for (i = 1; i <= NR; i++)
					if (vm[i] == s)
						line = line (line == "" ? "" : " ") name[i]
				print line
			}
		}'
}

# One VM per core (each emulates on one host thread), each with its share
# of the test files; their outputs, one after the other, once all ended.
vm_tests()
{
	local n=${ITO_DEBUG_SHARDS:-$(nproc)} i rc=0
	local -a pids shards

	mapfile -t shards < <(shard_tests "$n")
	echo "# $n VMs in parallel; progress in $logdir/shard-*.out"
	for i in $(seq 0 $((n - 1))); do
		echo "# VM $i: ${shards[i]:-(nothing)}"
		[ -n "${shards[i]:-}" ] || continue
		vm_shard "$i" "${shards[i]}" >"$logdir/shard-$i.out" 2>&1 &
		pids[i]=$!
	done
	for i in $(seq 0 $((n - 1))); do
		[ -n "${pids[i]:-}" ] || continue
		wait "${pids[i]}" || rc=1
		echo "# --- shard $i of $n"
		cat "$logdir/shard-$i.out"
	done
	return $rc
}

section build build_all
suite_start=$SECONDS
section vm-debug vm_tests
echo "=== debug kernel: built or found in $kernel_seconds s; suite $((SECONDS - suite_start)) s"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
