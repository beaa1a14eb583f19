# SPDX-License-Identifier: GPL-2.0
# Time spent in a kernel function, for the benchmarks that run in the VM
# (source it). probe NAME FUNC adds a kprobe/kretprobe pair NAME_in and
# NAME_out on FUNC; between trace_on NAME and trace_off NAME, trace_off
# prints the microseconds spent in FUNC's calls. Calls must not overlap
# (one caller at a time: a work item, or the one agent).

TR=/sys/kernel/tracing
[ -d $TR/instances ] || TR=/sys/kernel/debug/tracing

probe()
{
	echo "p:itob/$1_in $2" >>$TR/kprobe_events
	echo "r:itob/$1_out $2" >>$TR/kprobe_events
}

# undo every probe (the benchmarks' cleanup)
probes_off()
{
	echo 0 2>/dev/null >$TR/events/itob/enable || true
	echo 2>/dev/null >$TR/kprobe_events || true
}

trace_on()
{
	echo >$TR/trace
	echo 1 >$TR/events/itob/$1_in/enable
	echo 1 >$TR/events/itob/$1_out/enable
}

trace_off()
{
	echo 0 >$TR/events/itob/$1_in/enable
	echo 0 >$TR/events/itob/$1_out/enable
	# "... [000] ..... 123.456789: admit_in: (...)"
	awk -v n="$1" '
		{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i + 0; break } }
		$0 ~ n "_in:" { start = t }
		$0 ~ n "_out:" && start { sum += t - start; start = 0 }
		END { printf "%d", sum * 1000000 }' $TR/trace
}

# trace_calls NAME: each call's start and end (seconds, trace clock), one
# call a line, from the trace so far
trace_calls()
{
	awk -v n="$1" '
		{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i + 0; break } }
		$0 ~ n "_in:" { start = t }
		$0 ~ n "_out:" && start { printf "%.6f %.6f\n", start, t; start = 0 }' $TR/trace
}

# percentile P: the Pth percentile of the numbers on stdin (nearest rank)
percentile()
{
	sort -n | awk -v p="$1" '{ v[NR] = $1 }
		END { if (NR) { r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r] } }'
}
