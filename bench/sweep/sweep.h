/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sweep.h - iopf-bench sweep: run a spec file's points (in the VM, one boot
 * per design and repetition, or on this host) into a results folder.
 */
#ifndef BENCH_SWEEP_H
#define BENCH_SWEEP_H

#include "cli.h"

/* argv[0] is "sweep". Returns a BENCH_EXIT_* code. */
int cmd_sweep(int argc, char **argv, const struct bench_env *env);

#endif
