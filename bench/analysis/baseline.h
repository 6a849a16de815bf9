/* SPDX-License-Identifier: GPL-2.0 */
/* baseline.h - `iopf-bench baseline save|list` and the baselines folder (baseline.c). */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H

#include <stdbool.h>

#include "cli.h"

/*
 * The baselines folder: opt (--baselines-dir), else $IOPF_BASELINES_DIR,
 * else results/baselines in the repository above the executable (found by
 * results/run.schema.json), else results/baselines here. Free it.
 */
char *baseline_dir(const char *opt);

/* A baseline NAME: [A-Za-z0-9._-]+, not starting with '.', without ".tmp-" (save's work folders). */
bool baseline_valid_name(const char *s);

/* argv[0] is "baseline": baseline save RESULTS_DIR NAME [--force] [--baselines-dir DIR] | list. */
int cmd_baseline(int argc, char **argv, const struct bench_env *env);

#endif
