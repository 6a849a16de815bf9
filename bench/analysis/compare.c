// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - the CI regression gate: `iopf-bench compare BASELINE_DIR
 * NEW_DIR [NEW_DIR...]` (results/SCHEMA.md, "Comparing runs"): the folders,
 * like with like, the cells, and the table, JSON, JUnit, KTAP and
 * compare.html (its figures drawn by plot.c as report's are). The rule is
 * gate.c's, the statistics stats.c's, the baselines baseline.c's.
 *
 * Rules:
 * - Only like with like: the two folders must come from the same spec,
 *   target, VM shape, point parameters and designs, on the same kind of
 *   machine with the same kernel configs per design; else exit 2 with every
 *   difference listed (--force compares anyway). The kernel's own key and
 *   patches may differ: they are the code under test. A point measured with
 *   ABI <= 6's prq model against the same point with ABI 7's vtd is another
 *   harness, not a difference: exit 2 even with --force.
 * - A cell (point, design, metric) of a gated metric is judged on the
 *   successful repetitions of both sides by the gate's rule, gate.c
 *   (gate_family(): one one-sided test per cell, Holm over the family).
 * - A repetition of NEW that failed, ended in an error or saw invariant
 *   violations is a regression whatever the figures.
 * - Several NEW_DIRs are columns (lkp compare's): each is judged against
 *   BASELINE_DIR exactly as the two-folder compare would.
 * - Nothing is ever written into the compared folders.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <json-c/json.h>

#include "baseline.h"
#include "folder.h"
#include "gate.h"
#include "html.h"
#include "jsonutil.h"
#include "plot.h"
#include "xalloc.h"
#include "report.h"
#include "results.h"
#include "runjson.h"
#include "stats.h"

#define JADD(o, k, v) json_object_object_add((o), (k), (v))
#define JSTR(s) json_object_new_string(s)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit status of compare (and of baseline's refusals). */
enum { GX_OK = 0, GX_REGRESSION = 1, GX_INVALID = 2 };

/* ------------------------------------------------------------------------ */
/* Small helpers */

/* A growable list of strings (notes, mismatches). */
struct strv {
	char **v;
	size_t n, cap;
};

static void __attribute__((format(printf, 2, 3))) strv_addf(struct strv *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		xalloc_die();
	va_end(ap);
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

static void strv_free(struct strv *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* A value as text for messages: strings bare, absent = "absent", the rest as JSON. */
static const char *jtext(struct json_object *parent, const char *key, struct json_object *v)
{
	if (parent && key && !jhas(parent, key))
		return "absent";
	if (!v)
		return "null";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

/* Equal JSON values; numbers by value (20000 and 20000.0 are the same rate). */
static bool jequal(struct json_object *a, struct json_object *b)
{
	double x, y;

	if (jnumber(a, &x) && jnumber(b, &y))
		return x == y;
	if (!a || !b)
		return !a && !b;
	return json_object_equal(a, b);
}

static bool parse_uint(const char *s, unsigned int min, unsigned int *v)
{
	char *end;
	unsigned long x;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno || *end || x < min || x > 1000000)
		return false;
	*v = (unsigned int)x;
	return true;
}

/* ------------------------------------------------------------------------ */
/* Formatting */

/* A cell's value in words, by its metric's kind ("runs", "*" and unknown names: a count). */
static void fmt_value(const char *metric, double v, char *buf, size_t len)
{
	const struct gate_metric *m = gate_metric_find(metric);

	gate_fmt_value(m ? m->kind : GATE_COUNT, v, buf, len);
}

static void fmt_pct(double change, char *buf, size_t len)
{
	if (!isfinite(change))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f %%", change * 100);
}

/* ------------------------------------------------------------------------ */
/* The two folders */

struct side {
	const char *what;		/* "baseline" or "new" */
	char *dir;
	struct json_object *run, *plan, *prov, *saved;	/* prov: NULL = none; saved: BASELINE.json or NULL */
	struct rj_run rj;		/* run.json's points, designs and repetitions, typed (runjson.h) */
	double regress_response, regress_report;	/* the synthetic regression knob, 0 = off */
	const char *design;		/* --pair: this side's design, else NULL (every design) */
};

struct cell {
	const char *point, *design, *metric;	/* metric "runs": failed repetitions; "*": only on one side */
	const struct gate_metric *m;		/* NULL for "runs" and "*" */
	double *base, *cand;
	size_t nb, nn;
	double base_min, base_max, new_min, new_max;
	double samples_base[2], samples_new[2];	/* show_n metrics: the runs' sample counts, min and max (NAN: none) */
	double threshold;
	bool in_family;				/* a gated metric's cell: one of the tests corrected for */
	unsigned int dropped_base, dropped_new;	/* repetitions whose value was left out (too few samples) */
	struct gate_cell g;
};

struct cmpctx {
	const struct bench_env *env;
	struct side s[2];		/* 0 = baseline, 1 = new */
	unsigned int folder;		/* s[1]'s place among the folders compared (1..N-1; 0 is the base) */
	bool borrowed;			/* the option strings (pair_*) belong to the first column */
	/* options */
	double threshold;		/* default, a fraction */
	double thr[GATE_NMETRICS];		/* per metric; NAN = the default */
	double alpha;
	unsigned int family_opt;	/* 0 = the number of gated cells */
	unsigned int min_reps;
	bool separation;		/* --lkp-separation */
	bool default_metrics;		/* no --metrics: the pre-registered set */
	bool force, json, ktap, quiet, verbose;
	const char *junit;
	const struct gate_metric *metrics[GATE_NMETRICS];
	unsigned int nmetrics;
	char *pair_base, *pair_new, *pair_label;	/* --pair BASE:NEW, label "BASE->NEW" */
	/* results */
	struct strv notes, mismatches;
	struct cell *cells;
	size_t ncells, cap;
	unsigned int family;
	double confidence;
	unsigned int counts[GATE_NVERDICTS];
};

static void __attribute__((format(printf, 2, 3))) cerr(const struct cmpctx *C, const char *fmt, ...)
{
	va_list ap;

	fprintf(C->env->err, "iopf-bench compare: ");
	va_start(ap, fmt);
	vfprintf(C->env->err, fmt, ap);
	va_end(ap);
	fputc('\n', C->env->err);
}


static void regress_add(struct side *s, struct json_object *r)
{
	const char *d;
	double v;

	if (!r || !json_object_is_type(r, json_type_object))
		return;
	/* A knob on one design only (sweep --regress-design): this side's? */
	d = jstr(r, "design");
	if (d && s->design && strcmp(d, s->design))
		return;
	if (jnumber(jget(r, "response_ns"), &v) && v > s->regress_response)
		s->regress_response = v;
	if (jnumber(jget(r, "report_ns"), &v) && v > s->regress_report)
		s->regress_report = v;
}

/* The synthetic regression knob: plan.json's "regress", a point's or its params', provenance's. */
static void regress_scan(struct side *s)
{
	struct json_object *pts = jarr(s->plan, "points");

	regress_add(s, jget(s->plan, "regress"));
	regress_add(s, jget(s->prov, "regress"));
	for (size_t i = 0; pts && i < json_object_array_length(pts); i++) {
		struct json_object *pt = json_object_array_get_idx(pts, i);

		regress_add(s, jget(pt, "regress"));
		regress_add(s, jget(jget(pt, "params"), "regress"));
	}
}

/* Load run.json (required, schema_version RESULTS_SCHEMA_VERSION and the rule this gate applies), plan.json (required), provenance, BASELINE.json. */
static int side_load(struct cmpctx *C, struct side *s)
{
	struct json_object *sv, *prov;
	char *err, *p;

	if (!folder_is_dir(s->dir)) {
		cerr(C, "%s %s: not a folder", s->what, s->dir);
		return GX_INVALID;
	}
	p = xasprintf("%s/run.json", s->dir);
	if (!folder_is_file(p)) {
		cerr(C, "%s %s has no run.json: run `iopf-bench report %s` first", s->what, s->dir, s->dir);
		free(p);
		return GX_INVALID;
	}
	free(p);
	s->run = folder_read_json(s->dir, "run.json", &err);
	if (!s->run) {
		cerr(C, "%s: %s", s->what, err);
		free(err);
		return GX_INVALID;
	}
	sv = jget(s->run, "schema_version");
	if (sv && json_object_is_type(sv, json_type_int) && json_object_get_int64(sv) < RESULTS_SCHEMA_VERSION &&
	    json_object_get_int64(sv) >= 1) {
		/* Written by an older report, under rule 1 (better / worse / same / undecided). */
		p = xasprintf("%s/raw", s->dir);
		cerr(C, "%s %s: run.json is from another rule version (schema_version %lld, rule 1; this "
		     "iopf-bench judges by rule %d): %s", s->what, s->dir, (long long)json_object_get_int64(sv),
		     GATE_RULE_VERSION, folder_is_dir(p) ? "run `iopf-bench report --force DIR` on it to rewrite run.json "
		     "from its raw runs" : "a saved baseline has no raw runs: save a new one (iopf-bench baseline save)");
		free(p);
		return GX_INVALID;
	}
	if (!sv || !json_object_is_type(sv, json_type_int) || json_object_get_int64(sv) != RESULTS_SCHEMA_VERSION ||
	    !jstr(s->run, "status") || !jarr(s->run, "sweeps")) {
		cerr(C, "%s: %s/run.json is not a run.json of schema_version %d (no status or sweeps)", s->what,
		     s->dir, RESULTS_SCHEMA_VERSION);
		return GX_INVALID;
	}
	sv = jget(s->run, "rule_version");
	if (!sv || !json_object_is_type(sv, json_type_int) || json_object_get_int64(sv) != GATE_RULE_VERSION) {
		cerr(C, "%s %s: run.json is from another rule version (rule %s; this iopf-bench judges by rule %d): "
		     "run `iopf-bench report --force DIR` on it to rewrite run.json", s->what, s->dir,
		     sv ? json_object_get_string(sv) : "none", GATE_RULE_VERSION);
		return GX_INVALID;
	}
	if (rj_read(s->run, &s->rj, &err)) {
		cerr(C, "%s: %s/run.json: %s", s->what, s->dir, err);
		free(err);
		return GX_INVALID;
	}
	s->plan = folder_read_json(s->dir, "plan.json", &err);
	if (!s->plan) {
		cerr(C, "%s: %s (the points' parameters are compared from it)", s->what, err);
		free(err);
		return GX_INVALID;
	}
	/* provenance.json, else the copy report put into run.json */
	s->prov = folder_read_json(s->dir, "provenance.json", &err);
	free(err);
	prov = jget(s->run, "provenance");
	if (!s->prov && prov && json_object_is_type(prov, json_type_object))
		s->prov = json_object_get(prov);
	s->saved = folder_read_json(s->dir, "BASELINE.json", &err);
	free(err);
	regress_scan(s);
	return GX_OK;
}

/* A folder the gate can use: not incomplete; a baseline not failed either. */
static int side_usable(struct cmpctx *C, struct side *s, bool baseline)
{
	const char *st = jstr(s->run, "status");
	char *p = xasprintf("%s/INCOMPLETE", s->dir), *why;
	bool marker = folder_is_file(p);

	free(p);
	if (marker || !strcmp(st, "incomplete")) {
		why = folder_problems_text(s->run);
		/* report already says so in problems when it saw the marker */
		cerr(C, "incomplete: %s %s: %s%s", s->what, s->dir, marker && strcmp(st, "incomplete") ?
		     "INCOMPLETE marker present (the sweep did not finish); " : "", why);
		free(why);
		return GX_INVALID;
	}
	if (strcmp(st, "complete") && strcmp(st, "failed")) {
		cerr(C, "%s %s: unknown run.json status '%s'", s->what, s->dir, st);
		return GX_INVALID;
	}
	if (baseline && !strcmp(st, "failed")) {
		why = folder_problems_text(s->run);
		cerr(C, "baseline %s has failed repetitions (a baseline must be clean): %s", s->dir, why);
		free(why);
		return GX_INVALID;
	}
	return GX_OK;
}

/* ------------------------------------------------------------------------ */
/* Like with like */

static const char *spec_name(const struct side *s)
{
	const char *n = jstr(jget(s->plan, "spec"), "name");

	if (!n)
		n = jstr(jget(s->run, "spec"), "name");
	return n ? n : "?";
}

/* Compare o[0].key and o[1].key; a difference goes to mismatches as "LABEL X (baseline) vs Y (new)". */
static void differ(struct cmpctx *C, const char *label, struct json_object *o0, struct json_object *o1,
		   const char *key)
{
	struct json_object *a = jget(o0, key), *b = jget(o1, key);
	char *ta;

	if (jhas(o0, key) == jhas(o1, key) && jequal(a, b))
		return;
	ta = xstrdup(jtext(o0, key, a));	/* jtext's buffer belongs to the object */
	strv_addf(&C->mismatches, "%s %s (baseline) vs %s (new)", label, ta, jtext(o1, key, b));
	free(ta);
}

static struct json_object *plan_point(struct json_object *plan, const char *id)
{
	return jfind(plan, "points", "id", id);
}

static bool str_in(struct json_object *arr, const char *s)
{
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		const char *t = json_object_get_string(json_object_array_get_idx(arr, i));

		if (t && !strcmp(t, s))
			return true;
	}
	return false;
}

/*
 * The same experiment: spec name, target, VM, designs, the point set and
 * every point's params (key by key; "regress" is the synthetic knob, not a
 * parameter). Repetitions may differ (a note).
 */
static void check_spec(struct cmpctx *C)
{
	struct json_object *p0 = C->s[0].plan, *p1 = C->s[1].plan, *v0, *v1, *d0, *d1, *pts;
	double r0, r1;

	if (strcmp(spec_name(&C->s[0]), spec_name(&C->s[1])))
		strv_addf(&C->mismatches, "spec name %s (baseline) vs %s (new)", spec_name(&C->s[0]),
			  spec_name(&C->s[1]));
	differ(C, "target", p0, p1, "target");
	v0 = jget(p0, "vm");
	v1 = jget(p1, "vm");
	if (!v0 || !v1 || !json_object_is_type(v0, json_type_object) || !json_object_is_type(v1, json_type_object)) {
		differ(C, "vm", p0, p1, "vm");
	} else {
		/* key by key, but "note" is words */
		json_object_object_foreach(v0, k0, x0) {
			(void)x0;
			if (strcmp(k0, "note")) {
				char *l = xasprintf("vm %s", k0);

				differ(C, l, v0, v1, k0);
				free(l);
			}
		}
		json_object_object_foreach(v1, k1, x1) {
			(void)x1;
			if (strcmp(k1, "note") && !jhas(v0, k1)) {
				char *l = xasprintf("vm %s", k1);

				differ(C, l, v0, v1, k1);
				free(l);
			}
		}
	}
	/* The designs lists must match, except with --pair: each side's design is there (compare_run checks). */
	d0 = C->pair_base ? NULL : jarr(p0, "designs");
	d1 = C->pair_base ? NULL : jarr(p1, "designs");
	for (size_t i = 0; d0 && i < json_object_array_length(d0); i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(d0, i));

		if (!str_in(d1, d))
			strv_addf(&C->mismatches, "design %s only in baseline", d);
	}
	for (size_t i = 0; d1 && i < json_object_array_length(d1); i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(d1, i));

		if (!str_in(d0, d))
			strv_addf(&C->mismatches, "design %s only in new", d);
	}
	pts = jarr(p0, "points");
	for (size_t i = 0; pts && i < json_object_array_length(pts); i++) {
		struct json_object *a = json_object_array_get_idx(pts, i), *b, *pa, *pb;
		const char *id = jstr(a, "id");

		if (!id)
			continue;
		b = plan_point(p1, id);
		if (!b) {
			strv_addf(&C->mismatches, "point %s only in baseline", id);
			continue;
		}
		pa = jget(a, "params");
		pb = jget(b, "params");
		json_object_object_foreach(pa, ka, xa) {
			(void)xa;
			if (strcmp(ka, "regress")) {
				char *l = xasprintf("point %s: %s", id, ka);

				differ(C, l, pa, pb, ka);
				free(l);
			}
		}
		json_object_object_foreach(pb, kb, xb) {
			(void)xb;
			if (strcmp(kb, "regress") && !jhas(pa, kb)) {
				char *l = xasprintf("point %s: %s", id, kb);

				differ(C, l, pa, pb, kb);
				free(l);
			}
		}
	}
	pts = jarr(p1, "points");
	for (size_t i = 0; pts && i < json_object_array_length(pts); i++) {
		const char *id = jstr(json_object_array_get_idx(pts, i), "id");

		if (id && !plan_point(p0, id))
			strv_addf(&C->mismatches, "point %s only in new", id);
	}
	if (jnumber(jget(p0, "repetitions"), &r0) && jnumber(jget(p1, "repetitions"), &r1) && r0 != r1)
		strv_addf(&C->notes, "repetitions %g (baseline) vs %g (new): not a mismatch, each cell uses "
			  "what it has", r0, r1);
}

/*
 * ABI 7 renamed the prq driver model vtd and made it exact to VT-d's source
 * (the reporter's batches and lock, the detach's drain and QI drain, FIFO
 * reporters): a point measured with prq and the same point measured with
 * vtd ran two different harnesses. That is not a difference --force can
 * wave through, but bad input: one line, exit 2.
 */
static int check_model_rename(struct cmpctx *C)
{
	struct json_object *pts = jarr(C->s[0].plan, "points");

	for (size_t i = 0; pts && i < json_object_array_length(pts); i++) {
		struct json_object *a = json_object_array_get_idx(pts, i), *b;
		const char *id = jstr(a, "id"), *m0, *m1;

		if (!id || !(b = plan_point(C->s[1].plan, id)))
			continue;
		m0 = jstr(jget(a, "params"), "model");
		m1 = jstr(jget(b, "params"), "model");
		if (!m0 || !m1)
			continue;
		if (!strcmp(m0, "prq") && strcmp(m1, "prq") && strcmp(m1, "direct")) {
			cerr(C, "baseline %s was measured with the pre-ABI-7 prq model, new %s with %s (point %s): "
			     "two different harnesses; save a new baseline (iopf-bench baseline save)",
			     C->s[0].dir, C->s[1].dir, m1, id);
			return GX_INVALID;
		}
		if (!strcmp(m1, "prq") && strcmp(m0, "prq") && strcmp(m0, "direct")) {
			cerr(C, "new %s was measured with the pre-ABI-7 prq model, baseline %s with %s (point %s): "
			     "two different harnesses; measure it again with this iopf-bench",
			     C->s[1].dir, C->s[0].dir, m0, id);
			return GX_INVALID;
		}
	}
	return GX_OK;
}

static struct json_object *kernel_of(struct json_object *prov, const char *design)
{
	return jfind(prov, "kernels", "design", design);
}

/*
 * The same kind of machine and kernel configuration: per design the
 * kernel's config_sha256 (its key and patches are the code under test and
 * may differ), host.cpu, host.topology.{pus,cores,numa_nodes} and QEMU's
 * accelerator (none: the host target).
 */
/*
 * A kernel config's options, compared by what they set: CONFIG_X=v lines and
 * "# CONFIG_X is not set" (as X=n), sorted; every other comment (the
 * "Linux/x86 6.12.118 Kernel Configuration" header among them) and the
 * options Kconfig derives from the toolchain (CC_VERSION_TEXT, GCC_VERSION,
 * CC_HAS_*, AS_HAS_*, ...) are left out: a point release or a new compiler
 * is what a gate judges, not a different configuration.
 */
static bool toolchain_option(const char *o, size_t len)
{
	static const char *const pre[] = { "CC_IS_", "AS_IS_", "LD_IS_", "CC_HAS_", "AS_HAS_", "LD_HAS_",
					   "CC_CAN_", "LD_CAN_", "TOOLCHAIN_HAS_", "TOOLS_SUPPORT_", "RUSTC_" };
	static const char *const suf[] = { "_VERSION", "_VERSION_TEXT" };

	for (size_t i = 0; i < ARRAY_SIZE(pre); i++)
		if (!strncmp(o, pre[i], strlen(pre[i])))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(suf); i++)
		if (len > strlen(suf[i]) && !strncmp(o + len - strlen(suf[i]), suf[i], strlen(suf[i])))
			return true;
	return len == strlen("RUST_IS_AVAILABLE") && !strncmp(o, "RUST_IS_AVAILABLE", len);
}

/* A provenance value as text; a named source (an object) as "SPEC VERSION". */
static char *source_text(struct json_object *parent, const char *key, struct json_object *v)
{
	if (v && json_object_is_type(v, json_type_object) && jstr(v, "spec"))
		return xasprintf("%s %s", jstr(v, "spec"), jstr(v, "version") ? jstr(v, "version") : "");
	return xstrdup(jtext(parent, key, v));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "X=v" per option of a .config (without CONFIG_), sorted; false when unreadable. */
static bool config_options(const char *path, struct strv *out)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!f)
		return false;
	while ((len = getline(&line, &cap, f)) > 0) {
		const char *o;
		size_t n;

		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!strncmp(line, "CONFIG_", 7)) {
			o = line + 7;
			n = strcspn(o, "=");
			if (!o[n] || toolchain_option(o, n))
				continue;
			strv_addf(out, "%s", o);
		} else if (!strncmp(line, "# CONFIG_", 9) && len > 20 && !strcmp(line + len - 11, " is not set")) {
			o = line + 9;
			n = (size_t)(line + len - 11 - o);
			if (!toolchain_option(o, n))
				strv_addf(out, "%.*s=n", (int)n, o);
		}
	}
	free(line);
	fclose(f);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return true;
}

/* The option named by "X=v" (its length up to '='). */
static int opt_cmp(const char *a, const char *b)
{
	size_t la = strcspn(a, "="), lb = strcspn(b, "=");
	int r = strncmp(a, b, la < lb ? la : lb);

	return r ? r : (la > lb) - (la < lb);
}

/*
 * Design db's kernel in the baseline against dn's in new: their options
 * (config-LABEL-FLAVOR beside provenance.json), each differing one named in
 * a mismatch (the first 8, then a count); without the files, the hash of the
 * whole .config. What else differs (release, source, patches, compiler) is a
 * note: what changed, the subject of the comparison.
 */
static void check_config(struct cmpctx *C, struct json_object *kb, struct json_object *kn)
{
	static const char *const what[] = { "kernelrelease", "source", "patches", "compiler" };
	const char *db = jstr(kb, "design"), *dn = jstr(kn, "design");
	char *pb = xasprintf("%s/config-%s-%s", C->s[0].dir, db ? db : "?", jstr(kb, "flavor") ? jstr(kb, "flavor") : "?");
	char *pn = xasprintf("%s/config-%s-%s", C->s[1].dir, dn ? dn : "?", jstr(kn, "flavor") ? jstr(kn, "flavor") : "?");
	char *name = strcmp(db ? db : "", dn ? dn : "") ? xasprintf("%s (baseline) and %s (new)", db, dn) :
			     xasprintf("%s", db ? db : "?");
	struct strv ob = { 0 }, on = { 0 }, diff = { 0 };

	if (config_options(pb, &ob) && config_options(pn, &on)) {
		size_t i = 0, j = 0;

		while (i < ob.n || j < on.n) {
			int c = i == ob.n ? 1 : j == on.n ? -1 : opt_cmp(ob.v[i], on.v[j]);
			const char *vb = c <= 0 ? strchr(ob.v[i], '=') + 1 : "absent";
			const char *vn = c >= 0 ? strchr(on.v[j], '=') + 1 : "absent";

			if (strcmp(vb, vn))
				strv_addf(&diff, "CONFIG_%.*s %s (baseline) vs %s (new)",
					  (int)strcspn(c <= 0 ? ob.v[i] : on.v[j], "="), c <= 0 ? ob.v[i] : on.v[j], vb, vn);
			i += c <= 0;
			j += c >= 0;
		}
		if (diff.n) {
			char buf[1024] = "";
			size_t k;

			for (k = 0; k < diff.n && k < 8; k++)
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", k ? "; " : "", diff.v[k]);
			strv_addf(&C->mismatches, "kernel config of design %s: %zu option(s) differ: %s%s", name,
				  diff.n, buf, diff.n > k ? "; ..." : "");
		}
	} else {
		char *l = xasprintf("kernel config_sha256 of design %s (no config-%s-* files to compare by option):",
				    name, db ? db : "?");

		differ(C, l, kb, kn, "config_sha256");
		free(l);
	}
	for (size_t k = 0; k < ARRAY_SIZE(what); k++) {
		struct json_object *a = jget(kb, what[k]), *b = jget(kn, what[k]);

		if (!(jhas(kb, what[k]) == jhas(kn, what[k]) && jequal(a, b))) {
			char *ta = source_text(kb, what[k], a), *tb = source_text(kn, what[k], b);

			strv_addf(&C->notes, "what changed in the kernel of %s: %s %s (baseline) -> %s (new)", name,
				  what[k], ta, tb);
			free(ta);
			free(tb);
		}
	}
	strv_free(&ob);
	strv_free(&on);
	strv_free(&diff);
	free(pb);
	free(pn);
	free(name);
}

static void check_machine(struct cmpctx *C)
{
	struct json_object *q0, *q1, *ks;
	static const char *const topo[] = { "pus", "cores", "numa_nodes" };
	const char *a0, *a1;

	for (int i = 0; i < 2; i++)
		if (!C->s[i].prov)
			strv_addf(&C->mismatches, "%s %s has no provenance.json: machine and kernels cannot be "
				  "checked", C->s[i].what, C->s[i].dir);
	if (!C->s[0].prov || !C->s[1].prov)
		return;
	if (C->pair_base) {
		/* The two designs' kernels, instead of each design's on both sides. */
		struct json_object *kb = kernel_of(C->s[0].prov, C->pair_base), *kn = kernel_of(C->s[1].prov, C->pair_new);

		if (!kb || !kn) {
			strv_addf(&C->mismatches, "no kernel of design %s in %s's provenance", kb ? C->pair_new :
				  C->pair_base, kb ? "new" : "baseline");
		} else {
			check_config(C, kb, kn);
		}
	} else {
		for (int side = 0; side < 2; side++) {
			ks = jarr(C->s[side].prov, "kernels");
			for (size_t i = 0; ks && i < json_object_array_length(ks); i++) {
				struct json_object *k = json_object_array_get_idx(ks, i), *o;
				const char *d = jstr(k, "design");

				if (!d)
					continue;
				o = kernel_of(C->s[!side].prov, d);
				if (!o)
					strv_addf(&C->mismatches, "kernel of design %s only in %s's provenance", d,
						  C->s[side].what);
				else if (!side)
					check_config(C, k, o);
			}
		}
	}
	differ(C, "machine host.cpu", jget(C->s[0].prov, "host"), jget(C->s[1].prov, "host"), "cpu");
	for (size_t i = 0; i < ARRAY_SIZE(topo); i++) {
		char *l = xasprintf("machine host.topology.%s", topo[i]);

		differ(C, l, jget(jget(C->s[0].prov, "host"), "topology"),
		       jget(jget(C->s[1].prov, "host"), "topology"), topo[i]);
		free(l);
	}
	q0 = jget(C->s[0].prov, "qemu");
	q1 = jget(C->s[1].prov, "qemu");
	a0 = q0 ? jstr(q0, "accel") : "none (host target)";
	a1 = q1 ? jstr(q1, "accel") : "none (host target)";
	if (strcmp(a0 ? a0 : "?", a1 ? a1 : "?"))
		strv_addf(&C->mismatches, "machine qemu.accel %s (baseline) vs %s (new)", a0 ? a0 : "?",
			  a1 ? a1 : "?");
}

/* ------------------------------------------------------------------------ */
/* Cells */

static struct cell *cell_new(struct cmpctx *C, const char *point, const char *design, const char *metric)
{
	struct cell *c;

	if (C->ncells == C->cap) {
		C->cap = C->cap ? 2 * C->cap : 64;
		C->cells = xrealloc(C->cells, C->cap * sizeof(*C->cells));
	}
	c = &C->cells[C->ncells++];
	memset(c, 0, sizeof(*c));
	c->point = point;
	c->design = design;
	c->metric = metric;
	c->base_min = c->base_max = c->new_min = c->new_max = c->threshold = NAN;
	c->samples_base[0] = c->samples_base[1] = c->samples_new[0] = c->samples_new[1] = NAN;
	c->g.base_median = c->g.new_median = c->g.ratio = c->g.change = NAN;
	c->g.ci_lo = c->g.ci_hi = c->g.confidence = NAN;
	return c;
}

static void cell_missing(struct cmpctx *C, const char *point, const char *design, const char *why)
{
	struct cell *c = cell_new(C, point, design, "*");

	c->g.verdict = GATE_MISSING;
	snprintf(c->g.reason, sizeof(c->g.reason), "%s", why);
}

/*
 * A repetition of NEW that failed, ended in an error or saw violations: a
 * "runs" regression. One that was skipped at run time is never silent: a
 * noisy "runs" cell (when nothing failed) naming it, since each cell of
 * that point then has fewer values than planned.
 */
static void cell_runs(struct cmpctx *C, const char *point, const char *design, const struct rj_design *dd)
{
	static size_t kviol = (size_t)-1;
	size_t cnt = dd->nreps, len = 0, slen = 0;
	unsigned int bad = 0, skipped = 0;
	char buf[sizeof(((struct gate_cell *)0)->reason)] = "", sbuf[sizeof(buf)] = "";
	struct cell *c;

	if (kviol == (size_t)-1)
		kviol = (size_t)(gate_metric_find("invariant_violations") - gate_metrics);
	for (size_t i = 0; i < cnt; i++) {
		const struct rj_rep *r = &dd->reps[i];
		const char *st = r->status_name, *why = r->reason;
		double viol = r->have[kviol] ? r->v[kviol] : 0;

		if (r->status == RJ_SKIPPED) {
			int w;

			skipped++;
			if (slen < sizeof(sbuf) - 1) {
				w = snprintf(sbuf + slen, sizeof(sbuf) - slen, "%sr%u skipped: %s", slen ? "; " : "",
					     r->rep, why ? why : "(no reason)");
				slen = w < 0 ? slen : slen + (size_t)w;
			}
			continue;
		}
		if (!st || (r->status != RJ_FAILURE && r->status != RJ_ERROR && !(viol > 0)))
			continue;
		bad++;
		if (len < sizeof(buf) - 1) {
			int w;

			if (viol > 0 && r->status == RJ_SUCCESS)
				w = snprintf(buf + len, sizeof(buf) - len, "%sr%u: %g invariant violations",
					     len ? "; " : "", r->rep, viol);
			else
				w = snprintf(buf + len, sizeof(buf) - len, "%sr%u %s: %s", len ? "; " : "", r->rep, st,
					     why ? why : "(no reason)");
			len = w < 0 ? len : len + (size_t)w;
		}
	}
	if (!bad && !skipped)
		return;
	c = cell_new(C, point, design, "runs");
	c->nn = cnt;
	c->g.n_new = (unsigned int)cnt;
	if (bad) {
		c->g.verdict = GATE_REGRESSED;
		snprintf(c->g.reason, sizeof(c->g.reason), "%u of %zu repetitions not successful: %s%s%s", bad, cnt,
			 buf, skipped ? "; " : "", sbuf);
	} else {
		c->g.verdict = GATE_NOISY;
		snprintf(c->g.reason, sizeof(c->g.reason), "%u of %zu repetitions skipped in new (fewer values "
			 "than planned in every cell of this point): %s", skipped, cnt, sbuf);
	}
}

static void cell_metric(struct cmpctx *C, const char *point, const char *design, const struct gate_metric *m,
			const struct rj_design *bd, const struct rj_design *nd)
{
	size_t k = (size_t)(m - gate_metrics), nb, nn;
	double *b = xcalloc(bd->nreps + 1, sizeof(double)), *x = xcalloc(nd->nreps + 1, sizeof(double));
	struct cell *c;
	unsigned int db, dn;

	nb = rj_values(bd, k, b, &db);
	nn = rj_values(nd, k, x, &dn);
	if (!nb && !nn && !db && !dn) {	/* not measured on either side: not a cell */
		free(b);
		free(x);
		return;
	}
	if (!nb && !nn) {
		/* Measured, but too thin everywhere: a cell that says so, not a hole. */
		free(b);
		free(x);
		c = cell_new(C, point, design, m->name);
		c->g.verdict = GATE_NOISY;
		snprintf(c->g.reason, sizeof(c->g.reason), "too few samples per run for this percentile in every "
			 "repetition (left out of %u baseline and %u new repetitions; p50 needs 20, p99 1000, "
			 "p99.9 10000)", db, dn);
		return;
	}
	c = cell_new(C, point, design, m->name);
	c->dropped_base = db;
	c->dropped_new = dn;
	c->m = m;
	if (m->show_n) {	/* a small sample per run: its counts go beside it */
		rj_samples(bd, k, &c->samples_base[0], &c->samples_base[1]);
		rj_samples(nd, k, &c->samples_new[0], &c->samples_new[1]);
	}
	c->base = b;
	c->cand = x;
	c->nb = nb;
	c->nn = nn;
	c->threshold = isnan(C->thr[k]) ? C->threshold : C->thr[k];
	for (size_t i = 0; i < nb; i++) {
		if (!i || b[i] < c->base_min)
			c->base_min = b[i];
		if (!i || b[i] > c->base_max)
			c->base_max = b[i];
	}
	for (size_t i = 0; i < nn; i++) {
		if (!i || x[i] < c->new_min)
			c->new_min = x[i];
		if (!i || x[i] > c->new_max)
			c->new_max = x[i];
	}
	c->in_family = true;	/* a gated metric's cell: one test of the family */
}

/* The designs in plan order: the baseline's, then the new ones. */
static const char **design_order(struct cmpctx *C, size_t *n)
{
	const char **v = NULL;
	size_t cap = 0;

	*n = 0;
	for (int s = 0; s < 2; s++) {
		struct json_object *ds = jarr(C->s[s].plan, "designs");

		for (size_t i = 0; ds && i < json_object_array_length(ds); i++) {
			const char *d = json_object_get_string(json_object_array_get_idx(ds, i));
			bool seen = false;

			for (size_t k = 0; k < *n; k++)
				seen |= !strcmp(v[k], d);
			if (seen || !d)
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 8;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[(*n)++] = d;
		}
	}
	return v;
}

/* The cells of one point for the baseline's design bd and the new one's dd, named label. */
static void design_cells(struct cmpctx *C, const char *id, const char *label, const struct rj_design *bd,
			 const struct rj_design *dd, bool closed_loop)
{
	if (!bd && !dd)
		return;
	if (!bd || !dd) {
		cell_missing(C, id, label, bd ? "design only in baseline" : "design only in new");
		return;
	}
	cell_runs(C, id, label, dd);
	for (unsigned int k = 0; k < C->nmetrics; k++) {
		/* The default set gates throughput in closed loop only (gate_default_gated()). */
		if (C->default_metrics && !gate_default_gated(C->metrics[k], closed_loop))
			continue;
		cell_metric(C, id, label, C->metrics[k], bd, dd);
	}
}

static void point_cells(struct cmpctx *C, const struct rj_point *bp, const struct rj_point *np,
			const char **designs, size_t nd)
{
	/* Closed loop: no offered rate (rate_per_s 0 or absent), as NEW ran it. */
	if (C->pair_base) {
		design_cells(C, bp->id, C->pair_label, rj_design(bp, C->pair_base), rj_design(np, C->pair_new),
			     np->closed_loop);
		return;
	}
	for (size_t i = 0; i < nd; i++)
		design_cells(C, bp->id, designs[i], rj_design(bp, designs[i]), rj_design(np, designs[i]),
			     np->closed_loop);
}

static void build_cells(struct cmpctx *C)
{
	const struct rj_run *b = &C->s[0].rj, *n = &C->s[1].rj;
	size_t nd;
	const char **designs = design_order(C, &nd);

	for (size_t i = 0; i < b->npoints; i++) {
		const struct rj_point *bp = &b->points[i], *np = rj_point(n, bp->id);

		if (np) {
			point_cells(C, bp, np, designs, nd);
			continue;
		}
		for (size_t d = 0; d < bp->nd; d++)
			cell_missing(C, bp->id, bp->designs[d].name, "point only in baseline");
	}
	for (size_t i = 0; i < n->npoints; i++) {
		const struct rj_point *np = &n->points[i];

		if (rj_point(b, np->id))
			continue;
		for (size_t d = 0; d < np->nd; d++)
			cell_missing(C, np->id, np->designs[d].name, "point only in new");
	}
	free(designs);

	/* The family: every cell of a gated metric is one test (gate_family()). */
	C->family = 0;
	for (size_t i = 0; i < C->ncells; i++)
		C->family += C->cells[i].in_family;
	if (C->family_opt)
		C->family = C->family_opt;
	C->confidence = 1 - 2 * C->alpha / (C->family ? C->family : 1);
	{
		struct gate_test *t = xcalloc(C->ncells, sizeof(*t));
		size_t nt = 0;

		for (size_t i = 0; i < C->ncells; i++) {
			struct cell *c = &C->cells[i];

			if (!c->m)
				continue;
			t[nt++] = (struct gate_test){ .m = c->m, .base = c->base, .nb = c->nb, .cand = c->cand,
						      .nn = c->nn, .threshold = c->threshold,
						      .in_family = c->in_family };
		}
		gate_family(t, nt, C->alpha, C->family, C->min_reps, C->separation);
		nt = 0;
		for (size_t i = 0; i < C->ncells; i++)
			if (C->cells[i].m)
				C->cells[i].g = t[nt++].g;
		free(t);
	}
	/*
	 * Values NEW left out for too few samples: flagged in the reason; an
	 * equivalence claim on fewer values than ran is not made (noisy).
	 */
	for (size_t i = 0; i < C->ncells; i++) {
		struct cell *c = &C->cells[i];
		size_t len = strlen(c->g.reason);

		if (!c->m || !c->dropped_new)
			continue;
		snprintf(c->g.reason + len, sizeof(c->g.reason) - len, "; %u new repetition(s) left this percentile "
			 "out (too few samples)", c->dropped_new);
		if (c->g.verdict == GATE_UNCHANGED)
			c->g.verdict = GATE_NOISY;
	}
	for (size_t i = 0; i < C->ncells; i++)
		C->counts[C->cells[i].g.verdict]++;
}

/* ------------------------------------------------------------------------ */
/* Outputs */

static void git_text(const struct side *s, char *buf, size_t len)
{
	folder_git_text(s->prov, buf, len);
}

/* The summary line over the columns (every later folder against the first): their cells added up. */
static void summary_line_all(const struct cmpctx *const *cols, size_t n, char *buf, size_t len)
{
	unsigned int cnt[GATE_NVERDICTS] = { 0 };
	size_t cells = 0;

	for (size_t k = 0; k < n; k++) {
		cells += cols[k]->ncells;
		for (size_t v = 0; v < GATE_NVERDICTS; v++)
			cnt[v] += cols[k]->counts[v];
	}
	snprintf(buf, len, "compare: %zu cells: %u regressed, %u improved, %u unchanged, %u noisy, %u missing -> %s",
		 cells, cnt[GATE_REGRESSED], cnt[GATE_IMPROVED], cnt[GATE_UNCHANGED], cnt[GATE_NOISY],
		 cnt[GATE_MISSING], cnt[GATE_REGRESSED] ? "REGRESSION" : "OK");
}

static void summary_line(const struct cmpctx *C, char *buf, size_t len)
{
	summary_line_all(&C, 1, buf, len);
}

/* "170us [148us..220us] n=10", or "-" */
static void side_cell_text(const struct cell *c, bool base, char *buf, size_t len)
{
	char med[32], lo[32], hi[32];
	size_t n = base ? c->nb : c->nn;

	if (!c->m) {
		snprintf(buf, len, "-");
		return;
	}
	if (!n) {
		snprintf(buf, len, "- n=0");
		return;
	}
	fmt_value(c->metric, base ? c->g.base_median : c->g.new_median, med, sizeof(med));
	fmt_value(c->metric, base ? c->base_min : c->new_min, lo, sizeof(lo));
	fmt_value(c->metric, base ? c->base_max : c->new_max, hi, sizeof(hi));
	if (c->m->show_n) {
		/* A small sample per run (the in-flush latencies): how small, beside it. */
		const double *s = base ? c->samples_base : c->samples_new;
		char sn[48];

		gate_fmt_samples(s[0], s[1], sn, sizeof(sn));
		snprintf(buf, len, "%s [%s..%s] n=%zu (samples/run %s)", med, lo, hi, n, sn);
		return;
	}
	snprintf(buf, len, "%s [%s..%s] n=%zu", med, lo, hi, n);
}

static void ci_text(const struct cell *c, char *buf, size_t len)
{
	char lo[24], hi[24];

	if (!isfinite(c->g.ci_lo)) {
		snprintf(buf, len, "-");
		return;
	}
	fmt_pct(c->g.ci_lo - 1, lo, sizeof(lo));
	fmt_pct(c->g.ci_hi - 1, hi, sizeof(hi));
	snprintf(buf, len, "%s..%s", lo, hi);
}

static void thresholds_text(const struct cmpctx *C, char *buf, size_t len)
{
	size_t l = (size_t)snprintf(buf, len, "%g %%", C->threshold * 100);

	for (unsigned int k = 0; k < C->nmetrics && l < len; k++) {
		size_t i = C->metrics[k] - gate_metrics;

		if (!isnan(C->thr[i]))
			l += (size_t)snprintf(buf + l, len - l, ", %s %g %%", gate_metrics[i].name, C->thr[i] * 100);
	}
}

static void print_table(struct cmpctx *C, FILE *f)
{
	enum { NCOL = 9 };
	static const char *const head[NCOL] = { "point", "design", "metric", "baseline", "change", "CI", "new",
						"verdict", "reason" };
	size_t w[NCOL], nrows = 0;
	char (*rows)[NCOL][240] = xcalloc(C->ncells + 1, sizeof(*rows)), line[400], thr[400];

	for (int i = 0; i < 2; i++) {
		char git[64];
		const char *gen = jstr(C->s[i].run, "generated");

		git_text(&C->s[i], git, sizeof(git));
		fprintf(f, "  %-9s %s  spec %s, git %s, reported %s", C->s[i].what, C->s[i].dir, spec_name(&C->s[i]),
			git, gen ? gen : "?");
		if (C->s[i].saved)
			fprintf(f, ", saved baseline \"%s\" %s", jstr(C->s[i].saved, "name") ?: "?",
				jstr(C->s[i].saved, "saved") ?: "?");
		fputc('\n', f);
	}
	{
		struct json_object *ks = jarr(C->s[0].prov, "kernels");
		size_t n = ks ? json_object_array_length(ks) : 0;

		fprintf(f, "  %-9s ", "kernels");
		for (size_t i = 0; i < n; i++) {
			struct json_object *k = json_object_array_get_idx(ks, i);
			const char *d = jstr(k, "design") ?: "?";
			struct json_object *o = kernel_of(C->s[1].prov, d);

			fprintf(f, "%s%s %s -> %s", i ? ", " : "", d, jstr(k, "key") ?: "?", jstr(o, "key") ?: "?");
		}
		fprintf(f, "%s\n", n ? "" : "unknown");
	}
	thresholds_text(C, thr, sizeof(thr));
	fprintf(f, "  %-9s rule %d: alpha %g over %u gated cells, one-sided tests, Holm%s (rows: %.4g %% "
		"intervals); threshold %s (for equivalence only); at least %u repetitions\n\n", "gate", GATE_RULE_VERSION,
		C->alpha, C->family, C->separation ? ", LKP separation" : "", C->confidence * 100, thr, C->min_reps);

	for (int j = 0; j < NCOL; j++) {
		snprintf(rows[0][j], sizeof(rows[0][j]), "%s", head[j]);
		w[j] = strlen(head[j]);
	}
	for (size_t i = 0; i < C->ncells; i++) {
		const struct cell *c = &C->cells[i];
		char (*r)[240];

		if (c->g.verdict == GATE_UNCHANGED && !C->verbose)
			continue;
		r = rows[++nrows];
		snprintf(r[0], 240, "%s", c->point);
		snprintf(r[1], 240, "%s", c->design);
		snprintf(r[2], 240, "%s", c->metric);
		side_cell_text(c, true, r[3], 240);
		fmt_pct(c->g.change, r[4], 240);
		ci_text(c, r[5], 240);
		side_cell_text(c, false, r[6], 240);
		snprintf(r[7], 240, "%s", gate_verdict_name(c->g.verdict));
		snprintf(r[8], 240, "%s", c->g.reason);
		for (int j = 0; j < NCOL; j++)
			if (strlen(r[j]) > w[j])
				w[j] = strlen(r[j]);
	}
	if (!nrows) {
		fprintf(f, "every cell unchanged (-v lists them)\n\n");
	} else {
		for (size_t i = 0; i <= nrows; i++) {
			for (int j = 0; j < NCOL - 1; j++)
				fprintf(f, "%-*s  ", (int)w[j], rows[i][j]);
			fprintf(f, "%s\n", rows[i][NCOL - 1]);
		}
		fputc('\n', f);
	}
	summary_line(C, line, sizeof(line));
	fprintf(f, "%s\n", line);
	free(rows);
}

/* The cell (point, design, metric) of a column, or NULL. */
static const struct cell *col_cell(const struct cmpctx *C, const struct cell *key)
{
	for (size_t i = 0; i < C->ncells; i++) {
		const struct cell *c = &C->cells[i];

		if (!strcmp(c->point, key->point) && !strcmp(c->design, key->design) && !strcmp(c->metric, key->metric))
			return c;
	}
	return NULL;
}

/*
 * The rows of several columns: every (point, design, metric) of any column,
 * the first column's order first. Each entry is that column's cell.
 */
static const struct cell **row_keys(struct cmpctx *const *cols, size_t n, size_t *nrows)
{
	const struct cell **v = NULL;
	size_t cap = 0;

	*nrows = 0;
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < cols[k]->ncells; i++) {
			const struct cell *c = &cols[k]->cells[i];
			bool seen = false;

			for (size_t j = 0; j < k && !seen; j++)
				seen = col_cell(cols[j], c) != NULL;
			if (seen)
				continue;
			if (*nrows == cap) {
				cap = cap ? 2 * cap : 64;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[(*nrows)++] = c;
		}
	return v;
}

/* "195us +30.0 % regressed" (a later folder's column), or "-". */
static void col_cell_text(const struct cell *c, char *buf, size_t len)
{
	char med[32], ch[24];

	if (!c) {
		snprintf(buf, len, "-");
		return;
	}
	if (!c->m || !c->nn) {
		snprintf(buf, len, "%s", gate_verdict_name(c->g.verdict));
		return;
	}
	fmt_value(c->metric, c->g.new_median, med, sizeof(med));
	fmt_pct(c->g.change, ch, sizeof(ch));
	snprintf(buf, len, "%s %s %s", med, ch, gate_verdict_name(c->g.verdict));
}

/*
 * The table of several folders, in the style of lkp compare: one row per
 * cell, the base folder's values, then per later folder its median, change
 * and verdict; the reasons of the regressed cells below it.
 */
static void print_table_cols(struct cmpctx *const *cols, size_t n, FILE *f)
{
	const struct cmpctx *C = cols[0];
	size_t nk, ncol = 4 + n, nrows = 0, *w = xcalloc(ncol, sizeof(size_t));
	const struct cell **keys = row_keys(cols, n, &nk);
	char (*rows)[240] = xcalloc((nk + 1) * ncol, 240), line[400], thr[400];

	for (size_t k = 0; k <= n; k++) {
		const struct side *s = k ? &cols[k - 1]->s[1] : &C->s[0];
		const char *gen = jstr(s->run, "generated");
		char git[64];

		git_text(s, git, sizeof(git));
		fprintf(f, "  %-4s [%zu] %s  spec %s, git %s, reported %s", k ? "new" : "base", k + 1, s->dir,
			spec_name(s), git, gen ? gen : "?");
		if (s->saved)
			fprintf(f, ", saved baseline \"%s\" %s", jstr(s->saved, "name") ?: "?", jstr(s->saved, "saved") ?: "?");
		if (k) {
			summary_line(cols[k - 1], line, sizeof(line));
			fprintf(f, "\n             %s", line + strlen("compare: "));
		}
		fputc('\n', f);
	}
	thresholds_text(C, thr, sizeof(thr));
	fprintf(f, "  gate rule %d: each later folder against [1] as `compare [1] FOLDER` would: alpha %g over its "
		"gated cells (", GATE_RULE_VERSION, C->alpha);
	for (size_t k = 0; k < n; k++)
		fprintf(f, "%s%u", k ? ", " : "", cols[k]->family);
	fprintf(f, "), one-sided tests, Holm%s; threshold %s (for equivalence only); at least %u repetitions\n\n",
		C->separation ? ", LKP separation" : "", thr, C->min_reps);

#define CELL(r, j) rows[(r) * ncol + (j)]
	snprintf(CELL(0, 0), 240, "point");
	snprintf(CELL(0, 1), 240, "design");
	snprintf(CELL(0, 2), 240, "metric");
	snprintf(CELL(0, 3), 240, "[1] base");
	for (size_t k = 0; k < n; k++)
		snprintf(CELL(0, 4 + k), 240, "[%zu]", k + 2);
	for (size_t i = 0; i < nk; i++) {
		const struct cell *base = NULL;
		bool show = C->verbose;
		size_t r;

		for (size_t k = 0; k < n; k++) {
			const struct cell *c = col_cell(cols[k], keys[i]);

			show |= !c || c->g.verdict != GATE_UNCHANGED;
			if (c && c->m && c->nb && !base)
				base = c;
		}
		if (!show)
			continue;
		r = ++nrows;
		snprintf(CELL(r, 0), 240, "%s", keys[i]->point);
		snprintf(CELL(r, 1), 240, "%s", keys[i]->design);
		snprintf(CELL(r, 2), 240, "%s", keys[i]->metric);
		if (base)
			side_cell_text(base, true, CELL(r, 3), 240);
		else
			snprintf(CELL(r, 3), 240, "-");
		for (size_t k = 0; k < n; k++)
			col_cell_text(col_cell(cols[k], keys[i]), CELL(r, 4 + k), 240);
	}
	for (size_t r = 0; r <= nrows; r++)
		for (size_t j = 0; j < ncol; j++)
			if (strlen(CELL(r, j)) > w[j])
				w[j] = strlen(CELL(r, j));
	if (!nrows) {
		fprintf(f, "every cell unchanged in every folder (-v lists them)\n\n");
	} else {
		for (size_t r = 0; r <= nrows; r++) {
			for (size_t j = 0; j + 1 < ncol; j++)
				fprintf(f, "%-*s  ", (int)w[j], CELL(r, j));
			fprintf(f, "%s\n", CELL(r, ncol - 1));
		}
		fputc('\n', f);
	}
#undef CELL
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < cols[k]->ncells; i++) {
			const struct cell *c = &cols[k]->cells[i];

			if (c->g.verdict == GATE_REGRESSED)
				fprintf(f, "  [%zu] %s %s %s regressed: %s\n", k + 2, c->point, c->design, c->metric,
					c->g.reason);
		}
	summary_line_all((const struct cmpctx *const *)cols, n, line, sizeof(line));
	fprintf(f, "%s\n", line);
	free(rows);
	free(keys);
	free(w);
}

static struct json_object *strv_json(const struct strv *l)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(a, JSTR(l->v[i]));
	return a;
}

static struct json_object *side_json(const struct side *s)
{
	struct json_object *o = json_object_new_object(), *ks = json_object_new_array(), *pk = jarr(s->prov, "kernels");

	JADD(o, "dir", JSTR(s->dir));
	JADD(o, "status", jref(jget(s->run, "status")));
	JADD(o, "generated", jref(jget(s->run, "generated")));
	JADD(o, "spec", JSTR(spec_name(s)));
	JADD(o, "target", jref(jget(s->plan, "target")));
	JADD(o, "designs", jref(jget(s->plan, "designs")));
	JADD(o, "repetitions", jref(jget(s->plan, "repetitions")));
	JADD(o, "git", jref(jget(s->prov, "git")));
	for (size_t i = 0; pk && i < json_object_array_length(pk); i++) {
		struct json_object *k = json_object_array_get_idx(pk, i), *e = json_object_new_object();

		JADD(e, "design", jref(jget(k, "design")));
		JADD(e, "key", jref(jget(k, "key")));
		JADD(e, "config_sha256", jref(jget(k, "config_sha256")));
		json_object_array_add(ks, e);
	}
	JADD(o, "kernels", ks);
	JADD(o, "provenance", json_object_new_boolean(s->prov != NULL));
	JADD(o, "saved_baseline", jref(s->saved));
	if (s->regress_response > 0 || s->regress_report > 0) {
		struct json_object *r = json_object_new_object();

		JADD(r, "response_ns", jnum(s->regress_response));
		JADD(r, "report_ns", jnum(s->regress_report));
		JADD(o, "regress", r);
	} else {
		JADD(o, "regress", NULL);
	}
	return o;
}

static struct json_object *cell_json(const struct cell *c)
{
	struct json_object *o = json_object_new_object();

	JADD(o, "point", JSTR(c->point));
	JADD(o, "design", JSTR(c->design));
	JADD(o, "metric", JSTR(c->metric));
	gate_cell_json(&c->g, o);
	JADD(o, "n_base", json_object_new_int64(c->m ? (int64_t)c->nb : 0));
	JADD(o, "n_new", json_object_new_int64((int64_t)c->nn));
	JADD(o, "base_median", jnum(c->g.base_median));
	JADD(o, "base_min", jnum(c->base_min));
	JADD(o, "base_max", jnum(c->base_max));
	JADD(o, "new_median", jnum(c->g.new_median));
	JADD(o, "new_min", jnum(c->new_min));
	JADD(o, "new_max", jnum(c->new_max));
	if (c->m && c->m->show_n) {
		/* The runs' sample counts of a small-sample metric: [min, max], null when unknown. */
		struct json_object *sb = json_object_new_array(), *sn = json_object_new_array();

		for (int i = 0; i < 2; i++) {
			json_object_array_add(sb, jnum(c->samples_base[i]));
			json_object_array_add(sn, jnum(c->samples_new[i]));
		}
		JADD(o, "samples_base", sb);
		JADD(o, "samples_new", sn);
	}
	JADD(o, "level", c->m ? jnum(c->g.level) : NULL);
	JADD(o, "threshold", jnum(c->threshold));
	JADD(o, "separated", json_object_new_boolean(c->g.separated));
	JADD(o, "need", json_object_new_int64(c->g.need));
	if (!c->g.reason[0])
		JADD(o, "reason", JSTR(""));
	return o;
}

static struct json_object *compare_json(const struct cmpctx *C, int code, bool compared)
{
	struct json_object *o = json_object_new_object(), *t = json_object_new_object(), *cells, *sum;
	char line[300];

	JADD(o, "schema_version", json_object_new_int(GATE_SCHEMA_VERSION));
	JADD(o, "tool", JSTR("iopf-bench " BENCH_TOOL_VERSION));
	JADD(o, "baseline", side_json(&C->s[0]));
	JADD(o, "new", side_json(&C->s[1]));
	JADD(o, "rule_version", json_object_new_int(GATE_RULE_VERSION));
	JADD(o, "correction", JSTR("holm"));
	JADD(o, "lkp_separation", json_object_new_boolean(C->separation));
	JADD(o, "alpha", jnum(C->alpha));
	JADD(o, "family", json_object_new_int64(C->family));
	JADD(o, "confidence", compared ? jnum(C->confidence) : NULL);
	JADD(o, "min_reps", json_object_new_int64(C->min_reps));
	JADD(t, "default", jnum(C->threshold));
	for (unsigned int k = 0; k < C->nmetrics; k++) {
		size_t i = C->metrics[k] - gate_metrics;

		JADD(t, gate_metrics[i].name, jnum(isnan(C->thr[i]) ? C->threshold : C->thr[i]));
	}
	JADD(o, "thresholds", t);
	JADD(o, "forced", json_object_new_boolean(C->force));
	JADD(o, "notes", strv_json(&C->notes));
	JADD(o, "mismatches", strv_json(&C->mismatches));
	cells = json_object_new_array();
	for (size_t i = 0; i < C->ncells; i++)
		json_object_array_add(cells, cell_json(&C->cells[i]));
	JADD(o, "cells", cells);
	sum = json_object_new_object();
	JADD(sum, "cells", json_object_new_int64((int64_t)C->ncells));
	for (size_t v = 0; v < GATE_NVERDICTS; v++)
		JADD(sum, gate_verdict_name((enum gate_verdict)v), json_object_new_int64(C->counts[v]));
	JADD(sum, "regression", json_object_new_boolean(C->counts[GATE_REGRESSED] > 0));
	summary_line(C, line, sizeof(line));
	JADD(sum, "line", compared ? JSTR(line) : NULL);
	JADD(o, "summary", sum);
	JADD(o, "exit_code", json_object_new_int(code));
	return o;
}

/* l's lines as "PREFIX: line", added to the array a. */
static void strv_json_prefixed(struct json_object *a, const struct strv *l, const char *prefix)
{
	for (size_t i = 0; i < l->n; i++) {
		char *t = xasprintf("%s: %s", prefix, l->v[i]);

		json_object_array_add(a, JSTR(t));
		free(t);
	}
}

/* A column's own part of the JSON: its new folder, family, notes, mismatches and summary. */
static struct json_object *column_json(const struct cmpctx *C, bool compared)
{
	struct json_object *o = json_object_new_object(), *sum = json_object_new_object();
	char line[300];

	JADD(o, "folder", json_object_new_int(C->folder));
	JADD(o, "new", side_json(&C->s[1]));
	JADD(o, "family", json_object_new_int64(C->family));
	JADD(o, "confidence", compared ? jnum(C->confidence) : NULL);
	JADD(o, "notes", strv_json(&C->notes));
	JADD(o, "mismatches", strv_json(&C->mismatches));
	JADD(sum, "cells", json_object_new_int64((int64_t)C->ncells));
	for (size_t v = 0; v < GATE_NVERDICTS; v++)
		JADD(sum, gate_verdict_name((enum gate_verdict)v), json_object_new_int64(C->counts[v]));
	JADD(sum, "regression", json_object_new_boolean(C->counts[GATE_REGRESSED] > 0));
	summary_line(C, line, sizeof(line));
	JADD(sum, "line", compared ? JSTR(line) : NULL);
	JADD(o, "summary", sum);
	return o;
}

/*
 * The document of every column. Two folders: the first column's document
 * as it always was, plus "folders", "columns" and each cell's "folder".
 * More: "new", "family" and "confidence" stay the first column's, while
 * "cells" holds every column's cells (each with its "folder"), "notes" and
 * "mismatches" every column's (prefixed with its folder), and "summary"
 * adds them up, so that a reader of two-folder documents still sees every
 * regression.
 */
static struct json_object *compare_json_all(struct cmpctx *const *cols, size_t n, int code, bool compared)
{
	struct json_object *o = compare_json(cols[0], code, compared), *fs = json_object_new_array();
	struct json_object *cs = json_object_new_array(), *cells = json_object_new_array();
	char line[300];

	json_object_array_add(fs, JSTR(cols[0]->s[0].dir));
	for (size_t k = 0; k < n; k++) {
		json_object_array_add(fs, JSTR(cols[k]->s[1].dir));
		json_object_array_add(cs, column_json(cols[k], compared));
		for (size_t i = 0; i < cols[k]->ncells; i++) {
			struct json_object *c = cell_json(&cols[k]->cells[i]);

			JADD(c, "folder", json_object_new_int(cols[k]->folder));
			json_object_array_add(cells, c);
		}
	}
	JADD(o, "folders", fs);
	JADD(o, "columns", cs);
	JADD(o, "cells", cells);
	if (n > 1) {
		struct json_object *notes = json_object_new_array(), *mis = json_object_new_array();
		struct json_object *sum = jget(o, "summary");
		unsigned int cnt[GATE_NVERDICTS] = { 0 };
		size_t ncells = 0;

		for (size_t k = 0; k < n; k++) {
			strv_json_prefixed(notes, &cols[k]->notes, cols[k]->s[1].dir);
			strv_json_prefixed(mis, &cols[k]->mismatches, cols[k]->s[1].dir);
			ncells += cols[k]->ncells;
			for (size_t v = 0; v < GATE_NVERDICTS; v++)
				cnt[v] += cols[k]->counts[v];
		}
		JADD(o, "notes", notes);
		JADD(o, "mismatches", mis);
		JADD(sum, "cells", json_object_new_int64((int64_t)ncells));
		for (size_t v = 0; v < GATE_NVERDICTS; v++)
			JADD(sum, gate_verdict_name((enum gate_verdict)v), json_object_new_int64(cnt[v]));
		JADD(sum, "regression", json_object_new_boolean(cnt[GATE_REGRESSED] > 0));
		summary_line_all((const struct cmpctx *const *)cols, n, line, sizeof(line));
		JADD(sum, "line", compared ? JSTR(line) : NULL);
	}
	return o;
}

/* One line of words about a cell, for JUnit messages and KTAP diagnostics. */
static void cell_words(const struct cell *c, char *buf, size_t len)
{
	char b[96], n[96], ch[24], ci[64];

	if (!c->m) {
		snprintf(buf, len, "%s: %s: %s", c->metric, gate_verdict_name(c->g.verdict), c->g.reason);
		return;
	}
	side_cell_text(c, true, b, sizeof(b));
	side_cell_text(c, false, n, sizeof(n));
	fmt_pct(c->g.change, ch, sizeof(ch));
	ci_text(c, ci, sizeof(ci));
	if (isfinite(c->g.confidence))
		snprintf(buf, len, "%s: baseline %s, new %s, change %s, %.4g %% CI %s: %s", c->metric, b, n, ch,
			 floor(c->g.confidence * 10000) / 100, ci, c->g.reason);
	else
		snprintf(buf, len, "%s: baseline %s, new %s, change %s: %s", c->metric, b, n, ch, c->g.reason);
}

/* XML text or attribute value: escaped, and the control characters XML 1.0 forbids dropped. */
static void xml_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\t': case '\n': case '\r': fputc(ch, f); break;
		default:
			if (ch >= 0x20)
				fputc(ch, f);
		}
	}
}

static void xml_prop(FILE *f, const char *name, const char *value)
{
	fprintf(f, "      <property name=\"");
	xml_esc(f, name);
	fprintf(f, "\" value=\"");
	xml_esc(f, value);
	fprintf(f, "\"/>\n");
}

/* Cells of one point are contiguous; [i, *end) is the run of cells of cells[i].point. */
static size_t point_end(const struct cmpctx *C, size_t i)
{
	size_t j = i;

	while (j < C->ncells && !strcmp(C->cells[j].point, C->cells[i].point))
		j++;
	return j;
}

/*
 * A point's name in JUnit and KTAP: the point id with two folders; with
 * more, "NEW_DIR:point" (the same point is judged once per later folder).
 */
static char *point_name(const struct cmpctx *C, size_t i, bool multi)
{
	return multi ? xasprintf("%s:%s", C->s[1].dir, C->cells[i].point) : xstrdup(C->cells[i].point);
}

/* One column's testsuites. */
static void junit_column(const struct cmpctx *C, FILE *f, bool multi)
{
	char git0[64], git1[64], conf[32], thr[400], words[600];

	git_text(&C->s[0], git0, sizeof(git0));
	git_text(&C->s[1], git1, sizeof(git1));
	snprintf(conf, sizeof(conf), "%.6g", C->confidence);
	thresholds_text(C, thr, sizeof(thr));
	for (size_t i = 0, end; i < C->ncells; i = end) {
		unsigned int fails = 0, skips = 0;
		char *pname = point_name(C, i, multi);

		end = point_end(C, i);
		for (size_t j = i; j < end; j++) {
			fails += C->cells[j].g.verdict == GATE_REGRESSED;
			skips += C->cells[j].g.verdict == GATE_NOISY || C->cells[j].g.verdict == GATE_MISSING;
		}
		fprintf(f, "  <testsuite name=\"");
		xml_esc(f, pname);
		fprintf(f, "\" tests=\"%zu\" failures=\"%u\" errors=\"0\" skipped=\"%u\">\n", end - i, fails, skips);
		fprintf(f, "    <properties>\n");
		xml_prop(f, "baseline", C->s[0].dir);
		xml_prop(f, "baseline.git", git0);
		xml_prop(f, "new", C->s[1].dir);
		xml_prop(f, "new.git", git1);
		xml_prop(f, "confidence", conf);
		xml_prop(f, "threshold", thr);
		xml_prop(f, "spec", spec_name(&C->s[1]));
		fprintf(f, "    </properties>\n");
		for (size_t j = i; j < end; j++) {
			const struct cell *c = &C->cells[j];

			cell_words(c, words, sizeof(words));
			fprintf(f, "    <testcase classname=\"iopf-bench.");
			xml_esc(f, pname);
			fprintf(f, "\" name=\"");
			xml_esc(f, c->design);
			fputc('.', f);
			xml_esc(f, c->metric);
			fprintf(f, "\"");
			switch (c->g.verdict) {
			case GATE_REGRESSED:
				fprintf(f, ">\n      <failure type=\"regressed\" message=\"");
				xml_esc(f, words);
				fprintf(f, "\">");
				xml_esc(f, words);
				fprintf(f, "\nbaseline: ");
				xml_esc(f, C->s[0].dir);
				fprintf(f, " (git %s)\nnew: ", git0);
				xml_esc(f, C->s[1].dir);
				fprintf(f, " (git %s)\n</failure>\n    </testcase>\n", git1);
				break;
			case GATE_NOISY:
			case GATE_MISSING:
				fprintf(f, ">\n      <skipped message=\"%s: ", gate_verdict_name(c->g.verdict));
				xml_esc(f, words);
				fprintf(f, "\"/>\n    </testcase>\n");
				break;
			default:
				fprintf(f, "/>\n");
			}
		}
		fprintf(f, "  </testsuite>\n");
		free(pname);
	}
}

/*
 * JUnit XML (Jenkins xunit's junit-10.xsd, tests/data/): a testsuite per
 * point (and later folder, when there are several), a testcase per design
 * and metric; regressed = failure, noisy and missing = skipped.
 */
static int write_junit(struct cmpctx *const *cols, size_t n, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t cells = 0;
	unsigned int fails = 0;
	int rc;

	if (!f) {
		cerr(cols[0], "--junit %s: %s", path, strerror(errno));
		return -1;
	}
	for (size_t k = 0; k < n; k++) {
		cells += cols[k]->ncells;
		fails += cols[k]->counts[GATE_REGRESSED];
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"iopf-bench compare\" tests=\"%zu\" failures=\"%u\" errors=\"0\">\n", cells,
		fails);
	for (size_t k = 0; k < n; k++)
		junit_column(cols[k], f, n > 1);
	fprintf(f, "</testsuites>\n");
	rc = ferror(f);
	if (fclose(f) || rc) {
		cerr(cols[0], "--junit %s: write failed", path);
		return -1;
	}
	return 0;
}

/* A KTAP test name: anything but '#' and line breaks. */
static void ktap_name(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '#' ? '_' : *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* One column's points, as KTAP subtests numbered from *k. */
static void ktap_column(const struct cmpctx *C, FILE *f, bool multi, size_t *k)
{
	char words[600];

	for (size_t i = 0, end; i < C->ncells; i = end) {
		bool fail = false, all_skip = true;
		char *pname = point_name(C, i, multi);

		end = point_end(C, i);
		fprintf(f, "    KTAP version 1\n    1..%zu\n", end - i);
		for (size_t j = i; j < end; j++) {
			const struct cell *c = &C->cells[j];
			enum gate_verdict v = c->g.verdict;

			cell_words(c, words, sizeof(words));
			fprintf(f, "    # %s.%s\n", c->design, words);
			fprintf(f, "    %s %zu ", v == GATE_REGRESSED ? "not ok" : "ok", j - i + 1);
			ktap_name(f, c->design);
			fputc('.', f);
			ktap_name(f, c->metric);
			if (v == GATE_NOISY || v == GATE_MISSING) {
				fprintf(f, " # SKIP %s: ", gate_verdict_name(v));
				ktap_name(f, c->g.reason);
			}
			fputc('\n', f);
			fail |= v == GATE_REGRESSED;
			all_skip &= v == GATE_NOISY || v == GATE_MISSING;
		}
		fprintf(f, "%s %zu ", fail ? "not ok" : "ok", ++*k);
		ktap_name(f, pname);
		fprintf(f, "%s\n", !fail && all_skip ? " # SKIP every cell noisy or missing" : "");
		free(pname);
	}
}

/*
 * KTAP (Documentation/dev-tools/ktap.rst): one subtest per point (and later
 * folder, named NEW_DIR:point, when there are several), indented four
 * spaces as KUnit's own output, a result line per design and metric.
 */
static void print_ktap(struct cmpctx *const *cols, size_t n, FILE *f)
{
	size_t npoints = 0, k = 0;
	char git0[64], git1[64], line[300];

	for (size_t c = 0; c < n; c++)
		for (size_t i = 0; i < cols[c]->ncells; i = point_end(cols[c], i))
			npoints++;
	fprintf(f, "KTAP version 1\n1..%zu\n", npoints);
	for (size_t c = 0; c < n; c++) {
		const struct cmpctx *C = cols[c];

		git_text(&C->s[0], git0, sizeof(git0));
		git_text(&C->s[1], git1, sizeof(git1));
		fprintf(f, "# iopf-bench compare: baseline %s (git %s) vs new %s (git %s); %.4g %% intervals, alpha %g "
			"over %u cells\n", C->s[0].dir, git0, C->s[1].dir, git1, C->confidence * 100, C->alpha, C->family);
		for (size_t i = 0; i < C->notes.n; i++)
			fprintf(f, "# note: %s\n", C->notes.v[i]);
		for (size_t i = 0; i < C->mismatches.n; i++)
			fprintf(f, "# warning: %s\n", C->mismatches.v[i]);
	}
	for (size_t c = 0; c < n; c++)
		ktap_column(cols[c], f, n > 1, &k);
	summary_line_all((const struct cmpctx *const *)cols, n, line, sizeof(line));
	fprintf(f, "# %s\n", line);
}

/* ------------------------------------------------------------------------ */
/* compare.html: the page, its figures (scripts/plots/compare.gp) and compare.json */

struct html_out {
	bool want;		/* --html or --out */
	bool force;		/* replace an earlier compare's output */
	const char *dir;	/* --out DIR; NULL: a new folder under results/compare/ */
	char *final;		/* the folder written (absolute with --out) */
};

/* PATH made absolute by its parent's realpath (the folder itself need not exist); NULL if the parent does not. */
static char *abs_out(const char *path)
{
	char *d = xstrdup(path), *slash, rp[PATH_MAX], *r = NULL;

	while (strlen(d) > 1 && d[strlen(d) - 1] == '/')
		d[strlen(d) - 1] = 0;
	slash = strrchr(d, '/');
	if (!slash) {
		if (realpath(".", rp))
			r = xasprintf("%s/%s", rp, d);
	} else {
		*slash = 0;
		if (realpath(slash == d ? "/" : d, rp))
			r = xasprintf("%s/%s", strcmp(rp, "/") ? rp : "", slash + 1);
	}
	free(d);
	return r;
}

/* Whether path is dir or inside it (both absolute). */
static bool path_within(const char *path, const char *dir)
{
	size_t l = strlen(dir);

	return !strncmp(path, dir, l) && (path[l] == 0 || path[l] == '/' || !strcmp(dir, "/"));
}

/* Only what compare writes is in DIR: compare.html (there), compare.json, fig/. */
static bool compare_output_only(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	bool html = false, other = false;

	if (!dp)
		return false;
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, "compare.html"))
			html = true;
		else if (strcmp(e->d_name, "compare.json") && strcmp(e->d_name, "fig"))
			other = true;
	}
	closedir(dp);
	return html && !other;
}

/*
 * --out DIR, before anything is read or written: never inside a compared
 * folder (compare writes nothing into the folders it reads), and an
 * existing DIR only with --force and only when it holds nothing but an
 * earlier compare's output.
 */
static int html_check_out(struct cmpctx *const *cols, size_t n, struct html_out *ho)
{
	struct cmpctx *C = cols[0];
	char rp[PATH_MAX], *abs;

	if (!ho->dir)
		return GX_OK;
	abs = abs_out(ho->dir);
	if (!abs) {
		cerr(C, "--out %s: its parent folder does not exist", ho->dir);
		return GX_INVALID;
	}
	for (size_t k = 0; k <= n; k++) {
		const char *d = k ? cols[k - 1]->s[1].dir : C->s[0].dir;

		if (realpath(d, rp) && path_within(abs, rp)) {
			cerr(C, "--out %s is inside the compared folder %s: compare never writes into the folders it "
			     "reads", ho->dir, d);
			free(abs);
			return GX_INVALID;
		}
	}
	if (!access(abs, F_OK)) {
		const char *why = !ho->force ? "exists (--force replaces an earlier compare's output there)" :
				  !compare_output_only(abs) ? "is not an earlier compare's output (only compare.html, "
				  "compare.json and fig/ may be there): nothing replaced" : NULL;

		if (why) {
			cerr(C, "--out %s %s", ho->dir, why);
			free(abs);
			return GX_INVALID;
		}
	}
	ho->final = abs;
	return GX_OK;
}

/* [A-Za-z0-9._-] of the folder's last name, the rest '_'. */
static char *name_slug(const char *dir)
{
	char *d = xstrdup(dir), *b;

	while (strlen(d) > 1 && d[strlen(d) - 1] == '/')
		d[strlen(d) - 1] = 0;
	b = strrchr(d, '/') ? strrchr(d, '/') + 1 : d;
	b = xstrdup(*b ? b : "compare");
	for (char *p = b; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-' || *p == '_'))
			*p = '_';
	free(d);
	return b;
}

/* The default place: results/compare/<YYYYmmdd-HHMMSS>-<last folder's name>[-N] of the checkout (or here). */
static char *default_out(struct cmpctx *const *cols, size_t n)
{
	char *root = folder_repo_path("results/run.schema.json", "results/compare"), stamp[32], *name, *r = NULL;
	time_t t = time(NULL);
	struct tm tm;

	if (!root)
		root = xstrdup("results/compare");
	if (folder_mkdirs(root)) {
		cerr(cols[0], "--html: cannot make %s: %s", root, strerror(errno));
		free(root);
		return NULL;
	}
	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	name = name_slug(cols[n - 1]->s[1].dir);
	for (int k = 1; k < 100 && !r; k++) {
		char *c = k == 1 ? xasprintf("%s/%s-%s", root, stamp, name) : xasprintf("%s/%s-%s-%d", root, stamp, name, k);

		if (access(c, F_OK))
			r = c;
		else
			free(c);
	}
	if (!r)
		cerr(cols[0], "--html: no free folder name under %s", root);
	free(name);
	free(root);
	return r;
}

static const char *verdict_color(enum gate_verdict v)
{
	static const char *const c[GATE_NVERDICTS] = { [GATE_UNCHANGED] = "0x1565c0", [GATE_IMPROVED] = "0x2e7d32",
		[GATE_REGRESSED] = "0xc62828", [GATE_NOISY] = "0x8d8d8d", [GATE_MISSING] = "0xbdbdbd" };

	return c[v];
}

/* The base folder's values of a row: from the first column that has them. */
static const struct cell *row_base(struct cmpctx *const *cols, size_t n, const struct cell *key)
{
	for (size_t k = 0; k < n; k++) {
		const struct cell *c = col_cell(cols[k], key);

		if (c && c->m && c->nb)
			return c;
	}
	return NULL;
}

static double median_of(const double *v, size_t n)
{
	double *s = xcalloc(n + 1, sizeof(double)), m;

	memcpy(s, v, n * sizeof(double));
	qsort(s, n, sizeof(double), stats_cmp_double);
	m = n ? gsl_stats_median_from_sorted_data(s, 1, n) : NAN;
	free(s);
	return m;
}

struct mfig {
	const struct gate_metric *m;
	const struct cell **keys;	/* the metric's rows */
	size_t nk;
	bool drawn;
	char *name;			/* compare-METRIC */
};

/* A folder's name in the figures and the page: "[k] last part of its path". */
static char *folder_label(struct cmpctx *const *cols, size_t f)
{
	const char *d = f ? cols[f - 1]->s[1].dir : cols[0]->s[0].dir;
	char *s = name_slug(d), *r = xasprintf("[%zu] %s", f + 1, s);

	free(s);
	return r;
}

static FILE *fig_file(const char *stage, const char *name, const char *suffix, struct sb *vars, const char *var,
		      struct cmpctx *C)
{
	char *p = xasprintf("%s/fig/%s%s.dat", stage, name, suffix);
	FILE *f = fopen(p, "w");

	if (!f)
		cerr(C, "--html: cannot write %s: %s", p, strerror(errno));
	else
		sb_var(vars, var, p);
	free(p);
	return f;
}

static int fig_done(FILE *f, struct cmpctx *C)
{
	int bad = ferror(f);

	if (fclose(f) || bad) {
		cerr(C, "--html: cannot write a figure's data: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* The figure of one gated metric (compare.gp): its data files and gnuplot. */
static int html_figure(struct cmpctx *const *cols, size_t n, struct mfig *mf, const char *stage, const char *plots)
{
	struct cmpctx *C = cols[0];
	const struct gate_metric *m = mf->m;
	double thr = isnan(C->thr[m - gate_metrics]) ? C->threshold : C->thr[m - gate_metrics];
	double *norm = xcalloc(mf->nk + 1, sizeof(double)), halfw = 0.4 / (double)(n + 1);
	struct range y1 = { 0 }, y2 = { 0 };
	struct sb vars = { 0 };
	bool ratio = m->kind != GATE_COUNT;
	FILE *fv = NULL, *fm = NULL, *fc = NULL, *fl = NULL;
	char *base = NULL, *t;
	int rc = -1;

	for (size_t i = 0; i < mf->nk; i++) {
		const struct cell *b = row_base(cols, n, mf->keys[i]);

		norm[i] = b ? median_of(b->base, b->nb) : NAN;
		ratio &= !b || norm[i] > 0;
	}
	fv = fig_file(stage, mf->name, "", &vars, "values", C);
	fm = fv ? fig_file(stage, mf->name, ".med", &vars, "medians", C) : NULL;
	fc = fm ? fig_file(stage, mf->name, ".ci", &vars, "cis", C) : NULL;
	fl = fc ? fig_file(stage, mf->name, ".labels", &vars, "labels", C) : NULL;
	if (!fl)
		goto out;
	for (size_t f = 0; f <= n; f++) {
		/* the folders of a cell side by side, the base leftmost */
		double off = ((double)f - n / 2.0) * 2 * halfw;

		fprintf(fv, "%sNaN NaN\n", f ? "\n\n" : "");
		fprintf(fm, "%sNaN NaN\n", f ? "\n\n" : "");
		if (f)
			fprintf(fc, "%sNaN NaN NaN NaN 0\n", f > 1 ? "\n\n" : "");
		for (size_t i = 0; i < mf->nk; i++) {
			const struct cell *c = f ? col_cell(cols[f - 1], mf->keys[i]) : row_base(cols, n, mf->keys[i]);
			const double *v = !c || !c->m ? NULL : f ? c->cand : c->base;
			size_t nv = !v ? 0 : f ? c->nn : c->nb;
			double x = (double)i + off, sc = ratio ? norm[i] : 1;

			for (size_t r = 0; r < nv; r++) {
				fprintf(fv, "%.6g", x);
				dat_num(fv, v[r] / sc);
				fputc('\n', fv);
				range_add(&y1, v[r] / sc);
			}
			if (nv) {
				fprintf(fm, "%.6g", x);
				dat_num(fm, median_of(v, nv) / sc);
				fputc('\n', fm);
			}
			if (f && c && isfinite(c->g.ratio)) {
				double lo = isfinite(c->g.ci_lo) ? c->g.ci_lo : c->g.ratio;
				double hi = isfinite(c->g.ci_hi) ? c->g.ci_hi : c->g.ratio;

				fprintf(fc, "%.6g", x);
				dat_num(fc, c->g.ratio);
				dat_num(fc, lo);
				dat_num(fc, hi);
				fprintf(fc, " %s\n", verdict_color(c->g.verdict));
				range_add(&y2, lo);
				range_add(&y2, hi);
			}
		}
	}
	for (size_t i = 0; i < mf->nk; i++) {
		char *l = xasprintf("%s %s", mf->keys[i]->point, mf->keys[i]->design);

		fprintf(fl, "%zu ", i);
		dat_title(fl, l);
		free(l);
	}
	range_add(&y2, 1 - thr);
	range_add(&y2, 1 + thr);
	if (fig_done(fv, C) | fig_done(fm, C) | fig_done(fc, C) | fig_done(fl, C)) {
		fv = fm = fc = fl = NULL;
		goto out;
	}
	fv = fm = fc = fl = NULL;
	{
		int l1 = range_log(&y1, 20), l2 = range_log(&y2, 10);
		double a1 = y1.n ? y1.min : 0, b1 = y1.n ? y1.max : 1, a2 = y2.min, b2 = y2.max;

		/* a margin around the values, on the axis's own scale */
		if (l1) {
			a1 /= 1.3;
			b1 *= 1.3;
		} else {
			double p = (b1 - a1) * 0.08 + (b1 == a1 ? fabs(b1) * 0.05 + 0.5 : 0);

			a1 = a1 - p < 0 && a1 >= 0 ? 0 : a1 - p;
			b1 += p;
		}
		if (l2) {
			a2 /= 1.2;
			b2 *= 1.2;
		} else {
			double p = (b2 - a2) * 0.08;

			a2 -= p;
			b2 += p;
		}
		sb_printf(&vars, "nf=%zu; ncells=%zu; halfw=%.6g; thr=%.6g; logy1=%d; logy2=%d; y1min=%.10g; y1max=%.10g; "
			  "y2min=%.10g; y2max=%.10g; ", n + 1, mf->nk, halfw * 0.6, thr, l1, l2, a1, b1, a2, b2);
	}
	for (size_t f = 0; f <= n; f++) {
		char v[16], *l = folder_label(cols, f);

		snprintf(v, sizeof(v), "f%zu", f + 1);
		sb_var(&vars, v, l);
		free(l);
	}
	t = xasprintf("%s (%s): %zu cells", m->name, m->label, mf->nk);
	sb_var(&vars, "title", t);
	free(t);
	if (ratio) {
		sb_var(&vars, "ylabel1", "value / median of [1]");
	} else {
		t = xasprintf("value (%s)", gate_kind_unit(m->kind));
		sb_var(&vars, "ylabel1", t);
		free(t);
	}
	sb_var(&vars, "ylabel2", "Hodges-Lehmann ratio to [1]");
	base = xasprintf("%s/fig/%s", stage, mf->name);
	if (plot_draw(NULL, plots, "compare.gp", vars.s, base, mf->name, "iopf-bench compare: --html: ", C->env->err))
		goto out;
	mf->drawn = true;
	rc = 0;
out:
	if (fv)
		fclose(fv);
	if (fm)
		fclose(fm);
	if (fc)
		fclose(fc);
	if (fl)
		fclose(fl);
	free(base);
	free(vars.s);
	free(norm);
	return rc;
}

#define HE(s) html_escape(f, (s))

static void html_link(FILE *f, const char *path, const char *text)
{
	fputs("<a href=\"", f);
	html_href(f, path);
	fputs("\">", f);
	HE(text);
	fputs("</a>", f);
}

static void html_verdict(FILE *f, const struct cell *c)
{
	const char *v = gate_verdict_name(c->g.verdict);

	fprintf(f, "<td class=\"v-%s\" title=\"", v);
	HE(c->g.reason);
	fprintf(f, "\">%s</td>", v);
}

/* A later folder's cell: median [min..max] n, change, interval, verdict. */
static void html_col_cells(FILE *f, const struct cell *c)
{
	char b[240], ch[24], ci[64];

	if (!c) {
		fputs("<td class=\"na\">-</td><td class=\"na\">-</td><td class=\"na\">-</td><td class=\"v-missing\">-</td>", f);
		return;
	}
	side_cell_text(c, false, b, sizeof(b));
	fmt_pct(c->g.change, ch, sizeof(ch));
	ci_text(c, ci, sizeof(ci));
	fputs("<td class=\"num\">", f);
	HE(b);
	fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td>", ch, ci);
	html_verdict(f, c);
}

static void html_folders(FILE *f, struct cmpctx *const *cols, size_t n)
{
	fputs("<table><tr><th>#</th><th>role</th><th>folder</th><th>spec</th><th>git</th><th>reported</th>"
	      "<th>cells: regressed, improved, unchanged, noisy, missing</th><th>family (rows' interval)</th></tr>\n", f);
	for (size_t k = 0; k <= n; k++) {
		const struct side *s = k ? &cols[k - 1]->s[1] : &cols[0]->s[0];
		char git[64];

		git_text(s, git, sizeof(git));
		fprintf(f, "<tr><td>[%zu]</td><td>%s</td><td><code>", k + 1, k ? "new" : "base");
		HE(s->dir);
		fputs("</code></td><td>", f);
		HE(spec_name(s));
		fputs("</td><td>", f);
		HE(git);
		fputs("</td><td>", f);
		HE(jstr(s->run, "generated") ?: "?");
		fputs("</td>", f);
		if (k) {
			const struct cmpctx *C = cols[k - 1];

			fprintf(f, "<td>%zu: <span class=\"badge %s\">%u regressed</span> %u improved, %u unchanged, "
				"%u noisy, %u missing</td><td class=\"num\">%u (%.4g %%)</td>", C->ncells,
				C->counts[GATE_REGRESSED] ? "st-failed" : "st-complete", C->counts[GATE_REGRESSED],
				C->counts[GATE_IMPROVED], C->counts[GATE_UNCHANGED], C->counts[GATE_NOISY],
				C->counts[GATE_MISSING], C->family, C->confidence * 100);
		} else {
			fputs("<td class=\"na\">the base: every later folder is judged against it</td><td></td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Regressed first, then improved, over every later folder. */
static void html_decided(FILE *f, struct cmpctx *const *cols, size_t n)
{
	static const enum gate_verdict order[] = { GATE_REGRESSED, GATE_IMPROVED };
	unsigned int rows = 0;
	char b[240];

	fputs("<h2 id=\"decided\">Decided cells</h2>\n<p>The cells with a verdict either way, regressed first: "
	      "each later folder against [1]. The rest (unchanged, noisy, missing) are in the tables per "
	      "metric below.</p>\n<table><tr><th>folder</th><th>point</th><th>design</th><th>metric</th>"
	      "<th>[1] base</th><th>this folder</th><th>change</th><th>CI</th><th>verdict</th><th>reason</th></tr>\n", f);
	for (size_t o = 0; o < ARRAY_SIZE(order); o++)
		for (size_t k = 0; k < n; k++)
			for (size_t i = 0; i < cols[k]->ncells; i++) {
				const struct cell *c = &cols[k]->cells[i];

				if (c->g.verdict != order[o])
					continue;
				rows++;
				fprintf(f, "<tr><td>[%zu]</td><td>", k + 2);
				HE(c->point);
				fputs("</td><td>", f);
				HE(c->design);
				fputs("</td><td>", f);
				HE(c->metric);
				side_cell_text(c, true, b, sizeof(b));
				fputs("</td><td class=\"num\">", f);
				HE(b);
				fputs("</td>", f);
				html_col_cells(f, c);
				fputs("<td>", f);
				HE(c->g.reason);
				fputs("</td></tr>\n", f);
			}
	if (!rows)
		fputs("<tr><td colspan=\"10\" class=\"na\">none: no cell regressed or improved</td></tr>\n", f);
	fputs("</table>\n", f);
}

static void html_metric(FILE *f, struct cmpctx *const *cols, size_t n, const struct mfig *mf)
{
	char b[240];

	fputs("<h2 id=\"m-", f);
	html_href(f, mf->m->name);
	fputs("\">", f);
	HE(mf->m->name);
	fputs(" <span class=\"small\">", f);
	HE(mf->m->label);
	fputs("</span></h2>\n", f);
	if (mf->drawn) {
		char *svg = xasprintf("fig/%s.svg", mf->name), *png = xasprintf("fig/%s.png", mf->name);
		char *dat = xasprintf("fig/%s.dat", mf->name), *ci = xasprintf("fig/%s.ci.dat", mf->name);

		fputs("<figure><a href=\"", f);
		html_href(f, png);
		fputs("\"><img src=\"", f);
		html_href(f, svg);
		fputs("\" alt=\"", f);
		HE(mf->m->name);
		fputs(": every folder's repetitions per cell, and each later folder's ratio and interval\"></a>\n"
		      "<figcaption>Top: per cell (point and design), every successful repetition of each folder "
		      "(one colour per folder, [1] leftmost; a bar at its median), divided by [1]'s median (or as "
		      "measured, for counts). Bottom: each later folder's Hodges-Lehmann ratio to [1] with the "
		      "row's interval, coloured by its verdict; the band is 1 &plusmn; the threshold. "
		      "<span class=\"small\">[", f);
		html_link(f, png, "PNG");
		fputs(", ", f);
		html_link(f, svg, "SVG");
		fputs(", ", f);
		html_link(f, dat, "data");
		fputs(", ", f);
		html_link(f, ci, "intervals");
		fputs(", script scripts/plots/compare.gp]</span></figcaption></figure>\n", f);
		free(svg);
		free(png);
		free(dat);
		free(ci);
	}
	fputs("<table><tr><th>point</th><th>design</th><th>[1] base<br>median [min..max] n</th>", f);
	for (size_t k = 0; k < n; k++)
		fprintf(f, "<th>[%zu]<br>median [min..max] n</th><th>change</th><th>CI</th><th>verdict</th>", k + 2);
	fputs("</tr>\n", f);
	for (size_t i = 0; i < mf->nk; i++) {
		const struct cell *bc = row_base(cols, n, mf->keys[i]);

		fputs("<tr><td>", f);
		HE(mf->keys[i]->point);
		fputs("</td><td>", f);
		HE(mf->keys[i]->design);
		fputs("</td><td class=\"num\">", f);
		if (bc)
			side_cell_text(bc, true, b, sizeof(b));
		HE(bc ? b : "-");
		fputs("</td>", f);
		for (size_t k = 0; k < n; k++)
			html_col_cells(f, col_cell(cols[k], mf->keys[i]));
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The cells that are no metric's: failed runs ("runs") and one-sided points or designs ("*"). */
static void html_other(FILE *f, struct cmpctx *const *cols, size_t n)
{
	unsigned int rows = 0;

	fputs("<h2 id=\"other\">Runs and missing cells</h2>\n<table><tr><th>folder</th><th>point</th><th>design</th>"
	      "<th>cell</th><th>verdict</th><th>reason</th></tr>\n", f);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < cols[k]->ncells; i++) {
			const struct cell *c = &cols[k]->cells[i];

			if (c->m || gate_metric_find(c->metric))
				continue;
			rows++;
			fprintf(f, "<tr><td>[%zu]</td><td>", k + 2);
			HE(c->point);
			fputs("</td><td>", f);
			HE(c->design);
			fputs("</td><td>", f);
			HE(c->metric);
			fputs("</td>", f);
			html_verdict(f, c);
			fputs("<td>", f);
			HE(c->g.reason);
			fputs("</td></tr>\n", f);
		}
	if (!rows)
		fputs("<tr><td colspan=\"6\" class=\"na\">none: every repetition of every later folder succeeded, and "
		      "every point and design is in every folder</td></tr>\n", f);
	fputs("</table>\n", f);
}

static int html_page(const char *path, struct cmpctx *const *cols, size_t n, int code, struct mfig *mf, size_t nmf)
{
	struct cmpctx *C = cols[0];
	FILE *f = fopen(path, "w");
	char line[300], thr[400];
	int bad;

	if (!f) {
		cerr(C, "--html: cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	summary_line_all((const struct cmpctx *const *)cols, n, line, sizeof(line));
	thresholds_text(C, thr, sizeof(thr));
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>iopf-bench compare: %zu folders (%s)</title>\n<style>%s</style>\n</head><body>\n", n + 1,
		code ? "REGRESSION" : "OK", html_style());
	fprintf(f, "<h1>iopf-bench compare: %zu folders <span class=\"badge %s\">%s</span></h1>\n", n + 1,
		code ? "st-failed" : "st-complete", code ? "REGRESSION" : "OK");
	fputs("<p id=\"summary\"><code>", f);
	HE(line);
	fputs("</code></p>\n", f);
	html_folders(f, cols, n);
	fprintf(f, "<p>Each later folder is judged against [1] exactly as <code>iopf-bench compare [1] FOLDER</code> "
		"would (results/SCHEMA.md, \"Comparing runs\"): rule %d, one one-sided test per cell, Holm's step-down "
		"over that folder's gated cells at a family-wise %g, each row's interval at 1 - 2 alpha / family; "
		"threshold ", GATE_RULE_VERSION, C->alpha);
	HE(thr);
	fprintf(f, " (for equivalence only); at least %u repetitions per side%s.</p>\n", C->min_reps,
		C->separation ? "; LKP separation required" : "");
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < cols[k]->notes.n; i++) {
			fputs("<p class=\"small\">note: ", f);
			HE(cols[k]->notes.v[i]);
			fputs("</p>\n", f);
		}
		for (size_t i = 0; i < cols[k]->mismatches.n; i++) {
			fputs("<p class=\"banner warn\">warning (--force): ", f);
			HE(cols[k]->s[1].dir);
			fputs(": ", f);
			HE(cols[k]->mismatches.v[i]);
			fputs("</p>\n", f);
		}
	}
	fputs("<nav><a href=\"#decided\">Decided cells</a>", f);
	for (size_t i = 0; i < nmf; i++) {
		fputs("<a href=\"#m-", f);
		html_href(f, mf[i].m->name);
		fputs("\">", f);
		HE(mf[i].m->name);
		fputs("</a>", f);
	}
	fputs("<a href=\"#other\">Runs and missing</a><a href=\"compare.json\">compare.json</a></nav>\n", f);
	html_decided(f, cols, n);
	for (size_t i = 0; i < nmf; i++)
		html_metric(f, cols, n, &mf[i]);
	html_other(f, cols, n);
	fprintf(f, "<p class=\"small\">Made by iopf-bench %s; the same document as <code>--json</code>: ", BENCH_TOOL_VERSION);
	html_link(f, "compare.json", "compare.json");
	fputs(".</p>\n</body></html>\n", f);
	bad = ferror(f);
	if (fclose(f) || bad) {
		cerr(C, "--html: cannot write %s: %s", path, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/*
 * compare.html, compare.json and fig/ in a new folder next to the final
 * one, moved into place when all of it is made (an earlier output, with
 * --force, swapped out and removed): never half a page.
 */
static int html_write_compare(struct cmpctx *const *cols, size_t n, int code, struct html_out *ho)
{
	struct cmpctx *C = cols[0];
	struct mfig *mf = xcalloc(C->nmetrics + 1, sizeof(*mf));
	size_t nmf = 0, nk;
	const struct cell **keys;
	char *stage = NULL, *p = NULL, *plots = NULL, *slash;
	int rc = -1;

	if (!ho->final && !(ho->final = default_out(cols, n)))
		goto out_free;
	slash = strrchr(ho->final, '/');
	stage = slash ? xasprintf("%.*s/.%s.tmp-XXXXXX", (int)(slash - ho->final), ho->final, slash + 1) :
			xasprintf(".%s.tmp-XXXXXX", ho->final);
	if (!mkdtemp(stage)) {
		cerr(C, "--html: cannot make %s: %s", stage, strerror(errno));
		free(stage);
		stage = NULL;
		goto out_free;
	}
	{
		/* mkdtemp's 0700, as a folder made by mkdir would be */
		mode_t um = umask(0);

		umask(um);
		chmod(stage, 0777 & ~um);
	}
	p = xasprintf("%s/fig", stage);
	if (mkdir(p, 0777)) {
		cerr(C, "--html: cannot make %s: %s", p, strerror(errno));
		goto out;
	}
	/* One figure per gated metric with a cell. */
	keys = row_keys(cols, n, &nk);
	for (unsigned int k = 0; k < C->nmetrics; k++) {
		struct mfig *m = &mf[nmf];

		m->m = C->metrics[k];
		m->keys = xcalloc(nk + 1, sizeof(*m->keys));
		for (size_t i = 0; i < nk; i++)
			if (!strcmp(keys[i]->metric, m->m->name))
				m->keys[m->nk++] = keys[i];
		if (!m->nk) {
			free(m->keys);
			continue;
		}
		m->name = xasprintf("compare-%s", m->m->name);
		nmf++;
	}
	free(keys);
	plots = plot_scripts_dir(NULL);
	for (size_t i = 0; i < nmf; i++)
		if (html_figure(cols, n, &mf[i], stage, plots))
			goto out;
	{
		struct json_object *j = compare_json_all(cols, n, code, true);
		FILE *f;

		free(p);
		p = xasprintf("%s/compare.json", stage);
		f = fopen(p, "w");
		if (f) {
			json_write(f, j);
			if (fclose(f))
				f = NULL;
		}
		json_object_put(j);
		if (!f) {
			cerr(C, "--html: cannot write %s: %s", p, strerror(errno));
			goto out;
		}
	}
	free(p);
	p = xasprintf("%s/compare.html", stage);
	if (html_page(p, cols, n, code, mf, nmf))
		goto out;
	if (!access(ho->final, F_OK)) {
		/* --force (checked before): the earlier output swapped out, then removed */
		if (renameat2(AT_FDCWD, stage, AT_FDCWD, ho->final, RENAME_EXCHANGE)) {
			cerr(C, "--html: cannot replace %s: %s", ho->final, strerror(errno));
			goto out;
		}
	} else if (rename(stage, ho->final)) {
		cerr(C, "--html: cannot make %s: %s", ho->final, strerror(errno));
		goto out;
	}
	cerr(C, "wrote %s/compare.html", ho->final);
	rc = 0;
out:
	/* the stage: a failed attempt, or the earlier output swapped out */
	if (stage && access(stage, F_OK) == 0 && folder_remove_tree(stage))
		cerr(C, "--html: cannot remove %s: %s", stage, strerror(errno));
out_free:
	for (size_t i = 0; i < nmf; i++) {
		free(mf[i].keys);
		free(mf[i].name);
	}
	free(mf);
	free(stage);
	free(p);
	free(plots);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* compare */

static const char compare_usage[] =
	"usage: iopf-bench compare BASELINE_DIR NEW_DIR [NEW_DIR...] [--threshold T] [--threshold METRIC=T]...\n"
	"       iopf-bench compare --pair BASE:NEW DIR [NEW_DIR...] [options]\n"
	"         [--alpha A] [--family M] [--min-reps N] [--metrics M1,M2,...] [--force]\n"
	"         [--json | --ktap] [--junit FILE] [-q | -v] [--baselines-dir DIR]\n"
	"         [--html] [--out DIR]\n";

static const char compare_help[] =
	"  Judge every point, design and metric of the results folder NEW_DIR against\n"
	"  BASELINE_DIR (a results folder, or a baseline saved by `iopf-bench baseline\n"
	"  save`; a bare NAME is looked up in the baselines folder). Both need run.json\n"
	"  (`iopf-bench report DIR`), plan.json and provenance.json; nothing is written\n"
	"  into them. Verdicts: regressed, improved, unchanged, noisy, missing\n"
	"  (results/SCHEMA.md, \"Comparing runs\").\n"
	"  More NEW_DIRs: one column each, every one judged against BASELINE_DIR exactly\n"
	"  as `compare BASELINE_DIR THAT_DIR` would (lkp compare's columns); the summary\n"
	"  line and the exit status are over all of them.\n"
	"  --pair BASE:NEW      judge design NEW against design BASE instead, each cell\n"
	"                       named BASE->NEW: two designs of ONE folder (one sweep,\n"
	"                       boots interleaved: the session's drift cancels), or\n"
	"                       BASE of BASELINE_DIR against NEW of NEW_DIR\n"
	"  --threshold T        practical threshold (default 5%; 5% or 0.05)\n"
	"  --threshold METRIC=T the threshold of one metric (repeatable)\n"
	"  --alpha A            family-wise false-alarm rate (default 0.05): one one-sided\n"
	"                       test per gated cell, Holm's step-down over the family\n"
	"  --family M           the family's size (default: the gated cells compared);\n"
	"                       every row's interval at 1 - 2A/M (Bonferroni)\n"
	"  --min-reps N         fewer successful repetitions on a side: noisy (default 3)\n"
	"  --metrics a,b,c      the metrics to gate (default, pre-registered: report,\n"
	"                       response and PRQ-wait p50, closed-loop throughput);\n"
	"                       failed runs and invariant violations always regress\n"
	"  --lkp-separation     regressed and improved also need LKP's separation (new\n"
	"                       min > base median and new median > base max)\n"
	"  --force              compare folders of different specs, machines or kernel\n"
	"                       configs (the differences become warnings); never a\n"
	"                       point of ABI <= 6's prq model against vtd (ABI 7)\n"
	"  --html               also write compare.html (figures per gated metric: every\n"
	"                       folder's repetitions per cell, each verdict and interval;\n"
	"                       gnuplot, scripts/plots/compare.gp), compare.json and fig/\n"
	"                       into a new folder results/compare/<time>-<last NEW_DIR's\n"
	"                       name>/ of the checkout; its path goes to stderr\n"
	"  --out DIR            --html into DIR instead; never inside a compared folder;\n"
	"                       an existing DIR only with --force, and only when it holds\n"
	"                       an earlier compare's output (compare.html, compare.json,\n"
	"                       fig/), which is then replaced\n"
	"  --json | --ktap      JSON or KTAP on stdout instead of the table\n"
	"  --junit FILE         also write JUnit XML to FILE\n"
	"  -q                   only the summary line;  -v  every cell, unchanged too\n"
	"  --baselines-dir DIR  where baseline names are looked up ($IOPF_BASELINES_DIR)\n"
	"  Environment: GNUPLOT, IOPF_PLOTS_DIR (as report's).\n"
	"  Exit: 0 no regression, 1 regression, 2 invalid, incomplete or mismatched\n"
	"  input, usage, an output (--junit, --html) that could not be written, or an\n"
	"  internal error (out of memory). Several NEW_DIRs: 1 when any regressed.\n";


static int usage_err(const struct bench_env *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_err(const struct bench_env *env, const char *fmt, ...)
{
	va_list ap;

	fprintf(env->err, "iopf-bench compare: ");
	va_start(ap, fmt);
	vfprintf(env->err, fmt, ap);
	va_end(ap);
	fprintf(env->err, "\n%s", compare_usage);
	return GX_INVALID;
}

static bool metric_listed(struct json_object *run, const char *name)
{
	struct json_object *ms = jarr(run, "metrics");

	if (!ms)
		return true;	/* an older run.json without the list: the table decides */
	for (size_t i = 0; i < json_object_array_length(ms); i++) {
		const char *n = jstr(json_object_array_get_idx(ms, i), "name");

		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

static int parse_metrics(struct cmpctx *C, const char *list)
{
	char *copy = xstrdup(list), *save = NULL, *tok;
	int rc = GX_OK;

	C->nmetrics = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct gate_metric *m = gate_metric_find(tok);
		bool dup = false;

		if (!m || !m->better) {
			fprintf(C->env->err, "iopf-bench compare: --metrics: %s '%s'; gated metrics:", m ?
				"no direction (not compared):" : "unknown metric", tok);
			for (size_t i = 0; i < GATE_NMETRICS; i++)
				if (gate_metrics[i].better)
					fprintf(C->env->err, " %s", gate_metrics[i].name);
			fputc('\n', C->env->err);
			rc = GX_INVALID;
			break;
		}
		for (unsigned int k = 0; k < C->nmetrics; k++)
			dup |= C->metrics[k] == m;
		if (!dup)
			C->metrics[C->nmetrics++] = m;
	}
	if (!rc && !C->nmetrics) {
		fprintf(C->env->err, "iopf-bench compare: --metrics: no metric given\n");
		rc = GX_INVALID;
	}
	free(copy);
	return rc;
}

static void cmp_free(struct cmpctx *C)
{
	for (int i = 0; i < 2; i++) {
		rj_free(&C->s[i].rj);
		json_object_put(C->s[i].run);
		json_object_put(C->s[i].plan);
		json_object_put(C->s[i].prov);
		json_object_put(C->s[i].saved);
		free(C->s[i].dir);
	}
	for (size_t i = 0; i < C->ncells; i++) {
		free(C->cells[i].base);
		free(C->cells[i].cand);
	}
	free(C->cells);
	if (!C->borrowed) {
		free(C->pair_base);
		free(C->pair_new);
		free(C->pair_label);
	}
	strv_free(&C->notes);
	strv_free(&C->mismatches);
	free(C);
}

/* Load and check one column's two folders; the differences go to its mismatches. */
static int col_prepare(struct cmpctx *C, const char *metrics_opt)
{
	int code;

	for (int i = 0; i < 2; i++) {
		code = side_load(C, &C->s[i]);
		if (code)
			return code;
	}
	for (int i = 0; i < 2; i++) {
		code = side_usable(C, &C->s[i], i == 0);
		if (code)
			return code;
	}
	for (int i = 0; C->pair_base && i < 2; i++)
		if (!str_in(jarr(C->s[i].plan, "designs"), C->s[i].design)) {
			cerr(C, "--pair: %s %s has no design %s", C->s[i].what, C->s[i].dir, C->s[i].design);
			return GX_INVALID;
		}
	for (unsigned int k = 0; k < C->nmetrics; k++)
		if (metrics_opt && !metric_listed(C->s[0].run, C->metrics[k]->name)) {
			cerr(C, "--metrics: %s is not in %s/run.json's metrics", C->metrics[k]->name, C->s[0].dir);
			return GX_INVALID;
		}
	code = check_model_rename(C);
	if (code)
		return code;
	check_spec(C);
	check_machine(C);
	for (int i = 0; i < 2; i++)
		if (C->s[i].regress_response > 0 || C->s[i].regress_report > 0)
			strv_addf(&C->notes, "%s has the synthetic regression knob on: response +%g ns, report +%g ns",
				  i ? "NEW" : "BASELINE", C->s[i].regress_response, C->s[i].regress_report);
	return GX_OK;
}

/* One column's cells; exit 2 when there is nothing to judge (no verdict, and "OK" would be a lie). */
static int col_judge(struct cmpctx *C)
{
	bool any = false;

	build_cells(C);
	for (size_t i = 0; i < C->ncells && !any; i++)
		any = C->cells[i].m && (C->cells[i].nb || C->cells[i].nn);
	if (!any && C->ncells && !C->counts[GATE_REGRESSED]) {
		cerr(C, "nothing to judge: no gated metric (%s%s) has a value in %s or %s; choose others "
		     "with --metrics", C->metrics[0]->name, C->nmetrics > 1 ? ", ..." : "", C->s[0].dir,
		     C->s[1].dir);
		return GX_INVALID;
	}
	if (!C->ncells) {
		cerr(C, "nothing to judge: %s and %s have no point and design in common with a gated metric",
		     C->s[0].dir, C->s[1].dir);
		return GX_INVALID;
	}
	return GX_OK;
}

/* A line of a column's own (notes, warnings): with several later folders, which one it is about. */
static void col_say(const struct cmpctx *C, size_t n, const char *what, const char *text)
{
	if (n > 1)
		cerr(C, "%s (%s): %s", what, C->s[1].dir, text);
	else
		cerr(C, "%s%s%s", what, *what ? ": " : "", text);
}

/*
 * Every later folder judged against the first (lkp compare's columns), each
 * exactly as `compare BASE THAT_FOLDER` would: its own family and Holm.
 */
static int compare_run(struct cmpctx **cols, size_t n, const char *metrics_opt, struct html_out *ho)
{
	struct cmpctx *C = cols[0];
	FILE *out = C->env->out;
	size_t nmis = 0;
	bool regressed = false;
	int code;

	for (size_t k = 0; k < n; k++) {
		code = col_prepare(cols[k], metrics_opt);
		if (code)
			return code;
	}
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < cols[k]->notes.n; i++)
			col_say(cols[k], n, "note", cols[k]->notes.v[i]);
		nmis += cols[k]->mismatches.n;
	}
	if (nmis && !C->force) {
		for (size_t k = 0; k < n; k++) {
			if (!cols[k]->mismatches.n)
				continue;
			cerr(C, "%s and %s are not the same experiment on the same kind of machine (--force compares "
			     "them anyway):", cols[k]->s[0].dir, cols[k]->s[1].dir);
			for (size_t i = 0; i < cols[k]->mismatches.n; i++)
				fprintf(C->env->err, "  %s\n", cols[k]->mismatches.v[i]);
		}
		if (C->json) {
			struct json_object *j = compare_json_all(cols, n, GX_INVALID, false);

			json_write(out, j);
			json_object_put(j);
		}
		return GX_INVALID;
	}
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < cols[k]->mismatches.n; i++)
			col_say(cols[k], n, "warning (--force)", cols[k]->mismatches.v[i]);
	for (size_t k = 0; k < n; k++) {
		code = col_judge(cols[k]);
		if (code)
			return code;
		regressed |= cols[k]->counts[GATE_REGRESSED] > 0;
	}
	code = regressed ? GX_REGRESSION : GX_OK;
	if (ho->want && html_write_compare(cols, n, code, ho))
		code = GX_INVALID;
	if (C->junit && write_junit(cols, n, C->junit))
		code = GX_INVALID;
	if (C->json) {
		struct json_object *j = compare_json_all(cols, n, code, true);

		json_write(out, j);
		json_object_put(j);
	} else if (C->ktap) {
		print_ktap(cols, n, out);
	} else if (C->quiet) {
		char line[300];

		summary_line_all((const struct cmpctx *const *)cols, n, line, sizeof(line));
		fprintf(out, "%s\n", line);
	} else if (n == 1) {
		print_table(C, out);
	} else {
		print_table_cols(cols, n, out);
	}
	fflush(out);
	return code;
}

int cmd_compare(int argc, char **argv, const struct bench_env *env)
{
	struct cmpctx *C;

	/* Out of memory is an internal error (2), never "regression" (1). */
	xalloc_exit_code(GX_INVALID);
	C = xcalloc(1, sizeof(*C));
	const char **pos = xcalloc((size_t)argc + 1, sizeof(*pos)), *metrics_opt = NULL, *bdir_opt = NULL, *val;
	struct cmpctx **cols = NULL;
	struct html_out ho = { 0 };
	int npos = 0, ncols = 0, code;

	C->env = env;
	C->threshold = GATE_DEFAULT_THRESHOLD;
	C->alpha = GATE_DEFAULT_ALPHA;
	C->min_reps = GATE_DEFAULT_MIN_REPS;
	for (size_t i = 0; i < GATE_NMETRICS; i++)
		C->thr[i] = NAN;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fprintf(env->out, "%s%s", compare_usage, compare_help);
			cmp_free(C);
			free(pos);
			return GX_OK;
		}
		if (!strcmp(a, "--force")) {
			C->force = true;
		} else if (!strcmp(a, "--html")) {
			ho.want = true;
		} else if (cli_opt_arg(a, "--out", argc, argv, &i, &val)) {
			if (!val || !*val) {
				code = usage_err(env, "--out needs a folder (for compare.html)");
				goto out;
			}
			ho.want = true;
			ho.dir = val;
		} else if (!strcmp(a, "--lkp-separation")) {
			C->separation = true;
		} else if (!strcmp(a, "--json")) {
			C->json = true;
		} else if (!strcmp(a, "--ktap")) {
			C->ktap = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			C->quiet = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			C->verbose = true;
		} else if (cli_opt_arg(a, "--threshold", argc, argv, &i, &val)) {
			const char *eq = val ? strchr(val, '=') : NULL;
			double t;

			if (!val) {
				code = usage_err(env, "--threshold needs a value");
				goto out;
			}
			if (!stats_parse_fraction(eq ? eq + 1 : val, &t) || t < 0 || t >= 1) {
				code = usage_err(env, "--threshold '%s': want a fraction 0 <= t < 1 (5%% or 0.05), "
						 "or METRIC=T", val);
				goto out;
			}
			if (eq) {
				char *name = strndup(val, (size_t)(eq - val));
				const struct gate_metric *m = gate_metric_find(name);

				if (!m) {
					code = usage_err(env, "--threshold: unknown metric '%s'", name);
					free(name);
					goto out;
				}
				free(name);
				C->thr[m - gate_metrics] = t;
			} else {
				C->threshold = t;
			}
		} else if (cli_opt_arg(a, "--alpha", argc, argv, &i, &val)) {
			if (!val || !stats_parse_fraction(val, &C->alpha) || !(C->alpha > 0) || !(C->alpha < 1)) {
				code = usage_err(env, "--alpha '%s': want 0 < A < 1 (e.g. 0.05 or 5%%)", val ?: "");
				goto out;
			}
		} else if (cli_opt_arg(a, "--family", argc, argv, &i, &val)) {
			if (!val || !parse_uint(val, 1, &C->family_opt)) {
				code = usage_err(env, "--family '%s': want a positive number of tests", val ?: "");
				goto out;
			}
		} else if (cli_opt_arg(a, "--min-reps", argc, argv, &i, &val)) {
			if (!val || !parse_uint(val, 1, &C->min_reps)) {
				code = usage_err(env, "--min-reps '%s': want a positive number", val ?: "");
				goto out;
			}
		} else if (cli_opt_arg(a, "--metrics", argc, argv, &i, &val)) {
			if (!val) {
				code = usage_err(env, "--metrics needs a list");
				goto out;
			}
			metrics_opt = val;
		} else if (cli_opt_arg(a, "--junit", argc, argv, &i, &val)) {
			if (!val || !*val) {
				code = usage_err(env, "--junit needs a file");
				goto out;
			}
			C->junit = val;
		} else if (cli_opt_arg(a, "--pair", argc, argv, &i, &val)) {
			const char *colon = val ? strchr(val, ':') : NULL;

			if (!colon || colon == val || !colon[1] || strchr(colon + 1, ':')) {
				code = usage_err(env, "--pair '%s': want BASE:NEW (two design labels)", val ?: "");
				goto out;
			}
			free(C->pair_base);
			free(C->pair_new);
			free(C->pair_label);
			C->pair_base = strndup(val, (size_t)(colon - val));
			C->pair_new = xstrdup(colon + 1);
			C->pair_label = xasprintf("%s->%s", C->pair_base, C->pair_new);
		} else if (cli_opt_arg(a, "--baselines-dir", argc, argv, &i, &val)) {
			if (!val || !*val) {
				code = usage_err(env, "--baselines-dir needs a folder");
				goto out;
			}
			bdir_opt = val;
		} else if (a[0] == '-' && a[1]) {
			code = usage_err(env, "unknown option '%s'", a);
			goto out;
		} else {
			pos[npos++] = a;
		}
	}
	if (npos == 1 && C->pair_base) {
		pos[1] = pos[0];	/* --pair in one folder */
		npos = 2;
	}
	if (npos < 2) {
		code = usage_err(env, C->pair_base ? "want DIR, or BASELINE_DIR and NEW_DIR..." :
				 "want BASELINE_DIR and NEW_DIR (and more NEW_DIRs)");
		goto out;
	}
	if (C->pair_base && !strcmp(C->pair_base, C->pair_new) && npos == 2 && !strcmp(pos[0], pos[1])) {
		code = usage_err(env, "--pair %s:%s in one folder compares a design with itself", C->pair_base,
				 C->pair_new);
		goto out;
	}
	if (C->json && C->ktap) {
		code = usage_err(env, "--json and --ktap both write stdout: one of them");
		goto out;
	}
	if (metrics_opt) {
		code = parse_metrics(C, metrics_opt);
		if (code) {
			fprintf(env->err, "%s", compare_usage);
			goto out;
		}
	} else {
		for (const char *const *n = gate_default_metrics; *n; n++)
			C->metrics[C->nmetrics++] = gate_metric_find(*n);
		C->default_metrics = true;
	}
	C->s[0].what = "baseline";
	C->s[1].what = "new";
	C->s[0].dir = xstrdup(pos[0]);
	C->s[1].dir = xstrdup(pos[1]);
	C->s[0].design = C->pair_base;
	C->s[1].design = C->pair_new;
	C->folder = 1;
	/* A saved baseline's bare name */
	if (!folder_is_dir(pos[0]) && baseline_valid_name(pos[0])) {
		char *bd = baseline_dir(bdir_opt), *cand = xasprintf("%s/%s", bd, pos[0]);

		free(bd);
		if (folder_is_dir(cand)) {
			free(C->s[0].dir);
			C->s[0].dir = cand;
		} else {
			free(cand);
		}
	}
	/* One column per later folder, each with the options: the first is C. */
	ncols = npos - 1;
	cols = xcalloc((size_t)ncols, sizeof(*cols));
	cols[0] = C;
	for (int k = 1; k < ncols; k++) {
		struct cmpctx *c = xcalloc(1, sizeof(*c));

		*c = *C;
		c->borrowed = true;
		c->s[0].dir = xstrdup(C->s[0].dir);
		c->s[1].dir = xstrdup(pos[k + 1]);
		c->folder = (unsigned int)k + 1;
		cols[k] = c;
	}
	ho.force = C->force;
	code = ho.want ? html_check_out(cols, (size_t)ncols, &ho) : GX_OK;
	if (!code)
		code = compare_run(cols, (size_t)ncols, metrics_opt, &ho);
out:
	for (int k = ncols - 1; k >= 1; k--)
		cmp_free(cols[k]);
	cmp_free(C);
	free(cols);
	free(pos);
	free(ho.final);
	return code;
}

