/* SPDX-License-Identifier: GPL-2.0 */
/*
 * opts.h - the option table (fio style) and the settings it fills in.
 *
 * Every option is one row of bench_options[]: name, type, where it is
 * stored in struct bench_opts, default, range, help, enum names, the key it
 * has in the JSON "config" object and the subcommands that take it. Parsing,
 * validation, defaults, --help and the JSON config all come from that table.
 */
#ifndef BENCH_OPTS_H
#define BENCH_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <iopf_bench.h>

enum bench_cmd {
	CMD_VERSION,
	CMD_RUN,
	CMD_START,
	CMD_STATUS,
	CMD_STOP,
	CMD_WAIT,
	CMD_RESULTS,
	CMD_RESET,
	CMD_NR,
};
#define CMDF(c) (1u << (c))

struct bench_cmd_info {
	const char *name;
	const char *summary;
};
extern const struct bench_cmd_info bench_cmds[CMD_NR];
/* CMD_NR when name is not a subcommand. */
enum bench_cmd bench_cmd_lookup(const char *name);

enum opt_type {
	OPT_UINT,	/* uint32_t; decimal or 0x, k/M/G = 10^3/10^6/10^9 */
	OPT_U64,	/* uint64_t; same syntax */
	OPT_DURATION,	/* uint64_t milliseconds; "10" = 10 s, ns/us/ms/s/m/h units */
	OPT_ENUM,	/* uint32_t, one of enums[] */
	OPT_CPULIST,	/* struct cpu_list */
	OPT_FLAG,	/* bool, no value */
	OPT_STRING,	/* const char * */
	OPT_PCTLIST,	/* struct pct_list */
};

struct opt_enum {
	const char *name;
	uint32_t value;
	const char *help;
};

struct cpu_list {
	unsigned int n;
	unsigned int cpu[IOPF_BENCH_MAX_INJECTORS];
};

#define PCT_MAX 16
struct pct_list {
	unsigned int n;
	uint32_t ppm[PCT_MAX];		/* parts per million: 99.9 % = 999000 */
};

struct bench_opts {
	/* run config (START) */
	uint32_t handler;		/* enum iopf_bench_handler */
	uint32_t model;			/* enum iopf_bench_model */
	uint32_t reporter_prio;		/* enum iopf_bench_reporter_prio (ABI 7); models with a reporter */
	uint32_t vtd_wake;		/* enum bench_vtd_wake (ABI 7); --model vtd only */
	uint32_t nr_iommus;
	uint32_t prq_depth;		/* 0 = the module's default (2048) */
	uint32_t response_ns;
	struct cpu_list irq_cpus;	/* --irq-cpus; empty = the module's placement */
	uint32_t placement;		/* enum topo_placement_kind (topo.h) */
	const char *wq_cpus;		/* --wq-cpus cpulist; then the workqueue cpumask in force */
	uint32_t defer_ns;		/* --handler defer or iommufd only */
	uint32_t pacing;		/* enum iopf_bench_pacing */
	uint32_t nr_devices;
	uint32_t pasids;
	uint32_t group_size;
	uint32_t open_groups;
	uint32_t credit;
	uint32_t injectors;
	struct cpu_list cpus;		/* --cpus, or the spread picked for --injectors */
	uint32_t unbinders;
	uint64_t rate_per_s;
	uint64_t duration_ms;
	uint64_t max_requests;
	uint64_t warmup_ms;
	uint32_t service_ns;
	bool service_sleep;
	bool no_timestamps;
	uint32_t unbind_scope;		/* enum iopf_bench_unbind_scope */
	uint32_t rid_order;		/* enum iopf_bench_rid_order */
	uint32_t unbind_rate;
	uint32_t fail_every;
	uint32_t abandon_every;
	uint64_t seed;
	/* the tool */
	const char *device;
	uint64_t timeout_ms;		/* 0 = wait forever */
	bool json;
	struct pct_list percentiles;
	const char *hist_file;
	const char *ts_file;		/* --timeseries (run): the module's stream as CSV */
	const char *ts_groups_file;	/* --group-records (run, with --timeseries) */
	uint64_t ts_interval_ms;	/* --ts-interval */
	bool help;

	bool set[64];			/* set[i]: option i was given */
};

struct bench_option {
	const char *name;		/* without the leading "--" */
	enum opt_type type;
	size_t off;			/* offsetof(struct bench_opts, ...) */
	uint64_t def;			/* numeric/enum/flag default */
	const char *def_str;		/* string/list default (NULL = none) */
	const char *def_help;		/* what --help shows as the default, if not def */
	uint64_t min, max;		/* numeric range (durations in ms); OPT_CPULIST: max entries */
	const char *entry;		/* OPT_CPULIST: what one entry is ("one injector each") */
	const char *metavar;
	const char *help;
	const struct opt_enum *enums;	/* OPT_ENUM: NULL-terminated */
	const char *json;		/* key in "config" (with its unit); NULL = not a setting */
	unsigned int cmds;		/* CMDF() of the subcommands taking it */
	/* OPT_STRING: checks the value's syntax; 0, or -1 with err set (NULL = any). */
	int (*check)(const char *value, char *err, size_t errlen);
};

extern const struct bench_option bench_options[];
extern const unsigned int bench_nr_options;

/* Index of an option by name (without "--"), or -1. */
int opt_index(const char *name);
/* Whether the named option was given on the command line. */
bool opt_given(const struct bench_opts *o, const char *name);

/*
 * Parse argv (the subcommand's arguments, argv[0] being the subcommand),
 * apply defaults, check ranges and combinations. Returns 0, or -1 with one
 * sentence in err naming the option and what it accepts. Pure: no device,
 * no topology (CPU numbers are checked against the machine later).
 */
int opts_parse(struct bench_opts *o, enum bench_cmd cmd, int argc, char **argv,
	       char *err, size_t errlen);

/* Check one value of option name (type and range only). 0, or -1 with err set. */
int opts_check_value(const char *name, const char *value, char *err, size_t errlen);

/* --help text for a subcommand (CMD_NR: the top-level help). */
void opts_help(FILE *f, enum bench_cmd cmd);

/* Value parsers, exposed for tests. Return 0, or -1 with err set. */
int parse_u64(const char *s, uint64_t *v, char *err, size_t errlen);
int parse_duration_ms(const char *s, uint64_t *ms, char *err, size_t errlen);
int parse_pctlist(const char *s, struct pct_list *l, char *err, size_t errlen);
/* "p99.9" for 999000 ppm. */
void pct_name(uint32_t ppm, char *buf, size_t len);
/* "2m", "1.5s", "250ms" */
void fmt_duration_ms(uint64_t ms, char *buf, size_t len);

const char *enum_name(const struct opt_enum *e, uint32_t value);
extern const struct opt_enum handler_names[], model_names[], pacing_names[], scope_names[];
extern const struct opt_enum rid_order_names[], reporter_prio_names[], vtd_wake_names[];
extern const struct opt_enum placement_names[];

/*
 * Whether a driver model has a page request queue and reporter threads: every
 * model but direct (vtd, amd, smmuv3-stall; ABI <= 6's prq is vtd).
 */
static inline bool model_has_reporter(uint32_t model)
{
	return model != IOPF_BENCH_MODEL_DIRECT;
}

/*
 * --vtd-wake: how a vtd reporter's pass wakes the drains waiting on the
 * IOMMU's prq_complete. ONE is VT-d's code (complete()), ALL the run flag
 * IOPF_BENCH_RUN_VTD_WAKE_ALL (every drain woken by every pass, as its comment intends).
 */
enum bench_vtd_wake { BENCH_VTD_WAKE_ONE = 0, BENCH_VTD_WAKE_ALL = 1 };

/*
 * Whether a handler keeps groups and answers them --defer-ns later: defer,
 * and iommufd (ABI 7), which also answers the kept groups at every detach.
 */
static inline bool handler_defers(uint32_t handler)
{
	return handler == IOPF_BENCH_HANDLER_DEFER || handler == IOPF_BENCH_HANDLER_IOMMUFD;
}

/* The default of --defer-ns with --handler defer or iommufd: 1 ms. */
#define BENCH_DEFER_NS_DEFAULT	1000000u

/*
 * Fill an iopf_bench_run_config from the settings (cpus and irq_cpus point
 * into o). size is sizeof(*c) (ABI 3 to 7: 184 bytes); opts_run_config_size()
 * says what to send to a module of an older ABI.
 */
void opts_to_run_config(const struct bench_opts *o, struct iopf_bench_run_config *c);
/* The run config size a module of that ABI version takes. */
uint32_t opts_run_config_size(uint32_t abi_version);

/*
 * Check the settings against what the module reported (limits, handlers,
 * models, caps; an ABI 1 module has none of the ABI 2 settings, an ABI 6
 * one none of ABI 7's; the models that need PASIDs on the running kernel).
 * Returns 0; -1 with err set for a setting this module cannot do.
 */
int opts_check_module(const struct bench_opts *o, const struct iopf_bench_version *v,
		      char *err, size_t errlen);

#endif
