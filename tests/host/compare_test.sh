#!/usr/bin/env bash
# Description: the CI regression gate, `iopf-bench compare BASELINE NEW` and
# `iopf-bench baseline save|list`, on hand-made results folders (run.json,
# plan.json and provenance.json written by a generator here, with known
# values; run.json validates against results/run.schema.json): identical
# runs are unchanged (exit 0); a clear +30 % on one cell is regressed on
# exactly that cell (exit 1), a clear drop improved; wide data is noisy with
# the repetitions that would decide; too few repetitions are noisy; a
# failed or violating repetition of NEW is a "runs" regression; per-metric
# thresholds change a verdict; incomplete folders, a failed baseline,
# different specs, params, points, kernel configs and machines exit 2 with
# every difference listed, and --force compares anyway (missing cells); a
# baseline measured with ABI 6's prq model against a new vtd run (ABI 7) is
# refused in one line, even with --force, and so is the reverse; the
# synthetic regression knob is a note; a small-sample metric (the in-flush
# latencies) shows its per-run sample counts beside its values (samples/run
# n=, in the table and the JSON); JUnit validates against the Jenkins
# xunit junit-10.xsd with the right counts, KTAP parses with the kernel's
# kunit.py; baselines are saved (only complete folders, good new names),
# listed and compared against; bad options exit 2; the summary line keeps
# its format; nothing is written into the compared folders.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
SCHEMA=$TESTS_TOP/results/run.schema.json
XSD=$TESTS_TOP/tests/data/junit-10.xsd
tmp=$(mktemp -d); [[ -n ${KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3	# Debian's, with python3-jsonschema
[[ -x $PY ]] || PY=python3
export IOPF_BASELINES_DIR=$tmp/baselines	# never the repository's results/baselines

# --- fixtures --------------------------------------------------------------------
# mk DIR [JSON]: a reported results folder. Every cell's repetitions are
# base * scale * (1 + spread * p), p spread evenly over [-1, 1] in an order
# that depends on the cell (and on "shift"), so a side's values are the same
# set whatever the order. JSON keys (all optional):
#   reps (10), designs (["rcu","mutex"]), points ({id: params}), spread (0.01),
#   scale {"POINT/DESIGN/METRIC": f}, wide {"POINT/DESIGN/METRIC": spread},
#   values {"POINT/DESIGN/METRIC": [v...]}, params {POINT: {k: v}} (merged),
#   fail {"POINT/DESIGN": rep}, status, marker (INCOMPLETE file), spec,
#   kernels {DESIGN: {key, config_sha256}}, accel ("tcg" | null), cpu,
#   no_prov, regress {response_ns, report_ns}, shift, ids_extra [ids],
#   samples {"POINT/DESIGN/METRIC": [n...]} (a run's sample count, per repetition)
mk() { "$PY" "$(dirname "$(readlink -f "$0")")/compare_fixture.py" "$tmp/$1" "${2:-{\}}" && echo "$tmp/$1"; }

# run ARGS...: out = stdout, err = stderr, rc
run() { out=$("$B" "$@" 2>"$tmp/err"); rc=$?; err=$(cat "$tmp/err"); }
# cmpj BASE NEW [ARGS...]: compare --json; j = the JSON
cmpj() { run compare "$@" --json; j=$out; }
jq_() { jq -r "$1" <<<"$j"; }
# cells with a verdict: "point/design/metric" sorted, space separated
cells() { jq_ "[.cells[] | select(.verdict == \"$1\") | \"\(.point)/\(.design)/\(.metric)\"] | sort | join(\" \")"; }

base=$(mk base)
same=$(mk same '{"shift": 3}')	# the same values, in another order
reg=$(mk reg '{"scale": {"gs.group_size=4/mutex/response_p50_ns": 1.3}}')
imp=$(mk imp '{"scale": {"gs.group_size=1/rcu/report_p99_ns": 0.7}}')
thr=$(mk thr '{"scale": {"gs.group_size=1/rcu/throughput_rps": 0.7}}')
wide=$(mk wide '{"wide": {"gs.group_size=1/rcu/response_p99_ns": 0.5}, "shift": 5}')
wideb=$(mk wideb '{"wide": {"gs.group_size=1/rcu/response_p99_ns": 0.5}}')
few=$(mk few '{"reps": 2}')
few_b=$(mk few_b '{"reps": 2, "shift": 1}')
plus8=$(mk plus8 '{"scale": {"gs.group_size=1/mutex/response_p50_ns": 1.08}}')
ovf=$(mk ovf '{"values": {"gs.group_size=4/rcu/overflows": [5, 6, 7, 8, 9]}}')
failed=$(mk failed '{"fail": {"unbind.unbinders=1/mutex": 4}}')
skipped=$(mk skipped '{"skip": {"gs.group_size=4/rcu": 2}}')
drop1=$(mk drop1 '{"drop": {"gs.group_size=1/rcu/report_p50_ns": 3}}')
dropall=$(mk dropall '{"drop": {"gs.group_size=1/rcu/report_p50_ns": "all"}}')
marker=$(mk marker '{"marker": true}')
inc=$(mk inc '{"status": "incomplete"}')
param=$(mk param '{"params": {"gs.group_size=1": {"rate_per_s": 40000}}, "ids_extra": ["gs.group_size=16"]}')
spec2=$(mk spec2 '{"spec": "tiny"}')
kcfg=$(mk kcfg '{"kernels": {"mutex": {"key": "k-mutex", "config_sha256": "ffff0000ffff0000"}}, "configs": {"mutex": "CONFIG_X=y\nCONFIG_Y=y\nCONFIG_Z=32\n"}}')
krel=$(mk krel '{"kernels": {"mutex": {"key": "k-mutex", "config_sha256": "ffff0000ffff0000", "kernelrelease": "6.12.118"}}, "configs": {"mutex": "# Linux/x86 6.12.118 Kernel Configuration\nCONFIG_CC_VERSION_TEXT=\"gcc 13.1.0\"\nCONFIG_GCC_VERSION=130100\nCONFIG_X=y\nCONFIG_Z=64\n# CONFIG_Y is not set\n"}}')
khash=$(mk khash '{"kernels": {"mutex": {"key": "k-mutex", "config_sha256": "ffff0000ffff0000"}}, "no_configs": true}')
kkey=$(mk kkey '{"kernels": {"mutex": {"key": "patched-99", "config_sha256": "0f22a1d6a51c8a85"}}}')
kvm=$(mk kvm '{"accel": "kvm"}')
noprov=$(mk noprov '{"no_prov": true}')
reps5=$(mk reps5 '{"reps": 5}')
knob=$(mk knob '{"regress": {"response_ns": 20000, "report_ns": 5000}, "scale": {"gs.group_size=4/mutex/response_p50_ns": 1.3}}')
weird=$(mk weird '{"points": {"w.a<b&\"c\"#1": {"group_size": 1, "rate_per_s": 20000, "unbinders": 0}}, "scale": {"w.a<b&\"c\"#1/mutex/report_p50_ns": 2}}')
weirdb=$(mk weirdb '{"points": {"w.a<b&\"c\"#1": {"group_size": 1, "rate_per_s": 20000, "unbinders": 0}}}')
# The same points measured before ABI 7 (model prq) and after (vtd, FIFO reporters).
prqm='{"model": "prq"}'; vtdm='{"model": "vtd", "reporter_prio": "fifo"}'
prqb=$(mk prqb "{\"params\": {\"gs.group_size=1\": $prqm, \"gs.group_size=4\": $prqm, \"unbind.unbinders=1\": $prqm}}")
vtdn=$(mk vtdn "{\"params\": {\"gs.group_size=1\": $vtdm, \"gs.group_size=4\": $vtdm, \"unbind.unbinders=1\": $vtdm}}")
vtdb=$(mk vtdb "{\"params\": {\"gs.group_size=1\": $vtdm, \"gs.group_size=4\": $vtdm, \"unbind.unbinders=1\": $vtdm}, \"shift\": 2}")
touch "$tmp/stamp"; sleep 1

ktap_print_header
ktap_set_plan 126

bad=
for d in "$base" "$reg" "$failed" "$inc" "$weird"; do
	"$PY" -m jsonschema -i "$d/run.json" "$SCHEMA" >/dev/null 2>&1 || bad+=" $d"
done
check "fixtures: run.json validates against results/run.schema.json" "" "$bad"

# --- verdicts ---------------------------------------------------------------------
cmpj "$base" "$same"
check "identical runs: exit 0" 0 "$rc"
check "identical runs: every cell unchanged" "unchanged" "$(jq_ '[.cells[].verdict] | unique | join(" ")')"
check "the pre-registered gated set: report, response and PRQ-wait p50 (throughput in closed loop only)" \
	"queue_p50_ns report_p50_ns response_p50_ns" "$(jq_ '[.cells[].metric] | unique | join(" ")')"
check "family: every gated cell; rows at 1 - 2 alpha/family; Holm, rule 2" "18 true holm 2 false" \
	"$(jq_ '"\(.family) \((.confidence - (1 - 2 * 0.05 / 18)) | fabs < 1e-12) \(.correction) \(.rule_version) \(.lkp_separation)"')"
cmpj "$base" "$same" --metrics unbind_p50_ns,unbind_p99_ns
check "a metric with no value on either side is not a cell" "0 4" \
	"$(jq_ '[.cells[] | select(.metric == "unbind_p50_ns" and (.point | startswith("gs.")))] | length') \
$(jq_ '[.cells[] | select(.metric | startswith("unbind_"))] | length')"

cmpj "$base" "$reg"
check "+30 % response p50 on one cell: exit 1" 1 "$rc"
check "+30 % response p50: regressed on exactly that cell" "gs.group_size=4/mutex/response_p50_ns" "$(cells regressed)"
check "+30 %: ratio, interval beyond 1, separated, need 0" "1.3 true true 0 1" \
	"$(jq_ '.cells[] | select(.verdict == "regressed") | "\((.ratio * 1000 | round) / 1000) \(.ci_low > 1.2) \(.separated) \(.need) \(.exit_code // 1)"')"
check "--json: summary and exit_code" "true 1 1" "$(jq_ '"\(.summary.regression) \(.summary.regressed) \(.exit_code)"')"
run compare "$base" "$reg"
check_match "table: the regressed row" "gs.group_size=4 +mutex +response_p50_ns +150us \[148us\.\.152us\] n=10 +\+30\.0 % .* +195us .*regressed" "$out"
check_match "table: header with folders, git, kernels, alpha and threshold" \
	"baseline +$base +spec fixture, git 0123456789ab \(clean\).*kernels +rcu k-rcu -> k-rcu.*rule 2: alpha 0.05 over 18 gated cells, one-sided tests, Holm" \
	"$(tr '\n' ' ' <<<"$out")"
summary_re='^compare: [0-9]+ cells: [0-9]+ regressed, [0-9]+ improved, [0-9]+ unchanged, [0-9]+ noisy, [0-9]+ missing -> (REGRESSION|OK)$'
check "summary line: its stable format, last" "compare: 18 cells: 1 regressed, 0 improved, 17 unchanged, 0 noisy, 0 missing -> REGRESSION" \
	"$(tail -1 <<<"$out" | grep -E "$summary_re")"
run compare "$base" "$reg" -q
check "-q: only the summary line" "1 1" "$rc $(wc -l <<<"$out")"
run compare "$base" "$same"
check_match "unchanged rows hidden unless -v" "every cell unchanged \(-v lists them\)" "$out"
run compare "$base" "$same" -v
check "-v: a row per cell" "18" "$(grep -c ' unchanged ' <<<"$out")"

cmpj "$base" "$imp" --metrics report_p99_ns
check "-30 % report p99: improved, exit 0" "0 gs.group_size=1/rcu/report_p99_ns" "$rc $(cells improved)"
cmpj "$base" "$thr"
check "open loop: throughput is not in the default set (it is the offered rate there)" "0 0" \
	"$rc $(jq_ '[.cells[] | select(.metric == "throughput_rps")] | length')"
cmpj "$base" "$thr" --metrics throughput_rps
check "-30 % throughput (higher is better), gated with --metrics: regressed" "1 gs.group_size=1/rcu/throughput_rps" "$rc $(cells regressed)"
cmpj "$base" "$ovf" --metrics overflows
check "overflows 0 -> 5..9 (a count, no ratio): regressed by Fisher's exact test" "1 gs.group_size=4/rcu/overflows null true" \
	"$rc $(cells regressed) $(jq_ '.cells[] | select(.verdict == "regressed") | "\(.ci_low) \(.p_worse < 0.001)"')"
cmpj "$ovf" "$base" --metrics overflows
check "overflows 5..9 -> 0: improved" "0 gs.group_size=4/rcu/overflows" "$rc $(cells improved)"

cmpj "$wideb" "$wide" --metrics response_p99_ns
check "+-50 % overlapping data: noisy, exit 0" "0 gs.group_size=1/rcu/response_p99_ns" "$rc $(cells noisy)"
check_match "noisy: the repetitions per side that would decide" "^([0-9]+) .*about \1 repetitions per side would decide" \
	"$(jq_ '.cells[] | select(.verdict == "noisy") | "\(.need) \(.reason)"')"
check "noisy: need is more than there are" "true" "$(jq_ '.cells[] | select(.verdict == "noisy") | .need > 10')"

cmpj "$few" "$few_b"
check "2 repetitions: every cell noisy" "noisy" "$(jq_ '[.cells[].verdict] | unique | join(" ")')"
check "2 repetitions: too few, need max(min-reps, the interval's)" \
	"too few repetitions: 2 (baseline) and 2 (new), need 6" \
	"$(jq_ '.cells[] | select(.metric == "report_p50_ns") | .reason' | head -1)"
cmpj "$few" "$few_b" --min-reps 2 --metrics overflows
check "--min-reps 2: counts are judged on 2" "unchanged" "$(jq_ '[.cells[].verdict] | unique | join(" ")')"

cmpj "$base" "$plus8"
check "+8 % with a small spread: regressed at 5 %" "gs.group_size=1/mutex/response_p50_ns" "$(cells regressed)"
cmpj "$base" "$plus8" --threshold response_p50_ns=10%
check "--threshold response_p50_ns=10% does not gate: +8 % with +-1 % is still regressed" \
	"1 gs.group_size=1/mutex/response_p50_ns 0.1" \
	"$rc $(cells regressed) $(jq_ '.cells[] | select(.point == "gs.group_size=1" and .design == "mutex" and .metric == "response_p50_ns") | .threshold')"
cmpj "$base" "$same" --threshold 0.001
check "the threshold calls cells unchanged: within +-0.1 % no identical cell is" "0 0" \
	"$rc $(jq_ '[.cells[] | select(.verdict == "unchanged")] | length')"
cmpj "$base" "$plus8" --threshold 0.1
check "--threshold 0.1 for every metric" "1 0.1 0.1" "$rc $(jq_ '"\(.thresholds.default) \(.thresholds.report_p50_ns)"')"
cmpj "$base" "$plus8" --family 3
check "--family 3: rows at 1 - 2 x 0.05/3" "3 0.966" "$(jq_ '"\(.family) \(.confidence * 1000 | floor / 1000)"')"
cmpj "$base" "$imp" --metrics report_p99_ns --lkp-separation
check "--lkp-separation: in the JSON and the verdicts still made" "true 0" "$(jq_ '"\(.lkp_separation) \(.summary.regressed)"')"

cmpj "$base" "$failed"
check "a failed repetition in NEW: exit 1, regressed metric runs" "1 unbind.unbinders=1/mutex/runs" "$rc $(cells regressed)"
check_match "runs: the repetition's reason" "1 of 10 repetitions not successful: r4 failure: 3 invariant violations" \
	"$(jq_ '.cells[] | select(.metric == "runs") | .reason')"

run compare "$base" "$same" --metrics report_in_flush_p50_ns
check_match "a gated set with no value in either folder: exit 2, nothing to judge" "^2 .*nothing to judge" "$rc $err"
# The in-flush latencies are small samples: the runs' sample counts go beside their values.
qif=unbind.unbinders=1
qifb=$(mk qifb "{\"values\": {\"$qif/rcu/queue_in_flush_p50_ns\": [20000, 20100, 19900], \"$qif/mutex/queue_in_flush_p50_ns\": [20000, 20100, 19900]},
	\"samples\": {\"$qif/rcu/queue_in_flush_p50_ns\": [60, 64], \"$qif/mutex/queue_in_flush_p50_ns\": [55]}}")
qifn=$(mk qifn "{\"values\": {\"$qif/rcu/queue_in_flush_p50_ns\": [20000, 20100, 19900], \"$qif/mutex/queue_in_flush_p50_ns\": [60000, 60300, 59700]},
	\"samples\": {\"$qif/rcu/queue_in_flush_p50_ns\": [61], \"$qif/mutex/queue_in_flush_p50_ns\": [40, 52]}}")
run compare "$qifb" "$qifn" --metrics queue_in_flush_p50_ns
check_match "in-flush: the table gives each side's samples per run beside its values" \
	"$qif +mutex +queue_in_flush_p50_ns +20us \[19.9us..20.1us\] n=10 \(samples/run n=55\) .* 60us \[59.7us..60.3us\] n=10 \(samples/run n=40..52\) +regressed .* rc=1$" \
	"$(tr '\n' ' ' <<<"$out") rc=$rc"
cmpj "$qifb" "$qifn" --metrics queue_in_flush_p50_ns
check "in-flush: the JSON cells' samples_base and samples_new ([min, max]), rcu then mutex" \
	"[60,64] [61,61] [55,55] [40,52]" \
	"$(jq_ '[.cells[] | select(.metric == "queue_in_flush_p50_ns") | (.samples_base, .samples_new) | tostring] | join(" ")')"
cmpj "$base" "$reg" --metrics response_p50_ns
check "not a small sample: no samples in its cells" "0" "$(jq_ '[.cells[] | select(has("samples_base"))] | length')"
cmpj "$base" "$skipped"
check "a repetition skipped in NEW: flagged as a noisy runs cell, exit 0" "0 gs.group_size=4/rcu/runs" "$rc $(cells noisy)"
check_match "runs: names the skipped repetition and its reason" "1 of 10 repetitions skipped in new .*r2 skipped: this point cannot exist here" \
	"$(jq_ '.cells[] | select(.metric == "runs") | .reason')"

cmpj "$base" "$drop1"
check "a value NEW left out for too few samples: flagged, and no longer unchanged" \
	"0 gs.group_size=1/rcu/report_p50_ns" "$rc $(cells noisy)"
check_match "and the reason says so" "1 new repetition\(s\) left this percentile out \(too few samples\)" \
	"$(jq_ '.cells[] | select(.verdict == "noisy") | .reason')"
cmpj "$dropall" "$dropall"
check_match "left out on both sides in every repetition: a noisy cell, not a hole" \
	"^gs.group_size=1/rcu/report_p50_ns too few samples per run for this percentile in every repetition \(left out of 10 baseline and 10 new" \
	"$(jq_ '.cells[] | select(.verdict == "noisy") | "\(.point)/\(.design)/\(.metric) \(.reason)"')"

# --- invalid, incomplete, mismatched -------------------------------------------
run compare "$base" "$marker"
check_match "INCOMPLETE marker: exit 2, incomplete" "^2 iopf-bench compare: incomplete: new .*marker: INCOMPLETE marker present" "$rc $err"
run compare "$inc" "$base"
check_match "status incomplete: exit 2 with run.json's problems" "^2 iopf-bench compare: incomplete: baseline .*inc: 1 of 60 repetitions missing$" "$rc $err"
run compare "$failed" "$base"
check_match "failed baseline: exit 2" "^2 .*a baseline must be clean" "$rc $err"
mkdir -p "$tmp/norun"; cp "$base/plan.json" "$tmp/norun/"
run compare "$tmp/norun" "$base"
check_match "no run.json: exit 2, says to report first" "^2 .*has no run.json: run .iopf-bench report .*norun. first" "$rc $err"
cp -r "$base" "$tmp/v3"; jq '.schema_version = 3' "$base/run.json" >"$tmp/v3/run.json"
run compare "$base" "$tmp/v3"
check_match "schema_version 3: exit 2" "^2 .*not a run.json of schema_version 2" "$rc $err"
# A folder reported under rule 1 (schema 1: better / worse / same): another rule version.
cp -r "$base" "$tmp/r1"; jq '.schema_version = 1 | del(.rule_version)' "$base/run.json" >"$tmp/r1/run.json"
run compare "$tmp/r1" "$base"
check_match "a folder from rule 1: exit 2, one line, how to rewrite it" \
	"^2 1 iopf-bench compare: baseline .*r1: run.json is from another rule version \(schema_version 1, rule 1; this iopf-bench judges by rule 2\): run .iopf-bench report --force DIR. on it" \
	"$rc $(wc -l <<<"$err") $err"
rm -r "$tmp/r1/raw"
run compare "$base" "$tmp/r1"
check_match "a saved baseline (no raw runs) from rule 1: save a new one" "^2 .*new .*r1: run.json is from another rule version.*save a new one" "$rc $err"
jq '.rule_version = 3' "$base/run.json" >"$tmp/r1/run.json"
run compare "$base" "$tmp/r1"
check_match "rule_version 3: exit 2" "^2 .*another rule version \(rule 3; this iopf-bench judges by rule 2\)" "$rc $err"
cp -r "$base" "$tmp/dup"; jq '.sweeps[0].points += [.sweeps[0].points[0]]' "$base/run.json" >"$tmp/dup/run.json"
run compare "$base" "$tmp/dup"
check_match "a point twice in run.json: exit 2, named (the typed reader)" "^2 iopf-bench compare: new: .*dup/run.json: point gs.group_size=1 appears twice$" "$rc $err"
cp -r "$base" "$tmp/garbage"; echo '{"schema_version": 2,' >"$tmp/garbage/run.json"
run compare "$tmp/garbage" "$base"
check_match "unreadable run.json: exit 2" "^2 .*cannot read .*garbage/run.json" "$rc $err"

run compare "$base" "$param"
check "a param differs, a point only in new: exit 2" 2 "$rc"
check_match "the differences listed" \
	"point gs.group_size=1: rate_per_s 20000 \(baseline\) vs 40000 \(new\).*point gs.group_size=16 only in new" "$(tr '\n' ' ' <<<"$err")"
cmpj "$base" "$param" --force
check "--force: compared, the point only in new missing (metric *)" "0 gs.group_size=16/mutex/* gs.group_size=16/rcu/*" "$rc $(cells missing)"
check_match "--force: differences as warnings" "warning \(--force\): point gs.group_size=1: rate_per_s" "$err"
check "--force: mismatches in --json" "2" "$(jq_ '.mismatches | length')"
# ABI 7 renamed the prq model vtd and made it exact: another harness, not a difference.
run compare "$prqb" "$vtdn"
check_match "a prq baseline against a vtd run: exit 2, one line, save a new baseline" \
	"^2 1 iopf-bench compare: baseline .*prqb was measured with the pre-ABI-7 prq model, new .*vtdn with vtd \(point gs.group_size=1\): two different harnesses; save a new baseline \(iopf-bench baseline save\)$" \
	"$rc $(wc -l <<<"$err") $err"
run compare "$prqb" "$vtdn" --force --json
check "... even with --force, and nothing on stdout" "2 1 0" "$rc $(wc -l <<<"$err") ${#out}"
run compare "$vtdb" "$prqb" -q
check_match "a prq run against a vtd baseline: exit 2, measure it again" \
	"^2 iopf-bench compare: new .*prqb was measured with the pre-ABI-7 prq model, baseline .*vtdb with vtd .*measure it again" "$rc $err"
run compare "$vtdb" "$vtdn" -q
check "vtd against vtd: compared" 0 "$rc"
run compare "$prqb" "$prqb" -q
check "prq against prq (two old folders): compared" 0 "$rc"
run compare "$base" "$spec2"
check_match "spec name differs: exit 2" "^2 .*spec name fixture \(baseline\) vs tiny \(new\)" "$rc $(tr '\n' ' ' <<<"$err")"
run compare "$base" "$kcfg"
check_match "kernel config options differ: exit 2, each option named" \
	"^2 .*kernel config of design mutex: 2 option\(s\) differ: CONFIG_Y n \(baseline\) vs y \(new\); CONFIG_Z 64 \(baseline\) vs 32 \(new\)" "$rc $(tr '\n' ' ' <<<"$err")"
run compare "$base" "$kcfg" --force -q
check "kernel config options differ, --force: compared" 0 "$rc"
cmpj "$base" "$krel"
check "another point release and compiler, the same options: judged (exit 0), not refused" "0 0" "$rc $(jq_ '.mismatches | length')"
check_match "and what changed is noted: the kernel release" \
	"what changed in the kernel of mutex: kernelrelease 6.12.117 \(baseline\) -> 6.12.118 \(new\)" "$(jq_ '.notes | join(" ")')"
run compare "$base" "$khash"
check_match "no config files: the whole config's hash, exit 2" \
	"^2 .*kernel config_sha256 of design mutex .*0f22a1d6a51c8a85 \(baseline\) vs ffff0000ffff0000 \(new\)" "$rc $(tr '\n' ' ' <<<"$err")"
run compare "$base" "$kkey" -q
check "another kernel key and patches: not a mismatch" 0 "$rc"
run compare "$base" "$kvm"
check_match "TCG vs KVM: exit 2" "^2 .*machine qemu.accel tcg \(baseline\) vs kvm \(new\)" "$rc $(tr '\n' ' ' <<<"$err")"
run compare "$base" "$noprov"
check_match "no provenance: exit 2" "^2 .*new .*noprov has no provenance.json" "$rc $(tr '\n' ' ' <<<"$err")"
run compare "$base" "$reps5" -q
check_match "other repetitions: a note, not a mismatch" "^0 .*note: repetitions 10 \(baseline\) vs 5 \(new\)" "$rc $err"
cmpj "$base" "$knob"
check_match "synthetic regression knob: a note" "note: NEW has the synthetic regression knob on: response \+20000 ns, report \+5000 ns" "$err"
check "knob: in --json, and still judged" "1 20000 1" "$(jq_ '"\(.notes | length) \(.new.regress.response_ns) \(.summary.regressed)"')"

# --- JUnit and KTAP ----------------------------------------------------------------
run compare "$weirdb" "$weird" --junit "$tmp/j.xml" -q
check "--junit: exit code unchanged (1)" 1 "$rc"
check "JUnit validates against junit-10.xsd (xmllint)" "$tmp/j.xml validates" "$(xmllint --noout --schema "$XSD" "$tmp/j.xml" 2>&1)"
x=$(tr '\n' ' ' <"$tmp/j.xml")
check_match "JUnit: counts, escaped point, failure on design.metric" \
	'<testsuites name="iopf-bench compare" tests="6" failures="1" errors="0">.*<testsuite name="w.a&lt;b&amp;&quot;c&quot;#1" tests="6" failures="1" errors="0" skipped="0">.*<testcase classname="iopf-bench.w.a&lt;b&amp;&quot;c&quot;#1" name="mutex.report_p50_ns"> *<failure type="regressed" message="report_p50_ns: baseline 3us' "$x"
check "JUnit: testcases = tests, one failure element" "6 1" "$(grep -c '<testcase ' "$tmp/j.xml") $(grep -c '<failure ' "$tmp/j.xml")"
run compare "$base" "$param" --force --junit "$tmp/m.xml" -q
check "JUnit: missing cells skipped, validates" "2 $tmp/m.xml validates" \
	"$(grep -c '<skipped message="missing' "$tmp/m.xml") $(xmllint --noout --schema "$XSD" "$tmp/m.xml" 2>&1)"

run compare "$weirdb" "$weird" --ktap
printf '%s\n' "$out" >"$tmp/k.ktap"
check_match "KTAP: header, plan, the failing subtest" "^KTAP version 1 1\.\.1 .* {4}KTAP version 1 {5}1\.\.6 .* {4}not ok [0-9]+ mutex\.report_p50_ns .*not ok 1 w\.a<b&\"c\"_1" "$(tr '\n' ' ' <"$tmp/k.ktap")"
run compare "$base" "$param" --force --ktap
printf '%s\n' "$out" >"$tmp/k2.ktap"
check_match "KTAP: missing cells are SKIP" "ok [0-9]+ rcu\.\* # SKIP missing: point only in new" "$out"
ksrc=$("$TESTS_TOP/scripts/kernel-src" 2>/dev/null)
if [[ -f $ksrc/tools/testing/kunit/kunit.py ]]; then
	p=$(python3 "$ksrc/tools/testing/kunit/kunit.py" parse "$tmp/k.ktap" 2>&1)
	check_match "kunit.py parses the KTAP: 6 tests, 1 failed" "Ran 6 tests: passed: 5, failed: 1" "$p"
	p=$(python3 "$ksrc/tools/testing/kunit/kunit.py" parse "$tmp/k2.ktap" 2>&1)
	check_match "kunit.py parses --force KTAP with skips" "Ran 20 tests: passed: 18, skipped: 2" "$p"
else
	ktap_test_skip "kunit.py parses the KTAP (no kernel source: scripts/kernel-src)"
	ktap_test_skip "kunit.py parses --force KTAP with skips (no kernel source)"
fi

# --- options ----------------------------------------------------------------------
codes=
for args in "--threshold abc" "--threshold 100%" "--threshold nosuch=5%" "--alpha 0" "--alpha 100" "--family 0" \
	"--min-reps x" "--metrics nosuch" "--metrics offered_rps" "--bogus" "--json --ktap" "--junit"; do
	# shellcheck disable=SC2086
	"$B" compare "$base" "$same" $args >/dev/null 2>&1
	codes+="$? "
done
"$B" compare "$base" >/dev/null 2>&1; codes+="$? "
"$B" compare "$base" "$same" --out >/dev/null 2>&1; codes+="$?"
check "bad options and arguments exit 2" "2 2 2 2 2 2 2 2 2 2 2 2 2 2" "$codes"
run compare "$base" "$same" --metrics nosuch
check_match "--metrics: an unknown name lists the gated ones" "unknown metric 'nosuch'; gated metrics: throughput_rps" "$err"
cmpj "$base" "$reg" --metrics throughput_rps,response_p50_ns
check "--metrics: only those" "response_p50_ns throughput_rps 1" "$(jq_ '[.cells[].metric] | unique | join(" ")') $rc"
out=$(IOPF_BENCH_FAIL_ALLOC=50 "$B" compare "$base" "$same" 2>&1); rc=$?
check "out of memory (an allocation made to fail) exits 2, not 1 (regression)" "2 yes" \
	"$rc $(grep -q 'out of memory (exit 2)' <<<"$out" && echo yes || echo no)"
run compare --help
check_match "--help: usage and exit codes" "usage: iopf-bench compare BASELINE_DIR NEW_DIR.*Exit: 0 no regression, 1 regression, 2 invalid" "$(tr '\n' ' ' <<<"$out")"

# --- N folders: each later folder against the first, one column each -----------------
imp2=$(mk imp2 '{"scale": {"gs.group_size=1/rcu/report_p50_ns": 0.7}, "shift": 2}')
run compare "$base" "$reg" "$imp2"
check "three folders: exit 1 (a later folder regressed)" 1 "$rc"
check_match "three folders: one column per folder, the regressed and the improved row" \
	"point +design +metric +\[1\] base +\[2\] +\[3\] .*gs.group_size=1 +rcu +report_p50_ns +3us \[2.97us..3.03us\] n=10 +3us \+0.0 % unchanged +2.1us -30.0 % improved .*gs.group_size=4 +mutex +response_p50_ns +150us .* +195us \+30.0 % regressed +150us \+0.0 % unchanged" \
	"$(tr '\n' ' ' <<<"$out")"
check "three folders: the summary line adds the columns up, last" \
	"compare: 36 cells: 1 regressed, 1 improved, 34 unchanged, 0 noisy, 0 missing -> REGRESSION" "$(tail -1 <<<"$out")"
run compare "$base" "$same" "$imp2" -q
check "three folders, none regressed: exit 0" "0 compare: 36 cells: 0 regressed, 1 improved, 35 unchanged, 0 noisy, 0 missing -> OK" "$rc $out"
cmpj "$base" "$reg" "$imp2"
check "--json, three folders: folders, columns, each cell's folder, summary over all" "3 2 1,2 36 1 1 1" \
	"$(jq_ '"\(.folders | length) \(.columns | length) \([.cells[].folder] | unique | map(tostring) | join(",")) \(.summary.cells) \(.summary.regressed) \(.summary.improved) \(.exit_code)"')"
j3=$j
cmpj "$base" "$imp2"
check "a later folder is judged exactly as compare BASE FOLDER would (cells, family)" \
	"$(jq -c '[.cells[] | [.point, .design, .metric, .verdict, .ratio, .ci_low, .level]]' <<<"$j")" \
	"$(jq -c '[.cells[] | select(.folder == 2) | [.point, .design, .metric, .verdict, .ratio, .ci_low, .level]]' <<<"$j3")"
check "--json, two folders: the same document, plus folders, columns and cells' folder" "2 1 1 18 $base" \
	"$(jq_ '"\(.folders | length) \(.columns | length) \([.cells[].folder] | unique | join(",")) \(.columns[0].summary.cells) \(.new.dir)"' | sed "s|$imp2|$base|")"
run compare "$base" "$param" "$spec2"
check "three folders of different specs: exit 2" 2 "$rc"
check_match "... every difference of every folder listed" \
	"$base and $param are not the same experiment.* point gs.group_size=1: rate_per_s 20000 \(baseline\) vs 40000 \(new\).*$base and $spec2 are not the same experiment.* spec name fixture \(baseline\) vs tiny \(new\)" \
	"$(tr '\n' ' ' <<<"$err")"
cmpj "$base" "$param" "$spec2" --force
check "--force, three folders: compared, differences as warnings naming the folder" "0 yes" \
	"$rc $(grep -q "warning (--force) ($spec2): spec name fixture" <<<"$err" && echo yes || echo no)"
run compare "$base" "$reg" "$imp2" --junit "$tmp/j3.xml" --ktap
printf '%s\n' "$out" >"$tmp/k3.ktap"
check "three folders: JUnit validates, a testsuite per folder and point" "$tmp/j3.xml validates 6 1" \
	"$(xmllint --noout --schema "$XSD" "$tmp/j3.xml" 2>&1) $(grep -c '<testsuite ' "$tmp/j3.xml") $(grep -c '<failure ' "$tmp/j3.xml")"
check_match "three folders: KTAP names each point by its folder" "^KTAP version 1 1\.\.6 .*not ok [0-9] $reg:gs.group_size=4 .*ok [0-9] $imp2:gs.group_size=1" \
	"$(tr '\n' ' ' <"$tmp/k3.ktap")"
if [[ -f $ksrc/tools/testing/kunit/kunit.py ]]; then
	p=$(python3 "$ksrc/tools/testing/kunit/kunit.py" parse "$tmp/k3.ktap" 2>&1)
	check_match "kunit.py parses three folders' KTAP: 36 tests, 1 failed" "Ran 36 tests: passed: 35, failed: 1" "$p"
else
	ktap_test_skip "kunit.py parses three folders' KTAP (no kernel source: scripts/kernel-src)"
fi
run compare "$base" "$reg" "$tmp/nosuch"
check_match "a later folder that is not one: exit 2, named" "^2 .*new $tmp/nosuch: not a folder" "$rc $err"

# --- baselines --------------------------------------------------------------------
run baseline save "$base" main
check "baseline save: exit 0" 0 "$rc"
bl=$IOPF_BASELINES_DIR/main
check "baseline: the files, not raw/ or report.html" \
	"BASELINE.json config-mutex-perf config-rcu-perf csv plan.json provenance.json run.json spec.ini" "$(cd "$bl" && echo *)"
check "BASELINE.json: name, source, git, spec" "main $base 0123456789abcdef0123 fixture true" \
	"$(jq -r '"\(.name) \(.source) \(.git.revision) \(.spec.name) \(.saved | test("^[0-9-]+T[0-9:]+Z$"))"' "$bl/BASELINE.json")"
run baseline list
check_match "baseline list: name, date, spec, git" "^name +saved +spec +git main +20[0-9-]+T[0-9:]+Z +fixture +0123456789ab \(clean\)$" \
	"$(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
run compare "$bl" "$reg" -q
check "compare against a saved baseline folder: exit 1" "1" "$rc"
run compare main "$same" -q
check "compare against a baseline by name (IOPF_BASELINES_DIR)" "0" "$rc"
run baseline save "$marker" m2
check_match "save refuses an incomplete folder, nothing written" "^2 .*incomplete.* $" "$rc $err $(find "$IOPF_BASELINES_DIR" -mindepth 1 -maxdepth 1 ! -name main)"
run baseline save "$failed" m3
check_match "save refuses a failed folder" "^2 .*is failed, not complete" "$rc $err"
codes=
# shellcheck disable=SC2016 # a literal '$'
for n in .hidden a/b "" "x y" 'a$b' "x.tmp-1"; do "$B" baseline save "$base" "$n" >/dev/null 2>&1; codes+="$? "; done
check "save refuses bad names" "2 2 2 2 2 2 " "$codes"
run baseline save "$reg" main
check_match "save refuses an existing name without --force" "^2 .*exists \(--force replaces it\)" "$rc $err"
run baseline save "$reg" main --force
check "save --force replaces it; no work folders left" "0 $reg main" \
	"$rc $(jq -r .source "$bl/BASELINE.json") $(ls "$IOPF_BASELINES_DIR")"
run baseline save "$base" other --baselines-dir "$tmp/elsewhere"
check "--baselines-dir" "0 other" "$rc $(ls "$tmp/elsewhere")"
run baseline bogus
check "baseline: unknown subcommand exits 2" 2 "$rc"

check "nothing was written into the compared folders" "" \
	"$(find "$base" "$same" "$reg" "$weird" "$failed" "$param" -newer "$tmp/stamp")"
# The committed baseline (a real default-spec run) against itself, by name.
run compare default "$TESTS_TOP/results/baselines/default" -q --baselines-dir "$TESTS_TOP/results/baselines"
check_match "the default baseline against itself: no regression" "^0 compare: [0-9]+ cells: 0 regressed, 0 improved" "$rc $out"
# scripts/gate (make gate): a missing baseline and a bad option are usage errors, before any run.
"$TESTS_TOP/scripts/gate" --baseline nosuch >/dev/null 2>"$tmp/gate.err"
check "scripts/gate with no such baseline exits 2" 2 "$?"
# --pair BASE:NEW: one design against another, in one folder (an
# interleaved A/B) or across two; each cell is named BASE->NEW.
cmpj --pair mutex:mutex "$base" "$reg"
check "--pair mutex:mutex across two folders: the same verdict, the cell named mutex->mutex" \
	"1 gs.group_size=4/mutex->mutex/response_p50_ns" "$rc $(cells regressed)"
cmpj --pair rcu:mutex "$base"
check "--pair rcu:mutex in one folder: only rcu->mutex cells, exit 0 or 1" "rcu->mutex yes" \
	"$(jq_ '[.cells[].design] | unique | join(" ")') $( ((rc == 0 || rc == 1)) && echo yes || echo no)"
run compare --pair rcu:zz "$base"
check_match "--pair with a design the folder lacks: exit 2, named" "^2 .*has no design zz" "$rc $err"
run compare --pair rcu "$base"
check_match "--pair without NEW: exit 2" "^2 .*want BASE:NEW" "$rc $err"
run compare --pair rcu:rcu "$base"
check_match "--pair of a design with itself in one folder: exit 2" "^2 .*compares a design with itself" "$rc $err"
"$TESTS_TOP/scripts/gate" --bogus >/dev/null 2>"$tmp/gate.err"
check "scripts/gate with a bad option exits 2" 2 "$?"

ktap_finished
