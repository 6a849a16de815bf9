// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench mock IOMMUs and their devices. A mock IOMMU plays a VT-d
 * unit's part: its own iopf_queue, a page request queue and its reporter
 * (prq.c), a page_response with a cost, and a detach that drains the queue
 * and flushes the iopf workqueue inside the core's call.
 *
 * The mock registers with iommu_device_register() under its own
 * software-node fwnode. Its devices are platform devices whose fwspec points
 * at that fwnode, so __iommu_probe_device() picks the mock's ops for them
 * even when another IOMMU with a NULL fwnode is registered (a real VT-d or
 * AMD-Vi, or the iommufd selftest mock that CONFIG_IOMMUFD_TEST registers at
 * boot), and no other device is ever offered to the mock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "iopf_bench_int.h"

#define IOPF_MOCK_PASID_BITS 20

/* ------------------------------------------------------------------------ */
/* fwspec */

u32 iopf_mock_kind(void)
{
	return IS_ENABLED(CONFIG_LOCKDEP) ? IOPF_BENCH_MOCK_PLATFORM_FWSPEC_LOCKDEP :
					   IOPF_BENCH_MOCK_PLATFORM_FWSPEC;
}

const char *iopf_mock_kind_name(void)
{
	if (!iopf_framework_present())
		return "none (no IOMMU_IOPF)";
	return IS_ENABLED(CONFIG_LOCKDEP) ? "platform+fwspec (built by the module)" :
					    "platform+fwspec (iommu_fwspec_init)";
}

/*
 * Point the device's fwspec at the mock's fwnode, before device_add().
 *
 * iommu_fwspec_init() does exactly this, but it asserts that the caller holds
 * iommu_probe_device_lock, which is not exported; in-tree callers are the
 * ACPI and OF glue. Without lockdep the assertion compiles to nothing and the
 * exported function is used. With lockdep it would WARN, so the module does
 * what dev_iommu_get() + iommu_fwspec_init() do: the lock only serializes
 * against a concurrent probe of the same device, and this device is not
 * added yet. The core frees both with dev_iommu_free() when the device goes.
 */
static int iopf_mock_set_fwspec(struct device *dev, struct fwnode_handle *fwnode)
{
#ifdef CONFIG_LOCKDEP
	struct iommu_fwspec *fwspec;
	struct dev_iommu *param;

	if (dev->iommu)
		return -EBUSY;
	param = kzalloc(sizeof(*param), GFP_KERNEL);
	if (!param)
		return -ENOMEM;
	fwspec = kzalloc(struct_size(fwspec, ids, 1), GFP_KERNEL);
	if (!fwspec) {
		kfree(param);
		return -ENOMEM;
	}
	mutex_init(&param->lock);
	fwspec->iommu_fwnode = fwnode_handle_get(fwnode);
	param->fwspec = fwspec;
	dev->iommu = param;
	return 0;
#else
	return iommu_fwspec_init(dev, fwnode);
#endif
}

/* Undo iopf_mock_set_fwspec() for a device that never got probed. */
static void iopf_mock_free_fwspec(struct device *dev)
{
	struct dev_iommu *param = dev->iommu;

	if (!param || param->iommu_dev)
		return;
	dev->iommu = NULL;
	if (param->fwspec) {
		fwnode_handle_put(param->fwspec->iommu_fwnode);
		kfree(param->fwspec);
	}
	kfree(param);
}

/* ------------------------------------------------------------------------ */
/* IOPF on and off for a device: the framework's add and remove */

static int iopf_mock_iopf_add(struct iopf_mdev *mdev)
{
	int rc = iopf_queue_add_device(mdev->mock->queue, mdev->dev);

	if (!rc)
		mdev->iopf_enabled = true;
	return rc;
}

/*
 * iopf_queue_remove_device(): frees the partial requests, answers every
 * group still on the device's list (INVALID) and drops the fault data.
 * remover and remove_gen tell the page_response and the handlers which
 * answers came from it.
 */
static void iopf_mock_iopf_remove(struct iopf_mdev *mdev)
{
	if (!mdev->iopf_enabled)
		return;
	WRITE_ONCE(mdev->remove_gen, mdev->remove_gen + 1);
	WRITE_ONCE(mdev->remover, current);
	iopf_order_step(mdev, "remove", 0);
	iopf_queue_remove_device(mdev->mock->queue, mdev->dev);
	WRITE_ONCE(mdev->remover, NULL);
	WRITE_ONCE(mdev->removed, true);
	mdev->iopf_enabled = false;
}

/*
 * The driver's part of a PASID detach. vtd (and direct): drain the PASID's
 * page requests and flush the iopf workqueue (intel_pasid_tear_down_entry
 * -> intel_iommu_drain_pasid_prq). amd (amd_iommu_remove_dev_pasid,
 * amd/pasid.c:145-161) and smmuv3 (arm_smmu_remove_dev_pasid) clear the
 * PASID's table entry and invalidate: nothing of IOPF. From here on the
 * PASID is gone for the response checker: an answer to one of its groups
 * now is late, also one that races the rest of the core's detach (before
 * the unbinder is back).
 */
static void iopf_mock_pasid_detach(struct iopf_mdev *mdev, u32 pasid)
{
	if (iopf_model_drains(mdev->run->cfg.model))
		iopf_prq_drain(mdev, pasid);
	WRITE_ONCE(mdev->streams[pasid].gone, true);
}

/*
 * amd: IOPF goes on with the RID's attach to an SVA-capable domain
 * (attach_device -> amd_iommu_iopf_add_device, amd/iommu.c:2365 in 6.12)
 * and off inside detach_device, which flushes the iopf workqueue and then
 * removes the device, with no drain of the PPR log (amd/iommu.c:2408-2411).
 * PASID attaches and detaches never touch it.
 */
static int iopf_amd_rid_attach(struct iopf_mdev *mdev)
{
	return mdev->iopf_enabled ? 0 : iopf_mock_iopf_add(mdev);
}

static void iopf_amd_rid_detach(struct iopf_mdev *mdev)
{
	if (!mdev->iopf_enabled)
		return;
	iopf_detach_flush(mdev, 0, 0);
	iopf_mock_iopf_remove(mdev);
}

/*
 * 7.x: IOPF is on while a domain with an iopf_handler is attached to the
 * RID or a PASID, counted per device under group->mutex, as VT-d's
 * iopf_for_domain_set() / iopf_for_domain_remove() ->
 * intel_iommu_enable_iopf() / intel_iommu_disable_iopf() do
 * (intel/iommu.h:1264-1305, intel/iommu.c:3492-3530 in 7.3).
 */
static int __maybe_unused iopf_mock_iopf_get(struct iopf_mdev *mdev, struct iommu_domain *domain)
{
	int rc;

	if (!mdev || !domain || !domain->iopf_handler)
		return 0;
	iommu_group_mutex_assert(mdev->dev);
	if (mdev->iopf_refs++)
		return 0;
	rc = iopf_mock_iopf_add(mdev);
	if (rc)
		mdev->iopf_refs = 0;
	return rc;
}

static void __maybe_unused iopf_mock_iopf_put(struct iopf_mdev *mdev, struct iommu_domain *domain)
{
	if (!mdev || !domain || !domain->iopf_handler)
		return;
	iommu_group_mutex_assert(mdev->dev);
	if (WARN_ON(!mdev->iopf_refs))
		return;
	if (--mdev->iopf_refs)
		return;
	iopf_mock_iopf_remove(mdev);
}

/* ------------------------------------------------------------------------ */
/* The mock IOMMU's ops */

/* Mark the thread inside an op the core calls under group->mutex (order.c). */
static struct task_struct *iopf_op_enter(struct iopf_mdev *mdev)
{
	struct task_struct *prev;

	if (!mdev)
		return NULL;
	prev = mdev->op_task;
	WRITE_ONCE(mdev->op_task, current);
	return prev;
}

static void iopf_op_exit(struct iopf_mdev *mdev, struct task_struct *prev)
{
	if (mdev)
		WRITE_ONCE(mdev->op_task, prev);
}

static struct iopf_mdev *iopf_mock_probing;	/* the device being added, if any */

/*
 * Which order a RID detach (the blocked domain's attach_dev) runs in:
 * drain-first (the default) is 6.12's VT-d and the order io-pgfault.c asks
 * for (drain the PRQ, flush the iopf workqueue, then remove_device);
 * remove-first is 7.x's VT-d blocking_domain_attach_dev():
 * iopf_for_domain_remove() before device_block_translation(), whose PRQ
 * drain then returns at once because the IOPF count is already 0
 * (intel/prq.c:70-71 in 7.3), so nothing is drained and the iopf workqueue
 * is not flushed. Why 7.x does not get its own order by default: the mock
 * attaches its one IOPF domain, whose wq handler is iommu-sva.c's pattern
 * (groups stay on the device's list while their work is queued), to the
 * RID too, a pairing no in-tree 7.x user makes (SVA binds PASIDs; the only
 * RID IOPF domain, iommufd's, dequeues its groups). With it, remove-first
 * frees queued groups under their work at every device unbind and at every
 * run's teardown: what the stress scenario rid-order shows on purpose, not
 * what a benchmark should measure. kmod/README.md, "Kernels".
 */
static bool iopf_mock_rid_remove_first(const struct iopf_run *run)
{
	switch (run->cfg.rid_order) {
	case IOPF_BENCH_RID_ORDER_REMOVE_FIRST:
		return true;
	case IOPF_BENCH_RID_ORDER_KERNEL:
		return IOPF_K7;	/* the running kernel's VT-d */
	default:
		return false;
	}
}

/*
 * A RID detach: the core attaches the blocked domain under group->mutex.
 * 6.12's VT-d: device_block_translation() -> intel_pasid_tear_down_entry()
 * -> intel_iommu_drain_pasid_prq(): drain the RID's page requests, flush the
 * iopf workqueue; remove_device comes later, from the feature op. 7.x's
 * VT-d: remove_device first (when this was the last IOPF domain), then the
 * teardown, whose drain finds the count at 0 and returns. Nothing to do at
 * probe time, before IOPF is on.
 */
static int __iopf_mock_blocked_attach(struct iommu_domain *domain, struct device *dev,
				    struct iommu_domain *old)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);

	if (!mdev)
		return 0;
	if (iopf_model_is(mdev->run, IOPF_BENCH_MODEL_AMD)) {
		iopf_amd_rid_detach(mdev);
		return 0;
	}
	if (iopf_model_is(mdev->run, IOPF_BENCH_MODEL_SMMUV3_STALL)) {
		/*
		 * arm_smmu_attach_commit -> arm_smmu_remove_master_domain ->
		 * arm_smmu_disable_iopf (7.3 :3612, 3313): the count drops,
		 * remove_device at 0, no flush. 6.12: the feature op's.
		 */
#if IOPF_PER_DOMAIN
		iopf_mock_iopf_put(mdev, old);
#endif
		return 0;
	}
	if (iopf_mock_rid_remove_first(mdev->run)) {
#if IOPF_PER_DOMAIN
		iopf_mock_iopf_put(mdev, old);
#else
		iopf_mock_iopf_remove(mdev);	/* 7.x's order, on 6.12 */
#endif
		iopf_prq_drain(mdev, 0);	/* returns at once once IOPF is off */
	} else {
		iopf_prq_drain(mdev, 0);
#if IOPF_PER_DOMAIN
		iopf_mock_iopf_put(mdev, old);
#endif
	}
	return 0;
}

static int iopf_mock_blocked_attach(struct iommu_domain *domain, struct device *dev,
				    struct iommu_domain *old)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);
	struct task_struct *prev = iopf_op_enter(mdev);
	int rc = __iopf_mock_blocked_attach(domain, dev, old);

	iopf_op_exit(mdev, prev);
	return rc;
}
IOPF_ATTACH_DEV_FN(iopf_mock_blocked_attach_dev, iopf_mock_blocked_attach)

/*
 * Attaching the paging domain to the RID. 7.x's VT-d
 * intel_iommu_attach_device(): device_block_translation() (drain and flush,
 * IOPF still counted), then iopf_for_domain_replace(new, old). On 6.12 the
 * IOPF side is the feature op's.
 */
static int __iopf_mock_attach(struct iommu_domain *domain, struct device *dev,
			    struct iommu_domain *old)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);
	int __maybe_unused rc;

	if (mdev && iopf_model_is(mdev->run, IOPF_BENCH_MODEL_AMD))
		return iopf_amd_rid_attach(mdev);
#if IOPF_PER_DOMAIN
	if (!mdev)
		return 0;
	if (old && old->type != IOMMU_DOMAIN_BLOCKED &&
	    !iopf_model_is(mdev->run, IOPF_BENCH_MODEL_SMMUV3_STALL))
		iopf_prq_drain(mdev, 0);
	rc = iopf_mock_iopf_get(mdev, domain);
	if (rc)
		return rc;
	iopf_mock_iopf_put(mdev, old);
#endif
	return 0;
}

static int iopf_mock_attach(struct iommu_domain *domain, struct device *dev,
			    struct iommu_domain *old)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);
	struct task_struct *prev = iopf_op_enter(mdev);
	int rc = __iopf_mock_attach(domain, dev, old);

	iopf_op_exit(mdev, prev);
	return rc;
}
IOPF_ATTACH_DEV_FN(iopf_mock_attach_dev, iopf_mock_attach)

/*
 * Attaching a PASID, or replacing its domain (old != NULL, 7.x's
 * iommu_replace_device_pasid()): 7.x's VT-d intel_iommu_set_dev_pasid()
 * hands the IOPF count from old to new (iopf_for_domain_replace()) with no
 * drain: a request in flight is reported to whichever handle the core finds.
 */
static int __iopf_mock_set_dev_pasid(struct iommu_domain *domain, struct device *dev,
				   ioasid_t pasid, struct iommu_domain *old)
{
#if IOPF_PER_DOMAIN
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);
	int rc;

	if (mdev && iopf_model_is(mdev->run, IOPF_BENCH_MODEL_AMD))
		return 0;	/* amd: IOPF is the RID's (iopf_amd_rid_attach) */
	rc = iopf_mock_iopf_get(mdev, domain);
	if (rc)
		return rc;
	iopf_mock_iopf_put(mdev, old);
#endif
	return 0;
}

static int iopf_mock_set_dev_pasid(struct iommu_domain *domain, struct device *dev,
				   ioasid_t pasid, struct iommu_domain *old)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);
	struct task_struct *prev = iopf_op_enter(mdev);
	int rc = __iopf_mock_set_dev_pasid(domain, dev, pasid, old);

	iopf_op_exit(mdev, prev);
	return rc;
}

#if IOPF_PER_DOMAIN
/*
 * A PASID detach on 7.x: the blocked domain's set_dev_pasid (iommu.c:3546
 * in 7.3). VT-d's blocking_domain_set_dev_pasid(): the teardown drains the
 * PASID's page requests and flushes the iopf workqueue (IOPF still
 * counted), then iopf_for_domain_remove(old): the framework's order.
 */
static int __iopf_mock_blocked_set_dev_pasid(struct iommu_domain *domain, struct device *dev,
					   ioasid_t pasid, struct iommu_domain *old)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);

	if (mdev && pasid > 0 && pasid < mdev->nstreams)
		iopf_mock_pasid_detach(mdev, pasid);
	if (mdev && !iopf_model_is(mdev->run, IOPF_BENCH_MODEL_AMD))
		iopf_mock_iopf_put(mdev, old);
	return 0;
}

static int iopf_mock_blocked_set_dev_pasid(struct iommu_domain *domain, struct device *dev,
					   ioasid_t pasid, struct iommu_domain *old)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);
	struct task_struct *prev = iopf_op_enter(mdev);
	int rc = __iopf_mock_blocked_set_dev_pasid(domain, dev, pasid, old);

	iopf_op_exit(mdev, prev);
	return rc;
}
#endif

static void iopf_mock_domain_free(struct iommu_domain *domain)
{
	kfree(domain);
}

static const struct iommu_domain_ops iopf_mock_blocked_ops = {
	.attach_dev = iopf_mock_blocked_attach_dev,
#if IOPF_PER_DOMAIN
	.set_dev_pasid = iopf_mock_blocked_set_dev_pasid,
#else
	.set_dev_pasid = iopf_mock_set_dev_pasid,
#endif
};

static const struct iommu_domain_ops iopf_mock_domain_ops = {
	.attach_dev = iopf_mock_attach_dev,
	.set_dev_pasid = iopf_mock_set_dev_pasid,
	.free = iopf_mock_domain_free,
};

static struct iommu_domain *iopf_mock_domain_alloc_paging(struct device *dev)
{
	struct iommu_domain *domain = kzalloc(sizeof(*domain), GFP_KERNEL);

	if (!domain)
		return ERR_PTR(-ENOMEM);
	domain->ops = &iopf_mock_domain_ops;
#if IOPF_K7
	domain->pgsize_bitmap = PAGE_SIZE;	/* on the domain since 6.13 */
#endif
	domain->geometry.aperture_start = 0;
	domain->geometry.aperture_end = ~0ul;
	domain->geometry.force_aperture = true;
	return domain;
}

static struct iommu_device *iopf_mock_probe_device(struct device *dev)
{
	struct iopf_mdev *mdev = READ_ONCE(iopf_mock_probing);

	/* Only the device being added by iopf_mdev_setup() is ours. */
	if (!mdev || mdev->dev != dev)
		return ERR_PTR(-ENODEV);
	dev_iommu_priv_set(dev, mdev);	/* iommu_probe_device_lock is held here */
	return &mdev->mock->iommu;
}

#if !IOPF_PER_DOMAIN
/*
 * 6.12: as intel_iommu_remove_dev_pasid() -> intel_pasid_tear_down_entry()
 * -> intel_iommu_drain_pasid_prq(): drain the PASID's page requests, then
 * flush the iopf workqueue; the core calls this from
 * iommu_detach_device_pasid() with the group's mutex held.
 */
static void __iopf_mock_remove_dev_pasid(struct device *dev, ioasid_t pasid,
				       struct iommu_domain *domain)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);

	if (mdev && pasid > 0 && pasid < mdev->nstreams)
		iopf_mock_pasid_detach(mdev, pasid);
}

static void iopf_mock_remove_dev_pasid(struct device *dev, ioasid_t pasid,
				       struct iommu_domain *domain)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);
	struct task_struct *prev = iopf_op_enter(mdev);

	__iopf_mock_remove_dev_pasid(dev, pasid, domain);
	iopf_op_exit(mdev, prev);
}

/*
 * 6.12: IOPF is a device feature, switched by the caller (iopf_mdev_*):
 * vtd's intel_iommu_enable_iopf / disable_iopf, smmuv3's SVA feature
 * (arm_smmu_master_enable_sva: add, disable: remove; no flush). amd's
 * feature ops are no-ops (amd/iommu.c:3063-3093): its RID attach and
 * detach do it.
 */
static int iopf_mock_dev_enable_feat(struct device *dev, enum iommu_dev_features feat)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);

	if (feat != IOMMU_DEV_FEAT_IOPF)
		return -ENODEV;
	if (iopf_model_is(mdev->run, IOPF_BENCH_MODEL_AMD))
		return 0;
	return iopf_mock_iopf_add(mdev);
}

static int iopf_mock_dev_disable_feat(struct device *dev, enum iommu_dev_features feat)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);

	if (feat != IOMMU_DEV_FEAT_IOPF)
		return -ENODEV;
	if (iopf_model_is(mdev->run, IOPF_BENCH_MODEL_AMD))
		return 0;
	/* already done at the RID detach in the remove-first order */
	iopf_mock_iopf_remove(mdev);
	return 0;
}
#endif

/*
 * release_device, under the core's group->mutex (iommu_deinit_device):
 * vtd's intel_iommu_release_device takes iommu->iopf_lock
 * (intel/iommu.c:4039-4042 in 6.12) and smmuv3's arm_smmu_release_device
 * -> arm_smmu_remove_master takes streams_mutex: the report path's lock.
 * So lockdep sees group->mutex -> report_lock, and a report path that
 * takes group->mutex (the lookup-busted design) closes the cycle.
 */
static void iopf_mock_release_device(struct device *dev)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);

	if (!mdev || !mdev->mock->locked_reports)
		return;
	mutex_lock(&mdev->mock->report_lock);
	mutex_unlock(&mdev->mock->report_lock);
}

/*
 * The mock's page_response, as intel_iommu_page_response(),
 * amd_iommu_page_response() and arm_smmu_page_response(): what a real
 * IOMMU sends to the device, one command through the IOMMU's command queue
 * (iopf_mock_cmd: response_ns; vtd's waits for the hardware, amd's and
 * smmuv3's are enqueued without a wait; direct: response_ns busy, no
 * queue), paid under the core's
 * fault_param->lock. The framework calls it from our handler's response
 * (SUCCESS), its abort path (FAILURE), when it finds no handler (INVALID)
 * and from iopf_queue_remove_device() (INVALID). Matched like a hardware
 * response, by (device, PASID, grpid), plus the tag in the address.
 */
static void iopf_mock_page_response(struct device *dev, struct iopf_fault *evt,
				    struct iommu_page_response *msg)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);
	struct iopf_run *run = mdev->run;
	enum iopf_src src;

	/* The synthetic regression knob: a slower response path, outside the queue. */
	if (run->regress_response_ns)
		iopf_busy_ns(run->regress_response_ns);
	if (run->prq)
		iopf_mock_cmd(mdev->mock, run->cfg.response_ns);
	else if (run->cfg.response_ns)
		iopf_busy_ns(run->cfg.response_ns);
	switch (msg->code) {
	case IOMMU_PAGE_RESP_SUCCESS:
		src = IOPF_SRC_HANDLER;
		break;
	case IOMMU_PAGE_RESP_INVALID:
		/* iommufd's auto-response is the handler's (the keeper's) own */
		src = iopf_defer_current(run) ? IOPF_SRC_HANDLER :
		      READ_ONCE(mdev->remover) == current ? IOPF_SRC_REMOVE : IOPF_SRC_NO_HANDLER;
		break;
	case IOMMU_PAGE_RESP_FAILURE:
		src = IOPF_SRC_ABORT;
		break;
	default:
		src = READ_ONCE(mdev->remover) == current ? IOPF_SRC_REMOVE :
							     IOPF_SRC_NO_HANDLER;
		break;
	}
	if (src == IOPF_SRC_REMOVE)
		iopf_order_step(mdev, "answer",
				(evt->fault.prm.flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) &&
				evt->fault.prm.pasid < mdev->nstreams ? evt->fault.prm.pasid : 0);
	iopf_record_response(mdev, evt, msg->pasid, msg->grpid, msg->code, src);
}

static const struct iommu_ops iopf_mock_ops_template = {
	.domain_alloc_paging = iopf_mock_domain_alloc_paging,
	.probe_device = iopf_mock_probe_device,
	.device_group = generic_device_group,
	.page_response = iopf_mock_page_response,
	.release_device = iopf_mock_release_device,
	.default_domain_ops = &iopf_mock_domain_ops,
#if !IOPF_PER_DOMAIN
	.dev_enable_feat = iopf_mock_dev_enable_feat,
	.dev_disable_feat = iopf_mock_dev_disable_feat,
	.remove_dev_pasid = iopf_mock_remove_dev_pasid,
	.pgsize_bitmap = PAGE_SIZE,
#endif
	/*
	 * owner stays NULL: iommu_init_device() does try_module_get(owner) for
	 * every probed device, which would make rmmod fail with EBUSY during a
	 * run instead of stopping it. rmmod safety does not rest on the owner
	 * but on the module's exit path: module_exit stops the run and removes
	 * every device (and so every reference the core holds to these ops)
	 * before the module text can go, and no device is created outside a
	 * run. iommu_device_register() WARNs on a NULL owner only for ops in
	 * module memory; these ops are a heap copy.
	 */
};

/* ------------------------------------------------------------------------ */
/* The mock IOMMU instance of a run */

static int iopf_mock_create(struct iopf_run *run, struct iopf_mock *mock, u32 index)
{
	int rc;

	mock->run = run;
	mock->index = index;
	mock->irq_cpu = run->irq_cpus[index];
	mock->ops = iopf_mock_ops_template;
	mock->blocked.type = IOMMU_DOMAIN_BLOCKED;
	mock->blocked.ops = &iopf_mock_blocked_ops;
	mock->ops.default_domain = &mock->blocked;
	mock->ops.blocked_domain = &mock->blocked;

	rc = iopf_prq_create(mock);
	if (rc)
		return rc;
	if (!run->hops->framework)
		return 0;	/* null: a PRQ and a reporter, no framework */

	mock->fwnode = fwnode_create_software_node(NULL, NULL);
	if (IS_ERR(mock->fwnode)) {
		rc = PTR_ERR(mock->fwnode);
		mock->fwnode = NULL;
		return rc;
	}
	mock->queue = iopf_queue_alloc("iopf_bench");
	if (!mock->queue)
		return -ENOMEM;

	rc = iommu_device_sysfs_add(&mock->iommu, NULL, NULL, "iopf_bench%u", index);
	if (rc)
		return rc;
	mock->sysfs_added = true;

	mock->iommu.fwnode = mock->fwnode;
	mock->iommu.max_pasids = 1u << IOPF_MOCK_PASID_BITS;
	rc = iommu_device_register(&mock->iommu, &mock->ops, NULL);
	if (rc)
		return rc;
	mock->registered = true;
	return 0;
}

/* The run's mock IOMMUs; device d sits behind IOMMU d mod nr_iommus. */
int iopf_mocks_create(struct iopf_run *run)
{
	u32 i, d, n = run->cfg.nr_iommus;
	int rc;

	run->mocks = kcalloc(n, sizeof(*run->mocks), GFP_KERNEL);
	if (!run->mocks)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct iopf_mock *mock = &run->mocks[i];

		mock->mdevs = kcalloc(DIV_ROUND_UP(run->cfg.nr_devices, n), sizeof(*mock->mdevs),
				      GFP_KERNEL);
		if (!mock->mdevs)
			return -ENOMEM;
		rc = iopf_mock_create(run, mock, i);
		if (rc) {
			pr_err("start: cannot set up mock IOMMU %u: %d\n", i, rc);
			return rc;
		}
	}
	for (d = 0; d < run->cfg.nr_devices; d++) {
		struct iopf_mock *mock = &run->mocks[d % n];

		run->mdevs[d].mock = mock;
		mock->mdevs[mock->nmdevs++] = &run->mdevs[d];
	}
	return 0;
}

/* Safe on partly created mocks; every device and thread must be gone. */
void iopf_mocks_destroy(struct iopf_run *run)
{
	u32 i;

	for (i = 0; run->mocks && i < run->cfg.nr_iommus; i++) {
		struct iopf_mock *mock = &run->mocks[i];

		iopf_reporter_stop(mock);
		if (mock->registered)
			iommu_device_unregister(&mock->iommu);
		if (mock->sysfs_added)
			iommu_device_sysfs_remove(&mock->iommu);
		if (mock->queue)
			iopf_queue_free(mock->queue);
		if (mock->fwnode)
			fwnode_remove_software_node(mock->fwnode);
		iopf_prq_free(mock);
		kfree(mock->mdevs);
	}
	kfree(run->mocks);
	run->mocks = NULL;
}

/* ------------------------------------------------------------------------ */
/* Devices */

static struct iommu_domain *iopf_stream_domain(struct iopf_stream *stream)
{
	return stream->cur ? stream->mdev->domain2 : stream->mdev->domain;
}

int iopf_stream_attach(struct iopf_stream *stream)
{
	struct iopf_mdev *mdev = stream->mdev;
	struct iommu_attach_handle *h = &stream->handles[stream->cur].h;
	int rc;

	/* Attached again: its new groups' answers are not late (see iopf_mock_pasid_detach). */
	WRITE_ONCE(stream->gone, false);
	if (stream->pasid == IOMMU_NO_PASID)
		rc = iommu_attach_group_handle(mdev->domain, mdev->group, h);
	else
		rc = iommu_attach_device_pasid(iopf_stream_domain(stream), mdev->dev, stream->pasid, h);
	if (!rc)
		stream->attached = true;
	return rc;
}

void iopf_stream_detach(struct iopf_stream *stream)
{
	struct iopf_mdev *mdev = stream->mdev;

	if (!stream->attached)
		return;
	if (stream->pasid == IOMMU_NO_PASID)
		iommu_detach_group_handle(mdev->domain, mdev->group);
	else
		iommu_detach_device_pasid(iopf_stream_domain(stream), mdev->dev, stream->pasid);
	iopf_order_step(mdev, "erase", stream - mdev->streams);
	/* iommufd_fault_domain_detach_dev(): the held groups, after the detach */
	if (mdev->run->cfg.handler == IOPF_BENCH_HANDLER_IOMMUFD)
		iopf_iommufd_auto_response(mdev, stream - mdev->streams);
	stream->attached = false;
}

/*
 * The REPLACE scope: switch an attached PASID to the device's other IOPF
 * domain, with the stream's other handle (7.x's iommufd does this for a
 * hwpt replace). No blocked domain in between, no drain: the IOPF count
 * goes from old to new inside the driver (iopf_mock_set_dev_pasid()).
 */
int iopf_stream_replace(struct iopf_stream *stream)
{
#if IOPF_HAVE_REPLACE_PASID
	struct iopf_mdev *mdev = stream->mdev;
	u32 next = !stream->cur;
	int rc;

	if (!stream->attached || stream->pasid == IOMMU_NO_PASID)
		return -EINVAL;
	rc = iommu_replace_device_pasid(next ? mdev->domain2 : mdev->domain, mdev->dev,
					stream->pasid, &stream->handles[next].h);
	if (!rc)
		WRITE_ONCE(stream->cur, next);
	return rc;
#else
	return -EOPNOTSUPP;
#endif
}

/*
 * Enable IOPF (iopf_queue_add_device), then attach the RID and every PASID.
 * 6.12: the feature, then the attaches; 7.x: the first attach of the IOPF
 * domain turns it on.
 */
int iopf_mdev_enable_attach(struct iopf_mdev *mdev)
{
	unsigned int i;
	int rc;

#if !IOPF_PER_DOMAIN
	rc = iommu_dev_enable_feature(mdev->dev, IOMMU_DEV_FEAT_IOPF);
	if (rc)
		return rc;
#endif
	for (i = 0; i < mdev->nstreams; i++) {
		rc = iopf_stream_attach(&mdev->streams[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Unbind a device nobody injects into any more, through the core only:
 * detach every PASID and the RID (the mock drains the PRQ and flushes the
 * iopf workqueue inside each detach, as VT-d does, in the RID order of the
 * run: see iopf_mock_rid_remove_first()), then IOPF goes off: on 6.12 by
 * the feature op after the detaches (or at the RID detach in the
 * remove-first order), on 7.x inside the last detach. remove_device answers
 * what is still on the device's list (abandon_every groups). Then nothing
 * may be outstanding. Safe on a partly set up device.
 */
void iopf_mdev_quiesce(struct iopf_mdev *mdev)
{
	bool was_on = mdev->iopf_enabled;
	int i;

	for (i = mdev->nstreams - 1; i >= 0; i--)
		iopf_stream_detach(&mdev->streams[i]);
#if !IOPF_PER_DOMAIN
	if (mdev->iopf_enabled)	/* not yet removed at the RID detach */
		iommu_dev_disable_feature(mdev->dev, IOMMU_DEV_FEAT_IOPF);
#else
	/* 7.x: the last detach turned IOPF off (remove_device) */
	WARN_ON_ONCE(mdev->iopf_enabled || mdev->iopf_refs);
#endif
	if (was_on)
		iopf_check_lost(mdev, -1);
}

static const struct property_entry iopf_mdev_props[] = {
	PROPERTY_ENTRY_U32("pasid-num-bits", IOPF_MOCK_PASID_BITS),
	{ }
};

/* Create, probe, enable and attach one device. */
int iopf_mdev_setup(struct iopf_mdev *mdev)
{
	struct iopf_mock *mock = mdev->mock;
	struct platform_device *pdev;
	int rc;

	pdev = platform_device_alloc("iopf_bench_dev", PLATFORM_DEVID_AUTO);
	if (!pdev)
		return -ENOMEM;
	mdev->pdev = pdev;
	mdev->dev = &pdev->dev;

	rc = device_create_managed_software_node(&pdev->dev, iopf_mdev_props, NULL);
	if (rc)
		return rc;
	rc = iopf_mock_set_fwspec(&pdev->dev, mock->fwnode);
	if (rc)
		return rc;

	WRITE_ONCE(iopf_mock_probing, mdev);
	rc = platform_device_add(pdev);	/* the bus notifier probes it */
	WRITE_ONCE(iopf_mock_probing, NULL);
	if (rc)
		return rc;
	mdev->pdev_added = true;
	if (!pdev->dev.iommu_group || dev_iommu_priv_get(&pdev->dev) != mdev) {
		pr_err("%s: the mock IOMMU did not probe it\n", dev_name(&pdev->dev));
		return -ENODEV;
	}
	mdev->group = iommu_group_get(&pdev->dev);

	mdev->domain = iommu_paging_domain_alloc(&pdev->dev);
	if (IS_ERR(mdev->domain)) {
		rc = PTR_ERR(mdev->domain);
		mdev->domain = NULL;
		return rc;
	}
	mdev->domain->iopf_handler = iopf_domain_iopf_handler;
	if (mdev->run->cfg.unbind_scope == IOPF_BENCH_UNBIND_REPLACE) {
		mdev->domain2 = iommu_paging_domain_alloc(&pdev->dev);
		if (IS_ERR(mdev->domain2)) {
			rc = PTR_ERR(mdev->domain2);
			mdev->domain2 = NULL;
			return rc;
		}
		mdev->domain2->iopf_handler = iopf_domain_iopf_handler;
	}

	return iopf_mdev_enable_attach(mdev);
}

/* Tear one device down in the framework's order; safe on a partial setup. */
void iopf_mdev_teardown(struct iopf_mdev *mdev)
{
	if (!mdev->pdev)
		return;
	iopf_mdev_quiesce(mdev);
	if (mdev->domain)
		iommu_domain_free(mdev->domain);
	mdev->domain = NULL;
	if (mdev->domain2)
		iommu_domain_free(mdev->domain2);
	mdev->domain2 = NULL;
	if (mdev->group)
		iommu_group_put(mdev->group);
	mdev->group = NULL;
	if (mdev->pdev_added) {
		platform_device_unregister(mdev->pdev);
	} else {
		iopf_mock_free_fwspec(&mdev->pdev->dev);
		device_remove_software_node(&mdev->pdev->dev);
		platform_device_put(mdev->pdev);
	}
	mdev->pdev = NULL;
	mdev->dev = NULL;
}
