// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the faithful driver model. One reporter thread per mock
 * IOMMU reports (several IOMMUs, placed reporters); a PASID-scope unbind
 * flushes inside the core's detach while the device's other PASIDs keep
 * injecting; PRQ overflow is VT-d's (drop, answer dropped last requests,
 * discard partials) and still every group is answered exactly once; the
 * response cost is paid inside page_response; open-loop latencies start at
 * the scheduled arrival; 9-bit group indexes are reused only after their
 * response.
 */
#include "iopf_test_utils.h"

IOPF_FIXTURE(model);

/* Two IOMMUs, four devices, reporters on chosen CPUs: only they report. */
TEST_F_TIMEOUT(model, one_reporter_per_iommu, 90)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	uint32_t irq[2] = { 1, 0 };

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs 2 CPUs");
	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.nr_devices = 4;
	cfg.nr_iommus = 2;
	cfg.pasids = 1;
	cfg.group_size = 4;
	cfg.open_groups = 4;
	cfg.nr_irq_cpus = 2;
	cfg.irq_cpus_uptr = (uintptr_t)irq;
	test_iopf_run_until(&cfg, 500, 0, 60000, &r);
	iopf_print_results(&r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_EQ(2, r.nr_iommus);
	ASSERT_EQ(0, r.reports_by_others);
	ASSERT_EQ(r.total_requests, r.reports_by_reporters);
	ASSERT_EQ(r.total_groups, r.checked_groups);
	ASSERT_EQ(r.total_groups, r.total_responses);
	/* Teardown: every stream of every device detached through the mock. */
	ASSERT_LE(4 * 2, r.detach_flushes);
}

/*
 * PASID-scope unbind, one device, four PASIDs: the unbinder calls only
 * iommu_detach_device_pasid(); the mock drains and flushes inside it (one
 * flush per cycle at least), and the device's other streams keep sending
 * groups while a PASID is down.
 */
TEST_F_TIMEOUT(model, pasid_unbind_others_inject, 120)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.nr_devices = 1;
	cfg.nr_injectors = 1;
	cfg.pasids = 4;
	cfg.group_size = 4;
	cfg.open_groups = 4;
	cfg.service_ns = 20000;
	cfg.nr_unbinders = 1;
	cfg.unbind_scope = IOPF_BENCH_UNBIND_PASID;
	cfg.unbind_rate_per_s = 200;
	test_iopf_run_until(&cfg, 500, 50, 90000, &r);
	iopf_print_results(&r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_LE(50, r.unbind_cycles);
	ASSERT_LE(r.unbind_cycles, r.detach_flushes);
	ASSERT_LT(0, r.groups_during_unbind);
	ASSERT_EQ(0, r.reports_by_others);
	ASSERT_EQ(r.total_groups, r.total_responses);
	ASSERT_EQ(0, r.from_no_handler);
}

/*
 * An offered load far above what a 16-entry PRQ holds: the queue
 * overflows, the hardware drops requests and answers the dropped last
 * ones, the reporter discards the partials and clears the overflow; every
 * group is still answered exactly once (by the handler or the hardware)
 * and every group that reached the handler is checked: short ones only
 * where the hardware dropped or the driver discarded requests.
 */
TEST_F_TIMEOUT(model, prq_overflow, 120)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.prq_depth = 16;
	cfg.credit = 256;
	cfg.group_size = 4;
	cfg.open_groups = 16;
	cfg.pacing = IOPF_BENCH_PACE_CONSTANT;
	cfg.rate_per_s = 2000000;
	cfg.duration_ms = 500;
	test_iopf_run(&cfg, &r);
	iopf_print_results(&r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_EQ(0, r.violations);
	ASSERT_EQ(16, r.prq_depth);
	ASSERT_LT(0, r.prq_overflows);
	ASSERT_LT(0, r.prq_dropped);
	ASSERT_LT(0, r.prq_dropped_last);
	ASSERT_LT(0, r.prq_discards);
	ASSERT_GE(16, r.prq_max_fill);
	/* Each dropped last request answered by the hardware, once. */
	ASSERT_EQ(r.prq_dropped_last, r.from_hw);
	ASSERT_EQ(r.total_groups, r.total_responses);
	ASSERT_EQ(r.total_responses, r.from_handler + r.from_hw);
	ASSERT_EQ(r.total_requests, r.reports_by_reporters + r.prq_dropped);
	ASSERT_EQ(r.total_groups - r.from_hw, r.checked_groups);
	ASSERT_EQ(0, r.viol_group);
}

/* The response's cost is paid inside page_response: no answer comes sooner. */
TEST_F_TIMEOUT(model, response_cost, 90)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_INLINE);
	cfg.response_ns = 50000;
	test_iopf_run_until(&cfg, 200, 0, 60000, &r);
	iopf_print_results(&r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_EQ(50000, r.response_ns);
	ASSERT_LE(50000, r.lat_response.min_ns);
	/* The inline handler answers inside the report: the report pays it too. */
	ASSERT_LE(50000, r.lat_report_last.min_ns);
}

/*
 * Open loop: every request's latency starts at its scheduled arrival. A
 * 2 ms service time on one device with one group in flight cannot keep up
 * with 1000 groups/s: the sends fall behind their schedule (send lag), and
 * the response latency grows with it instead of hiding it.
 */
TEST_F_TIMEOUT(model, scheduled_arrival, 90)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_INLINE);
	cfg.nr_devices = 1;
	cfg.nr_injectors = 1;
	cfg.credit = 1;
	cfg.open_groups = 1;
	cfg.service_ns = 2000000;
	cfg.flags = IOPF_BENCH_RUN_SERVICE_SLEEP;
	cfg.pacing = IOPF_BENCH_PACE_CONSTANT;
	cfg.rate_per_s = 1000;
	cfg.duration_ms = 1000;
	cfg.warmup_ms = 0;
	test_iopf_run(&cfg, &r);
	iopf_print_results(&r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_EQ(r.requests, r.lat_send_lag.count);
	ASSERT_LT(0, r.stalls);
	/* At most ~500 of the 1000 scheduled arrivals fit in the window. */
	ASSERT_GT(700, r.requests);
	/* Sends lagged their schedule by far more than one service time... */
	ASSERT_LT(10000000, r.lat_send_lag.p90_ns);
	/* ...and the response latency counts that lag. */
	ASSERT_LE(r.lat_send_lag.p90_ns, r.lat_response.p90_ns + r.lat_response.p90_ns / 100);
}

/*
 * 9-bit group indexes: one device, the largest credit the PRG index allows;
 * thousands of groups reuse every index, each only after its response.
 */
TEST_F_TIMEOUT(model, prg_index_reuse, 90)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.nr_devices = 1;
	cfg.credit = 1u << IOPF_BENCH_PRG_INDEX_BITS;
	cfg.group_size = 2;
	cfg.open_groups = 8;
	test_iopf_run_until(&cfg, 4 * cfg.credit, 0, 60000, &r);
	iopf_print_results(&r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_EQ(IOPF_BENCH_PRG_INDEX_BITS, r.grpid_bits);
	ASSERT_LE(4 * cfg.credit, r.total_groups);
	ASSERT_EQ(r.total_groups, r.checked_groups);
	ASSERT_EQ(0, r.viol_group);
	ASSERT_EQ(r.total_groups, r.total_responses);
}

IOPF_TEST_MAIN
