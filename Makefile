# iopf-bench: benchmark and stress suite for the Linux IOPF framework.
#
#   make            build the userspace tools (bench/) and, when a kernel build
#                   dir is given (KDIR=...) or an rcu/perf kernel is cached, kmod/
#   make bench      the main job: build what is missing, boot the VMs, run the
#                   default sweep (bench/specs/default.ini; SPEC=... for another),
#                   write a results folder with run.json, CSVs, figures and
#                   report.html under results/runs/
#   make smoke      the quickest end-to-end check that the whole path works on
#                   this machine: the smallest real sweep (bench/specs/smoke.ini:
#                   rcu vs mutex, 16 short runs in 4 VM boots) into a results
#                   folder, as make bench does (BENCH_ARGS=... the same)
#   make check      the tests (host, then inside the VMs of both kernel lines,
#                   6.12 and 7.3); ends with one line "N passed, N failed, N skipped"
#   make check-full make check plus Debian's own kernels of both lines (amd64,
#                   PREEMPT_RT, beside emulated VT-d / AMD-Vi)
#   make bench-versions
#                   the cross-version comparison: rcu and mutex on 6.12 LTS and
#                   7.3 (bench/specs/versions.ini)
#   make gate BASE=REF NEW=REF
#                   the CI regression gate, A/B: the default sweep on both
#                   kernels in one session, boots alternating, NEW judged
#                   against BASE (iopf-bench compare --pair); exit 0 no
#                   regression, 1 regression, 2 invalid or mismatched input
#   make gate       the same sweep against the stored baseline
#                   results/baselines/default (trend tracking)
#   make calibrate  measure the gate's false-alarm and detection rates on this
#                   machine (iopf-bench calibrate; CALIBRATE_ARGS=...)
#   make kselftest-install INSTALL_PATH=DIR
#                   the guest tests as a kselftest collection (iopf_bench) for
#                   the kernel tree's run_kselftest.sh; KSFT_KERNEL="--distro amd64"
#                   builds the module for Debian's kernel instead of rcu/perf
#   make stress     the stress suite on the debug kernels (DESIGNS=, DURATION=)
#   make host       a real host, any distribution: the tool and the module for
#                   the running kernel (KDIR=... for another) into
#                   build/kmod/host-<release>/; checks first and names every
#                   missing package (exit 2); nothing of the VM stack
#
# Each target but host installs what it needs first (scripts/install-deps, as root).
SHELL := /bin/bash
export CC ?= gcc
export CFLAGS ?= -O2 -g -Wall -Wextra

all: tools kmod

deps:
	@scripts/install-deps

tools: deps
	@$(MAKE) --no-print-directory -C bench

# The module: against KDIR if given, else against the cached rcu/perf kernel
# (only if it is already built: `make` alone never starts a kernel build).
kmod: deps
ifdef KDIR
	@$(MAKE) --no-print-directory -C kmod KDIR=$(KDIR)
else
	@if kdir=$$(scripts/kernel-build --design rcu --flavor perf --cached-only); then \
		scripts/kmod-build --kdir "$$kdir" >/dev/null && echo "kmod: built against $$kdir"; \
	else \
		echo "kmod: no KDIR given and no cached rcu/perf kernel; skipped (make check/bench build one)"; \
	fi
endif

test-progs: tools
	@$(MAKE) --no-print-directory -C tests

check: deps
	@scripts/check

check-full: deps
	@scripts/check --full

bench: deps
	@scripts/bench $(if $(SPEC),--spec "$(SPEC)") $(BENCH_ARGS)

smoke: deps
	@scripts/bench --spec bench/specs/smoke.ini $(BENCH_ARGS)

bench-versions: deps
	@scripts/bench --spec bench/specs/versions.ini $(BENCH_ARGS)

gate: deps
	@scripts/gate $(if $(BASE),--base '$(BASE)') $(if $(NEW),--new '$(NEW)') $(GATE_ARGS)

calibrate: deps tools
	@bench/iopf-bench calibrate $(CALIBRATE_ARGS)

kselftest-install: deps
	@scripts/kselftest-install $(if $(INSTALL_PATH),"$(INSTALL_PATH)") $(KSFT_KERNEL)

stress: deps
	@scripts/stress $(if $(DESIGNS),--designs "$(DESIGNS)") $(if $(DURATION),--duration $(DURATION))

# No deps: scripts/host-build names what is missing for Debian/Ubuntu and
# Fedora/RHEL instead of installing Debian's packages.
host:
	@scripts/host-build $(if $(KDIR),--kdir "$(KDIR)")

clean:
	@$(MAKE) --no-print-directory -C bench clean
	@$(MAKE) --no-print-directory -C tests clean
	rm -rf build

.PHONY: all deps tools kmod test-progs check check-full bench smoke bench-versions gate calibrate kselftest-install stress host clean
