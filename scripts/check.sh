#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test of the project, host side and in the VM. Each
# section prints TAP; this script counts the results and ends with one line
# "N passed, N failed, N skipped". Exit status non-zero on any failure.
#
#   ITO_CHECK_ONLY="unit vm-6.1.0"  run only the named sections
#   ITO_KVER                  kernels the VMs boot (default: newest 6.1 and
#                             newest 6.12 installed)
#   ITO_CHECK_SERIAL=1        one VM after the other instead of side by side
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
logdir=$top/build/check
mkdir -p "$logdir"

# shellcheck source=sections.sh
. "$top/scripts/sections.sh"

build_all()
{
	single "userspace builds with -Werror" make -s -C userspace
	single "selftests build" make -s -C selftests
}

kernel_builds()
{
	local k
	for k in $(ls -d /lib/modules/6.1.*-amd64/build /lib/modules/6.12.*-amd64/build 2>/dev/null); do
		k=$(basename "$(dirname "$k")")
		single "ito.ko builds for $k without warnings, sparse clean" \
			scripts/build-kmod.sh "$k" C=2
	done
	single "checkpatch --strict clean" scripts/checkpatch.sh
}

newest_kernel()	# newest_kernel SERIES: e.g. 6.1 -> 6.1.0-56-amd64
{
	ls -d /boot/vmlinuz-"$1".*-amd64 2>/dev/null | sed 's|^/boot/vmlinuz-||' |
		sort -V | tail -n 1
}

# vm_tests KVER: the selftests in a VM booting that kernel
vm_tests()
{
	local kver=$1 ko=$top/build/kmod-$1/kmod/ito.ko
	scripts/build-kmod.sh "$kver" || return 1
	# a pass takes about 25 minutes under TCG on an idle core, 35 with the
	# other kernel's VM beside it; more on a host loaded further
	ITO_KVER=$kver selftests/vm/run.sh --timeout 3600 --log "$logdir/vm-$kver.log" -- \
		env ITO_KO="$ko" selftests/guest-tests.sh
}

scripts/deps.sh || exit 1
scripts/ksrc.sh || exit 1

section build build_all
section unit make -s -C userspace check
section kbuild kernel_builds
section dkms scripts/test-dkms.sh
section deb scripts/test-deb.sh
section harness selftests/vm/test-harness.sh
# The kernels' VMs run side by side, one host thread each under TCG: the
# first's output shows as it comes, each other's when it has ended.
# ITO_CHECK_SERIAL=1 runs them one after the other.
# shellcheck disable=SC2207
kernels=($(echo ${ITO_KVER:-$(newest_kernel 6.1) $(newest_kernel 6.12)}))
later=()
if [ "${ITO_CHECK_SERIAL:-0}" != 1 ]; then
	for k in "${kernels[@]:1}"; do
		want "vm-${k%%-*}" || continue
		(vm_tests "$k" >"$logdir/later-$k.out" 2>&1
		 echo $? >"$logdir/later-$k.rc") &
		later+=("$k")
	done
fi
for k in "${kernels[@]}"; do
	[[ " ${later[*]} " == *" $k "* ]] && continue
	section "vm-${k%%-*}" vm_tests "$k"
done
wait
# replay KVER: what a VM run in the background printed, and its status
replay() { cat "$logdir/later-$1.out"; return "$(cat "$logdir/later-$1.rc")"; }
for k in "${later[@]}"; do
	section "vm-${k%%-*}" replay "$k"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
