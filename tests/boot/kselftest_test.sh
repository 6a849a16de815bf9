#!/usr/bin/env bash
# Description: the guest tests as a kselftest collection, run by the kernel
# tree's own run_kselftest.sh inside the rcu/perf guest. `make
# kselftest-install` lays it out as tools/testing/selftests install does
# (run_kselftest.sh, kselftest/, kselftest-list.txt, iopf_bench/ with
# settings, config and the module), every listed test installed and
# executable; run_kselftest.sh runs tests of the collection by name (-t:
# the uapi test passes; a test whose feature is missing, the vIOMMU test
# without --viommu, is "ok ... # SKIP" with its reason). Every test's own
# verdict on this kernel is make check's guest step (scripts/run-tests,
# the same programs), not repeated here.
# A kernel built without CONFIG_IOMMU_IOPF (rcu/noiopf) is refused by the
# module's build check with a message naming it (exit 3), and on it the
# collection installed without the module skips every test, none fails
# (when that kernel is cached: make check-full builds it).
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
runs=$TESTS_TOP/build/kselftest-test-$$
mkdir -p "$runs"
[[ -n ${KEEP:-} ]] || trap 'rm -rf "$runs"' EXIT

ktap_print_header
ktap_set_plan 17

d=$runs/ksft
"$TESTS_TOP/scripts/kselftest-install" "$d" >"$runs/install.out" 2>&1
check "kselftest-install exits 0" 0 "$?"
check "the layout: run_kselftest.sh, kselftest/runner.sh, the collection's settings, config and module" "yes" \
	"$([[ -x $d/run_kselftest.sh && -f $d/kselftest/runner.sh && -f $d/iopf_bench/settings && -f $d/iopf_bench/config && -f $d/iopf_bench/iopf_bench.ko ]] && echo yes || echo no)"
n=$(grep -c '^iopf_bench:' "$d/kselftest-list.txt")
check "kselftest-list.txt lists every guest test, each installed and executable" \
	"$(find "$TESTS_TOP/build/tests/vm" -maxdepth 1 -executable \( -type f -o -type l \) | wc -l)" \
	"$(sed -n 's/^iopf_bench://p' "$d/kselftest-list.txt" | while read -r t; do [[ -x $d/iopf_bench/$t ]] && echo "$t"; done | wc -l)"
check_match "settings has the timeout" "^timeout=[0-9]+" "$(cat "$d/iopf_bench/settings")"

# Run by the kernel tree's runner in the guest; its module is the installed one.
"$TESTS_TOP/scripts/vm-run" --design rcu --flavor perf --cpus 2 --timeout 900 -q -- \
	env -u IOPF_KMOD "$d/run_kselftest.sh" -t iopf_bench:uapi_test -t iopf_bench:viommu_test.sh >"$runs/run.out" 2>&1
check "vm-run exits 0 (the guest's kernel log clean)" 0 "$?"
check "no test failed" 0 "$(grep -c '^not ok' "$runs/run.out")"
check "the two tests asked for ran, the uapi test passed" "2 1" \
	"$(grep -cE '^(not )?ok [0-9]+ selftests: iopf_bench: ' "$runs/run.out") $(grep -cE '^ok [0-9]+ selftests: iopf_bench: uapi_test$' "$runs/run.out")"
check_match "the vIOMMU test skips, with its reason" "no emulated IOMMU" "$(grep -A0 'viommu' "$runs/run.out" | head -n 20)"
grep -q '^not ok' "$runs/run.out" && ktap_print_msg "$(grep -B5 '^not ok' "$runs/run.out" | head -n 40)"

# A kernel built without IOMMU_IOPF (rcu/noiopf: every driver that selects it
# is off): the module's build check names what it lacks, before any compiler
# error, and kmod-build and kselftest-install (the default: with the module)
# stop there; the collection installed without the module runs on that very
# kernel with every test skipping (exit 4), none failing.
# That kernel is a whole build of its own (IOMMU_SVA is in mm_struct: nearly
# every object differs from rcu/perf's), so make check-full builds it, and
# make check runs this part only where it is cached.
if ! kd=$("$TESTS_TOP/scripts/kernel-build" --design rcu --flavor noiopf --cached-only); then
	for t in "the rcu/noiopf kernel is built" "and it really has no IOMMU_IOPF" \
		"check-kernel refuses it (exit 3)" "and names CONFIG_IOMMU_IOPF" \
		"kmod-build for it exits 3, with the build check's message, not a compiler's" \
		"kselftest-install with the module for it fails, naming CONFIG_IOMMU_IOPF, creating nothing" \
		"on it, vm-run exits 0 (the guest's kernel log clean)" "on it, no test fails" "on it, every test skips"; do
		ktap_test_skip "$t (no cached rcu/noiopf kernel: make check-full builds it)"
	done
	ktap_finished
fi
check "the rcu/noiopf kernel is built (make check-full builds it first)" 0 0
check "and it really has no IOMMU_IOPF" "" "$(grep '^CONFIG_IOMMU_IOPF=' "$kd/.config" 2>/dev/null)"
out=$("$TESTS_TOP/kmod/check-kernel" "$kd" 2>&1)
check "check-kernel refuses it (exit 3)" 3 "$?"
check_match "and names CONFIG_IOMMU_IOPF" "lacks CONFIG_IOMMU_IOPF=y" "$out"
out=$("$TESTS_TOP/scripts/kmod-build" --design rcu --flavor noiopf 2>&1)
rc=$?
check "kmod-build for it exits 3, with the build check's message, not a compiler's" "3 yes no" \
	"$rc $(grep -q 'CONFIG_IOMMU_IOPF' <<<"$out" && echo yes || echo no) $(grep -qE 'error:.*\.c:[0-9]+' <<<"$out" && echo yes || echo no)"
"$TESTS_TOP/scripts/kselftest-install" "$runs/ksft-noiopf-kmod" --design rcu --flavor noiopf >"$runs/noiopf-install.out" 2>&1
check "kselftest-install with the module for it fails, naming CONFIG_IOMMU_IOPF, creating nothing" "1 yes no" \
	"$? $(grep -q 'CONFIG_IOMMU_IOPF' "$runs/noiopf-install.out" && echo yes || echo no) $([[ -e $runs/ksft-noiopf-kmod ]] && echo yes || echo no)"
e=$runs/ksft-nomod
"$TESTS_TOP/scripts/kselftest-install" "$e" --no-kmod >/dev/null 2>&1
"$TESTS_TOP/scripts/vm-run" --design rcu --flavor noiopf --cpus 2 --timeout 600 -q -- \
	env -u IOPF_KMOD "$e/run_kselftest.sh" -c iopf_bench >"$runs/nomod.out" 2>&1
check "on it, vm-run exits 0 (the guest's kernel log clean)" 0 "$?"
check "on it, no test fails" 0 "$(grep -c '^not ok' "$runs/nomod.out")"
check "on it, every test skips" "$n" "$(grep -cE '^ok [0-9]+ selftests: iopf_bench: .*# SKIP' "$runs/nomod.out")"
ktap_finished
