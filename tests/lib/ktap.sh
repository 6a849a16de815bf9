# Shell tests: the kernel tree's own KTAP helpers plus iopf-bench's lib.
# Source from a test script: . "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
# shellcheck shell=bash
TESTS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$TESTS_TOP/scripts/lib.sh"
__ksrc=$("$TESTS_TOP/scripts/kernel-src") || { echo "Bail out! no kernel source"; exit 1; }
# shellcheck disable=SC1091
. "$__ksrc/tools/testing/selftests/kselftest/ktap_helpers.sh"

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
