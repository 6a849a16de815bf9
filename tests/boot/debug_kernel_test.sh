#!/usr/bin/env bash
# Description: the rcu/debug kernel builds with the debugging the stress suite
# relies on (its config check passed, and KASAN, lockdep, hung-task detection
# and kmemleak are really set), boots, and has them live in the guest.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ktap_print_header
ktap_set_plan 5
if ! kdir=$("$TESTS_TOP/scripts/kernel-build" --design rcu --flavor debug 2>"$tmp/err"); then
	tail -n 5 "$tmp/err" | sed 's/^/# /'
	ktap_exit_fail_msg "the rcu/debug kernel does not build"
fi
cfg() { grep -E "^$1=" "$kdir/.config" | cut -d= -f2; }
check "KASAN and PROVE_LOCKING are set" "y y" "$(cfg CONFIG_KASAN) $(cfg CONFIG_PROVE_LOCKING)"
check "hung task (10 s), kmemleak, atomic-sleep checks are set" "y 10 y y" \
	"$(cfg CONFIG_DETECT_HUNG_TASK) $(cfg CONFIG_DEFAULT_HUNG_TASK_TIMEOUT) $(cfg CONFIG_DEBUG_KMEMLEAK) $(cfg CONFIG_DEBUG_ATOMIC_SLEEP)"
"$TESTS_TOP/scripts/vm-run" --design rcu --flavor debug -q --log-dir "$TESTS_TOP/build/vm/debug-kernel-test-$$" -- sh -c '
	test -e /proc/lockdep && echo lockdep
	dmesg | grep -q "KernelAddressSanitizer initialized" && echo kasan
	test -e /sys/kernel/debug/kmemleak && echo kmemleak
	cat /proc/sys/kernel/hung_task_timeout_secs' >"$tmp/out" 2>"$tmp/err"
rc=$?
check "the debug kernel boots and runs a command" 0 "$rc"
check "lockdep, KASAN and kmemleak are live in the guest" "lockdep kasan kmemleak" "$(head -n3 "$tmp/out" | tr '\n' ' ' | sed 's/ $//')"
check "the guest's hung-task timeout is 10 s" 10 "$(sed -n 4p "$tmp/out")"
ktap_finished
