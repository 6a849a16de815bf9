#!/usr/bin/env bash
# Description: the per-run JSON (`iopf-bench run --json`, `results --json`,
# `start --json`, a sweep's raw/<point>/<design>-r<rep>.json) against its
# JSON Schema, results/run-result.schema.json. The documents are real: the
# tool's own, printed against the fake module of bench_run_test (31 kinds of
# run: each handler and model, both clocks and none, unbinders, a failure,
# the module's and the tool's errors, skipped, results, start, ABI 6 and 1)
# and bench_stream_test (a complete and a broken time series), and the raw
# files two sweeps write and then mark failed: a host sweep whose kernel log
# reports a WARNING during a run (status_before_kernel_report), and a VM
# sweep in a stand-in checkout whose stand-in vm-run fails the boots
# (status_before_boot_failed; a run that left no file gets the sweep's own
# stand-in). Every document validates; they cover every status, command,
# model, handler, clock and error source; a document of an earlier build
# (without the config keys added with ABI 7) still does; and changed
# documents do not: a missing required key, a wrong type, an unknown enum
# value, an unknown key, and fields that contradict each other. Every key
# at the root is named in results/SCHEMA.md's "The per-run JSON".
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
H=$TESTS_TOP/build/tests/host
SCHEMA=$TESTS_TOP/results/run-result.schema.json
tmp=$(mktemp -d); [[ -n ${KEEP:-} ]] || trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3	# Debian's, with python3-jsonschema
[[ -x $PY ]] || PY=python3
docs=$tmp/docs
mkdir -p "$docs"

ktap_print_header
ktap_set_plan 14

# The tool's documents against the fake modules.
out=$(IOPF_BENCH_JSON_DOCS=$docs "$H/bench_run_test" -t json_documents 2>&1 &&
	IOPF_BENCH_JSON_DOCS=$docs "$H/bench_stream_test" -t run_timeseries 2>&1)
rc=$?
((rc == 0)) || ktap_print_msg "$(grep -v '^#  ' <<<"$out" | head -20)"
check "bench_run_test json_documents and bench_stream_test run_timeseries pass" "0" "$rc"

# A host sweep's raw files (sweep --exec, the way a host sweep runs its
# plan): no module here, so each run is the tool's error; a WARNING in the
# kernel log during the first marks it failed by the sweep.
x=$tmp/exec
mkdir -p "$x"
cat >"$x/plan.json" <<EOF
{ "boot_warmup_ms": 0,
  "points": [ { "id": "p1", "args": [ "--duration", "100ms", "--device", "$tmp/no-module" ],
                "params": { "duration_ms": 100, "warmup_ms": 0 } } ],
  "runs": [ { "boot": 1, "rep": 1, "design": "host", "point": "p1" },
            { "boot": 1, "rep": 2, "design": "host", "point": "p1" } ] }
EOF
printf '4,7,100,-;%s\n' 'WARNING: CPU: 1 PID: 42 at drivers/iommu/io-pgfault.c:371 iopf_queue_remove_device+0x1/0x2' \
	>"$tmp/kmsg"
IOPF_BENCH_KMSG=$tmp/kmsg "$B" sweep --exec "$x" >/dev/null 2>&1
for r in 1 2; do cp "$x/raw/p1/host-r$r.json" "$docs/sweep-host-r$r.json" 2>/dev/null; done

# A VM sweep's, in a stand-in checkout (no kernel is built, no VM booted):
# the boots fail; rcu's runs ran first (and their log had a WARNING),
# mutex's never did.
co=$tmp/co
mkdir -p "$co/bench" "$co/kernel" "$co/scripts" "$co/results/runs"
cp "$B" "$co/bench/"
cp "$TESTS_TOP/kernel/designs.tsv" "$co/kernel/"
for s in kernel-build kmod-build provenance; do
	printf '#!/bin/sh\nexit 0\n' >"$co/scripts/$s"
	chmod +x "$co/scripts/$s"
done
cat >"$tmp/vm-run" <<EOF
#!/bin/sh
# a stand-in for scripts/vm-run: rcu's boot runs its command, then both fail
case " \$* " in *" --design rcu "*) ran=1 ;; *) ran= ;; esac
while [ "\$1" != "--" ]; do shift; done
shift
[ -n "\$ran" ] && IOPF_BENCH_KMSG=$tmp/kmsg "\$@" >/dev/null 2>&1
echo "vm-run: FAIL: guest kernel WARNING (stand-in)" >&2
exit 242
EOF
chmod +x "$tmp/vm-run"
cat >"$tmp/vm.ini" <<'EOF'
[global]
designs = rcu mutex
repetitions = 1
duration = 100ms
boot-warmup = 0
[p]
group-size = 1
EOF
IOPF_BENCH_VMRUN=$tmp/vm-run "$co/bench/iopf-bench" sweep "$tmp/vm.ini" --out "$co/results/runs/vm" -q \
	>/dev/null 2>&1
for d in rcu mutex; do cp "$co/results/runs/vm/raw/p/$d-r1.json" "$docs/sweep-vm-$d.json" 2>/dev/null; done
check "33 documents from the tests, 4 raw files from the sweeps" "37" "$(find "$docs" -name '*.json' | wc -l)"

# validate FILE...: one line per invalid file (its first complaint), nothing when all are valid.
validate() {
	"$PY" - "$SCHEMA" "$@" <<'EOF' 2>&1
import json, os, sys
import jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
for f in sys.argv[2:]:
    e = next(iter(v.iter_errors(json.load(open(f)))), None)
    if e:
        print(f"{os.path.basename(f)}: /{'/'.join(map(str, e.absolute_path))}: {e.message[:160]}")
EOF
}
check "every document validates against results/run-result.schema.json" "" "$(validate "$docs"/*.json)"

# What they cover.
cover() { jq -r "$1 | select(. != null)" "$docs"/*.json | sort -u | tr '\n' ' '; }
check "every status and command" "error failure skipped started success / results run start " \
	"$(cover .status)/ $(cover .command)"
check "every model (prq: ABI 6) and handler" "amd direct prq smmuv3-stall vtd / defer inline iommufd null wq " \
	"$(cover .config.model)/ $(cover .config.handler)"
check "every clock, error source, and the unbind and time-series objects" \
	"ktime none tsc / bench module sweep / timeseries unbind " \
	"$(cover .clock)/ $(cover .error.source)/ $(cover '(if .unbind then "unbind" else null end), (if .timeseries then "timeseries" else null end)')"
check "the sweep's marks: status_before_kernel_report, status_before_boot_failed, both, and its stand-in" \
	"sweep-host-r1 sweep-vm-rcu / sweep-vm-rcu / sweep-vm-rcu / sweep-vm-mutex" \
	"$(cd "$docs" && echo $(grep -l status_before_kernel_report sweep-*.json | sed 's/\.json$//')) / $(cd "$docs" &&
		echo $(grep -l status_before_boot_failed sweep-*.json | sed 's/\.json$//')) / $(cd "$docs" &&
		echo $(for f in sweep-*.json; do jq -e 'has("status_before_kernel_report") and has("status_before_boot_failed")' \
			"$f" >/dev/null && echo "${f%.json}"; done)) / $(cd "$docs" && echo $(for f in sweep-*.json; do
		jq -e 'has("version") | not' "$f" >/dev/null && echo "${f%.json}"; done))"

# An earlier build's document (schema 3 before ABI 7's config keys) is valid too.
jq 'del(.config.reporter_prio, .config.vtd_wake, .config.pasid_only)' "$docs/run-success.json" >"$tmp/old.json"
check "a document without the config keys added with ABI 7 still validates" "" "$(validate "$tmp/old.json")"

# mutations CHECK-NAME FILE JQ...: each jq program changes FILE; every
# changed document must be rejected. Says which were accepted.
mutations() {
	local desc=$1 file=$docs/$2.json m n=0 accepted=
	shift 2
	for m; do
		n=$((n + 1))
		jq "$m" "$file" >"$tmp/bad-$n.json" || { accepted+=" [jq failed: $m]"; continue; }
		cmp -s <(jq -S . "$file") <(jq -S . "$tmp/bad-$n.json") && { accepted+=" [no change: $m]"; continue; }
		[[ -z $(validate "$tmp/bad-$n.json") ]] && accepted+=" [$m]"
	done
	check "$desc" "" "$accepted"
}
mutations "rejected: a required key missing" run-success \
	'del(.latency_ns)' 'del(.version)' 'del(.timestamp)' 'del(.config.handler)' 'del(.module.caps)' \
	'del(.environment.command_line)' 'del(.prq.max_fill)' 'del(.latency_ns.p99)' 'del(.queue_in_flush_latency_ns)' \
	'del(.run_id)'
mutations "rejected: an error without its required keys" error-module \
	'del(.error)' 'del(.error.errno)' 'del(.error.errno_name)' 'del(.error.message)'
mutations "rejected: a wrong type or value" run-success \
	'.requests = "8000"' '.latency_ns.p99 = 1.5' '.latency_ns.count = -1' '.config.service_sleep = 0' \
	'.environment.command_line = "iopf-bench run"' '.version.schema = 2' '.config.cpus = [0.5]' \
	'.timestamp = "yesterday"' '.injector_cpu_utilization = "6%"'
mutations "rejected: an unknown enum value" error-module \
	'.status = "ok"' '.config.model = "intel"' '.config.handler = "sva"' '.clock = "hpet"' \
	'.error.source = "kernel"' '.config.pacing = "burst"' '.module.mock_kind = "real"' \
	'.status_before_boot_failed = "crashed" | .error = {"source": "sweep", "message": "m"}' \
	'.command = "runs"' '.config.placement = "everywhere"'
mutations "rejected: an unknown key, and fields that contradict each other" unbinders \
	'.extra = 1' '.config.group_sizes = 1' '.latency_ns.p95 = 1' \
	'.latency_ns.count = 0' '.invariant_violations = 3' '.status = "skipped"' '.skip_reason = "why"' \
	'del(.rebind_latency_ns)' '.status = "error"' '.status_before_kernel_report = "success"' \
	'.module.abi_version = 6' '.config.target_rate_per_s = 0' '.error = {"source": "bench", "message": "m"}'

# Every key at the root is named in SCHEMA.md's section on the per-run JSON.
doc=$(awk '/^## The per-run JSON/ { f = 1; next } f && /^## / { f = 0 } f' "$TESTS_TOP/results/SCHEMA.md")
undoc=
for k in $(jq -r '.properties | keys[]' "$SCHEMA"); do
	grep -qF -- "\"$k\"" <<<"$doc" || grep -qF -- "\`$k\`" <<<"$doc" || undoc+=" $k"
done
check "every key at the root is named in results/SCHEMA.md, \"The per-run JSON\"" "" "$undoc"

ktap_finished
