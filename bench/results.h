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

#include "cmd.h"

#define RESULTS_SCHEMA_VERSION	1

struct results_opts {
	double confidence;	/* of the ratio's interval, 0 < c < 1 (default 0.99: a run has hundreds of cells) */
	double threshold;	/* practical threshold, a fraction (default 0.05 = 5 %) */
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

/* argv[0] is "report": report RESULTS_DIR [--confidence C] [--threshold T] [--quiet]. */
int cmd_report(int argc, char **argv, const struct bench_env *env);

/* ------------------------------------------------------------------------ */
/* Statistics (exposed for the tests) */

/*
 * P(U <= u) under the null hypothesis for the Mann-Whitney statistic U of
 * samples of sizes n and m (U = #pairs with x_i > y_j), from the exact
 * distribution (the counting recurrence), or a normal approximation with
 * continuity correction when n * m > RESULTS_MW_EXACT_MAX.
 */
#define RESULTS_MW_EXACT_MAX 10000
double results_mw_cdf(unsigned int n, unsigned int m, unsigned long u);

/* The least number of repetitions per side (n = m) for which a ratio CI at this confidence exists. */
unsigned int results_mw_need(double confidence);

struct results_ci {
	bool ok;		/* false: too few values for any interval at that confidence */
	unsigned int need;	/* when !ok: repetitions per side that would do */
	unsigned long k;	/* the interval is [D(k), D(nm+1-k)] (1-based) */
	double confidence;	/* achieved: 1 - 2 P(U <= k - 1) */
	double ratio;		/* median(x) / median(y) */
	double hl_ratio;	/* exp(median of the pairwise log differences): Hodges-Lehmann */
	double lo, hi;		/* the interval, on the ratio scale */
};

/*
 * Distribution-free confidence interval for the ratio x/y of two samples of
 * positive values (the Hodges-Lehmann shift of log values and its
 * Mann-Whitney interval). Returns 0, or -1 when a value is <= 0 or a sample
 * is empty (no ratio).
 */
int results_ratio_ci(const double *x, size_t n, const double *y, size_t m, double confidence,
		     struct results_ci *ci);

/* Median of v[0..n-1] (sorted in place; GSL). n > 0. */
double results_median(double *v, size_t n);

#endif
