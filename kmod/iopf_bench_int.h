/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopf_bench internals: the run, the mock IOMMUs with their page request
 * queues, the devices, injector, reporter, unbinder and defer threads,
 * per-CPU statistics. See README.md for the design.
 */
#ifndef IOPF_BENCH_INT_H
#define IOPF_BENCH_INT_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/iommu.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/timekeeping.h>
#include <linux/platform_device.h>
#include <linux/prandom.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#ifdef CONFIG_X86_TSC
#include <asm/tsc.h>
#endif

#include "iopf_bench.h"
#include "compat.h"
#include "hist.h"

#if !IS_ENABLED(CONFIG_IOMMU_API)
#error "iopf_bench needs a kernel with CONFIG_IOMMU_API"
#endif

/*
 * The RID's fault handler is found through an attach handle, and 6.12 has
 * no public way to attach a group with one: iommu_attach_group_handle() is
 * declared in drivers/iommu/iommu-priv.h, which a module cannot include,
 * and exported in namespace IOMMUFD_INTERNAL for iommufd. These two
 * prototypes are that header's (6.12); the PASIDs use the public
 * iommu_attach_device_pasid().
 */
int iommu_attach_group_handle(struct iommu_domain *domain,
			      struct iommu_group *group,
			      struct iommu_attach_handle *handle);
void iommu_detach_group_handle(struct iommu_domain *domain,
			       struct iommu_group *group);
/* The same header's (6.12 and 7.x): the order trace asks it whether a stream's handle is published. */
struct iommu_attach_handle *iommu_attach_handle_get(struct iommu_group *group, ioasid_t pasid,
						    unsigned int type);

/*
 * A refused command: one rate-limited line per call site naming the op and
 * the field; evaluates to err, so that the caller writes
 * "return iopf_refuse(-EINVAL, ...)".
 */
#define iopf_refuse(err, op, fmt, ...)                                   \
	({                                                               \
		pr_warn_ratelimited("%s: " fmt "\n", op, ##__VA_ARGS__); \
		(err);                                                   \
	})

/* ------------------------------------------------------------------------ */
/* Response sources */
enum iopf_src {
	IOPF_SRC_HANDLER,	/* our handler answered (SUCCESS) */
	IOPF_SRC_ABORT,		/* the core's abort path (FAILURE) */
	IOPF_SRC_NO_HANDLER,	/* the core found no handle (INVALID) */
	IOPF_SRC_REMOVE,	/* iopf_queue_remove_device (INVALID) */
	IOPF_SRC_HW,		/* the "hardware" answered a last request it dropped (PRQ overflow) */
	IOPF_SRC_NR,
};

/* The per-CPU histograms: the group timestamps and the report path. */
enum {
	IOPF_PC_RESPONSE,
	IOPF_PC_HANDLER,
	IOPF_PC_WORK,
	IOPF_PC_QUEUE,
	IOPF_PC_REPORT_LAST,
	IOPF_PC_REPORT_PARTIAL,
	IOPF_PC_SEND_LAG,
	IOPF_PC_FLUSH,
	IOPF_PC_REPORT_IN_FLUSH,
	IOPF_PC_QUEUE_IN_FLUSH,
	IOPF_PC_NR,
};

/*
 * Per-CPU statistics, updated with preemption disabled by whichever thread
 * runs there (reporter, worker, injector, unbinder, defer); summed on read.
 */
struct iopf_counters {
	/* measured window */
	u64 responses;
	u64 resp_code[3];	/* enum iommu_page_response_code */
	u64 reporter_requests;	/* requests reported by reporter threads */
	/* whole run */
	u64 report_errors;	/* iommu_report_device_fault() returned an error */
	/* whole run */
	u64 total_responses;
	u64 from[IOPF_SRC_NR];
	u64 handled;		/* groups that entered the handler (fail/abandon/violate_every) */
	u64 delivered_partials;	/* partial requests delivered (violate_every of PARTIAL_*) */
	u64 failed_groups;
	u64 abandoned_groups;
	u64 deferred_groups;
	u64 late_answers;
	u64 late_collisions;
	u64 checked_groups;
	u64 incomplete_groups;
	u64 reports_by_reporters;
	u64 reports_by_others;
	u64 detach_flushes;
	u64 detach_drained;
	u64 viol_unexpected;
	u64 viol_late;
	u64 viol_lost;
	u64 viol_group;
};

struct iopf_ts_pcpu;	/* stream.c */
struct iopf_ts;

struct iopf_pcpu {
	struct iopf_counters c;
	struct iopf_hist hist[IOPF_PC_NR];
	struct iopf_ts_pcpu *ts;	/* the stream's group buffer (RUN_TS_GROUPS), or NULL */
};

/* ------------------------------------------------------------------------ */
/*
 * A slot is one group context of a device. Its tag = index + (gen << shift)
 * names one incarnation of it: the grpid sent to the framework is the tag
 * (direct model) or only the index, a 9-bit PRG index (PRQ model), and
 * every request's address carries the tag and the request's index in the
 * group, so that a response and every fault of a group can be traced back.
 */
enum {
	IOPF_SLOT_IDLE = 0,
	IOPF_SLOT_OPEN,		/* partial requests being sent */
	IOPF_SLOT_OUTSTANDING,	/* last request sent, not answered */
	IOPF_SLOT_ANSWERED,	/* answered, not yet reused by its injector */
	IOPF_SLOT_KEPT,		/* taken off the framework's pending list by the DEFER
				 * handler (iopf_group_dequeue): it alone answers it */
	IOPF_SLOT_LOST,		/* found unanswered (counted lost), free for reuse: a
				 * response that comes after is the same fault, not
				 * counted again */
	IOPF_SLOT_FORGOTTEN,	/* KEPT when its device was reset (a device-scope
				 * unbind): the device forgot the group, the index is
				 * free; the keeper's late answer may collide with a
				 * new group of the index (late_collisions) */
};
/* A slot its injector may open a new group in. */
#define IOPF_SLOT_FREE(state) \
	((state) == IOPF_SLOT_IDLE || (state) == IOPF_SLOT_ANSWERED || (state) == IOPF_SLOT_LOST || \
	 (state) == IOPF_SLOT_FORGOTTEN)
#define IOPF_SLOT_WORD(tag, state) (((u64)(tag) << 32) | (state))
#define IOPF_SLOT_STATE(w) ((u32)(w) & 0xff)
#define IOPF_SLOT_TAG(w) ((u32)((w) >> 32))

/* A request's address: (tag << 9 | index in group) pages. */
#define IOPF_ADDR_INDEX_BITS 9
static inline u64 iopf_req_addr(u32 tag, u32 index)
{
	return (((u64)tag << IOPF_ADDR_INDEX_BITS) | index) << PAGE_SHIFT;
}

static inline u32 iopf_addr_tag(u64 addr)
{
	return (u32)(addr >> (PAGE_SHIFT + IOPF_ADDR_INDEX_BITS));
}

static inline u32 iopf_addr_index(u64 addr)
{
	return (addr >> PAGE_SHIFT) & ((1u << IOPF_ADDR_INDEX_BITS) - 1);
}

/* private_data[1] of every request: the run's cookie | measured bit */
#define IOPF_PRIV_MEASURED 1ull

struct iopf_injector;

struct iopf_slot {
	atomic64_t word;	/* OUTSTANDING -> ANSWERED by the responder (cmpxchg) */
	u32 lost_tag;		/* the last incarnation found lost (check_lost) */
	/* owned by the lane's injector (the device side) */
	u32 gen;
	u32 sent;		/* requests sent in the current group */
	u32 dev_gen;		/* device cycle generation when the group (re)started */
	u16 stream;
	bool hw_dropped;	/* the PRQ dropped one of this group's requests */
	struct iopf_injector *inj;	/* the owner, woken by responses */
	/*
	 * Owned by the thread that delivers to the framework (the IOMMU's
	 * reporter, or the injector in the direct model): what the group that
	 * reaches the handler must hold. Read by the checker, which runs after
	 * the last request was delivered.
	 */
	u32 rep_tag;		/* the incarnation these counts are for */
	u16 rep_count;		/* requests delivered since its start or a discard */
	bool rep_lost;		/* some were discarded (overflow recovery) */
	bool rep_done;		/* its last request was delivered */
} ____cacheline_aligned_in_smp;

struct iopf_mdev;

/* The RID (stream 0) or one PASID of a device: one attach handle each. */
/*
 * An attach handle of a stream. A stream has two: the core refuses to see
 * the same handle twice in a row in iommu_replace_device_pasid() (and its
 * lockless readers are why), so the REPLACE scope alternates between them,
 * with the device's two domains.
 */
struct iopf_handle {
	struct iommu_attach_handle h;
	struct iopf_stream *stream;
};

struct iopf_stream {
	struct iopf_handle handles[2];
	u32 cur;		/* which domain and handle are attached (0 or 1) */
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
	struct iommu_domain *domain;	/* the IOPF domain, and the REPLACE scope's other */
	struct iommu_domain *domain2;
	bool iopf_enabled;	/* between the framework's add and remove */
	/*
	 * The thread inside one of the mock's ops that the core calls under
	 * group->mutex (a detach or attach, release_device), for the order
	 * trace: it must not look the handle up there (order.c).
	 */
	struct task_struct *op_task;
	u32 iopf_refs;		/* 7.x: IOPF domains attached (group->mutex) */
	bool removed;		/* remove_device returned, not re-enabled yet */
	bool dead;		/* a rebind failed: no more injection */
	atomic_t pasid_unbinding;	/* PASIDs of it being unbound right now */
	atomic_t flushing;		/* iopf_queue_flush_dev() calls for it in progress */
	u32 remove_gen;		/* bumped before every remove_device */
	struct task_struct *remover;	/* thread inside iommu_dev_disable_feature */

	/* the device's traffic under read (trylock), device-scope unbind under write */
	struct rw_semaphore rwsem;
	u32 cycle_gen;		/* bumped under write by every device cycle */

	u32 nstreams;
	struct iopf_stream *streams;

	u32 nslots;
	u32 slot_shift;
	u32 grpid_mask;		/* tag -> grpid: ~0 (direct) or the index bits (PRQ) */
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
	u64 stalls;
	u64 groups_during_unbind;
	/* whole run */
	u64 total_requests;
	u64 total_groups;
	u64 discarded_partials;
	u64 restarted_groups;
};

/*
 * One PRQ descriptor: what the device sent, as a VT-d page request
 * descriptor carries it (requester, PASID, group index, last, address).
 */
struct iopf_prq_desc {
	struct iopf_mdev *mdev;
	u64 stamp;		/* arrival, run clock (open loop: the scheduled one) */
	u64 sent;		/* when the device sent it, run clock */
	u32 tag;
	u16 index;		/* request index within its group */
	u8 stream;
	u8 flags;
};
#define IOPF_DESC_LAST		1
#define IOPF_DESC_MEASURED	2

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
	u64 arrival;		/* open loop: this request's scheduled arrival (run clock) */
	u64 now;		/* open loop: when it is being sent (run clock) */
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
 * framework set, requests go through iommu_report_device_fault() and the
 * core calls handle(); without, the delivering thread calls the null sink.
 */
struct iopf_handler_ops {
	const char *name;
	bool framework;		/* needs the mock IOMMU and the IOPF framework */
	/* domain->iopf_handler's variant part; NULL without the framework */
	int (*handle)(struct iopf_group *group);
};

/* One mock IOMMU: ops, iopf_queue, PRQ and its reporter thread. */
struct iopf_mock {
	struct iommu_ops ops;		/* a heap copy: owner NULL, see mock.c */
	struct iommu_device iommu;
	struct fwnode_handle *fwnode;
	struct iommu_domain blocked;
	struct iopf_queue *queue;
	bool sysfs_added;
	bool registered;
	struct iopf_run *run;
	u32 index;
	struct iopf_mdev **mdevs;	/* the devices behind it */
	u32 nmdevs;

	/* PRQ (PRQ model): producers are the devices, the consumer the reporter */
	struct iopf_prq_desc *prq;
	u32 depth;			/* a power of two */
	raw_spinlock_t prq_lock;	/* the producers, and the overflow bit */
	u32 tail;			/* written under prq_lock, release */
	u32 head;			/* written by the reporter only, release */
	bool pro;			/* overflow: drop everything until cleared */
	u64 overflows, dropped, dropped_last, max_fill;	/* under prq_lock */
	u64 ovf_dropped0;		/* under prq_lock: dropped when the overflow began */
	u64 discards;			/* the reporter's */
	unsigned int irq_cpu;
	struct task_struct *reporter;
	int reporter_sleeping;
	int reporter_in_report;		/* inside iommu_report_device_fault() (stuck reports) */
	wait_queue_head_t drain_wq;	/* head moved (the end-of-run wait) */
	/*
	 * The driver's own (kmod/README.md, "Driver models"): report_lock is
	 * held across each report and taken by release_device (vtd:
	 * iommu->iopf_lock; smmuv3-stall: smmu->streams_mutex); prq_complete
	 * is completed once per reporter pass (vtd); cmd_lock is the command
	 * queue's (vtd's QI, amd's command buffer, smmuv3's CMDQ).
	 */
	struct mutex report_lock;
	struct completion prq_complete;
	raw_spinlock_t cmd_lock;
	bool locked_reports;		/* report under report_lock (vtd, smmuv3-stall) */
	atomic_t flushing;		/* detach flushes running on this IOMMU */
	u64 flush_end;			/* run clock: when the last one ended */
	u64 cpu_window_start, cpu_ns;
};

/*
 * The DEFER handler's groups, answered in order (constant delay). Their
 * number is not bounded by the credit: a kept group outlives a device
 * unbind (remove_device does not see it: it was dequeued) and stays until
 * its time comes, while its slot carries new groups.
 */
struct iopf_defer_ent {
	struct list_head node;
	struct iopf_group *group;
	struct iopf_mdev *mdev;
	u64 due_ns;			/* ktime */
	u32 remove_gen;			/* the device's when the group was kept */
	u32 stream;			/* its attach handle's (iommufd's auto-response) */
	bool forgotten;			/* its device was reset since (iopf_forget_kept) */
};

struct iopf_defer {
	spinlock_t lock;
	struct list_head list;		/* under lock, oldest first */
	bool answering;			/* the thread holds an entry out of the list */
	bool flush;			/* answer everything now (the run is ending) */
	struct task_struct *task;
	int sleeping;
	wait_queue_head_t idle_wq;
	/* iommufd's fault->mutex: the answer thread and the auto-response */
	struct mutex answer_mutex;
	struct task_struct *auto_task;	/* answering at a detach (handler iommufd) */
	/* the entry being answered, for the mock's page_response */
	u32 cur_remove_gen;
	bool cur_forgotten;
};

/*
 * The order trace (kmod/README.md, "The order of a detach"): the steps the
 * mock driver and the core take in the first detach of each kind of a run,
 * as one kernel log line. One thread records an episode (owner), from its
 * begin to its end; the steps of every other thread are not traced.
 */
enum iopf_order_kind {
	IOPF_ORDER_DEVICE,	/* a device-scope unbind (unbinder) */
	IOPF_ORDER_PASID,	/* a PASID-scope detach (unbinder) */
	IOPF_ORDER_TEARDOWN,	/* a device's teardown at the end of the run */
	IOPF_ORDER_NR,
};

struct iopf_order {
	struct task_struct *owner;	/* recording; ERR_PTR(-EALREADY) once published */
	struct iopf_mdev *mdev;		/* the device whose steps are recorded (set at begin) */
	u32 len;
	u32 last;			/* where the last step starts (repeats: "xN") */
	u32 repeat;
	char seq[256];
};

struct iopf_run {
	u64 id;
	u64 cookie;
	struct iopf_bench_run_config cfg;	/* validated, defaults filled in */
	u32 *cpus;				/* injector i runs on cpus[i] */
	u32 *irq_cpus;				/* IOMMU i's reporter runs on irq_cpus[i] */
	const struct iopf_handler_ops *hops;
	bool prq;		/* a page request queue and reporters: every model but direct */
	bool pasid_only;	/* the model's driver rejects PASID-less requests here:
				 * slots use PASID streams only (iopf_model_pasid_only) */
	bool timestamps;
	u32 regress_report_ns;		/* the synthetic regression knob, as read at START */
	u32 regress_response_ns;
	u32 stuck_ms;			/* the bound of every wait (module parameter, at START) */
	const char *step;		/* what the control thread is doing (rmmod's log) */
	int step_arg;			/* the IOMMU or device of that step, or -1 */
	struct iopf_order order[IOPF_ORDER_NR];
	/* RUN_VIOLATE_WEDGE: the wedged handler waits for this (iopf_run_stuck) */
	bool unwedge;
	wait_queue_head_t wedge_wq;
	bool tsc;		/* the run clock is the TSC (else ktime ns) */
	u32 tsc_mult;		/* ns = cycles * tsc_mult >> IOPF_TSC_SHIFT */
	u32 nstreams;
	u64 period_fp;		/* open loop: mean interarrival per injector, clock units << 16 */

	struct iopf_mock *mocks;
	struct iopf_mdev *mdevs;
	struct iopf_injector *inj;
	struct iopf_unbinder *unb;
	struct iopf_defer defer;
	struct iopf_pcpu **pcpu;	/* [nr_cpu_ids], possible CPUs only */
	struct task_struct *ctl;

	int phase;			/* enum iopf_bench_phase, READ_ONCE on hot paths */
	bool stop_requested;
	int error;
	atomic_t quota_left;
	wait_queue_head_t ctl_wq;

	u64 t_start, t_window_start, t_window_end, t_end;
	u64 clk_start;			/* the run clock at t_start */
	struct iopf_ts *ts;		/* the time-series stream (stream.c), or NULL */

	/* filled when the run finishes */
	struct iopf_bench_results *results;
	u64 *hist_dump;			/* [IOPF_BENCH_HIST_NR][NR_BUCKETS] */
};

/*
 * The run clock. ktime_get_ns() costs about 4x a bare TSC read (seqcount,
 * indirect clocksource call, ordered rdtsc): where the TSC is what the
 * kernel keeps time with (not marked unstable), timestamps and the open
 * loop's schedule are TSC cycles, converted to ns for histograms and
 * sleeps. Elsewhere ktime_get_ns().
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

/* The bounds of the module parameter stuck_ms. */
#define IOPF_STUCK_MS_MIN	100
#define IOPF_STUCK_MS_MAX	600000

/* End the run on an error (the first one is kept): what failed, and the errno. */
static inline void iopf_run_fail(struct iopf_run *run, int error, const char *what)
{
	pr_err("run %llu: %s failed: %d; ending the run\n", run->id, what, error);
	if (!READ_ONCE(run->error))
		WRITE_ONCE(run->error, error);
	WRITE_ONCE(run->stop_requested, true);
	wake_up(&run->ctl_wq);
}

/*
 * Something the module waits for did not happen within the run's stuck_ms
 * (module parameter stuck_ms, read at START): say what, in one line, and
 * end the run with -ETIMEDOUT. It also lets a test-only wedged handler go
 * (RUN_VIOLATE_WEDGE), so that the run can be torn down and rmmod return.
 * Every wait of the module is bounded this way; what it cannot bound is a
 * thread stuck inside the kernel's own code (a design's deadlock): the
 * line names it, and the kernel's hung-task detector reports it.
 */
#define iopf_run_stuck(run, fmt, ...)                                                    \
	do {                                                                             \
		pr_err("run %llu: stuck: " fmt " (stuck_ms=%u); ending the run\n",        \
		       (run)->id, ##__VA_ARGS__, (run)->stuck_ms);                       \
		__iopf_run_stuck(run);                                                   \
	} while (0)

static inline void __iopf_run_stuck(struct iopf_run *run)
{
	if (!READ_ONCE(run->error))
		WRITE_ONCE(run->error, -ETIMEDOUT);
	WRITE_ONCE(run->stop_requested, true);
	wake_up(&run->ctl_wq);
	WRITE_ONCE(run->unwedge, true);
	wake_up_all(&run->wedge_wq);
}

/* A deadline stuck_ms from now, and the jiffies left until it (0: passed). */
static inline u64 iopf_stuck_deadline(const struct iopf_run *run)
{
	return ktime_get_ns() + (u64)run->stuck_ms * NSEC_PER_MSEC;
}

static inline long iopf_jiffies_until(u64 deadline)
{
	u64 now = ktime_get_ns();

	return now >= deadline ? 0 : (long)nsecs_to_jiffies(deadline - now) + 1;
}

static inline bool iopf_framework_present(void)
{
	return IS_ENABLED(CONFIG_IOMMU_IOPF);
}

static inline struct iopf_pcpu *iopf_pcpu_get(struct iopf_run *run)
{
	return run->pcpu[get_cpu()];
}

static inline void iopf_pcpu_put(void)
{
	put_cpu();
}

/* Busy for ns nanoseconds (service time, response cost). */
void iopf_busy_ns(u32 ns);

/* The driver models (kmod/README.md, "Driver models") */
static inline bool iopf_model_is(const struct iopf_run *run, u32 model)
{
	return run->cfg.model == model;
}

/*
 * Drivers that reject PASID-less page requests: 6.12's VT-d (intel/prq.c:217,
 * "Page request without PASID"; 7.x removed the check) and AMD-Vi (GN=0 or
 * PASID 0: ppr.c:88-94, 140-145, both lines).
 */
static inline bool iopf_model_pasid_only(u32 model)
{
	return model == IOPF_BENCH_MODEL_AMD || (model == IOPF_BENCH_MODEL_VTD && !IOPF_K7);
}

/*
 * Drivers whose detach drains the request queue: vtd
 * (intel_iommu_drain_pasid_prq) and direct (no queue: VT-d's order, the
 * flush alone). amd and smmuv3-stall have no drain: their RID order is
 * fixed, and their devices stop gracefully (iopf_graceful_stop).
 */
static inline bool iopf_model_drains(u32 model)
{
	return model == IOPF_BENCH_MODEL_VTD || model == IOPF_BENCH_MODEL_DIRECT;
}

/*
 * How a device stops a PASID (or itself) before the unbind. With a drain:
 * at once, open groups cut (PCIe's stop with a stop marker: the driver's
 * drain catches what is queued). Without one, as PCIe's Stop PASID
 * without a marker: the open groups complete and every response has come
 * back before the detach (iopf_wait_answered); kmod/README.md, "Driver
 * models".
 */
static inline bool iopf_graceful_stop(const struct iopf_run *run)
{
	return !iopf_model_drains(run->cfg.model);
}

const char *iopf_model_name(u32 model);
void iopf_iommufd_auto_response(struct iopf_mdev *mdev, u32 stream);
int iopf_wait_answered(struct iopf_mdev *mdev, int stream);
void iopf_mock_cmd(struct iopf_mock *mock, u32 ns);
void iopf_detach_flush(struct iopf_mdev *mdev, int stream, u64 drained);

/* mock.c: the mock IOMMUs and their devices */
u32 iopf_mock_kind(void);
const char *iopf_mock_kind_name(void);
int iopf_mocks_create(struct iopf_run *run);
void iopf_mocks_destroy(struct iopf_run *run);
int iopf_mdev_setup(struct iopf_mdev *mdev);
void iopf_mdev_teardown(struct iopf_mdev *mdev);
int iopf_mdev_enable_attach(struct iopf_mdev *mdev);
void iopf_mdev_quiesce(struct iopf_mdev *mdev);
void iopf_order_begin(struct iopf_run *run, enum iopf_order_kind kind, struct iopf_mdev *mdev);
void iopf_order_end(struct iopf_run *run, enum iopf_order_kind kind);
void iopf_order_step(struct iopf_mdev *mdev, const char *step, int stream);
int iopf_stream_attach(struct iopf_stream *stream);
void iopf_stream_detach(struct iopf_stream *stream);
int iopf_stream_replace(struct iopf_stream *stream);

/* prq.c: page request queues, reporters, delivery to the framework */
int iopf_prq_create(struct iopf_mock *mock);
void iopf_prq_free(struct iopf_mock *mock);
int iopf_reporter_create(struct iopf_mock *mock);
void iopf_reporter_stop(struct iopf_mock *mock);
void iopf_prq_wait_empty(struct iopf_mock *mock);
bool iopf_prq_push(struct iopf_mock *mock, const struct iopf_prq_desc *d);
void iopf_prq_drain(struct iopf_mdev *mdev, int stream);
void iopf_desc_fault(struct iopf_mdev *mdev, const struct iopf_prq_desc *d,
		     struct iopf_fault *evt);
void iopf_deliver(struct iopf_mdev *mdev, const struct iopf_prq_desc *d);

/* handler.c: handler variants, group checks, response accounting */
const struct iopf_handler_ops *iopf_handler_find(u32 handler);
u32 iopf_handler_mask(void);
const char *iopf_handler_names(void);
int iopf_domain_iopf_handler(struct iopf_group *group);
void iopf_null_report(struct iopf_mdev *mdev, struct iopf_fault *evt);
void iopf_record_response(struct iopf_mdev *mdev, const struct iopf_fault *evt,
			  u32 pasid, u32 grpid, u32 code, enum iopf_src src);
unsigned int iopf_check_lost(struct iopf_mdev *mdev, int stream);
void iopf_forget_kept(struct iopf_mdev *mdev);
int iopf_defer_create(struct iopf_run *run);
void iopf_defer_flush(struct iopf_run *run);
void iopf_defer_stop(struct iopf_run *run);
bool iopf_defer_current(struct iopf_run *run);

/* inject.c */
int iopf_threads_create(struct iopf_run *run);
void iopf_threads_wake(struct iopf_run *run);
void iopf_unbinders_stop(struct iopf_run *run);
void iopf_injectors_stop(struct iopf_run *run);
void iopf_threads_free(struct iopf_run *run);

static inline void iopf_wake_injector(struct iopf_slot *slot)
{
	struct iopf_injector *inj = slot->inj;

	if (READ_ONCE(inj->sleeping))
		wake_up_process(inj->task);
}

#endif /* IOPF_BENCH_INT_H */
