#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: no wait of the module is unbounded (module parameter
# stuck_ms, ABI 6). Its bounds are checked on write. A test-only wedged
# handler (flag VIOLATE_WEDGE: every Nth group's inline handler blocks the
# reporter thread inside iommu_report_device_fault(), as a fault handler
# that never returns would) makes the run fail with state ERROR about
# stuck_ms after its window, and the kernel log names what was stuck (the
# reporter, inside the report); rmmod during a wedged run returns within
# about stuck_ms, leaves no device behind, and says the same. The runner
# (--kmsg) fails the test on any WARNING, BUG or hung-task report.
here=$(dirname "$(readlink -f "$0")")
lib=$here/ktap.sh; [[ -f $lib ]] || lib=$here/../lib/ktap.sh
. "$lib"

ctl=$IOPF_TESTS_DIR/inject_test
[[ -n ${IOPF_KMOD:-} ]] || { ktap_skip_all "IOPF_KMOD is not set (run inside scripts/vm-run)"; exit "$KSFT_SKIP"; }
[[ -x $ctl ]] || { ktap_skip_all "$ctl is not built"; exit "$KSFT_SKIP"; }
P=/sys/module/iopf_bench/parameters
WEDGE=128		# IOPF_BENCH_RUN_VIOLATE_WEDGE
STUCK=2000

ktap_print_header
ktap_set_plan 13

# wait_for MARKER TEXT SECONDS: until TEXT is in the log after MARKER.
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		kmsg_since "$1" | grep -qF "$2" && return 0
		sleep 0.1
	done
	return 1
}

rmmod iopf_bench 2>/dev/null
insmod "$IOPF_KMOD" || { ktap_print_msg "insmod $IOPF_KMOD failed"; ktap_exit_fail_msg "no module"; }

check "stuck_ms is 60000 by default" 60000 "$(cat $P/stuck_ms)"
echo 50 >$P/stuck_ms 2>/dev/null
check "stuck_ms below 100 is refused, unchanged" "1 60000" "$? $(cat $P/stuck_ms)"
echo 600001 >$P/stuck_ms 2>/dev/null
check "stuck_ms above 600000 is refused, unchanged" "1 60000" "$? $(cat $P/stuck_ms)"
echo $STUCK >$P/stuck_ms
check "stuck_ms $STUCK is taken" $STUCK "$(cat $P/stuck_ms)"

# A wedged run with a short window: it ends by itself, failed, named.
m="wedge_test: window ($$)"
echo "$m" >/dev/kmsg
"$ctl" --ctl start handler=inline group_size=4 open_groups=4 flags=$WEDGE violate_every=50 \
	duration_ms=300 warmup_ms=0
t0=$(date +%s%N)
timeout 120 "$ctl" --ctl wait >/dev/null 2>&1
ms=$((($(date +%s%N) - t0) / 1000000))
st=$("$ctl" --ctl status)
ktap_print_msg "wedged run: WAIT returned after $ms ms; $st"
check "a wedged run ends in state ERROR" "state 3" "$(cut -d' ' -f1,2 <<<"$st")"
check "within stuck_ms and a margin (< $((STUCK + 8000)) ms)" yes "$(((ms < STUCK + 8000)) && echo yes || echo "no ($ms ms)")"
log=$(kmsg_since "$m")
check_match "the log says the handler wedged the reporter" 'wedge: a handler blocks the reporter' "$log"
check_match "the log names what was stuck: the reporter, inside the report" \
	'stuck: IOMMU 0: the reporter left [0-9]+ requests in its PRQ; it is inside iommu_report_device_fault\(\)' "$log"
check_match "End of run: FAILURE with the error" 'End of run: FAILURE \(run=[0-9]+ violations=0\) error' "$log"

# rmmod while a run is wedged: it returns, and nothing is left behind.
"$ctl" --ctl reset >/dev/null 2>&1
m="wedge_test: rmmod ($$)"
echo "$m" >/dev/kmsg
"$ctl" --ctl start handler=inline group_size=4 open_groups=4 flags=$WEDGE violate_every=50 \
	duration_ms=600000 warmup_ms=0
wait_for "$m" 'wedge: a handler blocks the reporter' 30 || ktap_print_msg "the run did not wedge within 30 s"
t0=$(date +%s%N)
timeout 120 rmmod iopf_bench
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
ktap_print_msg "rmmod of a wedged run took $ms ms (rc $rc)"
check "rmmod of a wedged run returns 0" 0 "$rc"
check "rmmod took under stuck_ms and a margin (< $((STUCK + 8000)) ms)" yes \
	"$(((ms < STUCK + 8000)) && echo yes || echo "no ($ms ms)")"
check "the module is gone, no device left" "0 0" \
	"$(grep -c '^iopf_bench ' /proc/modules) $(leftovers)"
check_match "the log names the cause" 'stuck: IOMMU 0: the reporter left [0-9]+ requests in its PRQ; it is inside iommu_report_device_fault\(\)' \
	"$(kmsg_since "$m")"

ktap_finished
