#!/usr/bin/env bash
# Description: scripts and bench/iopf-bench (ABI 2 options: --model, --iommus,
# --prq-depth, --irq-cpus, --handler defer, --defer-ns; --placement, skipped
# with exit 4 where the machine cannot have it; ABI 7: the models by their
# driver's name, prq refused as renamed vtd, --reporter-prio, and what amd and
# smmuv3-stall refuse; --vtd-wake all with another model; the iommufd handler
# with --unbind-scope replace) refuse bad input with one clear error and a known exit
# code before doing any work, and the test runner counts results the
# kselftest way.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
S=$TESTS_TOP/scripts
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# run CMD...: sets out (stderr+stdout) and rc
run() { out=$("$@" 2>&1); rc=$?; }

ktap_print_header
ktap_set_plan 50
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
	"^iopf-bench run: --prq-depth is for the models with a queue \(vtd, amd, smmuv3-stall\); with --model direct the injectors report themselves" "$out"
run "$B" run --iommus 2 --devices 2 --irq-cpus 0 "${nodev[@]}"
check_match "iopf-bench: --irq-cpus must name one CPU per IOMMU" \
	"--irq-cpus names 1 CPU but --iommus is 2: give one CPU per IOMMU" "$out"
run "$B" start --defer-ns 5000 "${nodev[@]}"
check "iopf-bench: --defer-ns without --handler defer or iommufd exits 2" 2 "$rc"
check_match "iopf-bench: --defer-ns without --handler defer or iommufd says why" \
	"--defer-ns needs --handler defer or iommufd; the other handlers keep no group to answer later\.$" "$out"
run "$B" run --handler defer --unbinders 1 --pasids 1 --unbind-scope pasid "${nodev[@]}"
check_match "iopf-bench: --handler defer refuses --unbind-scope pasid" \
	"--handler defer does not go with --unbind-scope pasid: iommufd answers a PASID's held groups at its detach" "$out"
run "$B" run --help
check_match "iopf-bench: --help lists the models" "--model \{vtd,amd,smmuv3-stall,direct\}" "$out"
check_match "iopf-bench: --help lists the handlers, iommufd too" "--handler \{wq,inline,null,defer,iommufd\}" "$out"
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
# ABI 7: exit 2 and one line naming the rule, before the device is opened.
# bad2 NAME REGEX CMD ARGS...: "iopf-bench CMD: ..." matching REGEX, alone.
bad2() {
	local name=$1 re=$2 cmd=$3
	shift 3
	run "$B" "$cmd" "$@" "${nodev[@]}"
	check_match "iopf-bench: $name: exit 2, one line" "^2 1 iopf-bench $cmd: $re" "$rc $(wc -l <<<"$out") $out"
}
bad2 "--model prq (renamed)" \
	"--model prq: the model was renamed vtd in ABI 7 \(and made exact to VT-d's source\); give --model vtd\.$" \
	run --model prq
bad2 "--reporter-prio with --model direct" \
	"--reporter-prio normal is for the models with a reporter thread \(vtd, amd, smmuv3-stall\); with --model direct the injectors report themselves\.$" \
	start --model direct --reporter-prio normal
bad2 "--reporter-prio unknown" "--reporter-prio: 'rt' is not valid; accepted: fifo, fifo-low, normal\.$" \
	run --reporter-prio rt
bad2 "smmuv3-stall with --group-size 4" \
	"--group-size 4 does not go with --model smmuv3-stall: SMMUv3 reports every stall as a one-request group; accepted: 1\.$" \
	run --model smmuv3-stall --group-size 4
bad2 "amd with --unbind-scope replace" \
	"--unbind-scope replace does not go with --model amd: AMD's iommu_sva_set_dev_pasid refuses a replace \(-EOPNOTSUPP\)" \
	run --model amd --pasids 2 --unbinders 1 --unbind-scope replace
bad2 "amd with --rid-order remove-first" \
	"--rid-order remove-first does not go with --model amd: the RID order knob is VT-d's \(--model vtd or direct\); amd always flushes, then removes, inside the detach\.$" \
	run --model amd --pasids 1 --rid-order remove-first
bad2 "smmuv3-stall with --rid-order kernel" \
	"--rid-order kernel does not go with --model smmuv3-stall: the RID order knob is VT-d's \(--model vtd or direct\); smmuv3-stall never flushes\.$" \
	run --model smmuv3-stall --rid-order kernel
bad2 "--vtd-wake all with --model amd" \
	"--vtd-wake all is for --model vtd \(VT-d's prq_complete\); --model amd has no such wait\.$" \
	run --model amd --vtd-wake all
bad2 "--handler iommufd with --unbind-scope replace" \
	"--handler iommufd does not go with --unbind-scope replace: iommufd's replace auto-response is not modelled; use --unbind-scope pasid or device\.$" \
	start --handler iommufd --pasids 2 --unbinders 1 --unbind-scope replace
run "$B" run --handler iommufd --unbinders 1 --pasids 2 --unbind-scope pasid --vtd-wake all "${nodev[@]}"
check "iopf-bench: iommufd with PASID unbinds and --vtd-wake all reach the device" 3 "$rc"
# Good ABI 7 settings get as far as the device (the PASID-only check needs the module's VERSION).
run "$B" run --model smmuv3-stall --reporter-prio fifo-low --rid-order drain-first "${nodev[@]}"
check "iopf-bench: good ABI 7 settings reach the device" 3 "$rc"
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
