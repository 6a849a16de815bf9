// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the verdict of one cell of `iopf-bench compare`
 * (bench/compare.c gate_judge()) on known samples: a clear rise of a
 * lower-is-better metric is regressed and its fall improved, the mirror for
 * throughput; identical samples are unchanged; a fall that one outlier keeps
 * from separating is unchanged (a regression is ruled out), not improved;
 * lkp-tests' trimming (n >> 5 values per end, at most 3) keeps one outlier
 * of 64 from hiding a regression; too few repetitions and wide data are
 * noisy with the repetitions that would decide; counts and values <= 0 use
 * the separation rule alone; the inputs are not modified; the metric table.
 */
#include <math.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "gate.h"
#include "results.h"

#define NEAR(a, b, eps) (fabs((a) - (b)) <= (eps))
#define C99 0.99

/* v[i] = b * (1 + s * p_i), p_i spread evenly over [-1, 1] in a shuffled order */
static void fill(double *v, unsigned int n, double b, double s, unsigned int shift)
{
	for (unsigned int i = 0; i < n; i++)
		v[i] = b * (1 + s * (((i * 7 + shift) % n) / (double)(n - 1) * 2 - 1));
}

TEST(regressed_and_improved)
{
	const struct gate_metric *lat = gate_metric_find("response_p50_ns"), *thr = gate_metric_find("throughput_rps");
	double y[10], x[10];
	struct gate_cell c;

	ASSERT_NE(NULL, lat);
	ASSERT_NE(NULL, thr);
	fill(y, 10, 100000, 0.01, 0);
	fill(x, 10, 130000, 0.01, 3);
	gate_judge(lat, y, 10, x, 10, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_TRUE(NEAR(c.ratio, 1.3, 1e-9));
	EXPECT_TRUE(NEAR(c.change, 0.3, 1e-9));
	EXPECT_GT(c.ci_lo, 1.25);
	EXPECT_TRUE(c.separated);
	EXPECT_EQ(0, c.need);
	EXPECT_EQ(10, c.n_base);
	EXPECT_EQ(10, c.n_new);
	EXPECT_GE(c.confidence, C99);
	/* the other way round: a fall of a latency is better */
	gate_judge(lat, x, 10, y, 10, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_IMPROVED, c.verdict) TH_LOG("%s", c.reason);
	/* throughput: higher is better */
	gate_judge(thr, y, 10, x, 10, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_IMPROVED, c.verdict) TH_LOG("%s", c.reason);
	gate_judge(thr, x, 10, y, 10, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	/* +30 % is below a 50 % threshold: the 50 % regression is ruled out */
	gate_judge(lat, y, 10, x, 10, 0.5, C99, 3, &c);
	EXPECT_EQ(GATE_UNCHANGED, c.verdict) TH_LOG("%s", c.reason);
}

TEST(unchanged)
{
	const struct gate_metric *m = gate_metric_find("report_p99_ns");
	double y[10], x[10];
	struct gate_cell c;

	fill(y, 10, 5000, 0.01, 0);
	fill(x, 10, 5000, 0.01, 5);	/* the same values, another order */
	gate_judge(m, y, 10, x, 10, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_UNCHANGED, c.verdict);
	EXPECT_STREQ("the interval lies within +-5 %", c.reason);
	EXPECT_TRUE(NEAR(c.ratio, 1, 1e-12));
	EXPECT_FALSE(c.separated);

	/* -15 %, but one slow repetition: not separated, so not improved; still no regression */
	fill(x, 10, 4250, 0.01, 5);
	x[4] = 20000;
	gate_judge(m, y, 10, x, 10, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_UNCHANGED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_STREQ("a 5 % regression is ruled out", c.reason);
	EXPECT_FALSE(c.separated);
}

TEST(lkp_trimming)
{
	const struct gate_metric *m = gate_metric_find("response_p99_ns");
	double y[64], x[64];
	struct gate_cell c;

	fill(y, 64, 100000, 0.02, 0);
	fill(x, 64, 130000, 0.02, 1);
	x[10] = 50000;		/* one fast outlier of 64: trimmed (64 >> 5 = 2 per end) */
	gate_judge(m, y, 64, x, 64, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_TRUE(c.separated);
	/* ten of them are not */
	for (unsigned int i = 0; i < 10; i++)
		x[i * 6] = 50000;
	gate_judge(m, y, 64, x, 64, 0.05, C99, 3, &c);
	EXPECT_NE(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_FALSE(c.separated);
}

TEST(noisy)
{
	const struct gate_metric *m = gate_metric_find("response_p50_ns");
	double y[10], x[10];
	struct gate_cell c;

	/* fewer than min_reps */
	fill(y, 10, 100, 0.01, 0);
	fill(x, 10, 200, 0.01, 0);
	gate_judge(m, y, 2, x, 10, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_NOISY, c.verdict);
	EXPECT_EQ(results_mw_need(C99), c.need);
	EXPECT_STREQ("too few repetitions: 2 (baseline) and 10 (new), need 5", c.reason);
	gate_judge(m, y, 2, x, 10, 0.05, C99, 7, &c);
	EXPECT_EQ(7, c.need);
	/* enough for min_reps, too few for any interval at 99 %: n = m = 3 */
	gate_judge(m, y, 3, x, 3, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_NOISY, c.verdict);
	EXPECT_EQ(5, c.need);
	EXPECT_TRUE(isnan(c.ci_lo));
	/* no value on a side */
	gate_judge(m, y, 0, x, 10, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_NOISY, c.verdict);
	EXPECT_TRUE(isnan(c.base_median));
	/* +-50 % around the same value: the interval reaches beyond 5 % */
	fill(y, 10, 100, 0.5, 0);
	fill(x, 10, 100, 0.5, 3);
	gate_judge(m, y, 10, x, 10, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_NOISY, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_GT(c.need, 10);
	EXPECT_LE(c.need, 10000);
	EXPECT_NE(NULL, strstr(c.reason, "repetitions per side would decide"));
	EXPECT_TRUE(isfinite(c.ci_lo) && c.ci_lo < 0.95 && c.ci_hi > 1.05);
}

TEST(counts)
{
	const struct gate_metric *m = gate_metric_find("overflows"), *thr = gate_metric_find("throughput_rps");
	double zero[5] = { 0, 0, 0, 0, 0 }, some[5] = { 9, 5, 7, 6, 8 }, one[5] = { 0, 0, 1, 0, 0 };
	double t1[5] = { 100, 101, 98, 102, 99 }, t2[5] = { 50, 51, 49, 0, 52 };
	struct gate_cell c;

	ASSERT_TRUE(m->count);
	gate_judge(m, zero, 5, zero, 5, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_UNCHANGED, c.verdict);
	EXPECT_TRUE(isnan(c.change));
	EXPECT_TRUE(isnan(c.ci_lo));
	gate_judge(m, zero, 5, some, 5, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_TRUE(c.separated);
	EXPECT_TRUE(isnan(c.ratio));
	EXPECT_EQ(7, c.new_median);
	gate_judge(m, some, 5, zero, 5, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_IMPROVED, c.verdict);
	/* one overflow in one repetition: not consistently higher */
	gate_judge(m, zero, 5, one, 5, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_UNCHANGED, c.verdict);
	/* a ratio metric with a zero: the count rule, and it says why */
	gate_judge(thr, t1, 5, t2, 5, 0.05, C99, 3, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_EQ(0, strncmp(c.reason, "a value <= 0, no ratio: ", 24));
	EXPECT_TRUE(isnan(c.ci_lo));
}

TEST(inputs_not_modified)
{
	const struct gate_metric *m = gate_metric_find("report_p50_ns");
	double y[6] = { 6, 5, 4, 3, 2, 1 }, x[6] = { 60, 50, 40, 30, 20, 10 };
	struct gate_cell c;

	gate_judge(m, y, 6, x, 6, 0.05, C99, 3, &c);
	for (unsigned int i = 0; i < 6; i++) {
		EXPECT_EQ(6.0 - i, y[i]);
		EXPECT_EQ(60.0 - 10 * i, x[i]);
	}
}

TEST(metric_table)
{
	static const char *const all[] = { "throughput_rps", "offered_rps", "response_p50_ns", "response_p99_ns",
		"response_p999_ns", "report_p50_ns", "report_p99_ns", "report_p999_ns", "report_in_flush_p50_ns",
		"report_in_flush_p99_ns", "queue_p99_ns", "flush_p50_ns", "flush_p99_ns", "unbind_p50_ns",
		"unbind_p99_ns", "overflows", "invariant_violations", "incomplete_groups" };
	unsigned int n = 0;

	for (unsigned int i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		EXPECT_NE(NULL, gate_metric_find(all[i])) TH_LOG("%s", all[i]);
	}
	EXPECT_EQ(NULL, gate_metric_find("nosuch"));
	EXPECT_EQ(NULL, gate_metric_find(NULL));
	EXPECT_EQ(0, gate_metric_find("offered_rps")->better);
	EXPECT_EQ(+1, gate_metric_find("throughput_rps")->better);
	EXPECT_EQ(-1, gate_metric_find("unbind_p99_ns")->better);
	for (const char *const *d = gate_default_metrics; *d; d++, n++) {
		EXPECT_NE(0, gate_metric_find(*d)->better) TH_LOG("%s", *d);
	}
	EXPECT_EQ(11, n);
	EXPECT_STREQ("unchanged", gate_verdict_name(GATE_UNCHANGED));
	EXPECT_STREQ("improved", gate_verdict_name(GATE_IMPROVED));
	EXPECT_STREQ("regressed", gate_verdict_name(GATE_REGRESSED));
	EXPECT_STREQ("noisy", gate_verdict_name(GATE_NOISY));
	EXPECT_STREQ("missing", gate_verdict_name(GATE_MISSING));
}

TEST_HARNESS_MAIN
