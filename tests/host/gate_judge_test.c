// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the gate's rule (bench/analysis/compare.c gate_judge() and
 * gate_family(), rule version 2) on known samples: a clear rise of a
 * lower-is-better metric is regressed and its fall improved, the mirror for
 * throughput, whatever the threshold (the threshold only calls a cell
 * unchanged); the point estimate is the Hodges-Lehmann ratio of the
 * interval; identical samples are unchanged; a fall with one outlier is
 * improved by the one-sided test, and only LKP's separation (an option)
 * holds it back; lkp-tests' trimming under that option; too few
 * repetitions and wide data are noisy with the repetitions that would
 * decide; counts by Fisher's exact test on the repetitions that saw any;
 * values <= 0 by the rank test alone; Holm's step-down finds what
 * Bonferroni misses and no more than its family allows; the inputs are not
 * modified; the metric table and the pre-registered gated set.
 */
#include <math.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "gate.h"
#include "results.h"
#include "stats.h"

#define NEAR(a, b, eps) (fabs((a) - (b)) <= (eps))
#define C99 0.99
/* The old 99 % two-sided interval: one-sided level 0.005 per tail. */
static const struct gate_rule R = { .threshold = 0.05, .level = 0.005, .min_reps = 3 };
static const struct gate_rule RSEP = { .threshold = 0.05, .level = 0.005, .min_reps = 3, .separation = true };

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
	gate_judge(lat, y, 10, x, 10, &R, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	/* Hodges-Lehmann: the median of the pairwise ratios, inside its own interval */
	EXPECT_TRUE(NEAR(c.ratio, 1.3, 0.01)) TH_LOG("%g", c.ratio);
	EXPECT_TRUE(NEAR(c.change, c.ratio - 1, 1e-12));
	EXPECT_TRUE(c.ci_lo <= c.ratio && c.ratio <= c.ci_hi);
	EXPECT_GT(c.ci_lo, 1.25);
	EXPECT_TRUE(c.separated);
	/* every new value above every baseline value: U = 100, p = 1 / C(20, 10) */
	EXPECT_TRUE(NEAR(c.p_worse, 1.0 / 184756, 1e-9)) TH_LOG("%g", c.p_worse);
	EXPECT_GT(c.p_better, 0.99);
	EXPECT_EQ(0.005, c.level);
	EXPECT_EQ(0, c.need);
	EXPECT_EQ(10, c.n_base);
	EXPECT_EQ(10, c.n_new);
	EXPECT_GE(c.confidence, C99);
	/* the other way round: a fall of a latency is better */
	gate_judge(lat, x, 10, y, 10, &R, &c);
	EXPECT_EQ(GATE_IMPROVED, c.verdict) TH_LOG("%s", c.reason);
	/* throughput: higher is better */
	gate_judge(thr, y, 10, x, 10, &R, &c);
	EXPECT_EQ(GATE_IMPROVED, c.verdict) TH_LOG("%s", c.reason);
	gate_judge(thr, x, 10, y, 10, &R, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	/* the threshold does not gate a regression: +30 % under a 50 % threshold is still one */
	{
		struct gate_rule r50 = R;

		r50.threshold = 0.5;
		gate_judge(lat, y, 10, x, 10, &r50, &c);
		EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	}
}

TEST(unchanged)
{
	const struct gate_metric *m = gate_metric_find("report_p99_ns");
	double y[10], x[10];
	struct gate_cell c;

	fill(y, 10, 5000, 0.01, 0);
	fill(x, 10, 5000, 0.01, 5);	/* the same values, another order */
	gate_judge(m, y, 10, x, 10, &R, &c);
	EXPECT_EQ(GATE_UNCHANGED, c.verdict);
	EXPECT_STREQ("the interval lies within +-5 %", c.reason);
	EXPECT_TRUE(NEAR(c.ratio, 1, 1e-12));
	EXPECT_FALSE(c.separated);

	/* -15 % with one slow repetition: the one-sided test calls it better ... */
	fill(x, 10, 4250, 0.01, 5);
	x[4] = 20000;
	gate_judge(m, y, 10, x, 10, &R, &c);
	EXPECT_EQ(GATE_IMPROVED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_FALSE(c.separated);
	/* ... LKP's separation (--lkp-separation) holds it back; still no regression */
	gate_judge(m, y, 10, x, 10, &RSEP, &c);
	EXPECT_EQ(GATE_UNCHANGED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_STREQ("a 5 % regression is ruled out", c.reason);
}

TEST(lkp_trimming)
{
	const struct gate_metric *m = gate_metric_find("response_p99_ns");
	double y[64], x[64];
	struct gate_cell c;

	fill(y, 64, 100000, 0.02, 0);
	fill(x, 64, 130000, 0.02, 1);
	x[10] = 50000;		/* one fast outlier of 64: trimmed (64 >> 5 = 2 per end) */
	gate_judge(m, y, 64, x, 64, &RSEP, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_TRUE(c.separated);
	/* ten of them are not */
	for (unsigned int i = 0; i < 10; i++)
		x[i * 6] = 50000;
	gate_judge(m, y, 64, x, 64, &RSEP, &c);
	EXPECT_NE(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_FALSE(c.separated);
	/* without the option, 54 of 64 at +30 % are a regression */
	gate_judge(m, y, 64, x, 64, &R, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
}

TEST(noisy)
{
	const struct gate_metric *m = gate_metric_find("response_p50_ns");
	double y[10], x[10];
	struct gate_cell c;

	/* fewer than min_reps */
	fill(y, 10, 100, 0.01, 0);
	fill(x, 10, 200, 0.01, 0);
	gate_judge(m, y, 2, x, 10, &R, &c);
	EXPECT_EQ(GATE_NOISY, c.verdict);
	EXPECT_EQ(stats_mw_need(C99), c.need);
	EXPECT_STREQ("too few repetitions: 2 (baseline) and 10 (new), need 5", c.reason);
	{
		struct gate_rule r7 = R;

		r7.min_reps = 7;
		gate_judge(m, y, 2, x, 10, &r7, &c);
	}
	EXPECT_EQ(7, c.need);
	/* enough for min_reps, too few for any interval at 99 %: n = m = 3 */
	gate_judge(m, y, 3, x, 3, &R, &c);
	EXPECT_EQ(GATE_NOISY, c.verdict);
	EXPECT_EQ(5, c.need);
	EXPECT_TRUE(isnan(c.ci_lo));
	/* no value on a side */
	gate_judge(m, y, 0, x, 10, &R, &c);
	EXPECT_EQ(GATE_NOISY, c.verdict);
	EXPECT_TRUE(isnan(c.base_median));
	/* +-50 % around the same value: the interval reaches beyond 5 % */
	fill(y, 10, 100, 0.5, 0);
	fill(x, 10, 100, 0.5, 3);
	gate_judge(m, y, 10, x, 10, &R, &c);
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

	ASSERT_EQ(GATE_COUNT, m->kind);
	gate_judge(m, zero, 5, zero, 5, &R, &c);
	EXPECT_EQ(GATE_UNCHANGED, c.verdict);
	EXPECT_EQ(1, c.p_worse);
	EXPECT_TRUE(isnan(c.change));
	EXPECT_TRUE(isnan(c.ci_lo));
	/* 5 of 5 repetitions against 0 of 5: Fisher's p = 1 / C(10, 5) */
	gate_judge(m, zero, 5, some, 5, &R, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_TRUE(NEAR(c.p_worse, 1.0 / 252, 1e-9)) TH_LOG("%g", c.p_worse);
	EXPECT_TRUE(c.separated);
	EXPECT_TRUE(isnan(c.ratio));
	EXPECT_EQ(7, c.new_median);
	gate_judge(m, some, 5, zero, 5, &R, &c);
	EXPECT_EQ(GATE_IMPROVED, c.verdict);
	/* one overflow in one repetition: within chance (p 0.5) */
	gate_judge(m, zero, 5, one, 5, &R, &c);
	EXPECT_EQ(GATE_UNCHANGED, c.verdict);
	EXPECT_TRUE(NEAR(c.p_worse, 0.5, 1e-9)) TH_LOG("%g", c.p_worse);
	/* a baseline with none, 9 of 10 new repetitions with some: regressed (the old rule said unchanged) */
	{
		double z10[10] = { 0 }, n9[10] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 0 };

		gate_judge(m, z10, 10, n9, 10, &R, &c);
		EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	}
	/* a ratio metric with a zero: the rank test alone, and it says why */
	gate_judge(thr, t1, 5, t2, 5, &R, &c);
	EXPECT_EQ(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	EXPECT_EQ(0, strncmp(c.reason, "a value <= 0, no ratio: ", 24));
	EXPECT_TRUE(isnan(c.ci_lo));
}

TEST(holm_family)
{
	const struct gate_metric *m = gate_metric_find("report_p50_ns");
	double y[5] = { 100, 101, 102, 103, 104 };
	double a[5] = { 200, 201, 202, 203, 204 };		/* U = 25: p = 1/252 */
	double b[5] = { 104.5, 104.5, 104.5, 104.5, 100.5 };	/* U = 21: p = 12/252 = 0.0476 */
	struct gate_test t[2] = {
		{ .m = m, .base = y, .nb = 5, .cand = a, .nn = 5, .threshold = 0.05, .in_family = true },
		{ .m = m, .base = y, .nb = 5, .cand = b, .nn = 5, .threshold = 0.05, .in_family = true },
	};
	struct gate_rule bonf = { .threshold = 0.05, .level = 0.025, .min_reps = 3 };
	struct gate_cell c;

	/* Bonferroni at 0.05 / 2 finds only the first */
	gate_judge(m, y, 5, b, 5, &bonf, &c);
	EXPECT_TRUE(NEAR(c.p_worse, 12.0 / 252, 1e-9)) TH_LOG("%g", c.p_worse);
	EXPECT_NE(GATE_REGRESSED, c.verdict) TH_LOG("%s", c.reason);
	/* Holm: the first at 0.025, then the second at 0.05 */
	gate_family(t, 2, 0.05, 0, 3, false);
	EXPECT_EQ(GATE_REGRESSED, t[0].g.verdict) TH_LOG("%s", t[0].g.reason);
	EXPECT_EQ(GATE_REGRESSED, t[1].g.verdict) TH_LOG("%s", t[1].g.reason);
	EXPECT_NE(NULL, strstr(t[1].g.reason, "(Holm, rank 2 of 2)")) TH_LOG("%s", t[1].g.reason);
	EXPECT_EQ(0.05, t[1].g.level);
	EXPECT_GT(t[1].g.ci_lo, 1);		/* its interval, at its own level, agrees */
	/* a family of 3: the second is tested at 0.05 / 2 and stays */
	gate_family(t, 2, 0.05, 3, 3, false);
	EXPECT_EQ(GATE_REGRESSED, t[0].g.verdict);
	EXPECT_NE(GATE_REGRESSED, t[1].g.verdict) TH_LOG("%s", t[1].g.reason);
	/* step-down stops at the first test it keeps: the second alone is not tried at 0.05 */
	t[0].cand = y;
	gate_family(t, 2, 0.05, 0, 3, false);
	EXPECT_NE(GATE_REGRESSED, t[0].g.verdict);
	EXPECT_NE(GATE_REGRESSED, t[1].g.verdict) TH_LOG("%s", t[1].g.reason);
	/* outside the family: judged at alpha / family, never stepped down */
	t[0].cand = a;
	t[1].in_family = false;
	gate_family(t, 2, 0.05, 2, 3, false);
	EXPECT_EQ(GATE_REGRESSED, t[0].g.verdict);
	EXPECT_NE(GATE_REGRESSED, t[1].g.verdict);
}

TEST(inputs_not_modified)
{
	const struct gate_metric *m = gate_metric_find("report_p50_ns");
	double y[6] = { 6, 5, 4, 3, 2, 1 }, x[6] = { 60, 50, 40, 30, 20, 10 };
	struct gate_cell c;

	gate_judge(m, y, 6, x, 6, &R, &c);
	for (unsigned int i = 0; i < 6; i++) {
		EXPECT_EQ(6.0 - i, y[i]);
		EXPECT_EQ(60.0 - 10 * i, x[i]);
	}
}

TEST(metric_table)
{
	static const char *const all[] = { "throughput_rps", "offered_rps", "response_p50_ns", "response_p99_ns",
		"response_p999_ns", "report_p50_ns", "report_p99_ns", "report_p999_ns", "report_in_flush_p50_ns",
		"report_in_flush_p99_ns", "queue_in_flush_p50_ns", "queue_in_flush_p99_ns", "queue_p50_ns", "queue_p99_ns", "flush_p50_ns", "flush_p99_ns", "unbind_p50_ns",
		"unbind_p99_ns", "overflows", "invariant_violations", "incomplete_groups",
		"reporter_cpu_per_request_ns" };
	unsigned int n = 0;

	char buf[32];

	EXPECT_EQ(GATE_NMETRICS, sizeof(all) / sizeof(all[0]));
	for (unsigned int i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		EXPECT_NE(NULL, gate_metric_find(all[i])) TH_LOG("%s", all[i]);
	}
	/*
	 * The in-flush latencies: named for what they are, small samples (shown with
	 * their counts), lower is better, not gated by default; the others are not.
	 */
	EXPECT_STREQ("report during a flush of the same device p50", gate_metric_find("report_in_flush_p50_ns")->label);
	EXPECT_STREQ("queue wait while any flush runs on the IOMMU p99", gate_metric_find("queue_in_flush_p99_ns")->label);
	EXPECT_STREQ("queue_in_flush_latency_ns.p50", gate_metric_find("queue_in_flush_p50_ns")->path);
	for (unsigned int i = 0; i < GATE_NMETRICS; i++) {
		bool in_flush = strstr(gate_metrics[i].name, "in_flush") != NULL;

		EXPECT_EQ(in_flush, gate_metrics[i].show_n) TH_LOG("%s", gate_metrics[i].name);
		if (in_flush) {
			EXPECT_EQ(-1, gate_metrics[i].better);
			EXPECT_FALSE(gate_default_gated(&gate_metrics[i], true)) TH_LOG("%s", gate_metrics[i].name);
		}
	}
	/* ... the table keeps the report-in-flush and queue-in-flush rows together. */
	EXPECT_EQ(gate_metric_find("report_in_flush_p99_ns") + 1, gate_metric_find("queue_in_flush_p50_ns"));
	gate_fmt_samples(412, 412, buf, sizeof(buf));
	EXPECT_STREQ("n=412", buf);
	gate_fmt_samples(20, 999, buf, sizeof(buf));
	EXPECT_STREQ("n=20..999", buf);
	gate_fmt_samples(NAN, NAN, buf, sizeof(buf));
	EXPECT_STREQ("n=?", buf);
	EXPECT_EQ(NULL, gate_metric_find("nosuch"));
	EXPECT_EQ(NULL, gate_metric_find(NULL));
	EXPECT_EQ(0, gate_metric_find("offered_rps")->better);
	EXPECT_EQ(+1, gate_metric_find("throughput_rps")->better);
	EXPECT_EQ(-1, gate_metric_find("unbind_p99_ns")->better);
	for (const char *const *d = gate_default_metrics; *d; d++, n++) {
		EXPECT_NE(0, gate_metric_find(*d)->better) TH_LOG("%s", *d);
	}
	EXPECT_EQ(4, n);
	EXPECT_STREQ("report_p50_ns", gate_default_metrics[0]);
	EXPECT_STREQ("unchanged", gate_verdict_name(GATE_UNCHANGED));
	EXPECT_STREQ("improved", gate_verdict_name(GATE_IMPROVED));
	EXPECT_STREQ("regressed", gate_verdict_name(GATE_REGRESSED));
	EXPECT_STREQ("noisy", gate_verdict_name(GATE_NOISY));
	EXPECT_STREQ("missing", gate_verdict_name(GATE_MISSING));
}

TEST_HARNESS_MAIN
