/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopf_bench histograms (hist.c): log-linear, the layout in iopf_bench.h.
 * Used by everything that measures; uses nothing of the module's.
 */
#ifndef IOPF_BENCH_HIST_H
#define IOPF_BENCH_HIST_H

#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/types.h>

#include "iopf_bench.h"


/*
 * Only the buckets and the exact maximum are kept on the hot path (two
 * memory updates per sample: under TCG every load and store is a software
 * TLB lookup). Count, minimum and mean are derived from the buckets.
 */
struct iopf_hist {
	u64 max;
	u64 buckets[IOPF_BENCH_HIST_NR_BUCKETS];
};

static inline unsigned int iopf_hist_bucket(u64 v)
{
	unsigned int e, b;

	if (v < (1u << IOPF_BENCH_HIST_SUB_BITS))
		return v;
	e = fls64(v) - 1 - IOPF_BENCH_HIST_SUB_BITS;
	b = (e << IOPF_BENCH_HIST_SUB_BITS) + (unsigned int)(v >> e);
	return min_t(unsigned int, b, IOPF_BENCH_HIST_NR_BUCKETS - 1);
}

static inline void iopf_hist_add(struct iopf_hist *h, u64 v)
{
	h->buckets[iopf_hist_bucket(v)]++;
	if (unlikely(v > h->max))
		h->max = v;
}

void iopf_hist_init(struct iopf_hist *h);
void iopf_hist_merge(struct iopf_hist *dst, const struct iopf_hist *src);
void iopf_hist_summary(const struct iopf_hist *h, struct iopf_bench_latency *out);
void iopf_hist_delta_summary(const struct iopf_hist *cur, const struct iopf_hist *prev,
			     struct iopf_hist *tmp, struct iopf_bench_latency *out);

#endif /* IOPF_BENCH_HIST_H */
