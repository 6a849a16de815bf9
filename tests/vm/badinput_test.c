// SPDX-License-Identifier: GPL-2.0
/*
 * Description: every bad run config field, and every op used in the wrong
 * state, is refused with its own errno and a kernel log line, and leaves
 * nothing behind (no device, no mock IOMMU, state IDLE, a good run after).
 */
#include <dirent.h>
#include <sys/klog.h>

#include "iopf_test_utils.h"

IOPF_FIXTURE(bad);

static uint32_t bad_cpu_list[2];

struct bad_case {
	const char *name;
	int err;
	void (*mutate)(struct iopf_bench_run_config *c);
};

#define BAD(_name, _err, body)                                                  \
	static void mutate_##_name(struct iopf_bench_run_config *c) { body; }  \
	static const struct bad_case case_##_name = { #_name, _err, mutate_##_name }

BAD(flags_unknown, EOPNOTSUPP, c->flags = 1u << 17);
BAD(reserved, EOPNOTSUPP, c->__reserved = 1);
BAD(reserved2, EOPNOTSUPP, c->__reserved2 = 0x100);
BAD(handler_zero, EINVAL, c->handler = 0);
BAD(handler_unknown, EINVAL, c->handler = 5);
BAD(handler_huge, EINVAL, c->handler = 0xffffffff);
BAD(pacing_zero, EINVAL, c->pacing = 0);
BAD(pacing_unknown, EINVAL, c->pacing = 4);
BAD(closed_with_rate, EINVAL, c->rate_per_s = 1000);
BAD(constant_rate_zero, EINVAL, c->pacing = IOPF_BENCH_PACE_CONSTANT);
BAD(poisson_rate_zero, EINVAL, c->pacing = IOPF_BENCH_PACE_POISSON);
BAD(rate_too_high, EINVAL,
    c->pacing = IOPF_BENCH_PACE_CONSTANT; c->rate_per_s = IOPF_BENCH_MAX_RATE_PER_S + 1);
BAD(devices_zero, EINVAL, c->nr_devices = 0);
BAD(devices_too_many, EINVAL, c->nr_devices = IOPF_BENCH_MAX_DEVICES + 1);
BAD(pasids_too_many, EINVAL, c->pasids = IOPF_BENCH_MAX_PASIDS + 1);
BAD(group_size_zero, EINVAL, c->group_size = 0);
BAD(group_size_513, EINVAL, c->group_size = 513);
BAD(open_groups_zero, EINVAL, c->open_groups = 0);
BAD(open_groups_too_many, EINVAL,
    c->open_groups = IOPF_BENCH_MAX_OPEN_GROUPS + 1; c->credit = IOPF_BENCH_MAX_CREDIT);
BAD(credit_too_high, EINVAL, c->credit = IOPF_BENCH_MAX_CREDIT + 1);
BAD(credit_below_open_groups, EINVAL, c->open_groups = 8; c->credit = 4);
BAD(credit_below_streams, EINVAL, c->pasids = 8; c->credit = 4);
BAD(injectors_zero, EINVAL, c->nr_injectors = 0);
BAD(injectors_too_many, EINVAL, c->nr_injectors = IOPF_BENCH_MAX_INJECTORS + 1);
BAD(cpus_too_many, EINVAL, c->nr_cpus = IOPF_BENCH_MAX_INJECTORS + 1);
BAD(cpus_vs_injectors, EINVAL,
    c->nr_cpus = 1; c->cpus_uptr = (uintptr_t)bad_cpu_list; c->nr_injectors = 2);
BAD(cpus_uptr_without_nr, EINVAL, c->cpus_uptr = (uintptr_t)bad_cpu_list);
BAD(cpu_offline, EINVAL,
    bad_cpu_list[0] = 0; bad_cpu_list[1] = 4000;
    c->nr_cpus = 2; c->cpus_uptr = (uintptr_t)bad_cpu_list; c->nr_injectors = 0);
BAD(cpus_uptr_fault, EFAULT, c->nr_cpus = 2; c->cpus_uptr = 8; c->nr_injectors = 0);
BAD(open_groups_below_sharing, EINVAL,
    c->nr_devices = 1; c->nr_injectors = 4; c->open_groups = 2);
BAD(no_termination, EINVAL, c->duration_ms = 0; c->max_requests = 0);
BAD(duration_too_long, EINVAL, c->duration_ms = IOPF_BENCH_MAX_DURATION_MS + 1);
BAD(max_requests_below_injectors, EINVAL, c->duration_ms = 0; c->max_requests = 1);
BAD(warmup_too_long, EINVAL, c->warmup_ms = IOPF_BENCH_MAX_WARMUP_MS + 1);
BAD(service_too_long, EINVAL, c->service_ns = IOPF_BENCH_MAX_SERVICE_NS + 1);
BAD(sleep_without_service, EINVAL, c->flags = IOPF_BENCH_RUN_SERVICE_SLEEP);
BAD(null_fail_every, EINVAL, c->handler = IOPF_BENCH_HANDLER_NULL; c->fail_every = 2);
BAD(null_abandon_every, EINVAL,
    c->handler = IOPF_BENCH_HANDLER_NULL; c->abandon_every = 2; c->nr_unbinders = 1);
BAD(unbinders_too_many, EINVAL,
    c->nr_devices = 64; c->nr_unbinders = IOPF_BENCH_MAX_UNBINDERS + 1);
BAD(null_unbinders, EINVAL, c->handler = IOPF_BENCH_HANDLER_NULL; c->nr_unbinders = 1);
BAD(unbind_scope_unknown, EINVAL, c->nr_unbinders = 1; c->unbind_scope = 4);
BAD(pasid_scope_without_pasids, EINVAL,
    c->model = IOPF_BENCH_MODEL_DIRECT; c->pasids = 0; c->nr_unbinders = 1;
    c->unbind_scope = IOPF_BENCH_UNBIND_PASID);
BAD(unbind_rate_without_unbinders, EINVAL, c->unbind_rate_per_s = 10);
BAD(unbinders_above_devices, EINVAL, c->nr_devices = 2; c->nr_unbinders = 3);
BAD(unbinders_above_pasids, EINVAL,
    c->nr_devices = 1; c->open_groups = 2; c->pasids = 2; c->nr_unbinders = 3;
    c->unbind_scope = IOPF_BENCH_UNBIND_PASID);
BAD(abandon_without_unbinders, EINVAL, c->abandon_every = 3);
BAD(reserved3, EOPNOTSUPP, c->__reserved3 = 1);
BAD(violate_without_flag, EINVAL, c->violate_every = 3);
BAD(violate_flag_without_every, EINVAL, c->flags = IOPF_BENCH_RUN_VIOLATE_LOSE);
BAD(violate_both_flags, EINVAL,
    c->flags = IOPF_BENCH_RUN_VIOLATE_LOSE | IOPF_BENCH_RUN_VIOLATE_DOUBLE; c->violate_every = 3);
/* ABI 6: the test-only wedge blocks the reporter: a model with reporters, inline handler only */
BAD(wedge_with_wq, EINVAL,
    c->flags = IOPF_BENCH_RUN_VIOLATE_WEDGE; c->violate_every = 10; c->handler = IOPF_BENCH_HANDLER_WQ);
BAD(wedge_with_direct, EINVAL,
    c->flags = IOPF_BENCH_RUN_VIOLATE_WEDGE; c->violate_every = 10;
    c->handler = IOPF_BENCH_HANDLER_INLINE; c->model = IOPF_BENCH_MODEL_DIRECT);
BAD(abandon_with_pasid_scope, EINVAL,
    c->pasids = 1; c->nr_unbinders = 1; c->unbind_scope = IOPF_BENCH_UNBIND_PASID;
    c->abandon_every = 3);
/* The driver model (ABI 2) */
static uint32_t bad_irq_cpus[2];
/* ABI 7: the reporters' class, and what the models' drivers would never produce */
BAD(reporter_prio_unknown, EINVAL, c->reporter_prio = 3);
BAD(reporter_prio_with_direct, EINVAL,
    c->model = IOPF_BENCH_MODEL_DIRECT; c->reporter_prio = IOPF_BENCH_REPORTER_FIFO_LOW);
BAD(smmuv3_group_size_4, EINVAL, c->model = IOPF_BENCH_MODEL_SMMUV3_STALL; c->group_size = 4);
BAD(amd_without_pasids, EINVAL, c->model = IOPF_BENCH_MODEL_AMD; c->pasids = 0);
BAD(amd_rid_order, EINVAL, c->model = IOPF_BENCH_MODEL_AMD; c->rid_order = 1);
BAD(smmuv3_rid_order, EINVAL, c->model = IOPF_BENCH_MODEL_SMMUV3_STALL; c->rid_order = 2);
BAD(vtd_wake_all_with_amd, EINVAL,
    c->model = IOPF_BENCH_MODEL_AMD; c->flags = IOPF_BENCH_RUN_VTD_WAKE_ALL);
BAD(amd_abandon, EINVAL,
    c->model = IOPF_BENCH_MODEL_AMD; c->nr_unbinders = 1; c->abandon_every = 3);
BAD(amd_replace, EINVAL,
    c->model = IOPF_BENCH_MODEL_AMD; c->nr_unbinders = 1; c->unbind_scope = IOPF_BENCH_UNBIND_REPLACE);
BAD(reserved5, EOPNOTSUPP, c->__reserved5 = 1);
BAD(model_unknown, EINVAL, c->model = 5);
BAD(iommus_too_many, EINVAL,
    c->nr_devices = IOPF_BENCH_MAX_DEVICES; c->nr_iommus = IOPF_BENCH_MAX_IOMMUS + 1);
BAD(iommus_above_devices, EINVAL, c->nr_devices = 2; c->nr_iommus = 3);
BAD(prq_depth_not_pow2, EINVAL, c->prq_depth = 100);
BAD(prq_depth_too_small, EINVAL, c->prq_depth = IOPF_BENCH_MIN_PRQ_DEPTH / 2);
BAD(prq_depth_too_big, EINVAL, c->prq_depth = IOPF_BENCH_MAX_PRQ_DEPTH * 2);
BAD(prq_depth_with_direct, EINVAL, c->model = IOPF_BENCH_MODEL_DIRECT; c->prq_depth = 64);
BAD(irq_cpus_with_direct, EINVAL,
    c->model = IOPF_BENCH_MODEL_DIRECT; c->nr_irq_cpus = 1;
    c->irq_cpus_uptr = (uintptr_t)bad_irq_cpus);
BAD(irq_cpus_vs_iommus, EINVAL,
    c->nr_iommus = 1; c->nr_irq_cpus = 2; c->irq_cpus_uptr = (uintptr_t)bad_irq_cpus);
BAD(irq_cpus_uptr_without_nr, EINVAL, c->irq_cpus_uptr = (uintptr_t)bad_irq_cpus);
BAD(irq_cpu_offline, EINVAL,
    bad_irq_cpus[0] = 4000; c->nr_irq_cpus = 1; c->irq_cpus_uptr = (uintptr_t)bad_irq_cpus);
BAD(irq_cpus_uptr_fault, EFAULT, c->nr_irq_cpus = 1; c->irq_cpus_uptr = 8);
BAD(response_too_long, EINVAL, c->response_ns = IOPF_BENCH_MAX_RESPONSE_NS + 1);
BAD(defer_without_delay, EINVAL, c->handler = IOPF_BENCH_HANDLER_DEFER);
BAD(defer_too_long, EINVAL,
    c->handler = IOPF_BENCH_HANDLER_DEFER; c->defer_ns = IOPF_BENCH_MAX_DEFER_NS + 1);
BAD(delay_without_defer, EINVAL, c->defer_ns = 1000);
BAD(defer_with_pasid_scope, EINVAL,
    c->handler = IOPF_BENCH_HANDLER_DEFER; c->defer_ns = 1000; c->pasids = 1;
    c->nr_unbinders = 1; c->unbind_scope = IOPF_BENCH_UNBIND_PASID);
BAD(violate_partial_and_double, EINVAL,
    c->group_size = 4; c->violate_every = 3;
    c->flags = IOPF_BENCH_RUN_VIOLATE_PARTIAL_DROP | IOPF_BENCH_RUN_VIOLATE_DOUBLE);
BAD(violate_partial_group_size_1, EINVAL,
    c->violate_every = 3; c->flags = IOPF_BENCH_RUN_VIOLATE_PARTIAL_DUP);

static const struct bad_case *const bad_cases[] = {
	&case_flags_unknown, &case_reserved, &case_reserved2, &case_handler_zero,
	&case_wedge_with_wq, &case_wedge_with_direct,
	&case_handler_unknown, &case_handler_huge, &case_pacing_zero, &case_pacing_unknown,
	&case_closed_with_rate, &case_constant_rate_zero, &case_poisson_rate_zero,
	&case_rate_too_high, &case_devices_zero, &case_devices_too_many,
	&case_pasids_too_many, &case_group_size_zero, &case_group_size_513,
	&case_open_groups_zero, &case_open_groups_too_many, &case_credit_too_high,
	&case_credit_below_open_groups, &case_credit_below_streams, &case_injectors_zero,
	&case_injectors_too_many, &case_cpus_too_many, &case_cpus_vs_injectors,
	&case_cpus_uptr_without_nr, &case_cpu_offline, &case_cpus_uptr_fault,
	&case_open_groups_below_sharing, &case_no_termination, &case_duration_too_long,
	&case_max_requests_below_injectors, &case_warmup_too_long, &case_service_too_long,
	&case_sleep_without_service, &case_null_fail_every, &case_null_abandon_every,
	&case_unbinders_too_many, &case_null_unbinders, &case_unbind_scope_unknown,
	&case_pasid_scope_without_pasids, &case_unbind_rate_without_unbinders,
	&case_unbinders_above_devices, &case_unbinders_above_pasids,
	&case_abandon_without_unbinders, &case_abandon_with_pasid_scope, &case_reserved3,
	&case_violate_without_flag, &case_violate_flag_without_every, &case_violate_both_flags,
	&case_reporter_prio_unknown, &case_reporter_prio_with_direct, &case_smmuv3_group_size_4,
	&case_amd_without_pasids, &case_amd_rid_order, &case_smmuv3_rid_order, &case_amd_replace, &case_amd_abandon, &case_vtd_wake_all_with_amd,
	&case_reserved5, &case_model_unknown, &case_iommus_too_many,
	&case_iommus_above_devices, &case_prq_depth_not_pow2, &case_prq_depth_too_small,
	&case_prq_depth_too_big, &case_prq_depth_with_direct, &case_irq_cpus_with_direct,
	&case_irq_cpus_vs_iommus, &case_irq_cpus_uptr_without_nr, &case_irq_cpu_offline,
	&case_irq_cpus_uptr_fault, &case_response_too_long, &case_defer_without_delay,
	&case_defer_too_long, &case_delay_without_defer, &case_defer_with_pasid_scope,
	&case_violate_partial_and_double, &case_violate_partial_group_size_1,
};

/* Nothing of a run may exist: no mock device, no mock IOMMU. */
static int leftovers(void)
{
	struct dirent *de;
	DIR *d = opendir("/sys/bus/platform/devices");
	int n = 0;

	if (d) {
		while ((de = readdir(d)))
			if (!strncmp(de->d_name, "iopf_bench_dev", 14))
				n++;
		closedir(d);
	}
	d = opendir("/sys/class/iommu");
	if (d) {
		while ((de = readdir(d)))
			if (!strncmp(de->d_name, "iopf_bench", 10))
				n++;
		closedir(d);
	}
	return n;
}

TEST_F_TIMEOUT(bad, every_field, 60)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	struct iopf_bench_status st;
	unsigned int i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
		bad_cases[i]->mutate(&cfg);
		ASSERT_EQ(-bad_cases[i]->err, _iopf_start(self->fd, &cfg))
			TH_LOG("case %s", bad_cases[i]->name);
		test_iopf_status(&st);
		ASSERT_EQ(IOPF_BENCH_STATE_IDLE, st.state) TH_LOG("case %s", bad_cases[i]->name);
		ASSERT_EQ(0, leftovers()) TH_LOG("case %s", bad_cases[i]->name);
	}
	/* The module still works. */
	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	test_iopf_run(&cfg, &r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_EQ(0, leftovers());
	/* Each refusal cost a start, not a run id. */
	ASSERT_EQ(1, r.run_id);
}

/* The kernel log names the field (first refusal: within the rate limit). */
TEST_F(bad, log_line)
{
	struct iopf_bench_run_config cfg;
	static char buf[1 << 20];
	int n;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.group_size = 777;
	ASSERT_EQ(-EINVAL, _iopf_start(self->fd, &cfg));
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = 0;
	ASSERT_TRUE(strstr(buf, "iopf_bench: start: group_size 777 is not in 1..512") != NULL);
}

TEST_F(bad, wrong_state)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	uint32_t state;

	/* Idle */
	test_err_iopf_stop(ENOENT);
	ASSERT_EQ(-ENOENT, _iopf_wait(self->fd, 10, &state));
	test_err_iopf_results(ENODATA, &r);
	test_iopf_reset();	/* nothing to free: fine */

	/* Running */
	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.duration_ms = 600000;
	test_iopf_start(&cfg);
	test_err_iopf_start(EBUSY, &cfg);
	test_err_iopf_results(EBUSY, &r);
	test_err_iopf_reset(EBUSY);
	ASSERT_EQ(-ETIMEDOUT, _iopf_wait(self->fd, 50, &state));
	test_iopf_stop();
	ASSERT_EQ(0, _iopf_wait(self->fd, 0, &state));
	ASSERT_EQ(IOPF_BENCH_STATE_DONE, state);
	test_iopf_results(&r);
	ASSERT_EQ(0, r.violations);
	ASSERT_EQ(0, leftovers());

	/* A refused START does not touch the finished run's results. */
	cfg.group_size = 0;
	test_err_iopf_start(EINVAL, &cfg);
	test_iopf_results(&r);
	ASSERT_EQ(1, r.run_id);
}

/* RESULTS: hist_len without a buffer; a bad buffer. */
TEST_F(bad, results_buffer)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_INLINE);
	test_iopf_run(&cfg, &r);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.hist_len = 64;
	ASSERT_EQ(-EINVAL, _iopf_ioctl(self->fd, IOPF_BENCH_RESULTS, &r));
	r.hist_uptr = 16;
	ASSERT_EQ(-EFAULT, _iopf_ioctl(self->fd, IOPF_BENCH_RESULTS, &r));
}

/* A run outlives the fd that started it; rmmod (teardown) stops it. */
TEST_F(bad, close_while_running)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_status st;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.duration_ms = 600000;
	test_iopf_start(&cfg);
	close(self->fd);
	self->fd = iopf_open();
	ASSERT_LE(0, self->fd);
	test_iopf_status(&st);
	ASSERT_EQ(IOPF_BENCH_STATE_RUNNING, st.state);
}

IOPF_TEST_MAIN
