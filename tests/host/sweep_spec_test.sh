#!/usr/bin/env bash
# Description: `iopf-bench sweep --dry-run` lists every ready spec's points
# with an estimated time (the default spec's [response-cost]: response-ns as
# an axis), and a bad spec (unknown key, bad value, a list where one value
# goes, a design whose role forbids perf or that does not exist, a point the
# option rules refuse, a placement the spec's own VM cannot have, a syntax
# error, a key outside any section, ABI 6's model prq, a model combination
# its driver refuses, --vtd-wake all with another model, the iommufd handler
# with PASID replaces, open groups above 512 or above the credit) exits 2
# with one error naming the file and the line, before anything runs or is
# written. The partials spec covers its 20 points on the 7.3 designs.
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
B=$TESTS_TOP/bench/iopf-bench
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { out=$("$@" 2>&1); rc=$?; }
specs=("$TESTS_TOP"/bench/specs/*.ini)

# bad NAME LINE REGEX CONTENT: a spec whose error is on LINE and matches REGEX.
bad() {
	printf '%s\n' "$4" >"$tmp/$1.ini"
	run "$B" sweep "$tmp/$1.ini" --dry-run --target vm
	if [[ $rc == 2 ]] && grep -qE -- "^iopf-bench sweep: $tmp/$1.ini:$2: .*$3" <<<"$out"; then
		ktap_test_pass "bad spec: $1"
	else
		ktap_print_msg "bad spec $1: expected exit 2 and '$tmp/$1.ini:$2: ...$3', got $rc: $out"
		ktap_test_fail "bad spec: $1"
	fi
}

ktap_print_header
ktap_set_plan $((${#specs[@]} + 38))
for s in "${specs[@]}"; do
	run "$B" sweep "$s" --dry-run --target vm
	if [[ $rc == 0 ]] && grep -qE '^[0-9]+ runs in [0-9]+ boots; estimated time [0-9hms]+$' <<<"$out" &&
		grep -q '^\[' <<<"$out"; then
		ktap_test_pass "dry-run: $(basename "$s")"
	else
		ktap_print_msg "$(basename "$s"): rc $rc: $(tail -n 3 <<<"$out")"
		ktap_test_fail "dry-run: $(basename "$s")"
	fi
done

run "$B" sweep "$TESTS_TOP/bench/specs/default.ini" --dry-run --target vm
n=$(grep -cE '^  default\.|^  (group-size|unbind|rate|stream-cost|response-cost)\.' <<<"$out")
check "default spec: 16 points listed" 16 "$n"
check_match "default spec: 16 points x 10 repetitions x 2 designs = 320 runs in 20 boots" "^320 runs in 20 boots" "$out"
check "default spec: [response-cost] has response-ns as its axis: 0, 2 us and 8 us" "1 0 2000 8000" \
	"$(grep -c '^\[response-cost\] 3 points, axes \[ "response_ns" \]' <<<"$out") $(grep -oE '^  response-cost\.response-ns=[0-9]+' <<<"$out" | sed 's/.*=//' | paste -sd' ')"
check_match "default spec: every point runs the vtd model with FIFO reporters" \
	"^0 16$" "$(grep -c -- '--model prq' <<<"$out") $(grep -c -- '--model vtd --reporter-prio fifo ' <<<"$out")"

g='[global]
designs = rcu mutex
duration = 1s'
bad unknown-key 5 "unknown key 'group-sise' in \[s\]" "$g
[s]
group-sise = 4"
bad bad-value 5 "group-size: 'four' is not a number; accepted: 1 to [0-9]+" "$g
[s]
group-size = 1 four"
bad out-of-range 5 "--group-size 100000 is out of range|group-size 100000 is out of range" "$g
[s]
group-size = 100000"
bad bad-enum 5 "handler: 'fast' is not valid; accepted: wq, inline, null, defer" "$g
[s]
handler = fast"
bad broken-design 2 "design 'mutex-busted' has role 'broken'.*not for performance" "[global]
designs = rcu mutex-busted
[s]
group-size = 1"
bad test-baseline 2 "baseline \(the first design\) 'slow-report' has role 'test'.*never the baseline" "[global]
designs = slow-report rcu
[s]
group-size = 1"
bad test-named-baseline 3 "baseline 'slow-report' has role 'test'" "[global]
designs = rcu slow-report
baseline = slow-report
[s]
group-size = 1"
bad no-design 2 "design 'nosuch' is not in .*designs.tsv" "[global]
designs = rcu nosuch
[s]
group-size = 1"
bad global-only 5 "'repetitions' belongs in \[global\], not in \[s\]" "$g
[s]
repetitions = 3"
bad one-value 4 "'repetitions' takes one value, not a list" "$g
repetitions = 3 4
[s]
group-size = 1"
bad twice 6 "'rate' given twice in \[s\] \(first on line 5\)" "$g
[s]
rate = 1k
rate = 2k"
bad combination 4 "\[s\] point \(unbinders=0,1\): --unbind-scope has no effect without --unbinders|\[s\] point \(unbinders=0\): --unbind-scope" "$g
[s]
unbinders = 0 1
unbind-scope = pasid
pasids = 2"
bad placement 6 "placement cross-numa cannot exist in this VM \(vm-topology 1:2:1, vm-numa-nodes 0\)" "$g
[s]
vm-cpus = 2
placement = cross-numa"
bad placement-name 5 "placement" "$g
[s]
placement = everywhere"
bad syntax 5 "not a line of an INI file" "$g
[s]
this line has no equals sign"
bad outside 1 "'duration' is outside any section" "duration = 1s
[s]
group-size = 1"
bad vm-topology 5 "vm-topology: '2x2' is not sockets:cores:threads" "$g
[s]
vm-topology = 2x2"
bad model-prq 4 "model prq: the model was renamed vtd in ABI 7 \(and made exact to VT-d's source\); give --model vtd\.$" "$g
model = prq
[s]
group-size = 1"
bad smmuv3-group 4 "\[s\] point \(group-size=4\): --group-size 4 does not go with --model smmuv3-stall: SMMUv3 reports every stall as a one-request group" "$g
[s]
model = smmuv3-stall
group-size = 1 4"
bad reporter-prio-direct 4 "--reporter-prio fifo-low is for the models with a reporter thread" "$g
[s]
model = direct
reporter-prio = fifo-low"
bad vtd-wake-amd 4 "\[s\] point \(model=amd\): --vtd-wake all is for --model vtd \(VT-d's prq_complete\); --model amd has no such wait\.$" "$g
[s]
model = vtd amd
vtd-wake = all"
bad iommufd-replace 4 "--handler iommufd does not go with --unbind-scope replace: iommufd's replace auto-response is not modelled" "$g
[s]
handler = iommufd
pasids = 2
unbinders = 1
unbind-scope = pasid replace"
# Open groups: the 9-bit PRG index's limit (512) and the credit (a device
# cannot keep more groups open than it may have in flight), as the module's
# START refuses them: one line, exit 2, before anything runs.
bad open-groups-limit 5 "open-groups 513 is out of range; accepted: 1 to 512\.$" "$g
[s]
open-groups = 64 513"
bad open-groups-credit 4 "\[s\] point \(open-groups=64\): --credit 8 is below --open-groups \(64\)" "$g
[s]
credit = 8
open-groups = 1 64"
check "a refused --open-groups is one line" 1 "$(wc -l <<<"$out")"
run "$B" sweep "$TESTS_TOP/bench/specs/partials.ini" --dry-run --target vm
check "partials spec: 5 open-group counts x 4 group sizes, 7.3 designs, every point on a 65536-entry PRQ, closed loop" \
	"20 20 20 320 runs in 16 boots rcu@debian-7.3 rcu-indexed@debian-7.3" \
	"$(grep -cE '^  partials\.open-groups=(1|8|64|256|512),group-size=(1|4|16|64) ' <<<"$out") $(grep -c -- '--prq-depth 65536 ' <<<"$out") $(grep -c -- '--pacing closed' <<<"$out") $(grep -oE '^[0-9]+ runs in [0-9]+ boots' <<<"$out") $(grep -oE '"rcu(-indexed)?@debian-7\.3"' <<<"$out" | tr -d '"' | paste -sd' ')"
# ABI 7's knobs as axes: vtd's wake-ups, and iommufd beside defer with PASID unbinds.
printf '%s\n' "$g" "[s]" "vtd-wake = one all" "handler = defer iommufd" "unbinders = 1" "pasids = 2" >"$tmp/abi7.ini"
run "$B" sweep "$tmp/abi7.ini" --dry-run --target vm
check_match "vtd-wake and the iommufd handler are spec keys and axes" \
	"^0 4 .*--vtd-wake all --handler iommufd" "$rc $(grep -c '^  s\.' <<<"$out") $(tr '\n' ' ' <<<"$out")"

run "$B" sweep "$TESTS_TOP/bench/specs/default.ini" --dry-run --designs "rcu mutex-busted"
check_match "--designs is checked like the spec's designs" "^2:iopf-bench sweep: --designs: 'mutex-busted' has role 'broken'" "$rc:$out"
run "$B" sweep "$TESTS_TOP/bench/specs/default.ini" --dry-run --designs "rcu slow-report"
check_match "a test design (role test) runs in a sweep, beside a baseline" "^0:.*320 runs in 20 boots" "$rc:$(tr '\n' ' ' <<<"$out")"
run "$B" sweep "$TESTS_TOP/bench/specs/default.ini" --dry-run --designs "slow-report rcu"
check_match "--designs with a test design first: exit 2, never the baseline" "^2:iopf-bench sweep: --designs: the baseline .*'slow-report' has role 'test'" "$rc:$out"
run "$B" sweep "$TESTS_TOP/tests/specs/gate.ini" --dry-run --design kn=rcu --regress-design kn
check_match "--regress-design without a knob: exit 2, said" "^2:.*--regress-design kn: no knob to put on it" "$rc:$out"
run "$B" sweep "$TESTS_TOP/tests/specs/gate.ini" --dry-run --regress-design zz --regress-response-ns 1000
check_match "--regress-design of a design the sweep lacks: exit 2, said" "^2:.*--regress-design zz: not a design of this sweep" "$rc:$out"
run "$B" sweep "$TESTS_TOP/tests/specs/gate.ini" --dry-run --design kn=rcu --regress-design kn --regress-response-ns 1000
check "--regress-design kn with a knob: the plan is made" 0 "$rc"
run "$B" sweep "$tmp/nosuch.ini" --dry-run
check_match "a missing spec file is named" "nosuch.ini: No such file or directory" "$out"
ktap_finished
