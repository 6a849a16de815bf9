// SPDX-License-Identifier: GPL-2.0
/*
 * sweep.c - iopf-bench sweep SPEC: expand a spec file (spec.c) into a plan
 * (plan.json), run it into a new results folder, and aggregate and report
 * it (results.c).
 *
 * Target vm (the default when the module is not loaded here): one boot of
 * scripts/vm-run per design, repetition and VM topology, ordered ABAB over
 * boots (designs alternate), each running its share of the plan with
 * `iopf-bench sweep --exec DIR --boot K` inside the guest; point order is
 * reversed every other repetition, and each boot starts with a discarded
 * warm-up run. Target host: the same plan runs here, against the loaded
 * module, as the one design "host".
 *
 * The folder: INCOMPLETE is written first and removed last; plan.json and
 * provenance.json before any run; raw/<point>/<design>-r<rep>.{json,
 * hist.json,ts.csv,err} by the runs. A signal stops the sweep after
 * killing the running child: the folder keeps INCOMPLETE, run.json says
 * incomplete, and the sweep dies of the same signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "dev.h"
#include "folder.h"
#include "jsonutil.h"
#include "kmsg.h"
#include "opts.h"
#include "report.h"
#include "results.h"
#include "spec.h"
#include "sweep.h"
#include "topo.h"

#define PLAN_SCHEMA	1
/*
 * The estimate's constants, measured on TCG with 2 vCPUs (make bench, 12
 * boots of 13 runs: 8m06s): a perf kernel's boot with the module loaded and
 * unloaded, and a run's set-up, teardown and results beyond its duration.
 */
#define EST_BOOT_S	4.0
#define EST_RUN_OVERHEAD_S 0.45

static volatile sig_atomic_t stop_sig;
static pid_t child_pgrp;

static void on_signal(int sig)
{
	if (!stop_sig)
		stop_sig = sig;
	/* The child runs in a process group of its own: pass the signal on. */
	if (child_pgrp > 0)
		kill(-child_pgrp, sig);
}

struct sw {
	const struct bench_env *env;
	const char *spec_path;
	const char *out;
	const char *target;		/* "vm" or "host" */
	const char *exec_dir;
	int boot;
	int dry_run;
	int quiet;
	int reps_override;
	const char *designs_override;
	const char *design_add[SPEC_MAX_DESIGNS];	/* --design REF, in order */
	unsigned int ndesign_add;
	long regress_report_ns;		/* --regress-report-ns: the synthetic regression knob */
	long regress_response_ns;	/* --regress-response-ns */
	const char *regress_design;	/* --regress-design: the knob on this design's runs only */
	int knob_touched;		/* exec: the knob was written (set back to 0 at the end) */
	/* calibrate (internal options): every point once per slowdown level, in every boot */
	double cal_levels[16];		/* fractions of the point's per-request time; 0 = A */
	unsigned int ncal;
	struct json_object *cal_ns;	/* {point id: per-request time in ns} */
	const char *cal_path;		/* "response", "report" or "both" */
	char top[PATH_MAX];		/* the checkout, "" if not found */
	char self[PATH_MAX];		/* this program */
	char *kmsg_was;			/* exec: IOPF_BENCH_KMSG before the runs got "off" */
	int argc;
	char **argv;
};

static void __attribute__((format(printf, 2, 3))) say(struct sw *w, const char *fmt, ...)
{
	va_list ap;

	fprintf(w->env->err, "iopf-bench sweep: ");
	va_start(ap, fmt);
	vfprintf(w->env->err, fmt, ap);
	va_end(ap);
	fputc('\n', w->env->err);
	fflush(w->env->err);
}

/* snprintf for paths and messages: a truncated path fails where it is used, not here. */
static void __attribute__((format(printf, 3, 4))) fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
}

static void fmt_secs(double s, char *buf, size_t len)
{
	long t = lround(s);

	if (t >= 3600)
		fmt(buf, len, "%ldh%02ldm", t / 3600, t % 3600 / 60);
	else if (t >= 60)
		fmt(buf, len, "%ldm%02lds", t / 60, t % 60);
	else
		fmt(buf, len, "%lds", t);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The checkout this program belongs to: <top>/bench/iopf-bench. */
static void find_top(struct sw *w)
{
	char p[PATH_MAX], d[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", p, sizeof(p) - 1);

	w->top[0] = w->self[0] = 0;
	if (n <= 0)
		return;
	p[n] = 0;
	fmt(w->self, sizeof(w->self), "%s", p);
	fmt(d, sizeof(d), "%s", dirname(dirname(p)));
	fmt(p, sizeof(p), "%s/kernel/designs.tsv", d);
	if (!access(p, R_OK))
		fmt(w->top, sizeof(w->top), "%s", d);
}

/* ------------------------------------------------------------------------ */
/* The plan */

#define JADD(o, k, v) json_object_object_add(o, k, v)
#define JSTR(s) json_object_new_string(s)
#define JINT(i) json_object_new_int64(i)

struct vmcfg {
	unsigned int cpus;
	unsigned int sockets, cores, threads;	/* 0 = not given */
	unsigned int numa;
};

static void vm_defaults(struct vmcfg *v)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	memset(v, 0, sizeof(*v));
	/* More vCPUs than host CPUs would only time-share them. */
	v->cpus = n < 1 ? 1 : n > 8 ? 8 : (unsigned int)n;
}

static void vm_topology_str(const struct vmcfg *v, char *buf, size_t len)
{
	if (v->sockets)
		fmt(buf, len, "%u:%u:%u", v->sockets, v->cores, v->threads);
	else
		fmt(buf, len, "1:%u:1", v->cpus);
}

/* Add "--key value" (a flag: "--key" if on) to an argv under construction. */
static int push(char **argv, int *argc, int max, const char *a)
{
	if (*argc >= max - 1)
		return -1;
	argv[(*argc)++] = (char *)a;
	argv[*argc] = NULL;
	return 0;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '=' || *s == ',' || *s == '-' || *s == '_' || *s == ':'))
			*s = '_';
}

/* The JSON key of a spec key in point params (units in the name). */
static const char *param_key(const char *key)
{
	int i = opt_index(key);

	if (spec_is_sweep_key(key) || i < 0 || !bench_options[i].json) {
		static char buf[SPEC_NAME_LEN];

		fmt(buf, sizeof(buf), "%s", key);
		for (char *c = buf; *c; c++)
			if (*c == '-')
				*c = '_';
		return buf;
	}
	return bench_options[i].json;
}

/* A value as JSON: a number when it is one, else the string. */
static struct json_object *value_json(const char *key, const char *v)
{
	int i = opt_index(key);
	uint64_t n;
	char why[64];

	if (!spec_is_sweep_key(key) && i >= 0) {
		const struct bench_option *op = &bench_options[i];

		if ((op->type == OPT_UINT || op->type == OPT_U64) && !parse_u64(v, &n, why, sizeof(why)))
			return json_object_new_uint64(n);
		if (op->type == OPT_DURATION && !parse_duration_ms(v, &n, why, sizeof(why)))
			return json_object_new_uint64(n);
		if (op->type == OPT_FLAG)
			return json_object_new_boolean(spec_bool(v) == 1);
	}
	if (!strcmp(key, "timeseries"))
		return json_object_new_boolean(spec_bool(v) == 1);
	if ((!strcmp(key, "vm-cpus") || !strcmp(key, "vm-numa-nodes")))
		return json_object_new_uint64(strtoull(v, NULL, 10));
	return JSTR(v);
}

struct plan_ctx {
	struct sw *w;
	const struct spec *s;
	struct json_object *plan, *points, *sweeps;
	char designs[SPEC_MAX_DESIGNS][SPEC_NAME_LEN];
	unsigned int ndesigns;
	unsigned int reps;
	double est_run_s;		/* the sum of the runs' durations */
	unsigned int nruns_per_rep;	/* points that run (not skipped) */
	char err[1024];
};

/* Which placements a VM point can have: asked of hwloc with the VM's topology. */
static int placement_skip(const struct vmcfg *v, const struct bench_opts *o, const char *placement,
			  char *why, size_t len, char *err, size_t elen)
{
	struct topo *t = NULL;
	struct placement pl;
	unsigned int s = v->sockets ? v->sockets : 1, c = v->sockets ? v->cores : v->cpus,
		     th = v->sockets ? v->threads : 1;
	int rc;

	why[0] = 0;
	if (topo_open_vm(&t, s, c, th, v->numa, err, elen))
		return -1;
	rc = topo_placement(t, placement, o->injectors, o->nr_iommus, &pl, why, len);
	topo_close(t);
	if (rc < 0) {
		fmt(err, elen, "%s", why);
		return -1;
	}
	return rc == 1;
}

static int add_point(struct plan_ctx *pc, const struct spec_section *sec, struct json_object *sweep,
		     const struct spec_entry **ents, unsigned int ne, const unsigned int *idx)
{
	char *argv[2 * SPEC_MAX_ENTRIES * 2 + 4];
	char opt[2 * SPEC_MAX_ENTRIES][SPEC_NAME_LEN + 2];
	unsigned int nopt = 0;
	int argc = 0;
	char id[512], why[512], label[384] = "";
	struct bench_opts *o;
	struct vmcfg vm;
	struct json_object *pt, *params, *axv, *args;
	const char *placement = NULL;
	int ts = 0, placement_line = sec->line;

	vm_defaults(&vm);
	push(argv, &argc, (int)(sizeof(argv) / sizeof(argv[0])), "run");
	axv = json_object_new_object();
	for (unsigned int i = 0; i < ne; i++) {
		const struct spec_entry *e = ents[i];
		const char *v = e->values[idx[i]];

		if (e->n > 1) {
			size_t n = strlen(label);

			fmt(label + n, sizeof(label) - n, "%s%s=%s", n ? "," : "", e->key, v);
			JADD(axv, param_key(e->key), value_json(e->key, v));
		}
		if (!e->is_run_option) {
			if (!strcmp(e->key, "vm-cpus"))
				vm.cpus = (unsigned int)strtoul(v, NULL, 10);
			else if (!strcmp(e->key, "vm-numa-nodes"))
				vm.numa = (unsigned int)strtoul(v, NULL, 10);
			else if (!strcmp(e->key, "vm-topology"))
				sscanf(v, "%u:%u:%u", &vm.sockets, &vm.cores, &vm.threads);
			else if (!strcmp(e->key, "timeseries"))
				ts = spec_bool(v) == 1;
			continue;
		}
		if (!strcmp(e->key, "placement")) {
			placement = v;
			placement_line = e->line;
		}
		fmt(opt[nopt], sizeof(opt[nopt]), "--%s", e->key);
		if (bench_options[opt_index(e->key)].type == OPT_FLAG) {
			if (spec_bool(v) == 1)
				push(argv, &argc, (int)(sizeof(argv) / sizeof(argv[0])), opt[nopt++]);
			continue;
		}
		push(argv, &argc, (int)(sizeof(argv) / sizeof(argv[0])), opt[nopt++]);
		push(argv, &argc, (int)(sizeof(argv) / sizeof(argv[0])), v);
	}
	if (vm.sockets)
		vm.cpus = vm.sockets * vm.cores * vm.threads;
	if (vm.numa > vm.cpus) {
		json_object_put(axv);
		fmt(pc->err, sizeof(pc->err), "%s:%d: [%s] (%s): vm-numa-nodes %u is above the VM's "
			 "%u CPUs", pc->s->path, sec->line, sec->name, label, vm.numa, vm.cpus);
		return -1;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		json_object_put(axv);
		fmt(pc->err, sizeof(pc->err), "out of memory");
		return -1;
	}
	if (opts_parse(o, CMD_RUN, argc, argv, why, sizeof(why))) {
		fmt(pc->err, sizeof(pc->err), "%s:%d: [%s]%s%s%s: %s", pc->s->path, sec->line, sec->name,
			 label[0] ? " point (" : "", label, label[0] ? ")" : "", why);
		json_object_put(axv);
		free(o);
		return -1;
	}
	fmt(id, sizeof(id), "%s%s%s", sec->name, label[0] ? "." : "", label);
	sanitize(id);
	pt = json_object_new_object();
	JADD(pt, "id", JSTR(id));
	JADD(pt, "sweep", JSTR(sec->name));
	JADD(pt, "label", JSTR(label[0] ? label : sec->name));
	JADD(pt, "axis_values", axv);
	params = report_config_json(o);
	/* Run-time matters the sweep keeps: not the tool's own settings. */
	json_object_object_del(params, "device");
	json_object_object_del(params, "timeout_ms");
	JADD(params, "placement", placement ? JSTR(placement) : NULL);
	JADD(params, "timeseries", json_object_new_boolean(ts));
	if (!strcmp(pc->w->target, "vm")) {
		char topo[32];

		vm_topology_str(&vm, topo, sizeof(topo));
		JADD(params, "vm_cpus", json_object_new_uint64(vm.cpus));
		JADD(params, "vm_topology", JSTR(topo));
		JADD(params, "vm_numa_nodes", json_object_new_uint64(vm.numa));
	}
	JADD(pt, "params", params);
	args = json_object_new_array();
	for (int i = 1; i < argc; i++)
		json_object_array_add(args, JSTR(argv[i]));
	JADD(pt, "args", args);
	JADD(pt, "timeseries", json_object_new_boolean(ts));
	{
		char vmkey[64];

		fmt(vmkey, sizeof(vmkey), "%u/%u:%u:%u/%u", vm.cpus, vm.sockets, vm.cores, vm.threads,
			 vm.numa);
		JADD(pt, "vm_key", JSTR(vmkey));
		JADD(pt, "vm", json_object_new_array());
		json_object_array_add(json_object_object_get(pt, "vm"), json_object_new_uint64(vm.cpus));
		json_object_array_add(json_object_object_get(pt, "vm"), json_object_new_uint64(vm.sockets));
		json_object_array_add(json_object_object_get(pt, "vm"), json_object_new_uint64(vm.cores));
		json_object_array_add(json_object_object_get(pt, "vm"), json_object_new_uint64(vm.threads));
		json_object_array_add(json_object_object_get(pt, "vm"), json_object_new_uint64(vm.numa));
	}
	/* A placement this VM cannot have: the point is skipped, with the reason. */
	if (placement && !strcmp(pc->w->target, "vm")) {
		char reason[256], err[256];
		int rc = placement_skip(&vm, o, placement, reason, sizeof(reason), err, sizeof(err));

		if (rc < 0) {
			fmt(pc->err, sizeof(pc->err), "%s:%d: [%s] (%s): placement %s: %s", pc->s->path,
				 sec->line, sec->name, label, placement, err);
			json_object_put(pt);
			free(o);
			return -1;
		}
		if (rc) {
			/*
			 * The spec chose both the VM and the placement: a contradiction,
			 * not a skip. (On a host, the machine is not the spec's choice:
			 * there the run skips, with the reason in the results.)
			 */
			char t[32];

			vm_topology_str(&vm, t, sizeof(t));
			fmt(pc->err, sizeof(pc->err), "%s:%d: [%s]%s%s%s: placement %s cannot exist in this "
			    "VM (vm-topology %s, vm-numa-nodes %u): %s; give the VM what it needs "
			    "(vm-topology, vm-numa-nodes) or drop the placement", pc->s->path, placement_line,
			    sec->name, label[0] ? " (" : "", label, label[0] ? ")" : "", placement, t, vm.numa,
			    reason);
			json_object_put(pt);
			free(o);
			return -1;
		}
	}
	if (!json_object_object_get(pt, "skip_reason")) {
		JADD(pt, "skip_reason", NULL);
		pc->est_run_s += (o->duration_ms + o->warmup_ms) / 1000.0 + EST_RUN_OVERHEAD_S;
		pc->nruns_per_rep++;
	}
	for (size_t i = 0; i < json_object_array_length(pc->points); i++)
		if (!strcmp(json_object_get_string(json_object_object_get(
				json_object_array_get_idx(pc->points, i), "id")), id)) {
			fmt(pc->err, sizeof(pc->err), "%s:%d: [%s]: two points are both '%s'", pc->s->path,
				 sec->line, sec->name, id);
			json_object_put(pt);
			free(o);
			return -1;
		}
	json_object_array_add(pc->points, pt);
	json_object_array_add(json_object_object_get(sweep, "points"), JSTR(id));
	free(o);
	return 0;
}

static int plan_sweep(struct plan_ctx *pc, const struct spec_section *sec)
{
	const struct spec_entry *ents[2 * SPEC_MAX_ENTRIES];
	unsigned int ne = 0, idx[2 * SPEC_MAX_ENTRIES] = { 0 };
	struct json_object *sweep = json_object_new_object(), *axes = json_object_new_array();
	unsigned long long npts = 1;

	/* The section's keys, then [global]'s that it does not override. */
	for (unsigned int i = 0; i < sec->ne; i++)
		ents[ne++] = &sec->e[i];
	for (unsigned int i = 0; i < pc->s->global.ne; i++) {
		const struct spec_entry *g = &pc->s->global.e[i];
		unsigned int k;

		if (!strcmp(g->key, "designs") || !strcmp(g->key, "baseline") ||
		    !strcmp(g->key, "repetitions") || !strcmp(g->key, "boot-warmup"))
			continue;	/* the sweep's, not a point's */
		for (k = 0; k < sec->ne && strcmp(sec->e[k].key, g->key); k++)
			;
		if (k == sec->ne)
			ents[ne++] = g;
	}
	for (unsigned int i = 0; i < ne; i++)
		if (ents[i]->n > 1) {
			json_object_array_add(axes, JSTR(param_key(ents[i]->key)));
			npts *= ents[i]->n;
		}
	if (npts > 1024) {
		fmt(pc->err, sizeof(pc->err), "%s:%d: [%s] has %llu points; at most 1024", pc->s->path,
			 sec->line, sec->name, npts);
		json_object_put(sweep);
		json_object_put(axes);
		return -1;
	}
	JADD(sweep, "name", JSTR(sec->name));
	JADD(sweep, "description", sec->description ? JSTR(sec->description) : NULL);
	JADD(sweep, "axes", axes);
	JADD(sweep, "points", json_object_new_array());
	json_object_array_add(pc->sweeps, sweep);
	for (;;) {
		int k;

		if (add_point(pc, sec, sweep, ents, ne, idx))
			return -1;
		/* The next combination: the first key varies slowest. */
		for (k = (int)ne - 1; k >= 0; k--) {
			if (ents[k]->n > 1 && ++idx[k] < ents[k]->n)
				break;
			idx[k] = 0;
		}
		if (k < 0)
			break;
	}
	return 0;
}

/*
 * iopf-bench calibrate: each point becomes one point per level
 * (ID@LEVEL-s=PCT, axes "level" and "slowdown"; two levels may have the
 * same slowdown, e.g. the A and A' of a paired A/A), with the synthetic regression knob set to
 * that fraction of the point's per-request time (measured by calibrate's
 * pilot) on the chosen path ("both": half on each). plan_runs then puts
 * every level of every point into every boot, so that the levels share
 * their boots' conditions and a boot is the unit of repetition.
 */
static int plan_calibration(struct plan_ctx *pc, char *err, size_t len)
{
	struct sw *w = pc->w;
	struct json_object *np = json_object_new_array();
	size_t n = json_object_array_length(pc->points);

	for (size_t i = 0; i < json_object_array_length(pc->sweeps); i++) {
		struct json_object *sw = json_object_array_get_idx(pc->sweeps, i);

		json_object_array_add(json_object_object_get(sw, "axes"), JSTR("level"));
		json_object_array_add(json_object_object_get(sw, "axes"), JSTR("slowdown"));
		JADD(sw, "points", json_object_new_array());
	}
	pc->est_run_s *= w->ncal;
	pc->nruns_per_rep *= w->ncal;
	for (size_t i = 0; i < n; i++) {
		struct json_object *pt = json_object_array_get_idx(pc->points, i), *t;
		const char *id = json_object_get_string(json_object_object_get(pt, "id"));
		const char *swn = json_object_get_string(json_object_object_get(pt, "sweep"));
		double ns = 0;

		if (json_object_object_get_ex(w->cal_ns, id, &t))
			ns = json_object_get_double(t);
		if (!(ns > 0) && json_object_get_type(json_object_object_get(pt, "skip_reason")) != json_type_string) {
			fmt(err, len, "calibration: no per-request time for point %s", id);
			json_object_put(np);
			return -1;
		}
		for (unsigned int l = 0; l < w->ncal; l++) {
			struct json_object *q = NULL, *g = json_object_new_object(), *c = json_object_new_object();
			double add = w->cal_levels[l] * ns;
			long rep = 0, resp = 0;
			char nid[600], pct[32], label[600];

			json_object_deep_copy(pt, &q, NULL);
			fmt(pct, sizeof(pct), "%g", 100 * w->cal_levels[l]);
			fmt(nid, sizeof(nid), "%s@%u-s=%s", id, l, pct);
			fmt(label, sizeof(label), "%s slowdown=%s%%",
			    json_object_get_string(json_object_object_get(pt, "label")), pct);
			if (!strcmp(w->cal_path, "report"))
				rep = lround(add);
			else if (!strcmp(w->cal_path, "response"))
				resp = lround(add);
			else
				rep = lround(add / 2), resp = lround(add / 2);
			if (rep > IOPF_BENCH_MAX_REGRESS_NS || resp > IOPF_BENCH_MAX_REGRESS_NS) {
				fmt(err, len, "calibration: point %s: %g %% of %.0f ns is above the knob's %u ns",
				    id, 100 * w->cal_levels[l], ns, IOPF_BENCH_MAX_REGRESS_NS);
				json_object_put(q);
				json_object_put(g);
				json_object_put(c);
				json_object_put(np);
				return -1;
			}
			JADD(q, "id", JSTR(nid));
			JADD(q, "label", JSTR(label));
			JADD(json_object_object_get(q, "axis_values"), "level", JINT(l));
			JADD(json_object_object_get(q, "axis_values"), "slowdown", json_object_new_double(w->cal_levels[l]));
			JADD(json_object_object_get(q, "params"), "slowdown", json_object_new_double(w->cal_levels[l]));
			JADD(g, "report_ns", JINT(rep));
			JADD(g, "response_ns", JINT(resp));
			JADD(q, "regress", g);
			JADD(c, "base_point", JSTR(id));
			JADD(c, "slowdown", json_object_new_double(w->cal_levels[l]));
			JADD(c, "level", JINT(l));
			JADD(c, "per_request_ns", json_object_new_double(ns));
			JADD(c, "path", JSTR(w->cal_path));
			JADD(q, "calibration", c);
			json_object_array_add(np, q);
			for (size_t k = 0; k < json_object_array_length(pc->sweeps); k++) {
				struct json_object *sw = json_object_array_get_idx(pc->sweeps, k);

				if (!strcmp(json_object_get_string(json_object_object_get(sw, "name")), swn))
					json_object_array_add(json_object_object_get(sw, "points"), JSTR(nid));
			}
		}
	}
	JADD(pc->plan, "points", np);
	pc->points = np;
	return 0;
}

/* Boots and runs: ABAB over boots, point order reversed every other repetition. */
static void plan_runs(struct plan_ctx *pc)
{
	struct json_object *runs = json_object_new_array(), *boots = json_object_new_array();
	size_t np = json_object_array_length(pc->points);
	const char *keys[64];
	unsigned int nkeys = 0, boot = 0, order = 0;

	for (size_t i = 0; i < np; i++) {
		const char *k = json_object_get_string(json_object_object_get(
			json_object_array_get_idx(pc->points, i), "vm_key"));
		unsigned int j;

		for (j = 0; j < nkeys && strcmp(keys[j], k); j++)
			;
		if (j == nkeys && nkeys < 64)
			keys[nkeys++] = k;
	}
	for (unsigned int r = 1; r <= pc->reps; r++)
		for (unsigned int g = 0; g < nkeys; g++)
			for (unsigned int d = 0; d < pc->ndesigns; d++) {
				struct json_object *b = json_object_new_object(), *vm = NULL;
				unsigned int n = 0;

				boot++;
				for (size_t q = 0; q < np; q++) {
					size_t i = r % 2 ? q : np - 1 - q;
					struct json_object *pt = json_object_array_get_idx(pc->points, i), *run;

					if (strcmp(json_object_get_string(json_object_object_get(pt, "vm_key")),
						   keys[g]))
						continue;
					vm = json_object_object_get(pt, "vm");
					if (json_object_get_type(json_object_object_get(pt, "skip_reason")) ==
					    json_type_string)
						continue;
					run = json_object_new_object();
					JADD(run, "point", json_object_get(json_object_object_get(pt, "id")));
					JADD(run, "design", JSTR(pc->designs[d]));
					JADD(run, "rep", JINT(r));
					JADD(run, "boot", JINT(boot));
					JADD(run, "order", JINT(++order));
					json_object_array_add(runs, run);
					n++;
				}
				JADD(b, "boot", JINT(boot));
				JADD(b, "design", JSTR(pc->designs[d]));
				JADD(b, "rep", JINT(r));
				JADD(b, "vm", vm ? json_object_get(vm) : NULL);
				JADD(b, "runs", JINT(n));
				json_object_array_add(boots, b);
			}
	JADD(pc->plan, "boots", boots);
	JADD(pc->plan, "runs", runs);
}

static struct json_object *plan_build(struct sw *w, const struct spec *s, double *est, char *err, size_t len)
{
	struct plan_ctx pc = { .w = w, .s = s };
	struct json_object *sp, *ds;
	size_t nboots;

	if (!strcmp(w->target, "host")) {
		fmt(pc.designs[0], SPEC_NAME_LEN, "host");
		pc.ndesigns = 1;
	} else {
		for (unsigned int i = 0; i < s->ndesigns; i++)
			fmt(pc.designs[i], SPEC_NAME_LEN, "%s", s->designs[i]);
		pc.ndesigns = s->ndesigns;
	}
	pc.reps = w->reps_override ? (unsigned int)w->reps_override : s->repetitions;
	pc.plan = json_object_new_object();
	pc.points = json_object_new_array();
	pc.sweeps = json_object_new_array();
	JADD(pc.plan, "schema_version", JINT(PLAN_SCHEMA));
	sp = json_object_new_object();
	JADD(sp, "name", JSTR(s->name));
	JADD(sp, "file", JSTR(s->path));
	JADD(sp, "description", s->description ? JSTR(s->description) : NULL);
	JADD(pc.plan, "spec", sp);
	JADD(pc.plan, "target", JSTR(w->target));
	JADD(pc.plan, "baseline_design", JSTR(!strcmp(w->target, "host") ? "host" : s->baseline));
	ds = json_object_new_array();
	for (unsigned int i = 0; i < pc.ndesigns; i++)
		json_object_array_add(ds, JSTR(pc.designs[i]));
	JADD(pc.plan, "designs", ds);
	/* What each design label is: the reference scripts/kernel-build and vm-run take, the flavor booted. */
	ds = json_object_new_object();
	if (strcmp(w->target, "host"))
		for (unsigned int i = 0; i < s->ndesigns; i++) {
			struct json_object *r = json_object_new_object();

			JADD(r, "ref", JSTR(s->dref[i].ref));
			JADD(r, "flavor", JSTR(s->dref[i].flavor));
			JADD(ds, s->designs[i], r);
		}
	JADD(pc.plan, "design_refs", ds);
	JADD(pc.plan, "repetitions", JINT(pc.reps));
	JADD(pc.plan, "boot_warmup_ms", JINT((int64_t)s->boot_warmup_ms));
	if (w->regress_report_ns || w->regress_response_ns) {
		struct json_object *g = json_object_new_object();

		JADD(g, "report_ns", JINT(w->regress_report_ns));
		JADD(g, "response_ns", JINT(w->regress_response_ns));
		if (w->regress_design)
			JADD(g, "design", JSTR(w->regress_design));
		JADD(pc.plan, "regress", g);
	} else {
		JADD(pc.plan, "regress", NULL);
	}
	JADD(pc.plan, "sweeps", pc.sweeps);
	JADD(pc.plan, "points", pc.points);
	if (w->regress_design) {
		bool found = false, knob = w->regress_report_ns || w->regress_response_ns;

		for (unsigned int i = 0; i < pc.ndesigns; i++)
			found |= !strcmp(pc.designs[i], w->regress_design);
		if (!knob || !found) {
			if (!knob)
				fmt(err, len, "--regress-design %s: no knob to put on it (--regress-report-ns or "
				    "--regress-response-ns)", w->regress_design);
			else
				fmt(err, len, "--regress-design %s: not a design of this sweep", w->regress_design);
			json_object_put(pc.plan);
			return NULL;
		}
	}
	for (unsigned int i = 0; i < s->nsec; i++)
		if (plan_sweep(&pc, &s->sec[i])) {
			fmt(err, len, "%s", pc.err);
			json_object_put(pc.plan);
			return NULL;
		}
	if (w->ncal && plan_calibration(&pc, err, len)) {
		json_object_put(pc.plan);
		return NULL;
	}
	plan_runs(&pc);
	if (!strcmp(w->target, "vm")) {
		struct json_object *vm = json_object_new_object();

		JADD(vm, "emulated", json_object_new_boolean(1));
		JADD(vm, "note", JSTR("the VM's CPU topology and NUMA nodes are emulated by QEMU; under TCG "
				      "every vCPU is a host thread"));
		JADD(pc.plan, "vm", vm);
	} else {
		JADD(pc.plan, "vm", NULL);
	}
	nboots = json_object_array_length(json_object_object_get(pc.plan, "boots"));
	*est = pc.reps * pc.ndesigns * pc.est_run_s;
	if (!strcmp(w->target, "vm"))
		*est += nboots * (EST_BOOT_S + s->boot_warmup_ms / 1000.0);
	else
		*est += pc.reps * (s->boot_warmup_ms / 1000.0);
	JADD(pc.plan, "estimated_seconds", JINT(lround(*est)));
	return pc.plan;
}

/* ------------------------------------------------------------------------ */

static void print_plan(struct sw *w, struct json_object *plan, double est)
{
	FILE *f = w->env->out;
	struct json_object *sweeps = json_object_object_get(plan, "sweeps");
	struct json_object *points = json_object_object_get(plan, "points");
	size_t nruns = json_object_array_length(json_object_object_get(plan, "runs"));
	size_t nboots = json_object_array_length(json_object_object_get(plan, "boots"));
	char e[32];

	fmt_secs(est, e, sizeof(e));
	fprintf(f, "spec %s (%s): target %s, designs %s (baseline %s), %d repetitions\n",
		json_object_get_string(json_object_object_get(json_object_object_get(plan, "spec"), "name")),
		json_object_get_string(json_object_object_get(json_object_object_get(plan, "spec"), "file")),
		w->target, json_object_to_json_string(json_object_object_get(plan, "designs")),
		json_object_get_string(json_object_object_get(plan, "baseline_design")),
		json_object_get_int(json_object_object_get(plan, "repetitions")));
	/* Designs that are more than a name: what each label stands for. */
	json_object_object_foreach(json_object_object_get(plan, "design_refs"), dl, dr) {
		const char *ref = json_object_get_string(json_object_object_get(dr, "ref"));
		const char *fl = json_object_get_string(json_object_object_get(dr, "flavor"));

		if (strcmp(dl, ref ? ref : "") || strcmp(fl ? fl : "", "perf"))
			fprintf(f, "design %s = %s (flavor %s)\n", dl, ref ? ref : "?", fl ? fl : "?");
	}
	for (size_t i = 0; i < json_object_array_length(sweeps); i++) {
		struct json_object *sw = json_object_array_get_idx(sweeps, i);
		struct json_object *ids = json_object_object_get(sw, "points");
		const char *d = json_object_get_string(json_object_object_get(sw, "description"));

		fprintf(f, "\n[%s] %zu point%s, axes %s%s%s\n", json_object_get_string(json_object_object_get(sw, "name")),
			json_object_array_length(ids), json_object_array_length(ids) == 1 ? "" : "s",
			json_object_to_json_string(json_object_object_get(sw, "axes")), d ? ": " : "", d ? d : "");
		for (size_t k = 0; k < json_object_array_length(ids); k++) {
			const char *id = json_object_get_string(json_object_array_get_idx(ids, k));

			for (size_t p = 0; p < json_object_array_length(points); p++) {
				struct json_object *pt = json_object_array_get_idx(points, p), *a;
				const char *skip;

				if (strcmp(json_object_get_string(json_object_object_get(pt, "id")), id))
					continue;
				skip = json_object_get_string(json_object_object_get(pt, "skip_reason"));
				fprintf(f, "  %-44s", id);
				a = json_object_object_get(pt, "args");
				for (size_t q = 0; q < json_object_array_length(a); q++)
					fprintf(f, " %s", json_object_get_string(json_object_array_get_idx(a, q)));
				if (json_object_get_boolean(json_object_object_get(pt, "timeseries")))
					fprintf(f, " (+ time series)");
				if (strcmp(w->target, "host"))
					fprintf(f, " [vm %s]", json_object_get_string(json_object_object_get(
						json_object_object_get(pt, "params"), "vm_topology")));
				fputc('\n', f);
				if (skip)
					fprintf(f, "  %-44s   skipped: %s\n", "", skip);
			}
		}
	}
	fprintf(f, "\n%zu runs in %zu %s; estimated time %s\n", nruns, nboots,
		strcmp(w->target, "host") ? "boots" : "rounds", e);
}

/* ------------------------------------------------------------------------ */
/* Running */

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fputs(text, f) < 0;
	rc |= fclose(f);
	return rc ? -1 : 0;
}

static int mkdirs(const char *path)
{
	char p[PATH_MAX];

	fmt(p, sizeof(p), "%s", path);
	for (char *c = p + 1; *c; c++)
		if (*c == '/') {
			*c = 0;
			if (mkdir(p, 0755) && errno != EEXIST)
				return -1;
			*c = '/';
		}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

/*
 * Run argv as a child in its own process group (signals reach it through
 * on_signal), stdout/stderr to files when given. Returns the wait status,
 * or -1.
 */
static int spawn(char *const argv[], const char *out, const char *errf, const char *cwd)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (cwd && chdir(cwd))
			_exit(126);
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(126);
			close(fd);
		}
		if (errf) {
			int fd = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, 2) < 0)
				_exit(126);
			close(fd);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	child_pgrp = pid;
	if (stop_sig)
		kill(-pid, stop_sig);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	child_pgrp = 0;
	return st;
}

static void raw_path(char *buf, size_t len, const char *dir, const char *point, const char *design,
		     int rep, const char *ext)
{
	fmt(buf, len, "%s/raw/%s/%s-r%d%s", dir, point, design, rep, ext);
}

/* One run of the plan, here: `iopf-bench run ARGS --json --hist ...`. */
/*
 * The synthetic regression knob: the module parameters regress_report_ns
 * and regress_response_ns (kmod/run.c), written before each run from the
 * point's "regress" (calibrate sets one per point) or else the plan's
 * (--regress-*-ns). Only written when some run wants it on, and set back to
 * 0 at the end: a host keeps no knob behind.
 */
#define KNOB_DIR "/sys/module/iopf_bench/parameters"

static int knob_write(const char *name, long ns, char *why, size_t len)
{
	char path[PATH_MAX], v[32];
	int fd, n, e;

	fmt(path, sizeof(path), "%s/%s", KNOB_DIR, name);
	fmt(v, sizeof(v), "%ld\n", ns);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		fmt(why, len, "cannot set the synthetic regression knob: %s: %s%s", path, strerror(e),
		    e == ENOENT ? " (module not loaded, or older than ABI 4)" : "");
		return -1;
	}
	n = write(fd, v, strlen(v));
	e = errno;
	close(fd);
	if (n != (int)strlen(v)) {
		fmt(why, len, "cannot set the synthetic regression knob: %s = %ld: %s", path, ns,
		    n < 0 ? strerror(e) : "short write");
		return -1;
	}
	return 0;
}

static void knob_of(struct json_object *plan, struct json_object *pt, const char *design, long *report,
		    long *response)
{
	struct json_object *g = json_object_object_get(pt, "regress"), *d;

	if (!g || !json_object_is_type(g, json_type_object))
		g = json_object_object_get(plan, "regress");
	*report = *response = 0;
	/* "design": the knob is on that design's runs only (--regress-design). */
	if (g && json_object_object_get_ex(g, "design", &d) && design &&
	    strcmp(json_object_get_string(d), design))
		return;
	if (g && json_object_is_type(g, json_type_object)) {
		*report = json_object_get_int64(json_object_object_get(g, "report_ns"));
		*response = json_object_get_int64(json_object_object_get(g, "response_ns"));
	}
}

static int knob_set(struct sw *w, long report, long response, char *why, size_t len)
{
	if (!report && !response && !w->knob_touched)
		return 0;
	w->knob_touched = 1;
	if (knob_write("regress_report_ns", report, why, len) ||
	    knob_write("regress_response_ns", response, why, len))
		return -1;
	return 0;
}

static void knob_off(struct sw *w)
{
	char why[256];

	if (w->knob_touched && knob_set(w, 0, 0, why, sizeof(why)))
		fprintf(w->env->err, "iopf-bench sweep: %s\n", why);
	w->knob_touched = 0;
}

static int exec_run(struct sw *w, const char *dir, struct json_object *pt, const char *design, int rep,
		    int warmup_ms, int boot, int *status_ok, char *line, size_t llen, long kr, long kp)
{
	struct json_object *args = json_object_object_get(pt, "args"), *res;
	char *argv[160], jpath[PATH_MAX], hpath[PATH_MAX], tpath[PATH_MAX], epath[PATH_MAX], d[PATH_MAX];
	char tmo[32], dur[32];
	int argc = 0, st;
	struct json_object *params = json_object_object_get(pt, "params");
	uint64_t ms = json_object_get_uint64(json_object_object_get(params, "duration_ms")) +
		      json_object_get_uint64(json_object_object_get(params, "warmup_ms"));

	argv[argc++] = w->self;
	argv[argc++] = "run";
	if (warmup_ms) {
		/* The boot's warm-up: the first point's settings, shorter; thrown away. */
		fmt(d, sizeof(d), "%s/raw/warmup", dir);
		mkdirs(d);
		fmt(jpath, sizeof(jpath), "%s/%s-b%d.json", d, design, boot);
		fmt(epath, sizeof(epath), "%s/%s-b%d.err", d, design, boot);
		for (size_t i = 0; i < json_object_array_length(args) && argc < 140; i++) {
			const char *a = json_object_get_string(json_object_array_get_idx(args, i));

			if (!strcmp(a, "--duration") || !strcmp(a, "--warmup")) {
				i++;
				continue;
			}
			argv[argc++] = (char *)a;
		}
		fmt(dur, sizeof(dur), "%dms", warmup_ms);
		argv[argc++] = "--duration";
		argv[argc++] = dur;
		argv[argc++] = "--warmup";
		argv[argc++] = "0";
		ms = warmup_ms;
	} else {
		fmt(d, sizeof(d), "%s/raw/%s", dir, json_object_get_string(json_object_object_get(pt, "id")));
		mkdirs(d);
		raw_path(jpath, sizeof(jpath), dir, json_object_get_string(json_object_object_get(pt, "id")),
			 design, rep, ".json");
		raw_path(hpath, sizeof(hpath), dir, json_object_get_string(json_object_object_get(pt, "id")),
			 design, rep, ".hist.json");
		raw_path(tpath, sizeof(tpath), dir, json_object_get_string(json_object_object_get(pt, "id")),
			 design, rep, ".ts.csv");
		raw_path(epath, sizeof(epath), dir, json_object_get_string(json_object_object_get(pt, "id")),
			 design, rep, ".err");
		for (size_t i = 0; i < json_object_array_length(args) && argc < 140; i++)
			argv[argc++] = (char *)json_object_get_string(json_object_array_get_idx(args, i));
		argv[argc++] = "--hist";
		argv[argc++] = hpath;
		if (json_object_get_boolean(json_object_object_get(pt, "timeseries"))) {
			argv[argc++] = "--timeseries";
			argv[argc++] = tpath;
		}
	}
	if (knob_set(w, kr, kp, line, llen)) {
		/* No run with a knob other than the planned one: an error the report names. */
		FILE *e = fopen(epath, "w");

		if (e) {
			fprintf(e, "iopf-bench sweep: %s\n", line);
			fclose(e);
		}
		*status_ok = 0;
		return -1;
	}
	fmt(tmo, sizeof(tmo), "%llums", (unsigned long long)(2 * ms + 30000));
	argv[argc++] = "--timeout";
	argv[argc++] = tmo;
	argv[argc++] = "--json";
	argv[argc] = NULL;
	st = spawn(argv, jpath, epath, NULL);
	*status_ok = 0;
	res = json_object_from_file(jpath);
	if (res) {
		const char *s = json_object_get_string(json_object_object_get(res, "status"));

		*status_ok = s && (!strcmp(s, "success") || !strcmp(s, "skipped"));
		fmt(line, llen, "%s: %s req/s, response p99 %s ns", s ? s : "?",
			 json_object_get_string(json_object_object_get(res, "rate_per_s")) ?: "-",
			 json_object_get_string(json_object_object_get(
				 json_object_object_get(res, "latency_ns"), "p99")) ?: "-");
		if (s && !strcmp(s, "skipped"))
			fmt(line, llen, "skipped: %s",
				 json_object_get_string(json_object_object_get(res, "skip_reason")) ?: "?");
		json_object_put(res);
	} else {
		fmt(line, llen, "no JSON (exit status %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
	if (WIFSIGNALED(st) && !stop_sig)
		fmt(line, llen, "killed by signal %d", WTERMSIG(st));
	return st;
}

/*
 * Turn one run of the plan into an error saying WHY: a run without a result
 * gets an error result; a run that has one keeps its figures for the record,
 * and its status under BEFORE.
 */
static void mark_run_failed(const char *dir, struct json_object *r, const char *why, const char *before)
{
	const char *point = json_object_get_string(json_object_object_get(r, "point"));
	struct json_object *e, *o = NULL;
	char p[PATH_MAX], d[PATH_MAX];
	struct stat sb;

	fmt(d, sizeof(d), "%s/raw/%s", dir, point);
	mkdirs(d);
	raw_path(p, sizeof(p), dir, point, json_object_get_string(json_object_object_get(r, "design")),
		 json_object_get_int(json_object_object_get(r, "rep")), ".json");
	if (!stat(p, &sb) && sb.st_size > 0)
		o = json_object_from_file(p);
	if (!o || json_object_get_type(o) != json_type_object) {
		json_object_put(o);
		o = json_object_new_object();
		JADD(o, "command", JSTR("run"));
	}
	if (json_object_object_get(o, "status"))
		JADD(o, before, json_object_get(json_object_object_get(o, "status")));
	JADD(o, "status", JSTR("error"));
	e = json_object_new_object();
	JADD(e, "source", JSTR("sweep"));
	JADD(e, "message", JSTR(why));
	JADD(o, "error", e);
	json_object_to_file_ext(p, o, JSON_C_TO_STRING_PRETTY);
	json_object_put(o);
}

/*
 * A boot that failed (the guest kernel reported a BUG, WARNING, lockdep,
 * KASAN or a hang, or it timed out): none of its runs may enter a median.
 */
static void mark_boot_failed(const char *dir, struct json_object *plan, int boot, const char *why)
{
	struct json_object *runs = json_object_object_get(plan, "runs");

	for (size_t i = 0; i < json_object_array_length(runs); i++) {
		struct json_object *r = json_object_array_get_idx(runs, i);

		if (json_object_get_int(json_object_object_get(r, "boot")) == boot)
			mark_run_failed(dir, r, why, "status_before_boot_failed");
	}
}

/*
 * The kernel log over the runs of a host sweep, as scripts/vm-run watches a
 * guest's console for the VM target. The sweep watches, not its runs (they
 * get IOPF_BENCH_KMSG=off): one reader from the first run's start to the
 * last's end, each report failing the one run it was logged during (or
 * since the run before it ended, the boot's warm-up included). In a vm-run
 * guest (IOPF_IN_VM=1) nobody here watches: vm-run fails the boot.
 */
static struct kmsg_watch *exec_kmsg_start(struct sw *w)
{
	const char *path = kmsg_watch_path(w->env->kmsg);
	struct kmsg_watch *kw;
	const char *was;
	int err;

	if (!path)
		return NULL;
	kw = kmsg_watch_open(path, &err);
	if (!kw) {
		say(w, "warning: cannot read the kernel log (%s: %s): a kernel report during the runs "
		    "would go unnoticed", path, strerror(-err));
		return NULL;
	}
	was = getenv("IOPF_BENCH_KMSG");
	w->kmsg_was = was ? strdup(was) : NULL;
	setenv("IOPF_BENCH_KMSG", "off", 1);
	return kw;
}

/* A report since the last verdict fails run R: true, and LINE says it. */
static bool exec_kmsg_verdict(struct sw *w, struct kmsg_watch *kw, struct json_object *r, char *line,
			      size_t len)
{
	char k[KMSG_LINE_MAX + 32], why[KMSG_LINE_MAX + 64];

	if (!kw || !kmsg_watch_poll(kw) || !kmsg_watch_take(kw, k, sizeof(k)))
		return false;
	fmt(why, sizeof(why), "kernel log: %s", k);
	mark_run_failed(w->exec_dir, r, why, "status_before_kernel_report");
	fmt(line, len, "%s", why);
	return true;
}

static void exec_kmsg_end(struct sw *w, struct kmsg_watch *kw)
{
	if (!kw)
		return;
	if (kw->lost)
		say(w, "warning: the kernel log wrapped during the runs (%llu time%s): a report among the "
		    "lost records would not be seen", kw->lost, kw->lost == 1 ? "" : "s");
	kmsg_watch_close(kw);
	if (w->kmsg_was)
		setenv("IOPF_BENCH_KMSG", w->kmsg_was, 1);
	else
		unsetenv("IOPF_BENCH_KMSG");
	free(w->kmsg_was);
	w->kmsg_was = NULL;
}

/* `sweep --exec DIR --boot K`: the runs of boot K (0 = all: target host), here. */
static int cmd_exec(struct sw *w)
{
	char path[PATH_MAX], line[512];
	struct json_object *plan, *runs, *last = NULL;
	int nruns = 0, done = 0, bad = 0, first_of_boot = -1;
	int warm = 0;
	double t0 = now_s();
	struct kmsg_watch *kw;

	fmt(path, sizeof(path), "%s/plan.json", w->exec_dir);
	plan = json_object_from_file(path);
	if (!plan) {
		say(w, "--exec: cannot read %s: %s", path, json_util_get_last_err());
		return BENCH_EXIT_USAGE;
	}
	kw = exec_kmsg_start(w);
	runs = json_object_object_get(plan, "runs");
	warm = json_object_get_int(json_object_object_get(plan, "boot_warmup_ms"));
	for (size_t i = 0; i < json_object_array_length(runs); i++)
		if (!w->boot || json_object_get_int(json_object_object_get(json_object_array_get_idx(runs, i),
									    "boot")) == w->boot)
			nruns++;
	for (size_t i = 0; i < json_object_array_length(runs) && !stop_sig; i++) {
		struct json_object *r = json_object_array_get_idx(runs, i), *pt;
		int boot = json_object_get_int(json_object_object_get(r, "boot"));
		int rep = json_object_get_int(json_object_object_get(r, "rep"));
		const char *design = json_object_get_string(json_object_object_get(r, "design"));
		const char *id = json_object_get_string(json_object_object_get(r, "point"));
		long kr, kp;
		int ok;

		if (w->boot && boot != w->boot)
			continue;
		pt = jfind(plan, "points", "id", id);
		if (!pt)
			continue;
		knob_of(plan, pt, design, &kr, &kp);
		if (boot != first_of_boot && warm > 0) {
			/* The warm-up: the caches, the allocator, the module's first run. */
			first_of_boot = boot;
			exec_run(w, w->exec_dir, pt, design, rep, warm, boot, &ok, line, sizeof(line), kr, kp);
			if (stop_sig)
				break;
		}
		first_of_boot = boot;
		exec_run(w, w->exec_dir, pt, design, rep, 0, boot, &ok, line, sizeof(line), kr, kp);
		done++;
		last = r;
		if (exec_kmsg_verdict(w, kw, r, line, sizeof(line)))
			ok = 0;
		if (!ok)
			bad = 1;
		{
			double el = now_s() - t0;
			char e[32], eta[32];

			fmt_secs(el, e, sizeof(e));
			fmt_secs(el / done * (nruns - done), eta, sizeof(eta));
			fprintf(w->env->err, "  [%d/%d] %s %s r%d: %s (%s, ETA %s)\n", done, nruns, id, design,
				rep, line, e, eta);
			fflush(w->env->err);
		}
	}
	knob_off(w);
	/* What the log holds after the last run's verdict is the last run's. */
	if (last && exec_kmsg_verdict(w, kw, last, line, sizeof(line))) {
		say(w, "after the last run: %s", line);
		bad = 1;
	}
	exec_kmsg_end(w, kw);
	json_object_put(plan);
	if (stop_sig) {
		fprintf(w->env->err, "iopf-bench sweep: stopped by signal %d after %d of %d runs\n",
			(int)stop_sig, done, nruns);
		signal(stop_sig, SIG_DFL);
		raise(stop_sig);
		return 128 + stop_sig;
	}
	return bad ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}

static int make_outdir(struct sw *w, const struct spec *s, char *dir, size_t len)
{
	char root[PATH_MAX], stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	if (w->out) {
		fmt(dir, len, "%s", w->out);
		if (mkdir(dir, 0755)) {
			say(w, "--out %s: %s (a results folder is never shared by two runs)", dir,
			    errno == EEXIST ? "exists" : strerror(errno));
			return -1;
		}
		return 0;
	}
	fmt(root, sizeof(root), "%s/results/runs", w->top[0] ? w->top : ".");
	if (mkdirs(root)) {
		say(w, "cannot create %s: %s", root, strerror(errno));
		return -1;
	}
	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	for (int n = 1; n < 100; n++) {
		if (n == 1)
			fmt(dir, len, "%s/%s-%s", root, stamp, s->name);
		else
			fmt(dir, len, "%s/%s-%s-%d", root, stamp, s->name, n);
		if (!mkdir(dir, 0755))
			return 0;
		if (errno != EEXIST) {
			say(w, "cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	say(w, "cannot find a free folder name under %s", root);
	return -1;
}

static int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "r"), *b;
	char buf[8192];
	size_t n;
	int rc = 0;

	if (!a)
		return -1;
	b = fopen(to, "w");
	if (!b) {
		fclose(a);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), a)) > 0)
		if (fwrite(buf, 1, n, b) != n)
			rc = -1;
	fclose(a);
	return fclose(b) || rc ? -1 : 0;
}

/* The reference and flavor of design label d (plan.json design_refs; an older plan: d itself, perf). */
static const char *plan_ref(struct json_object *plan, const char *d, const char **flavor)
{
	struct json_object *r = json_object_object_get(json_object_object_get(plan, "design_refs"), d);
	const char *ref = json_object_get_string(json_object_object_get(r, "ref"));
	const char *fl = json_object_get_string(json_object_object_get(r, "flavor"));

	*flavor = fl ? fl : "perf";
	return ref ? ref : d;
}

/* Kernels and modules for the designs: built when missing (cached). */
static int build_designs(struct sw *w, struct json_object *plan)
{
	struct json_object *ds = json_object_object_get(plan, "designs");

	for (size_t i = 0; i < json_object_array_length(ds); i++) {
		const char *d = json_object_get_string(json_object_array_get_idx(ds, i)), *fl;
		const char *ref = plan_ref(plan, d, &fl);
		char kb[PATH_MAX], mb[PATH_MAX];
		char *a1[] = { kb, "--design", (char *)ref, "--flavor", (char *)fl, NULL };
		char *a2[] = { mb, "--design", (char *)ref, "--flavor", (char *)fl, NULL };
		int st;

		fmt(kb, sizeof(kb), "%s/scripts/kernel-build", w->top);
		fmt(mb, sizeof(mb), "%s/scripts/kmod-build", w->top);
		say(w, "kernel and module for %s/%s (built if missing; cached)", d, fl);
		/* Debian's prebuilt kernels (distro@SOURCE) come with the module build (scripts/distro-kernel). */
		st = 0;
		if (strncmp(ref, "distro", 6) || (ref[6] && ref[6] != '@'))
			st = spawn(a1, "/dev/null", NULL, w->top);
		if (stop_sig)
			return -1;
		if (st) {
			say(w, "the %s/%s kernel did not build (scripts/kernel-build --design %s --flavor %s)", d, fl,
			    ref, fl);
			return -1;
		}
		st = spawn(a2, "/dev/null", NULL, w->top);
		if (stop_sig)
			return -1;
		if (st) {
			say(w, "the module does not build for %s/%s (scripts/kmod-build --design %s --flavor %s)", d,
			    fl, ref, fl);
			return -1;
		}
	}
	return 0;
}

static int provenance(struct sw *w, const char *dir, struct json_object *plan, const char *vmlogs)
{
	char *argv[64 + 2 * SPEC_MAX_DESIGNS * 4];
	char p[PATH_MAX];
	int argc = 0, st;
	struct json_object *ds = json_object_object_get(plan, "designs");

	fmt(p, sizeof(p), "%s/scripts/provenance", w->top);
	argv[argc++] = p;
	argv[argc++] = (char *)dir;
	if (vmlogs) {
		argv[argc++] = "--vm-logs";
		argv[argc++] = (char *)vmlogs;
	}
	if (!strcmp(w->target, "vm"))
		for (size_t i = 0; i < json_object_array_length(ds); i++) {
			const char *fl;

			argv[argc++] = "--design";
			argv[argc++] = (char *)plan_ref(plan, json_object_get_string(json_object_array_get_idx(ds, i)),
							&fl);
			argv[argc++] = "--flavor";
			argv[argc++] = (char *)fl;
		}
	argv[argc++] = "--";
	/* The real command line: this program, then "sweep" and its arguments. */
	argv[argc++] = w->self;
	for (int i = 0; i < w->argc && argc < (int)(sizeof(argv) / sizeof(argv[0])) - 2; i++)
		argv[argc++] = w->argv[i];
	argv[argc] = NULL;
	st = spawn(argv, NULL, NULL, w->top);
	if (!st) {
		/* The synthetic regression knob, when on: results made with it must say so. */
		struct json_object *pv, *g = json_object_object_get(plan, "regress");

		fmt(p, sizeof(p), "%s/provenance.json", dir);
		pv = json_object_from_file(p);
		if (!pv)
			return -1;
		JADD(pv, "regress", g ? json_object_get(g) : NULL);
		if (json_object_to_file_ext(p, pv, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE))
			st = -1;
		json_object_put(pv);
	}
	return st ? -1 : 0;
}

/* scripts/vm-run's exit codes (scripts/lib.sh VMRUN_*). */
static const char *vmrun_reason(int code)
{
	switch (code) {
	case 124: return "timeout";
	case 125: return "vm-run's own error (a build, QEMU)";
	case 240: return "guest kernel panic";
	case 241: return "BUG/Oops";
	case 242: return "WARNING in the guest kernel log";
	case 243: return "lockdep report";
	case 244: return "KASAN report";
	case 245: return "hung task, lockup or stall";
	case 246: return "the guest stopped without an exit status";
	default: return "the command inside the guest failed";
	}
}

/*
 * results/runs/latest -> the folder just finished (relative), only once it
 * is complete: never an INCOMPLETE one (folder_link_latest() checks). A
 * folder of --out elsewhere is not linked.
 */
static void link_latest(struct sw *w, const char *dir)
{
	const char *why = NULL;
	int rc = folder_link_latest(dir, &why);

	if (rc < 0)
		say(w, "warning: cannot point results/runs/latest at %s: %s", dir, strerror(errno));
	else if (rc > 0)
		say(w, "results/runs/latest left as it was: %s", why);
}

static int run_sweep(struct sw *w, const struct spec *s, struct json_object *plan, double est)
{
	char dir[PATH_MAX], p[PATH_MAX], e[32], logs[PATH_MAX];
	struct json_object *boots = json_object_object_get(plan, "boots");
	size_t nboots = json_object_array_length(boots);
	int bad = 0, rc;
	double t0 = now_s(), tb;
	struct results_opts ro;

	if (make_outdir(w, s, dir, sizeof(dir)))
		return BENCH_EXIT_FAIL;
	if (realpath(dir, p))
		fmt(dir, sizeof(dir), "%s", p);
	if (!strcmp(w->target, "vm") && strncmp(dir, w->top, strlen(w->top))) {
		say(w, "%s is outside the checkout %s: the guest writes its results there", dir, w->top);
		rmdir(dir);
		return BENCH_EXIT_USAGE;
	}
	fmt(p, sizeof(p), "%s/INCOMPLETE", dir);
	if (write_file(p, "this sweep has not finished: the folder is incomplete\n")) {
		say(w, "cannot write %s: %s", p, strerror(errno));
		return BENCH_EXIT_FAIL;
	}
	fmt(p, sizeof(p), "%s/spec.ini", dir);
	copy_file(s->path, p);
	fmt(p, sizeof(p), "%s/plan.json", dir);
	if (json_object_to_file_ext(p, plan, JSON_C_TO_STRING_PRETTY)) {
		say(w, "cannot write %s: %s", p, json_util_get_last_err());
		return BENCH_EXIT_FAIL;
	}
	fmt_secs(est, e, sizeof(e));
	say(w, "results: %s (%zu runs, estimated %s)", dir,
	    json_object_array_length(json_object_object_get(plan, "runs")), e);
	if (!strcmp(w->target, "vm") && build_designs(w, plan))
		goto stopped;
	if (w->top[0] && provenance(w, dir, plan, NULL))
		say(w, "warning: scripts/provenance failed; provenance.json may be missing");
	fmt(logs, sizeof(logs), "%s/logs", dir);
	/* The boots' ETA comes from the boots' own time, not the builds' before them. */
	tb = now_s();
	if (!strcmp(w->target, "host")) {
		w->exec_dir = dir;
		w->boot = 0;
		rc = cmd_exec(w);
		if (stop_sig)
			goto stopped;
		bad |= rc != 0;
	} else {
		mkdirs(logs);
		for (size_t b = 0; b < nboots && !stop_sig; b++) {
			struct json_object *bt = json_object_array_get_idx(boots, b);
			struct json_object *vm = json_object_object_get(bt, "vm");
			int boot = json_object_get_int(json_object_object_get(bt, "boot"));
			int n = json_object_get_int(json_object_object_get(bt, "runs"));
			const char *design = json_object_get_string(json_object_object_get(bt, "design")), *fl;
			const char *ref = plan_ref(plan, design, &fl);
			char vr[PATH_MAX], cpus[16], topo[32], numa[16], tmo[16], bs[16], el[32], eta[32] = "";
			char *argv[40];
			int argc = 0, st;
			double spent = now_s() - t0, booting = now_s() - tb;

			if (!n)
				continue;
			fmt_secs(spent, el, sizeof(el));
			if (b)
				fmt_secs(booting / b * (nboots - b), eta, sizeof(eta));
			say(w, "boot %zu/%zu: %s/%s, repetition %d: %d run%s (%s elapsed%s%s)", b + 1, nboots,
			    design, fl, json_object_get_int(json_object_object_get(bt, "rep")), n, n == 1 ? "" : "s",
			    el, b ? ", ETA " : "", eta);
			/* IOPF_BENCH_VMRUN: a stand-in for scripts/vm-run (the tests' failing boots). */
			if (getenv("IOPF_BENCH_VMRUN") && *getenv("IOPF_BENCH_VMRUN"))
				fmt(vr, sizeof(vr), "%s", getenv("IOPF_BENCH_VMRUN"));
			else
				fmt(vr, sizeof(vr), "%s/scripts/vm-run", w->top);
			fmt(cpus, sizeof(cpus), "%d", json_object_get_int(json_object_array_get_idx(vm, 0)));
			fmt(numa, sizeof(numa), "%d", json_object_get_int(json_object_array_get_idx(vm, 4)));
			fmt(bs, sizeof(bs), "%d", boot);
			/* Each run's own timeout is 2x its length + 30 s; the boot's is their sum + 5 min. */
			fmt(tmo, sizeof(tmo), "%d", 300 + n * 40 +
				 (int)(2 * est / (nboots ? nboots : 1)));
			argv[argc++] = vr;
			argv[argc++] = "--design";
			argv[argc++] = (char *)ref;
			argv[argc++] = "--flavor";
			argv[argc++] = (char *)fl;
			if (json_object_get_int(json_object_array_get_idx(vm, 1))) {
				fmt(topo, sizeof(topo), "%d:%d:%d",
					 json_object_get_int(json_object_array_get_idx(vm, 1)),
					 json_object_get_int(json_object_array_get_idx(vm, 2)),
					 json_object_get_int(json_object_array_get_idx(vm, 3)));
				argv[argc++] = "--topology";
				argv[argc++] = topo;
			} else {
				argv[argc++] = "--cpus";
				argv[argc++] = cpus;
			}
			argv[argc++] = "--numa-nodes";
			argv[argc++] = numa;
			argv[argc++] = "--insmod";
			argv[argc++] = "-q";
			argv[argc++] = "--timeout";
			argv[argc++] = tmo;
			argv[argc++] = "--log-dir";
			argv[argc++] = logs;
			argv[argc++] = "--";
			argv[argc++] = w->self;
			argv[argc++] = "sweep";
			argv[argc++] = "--exec";
			argv[argc++] = dir;
			argv[argc++] = "--boot";
			argv[argc++] = bs;
			argv[argc] = NULL;
			st = spawn(argv, NULL, NULL, w->top);
			if (stop_sig || (WIFSIGNALED(st) && (WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGTERM)) ||
			    (WIFEXITED(st) && WEXITSTATUS(st) == 130)) {
				if (!stop_sig)
					stop_sig = WIFSIGNALED(st) ? WTERMSIG(st) : SIGINT;
				goto stopped;
			}
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				char why[256];
				int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);

				bad = 1;
				/* 1: some runs failed, each says so in its own result. */
				if (code != BENCH_EXIT_FAIL) {
					fmt(why, sizeof(why), "boot %d (%s/%s) failed: scripts/vm-run exit %d "
					    "(%s; see logs/): no run of this boot is counted", boot, design, fl, code,
					    vmrun_reason(code));
					say(w, "%s", why);
					mark_boot_failed(dir, plan, boot, why);
				}
			}
		}
		if (stop_sig)
			goto stopped;
	}
	/* Again, with what the boots used (QEMU's accelerator): never silently the first one. */
	if (w->top[0] && !strcmp(w->target, "vm") && provenance(w, dir, plan, logs))
		say(w, "warning: scripts/provenance --vm-logs %s failed: provenance.json lacks the "
		    "boots' QEMU accelerator and command line", logs);
	results_opts_init(&ro);
	ro.out = w->env->out;
	say(w, "all %zu runs done in %s; aggregating and reporting", json_object_array_length(
		json_object_object_get(plan, "runs")), (fmt_secs(now_s() - t0, e, sizeof(e)), e));
	/* Everything ran: the folder is complete (failed runs are in it, marked). */
	fmt(p, sizeof(p), "%s/INCOMPLETE", dir);
	unlink(p);
	rc = results_report(dir, &ro, w->env->out);
	if (stop_sig) {
		/* Stopped while reporting: the folder must not look complete. */
		write_file(p, "this sweep was stopped while its report was being made\n");
		goto stopped;
	}
	if (rc) {
		say(w, "the report could not be made (see above)");
		bad = 1;
	}
	if (!w->out)
		link_latest(w, dir);
	say(w, "results: %s (%s)", dir, (fmt_secs(now_s() - t0, e, sizeof(e)), e));
	if (bad)
		say(w, "some runs failed, violated an invariant, or the report could not be made: see %s/run.json", dir);
	return bad ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;

stopped:
	say(w, "stopped by signal %d: %s is incomplete (INCOMPLETE is kept)", (int)stop_sig, dir);
	results_opts_init(&ro);
	results_aggregate(dir, &ro, w->env->err);
	signal(stop_sig, SIG_DFL);
	raise(stop_sig);
	return 128 + stop_sig;
}

/*
 * --target host, before anything is written or printed: the module loaded
 * (else exit 3), this user allowed to drive it and to read the kernel log
 * (root), and the module of this tool's ABI (a run of another ABI's module
 * would be judged with this tool's rules). Each refusal is one line; the
 * last two are bad input (exit 2).
 */
static int host_ready(struct sw *w)
{
	struct iopf_bench_version v;
	struct bench_dev *d = NULL;
	struct kmsg_watch *kw;
	const char *kp;
	int rc;

	if (access(IOPF_BENCH_DEVICE, F_OK)) {
		say(w, "--target host: the module is not loaded (%s is missing): build it with make host, "
		    "then insmod build/kmod/host-$(uname -r)/iopf_bench.ko", IOPF_BENCH_DEVICE);
		return BENCH_EXIT_NOMODULE;
	}
	rc = w->env->open_dev(IOPF_BENCH_DEVICE, &d);
	if (rc == -EACCES || rc == -EPERM) {
		say(w, "--target host needs root (%s: %s): run it with sudo", IOPF_BENCH_DEVICE, strerror(-rc));
		return BENCH_EXIT_USAGE;
	}
	if (!rc)
		rc = dev_version(d, &v);
	dev_close(d);
	if (rc) {
		say(w, "--target host: %s does not answer VERSION (%s): is it the iopf_bench module?",
		    IOPF_BENCH_DEVICE, strerror(-rc));
		return BENCH_EXIT_NOMODULE;
	}
	if (v.abi_version != IOPF_BENCH_ABI_VERSION) {
		say(w, "--target host: the loaded module speaks ABI %u, this tool ABI %u: rmmod iopf_bench, "
		    "then insmod the module built with this tool (make host)", v.abi_version,
		    IOPF_BENCH_ABI_VERSION);
		return BENCH_EXIT_USAGE;
	}
	kp = kmsg_watch_path(w->env->kmsg);
	if (kp) {
		kw = kmsg_watch_open(kp, &rc);
		if (!kw) {
			say(w, "--target host cannot read the kernel log (%s: %s), which judges every run: run "
			    "it as root", kp, strerror(-rc));
			return BENCH_EXIT_USAGE;
		}
		kmsg_watch_close(kw);
	}
	return 0;
}

static const char usage[] =
	"usage: iopf-bench sweep SPEC [--dry-run] [--out DIR] [--target vm|host] [--reps N]\n"
	"                             [--designs \"A B\"] [--design REF]... [--regress-report-ns N]\n"
	"                             [--regress-response-ns N]\n"
	"\n"
	"Run a sweep spec (an INI file, see bench/specs/) into a new results folder,\n"
	"results/runs/<YYYYmmdd-HHMMSS>-<spec>[-N]/, then aggregate it (run.json, csv/)\n"
	"and write report.html (as `iopf-bench report DIR`).\n"
	"\n"
	"  --dry-run        list the points, the boots and the estimated time; run nothing\n"
	"  --out DIR        the results folder (must not exist; inside the checkout for vm)\n"
	"  --target vm      boot each design's kernel under QEMU (scripts/vm-run): the default,\n"
	"                   whether or not the module is loaded here\n"
	"  --target host    run here against the loaded module (/dev/iopf_bench), as root:\n"
	"                   a real host or a distro kernel; the one design is \"host\". A\n"
	"                   BUG, WARNING, Oops, lockdep, KASAN or hung-task line in the\n"
	"                   kernel log (scripts/vm-run's list) fails the run it was logged\n"
	"                   during, with that line\n"
	"  --reps N         repetitions per point and design (overrides the spec)\n"
	"  --designs \"A B\"  the designs (overrides the spec; first = baseline)\n"
	"  --design REF     one more design (repeatable), after the spec's or --designs':\n"
	"                   NAME, NAME@SOURCE (rcu@debian-7.3), LABEL=BASE[+PATCH...]\n"
	"                   (mine=debian-7.3+my.patch, mine=mutex@tree:~/linux@v7.3),\n"
	"                   distro@SOURCE; SOURCE: a name of kernel/sources.tsv[:VERSION],\n"
	"                   tarball:PATH or tree:PATH[@REV] (bench/specs/README.md)\n"
	"  --regress-report-ns N, --regress-response-ns N\n"
	"                   the synthetic regression knob: N busy ns added to every report\n"
	"                   (inside the report interval) / every page response, 0..1000000,\n"
	"                   through the module parameters regress_*_ns; for testing the CI\n"
	"                   gate (iopf-bench compare, calibrate). Off by default; when on it\n"
	"                   is in plan.json, provenance.json, every run's JSON and report.html\n"
	"  --regress-design LABEL\n"
	"                   the knob on that design's runs only: with LABEL=BASE (the\n"
	"                   same kernel under a label of its own) an interleaved A/B of\n"
	"                   one kernel, judged by `compare --pair BASE:LABEL DIR`\n"
	"  -q, --quiet      no plan listing before the run\n"
	"\n"
	"Exit status: 0 every run succeeded and the report was made; 1 a run failed or\n"
	"violated an invariant, or the report could not be made; 2 a bad spec or option\n"
	"(the message names the file and line), or for --target host: not root, or a\n"
	"module of another ABI loaded; 3 --target host without the module; 128+N stopped\n"
	"by signal N (the folder keeps its INCOMPLETE marker).\n";

int cmd_sweep(int argc, char **argv, const struct bench_env *env)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "target", required_argument, NULL, 't' },
		{ "reps", required_argument, NULL, 'r' },
		{ "designs", required_argument, NULL, 'd' },
		{ "design", required_argument, NULL, 'D' },
		{ "regress-report-ns", required_argument, NULL, 'R' },
		{ "regress-response-ns", required_argument, NULL, 'P' },
		{ "regress-design", required_argument, NULL, 'G' },
		{ "calib-levels", required_argument, NULL, 'L' },
		{ "calib-ns", required_argument, NULL, 'N' },
		{ "calib-path", required_argument, NULL, 'A' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "exec", required_argument, NULL, 'x' },
		{ "boot", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sw w = { .env = env, .argc = argc, .argv = argv };
	struct spec *s;
	struct json_object *plan;
	char err[1024], tsv[PATH_MAX];
	double est;
	int c, rc;
	struct sigaction sa = { .sa_handler = on_signal };

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': w.dry_run = 1; break;
		case 'o': w.out = optarg; break;
		case 't':
			if (strcmp(optarg, "vm") && strcmp(optarg, "host")) {
				fprintf(env->err, "iopf-bench sweep: --target must be vm or host, not '%s'\n", optarg);
				return BENCH_EXIT_USAGE;
			}
			w.target = optarg;
			break;
		case 'r': {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || end == optarg || n < 1 || n > SPEC_MAX_REPS) {
				fprintf(env->err, "iopf-bench sweep: --reps must be 1 to %d, not '%s'\n", SPEC_MAX_REPS,
					optarg);
				return BENCH_EXIT_USAGE;
			}
			w.reps_override = (int)n;
			break;
		}
		case 'd': w.designs_override = optarg; break;
		case 'D':
			if (w.ndesign_add == SPEC_MAX_DESIGNS) {
				fprintf(env->err, "iopf-bench sweep: --design: at most %d designs\n", SPEC_MAX_DESIGNS);
				return BENCH_EXIT_USAGE;
			}
			w.design_add[w.ndesign_add++] = optarg;
			break;
		case 'L': {
			/* Internal (iopf-bench calibrate): "0,0.02,0.05". */
			char *p = optarg, *end;

			w.ncal = 0;
			while (*p && w.ncal < 16) {
				w.cal_levels[w.ncal++] = strtod(p, &end);
				if (end == p || (*end && *end != ',')) {
					fprintf(env->err, "iopf-bench sweep: bad --calib-levels '%s'\n", optarg);
					return BENCH_EXIT_USAGE;
				}
				p = *end ? end + 1 : end;
			}
			break;
		}
		case 'N':
			w.cal_ns = json_object_from_file(optarg);
			if (!w.cal_ns || !json_object_is_type(w.cal_ns, json_type_object)) {
				fprintf(env->err, "iopf-bench sweep: --calib-ns %s: not a JSON object\n", optarg);
				return BENCH_EXIT_USAGE;
			}
			break;
		case 'A': w.cal_path = optarg; break;
		case 'R':
		case 'P': {
			char *end;
			long n;

			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 0 || n > IOPF_BENCH_MAX_REGRESS_NS) {
				fprintf(env->err, "iopf-bench sweep: --%s must be 0 to %u (ns), not '%s'\n",
					c == 'R' ? "regress-report-ns" : "regress-response-ns",
					IOPF_BENCH_MAX_REGRESS_NS, optarg);
				return BENCH_EXIT_USAGE;
			}
			*(c == 'R' ? &w.regress_report_ns : &w.regress_response_ns) = n;
			break;
		}
		case 'G': w.regress_design = optarg; break;
		case 'q': w.quiet = 1; break;
		case 'x': w.exec_dir = optarg; break;
		case 'b': w.boot = atoi(optarg); break;
		case 'h': fputs(usage, env->out); return BENCH_EXIT_OK;
		default:
			fprintf(env->err, "iopf-bench sweep: unknown or incomplete option '%s'\n%s",
				argv[optind - 1], usage);
			return BENCH_EXIT_USAGE;
		}
	}
	if (w.ncal && (!w.cal_ns || !w.cal_path || (strcmp(w.cal_path, "response") &&
						      strcmp(w.cal_path, "report") && strcmp(w.cal_path, "both")))) {
		fprintf(env->err, "iopf-bench sweep: --calib-levels needs --calib-ns and --calib-path "
			"response|report|both\n");
		return BENCH_EXIT_USAGE;
	}
	find_top(&w);
	sigemptyset(&sa.sa_mask);
	if (env->handle_signals) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	stop_sig = 0;
	if (w.exec_dir)
		return cmd_exec(&w);
	if (optind != argc - 1) {
		fprintf(env->err, "iopf-bench sweep: %s\n%s", optind >= argc ? "no spec file given" :
			"one spec file only", usage);
		return BENCH_EXIT_USAGE;
	}
	w.spec_path = argv[optind];
	/*
	 * The VM is the default whatever is loaded here: a host run is asked
	 * for by name, so that `make bench` or `make gate` on a machine with
	 * the module loaded never runs natively by surprise.
	 */
	if (!w.target)
		w.target = "vm";
	if (!strcmp(w.target, "vm") && !w.top[0]) {
		fprintf(env->err, "iopf-bench sweep: --target vm needs the checkout this program was built in "
			"(scripts/vm-run, kernel/designs.tsv); not found next to %s\n", w.self);
		return BENCH_EXIT_USAGE;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return BENCH_EXIT_FAIL;
	fmt(tsv, sizeof(tsv), "%s/kernel/designs.tsv", w.top);
	if (spec_load(s, w.spec_path, w.top[0] ? tsv : NULL, err, sizeof(err))) {
		fprintf(env->err, "iopf-bench sweep: %s\n", err);
		free(s);
		return BENCH_EXIT_USAGE;
	}
	if (w.designs_override &&
	    spec_set_designs(s, w.designs_override, w.top[0] ? tsv : NULL, err, sizeof(err))) {
		fprintf(env->err, "iopf-bench sweep: %s\n", err);
		spec_free(s);
		free(s);
		return BENCH_EXIT_USAGE;
	}
	for (unsigned int i = 0; i < w.ndesign_add; i++)
		if (spec_add_design(s, w.design_add[i], w.top[0] ? tsv : NULL, err, sizeof(err))) {
			fprintf(env->err, "iopf-bench sweep: %s\n", err);
			spec_free(s);
			free(s);
			return BENCH_EXIT_USAGE;
		}
	plan = plan_build(&w, s, &est, err, sizeof(err));
	if (!plan) {
		fprintf(env->err, "iopf-bench sweep: %s\n", err);
		spec_free(s);
		free(s);
		return BENCH_EXIT_USAGE;
	}
	rc = !w.dry_run && !strcmp(w.target, "host") ? host_ready(&w) : 0;
	if (!rc && (w.dry_run || !w.quiet))
		print_plan(&w, plan, est);
	if (!rc && !w.dry_run)
		rc = run_sweep(&w, s, plan, est);
	json_object_put(plan);
	spec_free(s);
	free(s);
	return rc;
}
