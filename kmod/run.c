// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench runs: validation, set-up, the control thread (warm-up,
 * measured window, stop, teardown in the framework's order), results.
 *
 * A run belongs to the module, not to an fd. One unwind path
 * (iopf_run_destroy) serves a failed START, RESET and module exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cpu.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "iopf_bench_int.h"
#include "stream.h"

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

static const char *iopf_rid_order_name(u32 order)
{
	return order == IOPF_BENCH_RID_ORDER_DRAIN_FIRST ? "drain-first" :
	       order == IOPF_BENCH_RID_ORDER_REMOVE_FIRST ? "remove-first" :
	       IOPF_K7 ? "kernel(remove-first)" : "kernel(drain-first)";
}

static const char *iopf_scope_name(u32 scope)
{
	return scope == IOPF_BENCH_UNBIND_PASID ? "pasid" :
	       scope == IOPF_BENCH_UNBIND_REPLACE ? "replace" : "device";
}

/* ------------------------------------------------------------------------ */
/* Validation: every field, one errno and one log line each. */

#define REFUSE(err, fmt, ...) iopf_refuse(err, "start", fmt, ##__VA_ARGS__)

/* Copy and check a user CPU list of n entries, or fill the default. */
static int iopf_cpus_get(const char *what, u64 uptr, u32 n, u32 count, bool from_last,
			 u32 **out)
{
	unsigned int online = num_online_cpus();
	u32 i, *cpus;

	cpus = kcalloc(count, sizeof(*cpus), GFP_KERNEL);
	if (!cpus)
		return -ENOMEM;
	if (!n) {
		for (i = 0; i < count; i++)
			cpus[i] = cpumask_nth(from_last ? online - 1 - i % online : i % online,
					      cpu_online_mask);
		*out = cpus;
		return 0;
	}
	if (copy_from_user(cpus, u64_to_user_ptr(uptr), n * sizeof(*cpus))) {
		kfree(cpus);
		return REFUSE(-EFAULT, "%s_uptr: cannot read %u CPU numbers", what, n);
	}
	for (i = 0; i < n; i++) {
		if (cpus[i] >= nr_cpu_ids || !cpu_online(cpus[i])) {
			u32 bad = cpus[i];

			kfree(cpus);
			return REFUSE(-EINVAL, "%s[%u] = %u is not an online CPU", what, i, bad);
		}
	}
	*out = cpus;
	return 0;
}

static int iopf_validate(struct iopf_bench_run_config *c, u32 **cpus_out, u32 **irq_out)
{
	u32 nstreams, per_dev, nviol;
	int rc;

	if (c->flags & ~IOPF_BENCH_RUN_FLAGS_ALL)
		return REFUSE(-EOPNOTSUPP, "flags 0x%x: unknown bits 0x%x", c->flags,
		       c->flags & ~IOPF_BENCH_RUN_FLAGS_ALL);
	if (c->__reserved || c->__reserved2 || c->__reserved3 || c->__reserved5)
		return REFUSE(-EOPNOTSUPP, "__reserved fields must be 0");
	if (!iopf_handler_find(c->handler))
		return REFUSE(-EINVAL, "handler %u is unknown (valid: %s)", c->handler,
		       iopf_handler_names());
	if (iopf_handler_find(c->handler)->framework && !iopf_framework_present())
		return REFUSE(-EOPNOTSUPP, "handler %s needs CONFIG_IOMMU_IOPF, which this kernel lacks",
		       iopf_handler_find(c->handler)->name);
	if (c->pacing < IOPF_BENCH_PACE_CLOSED || c->pacing > IOPF_BENCH_PACE_POISSON)
		return REFUSE(-EINVAL, "pacing %u is unknown (valid: 1=closed 2=constant 3=poisson)",
		       c->pacing);
	if (c->pacing == IOPF_BENCH_PACE_CLOSED && c->rate_per_s)
		return REFUSE(-EINVAL, "rate_per_s %llu with closed-loop pacing (must be 0)",
		       c->rate_per_s);
	if (c->pacing != IOPF_BENCH_PACE_CLOSED && !c->rate_per_s)
		return REFUSE(-EINVAL, "rate_per_s 0 with open-loop pacing");
	if (c->rate_per_s > IOPF_BENCH_MAX_RATE_PER_S)
		return REFUSE(-EINVAL, "rate_per_s %llu is above %llu", c->rate_per_s,
		       IOPF_BENCH_MAX_RATE_PER_S);
	if (!c->nr_devices || c->nr_devices > IOPF_BENCH_MAX_DEVICES)
		return REFUSE(-EINVAL, "nr_devices %u is not in 1..%u", c->nr_devices,
		       IOPF_BENCH_MAX_DEVICES);
	if (c->pasids > IOPF_BENCH_MAX_PASIDS)
		return REFUSE(-EINVAL, "pasids %u is above %u", c->pasids, IOPF_BENCH_MAX_PASIDS);
	if (!c->group_size || c->group_size > IOPF_BENCH_MAX_GROUP_SIZE)
		return REFUSE(-EINVAL, "group_size %u is not in 1..%u", c->group_size,
		       IOPF_BENCH_MAX_GROUP_SIZE);
	if (!c->open_groups || c->open_groups > IOPF_BENCH_MAX_OPEN_GROUPS)
		return REFUSE(-EINVAL, "open_groups %u is not in 1..%u", c->open_groups,
		       IOPF_BENCH_MAX_OPEN_GROUPS);
	/* The driver model */
	if (!c->model)
		c->model = IOPF_BENCH_MODEL_VTD;
	if (c->model < IOPF_BENCH_MODEL_VTD || c->model > IOPF_BENCH_MODEL_SMMUV3_STALL)
		return REFUSE(-EINVAL, "model %u is unknown (valid: 1=vtd 2=direct 3=amd 4=smmuv3-stall)",
			      c->model);
	/* What the model's driver would never produce (kmod/README.md, "Driver models") */
	if (c->model == IOPF_BENCH_MODEL_SMMUV3_STALL && c->group_size != 1)
		return REFUSE(-EINVAL, "group_size %u with model smmuv3-stall: SMMUv3 reports every stall as a one-request group",
			      c->group_size);
	if (iopf_model_pasid_only(c->model) && !c->pasids)
		return REFUSE(-EINVAL, "pasids 0 with model %s: its driver on Linux %s rejects PASID-less page requests",
			      iopf_model_name(c->model), IOPF_KERNEL_LINE);
	if (!iopf_model_drains(c->model) && c->rid_order)
		return REFUSE(-EINVAL, "rid_order with model %s: the RID detach order is VT-d's (amd flushes then removes; smmuv3 never flushes)",
			      iopf_model_name(c->model));
	if (c->model == IOPF_BENCH_MODEL_AMD && c->unbind_scope == IOPF_BENCH_UNBIND_REPLACE)
		return REFUSE(-EINVAL, "unbind_scope replace with model amd: AMD's iommu_sva_set_dev_pasid refuses a replace");
	if ((c->flags & IOPF_BENCH_RUN_VTD_WAKE_ALL) && c->model != IOPF_BENCH_MODEL_VTD)
		return REFUSE(-EINVAL, "flag VTD_WAKE_ALL with model %s: it changes VT-d's drain only",
			      iopf_model_name(c->model));
	if (c->reporter_prio > IOPF_BENCH_REPORTER_NORMAL)
		return REFUSE(-EINVAL, "reporter_prio %u is unknown (valid: 0=fifo 1=fifo-low 2=normal)",
			      c->reporter_prio);
	if (c->model == IOPF_BENCH_MODEL_DIRECT && c->reporter_prio)
		return REFUSE(-EINVAL, "reporter_prio with the direct model (no reporter threads)");
	if (c->model != IOPF_BENCH_MODEL_DIRECT && c->reporter_prio != IOPF_BENCH_REPORTER_NORMAL &&
	    !capable(CAP_SYS_NICE))
		return REFUSE(-EPERM, "reporter_prio %s needs CAP_SYS_NICE (SCHED_FIFO reporters, as IRQ threads run)",
			      c->reporter_prio ? "fifo-low" : "fifo");
	if (!c->nr_iommus)
		c->nr_iommus = 1;
	if (c->nr_iommus > IOPF_BENCH_MAX_IOMMUS)
		return REFUSE(-EINVAL, "nr_iommus %u is above %u", c->nr_iommus,
			      IOPF_BENCH_MAX_IOMMUS);
	if (c->nr_iommus > c->nr_devices)
		return REFUSE(-EINVAL, "nr_iommus %u is above nr_devices %u (an IOMMU without a device)",
			      c->nr_iommus, c->nr_devices);
	if (c->model == IOPF_BENCH_MODEL_DIRECT) {
		if (c->prq_depth)
			return REFUSE(-EINVAL, "prq_depth %u with the direct model (no PRQ)",
				      c->prq_depth);
		if (c->nr_irq_cpus || c->irq_cpus_uptr)
			return REFUSE(-EINVAL, "irq_cpus with the direct model (no reporter threads)");
	} else {
		if (!c->prq_depth)
			c->prq_depth = IOPF_BENCH_PRQ_DEPTH_DEFAULT;
		if (c->prq_depth < IOPF_BENCH_MIN_PRQ_DEPTH ||
		    c->prq_depth > IOPF_BENCH_MAX_PRQ_DEPTH || !is_power_of_2(c->prq_depth))
			return REFUSE(-EINVAL, "prq_depth %u is not a power of two in %u..%u",
				      c->prq_depth, IOPF_BENCH_MIN_PRQ_DEPTH,
				      IOPF_BENCH_MAX_PRQ_DEPTH);
		if (c->nr_irq_cpus && c->nr_irq_cpus != c->nr_iommus)
			return REFUSE(-EINVAL, "nr_irq_cpus %u differs from nr_iommus %u",
				      c->nr_irq_cpus, c->nr_iommus);
		if (!c->nr_irq_cpus && c->irq_cpus_uptr)
			return REFUSE(-EINVAL, "irq_cpus_uptr is set but nr_irq_cpus is 0");
	}
	/* The streams that carry requests: PASID-only drivers never see the RID's. */
	nstreams = iopf_model_pasid_only(c->model) ? c->pasids : 1 + c->pasids;
	if (!c->credit) {
		u32 want = 64;

		/*
		 * PRQ model: by default the devices' outstanding requests fit
		 * in their IOMMU's queue, as system software sizes PRI
		 * allocations; a bigger --credit (or a smaller queue) is how
		 * to make it overflow. A device's unanswered requests are at
		 * most credit * group_size. vtd writes the head once per
		 * batch (intel/prq.c): every entry of a batch was unanswered
		 * when its tail was read, but groups answered during the
		 * batch (inline, or by a worker on another CPU) free their
		 * credit while their entries still hold the queue until the
		 * head is written, so the queue holds up to twice the
		 * unanswered requests: 2 * group_size per credit. amd and
		 * smmuv3-stall move the head past an entry before reporting
		 * it: group_size + 1 (one slot of slack).
		 */
		if (c->model != IOPF_BENCH_MODEL_DIRECT) {
			u32 per = c->model == IOPF_BENCH_MODEL_VTD ? 2 * c->group_size :
				  c->group_size + 1;

			want = min(want, c->prq_depth /
				   (DIV_ROUND_UP(c->nr_devices, c->nr_iommus) * per));
		}
		c->credit = min_t(u32, IOPF_BENCH_MAX_CREDIT,
				  max3(c->open_groups, nstreams, want));
	}
	if (c->credit > IOPF_BENCH_MAX_CREDIT)
		return REFUSE(-EINVAL, "credit %u is above %u", c->credit, IOPF_BENCH_MAX_CREDIT);
	if (c->credit < c->open_groups)
		return REFUSE(-EINVAL, "credit %u is below open_groups %u", c->credit, c->open_groups);
	if (c->credit < nstreams)
		return REFUSE(-EINVAL, "credit %u is below the %u streams (%s) of a device",
		       c->credit, nstreams, iopf_model_pasid_only(c->model) ? "PASIDs" : "RID + PASIDs");

	/* Injectors and their CPUs */
	if (c->nr_cpus > IOPF_BENCH_MAX_INJECTORS)
		return REFUSE(-EINVAL, "nr_cpus %u is above %u", c->nr_cpus, IOPF_BENCH_MAX_INJECTORS);
	if (c->nr_cpus && c->nr_injectors && c->nr_injectors != c->nr_cpus)
		return REFUSE(-EINVAL, "nr_injectors %u differs from nr_cpus %u", c->nr_injectors,
		       c->nr_cpus);
	if (c->nr_cpus)
		c->nr_injectors = c->nr_cpus;
	if (!c->nr_injectors || c->nr_injectors > IOPF_BENCH_MAX_INJECTORS)
		return REFUSE(-EINVAL, "nr_injectors %u is not in 1..%u", c->nr_injectors,
		       IOPF_BENCH_MAX_INJECTORS);
	if (!c->nr_cpus && c->cpus_uptr)
		return REFUSE(-EINVAL, "cpus_uptr is set but nr_cpus is 0");
	if (c->nr_devices < c->nr_injectors) {
		/* A device's open groups and credit are split between its lanes. */
		per_dev = DIV_ROUND_UP(c->nr_injectors, c->nr_devices);
		if (c->open_groups < per_dev)
			return REFUSE(-EINVAL, "open_groups %u is below the %u injectors sharing a device",
			       c->open_groups, per_dev);
	}

	/* Termination */
	if (!c->duration_ms && !c->max_requests)
		return REFUSE(-EINVAL, "duration_ms and max_requests are both 0");
	if (c->duration_ms > IOPF_BENCH_MAX_DURATION_MS)
		return REFUSE(-EINVAL, "duration_ms %llu is above %llu", c->duration_ms,
		       IOPF_BENCH_MAX_DURATION_MS);
	if (c->max_requests && c->max_requests < c->nr_injectors)
		return REFUSE(-EINVAL, "max_requests %llu is below nr_injectors %u", c->max_requests,
		       c->nr_injectors);
	if (c->warmup_ms > IOPF_BENCH_MAX_WARMUP_MS)
		return REFUSE(-EINVAL, "warmup_ms %u is above %u", c->warmup_ms, IOPF_BENCH_MAX_WARMUP_MS);

	/* Handler knobs */
	if (c->service_ns > IOPF_BENCH_MAX_SERVICE_NS)
		return REFUSE(-EINVAL, "service_ns %u is above %u", c->service_ns,
		       IOPF_BENCH_MAX_SERVICE_NS);
	if ((c->flags & IOPF_BENCH_RUN_SERVICE_SLEEP) && !c->service_ns)
		return REFUSE(-EINVAL, "flags SERVICE_SLEEP without service_ns");
	if (c->handler == IOPF_BENCH_HANDLER_NULL && (c->fail_every || c->abandon_every))
		return REFUSE(-EINVAL, "fail_every/abandon_every need a framework handler, not null");

	/* Unbinders */
	if (c->nr_unbinders > IOPF_BENCH_MAX_UNBINDERS)
		return REFUSE(-EINVAL, "nr_unbinders %u is above %u", c->nr_unbinders,
		       IOPF_BENCH_MAX_UNBINDERS);
	if (c->nr_unbinders && c->handler == IOPF_BENCH_HANDLER_NULL)
		return REFUSE(-EINVAL, "nr_unbinders %u with handler null: there is no framework to unbind",
		       c->nr_unbinders);
	if (!c->unbind_scope)
		c->unbind_scope = IOPF_BENCH_UNBIND_DEVICE;
	if (c->unbind_scope != IOPF_BENCH_UNBIND_DEVICE &&
	    c->unbind_scope != IOPF_BENCH_UNBIND_PASID &&
	    c->unbind_scope != IOPF_BENCH_UNBIND_REPLACE)
		return REFUSE(-EINVAL, "unbind_scope %u is unknown (valid: 1=device 2=pasid 3=replace)",
		       c->unbind_scope);
	if (c->unbind_scope != IOPF_BENCH_UNBIND_DEVICE && !c->pasids)
		return REFUSE(-EINVAL, "unbind_scope %s with pasids 0", iopf_scope_name(c->unbind_scope));
	if (c->unbind_scope == IOPF_BENCH_UNBIND_REPLACE && !IOPF_HAVE_REPLACE_PASID)
		return REFUSE(-EOPNOTSUPP, "unbind_scope replace needs iommu_replace_device_pasid(), which Linux %s does not have (7.x does)",
			      IOPF_KERNEL_LINE);
	if (c->rid_order > IOPF_BENCH_RID_ORDER_KERNEL)
		return REFUSE(-EINVAL, "rid_order %u is unknown (valid: 0=drain-first 1=remove-first 2=kernel)",
			      c->rid_order);
	if (c->unbind_rate_per_s && !c->nr_unbinders)
		return REFUSE(-EINVAL, "unbind_rate_per_s %u with nr_unbinders 0", c->unbind_rate_per_s);
	if (c->nr_unbinders >
	    (c->unbind_scope != IOPF_BENCH_UNBIND_DEVICE ? c->nr_devices * c->pasids : c->nr_devices))
		return REFUSE(-EINVAL, "nr_unbinders %u is above the number of %ss to cycle",
		       c->nr_unbinders, iopf_scope_name(c->unbind_scope));
	if (c->abandon_every &&
	    (!c->nr_unbinders || c->unbind_scope != IOPF_BENCH_UNBIND_DEVICE))
		return REFUSE(-EINVAL, "abandon_every needs nr_unbinders > 0 with unbind_scope device");
	if (c->abandon_every && !iopf_model_drains(c->model))
		return REFUSE(-EINVAL, "abandon_every with model %s: without a drain its devices wait for every response before they stop, and a group nobody answers would hold the stop",
			      iopf_model_name(c->model));

	if (c->response_ns > IOPF_BENCH_MAX_RESPONSE_NS)
		return REFUSE(-EINVAL, "response_ns %u is above %u", c->response_ns,
			      IOPF_BENCH_MAX_RESPONSE_NS);
	if (c->handler == IOPF_BENCH_HANDLER_DEFER || c->handler == IOPF_BENCH_HANDLER_IOMMUFD) {
		if (!c->defer_ns || c->defer_ns > IOPF_BENCH_MAX_DEFER_NS)
			return REFUSE(-EINVAL, "defer_ns %u is not in 1..%u", c->defer_ns,
				      IOPF_BENCH_MAX_DEFER_NS);
		if (c->handler == IOPF_BENCH_HANDLER_DEFER && c->nr_unbinders &&
		    c->unbind_scope != IOPF_BENCH_UNBIND_DEVICE)
			return REFUSE(-EINVAL, "handler defer with unbind_scope pasid or replace: iommufd answers a PASID's kept groups at detach, which handler iommufd models and defer does not");
		if (c->handler == IOPF_BENCH_HANDLER_IOMMUFD && c->nr_unbinders &&
		    c->unbind_scope == IOPF_BENCH_UNBIND_REPLACE)
			return REFUSE(-EINVAL, "handler iommufd with unbind_scope replace: iommufd's replace auto-response (__fault_domain_replace_dev) is not modelled");
	} else if (c->defer_ns) {
		return REFUSE(-EINVAL, "defer_ns %u without handler defer or iommufd", c->defer_ns);
	}
	nviol = hweight32(c->flags & IOPF_BENCH_RUN_VIOLATE_ANY);
	if (nviol > 1)
		return REFUSE(-EINVAL, "flags: more than one VIOLATE flag");
	if (!!nviol != !!c->violate_every)
		return REFUSE(-EINVAL, "violate_every %u needs exactly one VIOLATE flag, and the flag needs it",
			      c->violate_every);
	if ((c->flags & (IOPF_BENCH_RUN_VIOLATE_PARTIAL_DROP | IOPF_BENCH_RUN_VIOLATE_PARTIAL_DUP)) &&
	    c->group_size < 2)
		return REFUSE(-EINVAL, "flags VIOLATE_PARTIAL_* need group_size >= 2 (partial requests)");
	if ((c->flags & IOPF_BENCH_RUN_VIOLATE_WEDGE) &&
	    (c->model == IOPF_BENCH_MODEL_DIRECT || c->handler != IOPF_BENCH_HANDLER_INLINE))
		return REFUSE(-EINVAL, "flag VIOLATE_WEDGE needs a model with reporters (not direct) and handler inline: it wedges the reporter thread");
	rc = iopf_ts_validate(c);
	if (rc)
		return rc;

	/* CPU lists last: the only part that copies from user memory. */
	rc = iopf_cpus_get("cpus", c->cpus_uptr, c->nr_cpus, c->nr_injectors, false, cpus_out);
	if (rc)
		return rc;
	if (c->model != IOPF_BENCH_MODEL_DIRECT) {
		rc = iopf_cpus_get("irq_cpus", c->irq_cpus_uptr, c->nr_irq_cpus, c->nr_iommus,
				   true, irq_out);
	} else {
		/* No reporter threads: the default placement, unused. */
		rc = iopf_cpus_get("irq_cpus", 0, 0, c->nr_iommus, true, irq_out);
	}
	if (rc) {
		kfree(*cpus_out);
		*cpus_out = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Set-up and the one unwind path */

static void iopf_run_destroy(struct iopf_run *run)
{
	unsigned int cpu, d;

	if (run->ctl)
		kthread_stop(run->ctl);	/* a finished ctl thread only waits for this */
	iopf_ts_stop(run);	/* the sampler reads the counters of what goes next */
	/*
	 * Threads first (no more requests), the queues emptied, kept groups
	 * answered, then devices in the unbind order, then the IOMMUs.
	 */
	iopf_unbinders_stop(run);
	iopf_injectors_stop(run);
	for (d = 0; run->mocks && d < run->cfg.nr_iommus; d++)
		iopf_prq_wait_empty(&run->mocks[d]);
	iopf_defer_stop(run);
	for (d = 0; run->mdevs && iopf_graceful_stop(run) && d < run->cfg.nr_devices; d++)
		if (run->mdevs[d].slots)
			iopf_wait_answered(&run->mdevs[d], -1);
	for (d = 0; run->mdevs && d < run->cfg.nr_devices; d++)
		iopf_mdev_teardown(&run->mdevs[d]);
	iopf_mocks_destroy(run);
	iopf_threads_free(run);
	for (d = 0; run->mdevs && d < run->cfg.nr_devices; d++) {
		kfree(run->mdevs[d].streams);
		kvfree(run->mdevs[d].slots);
	}
	kfree(run->mdevs);
	iopf_ts_destroy(run);
	if (run->pcpu) {
		for_each_possible_cpu(cpu)
			kvfree(run->pcpu[cpu]);
		kfree(run->pcpu);
	}
	kvfree(run->hist_dump);
	kfree(run->results);
	kfree(run->cpus);
	kfree(run->irq_cpus);
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
		atomic_set(&mdev->pasid_unbinding, 0);
		atomic_set(&mdev->flushing, 0);
		mdev->nstreams = run->nstreams;
		mdev->streams = kcalloc(mdev->nstreams, sizeof(*mdev->streams), GFP_KERNEL);
		if (!mdev->streams)
			return -ENOMEM;
		for (s = 0; s < mdev->nstreams; s++) {
			struct iopf_stream *stream = &mdev->streams[s];

			stream->mdev = mdev;
			stream->handles[0].stream = stream;
			stream->handles[1].stream = stream;
			stream->pasid = s ? s : IOMMU_NO_PASID;
			atomic_set(&stream->nopen, 0);
			init_waitqueue_head(&stream->drain_wq);
		}
		mdev->nslots = run->cfg.credit;
		mdev->slot_shift = order_base_2(mdev->nslots);
		/* PRQ: the grpid is the slot index, a 9-bit PRG index (credit <= 512). */
		mdev->grpid_mask = run->prq ? (1u << mdev->slot_shift) - 1 : ~0u;
		mdev->slots = kvcalloc(mdev->nslots, sizeof(*mdev->slots), GFP_KERNEL);
		if (!mdev->slots)
			return -ENOMEM;
		for (s = 0; s < mdev->nslots; s++) {
			atomic64_set(&mdev->slots[s].word, IOPF_SLOT_WORD(0, IOPF_SLOT_IDLE));
			/* PASID-only drivers: the PASIDs 1..pasids, never the RID */
			mdev->slots[s].stream = run->pasid_only ? 1 + s % (mdev->nstreams - 1) :
						s % mdev->nstreams;
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
	rc = iopf_ts_create(run);
	if (rc)
		return rc;
	rc = iopf_mocks_create(run);
	if (rc)
		return rc;
	if (run->hops->framework) {
		for (d = 0; d < run->cfg.nr_devices; d++) {
			rc = iopf_mdev_setup(&run->mdevs[d]);
			if (rc) {
				pr_err("start: cannot set up device %u: %d\n", d, rc);
				return rc;
			}
		}
	}
	rc = iopf_defer_create(run);
	if (rc)
		return rc;
	/* Threads are created stopped; START wakes them when all is set up. */
	for (d = 0; d < run->cfg.nr_iommus; d++) {
		rc = iopf_reporter_create(&run->mocks[d]);
		if (rc)
			return rc;
	}
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

/*
 * The synthetic regression knob (ABI 4): busy nanoseconds added to the
 * mock's report path (per request, inside the measured report interval,
 * before iommu_report_device_fault(), as if the framework's report path had
 * become slower) and to its response path (per page response, inside
 * page_response under the core's fault_param->lock). Module parameters, so
 * that a known slowdown can be injected into an unchanged spec and module
 * (the CI gate's calibration: iopf-bench calibrate); 0, the default, is off.
 * A run reads them once at START and echoes what it used in its results; a
 * value above IOPF_BENCH_MAX_REGRESS_NS is refused by the write.
 */
static int iopf_regress_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int rc = kstrtouint(val, 0, &v);

	if (rc)
		return rc;
	if (v > IOPF_BENCH_MAX_REGRESS_NS) {
		pr_warn_ratelimited("%s: %u is above %u\n", kp->name, v, IOPF_BENCH_MAX_REGRESS_NS);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops iopf_regress_ops = {
	.set = iopf_regress_set,
	.get = param_get_uint,
};

static unsigned int regress_report_ns;
static unsigned int regress_response_ns;
module_param_cb(regress_report_ns, &iopf_regress_ops, &regress_report_ns, 0644);
MODULE_PARM_DESC(regress_report_ns,
		 "synthetic regression: busy ns added to every report (0 = off, the default)");
module_param_cb(regress_response_ns, &iopf_regress_ops, &regress_response_ns, 0644);
MODULE_PARM_DESC(regress_response_ns,
		 "synthetic regression: busy ns added to every page response (0 = off, the default)");

/*
 * The bound of every wait of the module (iopf_run_stuck): a run reads it at
 * START. The default, 60 s, is above the kernel's hung-task timeout (20 s
 * here, 120 s by default), so that a deadlock of the design under test is
 * reported by the kernel first; tests set it lower.
 */
static int iopf_stuck_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int rc = kstrtouint(val, 0, &v);

	if (rc)
		return rc;
	if (v < IOPF_STUCK_MS_MIN || v > IOPF_STUCK_MS_MAX) {
		pr_warn_ratelimited("%s: %u is not in %u..%u\n", kp->name, v, IOPF_STUCK_MS_MIN,
				    IOPF_STUCK_MS_MAX);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops iopf_stuck_ops = {
	.set = iopf_stuck_set,
	.get = param_get_uint,
};

static unsigned int stuck_ms = 60000;
module_param_cb(stuck_ms, &iopf_stuck_ops, &stuck_ms, 0644);
MODULE_PARM_DESC(stuck_ms,
		 "the bound of every wait of the module, ms: a run whose threads wait longer fails with -ETIMEDOUT, naming what is stuck (default 60000)");

static void iopf_log_start(struct iopf_run *run)
{
	const struct iopf_bench_run_config *c = &run->cfg;
	char cpus[256];
	int n = 0;
	u32 i;

	cpus[0] = 0;
	for (i = 0; i < c->nr_injectors && n < sizeof(cpus) - 12; i++)
		n += scnprintf(cpus + n, sizeof(cpus) - n, "%s%u", i ? "," : "", run->cpus[i]);
	char irq[256];
	int m = 0;

	irq[0] = 0;
	for (i = 0; run->prq && i < c->nr_iommus && m < sizeof(irq) - 12; i++)
		m += scnprintf(irq + m, sizeof(irq) - m, "%s%u", i ? "," : "", run->irq_cpus[i]);
	pr_info("Start of run: run=%llu model=%s iommus=%u prq_depth=%u irq_cpus=%s reporter=%s streams=%s vtd_wake=%s response_ns=%u defer_ns=%u handler=%s pacing=%s rate_per_s=%llu devices=%u pasids=%u group_size=%u open_groups=%u credit=%u injectors=%u cpus=%s unbinders=%u unbind_scope=%s rid_order=%s kernel=%s unbind_rate_per_s=%u duration_ms=%llu max_requests=%llu warmup_ms=%u service_ns=%u service=%s fail_every=%u abandon_every=%u violate=%s/%u timestamps=%s clock=%s seed=%llu regress_report_ns=%u regress_response_ns=%u stuck_ms=%u\n",
		run->id, iopf_model_name(c->model), c->nr_iommus, c->prq_depth,
		run->prq ? irq : "-",
		!run->prq ? "-" : c->reporter_prio == IOPF_BENCH_REPORTER_FIFO ? "fifo" :
		c->reporter_prio == IOPF_BENCH_REPORTER_FIFO_LOW ? "fifo-low" : "normal",
		run->pasid_only ? "pasids" : "rid+pasids",
		!iopf_model_is(run, IOPF_BENCH_MODEL_VTD) ? "-" :
		(c->flags & IOPF_BENCH_RUN_VTD_WAKE_ALL) ? "all" : "one",
		c->response_ns, c->defer_ns,
		run->hops->name, iopf_pacing_names[c->pacing], c->rate_per_s,
		c->nr_devices, c->pasids, c->group_size, c->open_groups, c->credit,
		c->nr_injectors, cpus, c->nr_unbinders, iopf_scope_name(c->unbind_scope),
		iopf_rid_order_name(c->rid_order), IOPF_KERNEL_LINE,
		c->unbind_rate_per_s, c->duration_ms, c->max_requests, c->warmup_ms,
		c->service_ns, (c->flags & IOPF_BENCH_RUN_SERVICE_SLEEP) ? "sleep" : "busy",
		c->fail_every, c->abandon_every,
		(c->flags & IOPF_BENCH_RUN_VIOLATE_DOUBLE) ? "double" :
		(c->flags & IOPF_BENCH_RUN_VIOLATE_LOSE) ? "lose" :
		(c->flags & IOPF_BENCH_RUN_VIOLATE_PARTIAL_DROP) ? "partial-drop" :
		(c->flags & IOPF_BENCH_RUN_VIOLATE_PARTIAL_DUP) ? "partial-dup" :
		(c->flags & IOPF_BENCH_RUN_VIOLATE_WEDGE) ? "wedge" : "none",
		c->violate_every,
		run->timestamps ? "on" : "off",
		run->tsc ? "tsc" : "ktime", c->seed, run->regress_report_ns,
		run->regress_response_ns, run->stuck_ms);
}

int iopf_run_start(struct iopf_bench_run_config *ucfg)
{
	struct iopf_run *run;
	u32 *cpus = NULL, *irq_cpus = NULL;
	int rc;

	mutex_lock(&iopf_ctl_mutex);
	if (iopf_state == IOPF_BENCH_STATE_RUNNING) {
		pr_warn_ratelimited("start: a run is in progress (run %llu)\n", iopf_cur->id);
		rc = -EBUSY;
		goto out;
	}
	rc = iopf_validate(ucfg, &cpus, &irq_cpus);
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
		kfree(irq_cpus);
		rc = -ENOMEM;
		goto out;
	}
	run->cfg = *ucfg;
	run->cpus = cpus;
	run->irq_cpus = irq_cpus;
	run->prq = run->cfg.model != IOPF_BENCH_MODEL_DIRECT;
	run->pasid_only = iopf_model_pasid_only(run->cfg.model);
	run->id = iopf_last_run_id + 1;
	run->cookie = ((get_random_u64() << 8) | 0x80) & ~IOPF_PRIV_MEASURED;
	run->hops = iopf_handler_find(run->cfg.handler);
	run->timestamps = !(run->cfg.flags & IOPF_BENCH_RUN_NO_TIMESTAMPS);
	run->regress_report_ns = READ_ONCE(regress_report_ns);
	run->regress_response_ns = READ_ONCE(regress_response_ns);
	run->stuck_ms = READ_ONCE(stuck_ms);
	run->nstreams = 1 + run->cfg.pasids;
	if (!run->cfg.seed)
		run->cfg.seed = 0x10f0bec4;
#ifdef CONFIG_X86_TSC
	if (boot_cpu_has(X86_FEATURE_TSC) && tsc_khz >= 1000 && !check_tsc_unstable()) {
		run->tsc = true;
		run->tsc_mult = div_u64((u64)NSEC_PER_MSEC << IOPF_TSC_SHIFT, tsc_khz);
	}
#endif
	if (run->cfg.rate_per_s) {
		/* Mean interarrival per injector, in run clock units << 16. */
		run->period_fp = div64_u64((u64)run->cfg.nr_injectors * NSEC_PER_SEC << 16,
					   run->cfg.rate_per_s);
#ifdef CONFIG_X86_TSC
		if (run->tsc)
			run->period_fp = mul_u64_u32_div(run->period_fp, tsc_khz, USEC_PER_SEC);
#endif
	}
	init_waitqueue_head(&run->ctl_wq);
	init_waitqueue_head(&run->wedge_wq);
	run->step = "warming up";
	run->step_arg = -1;
	run->phase = IOPF_BENCH_PHASE_WARMUP;

	rc = iopf_run_setup(run);
	if (rc) {
		pr_warn_ratelimited("start: set-up failed (%d); nothing is left behind\n", rc);
		iopf_run_destroy(run);
		goto out;
	}
	iopf_last_run_id = run->id;
	iopf_cur = run;
	iopf_state = IOPF_BENCH_STATE_RUNNING;
	iopf_log_start(run);
	run->clk_start = iopf_clock(run);
	run->t_start = ktime_get_ns();
	iopf_ts_begin(run);	/* the stream's first record, before any other */
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
	unsigned int cpu, i;
	size_t k;

	memset(is, 0, sizeof(*is));
	for (i = 0; run->inj && i < run->cfg.nr_injectors; i++) {
		const struct iopf_inj_stats *s = &run->inj[i].st;

		is->requests += READ_ONCE(s->requests);
		is->groups += READ_ONCE(s->groups);
		is->stalls += READ_ONCE(s->stalls);
		is->groups_during_unbind += READ_ONCE(s->groups_during_unbind);
		is->total_requests += READ_ONCE(s->total_requests);
		is->total_groups += READ_ONCE(s->total_groups);
		is->discarded_partials += READ_ONCE(s->discarded_partials);
		is->restarted_groups += READ_ONCE(s->restarted_groups);
	}
	/* struct iopf_counters is all u64: sum it word by word. */
	memset(pc, 0, sizeof(*pc));
	for_each_possible_cpu(cpu) {
		const u64 *src = (const u64 *)&run->pcpu[cpu]->c;
		u64 *dst = (u64 *)pc;

		for (k = 0; k < sizeof(*pc) / sizeof(u64); k++)
			dst[k] += READ_ONCE(src[k]);
	}
}
static_assert(sizeof(struct iopf_counters) % sizeof(u64) == 0);

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
	/* per-CPU histogram -> its place in the results */
	static const u8 pc_hist[IOPF_PC_NR] = {
		[IOPF_PC_RESPONSE] = IOPF_BENCH_HIST_RESPONSE,
		[IOPF_PC_HANDLER] = IOPF_BENCH_HIST_HANDLER,
		[IOPF_PC_WORK] = IOPF_BENCH_HIST_WORK,
		[IOPF_PC_QUEUE] = IOPF_BENCH_HIST_QUEUE,
		[IOPF_PC_REPORT_LAST] = IOPF_BENCH_HIST_REPORT_LAST,
		[IOPF_PC_REPORT_PARTIAL] = IOPF_BENCH_HIST_REPORT_PARTIAL,
		[IOPF_PC_SEND_LAG] = IOPF_BENCH_HIST_SEND_LAG,
		[IOPF_PC_FLUSH] = IOPF_BENCH_HIST_FLUSH,
		[IOPF_PC_REPORT_IN_FLUSH] = IOPF_BENCH_HIST_REPORT_IN_FLUSH,
		[IOPF_PC_QUEUE_IN_FLUSH] = IOPF_BENCH_HIST_QUEUE_IN_FLUSH,
	};

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
		for (k = 0; k < IOPF_PC_NR; k++)
			iopf_hist_merge(&h[pc_hist[k]], &run->pcpu[cpu]->hist[k]);
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
	r->report_errors = pc->report_errors;
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
	r->viol_group = pc->viol_group;
	r->violations = r->viol_unexpected + r->viol_late + r->viol_lost + r->viol_group;
	r->unbind_cycles = unbind_cycles;
	r->unbind_errors = unbind_errors;

	r->model = run->cfg.model;
	r->nr_iommus = run->cfg.nr_iommus;
	r->prq_depth = run->prq ? run->cfg.prq_depth : 0;
	r->response_ns = run->cfg.response_ns;
	r->defer_ns = run->cfg.defer_ns;
	r->regress_report_ns = run->regress_report_ns;
	r->regress_response_ns = run->regress_response_ns;
	r->grpid_bits = !run->prq ? 32 :
			iopf_model_is(run, IOPF_BENCH_MODEL_SMMUV3_STALL) ? 16 :
			IOPF_BENCH_PRG_INDEX_BITS;
	r->reporter_prio = run->prq ? run->cfg.reporter_prio : 0;
	r->pasid_only = run->pasid_only;
	for (i = 0; run->mocks && i < run->cfg.nr_iommus; i++) {
		const struct iopf_mock *m = &run->mocks[i];

		r->prq_overflows += m->overflows;
		r->prq_dropped += m->dropped;
		r->prq_dropped_last += m->dropped_last;
		r->prq_discards += m->discards;
		r->prq_max_fill = max(r->prq_max_fill, m->max_fill);
		r->reporter_cpu_ns += m->cpu_ns;
	}
	r->from_hw = pc->from[IOPF_SRC_HW];
	r->checked_groups = pc->checked_groups;
	r->incomplete_groups = pc->incomplete_groups;
	r->deferred_groups = pc->deferred_groups;
	r->late_answers = pc->late_answers;
	r->late_collisions = pc->late_collisions;
	r->reports_by_reporters = pc->reports_by_reporters;
	r->reports_by_others = pc->reports_by_others;
	r->reporter_requests = pc->reporter_requests;
	r->detach_flushes = pc->detach_flushes;
	r->detach_drained = pc->detach_drained;
	r->groups_during_unbind = is.groups_during_unbind;

	iopf_hist_summary(&h[IOPF_BENCH_HIST_RESPONSE], &r->lat_response);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_HANDLER], &r->lat_handler);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_WORK], &r->lat_work);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_UNBIND], &r->lat_unbind);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_REBIND], &r->lat_rebind);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_QUEUE], &r->lat_queue);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_REPORT_LAST], &r->lat_report_last);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_REPORT_PARTIAL], &r->lat_report_partial);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_SEND_LAG], &r->lat_send_lag);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_FLUSH], &r->lat_flush);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_REPORT_IN_FLUSH], &r->lat_report_in_flush);
	iopf_hist_summary(&h[IOPF_BENCH_HIST_QUEUE_IN_FLUSH], &r->lat_queue_in_flush);
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

/* What the control thread does now (arg: its IOMMU or device, or -1), for rmmod's log. */
static void iopf_ctl_step(struct iopf_run *run, const char *step, int arg)
{
	WRITE_ONCE(run->step_arg, arg);
	WRITE_ONCE(run->step, step);
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
	for (i = 0; i < run->cfg.nr_iommus; i++)
		if (run->mocks[i].reporter)
			run->mocks[i].cpu_window_start = iopf_task_cpu_ns(run->mocks[i].reporter);
	/* With a stream, its intervals have a boundary here (and at the end). */
	run->t_window_start = iopf_ts_boundary(run, IOPF_BENCH_PHASE_MEASURE);
	WRITE_ONCE(run->phase, IOPF_BENCH_PHASE_MEASURE);
	iopf_ctl_step(run, "running the measured window", -1);
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
	run->t_window_end = iopf_ts_boundary(run, IOPF_BENCH_PHASE_STOPPING);
	WRITE_ONCE(run->phase, IOPF_BENCH_PHASE_STOPPING);
	for (i = 0; i < run->cfg.nr_injectors; i++)
		run->inj[i].cpu_ns = iopf_task_cpu_ns(run->inj[i].task) -
				     run->inj[i].cpu_window_start;
	for (i = 0; i < run->cfg.nr_iommus; i++)
		if (run->mocks[i].reporter)
			run->mocks[i].cpu_ns = iopf_task_cpu_ns(run->mocks[i].reporter) -
					       run->mocks[i].cpu_window_start;

	/*
	 * Stop: unbinders first (a cycle in progress completes, a PASID drain
	 * gives up), then injectors; the reporters empty their queues; the
	 * kept groups are answered; then every device in the unbind order,
	 * which also checks that nothing is left unanswered; then the IOMMUs.
	 */
	iopf_ctl_step(run, "stopping the unbinders", -1);
	iopf_unbinders_stop(run);
	iopf_ctl_step(run, "stopping the injectors", -1);
	iopf_injectors_stop(run);
	for (d = 0; d < run->cfg.nr_iommus; d++) {
		iopf_ctl_step(run, "waiting for the reporter to empty the PRQ of IOMMU", d);
		iopf_prq_wait_empty(&run->mocks[d]);
	}
	iopf_ctl_step(run, "answering the groups the defer handler keeps", -1);
	iopf_defer_flush(run);
	/* amd, smmuv3-stall: the devices wait for their answers before the unbind. */
	for (d = 0; iopf_graceful_stop(run) && d < run->cfg.nr_devices; d++) {
		iopf_ctl_step(run, "waiting for the answers to device", d);
		iopf_wait_answered(&run->mdevs[d], -1);
	}
	for (d = 0; d < run->cfg.nr_devices; d++) {
		iopf_ctl_step(run, "tearing down device", d);
		iopf_order_begin(run, IOPF_ORDER_TEARDOWN, &run->mdevs[d]);
		iopf_mdev_teardown(&run->mdevs[d]);
		iopf_order_end(run, IOPF_ORDER_TEARDOWN);
		if (!run->hops->framework)
			iopf_check_lost(&run->mdevs[d], -1);
	}
	iopf_ctl_step(run, "stopping the defer thread", -1);
	iopf_defer_stop(run);
	for (d = 0; d < run->cfg.nr_iommus; d++) {
		iopf_ctl_step(run, "stopping the reporter of IOMMU", d);
		iopf_reporter_stop(&run->mocks[d]);
	}
	iopf_ctl_step(run, "computing the results", -1);
	run->t_end = ktime_get_ns();
	iopf_ts_finish(run);	/* the final interval: everything has happened */

	/* Before the IOMMUs go: their queues' counters are in the results. */
	rc = iopf_run_compute(run);
	if (rc && !run->error)
		run->error = rc;
	iopf_ts_end(run);	/* readers get the rest, then end of file */
	iopf_mocks_destroy(run);

	r = run->results;
	if (r) {
		pr_info("End of run: %s (run=%llu violations=%llu)%s\n",
			r->status == IOPF_BENCH_RESULT_SUCCESS ? "SUCCESS" : "FAILURE",
			run->id, r->violations, run->error ? " error" : "");
		pr_info("run %llu: window_ms=%llu requests=%llu groups=%llu responses=%llu rate_per_s=%llu p50_ns=%llu p99_ns=%llu max_ns=%llu unbind_cycles=%llu total_groups=%llu total_responses=%llu from_remove=%llu from_hw=%llu lost=%llu late=%llu unexpected=%llu group=%llu checked=%llu incomplete=%llu late_answers=%llu late_collisions=%llu overflows=%llu error=%d\n",
			run->id, div_u64(r->window_ns, NSEC_PER_MSEC), r->requests, r->groups,
			r->responses, r->rate_per_s, r->lat_response.p50_ns,
			r->lat_response.p99_ns, r->lat_response.max_ns, r->unbind_cycles,
			r->total_groups, r->total_responses, r->from_remove, r->from_hw,
			r->viol_lost, r->viol_late, r->viol_unexpected, r->viol_group,
			r->checked_groups, r->incomplete_groups, r->late_answers, r->late_collisions,
			r->prq_overflows, run->error);
	} else {
		pr_info("End of run: FAILURE (run=%llu violations=0) error\n", run->id);
	}

	/*
	 * Published after the End-of-run lines: a script that saw WAIT return
	 * finds them in the kernel log.
	 */
	mutex_lock(&iopf_ctl_mutex);
	WRITE_ONCE(run->phase, IOPF_BENCH_PHASE_FINISHED);
	iopf_state = run->results && !run->error ? IOPF_BENCH_STATE_DONE :
						   IOPF_BENCH_STATE_ERROR;
	mutex_unlock(&iopf_ctl_mutex);
	wake_up_all(&iopf_state_wq);

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
		st->violations = pc->viol_unexpected + pc->viol_late + pc->viol_lost +
				 pc->viol_group;
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
		return iopf_refuse(-ENOENT, "stop", "no run to stop");
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
		return iopf_refuse(-ENOENT, "wait", "no run to wait for");
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
		return iopf_refuse(-EINVAL, "results", "hist_len %u without hist_uptr", hist_len);
	}
	mutex_lock(&iopf_ctl_mutex);
	run = iopf_cur;
	if (iopf_state == IOPF_BENCH_STATE_IDLE) {
		pr_warn_ratelimited("results: no run\n");
		rc = -ENODATA;
		goto out;
	}
	if (iopf_state == IOPF_BENCH_STATE_RUNNING) {
		pr_warn_ratelimited("results: run %llu is still running\n", run->id);
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
		return iopf_refuse(-EBUSY, "reset", "run %llu is running: STOP it first", iopf_cur->id);
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

/*
 * rmmod waits for the run's control thread to finish its teardown. Each
 * of the teardown's waits is bounded by stuck_ms (iopf_run_stuck), so this
 * one ends; while it lasts, a line every stuck_ms says which step the
 * control thread is at. It wakes every 5 s, so that a long teardown is
 * not taken for a hung task; the run cannot be freed before its threads
 * are gone.
 */
static void iopf_exit_wait(struct iopf_run *run)
{
	u64 t0 = ktime_get_ns(), next = t0 + (u64)run->stuck_ms * NSEC_PER_MSEC;

	while (!wait_event_timeout(iopf_state_wq, iopf_not_running(), 5 * HZ)) {
		u64 now = ktime_get_ns();

		if (now < next)
			continue;
		next = now + (u64)run->stuck_ms * NSEC_PER_MSEC;
		if (READ_ONCE(run->step_arg) >= 0)
			pr_warn("rmmod: run %llu has been ending for %llu ms: its control thread is %s %d\n",
				run->id, div_u64(now - t0, NSEC_PER_MSEC), READ_ONCE(run->step),
				READ_ONCE(run->step_arg));
		else
			pr_warn("rmmod: run %llu has been ending for %llu ms: its control thread is %s\n",
				run->id, div_u64(now - t0, NSEC_PER_MSEC), READ_ONCE(run->step));
	}
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
		iopf_exit_wait(iopf_cur);
		mutex_lock(&iopf_ctl_mutex);
	}
	if (iopf_cur)
		iopf_run_destroy(iopf_cur);
	iopf_cur = NULL;
	iopf_state = IOPF_BENCH_STATE_IDLE;
	mutex_unlock(&iopf_ctl_mutex);
}
