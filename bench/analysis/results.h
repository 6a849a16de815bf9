/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - iopf-bench report: a results folder's raw runs aggregated into
 * run.json and CSVs, its figures (gnuplot scripts in scripts/plots/) and
 * report.html. The folder layout, plan.json and run.json are described in
 * results/SCHEMA.md (run.json's JSON Schema: results/run.schema.json).
 */
#ifndef BENCH_RESULTS_H
#define BENCH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"

/*
 * 2: comparisons by the gate's rule (gate.h, GATE_RULE_VERSION, written as
 * run.json's rule_version); 1: report's own rule (better / worse / same).
 */
#define RESULTS_SCHEMA_VERSION	2

struct results_opts {
	/*
	 * The comparisons' rule is the gate's (gate.h): family-wise rate alpha
	 * over the gated cells (Holm), each row's interval at alpha / family.
	 */
	double alpha;		/* default GATE_DEFAULT_ALPHA */
	double threshold;	/* practical threshold, a fraction (default GATE_DEFAULT_THRESHOLD) */
	unsigned int min_reps;	/* default GATE_DEFAULT_MIN_REPS */
	bool quiet;		/* no comparison table on out, only the status line */
	FILE *out;		/* the text summary (NULL: none) */
	const char *gnuplot;	/* NULL: $GNUPLOT, else "gnuplot" from PATH */
	const char *plots_dir;	/* NULL: $IOPF_PLOTS_DIR, else scripts/plots above the executable */
};

/* The defaults above; out = NULL. */
void results_opts_init(struct results_opts *o);

/*
 * Aggregate DIR's raw runs (plan.json + raw/) into DIR/run.json and
 * DIR/csv/<sweep>.csv. Returns 0 when every planned repetition succeeded and
 * the folder is complete, 1 otherwise (incomplete, failed repetitions, or a
 * file that could not be read or written); the reasons go to log.
 */
int results_aggregate(const char *dir, const struct results_opts *o, FILE *log);

/*
 * results_aggregate, then the figures (DIR/fig/<name>.{png,svg} and their
 * data files), report.html and the text summary on o->out. Returns 0, or 1
 * with the reasons on log (what could be written is written): the folder is
 * incomplete, a repetition failed, or a figure / file could not be made.
 */
int results_report(const char *dir, const struct results_opts *o, FILE *log);

/* argv[0] is "report": report RESULTS_DIR [--alpha A] [--threshold T] [--min-reps N] [--quiet]. */
int cmd_report(int argc, char **argv, const struct bench_env *env);

#endif
