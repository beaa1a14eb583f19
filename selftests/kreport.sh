# SPDX-License-Identifier: GPL-2.0
# Kernel reports per test, for selftests/guest-tests.sh (source it).
#
# Each test file runs between kreport_begin and kreport_end. kreport_end
# prints one TAP line that fails when the kernel logged a problem while the
# test ran (KASAN, KFENCE, UBSAN, lockdep, RCU, WARN, BUG, Oops, stalls) or,
# on a kernel with kmemleak, when a scan finds new leaks. On a debug kernel
# rmmod is wrapped (selftests/debug/bin/rmmod) to scan kmemleak after every
# unload; its findings are charged to the test that was running.

# Kernel log lines that are a report. The begin marker below bounds the
# search; KASAN and friends print their own first lines at KERN_ERR.
KREPORT_RE='BUG:|WARNING:|Oops|general protection fault|UBSAN:|KASAN:|KFENCE:|kmemleak: .*suspected memory leak|possible recursive locking|possible circular locking|suspicious RCU usage|detected stall|blocked for more than|scheduling while atomic|sleeping function called from invalid context|list_(add|del) corruption|ODEBUG:'
KMEMLEAK=/sys/kernel/debug/kmemleak
export KREPORT_LEAKS=${KREPORT_LEAKS:-/tmp/ito-kreport-leaks}
_kreport_test=

kreport_have_kmemleak()
{
	[ -w "$KMEMLEAK" ]
}

# kmemleak_collect WHERE: one scan, and what it found appended to
# $KREPORT_LEAKS, then forgotten so that it is not charged twice. kmemleak
# reports an object only when its contents did not change since the
# previous scan, so a leak made during a test shows at the second scan after
# it: the one after its rmmod and the one at the end of the test (a scan
# costs minutes under emulation, hence not two each time).
kmemleak_collect()
{
	local where=$1 found start=$SECONDS
	kreport_have_kmemleak || return 0
	# A scan reads every tracked object: the dentries and inodes that
	# reading the host's files over 9p leaves behind made it minutes long.
	# Reclaiming them frees only what something still points at.
	echo 2 >/proc/sys/vm/drop_caches
	echo scan >"$KMEMLEAK"
	# quiet: rmmod's callers read its output; kreport_end sums these
	echo "$((SECONDS - start))" >>"$KREPORT_LEAKS.seconds"
	found=$(cat "$KMEMLEAK")
	echo clear >"$KMEMLEAK"
	[ -n "$found" ] || return 0
	{
		echo "kmemleak after $where:"
		echo "$found"
	} >>"$KREPORT_LEAKS"
}

# Once, before the first test: what booting left behind is not ours.
kreport_init()
{
	: >"$KREPORT_LEAKS"
	if kreport_have_kmemleak; then
		local start=$SECONDS
		echo scan >"$KMEMLEAK"
		echo clear >"$KMEMLEAK"
		echo "# kmemleak: the boot's findings cleared ($((SECONDS - start)) s a scan)"
		echo "# kmemleak: on (scanned after each test and each rmmod)"
		export PATH=$TOP/selftests/debug/bin:$PATH
	fi
}

kreport_begin()
{
	_kreport_test=$1
	: >"$KREPORT_LEAKS"
	: >"$KREPORT_LEAKS.seconds"
	echo "ito-selftest: begin $1" >/dev/kmsg
}

# Lines the kernel logged since the current test began; all of the log if
# the marker was overwritten (the ring wrapped): better blamed twice than missed.
kreport_log_since_begin()
{
	dmesg | awk -v m="ito-selftest: begin $_kreport_test" \
		'index($0, m) { buf = ""; next } { buf = buf $0 "\n" }
		 END { printf "%s", buf }'
}

kreport_end()
{
	local name=$_kreport_test problems
	kmemleak_collect "$name"
	if [ -s "$KREPORT_LEAKS.seconds" ]; then
		awk '{ n++; s += $1 } END { printf "# kmemleak: %d scans, %d s\n", n, s }' \
			"$KREPORT_LEAKS.seconds"
	fi
	echo "ito-selftest: end $name" >/dev/kmsg
	problems=$(kreport_log_since_begin | grep -E -- "$KREPORT_RE" | grep -v 'ito-selftest:')
	if [ -n "$problems" ] || [ -s "$KREPORT_LEAKS" ]; then
		echo "# kernel reports during $name:"
		{
			[ -z "$problems" ] || echo "$problems"
			[ ! -s "$KREPORT_LEAKS" ] || head -n 60 "$KREPORT_LEAKS"
		} | sed 's/^/#   /'
		echo "not ok - $name: no kernel reports"
		return 1
	fi
	echo "ok - $name: no kernel reports"
}
