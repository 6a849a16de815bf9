/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - results as JSON (json-c) and as a human summary. Everything
 * here works from plain structs, so tests feed it synthetic results.
 */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <json-c/json.h>

#include "hist.h"
#include "opts.h"
#include "topo.h"

#define BENCH_TOOL_VERSION	"1.0.0"
#define BENCH_JSON_SCHEMA	3	/* 3: placement, wq_cpus, skipped + skip_reason, timeseries (ABI 3); 2: the driver model */

struct report {
	const char *cmd;			/* "run", "results" */
	const struct bench_opts *opts;		/* the effective settings; NULL = only the module's echo */
	const struct iopf_bench_version *ver;	/* NULL = module not queried */
	const struct iopf_bench_results *res;	/* NULL = no results (an error came first) */
	const uint64_t *hist;			/* [IOPF_BENCH_HIST_NR][layout.nr_buckets] or NULL */
	struct hist_layout layout;
	struct pct_list pcts;			/* extra percentiles from the histograms */
	const struct topo_summary *topo;	/* NULL = unknown */
	const struct topo_cpu *cpus;		/* the injectors' CPUs, ncpus of them */
	unsigned int ncpus;
	const struct topo_cpu *irq_cpus;	/* the reporters' (IRQ) CPUs when the tool set them */
	unsigned int nirq_cpus;
	const char *wq_before;			/* the workqueue cpumask before the run (cpulist); NULL = not read */
	bool wq_written;			/* the tool set the workqueue cpumask for the run */
	const char *skip_reason;		/* non-NULL: the point cannot exist here, status "skipped" */
	struct json_object *timeseries;		/* --timeseries: the "timeseries" object (stream.c); NULL = none */
	int argc;
	char **argv;
	time_t now;
	/* An error of the tool's own (timeout, interrupted, an ioctl failed). */
	bool error;
	int error_errno;			/* positive errno, 0 = none */
	char error_msg[320];
};

/* "success", "failure", "error" or "skipped" */
const char *report_status(const struct report *r);
/* Exit status of run/results: 0 success, 1 failure or error. */
int report_exit_code(const struct report *r);

/* The root every JSON document starts with: version and timestamp. */
struct json_object *json_root(time_t now);
/* "2025-11-21T05:44:00Z" */
void iso8601_utc(time_t t, char *buf, size_t len);

struct json_object *report_json(const struct report *r);
/* The "config" object for settings o alone (no module, no results). */
struct json_object *report_config_json(const struct bench_opts *o);
void report_text(FILE *f, const struct report *r);

/* The --hist document: non-zero buckets of every histogram. */
struct json_object *report_hist_json(const struct report *r);

/*
 * Cross-check one histogram against the module's summary of it: the counts
 * and p50/p90/p99/p99.9. Returns true when they agree; else why says how not.
 */
bool report_hist_check(const struct hist_layout *l, const uint64_t *buckets,
		       const struct iopf_bench_latency *lat, char *why, size_t len);

/* Latency summary of histogram h in the results (h = enum iopf_bench_hist). */
const struct iopf_bench_latency *report_latency(const struct iopf_bench_results *res, unsigned int h);

struct json_object *version_json(const struct iopf_bench_version *v, time_t now);
void version_text(FILE *f, const struct iopf_bench_version *v);
struct json_object *status_json(const struct iopf_bench_status *s, time_t now);
void status_text(FILE *f, const struct iopf_bench_status *s);

/* "850ns", "12.3us", "1.25ms", "2.10s" */
void fmt_ns(uint64_t ns, char *buf, size_t len);

/* Write a JSON document to f, pretty-printed, with a final newline. */
int json_write(FILE *f, struct json_object *o);

#endif
