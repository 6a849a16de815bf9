// SPDX-License-Identifier: GPL-2.0
/*
 * gate.c - the gate's rule (gate.h; results/SCHEMA.md, "Comparing runs"),
 * in one place for compare and calibrate: the metric table with each
 * metric's direction, the pre-registered gated set, the verdict of one cell
 * (gate_judge: a one-sided Mann-Whitney test and its Hodges-Lehmann
 * interval, Fisher's exact test for counts, LKP's separation as an option)
 * and the family rule (gate_family: Holm's step-down).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include <json-c/json.h>

#include "gate.h"
#include "report.h"
#include "jsonutil.h"
#include "stats.h"
#include "xalloc.h"

/* A need beyond this is reported as this: the change sits on the threshold. */
#define NEED_MAX 10000

/* ------------------------------------------------------------------------ */
/* Metrics */

/* Every run.json metric, with its direction (gate.h). */
const struct gate_metric gate_metrics[] = {
	{ "throughput_rps", "throughput", "rate_per_s", GATE_RATE, +1, false },
	{ "offered_rps", "offered rate", "target_rate_per_s", GATE_RATE, 0, false },
	{ "response_p50_ns", "response p50", "latency_ns.p50", GATE_NS, -1, false },
	{ "response_p99_ns", "response p99", "latency_ns.p99", GATE_NS, -1, false },
	{ "response_p999_ns", "response p99.9", "latency_ns.p999", GATE_NS, -1, false },
	{ "report_p50_ns", "report p50", "report_last_latency_ns.p50", GATE_NS, -1, false },
	{ "report_p99_ns", "report p99", "report_last_latency_ns.p99", GATE_NS, -1, false },
	{ "report_p999_ns", "report p99.9", "report_last_latency_ns.p999", GATE_NS, -1, false },
	/*
	 * The in-flush figures: small samples per run (tens to hundreds), so
	 * shown with their sample count (show_n). Not gated by default.
	 */
	{ "report_in_flush_p50_ns", "report during a flush of the same device p50", "report_in_flush_latency_ns.p50",
	  GATE_NS, -1, true },
	{ "report_in_flush_p99_ns", "report during a flush of the same device p99", "report_in_flush_latency_ns.p99",
	  GATE_NS, -1, true },
	{ "queue_in_flush_p50_ns", "queue wait while any flush runs on the IOMMU p50", "queue_in_flush_latency_ns.p50",
	  GATE_NS, -1, true },
	{ "queue_in_flush_p99_ns", "queue wait while any flush runs on the IOMMU p99", "queue_in_flush_latency_ns.p99",
	  GATE_NS, -1, true },
	{ "queue_p50_ns", "PRQ wait p50", "queue_latency_ns.p50", GATE_NS, -1, false },
	{ "queue_p99_ns", "PRQ wait p99", "queue_latency_ns.p99", GATE_NS, -1, false },
	{ "flush_p50_ns", "detach flush p50", "detach.flush_latency_ns.p50", GATE_NS, -1, false },
	{ "flush_p99_ns", "detach flush p99", "detach.flush_latency_ns.p99", GATE_NS, -1, false },
	{ "unbind_p50_ns", "unbind p50", "unbind.latency_ns.p50", GATE_NS, -1, false },
	{ "unbind_p99_ns", "unbind p99", "unbind.latency_ns.p99", GATE_NS, -1, false },
	{ "overflows", "PRQ overflows", "prq.overflows", GATE_COUNT, -1, false },
	{ "invariant_violations", "invariant violations", "invariant_violations", GATE_COUNT, -1, false },
	{ "incomplete_groups", "incomplete groups", "group_check.incomplete", GATE_COUNT, -1, false },
	/*
	 * The reporter threads' CPU time in the window over the requests they
	 * reported: the whole report path's cost per request, partial requests
	 * included (a mean, not a percentile: no sample floor).
	 */
	{ "reporter_cpu_per_request_ns", "reporter CPU per request", "reporters.cpu_ns_per_request",
	  GATE_NS, -1, false },
};
_Static_assert(sizeof(gate_metrics) / sizeof(gate_metrics[0]) == GATE_NMETRICS, "GATE_NMETRICS is the table's size");

/*
 * The pre-registered gated metrics: the p50s of the report path, the page
 * response and the PRQ wait, and closed-loop throughput (only at points
 * without an offered rate: in open loop the throughput is the offered rate).
 * Tails and counts are opt-in (--metrics), with thresholds of their own
 * (--threshold M=T). Failed runs and invariant violations are a hard rule
 * whatever the metrics (the "runs" cell).
 */
const char *const gate_default_metrics[] = {
	"report_p50_ns", "response_p50_ns", "queue_p50_ns", "throughput_rps", NULL,
};

bool gate_default_gated(const struct gate_metric *m, bool closed_loop)
{
	if (!m)
		return false;
	if (!strcmp(m->name, "throughput_rps") && !closed_loop)
		return false;
	for (const char *const *d = gate_default_metrics; *d; d++)
		if (!strcmp(*d, m->name))
			return true;
	return false;
}

void gate_fmt_value(enum gate_kind k, double v, char *buf, size_t len)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return;
	}
	switch (k) {
	case GATE_NS:
		if (v < 0)
			snprintf(buf, len, "%.3gns", v);
		else
			fmt_ns((uint64_t)llround(v), buf, len);
		return;
	case GATE_RATE:
		if (v >= 1e6)
			snprintf(buf, len, "%.3gM/s", v / 1e6);
		else if (v >= 1e3)
			snprintf(buf, len, "%.3gk/s", v / 1e3);
		else
			snprintf(buf, len, "%.3g/s", v);
		return;
	case GATE_COUNT:
		snprintf(buf, len, "%.4g", v);
		return;
	}
}

void gate_fmt_samples(double min, double max, char *buf, size_t len)
{
	if (!isfinite(min) || !isfinite(max))
		snprintf(buf, len, "n=?");
	else if (min == max)
		snprintf(buf, len, "n=%.0f", min);
	else
		snprintf(buf, len, "n=%.0f..%.0f", min, max);
}

const char *gate_kind_unit(enum gate_kind k)
{
	static const char *const units[] = { "requests/s", "ns", "count" };

	return (unsigned int)k < sizeof(units) / sizeof(units[0]) ? units[k] : "?";
}

const struct gate_metric *gate_metric_find(const char *name)
{
	for (size_t i = 0; i < GATE_NMETRICS; i++)
		if (name && !strcmp(gate_metrics[i].name, name))
			return &gate_metrics[i];
	return NULL;
}

static const char *const verdict_names[] = { "unchanged", "improved", "regressed", "noisy", "missing" };
_Static_assert(sizeof(verdict_names) / sizeof(verdict_names[0]) == GATE_NVERDICTS, "a name per verdict");

const char *gate_verdict_name(enum gate_verdict v)
{
	return (unsigned int)v < GATE_NVERDICTS ? verdict_names[v] : "?";
}

/* ------------------------------------------------------------------------ */
/* The verdict of one cell */

/*
 * lkp-tests' default "changed" test (lib/changed_stat.rb, ChangedStat#change?
 * without the distance option, on lib/stats.rb's sort_remove_margin and
 * min_mean_max): both sides sorted, size >> 5 values trimmed from each end
 * (here at most 3), then min, "mean" = the middle value sorted[size / 2]
 * and max. x changed up from y iff min(x) > mid(y) and mid(x) > max(y); down
 * is the mirror. Returns +1 (up), -1 (down) or 0. It asks that most of one
 * side lie beyond the other's middle, so one outlier cannot make a change.
 */
struct lkp_sum {
	double min, mid, max;
};

static void lkp_summary(const double *sorted, size_t n, struct lkp_sum *s)
{
	size_t margin = n >> 5;

	if (margin > 3)
		margin = 3;
	sorted += margin;
	n -= 2 * margin;
	s->min = sorted[0];
	s->mid = sorted[n / 2];
	s->max = sorted[n - 1];
}

static int lkp_separation(const double *x, size_t n, const double *y, size_t m)
{
	struct lkp_sum a, b;

	if (!n || !m)
		return 0;
	lkp_summary(x, n, &a);
	lkp_summary(y, m, &b);
	if (a.min > b.mid && a.mid > b.max)
		return +1;
	if (a.max < b.mid && a.mid < b.min)
		return -1;
	return 0;
}

/* sigma of log values from the MAD (1.4826 MAD estimates sigma for normal data); v sorted, > 0. */
static double log_sigma(const double *v, size_t n)
{
	double *l = xcalloc(n, sizeof(double)), med, s;

	for (size_t i = 0; i < n; i++)
		l[i] = log(v[i]);
	med = stats_median(l, n);
	for (size_t i = 0; i < n; i++)
		l[i] = fabs(l[i] - med);
	s = 1.4826 * stats_median(l, n);
	free(l);
	return s;
}

/*
 * Repetitions per side that would decide a noisy cell, by a normal
 * approximation on log values: to tell a change of the threshold's size
 * (d = log(1 + t)) from none with a two-sided test at the cell's confidence
 * and 80 % power, n = 2 ((z_{1-(1-c)/2} + z_0.8) s / d)^2. s is the larger
 * of the pooled MAD-based sigma of both sides' logs (1.4826 MAD) and the
 * sigma the observed interval implies, log(hi / lo) / (2 z sqrt(1/n + 1/m)):
 * the MAD alone ignores the outliers that widen the exact interval, and
 * would promise a decision the next run cannot give. At least min_reps and
 * the size the exact interval needs (stats_mw_need), and at least one
 * more than the larger side has: a cell already that big is noisy because
 * its change lies close to the threshold, and only more repetitions tell.
 */
static unsigned int need_estimate(const double *x, size_t n, const double *y, size_t m, double t,
				  double confidence, unsigned int min_reps, const struct stats_ci *ci,
				  double *spread)
{
	double sx = log_sigma(x, n), sy = log_sigma(y, m), s = sqrt((sx * sx + sy * sy) / 2);
	double zc = gsl_cdf_ugaussian_Pinv(1 - (1 - confidence) / 2), z = zc + gsl_cdf_ugaussian_Pinv(0.8);
	double s_ci = log(ci->hi / ci->lo) / (2 * zc * sqrt(1.0 / n + 1.0 / m));
	double d = log1p(t), est;
	unsigned int need, floor_n;

	if (isfinite(s_ci) && s_ci > s)
		s = s_ci;
	est = d > 0 ? ceil(2 * pow(z * s / d, 2)) : NEED_MAX;
	need = est >= NEED_MAX ? NEED_MAX : (unsigned int)est;
	*spread = s;
	floor_n = stats_mw_need(confidence);
	if (need < floor_n)
		need = floor_n;
	if (need < min_reps)
		need = min_reps;
	floor_n = (unsigned int)(n > m ? n : m) + 1;
	if (need < floor_n)
		need = floor_n;
	return need;
}

/* A copy of v, sorted. */
static double *sorted_copy(const double *v, size_t n)
{
	double *c = xcalloc(n, sizeof(double));

	if (n)
		memcpy(c, v, n * sizeof(double));
	qsort(c, n, sizeof(double), stats_cmp_double);
	return c;
}

/*
 * One-sided Mann-Whitney p-values of x (new) against y (base), both sorted:
 * *up = P(U >= u) that x is stochastically larger, *down = P(U <= u), with
 * U = #(x_i > y_j) + #(x_i = y_j) / 2 (exact null distribution; a half
 * count rounds towards the conservative side).
 */
static void mw_pvalues(const double *x, size_t n, const double *y, size_t m, double *up, double *down)
{
	double u = 0;
	size_t j0 = 0, j1 = 0;

	for (size_t i = 0; i < n; i++) {
		while (j0 < m && y[j0] < x[i])
			j0++;
		if (j1 < j0)
			j1 = j0;
		while (j1 < m && y[j1] <= x[i])
			j1++;
		u += (double)j0 + (double)(j1 - j0) / 2;
	}
	*up = u < 1 ? 1 : 1 - stats_mw_cdf((unsigned int)n, (unsigned int)m, (unsigned long)ceil(u) - 1);
	*down = stats_mw_cdf((unsigned int)n, (unsigned int)m, (unsigned long)floor(u));
	if (*up < 0)
		*up = 0;
}

/*
 * Counts (overflows, violations): how many repetitions saw any, new against
 * base, by Fisher's exact test, one-sided each way (the hypergeometric tail
 * of the new side's number).
 */
static void fisher_pvalues(unsigned int kn, unsigned int nn, unsigned int kb, unsigned int nb, double *up,
			   double *down)
{
	unsigned int k = kn + kb, nk = nn + nb - k;

	*up = kn ? gsl_cdf_hypergeometric_Q(kn - 1, k, nk, nn) : 1;
	*down = gsl_cdf_hypergeometric_P(kn, k, nk, nn);
}

void gate_judge(const struct gate_metric *m, const double *base, size_t nb, const double *cand, size_t nn,
		const struct gate_rule *r, struct gate_cell *out)
{
	double *x = sorted_copy(cand, nn), *y = sorted_copy(base, nb), t = r->threshold, spread;
	/* bad = +1: a rise is bad (lower is better); -1: a fall is bad */
	int bad = m && m->better > 0 ? -1 : +1, sep;
	bool positive = true, count = !m || m->kind == GATE_COUNT;
	double confidence = 1 - 2 * r->level;	/* two-sided, each tail the test's level */
	struct stats_ci ci;

	memset(out, 0, sizeof(*out));
	out->n_base = (unsigned int)nb;
	out->n_new = (unsigned int)nn;
	out->base_median = out->new_median = out->ratio = out->change = NAN;
	out->ci_lo = out->ci_hi = out->confidence = NAN;
	out->p_worse = out->p_better = NAN;
	out->level = r->level;
	if (nn)
		out->new_median = gsl_stats_median_from_sorted_data(x, 1, nn);
	if (nb)
		out->base_median = gsl_stats_median_from_sorted_data(y, 1, nb);
	sep = lkp_separation(x, nn, y, nb);
	out->separated = sep != 0;
	for (size_t i = 0; i < nn; i++)
		positive &= x[i] > 0;
	for (size_t j = 0; j < nb; j++)
		positive &= y[j] > 0;

	if (!nn || !nb || nn < r->min_reps || nb < r->min_reps) {
		unsigned int k = r->min_reps;

		if (!count && positive && stats_mw_need(confidence) > k)
			k = stats_mw_need(confidence);
		out->verdict = GATE_NOISY;
		out->need = k;
		if (!nb || !nn)
			snprintf(out->reason, sizeof(out->reason), "no value in %s: too few repetitions: "
				 "%zu (baseline) and %zu (new), need %u", nb ? "new" : "baseline", nb, nn, k);
		else
			snprintf(out->reason, sizeof(out->reason), "too few repetitions: %zu (baseline) and "
				 "%zu (new), need %u", nb, nn, k);
		goto out;
	}

	if (count) {
		/* Repetitions with any, new against base: Fisher's exact test. */
		unsigned int kn = 0, kb = 0;
		double up, down;

		for (size_t i = 0; i < nn; i++)
			kn += x[i] > 0;
		for (size_t j = 0; j < nb; j++)
			kb += y[j] > 0;
		fisher_pvalues(kn, (unsigned int)nn, kb, (unsigned int)nb, &up, &down);
		out->p_worse = bad > 0 ? up : down;
		out->p_better = bad > 0 ? down : up;
		if (out->p_worse <= r->level || out->p_better <= r->level) {
			bool worse = out->p_worse <= r->level;

			out->verdict = worse ? GATE_REGRESSED : GATE_IMPROVED;
			snprintf(out->reason, sizeof(out->reason), "in %u of %zu repetitions (new) against %u of %zu "
				 "(baseline): Fisher's exact p %.2g <= %.2g", kn, nn, kb, nb,
				 worse ? out->p_worse : out->p_better, r->level);
		} else {
			out->verdict = GATE_UNCHANGED;
			snprintf(out->reason, sizeof(out->reason), "in %u of %zu repetitions (new) against %u of %zu "
				 "(baseline): within chance (Fisher's exact p %.2g)", kn, nn, kb, nb,
				 out->p_worse < out->p_better ? out->p_worse : out->p_better);
		}
		goto out;
	}

	if (!positive) {
		/* A ratio metric with a value <= 0 (a throughput of 0): no ratio, so the rank test alone. */
		double up, down;

		mw_pvalues(x, nn, y, nb, &up, &down);
		out->p_worse = bad > 0 ? up : down;
		out->p_better = bad > 0 ? down : up;
		if (out->p_worse <= r->level && (!r->separation || sep == bad)) {
			out->verdict = GATE_REGRESSED;
			snprintf(out->reason, sizeof(out->reason), "a value <= 0, no ratio: worse by the rank test "
				 "(one-sided p %.2g <= %.2g)", out->p_worse, r->level);
		} else if (out->p_better <= r->level && (!r->separation || sep == -bad)) {
			out->verdict = GATE_IMPROVED;
			snprintf(out->reason, sizeof(out->reason), "a value <= 0, no ratio: better by the rank test "
				 "(one-sided p %.2g <= %.2g)", out->p_better, r->level);
		} else {
			out->verdict = GATE_NOISY;
			out->need = (unsigned int)(nn > nb ? nn : nb) + 1;
			snprintf(out->reason, sizeof(out->reason), "a value <= 0, no ratio, and the rank test does "
				 "not decide (one-sided p %.2g)", out->p_worse);
		}
		goto out;
	}

	stats_ratio_ci(x, nn, y, nb, confidence, &ci);
	{
		double up, down;

		mw_pvalues(x, nn, y, nb, &up, &down);
		out->p_worse = bad > 0 ? up : down;
		out->p_better = bad > 0 ? down : up;
	}
	if (!ci.ok) {
		out->verdict = GATE_NOISY;
		out->need = ci.need > r->min_reps ? ci.need : r->min_reps;
		snprintf(out->reason, sizeof(out->reason), "too few repetitions for a one-sided test at %.2g: "
			 "%zu (baseline) and %zu (new), need %u", r->level, nb, nn, out->need);
		goto out;
	}
	/* The point estimate is the interval's own: Hodges-Lehmann. */
	out->ratio = ci.hl_ratio;
	out->change = ci.hl_ratio - 1;
	out->ci_lo = ci.lo;
	out->ci_hi = ci.hi;
	out->confidence = ci.confidence;
	{
		/* The one-sided test: the interval's bound on that side excludes 1. */
		bool up = ci.lo > 1, down = ci.hi < 1;
		bool within = ci.lo >= 1 - t - 1e-12 && ci.hi <= 1 + t + 1e-12;
		bool ruled_out = bad > 0 ? ci.hi <= 1 + t + 1e-12 : ci.lo >= 1 - t - 1e-12;

		if ((up || down) && (!r->separation || sep == (up ? +1 : -1))) {
			bool worse = (up ? +1 : -1) == bad;

			out->verdict = worse ? GATE_REGRESSED : GATE_IMPROVED;
			snprintf(out->reason, sizeof(out->reason), "%.1f %% %s: the one-sided test at %.2g excludes "
				 "no change (p %.2g)%s", fabs(out->change) * 100, worse ? "worse" : "better", r->level,
				 worse ? out->p_worse : out->p_better, r->separation ? ", and the samples are separated" : "");
		} else if (within) {
			out->verdict = GATE_UNCHANGED;
			snprintf(out->reason, sizeof(out->reason), "the interval lies within +-%g %%", t * 100);
		} else if (ruled_out) {
			out->verdict = GATE_UNCHANGED;
			snprintf(out->reason, sizeof(out->reason), "a %g %% regression is ruled out", t * 100);
		} else {
			out->verdict = GATE_NOISY;
			out->need = need_estimate(x, nn, y, nb, t, confidence, r->min_reps, &ci, &spread);
			snprintf(out->reason, sizeof(out->reason), "%s; about %u repetitions per side would "
				 "decide (spread +-%.1f %%)",
				 up || down ? "the interval excludes no change but the samples overlap (--lkp-separation)" :
				 "the interval reaches beyond the threshold", out->need, expm1(spread) * 100);
		}
	}
out:
	free(x);
	free(y);
}

/* The tests in the order of their one-sided p-value of "worse", smallest first. */
static int cmp_pworse(const void *a, const void *b)
{
	double x = (*(struct gate_test *const *)a)->g.p_worse, y = (*(struct gate_test *const *)b)->g.p_worse;

	return x < y ? -1 : x > y;
}

/*
 * The family rule. Each test is first judged at alpha / family
 * (Bonferroni: the interval every row shows). Then Holm's step-down on the
 * in-family tests' one-sided p-values of "worse": the i-th smallest (from 0)
 * is tested at alpha / (family - i), in order, until one is not rejected.
 * Holm keeps the family-wise false-alarm rate at alpha under any dependence
 * between the tests (the cells of one sweep share boots), as Bonferroni
 * does, and rejects at least what Bonferroni rejects. A test Holm rejects
 * is judged again at its own level, so that its interval excludes no change
 * as its verdict says.
 */
void gate_family(struct gate_test *t, size_t n, double alpha, unsigned int family, unsigned int min_reps,
		 bool separation)
{
	struct gate_test **order = xcalloc(n, sizeof(*order));
	struct gate_rule r = { .min_reps = min_reps, .separation = separation };
	size_t no = 0, fam = 0;

	for (size_t i = 0; i < n; i++)
		fam += t[i].in_family;
	if (family)
		fam = family;
	if (!fam)
		fam = 1;
	r.level = alpha / (double)fam;
	for (size_t i = 0; i < n; i++) {
		r.threshold = t[i].threshold;
		gate_judge(t[i].m, t[i].base, t[i].nb, t[i].cand, t[i].nn, &r, &t[i].g);
		if (t[i].in_family && isfinite(t[i].g.p_worse))
			order[no++] = &t[i];
	}
	qsort(order, no, sizeof(*order), cmp_pworse);
	for (size_t i = 0; i < no && i < fam; i++) {
		struct gate_test *c = order[i];
		struct gate_cell g;
		size_t len;

		r.level = alpha / (double)(fam - i);
		r.threshold = c->threshold;
		if (!(c->g.p_worse <= r.level))
			break;
		if (c->g.verdict == GATE_REGRESSED)
			continue;
		gate_judge(c->m, c->base, c->nb, c->cand, c->nn, &r, &g);
		if (g.verdict != GATE_REGRESSED)
			break;
		c->g = g;
		len = strlen(c->g.reason);
		snprintf(c->g.reason + len, sizeof(c->g.reason) - len, " (Holm, rank %zu of %zu)", i + 1, fam);
	}
	free(order);
}


void gate_cell_json(const struct gate_cell *g, struct json_object *o)
{
	json_object_object_add(o, "verdict", json_object_new_string(gate_verdict_name(g->verdict)));
	json_object_object_add(o, "ratio", jnum(g->ratio));
	json_object_object_add(o, "change", jnum(g->change));
	json_object_object_add(o, "ci_low", jnum(g->ci_lo));
	json_object_object_add(o, "ci_high", jnum(g->ci_hi));
	json_object_object_add(o, "confidence", jnum(g->confidence));
	json_object_object_add(o, "p_worse", jnum(g->p_worse));
	json_object_object_add(o, "p_better", jnum(g->p_better));
	json_object_object_add(o, "reason", g->reason[0] ? json_object_new_string(g->reason) : NULL);
}
