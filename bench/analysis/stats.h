/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - the statistics shared by report, compare, the gate's rule and
 * calibrate (stats.c), exposed for the tests.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>


/*
 * P(U <= u) under the null hypothesis for the Mann-Whitney statistic U of
 * samples of sizes n and m (U = #pairs with x_i > y_j), from the exact
 * distribution (the counting recurrence), or a normal approximation with
 * continuity correction when n * m > STATS_MW_EXACT_MAX.
 */
#define STATS_MW_EXACT_MAX 10000
double stats_mw_cdf(unsigned int n, unsigned int m, unsigned long u);

/* The least number of repetitions per side (n = m) for which a ratio CI at this confidence exists. */
unsigned int stats_mw_need(double confidence);

struct stats_ci {
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
int stats_ratio_ci(const double *x, size_t n, const double *y, size_t m, double confidence,
		     struct stats_ci *ci);

/*
 * Wilcoxon's signed-rank test of paired differences d[0..n-1] (e.g. log
 * new - log base of the same boot): zeros dropped, ties at their mid-rank,
 * and the exact distribution of the sum of positive ranks under the null
 * (each sign + or - with probability 1/2, given the ranks; a DP over doubled
 * mid-ranks, so it stays exact with ties). *up = P(T+ >= t+) (the
 * differences lean positive), *down = P(T+ <= t+). With no non-zero
 * difference both are 1. Returns the number of non-zero differences used.
 * Above STATS_SR_EXACT_MAX of them, a normal approximation.
 */
#define STATS_SR_EXACT_MAX 200
size_t stats_signrank(const double *d, size_t n, double *up, double *down);

/* Median of v[0..n-1] (sorted in place; GSL). n > 0. */
double stats_median(double *v, size_t n);

/* qsort comparator of doubles, ascending. */
int stats_cmp_double(const void *a, const void *b);

/* "95%", "95 %", "0.95" -> 0.95; "5%" -> 0.05; a bare number > 1 is a percentage. */
bool stats_parse_fraction(const char *s, double *v);

#endif
