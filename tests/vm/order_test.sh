#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: the order of a detach, as the module traces it (one
# "order of a ..." kernel log line per kind of detach and run: the mock
# driver's drain and flush, remove_device, its answers, and the core's
# handle erase, each with the state of the stream's attach handle), held
# against what each kernel line's driver does, per model (kmod/README.md,
# "The order of a detach" and "Driver models"; kmod/notes/):
# - vtd, a PASID detach, 6.12 and 7.x: drain, flush, the QI drain, with the
#   handle still published (the core erases it after the driver returns);
# - a device unbind, drain-first RID order (6.12's VT-d, the default on
#   both lines): every stream drained and flushed before remove_device; on
#   6.12 remove_device comes from the feature op after the RID's detach,
#   on 7.x from the RID's detach itself, before the core erases the handle;
# - remove-first (7.x's VT-d RID detach, a named variant on either line):
#   remove_device while the RID's handle is published, then a drain that
#   returns at once (IOPF already off), no flush;
# - abandoned groups are answered by remove_device (answer steps after it);
# - the teardown at the end of a run is a device unbind;
# - amd: a PASID detach does nothing of IOPF; the RID's detach flushes and
#   then removes the device (detach_device), with no drain;
# - smmuv3-stall: never a drain or a flush; remove_device from the SVA
#   feature op (6.12) or when the last IOPF domain goes (7.x).
here=$(dirname "$(readlink -f "$0")")
lib=$here/ktap.sh; [[ -f $lib ]] || lib=$here/../lib/ktap.sh
. "$lib"

ctl=$IOPF_TESTS_DIR/inject_test
[[ -n ${IOPF_KMOD:-} ]] || { ktap_skip_all "IOPF_KMOD is not set (run inside scripts/vm-run)"; exit "$KSFT_SKIP"; }
[[ -x $ctl ]] || { ktap_skip_all "$ctl is not built"; exit "$KSFT_SKIP"; }

case $(uname -r) in
6.12.*) k7=0 ;;
7.*) k7=1 ;;
*) ktap_skip_all "kernel $(uname -r) is neither 6.12 nor 7.x"; exit "$KSFT_SKIP" ;;
esac

ktap_print_header
ktap_set_plan 13

# order MARKER KIND: the traced steps of the first KIND after MARKER.
order() { kmsg_since "$1" | sed -nE "s/.*iopf_bench: run [0-9]+: order of a $2 \(device [0-9]+\): //p" | head -n1; }
# run NAME KEY=VALUE...: one run to its end; its log marker is printed.
n=0
run() {
	local m="order_test: $1 ($$.$((++n)))"
	shift
	echo "$m" >/dev/kmsg
	"$ctl" --ctl reset >/dev/null 2>&1
	if ! "$ctl" --ctl start "$@" >/dev/null || ! timeout 120 "$ctl" --ctl wait >/dev/null; then
		ktap_print_msg "$m: the run did not start or end"
	fi
	echo "$m"
}

rmmod iopf_bench 2>/dev/null
m0="order_test: loaded ($$)"
echo "$m0" >/dev/kmsg
insmod "$IOPF_KMOD" || { ktap_print_msg "insmod $IOPF_KMOD failed"; ktap_exit_fail_msg "no module"; }

# The drain-first RID order (the default): each stream drained and flushed
# with its handle published, erased by the core after; remove_device after
# the RID's flush: 6.12 from the feature op once the RID's handle is gone,
# 7.x inside the RID's detach while it is still published.
if ((k7)); then
	dev_drain_first='drain(P1+) flush(P1+) qi(P1+) erase(P1-) drain(RID+) flush(RID+) qi(RID+) remove(RID+) erase(RID-)'
else
	dev_drain_first='drain(P1+) flush(P1+) qi(P1+) erase(P1-) drain(RID+) flush(RID+) qi(RID+) erase(RID-) remove(RID-)'
fi
m=$(run device-unbind handler=wq pasids=1 group_size=4 open_groups=2 nr_unbinders=1 unbind_scope=0 \
	duration_ms=400 warmup_ms=0)
check "device unbind, drain-first ($(uname -r))" "$dev_drain_first" "$(order "$m" "device unbind")"
check "teardown: a device unbind in the same order" "$dev_drain_first" "$(order "$m" teardown)"

# remove-first (7.x's VT-d RID detach; a named variant on 6.12 too): the
# PASID as before; the RID's remove_device while its handle is published,
# then a drain that finds IOPF off and returns at once: no flush.
rem_first='drain(P1+) flush(P1+) erase(P1-) remove(RID+) drain:off(RID+) erase(RID-)'
# The direct model, one request a group: remove-first is 7.x's kernel bug
# (a report between remove_device and the erase, partial requests freed
# under the partial list: the stress suite's rid-order cell); with the
# device's injection stopped and nothing queued, only the order is seen.
m=$(run remove-first model=2 handler=inline pasids=1 group_size=1 open_groups=1 nr_unbinders=1 \
	unbind_scope=0 rid_order=1 duration_ms=400 warmup_ms=0)
check "device unbind, remove-first" "$rem_first" "$(order "$m" "device unbind")"
# The kernel's own order: drain-first on 6.12, remove-first on 7.x (the
# direct model: no QI drain).
m=$(run kernel-order model=2 handler=inline pasids=1 group_size=1 open_groups=1 nr_unbinders=1 \
	unbind_scope=0 rid_order=2 duration_ms=400 warmup_ms=0)
if ((k7)); then want=$rem_first; else want=${dev_drain_first// qi(P1+)/}; want=${want// qi(RID+)/}; fi
check "device unbind, the kernel's own RID order (rid_order=kernel)" "$want" "$(order "$m" "device unbind")"

# A PASID detach: drain and flush with the handle published, then erased.
m=$(run pasid-detach handler=wq pasids=2 group_size=4 open_groups=2 nr_unbinders=1 unbind_scope=2 \
	duration_ms=400 warmup_ms=0)
got=$(order "$m" "PASID detach")
check_match "PASID detach: drain, flush, QI drain, then the core's erase" '^drain\(P[12]\+\) flush\(P[12]\+\) qi\(P[12]\+\) erase\(P[12]-\)$' "$got"
check "PASID detach: one PASID's steps" 1 "$(grep -oE 'P[0-9]+' <<<"$got" | sort -u | wc -l)"

# Abandoned groups (kept unanswered by the handler): remove_device answers
# them, after the drains and flushes of every stream. The teardown's trace:
# the first unbind comes at START, before any group; the last one 500 ms
# before the window ends, so the teardown finds groups pending.
m=$(run abandon handler=wq group_size=2 open_groups=2 nr_unbinders=1 unbind_scope=0 abandon_every=2 \
	unbind_rate_per_s=2 duration_ms=800 warmup_ms=0)
got=$(order "$m" teardown)
ktap_print_msg "abandon: $got"
check_match "abandoned groups: remove_device, then its answers" 'remove\(RID[+-]\) answer\((RID|P1)[+-]\)(x[0-9]+)?' "$got"
check "abandoned groups: no answer before remove_device" yes \
	"$(awk -v s="$got" 'BEGIN { a = index(s, "answer("); r = index(s, "remove("); print (a > r && r > 0) ? "yes" : "no" }')"
# amd (model 3): nothing at the PASID's detach; the RID's detach flushes,
# then removes (amd/iommu.c detach_device), on both lines.
m=$(run amd-device model=3 handler=wq pasids=1 group_size=4 open_groups=2 nr_unbinders=1 unbind_scope=0 \
	duration_ms=400 warmup_ms=0)
check "amd: device unbind" 'erase(P1-) flush(RID+) remove(RID+) erase(RID-)' "$(order "$m" "device unbind")"
m=$(run amd-pasid model=3 handler=wq pasids=2 group_size=4 open_groups=2 nr_unbinders=1 unbind_scope=2 \
	duration_ms=400 warmup_ms=0)
check_match "amd: a PASID detach is the core's erase alone" '^erase\(P[12]-\)$' "$(order "$m" "PASID detach")"

# smmuv3-stall (model 4): no drain, no flush; remove_device after the RID's
# erase from the SVA feature op (6.12), or inside the RID's detach when its
# IOPF count reaches 0 (7.x, arm_smmu_disable_iopf).
if ((k7)); then want='erase(P1-) remove(RID+) erase(RID-)'; else want='erase(P1-) erase(RID-) remove(RID-)'; fi
m=$(run smmuv3-device model=4 handler=wq pasids=1 group_size=1 open_groups=2 nr_unbinders=1 unbind_scope=0 \
	duration_ms=400 warmup_ms=0)
check "smmuv3-stall: device unbind" "$want" "$(order "$m" "device unbind")"
m=$(run smmuv3-pasid model=4 handler=wq pasids=2 group_size=1 open_groups=2 nr_unbinders=1 unbind_scope=2 \
	duration_ms=400 warmup_ms=0)
check_match "smmuv3-stall: a PASID detach is the core's erase alone" '^erase\(P[12]-\)$' "$(order "$m" "PASID detach")"

# One line per kind and run (this module load's runs: their ids restart at 1).
check "one line per kind and run" 0 \
	"$(kmsg_since "$m0" | grep -oE 'iopf_bench: run [0-9]+: order of a [a-zA-Z ]+ \(' | sort | uniq -d | wc -l)"

rmmod iopf_bench
ktap_finished
