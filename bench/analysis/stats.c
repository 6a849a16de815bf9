// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - the statistics shared by report (results.c), compare and the
 * gate's rule (gate.c) and calibrate (stats.h): the median, the exact
 * Mann-Whitney null distribution, the Hodges-Lehmann ratio and its
 * distribution-free interval, and the small parsers and comparators they
 * all need. GSL does the medians and the normal quantiles; the
 * Mann-Whitney distribution is the counting recurrence (GSL has none).
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "stats.h"
#include "xalloc.h"


double stats_median(double *v, size_t n)
{
	gsl_sort(v, 1, n);
	return gsl_stats_median_from_sorted_data(v, 1, n);
}

/*
 * The exact null distribution of the Mann-Whitney U statistic. GSL has no
 * Mann-Whitney test, so the counts come from the standard recurrence: of
 * n x's and m y's, the largest value is an x (it beats all m y's) or a y,
 *
 *   f(n, m, u) = f(n - 1, m, u - m) + f(n, m - 1, u),
 *   f(0, m, u) = f(n, 0, u) = [u == 0],
 *
 * and P(U = u) = f(n, m, u) / C(n + m, n). Only the lower half (u <= nm/2)
 * is needed for a two-sided interval, so the table stops there. The counts
 * are doubles: C(200, 100) ~ 9e58 fits, and small counts stay exact.
 */
static double *mw_lower_cdf_new(unsigned int n, unsigned int m, unsigned long *umax_out)
{
	unsigned long umax = (unsigned long)n * m / 2, w;
	double *prev, *cur, *cdf, total, acc = 0;

	if (m > n) {	/* U(n, m) and U(m, n) have the same distribution: keep the rows short */
		unsigned int t = n;

		n = m;
		m = t;
	}
	w = umax + 1;
	prev = xcalloc((size_t)(m + 1) * w, sizeof(double));
	cur = xcalloc((size_t)(m + 1) * w, sizeof(double));

	/* i = 0: no x, U = 0 whatever m */
	for (unsigned int j = 0; j <= m; j++)
		prev[(size_t)j * w] = 1;
	for (unsigned int i = 1; i <= n; i++) {
		memset(cur, 0, (size_t)(m + 1) * w * sizeof(double));
		cur[0] = 1;	/* j = 0 */
		for (unsigned int j = 1; j <= m; j++) {
			double *c = cur + (size_t)j * w, *left = cur + (size_t)(j - 1) * w;
			const double *up = prev + (size_t)j * w;

			for (unsigned long u = 0; u <= umax; u++)
				c[u] = left[u] + (u >= j ? up[u - j] : 0);
		}
		double *t = prev;
		prev = cur;
		cur = t;
	}
	/* prev holds row n; its entry m is f(n, m, .) */
	/* C(n + m, m), m <= n: exact up to 2^64 in the long double product, then close */
	{
		long double c = 1;

		for (unsigned int i = 1; i <= m; i++)
			c = c * (n + i) / i;
		total = (double)c;
	}
	cdf = xcalloc(w, sizeof(double));
	for (unsigned long u = 0; u <= umax; u++) {
		acc += prev[(size_t)m * w + u];
		cdf[u] = acc / total;
	}
	free(prev);
	free(cur);
	*umax_out = umax;
	return cdf;
}

/* The table of the last (n, m) asked for, kept: every metric of a point asks for the same sizes. */
/*
 * The table of (n, m) is kept: a caller asks for the same few sizes over and
 * over (calibrate's trials mix the full size with its dropouts and the paired
 * sizes), so one remembered size was rebuilt at every switch. A handful of
 * sizes, the oldest replaced when full; a table is never freed while a caller
 * may hold it within one call.
 */
#define MW_CACHE 16
static double *mw_lower_cdf(unsigned int n, unsigned int m, unsigned long *umax_out)
{
	static struct { double *cdf; unsigned int n, m; unsigned long umax; } c[MW_CACHE];
	static unsigned int next;
	unsigned int i;

	if (m > n) {	/* the same distribution: one entry for both orders */
		unsigned int t = n;

		n = m;
		m = t;
	}
	for (i = 0; i < MW_CACHE; i++)
		if (c[i].cdf && c[i].n == n && c[i].m == m)
			break;
	if (i == MW_CACHE) {
		i = next++ % MW_CACHE;
		free(c[i].cdf);
		c[i].cdf = mw_lower_cdf_new(n, m, &c[i].umax);
		c[i].n = n;
		c[i].m = m;
	}
	*umax_out = c[i].umax;
	return c[i].cdf;
}

double stats_mw_cdf(unsigned int n, unsigned int m, unsigned long u)
{
	unsigned long umax, nm = (unsigned long)n * m;
	double *cdf, p;

	if (!n || !m || u >= nm)
		return 1.0;
	if (nm > STATS_MW_EXACT_MAX) {
		/* Normal approximation with continuity correction (no tie correction). */
		double mu = nm / 2.0, sd = sqrt(nm * (n + m + 1.0) / 12.0);

		return 0.5 * erfc(-((u + 0.5 - mu) / sd) / M_SQRT2);
	}
	if (u > nm / 2)		/* symmetry: P(U <= u) = 1 - P(U <= nm - u - 1) */
		return 1.0 - stats_mw_cdf(n, m, nm - u - 1);
	cdf = mw_lower_cdf(n, m, &umax);
	p = cdf[u];
	return p;
}

/* alpha / 2 with room for rounding: 1 - 0.9 is 0.09999999999999998, and P(U <= 0) = 1/20 should pass */
static double half_alpha(double confidence)
{
	return (1 - confidence) / 2 * (1 + 1e-9);
}

unsigned int stats_mw_need(double confidence)
{

	/* With n = m = N, the widest interval [D(1), D(N^2)] has P(U <= 0) = 1 / C(2N, N) per side. */
	for (unsigned int N = 1; N < 100; N++)
		if (stats_mw_cdf(N, N, 0) <= half_alpha(confidence))
			return N;
	return 100;
}

int stats_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int stats_ratio_ci(const double *x, size_t n, const double *y, size_t m, double confidence,
		     struct stats_ci *ci)
{
	double ha = half_alpha(confidence), *a, *b, *d;
	size_t nm = n * m;
	unsigned long k = 0, umax;

	memset(ci, 0, sizeof(*ci));
	if (!n || !m)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(x[i] > 0) || !isfinite(x[i]))
			return -1;
	for (size_t j = 0; j < m; j++)
		if (!(y[j] > 0) || !isfinite(y[j]))
			return -1;
	a = xcalloc(n, sizeof(double));
	b = xcalloc(m, sizeof(double));
	memcpy(a, x, n * sizeof(double));
	memcpy(b, y, m * sizeof(double));
	ci->ratio = stats_median(a, n) / stats_median(b, m);

	/* Pairwise differences of the logs, sorted: D(1) <= ... <= D(nm). */
	d = xcalloc(nm, sizeof(double));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m; j++)
			d[i * m + j] = log(x[i]) - log(y[j]);
	qsort(d, nm, sizeof(double), stats_cmp_double);
	ci->hl_ratio = exp(gsl_stats_median_from_sorted_data(d, 1, nm));

	/*
	 * k: the largest with P(U <= k - 1) <= alpha / 2. Then
	 * [D(k), D(nm + 1 - k)] covers the true shift with probability
	 * 1 - 2 P(U <= k - 1) >= confidence (exact without ties).
	 */
	if (nm <= STATS_MW_EXACT_MAX) {
		double *cdf = mw_lower_cdf(n, m, &umax);

		while (k <= umax && cdf[k] <= ha)
			k++;
		ci->confidence = k ? 1 - 2 * cdf[k - 1] : 0;
	} else {
		while (k < nm / 2 && stats_mw_cdf(n, m, k) <= ha)
			k++;
		ci->confidence = k ? 1 - 2 * stats_mw_cdf(n, m, k - 1) : 0;
	}
	if (k >= 1 && k <= nm + 1 - k) {
		ci->ok = true;
		ci->k = k;
		ci->lo = exp(d[k - 1]);
		ci->hi = exp(d[nm - k]);
	} else {
		ci->ok = false;
		ci->confidence = 0;
		ci->need = stats_mw_need(confidence);
	}
	free(a);
	free(b);
	free(d);
	return 0;
}


/* "95%", "95 %", "0.95" -> 0.95; "5%" -> 0.05. A bare number > 1 is a percentage. */
bool stats_parse_fraction(const char *s, double *v)
{
	char *end;
	double x = strtod(s, &end);

	if (end == s || !isfinite(x))
		return false;
	while (*end == ' ')
		end++;
	if (*end == '%') {
		x /= 100;
		end++;
	} else if (x > 1) {
		x /= 100;
	}
	if (*end)
		return false;
	*v = x;
	return true;
}


/* |d| ascending, for the ranks. */
static int cmp_abs(const void *a, const void *b)
{
	double x = fabs(*(const double *)a), y = fabs(*(const double *)b);

	return x < y ? -1 : x > y;
}

size_t stats_signrank(const double *d, size_t n, double *up, double *down)
{
	double *a = xcalloc(n + 1, sizeof(double));
	unsigned long *r2 = xcalloc(n + 1, sizeof(unsigned long));	/* doubled mid-ranks */
	unsigned long tpos = 0, total = 0;
	size_t m = 0;

	*up = *down = 1;
	for (size_t i = 0; i < n; i++)
		if (d[i] != 0 && !isnan(d[i]))
			a[m++] = d[i];
	if (!m)
		goto out;
	qsort(a, m, sizeof(double), cmp_abs);
	for (size_t i = 0; i < m;) {
		size_t j = i;

		while (j + 1 < m && fabs(a[j + 1]) == fabs(a[i]))
			j++;
		/* ranks i+1..j+1 share (i + 1 + j + 1) / 2; doubled: i + j + 2 */
		for (size_t k = i; k <= j; k++)
			r2[k] = i + j + 2;
		i = j + 1;
	}
	for (size_t i = 0; i < m; i++) {
		total += r2[i];
		if (a[i] > 0)
			tpos += r2[i];
	}
	if (m > STATS_SR_EXACT_MAX) {
		double mu = total / 2.0, var = 0, z;

		for (size_t i = 0; i < m; i++)
			var += (double)r2[i] * r2[i] / 4.0;
		z = ((double)tpos - mu) / sqrt(var);
		*up = 1 - gsl_cdf_ugaussian_P(z - 0.5 / sqrt(var));
		*down = gsl_cdf_ugaussian_P(z + 0.5 / sqrt(var));
	} else {
		/* f[s]: the number of sign patterns whose positive doubled ranks sum to s */
		double *f = xcalloc(total + 1, sizeof(double)), all = ldexp(1, (int)m), le = 0, ge = 0;

		f[0] = 1;
		for (size_t i = 0; i < m; i++)
			for (unsigned long s = total; s >= r2[i]; s--) {
				f[s] += f[s - r2[i]];
				if (s == r2[i])
					break;
			}
		for (unsigned long s = 0; s <= total; s++) {
			if (s <= tpos)
				le += f[s];
			if (s >= tpos)
				ge += f[s];
		}
		*up = ge / all;
		*down = le / all;
		free(f);
	}
out:
	free(a);
	free(r2);
	return m;
}
