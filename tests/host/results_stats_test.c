// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the statistics of `iopf-bench report` (bench/analysis/results.c): the
 * exact Mann-Whitney null distribution against hand counts and symmetry,
 * the interval's k against the published two-sided 5 % critical values of
 * U (n = m = 5, 6, 8, 10: 2, 5, 13, 23), the achieved confidence, the
 * repetitions needed, the normal approximation next to the exact
 * distribution, and the Hodges-Lehmann / Mann-Whitney ratio interval on
 * known samples (a 3x shift excludes 1, identical samples include it, too
 * few values give none, values <= 0 give no ratio).
 */
#include <math.h>
#include <stdlib.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "results.h"
#include "stats.h"

#define NEAR(a, b, eps) (fabs((a) - (b)) <= (eps))

TEST(mw_exact_small)
{
	/* n = m = 5: counts of U = 0, 1, 2, 3 are 1, 1, 2, 3 of C(10, 5) = 252 */
	EXPECT_TRUE(NEAR(stats_mw_cdf(5, 5, 0), 1.0 / 252, 1e-12));
	EXPECT_TRUE(NEAR(stats_mw_cdf(5, 5, 2), 4.0 / 252, 1e-12));
	EXPECT_TRUE(NEAR(stats_mw_cdf(5, 5, 3), 7.0 / 252, 1e-12));
	/* n = m = 2: U = 0 in 1 of 6 orderings; n = 3, m = 2: 1 of 10 */
	EXPECT_TRUE(NEAR(stats_mw_cdf(2, 2, 0), 1.0 / 6, 1e-12));
	EXPECT_TRUE(NEAR(stats_mw_cdf(3, 2, 0), 1.0 / 10, 1e-12));
	EXPECT_TRUE(NEAR(stats_mw_cdf(2, 3, 0), 1.0 / 10, 1e-12));
	/* one against many, both ways round: U = 0 in 1 of m + 1 orderings */
	EXPECT_TRUE(NEAR(stats_mw_cdf(1, 5000, 0), 1.0 / 5001, 1e-12));
	EXPECT_TRUE(NEAR(stats_mw_cdf(5000, 1, 0), 1.0 / 5001, 1e-12));
	EXPECT_TRUE(NEAR(stats_mw_cdf(1, 5000, 2499), 2500.0 / 5001, 1e-12));
	/* n = m = 4: 8 of 70 orderings have U = 8, the rest split evenly around it */
	EXPECT_TRUE(NEAR(stats_mw_cdf(4, 4, 7), (1 - 8.0 / 70) / 2, 1e-12));
	/* the upper half by symmetry, and the whole range */
	EXPECT_TRUE(NEAR(stats_mw_cdf(5, 5, 24), 1 - 1.0 / 252, 1e-12));
	EXPECT_TRUE(NEAR(stats_mw_cdf(5, 5, 25), 1.0, 1e-12));
	EXPECT_TRUE(NEAR(stats_mw_cdf(5, 5, 100), 1.0, 1e-12));
}

TEST(mw_critical_values)
{
	/* published two-sided alpha = 0.05 critical values of U: reject when U <= c */
	static const struct { unsigned int n; unsigned long c; } t[] = { { 5, 2 }, { 6, 5 }, { 8, 13 }, { 10, 23 } };

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		double *x = calloc(t[i].n, sizeof(double)), *y = calloc(t[i].n, sizeof(double));
		struct stats_ci ci;

		for (unsigned int k = 0; k < t[i].n; k++) {
			x[k] = 100 + k;
			y[k] = 200 + k;
		}
		ASSERT_EQ(0, stats_ratio_ci(x, t[i].n, y, t[i].n, 0.95, &ci));
		EXPECT_TRUE(ci.ok);
		EXPECT_EQ(t[i].c + 1, ci.k);
		EXPECT_TRUE(stats_mw_cdf(t[i].n, t[i].n, t[i].c) <= 0.025);
		EXPECT_TRUE(stats_mw_cdf(t[i].n, t[i].n, t[i].c + 1) > 0.025);
		EXPECT_TRUE(NEAR(ci.confidence, 1 - 2 * stats_mw_cdf(t[i].n, t[i].n, t[i].c), 1e-12));
		EXPECT_TRUE(ci.confidence >= 0.95);
		free(x);
		free(y);
	}
}

TEST(mw_need)
{
	/* 2 / C(2N, N) <= alpha: C(6,3) = 20, C(8,4) = 70, C(10,5) = 252 */
	EXPECT_EQ(3, stats_mw_need(0.90));
	EXPECT_EQ(4, stats_mw_need(0.95));
	EXPECT_EQ(5, stats_mw_need(0.99));
}

TEST(mw_normal_approximation)
{
	/* at the exact/approximate border, both put ~2.5 % below mu - 1.96 sigma */
	double sd = sqrt(100.0 * 100 * 201 / 12);
	unsigned long u = (unsigned long)(5000 - 1.96 * sd);

	EXPECT_TRUE(NEAR(stats_mw_cdf(100, 100, u), 0.025, 0.002));
	EXPECT_TRUE(NEAR(stats_mw_cdf(101, 100, u + 50), 0.025, 0.004));
	EXPECT_TRUE(NEAR(stats_mw_cdf(120, 120, 7200), 0.5, 0.01));
}

TEST(ratio_ci_shift)
{
	const double y[] = { 100, 101, 102, 103, 104 }, x[] = { 300, 303, 306, 309, 312 };
	struct stats_ci ci;

	ASSERT_EQ(0, stats_ratio_ci(x, 5, y, 5, 0.95, &ci));
	ASSERT_TRUE(ci.ok);
	EXPECT_TRUE(NEAR(ci.ratio, 3.0, 1e-12));
	EXPECT_TRUE(NEAR(ci.hl_ratio, 3.0, 0.03));
	EXPECT_EQ(3, ci.k);
	EXPECT_TRUE(NEAR(ci.confidence, 1 - 8.0 / 252, 1e-12));
	EXPECT_TRUE(ci.lo > 1 && ci.lo <= ci.ratio && ci.ratio <= ci.hi);
	/* the interval ends are pairwise ratios: the 3rd smallest and 3rd largest */
	EXPECT_TRUE(NEAR(ci.lo, 303.0 / 104, 1e-9) || NEAR(ci.lo, 300.0 / 103, 1e-9) ||
		    NEAR(ci.lo, 306.0 / 104, 1e-9));
	/* and the other way round */
	ASSERT_EQ(0, stats_ratio_ci(y, 5, x, 5, 0.95, &ci));
	EXPECT_TRUE(ci.hi < 1);
	EXPECT_TRUE(NEAR(ci.ratio, 1 / 3.0, 1e-12));
}

TEST(ratio_ci_identical_and_few)
{
	const double a[] = { 100, 105, 95, 102, 98 };
	struct stats_ci ci;

	ASSERT_EQ(0, stats_ratio_ci(a, 5, a, 5, 0.95, &ci));
	ASSERT_TRUE(ci.ok);
	EXPECT_TRUE(NEAR(ci.ratio, 1.0, 1e-12));
	EXPECT_TRUE(ci.lo < 1 && ci.hi > 1);
	EXPECT_TRUE(NEAR(ci.lo * ci.hi, 1.0, 1e-9));	/* symmetric on the log scale */
	/* n = m = 2 or 3: no interval at 95 %; 4 per side would do */
	ASSERT_EQ(0, stats_ratio_ci(a, 2, a, 2, 0.95, &ci));
	EXPECT_FALSE(ci.ok);
	EXPECT_EQ(4, ci.need);
	ASSERT_EQ(0, stats_ratio_ci(a, 3, a, 3, 0.95, &ci));
	EXPECT_FALSE(ci.ok);
	/* 3 against 5 is enough: P(U = 0) = 1/56 */
	ASSERT_EQ(0, stats_ratio_ci(a, 3, a, 5, 0.95, &ci));
	EXPECT_TRUE(ci.ok);
	EXPECT_EQ(1, ci.k);
}

TEST(ratio_ci_no_ratio)
{
	const double z[] = { 0, 0, 0, 0 }, p[] = { 1, 2, 3, 4 }, neg[] = { 1, -2, 3, 4 };
	struct stats_ci ci;

	EXPECT_EQ(-1, stats_ratio_ci(z, 4, z, 4, 0.95, &ci));
	EXPECT_EQ(-1, stats_ratio_ci(p, 4, z, 4, 0.95, &ci));
	EXPECT_EQ(-1, stats_ratio_ci(neg, 4, p, 4, 0.95, &ci));
	EXPECT_EQ(-1, stats_ratio_ci(p, 0, p, 4, 0.95, &ci));
	ASSERT_EQ(0, stats_ratio_ci(p, 4, p, 4, 0.95, &ci));
}

TEST(median)
{
	double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 };

	EXPECT_TRUE(NEAR(stats_median(odd, 3), 3, 0));
	EXPECT_TRUE(NEAR(stats_median(even, 4), 2.5, 0));
}

/* Wilcoxon signed-rank, exact (n = 5: the 32 sign patterns), with ties and zeros. */
TEST(signrank_exact)
{
	double up, down;
	double all[] = { 1, 2, 3, 4, 5 }, mix[] = { 1, -2, 3, -4, 5 }, ties[] = { 1, -1, 2 }, z[] = { 0, 0 };
	double withzero[] = { 0, 1, 2, 3, 4, 5 };

	EXPECT_EQ(5, stats_signrank(all, 5, &up, &down));
	EXPECT_LT(fabs(up - 1.0 / 32), 1e-12);
	EXPECT_LT(fabs(down - 1.0), 1e-12);
	/* T+ = 1 + 3 + 5 = 9: P(T+ >= 9) = 13/32, P(T+ <= 9) = 22/32 */
	stats_signrank(mix, 5, &up, &down);
	EXPECT_LT(fabs(up - 13.0 / 32), 1e-12);
	EXPECT_LT(fabs(down - 22.0 / 32), 1e-12);
	/* |1| tie at rank 1.5: T+ = 1.5 + 3 = 4.5; the sums of {1.5, 1.5, 3}: P(>= 4.5) = 3/8 */
	stats_signrank(ties, 3, &up, &down);
	EXPECT_LT(fabs(up - 3.0 / 8), 1e-12);
	/* zeros are dropped: the same as all five positive */
	EXPECT_EQ(5, stats_signrank(withzero, 6, &up, &down));
	EXPECT_LT(fabs(up - 1.0 / 32), 1e-12);
	EXPECT_EQ(0, stats_signrank(z, 2, &up, &down));
	EXPECT_EQ(1.0, up);
	EXPECT_EQ(1.0, down);
}

/* Above the exact limit, the normal approximation agrees with the exact tail. */
TEST(signrank_normal)
{
	double d[400], up, down, eup, edown;

	for (int i = 0; i < 400; i++)
		d[i] = (i % 3 ? 1.0 : -1.0) * (i + 1);
	stats_signrank(d, 400, &up, &down);
	stats_signrank(d, STATS_SR_EXACT_MAX, &eup, &edown);
	EXPECT_LT(up, 1e-6);
	EXPECT_GT(down, 0.999);
	EXPECT_LT(eup, 1e-3);
}

TEST_HARNESS_MAIN
