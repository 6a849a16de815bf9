// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench page request queues: the PRQ model's hardware half.
 *
 * Each mock IOMMU has a ring of prq_depth descriptors, filled by the
 * devices (the injector threads, standing for the IOMMU hardware that
 * writes page requests into memory) and drained by ONE reporter thread
 * pinned to the IOMMU's IRQ CPU, which alone calls
 * iommu_report_device_fault() for the IOMMU's devices, as each driver's
 * threaded IRQ does (kmod/README.md, "Driver models"; the line-by-line
 * reading is kmod/notes/):
 *  - vtd: prq_event_thread (intel/prq.c): the tail read once, the batch
 *    reported under iommu->iopf_lock per descriptor, the head written once
 *    after the batch, then the overflow handling, then one complete() of
 *    prq_complete, which the detach's drain waits on;
 *  - amd: amd_iommu_poll_ppr_log (amd/ppr.c): the head written before
 *    each entry is reported, no driver lock;
 *  - smmuv3-stall: arm_smmu_evtq_thread (the cons written before each
 *    event is handled), the report under smmu->streams_mutex.
 *
 * Overflow: a request that finds the queue full sets the overflow bit
 * (PRO), and while it is set every request is dropped. Once the queue is
 * empty, vtd discards the partial requests the framework holds
 * (iopf_queue_discard_partial) and clears the bit; amd restarts the log
 * and smmuv3 only logs (neither discards: amd's partials stay until
 * remove_device; a stall is never partial). A dropped last request is
 * answered by the hardware (SUCCESS: the device retries the access and
 * faults again); a dropped partial request is lost.
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

const char *iopf_model_name(u32 model)
{
	switch (model) {
	case IOPF_BENCH_MODEL_VTD:
		return "vtd";
	case IOPF_BENCH_MODEL_DIRECT:
		return "direct";
	case IOPF_BENCH_MODEL_AMD:
		return "amd";
	case IOPF_BENCH_MODEL_SMMUV3_STALL:
		return "smmuv3-stall";
	}
	return "?";
}

/*
 * The one mutex_init() site of report_lock: one lockdep class for every
 * mock IOMMU, as VT-d's iopf_lock (dmar.c:1111 in 6.12) and SMMUv3's
 * streams_mutex each have one.
 */
static void iopf_report_lock_init(struct iopf_mock *mock)
{
	mutex_init(&mock->report_lock);
}

int iopf_prq_create(struct iopf_mock *mock)
{
	struct iopf_run *run = mock->run;

	raw_spin_lock_init(&mock->prq_lock);
	raw_spin_lock_init(&mock->cmd_lock);
	init_waitqueue_head(&mock->drain_wq);
	init_completion(&mock->prq_complete);
	iopf_report_lock_init(mock);
	mock->locked_reports = iopf_model_is(run, IOPF_BENCH_MODEL_VTD) ||
			       iopf_model_is(run, IOPF_BENCH_MODEL_SMMUV3_STALL);
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
	mutex_destroy(&mock->report_lock);
}

/*
 * One command through the IOMMU's command queue, response_ns long: busy
 * with IRQs off under the queue's lock, so the commands of one IOMMU run
 * one at a time, in arrival order (a queued spinlock). vtd: qi_submit_sync()
 * waits for the hardware with IRQs off (dmar.c:1412-1486 in 6.12); amd's
 * COMPLETE_PPR and smmuv3's CMD_RESUME are enqueued under the queue's lock
 * without a wait (their response_ns is the enqueue's cost).
 */
void iopf_mock_cmd(struct iopf_mock *mock, u32 ns)
{
	unsigned long flags;

	if (!ns)
		return;
	raw_spin_lock_irqsave(&mock->cmd_lock, flags);
	iopf_busy_ns(ns);
	raw_spin_unlock_irqrestore(&mock->cmd_lock, flags);
}

/* The interrupt: pairs with the reporter's set_current_state(). */
static void iopf_prq_kick(struct iopf_mock *mock)
{
	smp_mb();
	if (READ_ONCE(mock->reporter_sleeping))
		wake_up_process(mock->reporter);
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
		if (began) {
			iopf_ts_event(mock->run, IOPF_BENCH_TS_EV_OVERFLOW_START, ktime_get_ns(),
				      mock->index, d->mdev->index,
				      d->mdev->streams[d->stream].pasid, fill);
			/*
			 * Setting the bit is an event too. The fill above may
			 * be stale: the reporter can have written the head, and
			 * found the bit clear, after this push read it (the
			 * hardware, which orders the two through its register,
			 * cannot). Without the wake-up the reporter sleeps on an
			 * empty queue with the bit set: every request is dropped
			 * and the detach's QI drain waits for ever.
			 */
			iopf_prq_kick(mock);
		}
		return false;
	}
	mock->prq[mock->tail & (mock->depth - 1)] = *d;
	smp_store_release(&mock->tail, mock->tail + 1);
	if (fill + 1 > mock->max_fill)
		mock->max_fill = fill + 1;
	raw_spin_unlock(&mock->prq_lock);
	iopf_prq_kick(mock);
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
		/* smmuv3: PASID_VALID iff SSV, never NEEDS_PASID (arm-smmu-v3.c:1820-1823) */
		prm->flags = IOMMU_FAULT_PAGE_REQUEST_PASID_VALID;
		if (!iopf_model_is(mdev->run, IOPF_BENCH_MODEL_SMMUV3_STALL))
			prm->flags |= IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID;
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
	bool in_flush, by_flush;
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
	/* Its time in the queue overlapped a flush on its IOMMU (any device's)? */
	by_flush = atomic_read(&mdev->mock->flushing) ||
		   (s64)(READ_ONCE(mdev->mock->flush_end) - d->sent) >= 0;
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
		if (by_flush)
			iopf_hist_add(&pc->hist[IOPF_PC_QUEUE_IN_FLUSH],
				      iopf_delta_ns(run, d->sent, t0));
		iopf_hist_add(&pc->hist[last ? IOPF_PC_REPORT_LAST : IOPF_PC_REPORT_PARTIAL],
			      report_ns);
		if (in_flush)
			iopf_hist_add(&pc->hist[IOPF_PC_REPORT_IN_FLUSH], report_ns);
	}
	iopf_pcpu_put();
}

/*
 * Overflow recovery: the queue is empty and the overflow bit set, so no
 * request can arrive. vtd (prq_event_thread): drop the partial requests
 * the framework holds for this IOMMU, then clear the bit. amd
 * (amd_iommu_restart_ppr_log) and smmuv3 (the evtq's overflow ack) only
 * clear it: the framework keeps its partial requests.
 */
static void iopf_prq_recover(struct iopf_mock *mock)
{
	bool discard = iopf_model_is(mock->run, IOPF_BENCH_MODEL_VTD);
	u64 dropped;
	u32 d, s;

	if (discard && mock->run->hops->framework)
		iopf_queue_discard_partial(mock->queue);
	/* What the framework dropped is gone from the groups it will hand over. */
	for (d = 0; discard && d < mock->nmdevs; d++) {
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

static void iopf_report_one(struct iopf_mock *mock, const struct iopf_prq_desc *d)
{
	if (mock->locked_reports)
		mutex_lock(&mock->report_lock);
	iopf_deliver(d->mdev, d);
	if (mock->locked_reports)
		mutex_unlock(&mock->report_lock);
}

/*
 * vtd: one run of prq_event_thread (intel/prq.c:196-290 in 6.12). The tail
 * is read once; the batch is reported, each descriptor under iopf_lock;
 * the head is written once, after the batch (slots go back to the
 * hardware, and a drain sees the batch as pending, only then); then the
 * overflow handling; then one complete() of prq_complete, which wakes ONE
 * drainer (the completion_done() test keeps done at most 1).
 */
static void iopf_vtd_pass(struct iopf_mock *mock)
{
	u32 mask = mock->depth - 1, head = mock->head, tail = smp_load_acquire(&mock->tail);

	for (; head != tail; head++)
		iopf_report_one(mock, &mock->prq[head & mask]);
	smp_store_release(&mock->head, tail);
	if (READ_ONCE(mock->pro) && smp_load_acquire(&mock->tail) == tail)
		iopf_prq_recover(mock);
	if (!completion_done(&mock->prq_complete))
		complete(&mock->prq_complete);		/* intel/prq.c:286-287 */
}

/*
 * amd and smmuv3-stall: each entry is copied out and the head (amd's PPR
 * HEAD, smmuv3's evtq CONS) written BEFORE it is reported
 * (amd/ppr.c:194-211; arm-smmu-v3.c queue_remove_raw); then overflow.
 */
static void iopf_entry_pass(struct iopf_mock *mock)
{
	u32 mask = mock->depth - 1, head = mock->head, tail = smp_load_acquire(&mock->tail);

	while (head != tail) {
		struct iopf_prq_desc d = mock->prq[head & mask];

		head++;
		smp_store_release(&mock->head, head);
		iopf_report_one(mock, &d);
	}
	if (READ_ONCE(mock->pro) && smp_load_acquire(&mock->tail) == head)
		iopf_prq_recover(mock);
}

/* The IOMMU's reporter thread: its IRQ thread. */
static int iopf_reporter_fn(void *arg)
{
	struct iopf_mock *mock = arg;
	bool vtd = iopf_model_is(mock->run, IOPF_BENCH_MODEL_VTD);

	while (!kthread_should_stop()) {
		u32 head = mock->head;

		if (head == smp_load_acquire(&mock->tail) && !READ_ONCE(mock->pro)) {
			WRITE_ONCE(mock->reporter_sleeping, 1);
			set_current_state(TASK_INTERRUPTIBLE);	/* full barrier */
			if (READ_ONCE(mock->tail) == head && !READ_ONCE(mock->pro) &&
			    !kthread_should_stop())
				schedule();
			__set_current_state(TASK_RUNNING);
			WRITE_ONCE(mock->reporter_sleeping, 0);
			continue;
		}
		if (vtd)
			iopf_vtd_pass(mock);
		else
			iopf_entry_pass(mock);
		if (wq_has_sleeper(&mock->drain_wq))
			wake_up_all(&mock->drain_wq);
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
	/* An IRQ thread's class (kernel/irq/manage.c, setup_irq_thread()). */
	switch (mock->run->cfg.reporter_prio) {
	case IOPF_BENCH_REPORTER_FIFO:
		sched_set_fifo(task);
		break;
	case IOPF_BENCH_REPORTER_FIFO_LOW:
		sched_set_fifo_low(task);
		break;
	}
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
 * The flush of a detach: iopf_queue_flush_dev(), counted and timed. vtd
 * calls it from its drain, amd from its RID detach (detach_device flushes
 * then removes, amd/iommu.c:2408-2411 in 6.12); smmuv3 never does.
 */
void iopf_detach_flush(struct iopf_mdev *mdev, int stream, u64 drained)
{
	struct iopf_run *run = mdev->run;
	struct iopf_pcpu *pc;
	u64 t0, t1;

	t0 = ktime_get_ns();
	atomic_inc(&mdev->flushing);
	atomic_inc(&mdev->mock->flushing);
	iopf_queue_flush_dev(mdev->dev);
	WRITE_ONCE(mdev->mock->flush_end, iopf_clock(run));
	atomic_dec(&mdev->mock->flushing);
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

/*
 * Does the drain of (mdev, stream) wait for this queued descriptor?
 * 6.12 (intel/prq.c:90): the PASID alone, on every device of the IOMMU; a
 * PASID-less request never matches, so a RID drain matches nothing (the
 * mock's PASIDs start at 1). 7.x (intel/prq.c:90-92): the device and its
 * PASID; a RID drain matches the device's PASID-less requests.
 */
static bool iopf_vtd_drain_match(const struct iopf_mdev *mdev, int stream,
				 const struct iopf_prq_desc *d)
{
	const struct iopf_mdev *dm = READ_ONCE(d->mdev);
	u32 ds = READ_ONCE(d->stream);

	if (IOPF_K7)
		return dm == mdev && ds == stream;
	return stream && ds == stream;
}

static void iopf_drain_stuck(struct iopf_mdev *mdev, int stream, u32 n)
{
	struct iopf_mock *mock = mdev->mock;
	char what[24];

	if (!stream)
		strscpy(what, "the RID", sizeof(what));
	else
		snprintf(what, sizeof(what), "PASID %u", mdev->streams[stream].pasid);
	iopf_run_stuck(mdev->run, "device %u: the PRQ drain of %s waited for the reporter of IOMMU %u, which still has %u matching requests queued%s",
		       mdev->index, what, mock->index, n,
		       READ_ONCE(mock->reporter_in_report) ?
		       " and is inside iommu_report_device_fault() (a deadlock with this detach?)" : "");
}

/*
 * intel_iommu_drain_pasid_prq() (intel/prq.c:60-125 in 6.12, :60-127 in
 * 7.3), called by the mock's remove_dev_pasid and blocking-domain
 * attach_dev, i.e. inside the core's detach with the group's mutex held
 * (the vtd and direct models; direct has no queue to scan):
 *  1. reinit prq_complete; scan the queue from the head the reporter has
 *     written (a batch being reported still counts) to the tail; at the
 *     first match wait for prq_complete (uninterruptible: a reporter that
 *     can never get there is a hung task) and scan again, from scratch.
 *     With RUN_VTD_WAKE_ALL (a named departure) the wait is for the head
 *     to move, on drain_wq, which every pass wakes: no wake-up is lost;
 *  2. iopf_queue_flush_dev();
 *  3. the QI drain: one command (response_ns) through the IOMMU's queue;
 *     while the overflow bit is set, wait for the reporter and submit it
 *     again.
 * Unlike VT-d's, every wait gives up after stuck_ms (longer than the
 * hung-task timeout), failing the run, so that the module can still be
 * unloaded. Gated on IOPF being on for the device, as VT-d's on
 * pri_enabled (6.12) or its IOPF count (7.x).
 */
void iopf_prq_drain(struct iopf_mdev *mdev, int stream)
{
	struct iopf_mock *mock = mdev->mock;
	struct iopf_run *run = mdev->run;
	bool vtd = iopf_model_is(run, IOPF_BENCH_MODEL_VTD);
	bool wake_all = run->cfg.flags & IOPF_BENCH_RUN_VTD_WAKE_ALL;
	u64 drained = 0, deadline = 0;
	long left;

	if (!mdev->iopf_enabled) {
		iopf_order_step(mdev, "drain:off", stream);
		return;		/* VT-d: nothing to drain without PRI enabled */
	}
	iopf_order_step(mdev, "drain", stream);
	while (vtd && mock->prq) {
		u32 head, tail, i, n = 0;

		if (!wake_all)
			reinit_completion(&mock->prq_complete);
		head = smp_load_acquire(&mock->head);
		tail = smp_load_acquire(&mock->tail);
		for (i = head; i != tail; i++)
			n += iopf_vtd_drain_match(mdev, stream, &mock->prq[i & (mock->depth - 1)]);
		if (!n)
			break;
		if (!drained) {
			drained = n;	/* what was queued when the drain began */
			deadline = iopf_stuck_deadline(run);
		}
		left = iopf_jiffies_until(deadline);
		if (!left ||
		    !(wake_all ? wait_event_timeout(mock->drain_wq,
						    smp_load_acquire(&mock->head) != head, left) :
				 wait_for_completion_timeout(&mock->prq_complete, left))) {
			iopf_drain_stuck(mdev, stream, n);
			break;
		}
	}
	iopf_detach_flush(mdev, stream, drained);
	if (!vtd)
		return;
	/* The QI drain (intel/prq.c:105-124): again while the queue overflows. */
	deadline = iopf_stuck_deadline(run);
	for (;;) {
		if (!wake_all)
			reinit_completion(&mock->prq_complete);
		iopf_mock_cmd(mock, run->cfg.response_ns);
		if (!READ_ONCE(mock->pro))
			break;
		left = iopf_jiffies_until(deadline);
		if (!left ||
		    !(wake_all ? wait_event_timeout(mock->drain_wq, !READ_ONCE(mock->pro), left) :
				 wait_for_completion_timeout(&mock->prq_complete, left))) {
			iopf_drain_stuck(mdev, stream, READ_ONCE(mock->tail) - READ_ONCE(mock->head));
			break;
		}
	}
	iopf_order_step(mdev, "qi", stream);
}
