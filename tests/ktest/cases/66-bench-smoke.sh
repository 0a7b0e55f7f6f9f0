# The benchmark, tiny (one round of one second, in one ordinary boot), so
# that `make bench` cannot rot: every configuration measured, the calls
# counted, every event of every stream accounted for, attach/detach and
# memory reported, and the report and plot produced.
. "$VMTRACE_SRC/tests/ktest/lib.sh"
export BENCH_SECONDS=1 BENCH_ROUNDS=1 BENCH_QUIET_ROUNDS=1 BENCH_WARMUP=1
# tee: if a part hangs until the boot's timeout, the log shows where
bash -e "$VMTRACE_SRC/tests/ktest/bench-cost.sh" | tee $TMP/cost.out
grep -q '^BENCH done' $TMP/cost.out
for c in a b c d k e f; do
	if [ $c = e ] && grep -q '^BENCH skip e: ' $TMP/cost.out; then
		echo "skip: config e) (bpftrace): $(sed -n 's/^BENCH skip e: //p' $TMP/cost.out)"
		continue
	fi
	expect "config $c measured" "$(awk -v c=$c '$2 == "pps" && $3 == c && $5 > 0 { print "yes" }' $TMP/cost.out)" yes
done
expect "k) counts events" "$(awk '$2 == "pps" && $3 == "k" && $6 > 0 { print "yes" }' $TMP/cost.out)" yes
expect "quiet configs" "$(grep -c '^BENCH quiet' $TMP/cost.out)" 3
if grep -q '^BENCH skip calls: ' $TMP/cost.out; then
	echo "skip: calls counted: $(sed -n 's/^BENCH skip calls: //p' $TMP/cost.out)"
else
	expect "calls counted" "$(awk '$2 == "calls" && $3 > 0 && /total=[1-9]/ { print "yes" }' $TMP/cost.out)" yes
fi

bash -e "$VMTRACE_SRC/tests/ktest/bench-stream.sh" | tee $TMP/stream.out
grep -q '^BENCH done' $TMP/stream.out
expect "stream runs" "$(grep -c '^BENCH stream' $TMP/stream.out)" 6
expect "every event accounted for" "$(awk '$2 == "stream" && $5 != $6 + $7 { print }' $TMP/stream.out)" ""
expect "floods made events" "$(awk '$2 == "stream" && $3 == "flood" && $6 > 0 { n++ } END { print n }' $TMP/stream.out)" 3
expect "attach rounds" "$(grep -c '^BENCH attach' $TMP/stream.out)" 20
# gnuplot's font cache, on a read-only root
XDG_CACHE_HOME=$TMP "$VMTRACE_SRC/tests/bench/report.sh" $TMP/cost.out $TMP/stream.out $TMP/report > /dev/null
grep -q '^| a) not loaded |' $TMP/report/results.md
grep -q 'instructions per call' $TMP/report/results.md
test -s $TMP/report/pps.png
echo "ok: report and plot"
