// SPDX-License-Identifier: GPL-2.0
/*
 * html.c - report.html from run.json's document: one offline file (inline
 * CSS, no scripts, no external assets; the figures are fig/NAME.svg with a
 * link to the PNG), sections: status (a banner when the folder is incomplete
 * or a repetition failed), provenance, the comparison table, the figures per
 * sweep, the repetitions that are not in any median, and the files.
 * Every string that comes from a file is escaped.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gate.h"
#include "html.h"
#include "jsonutil.h"
#include "report.h"

static size_t jlen(struct json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static struct json_object *jidx(struct json_object *a, size_t i)
{
	return json_object_array_get_idx(a, i);
}

void html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

#define E(s) html_escape(f, (s))

/* A relative link: percent-encoded, then attribute-escaped. */
static void href(FILE *f, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/=+,:@", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
	}
}

static void alink(FILE *f, const char *path, const char *text)
{
	fputs("<a href=\"", f);
	href(f, path);
	fputs("\">", f);
	E(text ? text : path);
	fputs("</a>", f);
}

/* A value by the unit of its metric. */
static void fmt_unit(const char *unit, double v, char *buf, size_t len)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "-");
	} else if (unit && !strcmp(unit, "ns") && v >= 0) {
		fmt_ns((uint64_t)llround(v), buf, len);
	} else if (unit && !strcmp(unit, "requests/s")) {
		if (v >= 1e6)
			snprintf(buf, len, "%.3g M/s", v / 1e6);
		else if (v >= 1e3)
			snprintf(buf, len, "%.3g k/s", v / 1e3);
		else
			snprintf(buf, len, "%.3g /s", v);
	} else {
		snprintf(buf, len, "%.4g", v);
	}
}

static void stat_cell(FILE *f, struct json_object *st, const char *unit)
{
	double med, mn, mx, n = 0;
	char a[32], b[32], c[32];

	jnumber(jget(st, "n"), &n);
	if (!jnumber(jget(st, "median"), &med)) {
		fputs("<td class=\"num na\">-</td>", f);
		return;
	}
	jnumber(jget(st, "min"), &mn);
	jnumber(jget(st, "max"), &mx);
	fmt_unit(unit, med, a, sizeof(a));
	fmt_unit(unit, mn, b, sizeof(b));
	fmt_unit(unit, mx, c, sizeof(c));
	fprintf(f, "<td class=\"num\">%s<br><span class=\"small\">%s..%s, n=%.0f", a, b, c, n);
	/* A small sample per run (the in-flush latencies): its sample count per run too. */
	if (jget(st, "samples")) {
		double smin = NAN, smax = NAN;
		char sn[48];

		jnumber(jget(jget(st, "samples"), "min"), &smin);
		jnumber(jget(jget(st, "samples"), "max"), &smax);
		gate_fmt_samples(smin, smax, sn, sizeof(sn));
		fprintf(f, "<br>samples/run %s", sn);
	}
	fputs("</span></td>", f);
}

static const char *const css =
	"body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:0 auto;max-width:1300px;padding:0 1.2em 3em;"
	"color:#1a1a1a;line-height:1.4}"
	"h1{font-size:1.7em;margin:.8em 0 .2em}h2{border-bottom:2px solid #ccd;padding-bottom:.2em;margin-top:1.8em}"
	"h3{margin-top:1.4em}"
	"table{border-collapse:collapse;margin:.6em 0;font-size:.9em}"
	"th,td{border:1px solid #ccd;padding:.25em .5em;vertical-align:top;text-align:left}"
	"th{background:#eef0f6}td.num{text-align:right;white-space:nowrap}"
	".small{font-size:.8em;color:#555}.na{color:#888}"
	".badge{display:inline-block;padding:.1em .6em;border-radius:.8em;font-weight:bold;font-size:.85em}"
	".st-complete,.ps-ok{background:#d6f5d6;color:#135213}"
	".st-incomplete,.ps-partial{background:#fff0c2;color:#6b4e00}"
	".st-failed,.ps-failed{background:#ffd6d6;color:#8a1111}.ps-skipped{background:#e4e4e4;color:#444}"
	".banner{border:3px solid #c62828;background:#fff1f1;padding:.8em 1.2em;margin:1em 0;font-size:1.05em}"
	".banner.warn{border-color:#d49b00;background:#fff8e1}"
	".banner strong{font-size:1.3em}"
	"td.v-improved{background:#c8efc8;font-weight:bold}td.v-regressed{background:#ffc9c9;font-weight:bold}"
	"td.v-unchanged{background:#dde7f5}td.v-noisy{background:#fafafa}td.v-missing{color:#777}"
	"figure{margin:1.2em 0;border:1px solid #dde;padding:.6em;background:#fff}"
	"figure img{max-width:100%;height:auto;display:block;margin:0 auto}"
	"figcaption{font-size:.9em;color:#333;margin-top:.4em}"
	"pre{background:#f6f6f9;padding:.5em;overflow-x:auto;font-size:.85em}"
	"nav a{margin-right:1em}details{margin:.4em 0}summary{cursor:pointer}"
	"ul.files{columns:2;font-size:.85em}";

const char *html_style(void)
{
	return css;
}

void html_href(FILE *f, const char *path)
{
	href(f, path);
}

/* The repetitions of a point that are not in any median. */
static void bad_reps(struct json_object *point, void (*fn)(void *, const char *design, struct json_object *rep),
		     void *arg)
{
	json_object_object_foreach(jget(point, "designs"), dname, d) {
		struct json_object *reps = jget(d, "repetitions");

		for (size_t i = 0; i < jlen(reps); i++) {
			const char *st = jstr(jidx(reps, i), "status");

			if (st && strcmp(st, "success"))
				fn(arg, dname, jidx(reps, i));
		}
	}
}

struct banner_ctx {
	FILE *f;
	struct json_object *point;
	unsigned int n;
};

static void banner_rep(void *arg, const char *design, struct json_object *rep)
{
	struct banner_ctx *b = arg;
	FILE *f = b->f;
	const char *st = jstr(rep, "status");

	if (!strcmp(st, "skipped"))
		return;
	if (b->n++ < 30) {
		fputs("<li>", f);
		E(jstr(b->point, "label"));
		fputs(": ", f);
		E(design);
		fprintf(f, "-r%d <b>", json_object_get_int(jget(rep, "rep")));
		E(st);
		fputs("</b>", f);
		if (jstr(rep, "reason")) {
			fputs(": ", f);
			E(jstr(rep, "reason"));
		}
		fputs("</li>\n", f);
	}
}

static void section_status(FILE *f, struct json_object *run)
{
	const char *status = jstr(run, "status");
	struct json_object *problems = jget(run, "problems"), *sweeps = jget(run, "sweeps");
	struct banner_ctx b = { .f = f };

	if (!status)
		status = "unknown";
	if (json_object_is_type(jget(run, "regress"), json_type_object)) {
		struct json_object *g = jget(run, "regress");

		fputs("<div class=\"banner warn\"><strong>SYNTHETIC REGRESSION KNOB ON</strong><p>", f);
		fprintf(f, "%s runs were made with busy time added by the module parameters "
			"<code>regress_report_ns</code> (up to %s ns per report) and "
			"<code>regress_response_ns</code> (up to %s ns per page response): a slowdown "
			"injected on purpose to test the CI gate, not the framework's own cost.</p></div>\n",
			json_object_get_string(jget(g, "runs")), json_object_get_string(jget(g, "report_ns_max")),
			json_object_get_string(jget(g, "response_ns_max")));
	}
	if (strcmp(status, "complete")) {
		fprintf(f, "<div class=\"banner%s\"><strong>%s</strong>", strcmp(status, "failed") ? " warn" : "",
			!strcmp(status, "failed") ? "FAILED: repetitions failed or ended in an error" :
			"INCOMPLETE: this folder does not hold every planned run");
		fputs("<ul>\n", f);
		for (size_t i = 0; i < jlen(problems); i++) {
			fputs("<li>", f);
			E(json_object_get_string(jidx(problems, i)));
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
		fputs("<p>Repetitions not in any median (details in <a href=\"#repetitions\">the list below</a>):</p><ul>\n", f);
		for (size_t s = 0; s < jlen(sweeps); s++) {
			struct json_object *pts = jget(jidx(sweeps, s), "points");

			for (size_t p = 0; p < jlen(pts); p++) {
				b.point = jidx(pts, p);
				bad_reps(b.point, banner_rep, &b);
			}
		}
		if (b.n > 30)
			fprintf(f, "<li>... and %u more</li>\n", b.n - 30);
		if (!b.n)
			fputs("<li>none (see above)</li>\n", f);
		fputs("</ul></div>\n", f);
	}
}

static void kv_row(FILE *f, const char *k, const char *v)
{
	if (!v)
		return;
	fputs("<tr><th>", f);
	E(k);
	fputs("</th><td>", f);
	E(v);
	fputs("</td></tr>\n", f);
}

/* Generic rendering of a JSON value (provenance): objects as tables, long text as <pre>. */
static void json_html(FILE *f, struct json_object *v, int depth)
{
	if (!v) {
		fputs("<span class=\"na\">null</span>", f);
		return;
	}
	switch (json_object_get_type(v)) {
	case json_type_object:
		if (depth > 6) {
			fputs("...", f);
			return;
		}
		fputs("<table>", f);
		json_object_object_foreach(v, k, val) {
			fputs("<tr><th>", f);
			E(k);
			fputs("</th><td>", f);
			json_html(f, val, depth + 1);
			fputs("</td></tr>", f);
		}
		fputs("</table>", f);
		return;
	case json_type_array: {
		bool scalars = true;

		for (size_t i = 0; i < jlen(v); i++) {
			enum json_type t = json_object_get_type(jidx(v, i));

			scalars &= t != json_type_object && t != json_type_array;
		}
		if (scalars) {
			fputs("<code>", f);
			for (size_t i = 0; i < jlen(v); i++) {
				if (i)
					fputc(' ', f);
				E(json_object_get_string(jidx(v, i)));
			}
			fputs("</code>", f);
			return;
		}
		fputs("<ol>", f);
		for (size_t i = 0; i < jlen(v); i++) {
			fputs("<li>", f);
			json_html(f, jidx(v, i), depth + 1);
			fputs("</li>", f);
		}
		fputs("</ol>", f);
		return;
	}
	case json_type_string: {
		const char *s = json_object_get_string(v);

		if (strchr(s, '\n')) {
			fputs("<pre>", f);
			E(s);
			fputs("</pre>", f);
		} else {
			E(s);
		}
		return;
	}
	default:
		E(json_object_get_string(v));
	}
}

/* Scalars anywhere in v whose key mentions QEMU or the accelerator. */
static void find_vm_keys(FILE *f, struct json_object *v, const char *path, int depth)
{
	if (!v || depth > 5 || !json_object_is_type(v, json_type_object))
		return;
	json_object_object_foreach(v, k, val) {
		char p[256];

		snprintf(p, sizeof(p), "%s%s%s", path, *path ? "." : "", k);
		if (val && json_object_is_type(val, json_type_object)) {
			find_vm_keys(f, val, p, depth + 1);
		} else if (strcasestr(p, "qemu") || strcasestr(k, "accel") || strcasestr(k, "kvm") ||
			   strcasestr(k, "tcg")) {
			kv_row(f, p, val ? json_object_get_string(val) : "null");
		}
	}
}

static void section_provenance(FILE *f, struct json_object *run)
{
	struct json_object *prov = jget(run, "provenance"), *vm = jget(run, "vm"), *git, *host, *kernels;
	char buf[256];

	fputs("<h2 id=\"provenance\">Provenance</h2>\n", f);
	if (!prov)
		fputs("<p class=\"na\">No provenance.json in this folder.</p>\n", f);
	fputs("<table>\n", f);
	git = jget(prov, "git");
	if (jstr(git, "revision")) {
		struct json_object *d = jget(git, "dirty");

		snprintf(buf, sizeof(buf), "%s%s", jstr(git, "revision"),
			 d && json_object_get_boolean(d) ? " (dirty: uncommitted changes, see git.diff)" :
			 d ? " (clean)" : "");
		kv_row(f, "git revision", buf);
	}
	kv_row(f, "date", jstr(prov, "date"));
	host = jget(prov, "host");
	kv_row(f, "host", jstr(host, "name"));
	kv_row(f, "host CPU", jstr(host, "cpu"));
	kv_row(f, "host kernel", jstr(host, "kernel"));
	kv_row(f, "target", jstr(run, "target"));
	find_vm_keys(f, prov, "", 0);
	if (vm && json_object_is_type(vm, json_type_object)) {
		struct json_object *em = jget(vm, "emulated");
		size_t n = 0;

		buf[0] = 0;
		json_object_object_foreach(vm, k, val) {
			if (n < sizeof(buf))
				n += snprintf(buf + n, sizeof(buf) - n, "%s%s %s", n ? ", " : "", k,
					      val ? json_object_get_string(val) : "null");
		}
		kv_row(f, "VM", buf);
		if (em && json_object_get_boolean(em))
			kv_row(f, "VM topology", "emulated: the guest's CPUs, cores and NUMA nodes are QEMU's, not "
			       "the host's; compare ratios between designs, not absolute numbers");
	}
	{
		struct json_object *cl = jget(prov, "command_line");

		if (jlen(cl)) {
			fputs("<tr><th>command line</th><td>", f);
			json_html(f, cl, 0);
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</table>\n", f);
	kernels = jget(prov, "kernels");
	if (jlen(kernels)) {
		static const char *const cols[] = { "design", "flavor", "kernelrelease", "patches", "config_sha256",
						    "key", "compiler", "built" };

		fputs("<h3>Kernels</h3>\n<table><tr>", f);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			fprintf(f, "<th>%s</th>", cols[c]);
		fputs("</tr>\n", f);
		for (size_t i = 0; i < jlen(kernels); i++) {
			fputs("<tr>", f);
			for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
				struct json_object *v = jget(jidx(kernels, i), cols[c]);

				fputs("<td>", f);
				E(v ? json_object_get_string(v) : "");
				fputs("</td>", f);
			}
			fputs("</tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	if (prov) {
		fputs("<details><summary>all of provenance.json</summary>\n", f);
		json_html(f, prov, 0);
		fputs("</details>\n", f);
	}
}

static const char *metric_label(struct json_object *run, const char *name)
{
	struct json_object *ms = jget(run, "metrics");

	for (size_t i = 0; i < jlen(ms); i++)
		if (jstr(jidx(ms, i), "name") && !strcmp(jstr(jidx(ms, i), "name"), name))
			return jstr(jidx(ms, i), "label");
	return name;
}

static void verdict_cells(FILE *f, struct json_object *c)
{
	const char *v = jstr(c, "verdict");
	double r, lo, hi, conf;
	char cls[32];

	if (jnumber(jget(c, "ratio"), &r))
		fprintf(f, "<td class=\"num\">%.3g</td>", r);
	else
		fputs("<td class=\"num na\">-</td>", f);
	if (jnumber(jget(c, "ci_low"), &lo) && jnumber(jget(c, "ci_high"), &hi) && jnumber(jget(c, "confidence"), &conf))
		fprintf(f, "<td class=\"num\">%.3g..%.3g<br><span class=\"small\">%.1f %%</span></td>", lo, hi,
			floor(conf * 1000) / 10);
	else
		fputs("<td class=\"num na\">-</td>", f);
	snprintf(cls, sizeof(cls), "v-%s", v && strspn(v, "abcdefghijklmnopqrstuvwxyz") == strlen(v) ? v : "missing");
	fprintf(f, "<td class=\"%s\">", cls);
	E(jstr(c, "words"));
	fputs("</td>", f);
}

static void point_badge(FILE *f, struct json_object *p)
{
	const char *ps = jstr(p, "point_status");

	fprintf(f, " <span class=\"badge ps-%s\">", ps && strchr("opfs", ps[0]) ? ps : "failed");
	E(ps ? ps : "?");
	fputs("</span>", f);
}

static bool skip_row(struct json_object *c, bool *both_zero)
{
	const char *why = jstr(c, "reason");

	*both_zero = why && !strcmp(why, "both zero");
	return !c || (why && (!strncmp(why, "not measured", 12) || *both_zero));
}

static void point_cell(FILE *f, struct json_object *p, unsigned int rows)
{
	fprintf(f, "<td rowspan=\"%u\">", rows);
	E(jstr(p, "label"));
	point_badge(f, p);
	fputs("</td>", f);
}

/*
 * Rows point x metric (x compared design): baseline median, design median,
 * ratio, CI, verdict. Metrics no run measured are left out; those that are
 * zero on both sides in every successful repetition share one row.
 */
static void summary_table(FILE *f, struct json_object *run, struct json_object *sw)
{
	struct json_object *pts = jget(sw, "points"), *designs = jget(run, "designs"), *ms = jget(run, "metrics");
	size_t nd = jlen(designs);
	const char *base = nd > 1 ? jstr(run, "baseline_design") : NULL;

	fputs("<table class=\"summary\">\n<tr><th>point</th><th>metric</th>", f);
	if (base) {
		fputs("<th>", f);
		E(base);
		fputs(" (baseline)<br>median</th><th>design</th><th>design<br>median</th><th>ratio</th><th>CI</th>"
		      "<th>verdict</th></tr>\n", f);
	} else {
		for (size_t d = 0; d < nd; d++) {
			fputs("<th>", f);
			E(json_object_get_string(jidx(designs, d)));
			fputs(" median</th>", f);
		}
		fputs("</tr>\n", f);
	}
	for (size_t i = 0; i < jlen(pts); i++) {
		struct json_object *p = jidx(pts, i), *cs = jget(p, "comparisons"), *pd = jget(p, "designs");
		unsigned int rows = 0, row = 0;

		/* count the rows first (rowspan) */
		if (base) {
			json_object_object_foreach(cs, dn, dc) {
				bool zeros = false, bz;

				(void)dn;
				for (size_t m = 0; m < jlen(ms); m++) {
					struct json_object *c = jget(dc, jstr(jidx(ms, m), "name"));

					if (c && !skip_row(c, &bz))
						rows++;
					zeros |= c && bz;
				}
				rows += zeros;
			}
		} else {
			for (size_t m = 0; m < jlen(ms); m++) {
				bool any = false;

				for (size_t d = 0; d < nd; d++) {
					double v;

					any |= jnumber(jget(jget(jget(jget(pd, json_object_get_string(jidx(designs, d))),
								  "summary"), jstr(jidx(ms, m), "name")), "median"), &v);
				}
				rows += any;
			}
		}
		if (!rows) {
			fputs("<tr>", f);
			point_cell(f, p, 1);
			fprintf(f, "<td colspan=\"%zu\" class=\"na\">no successful repetition</td></tr>\n",
				base ? (size_t)7 : nd + 1);
			continue;
		}
		if (base) {
			json_object_object_foreach(cs, dn, dc) {
				bool first_zero = true, bz;

				for (size_t m = 0; m < jlen(ms); m++) {
					const char *mn = jstr(jidx(ms, m), "name"), *unit = jstr(jidx(ms, m), "unit");
					struct json_object *c = jget(dc, mn);

					if (!c || skip_row(c, &bz))
						continue;
					fputs("<tr>", f);
					if (!row++)
						point_cell(f, p, rows);
					fputs("<td>", f);
					E(metric_label(run, mn));
					fputs("</td>", f);
					stat_cell(f, jget(jget(jget(pd, base), "summary"), mn), unit);
					fputs("<td>", f);
					E(dn);
					fputs("</td>", f);
					stat_cell(f, jget(jget(jget(pd, dn), "summary"), mn), unit);
					verdict_cells(f, c);
					fputs("</tr>\n", f);
				}
				for (size_t m = 0; m < jlen(ms); m++) {
					const char *mn = jstr(jidx(ms, m), "name");
					struct json_object *c = jget(dc, mn);

					if (!c || (skip_row(c, &bz), !bz))
						continue;
					if (first_zero) {
						fputs("<tr>", f);
						if (!row++)
							point_cell(f, p, rows);
						fputs("<td colspan=\"2\" class=\"na\">zero in every successful "
						      "repetition of both</td><td>", f);
						E(dn);
						fputs("</td><td colspan=\"4\" class=\"na\">unchanged (both zero): ", f);
					} else {
						fputs(", ", f);
					}
					E(metric_label(run, mn));
					first_zero = false;
				}
				if (!first_zero)
					fputs("</td></tr>\n", f);
			}
			continue;
		}
		for (size_t m = 0; m < jlen(ms); m++) {
			const char *mn = jstr(jidx(ms, m), "name"), *unit = jstr(jidx(ms, m), "unit");
			bool any = false;

			for (size_t d = 0; d < nd; d++) {
				double v;

				any |= jnumber(jget(jget(jget(jget(pd, json_object_get_string(jidx(designs, d))),
							  "summary"), mn), "median"), &v);
			}
			if (!any)
				continue;
			fputs("<tr>", f);
			if (!row++)
				point_cell(f, p, rows);
			fputs("<td>", f);
			E(metric_label(run, mn));
			fputs("</td>", f);
			for (size_t d = 0; d < nd; d++)
				stat_cell(f, jget(jget(jget(pd, json_object_get_string(jidx(designs, d))), "summary"), mn),
					  unit);
			fputs("</tr>\n", f);
		}
	}
	fputs("</table>\n", f);
}

static void extra_tables(FILE *f, struct json_object *run, struct json_object *sw)
{
	struct json_object *knees = jget(sw, "knees"), *tsc = jget(sw, "timeseries_cost");

	if (jlen(knees)) {
		fputs("<p>Knees (the first offered rate a design delivers less than 95 % of, or its highest "
		      "throughput when it never falls behind):</p>\n<table><tr><th>design</th><th>other axes</th>"
		      "<th>kind</th><th>offered</th><th>delivered</th></tr>\n", f);
		for (size_t i = 0; i < jlen(knees); i++) {
			struct json_object *k = jidx(knees, i), *sat = jget(k, "saturated");
			double a = NAN, b = NAN;
			char x[32], y[32];

			jnumber(jget(k, "offered_rps"), &a);
			jnumber(jget(k, "delivered_rps"), &b);
			fmt_unit("requests/s", a, x, sizeof(x));
			fmt_unit("requests/s", b, y, sizeof(y));
			fputs("<tr><td>", f);
			E(jstr(k, "design"));
			fputs("</td><td>", f);
			E(jstr(k, "variant"));
			fprintf(f, "</td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
				sat && json_object_get_boolean(sat) ? "knee (below 95 %)" : "max (never below 95 %)", x, y);
		}
		fputs("</table>\n", f);
	}
	if (jget(sw, "timeseries_cost")) {
		fputs("<p>The time-series stream's cost: throughput with the stream on / off, per design (ratio "
		      "Hodges-Lehmann ratio and its interval; \"regressed\" = the stream costs throughput):</p>\n", f);
		if (!jlen(tsc)) {
			fputs("<p class=\"na\">No on/off pair of points with data.</p>\n", f);
			return;
		}
		fputs("<table><tr><th>design</th><th>other axes</th><th>ratio on/off</th><th>CI</th>"
		      "<th>verdict</th></tr>\n", f);
		for (size_t i = 0; i < jlen(tsc); i++) {
			struct json_object *t = jidx(tsc, i);

			fputs("<tr><td>", f);
			E(jstr(t, "design"));
			fputs("</td><td>", f);
			E(jstr(t, "other_axes"));
			fputs("</td>", f);
			verdict_cells(f, t);
			fputs("</tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	(void)run;
}

/* Calls fn on every comparison cell of the run (point, design, metric). */
static void each_cmp(struct json_object *run, void (*fn)(void *, struct json_object *sw, struct json_object *p,
							 const char *design, const char *metric, struct json_object *c),
		     void *arg)
{
	struct json_object *sweeps = jget(run, "sweeps");

	for (size_t s = 0; s < jlen(sweeps); s++) {
		struct json_object *pts = jget(jidx(sweeps, s), "points");

		for (size_t i = 0; i < jlen(pts); i++) {
			struct json_object *p = jidx(pts, i);

			json_object_object_foreach(jget(p, "comparisons"), dn, dc) {
				json_object_object_foreach(dc, mn, c)
					fn(arg, jidx(sweeps, s), p, dn, mn, c);
			}
		}
	}
}

struct decided_ctx {
	FILE *f;
	struct json_object *run;
	const char *want;	/* the verdict of this pass */
	unsigned int rows, counts[5];
};

static const char *const decided_names[5] = { "regressed", "improved", "unchanged", "noisy", "missing" };

static void decided_row(void *arg, struct json_object *sw, struct json_object *p, const char *dn, const char *mn,
			struct json_object *c)
{
	struct decided_ctx *d = arg;
	FILE *f = d->f;
	const char *v = jstr(c, "verdict"), *base = jstr(d->run, "baseline_design"), *unit = NULL;
	struct json_object *ms = jget(d->run, "metrics");

	if (jstr(c, "reason") && !strncmp(jstr(c, "reason"), "not measured", 12))
		return;		/* not a row of the summary either */
	if (!d->want) {
		for (size_t i = 0; v && i < 5; i++)
			d->counts[i] += !strcmp(v, decided_names[i]);
		return;
	}
	if (!v || strcmp(v, d->want))
		return;
	for (size_t m = 0; m < jlen(ms); m++)
		if (jstr(jidx(ms, m), "name") && !strcmp(jstr(jidx(ms, m), "name"), mn))
			unit = jstr(jidx(ms, m), "unit");
	d->rows++;
	fputs("<tr><td>", f);
	E(jstr(sw, "name"));
	fputs("</td><td>", f);
	E(jstr(p, "label"));
	fputs("</td><td>", f);
	E(metric_label(d->run, mn));
	fputs("</td>", f);
	stat_cell(f, jget(jget(jget(jget(p, "designs"), base), "summary"), mn), unit);
	fputs("<td>", f);
	E(dn);
	fputs("</td>", f);
	stat_cell(f, jget(jget(jget(jget(p, "designs"), dn), "summary"), mn), unit);
	verdict_cells(f, c);
	fputs("</tr>\n", f);
}

/*
 * The decided cells first: every comparison that regressed, then every one
 * that improved, before the rest of the page (the summary below has every
 * cell, sweep by sweep).
 */
static void section_decided(FILE *f, struct json_object *run)
{
	struct decided_ctx d = { .f = f, .run = run };
	const char *base = jlen(jget(run, "designs")) > 1 ? jstr(run, "baseline_design") : NULL;

	if (!base)
		return;
	each_cmp(run, decided_row, &d);
	fprintf(f, "<h2 id=\"decided\">Decided cells</h2>\n<p>%u regressed and %u improved, first; %u unchanged, %u "
		"noisy and %u missing are in the <a href=\"#summary\">summary</a>, sweep by sweep.</p>\n",
		d.counts[0], d.counts[1], d.counts[2], d.counts[3], d.counts[4]);
	fputs("<table class=\"decided\">\n<tr><th>sweep</th><th>point</th><th>metric</th><th>", f);
	E(base);
	fputs(" (baseline)<br>median</th><th>design</th><th>design<br>median</th><th>ratio</th><th>CI</th>"
	      "<th>verdict</th></tr>\n", f);
	for (size_t i = 0; i < 2; i++) {
		d.want = decided_names[i];
		each_cmp(run, decided_row, &d);
	}
	if (!d.rows)
		fputs("<tr><td colspan=\"9\" class=\"na\">none: no cell regressed or improved</td></tr>\n", f);
	fputs("</table>\n", f);
}

static void section_summary(FILE *f, struct json_object *run)
{
	struct json_object *sweeps = jget(run, "sweeps");
	double conf = 0.95, thr = 0.05, alpha = 0.05, family = 0;
	const char *base = jlen(jget(run, "designs")) > 1 ? jstr(run, "baseline_design") : NULL;

	jnumber(jget(run, "confidence"), &conf);
	jnumber(jget(run, "threshold"), &thr);
	jnumber(jget(run, "alpha"), &alpha);
	jnumber(jget(run, "family"), &family);
	fputs("<h2 id=\"summary\">Summary</h2>\n", f);
	if (base) {
		fputs("<p>Each design against the baseline <b>", f);
		E(base);
		fprintf(f, "</b>, per point and metric, by the gate's rule (the same as <code>iopf-bench compare</code>, "
			"results/SCHEMA.md \"Comparing runs\"). Medians (small: min..max and n) are over the successful "
			"repetitions only. <b>ratio</b>: the Hodges-Lehmann ratio design / baseline. <b>CI</b>: its "
			"distribution-free interval (Mann-Whitney on log values) at alpha / family = %.4g %% per "
			"row; the small number is the confidence it achieves with these repetition counts. "
			"<b>Verdict</b>: one one-sided test per cell, Holm's step-down over the %.0f gated cells "
			"(report, response and PRQ-wait p50, closed-loop throughput) at a family-wise %.3g %%: "
			"regressed / improved when the test rejects no change; unchanged when the interval lies within "
			"1 &plusmn; %.3g %% (or a regression of that size is ruled out); noisy when neither (with the "
			"repetitions per side that would decide); missing when a side has no value. Other metrics are "
			"judged at the same per-row level and not counted in the family. Throughput: higher is "
			"better; latencies and counts: lower is better. Metrics that no run measured are left "
			"out. The in-flush latencies (the report during a flush of the same device, the queue "
			"wait while any flush runs on the IOMMU) are small samples: their cells also give the "
			"samples per run (samples/run n=).</p>\n", conf * 100, family, alpha * 100, thr * 100);
	} else {
		fputs("<p>One design (or no baseline): medians over the successful repetitions, no comparison.</p>\n", f);
	}
	for (size_t s = 0; s < jlen(sweeps); s++) {
		struct json_object *sw = jidx(sweeps, s), *axes = jget(sw, "axes");

		fputs("<h3 id=\"sum-", f);
		href(f, jstr(sw, "name"));
		fputs("\">Sweep ", f);
		E(jstr(sw, "name"));
		fputs("</h3>\n", f);
		if (jstr(sw, "description")) {
			fputs("<p>", f);
			E(jstr(sw, "description"));
			fputs("</p>\n", f);
		}
		fputs("<p class=\"small\">axes: ", f);
		for (size_t a = 0; a < jlen(axes); a++) {
			E(json_object_get_string(jidx(axes, a)));
			fputs(a + 1 < jlen(axes) ? ", " : "", f);
		}
		if (jstr(sw, "csv")) {
			fputs("; data: ", f);
			alink(f, jstr(sw, "csv"), jstr(sw, "csv"));
		}
		fputs("</p>\n", f);
		summary_table(f, run, sw);
		extra_tables(f, run, sw);
	}
}

static void section_figures(FILE *f, struct json_object *run)
{
	struct json_object *sweeps = jget(run, "sweeps");
	unsigned int n = 0;

	fputs("<h2 id=\"figures\">Figures</h2>\n", f);
	for (size_t s = 0; s < jlen(sweeps); s++) {
		struct json_object *sw = jidx(sweeps, s), *figs = jget(sw, "figures");

		fputs("<h3>Sweep ", f);
		E(jstr(sw, "name"));
		fputs("</h3>\n", f);
		if (!jlen(figs))
			fputs("<p class=\"na\">No figures for this sweep (no data to draw, or the report was only "
			      "aggregated).</p>\n", f);
		for (size_t i = 0; i < jlen(figs); i++) {
			struct json_object *g = jidx(figs, i), *data = jget(g, "data");
			const char *png = jstr(g, "png"), *svg = jstr(g, "svg");

			fprintf(f, "<figure id=\"fig-%u\">", ++n);
			fputs("<a href=\"", f);
			href(f, png ? png : "");
			fputs("\"><img src=\"", f);
			href(f, svg ? svg : "");
			fputs("\" alt=\"", f);
			E(jstr(g, "caption"));
			fputs("\"></a>\n<figcaption><b>Figure ", f);
			fprintf(f, "%u.</b> ", n);
			E(jstr(g, "caption"));
			fputs(" <span class=\"small\">[", f);
			alink(f, png ? png : "", "PNG");
			fputs(", ", f);
			alink(f, svg ? svg : "", "SVG");
			for (size_t d = 0; d < jlen(data); d++) {
				fputs(", ", f);
				alink(f, json_object_get_string(jidx(data, d)), "data");
			}
			fputs(", script scripts/plots/", f);
			E(jstr(g, "script"));
			fputs("]</span></figcaption></figure>\n", f);
		}
	}
}

struct reps_ctx {
	FILE *f;
	struct json_object *point, *sweep;
	unsigned int n;
};

static void rep_files(FILE *f, struct json_object *rep)
{
	static const char *const kinds[] = { "json", "hist", "timeseries", "stderr" };
	struct json_object *files = jget(rep, "files");
	bool first = true;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const char *p = jstr(files, kinds[k]);

		if (!p)
			continue;
		fputs(first ? "" : ", ", f);
		alink(f, p, kinds[k]);
		first = false;
	}
}

static void reps_row(void *arg, const char *design, struct json_object *rep)
{
	struct reps_ctx *c = arg;
	FILE *f = c->f;
	const char *st = jstr(rep, "status");

	c->n++;
	fputs("<tr><td>", f);
	E(jstr(c->sweep, "name"));
	fputs("</td><td>", f);
	E(jstr(c->point, "label"));
	fputs("</td><td>", f);
	E(design);
	fprintf(f, "</td><td>%d</td><td><span class=\"badge ps-%s\">", json_object_get_int(jget(rep, "rep")),
		!strcmp(st, "skipped") ? "skipped" : !strcmp(st, "missing") ? "partial" : "failed");
	E(st);
	fputs("</span></td><td>", f);
	E(jstr(rep, "reason"));
	fputs("</td><td>", f);
	rep_files(f, rep);
	fputs("</td></tr>\n", f);
}

static void section_reps(FILE *f, struct json_object *run)
{
	struct json_object *sweeps = jget(run, "sweeps");
	struct reps_ctx c = { .f = f };

	fputs("<h2 id=\"repetitions\">Repetitions not in the medians</h2>\n"
	      "<p>failure = invariant violations; error = the run did not finish properly; skipped = the point "
	      "cannot exist here (exit 4); missing = no result file (interrupted sweep).</p>\n"
	      "<table><tr><th>sweep</th><th>point</th><th>design</th><th>rep</th><th>status</th><th>reason</th>"
	      "<th>files</th></tr>\n", f);
	for (size_t s = 0; s < jlen(sweeps); s++) {
		struct json_object *pts = jget(jidx(sweeps, s), "points");

		c.sweep = jidx(sweeps, s);
		for (size_t p = 0; p < jlen(pts); p++) {
			const char *ps = jstr(jidx(pts, p), "point_status"), *why = NULL;

			c.point = jidx(pts, p);
			if (!ps || strcmp(ps, "skipped")) {
				bad_reps(c.point, reps_row, &c);
				continue;
			}
			/* a skipped point: one row for all its repetitions */
			why = jstr(c.point, "skip_reason");
			json_object_object_foreach(jget(c.point, "designs"), dn, d) {
				(void)dn;
				if (!why)
					why = jstr(jidx(jget(d, "repetitions"), 0), "reason");
			}
			c.n++;
			fputs("<tr><td>", f);
			E(jstr(c.sweep, "name"));
			fputs("</td><td>", f);
			E(jstr(c.point, "label"));
			fputs("</td><td>all</td><td>all</td><td><span class=\"badge ps-skipped\">skipped</span></td><td>", f);
			E(why ? why : "");
			fputs("</td><td></td></tr>\n", f);
		}
	}
	if (!c.n)
		fputs("<tr><td colspan=\"7\">none: every repetition succeeded</td></tr>\n", f);
	fputs("</table>\n", f);
}

static void section_files(FILE *f, struct json_object *run, const char *dir)
{
	static const char *const top[] = { "run.json", "plan.json", "spec.ini", "provenance.json", "topology.xml",
					   "git.diff", "INCOMPLETE" };
	struct json_object *sweeps = jget(run, "sweeps");

	fputs("<h2 id=\"files\">Files</h2>\n<ul>\n", f);
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
		char p[4096];
		struct stat st;

		snprintf(p, sizeof(p), "%s/%s", dir, top[i]);
		if (stat(p, &st))
			continue;
		fputs("<li>", f);
		alink(f, top[i], top[i]);
		fputs("</li>\n", f);
	}
	for (size_t s = 0; s < jlen(sweeps); s++)
		if (jstr(jidx(sweeps, s), "csv")) {
			fputs("<li>", f);
			alink(f, jstr(jidx(sweeps, s), "csv"), jstr(jidx(sweeps, s), "csv"));
			fputs(" (one row per point and design: medians, min, max)</li>\n", f);
		}
	fputs("</ul>\n", f);
	for (size_t s = 0; s < jlen(sweeps); s++) {
		struct json_object *sw = jidx(sweeps, s), *pts = jget(sw, "points");

		fputs("<details><summary>raw files of sweep ", f);
		E(jstr(sw, "name"));
		fputs("</summary>\n<ul class=\"files\">\n", f);
		for (size_t p = 0; p < jlen(pts); p++) {
			struct json_object *pt = jidx(pts, p);

			json_object_object_foreach(jget(pt, "designs"), dn, d) {
				struct json_object *reps = jget(d, "repetitions");

				for (size_t r = 0; r < jlen(reps); r++) {
					struct json_object *rep = jidx(reps, r);

					fputs("<li>", f);
					E(jstr(pt, "label"));
					fputs(" ", f);
					E(dn);
					fprintf(f, "-r%d (", json_object_get_int(jget(rep, "rep")));
					E(jstr(rep, "status"));
					fputs("): ", f);
					rep_files(f, rep);
					fputs("</li>\n", f);
				}
			}
		}
		fputs("</ul></details>\n", f);
	}
}

int html_write(const char *path, struct json_object *run, FILE *log)
{
	char *tmp, *dir, *slash;
	struct json_object *spec = jget(run, "spec"), *designs = jget(run, "designs"), *counts = jget(run, "counts");
	const char *name = jstr(spec, "name"), *status = jstr(run, "status");
	double conf = 0.95, thr = 0.05;
	FILE *f;
	int bad;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -1;
	dir = strdup(path);
	if (!dir) {
		free(tmp);
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		strcpy(dir, ".");
	f = fopen(tmp, "w");
	if (!f) {
		if (log)
			fprintf(log, "iopf-bench report: error: cannot write %s: %s\n", tmp, strerror(errno));
		free(tmp);
		free(dir);
		return -1;
	}
	if (!name)
		name = "(unnamed spec)";
	if (!status)
		status = "unknown";
	jnumber(jget(run, "confidence"), &conf);
	jnumber(jget(run, "threshold"), &thr);

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>iopf-bench: ", f);
	E(name);
	fputs(" (", f);
	E(status);
	fprintf(f, ")</title>\n<style>%s</style>\n</head><body>\n", css);
	fputs("<h1>iopf-bench results: ", f);
	E(name);
	fprintf(f, " <span class=\"badge st-%s\">", strcmp(status, "complete") && strcmp(status, "incomplete") ?
		"failed" : status);
	E(status);
	fputs("</span></h1>\n", f);
	if (jstr(spec, "description")) {
		fputs("<p>", f);
		E(jstr(spec, "description"));
		fputs("</p>\n", f);
	}
	section_status(f, run);
	fputs("<p>", f);
	if (jstr(spec, "file")) {
		fputs("spec file ", f);
		E(jstr(spec, "file"));
		fputs("; ", f);
	}
	fputs("target ", f);
	E(jstr(run, "target") ? jstr(run, "target") : "?");
	fputs("; designs ", f);
	for (size_t d = 0; d < jlen(designs); d++) {
		E(json_object_get_string(jidx(designs, d)));
		fputs(d + 1 < jlen(designs) ? ", " : "", f);
	}
	if (jstr(run, "baseline_design")) {
		fputs(" (baseline ", f);
		E(jstr(run, "baseline_design"));
		fputs(")", f);
	}
	if (counts) {
		fprintf(f, "; %d repetitions planned: %d success, %d failure, %d error, %d skipped, %d missing",
			json_object_get_int(jget(counts, "planned")), json_object_get_int(jget(counts, "success")),
			json_object_get_int(jget(counts, "failure")), json_object_get_int(jget(counts, "error")),
			json_object_get_int(jget(counts, "skipped")), json_object_get_int(jget(counts, "missing")));
	}
	fprintf(f, "; confidence %.3g %%, threshold %.3g %%; generated ", conf * 100, thr * 100);
	E(jstr(run, "generated"));
	fputs(" by ", f);
	E(jstr(run, "tool"));
	fputs(".</p>\n<nav><a href=\"#decided\">Decided cells</a><a href=\"#provenance\">Provenance</a>"
	      "<a href=\"#summary\">Summary</a>"
	      "<a href=\"#figures\">Figures</a><a href=\"#repetitions\">Failed/skipped repetitions</a>"
	      "<a href=\"#files\">Files</a></nav>\n", f);
	section_decided(f, run);
	section_provenance(f, run);
	section_summary(f, run);
	section_figures(f, run);
	section_reps(f, run);
	section_files(f, run, dir);
	fputs("</body></html>\n", f);
	bad = ferror(f);
	if (fclose(f) || bad || rename(tmp, path)) {
		if (log)
			fprintf(log, "iopf-bench report: error: cannot write %s: %s\n", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		free(tmp);
		free(dir);
		return -1;
	}
	free(tmp);
	free(dir);
	return 0;
}
