#!/usr/bin/env bash
# Description: the CI gate on real runs (tests/specs/gate.ini, one point,
# rcu, 8 boots a side): three sweeps, A and A2 with the synthetic
# regression knob off and B with it set to half of A's median response p50 (capped at
# the knob's 1 ms); this tests that compare
# finds and names a regression it has the power for, not the gate's power,
# which make calibrate measures (at 20 % it said noisy on a quiet machine)
# in the response path (sweep --regress-response-ns, no rebuild).
# `iopf-bench compare A B` exits 1 with response_p50_ns regressed and says
# the knob is on in NEW; `compare A A2` (an A/A) exits 0 with no cell
# regressed. Run with alpha 0.01 so that the A/A has at most a 1 % chance
# of a false alarm by chance alone (the gate's default is 0.05).
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
runs=$TESTS_TOP/build/gate-test-$$
mkdir -p "$runs"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$runs"' EXIT
spec=$TESTS_TOP/tests/specs/gate.ini

ktap_print_header
ktap_set_plan 8

sweep() {
	local name=$1; shift
	"$B" sweep "$spec" --out "$runs/$name" -q "$@" >"$runs/$name.out" 2>"$runs/$name.err"
	local rc=$?
	check "sweep $name exits 0" 0 "$rc"
	((rc == 0)) || ktap_print_msg "$(tail -n 15 "$runs/$name.err")"
}
sweep A
p50=$(jq -r '.sweeps[0].points[0].designs.rcu.summary.response_p50_ns.median' "$runs/A/run.json")
knob=$(awk -v p="$p50" 'BEGIN { k = p * 0.5; if (k > 1000000) k = 1000000; printf "%d", k }')
ktap_print_msg "A: median response p50 $p50 ns; B: +$knob ns per page response (50 %, at most 1 ms)"
sweep B --regress-response-ns "$knob"
sweep A2

"$B" compare "$runs/A" "$runs/B" --alpha 0.01 --json >"$runs/ab.json" 2>"$runs/ab.err"
check "compare A B (slower responses) exits 1" 1 "$?"
check "response_p50_ns is regressed" regressed \
	"$(jq -r '[.cells[] | select(.metric == "response_p50_ns")][0].verdict' "$runs/ab.json" 2>&1)"
check_match "the knob in NEW is noted" "knob" "$(jq -r '.notes | join(" ")' "$runs/ab.json" 2>&1)"
"$B" compare "$runs/A" "$runs/A2" --alpha 0.01 --json >"$runs/aa.json" 2>"$runs/aa.err"
rc=$?
check "compare A A2 (A/A) exits 0" 0 "$rc"
((rc == 0)) || ktap_print_msg "$(jq -r '.cells[] | select(.verdict == "regressed") | "\(.metric): \(.reason)"' "$runs/aa.json")"
check "A/A: no cell regressed" 0 "$(jq '[.cells[] | select(.verdict == "regressed")] | length' "$runs/aa.json" 2>&1)"
ktap_finished
