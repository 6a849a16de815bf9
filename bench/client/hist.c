// SPDX-License-Identifier: GPL-2.0
/*
 * hist.c - percentiles from the module's raw log-linear histograms.
 *
 * Layout (include/iopf_bench.h), S = sub_bits:
 *   v < 2^S: bucket v (exact)
 *   else:    e = msb(v) - S; bucket = e * 2^S + (v >> e)
 * Bucket b >= 2^S covers [lo, lo + 2^e - 1] with e = (b >> S) - 1 and
 * lo = ((b & (2^S - 1)) + 2^S) << e.
 */
#include "hist.h"

bool hist_layout_init(struct hist_layout *l, unsigned int sub_bits, unsigned int max_bits)
{
	/* The module's layout is S = 6, 36 bits; anything sane fits in 64 bits. */
	if (sub_bits < 1 || sub_bits > 16 || max_bits < sub_bits || max_bits > 63)
		return false;
	l->sub_bits = sub_bits;
	l->max_bits = max_bits;
	l->nr_buckets = (max_bits - sub_bits + 1) << sub_bits;
	return true;
}

uint32_t hist_bucket_of(const struct hist_layout *l, uint64_t v)
{
	unsigned int s = l->sub_bits, e;
	uint64_t b;

	if (v < (1ull << s))
		return (uint32_t)v;
	e = (63 - __builtin_clzll(v)) - s;
	b = ((uint64_t)e << s) + (v >> e);
	return b >= l->nr_buckets ? l->nr_buckets - 1 : (uint32_t)b;
}

void hist_bucket_bounds(const struct hist_layout *l, uint32_t b, uint64_t *lo, uint64_t *hi)
{
	unsigned int s = l->sub_bits, e;
	uint64_t sub_mask = (1ull << s) - 1;

	if (b < (1u << s)) {
		*lo = *hi = b;
		return;
	}
	e = (b >> s) - 1;
	*lo = ((b & sub_mask) + (1ull << s)) << e;
	*hi = *lo + (1ull << e) - 1;
}

uint64_t hist_bucket_mid(const struct hist_layout *l, uint32_t b)
{
	uint64_t lo, hi;

	hist_bucket_bounds(l, b, &lo, &hi);
	return lo + (hi - lo) / 2;
}

uint64_t hist_total(const struct hist_layout *l, const uint64_t *buckets)
{
	uint64_t n = 0;

	for (uint32_t b = 0; b < l->nr_buckets; b++)
		n += buckets[b];
	return n;
}

uint64_t hist_percentile(const struct hist_layout *l, const uint64_t *buckets,
			 uint64_t min, uint64_t max, uint32_t ppm)
{
	uint64_t total = hist_total(l, buckets), rank, cum = 0, v;
	unsigned __int128 r;
	uint32_t b;

	if (!total)
		return 0;
	if (ppm >= HIST_PPM_MAX)
		return max;	/* the 100th percentile is the maximum, known exactly */
	/* rank = ceil(total * ppm / 10^6), at least 1 */
	r = (unsigned __int128)total * ppm;
	rank = (uint64_t)((r + HIST_PPM_MAX - 1) / HIST_PPM_MAX);
	if (rank < 1)
		rank = 1;
	for (b = 0; b < l->nr_buckets; b++) {
		cum += buckets[b];
		if (cum >= rank)
			break;
	}
	if (b == l->nr_buckets)
		b = l->nr_buckets - 1;
	v = hist_bucket_mid(l, b);
	if (v < min)
		v = min;
	if (v > max)
		v = max;
	return v;
}

bool hist_percentile_agrees(const struct hist_layout *l, uint64_t a, uint64_t b)
{
	uint32_t ba = hist_bucket_of(l, a), bb = hist_bucket_of(l, b);

	return ba == bb || ba + 1 == bb || bb + 1 == ba;
}
