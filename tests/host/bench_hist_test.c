// SPDX-License-Identifier: GPL-2.0
/*
 * Description: bench/client/hist.c computes percentiles from the module's
 * log-linear histograms: bucket bounds per the layout in iopf_bench.h, and
 * nearest-rank percentiles within 1/2^(S+1) of the exact value for known
 * distributions (a single value, two points, uniform, log-uniform), edge
 * buckets included.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * kselftest_harness.h is not -Wextra clean: unused parameters in its
 * wrappers, a setjmp() that -Wclobbered frowns on, and EXPECT_EQ(0, unsigned)
 * compares signed with unsigned.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include <iopf_bench.h>
#include "hist.h"
#include "report.h"

#define S IOPF_BENCH_HIST_SUB_BITS
#define NB IOPF_BENCH_HIST_NR_BUCKETS

static struct hist_layout layout(void)
{
	struct hist_layout l;

	if (!hist_layout_init(&l, S, IOPF_BENCH_HIST_MAX_BITS))
		abort();
	return l;
}

/* A sample set with its histogram and the exact extremes. */
struct sample {
	uint64_t *v;
	size_t n;
	uint64_t buckets[NB];
	uint64_t min, max;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void sample_finish(struct sample *s, const struct hist_layout *l)
{
	memset(s->buckets, 0, sizeof(s->buckets));
	for (size_t i = 0; i < s->n; i++)
		s->buckets[hist_bucket_of(l, s->v[i])]++;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	s->min = s->v[0];
	s->max = s->v[s->n - 1];
}

/* The exact nearest-rank percentile of the sorted sample. */
static uint64_t exact_pct(const struct sample *s, uint32_t ppm)
{
	unsigned __int128 r = (unsigned __int128)s->n * ppm;
	uint64_t rank = (uint64_t)((r + HIST_PPM_MAX - 1) / HIST_PPM_MAX);

	if (rank < 1)
		rank = 1;
	return s->v[rank - 1];
}

/* |est - exact| <= exact / 2^(S+1), the bound the header promises */
static int within_bound(uint64_t est, uint64_t exact)
{
	uint64_t d = est > exact ? est - exact : exact - est;

	return d * (1ull << (S + 1)) <= exact;
}

static const uint32_t ppms[] = {
	1, 10000, 100000, 250000, 500000, 750000, 900000, 950000, 990000, 999000, 999900, 999990,
	1000000,
};

TEST(layout_matches_header)
{
	struct hist_layout l = layout();
	uint64_t lo, hi, plo, phi;

	ASSERT_EQ(NB, l.nr_buckets);
	EXPECT_FALSE(hist_layout_init(&l, 0, 36));
	EXPECT_FALSE(hist_layout_init(&l, 6, 5));
	l = layout();
	/* Buckets below 2^S are exact. */
	for (uint32_t b = 0; b < (1u << S); b++) {
		hist_bucket_bounds(&l, b, &lo, &hi);
		EXPECT_EQ(b, lo);
		EXPECT_EQ(b, hi);
	}
	/* The buckets tile [0, 2^max_bits) without gaps or overlaps, each at most lo/2^S wide. */
	hist_bucket_bounds(&l, 0, &plo, &phi);
	for (uint32_t b = 1; b < l.nr_buckets; b++) {
		hist_bucket_bounds(&l, b, &lo, &hi);
		ASSERT_EQ(phi + 1, lo);
		ASSERT_LE(lo, hi);
		if (b >= (1u << S))
			ASSERT_LE((hi - lo + 1) << S, lo);
		phi = hi;
	}
	EXPECT_EQ((1ull << IOPF_BENCH_HIST_MAX_BITS) - 1, phi);
	/* The worked example from the header: v = 2^S is the first log bucket. */
	EXPECT_EQ(1u << S, hist_bucket_of(&l, 1ull << S));
	EXPECT_EQ(2u << S, hist_bucket_of(&l, 2ull << S));
}

TEST(bucket_of_round_trip)
{
	struct hist_layout l = layout();
	uint64_t lo, hi, v = 0;

	/* Every value lands in the bucket whose bounds hold it: all small ones, then a walk. */
	for (v = 0; v < 70000; v++) {
		uint32_t b = hist_bucket_of(&l, v);

		hist_bucket_bounds(&l, b, &lo, &hi);
		ASSERT_LE(lo, v);
		ASSERT_GE(hi, v);
	}
	srandom(1);
	for (int i = 0; i < 200000; i++) {
		uint32_t b;

		v = ((uint64_t)random() << 31 | random()) >> (random() % 60);
		if (v >= 1ull << IOPF_BENCH_HIST_MAX_BITS)
			continue;
		b = hist_bucket_of(&l, v);
		hist_bucket_bounds(&l, b, &lo, &hi);
		ASSERT_LE(lo, v);
		ASSERT_GE(hi, v);
		ASSERT_TRUE(within_bound(hist_bucket_mid(&l, b), v));
	}
}

TEST(empty_histogram)
{
	struct hist_layout l = layout();
	static uint64_t b[NB];

	EXPECT_EQ(0, hist_percentile(&l, b, 0, 0, 500000));
	EXPECT_EQ(0, hist_total(&l, b));
}

TEST(single_value)
{
	struct hist_layout l = layout();
	static uint64_t b[NB];
	const uint64_t vals[] = { 0, 1, 63, 64, 12345, 999999, 1ull << 35 };

	for (unsigned int k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
		memset(b, 0, sizeof(b));
		b[hist_bucket_of(&l, vals[k])] = 1000;
		/* min = max = the value: every percentile is exactly it. */
		for (unsigned int i = 0; i < sizeof(ppms) / sizeof(ppms[0]); i++)
			EXPECT_EQ(vals[k], hist_percentile(&l, b, vals[k], vals[k], ppms[i]));
	}
}

TEST(two_points)
{
	struct hist_layout l = layout();
	static uint64_t b[NB];
	const uint64_t lo = 1000, hi = 1000000;
	uint64_t p;

	/* 900 samples at 1 us, 100 at 1 ms: ranks 1..900 are lo, 901..1000 are hi. */
	b[hist_bucket_of(&l, lo)] = 900;
	b[hist_bucket_of(&l, hi)] = 100;
	p = hist_percentile(&l, b, lo, hi, 500000);
	EXPECT_TRUE(within_bound(p, lo));
	p = hist_percentile(&l, b, lo, hi, 900000);	/* rank 900: still lo */
	EXPECT_TRUE(within_bound(p, lo));
	EXPECT_LT(hi / 2, hist_percentile(&l, b, lo, hi, 900001));	/* rank 901 */
	p = hist_percentile(&l, b, lo, hi, 990000);
	EXPECT_TRUE(within_bound(p, hi));
	p = hist_percentile(&l, b, lo, hi, 1000000);	/* rank 1000: hi, never above max */
	EXPECT_TRUE(within_bound(p, hi));
	EXPECT_LE(p, hi);
	/* The lowest percentile is the smallest sample's bucket, never below min. */
	p = hist_percentile(&l, b, lo, hi, 1);
	EXPECT_TRUE(within_bound(p, lo));
	EXPECT_LE(lo, p);
}

TEST(uniform)
{
	struct hist_layout l = layout();
	static struct sample s;

	s.n = 100000;
	s.v = malloc(s.n * sizeof(*s.v));
	ASSERT_NE(NULL, s.v);
	for (size_t i = 0; i < s.n; i++)
		s.v[i] = 1 + i * 7;	/* 1 .. 699994, spread over many octaves */
	sample_finish(&s, &l);
	for (unsigned int i = 0; i < sizeof(ppms) / sizeof(ppms[0]); i++) {
		uint64_t est = hist_percentile(&l, s.buckets, s.min, s.max, ppms[i]);
		uint64_t ex = exact_pct(&s, ppms[i]);

		EXPECT_TRUE(within_bound(est, ex))
			TH_LOG("ppm %u: estimate %llu, exact %llu", ppms[i],
			       (unsigned long long)est, (unsigned long long)ex);
	}
	/* p100 is clamped to the exact max. */
	EXPECT_EQ(s.max, hist_percentile(&l, s.buckets, s.min, s.max, 1000000));
	free(s.v);
}

TEST(log_uniform_random)
{
	struct hist_layout l = layout();
	static struct sample s;

	srandom(42);
	s.n = 200000;
	s.v = malloc(s.n * sizeof(*s.v));
	ASSERT_NE(NULL, s.v);
	for (size_t i = 0; i < s.n; i++)
		s.v[i] = (1ull << (random() % 34)) + (uint64_t)random() % 1000;
	sample_finish(&s, &l);
	EXPECT_EQ(s.n, hist_total(&l, s.buckets));
	for (uint32_t ppm = 1; ppm <= HIST_PPM_MAX; ppm += 997) {
		uint64_t est = hist_percentile(&l, s.buckets, s.min, s.max, ppm);
		uint64_t ex = exact_pct(&s, ppm);

		ASSERT_TRUE(within_bound(est, ex))
			TH_LOG("ppm %u: estimate %llu, exact %llu", ppm,
			       (unsigned long long)est, (unsigned long long)ex);
	}
	free(s.v);
}

TEST(edge_buckets)
{
	struct hist_layout l = layout();
	static uint64_t b[NB];
	const uint64_t top = (1ull << IOPF_BENCH_HIST_MAX_BITS) - 1, beyond = 1000ull * 1000000000;
	uint64_t lo, hi;

	/* 0 is bucket 0, the largest representable value the last bucket. */
	EXPECT_EQ(0, hist_bucket_of(&l, 0));
	EXPECT_EQ(NB - 1, hist_bucket_of(&l, top));
	/* Values beyond the last bucket land in it ... */
	EXPECT_EQ(NB - 1, hist_bucket_of(&l, beyond));
	EXPECT_EQ(NB - 1, hist_bucket_of(&l, UINT64_MAX));
	/* ... and their percentile is the last bucket's midpoint, or max if below it. */
	b[0] = 10;
	b[NB - 1] = 10;
	EXPECT_EQ(0, hist_percentile(&l, b, 0, beyond, 500000));
	EXPECT_EQ(hist_bucket_mid(&l, NB - 1), hist_percentile(&l, b, 0, beyond, 990000));
	EXPECT_EQ(hist_bucket_mid(&l, NB - 1), hist_percentile(&l, b, 0, beyond, 999999));
	/* Only p100 is exact there: it is max. */
	EXPECT_EQ(beyond, hist_percentile(&l, b, 0, beyond, 1000000));
	/* A percentile is never outside [min, max]. */
	hist_bucket_bounds(&l, NB - 1, &lo, &hi);
	EXPECT_EQ(lo + 1, hist_percentile(&l, b, 0, lo + 1, 990000));
	memset(b, 0, sizeof(b));
	b[1u << S] = 1;		/* [64, 64] */
	b[(1u << S) + 1] = 1;	/* [65, 65] */
	b[NB / 2] = 1;
	EXPECT_EQ(64, hist_percentile(&l, b, 64, 100000, 1));
	EXPECT_EQ(65, hist_percentile(&l, b, 64, 100000, 500000));
}

TEST(agreement_and_cross_check)
{
	struct hist_layout l = layout();
	static uint64_t b[NB];
	struct iopf_bench_latency lat = { 0 };
	char why[256];

	EXPECT_TRUE(hist_percentile_agrees(&l, 1000, 1000));
	EXPECT_TRUE(hist_percentile_agrees(&l, 1000, 1008));	/* [1000, 1007], [1008, 1015] */
	EXPECT_FALSE(hist_percentile_agrees(&l, 1000, 1016));	/* two buckets on */
	EXPECT_FALSE(hist_percentile_agrees(&l, 1000, 2000));

	for (uint64_t v = 100; v < 100100; v += 10)
		b[hist_bucket_of(&l, v)]++;
	lat.count = hist_total(&l, b);
	lat.min_ns = 100;
	lat.max_ns = 100090;
	lat.p50_ns = hist_percentile(&l, b, lat.min_ns, lat.max_ns, 500000);
	lat.p90_ns = hist_percentile(&l, b, lat.min_ns, lat.max_ns, 900000);
	lat.p99_ns = hist_percentile(&l, b, lat.min_ns, lat.max_ns, 990000);
	lat.p999_ns = hist_percentile(&l, b, lat.min_ns, lat.max_ns, 999000);
	EXPECT_TRUE(report_hist_check(&l, b, &lat, why, sizeof(why)));
	/* A wrong percentile and a wrong count are both caught. */
	lat.p99_ns *= 2;
	EXPECT_FALSE(report_hist_check(&l, b, &lat, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "p99"));
	lat.p99_ns /= 2;
	lat.count++;
	EXPECT_FALSE(report_hist_check(&l, b, &lat, why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "samples"));
}

TEST_HARNESS_MAIN
