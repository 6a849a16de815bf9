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

#include "cli.h"

#define GATE_SCHEMA_VERSION	1

enum gate_verdict { GATE_UNCHANGED, GATE_IMPROVED, GATE_REGRESSED, GATE_NOISY, GATE_MISSING };

/* "unchanged", "improved", "regressed", "noisy", "missing" */
const char *gate_verdict_name(enum gate_verdict v);

/* What a metric measures: its unit, and whether it has a ratio (a count has none). */
enum gate_kind { GATE_RATE, GATE_NS, GATE_COUNT };

/* "requests/s", "ns", "count" */
const char *gate_kind_unit(enum gate_kind k);

/* A value of that kind in words: "1.5us", "20k/s", "7"; "-" when not finite. */
void gate_fmt_value(enum gate_kind k, double v, char *buf, size_t len);

struct gate_metric {
	const char *name;	/* run.json / CSV name, unit in it */
	const char *label;	/* in words */
	const char *path;	/* its source in the per-run JSON */
	enum gate_kind kind;
	int better;		/* +1 higher is better, -1 lower, 0 not compared (no direction) */
	bool show_n;		/* a small sample per run (the in-flush latencies): every table shows
				 * its sample count (n=) beside it, from the per-run JSON's
				 * <path without the percentile>.count */
};

/*
 * Every run.json metric, with its direction: the one table that report,
 * compare and calibrate read (results/SCHEMA.md, "Metrics").
 */
#define GATE_NMETRICS	22
extern const struct gate_metric gate_metrics[GATE_NMETRICS];

/*
 * The sample count of a show_n metric over runs, beside its value: "n=412",
 * or "n=20..999" when the runs had different counts; "n=?" when none is
 * known (NAN).
 */
void gate_fmt_samples(double min, double max, char *buf, size_t len);

/* From that table; NULL when unknown. */
const struct gate_metric *gate_metric_find(const char *name);

#define GATE_NVERDICTS	5

/* The metrics compare gates by default, NULL-terminated. */
extern const char *const gate_default_metrics[];

/*
 * Whether m, at a point in closed loop (no offered rate) or not, is one of
 * the default gated set: gate_default_metrics, throughput in closed loop
 * only (in open loop it is the offered rate).
 */
bool gate_default_gated(const struct gate_metric *m, bool closed_loop);

/* The rule's defaults, for compare, report and calibrate alike. */
#define GATE_DEFAULT_ALPHA	0.05	/* family-wise false-alarm rate */
#define GATE_DEFAULT_THRESHOLD	0.05	/* "unchanged" within +-5 % */
#define GATE_DEFAULT_MIN_REPS	3	/* values per side, at least */

/*
 * The rule (results/SCHEMA.md, "Comparing runs"). Version 2: one one-sided
 * test per cell (Mann-Whitney, or Fisher's exact test for counts) at a level
 * the caller corrects for the family of gated cells (Holm); the threshold
 * only calls a cell unchanged; LKP's separation is an option.
 */
#define GATE_RULE_VERSION	2

struct gate_rule {
	double threshold;	/* practical threshold t (a fraction): "unchanged" when the interval is within +-t */
	double level;		/* the one-sided test's level for this cell (e.g. alpha / family) */
	unsigned int min_reps;	/* the least number of values per side */
	bool separation;	/* also require LKP's separation for regressed / improved (--lkp-separation) */
};

struct gate_cell {
	enum gate_verdict verdict;
	unsigned int n_base, n_new, need;	/* need: repetitions per side that would decide (noisy), else 0 */
	double base_median, new_median;
	double ratio, change;			/* Hodges-Lehmann ratio new/base, change = ratio - 1 (NAN: none) */
	double ci_lo, ci_hi, confidence;	/* its interval (each tail at most level); NAN when none */
	double p_worse, p_better;		/* one-sided p-values of the test (NAN: not tested) */
	double level;				/* the level the verdict used */
	bool separated;				/* LKP separation in either direction */
	char reason[200];
};

/*
 * The verdict of one cell: cand (the new values, nn of them) against base
 * (the baseline's, nb), metric m (its direction), under rule r.
 * base/cand are copied, not modified.
 */
void gate_judge(const struct gate_metric *m, const double *base, size_t nb, const double *cand, size_t nn,
		const struct gate_rule *r, struct gate_cell *out);

/* One test of a family: its inputs, and its verdict (g) after gate_family(). */
struct gate_test {
	const struct gate_metric *m;
	const double *base, *cand;
	size_t nb, nn;
	double threshold;
	bool in_family;		/* one of the gated tests the family-wise rate is kept over */
	struct gate_cell g;
};

/*
 * The family rule, for compare and calibrate alike: every test judged at
 * alpha / family (the interval shown), then Holm's step-down over the
 * in-family tests' one-sided p-values (family 0: the number of in-family
 * tests). At most alpha family-wise false alarms under any dependence.
 */
void gate_family(struct gate_test *t, size_t n, double alpha, unsigned int family, unsigned int min_reps,
		 bool separation);

struct json_object;

/*
 * The fields every JSON form of a cell shares (compare's cells, report's
 * comparisons): verdict, ratio, change, ci_low, ci_high, confidence,
 * p_worse, p_better, reason (null when a value is not a number).
 */
void gate_cell_json(const struct gate_cell *g, struct json_object *o);

/* argv[0] is "compare": compare BASELINE_DIR NEW_DIR [options]. Exit 0 / 1 (regression) / 2. */
int cmd_compare(int argc, char **argv, const struct bench_env *env);


#endif
