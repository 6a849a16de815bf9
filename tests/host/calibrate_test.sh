#!/usr/bin/env bash
# Description: `iopf-bench calibrate --from DIR` (the analysis of a
# calibration folder, no VM) on a hand-made pool of 24 boots whose values
# are known: level 0 and the 2 % level have the same distribution (no
# effect), the 20 % level puts response p50 30 % higher; the A' level
# (a second run at 0 in every boot) makes the paired A/A. At 6 repetitions
# per side the A/A false-alarm rate and the 2 % rate are low and the 20 %
# level is detected in (nearly) every trial, with response_p50_ns the
# metric that caught it; calibration.json, calibration.csv and
# fig/detection.{png,svg} are written; the same seed gives the same rates;
# bad options and a folder without a pool are refused with exit 2.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
tmp=$(mktemp -d); [[ -n ${KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT

ktap_print_header
ktap_set_plan 47

# The pool: plan.json with the calibration entries, run.json with the runs.
d=$tmp/cal
mkdir -p "$d/pool"
python3 - "$d/pool" <<'EOF'
import json, random, sys
out = sys.argv[1]
random.seed(7)
boots, levels = 24, [0, 0, 0.02, 0.2]     # A, A', then the slowdowns
plan = {"schema_version": 1, "repetitions": boots, "points": []}
run = {"schema_version": 1, "status": "complete", "sweeps": [{"name": "steady", "points": []}]}
boot_effect = [random.gauss(0, 0.02) for b in range(boots)]   # what a boot does to every level alike
for li, lv in enumerate(levels):
    pid = "steady.group-size=4@%d-s=%g" % (li, 100 * lv)
    plan["points"].append({"id": pid, "calibration": {"base_point": "steady.group-size=4", "level": li,
                           "slowdown": lv, "per_request_ns": 100000.0, "path": "response"}})
    reps = []
    for b in range(1, boots + 1):
        boot = boot_effect[b - 1]
        f = 1.3 if lv == 0.2 else 1.0
        m = {"throughput_rps": 20000, "response_p50_ns": 100000 * f * (1 + boot + random.gauss(0, 0.03)),
             "response_p99_ns": 900000 * (1 + random.gauss(0, 0.2)),
             "report_p50_ns": 4000 * (1 + random.gauss(0, 0.1)), "overflows": 0, "invariant_violations": 0}
        reps.append({"rep": b, "status": "success", "metrics": m})
    run["sweeps"][0]["points"].append({"id": pid, "designs": {"rcu": {"repetitions": reps}}})
json.dump(plan, open(out + "/plan.json", "w"))
json.dump(run, open(out + "/run.json", "w"))
EOF

"$B" calibrate --from "$d" --reps 6 --splits 100 --family 5 >"$tmp/out" 2>"$tmp/err"
rc=$?
check "calibrate --from exits 0" 0 "$rc"
((rc == 0)) || ktap_print_msg "$(tail -n 5 "$tmp/err")"
j=$d/calibration.json
rate() { jq -r --argjson s "$1" '.rows[] | select(.slowdown == $s) | .rate' "$j" 2>&1; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }' && echo yes || echo "no ($1)"; }
check "A/A false-alarm rate <= 0.05" yes "$(le "$(rate 0)" 0.05)"
check "2 % (no real effect here) alarm rate <= 0.05" yes "$(le "$(rate 0.02)" 0.05)"
check "20 % (+30 % response p50) detected in >= 0.95 of trials" yes "$(le 0.95 "$(rate 0.2)")"
check "caught by response_p50_ns" yes \
	"$(le 0.95 "$(jq -r '.rows[] | select(.slowdown == 0.2) | .by_metric.response_p50_ns' "$j")")"
check "the knob's size stated in the gated metric: the 20 % level is +30 % response p50 (0.25..0.35)" "yes yes" \
	"$(le 0.25 "$(jq -r '.knob_effect["20"]["steady.group-size=4"].response_p50_ns.change' "$j")") $(le "$(jq -r '.knob_effect["20"]["steady.group-size=4"].response_p50_ns.change' "$j")" 0.35)"
check "trials: 100 splits x 2 disjoint trials" 200 "$(jq -r '.rows[0].trials' "$j")"
check "rows: the A/A, then one per slowdown" "A/A 0,A/B 0.02,A/B 0.2" "$(jq -r '[.rows[] | "\(.kind) \(.slowdown)"] | join(",")' "$j")"
check "paired A/A (A vs A' of the same boots) <= 0.05" yes "$(le "$(jq -r '.rows[0].paired_rate' "$j")" 0.05)"
check "paired 20 % detected in >= 0.95" yes "$(le 0.95 "$(jq -r '.rows[2].paired_rate' "$j")")"
# Wilcoxon's signed-rank test on the per-boot log ratios (pairing within a
# boot, tested as paired data): at 6 pairs its smallest p is 1/64 > alpha /
# family = 0.01, so it can never reject; at 10 pairs it does.
check "signed-rank at 6 pairs: cannot reject at 0.05 / 5 (min p 1/64)" "0 0" \
	"$(jq -r '"\(.rows[0].signrank_rate) \(.rows[2].signrank_rate)"' "$j")"
"$B" calibrate --from "$d" --force --reps 10 --splits 100 --family 5 -q >/dev/null 2>&1
check "signed-rank at 10 pairs: A/A <= 0.05, 20 % detected in >= 0.95" "yes yes" \
	"$(le "$(jq -r '.rows[0].signrank_rate' "$j")" 0.05) $(le 0.95 "$(jq -r '.rows[2].signrank_rate' "$j")")"
"$B" calibrate --from "$d" --force --reps 6 --splits 100 --family 5 -q >/dev/null 2>&1
check "independent trials: 24 / (2 x 6) = 2" 2 "$(jq -r '.rows[0].independent_trials' "$j")"
check "the interval brackets the rate" yes \
	"$(jq -r '.rows[2] | if .ci_low <= .rate and .rate <= .ci_high then "yes" else "no" end' "$j")"
check "settings: family 5, alpha 0.05, n 6" "5 0.05 6" \
	"$(jq -r '.settings | "\(.family) \(.alpha) \(.repetitions_per_side)"' "$j")"
cols=$(grep -v '^#' "$TESTS_TOP/tests/data/columns/calibration.columns" | paste -sd,)
check "calibration.csv's header starts with the committed columns (tests/data/columns)" "$cols" \
	"$(head -n1 "$d/calibration.csv" | cut -c1-${#cols})"
check "the goals (cal_goals): A/A at most 0.05, 2 % none, 20 % at least 0.95; drawn in the figure" \
	"0.05 null 0.95 yes" "$(jq -r '[.rows[0].goal, .rows[1].goal, .rows[2].goal] | map(tostring) | join(" ")' "$j") \
$(grep -q '>goals<' "$d/fig/detection.svg" && echo yes || echo no)"
check "the figures exist as PNG and SVG (detection, power-vs-n)" yes \
	"$([[ -s $d/fig/detection.png && -s $d/fig/detection.svg && -s $d/fig/power-vs-n.png && -s $d/fig/power-vs-n.svg ]] && echo yes || echo no)"
check "gnuplot warned of nothing (no empty series drawn)" "" "$(grep -i 'warning' "$tmp/err")"
cp "$j" "$tmp/first.json"
"$B" calibrate --from "$d" --force --reps 6 --splits 100 --family 5 -q >/dev/null 2>&1
check "the same seed gives the same rates" same \
	"$(cmp -s <(jq -c '[.rows[].rate]' "$tmp/first.json") <(jq -c '[.rows[].rate]' "$j") && echo same || echo different)"
# An analysis already in the folder is replaced only with --force; --out
# writes a new folder and leaves DIR as it was.
cp "$j" "$tmp/kept.json"
"$B" calibrate --from "$d" --reps 8 --splits 20 --family 5 -q >/dev/null 2>"$tmp/err"
check_match "--from a folder analysed before, no --force: exit 2, named, nothing changed" \
	"^2 .*holds an analysis already \(calibration.json\): --out DIR for another folder, or --force .*unchanged" \
	"$? $(cat "$tmp/err") $(cmp -s "$j" "$tmp/kept.json" && echo unchanged || echo changed)"
"$B" calibrate --from "$d" --out "$tmp/again" --reps 8 --splits 20 --family 5 -q >/dev/null 2>"$tmp/err"
check "--from DIR --out DIR3: the analysis in DIR3 (json, csv, figure), DIR unchanged" "0 8 yes unchanged" \
	"$? $(jq -r '.settings.repetitions_per_side' "$tmp/again/calibration.json") $([[ -s $tmp/again/calibration.csv && -s $tmp/again/fig/detection.png ]] && echo yes || echo no) $(cmp -s "$j" "$tmp/kept.json" && echo unchanged || echo changed)"
"$B" calibrate --force -q >/dev/null 2>"$tmp/err"
check_match "--force without --from: exit 2" "^2 .*give --from" "$? $(cat "$tmp/err")"
# --shift: A' with report p50 (10 % noise here) changed by exactly 3 % and
# 50 %, the other metrics as measured: their own rows (kind shift), the
# effect stated, the 50 % shift found by report_p50_ns and the 3 % one
# rarely at 6 repetitions; throughput shifts downwards (its bad direction).
"$B" calibrate --from "$d" --out "$tmp/shift" --shift 3,50 --reps 6 --splits 100 --family 5 >"$tmp/sout" 2>&1
s=$tmp/shift/calibration.json
check "--shift: rows A/A, 2 %, 20 %, shift 3 %, shift 50 %" "A/A 0,A/B 0.02,A/B 0.2,shift 0.03,shift 0.5" \
	"$(jq -r '[.rows[] | "\(.kind) \(.slowdown)"] | join(",")' "$s")"
check "--shift 50 %: stated as about +50 % report p50, found in >= 0.95 by report_p50_ns; 3 %: <= 0.3; goals 0.8, 0.95" \
	"yes yes yes yes yes 0.8 0.95" \
	"$(le 0.35 "$(jq -r '.shift_effect["50"]["steady.group-size=4"].report_p50_ns.change' "$s")") $(le "$(jq -r '.shift_effect["50"]["steady.group-size=4"].report_p50_ns.change' "$s")" 0.65) $(le 0.95 "$(jq -r '.rows[4].by_metric.report_p50_ns' "$s")") $(le 0.95 "$(jq -r '.rows[4].rate' "$s")") $(le "$(jq -r '.rows[3].rate' "$s")" 0.3) $(jq -r '.rows[3].goal, .rows[4].goal' "$s" | paste -sd' ')"
check_match "--shift: printed, and its rows in calibration.csv as kind shift" \
	"shift 50 %: A' with report_p50_ns x 1.5.*shift 50% +shift detection.* 3,shift,split,6,.*50,shift,split,6," \
	"$(tr '\n' ' ' <"$tmp/sout") $(tr '\n' ' ' <"$tmp/shift/calibration.csv")"
"$B" calibrate --from "$d" --out "$tmp/shift" --force --shift 30 --shift-metric throughput_rps --reps 6 --splits 50 --family 5 -q >/dev/null 2>&1
check "--shift-metric throughput_rps: lowered by 30 %, found" "yes yes" \
	"$(le "$(jq -r '.shift_effect["30"]["steady.group-size=4"].throughput_rps.change' "$s")" -0.25) $(le 0.95 "$(jq -r '.rows[3].rate' "$s")")"
"$B" calibrate --from "$d" --out "$tmp/shift2" --shift 0 -q >/dev/null 2>"$tmp/err"
check_match "bad --shift: exit 2" "^2 .*bad --shift '0'" "$? $(cat "$tmp/err")"
"$B" calibrate --from "$d" --out "$tmp/shift2" --shift 5 --shift-metric response_p99_ns -q >/dev/null 2>"$tmp/err"
check_match "--shift-metric not gated: exit 2, named" "^2 .*--shift-metric response_p99_ns: not one of the gated metrics" "$? $(cat "$tmp/err")"

"$B" calibrate --from "$d" --reps 6 --splits 20 --family 5 --point steady.group-size=4 -q >/dev/null 2>"$tmp/err"
check "--point: one point's analysis in its own files" "0 yes" \
	"$? $([[ -s $d/calibration-steady.group-size_4.json && -s $d/fig/detection-steady.group-size_4.png ]] && echo yes || echo no)"
"$B" calibrate --point steady.group-size=4 >/dev/null 2>&1
check "--point without --from: exit 2" 2 "$?"
# A failed run is an alarm (compare calls it a "runs" regression): one failure
# at the 2 % level (no effect otherwise) alarms the trials whose NEW side
# holds that boot, 6 of 24 boots: about a quarter of them.
cp -r "$d" "$tmp/calf"
jq '(.sweeps[0].points[2].designs.rcu.repetitions[4]) |= (.status = "failure" | .reason = "3 invariant violations")' \
	"$d/pool/run.json" >"$tmp/calf/pool/run.json"
"$B" calibrate --from "$tmp/calf" --force --reps 6 --splits 200 --family 5 -q >/dev/null 2>&1
check "a failed run is an alarm: the 2 % level alarms about 1/4 of trials, said as failed_alarms" "yes yes yes" \
	"$(le 0.15 "$(jq -r '.rows[1].rate' "$tmp/calf/calibration.json")") $(le "$(jq -r '.rows[1].rate' "$tmp/calf/calibration.json")" 0.35) $(le 1 "$(jq -r '.rows[1].failed_alarms' "$tmp/calf/calibration.json")")"
# A held-out pool from "another session": the same points and levels, every
# value 15 % higher (a session's drift). Held out, its A/A stays quiet and its
# 20 % level is found; across the sessions, A (the first pool) against the
# second pool's A' alarms on the drift.
mkdir -p "$tmp/cal2/pool"; cp "$d/pool/plan.json" "$tmp/cal2/pool/"
jq '(.sweeps[0].points[].designs.rcu.repetitions[].metrics.response_p50_ns) |= . * 1.15' "$d/pool/run.json" \
	>"$tmp/cal2/pool/run.json"
"$B" calibrate --from "$d" --force --holdout "$tmp/cal2" --reps 6 --splits 100 --family 5 >"$tmp/hout" 2>&1
h=$d/calibration.json
check "--holdout: held-out A/A <= 0.05 and 20 % >= 0.95; across sessions the drift alarms the A/A" "yes yes yes" \
	"$(le "$(jq -r '.holdout[0].rate' "$h")" 0.05) $(le 0.95 "$(jq -r '.holdout[2].rate' "$h")") $(le 0.5 "$(jq -r '.across_sessions[0].rate' "$h")")"
check_match "--holdout: both tables printed" "held-out pool .*cal2 \(24 boots, another session\).*across sessions" "$(tr '\n' ' ' <"$tmp/hout")"
# A held-out pool with a level the first has not: the levels both have are
# reported, the missing one named; a pool of the other knob path gives the
# A/A across sessions only; A or A' with the knob on is not a calibration.
jq '.points[3].calibration.slowdown = 0.3' "$d/pool/plan.json" >"$tmp/cal2/pool/plan.json"
"$B" calibrate --from "$d" --force --holdout "$tmp/cal2" --reps 6 --splits 20 --family 5 >"$tmp/hout" 2>"$tmp/err"
check_match "--holdout with another level: exit 0, its rows without the 20 % level, named" \
	"^0 0,2 0,2 .*not in the held-out pool, at this knob path: 20 %" \
	"$? $(jq -r '[.holdout[].slowdown * 100] | join(",")' "$h") $(jq -r '[.across_sessions[].slowdown * 100] | join(",")' "$h") $(tr '\n' ' ' <"$tmp/hout")"
jq '.points[].calibration.path = "report"' "$d/pool/plan.json" >"$tmp/cal2/pool/plan.json"
"$B" calibrate --from "$d" --force --holdout "$tmp/cal2" --reps 6 --splits 20 --family 5 -q >/dev/null 2>"$tmp/err"
check "--holdout of the other knob path: the A/A across sessions only" "0 0 0" \
	"$? $(jq -r '[.holdout[].slowdown * 100] | join(",")' "$h") $(jq -r '[.across_sessions[].slowdown * 100] | join(",")' "$h")"
jq '.points[1].calibration.slowdown = 0.02' "$d/pool/plan.json" >"$tmp/cal2/pool/plan.json"
"$B" calibrate --from "$d" --force --holdout "$tmp/cal2" --reps 6 -q >/dev/null 2>"$tmp/err"
check_match "--holdout whose A' has the knob on: exit 2, named" "^2 .*level 1 has slowdown 0.02: A and A' \(levels 0 and 1\) are the knob off" "$? $(cat "$tmp/err")"
"$B" calibrate --holdout "$tmp/cal2" -q >/dev/null 2>"$tmp/err"
check "--holdout without --from: exit 2" 2 "$?"
# The test design's pool (d/test): the calibration spec swept with rcu and a
# design of role test, interleaved; here slow-report's report p50 is 20 %
# higher in every boot. Its effect is stated per gated metric; A/A (rcu's
# own boots) stays quiet, the A/B finds it.
mkdir -p "$d/test"
python3 - "$d/test" <<'PY'
import json, random, sys
random.seed(11)
out, boots = sys.argv[1], 24
plan = {"schema_version": 1, "repetitions": boots, "baseline_design": "rcu", "designs": ["rcu", "slow-report"],
        "points": [{"id": "steady.group-size=4"}]}
des = {}
for dn, f in (("rcu", 1.0), ("slow-report", 1.2)):
    des[dn] = {"repetitions": [{"rep": b, "status": "success", "metrics": {
        "throughput_rps": 20000, "response_p50_ns": 100000 * (1 + random.gauss(0, 0.03)),
        "report_p50_ns": 4000 * f * (1 + random.gauss(0, 0.03)), "overflows": 0, "invariant_violations": 0}}
        for b in range(1, boots + 1)]}
run = {"schema_version": 2, "status": "complete", "sweeps": [{"name": "steady", "points": [
       {"id": "steady.group-size=4", "params": {"rate_per_s": 20000}, "designs": des}]}]}
json.dump(plan, open(out + "/plan.json", "w"))
json.dump(run, open(out + "/run.json", "w"))
PY
"$B" calibrate --from "$d" --force --reps 6 --splits 100 --family 5 >"$tmp/tout" 2>&1
check "test design: its effect on report p50 (+20 %) stated, A/A <= 0.05, A/B >= 0.95" "yes yes yes" \
	"$(le 0.15 "$(jq -r '.test_design.effect["steady.group-size=4"].report_p50_ns.change' "$j")") $(le "$(jq -r '.test_design.aa.rate' "$j")" 0.05) $(le 0.95 "$(jq -r '.test_design.ab.rate' "$j")")"
check_match "test design: printed, with its effect in the gated metrics" "test design slow-report against .*steady.group-size=4 report_p50_ns: \+2[0-9]\.[0-9] %.*interleaved, slow-report against" "$(tr '\n' ' ' <"$tmp/tout")"
rm -r "$d/test"
"$B" calibrate --test-design mutex -q >/dev/null 2>"$tmp/err"
check_match "--test-design of a design whose role is not test: exit 2" "^2 .*'mutex' has role 'compare', not 'test'" "$? $(cat "$tmp/err")"
"$B" calibrate --from "$d" --force --reps 20 >/dev/null 2>"$tmp/err"
check "two sets of 20 do not fit 24 boots: exit 2" 2 "$?"
# --from without --reps: the folder's last analysis's repetitions (6 here),
# not the default spec's 10, so a quoted command gives its text back.
"$B" calibrate --from "$d" --force --splits 100 --family 5 -q >/dev/null 2>&1
check "--from without --reps keeps the folder's 6 repetitions" 6 "$(jq -r '.settings.repetitions_per_side' "$j")"
"$B" calibrate --from "$tmp/nothing" >/dev/null 2>"$tmp/err"
check "a folder without a pool: exit 2" 2 "$?"
"$B" calibrate --boots 300 >/dev/null 2>"$tmp/err"
check_match "--boots above a sweep's 200 repetitions: exit 2 before anything runs, named" "^2 .*bad value '300' for --boots \(1 to 200\)" "$? $(cat "$tmp/err")"
"$B" calibrate --slowdowns 2,abc >/dev/null 2>&1
check "bad --slowdowns: exit 2" 2 "$?"
"$B" calibrate --threshold nosuchmetric=5% >/dev/null 2>&1
check "--threshold with an unknown metric: exit 2" 2 "$?"
ktap_finished
