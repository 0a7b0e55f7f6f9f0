#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# From the BENCH lines of a bench run to the tables of docs/performance.md
# and a plot of delivered packets per second per configuration.
#
#   report.sh RESULT-FILE OUTDIR      writes OUTDIR/results.md, OUTDIR/pps.dat, OUTDIR/pps.png
set -eu
in=$1 out=$2
mkdir -p "$out"
lines=$(tr -d '\r' < "$in" | grep '^BENCH ' | sed 's/^BENCH //')
grep -q '^done' <<< "$lines" || { echo "report: $in has no complete bench run" >&2; exit 1; }

label() {
	case $1 in
	a) echo "a) not loaded" ;; b) echo "b) loaded, idle" ;; c) echo "c) following another VM" ;;
	d) echo "d) following this path" ;; e) echo "e) bpftrace, same filter" ;; f) echo "f) dropwatch" ;;
	esac
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

{
echo "$(grep '^machine' <<< "$lines" | cut -d' ' -f2-); $(grep '^params' <<< "$lines" | cut -d' ' -f2-)"
echo
echo "| configuration | median pps | min | max | ratio of medians to a) | median of per-round ratios to a) |"
echo "|---|---:|---:|---:|---:|---:|"
base=$(grep '^pps a ' <<< "$lines" | awk '{ print $4 }' | median)
: > "$out/pps.dat"
i=0
for c in a b c d e f; do
	v=$(grep "^pps $c " <<< "$lines" | awk '{ print $4 }')
	[ -n "$v" ] || continue
	med=$(median <<< "$v"); min=$(sort -n <<< "$v" | head -n 1); max=$(sort -n <<< "$v" | tail -n 1)
	# each round measured a) next to this one: the paired ratio cancels drift
	paired=$(awk -v c="$c" '$1 == "pps" && $2 == "a" { a[$3] = $4 } $1 == "pps" && $2 == c { x[$3] = $4 }
		END { for (r in x) if (r in a) print 100 * x[r] / a[r] }' <<< "$lines" | median)
	printf '| %s | %.0f | %s | %s | %.1f%% | %.1f%% |\n' "$(label "$c")" "$med" "$min" "$max" \
		"$(awk -v m="$med" -v b="$base" 'BEGIN { print 100 * m / b }')" "$paired"
	echo "$i \"$(label "$c")\" $med $min $max" >> "$out/pps.dat"
	i=$((i + 1))
done
echo
echo "Per-packet cost against a), from the medians (1/pps - 1/pps_a):"
for c in b c d e f; do
	med=$(grep "^pps $c " <<< "$lines" | awk '{ print $4 }' | median)
	[ -n "$med" ] && awk -v m="$med" -v b="$base" -v l="$(label "$c")" \
		'BEGIN { printf "- %s: %+.0f ns per forwarded packet\n", l, 1e9 / m - 1e9 / b }'
done
echo
echo "| parallel ping -f | generated (module) | delivered (client) | counted lost | unaccounted | delivered/s |"
echo "|---:|---:|---:|---:|---:|---:|"
grep '^stream ' <<< "$lines" | while read -r _ flows gen got lost took; do
	printf '| %s | %s | %s | %s | %s | %.0f |\n' "$flows" "$gen" "$got" "$lost" "$((gen - got - lost))" \
		"$(awk -v g="$got" -v t="$took" 'BEGIN { print g / t }')"
done
echo
att=$(grep '^attach ' <<< "$lines")
echo "Session start (hooks on): median $(awk '{ print $2 }' <<< "$att" | median) us, max $(awk '{ print $2 }' <<< "$att" | sort -n | tail -n 1) us;" \
     "stop (hooks off, last events delivered): median $(awk '{ print $3 }' <<< "$att" | median) us, max $(awk '{ print $3 }' <<< "$att" | sort -n | tail -n 1) us ($(wc -l <<< "$att") rounds)."
ld=$(grep '^load ' <<< "$lines")
echo "insmod: median $(awk '{ print $2 }' <<< "$ld" | median) us; rmmod: median $(awk '{ print $3 }' <<< "$ld" | median) us."
echo
read -r _ _ modsize _ rest <<< "$(grep '^mem module' <<< "$lines")"
read -r _ _ one _ two _ cpus _ slots <<< "$(grep '^mem sessions1' <<< "$lines")"
echo "Memory: module image $modsize bytes; vmalloc at rest $rest bytes; with one session $one bytes, with two $two" \
     "bytes ($cpus CPUs, rings of $slots events x 240 bytes per CPU)."
} > "$out/results.md"

if command -v gnuplot > /dev/null; then
	gnuplot <<GP
set terminal pngcairo size 900,480 font ",10"
set output "$out/pps.png"
set title "UDP forwarding veth -> bridge -> veth, 200 ICMP echoes/s alongside (median, min-max)"
set ylabel "packets per second delivered"
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
