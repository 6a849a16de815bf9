#!/usr/bin/env bash
# Description: the stable-output contract (kmod/README.md, "Stable output")
# for the files `iopf-bench report` writes: on a hand-made results folder
# (two sweeps, two designs, one and two axes), run.json validates against
# results/run.schema.json and a changed document does not (a renamed key,
# a missing one, a wrong enum); every csv/<sweep>.csv header starts with the
# committed column list tests/data/columns/sweep.columns (the sweep's axes in
# place of <axes>), so that a column removed, renamed or moved fails here,
# while one appended at the end passes; the check itself catches a reordered
# list; and every column of every committed list (sweep, time series, group
# records, calibration) is documented in results/SCHEMA.md's "CSV files".
# The time-series and group-records headers are checked against their lists
# by bench_stream_test, calibration.csv's by calibrate_test.sh.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
SCHEMA=$TESTS_TOP/results/run.schema.json
COLS=$TESTS_TOP/tests/data/columns
tmp=$(mktemp -d); [[ -n ${KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3	# Debian's, with python3-jsonschema
[[ -x $PY ]] || PY=python3

# columns LIST [AXIS...]: the committed list as one comma-separated line,
# the axes in place of <axes>.
columns() {
	local list=$1 c out=(); shift
	while IFS= read -r c; do
		[[ -z $c || $c == \#* ]] && continue
		if [[ $c == '<axes>' ]]; then out+=("$@"); else out+=("$c"); fi
	done <"$list"
	local IFS=,
	echo "${out[*]}"
}
# starts_with LIST_LINE HEADER: "ok", or the first column where they part.
starts_with() {
	local -a want got
	IFS=, read -ra want <<<"$1"
	IFS=, read -ra got <<<"$2"
	for ((i = 0; i < ${#want[@]}; i++)); do
		if [[ ${want[i]} != "${got[i]:-}" ]]; then
			echo "column $((i + 1)): expected ${want[i]}, got ${got[i]:-nothing}"
			return
		fi
	done
	echo ok
}

# A results folder: sweep "gs" (axis group_size), sweep "pl" (injectors,
# placement), designs rcu and mutex, 3 repetitions each.
d=$tmp/f
mkdir -p "$d/raw"
"$PY" - "$d" <<'EOF'
import json, os, sys
d = sys.argv[1]
points, runs = [], []
def point(pid, sweep, axes):
    points.append({"id": pid, "sweep": sweep, "axis_values": axes, "params": axes, "args": [], "skip_reason": None})
    os.makedirs(f"{d}/raw/{pid}", exist_ok=True)
    for de, f in (("rcu", 1.0), ("mutex", 1.5)):
        for r in (1, 2, 3):
            runs.append({"point": pid, "design": de, "rep": r, "boot": r, "order": 0})
            s = f * (1 + r / 100)
            json.dump({"version": {"schema": 3, "tool": "1.0.0"}, "command": "run", "status": "success",
                       "rate_per_s": round(10000 / s), "target_rate_per_s": 0,
                       "latency_ns": {"count": 20000, "p50": round(100000 * s), "p99": round(400000 * s), "p999": round(800000 * s)},
                       "report_last_latency_ns": {"count": 20000, "p50": round(3000 * s), "p99": round(10000 * s), "p999": round(20000 * s)},
                       "queue_latency_ns": {"count": 2000, "p50": round(1000 * s), "p99": round(50000 * s)},
                       "invariant_violations": 0, "violations": {"unexpected": 0, "late": 0, "lost": 0, "group": 0},
                       "prq": {"overflows": 0}, "group_check": {"incomplete": 0}, "config": {"unbinders": 0}},
                      open(f"{d}/raw/{pid}/{de}-r{r}.json", "w"))
for g in (1, 16):
    point(f"gs.group_size={g}", "gs", {"group_size": g})
for p in ("spread", "packed"):
    point(f"pl.injectors=2.placement={p}", "pl", {"injectors": 2, "placement": p})
sweeps = [{"name": "gs", "description": "gs", "axes": ["group_size"], "points": [p["id"] for p in points[:2]]},
          {"name": "pl", "description": "pl", "axes": ["injectors", "placement"], "points": [p["id"] for p in points[2:]]}]
json.dump({"schema_version": 1, "spec": {"name": "stable", "file": "bench/specs/stable.ini", "description": "fixture"},
           "target": "vm", "baseline_design": "rcu", "designs": ["rcu", "mutex"], "repetitions": 3,
           "vm": {"emulated": True, "cpus": 2, "topology": "1:2:1", "numa_nodes": 0},
           "sweeps": sweeps, "points": points, "runs": runs}, open(f"{d}/plan.json", "w"))
json.dump({"git": {"revision": "0123abc", "dirty": False}, "date": "2026-12-06T00:00:00Z", "host": {"name": "vm"},
           "qemu": None, "kernels": []}, open(f"{d}/provenance.json", "w"))
EOF

ktap_print_header
ktap_set_plan 10

"$B" report "$d" --quiet >"$tmp/out" 2>&1
check "report of the fixture: exit 0" "0" "$?"

# run.json and its JSON Schema
check "run.json validates against results/run.schema.json" "" \
	"$("$PY" -m jsonschema -i "$d/run.json" "$SCHEMA" 2>&1)"
bad=
for m in '.counts.succes = .counts.success | del(.counts.success)' 'del(.sweeps[0].csv)' \
	'.sweeps[0].points[0].point_status = "fine"' '.sweeps[0].points[0].designs.rcu.repetitions[0].status = "ok"' \
	'.sweeps[0].points[0].designs.rcu.summary.throughput_rps.median = "10k"'; do
	jq "$m" "$d/run.json" >"$tmp/bad.json"
	"$PY" -m jsonschema -i "$tmp/bad.json" "$SCHEMA" >/dev/null 2>&1 || continue
	bad+=" [$m]"
done
check "the schema rejects a renamed key, a missing one, wrong enums and a wrong type" "" "$bad"

# The CSV headers start with the committed lists.
res=
for s in $(jq -r '.sweeps[].name' "$d/run.json"); do
	mapfile -t axes < <(jq -r --arg s "$s" '.sweeps[] | select(.name == $s) | .axes[]' "$d/run.json")
	res+="$s: $(starts_with "$(columns "$COLS/sweep.columns" "${axes[@]}")" "$(head -n1 "$d/csv/$s.csv")"); "
done
check "every csv/<sweep>.csv header starts with tests/data/columns/sweep.columns" "gs: ok; pl: ok; " "$res"
check "the CSV rows have as many fields as the header" "1" \
	"$(for f in "$d"/csv/*.csv; do awk -F, '{ print NF }' "$f" | sort -u | wc -l; done | sort -u)"
hdr=$(head -n1 "$d/csv/gs.csv")
check "the check passes a column appended at the end" "ok" \
	"$(starts_with "$(columns "$COLS/sweep.columns" group_size)" "$hdr,new_metric_median")"
# The check can fail: the list with two columns swapped, or one left out.
sed '/^n_ok$/{h;d};/^n_failed$/{G}' "$COLS/sweep.columns" >"$tmp/swapped"
check "the check catches two columns swapped" "column 4: expected n_failed, got n_ok" \
	"$(starts_with "$(columns "$tmp/swapped" group_size)" "$hdr")"
grep -v '^point_status$' "$COLS/sweep.columns" >"$tmp/removed"
check "the check catches a column removed" "column 3: expected n_ok, got point_status" \
	"$(starts_with "$(columns "$tmp/removed" group_size)" "$hdr")"

# Every committed column is documented in results/SCHEMA.md's "CSV files".
doc=$(awk '/^## CSV files/ { f = 1; next } f && /^## / { f = 0 } f' "$TESTS_TOP/results/SCHEMA.md")
undoc=
for l in "$COLS"/*.columns; do
	while IFS= read -r c; do
		[[ -z $c || $c == \#* || $c == '<axes>' ]] && continue
		# a metric's three columns are documented as <metric>_median, _min, _max
		m=${c%_median}; m=${m%_min}; m=${m%_max}
		grep -qF -- "\`$c\`" <<<"$doc" || grep -qF -- "\`$m\`" <<<"$doc" || undoc+=" $(basename "$l"):$c"
	done <"$l"
done
check "every committed column is documented in results/SCHEMA.md (CSV files)" "" "$undoc"
check "SCHEMA.md's CSV section names the layout version and the append-only rule" "2 1" \
	"$(grep -c 'layout 2' <<<"$doc" | sed 's/^[1-9][0-9]*$/2/') $(grep -c 'only ever appended' <<<"$doc" | sed 's/^[1-9][0-9]*$/1/')"

ktap_finished
