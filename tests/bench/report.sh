#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# From the BENCH lines of a bench run to the tables of docs/performance.md
# and a plot of delivered packets per second per configuration.
#
#   report.sh COST-RESULT STREAM-RESULT OUTDIR [COST-RESULT-2]
#       writes OUTDIR/results.md, OUTDIR/pps.dat, OUTDIR/pps.png
#
# COST-RESULT-2, the cost part on another kernel, adds a table of both
# kernels' ratios side by side.
#
# COST-RESULT comes from tests/ktest/bench-cost.sh (guest time = instruction
# count: one instruction per nanosecond), STREAM-RESULT from bench-stream.sh.
set -eu
cost_in=$1 stream_in=$2 out=$3 cost2_in=${4:-}
mkdir -p "$out"
bench_lines() { tr -d '\r' < "$1" | grep '^BENCH ' | sed 's/^BENCH //'; }
cost=$(bench_lines "$cost_in")
stream=$(bench_lines "$stream_in")
cost2=""
[ -z "$cost2_in" ] || cost2=$(bench_lines "$cost2_in")
for part in "$cost" "$stream" ${cost2_in:+"$cost2"}; do
	grep -q '^done' <<< "$part" || { echo "report: a bench run is incomplete" >&2; exit 1; }
done

label() {
	case $1 in
	a) echo "a) not loaded" ;; b) echo "b) loaded, idle" ;; c) echo "c) following another VM" ;;
	d) echo "d) following this path" ;; k) echo "k) d)'s session, events counted, no CLI" ;;
	e) echo "e) bpftrace, same filter" ;; f) echo "f) dropwatch" ;;
	esac
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v t="$1" -v c="$2" -v f="$3" '$1 == t && $2 == c { print $f }'; }	# col TYPE CONFIG FIELD
ns() { awk -v p="$1" 'BEGIN { printf "%.0f", 1e9 / p }'; }			# ns (= instructions) per packet

{
echo "Cost part: $(grep '^machine' <<< "$cost" | cut -d' ' -f2-); $(grep '^params' <<< "$cost" | cut -d' ' -f2-)."
echo "Stream part: $(grep '^machine' <<< "$stream" | cut -d' ' -f2-); $(grep '^params' <<< "$stream" | cut -d' ' -f2-)."
echo
echo "| configuration | median pps | min | max | ratio of medians to a) | median of per-round ratios | instructions per packet over a) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
base=$(col pps a 4 <<< "$cost" | median)
: > "$out/pps.dat"
i=0
for c in a b c d k e f; do
	v=$(col pps "$c" 4 <<< "$cost")
	[ -n "$v" ] || continue
	med=$(median <<< "$v"); min=$(sort -n <<< "$v" | head -n 1); max=$(sort -n <<< "$v" | tail -n 1)
	# each round measured a) next to this one: the paired ratio cancels drift
	paired=$(awk -v c="$c" '$1 == "pps" && $2 == "a" { a[$3] = $4 } $1 == "pps" && $2 == c { x[$3] = $4 }
		END { for (r in x) if (r in a) print 100 * x[r] / a[r] }' <<< "$cost" | median)
	printf '| %s | %.0f | %s | %s | %.2f%% | %.2f%% | %+d |\n' "$(label "$c")" "$med" "$min" "$max" \
		"$(awk -v m="$med" -v b="$base" 'BEGIN { print 100 * m / b }')" "$paired" \
		"$(( $(ns "$med") - $(ns "$base") ))"
	echo "$i \"$(label "$c")\" $med $min $max" >> "$out/pps.dat"
	i=$((i + 1))
done
echo

# ratio of medians to a) and instructions per packet over a), per configuration
ratios() {	# COST-LINES -> "CONFIG RATIO INSNS"
	local b v m
	b=$(col pps a 4 <<< "$1" | median)
	for c in a b c d k e f; do
		v=$(col pps "$c" 4 <<< "$1")
		[ -n "$v" ] || continue
		m=$(median <<< "$v")
		echo "$c $(awk -v m="$m" -v b="$b" 'BEGIN { printf "%.2f", 100 * m / b }') $(( $(ns "$m") - $(ns "$b") ))"
	done
}
if [ -n "$cost2" ]; then
	k1=$(grep '^machine' <<< "$cost" | cut -d' ' -f4 | tr -d ,)
	k2=$(grep '^machine' <<< "$cost2" | cut -d' ' -f4 | tr -d ,)
	echo "Both kernels side by side (each its own boot, the same QEMU machine and instruction count):"
	echo
	echo "| configuration | $k1: ratio to a) | $k2: ratio to a) | $k1: instructions per packet over a) | $k2: instructions per packet over a) |"
	echo "|---|---:|---:|---:|---:|"
	join <(ratios "$cost" | sort) <(ratios "$cost2" | sort) | sort -k1,1 -s |
		awk '{ print index("abcdkef", $1), $0 }' | sort -n | cut -d' ' -f2- |
		while read -r c r1 i1 r2 i2; do
			printf '| %s | %s%% | %s%% | %+d | %+d |\n' "$(label "$c")" "$r1" "$r2" "$i1" "$i2"
		done
	echo "$k2: a) delivers $(col pps a 4 <<< "$cost2" | median) pps against $(col pps a 4 <<< "$cost" | median) on $k1."
	echo
fi

# One rejected call: c) against a), both with one echo a second, divided by
# the calls a UDP packet makes into vmtrace in c) (counted by bpftrace).
qa=$(col quiet a 4 <<< "$cost" | median); qc=$(col quiet c 4 <<< "$cost" | median)
qk=$(col quiet k 4 <<< "$cost" | median)
read -r _ packets counts <<< "$(grep '^calls ' <<< "$cost")"
total=$(sed -n 's/.*total=\([0-9]*\).*/\1/p' <<< "$counts")
awk -v qa="$qa" -v qc="$qc" -v p="$packets" -v t="$total" -v counts="$counts" 'BEGIN {
	per = t / p; extra = 1e9 / qc - 1e9 / qa
	printf "Per rejected call (c) with one echo a second: nothing matches): %.0f pps against %.0f for a), " \
		"%.0f instructions more per UDP packet, which makes %.1f calls into vmtrace (%s): " \
		"**%.0f instructions per call**, the kernel'"'"'s dispatch (tracepoint static call, " \
		"nf_hook_slow and its indirect call) included.\n\n", qc, qa, extra, per, counts, extra / per }'
# One event, end to end (probe, ring, netlink, the counting client): k) with
# the 200 echoes a second against k) with one, less what the echoes cost a).
k_pps=$(col pps k 4 <<< "$cost" | median); k_ev=$(col pps k 5 <<< "$cost" | median)
[ -z "$k_pps" ] || awk -v a="$base" -v qa="$qa" -v k="$k_pps" -v qk="$qk" -v ev="$k_ev" 'BEGIN {
	share = (1 - k / qk) - (1 - a / qa)
	printf "Per event (k) with 200 echoes a second against k) with one, less what the echoes cost without vmtrace): " \
		"%.0f events/s took %.2f%% of the CPU: **%.0f instructions per event**, from the probe to the " \
		"client'"'"'s callback.\n\n", ev, 100 * share, share * 1e9 / ev }'

echo "| generator | parallel | generated (module) | delivered (client) | counted lost | unaccounted | delivered/s |"
echo "|---|---:|---:|---:|---:|---:|---:|"
grep '^stream ' <<< "$stream" | while read -r _ kind flows gen got lost took; do
	printf '| %s | %s | %s | %s | %s | %s | %.0f |\n' "$([ "$kind" = ping ] && echo "ping -f" || echo "vtbench flood")" \
		"$flows" "$gen" "$got" "$lost" "$((gen - got - lost))" \
		"$(awk -v g="$got" -v t="$took" 'BEGIN { print g / t }')"
done
echo
att=$(grep '^attach ' <<< "$stream")
ms() { awk '{ printf "%.1f\n", $1 / 1000 }'; }	# µs -> ms
over() { awk -v f="$1" '$f > 50000 { n++ } END { print n + 0 }' <<< "$att"; }
echo "Session start (hooks on, reply received): median $(awk '{ print $2 }' <<< "$att" | median | ms) ms," \
     "max $(awk '{ print $2 }' <<< "$att" | sort -n | tail -n 1 | ms) ms, $(over 2) over 50 ms;" \
     "stop (hooks off, last events delivered, reply received): median $(awk '{ print $3 }' <<< "$att" | median | ms) ms," \
     "max $(awk '{ print $3 }' <<< "$att" | sort -n | tail -n 1 | ms) ms, $(over 3) over 50 ms ($(wc -l <<< "$att") rounds)."
ld=$(grep '^load ' <<< "$stream")
echo "insmod: median $(awk '{ print $2 }' <<< "$ld" | median | ms) ms; rmmod: median $(awk '{ print $3 }' <<< "$ld" | median | ms) ms."
echo
read -r _ _ modsize _ rest <<< "$(grep '^mem module' <<< "$stream")"
read -r _ _ one _ two _ cpus _ slots <<< "$(grep '^mem sessions1' <<< "$stream")"
echo "Memory: module image $modsize bytes; vmalloc at rest $rest bytes; with one session $one bytes, with two $two" \
     "bytes ($cpus CPUs, rings of $slots events x 240 bytes per CPU)."
} > "$out/results.md"

if command -v gnuplot > /dev/null; then
	gnuplot <<GP
set terminal pngcairo size 900,480 font ",10"
set output "$out/pps.png"
set title "UDP forwarding veth -> bridge -> veth, 200 ICMP echoes/s alongside (1 vCPU, guest time = instructions)"
set ylabel "packets per second delivered (median, min-max)"
set style fill solid 0.6
set boxwidth 0.6
set yrange [0:*]
set xtics rotate by -20
set grid ytics
unset key
plot "$out/pps.dat" using 1:3:xtic(2) with boxes, "" using 1:3:4:5 with yerrorbars lc rgb "black" pt 0
GP
fi
cat "$out/results.md"
