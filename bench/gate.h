/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gate.h - the CI regression gate: `iopf-bench compare BASELINE_DIR NEW_DIR`
 * judges every (point, design, metric) of a new results folder against a
 * baseline folder (a results folder or one saved by `iopf-bench baseline
 * save`), and `iopf-bench baseline save|list` keeps baselines. The rules,
 * outputs and exit codes are in results/SCHEMA.md ("Comparing runs").
 *
 * gate_judge() is the verdict of one cell on plain arrays, so that other
 * commands (calibrate) and the tests can call it on in-memory samples.
 */
#ifndef BENCH_GATE_H
#define BENCH_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"

#define GATE_SCHEMA_VERSION	1

enum gate_verdict { GATE_UNCHANGED, GATE_IMPROVED, GATE_REGRESSED, GATE_NOISY, GATE_MISSING };

/* "unchanged", "improved", "regressed", "noisy", "missing" */
const char *gate_verdict_name(enum gate_verdict v);

struct gate_metric {
	const char *name;	/* run.json's metric name */
	int better;		/* +1 higher is better, -1 lower, 0 not compared (no direction) */
	bool count;		/* a count: no ratio, only the separation rule */
};

/* From a built-in table of every run.json metric; NULL when unknown. */
const struct gate_metric *gate_metric_find(const char *name);

/* The metrics compare gates by default, NULL-terminated. */
extern const char *const gate_default_metrics[];

struct gate_cell {
	enum gate_verdict verdict;
	unsigned int n_base, n_new, need;	/* need: repetitions per side that would decide (noisy), else 0 */
	double base_median, new_median, ratio, change;	/* change = ratio - 1 (NAN for counts without a ratio) */
	double ci_lo, ci_hi, confidence;	/* NAN when no interval; confidence = achieved level */
	bool separated;				/* LKP separation in either direction */
	char reason[200];
};

/*
 * The verdict of one cell: cand (the new values, nn of them) against base
 * (the baseline's, nb), metric m (its direction), practical threshold
 * (a fraction, e.g. 0.05), confidence of the interval (already corrected
 * for the number of cells, e.g. 1 - alpha / family) and the least number
 * of values per side. base/cand are copied, not modified.
 */
void gate_judge(const struct gate_metric *m, const double *base, size_t nb, const double *cand, size_t nn,
		double threshold, double confidence, unsigned int min_reps, struct gate_cell *out);

/* argv[0] is "compare": compare BASELINE_DIR NEW_DIR [options]. Exit 0 / 1 (regression) / 2. */
int cmd_compare(int argc, char **argv, const struct bench_env *env);

/* argv[0] is "baseline": baseline save RESULTS_DIR NAME [--force] [--baselines-dir DIR] | list. */
int cmd_baseline(int argc, char **argv, const struct bench_env *env);

#endif
