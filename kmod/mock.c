// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench mock IOMMU, its devices, the handler variants and the
 * response accounting.
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
/* The mock IOMMU's ops */

static struct iopf_mock *iopf_mock_active;	/* set while a run owns the mock */

static struct iopf_mock *iopf_dev_mock(struct device *dev)
{
	return container_of(dev->iommu->iommu_dev, struct iopf_mock, iommu);
}

static int iopf_mock_attach_dev(struct iommu_domain *domain, struct device *dev)
{
	return 0;
}

static int iopf_mock_set_dev_pasid(struct iommu_domain *domain, struct device *dev,
				   ioasid_t pasid, struct iommu_domain *old)
{
	return 0;
}

static void iopf_mock_domain_free(struct iommu_domain *domain)
{
	kfree(domain);
}

static const struct iommu_domain_ops iopf_mock_blocked_ops = {
	.attach_dev = iopf_mock_attach_dev,
	.set_dev_pasid = iopf_mock_set_dev_pasid,
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
	domain->geometry.aperture_start = 0;
	domain->geometry.aperture_end = ~0ul;
	domain->geometry.force_aperture = true;
	return domain;
}

static struct iommu_device *iopf_mock_probe_device(struct device *dev)
{
	struct iopf_mock *mock = READ_ONCE(iopf_mock_active);
	struct iopf_mdev *mdev = mock ? READ_ONCE(mock->probing) : NULL;

	/* Only the device being added by iopf_mdev_setup() is ours. */
	if (!mdev || mdev->dev != dev)
		return ERR_PTR(-ENODEV);
	dev_iommu_priv_set(dev, mdev);	/* iommu_probe_device_lock is held here */
	return &mock->iommu;
}

static void iopf_mock_remove_dev_pasid(struct device *dev, ioasid_t pasid,
				       struct iommu_domain *domain)
{
}

static int iopf_mock_dev_enable_feat(struct device *dev, enum iommu_dev_features feat)
{
	if (feat != IOMMU_DEV_FEAT_IOPF)
		return -ENODEV;
	return iopf_queue_add_device(iopf_dev_mock(dev)->queue, dev);
}

static int iopf_mock_dev_disable_feat(struct device *dev, enum iommu_dev_features feat)
{
	if (feat != IOMMU_DEV_FEAT_IOPF)
		return -ENODEV;
	iopf_queue_remove_device(iopf_dev_mock(dev)->queue, dev);
	return 0;
}

/*
 * The mock's page_response: what a real IOMMU would send to the device.
 * The framework calls it from our handler's response (SUCCESS), from its
 * abort path (FAILURE), when it finds no handler (INVALID, also for a
 * non-last request) and from iopf_queue_remove_device() (INVALID). Like a
 * hardware response it is matched by (device, PASID, grpid).
 */
static void iopf_mock_page_response(struct device *dev, struct iopf_fault *evt,
				    struct iommu_page_response *msg)
{
	struct iopf_mdev *mdev = dev_iommu_priv_get(dev);
	enum iopf_src src;

	switch (msg->code) {
	case IOMMU_PAGE_RESP_SUCCESS:
		src = IOPF_SRC_HANDLER;
		break;
	case IOMMU_PAGE_RESP_FAILURE:
		src = IOPF_SRC_ABORT;
		break;
	default:
		src = READ_ONCE(mdev->remover) == current ? IOPF_SRC_REMOVE :
							     IOPF_SRC_NO_HANDLER;
		break;
	}
	iopf_record_response(mdev, evt, msg->pasid, msg->grpid, msg->code, src);
}

static const struct iommu_ops iopf_mock_ops_template = {
	.domain_alloc_paging = iopf_mock_domain_alloc_paging,
	.probe_device = iopf_mock_probe_device,
	.device_group = generic_device_group,
	.dev_enable_feat = iopf_mock_dev_enable_feat,
	.dev_disable_feat = iopf_mock_dev_disable_feat,
	.page_response = iopf_mock_page_response,
	.remove_dev_pasid = iopf_mock_remove_dev_pasid,
	.default_domain_ops = &iopf_mock_domain_ops,
	.pgsize_bitmap = PAGE_SIZE,
	/*
	 * owner stays NULL: iommu_init_device() does try_module_get(owner) for
	 * every probed device, which would make rmmod fail with EBUSY during a
	 * run instead of stopping it. The module removes every device before
	 * it can be unloaded. iommu_device_register() WARNs on NULL owner only
	 * for ops in module memory; these ops are a heap copy.
	 */
};

/* ------------------------------------------------------------------------ */
/* Response accounting: the fast path is __iopf_record_response() (header). */

/* The slow path of a response that breaks the invariant: count and say so. */
void iopf_record_violation(struct iopf_mdev *mdev, struct iopf_pcpu *pc, int kind,
			   u32 code, enum iopf_src src, u32 grpid, u32 pasid)
{
	switch (kind) {
	case IOPF_VIOL_NON_LAST:
		pc->c.viol_unexpected++;
		pr_err_ratelimited("violation: dev %u: response (code %u) to a non-last request, grpid %u pasid %u\n",
				   mdev->index, code, grpid, pasid);
		break;
	case IOPF_VIOL_UNKNOWN:
		pc->c.viol_unexpected++;
		pr_err_ratelimited("violation: dev %u: response (code %u) to unknown group, grpid %u pasid %u\n",
				   mdev->index, code, grpid, pasid);
		break;
	case IOPF_VIOL_NOT_OUTSTANDING:
		pc->c.viol_unexpected++;
		pr_err_ratelimited("violation: dev %u: response (code %u, source %d) to grpid %u pasid %u, which is not outstanding\n",
				   mdev->index, code, src, grpid, pasid);
		break;
	case IOPF_VIOL_LATE:
		pc->c.viol_late++;
		pr_err_ratelimited("violation: dev %u: response (code %u) to grpid %u pasid %u after its %s returned\n",
				   mdev->index, code, grpid, pasid,
				   READ_ONCE(mdev->removed) ? "remove_device" : "PASID detach");
		break;
	}
}

void iopf_record_response(struct iopf_mdev *mdev, const struct iopf_fault *evt,
			  u32 pasid, u32 grpid, u32 code, enum iopf_src src)
{
	__iopf_record_response(mdev, evt, pasid, grpid, code, src);
}

/*
 * After remove_device returned (stream < 0) or after a PASID's flush and
 * detach (stream >= 0), no group of it may still be outstanding: count each
 * one as lost and release its slot so that the injector can go on.
 */
unsigned int iopf_check_lost(struct iopf_mdev *mdev, int stream)
{
	unsigned int i, lost = 0;

	for (i = 0; i < mdev->nslots; i++) {
		struct iopf_slot *slot = &mdev->slots[i];
		u64 w = atomic64_read(&slot->word);

		if (stream >= 0 && slot->stream != stream)
			continue;
		if (IOPF_SLOT_STATE(w) != IOPF_SLOT_OUTSTANDING)
			continue;
		if (atomic64_cmpxchg(&slot->word, w,
				     IOPF_SLOT_WORD(IOPF_SLOT_GRPID(w), IOPF_SLOT_ANSWERED)) != w)
			continue;	/* answered just now: then it was late, counted there */
		lost++;
		pr_err_ratelimited("violation: dev %u: grpid %u pasid %u never answered (lost)\n",
				   mdev->index, IOPF_SLOT_GRPID(w),
				   mdev->streams[slot->stream].pasid);
		iopf_wake_injector(slot);
	}
	if (lost) {
		struct iopf_pcpu *pc = iopf_pcpu_get(mdev->run);

		pc->c.viol_lost += lost;
		iopf_pcpu_put();
	}
	return lost;
}

/* ------------------------------------------------------------------------ */
/* Handlers */

void iopf_service_wait(struct iopf_run *run)
{
	u32 ns = run->cfg.service_ns;

	if (run->cfg.flags & IOPF_BENCH_RUN_SERVICE_SLEEP) {
		ktime_t t = ns_to_ktime(ns);

		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_hrtimeout(&t, HRTIMER_MODE_REL);
	} else {
		u64 end = ktime_get_ns() + ns;

		while (ktime_get_ns() < end)
			cpu_relax();
	}
}

static struct iopf_run *iopf_group_run(struct iopf_group *group)
{
	return container_of(group->attach_handle, struct iopf_stream, handle)->mdev->run;
}

static void iopf_answer(struct iopf_run *run, struct iopf_group *group)
{
	iopf_service(run);
	iopf_group_response(group, IOMMU_PAGE_RESP_SUCCESS);
	iopf_free_group(group);
}

/* wq: like the SVA handler, queue the group and answer from the work. */
static void iopf_wq_work(struct work_struct *work)
{
	struct iopf_group *group = container_of(work, struct iopf_group, work);
	const struct iommu_fault_page_request *prm = &group->last_fault.fault.prm;
	struct iopf_run *run = iopf_group_run(group);

	if (run->timestamps && (prm->private_data[1] & IOPF_PRIV_MEASURED)) {
		u64 now = iopf_clock(run);
		struct iopf_pcpu *pc = iopf_pcpu_get(run);

		iopf_hist_add(&pc->hist[IOPF_BENCH_HIST_WORK],
			      iopf_delta_ns(run, prm->private_data[0], now));
		iopf_pcpu_put();
	}
	iopf_answer(run, group);
}

static int iopf_wq_handle(struct iopf_group *group)
{
	INIT_WORK(&group->work, iopf_wq_work);
	if (!queue_work(group->fault_param->queue->wq, &group->work))
		return -EBUSY;
	return 0;
}

/* inline: answer in the handler. */
static int iopf_inline_handle(struct iopf_group *group)
{
	iopf_answer(iopf_group_run(group), group);
	return 0;
}

static const struct iopf_handler_ops iopf_handlers[] = {
	[IOPF_BENCH_HANDLER_WQ] = {
		.name = "wq",
		.framework = true,
		.handle = iopf_wq_handle,
		.work = iopf_wq_work,
	},
	[IOPF_BENCH_HANDLER_INLINE] = {
		.name = "inline",
		.framework = true,
		.handle = iopf_inline_handle,
	},
	[IOPF_BENCH_HANDLER_NULL] = {
		.name = "null",	/* the injector calls iopf_null_report() */
	},
};

const struct iopf_handler_ops *iopf_handler_find(u32 handler)
{
	if (handler >= ARRAY_SIZE(iopf_handlers) || !iopf_handlers[handler].name)
		return NULL;
	return &iopf_handlers[handler];
}

u32 iopf_handler_mask(void)
{
	u32 i, mask = 0;

	for (i = 0; i < ARRAY_SIZE(iopf_handlers); i++)
		if (iopf_handlers[i].name &&
		    (!iopf_handlers[i].framework || iopf_framework_present()))
			mask |= 1u << i;
	return mask;
}

const char *iopf_handler_names(void)
{
	return "1=wq 2=inline 3=null";
}

/*
 * domain->iopf_handler of every mock domain: the common part (handler-entry
 * timestamp, fail_every/abandon_every), then the variant.
 */
static int iopf_domain_iopf_handler(struct iopf_group *group)
{
	const struct iommu_fault_page_request *prm = &group->last_fault.fault.prm;
	struct iopf_run *run = iopf_group_run(group);
	struct iopf_pcpu *pc;
	u64 now = 0, n;

	if (run->timestamps)
		now = iopf_clock(run);
	pc = iopf_pcpu_get(run);
	if (run->timestamps && (prm->private_data[1] & IOPF_PRIV_MEASURED))
		iopf_hist_add(&pc->hist[IOPF_BENCH_HIST_HANDLER],
			      iopf_delta_ns(run, prm->private_data[0], now));
	n = ++pc->c.handled;
	if (unlikely(run->cfg.violate_every) && n % run->cfg.violate_every == 0) {
		iopf_pcpu_put();
		if (run->cfg.flags & IOPF_BENCH_RUN_VIOLATE_DOUBLE) {
			/* Deliberately broken: a second response to the same group. */
			iopf_group_response(group, IOMMU_PAGE_RESP_SUCCESS);
			iopf_group_response(group, IOMMU_PAGE_RESP_SUCCESS);
		} else {
			/* Deliberately broken: take the group and never answer it. */
			iopf_group_dequeue(group);
		}
		iopf_free_group(group);
		return 0;
	}
	if (run->cfg.fail_every && n % run->cfg.fail_every == 0) {
		pc->c.failed_groups++;
		iopf_pcpu_put();
		return -EIO;	/* the core answers FAILURE */
	}
	if (run->cfg.abandon_every && n % run->cfg.abandon_every == 0) {
		/* Keep the group unanswered: remove_device must answer it. */
		pc->c.abandoned_groups++;
		iopf_pcpu_put();
		return 0;
	}
	iopf_pcpu_put();
	return run->hops->handle(group);
}

/* ------------------------------------------------------------------------ */
/* The mock IOMMU instance of a run */

int iopf_mock_create(struct iopf_run *run)
{
	struct iopf_mock *mock;
	int rc;

	mock = kzalloc(sizeof(*mock), GFP_KERNEL);
	if (!mock)
		return -ENOMEM;
	run->mock = mock;

	mock->ops = iopf_mock_ops_template;
	mock->blocked.type = IOMMU_DOMAIN_BLOCKED;
	mock->blocked.ops = &iopf_mock_blocked_ops;
	mock->ops.default_domain = &mock->blocked;
	mock->ops.blocked_domain = &mock->blocked;

	mock->fwnode = fwnode_create_software_node(NULL, NULL);
	if (IS_ERR(mock->fwnode)) {
		rc = PTR_ERR(mock->fwnode);
		mock->fwnode = NULL;
		return rc;
	}
	mock->queue = iopf_queue_alloc("iopf_bench");
	if (!mock->queue)
		return -ENOMEM;

	rc = iommu_device_sysfs_add(&mock->iommu, NULL, NULL, "iopf_bench");
	if (rc)
		return rc;
	mock->sysfs_added = true;

	mock->iommu.fwnode = mock->fwnode;
	mock->iommu.max_pasids = 1u << IOPF_MOCK_PASID_BITS;
	WRITE_ONCE(iopf_mock_active, mock);
	rc = iommu_device_register(&mock->iommu, &mock->ops, NULL);
	if (rc) {
		WRITE_ONCE(iopf_mock_active, NULL);
		return rc;
	}
	mock->registered = true;
	return 0;
}

/* Safe on a partly created mock; every device must be gone. */
void iopf_mock_destroy(struct iopf_run *run)
{
	struct iopf_mock *mock = run->mock;

	if (!mock)
		return;
	if (mock->registered)
		iommu_device_unregister(&mock->iommu);
	WRITE_ONCE(iopf_mock_active, NULL);
	if (mock->sysfs_added)
		iommu_device_sysfs_remove(&mock->iommu);
	if (mock->queue)
		iopf_queue_free(mock->queue);
	if (mock->fwnode)
		fwnode_remove_software_node(mock->fwnode);
	kfree(mock);
	run->mock = NULL;
}

/* ------------------------------------------------------------------------ */
/* Devices */

int iopf_stream_attach(struct iopf_stream *stream)
{
	struct iopf_mdev *mdev = stream->mdev;
	int rc;

	if (stream->pasid == IOMMU_NO_PASID)
		rc = iommu_attach_group_handle(mdev->domain, mdev->group, &stream->handle);
	else
		rc = iommu_attach_device_pasid(mdev->domain, mdev->dev, stream->pasid,
					       &stream->handle);
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
		iommu_detach_device_pasid(mdev->domain, mdev->dev, stream->pasid);
	stream->attached = false;
}

/* Enable IOPF (iopf_queue_add_device), then attach the RID and every PASID. */
int iopf_mdev_enable_attach(struct iopf_mdev *mdev)
{
	unsigned int i;
	int rc;

	rc = iommu_dev_enable_feature(mdev->dev, IOMMU_DEV_FEAT_IOPF);
	if (rc)
		return rc;
	mdev->iopf_enabled = true;
	for (i = 0; i < mdev->nstreams; i++) {
		rc = iopf_stream_attach(&mdev->streams[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * The framework's unbind order (framework.md section 4), for a device nobody
 * injects into any more: flush, (answer what the handler owns: our variants
 * own nothing once the flush returned; abandon_every groups are left to
 * remove_device on purpose), detach every PASID and the RID, disable IOPF
 * (remove_device answers what is still pending). Then nothing may be
 * outstanding. Safe on a partly set up device.
 */
void iopf_mdev_quiesce(struct iopf_mdev *mdev)
{
	int i;

	if (mdev->iopf_enabled)
		iopf_queue_flush_dev(mdev->dev);
	for (i = mdev->nstreams - 1; i >= 0; i--)
		iopf_stream_detach(&mdev->streams[i]);
	if (mdev->iopf_enabled) {
		WRITE_ONCE(mdev->remover, current);
		iommu_dev_disable_feature(mdev->dev, IOMMU_DEV_FEAT_IOPF);
		WRITE_ONCE(mdev->remover, NULL);
		WRITE_ONCE(mdev->removed, true);
		mdev->iopf_enabled = false;
		iopf_check_lost(mdev, -1);
	}
}

static const struct property_entry iopf_mdev_props[] = {
	PROPERTY_ENTRY_U32("pasid-num-bits", IOPF_MOCK_PASID_BITS),
	{ }
};

/* Create, probe, enable and attach one device. */
int iopf_mdev_setup(struct iopf_mdev *mdev)
{
	struct iopf_mock *mock = mdev->run->mock;
	struct platform_device *pdev;
	int rc;

	mdev->mock = mock;
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

	WRITE_ONCE(mock->probing, mdev);
	rc = platform_device_add(pdev);	/* the bus notifier probes it */
	WRITE_ONCE(mock->probing, NULL);
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
