#!/usr/bin/env bash
# Description: a tiny real sweep (bench/specs/smoke.ini, make smoke: 2 group sizes x 2
# placements x 2 designs, short runs, in VMs) makes a complete results folder:
# run.json valid against results/run.schema.json, one CSV per sweep with the
# expected columns and rows, raw JSON and histograms for every repetition,
# provenance with QEMU and the kernels, every figure as non-empty PNG and SVG
# linked from report.html. A sweep interrupted by SIGINT dies of it, leaves
# the folder marked incomplete (INCOMPLETE and run.json), and nothing runs
# after the signal. A boot that fails (a stand-in vm-run exiting as for a
# WARNING in the guest's log) turns each of its runs into an error naming
# the boot and the reason; the sweep goes on to the next boot and exits 1.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
runs=$TESTS_TOP/build/sweep-test-$$
mkdir -p "$runs"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$runs"' EXIT

ktap_print_header
ktap_set_plan 22

d=$runs/tiny
"$B" sweep "$TESTS_TOP/bench/specs/smoke.ini" --out "$d" -q >"$runs/tiny.out" 2>"$runs/tiny.err"
rc=$?
check "tiny sweep exits 0" 0 "$rc"
((rc == 0)) || ktap_print_msg "$(tail -n 20 "$runs/tiny.err")"
check "no INCOMPLETE marker" no "$([[ -e $d/INCOMPLETE ]] && echo yes || echo no)"
check "run.json status complete" complete "$(jq -r .status "$d/run.json" 2>&1)"
out=$(/usr/bin/python3 -m jsonschema -i "$d/run.json" "$TESTS_TOP/results/run.schema.json" 2>&1)
check "run.json validates against results/run.schema.json" "0:" "$?:$out"
check "8 repetitions x 2 = 16 raw results" 16 "$(find "$d/raw" -path '*/warmup' -prune -o -name '*-r[0-9].json' -print | wc -l)"
check "16 raw histograms" 16 "$(find "$d/raw" -name '*.hist.json' -size +0 | wc -l)"
check "every repetition succeeded" 16 "$(jq '[.sweeps[].points[].designs[].repetitions[] | select(.status == "success")] | length' "$d/run.json")"
hdr=$(head -n1 "$d/csv/gs.csv")
check_match "gs.csv (layout 2): point, design, status and counts, then the axes" "^point,design,point_status,n_ok,n_failed,n_skipped,n_missing,group_size,placement," "$hdr"
check_match "gs.csv has throughput and latency columns with units" "throughput_rps_median.*response_p99_ns_median.*report_p99_ns_median" "$hdr"
check "gs.csv: 2 group sizes x 2 placements x 2 designs rows" 8 "$(($(wc -l <"$d/csv/gs.csv") - 1))"
pv="$(jq -r '(.qemu.version != null) and (.qemu.accel != null)' "$d/provenance.json") $(jq '.kernels | length' "$d/provenance.json")"
[[ $pv == "true 2" ]] || ktap_print_msg "qemu: $(jq -c .qemu "$d/provenance.json"); $(grep -i provenance "$runs/tiny.err" | tail -n 5)"
check "provenance: QEMU and both kernels" "true 2" "$pv"
bad=0 n=0
for f in "$d"/fig/*.png; do
	n=$((n + 1))
	s=${f%.png}.svg
	[[ -s $f && -s $s ]] || { ktap_print_msg "empty or missing: $f / $s"; bad=1; }
	grep -q "fig/$(basename "$f")" "$d/report.html" || { ktap_print_msg "report.html does not link $(basename "$f")"; bad=1; }
	grep -q "fig/$(basename "$s")" "$d/report.html" || { ktap_print_msg "report.html does not link $(basename "$s")"; bad=1; }
done
check "figures: PNG and SVG, non-empty, linked from report.html" "0 yes" "$bad $( ((n >= 2)) && echo yes || echo "no ($n)")"

# SIGINT during the first boot: the sweep dies of SIGINT, no later run.
d=$runs/slow
"$B" sweep "$TESTS_TOP/tests/specs/slow.ini" --out "$d" -q >"$runs/slow.out" 2>"$runs/slow.err" &
pid=$!
for _ in $(seq 240); do
	(($(find "$d/raw" -name '*-r[0-9].json' -size +0 2>/dev/null | wc -l) >= 1)) && break
	sleep 0.5
done
sleep 1
kill -INT "$pid"
at=$(find "$d/raw" -name '*-r[0-9].json' -size +0 2>/dev/null | wc -l)
boots=$(find "$d/logs" -mindepth 1 -maxdepth 1 -type d | wc -l)
wait "$pid"
rc=$?
check "interrupted sweep dies of SIGINT (exit 130)" 130 "$rc"
check "INCOMPLETE is kept" yes "$([[ -e $d/INCOMPLETE ]] && echo yes || echo no)"
check "run.json says incomplete" incomplete "$(jq -r .status "$d/run.json" 2>&1)"
end=$(find "$d/raw" -name '*-r[0-9].json' -size +0 | wc -l)
check "no run started after the signal (results: $at at the signal, $end at the end)" yes \
	"$( ((end <= at + 1 && end < 6)) && echo yes || echo no)"
check "no boot started after the signal" "$boots" "$(find "$d/logs" -mindepth 1 -maxdepth 1 -type d | wc -l)"
check "no report.html in an interrupted folder" no "$([[ -e $d/report.html ]] && echo yes || echo no)"
# A failing boot: every run of it is an error with the reason, none counted.
cat >"$runs/vm-run" <<'EOS'
#!/bin/sh
echo "vm-run: FAIL: guest kernel WARNING (stand-in)" >&2
exit 242
EOS
chmod +x "$runs/vm-run"
d=$runs/failboot
IOPF_BENCH_VMRUN=$runs/vm-run "$B" sweep "$TESTS_TOP/bench/specs/smoke.ini" --out "$d" -q --reps 1 >"$runs/fb.out" 2>"$runs/fb.err"
check "a failed boot makes the sweep exit 1" 1 "$?"
check "run.json: failed" failed "$(jq -r .status "$d/run.json")"
check "every repetition is an error" "8 8" "$(jq '[.sweeps[].points[].designs[].repetitions[]] | length' "$d/run.json") $(jq '[.sweeps[].points[].designs[].repetitions[] | select(.status == "error")] | length' "$d/run.json")"
check_match "each names the boot and the WARNING" "^boot [0-9]+ \\((rcu|mutex)/perf\\) failed: scripts/vm-run exit 242 \\(WARNING in the guest kernel log" \
	"$(jq -r '.sweeps[0].points[0].designs.rcu.repetitions[0].reason' "$d/run.json")"
ktap_finished
