// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench runs: validation, set-up, the control thread (warm-up,
 * measured window, stop, teardown in the framework's order), results.
 *
 * A run belongs to the module, not to an fd. One unwind path
 * (iopf_run_destroy) serves a failed START, RESET and module exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "iopf_bench_int.h"

static DEFINE_MUTEX(iopf_ctl_mutex);	/* START/STOP/RESET/RESULTS/STATUS */
static struct iopf_run *iopf_cur;	/* the current (running or finished) run */
static int iopf_state = IOPF_BENCH_STATE_IDLE;
static u64 iopf_last_run_id;
static DECLARE_WAIT_QUEUE_HEAD(iopf_state_wq);

static const char *const iopf_pacing_names[] = {
	[IOPF_BENCH_PACE_CLOSED] = "closed",
	[IOPF_BENCH_PACE_CONSTANT] = "constant",
	[IOPF_BENCH_PACE_POISSON] = "poisson",
};

static const char *iopf_scope_name(u32 scope)
{
	return scope == IOPF_BENCH_UNBIND_PASID ? "pasid" : "device";
}

void iopf_run_fail(struct iopf_run *run, int error, const char *what)
{
	pr_err("run %llu: %s failed: %d; ending the run\n", run->id, what, error);
	if (!READ_ONCE(run->error))
		WRITE_ONCE(run->error, error);
	WRITE_ONCE(run->stop_requested, true);
	wake_up(&run->ctl_wq);
}

/* ------------------------------------------------------------------------ */
/* Validation: every field, one errno and one log line each. */

#define REJECT(err, fmt, ...)                          \
	do {                                           \
		iopf_reject("start", fmt, ##__VA_ARGS__); \
		return err;                            \
	} while (0)

static int iopf_validate(struct iopf_bench_run_config *c, u32 **cpus_out)
{
	u32 nstreams, i, per_dev, *cpus;

	if (c->flags & ~IOPF_BENCH_RUN_FLAGS_ALL)
		REJECT(-EOPNOTSUPP, "flags 0x%x: unknown bits 0x%x", c->flags,
		       c->flags & ~IOPF_BENCH_RUN_FLAGS_ALL);
	if (c->__reserved || c->__reserved2 || c->__reserved3)
		REJECT(-EOPNOTSUPP, "__reserved fields must be 0");
	if (!iopf_handler_find(c->handler))
		REJECT(-EINVAL, "handler %u is unknown (valid: %s)", c->handler,
		       iopf_handler_names());
	if (iopf_handler_find(c->handler)->framework && !iopf_framework_present())
		REJECT(-EOPNOTSUPP, "handler %s needs CONFIG_IOMMU_IOPF, which this kernel lacks",
		       iopf_handler_find(c->handler)->name);
	if (c->pacing < IOPF_BENCH_PACE_CLOSED || c->pacing > IOPF_BENCH_PACE_POISSON)
		REJECT(-EINVAL, "pacing %u is unknown (valid: 1=closed 2=constant 3=poisson)",
		       c->pacing);
	if (c->pacing == IOPF_BENCH_PACE_CLOSED && c->rate_per_s)
		REJECT(-EINVAL, "rate_per_s %llu with closed-loop pacing (must be 0)",
		       c->rate_per_s);
	if (c->pacing != IOPF_BENCH_PACE_CLOSED && !c->rate_per_s)
		REJECT(-EINVAL, "rate_per_s 0 with open-loop pacing");
	if (c->rate_per_s > IOPF_BENCH_MAX_RATE_PER_S)
		REJECT(-EINVAL, "rate_per_s %llu is above %llu", c->rate_per_s,
		       IOPF_BENCH_MAX_RATE_PER_S);
	if (!c->nr_devices || c->nr_devices > IOPF_BENCH_MAX_DEVICES)
		REJECT(-EINVAL, "nr_devices %u is not in 1..%u", c->nr_devices,
		       IOPF_BENCH_MAX_DEVICES);
	if (c->pasids > IOPF_BENCH_MAX_PASIDS)
		REJECT(-EINVAL, "pasids %u is above %u", c->pasids, IOPF_BENCH_MAX_PASIDS);
	if (!c->group_size || c->group_size > IOPF_BENCH_MAX_GROUP_SIZE)
		REJECT(-EINVAL, "group_size %u is not in 1..%u", c->group_size,
		       IOPF_BENCH_MAX_GROUP_SIZE);
	if (!c->open_groups || c->open_groups > IOPF_BENCH_MAX_OPEN_GROUPS)
		REJECT(-EINVAL, "open_groups %u is not in 1..%u", c->open_groups,
		       IOPF_BENCH_MAX_OPEN_GROUPS);
	nstreams = 1 + c->pasids;
	if (!c->credit)
		c->credit = min_t(u32, IOPF_BENCH_MAX_CREDIT,
				  max3(c->open_groups, nstreams, 64u));
	if (c->credit > IOPF_BENCH_MAX_CREDIT)
		REJECT(-EINVAL, "credit %u is above %u", c->credit, IOPF_BENCH_MAX_CREDIT);
	if (c->credit < c->open_groups)
		REJECT(-EINVAL, "credit %u is below open_groups %u", c->credit, c->open_groups);
	if (c->credit < nstreams)
		REJECT(-EINVAL, "credit %u is below the %u streams (RID + pasids) of a device",
		       c->credit, nstreams);

	/* Injectors and their CPUs */
	if (c->nr_cpus > IOPF_BENCH_MAX_INJECTORS)
		REJECT(-EINVAL, "nr_cpus %u is above %u", c->nr_cpus, IOPF_BENCH_MAX_INJECTORS);
	if (c->nr_cpus && c->nr_injectors && c->nr_injectors != c->nr_cpus)
		REJECT(-EINVAL, "nr_injectors %u differs from nr_cpus %u", c->nr_injectors,
		       c->nr_cpus);
	if (c->nr_cpus)
		c->nr_injectors = c->nr_cpus;
	if (!c->nr_injectors || c->nr_injectors > IOPF_BENCH_MAX_INJECTORS)
		REJECT(-EINVAL, "nr_injectors %u is not in 1..%u", c->nr_injectors,
		       IOPF_BENCH_MAX_INJECTORS);
	if (!c->nr_cpus && c->cpus_uptr)
		REJECT(-EINVAL, "cpus_uptr is set but nr_cpus is 0");
	if (c->nr_devices < c->nr_injectors) {
		/* A device's open groups and credit are split between its lanes. */
		per_dev = DIV_ROUND_UP(c->nr_injectors, c->nr_devices);
		if (c->open_groups < per_dev)
			REJECT(-EINVAL, "open_groups %u is below the %u injectors sharing a device",
			       c->open_groups, per_dev);
	}

	/* Termination */
	if (!c->duration_ms && !c->max_requests)
		REJECT(-EINVAL, "duration_ms and max_requests are both 0");
	if (c->duration_ms > IOPF_BENCH_MAX_DURATION_MS)
		REJECT(-EINVAL, "duration_ms %llu is above %llu", c->duration_ms,
		       IOPF_BENCH_MAX_DURATION_MS);
	if (c->max_requests && c->max_requests < c->nr_injectors)
		REJECT(-EINVAL, "max_requests %llu is below nr_injectors %u", c->max_requests,
		       c->nr_injectors);
	if (c->warmup_ms > IOPF_BENCH_MAX_WARMUP_MS)
		REJECT(-EINVAL, "warmup_ms %u is above %u", c->warmup_ms, IOPF_BENCH_MAX_WARMUP_MS);

	/* Handler knobs */
	if (c->service_ns > IOPF_BENCH_MAX_SERVICE_NS)
		REJECT(-EINVAL, "service_ns %u is above %u", c->service_ns,
		       IOPF_BENCH_MAX_SERVICE_NS);
	if ((c->flags & IOPF_BENCH_RUN_SERVICE_SLEEP) && !c->service_ns)
		REJECT(-EINVAL, "flags SERVICE_SLEEP without service_ns");
	if (c->handler == IOPF_BENCH_HANDLER_NULL && (c->fail_every || c->abandon_every))
		REJECT(-EINVAL, "fail_every/abandon_every need a framework handler, not null");
	if ((c->flags & IOPF_BENCH_RUN_VIOLATE_DOUBLE) && (c->flags & IOPF_BENCH_RUN_VIOLATE_LOSE))
		REJECT(-EINVAL, "flags VIOLATE_DOUBLE and VIOLATE_LOSE together");
	if (!!(c->flags & (IOPF_BENCH_RUN_VIOLATE_DOUBLE | IOPF_BENCH_RUN_VIOLATE_LOSE)) !=
	    !!c->violate_every)
		REJECT(-EINVAL, "violate_every %u needs exactly one VIOLATE flag, and the flag needs it",
		       c->violate_every);

	/* Unbinders */
	if (c->nr_unbinders > IOPF_BENCH_MAX_UNBINDERS)
		REJECT(-EINVAL, "nr_unbinders %u is above %u", c->nr_unbinders,
		       IOPF_BENCH_MAX_UNBINDERS);
	if (c->nr_unbinders && c->handler == IOPF_BENCH_HANDLER_NULL)
		REJECT(-EINVAL, "nr_unbinders %u with handler null: there is no framework to unbind",
		       c->nr_unbinders);
	if (!c->unbind_scope)
		c->unbind_scope = IOPF_BENCH_UNBIND_DEVICE;
	if (c->unbind_scope != IOPF_BENCH_UNBIND_DEVICE &&
	    c->unbind_scope != IOPF_BENCH_UNBIND_PASID)
		REJECT(-EINVAL, "unbind_scope %u is unknown (valid: 1=device 2=pasid)",
		       c->unbind_scope);
	if (c->unbind_scope == IOPF_BENCH_UNBIND_PASID && !c->pasids)
		REJECT(-EINVAL, "unbind_scope pasid with pasids 0");
	if (c->unbind_rate_per_s && !c->nr_unbinders)
		REJECT(-EINVAL, "unbind_rate_per_s %u with nr_unbinders 0", c->unbind_rate_per_s);
	if (c->nr_unbinders >
	    (c->unbind_scope == IOPF_BENCH_UNBIND_PASID ? c->nr_devices * c->pasids : c->nr_devices))
		REJECT(-EINVAL, "nr_unbinders %u is above the number of %ss to cycle",
		       c->nr_unbinders, iopf_scope_name(c->unbind_scope));
	if (c->abandon_every &&
	    (!c->nr_unbinders || c->unbind_scope != IOPF_BENCH_UNBIND_DEVICE))
		REJECT(-EINVAL, "abandon_every needs nr_unbinders > 0 with unbind_scope device");

	/* CPU list last: it is the only part that copies from user memory. */
	cpus = kcalloc(c->nr_injectors, sizeof(*cpus), GFP_KERNEL);
	if (!cpus)
		return -ENOMEM;
	if (c->nr_cpus) {
		if (copy_from_user(cpus, u64_to_user_ptr(c->cpus_uptr),
				   c->nr_cpus * sizeof(*cpus))) {
			kfree(cpus);
			REJECT(-EFAULT, "cpus_uptr: cannot read %u CPU numbers", c->nr_cpus);
		}
		for (i = 0; i < c->nr_cpus; i++) {
			if (cpus[i] >= nr_cpu_ids || !cpu_online(cpus[i])) {
				u32 bad = cpus[i];

				kfree(cpus);
				REJECT(-EINVAL, "cpus[%u] = %u is not an online CPU", i, bad);
			}
		}
	} else {
		unsigned int n = num_online_cpus();

		for (i = 0; i < c->nr_injectors; i++)
			cpus[i] = cpumask_nth(i % n, cpu_online_mask);
	}
	*cpus_out = cpus;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Set-up and the one unwind path */

static void iopf_run_destroy(struct iopf_run *run)
{
	unsigned int cpu, d;

	if (run->ctl)
		kthread_stop(run->ctl);	/* a finished ctl thread only waits for this */
	/* Threads first (no more reports), then devices in the unbind order. */
	iopf_unbinders_stop(run);
	iopf_injectors_stop(run);
	for (d = 0; run->mdevs && d < run->cfg.nr_devices; d++)
		iopf_mdev_teardown(&run->mdevs[d]);
	iopf_mock_destroy(run);
	iopf_threads_free(run);
	for (d = 0; run->mdevs && d < run->cfg.nr_devices; d++) {
		kfree(run->mdevs[d].streams);
		kvfree(run->mdevs[d].slots);
	}
	kfree(run->mdevs);
	if (run->pcpu) {
		for_each_possible_cpu(cpu)
			kvfree(run->pcpu[cpu]);
		kfree(run->pcpu);
	}
	kvfree(run->hist_dump);
	kfree(run->results);
	kfree(run->cpus);
	kfree(run);
}

static int iopf_mdevs_alloc(struct iopf_run *run)
{
	u32 d, s;

	run->mdevs = kcalloc(run->cfg.nr_devices, sizeof(*run->mdevs), GFP_KERNEL);
	if (!run->mdevs)
		return -ENOMEM;
	for (d = 0; d < run->cfg.nr_devices; d++) {
		struct iopf_mdev *mdev = &run->mdevs[d];

		mdev->run = run;
		mdev->index = d;
		init_rwsem(&mdev->rwsem);
		mdev->nstreams = run->nstreams;
		mdev->streams = kcalloc(mdev->nstreams, sizeof(*mdev->streams), GFP_KERNEL);
		if (!mdev->streams)
			return -ENOMEM;
		for (s = 0; s < mdev->nstreams; s++) {
			struct iopf_stream *stream = &mdev->streams[s];

			stream->mdev = mdev;
			stream->pasid = s ? s : IOMMU_NO_PASID;
			atomic_set(&stream->nopen, 0);
			init_waitqueue_head(&stream->drain_wq);
		}
		mdev->nslots = run->cfg.credit;
		mdev->slot_shift = order_base_2(mdev->nslots);
		mdev->slots = kvcalloc(mdev->nslots, sizeof(*mdev->slots), GFP_KERNEL);
		if (!mdev->slots)
			return -ENOMEM;
		for (s = 0; s < mdev->nslots; s++) {
			atomic64_set(&mdev->slots[s].word, IOPF_SLOT_WORD(0, IOPF_SLOT_IDLE));
			mdev->slots[s].stream = s % mdev->nstreams;
		}
	}
	return 0;
}

static int iopf_pcpu_alloc(struct iopf_run *run)
{
	unsigned int cpu, h;

	run->pcpu = kcalloc(nr_cpu_ids, sizeof(*run->pcpu), GFP_KERNEL);
	if (!run->pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct iopf_pcpu *pc = kvzalloc_node(sizeof(*pc), GFP_KERNEL, cpu_to_node(cpu));

		if (!pc)
			return -ENOMEM;
		for (h = 0; h < ARRAY_SIZE(pc->hist); h++)
			iopf_hist_init(&pc->hist[h]);
		run->pcpu[cpu] = pc;
	}
	return 0;
}

static int iopf_ctl_fn(void *arg);

static int iopf_run_setup(struct iopf_run *run)
{
	u32 d;
	int rc;

	rc = iopf_pcpu_alloc(run);
	if (rc)
		return rc;
	rc = iopf_mdevs_alloc(run);
	if (rc)
		return rc;
	if (run->hops->framework) {
		rc = iopf_mock_create(run);
		if (rc) {
			pr_err("start: cannot register the mock IOMMU: %d\n", rc);
			return rc;
		}
		for (d = 0; d < run->cfg.nr_devices; d++) {
			rc = iopf_mdev_setup(&run->mdevs[d]);
			if (rc) {
				pr_err("start: cannot set up device %u: %d\n", d, rc);
				return rc;
			}
		}
	}
	/* Threads are created stopped; START wakes them when all is set up. */
	rc = iopf_threads_create(run);
	if (rc)
		return rc;
	run->ctl = kthread_create(iopf_ctl_fn, run, "iopf_ctl");
	if (IS_ERR(run->ctl)) {
		rc = PTR_ERR(run->ctl);
		run->ctl = NULL;
		return rc;
	}
	return 0;
}

static void iopf_log_start(struct iopf_run *run)
{
	const struct iopf_bench_run_config *c = &run->cfg;
	char cpus[256];
	int n = 0;
	u32 i;

	cpus[0] = 0;
	for (i = 0; i < c->nr_injectors && n < sizeof(cpus) - 12; i++)
		n += scnprintf(cpus + n, sizeof(cpus) - n, "%s%u", i ? "," : "", run->cpus[i]);
	pr_info("Start of run: run=%llu handler=%s pacing=%s rate_per_s=%llu devices=%u pasids=%u group_size=%u open_groups=%u credit=%u injectors=%u cpus=%s unbinders=%u unbind_scope=%s unbind_rate_per_s=%u duration_ms=%llu max_requests=%llu warmup_ms=%u service_ns=%u service=%s fail_every=%u abandon_every=%u violate=%s/%u timestamps=%s clock=%s seed=%llu\n",
		run->id, run->hops->name, iopf_pacing_names[c->pacing], c->rate_per_s,
		c->nr_devices, c->pasids, c->group_size, c->open_groups, c->credit,
		c->nr_injectors, cpus, c->nr_unbinders, iopf_scope_name(c->unbind_scope),
		c->unbind_rate_per_s, c->duration_ms, c->max_requests, c->warmup_ms,
		c->service_ns, (c->flags & IOPF_BENCH_RUN_SERVICE_SLEEP) ? "sleep" : "busy",
		c->fail_every, c->abandon_every,
		(c->flags & IOPF_BENCH_RUN_VIOLATE_DOUBLE) ? "double" :
		(c->flags & IOPF_BENCH_RUN_VIOLATE_LOSE) ? "lose" : "none", c->violate_every,
		run->timestamps ? "on" : "off",
		run->tsc ? "tsc" : "ktime", c->seed);
}

int iopf_run_start(struct iopf_bench_run_config *ucfg)
{
	struct iopf_run *run;
	u32 *cpus = NULL;
	int rc;

	mutex_lock(&iopf_ctl_mutex);
	if (iopf_state == IOPF_BENCH_STATE_RUNNING) {
		iopf_reject("start", "a run is in progress (run %llu)", iopf_cur->id);
		rc = -EBUSY;
		goto out;
	}
	rc = iopf_validate(ucfg, &cpus);
	if (rc)
		goto out;

	/* The finished run, if any, goes now. */
	if (iopf_cur) {
		iopf_run_destroy(iopf_cur);
		iopf_cur = NULL;
		iopf_state = IOPF_BENCH_STATE_IDLE;
	}

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run) {
		kfree(cpus);
		rc = -ENOMEM;
		goto out;
	}
	run->cfg = *ucfg;
	run->cpus = cpus;
	run->id = iopf_last_run_id + 1;
	run->cookie = ((get_random_u64() << 8) | 0x80) & ~IOPF_PRIV_MEASURED;
	run->hops = iopf_handler_find(run->cfg.handler);
	run->timestamps = !(run->cfg.flags & IOPF_BENCH_RUN_NO_TIMESTAMPS);
	run->nstreams = 1 + run->cfg.pasids;
	if (run->cfg.rate_per_s)
		run->period_fp = div64_u64((u64)run->cfg.nr_injectors * NSEC_PER_SEC << 16,
					   run->cfg.rate_per_s);
	if (!run->cfg.seed)
		run->cfg.seed = 0x10f0bec4;
#ifdef CONFIG_X86_TSC
	if (boot_cpu_has(X86_FEATURE_TSC) && tsc_khz >= 1000 && !check_tsc_unstable()) {
		run->tsc = true;
		run->tsc_mult = div_u64((u64)NSEC_PER_MSEC << IOPF_TSC_SHIFT, tsc_khz);
	}
#endif
	init_waitqueue_head(&run->ctl_wq);
	run->phase = IOPF_BENCH_PHASE_WARMUP;

	rc = iopf_run_setup(run);
	if (rc) {
		iopf_reject("start", "set-up failed (%d); nothing is left behind", rc);
		iopf_run_destroy(run);
		goto out;
	}
	iopf_last_run_id = run->id;
	iopf_cur = run;
	iopf_state = IOPF_BENCH_STATE_RUNNING;
	iopf_log_start(run);
	run->t_start = ktime_get_ns();
	iopf_threads_wake(run);
	wake_up_process(run->ctl);
out:
	mutex_unlock(&iopf_ctl_mutex);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Results */

static void iopf_sum_stats(struct iopf_run *run, struct iopf_inj_stats *is,
			   struct iopf_counters *pc)
{
	unsigned int cpu, i, k;

	memset(is, 0, sizeof(*is));
	for (i = 0; run->inj && i < run->cfg.nr_injectors; i++) {
		const struct iopf_inj_stats *s = &run->inj[i].st;

		is->requests += READ_ONCE(s->requests);
		is->groups += READ_ONCE(s->groups);
		is->report_errors += READ_ONCE(s->report_errors);
		is->stalls += READ_ONCE(s->stalls);
		is->total_requests += READ_ONCE(s->total_requests);
		is->total_groups += READ_ONCE(s->total_groups);
		is->discarded_partials += READ_ONCE(s->discarded_partials);
		is->restarted_groups += READ_ONCE(s->restarted_groups);
	}
	memset(pc, 0, sizeof(*pc));
	for_each_possible_cpu(cpu) {
		const struct iopf_counters *p = &run->pcpu[cpu]->c;

		pc->responses += READ_ONCE(p->responses);
		for (k = 0; k < ARRAY_SIZE(p->resp_code); k++)
			pc->resp_code[k] += READ_ONCE(p->resp_code[k]);
		pc->total_responses += READ_ONCE(p->total_responses);
		for (k = 0; k < IOPF_SRC_NR; k++)
			pc->from[k] += READ_ONCE(p->from[k]);
		pc->handled += READ_ONCE(p->handled);
		pc->failed_groups += READ_ONCE(p->failed_groups);
		pc->abandoned_groups += READ_ONCE(p->abandoned_groups);
		pc->viol_unexpected += READ_ONCE(p->viol_unexpected);
		pc->viol_late += READ_ONCE(p->viol_late);
		pc->viol_lost += READ_ONCE(p->viol_lost);
	}
}

static u64 iopf_per_s(u64 n, u64 ns)
{
	return ns ? mul_u64_u64_div_u64(n, NSEC_PER_SEC, ns) : 0;
}

/* Called by the ctl thread once every thread is stopped and every device gone. */
static int iopf_run_compute(struct iopf_run *run)
{
	struct iopf_bench_results *r;
	struct iopf_inj_stats is;
	struct iopf_counters cnt, *pc = &cnt;
	struct iopf_hist *h;
	unsigned int cpu, k, i;
	u64 unbind_cycles = 0, unbind_errors = 0, cpu_ns = 0;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	h = kvcalloc(IOPF_BENCH_HIST_NR, sizeof(*h), GFP_KERNEL);
	run->hist_dump = kvcalloc(IOPF_BENCH_HIST_NR * IOPF_BENCH_HIST_NR_BUCKETS, sizeof(u64),
				  GFP_KERNEL);
	if (!r || !h || !run->hist_dump) {
		kfree(r);
		kvfree(h);
		return -ENOMEM;
	}
	iopf_sum_stats(run, &is, pc);
	for (k = 0; k < IOPF_BENCH_HIST_NR; k++)
		iopf_hist_init(&h[k]);
	for_each_possible_cpu(cpu)
		for (k = 0; k < ARRAY_SIZE(run->pcpu[cpu]->hist); k++)
			iopf_hist_merge(&h[k], &run->pcpu[cpu]->hist[k]);
	for (i = 0; run->unb && i < run->cfg.nr_unbinders; i++) {
		iopf_hist_merge(&h[IOPF_BENCH_HIST_UNBIND], &run->unb[i].hist[0]);
		iopf_hist_merge(&h[IOPF_BENCH_HIST_REBIND], &run->unb[i].hist[1]);
		unbind_cycles += run->unb[i].cycles;
		unbind_errors += run->unb[i].errors;
	}
	for (i = 0; i < run->cfg.nr_injectors; i++)
		cpu_ns += run->inj[i].cpu_ns;

	/*
	 * Every reported last request set its slot outstanding; each one was
	 * answered (counted once) or found lost. Anything else is a bug here.
	 */
	if (is.total_groups != pc->total_responses + pc->viol_lost) {
		pr_err("violation: run %llu: %llu groups reported, %llu answered once, %llu lost\n",
		       run->id, is.total_groups, pc->total_responses, pc->viol_lost);
		if (is.total_groups > pc->total_responses + pc->viol_lost)
			pc->viol_lost = is.total_groups - pc->total_responses;
	}

	r->abi_version = IOPF_BENCH_ABI_VERSION;
	r->error = run->error;
	r->handler = run->cfg.handler;
	r->pacing = run->cfg.pacing;
	r->group_size = run->cfg.group_size;
	r->open_groups = run->cfg.open_groups;
	r->credit = run->cfg.credit;
	r->nr_devices = run->cfg.nr_devices;
	r->pasids = run->cfg.pasids;
	r->nr_injectors = run->cfg.nr_injectors;
	r->nr_unbinders = run->cfg.nr_unbinders;
	r->run_flags = run->cfg.flags;
	r->hist_nr_buckets = IOPF_BENCH_HIST_NR_BUCKETS;
	r->run_id = run->id;
	r->clock = !run->timestamps ? IOPF_BENCH_CLOCK_NONE :
		   run->tsc ? IOPF_BENCH_CLOCK_TSC : IOPF_BENCH_CLOCK_KTIME;

	r->window_ns = run->t_window_end - run->t_window_start;
	r->target_rate_per_s = run->cfg.rate_per_s;
	r->rate_per_s = iopf_per_s(is.requests, r->window_ns);
	r->group_rate_per_s = iopf_per_s(is.groups, r->window_ns);
	r->requests = is.requests;
	r->partial_requests = is.requests - is.groups;
	r->groups = is.groups;
	r->responses = pc->responses;
	r->resp_success = pc->resp_code[IOMMU_PAGE_RESP_SUCCESS];
	r->resp_invalid = pc->resp_code[IOMMU_PAGE_RESP_INVALID];
	r->resp_failure = pc->resp_code[IOMMU_PAGE_RESP_FAILURE];
	r->aborts = pc->resp_code[IOMMU_PAGE_RESP_FAILURE];
	r->report_errors = is.report_errors;
	r->stalls = is.stalls;
	r->injector_cpu_ns = cpu_ns;

	r->total_requests = is.total_requests;
	r->total_groups = is.total_groups;
	r->total_responses = pc->total_responses;
	r->from_handler = pc->from[IOPF_SRC_HANDLER];
	r->from_abort = pc->from[IOPF_SRC_ABORT];
	r->from_no_handler = pc->from[IOPF_SRC_NO_HANDLER];
	r->from_remove = pc->from[IOPF_SRC_REMOVE];
	r->failed_groups = pc->failed_groups;
	r->abandoned_groups = pc->abandoned_groups;
	r->discarded_partials = is.discarded_partials;
	r->restarted_groups = is.restarted_groups;
	r->viol_unexpected = pc->viol_unexpected;
	r->viol_late = pc->viol_late;
	r->viol_lost = pc->viol_lost;
	r->violations = r->viol_unexpected + r->viol_late + r->viol_lost;
	r->unbind_cycles = unbind_cycles;
	r->unbind_errors = unbind_errors;

	iopf_hist_summary(&h[IOPF_BENCH_HIST_RESPONSE], &r->lat_response);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_HANDLER], &r->lat_handler);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_WORK], &r->lat_work);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_UNBIND], &r->lat_unbind);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_REBIND], &r->lat_rebind);
	for (k = 0; k < IOPF_BENCH_HIST_NR; k++)
		memcpy(run->hist_dump + k * IOPF_BENCH_HIST_NR_BUCKETS, h[k].buckets,
		       sizeof(h[k].buckets));

	if (run->error)
		r->status = IOPF_BENCH_RESULT_ERROR;
	else if (r->violations)
		r->status = IOPF_BENCH_RESULT_FAILURE;
	else
		r->status = IOPF_BENCH_RESULT_SUCCESS;
	run->results = r;
	kvfree(h);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The control thread */

static u64 iopf_task_cpu_ns(struct task_struct *t)
{
	return READ_ONCE(t->se.sum_exec_runtime);
}

static bool iopf_ctl_should_end(struct iopf_run *run)
{
	return READ_ONCE(run->stop_requested) || kthread_should_stop() ||
	       (run->cfg.max_requests && !atomic_read(&run->quota_left));
}

static int iopf_ctl_fn(void *arg)
{
	struct iopf_run *run = arg;
	const struct iopf_bench_results *r;
	unsigned int i, d;
	int rc;

	/* Warm-up */
	if (run->cfg.warmup_ms)
		wait_event_interruptible_timeout(run->ctl_wq, iopf_ctl_should_end(run),
						 msecs_to_jiffies(run->cfg.warmup_ms));

	/* Measured window */
	for (i = 0; i < run->cfg.nr_injectors; i++)
		run->inj[i].cpu_window_start = iopf_task_cpu_ns(run->inj[i].task);
	run->t_window_start = ktime_get_ns();
	WRITE_ONCE(run->phase, IOPF_BENCH_PHASE_MEASURE);
	if (run->cfg.duration_ms) {
		u64 end = run->t_window_start + run->cfg.duration_ms * NSEC_PER_MSEC;

		while (!iopf_ctl_should_end(run)) {
			u64 now = ktime_get_ns();

			if (now >= end)
				break;
			wait_event_interruptible_timeout(run->ctl_wq, iopf_ctl_should_end(run),
							 nsecs_to_jiffies(end - now) + 1);
		}
	} else {
		while (!iopf_ctl_should_end(run))
			wait_event_interruptible(run->ctl_wq, iopf_ctl_should_end(run));
	}
	run->t_window_end = ktime_get_ns();
	WRITE_ONCE(run->phase, IOPF_BENCH_PHASE_STOPPING);
	for (i = 0; i < run->cfg.nr_injectors; i++)
		run->inj[i].cpu_ns = iopf_task_cpu_ns(run->inj[i].task) -
				     run->inj[i].cpu_window_start;

	/*
	 * Stop: unbinders first (a cycle in progress completes, a PASID drain
	 * gives up), then injectors; then every device in the unbind order,
	 * which also checks that nothing is left unanswered.
	 */
	iopf_unbinders_stop(run);
	iopf_injectors_stop(run);
	for (d = 0; d < run->cfg.nr_devices; d++) {
		iopf_mdev_teardown(&run->mdevs[d]);
		if (!run->hops->framework)
			iopf_check_lost(&run->mdevs[d], -1);
	}
	iopf_mock_destroy(run);
	run->t_end = ktime_get_ns();

	rc = iopf_run_compute(run);
	if (rc && !run->error)
		run->error = rc;

	mutex_lock(&iopf_ctl_mutex);
	WRITE_ONCE(run->phase, IOPF_BENCH_PHASE_FINISHED);
	iopf_state = run->results && !run->error ? IOPF_BENCH_STATE_DONE :
						   IOPF_BENCH_STATE_ERROR;
	mutex_unlock(&iopf_ctl_mutex);
	wake_up_all(&iopf_state_wq);

	r = run->results;
	if (r) {
		pr_info("End of run: %s (violations=%llu)%s\n",
			r->status == IOPF_BENCH_RESULT_SUCCESS ? "SUCCESS" : "FAILURE",
			r->violations, run->error ? " error" : "");
		pr_info("run %llu: window_ms=%llu requests=%llu groups=%llu responses=%llu rate_per_s=%llu p50_ns=%llu p99_ns=%llu max_ns=%llu unbind_cycles=%llu total_groups=%llu total_responses=%llu from_remove=%llu lost=%llu late=%llu unexpected=%llu error=%d\n",
			run->id, div_u64(r->window_ns, NSEC_PER_MSEC), r->requests, r->groups,
			r->responses, r->rate_per_s, r->lat_response.p50_ns,
			r->lat_response.p99_ns, r->lat_response.max_ns, r->unbind_cycles,
			r->total_groups, r->total_responses, r->from_remove, r->viol_lost,
			r->viol_late, r->viol_unexpected, run->error);
	} else {
		pr_info("End of run: FAILURE (violations=0) error\n");
	}

	/* Stay until RESET, the next START or rmmod frees the run. */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* STATUS, STOP, WAIT, RESULTS, RESET */

int iopf_run_status(struct iopf_bench_status *st)
{
	struct iopf_run *run;

	mutex_lock(&iopf_ctl_mutex);
	run = iopf_cur;
	st->state = iopf_state;
	st->phase = run ? READ_ONCE(run->phase) : IOPF_BENCH_PHASE_NONE;
	st->run_id = iopf_last_run_id;
	st->error = run ? READ_ONCE(run->error) : 0;
	st->elapsed_ns = 0;
	st->requests = st->groups = st->responses = st->unbind_cycles = st->violations = 0;
	if (run) {
		struct iopf_inj_stats is;
		struct iopf_counters cnt, *pc = &cnt;
		u32 i;

		st->elapsed_ns = (run->t_end ?: ktime_get_ns()) - run->t_start;
		iopf_sum_stats(run, &is, pc);
		st->requests = is.total_requests;
		st->groups = is.total_groups;
		st->responses = pc->total_responses;
		st->violations = pc->viol_unexpected + pc->viol_late + pc->viol_lost;
		for (i = 0; run->unb && i < run->cfg.nr_unbinders; i++)
			st->unbind_cycles += READ_ONCE(run->unb[i].cycles);
	}
	mutex_unlock(&iopf_ctl_mutex);
	return 0;
}

static bool iopf_not_running(void)
{
	return READ_ONCE(iopf_state) != IOPF_BENCH_STATE_RUNNING;
}

int iopf_run_stop(void)
{
	mutex_lock(&iopf_ctl_mutex);
	if (iopf_state == IOPF_BENCH_STATE_IDLE) {
		mutex_unlock(&iopf_ctl_mutex);
		iopf_reject("stop", "no run to stop");
		return -ENOENT;
	}
	if (iopf_state == IOPF_BENCH_STATE_RUNNING) {
		WRITE_ONCE(iopf_cur->stop_requested, true);
		wake_up(&iopf_cur->ctl_wq);
	}
	mutex_unlock(&iopf_ctl_mutex);
	if (wait_event_killable(iopf_state_wq, iopf_not_running()))
		return -EINTR;
	return 0;
}

int iopf_run_wait(u32 timeout_ms, u32 *state)
{
	long rc;

	if (READ_ONCE(iopf_state) == IOPF_BENCH_STATE_IDLE) {
		iopf_reject("wait", "no run to wait for");
		return -ENOENT;
	}
	if (timeout_ms) {
		rc = wait_event_interruptible_timeout(iopf_state_wq, iopf_not_running(),
						      msecs_to_jiffies(timeout_ms));
		if (!rc)
			return -ETIMEDOUT;
	} else {
		rc = wait_event_interruptible(iopf_state_wq, iopf_not_running());
	}
	if (rc < 0)
		return -EINTR;
	*state = READ_ONCE(iopf_state);
	return 0;
}

int iopf_run_results(struct iopf_bench_results *res)
{
	u64 hist_uptr = res->hist_uptr;
	u32 usize = res->size;
	u32 hist_len = res->hist_len, needed, n;
	struct iopf_run *run;
	int rc = 0;

	needed = IOPF_BENCH_HIST_NR * IOPF_BENCH_HIST_NR_BUCKETS * sizeof(u64);
	if (hist_len && !hist_uptr) {
		iopf_reject("results", "hist_len %u without hist_uptr", hist_len);
		return -EINVAL;
	}
	mutex_lock(&iopf_ctl_mutex);
	run = iopf_cur;
	if (iopf_state == IOPF_BENCH_STATE_IDLE) {
		iopf_reject("results", "no run");
		rc = -ENODATA;
		goto out;
	}
	if (iopf_state == IOPF_BENCH_STATE_RUNNING) {
		iopf_reject("results", "run %llu is still running", run->id);
		rc = -EBUSY;
		goto out;
	}
	if (!run->results) {
		rc = run->error ?: -ENOMEM;
		goto out;
	}
	memcpy(res, run->results, sizeof(*res));
	res->size = usize;
	res->flags = 0;
	res->hist_uptr = hist_uptr;
	res->hist_len = hist_len;
	res->hist_needed = needed;
	n = min(hist_len, needed);
	if (n && copy_to_user(u64_to_user_ptr(hist_uptr), run->hist_dump, n))
		rc = -EFAULT;
out:
	mutex_unlock(&iopf_ctl_mutex);
	return rc;
}

int iopf_run_reset(void)
{
	mutex_lock(&iopf_ctl_mutex);
	if (iopf_state == IOPF_BENCH_STATE_RUNNING) {
		mutex_unlock(&iopf_ctl_mutex);
		iopf_reject("reset", "run %llu is running: STOP it first", iopf_cur->id);
		return -EBUSY;
	}
	if (iopf_cur)
		iopf_run_destroy(iopf_cur);
	iopf_cur = NULL;
	iopf_state = IOPF_BENCH_STATE_IDLE;
	mutex_unlock(&iopf_ctl_mutex);
	return 0;
}

int iopf_run_init(void)
{
	return 0;
}

/* Module exit: stop a running run (clean teardown), free it. */
void iopf_run_exit(void)
{
	mutex_lock(&iopf_ctl_mutex);
	if (iopf_state == IOPF_BENCH_STATE_RUNNING) {
		pr_info("unloading during run %llu: stopping it\n", iopf_cur->id);
		WRITE_ONCE(iopf_cur->stop_requested, true);
		wake_up(&iopf_cur->ctl_wq);
		mutex_unlock(&iopf_ctl_mutex);
		wait_event(iopf_state_wq, iopf_not_running());
		mutex_lock(&iopf_ctl_mutex);
	}
	if (iopf_cur)
		iopf_run_destroy(iopf_cur);
	iopf_cur = NULL;
	iopf_state = IOPF_BENCH_STATE_IDLE;
	mutex_unlock(&iopf_ctl_mutex);
}
