/* SPDX-License-Identifier: GPL-2.0 */
/* calibrate.h - `iopf-bench calibrate`: the CI gate's error rates, measured (calibrate.c). */
#ifndef BENCH_CALIBRATE_H
#define BENCH_CALIBRATE_H

#include "cli.h"

int cmd_calibrate(int argc, char **argv, const struct bench_env *env);

#endif
