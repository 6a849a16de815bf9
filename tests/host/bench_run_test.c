// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the iopf-bench command flow against a fake module (the
 * device is an ops vector): run sends VERSION, START with the right config
 * and CPUs, WAIT, RESULTS with a histogram buffer, RESET, and prints one
 * JSON document; exit status 0/1/2/3 for success, violations or errors, a
 * config the module refuses, and a module that cannot run; --timeout and
 * signals STOP the run and still print its results; results/status/stop/
 * wait/reset/version and their errno cases; --hist writes its file. ABI 2+:
 * START gets the whole config (184 bytes at ABI 3) with the driver model and IRQ CPUs, the
 * nine histograms are read, dumped and cross-checked, and an ABI 1 module
 * gets its 128-byte config (direct model only) or a clear refusal. ABI 7:
 * the models by their driver's name and the reporters' scheduling are sent
 * and echoed; a model that needs PASIDs on the running kernel is refused
 * before START; an ABI 6 module's prq model is echoed as prq, not vtd; the
 * iommufd handler and --vtd-wake are sent (or refused, before START, with
 * a model or an ABI that has no such thing); the default --pasids 1 runs
 * on a module whose vtd is PASID-only; an ABI 6 module's eleven raw
 * histograms are still read, without ABI 7's queue wait in a flush.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#include "cmd.h"
#include "hist.h"
#include "json_docs.h"
#include "report.h"
#include "bench_invoke.h"

#define NB IOPF_BENCH_HIST_NR_BUCKETS
#define NOPS 8

/* ------------------------------------------------------------------------ */
/* The fake module */

struct fake {
	struct bench_dev dev;
	int open_rc;
	int calls[NOPS];		/* per op number */
	int seq[64], nseq;		/* op numbers in order */
	int rc[NOPS];			/* what each op returns (0 = succeed) */
	int rc_start_late;		/* START fails after it has looked at the workqueue */
	int waits_left;			/* WAITs that time out before the run is done; -1 = never done */
	int wait_signal;		/* WAIT raises this signal and returns EINTR */
	bool stopped;
	bool bad_struct;		/* an ioctl came with a wrong size or non-zero flags */
	struct iopf_bench_version ver;
	struct iopf_bench_run_config cfg;
	uint32_t cpus[64];
	uint32_t irq_cpus[64];
	uint32_t start_size;		/* the size START came with */
	struct iopf_bench_results res;
	uint64_t hist[IOPF_BENCH_HIST_NR * NB];
	const char *reason;		/* the kernel log line for a refused START */
	const char *wq_path;		/* the workqueue cpumask file of the test */
	char wq_at_start[64];		/* its content when START came */
};

static struct fake F;

static size_t op_size(unsigned int op)
{
	switch (op) {
	case IOPF_BENCH_OP_VERSION: return sizeof(struct iopf_bench_version);
	case IOPF_BENCH_OP_START:
		/* An ABI 1 module knows the config up to __reserved3, ABI 2 up to __reserved5. */
		return F.ver.abi_version < 2 ? offsetof(struct iopf_bench_run_config, model) :
		       F.ver.abi_version < 3 ? offsetof(struct iopf_bench_run_config, ts_interval_ns) :
		       sizeof(struct iopf_bench_run_config);
	case IOPF_BENCH_OP_STATUS: return sizeof(struct iopf_bench_status);
	case IOPF_BENCH_OP_STOP: return sizeof(struct iopf_bench_stop);
	case IOPF_BENCH_OP_WAIT: return sizeof(struct iopf_bench_wait);
	case IOPF_BENCH_OP_RESULTS: return sizeof(struct iopf_bench_results);
	case IOPF_BENCH_OP_RESET: return sizeof(struct iopf_bench_reset);
	}
	return 0;
}

static int fake_ioctl(struct bench_dev *d, unsigned long req, void *arg)
{
	unsigned int op = _IOC_NR(req);
	uint32_t *hdr = arg;

	if (_IOC_TYPE(req) != IOPF_BENCH_TYPE || op < 1 || op >= NOPS)
		return -ENOTTY;
	F.calls[op]++;
	if (F.nseq < 64)
		F.seq[F.nseq++] = op;
	if (hdr[0] != op_size(op) || hdr[1] != 0)
		F.bad_struct = true;
	if (F.rc[op])
		return F.rc[op];
	switch (op) {
	case IOPF_BENCH_OP_VERSION:
		memcpy(arg, &F.ver, sizeof(F.ver));
		return 0;
	case IOPF_BENCH_OP_START:
		F.start_size = hdr[0];
		memset(&F.cfg, 0, sizeof(F.cfg));
		memcpy(&F.cfg, arg, hdr[0] < sizeof(F.cfg) ? hdr[0] : sizeof(F.cfg));
		if (F.cfg.nr_cpus <= 64)
			memcpy(F.cpus, (void *)(uintptr_t)F.cfg.cpus_uptr, F.cfg.nr_cpus * sizeof(uint32_t));
		if (F.cfg.nr_irq_cpus <= 64 && F.cfg.irq_cpus_uptr)
			memcpy(F.irq_cpus, (void *)(uintptr_t)F.cfg.irq_cpus_uptr,
			       F.cfg.nr_irq_cpus * sizeof(uint32_t));
		if (F.wq_path) {
			FILE *f = fopen(F.wq_path, "r");

			if (f) {
				if (!fgets(F.wq_at_start, sizeof(F.wq_at_start), f))
					F.wq_at_start[0] = 0;
				fclose(f);
			}
		}
		return F.rc_start_late;
	case IOPF_BENCH_OP_STATUS: {
		struct iopf_bench_status *s = arg;

		s->state = IOPF_BENCH_STATE_RUNNING;
		s->phase = IOPF_BENCH_PHASE_MEASURE;
		s->run_id = F.res.run_id;
		return 0;
	}
	case IOPF_BENCH_OP_STOP:
		F.stopped = true;
		return 0;
	case IOPF_BENCH_OP_WAIT: {
		struct iopf_bench_wait *w = arg;

		if (F.wait_signal) {
			raise(F.wait_signal);
			return -EINTR;
		}
		if (!F.stopped && F.waits_left) {
			if (F.waits_left > 0)
				F.waits_left--;
			usleep(1000);
			return -ETIMEDOUT;
		}
		w->state = IOPF_BENCH_STATE_DONE;
		return 0;
	}
	case IOPF_BENCH_OP_RESULTS: {
		struct iopf_bench_results *r = arg;
		uint64_t uptr = r->hist_uptr;
		/* The module dumps its own hist_nr histograms (an older one: fewer). */
		uint32_t len = r->hist_len, need = F.ver.hist_nr && F.ver.hist_nr < IOPF_BENCH_HIST_NR ?
						    F.ver.hist_nr * NB * sizeof(uint64_t) : sizeof(F.hist);

		memcpy(r, &F.res, sizeof(*r));
		r->hist_uptr = uptr;
		r->hist_len = len;
		r->hist_needed = need;
		if (uptr && len)
			memcpy((void *)(uintptr_t)uptr, F.hist, len < need ? len : need);
		return 0;
	}
	case IOPF_BENCH_OP_RESET:
		return 0;
	}
	return -ENOTTY;
}

static int log_reason(struct bench_dev *d, const char *op, char *buf, size_t len)
{
	if (!F.reason)
		return -1;
	snprintf(buf, len, "%s", F.reason);
	return 0;
}

static int fake_open(const char *path, struct bench_dev **d)
{
	if (F.open_rc)
		return F.open_rc;
	F.dev.ioctl = fake_ioctl;
	F.dev.log_reason = log_reason;
	*d = &F.dev;
	return 0;
}

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
		lat->min_ns = v < lat->min_ns ? v : lat->min_ns;
		lat->max_ns = v > lat->max_ns ? v : lat->max_ns;
	}
	lat->count = n;
	lat->mean_ns = sum / n;
	lat->p50_ns = hist_percentile(l, b, lat->min_ns, lat->max_ns, 500000);
	lat->p90_ns = hist_percentile(l, b, lat->min_ns, lat->max_ns, 900000);
	lat->p99_ns = hist_percentile(l, b, lat->min_ns, lat->max_ns, 990000);
	lat->p999_ns = hist_percentile(l, b, lat->min_ns, lat->max_ns, 999000);
}

static void fake_reset(void)
{
	struct hist_layout l;
	struct iopf_bench_results *s = &F.res;

	memset(&F, 0, sizeof(F));
	F.ver = (struct iopf_bench_version){
		.size = sizeof(F.ver), .abi_version = IOPF_BENCH_ABI_VERSION,
		.caps = IOPF_BENCH_CAP_IOPF | IOPF_BENCH_CAP_PASID | IOPF_BENCH_CAP_TIMESTAMPS |
			IOPF_BENCH_CAP_UNBIND,
		.mock_kind = IOPF_BENCH_MOCK_PLATFORM_FWSPEC,
		.handlers = (1u << IOPF_BENCH_HANDLER_WQ) | (1u << IOPF_BENCH_HANDLER_INLINE) |
			    (1u << IOPF_BENCH_HANDLER_NULL) | (1u << IOPF_BENCH_HANDLER_DEFER) |
			    (1u << IOPF_BENCH_HANDLER_IOMMUFD),
		.max_group_size = IOPF_BENCH_MAX_GROUP_SIZE, .max_open_groups = IOPF_BENCH_MAX_OPEN_GROUPS,
		.max_credit = IOPF_BENCH_MAX_CREDIT, .max_devices = IOPF_BENCH_MAX_DEVICES,
		.max_pasids = IOPF_BENCH_MAX_PASIDS, .max_injectors = IOPF_BENCH_MAX_INJECTORS,
		.max_unbinders = IOPF_BENCH_MAX_UNBINDERS, .max_service_ns = IOPF_BENCH_MAX_SERVICE_NS,
		.hist_sub_bits = IOPF_BENCH_HIST_SUB_BITS, .hist_max_bits = IOPF_BENCH_HIST_MAX_BITS,
		.hist_nr_buckets = NB, .hist_nr = IOPF_BENCH_HIST_NR, .nr_cpu_ids = 8,
		.models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_DIRECT) |
			  (1u << IOPF_BENCH_MODEL_AMD) | (1u << IOPF_BENCH_MODEL_SMMUV3_STALL),
		.max_iommus = IOPF_BENCH_MAX_IOMMUS, .max_prq_depth = IOPF_BENCH_MAX_PRQ_DEPTH,
		.max_response_ns = IOPF_BENCH_MAX_RESPONSE_NS,
	};
	strcpy(F.ver.module_version, "1.0");
	strcpy(F.ver.kernel_release, "6.12.57-fake");

	s->abi_version = IOPF_BENCH_ABI_VERSION;
	s->handler = IOPF_BENCH_HANDLER_WQ;
	s->pacing = IOPF_BENCH_PACE_CLOSED;
	s->group_size = 8;
	s->open_groups = 1;
	s->credit = 64;
	s->nr_devices = 1;
	s->nr_injectors = 2;
	s->hist_nr_buckets = NB;
	s->clock = IOPF_BENCH_CLOCK_TSC;
	s->run_id = 9;
	s->window_ns = 1000000000;
	s->requests = 8000;
	s->groups = 1000;
	s->responses = 1000;
	s->rate_per_s = 8000;
	s->resp_success = 1000;
	s->from_handler = 1000;
	s->total_groups = s->total_responses = 1000;
	hist_layout_init(&l, IOPF_BENCH_HIST_SUB_BITS, IOPF_BENCH_HIST_MAX_BITS);
	synth_hist(&l, F.hist + 0 * NB, &s->lat_response, 1000, 3000, 40000);
	synth_hist(&l, F.hist + 1 * NB, &s->lat_handler, 1000, 2000, 10000);
	synth_hist(&l, F.hist + 2 * NB, &s->lat_work, 1000, 2500, 20000);
	/* ABI 2: the driver model's echo, counters and histograms. */
	s->model = IOPF_BENCH_MODEL_VTD;
	s->nr_iommus = 1;
	s->prq_depth = IOPF_BENCH_PRQ_DEPTH_DEFAULT;
	s->grpid_bits = IOPF_BENCH_PRG_INDEX_BITS;
	s->checked_groups = 1000;
	s->reports_by_reporters = 8000;
	s->reporter_requests = 8000;
	s->reporter_cpu_ns = 4000000;
	s->prq_max_fill = 33;
	synth_hist(&l, F.hist + IOPF_BENCH_HIST_QUEUE * NB, &s->lat_queue, 8000, 500, 5000);
	synth_hist(&l, F.hist + IOPF_BENCH_HIST_REPORT_LAST * NB, &s->lat_report_last, 1000, 700, 3000);
	synth_hist(&l, F.hist + IOPF_BENCH_HIST_REPORT_PARTIAL * NB, &s->lat_report_partial, 7000, 200, 900);
	/* The in-flush figures: small samples (ABI 7 adds the queue wait). */
	synth_hist(&l, F.hist + IOPF_BENCH_HIST_REPORT_IN_FLUSH * NB, &s->lat_report_in_flush, 57, 900, 9000);
	synth_hist(&l, F.hist + IOPF_BENCH_HIST_QUEUE_IN_FLUSH * NB, &s->lat_queue_in_flush, 21, 4000, 60000);
}

/* ------------------------------------------------------------------------ */

/*
 * The machine of run() (NULL: 2 packages x 2 cores x 2 PUs) and its
 * workqueue cpumask file (NULL: one that does not exist; never the real one).
 */
static const char *T_topo, *T_wq;

/* iopf-bench <line> on a synthetic 2-package x 2-core x 2-PU machine. */
static void run(struct out *o, const char *line, int signals)
{
	struct bench_env env = { .open_dev = fake_open, .topo_synthetic = T_topo ? T_topo : "pack:2 core:2 pu:2",
				 .handle_signals = signals,
				 .wq_cpumask = T_wq ? T_wq : "/nonexistent/workqueue/cpumask" };

	bench_invoke(o, &env, line);
}

/* stdout must be exactly one JSON document. */
static struct json_object *one_doc(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *j = json_tokener_parse_ex(tok, text, (int)strlen(text));
	size_t used = json_tokener_get_parse_end(tok);

	json_tokener_free(tok);
	if (!j)
		return NULL;
	for (; text[used]; used++)
		if (text[used] != '\n' && text[used] != ' ') {
			json_object_put(j);
			return NULL;
		}
	return j;
}

static const char *jstr(struct json_object *j, const char *k1, const char *k2)
{
	struct json_object *v;

	if (!json_object_object_get_ex(j, k1, &v))
		return "";
	if (k2 && !json_object_object_get_ex(v, k2, &v))
		return "";
	return json_object_get_string(v);
}

static uint64_t jnum(struct json_object *j, const char *k1, const char *k2)
{
	struct json_object *v;

	if (!json_object_object_get_ex(j, k1, &v))
		return UINT64_MAX;
	if (k2 && !json_object_object_get_ex(v, k2, &v))
		return UINT64_MAX;
	return json_object_get_uint64(v);
}

FIXTURE(flow) {
	struct out o;
};

FIXTURE_SETUP(flow)
{
	T_topo = T_wq = NULL;
	fake_reset();
	memset(&self->o, 0, sizeof(self->o));
}

FIXTURE_TEARDOWN(flow)
{
	free(self->o.out);
	free(self->o.err);
}

TEST_F(flow, run_json_success)
{
	static const int want[] = { IOPF_BENCH_OP_VERSION, IOPF_BENCH_OP_START, IOPF_BENCH_OP_STATUS,
				    IOPF_BENCH_OP_WAIT, IOPF_BENCH_OP_RESULTS, IOPF_BENCH_OP_RESET };
	struct json_object *j;

	F.waits_left = 2;
	run(&self->o, "run --json --group-size 8 --injectors 2 --duration 1 --rate 9k --seed 5", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	/* Diagnostics would go to stderr; a clean run has none. */
	EXPECT_STREQ("", self->o.err);
	EXPECT_FALSE(F.bad_struct);
	/* VERSION START STATUS WAIT(x3) RESULTS RESET, nothing else. */
	ASSERT_EQ(8, F.nseq);
	for (int i = 0, k = 0; i < F.nseq; i++) {
		if (F.seq[i] == IOPF_BENCH_OP_WAIT && i > 3 && F.seq[i - 1] == IOPF_BENCH_OP_WAIT)
			continue;
		EXPECT_EQ(want[k], F.seq[i]) TH_LOG("op %d", i);
		k++;
	}
	EXPECT_EQ(3, F.calls[IOPF_BENCH_OP_WAIT]);
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_STOP]);
	/* START got the config, and the two injectors on two packages. */
	EXPECT_EQ(8, F.cfg.group_size);
	EXPECT_EQ(IOPF_BENCH_HANDLER_WQ, F.cfg.handler);
	EXPECT_EQ(IOPF_BENCH_PACE_CONSTANT, F.cfg.pacing);
	EXPECT_EQ(9000, F.cfg.rate_per_s);
	EXPECT_EQ(1000, F.cfg.duration_ms);
	EXPECT_EQ(5, F.cfg.seed);
	EXPECT_EQ(2, F.cfg.nr_cpus);
	EXPECT_EQ(2, F.cfg.nr_injectors);
	EXPECT_EQ(0, F.cpus[0]);
	EXPECT_EQ(4, F.cpus[1]);
	/* ABI 3: the whole config, the driver model at its defaults, no stream. */
	EXPECT_EQ(184, F.start_size);
	EXPECT_EQ(0, F.cfg.ts_interval_ns);
	EXPECT_EQ(IOPF_BENCH_MODEL_VTD, F.cfg.model);
	EXPECT_EQ(IOPF_BENCH_REPORTER_FIFO, F.cfg.reporter_prio);
	EXPECT_EQ(1, F.cfg.nr_iommus);
	EXPECT_EQ(0, F.cfg.prq_depth);
	EXPECT_EQ(0, F.cfg.nr_irq_cpus);
	EXPECT_EQ(0, F.cfg.defer_ns);
	/* One JSON document. */
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("success", jstr(j, "status", NULL));
	EXPECT_EQ(1000, jnum(j, "groups", NULL));
	EXPECT_EQ(F.res.lat_response.p99_ns, jnum(j, "latency_ns", "p99"));
	EXPECT_STREQ("ok", jstr(j, "latency_ns", "histogram_check"));
	EXPECT_STREQ("tsc", jstr(j, "clock", NULL));
	EXPECT_EQ(9, jnum(j, "run_id", NULL));
	EXPECT_STREQ("6.12.57-fake", jstr(j, "module", "kernel_release"));
	EXPECT_EQ(2, json_object_array_length(json_object_object_get(json_object_object_get(j, "environment"), "cpus")));
	/* The new latencies, cross-checked against the raw histograms like the old ones. */
	EXPECT_EQ(F.res.lat_queue.p99_ns, jnum(j, "queue_latency_ns", "p99"));
	EXPECT_STREQ("ok", jstr(j, "queue_latency_ns", "histogram_check"));
	EXPECT_STREQ("ok", jstr(j, "report_last_latency_ns", "histogram_check"));
	EXPECT_STREQ("ok", jstr(j, "report_partial_latency_ns", "histogram_check"));
	EXPECT_EQ(0, jnum(j, "send_lag_latency_ns", "count"));
	EXPECT_STREQ("vtd", jstr(j, "config", "model"));
	EXPECT_STREQ("fifo", jstr(j, "config", "reporter_prio"));
	EXPECT_EQ(2048, jnum(j, "config", "prq_depth"));
	EXPECT_EQ(9, jnum(j, "config", "grpid_bits"));
	EXPECT_EQ(33, jnum(j, "prq", "max_fill"));
	EXPECT_EQ(500, jnum(j, "reporters", "cpu_ns_per_request"));
	json_object_put(j);
}

TEST_F(flow, run_driver_model)
{
	struct json_object *j;

	F.res.handler = IOPF_BENCH_HANDLER_DEFER;
	F.res.nr_iommus = 2;
	F.res.prq_depth = 64;
	F.res.response_ns = 300;
	F.res.defer_ns = 5000;
	F.res.deferred_groups = 1000;
	run(&self->o, "run --json --handler defer --defer-ns 5000 --iommus 2 --devices 2 --prq-depth 64 "
	    "--irq-cpus 7,6 --response-ns 300 --unbinders 1", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_FALSE(F.bad_struct);
	EXPECT_EQ(184, F.start_size);
	EXPECT_EQ(IOPF_BENCH_HANDLER_DEFER, F.cfg.handler);
	EXPECT_EQ(5000, F.cfg.defer_ns);
	EXPECT_EQ(IOPF_BENCH_MODEL_VTD, F.cfg.model);
	EXPECT_EQ(2, F.cfg.nr_iommus);
	EXPECT_EQ(64, F.cfg.prq_depth);
	EXPECT_EQ(300, F.cfg.response_ns);
	ASSERT_EQ(2, F.cfg.nr_irq_cpus);
	EXPECT_EQ(6, F.irq_cpus[0]);
	EXPECT_EQ(7, F.irq_cpus[1]);
	EXPECT_EQ(IOPF_BENCH_REPORTER_FIFO, F.cfg.reporter_prio);
	EXPECT_EQ(0, F.cfg.__reserved5);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("defer", jstr(j, "config", "handler"));
	EXPECT_EQ(5000, jnum(j, "config", "defer_ns"));
	EXPECT_EQ(2, jnum(j, "config", "iommus"));
	EXPECT_EQ(64, jnum(j, "config", "prq_depth"));
	EXPECT_EQ(300, jnum(j, "config", "response_ns"));
	EXPECT_EQ(2, json_object_array_length(json_object_object_get(json_object_object_get(j, "config"),
								     "irq_cpus")));
	EXPECT_EQ(1000, jnum(j, "deferred", "groups"));
	json_object_put(j);

	/* The direct model: no PRQ depth, 32-bit grpids; --model direct is sent as such. */
	fake_reset();
	F.res.model = IOPF_BENCH_MODEL_DIRECT;
	F.res.prq_depth = 0;
	F.res.grpid_bits = 32;
	run(&self->o, "run --model direct --iommus 3 --devices 3", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(IOPF_BENCH_MODEL_DIRECT, F.cfg.model);
	EXPECT_EQ(3, F.cfg.nr_iommus);
	EXPECT_EQ(0, F.cfg.prq_depth);
	EXPECT_NE(NULL, strstr(self->o.out, "model=direct iommus=3")) TH_LOG("%s", self->o.out);
	EXPECT_EQ(NULL, strstr(self->o.out, "prq-depth=")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "driver: model direct, 1 IOMMU, PRQ depth 0, 32-bit grpids"));

	/* IRQ CPUs are checked against the machine (8 CPUs) before the device is opened. */
	fake_reset();
	run(&self->o, "run --iommus 2 --devices 2 --irq-cpus 7-8", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--irq-cpus: CPU 8 does not exist")) TH_LOG("%s", self->o.err);
	EXPECT_EQ(0, F.nseq);
}

TEST_F(flow, abi7_models)
{
	struct json_object *j;

	/* amd with its reporters at SCHED_NORMAL: sent as such, echoed next to the model. */
	F.res.model = IOPF_BENCH_MODEL_AMD;
	F.res.reporter_prio = IOPF_BENCH_REPORTER_NORMAL;
	F.res.pasid_only = 1;
	F.res.pasids = 2;
	F.ver.pasid_only_models = 1u << IOPF_BENCH_MODEL_AMD;
	run(&self->o, "run --json --model amd --pasids 2 --reporter-prio normal", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_FALSE(F.bad_struct);
	EXPECT_EQ(184, F.start_size);
	EXPECT_EQ(IOPF_BENCH_MODEL_AMD, F.cfg.model);
	EXPECT_EQ(IOPF_BENCH_REPORTER_NORMAL, F.cfg.reporter_prio);
	EXPECT_EQ(2, F.cfg.pasids);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("amd", jstr(j, "config", "model"));
	EXPECT_STREQ("normal", jstr(j, "config", "reporter_prio"));
	EXPECT_TRUE(json_object_get_boolean(json_object_object_get(json_object_object_get(j, "config"),
								   "pasid_only")));
	EXPECT_STREQ("amd", json_object_get_string(json_object_array_get_idx(json_object_object_get(
		json_object_object_get(j, "module"), "pasid_only_models"), 0)));
	json_object_put(j);
	run(&self->o, "run --model amd --pasids 2 --reporter-prio normal", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_NE(NULL, strstr(self->o.out, " model=amd reporter-prio=normal pasid-only iommus=1 prq-depth=2048"))
		TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "driver: model amd (reporters normal; PASIDs only: the driver rejects "
			       "PASID-less requests), 1 IOMMU"));
	/* `results` alone says the same from the module's echo. */
	run(&self->o, "results", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_NE(NULL, strstr(self->o.out, "model=amd reporter-prio=normal pasid-only iommus=1"))
		TH_LOG("%s", self->o.out);
	run(&self->o, "version", 0);
	EXPECT_NE(NULL, strstr(self->o.out, "models: vtd amd (PASIDs only on this kernel) smmuv3-stall direct\n"))
		TH_LOG("%s", self->o.out);

	/* A model whose driver rejects PASID-less requests here, with no PASID: exit 2 before START. */
	fake_reset();
	F.ver.pasid_only_models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_AMD);
	run(&self->o, "run --pasids 0", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "iopf-bench run: --model vtd on this kernel rejects PASID-less page "
			       "requests (VT-d 6.12 intel/prq.c:217; AMD ppr.c:140): give --pasids >= 1.\n"))
		TH_LOG("%s", self->o.err);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_VERSION]);
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_START]);
	run(&self->o, "start --model amd --pasids 0", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--model amd on this kernel rejects PASID-less page requests"));
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_START]);
	run(&self->o, "run --pasids 1", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_START]);
	/* A bare run works there: --pasids defaults to 1 (6.12's vtd is PASID-only). */
	run(&self->o, "run", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(2, F.calls[IOPF_BENCH_OP_START]);
	EXPECT_EQ(1, F.cfg.pasids);
	EXPECT_EQ(0, F.cfg.credit);	/* the module's default */
	/* A credit per PASID is enough for a PASID-only model; on 7.x's vtd the RID needs one too. */
	run(&self->o, "run --pasids 4 --credit 4", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(3, F.calls[IOPF_BENCH_OP_START]);
	F.ver.pasid_only_models = 1u << IOPF_BENCH_MODEL_AMD;
	run(&self->o, "run --pasids 4 --credit 4", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "iopf-bench run: --credit 4 is below the 5 streams of a device (the RID "
			       "and --pasids 4: --model vtd sees the RID's requests on this kernel)"))
		TH_LOG("%s", self->o.err);
	EXPECT_EQ(3, F.calls[IOPF_BENCH_OP_START]);

	/* smmuv3-stall: 16-bit grpids (the stall tag); direct: no reporter, no scheduling. */
	fake_reset();
	F.res.model = IOPF_BENCH_MODEL_SMMUV3_STALL;
	F.res.grpid_bits = 16;
	F.res.group_size = 1;
	F.res.reporter_prio = IOPF_BENCH_REPORTER_FIFO_LOW;
	run(&self->o, "run --model smmuv3-stall --reporter-prio fifo-low", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(IOPF_BENCH_MODEL_SMMUV3_STALL, F.cfg.model);
	EXPECT_EQ(IOPF_BENCH_REPORTER_FIFO_LOW, F.cfg.reporter_prio);
	EXPECT_NE(NULL, strstr(self->o.out, " model=smmuv3-stall reporter-prio=fifo-low iommus=1")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "driver: model smmuv3-stall (reporters fifo-low), 1 IOMMU, PRQ depth 2048, "
			       "16-bit grpids"));
	fake_reset();
	F.res.model = IOPF_BENCH_MODEL_DIRECT;
	F.res.prq_depth = 0;
	F.res.grpid_bits = 32;
	run(&self->o, "run --json --model direct", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(0, F.cfg.reporter_prio);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("direct", jstr(j, "config", "model"));
	EXPECT_TRUE(json_object_object_get_ex(json_object_object_get(j, "config"), "reporter_prio", NULL));
	EXPECT_EQ(NULL, json_object_object_get(json_object_object_get(j, "config"), "reporter_prio"));
	json_object_put(j);
	run(&self->o, "run --model direct", 0);
	EXPECT_EQ(NULL, strstr(self->o.out, "reporter-prio")) TH_LOG("%s", self->o.out);
	EXPECT_EQ(NULL, strstr(self->o.out, "(reporters")) TH_LOG("%s", self->o.out);
	/* Bad combinations never reach the device. */
	fake_reset();
	run(&self->o, "run --model direct --reporter-prio normal", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	run(&self->o, "run --model prq", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--model prq: the model was renamed vtd in ABI 7"));
	EXPECT_EQ(0, F.nseq);
}

TEST_F(flow, abi6_module)
{
	struct json_object *j;

	/* An ABI 6 module: no amd, no smmuv3-stall, reporters at SCHED_NORMAL, model 1 its prq. */
	F.ver.abi_version = 6;
	F.ver.models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_DIRECT);
	F.ver.pasid_only_models = 0;
	F.res.abi_version = 6;
	F.res.reporter_prio = 0;
	F.res.pasid_only = 0;
	run(&self->o, "run --model amd --pasids 1", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--model amd needs a module of ABI 7 or later; this one speaks ABI 6."))
		TH_LOG("%s", self->o.err);
	run(&self->o, "run --model smmuv3-stall", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--model smmuv3-stall needs a module of ABI 7 or later"));
	run(&self->o, "run --reporter-prio fifo-low", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--reporter-prio fifo-low needs a module of ABI 7 or later; this one "
			       "speaks ABI 6."));
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_START]);
	/* The defaults run (reporter_prio was __reserved4: 0), and the echo says what the module did. */
	run(&self->o, "run --json", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_START]);
	EXPECT_EQ(184, F.start_size);
	EXPECT_EQ(0, F.cfg.reporter_prio);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("prq", jstr(j, "config", "model"));
	EXPECT_STREQ("normal", jstr(j, "config", "reporter_prio"));
	EXPECT_FALSE(json_object_get_boolean(json_object_object_get(json_object_object_get(j, "config"),
								    "pasid_only")));
	EXPECT_EQ(NULL, json_object_object_get(json_object_object_get(j, "module"), "pasid_only_models"));
	json_object_put(j);
	run(&self->o, "run", 0);
	EXPECT_NE(NULL, strstr(self->o.out, " model=prq reporter-prio=normal iommus=1")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "driver: model prq (reporters normal), 1 IOMMU")) TH_LOG("%s", self->o.out);
	run(&self->o, "version", 0);
	EXPECT_NE(NULL, strstr(self->o.out, "models: prq direct\n")) TH_LOG("%s", self->o.out);
	/* ABI 7's handler and vtd knob: refused naming the ABI, before START. */
	fake_reset();
	F.ver.abi_version = 6;
	F.ver.handlers &= ~(1u << IOPF_BENCH_HANDLER_IOMMUFD);
	run(&self->o, "run --handler iommufd", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_STREQ("iopf-bench run: warning: the module speaks ABI 6, this tool ABI 7\n"
		     "iopf-bench run: --handler iommufd needs a module of ABI 7 or later; this one speaks ABI 6.\n",
		     self->o.err);
	run(&self->o, "run --vtd-wake all", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "iopf-bench run: --vtd-wake all needs a module of ABI 7 or later; this one "
			       "speaks ABI 6.\n")) TH_LOG("%s", self->o.err);
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_START]);
}

TEST_F(flow, abi6_module_histograms)
{
	struct json_object *j, *h;
	char path[] = "/tmp/bench_hist6_XXXXXX";
	char line[128];
	int fd = mkstemp(path);

	/* An ABI 6 module dumps eleven histograms: read, dumped and checked, without queue_in_flush. */
	ASSERT_LE(0, fd);
	close(fd);
	F.ver.abi_version = 6;
	F.ver.hist_nr = IOPF_BENCH_HIST_QUEUE_IN_FLUSH;
	F.res.abi_version = 6;
	memset(&F.res.lat_queue_in_flush, 0, sizeof(F.res.lat_queue_in_flush));
	memset(F.hist + IOPF_BENCH_HIST_QUEUE_IN_FLUSH * NB, 0, NB * sizeof(uint64_t));
	F.res.lat_report_in_flush.p90_ns *= 5;	/* its histograms are still cross-checked */
	snprintf(line, sizeof(line), "run --json --hist %s", path);
	run(&self->o, line, 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(NULL, strstr(self->o.err, "no raw histograms")) TH_LOG("%s", self->o.err);
	EXPECT_NE(NULL, strstr(self->o.err, "warning: report_in_flush latency: p90")) TH_LOG("%s", self->o.err);
	EXPECT_EQ(NULL, strstr(self->o.err, "queue_in_flush")) TH_LOG("%s", self->o.err);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_EQ(57, jnum(j, "report_in_flush_latency_ns", "count"));
	EXPECT_STREQ("ok", jstr(j, "queue_latency_ns", "histogram_check"));
	EXPECT_EQ(NULL, json_object_object_get(j, "queue_in_flush_latency_ns"));
	json_object_put(j);
	h = json_object_from_file(path);
	unlink(path);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(IOPF_BENCH_HIST_QUEUE_IN_FLUSH, json_object_object_length(json_object_object_get(h, "histograms")));
	EXPECT_EQ(NULL, json_object_object_get(json_object_object_get(h, "histograms"), "queue_in_flush"));
	EXPECT_EQ(57, jnum(json_object_object_get(json_object_object_get(h, "histograms"), "report_in_flush"),
			   "count", NULL));
	json_object_put(h);
	/* The text: the report in a flush of its device, no queue wait in a flush. */
	run(&self->o, "run", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_NE(NULL, strstr(self->o.out, "report in dev flush  = report during a flush of the same device, n=57\n"))
		TH_LOG("%s", self->o.out);
	EXPECT_EQ(NULL, strstr(self->o.out, "queue in IOMMU flush")) TH_LOG("%s", self->o.out);
	/* An ABI 6 module with fewer than its eleven is not a layout this tool reads. */
	F.ver.hist_nr = IOPF_BENCH_HIST_QUEUE_IN_FLUSH - 1;
	run(&self->o, "run --json", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_NE(NULL, strstr(self->o.err, "no raw histograms")) TH_LOG("%s", self->o.err);
}

TEST_F(flow, abi7_iommufd_and_vtd_wake)
{
	struct json_object *j;

	/* iommufd: sent with its defer time; its kept groups and late answers in the text. */
	F.res.handler = IOPF_BENCH_HANDLER_IOMMUFD;
	F.res.defer_ns = 4000;
	F.res.deferred_groups = 900;
	F.res.late_answers = 3;
	run(&self->o, "run --handler iommufd --defer-ns 4000 --unbinders 1 --pasids 2 --unbind-scope pasid", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_FALSE(F.bad_struct);
	EXPECT_EQ(IOPF_BENCH_HANDLER_IOMMUFD, F.cfg.handler);
	EXPECT_EQ(4000, F.cfg.defer_ns);
	EXPECT_EQ(IOPF_BENCH_UNBIND_PASID, F.cfg.unbind_scope);
	EXPECT_EQ(0, F.cfg.flags & IOPF_BENCH_RUN_VTD_WAKE_ALL);
	EXPECT_NE(NULL, strstr(self->o.out, "config: handler=iommufd defer-ns=4000 ")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "deferred: 900 groups, 3 answers after the device's IOPF was torn down"))
		TH_LOG("%s", self->o.out);
	/* The default defer time, like defer's. */
	run(&self->o, "run --json --handler iommufd", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(1000000, F.cfg.defer_ns);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("iommufd", jstr(j, "config", "handler"));
	EXPECT_EQ(3, jnum(j, "deferred", "late_answers"));
	json_object_put(j);
	/* version lists it (the module sets bit 5). */
	run(&self->o, "version", 0);
	EXPECT_NE(NULL, strstr(self->o.out, "handlers: wq inline null defer iommufd\n")) TH_LOG("%s", self->o.out);
	/* A module without it (no bit 5) refuses it before START. */
	F.ver.handlers &= ~(1u << IOPF_BENCH_HANDLER_IOMMUFD);
	run(&self->o, "run --handler iommufd", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--handler iommufd is not offered by this module; accepted: wq, inline, "
			       "null, defer.")) TH_LOG("%s", self->o.err);
	EXPECT_EQ(2, F.calls[IOPF_BENCH_OP_START]);

	/* --vtd-wake all: the run flag, echoed next to the model. */
	fake_reset();
	F.res.run_flags = IOPF_BENCH_RUN_VTD_WAKE_ALL;
	run(&self->o, "run --vtd-wake all", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(IOPF_BENCH_RUN_VTD_WAKE_ALL, F.cfg.flags);
	EXPECT_NE(NULL, strstr(self->o.out, " model=vtd reporter-prio=fifo vtd-wake=all iommus=1")) TH_LOG("%s", self->o.out);
	run(&self->o, "run --json --vtd-wake all", 0);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("all", jstr(j, "config", "vtd_wake"));
	json_object_put(j);
	run(&self->o, "results --json", 0);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("all", jstr(j, "config", "vtd_wake"));
	json_object_put(j);

	/* Bad combinations: exit 2, one line, nothing sent to the module. */
	fake_reset();
	run(&self->o, "run --model amd --vtd-wake all", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_STREQ("iopf-bench run: --vtd-wake all is for --model vtd (VT-d's prq_complete); --model amd has no "
		     "such wait.\n", self->o.err);
	run(&self->o, "run --handler iommufd --unbinders 1 --pasids 2 --unbind-scope replace", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_STREQ("iopf-bench run: --handler iommufd does not go with --unbind-scope replace: iommufd's replace "
		     "auto-response is not modelled; use --unbind-scope pasid or device.\n", self->o.err);
	run(&self->o, "run --defer-ns 5000 --handler inline", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_STREQ("iopf-bench run: --defer-ns needs --handler defer or iommufd; the other handlers keep no group "
		     "to answer later.\n", self->o.err);
	EXPECT_EQ(0, F.nseq);
}

TEST_F(flow, abi1_module)
{
	struct json_object *j;

	/* An ABI 1 module: VERSION ends at __reserved, no models, 5 histograms. */
	F.ver.abi_version = 1;
	memset(&F.ver.models, 0, sizeof(F.ver) - offsetof(struct iopf_bench_version, models));
	F.ver.hist_nr = 5;
	F.ver.handlers &= ~(1u << IOPF_BENCH_HANDLER_DEFER);
	/* ... and its results end before the driver model. */
	memset(&F.res.model, 0, sizeof(F.res) - offsetof(struct iopf_bench_results, model));
	F.res.abi_version = 1;
	/* The default PRQ model is refused after VERSION, before START. */
	run(&self->o, "run", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "warning: the module speaks ABI 1, this tool ABI 7"));
	EXPECT_NE(NULL, strstr(self->o.err, "this module speaks ABI 1, which has only the direct model"));
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_START]);
	/* The direct model runs, with the 128-byte config ABI 1 knows. */
	run(&self->o, "run --model direct", 0);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_START]);
	EXPECT_EQ(128, F.start_size);
	EXPECT_FALSE(F.bad_struct);
	EXPECT_EQ(0, F.cfg.model);	/* not sent */
	/* Its histograms are not a layout this tool reads; the run is still reported. */
	EXPECT_NE(NULL, strstr(self->o.err, "no raw histograms")) TH_LOG("%s", self->o.err);
	EXPECT_NE(NULL, strstr(self->o.out, "End of test: SUCCESS")) TH_LOG("%s", self->o.out);
	/* Nothing of the driver model it does not have. */
	EXPECT_NE(NULL, strstr(self->o.out, "arrival->response"));
	EXPECT_EQ(NULL, strstr(self->o.out, "sent->report"));
	EXPECT_EQ(NULL, strstr(self->o.out, "driver:"));
	EXPECT_EQ(NULL, strstr(self->o.out, "PRQ:"));
	run(&self->o, "run --model direct --json", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("%s", self->o.err);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_EQ(NULL, json_object_object_get(j, "prq"));
	EXPECT_EQ(NULL, json_object_object_get(j, "reporters"));
	EXPECT_EQ(NULL, json_object_object_get(j, "queue_latency_ns"));
	EXPECT_NE(NULL, json_object_object_get(j, "latency_ns"));
	/* The settings say what the module did: the direct model, 32-bit grpids, no PRQ. */
	EXPECT_STREQ("direct", jstr(j, "config", "model"));
	EXPECT_EQ(0, jnum(j, "config", "prq_depth"));
	EXPECT_EQ(32, jnum(j, "config", "grpid_bits"));
	json_object_put(j);
}

TEST_F(flow, run_text)
{
	run(&self->o, "run --cpus 5", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(5, F.cpus[0]);
	EXPECT_NE(NULL, strstr(self->o.out, "injectors: CPU 5 (core 2, package 1, SMT sibling)"));
	EXPECT_NE(NULL, strstr(self->o.out, "latency [tsc]"));
	EXPECT_NE(NULL, strstr(self->o.out, "arrival->response"));
	EXPECT_NE(NULL, strstr(self->o.out, "sent->report"));
	EXPECT_NE(NULL, strstr(self->o.out, "report() partial"));
	EXPECT_NE(NULL, strstr(self->o.out, "send lag"));
	EXPECT_NE(NULL, strstr(self->o.out, "config: handler=wq "));
	EXPECT_NE(NULL, strstr(self->o.out, " model=vtd reporter-prio=fifo vtd-wake=one iommus=1 prq-depth=2048"))
		TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, " pasids=1 ")) TH_LOG("%s", self->o.out);
	/* The in-flush rows, then named in full with their sample counts. */
	EXPECT_NE(NULL, strstr(self->o.out, "\n  report in dev flush          57 ")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "\n  queue in IOMMU flush         21 ")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "  report in dev flush  = report during a flush of the same device, n=57\n"
			       "  queue in IOMMU flush = queue wait while any flush runs on the IOMMU, n=21\n"))
		TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "deferred: 0 groups\n")) TH_LOG("%s", self->o.out);
	EXPECT_EQ(NULL, strstr(self->o.out, "defer-ns="));
	EXPECT_EQ(NULL, strstr(self->o.out, "irq-cpus="));
	EXPECT_NE(NULL, strstr(self->o.out, "driver: model vtd (reporters fifo, drains woken one per pass), 1 IOMMU, "
			       "PRQ depth 2048, 9-bit grpids")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "PRQ: overflows 0, dropped 0 (last 0, answered by the hardware), "
			       "discards 0, max fill 33 of 2048\n"));
	EXPECT_NE(NULL, strstr(self->o.out, "reporters: 8000 reports by the reporter threads, 0 by others; "
			       "window: 8000 requests, CPU 4ms, 500ns per request\n"));
	EXPECT_NE(NULL, strstr(self->o.out, "End of test: SUCCESS"));
	EXPECT_EQ(NULL, strstr(self->o.out, "INVARIANT"));
}

TEST_F(flow, violations_exit_1_with_json)
{
	struct json_object *j;

	F.res.status = IOPF_BENCH_RESULT_FAILURE;
	F.res.violations = F.res.viol_unexpected = 1;
	run(&self->o, "run --json", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("failure", jstr(j, "status", NULL));
	EXPECT_EQ(1, jnum(j, "invariant_violations", NULL));
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_RESET]);
	json_object_put(j);

	run(&self->o, "run", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.out, "*** INVARIANT VIOLATED: 1 violation "));

	/* A bad group (ABI 2) fails the run like any other violation. */
	fake_reset();
	F.res.status = IOPF_BENCH_RESULT_FAILURE;
	F.res.violations = F.res.viol_group = 2;
	run(&self->o, "run", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.out, "*** INVARIANT VIOLATED: 2 violations (unexpected 0, late 0, "
			       "lost 0, group 2) ***"));
	EXPECT_NE(NULL, strstr(self->o.out, "group contents: checked 1000, incomplete 0 (short after PRQ "
			       "drops, not a violation), violations 2"));
}

TEST_F(flow, run_error_exit_1)
{
	struct json_object *j;

	F.res.status = IOPF_BENCH_RESULT_ERROR;
	F.res.error = -EIO;
	run(&self->o, "run --json", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("error", jstr(j, "status", NULL));
	EXPECT_STREQ("EIO", jstr(j, "error", "errno_name"));
	json_object_put(j);
}

TEST_F(flow, module_missing_or_unusable_exit_3)
{
	struct json_object *j;

	F.open_rc = -ENOENT;
	run(&self->o, "run", 0);
	EXPECT_EQ(BENCH_EXIT_NOMODULE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "module not loaded: insmod kmod/iopf_bench.ko (or scripts/vm-run --insmod)"));
	run(&self->o, "version", 0);
	EXPECT_EQ(BENCH_EXIT_NOMODULE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "module not loaded"));
	F.open_rc = -EACCES;
	run(&self->o, "status", 0);
	EXPECT_EQ(BENCH_EXIT_NOMODULE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "run as root"));

	/* No IOPF in this kernel: refused before START. */
	fake_reset();
	F.ver.caps = 0;
	F.ver.mock_kind = IOPF_BENCH_MOCK_NONE;
	run(&self->o, "run --json", 0);
	EXPECT_EQ(BENCH_EXIT_NOMODULE, self->o.rc);
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_START]);
	EXPECT_NE(NULL, strstr(self->o.err, "no IOPF framework"));
	/* ... but --json still gets one document saying so. */
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("error", jstr(j, "status", NULL));
	json_object_put(j);

	/* START says EOPNOTSUPP. */
	fake_reset();
	F.rc[IOPF_BENCH_OP_START] = -EOPNOTSUPP;
	run(&self->o, "run", 0);
	EXPECT_EQ(BENCH_EXIT_NOMODULE, self->o.rc);
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_WAIT]);

	/* Not our device at all. */
	fake_reset();
	F.rc[IOPF_BENCH_OP_VERSION] = -ENOTTY;
	run(&self->o, "run", 0);
	EXPECT_EQ(BENCH_EXIT_NOMODULE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "not the iopf_bench device"));
}

TEST_F(flow, module_refusals)
{
	struct json_object *j;

	/* A limit lower than the header's: refused after VERSION, before START. */
	F.ver.max_group_size = 16;
	run(&self->o, "run --group-size 32", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--group-size 32 is above this module's limit; accepted: 1 to 16."));
	EXPECT_EQ(1, F.nseq);
	EXPECT_EQ(IOPF_BENCH_OP_VERSION, F.seq[0]);

	/* START refused with EINVAL: the module's own reason is quoted, exit 2. */
	fake_reset();
	F.rc[IOPF_BENCH_OP_START] = -EINVAL;
	F.reason = "iopf_bench: start: open_groups 1 < 1 + pasids";
	run(&self->o, "run", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "refused the run config (EINVAL): iopf_bench: start: open_groups"));
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_WAIT]);
	/* With --json: one document, status error, with what was asked for. */
	run(&self->o, "run --json --group-size 3", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("error", jstr(j, "status", NULL));
	EXPECT_STREQ("EINVAL", jstr(j, "error", "errno_name"));
	EXPECT_EQ(3, jnum(j, "config", "group_size"));
	EXPECT_STREQ("platform-fwspec", jstr(j, "module", "mock_kind"));
	json_object_put(j);

	/* A run already going. */
	fake_reset();
	F.rc[IOPF_BENCH_OP_START] = -EBUSY;
	run(&self->o, "run", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "already in progress"));
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_RESET]);
}

TEST_F(flow, timeout_stops_the_run)
{
	struct json_object *j;

	F.waits_left = -1;	/* never finishes by itself */
	run(&self->o, "run --json --duration 1 --timeout 30ms", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_STOP]);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_RESULTS]);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_RESET]);
	EXPECT_LE(2, F.calls[IOPF_BENCH_OP_WAIT]);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("error", jstr(j, "status", NULL));
	EXPECT_STREQ("bench", jstr(j, "error", "source"));
	EXPECT_STREQ("ETIMEDOUT", jstr(j, "error", "errno_name"));
	EXPECT_NE(NULL, strstr(jstr(j, "error", "message"), "did not finish within 30ms"));
	/* The results of the stopped run are still there. */
	EXPECT_EQ(1000, jnum(j, "groups", NULL));
	EXPECT_NE(NULL, strstr(self->o.err, "timeout"));
	json_object_put(j);
}

TEST_F(flow, signal_stops_the_run)
{
	struct json_object *j;

	F.wait_signal = SIGINT;
	run(&self->o, "run --json", 1);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_STOP]);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_RESULTS]);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_NE(NULL, strstr(jstr(j, "error", "message"), "interrupted by signal"));
	json_object_put(j);
}

TEST_F(flow, start_only)
{
	run(&self->o, "start --unbinders 2 --devices 2 --duration 1h", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("%s", self->o.err);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_START]);
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_WAIT]);
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_RESET]);
	EXPECT_EQ(2, F.cfg.nr_unbinders);
	EXPECT_EQ(3600000, F.cfg.duration_ms);
	EXPECT_NE(NULL, strstr(self->o.out, "started run 9"));
}

TEST_F(flow, results_subcommand)
{
	static const char *const names[] = { "response", "handler", "work", "unbind", "rebind",
					     "queue", "report_last", "report_partial", "send_lag", "flush",
					     "report_in_flush", "queue_in_flush" };
	struct json_object *j, *hs;
	char path[] = "/tmp/bench_hist_XXXXXX";
	int fd = mkstemp(path);
	struct json_object *h;
	char line[128];

	ASSERT_LE(0, fd);
	close(fd);
	snprintf(line, sizeof(line), "results --json --hist %s", path);
	run(&self->o, line, 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("%s", self->o.err);
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_RESET]);	/* results only reads */
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_START]);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("results", jstr(j, "command", NULL));
	EXPECT_EQ(8, jnum(j, "config", "group_size"));
	json_object_put(j);
	h = json_object_from_file(path);
	unlink(path);
	ASSERT_NE(NULL, h);
	/* Every histogram, by its name, in the order of enum iopf_bench_hist. */
	hs = json_object_object_get(h, "histograms");
	EXPECT_EQ(IOPF_BENCH_HIST_NR, json_object_object_length(hs));
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		EXPECT_NE(NULL, json_object_object_get(hs, names[i])) TH_LOG("no %s", names[i]);
		EXPECT_STREQ(names[i], hist_name(i));
	}
	EXPECT_EQ(7000, jnum(json_object_object_get(hs, "report_partial"), "count", NULL));
	EXPECT_EQ(8000, jnum(json_object_object_get(hs, "queue"), "count", NULL));
	EXPECT_EQ(21, jnum(json_object_object_get(hs, "queue_in_flush"), "count", NULL));
	EXPECT_EQ(57, jnum(json_object_object_get(hs, "report_in_flush"), "count", NULL));
	json_object_put(h);

	fake_reset();
	F.rc[IOPF_BENCH_OP_RESULTS] = -ENODATA;
	run(&self->o, "results", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "no results"));
	F.rc[IOPF_BENCH_OP_RESULTS] = -EBUSY;
	run(&self->o, "results", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "still running"));
}

TEST_F(flow, control_subcommands)
{
	struct json_object *j;

	run(&self->o, "status --json", 0);
	EXPECT_EQ(0, self->o.rc);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("running", jstr(j, "state", NULL));
	json_object_put(j);

	run(&self->o, "stop", 0);
	EXPECT_EQ(0, self->o.rc);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_STOP]);
	F.rc[IOPF_BENCH_OP_STOP] = -ENOENT;
	run(&self->o, "stop", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "no run to stop"));

	run(&self->o, "wait --timeout 5s", 0);
	EXPECT_EQ(0, self->o.rc);
	F.rc[IOPF_BENCH_OP_WAIT] = -ETIMEDOUT;
	run(&self->o, "wait --timeout 5s", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "still running after 5s"));
	EXPECT_EQ(2, F.calls[IOPF_BENCH_OP_STOP]);	/* wait never stops the run */

	run(&self->o, "reset", 0);
	EXPECT_EQ(0, self->o.rc);
	F.rc[IOPF_BENCH_OP_RESET] = -EBUSY;
	run(&self->o, "reset", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);

	run(&self->o, "version --json", 0);
	EXPECT_EQ(0, self->o.rc);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("platform-fwspec", jstr(j, "module", "mock_kind"));
	EXPECT_EQ(IOPF_BENCH_MAX_GROUP_SIZE, jnum(j, "limits", "group_size"));
	EXPECT_EQ(16, jnum(j, "limits", "iommus"));
	EXPECT_EQ(65536, jnum(j, "limits", "prq_depth"));
	EXPECT_EQ(1000000, jnum(j, "limits", "response_ns"));
	EXPECT_EQ(12, jnum(j, "histograms", "nr_histograms"));
	EXPECT_EQ(4, json_object_array_length(json_object_object_get(json_object_object_get(j, "module"), "models")));
	EXPECT_EQ(0, json_object_array_length(json_object_object_get(json_object_object_get(j, "module"),
								     "pasid_only_models")));
	EXPECT_EQ(5, json_object_array_length(json_object_object_get(json_object_object_get(j, "module"), "handlers")));
	json_object_put(j);
	run(&self->o, "version", 0);
	EXPECT_NE(NULL, strstr(self->o.out, "caps: iopf pasid timestamps unbind"));
	EXPECT_NE(NULL, strstr(self->o.out, "(ABI 7, JSON schema 3)"));
	EXPECT_NE(NULL, strstr(self->o.out, "handlers: wq inline null defer iommufd\nmodels: vtd amd smmuv3-stall direct\n"))
		TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, ", IOMMUs 16, PRQ depth 65536, response 1000000 ns\n"));
	EXPECT_NE(NULL, strstr(self->o.out, "histograms: 12 of"));
	EXPECT_FALSE(F.bad_struct);
}

TEST_F(flow, histogram_cross_check_warns)
{
	F.res.lat_handler.p90_ns *= 4;
	run(&self->o, "run --json", 0);
	EXPECT_EQ(0, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "warning: handler latency: p90"));

	/* The ABI 2 histograms are cross-checked too. */
	fake_reset();
	F.res.lat_report_partial.p99_ns *= 4;
	F.res.lat_queue.count++;
	run(&self->o, "run --json", 0);
	EXPECT_EQ(0, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "warning: report_partial latency: p99")) TH_LOG("%s", self->o.err);
	EXPECT_NE(NULL, strstr(self->o.err, "warning: queue latency: the histogram holds 8000 samples, the "
			       "summary counts 8001")) TH_LOG("%s", self->o.err);
	EXPECT_EQ(NULL, strstr(self->o.err, "report_last"));
}

/* ------------------------------------------------------------------------ */
/* Placements and the workqueue cpumask (a file standing for the kernel's). */

static char wq_file_path[64];

/* A fresh workqueue cpumask file holding text; it becomes run()'s and the fake's. */
static const char *wq_file(const char *text)
{
	FILE *f;
	int fd;

	snprintf(wq_file_path, sizeof(wq_file_path), "/tmp/bench_run_test.wq.XXXXXX");
	fd = mkstemp(wq_file_path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	fprintf(f, "%s\n", text);
	fclose(f);
	T_wq = F.wq_path = wq_file_path;
	return wq_file_path;
}

static const char *wq_content(void)
{
	static char buf[64];
	FILE *f = fopen(wq_file_path, "r");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static struct json_object *jget(struct json_object *j, const char *k1, const char *k2)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(j, k1, &v))
		return NULL;
	if (k2 && !json_object_object_get_ex(v, k2, &v))
		return NULL;
	return v;
}

TEST_F(flow, placement_sets_the_cpus_and_the_workqueue)
{
	struct json_object *j, *e;

	ASSERT_NE(NULL, wq_file("ff"));
	run(&self->o, "run --json --placement cross-package --injectors 2", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	/* Reporter in package 0, injectors and workqueue in package 1. */
	ASSERT_EQ(1, F.cfg.nr_irq_cpus);
	EXPECT_EQ(0, F.irq_cpus[0]);
	ASSERT_EQ(2, F.cfg.nr_cpus);
	EXPECT_EQ(4, F.cpus[0]);
	EXPECT_EQ(6, F.cpus[1]);
	/* Set while the run went, restored after it. */
	EXPECT_STREQ("000000f0\n", F.wq_at_start);
	EXPECT_STREQ("ff", wq_content());
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("success", jstr(j, "status", NULL));
	EXPECT_STREQ("cross-package", jstr(j, "config", "placement"));
	EXPECT_STREQ("4-7", jstr(j, "config", "wq_cpus"));
	EXPECT_EQ(1, json_object_array_length(jget(j, "config", "irq_cpus")));
	e = jget(j, "environment", NULL);
	EXPECT_STREQ("0-7", jstr(e, "wq_cpumask", "before"));
	EXPECT_TRUE(json_object_get_boolean(jget(e, "wq_cpumask", "written")));
	EXPECT_EQ(0, json_object_get_int(json_object_object_get(
		json_object_array_get_idx(jget(e, "irq_cpus", NULL), 0), "package")));
	EXPECT_EQ(1, json_object_get_int(json_object_object_get(
		json_object_array_get_idx(jget(e, "cpus", NULL), 1), "package")));
	/* A made-up topology: whether it is a VM's cannot be told, and says so. */
	ASSERT_NE(NULL, jget(e, "topology", NULL));
	EXPECT_TRUE(json_object_object_get_ex(jget(e, "topology", NULL), "emulated", NULL));
	EXPECT_EQ(NULL, jget(e, "topology", "emulated"));
	json_object_put(j);
	unlink(wq_file_path);

	/* The text report says it too. */
	fake_reset();
	ASSERT_NE(NULL, wq_file("000000ff"));
	run(&self->o, "run --placement smt-siblings", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_NE(NULL, strstr(self->o.out, "placement=smt-siblings")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "IRQ CPUs (reporters): CPU 0 (core 0, package 0)")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, "injectors: CPU 1 (core 0, package 0, SMT sibling)"));
	EXPECT_NE(NULL, strstr(self->o.out, "workqueue cpumask: 1 (set for this run; was 0-7)"));
	EXPECT_STREQ("00000002\n", F.wq_at_start);
	EXPECT_STREQ("000000ff", wq_content());
	unlink(wq_file_path);

	/* Already what the placement wants: nothing written. */
	fake_reset();
	ASSERT_NE(NULL, wq_file("f0"));
	run(&self->o, "run --json --placement cross-package", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_FALSE(json_object_get_boolean(jget(jget(j, "environment", NULL), "wq_cpumask", "written")));
	EXPECT_STREQ("4-7", jstr(j, "config", "wq_cpus"));
	json_object_put(j);
	unlink(wq_file_path);
}

TEST_F(flow, placement_without_the_workqueue)
{
	struct json_object *j;

	/* --handler inline uses no workqueue: the mask stays, and is reported as in force. */
	ASSERT_NE(NULL, wq_file("ff"));
	run(&self->o, "run --json --placement same-core --handler inline --injectors 2", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_STREQ("ff\n", F.wq_at_start);
	EXPECT_EQ(0, F.irq_cpus[0]);
	EXPECT_EQ(1, F.cpus[0]);
	EXPECT_EQ(0, F.cpus[1]);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("0-7", jstr(j, "config", "wq_cpus"));
	EXPECT_STREQ("same-core", jstr(j, "config", "placement"));
	json_object_put(j);
	unlink(wq_file_path);

	/* The direct model: no reporter threads, the injectors where they would be with one. */
	fake_reset();
	ASSERT_NE(NULL, wq_file("ff"));
	F.res.model = IOPF_BENCH_MODEL_DIRECT;
	run(&self->o, "run --model direct --placement cross-package --injectors 2", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	EXPECT_EQ(0, F.cfg.nr_irq_cpus);
	EXPECT_EQ(0, F.cfg.irq_cpus_uptr);
	EXPECT_EQ(4, F.cpus[0]);
	EXPECT_EQ(6, F.cpus[1]);
	EXPECT_STREQ("000000f0\n", F.wq_at_start);
	unlink(wq_file_path);

	/* No placement and no workqueue file: the run goes on, wq_cpus unknown (null). */
	fake_reset();
	run(&self->o, "run --json", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("stderr: %s", self->o.err);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("default", jstr(j, "config", "placement"));
	EXPECT_TRUE(json_object_object_get_ex(jget(j, "config", NULL), "wq_cpus", NULL));
	EXPECT_EQ(NULL, jget(j, "config", "wq_cpus"));
	EXPECT_EQ(NULL, jget(j, "environment", "wq_cpumask"));
	json_object_put(j);
}

TEST_F(flow, impossible_placement_skips)
{
	struct json_object *j;

	/* No SMT: smt-siblings cannot exist; exit 4 before the device is opened. */
	T_topo = "pack:1 core:2 pu:1";
	ASSERT_NE(NULL, wq_file("3"));
	run(&self->o, "run --json --placement smt-siblings", 0);
	EXPECT_EQ(BENCH_EXIT_SKIP, self->o.rc);
	EXPECT_EQ(0, F.nseq);
	EXPECT_STREQ("3", wq_content());
	EXPECT_NE(NULL, strstr(self->o.err, "iopf-bench run: skipped: --placement smt-siblings: smt-siblings "
			       "needs a core with 2 PUs; this machine's cores have 1.")) TH_LOG("%s", self->o.err);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", self->o.out);
	EXPECT_STREQ("skipped", jstr(j, "status", NULL));
	EXPECT_STREQ("--placement smt-siblings: smt-siblings needs a core with 2 PUs; this machine's cores "
		     "have 1.", jstr(j, "skip_reason", NULL));
	EXPECT_STREQ("smt-siblings", jstr(j, "config", "placement"));
	EXPECT_EQ(1, jnum(j, "config", "injectors"));
	EXPECT_EQ(2, jnum(jget(j, "environment", NULL), "topology", "pus"));
	EXPECT_EQ(NULL, jget(j, "error", NULL));
	json_object_put(j);
	unlink(wq_file_path);

	/* Without --json: only the reason, on stderr. */
	fake_reset();
	T_topo = "pack:1 core:2 pu:1";
	run(&self->o, "start --placement cross-numa", 0);
	EXPECT_EQ(BENCH_EXIT_SKIP, self->o.rc);
	EXPECT_STREQ("", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.err, "cross-numa needs 2 NUMA nodes with CPUs; this machine has 1"));

	/* A workqueue cpumask that cannot be read: skipped after VERSION, before START. */
	fake_reset();
	T_topo = T_wq = NULL;
	run(&self->o, "run --json --placement compact", 0);
	EXPECT_EQ(BENCH_EXIT_SKIP, self->o.rc);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_VERSION]);
	EXPECT_EQ(0, F.calls[IOPF_BENCH_OP_START]);
	j = one_doc(self->o.out);
	ASSERT_NE(NULL, j);
	EXPECT_STREQ("skipped", jstr(j, "status", NULL));
	EXPECT_NE(NULL, strstr(jstr(j, "skip_reason", NULL), "the workqueue cpumask "
			       "/nonexistent/workqueue/cpumask cannot be read (No such file or directory), "
			       "and the run needs it set to 0-1")) TH_LOG("%s", jstr(j, "skip_reason", NULL));
	EXPECT_STREQ("6.12.57-fake", jstr(j, "module", "kernel_release"));
	json_object_put(j);
}

TEST_F(flow, workqueue_restored_on_every_way_out)
{
	/* The module refuses the run. */
	ASSERT_NE(NULL, wq_file("0f"));
	F.rc_start_late = -EINVAL;
	run(&self->o, "run --wq-cpus 2-3", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_STREQ("0000000c\n", F.wq_at_start);
	EXPECT_STREQ("0f", wq_content());
	unlink(wq_file_path);

	/* Interrupted. */
	fake_reset();
	ASSERT_NE(NULL, wq_file("0f"));
	F.wait_signal = SIGINT;
	run(&self->o, "run --json --wq-cpus 1", 1);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_EQ(1, F.calls[IOPF_BENCH_OP_STOP]);
	EXPECT_STREQ("00000002\n", F.wq_at_start);
	EXPECT_STREQ("0f", wq_content());
	unlink(wq_file_path);

	/* Timed out. */
	fake_reset();
	ASSERT_NE(NULL, wq_file("0f"));
	F.waits_left = -1;
	run(&self->o, "run --duration 1 --timeout 20ms --wq-cpus 0,3", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_STREQ("00000009\n", F.wq_at_start);
	EXPECT_STREQ("0f", wq_content());
	unlink(wq_file_path);

	/* RESULTS failed. */
	fake_reset();
	ASSERT_NE(NULL, wq_file("0f"));
	F.rc[IOPF_BENCH_OP_RESULTS] = -EIO;
	run(&self->o, "run --wq-cpus 3", 0);
	EXPECT_EQ(BENCH_EXIT_FAIL, self->o.rc);
	EXPECT_STREQ("00000008\n", F.wq_at_start);
	EXPECT_STREQ("0f", wq_content());
	unlink(wq_file_path);

	/* start leaves the run in the kernel, and the mask with it; it says how to restore it. */
	fake_reset();
	ASSERT_NE(NULL, wq_file("0f"));
	run(&self->o, "start --json --wq-cpus 1", 0);
	EXPECT_EQ(0, self->o.rc) TH_LOG("%s", self->o.err);
	EXPECT_STREQ("00000002", wq_content());
	EXPECT_NE(NULL, strstr(self->o.err, "start does not restore it: when the run is over, write 0f to "))
		TH_LOG("%s", self->o.err);
	EXPECT_NE(NULL, strstr(self->o.out, "\"wq_cpumask_before\": \"0f\"")) TH_LOG("%s", self->o.out);
	unlink(wq_file_path);

	/* CPUs the machine does not have: exit 2, nothing touched. */
	fake_reset();
	ASSERT_NE(NULL, wq_file("0f"));
	run(&self->o, "run --wq-cpus 7-9", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--wq-cpus: CPU 8 does not exist")) TH_LOG("%s", self->o.err);
	EXPECT_EQ(0, F.nseq);
	EXPECT_STREQ("0f", wq_content());
	unlink(wq_file_path);

	/* A placement and explicit lists: exit 2. */
	fake_reset();
	run(&self->o, "run --placement spread --irq-cpus 3", 0);
	EXPECT_EQ(BENCH_EXIT_USAGE, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--placement spread sets the reporters' (IRQ) CPUs itself; "
			       "--irq-cpus is the explicit alternative: give one or the other."));
}

/* ------------------------------------------------------------------------ */
/*
 * The per-run JSON of every kind of run (results/run-result.schema.json):
 * each model and handler, both clocks and none, open and closed loop, with
 * unbinders, a failed run, the errors (the module's, the tool's with and
 * without results, no module), a skipped run, `results`, `start`, and the
 * older modules (ABI 6, ABI 1). Each prints one JSON document with the
 * status its exit code says; IOPF_BENCH_JSON_DOCS=DIR keeps them
 * (json_docs.h) for tests/host/run_schema_test.sh to validate.
 */

static struct hist_layout doc_layout(void)
{
	struct hist_layout l;

	hist_layout_init(&l, IOPF_BENCH_HIST_SUB_BITS, IOPF_BENCH_HIST_MAX_BITS);
	return l;
}

static void doc_handler_inline(void) { F.res.handler = IOPF_BENCH_HANDLER_INLINE; }
static void doc_handler_null(void) { F.res.handler = IOPF_BENCH_HANDLER_NULL; }

static void doc_handler_defer(void)
{
	F.res.handler = IOPF_BENCH_HANDLER_DEFER;
	F.res.defer_ns = 5000;
	F.res.deferred_groups = 1000;
}

static void doc_handler_iommufd(void)
{
	F.res.handler = IOPF_BENCH_HANDLER_IOMMUFD;
	F.res.defer_ns = 1000000;
	F.res.deferred_groups = 900;
	F.res.late_answers = 3;
}

static void doc_vtd_wake_all(void)
{
	F.res.run_flags = IOPF_BENCH_RUN_VTD_WAKE_ALL;
	F.res.reporter_prio = IOPF_BENCH_REPORTER_FIFO_LOW;
	F.res.pasid_only = 1;
	F.ver.pasid_only_models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_AMD);
}

static void doc_model_amd(void)
{
	F.res.model = IOPF_BENCH_MODEL_AMD;
	F.res.reporter_prio = IOPF_BENCH_REPORTER_NORMAL;
	F.res.pasid_only = 1;
	F.res.pasids = 2;
	F.ver.pasid_only_models = 1u << IOPF_BENCH_MODEL_AMD;
}

static void doc_model_smmuv3(void)
{
	F.res.model = IOPF_BENCH_MODEL_SMMUV3_STALL;
	F.res.grpid_bits = 16;
	F.res.group_size = 1;
	F.res.reporter_prio = IOPF_BENCH_REPORTER_FIFO;
}

/* No reporter threads: no CPU per request (null), the injectors reported. */
static void doc_model_direct(void)
{
	F.res.model = IOPF_BENCH_MODEL_DIRECT;
	F.res.prq_depth = 0;
	F.res.grpid_bits = 32;
	F.res.nr_iommus = 2;
	F.res.nr_devices = 2;
	F.res.reports_by_others = F.res.reports_by_reporters;
	F.res.reports_by_reporters = F.res.reporter_requests = F.res.reporter_cpu_ns = 0;
	F.res.prq_max_fill = 0;
}

static void doc_irq_cpus(void)
{
	F.res.nr_iommus = 2;
	F.res.nr_devices = 2;
	F.res.prq_depth = 64;
	F.res.response_ns = 300;
	F.res.regress_report_ns = 200;	/* the synthetic regression knob on */
}

static void doc_poisson_ktime(void)
{
	struct hist_layout l = doc_layout();

	F.res.clock = IOPF_BENCH_CLOCK_KTIME;
	F.res.pacing = IOPF_BENCH_PACE_POISSON;
	F.res.target_rate_per_s = 5000;
	F.res.rate_per_s = 4990;
	F.res.nr_injectors = 3;
	synth_hist(&l, F.hist + IOPF_BENCH_HIST_SEND_LAG * NB, &F.res.lat_send_lag, 8000, 100, 20000);
}

/* Unbinders ran: the unbind object, rebind and flush latencies, teardown counts. */
static void doc_unbinders(void)
{
	struct hist_layout l = doc_layout();

	F.res.nr_unbinders = 2;
	F.res.nr_devices = 2;
	F.res.unbind_cycles = 40;
	F.res.unbind_errors = 1;
	F.res.abandoned_groups = 20;
	F.res.from_remove = 25;
	F.res.discarded_partials = 7;
	F.res.restarted_groups = 7;
	F.res.detach_flushes = 40;
	F.res.detach_drained = 12;
	synth_hist(&l, F.hist + IOPF_BENCH_HIST_UNBIND * NB, &F.res.lat_unbind, 40, 20000, 100000);
	synth_hist(&l, F.hist + IOPF_BENCH_HIST_REBIND * NB, &F.res.lat_rebind, 39, 10000, 50000);
	synth_hist(&l, F.hist + IOPF_BENCH_HIST_FLUSH * NB, &F.res.lat_flush, 40, 3000, 30000);
}

/* --no-timestamps: counts only, no histograms, no latency (nulls). */
static void doc_no_timestamps(void)
{
	for (unsigned int h = 0; h < IOPF_BENCH_HIST_NR; h++)
		memset((void *)report_latency(&F.res, h), 0, sizeof(struct iopf_bench_latency));
	memset(F.hist, 0, sizeof(F.hist));
	F.res.clock = IOPF_BENCH_CLOCK_NONE;
	F.res.run_flags = IOPF_BENCH_RUN_NO_TIMESTAMPS;
}

static void doc_violations(void)
{
	F.res.status = IOPF_BENCH_RESULT_FAILURE;
	F.res.violations = 3;
	F.res.viol_unexpected = 1;
	F.res.viol_group = 2;
}

static void doc_module_error(void)
{
	F.res.status = IOPF_BENCH_RESULT_ERROR;
	F.res.error = -EIO;
}

static void doc_timeout(void) { F.waits_left = -1; }
static void doc_start_refused(void)
{
	F.rc[IOPF_BENCH_OP_START] = -EINVAL;
	F.reason = "iopf_bench: start: open_groups 1 < 1 + pasids";
}
static void doc_results_failed(void) { F.rc[IOPF_BENCH_OP_RESULTS] = -EIO; }
static void doc_results_nodata(void) { F.rc[IOPF_BENCH_OP_RESULTS] = -ENODATA; }
static void doc_no_module(void) { F.open_rc = -ENOENT; }
static void doc_no_smt(void) { T_topo = "pack:1 core:2 pu:1"; }
static void doc_design(void)
{
	setenv("IOPF_DESIGN", "rcu", 1);
	setenv("IOPF_FLAVOR", "perf", 1);
}

static void doc_wq_file(void);

static void doc_abi6(void)
{
	F.ver.abi_version = 6;
	F.ver.models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_DIRECT);
	F.ver.pasid_only_models = 0;
	F.res.abi_version = 6;
	F.res.reporter_prio = 0;
	F.res.pasid_only = 0;
}

static void doc_abi1(void)
{
	F.ver.abi_version = 1;
	memset(&F.ver.models, 0, sizeof(F.ver) - offsetof(struct iopf_bench_version, models));
	F.ver.hist_nr = 5;
	F.ver.handlers &= ~((1u << IOPF_BENCH_HANDLER_DEFER) | (1u << IOPF_BENCH_HANDLER_IOMMUFD));
	memset(&F.res.model, 0, sizeof(F.res) - offsetof(struct iopf_bench_results, model));
	F.res.abi_version = 1;
}

static const struct {
	const char *name;	/* the document's file name */
	void (*setup)(void);	/* after fake_reset() */
	const char *line;
	int rc;
	const char *status;
} json_docs[] = {
	{ "run-success", NULL, "run --json --duration 1 --rate 9k --seed 5", 0, "success" },
	{ "run-closed-loop", NULL, "run --json --group-size 8 --injectors 2", 0, "success" },
	{ "run-poisson-ktime", doc_poisson_ktime, "run --json --rate 5k --pacing poisson --injectors 3 "
	  "--percentiles 50,75,99.999", 0, "success" },
	{ "handler-inline", doc_handler_inline, "run --json --handler inline --service-ns 500", 0, "success" },
	{ "handler-null", doc_handler_null, "run --json --handler null", 0, "success" },
	{ "handler-defer", doc_handler_defer, "run --json --handler defer --defer-ns 5000", 0, "success" },
	{ "handler-iommufd", doc_handler_iommufd, "run --json --handler iommufd --unbinders 1 --pasids 2 "
	  "--unbind-scope pasid", 0, "success" },
	{ "model-vtd-wake-all", doc_vtd_wake_all, "run --json --vtd-wake all --reporter-prio fifo-low", 0, "success" },
	{ "model-amd", doc_model_amd, "run --json --model amd --pasids 2 --reporter-prio normal", 0, "success" },
	{ "model-smmuv3-stall", doc_model_smmuv3, "run --json --model smmuv3-stall --group-size 1", 0, "success" },
	{ "model-direct", doc_model_direct, "run --json --model direct --iommus 2 --devices 2", 0, "success" },
	{ "irq-cpus-regress", doc_irq_cpus, "run --json --iommus 2 --devices 2 --prq-depth 64 --irq-cpus 7,6 "
	  "--response-ns 300", 0, "success" },
	{ "unbinders", doc_unbinders, "run --json --unbinders 2 --devices 2 --unbind-rate 100 --abandon-every 50", 0, "success" },
	{ "no-timestamps", doc_no_timestamps, "run --json --no-timestamps", 0, "success" },
	{ "placement-wq", doc_wq_file, "run --json --placement cross-package --injectors 2", 0, "success" },
	{ "design-env", doc_design, "run --json --warmup 100ms", 0, "success" },
	{ "failure-violations", doc_violations, "run --json", BENCH_EXIT_FAIL, "failure" },
	{ "error-module", doc_module_error, "run --json", BENCH_EXIT_FAIL, "error" },
	{ "error-timeout", doc_timeout, "run --json --duration 1 --timeout 30ms", BENCH_EXIT_FAIL, "error" },
	{ "error-results-failed", doc_results_failed, "run --json", BENCH_EXIT_FAIL, "error" },
	{ "error-start-refused", doc_start_refused, "run --json --group-size 3", BENCH_EXIT_USAGE, "error" },
	{ "error-no-module", doc_no_module, "run --json", BENCH_EXIT_NOMODULE, "error" },
	{ "skipped-placement", doc_no_smt, "run --json --placement smt-siblings", BENCH_EXIT_SKIP, "skipped" },
	{ "results", doc_unbinders, "results --json", 0, "success" },
	{ "results-no-timestamps", doc_no_timestamps, "results --json", 0, "success" },
	{ "results-error", doc_results_nodata, "results --json", BENCH_EXIT_FAIL, "error" },
	{ "start", NULL, "start --json --duration 1h", 0, "started" },
	{ "start-error", doc_start_refused, "start --json", BENCH_EXIT_USAGE, "error" },
	{ "abi6-run", doc_abi6, "run --json", 0, "success" },
	{ "abi6-results", doc_abi6, "results --json", 0, "success" },
	{ "abi1-run", doc_abi1, "run --json --model direct", 0, "success" },
};

static void doc_wq_file(void)
{
	/* wq_file() is defined above: the workqueue cpumask file of this run. */
	wq_file("ff");
}

TEST_F(flow, json_documents)
{
	for (unsigned int i = 0; i < sizeof(json_docs) / sizeof(json_docs[0]); i++) {
		struct json_object *j;
		char cmd[16];

		fake_reset();
		T_topo = T_wq = NULL;
		if (json_docs[i].setup)
			json_docs[i].setup();
		run(&self->o, json_docs[i].line, 0);
		unsetenv("IOPF_DESIGN");
		unsetenv("IOPF_FLAVOR");
		if (T_wq)
			unlink(wq_file_path);
		EXPECT_EQ(json_docs[i].rc, self->o.rc) TH_LOG("%s: %s", json_docs[i].name, self->o.err);
		j = one_doc(self->o.out);
		EXPECT_NE(NULL, j) TH_LOG("%s: stdout: %s", json_docs[i].name, self->o.out);
		if (!j)
			continue;
		EXPECT_STREQ(json_docs[i].status, jstr(j, "status", NULL)) TH_LOG("%s", json_docs[i].name);
		snprintf(cmd, sizeof(cmd), "%.*s", (int)strcspn(json_docs[i].line, " "), json_docs[i].line);
		EXPECT_STREQ(cmd, jstr(j, "command", NULL)) TH_LOG("%s", json_docs[i].name);
		json_object_put(j);
		EXPECT_EQ(0, save_json_doc(json_docs[i].name, self->o.out))
			TH_LOG("%s: cannot write it into $IOPF_BENCH_JSON_DOCS", json_docs[i].name);
	}
}

TEST_HARNESS_MAIN
