#!/usr/bin/env bash
# Description: the rcu/debug kernel builds (kernel-build has already checked
# that every option of kernel/config/debug.config is set), boots, and has the
# debugging the stress suite relies on live in the guest: lockdep proving,
# KASAN initialized, kmemleak readable, hung-task detection at 10 s.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ktap_print_header
ktap_set_plan 5
if ! "$TESTS_TOP/scripts/kernel-build" --design rcu --flavor debug >/dev/null 2>"$tmp/err"; then
	tail -n 5 "$tmp/err" | sed 's/^/# /'
	ktap_exit_fail_msg "the rcu/debug kernel does not build"
fi
# One line per fact, key=value, read from the running guest.
"$TESTS_TOP/scripts/vm-run" --design rcu --flavor debug -q --log-dir "$TESTS_TOP/build/vm/debug-kernel-test-$$" -- sh -c '
	echo "lock_classes=$(sed -n "s/^ *lock-classes: *\([0-9]*\).*/\1/p" /proc/lockdep_stats 2>/dev/null)"
	echo "debug_locks=$(sed -n "s/^ *debug_locks: *\([0-9]*\).*/\1/p" /proc/lockdep_stats 2>/dev/null)"
	dmesg | grep "KernelAddressSanitizer initialized" >/dev/null && echo kasan=initialized
	cat /sys/kernel/debug/kmemleak >/dev/null 2>&1 && echo kmemleak=readable
	dmesg | grep "Kernel memory leak detector disabled" >/dev/null && echo kmemleak=disabled
	echo "hung_task_timeout_secs=$(cat /proc/sys/kernel/hung_task_timeout_secs)"' >"$tmp/out" 2>"$tmp/err"
rc=$?
val() { sed -n "s/^$1=//p" "$tmp/out" | tr '\n' ' ' | sed 's/ $//'; }
check "the debug kernel boots and runs a command" 0 "$rc"
classes=$(val lock_classes)
check "lockdep is proving (debug_locks 1, lock classes registered)" "1 yes" \
	"$(val debug_locks) $([[ ${classes:-0} -gt 0 ]] && echo yes || echo "no (lock-classes: ${classes:-none})")"
check "KASAN is initialized" initialized "$(val kasan)"
check "kmemleak is live (its debugfs file reads)" readable "$(val kmemleak)"
check "the guest's hung-task timeout is 10 s" 10 "$(val hung_task_timeout_secs)"
ktap_finished
