#!/usr/bin/env bash
# Description: the CI gate on real runs, interleaved: one sweep of
# tests/specs/gate.ini (one point, 7 boots a design; with 6 the smallest
# one-sided Mann-Whitney p, 1/924, is above the 0.1 % each tail of compare's
# 99.8 % interval needs at alpha 0.01 over 5 ratio cells) runs three labels of
# the same rcu/perf kernel, boots alternating: rcu, aa=rcu (an A/A) and
# kn=rcu with the synthetic regression knob on its runs only
# (--regress-design kn), set to half of rcu's median response p50 from a
# 1-boot pilot (capped at the knob's 1 ms). The gate's A/B path
# (scripts/gate --base rcu --new kn --from DIR: compare --pair rcu:kn) exits 1
# with response_p50_ns regressed and says the knob is on in NEW; the A/A
# (--new aa) exits 0 with no cell regressed. Bad A/B input exits 2 before
# any boot, with no folder.
# Interleaved, the session's drift is in both sides of each pair: two
# sweeps one after the other drifted 25 % apart in response p50 on this
# machine (an A/A "regressed"). This tests that compare finds and names a
# regression it has the power for, not the gate's power (make calibrate).
# Alpha 0.01: the A/A has at most a 1 % chance of a false alarm by chance
# alone (the gate's default is 0.05).
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
runs=$TESTS_TOP/build/gate-test-$$
mkdir -p "$runs"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$runs"' EXIT
spec=$TESTS_TOP/tests/specs/gate.ini

ktap_print_header
ktap_set_plan 13

sweep() {
	local name=$1; shift
	"$B" sweep "$spec" --out "$runs/$name" -q "$@" >"$runs/$name.out" 2>"$runs/$name.err"
	local rc=$?
	check "sweep $name exits 0" 0 "$rc"
	((rc == 0)) || ktap_print_msg "$(tail -n 15 "$runs/$name.err")"
}
sweep pilot --reps 1
p50=$(jq -r '.sweeps[0].points[0].designs.rcu.summary.response_p50_ns.median' "$runs/pilot/run.json")
knob=$(awk -v p="$p50" 'BEGIN { k = p * 0.5; if (k > 1000000) k = 1000000; printf "%d", k }')
ktap_print_msg "pilot: median response p50 $p50 ns; kn: +$knob ns per page response (50 %, at most 1 ms)"
sweep ab --design aa=rcu --design kn=rcu --regress-design kn --regress-response-ns "$knob"
check "the boots alternate designs (interleaved)" "rcu aa kn rcu aa kn" \
	"$(jq -r '[.runs[] | select(.rep <= 2) | .design] | join(" ")' "$runs/ab/plan.json" 2>&1)"

# Judged as `make gate BASE=rcu NEW=kn` judges its own sweep (scripts/gate
# --from: the same A/B path without a second sweep).
G=$TESTS_TOP/scripts/gate
"$G" --base rcu --new kn --from "$runs/ab" -- --alpha 0.01 >"$runs/kn.out" 2>&1
check "gate BASE=rcu NEW=kn (slower responses) exits 1" 1 "$?"
v=$(jq -r '[.cells[] | select(.metric == "response_p50_ns")][0].verdict' "$runs/ab/gate-rcu-kn.json" 2>&1)
[[ $v == regressed ]] || ktap_print_msg "response_p50_ns: $(jq -c '[.cells[] | select(.metric == "response_p50_ns")][0]' "$runs/ab/gate-rcu-kn.json" 2>&1 | cut -c1-600)"
check "response_p50_ns is regressed" regressed "$v"
check_match "the knob in NEW is noted" "NEW has the synthetic regression knob on" "$(jq -r '.notes | join(" ")' "$runs/ab/gate-rcu-kn.json" 2>&1)"
"$G" --base rcu --new aa --from "$runs/ab" -- --alpha 0.01 >"$runs/aa.out" 2>&1
rc=$?
check "gate BASE=rcu NEW=aa (A/A) exits 0" 0 "$rc"
((rc == 0)) || ktap_print_msg "$(tail -n 5 "$runs/aa.out"; jq -r '.cells[] | select(.verdict == "regressed") | "\(.metric): \(.reason)"' "$runs/ab/gate-rcu-aa.json")"
check "A/A: no cell regressed, no knob noted" "0 no" \
	"$(jq '[.cells[] | select(.verdict == "regressed")] | length' "$runs/ab/gate-rcu-aa.json" 2>&1) $(jq -r '.notes | join(" ")' "$runs/ab/gate-rcu-aa.json" | grep -q knob && echo yes || echo no)"
check "the JUnit and KTAP forms are written beside it" "yes" \
	"$([[ -s $runs/ab/gate-rcu-aa.junit.xml && -s $runs/ab/gate-rcu-aa.ktap ]] && echo yes || echo no)"

# Bad input: one line, exit 2, no folder, before any boot.
n0=$(find "$TESTS_TOP/results/runs" -maxdepth 1 -name '*-gate-ab' 2>/dev/null | wc -l)
out=$("$G" --base rcu --new rcu 2>&1)
check "gate BASE=NEW exits 2 with one line naming it" "2 1 yes" \
	"$? $(wc -l <<<"$out") $(grep -q 'same design' <<<"$out" && echo yes || echo no)"
out=$("$G" --base rcu --new nosuch 2>&1)
check "gate NEW=nosuch (no such design) exits 2 naming it" "2 yes" "$? $(grep -q "'nosuch'" <<<"$out" && echo yes || echo no)"
out=$("$G" --base rcu 2>&1)
check "gate with BASE only exits 2" 2 "$?"
check "and none of them made a results folder" "$n0" \
	"$(find "$TESTS_TOP/results/runs" -maxdepth 1 -name '*-gate-ab' 2>/dev/null | wc -l)"
ktap_finished
