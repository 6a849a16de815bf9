// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench injector and unbinder threads.
 *
 * An injector is a kthread bound to one CPU: the traffic generator of the
 * devices it owns lanes on. A lane is its share of one device's slots
 * (group contexts), so every partial request and the last request of a
 * group come from one thread, and a device's open groups interleave (the
 * framework's partial list really holds them). In the PRQ model a request
 * goes into the device's IOMMU's page request queue, and that IOMMU's
 * reporter reports it; in the direct model the injector reports it.
 *
 * An unbinder cycles a device (or a PASID) through the framework's unbind
 * order while the injectors run, and checks that every group was answered
 * exactly once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "iopf_bench_int.h"
#include "stream.h"

enum { IOPF_STEP_BLOCKED = 1, IOPF_STEP_DOWN };

/* Closed loop: requests sent per lane under one hold of the device rwsem. */
#define IOPF_BATCH 16

/* Streams count their open groups and can be stopped (stream->stopping). */
static bool iopf_pasid_gate(struct iopf_run *run)
{
	return run->cfg.nr_unbinders &&
	       (run->cfg.unbind_scope == IOPF_BENCH_UNBIND_PASID ||
		(run->cfg.unbind_scope == IOPF_BENCH_UNBIND_DEVICE && iopf_graceful_stop(run)));
}

/* Stop opening groups on a stream and wait for its open ones to complete. */
static bool iopf_stream_stop(struct iopf_stream *stream)
{
	WRITE_ONCE(stream->stopping, true);
	smp_mb();	/* pairs with smp_mb__after_atomic() in iopf_lane_open() */
	wait_event_interruptible(stream->drain_wq,
				 !atomic_read(&stream->nopen) || kthread_should_stop());
	if (atomic_read(&stream->nopen)) {	/* the run is ending */
		WRITE_ONCE(stream->stopping, false);
		return false;
	}
	return true;
}

static bool iopf_told_to_stop(void)
{
	return (current->flags & PF_KTHREAD) && kthread_should_stop();
}

/*
 * The graceful stop's second half: wait until no group of the device (of
 * one stream: stream >= 0) waits for its response, at most stuck_ms. Also
 * before the run's teardown (run.c), so that with amd and smmuv3-stall no
 * group is pending when remove_device comes.
 */
int iopf_wait_answered(struct iopf_mdev *mdev, int stream)
{
	u64 deadline = iopf_stuck_deadline(mdev->run);
	u32 i, busy;

	for (;;) {
		for (i = 0, busy = 0; i < mdev->nslots; i++) {
			struct iopf_slot *slot = &mdev->slots[i];

			if ((stream < 0 || slot->stream == stream) &&
			    IOPF_SLOT_STATE(atomic64_read(&slot->word)) == IOPF_SLOT_OUTSTANDING)
				busy++;
		}
		if (!busy)
			return 0;
		if (!iopf_jiffies_until(deadline) || iopf_told_to_stop()) {
			if (!iopf_told_to_stop())
				iopf_run_stuck(mdev->run, "device %u: a graceful stop waited for %u responses",
					       mdev->index, busy);
			return -ETIMEDOUT;
		}
		usleep_range(20, 100);
	}
}

static u32 iopf_slot_tag(struct iopf_mdev *mdev, u32 idx)
{
	return idx + (mdev->slots[idx].gen << mdev->slot_shift);
}

static void iopf_stream_group_done(struct iopf_stream *stream)
{
	if (atomic_dec_and_test(&stream->nopen) && READ_ONCE(stream->stopping))
		wake_up(&stream->drain_wq);
}

/*
 * The device sends the next request of the group in slot idx: into its
 * IOMMU's PRQ (PRQ model; a full queue drops it, and a dropped last request
 * is answered by the hardware) or straight to the framework (direct).
 * stamp is the request's arrival, sent the moment it is sent (run clock).
 */
static __always_inline void iopf_inj_send(struct iopf_lane *lane, u32 idx, bool last,
					  bool measured, u64 stamp, u64 sent)
{
	struct iopf_mdev *mdev = lane->mdev;
	struct iopf_run *run = mdev->run;
	struct iopf_slot *slot = &mdev->slots[idx];
	struct iopf_inj_stats *st = &lane->inj->st;
	u32 tag = iopf_slot_tag(mdev, idx);
	struct iopf_prq_desc d = {
		.mdev = mdev,
		.stamp = stamp,
		.sent = sent,
		.tag = tag,
		.index = slot->sent,
		.stream = slot->stream,
		.flags = (last ? IOPF_DESC_LAST : 0) | (measured ? IOPF_DESC_MEASURED : 0),
	};

	/* Before the report: the answer may come from inside it. */
	if (last)
		atomic64_set(&slot->word, IOPF_SLOT_WORD(tag, IOPF_SLOT_OUTSTANDING));
	if (run->prq) {
		if (unlikely(!iopf_prq_push(mdev->mock, &d))) {
			slot->hw_dropped = true;
			if (last) {
				/* The hardware answers a dropped last request itself. */
				struct iopf_fault evt;

				iopf_desc_fault(mdev, &d, &evt);
				iopf_record_response(mdev, &evt, evt.fault.prm.pasid,
						     evt.fault.prm.grpid, IOMMU_PAGE_RESP_SUCCESS,
						     IOPF_SRC_HW);
			}
		}
	} else {
		iopf_deliver(mdev, &d);
	}
	slot->sent++;
	st->total_requests++;
	if (last)
		st->total_groups++;
	if (measured) {
		st->requests++;	/* partial requests = requests - groups */
		if (last) {
			st->groups++;
			if (atomic_read(&mdev->pasid_unbinding) &&
			    !READ_ONCE(mdev->streams[slot->stream].stopping))
				st->groups_during_unbind++;
		}
	}
}

/* The device was cycled: its open groups' partial requests are gone. */
static void iopf_lane_restart(struct iopf_lane *lane)
{
	struct iopf_mdev *mdev = lane->mdev;
	struct iopf_inj_stats *st = &lane->inj->st;
	u32 i;

	for (i = 0; i < lane->nopen; i++) {
		u32 idx = lane->ring[i];
		struct iopf_slot *slot = &mdev->slots[idx];

		if (slot->dev_gen == mdev->cycle_gen)
			continue;
		if (slot->sent) {
			st->discarded_partials += slot->sent;
			st->restarted_groups++;
		}
		slot->gen++;	/* a new incarnation (same grpid in the PRQ model) */
		slot->sent = 0;
		slot->hw_dropped = false;
		slot->dev_gen = mdev->cycle_gen;
		atomic64_set(&slot->word,
			     IOPF_SLOT_WORD(iopf_slot_tag(mdev, idx), IOPF_SLOT_OPEN));
	}
	lane->seen_gen = mdev->cycle_gen;
}

enum { IOPF_OPENED, IOPF_NO_SLOT, IOPF_GATED };

/*
 * Open one more group in a free slot (idle, or answered and not reused yet).
 * IOPF_NO_SLOT: every slot is in flight (credit exhausted); IOPF_GATED: the
 * only free slots belong to stopping streams.
 */
static __always_inline int iopf_lane_open(struct iopf_lane *lane)
{
	struct iopf_mdev *mdev = lane->mdev;
	struct iopf_run *run = mdev->run;
	bool gated = false;
	u32 n;

	for (n = 0; n < lane->nslots; n++) {
		u32 idx = lane->first + lane->reap_pos;
		struct iopf_slot *slot = &mdev->slots[idx];
		u32 state = IOPF_SLOT_STATE(atomic64_read(&slot->word));

		if (++lane->reap_pos >= lane->nslots)
			lane->reap_pos = 0;
		if (!IOPF_SLOT_FREE(state))
			continue;
		if (iopf_pasid_gate(run)) {
			struct iopf_stream *stream = &mdev->streams[slot->stream];

			if (READ_ONCE(stream->stopping)) {
				gated = true;
				continue;
			}
			atomic_inc(&stream->nopen);
			smp_mb__after_atomic();	/* pairs with the unbinder's smp_mb() */
			if (READ_ONCE(stream->stopping)) {
				iopf_stream_group_done(stream);
				gated = true;
				continue;
			}
		}
		/*
		 * Reused only after its response (ANSWERED), as a device must:
		 * the framework matches partials by grpid alone.
		 */
		slot->gen++;
		slot->sent = 0;
		slot->hw_dropped = false;
		slot->dev_gen = mdev->cycle_gen;
		atomic64_set(&slot->word,
			     IOPF_SLOT_WORD(iopf_slot_tag(mdev, idx), IOPF_SLOT_OPEN));
		lane->ring[lane->nopen++] = idx;
		return IOPF_OPENED;
	}
	return gated ? IOPF_GATED : IOPF_NO_SLOT;
}

/*
 * Send up to max requests on this lane, round robin over its open groups,
 * opening new ones as slots free up. The device's rwsem is taken once for
 * the batch: an unbinder waits for at most one batch. Returns the number
 * sent, or -IOPF_STEP_BLOCKED / -IOPF_STEP_DOWN if none could be.
 */
static int iopf_lane_step(struct iopf_lane *lane, bool measured, unsigned int max)
{
	struct iopf_mdev *mdev = lane->mdev;
	struct iopf_run *run = mdev->run;
	bool open_loop = run->cfg.pacing != IOPF_BENCH_PACE_CLOSED;
	unsigned int sent = 0;
	int open = IOPF_OPENED;

	/* A device being cycled by an unbinder holds this for write. */
	if (!down_read_trylock(&mdev->rwsem))
		return -IOPF_STEP_DOWN;
	if (unlikely(mdev->dead)) {
		up_read(&mdev->rwsem);
		return -IOPF_STEP_DOWN;
	}
	if (unlikely(lane->seen_gen != mdev->cycle_gen))
		iopf_lane_restart(lane);
	while (sent < max) {
		u32 pos, idx;
		bool last;

		/* After a scan found nothing free, do not rescan in this batch. */
		if (lane->nopen < lane->max_open && open == IOPF_OPENED)
			open = iopf_lane_open(lane);
		if (!lane->nopen)
			break;
		pos = lane->ring_pos;
		idx = lane->ring[pos];
		last = mdev->slots[idx].sent + 1 >= run->cfg.group_size;
		if (open_loop) {
			iopf_inj_send(lane, idx, last, measured, lane->inj->arrival,
				      lane->inj->now);
		} else {
			u64 t = run->timestamps ? iopf_clock(run) : 0;

			iopf_inj_send(lane, idx, last, measured, t, t);
		}
		sent++;
		if (last) {
			lane->ring[pos] = lane->ring[--lane->nopen];
			if (lane->ring_pos >= lane->nopen)
				lane->ring_pos = 0;
			if (iopf_pasid_gate(run))
				iopf_stream_group_done(&mdev->streams[mdev->slots[idx].stream]);
		} else if (++lane->ring_pos >= lane->nopen) {
			lane->ring_pos = 0;
		}
	}
	up_read(&mdev->rwsem);
	if (sent)
		return sent;
	return open == IOPF_GATED ? -IOPF_STEP_DOWN : -IOPF_STEP_BLOCKED;
}

/* Give up the open groups (end of the injector's work). */
static void iopf_inj_release(struct iopf_injector *inj)
{
	struct iopf_run *run = inj->run;
	unsigned int l;
	u32 i;

	for (l = 0; l < inj->nlanes; l++) {
		struct iopf_lane *lane = &inj->lanes[l];
		struct iopf_mdev *mdev = lane->mdev;

		for (i = 0; i < lane->nopen; i++) {
			struct iopf_slot *slot = &mdev->slots[lane->ring[i]];

			/* The framework drops them at remove_device. */
			inj->st.discarded_partials += slot->sent;
			atomic64_set(&slot->word, IOPF_SLOT_WORD(0, IOPF_SLOT_IDLE));
			if (iopf_pasid_gate(run))
				iopf_stream_group_done(&mdev->streams[slot->stream]);
		}
		lane->nopen = 0;
		lane->ring_pos = 0;
	}
}

static bool iopf_inj_has_answer(struct iopf_injector *inj)
{
	unsigned int l;
	u32 i;

	for (l = 0; l < inj->nlanes; l++) {
		struct iopf_lane *lane = &inj->lanes[l];

		for (i = 0; i < lane->nslots; i++) {
			u64 w = atomic64_read(&lane->mdev->slots[lane->first + i].word);

			if (IOPF_SLOT_STATE(w) == IOPF_SLOT_ANSWERED ||
			    IOPF_SLOT_STATE(w) == IOPF_SLOT_LOST)
				return true;
		}
	}
	return false;
}

/*
 * Nothing could be sent. Blocked on credit: sleep until a response wakes
 * us (the timeout only bounds a phase change). A device or stream down:
 * poll every few tens of microseconds until the unbinder brings it back.
 */
static void iopf_inj_wait(struct iopf_injector *inj, bool down)
{
	WRITE_ONCE(inj->sleeping, 1);
	set_current_state(TASK_INTERRUPTIBLE);	/* full barrier vs the responder's cmpxchg */
	if (!kthread_should_stop() && !iopf_inj_has_answer(inj)) {
		if (down) {
			ktime_t t = ns_to_ktime(30 * NSEC_PER_USEC);

			schedule_hrtimeout_range(&t, 20 * NSEC_PER_USEC, HRTIMER_MODE_REL);
		} else {
			schedule_timeout(msecs_to_jiffies(10));
		}
	}
	__set_current_state(TASK_RUNNING);
	WRITE_ONCE(inj->sleeping, 0);
}

/* Sleep until kthread_stop(). */
static void iopf_idle(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	if (!kthread_should_stop())
		schedule();
	__set_current_state(TASK_RUNNING);
}

/* Open-loop wait for the next arrival (run clock): sleep if it is far, else spin. */
static void iopf_wait_until(struct iopf_run *run, u64 next, u64 now)
{
	u64 ns = iopf_delta_ns(run, now, next);

	if (ns > 20 * NSEC_PER_USEC) {
		ktime_t t = ns_to_ktime(ns - 5 * NSEC_PER_USEC);

		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule_hrtimeout_range(&t, 5 * NSEC_PER_USEC, HRTIMER_MODE_REL);
		__set_current_state(TASK_RUNNING);
	} else {
		cpu_relax();
	}
}

/* log2(x) in Q16, x > 0 (bit-by-bit: square the normalized mantissa). */
static u32 iopf_log2_q16(u32 x)
{
	u32 msb = fls(x) - 1, r = msb << 16;
	u64 y = (u64)x << (31 - msb);	/* [2^31, 2^32): 1.0 == 2^31 */
	int i;

	for (i = 15; i >= 0; i--) {
		y = (y * y) >> 31;
		if (y >= (1ull << 32)) {
			y >>= 1;
			r |= 1u << i;
		}
	}
	return r;
}

/* Next interarrival, run clock << 16: constant, or exponential with the same mean. */
static u64 iopf_interarrival(struct iopf_injector *inj)
{
	struct iopf_run *run = inj->run;
	u32 u;
	u64 nl;

	if (run->cfg.pacing == IOPF_BENCH_PACE_CONSTANT)
		return run->period_fp;
	u = prandom_u32_state(&inj->rnd) | 1;	/* U in (0, 1) as u / 2^32 */
	/* -ln(U) = (32 - log2 u) * ln 2, Q16; ln 2 = 45426 / 2^16 */
	nl = ((u64)((32u << 16) - iopf_log2_q16(u)) * 45426) >> 16;
	return mul_u64_u64_shr(run->period_fp, nl, 16);
}

static int iopf_injector_fn(void *arg)
{
	struct iopf_injector *inj = arg;
	struct iopf_run *run = inj->run;
	bool open_loop = run->cfg.pacing != IOPF_BENCH_PACE_CLOSED;
	u64 next_fp = iopf_clock(run) << 16;
	bool stalled = false;

	while (!kthread_should_stop()) {
		int phase = READ_ONCE(run->phase);
		bool measured = phase == IOPF_BENCH_PHASE_MEASURE;
		unsigned int n, tries, sent = 0, down = 0;
		u64 now = 0;

		cond_resched();
		if (phase >= IOPF_BENCH_PHASE_STOPPING || inj->quota_done) {
			iopf_idle();
			continue;
		}
		if (open_loop) {
			/*
			 * Every request of the open loop arrives at its scheduled
			 * time, and its latencies count from there, however late
			 * this thread gets round to sending it.
			 */
			now = iopf_clock(run);
			inj->now = now;
			inj->arrival = next_fp >> 16;
			if (now < inj->arrival) {
				iopf_wait_until(run, inj->arrival, now);
				continue;
			}
		}
		/* Closed loop: a batch per lane. Open loop: one request. */
		for (tries = 0; tries < inj->nlanes; tries++) {
			struct iopf_lane *lane = &inj->lanes[inj->lane_pos];
			unsigned int max = open_loop ? 1 : IOPF_BATCH;
			int r;

			if (++inj->lane_pos >= inj->nlanes)
				inj->lane_pos = 0;
			if (measured && inj->quota)
				max = min_t(u64, max, inj->quota - inj->st.requests);
			r = iopf_lane_step(lane, measured, max);
			if (r > 0) {
				sent += r;
				if (open_loop)
					break;
			} else if (r == -IOPF_STEP_DOWN) {
				down++;
			}
		}
		if (!sent) {
			if (open_loop && measured && !stalled) {
				inj->st.stalls++;
				stalled = true;
			}
			iopf_inj_wait(inj, down);
			continue;
		}
		if (open_loop) {
			if (measured && run->timestamps) {
				struct iopf_pcpu *pc = iopf_pcpu_get(run);

				iopf_hist_add(&pc->hist[IOPF_PC_SEND_LAG],
					      iopf_delta_ns(run, inj->arrival, now));
				iopf_pcpu_put();
			}
			for (n = 0; n < sent; n++)
				next_fp += iopf_interarrival(inj);
			stalled = false;
		}
		if (measured && inj->quota && inj->st.requests >= inj->quota) {
			inj->quota_done = true;
			iopf_inj_release(inj);
			if (atomic_dec_and_test(&run->quota_left))
				wake_up(&run->ctl_wq);
		}
	}
	iopf_inj_release(inj);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Unbinders */

/*
 * Device scope: the device driver stops the device (the rwsem: no new
 * request from it; amd and smmuv3-stall: after its open groups completed,
 * and then waits for every response, iopf_graceful_stop), then unbinds through the core only: detach every PASID
 * and the RID (the mock drains and flushes inside), disable IOPF
 * (remove_device), check; then re-enable and re-attach.
 */
static void iopf_cycle_device(struct iopf_unbinder *ub, struct iopf_mdev *mdev)
{
	struct iopf_run *run = ub->run;
	bool graceful = iopf_graceful_stop(run);
	u64 t0, t1, t2;
	unsigned int i;
	int rc;

	t0 = ktime_get_ns();
	if (graceful) {				/* 0. open groups complete */
		for (i = 0; i < mdev->nstreams; i++) {
			if (!iopf_stream_stop(&mdev->streams[i])) {
				while (i--)
					WRITE_ONCE(mdev->streams[i].stopping, false);
				return;		/* the run is ending */
			}
		}
	}
	down_write(&mdev->rwsem);		/* 1. stop injecting */
	if (mdev->dead || (graceful && iopf_wait_answered(mdev, -1))) {
		up_write(&mdev->rwsem);
		for (i = 0; graceful && i < mdev->nstreams; i++)
			WRITE_ONCE(mdev->streams[i].stopping, false);
		return;
	}
	iopf_ts_event(run, IOPF_BENCH_TS_EV_UNBIND_START, t0, mdev->mock->index, mdev->index,
		      IOPF_BENCH_TS_ALL_PASIDS, 0);
	iopf_order_begin(run, IOPF_ORDER_DEVICE, mdev);
	iopf_mdev_quiesce(mdev);		/* detach (drain, flush), remove_device, check */
	iopf_order_end(run, IOPF_ORDER_DEVICE);
	if (run->cfg.handler == IOPF_BENCH_HANDLER_DEFER ||
	    run->cfg.handler == IOPF_BENCH_HANDLER_IOMMUFD)
		iopf_forget_kept(mdev);		/* the reset device forgot what is kept */
	t1 = ktime_get_ns();
	iopf_ts_event(run, IOPF_BENCH_TS_EV_UNBIND_END, t1, mdev->mock->index, mdev->index,
		      IOPF_BENCH_TS_ALL_PASIDS, t1 - t0);
	WRITE_ONCE(mdev->removed, false);
	rc = iopf_mdev_enable_attach(mdev);	/* re-enable IOPF, re-attach */
	if (rc) {
		ub->errors++;
		iopf_mdev_quiesce(mdev);
		mdev->dead = true;
		iopf_run_fail(run, rc, "device rebind");
	}
	mdev->cycle_gen++;
	up_write(&mdev->rwsem);			/* injection resumes */
	for (i = 0; graceful && i < mdev->nstreams; i++)
		WRITE_ONCE(mdev->streams[i].stopping, false);
	t2 = ktime_get_ns();
	iopf_ts_event(run, IOPF_BENCH_TS_EV_REBIND_END, t2, mdev->mock->index, mdev->index,
		      IOPF_BENCH_TS_ALL_PASIDS, t2 - t1);
	ub->cycles++;
	iopf_hist_add(&ub->hist[0], t1 - t0);
	iopf_hist_add(&ub->hist[1], t2 - t1);
}

/*
 * PASID scope: the device driver stops the PASID (no new group; its open
 * groups complete, like a device finishing its page request groups before
 * a PASID stop), then iommu_detach_device_pasid(), in which the mock drains
 * the PASID's queued requests and flushes the iopf workqueue under the
 * group's mutex; nothing of it may be outstanding; then re-attach. The
 * device's other PASIDs and its RID go on sending throughout.
 */
static void iopf_cycle_pasid(struct iopf_unbinder *ub, struct iopf_stream *stream)
{
	struct iopf_mdev *mdev = stream->mdev;
	struct iopf_run *run = ub->run;
	u64 t0, t1, t2;
	int rc;

	if (!stream->attached)
		return;		/* retired after a failed re-attach */
	t0 = ktime_get_ns();
	iopf_ts_event(run, IOPF_BENCH_TS_EV_UNBIND_START, t0, mdev->mock->index, mdev->index,
		      stream->pasid, 0);
	atomic_inc(&mdev->pasid_unbinding);
	if (!iopf_stream_stop(stream) ||
	    (iopf_graceful_stop(run) && iopf_wait_answered(mdev, stream - mdev->streams))) {
		WRITE_ONCE(stream->stopping, false);
		atomic_dec(&mdev->pasid_unbinding);
		iopf_ts_event(run, IOPF_BENCH_TS_EV_UNBIND_ABORT, ktime_get_ns(), mdev->mock->index,
			      mdev->index, stream->pasid, 0);
		return;
	}
	iopf_order_begin(run, IOPF_ORDER_PASID, mdev);
	iopf_stream_detach(stream);		/* drain + flush inside (mock), which marks it gone */
	iopf_order_end(run, IOPF_ORDER_PASID);
	iopf_check_lost(mdev, stream - mdev->streams);
	t1 = ktime_get_ns();
	iopf_ts_event(run, IOPF_BENCH_TS_EV_UNBIND_END, t1, mdev->mock->index, mdev->index,
		      stream->pasid, t1 - t0);
	rc = iopf_stream_attach(stream);	/* no longer gone */
	atomic_dec(&mdev->pasid_unbinding);
	if (rc) {
		ub->errors++;
		iopf_run_fail(run, rc, "PASID re-attach");
		return;		/* stays stopping: no more groups on it */
	}
	WRITE_ONCE(stream->stopping, false);
	t2 = ktime_get_ns();
	iopf_ts_event(run, IOPF_BENCH_TS_EV_REBIND_END, t2, mdev->mock->index, mdev->index,
		      stream->pasid, t2 - t1);
	ub->cycles++;
	iopf_hist_add(&ub->hist[0], t1 - t0);
	iopf_hist_add(&ub->hist[1], t2 - t1);
}

/*
 * REPLACE scope (7.x): switch a PASID to the device's other IOPF domain
 * with iommu_replace_device_pasid(), as iommufd's hwpt replace does; the
 * PASID keeps sending throughout (no stop, no drain: the driver hands the
 * IOPF count from the old domain to the new one). A group reported before
 * the switch is answered through the old handle, one after through the new.
 */
static void iopf_cycle_replace(struct iopf_unbinder *ub, struct iopf_stream *stream)
{
	struct iopf_mdev *mdev = stream->mdev;
	struct iopf_run *run = ub->run;
	u64 t0, t1;
	int rc;

	if (!stream->attached)
		return;
	t0 = ktime_get_ns();
	iopf_ts_event(run, IOPF_BENCH_TS_EV_UNBIND_START, t0, mdev->mock->index, mdev->index,
		      stream->pasid, 0);
	rc = iopf_stream_replace(stream);
	t1 = ktime_get_ns();
	if (rc) {
		ub->errors++;
		iopf_run_fail(run, rc, "PASID replace");
		return;
	}
	iopf_ts_event(run, IOPF_BENCH_TS_EV_UNBIND_END, t1, mdev->mock->index, mdev->index,
		      stream->pasid, t1 - t0);
	ub->cycles++;
	iopf_hist_add(&ub->hist[0], t1 - t0);
}

static int iopf_unbinder_fn(void *arg)
{
	struct iopf_unbinder *ub = arg;
	struct iopf_run *run = ub->run;
	u32 rate = run->cfg.unbind_rate_per_s;
	u64 period = rate ? div_u64((u64)run->cfg.nr_unbinders * NSEC_PER_SEC, rate) : 0;
	u64 next = ktime_get_ns();

	while (!kthread_should_stop()) {
		u32 t;

		cond_resched();
		if (READ_ONCE(run->phase) >= IOPF_BENCH_PHASE_STOPPING) {
			iopf_idle();
			continue;
		}
		if (period) {
			u64 now = ktime_get_ns();

			if (now < next) {
				ktime_t kt = ns_to_ktime(next);

				set_current_state(TASK_INTERRUPTIBLE);
				if (!kthread_should_stop())
					schedule_hrtimeout_range(&kt, 10 * NSEC_PER_USEC,
								 HRTIMER_MODE_ABS);
				__set_current_state(TASK_RUNNING);
				continue;
			}
			next += period;
			/* Catch up after a late wake-up, but not with a long burst. */
			if (next + 100 * NSEC_PER_MSEC < now)
				next = now;
		}
		t = ub->targets[prandom_u32_state(&ub->rnd) % ub->ntargets];
		if (run->cfg.unbind_scope == IOPF_BENCH_UNBIND_PASID)
			iopf_cycle_pasid(ub, &run->mdevs[t / run->cfg.pasids]
						      .streams[1 + t % run->cfg.pasids]);
		else if (run->cfg.unbind_scope == IOPF_BENCH_UNBIND_REPLACE)
			iopf_cycle_replace(ub, &run->mdevs[t / run->cfg.pasids]
						       .streams[1 + t % run->cfg.pasids]);
		else
			iopf_cycle_device(ub, &run->mdevs[t]);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Thread and lane set-up */

/*
 * Lanes: with at least as many devices as injectors, device d belongs to
 * injector d % N (whole devices, no shared device). With fewer devices,
 * injector i gets one lane on device i % D, and each device's slots and
 * open-group budget are split between its lanes.
 */
static int iopf_lanes_build(struct iopf_run *run)
{
	u32 ninj = run->cfg.nr_injectors, ndev = run->cfg.nr_devices;
	u32 i, d;

	for (i = 0; i < ninj; i++) {
		struct iopf_injector *inj = &run->inj[i];

		inj->nlanes = ndev >= ninj ? ndev / ninj + (i < ndev % ninj) : 1;
		inj->lanes = kcalloc(inj->nlanes, sizeof(*inj->lanes), GFP_KERNEL);
		if (!inj->lanes)
			return -ENOMEM;
	}
	for (d = 0; d < ndev; d++) {
		struct iopf_mdev *mdev = &run->mdevs[d];
		u32 nl = ndev >= ninj ? 1 : ninj / ndev + (d < ninj % ndev);
		u32 j, first = 0;

		for (j = 0; j < nl; j++) {
			struct iopf_injector *inj;
			struct iopf_lane *lane;
			u32 s;

			if (ndev >= ninj) {
				inj = &run->inj[d % ninj];
				lane = &inj->lanes[d / ninj];
			} else {
				inj = &run->inj[d + j * ndev];
				lane = &inj->lanes[0];
			}
			lane->inj = inj;
			lane->mdev = mdev;
			lane->first = first;
			lane->nslots = mdev->nslots / nl + (j < mdev->nslots % nl);
			lane->max_open = run->cfg.open_groups / nl + (j < run->cfg.open_groups % nl);
			lane->ring = kcalloc(lane->max_open, sizeof(*lane->ring), GFP_KERNEL);
			if (!lane->ring)
				return -ENOMEM;
			for (s = first; s < first + lane->nslots; s++)
				mdev->slots[s].inj = inj;
			first += lane->nslots;
		}
	}
	return 0;
}

int iopf_threads_create(struct iopf_run *run)
{
	u32 ninj = run->cfg.nr_injectors, nub = run->cfg.nr_unbinders;
	u32 i, t, ntargets, rem;
	u64 quota = div_u64_rem(run->cfg.max_requests, ninj, &rem);
	int rc;

	run->inj = kcalloc(ninj, sizeof(*run->inj), GFP_KERNEL);
	if (!run->inj)
		return -ENOMEM;
	rc = iopf_lanes_build(run);
	if (rc)
		return rc;
	atomic_set(&run->quota_left, ninj);
	for (i = 0; i < ninj; i++) {
		struct iopf_injector *inj = &run->inj[i];
		struct task_struct *task;

		inj->run = run;
		inj->id = i;
		inj->cpu = run->cpus[i];
		inj->quota = run->cfg.max_requests ? quota + (i < rem) : 0;
		prandom_seed_state(&inj->rnd, run->cfg.seed + 0x1000 + i);
		task = kthread_create_on_node(iopf_injector_fn, inj, cpu_to_node(inj->cpu),
					      "iopf_inj%u/%u", i, inj->cpu);
		if (IS_ERR(task))
			return PTR_ERR(task);
		kthread_bind(task, inj->cpu);
		/* Responders may still wake it while it exits: keep the task. */
		get_task_struct(task);
		inj->task = task;
	}
	if (!nub)
		return 0;
	run->unb = kvcalloc(nub, sizeof(*run->unb), GFP_KERNEL);
	if (!run->unb)
		return -ENOMEM;
	ntargets = run->cfg.unbind_scope != IOPF_BENCH_UNBIND_DEVICE ?
			   run->cfg.nr_devices * run->cfg.pasids : run->cfg.nr_devices;
	for (i = 0; i < nub; i++) {
		struct iopf_unbinder *ub = &run->unb[i];
		struct task_struct *task;

		ub->run = run;
		ub->id = i;
		iopf_hist_init(&ub->hist[0]);
		iopf_hist_init(&ub->hist[1]);
		prandom_seed_state(&ub->rnd, run->cfg.seed + 0x2000 + i);
		ub->targets = kcalloc(ntargets / nub + 1, sizeof(*ub->targets), GFP_KERNEL);
		if (!ub->targets)
			return -ENOMEM;
		for (t = i; t < ntargets; t += nub)
			ub->targets[ub->ntargets++] = t;
		task = kthread_create(iopf_unbinder_fn, ub, "iopf_unb%u", i);
		if (IS_ERR(task))
			return PTR_ERR(task);
		ub->task = task;
	}
	return 0;
}

void iopf_threads_wake(struct iopf_run *run)
{
	u32 i;

	for (i = 0; i < run->cfg.nr_iommus; i++)
		if (run->mocks[i].reporter)
			wake_up_process(run->mocks[i].reporter);
	for (i = 0; i < run->cfg.nr_injectors; i++)
		wake_up_process(run->inj[i].task);
	for (i = 0; run->unb && i < run->cfg.nr_unbinders; i++)
		wake_up_process(run->unb[i].task);
}

/* kthread_stop() also works on a created thread that never ran. */
void iopf_unbinders_stop(struct iopf_run *run)
{
	u32 i;

	for (i = 0; run->unb && i < run->cfg.nr_unbinders; i++) {
		if (run->unb[i].task)
			kthread_stop(run->unb[i].task);
		run->unb[i].task = NULL;
	}
}

void iopf_injectors_stop(struct iopf_run *run)
{
	u32 i;

	for (i = 0; run->inj && i < run->cfg.nr_injectors; i++) {
		struct iopf_injector *inj = &run->inj[i];

		if (inj->task && !inj->stopped) {
			kthread_stop(inj->task);
			inj->stopped = true;
		}
	}
}

void iopf_threads_free(struct iopf_run *run)
{
	u32 i;

	for (i = 0; run->inj && i < run->cfg.nr_injectors; i++) {
		struct iopf_injector *inj = &run->inj[i];

		if (inj->task)
			put_task_struct(inj->task);
		if (inj->lanes) {
			unsigned int l;

			for (l = 0; l < inj->nlanes; l++)
				kfree(inj->lanes[l].ring);
			kfree(inj->lanes);
		}
	}
	kfree(run->inj);
	run->inj = NULL;
	for (i = 0; run->unb && i < run->cfg.nr_unbinders; i++)
		kfree(run->unb[i].targets);
	kvfree(run->unb);
	run->unb = NULL;
}
