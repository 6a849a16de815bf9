/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopf_bench internals: the run, the mock IOMMU and its devices, injector
 * and unbinder threads, per-CPU statistics. See README.md for the design.
 */
#ifndef IOPF_BENCH_INT_H
#define IOPF_BENCH_INT_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/iommu.h>
#include <linux/math64.h>
#include <linux/timekeeping.h>
#include <linux/platform_device.h>
#include <linux/prandom.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/wait.h>

#ifdef CONFIG_X86_TSC
#include <asm/tsc.h>
#endif

#include "iopf_bench.h"

#if !IS_ENABLED(CONFIG_IOMMU_API)
#error "iopf_bench needs a kernel with CONFIG_IOMMU_API"
#endif

/*
 * From drivers/iommu/iommu-priv.h (6.12), exported in IOMMUFD_INTERNAL: a
 * plain iommu_attach_group() stores no attach handle, and the IOPF core
 * finds a fault's handler through the handle.
 */
int iommu_attach_group_handle(struct iommu_domain *domain,
			      struct iommu_group *group,
			      struct iommu_attach_handle *handle);
void iommu_detach_group_handle(struct iommu_domain *domain,
			       struct iommu_group *group);

/* A refused command: one rate-limited line naming the op and the field. */
#define iopf_reject(op, fmt, ...) \
	pr_warn_ratelimited("%s: " fmt "\n", op, ##__VA_ARGS__)

/* ------------------------------------------------------------------------ */
/* Histograms (hist.c): log-linear, layout in iopf_bench.h. */

/*
 * Only the buckets and the exact maximum are kept on the hot path (two
 * memory updates per sample: under TCG every load and store is a software
 * TLB lookup). Count, minimum and mean are derived from the buckets.
 */
struct iopf_hist {
	u64 max;
	u64 buckets[IOPF_BENCH_HIST_NR_BUCKETS];
};

static inline unsigned int iopf_hist_bucket(u64 v)
{
	unsigned int e, b;

	if (v < (1u << IOPF_BENCH_HIST_SUB_BITS))
		return v;
	e = fls64(v) - 1 - IOPF_BENCH_HIST_SUB_BITS;
	b = (e << IOPF_BENCH_HIST_SUB_BITS) + (unsigned int)(v >> e);
	return min_t(unsigned int, b, IOPF_BENCH_HIST_NR_BUCKETS - 1);
}

static inline void iopf_hist_add(struct iopf_hist *h, u64 v)
{
	h->buckets[iopf_hist_bucket(v)]++;
	if (unlikely(v > h->max))
		h->max = v;
}

void iopf_hist_init(struct iopf_hist *h);
void iopf_hist_merge(struct iopf_hist *dst, const struct iopf_hist *src);
void iopf_hist_summary(const struct iopf_hist *h, struct iopf_bench_latency *out);

/* ------------------------------------------------------------------------ */
/* Response sources */
enum iopf_src {
	IOPF_SRC_HANDLER,	/* our handler answered (SUCCESS) */
	IOPF_SRC_ABORT,		/* the core's abort path (FAILURE) */
	IOPF_SRC_NO_HANDLER,	/* the core found no handle (INVALID) */
	IOPF_SRC_REMOVE,	/* iopf_queue_remove_device (INVALID) */
	IOPF_SRC_NR,
};

/*
 * Per-CPU statistics of the response side and the handlers. Updated with
 * preemption disabled by whichever thread runs there (worker, injector,
 * unbinder); summed only when read.
 */
struct iopf_counters {
	/* measured window */
	u64 responses;
	u64 resp_code[3];	/* enum iommu_page_response_code */
	/* whole run */
	u64 total_responses;
	u64 from[IOPF_SRC_NR];
	u64 handled;		/* groups that entered the handler (fail/abandon_every) */
	u64 failed_groups;
	u64 abandoned_groups;
	u64 viol_unexpected;
	u64 viol_late;
	u64 viol_lost;
};

struct iopf_pcpu {
	struct iopf_counters c;
	struct iopf_hist hist[IOPF_BENCH_HIST_WORK + 1];	/* RESPONSE, HANDLER, WORK */
};

/* ------------------------------------------------------------------------ */
/*
 * A slot is one group context of a device: grpid = index + (gen << shift),
 * so the grpid of a response finds its slot and a stale or doubled
 * response does not match the slot's current word.
 */
enum {
	IOPF_SLOT_IDLE = 0,
	IOPF_SLOT_OPEN,		/* partial requests being sent */
	IOPF_SLOT_OUTSTANDING,	/* last request sent, not answered */
	IOPF_SLOT_ANSWERED,	/* answered, not yet reused by its injector */
};
#define IOPF_SLOT_WORD(grpid, state) (((u64)(grpid) << 32) | (state))
#define IOPF_SLOT_STATE(w) ((u32)(w) & 0xff)
#define IOPF_SLOT_GRPID(w) ((u32)((w) >> 32))

/* private_data[1] of every request: the run's cookie | measured bit */
#define IOPF_PRIV_MEASURED 1ull

struct iopf_lane;

struct iopf_slot {
	atomic64_t word;	/* OUTSTANDING -> ANSWERED by the responder (cmpxchg) */
	/* owned by the lane's injector */
	u32 gen;
	u32 sent;		/* requests reported in the current group */
	u32 dev_gen;		/* device cycle generation when the group (re)started */
	u16 stream;
	struct iopf_injector *inj;	/* the owner, woken by responses */
} ____cacheline_aligned_in_smp;

struct iopf_mdev;

/* The RID (stream 0) or one PASID of a device: one attach handle each. */
struct iopf_stream {
	struct iommu_attach_handle handle;
	struct iopf_mdev *mdev;
	u32 pasid;		/* IOMMU_NO_PASID for the RID */
	bool attached;
	/* PASID-scope unbind */
	bool stopping;		/* no new group may start on this stream */
	bool gone;		/* detached by an unbinder: a response now is late */
	atomic_t nopen;		/* groups open on this stream */
	wait_queue_head_t drain_wq;
};

struct iopf_run;
struct iopf_mock;

struct iopf_mdev {
	struct iopf_run *run;
	u32 index;
	/* framework side (NULL/false with the null handler) */
	struct iopf_mock *mock;
	struct platform_device *pdev;
	bool pdev_added;
	struct device *dev;
	struct iommu_group *group;
	struct iommu_domain *domain;
	bool iopf_enabled;
	bool removed;		/* remove_device returned, not re-enabled yet */
	bool dead;		/* a rebind failed: no more injection */
	struct task_struct *remover;	/* thread inside iommu_dev_disable_feature */

	/* report under read (trylock), device-scope unbind under write */
	struct rw_semaphore rwsem;
	u32 cycle_gen;		/* bumped under write by every device cycle */

	u32 nstreams;
	struct iopf_stream *streams;

	u32 nslots;
	u32 slot_shift;
	struct iopf_slot *slots;
};

/* One injector's share of one device. */
struct iopf_lane {
	struct iopf_injector *inj;
	struct iopf_mdev *mdev;
	u32 first;		/* slots [first, first + nslots) of the device */
	u32 nslots;
	u32 max_open;
	u32 nopen;
	u32 ring_pos;
	u32 reap_pos;
	u32 seen_gen;
	u16 *ring;		/* device slot indexes of the open groups */
};

struct iopf_inj_stats {
	/* measured window */
	u64 requests;
	u64 groups;
	u64 report_errors;
	u64 stalls;
	/* whole run */
	u64 total_requests;
	u64 total_groups;
	u64 discarded_partials;
	u64 restarted_groups;
};

struct iopf_injector {
	struct iopf_run *run;
	unsigned int id;
	unsigned int cpu;
	struct task_struct *task;
	struct iopf_lane *lanes;
	unsigned int nlanes;
	unsigned int lane_pos;
	struct rnd_state rnd;
	u64 quota;		/* requests to send in the window (count mode) */
	bool quota_done;
	bool stopped;
	int sleeping;		/* waiting for a response (responder wakes it) */
	u64 cpu_window_start;
	u64 cpu_ns;
	struct iopf_inj_stats st;
} ____cacheline_aligned_in_smp;

struct iopf_unbinder {
	struct iopf_run *run;
	unsigned int id;
	struct task_struct *task;
	struct rnd_state rnd;
	u32 *targets;
	unsigned int ntargets;
	u64 cycles;
	u64 errors;
	struct iopf_hist hist[2];	/* UNBIND, REBIND */
};

/*
 * The handler variants: one ops table each (locktorture style). With
 * framework set, the injector reports through iommu_report_device_fault()
 * and the core calls handle(); without, it calls iopf_null_report().
 */
struct iopf_handler_ops {
	const char *name;
	bool framework;		/* needs the mock IOMMU and the IOPF framework */
	/* domain->iopf_handler's variant part; NULL without the framework */
	int (*handle)(struct iopf_group *group);
	/* the work that answers a group; NULL if the variant answers inline */
	void (*work)(struct work_struct *work);
};

struct iopf_mock {
	struct iommu_ops ops;		/* a heap copy: owner NULL, see mock.c */
	struct iommu_device iommu;
	struct fwnode_handle *fwnode;
	struct iommu_domain blocked;
	struct iopf_queue *queue;
	bool sysfs_added;
	bool registered;
	struct iopf_mdev *probing;	/* the device being added */
};

struct iopf_run {
	u64 id;
	u64 cookie;
	struct iopf_bench_run_config cfg;	/* validated, defaults filled in */
	u32 *cpus;				/* injector i runs on cpus[i] */
	const struct iopf_handler_ops *hops;
	bool timestamps;
	bool tsc;		/* group timestamps are TSC cycles (else ktime ns) */
	u32 tsc_mult;		/* ns = cycles * tsc_mult >> IOPF_TSC_SHIFT */
	u32 nstreams;
	u64 period_fp;		/* open loop: mean interarrival per injector, ns << 16 */

	struct iopf_mock *mock;
	struct iopf_mdev *mdevs;
	struct iopf_injector *inj;
	struct iopf_unbinder *unb;
	struct iopf_pcpu **pcpu;	/* [nr_cpu_ids], possible CPUs only */
	struct task_struct *ctl;

	int phase;			/* enum iopf_bench_phase, READ_ONCE on hot paths */
	bool stop_requested;
	int error;
	atomic_t quota_left;
	wait_queue_head_t ctl_wq;

	u64 t_start, t_window_start, t_window_end, t_end;

	/* filled when the run finishes */
	struct iopf_bench_results *results;
	u64 *hist_dump;			/* [IOPF_BENCH_HIST_NR][NR_BUCKETS] */
};

/*
 * Group timestamps. ktime_get_ns() costs about 4x a bare TSC read (seqcount,
 * indirect clocksource call, ordered rdtsc): where the TSC is what the
 * kernel keeps time with (not marked unstable), the hot path reads the TSC
 * and deltas are converted to ns. Elsewhere ktime_get_ns().
 */
#define IOPF_TSC_SHIFT 22

static inline u64 iopf_clock(const struct iopf_run *run)
{
#ifdef CONFIG_X86_TSC
	if (likely(run->tsc))
		return rdtsc();
#endif
	return ktime_get_ns();
}

static inline u64 iopf_delta_ns(const struct iopf_run *run, u64 from, u64 to)
{
	if (to <= from)
		return 0;
	if (run->tsc)
		return mul_u64_u32_shr(to - from, run->tsc_mult, IOPF_TSC_SHIFT);
	return to - from;
}

/* main.c / run.c */
int iopf_run_init(void);
void iopf_run_exit(void);
int iopf_run_start(struct iopf_bench_run_config *ucfg);
int iopf_run_status(struct iopf_bench_status *st);
int iopf_run_stop(void);
int iopf_run_wait(u32 timeout_ms, u32 *state);
int iopf_run_results(struct iopf_bench_results *res);
int iopf_run_reset(void);
void iopf_run_fail(struct iopf_run *run, int error, const char *what);

static inline bool iopf_framework_present(void)
{
	return IS_ENABLED(CONFIG_IOMMU_IOPF);
}

/* mock.c */
u32 iopf_mock_kind(void);
const char *iopf_mock_kind_name(void);
const struct iopf_handler_ops *iopf_handler_find(u32 handler);
u32 iopf_handler_mask(void);
const char *iopf_handler_names(void);
int iopf_mock_create(struct iopf_run *run);
void iopf_mock_destroy(struct iopf_run *run);
int iopf_mdev_setup(struct iopf_mdev *mdev);
void iopf_mdev_teardown(struct iopf_mdev *mdev);
int iopf_mdev_enable_attach(struct iopf_mdev *mdev);
void iopf_mdev_quiesce(struct iopf_mdev *mdev);
int iopf_stream_attach(struct iopf_stream *stream);
void iopf_stream_detach(struct iopf_stream *stream);
void iopf_record_response(struct iopf_mdev *mdev, const struct iopf_fault *evt,
			  u32 pasid, u32 grpid, u32 code, enum iopf_src src);
enum { IOPF_VIOL_NON_LAST, IOPF_VIOL_UNKNOWN, IOPF_VIOL_NOT_OUTSTANDING, IOPF_VIOL_LATE };
void iopf_record_violation(struct iopf_mdev *mdev, struct iopf_pcpu *pc, int kind,
			   u32 code, enum iopf_src src, u32 grpid, u32 pasid);
void iopf_service_wait(struct iopf_run *run);
unsigned int iopf_check_lost(struct iopf_mdev *mdev, int stream);

/* inject.c */
int iopf_threads_create(struct iopf_run *run);
void iopf_threads_wake(struct iopf_run *run);
void iopf_unbinders_stop(struct iopf_run *run);
void iopf_injectors_stop(struct iopf_run *run);
void iopf_threads_free(struct iopf_run *run);

static inline struct iopf_pcpu *iopf_pcpu_get(struct iopf_run *run)
{
	return run->pcpu[get_cpu()];
}

static inline void iopf_pcpu_put(void)
{
	put_cpu();
}

static inline void iopf_service(struct iopf_run *run)
{
	if (unlikely(run->cfg.service_ns))
		iopf_service_wait(run);
}

static inline void iopf_wake_injector(struct iopf_slot *slot)
{
	struct iopf_injector *inj = slot->inj;

	if (READ_ONCE(inj->sleeping))
		wake_up_process(inj->task);
}

/*
 * One response, from the mock's page_response or from the null sink: find
 * the slot by grpid, check it was outstanding (cmpxchg to ANSWERED), count
 * it by source and code, and the report->response latency. Inline: it is
 * the null sink's whole cost, and under TCG a call and return cost as much
 * as a dozen instructions.
 */
static __always_inline void __iopf_record_response(struct iopf_mdev *mdev,
						   const struct iopf_fault *evt,
						   u32 pasid, u32 grpid, u32 code,
						   enum iopf_src src)
{
	const struct iommu_fault_page_request *prm = &evt->fault.prm;
	struct iopf_run *run = mdev->run;
	struct iopf_stream *stream;
	struct iopf_slot *slot;
	struct iopf_pcpu *pc;
	u64 expect, now = 0;
	u32 idx;
	bool late;

	if (run->timestamps)
		now = iopf_clock(run);
	pc = iopf_pcpu_get(run);
	if (unlikely(!(prm->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE))) {
		iopf_record_violation(mdev, pc, IOPF_VIOL_NON_LAST, code, src, grpid, pasid);
		goto out;
	}
	idx = grpid & ((1u << mdev->slot_shift) - 1);
	if (unlikely(idx >= mdev->nslots)) {
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
	late = READ_ONCE(mdev->removed) || READ_ONCE(stream->gone);
	expect = IOPF_SLOT_WORD(grpid, IOPF_SLOT_OUTSTANDING);
	if (unlikely(atomic64_cmpxchg(&slot->word, expect,
				      IOPF_SLOT_WORD(grpid, IOPF_SLOT_ANSWERED)) != expect)) {
		iopf_record_violation(mdev, pc, IOPF_VIOL_NOT_OUTSTANDING, code, src, grpid, pasid);
		goto out;
	}
	if (unlikely(late))
		iopf_record_violation(mdev, pc, IOPF_VIOL_LATE, code, src, grpid, pasid);
	pc->c.total_responses++;
	pc->c.from[src]++;
	if (prm->private_data[1] & IOPF_PRIV_MEASURED) {
		pc->c.responses++;
		if (code < ARRAY_SIZE(pc->c.resp_code))
			pc->c.resp_code[code]++;
		if (run->timestamps)
			iopf_hist_add(&pc->hist[IOPF_BENCH_HIST_RESPONSE],
				      iopf_delta_ns(run, prm->private_data[0], now));
	}
	iopf_wake_injector(slot);
out:
	iopf_pcpu_put();
}

static inline bool iopf_null_violate(struct iopf_run *run)
{
	struct iopf_pcpu *pc = iopf_pcpu_get(run);
	bool hit = ++pc->c.handled % run->cfg.violate_every == 0;

	iopf_pcpu_put();
	return hit;
}

/*
 * null: no framework. The last request of a group goes through the same
 * handler-entry timestamp, service time and response accounting as the
 * inline handler; partial requests go nowhere. What remains is the cost of
 * the injector and of the measurement.
 */
static __always_inline int iopf_null_report(struct iopf_mdev *mdev, struct iopf_fault *evt)
{
	const struct iommu_fault_page_request *prm = &evt->fault.prm;
	struct iopf_run *run = mdev->run;

	if (!(prm->flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE))
		return 0;
	if (run->timestamps && (prm->private_data[1] & IOPF_PRIV_MEASURED)) {
		u64 now = iopf_clock(run);
		struct iopf_pcpu *pc = iopf_pcpu_get(run);

		iopf_hist_add(&pc->hist[IOPF_BENCH_HIST_HANDLER],
			      iopf_delta_ns(run, prm->private_data[0], now));
		iopf_pcpu_put();
	}
	if (unlikely(run->cfg.violate_every) && iopf_null_violate(run)) {
		/* Deliberately broken: answer twice, or not at all. */
		if (run->cfg.flags & IOPF_BENCH_RUN_VIOLATE_LOSE)
			return 0;
		__iopf_record_response(mdev, evt, prm->pasid, prm->grpid,
				       IOMMU_PAGE_RESP_SUCCESS, IOPF_SRC_HANDLER);
	}
	iopf_service(run);
	__iopf_record_response(mdev, evt, prm->pasid, prm->grpid, IOMMU_PAGE_RESP_SUCCESS,
			       IOPF_SRC_HANDLER);
	return 0;
}

#endif /* IOPF_BENCH_INT_H */
