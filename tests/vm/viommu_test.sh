#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: the mock beside a real IOMMU driver (scripts/vm-run --viommu
# intel|amd: QEMU's emulated VT-d or AMD-Vi, the guest's own driver bound to
# it). The real driver registered its IOMMU and put the guest's PCI devices
# behind it; loading the module adds the mock's IOMMU and platform devices
# (behind the mock, not the real one); a run with unbinders succeeds while
# the guest writes a file through the run share, a virtio device whose DMA
# the real driver translates (iommu_platform); after the run and the rmmod
# every PCI device is still behind the real IOMMU in the same group, and the
# mock's IOMMU is gone. Skips without --viommu.
here=$(dirname "$(readlink -f "$0")")
lib=$here/ktap.sh; [[ -f $lib ]] || lib=$here/../lib/ktap.sh
. "$lib"
B=$IOPF_BENCH_BIN
[[ -n ${IOPF_KMOD:-} ]] || { ktap_skip_all "IOPF_KMOD is not set (run inside scripts/vm-run)"; exit "$KSFT_SKIP"; }
[[ -n ${IOPF_VIOMMU:-} ]] || { ktap_skip_all "no emulated IOMMU (scripts/vm-run --viommu intel|amd)"; exit "$KSFT_SKIP"; }
trap 'rmmod iopf_bench 2>/dev/null' EXIT

# Each PCI device and the IOMMU it is behind (its iommu link) and its group.
pci_map() {
	local d
	for d in /sys/bus/pci/devices/*; do
		printf '%s %s %s\n' "$(basename "$d")" "$(basename "$(readlink "$d/iommu" 2>/dev/null)")" \
			"$(basename "$(readlink "$d/iommu_group" 2>/dev/null)")"
	done
}
real_iommus() { ls /sys/class/iommu/ 2>/dev/null | grep -v iopf | tr '\n' ' '; }

ktap_print_header
ktap_set_plan 10
rmmod iopf_bench 2>/dev/null
case $IOPF_VIOMMU in
intel) want='^dmar' ;;
amd) want='^ivhd' ;;
*) want='^$' ;;
esac
check_match "the real driver registered its IOMMU ($IOPF_VIOMMU)" "$want" "$(ls /sys/class/iommu/)"
before=$(pci_map)
behind=$(awk '$2 != "" && $3 != ""' <<<"$before" | wc -l)
# All but the IOMMU's own PCI function (AMD-Vi is one: class 0x0806xx).
n_iommu_fn=$(grep -l '^0x0806' /sys/bus/pci/devices/*/class 2>/dev/null | wc -l)
check "every PCI device (but the IOMMU's own function) is behind it, in a group" \
	"$(($(wc -l <<<"$before") - n_iommu_fn))" "$behind"
# The run share's virtio device, its PCI function, and the IOMMU that is behind.
run_tag=$(grep -lx 'run' /sys/bus/virtio/devices/*/mount_tag 2>/dev/null | head -n1)
run_pci=$( [[ -n $run_tag ]] && dirname "$(readlink -f "$(dirname "$run_tag")")")
check_match "the run share's PCI device is behind the real IOMMU" "$want" \
	"$(basename "$(readlink "$run_pci/iommu" 2>/dev/null)" 2>/dev/null)"

insmod "$IOPF_KMOD" || { ktap_print_msg "insmod $IOPF_KMOD failed"; ktap_exit_fail_msg "no module"; }
# The guest's own I/O during the run: a file on the run share (scripts/vm-run
# mounts it at /run/iopf; its device is the one translated), written all along.
iofile=/run/iopf/viommu-io-$$.txt
[[ -d /run/iopf ]] || iofile=$IOPF_SCRATCH/viommu-io-$$.txt
( for i in $(seq 1 400); do echo "viommu_test: I/O through the emulated IOMMU, line $i"; sleep 0.005; done ) \
	>"$iofile" &
io=$!
"$B" run --handler wq --group-size 4 --devices 4 --pasids 2 --unbinders 1 --duration 2s --json \
	>"$IOPF_SCRATCH/viommu-run-$$.json" 2>&1 &
run=$!
sleep 1	# the run's mock IOMMUs and devices exist from START to the end of the run
during=$(ls /sys/class/iommu/ | tr '\n' ' ')
mock_devs=$(for d in /sys/bus/platform/devices/iopf_bench_dev.*; do
	l=$(readlink "$d/iommu" 2>/dev/null) && basename "$l"; done | sort -u | tr '\n' ' ')
wait "$run"
out=$(cat "$IOPF_SCRATCH/viommu-run-$$.json"); rm -f "$IOPF_SCRATCH/viommu-run-$$.json"
check "a run with an unbinder beside the real driver succeeds" success "$(jq -r .status <<<"$out" 2>&1)"
check "no invariant violation" 0 "$(jq -r .invariant_violations <<<"$out" 2>&1)"
check_match "during the run: the mock's IOMMU beside the real one" "iopf_bench0.*" "$during"
check "during the run: the mock's devices are behind the mock's IOMMU, not the real one" "iopf_bench0 " "$mock_devs"
wait "$io"
check "the I/O finished, every line written" 400 "$(wc -l <"$iofile")"
rm -f "$iofile"
rmmod iopf_bench
check "after the rmmod: the PCI devices are behind the same IOMMU, in the same groups" "$before" "$(pci_map)"
check "after the rmmod: only the real IOMMU is left" "$(real_iommus)" "$(ls /sys/class/iommu/ | tr '\n' ' ')"
ktap_finished
