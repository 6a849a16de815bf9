#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: `iopf-bench sweep --target host` runs a spec natively against
# the loaded module (here the guest stands for a real host): the same
# results folder and report, the one design "host", and a point whose
# placement this machine cannot have (cross-numa on one node) skipped with
# the reason in run.json, not faked and not a failure. Without the module,
# --target host is refused with exit 3; with it loaded, a sweep without
# --target still plans the VMs (the host is asked for by name).
here=$(dirname "$(readlink -f "$0")")
lib=$here/ktap.sh; [[ -f $lib ]] || lib=$here/../lib/ktap.sh
. "$lib"
B=$IOPF_BENCH_BIN
[[ -n ${IOPF_KMOD:-} ]] || { ktap_skip_all "IOPF_KMOD is not set (run inside scripts/vm-run)"; exit "$KSFT_SKIP"; }
# A folder of its own: a guest's PIDs repeat from boot to boot, and a
# name made of one would meet what a killed guest left behind.
mkdir -p "$IOPF_SCRATCH"
top=$(mktemp -d "$IOPF_SCRATCH/sweep-host-test.XXXXXX") || { echo "cannot make a folder in $IOPF_SCRATCH" >&2; exit 1; }
d=$top/out
trap 'rm -rf "$top"; rmmod iopf_bench 2>/dev/null' EXIT

ktap_print_header
ktap_set_plan 9
rmmod iopf_bench 2>/dev/null
out=$("$B" sweep "$IOPF_SPECS/host.ini" --target host --out "$d.none" -q 2>&1)
check "--target host without the module exits 3" 3 "$?"
check "and writes no folder" no "$([[ -e $d.none ]] && echo yes || echo no)"
insmod "$IOPF_KMOD" || { ktap_print_msg "insmod $IOPF_KMOD failed"; ktap_exit_fail_msg "no module"; }
# (A spec of its own: host.ini's cross-numa point cannot exist in a VM.)
printf '[global]\nrepetitions = 1\nduration = 100ms\n[p]\ngroup-size = 4\n' >"$top/vm.ini"
check_match "the module loaded, no --target: the VMs all the same" "^spec vm .*: target vm," \
	"$("$B" sweep "$top/vm.ini" --dry-run 2>&1 | head -n 1)"
"$B" sweep "$IOPF_SPECS/host.ini" --target host --out "$d" -q >"$d.out" 2>"$d.err"
rc=$?
check "host sweep exits 0 (a skip is not a failure)" 0 "$rc"
((rc == 0)) || ktap_print_msg "$(tail -n 15 "$d.err")"
check "target host, design host" "host host" "$(jq -r '.target + " " + (.designs | join(","))' "$d/run.json" 2>&1)"
check "run.json complete" complete "$(jq -r .status "$d/run.json")"
reps() { jq -r --arg p "$1" '[.sweeps[].points[] | select(.axis_values.placement == $p) | .designs[].repetitions[].status] | join(",")' "$d/run.json"; }
check "spread: both repetitions succeeded" "success,success" "$(reps spread)"
check "cross-numa: both repetitions skipped" "skipped,skipped" "$(reps cross-numa)"
check_match "cross-numa: the reason is in run.json" "NUMA" "$(jq -r '.. | .reason? // empty' "$d/run.json")"
rm -rf "$d" "$d.out" "$d.err"
ktap_finished
