#!/usr/bin/env bash
# Description: scripts/bench-report computes medians, paired per-repetition
# ratios with their spread, null/framework ratios and the timestamp cost
# correctly, and leaves failed or violating runs out of every ratio. Inputs
# are synthetic fixtures with known answers, not results.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
tmp=$(mktemp -d); [[ -n ${KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT
d=$tmp/r
mkdir -p "$d/framework" "$d/designs/rcu-r1" "$d/designs/rcu-r2" "$d/designs/rcu-r3" \
	"$d/designs/mutex-r1" "$d/designs/mutex-r2" "$d/designs/mutex-r3"
echo '{"git":{"revision":"fixture"}}' >"$d/provenance.json"
j() { # FILE RATE P99 [UNBINDS [STATUS [REPORT_P99]]]
	jq -n --argjson r "$2" --argjson p "$3" --argjson u "${4:-0}" --arg st "${5:-success}" \
		--argjson rp "${6:-100}" \
		'{status: $st, rate_per_s: $r, latency_ns: {p50: ($p / 2), p99: $p, p999: ($p * 2)},
		  report_last_latency_ns: {p99: $rp}, invariant_violations: (if $st == "success" then 0 else 3 end),
		  unbind: {cycles: $u}}' >"$1"
}
# framework, group 1: wq 100/110/90 (ts), 104/114/94 (nots) -> median 100 vs 104
for r in 1 2 3; do
	case $r in 1) w=100 n=104 z=2000 ;; 2) w=110 n=114 z=2200 ;; 3) w=90 n=94 z=1800 ;; esac
	j "$d/framework/fw-wq-g1-ts-r$r.json" $w 500
	j "$d/framework/fw-wq-g1-nots-r$r.json" $n 0
	j "$d/framework/fw-null-g1-ts-r$r.json" $z 50
	j "$d/framework/fw-null-g1-nots-r$r.json" $z 0
done
# designs: one config; rcu rates 200,300,400 vs mutex 100,100,100 -> ratios 2,3,4;
# report p99 rcu 100 vs mutex 400,500,800 -> 0.25, 0.2, 0.125: decided
for r in 1 2 3; do
	case $r in 1) mp=400 ;; 2) mp=500 ;; 3) mp=800 ;; esac
	j "$d/designs/rcu-r$r/cmp-m2-g16-upasid.json" $((100 * (r + 1))) 1000 5 success 100
	j "$d/designs/mutex-r$r/cmp-m2-g16-upasid.json" 100 $((1000 * r)) 5 success $mp
done
# a fourth repetition whose rcu run failed: left out of every ratio, counted
mkdir -p "$d/designs/rcu-r4" "$d/designs/mutex-r4"
j "$d/designs/rcu-r4/cmp-m2-g16-upasid.json" 1 1 5 failure 1
j "$d/designs/mutex-r4/cmp-m2-g16-upasid.json" 100 1000 5 success 400
out=$("$TESTS_TOP/scripts/bench-report" "$d" 2>&1)
rc=$?
s=$d/summary.json
ktap_print_header
ktap_set_plan 12
check "bench-report exits 0" 0 "$rc"
check "framework: median rate" 100 "$(jq '.framework[] | select(.handler == "wq") | .rate_per_s' "$s")"
check "framework: null/framework ratio = 2000/100" 20 "$(jq '.framework[] | select(.handler == "wq") | .null_over_framework' "$s")"
# per repetition: 1-100/104, 1-110/114, 1-90/94 -> 3.85, 3.51, 4.26 %: median 3.85
check "framework: timestamp cost, median of pairs" 3.85 "$(jq '.framework[] | select(.handler == "wq") | .timestamp_cost_pct' "$s")"
check "designs: median of per-repetition ratios, the failed repetition left out" 3 "$(jq '.designs[0].rate_ratio.median' "$s")"
check "designs: spread of the ratios" "2 4" "$(jq -r '.designs[0].rate_ratio | "\(.min) \(.max)"' "$s")"
# p99: 1000/1000, 1000/2000, 1000/3000 -> median 0.5, min 0.333: undecided (touches 1)
check "designs: p99 ratio, spread, undecided" "0.5 0.333 1 false" "$(jq -r '.designs[0].p99_ratio | "\(.median) \(.min) \(.max) \(.decided)"' "$s")"
check "designs: report-path p99 ratio decided" "0.2 0.125 0.25 true" "$(jq -r '.designs[0].report_p99_ratio | "\(.median) \(.min) \(.max) \(.decided)"' "$s")"
check "designs: config decoded, unbinds summed over all 8 runs, 1 failed" "2 16 pasid 40 1 3" "$(jq -r '.designs[0] | "\(.iommus) \(.group_size) \(.unbind) \(.unbind_cycles) \(.failed_runs) \(.reps)"' "$s")"
check_match "prints the ratio table" "response_p99" "$out"
check_match "says a run failed" "FAILED design runs" "$out"
if [[ -s $d/designs.png && -s $d/framework.png ]]; then ktap_test_pass "plots written"; else ktap_test_fail "plots written"; fi
ktap_finished
