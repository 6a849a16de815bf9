// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench's order trace: what the mock driver and the core do, in
 * which order, in the first detach of each kind of a run, written as one
 * kernel log line (kmod/README.md, "The order of a detach"); the order
 * tests (tests/vm/order_test.sh) hold it against each kernel's drivers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "iopf_bench_int.h"

/*
 * The order trace: one line per kind of detach and run, the steps in the
 * order they happened, each with the state of a stream's attach handle
 * (+ published in the group's pasid_array, - not):
 *   drain(S±)     the mock driver's PRQ drain of stream S began
 *   drain:off(S±) it returned at once: IOPF was already off (7.x's RID order)
 *   flush(S±)     it flushed the iopf workqueue (iopf_queue_flush_dev)
 *   remove(RID±)  iopf_queue_remove_device (the RID's handle shown)
 *   answer(S±)    remove_device answered a pending group of S (INVALID)
 *   erase(S±)     the core's detach of S returned: its handle must be gone
 * S is RID or P<pasid>; a step repeated is written once, "xN".
 */

/* The calling thread records its next detach of this kind of MDEV, if none did yet. */
void iopf_order_begin(struct iopf_run *run, enum iopf_order_kind kind, struct iopf_mdev *mdev)
{
	struct iopf_order *o = &run->order[kind];

	if (READ_ONCE(o->owner) || cmpxchg(&o->owner, NULL, current))
		return;
	o->mdev = mdev;
	o->len = 0;
	o->repeat = 0;
	o->seq[0] = 0;
}

/* The episode is over: publish it (once per kind and run). */
void iopf_order_end(struct iopf_run *run, enum iopf_order_kind kind)
{
	static const char *const names[IOPF_ORDER_NR] = {
		[IOPF_ORDER_DEVICE] = "device unbind",
		[IOPF_ORDER_PASID] = "PASID detach",
		[IOPF_ORDER_TEARDOWN] = "teardown",
	};
	struct iopf_order *o = &run->order[kind];

	if (READ_ONCE(o->owner) != current)
		return;
	if (o->repeat)
		o->len += scnprintf(o->seq + o->len, sizeof(o->seq) - o->len, "x%u", o->repeat + 1);
	pr_info("run %llu: order of a %s (device %u): %s\n", run->id, names[kind], o->mdev->index,
		o->len ? o->seq : "(nothing)");
	WRITE_ONCE(o->owner, ERR_PTR(-EALREADY));
}

/* The episode the calling thread records for this device, if any. */
static struct iopf_order *iopf_order_mine(struct iopf_mdev *mdev)
{
	struct iopf_run *run = mdev->run;
	int k;

	for (k = 0; k < IOPF_ORDER_NR; k++)
		if (READ_ONCE(run->order[k].owner) == current && run->order[k].mdev == mdev)
			return &run->order[k];
	return NULL;
}

void iopf_order_step(struct iopf_mdev *mdev, const char *step, int stream)
{
	struct iopf_order *o = iopf_order_mine(mdev);
	u32 pasid = stream > 0 ? mdev->streams[stream].pasid : IOMMU_NO_PASID;
	char tok[48];
	bool on;

	if (!o)
		return;
	/*
	 * Inside the mock's op the core holds group->mutex and erases the
	 * stream's handle only after the op returns (iommu.c:3573, 3457 in
	 * 6.12; :3955, :3822 in 7.3): it is published. The lookup is not made
	 * there, because a design may make it take group->mutex (the
	 * lookup-busted design does), and the trace would deadlock its own
	 * detach. Everywhere else the handle's state is looked up.
	 */
	on = READ_ONCE(mdev->op_task) == current ? true :
	     !IS_ERR_OR_NULL(iommu_attach_handle_get(mdev->group, pasid, 0));
	if (stream > 0)
		snprintf(tok, sizeof(tok), "%s(P%u%c)", step, pasid, on ? '+' : '-');
	else
		snprintf(tok, sizeof(tok), "%s(RID%c)", step, on ? '+' : '-');
	if (o->len && !strcmp(o->seq + o->last, tok)) {
		o->repeat++;
		return;
	}
	if (o->repeat)
		o->len += scnprintf(o->seq + o->len, sizeof(o->seq) - o->len, "x%u", o->repeat + 1);
	o->repeat = 0;
	if (o->len)
		o->len += scnprintf(o->seq + o->len, sizeof(o->seq) - o->len, " ");
	o->last = o->len;
	o->len += scnprintf(o->seq + o->len, sizeof(o->seq) - o->len, "%s", tok);
}
