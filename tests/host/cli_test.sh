#!/usr/bin/env bash
# Description: scripts and bench/iopf-bench (ABI 2 options: --model, --iommus,
# --prq-depth, --irq-cpus, --handler defer, --defer-ns; --placement, skipped
# with exit 4 where the machine cannot have it) refuse bad input with one
# clear error and a known exit code before doing any work, and the test runner
# counts results the kselftest way.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
S=$TESTS_TOP/scripts
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# run CMD...: sets out (stderr+stdout) and rc
run() { out=$("$@" 2>&1); rc=$?; }

ktap_print_header
ktap_set_plan 38
run "$S/kernel-build" --design nosuch --flavor perf
check "kernel-build: unknown design exits 1" 1 "$rc"
check_match "kernel-build: unknown design lists the valid ones" "unknown design 'nosuch' \(valid: rcu mutex mutex-busted" "$out"
run "$S/kernel-build" --design rcu --flavor fast
check_match "kernel-build: unknown flavor" "unknown flavor 'fast' \(valid: perf debug noiopf\)" "$out"
run "$S/kernel-build" --design rcu
check_match "kernel-build: flavor required" "--flavor is required" "$out"
# Under the kselftest runner every program's stdout is line-buffered
# (stdbuf's LD_PRELOAD): a `cmd | head -n1` under pipefail then kills cmd with
# SIGPIPE and fails the script at random. kernel-build --key computes the
# compiler part of the key from `gcc --version`.
bad=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	stdbuf -oL "$S/kernel-build" --design rcu --flavor perf --key >/dev/null 2>&1 || bad=$((bad + 1))
done
check "kernel-build --key with line-buffered output (kselftest's stdbuf): 10 of 10 succeed" 0 "$bad"
run "$S/kernel-build" --design rcu --flavor perf --jobs 0
check_match "kernel-build: bad --jobs" "--jobs must be a positive integer" "$out"
run "$S/kernel-build" --design rcu --flavor perf --bogus
check "kernel-build: unknown option exits 1" 1 "$rc"

run "$S/vm-run" --design rcu --flavor perf
check "vm-run: no command exits $VMRUN_ERROR" "$VMRUN_ERROR" "$rc"
run "$S/vm-run" --design rcu --flavor perf --timeout 0 -- true
check_match "vm-run: bad timeout" "--timeout must be a positive number" "$out"
run "$S/vm-run" --design rcu --flavor perf --topology 2x2 -- true
check_match "vm-run: bad topology" "--topology must be sockets:cores:threads" "$out"
run "$S/vm-run" --design rcu --flavor perf --cpus 65 -- true
check "vm-run: too many CPUs exits $VMRUN_ERROR" "$VMRUN_ERROR" "$rc"
run "$S/vm-run" --design rcu --flavor perf --numa-nodes 3 --cpus 2 -- true
check_match "vm-run: more nodes than CPUs" "cannot exceed the number of CPUs" "$out"
run "$S/vm-run" --design rcu --flavor perf --topology 2:3:1 --numa-nodes 4 -- true
check_match "vm-run: a NUMA node may not split a socket" "--numa-nodes 4 splits a socket \\(sockets: 2\\)" "$out"
run "$S/vm-run" --design rcu --flavor perf --mem lots -- true
check_match "vm-run: bad --mem" "--mem must look like" "$out"
run "$S/vm-run" --design nosuch --flavor perf -- true
check "vm-run: unknown design exits $VMRUN_ERROR" "$VMRUN_ERROR" "$rc"

# iopf-bench: bad combinations exit 2 before the device is opened (it does not exist).
B=$TESTS_TOP/bench/iopf-bench
nodev=(--device "$tmp/no-such-device")
run "$B" run --model direct --prq-depth 64 "${nodev[@]}"
check "iopf-bench: --prq-depth with --model direct exits 2" 2 "$rc"
check_match "iopf-bench: --prq-depth with --model direct says why" \
	"^iopf-bench run: --prq-depth is for --model prq; with --model direct the injectors report themselves" "$out"
run "$B" run --iommus 2 --devices 2 --irq-cpus 0 "${nodev[@]}"
check_match "iopf-bench: --irq-cpus must name one CPU per IOMMU" \
	"--irq-cpus names 1 CPU but --iommus is 2: give one CPU per IOMMU" "$out"
run "$B" start --defer-ns 5000 "${nodev[@]}"
check "iopf-bench: --defer-ns without --handler defer exits 2" 2 "$rc"
check_match "iopf-bench: --defer-ns without --handler defer says why" "--defer-ns needs --handler defer" "$out"
run "$B" run --handler defer --unbinders 1 --pasids 1 --unbind-scope pasid "${nodev[@]}"
check_match "iopf-bench: --handler defer refuses --unbind-scope pasid" \
	"--handler defer does not go with --unbind-scope pasid: iommufd answers a PASID's held groups at its detach" "$out"
run "$B" run --help
check_match "iopf-bench: --help lists the models" "--model \{prq,direct\}" "$out"
# A placement this machine cannot have: exit 4 (skip) with the reason, before the
# device (which does not exist) is opened; hwloc reads the machine from HWLOC_SYNTHETIC.
run env HWLOC_SYNTHETIC="pack:1 core:2 pu:1" "$B" run --placement smt-siblings --json "${nodev[@]}"
check "iopf-bench: smt-siblings without SMT exits 4" 4 "$rc"
check_match "iopf-bench: ... and says skipped, in JSON" '"status": "skipped"' "$out"
check_match "iopf-bench: ... with the reason" \
	"\"skip_reason\": \"--placement smt-siblings: smt-siblings needs a core with 2 PUs; this machine's cores have 1.\"" "$out"
run "$B" run --placement scatter "${nodev[@]}"
check_match "iopf-bench: unknown placement lists the names" \
	"--placement: 'scatter' is not valid; accepted: default, spread, compact, smt-siblings" "$out"
# Good ABI 2 settings get as far as the device (exit 3: no module there).
run "$B" run --handler defer --iommus 2 --devices 2 --response-ns 100 "${nodev[@]}"
check "iopf-bench: good ABI 2 settings reach the device" 3 "$rc"
check_match "iopf-bench: the device is missing" "module not loaded" "$out"

# The runner: a passing program, a failing one, a skipping one, and a
# harness-style program whose totals count as several tests.
printf '#!/bin/sh\nexit 0\n' >"$tmp/a"; printf '#!/bin/sh\nexit 1\n' >"$tmp/b"
printf '#!/bin/sh\nexit 4\n' >"$tmp/c"
printf '#!/bin/sh\necho "# Totals: pass:3 fail:1 xfail:0 xpass:0 skip:2 error:0"\nexit 1\n' >"$tmp/d"
printf '#!/bin/sh\necho "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0"\nexit 139\n' >"$tmp/e"
chmod +x "$tmp"/?
run "$S/run-tests" --counts "$tmp/counts" "$tmp/a" "$tmp/b" "$tmp/c" "$tmp/d" "$tmp/e"
check "run-tests: exits 1 when a test fails" 1 "$rc"
check "run-tests: counts pass/fail/skip over programs and subtests" "6 3 3" "$(cat "$tmp/counts")"
check_match "run-tests: the kernel's kselftest runner's result lines" "^not ok 2 selftests: [^:]+: b # exit=1$" "$out"
check_match "run-tests: says each program's time" "^# iopf-bench: b took [0-9]+s$" "$out"
run "$S/run-tests" "$tmp/a" "$tmp/c"
check "run-tests: pass and skip only exits 0" 0 "$rc"
check_match "run-tests: a skip is the runner's SKIP" "^ok 2 selftests: [^:]+: c # SKIP$" "$out"
# The directory's settings file is the runner's: a test past its timeout fails.
mkdir -p "$tmp/slow"
printf '#!/bin/sh\nsleep 30\n' >"$tmp/slow/s"
chmod +x "$tmp/slow/s"
echo "timeout=1" >"$tmp/slow/settings"
run "$S/run-tests" --counts "$tmp/slow/counts" "$tmp/slow/s"
check_match "run-tests: settings' timeout applies (TIMEOUT)" "^not ok 1 selftests: slow: s # TIMEOUT 1 seconds$" "$out"
check "run-tests: a timeout is a failure" "1 0 1 0" "$rc $(cat "$tmp/slow/counts")"
run "$S/run-tests" "$tmp/a" "$tmp/slow/s"
check "run-tests: tests from two directories are refused" 1 "$rc"
check_match "run-tests: ... saying why" "all tests must be in one directory" "$out"
ktap_finished
