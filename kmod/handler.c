// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench handlers and checks: the domain's iopf_handler and its
 * variants (wq, inline, null, defer), the group-content checker, and the
 * response accounting that enforces "every last request answered exactly
 * once".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "iopf_bench_int.h"
#include "stream.h"

void iopf_busy_ns(u32 ns)
{
	u64 end = ktime_get_ns() + ns;

	while (ktime_get_ns() < end)
		cpu_relax();
}

static void iopf_service(struct iopf_run *run)
{
	u32 ns = run->cfg.service_ns;

	if (likely(!ns))
		return;
	if (run->cfg.flags & IOPF_BENCH_RUN_SERVICE_SLEEP) {
		/*
		 * Until the deadline, as usleep_range_state() does: a wakeup
		 * that is not the timer's (a workqueue worker gets them on
		 * 7.x) returns early, and a single sleep then served groups
		 * in less than service_ns.
		 */
		ktime_t end = ktime_add_ns(ktime_get(), ns);

		do
			set_current_state(TASK_UNINTERRUPTIBLE);
		while (schedule_hrtimeout(&end, HRTIMER_MODE_ABS));
	} else {
		iopf_busy_ns(ns);
	}
}

/* ------------------------------------------------------------------------ */
/* Response accounting */

enum { IOPF_VIOL_NON_LAST, IOPF_VIOL_UNKNOWN, IOPF_VIOL_NOT_OUTSTANDING, IOPF_VIOL_LATE };

/* The slow path of a response that breaks the invariant: count and say so. */
static void iopf_record_violation(struct iopf_mdev *mdev, struct iopf_pcpu *pc, int kind,
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

/*
 * One response, from the mock's page_response, the hardware (a dropped
 * last request) or the null sink: find the slot by the tag in the last
 * request's address, check the grpid, PASID and cookie, check it was
 * outstanding (cmpxchg to ANSWERED), count it by source and code, and the
 * arrival->response latency.
 *
 * A group kept by the DEFER handler was taken off the device's pending
 * list (iopf_group_dequeue), so remove_device neither answers nor frees
 * it: the defer thread alone answers it, once, possibly after the
 * device's IOPF was torn down (the answer still reaches page_response).
 * That is counted as a late answer (late_answers), not a violation. Any
 * second answer is a violation.
 */
void iopf_record_response(struct iopf_mdev *mdev, const struct iopf_fault *evt,
			  u32 pasid, u32 grpid, u32 code, enum iopf_src src)
{
	const struct iommu_fault_page_request *prm = &evt->fault.prm;
	struct iopf_run *run = mdev->run;
	struct iopf_stream *stream;
	struct iopf_slot *slot;
	struct iopf_pcpu *pc;
	u64 expect, now = 0;
	u32 tag, idx;
	bool late;

	if (run->timestamps)
		now = iopf_clock(run);
	pc = iopf_pcpu_get(run);
	if (unlikely(!(prm->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE))) {
		iopf_record_violation(mdev, pc, IOPF_VIOL_NON_LAST, code, src, grpid, pasid);
		goto out;
	}
	tag = iopf_addr_tag(prm->addr);
	idx = tag & ((1u << mdev->slot_shift) - 1);
	if (unlikely(idx >= mdev->nslots || grpid != (tag & mdev->grpid_mask))) {
		iopf_record_violation(mdev, pc, IOPF_VIOL_UNKNOWN, code, src, grpid, pasid);
		goto out;
	}
	slot = &mdev->slots[idx];
	stream = &mdev->streams[slot->stream];
	if (unlikely((prm->private_data[1] & ~IOPF_PRIV_MEASURED) != run->cookie ||
		     (stream->pasid == IOMMU_NO_PASID ?
			      (prm->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) :
			      pasid != stream->pasid))) {
		iopf_record_violation(mdev, pc, IOPF_VIOL_UNKNOWN, code, src, grpid, pasid);
		goto out;
	}
	/*
	 * After the device's remove_device, or its PASID's detach (the mock
	 * marks it gone right after its drain and flush), an answer is late;
	 * except remove_device's own, which answers what is still pending on
	 * the device, a detached PASID's groups included.
	 */
	late = READ_ONCE(mdev->removed) || (READ_ONCE(stream->gone) && src != IOPF_SRC_REMOVE);
	expect = IOPF_SLOT_WORD(tag, IOPF_SLOT_OUTSTANDING);
	if (unlikely(atomic64_cmpxchg(&slot->word, expect,
				      IOPF_SLOT_WORD(tag, IOPF_SLOT_ANSWERED)) != expect)) {
		/*
		 * A group the DEFER handler took over: only its thread answers
		 * it, once, possibly after the device's remove_device (a late
		 * answer: what the 6.9 reference makes safe).
		 */
		/*
		 * A late answer to a group found lost first (counted there, and
		 * maybe reused since): the same fault, counted once.
		 */
		if (READ_ONCE(slot->lost_tag) == tag && tag)
			goto out;
		expect = IOPF_SLOT_WORD(tag, IOPF_SLOT_KEPT);
		if (iopf_defer_current(run) &&
		    atomic64_cmpxchg(&slot->word, expect,
				     IOPF_SLOT_WORD(tag, IOPF_SLOT_ANSWERED)) == expect) {
			if (run->defer.cur_remove_gen != READ_ONCE(mdev->remove_gen))
				pc->c.late_answers++;
		} else if (iopf_defer_current(run) && run->defer.cur_forgotten) {
			/*
			 * Kept across a reset of its device, which forgot it
			 * (iopf_forget_kept): its index may carry a new group
			 * now, which a device matching responses by index
			 * would take this answer for.
			 */
			u64 w = atomic64_read(&slot->word);

			pc->c.late_answers++;
			if (IOPF_SLOT_TAG(w) != tag &&
			    (IOPF_SLOT_STATE(w) == IOPF_SLOT_OPEN ||
			     IOPF_SLOT_STATE(w) == IOPF_SLOT_OUTSTANDING ||
			     IOPF_SLOT_STATE(w) == IOPF_SLOT_KEPT))
				pc->c.late_collisions++;
		} else {
			iopf_record_violation(mdev, pc, IOPF_VIOL_NOT_OUTSTANDING, code, src,
					      grpid, pasid);
			goto out;
		}
		late = false;
	}
	if (unlikely(late))
		iopf_record_violation(mdev, pc, IOPF_VIOL_LATE, code, src, grpid, pasid);
	pc->c.total_responses++;
	pc->c.from[src]++;
	if (unlikely(pc->ts))	/* the stream's group records */
		iopf_ts_group(pc->ts, mdev->index, stream->pasid, grpid, code, src,
			      prm->private_data[0], now,
			      prm->private_data[1] & IOPF_PRIV_MEASURED);
	if (prm->private_data[1] & IOPF_PRIV_MEASURED) {
		pc->c.responses++;
		if (code < ARRAY_SIZE(pc->c.resp_code))
			pc->c.resp_code[code]++;
		if (run->timestamps)
			iopf_hist_add(&pc->hist[IOPF_PC_RESPONSE],
				      iopf_delta_ns(run, prm->private_data[0], now));
	}
	iopf_wake_injector(slot);
out:
	iopf_pcpu_put();
}

/*
 * After remove_device returned (stream < 0) or after a PASID's detach
 * (stream >= 0), no group of it may still be outstanding: count each one as
 * lost and release its slot so that the injector can go on.
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
		/* Before the cmpxchg (a full barrier): a responder that loses
		 * the race to it sees the tag. */
		WRITE_ONCE(slot->lost_tag, IOPF_SLOT_TAG(w));
		if (atomic64_cmpxchg(&slot->word, w,
				     IOPF_SLOT_WORD(IOPF_SLOT_TAG(w), IOPF_SLOT_LOST)) != w)
			continue;	/* answered just now: then it was late, counted there */
		lost++;
		pr_err_ratelimited("violation: dev %u: group %u (tag %u) pasid %u never answered (lost)\n",
				   mdev->index, IOPF_SLOT_TAG(w) & mdev->grpid_mask, IOPF_SLOT_TAG(w),
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

/*
 * A device-scope unbind reset the device (remove_device, PRI off and on):
 * it forgets the groups a handler still keeps (handler defer), and their
 * indexes are free for new groups, as on hardware. The keeper still
 * answers them later (iopf_record_response: late_answers, late_collisions),
 * knowing from its entry that the device forgot them.
 */
void iopf_forget_kept(struct iopf_mdev *mdev)
{
	struct iopf_defer *q = &mdev->run->defer;
	struct iopf_defer_ent *e;
	unsigned int i;

	mutex_lock(&q->answer_mutex);	/* no entry is being answered */
	spin_lock(&q->lock);
	list_for_each_entry(e, &q->list, node)
		if (e->mdev == mdev)
			e->forgotten = true;
	spin_unlock(&q->lock);
	for (i = 0; i < mdev->nslots; i++) {
		struct iopf_slot *slot = &mdev->slots[i];
		u64 w = atomic64_read(&slot->word);

		if (IOPF_SLOT_STATE(w) != IOPF_SLOT_KEPT)
			continue;
		if (atomic64_cmpxchg(&slot->word, w,
				     IOPF_SLOT_WORD(IOPF_SLOT_TAG(w), IOPF_SLOT_FORGOTTEN)) == w)
			iopf_wake_injector(slot);
	}
	mutex_unlock(&q->answer_mutex);
}

/* ------------------------------------------------------------------------ */
/* The group-content checker */

static struct iopf_stream *iopf_handle_stream(struct iopf_group *group)
{
	return container_of(group->attach_handle, struct iopf_handle, h)->stream;
}

/*
 * Every group that reaches a handler: exactly the requests that were
 * delivered to the framework for it (slot->rep_count, kept by the
 * delivering thread), each once, each of this incarnation of the group
 * (tag), with its grpid and PASID; a full group unless the hardware dropped
 * some of it or the driver discarded its partials after an overflow.
 * Anything else is a mis-merged, lost or duplicated request: a violation.
 */
static void iopf_check_group(struct iopf_run *run, struct iopf_mdev *mdev,
			     struct iopf_group *group)
{
	const struct iommu_fault_page_request *last = &group->last_fault.fault.prm;
	struct iopf_stream *stream = iopf_handle_stream(group);
	DECLARE_BITMAP(seen, IOPF_BENCH_MAX_GROUP_SIZE);
	u32 gs = run->cfg.group_size, tag = iopf_addr_tag(last->addr);
	u32 idx = tag & ((1u << mdev->slot_shift) - 1), n = 0, expected = 0;
	const char *why = NULL;
	struct iopf_slot *slot;
	struct iopf_fault *f;
	struct iopf_pcpu *pc;
	bool short_ok = false;

	bitmap_zero(seen, IOPF_BENCH_MAX_GROUP_SIZE);
	if (idx >= mdev->nslots) {
		why = "unknown group";
		goto bad;
	}
	slot = &mdev->slots[idx];
	if (READ_ONCE(slot->rep_tag) == tag) {
		expected = READ_ONCE(slot->rep_count);
		short_ok = READ_ONCE(slot->rep_lost) || READ_ONCE(slot->hw_dropped);
	}
	list_for_each_entry(f, &group->faults, list) {
		const struct iommu_fault_page_request *p = &f->fault.prm;
		u32 i = iopf_addr_index(p->addr);
		bool pasid_ok = stream->pasid == IOMMU_NO_PASID ?
					!(p->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) :
					((p->flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID) &&
					 p->pasid == stream->pasid);

		n++;
		if (p->grpid != last->grpid || !pasid_ok || iopf_addr_tag(p->addr) != tag) {
			why = "a request of another group (mis-merged)";
			goto bad;
		}
		if (i >= gs || (i == gs - 1) != !!(p->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE)) {
			why = "a request with a bad index or last flag";
			goto bad;
		}
		if (__test_and_set_bit(i, seen)) {
			why = "a request twice";
			goto bad;
		}
	}
	if (n != expected || n != group->fault_count) {
		why = n < expected ? "fewer requests than were reported (a partial lost)" :
				     "more requests than were reported";
		goto bad;
	}
	if (n != gs && !short_ok) {
		why = "a short group nothing dropped";
		goto bad;
	}
	pc = iopf_pcpu_get(run);
	pc->c.checked_groups++;
	if (n != gs)
		pc->c.incomplete_groups++;
	iopf_pcpu_put();
	return;
bad:
	pc = iopf_pcpu_get(run);
	pc->c.checked_groups++;
	pc->c.viol_group++;
	iopf_pcpu_put();
	pr_err_ratelimited("violation: dev %u: group %u (tag %u) pasid %u: %s (%u requests, %u reported, group size %u)\n",
			   mdev->index, last->grpid, tag, stream->pasid, why, n, expected, gs);
}

/* ------------------------------------------------------------------------ */
/* Handlers */

/* Time since the group's last request arrived, into per-CPU histogram h (measured groups). */
static void iopf_since_arrival(struct iopf_run *run, const struct iommu_fault_page_request *prm,
			       unsigned int h)
{
	if (run->timestamps && (prm->private_data[1] & IOPF_PRIV_MEASURED)) {
		u64 now = iopf_clock(run);
		struct iopf_pcpu *pc = iopf_pcpu_get(run);

		iopf_hist_add(&pc->hist[h], iopf_delta_ns(run, prm->private_data[0], now));
		iopf_pcpu_put();
	}
}

static struct iopf_mdev *iopf_handle_mdev(struct iopf_group *group)
{
	return iopf_handle_stream(group)->mdev;
}

/* Check the group (unless it was checked when kept), spend the service time, answer it, free it. */
static void iopf_answer(struct iopf_mdev *mdev, struct iopf_group *group,
			enum iommu_page_response_code code, bool check)
{
	struct iopf_run *run = mdev->run;

	if (check)
		iopf_check_group(run, mdev, group);
	iopf_service(run);
	iopf_group_response(group, code);
	iopf_free_group(group);
}

/* wq: like the SVA handler, queue the group and answer from the work. */
static void iopf_wq_work(struct work_struct *work)
{
	struct iopf_group *group = container_of(work, struct iopf_group, work);
	const struct iommu_fault_page_request *prm = &group->last_fault.fault.prm;
	struct iopf_mdev *mdev = iopf_handle_mdev(group);
	struct iopf_run *run = mdev->run;

	iopf_since_arrival(run, prm, IOPF_PC_WORK);
	iopf_answer(mdev, group, IOMMU_PAGE_RESP_SUCCESS, true);
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
	iopf_answer(iopf_handle_mdev(group), group, IOMMU_PAGE_RESP_SUCCESS, true);
	return 0;
}

/*
 * defer: keep the group, like iommufd_fault_iopf_handler() queues it on a
 * fault object for user space, and answer it defer_ns later from the defer
 * thread, like the fault fd's write(). Unlike iommufd, which answers what
 * it holds at detach (iommufd_auto_response_faults) so that nothing of it
 * outlives remove_device, this handler takes the group over with
 * iopf_group_dequeue() ("the fault handler is responsible for responding
 * to the group after this function returns") and answers it whenever its
 * time comes, also after the device's IOPF was disabled: the group's
 * reference on the fault data (6.9) is what makes that answer safe.
 */
static int iopf_defer_handle(struct iopf_group *group)
{
	const struct iommu_fault_page_request *prm = &group->last_fault.fault.prm;
	struct iopf_mdev *mdev = iopf_handle_mdev(group);
	struct iopf_run *run = mdev->run;
	struct iopf_defer *q = &run->defer;
	u32 tag = iopf_addr_tag(prm->addr);
	struct iopf_slot *slot = &mdev->slots[tag & ((1u << mdev->slot_shift) - 1)];
	struct iopf_defer_ent *e;
	struct iopf_pcpu *pc;
	bool wake;

	/* iommufd keeps a group on a list of its own; so does this. */
	e = kmalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;	/* the core answers FAILURE */
	/* Checked now: its slot's bookkeeping may move on before it is answered. */
	iopf_check_group(run, mdev, group);
	iopf_group_dequeue(group);
	atomic64_cmpxchg(&slot->word, IOPF_SLOT_WORD(tag, IOPF_SLOT_OUTSTANDING),
			 IOPF_SLOT_WORD(tag, IOPF_SLOT_KEPT));
	e->group = group;
	e->mdev = mdev;
	e->stream = container_of(group->attach_handle, struct iopf_handle, h)->stream - mdev->streams;
	e->due_ns = ktime_get_ns() + run->cfg.defer_ns;
	e->remove_gen = READ_ONCE(mdev->remove_gen);
	e->forgotten = false;
	spin_lock(&q->lock);
	list_add_tail(&e->node, &q->list);
	wake = READ_ONCE(q->sleeping);
	spin_unlock(&q->lock);
	if (wake)
		wake_up_process(q->task);
	pc = iopf_pcpu_get(run);
	pc->c.deferred_groups++;
	iopf_pcpu_put();
	return 0;
}

static const struct iopf_handler_ops iopf_handlers[] = {
	[IOPF_BENCH_HANDLER_WQ] = {
		.name = "wq",
		.framework = true,
		.handle = iopf_wq_handle,
	},
	[IOPF_BENCH_HANDLER_INLINE] = {
		.name = "inline",
		.framework = true,
		.handle = iopf_inline_handle,
	},
	[IOPF_BENCH_HANDLER_NULL] = {
		.name = "null",	/* the delivering thread calls iopf_null_report() */
	},
	[IOPF_BENCH_HANDLER_DEFER] = {
		.name = "defer",
		.framework = true,
		.handle = iopf_defer_handle,
	},
	/* the same keeping; plus the auto-response at detach (iopf_iommufd_auto_response) */
	[IOPF_BENCH_HANDLER_IOMMUFD] = {
		.name = "iommufd",
		.framework = true,
		.handle = iopf_defer_handle,
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
	return "1=wq 2=inline 3=null 4=defer 5=iommufd";
}

/*
 * Deliberately wedged (RUN_VIOLATE_WEDGE, inline handler only): block the
 * reporter inside iommu_report_device_fault() until the module calls the
 * run stuck (iopf_run_stuck lets it go). Asleep and interruptible, so that
 * it is not a hung task of its own; ten times stuck_ms is its backstop.
 */
static void iopf_wedge(struct iopf_run *run)
{
	u64 t0 = ktime_get_ns();

	pr_info("run %llu: wedge: a handler blocks the reporter (test-only VIOLATE_WEDGE)\n",
		run->id);
	if (!wait_event_interruptible_timeout(run->wedge_wq, READ_ONCE(run->unwedge),
					      msecs_to_jiffies(10 * run->stuck_ms)))
		iopf_run_stuck(run, "the wedged handler was never let go");
	pr_info("run %llu: wedge: let go after %llu ms\n", run->id,
		div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
}

/*
 * domain->iopf_handler of every mock domain: the common part (handler-entry
 * timestamp, fail_every/abandon_every/violate_every), then the variant. In
 * the mutex design the core calls this under dev_iommu->lock: what runs
 * here is the same in every design (a clock read and a histogram update);
 * the group check and the service time run where the variant answers (for
 * wq, in the work, outside every lock).
 */
int iopf_domain_iopf_handler(struct iopf_group *group)
{
	const struct iommu_fault_page_request *prm = &group->last_fault.fault.prm;
	struct iopf_mdev *mdev = iopf_handle_mdev(group);
	struct iopf_run *run = mdev->run;
	struct iopf_pcpu *pc;
	u64 now = 0, n;
	bool viol;

	if (run->timestamps)
		now = iopf_clock(run);
	pc = iopf_pcpu_get(run);
	if (run->timestamps && (prm->private_data[1] & IOPF_PRIV_MEASURED))
		iopf_hist_add(&pc->hist[IOPF_PC_HANDLER],
			      iopf_delta_ns(run, prm->private_data[0], now));
	n = ++pc->c.handled;
	viol = (run->cfg.flags & (IOPF_BENCH_RUN_VIOLATE_DOUBLE | IOPF_BENCH_RUN_VIOLATE_LOSE |
				  IOPF_BENCH_RUN_VIOLATE_WEDGE)) &&
	       n % run->cfg.violate_every == 0;
	if (unlikely(viol) && (run->cfg.flags & IOPF_BENCH_RUN_VIOLATE_WEDGE)) {
		iopf_pcpu_put();
		iopf_wedge(run);
		return run->hops->handle(group);
	}
	if (unlikely(viol)) {
		iopf_pcpu_put();
		iopf_check_group(run, mdev, group);
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
		iopf_check_group(run, mdev, group);
		return -EIO;	/* the core answers FAILURE */
	}
	if (run->cfg.abandon_every && n % run->cfg.abandon_every == 0) {
		/* Keep the group unanswered: remove_device must answer it. */
		pc->c.abandoned_groups++;
		iopf_pcpu_put();
		iopf_check_group(run, mdev, group);
		return 0;
	}
	iopf_pcpu_put();
	return run->hops->handle(group);
}

/*
 * null: no framework. The last request of a group goes through the same
 * handler-entry timestamp, service time and response accounting as the
 * inline handler; partial requests go nowhere. What remains is the cost of
 * the injector, the PRQ model's queue and reporter, and the measurement.
 */
void iopf_null_report(struct iopf_mdev *mdev, struct iopf_fault *evt)
{
	const struct iommu_fault_page_request *prm = &evt->fault.prm;
	struct iopf_run *run = mdev->run;

	if (!(prm->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE))
		return;
	iopf_since_arrival(run, prm, IOPF_PC_HANDLER);
	if (unlikely(run->cfg.flags & (IOPF_BENCH_RUN_VIOLATE_DOUBLE | IOPF_BENCH_RUN_VIOLATE_LOSE))) {
		struct iopf_pcpu *pc = iopf_pcpu_get(run);
		bool hit = ++pc->c.handled % run->cfg.violate_every == 0;

		iopf_pcpu_put();
		if (hit) {
			/* Deliberately broken: answer twice, or not at all. */
			if (run->cfg.flags & IOPF_BENCH_RUN_VIOLATE_LOSE)
				return;
			iopf_record_response(mdev, evt, prm->pasid, prm->grpid,
					     IOMMU_PAGE_RESP_SUCCESS, IOPF_SRC_HANDLER);
		}
	}
	iopf_service(run);
	iopf_record_response(mdev, evt, prm->pasid, prm->grpid, IOMMU_PAGE_RESP_SUCCESS,
			     IOPF_SRC_HANDLER);
}

/* ------------------------------------------------------------------------ */
/* The defer thread */

bool iopf_defer_current(struct iopf_run *run)
{
	return (run->defer.task && current == run->defer.task) ||
	       READ_ONCE(run->defer.auto_task) == current;
}

/*
 * iommufd_auto_response_faults() (iommufd/fault.c:96-131 in 6.12), called
 * by the unbinder (which plays iommufd) right after the core's detach of
 * the stream returned: every group still held for the stream's attach
 * handle is answered INVALID and freed, under the answer mutex (iommufd's
 * fault->mutex), so that the answer thread cannot be answering one of them
 * at the same time. On 7.x the RID's detach has already removed the device
 * from the iopf queue (VT-d's iopf count reached 0 inside it): these are
 * answers after remove_device, counted in late_answers.
 */
void iopf_iommufd_auto_response(struct iopf_mdev *mdev, u32 stream)
{
	struct iopf_run *run = mdev->run;
	struct iopf_defer *q = &run->defer;
	struct iopf_defer_ent *e, *n;
	LIST_HEAD(mine);

	mutex_lock(&q->answer_mutex);
	spin_lock(&q->lock);
	list_for_each_entry_safe(e, n, &q->list, node)
		if (e->mdev == mdev && e->stream == stream)
			list_move_tail(&e->node, &mine);
	spin_unlock(&q->lock);
	WRITE_ONCE(q->auto_task, current);
	list_for_each_entry_safe(e, n, &mine, node) {
		list_del(&e->node);
		q->cur_remove_gen = e->remove_gen;
		q->cur_forgotten = e->forgotten;
		iopf_order_step(mdev, "auto", stream);
		iopf_group_response(e->group, IOMMU_PAGE_RESP_INVALID);
		iopf_free_group(e->group);
		kfree(e);
	}
	WRITE_ONCE(q->auto_task, NULL);
	mutex_unlock(&q->answer_mutex);
	wake_up_all(&q->idle_wq);
}

static bool iopf_defer_empty(struct iopf_defer *q)
{
	bool empty;

	spin_lock(&q->lock);
	empty = list_empty(&q->list) && !q->answering;
	spin_unlock(&q->lock);
	return empty;
}

static int iopf_defer_fn(void *arg)
{
	struct iopf_run *run = arg;
	struct iopf_defer *q = &run->defer;

	while (!kthread_should_stop()) {
		struct iopf_defer_ent *e = NULL;
		u64 now = ktime_get_ns(), wait_ns = 0;

		mutex_lock(&q->answer_mutex);
		spin_lock(&q->lock);
		if (!list_empty(&q->list)) {
			struct iopf_defer_ent *h = list_first_entry(&q->list,
								    struct iopf_defer_ent, node);

			if (h->due_ns <= now || READ_ONCE(q->flush)) {
				e = h;
				list_del(&e->node);
				q->answering = true;
			} else {
				wait_ns = h->due_ns - now;
			}
		}
		if (!e) {
			/* Before the handler can see sleeping: no lost wake-up. */
			set_current_state(TASK_INTERRUPTIBLE);
			WRITE_ONCE(q->sleeping, 1);
		}
		spin_unlock(&q->lock);

		if (!e) {
			mutex_unlock(&q->answer_mutex);
			if (!kthread_should_stop()) {
				if (wait_ns) {
					ktime_t t = ns_to_ktime(wait_ns);

					schedule_hrtimeout_range(&t, 2 * NSEC_PER_USEC,
								 HRTIMER_MODE_REL);
				} else {
					schedule();
				}
			}
			__set_current_state(TASK_RUNNING);
			WRITE_ONCE(q->sleeping, 0);
			continue;
		}
		q->cur_remove_gen = e->remove_gen;
		q->cur_forgotten = e->forgotten;
		iopf_answer(e->mdev, e->group, IOMMU_PAGE_RESP_SUCCESS, false);
		kfree(e);
		spin_lock(&q->lock);
		q->answering = false;
		spin_unlock(&q->lock);
		mutex_unlock(&q->answer_mutex);
		wake_up_all(&q->idle_wq);
		cond_resched();
	}
	return 0;
}

int iopf_defer_create(struct iopf_run *run)
{
	struct iopf_defer *q = &run->defer;
	struct task_struct *task;

	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->list);
	init_waitqueue_head(&q->idle_wq);
	mutex_init(&q->answer_mutex);
	if (run->cfg.handler != IOPF_BENCH_HANDLER_DEFER &&
	    run->cfg.handler != IOPF_BENCH_HANDLER_IOMMUFD)
		return 0;
	task = kthread_create(iopf_defer_fn, run, "iopf_defer");
	if (IS_ERR(task))
		return PTR_ERR(task);
	get_task_struct(task);
	q->task = task;
	wake_up_process(task);
	return 0;
}

/*
 * The run is ending: answer every kept group now, before the devices go
 * (a fault fd closed before its device: iommufd answers what it holds).
 * An interruptible wait: a defer thread that died in a splat must not turn
 * into a hung-task report of its own. At most stuck_ms.
 */
void iopf_defer_flush(struct iopf_run *run)
{
	struct iopf_defer *q = &run->defer;
	u64 deadline = iopf_stuck_deadline(run);
	long left;

	if (!q->task)
		return;
	WRITE_ONCE(q->flush, true);
	wake_up_process(q->task);
	while (!iopf_defer_empty(q)) {
		left = iopf_jiffies_until(deadline);
		if (!left) {
			iopf_run_stuck(run, "the defer thread did not answer the groups it keeps%s",
				       READ_ONCE(q->answering) ? " (it is inside an answer)" : "");
			return;
		}
		wait_event_interruptible_timeout(q->idle_wq, iopf_defer_empty(q), min_t(long, left, HZ));
	}
}

void iopf_defer_stop(struct iopf_run *run)
{
	struct iopf_defer *q = &run->defer;

	if (q->task) {
		iopf_defer_flush(run);
		kthread_stop(q->task);
		put_task_struct(q->task);
		q->task = NULL;
	}
}
