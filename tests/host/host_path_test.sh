#!/usr/bin/env bash
# Description: the host path without a VM. make host (scripts/host-build)
# checks before it builds: every library pkg-config cannot find and the
# running kernel's missing headers are named with their Debian/Ubuntu and
# Fedora/RHEL packages (scripts/host-packages.tsv), one line each; exit 2
# and nothing built; headers alone missing is one line; a KDIR that is no
# kernel build directory is one line. `iopf-bench --version` works without
# the module, `version` still asks it (exit 3). The sweep's target is
# explicit: with /dev/iopf_bench present (a private /dev) a sweep without
# --target plans the VMs, and --target host by a user who is not root is
# refused (exit 2, one line, no folder). A host sweep's kernel log watch
# (sweep --exec, the log a file): a report fails the run it was logged
# during with its line, in the run's JSON and on stderr, not the next run,
# and the runs themselves do not watch (IOPF_BENCH_KMSG=off).
. "$(dirname "$(readlink -f "$0")")/../lib/ktap.sh"
T=$TESTS_TOP
B=$T/bench/iopf-bench
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
run() { out=$("$@" 2>&1); rc=$?; }

ktap_print_header
ktap_set_plan 22

# A machine without the libraries (pkg-config finds none) and without the
# running kernel's headers (a release nobody has).
mkdir -p "$tmp/bin" "$tmp/kdir"
printf '#!/bin/sh\n[ "$1" = --exists ] && exit 1\nexec /usr/bin/pkg-config "$@"\n' >"$tmp/bin/pkg-config"
printf '#!/bin/sh\necho 0.0.0-iopf-test\n' >"$tmp/bin/uname"
chmod 755 "$tmp/bin/pkg-config" "$tmp/bin/uname"
touch "$tmp/stamp"
sleep 1
built() { find "$T/bench" "$T/build/kmod" -newer "$tmp/stamp" \( -name '*.o' -o -name '*.ko' -o -name iopf-bench -o -name '*.a' \) 2>/dev/null | wc -l; }
run env PATH="$tmp/bin:$PATH" "$T/scripts/host-build"
check "host-build, nothing there: exit 2" 2 "$rc"
bad=
for l in "hwloc libhwloc-dev hwloc-devel" "json-c libjson-c-dev json-c-devel" "inih libinih-dev inih-devel" \
	"gsl libgsl-dev gsl-devel" "liburing liburing-dev liburing-devel"; do
	read -r n d f <<<"$l"
	grep -qx "host-build: missing the library $n (pkg-config; for .*): install $d (Debian/Ubuntu) or $f (Fedora/RHEL)" <<<"$out" || bad+=" $n"
done
check "each missing library named with both packages" "" "$bad"
check_match "and the headers of the running kernel" \
	"^host-build: missing the headers of the running kernel 0.0.0-iopf-test \(/lib/modules/0.0.0-iopf-test/build\): install linux-headers-0.0.0-iopf-test \(Debian/Ubuntu\) or kernel-devel-0.0.0-iopf-test \(Fedora/RHEL\)$" "$out"
check_match "then both install lines at once" \
	"^host-build: nothing built; all at once: apt-get install libhwloc-dev .* linux-headers-0.0.0-iopf-test, or dnf install hwloc-devel .* kernel-devel-0.0.0-iopf-test$" "$out"
check "seven lines in all" 7 "$(wc -l <<<"$out")"
check "nothing built" 0 "$(built)"
run env PATH="$tmp/bin:$PATH" make -C "$T" host
check_match "make host stops the same way, naming them" "missing the library hwloc .*"$'\n'".*missing the library json-c" "$out"
check "exit 2, nothing built" "2 0" "$rc $(built)"

# Only the headers missing: one line.
printf '#!/bin/sh\nexec /usr/bin/pkg-config "$@"\n' >"$tmp/bin/pkg-config"
run env PATH="$tmp/bin:$PATH" "$T/scripts/host-build"
check "headers alone: exit 2, one line" "2 1" "$rc $(wc -l <<<"$out")"
check_match "naming linux-headers and kernel-devel of the running kernel" "install linux-headers-0.0.0-iopf-test \(Debian/Ubuntu\) or kernel-devel-0.0.0-iopf-test \(Fedora/RHEL\)$" "$out"
run "$T/scripts/host-build" --kdir "$tmp/nokdir"
check "a KDIR that is no kernel build directory: exit 2, one line" "2 1" "$rc $(wc -l <<<"$out")"
# Everything there (a directory with a Makefile passes the check; kmod-build's build check is next).
touch "$tmp/kdir/Makefile"
run "$T/scripts/host-build" --kdir "$tmp/kdir" --check
check "--check with nothing missing: exit 0" 0 "$rc"
check "nothing built" 0 "$(built)"

# The tool's version without the module.
if [[ -e /dev/iopf_bench ]]; then
	ktap_test_skip "--version without the module: /dev/iopf_bench exists here"
else
	run "$B" --version
	check_match "--version without the module: exit 0, version, ABI, git revision, no module" \
		"^0 iopf-bench [0-9.]+ \(ABI [0-9]+, JSON schema [0-9]+, git ([0-9a-f]{7,}(-dirty)?|revision unknown)\) module: not loaded \(no /dev/iopf_bench\)$" \
		"$rc $(tr '\n' ' ' <<<"$out" | sed 's/ $//')"
fi
run "$B" version --device "$tmp/none"
check "version still asks the module: exit 3 without it" 3 "$rc"

# The target: /dev/iopf_bench present (a private /dev) changes nothing.
priv_dev() { unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs -o mode=755 none /dev &&
	mknod -m 666 /dev/null c 1 3 && touch /dev/iopf_bench && chmod 600 /dev/iopf_bench && exec "$@"' sh "$@"; }
if ! priv_dev true 2>/dev/null; then
	ktap_test_skip "a sweep with the module present plans the VMs: no private /dev here (unshare -m needs root)"
	ktap_test_skip "--target host as a user who is not root: no private /dev here"
	ktap_test_skip "and no folder: no private /dev here"
else
	run priv_dev "$B" sweep "$T/bench/specs/smoke.ini" --dry-run
	check_match "a sweep with /dev/iopf_bench present and no --target plans the VMs" "^spec smoke .*: target vm," "$out"
	run priv_dev setpriv --reuid=65534 --regid=65534 --clear-groups "$B" sweep "$T/bench/specs/smoke.ini" \
		--target host --out "$tmp/out" -q
	check "--target host as a user who is not root: exit 2, one line" "2 1" "$rc $(wc -l <<<"$out")"
	check "and no folder" "no" "$([[ -e $tmp/out ]] && echo yes || echo no)"
fi

# The host sweep's watch, on the runs of a plan by hand (no module: each run
# fails to open it; the log is a file, read from its start).
x=$tmp/exec
mkdir -p "$x"
cat >"$x/plan.json" <<'EOF'
{ "boot_warmup_ms": 0,
  "points": [ { "id": "p1", "args": [ "--duration", "100ms" ], "params": { "duration_ms": 100, "warmup_ms": 0 } } ],
  "runs": [ { "boot": 1, "rep": 1, "design": "host", "point": "p1" },
            { "boot": 1, "rep": 2, "design": "host", "point": "p1" } ] }
EOF
w='WARNING: CPU: 1 PID: 42 at drivers/iommu/io-pgfault.c:371 iopf_queue_remove_device+0x1/0x2'
printf '4,7,100,-;%s\n' '------------[ cut here ]------------' "$w" >"$tmp/kmsg"
run env IOPF_BENCH_KMSG="$tmp/kmsg" "$B" sweep --exec "$x"
check_match "a report in the log: the run it was logged during fails, with the line" \
	"^  \[1/2\] p1 host r1: kernel log: WARNING: $(sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$w") " "$out"
check "exit 1" 1 "$rc"
check "its JSON: an error saying so, its own status kept beside" \
	"error kernel log: WARNING: $w error" \
	"$(jq -r '.status + " " + .error.message + " " + .status_before_kernel_report' "$x/raw/p1/host-r1.json" 2>&1)"
check "the next run is not blamed; the runs did not watch themselves" "no no" \
	"$(jq -r '.error.message' "$x/raw/p1/host-r2.json" | grep -q 'kernel log' && echo yes || echo no) $(cat "$x"/raw/p1/*.err | grep -q 'kernel log' && echo yes || echo no)"
ktap_finished
