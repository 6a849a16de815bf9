// SPDX-License-Identifier: GPL-2.0
/*
 * opts.c - the option table and everything derived from it: parsing,
 * defaults, range and combination checks, --help.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "opts.h"
#include "topo.h"
#include "xalloc.h"

const struct bench_cmd_info bench_cmds[CMD_NR] = {
	[CMD_VERSION] = { "version", "what the module is: ABI, capabilities, mock kind, limits" },
	[CMD_RUN] = { "run", "start a run, wait for it, print its results, reset (the main one)" },
	[CMD_START] = { "start", "start a run and exit; the run goes on in the kernel" },
	[CMD_STATUS] = { "status", "state and progress of the current run" },
	[CMD_STOP] = { "stop", "end the current run early" },
	[CMD_WAIT] = { "wait", "wait until the current run is finished" },
	[CMD_RESULTS] = { "results", "print the results of the finished run (without resetting it)" },
	[CMD_RESET] = { "reset", "free the finished run" },
};

enum bench_cmd bench_cmd_lookup(const char *name)
{
	for (int c = 0; c < CMD_NR; c++)
		if (!strcmp(bench_cmds[c].name, name))
			return c;
	return CMD_NR;
}

const struct opt_enum handler_names[] = {
	{ "wq", IOPF_BENCH_HANDLER_WQ, "queue the group's work on the iopf workqueue, answer from it (like SVA)" },
	{ "inline", IOPF_BENCH_HANDLER_INLINE, "answer inside the domain's iopf_handler" },
	{ "null", IOPF_BENCH_HANDLER_NULL, "no framework: the injector's own cost" },
	{ "defer", IOPF_BENCH_HANDLER_DEFER, "keep the group and answer it --defer-ns later from another thread, like iommufd's fault fd (no answer at detach: --unbind-scope device only)" },
	{ "iommufd", IOPF_BENCH_HANDLER_IOMMUFD, "iommufd's fault object (ABI 7): keep the group for user space, which answers it --defer-ns later; at every detach the groups still kept are answered INVALID (iommufd_auto_response_faults; on 7.x after the device's IOPF is off: late answers); not with --unbind-scope replace" },
	{ NULL, 0, NULL },
};

/*
 * The driver models, named by the driver each follows (ABI 7; ABI <= 6's
 * "prq" is vtd, made exact to VT-d's source: set_value() refuses the old
 * name with the new one).
 */
const struct opt_enum model_names[] = {
	{ "vtd", IOPF_BENCH_MODEL_VTD, "Intel VT-d's prq.c (the prq model of ABI <= 6): devices fill a page request queue per IOMMU, one reporter thread per IOMMU reports, a detach drains the queue; a page response is a synchronous QI submission; 6.12's rejects PASID-less requests (then --pasids 1 or more)" },
	{ "amd", IOPF_BENCH_MODEL_AMD, "AMD-Vi's PPR log: a queue per IOMMU, one reporter thread per IOMMU, no drain at detach; rejects PASID-less requests (--pasids 1 or more) (ABI 7)" },
	{ "smmuv3-stall", IOPF_BENCH_MODEL_SMMUV3_STALL, "Arm SMMUv3's stall model: every fault a one-request group (--group-size 1) reported under the SMMU's streams_mutex, no drain and no flush at detach (ABI 7)" },
	{ "direct", IOPF_BENCH_MODEL_DIRECT, "injectors report from every CPU themselves: pure framework stress, no hardware does this" },
	{ NULL, 0, NULL },
};

/*
 * How a vtd reporter's pass wakes the drains waiting on the IOMMU's
 * prq_complete (ABI 7, --model vtd; IOPF_BENCH_RUN_VTD_WAKE_ALL).
 */
const struct opt_enum vtd_wake_names[] = {
	{ "one", BENCH_VTD_WAKE_ONE, "VT-d's code: each drain reinits prq_complete and waits on it, each pass complete()s it once; of two drains at once on one IOMMU one can lose its wake-up and wait for the next page request" },
	{ "all", BENCH_VTD_WAKE_ALL, "every drain waits on a wait queue for the head to move, woken by every pass: none misses one, as the driver's comment intends (\"wake up all threads that are waiting\"); a named departure from VT-d's code" },
	{ NULL, 0, NULL },
};

/* How the reporter threads are scheduled (ABI 7; ABI <= 6 ran them SCHED_NORMAL). */
const struct opt_enum reporter_prio_names[] = {
	{ "fifo", IOPF_BENCH_REPORTER_FIFO, "SCHED_FIFO at MAX_RT_PRIO / 2, as a threaded IRQ (sched_set_fifo()); needs CAP_SYS_NICE" },
	{ "fifo-low", IOPF_BENCH_REPORTER_FIFO_LOW, "SCHED_FIFO priority 1 (sched_set_fifo_low()); needs CAP_SYS_NICE" },
	{ "normal", IOPF_BENCH_REPORTER_NORMAL, "SCHED_NORMAL, what ABI <= 6 did" },
	{ NULL, 0, NULL },
};

const struct opt_enum pacing_names[] = {
	{ "closed", IOPF_BENCH_PACE_CLOSED, "as fast as the credit allows (closed loop)" },
	{ "constant", IOPF_BENCH_PACE_CONSTANT, "open loop, constant interarrival (needs --rate)" },
	{ "poisson", IOPF_BENCH_PACE_POISSON, "open loop, exponential interarrival (needs --rate)" },
	{ NULL, 0, NULL },
};

const struct opt_enum scope_names[] = {
	{ "device", IOPF_BENCH_UNBIND_DEVICE, "stop the device, detach its PASIDs and RID (the mock IOMMU drains and flushes inside), disable IOPF, re-enable, re-attach" },
	{ "pasid", IOPF_BENCH_UNBIND_PASID, "stop one PASID, detach it (drain and flush inside), re-attach; the other streams go on (needs --pasids)" },
	{ "replace", IOPF_BENCH_UNBIND_REPLACE, "switch one PASID to the device's other domain with iommu_replace_device_pasid() while it keeps sending (Linux 7.x; needs --pasids)" },
	{ NULL, 0, NULL },
};

const struct opt_enum rid_order_names[] = {
	{ "drain-first", IOPF_BENCH_RID_ORDER_DRAIN_FIRST, "drain the PRQ, flush the iopf workqueue, then remove_device (6.12's VT-d, the order io-pgfault.c asks for)" },
	{ "remove-first", IOPF_BENCH_RID_ORDER_REMOVE_FIRST, "remove_device, then the teardown whose drain returns at once (7.x's VT-d blocking_domain_attach_dev); with --handler wq a use-after-free (see kmod/README.md)" },
	{ "kernel", IOPF_BENCH_RID_ORDER_KERNEL, "the running kernel's VT-d: drain-first on 6.12, remove-first on 7.x" },
	{ NULL, 0, NULL },
};

/* From topo.h's list, the one place the placements are defined. */
const struct opt_enum placement_names[] = {
#define OPT_X_PLACEMENT(id, name, help) { name, TOPO_PLACE_##id, help },
	TOPO_PLACEMENTS(OPT_X_PLACEMENT)
#undef OPT_X_PLACEMENT
	{ NULL, 0, NULL },
};

#define OFF(f) offsetof(struct bench_opts, f)
#define RUNCMDS (CMDF(CMD_RUN) | CMDF(CMD_START))
#define ALLCMDS ((1u << CMD_NR) - 1)
#define MS_PER_S 1000ull

const struct bench_option bench_options[] = {
	/* The run config: what START gets. */
	{ .name = "handler", .type = OPT_ENUM, .off = OFF(handler), .def = IOPF_BENCH_HANDLER_WQ,
	  .enums = handler_names, .help = "how each page request group is answered",
	  .json = "handler", .cmds = RUNCMDS },
	{ .name = "defer-ns", .type = OPT_UINT, .off = OFF(defer_ns), .def = 0,
	  .def_help = "1000000 (1 ms) with --handler defer or iommufd", .min = 1, .max = IOPF_BENCH_MAX_DEFER_NS,
	  .metavar = "N", .help = "answer each group the handler kept this long after the handler, ns: "
	  "the user-space answer delay (only with --handler defer or iommufd)",
	  .json = "defer_ns", .cmds = RUNCMDS },
	{ .name = "group-size", .type = OPT_UINT, .off = OFF(group_size), .def = 1,
	  .min = 1, .max = IOPF_BENCH_MAX_GROUP_SIZE, .metavar = "N",
	  .help = "requests per page request group (1 = last page only)",
	  .json = "group_size", .cmds = RUNCMDS },
	{ .name = "open-groups", .type = OPT_UINT, .off = OFF(open_groups), .def = 0,
	  .def_help = "the injectors per device, at least 1", .min = 1, .max = IOPF_BENCH_MAX_OPEN_GROUPS, .metavar = "N",
	  .help = "groups in their partial phase at once per device (interleaved grpids); at least the injectors sharing a device",
	  .json = "open_groups", .cmds = RUNCMDS },
	{ .name = "injectors", .type = OPT_UINT, .off = OFF(injectors), .def = 1,
	  .min = 1, .max = IOPF_BENCH_MAX_INJECTORS, .metavar = "N",
	  .help = "injector threads, one per CPU picked over the topology (one PU per core first, across packages, then SMT siblings)",
	  .json = "injectors", .cmds = RUNCMDS },
	{ .name = "cpus", .type = OPT_CPULIST, .off = OFF(cpus), .def_help = "--injectors CPUs spread over the topology",
	  .metavar = "LIST", .help = "run one injector on each of these CPUs (cpulist, e.g. 0-3,6)",
	  .max = IOPF_BENCH_MAX_INJECTORS, .entry = "one injector each",
	  .json = "cpus", .cmds = RUNCMDS },
	{ .name = "rate", .type = OPT_U64, .off = OFF(rate_per_s), .def = 0, .def_help = "closed loop",
	  .min = 1, .max = IOPF_BENCH_MAX_RATE_PER_S, .metavar = "N",
	  .help = "open loop: requests/s over all injectors",
	  .json = "rate_per_s", .cmds = RUNCMDS },
	{ .name = "pacing", .type = OPT_ENUM, .off = OFF(pacing), .def = 0,
	  .def_help = "closed without --rate, constant with --rate", .enums = pacing_names,
	  .help = "how requests are paced", .json = "pacing", .cmds = RUNCMDS },
	{ .name = "unbinders", .type = OPT_UINT, .off = OFF(unbinders), .def = 0,
	  .min = 0, .max = IOPF_BENCH_MAX_UNBINDERS, .metavar = "N",
	  .help = "threads cycling unbind/rebind while faults flow (not with --handler null)",
	  .json = "unbinders", .cmds = RUNCMDS },
	{ .name = "duration", .type = OPT_DURATION, .off = OFF(duration_ms), .def = 10 * MS_PER_S,
	  .def_help = "10s, or 0 with --requests", .min = 0, .max = IOPF_BENCH_MAX_DURATION_MS,
	  .metavar = "TIME", .help = "the measured window (0 = until --requests)",
	  .json = "duration_ms", .cmds = RUNCMDS },
	{ .name = "requests", .type = OPT_U64, .off = OFF(max_requests), .def = 0, .def_help = "no limit",
	  .min = 0, .max = UINT64_MAX, .metavar = "N",
	  .help = "stop after N requests in the measured window (whichever of this and --duration comes first)",
	  .json = "max_requests", .cmds = RUNCMDS },
	{ .name = "warmup", .type = OPT_DURATION, .off = OFF(warmup_ms), .def = 0,
	  .min = 0, .max = IOPF_BENCH_MAX_WARMUP_MS, .metavar = "TIME",
	  .help = "run this long before the measured window starts",
	  .json = "warmup_ms", .cmds = RUNCMDS },
	{ .name = "devices", .type = OPT_UINT, .off = OFF(nr_devices), .def = 1,
	  .min = 1, .max = IOPF_BENCH_MAX_DEVICES, .metavar = "N",
	  .help = "mock devices", .json = "devices", .cmds = RUNCMDS },
	{ .name = "pasids", .type = OPT_UINT, .off = OFF(pasids), .def = 1,
	  .def_help = "1: the default model vtd on Linux 6.12, and amd on every kernel, reject "
	  "PASID-less page requests, so 0 would be refused there",
	  .min = 0, .max = IOPF_BENCH_MAX_PASIDS, .metavar = "N",
	  .help = "PASIDs per device; faults also go to the RID unless the model's driver rejects "
	  "PASID-less requests on this kernel (iopf-bench version: \"PASIDs only\"); 0 = RID only",
	  .json = "pasids", .cmds = RUNCMDS },
	{ .name = "credit", .type = OPT_UINT, .off = OFF(credit), .def = 0,
	  .def_help = "max(--open-groups, the streams, 64); with a queue (every model but direct): 64 capped so that the devices' requests fit the queue", .min = 0, .max = IOPF_BENCH_MAX_CREDIT,
	  .metavar = "N", .help = "groups in flight (first request .. response) per device, like a PRI "
	  "credit; at least --open-groups and the streams of a device, one credit each: 1 + --pasids "
	  "(the RID and the PASIDs), or --pasids where the model's driver rejects PASID-less requests "
	  "(0 = default)",
	  .json = "credit", .cmds = RUNCMDS },
	{ .name = "service-ns", .type = OPT_UINT, .off = OFF(service_ns), .def = 0,
	  .min = 0, .max = IOPF_BENCH_MAX_SERVICE_NS, .metavar = "N",
	  .help = "synthetic service time per group in the handler, ns (busy-wait)",
	  .json = "service_ns", .cmds = RUNCMDS },
	{ .name = "service-sleep", .type = OPT_FLAG, .off = OFF(service_sleep),
	  .help = "the service time sleeps instead of busy-waiting (needs --service-ns)",
	  .json = "service_sleep", .cmds = RUNCMDS },
	{ .name = "no-timestamps", .type = OPT_FLAG, .off = OFF(no_timestamps),
	  .help = "no timestamps and no histograms: counts only",
	  .json = "no_timestamps", .cmds = RUNCMDS },
	{ .name = "unbind-scope", .type = OPT_ENUM, .off = OFF(unbind_scope), .def = IOPF_BENCH_UNBIND_DEVICE,
	  .enums = scope_names, .help = "what one unbind cycle takes down (needs --unbinders)",
	  .json = "unbind_scope", .cmds = RUNCMDS },
	{ .name = "unbind-rate", .type = OPT_UINT, .off = OFF(unbind_rate), .def = 0, .def_help = "0, back to back",
	  .min = 0, .max = UINT32_MAX, .metavar = "N",
	  .help = "unbind cycles/s over all unbinders, 0 = back to back (needs --unbinders)",
	  .json = "unbind_rate_per_s", .cmds = RUNCMDS },
	{ .name = "fail-every", .type = OPT_UINT, .off = OFF(fail_every), .def = 0, .def_help = "0, never",
	  .min = 0, .max = UINT32_MAX, .metavar = "N",
	  .help = "the handler fails every Nth group, the core answers FAILURE (not with --handler null)",
	  .json = "fail_every", .cmds = RUNCMDS },
	{ .name = "abandon-every", .type = OPT_UINT, .off = OFF(abandon_every), .def = 0, .def_help = "0, never",
	  .min = 0, .max = UINT32_MAX, .metavar = "N",
	  .help = "the handler keeps every Nth group unanswered for remove_device to answer (needs --unbinders, --unbind-scope device)",
	  .json = "abandon_every", .cmds = RUNCMDS },
	{ .name = "seed", .type = OPT_U64, .off = OFF(seed), .def = 0, .def_help = "0, the module's fixed seed",
	  .min = 0, .max = UINT64_MAX, .metavar = "N",
	  .help = "PRNG seed (Poisson arrivals, unbind targets)",
	  .json = "seed", .cmds = RUNCMDS },

	/* The driver model: how requests reach the framework. */
	{ .name = "model", .type = OPT_ENUM, .off = OFF(model), .def = IOPF_BENCH_MODEL_VTD,
	  .enums = model_names, .help = "how page requests reach the framework: the driver the mock IOMMU "
	  "follows (ABI 7; ABI <= 6's prq is vtd)",
	  .json = "model", .cmds = RUNCMDS },
	{ .name = "reporter-prio", .type = OPT_ENUM, .off = OFF(reporter_prio), .def = IOPF_BENCH_REPORTER_FIFO,
	  .enums = reporter_prio_names, .help = "how the reporter threads are scheduled (ABI 7; a model "
	  "with a reporter: not --model direct)",
	  .json = "reporter_prio", .cmds = RUNCMDS },
	{ .name = "vtd-wake", .type = OPT_ENUM, .off = OFF(vtd_wake), .def = BENCH_VTD_WAKE_ONE,
	  .enums = vtd_wake_names, .help = "how a reporter's pass wakes the detaches draining the IOMMU's "
	  "queue, waiting on its prq_complete (ABI 7; --model vtd only)",
	  .json = "vtd_wake", .cmds = RUNCMDS },
	{ .name = "iommus", .type = OPT_UINT, .off = OFF(nr_iommus), .def = 1,
	  .min = 1, .max = IOPF_BENCH_MAX_IOMMUS, .metavar = "N",
	  .help = "mock IOMMUs, each with its own iopf queue (and, in every model but direct, its own "
	  "page request queue and reporter thread); device d is behind IOMMU d mod N, so at most --devices",
	  .json = "iommus", .cmds = RUNCMDS },
	{ .name = "prq-depth", .type = OPT_UINT, .off = OFF(prq_depth), .def = 0,
	  .def_help = "2048, VT-d's PRQ_DEPTH", .min = IOPF_BENCH_MIN_PRQ_DEPTH, .max = IOPF_BENCH_MAX_PRQ_DEPTH,
	  .metavar = "N", .help = "page request queue entries per IOMMU, a power of two; a full queue overflows "
	  "and drops requests (not with --model direct, which has no queue)",
	  .json = "prq_depth", .cmds = RUNCMDS },
	{ .name = "irq-cpus", .type = OPT_CPULIST, .off = OFF(irq_cpus),
	  .def_help = "IOMMU i on the (i+1)-th online CPU from the last", .metavar = "LIST",
	  .max = IOPF_BENCH_MAX_IOMMUS, .entry = "one per IOMMU",
	  .help = "the IOMMUs' IRQ CPUs (cpulist, one per --iommus): IOMMU i's reporter thread runs on "
	  "the i-th lowest (not with --model direct)",
	  .json = "irq_cpus", .cmds = RUNCMDS },
	{ .name = "placement", .type = OPT_ENUM, .off = OFF(placement), .def = TOPO_PLACE_DEFAULT,
	  .def_help = "default (none)", .enums = placement_names, .help = "where the reporters (IRQ CPUs), the injectors and the "
	  "iopf workqueues run, named; it sets the CPUs --irq-cpus, --cpus and --wq-cpus would (not "
	  "with them). A placement this machine cannot have skips the run (exit 4) with the reason",
	  .json = "placement", .cmds = RUNCMDS },
	{ .name = "wq-cpus", .type = OPT_STRING, .off = OFF(wq_cpus), .def_help = "the kernel's, left alone",
	  .metavar = "LIST", .help = "run the unbound iopf workqueues on these CPUs (cpulist): written to "
	  "/sys/devices/virtual/workqueue/cpumask, which every unbound workqueue follows, for the run "
	  "and restored after it (run; start leaves it set); needs root, else the run is skipped "
	  "(exit 4); only with --handler wq",
	  .json = "wq_cpus", .cmds = RUNCMDS, .check = topo_check_cpulist },
	{ .name = "response-ns", .type = OPT_UINT, .off = OFF(response_ns), .def = 0,
	  .min = 0, .max = IOPF_BENCH_MAX_RESPONSE_NS, .metavar = "N",
	  .help = "busy time of one command of the mock IOMMU's command queue, IRQs off under its queue "
	  "lock, inside page_response (under the core's fault_param->lock): vtd a synchronous QI "
	  "submission (also the QI drain of a detach), amd a COMPLETE_PPR, smmuv3-stall a CMD_RESUME; "
	  "direct: busy in page_response, no lock",
	  .json = "response_ns", .cmds = RUNCMDS },
	{ .name = "rid-order", .type = OPT_ENUM, .off = OFF(rid_order), .def = IOPF_BENCH_RID_ORDER_DRAIN_FIRST,
	  .enums = rid_order_names, .help = "the order of a RID detach in the mock IOMMU: VT-d's knob "
	  "(--model vtd or direct; amd always flushes then removes inside the detach, smmuv3-stall never "
	  "flushes)",
	  .json = "rid_order", .cmds = RUNCMDS },

	/* The tool itself. */
	{ .name = "device", .type = OPT_STRING, .off = OFF(device), .def_str = IOPF_BENCH_DEVICE,
	  .metavar = "PATH", .help = "the module's control device",
	  .json = "device", .cmds = ALLCMDS },
	{ .name = "timeout", .type = OPT_DURATION, .off = OFF(timeout_ms), .def = 0,
	  .def_help = "run: warm-up + duration + 60s (none with --duration 0); wait: none",
	  .min = 0, .max = 7 * 24 * 3600 * MS_PER_S, .metavar = "TIME",
	  .help = "bound on the wait; run: then STOP the run and report an error (0 = wait forever)",
	  .json = "timeout_ms", .cmds = CMDF(CMD_RUN) | CMDF(CMD_WAIT) },
	{ .name = "json", .type = OPT_FLAG, .off = OFF(json),
	  .help = "one JSON document on stdout (diagnostics stay on stderr)",
	  .cmds = CMDF(CMD_VERSION) | CMDF(CMD_RUN) | CMDF(CMD_START) | CMDF(CMD_STATUS) |
		  CMDF(CMD_WAIT) | CMDF(CMD_RESULTS) },
	{ .name = "percentiles", .type = OPT_PCTLIST, .off = OFF(percentiles), .def_str = "50,90,99,99.9,99.99",
	  .metavar = "LIST", .help = "percentiles computed from the raw histograms (0 < p <= 100, at most 4 decimals)",
	  .cmds = CMDF(CMD_RUN) | CMDF(CMD_RESULTS) },
	{ .name = "hist", .type = OPT_STRING, .off = OFF(hist_file), .metavar = "FILE",
	  .help = "write the raw histograms (non-zero buckets: lower bound, upper bound, count) as JSON",
	  .cmds = CMDF(CMD_RUN) | CMDF(CMD_RESULTS) },
	/* The module's time-series stream (ABI 3), drained while the run goes on: run only. */
	{ .name = "timeseries", .type = OPT_STRING, .off = OFF(ts_file), .metavar = "FILE",
	  .help = "stream the run's per-interval samples from the module (drained with io_uring while "
	  "it runs) into this CSV: throughput, report-path and response latency percentiles, flush, "
	  "overflow and unbind counts per interval, t_ms from the measured window's start (warm-up "
	  "negative); the JSON gets a \"timeseries\" object (run only: start cannot read the stream)",
	  .cmds = CMDF(CMD_RUN) },
	{ .name = "ts-interval", .type = OPT_DURATION, .off = OFF(ts_interval_ms), .def = 10,
	  .def_help = "10ms", .min = 1, .max = 10 * MS_PER_S, .metavar = "TIME",
	  .help = "the time-series interval (needs --timeseries; e.g. 10ms)",
	  .cmds = CMDF(CMD_RUN) },
	{ .name = "group-records", .type = OPT_STRING, .off = OFF(ts_groups_file), .metavar = "FILE",
	  .help = "also write one CSV row per answered group (arrival, response, latency, device, "
	  "PASID, grpid, code, source) from the stream (needs --timeseries)",
	  .cmds = CMDF(CMD_RUN) },
	{ .name = "help", .type = OPT_FLAG, .off = OFF(help), .help = "this text (also -h)",
	  .cmds = ALLCMDS },
};
const unsigned int bench_nr_options = sizeof(bench_options) / sizeof(bench_options[0]);

_Static_assert(sizeof(bench_options) / sizeof(bench_options[0]) <=
	       sizeof(((struct bench_opts *)0)->set) / sizeof(bool), "bench_opts.set too small");

int opt_index(const char *name)
{
	for (unsigned int i = 0; i < bench_nr_options; i++)
		if (!strcmp(bench_options[i].name, name))
			return (int)i;
	return -1;
}

bool opt_given(const struct bench_opts *o, const char *name)
{
	int i = opt_index(name);

	return i >= 0 && o->set[i];
}

const char *enum_name(const struct opt_enum *e, uint32_t value)
{
	for (; e->name; e++)
		if (e->value == value)
			return e->name;
	return "?";
}

static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* Value syntax */

int parse_u64(const char *s, uint64_t *v, char *err, size_t len)
{
	unsigned long long x;
	uint64_t mult = 1;
	char *end;

	if (!isdigit((unsigned char)s[0])) {
		errf(err, len, "'%s' is not a number", s);
		return -1;
	}
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2])) {
			errf(err, len, "'%s' is not a number", s);
			return -1;
		}
		x = strtoull(s + 2, &end, 16);
	} else {
		x = strtoull(s, &end, 10);
		switch (*end) {
		case 'k': case 'K': mult = 1000; end++; break;
		case 'M': mult = 1000000; end++; break;
		case 'G': mult = 1000000000; end++; break;
		}
	}
	if (*end) {
		errf(err, len, "'%s' is not a number", s);
		return -1;
	}
	if (errno == ERANGE || __builtin_mul_overflow(x, mult, v)) {
		errf(err, len, "'%s' is too large", s);
		return -1;
	}
	return 0;
}

static const struct {
	const char *name;
	uint64_t ns;
} duration_units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000ull },
	{ "m", 60000000000ull }, { "h", 3600000000000ull },
};

int parse_duration_ms(const char *s, uint64_t *ms, char *err, size_t len)
{
	unsigned __int128 ns, whole = 0, frac = 0, scale = 1;
	uint64_t unit = 1000000000ull;	/* a bare number is seconds */
	const char *p = s;
	unsigned int i, ndig = 0;

	if (!isdigit((unsigned char)*p))
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > 1000000000000000ull)	/* 10^15 of anything is too long */
			goto big;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		for (; isdigit((unsigned char)*p); p++) {
			if (++ndig > 9)
				goto bad;
			frac = frac * 10 + (*p - '0');
			scale *= 10;
		}
	}
	if (*p) {
		for (i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++)
			if (!strcmp(p, duration_units[i].name))
				break;
		if (i == sizeof(duration_units) / sizeof(duration_units[0]))
			goto bad;
		unit = duration_units[i].ns;
	}
	ns = whole * unit;
	if ((frac * unit) % scale) {
		errf(err, len, "'%s' is finer than a nanosecond", s);
		return -1;
	}
	ns += frac * unit / scale;
	if (ns % 1000000) {
		errf(err, len, "'%s' is not a whole number of milliseconds", s);
		return -1;
	}
	if (ns / 1000000 > UINT64_MAX)
		goto big;
	*ms = (uint64_t)(ns / 1000000);
	return 0;
bad:
	errf(err, len, "'%s' is not a duration (e.g. 10, 10s, 500ms, 2m, 1h)", s);
	return -1;
big:
	errf(err, len, "'%s' is too long", s);
	return -1;
}

void fmt_duration_ms(uint64_t ms, char *buf, size_t len)
{
	if (ms == 0)
		snprintf(buf, len, "0s");
	else if (ms % 3600000 == 0)
		snprintf(buf, len, "%" PRIu64 "h", ms / 3600000);
	else if (ms % 60000 == 0)
		snprintf(buf, len, "%" PRIu64 "m", ms / 60000);
	else if (ms % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 "s", ms / 1000);
	else
		snprintf(buf, len, "%" PRIu64 "ms", ms);
}

int parse_pctlist(const char *s, struct pct_list *l, char *err, size_t len)
{
	const char *p = s;

	l->n = 0;
	if (!*p)
		goto bad;
	while (*p) {
		uint64_t whole = 0, frac = 0;
		unsigned int nd = 0, ppm;
		const char *start = p;

		if (!isdigit((unsigned char)*p))
			goto bad;
		for (; isdigit((unsigned char)*p); p++) {
			whole = whole * 10 + (*p - '0');
			if (whole > 100)
				goto range;
		}
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			for (; isdigit((unsigned char)*p); p++) {
				if (++nd > 4) {
					errf(err, len, "'%.*s' has more than 4 decimals",
					     (int)strcspn(start, ","), start);
					return -1;
				}
				frac = frac * 10 + (*p - '0');
			}
		}
		for (; nd < 4; nd++)
			frac *= 10;
		ppm = (uint32_t)(whole * 10000 + frac);
		if (ppm == 0 || ppm > HIST_PPM_MAX)
			goto range;
		if (l->n == PCT_MAX) {
			errf(err, len, "'%s' has more than %d percentiles", s, PCT_MAX);
			return -1;
		}
		l->ppm[l->n++] = ppm;
		if (*p == ',') {
			p++;
			if (!*p)
				goto bad;
		} else if (*p) {
			goto bad;
		}
		continue;
range:
		errf(err, len, "'%.*s' is not a percentile above 0 and at most 100",
		     (int)strcspn(start, ","), start);
		return -1;
	}
	return 0;
bad:
	errf(err, len, "'%s' is not a list of percentiles (e.g. 50,90,99,99.9,99.99)", s);
	return -1;
}

void pct_name(uint32_t ppm, char *buf, size_t len)
{
	unsigned int whole = ppm / 10000, frac = ppm % 10000, nd = 4;

	if (!frac) {
		snprintf(buf, len, "p%u", whole);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		nd--;
	}
	snprintf(buf, len, "p%u.%0*u", whole, (int)nd, frac);
}

/* ------------------------------------------------------------------------ */
/* The table-driven parser */

static void *field(struct bench_opts *o, const struct bench_option *op)
{
	return (char *)o + op->off;
}

/* "1 to 512", "0 to 24h" */
static void range_str(const struct bench_option *op, char *buf, size_t len)
{
	char a[32], b[32];

	switch (op->type) {
	case OPT_DURATION:
		fmt_duration_ms(op->min, a, sizeof(a));
		fmt_duration_ms(op->max, b, sizeof(b));
		snprintf(buf, len, "%s to %s", a, b);
		break;
	case OPT_ENUM: {
		size_t n = 0;

		buf[0] = 0;
		for (const struct opt_enum *e = op->enums; e->name; e++)
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", e == op->enums ? "" : ", ",
				      e->name);
		break;
	}
	default:
		snprintf(buf, len, "%" PRIu64 " to %" PRIu64, op->min, op->max);
		break;
	}
}

static void set_default(struct bench_opts *o, const struct bench_option *op)
{
	void *f = field(o, op);

	switch (op->type) {
	case OPT_UINT:
	case OPT_ENUM:
		*(uint32_t *)f = (uint32_t)op->def;
		break;
	case OPT_U64:
	case OPT_DURATION:
		*(uint64_t *)f = op->def;
		break;
	case OPT_FLAG:
		*(bool *)f = op->def;
		break;
	case OPT_STRING:
		*(const char **)f = op->def_str;
		break;
	case OPT_CPULIST:
		memset(f, 0, sizeof(struct cpu_list));
		break;
	case OPT_PCTLIST: {
		char err[8];

		memset(f, 0, sizeof(struct pct_list));
		if (op->def_str)
			parse_pctlist(op->def_str, f, err, sizeof(err));
		break;
	}
	}
}

static int set_value(struct bench_opts *o, const struct bench_option *op, const char *arg,
		     char *err, size_t len)
{
	char why[160], range[96];
	void *f = field(o, op);
	uint64_t v;

	range_str(op, range, sizeof(range));
	switch (op->type) {
	case OPT_UINT:
	case OPT_U64:
		if (parse_u64(arg, &v, why, sizeof(why))) {
			errf(err, len, "--%s: %s; accepted: %s.", op->name, why, range);
			return -1;
		}
		if (v < op->min || v > op->max) {
			errf(err, len, "--%s %s is out of range; accepted: %s.", op->name, arg, range);
			return -1;
		}
		if (op->type == OPT_UINT)
			*(uint32_t *)f = (uint32_t)v;
		else
			*(uint64_t *)f = v;
		return 0;
	case OPT_DURATION:
		if (parse_duration_ms(arg, &v, why, sizeof(why))) {
			errf(err, len, "--%s: %s; accepted: %s.", op->name, why, range);
			return -1;
		}
		if (v < op->min || v > op->max) {
			errf(err, len, "--%s %s is out of range; accepted: %s.", op->name, arg, range);
			return -1;
		}
		*(uint64_t *)f = v;
		return 0;
	case OPT_ENUM:
		for (const struct opt_enum *e = op->enums; e->name; e++)
			if (!strcmp(e->name, arg)) {
				*(uint32_t *)f = e->value;
				return 0;
			}
		/* ABI 7 renamed the prq model: say so rather than "not valid". */
		if (op->enums == model_names && !strcmp(arg, "prq")) {
			errf(err, len, "--%s prq: the model was renamed vtd in ABI 7 (and made exact to VT-d's "
			     "source); give --%s vtd.", op->name, op->name);
			return -1;
		}
		errf(err, len, "--%s: '%s' is not valid; accepted: %s.", op->name, arg, range);
		return -1;
	case OPT_CPULIST: {
		struct cpu_list *l = f;
		unsigned int max = op->max && op->max < IOPF_BENCH_MAX_INJECTORS ? (unsigned int)op->max :
				   IOPF_BENCH_MAX_INJECTORS;
		int rc = topo_parse_cpulist(arg, l->cpu, max, &l->n, why, sizeof(why));

		if (rc == -2)	/* too many CPUs: say what one stands for */
			errf(err, len, "--%s: %s (%s).", op->name, why, op->entry ? op->entry : "one each");
		else if (rc)
			errf(err, len, "--%s: %s.", op->name, why);
		return rc ? -1 : 0;
	}
	case OPT_PCTLIST:
		if (parse_pctlist(arg, f, why, sizeof(why))) {
			errf(err, len, "--%s: %s.", op->name, why);
			return -1;
		}
		return 0;
	case OPT_STRING:
		if (!*arg) {
			errf(err, len, "--%s needs a non-empty %s.", op->name, op->metavar);
			return -1;
		}
		if (op->check && op->check(arg, why, sizeof(why))) {
			errf(err, len, "--%s: %s.", op->name, why);
			return -1;
		}
		*(const char **)f = arg;
		return 0;
	case OPT_FLAG:
		*(bool *)f = true;
		return 0;
	}
	return -1;
}

/*
 * One value of one option, checked alone (type and range; no combination
 * rules): what a sweep spec's key = value is checked with.
 */
int opts_check_value(const char *name, const char *value, char *err, size_t len)
{
	struct bench_opts *o;
	int i = opt_index(name), rc;

	if (i < 0) {
		errf(err, len, "no option --%s.", name);
		return -1;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		errf(err, len, "out of memory.");
		return -1;
	}
	rc = set_value(o, &bench_options[i], value, err, len);
	free(o);
	return rc;
}

/*
 * The fewest streams (credit slots) a device of the model can have before
 * the module is asked: amd never reports the RID's requests, vtd does not
 * on 6.12 (the module's VERSION says: module_streams()), the others always
 * do.
 */
static uint32_t min_streams(const struct bench_opts *o)
{
	if (o->pasids && (o->model == IOPF_BENCH_MODEL_AMD || o->model == IOPF_BENCH_MODEL_VTD))
		return o->pasids;
	return 1 + o->pasids;
}

/* The streams of a device on this module: the PASIDs, and the RID unless the model faults on PASIDs only. */
static uint32_t module_streams(const struct bench_opts *o, const struct iopf_bench_version *v)
{
	if (o->pasids && v->abi_version >= 7 && (v->pasid_only_models & (1u << o->model)))
		return o->pasids;
	return 1 + o->pasids;
}

/* Combination rules; they mirror the module's (include/iopf_bench.h, kmod/run.c). */
static int check_run_config(struct bench_opts *o, char *err, size_t len)
{
	uint32_t per_dev;

	/* Closed loop without --rate, open loop with it. */
	if (!opt_given(o, "pacing"))
		o->pacing = opt_given(o, "rate") ? IOPF_BENCH_PACE_CONSTANT : IOPF_BENCH_PACE_CLOSED;
	if (o->pacing == IOPF_BENCH_PACE_CLOSED && opt_given(o, "rate")) {
		errf(err, len, "--rate needs an open-loop --pacing (constant or poisson); "
		     "--pacing closed runs as fast as the credit allows.");
		return -1;
	}
	if (o->pacing != IOPF_BENCH_PACE_CLOSED && !opt_given(o, "rate")) {
		errf(err, len, "--pacing %s is open loop and needs --rate N (requests/s, 1 to %llu).",
		     enum_name(pacing_names, o->pacing), (unsigned long long)IOPF_BENCH_MAX_RATE_PER_S);
		return -1;
	}

	/* Injectors: a count spread over the topology, or a CPU list. */
	if (opt_given(o, "cpus")) {
		if (opt_given(o, "injectors") && o->injectors != o->cpus.n) {
			errf(err, len, "--injectors %u does not match --cpus (%u CPUs, one injector each); "
			     "give one or the other.", o->injectors, o->cpus.n);
			return -1;
		}
		o->injectors = o->cpus.n;
	}

	/*
	 * A device shared by several injectors splits its open groups between
	 * them: each needs one. Credit slots map to streams (slot s uses stream
	 * s mod (1 + pasids)), so every stream needs a credit.
	 */
	per_dev = (o->injectors + o->nr_devices - 1) / o->nr_devices;
	if (!opt_given(o, "open-groups"))
		o->open_groups = per_dev;
	if (o->open_groups < per_dev) {
		errf(err, len, "--open-groups %u is below the %u injectors that share a device "
		     "(--injectors %u, --devices %u); give --open-groups %u or more, or more --devices.",
		     o->open_groups, per_dev, o->injectors, o->nr_devices, per_dev);
		return -1;
	}
	if (o->credit && o->credit < o->open_groups) {
		errf(err, len, "--credit %u is below --open-groups (%u); accepted: %u to %u, or 0 for "
		     "the default (see --help).", o->credit, o->open_groups,
		     o->open_groups, IOPF_BENCH_MAX_CREDIT);
		return -1;
	}
	/*
	 * The streams: the RID and the PASIDs, but amd never sees the RID's
	 * (it rejects PASID-less requests) and neither does vtd on 6.12, which
	 * only the module's VERSION tells (opts_check_module checks it then).
	 */
	if (o->credit && o->credit < min_streams(o)) {
		if (min_streams(o) == o->pasids)
			errf(err, len, "--credit %u is below the %u streams of a device (--pasids %u; --model "
			     "%s rejects PASID-less requests): each needs a credit; accepted: %u to %u, or 0 "
			     "for the default.", o->credit, o->pasids, o->pasids,
			     enum_name(model_names, o->model), o->pasids, IOPF_BENCH_MAX_CREDIT);
		else
			errf(err, len, "--credit %u is below the %u streams of a device (the RID and --pasids "
			     "%u): each needs a credit; accepted: %u to %u, or 0 for the default.", o->credit,
			     1 + o->pasids, o->pasids, 1 + o->pasids, IOPF_BENCH_MAX_CREDIT);
		return -1;
	}

	/* Unbinders. */
	if (o->unbinders && o->handler == IOPF_BENCH_HANDLER_NULL) {
		errf(err, len, "--unbinders needs --handler wq, inline, defer or iommufd; --handler null has "
		     "no framework to unbind from.");
		return -1;
	}
	if (!o->unbinders) {
		static const char *const needs_unbinders[] = { "unbind-scope", "unbind-rate" };

		for (unsigned int i = 0; i < 2; i++)
			if (opt_given(o, needs_unbinders[i])) {
				errf(err, len, "--%s has no effect without --unbinders N (1 to %u).",
				     needs_unbinders[i], IOPF_BENCH_MAX_UNBINDERS);
				return -1;
			}
	}
	if (o->unbind_scope != IOPF_BENCH_UNBIND_DEVICE && !o->pasids) {
		errf(err, len, "--unbind-scope %s needs --pasids 1 or more (1 to %u).",
		     o->unbind_scope == IOPF_BENCH_UNBIND_PASID ? "pasid" : "replace",
		     IOPF_BENCH_MAX_PASIDS);
		return -1;
	}
	if (o->unbind_scope == IOPF_BENCH_UNBIND_DEVICE && o->unbinders > o->nr_devices) {
		errf(err, len, "--unbinders %u is above --devices (%u): one unbinder per device at "
		     "most; accepted: 0 to %u.", o->unbinders, o->nr_devices, o->nr_devices);
		return -1;
	}
	if (o->unbind_scope != IOPF_BENCH_UNBIND_DEVICE && o->unbinders > o->nr_devices * o->pasids) {
		errf(err, len, "--unbinders %u is above the %u PASIDs to cycle (--devices x --pasids); "
		     "accepted: 0 to %u.", o->unbinders, o->nr_devices * o->pasids,
		     o->nr_devices * o->pasids);
		return -1;
	}
	if (o->fail_every && o->handler == IOPF_BENCH_HANDLER_NULL) {
		errf(err, len, "--fail-every needs --handler wq, inline, defer or iommufd; --handler null has "
		     "no framework to fail into.");
		return -1;
	}
	if (o->abandon_every) {
		if (!o->unbinders) {
			errf(err, len, "--abandon-every needs --unbinders 1 or more: only remove_device "
			     "answers an abandoned group.");
			return -1;
		}
		if (o->unbind_scope != IOPF_BENCH_UNBIND_DEVICE) {
			errf(err, len, "--abandon-every needs --unbind-scope device: a PASID unbind does "
			     "not call remove_device, which answers abandoned groups.");
			return -1;
		}
	}
	/*
	 * The deferring handlers: defer (kept groups answered later, nothing at
	 * detach) and iommufd (its fault object: also the auto-response at
	 * every detach). Both answer --defer-ns after the handler.
	 */
	if (handler_defers(o->handler)) {
		if (!opt_given(o, "defer-ns"))
			o->defer_ns = BENCH_DEFER_NS_DEFAULT;
		if (o->handler == IOPF_BENCH_HANDLER_DEFER && o->unbinders &&
		    o->unbind_scope != IOPF_BENCH_UNBIND_DEVICE) {
			errf(err, len, "--handler defer does not go with --unbind-scope %s: iommufd answers "
			     "a PASID's held groups at its detach, which this mode does not model (--handler "
			     "iommufd does); use --unbind-scope device.",
			     o->unbind_scope == IOPF_BENCH_UNBIND_PASID ? "pasid" : "replace");
			return -1;
		}
		if (o->handler == IOPF_BENCH_HANDLER_IOMMUFD && o->unbinders &&
		    o->unbind_scope == IOPF_BENCH_UNBIND_REPLACE) {
			errf(err, len, "--handler iommufd does not go with --unbind-scope replace: iommufd's "
			     "replace auto-response is not modelled; use --unbind-scope pasid or device.");
			return -1;
		}
	} else if (opt_given(o, "defer-ns")) {
		errf(err, len, "--defer-ns needs --handler defer or iommufd; the other handlers keep no "
		     "group to answer later.");
		return -1;
	}

	/*
	 * The driver model: a page request queue and its reporter threads in
	 * every model but direct (vtd, amd, smmuv3-stall).
	 */
	if (!model_has_reporter(o->model)) {
		static const char *const prq_only[] = { "prq-depth", "irq-cpus" };

		for (unsigned int i = 0; i < 2; i++)
			if (opt_given(o, prq_only[i])) {
				errf(err, len, "--%s is for the models with a queue (vtd, amd, smmuv3-stall); with "
				     "--model direct the injectors report themselves and there is no PRQ or "
				     "reporter thread.", prq_only[i]);
				return -1;
			}
		if (o->reporter_prio != IOPF_BENCH_REPORTER_FIFO) {
			errf(err, len, "--reporter-prio %s is for the models with a reporter thread (vtd, amd, "
			     "smmuv3-stall); with --model direct the injectors report themselves.",
			     enum_name(reporter_prio_names, o->reporter_prio));
			return -1;
		}
	}
	/* The wake-up of VT-d's drains: a knob of the vtd model only. */
	if (o->vtd_wake == BENCH_VTD_WAKE_ALL && o->model != IOPF_BENCH_MODEL_VTD) {
		errf(err, len, "--vtd-wake all is for --model vtd (VT-d's prq_complete); --model %s has no "
		     "such wait.", enum_name(model_names, o->model));
		return -1;
	}
	if (o->model == IOPF_BENCH_MODEL_SMMUV3_STALL && o->group_size > 1) {
		errf(err, len, "--group-size %u does not go with --model smmuv3-stall: SMMUv3 reports every "
		     "stall as a one-request group; accepted: 1.", o->group_size);
		return -1;
	}
	if (o->model == IOPF_BENCH_MODEL_AMD && o->unbind_scope == IOPF_BENCH_UNBIND_REPLACE) {
		errf(err, len, "--unbind-scope replace does not go with --model amd: AMD's "
		     "iommu_sva_set_dev_pasid refuses a replace (-EOPNOTSUPP); use --unbind-scope pasid "
		     "or device.");
		return -1;
	}
	if ((o->model == IOPF_BENCH_MODEL_AMD || o->model == IOPF_BENCH_MODEL_SMMUV3_STALL) &&
	    o->rid_order != IOPF_BENCH_RID_ORDER_DRAIN_FIRST) {
		errf(err, len, "--rid-order %s does not go with --model %s: the RID order knob is VT-d's "
		     "(--model vtd or direct); %s.", enum_name(rid_order_names, o->rid_order),
		     enum_name(model_names, o->model), o->model == IOPF_BENCH_MODEL_AMD ?
		     "amd always flushes, then removes, inside the detach" : "smmuv3-stall never flushes");
		return -1;
	}
	if (o->nr_iommus > o->nr_devices) {
		errf(err, len, "--iommus %u is above --devices (%u): an IOMMU without a device has nothing "
		     "to report; accepted: 1 to %u.", o->nr_iommus, o->nr_devices,
		     o->nr_devices < IOPF_BENCH_MAX_IOMMUS ? o->nr_devices : IOPF_BENCH_MAX_IOMMUS);
		return -1;
	}
	if (o->prq_depth & (o->prq_depth - 1)) {
		errf(err, len, "--prq-depth %u is not a power of two (the PRQ is a ring, as VT-d's); "
		     "accepted: 16, 32, 64, ... 65536.", o->prq_depth);
		return -1;
	}
	if (o->irq_cpus.n && o->irq_cpus.n != o->nr_iommus) {
		errf(err, len, "--irq-cpus names %u CPU%s but --iommus is %u: give one CPU per IOMMU, or "
		     "leave --irq-cpus out for the default placement.", o->irq_cpus.n,
		     o->irq_cpus.n == 1 ? "" : "s", o->nr_iommus);
		return -1;
	}
	/* A named placement or explicit CPU lists, not both ("default" is none). */
	if (opt_given(o, "placement") && o->placement != TOPO_PLACE_DEFAULT) {
		static const char *const lists[] = { "cpus", "irq-cpus", "wq-cpus" };
		static const char *const what[] = { "injectors'", "reporters' (IRQ)", "workqueue's" };

		for (unsigned int i = 0; i < 3; i++)
			if (opt_given(o, lists[i])) {
				errf(err, len, "--placement %s sets the %s CPUs itself; --%s is the explicit "
				     "alternative: give one or the other.",
				     enum_name(placement_names, o->placement), what[i], lists[i]);
				return -1;
			}
	}
	if (opt_given(o, "wq-cpus") && o->handler != IOPF_BENCH_HANDLER_WQ) {
		errf(err, len, "--wq-cpus is for --handler wq: only it queues work on the iopf workqueue "
		     "(--handler %s does not).", enum_name(handler_names, o->handler));
		return -1;
	}

	if (o->service_sleep && !o->service_ns) {
		errf(err, len, "--service-sleep needs --service-ns N (1 to %u).", IOPF_BENCH_MAX_SERVICE_NS);
		return -1;
	}

	/* When it ends. */
	if (!opt_given(o, "duration") && opt_given(o, "requests") && o->max_requests)
		o->duration_ms = 0;
	if (!o->duration_ms && !o->max_requests) {
		errf(err, len, "--duration 0 needs --requests N: the run would never end.");
		return -1;
	}
	if (o->max_requests && o->max_requests < o->injectors) {
		errf(err, len, "--requests %llu is below the %u injectors (each sends at least one); "
		     "accepted: %u or more.", (unsigned long long)o->max_requests, o->injectors,
		     o->injectors);
		return -1;
	}
	if (o->no_timestamps) {
		if (opt_given(o, "hist")) {
			errf(err, len, "--hist needs timestamps; drop --no-timestamps.");
			return -1;
		}
		if (opt_given(o, "percentiles")) {
			errf(err, len, "--percentiles needs timestamps; drop --no-timestamps.");
			return -1;
		}
	}
	if (!o->ts_file && (opt_given(o, "ts-interval") || o->ts_groups_file)) {
		errf(err, len, "--%s needs --timeseries FILE (the module's stream is on only with it).",
		     o->ts_groups_file ? "group-records" : "ts-interval");
		return -1;
	}
	return 0;
}

int opts_parse(struct bench_opts *o, enum bench_cmd cmd, int argc, char **argv, char *err, size_t len)
{
	const char *cname = bench_cmds[cmd].name;
	int i;

	memset(o, 0, sizeof(*o));
	for (unsigned int k = 0; k < bench_nr_options; k++)
		set_default(o, &bench_options[k]);

	/* --help wins over anything else on the line. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			o->help = true;
			return 0;
		}
	}

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq;
		char name[64];
		const struct bench_option *op;
		int k;

		if (a[0] != '-' || a[1] != '-' || !a[2]) {
			errf(err, len, "unexpected argument '%s' (see iopf-bench %s --help).", a, cname);
			return -1;
		}
		eq = strchr(a + 2, '=');
		snprintf(name, sizeof(name), "%.*s", (int)(eq ? eq - (a + 2) : (int)strlen(a + 2)), a + 2);
		k = opt_index(name);
		if (k < 0) {
			errf(err, len, "unknown option '--%s' (see iopf-bench %s --help).", name, cname);
			return -1;
		}
		op = &bench_options[k];
		if (!(op->cmds & CMDF(cmd))) {
			errf(err, len, "--%s is not an option of '%s' (see iopf-bench %s --help).", name, cname,
			     cname);
			return -1;
		}
		if (op->type == OPT_FLAG) {
			if (eq) {
				errf(err, len, "--%s takes no value.", name);
				return -1;
			}
		} else if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			char range[96];

			range_str(op, range, sizeof(range));
			if (op->type == OPT_STRING || op->type == OPT_CPULIST || op->type == OPT_PCTLIST)
				errf(err, len, "--%s needs a value (%s).", name, op->metavar);
			else
				errf(err, len, "--%s needs a value; accepted: %s.", name, range);
			return -1;
		}
		if (set_value(o, op, val, err, len))
			return -1;
		o->set[k] = true;
	}

	if (cmd == CMD_RUN || cmd == CMD_START) {
		if (check_run_config(o, err, len))
			return -1;
		/* Default bound on the wait: the run's own length plus a minute. */
		if (cmd == CMD_RUN && !opt_given(o, "timeout") && o->duration_ms)
			o->timeout_ms = o->warmup_ms + o->duration_ms + 60 * MS_PER_S;
	}
	if (o->timeout_ms > UINT32_MAX)
		o->timeout_ms = UINT32_MAX;
	return 0;
}

/* ------------------------------------------------------------------------ */

/*
 * What --help shows as the default, allocated: a def_help explains a default
 * in words and may be as long as it needs (a fixed buffer once cut the
 * --credit help at "fit the queu]"). "" when there is none.
 */
static char *default_str(const struct bench_option *op)
{
	char tmp[32];

	if (op->def_help)
		return xstrdup(op->def_help);
	switch (op->type) {
	case OPT_UINT:
	case OPT_U64:
		return xasprintf("%" PRIu64, op->def);
	case OPT_DURATION:
		fmt_duration_ms(op->def, tmp, sizeof(tmp));
		return xstrdup(tmp);
	case OPT_ENUM:
		return xstrdup(enum_name(op->enums, (uint32_t)op->def));
	case OPT_STRING:
	case OPT_PCTLIST:
		return xstrdup(op->def_str);	/* NULL -> "" */
	default:
		return xstrdup("");
	}
}

/* Print text from column indent (where the cursor is) up to width, wrapping at spaces. */
static void wrap(FILE *f, const char *text, int indent, int width)
{
	int col = indent;

	while (*text) {
		int w = (int)strcspn(text, " ");

		if (col > indent && col + 1 + w > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		col += fprintf(f, "%.*s", w, text);
		text += w;
		while (*text == ' ')
			text++;
	}
}

/*
 * One option's entry: "  --NAME METAVAR" (or its enum's names), the help
 * wrapped at 100 columns from column 28, then "[RANGE; default D]". Written
 * straight to f or into allocated strings, never into a fixed buffer, so that
 * no help text or default can be cut short (bench_opts_test checks every one
 * against this table).
 */
static void help_option(FILE *f, const struct bench_option *op)
{
	char range[96], *def, *line = NULL;
	int n;

	n = fprintf(f, "  --%s", op->name);
	if (op->type == OPT_ENUM) {
		n += fprintf(f, " {");
		for (const struct opt_enum *e = op->enums; e->name; e++)
			n += fprintf(f, "%s%s", e == op->enums ? "" : ",", e->name);
		n += fprintf(f, "}");
	} else if (op->type != OPT_FLAG) {
		n += fprintf(f, " %s", op->metavar);
	}
	if (n > 27)
		fprintf(f, "\n%-28s", "");
	else
		fprintf(f, "%*s", 28 - n, "");
	wrap(f, op->help, 28, 100);
	def = default_str(op);
	switch (op->type) {
	case OPT_UINT:
	case OPT_U64:
	case OPT_DURATION:
		/* Numbers only: its 96 bytes hold two 20-digit bounds. */
		range_str(op, range, sizeof(range));
		/* A long default (the reason for it) wraps like the help. */
		line = xasprintf("[%s; default %s]", range, def);
		break;
	case OPT_FLAG:
		break;
	default:
		if (def[0])
			line = xasprintf("[default %s]", def);
		break;
	}
	if (line) {
		fprintf(f, "\n%-28s", "");
		wrap(f, line, 28, 100);
	}
	free(line);
	free(def);
	fputc('\n', f);
	if (op->type == OPT_ENUM)
		for (const struct opt_enum *e = op->enums; e->name; e++)
		{
			if (strlen(e->name) > 9)	/* too long for its column: a line of its own */
				fprintf(f, "%-30s%s\n%-40s", "", e->name, "");
			else
				fprintf(f, "%-30s%-9s ", "", e->name);
			wrap(f, e->help, 40, 100);
			fputc('\n', f);
		}
}

void opts_help(FILE *f, enum bench_cmd cmd)
{
	unsigned int mask = cmd == CMD_NR ? (1u << CMD_NR) - 1 : CMDF(cmd);
	bool any_run = false;

	if (cmd == CMD_NR) {
		fprintf(f, "usage: iopf-bench COMMAND [options]\n\n"
			"Benchmark and stress test of the Linux I/O page fault framework, driven\n"
			"through the iopf_bench module (%s).\n\ncommands:\n", IOPF_BENCH_DEVICE);
		for (int c = 0; c < CMD_NR; c++)
			fprintf(f, "  %-10s%s\n", bench_cmds[c].name, bench_cmds[c].summary);
		fprintf(f, "  %-10s%s\n", "sweep", "run a spec file's points (VMs per design, or this host) "
			"into a results folder, with its report");
		fprintf(f, "  %-10s%s\n", "report", "recompute a results folder's run.json, CSVs, figures "
			"and report.html");
		fprintf(f, "  %-10s%s\n", "compare", "the CI gate: a results folder against a baseline "
			"(exit 0 ok, 1 regression, 2 invalid input)");
		fprintf(f, "  %-10s%s\n", "baseline", "save a results folder as a named baseline "
			"(results/baselines/NAME), or list them");
		fprintf(f, "  %-10s%s\n", "calibrate", "measure the gate's false-alarm and detection rates "
			"on this machine (VMs)");
		fprintf(f, "  %-10s%s\n", "--version", "this tool's version, ABI and git revision, without the "
			"module; the loaded module's too");
		fprintf(f, "\n'iopf-bench COMMAND --help' lists the options of one command.\n"
			"\nrun and start options (the run config):\n");
	} else {
		fprintf(f, "usage: iopf-bench %s [options]\n\n%s.\n\noptions:\n", bench_cmds[cmd].name,
			bench_cmds[cmd].summary);
	}
	for (unsigned int i = 0; i < bench_nr_options; i++) {
		const struct bench_option *op = &bench_options[i];

		if (!(op->cmds & mask))
			continue;
		if (cmd == CMD_NR) {
			/* Top level: the run config first, then the rest. */
			bool run_only = (op->cmds & ~(CMDF(CMD_RUN) | CMDF(CMD_START))) == 0;

			if (!run_only && !any_run) {
				fprintf(f, "\nother options (see each command's --help):\n");
				any_run = true;
			}
		}
		help_option(f, op);
	}
	if (cmd == CMD_RUN || cmd == CMD_START)
		fprintf(f, "\nOn a host (not in a scripts/vm-run guest, whose console vm-run reads), a BUG,\n"
			"WARNING, Oops, lockdep, KASAN or hung-task line in the kernel log from START to\n"
			"the command's end fails it (exit 1) with that line.\n");
	fprintf(f, "\nNumbers take k, M, G (10^3, 10^6, 10^9) or 0x; durations take ns, us, ms,\n"
		"s, m, h (a bare number is seconds).\n");
	if (cmd == CMD_RUN || cmd == CMD_NR)
		fprintf(f, "\nExit status of run: 0 success, 1 invariant violations or an error (the\n"
			"results are still printed), 2 bad usage, 3 module missing or unusable, 4 skipped:\n"
			"the point cannot exist here (a placement this machine cannot have, a workqueue\n"
			"cpumask that cannot be set; the reason on stderr, and in the JSON's skip_reason).\n");
}

/* ------------------------------------------------------------------------ */

void opts_to_run_config(const struct bench_opts *o, struct iopf_bench_run_config *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->flags = (o->no_timestamps ? IOPF_BENCH_RUN_NO_TIMESTAMPS : 0) |
		   (o->service_sleep ? IOPF_BENCH_RUN_SERVICE_SLEEP : 0) |
		   /* ABI 7; check_run_config keeps it to --model vtd */
		   (o->vtd_wake == BENCH_VTD_WAKE_ALL ? IOPF_BENCH_RUN_VTD_WAKE_ALL : 0);
	c->handler = o->handler;
	c->pacing = o->pacing;
	c->nr_devices = o->nr_devices;
	c->pasids = o->pasids;
	c->group_size = o->group_size;
	c->open_groups = o->open_groups;
	c->credit = o->credit;
	c->nr_injectors = o->cpus.n;
	c->nr_cpus = o->cpus.n;
	c->cpus_uptr = (uintptr_t)o->cpus.cpu;
	c->nr_unbinders = o->unbinders;
	c->rate_per_s = o->pacing == IOPF_BENCH_PACE_CLOSED ? 0 : o->rate_per_s;
	c->duration_ms = o->duration_ms;
	c->max_requests = o->max_requests;
	c->warmup_ms = (uint32_t)o->warmup_ms;
	c->service_ns = o->service_ns;
	c->unbind_scope = o->unbind_scope;
	c->rid_order = o->rid_order;
	c->unbind_rate_per_s = o->unbind_rate;
	c->fail_every = o->fail_every;
	c->abandon_every = o->abandon_every;
	c->seed = o->seed;
	/* ABI 2 */
	c->model = o->model;
	c->nr_iommus = o->nr_iommus;
	c->prq_depth = model_has_reporter(o->model) ? o->prq_depth : 0;
	c->response_ns = o->response_ns;
	c->nr_irq_cpus = o->irq_cpus.n;
	c->irq_cpus_uptr = o->irq_cpus.n ? (uintptr_t)o->irq_cpus.cpu : 0;
	c->defer_ns = handler_defers(o->handler) ? o->defer_ns : 0;
	/* ABI 7 (was __reserved4: 0, the default, for older modules) */
	c->reporter_prio = model_has_reporter(o->model) ? o->reporter_prio : 0;
	/* ABI 3: the time-series stream */
	if (o->ts_file) {
		c->ts_interval_ns = o->ts_interval_ms * 1000000ull;
		if (o->ts_groups_file)
			c->flags |= IOPF_BENCH_RUN_TS_GROUPS;
	}
}

uint32_t opts_run_config_size(uint32_t abi_version)
{
	/*
	 * ABI 1 stops at __reserved3: 128 bytes, which it takes; ABI 2 adds the
	 * driver model (168), ABI 3 the time-series stream (184). ABI 5
	 * (rid_order) and 7 (reporter_prio) took reserved fields: 184 still.
	 */
	if (abi_version < 2)
		return offsetof(struct iopf_bench_run_config, model);
	if (abi_version < 3)
		return offsetof(struct iopf_bench_run_config, ts_interval_ns);
	return sizeof(struct iopf_bench_run_config);
}

int opts_check_module(const struct bench_opts *o, const struct iopf_bench_version *v,
		      char *err, size_t len)
{
	static const struct {
		const char *opt;
		size_t opts_off;
		size_t ver_off;
		uint32_t min;
		uint32_t abi;		/* the ABI version that has the limit */
	} limits[] = {
		{ "group-size", OFF(group_size), offsetof(struct iopf_bench_version, max_group_size), 1, 1 },
		{ "open-groups", OFF(open_groups), offsetof(struct iopf_bench_version, max_open_groups), 1, 1 },
		{ "credit", OFF(credit), offsetof(struct iopf_bench_version, max_credit), 0, 1 },
		{ "devices", OFF(nr_devices), offsetof(struct iopf_bench_version, max_devices), 1, 1 },
		{ "pasids", OFF(pasids), offsetof(struct iopf_bench_version, max_pasids), 0, 1 },
		{ "injectors", OFF(injectors), offsetof(struct iopf_bench_version, max_injectors), 1, 1 },
		{ "unbinders", OFF(unbinders), offsetof(struct iopf_bench_version, max_unbinders), 0, 1 },
		{ "service-ns", OFF(service_ns), offsetof(struct iopf_bench_version, max_service_ns), 0, 1 },
		{ "iommus", OFF(nr_iommus), offsetof(struct iopf_bench_version, max_iommus), 1, 2 },
		{ "prq-depth", OFF(prq_depth), offsetof(struct iopf_bench_version, max_prq_depth),
		  IOPF_BENCH_MIN_PRQ_DEPTH, 2 },
		{ "response-ns", OFF(response_ns), offsetof(struct iopf_bench_version, max_response_ns), 0, 2 },
	};

	/*
	 * ABI 7's handler, and its flag: said with the ABI rather than as "not
	 * offered" (an older module's handlers mask has no bit 5).
	 */
	if (v->abi_version < 7 && o->handler == IOPF_BENCH_HANDLER_IOMMUFD) {
		errf(err, len, "--handler iommufd needs a module of ABI 7 or later; this one speaks ABI %u.",
		     v->abi_version);
		return -1;
	}
	if (v->abi_version < 7 && o->vtd_wake == BENCH_VTD_WAKE_ALL) {
		errf(err, len, "--vtd-wake all needs a module of ABI 7 or later; this one speaks ABI %u.",
		     v->abi_version);
		return -1;
	}
	/*
	 * An ABI 1 module knows nothing of the driver model: its injectors
	 * report themselves (the direct model), one IOMMU, no busy page_response.
	 */
	if (v->abi_version < 2) {
		if (o->model != IOPF_BENCH_MODEL_DIRECT) {
			errf(err, len, "this module speaks ABI %u, which has only the direct model (the "
			     "injectors report themselves); give --model direct or load an ABI 2 module.",
			     v->abi_version);
			return -1;
		}
		if (o->nr_iommus > 1 || o->response_ns) {
			errf(err, len, "--%s needs a module of ABI 2 or later; this one speaks ABI %u.",
			     o->nr_iommus > 1 ? "iommus" : "response-ns", v->abi_version);
			return -1;
		}
	}
	/*
	 * ABI 7 named the models by their driver and added amd, smmuv3-stall
	 * and the reporters' scheduling; an older module's reporters run
	 * SCHED_NORMAL and its reporter_prio is a reserved field (0).
	 */
	if (v->abi_version >= 2 && v->abi_version < 7) {
		if (o->model == IOPF_BENCH_MODEL_AMD || o->model == IOPF_BENCH_MODEL_SMMUV3_STALL) {
			errf(err, len, "--model %s needs a module of ABI 7 or later; this one speaks ABI %u.",
			     enum_name(model_names, o->model), v->abi_version);
			return -1;
		}
		if (o->reporter_prio != IOPF_BENCH_REPORTER_FIFO) {
			errf(err, len, "--reporter-prio %s needs a module of ABI 7 or later; this one speaks "
			     "ABI %u.", enum_name(reporter_prio_names, o->reporter_prio), v->abi_version);
			return -1;
		}
	}
	for (unsigned int i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		uint32_t val = *(const uint32_t *)((const char *)o + limits[i].opts_off);
		uint32_t max = *(const uint32_t *)((const char *)v + limits[i].ver_off);

		if (v->abi_version < limits[i].abi)
			continue;
		if (val > max) {
			errf(err, len, "--%s %u is above this module's limit; accepted: %u to %u.",
			     limits[i].opt, val, limits[i].min, max);
			return -1;
		}
	}
	if (!(v->handlers & (1u << o->handler))) {
		char offered[64];
		size_t n = 0;

		offered[0] = 0;
		for (const struct opt_enum *e = handler_names; e->name; e++)
			if (v->handlers & (1u << e->value))
				n += snprintf(offered + n, n < sizeof(offered) ? sizeof(offered) - n : 0,
					      "%s%s", n ? ", " : "", e->name);
		errf(err, len, "--handler %s is not offered by this module; accepted: %s.",
		     enum_name(handler_names, o->handler), n ? offered : "none");
		return -1;
	}
	if (v->abi_version >= 2 && !(v->models & (1u << o->model))) {
		char offered[64];
		size_t n = 0;

		offered[0] = 0;
		for (const struct opt_enum *e = model_names; e->name; e++)
			if (v->models & (1u << e->value))
				n += snprintf(offered + n, n < sizeof(offered) ? sizeof(offered) - n : 0,
					      "%s%s", n ? ", " : "", e->name);
		errf(err, len, "--model %s is not offered by this module; accepted: %s.",
		     enum_name(model_names, o->model), n ? offered : "none");
		return -1;
	}
	/* ABI 7: a driver that rejects PASID-less requests on this kernel faults on PASIDs only. */
	if (v->abi_version >= 7 && (v->pasid_only_models & (1u << o->model)) && !o->pasids) {
		errf(err, len, "--model %s on this kernel rejects PASID-less page requests (VT-d 6.12 "
		     "intel/prq.c:217; AMD ppr.c:140): give --pasids >= 1.", enum_name(model_names, o->model));
		return -1;
	}
	/*
	 * The credit of each stream, now that the module says which models
	 * fault on PASIDs only here (check_run_config let vtd's through on
	 * --pasids alone; an older module's models all see the RID).
	 */
	if (o->credit && o->credit < module_streams(o, v)) {
		errf(err, len, "--credit %u is below the %u streams of a device (the RID and --pasids %u: "
		     "--model %s sees the RID's requests on this kernel): each needs a credit; accepted: "
		     "%u to %u, or 0 for the default.", o->credit, module_streams(o, v), o->pasids,
		     enum_name(model_names, o->model), module_streams(o, v), IOPF_BENCH_MAX_CREDIT);
		return -1;
	}
	if (o->pasids && !(v->caps & IOPF_BENCH_CAP_PASID)) {
		errf(err, len, "--pasids %u needs PASID support, which this module lacks; accepted: 0.",
		     o->pasids);
		return -1;
	}
	if (o->unbinders && !(v->caps & IOPF_BENCH_CAP_UNBIND)) {
		errf(err, len, "--unbinders %u needs unbind support, which this module lacks; accepted: 0.",
		     o->unbinders);
		return -1;
	}
	if (!o->no_timestamps && !(v->caps & IOPF_BENCH_CAP_TIMESTAMPS)) {
		errf(err, len, "this module keeps no timestamps; run with --no-timestamps.");
		return -1;
	}
	if (o->ts_file) {
		uint64_t ns = o->ts_interval_ms * 1000000ull;

		if (v->abi_version < 3 || !(v->caps & IOPF_BENCH_CAP_STREAM)) {
			errf(err, len, "--timeseries needs a module with the time-series stream (ABI 3); "
			     "this one speaks ABI %u.", v->abi_version);
			return -1;
		}
		if (ns < v->min_ts_interval_ns || ns > v->max_ts_interval_ns) {
			errf(err, len, "--ts-interval %llums is outside this module's limits; accepted: "
			     "%llu ms to %llu ms.", (unsigned long long)o->ts_interval_ms,
			     (unsigned long long)(v->min_ts_interval_ns + 999999) / 1000000,
			     (unsigned long long)v->max_ts_interval_ns / 1000000);
			return -1;
		}
	}
	for (unsigned int i = 0; i < o->cpus.n && v->nr_cpu_ids; i++)
		if (o->cpus.cpu[i] >= v->nr_cpu_ids) {
			errf(err, len, "--cpus: CPU %u is beyond the kernel's CPUs (0 to %u).",
			     o->cpus.cpu[i], v->nr_cpu_ids - 1);
			return -1;
		}
	for (unsigned int i = 0; i < o->irq_cpus.n && v->nr_cpu_ids; i++)
		if (o->irq_cpus.cpu[i] >= v->nr_cpu_ids) {
			errf(err, len, "--irq-cpus: CPU %u is beyond the kernel's CPUs (0 to %u).",
			     o->irq_cpus.cpu[i], v->nr_cpu_ids - 1);
			return -1;
		}
	return 0;
}
