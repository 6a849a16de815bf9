// SPDX-License-Identifier: GPL-2.0
/*
 * results.c - iopf-bench report: a results folder (written by `sweep`, laid
 * out in results/SCHEMA.md) aggregated into run.json and csv/<sweep>.csv,
 * the figures drawn by gnuplot from scripts/plots/NAME.gp, and report.html
 * (html.c) with a text summary.
 *
 * Rules (issue 8):
 * - A repetition is success, failure (invariant violations), error, skipped
 *   (exit 4) or missing (no file). Only successes enter a median; the others
 *   are listed with their reason and mark the point.
 * - Each design is compared with the plan's baseline per point and metric:
 *   the ratio of medians and a distribution-free interval for the ratio
 *   (Hodges-Lehmann / Mann-Whitney on log values, exact null distribution).
 *   See stats_ratio_ci() and verdict().
 * - Nothing fails silently: a file that cannot be read or written, a figure
 *   gnuplot did not make, an incomplete folder or a failed repetition makes
 *   the result non-zero, with the reason printed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <json-c/json.h>

#include "folder.h"
#include "gate.h"
#include "html.h"
#include "jsonutil.h"
#include "plot.h"
#include "report.h"
#include "results.h"
#include "stats.h"
#include "xalloc.h"

#define JADD(o, k, v) json_object_object_add((o), (k), (v))
#define JSTR(s) json_object_new_string(s)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------ */
/* Small helpers */

static bool file_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static int mkdir_p1(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST)
		return -1;
	return 0;
}

/* A name safe in a file name: [A-Za-z0-9._-], anything else '_'. */
static char *slug(const char *s)
{
	char *p = xstrdup(s);

	for (char *q = p; *q; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
		      *q == '.' || *q == '-' || *q == '_'))
			*q = '_';
	return p;
}

/* Follow a dotted path ("detach.flush_latency_ns.p50") to a number. */
static bool jpath_number(struct json_object *o, const char *path, double *out)
{
	char buf[128], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save))
		o = jget(o, tok);
	return jnumber(o, out);
}

/* A JSON value as a plain string for labels: strings bare, the rest as JSON. */
static char *jvalue_text(struct json_object *v)
{
	if (!v)
		return xstrdup("null");
	if (json_object_is_type(v, json_type_string))
		return xstrdup(json_object_get_string(v));
	return xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

/* Whether v is "on" (1), "off" (0) or neither (-1): strings on/off/yes/no/true/false, booleans, 0/1. */
static int jonoff(struct json_object *v)
{
	const char *s;

	if (!v)
		return -1;
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	if (json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);

		return i == 0 ? 0 : i == 1 ? 1 : -1;
	}
	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	if (!strcasecmp(s, "on") || !strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcasecmp(s, "off") || !strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcmp(s, "0"))
		return 0;
	return -1;
}

/* The last non-empty line of a text file (stderr of a run), at most len - 1 bytes; false if none. */
static bool last_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];
	bool any = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		size_t l = strlen(line);

		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r' || line[l - 1] == ' '))
			line[--l] = 0;
		if (l) {
			snprintf(buf, len, "%s", line);
			any = true;
		}
	}
	fclose(f);
	return any;
}

/* ------------------------------------------------------------------------ */
/* The model */

enum { ST_SUCCESS, ST_FAILURE, ST_ERROR, ST_SKIPPED, ST_MISSING, ST_NR };
static const char *const st_names[ST_NR] = { "success", "failure", "error", "skipped", "missing" };

/* The metric table is gate.c's (gate_metrics): one table for report, compare and calibrate. */
#define NM GATE_NMETRICS

enum {
	M_THROUGHPUT = 0, M_OFFERED, M_RESP_P50, M_RESP_P99, M_RESP_P999, M_REP_P50, M_REP_P99,
	M_REP_P999, M_RIF_P50, M_RIF_P99, M_QIF_P50, M_QIF_P99, M_QUEUE_P50, M_QUEUE_P99, M_FLUSH_P50,
	M_FLUSH_P99, M_UNBIND_P50,
	M_UNBIND_P99, M_OVERFLOWS, M_VIOLATIONS, M_INCOMPLETE, M_REPORTER_CPU,
};
_Static_assert(M_REPORTER_CPU + 1 == NM, "metric indexes follow the table");


struct rep {
	unsigned int rep;
	int st;
	char *reason;
	char *json, *hist, *ts, *err;	/* relative to the folder; NULL = no such file */
	bool have[NM];
	double v[NM];
	double dropped[NM];		/* > 0: the samples a percentile had, too few to keep it */
	bool have_samples[NM];		/* show_n metrics: the run's sample count is known */
	double samples[NM];		/* ... and is this */
	long unbinders;			/* config.unbinders of the run, -1 unknown */
};

struct stat1 {
	unsigned int n;
	double med, min, max;
};

/*
 * One comparison of a design with the baseline (or of the stream on with
 * off): gate.c's verdict of the cell (gate_family(), the same rule and words
 * as `compare`), and the cell in words.
 */
struct cmp {
	bool judged;		/* a metric with a direction, compared */
	bool gated;		/* one of the family's tests (the default gated set) */
	bool both_zero;		/* every successful value of both sides is 0 */
	struct gate_cell g;
	unsigned int n, m;	/* values of the design, of the baseline */
	double median_ratio;	/* design median / baseline median (NAN: none) */
	char words[400];
};

struct pdes {
	struct rep *reps;
	unsigned int nreps;
	unsigned int cnt[ST_NR];
	struct stat1 s[NM];
	struct stat1 samples[NM];	/* show_n metrics: the successful runs' sample counts */
};

struct point {
	char *id, *label, *slug;
	struct json_object *axis_values, *params;	/* borrowed from the plan */
	const char *skip_reason;
	struct pdes *d;		/* [nd] */
	struct cmp *c;		/* [nd][NM]; the baseline's row is unused */
	const char *status;
	unsigned int failed_reps;
	long unbinders;
};

struct knee {
	int design;
	char *variant;
	double offered, delivered;
	bool saturated;
};

struct tscost {
	int design;
	char *others;		/* the other axes' values */
	struct point *on, *off;
	struct cmp c;
};

struct sweep {
	char *name, *slug;
	const char *desc;
	char **axes;
	unsigned int naxes;
	struct point **pts;
	unsigned int npts;
	struct knee *knees;
	unsigned int nknees;
	struct tscost *tsc;
	unsigned int ntsc;
	struct json_object *figs;	/* array, filled by the figures */
	char *csv;
};

struct res {
	const char *dir;
	const struct results_opts *o;
	FILE *log;
	struct json_object *plan, *prov;
	char **designs;
	unsigned int nd;
	int base;			/* index of the baseline design, -1 none */
	unsigned int reps_planned;
	struct sweep *sw;
	unsigned int nsw;
	struct point *pts;
	unsigned int npts;
	unsigned int cnt[ST_NR], planned;
	bool incomplete_marker;
	const char *status;
	struct json_object *problems;	/* array of strings */
	int errors;			/* files not read/written, figures not made */
	char *plots;			/* scripts/plots */
	unsigned int family;		/* the gated cells (gate_family()'s family) */
	double cell_confidence;		/* each row's interval: 1 - 2 alpha / family */
	unsigned int regress_runs;	/* runs made with the synthetic regression knob on */
	double regress_report_max, regress_response_max;
};

static void __attribute__((format(printf, 2, 3))) rlog(struct res *R, const char *fmt, ...)
{
	va_list ap;

	if (!R->log)
		return;
	fprintf(R->log, "iopf-bench report: ");
	va_start(ap, fmt);
	vfprintf(R->log, fmt, ap);
	va_end(ap);
	fputc('\n', R->log);
}

/* An error: printed, counted, and the exit status will say so. */
static void __attribute__((format(printf, 2, 3))) rerr(struct res *R, const char *fmt, ...)
{
	va_list ap;

	R->errors++;
	if (!R->log)
		return;
	fprintf(R->log, "iopf-bench report: error: ");
	va_start(ap, fmt);
	vfprintf(R->log, fmt, ap);
	va_end(ap);
	fputc('\n', R->log);
}

static char *rpath(const struct res *R, const char *rel)
{
	return xasprintf("%s/%s", R->dir, rel);
}

/* ------------------------------------------------------------------------ */
/* Loading */

static void rep_reason_err(struct res *R, struct rep *r, const char *base)
{
	char line[240], *p;

	if (!r->err || !last_line(p = rpath(R, r->err), line, sizeof(line))) {
		if (r->err)
			free(p);
		r->reason = xstrdup(base);
		return;
	}
	free(p);
	r->reason = xasprintf("%s; stderr: %s", base, line);
}

static void rep_load(struct res *R, struct point *p, const char *design, struct rep *r)
{
	char *base = xasprintf("raw/%s/%s-r%u", p->id, design, r->rep), *full;
	struct json_object *j;
	const char *status;
	double v;

	r->unbinders = -1;
#define OPTFILE(field, ext) do { \
		char *rel = xasprintf("%s%s", base, ext); \
		full = rpath(R, rel); \
		if (file_exists(full)) r->field = rel; else free(rel); \
		free(full); \
	} while (0)
	OPTFILE(json, ".json");
	OPTFILE(hist, ".hist.json");
	OPTFILE(ts, ".ts.csv");
	OPTFILE(err, ".err");
#undef OPTFILE
	free(base);

	if (!r->json) {
		if (p->skip_reason) {
			r->st = ST_SKIPPED;
			r->reason = xstrdup(p->skip_reason);
		} else {
			r->st = ST_MISSING;
			rep_reason_err(R, r, "no result file");
		}
		return;
	}
	full = rpath(R, r->json);
	j = json_object_from_file(full);
	free(full);
	if (!j || !json_object_is_type(j, json_type_object)) {
		char *why = xasprintf("%s is not a JSON object: %s", r->json,
				      j ? "wrong type" : json_util_get_last_err() ? json_util_get_last_err() : "unreadable");
		size_t l = strlen(why);

		while (l && why[l - 1] == '\n')
			why[--l] = 0;
		r->st = ST_ERROR;
		rep_reason_err(R, r, why);
		free(why);
		json_object_put(j);
		return;
	}
	for (unsigned int i = 0; i < NM; i++) {
		r->have[i] = jpath_number(j, gate_metrics[i].path, &r->v[i]);
		/*
		 * A percentile needs samples beyond it: at least 10 / (1 - q)
		 * (20 for p50, 1000 for p99, 10000 for p99.9). From fewer it is
		 * the run's maximum or close to it, and says nothing a comparison
		 * can rely on: the value is left out.
		 */
		if ((r->have[i] || gate_metrics[i].show_n) && gate_metrics[i].kind == GATE_NS) {
			const char *dot = strrchr(gate_metrics[i].path, '.');
			char *cpath = xasprintf("%.*s.count", (int)(dot - gate_metrics[i].path), gate_metrics[i].path);
			double cnt = 0, need = !strcmp(dot, ".p50") ? 20 : !strcmp(dot, ".p99") ? 1000 :
					       !strcmp(dot, ".p999") ? 10000 : 0;
			bool counted = jpath_number(j, cpath, &cnt);

			/*
			 * The small samples (in-flush latencies): their count goes with
			 * them everywhere (none: nothing of theirs to show).
			 */
			if (gate_metrics[i].show_n && counted && cnt > 0) {
				r->have_samples[i] = true;
				r->samples[i] = cnt;
			}
			if (!r->have[i]) {
				free(cpath);
				continue;
			}
			if (need && (!counted || cnt < need)) {
				r->have[i] = false;
				/* Measured, but too thin: said in run.json, never silent. */
				if (cnt > 0)
					r->dropped[i] = cnt;
			}
			free(cpath);
		}
	}
	if (jpath_number(j, "config.unbinders", &v))
		r->unbinders = (long)v;
	{
		/* The synthetic regression knob (per-run JSON config.regress, ABI 4). */
		double kr = 0, kp = 0;

		jpath_number(j, "config.regress.report_ns", &kr);
		jpath_number(j, "config.regress.response_ns", &kp);
		if (kr > 0 || kp > 0) {
			R->regress_runs++;
			R->regress_report_max = fmax(R->regress_report_max, kr);
			R->regress_response_max = fmax(R->regress_response_max, kp);
		}
	}

	status = jstr(j, "status");
	if (!status) {
		r->st = ST_ERROR;
		rep_reason_err(R, r, "the result has no \"status\"");
	} else if (!strcmp(status, "skipped")) {
		const char *why = jstr(j, "skip_reason");

		r->st = ST_SKIPPED;
		r->reason = xstrdup(why ? why : p->skip_reason ? p->skip_reason : "skipped (no reason given)");
	} else if (!strcmp(status, "failure") ||
		   (!strcmp(status, "success") && r->have[M_VIOLATIONS] && r->v[M_VIOLATIONS] > 0)) {
		double u = 0, l = 0, lo = 0, g = 0;
		struct json_object *vi = jget(j, "violations");

		jpath_number(vi, "unexpected", &u);
		jpath_number(vi, "late", &l);
		jpath_number(vi, "lost", &lo);
		jpath_number(vi, "group", &g);
		r->st = ST_FAILURE;
		if (r->have[M_VIOLATIONS] && r->v[M_VIOLATIONS] > 0)
			r->reason = xasprintf("%.0f invariant violations (unexpected %.0f, late %.0f, lost %.0f, group %.0f)",
					      r->v[M_VIOLATIONS], u, l, lo, g);
		else
			r->reason = xstrdup("the run reported a failure");
	} else if (!strcmp(status, "success")) {
		r->st = ST_SUCCESS;
	} else {
		const char *msg = jstr(jget(j, "error"), "message");
		const char *en = jstr(jget(j, "error"), "errno_name");
		char *why;

		r->st = ST_ERROR;
		if (!strcmp(status, "error"))
			why = xasprintf("%s%s%s%s", msg ? msg : "the run ended on an error", en ? " (" : "",
					en ? en : "", en ? ")" : "");
		else
			why = xasprintf("unknown status \"%s\"", status);
		rep_reason_err(R, r, why);
		free(why);
	}
	json_object_put(j);
}

/* The repetitions planned for (point, design): from plan.runs, else 1..repetitions. */
static void plan_reps(struct res *R, struct point *p, const char *design, struct pdes *pd)
{
	struct json_object *runs = jget(R->plan, "runs");
	size_t n = runs && json_object_is_type(runs, json_type_array) ? json_object_array_length(runs) : 0;
	unsigned int cap = 8;

	pd->reps = xcalloc(cap, sizeof(*pd->reps));
	for (size_t i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(runs, i);
		const char *pt = jstr(r, "point"), *d = jstr(r, "design");
		double rep;
		bool dup = false;

		if (!pt || !d || strcmp(pt, p->id) || strcmp(d, design) || !jnumber(jget(r, "rep"), &rep))
			continue;
		for (unsigned int k = 0; k < pd->nreps; k++)
			dup |= pd->reps[k].rep == (unsigned int)rep;
		if (dup)
			continue;
		if (pd->nreps == cap)
			pd->reps = realloc(pd->reps, (cap *= 2) * sizeof(*pd->reps));
		memset(&pd->reps[pd->nreps], 0, sizeof(*pd->reps));
		pd->reps[pd->nreps++].rep = (unsigned int)rep;
	}
	if (!pd->nreps) {
		unsigned int reps = R->reps_planned ? R->reps_planned : 1;

		free(pd->reps);
		pd->reps = xcalloc(reps, sizeof(*pd->reps));
		for (unsigned int k = 0; k < reps; k++)
			pd->reps[k].rep = k + 1;
		pd->nreps = reps;
	}
}

static void stat_of(double *v, unsigned int n, struct stat1 *s)
{
	s->n = n;
	if (!n) {
		s->med = s->min = s->max = NAN;
		return;
	}
	s->med = stats_median(v, n);	/* sorts v */
	s->min = v[0];
	s->max = v[n - 1];
}

/* The successful values of metric k: up to nreps of them in v; returns how many. */
static unsigned int ok_values(const struct pdes *pd, unsigned int k, double *v)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < pd->nreps; i++)
		if (pd->reps[i].st == ST_SUCCESS && pd->reps[i].have[k])
			v[n++] = pd->reps[i].v[k];
	return n;
}

/* ------------------------------------------------------------------------ */
/* Words */


/* A ratio as a factor ("31x") or a relative change ("+3.2 %"). */
static bool factor_mode(double r)
{
	return r >= 1.995 || r <= 0.5;
}

static void fmt_change(double r, bool factor, bool lower_side, char *buf, size_t len)
{
	if (factor)
		snprintf(buf, len, "%.3gx", lower_side ? 1 / r : r);
	else
		snprintf(buf, len, "%+.1f %%", (r - 1) * 100);
}

static void cmp_words(const struct gate_metric *m, const char *dname, const char *bname, struct cmp *c,
		      const struct stat1 *sx, const struct stat1 *sy)
{
	char ch[48], lo[32], hi[32], a[32], b[32];
	const char *v = gate_verdict_name(c->g.verdict);
	double r = c->g.ratio;

	if (!isfinite(r)) {
		gate_fmt_value(m->kind, sx->med, a, sizeof(a));
		gate_fmt_value(m->kind, sy->med, b, sizeof(b));
		if (sx->n && sy->n)
			snprintf(c->words, sizeof(c->words), "%s: %s %s vs %s in %s: %s (%s)", dname,
				 m->label, a, b, bname, v, c->g.reason);
		else
			snprintf(c->words, sizeof(c->words), "%s: %s: %s (%s)", dname, m->label, v, c->g.reason);
		return;
	}
	if (fabs(r - 1) < 0.0005)
		snprintf(ch, sizeof(ch), "unchanged");
	else if (factor_mode(r))
		snprintf(ch, sizeof(ch), "%.3gx %s", r > 1 ? r : 1 / r, r > 1 ? "higher" : "lower");
	else
		snprintf(ch, sizeof(ch), "%.1f %% %s", fabs(r - 1) * 100, r > 1 ? "higher" : "lower");
	if (factor_mode(r) && r < 1) {
		fmt_change(c->g.ci_hi, true, true, lo, sizeof(lo));
		fmt_change(c->g.ci_lo, true, true, hi, sizeof(hi));
	} else {
		fmt_change(c->g.ci_lo, factor_mode(r), false, lo, sizeof(lo));
		fmt_change(c->g.ci_hi, factor_mode(r), false, hi, sizeof(hi));
	}
	snprintf(c->words, sizeof(c->words), "%s: %s %s (%.3g %% CI %s..%s): %s", dname, m->label, ch,
		 floor(c->g.confidence * 1000) / 10, lo, hi, v);
}

/*
 * The comparisons of a report are judged by the gate's own rule
 * (gate_family(), results/SCHEMA.md "Comparing runs"): one one-sided test
 * per cell, each row's interval at alpha / family, Holm's step-down over
 * the family, the threshold only to call a cell unchanged, one vocabulary
 * (regressed / improved / unchanged / noisy / missing). The family is the
 * default gated set (gate_default_gated()) over every point and compared
 * design; the other metrics are judged at the same per-cell level, shown,
 * and not corrected for.
 */
struct judge {
	struct gate_test *t;
	struct cmp **c;
	const struct stat1 **sx, **sy;
	const char **dname, **bname;
	size_t n, cap;
};

/* Queue one comparison (x: the design's values, y: the baseline's; taken over, freed by judge_run). */
static void judge_add(struct judge *J, const struct gate_metric *m, bool gated, double *x, unsigned int n,
		      double *y, unsigned int ny, const struct stat1 *sx, const struct stat1 *sy, const char *dname,
		      const char *bname, double threshold, struct cmp *c)
{
	bool xzero = true, yzero = true;

	memset(c, 0, sizeof(*c));
	c->judged = true;
	c->n = n;
	c->m = ny;
	c->median_ratio = sx->n && sy->n && sy->med > 0 && sx->med > 0 ? sx->med / sy->med : NAN;
	for (unsigned int i = 0; i < n; i++)
		xzero &= x[i] == 0;
	for (unsigned int j = 0; j < ny; j++)
		yzero &= y[j] == 0;
	c->g.ratio = c->g.change = c->g.ci_lo = c->g.ci_hi = c->g.confidence = NAN;
	c->g.p_worse = c->g.p_better = c->g.base_median = c->g.new_median = NAN;
	c->g.n_new = n;
	c->g.n_base = ny;
	if (!n && !ny) {
		c->g.verdict = GATE_MISSING;
		snprintf(c->g.reason, sizeof(c->g.reason), "not measured, or too few samples per run for this "
			 "percentile (p50 needs 20, p99 1000, p99.9 10000)");
	} else if (n && ny && xzero && yzero) {
		/* Identical on both sides: nothing to test, and nothing to count in the family. */
		c->g.verdict = GATE_UNCHANGED;
		c->both_zero = true;
		snprintf(c->g.reason, sizeof(c->g.reason), "both zero");
	} else {
		if (J->n == J->cap) {
			J->cap = J->cap ? 2 * J->cap : 64;
			J->t = xrealloc(J->t, J->cap * sizeof(*J->t));
			J->c = xrealloc(J->c, J->cap * sizeof(*J->c));
			J->sx = xrealloc(J->sx, J->cap * sizeof(*J->sx));
			J->sy = xrealloc(J->sy, J->cap * sizeof(*J->sy));
			J->dname = xrealloc(J->dname, J->cap * sizeof(*J->dname));
			J->bname = xrealloc(J->bname, J->cap * sizeof(*J->bname));
		}
		c->gated = gated;
		J->t[J->n] = (struct gate_test){ .m = m, .base = y, .nb = ny, .cand = x, .nn = n,
						 .threshold = threshold, .in_family = gated };
		J->c[J->n] = c;
		J->sx[J->n] = sx;
		J->sy[J->n] = sy;
		J->dname[J->n] = dname;
		J->bname[J->n] = bname;
		J->n++;
		cmp_words(m, dname, bname, c, sx, sy);
		return;
	}
	free(x);
	free(y);
	cmp_words(m, dname, bname, c, sx, sy);
}

/* Judge the queued comparisons as one family; returns its size (the gated tests). */
static unsigned int judge_run(struct judge *J, double alpha, unsigned int min_reps)
{
	unsigned int family = 0;

	for (size_t i = 0; i < J->n; i++)
		family += J->t[i].in_family;
	gate_family(J->t, J->n, alpha, 0, min_reps, false);
	for (size_t i = 0; i < J->n; i++) {
		J->c[i]->g = J->t[i].g;
		cmp_words(J->t[i].m, J->dname[i], J->bname[i], J->c[i], J->sx[i], J->sy[i]);
		free((void *)J->t[i].base);
		free((void *)J->t[i].cand);
	}
	free(J->t);
	free(J->c);
	free(J->sx);
	free(J->sy);
	free(J->dname);
	free(J->bname);
	memset(J, 0, sizeof(*J));
	return family;
}

/* ------------------------------------------------------------------------ */
/* Aggregation */

static int load_plan(struct res *R)
{
	char *p = rpath(R, "plan.json");
	struct json_object *ds, *sws, *pts;
	const char *b;
	double v;

	R->plan = json_object_from_file(p);
	if (!R->plan || !json_object_is_type(R->plan, json_type_object)) {
		const char *e = json_util_get_last_err();

		rerr(R, "cannot read %s: %s", p, R->plan ? "not a JSON object" : e ? e : "unreadable");
		free(p);
		return -1;
	}
	free(p);
	p = rpath(R, "provenance.json");
	if (file_exists(p)) {
		R->prov = json_object_from_file(p);
		if (!R->prov)
			rlog(R, "warning: %s is not readable JSON; no provenance in the report", p);
	}
	free(p);
	p = rpath(R, "INCOMPLETE");
	R->incomplete_marker = !access(p, F_OK);
	free(p);

	if (jpath_number(R->plan, "schema_version", &v) && v != 1)
		rlog(R, "warning: plan.json schema_version %.0f, this report reads version 1", v);
	if (jnumber(jget(R->plan, "repetitions"), &v) && v >= 1)
		R->reps_planned = (unsigned int)v;
	ds = jget(R->plan, "designs");
	if (!ds || !json_object_is_type(ds, json_type_array) || !json_object_array_length(ds)) {
		rerr(R, "%s/plan.json has no \"designs\"", R->dir);
		return -1;
	}
	R->nd = json_object_array_length(ds);
	R->designs = xcalloc(R->nd, sizeof(char *));
	for (unsigned int i = 0; i < R->nd; i++)
		R->designs[i] = xstrdup(json_object_get_string(json_object_array_get_idx(ds, i)));
	R->base = -1;
	b = jstr(R->plan, "baseline_design");
	for (unsigned int i = 0; b && i < R->nd; i++)
		if (!strcmp(R->designs[i], b))
			R->base = i;
	if (b && R->base < 0)
		rlog(R, "warning: baseline_design \"%s\" is not among the designs: no comparisons", b);
	if (!b && R->nd > 1)
		R->base = 0;

	pts = jget(R->plan, "points");
	R->npts = pts && json_object_is_type(pts, json_type_array) ? json_object_array_length(pts) : 0;
	R->pts = xcalloc(R->npts, sizeof(*R->pts));
	for (unsigned int i = 0; i < R->npts; i++) {
		struct json_object *jp = json_object_array_get_idx(pts, i), *av;
		struct point *p = &R->pts[i];
		const char *id = jstr(jp, "id");
		size_t len = 0;

		if (!id) {
			rerr(R, "plan.json: point %u has no \"id\"", i);
			id = "unnamed";
		}
		if (jstr(jp, "label") && *jstr(jp, "label")) {
			p->id = xstrdup(id);
			p->slug = slug(id);
			p->label = xstrdup(jstr(jp, "label"));
			p->axis_values = jget(jp, "axis_values");
			p->params = jget(jp, "params");
			p->skip_reason = jstr(jp, "skip_reason");
			p->unbinders = jpath_number(p->params, "unbinders", &v) ? (long)v : -1;
			continue;
		}
		p->id = xstrdup(id);
		p->slug = slug(id);
		p->axis_values = jget(jp, "axis_values");
		p->params = jget(jp, "params");
		p->skip_reason = jstr(jp, "skip_reason");
		p->unbinders = jpath_number(p->params, "unbinders", &v) ? (long)v : -1;
		av = p->axis_values;
		if (av && json_object_is_type(av, json_type_object) && json_object_object_length(av)) {
			char buf[512] = "";

			json_object_object_foreach(av, k, val) {
				char *t = jvalue_text(val);

				len += snprintf(buf + len, len < sizeof(buf) ? sizeof(buf) - len : 0, "%s%s=%s",
						len ? " " : "", k, t);
				free(t);
			}
			p->label = xstrdup(buf);
		} else {
			p->label = xstrdup(id);
		}
	}

	sws = jget(R->plan, "sweeps");
	R->nsw = sws && json_object_is_type(sws, json_type_array) ? json_object_array_length(sws) : 0;
	R->sw = xcalloc(R->nsw, sizeof(*R->sw));
	for (unsigned int i = 0; i < R->nsw; i++) {
		struct json_object *js = json_object_array_get_idx(sws, i), *ax, *ids;
		struct sweep *s = &R->sw[i];
		const char *name = jstr(js, "name");

		s->name = xstrdup(name ? name : "sweep");
		s->slug = slug(s->name);
		s->desc = jstr(js, "description");
		s->figs = json_object_new_array();
		ax = jget(js, "axes");
		s->naxes = ax && json_object_is_type(ax, json_type_array) ? json_object_array_length(ax) : 0;
		s->axes = xcalloc(s->naxes, sizeof(char *));
		for (unsigned int k = 0; k < s->naxes; k++)
			s->axes[k] = xstrdup(json_object_get_string(json_object_array_get_idx(ax, k)));
		s->pts = xcalloc(R->npts, sizeof(struct point *));
		ids = jget(js, "points");
		for (size_t k = 0; ids && json_object_is_type(ids, json_type_array) &&
				   k < json_object_array_length(ids); k++) {
			const char *id = json_object_get_string(json_object_array_get_idx(ids, k));
			bool found = false;

			for (unsigned int q = 0; id && q < R->npts; q++)
				if (!strcmp(R->pts[q].id, id)) {
					s->pts[s->npts++] = &R->pts[q];
					found = true;
					break;
				}
			if (!found)
				rerr(R, "plan.json: sweep %s lists point \"%s\", which is not in \"points\"",
				     s->name, id ? id : "?");
		}
		if (!ids) {	/* no list: the points that name this sweep */
			for (unsigned int q = 0; q < R->npts; q++) {
				const char *sn = jstr(json_object_array_get_idx(pts, q), "sweep");

				if (sn && !strcmp(sn, s->name))
					s->pts[s->npts++] = &R->pts[q];
			}
		}
	}
	return 0;
}

static void problem(struct res *R, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct res *R, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s) {
		json_object_array_add(R->problems, JSTR(s));
		free(s);
	}
}

static void aggregate_point(struct res *R, struct point *p)
{
	unsigned int nd = R->nd, all = 0, skipped = 0, ok = 0, failure = 0;
	bool some_design_empty = false;

	p->d = xcalloc(nd, sizeof(*p->d));
	p->c = xcalloc((size_t)nd * NM, sizeof(*p->c));
	for (unsigned int d = 0; d < nd; d++) {
		struct pdes *pd = &p->d[d];
		double *v;

		plan_reps(R, p, R->designs[d], pd);
		for (unsigned int i = 0; i < pd->nreps; i++) {
			rep_load(R, p, R->designs[d], &pd->reps[i]);
			pd->cnt[pd->reps[i].st]++;
			R->cnt[pd->reps[i].st]++;
			R->planned++;
			if (p->unbinders < 0 && pd->reps[i].unbinders >= 0)
				p->unbinders = pd->reps[i].unbinders;
		}
		all += pd->nreps;
		skipped += pd->cnt[ST_SKIPPED];
		ok += pd->cnt[ST_SUCCESS];
		failure += pd->cnt[ST_FAILURE];
		if (!pd->cnt[ST_SUCCESS] && pd->cnt[ST_SKIPPED] < pd->nreps)
			some_design_empty = true;
		v = xcalloc(pd->nreps, sizeof(double));
		for (unsigned int k = 0; k < NM; k++) {
			unsigned int n = 0;

			stat_of(v, ok_values(pd, k, v), &pd->s[k]);
			for (unsigned int i = 0; i < pd->nreps; i++)
				if (pd->reps[i].st == ST_SUCCESS && pd->reps[i].have_samples[k])
					v[n++] = pd->reps[i].samples[k];
			stat_of(v, n, &pd->samples[k]);
		}
		free(v);
	}
	p->failed_reps = all - ok - skipped;
	if (skipped == all)
		p->status = "skipped";
	else if (ok + skipped == all)
		p->status = "ok";
	else if (failure || some_design_empty)
		p->status = "failed";
	else
		p->status = "partial";

}

/* Every point's designs against the baseline design, judged as one family (struct judge). */
static void compare_points(struct res *R)
{
	struct judge J = { 0 };

	if (R->base < 0)
		return;
	for (unsigned int i = 0; i < R->npts; i++) {
		struct point *p = &R->pts[i];
		double rate = 0;
		bool closed;

		if (!p->d)
			continue;
		/* Closed loop: no offered rate (the gated set's throughput), as compare. */
		jnumber(jget(p->params, "rate_per_s"), &rate);
		closed = !(rate > 0);
		for (unsigned int d = 0; d < R->nd; d++) {
			const struct pdes *x = &p->d[d], *y = &p->d[R->base];

			if ((int)d == R->base)
				continue;
			for (unsigned int k = 0; k < NM; k++) {
				double *xv, *yv;
				unsigned int n, m;

				if (!gate_metrics[k].better)
					continue;
				xv = xcalloc(x->nreps + 1, sizeof(double));
				yv = xcalloc(y->nreps + 1, sizeof(double));
				n = ok_values(x, k, xv);
				m = ok_values(y, k, yv);
				judge_add(&J, &gate_metrics[k], gate_default_gated(&gate_metrics[k], closed), xv, n, yv, m,
					  &x->s[k], &y->s[k], R->designs[d], R->designs[R->base], R->o->threshold,
					  &p->c[(size_t)d * NM + k]);
			}
		}
	}
	R->family = judge_run(&J, R->o->alpha, R->o->min_reps);
	R->cell_confidence = 1 - 2 * R->o->alpha / (R->family ? R->family : 1);
}

/* A sweep's knees (axis rate_per_s) and stream costs (axis timeseries). */
static bool sweep_has_axis(const struct sweep *s, const char *axis)
{
	for (unsigned int i = 0; i < s->naxes; i++)
		if (!strcmp(s->axes[i], axis))
			return true;
	return false;
}

/* The other axes' values of a point, as text (series and pairing key). */
static char *other_axes(const struct sweep *s, const struct point *p, const char *except)
{
	char buf[512] = "";
	size_t len = 0;

	for (unsigned int i = 0; i < s->naxes; i++) {
		char *t;

		if (!strcmp(s->axes[i], except))
			continue;
		t = jvalue_text(jget(p->axis_values, s->axes[i]));
		len += snprintf(buf + len, len < sizeof(buf) ? sizeof(buf) - len : 0, "%s%s=%s",
				len ? " " : "", s->axes[i], t);
		free(t);
	}
	return xstrdup(buf);
}

static bool axis_number(const struct point *p, const char *axis, double *v)
{
	struct json_object *o = jget(p->axis_values, axis);

	if (jnumber(o, v))
		return true;
	if (o && json_object_is_type(o, json_type_string)) {
		char *end;

		*v = strtod(json_object_get_string(o), &end);
		return end != json_object_get_string(o) && !*end && isfinite(*v);
	}
	return jpath_number(p->params, axis, v);	/* the axis may be given as a name */
}

struct xpoint {
	double x;
	struct point *p;
};

static int cmp_xpoint(const void *a, const void *b)
{
	return stats_cmp_double(&((const struct xpoint *)a)->x, &((const struct xpoint *)b)->x);
}

/* Distinct values of the other axes, in order of first appearance. */
static unsigned int variants(const struct sweep *s, const char *axis, char ***out)
{
	char **v = xcalloc(s->npts, sizeof(char *));
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->npts; i++) {
		char *o = other_axes(s, s->pts[i], axis);
		bool seen = false;

		for (unsigned int k = 0; k < n && !seen; k++)
			seen = !strcmp(v[k], o);
		if (seen)
			free(o);
		else
			v[n++] = o;
	}
	*out = v;
	return n;
}

static void free_strv(char **v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The points of a series (variant) sorted by their numeric axis value; returns how many. */
static unsigned int series_points(const struct sweep *s, const char *axis, const char *variant,
				  struct xpoint *xp)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->npts; i++) {
		char *o = other_axes(s, s->pts[i], axis);
		double x;

		if (!strcmp(o, variant) && axis_number(s->pts[i], axis, &x)) {
			xp[n].x = x;
			xp[n++].p = s->pts[i];
		}
		free(o);
	}
	qsort(xp, n, sizeof(*xp), cmp_xpoint);
	return n;
}

static void sweep_knees(struct res *R, struct sweep *s)
{
	struct xpoint *xp = xcalloc(s->npts, sizeof(*xp));
	char **var;
	unsigned int nv = variants(s, "rate_per_s", &var);

	s->knees = xcalloc((size_t)nv * R->nd, sizeof(*s->knees));
	for (unsigned int v = 0; v < nv; v++) {
		unsigned int n = series_points(s, "rate_per_s", var[v], xp);

		for (unsigned int d = 0; d < R->nd; d++) {
			struct knee k = { .design = d, .offered = NAN, .delivered = NAN };
			double best = -1;

			for (unsigned int i = 0; i < n; i++) {
				const struct stat1 *t = &xp[i].p->d[d].s[M_THROUGHPUT];

				if (!t->n || !(xp[i].x > 0))
					continue;
				if (t->med / xp[i].x < 0.95) {
					k.offered = xp[i].x;
					k.delivered = t->med;
					k.saturated = true;
					break;
				}
				if (t->med > best) {
					best = t->med;
					k.offered = xp[i].x;
					k.delivered = t->med;
				}
			}
			if (!isfinite(k.offered))
				continue;
			k.variant = xstrdup(var[v]);
			s->knees[s->nknees++] = k;
		}
	}
	free_strv(var, nv);
	free(xp);
}

static void sweep_tscost(struct res *R, struct sweep *s, struct judge *J)
{
	s->tsc = xcalloc((size_t)s->npts * R->nd, sizeof(*s->tsc));
	for (unsigned int i = 0; i < s->npts; i++) {
		struct point *on = s->pts[i], *off = NULL;
		char *key;

		if (jonoff(jget(on->axis_values, "timeseries")) != 1)
			continue;
		key = other_axes(s, on, "timeseries");
		for (unsigned int j = 0; j < s->npts && !off; j++) {
			char *k2;

			if (jonoff(jget(s->pts[j]->axis_values, "timeseries")) != 0)
				continue;
			k2 = other_axes(s, s->pts[j], "timeseries");
			if (!strcmp(key, k2))
				off = s->pts[j];
			free(k2);
		}
		if (!off) {
			rlog(R, "sweep %s: point %s (timeseries on) has no 'off' partner", s->name, on->id);
			free(key);
			continue;
		}
		for (unsigned int d = 0; d < R->nd; d++) {
			struct tscost *t = &s->tsc[s->ntsc++];
			const struct pdes *x = &on->d[d], *y = &off->d[d];
			double *xv = xcalloc(x->nreps + 1, sizeof(double)), *yv = xcalloc(y->nreps + 1, sizeof(double));
			unsigned int n = ok_values(x, M_THROUGHPUT, xv), m = ok_values(y, M_THROUGHPUT, yv);
			static const struct gate_metric m_cost = {
				"throughput_rps", "throughput with the stream on / off", "rate_per_s", GATE_RATE, +1, false
			};

			t->design = d;
			t->others = xstrdup(key);
			t->on = on;
			t->off = off;
			judge_add(J, &m_cost, true, xv, n, yv, m, &x->s[M_THROUGHPUT], &y->s[M_THROUGHPUT],
				  R->designs[d], "off", R->o->threshold, &t->c);
		}
		free(key);
	}
}

static void aggregate(struct res *R)
{
	struct judge J = { 0 };

	R->problems = json_object_new_array();
	for (unsigned int i = 0; i < R->npts; i++)
		aggregate_point(R, &R->pts[i]);
	compare_points(R);
	for (unsigned int i = 0; i < R->nsw; i++) {
		if (sweep_has_axis(&R->sw[i], "rate_per_s"))
			sweep_knees(R, &R->sw[i]);
		if (sweep_has_axis(&R->sw[i], "timeseries"))
			sweep_tscost(R, &R->sw[i], &J);
	}
	/* The stream's costs: a family of their own (every on/off pair). */
	judge_run(&J, R->o->alpha, R->o->min_reps);
	if (R->incomplete_marker)
		problem(R, "INCOMPLETE marker present: the sweep did not finish");
	if (R->cnt[ST_MISSING])
		problem(R, "%u of %u repetitions missing (no result file)", R->cnt[ST_MISSING], R->planned);
	if (R->cnt[ST_FAILURE])
		problem(R, "%u repetition%s failed: invariant violations", R->cnt[ST_FAILURE], R->cnt[ST_FAILURE] == 1 ? "" : "s");
	if (R->cnt[ST_ERROR])
		problem(R, "%u repetition%s ended in an error", R->cnt[ST_ERROR], R->cnt[ST_ERROR] == 1 ? "" : "s");
	if (!R->npts)
		problem(R, "the plan has no points");
	/* A sweep stopped half-way is incomplete first: its last run was cut short. */
	if (R->incomplete_marker)
		R->status = "incomplete";
	else if (R->cnt[ST_FAILURE] || R->cnt[ST_ERROR])
		R->status = "failed";
	else if (R->cnt[ST_MISSING] || !R->npts)
		R->status = "incomplete";
	else
		R->status = "complete";
}

/* ------------------------------------------------------------------------ */
/* run.json */

/* A comparison: the fields of compare's cells (gate_cell), and the words. */
static struct json_object *cmp_json(const struct cmp *c, const char *baseline)
{
	struct json_object *o = json_object_new_object();

	JADD(o, "baseline", JSTR(baseline));
	JADD(o, "n", json_object_new_int(c->n));
	JADD(o, "n_baseline", json_object_new_int(c->m));
	JADD(o, "gated", json_object_new_boolean(c->gated));
	gate_cell_json(&c->g, o);
	JADD(o, "level", isfinite(c->g.p_worse) ? jnum(c->g.level) : NULL);
	JADD(o, "need", c->g.need ? json_object_new_int64(c->g.need) : NULL);
	JADD(o, "median_ratio", jnum(c->median_ratio));
	JADD(o, "words", JSTR(c->words));
	return o;
}

static struct json_object *stat_json(const struct stat1 *s)
{
	struct json_object *o = json_object_new_object();

	JADD(o, "n", json_object_new_int(s->n));
	JADD(o, "median", s->n ? jnum(s->med) : NULL);
	JADD(o, "min", s->n ? jnum(s->min) : NULL);
	JADD(o, "max", s->n ? jnum(s->max) : NULL);
	return o;
}

static struct json_object *rep_json(const struct rep *r)
{
	struct json_object *o = json_object_new_object(), *f = json_object_new_object(), *m;

	JADD(o, "rep", json_object_new_int(r->rep));
	JADD(o, "status", JSTR(st_names[r->st]));
	JADD(o, "reason", r->reason ? JSTR(r->reason) : NULL);
	JADD(f, "json", r->json ? JSTR(r->json) : NULL);
	JADD(f, "hist", r->hist ? JSTR(r->hist) : NULL);
	JADD(f, "timeseries", r->ts ? JSTR(r->ts) : NULL);
	JADD(f, "stderr", r->err ? JSTR(r->err) : NULL);
	JADD(o, "files", f);
	m = json_object_new_object();
	for (unsigned int k = 0; k < NM; k++)
		JADD(m, gate_metrics[k].name, r->have[k] ? jnum(r->v[k]) : NULL);
	JADD(o, "metrics", m);
	m = NULL;
	for (unsigned int k = 0; k < NM; k++)
		if (r->dropped[k] > 0) {
			if (!m)
				m = json_object_new_object();
			JADD(m, gate_metrics[k].name, json_object_new_int64((int64_t)r->dropped[k]));
		}
	if (m)
		JADD(o, "dropped", m);
	/* The sample count of each small-sample metric (show_n: the in-flush latencies). */
	m = NULL;
	for (unsigned int k = 0; k < NM; k++)
		if (r->have_samples[k]) {
			if (!m)
				m = json_object_new_object();
			JADD(m, gate_metrics[k].name, json_object_new_int64((int64_t)r->samples[k]));
		}
	if (m)
		JADD(o, "samples", m);
	return o;
}

static struct json_object *counts_json(const unsigned int *cnt)
{
	struct json_object *o = json_object_new_object();

	for (unsigned int i = 0; i < ST_NR; i++)
		JADD(o, st_names[i], json_object_new_int(cnt[i]));
	return o;
}

static struct json_object *point_json(const struct res *R, const struct point *p)
{
	struct json_object *o = json_object_new_object(), *ds = json_object_new_object(), *cs;

	JADD(o, "id", JSTR(p->id));
	JADD(o, "label", JSTR(p->label));
	JADD(o, "axis_values", p->axis_values ? jref(p->axis_values) : json_object_new_object());
	JADD(o, "params", p->params ? jref(p->params) : json_object_new_object());
	JADD(o, "skip_reason", p->skip_reason ? JSTR(p->skip_reason) : NULL);
	JADD(o, "point_status", JSTR(p->status));
	JADD(o, "failed_repetitions", json_object_new_int(p->failed_reps));
	for (unsigned int d = 0; d < R->nd; d++) {
		const struct pdes *pd = &p->d[d];
		struct json_object *jd = json_object_new_object(), *reps = json_object_new_array(), *sm;

		for (unsigned int i = 0; i < pd->nreps; i++)
			json_object_array_add(reps, rep_json(&pd->reps[i]));
		JADD(jd, "counts", counts_json(pd->cnt));
		JADD(jd, "repetitions", reps);
		sm = json_object_new_object();
		for (unsigned int k = 0; k < NM; k++) {
			struct json_object *st = stat_json(&pd->s[k]);

			/* A small sample per run: its counts over the successful runs. */
			if (gate_metrics[k].show_n && pd->samples[k].n)
				JADD(st, "samples", stat_json(&pd->samples[k]));
			JADD(sm, gate_metrics[k].name, st);
		}
		JADD(jd, "summary", sm);
		JADD(ds, R->designs[d], jd);
	}
	JADD(o, "designs", ds);
	cs = json_object_new_object();
	for (unsigned int d = 0; R->base >= 0 && d < R->nd; d++) {
		struct json_object *jc;

		if ((int)d == R->base)
			continue;
		jc = json_object_new_object();
		for (unsigned int k = 0; k < NM; k++)
			if (gate_metrics[k].better)
				JADD(jc, gate_metrics[k].name, cmp_json(&p->c[(size_t)d * NM + k], R->designs[R->base]));
		JADD(cs, R->designs[d], jc);
	}
	JADD(o, "comparisons", cs);
	return o;
}

static struct json_object *sweep_json(const struct res *R, const struct sweep *s)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();

	JADD(o, "name", JSTR(s->name));
	JADD(o, "description", s->desc ? JSTR(s->desc) : NULL);
	for (unsigned int i = 0; i < s->naxes; i++)
		json_object_array_add(a, JSTR(s->axes[i]));
	JADD(o, "axes", a);
	JADD(o, "csv", s->csv ? JSTR(s->csv) : NULL);
	JADD(o, "figures", jref(s->figs));
	if (sweep_has_axis(s, "rate_per_s")) {
		a = json_object_new_array();
		for (unsigned int i = 0; i < s->nknees; i++) {
			struct json_object *k = json_object_new_object();

			JADD(k, "design", JSTR(R->designs[s->knees[i].design]));
			JADD(k, "variant", JSTR(s->knees[i].variant));
			JADD(k, "offered_rps", jnum(s->knees[i].offered));
			JADD(k, "delivered_rps", jnum(s->knees[i].delivered));
			JADD(k, "saturated", json_object_new_boolean(s->knees[i].saturated));
			json_object_array_add(a, k);
		}
		JADD(o, "knees", a);
	}
	if (sweep_has_axis(s, "timeseries")) {
		a = json_object_new_array();
		for (unsigned int i = 0; i < s->ntsc; i++) {
			const struct tscost *t = &s->tsc[i];
			struct json_object *k = cmp_json(&t->c, "off");

			JADD(k, "design", JSTR(R->designs[t->design]));
			JADD(k, "other_axes", JSTR(t->others));
			JADD(k, "point_on", JSTR(t->on->id));
			JADD(k, "point_off", JSTR(t->off->id));
			json_object_array_add(a, k);
		}
		JADD(o, "timeseries_cost", a);
	}
	a = json_object_new_array();
	for (unsigned int i = 0; i < s->npts; i++)
		json_object_array_add(a, point_json(R, s->pts[i]));
	JADD(o, "points", a);
	return o;
}

static struct json_object *run_json(struct res *R)
{
	struct json_object *o = json_object_new_object(), *a, *c;
	char ts[32];

	JADD(o, "schema_version", json_object_new_int(RESULTS_SCHEMA_VERSION));
	iso8601_utc(time(NULL), ts, sizeof(ts));
	JADD(o, "generated", JSTR(ts));
	JADD(o, "tool", JSTR("iopf-bench " BENCH_TOOL_VERSION));
	JADD(o, "status", JSTR(R->status));
	JADD(o, "problems", jref(R->problems));
	c = counts_json(R->cnt);
	JADD(c, "planned", json_object_new_int(R->planned));
	JADD(o, "counts", c);
	JADD(o, "spec", jref(jget(R->plan, "spec")));
	JADD(o, "target", jref(jget(R->plan, "target")));
	JADD(o, "vm", jref(jget(R->plan, "vm")));
	JADD(o, "baseline_design", R->base >= 0 ? JSTR(R->designs[R->base]) : NULL);
	a = json_object_new_array();
	for (unsigned int d = 0; d < R->nd; d++)
		json_object_array_add(a, JSTR(R->designs[d]));
	JADD(o, "designs", a);
	JADD(o, "repetitions", R->reps_planned ? json_object_new_int(R->reps_planned) : NULL);
	/* The comparisons' rule: the gate's (results/SCHEMA.md, "Comparing runs"). */
	JADD(o, "rule_version", json_object_new_int(GATE_RULE_VERSION));
	JADD(o, "alpha", json_object_new_double(R->o->alpha));
	JADD(o, "family", json_object_new_int64(R->family));
	JADD(o, "min_reps", json_object_new_int64(R->o->min_reps));
	JADD(o, "confidence", R->base >= 0 ? json_object_new_double(R->cell_confidence) : NULL);
	JADD(o, "threshold", json_object_new_double(R->o->threshold));
	a = json_object_new_array();
	for (unsigned int k = 0; k < NM; k++) {
		struct json_object *m = json_object_new_object();

		JADD(m, "name", JSTR(gate_metrics[k].name));
		JADD(m, "label", JSTR(gate_metrics[k].label));
		JADD(m, "unit", JSTR(gate_kind_unit(gate_metrics[k].kind)));
		JADD(m, "better", gate_metrics[k].better > 0 ? JSTR("higher") : gate_metrics[k].better < 0 ? JSTR("lower") : NULL);
		JADD(m, "source", JSTR(gate_metrics[k].path));
		JADD(m, "small_sample", json_object_new_boolean(gate_metrics[k].show_n));
		json_object_array_add(a, m);
	}
	JADD(o, "metrics", a);
	JADD(o, "provenance", jref(R->prov));
	{
		/* The synthetic regression knob: planned (plan.json) and as the runs used it. */
		struct json_object *pg = json_object_object_get(R->plan, "regress");
		bool planned = pg && json_object_is_type(pg, json_type_object);

		if (planned || R->regress_runs) {
			struct json_object *g = json_object_new_object();

			JADD(g, "planned", planned ? jref(pg) : NULL);
			JADD(g, "runs", json_object_new_int64(R->regress_runs));
			JADD(g, "report_ns_max", jnum(R->regress_report_max));
			JADD(g, "response_ns_max", jnum(R->regress_response_max));
			JADD(o, "regress", g);
		} else {
			JADD(o, "regress", NULL);
		}
	}
	a = json_object_new_array();
	for (unsigned int i = 0; i < R->nsw; i++)
		json_object_array_add(a, sweep_json(R, &R->sw[i]));
	JADD(o, "sweeps", a);
	return o;
}

/* Write a file through NAME.tmp and rename; errors counted. */
static FILE *open_tmp(struct res *R, const char *path, char **tmp)
{
	FILE *f;

	*tmp = xasprintf("%s.tmp", path);
	f = fopen(*tmp, "w");
	if (!f) {
		rerr(R, "cannot write %s: %s", *tmp, strerror(errno));
		free(*tmp);
		*tmp = NULL;
	}
	return f;
}

static int close_tmp(struct res *R, FILE *f, const char *path, char *tmp)
{
	int bad = ferror(f);

	if (fclose(f) || bad) {
		rerr(R, "cannot write %s: %s", tmp, strerror(errno ? errno : EIO));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		rerr(R, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int write_json(struct res *R, const char *name, struct json_object *j)
{
	char *path = rpath(R, name), *tmp;
	FILE *f = open_tmp(R, path, &tmp);
	int rc = -1;

	if (f) {
		json_write(f, j);
		rc = close_tmp(R, f, path, tmp);
	}
	free(path);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* CSV: one row per point x design */

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.15g", v);
	else
		fputc(',', f);
}

/*
 * CSV layout 2 (results/SCHEMA.md, "CSV files"): the columns every sweep has
 * first, then the sweep's axes, then median, min and max per metric in
 * gate_metrics[] order. A column is never moved or removed: a new metric is
 * appended to gate_metrics[] and so lands at the end of the row (layout 1 had
 * the axes first and n_skipped, n_missing, point_status and point after the
 * metrics, where each new metric moved them).
 */
#define RESULTS_CSV_HEAD	"point,design,point_status,n_ok,n_failed,n_skipped,n_missing"

static void write_csv_header(FILE *f, const struct sweep *s)
{
	fputs(RESULTS_CSV_HEAD, f);
	for (unsigned int i = 0; i < s->naxes; i++) {
		fputc(',', f);
		csv_field(f, s->axes[i]);
	}
	for (unsigned int k = 0; k < NM; k++)
		fprintf(f, ",%s_median,%s_min,%s_max", gate_metrics[k].name, gate_metrics[k].name, gate_metrics[k].name);
	fputc('\n', f);
}

static void write_csv_row(FILE *f, const struct res *R, const struct sweep *s, const struct point *p,
			  unsigned int d)
{
	const struct pdes *pd = &p->d[d];

	csv_field(f, p->id);
	fputc(',', f);
	csv_field(f, R->designs[d]);
	fprintf(f, ",%s,%u,%u,%u,%u", p->status, pd->cnt[ST_SUCCESS], pd->cnt[ST_FAILURE] + pd->cnt[ST_ERROR],
		pd->cnt[ST_SKIPPED], pd->cnt[ST_MISSING]);
	for (unsigned int a = 0; a < s->naxes; a++) {
		char *t = jvalue_text(jget(p->axis_values, s->axes[a]));

		fputc(',', f);
		csv_field(f, strcmp(t, "null") ? t : "");
		free(t);
	}
	for (unsigned int k = 0; k < NM; k++) {
		csv_num(f, pd->s[k].n ? pd->s[k].med : NAN);
		csv_num(f, pd->s[k].n ? pd->s[k].min : NAN);
		csv_num(f, pd->s[k].n ? pd->s[k].max : NAN);
	}
	fputc('\n', f);
}

static void write_csv(struct res *R, struct sweep *s)
{
	char *rel = xasprintf("csv/%s.csv", s->slug), *path = rpath(R, rel), *tmp, *dir = rpath(R, "csv");
	FILE *f;

	if (mkdir_p1(dir)) {
		rerr(R, "cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	f = open_tmp(R, path, &tmp);
	if (!f)
		goto out;
	write_csv_header(f, s);
	for (unsigned int i = 0; i < s->npts; i++)
		for (unsigned int d = 0; d < R->nd; d++)
			write_csv_row(f, R, s, s->pts[i], d);
	if (!close_tmp(R, f, path, tmp))
		s->csv = xstrdup(rel);
out:
	free(dir);
	free(rel);
	free(path);
}

/* ------------------------------------------------------------------------ */
/* Figures: data files under fig/, drawn by scripts/plots/NAME.gp */

/* The gnuplot output base of a figure: DIR/fig/NAME (the scripts add .png and .svg). */
struct fig {
	char *name;		/* file name without extension */
	char *base;		/* DIR/fig/NAME */
	struct json_object *data;	/* array of data file paths (relative) */
	struct sb vars;
};

static void fig_init(struct res *R, struct fig *g, const struct sweep *s, const char *kind, const char *pslug)
{
	memset(g, 0, sizeof(*g));
	g->name = pslug ? xasprintf("%s-%s-%s", s->slug, kind, pslug) : xasprintf("%s-%s", s->slug, kind);
	g->base = xasprintf("%s/fig/%s", R->dir, g->name);
	g->data = json_object_new_array();
}

static void fig_free(struct fig *g)
{
	free(g->name);
	free(g->base);
	json_object_put(g->data);
	free(g->vars.s);
}

/* Open fig/NAME<suffix>.dat for writing; its path goes in g->vars as `var`. */
static FILE *fig_data(struct res *R, struct fig *g, const char *suffix, const char *var)
{
	char *rel = xasprintf("fig/%s%s.dat", g->name, suffix), *path = rpath(R, rel);
	FILE *f = fopen(path, "w");

	if (!f) {
		rerr(R, "figure %s: cannot write %s: %s", g->name, path, strerror(errno));
	} else {
		sb_var(&g->vars, var, path);
		json_object_array_add(g->data, JSTR(rel));
	}
	free(rel);
	free(path);
	return f;
}

static int fig_close(struct res *R, struct fig *g, FILE *f)
{
	int bad = ferror(f);

	if (fclose(f) || bad) {
		rerr(R, "figure %s: cannot write its data: %s", g->name, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/*
 * Draw the figure with scripts/plots/SCRIPT (plot_draw(): gnuplot, no shell,
 * both outputs checked). On success the figure goes into the sweep's list;
 * every failure is printed and counted.
 */
static int fig_draw(struct res *R, struct sweep *s, struct fig *g, const char *script, const char *kind,
		    const char *caption, const struct point *p)
{
	char *png = xasprintf("%s.png", g->base), *svg = xasprintf("%s.svg", g->base);
	int rc = -1;

	if (plot_draw(R->o->gnuplot, R->plots, script, g->vars.s, g->base, g->name, "iopf-bench report: error: ",
		      R->log)) {
		R->errors++;
		goto out;
	}
	{
		struct json_object *o = json_object_new_object();

		JADD(o, "name", JSTR(g->name));
		JADD(o, "kind", JSTR(kind));
		JADD(o, "caption", JSTR(caption));
		JADD(o, "png", json_object_new_string_len(png + strlen(R->dir) + 1, strlen(png) - strlen(R->dir) - 1));
		JADD(o, "svg", json_object_new_string_len(svg + strlen(R->dir) + 1, strlen(svg) - strlen(R->dir) - 1));
		JADD(o, "data", jref(g->data));
		JADD(o, "script", JSTR(script));
		JADD(o, "point", p ? JSTR(p->id) : NULL);
		json_object_array_add(s->figs, o);
	}
	rc = 0;
out:
	free(png);
	free(svg);
	return rc;
}

/* A figure with nothing to draw is noted, not drawn, and not an error. */
static void fig_nodata(struct res *R, struct sweep *s, const char *what)
{
	rlog(R, "sweep %s: no %s figure: no successful repetition has data for it", s->name, what);
}

/* Line styles of series i (variant-major, design-minor): color = design, dash = variant. */
static void style_words(struct sb *lts, struct sb *dts, unsigned int design, unsigned int variant)
{
	sb_printf(lts, "%s%u", lts->len ? " " : "", design + 1);
	sb_printf(dts, "%s%u", dts->len ? " " : "", variant + 1);
}

static const char *axis_label(const char *axis)
{
	static const struct { const char *axis, *label; } t[] = {
		{ "rate_per_s", "offered rate (k requests/s)" },
		{ "group_size", "group size (requests per page request group)" },
		{ "open_groups", "open groups per device (in their partial phase at once)" },
		{ "unbinders", "unbinder threads" },
		{ "injectors", "injector threads" },
		{ "iommus", "IOMMUs (PRQs)" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(t); i++)
		if (!strcmp(t[i].axis, axis))
			return t[i].label;
	return axis;
}

/*
 * Line figures against a numeric axis: one series per (other axes' values x
 * design), rows x then median/min/max of each metric in mk[].
 */
static int series_data(struct res *R, struct sweep *s, struct fig *g, const char *axis, const char *only,
		       const unsigned int *mk, unsigned int nmk, struct range *yr, struct range *xr,
		       unsigned int *nseries, struct sb *lts, struct sb *dts)
{
	struct xpoint *xp = xcalloc(s->npts, sizeof(*xp));
	char **var;
	unsigned int nv = variants(s, axis, &var), any = 0;
	FILE *f = fig_data(R, g, "", "data");

	*nseries = 0;
	if (!f) {
		free_strv(var, nv);
		free(xp);
		return -1;
	}
	for (unsigned int v = 0; v < nv; v++) {
		unsigned int n;

		if (only && strcmp(only, var[v]))
			continue;
		n = series_points(s, axis, var[v], xp);
		for (unsigned int d = 0; d < R->nd; d++) {
			char *title = !only && nv > 1 && *var[v] ? xasprintf("%s %s", R->designs[d], var[v])
								 : xstrdup(R->designs[d]);
			unsigned int rows = 0;

			if (*nseries)
				fputs("\n\n", f);
			dat_title(f, title);
			free(title);
			for (unsigned int i = 0; i < n; i++) {
				const struct pdes *pd = &xp[i].p->d[d];
				bool some = false;

				for (unsigned int k = 0; k < nmk; k++)
					some |= pd->s[mk[k]].n > 0;
				if (!some)
					continue;
				dat_num(f, xp[i].x);
				range_add(xr, xp[i].x);
				for (unsigned int k = 0; k < nmk; k++) {
					const struct stat1 *st = &pd->s[mk[k]];

					dat_num(f, st->n ? st->med : NAN);
					dat_num(f, st->n ? st->min : NAN);
					dat_num(f, st->n ? st->max : NAN);
					if (st->n) {
						range_add(&yr[k], st->med);
						range_add(&yr[k], st->min);
						range_add(&yr[k], st->max);
					}
				}
				fputc('\n', f);
				rows++;
				any++;
			}
			if (!rows) {	/* keep the block: one undefined row */
				for (unsigned int k = 0; k < 1 + 3 * nmk; k++)
					fputs(k ? " NaN" : "NaN", f);
				fputc('\n', f);
			}
			style_words(lts, dts, d, only ? 0 : v);
			(*nseries)++;
		}
	}
	free_strv(var, nv);
	free(xp);
	if (fig_close(R, g, f))
		return -1;
	return any ? 1 : 0;
}

static void fig_throughput(struct res *R, struct sweep *s, const char *axis, const char *only)
{
	static const unsigned int mk[] = { M_THROUGHPUT };
	struct range yr[1] = { 0 }, xr = { 0 };
	struct sb lts = { 0 }, dts = { 0 };
	struct fig g;
	unsigned int n;
	bool rate = !strcmp(axis, "rate_per_s");
	char *vslug = only ? slug(only) : NULL;
	int r;

	fig_init(R, &g, s, rate ? "throughput" : "throughput-vs-count", vslug);
	free(vslug);
	r = series_data(R, s, &g, axis, only, mk, 1, yr, &xr, &n, &lts, &dts);
	if (r == 0)
		fig_nodata(R, s, "throughput");
	if (r <= 0)
		goto out;
	if (rate) {
		FILE *f = fig_data(R, &g, ".knees", "knees");
		unsigned int nk = 0;

		if (!f)
			goto out;
		for (unsigned int i = 0; i < s->nknees; i++) {
			const struct knee *k = &s->knees[i];
			char a[32];

			if (!(k->offered > 0) || !(k->delivered > 0) || (only && strcmp(only, k->variant)))
				continue;
			gate_fmt_value(GATE_RATE, k->offered, a, sizeof(a));
			fprintf(f, "%.10g %.10g %u \"%s %s %s\"\n", k->offered, k->delivered, k->design + 1,
				k->saturated ? "knee" : "max", R->designs[k->design], a);
			range_add(&yr[0], k->delivered);
			nk++;
		}
		if (fig_close(R, &g, f))
			goto out;
		sb_printf(&g.vars, "nk=%u; diagonal=1; ", nk);
	} else {
		sb_printf(&g.vars, "nk=0; diagonal=0; ");
	}
	sb_printf(&g.vars, "n=%u; nd=%u; logx=%d; logy=%d; xint=%d; ", n, R->nd, range_log(&xr, 10),
		  range_log(&yr[0], 10), !rate);
	sb_var(&g.vars, "lts", lts.s ? lts.s : "");
	sb_var(&g.vars, "dts", dts.s ? dts.s : "");
	sb_var(&g.vars, "xlabel", axis_label(axis));
	sb_var(&g.vars, "ylabel", "delivered throughput (k requests/s)");
	{
		char *t = xasprintf("%s: throughput vs %s%s%s", s->name, axis_label(axis), only ? " at " : "",
				    only ? only : "");
		char *at = only ? xasprintf(" At %s.", only) : xstrdup("");
		char *cap;

		sb_var(&g.vars, "title", t);
		if (rate)
			cap = xasprintf("Delivered throughput against the offered rate, one line per design (and "
					"per value of the sweep's other axes): medians over the successful repetitions, "
					"error bars min..max. The dashed line is delivered = offered. Open circles mark "
					"each design's knee: the first offered rate at which it delivers less than 95 %% "
					"of the offered rate (\"knee\"), or its highest throughput when it never falls "
					"behind (\"max\").%s", at);
		else
			cap = xasprintf("Delivered throughput against the number of %s, one line per design and "
					"value of the sweep's other axes (e.g. placement; dash pattern): medians over "
					"the successful repetitions, error bars min..max.%s", axis_label(axis), at);
		fig_draw(R, s, &g, "throughput.gp", rate ? "throughput" : "throughput-vs-count", cap, NULL);
		free(t);
		free(at);
		free(cap);
	}
out:
	free(lts.s);
	free(dts.s);
	fig_free(&g);
}

/* Two panels of latency percentiles against a numeric axis (latency_vs.gp). */
static void fig_latency_vs(struct res *R, struct sweep *s, const char *axis, const char *only,
			   const char *kind, const unsigned int *mk, unsigned int np, const char *t1,
			   const char *t2, const char *pcts, const char *caption)
{
	struct range yr[6] = { 0 }, xr = { 0 }, y1 = { 0 }, y2 = { 0 };
	struct sb lts = { 0 }, dts = { 0 };
	char *vslug = only ? slug(only) : NULL;
	struct fig g;
	unsigned int n;
	int r;

	fig_init(R, &g, s, kind, vslug);
	free(vslug);
	r = series_data(R, s, &g, axis, only, mk, 2 * np, yr, &xr, &n, &lts, &dts);
	if (r == 0)
		fig_nodata(R, s, kind);
	if (r <= 0)
		goto out;
	for (unsigned int k = 0; k < np; k++) {
		if (yr[k].n) {
			range_add(&y1, yr[k].min);
			range_add(&y1, yr[k].max);
			y1.nonpos |= yr[k].nonpos;
		}
		if (yr[np + k].n) {
			range_add(&y2, yr[np + k].min);
			range_add(&y2, yr[np + k].max);
			y2.nonpos |= yr[np + k].nonpos;
		}
	}
	sb_printf(&g.vars, "n=%u; np=%u; nd=%u; logx=%d; logy1=%d; logy2=%d; has1=%d; has2=%d; xint=1; ", n, np,
		  R->nd, range_log(&xr, 10), range_log(&y1, 4), range_log(&y2, 4), y1.n > 0, y2.n > 0);
	sb_var(&g.vars, "lts", lts.s ? lts.s : "");
	sb_var(&g.vars, "dts", dts.s ? dts.s : "");
	sb_var(&g.vars, "pcts", pcts);
	sb_var(&g.vars, "xlabel", axis_label(axis));
	sb_var(&g.vars, "t1", t1);
	sb_var(&g.vars, "t2", t2);
	{
		char *t = xasprintf("%s: %s vs %s%s%s", s->name, !strcmp(kind, "flush-latency") ? "flush latency" :
				    !strcmp(kind, "unbind-vs-unbinders") ? "flush and unbind latency" : "latency",
				    axis_label(axis), only ? " at " : "", only ? only : "");
		char *cap = only ? xasprintf("%s At %s.", caption, only) : xstrdup(caption);

		sb_var(&g.vars, "title", t);
		fig_draw(R, s, &g, "latency_vs.gp", kind, cap, NULL);
		free(t);
		free(cap);
	}
out:
	free(lts.s);
	free(dts.s);
	fig_free(&g);
}

/* A bar chart of the main metrics per point and design (bars.gp). */
static void fig_bars(struct res *R, struct sweep *s)
{
	static const unsigned int mk[] = { M_THROUGHPUT, M_RESP_P99, M_REP_P99 };
	static const char *const mt[] = { "throughput", "response p99 (arrival -> page response)",
					  "report p99 (report path of last requests)" };
	struct range yr[3] = { 0 };
	struct sb names = { 0 };
	struct fig g;
	FILE *f;

	fig_init(R, &g, s, "bars", NULL);
	f = fig_data(R, &g, "", "data");
	if (!f)
		goto out;
	for (unsigned int i = 0; i < s->npts; i++) {
		const struct point *p = s->pts[i];

		fputc('"', f);
		for (const char *c = p->label; *c; c++)
			fputc(*c == '"' || *c == '\\' ? '\'' : *c, f);
		fputc('"', f);
		for (unsigned int k = 0; k < ARRAY_SIZE(mk); k++)
			for (unsigned int d = 0; d < R->nd; d++) {
				const struct stat1 *st = &p->d[d].s[mk[k]];

				dat_num(f, st->n ? st->med : NAN);
				dat_num(f, st->n ? st->min : NAN);
				dat_num(f, st->n ? st->max : NAN);
				if (st->n) {
					range_add(&yr[k], st->med);
					range_add(&yr[k], st->min);
					range_add(&yr[k], st->max);
				}
			}
		fputc('\n', f);
	}
	if (fig_close(R, &g, f))
		goto out;
	if (!yr[0].n && !yr[1].n && !yr[2].n) {
		fig_nodata(R, s, "bar chart");
		goto out;
	}
	for (unsigned int d = 0; d < R->nd; d++)
		sb_printf(&names, "%s%s", d ? " " : "", R->designs[d]);
	sb_printf(&g.vars, "nd=%u; nm=%zu; npts=%u; ", R->nd, ARRAY_SIZE(mk), s->npts);
	for (unsigned int k = 0; k < ARRAY_SIZE(mk); k++) {
		char v[8];

		sb_printf(&g.vars, "logy%u=%d; has%u=%d; ", k + 1, range_log(&yr[k], 20), k + 1, yr[k].n > 0);
		snprintf(v, sizeof(v), "mt%u", k + 1);
		sb_var(&g.vars, v, mt[k]);
	}
	sb_var(&g.vars, "designs", names.s);
	{
		char *t = xasprintf("%s: main metrics per point", s->name);

		sb_var(&g.vars, "title", t);
		free(t);
	}
	fig_draw(R, s, &g, "bars.gp", "bars",
		 "Throughput, response p99 (arrival to page response) and report p99 (report path of last "
		 "requests) per point, one bar per design: medians over the successful repetitions, whiskers "
		 "min..max. An empty slot: no successful repetition.", NULL);
out:
	free(names.s);
	fig_free(&g);
}

/* Histograms, merged */
struct bucket {
	double lo, hi, count;
};

static int cmp_bucket(const void *a, const void *b)
{
	return stats_cmp_double(&((const struct bucket *)a)->lo, &((const struct bucket *)b)->lo);
}

/* Append hname's buckets from a --hist file; -1 (printed) when the file is unusable. */
static int hist_add(struct res *R, const char *rel, const char *hname, struct bucket **b, size_t *n, size_t *cap)
{
	char *path = rpath(R, rel);
	struct json_object *j = json_object_from_file(path), *h, *bs;

	free(path);
	if (!j) {
		rerr(R, "%s: not readable JSON", rel);
		return -1;
	}
	h = jget(jget(j, "histograms"), hname);
	bs = jget(h, "buckets");
	if (!h) {
		json_object_put(j);
		return 0;	/* an older module: no such histogram */
	}
	if (!bs || !json_object_is_type(bs, json_type_array)) {
		rerr(R, "%s: histogram %s has no \"buckets\" array", rel, hname);
		json_object_put(j);
		return -1;
	}
	for (size_t i = 0; i < json_object_array_length(bs); i++) {
		struct json_object *e = json_object_array_get_idx(bs, i);
		struct bucket k;

		if (!jnumber(jget(e, "lo_ns"), &k.lo) || !jnumber(jget(e, "hi_ns"), &k.hi) ||
		    !jnumber(jget(e, "count"), &k.count)) {
			rerr(R, "%s: histogram %s: bucket %zu lacks lo_ns/hi_ns/count", rel, hname, i);
			json_object_put(j);
			return -1;
		}
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*b = realloc(*b, *cap * sizeof(**b));
		}
		(*b)[(*n)++] = k;
	}
	json_object_put(j);
	return 0;
}

/*
 * One CDF block: the merged histogram as steps (x = bucket upper bound in ns,
 * y = -log10(1 - F), so 1 = 90 %, 2 = 99 %, 3 = 99.9 %; F = 1 at the last
 * bucket is drawn at 1 - F = 1/(2 total)). Returns the number of samples.
 */
static double cdf_block(FILE *f, const char *title, struct bucket *b, size_t n, double *ymax, struct range *xr)
{
	double total = 0, cum = 0;
	size_t m = 0;

	qsort(b, n, sizeof(*b), cmp_bucket);
	for (size_t i = 0; i < n; i++) {	/* merge equal buckets */
		if (m && b[m - 1].lo == b[i].lo)
			b[m - 1].count += b[i].count;
		else
			b[m++] = b[i];
	}
	for (size_t i = 0; i < m; i++)
		total += b[i].count;
	dat_title(f, title);
	if (!total) {
		fputs("NaN NaN\n", f);
		return 0;
	}
	fprintf(f, "%.10g 0\n", b[0].lo > 1 ? b[0].lo : 1);
	range_add(xr, b[0].lo > 1 ? b[0].lo : 1);
	for (size_t i = 0; i < m; i++) {
		double y, x = b[i].hi > 1 ? b[i].hi : 1;

		if (!b[i].count)
			continue;
		cum += b[i].count;
		y = cum < total ? -log10(1 - cum / total) : log10(2 * total);
		fprintf(f, "%.10g %.6f\n", x, y);
		range_add(xr, x);
		if (y > *ymax)
			*ymax = y;
	}
	return total;
}

/* The point whose CDF is drawn: the largest difference in report (else response) p99; else the last with data. */
static struct point *cdf_point(struct res *R, struct sweep *s, const char **why)
{
	struct point *best = NULL, *last = NULL;
	double bestd = -1;

	for (unsigned int i = 0; i < s->npts; i++) {
		struct point *p = s->pts[i];
		bool has = false;

		for (unsigned int d = 0; d < R->nd; d++)
			for (unsigned int k = 0; k < p->d[d].nreps; k++)
				has |= p->d[d].reps[k].st == ST_SUCCESS && p->d[d].reps[k].hist;
		if (!has)
			continue;
		last = p;
		for (unsigned int d = 0; R->base >= 0 && d < R->nd; d++) {
			const struct cmp *c = &p->c[(size_t)d * NM + M_REP_P99];

			if ((int)d == R->base)
				continue;
			if (!isfinite(c->g.ratio))
				c = &p->c[(size_t)d * NM + M_RESP_P99];
			if (isfinite(c->g.ratio) && fabs(log(c->g.ratio)) > bestd) {
				bestd = fabs(log(c->g.ratio));
				best = p;
			}
		}
	}
	*why = best ? "the point where the designs' report (or response) p99 differ most"
		    : "the sweep's last point with histograms";
	return best ? best : last;
}

static void fig_cdf(struct res *R, struct sweep *s)
{
	static const char *const hn[2] = { "response", "report_last" };
	const char *why;
	struct point *p = cdf_point(R, s, &why);
	struct sb lts[2] = { 0 };
	struct range xr = { 0 };
	double ymax = 1;
	unsigned int nb[2] = { 0, 0 };
	bool any = false;
	struct fig g;
	FILE *f[2];

	if (!p) {
		rlog(R, "sweep %s: no CDF figure: no successful repetition has a histogram file", s->name);
		return;
	}
	fig_init(R, &g, s, "cdf", NULL);
	f[0] = fig_data(R, &g, "", "data1");
	f[1] = f[0] ? fig_data(R, &g, ".report", "data2") : NULL;
	if (!f[1]) {
		if (f[0])
			fclose(f[0]);
		goto out;
	}
	for (unsigned int h = 0; h < 2; h++)
		for (unsigned int d = 0; d < R->nd; d++) {
			const struct pdes *pd = &p->d[d];
			struct bucket *b = NULL;
			size_t n = 0, cap = 0;
			unsigned int reps = 0;
			char *title;

			for (unsigned int k = 0; k < pd->nreps; k++)
				if (pd->reps[k].st == ST_SUCCESS && pd->reps[k].hist &&
				    !hist_add(R, pd->reps[k].hist, hn[h], &b, &n, &cap))
					reps++;
			if (!reps) {
				free(b);
				continue;
			}
			if (nb[h])
				fputs("\n\n", f[h]);
			title = xasprintf("%s (%u rep%s)", R->designs[d], reps, reps == 1 ? "" : "s");
			if (cdf_block(f[h], title, b, n, &ymax, &xr) > 0)
				any = true;
			free(title);
			free(b);
			sb_printf(&lts[h], "%s%u", nb[h] ? " " : "", d + 1);
			nb[h]++;
		}
	if (fig_close(R, &g, f[0]) | fig_close(R, &g, f[1]))
		goto out;
	if (!any) {
		fig_nodata(R, s, "CDF");
		goto out;
	}
	sb_printf(&g.vars, "n1=%u; n2=%u; ymax=%d; logx=%d; ", nb[0], nb[1], (int)ceil(ymax), range_log(&xr, 10));
	sb_var(&g.vars, "lts1", lts[0].s ? lts[0].s : "");
	sb_var(&g.vars, "lts2", lts[1].s ? lts[1].s : "");
	sb_var(&g.vars, "t1", "response latency (arrival -> page response)");
	sb_var(&g.vars, "t2", "report latency (iommu_report_device_fault, last requests)");
	{
		char *t = xasprintf("%s: latency distribution at %s", s->name, p->label);
		char *cap = xasprintf("Latency distribution at point %s (%s), each design's histograms merged over "
				      "its successful repetitions (the count is in the legend). Left: response latency "
				      "(arrival to page response); right: report latency (iommu_report_device_fault of "
				      "last requests). The y axis is stretched to show the tail: 50, 90, 99, 99.9 %% "
				      "are equally spaced; a line's last step is its maximum.", p->label, why);

		sb_var(&g.vars, "title", t);
		fig_draw(R, s, &g, "cdf.gp", "cdf", cap, p);
		free(t);
		free(cap);
	}
out:
	free(lts[0].s);
	free(lts[1].s);
	fig_free(&g);
}

/* Split a CSV line in place (no quoting: the time series has numbers only). */
static unsigned int csv_split(char *line, char **f, unsigned int max)
{
	unsigned int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = 0;
	while (n < max) {
		f[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = 0;
	}
	return n;
}

static double csv_cell(char **f, unsigned int n, int col)
{
	char *end;
	double v;

	if (col < 0 || (unsigned int)col >= n || !*f[col])
		return NAN;
	v = strtod(f[col], &end);
	return end == f[col] ? NAN : v;
}

/* One block of the time-series figure from a *.ts.csv; -1 (printed) on a bad file. */
static int ts_block(struct res *R, FILE *out, const char *rel, const char *title, struct range *yr,
		    struct range *xr, double *interval_ms, unsigned int *events)
{
	double *iv = NULL;
	size_t niv = 0, civ = 0;
	static const char *const want[] = { "t_ms", "response_p99_ns", "report_p99_ns", "unbind_starts", "interval_ms" };
	char *path = rpath(R, rel), line[4096], *f[64];
	int col[ARRAY_SIZE(want)];
	FILE *in = fopen(path, "r");
	unsigned int n, rows = 0;

	free(path);
	if (!in) {
		rerr(R, "%s: %s", rel, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), in)) {
		rerr(R, "%s: empty (no header)", rel);
		fclose(in);
		return -1;
	}
	n = csv_split(line, f, ARRAY_SIZE(f));
	for (unsigned int w = 0; w < ARRAY_SIZE(want); w++) {
		col[w] = -1;
		for (unsigned int i = 0; i < n; i++)
			if (!strcmp(f[i], want[w]))
				col[w] = i;
		if (col[w] < 0 && w < 3) {
			rerr(R, "%s: no column %s in the header", rel, want[w]);
			fclose(in);
			return -1;
		}
	}
	fprintf(out, "# %s\n", title);
	while (fgets(line, sizeof(line), in)) {
		double t, a, b, u;

		n = csv_split(line, f, ARRAY_SIZE(f));
		t = csv_cell(f, n, col[0]);
		if (!isfinite(t))
			continue;
		a = csv_cell(f, n, col[1]);
		b = csv_cell(f, n, col[2]);
		u = csv_cell(f, n, col[3]);
		if (isfinite(csv_cell(f, n, col[4]))) {
			if (niv == civ)
				iv = realloc(iv, (civ = civ ? 2 * civ : 64) * sizeof(double));
			iv[niv++] = csv_cell(f, n, col[4]);
		}
		range_add(xr, t);
		range_add(yr, a);
		range_add(yr, b);
		fprintf(out, "%.10g", t);
		dat_num(out, a);
		dat_num(out, b);
		fprintf(out, " %d\n", u > 0);
		*events += u > 0;
		rows++;
	}
	fclose(in);
	if (!rows)
		fputs("NaN NaN NaN 0\n", out);
	/* the interval: the median of the rows' (the first and last are partial) */
	if (niv && !isfinite(*interval_ms))
		*interval_ms = stats_median(iv, niv);
	free(iv);
	return 0;
}

static void fig_timeseries(struct res *R, struct sweep *s)
{
	struct point *p = NULL;
	struct sb titles = { 0 }, lts = { 0 };
	struct range yr = { 0 }, xr = { 0 };
	double interval = NAN;
	unsigned int nb = 0, events = 0;
	struct fig g;
	FILE *f;

	for (unsigned int i = 0; i < s->npts; i++) {
		struct point *q = s->pts[i];
		bool has = false;

		if (q->unbinders <= 0)
			continue;
		for (unsigned int d = 0; d < R->nd; d++)
			for (unsigned int k = 0; k < q->d[d].nreps; k++)
				has |= q->d[d].reps[k].st == ST_SUCCESS && q->d[d].reps[k].ts;
		if (has && (!p || q->unbinders > p->unbinders))
			p = q;
	}
	if (!p)
		return;
	fig_init(R, &g, s, "timeseries", NULL);
	f = fig_data(R, &g, "", "data");
	if (!f)
		goto out;
	for (unsigned int d = 0; d < R->nd; d++) {
		const struct rep *r = NULL;
		char *title;

		for (unsigned int k = 0; k < p->d[d].nreps && !r; k++)
			if (p->d[d].reps[k].st == ST_SUCCESS && p->d[d].reps[k].ts)
				r = &p->d[d].reps[k];
		if (!r)
			continue;
		if (nb)
			fputs("\n\n", f);
		title = xasprintf("%s-r%u", R->designs[d], r->rep);
		if (ts_block(R, f, r->ts, title, &yr, &xr, &interval, &events)) {
			free(title);
			fclose(f);
			goto out;
		}
		sb_printf(&titles, "%s%s", nb ? " " : "", title);
		sb_printf(&lts, "%s%u", nb ? " " : "", d + 1);
		free(title);
		nb++;
	}
	if (fig_close(R, &g, f))
		goto out;
	if (!yr.n) {
		fig_nodata(R, s, "time-series");
		goto out;
	}
	sb_printf(&g.vars, "n=%u; logy=%d; ymin=%.10g; ymax=%.10g; xmin=%.10g; xmax=%.10g; ", nb, range_log(&yr, 4),
		  yr.min, yr.max, xr.min, xr.max);
	sb_var(&g.vars, "titles", titles.s);
	sb_var(&g.vars, "lts", lts.s);
	{
		char iv[32], *t, *cap;

		if (isfinite(interval))
			snprintf(iv, sizeof(iv), "%.3g ms", interval);
		else
			snprintf(iv, sizeof(iv), "time");
		t = xasprintf("%s: p99 per %s interval at %s", s->name, iv, p->label);
		cap = xasprintf("Response p99 and report p99 per %s interval over time at point %s (%ld unbinder%s), "
				"one repetition per design side by side (its file: raw/%s/DESIGN-rN.ts.csv). Grey "
				"vertical lines mark the intervals in which an unbind started%s. Negative times are "
				"the warm-up.", iv, p->label, p->unbinders, p->unbinders == 1 ? "" : "s", p->id,
				events ? "" : " (none here)");
		sb_var(&g.vars, "title", t);
		fig_draw(R, s, &g, "timeseries.gp", "timeseries", cap, p);
		free(t);
		free(cap);
	}
out:
	free(titles.s);
	free(lts.s);
	fig_free(&g);
}

static bool axis_numeric(const struct sweep *s, const char *axis)
{
	unsigned int n = 0;

	if (!sweep_has_axis(s, axis))
		return false;
	for (unsigned int i = 0; i < s->npts; i++) {
		double v;

		if (!axis_number(s->pts[i], axis, &v))
			return false;
		n++;
	}
	return n > 0;
}

/*
 * A sweep with more axes than the figure's x: one line per design and value
 * of the other axes while that stays readable (at most 8 lines of one
 * metric), else one figure per value of the other axes (small multiples).
 * Latency figures show three percentiles per line: one figure per value.
 */
static void per_variant_throughput(struct res *R, struct sweep *s, const char *axis)
{
	char **var;
	unsigned int nv = variants(s, axis, &var);

	if (nv * R->nd <= 8)
		fig_throughput(R, s, axis, NULL);
	else
		for (unsigned int v = 0; v < nv; v++)
			fig_throughput(R, s, axis, var[v]);
	free_strv(var, nv);
}

static void per_variant_latency(struct res *R, struct sweep *s, const char *axis, const char *kind,
				const unsigned int *mk, unsigned int np, const char *t1, const char *t2,
				const char *pcts, const char *caption)
{
	char **var;
	unsigned int nv = variants(s, axis, &var);

	bool flush = !strcmp(kind, "flush-latency");

	if (nv <= 1) {
		fig_latency_vs(R, s, axis, NULL, kind, mk, np, t1, t2, pcts, caption);
	} else {
		for (unsigned int v = 0; v < nv; v++) {
			bool unbinds = false;

			/* the flush figure: only where something unbinds */
			for (unsigned int i = 0; flush && i < s->npts; i++) {
				char *o = other_axes(s, s->pts[i], axis);

				unbinds |= !strcmp(o, var[v]) && s->pts[i]->unbinders > 0;
				free(o);
			}
			if (!flush || unbinds)
				fig_latency_vs(R, s, axis, var[v], kind, mk, np, t1, t2, pcts, caption);
		}
	}
	free_strv(var, nv);
}

/* Figures of an earlier report (fig/ is the report's own): gone, so that none is stale. */
static void fig_clean(struct res *R, const char *dir)
{
	static const char *const ext[] = { ".png", ".svg", ".dat", ".log", ".tmp" };
	DIR *dp = opendir(dir);
	struct dirent *e;

	if (!dp)
		return;
	while ((e = readdir(dp))) {
		size_t l = strlen(e->d_name);

		for (unsigned int i = 0; i < ARRAY_SIZE(ext); i++)
			if (l > strlen(ext[i]) && !strcmp(e->d_name + l - strlen(ext[i]), ext[i])) {
				char *p = xasprintf("%s/%s", dir, e->d_name);

				if (unlink(p) && errno != ENOENT)
					rlog(R, "warning: cannot remove the old %s: %s", p, strerror(errno));
				free(p);
				break;
			}
	}
	closedir(dp);
}

static void figures(struct res *R)
{
	char *dir = rpath(R, "fig");

	if (mkdir_p1(dir)) {
		rerr(R, "cannot create %s: %s", dir, strerror(errno));
		free(dir);
		return;
	}
	fig_clean(R, dir);
	free(dir);
	R->plots = plot_scripts_dir(R->o->plots_dir);
	{
		char *c = xasprintf("%s/common.gp", R->plots);

		if (!file_exists(c))
			rerr(R, "no gnuplot scripts in %s (%s is missing; set IOPF_PLOTS_DIR)", R->plots, c);
		free(c);
	}
	for (unsigned int i = 0; i < R->nsw; i++) {
		struct sweep *s = &R->sw[i];
		bool all_skipped = true;

		for (unsigned int k = 0; k < s->npts; k++)
			all_skipped &= !strcmp(s->pts[k]->status, "skipped");
		if (!s->npts || all_skipped) {
			rlog(R, "sweep %s: %s: no figures", s->name, s->npts ? "every point was skipped" : "no points");
			continue;
		}
		const char *x = NULL;
		bool unbinds = false;

		for (unsigned int k = 0; k < s->npts; k++)
			unbinds |= s->pts[k]->unbinders > 0;
		if (axis_numeric(s, "rate_per_s")) {
			per_variant_throughput(R, s, x = "rate_per_s");
		} else if (axis_numeric(s, "open_groups")) {
			/*
			 * Before group_size: the partial requests a last request
			 * finds grow with the open groups, the x that shows how the
			 * report path scales (bench/specs/partials.ini); one figure
			 * per group size.
			 */
			static const unsigned int mk[] = { M_REP_P50, M_REP_P99, M_RESP_P50, M_RESP_P99 };

			per_variant_latency(R, s, x = "open_groups", "report-vs-open-groups", mk, 2,
				       "report latency (report path of last requests)",
				       "response latency (arrival -> page response)", "p50 p99",
				       "Report latency (the report path of last requests, left) and response "
				       "latency (arrival to page response, right) p50 / p99 against the open "
				       "groups per device, one color per design: medians over the successful "
				       "repetitions, error bars min..max.");
		} else if (axis_numeric(s, "group_size")) {
			static const unsigned int mk[] = { M_RESP_P50, M_RESP_P99, M_RESP_P999,
							   M_REP_P50, M_REP_P99, M_REP_P999 };

			per_variant_latency(R, s, x = "group_size", "latency-vs-group", mk, 3,
				       "response latency (arrival -> page response)",
				       "report latency (report path of last requests)", "p50 p99 p99.9",
				       "Response latency (arrival to page response, left) and report latency (the "
				       "report path of last requests, right) p50 / p99 / p99.9 against the group "
				       "size, one color per design: medians over the successful repetitions, error "
				       "bars min..max.");
		} else if (axis_numeric(s, "unbinders")) {
			static const unsigned int mk[] = { M_FLUSH_P50, M_FLUSH_P99, M_UNBIND_P50, M_UNBIND_P99 };

			per_variant_latency(R, s, "unbinders", "unbind-vs-unbinders", mk, 2,
				       "detach flush latency (iopf_queue_flush_dev)", "unbind latency (one unbind)",
				       "p50 p99",
				       "Detach flush latency (iopf_queue_flush_dev inside a detach, left) and unbind "
				       "latency (one unbind, right) p50 / p99 against the number of unbinder threads, "
				       "one color per design: medians over the successful repetitions, error bars "
				       "min..max.");
		} else if (axis_numeric(s, "injectors")) {
			per_variant_throughput(R, s, x = "injectors");
		} else if (axis_numeric(s, "iommus")) {
			per_variant_throughput(R, s, x = "iommus");
		} else {
			fig_bars(R, s);
		}
		if (x && unbinds) {
			/* unbinders fixed (> 0) while another axis varies: the flush side of it too */
			static const unsigned int mk[] = { M_FLUSH_P50, M_FLUSH_P99, M_RIF_P50, M_RIF_P99 };
			char *cap = xasprintf("Detach flush latency (iopf_queue_flush_dev inside a detach, left) and "
					      "the report during a flush of the same device (the report path of the "
					      "requests reported while a flush of their device runs; a small sample "
					      "per run: see the summary's n, right), p50 / p99 against %s, one color "
					      "per design: medians over the successful repetitions, error bars min..max.",
					      axis_label(x));

			per_variant_latency(R, s, x, "flush-latency", mk, 2,
					    "detach flush latency (iopf_queue_flush_dev)",
					    "report during a flush of the same device", "p50 p99", cap);
			free(cap);
		}
		fig_cdf(R, s);
		fig_timeseries(R, s);
	}
}

/* ------------------------------------------------------------------------ */
/* The text summary */

static void text_summary(struct res *R, FILE *out)
{
	const char *spec = jstr(jget(R->plan, "spec"), "name");
	size_t np = json_object_array_length(R->problems);

	fprintf(out, "report %s: spec %s, %u design%s", R->dir, spec ? spec : "?", R->nd, R->nd == 1 ? "" : "s");
	if (R->base >= 0)
		fprintf(out, " (baseline %s)", R->designs[R->base]);
	fprintf(out, ", %u repetitions: %u success, %u failure, %u error, %u skipped, %u missing\n",
		R->planned, R->cnt[ST_SUCCESS], R->cnt[ST_FAILURE], R->cnt[ST_ERROR], R->cnt[ST_SKIPPED],
		R->cnt[ST_MISSING]);
	fprintf(out, "status: %s%s", R->status, np ? " (" : "");
	for (size_t i = 0; i < np; i++)
		fprintf(out, "%s%s", i ? "; " : "", json_object_get_string(json_object_array_get_idx(R->problems, i)));
	fprintf(out, "%s\n", np ? ")" : "");
	if (R->o->quiet)
		return;
	if (R->base >= 0 && R->nd > 1)
		fprintf(out, "comparisons: design / %s, the gate's rule %d: alpha %g over %u gated cells "
			"(report, response and PRQ-wait p50, closed-loop throughput), one-sided tests, Holm; "
			"rows: %.4g %% interval of the Hodges-Lehmann ratio, unchanged within +-%.3g %%\n",
			R->designs[R->base], GATE_RULE_VERSION, R->o->alpha, R->family, R->cell_confidence * 100,
			R->o->threshold * 100);
	for (unsigned int i = 0; i < R->nsw; i++) {
		const struct sweep *s = &R->sw[i];

		fprintf(out, "\nsweep %s (%u point%s)\n", s->name, s->npts, s->npts == 1 ? "" : "s");
		for (unsigned int k = 0; k < s->npts; k++) {
			const struct point *p = s->pts[k];

			fprintf(out, "  %s [%s", p->label, p->status);
			if (p->failed_reps)
				fprintf(out, ", %u repetition%s not in the medians", p->failed_reps,
					p->failed_reps == 1 ? "" : "s");
			fprintf(out, "]\n");
			if (!strcmp(p->status, "skipped")) {
				const char *why = p->skip_reason;

				for (unsigned int d = 0; !why && d < R->nd; d++)
					if (p->d[d].nreps)
						why = p->d[d].reps[0].reason;
				fprintf(out, "    skipped: %s\n", why ? why : "");
				continue;
			}
			for (unsigned int d = 0; d < R->nd; d++)
				for (unsigned int r = 0; r < p->d[d].nreps; r++) {
					const struct rep *rp = &p->d[d].reps[r];

					if (rp->st != ST_SUCCESS)
						fprintf(out, "    %s-r%u %s: %s\n", R->designs[d], rp->rep, st_names[rp->st],
							rp->reason ? rp->reason : "");
				}
			if (R->base < 0 || R->nd == 1) {
				/* nothing to compare: the main medians of each design */
				static const unsigned int mk[] = { M_THROUGHPUT, M_RESP_P99, M_REP_P99 };

				for (unsigned int d = 0; d < R->nd; d++) {
					fprintf(out, "    %s:", R->designs[d]);
					for (unsigned int k = 0; k < ARRAY_SIZE(mk); k++) {
						char a[32];

						gate_fmt_value(gate_metrics[mk[k]].kind, p->d[d].s[mk[k]].n ? p->d[d].s[mk[k]].med : NAN,
							  a, sizeof(a));
						fprintf(out, "%s %s %s", k ? "," : "", gate_metrics[mk[k]].label, a);
					}
					fprintf(out, " (medians of %u)\n", p->d[d].cnt[ST_SUCCESS]);
				}
			}
			for (unsigned int d = 0; R->base >= 0 && d < R->nd; d++) {
				struct sb same = { 0 }, zero = { 0 };

				if ((int)d == R->base)
					continue;
				for (unsigned int m = 0; m < NM; m++) {
					const struct cmp *c = &p->c[(size_t)d * NM + m];
					char a[32], b[32];

					if (!c->judged || (c->g.verdict == GATE_MISSING && !c->n && !c->m))
						continue;
					if (c->both_zero) {
						sb_printf(&zero, "%s%s", zero.len ? ", " : "", gate_metrics[m].label);
						continue;
					}
					if (c->g.verdict == GATE_UNCHANGED) {
						sb_printf(&same, "%s%s", same.len ? ", " : "", gate_metrics[m].label);
						continue;
					}
					gate_fmt_value(gate_metrics[m].kind, p->d[R->base].s[m].med, a, sizeof(a));
					gate_fmt_value(gate_metrics[m].kind, p->d[d].s[m].med, b, sizeof(b));
					if (gate_metrics[m].show_n) {
						/* a small sample per run: its count beside each median */
						const struct stat1 *sa = &p->d[R->base].samples[m], *sd = &p->d[d].samples[m];
						char na[40], nb[40];

						gate_fmt_samples(sa->n ? sa->min : NAN, sa->n ? sa->max : NAN, na, sizeof(na));
						gate_fmt_samples(sd->n ? sd->min : NAN, sd->n ? sd->max : NAN, nb, sizeof(nb));
						fprintf(out, "    %s  [%s %s (%s), %s %s (%s)]\n", c->words, R->designs[R->base],
							a, na, R->designs[d], b, nb);
						continue;
					}
					fprintf(out, "    %s  [%s %s, %s %s]\n", c->words, R->designs[R->base], a,
						R->designs[d], b);
				}
				if (same.len)
					fprintf(out, "    %s: unchanged: %s\n", R->designs[d], same.s);
				if (zero.len)
					fprintf(out, "    %s: unchanged (both zero): %s\n", R->designs[d], zero.s);
				free(same.s);
				free(zero.s);
			}
		}
		for (unsigned int k = 0; k < s->ntsc; k++)
			fprintf(out, "  stream cost (%s): %s\n", *s->tsc[k].others ? s->tsc[k].others : "-",
				s->tsc[k].c.words);
		for (unsigned int k = 0; k < s->nknees; k++) {
			char a[32], b[32];

			gate_fmt_value(GATE_RATE, s->knees[k].offered, a, sizeof(a));
			gate_fmt_value(GATE_RATE, s->knees[k].delivered, b, sizeof(b));
			fprintf(out, "  %s %s%s%s: offered %s, delivered %s\n", s->knees[k].saturated ? "knee" : "max",
				R->designs[s->knees[k].design], *s->knees[k].variant ? " " : "", s->knees[k].variant, a, b);
		}
		{
			struct json_object *figs = s->figs;

			for (size_t f = 0; f < json_object_array_length(figs); f++)
				fprintf(out, "  figure: %s/%s\n", R->dir,
					jstr(json_object_array_get_idx(figs, f), "png"));
		}
	}
}

/* ------------------------------------------------------------------------ */

static void res_free(struct res *R)
{
	for (unsigned int i = 0; i < R->npts; i++) {
		struct point *p = &R->pts[i];

		for (unsigned int d = 0; p->d && d < R->nd; d++) {
			for (unsigned int k = 0; k < p->d[d].nreps; k++) {
				struct rep *r = &p->d[d].reps[k];

				free(r->reason);
				free(r->json);
				free(r->hist);
				free(r->ts);
				free(r->err);
			}
			free(p->d[d].reps);
		}
		free(p->d);
		free(p->c);
		free(p->id);
		free(p->label);
		free(p->slug);
	}
	free(R->pts);
	for (unsigned int i = 0; i < R->nsw; i++) {
		struct sweep *s = &R->sw[i];

		free(s->name);
		free(s->slug);
		free_strv(s->axes, s->naxes);
		free(s->pts);
		for (unsigned int k = 0; k < s->nknees; k++)
			free(s->knees[k].variant);
		free(s->knees);
		for (unsigned int k = 0; k < s->ntsc; k++)
			free(s->tsc[k].others);
		free(s->tsc);
		json_object_put(s->figs);
		free(s->csv);
	}
	free(R->sw);
	if (R->designs)
		free_strv(R->designs, R->nd);
	json_object_put(R->plan);
	json_object_put(R->prov);
	json_object_put(R->problems);
	free(R->plots);
}

static int results_run(const char *dir, const struct results_opts *o, FILE *log, bool full)
{
	struct res R = { .dir = dir, .o = o, .log = log };
	struct json_object *j;
	int rc;

	if (load_plan(&R)) {
		res_free(&R);
		return BENCH_EXIT_FAIL;
	}
	aggregate(&R);
	for (unsigned int i = 0; i < R.nsw; i++)
		write_csv(&R, &R.sw[i]);
	if (full)
		figures(&R);
	j = run_json(&R);
	write_json(&R, "run.json", j);
	if (full) {
		char *path = rpath(&R, "report.html");

		if (html_write(path, j, log))
			rerr(&R, "cannot write %s", path);
		free(path);
	}
	if (o->out)
		text_summary(&R, o->out);
	if (strcmp(R.status, "complete") && log) {
		size_t np = json_object_array_length(R.problems);

		fprintf(log, "iopf-bench report: %s: status %s: ", dir, R.status);
		for (size_t i = 0; i < np; i++)
			fprintf(log, "%s%s", i ? "; " : "",
				json_object_get_string(json_object_array_get_idx(R.problems, i)));
		fputc('\n', log);
	}
	if (R.errors && log)
		fprintf(log, "iopf-bench report: %s: %d error%s (above)\n", dir, R.errors, R.errors == 1 ? "" : "s");
	rc = R.errors || strcmp(R.status, "complete") ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
	json_object_put(j);
	res_free(&R);
	return rc;
}

void results_opts_init(struct results_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->alpha = GATE_DEFAULT_ALPHA;
	o->threshold = GATE_DEFAULT_THRESHOLD;
	o->min_reps = GATE_DEFAULT_MIN_REPS;
}

int results_aggregate(const char *dir, const struct results_opts *o, FILE *log)
{
	return results_run(dir, o, log, false);
}

int results_report(const char *dir, const struct results_opts *o, FILE *log)
{
	return results_run(dir, o, log, true);
}

#define REPORT_USAGE "usage: iopf-bench report RESULTS_DIR [--alpha A] [--threshold T] [--min-reps N] [--quiet] [--force]\n"

/*
 * What an earlier report left in DIR (run.json, report.html, fig/), or NULL:
 * report rewrites them only when asked (--force), so that a folder someone
 * looked at, linked or compared does not change under them.
 */
static const char *reported(const char *dir)
{
	static const char *const what[] = { "run.json", "report.html", "fig" };

	for (size_t i = 0; i < ARRAY_SIZE(what); i++) {
		char *p = xasprintf("%s/%s", dir, what[i]);
		bool there = !access(p, F_OK);

		free(p);
		if (there)
			return what[i];
	}
	return NULL;
}

int cmd_report(int argc, char **argv, const struct bench_env *env)
{
	struct results_opts o;
	const char *dir = NULL, *old;
	struct stat st;
	bool force = false;

	results_opts_init(&o);
	o.out = env->out;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fprintf(env->out,
				REPORT_USAGE
				"  Aggregate a results folder (written by `iopf-bench sweep`) into run.json,\n"
				"  csv/<sweep>.csv, fig/*.{png,svg} (gnuplot, scripts/plots/) and report.html,\n"
				"  and print the comparison table. Each design is compared with the baseline\n"
				"  design by the gate's rule (the same as `iopf-bench compare`, rule %d):\n"
				"  one one-sided test per cell, Holm over the gated cells (report, response\n"
				"  and PRQ-wait p50, closed-loop throughput), verdicts regressed / improved /\n"
				"  unchanged / noisy / missing.\n"
				"  --alpha A       family-wise false-alarm rate over the gated cells (default %g)\n"
				"  --threshold T   a cell is unchanged when its interval lies within +-T\n"
				"                  (default %g %%; 0.05 also works)\n"
				"  --min-reps N    values per side below which a cell is noisy (default %d)\n"
				"  --quiet         print only the status\n"
				"  --force         report a folder that was reported before (run.json,\n"
				"                  report.html or fig/ there): they are rewritten in place;\n"
				"                  without it that is refused (exit 2, nothing changed).\n"
				"                  sweep reports its new folder itself.\n"
				"  Environment: GNUPLOT (the gnuplot program), IOPF_PLOTS_DIR (the scripts).\n"
				"  Exit: 0 complete and every figure made; 1 incomplete, a repetition failed,\n"
				"  or something could not be read, drawn or written (said on stderr); 2 usage,\n"
				"  or a folder reported before without --force.\n",
				GATE_RULE_VERSION, GATE_DEFAULT_ALPHA, GATE_DEFAULT_THRESHOLD * 100, GATE_DEFAULT_MIN_REPS);
			return BENCH_EXIT_OK;
		}
		if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o.quiet = true;
			continue;
		}
		if (!strcmp(a, "--force")) {
			force = true;
			continue;
		}
		if (cli_opt_arg(a, "--confidence", argc, argv, &i, &val)) {
			fprintf(env->err, "iopf-bench report: --confidence is gone: the report judges by the gate's "
				"rule (each row's interval is at alpha / family); use --alpha A\n");
			return BENCH_EXIT_USAGE;
		}
		if (cli_opt_arg(a, "--alpha", argc, argv, &i, &val)) {
			if (!val || !stats_parse_fraction(val, &o.alpha) || !(o.alpha > 0) || !(o.alpha < 0.5)) {
				fprintf(env->err, "iopf-bench report: --alpha '%s': want 0 < A < 0.5 (e.g. 0.05 or "
					"5%%)\n", val ? val : "");
				return BENCH_EXIT_USAGE;
			}
			continue;
		}
		if (cli_opt_arg(a, "--threshold", argc, argv, &i, &val)) {
			if (!val || !stats_parse_fraction(val, &o.threshold) || o.threshold < 0 || o.threshold >= 1) {
				fprintf(env->err, "iopf-bench report: --threshold '%s': want a fraction "
					"0 <= t < 1 (e.g. 5%% or 0.05)\n", val ? val : "");
				return BENCH_EXIT_USAGE;
			}
			continue;
		}
		if (cli_opt_arg(a, "--min-reps", argc, argv, &i, &val)) {
			char *end;
			unsigned long v = val ? strtoul(val, &end, 10) : 0;

			if (!val || !*val || *end || v < 1 || v > 1000 || *val == '-') {
				fprintf(env->err, "iopf-bench report: --min-reps '%s': want a whole number 1..1000\n",
					val ? val : "");
				return BENCH_EXIT_USAGE;
			}
			o.min_reps = (unsigned int)v;
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(env->err, "iopf-bench report: unknown option '%s' (see iopf-bench report --help)\n", a);
			return BENCH_EXIT_USAGE;
		}
		if (dir) {
			fprintf(env->err, "iopf-bench report: one results folder only ('%s', '%s')\n", dir, a);
			return BENCH_EXIT_USAGE;
		}
		dir = a;
	}
	if (!dir) {
		fprintf(env->err, REPORT_USAGE);
		return BENCH_EXIT_USAGE;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(env->err, "iopf-bench report: %s: not a folder\n", dir);
		return BENCH_EXIT_USAGE;
	}
	old = force ? NULL : reported(dir);
	if (old) {
		fprintf(env->err, "iopf-bench report: %s was reported before (its %s is there): --force rewrites "
			"run.json, csv/, fig/ and report.html in place\n", dir, old);
		return BENCH_EXIT_USAGE;
	}
	return results_report(dir, &o, env->err);
}
