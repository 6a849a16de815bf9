#!/usr/bin/env bash
# Description: scripts/vm-run boots the rcu/perf kernel and reports what
# happened inside with the right exit code: the command's status, a guest
# panic, a timeout; stdout and stderr stay apart; the repo is shared read-write;
# SIGINT stops it and it dies of SIGINT (a caller stops too), QEMU reaped.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# The guests' logs stay (build/vm/<test>-<pid>/) for when a case fails.
logs=$TESTS_TOP/build/vm/vmrun-test-$$
VR=("$TESTS_TOP/scripts/vm-run" --design rcu --flavor perf -q --log-dir "$logs")
run() { "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }

ktap_print_header
ktap_set_plan 14
run "${VR[@]}" -- true
check "true exits 0" 0 "$rc"
run "${VR[@]}" -- false
check "false exits 1" 1 "$rc"
run "${VR[@]}" -- sh -c 'echo to-stdout; echo to-stderr >&2; exit 7'
check "the command's status passes through" 7 "$rc"
check "stdout is the command's stdout only" "to-stdout" "$(cat "$tmp/out")"
check_match "stderr carries the command's stderr" "^to-stderr$" "$(cat "$tmp/err")"
mark=$TESTS_TOP/build/vm/.vmrun-test-$$
run "${VR[@]}" -- sh -c 'test "$PWD" = "$IOPF_TOP" && test "$IOPF_DESIGN/$IOPF_FLAVOR" = rcu/perf && echo ok > '"$mark"
check "runs in the repo with IOPF_* set; the repo is writable" "0 ok" "$rc $(cat "$mark" 2>/dev/null)"
rm -f "$mark"
run "${VR[@]}" --cpus 3 -- sh -c 'test "$(nproc)" = 3'
check "--cpus reaches the guest" 0 "$rc"
run "${VR[@]}" -- sh -c 'echo c > /proc/sysrq-trigger; sleep 30'
check "a guest panic exits $VMRUN_PANIC" "$VMRUN_PANIC" "$rc"
check_match "a guest panic is named on one line" "^vm-run: FAIL: guest kernel panic: Kernel panic - not syncing: sysrq triggered crash" "$(cat "$tmp/err")"
t0=$(date +%s)
run "${VR[@]}" --timeout 20 -- sleep 600
el=$(($(date +%s) - t0))
check "a timeout exits $VMRUN_TIMEOUT" "$VMRUN_TIMEOUT" "$rc"
if ((el >= 20 && el <= 45)); then ktap_test_pass "the timeout fires at about 20s (${el}s)"; else
	ktap_print_msg "took ${el}s"; ktap_test_fail "the timeout fires at about 20s"; fi
if pgrep -f "qemu-system-x86_64.*$logs" >/dev/null; then
	ktap_test_fail "no QEMU process is left behind"; else ktap_test_pass "no QEMU process is left behind"; fi
# Ctrl-C: vm-run stops QEMU and dies of SIGINT (status 130 seen from a shell).
# With job control on, a background job does not start with SIGINT ignored.
set -m
"${VR[@]}" --log-dir "$logs-int" -- sleep 600 >"$tmp/out" 2>"$tmp/err" &
vpid=$!
set +m
for _ in $(seq 120); do pgrep -f "qemu-system-x86_64.*$logs-int" >/dev/null && break; sleep 0.5; done
sleep 2
kill -INT "$vpid"
wait "$vpid"; rc=$?
check "SIGINT: vm-run dies of SIGINT" 130 "$rc"
sleep 1
if pgrep -f "qemu-system-x86_64.*$logs-int" >/dev/null; then
	ktap_test_fail "SIGINT: QEMU is reaped"; else ktap_test_pass "SIGINT: QEMU is reaped"; fi
ktap_finished
