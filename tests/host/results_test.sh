#!/usr/bin/env bash
# Description: `iopf-bench report` on hand-made results folders (plan.json +
# raw/*.json, *.hist.json, *.ts.csv with known values): run.json validates
# against results/run.schema.json; the CSVs have the documented columns and
# one row per point and design; every figure exists as a non-empty PNG and
# SVG and report.html links it; failed, error, missing and skipped
# repetitions stay out of the medians and are reported with their reason; a
# point with all-zero rates does not crash anything; a clear 3x difference is
# regressed / improved with the interval excluding 1 (the gate's rule and
# vocabulary: rule 2, Holm over the gated cells), identical data is
# "unchanged", two repetitions are "noisy (too few repetitions ... need 6)"; an INCOMPLETE
# marker gives status incomplete; a gnuplot failure (GNUPLOT=false, a missing
# or broken script) makes report exit non-zero, saying which figure; a
# committed folder measured before ABI 7 (model prq) is still reported; the
# two in-flush latencies (small samples) carry their per-run sample counts
# (run.json's samples, report.html's and the text's n=) and their labels.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
SCHEMA=$TESTS_TOP/results/run.schema.json
tmp=$(mktemp -d); [[ -n ${KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3	# Debian's, with python3-jsonschema
[[ -x $PY ]] || PY=python3

# --- fixtures --------------------------------------------------------------------
# NR repetitions per point and design: enough for the report's rule (the
# gate's: one-sided tests at alpha / family, Holm) to decide a 3x change
# over the full fixture's family of gated cells.
NR=9
# mk POINT DESIGN REP [key=value...]: raw/POINT/DESIGN-rREP.json. Rates and
# latencies are scaled by (100 + REP - (NR + 1) / 2) % so that repetitions
# differ a little around the nominal value (the median).
mk() {
	local pt=$1 de=$2 r=$3 kv; shift 3
	local status=success rate=10000 offered=10000 p50=100000 p99=400000 p999=800000 rp50=3000 rp99=10000
	local rp999=20000 q99=50000 viol=0 ovf=0 unb=0 fp50=null fp99=null up50=null up99=null rif50=null rif99=null
	local lcnt=20000 rifn=0 qif50=null qif99=null qifn=0 rcpu=null
	local extra='' un=''
	for kv in "$@"; do local "${kv?}"; done
	j() { if [[ $1 == null ]]; then echo null; else echo $(($1 * (100 + r - (NR + 1) / 2) / 100)); fi; }
	[[ $up50 == null ]] || un="\"unbind\": {\"cycles\": 50, \"errors\": 0, \"latency_ns\": {\"count\": 2000, \"p50\": $(j "$up50"), \"p99\": $(j "$up99")}},"
	mkdir -p "$d/raw/$pt"
	cat >"$d/raw/$pt/$de-r$r.json" <<-EOF
	{"version": {"schema": 2, "tool": "1.0.0"}, "command": "run", "status": "$status", $extra
	 "rate_per_s": $(j "$rate"), "target_rate_per_s": $offered,
	 "latency_ns": {"count": $lcnt, "p50": $(j "$p50"), "p99": $(j "$p99"), "p999": $(j "$p999")},
	 "report_last_latency_ns": {"count": 20000, "p50": $(j "$rp50"), "p99": $(j "$rp99"), "p999": $(j "$rp999")},
	 "report_in_flush_latency_ns": {"count": $rifn, "p50": $(j "$rif50"), "p99": $(j "$rif99")},
	 "queue_in_flush_latency_ns": {"count": $qifn, "p50": $(j "$qif50"), "p99": $(j "$qif99")},
	 "queue_latency_ns": {"count": 2000, "p99": $(j "$q99")},
	 "invariant_violations": $viol, "violations": {"unexpected": 0, "late": 0, "lost": $viol, "group": 0},
	 "prq": {"overflows": $ovf}, "group_check": {"incomplete": 0}, "reporters": {"cpu_ns_per_request": $(j "$rcpu")},
	 "detach": {"flushes": 2000, "flush_latency_ns": {"count": 2000, "p50": $(j "$fp50"), "p99": $(j "$fp99")}},
	 $un
	 "config": {"unbinders": $unb}}
	EOF
}
# hist POINT DESIGN REP SCALE: response and report_last histograms (--hist layout)
hist() {
	local s=$4
	cat >"$d/raw/$1/$2-r$3.hist.json" <<-EOF
	{"version": {"schema": 2}, "command": "run", "layout": {"sub_bits": 6, "max_bits": 36, "nr_buckets": 1984},
	 "histograms": {
	  "response": {"count": 1000, "buckets": [
	   {"lo_ns": $((50000 * s)), "hi_ns": $((51000 * s)), "count": 500}, {"lo_ns": $((100000 * s)), "hi_ns": $((102000 * s)), "count": 400},
	   {"lo_ns": $((400000 * s)), "hi_ns": $((408000 * s)), "count": 90}, {"lo_ns": $((800000 * s)), "hi_ns": $((816000 * s)), "count": 10}]},
	  "report_last": {"count": 1000, "buckets": [
	   {"lo_ns": $((2000 * s)), "hi_ns": $((2031 * s)), "count": 500}, {"lo_ns": $((3000 * s)), "hi_ns": $((3047 * s)), "count": 400},
	   {"lo_ns": $((10000 * s)), "hi_ns": $((10239 * s)), "count": 100}]}}}
	EOF
}
# ts POINT DESIGN REP SCALE: a time series (helper "stream" columns), an unbind every 5th interval
ts() {
	local i t u rp sp
	{
		echo "t_ms,interval_ms,requests,responses,throughput_rps,report_p50_ns,report_p99_ns,report_max_ns,response_p50_ns,response_p99_ns,response_max_ns,in_flush_reports,overflows,unbind_starts,unbind_ends"
		for ((i = -5; i <= 40; i++)); do
			t=$((i * 10)) u=$((i % 5 == 0))
			rp=$(((10000 + u * 40000) * $4)) sp=$(((400000 + u * 600000) * $4))
			if ((i == 7)); then echo "$t,10,0,0,0,,,,,,,0,0,0,0"; continue; fi
			echo "$t,10,100,100,10000,3000,$rp,$((rp * 2)),100000,$sp,$((sp * 2)),$u,0,$u,$u"
		done
	} >"$d/raw/$1/$2-r$3.ts.csv"
}
# point ID SWEEP AXIS_VALUES [SKIP_REASON [REPS]]: a plan point and its runs
point() {
	local de r
	printf '{"id": "%s", "sweep": "%s", "axis_values": %s, "params": %s, "args": [], "skip_reason": %s}\n' \
		"$1" "$2" "$3" "$3" "$(if [[ -n ${4:-} ]]; then jq -Rn --arg s "$4" '$s'; else echo null; fi)" >>"$d/.points"
	[[ -z ${4:-} ]] || return 0
	for de in $designs; do for ((r = 1; r <= ${5:-$NR}; r++)); do
		printf '{"point": "%s", "design": "%s", "rep": %d, "boot": %d, "order": 0}\n' "$1" "$de" "$r" "$r" >>"$d/.runs"
	done; done
}
# sweep NAME AXES_JSON IDS...
sweep() {
	local n=$1 ax=$2; shift 2
	jq -cn --arg n "$n" --argjson ax "$ax" '{name: $n, description: "sweep \($n)", axes: $ax, points: $ARGS.positional}' \
		--args "$@" >>"$d/.sweeps"
}
# plan BASELINE: plan.json from the points, runs and sweeps above
plan() {
	jq -n --arg base "$1" --arg designs "$designs" --argjson nr "$NR" --slurpfile pts "$d/.points" --slurpfile runs "$d/.runs" \
		--slurpfile sws "$d/.sweeps" '{schema_version: 1,
		spec: {name: "fixture <b>", file: "bench/specs/fixture.ini", description: "hand-made results"},
		target: "vm", baseline_design: (if $base == "" then null else $base end),
		designs: ($designs | split(" ")), repetitions: $nr,
		vm: {emulated: true, cpus: 2, topology: "1:2:1", numa_nodes: 0},
		sweeps: $sws, points: $pts, runs: $runs}' >"$d/plan.json"
	rm -f "$d/.points" "$d/.runs" "$d/.sweeps"
	echo '{"git": {"revision": "0123abc", "dirty": true}, "date": "2026-11-22T04:29:02Z",
	       "host": {"name": "vm", "cpu": "AMD EPYC"}, "qemu": {"version": "9.2.0", "accel": "tcg"},
	       "kernels": [{"design": "rcu", "flavor": "perf", "kernelrelease": "6.12.117", "config_sha256": "0f22"}]}' \
		>"$d/provenance.json"
}
new() { d=$tmp/$1; mkdir -p "$d/raw"; : >"$d/.points"; : >"$d/.runs"; : >"$d/.sweeps"; }

# A: every kind of sweep, every kind of repetition
new full
designs="rcu mutex"
for rate in 10000 30000 100000; do	# rcu saturates at 50k/s, mutex at 20k/s
	id="rate.rate_per_s=$rate"; point "$id" rate "{\"rate_per_s\": $rate}"
	for ((r = 1; r <= NR; r++)); do
		mk "$id" rcu $r rate=$((rate < 50000 ? rate : 50000)) offered=$rate
		mk "$id" mutex $r rate=$((rate < 20000 ? rate : 20000)) offered=$rate
	done
done
sweep rate '["rate_per_s"]' rate.rate_per_s={10000,30000,100000}
for g in 1 16; do	# mutex: report p99 and reporter CPU 3x rcu's; g=16: mutex-r2 violates, rcu-r3 times out
	id="group-size.group_size=$g"; point "$id" group-size "{\"group_size\": $g}"
	for ((r = 1; r <= NR; r++)); do
		mk "$id" rcu $r rp99=$((10000 * g)) rcpu=$((2000 * g)); hist "$id" rcu $r 1
		mk "$id" mutex $r rp99=$((30000 * g)) rcpu=$((6000 * g)); hist "$id" mutex $r 3
	done
done
mk group-size.group_size=16 mutex 2 status=failure viol=7 rate=1
mk group-size.group_size=16 rcu 3 status=error rate=1 \
	extra='"error": {"source": "bench", "errno": 110, "errno_name": "ETIMEDOUT", "message": "timeout: the run did not finish"},'
echo "iopf-bench: timeout" >"$d/raw/group-size.group_size=16/rcu-r3.err"
sweep group-size '["group_size"]' group-size.group_size={1,16}
for u in 0 2; do
	id="unbind.unbinders=$u"; point "$id" unbind "{\"unbinders\": $u}"
	for ((r = 1; r <= NR; r++)); do
		if ((u)); then
			# the in-flush figures: a few hundred samples per run (too few for a p99)
			mk "$id" rcu $r unb=$u fp50=3000 fp99=100000 up50=9000 up99=200000 rif50=5000 rif99=50000 \
				rifn=$((400 + r)) qif50=20000 qif99=90000 qifn=60
			mk "$id" mutex $r unb=$u fp50=3000 fp99=300000 up50=9000 up99=600000 rif50=50000 rif99=3000000 \
				rifn=300 qif50=200000 qif99=900000 qifn=55
			ts "$id" rcu $r 1; ts "$id" mutex $r 3
		else
			mk "$id" rcu $r; mk "$id" mutex $r
		fi
	done
done
sweep unbind '["unbinders"]' unbind.unbinders={0,2}
ids=()
for inj in 1 2; do for pl in spread packed smt-siblings; do
	id="placement.injectors=$inj.placement=$pl"; ids+=("$id")
	if [[ $pl == smt-siblings ]]; then
		point "$id" placement "{\"injectors\": $inj, \"placement\": \"$pl\"}" "smt-siblings needs 2 PUs per core <script>"
		continue
	fi
	point "$id" placement "{\"injectors\": $inj, \"placement\": \"$pl\"}"
	f=$([[ $pl == spread ]] && echo 2 || echo 1)
	for ((r = 1; r <= NR; r++)); do mk "$id" rcu $r rate=$((10000 * inj * f)); mk "$id" mutex $r rate=$((9000 * inj * f)); done
done; done
rm "$d/raw/placement.injectors=2.placement=spread/mutex-r5.json"
sweep placement '["injectors", "placement"]' "${ids[@]}"
for v in off on; do	# the stream costs mutex 20 %, rcu nothing
	id="ts-cost.timeseries=$v"; point "$id" ts-cost "{\"timeseries\": \"$v\"}"
	for ((r = 1; r <= NR; r++)); do mk "$id" rcu $r; mk "$id" mutex $r "rate=$([[ $v == on ]] && echo 8000 || echo 10000)"; done
done
sweep ts-cost '["timeseries"]' ts-cost.timeseries={off,on}
for h in wq null; do	# wq: mutex 3x the throughput; null: every rate 0, no latency samples
	id="handler.handler=$h"; point "$id" handler "{\"handler\": \"$h\"}"
	for ((r = 1; r <= NR; r++)); do
		if [[ $h == null ]]; then
			mk "$id" rcu $r rate=0 p50=null p99=null p999=null rp50=null rp99=null rp999=null
			mk "$id" mutex $r rate=0 p50=null p99=null p999=null rp50=null rp99=null rp999=null
		else
			mk "$id" rcu $r; mk "$id" mutex $r rate=30000
		fi
	done
done
sweep handler '["handler"]' handler.handler={wq,null}
point few.pasids=4 few '{"pasids": 4}' "" 2	# two repetitions only
for r in 1 2; do mk few.pasids=4 rcu $r lcnt=$((r == 2 ? 5000 : 20000)); mk few.pasids=4 mutex $r rp99=90000; done
sweep few '["pasids"]' few.pasids=4
plan rcu
full=$d

# B: clean and identical designs; C: B with the INCOMPLETE marker; E: one design on the host
new clean
for g in 1 4; do
	point "gs.group_size=$g" gs "{\"group_size\": $g}"
	for ((r = 1; r <= NR; r++)); do mk "gs.group_size=$g" rcu $r; mk "gs.group_size=$g" mutex $r; done
done
sweep gs '["group_size"]' gs.group_size={1,4}
plan rcu
clean=$d
cp -r "$clean" "$tmp/inc"; touch "$tmp/inc/INCOMPLETE"; rm -f "$tmp/inc/run.json"
new host
designs=host
point "r.rate_per_s=1000" r '{"rate_per_s": 1000}'
for ((r = 1; r <= NR; r++)); do mk r.rate_per_s=1000 host $r rate=1000 offered=1000; done
sweep r '["rate_per_s"]' r.rate_per_s=1000
plan host	# as sweep --target host writes it: the one design is the baseline
host=$d
# F: an open-groups axis (bench/specs/partials.ini's shape): the report path of
# "rcu" grows with open groups x (group size - 1), "rcu-indexed"'s stays flat
new og
designs="rcu rcu-indexed"
ids=()
for og in 1 64 512; do for g in 1 16; do
	id="og.open_groups=$og.group_size=$g"; ids+=("$id")
	point "$id" og "{\"open_groups\": $og, \"group_size\": $g}"
	for ((r = 1; r <= NR; r++)); do
		mk "$id" rcu $r rp50=$((3000 + 10 * og * (g - 1))) rp99=$((10000 + 20 * og * (g - 1))) rcpu=$((2000 + og * (g - 1)))
		mk "$id" rcu-indexed $r rcpu=2000
	done
done; done
sweep og '["open_groups", "group_size"]' "${ids[@]}"
plan rcu
og=$d

# run DIR [ARGS...]: report, out = stdout, err = stderr, rc
run() { out=$("$B" report "$@" 2>"$tmp/err"); rc=$?; err=$(cat "$tmp/err"); }
validate() { "$PY" -m jsonschema -i "$1/run.json" "$SCHEMA" 2>&1; }
q() { jq -r "$1" "$full/run.json"; }
cmpq() { q ".sweeps[] | select(.name == \"$1\") | .points[] | select(.id == \"$2\") | .comparisons.mutex.$3 | $4"; }

ktap_print_header
ktap_set_plan 64

# --- A --------------------------------------------------------------------------
run "$full"
check "failed repetitions: report exits 1" 1 "$rc"
check "run.json validates against results/run.schema.json" "" "$(validate "$full")"
check "status failed, with the reasons" "failed 3" "$(q '"\(.status) \(.problems | length)"')"
check "counts of every status" "success=271 failure=1 error=1 skipped=36 missing=1" \
	"$(q '.counts | "success=\(.success) failure=\(.failure) error=\(.error) skipped=\(.skipped) missing=\(.missing)"')"
g16='.sweeps[] | select(.name == "group-size") | .points[] | select(.id == "group-size.group_size=16")'
g1='.sweeps[] | select(.name == "group-size") | .points[] | select(.id == "group-size.group_size=1")'
check "a violating repetition is a failure, with the counts" "failure: 7 invariant violations (unexpected 0, late 0, lost 7, group 0)" \
	"$(q "$g16 | .designs.mutex.repetitions[1] | \"\(.status): \(.reason)\"")"
check "an error repetition: message, errno and stderr" "error: timeout: the run did not finish (ETIMEDOUT); stderr: iopf-bench: timeout" \
	"$(q "$g16 | .designs.rcu.repetitions[2] | \"\(.status): \(.reason)\"")"
# mutex reps 1,3..9: 10000 * 0.96, 0.98..1.04 -> median 10050 (the failed one's rate 1 left out)
check "failed repetition left out of the median" "8 10050 9600 10400" \
	"$(q "$g16 | .designs.mutex.summary.throughput_rps | \"\(.n) \(.median) \(.min) \(.max)\"")"
check "the point is marked" "failed 2" "$(q "$g16 | \"\(.point_status) \(.failed_repetitions)\"")"
check "3x report p99 (not gated): regressed, the interval excludes 1" "regressed true 3 false" \
	"$(cmpq group-size group-size.group_size=1 report_p99_ns '"\(.verdict) \(.ci_low > 1) \(.ratio * 1000 | round / 1000) \(.gated)"')"
check "3x closed-loop throughput (gated): improved, the interval excludes 1" "improved true 3 true" \
	"$(cmpq handler handler.handler=wq throughput_rps '"\(.verdict) \(.ci_low > 1) \(.ratio * 1000 | round / 1000) \(.gated)"')"
# rcu reps 1..9: 2000 * 0.96..1.04 -> median 2000; the reporters' mean CPU per request, no sample floor
check "reporter CPU per request: reporters.cpu_ns_per_request, its median and its label" "9 2000 1920 2080 reporter CPU per request ns" \
	"$(q "$g1 | .designs.rcu.summary.reporter_cpu_per_request_ns | \"\(.n) \(.median) \(.min) \(.max)\"") $(q '.metrics[] | select(.name == "reporter_cpu_per_request_ns") | "\(.label) \(.unit)"')"
check "3x reporter CPU per request (not gated): regressed, the interval excludes 1" "regressed true 3 false" \
	"$(cmpq group-size group-size.group_size=1 reporter_cpu_per_request_ns '"\(.verdict) \(.ci_low > 1) \(.ratio * 1000 | round / 1000) \(.gated)"')"
check "plain words, the row's interval at alpha / family" "mutex: report p99 3x higher (99.8 % CI 2.85x..3.15x): regressed" \
	"$(cmpq group-size group-size.group_size=1 report_p99_ns .words)"
check "the rule is the gate's: rule 2, alpha 0.05, Holm over the gated cells" "2 0.05 42 0.997" \
	"$(q '"\(.rule_version) \(.alpha) \(.family) \(.confidence * 1000 | floor / 1000)"')"
check "identical data: unchanged, the interval around 1" "unchanged 1 true" \
	"$(cmpq rate rate.rate_per_s=10000 throughput_rps '"\(.verdict) \(.ratio) \(.ci_low <= 1 and .ci_high >= 1)"')"
check "all-zero rates: unchanged (both zero)" "unchanged both zero null" \
	"$(cmpq handler handler.handler=null throughput_rps '"\(.verdict) \(.reason) \(.ratio)"')"
check "absent latency: null median, missing" "0 null missing" \
	"$(q '.sweeps[] | select(.name == "handler") | .points[1] | "\(.designs.rcu.summary.response_p99_ns.n) \(.designs.rcu.summary.response_p99_ns.median) \(.comparisons.mutex.response_p99_ns.verdict)"')"
check "two repetitions: noisy, need 6 per side" "noisy too few repetitions: 2 (baseline) and 2 (new), need 6" \
	"$(cmpq few few.pasids=4 report_p99_ns '"\(.verdict) \(.reason)"')"
check "a percentile left out for too few samples is said per repetition (dropped: its samples)" "null 5000 null" \
	"$(q '.sweeps[] | select(.name == "few") | .points[0].designs.rcu.repetitions[1] | "\(.metrics.response_p999_ns) \(.dropped.response_p999_ns) \(.dropped.response_p99_ns)"')"
check "skipped point: status and reason" "skipped skipped smt-siblings needs 2 PUs per core <script>" \
	"$(q '.sweeps[] | select(.name == "placement") | .points[2] | "\(.point_status) \(.designs.rcu.repetitions[0].status) \(.designs.rcu.repetitions[0].reason)"')"
check "missing repetition" "partial missing no result file 8" \
	"$(q '.sweeps[] | select(.name == "placement") | .points[3] | "\(.point_status) \(.designs.mutex.repetitions[4].status) \(.designs.mutex.repetitions[4].reason) \(.designs.mutex.summary.throughput_rps.n)"')"
check "knees: the first offered rate below 95 %" "rcu:100000:50000 mutex:30000:20000" \
	"$(q '[.sweeps[] | select(.name == "rate") | .knees[] | "\(.design):\(.offered_rps):\(.delivered_rps)"] | join(" ")')"
check "stream cost: on/off throughput per design" "rcu:unchanged:1 mutex:regressed:0.8" \
	"$(q '[.sweeps[] | select(.name == "ts-cost") | .timeseries_cost[] | "\(.design):\(.verdict):\(.ratio * 1000 | round / 1000)"] | join(" ")')"
check "unbind and flush latency compared" "regressed regressed" \
	"$(cmpq unbind unbind.unbinders=2 flush_p99_ns .verdict) $(cmpq unbind unbind.unbinders=2 unbind_p99_ns .verdict)"

hdr="point,design,point_status,n_ok,n_failed,n_skipped,n_missing,group_size"
for m in throughput_rps offered_rps response_p50_ns response_p99_ns response_p999_ns report_p50_ns report_p99_ns \
	report_p999_ns report_in_flush_p50_ns report_in_flush_p99_ns queue_in_flush_p50_ns queue_in_flush_p99_ns \
	queue_p50_ns queue_p99_ns flush_p50_ns flush_p99_ns \
	unbind_p50_ns unbind_p99_ns overflows invariant_violations incomplete_groups reporter_cpu_per_request_ns; do
	hdr+=",${m}_median,${m}_min,${m}_max"
done
check "CSV columns (layout 2): point, design, status and counts, the axes, median/min/max per metric" "$hdr" \
	"$(head -1 "$full/csv/group-size.csv")"
check "CSV rows: one per point and design" "4 failed,8,1,0,0,16,10050,9600,10400" \
	"$(($(wc -l <"$full/csv/group-size.csv") - 1)) $(grep '^group-size.group_size=16,mutex' "$full/csv/group-size.csv" | cut -d, -f3-11)"
check "CSV: several axes after the counts, in the sweep's order" "n_missing,injectors,placement,throughput_rps_median" \
	"$(head -1 "$full/csv/placement.csv" | cut -d, -f7-10)"
check "CSV per sweep" "few.csv group-size.csv handler.csv placement.csv rate.csv ts-cost.csv unbind.csv" \
	"$(cd "$full/csv" && echo *.csv)"

check "figures chosen by the axes" \
	"bars bars bars cdf latency-vs-group throughput throughput-vs-count timeseries unbind-vs-unbinders" \
	"$(q '[.sweeps[].figures[].kind] | sort | join(" ")')"
bad=
for f in $(q '.sweeps[].figures[] | .png, .svg'); do
	[[ -s $full/$f ]] || bad+=" $f (empty or missing)"
	grep -qF "\"$f\"" "$full/report.html" || bad+=" $f (not in report.html)"
done
check "every figure: non-empty PNG and SVG, linked from report.html" "" "$bad"
check "PNG and SVG are what they say" "PNG SVG" \
	"$(file -b "$full/fig/rate-throughput.png" | cut -c1-3) $(grep -c '<svg' "$full/fig/rate-throughput.svg" | sed 's/^[1-9][0-9]*$/SVG/')"
check "CDF data from the merged histograms: NR reps of mutex" "\"mutex ($NR reps)\"" "$(grep mutex "$full/fig/group-size-cdf.dat")"
h=$full/report.html
check_match "report.html: a banner saying FAILED" 'class="banner"><strong>FAILED' "$(cat "$h")"
check "report.html: strings from files are escaped" "0 1" \
	"$(grep -c '<script>' "$h") $(grep -c 'per core &lt;script&gt;' "$h" | sed 's/^[1-9][0-9]*$/1/')"
check "report.html: offline (no external URL)" "0" "$(grep -cE '(src|href)="(https?:)?//' "$h")"
check_match "report.html: provenance (git, QEMU, emulated topology)" "0123abc.*dirty.*qemu.version.*9.2.0.*emulated" "$(tr -d '\n' <"$h")"
check_match "report.html: links the raw files and CSVs" 'href="raw/group-size.group_size=16/mutex-r2.json".*href="csv/group-size.csv"' "$(tr -d '\n' <"$h")"
check_match "text summary: the comparison in words" "mutex: report p99 3x higher \(99.8 % CI 2.85x..3.15x\): regressed  \[rcu 10us, mutex 30us\]" "$out"
# The in-flush latencies: small samples, their counts beside them everywhere.
u2='.sweeps[] | select(.name == "unbind") | .points[] | select(.id == "unbind.unbinders=2")'
check "in-flush: per repetition, the run's sample count (samples)" "401 60 null" \
	"$(q "$u2 | .designs.rcu.repetitions[0] | \"\(.samples.report_in_flush_p50_ns) \(.samples.queue_in_flush_p50_ns) \(.metrics.report_in_flush_p99_ns)\"")"
check "in-flush: per design, the runs' sample counts (summary ... samples)" "$NR 401 $((400 + NR)) 55 55" \
	"$(q "$u2 | \"\(.designs.rcu.summary.report_in_flush_p50_ns.samples.n) \(.designs.rcu.summary.report_in_flush_p50_ns.samples.min) \(.designs.rcu.summary.report_in_flush_p50_ns.samples.max) \(.designs.mutex.summary.queue_in_flush_p50_ns.samples.min) \(.designs.mutex.summary.queue_in_flush_p50_ns.samples.max)\"")"
check "in-flush: named for what they are, small samples, not gated" \
	"report during a flush of the same device p50|queue wait while any flush runs on the IOMMU p50|4|regressed false" \
	"$(q '[(.metrics[] | select(.name == "report_in_flush_p50_ns") | .label), (.metrics[] | select(.name == "queue_in_flush_p50_ns") | .label), ([.metrics[] | select(.small_sample)] | length)] | map(tostring) | join("|")')|$(cmpq unbind unbind.unbinders=2 queue_in_flush_p50_ns '"\(.verdict) \(.gated)"')"
check_match "in-flush: the text summary gives the samples per run beside each median" \
	"mutex: queue wait while any flush runs on the IOMMU p50 10x higher .*: regressed  \[rcu 20us \(n=60\), mutex 200us \(n=55\)\]" "$out"
check_match "in-flush: the text summary, a range when the runs differ" \
	"mutex: report during a flush of the same device p50 10x higher .*\[rcu 5us \(n=401\.\.$((400 + NR))\), mutex 50us \(n=300\)\]" "$out"
check_match "in-flush: report.html, the label and the samples per run beside the median" \
	"<td>report during a flush of the same device p50</td><td class=\"num\">5us<br><span class=\"small\">[^<]*<br>samples/run n=401\.\.$((400 + NR))</span>" \
	"$(tr -d '\n' <"$h")"
check "report.html opens with the decided cells: every regressed cell, then every improved, before the provenance" \
	"$(q '[.sweeps[].points[].comparisons[][] | select(.verdict == "regressed")] | length') regressed, then $(q '[.sweeps[].points[].comparisons[][] | select(.verdict == "improved")] | length') improved" \
	"$(perl -0ne 'print $1 if /<h2 id="decided">(.*?)<h2 id="provenance">/s' "$h" | grep -o 'class="v-[a-z]*"' | uniq -c |
		awk '{sub(/class="v-/, "", $2); sub(/"/, "", $2); printf "%s%s %s", (NR > 1 ? ", then " : ""), $1, $2}')"
check_match "stderr: the status and why" "status failed: 1 of 310 repetitions missing" "$err"
sum=$(md5sum "$full/run.json")
run "$full" --alpha 20% --quiet
check_match "a folder reported before: exit 2 without --force, run.json unchanged" \
	"^2 iopf-bench report: $full was reported before \(its run.json is there\): --force rewrites run.json, csv/, fig/ and report.html in place same$" \
	"$rc $err $([[ $(md5sum "$full/run.json") == "$sum" ]] && echo same || echo changed)"
run "$full" --alpha 20% --quiet --force
check "--alpha 0.2: the row's level follows, quiet" "0.99 2" \
	"$(cmpq group-size group-size.group_size=1 report_p99_ns '.confidence * 100 | floor / 100') $(wc -l <<<"$out")"
check "the schema rejects a wrong run.json" "1" \
	"$(jq '.status = "fine"' "$full/run.json" >"$tmp/bad.json"; "$PY" -m jsonschema -i "$tmp/bad.json" "$SCHEMA" >/dev/null 2>&1; echo $?)"

# --- B, C, E ----------------------------------------------------------------------
run "$clean"
check "clean folder: exit 0, complete, validates" "0 complete " "$rc $(jq -r .status "$clean/run.json") $(validate "$clean")"
check "identical designs: every verdict unchanged or missing" "missing unchanged" \
	"$(jq -r '[.sweeps[].points[].comparisons.mutex[].verdict] | unique | join(" ")' "$clean/run.json")"
run "$tmp/inc"
check "INCOMPLETE marker: exit 1, status incomplete" "1 incomplete" "$rc $(jq -r .status "$tmp/inc/run.json")"
check_match "INCOMPLETE marker: report.html banner" "INCOMPLETE: this folder does not hold every planned run" "$(cat "$tmp/inc/report.html")"
run "$host"
check "one design: exit 0, no comparisons, validates" "0 {} " \
	"$rc $(jq -c '.sweeps[0].points[0].comparisons' "$host/run.json") $(validate "$host")"
check_match "one design: medians in the text and in report.html" "host: throughput 1k/s.*<th>host median</th>.*1 k/s" \
	"$(tr -d '\n' <<<"$out") $(tr -d '\n' <"$host/report.html")"
run "$og"
check "an open-groups axis: report and response latency against it, one figure per group size" \
	"0 report-vs-open-groups report-vs-open-groups og-report-vs-open-groups-group_size_16.png" \
	"$rc $(jq -r '[.sweeps[].figures[].kind] | sort | join(" ")' "$og/run.json") $(cd "$og/fig" && ls -- *open-groups*16.png)"
check "open groups: rcu-indexed's reporter CPU per request against rcu's: the same without partials, improved with them" \
	"1 improved" "$(jq -r '[.sweeps[].points[] | select(.id == "og.open_groups=1.group_size=1") | .comparisons["rcu-indexed"].reporter_cpu_per_request_ns.ratio] + [.sweeps[].points[] | select(.id == "og.open_groups=512.group_size=16") | .comparisons["rcu-indexed"].reporter_cpu_per_request_ns.verdict] | join(" ")' "$og/run.json")"

# --- failures are never swallowed ---------------------------------------------------
cp -r "$clean" "$tmp/gp"
GNUPLOT=false run "$tmp/gp" --force
check_match "GNUPLOT=false: exit 1, says which figure" "^1 .*figure gs-latency-vs-group: false .* exited with status 1" "$rc $(tr '\n' ' ' <<<"$err")"
IOPF_PLOTS_DIR=$tmp/nowhere run "$tmp/gp" --force
check_match "no scripts: exit 1" "^1 .*no gnuplot script $tmp/nowhere/latency_vs.gp" "$rc $(tr '\n' ' ' <<<"$err")"
cp -r "$TESTS_TOP/scripts/plots" "$tmp/plots"; echo 'plot nosuchfunction(x)' >>"$tmp/plots/cdf.gp"
IOPF_PLOTS_DIR=$tmp/plots run "$full" --force
check_match "a broken script: exit 1, gnuplot's message" "figure group-size-cdf: .*cdf.gp exited with status 1.*gnuplot: " "$(tr '\n' ' ' <<<"$err")"
mkdir "$tmp/empty"
run "$tmp/empty"
check_match "no plan.json: exit 1" "^1 .*cannot read $tmp/empty/plan.json" "$rc $(tr '\n' ' ' <<<"$err")"
run
a=$rc
run "$clean" --alpha 60%
b=$rc
run "$clean" --confidence 0.99
check "usage errors exit 2 (--confidence is gone: --alpha)" "2 2 2 1" "$a $b $rc $(grep -c 'use --alpha' <<<"$err")"

# A percentile from too few samples (here 500 < 1000 for p99) is left out.
cp -r "$clean" "$tmp/few"
for f in "$tmp"/few/raw/*/*-r*.json; do
	case $f in *.hist.json) continue ;; esac
	jq '.report_last_latency_ns.count = 500' "$f" >"$f.t" && mv "$f.t" "$f"
done
run "$tmp/few" --quiet --force
check "too few samples: report p50 kept, report p99 left out, with the reason" "false true missing too few samples" \
	"$(jq -r '[.sweeps[0].points[0] | (.designs.rcu.summary.report_p50_ns.median == null), (.designs.rcu.summary.report_p99_ns.median == null), .comparisons.mutex.report_p99_ns.verdict, (.comparisons.mutex.report_p99_ns.reason | test("too few samples") | if . then "too few samples" else "?" end)] | join(" ")' "$tmp/few/run.json")"

# A folder measured before ABI 7 (its points' model is prq, renamed vtd since) is still read and reported.
old=$TESTS_TOP/results/runs/20261206-000757-default
if [[ -d $old/raw ]]; then
	cp -r "$old" "$tmp/pre-abi7"
	run "$tmp/pre-abi7" --quiet --force
	check "a pre-ABI-7 folder (model prq): reported, run.json valid, its points still say prq" "0 13 13" \
		"$rc $(jq '[.sweeps[].points[] | select(.params.model == "prq")] | length' "$tmp/pre-abi7/run.json") \
$(validate "$tmp/pre-abi7" >/dev/null && jq '[.points[] | select(.params.model == "prq")] | length' "$tmp/pre-abi7/plan.json")"
else
	ktap_test_skip "a pre-ABI-7 folder (model prq) is reported (no $old/raw)"
fi

ktap_finished
