// SPDX-License-Identifier: GPL-2.0
/*
 * calibrate.c - `iopf-bench calibrate`: the CI gate's error rates, measured
 * on this machine.
 *
 *   1. pilot: a short sweep of the calibration spec (bench/specs/calibrate.ini,
 *      the default spec's settings) with the knob off; each point's
 *      per-request time is the median of its response p50 (the time from a
 *      request's arrival to its page response).
 *   2. pool: the same spec, every point once per slowdown level in every
 *      boot (levels 0 and e.g. 2, 3, 5, 10 % of the point's per-request time
 *      put into the mock's response path with the synthetic regression knob,
 *      kmod/run.c), for --boots boots. A boot is the unit of repetition, as
 *      in the default spec (one boot per repetition and design).
 *   3. trials: the boots are shuffled and cut into disjoint pairs of sets of
 *      n boots (n = the default spec's repetitions): an A/A trial compares
 *      level 0 of one set with level 0 of the other, an A/B trial level 0 of
 *      one set with level s of the other, both through gate_family() with the
 *      gate's own thresholds, alpha and Holm family (by default the
 *      number of cells a compare of the default spec judges, taken from
 *      results/baselines/default). A trial "alarms" when any cell (point x
 *      gated metric) is regressed, or when a run of its NEW side failed,
 *      ended in an error or violated an invariant (compare's "runs"
 *      regression: failures are alarms, never dropped). Repeated over
 *      --splits random shuffles; the rate is the mean over all trials.
 *   4. pairing: the same trials with A and the slowdown taken from the same
 *      boots, judged once by the gate's unpaired rule ("paired") and once by
 *      Wilcoxon's signed-rank test on the per-boot log ratios with Holm over
 *      the family ("s-rank"): whether pairing within a boot helps, tested
 *      as paired data. Its smallest p at n pairs is 2^-n, so it needs
 *      2^n > family / alpha to reject at all.
 *   5. the test design (--test-design, default slow-report: role test, a
 *      real kernel change of known size): the spec swept with its design
 *      and the test design interleaved, knob off (DIR/test). Its effect on
 *      each gated metric (Hodges-Lehmann over all boots, 95 %) is stated,
 *      and the gate's A/A and detection rates on real kernel pairs, as
 *      `make gate BASE= NEW=` runs them.
 *   6. --holdout DIR2: the rates reported again on a pool measured in
 *      another session (settings chosen on DIR), and DIR's A against DIR2's
 *      slowdowns: a stored baseline against a later session.
 *
 * The trials of different shuffles reuse the same boots, so they are not
 * independent: the interval printed with a rate is Clopper-Pearson (GSL's
 * beta quantiles) for the number of independent trials the pool holds,
 * floor(boots / 2n) per level, which is honest and wide. A bootstrap then
 * guides the repetitions the goals need: n boots drawn with replacement from
 * each of two disjoint halves of the pool, judged by the same rule, at n
 * beyond what disjoint sets allow. Each rate also comes with LKP's
 * separation rule required ("with-sep", compare --lkp-separation), to show
 * how much of what the one-sided tests find that rule would hold back.
 *
 * The folder: results/runs/<YYYYmmdd-HHMMSS>-calibrate/ with INCOMPLETE
 * (first and last), pilot/ and pool/ (ordinary sweep results folders, with
 * their report.html), per_request.json, calibration.json, calibration.csv,
 * fig/detection.{png,svg} (scripts/plots/calibration.gp).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <json-c/json.h>

#include "cli.h"
#include "calibrate.h"
#include "gate.h"
#include "jsonutil.h"
#include "results.h"
#include "runjson.h"
#include "spec.h"
#include "stats.h"
#include "xalloc.h"

#define CAL_MAX_LEVELS	16
#define CAL_MAX_POINTS	32
#define CAL_MAX_BOOTS	400
#define CAL_MAX_METRICS	16

struct cal {
	const struct bench_env *env;
	char top[PATH_MAX], self[PATH_MAX], dir[PATH_MAX];
	char odir[PATH_MAX];		/* where the analysis writes: dir, or --out with --from */
	int force;			/* --force: --from may replace an analysis there */
	const char *spec, *from, *out, *path;
	unsigned int boots, pilot_boots, n, splits, family, bootstrap;
	unsigned long seed;
	double alpha, threshold;
	struct { char metric[64]; double t; } mthr[16];
	unsigned int nmthr;
	double levels[CAL_MAX_LEVELS];	/* [0] = 0 (A); a shift's: the shift */
	unsigned int nlevels;		/* the pool's, then the shifts */
	unsigned int npool;		/* the pool's levels: [0, npool); shifts: [npool, nlevels) */
	double shifts[CAL_MAX_LEVELS];	/* --shift: a pure change of shift_metric, in its bad direction */
	unsigned int nshift;
	const char *shift_metric;	/* --shift-metric (default report_p50_ns) */
	int quiet;
	const char *only[CAL_MAX_POINTS];	/* --point: analyse these base points only */
	unsigned int nonly;
	char tag[256];				/* "" or "-<points>": the analysis files' suffix */

	/* the pool: v[point][level][metric][boot], NAN = no value */
	char pid[CAL_MAX_POINTS][256];
	double per_request_ns[CAL_MAX_POINTS];
	unsigned int npts;
	const char *metrics[CAL_MAX_METRICS];
	unsigned int nm;
	double *v;
	unsigned char *fail;		/* F(): that point's run at that level in that boot failed */
	unsigned int nboots;		/* boots in the pool (both pools with --holdout) */
	unsigned int nboots1;		/* the first pool's: boots [0, nboots1); the held-out's after */
	const char *holdout;		/* --holdout DIR: a pool measured in another session */
	bool hlevel[CAL_MAX_LEVELS];	/* that level of the first pool is in the held-out pool too */
	char pool_path[16];		/* where the first pool's knob acted (response, report, both) */
	unsigned int lstride;		/* levels in v and fail: the pool's, then LV_TBASE and LV_TEST */
	const char *test_design;	/* --test-design: the design of known slowdown (role test), or NULL */
	char base_design[64];		/* the spec's one design: the test pool's baseline */
	unsigned int tboots;		/* boots per design in DIR/test (0: none) */
	char tdesign[64];		/* the test design's label there */
	unsigned int failed_runs;
	unsigned int family_used;	/* the family the analysis used (for the figures' titles) */

	/* trial()'s scratch, kept across trials (grown, never shrunk): values and tests */
	double *tx, *ty;
	struct gate_test *tt;
	size_t tcap_n;			/* n the value buffers hold per test */
};

/*
 * The calibration goals, defined here only: the A/A (level 0 against level
 * 0) raises a false alarm in at most 5 % of trials; a slowdown of 3 % (and
 * more) is detected in at least 80 % of trials, 5 % (and more) in 95 %. The
 * analysis marks each level against them ("n for the goal", calibration.json's
 * goal), --help prints them (goals_text(); the README quotes that line) and
 * the figure draws them (calibration.gp gets them as goals='0,0.05 ...').
 */
static const struct cal_goal {
	double slowdown;	/* from this slowdown up; 0: the A/A */
	double rate;		/* the A/A's alarm rate at most, a slowdown's at least */
} cal_goals[] = {
	{ 0, 0.05 },
	{ 0.03, 0.80 },
	{ 0.05, 0.95 },
};

/* The goal of a level: the A/A's (ab false), else the largest slowdown's it reaches; NAN: none. */
static double goal_of(bool ab, double level)
{
	double goal = NAN;

	if (!ab)
		return cal_goals[0].rate;
	for (size_t i = 1; i < sizeof(cal_goals) / sizeof(cal_goals[0]); i++)
		if (level >= cal_goals[i].slowdown - 1e-9)
			goal = cal_goals[i].rate;
	return goal;
}

/* The goals in words, one paragraph wrapped at 80 columns: what --help prints. */
static void goals_text(FILE *f)
{
	size_t n = sizeof(cal_goals) / sizeof(cal_goals[0]);
	char text[512];
	size_t len = 0;
	int col = 0;

	len += snprintf(text + len, sizeof(text) - len, "Goals: the A/A raises a false alarm in at most "
			"%g %% of trials;", 100 * cal_goals[0].rate);
	for (size_t i = 1; i < n && len < sizeof(text); i++)
		len += snprintf(text + len, sizeof(text) - len, "%s %g %% (and more) %s%g %% of trials%s",
				i == 1 ? " a slowdown of" : ",", 100 * cal_goals[i].slowdown,
				i == 1 ? "is detected in at least " : "in ", 100 * cal_goals[i].rate,
				i == n - 1 ? "." : "");
	for (char *w = strtok(text, " "); w; w = strtok(NULL, " ")) {
		int wl = (int)strlen(w);

		if (col && col + 1 + wl > 79) {
			fputc('\n', f);
			col = 0;
		} else if (col) {
			fputc(' ', f);
			col++;
		}
		col += fprintf(f, "%s", w);
	}
	fputc('\n', f);
}

/* The goals as gnuplot reads them: "SLOWDOWN_PCT,RATE ..." (calibration.gp). */
static void goals_gnuplot(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(cal_goals) / sizeof(cal_goals[0]) && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%g,%g", i ? " " : "", 100 * cal_goals[i].slowdown,
			      cal_goals[i].rate);
}

static volatile sig_atomic_t cal_sig;
static pid_t cal_child;

static void cal_on_signal(int sig)
{
	cal_sig = sig;
	if (cal_child > 0)
		kill(cal_child, sig);
}

static void __attribute__((format(printf, 3, 4))) cfmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
}

static double *V(struct cal *c, unsigned int p, unsigned int l, unsigned int m, unsigned int b)
{
	return &c->v[(((size_t)p * c->lstride + l) * c->nm + m) * CAL_MAX_BOOTS + b];
}

/* A run that failed, ended in an error or violated an invariant: an alarm of the trial it is in (compare's "runs"). */
static unsigned char *F(struct cal *c, unsigned int p, unsigned int l, unsigned int b)
{
	return &c->fail[((size_t)p * c->lstride + l) * CAL_MAX_BOOTS + b];
}

/* The test design's pool, stored past the pool's levels: its baseline's boots, and its own. */
#define LV_TBASE(c)	((c)->nlevels)
#define LV_TEST(c)	((c)->nlevels + 1)

static double threshold_of(const struct cal *c, const char *metric)
{
	for (unsigned int i = 0; i < c->nmthr; i++)
		if (!strcmp(c->mthr[i].metric, metric))
			return c->mthr[i].t;
	return c->threshold;
}

/* Run `iopf-bench sweep ARGS...` as a child; its exit status, or 128+N on a signal. */
static int run_child(struct cal *c, char *const argv[])
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(c->self, argv);
		_exit(127);
	}
	cal_child = pid;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	cal_child = 0;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static int parse_pct(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end || !(v > 0) || v >= 1)
		return -1;
	*out = v;
	return 0;
}

/*
 * A comma-separated list of percents, each 0 < x < 100, into out[*n...]
 * as fractions, at most max entries in all (--slowdowns, --shift);
 * 0, -1 on a bad list.
 */
static int parse_pct_list(const char *arg, double *out, unsigned int *n, unsigned int max)
{
	char *s = strdup(arg), *tok, *save = NULL, *end;
	int rc = s ? 0 : -1;

	for (tok = s ? strtok_r(s, ",", &save) : NULL; tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		double x = strtod(tok, &end);

		if (end == tok || *end || !(x > 0) || x >= 100 || *n >= max)
			rc = -1;
		else
			out[(*n)++] = x / 100;
	}
	free(s);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Loading the pool */

/*
 * One repetition into (point pi, level lv, boot b): its gated values, and
 * whether it failed, ended in an error or violated an invariant (an alarm
 * of any trial whose NEW side holds it). Returns 1 when it failed.
 */
static int store_rep(struct cal *c, unsigned int pi, unsigned int lv, unsigned int b, const struct rj_rep *rep)
{
	size_t kv = (size_t)(gate_metric_find("invariant_violations") - gate_metrics);
	int failed = (rep->status != RJ_SUCCESS && rep->status != RJ_SKIPPED) || (rep->have[kv] && rep->v[kv] > 0);

	if (failed)
		*F(c, pi, lv, b) = 1;
	if (rep->status != RJ_SUCCESS)
		return failed;
	for (unsigned int m = 0; m < c->nm; m++) {
		size_t k = (size_t)(gate_metric_find(c->metrics[m]) - gate_metrics);

		if (rep->have[k])
			*V(c, pi, lv, m, b) = rep->v[k];
	}
	return failed;
}

/* Where a pool point's knob acted: its plan's calibration.path (pools before it: response). */
static const char *knob_path(struct json_object *cal)
{
	return json_object_get_string(jget(cal, "path")) ?: "response";
}

/*
 * Load dir/pool into c. second: a held-out pool (another session), appended
 * after the boots already loaded (c->nboots1 marks where it starts); its
 * points and levels must be the first pool's.
 */
static int load_pool(struct cal *c, const char *dir, bool second, char *err, size_t len)
{
	char p[PATH_MAX];
	struct json_object *plan, *run, *pts;
	struct rj_run rj;
	char *rjerr;
	unsigned int nb, off = second ? c->nboots : 0;
	int rc = -1, hmap[CAL_MAX_LEVELS];

	cfmt(p, sizeof(p), "%s/pool/plan.json", dir);
	plan = json_object_from_file(p);
	cfmt(p, sizeof(p), "%s/pool/run.json", dir);
	run = json_object_from_file(p);
	if (!plan || !run) {
		cfmt(err, len, "%s/pool: no plan.json or run.json (was the pool sweep run?)", dir);
		goto out;
	}
	if (strcmp(json_object_get_string(jget(run, "status")) ?: "", "incomplete") == 0) {
		cfmt(err, len, "%s/pool is incomplete: the pool sweep did not finish", dir);
		goto out;
	}
	nb = json_object_get_int(jget(plan, "repetitions"));
	if (nb < 2 || nb + off > CAL_MAX_BOOTS) {
		cfmt(err, len, "%s/pool: %u boots (2 to %d%s)", dir, nb, CAL_MAX_BOOTS - off,
		     second ? " beside the first pool's" : "");
		goto out;
	}
	if (second) {
		/*
		 * The same points as the first pool, or it is not the same
		 * experiment. Its levels are matched to the first pool's by
		 * slowdown and path: A and A' (0) always, a slowdown only where
		 * both pools measured it (hlevel); one only the held-out pool has
		 * is left out, and the analysis says which of the first pool's
		 * it lacks (a pool of another knob path still gives the A/A
		 * across sessions).
		 */
		memset(c->hlevel, 0, sizeof(c->hlevel));
		for (int i = 0; i < CAL_MAX_LEVELS; i++)
			hmap[i] = -1;
		pts = jget(plan, "points");
		for (size_t i = 0; i < json_object_array_length(pts); i++) {
			struct json_object *cal = jget(json_object_array_get_idx(pts, i), "calibration");
			const char *bp = json_object_get_string(jget(cal, "base_point"));
			const char *path = knob_path(cal);
			int lv = json_object_get_int(jget(cal, "level"));
			double sd = json_object_get_double(jget(cal, "slowdown"));
			unsigned int q;

			if (!cal || !bp || !jget(cal, "level") || lv < 0 || lv >= CAL_MAX_LEVELS)
				continue;
			for (q = 0; q < c->npts && strcmp(c->pid[q], bp); q++)
				;
			if (q == c->npts) {
				if (!c->nonly) {
					cfmt(err, len, "%s/pool: point %s is not in the first pool", dir, bp);
					goto out;
				}
				continue;
			}
			if (lv <= 1) {
				if (sd != 0) {
					cfmt(err, len, "%s/pool: level %d has slowdown %g: A and A' (levels 0 and 1) "
					     "are the knob off", dir, lv, sd);
					goto out;
				}
				hmap[lv] = lv;
			} else if (!strcmp(path, c->pool_path)) {
				for (unsigned int l = 2; l < c->npool; l++)
					if (fabs(c->levels[l] - sd) <= 1e-12)
						hmap[lv] = (int)l;
			}
			if (hmap[lv] >= 0)
				c->hlevel[hmap[lv]] = true;
		}
		if (!c->hlevel[0] || !c->hlevel[1]) {
			cfmt(err, len, "%s/pool/plan.json has no calibration levels A and A' (0 and 1, the knob off)",
			     dir);
			goto out;
		}
		goto values;
	}
	c->nboots = c->nboots1 = 0;
	/* The levels and points from plan.json's calibration entries: id -> (point, level). */
	c->npts = 0;
	c->nlevels = 0;
	pts = jget(plan, "points");
	for (size_t i = 0; i < json_object_array_length(pts); i++) {
		struct json_object *cal = jget(json_object_array_get_idx(pts, i), "calibration");
		const char *bp = json_object_get_string(jget(cal, "base_point"));
		int lv = json_object_get_int(jget(cal, "level"));
		unsigned int k;

		if (!cal || !bp || !jget(cal, "level") || lv < 0 || lv >= CAL_MAX_LEVELS)
			continue;
		if (c->nonly) {
			unsigned int o;

			for (o = 0; o < c->nonly && strcmp(c->only[o], bp); o++)
				;
			if (o == c->nonly)
				continue;
		}
		for (k = 0; k < c->npts && strcmp(c->pid[k], bp); k++)
			;
		if (k == c->npts && c->npts < CAL_MAX_POINTS) {
			cfmt(c->pid[c->npts], sizeof(c->pid[0]), "%s", bp);
			c->per_request_ns[c->npts++] = json_object_get_double(jget(cal, "per_request_ns"));
		}
		c->levels[lv] = json_object_get_double(jget(cal, "slowdown"));
		cfmt(c->pool_path, sizeof(c->pool_path), "%s", knob_path(cal));
		if ((unsigned int)lv + 1 > c->nlevels)
			c->nlevels = lv + 1;
	}
	if (c->nonly && c->npts != c->nonly) {
		cfmt(err, len, "%s/pool has %u of the %u --point given", dir, c->npts, c->nonly);
		goto out;
	}
	if (!c->npts || c->nlevels < 3 || c->levels[0] != 0 || c->levels[1] != 0) {
		cfmt(err, len, "%s/pool/plan.json has no calibration levels (A and A' at 0, then the slowdowns)",
		     dir);
		goto out;
	}
	/* The shifts (--shift): levels of their own past the pool's, filled by add_shifts(). */
	c->npool = c->nlevels;
	if (c->nlevels + c->nshift > CAL_MAX_LEVELS) {
		cfmt(err, len, "%s/pool has %u levels: at most %u --shift beside them", dir, c->nlevels,
		     CAL_MAX_LEVELS - c->nlevels);
		goto out;
	}
	for (unsigned int i = 0; i < c->nshift; i++)
		c->levels[c->nlevels++] = c->shifts[i];
	c->nm = 0;
	for (unsigned int i = 0; gate_default_metrics[i] && c->nm < CAL_MAX_METRICS; i++)
		c->metrics[c->nm++] = gate_default_metrics[i];
	free(c->v);
	/* two more "levels" past the pool's: the test design's pool (LV_TBASE, LV_TEST) */
	c->lstride = c->nlevels + 2;
	c->v = malloc(sizeof(double) * c->npts * c->lstride * c->nm * CAL_MAX_BOOTS);
	if (!c->v)
		goto out;
	for (size_t i = 0; i < (size_t)c->npts * c->lstride * c->nm * CAL_MAX_BOOTS; i++)
		c->v[i] = NAN;
	free(c->fail);
	c->fail = xcalloc((size_t)c->npts * c->lstride * CAL_MAX_BOOTS, 1);
	c->failed_runs = 0;
values:
	if (rj_read(run, &rj, &rjerr)) {
		cfmt(err, len, "%s/pool/run.json: %s", dir, rjerr);
		free(rjerr);
		goto out;
	}
	for (size_t i = 0; i < rj.npoints; i++) {
		const struct rj_point *pt = &rj.points[i];
		unsigned int pi = c->npts, li = 0;

		for (size_t q = 0; q < json_object_array_length(pts); q++) {
			struct json_object *pp = json_object_array_get_idx(pts, q), *cal = jget(pp, "calibration");

			if (cal && !strcmp(json_object_get_string(jget(pp, "id")) ?: "", pt->id)) {
				const char *bp = json_object_get_string(jget(cal, "base_point"));

				li = json_object_get_int(jget(cal, "level"));
				for (pi = 0; pi < c->npts && strcmp(c->pid[pi], bp ?: ""); pi++)
					;
				break;
			}
		}
		if (second && li < CAL_MAX_LEVELS)
			li = hmap[li] < 0 ? c->npool : (unsigned int)hmap[li];
		if (pi == c->npts || li >= c->npool)
			continue;
		for (size_t d = 0; d < pt->nd; d++) {
			const struct rj_design *dd = &pt->designs[d];

			for (size_t r = 0; r < dd->nreps; r++) {
				const struct rj_rep *rep = &dd->reps[r];
				int b = (int)rep->rep - 1;

				if (b < 0 || b >= (int)nb)
					continue;
				b += (int)off;
				c->failed_runs += store_rep(c, pi, li, (unsigned int)b, rep);
			}
		}
	}
	rj_free(&rj);
	c->nboots += nb;
	if (!second)
		c->nboots1 = c->nboots;
	rc = 0;
out:
	json_object_put(plan);
	json_object_put(run);
	return rc;
}

/* The cells a compare of the default spec judges: the family the gate keeps its rate over there. */
static unsigned int default_family(struct cal *c, char *src, size_t len)
{
	char p[PATH_MAX];
	struct json_object *run;
	struct rj_run rj;
	char *rjerr;
	unsigned int n = 0;

	cfmt(p, sizeof(p), "%s/results/baselines/default/run.json", c->top);
	run = json_object_from_file(p);
	if (!run) {
		cfmt(src, len, "the calibration's own cells (no results/baselines/default)");
		return 0;
	}
	if (rj_read(run, &rj, &rjerr)) {
		cfmt(src, len, "the calibration's own cells (results/baselines/default/run.json: %s)", rjerr);
		free(rjerr);
		json_object_put(run);
		return 0;
	}
	/* As compare counts them: every design, a gated metric with a value (gate_default_gated()). */
	for (size_t i = 0; i < rj.npoints; i++) {
		const struct rj_point *pt = &rj.points[i];

		for (size_t d = 0; d < pt->nd; d++) {
			double *v = xcalloc(pt->designs[d].nreps + 1, sizeof(double));

			for (size_t k = 0; k < GATE_NMETRICS; k++)
				if (gate_default_gated(&gate_metrics[k], pt->closed_loop) &&
				    rj_values(&pt->designs[d], k, v, NULL))
					n++;
			free(v);
		}
	}
	rj_free(&rj);
	json_object_put(run);
	cfmt(src, len, "results/baselines/default: the gated cells a compare of the default spec judges");
	return n;
}

/* A shift level's factor on shift_metric: x (1 + s), or x (1 - s) where higher is better. */
static double shift_factor(const struct cal *c, const struct gate_metric *gm, unsigned int l)
{
	return gm->better > 0 ? 1 - c->levels[l] : 1 + c->levels[l];
}

/*
 * The shifts (--shift): for each, a level of A' (the knob off, the same
 * boots) with shift_metric changed by exactly that fraction in its bad
 * direction (x (1 + s) where lower is better, x (1 - s) for throughput)
 * and every other metric as measured: a slowdown of known size in the
 * gated metric itself, on this machine's real noise. It assumes that a
 * slowdown moves the whole distribution by a factor (the knob's levels,
 * measured, show whether the rule finds a real change of the same size as
 * often). Both pools' boots (--holdout too). Returns 0, -1 with err.
 */
static int add_shifts(struct cal *c, char *err, size_t len)
{
	const struct gate_metric *gm = gate_metric_find(c->shift_metric);
	unsigned int sm;

	if (!c->nshift)
		return 0;
	for (sm = 0; sm < c->nm && strcmp(c->metrics[sm], c->shift_metric); sm++)
		;
	if (!gm || sm == c->nm) {
		cfmt(err, len, "--shift-metric %s: not one of the gated metrics (report_p50_ns, response_p50_ns, "
		     "queue_p50_ns, throughput_rps)", c->shift_metric);
		return -1;
	}
	for (unsigned int l = c->npool; l < c->nlevels; l++) {
		double f = shift_factor(c, gm, l);

		c->hlevel[l] = c->hlevel[1];
		for (unsigned int p = 0; p < c->npts; p++)
			for (unsigned int b = 0; b < c->nboots; b++) {
				*F(c, p, l, b) = *F(c, p, 1, b);
				for (unsigned int m = 0; m < c->nm; m++)
					*V(c, p, l, m, b) = *V(c, p, 1, m, b) * (m == sm ? f : 1);
			}
	}
	return 0;
}

/* A level's name in the tables: "5 %" (the knob's), "shift 3%" (a --shift). */
static void level_name(const struct cal *c, unsigned int l, char *buf, size_t len)
{
	if (l >= c->npool)
		cfmt(buf, len, "shift %g%%", 100 * c->levels[l]);
	else
		cfmt(buf, len, "%g %%", 100 * c->levels[l]);
}

/* A row's kind, as calibration.csv, the JSON and the tables name it. */
enum cal_kind { CK_AA, CK_AB, CK_SHIFT };
static const struct { const char *csv, *json, *words; } cal_kinds[] = {
	[CK_AA] = { "aa", "A/A", "A/A false alarm" },
	[CK_AB] = { "ab", "A/B", "A/B detection" },
	[CK_SHIFT] = { "shift", "shift", "shift detection" },
};

/* Level l's kind: A/A (1), a shift (--shift) or A/B (a knob level). */
static enum cal_kind level_kind(const struct cal *c, unsigned int l)
{
	return l == 1 ? CK_AA : l >= c->npool ? CK_SHIFT : CK_AB;
}

static const char *kind_csv(const struct cal *c, unsigned int l)
{
	return cal_kinds[level_kind(c, l)].csv;
}


/*
 * dir/test, when it is there: the calibration spec swept with two designs,
 * the spec's own and a test design (role test: a real kernel change of
 * known size, e.g. slow-report), boots alternating, the knob off. Stored at
 * LV_TBASE / LV_TEST, boot = repetition - 1. Returns 0 (also when there is
 * no such folder: c->tboots stays 0), -1 with err.
 */
static int load_test(struct cal *c, const char *dir, char *err, size_t len)
{
	char p[PATH_MAX], *rjerr;
	struct json_object *plan, *run;
	struct rj_run rj;
	const char *base;
	int rc = -1;
	unsigned int nb;

	c->tboots = 0;
	cfmt(p, sizeof(p), "%s/test/plan.json", dir);
	if (access(p, F_OK))
		return 0;
	plan = json_object_from_file(p);
	cfmt(p, sizeof(p), "%s/test/run.json", dir);
	run = json_object_from_file(p);
	if (!plan || !run || rj_read(run, &rj, &rjerr)) {
		cfmt(err, len, "%s/test: no readable plan.json and run.json (was the test design's sweep run?)", dir);
		if (plan && run)
			free(rjerr);
		goto out;
	}
	base = jstr(plan, "baseline_design");
	nb = (unsigned int)json_object_get_int(jget(plan, "repetitions"));
	if (!base || json_object_array_length(jget(plan, "designs")) != 2 || nb < 2 || nb > CAL_MAX_BOOTS) {
		cfmt(err, len, "%s/test: want two designs (the spec's and a test design) and 2 to %d repetitions",
		     dir, CAL_MAX_BOOTS);
		rj_free(&rj);
		goto out;
	}
	if (!c->base_design[0])
		cfmt(c->base_design, sizeof(c->base_design), "%s", base);
	for (size_t i = 0; i < 2; i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(jget(plan, "designs"), i));

		if (d && strcmp(d, base))
			cfmt(c->tdesign, sizeof(c->tdesign), "%s", d);
	}
	for (size_t i = 0; i < rj.npoints; i++) {
		const struct rj_point *pt = &rj.points[i];
		unsigned int pi;

		for (pi = 0; pi < c->npts && strcmp(c->pid[pi], pt->id); pi++)
			;
		if (pi == c->npts)
			continue;
		for (size_t d = 0; d < pt->nd; d++) {
			const struct rj_design *dd = &pt->designs[d];
			unsigned int lv = strcmp(dd->name, base) ? LV_TEST(c) : LV_TBASE(c);

			for (size_t r = 0; r < dd->nreps; r++) {
				const struct rj_rep *rep = &dd->reps[r];
				int b = (int)rep->rep - 1;

				if (b >= 0 && b < (int)nb)
					store_rep(c, pi, lv, (unsigned int)b, rep);
			}
		}
	}
	rj_free(&rj);
	c->tboots = nb;
	rc = 0;
out:
	json_object_put(plan);
	json_object_put(run);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Trials */

struct rate {
	unsigned long trials, alarms;
	unsigned long sep;			/* alarms if LKP's separation were also required */
	unsigned long failed;			/* alarms from a failed run in NEW's boots (compare's "runs") */
	unsigned long by_metric[CAL_MAX_METRICS];	/* trials in which this metric (any point) regressed */
};

/* The tests in the order of p, smallest first (Holm over the signed-rank p-values). */
static int cmp_dbl_asc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * One trial: level la of boots a[0..n-1] (baseline) against level lb of
 * boots b[0..n-1] (new), every (point, gated metric) one test of the family,
 * judged by the gate's own family rule (gate_family(): Holm at alpha over
 * `family` tests), once as the gate does and once with LKP's separation
 * also required. A failed run among NEW's boots is an alarm, as compare
 * calls it (a "runs" regression). signrank: a and b are the same boots, and
 * each cell is Wilcoxon's signed-rank test of the per-boot log ratios,
 * Holm over the family (pairing within a boot, tested as paired data).
 */
static bool trial(struct cal *c, unsigned int la, const size_t *a, unsigned int lb, const size_t *b, unsigned int n,
		  unsigned int family, bool signrank, struct rate *r)
{
	double *x, *y;
	struct gate_test *t;
	bool alarm = false, sep = false, failed = false, hit[CAL_MAX_METRICS] = { false };
	unsigned int mi[CAL_MAX_POINTS * CAL_MAX_METRICS];
	size_t nt = 0;

	/* The hot loop: millions of trials, one allocation per size of n. */
	if (n > c->tcap_n) {
		free(c->tx);
		free(c->ty);
		free(c->tt);
		c->tx = xcalloc((size_t)CAL_MAX_POINTS * CAL_MAX_METRICS * n, sizeof(double));
		c->ty = xcalloc((size_t)CAL_MAX_POINTS * CAL_MAX_METRICS * n, sizeof(double));
		c->tt = xcalloc((size_t)CAL_MAX_POINTS * CAL_MAX_METRICS + 1, sizeof(*c->tt));
		c->tcap_n = n;
	}
	x = c->tx;
	y = c->ty;
	t = c->tt;
	for (unsigned int p = 0; p < c->npts; p++)
		for (unsigned int i = 0; i < n; i++)
			failed |= *F(c, p, lb, (unsigned int)b[i]) != 0;
	for (unsigned int p = 0; p < c->npts; p++)
		for (unsigned int m = 0; m < c->nm; m++) {
			const struct gate_metric *gm = gate_metric_find(c->metrics[m]);
			double *xs = x + nt * n, *ys = y + nt * n;
			unsigned int nx = 0, ny = 0;

			for (unsigned int i = 0; i < n; i++) {
				double u = *V(c, p, la, m, a[i]), w = *V(c, p, lb, m, b[i]);

				if (signrank) {
					/* paired: a boot counts only with both values; xs holds log(w / u) */
					if (!isnan(u) && !isnan(w) && u > 0 && w > 0)
						xs[nx++] = log(w / u);
					continue;
				}
				if (!isnan(u))
					ys[ny++] = u;
				if (!isnan(w))
					xs[nx++] = w;
			}
			if (!gm || (!nx && !ny))
				continue;
			mi[nt] = m;
			t[nt++] = (struct gate_test){ .m = gm, .base = ys, .nb = ny, .cand = xs, .nn = nx,
						      .threshold = threshold_of(c, c->metrics[m]), .in_family = true };
		}
	if (signrank) {
		double pw[CAL_MAX_POINTS * CAL_MAX_METRICS], sorted[CAL_MAX_POINTS * CAL_MAX_METRICS];
		size_t fam = family ? family : (nt ? nt : 1);

		for (size_t i = 0; i < nt; i++) {
			double up, down;

			stats_signrank(t[i].cand, t[i].nn, &up, &down);
			/* worse: a rise for lower-is-better, a fall for throughput */
			pw[i] = t[i].m->better > 0 ? down : up;
			sorted[i] = pw[i];
		}
		qsort(sorted, nt, sizeof(double), cmp_dbl_asc);
		/* Holm: the i-th smallest at alpha / (family - i), until one is not rejected */
		{
			double cut = -1;

			for (size_t i = 0; i < nt && i < fam; i++) {
				if (!(sorted[i] <= c->alpha / (double)(fam - i)))
					break;
				cut = sorted[i];
			}
			for (size_t i = 0; i < nt; i++)
				if (pw[i] <= cut) {
					alarm = true;
					hit[mi[i]] = true;
				}
		}
		sep = alarm;
	} else {
		gate_family(t, nt, c->alpha, family, GATE_DEFAULT_MIN_REPS, false);
		for (size_t i = 0; i < nt; i++)
			if (t[i].g.verdict == GATE_REGRESSED) {
				alarm = true;
				hit[mi[i]] = true;
			}
		gate_family(t, nt, c->alpha, family, GATE_DEFAULT_MIN_REPS, true);
		for (size_t i = 0; i < nt; i++)
			sep |= t[i].g.verdict == GATE_REGRESSED;
	}
	for (unsigned int m = 0; m < c->nm; m++)
		r->by_metric[m] += hit[m];
	r->trials++;
	r->failed += failed && !alarm;
	r->alarms += alarm || failed;
	r->sep += sep || failed;
	return alarm || failed;
}

/*
 * The trials of n boots per side over c->splits shuffles, for every level
 * l >= 1 (1 = A', the A/A): unpaired, A (level 0) of one set of boots
 * against level l of another set, as a baseline and a new run are; and,
 * when prates / srates are given, A against level l of the same boots, as
 * if baseline and new ran in each boot: prates judged by the gate's
 * (unpaired) rule, srates by the signed-rank test of the pairs.
 */
static void trials_at(struct cal *c, unsigned int b0, unsigned int nboots, unsigned int n, unsigned int family,
		      gsl_rng *rng, struct rate *rates, struct rate *prates, struct rate *srates)
{
	size_t idx[CAL_MAX_BOOTS];
	unsigned int per = nboots / (2 * n);

	memset(rates, 0, sizeof(*rates) * c->nlevels);
	if (prates)
		memset(prates, 0, sizeof(*prates) * c->nlevels);
	if (srates)
		memset(srates, 0, sizeof(*srates) * c->nlevels);
	for (unsigned int i = 0; i < nboots; i++)
		idx[i] = b0 + i;
	for (unsigned int s = 0; s < c->splits && !cal_sig; s++) {
		gsl_ran_shuffle(rng, idx, nboots, sizeof(size_t));
		for (unsigned int t = 0; t < per; t++) {
			const size_t *a = idx + 2 * t * n, *b = a + n;

			for (unsigned int l = 1; l < c->nlevels; l++) {
				trial(c, 0, a, l, b, n, family, false, &rates[l]);
				if (prates) {
					trial(c, 0, a, l, a, n, family, false, &prates[l]);
					trial(c, 0, b, l, b, n, family, false, &prates[l]);
				}
				if (srates) {
					trial(c, 0, a, l, a, n, family, true, &srates[l]);
					trial(c, 0, b, l, b, n, family, true, &srates[l]);
				}
			}
		}
	}
}

/*
 * Clopper-Pearson 95 % interval for k successes of n independent trials
 * (GSL's beta quantiles); the rate measured over all splits, times n,
 * rounded: what n independent trials would have shown.
 */
static void clopper_pearson(double rate, unsigned int n, double *lo, double *hi)
{
	double k = n && !isnan(rate) ? round(rate * n) : 0;

	if (!n || isnan(rate)) {
		*lo = 0;
		*hi = 1;
		return;
	}
	*lo = k <= 0 ? 0 : gsl_cdf_beta_Pinv(0.025, k, n - k + 1);
	*hi = k >= n ? 1 : gsl_cdf_beta_Pinv(0.975, k + 1, n - k);
}

/*
 * Bootstrap power: the alarm rate at any n, also above what two disjoint
 * sets of the pool allow. Each replicate shuffles the boots, cuts them in
 * two halves (so that the two sides never share a boot, as a baseline and
 * a new run never do) and draws n boots with replacement from each half:
 * A's level 0 against B's level l, judged by the gate's rule. Drawing with
 * replacement from 15 boots is optimistic for large n (the draws repeat the
 * same boots): a guide to the repetitions needed, not a measurement.
 */
static void bootstrap_at(struct cal *c, unsigned int n, unsigned int family, unsigned int reps, gsl_rng *rng,
			 struct rate *rates)
{
	size_t idx[CAL_MAX_BOOTS], a[512], b[512];
	unsigned int h = c->nboots1 / 2;

	/* The first pool only: the settings are chosen there (the held-out pool reports). */
	memset(rates, 0, sizeof(*rates) * c->nlevels);
	for (unsigned int i = 0; i < c->nboots1; i++)
		idx[i] = i;
	for (unsigned int r = 0; r < reps && !cal_sig; r++) {
		gsl_ran_shuffle(rng, idx, c->nboots1, sizeof(size_t));
		for (unsigned int i = 0; i < n; i++) {
			a[i] = idx[gsl_rng_uniform_int(rng, h)];
			b[i] = idx[h + gsl_rng_uniform_int(rng, c->nboots1 - h)];
		}
		for (unsigned int l = 1; l < c->nlevels; l++)
			trial(c, 0, a, l, b, n, family, false, &rates[l]);
	}
}

/*
 * Across sessions, as a stored baseline meets a later run: A (level 0) from
 * n boots of the first pool against level l from n boots of the held-out
 * pool (another session), disjoint sets within each pool per split.
 */
static void across_at(struct cal *c, unsigned int n, unsigned int family, gsl_rng *rng, struct rate *rates)
{
	size_t ia[CAL_MAX_BOOTS], ib[CAL_MAX_BOOTS];
	unsigned int na = c->nboots1, nb = c->nboots - c->nboots1, per = (na < nb ? na : nb) / n;

	memset(rates, 0, sizeof(*rates) * c->nlevels);
	for (unsigned int i = 0; i < na; i++)
		ia[i] = i;
	for (unsigned int i = 0; i < nb; i++)
		ib[i] = na + i;
	for (unsigned int s = 0; s < c->splits && !cal_sig; s++) {
		gsl_ran_shuffle(rng, ia, na, sizeof(size_t));
		gsl_ran_shuffle(rng, ib, nb, sizeof(size_t));
		for (unsigned int t = 0; t < per; t++)
			for (unsigned int l = 1; l < c->nlevels; l++)
				trial(c, 0, ia + t * n, l, ib + t * n, n, family, false, &rates[l]);
	}
}

static void clopper_pearson(double rate, unsigned int n, double *lo, double *hi);

/*
 * The test design's pool (load_test): interleaved A/B of two kernels, as
 * `make gate BASE=... NEW=...` runs them. A/A: two disjoint sets of n of
 * the baseline's boots; A/B: n of the baseline's boots against n of the
 * test design's. Independent trials: tboots / 2n and tboots / n.
 */
static void test_trials_at(struct cal *c, unsigned int n, unsigned int family, gsl_rng *rng, struct rate *aa,
			   struct rate *ab)
{
	size_t ia[CAL_MAX_BOOTS], ib[CAL_MAX_BOOTS];

	memset(aa, 0, sizeof(*aa));
	memset(ab, 0, sizeof(*ab));
	for (unsigned int i = 0; i < c->tboots; i++)
		ia[i] = ib[i] = i;
	for (unsigned int s = 0; s < c->splits && !cal_sig; s++) {
		gsl_ran_shuffle(rng, ia, c->tboots, sizeof(size_t));
		gsl_ran_shuffle(rng, ib, c->tboots, sizeof(size_t));
		for (unsigned int t = 0; 2 * (t + 1) * n <= c->tboots; t++)
			trial(c, LV_TBASE(c), ia + 2 * t * n, LV_TBASE(c), ia + (2 * t + 1) * n, n, family, false, aa);
		for (unsigned int t = 0; (t + 1) * n <= c->tboots; t++)
			trial(c, LV_TBASE(c), ia + t * n, LV_TEST(c), ib + t * n, n, family, false, ab);
	}
}

/*
 * A slowdown stated in the gated metrics: per point and metric, the
 * Hodges-Lehmann ratio of level lb's values against level la's over boots
 * [b0, b0 + nb), with a 95 % interval (the test design: all its boots
 * against all the baseline's; a knob level: against level 0). Printed and
 * returned as JSON.
 */
static struct json_object *effect(struct cal *c, unsigned int la, unsigned int lb, unsigned int b0, unsigned int nb,
				  FILE *out)
{
	struct json_object *o = json_object_new_object();

	for (unsigned int p = 0; p < c->npts; p++) {
		struct json_object *po = json_object_new_object();

		for (unsigned int m = 0; m < c->nm; m++) {
			double x[CAL_MAX_BOOTS], y[CAL_MAX_BOOTS];
			size_t nx = 0, ny = 0;
			struct stats_ci ci;
			struct json_object *e;

			for (unsigned int b = b0; b < b0 + nb; b++) {
				double u = *V(c, p, la, m, b), w = *V(c, p, lb, m, b);

				if (!isnan(u))
					y[ny++] = u;
				if (!isnan(w))
					x[nx++] = w;
			}
			if (!nx || !ny || stats_ratio_ci(x, nx, y, ny, 0.95, &ci) || !ci.ok)
				continue;
			e = json_object_new_object();
			json_object_object_add(e, "change", json_object_new_double(ci.hl_ratio - 1));
			json_object_object_add(e, "ci_low", json_object_new_double(ci.lo - 1));
			json_object_object_add(e, "ci_high", json_object_new_double(ci.hi - 1));
			json_object_object_add(e, "n", json_object_new_int((int)nx));
			json_object_object_add(e, "n_baseline", json_object_new_int((int)ny));
			json_object_object_add(po, c->metrics[m], e);
			if (!c->quiet && out)
				fprintf(out, "  %s %s: %+.1f %% (95 %% CI %+.1f %%..%+.1f %%; %zu and %zu boots)\n",
					c->pid[p], c->metrics[m], 100 * (ci.hl_ratio - 1), 100 * (ci.lo - 1),
					100 * (ci.hi - 1), nx, ny);
		}
		json_object_object_add(o, c->pid[p], po);
	}
	return o;
}

/* The header of a table of rates (rate_row's columns). */
static void rate_head(const struct cal *c, FILE *out, const char *title, bool srank)
{
	if (!c->quiet)
		fprintf(out, "\n%s\n%-12s %-16s %7s %-20s %7s %9s %s\n", title, "slowdown", "kind", "rate",
			"95 % CI (indep.)", "with-sep", "failures", srank ? "s-rank" : "");
}

/*
 * One row of rates: printed, as JSON, and a CSV line (method). what: the
 * slowdown in words ("5 %", or a design's name); level: its size (NAN for a
 * design: its effect is stated apart); sr: signed-rank rates or NULL.
 */
static struct json_object *rate_row(struct cal *c, FILE *out, FILE *csv, const char *method, bool ab,
				    const char *what, double level, const struct rate *r, const struct rate *sr,
				    unsigned int per, unsigned int li)
{
	/* a level's kind, or a design's row (li UINT_MAX): A/A or A/B by ab */
	enum cal_kind k = li != UINT_MAX ? level_kind(c, li) : ab ? CK_AB : CK_AA;
	double rate = r->trials ? (double)r->alarms / r->trials : NAN, lo, hi;
	double wsep = r->trials ? (double)r->sep / r->trials : NAN;
	double srate = sr && sr->trials ? (double)sr->alarms / sr->trials : NAN;
	struct json_object *row = json_object_new_object();

	clopper_pearson(rate, per, &lo, &hi);
	json_object_object_add(row, "slowdown", isnan(level) ? NULL : json_object_new_double(level));
	json_object_object_add(row, "what", json_object_new_string(what));
	json_object_object_add(row, "kind", json_object_new_string(cal_kinds[k].json));
	json_object_object_add(row, "trials", json_object_new_int64(r->trials));
	json_object_object_add(row, "alarms", json_object_new_int64(r->alarms));
	json_object_object_add(row, "rate", json_object_new_double(rate));
	json_object_object_add(row, "ci_low", json_object_new_double(lo));
	json_object_object_add(row, "ci_high", json_object_new_double(hi));
	json_object_object_add(row, "independent_trials", json_object_new_int(per));
	json_object_object_add(row, "rate_with_separation", json_object_new_double(wsep));
	json_object_object_add(row, "failed_alarms", json_object_new_int64(r->failed));
	if (sr)
		json_object_object_add(row, "signrank_rate", json_object_new_double(srate));
	if (!c->quiet) {
		char ci[40];

		cfmt(ci, sizeof(ci), "[%.2f, %.2f] of %u", lo, hi, per);
		fprintf(out, "%-12s %-16s %7.3f %-20s %7.3f %9lu", what, cal_kinds[k].words, rate, ci, wsep,
			r->failed);
		if (sr)
			fprintf(out, " %7.3f", srate);
		fputc('\n', out);
	}
	if (csv) {
		/* slowdown_pct: the level, or the design's name (its effect is stated apart) */
		if (isnan(level))
			fprintf(csv, "%s,", what);
		else
			fprintf(csv, "%g,", 100 * level);
		fprintf(csv, "%s,%s,%u,%lu,%lu,%.6f,%.6f,%.6f,%u,%.6f\n", cal_kinds[k].csv, method, c->n, r->trials,
			r->alarms, rate, lo, hi, per, wsep);
	}
	return row;
}

/*
 * One table of rates per level (held-out, across sessions): printed, JSON
 * rows, CSV lines; the levels the held-out pool has (hlevel) only, the
 * others named in a line below the table.
 */
static struct json_object *rate_rows(struct cal *c, FILE *out, FILE *csv, const char *title, const char *method,
				     const struct rate *rates, const struct rate *srates, unsigned int per)
{
	struct json_object *rows = json_object_new_array();
	char absent[256] = "";
	size_t al = 0;

	rate_head(c, out, title, srates != NULL);
	for (unsigned int l = 1; l < c->nlevels; l++) {
		char sd[24];

		if (!c->hlevel[l]) {
			if (al < sizeof(absent) - 32)
				al += snprintf(absent + al, sizeof(absent) - al, "%s%g %%", al ? ", " : "",
					       100 * c->levels[l]);	/* a knob level: shifts are always there */
			continue;
		}

		level_name(c, l, sd, sizeof(sd));
		json_object_array_add(rows, rate_row(c, out, csv, method, l > 1, sd, c->levels[l], &rates[l],
						     srates ? &srates[l] : NULL, per, l));
	}
	if (al && !c->quiet)
		fprintf(out, "(not in the held-out pool, at this knob path: %s)\n", absent);
	return rows;
}

/* ------------------------------------------------------------------------ */

static int analyse(struct cal *c)
{
	char err[512], fsrc[256], p[PATH_MAX];
	unsigned int family, sizes[16], nsizes = 0, per, bsizes[16], nb = 0;
	double conf;
	struct rate rates[CAL_MAX_LEVELS], prates[CAL_MAX_LEVELS], srates[CAL_MAX_LEVELS], boot[16][CAL_MAX_LEVELS];
	struct json_object *o, *rows, *cfg;
	gsl_rng *rng;
	FILE *csv = NULL;
	FILE *out = c->env->out;
	int rc = 0;
	const double goal_aa = goal_of(false, 0);

	if (load_pool(c, c->dir, false, err, sizeof(err)) || load_test(c, c->dir, err, sizeof(err)) ||
	    (c->holdout && load_pool(c, c->holdout, true, err, sizeof(err))) || add_shifts(c, err, sizeof(err))) {
		fprintf(c->env->err, "iopf-bench calibrate: %s\n", err);
		return BENCH_EXIT_USAGE;
	}
	family = c->family ? c->family : default_family(c, fsrc, sizeof(fsrc));
	if (c->family)
		cfmt(fsrc, sizeof(fsrc), "--family");
	if (!family) {
		for (unsigned int pi = 0; pi < c->npts; pi++)
			for (unsigned int m = 0; m < c->nm; m++)
				if (gate_metric_find(c->metrics[m]) && !isnan(*V(c, pi, 0, m, 0)))
					family++;
		if (!family)
			family = 1;
	}
	c->family_used = family;
	conf = 1 - 2 * c->alpha / family;	/* the Bonferroni-level interval; Holm steps down from it */
	if (2 * c->n > c->nboots1) {
		fprintf(c->env->err, "iopf-bench calibrate: the pool has %u boots: too few for two sets of %u "
			"(--reps); give --boots >= %u\n", c->nboots1, c->n, 2 * c->n);
		return BENCH_EXIT_USAGE;
	}
	if (c->holdout && 2 * c->n > c->nboots - c->nboots1) {
		fprintf(c->env->err, "iopf-bench calibrate: the held-out pool %s has %u boots: too few for two "
			"sets of %u (--reps)\n", c->holdout, c->nboots - c->nboots1, c->n);
		return BENCH_EXIT_USAGE;
	}
	/* GSL's default handler aborts: a failed quantile is a NaN here, not a crash. */
	gsl_set_error_handler_off();
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, c->seed);

	o = json_object_new_object();
	cfg = json_object_new_object();
	json_object_object_add(o, "schema_version", json_object_new_int(1));
	json_object_object_add(cfg, "boots", json_object_new_int(c->nboots1));
	json_object_object_add(cfg, "holdout", c->holdout ? json_object_new_string(c->holdout) : NULL);
	json_object_object_add(cfg, "holdout_boots", json_object_new_int(c->nboots - c->nboots1));
	json_object_object_add(cfg, "repetitions_per_side", json_object_new_int(c->n));
	json_object_object_add(cfg, "splits", json_object_new_int(c->splits));
	json_object_object_add(cfg, "seed", json_object_new_int64(c->seed));
	json_object_object_add(cfg, "alpha", json_object_new_double(c->alpha));
	json_object_object_add(cfg, "family", json_object_new_int(family));
	json_object_object_add(cfg, "family_source", json_object_new_string(fsrc));
	json_object_object_add(cfg, "confidence", json_object_new_double(conf));
	json_object_object_add(cfg, "threshold", json_object_new_double(c->threshold));
	{
		struct json_object *mt = json_object_new_object(), *pr = json_object_new_object();
		struct json_object *ms = json_object_new_array();

		for (unsigned int i = 0; i < c->nmthr; i++)
			json_object_object_add(mt, c->mthr[i].metric, json_object_new_double(c->mthr[i].t));
		json_object_object_add(cfg, "metric_thresholds", mt);
		for (unsigned int i = 0; i < c->npts; i++)
			json_object_object_add(pr, c->pid[i], json_object_new_double(c->per_request_ns[i]));
		json_object_object_add(cfg, "per_request_ns", pr);
		for (unsigned int m = 0; m < c->nm; m++)
			json_object_array_add(ms, json_object_new_string(c->metrics[m]));
		json_object_object_add(cfg, "metrics", ms);
		json_object_object_add(cfg, "failed_runs", json_object_new_int(c->failed_runs));
		{
			struct json_object *pa = json_object_new_array();

			for (unsigned int i = 0; i < c->npts; i++)
				json_object_array_add(pa, json_object_new_string(c->pid[i]));
			json_object_object_add(cfg, "points", pa);
		}
	}
	json_object_object_add(o, "settings", cfg);

	/* The main table: n = the default spec's repetitions, disjoint splits. */
	per = c->nboots1 / (2 * c->n);
	trials_at(c, 0, c->nboots1, c->n, family, rng, rates, prates, srates);
	if (cal_sig)
		goto stopped;
	/* The bootstrap at several n (every level at once). */
	{
		static const unsigned int bs[] = { 8, 10, 12, 15, 20, 25, 30, 40, 50, 60 };

		for (unsigned int i = 0; i < sizeof(bs) / sizeof(bs[0]) && nb < 16; i++)
			bsizes[nb++] = bs[i];
		if (c->n < 8 || c->n > 60 || (c->n != 10 && c->n != 12 && c->n != 15 && c->n != 20 && c->n != 25 &&
					      c->n != 30 && c->n != 40 && c->n != 50 && c->n != 8))
			bsizes[nb++] = c->n;
		for (unsigned int i = 0; i < nb && !cal_sig; i++)
			bootstrap_at(c, bsizes[i], family, c->bootstrap, rng, boot[i]);
		if (cal_sig)
			goto stopped;
	}
	if (!c->quiet) {
		fprintf(out, "\ncalibration: %u boots, %u repetitions per side: %u random splits x %u disjoint "
			"trial%s per level; bootstrap: %u replicates per n\n", c->nboots1, c->n, c->splits, per,
			per == 1 ? "" : "s", c->bootstrap);
		fprintf(out, "gate: threshold %.3g %%, alpha %.3g over a family of %u cells (%s): confidence %.6f\n",
			100 * c->threshold, c->alpha, family, fsrc, conf);
		for (unsigned int i = 0; i < c->npts; i++)
			fprintf(out, "per-request time (median response p50, pilot): %s %.0f ns\n", c->pid[i],
				c->per_request_ns[i]);
	}
	/* The knob's levels, stated as the change each causes in the gated metrics. */
	{
		struct json_object *ke = json_object_new_object();

		if (!c->quiet)
			fprintf(out, "\nthe knob's levels in the gated metrics (each level against level 0, all %u boots, "
				"Hodges-Lehmann, 95 %%):\n", c->nboots1);
		struct json_object *se = json_object_new_object();

		for (unsigned int l = 1; l < c->nlevels; l++) {
			char k[32];

			cfmt(k, sizeof(k), "%g", 100 * c->levels[l]);
			if (!c->quiet && l < c->npool)
				fprintf(out, " level %s %% of the per-request time%s:\n", k, l == 1 ? " (A', the A/A)" : "");
			else if (!c->quiet)
				fprintf(out, " shift %s %%: A' with %s x %.4g, the other metrics as measured "
					"(synthetic):\n", k, c->shift_metric,
					shift_factor(c, gate_metric_find(c->shift_metric), l));
			json_object_object_add(l < c->npool ? ke : se, k, effect(c, 0, l, 0, c->nboots1, out));
		}
		json_object_object_add(o, "knob_effect", ke);
		if (c->nshift) {
			json_object_object_add(o, "shift_metric", json_object_new_string(c->shift_metric));
			json_object_object_add(o, "shift_effect", se);
		} else {
			json_object_put(se);
		}
	}
	if (!c->quiet)
		fprintf(out, "\n%-9s %-16s %7s %-20s %7s %9s %-18s %7s %7s %s\n", "slowdown", "kind", "rate",
			"95 % CI (indep.)", "with-sep", "bootstrap", "n for the goal", "paired", "s-rank",
			"caught by (share of trials)");
	rows = json_object_new_array();
	cfmt(p, sizeof(p), "%s/calibration%s.csv", c->odir, c->tag);
	csv = fopen(p, "w");
	if (!csv) {
		fprintf(c->env->err, "iopf-bench calibrate: cannot write %s: %s\n", p, strerror(errno));
		rc = BENCH_EXIT_FAIL;
	} else {
		fprintf(csv, "slowdown_pct,kind,method,n,trials,alarms,rate,ci_low,ci_high,independent_trials,"
			"rate_without_separation\n");
		/* kind: aa | ab; method: split (disjoint sets of boots), paired (the same boots, the gate's unpaired rule), signrank (the same boots, Wilcoxon signed-rank on the pairs), bootstrap */
	}
	for (unsigned int l = 1; l < c->nlevels; l++) {
		/* The goals (cal_goals): the A/A's, else the slowdown's; none below the smallest. */
		bool ab = l > 1;
		double prate = prates[l].trials ? (double)prates[l].alarms / prates[l].trials : NAN;
		double srate = srates[l].trials ? (double)srates[l].alarms / srates[l].trials : NAN;
		double goal = goal_of(ab, c->levels[l]);
		double rate = rates[l].trials ? (double)rates[l].alarms / rates[l].trials : NAN, lo, hi;
		double wsep = rates[l].trials ? (double)rates[l].sep / rates[l].trials : NAN, brate = NAN;
		struct json_object *row = json_object_new_object(), *bym = json_object_new_object();
		struct json_object *byn = json_object_new_array(), *bsj = json_object_new_array();
		char caught[512] = "", needs[40] = "-";
		unsigned int need = 0;
		size_t cl = 0;

		clopper_pearson(rate, per, &lo, &hi);
		for (unsigned int i = 0; i < nb; i++) {
			struct json_object *e = json_object_new_object();
			double r = boot[i][l].trials ? (double)boot[i][l].alarms / boot[i][l].trials : NAN;

			json_object_object_add(e, "n", json_object_new_int(bsizes[i]));
			json_object_object_add(e, "rate", json_object_new_double(r));
			json_object_array_add(bsj, e);
			if (bsizes[i] == c->n)
				brate = r;
			if (ab && !isnan(goal) && r >= goal && (!need || bsizes[i] < need))
				need = bsizes[i];
			if (csv)
				fprintf(csv, "%g,%s,bootstrap,%u,%lu,%lu,%.6f,,,,%.6f\n", 100 * c->levels[l],
					kind_csv(c, l), bsizes[i], boot[i][l].trials, boot[i][l].alarms, r,
					boot[i][l].trials ? (double)boot[i][l].sep / boot[i][l].trials : NAN);
		}
		if (ab && !isnan(goal) && need)
			cfmt(needs, sizeof(needs), "%u (for %.0f %%)", need, 100 * goal);
		else if (ab && !isnan(goal))
			cfmt(needs, sizeof(needs), "> %u (for %.0f %%)", bsizes[nb - 1], 100 * goal);
		if (!ab)
			cfmt(needs, sizeof(needs), "(goal <= %.0f %%)", 100 * goal_aa);
		for (unsigned int m = 0; m < c->nm; m++) {
			double share = rates[l].trials ? (double)rates[l].by_metric[m] / rates[l].trials : 0;

			json_object_object_add(bym, c->metrics[m], json_object_new_double(share));
			if (share > 0.005 && cl < sizeof(caught) - 40)
				cl += snprintf(caught + cl, sizeof(caught) - cl, "%s%s %.0f%%", cl ? ", " : "",
					       c->metrics[m], 100 * share);
		}
		json_object_object_add(row, "slowdown", json_object_new_double(c->levels[l]));
		json_object_object_add(row, "kind", json_object_new_string(cal_kinds[level_kind(c, l)].json));
		json_object_object_add(row, "trials", json_object_new_int64(rates[l].trials));
		json_object_object_add(row, "alarms", json_object_new_int64(rates[l].alarms));
		json_object_object_add(row, "rate", json_object_new_double(rate));
		json_object_object_add(row, "ci_low", json_object_new_double(lo));
		json_object_object_add(row, "ci_high", json_object_new_double(hi));
		json_object_object_add(row, "independent_trials", json_object_new_int(per));
		json_object_object_add(row, "rate_with_separation", json_object_new_double(wsep));
		json_object_object_add(row, "bootstrap_rate", json_object_new_double(brate));
		json_object_object_add(row, "paired_rate", json_object_new_double(prate));
		json_object_object_add(row, "paired_trials", json_object_new_int64(prates[l].trials));
		json_object_object_add(row, "signrank_rate", json_object_new_double(srate));
		json_object_object_add(row, "failed_alarms", json_object_new_int64(rates[l].failed));
		json_object_object_add(row, "by_metric", bym);
		json_object_object_add(row, "goal", isnan(goal) ? NULL : json_object_new_double(goal));
		json_object_object_add(row, "bootstrap_need", ab && need ? json_object_new_int(need) : NULL);
		json_object_object_add(row, "bootstrap", bsj);
		json_object_object_add(row, "by_n", byn);
		json_object_array_add(rows, row);
		if (!c->quiet) {
			char ci[40], sd[24];

			level_name(c, l, sd, sizeof(sd));
			cfmt(ci, sizeof(ci), "[%.2f, %.2f] of %u", lo, hi, per);
			fprintf(out, "%-9s %-16s %7.3f %-20s %7.3f %9.3f %-18s %7.3f %7.3f %s\n", sd,
				cal_kinds[level_kind(c, l)].words, rate, ci, wsep, brate, needs, prate, srate,
				caught[0] ? caught : "-");
		}
		if (csv) {
			fprintf(csv, "%g,%s,split,%u,%lu,%lu,%.6f,%.6f,%.6f,%u,%.6f\n", 100 * c->levels[l],
				kind_csv(c, l), c->n, rates[l].trials, rates[l].alarms, rate, lo, hi, per, wsep);
			fprintf(csv, "%g,%s,paired,%u,%lu,%lu,%.6f,,,%u,%.6f\n", 100 * c->levels[l],
				kind_csv(c, l), c->n, prates[l].trials, prates[l].alarms, prate, 2 * per,
				prates[l].trials ? (double)prates[l].sep / prates[l].trials : NAN);
			fprintf(csv, "%g,%s,signrank,%u,%lu,%lu,%.6f,,,%u,\n", 100 * c->levels[l],
				kind_csv(c, l), c->n, srates[l].trials, srates[l].alarms, srate, 2 * per);
		}
	}
	json_object_object_add(o, "rows", rows);

	/* Detection against n, from disjoint splits of the same pool (the sizes two sets fit). */
	for (unsigned int n = 3; 2 * n <= c->nboots1 && nsizes < 16; n += n < 6 ? 1 : n < 10 ? 2 : 5)
		sizes[nsizes++] = n;
	if (!c->quiet) {
		fprintf(out, "\nalarm rate by repetitions per side, disjoint splits (fewer independent trials as n "
			"grows) | bootstrap:\n%-6s", "n");
		for (unsigned int l = 1; l < c->nlevels; l++)
			fprintf(out, " %s%6g%%%s", l >= c->npool ? "s" : " ", 100 * c->levels[l],
				l == 1 ? "'" : " ");
		fputc('\n', out);
	}
	for (unsigned int si = 0; si < nsizes && !cal_sig; si++) {
		struct rate r2[CAL_MAX_LEVELS];

		trials_at(c, 0, c->nboots1, sizes[si], family, rng, r2, NULL, NULL);
		if (!c->quiet)
			fprintf(out, "%-6u", sizes[si]);
		for (unsigned int l = 1; l < c->nlevels; l++) {
			struct json_object *e = json_object_new_object();
			double rate = r2[l].trials ? (double)r2[l].alarms / r2[l].trials : NAN;

			json_object_object_add(e, "n", json_object_new_int(sizes[si]));
			json_object_object_add(e, "rate", json_object_new_double(rate));
			json_object_object_add(e, "independent_trials", json_object_new_int(c->nboots1 / (2 * sizes[si])));
			json_object_array_add(json_object_object_get(json_object_array_get_idx(rows, l - 1), "by_n"), e);
			if (!c->quiet)
				fprintf(out, " %9.3f", rate);
			if (csv && sizes[si] != c->n)
				fprintf(csv, "%g,%s,split,%u,%lu,%lu,%.6f,,,%u,%.6f\n", 100 * c->levels[l],
					kind_csv(c, l), sizes[si], r2[l].trials, r2[l].alarms, rate,
					c->nboots1 / (2 * sizes[si]), r2[l].trials ? (double)r2[l].sep / r2[l].trials : NAN);
		}
		if (!c->quiet)
			fputc('\n', out);
	}
	for (unsigned int i = 0; i < nb && !c->quiet; i++) {
		fprintf(out, "b%-5u", bsizes[i]);
		for (unsigned int l = 1; l < c->nlevels; l++)
			fprintf(out, " %9.3f", boot[i][l].trials ? (double)boot[i][l].alarms / boot[i][l].trials : NAN);
		fputc('\n', out);
	}
	/*
	 * The held-out pool (another session): the rates reported at the
	 * settings chosen above, on boots that chose nothing; and across the
	 * two sessions, as a stored baseline meets a later run.
	 */
	if (c->holdout && !cal_sig) {
		unsigned int nb2 = c->nboots - c->nboots1, hper = nb2 / (2 * c->n);
		unsigned int aper = (c->nboots1 < nb2 ? c->nboots1 : nb2) / c->n;
		struct rate hr[CAL_MAX_LEVELS], hs[CAL_MAX_LEVELS], ar[CAL_MAX_LEVELS];
		char title[PATH_MAX + 200];

		trials_at(c, c->nboots1, nb2, c->n, family, rng, hr, NULL, hs);
		across_at(c, c->n, family, rng, ar);
		if (!cal_sig) {
			cfmt(title, sizeof(title), "held-out pool %s (%u boots, another session): %u repetitions per "
			     "side, %u disjoint trial%s per split", c->holdout, nb2, c->n, hper, hper == 1 ? "" : "s");
			json_object_object_add(o, "holdout", rate_rows(c, out, csv, title, "holdout", hr, hs, hper));
			cfmt(title, sizeof(title), "across sessions (A from %s, the slowdown from %s): a stored "
			     "baseline against a later run, %u trial%s per split", c->dir, c->holdout, aper,
			     aper == 1 ? "" : "s");
			json_object_object_add(o, "across_sessions", rate_rows(c, out, csv, title, "across", ar, NULL,
										aper));
		}
	}
	/* The test design: a real kernel change of known size, interleaved with the baseline. */
	if (c->tboots >= 2 * c->n && !cal_sig) {
		struct rate taa, tab;
		unsigned int paa = c->tboots / (2 * c->n), pab = c->tboots / c->n;
		struct json_object *td = json_object_new_object();
		char title[512];

		if (!c->quiet)
			fprintf(out, "\ntest design %s against %s (%s/test: %u boots each, interleaved, knob off); "
				"its effect, all boots:\n", c->tdesign, c->base_design[0] ? c->base_design : "the baseline",
				c->dir, c->tboots);
		json_object_object_add(td, "design", json_object_new_string(c->tdesign));
		json_object_object_add(td, "boots", json_object_new_int(c->tboots));
		json_object_object_add(td, "effect", effect(c, LV_TBASE(c), LV_TEST(c), 0, c->tboots, out));
		test_trials_at(c, c->n, family, rng, &taa, &tab);
		cfmt(title, sizeof(title), "interleaved, %s against %s (as make gate BASE= NEW= runs them): %u "
		     "repetitions per side", c->tdesign, c->base_design[0] ? c->base_design : "the baseline", c->n);
		rate_head(c, out, title, false);
		json_object_object_add(td, "aa", rate_row(c, out, csv, "test", false, c->base_design[0] ?
							  c->base_design : "baseline", NAN, &taa, NULL, paa, UINT_MAX));
		json_object_object_add(td, "ab", rate_row(c, out, csv, "test", true, c->tdesign, NAN, &tab, NULL, pab, UINT_MAX));
		json_object_object_add(o, "test_design", td);
	}
	if (csv && fclose(csv))
		rc = BENCH_EXIT_FAIL;
	if (cal_sig)
		goto stopped;
	cfmt(p, sizeof(p), "%s/calibration%s.json", c->odir, c->tag);
	if (json_object_to_file_ext(p, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) {
		fprintf(c->env->err, "iopf-bench calibrate: cannot write %s\n", p);
		rc = BENCH_EXIT_FAIL;
	}
	json_object_put(o);
	gsl_rng_free(rng);
	return rc;
stopped:
	json_object_put(o);
	gsl_rng_free(rng);
	return 128 + cal_sig;
}

/* Run gnuplot on scripts/plots/NAME with the variables vars; 0 when outp.{png,svg} were made. */
static int gnuplot(struct cal *c, const char *name, const char *vars, const char *outp)
{
	char script[PATH_MAX];
	char *argv[] = { "gnuplot", "-e", (char *)vars, script, NULL };
	const char *gp = getenv("GNUPLOT");
	int rc;

	cfmt(script, sizeof(script), "%s/scripts/plots/%s", c->top, name);
	if (gp)
		argv[0] = (char *)gp;
	{
		pid_t pid = fork();
		int st;

		if (pid < 0)
			return -1;
		if (!pid) {
			execvp(argv[0], argv);
			_exit(127);
		}
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR)
				return -1;
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	}
	for (int i = 0; !rc && i < 2; i++) {
		struct stat sb;
		char f[PATH_MAX];

		cfmt(f, sizeof(f), "%s.%s", outp, i ? "svg" : "png");
		if (stat(f, &sb) || !sb.st_size)
			rc = -1;
	}
	if (rc)
		fprintf(c->env->err, "iopf-bench calibrate: the figure %s.{png,svg} could not be made (gnuplot "
			"%s)\n", outp, script);
	return rc ? -1 : 0;
}

/*
 * The figures: fig/detection.{png,svg} (alarm rate vs slowdown, one line
 * per n, with the goals) and fig/power-vs-n.{png,svg} (each level's alarm
 * rate vs the repetitions per side, disjoint splits: what a goal takes).
 */
static int plot(struct cal *c)
{
	char outp[PATH_MAX], data[PATH_MAX], e[3 * PATH_MAX + 512], fig[PATH_MAX], goals[128];
	char lp[256] = "", lk[256] = "";
	size_t np = 0, nk = 0;
	const char *path = c->pool_path[0] ? c->pool_path : c->path;
	int rc;

	cfmt(fig, sizeof(fig), "%s/fig", c->odir);
	mkdir(fig, 0777);
	cfmt(outp, sizeof(outp), "%s/fig/detection%s", c->odir, c->tag);
	cfmt(data, sizeof(data), "%s/calibration%s.csv", c->odir, c->tag);
	goals_gnuplot(goals, sizeof(goals));
	{
		char ns[32];

		/* The bootstrap lines: at n (what the disjoint splits measure too), 20 and 40. */
		if (c->n == 20 || c->n == 40)
			cfmt(ns, sizeof(ns), "20 40");
		else
			cfmt(ns, sizeof(ns), "%u 20 40", c->n);
		cfmt(e, sizeof(e), "plotdir='%s/scripts/plots'; out='%s'; data='%s'; nmain=%u; ns='%s'; goals='%s'; "
		     "path='%s'; nshift=%u", c->top, outp, data, c->n, ns, goals, path, c->nshift);
	}
	rc = gnuplot(c, "calibration.gp", e, outp);
	/* The levels, as calibration.csv names them: slowdown_pct and kind. */
	for (unsigned int l = 1; l < c->nlevels && np < sizeof(lp) - 32 && nk < sizeof(lk) - 16; l++) {
		np += snprintf(lp + np, sizeof(lp) - np, "%s%g", l > 1 ? " " : "", 100 * c->levels[l]);
		nk += snprintf(lk + nk, sizeof(lk) - nk, "%s%s", l > 1 ? " " : "", kind_csv(c, l));
	}
	cfmt(outp, sizeof(outp), "%s/fig/power-vs-n%s", c->odir, c->tag);
	cfmt(e, sizeof(e), "plotdir='%s/scripts/plots'; out='%s'; data='%s'; lp='%s'; lk='%s'; goals='%s'; path='%s'; "
	     "alpha=%g; family=%u", c->top, outp, data, lp, lk, goals, path, c->alpha, c->family_used);
	if (gnuplot(c, "calibration-n.gp", e, outp))
		rc = -1;
	return rc ? -1 : 0;
}

static const char usage[] =
	"usage: iopf-bench calibrate [--boots N] [--reps N] [--slowdowns LIST] [--path response|report|both]\n"
	"                            [--spec FILE] [--pilot-boots N] [--splits N] [--seed N]\n"
	"                            [--alpha A] [--family M] [--threshold T | METRIC=T]... [--out DIR]\n"
	"       iopf-bench calibrate --from DIR [--out DIR3] [--force] [--holdout DIR2] [--point ID]...\n"
	"                            [analysis options]\n"
	"\n"
	"Measure the CI gate's false-alarm and detection rates on this machine: a pilot\n"
	"sweep of the calibration spec measures each point's per-request time (median\n"
	"response p50); a pool sweep runs every point at each slowdown level (the\n"
	"synthetic regression knob set to that fraction of it) in every boot; trials\n"
	"compare disjoint sets of boots with the gate's own rule (A/A: level 0 vs 0;\n"
	"A/B: level 0 vs the slowdown).\n"
	"\n"
	"  --boots N         boots in the pool (default 30; two sets of --reps must fit)\n"
	"  --reps N          repetitions per side of a trial (default: the default spec's;\n"
	"                    with --from, the folder's last analysis's)\n"
	"  --slowdowns LIST  percent of the per-request time (default 2,3,5,10)\n"
	"  --path P          where the knob adds time: response (default), report, both\n"
	"  --spec FILE       the calibration spec (default bench/specs/calibrate.ini)\n"
	"  --pilot-boots N   boots of the pilot (default 2)\n"
	"  --splits N        random shuffles of the boots (default 400)\n"
	"  --bootstrap N     bootstrap replicates per n (default 200)\n"
	"  --seed N          of the shuffles (GSL mt19937; default 1)\n"
	"  --alpha A         the gate's family-wise false-alarm rate (default 0.05)\n"
	"  --family M        its family of tests (default: the cells a compare of the\n"
	"                    default spec judges, from results/baselines/default)\n"
	"  --threshold T     the gate's practical threshold (default 5 %); METRIC=T per metric\n"
	"  --out DIR         the folder (default results/runs/<YYYYmmdd-HHMMSS>-calibrate);\n"
	"                    with --from: where the analysis's files go (default DIR)\n"
	"  --from DIR        analyse an existing calibration folder again; run nothing\n"
	"  --force           with --from: replace an analysis the folder already holds\n"
	"  --point ID        with --from: analyse only this point of the spec (repeatable)\n"
	"  --shift LIST      also judge A' with one gated metric changed by\n"
	"                    exactly these percents in its bad direction, the others as\n"
	"                    measured (e.g. 3,5: the goals' sizes in the metric itself)\n"
	"  --shift-metric M  the metric --shift changes (default report_p50_ns)\n"
	"  --test-design D   a design of role test (a real kernel change of known size;\n"
	"                    default slow-report; none: skip) swept interleaved with the\n"
	"                    spec's design, knob off: its effect on each gated metric and\n"
	"                    the gate's A/A and detection rates on real kernel pairs\n"
	"  --holdout DIR2    a calibration folder measured in another session: the rates at\n"
	"                    the settings chosen on DIR, reported on DIR2's boots (held out),\n"
	"                    and DIR's A against DIR2's slowdowns (a stored baseline against\n"
	"                    a later session); the same points as DIR, its levels matched\n"
	"                    by slowdown and knob path (A and A' always: the A/A across\n"
	"                    sessions from a pool of any levels)\n"
	"\n";

static const char usage_exit[] =
	"Exit status: 0 done; 1 a run of the pool failed or a file or figure could not\n"
	"be made; 2 bad options; 128+N stopped by signal N (the folder keeps INCOMPLETE).\n";

/* The usage, the goals the rates are judged against, the exit status. */
static void put_usage(FILE *f)
{
	fputs(usage, f);
	goals_text(f);
	fputc('\n', f);
	fputs(usage_exit, f);
}

int cmd_calibrate(int argc, char **argv, const struct bench_env *env)
{
	static const struct option lo[] = {
		{ "boots", required_argument, NULL, 'b' },
		{ "reps", required_argument, NULL, 'n' },
		{ "slowdowns", required_argument, NULL, 's' },
		{ "shift", required_argument, NULL, 'k' },
		{ "shift-metric", required_argument, NULL, 'K' },
		{ "path", required_argument, NULL, 'p' },
		{ "spec", required_argument, NULL, 'S' },
		{ "pilot-boots", required_argument, NULL, 'P' },
		{ "splits", required_argument, NULL, 'x' },
		{ "bootstrap", required_argument, NULL, 'B' },
		{ "seed", required_argument, NULL, 'e' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "family", required_argument, NULL, 'f' },
		{ "threshold", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'F' },
		{ "force", no_argument, NULL, 'X' },
		{ "holdout", required_argument, NULL, 'H' },
		{ "test-design", required_argument, NULL, 'T' },
		{ "point", required_argument, NULL, 'O' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cal *c = calloc(1, sizeof(*c));
	struct sigaction sa = { .sa_handler = cal_on_signal }, old_int, old_term;
	char p[PATH_MAX], err[1024], marker[PATH_MAX];
	int opt, li = 0, rc = BENCH_EXIT_OK, nsteps;
	ssize_t n;

	if (!c)
		return BENCH_EXIT_FAIL;
	c->env = env;
	c->boots = 30;
	c->pilot_boots = 2;
	c->splits = 400;
	c->bootstrap = 200;
	c->seed = 1;
	c->alpha = GATE_DEFAULT_ALPHA;
	c->test_design = "slow-report";
	c->threshold = GATE_DEFAULT_THRESHOLD;
	c->path = "response";
	c->shift_metric = "report_p50_ns";
	c->levels[0] = c->levels[1] = 0;	/* A and A' */
	c->nlevels = 2;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "qh", lo, &li)) != -1) {
		char *end;
		long v = 0;

		if (strchr("bnPxefB", opt)) {
			errno = 0;
			v = strtol(optarg, &end, 10);
			/* boots are a sweep's repetitions: at most SPEC_MAX_REPS (and CAL_MAX_BOOTS) */
			long max = opt == 'e' ? LONG_MAX : strchr("bP", opt) ? (SPEC_MAX_REPS < CAL_MAX_BOOTS ?
								   SPEC_MAX_REPS : CAL_MAX_BOOTS) : 100000;

			if (errno || end == optarg || *end || v < 1 || v > max) {
				fprintf(env->err, "iopf-bench calibrate: bad value '%s' for --%s (1 to %ld)\n", optarg,
					lo[li].name, max);
				put_usage(env->err);
				free(c);
				return BENCH_EXIT_USAGE;
			}
		}
		switch (opt) {
		case 'b': c->boots = v; break;
		case 'n': c->n = v; break;
		case 'P': c->pilot_boots = v; break;
		case 'x': c->splits = v; break;
		case 'B': c->bootstrap = v; break;
		case 'e': c->seed = v; break;
		case 'f': c->family = v; break;
		case 's':
			c->nlevels = 2;
			if (parse_pct_list(optarg, c->levels, &c->nlevels, CAL_MAX_LEVELS)) {
				fprintf(env->err, "iopf-bench calibrate: bad --slowdowns '%s' (percents, "
					"0 < x < 100, at most %d)\n", optarg, CAL_MAX_LEVELS - 1);
				free(c);
				return BENCH_EXIT_USAGE;
			}
			break;
		case 'k':
			c->nshift = 0;
			if (parse_pct_list(optarg, c->shifts, &c->nshift, 8)) {
				fprintf(env->err, "iopf-bench calibrate: bad --shift '%s' (percents of the "
					"metric, 0 < x < 100, at most 8)\n", optarg);
				free(c);
				return BENCH_EXIT_USAGE;
			}
			break;
		case 'K': c->shift_metric = optarg; break;
		case 'p':
			if (strcmp(optarg, "response") && strcmp(optarg, "report") && strcmp(optarg, "both")) {
				fprintf(env->err, "iopf-bench calibrate: --path must be response, report or both, "
					"not '%s'\n", optarg);
				free(c);
				return BENCH_EXIT_USAGE;
			}
			c->path = optarg;
			break;
		case 'S': c->spec = optarg; break;
		case 'a':
			c->alpha = strtod(optarg, &end);
			if (end == optarg || *end || !(c->alpha > 0) || c->alpha >= 0.5) {
				fprintf(env->err, "iopf-bench calibrate: --alpha must be in (0, 0.5), not '%s'\n", optarg);
				free(c);
				return BENCH_EXIT_USAGE;
			}
			break;
		case 't': {
			const char *eq = strchr(optarg, '=');
			char m[64] = "";
			double t;

			if (eq && eq - optarg < 64)
				cfmt(m, sizeof(m), "%.*s", (int)(eq - optarg), optarg);
			if (parse_pct(eq ? eq + 1 : optarg, &t) || (eq && (!m[0] || !gate_metric_find(m))) ||
			    (eq && c->nmthr >= 16)) {
				fprintf(env->err, "iopf-bench calibrate: bad --threshold '%s' (T or METRIC=T with a "
					"run.json metric, e.g. 5%% or response_p50_ns=2%%)\n", optarg);
				free(c);
				return BENCH_EXIT_USAGE;
			}
			if (eq) {
				cfmt(c->mthr[c->nmthr].metric, sizeof(c->mthr[0].metric), "%s", m);
				c->mthr[c->nmthr++].t = t;
			} else {
				c->threshold = t;
			}
			break;
		}
		case 'o': c->out = optarg; break;
		case 'F': c->from = optarg; break;
		case 'X': c->force = 1; break;
		case 'H': c->holdout = optarg; break;
		case 'T': c->test_design = strcmp(optarg, "none") ? optarg : NULL; break;
		case 'O':
			if (c->nonly >= CAL_MAX_POINTS) {
				fprintf(env->err, "iopf-bench calibrate: at most %d --point\n", CAL_MAX_POINTS);
				free(c);
				return BENCH_EXIT_USAGE;
			}
			c->only[c->nonly++] = optarg;
			break;
		case 'q': c->quiet = 1; break;
		case 'h':
			put_usage(env->out);
			free(c);
			return BENCH_EXIT_OK;
		default:
			fprintf(env->err, "iopf-bench calibrate: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			put_usage(env->err);
			free(c);
			return BENCH_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(env->err, "iopf-bench calibrate: unexpected argument '%s'\n", argv[optind]);
		put_usage(env->err);
		free(c);
		return BENCH_EXIT_USAGE;
	}
	if (c->nlevels < 3) {
		static const double def[] = { 0.02, 0.03, 0.05, 0.10 };

		for (unsigned int i = 0; i < 4; i++)
			c->levels[c->nlevels++] = def[i];
	}
	n = readlink("/proc/self/exe", c->self, sizeof(c->self) - 1);
	if (n <= 0) {
		free(c);
		return BENCH_EXIT_FAIL;
	}
	c->self[n] = 0;
	cfmt(p, sizeof(p), "%s", c->self);
	cfmt(c->top, sizeof(c->top), "%s", dirname(dirname(p)));
	cfmt(p, sizeof(p), "%s/kernel/designs.tsv", c->top);
	if (access(p, R_OK)) {
		fprintf(env->err, "iopf-bench calibrate: needs the checkout this program was built in (not found "
			"above %s)\n", c->self);
		free(c);
		return BENCH_EXIT_USAGE;
	}
	if (!c->spec) {
		static char sp[PATH_MAX];

		cfmt(sp, sizeof(sp), "%s/bench/specs/calibrate.ini", c->top);
		c->spec = sp;
	}
	if (!c->n && c->from) {
		/*
		 * --from: the repetitions the folder was last analysed with
		 * (its calibration.json), so that the command its README or
		 * note quotes gives back its calibration.txt.
		 */
		struct json_object *cal;

		cfmt(p, sizeof(p), "%s/calibration.json", c->from);
		cal = json_object_from_file(p);
		if (cal) {
			int64_t n = json_object_get_int64(jget(jget(cal, "settings"), "repetitions_per_side"));

			if (n > 0 && n <= 1000)
				c->n = (unsigned int)n;
			json_object_put(cal);
		}
	}
	if (!c->n) {
		/* The default spec's repetitions: what the gate compares. */
		struct spec *s = calloc(1, sizeof(*s));

		cfmt(p, sizeof(p), "%s/bench/specs/default.ini", c->top);
		if (!s || spec_load(s, p, NULL, err, sizeof(err))) {
			fprintf(env->err, "iopf-bench calibrate: %s\n", s ? err : "out of memory");
			free(s);
			free(c);
			return BENCH_EXIT_FAIL;
		}
		c->n = s->repetitions;
		spec_free(s);
		free(s);
	}
	if (!c->from && 2 * c->n > c->boots) {
		fprintf(env->err, "iopf-bench calibrate: --boots %u cannot hold two sets of %u repetitions "
			"(--reps): give --boots >= %u\n", c->boots, c->n, 2 * c->n);
		free(c);
		return BENCH_EXIT_USAGE;
	}
	{
		/* Check the spec before anything runs. */
		struct spec *s = calloc(1, sizeof(*s));

		cfmt(p, sizeof(p), "%s/kernel/designs.tsv", c->top);
		if (!c->from && (!s || spec_load(s, c->spec, p, err, sizeof(err)))) {
			fprintf(env->err, "iopf-bench calibrate: %s\n", s ? err : "out of memory");
			free(s);
			free(c);
			return BENCH_EXIT_USAGE;
		}
		if (!c->from && s->ndesigns != 1) {
			fprintf(env->err, "iopf-bench calibrate: %s: the calibration spec runs one design (it "
				"has %u)\n", c->spec, s->ndesigns);
			spec_free(s);
			free(s);
			free(c);
			return BENCH_EXIT_USAGE;
		}
		if (s && !c->from && s->ndesigns == 1)
			cfmt(c->base_design, sizeof(c->base_design), "%s", s->designs[0]);
		if (s && !c->from && c->test_design) {
			/* The test design: a design of role test the sweep can run beside the spec's. */
			char list[256];

			cfmt(list, sizeof(list), "%s %s", c->base_design, c->test_design);
			err[0] = 0;
			if (!spec_set_designs(s, list, p, err, sizeof(err)) && strcmp(s->dref[1].role, "test"))
				cfmt(err, sizeof(err), "'%s' has role '%s', not 'test'", c->test_design, s->dref[1].role);
			if (err[0]) {
				fprintf(env->err, "iopf-bench calibrate: --test-design %s: %s (designs of role test are in "
					"kernel/designs.tsv; none: skip)\n", c->test_design, err);
				spec_free(s);
				free(s);
				free(c);
				return BENCH_EXIT_USAGE;
			}
		}
		if (s) {
			if (!c->from)
				spec_free(s);
			free(s);
		}
	}

	cal_sig = 0;
	sigemptyset(&sa.sa_mask);
	if (env->handle_signals) {
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
	}
	if (c->holdout && !c->from) {
		fprintf(env->err, "iopf-bench calibrate: --holdout analyses two measured folders: give --from DIR too\n");
		rc = BENCH_EXIT_USAGE;
		goto out;
	}
	if (c->nonly && !c->from) {
		fprintf(env->err, "iopf-bench calibrate: --point analyses part of an existing folder: give --from\n");
		rc = BENCH_EXIT_USAGE;
		goto out;
	}
	for (unsigned int i = 0; i < c->nonly; i++) {
		size_t l = strlen(c->tag);

		snprintf(c->tag + l, sizeof(c->tag) - l, "-%s", c->only[i]);
	}
	for (char *q = c->tag; *q; q++)
		if (!(*q >= 'a' && *q <= 'z') && !(*q >= 'A' && *q <= 'Z') && !(*q >= '0' && *q <= '9') &&
		    *q != '-' && *q != '.')
			*q = '_';
	if (c->force && !c->from) {
		fprintf(env->err, "iopf-bench calibrate: --force replaces an analysis of --from DIR: give --from\n");
		rc = BENCH_EXIT_USAGE;
		goto out;
	}
	if (c->from) {
		/*
		 * The analysis goes to --out (made if missing) or, by default,
		 * into DIR itself; an analysis already there (calibration.json,
		 * or this --point's) is replaced only with --force, as report
		 * rewrites a folder: a committed calibration is not changed by
		 * looking at it with other settings.
		 */
		struct stat sb;

		cfmt(c->dir, sizeof(c->dir), "%s", c->from);
		cfmt(c->odir, sizeof(c->odir), "%s", c->out ? c->out : c->from);
		if (stat(c->dir, &sb) || !S_ISDIR(sb.st_mode)) {
			fprintf(env->err, "iopf-bench calibrate: --from %s: not a folder\n", c->dir);
			rc = BENCH_EXIT_USAGE;
			goto out;
		}
		if (c->out && mkdir(c->odir, 0777) && errno != EEXIST) {
			fprintf(env->err, "iopf-bench calibrate: cannot make %s: %s\n", c->odir, strerror(errno));
			rc = BENCH_EXIT_USAGE;
			goto out;
		}
		cfmt(p, sizeof(p), "%s/calibration%s.json", c->odir, c->tag);
		if (!c->force && !access(p, F_OK)) {
			fprintf(env->err, "iopf-bench calibrate: %s holds an analysis already (calibration%s.json): "
				"--out DIR for another folder, or --force to replace it\n", c->odir, c->tag);
			rc = BENCH_EXIT_USAGE;
			goto out;
		}
		rc = analyse(c);
		if (!rc && plot(c))
			rc = BENCH_EXIT_FAIL;
		goto out;
	}
	if (c->out) {
		cfmt(c->dir, sizeof(c->dir), "%s", c->out);
	} else {
		char ts[32];
		time_t now = time(NULL);

		strftime(ts, sizeof(ts), "%Y%m%d-%H%M%S", localtime(&now));
		cfmt(p, sizeof(p), "%s/results/runs", c->top);
		mkdir(p, 0777);
		cfmt(c->dir, sizeof(c->dir), "%s/results/runs/%s-calibrate", c->top, ts);
	}
	cfmt(c->odir, sizeof(c->odir), "%s", c->dir);
	if (mkdir(c->dir, 0777)) {
		fprintf(env->err, "iopf-bench calibrate: cannot make %s: %s\n", c->dir, strerror(errno));
		rc = BENCH_EXIT_USAGE;
		goto out;
	}
	cfmt(marker, sizeof(marker), "%s/INCOMPLETE", c->dir);
	{
		FILE *f = fopen(marker, "w");

		if (f) {
			fputs("iopf-bench calibrate did not finish\n", f);
			fclose(f);
		}
	}
	fprintf(env->err, "iopf-bench calibrate: %s\n", c->dir);
	nsteps = c->test_design ? 4 : 3;
	{
		char pilot[PATH_MAX], reps[16];
		char *av[] = { c->self, "sweep", (char *)c->spec, "--reps", reps, "--out", pilot, "-q", NULL };
		struct json_object *run, *pr = json_object_new_object();

		cfmt(pilot, sizeof(pilot), "%s/pilot", c->dir);
		cfmt(reps, sizeof(reps), "%u", c->pilot_boots);
		fprintf(env->err, "iopf-bench calibrate: step 1 of %d: the pilot (%u boots, knob off): the "
			"per-request times\n", nsteps, c->pilot_boots);
		rc = run_child(c, av);
		if (rc >= 128 || cal_sig) {
			rc = rc >= 128 ? rc : 128 + cal_sig;
			goto out;
		}
		if (rc) {
			fprintf(env->err, "iopf-bench calibrate: the pilot sweep failed (exit %d): see %s\n", rc, pilot);
			rc = BENCH_EXIT_FAIL;
			goto out;
		}
		cfmt(p, sizeof(p), "%s/run.json", pilot);
		run = json_object_from_file(p);
		for (size_t s = 0; run && s < json_object_array_length(jget(run, "sweeps")); s++) {
			struct json_object *rp = jget(json_object_array_get_idx(jget(run, "sweeps"), s), "points");

			for (size_t i = 0; i < json_object_array_length(rp); i++) {
				struct json_object *pt = json_object_array_get_idx(rp, i);

				json_object_object_foreach(jget(pt, "designs"), dn, d) {
					struct json_object *m = jget(jget(jget(d, "summary"), "response_p50_ns"), "median");

					(void)dn;
					if (m && json_object_get_double(m) > 0)
						json_object_object_add(pr, json_object_get_string(jget(pt, "id")),
								       json_object_new_double(json_object_get_double(m)));
				}
			}
		}
		json_object_put(run);
		cfmt(p, sizeof(p), "%s/per_request.json", c->dir);
		if (json_object_to_file_ext(p, pr, JSON_C_TO_STRING_PRETTY)) {
			fprintf(env->err, "iopf-bench calibrate: cannot write %s\n", p);
			json_object_put(pr);
			rc = BENCH_EXIT_FAIL;
			goto out;
		}
		json_object_put(pr);
	}
	{
		char pool[PATH_MAX], reps[16], levels[256], nsf[PATH_MAX];
		char *av[] = { c->self, "sweep", (char *)c->spec, "--reps", reps, "--out", pool, "--calib-levels",
			       levels, "--calib-ns", nsf, "--calib-path", (char *)c->path, "-q", NULL };
		size_t l = 0;

		for (unsigned int i = 0; i < c->nlevels; i++)
			l += snprintf(levels + l, sizeof(levels) - l, "%s%.6g", i ? "," : "", c->levels[i]);
		cfmt(pool, sizeof(pool), "%s/pool", c->dir);
		cfmt(reps, sizeof(reps), "%u", c->boots);
		cfmt(nsf, sizeof(nsf), "%s/per_request.json", c->dir);
		fprintf(env->err, "iopf-bench calibrate: step 2 of %d: the pool (%u boots, levels %s of the "
			"per-request time on the %s path)\n", nsteps, c->boots, levels, c->path);
		rc = run_child(c, av);
		if (rc >= 128 || cal_sig) {
			rc = rc >= 128 ? rc : 128 + cal_sig;
			goto out;
		}
		if (rc == BENCH_EXIT_USAGE) {
			/* The sweep refused what it was given: nothing ran, there is nothing to judge. */
			fprintf(env->err, "iopf-bench calibrate: the pool sweep refused its options (exit 2): "
				"see above\n");
			goto out;
		}
		if (rc)
			fprintf(env->err, "iopf-bench calibrate: the pool sweep exited %d: its failed runs count "
				"as alarms in the trials (see %s/report.html)\n", rc, pool);
	}
	if (c->test_design) {
		char tdir[PATH_MAX], reps[16], designs[256];
		char *av[] = { c->self, "sweep", (char *)c->spec, "--designs", designs, "--reps", reps, "--out", tdir,
			       "-q", NULL };

		cfmt(tdir, sizeof(tdir), "%s/test", c->dir);
		cfmt(reps, sizeof(reps), "%u", c->boots);
		cfmt(designs, sizeof(designs), "%s %s", c->base_design, c->test_design);
		fprintf(env->err, "iopf-bench calibrate: step 3 of %d: the test design %s against %s, interleaved "
			"(%u boots each, knob off)\n", nsteps, c->test_design, c->base_design, c->boots);
		rc = run_child(c, av);
		if (rc >= 128 || cal_sig) {
			rc = rc >= 128 ? rc : 128 + cal_sig;
			goto out;
		}
		if (rc)
			fprintf(env->err, "iopf-bench calibrate: the test design's sweep exited %d: its failed runs "
				"count as alarms (see %s/report.html)\n", rc, tdir);
	}
	fprintf(env->err, "iopf-bench calibrate: step %d of %d: the trials\n", nsteps, nsteps);
	{
		int a = analyse(c);

		if (a)
			rc = a;
		else if (plot(c))
			rc = BENCH_EXIT_FAIL;
		else if (rc)
			rc = BENCH_EXIT_FAIL;
	}
	if (rc < 128 && rc != BENCH_EXIT_USAGE)
		unlink(marker);
	fprintf(env->err, "iopf-bench calibrate: %s%s\n", c->dir, access(marker, F_OK) ? "" : " (INCOMPLETE)");
out:
	if (env->handle_signals) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	free(c->v);
	free(c->fail);
	free(c->tx);
	free(c->ty);
	free(c->tt);
	free(c);
	if (rc >= 128 && env->handle_signals) {
		signal(rc - 128, SIG_DFL);
		raise(rc - 128);
	}
	return rc;
}
