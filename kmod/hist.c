// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench histograms: log-linear buckets (2^S sub-buckets per power of
 * two), kept per CPU or per thread on the hot path and merged only on read.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/string.h>

#include "hist.h"

void iopf_hist_init(struct iopf_hist *h)
{
	memset(h, 0, sizeof(*h));
}

void iopf_hist_merge(struct iopf_hist *dst, const struct iopf_hist *src)
{
	unsigned int i;

	for (i = 0; i < IOPF_BENCH_HIST_NR_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->max = max(dst->max, src->max);
}

/* The value a bucket stands for: its midpoint. */
static u64 iopf_hist_mid(unsigned int b)
{
	unsigned int e;
	u64 lo;

	if (b < (1u << IOPF_BENCH_HIST_SUB_BITS))
		return b;
	e = (b >> IOPF_BENCH_HIST_SUB_BITS) - 1;
	lo = (u64)((b & ((1u << IOPF_BENCH_HIST_SUB_BITS) - 1)) +
		   (1u << IOPF_BENCH_HIST_SUB_BITS)) << e;
	return lo + (((1ull << e) - 1) >> 1);
}

static void iopf_mul_64x64(u64 a, u64 b, u64 *hi, u64 *lo)
{
	u64 a0 = (u32)a, a1 = a >> 32, b0 = (u32)b, b1 = b >> 32;
	u64 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	u64 mid = (p00 >> 32) + (u32)p01 + (u32)p10;

	*lo = (mid << 32) | (u32)p00;
	*hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* The lowest value a bucket covers. */
static u64 iopf_hist_lo(unsigned int b)
{
	unsigned int e;

	if (b < (1u << IOPF_BENCH_HIST_SUB_BITS))
		return b;
	e = (b >> IOPF_BENCH_HIST_SUB_BITS) - 1;
	return (u64)((b & ((1u << IOPF_BENCH_HIST_SUB_BITS) - 1)) +
		     (1u << IOPF_BENCH_HIST_SUB_BITS)) << e;
}

/* Smallest value v such that at least permille/1000 of the samples are <= v. */
static u64 iopf_hist_pct(const struct iopf_hist *h, u64 count, u64 min,
			 unsigned int permille)
{
	u64 rank = div_u64(count * permille + 999, 1000);
	u64 cum = 0, v;
	unsigned int b;

	if (!rank)
		rank = 1;
	for (b = 0; b < IOPF_BENCH_HIST_NR_BUCKETS; b++) {
		cum += h->buckets[b];
		if (cum >= rank)
			break;
	}
	v = iopf_hist_mid(min_t(unsigned int, b, IOPF_BENCH_HIST_NR_BUCKETS - 1));
	return clamp(v, min, h->max);
}

/*
 * count: exact. max: exact. min: the lowest bucket's lower bound. mean and
 * percentiles: bucket midpoints (within 1/2^(S+1) of the true values),
 * clamped to [min, max] so that they stay ordered.
 */
void iopf_hist_summary(const struct iopf_hist *h, struct iopf_bench_latency *out)
{
	u64 count = 0, min = 0, sum_hi = 0, sum_lo = 0;
	unsigned int b, shift;
	bool first = true;

	memset(out, 0, sizeof(*out));
	for (b = 0; b < IOPF_BENCH_HIST_NR_BUCKETS; b++) {
		u64 n = h->buckets[b], prod_hi, prod_lo;

		if (!n)
			continue;
		if (first) {
			min = min_t(u64, iopf_hist_lo(b), h->max);
			first = false;
		}
		count += n;
		/* sum += n * mid(b), in 128 bits (hi:lo) */
		iopf_mul_64x64(n, iopf_hist_mid(b), &prod_hi, &prod_lo);
		sum_lo += prod_lo;
		sum_hi += prod_hi + (sum_lo < prod_lo);
	}
	if (!count)
		return;
	out->count = count;
	out->min_ns = min;
	out->max_ns = h->max;
	/* mean = sum / count; scale down first if the sum exceeds 64 bits */
	for (shift = 0; sum_hi; shift++) {
		sum_lo = (sum_lo >> 1) | (sum_hi << 63);
		sum_hi >>= 1;
	}
	out->mean_ns = div64_u64(sum_lo, count) << shift;
	out->mean_ns = clamp(out->mean_ns, min, h->max);
	out->p50_ns = iopf_hist_pct(h, count, min, 500);
	out->p90_ns = iopf_hist_pct(h, count, min, 900);
	out->p99_ns = iopf_hist_pct(h, count, min, 990);
	out->p999_ns = iopf_hist_pct(h, count, min, 999);
}

/* The highest value a bucket covers. */
static u64 iopf_hist_hi(unsigned int b)
{
	if (b < (1u << IOPF_BENCH_HIST_SUB_BITS))
		return b;
	return iopf_hist_lo(b) + (1ull << ((b >> IOPF_BENCH_HIST_SUB_BITS) - 1)) - 1;
}

/*
 * An interval's share of a cumulative histogram, without resetting anything
 * on the hot path: the samples cur (a snapshot now) holds and prev (the
 * previous snapshot) does not. tmp is scratch. out gets count, p50, p99 and
 * max (the rest stays 0), by the rules of iopf_hist_summary(). The maximum
 * is exact when the interval raised the running maximum (which then lies
 * in its highest bucket), else the upper bound of its highest bucket,
 * clamped to the running maximum.
 */
void iopf_hist_delta_summary(const struct iopf_hist *cur, const struct iopf_hist *prev,
			     struct iopf_hist *tmp, struct iopf_bench_latency *out)
{
	unsigned int b, first = 0, top = 0, nb = iopf_hist_bucket(cur->max) + 1;
	u64 count = 0, r50, r99, cum = 0, min;

	memset(out, 0, sizeof(*out));
	for (b = 0; b < nb; b++) {
		/* cumulative counts only grow; a torn read must not wrap */
		u64 n = cur->buckets[b] > prev->buckets[b] ? cur->buckets[b] - prev->buckets[b] : 0;

		tmp->buckets[b] = n;
		if (n) {
			if (!count)
				first = b;
			top = b;
			count += n;
		}
	}
	if (!count)
		return;
	if (cur->max > prev->max && cur->max <= iopf_hist_hi(top))
		out->max_ns = cur->max;
	else
		out->max_ns = min(iopf_hist_hi(top), cur->max);
	/* a sample counted before its CPU wrote the maximum */
	out->max_ns = max(out->max_ns, iopf_hist_lo(top));
	min = min(iopf_hist_lo(first), out->max_ns);
	out->count = count;
	r50 = max_t(u64, div_u64(count * 500 + 999, 1000), 1);
	r99 = max_t(u64, div_u64(count * 990 + 999, 1000), 1);
	for (b = first; b <= top; b++) {
		cum += tmp->buckets[b];
		if (!out->p50_ns && cum >= r50)
			out->p50_ns = clamp(iopf_hist_mid(b), min, out->max_ns);
		if (cum >= r99) {
			out->p99_ns = clamp(iopf_hist_mid(b), min, out->max_ns);
			break;
		}
	}
}
