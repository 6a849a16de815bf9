// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench time-series stream: per-interval samples, events and (on
 * request) per-group records of a run, read from /dev/iopf_bench with
 * read() and poll(). Layout and semantics: include/iopf_bench.h ("The
 * time-series stream") and README.md.
 *
 * The data path never waits for it. A sampler thread wakes every interval,
 * sums the cumulative per-CPU counters and histograms the run keeps anyway
 * and subtracts its previous snapshot, so nothing on the hot path is reset
 * or locked. Events come from where they happen (unbinders, PRQ overflow)
 * under the ring's spinlock, only when the run streams. Group records go
 * into a lock-free per-CPU buffer (one producer at a time per CPU, as the
 * per-CPU statistics: preemption off) that the sampler empties.
 *
 * The ring is a byte ring of whole records; a record that does not fit is
 * dropped and counted, and a LOST record with the count goes in before the
 * next one that fits. Room for one LOST and the END record is always kept,
 * so that the end of a stream is never lost.
 *
 * Lifetime: a struct iopf_ts is reference counted. The run holds one
 * reference, the published "current stream" (what read() sees) is the
 * run's, and a reader holds one for the duration of its read(), so RESET
 * or the next START can free the run under a reader (rmmod cannot happen
 * while the device is open). Readers and pollers wait on one wait queue of
 * the module's, not the stream's: epoll and io_uring keep their entries
 * past a poll() call, and a stream may go while they do. The sampler is
 * stopped before anything of the run it reads goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>

#include "iopf_bench_int.h"
#include "stream.h"

#define IOPF_TS_BOUNCE		(64 * 1024)	/* most bytes one read() returns */
#define IOPF_TS_PCPU_GROUPS	8192		/* group records per CPU between two samples */
#define IOPF_TS_BATCH		256		/* group records per hold of the ring lock */

/* The histograms the samples summarize, and where each is in struct iopf_pcpu. */
enum { IOPF_TS_H_REPORT, IOPF_TS_H_RESPONSE, IOPF_TS_H_IN_FLUSH, IOPF_TS_H_NR };
static const u8 iopf_ts_hist_pc[IOPF_TS_H_NR] = {
	[IOPF_TS_H_REPORT] = IOPF_PC_REPORT_LAST,
	[IOPF_TS_H_RESPONSE] = IOPF_PC_RESPONSE,
	[IOPF_TS_H_IN_FLUSH] = IOPF_PC_REPORT_IN_FLUSH,
};

/* The largest record: the INTERVAL (asserted below). */
#define IOPF_TS_MAX_RECORD	sizeof(struct iopf_bench_ts_interval)
/* What the ring always keeps free: a LOST record and the END record. */
#define IOPF_TS_RESERVE	(sizeof(struct iopf_bench_ts_lost) + sizeof(struct iopf_bench_ts_end))

static_assert(sizeof(struct iopf_bench_ts_hdr) == 8);
static_assert(sizeof(struct iopf_bench_ts_start) == 56);
static_assert(sizeof(struct iopf_bench_ts_interval) == 176);
static_assert(sizeof(struct iopf_bench_ts_event) == 40);
static_assert(sizeof(struct iopf_bench_ts_group) == 40);
static_assert(sizeof(struct iopf_bench_ts_lost) == 24);
static_assert(sizeof(struct iopf_bench_ts_end) == 56);
static_assert(sizeof(struct iopf_bench_ts_start) <= IOPF_TS_MAX_RECORD &&
	      sizeof(struct iopf_bench_ts_end) <= IOPF_TS_MAX_RECORD &&
	      sizeof(struct iopf_bench_ts_event) <= IOPF_TS_MAX_RECORD &&
	      sizeof(struct iopf_bench_ts_group) <= IOPF_TS_MAX_RECORD);
static_assert(IOPF_TS_MAX_RECORD + IOPF_TS_RESERVE <= IOPF_BENCH_MIN_TS_RING_KIB * 1024);
static_assert(IOPF_TS_MAX_RECORD <= IOPF_TS_BOUNCE);

/* One group record as the responder leaves it: raw run-clock times. */
struct iopf_ts_gent {
	u64 arrival;
	u64 response;
	u32 device;
	u32 pasid;
	u32 grpid;
	u16 code;
	u8 src;
	u8 flags;
};

/* A CPU's group buffer: single producer (that CPU, preemption off), the sampler consumes. */
struct iopf_ts_pcpu {
	u32 head;			/* the producer's; release */
	u64 dropped;			/* the producer's: buffer full */
	u32 tail ____cacheline_aligned_in_smp;	/* the sampler's; release */
	u64 dropped_seen;		/* the sampler's */
	struct iopf_ts_gent ent[IOPF_TS_PCPU_GROUPS] ____cacheline_aligned_in_smp;
};

struct iopf_ts {
	struct kref ref;

	/* The ring: lock taken by writers and the reader, never held over a sleep. */
	spinlock_t lock;
	u8 *buf;
	u32 size;			/* bytes, a power of two */
	u32 head, tail;			/* byte counters (mod 2^32) */
	u32 seq;			/* the next record's */
	u64 lost_pending;		/* dropped since the last LOST record */
	u64 total_lost;
	bool ended;			/* END written: nothing more comes */
	u64 unbind_starts, unbind_ends;	/* events produced (the samples count them) */
	u64 t_start;			/* the run's START, ktime ns */

	/* Readers */
	struct mutex read_lock;		/* one read() at a time: it alone moves tail */
	u8 *bounce;

	/* The sampler (sample_lock; the boundaries and the final sample take it too) */
	struct iopf_run *run;		/* only while the run exists: never a reader's business */
	struct mutex sample_lock;
	struct task_struct *sampler;
	u64 interval_ns, slack_ns;
	u64 last_t;			/* the last sample's time (ktime): the next interval's start */
	u64 next_due;
	int phase;			/* of the interval in progress */
	u64 intervals;			/* INTERVAL records produced */
	u64 sampler_cpu_ns;
	u64 prev_requests, prev_window_requests, prev_responses, prev_window_responses;
	u64 prev_overflows, prev_dropped, prev_unbind_starts, prev_unbind_ends;
	struct iopf_hist *prev[IOPF_TS_H_NR];	/* the last snapshot of each histogram */
	struct iopf_hist *cur, *tmp;
	struct iopf_ts_pcpu **pcpu;	/* [nr_cpu_ids] with RUN_TS_GROUPS, else NULL */
};

/* What read() and poll() see: the current run's stream. */
static DEFINE_SPINLOCK(iopf_ts_cur_lock);
static struct iopf_ts *iopf_ts_cur;
/* Readers and pollers of any stream (it lives as long as an open device file). */
static DECLARE_WAIT_QUEUE_HEAD(iopf_ts_wq);

static void iopf_ts_release(struct kref *ref)
{
	struct iopf_ts *ts = container_of(ref, struct iopf_ts, ref);
	unsigned int k;

	for (k = 0; k < IOPF_TS_H_NR; k++)
		kvfree(ts->prev[k]);
	kvfree(ts->cur);
	kvfree(ts->tmp);
	kvfree(ts->bounce);
	kvfree(ts->buf);
	kfree(ts);
}

static void iopf_ts_put(struct iopf_ts *ts)
{
	kref_put(&ts->ref, iopf_ts_release);
}

static struct iopf_ts *iopf_ts_get_cur(void)
{
	struct iopf_ts *ts;

	spin_lock(&iopf_ts_cur_lock);
	ts = iopf_ts_cur;
	if (ts)
		kref_get(&ts->ref);
	spin_unlock(&iopf_ts_cur_lock);
	return ts;
}

/* ------------------------------------------------------------------------ */
/* The ring */

static u32 iopf_ts_free(const struct iopf_ts *ts)
{
	return ts->size - (ts->head - ts->tail);
}

static void iopf_ts_copy_in(struct iopf_ts *ts, const void *rec, u32 n)
{
	u32 off = ts->head & (ts->size - 1), first = min(n, ts->size - off);

	memcpy(ts->buf + off, rec, first);
	memcpy(ts->buf, (const u8 *)rec + first, n - first);
	ts->head += n;
}

static void iopf_ts_put_hdr(struct iopf_ts *ts, struct iopf_bench_ts_hdr *hdr, u16 type, u16 size)
{
	hdr->type = type;
	hdr->size = size;
	hdr->seq = ts->seq++;
}

static void iopf_ts_write_lost(struct iopf_ts *ts)
{
	struct iopf_bench_ts_lost rec = {
		.lost = ts->lost_pending,
		.total_lost = ts->total_lost,
	};

	iopf_ts_put_hdr(ts, &rec.hdr, IOPF_BENCH_TS_LOST, sizeof(rec));
	iopf_ts_copy_in(ts, &rec, sizeof(rec));
	ts->lost_pending = 0;
}

static void iopf_ts_drop(struct iopf_ts *ts, u64 n)
{
	ts->lost_pending += n;
	ts->total_lost += n;
}

/*
 * Write one record (lock held): a pending LOST record first. Every record
 * but END leaves IOPF_TS_RESERVE free; END uses it. After the end nothing
 * is written or counted.
 */
static void iopf_ts_write(struct iopf_ts *ts, struct iopf_bench_ts_hdr *hdr, u16 type, u16 size)
{
	u32 need = size + (type == IOPF_BENCH_TS_END ? 0 : IOPF_TS_RESERVE);

	lockdep_assert_held(&ts->lock);
	if (ts->ended)
		return;
	if (ts->lost_pending)
		need += sizeof(struct iopf_bench_ts_lost);
	if (iopf_ts_free(ts) < need) {
		iopf_ts_drop(ts, 1);
		return;
	}
	if (ts->lost_pending)
		iopf_ts_write_lost(ts);
	iopf_ts_put_hdr(ts, hdr, type, size);
	iopf_ts_copy_in(ts, hdr, size);
}

static void iopf_ts_push(struct iopf_ts *ts, struct iopf_bench_ts_hdr *hdr, u16 type, u16 size)
{
	spin_lock(&ts->lock);
	iopf_ts_write(ts, hdr, type, size);
	spin_unlock(&ts->lock);
}

static bool iopf_ts_readable(struct iopf_ts *ts)
{
	return READ_ONCE(ts->head) != READ_ONCE(ts->tail) || READ_ONCE(ts->ended);
}

/* Readers are woken once per sample and at the end, not per record. */
static void iopf_ts_wake(__poll_t mask)
{
	if (wq_has_sleeper(&iopf_ts_wq))
		wake_up_interruptible_poll(&iopf_ts_wq, mask);
}

/* ------------------------------------------------------------------------ */
/* Producers on the data path */

void __iopf_ts_event(struct iopf_ts *ts, u32 event, u64 t, u32 iommu, u32 device, u32 pasid,
		     u64 value)
{
	struct iopf_bench_ts_event rec = {
		.t_ns = t > ts->t_start ? t - ts->t_start : 0,
		.event = event,
		.iommu = iommu,
		.device = device,
		.pasid = pasid,
		.value = value,
	};

	spin_lock(&ts->lock);
	if (event == IOPF_BENCH_TS_EV_UNBIND_START)
		ts->unbind_starts++;
	else if (event == IOPF_BENCH_TS_EV_UNBIND_END)
		ts->unbind_ends++;
	iopf_ts_write(ts, &rec.hdr, IOPF_BENCH_TS_EVENT, sizeof(rec));
	spin_unlock(&ts->lock);
}

/* One answered group, from the responder with preemption off (iopf_pcpu_get). */
void iopf_ts_group(struct iopf_ts_pcpu *p, u32 device, u32 pasid, u32 grpid, u32 code,
		   enum iopf_src src, u64 arrival, u64 response, bool measured)
{
	u32 head = p->head;
	struct iopf_ts_gent *e;

	/* Pairs with the sampler's release of tail: it is done with those entries. */
	if (head - smp_load_acquire(&p->tail) >= IOPF_TS_PCPU_GROUPS) {
		WRITE_ONCE(p->dropped, p->dropped + 1);
		return;
	}
	e = &p->ent[head & (IOPF_TS_PCPU_GROUPS - 1)];
	e->arrival = arrival;
	e->response = response;
	e->device = device;
	e->pasid = pasid;
	e->grpid = grpid;
	e->code = code;
	e->src = src + IOPF_BENCH_TS_SRC_HANDLER;
	e->flags = measured ? IOPF_BENCH_TS_GROUP_MEASURED : 0;
	/* Publishes the entry: pairs with the sampler's acquire of head. */
	smp_store_release(&p->head, head + 1);
}
static_assert(IOPF_SRC_HANDLER + IOPF_BENCH_TS_SRC_HANDLER == IOPF_BENCH_TS_SRC_HANDLER);
static_assert(IOPF_SRC_HW + IOPF_BENCH_TS_SRC_HANDLER == IOPF_BENCH_TS_SRC_HW);

/* ------------------------------------------------------------------------ */
/* The sampler */

/* Move every CPU's group records into the ring (sample_lock held). */
static void iopf_ts_drain_groups(struct iopf_ts *ts)
{
	struct iopf_run *run = ts->run;
	unsigned int cpu;

	if (!ts->pcpu)
		return;
	for_each_possible_cpu(cpu) {
		struct iopf_ts_pcpu *p = ts->pcpu[cpu];
		/* Pairs with the producer's release of head: the entries are written. */
		u32 head = smp_load_acquire(&p->head), tail = p->tail, n = 0;
		u64 dropped = READ_ONCE(p->dropped);

		spin_lock(&ts->lock);
		if (dropped != p->dropped_seen) {
			iopf_ts_drop(ts, dropped - p->dropped_seen);
			p->dropped_seen = dropped;
		}
		for (; tail != head; tail++) {
			const struct iopf_ts_gent *e = &p->ent[tail & (IOPF_TS_PCPU_GROUPS - 1)];
			struct iopf_bench_ts_group rec = {
				.arrival_ns = iopf_delta_ns(run, run->clk_start, e->arrival),
				.response_ns = iopf_delta_ns(run, run->clk_start, e->response),
				.device = e->device,
				.pasid = e->pasid,
				.grpid = e->grpid,
				.code = e->code,
				.source = e->src,
				.flags = e->flags,
			};

			iopf_ts_write(ts, &rec.hdr, IOPF_BENCH_TS_GROUP, sizeof(rec));
			if (++n % IOPF_TS_BATCH == 0) {
				/*
				 * Let the reader and the event producers in. The
				 * release hands the entries back to the producer.
				 */
				smp_store_release(&p->tail, tail + 1);
				spin_unlock(&ts->lock);
				cond_resched();
				spin_lock(&ts->lock);
			}
		}
		spin_unlock(&ts->lock);
		/* Hands the entries back: pairs with the producer's acquire of tail. */
		smp_store_release(&p->tail, tail);
	}
}

/*
 * Sum every CPU's copy of per-CPU histogram pc into h: a snapshot of the
 * cumulative one. A CPU's buckets above its maximum's are empty and not
 * read; a sample counted there before its CPU wrote the new maximum is
 * picked up by the next snapshot (the maximum only grows), so every bucket
 * of the snapshot still only grows.
 */
static void iopf_ts_hist_snapshot(struct iopf_run *run, unsigned int pc, struct iopf_hist *h)
{
	unsigned int cpu, b;

	memset(h, 0, sizeof(*h));
	for_each_possible_cpu(cpu) {
		const struct iopf_hist *src = &run->pcpu[cpu]->hist[pc];
		u64 max = READ_ONCE(src->max);
		unsigned int nb = iopf_hist_bucket(max) + 1;

		if (!max && !READ_ONCE(src->buckets[0]))
			continue;	/* nothing yet on this CPU */
		for (b = 0; b < nb; b++)
			h->buckets[b] += READ_ONCE(src->buckets[b]);
		h->max = max(h->max, max);
	}
}

/* The interval's share of the cumulative histogram k: its summary. */
static void iopf_ts_hist_interval(struct iopf_ts *ts, unsigned int k,
				  struct iopf_bench_latency *lat)
{
	struct iopf_hist *t;

	iopf_ts_hist_snapshot(ts->run, iopf_ts_hist_pc[k], ts->cur);
	iopf_hist_delta_summary(ts->cur, ts->prev[k], ts->tmp, lat);
	t = ts->prev[k];
	ts->prev[k] = ts->cur;
	ts->cur = t;
}

#define IOPF_TS_DELTA(v, field) ({ u64 __d = (v) - ts->field; ts->field = (v); __d; })

/*
 * Close the interval [last_t, now) (sample_lock held): its group records,
 * then its INTERVAL record. Counters and histograms are cumulative, so
 * whatever happened between two samples lands in exactly one interval.
 */
static void iopf_ts_sample(struct iopf_ts *ts, u64 now, u32 flags)
{
	struct iopf_run *run = ts->run;
	struct iopf_bench_ts_interval rec = {};
	struct iopf_bench_latency lat;
	u64 req = 0, wreq = 0, resp = 0, wresp = 0, ovf = 0, drop = 0, starts, ends;
	u64 c0 = ktime_get_ns();
	unsigned int cpu, i;

	iopf_ts_drain_groups(ts);
	rec.t_ns = ts->last_t - run->t_start;
	rec.interval_ns = now - ts->last_t;
	rec.phase = ts->phase;
	rec.flags = flags;
	for (i = 0; run->inj && i < run->cfg.nr_injectors; i++) {
		req += READ_ONCE(run->inj[i].st.total_requests);
		wreq += READ_ONCE(run->inj[i].st.requests);
	}
	for_each_possible_cpu(cpu) {
		resp += READ_ONCE(run->pcpu[cpu]->c.total_responses);
		wresp += READ_ONCE(run->pcpu[cpu]->c.responses);
	}
	for (i = 0; run->mocks && i < run->cfg.nr_iommus; i++) {
		ovf += READ_ONCE(run->mocks[i].overflows);
		drop += READ_ONCE(run->mocks[i].dropped);
	}
	spin_lock(&ts->lock);
	starts = ts->unbind_starts;
	ends = ts->unbind_ends;
	spin_unlock(&ts->lock);
	rec.requests = IOPF_TS_DELTA(req, prev_requests);
	rec.window_requests = IOPF_TS_DELTA(wreq, prev_window_requests);
	rec.responses = IOPF_TS_DELTA(resp, prev_responses);
	rec.window_responses = IOPF_TS_DELTA(wresp, prev_window_responses);
	rec.overflows = IOPF_TS_DELTA(ovf, prev_overflows);
	rec.dropped = IOPF_TS_DELTA(drop, prev_dropped);
	rec.unbind_starts = IOPF_TS_DELTA(starts, prev_unbind_starts);
	rec.unbind_ends = IOPF_TS_DELTA(ends, prev_unbind_ends);

	iopf_ts_hist_interval(ts, IOPF_TS_H_REPORT, &lat);
	rec.report_count = lat.count;
	rec.report_p50_ns = lat.p50_ns;
	rec.report_p99_ns = lat.p99_ns;
	rec.report_max_ns = lat.max_ns;
	iopf_ts_hist_interval(ts, IOPF_TS_H_RESPONSE, &lat);
	rec.response_count = lat.count;
	rec.response_p50_ns = lat.p50_ns;
	rec.response_p99_ns = lat.p99_ns;
	rec.response_max_ns = lat.max_ns;
	iopf_ts_hist_interval(ts, IOPF_TS_H_IN_FLUSH, &lat);
	rec.in_flush_reports = lat.count;

	ts->last_t = now;
	ts->intervals++;
	rec.sample_ns = ktime_get_ns() - c0;
	iopf_ts_push(ts, &rec.hdr, IOPF_BENCH_TS_INTERVAL, sizeof(rec));
}

static int iopf_ts_sampler_fn(void *arg)
{
	struct iopf_ts *ts = arg;

	while (!kthread_should_stop()) {
		u64 due = READ_ONCE(ts->next_due), now;
		ktime_t kt = ns_to_ktime(due);

		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop() && ktime_get_ns() < due)
			schedule_hrtimeout_range(&kt, ts->slack_ns, HRTIMER_MODE_ABS);
		__set_current_state(TASK_RUNNING);
		if (kthread_should_stop())
			break;
		mutex_lock(&ts->sample_lock);
		now = ktime_get_ns();
		/* A boundary may have moved the grid meanwhile. */
		if (now >= ts->next_due) {
			iopf_ts_sample(ts, now, 0);
			ts->next_due += ts->interval_ns;
			if (ts->next_due <= now)	/* fell behind: no burst of short ones */
				ts->next_due = now + ts->interval_ns;
		}
		mutex_unlock(&ts->sample_lock);
		iopf_ts_wake(EPOLLIN | EPOLLRDNORM);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The run's side */

#define REFUSE(err, fmt, ...) iopf_refuse(err, "start", fmt, ##__VA_ARGS__)

/* The stream's fields of a run config (__reserved6: with the others, run.c). */
int iopf_ts_validate(struct iopf_bench_run_config *c)
{
	if (!c->ts_interval_ns) {
		if (c->flags & IOPF_BENCH_RUN_TS_GROUPS)
			return REFUSE(-EINVAL, "flags TS_GROUPS without ts_interval_ns (no stream)");
		if (c->ts_ring_kib)
			return REFUSE(-EINVAL, "ts_ring_kib %u without ts_interval_ns (no stream)",
				      c->ts_ring_kib);
		return 0;
	}
	if (c->ts_interval_ns < IOPF_BENCH_MIN_TS_INTERVAL_NS ||
	    c->ts_interval_ns > IOPF_BENCH_MAX_TS_INTERVAL_NS)
		return REFUSE(-EINVAL, "ts_interval_ns %llu is not in %llu..%llu", c->ts_interval_ns,
			      IOPF_BENCH_MIN_TS_INTERVAL_NS, IOPF_BENCH_MAX_TS_INTERVAL_NS);
	if (!c->ts_ring_kib)
		c->ts_ring_kib = c->flags & IOPF_BENCH_RUN_TS_GROUPS ?
				 IOPF_BENCH_TS_RING_KIB_GROUPS : IOPF_BENCH_TS_RING_KIB_DEFAULT;
	if (c->ts_ring_kib < IOPF_BENCH_MIN_TS_RING_KIB ||
	    c->ts_ring_kib > IOPF_BENCH_MAX_TS_RING_KIB || !is_power_of_2(c->ts_ring_kib))
		return REFUSE(-EINVAL, "ts_ring_kib %u is not a power of two in %u..%u",
			      c->ts_ring_kib, IOPF_BENCH_MIN_TS_RING_KIB, IOPF_BENCH_MAX_TS_RING_KIB);
	return 0;
}

u32 iopf_ts_max_record_size(void)
{
	return IOPF_TS_MAX_RECORD;
}

/* Set-up (START, before any thread runs). Undone by iopf_ts_destroy(). */
int iopf_ts_create(struct iopf_run *run)
{
	struct iopf_ts *ts;
	struct task_struct *task;
	unsigned int cpu, k;

	if (!run->cfg.ts_interval_ns)
		return 0;
	ts = kzalloc(sizeof(*ts), GFP_KERNEL);
	if (!ts)
		return -ENOMEM;
	kref_init(&ts->ref);
	spin_lock_init(&ts->lock);
	mutex_init(&ts->read_lock);
	mutex_init(&ts->sample_lock);
	ts->run = run;
	ts->interval_ns = run->cfg.ts_interval_ns;
	ts->slack_ns = min_t(u64, ts->interval_ns / 64, 50 * NSEC_PER_USEC);
	ts->phase = IOPF_BENCH_PHASE_WARMUP;
	run->ts = ts;	/* from here on, iopf_ts_destroy() undoes whatever exists */

	ts->size = run->cfg.ts_ring_kib * 1024;
	ts->buf = kvmalloc(ts->size, GFP_KERNEL);
	ts->bounce = kvmalloc(IOPF_TS_BOUNCE, GFP_KERNEL);
	ts->cur = kvzalloc(sizeof(*ts->cur), GFP_KERNEL);
	ts->tmp = kvzalloc(sizeof(*ts->tmp), GFP_KERNEL);
	if (!ts->buf || !ts->bounce || !ts->cur || !ts->tmp)
		return -ENOMEM;
	for (k = 0; k < IOPF_TS_H_NR; k++) {
		ts->prev[k] = kvzalloc(sizeof(*ts->prev[k]), GFP_KERNEL);
		if (!ts->prev[k])
			return -ENOMEM;
	}
	if (run->cfg.flags & IOPF_BENCH_RUN_TS_GROUPS) {
		ts->pcpu = kcalloc(nr_cpu_ids, sizeof(*ts->pcpu), GFP_KERNEL);
		if (!ts->pcpu)
			return -ENOMEM;
		for_each_possible_cpu(cpu) {
			ts->pcpu[cpu] = kvzalloc_node(sizeof(*ts->pcpu[cpu]), GFP_KERNEL,
						      cpu_to_node(cpu));
			if (!ts->pcpu[cpu])
				return -ENOMEM;
		}
	}
	task = kthread_create(iopf_ts_sampler_fn, ts, "iopf_ts");
	if (IS_ERR(task))
		return PTR_ERR(task);
	get_task_struct(task);	/* its CPU time is read after it stopped */
	ts->sampler = task;
	return 0;
}

/*
 * START: the first record, the group buffers handed to the responders, the
 * stream published for read(), the sampler started. Before any other
 * thread runs, so START is the first record.
 */
void iopf_ts_begin(struct iopf_run *run)
{
	struct iopf_ts *ts = run->ts;
	struct iopf_bench_ts_start rec = {
		.run_id = run->id,
		.start_ns = run->t_start,
		.duration_ms = run->cfg.duration_ms,
		.warmup_ms = run->cfg.warmup_ms,
		.run_flags = run->cfg.flags,
		.clock = !run->timestamps ? IOPF_BENCH_CLOCK_NONE :
			 run->tsc ? IOPF_BENCH_CLOCK_TSC : IOPF_BENCH_CLOCK_KTIME,
	};
	unsigned int cpu;

	if (!ts)
		return;
	rec.interval_ns = ts->interval_ns;
	rec.ring_kib = run->cfg.ts_ring_kib;
	ts->t_start = run->t_start;
	ts->last_t = run->t_start;
	ts->next_due = run->t_start + ts->interval_ns;
	iopf_ts_push(ts, &rec.hdr, IOPF_BENCH_TS_START, sizeof(rec));
	if (ts->pcpu)
		for_each_possible_cpu(cpu)
			run->pcpu[cpu]->ts = ts->pcpu[cpu];
	spin_lock(&iopf_ts_cur_lock);
	WARN_ON_ONCE(iopf_ts_cur);
	kref_get(&ts->ref);
	iopf_ts_cur = ts;
	spin_unlock(&iopf_ts_cur_lock);
	wake_up_process(ts->sampler);
}

/*
 * The measured window begins (phase MEASURE) or ends (STOPPING): close the
 * interval in progress right now and start the next one here, so that no
 * interval straddles a window boundary. Returns the boundary's time, which
 * the caller takes as the window's start or end (ktime ns).
 */
u64 iopf_ts_boundary(struct iopf_run *run, int phase)
{
	struct iopf_ts *ts = run->ts;
	u64 now;

	if (!ts)
		return ktime_get_ns();
	mutex_lock(&ts->sample_lock);
	now = ktime_get_ns();
	iopf_ts_sample(ts, now, 0);
	ts->phase = phase;
	ts->next_due = now + ts->interval_ns;
	mutex_unlock(&ts->sample_lock);
	if (phase == IOPF_BENCH_PHASE_MEASURE)
		__iopf_ts_event(ts, IOPF_BENCH_TS_EV_WINDOW_START, now, IOPF_BENCH_TS_NONE,
				IOPF_BENCH_TS_NONE, IOPF_BENCH_TS_NONE, 0);
	else
		__iopf_ts_event(ts, IOPF_BENCH_TS_EV_WINDOW_END, now, IOPF_BENCH_TS_NONE,
				IOPF_BENCH_TS_NONE, IOPF_BENCH_TS_NONE, now - run->t_window_start);
	iopf_ts_wake(EPOLLIN | EPOLLRDNORM);
	return now;
}

/* Stop the sampler (idempotent); keeps its CPU time. */
void iopf_ts_stop(struct iopf_run *run)
{
	struct iopf_ts *ts = run->ts;

	if (!ts || !ts->sampler)
		return;
	kthread_stop(ts->sampler);
	ts->sampler_cpu_ns = READ_ONCE(ts->sampler->se.sum_exec_runtime);
	put_task_struct(ts->sampler);
	ts->sampler = NULL;
}

/*
 * Every thread of the run has stopped and every device is gone: stop the
 * sampler and take the FINAL sample, so that the intervals hold everything.
 */
void iopf_ts_finish(struct iopf_run *run)
{
	struct iopf_ts *ts = run->ts;

	if (!ts)
		return;
	iopf_ts_stop(run);
	mutex_lock(&ts->sample_lock);
	iopf_ts_sample(ts, ktime_get_ns(), IOPF_BENCH_TS_IV_FINAL);
	mutex_unlock(&ts->sample_lock);
}

/* The END record: readers get the rest, then end of file. Idempotent. */
void iopf_ts_end(struct iopf_run *run)
{
	struct iopf_ts *ts = run->ts;
	struct iopf_bench_ts_end rec = {};

	if (!ts)
		return;
	rec.t_ns = ktime_get_ns() - ts->t_start;
	rec.intervals = ts->intervals;
	rec.sampler_cpu_ns = ts->sampler_cpu_ns;
	rec.error = run->error;
	rec.status = run->error || !run->results ? IOPF_BENCH_RESULT_ERROR :
		     run->results->status;
	spin_lock(&ts->lock);
	if (!ts->ended) {
		if (ts->lost_pending)
			iopf_ts_write_lost(ts);	/* the reserve holds it and END */
		rec.lost_records = ts->total_lost;
		rec.records = ts->seq + 1;
		iopf_ts_write(ts, &rec.hdr, IOPF_BENCH_TS_END, sizeof(rec));
		ts->ended = true;
	}
	spin_unlock(&ts->lock);
	iopf_ts_wake(EPOLLIN | EPOLLRDNORM | EPOLLHUP);
}

/* The run goes (RESET, next START, rmmod, failed START): after its threads stopped. */
void iopf_ts_destroy(struct iopf_run *run)
{
	struct iopf_ts *ts = run->ts;
	unsigned int cpu;

	if (!ts)
		return;
	iopf_ts_stop(run);
	iopf_ts_end(run);
	spin_lock(&iopf_ts_cur_lock);
	if (iopf_ts_cur == ts) {
		iopf_ts_cur = NULL;
		iopf_ts_put(ts);	/* not the last: the run holds one */
	}
	spin_unlock(&iopf_ts_cur_lock);
	iopf_ts_wake(EPOLLERR);	/* pollers: no stream any more */
	if (ts->pcpu) {
		for_each_possible_cpu(cpu) {
			if (run->pcpu && run->pcpu[cpu])
				run->pcpu[cpu]->ts = NULL;
			kvfree(ts->pcpu[cpu]);
		}
		kfree(ts->pcpu);
		ts->pcpu = NULL;
	}
	ts->run = NULL;
	run->ts = NULL;
	iopf_ts_put(ts);
}

/* ------------------------------------------------------------------------ */
/* read() and poll() */

/*
 * Copy whole records from the tail into the bounce buffer, at most max
 * bytes; nothing is consumed. Returns the bytes, 0 when the ring is empty
 * (*ended: and nothing more comes), -EINVAL when max is too small for the
 * next record.
 */
static ssize_t iopf_ts_peek(struct iopf_ts *ts, size_t max, bool *ended)
{
	u32 pos, n = 0;

	max = min_t(size_t, max, IOPF_TS_BOUNCE);
	spin_lock(&ts->lock);
	*ended = ts->ended;
	for (pos = ts->tail; pos != ts->head;) {
		const struct iopf_bench_ts_hdr *hdr =
			(const void *)(ts->buf + (pos & (ts->size - 1)));
		u32 off = pos & (ts->size - 1), size = hdr->size, first;

		if (n + size > max)
			break;
		first = min(size, ts->size - off);
		memcpy(ts->bounce + n, ts->buf + off, first);
		memcpy(ts->bounce + n + first, ts->buf, size - first);
		n += size;
		pos += size;
	}
	if (!n && ts->tail != ts->head) {
		spin_unlock(&ts->lock);
		return -EINVAL;
	}
	spin_unlock(&ts->lock);
	return n;
}

ssize_t iopf_ts_read(struct iov_iter *to, bool nowait)
{
	struct iopf_ts *ts = iopf_ts_get_cur();
	ssize_t n;

	if (!ts)
		return -ENODATA;
	if (nowait) {
		if (!mutex_trylock(&ts->read_lock)) {
			n = -EAGAIN;
			goto put;
		}
	} else if (mutex_lock_interruptible(&ts->read_lock)) {
		n = -ERESTARTSYS;
		goto put;
	}
	for (;;) {
		bool ended;

		n = iopf_ts_peek(ts, iov_iter_count(to), &ended);
		if (n || ended)		/* ended and empty: end of file */
			break;
		if (nowait) {
			n = -EAGAIN;
			break;
		}
		if (wait_event_interruptible(iopf_ts_wq, iopf_ts_readable(ts))) {
			n = -ERESTARTSYS;
			break;
		}
	}
	if (n > 0) {
		if (copy_to_iter(ts->bounce, n, to) != n) {
			n = -EFAULT;	/* nothing consumed: the records stay */
		} else {
			spin_lock(&ts->lock);
			ts->tail += n;
			spin_unlock(&ts->lock);
		}
	}
	mutex_unlock(&ts->read_lock);
put:
	iopf_ts_put(ts);
	return n;
}

__poll_t iopf_ts_poll(struct file *filp, struct poll_table_struct *wait)
{
	struct iopf_ts *ts;
	__poll_t mask = 0;

	poll_wait(filp, &iopf_ts_wq, wait);
	ts = iopf_ts_get_cur();
	if (!ts)
		return EPOLLERR;
	spin_lock(&ts->lock);
	if (ts->head != ts->tail)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (ts->ended)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	spin_unlock(&ts->lock);
	iopf_ts_put(ts);
	return mask;
}
