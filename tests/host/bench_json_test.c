// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the JSON that bench/client/report.c emits, parsed back with json-c:
 * the required top-level names exist with the right types and values
 * (groups, requests, responses, aborts, rate_per_s, latency_ns {p50 p90 p99
 * p999 max min mean count}, unbind {cycles latency_ns} only when unbinders
 * ran, invariant_violations), version/timestamp at the root, every setting
 * of the option table in "config", status success/failure/error, and the
 * --hist document; plus the human summary's INVARIANT VIOLATED line. ABI 2
 * (schema 2): the driver model's config echo, the prq, group_check,
 * deferred, reporters and detach objects, responses by the hardware, group
 * violations, the four new latencies (also in the --hist document and the
 * text), and none of it for the results of an ABI 1 module. ABI 7: the
 * models by their driver's name (an ABI 6 module's model 1 echoed as prq),
 * the reporters' scheduling and pasid_only in the config echo, grpid bits
 * per model, and a new point's "reporter_prio" in the settings alone; how
 * vtd's reporter wakes the drains (vtd_wake, null but for vtd), the iommufd
 * handler, the queue wait in a flush (queue_in_flush, not in an ABI 6
 * module's results), the in-flush figures named in full with their sample
 * counts in the text, and the answers after the device's IOPF was torn
 * down.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

/*
 * kselftest_harness.h is not -Wextra clean: unused parameters in its
 * wrappers, a setjmp() that -Wclobbered frowns on, and EXPECT_EQ(0, unsigned)
 * compares signed with unsigned.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include <json-c/json.h>

#include "hist.h"
#include "opts.h"
#include "report.h"

#define NB IOPF_BENCH_HIST_NR_BUCKETS

/* One histogram of n samples base + (i * 7919) % spread, and its summary as the module makes it. */
static void synth_hist(const struct hist_layout *l, uint64_t *b, struct iopf_bench_latency *lat,
		       uint64_t n, uint64_t base, uint64_t spread)
{
	uint64_t sum = 0;

	memset(lat, 0, sizeof(*lat));
	if (!n)
		return;
	lat->min_ns = UINT64_MAX;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = base + (i * 7919) % spread;

		b[hist_bucket_of(l, v)]++;
		sum += v;
		if (v < lat->min_ns)
			lat->min_ns = v;
		if (v > lat->max_ns)
			lat->max_ns = v;
	}
	lat->count = n;
	lat->mean_ns = sum / n;
	lat->p50_ns = hist_percentile(l, b, lat->min_ns, lat->max_ns, 500000);
	lat->p90_ns = hist_percentile(l, b, lat->min_ns, lat->max_ns, 900000);
	lat->p99_ns = hist_percentile(l, b, lat->min_ns, lat->max_ns, 990000);
	lat->p999_ns = hist_percentile(l, b, lat->min_ns, lat->max_ns, 999000);
}

struct fixture_data {
	struct bench_opts o;
	struct iopf_bench_version ver;
	struct iopf_bench_results res;
	uint64_t hist[IOPF_BENCH_HIST_NR * NB];
	struct topo_summary topo;
	struct topo_cpu cpus[2];
	char *argv[8];
	struct report r;
};

static void setup(struct fixture_data *d, const char *opts_line, unsigned int unbinders)
{
	static char line[512];
	char *argv[32], err[256];
	int argc = 0;

	memset(d, 0, sizeof(*d));
	unsetenv("IOPF_DESIGN");
	unsetenv("IOPF_FLAVOR");
	snprintf(line, sizeof(line), "run %s", opts_line);
	for (char *t = strtok(line, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	if (opts_parse(&d->o, CMD_RUN, argc, argv, err, sizeof(err)))
		abort();
	d->o.cpus.n = 2;
	d->o.cpus.cpu[0] = 0;
	d->o.cpus.cpu[1] = 4;

	d->ver = (struct iopf_bench_version){
		.size = sizeof(d->ver), .abi_version = IOPF_BENCH_ABI_VERSION,
		.caps = IOPF_BENCH_CAP_IOPF | IOPF_BENCH_CAP_PASID | IOPF_BENCH_CAP_TIMESTAMPS |
			IOPF_BENCH_CAP_UNBIND,
		.mock_kind = IOPF_BENCH_MOCK_PLATFORM_FWSPEC,
		.handlers = (1u << IOPF_BENCH_HANDLER_WQ) | (1u << IOPF_BENCH_HANDLER_INLINE) |
			    (1u << IOPF_BENCH_HANDLER_NULL) | (1u << IOPF_BENCH_HANDLER_DEFER) |
			    (1u << IOPF_BENCH_HANDLER_IOMMUFD),
		.models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_DIRECT),
		.max_iommus = IOPF_BENCH_MAX_IOMMUS, .max_prq_depth = IOPF_BENCH_MAX_PRQ_DEPTH,
		.max_response_ns = IOPF_BENCH_MAX_RESPONSE_NS,
	};
	strcpy(d->ver.module_version, "1.0");
	strcpy(d->ver.kernel_release, "6.12.57-test");

	struct iopf_bench_results *s = &d->res;

	s->size = sizeof(*s);
	s->abi_version = IOPF_BENCH_ABI_VERSION;
	s->status = IOPF_BENCH_RESULT_SUCCESS;
	s->handler = d->o.handler;
	s->pacing = IOPF_BENCH_PACE_CLOSED;
	s->group_size = 8;
	s->open_groups = 1;
	s->credit = 64;
	s->nr_devices = 1;
	s->nr_injectors = 2;
	s->nr_unbinders = unbinders;
	s->hist_nr_buckets = NB;
	s->clock = IOPF_BENCH_CLOCK_KTIME;
	s->run_id = 7;
	s->window_ns = 2000000000;
	s->requests = 80000;
	s->partial_requests = 70000;
	s->groups = 10000;
	s->responses = 10000;
	s->rate_per_s = 40000;
	s->group_rate_per_s = 5000;
	s->resp_success = 9990;
	s->resp_failure = 10;
	s->aborts = 10;
	s->injector_cpu_ns = 1500000000;
	s->total_requests = 80000;
	s->total_groups = 10000;
	s->total_responses = 10000;
	s->from_handler = 9990;
	s->from_abort = 10;
	s->unbind_cycles = unbinders ? 42 : 0;
	/* ABI 2: the driver model, each counter a different number. */
	s->model = d->o.model;
	s->nr_iommus = d->o.nr_iommus;
	s->prq_depth = model_has_reporter(d->o.model) ?
		       (d->o.prq_depth ? d->o.prq_depth : IOPF_BENCH_PRQ_DEPTH_DEFAULT) : 0;
	s->response_ns = d->o.response_ns;
	s->defer_ns = d->o.defer_ns;
	s->grpid_bits = d->o.model == IOPF_BENCH_MODEL_DIRECT ? 32 :
			d->o.model == IOPF_BENCH_MODEL_SMMUV3_STALL ? 16 : IOPF_BENCH_PRG_INDEX_BITS;
	/* ABI 7 */
	s->reporter_prio = model_has_reporter(d->o.model) ? d->o.reporter_prio : 0;
	s->pasid_only = 0;
	s->run_flags = d->o.vtd_wake == BENCH_VTD_WAKE_ALL ? IOPF_BENCH_RUN_VTD_WAKE_ALL : 0;
	s->prq_overflows = 3;
	s->prq_dropped = 41;
	s->prq_dropped_last = 5;
	s->prq_discards = 2;
	s->prq_max_fill = 2048;
	s->from_hw = 5;
	s->checked_groups = 9995;
	s->incomplete_groups = 7;
	s->deferred_groups = 11;
	s->late_answers = 13;
	s->late_collisions = 4;
	s->reports_by_reporters = 79959;
	s->reports_by_others = 17;
	s->reporter_requests = 80000;
	s->reporter_cpu_ns = 240000000;
	s->detach_flushes = 19;
	s->detach_drained = 23;
	s->groups_during_unbind = 29;

	d->r.layout.sub_bits = 0;
	if (!hist_layout_init(&d->r.layout, IOPF_BENCH_HIST_SUB_BITS, IOPF_BENCH_HIST_MAX_BITS))
		abort();
	synth_hist(&d->r.layout, d->hist + 0 * NB, &s->lat_response, 10000, 2000, 50000);
	synth_hist(&d->r.layout, d->hist + 1 * NB, &s->lat_handler, 10000, 1000, 20000);
	synth_hist(&d->r.layout, d->hist + 2 * NB, &s->lat_work, 10000, 1500, 30000);
	synth_hist(&d->r.layout, d->hist + 3 * NB, &s->lat_unbind, unbinders ? 42 : 0, 100000, 900000);
	synth_hist(&d->r.layout, d->hist + 4 * NB, &s->lat_rebind, unbinders ? 42 : 0, 50000, 400000);
	synth_hist(&d->r.layout, d->hist + IOPF_BENCH_HIST_QUEUE * NB, &s->lat_queue, 80000, 300, 9000);
	synth_hist(&d->r.layout, d->hist + IOPF_BENCH_HIST_REPORT_LAST * NB, &s->lat_report_last,
		   10000, 800, 4000);
	synth_hist(&d->r.layout, d->hist + IOPF_BENCH_HIST_REPORT_PARTIAL * NB, &s->lat_report_partial,
		   70000, 150, 600);
	synth_hist(&d->r.layout, d->hist + IOPF_BENCH_HIST_SEND_LAG * NB, &s->lat_send_lag,
		   d->o.pacing == IOPF_BENCH_PACE_CLOSED ? 0 : 80000, 10, 2000);
	/* The in-flush figures: small samples. */
	synth_hist(&d->r.layout, d->hist + IOPF_BENCH_HIST_REPORT_IN_FLUSH * NB, &s->lat_report_in_flush,
		   412, 900, 30000);
	synth_hist(&d->r.layout, d->hist + IOPF_BENCH_HIST_QUEUE_IN_FLUSH * NB, &s->lat_queue_in_flush,
		   33, 5000, 90000);

	d->topo = (struct topo_summary){ .packages = 2, .cores = 4, .pus = 8, .numa_nodes = 2,
					 .usable_pus = 8, .threads_per_core = 2 };
	strcpy(d->topo.usable, "0-7");
	d->cpus[0] = (struct topo_cpu){ .cpu = 0, .core = 0, .package = 0, .numa_node = 0, .smt = 0 };
	d->cpus[1] = (struct topo_cpu){ .cpu = 4, .core = 2, .package = 1, .numa_node = 1, .smt = 0 };
	d->argv[0] = "iopf-bench";
	d->argv[1] = "run";
	d->argv[2] = "--json";

	d->r.cmd = "run";
	d->r.opts = &d->o;
	d->r.ver = &d->ver;
	d->r.res = &d->res;
	d->r.hist = d->hist;
	d->r.pcts = d->o.percentiles;
	d->r.topo = &d->topo;
	d->r.cpus = d->cpus;
	d->r.ncpus = 2;
	d->r.argc = 3;
	d->r.argv = d->argv;
	d->r.now = 1763704800;	/* 2025-11-21T06:00:00Z */
}

/* Emit, serialise, parse back: the consumer's view. */
static struct json_object *roundtrip(const struct report *r)
{
	struct json_object *j = report_json(r), *back;
	char *text = strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY));

	json_object_put(j);
	back = json_tokener_parse(text);
	free(text);
	return back;
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, k, &o))
			return NULL;
	return o;
}

static int is_type(struct json_object *o, const char *path, enum json_type t)
{
	struct json_object *v = get(o, path);

	return v && json_object_get_type(v) == t;
}

static uint64_t u64(struct json_object *o, const char *path)
{
	return json_object_get_uint64(get(o, path));
}

static const char *str(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	return v && json_object_get_type(v) == json_type_string ? json_object_get_string(v) : "";
}

/* One per test program; each test runs in its own child process. */
static struct fixture_data D;

TEST(required_names_and_types)
{
	static const char *const ints[] = {
		"groups", "requests", "responses", "aborts", "rate_per_s", "invariant_violations",
		"target_rate_per_s", "window_ns", "partial_requests", "injector_cpu_ns", "run_id",
		"group_rate_per_s",
		"latency_ns.p50", "latency_ns.p90", "latency_ns.p99", "latency_ns.p999", "latency_ns.max",
		"latency_ns.min", "latency_ns.mean", "latency_ns.count",
		"handler_latency_ns.p99", "work_latency_ns.p99", "rebind_latency_ns.p99",
		"unbind.cycles", "unbind.latency_ns.p50", "unbind.latency_ns.p90", "unbind.latency_ns.p99",
		"unbind.latency_ns.p999", "unbind.latency_ns.max",
		"responses_by_code.success", "responses_by_code.invalid", "responses_by_code.failure",
		"responses_by_source.handler", "responses_by_source.abort",
		"responses_by_source.no_handler", "responses_by_source.remove",
		"violations.unexpected", "violations.late", "violations.lost", "violations.group",
		"responses_by_source.hw",
		"prq.overflows", "prq.dropped", "prq.dropped_last", "prq.discards", "prq.max_fill",
		"group_check.checked", "group_check.incomplete", "group_check.violations",
		"deferred.groups", "deferred.late_answers", "deferred.late_collisions",
		"reporters.reports_by_reporters", "reporters.reports_by_others", "reporters.window_requests",
		"reporters.cpu_ns", "reporters.cpu_ns_per_request",
		"detach.flushes", "detach.drained", "detach.groups_during_pasid_unbind",
		"queue_latency_ns.p99", "report_last_latency_ns.p99", "report_partial_latency_ns.p99",
		"queue_latency_ns.count", "report_last_latency_ns.count", "report_partial_latency_ns.count",
		"send_lag_latency_ns.count",
		"config.iommus", "config.prq_depth", "config.response_ns", "config.defer_ns", "config.grpid_bits",
		"version.schema", "module.abi_version",
		"environment.topology.packages", "environment.topology.cores", "environment.topology.pus",
		"environment.topology.numa_nodes",
	};
	static const char *const strings[] = {
		"version.tool", "timestamp", "status", "clock", "module.module_version", "module.kernel_release",
		"module.mock_kind", "environment.hostname", "environment.kernel_release", "config.model",
	};
	struct json_object *j, *p, *v;
	regex_t re;

	setup(&D, "--group-size 8 --unbinders 1 --duration 2", 1);
	j = roundtrip(&D.r);
	ASSERT_NE(NULL, j);
	for (unsigned int i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		EXPECT_TRUE(is_type(j, ints[i], json_type_int)) TH_LOG("%s is not an integer", ints[i]);
	}
	for (unsigned int i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		EXPECT_TRUE(is_type(j, strings[i], json_type_string)) TH_LOG("%s is not a string", strings[i]);
	}
	EXPECT_TRUE(is_type(j, "environment.command_line", json_type_array));
	EXPECT_TRUE(is_type(j, "environment.cpus", json_type_array));
	EXPECT_TRUE(is_type(j, "config", json_type_object));

	/* The values are the results'. */
	EXPECT_EQ(10000, u64(j, "groups"));
	EXPECT_EQ(80000, u64(j, "requests"));
	EXPECT_EQ(10000, u64(j, "responses"));
	EXPECT_EQ(10, u64(j, "aborts"));
	EXPECT_EQ(40000, u64(j, "rate_per_s"));
	EXPECT_EQ(0, u64(j, "invariant_violations"));
	EXPECT_EQ(D.res.lat_response.p50_ns, u64(j, "latency_ns.p50"));
	EXPECT_EQ(D.res.lat_response.p90_ns, u64(j, "latency_ns.p90"));
	EXPECT_EQ(D.res.lat_response.p99_ns, u64(j, "latency_ns.p99"));
	EXPECT_EQ(D.res.lat_response.p999_ns, u64(j, "latency_ns.p999"));
	EXPECT_EQ(D.res.lat_response.max_ns, u64(j, "latency_ns.max"));
	EXPECT_EQ(D.res.lat_response.min_ns, u64(j, "latency_ns.min"));
	EXPECT_EQ(D.res.lat_handler.p99_ns, u64(j, "handler_latency_ns.p99"));
	EXPECT_EQ(42, u64(j, "unbind.cycles"));
	EXPECT_EQ(D.res.lat_unbind.p99_ns, u64(j, "unbind.latency_ns.p99"));
	EXPECT_EQ(D.res.lat_rebind.max_ns, u64(j, "rebind_latency_ns.max"));
	EXPECT_STREQ("success", str(j, "status"));
	EXPECT_STREQ("ktime", str(j, "clock"));
	EXPECT_EQ(3, u64(j, "version.schema"));
	EXPECT_EQ(BENCH_JSON_SCHEMA, u64(j, "version.schema"));
	EXPECT_STREQ(BENCH_TOOL_VERSION, str(j, "version.tool"));
	EXPECT_STREQ("2025-11-21T06:00:00Z", str(j, "timestamp"));
	ASSERT_EQ(0, regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", REG_EXTENDED));
	EXPECT_EQ(0, regexec(&re, str(j, "timestamp"), 0, NULL, 0));
	regfree(&re);
	EXPECT_STREQ("platform-fwspec", str(j, "module.mock_kind"));
	EXPECT_STREQ("6.12.57-test", str(j, "module.kernel_release"));
	EXPECT_EQ(3, json_object_array_length(get(j, "environment.command_line")));
	EXPECT_STREQ("--json", json_object_get_string(json_object_array_get_idx(get(j, "environment.command_line"), 2)));
	EXPECT_EQ(2, json_object_array_length(get(j, "environment.cpus")));
	EXPECT_EQ(1, json_object_get_int(get(json_object_array_get_idx(get(j, "environment.cpus"), 1), "package")));
	EXPECT_EQ(4, json_object_get_int(get(json_object_array_get_idx(get(j, "environment.cpus"), 1), "cpu")));
	/* No design/flavor unless the environment says so. */
	EXPECT_EQ(NULL, get(j, "environment.design"));
	/* Percentiles from the histogram, checked against the module's summary. */
	p = get(j, "latency_ns.percentiles");
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(json_object_object_get_ex(p, "p99.99", &v));
	EXPECT_EQ(json_type_int, json_object_get_type(v));
	ASSERT_TRUE(json_object_object_get_ex(p, "p99.9", &v));
	EXPECT_EQ(D.res.lat_response.p999_ns, json_object_get_uint64(v));
	EXPECT_STREQ("ok", str(j, "latency_ns.histogram_check"));
	EXPECT_STREQ("ok", str(j, "unbind.latency_ns.histogram_check"));
	json_object_put(j);
}

TEST(driver_model_keys)
{
	static const struct {
		const char *path;
		uint64_t want;
	} counts[] = {
		{ "prq.overflows", 3 }, { "prq.dropped", 41 }, { "prq.dropped_last", 5 },
		{ "prq.discards", 2 }, { "prq.max_fill", 2048 },
		{ "responses_by_source.hw", 5 },
		{ "group_check.checked", 9995 }, { "group_check.incomplete", 7 },
		{ "group_check.violations", 0 },
		{ "deferred.groups", 11 }, { "deferred.late_answers", 13 }, { "deferred.late_collisions", 4 },
		{ "reporters.reports_by_reporters", 79959 }, { "reporters.reports_by_others", 17 },
		{ "reporters.window_requests", 80000 }, { "reporters.cpu_ns", 240000000 },
		{ "reporters.cpu_ns_per_request", 3000 },
		{ "detach.flushes", 19 }, { "detach.drained", 23 },
		{ "detach.groups_during_pasid_unbind", 29 },
		{ "violations.group", 0 },
		{ "config.iommus", 2 }, { "config.prq_depth", 64 }, { "config.response_ns", 250 },
		{ "config.defer_ns", 5000 }, { "config.grpid_bits", 9 },
	};
	static const struct {
		const char *key;
		unsigned int h;
	} lats[] = {
		{ "queue_latency_ns", IOPF_BENCH_HIST_QUEUE },
		{ "report_last_latency_ns", IOPF_BENCH_HIST_REPORT_LAST },
		{ "report_partial_latency_ns", IOPF_BENCH_HIST_REPORT_PARTIAL },
		{ "send_lag_latency_ns", IOPF_BENCH_HIST_SEND_LAG },
		{ "report_in_flush_latency_ns", IOPF_BENCH_HIST_REPORT_IN_FLUSH },
		{ "queue_in_flush_latency_ns", IOPF_BENCH_HIST_QUEUE_IN_FLUSH },	/* ABI 7 */
	};
	struct json_object *j, *a;
	char path[64];

	setup(&D, "--handler defer --defer-ns 5000 --iommus 2 --devices 2 --prq-depth 64 --irq-cpus 6-7 "
	      "--response-ns 250 --rate 40000", 0);
	j = roundtrip(&D.r);
	ASSERT_NE(NULL, j);
	for (unsigned int i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		EXPECT_TRUE(is_type(j, counts[i].path, json_type_int)) TH_LOG("%s is not an integer", counts[i].path);
		EXPECT_EQ(counts[i].want, u64(j, counts[i].path)) TH_LOG("%s", counts[i].path);
	}
	EXPECT_STREQ("vtd", str(j, "config.model"));
	EXPECT_STREQ("fifo", str(j, "config.reporter_prio"));
	EXPECT_STREQ("one", str(j, "config.vtd_wake"));
	EXPECT_EQ(412, u64(j, "report_in_flush_latency_ns.count"));
	EXPECT_EQ(33, u64(j, "queue_in_flush_latency_ns.count"));
	EXPECT_EQ(D.res.lat_queue_in_flush.p50_ns, u64(j, "queue_in_flush_latency_ns.p50"));
	EXPECT_TRUE(is_type(j, "config.pasid_only", json_type_boolean));
	EXPECT_FALSE(json_object_get_boolean(get(j, "config.pasid_only")));
	EXPECT_STREQ("defer", str(j, "config.handler"));
	a = get(j, "config.irq_cpus");
	ASSERT_TRUE(is_type(j, "config.irq_cpus", json_type_array));
	ASSERT_EQ(2, json_object_array_length(a));
	EXPECT_EQ(6, json_object_get_int(json_object_array_get_idx(a, 0)));
	EXPECT_EQ(7, json_object_get_int(json_object_array_get_idx(a, 1)));
	/* The new latencies have what the old ones have, histogram check included. */
	for (unsigned int i = 0; i < sizeof(lats) / sizeof(lats[0]); i++) {
		const struct iopf_bench_latency *l = report_latency(&D.res, lats[i].h);

		ASSERT_NE(NULL, l);
		snprintf(path, sizeof(path), "%s.count", lats[i].key);
		EXPECT_EQ(l->count, u64(j, path)) TH_LOG("%s", path);
		EXPECT_LT(0, l->count) TH_LOG("%s", path);
		snprintf(path, sizeof(path), "%s.p99", lats[i].key);
		EXPECT_EQ(l->p99_ns, u64(j, path)) TH_LOG("%s", path);
		snprintf(path, sizeof(path), "%s.max", lats[i].key);
		EXPECT_EQ(l->max_ns, u64(j, path)) TH_LOG("%s", path);
		snprintf(path, sizeof(path), "%s.histogram_check", lats[i].key);
		EXPECT_STREQ("ok", str(j, path)) TH_LOG("%s", path);
		snprintf(path, sizeof(path), "%s.percentiles.p99.99", lats[i].key);
		EXPECT_EQ(NULL, get(j, path));	/* a dotted name: look it up by hand */
		snprintf(path, sizeof(path), "%s.percentiles", lats[i].key);
		EXPECT_TRUE(json_object_object_get_ex(get(j, path), "p99.99", NULL)) TH_LOG("%s", path);
	}
	EXPECT_EQ(D.res.lat_report_partial.p50_ns, u64(j, "report_partial_latency_ns.p50"));
	json_object_put(j);

	/* No reporter requests: no CPU per request (null, not 0). */
	D.res.reporter_requests = 0;
	j = roundtrip(&D.r);
	EXPECT_TRUE(json_object_object_get_ex(get(j, "reporters"), "cpu_ns_per_request", NULL));
	EXPECT_EQ(NULL, get(j, "reporters.cpu_ns_per_request"));
	EXPECT_EQ(240000000, u64(j, "reporters.cpu_ns"));
	json_object_put(j);

	/* The direct model: no PRQ, 32-bit grpids, no IRQ CPUs. */
	setup(&D, "--model direct --iommus 4 --devices 4", 0);
	j = roundtrip(&D.r);
	EXPECT_STREQ("direct", str(j, "config.model"));
	EXPECT_EQ(4, u64(j, "config.iommus"));
	EXPECT_EQ(0, u64(j, "config.prq_depth"));
	EXPECT_EQ(32, u64(j, "config.grpid_bits"));
	EXPECT_EQ(0, u64(j, "config.defer_ns"));
	EXPECT_EQ(0, json_object_array_length(get(j, "config.irq_cpus")));
	/* No reporter: no scheduling (null, not "fifo"), and no VT-d drain to wake (null, not "one"). */
	EXPECT_TRUE(json_object_object_get_ex(get(j, "config"), "reporter_prio", NULL));
	EXPECT_EQ(NULL, get(j, "config.reporter_prio"));
	EXPECT_TRUE(json_object_object_get_ex(get(j, "config"), "vtd_wake", NULL));
	EXPECT_EQ(NULL, get(j, "config.vtd_wake"));
	/* Closed loop: nothing was sent late. */
	EXPECT_EQ(0, u64(j, "send_lag_latency_ns.count"));
	EXPECT_TRUE(json_object_object_get_ex(get(j, "send_lag_latency_ns"), "p99", NULL));
	EXPECT_EQ(NULL, get(j, "send_lag_latency_ns.p99"));
	json_object_put(j);

	/* Before any results (an error came first), the settings still say what they ask for. */
	setup(&D, "--iommus 3 --devices 3", 0);
	D.r.res = NULL;
	D.r.hist = NULL;
	D.r.error = true;
	j = roundtrip(&D.r);
	EXPECT_EQ(2048, u64(j, "config.prq_depth"));
	EXPECT_EQ(9, u64(j, "config.grpid_bits"));
	EXPECT_EQ(3, u64(j, "config.iommus"));
	EXPECT_STREQ("vtd", str(j, "config.model"));
	EXPECT_STREQ("fifo", str(j, "config.reporter_prio"));
	EXPECT_STREQ("one", str(j, "config.vtd_wake"));
	EXPECT_FALSE(json_object_object_get_ex(get(j, "config"), "pasid_only", NULL));	/* the module's to say */
	EXPECT_EQ(NULL, get(j, "prq"));
	json_object_put(j);
	/* ... per model: grpid bits 9 (vtd, amd), 16 (smmuv3-stall's stall tag), 32 (direct). */
	{
		static const struct {
			const char *args, *model;
			uint64_t bits, depth;
		} m[] = {
			{ "--model amd --pasids 1 --reporter-prio fifo-low", "amd", 9, 2048 },
			{ "--model smmuv3-stall --prq-depth 64", "smmuv3-stall", 16, 64 },
			{ "--model direct", "direct", 32, 0 },
		};

		for (unsigned int i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
			setup(&D, m[i].args, 0);
			D.r.res = NULL;
			D.r.hist = NULL;
			D.r.error = true;
			j = roundtrip(&D.r);
			EXPECT_STREQ(m[i].model, str(j, "config.model"));
			EXPECT_EQ(m[i].bits, u64(j, "config.grpid_bits")) TH_LOG("%s", m[i].model);
			EXPECT_EQ(m[i].depth, u64(j, "config.prq_depth")) TH_LOG("%s", m[i].model);
			/* vtd_wake: vtd's alone */
			EXPECT_TRUE(json_object_object_get_ex(get(j, "config"), "vtd_wake", NULL));
			EXPECT_EQ(NULL, get(j, "config.vtd_wake")) TH_LOG("%s", m[i].model);
			json_object_put(j);
		}
		/* A sweep point's parameters (the settings alone) carry the scheduling too. */
		setup(&D, "--reporter-prio normal", 0);
		j = report_config_json(&D.o);
		EXPECT_STREQ("normal", json_object_get_string(json_object_object_get(j, "reporter_prio")));
		EXPECT_STREQ("vtd", json_object_get_string(json_object_object_get(j, "model")));
		EXPECT_FALSE(json_object_object_get_ex(j, "pasid_only", NULL));
		EXPECT_STREQ("one", json_object_get_string(json_object_object_get(j, "vtd_wake")));
		json_object_put(j);
		setup(&D, "--vtd-wake all --handler iommufd", 0);
		j = report_config_json(&D.o);
		EXPECT_STREQ("all", json_object_get_string(json_object_object_get(j, "vtd_wake")));
		EXPECT_STREQ("iommufd", json_object_get_string(json_object_object_get(j, "handler")));
		EXPECT_EQ(1000000, json_object_get_int(json_object_object_get(j, "defer_ns")));
		json_object_put(j);
		setup(&D, "--model amd", 0);
		j = report_config_json(&D.o);
		EXPECT_TRUE(json_object_object_get_ex(j, "vtd_wake", NULL));
		EXPECT_EQ(NULL, json_object_object_get(j, "vtd_wake"));
		json_object_put(j);
	}

	/* A run with --vtd-wake all: the module's echo (run flag VTD_WAKE_ALL) says so. */
	setup(&D, "--vtd-wake all", 0);
	j = roundtrip(&D.r);
	EXPECT_STREQ("all", str(j, "config.vtd_wake"));
	json_object_put(j);
	D.r.opts = NULL;
	j = roundtrip(&D.r);
	EXPECT_STREQ("all", str(j, "config.vtd_wake"));
	json_object_put(j);
	/* The echo wins over the settings: a run flag the module did not echo was not in force. */
	setup(&D, "--vtd-wake all", 0);
	D.res.run_flags = 0;
	j = roundtrip(&D.r);
	EXPECT_STREQ("one", str(j, "config.vtd_wake"));
	json_object_put(j);
	/* The iommufd handler: its defer time, its kept groups and late answers. */
	setup(&D, "--handler iommufd --defer-ns 7000 --unbinders 1 --pasids 2 --unbind-scope pasid", 1);
	j = roundtrip(&D.r);
	EXPECT_STREQ("iommufd", str(j, "config.handler"));
	EXPECT_EQ(7000, u64(j, "config.defer_ns"));
	EXPECT_EQ(11, u64(j, "deferred.groups"));
	EXPECT_EQ(13, u64(j, "deferred.late_answers"));
	json_object_put(j);
	D.r.opts = NULL;
	D.res.handler = IOPF_BENCH_HANDLER_IOMMUFD;
	j = roundtrip(&D.r);
	EXPECT_STREQ("iommufd", str(j, "config.handler"));
	json_object_put(j);

	/* `results` alone: the module's echo. */
	setup(&D, "--handler defer --iommus 2 --devices 2 --prq-depth 32 --response-ns 9", 0);
	D.r.opts = NULL;
	j = roundtrip(&D.r);
	EXPECT_STREQ("vtd", str(j, "config.model"));
	EXPECT_STREQ("fifo", str(j, "config.reporter_prio"));
	EXPECT_FALSE(json_object_get_boolean(get(j, "config.pasid_only")));
	EXPECT_STREQ("defer", str(j, "config.handler"));
	EXPECT_EQ(2, u64(j, "config.iommus"));
	EXPECT_EQ(32, u64(j, "config.prq_depth"));
	EXPECT_EQ(9, u64(j, "config.response_ns"));
	EXPECT_EQ(1000000, u64(j, "config.defer_ns"));
	EXPECT_EQ(9, u64(j, "config.grpid_bits"));
	json_object_put(j);
	/* ABI 7's echo: amd's reporters at SCHED_NORMAL, its devices on PASIDs only. */
	D.res.model = IOPF_BENCH_MODEL_AMD;
	D.res.reporter_prio = IOPF_BENCH_REPORTER_NORMAL;
	D.res.pasid_only = 1;
	j = roundtrip(&D.r);
	EXPECT_STREQ("amd", str(j, "config.model"));
	EXPECT_STREQ("normal", str(j, "config.reporter_prio"));
	EXPECT_TRUE(json_object_get_boolean(get(j, "config.pasid_only")));
	json_object_put(j);
	/* An ABI 6 module's model 1 is its prq (not ABI 7's exact vtd); its reporters ran SCHED_NORMAL. */
	D.res.model = IOPF_BENCH_MODEL_VTD;
	D.res.abi_version = 6;
	j = roundtrip(&D.r);
	EXPECT_STREQ("prq", str(j, "config.model"));
	EXPECT_STREQ("normal", str(j, "config.reporter_prio"));
	EXPECT_FALSE(json_object_get_boolean(get(j, "config.pasid_only")));
	EXPECT_TRUE(json_object_object_get_ex(get(j, "config"), "vtd_wake", NULL));
	EXPECT_EQ(NULL, get(j, "config.vtd_wake"));	/* prq had no such knob */
	/* ABI 6 counted no late collisions: absent, not a zero that claims none happened. */
	EXPECT_FALSE(json_object_object_get_ex(get(j, "deferred"), "late_collisions", NULL));
	json_object_put(j);
	setup(&D, "", 0);
	D.res.abi_version = 6;
	memset(&D.res.lat_queue_in_flush, 0, sizeof(D.res.lat_queue_in_flush));
	memset(D.hist + IOPF_BENCH_HIST_QUEUE_IN_FLUSH * NB, 0, NB * sizeof(uint64_t));
	j = roundtrip(&D.r);
	EXPECT_STREQ("prq", str(j, "config.model"));
	EXPECT_STREQ("normal", str(j, "config.reporter_prio"));
	EXPECT_EQ(NULL, get(j, "config.vtd_wake"));
	/* An ABI 6 module has no queue wait in a flush: absent, not a zero. */
	EXPECT_EQ(NULL, get(j, "queue_in_flush_latency_ns"));
	EXPECT_EQ(412, u64(j, "report_in_flush_latency_ns.count"));
	json_object_put(j);
}

TEST(abi1_results_have_no_driver_model)
{
	struct json_object *j;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	setup(&D, "--model direct", 0);
	memset(&D.res.model, 0, sizeof(D.res) - offsetof(struct iopf_bench_results, model));
	D.res.abi_version = 1;
	j = roundtrip(&D.r);
	EXPECT_NE(NULL, get(j, "latency_ns"));
	EXPECT_NE(NULL, get(j, "work_latency_ns"));
	EXPECT_EQ(NULL, get(j, "queue_latency_ns"));
	EXPECT_EQ(NULL, get(j, "send_lag_latency_ns"));
	EXPECT_EQ(NULL, get(j, "report_in_flush_latency_ns"));
	EXPECT_EQ(NULL, get(j, "queue_in_flush_latency_ns"));
	EXPECT_EQ(NULL, get(j, "prq"));
	EXPECT_EQ(NULL, get(j, "group_check"));
	EXPECT_EQ(NULL, get(j, "deferred"));
	EXPECT_EQ(NULL, get(j, "reporters"));
	EXPECT_EQ(NULL, get(j, "detach"));
	EXPECT_STREQ("direct", str(j, "config.model"));
	EXPECT_EQ(32, u64(j, "config.grpid_bits"));
	json_object_put(j);
	D.r.opts = NULL;
	j = roundtrip(&D.r);
	EXPECT_EQ(NULL, get(j, "config.model"));
	EXPECT_EQ(8, u64(j, "config.group_size"));
	json_object_put(j);
	f = open_memstream(&text, &len);
	report_text(f, &D.r);
	fclose(f);
	EXPECT_EQ(NULL, strstr(text, "driver:"));
	EXPECT_EQ(NULL, strstr(text, "model="));
	EXPECT_EQ(NULL, strstr(text, "sent->report"));
	EXPECT_EQ(NULL, strstr(text, "in dev flush"));
	EXPECT_EQ(NULL, strstr(text, "in IOMMU flush"));
	EXPECT_NE(NULL, strstr(text, "arrival->response"));
	free(text);
}

TEST(extra_percentiles)
{
	struct json_object *j, *p, *v;

	setup(&D, "--percentiles 50,99.99,100", 0);
	j = roundtrip(&D.r);
	p = get(j, "latency_ns.percentiles");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(3, json_object_object_length(p));
	ASSERT_TRUE(json_object_object_get_ex(p, "p99.99", &v));
	EXPECT_EQ(json_type_int, json_object_get_type(v));
	EXPECT_LE(D.res.lat_response.p999_ns, json_object_get_uint64(v));
	/* p100 is the maximum, which the module keeps exactly. */
	ASSERT_TRUE(json_object_object_get_ex(p, "p100", &v));
	EXPECT_EQ(D.res.lat_response.max_ns, json_object_get_uint64(v));
	ASSERT_TRUE(json_object_object_get_ex(p, "p50", &v));
	EXPECT_EQ(D.res.lat_response.p50_ns, json_object_get_uint64(v));
	json_object_put(j);
}

TEST(config_has_every_setting)
{
	struct json_object *j, *c;
	unsigned int n = 0;

	setup(&D, "--rate 5000 --pacing poisson --warmup 1s", 0);
	j = roundtrip(&D.r);
	c = get(j, "config");
	ASSERT_NE(NULL, c);
	for (unsigned int i = 0; i < bench_nr_options; i++) {
		const struct bench_option *op = &bench_options[i];
		struct json_object *v;

		if (!op->json || !(op->cmds & CMDF(CMD_RUN)))
			continue;
		n++;
		EXPECT_TRUE(json_object_object_get_ex(c, op->json, &v)) TH_LOG("config lacks %s", op->json);
	}
	/* Every run-config option of the table (and there are many) is there. */
	EXPECT_LE(20, n);
	EXPECT_STREQ("poisson", str(c, "pacing"));
	EXPECT_STREQ("wq", str(c, "handler"));
	EXPECT_EQ(5000, u64(c, "rate_per_s"));
	EXPECT_EQ(1000, u64(c, "warmup_ms"));
	EXPECT_EQ(10000, u64(c, "duration_ms"));
	EXPECT_EQ(64, u64(c, "credit"));	/* the module's effective value */
	EXPECT_EQ(2, u64(c, "injectors"));
	EXPECT_TRUE(is_type(c, "cpus", json_type_array));
	EXPECT_TRUE(is_type(c, "no_timestamps", json_type_boolean));
	json_object_put(j);

	/* `results` alone knows only the module's echo. */
	D.r.opts = NULL;
	j = roundtrip(&D.r);
	EXPECT_STREQ("closed", str(j, "config.pacing"));
	EXPECT_EQ(8, u64(j, "config.group_size"));
	EXPECT_EQ(2, u64(j, "config.injectors"));
	json_object_put(j);
}

TEST(no_unbind_without_unbinders)
{
	struct json_object *j;

	setup(&D, "", 0);
	j = roundtrip(&D.r);
	EXPECT_EQ(NULL, get(j, "unbind"));
	EXPECT_EQ(NULL, get(j, "rebind_latency_ns"));
	EXPECT_NE(NULL, get(j, "latency_ns"));
	json_object_put(j);
}

TEST(design_and_flavor_from_the_environment)
{
	struct json_object *j;

	setup(&D, "", 0);
	setenv("IOPF_DESIGN", "mutex-busted", 1);
	setenv("IOPF_FLAVOR", "debug", 1);
	j = roundtrip(&D.r);
	EXPECT_STREQ("mutex-busted", str(j, "environment.design"));
	EXPECT_STREQ("debug", str(j, "environment.flavor"));
	json_object_put(j);
}

TEST(violations_fail)
{
	struct json_object *j;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	setup(&D, "", 0);
	D.res.status = IOPF_BENCH_RESULT_FAILURE;
	D.res.violations = 3;
	D.res.viol_lost = 1;
	D.res.viol_late = 1;
	D.res.viol_group = 1;
	j = roundtrip(&D.r);
	EXPECT_STREQ("failure", str(j, "status"));
	EXPECT_EQ(3, u64(j, "invariant_violations"));
	EXPECT_EQ(1, u64(j, "violations.lost"));
	EXPECT_EQ(1, u64(j, "violations.late"));
	EXPECT_EQ(1, u64(j, "violations.group"));
	EXPECT_EQ(1, u64(j, "group_check.violations"));
	EXPECT_EQ(1, report_exit_code(&D.r));
	json_object_put(j);

	f = open_memstream(&text, &len);
	report_text(f, &D.r);
	fclose(f);
	EXPECT_NE(NULL, strstr(text, "*** INVARIANT VIOLATED: 3 violations (unexpected 0, late 1, lost 1, "
			       "group 1) ***"));
	EXPECT_NE(NULL, strstr(text, "invariant violations: 3 (unexpected 0, late 1, lost 1, group 1)  "
			       "<-- INVARIANT VIOLATED"));
	EXPECT_NE(NULL, strstr(text, "End of test: FAILURE"));
	free(text);

	/* Violations count even if the module's status somehow said success. */
	D.res.status = IOPF_BENCH_RESULT_SUCCESS;
	EXPECT_STREQ("failure", report_status(&D.r));
}

TEST(clean_text_summary)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	setup(&D, "--unbinders 2 --devices 2", 2);
	f = open_memstream(&text, &len);
	report_text(f, &D.r);
	fclose(f);
	EXPECT_EQ(NULL, strstr(text, "INVARIANT VIOLATED"));
	EXPECT_NE(NULL, strstr(text, "End of test: SUCCESS"));
	EXPECT_NE(NULL, strstr(text, "arrival->response"));
	EXPECT_NE(NULL, strstr(text, "arrival->handler"));
	EXPECT_NE(NULL, strstr(text, "arrival->work start"));
	EXPECT_NE(NULL, strstr(text, "\n  sent->report              80000 "));
	EXPECT_NE(NULL, strstr(text, "\n  report() last             10000 "));
	EXPECT_NE(NULL, strstr(text, "\n  report() partial          70000 "));
	EXPECT_NE(NULL, strstr(text, "\n  send lag                      0         -"));
	/* The in-flush rows by their short forms, then in full with their (small) sample counts. */
	EXPECT_NE(NULL, strstr(text, "\n  report in dev flush         412 ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "\n  queue in IOMMU flush         33 ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "\n  report in dev flush  = report during a flush of the same device, n=412\n"
			       "  queue in IOMMU flush = queue wait while any flush runs on the IOMMU, n=33\n"))
		TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(text, "report() in flush"));
	/* The driver model's settings (the config line wraps at 100 columns). */
	EXPECT_NE(NULL, strstr(text, " model=vtd reporter-prio=fifo vtd-wake=one ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, " iommus=1"));
	EXPECT_NE(NULL, strstr(text, " prq-depth=2048"));
	EXPECT_NE(NULL, strstr(text, " response-ns=0"));
	EXPECT_EQ(NULL, strstr(text, "defer-ns="));
	EXPECT_EQ(NULL, strstr(text, "irq-cpus="));
	EXPECT_NE(NULL, strstr(text, "responses by source (whole run): handler 9990, abort 10, no handler 0, "
			       "remove_device 0, hardware 5\n"));
	EXPECT_NE(NULL, strstr(text, "driver: model vtd (reporters fifo, drains woken one per pass), 1 IOMMU, "
			       "PRQ depth 2048, 9-bit grpids, page_response busy 0ns, defer -\n")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "PRQ: overflows 3, dropped 41 (last 5, answered by the hardware), "
			       "discards 2, max fill 2048 of 2048\n"));
	EXPECT_NE(NULL, strstr(text, "group contents: checked 9995, incomplete 7 (short after PRQ drops, "
			       "not a violation), violations 0\n"));
	EXPECT_NE(NULL, strstr(text, "deferred: 11 groups, 13 answers after the device's IOPF was torn down "
			       "(late answers: remove_device had answered them; ignored by the device), "
			       "4 of them with the index of a newer group (late collisions)\n"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "reporters: 79959 reports by the reporter threads, 17 by others; "
			       "window: 80000 requests, CPU 240ms, 3us per request\n"));
	EXPECT_NE(NULL, strstr(text, "detach: 19 flushes, 23 PRQ entries drained; 29 groups sent on other streams during PASID unbinds\n"));
	EXPECT_NE(NULL, strstr(text, "invariant violations: 0 (unexpected 0, late 0, lost 0, group 0)\n"));
	EXPECT_NE(NULL, strstr(text, "p99.9"));
	EXPECT_NE(NULL, strstr(text, "unbind: 42 cycles"));
	EXPECT_NE(NULL, strstr(text, "rebind"));
	EXPECT_NE(NULL, strstr(text, "injector CPU: 1.500s (37.5% of 2 injectors"));
	EXPECT_NE(NULL, strstr(text, "rate: 40000 requests/s (closed loop)"));
	EXPECT_NE(NULL, strstr(text, "CPU 4 (core 2, package 1)"));
	EXPECT_NE(NULL, strstr(text, "2 packages, 4 cores, 8 PUs, 2 NUMA nodes"));
	EXPECT_NE(NULL, strstr(text, "config: handler=wq group-size=1"));
	EXPECT_EQ(0, report_exit_code(&D.r));
	free(text);

	/* A handler that keeps no group: nothing deferred, nothing late. */
	setup(&D, "", 0);
	D.res.deferred_groups = D.res.late_answers = 0;
	f = open_memstream(&text, &len);
	report_text(f, &D.r);
	fclose(f);
	EXPECT_NE(NULL, strstr(text, "deferred: 0 groups\n")) TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(text, "torn down"));
	free(text);

	/* iommufd with vtd-wake all: the handler, its defer time, the wake-ups said next to the model. */
	setup(&D, "--handler iommufd --defer-ns 3000 --vtd-wake all", 0);
	D.res.handler = IOPF_BENCH_HANDLER_IOMMUFD;
	D.res.defer_ns = 3000;
	text = NULL;
	f = open_memstream(&text, &len);
	report_text(f, &D.r);
	fclose(f);
	EXPECT_NE(NULL, strstr(text, "config: handler=iommufd defer-ns=3000 ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, " model=vtd reporter-prio=fifo vtd-wake=all ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "driver: model vtd (reporters fifo, drains woken all per pass: vtd-wake all, "
			       "not VT-d's code), 1 IOMMU")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "deferred: 11 groups, 13 answers after the device's IOPF was torn down"));
	free(text);
	/* ... and `results` alone, from the module's echo. */
	D.r.opts = NULL;
	text = NULL;
	f = open_memstream(&text, &len);
	report_text(f, &D.r);
	fclose(f);
	EXPECT_NE(NULL, strstr(text, "config: handler=iommufd ")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "model=vtd reporter-prio=fifo vtd-wake=all iommus=1")) TH_LOG("%s", text);
	free(text);
	/* Another model: no vtd-wake. */
	setup(&D, "--model smmuv3-stall", 0);
	text = NULL;
	f = open_memstream(&text, &len);
	report_text(f, &D.r);
	fclose(f);
	EXPECT_EQ(NULL, strstr(text, "vtd-wake")) TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(text, "drains woken")) TH_LOG("%s", text);
	free(text);
}

TEST(module_error)
{
	struct json_object *j;

	setup(&D, "", 0);
	D.res.status = IOPF_BENCH_RESULT_ERROR;
	D.res.error = -ENOMEM;
	j = roundtrip(&D.r);
	EXPECT_STREQ("error", str(j, "status"));
	EXPECT_STREQ("module", str(j, "error.source"));
	EXPECT_STREQ("ENOMEM", str(j, "error.errno_name"));
	EXPECT_EQ(ENOMEM, u64(j, "error.errno"));
	EXPECT_EQ(1, report_exit_code(&D.r));
	json_object_put(j);
}

TEST(tool_error_without_results)
{
	struct json_object *j;

	setup(&D, "", 0);
	D.r.res = NULL;
	D.r.hist = NULL;
	D.r.error = true;
	D.r.error_errno = EFAULT;
	strcpy(D.r.error_msg, "RESULTS failed: EFAULT");
	j = roundtrip(&D.r);
	EXPECT_STREQ("error", str(j, "status"));
	EXPECT_STREQ("bench", str(j, "error.source"));
	EXPECT_STREQ("RESULTS failed: EFAULT", str(j, "error.message"));
	EXPECT_EQ(NULL, get(j, "groups"));
	EXPECT_NE(NULL, get(j, "config"));
	EXPECT_NE(NULL, get(j, "environment"));
	EXPECT_EQ(1, report_exit_code(&D.r));
	json_object_put(j);
}

TEST(no_samples_means_null_percentiles)
{
	struct json_object *j;

	setup(&D, "--no-timestamps", 0);
	memset(&D.res.lat_response, 0, sizeof(D.res.lat_response));
	D.r.hist = NULL;
	j = roundtrip(&D.r);
	EXPECT_EQ(0, u64(j, "latency_ns.count"));
	EXPECT_TRUE(is_type(j, "latency_ns", json_type_object));
	/* Present but null: there is no p50 of nothing. */
	EXPECT_TRUE(json_object_object_get_ex(get(j, "latency_ns"), "p50", NULL));
	EXPECT_EQ(NULL, get(j, "latency_ns.p50"));
	EXPECT_EQ(NULL, get(j, "latency_ns.percentiles"));
	json_object_put(j);
}

TEST(histogram_mismatch_is_reported)
{
	struct json_object *j;

	setup(&D, "", 0);
	D.res.lat_response.p99_ns *= 3;
	j = roundtrip(&D.r);
	EXPECT_STRNE("ok", str(j, "latency_ns.histogram_check"));
	EXPECT_NE(NULL, strstr(str(j, "latency_ns.histogram_check"), "p99"));
	EXPECT_STREQ("ok", str(j, "handler_latency_ns.histogram_check"));
	json_object_put(j);
}

TEST(hist_document)
{
	struct json_object *j, *o, *buckets;
	uint64_t total = 0, prev_hi = 0;
	char *text;

	setup(&D, "", 0);
	o = report_hist_json(&D.r);
	text = strdup(json_object_to_json_string(o));
	json_object_put(o);
	j = json_tokener_parse(text);
	free(text);
	ASSERT_NE(NULL, j);
	EXPECT_EQ(NB, u64(j, "layout.nr_buckets"));
	EXPECT_EQ(IOPF_BENCH_HIST_SUB_BITS, u64(j, "layout.sub_bits"));
	EXPECT_TRUE(is_type(j, "timestamp", json_type_string));
	EXPECT_TRUE(is_type(j, "version.schema", json_type_int));
	buckets = get(j, "histograms.response.buckets");
	ASSERT_NE(NULL, buckets);
	ASSERT_LT(0, json_object_array_length(buckets));
	for (size_t i = 0; i < json_object_array_length(buckets); i++) {
		struct json_object *b = json_object_array_get_idx(buckets, i);
		uint64_t lo = u64(b, "lo_ns"), hi = u64(b, "hi_ns"), n = u64(b, "count");

		ASSERT_LE(lo, hi);
		ASSERT_LT(0, n);	/* non-zero buckets only */
		if (i)
			ASSERT_LT(prev_hi, lo);
		prev_hi = hi;
		total += n;
		/* The bucket holds what the layout says. */
		ASSERT_EQ(hist_bucket_of(&D.r.layout, lo), hist_bucket_of(&D.r.layout, hi));
	}
	EXPECT_EQ(10000, total);
	EXPECT_EQ(10000, u64(j, "histograms.response.count"));
	EXPECT_EQ(0, json_object_array_length(get(j, "histograms.unbind.buckets")));
	EXPECT_NE(NULL, get(j, "histograms.rebind"));
	/* ABI 2: nine histograms, the new ones by their names; ABI 7 twelve. */
	EXPECT_EQ(IOPF_BENCH_HIST_NR, json_object_object_length(get(j, "histograms")));
	EXPECT_EQ(12, IOPF_BENCH_HIST_NR);
	EXPECT_EQ(412, u64(j, "histograms.report_in_flush.count"));
	EXPECT_EQ(33, u64(j, "histograms.queue_in_flush.count"));
	EXPECT_EQ(D.res.lat_queue_in_flush.max_ns, u64(j, "histograms.queue_in_flush.max_ns"));
	EXPECT_EQ(80000, u64(j, "histograms.queue.count"));
	EXPECT_EQ(10000, u64(j, "histograms.report_last.count"));
	EXPECT_EQ(70000, u64(j, "histograms.report_partial.count"));
	EXPECT_EQ(0, u64(j, "histograms.send_lag.count"));
	EXPECT_EQ(D.res.lat_queue.max_ns, u64(j, "histograms.queue.max_ns"));
	EXPECT_EQ(NULL, get(j, "histograms.send_lag.max_ns"));
	json_object_put(j);

	/* An ABI 6 module's results: its eleven, not a queue_in_flush of zeros. */
	D.res.abi_version = 6;
	o = report_hist_json(&D.r);
	text = strdup(json_object_to_json_string(o));
	json_object_put(o);
	j = json_tokener_parse(text);
	free(text);
	ASSERT_NE(NULL, j);
	EXPECT_EQ(IOPF_BENCH_HIST_QUEUE_IN_FLUSH, json_object_object_length(get(j, "histograms")));
	EXPECT_EQ(NULL, get(j, "histograms.queue_in_flush"));
	EXPECT_EQ(412, u64(j, "histograms.report_in_flush.count"));
	json_object_put(j);
}

TEST(version_and_status_documents)
{
	struct iopf_bench_version v = { .abi_version = 2, .caps = IOPF_BENCH_CAP_IOPF,
					.handlers = (1u << IOPF_BENCH_HANDLER_WQ) | (1u << IOPF_BENCH_HANDLER_DEFER) |
						    (1u << IOPF_BENCH_HANDLER_IOMMUFD),
					.max_group_size = 512, .hist_nr_buckets = NB, .nr_cpu_ids = 2,
					.hist_nr = IOPF_BENCH_HIST_NR, .models = 1u << IOPF_BENCH_MODEL_DIRECT,
					.max_iommus = 8, .max_prq_depth = 4096, .max_response_ns = 1000 };
	struct iopf_bench_status st = { .state = IOPF_BENCH_STATE_RUNNING, .phase = IOPF_BENCH_PHASE_MEASURE,
					.run_id = 3, .elapsed_ns = 1500000000, .requests = 12,
					.error = 0 };
	struct json_object *j, *back;

	strcpy(v.module_version, "1.0");
	j = version_json(&v, 0);
	back = json_tokener_parse(json_object_to_json_string(j));
	EXPECT_STREQ("1970-01-01T00:00:00Z", str(back, "timestamp"));
	EXPECT_EQ(512, u64(back, "limits.group_size"));
	EXPECT_EQ(NB, u64(back, "histograms.nr_buckets"));
	EXPECT_EQ(1, json_object_array_length(get(back, "module.caps")));
	EXPECT_STREQ("wq", json_object_get_string(json_object_array_get_idx(get(back, "module.handlers"), 0)));
	EXPECT_STREQ("defer", json_object_get_string(json_object_array_get_idx(get(back, "module.handlers"), 1)));
	/* ABI 7's module sets bit 5: iommufd, by its name. */
	EXPECT_STREQ("iommufd", json_object_get_string(json_object_array_get_idx(get(back, "module.handlers"), 2)));
	EXPECT_EQ(1, json_object_array_length(get(back, "module.models")));
	EXPECT_STREQ("direct", json_object_get_string(json_object_array_get_idx(get(back, "module.models"), 0)));
	EXPECT_EQ(8, u64(back, "limits.iommus"));
	EXPECT_EQ(4096, u64(back, "limits.prq_depth"));
	EXPECT_EQ(1000, u64(back, "limits.response_ns"));
	EXPECT_EQ(12, u64(back, "histograms.nr_histograms"));
	EXPECT_EQ(2, u64(back, "module.abi_version"));
	json_object_put(back);
	json_object_put(j);

	j = status_json(&st, 0);
	back = json_tokener_parse(json_object_to_json_string(j));
	EXPECT_STREQ("running", str(back, "state"));
	EXPECT_STREQ("measure", str(back, "phase"));
	EXPECT_EQ(3, u64(back, "run_id"));
	EXPECT_EQ(1500000000, u64(back, "elapsed_ns"));
	EXPECT_EQ(NULL, get(back, "error"));
	json_object_put(back);
	json_object_put(j);
}

TEST_HARNESS_MAIN
