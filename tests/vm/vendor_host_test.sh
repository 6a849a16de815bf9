#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: the README's vendor commands, exactly as written between its
# <!-- vendor-commands --> markers, on a host: the guest stands for it
# (KDIR: its kernel's build directory, since the guest's /lib/modules is the
# build machine's; root, with a stand-in sudo when there is none; not
# IOPF_IN_VM, so that the tool watches the kernel log as on a host). Three
# commands: make host writes the module where the second loads it from,
# `--version` then names that module with the tool's ABI, and the sweep
# makes a complete results folder on the host target. The same sweep by a
# user who is not root is refused with one line, exit 2, and no folder.
here=$(dirname "$(readlink -f "$0")")
lib=$here/ktap.sh; [[ -f $lib ]] || lib=$here/../lib/ktap.sh
. "$lib"
[[ -n ${IOPF_KMOD:-} ]] || { ktap_skip_all "IOPF_KMOD is not set (run inside scripts/vm-run)"; exit "$KSFT_SKIP"; }
((IOPF_INSTALLED)) && { ktap_skip_all "needs the checkout (README.md, make host), not a kselftest collection"; exit "$KSFT_SKIP"; }
# The guest's kernel build directory: the project's kernels have their
# tree there; Debian's (vm-run --design distro) keep theirs under kdir/,
# with a vmlinux whose BTF step needs pahole (kmod-build --distro's case).
kdir=${IOPF_KERNEL_DIR:-}
[[ ${IOPF_DESIGN:-} == distro* ]] && { ktap_skip_all "Debian's kernel: its module is scripts/kmod-build --distro's"; exit "$KSFT_SKIP"; }
[[ -f $kdir/Makefile ]] || { ktap_skip_all "no kernel build directory for the guest (IOPF_KERNEL_DIR='$kdir')"; exit "$KSFT_SKIP"; }
T=$TESTS_TOP
rel=$(uname -r)
ko=$T/build/kmod/host-$rel/iopf_bench.ko
mkdir -p "$IOPF_SCRATCH"
tmp=$(mktemp -d "$IOPF_SCRATCH/vendor-host-test.XXXXXX") || { echo "cannot make a folder in $IOPF_SCRATCH" >&2; exit 1; }
chmod 755 "$tmp"
stamp=$tmp/stamp
touch "$stamp"
# The sweeps' folders go to the checkout's results/runs/: the ones made here are removed.
new_runs() { find "$T/results/runs" -maxdepth 1 -mindepth 1 -type d -name '*-vendor*' -newer "$stamp" 2>/dev/null; }
cleanup() {
	rmmod iopf_bench 2>/dev/null
	new_runs | while read -r d; do rm -rf "$d"; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The last lines of a file as KTAP diagnostics (ktap_print_msg would glob "***").
show() { tail -n "$2" "$1" | sed 's/^/# /'; }

ktap_print_header
ktap_set_plan 11

# The commands: the shell block between the markers, one a line.
mapfile -t cmds < <(awk '/^<!-- vendor-commands/ { f = 1; next } /^<!-- \/vendor-commands/ { f = 0 }
	f && !/^```/ && NF' "$T/README.md")
check "the README has three vendor commands" 3 "${#cmds[@]}"
((${#cmds[@]} == 3)) || ktap_exit_fail_msg "cannot run the README's commands: ${cmds[*]}"

# The environment of a vendor's shell in this guest: root; sudo (a stand-in
# when the machine has none: we are root already); the running kernel's
# build directory as KDIR; and no IOPF_IN_VM.
mkdir -p "$tmp/bin"
if ! command -v sudo >/dev/null; then
	printf '#!/bin/sh\nexec "$@"\n' >"$tmp/bin/sudo"
	chmod 755 "$tmp/bin/sudo"
fi
vendor() { (cd "$T" && env -u IOPF_IN_VM KDIR="$kdir" PATH="$tmp/bin:$PATH" bash -c "$1"); }

rmmod iopf_bench 2>/dev/null
# The module goes; its objects stay: make check compiles them on the build
# machine (scripts/check, host_objects), since compiling them here under
# TCG takes longer than this test may. make host must still link and
# write the module.
[[ -f ${ko%.ko}.mod.o ]] || ktap_print_msg "no objects in ${ko%/*}: make host compiles the module from nothing in this guest (slow under TCG; scripts/kmod-build --kdir $kdir on the build machine first)"
rm -f "$ko"
ktap_print_msg "1: ${cmds[0]}"
vendor "${cmds[0]}" >"$tmp/1.out" 2>"$tmp/1.err"
rc=$?
check "1 ($(cut -d' ' -f1-2 <<<"${cmds[0]}")) exits 0" 0 "$rc"
((rc == 0)) || show "$tmp/1.err" 15
check "it writes the module to build/kmod/host-\$(uname -r)/" "$ko" "$(tail -n 1 "$tmp/1.out")"
check "for this kernel" "$rel" "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)"

ktap_print_msg "2: ${cmds[1]}"
vendor "${cmds[1]}" >"$tmp/2.out" 2>&1
rc=$?
check "2 (insmod) exits 0" 0 "$rc"
((rc == 0)) || show "$tmp/2.out" 5
# "iopf-bench V (ABI N, ...)" then "module: iopf_bench V, ABI N, kernel R".
v=$("$T/bench/iopf-bench" --version 2>&1)
check "--version: the loaded module has the tool's ABI and this kernel" \
	"$(sed -n '1s/.*(ABI \([0-9]*\),.*/\1/p' <<<"$v") $rel" \
	"$(sed -n 's/^module: iopf_bench .*, ABI \([0-9]*\), kernel \(.*\)$/\1 \2/p' <<<"$v")"

# Not root: refused before anything is written.
out=$(cd "$T" && setpriv --reuid=65534 --regid=65534 --clear-groups \
	bench/iopf-bench sweep bench/specs/vendor.ini --target host -q 2>&1)
rc=$?
check "3 as a user who is not root: exit 2, one line" "2 1" "$rc $(wc -l <<<"$out")"
check_match "which says root is needed" "--target host needs root .*run it with sudo" "$out"
check "and no results folder" "" "$(new_runs)"

ktap_print_msg "3: ${cmds[2]}"
vendor "${cmds[2]}" >"$tmp/3.out" 2>"$tmp/3.err"
rc=$?
check "3 (the host sweep) exits 0" 0 "$rc"
((rc == 0)) || show "$tmp/3.err" 15
d=$(new_runs | head -n 1)
check "a complete results folder on the host target, with its report" "complete host yes" \
	"$(jq -r '.status + " " + .target' "$d/run.json" 2>&1) $([[ -s $d/report.html ]] && echo yes || echo no)"
ktap_finished
