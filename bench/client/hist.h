/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - the module's log-linear latency histograms (layout in
 * include/iopf_bench.h): bucket bounds and percentiles from bucket counts.
 */
#ifndef BENCH_HIST_H
#define BENCH_HIST_H

#include <stdbool.h>
#include <stdint.h>

struct hist_layout {
	unsigned int sub_bits;		/* S: 2^S linear sub-buckets per power of two */
	unsigned int max_bits;		/* values up to 2^max_bits - 1 have their own bucket */
	unsigned int nr_buckets;	/* (max_bits - S + 1) << S */
};

/* Percentiles are given in parts per million of the distribution: 50 % = 500000. */
#define HIST_PPM_MAX 1000000u

/* Fills *l; returns false (and leaves *l alone) when the layout is impossible. */
bool hist_layout_init(struct hist_layout *l, unsigned int sub_bits, unsigned int max_bits);

/* The bucket value v lands in (values beyond the last bucket land in it). */
uint32_t hist_bucket_of(const struct hist_layout *l, uint64_t v);

/* Inclusive bounds [*lo, *hi] of bucket b (b < l->nr_buckets). */
void hist_bucket_bounds(const struct hist_layout *l, uint32_t b, uint64_t *lo, uint64_t *hi);

/* The midpoint of bucket b, rounded down. */
uint64_t hist_bucket_mid(const struct hist_layout *l, uint32_t b);

/* Sum of the counts. */
uint64_t hist_total(const struct hist_layout *l, const uint64_t *buckets);

/*
 * The ppm-th percentile (1 <= ppm <= HIST_PPM_MAX) by the nearest-rank
 * method: the bucket holding the value of rank ceil(total * ppm / 10^6)
 * (rank 1 is the smallest), reported as that bucket's midpoint clamped to
 * [min, max] (the exact extremes the module records). With the
 * layout's bucket widths that is within 1/2^(S+1) of the true value of that
 * rank, unless the value lies beyond the last bucket. This is what the
 * module does for p50..p99.9. The 100th percentile is max itself. Returns 0
 * when the histogram is empty.
 */
uint64_t hist_percentile(const struct hist_layout *l, const uint64_t *buckets,
			 uint64_t min, uint64_t max, uint32_t ppm);

/*
 * Whether a percentile computed here and one the module reported agree: equal,
 * or in the same or a neighbouring bucket (a rank at a bucket edge may round
 * either way), or both clamped to the same extreme.
 */
bool hist_percentile_agrees(const struct hist_layout *l, uint64_t a, uint64_t b);

#endif
