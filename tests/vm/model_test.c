// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the faithful driver model. One reporter thread per mock
 * IOMMU reports (several IOMMUs, placed reporters); a PASID-scope unbind
 * flushes inside the core's detach while the device's other PASIDs keep
 * injecting; PRQ overflow is VT-d's (drop, answer dropped last requests,
 * discard partials) and still every group is answered exactly once; the
 * response cost is paid inside page_response; open-loop latencies start at
 * the scheduled arrival; 9-bit group indexes are reused only after their
 * response; the reporters run SCHED_FIFO as IRQ threads do, and a caller
 * without CAP_SYS_NICE gets EPERM for it.
 */
#include <dirent.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>

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
	struct iopf_bench_version v;
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_INLINE);
	cfg.nr_devices = 1;
	cfg.nr_injectors = 1;
	/* One stream, one slot: the PASID where vtd takes nothing else (6.12), else the RID. */
	test_iopf_version(&v);
	cfg.pasids = v.pasid_only_models & (1u << IOPF_BENCH_MODEL_VTD) ? 1 : 0;
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

/*
 * The reporter thread's scheduling class (ABI 7): SCHED_FIFO at
 * MAX_RT_PRIO / 2 by default, as threaded IRQs run; fifo-low at 1; normal
 * SCHED_OTHER. Read from /proc/PID/stat (fields 40 rt_priority, 41
 * policy) of the thread named iopf_prq0/CPU while the run goes on.
 */
static int reporter_sched(unsigned int *prio, unsigned int *policy)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int found = -1;

	if (!d)
		return -1;
	while (found < 0 && (de = readdir(d))) {
		char path[300], buf[512], *p;
		unsigned int field;
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && strstr(buf, "(iopf_prq0/")) {
			/* fields after the comm's closing parenthesis, from field 3 */
			p = strrchr(buf, ')');
			for (field = 2; p && field < 40; field++)
				p = strchr(p + 1, ' ');
			if (p && sscanf(p + 1, "%u %u", prio, policy) == 2)
				found = 0;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

TEST_F_TIMEOUT(model, reporter_prio, 60)
{
	static const struct { uint32_t prio_cfg; unsigned int policy, prio; } want[] = {
		{ IOPF_BENCH_REPORTER_FIFO, 1 /* SCHED_FIFO */, 50 },
		{ IOPF_BENCH_REPORTER_FIFO_LOW, 1, 1 },
		{ IOPF_BENCH_REPORTER_NORMAL, 0 /* SCHED_OTHER */, 0 },
	};
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	unsigned int i, prio, policy;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
		cfg.reporter_prio = want[i].prio_cfg;
		cfg.duration_ms = 2000;
		test_iopf_start(&cfg);
		usleep(200000);
		ASSERT_EQ(0, reporter_sched(&prio, &policy)) TH_LOG("no iopf_prq0 thread");
		EXPECT_EQ(want[i].policy, policy) TH_LOG("reporter_prio %u", want[i].prio_cfg);
		EXPECT_EQ(want[i].prio, prio) TH_LOG("reporter_prio %u", want[i].prio_cfg);
		test_iopf_stop();
		test_iopf_results(&r);
		ASSERT_EQ(want[i].prio_cfg, r.reporter_prio);
		test_iopf_reset();
	}
}

/*
 * A FIFO class needs CAP_SYS_NICE: a caller without it gets EPERM, never
 * a silent fallback to SCHED_OTHER; normal still starts.
 */
TEST_F_TIMEOUT(model, reporter_prio_needs_cap_sys_nice, 60)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (!pid) {
		struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct data[2];
		struct iopf_bench_run_config cfg;
		int fd = iopf_open();

		if (fd < 0 || syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[CAP_SYS_NICE / 32].effective &= ~(1u << (CAP_SYS_NICE % 32));
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
		if (_iopf_start(fd, &cfg) != -EPERM)
			_exit(12);
		cfg.reporter_prio = IOPF_BENCH_REPORTER_NORMAL;
		if (_iopf_start(fd, &cfg) || _iopf_stop(fd) || _iopf_reset(fd))
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("10 open/capget, 11 capset, 12 FIFO not refused with EPERM, 13 normal failed");
}

IOPF_TEST_MAIN
