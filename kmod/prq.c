// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench page request queues: the PRQ model's hardware half.
 *
 * Each mock IOMMU has a ring of prq_depth descriptors, filled by the
 * devices (the injector threads, standing for the IOMMU hardware that
 * writes page requests into memory) and drained by ONE reporter thread
 * pinned to the IOMMU's IRQ CPU, which alone calls
 * iommu_report_device_fault() for the IOMMU's devices: VT-d's
 * prq_event_thread (drivers/iommu/intel/prq.c), AMD-Vi's PPR log thread
 * (amd_iommu_poll_ppr_log) and SMMUv3's arm_smmu_priq_thread do the same.
 *
 * Overflow is VT-d's: a request that finds the queue full sets the
 * overflow bit (PRO), and while it is set every request is dropped; the
 * reporter, once it has emptied the queue, discards the partial requests
 * the framework holds (iopf_queue_discard_partial) and clears the bit. A
 * dropped last request is answered by the hardware (SUCCESS: the device
 * retries the access and faults again); a dropped partial request is lost.
 *
 * iopf_deliver() is the one path into the framework for both models: the
 * reporter calls it in the PRQ model, the injector in the direct model.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "iopf_bench_int.h"
#include "stream.h"

int iopf_prq_create(struct iopf_mock *mock)
{
	struct iopf_run *run = mock->run;

	raw_spin_lock_init(&mock->prq_lock);
	init_waitqueue_head(&mock->drain_wq);
	if (!run->prq)
		return 0;
	mock->depth = run->cfg.prq_depth;
	mock->prq = kvcalloc(mock->depth, sizeof(*mock->prq), GFP_KERNEL);
	return mock->prq ? 0 : -ENOMEM;
}

void iopf_prq_free(struct iopf_mock *mock)
{
	kvfree(mock->prq);
	mock->prq = NULL;
}

/*
 * The hardware writes one page request into the PRQ. Returns false if it
 * was dropped (queue full or overflow bit set).
 */
bool iopf_prq_push(struct iopf_mock *mock, const struct iopf_prq_desc *d)
{
	bool began = false;
	u32 fill;

	raw_spin_lock(&mock->prq_lock);
	fill = mock->tail - READ_ONCE(mock->head);
	if (unlikely(mock->pro || fill >= mock->depth)) {
		if (!mock->pro) {
			mock->pro = true;
			mock->overflows++;
			mock->ovf_dropped0 = mock->dropped;
			began = true;
		}
		mock->dropped++;
		if (d->flags & IOPF_DESC_LAST)
			mock->dropped_last++;
		raw_spin_unlock(&mock->prq_lock);
		if (began)
			iopf_ts_event(mock->run, IOPF_BENCH_TS_EV_OVERFLOW_START, ktime_get_ns(),
				      mock->index, d->mdev->index,
				      d->mdev->streams[d->stream].pasid, fill);
		return false;
	}
	mock->prq[mock->tail & (mock->depth - 1)] = *d;
	smp_store_release(&mock->tail, mock->tail + 1);
	if (fill + 1 > mock->max_fill)
		mock->max_fill = fill + 1;
	raw_spin_unlock(&mock->prq_lock);
	/* The interrupt: pairs with the reporter's set_current_state(). */
	smp_mb();
	if (READ_ONCE(mock->reporter_sleeping))
		wake_up_process(mock->reporter);
	return true;
}

/* The page request a descriptor stands for, as the driver hands it to the core. */
void iopf_desc_fault(struct iopf_mdev *mdev, const struct iopf_prq_desc *d,
		     struct iopf_fault *evt)
{
	struct iommu_fault_page_request *prm = &evt->fault.prm;
	u32 pasid = mdev->streams[d->stream].pasid;

	memset(evt, 0, sizeof(*evt));
	evt->fault.type = IOMMU_FAULT_PAGE_REQ;
	prm->perm = IOMMU_FAULT_PERM_READ;
	prm->grpid = d->tag & mdev->grpid_mask;
	prm->addr = iopf_req_addr(d->tag, d->index);
	if (pasid != IOMMU_NO_PASID) {
		prm->flags = IOMMU_FAULT_PAGE_REQUEST_PASID_VALID |
			     IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID;
		prm->pasid = pasid;
	}
	if (d->flags & IOPF_DESC_LAST)
		prm->flags |= IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;
	prm->private_data[0] = d->stamp;
	prm->private_data[1] = mdev->run->cookie |
			       ((d->flags & IOPF_DESC_MEASURED) ? IOPF_PRIV_MEASURED : 0);
}

/*
 * Deliver one request to the framework (or the null sink), keeping what the
 * group checker needs: how many of the group's requests the framework got.
 * The test-only PARTIAL_* violations break delivery behind the checker's
 * back, to prove that it fails a run.
 */
void iopf_deliver(struct iopf_mdev *mdev, const struct iopf_prq_desc *d)
{
	/* Who reports is checked, not assumed: the device's own IOMMU's reporter? */
	bool by_reporter = mdev->mock->reporter && current == mdev->mock->reporter;
	struct iopf_run *run = mdev->run;
	struct iopf_slot *slot = &mdev->slots[d->tag & ((1u << mdev->slot_shift) - 1)];
	bool last = d->flags & IOPF_DESC_LAST, measured = d->flags & IOPF_DESC_MEASURED;
	struct iopf_fault evt;
	struct iopf_pcpu *pc;
	int times = 1, errors = 0;
	bool in_flush;
	u64 t0 = 0, report_ns;

	iopf_desc_fault(mdev, d, &evt);

	/* The checker's count: before the report (the handler may run inside). */
	if (slot->rep_tag != d->tag) {
		slot->rep_tag = d->tag;
		slot->rep_count = 0;
		slot->rep_lost = false;
		slot->rep_done = false;
	}
	slot->rep_count++;
	if (last)
		slot->rep_done = true;
	if (unlikely(!last && (run->cfg.flags & (IOPF_BENCH_RUN_VIOLATE_PARTIAL_DROP |
						  IOPF_BENCH_RUN_VIOLATE_PARTIAL_DUP)))) {
		pc = iopf_pcpu_get(run);
		if (++pc->c.delivered_partials % run->cfg.violate_every == 0)
			times = run->cfg.flags & IOPF_BENCH_RUN_VIOLATE_PARTIAL_DROP ? 0 : 2;
		iopf_pcpu_put();
	}

	if (run->timestamps)
		t0 = iopf_clock(run);
	/* The synthetic regression knob: a slower report path, inside the measured interval. */
	if (unlikely(run->regress_report_ns))
		iopf_busy_ns(run->regress_report_ns);
	in_flush = atomic_read(&mdev->flushing);
	for (; times > 0; times--) {
		if (likely(run->hops->framework)) {
			int rc;

			if (by_reporter)
				WRITE_ONCE(mdev->mock->reporter_in_report, 1);
			rc = iommu_report_device_fault(mdev->dev, &evt);
			if (by_reporter)
				WRITE_ONCE(mdev->mock->reporter_in_report, 0);
			if (rc) {
				errors++;
				break;
			}
		} else {
			iopf_null_report(mdev, &evt);
		}
	}
	pc = iopf_pcpu_get(run);
	pc->c.report_errors += errors;
	if (by_reporter) {
		pc->c.reports_by_reporters++;
		if (measured)
			pc->c.reporter_requests++;
	} else {
		pc->c.reports_by_others++;
	}
	if (run->timestamps && measured) {
		report_ns = iopf_delta_ns(run, t0, iopf_clock(run));
		iopf_hist_add(&pc->hist[IOPF_PC_QUEUE], iopf_delta_ns(run, d->sent, t0));
		iopf_hist_add(&pc->hist[last ? IOPF_PC_REPORT_LAST : IOPF_PC_REPORT_PARTIAL],
			      report_ns);
		if (in_flush)
			iopf_hist_add(&pc->hist[IOPF_PC_REPORT_IN_FLUSH], report_ns);
	}
	iopf_pcpu_put();
}

/*
 * Overflow recovery, as prq_event_thread does it: the queue is empty and
 * the overflow bit set, so no request can arrive: drop the partial
 * requests the framework holds for this IOMMU, then clear the bit.
 */
static void iopf_prq_recover(struct iopf_mock *mock)
{
	u64 dropped;
	u32 d, s;

	if (mock->run->hops->framework)
		iopf_queue_discard_partial(mock->queue);
	/* What the framework dropped is gone from the groups it will hand over. */
	for (d = 0; d < mock->nmdevs; d++) {
		struct iopf_mdev *mdev = mock->mdevs[d];

		for (s = 0; s < mdev->nslots; s++) {
			struct iopf_slot *slot = &mdev->slots[s];

			if (slot->rep_count && !slot->rep_done) {
				slot->rep_lost = true;
				slot->rep_count = 0;
			}
		}
	}
	mock->discards++;
	raw_spin_lock(&mock->prq_lock);
	mock->pro = false;
	dropped = mock->dropped - mock->ovf_dropped0;
	raw_spin_unlock(&mock->prq_lock);
	iopf_ts_event(mock->run, IOPF_BENCH_TS_EV_OVERFLOW_END, ktime_get_ns(), mock->index,
		      IOPF_BENCH_TS_NONE, IOPF_BENCH_TS_NONE, dropped);
}

/* The IOMMU's reporter: prq_event_thread. */
static int iopf_reporter_fn(void *arg)
{
	struct iopf_mock *mock = arg;
	u32 mask = mock->depth - 1;

	while (!kthread_should_stop()) {
		u32 head = mock->head, tail = smp_load_acquire(&mock->tail);

		if (head == tail) {
			if (READ_ONCE(mock->pro)) {
				iopf_prq_recover(mock);
				continue;
			}
			WRITE_ONCE(mock->reporter_sleeping, 1);
			set_current_state(TASK_INTERRUPTIBLE);	/* full barrier */
			if (READ_ONCE(mock->tail) == head && !READ_ONCE(mock->pro) &&
			    !kthread_should_stop())
				schedule();
			__set_current_state(TASK_RUNNING);
			WRITE_ONCE(mock->reporter_sleeping, 0);
			continue;
		}
		while (head != tail) {
			const struct iopf_prq_desc *d = &mock->prq[head & mask];

			iopf_deliver(d->mdev, d);
			head++;
			smp_store_release(&mock->head, head);
			if (wq_has_sleeper(&mock->drain_wq))
				wake_up_all(&mock->drain_wq);
		}
		cond_resched();
	}
	return 0;
}

int iopf_reporter_create(struct iopf_mock *mock)
{
	struct task_struct *task;

	if (!mock->run->prq)
		return 0;
	task = kthread_create_on_node(iopf_reporter_fn, mock, cpu_to_node(mock->irq_cpu),
				      "iopf_prq%u/%u", mock->index, mock->irq_cpu);
	if (IS_ERR(task))
		return PTR_ERR(task);
	kthread_bind(task, mock->irq_cpu);
	get_task_struct(task);	/* producers may wake it while it stops */
	mock->reporter = task;
	return 0;
}

void iopf_reporter_stop(struct iopf_mock *mock)
{
	if (!mock->reporter)
		return;
	kthread_stop(mock->reporter);
	put_task_struct(mock->reporter);
	mock->reporter = NULL;
}

/*
 * Wait until the reporter has consumed everything (the run is ending), at
 * most stuck_ms; then the run fails, naming where the reporter is.
 */
void iopf_prq_wait_empty(struct iopf_mock *mock)
{
	struct iopf_run *run = mock->run;
	u64 deadline = iopf_stuck_deadline(run);
	bool stuck = false;
	long left;

	if (!mock->prq || !mock->reporter)
		return;
	while (READ_ONCE(mock->head) != smp_load_acquire(&mock->tail)) {
		left = iopf_jiffies_until(deadline);
		if (!left) {
			if (stuck)
				return;
			iopf_run_stuck(run, "IOMMU %u: the reporter left %u requests in its PRQ%s",
				       mock->index, READ_ONCE(mock->tail) - READ_ONCE(mock->head),
				       READ_ONCE(mock->reporter_in_report) ?
				       "; it is inside iommu_report_device_fault() (a fault handler that does not return?)" :
				       "");
			/* What stuck lets go (a wedged handler) may empty it now: once more. */
			stuck = true;
			deadline = iopf_stuck_deadline(run);
			continue;
		}
		wait_event_interruptible_timeout(mock->drain_wq,
						 READ_ONCE(mock->head) == READ_ONCE(mock->tail),
						 min_t(long, left, HZ / 10));
	}
}

/*
 * intel_iommu_drain_pasid_prq(): wait until the reporter has consumed every
 * queued request of this device's stream (stream < 0: any stream), then
 * flush the IOMMU's iopf workqueue. Called by the mock's remove_dev_pasid
 * and blocking-domain attach_dev, i.e. inside the core's detach with the
 * group's mutex held. The wait is uninterruptible, as VT-d's
 * wait_for_completion(&iommu->prq_complete): a reporter that can never get
 * there is a hung task, which the kernel reports. Unlike VT-d's, it gives
 * up after stuck_ms (longer than the hung-task timeout), failing the run,
 * so that the module can still be unloaded.
 */
void iopf_prq_drain(struct iopf_mdev *mdev, int stream)
{
	struct iopf_mock *mock = mdev->mock;
	struct iopf_run *run = mdev->run;
	u64 drained = 0, deadline = 0, t0, t1;
	struct iopf_pcpu *pc;
	long left;

	if (!mdev->iopf_enabled) {
		iopf_order_step(mdev, "drain:off", stream);
		return;		/* VT-d: nothing to drain without PRI enabled */
	}
	iopf_order_step(mdev, "drain", stream);
	while (mock->prq) {
		u32 head = smp_load_acquire(&mock->head), tail = smp_load_acquire(&mock->tail);
		u32 i, n = 0;

		for (i = head; i != tail; i++) {
			const struct iopf_prq_desc *d = &mock->prq[i & (mock->depth - 1)];

			if (READ_ONCE(d->mdev) == mdev && (stream < 0 || READ_ONCE(d->stream) == stream))
				n++;
		}
		if (!n)
			break;
		if (!drained) {
			drained = n;	/* what was queued when the drain began */
			deadline = iopf_stuck_deadline(run);
		}
		left = iopf_jiffies_until(deadline);
		if (!left ||
		    !wait_event_timeout(mock->drain_wq, READ_ONCE(mock->head) != head, left)) {
			char what[24];

			if (stream < 0)
				strscpy(what, "every stream", sizeof(what));
			else if (!stream)
				strscpy(what, "the RID", sizeof(what));
			else
				snprintf(what, sizeof(what), "PASID %u", mdev->streams[stream].pasid);
			iopf_run_stuck(run, "device %u: the PRQ drain of %s waited for the reporter of IOMMU %u, which still has %u of its requests queued%s",
				       mdev->index, what, mock->index, n,
				       READ_ONCE(mock->reporter_in_report) ?
				       " and is inside iommu_report_device_fault() (a deadlock with this detach?)" : "");
			break;
		}
	}
	t0 = ktime_get_ns();
	atomic_inc(&mdev->flushing);
	iopf_queue_flush_dev(mdev->dev);
	atomic_dec(&mdev->flushing);
	t1 = ktime_get_ns();
	iopf_order_step(mdev, "flush", stream);
	/*
	 * The counts are the whole run's, as the uapi says (that every detach
	 * flushed is a check, like total_groups); the flush latency is a
	 * figure, the measured window's only, like every other latency.
	 */
	pc = iopf_pcpu_get(run);
	pc->c.detach_flushes++;
	pc->c.detach_drained += drained;
	if (READ_ONCE(run->phase) == IOPF_BENCH_PHASE_MEASURE)
		iopf_hist_add(&pc->hist[IOPF_PC_FLUSH], t1 - t0);
	iopf_pcpu_put();
}
