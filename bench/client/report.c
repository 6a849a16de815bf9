// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - results as one JSON document (json-c) or a human summary.
 *
 * JSON conventions: every field name carries its unit (_ns, _ms, _per_s);
 * "version" (schema and tool) and "timestamp" (ISO 8601 UTC) at the root;
 * percentiles the module did not compute are null when there is no sample.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dev.h"
#include "report.h"

#define U(x) ((unsigned long long)(x))

#define x ((unsigned long long)(x))

#define JADD(o, k, v) json_object_object_add((o), (k), (v))
#define JU64(v) json_object_new_uint64((uint64_t)(v))
#define JSTR(s) json_object_new_string(s)

void iso8601_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct json_object *json_root(time_t now)
{
	struct json_object *root = json_object_new_object(), *v = json_object_new_object();
	char ts[32];

	JADD(v, "schema", json_object_new_int(BENCH_JSON_SCHEMA));
	JADD(v, "tool", JSTR(BENCH_TOOL_VERSION));
	JADD(root, "version", v);
	iso8601_utc(now, ts, sizeof(ts));
	JADD(root, "timestamp", JSTR(ts));
	return root;
}

int json_write(FILE *f, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE);

	if (fputs(s, f) < 0 || fputc('\n', f) < 0)
		return -1;
	return fflush(f);
}

void fmt_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%lluns", U(ns));
	else if (ns < 1000000)
		snprintf(buf, len, "%.3gus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.3gms", ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", ns / 1e9);
}

/* ------------------------------------------------------------------------ */

const struct iopf_bench_latency *report_latency(const struct iopf_bench_results *res, unsigned int h)
{
	switch (h) {
	case IOPF_BENCH_HIST_RESPONSE: return &res->lat_response;
	case IOPF_BENCH_HIST_HANDLER: return &res->lat_handler;
	case IOPF_BENCH_HIST_WORK: return &res->lat_work;
	case IOPF_BENCH_HIST_UNBIND: return &res->lat_unbind;
	case IOPF_BENCH_HIST_REBIND: return &res->lat_rebind;
	case IOPF_BENCH_HIST_QUEUE: return &res->lat_queue;
	case IOPF_BENCH_HIST_REPORT_LAST: return &res->lat_report_last;
	case IOPF_BENCH_HIST_REPORT_PARTIAL: return &res->lat_report_partial;
	case IOPF_BENCH_HIST_SEND_LAG: return &res->lat_send_lag;
	case IOPF_BENCH_HIST_FLUSH: return &res->lat_flush;
	case IOPF_BENCH_HIST_REPORT_IN_FLUSH: return &res->lat_report_in_flush;
	case IOPF_BENCH_HIST_QUEUE_IN_FLUSH: return &res->lat_queue_in_flush;
	}
	return NULL;
}

/*
 * The latencies of the measured window, in the order they are printed: the
 * key at the JSON root and the row of the text table (its short form).
 * Unbind and rebind (whole run, only with unbinders) go under "unbind".
 * The in-flush ones are small samples (tens to hundreds per run): their
 * full name (name) and sample count are said under the table.
 */
static const struct {
	unsigned int h;
	const char *json;
	const char *label;
	const char *name;	/* non-NULL: an in-flush figure, named in full with n= under the table */
} window_lats[] = {
	{ IOPF_BENCH_HIST_RESPONSE, "latency_ns", "arrival->response", NULL },
	{ IOPF_BENCH_HIST_HANDLER, "handler_latency_ns", "arrival->handler", NULL },
	{ IOPF_BENCH_HIST_WORK, "work_latency_ns", "arrival->work start", NULL },
	{ IOPF_BENCH_HIST_QUEUE, "queue_latency_ns", "sent->report", NULL },
	{ IOPF_BENCH_HIST_REPORT_LAST, "report_last_latency_ns", "report() last", NULL },
	{ IOPF_BENCH_HIST_REPORT_PARTIAL, "report_partial_latency_ns", "report() partial", NULL },
	{ IOPF_BENCH_HIST_SEND_LAG, "send_lag_latency_ns", "send lag", NULL },
	{ IOPF_BENCH_HIST_REPORT_IN_FLUSH, "report_in_flush_latency_ns", "report in dev flush",
	  "report during a flush of the same device" },
	{ IOPF_BENCH_HIST_QUEUE_IN_FLUSH, "queue_in_flush_latency_ns", "queue in IOMMU flush",
	  "queue wait while any flush runs on the IOMMU" },
};
_Static_assert(sizeof(window_lats) / sizeof(window_lats[0]) == IOPF_BENCH_HIST_NR - 3,
	       "every histogram but unbind, rebind and flush (whole run) is a window latency");

/* The results of an ABI 1 module end before the driver model: nothing of it to show. */
static bool has_driver_model(const struct iopf_bench_results *s)
{
	return s->abi_version >= 2;
}

/*
 * Whether the results have histogram h: ABI 1 has the first five, ABI 2 to
 * 6 all but the queue wait in a flush (ABI 7).
 */
static bool has_hist(const struct iopf_bench_results *s, unsigned int h)
{
	if (h >= IOPF_BENCH_HIST_QUEUE_IN_FLUSH)
		return s->abi_version >= 7;
	return h < IOPF_BENCH_HIST_QUEUE || has_driver_model(s);
}

static const uint64_t *hist_of(const struct report *r, unsigned int h)
{
	if (!r->hist || h >= IOPF_BENCH_HIST_NR)
		return NULL;
	return r->hist + (size_t)h * r->layout.nr_buckets;
}

bool report_hist_check(const struct hist_layout *l, const uint64_t *b,
		       const struct iopf_bench_latency *lat, char *why, size_t len)
{
	static const struct {
		const char *name;
		uint32_t ppm;
		size_t off;
	} pts[] = {
		{ "p50", 500000, offsetof(struct iopf_bench_latency, p50_ns) },
		{ "p90", 900000, offsetof(struct iopf_bench_latency, p90_ns) },
		{ "p99", 990000, offsetof(struct iopf_bench_latency, p99_ns) },
		{ "p99.9", 999000, offsetof(struct iopf_bench_latency, p999_ns) },
	};
	uint64_t total = hist_total(l, b);

	if (total != lat->count) {
		snprintf(why, len, "the histogram holds %llu samples, the summary counts %llu",
			 U(total), U(lat->count));
		return false;
	}
	if (!total)
		return true;
	for (unsigned int i = 0; i < sizeof(pts) / sizeof(pts[0]); i++) {
		uint64_t mine = hist_percentile(l, b, lat->min_ns, lat->max_ns, pts[i].ppm);
		uint64_t theirs = *(const uint64_t *)((const char *)lat + pts[i].off);

		if (!hist_percentile_agrees(l, mine, theirs)) {
			snprintf(why, len, "%s is %llu ns from the histogram, %llu"
				 " ns in the module's summary", pts[i].name, U(mine), U(theirs));
			return false;
		}
	}
	return true;
}

static struct json_object *lat_json(const struct report *r, unsigned int h)
{
	const struct iopf_bench_latency *l = report_latency(r->res, h);
	const uint64_t *b = hist_of(r, h);
	struct json_object *o = json_object_new_object();
	bool any = l->count > 0;

#define LATF(key, v) JADD(o, key, any ? JU64(v) : NULL)
	JADD(o, "count", JU64(l->count));
	LATF("min", l->min_ns);
	LATF("mean", l->mean_ns);
	LATF("p50", l->p50_ns);
	LATF("p90", l->p90_ns);
	LATF("p99", l->p99_ns);
	LATF("p999", l->p999_ns);
	LATF("max", l->max_ns);
#undef LATF
	if (b) {
		struct json_object *p = json_object_new_object();
		char why[256];

		for (unsigned int i = 0; i < r->pcts.n && any; i++) {
			char name[16];

			pct_name(r->pcts.ppm[i], name, sizeof(name));
			JADD(p, name, JU64(hist_percentile(&r->layout, b, l->min_ns, l->max_ns,
							   r->pcts.ppm[i])));
		}
		JADD(o, "percentiles", p);
		if (report_hist_check(&r->layout, b, l, why, sizeof(why)))
			JADD(o, "histogram_check", JSTR("ok"));
		else
			JADD(o, "histogram_check", JSTR(why));
	}
	return o;
}

/* ------------------------------------------------------------------------ */

const char *report_status(const struct report *r)
{
	if (r->skip_reason)
		return "skipped";
	if (r->error || !r->res)
		return "error";
	if (r->res->status == IOPF_BENCH_RESULT_FAILURE || r->res->violations)
		return "failure";
	if (r->res->status != IOPF_BENCH_RESULT_SUCCESS)
		return "error";
	return "success";
}

int report_exit_code(const struct report *r)
{
	return strcmp(report_status(r), "success") ? 1 : 0;
}

/* The clock of the group timestamps (appended to the results in ABI 1). */
static const char *clock_name(const struct iopf_bench_results *s)
{
	switch (s->clock) {
	case IOPF_BENCH_CLOCK_KTIME: return "ktime";
	case IOPF_BENCH_CLOCK_TSC: return "tsc";
	case IOPF_BENCH_CLOCK_NONE:
		return s->run_flags & IOPF_BENCH_RUN_NO_TIMESTAMPS ? "none" : "unknown";
	}
	return "unknown";
}

static bool unbinders_ran(const struct report *r)
{
	return r->res && (r->res->nr_unbinders || r->res->unbind_cycles);
}

static struct json_object *caps_json(uint32_t caps)
{
	static const char *const names[] = { "iopf", "pasid", "timestamps", "unbind", "stream" };
	struct json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < 32; i++)
		if (caps & (1u << i)) {
			char buf[16];

			snprintf(buf, sizeof(buf), "bit%u", i);
			json_object_array_add(a, JSTR(i < 5 ? names[i] : buf));
		}
	return a;
}

static struct json_object *handlers_json(uint32_t mask)
{
	struct json_object *a = json_object_new_array();

	for (const struct opt_enum *e = handler_names; e->name; e++)
		if (mask & (1u << e->value))
			json_object_array_add(a, JSTR(e->name));
	return a;
}

/*
 * A model's name in a module's results: ABI 7's names, but model 1 of an
 * older module is its prq model, which ABI 7 renamed vtd and made exact to
 * VT-d's source: not the same harness, so not the same name.
 */
static const char *model_name_abi(uint32_t model, uint32_t abi_version)
{
	if (abi_version < 7 && model == IOPF_BENCH_MODEL_VTD)
		return "prq";
	return enum_name(model_names, model);
}

static const char *results_model_name(const struct iopf_bench_results *s)
{
	return model_name_abi(s->model, s->abi_version);
}

/*
 * How the reporter threads were scheduled: the module's echo since ABI 7;
 * an older module's reporters ran SCHED_NORMAL. NULL: the model has none
 * (direct).
 */
static const char *results_reporter_prio(const struct iopf_bench_results *s)
{
	if (!model_has_reporter(s->model))
		return NULL;
	return enum_name(reporter_prio_names, s->abi_version >= 7 ? s->reporter_prio :
			 IOPF_BENCH_REPORTER_NORMAL);
}

/*
 * How the vtd reporter woke the drains (ABI 7's run flag VTD_WAKE_ALL):
 * "one" (VT-d's complete()) or "all"; NULL for any other model, and for an
 * older module's prq.
 */
static const char *results_vtd_wake(const struct iopf_bench_results *s)
{
	if (s->abi_version < 7 || s->model != IOPF_BENCH_MODEL_VTD)
		return NULL;
	return enum_name(vtd_wake_names, s->run_flags & IOPF_BENCH_RUN_VTD_WAKE_ALL ? BENCH_VTD_WAKE_ALL :
			 BENCH_VTD_WAKE_ONE);
}

/* Whether the devices faulted on PASIDs only (ABI 7's echo; never before). */
static bool results_pasid_only(const struct iopf_bench_results *s)
{
	return s->abi_version >= 7 && s->pasid_only;
}

static struct json_object *models_json(uint32_t mask, uint32_t abi_version)
{
	struct json_object *a = json_object_new_array();

	for (const struct opt_enum *e = model_names; e->name; e++)
		if (mask & (1u << e->value))
			json_object_array_add(a, JSTR(model_name_abi(e->value, abi_version)));
	return a;
}

static struct json_object *module_json(const struct iopf_bench_version *v)
{
	struct json_object *m = json_object_new_object();

	JADD(m, "abi_version", JU64(v->abi_version));
	JADD(m, "module_version", JSTR(v->module_version));
	JADD(m, "kernel_release", JSTR(v->kernel_release));
	JADD(m, "mock_kind", JSTR(mock_kind_name(v->mock_kind)));
	JADD(m, "caps", caps_json(v->caps));
	JADD(m, "handlers", handlers_json(v->handlers));
	JADD(m, "models", models_json(v->models, v->abi_version));
	if (v->abi_version >= 7)	/* the models whose driver rejects PASID-less requests here */
		JADD(m, "pasid_only_models", models_json(v->pasid_only_models, v->abi_version));
	return m;
}

static struct json_object *topo_json(const struct topo_summary *t)
{
	struct json_object *o = json_object_new_object();

	JADD(o, "packages", JU64(t->packages));
	JADD(o, "cores", JU64(t->cores));
	JADD(o, "pus", JU64(t->pus));
	JADD(o, "numa_nodes", JU64(t->numa_nodes));
	JADD(o, "threads_per_core", JU64(t->threads_per_core));
	JADD(o, "l3_caches", JU64(t->l3_caches));
	JADD(o, "usable_cpus", JSTR(t->usable));
	/* Whether these CPUs are a virtual machine's: null when the tool cannot tell. */
	JADD(o, "emulated", t->emulated < 0 ? NULL : json_object_new_boolean(t->emulated));
	JADD(o, "hypervisor", t->hypervisor[0] ? JSTR(t->hypervisor) : NULL);
	if (t->emulated > 0)
		JADD(o, "note", JSTR("emulated: a virtual machine's topology; its packages, cores, SMT "
				     "siblings, caches and NUMA nodes are what the hypervisor presents, "
				     "not hardware, and its vCPUs may share host CPUs"));
	return o;
}

static struct json_object *cpus_json(const struct topo_cpu *cpus, unsigned int n)
{
	struct json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < n; i++) {
		struct json_object *c = json_object_new_object();

		JADD(c, "cpu", JU64(cpus[i].cpu));
		JADD(c, "core", json_object_new_int(cpus[i].core));
		JADD(c, "package", json_object_new_int(cpus[i].package));
		JADD(c, "numa_node", json_object_new_int(cpus[i].numa_node));
		JADD(c, "smt", json_object_new_int(cpus[i].smt));
		json_object_array_add(a, c);
	}
	return a;
}

static struct json_object *environment_json(const struct report *r)
{
	struct json_object *e = json_object_new_object(), *a;
	const char *s;
	struct utsname u;
	char host[256];

	if ((s = getenv("IOPF_DESIGN")) && *s)
		JADD(e, "design", JSTR(s));
	if ((s = getenv("IOPF_FLAVOR")) && *s)
		JADD(e, "flavor", JSTR(s));
	if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = 0;
		JADD(e, "hostname", JSTR(host));
	}
	if (!uname(&u))
		JADD(e, "kernel_release", JSTR(u.release));
	a = json_object_new_array();
	for (int i = 0; i < r->argc; i++)
		json_object_array_add(a, JSTR(r->argv[i]));
	JADD(e, "command_line", a);
	if (r->topo)
		JADD(e, "topology", topo_json(r->topo));
	if (r->cpus)
		JADD(e, "cpus", cpus_json(r->cpus, r->ncpus));
	if (r->irq_cpus)
		JADD(e, "irq_cpus", cpus_json(r->irq_cpus, r->nirq_cpus));
	if (r->wq_before || r->wq_written) {
		a = json_object_new_object();
		JADD(a, "before", r->wq_before ? JSTR(r->wq_before) : NULL);
		JADD(a, "written", json_object_new_boolean(r->wq_written));
		JADD(e, "wq_cpumask", a);
	}
	return e;
}

static uint32_t effective_credit(const struct report *r)
{
	const struct bench_opts *o = r->opts;
	uint32_t c, streams = 1 + o->pasids;

	if (r->res && r->res->credit)
		return r->res->credit;
	if (o->credit)
		return o->credit;
	/*
	 * The module's default: max(open groups, streams, 64), at most the
	 * maximum; the streams are the PASIDs alone where the model faults on
	 * PASIDs only (the module's VERSION says which, ABI 7).
	 */
	if (o->pasids && r->ver && r->ver->abi_version >= 7 && (r->ver->pasid_only_models & (1u << o->model)))
		streams = o->pasids;
	c = o->open_groups > streams ? o->open_groups : streams;
	c = c > 64 ? c : 64;
	return c < IOPF_BENCH_MAX_CREDIT ? c : IOPF_BENCH_MAX_CREDIT;
}

/* The PRQ depth the module uses: its echo, else what the settings make of the default. */
static uint32_t effective_prq_depth(const struct report *r)
{
	if (r->res && r->res->abi_version >= 2)
		return r->res->prq_depth;
	if (!model_has_reporter(r->opts->model))
		return 0;
	return r->opts->prq_depth ? r->opts->prq_depth : IOPF_BENCH_PRQ_DEPTH_DEFAULT;
}

/*
 * Page request group indexes: the module's echo, else the model's: 9 bits
 * (the PCIe PRG index) in vtd and amd, 16 in smmuv3-stall (the stall tag,
 * STAG), 32 in direct.
 */
static uint32_t effective_grpid_bits(const struct report *r)
{
	if (r->res && r->res->abi_version >= 2)
		return r->res->grpid_bits;
	switch (r->opts->model) {
	case IOPF_BENCH_MODEL_VTD:
	case IOPF_BENCH_MODEL_AMD:
		return IOPF_BENCH_PRG_INDEX_BITS;
	case IOPF_BENCH_MODEL_SMMUV3_STALL:
		return 16;
	default:
		return 32;
	}
}

/* The model that ran: the module's echo (ABI 2), else the settings'. */
static const char *effective_model(const struct report *r)
{
	if (r->res && r->res->abi_version >= 2)
		return results_model_name(r->res);
	return enum_name(model_names, r->opts->model);
}

/*
 * The reporters' scheduling: the module's echo (an ABI 2..6 module's
 * reporters ran SCHED_NORMAL), else the settings'. NULL: no reporter.
 */
static const char *effective_reporter_prio(const struct report *r)
{
	if (r->res && r->res->abi_version >= 2)
		return results_reporter_prio(r->res);
	if (!model_has_reporter(r->opts->model))
		return NULL;
	return enum_name(reporter_prio_names, r->opts->reporter_prio);
}

/*
 * How the vtd reporter wakes the drains: the module's echo, else the
 * settings'. NULL: not the vtd model.
 */
static const char *effective_vtd_wake(const struct report *r)
{
	if (r->res && r->res->abi_version >= 2)
		return results_vtd_wake(r->res);
	if (r->opts->model != IOPF_BENCH_MODEL_VTD)
		return NULL;
	return enum_name(vtd_wake_names, r->opts->vtd_wake);
}

/* Every effective setting, from the option table. */
/* The synthetic regression knob (ABI 4; module parameters regress_*_ns): null before ABI 4. */
static struct json_object *regress_json(const struct iopf_bench_results *s)
{
	struct json_object *g;

	if (!s || s->abi_version < 4)
		return NULL;
	g = json_object_new_object();
	JADD(g, "report_ns", JU64(s->regress_report_ns));
	JADD(g, "response_ns", JU64(s->regress_response_ns));
	return g;
}

static struct json_object *config_json(const struct report *r)
{
	struct json_object *c = json_object_new_object();
	const struct bench_opts *o = r->opts;

	if (!o) {
		/* `results`: only what the module echoes. */
		const struct iopf_bench_results *s = r->res;

		if (!s)
			return c;
		JADD(c, "handler", JSTR(enum_name(handler_names, s->handler)));
		JADD(c, "pacing", JSTR(enum_name(pacing_names, s->pacing)));
		JADD(c, "group_size", JU64(s->group_size));
		JADD(c, "open_groups", JU64(s->open_groups));
		JADD(c, "credit", JU64(s->credit));
		JADD(c, "devices", JU64(s->nr_devices));
		JADD(c, "pasids", JU64(s->pasids));
		JADD(c, "injectors", JU64(s->nr_injectors));
		JADD(c, "unbinders", JU64(s->nr_unbinders));
		JADD(c, "no_timestamps", json_object_new_boolean(s->run_flags & IOPF_BENCH_RUN_NO_TIMESTAMPS));
		JADD(c, "service_sleep", json_object_new_boolean(s->run_flags & IOPF_BENCH_RUN_SERVICE_SLEEP));
		JADD(c, "target_rate_per_s", JU64(s->target_rate_per_s));
		if (!has_driver_model(s))
			return c;
		JADD(c, "model", JSTR(results_model_name(s)));
		JADD(c, "reporter_prio", results_reporter_prio(s) ? JSTR(results_reporter_prio(s)) : NULL);
		JADD(c, "vtd_wake", results_vtd_wake(s) ? JSTR(results_vtd_wake(s)) : NULL);
		JADD(c, "pasid_only", json_object_new_boolean(results_pasid_only(s)));
		JADD(c, "iommus", JU64(s->nr_iommus));
		JADD(c, "prq_depth", JU64(s->prq_depth));
		JADD(c, "response_ns", JU64(s->response_ns));
		JADD(c, "defer_ns", JU64(s->defer_ns));
		JADD(c, "grpid_bits", JU64(s->grpid_bits));
		JADD(c, "regress", regress_json(s));
		return c;
	}
	for (unsigned int i = 0; i < bench_nr_options; i++) {
		const struct bench_option *op = &bench_options[i];
		const void *f = (const char *)o + op->off;
		struct json_object *v = NULL;

		if (!op->json || !(op->cmds & CMDF(CMD_RUN)))
			continue;
		switch (op->type) {
		case OPT_UINT:
			v = JU64(*(const uint32_t *)f);
			break;
		case OPT_U64:
		case OPT_DURATION:
			v = JU64(*(const uint64_t *)f);
			break;
		case OPT_ENUM:
			v = JSTR(enum_name(op->enums, *(const uint32_t *)f));
			break;
		case OPT_FLAG:
			v = json_object_new_boolean(*(const bool *)f);
			break;
		case OPT_STRING:
			v = *(const char *const *)f ? JSTR(*(const char *const *)f) : NULL;
			break;
		case OPT_CPULIST: {
			const struct cpu_list *l = f;

			v = json_object_new_array();
			for (unsigned int k = 0; k < l->n; k++)
				json_object_array_add(v, JU64(l->cpu[k]));
			break;
		}
		case OPT_PCTLIST:
			continue;
		}
		JADD(c, op->json, v);
	}
	/* What the module made of the defaults. */
	JADD(c, "credit", JU64(effective_credit(r)));
	JADD(c, "injectors", JU64(r->res && r->res->nr_injectors ? r->res->nr_injectors :
				  o->cpus.n ? o->cpus.n : o->injectors));
	if (o->pacing == IOPF_BENCH_PACE_CLOSED)
		JADD(c, "rate_per_s", JU64(0));
	JADD(c, "prq_depth", JU64(effective_prq_depth(r)));
	JADD(c, "grpid_bits", JU64(effective_grpid_bits(r)));
	JADD(c, "model", JSTR(effective_model(r)));
	JADD(c, "reporter_prio", effective_reporter_prio(r) ? JSTR(effective_reporter_prio(r)) : NULL);
	JADD(c, "vtd_wake", effective_vtd_wake(r) ? JSTR(effective_vtd_wake(r)) : NULL);
	if (r->res && r->res->abi_version >= 2) {
		JADD(c, "pasid_only", json_object_new_boolean(results_pasid_only(r->res)));
		JADD(c, "iommus", JU64(r->res->nr_iommus));
		JADD(c, "response_ns", JU64(r->res->response_ns));
		JADD(c, "defer_ns", JU64(r->res->defer_ns));
	}
	JADD(c, "regress", regress_json(r->res));
	return c;
}

static struct json_object *error_json(const struct report *r)
{
	struct json_object *e = json_object_new_object();

	if (r->error) {
		JADD(e, "source", JSTR("bench"));
		JADD(e, "errno", json_object_new_int(r->error_errno));
		JADD(e, "errno_name", r->error_errno ? JSTR(errno_name(r->error_errno)) : NULL);
		JADD(e, "message", JSTR(r->error_msg));
	} else {
		int err = r->res->error < 0 ? -r->res->error : r->res->error;

		JADD(e, "source", JSTR("module"));
		JADD(e, "errno", json_object_new_int(err));
		JADD(e, "errno_name", err ? JSTR(errno_name(err)) : NULL);
		JADD(e, "message", JSTR(err ? strerror(err) : "the run ended on an error"));
	}
	return e;
}

/* The driver model's counters (ABI 2; whole run unless said otherwise), at the root. */
static void driver_json(struct json_object *root, const struct report *r, const struct iopf_bench_results *s)
{
	struct json_object *o;

	o = json_object_new_object();
	JADD(o, "overflows", JU64(s->prq_overflows));
	JADD(o, "dropped", JU64(s->prq_dropped));
	JADD(o, "dropped_last", JU64(s->prq_dropped_last));
	JADD(o, "discards", JU64(s->prq_discards));
	JADD(o, "max_fill", JU64(s->prq_max_fill));
	JADD(root, "prq", o);
	o = json_object_new_object();
	JADD(o, "checked", JU64(s->checked_groups));
	JADD(o, "incomplete", JU64(s->incomplete_groups));
	JADD(o, "violations", JU64(s->viol_group));
	JADD(root, "group_check", o);
	o = json_object_new_object();
	JADD(o, "groups", JU64(s->deferred_groups));
	JADD(o, "late_answers", JU64(s->late_answers));
	if (s->abi_version >= 7)	/* ABI 7: the group index is reused as hardware would */
		JADD(o, "late_collisions", JU64(s->late_collisions));
	JADD(root, "deferred", o);
	o = json_object_new_object();
	JADD(o, "reports_by_reporters", JU64(s->reports_by_reporters));
	JADD(o, "reports_by_others", JU64(s->reports_by_others));
	JADD(o, "window_requests", JU64(s->reporter_requests));	/* the measured window */
	JADD(o, "cpu_ns", JU64(s->reporter_cpu_ns));
	JADD(o, "cpu_ns_per_request",
	     s->reporter_requests ? JU64(s->reporter_cpu_ns / s->reporter_requests) : NULL);
	JADD(root, "reporters", o);
	o = json_object_new_object();
	JADD(o, "flushes", JU64(s->detach_flushes));
	JADD(o, "drained", JU64(s->detach_drained));
	JADD(o, "groups_during_pasid_unbind", JU64(s->groups_during_unbind));	/* the window */
	JADD(o, "flush_latency_ns", lat_json(r, IOPF_BENCH_HIST_FLUSH));	/* whole run */
	JADD(root, "detach", o);
}

struct json_object *report_json(const struct report *r)
{
	struct json_object *root = json_root(r->now), *o;
	const struct iopf_bench_results *s = r->res;
	const char *status = report_status(r);

	JADD(root, "command", JSTR(r->cmd));
	JADD(root, "status", JSTR(status));
	if (r->skip_reason)
		JADD(root, "skip_reason", JSTR(r->skip_reason));
	if (r->error || (s && s->status == IOPF_BENCH_RESULT_ERROR))
		JADD(root, "error", error_json(r));
	if (s) {
		JADD(root, "run_id", JU64(s->run_id));
		JADD(root, "window_ns", JU64(s->window_ns));
		JADD(root, "requests", JU64(s->requests));
		JADD(root, "partial_requests", JU64(s->partial_requests));
		JADD(root, "groups", JU64(s->groups));
		JADD(root, "responses", JU64(s->responses));
		JADD(root, "aborts", JU64(s->aborts));
		JADD(root, "rate_per_s", JU64(s->rate_per_s));
		JADD(root, "target_rate_per_s", JU64(s->target_rate_per_s));
		JADD(root, "group_rate_per_s", JU64(s->group_rate_per_s));
		for (unsigned int i = 0; i < sizeof(window_lats) / sizeof(window_lats[0]); i++)
			if (has_hist(s, window_lats[i].h))
				JADD(root, window_lats[i].json, lat_json(r, window_lats[i].h));

		o = json_object_new_object();
		JADD(o, "success", JU64(s->resp_success));
		JADD(o, "invalid", JU64(s->resp_invalid));
		JADD(o, "failure", JU64(s->resp_failure));
		JADD(root, "responses_by_code", o);
		o = json_object_new_object();	/* whole run */
		JADD(o, "handler", JU64(s->from_handler));
		JADD(o, "abort", JU64(s->from_abort));
		JADD(o, "no_handler", JU64(s->from_no_handler));
		JADD(o, "remove", JU64(s->from_remove));
		JADD(o, "hw", JU64(s->from_hw));
		JADD(root, "responses_by_source", o);

		JADD(root, "invariant_violations", JU64(s->violations));
		o = json_object_new_object();
		JADD(o, "unexpected", JU64(s->viol_unexpected));
		JADD(o, "late", JU64(s->viol_late));
		JADD(o, "lost", JU64(s->viol_lost));
		JADD(o, "group", JU64(s->viol_group));
		JADD(root, "violations", o);

		o = json_object_new_object();	/* whole run, warm-up included */
		JADD(o, "requests", JU64(s->total_requests));
		JADD(o, "groups", JU64(s->total_groups));
		JADD(o, "responses", JU64(s->total_responses));
		JADD(root, "totals", o);
		JADD(root, "failed_groups", JU64(s->failed_groups));
		JADD(root, "abandoned_groups", JU64(s->abandoned_groups));
		JADD(root, "discarded_partials", JU64(s->discarded_partials));
		JADD(root, "restarted_groups", JU64(s->restarted_groups));
		JADD(root, "report_errors", JU64(s->report_errors));
		JADD(root, "stalls", JU64(s->stalls));

		if (has_driver_model(s))
			driver_json(root, r, s);

		if (unbinders_ran(r)) {
			o = json_object_new_object();
			JADD(o, "cycles", JU64(s->unbind_cycles));
			JADD(o, "errors", JU64(s->unbind_errors));
			JADD(o, "latency_ns", lat_json(r, IOPF_BENCH_HIST_UNBIND));
			JADD(o, "rebind_latency_ns", lat_json(r, IOPF_BENCH_HIST_REBIND));
			JADD(root, "unbind", o);
			JADD(root, "rebind_latency_ns", lat_json(r, IOPF_BENCH_HIST_REBIND));
		}

		JADD(root, "clock", JSTR(clock_name(s)));
		JADD(root, "injector_cpu_ns", JU64(s->injector_cpu_ns));
		JADD(root, "injector_cpu_per_request_ns",
		     JU64(s->requests ? s->injector_cpu_ns / s->requests : 0));
		if (s->window_ns && s->nr_injectors) {
			char buf[32];
			double u = (double)s->injector_cpu_ns / ((double)s->window_ns * s->nr_injectors);

			snprintf(buf, sizeof(buf), "%.4f", u);
			JADD(root, "injector_cpu_utilization", json_object_new_double_s(u, buf));
		}
	}
	if (r->timeseries)
		JADD(root, "timeseries", json_object_get(r->timeseries));
	JADD(root, "config", config_json(r));
	if (r->ver)
		JADD(root, "module", module_json(r->ver));
	JADD(root, "environment", environment_json(r));
	return root;
}

struct json_object *report_hist_json(const struct report *r)
{
	struct json_object *root = json_root(r->now), *l, *hs;

	JADD(root, "command", JSTR(r->cmd));
	if (r->res)
		JADD(root, "run_id", JU64(r->res->run_id));
	l = json_object_new_object();
	JADD(l, "sub_bits", JU64(r->layout.sub_bits));
	JADD(l, "max_bits", JU64(r->layout.max_bits));
	JADD(l, "nr_buckets", JU64(r->layout.nr_buckets));
	JADD(root, "layout", l);
	hs = json_object_new_object();
	for (unsigned int h = 0; h < IOPF_BENCH_HIST_NR; h++) {
		const uint64_t *b = hist_of(r, h);
		struct json_object *o = json_object_new_object(), *a = json_object_new_array();
		const struct iopf_bench_latency *lat = r->res ? report_latency(r->res, h) : NULL;

		if (!b)
			break;
		/* One an older module does not have (its place in the buffer is zeros). */
		if (r->res && !has_hist(r->res, h)) {
			json_object_put(o);
			json_object_put(a);
			continue;
		}
		for (uint32_t k = 0; k < r->layout.nr_buckets; k++) {
			struct json_object *e;
			uint64_t lo, hi;

			if (!b[k])
				continue;
			hist_bucket_bounds(&r->layout, k, &lo, &hi);
			e = json_object_new_object();
			JADD(e, "lo_ns", JU64(lo));
			JADD(e, "hi_ns", JU64(hi));
			JADD(e, "count", JU64(b[k]));
			json_object_array_add(a, e);
		}
		JADD(o, "count", JU64(hist_total(&r->layout, b)));
		if (lat && lat->count) {
			JADD(o, "min_ns", JU64(lat->min_ns));
			JADD(o, "max_ns", JU64(lat->max_ns));
		}
		JADD(o, "buckets", a);
		JADD(hs, hist_name(h), o);
	}
	JADD(root, "histograms", hs);
	return root;
}

/* ------------------------------------------------------------------------ */
/* Human summary */

static void lat_row(FILE *f, const char *name, const struct iopf_bench_latency *l)
{
	const uint64_t v[] = { l->min_ns, l->mean_ns, l->p50_ns, l->p90_ns, l->p99_ns, l->p999_ns, l->max_ns };
	char buf[32];

	fprintf(f, "  %-20s %10llu", name, U(l->count));
	for (unsigned int i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (l->count)
			fmt_ns(v[i], buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "-");
		fprintf(f, " %9s", buf);
	}
	fputc('\n', f);
}

static void extra_pcts(FILE *f, const struct report *r, const char *name, unsigned int h)
{
	const uint64_t *b = hist_of(r, h);
	const struct iopf_bench_latency *l = report_latency(r->res, h);
	bool first = true;

	if (!b || !l->count)
		return;
	for (unsigned int i = 0; i < r->pcts.n; i++) {
		uint32_t p = r->pcts.ppm[i];
		char pn[16], v[32];

		if (p == 500000 || p == 900000 || p == 990000 || p == 999000)
			continue;	/* in the table already */
		pct_name(p, pn, sizeof(pn));
		fmt_ns(hist_percentile(&r->layout, b, l->min_ns, l->max_ns, p), v, sizeof(v));
		fprintf(f, "%s%s %s", first ? "  " : ", ", pn, v);
		if (first)
			first = false;
	}
	if (!first)
		fprintf(f, "  (%s, from the histogram)\n", name);
}

static void config_text(FILE *f, const struct report *r)
{
	const struct bench_opts *o = r->opts;
	int col = 0;

	fprintf(f, "config:");
	col = 7;
	if (!o) {
		const struct iopf_bench_results *s = r->res;

		fprintf(f, " handler=%s pacing=%s group-size=%u open-groups=%u credit=%u devices=%u "
			"pasids=%u injectors=%u unbinders=%u%s%s\n",
			enum_name(handler_names, s->handler), enum_name(pacing_names, s->pacing),
			s->group_size, s->open_groups, s->credit, s->nr_devices, s->pasids,
			s->nr_injectors, s->nr_unbinders,
			s->run_flags & IOPF_BENCH_RUN_NO_TIMESTAMPS ? " no-timestamps" : "",
			s->run_flags & IOPF_BENCH_RUN_SERVICE_SLEEP ? " service-sleep" : "");
		if (has_driver_model(s)) {
			const char *prio = results_reporter_prio(s), *wake = results_vtd_wake(s);

			fprintf(f, "        model=%s%s%s%s%s%s iommus=%u prq-depth=%u response-ns=%u defer-ns=%u "
				"grpid-bits=%u\n", results_model_name(s), prio ? " reporter-prio=" : "",
				prio ? prio : "", wake ? " vtd-wake=" : "", wake ? wake : "",
				results_pasid_only(s) ? " pasid-only" : "", s->nr_iommus,
				s->prq_depth, s->response_ns, s->defer_ns, s->grpid_bits);
		}
		return;
	}
	for (unsigned int i = 0; i < bench_nr_options; i++) {
		const struct bench_option *op = &bench_options[i];
		const void *fp = (const char *)o + op->off;
		char val[160];

		if (!op->json || !(op->cmds & CMDF(CMD_START)))
			continue;
		switch (op->type) {
		case OPT_UINT:
			if (!strcmp(op->name, "credit"))
				snprintf(val, sizeof(val), "%u", effective_credit(r));
			else if (!strcmp(op->name, "prq-depth"))
				snprintf(val, sizeof(val), "%u", effective_prq_depth(r));
			else
				snprintf(val, sizeof(val), "%u", *(const uint32_t *)fp);
			break;
		case OPT_U64:
			snprintf(val, sizeof(val), "%llu", U(*(const uint64_t *)fp));
			break;
		case OPT_DURATION:
			fmt_duration_ms(*(const uint64_t *)fp, val, sizeof(val));
			break;
		case OPT_ENUM:
			if (!strcmp(op->name, "reporter-prio") || !strcmp(op->name, "vtd-wake"))
				continue;	/* with the model, below */
			if (!strcmp(op->name, "model")) {
				/*
				 * The model with what goes with it, on one line: its
				 * reporters' scheduling (none in direct), how vtd's
				 * reporter wakes the drains (vtd only) and, from the
				 * module's echo, whether its devices faulted on
				 * PASIDs only.
				 */
				const char *prio = effective_reporter_prio(r), *wake = effective_vtd_wake(r);

				snprintf(val, sizeof(val), "%s%s%s%s%s%s", effective_model(r),
					 prio ? " reporter-prio=" : "", prio ? prio : "",
					 wake ? " vtd-wake=" : "", wake ? wake : "",
					 r->res && has_driver_model(r->res) && results_pasid_only(r->res) ?
					 " pasid-only" : "");
			} else {
				snprintf(val, sizeof(val), "%s", enum_name(op->enums, *(const uint32_t *)fp));
			}
			break;
		case OPT_FLAG:
			if (!*(const bool *)fp)
				continue;
			val[0] = 0;
			break;
		case OPT_CPULIST: {
			const struct cpu_list *l = fp;
			size_t n = 0;

			val[0] = 0;
			for (unsigned int k = 0; k < l->n && n < sizeof(val); k++)
				n += snprintf(val + n, sizeof(val) - n, "%s%u", k ? "," : "", l->cpu[k]);
			break;
		}
		default:
			continue;
		}
		/*
		 * Unbind settings only matter with unbinders; rate only in open
		 * loop; the defer time only with the deferring handlers (defer,
		 * iommufd); the queue only
		 * in the models that have one (all but direct); no IRQ CPUs means
		 * the module's placement.
		 */
		if ((!strncmp(op->name, "unbind-", 7) && !o->unbinders) ||
		    (!strcmp(op->name, "rate") && o->pacing == IOPF_BENCH_PACE_CLOSED) ||
		    (!strcmp(op->name, "defer-ns") && !handler_defers(o->handler)) ||
		    (!strcmp(op->name, "prq-depth") && !model_has_reporter(o->model)) ||
		    (!strcmp(op->name, "irq-cpus") && !o->irq_cpus.n) ||
		    (!strcmp(op->name, "placement") && o->placement == TOPO_PLACE_DEFAULT))
			continue;
		if (col + strlen(op->name) + strlen(val) + 2 > 100) {
			fprintf(f, "\n       ");
			col = 7;
		}
		col += fprintf(f, " %s%s%s", op->name, val[0] ? "=" : "", val);
	}
	fputc('\n', f);
}

/* The driver model's counters (ABI 2): PRQ, group contents, deferred answers, reporters, detach. */
static void driver_text(FILE *f, const struct iopf_bench_results *s)
{
	char a[32], b[32], dfr[32];

	if (s->defer_ns)
		fmt_ns(s->defer_ns, dfr, sizeof(dfr));
	else
		snprintf(dfr, sizeof(dfr), "-");
	fmt_ns(s->response_ns, a, sizeof(a));
	fprintf(f, "driver: model %s", results_model_name(s));
	if (results_reporter_prio(s))
		fprintf(f, " (reporters %s%s%s%s)", results_reporter_prio(s),
			results_vtd_wake(s) ? ", drains woken " : "",
			!results_vtd_wake(s) ? "" : s->run_flags & IOPF_BENCH_RUN_VTD_WAKE_ALL ?
			"all per pass: vtd-wake all, not VT-d's code" : "one per pass",
			results_pasid_only(s) ? "; PASIDs only: the driver rejects PASID-less requests" : "");
	fprintf(f, ", %u IOMMU%s, PRQ depth %u, %u-bit grpids, page_response busy %s, defer %s\n",
		s->nr_iommus, s->nr_iommus == 1 ? "" : "s", s->prq_depth, s->grpid_bits, a, dfr);
	if (s->abi_version >= 4 && (s->regress_report_ns || s->regress_response_ns))
		fprintf(f, "SYNTHETIC REGRESSION KNOB ON: +%u ns per report, +%u ns per page response "
			"(module parameters regress_report_ns, regress_response_ns)\n", s->regress_report_ns,
			s->regress_response_ns);
	fprintf(f, "PRQ: overflows %llu, dropped %llu (last %llu, answered by the hardware), discards %llu, "
		"max fill %llu", U(s->prq_overflows), U(s->prq_dropped), U(s->prq_dropped_last),
		U(s->prq_discards), U(s->prq_max_fill));
	if (s->prq_depth)
		fprintf(f, " of %u", s->prq_depth);
	fputc('\n', f);
	fprintf(f, "group contents: checked %llu, incomplete %llu (short after PRQ drops, not a "
		"violation), violations %llu\n", U(s->checked_groups), U(s->incomplete_groups), U(s->viol_group));
	/*
	 * The deferring handlers (defer, iommufd): an answer that comes after
	 * the device's IOPF was torn down (remove_device answered the group
	 * INVALID) is ignored by the device: late, not a violation.
	 */
	if (s->deferred_groups || s->late_answers) {
		fprintf(f, "deferred: %llu groups, %llu answers after the device's IOPF was torn down (late "
			"answers: remove_device had answered them; ignored by the device)",
			U(s->deferred_groups), U(s->late_answers));
		if (s->abi_version >= 7)
			fprintf(f, ", %llu of them with the index of a newer group (late collisions)",
				U(s->late_collisions));
		fputc('\n', f);
	} else
		fprintf(f, "deferred: 0 groups\n");
	fmt_ns(s->reporter_cpu_ns, a, sizeof(a));
	if (s->reporter_requests)
		fmt_ns(s->reporter_cpu_ns / s->reporter_requests, b, sizeof(b));
	else
		snprintf(b, sizeof(b), "-");
	fprintf(f, "reporters: %llu reports by the reporter threads, %llu by others; window: %llu requests, "
		"CPU %s, %s per request\n", U(s->reports_by_reporters), U(s->reports_by_others),
		U(s->reporter_requests), a, b);
	fprintf(f, "detach: %llu flushes, %llu PRQ entries drained; %llu groups sent on other streams during PASID unbinds\n",
		U(s->detach_flushes), U(s->detach_drained), U(s->groups_during_unbind));
}

void report_text(FILE *f, const struct report *r)
{
	const struct iopf_bench_results *s = r->res;
	const char *status = report_status(r);
	const char *d = getenv("IOPF_DESIGN"), *fl = getenv("IOPF_FLAVOR");
	char a[32], b[32];

	fprintf(f, "iopf-bench %s %s", BENCH_TOOL_VERSION, r->cmd);
	if (s)
		fprintf(f, ": run %llu", U(s->run_id));
	if (r->ver)
		fprintf(f, " on %s (module %s, abi %u, mock %s)", r->ver->kernel_release,
			r->ver->module_version, r->ver->abi_version, mock_kind_name(r->ver->mock_kind));
	if (d && *d)
		fprintf(f, ", design %s%s%s", d, fl && *fl ? "/" : "", fl && *fl ? fl : "");
	fputc('\n', f);
	if (r->opts || s)
		config_text(f, r);
	if (r->topo) {
		fprintf(f, "topology: %u package%s, %u cores, %u PUs, %u NUMA node%s; usable CPUs %s",
			r->topo->packages, r->topo->packages == 1 ? "" : "s", r->topo->cores, r->topo->pus,
			r->topo->numa_nodes, r->topo->numa_nodes == 1 ? "" : "s", r->topo->usable);
		if (r->topo->emulated > 0)
			fprintf(f, " (emulated: a virtual machine's%s%s)", r->topo->hypervisor[0] ? ", " : "",
				r->topo->hypervisor);
		fputc('\n', f);
	}
	if (r->irq_cpus && r->nirq_cpus) {
		fprintf(f, "IRQ CPUs (reporters):");
		for (unsigned int i = 0; i < r->nirq_cpus; i++)
			fprintf(f, "%s CPU %u (core %d, package %d%s)", i ? "," : "", r->irq_cpus[i].cpu,
				r->irq_cpus[i].core, r->irq_cpus[i].package, r->irq_cpus[i].smt ? ", SMT sibling" : "");
		fputc('\n', f);
	}
	if (r->cpus && r->ncpus) {
		fprintf(f, "injectors:");
		for (unsigned int i = 0; i < r->ncpus; i++)
			fprintf(f, "%s CPU %u (core %d, package %d%s)", i ? "," : "", r->cpus[i].cpu,
				r->cpus[i].core, r->cpus[i].package, r->cpus[i].smt ? ", SMT sibling" : "");
		fputc('\n', f);
	}
	if (r->opts && r->opts->wq_cpus) {
		fprintf(f, "workqueue cpumask: %s", r->opts->wq_cpus);
		if (r->wq_written)
			fprintf(f, " (set for this run; was %s)", r->wq_before ? r->wq_before : "unknown");
		fputc('\n', f);
	}
	if (r->error)
		fprintf(f, "ERROR: %s\n", r->error_msg);
	if (!s) {
		fprintf(f, "End of test: ERROR\n");
		return;
	}
	if (s->violations)
		fprintf(f, "*** INVARIANT VIOLATED: %llu violation%s (unexpected %llu"
			", late %llu, lost %llu, group %llu) ***\n", U(s->violations),
			U(s->violations) == 1 ? "" : "s", U(s->viol_unexpected), U(s->viol_late), U(s->viol_lost),
			U(s->viol_group));
	if (s->status == IOPF_BENCH_RESULT_ERROR)
		fprintf(f, "ERROR: the run ended on an error: %s (%s)\n", errno_name(s->error),
			strerror(s->error < 0 ? -s->error : s->error));

	fmt_ns(s->window_ns, a, sizeof(a));
	fprintf(f, "window: %s; requests %llu (partial %llu), groups %llu"
		", responses %llu\n", a, U(s->requests), U(s->partial_requests), U(s->groups), U(s->responses));
	if (s->target_rate_per_s) {
		double pct = 100.0 * (double)s->rate_per_s / (double)s->target_rate_per_s;

		fprintf(f, "rate: %llu requests/s of %llu targeted (%.1f%%), %llu"
			" groups/s\n", U(s->rate_per_s), U(s->target_rate_per_s), pct, U(s->group_rate_per_s));
	} else {
		fprintf(f, "rate: %llu requests/s (closed loop), %llu groups/s\n",
			U(s->rate_per_s), U(s->group_rate_per_s));
	}
	fprintf(f, "responses by code: success %llu, invalid %llu, failure %llu\n",
		U(s->resp_success), U(s->resp_invalid), U(s->resp_failure));
	fprintf(f, "responses by source (whole run): handler %llu, abort %llu"
		", no handler %llu, remove_device %llu, hardware %llu\n",
		U(s->from_handler), U(s->from_abort), U(s->from_no_handler), U(s->from_remove),
		U(s->from_hw));
	fprintf(f, "aborts %llu, report errors %llu, stalls %llu, failed groups %"
		"llu, abandoned %llu, discarded partials %llu, restarted %llu\n",
		U(s->aborts), U(s->report_errors), U(s->stalls), U(s->failed_groups), U(s->abandoned_groups),
		U(s->discarded_partials), U(s->restarted_groups));
	fprintf(f, "whole run: requests %llu, groups %llu, responses %llu\n",
		U(s->total_requests), U(s->total_groups), U(s->total_responses));
	if (has_driver_model(s))
		driver_text(f, s);

	if (s->run_flags & IOPF_BENCH_RUN_NO_TIMESTAMPS) {
		fprintf(f, "latency: not measured (--no-timestamps)\n");
	} else {
		char hdr[32];

		snprintf(hdr, sizeof(hdr), "latency [%s]", clock_name(s));
		fprintf(f, "%-22s %10s %9s %9s %9s %9s %9s %9s %9s\n", hdr, "count", "min", "mean",
			"p50", "p90", "p99", "p99.9", "max");
		for (unsigned int i = 0; i < sizeof(window_lats) / sizeof(window_lats[0]); i++)
			if (has_hist(s, window_lats[i].h))
				lat_row(f, window_lats[i].label, report_latency(s, window_lats[i].h));
		if (unbinders_ran(r)) {
			lat_row(f, "unbind", &s->lat_unbind);
			lat_row(f, "rebind", &s->lat_rebind);
		}
		if (has_driver_model(s) && s->lat_flush.count)
			lat_row(f, "detach flush", &s->lat_flush);
		extra_pcts(f, r, window_lats[0].label, IOPF_BENCH_HIST_RESPONSE);
		/* The in-flush rows in full, with their (small) sample counts. */
		for (unsigned int i = 0; i < sizeof(window_lats) / sizeof(window_lats[0]); i++)
			if (window_lats[i].name && has_hist(s, window_lats[i].h))
				fprintf(f, "  %-20s = %s, n=%llu\n", window_lats[i].label, window_lats[i].name,
					U(report_latency(s, window_lats[i].h)->count));
	}
	if (unbinders_ran(r))
		fprintf(f, "unbind: %llu cycles, %llu errors (%u unbinders)\n",
			U(s->unbind_cycles), U(s->unbind_errors), s->nr_unbinders);
	fprintf(f, "invariant violations: %llu (unexpected %llu, late %llu"
		", lost %llu, group %llu)%s\n", U(s->violations), U(s->viol_unexpected), U(s->viol_late),
		U(s->viol_lost), U(s->viol_group), U(s->violations) ? "  <-- INVARIANT VIOLATED" : "");
	fmt_ns(s->injector_cpu_ns, a, sizeof(a));
	if (s->requests)
		fmt_ns(s->injector_cpu_ns / s->requests, b, sizeof(b));
	else
		snprintf(b, sizeof(b), "-");
	fprintf(f, "injector CPU: %s", a);
	if (s->window_ns && s->nr_injectors)
		fprintf(f, " (%.1f%% of %u injector%s over the window)",
			100.0 * (double)U(s->injector_cpu_ns) / ((double)U(s->window_ns) * s->nr_injectors),
			s->nr_injectors, s->nr_injectors == 1 ? "" : "s");
	fprintf(f, ", %s per request\n", b);
	fprintf(f, "End of test: %s\n", !strcmp(status, "success") ? "SUCCESS" :
		!strcmp(status, "failure") ? "FAILURE" : "ERROR");
}

/* ------------------------------------------------------------------------ */

struct json_object *version_json(const struct iopf_bench_version *v, time_t now)
{
	struct json_object *root = json_root(now), *o;

	JADD(root, "command", JSTR("version"));
	JADD(root, "module", module_json(v));
	o = json_object_new_object();
	JADD(o, "group_size", JU64(v->max_group_size));
	JADD(o, "open_groups", JU64(v->max_open_groups));
	JADD(o, "credit", JU64(v->max_credit));
	JADD(o, "devices", JU64(v->max_devices));
	JADD(o, "pasids", JU64(v->max_pasids));
	JADD(o, "injectors", JU64(v->max_injectors));
	JADD(o, "unbinders", JU64(v->max_unbinders));
	JADD(o, "service_ns", JU64(v->max_service_ns));
	JADD(o, "nr_cpu_ids", JU64(v->nr_cpu_ids));
	JADD(o, "iommus", JU64(v->max_iommus));
	JADD(o, "prq_depth", JU64(v->max_prq_depth));
	JADD(o, "response_ns", JU64(v->max_response_ns));
	if (v->abi_version >= 3) {	/* the time-series stream */
		JADD(o, "ts_interval_ns_min", JU64(v->min_ts_interval_ns));
		JADD(o, "ts_interval_ns_max", JU64(v->max_ts_interval_ns));
		JADD(o, "ts_ring_kib", JU64(v->max_ts_ring_kib));
	}
	JADD(root, "limits", o);
	o = json_object_new_object();
	JADD(o, "sub_bits", JU64(v->hist_sub_bits));
	JADD(o, "max_bits", JU64(v->hist_max_bits));
	JADD(o, "nr_buckets", JU64(v->hist_nr_buckets));
	JADD(o, "nr_histograms", JU64(v->hist_nr));
	JADD(root, "histograms", o);
	return root;
}

void version_text(FILE *f, const struct iopf_bench_version *v)
{
	static const char *const caps[] = { "iopf", "pasid", "timestamps", "unbind", "stream" };
	bool any = false;

	fprintf(f, "module: iopf_bench %s, abi %u, kernel %s\n", v->module_version, v->abi_version,
		v->kernel_release);
	fprintf(f, "mock: %s\ncaps:", mock_kind_name(v->mock_kind));
	for (unsigned int i = 0; i < 5; i++)
		if (v->caps & (1u << i)) {
			fprintf(f, " %s", caps[i]);
			any = true;
		}
	fprintf(f, "%s\nhandlers:", any ? "" : " none");
	any = false;
	for (const struct opt_enum *e = handler_names; e->name; e++)
		if (v->handlers & (1u << e->value)) {
			fprintf(f, " %s", e->name);
			any = true;
		}
	fprintf(f, "%s\nmodels:", any ? "" : " none");
	any = false;
	for (const struct opt_enum *e = model_names; e->name; e++)
		if (v->models & (1u << e->value)) {
			fprintf(f, " %s", model_name_abi(e->value, v->abi_version));
			if (v->abi_version >= 7 && (v->pasid_only_models & (1u << e->value)))
				fprintf(f, " (PASIDs only on this kernel)");
			any = true;
		}
	fprintf(f, "%s\n", any ? "" : " none");
	fprintf(f, "limits: group size %u, open groups %u, credit %u, devices %u, PASIDs %u, "
		"injectors %u, unbinders %u, service %u ns, CPUs < %u, IOMMUs %u, PRQ depth %u, "
		"response %u ns\n",
		v->max_group_size, v->max_open_groups, v->max_credit, v->max_devices, v->max_pasids,
		v->max_injectors, v->max_unbinders, v->max_service_ns, v->nr_cpu_ids, v->max_iommus,
		v->max_prq_depth, v->max_response_ns);
	fprintf(f, "histograms: %u of %u buckets (sub bits %u, max bits %u)\n", v->hist_nr,
		v->hist_nr_buckets, v->hist_sub_bits, v->hist_max_bits);
	if (!(v->caps & IOPF_BENCH_CAP_IOPF))
		fprintf(f, "note: this kernel has no IOPF framework: START fails with EOPNOTSUPP\n");
}

struct json_object *status_json(const struct iopf_bench_status *s, time_t now)
{
	struct json_object *root = json_root(now);

	JADD(root, "command", JSTR("status"));
	JADD(root, "state", JSTR(state_name(s->state)));
	JADD(root, "phase", JSTR(phase_name(s->phase)));
	JADD(root, "run_id", JU64(s->run_id));
	JADD(root, "elapsed_ns", JU64(s->elapsed_ns));
	JADD(root, "requests", JU64(s->requests));
	JADD(root, "groups", JU64(s->groups));
	JADD(root, "responses", JU64(s->responses));
	JADD(root, "unbind_cycles", JU64(s->unbind_cycles));
	JADD(root, "invariant_violations", JU64(s->violations));
	if (s->error) {
		struct json_object *e = json_object_new_object();
		int err = s->error < 0 ? -s->error : s->error;

		JADD(e, "errno", json_object_new_int(err));
		JADD(e, "errno_name", JSTR(errno_name(err)));
		JADD(e, "message", JSTR(strerror(err)));
		JADD(root, "error", e);
	}
	return root;
}

void status_text(FILE *f, const struct iopf_bench_status *s)
{
	char el[32];

	if (s->state == IOPF_BENCH_STATE_IDLE) {
		fprintf(f, "idle (last run id %llu)\n", U(s->run_id));
		return;
	}
	fmt_ns(s->elapsed_ns, el, sizeof(el));
	fprintf(f, "run %llu: %s (%s), elapsed %s\n", U(s->run_id), state_name(s->state),
		phase_name(s->phase), el);
	fprintf(f, "  requests %llu, groups %llu, responses %llu"
		", unbind cycles %llu, violations %llu%s\n", U(s->requests), U(s->groups),
		U(s->responses), U(s->unbind_cycles), U(s->violations),
		U(s->violations) ? "  <-- INVARIANT VIOLATED" : "");
	if (s->error)
		fprintf(f, "  error: %s (%s)\n", errno_name(s->error),
			strerror(s->error < 0 ? -s->error : s->error));
}

/* The "config" object of a run with these settings (a sweep's point parameters). */
struct json_object *report_config_json(const struct bench_opts *o)
{
	struct report r = { .opts = o };
	struct json_object *c = config_json(&r);

	/* No CPUs picked yet: the count asked for. */
	if (!o->cpus.n)
		json_object_object_add(c, "injectors", json_object_new_uint64(o->injectors));
	return c;
}
