# Shell tests: the kernel tree's own KTAP helpers plus iopf-bench's checks.
# Source from a test script:
#   here=$(dirname "$(readlink -f "$0")"); lib=$here/ktap.sh; [[ -f $lib ]] || lib=$here/../lib/ktap.sh; . "$lib"
#
# Two places it runs from:
#  - the checkout (tests/lib/ktap.sh): TESTS_TOP is the checkout, the
#    helpers come from the kernel source (scripts/kernel-src);
#  - a kselftest collection (make kselftest-install: DIR/iopf_bench/ktap.sh
#    beside the tests, DIR/kselftest/ktap_helpers.sh from the kernel tree):
#    no checkout; IOPF_INSTALLED=1.
# Either way it sets: IOPF_BENCH_BIN (the iopf-bench program), IOPF_SPECS
# (the test specs), IOPF_SCRATCH (a writable directory for a test's files),
# IOPF_TESTS_DIR (the test programs), and IOPF_KMOD (the module) when it is
# unset and an iopf_bench.ko lies beside the tests.
# shellcheck shell=bash
__here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $__here != */tests/lib || ! -f $__here/../../scripts/lib.sh ]]; then
	IOPF_INSTALLED=1
	IOPF_TESTS_DIR=$__here
	IOPF_BENCH_BIN=$__here/iopf-bench
	IOPF_SPECS=$__here/specs
	IOPF_SCRATCH=${TMPDIR:-/tmp}
	[[ -z ${IOPF_KMOD:-} && -f $__here/iopf_bench.ko ]] && export IOPF_KMOD=$__here/iopf_bench.ko
	# the report's gnuplot scripts (iopf-bench finds them above itself in a checkout)
	[[ -z ${IOPF_PLOTS_DIR:-} ]] && export IOPF_PLOTS_DIR=$__here/plots
	# shellcheck disable=SC1091
	. "$__here/../kselftest/ktap_helpers.sh"
else
	IOPF_INSTALLED=0
	TESTS_TOP=$(cd "$__here/../.." && pwd)
	. "$TESTS_TOP/scripts/lib.sh"
	IOPF_TESTS_DIR=$TESTS_TOP/build/tests/vm
	IOPF_BENCH_BIN=$TESTS_TOP/bench/iopf-bench
	IOPF_SPECS=$TESTS_TOP/tests/specs
	IOPF_SCRATCH=$TESTS_TOP/build
	__ksrc=$("$TESTS_TOP/scripts/kernel-src") || { echo "Bail out! no kernel source"; exit 1; }
	# shellcheck disable=SC1091
	. "$__ksrc/tools/testing/selftests/kselftest/ktap_helpers.sh"
fi

# check DESC EXPECTED ACTUAL: pass if equal, else fail and say both.
check() {
	if [[ $2 == "$3" ]]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected '$2', got '$3'"
		ktap_test_fail "$1"
	fi
}
# check_match DESC REGEX TEXT
check_match() {
	if grep -qE -- "$2" <<<"$3"; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: '$2' not found in: $(head -c 300 <<<"$3")"
		ktap_test_fail "$1"
	fi
}

# Guest tests: the kernel log, and what a run may leave behind.
# kmsg_since MARKER: the kernel log after the line holding MARKER (a test
# writes MARKER to /dev/kmsg first, so that only its own lines follow).
kmsg_since() { dmesg | awk -v m="$1" 'f; index($0, m) { f = 1 }' | tr -d '\r'; }
# leftovers: how many of the module's devices and mock IOMMUs are left.
leftovers() { ls -d /sys/bus/platform/devices/iopf_bench_dev* /sys/class/iommu/iopf_bench 2>/dev/null | wc -l; }
