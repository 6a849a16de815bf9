#!/usr/bin/env bash
# Description: the guest kernel log classifier (scripts/lib.sh) maps each kind
# of kernel report to its vm-run exit code, by precedence, and a clean log to none.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

log() { printf '%s\n' "$@" >"$tmp/log"; vmrun_classify "$tmp/log"; }
ktap_print_header
ktap_set_plan 12
check "clean log" "" "$(log '[    1.0] Linux version 6.12.117' '[    2.0] iopf_bench: End of run: SUCCESS (violations=0)' \
	'[    2.1] iopf_bench: invalid group_size 0 (1..512)')"
check "WARN_ON" "$VMRUN_WARN" "$(log '[    3.1] ------------[ cut here ]------------' \
	'[    3.1] WARNING: CPU: 1 PID: 88 at drivers/iommu/io-pgfault.c:30 iopf_get_dev_fault_param+0x5/0x60')"
check "NULL deref is BUG" "$VMRUN_BUG" "$(log '[    4.0] BUG: kernel NULL pointer dereference, address: 0000000000000008' '[    4.0] Oops: 0000 [#1] PREEMPT SMP')"
check "KASAN beats BUG" "$VMRUN_KASAN" "$(log '[ 5.0] BUG: KASAN: slab-use-after-free in iommu_report_device_fault+0x1a/0x2b0')"
check "lockdep circular" "$VMRUN_LOCKDEP" "$(log '[ 6.0] ======================================================' \
	'[ 6.0] WARNING: possible circular locking dependency detected' '[ 6.0] 6.12.117 #1 Not tainted')"
check "lockdep RCU" "$VMRUN_LOCKDEP" "$(log '[ 6.0] WARNING: suspicious RCU usage')"
check "hung task" "$VMRUN_HUNG" "$(log '[ 30.0] INFO: task kworker/u8:2:77 blocked for more than 10 seconds.')"
check "soft lockup is hung, not BUG" "$VMRUN_HUNG" "$(log '[ 30.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [iopf_inject/0:90]')"
check "panic beats all" "$VMRUN_PANIC" "$(log '[ 9.0] BUG: KASAN: use-after-free in x' '[ 9.1] Kernel panic - not syncing: sysrq triggered crash')"
check "lockdep beats hung" "$VMRUN_LOCKDEP" "$(log '[ 6.0] WARNING: possible circular locking dependency detected' \
	'[ 30.0] INFO: task iopf_unbind/0:91 blocked for more than 10 seconds.')"
printf 'WARNING: possible recursive locking detected\nINFO: task x:1 blocked for more than 10 seconds.\n' >"$tmp/log"
check "all kinds listed in order" "LOCKDEP HUNG" "$(vmrun_kinds "$tmp/log")"
check "first line of a kind, timestamp stripped" "INFO: task x:1 blocked for more than 10 seconds." \
	"$(vmrun_first_line "$VMRUN_HUNG" "$tmp/log")"
ktap_finished
