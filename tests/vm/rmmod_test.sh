#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: rmmod while a run injects (every handler), while unbinders
# cycle devices or PASIDs, and right after START: the module stops the run,
# tears it down in the framework's order and unloads; no device or mock
# IOMMU is left. The runner (--kmsg) fails the test on any WARNING/BUG.
here=$(dirname "$(readlink -f "$0")")
lib=$here/ktap.sh; [[ -f $lib ]] || lib=$here/../lib/ktap.sh
. "$lib"

ctl=$IOPF_TESTS_DIR/inject_test
[[ -n ${IOPF_KMOD:-} ]] || { ktap_skip_all "IOPF_KMOD is not set (run inside scripts/vm-run)"; exit "$KSFT_SKIP"; }
[[ -x $ctl ]] || { ktap_skip_all "$ctl is not built"; exit "$KSFT_SKIP"; }

scenarios=(
	"wq_inject handler=wq group_size=8 open_groups=4"
	"inline_inject handler=inline group_size=16 open_groups=8"
	"null_inject handler=null group_size=4"
	"open_loop_sleep handler=wq pacing=3 rate_per_s=20000 service_ns=20000 flags=2"
	"device_unbind handler=wq group_size=4 open_groups=4 nr_unbinders=2 flags=256"
	"device_unbind_abandon handler=wq group_size=2 nr_unbinders=1 abandon_every=3"
	"pasid_unbind handler=inline pasids=3 group_size=8 open_groups=4 nr_unbinders=2 unbind_scope=2 flags=256"
	"right_after_start handler=wq group_size=64 open_groups=8 nr_unbinders=1 warmup_ms=0"
)

# flags=256 (RUN_VTD_WAKE_ALL): with two unbinders, two VT-d drains at once
# on one IOMMU can lose prq_complete's wake-up and hang (VT-d's own code,
# kmod/notes/vtd.md section 8); this test is about rmmod, not that.
ktap_print_header
ktap_set_plan $((${#scenarios[@]} + 1))

# run_id STATUS MARKER: the id of the run this test started. From the tool's
# status ("... run N ..." or "run_id=N") and from the module's "Start of run:
# run=N" line after MARKER (written before insmod, so only this test's run
# can follow it); when both are there they must agree. Empty if unknown.
run_id() {
	local a b
	a=$(sed -nE 's/(^|.* )run(_id)?[= ]([0-9]+)( .*|$)/\3/p' <<<"$1" | head -n1)
	b=$(kmsg_since "$2" | sed -nE 's/.*iopf_bench: Start of run: run=([0-9]+)( .*|$)/\1/p' | head -n1)
	if [[ -n $a && -n $b && $a != "$b" ]]; then
		ktap_print_msg "run id: status says $a, the Start of run line says $b"
		return
	fi
	echo "${a:-$b}"
}

n=0
for s in "${scenarios[@]}"; do
	read -r name args <<<"$s"
	grep -q '^iopf_bench ' /proc/modules && rmmod iopf_bench
	n=$((n + 1))
	marker="rmmod_test: $name ($$.$n)"
	echo "$marker" >/dev/kmsg
	if ! insmod "$IOPF_KMOD"; then
		ktap_test_fail "$name: insmod"
		continue
	fi
	# shellcheck disable=SC2086
	if ! "$ctl" --ctl start $args duration_ms=600000; then
		ktap_test_fail "$name: start"
		rmmod iopf_bench
		continue
	fi
	[[ $name == right_after_start ]] || sleep 0.5
	state=$("$ctl" --ctl status)
	run=$(run_id "$state" "$marker")
	t0=$(date +%s%N)
	rmmod iopf_bench
	rc=$?
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	# This run's end line only: after the marker, with this run's id.
	end=
	[[ -n $run ]] && end=$(kmsg_since "$marker" | grep -F 'iopf_bench: End of run: ' |
		grep -F "(run=$run " | tail -n1 | sed -E 's/^\[ *[0-9.]+\] //')
	ktap_print_msg "$name: before rmmod: $state; rmmod took ${ms} ms; ${end:-no End of run line for run ${run:-?}}"
	if [[ -z $run ]]; then
		ktap_test_fail "$name: cannot tell this run's id (status: $state)"
	elif ((rc != 0)); then
		ktap_test_fail "$name: rmmod exited $rc"
	elif grep -q '^iopf_bench ' /proc/modules; then
		ktap_test_fail "$name: module still loaded"
	elif (($(leftovers) != 0)); then
		ktap_test_fail "$name: devices left behind: $(ls -d /sys/bus/platform/devices/iopf_bench_dev* 2>/dev/null)"
	elif [[ $end != *"iopf_bench: End of run: SUCCESS (run=$run violations=0)" ]]; then
		ktap_test_fail "$name: run $run did not end cleanly: ${end:-no End of run line for it}"
	else
		ktap_test_pass "$name"
	fi
done

# With an fd open, rmmod must be refused (EBUSY) and the run goes on.
insmod "$IOPF_KMOD"
"$ctl" --ctl start handler=wq duration_ms=600000
exec 3<>/dev/iopf_bench
if rmmod iopf_bench 2>/dev/null; then
	ktap_test_fail "rmmod refused while an fd is open"
else
	exec 3>&-
	st=$("$ctl" --ctl status)
	if [[ $st == "state 1 "* ]] && rmmod iopf_bench; then
		ktap_test_pass "rmmod refused while an fd is open"
	else
		ktap_test_fail "rmmod refused while an fd is open ($st)"
	fi
fi
exec 3>&-
grep -q '^iopf_bench ' /proc/modules && rmmod iopf_bench

ktap_finished
