// SPDX-License-Identifier: GPL-2.0
/*
 * Description: iopf-bench's option table: defaults, every value type (uint,
 * u64, duration with units, enum, cpulist, flag, string, percentile list),
 * the combination rules mirrored from iopf_bench.h (ABI 2: the driver
 * model, the defer handler; ABI 7: the models named by their driver, prq
 * refused as renamed vtd, amd and smmuv3-stall and what they refuse,
 * --reporter-prio), the run config START gets, the limits the module
 * reports (and what an ABI 1 or ABI 6 module cannot do, the models that need
 * PASIDs on the running kernel), --help generated from the table, and every kind of bad input
 * refused with one sentence naming the option, exit status 2 and nothing
 * sent to the module (the device is never even opened).
 */
#include <errno.h>
#include <stdio.h>
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

#include "cmd.h"
#include "opts.h"
#include "topo.h"

/* Split "cmd args..." on spaces into argv (strings stay valid until the next call). */
static int split(const char *line, char **argv)
{
	static char buf[2048];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return argc;
}

static int parse(struct bench_opts *o, enum bench_cmd cmd, const char *args, char *err, size_t len)
{
	char line[2048], *argv[128];
	int argc;

	snprintf(line, sizeof(line), "%s %s", bench_cmds[cmd].name, args);
	argc = split(line, argv);
	err[0] = 0;
	return opts_parse(o, cmd, argc, argv, err, len);
}

/* A device opener that counts: bad input must never get this far. */
static int opens;

static int counting_open(const char *path, struct bench_dev **d)
{
	opens++;
	return -ENOENT;
}

/* Run the whole program on "iopf-bench <line>", stderr into err. */
static int run_main(const char *line, char *err, size_t len)
{
	char full[2048], *argv[128];
	FILE *out = fopen("/dev/null", "w"), *ef = fmemopen(err, len, "w");
	struct bench_env env = { .out = out, .err = ef, .open_dev = counting_open,
				 .topo_synthetic = "pack:1 core:2 pu:1" };
	int argc, rc;

	memset(err, 0, len);
	snprintf(full, sizeof(full), "iopf-bench %s", line);
	argc = split(full, argv);
	rc = bench_main(argc, argv, &env);
	fclose(out);
	fclose(ef);
	return rc;
}

TEST(defaults)
{
	struct bench_opts o;
	char err[512];

	ASSERT_EQ(0, parse(&o, CMD_RUN, "", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_HANDLER_WQ, o.handler);
	EXPECT_EQ(IOPF_BENCH_PACE_CLOSED, o.pacing);
	EXPECT_EQ(1, o.group_size);
	EXPECT_EQ(1, o.open_groups);
	EXPECT_EQ(0, o.credit);
	EXPECT_EQ(1, o.injectors);
	EXPECT_EQ(0, o.cpus.n);
	EXPECT_EQ(1, o.nr_devices);
	/* 1: vtd (the default model) on 6.12 and amd everywhere reject PASID-less requests. */
	EXPECT_EQ(1, o.pasids);
	EXPECT_EQ(0, o.unbinders);
	EXPECT_EQ(0, o.rate_per_s);
	EXPECT_EQ(10000, o.duration_ms);
	EXPECT_EQ(0, o.max_requests);
	EXPECT_EQ(0, o.warmup_ms);
	EXPECT_EQ(IOPF_BENCH_UNBIND_DEVICE, o.unbind_scope);
	/* ABI 2: the VT-d model (ABI 7's name), one IOMMU, the module's PRQ depth and IRQ CPUs. */
	EXPECT_EQ(IOPF_BENCH_MODEL_VTD, o.model);
	EXPECT_EQ(IOPF_BENCH_REPORTER_FIFO, o.reporter_prio);
	EXPECT_EQ(BENCH_VTD_WAKE_ONE, o.vtd_wake);
	EXPECT_EQ(1, o.nr_iommus);
	EXPECT_EQ(0, o.prq_depth);
	EXPECT_EQ(0, o.response_ns);
	EXPECT_EQ(0, o.irq_cpus.n);
	EXPECT_EQ(0, o.defer_ns);
	EXPECT_FALSE(o.json);
	EXPECT_FALSE(o.no_timestamps);
	EXPECT_STREQ(IOPF_BENCH_DEVICE, o.device);
	EXPECT_EQ(NULL, o.hist_file);
	/* The wait is bounded by the run's own length plus a minute. */
	EXPECT_EQ(70000, o.timeout_ms);
	ASSERT_EQ(5, o.percentiles.n);
	EXPECT_EQ(999900, o.percentiles.ppm[4]);
}

TEST(every_type)
{
	struct bench_opts o;
	char err[512];

	ASSERT_EQ(-1, parse(&o, CMD_RUN,
			    "--handler inline --group-size 512 --open-groups 8 --credit 16 --cpus 0-1 "
			    "--rate 2k --pacing poisson --unbinders 2 --duration 1.5s --requests 1M "
			    "--warmup 250ms --devices 4 --pasids 3 --service-ns 0x10 --service-sleep "
			    "--no-timestamps --unbind-scope pasid --unbind-rate 100 --fail-every 7 "
			    "--seed 18446744073709551615 --device /tmp/x --timeout 2m --json "
			    "--percentiles 50,99.99", err, sizeof(err)));
	/* --no-timestamps with --percentiles is refused; that was the last word. */
	EXPECT_NE(NULL, strstr(err, "--percentiles needs timestamps"));

	ASSERT_EQ(0, parse(&o, CMD_RUN,
			   "--handler inline --group-size 512 --open-groups 8 --credit 16 --cpus 0-1 "
			   "--rate 2k --pacing poisson --unbinders 2 --duration 1.5s --requests 1M "
			   "--warmup 250ms --devices 4 --pasids 3 --service-ns 0x10 --service-sleep "
			   "--unbind-scope pasid --unbind-rate 100 --fail-every 7 "
			   "--seed 18446744073709551615 --device /tmp/x --timeout 2m --json "
			   "--percentiles 50,99.99 --hist /tmp/h.json", err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_HANDLER_INLINE, o.handler);
	EXPECT_EQ(512, o.group_size);
	EXPECT_EQ(8, o.open_groups);
	EXPECT_EQ(16, o.credit);
	ASSERT_EQ(2, o.cpus.n);
	EXPECT_EQ(1, o.cpus.cpu[1]);
	EXPECT_EQ(2, o.injectors);
	EXPECT_EQ(2000, o.rate_per_s);
	EXPECT_EQ(IOPF_BENCH_PACE_POISSON, o.pacing);
	EXPECT_EQ(2, o.unbinders);
	EXPECT_EQ(1500, o.duration_ms);
	EXPECT_EQ(1000000, o.max_requests);
	EXPECT_EQ(250, o.warmup_ms);
	EXPECT_EQ(4, o.nr_devices);
	EXPECT_EQ(3, o.pasids);
	EXPECT_EQ(16, o.service_ns);
	EXPECT_TRUE(o.service_sleep);
	EXPECT_EQ(IOPF_BENCH_UNBIND_PASID, o.unbind_scope);
	EXPECT_EQ(100, o.unbind_rate);
	EXPECT_EQ(7, o.fail_every);
	EXPECT_EQ(UINT64_MAX, o.seed);
	EXPECT_STREQ("/tmp/x", o.device);
	EXPECT_EQ(120000, o.timeout_ms);
	EXPECT_TRUE(o.json);
	ASSERT_EQ(2, o.percentiles.n);
	EXPECT_EQ(500000, o.percentiles.ppm[0]);
	EXPECT_EQ(999900, o.percentiles.ppm[1]);
	EXPECT_STREQ("/tmp/h.json", o.hist_file);
}

TEST(equals_syntax_and_last_wins)
{
	struct bench_opts o;
	char err[512];

	ASSERT_EQ(0, parse(&o, CMD_RUN, "--group-size=8 --handler=null --group-size 4 --duration=2",
			   err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(4, o.group_size);
	EXPECT_EQ(IOPF_BENCH_HANDLER_NULL, o.handler);
	EXPECT_EQ(2000, o.duration_ms);
}

TEST(derived_defaults)
{
	struct bench_opts o;
	char err[512];

	/* --rate alone means constant pacing. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--rate 1000", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_PACE_CONSTANT, o.pacing);
	/* Streams get credits, not open groups: PASIDs alone leave one open group ... */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 5 --open-groups 1 --credit 6", err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 5", err, sizeof(err)));
	EXPECT_EQ(1, o.open_groups);
	/* ... but every injector sharing a device gets one by default. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--injectors 5 --devices 2", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(3, o.open_groups);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--cpus 0-3 --pasids 1", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(4, o.open_groups);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--injectors 4 --devices 4", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(1, o.open_groups);
	/* --requests alone runs until the count; no default timeout then. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--requests 5000", err, sizeof(err)));
	EXPECT_EQ(0, o.duration_ms);
	EXPECT_EQ(5000, o.max_requests);
	EXPECT_EQ(0, o.timeout_ms);
	/* Both given: whichever comes first; the timeout follows the duration. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--requests 5000 --duration 3 --warmup 2", err, sizeof(err)));
	EXPECT_EQ(3000, o.duration_ms);
	EXPECT_EQ(65000, o.timeout_ms);
	/* --timeout 0 waits forever. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--timeout 0", err, sizeof(err)));
	EXPECT_EQ(0, o.timeout_ms);
	/* start takes the run config but has no wait. */
	ASSERT_EQ(0, parse(&o, CMD_START, "--group-size 8", err, sizeof(err)));
	EXPECT_EQ(0, o.timeout_ms);
}

TEST(driver_model_options)
{
	struct bench_opts o;
	char err[512];

	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model vtd --iommus 3 --devices 3 --prq-depth 16 --irq-cpus 7,2-3 "
			   "--response-ns 1M", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_MODEL_VTD, o.model);
	EXPECT_EQ(3, o.nr_iommus);
	EXPECT_EQ(16, o.prq_depth);
	EXPECT_EQ(1000000, o.response_ns);
	/* A cpulist: IOMMU i gets the i-th lowest CPU. */
	ASSERT_EQ(3, o.irq_cpus.n);
	EXPECT_EQ(2, o.irq_cpus.cpu[0]);
	EXPECT_EQ(3, o.irq_cpus.cpu[1]);
	EXPECT_EQ(7, o.irq_cpus.cpu[2]);
	EXPECT_EQ(0, o.defer_ns);
	/* The injectors' CPUs are another list. */
	EXPECT_EQ(0, o.cpus.n);

	/* Last wins for the model too, and then the PRQ depth has no PRQ. */
	ASSERT_EQ(-1, parse(&o, CMD_RUN, "--model vtd --prq-depth=65536 --model=direct", err, sizeof(err)));
	EXPECT_STREQ("--prq-depth is for the models with a queue (vtd, amd, smmuv3-stall); with --model direct "
		     "the injectors report themselves and there is no PRQ or reporter thread.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model direct --iommus 16 --devices 16 --response-ns 0", err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_MODEL_DIRECT, o.model);
	EXPECT_EQ(16, o.nr_iommus);
	EXPECT_EQ(0, o.prq_depth);

	/* --handler defer answers 1 ms later unless told otherwise. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler defer", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_HANDLER_DEFER, o.handler);
	EXPECT_EQ(BENCH_DEFER_NS_DEFAULT, o.defer_ns);
	EXPECT_EQ(1000000, BENCH_DEFER_NS_DEFAULT);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--defer-ns 250k --handler defer", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(250000, o.defer_ns);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler defer --defer-ns 1G", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_MAX_DEFER_NS, o.defer_ns);
	/* Defer takes device-scope unbinds, fail-every and the direct model. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler defer --unbinders 1 --unbind-scope device --pasids 1 "
			   "--fail-every 3 --model direct", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_UNBIND_DEVICE, o.unbind_scope);
	EXPECT_EQ(1000000, o.defer_ns);
	/* start takes them too; status does not. */
	ASSERT_EQ(0, parse(&o, CMD_START, "--iommus 2 --devices 2 --irq-cpus 0,1", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(2, o.irq_cpus.n);
	EXPECT_EQ(-1, parse(&o, CMD_STATUS, "--model direct", err, sizeof(err)));
	EXPECT_STREQ("--model is not an option of 'status' (see iopf-bench status --help).", err);
}

TEST(abi7_models)
{
	struct bench_opts o;
	char err[512];

	/* The models named by their driver; every one but direct has a queue and a reporter. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --pasids 1 --prq-depth 512 --irq-cpus 1", err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_MODEL_AMD, o.model);
	EXPECT_EQ(512, o.prq_depth);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model smmuv3-stall --group-size 1 --reporter-prio fifo-low", err,
			   sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_MODEL_SMMUV3_STALL, o.model);
	EXPECT_EQ(IOPF_BENCH_REPORTER_FIFO_LOW, o.reporter_prio);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--reporter-prio normal", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_MODEL_VTD, o.model);
	EXPECT_EQ(IOPF_BENCH_REPORTER_NORMAL, o.reporter_prio);
	EXPECT_TRUE(model_has_reporter(IOPF_BENCH_MODEL_VTD));
	EXPECT_TRUE(model_has_reporter(IOPF_BENCH_MODEL_AMD));
	EXPECT_TRUE(model_has_reporter(IOPF_BENCH_MODEL_SMMUV3_STALL));
	EXPECT_FALSE(model_has_reporter(IOPF_BENCH_MODEL_DIRECT));
	/* The default scheduling is fine with direct, given or not; the RID order knob too (VT-d's order). */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model direct --reporter-prio fifo --rid-order remove-first", err,
			   sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model vtd --rid-order kernel", err, sizeof(err))) TH_LOG("%s", err);
	/* amd takes PASID and device unbinds; only a replace is refused. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --pasids 2 --unbinders 1 --unbind-scope pasid", err,
			   sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model smmuv3-stall --pasids 2 --unbinders 1 --unbind-scope replace",
			   err, sizeof(err))) TH_LOG("%s", err);
	/* A spec's value is checked alone, by the same table: prq says it was renamed. */
	EXPECT_EQ(0, opts_check_value("model", "smmuv3-stall", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_value("reporter-prio", "fifo-low", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_value("model", "prq", err, sizeof(err)));
	EXPECT_STREQ("--model prq: the model was renamed vtd in ABI 7 (and made exact to VT-d's source); "
		     "give --model vtd.", err);
	EXPECT_EQ(-1, opts_check_value("reporter-prio", "rt", err, sizeof(err)));
	EXPECT_STREQ("--reporter-prio: 'rt' is not valid; accepted: fifo, fifo-low, normal.", err);
}

TEST(abi7_iommufd_vtd_wake_pasids)
{
	struct bench_opts o;
	struct iopf_bench_run_config c;
	char err[512];

	/* iommufd: the user-space delay like defer (1 ms by default), sent as defer_ns. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler iommufd", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(IOPF_BENCH_HANDLER_IOMMUFD, o.handler);
	EXPECT_EQ(BENCH_DEFER_NS_DEFAULT, o.defer_ns);
	EXPECT_TRUE(handler_defers(IOPF_BENCH_HANDLER_IOMMUFD));
	EXPECT_TRUE(handler_defers(IOPF_BENCH_HANDLER_DEFER));
	EXPECT_FALSE(handler_defers(IOPF_BENCH_HANDLER_WQ));
	opts_to_run_config(&o, &c);
	EXPECT_EQ(IOPF_BENCH_HANDLER_IOMMUFD, c.handler);
	EXPECT_EQ(1000000, c.defer_ns);
	/* Unlike defer, PASID unbinds go with it (iommufd answers the PASID's kept groups at its detach). */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler iommufd --defer-ns 20k --unbinders 2 --devices 2 --pasids 2 "
			   "--unbind-scope pasid", err, sizeof(err))) TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(20000, c.defer_ns);
	EXPECT_EQ(IOPF_BENCH_UNBIND_PASID, c.unbind_scope);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler iommufd --unbinders 1 --fail-every 5", err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(0, opts_check_value("handler", "iommufd", err, sizeof(err)));

	/* --vtd-wake: one (VT-d's code) by default, no flag; all sets IOPF_BENCH_RUN_VTD_WAKE_ALL. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "", err, sizeof(err))) TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(0, c.flags & IOPF_BENCH_RUN_VTD_WAKE_ALL);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--vtd-wake all --no-timestamps", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(BENCH_VTD_WAKE_ALL, o.vtd_wake);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(IOPF_BENCH_RUN_VTD_WAKE_ALL | IOPF_BENCH_RUN_NO_TIMESTAMPS, c.flags);
	EXPECT_EQ(1u << 8, IOPF_BENCH_RUN_VTD_WAKE_ALL);
	EXPECT_NE(0, IOPF_BENCH_RUN_FLAGS_ALL & IOPF_BENCH_RUN_VTD_WAKE_ALL);
	/* one is the default of every model: said or not, it changes nothing elsewhere. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --vtd-wake one", err, sizeof(err))) TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(0, c.flags);
	EXPECT_EQ(0, opts_check_value("vtd-wake", "all", err, sizeof(err)));

	/* --pasids defaults to 1, so that the default model runs where vtd is PASID-only (6.12). */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "", err, sizeof(err))) TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(1, c.pasids);
	EXPECT_EQ(0, c.credit);	/* the module's default */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 0 --model direct", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, o.pasids);
	/*
	 * The credit covers the streams: --pasids of them where the driver rejects PASID-less
	 * requests (amd; vtd on 6.12, the module decides), the RID too elsewhere.
	 */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --pasids 4 --credit 4", err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 4 --credit 4", err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--credit 1", err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(-1, parse(&o, CMD_RUN, "--credit 1 --model direct", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--credit 1 is below the 2 streams of a device (the RID and --pasids 1)"))
		TH_LOG("%s", err);
	ASSERT_EQ(-1, parse(&o, CMD_RUN, "--credit 4 --pasids 4 --model smmuv3-stall", err, sizeof(err)));
}

TEST(placement_options)
{
	struct bench_opts o;
	char err[512];
	unsigned int n = 0;

	ASSERT_EQ(0, parse(&o, CMD_RUN, "", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(TOPO_PLACE_DEFAULT, o.placement);
	EXPECT_EQ(NULL, o.wq_cpus);
	ASSERT_EQ(0, parse(&o, CMD_START, "--placement cross-numa --injectors 4 --iommus 2 --devices 2", err,
			   sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(TOPO_PLACE_CROSS_NUMA, o.placement);
	/* "default" is no placement: the explicit lists go with it; a workqueue list may be long. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--placement default --cpus 1 --irq-cpus 0 --wq-cpus 2-3,8-4095", err,
			   sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("2-3,8-4095", o.wq_cpus);
	/* A sweep spec's values are checked alone, by the same table. */
	EXPECT_EQ(0, opts_check_value("placement", "same-l3", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_value("placement", "near", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_value("wq-cpus", "0,2", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_value("wq-cpus", "0,", err, sizeof(err)));
	EXPECT_STREQ("--wq-cpus: '0,' is not a CPU list (accepted: numbers and ranges separated by commas, "
		     "e.g. 0-3,6).", err);
	/* --placement's names are topo.c's, one for one. */
	for (const struct opt_enum *e = placement_names; e->name; e++, n++)
		EXPECT_STREQ(e->name, topo_placement_name(e->value));
	EXPECT_EQ(TOPO_PLACE_NR, n);
}

TEST(durations)
{
	static const struct {
		const char *s;
		uint64_t ms;
	} good[] = {
		{ "10", 10000 }, { "10s", 10000 }, { "500ms", 500 }, { "2m", 120000 }, { "1h", 3600000 },
		{ "0", 0 }, { "1.5s", 1500 }, { "0.25m", 15000 }, { "2000us", 2 }, { "3000000ns", 3 },
		{ "0.001", 1 }, { "86400", 86400000 },
	};
	static const char *const bad[] = {
		"", "s", "10x", "1.5.2", "-1", "+1", " 1", "1 s", "1e3", ".5", "5.", "10sec", "1500us",
		"0.5ms", "1.0000000001s", "1d", "0x10",
	};
	char err[256];
	uint64_t ms;

	for (unsigned int i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ms = 12345;
		EXPECT_EQ(0, parse_duration_ms(good[i].s, &ms, err, sizeof(err))) TH_LOG("%s: %s", good[i].s, err);
		EXPECT_EQ(good[i].ms, ms) TH_LOG("%s", good[i].s);
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, parse_duration_ms(bad[i], &ms, err, sizeof(err))) TH_LOG("'%s' accepted", bad[i]);
	}
	EXPECT_EQ(-1, parse_duration_ms("1500us", &ms, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "whole number of milliseconds"));
	EXPECT_EQ(-1, parse_duration_ms("99999999999999999999h", &ms, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "too long"));
}

TEST(numbers)
{
	char err[256];
	uint64_t v;

	EXPECT_EQ(0, parse_u64("0", &v, err, sizeof(err)));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, parse_u64("1k", &v, err, sizeof(err)));
	EXPECT_EQ(1000, v);
	EXPECT_EQ(0, parse_u64("3M", &v, err, sizeof(err)));
	EXPECT_EQ(3000000, v);
	EXPECT_EQ(0, parse_u64("2G", &v, err, sizeof(err)));
	EXPECT_EQ(2000000000, v);
	EXPECT_EQ(0, parse_u64("0x1F", &v, err, sizeof(err)));
	EXPECT_EQ(31, v);
	EXPECT_EQ(0, parse_u64("010", &v, err, sizeof(err)));	/* decimal, not octal */
	EXPECT_EQ(10, v);
	EXPECT_EQ(0, parse_u64("18446744073709551615", &v, err, sizeof(err)));
	EXPECT_EQ(UINT64_MAX, v);
	EXPECT_EQ(-1, parse_u64("18446744073709551616", &v, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "too large"));
	EXPECT_EQ(-1, parse_u64("18446744073709551615k", &v, err, sizeof(err)));
	EXPECT_EQ(-1, parse_u64("-1", &v, err, sizeof(err)));
	EXPECT_EQ(-1, parse_u64("1.5", &v, err, sizeof(err)));
	EXPECT_EQ(-1, parse_u64("", &v, err, sizeof(err)));
	EXPECT_EQ(-1, parse_u64("0x", &v, err, sizeof(err)));
	EXPECT_EQ(-1, parse_u64("1kk", &v, err, sizeof(err)));
	EXPECT_EQ(-1, parse_u64(" 1", &v, err, sizeof(err)));
}

TEST(percentile_lists)
{
	struct pct_list l;
	char err[256], name[16];

	ASSERT_EQ(0, parse_pctlist("50,90,99,99.9,99.99,100,0.0001", &l, err, sizeof(err)));
	ASSERT_EQ(7, l.n);
	EXPECT_EQ(999000, l.ppm[3]);
	EXPECT_EQ(1000000, l.ppm[5]);
	EXPECT_EQ(1, l.ppm[6]);
	pct_name(999000, name, sizeof(name));
	EXPECT_STREQ("p99.9", name);
	pct_name(999900, name, sizeof(name));
	EXPECT_STREQ("p99.99", name);
	pct_name(500000, name, sizeof(name));
	EXPECT_STREQ("p50", name);
	pct_name(1, name, sizeof(name));
	EXPECT_STREQ("p0.0001", name);
	EXPECT_EQ(-1, parse_pctlist("0", &l, err, sizeof(err)));
	EXPECT_EQ(-1, parse_pctlist("100.5", &l, err, sizeof(err)));
	EXPECT_EQ(-1, parse_pctlist("50,", &l, err, sizeof(err)));
	EXPECT_EQ(-1, parse_pctlist("p50", &l, err, sizeof(err)));
	EXPECT_EQ(-1, parse_pctlist("99.99999", &l, err, sizeof(err)));
	EXPECT_EQ(-1, parse_pctlist("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", &l, err, sizeof(err)));
}

/* ------------------------------------------------------------------------ */
/* Bad input: one sentence naming the option, exit 2, the device never opened. */

FIXTURE(bad_input) {
	struct bench_opts o;
	char err[512];
};

FIXTURE_VARIANT(bad_input) {
	const char *args;
	const char *msg;	/* a fragment the error must hold */
};

FIXTURE_SETUP(bad_input) {}
FIXTURE_TEARDOWN(bad_input) {}

#define BAD(_name, _args, _msg) \
	FIXTURE_VARIANT_ADD(bad_input, _name) { .args = _args, .msg = _msg }

BAD(group_size_zero, "--group-size 0", "--group-size 0 is out of range; accepted: 1 to 512.");
BAD(group_size_big, "--group-size 513", "--group-size 513 is out of range; accepted: 1 to 512.");
BAD(group_size_word, "--group-size many", "--group-size: 'many' is not a number; accepted: 1 to 512.");
BAD(group_size_negative, "--group-size -1", "--group-size: '-1' is not a number");
BAD(group_size_fraction, "--group-size 1.5", "--group-size: '1.5' is not a number");
BAD(group_size_missing, "--group-size", "--group-size needs a value; accepted: 1 to 512.");
BAD(handler_unknown, "--handler fast", "--handler: 'fast' is not valid; accepted: wq, inline, null, defer, iommufd.");
BAD(pacing_unknown, "--pacing burst", "accepted: closed, constant, poisson.");
BAD(scope_unknown, "--unbind-scope all --unbinders 1", "accepted: device, pasid, replace.");
BAD(duration_unit, "--duration 10x", "--duration: '10x' is not a duration");
BAD(duration_big, "--duration 25h", "--duration 25h is out of range; accepted: 0s to 24h.");
BAD(duration_sub_ms, "--duration 1500us", "--duration: '1500us' is not a whole number of milliseconds");
BAD(warmup_big, "--warmup 11m", "--warmup 11m is out of range; accepted: 0s to 10m.");
BAD(timeout_unit, "--timeout 1d", "--timeout: '1d' is not a duration");
BAD(cpus_backwards, "--cpus 3-1", "--cpus: the range 3-1 in '3-1' goes backwards.");
BAD(cpus_empty_item, "--cpus 0,,1", "--cpus: '0,,1' is not a CPU list");
BAD(cpus_word, "--cpus all", "--cpus: 'all' is not a CPU list");
BAD(cpus_open_range, "--cpus 2-", "--cpus: '2-' is not a CPU list");
BAD(cpus_too_many, "--cpus 0-64", "--cpus: '0-64' names 65 CPUs; at most 64 (one injector each).");
BAD(rate_zero, "--rate 0", "--rate 0 is out of range; accepted: 1 to 1000000000.");
BAD(rate_big, "--rate 2G", "--rate 2G is out of range");
BAD(rate_closed, "--rate 5 --pacing closed", "--rate needs an open-loop --pacing (constant or poisson)");
BAD(open_loop_no_rate, "--pacing constant", "--pacing constant is open loop and needs --rate N");
BAD(pasid_scope_no_pasids, "--unbind-scope pasid --unbinders 1 --pasids 0",
    "--unbind-scope pasid needs --pasids 1 or more");
BAD(unbinders_null, "--unbinders 1 --handler null", "--unbinders needs --handler wq, inline, defer or iommufd; "
    "--handler null has no framework to unbind from.");
BAD(fail_every_null, "--fail-every 3 --handler null", "--fail-every needs --handler wq, inline, defer or "
    "iommufd; --handler null has no framework to fail into.");
BAD(abandon_no_unbinders, "--abandon-every 2", "--abandon-every needs --unbinders 1 or more");
BAD(abandon_pasid_scope, "--abandon-every 2 --unbinders 1 --pasids 1 --unbind-scope pasid",
    "--abandon-every needs --unbind-scope device");
BAD(unbind_rate_alone, "--unbind-rate 10", "--unbind-rate has no effect without --unbinders");
BAD(unbind_scope_alone, "--unbind-scope device", "--unbind-scope has no effect without --unbinders");
BAD(credit_below_streams, "--credit 3 --pasids 3 --model direct", "--credit 3 is below the 4 streams of a device "
    "(the RID and --pasids 3)");
/* vtd may be PASID-only (6.12: the module's VERSION decides), amd always is: the PASIDs are the streams. */
BAD(credit_below_pasids_amd, "--model amd --credit 3 --pasids 4", "--credit 3 is below the 4 streams of a device "
    "(--pasids 4; --model amd rejects PASID-less requests): each needs a credit; accepted: 4 to 512");
BAD(credit_below_pasids_vtd, "--credit 2 --pasids 3", "--credit 2 is below the 3 streams of a device (--pasids 3; "
    "--model vtd rejects PASID-less requests)");
BAD(open_groups_injectors, "--open-groups 2 --injectors 4 --devices 1",
    "--open-groups 2 is below the 4 injectors that share a device (--injectors 4, --devices 1)");
BAD(open_groups_cpus, "--open-groups 1 --cpus 0-2 --devices 2", "--open-groups 1 is below the 2 injectors");
BAD(unbinders_devices, "--unbinders 2", "--unbinders 2 is above --devices (1): one unbinder per device");
BAD(unbinders_pasids, "--unbinders 5 --devices 2 --pasids 2 --unbind-scope pasid",
    "--unbinders 5 is above the 4 PASIDs to cycle");
BAD(requests_injectors, "--requests 3 --injectors 4 --devices 4", "--requests 3 is below the 4 injectors");
BAD(credit_below_open, "--credit 2 --open-groups 4", "--credit 2 is below --open-groups (4)");
BAD(credit_big, "--credit 513", "--credit 513 is out of range; accepted: 0 to 512.");
BAD(injectors_vs_cpus, "--injectors 2 --cpus 0", "--injectors 2 does not match --cpus (1 CPUs");
BAD(injectors_big, "--injectors 65", "--injectors 65 is out of range; accepted: 1 to 64.");
BAD(devices_big, "--devices 65", "--devices 65 is out of range; accepted: 1 to 64.");
BAD(pasids_big, "--pasids 65", "--pasids 65 is out of range; accepted: 0 to 64.");
BAD(unbinders_big, "--unbinders 17", "--unbinders 17 is out of range; accepted: 0 to 16.");
BAD(service_big, "--service-ns 100000001", "--service-ns 100000001 is out of range; accepted: 0 to 100000000.");
BAD(service_sleep_alone, "--service-sleep", "--service-sleep needs --service-ns");
BAD(never_ends, "--duration 0", "--duration 0 needs --requests N");
BAD(hist_no_ts, "--no-timestamps --hist h.json", "--hist needs timestamps");
BAD(pct_no_ts, "--no-timestamps --percentiles 50", "--percentiles needs timestamps");
BAD(pct_zero, "--percentiles 0", "--percentiles: '0' is not a percentile above 0 and at most 100.");
BAD(pct_decimals, "--percentiles 99.12345", "--percentiles: '99.12345' has more than 4 decimals.");
BAD(seed_big, "--seed 18446744073709551616", "--seed: '18446744073709551616' is too large");
/* ABI 2: the driver model and the defer handler. */
BAD(model_unknown, "--model vt-d", "--model: 'vt-d' is not valid; accepted: vtd, amd, smmuv3-stall, direct.");
BAD(model_missing, "--model", "--model needs a value; accepted: vtd, amd, smmuv3-stall, direct.");
BAD(iommus_zero, "--iommus 0", "--iommus 0 is out of range; accepted: 1 to 16.");
BAD(iommus_big, "--iommus 17", "--iommus 17 is out of range; accepted: 1 to 16.");
BAD(iommus_devices, "--iommus 3 --devices 2",
    "--iommus 3 is above --devices (2): an IOMMU without a device has nothing to report; accepted: 1 to 2.");
BAD(iommus_default_devices, "--iommus 2", "--iommus 2 is above --devices (1)");
BAD(prq_depth_not_pow2, "--prq-depth 100",
    "--prq-depth 100 is not a power of two (the PRQ is a ring, as VT-d's); accepted: 16, 32, 64, ... 65536.");
BAD(prq_depth_small, "--prq-depth 15", "--prq-depth 15 is out of range; accepted: 16 to 65536.");
BAD(prq_depth_zero, "--prq-depth 0", "--prq-depth 0 is out of range; accepted: 16 to 65536.");
BAD(prq_depth_big, "--prq-depth 64Ki", "--prq-depth: '64Ki' is not a number; accepted: 16 to 65536.");
BAD(prq_depth_above, "--prq-depth 65537", "--prq-depth 65537 is out of range; accepted: 16 to 65536.");
BAD(prq_depth_direct, "--model direct --prq-depth 64",
    "--prq-depth is for the models with a queue (vtd, amd, smmuv3-stall); with --model direct the "
    "injectors report themselves and there is no PRQ or reporter thread.");
BAD(irq_cpus_direct, "--irq-cpus 1 --model direct",
    "--irq-cpus is for the models with a queue (vtd, amd, smmuv3-stall); with --model direct the "
    "injectors report themselves and there is no PRQ or reporter thread.");
BAD(irq_cpus_fewer, "--iommus 2 --devices 2 --irq-cpus 1",
    "--irq-cpus names 1 CPU but --iommus is 2: give one CPU per IOMMU, or leave --irq-cpus out for the "
    "default placement.");
BAD(irq_cpus_more, "--irq-cpus 0-2", "--irq-cpus names 3 CPUs but --iommus is 1: give one CPU per IOMMU");
BAD(irq_cpus_same_cpu, "--iommus 2 --devices 2 --irq-cpus 3,3", "--irq-cpus names 1 CPU but --iommus is 2");
BAD(irq_cpus_too_many, "--iommus 16 --irq-cpus 0-16",
    "--irq-cpus: '0-16' names 17 CPUs; at most 16 (one per IOMMU).");
BAD(irq_cpus_syntax, "--irq-cpus 1-", "--irq-cpus: '1-' is not a CPU list");
BAD(irq_cpus_missing, "--irq-cpus", "--irq-cpus needs a value (LIST).");
BAD(response_big, "--response-ns 1000001", "--response-ns 1000001 is out of range; accepted: 0 to 1000000.");
BAD(defer_ns_alone, "--defer-ns 1000",
    "--defer-ns needs --handler defer or iommufd; the other handlers keep no group to answer later.");
BAD(defer_ns_wq, "--handler wq --defer-ns 5", "--defer-ns needs --handler defer or iommufd");
BAD(defer_ns_inline, "--defer-ns 5 --handler inline", "--defer-ns needs --handler defer or iommufd");
BAD(defer_ns_zero, "--handler defer --defer-ns 0", "--defer-ns 0 is out of range; accepted: 1 to 1000000000.");
BAD(defer_ns_big, "--handler defer --defer-ns 2G", "--defer-ns 2G is out of range; accepted: 1 to 1000000000.");
BAD(defer_pasid_scope, "--handler defer --unbinders 1 --pasids 1 --unbind-scope pasid",
    "--handler defer does not go with --unbind-scope pasid: iommufd answers a PASID's held groups at its "
    "detach, which this mode does not model (--handler iommufd does); use --unbind-scope device.");
/* ABI 7: iommufd's fault object: a user-space delay like defer, the auto-response at detach but not at replace. */
BAD(iommufd_replace, "--handler iommufd --unbinders 1 --pasids 2 --unbind-scope replace",
    "--handler iommufd does not go with --unbind-scope replace: iommufd's replace auto-response is not "
    "modelled; use --unbind-scope pasid or device.");
BAD(iommufd_defer_ns_zero, "--handler iommufd --defer-ns 0", "--defer-ns 0 is out of range; accepted: 1 to "
    "1000000000.");
BAD(iommufd_wq_cpus, "--handler iommufd --wq-cpus 0", "--wq-cpus is for --handler wq: only it queues work on the "
    "iopf workqueue (--handler iommufd does not).");
/* ABI 7: how a vtd reporter wakes the drains, vtd only. */
BAD(vtd_wake_unknown, "--vtd-wake some", "--vtd-wake: 'some' is not valid; accepted: one, all.");
BAD(vtd_wake_amd, "--model amd --vtd-wake all",
    "--vtd-wake all is for --model vtd (VT-d's prq_complete); --model amd has no such wait.");
BAD(vtd_wake_direct, "--vtd-wake all --model direct", "--vtd-wake all is for --model vtd");
BAD(vtd_wake_smmuv3, "--vtd-wake=all --model=smmuv3-stall", "--model smmuv3-stall has no such wait.");
/* ABI 7: the models named by their driver, what each driver would never do, the reporters' scheduling. */
BAD(model_prq_renamed, "--model prq",
    "--model prq: the model was renamed vtd in ABI 7 (and made exact to VT-d's source); give --model vtd.");
BAD(model_prq_renamed_eq, "--model=prq --group-size 4", "--model prq: the model was renamed vtd in ABI 7");
BAD(reporter_prio_unknown, "--reporter-prio rt", "--reporter-prio: 'rt' is not valid; accepted: fifo, fifo-low, "
    "normal.");
BAD(reporter_prio_direct, "--model direct --reporter-prio normal",
    "--reporter-prio normal is for the models with a reporter thread (vtd, amd, smmuv3-stall); with --model "
    "direct the injectors report themselves.");
BAD(reporter_prio_low_direct, "--reporter-prio fifo-low --model direct",
    "--reporter-prio fifo-low is for the models with a reporter thread");
BAD(smmuv3_group_size, "--model smmuv3-stall --group-size 4",
    "--group-size 4 does not go with --model smmuv3-stall: SMMUv3 reports every stall as a one-request "
    "group; accepted: 1.");
BAD(amd_replace, "--model amd --pasids 2 --unbinders 1 --unbind-scope replace",
    "--unbind-scope replace does not go with --model amd: AMD's iommu_sva_set_dev_pasid refuses a replace "
    "(-EOPNOTSUPP); use --unbind-scope pasid or device.");
BAD(amd_rid_order, "--model amd --pasids 1 --rid-order remove-first",
    "--rid-order remove-first does not go with --model amd: the RID order knob is VT-d's (--model vtd or "
    "direct); amd always flushes, then removes, inside the detach.");
BAD(amd_rid_order_kernel, "--rid-order kernel --model amd", "--rid-order kernel does not go with --model amd");
BAD(smmuv3_rid_order, "--model smmuv3-stall --rid-order kernel",
    "--rid-order kernel does not go with --model smmuv3-stall: the RID order knob is VT-d's (--model vtd or "
    "direct); smmuv3-stall never flushes.");
/* Placements and the workqueue's CPUs. */
BAD(placement_unknown, "--placement scatter", "--placement: 'scatter' is not valid; accepted: default, spread, "
    "compact, smt-siblings, same-core, same-l3, cross-package, cross-numa.");
BAD(placement_with_cpus, "--placement compact --cpus 0", "--placement compact sets the injectors' CPUs itself; "
    "--cpus is the explicit alternative: give one or the other.");
BAD(placement_with_irq_cpus, "--placement same-l3 --irq-cpus 1", "--placement same-l3 sets the reporters' (IRQ) "
    "CPUs itself; --irq-cpus is the explicit alternative");
BAD(placement_with_wq_cpus, "--wq-cpus 0 --placement cross-numa", "--placement cross-numa sets the "
    "workqueue's CPUs itself; --wq-cpus is the explicit alternative: give one or the other.");
BAD(wq_cpus_syntax, "--wq-cpus 0-", "--wq-cpus: '0-' is not a CPU list");
BAD(wq_cpus_word, "--wq-cpus all", "--wq-cpus: 'all' is not a CPU list");
BAD(wq_cpus_empty, "--wq-cpus=", "--wq-cpus needs a non-empty LIST.");
BAD(wq_cpus_inline, "--wq-cpus 1 --handler inline", "--wq-cpus is for --handler wq: only it queues work on the "
    "iopf workqueue (--handler inline does not).");
BAD(wq_cpus_defer, "--handler defer --wq-cpus 0-3", "--wq-cpus is for --handler wq");
BAD(unknown_option, "--bogus 1", "unknown option '--bogus' (see iopf-bench run --help).");
BAD(unknown_with_value, "--group_size=4", "unknown option '--group_size'");
BAD(flag_with_value, "--json=yes", "--json takes no value.");
BAD(positional, "fast", "unexpected argument 'fast'");
BAD(short_option, "-j", "unexpected argument '-j'");
BAD(empty_device, "--device=", "--device needs a non-empty PATH.");

TEST_F(bad_input, refused_with_one_sentence)
{
	char line[512];
	size_t n;

	ASSERT_EQ(-1, parse(&self->o, CMD_RUN, variant->args, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, variant->msg)) TH_LOG("got: %s", self->err);
	/* One line, one sentence, naming an option. */
	n = strlen(self->err);
	ASSERT_LT(0, n);
	EXPECT_EQ(NULL, strchr(self->err, '\n'));
	EXPECT_EQ('.', self->err[n - 1]) TH_LOG("got: %s", self->err);

	/* The whole program: exit 2, the message on stderr, the device never opened. */
	opens = 0;
	snprintf(line, sizeof(line), "run %s", variant->args);
	EXPECT_EQ(BENCH_EXIT_USAGE, run_main(line, self->err, sizeof(self->err)));
	EXPECT_EQ(0, opens);
	EXPECT_NE(NULL, strstr(self->err, variant->msg)) TH_LOG("stderr: %s", self->err);
	EXPECT_EQ(0, strncmp(self->err, "iopf-bench run: ", 16));
	snprintf(line, sizeof(line), "start %s", variant->args);
	EXPECT_EQ(BENCH_EXIT_USAGE, run_main(line, self->err, sizeof(self->err)));
	EXPECT_EQ(0, opens);
}

TEST(bad_cpu_refused_before_the_device)
{
	char err[1024];

	/* The synthetic machine in run_main has CPUs 0-1. */
	opens = 0;
	EXPECT_EQ(BENCH_EXIT_USAGE, run_main("run --cpus 0,5", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--cpus: CPU 5 does not exist")) TH_LOG("%s", err);
	EXPECT_EQ(0, opens);
	/* --irq-cpus is checked against the machine the same way. */
	EXPECT_EQ(BENCH_EXIT_USAGE, run_main("run --irq-cpus 5", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--irq-cpus: CPU 5 does not exist")) TH_LOG("%s", err);
	EXPECT_EQ(0, opens);
	EXPECT_EQ(BENCH_EXIT_USAGE, run_main("start --iommus 2 --devices 2 --irq-cpus 1-2", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "iopf-bench start: --irq-cpus: CPU 2 does not exist")) TH_LOG("%s", err);
	EXPECT_EQ(0, opens);
	EXPECT_EQ(BENCH_EXIT_NOMODULE, run_main("run --iommus 2 --devices 2 --irq-cpus 0-1", err, sizeof(err)));
	EXPECT_EQ(1, opens);
	opens = 0;
	/* A good list gets as far as opening the device (which the stub says is missing). */
	EXPECT_EQ(BENCH_EXIT_NOMODULE, run_main("run --cpus 0-1", err, sizeof(err)));
	EXPECT_EQ(1, opens);
	EXPECT_NE(NULL, strstr(err, "module not loaded: insmod kmod/iopf_bench.ko (or scripts/vm-run --insmod)"))
		TH_LOG("%s", err);
}

TEST(options_belong_to_commands)
{
	struct bench_opts o;
	char err[512];

	EXPECT_EQ(-1, parse(&o, CMD_STATUS, "--group-size 8", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--group-size is not an option of 'status'"));
	EXPECT_EQ(-1, parse(&o, CMD_START, "--hist x", err, sizeof(err)));
	EXPECT_EQ(-1, parse(&o, CMD_RESET, "--json", err, sizeof(err)));
	EXPECT_EQ(0, parse(&o, CMD_WAIT, "--timeout 5s --json", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(5000, o.timeout_ms);
	EXPECT_EQ(0, parse(&o, CMD_RESULTS, "--json --percentiles 99.999 --hist x", err, sizeof(err)));
	EXPECT_EQ(0, parse(&o, CMD_VERSION, "--device /dev/null", err, sizeof(err)));
	/* --help wins over bad input. */
	EXPECT_EQ(0, parse(&o, CMD_RUN, "--group-size 0 --help", err, sizeof(err)));
	EXPECT_TRUE(o.help);
	EXPECT_EQ(0, run_main("run --bogus -h", err, sizeof(err)));
	EXPECT_EQ(BENCH_EXIT_USAGE, run_main("frobnicate", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown command 'frobnicate'"));
	EXPECT_EQ(BENCH_EXIT_USAGE, run_main("", err, sizeof(err)));
}

TEST(help_comes_from_the_table)
{
	char *buf = NULL;
	size_t len = 0;

	for (int c = 0; c < CMD_NR; c++) {
		FILE *f = open_memstream(&buf, &len);

		opts_help(f, c);
		fclose(f);
		for (unsigned int i = 0; i < bench_nr_options; i++) {
			const struct bench_option *op = &bench_options[i];
			char want[64];

			snprintf(want, sizeof(want), "  --%s ", op->name);
			if (op->type == OPT_FLAG)
				snprintf(want, sizeof(want), "  --%s", op->name);
			if (op->cmds & CMDF(c)) {
				EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s --help lacks %s", bench_cmds[c].name, want);
			} else {
				/* Not as an option line (other help text may mention it). */
				snprintf(want, sizeof(want), "\n  --%s ", op->name);
				EXPECT_EQ(NULL, strstr(buf, want)) TH_LOG("%s --help has %s", bench_cmds[c].name, want);
				snprintf(want, sizeof(want), "\n  --%s\n", op->name);
				EXPECT_EQ(NULL, strstr(buf, want)) TH_LOG("%s --help has %s", bench_cmds[c].name, want);
			}
		}
		free(buf);
		buf = NULL;
	}
	/* Ranges, defaults and enum names are in it. */
	{
		FILE *f = open_memstream(&buf, &len);

		opts_help(f, CMD_RUN);
		fclose(f);
		EXPECT_NE(NULL, strstr(buf, "--handler {wq,inline,null,defer,iommufd}"));
		EXPECT_NE(NULL, strstr(buf, "--model {vtd,amd,smmuv3-stall,direct}"));
		EXPECT_NE(NULL, strstr(buf, "[default vtd]"));
		EXPECT_NE(NULL, strstr(buf, "--reporter-prio {fifo,fifo-low,normal}"));
		EXPECT_NE(NULL, strstr(buf, "[default fifo]"));
		EXPECT_NE(NULL, strstr(buf, "SCHED_NORMAL, what ABI <= 6 did"));
		EXPECT_NE(NULL, strstr(buf, "smmuv3-stall\n"));	/* too long for the name column */
		EXPECT_NE(NULL, strstr(buf, "[16 to 65536; default 2048, VT-d's PRQ_DEPTH]"));
		EXPECT_NE(NULL, strstr(buf, "[1 to 16; default 1]"));
		EXPECT_NE(NULL, strstr(buf, "[0 to 1000000; default 0]"));
		/* A long default wraps like the help (at 100 columns). */
		EXPECT_NE(NULL, strstr(buf, "[1 to 1000000000; default 1000000 (1 ms) with --handler defer or\n"
				       "                            iommufd]")) TH_LOG("%s", buf);
		EXPECT_NE(NULL, strstr(buf, "--handler {wq,inline,null,defer,iommufd}"));
		EXPECT_NE(NULL, strstr(buf, "iommufd's fault object (ABI 7)"));
		EXPECT_NE(NULL, strstr(buf, "--vtd-wake {one,all}"));
		EXPECT_NE(NULL, strstr(buf, "[default one]"));
		EXPECT_NE(NULL, strstr(buf, "named departure from VT-d's code\n"));
		/* --pasids says why its default is 1; --credit which streams it covers. */
		EXPECT_NE(NULL, strstr(buf, "[0 to 64; default 1: the default model vtd on Linux 6.12, and amd on"));
		EXPECT_NE(NULL, strstr(buf, "default max(--open-groups, the streams, 64)"));
		/* No line of the help is wider than 100 columns. */
		for (const char *l = buf; *l; ) {
			size_t w = strcspn(l, "\n");

			EXPECT_GE(100, w) TH_LOG("%.*s", (int)w, l);
			l += w + (l[w] == '\n');
		}
		EXPECT_NE(NULL, strstr(buf, "[default IOMMU i on the (i+1)-th online CPU from the last]"));
		EXPECT_NE(NULL, strstr(buf, "Intel VT-d's prq.c"));
		EXPECT_NE(NULL, strstr(buf, "no hardware does this"));
		EXPECT_NE(NULL, strstr(buf, "like iommufd's fault fd"));
		EXPECT_NE(NULL, strstr(buf, "fault_param->lock"));
		EXPECT_NE(NULL, strstr(buf, "[1 to 512; default 1]"));
		EXPECT_NE(NULL, strstr(buf, "[0s to 24h; default 10s, or 0 with --requests]"));
		EXPECT_NE(NULL, strstr(buf, "poisson"));
		/* Every placement, with what it means. */
		EXPECT_NE(NULL, strstr(buf, "--placement {default,spread,compact,smt-siblings,same-core,same-l3,"
				       "cross-package,cross-numa}"));
		EXPECT_NE(NULL, strstr(buf, "needs R cores with 2 or more PUs"));
		EXPECT_NE(NULL, strstr(buf, "/sys/devices/virtual/workqueue/cpumask"));
		free(buf);
	}
}

/* s with every run of white space made one space, allocated. */
static char *squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t') {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		*o++ = *s;
	}
	*o = 0;
	return out;
}

static void expect_whole(struct __test_metadata *_metadata, const char *help, const char *cmd,
			 const char *opt, const char *text)
{
	char *want = squeeze(text);

	EXPECT_NE(NULL, strstr(help, want)) TH_LOG("%s --help: --%s's text is not there whole: \"%s\"",
						   cmd, opt, want);
	free(want);
}

/*
 * Every option's help, default and enum values appear whole in every
 * command's --help that lists the option: compared with this table's own
 * strings once the wrapping is undone, so that no fixed-size buffer can cut
 * one short again (the --credit default once ended "fit the queu]").
 */
TEST(help_texts_are_whole)
{
	char *buf = NULL, *help, want[1024];
	size_t len = 0;

	for (int c = 0; c <= CMD_NR; c++) {
		FILE *f = open_memstream(&buf, &len);
		const char *cn = c == CMD_NR ? "iopf-bench" : bench_cmds[c].name;

		opts_help(f, c);
		fclose(f);
		help = squeeze(buf);
		ASSERT_TRUE(len > 0 && buf[len - 1] == '\n');
		for (unsigned int i = 0; i < bench_nr_options; i++) {
			const struct bench_option *op = &bench_options[i];

			if (c != CMD_NR && !(op->cmds & CMDF(c)))
				continue;
			expect_whole(_metadata, help, cn, op->name, op->help);
			if (op->def_help) {
				snprintf(want, sizeof(want), "default %s]", op->def_help);
				expect_whole(_metadata, help, cn, op->name, want);
			}
			if (op->type == OPT_ENUM)
				for (const struct opt_enum *e = op->enums; e->name; e++) {
					snprintf(want, sizeof(want), "%s %s", e->name, e->help);
					expect_whole(_metadata, help, cn, op->name, want);
				}
		}
		if (c == CMD_RUN || c == CMD_NR)
			expect_whole(_metadata, help, cn, "exit status",
				     "2 bad usage, 3 module missing or unusable, 4 skipped:");
		free(help);
		free(buf);
		buf = NULL;
	}
}

TEST(run_config)
{
	struct bench_opts o;
	struct iopf_bench_run_config c;
	const unsigned int *cpus;
	char err[512];

	ASSERT_EQ(0, parse(&o, CMD_RUN,
			   "--handler inline --group-size 8 --cpus 1,3 --rate 500 --pacing poisson "
			   "--duration 2 --requests 9 --warmup 100ms --devices 2 --pasids 1 --credit 10 "
			   "--service-ns 5 --service-sleep --no-timestamps --unbinders 2 --unbind-scope pasid "
			   "--unbind-rate 3 --fail-every 4 --seed 77", err, sizeof(err))) TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(sizeof(c), c.size);
	EXPECT_EQ(IOPF_BENCH_RUN_NO_TIMESTAMPS | IOPF_BENCH_RUN_SERVICE_SLEEP, c.flags);
	EXPECT_EQ(IOPF_BENCH_HANDLER_INLINE, c.handler);
	EXPECT_EQ(IOPF_BENCH_PACE_POISSON, c.pacing);
	EXPECT_EQ(2, c.nr_devices);
	EXPECT_EQ(1, c.pasids);
	EXPECT_EQ(8, c.group_size);
	EXPECT_EQ(1, c.open_groups);	/* two injectors over two devices */
	EXPECT_EQ(10, c.credit);
	EXPECT_EQ(2, c.nr_injectors);
	EXPECT_EQ(2, c.nr_cpus);
	cpus = (const unsigned int *)(uintptr_t)c.cpus_uptr;
	EXPECT_EQ(1, cpus[0]);
	EXPECT_EQ(3, cpus[1]);
	EXPECT_EQ(2, c.nr_unbinders);
	EXPECT_EQ(500, c.rate_per_s);
	EXPECT_EQ(2000, c.duration_ms);
	EXPECT_EQ(9, c.max_requests);
	EXPECT_EQ(100, c.warmup_ms);
	EXPECT_EQ(5, c.service_ns);
	EXPECT_EQ(IOPF_BENCH_UNBIND_PASID, c.unbind_scope);
	EXPECT_EQ(3, c.unbind_rate_per_s);
	EXPECT_EQ(4, c.fail_every);
	EXPECT_EQ(0, c.abandon_every);
	EXPECT_EQ(77, c.seed);
	EXPECT_EQ(0, c.__reserved);
	EXPECT_EQ(0, c.__reserved2);
	/* ABI 3: 184 bytes; the defaults, explicit (no stream without --timeseries). */
	EXPECT_EQ(184, sizeof(c));
	EXPECT_EQ(184, c.size);
	EXPECT_EQ(0, c.ts_interval_ns);
	EXPECT_EQ(0, c.ts_ring_kib);
	EXPECT_EQ(IOPF_BENCH_RID_ORDER_DRAIN_FIRST, c.rid_order);
	EXPECT_EQ(IOPF_BENCH_MODEL_VTD, c.model);
	EXPECT_EQ(IOPF_BENCH_REPORTER_FIFO, c.reporter_prio);
	EXPECT_EQ(1, c.nr_iommus);
	EXPECT_EQ(0, c.prq_depth);
	EXPECT_EQ(0, c.response_ns);
	EXPECT_EQ(0, c.nr_irq_cpus);
	EXPECT_EQ(0, c.irq_cpus_uptr);
	EXPECT_EQ(0, c.defer_ns);
	EXPECT_EQ(0, c.violate_every);
	EXPECT_EQ(0, c.__reserved3);
	EXPECT_EQ(0, c.__reserved5);
}

TEST(run_config_abi2)
{
	struct bench_opts o;
	struct iopf_bench_run_config c;
	const unsigned int *irq;
	char err[512];

	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler defer --defer-ns 2500 --iommus 2 --devices 2 --prq-depth 4096 "
			   "--irq-cpus 6,3 --response-ns 700 --unbinders 1", err, sizeof(err))) TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(sizeof(c), c.size);
	EXPECT_EQ(IOPF_BENCH_HANDLER_DEFER, c.handler);
	EXPECT_EQ(2500, c.defer_ns);
	EXPECT_EQ(IOPF_BENCH_MODEL_VTD, c.model);
	EXPECT_EQ(2, c.nr_iommus);
	EXPECT_EQ(4096, c.prq_depth);
	EXPECT_EQ(700, c.response_ns);
	ASSERT_EQ(2, c.nr_irq_cpus);
	irq = (const unsigned int *)(uintptr_t)c.irq_cpus_uptr;
	ASSERT_NE(NULL, irq);
	EXPECT_EQ(3, irq[0]);
	EXPECT_EQ(6, irq[1]);
	/* Not the injectors' list. */
	EXPECT_NE(c.cpus_uptr, c.irq_cpus_uptr);
	EXPECT_EQ(1, c.nr_unbinders);
	EXPECT_EQ(IOPF_BENCH_REPORTER_FIFO, c.reporter_prio);
	EXPECT_EQ(0, c.__reserved5);

	/* Default defer time; the direct model has no PRQ. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler defer --model direct --iommus 4 --devices 4", err, sizeof(err)))
		TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(1000000, c.defer_ns);
	EXPECT_EQ(IOPF_BENCH_MODEL_DIRECT, c.model);
	EXPECT_EQ(4, c.nr_iommus);
	EXPECT_EQ(0, c.prq_depth);
	EXPECT_EQ(0, c.nr_irq_cpus);
	EXPECT_EQ(0, c.irq_cpus_uptr);

	/* What each ABI takes: ABI 1 stops after violate_every and __reserved3. */
	EXPECT_EQ(128, opts_run_config_size(1));
	EXPECT_EQ(168, opts_run_config_size(2));
	EXPECT_EQ(184, opts_run_config_size(3));
	EXPECT_EQ(184, opts_run_config_size(4));	/* ABI 4 added to the results only */
	EXPECT_EQ(184, opts_run_config_size(IOPF_BENCH_ABI_VERSION));
	EXPECT_EQ(184, opts_run_config_size(5));	/* ABI 5: rid_order took __reserved6 */
	EXPECT_EQ(184, opts_run_config_size(6));	/* ABI 6: a flag and a module parameter */
	EXPECT_EQ(184, opts_run_config_size(7));	/* ABI 7: reporter_prio took __reserved4 */
	EXPECT_EQ(7, IOPF_BENCH_ABI_VERSION);
	/*
	 * ABI 7: pasid_only_models and a reserved word after ABI 3's 216 bytes.
	 * (The header's "Since ABI 7 (232 bytes)" counts 16 bytes; there are 8.)
	 */
	EXPECT_EQ(216, offsetof(struct iopf_bench_version, pasid_only_models));
	EXPECT_EQ(224, sizeof(struct iopf_bench_version));

	/* ABI 7: the reporters' scheduling and the other models are sent as given. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --pasids 1 --reporter-prio normal --prq-depth 128", err,
			   sizeof(err))) TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(IOPF_BENCH_MODEL_AMD, c.model);
	EXPECT_EQ(IOPF_BENCH_REPORTER_NORMAL, c.reporter_prio);
	EXPECT_EQ(128, c.prq_depth);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model smmuv3-stall --reporter-prio fifo-low", err, sizeof(err)))
		TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(IOPF_BENCH_MODEL_SMMUV3_STALL, c.model);
	EXPECT_EQ(IOPF_BENCH_REPORTER_FIFO_LOW, c.reporter_prio);
	EXPECT_EQ(1, c.group_size);
	/* direct has no reporter: 0, as the module wants. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model direct", err, sizeof(err))) TH_LOG("%s", err);
	opts_to_run_config(&o, &c);
	EXPECT_EQ(0, c.reporter_prio);
	EXPECT_EQ(0, c.prq_depth);
}

TEST(module_limits)
{
	struct iopf_bench_version v = {
		.abi_version = IOPF_BENCH_ABI_VERSION,
		.caps = IOPF_BENCH_CAP_IOPF | IOPF_BENCH_CAP_TIMESTAMPS,
		.handlers = 1u << IOPF_BENCH_HANDLER_WQ,
		.max_group_size = 16, .max_open_groups = 8, .max_credit = 32, .max_devices = 2,
		.max_pasids = 4, .max_injectors = 2, .max_unbinders = 1, .max_service_ns = 1000,
		.nr_cpu_ids = 2,
		.models = 1u << IOPF_BENCH_MODEL_VTD, .max_iommus = 2, .max_prq_depth = 2048,
		.max_response_ns = 500,
	};
	struct bench_opts o;
	char err[512];

	/* This module has no PASID support: the default --pasids 1 is refused, 0 goes. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--group-size 16 --cpus 0-1", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--pasids 1 needs PASID support, which this module lacks; accepted: 0.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--group-size 16 --cpus 0-1 --pasids 0", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--group-size 17", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--group-size 17 is above this module's limit; accepted: 1 to 16.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--devices 3", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--devices 3"));
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler inline", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--handler inline is not offered by this module; accepted: wq.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 1", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--pasids 1 needs PASID support"));
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--unbinders 1 --pasids 0", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--unbinders 1 needs unbind support"));
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--cpus 2 --pasids 0", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--cpus: CPU 2 is beyond the kernel's CPUs (0 to 1)"));
	v.caps &= ~IOPF_BENCH_CAP_TIMESTAMPS;
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 0", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--no-timestamps"));
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--no-timestamps --pasids 0", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
}

TEST(module_limits_abi2)
{
	struct iopf_bench_version v = {
		.abi_version = 2,
		.caps = IOPF_BENCH_CAP_IOPF | IOPF_BENCH_CAP_TIMESTAMPS | IOPF_BENCH_CAP_UNBIND |
			IOPF_BENCH_CAP_PASID,
		.handlers = (1u << IOPF_BENCH_HANDLER_WQ) | (1u << IOPF_BENCH_HANDLER_DEFER),
		.max_group_size = 16, .max_open_groups = 8, .max_credit = 32, .max_devices = 4,
		.max_pasids = 4, .max_injectors = 2, .max_unbinders = 1, .max_service_ns = 1000,
		.nr_cpu_ids = 4,
		.models = 1u << IOPF_BENCH_MODEL_VTD, .max_iommus = 2, .max_prq_depth = 2048,
		.max_response_ns = 500,
	};
	struct bench_opts o;
	char err[512];

	ASSERT_EQ(0, parse(&o, CMD_RUN, "--iommus 2 --devices 2 --prq-depth 2048 --response-ns 500 --irq-cpus 2-3 "
			   "--handler defer", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--iommus 3 --devices 3", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--iommus 3 is above this module's limit; accepted: 1 to 2.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--prq-depth 4096", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--prq-depth 4096 is above this module's limit; accepted: 16 to 2048.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--response-ns 501", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--response-ns 501 is above this module's limit; accepted: 0 to 500.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model direct", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--model direct is not offered by this module; accepted: vtd.", err);
	/* ABI 7's models and scheduling need an ABI 7 module (the default scheduling does not). */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --pasids 1", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--model amd needs a module of ABI 7 or later; this one speaks ABI 2.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model smmuv3-stall", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--model smmuv3-stall needs a module of ABI 7 or later; this one speaks ABI 2.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--reporter-prio fifo-low", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--reporter-prio fifo-low needs a module of ABI 7 or later; this one speaks ABI 2.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--reporter-prio normal", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--reporter-prio normal needs a module of ABI 7 or later; this one speaks ABI 2.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--reporter-prio fifo", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	v.abi_version = 6;
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --pasids 1 --reporter-prio normal", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--model amd needs a module of ABI 7 or later; this one speaks ABI 6.", err);
	/* An ABI 6 module has no pasid_only_models: its RID faults are not refused here. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 0", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	/* ... and every model of it sees the RID: a credit per PASID is not enough. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 2 --credit 2", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--credit 2 is below the 3 streams of a device (the RID and --pasids 2: --model vtd sees the "
		     "RID's requests on this kernel): each needs a credit; accepted: 3 to 512, or 0 for the default.",
		     err);
	/* ABI 7's handler and vtd flag: refused naming the ABI, not as "not offered". */
	v.handlers |= 1u << IOPF_BENCH_HANDLER_IOMMUFD;	/* even if it said so */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler iommufd", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--handler iommufd needs a module of ABI 7 or later; this one speaks ABI 6.", err);
	v.handlers &= ~(1u << IOPF_BENCH_HANDLER_IOMMUFD);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler iommufd --defer-ns 5000", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--handler iommufd needs a module of ABI 7 or later; this one speaks ABI 6.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--vtd-wake all", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--vtd-wake all needs a module of ABI 7 or later; this one speaks ABI 6.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--vtd-wake one", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	v.abi_version = 2;
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler inline", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--handler inline is not offered by this module; accepted: wq, defer.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--iommus 2 --devices 2 --irq-cpus 3-4", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--irq-cpus: CPU 4 is beyond the kernel's CPUs (0 to 3).", err);

	/* An ABI 1 module: the direct model only, none of the ABI 2 settings, no limits for them. */
	memset(&v.models, 0, sizeof(v) - offsetof(struct iopf_bench_version, models));
	v.abi_version = 1;
	v.handlers = 1u << IOPF_BENCH_HANDLER_WQ;
	ASSERT_EQ(0, parse(&o, CMD_RUN, "", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("this module speaks ABI 1, which has only the direct model (the injectors report "
		     "themselves); give --model direct or load an ABI 2 module.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model direct", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model direct --iommus 2 --devices 2", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--iommus needs a module of ABI 2 or later; this one speaks ABI 1.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model direct --response-ns 1", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--response-ns needs a module of ABI 2 or later; this one speaks ABI 1.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model direct --handler defer", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--handler defer is not offered by this module; accepted: wq.", err);
}

TEST(module_limits_abi7)
{
	struct iopf_bench_version v = {
		.abi_version = 7,
		.caps = IOPF_BENCH_CAP_IOPF | IOPF_BENCH_CAP_TIMESTAMPS | IOPF_BENCH_CAP_UNBIND |
			IOPF_BENCH_CAP_PASID,
		.handlers = 1u << IOPF_BENCH_HANDLER_WQ,
		.max_group_size = 16, .max_open_groups = 8, .max_credit = 32, .max_devices = 4,
		.max_pasids = 4, .max_injectors = 2, .max_unbinders = 1, .max_service_ns = 1000,
		.nr_cpu_ids = 4,
		.models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_DIRECT) |
			  (1u << IOPF_BENCH_MODEL_AMD) | (1u << IOPF_BENCH_MODEL_SMMUV3_STALL),
		.max_iommus = 2, .max_prq_depth = 2048, .max_response_ns = 500,
		/* 6.12: VT-d and AMD-Vi reject PASID-less page requests */
		.pasid_only_models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_AMD),
	};
	struct bench_opts o;
	char err[512];

	/* The defaults run on it: --pasids 1 is the default for this (6.12's vtd). */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	/* A PASID-only model with no PASID: refused, naming the model and the driver's lines. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 0", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--model vtd on this kernel rejects PASID-less page requests (VT-d 6.12 intel/prq.c:217; "
		     "AMD ppr.c:140): give --pasids >= 1.", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --reporter-prio normal --pasids 0", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--model amd on this kernel rejects PASID-less page requests (VT-d 6.12 intel/prq.c:217; "
		     "AMD ppr.c:140): give --pasids >= 1.", err);
	/* With PASIDs, and the models that take the RID, go. */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --pasids 1 --reporter-prio normal", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 4", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model smmuv3-stall --reporter-prio fifo-low", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model direct", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	/* A PASID-only model's credit covers its PASIDs (the module's rule: credit >= pasids). */
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 4 --credit 4", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	/* ABI 7's handler and vtd flag. */
	v.handlers |= 1u << IOPF_BENCH_HANDLER_IOMMUFD;
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--handler iommufd --vtd-wake all", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	v.handlers &= ~(1u << IOPF_BENCH_HANDLER_IOMMUFD);
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--handler iommufd is not offered by this module; accepted: wq.", err);
	/* 7.x's VT-d takes PASID-less requests again, and needs a credit for the RID too. */
	v.pasid_only_models = 1u << IOPF_BENCH_MODEL_AMD;
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 0", err, sizeof(err)));
	EXPECT_EQ(0, opts_check_module(&o, &v, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--pasids 4 --credit 4", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--credit 4 is below the 5 streams of a device (the RID and --pasids 4: --model vtd sees the "
		     "RID's requests on this kernel): each needs a credit; accepted: 5 to 512, or 0 for the default.",
		     err);
	/* A model the module does not offer lists ABI 7's names. */
	v.models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_SMMUV3_STALL);
	ASSERT_EQ(0, parse(&o, CMD_RUN, "--model amd --pasids 1", err, sizeof(err)));
	EXPECT_EQ(-1, opts_check_module(&o, &v, err, sizeof(err)));
	EXPECT_STREQ("--model amd is not offered by this module; accepted: vtd, smmuv3-stall.", err);
}

TEST_HARNESS_MAIN
