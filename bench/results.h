/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - iopf-bench report: a results folder's raw runs aggregated into
 * run.json and CSVs, its figures (gnuplot scripts in scripts/plots/) and
 * report.html.
 */
#ifndef BENCH_RESULTS_H
#define BENCH_RESULTS_H

#include "cmd.h"

/* argv[0] is "report". Returns a BENCH_EXIT_* code. */
int cmd_report(int argc, char **argv, const struct bench_env *env);

#endif
