#!/usr/bin/env bash
# Description: scripts/bench-report computes medians, paired per-repetition
# ratios with their spread, null/framework ratios and the timestamp cost
# correctly. Inputs are synthetic fixtures with known answers, not results.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
d=$tmp/r
mkdir -p "$d/framework" "$d/designs/rcu-r1" "$d/designs/rcu-r2" "$d/designs/rcu-r3" \
	"$d/designs/mutex-r1" "$d/designs/mutex-r2" "$d/designs/mutex-r3"
echo '{"git":{"revision":"fixture"}}' >"$d/provenance.json"
j() { # FILE RATE P99 [UNBINDS]
	jq -n --argjson r "$2" --argjson p "$3" --argjson u "${4:-0}" \
		'{rate_per_s: $r, latency_ns: {p50: ($p / 2), p99: $p}, invariant_violations: 0, unbind: {cycles: $u}}' >"$1"
}
# framework, group 1: wq 100/110/90 (ts), 104/114/94 (nots) -> median 100 vs 104
for r in 1 2 3; do
	case $r in 1) w=100 n=104 z=2000 ;; 2) w=110 n=114 z=2200 ;; 3) w=90 n=94 z=1800 ;; esac
	j "$d/framework/fw-wq-g1-ts-r$r.json" $w 500
	j "$d/framework/fw-wq-g1-nots-r$r.json" $n 0
	j "$d/framework/fw-null-g1-ts-r$r.json" $z 50
	j "$d/framework/fw-null-g1-nots-r$r.json" $z 0
done
# designs: one config; rcu rates 200,300,400 vs mutex 100,100,100 -> ratios 2,3,4
for r in 1 2 3; do
	j "$d/designs/rcu-r$r/cmp-i2-g1-u1.json" $((100 * (r + 1))) 1000 5
	j "$d/designs/mutex-r$r/cmp-i2-g1-u1.json" 100 $((1000 * r)) 5
done
out=$("$TESTS_TOP/scripts/bench-report" "$d" 2>&1)
rc=$?
s=$d/summary.json
ktap_print_header
ktap_set_plan 10
check "bench-report exits 0" 0 "$rc"
check "framework: median rate" 100 "$(jq '.framework[] | select(.handler == "wq") | .rate_per_s' "$s")"
check "framework: null/framework ratio = 2000/100" 20 "$(jq '.framework[] | select(.handler == "wq") | .null_over_framework' "$s")"
# per repetition: 1-100/104, 1-110/114, 1-90/94 -> 3.85, 3.51, 4.26 %: median 3.85
check "framework: timestamp cost, median of pairs" 3.85 "$(jq '.framework[] | select(.handler == "wq") | .timestamp_cost_pct' "$s")"
check "designs: median of per-repetition ratios" 3 "$(jq '.designs[0].rate_ratio' "$s")"
check "designs: spread of the ratios" "2 4" "$(jq -r '.designs[0] | "\(.rate_ratio_min) \(.rate_ratio_max)"' "$s")"
# p99: 1000/1000, 1000/2000, 1000/3000 -> median 0.5, min 0.333
check "designs: p99 ratio and spread" "0.5 0.333 1" "$(jq -r '.designs[0] | "\(.p99_ratio) \(.p99_ratio_min) \(.p99_ratio_max)"' "$s")"
check "designs: config decoded, unbinds summed over all 6 runs" "2 1 1 30" "$(jq -r '.designs[0] | "\(.injectors) \(.group_size) \(.unbinders) \(.unbind_cycles)"' "$s")"
check_match "prints the ratio table" "rate_rcu/mutex" "$out"
if [[ -s $d/designs.png && -s $d/framework.png ]]; then ktap_test_pass "plots written"; else ktap_test_fail "plots written"; fi
ktap_finished
