# The benchmark, tiny (one round of one second), so that `make bench` cannot
# rot: every configuration measured, the event stream fully accounted for,
# attach/detach and memory reported, and the report and plot produced.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
BENCH_SECONDS=1 BENCH_ROUNDS=1 bash -e "$VMTRACE_SRC/tests/ktest/bench.sh" > $TMP/bench.out
grep -q '^BENCH done' $TMP/bench.out
for c in a b c d e f; do
	expect "config $c measured" "$(awk -v c=$c '$2 == "pps" && $3 == c && $5 > 0 { print "yes" }' $TMP/bench.out)" yes
done
expect "stream runs" "$(grep -c '^BENCH stream' $TMP/bench.out)" 3
expect "every event accounted for" "$(awk '$2 == "stream" && $4 != $5 + $6 { print }' $TMP/bench.out)" ""
expect "attach rounds" "$(grep -c '^BENCH attach' $TMP/bench.out)" 20
"$VMTRACE_SRC/tests/bench/report.sh" $TMP/bench.out $TMP/report > /dev/null
grep -q '^| a) not loaded |' $TMP/report/results.md
test -s $TMP/report/pps.png
echo "ok: report and plot"
