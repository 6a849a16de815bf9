/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * iopf_bench.h - userspace ABI of the iopf_bench kernel module (/dev/iopf_bench).
 *
 * The module drives the Linux 6.12 I/O page fault framework
 * (drivers/iommu/io-pgfault.c) from a mock IOMMU and measures it.
 *
 * Conventions (the iommufd ones, include/uapi/linux/iommufd.h):
 *  - One ioctl type, IOPF_BENCH_TYPE; the ioctl number is _IO(type, op) with
 *    op from enum iopf_bench_op (starting at IOPF_BENCH_CMD_BASE == 1). The
 *    size is not encoded in the ioctl number: every command struct starts
 *    with "__u32 size" (the caller's sizeof) and "__u32 flags".
 *  - The module copies a command in with copy_struct_from_user():
 *      size < the op's minimum size            -> EINVAL
 *      size > what the module knows, and the extra bytes are not all zero
 *                                              -> E2BIG
 *      size > what the module knows, extra bytes all zero -> accepted
 *      size > 4096                             -> E2BIG
 *    Output is written back for min(size, module's size) bytes, so an old
 *    binary with a shorter struct gets a truncated but valid answer.
 *  - Unknown flag bits -> EOPNOTSUPP. A non-zero __reserved field ->
 *    EOPNOTSUPP (it names a feature this module does not have). Values that
 *    are out of range -> EINVAL (or the errno named at the field). Every
 *    refused command leaves one rate-limited "iopf_bench: <op>: <field> ..."
 *    line in the kernel log and nothing half set up.
 *  - Unknown op -> ENOTTY.
 *  - 64-bit fields are __aligned_u64; user pointers are __aligned_u64.
 *
 * Run life cycle (a run belongs to the module, not to the fd):
 *   IDLE --START--> RUNNING --(duration/count reached, STOP, fatal error)-->
 *   DONE or ERROR --RESET or START--> ...
 *   START while RUNNING -> EBUSY.  RESULTS while RUNNING -> EBUSY, when IDLE
 *   -> ENODATA.  STOP when IDLE -> ENOENT (on DONE/ERROR it returns 0).
 *   WAIT when IDLE -> ENOENT.  RESET while RUNNING -> EBUSY.
 *   Closing the fd does not stop a run; rmmod stops it cleanly.
 *
 * read() and poll() on the device: the run's time-series stream (ABI 3),
 * see "The time-series stream" below.
 */
#ifndef _UAPI_IOPF_BENCH_H
#define _UAPI_IOPF_BENCH_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define IOPF_BENCH_DEVICE	"/dev/iopf_bench"
#define IOPF_BENCH_TYPE		0xBE
#define IOPF_BENCH_ABI_VERSION	7	/* 2: driver model (IOMMUs, PRQ, defer, group checks);
					 * 3: the time-series stream (read/poll);
					 * 4: the synthetic regression knob in the results;
					 * 5: kernels 6.12 and 7.x: the RID detach order,
					 *    unbind scope REPLACE, the kernel line in the
					 *    version and results;
					 * 6: every wait of the module bounded (module
					 *    parameter stuck_ms), RUN_VIOLATE_WEDGE;
					 * 7: driver models named by their driver (vtd, the
					 *    old prq, made exact; amd; smmuv3-stall), the
					 *    reporters' scheduling (reporter_prio),
					 *    RUN_VTD_WAKE_ALL */

enum iopf_bench_op {
	IOPF_BENCH_CMD_BASE = 1,
	IOPF_BENCH_OP_VERSION = IOPF_BENCH_CMD_BASE,
	IOPF_BENCH_OP_START,
	IOPF_BENCH_OP_STATUS,
	IOPF_BENCH_OP_STOP,
	IOPF_BENCH_OP_WAIT,
	IOPF_BENCH_OP_RESULTS,
	IOPF_BENCH_OP_RESET,
};

/* ------------------------------------------------------------------------ */
/* Limits (also reported by IOPF_BENCH_OP_VERSION; trust those at run time). */
#define IOPF_BENCH_MAX_GROUP_SIZE	512	/* requests per page request group */
#define IOPF_BENCH_MAX_OPEN_GROUPS	512	/* open (partial) groups per device */
#define IOPF_BENCH_MAX_CREDIT		512	/* groups in flight per device */
#define IOPF_BENCH_MAX_DEVICES		64
#define IOPF_BENCH_MAX_PASIDS		64	/* PASIDs per device (plus the RID) */
#define IOPF_BENCH_MAX_INJECTORS	64
#define IOPF_BENCH_MAX_UNBINDERS	16
#define IOPF_BENCH_MAX_SERVICE_NS	100000000u	/* 100 ms */
#define IOPF_BENCH_MAX_DURATION_MS	(24ull * 3600 * 1000)
#define IOPF_BENCH_MAX_WARMUP_MS	600000u
#define IOPF_BENCH_MAX_RATE_PER_S	1000000000ull
#define IOPF_BENCH_MAX_IOMMUS		16
#define IOPF_BENCH_PRQ_DEPTH_DEFAULT	2048	/* VT-d: PRQ_ORDER 4, 64 KiB of 32-byte descriptors */
#define IOPF_BENCH_MIN_PRQ_DEPTH	16
#define IOPF_BENCH_MAX_PRQ_DEPTH	65536
#define IOPF_BENCH_MAX_RESPONSE_NS	1000000u	/* 1 ms */
#define IOPF_BENCH_MAX_REGRESS_NS	1000000u	/* 1 ms: module parameters regress_*_ns */
#define IOPF_BENCH_MAX_DEFER_NS		1000000000u	/* 1 s */
/* PCIe Page Request Group Index: 9 bits. The prq model's grpids fit in it. */
#define IOPF_BENCH_PRG_INDEX_BITS	9
/* The time-series stream (ABI 3; see "The time-series stream" below) */
#define IOPF_BENCH_MIN_TS_INTERVAL_NS	1000000ull		/* 1 ms */
#define IOPF_BENCH_MAX_TS_INTERVAL_NS	10000000000ull		/* 10 s */
#define IOPF_BENCH_TS_RING_KIB_DEFAULT	1024	/* ~6000 intervals: a minute at 10 ms */
#define IOPF_BENCH_TS_RING_KIB_GROUPS	16384	/* default with RUN_TS_GROUPS (~400k groups) */
#define IOPF_BENCH_MIN_TS_RING_KIB	4
#define IOPF_BENCH_MAX_TS_RING_KIB	262144	/* 256 MiB */

/*
 * Every latency of a request starts at its arrival: in open loop the
 * scheduled arrival time (so a late sender adds to the latency instead of
 * hiding it: no coordinated omission), in closed loop the moment the device
 * sent it. SEND_LAG says how late senders were.
 *
 * Latency histograms: log-linear, in nanoseconds.
 *   v < 2^S (S = hist_sub_bits): bucket v (exact).
 *   else: e = msb(v) - S; bucket = e * 2^S + (v >> e)
 * i.e. 2^S linear sub-buckets per power of two. Bucket b covers
 *   b < 2^S:  [b, b]
 *   else:     e = (b >> S) - 1, lo = ((b & (2^S - 1)) + 2^S) << e,
 *             [lo, lo + 2^e - 1]
 * A bucket is at most 1/2^S of its lower bound wide, so its midpoint is
 * within 1/2^(S+1) (0.78 % for S = 6) of any value in it. Values beyond the
 * last bucket land in the last bucket (max_ns stays exact).
 */
#define IOPF_BENCH_HIST_SUB_BITS	6
#define IOPF_BENCH_HIST_MAX_BITS	36	/* 2^36 ns = 68.7 s */
#define IOPF_BENCH_HIST_NR_BUCKETS \
	((IOPF_BENCH_HIST_MAX_BITS - IOPF_BENCH_HIST_SUB_BITS + 1) << IOPF_BENCH_HIST_SUB_BITS)

/* Histograms, in the order they appear in the raw histogram dump. */
enum iopf_bench_hist {
	IOPF_BENCH_HIST_RESPONSE = 0,	/* last request arrived -> page_response */
	IOPF_BENCH_HIST_HANDLER,	/* last request arrived -> iopf_handler entry */
	IOPF_BENCH_HIST_WORK,		/* last request arrived -> work start (wq) */
	IOPF_BENCH_HIST_UNBIND,		/* one unbind: stop injection .. remove_device returned */
	IOPF_BENCH_HIST_REBIND,		/* one rebind: enable IOPF .. re-attached */
	/* Since ABI 2 */
	IOPF_BENCH_HIST_QUEUE,		/* the device sent a request -> iommu_report_device_fault
					 * entry: its time in the PRQ (every request; ~0 in the
					 * direct model). From the send, not the scheduled
					 * arrival: a reporter stall, not an injector lag. */
	IOPF_BENCH_HIST_REPORT_LAST,	/* iommu_report_device_fault entry -> return, last requests */
	IOPF_BENCH_HIST_REPORT_PARTIAL,	/* the same, partial (non-last) requests */
	IOPF_BENCH_HIST_SEND_LAG,	/* open loop: scheduled arrival -> the device sent it */
	IOPF_BENCH_HIST_FLUSH,		/* iopf_queue_flush_dev() inside a detach: what the
					 * mutex design's reports wait behind */
	IOPF_BENCH_HIST_REPORT_IN_FLUSH, /* iommu_report_device_fault entry -> return of the
					 * requests reported while a flush of their device was
					 * in progress (any request; a subset of the two above) */
	/* Since ABI 7 */
	IOPF_BENCH_HIST_QUEUE_IN_FLUSH,	/* IOPF_BENCH_HIST_QUEUE of the requests whose time in
					 * the queue overlapped a detach's flush on their IOMMU,
					 * of any device: the reports a flush delays (a mutex
					 * design's reporter blocked behind it) */
	IOPF_BENCH_HIST_NR,
};

/* ------------------------------------------------------------------------ */
/* IOPF_BENCH_OP_VERSION: what this module is and supports. */

/* caps */
#define IOPF_BENCH_CAP_IOPF		(1u << 0) /* the IOPF framework is built in; START can work */
#define IOPF_BENCH_CAP_PASID		(1u << 1) /* faults on PASIDs (iommu_attach_device_pasid) */
#define IOPF_BENCH_CAP_TIMESTAMPS	(1u << 2) /* per-group timestamps and histograms */
#define IOPF_BENCH_CAP_UNBIND		(1u << 3) /* unbinder threads */
#define IOPF_BENCH_CAP_STREAM		(1u << 4) /* time-series stream: read()/poll() (ABI 3) */

/* mock_kind: how the mock IOMMU gets its devices probed */
enum iopf_bench_mock_kind {
	IOPF_BENCH_MOCK_NONE = 0,		/* no framework: START fails with EOPNOTSUPP */
	/*
	 * Platform devices whose fwspec points at the mock's software-node
	 * fwnode, registered with iommu_device_register(). Works next to a
	 * real IOMMU and next to the iommufd selftest mock.
	 */
	IOPF_BENCH_MOCK_PLATFORM_FWSPEC = 1,	/* fwspec set with iommu_fwspec_init() */
	IOPF_BENCH_MOCK_PLATFORM_FWSPEC_LOCKDEP = 2, /* same, fwspec built by the module (see kmod/README.md) */
};

struct iopf_bench_version {
	__u32 size;
	__u32 flags;			/* in: must be 0 */
	__u32 abi_version;		/* out: IOPF_BENCH_ABI_VERSION */
	__u32 caps;			/* out: IOPF_BENCH_CAP_* */
	char module_version[32];	/* out: NUL-terminated */
	char kernel_release[64];	/* out: utsname release, NUL-terminated */
	__u32 mock_kind;		/* out: enum iopf_bench_mock_kind */
	__u32 handlers;			/* out: bit (1 << enum iopf_bench_handler) per handler */
	__u32 max_group_size;		/* out: limits, see IOPF_BENCH_MAX_* */
	__u32 max_open_groups;
	__u32 max_credit;
	__u32 max_devices;
	__u32 max_pasids;
	__u32 max_injectors;
	__u32 max_unbinders;
	__u32 max_service_ns;
	__u32 hist_sub_bits;		/* out: histogram layout */
	__u32 hist_max_bits;
	__u32 hist_nr_buckets;
	__u32 hist_nr;			/* out: IOPF_BENCH_HIST_NR */
	__u32 nr_cpu_ids;		/* out: CPU numbers are < this */
	__u32 __reserved;		/* must be 0 */
	/* Since ABI 2 (192 bytes) */
	__u32 models;			/* out: bit (1 << enum iopf_bench_model) per model */
	__u32 max_iommus;
	__u32 max_prq_depth;
	__u32 max_response_ns;
	/* Since ABI 3 (216 bytes): the time-series stream */
	__aligned_u64 min_ts_interval_ns;	/* out: IOPF_BENCH_MIN_TS_INTERVAL_NS */
	__aligned_u64 max_ts_interval_ns;	/* out: IOPF_BENCH_MAX_TS_INTERVAL_NS */
	__u32 max_ts_ring_kib;		/* out: IOPF_BENCH_MAX_TS_RING_KIB */
	__u32 ts_max_record_size;	/* out: the largest stream record this module writes: a
					 * read() buffer of this size always makes progress */
	/* Since ABI 7 (224 bytes) */
	__u32 pasid_only_models;	/* out: bit (1 << enum iopf_bench_model) per model whose
					 * driver, on this kernel, rejects PASID-less page
					 * requests: its devices fault on PASIDs only, and
					 * START needs pasids >= 1 */
	__u32 __reserved2;		/* out: 0 */
};

/*
 * Every command's sizes: _SIZE_VER1 is the minimum (ABI 1's struct: a
 * smaller size -> EINVAL), _SIZE_VER<N> the size the struct grew to in ABI N
 * (the "Since ABI N" markers). tests/host/uapi_sizes_test.c checks each
 * against offsetofend() of that ABI's last field, and the module's minimum
 * sizes are these constants (kmod/main.c).
 */
#define IOPF_BENCH_VERSION_SIZE_VER1	176	/* __reserved */
#define IOPF_BENCH_VERSION_SIZE_VER2	192	/* max_response_ns */
#define IOPF_BENCH_VERSION_SIZE_VER3	216	/* ts_max_record_size */
#define IOPF_BENCH_VERSION_SIZE_VER7	224	/* __reserved2 */

/* ------------------------------------------------------------------------ */
/* IOPF_BENCH_OP_START: validate a run config, set the run up, start it. */

enum iopf_bench_handler {
	IOPF_BENCH_HANDLER_WQ = 1,	/* queue group->work on the iopf queue's wq, answer from the work (like SVA) */
	IOPF_BENCH_HANDLER_INLINE = 2,	/* answer inside domain->iopf_handler */
	IOPF_BENCH_HANDLER_NULL = 3,	/* no framework: the injector's own cost */
	/*
	 * Keep the group, answer it from another thread defer_ns later (like
	 * iommufd_fault_iopf_handler with a fault fd read and answered by user
	 * space). A device-scope unbind does not wait for held groups, so
	 * answers can come after the device's remove_device: the lifetime case
	 * of the 6.9 refcount. Not with unbind_scope PASID (iommufd answers a
	 * PASID's held groups at detach, which this mode does not model).
	 */
	IOPF_BENCH_HANDLER_DEFER = 4,
	/*
	 * ABI 7: iommufd's fault object (iommufd/fault.c in 6.12,
	 * eventq.c in 7.x): the handler dequeues the group and queues it for
	 * user space (iommufd_fault_iopf_handler), which the module's answer
	 * thread plays: it answers SUCCESS defer_ns later. At every detach,
	 * after the core's detach returns, the groups still held for that
	 * attach handle are answered INVALID (iommufd_auto_response_faults),
	 * before the device's IOPF goes off on 6.12, after it on 7.x (the
	 * driver removes the device inside the RID's detach): 7.x's in-tree
	 * late answer. Both answerers hold one mutex (iommufd's fault->mutex).
	 * defer_ns > 0; any unbind scope but REPLACE.
	 */
	IOPF_BENCH_HANDLER_IOMMUFD = 5,
};

/*
 * How requests reach the framework: the driver model (ABI 7 names them by
 * the driver each follows, line by line; kmod/README.md, "Driver models",
 * gives the source lines of each and where it departs from them).
 *
 * VTD (1, the default; ABI <= 6 called it PRQ): Intel VT-d's
 * drivers/iommu/intel/prq.c. Each mock IOMMU has its own iopf_queue and a
 * page request queue (PRQ) of prq_depth entries; the injectors are the
 * devices' traffic generators and only write descriptors to it; ONE
 * reporter thread per IOMMU (prq_event_thread), on the IOMMU's IRQ CPU,
 * reports a batch (the tail read once), holding the IOMMU's iopf_lock
 * across each report, then publishes the head once and completes the
 * IOMMU's prq_complete once. A full PRQ overflows as VT-d's does (the
 * overflow bit, iopf_queue_discard_partial() once the queue is empty; a
 * dropped last request is answered SUCCESS by the "hardware": the device
 * retries). grpids are 9-bit PRG indexes. Detach drains: the driver waits
 * on prq_complete until no queued descriptor matches (6.12: the PASID on
 * any device of the IOMMU; 7.x: the device and PASID), flushes the iopf
 * workqueue, then submits the QI drain (response_ns). A page response is
 * a synchronous QI submission (response_ns, IRQs off, FIFO per IOMMU with
 * the drains). 6.12's VT-d rejects PASID-less requests: there the devices
 * fault on PASIDs only (VERSION's pasid_only_models).
 *
 * AMD (3): AMD-Vi's PPR log (drivers/iommu/amd/ppr.c). The reporter
 * publishes the head before reporting each entry, holds no driver lock;
 * no drain anywhere; a RID detach flushes the iopf workqueue then removes
 * the device from the queue (detach_device); a PASID detach does neither.
 * PASID-less requests are rejected (GN=0): PASIDs only. An overflow only
 * restarts the log (no discard of partial requests). A response is a
 * command enqueued without waiting (response_ns under the IOMMU's lock).
 *
 * SMMUV3_STALL (4): Arm SMMUv3's stall model (arm-smmu-v3.c evtq thread):
 * every fault is a one-request group (group_size must be 1), reported
 * under the SMMU's streams_mutex; RID stalls are reported; no drain and no
 * iopf_queue_flush_dev() anywhere (the driver has none); a response is a
 * CMD_RESUME without sync (response_ns under the command queue's lock).
 *
 * DIRECT (2): the injectors call iommu_report_device_fault() themselves,
 * from every CPU, several into one device if there are fewer devices than
 * injectors; grpids are 32-bit and unique per device. No hardware behaves
 * like this: it is pure framework stress. Its detach drains nothing and
 * flushes the iopf workqueue (VT-d's order without a PRQ).
 */
enum iopf_bench_model {
	IOPF_BENCH_MODEL_VTD = 1,
	IOPF_BENCH_MODEL_DIRECT = 2,
	IOPF_BENCH_MODEL_AMD = 3,
	IOPF_BENCH_MODEL_SMMUV3_STALL = 4,
};
#define IOPF_BENCH_MODEL_PRQ	IOPF_BENCH_MODEL_VTD	/* its name before ABI 7 */

/*
 * How the reporter threads are scheduled (ABI 7). Real reporters are
 * threaded IRQs, which run SCHED_FIFO at MAX_RT_PRIO / 2
 * (kernel/irq/manage.c, setup_irq_thread() -> sched_set_fifo()).
 * Setting a FIFO class needs CAP_SYS_NICE of the caller: without it START
 * fails with EPERM (never a silent fallback).
 */
enum iopf_bench_reporter_prio {
	IOPF_BENCH_REPORTER_FIFO = 0,		/* the default: sched_set_fifo(), as an IRQ thread */
	IOPF_BENCH_REPORTER_FIFO_LOW = 1,	/* sched_set_fifo_low(): FIFO priority 1 */
	IOPF_BENCH_REPORTER_NORMAL = 2,		/* SCHED_NORMAL (what ABI <= 6 did) */
};

enum iopf_bench_pacing {
	IOPF_BENCH_PACE_CLOSED = 1,	/* as fast as possible within the credit; rate_per_s must be 0 */
	IOPF_BENCH_PACE_CONSTANT = 2,	/* open loop, constant interarrival; rate_per_s > 0 */
	IOPF_BENCH_PACE_POISSON = 3,	/* open loop, exponential interarrival; rate_per_s > 0 */
};

/*
 * The unbinder only calls the core (detach, disable IOPF); the mock drains
 * and flushes inside the detach, as VT-d does.
 */
enum iopf_bench_unbind_scope {
	IOPF_BENCH_UNBIND_DEVICE = 1,	/* stop the device, detach PASIDs and RID, disable IOPF,
					 * re-enable, re-attach */
	IOPF_BENCH_UNBIND_PASID = 2,	/* stop one PASID (open groups complete), detach it,
					 * re-attach; the other streams go on */
	IOPF_BENCH_UNBIND_REPLACE = 3,	/* Since ABI 5, 7.x only: switch one PASID to its other
					 * domain with iommu_replace_device_pasid() (no blocked
					 * domain between; the IOPF reference is handed from
					 * old to new) while it keeps sending */
};

/*
 * The order of a RID detach (the blocked domain's attach_dev, under the
 * core's group->mutex), since ABI 5. The PASID detach is the same on both
 * kernel lines (drain, flush, then remove_device).
 */
enum iopf_bench_rid_order {
	IOPF_BENCH_RID_ORDER_DRAIN_FIRST = 0,	/* the default: drain the PRQ, flush the
						 * iopf workqueue, then remove_device (6.12's
						 * VT-d; the order io-pgfault.c asks for) */
	IOPF_BENCH_RID_ORDER_REMOVE_FIRST = 1,	/* remove_device, then the teardown whose
						 * drain returns at once (IOPF already off):
						 * 7.x's VT-d blocking_domain_attach_dev() */
	IOPF_BENCH_RID_ORDER_KERNEL = 2,	/* the running kernel's VT-d: drain-first on
						 * 6.12, remove-first on 7.x */
};

/* flags */
#define IOPF_BENCH_RUN_NO_TIMESTAMPS	(1u << 0) /* no timestamps, no histograms: counts only */
#define IOPF_BENCH_RUN_SERVICE_SLEEP	(1u << 1) /* service_ns sleeps instead of busy-waiting */
/*
 * Deliberately broken handler, to prove that the invariant checker fails a
 * run (like locktorture's broken lock type); needs violate_every > 0:
 * VIOLATE_DOUBLE answers every Nth group twice (viol_unexpected),
 * VIOLATE_LOSE drops it unanswered with iopf_group_dequeue() (viol_lost).
 */
#define IOPF_BENCH_RUN_VIOLATE_DOUBLE	(1u << 2)
#define IOPF_BENCH_RUN_VIOLATE_LOSE	(1u << 3)
/*
 * Deliberately broken delivery, to prove the group-content checker: every
 * Nth partial request is not reported (PARTIAL_DROP) or reported twice
 * (PARTIAL_DUP) while the checker is told it was reported once: the group
 * that reaches the handler is short or has a duplicate (viol_group).
 */
#define IOPF_BENCH_RUN_VIOLATE_PARTIAL_DROP	(1u << 4)
#define IOPF_BENCH_RUN_VIOLATE_PARTIAL_DUP	(1u << 5)
/*
 * ABI 6: a deliberately wedged handler, to prove that no wait of the module
 * is unbounded: every Nth group's inline handler never returns on its own
 * (the reporter thread is stuck in iommu_report_device_fault(), as with a
 * fault handler that blocks). The run then fails with -ETIMEDOUT after the
 * module parameter stuck_ms, with a log line naming what is stuck, and an
 * rmmod returns. Needs the PRQ model and handler inline.
 */
#define IOPF_BENCH_RUN_VIOLATE_WEDGE	(1u << 7)
#define IOPF_BENCH_RUN_VIOLATE_ANY	(IOPF_BENCH_RUN_VIOLATE_DOUBLE | IOPF_BENCH_RUN_VIOLATE_LOSE | \
					 IOPF_BENCH_RUN_VIOLATE_PARTIAL_DROP | \
					 IOPF_BENCH_RUN_VIOLATE_PARTIAL_DUP | IOPF_BENCH_RUN_VIOLATE_WEDGE)
/*
 * ABI 3: the time-series stream also carries one GROUP record per answered
 * group (needs ts_interval_ns > 0). Costs the responder a few stores into a
 * per-CPU buffer, no lock.
 */
#define IOPF_BENCH_RUN_TS_GROUPS	(1u << 6)
/*
 * ABI 7, model vtd only: every drain is woken by every reporter pass and
 * none can miss it (the drain waits on a wait queue for the head to move,
 * a condition), as the comment in 6.12's prq_event_thread intends ("wake
 * up all threads that are waiting"). The default is what VT-d's code does:
 * each drain reinit_completion()s the IOMMU's one prq_complete and waits on
 * it, and each pass complete()s it once: of two drains running at once on
 * one IOMMU (two devices' detaches), one can lose its wake-up (woken one
 * at a time, or its completion reset by the other's reinit) and then wait
 * until the next page request arrives, for ever on a quiet IOMMU
 * (kmod/README.md, "Driver models"). A named departure from the driver.
 */
#define IOPF_BENCH_RUN_VTD_WAKE_ALL	(1u << 8)
#define IOPF_BENCH_RUN_FLAGS_ALL	(IOPF_BENCH_RUN_NO_TIMESTAMPS | IOPF_BENCH_RUN_SERVICE_SLEEP | \
					 IOPF_BENCH_RUN_VIOLATE_ANY | IOPF_BENCH_RUN_TS_GROUPS | \
					 IOPF_BENCH_RUN_VTD_WAKE_ALL)

struct iopf_bench_run_config {
	__u32 size;
	__u32 flags;		/* IOPF_BENCH_RUN_*; unknown bits -> EOPNOTSUPP */
	__u32 handler;		/* enum iopf_bench_handler; else EINVAL */
	__u32 pacing;		/* enum iopf_bench_pacing; else EINVAL */
	__u32 nr_devices;	/* 1..max_devices */
	__u32 pasids;		/* PASIDs per device, 0..max_pasids; faults also go to the RID */
	__u32 group_size;	/* requests per group, 1..512; 1 = last page only */
	__u32 open_groups;	/* groups in their partial phase at once per device
				 * (interleaved grpids), 1..max_open_groups. With
				 * fewer devices than injectors, a device's groups are
				 * split between its injectors: >= injectors/device. */
	__u32 credit;		/* groups in flight (first request .. response) per
				 * device, like a PRI credit; 0 = default
				 * max(open_groups, 1 + pasids, W) capped at
				 * max_credit, W = 64 (direct) or, in the PRQ model,
				 * min(64, prq_depth / (devices per IOMMU * P)), P =
				 * 2 * group_size for vtd (its head is written once
				 * per batch, so answered groups keep their entries
				 * until the batch ends) and group_size + 1 otherwise:
				 * the devices' requests fit their IOMMU's queue, as
				 * system software sizes PRI allocations; must be
				 * >= open_groups and >= 1 + pasids.
				 * Group context (slot) s of a device uses stream
				 * s mod (1 + pasids): 0 = RID, p = PASID p; with a
				 * PASID-only model (VERSION pasid_only_models)
				 * stream 1 + s mod pasids. */
	__u32 nr_injectors;	/* 1..max_injectors; 0 = nr_cpus */
	__u32 nr_cpus;		/* entries at cpus_uptr; 0 = injector i runs on the
				 * i-th online CPU (mod the number online). With a
				 * list, nr_injectors is 0 or nr_cpus. */
	__u32 nr_unbinders;	/* 0..max_unbinders; not with handler null */
	__aligned_u64 cpus_uptr;	/* __u32[nr_cpus] CPU numbers; each must be online */
	__aligned_u64 rate_per_s;	/* open loop: requests/s, total over injectors */
	__aligned_u64 duration_ms;	/* measured window; 0 = until max_requests */
	__aligned_u64 max_requests;	/* stop after this many requests in the window
					 * (split between injectors, so >= nr_injectors);
					 * 0 = until duration_ms; both 0 -> EINVAL */
	__u32 warmup_ms;	/* before the measured window; <= IOPF_BENCH_MAX_WARMUP_MS.
				 * Unbinders cycle from START on (warm-up included). */
	__u32 service_ns;	/* synthetic service time per group, <= max_service_ns */
	__u32 unbind_scope;	/* enum iopf_bench_unbind_scope; 0 = DEVICE.
				 * PASID needs pasids > 0 */
	__u32 unbind_rate_per_s; /* cycles/s over all unbinders; 0 = back to back */
	__u32 fail_every;	/* the handler fails every Nth group (the core then
				 * answers FAILURE); 0 = never. Not with null. */
	__u32 abandon_every;	/* the handler keeps every Nth group without answering
				 * it, so remove_device answers it; 0 = never. Needs
				 * nr_unbinders > 0 with unbind_scope DEVICE. */
	__aligned_u64 seed;	/* PRNG seed (Poisson arrivals, unbind targets); 0 = fixed default */
	__u32 __reserved;	/* must be 0 */
	__u32 __reserved2;	/* must be 0 */
	/* Since 120 bytes (older callers stop above; the minimum stays
	 * IOPF_BENCH_START_SIZE_VER1, 120): */
	__u32 violate_every;	/* with a VIOLATE flag: break every Nth group (DOUBLE,
				 * LOSE) or partial request (PARTIAL_*); else 0 */
	__u32 __reserved3;	/* must be 0 */
	/* Since ABI 2 (168 bytes; older callers get the defaults): */
	__u32 model;		/* enum iopf_bench_model; 0 = PRQ */
	__u32 nr_iommus;	/* mock IOMMUs, 0..max_iommus (0 = 1); device d is
				 * behind IOMMU d mod nr_iommus */
	__u32 prq_depth;	/* PRQ entries per IOMMU (models with a queue: all but
				 * direct); 0 = 2048
				 * (VT-d's PRQ_DEPTH); else 16..65536 */
	__u32 response_ns;	/* busy time of one command of the mock's command queue,
				 * IRQs off under the IOMMU's queue lock: a page response
				 * (vtd: QI submit and wait; amd: COMPLETE_PPR enqueue;
				 * smmuv3-stall: CMD_RESUME enqueue), and vtd's QI drain
				 * after a detach's flush; direct: busy in page_response,
				 * no lock. <= max_response_ns */
	__aligned_u64 irq_cpus_uptr;	/* __u32[nr_irq_cpus]: IOMMU i's reporter thread
					 * runs on irq_cpus[i] (its "IRQ CPU") */
	__u32 nr_irq_cpus;	/* 0 = IOMMU i on the (i+1)-th online CPU from the
				 * last; else == nr_iommus. PRQ model only */
	__u32 defer_ns;		/* handler DEFER: answer this long after the handler;
				 * > 0 with DEFER, 0 otherwise */
	__u32 reporter_prio;	/* Since ABI 7 (was __reserved4): enum
				 * iopf_bench_reporter_prio; models with a reporter
				 * only (else 0) */
	__u32 __reserved5;	/* must be 0 */
	/* Since ABI 3 (184 bytes; older callers get no stream): */
	__aligned_u64 ts_interval_ns;	/* the time-series stream: one INTERVAL record this
					 * often; 0 = no stream; else
					 * IOPF_BENCH_MIN_TS_INTERVAL_NS..MAX (EINVAL) */
	__u32 ts_ring_kib;	/* the stream's buffer, KiB: 0 = default (TS_RING_KIB_DEFAULT,
				 * or TS_RING_KIB_GROUPS with RUN_TS_GROUPS); else a power
				 * of two in MIN_TS_RING_KIB..MAX_TS_RING_KIB (EINVAL);
				 * needs ts_interval_ns */
	/* Since ABI 5 (same size; was __reserved6, so older callers get 0): */
	__u32 rid_order;	/* enum iopf_bench_rid_order: the order of a RID detach;
				 * 0 = drain-first */
};

/* IOPF_BENCH_OP_START's sizes (see IOPF_BENCH_VERSION_SIZE_VER1). */
#define IOPF_BENCH_START_SIZE_VER1	120	/* __reserved2: the minimum */
#define IOPF_BENCH_START_SIZE_VER2	168	/* __reserved5 */
#define IOPF_BENCH_START_SIZE_VER3	184	/* ts_ring_kib and __reserved6, rid_order since ABI 5 */

/* ------------------------------------------------------------------------ */
/* IOPF_BENCH_OP_STATUS */

enum iopf_bench_state {
	IOPF_BENCH_STATE_IDLE = 0,	/* no run */
	IOPF_BENCH_STATE_RUNNING = 1,	/* started, not finished */
	IOPF_BENCH_STATE_DONE = 2,	/* finished; results readable */
	IOPF_BENCH_STATE_ERROR = 3,	/* finished on an error; results readable, error set */
};

enum iopf_bench_phase {
	IOPF_BENCH_PHASE_NONE = 0,
	IOPF_BENCH_PHASE_WARMUP = 1,
	IOPF_BENCH_PHASE_MEASURE = 2,
	IOPF_BENCH_PHASE_STOPPING = 3,	/* window closed; threads stopping, devices being torn down */
	IOPF_BENCH_PHASE_FINISHED = 4,
};

struct iopf_bench_status {
	__u32 size;
	__u32 flags;		/* in: must be 0 */
	__u32 state;		/* out: enum iopf_bench_state */
	__u32 phase;		/* out: enum iopf_bench_phase */
	__aligned_u64 run_id;	/* out: increments with every START; 0 = never */
	__aligned_u64 elapsed_ns;	/* out: since START (frozen when finished) */
	__aligned_u64 requests;	/* out: progress, whole run (warm-up included) */
	__aligned_u64 groups;
	__aligned_u64 responses;
	__aligned_u64 unbind_cycles;
	__aligned_u64 violations;
	__s32 error;		/* out: negative errno when state == ERROR, else 0 */
	__u32 __reserved;	/* must be 0 */
};

#define IOPF_BENCH_STATUS_SIZE_VER1	80	/* __reserved: the minimum (unchanged since) */

/* ------------------------------------------------------------------------ */
/* IOPF_BENCH_OP_STOP: end the run early; returns when it is DONE/ERROR. */
struct iopf_bench_stop {
	__u32 size;
	__u32 flags;		/* must be 0 */
};

#define IOPF_BENCH_STOP_SIZE_VER1	8	/* flags: the minimum */

/* IOPF_BENCH_OP_WAIT: block (interruptibly: EINTR) until the run is finished. */
struct iopf_bench_wait {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u32 timeout_ms;	/* 0 = no timeout; else ETIMEDOUT when it expires */
	__u32 state;		/* out: enum iopf_bench_state at return */
};

#define IOPF_BENCH_WAIT_SIZE_VER1	16	/* state: the minimum */

/* IOPF_BENCH_OP_RESET: free a finished run (IDLE afterwards). */
struct iopf_bench_reset {
	__u32 size;
	__u32 flags;		/* must be 0 */
};

#define IOPF_BENCH_RESET_SIZE_VER1	8	/* flags: the minimum */

/* ------------------------------------------------------------------------ */
/* IOPF_BENCH_OP_RESULTS: read a finished run's results. */

/*
 * One latency distribution, nanoseconds. Zeros when count == 0. count and
 * max_ns are exact; min_ns is the lower bound of the lowest bucket; mean and
 * percentiles are computed from bucket midpoints (each within 0.78 % of the
 * samples it stands for) and clamped to [min, max].
 */
struct iopf_bench_latency {
	__aligned_u64 count;
	__aligned_u64 min_ns;
	__aligned_u64 mean_ns;
	__aligned_u64 p50_ns;
	__aligned_u64 p90_ns;
	__aligned_u64 p99_ns;
	__aligned_u64 p999_ns;
	__aligned_u64 max_ns;		/* exact */
};

/*
 * The clock of the per-group timestamps. TSC: the raw TSC (what the kernel
 * keeps time with, not marked unstable), converted to ns with tsc_khz;
 * about 4x cheaper to read than ktime_get_ns(). KTIME: ktime_get_ns().
 */
enum iopf_bench_clock {
	IOPF_BENCH_CLOCK_NONE = 0,	/* timestamps off */
	IOPF_BENCH_CLOCK_KTIME = 1,
	IOPF_BENCH_CLOCK_TSC = 2,
};

enum iopf_bench_result_status {
	IOPF_BENCH_RESULT_SUCCESS = 0,	/* no invariant violation, no error */
	IOPF_BENCH_RESULT_FAILURE = 1,	/* at least one invariant violation */
	IOPF_BENCH_RESULT_ERROR = 2,	/* the run hit an error (see error) */
};

struct iopf_bench_results {
	__u32 size;
	__u32 flags;			/* in: must be 0 */
	__aligned_u64 hist_uptr;	/* in: optional buffer for the raw merged histograms,
					 * __u64[IOPF_BENCH_HIST_NR][hist_nr_buckets] */
	__u32 hist_len;			/* in: bytes at hist_uptr (0 = none); the module
					 * writes min(hist_len, needed) bytes */
	__u32 hist_needed;		/* out: bytes of the full dump */
	__u32 abi_version;		/* out */
	__u32 status;			/* out: enum iopf_bench_result_status */
	__s32 error;			/* out: negative errno when status == ERROR */
	__u32 handler;			/* out: effective config, echoed */
	__u32 pacing;
	__u32 group_size;
	__u32 open_groups;
	__u32 credit;
	__u32 nr_devices;
	__u32 pasids;
	__u32 nr_injectors;
	__u32 nr_unbinders;
	__u32 run_flags;
	__u32 hist_nr_buckets;		/* out: layout of the dump */
	__aligned_u64 run_id;

	/* The measured window: requests reported after warm-up and before the end. */
	__aligned_u64 window_ns;
	__aligned_u64 target_rate_per_s;	/* 0 in closed loop */
	__aligned_u64 rate_per_s;		/* requests / window */
	__aligned_u64 group_rate_per_s;		/* groups / window */
	__aligned_u64 requests;			/* every request reported in the window */
	__aligned_u64 partial_requests;		/* of which not last-page */
	__aligned_u64 groups;			/* last-page requests reported in the window */
	__aligned_u64 responses;		/* responses to those groups */
	__aligned_u64 resp_success;		/* by response code */
	__aligned_u64 resp_invalid;
	__aligned_u64 resp_failure;
	__aligned_u64 aborts;			/* the core answered FAILURE (handler error) */
	__aligned_u64 report_errors;		/* whole run: iommu_report_device_fault returned an error */
	__aligned_u64 stalls;			/* a request was due but no slot/device could take it */
	__aligned_u64 injector_cpu_ns;		/* CPU time of all injectors in the window */

	/* Whole run, warm-up included: the exactly-once invariant. */
	__aligned_u64 total_requests;
	__aligned_u64 total_groups;		/* every last-page request reported */
	__aligned_u64 total_responses;		/* answered, each exactly once */
	__aligned_u64 from_handler;		/* by source: our handler (SUCCESS) */
	__aligned_u64 from_abort;		/* the core's abort path (FAILURE) */
	__aligned_u64 from_no_handler;		/* the core, no handle attached (INVALID) */
	__aligned_u64 from_remove;		/* iopf_queue_remove_device (INVALID) */
	__aligned_u64 failed_groups;		/* fail_every: handler returned an error */
	__aligned_u64 abandoned_groups;		/* abandon_every: left to remove_device */
	__aligned_u64 discarded_partials;	/* partial requests of open groups dropped by
						 * remove_device (the group restarts with a fresh grpid) */
	__aligned_u64 restarted_groups;
	__aligned_u64 violations;		/* unexpected + late + lost below, plus
						 * viol_group (ABI 2) */
	__aligned_u64 viol_unexpected;		/* response to a group that was not outstanding
						 * (double, unknown grpid, non-last request) */
	__aligned_u64 viol_late;		/* response after the device's remove_device
						 * (or the PASID's detach) returned */
	__aligned_u64 viol_lost;		/* group still unanswered after remove_device
						 * returned or at the end of the run */

	/* Unbind cycles (whole run). */
	__aligned_u64 unbind_cycles;
	__aligned_u64 unbind_errors;		/* re-enable/re-attach failed (device retired) */

	/* Latency summaries (measured window; unbind/rebind: whole run). */
	struct iopf_bench_latency lat_response;	/* IOPF_BENCH_HIST_RESPONSE */
	struct iopf_bench_latency lat_handler;	/* IOPF_BENCH_HIST_HANDLER */
	struct iopf_bench_latency lat_work;	/* IOPF_BENCH_HIST_WORK */
	struct iopf_bench_latency lat_unbind;	/* IOPF_BENCH_HIST_UNBIND */
	struct iopf_bench_latency lat_rebind;	/* IOPF_BENCH_HIST_REBIND */

	__u32 clock;			/* enum iopf_bench_clock of the group timestamps */
	__u32 __reserved;		/* out: 0 */

	/* Since ABI 2: the driver model. */
	__u32 model;			/* out: effective config, echoed */
	__u32 nr_iommus;
	__u32 prq_depth;		/* 0 in the direct model */
	__u32 response_ns;
	__u32 defer_ns;
	__u32 grpid_bits;		/* 9 (vtd, amd), 16 (smmuv3-stall: the STAG) or 32 (direct) */
	/* PRQ (whole run) */
	__aligned_u64 prq_overflows;		/* times a PRQ overflowed (overflow bit set) */
	__aligned_u64 prq_dropped;		/* requests dropped by the "hardware" (queue full
						 * or overflow bit set) */
	__aligned_u64 prq_dropped_last;		/* of which last requests: answered SUCCESS by the
						 * hardware (from_hw) */
	__aligned_u64 prq_discards;		/* iopf_queue_discard_partial() calls (overflow
						 * recovery) */
	__aligned_u64 prq_max_fill;		/* most entries a PRQ held */
	__aligned_u64 from_hw;			/* responses by the hardware to dropped last requests */
	/* Group contents (whole run) */
	__aligned_u64 checked_groups;		/* groups whose contents were checked */
	__aligned_u64 incomplete_groups;	/* short groups whose missing requests were dropped
						 * by the hardware or discarded after an overflow,
						 * as the driver does (not a violation) */
	__aligned_u64 viol_group;		/* groups with a foreign, duplicate or missing
						 * request: counted in violations */
	/* Deferred answers (whole run) */
	__aligned_u64 deferred_groups;		/* groups the DEFER handler kept */
	__aligned_u64 late_answers;		/* kept groups answered after remove_device had
						 * answered them INVALID: the device ignores them
						 * (PCIe: unexpected PRG index). Not a violation. */
	/* Who reported (whole run): the PRQ model's one-reporter rule. */
	__aligned_u64 reports_by_reporters;	/* iommu_report_device_fault() calls by the
						 * IOMMUs' reporter threads */
	__aligned_u64 reports_by_others;	/* ... by any other thread (direct model) */
	/* The measured window */
	__aligned_u64 reporter_requests;	/* requests the reporters reported in the window */
	__aligned_u64 reporter_cpu_ns;		/* their CPU time in the window */
	/* Detach (whole run) */
	__aligned_u64 detach_flushes;		/* drain + iopf_queue_flush_dev() done inside the
						 * mock's remove_dev_pasid / blocked attach_dev */
	__aligned_u64 detach_drained;		/* PRQ entries those drains waited for */
	__aligned_u64 groups_during_unbind;	/* window: groups a device sent on its other
						 * streams while one of its PASIDs was being
						 * unbound (PASID scope) */
	struct iopf_bench_latency lat_queue;		/* IOPF_BENCH_HIST_QUEUE */
	struct iopf_bench_latency lat_report_last;	/* IOPF_BENCH_HIST_REPORT_LAST */
	struct iopf_bench_latency lat_report_partial;	/* IOPF_BENCH_HIST_REPORT_PARTIAL */
	struct iopf_bench_latency lat_send_lag;		/* IOPF_BENCH_HIST_SEND_LAG */
	struct iopf_bench_latency lat_flush;		/* IOPF_BENCH_HIST_FLUSH (the window, since ABI 6) */
	struct iopf_bench_latency lat_report_in_flush;	/* IOPF_BENCH_HIST_REPORT_IN_FLUSH */
	/*
	 * Since ABI 4: the synthetic regression knob as this run used it (the
	 * module parameters regress_report_ns and regress_response_ns, read at
	 * START): busy ns added to every report (inside the report interval)
	 * and to every page response. 0 = off. A test knob, never on by default.
	 */
	__u32 regress_report_ns;
	__u32 regress_response_ns;
	/* Since ABI 7 */
	__u32 reporter_prio;		/* echoed: enum iopf_bench_reporter_prio (0 without reporters) */
	__u32 pasid_only;		/* 1: the model's driver rejects PASID-less requests on
					 * this kernel, so the devices faulted on PASIDs only */
	struct iopf_bench_latency lat_queue_in_flush;	/* IOPF_BENCH_HIST_QUEUE_IN_FLUSH */
	/*
	 * Group indexes reused as hardware reuses them (ABI 7): a device-scope
	 * unbind resets the device, which forgets the groups a handler still
	 * keeps, so their indexes carry new groups. A late answer to such a
	 * group that finds a new group outstanding under the same (device,
	 * PASID, index) is one the device would take for the new group's
	 * (PCIe matches a response by its PRG index): counted here, whole
	 * run (handler defer; iommufd answers what it keeps at detach).
	 */
	__aligned_u64 late_collisions;
};

/* IOPF_BENCH_OP_RESULTS's sizes (see IOPF_BENCH_VERSION_SIZE_VER1). */
#define IOPF_BENCH_RESULTS_SIZE_VER1	672	/* __reserved: the minimum */
#define IOPF_BENCH_RESULTS_SIZE_VER2	1224	/* lat_report_in_flush */
#define IOPF_BENCH_RESULTS_SIZE_VER4	1232	/* regress_response_ns */
#define IOPF_BENCH_RESULTS_SIZE_VER7	1312	/* late_collisions */

/* ------------------------------------------------------------------------ */
/*
 * The time-series stream (ABI 3, IOPF_BENCH_CAP_STREAM).
 *
 * A run started with ts_interval_ns > 0 writes records into a buffer of
 * ts_ring_kib KiB that read() on /dev/iopf_bench drains (poll() says when):
 * every ts_interval_ns an INTERVAL sample of what happened since the
 * previous one, EVENT records as things happen (window start/end, unbind
 * start/end, PRQ overflow start/end), with RUN_TS_GROUPS one GROUP record
 * per answered group, and LOST records for what did not fit.
 *
 * The data path never waits for the stream: a record that does not fit is
 * dropped and counted, and the next record that fits is preceded by a LOST
 * record with the count. The sampler, a kernel thread woken every interval,
 * reads the cumulative per-CPU counters and histograms (REPORT_LAST,
 * RESPONSE, REPORT_IN_FLUSH) and subtracts its previous snapshot: the hot
 * path is the same with and without the stream, except for a pointer test
 * where an event or a group record is produced.
 *
 * Records: struct iopf_bench_ts_hdr first, then the type's fields; size is
 * the whole record's, a multiple of 8, and all fields are naturally
 * aligned. seq counts the records of the stream 0, 1, 2, ... with no gap
 * (a dropped record takes no number; LOST records say how many). Readers
 * step by hdr.size, skip types they do not know, and accept a larger size
 * than they know (fields are only ever added at the end). Every time t_ns
 * is nanoseconds since the run's START (CLOCK_MONOTONIC start_ns in the
 * START record); the measured window starts at the WINDOW_START event's
 * t_ns, so t_ns - that is negative in the warm-up.
 *
 * Order: START first, END last; everything else in the order it was
 * written. An EVENT is written when its thread gets there, so it may come
 * after the INTERVAL that covers its t_ns; the INTERVAL counts of events
 * (unbind_starts, ...) count them by when they were written. GROUP records
 * are gathered from per-CPU buffers by the sampler and written just before
 * the INTERVAL they belong to, grouped by CPU (not sorted by time).
 *
 * Intervals: consecutive and gap-free, from START to after the last thread
 * stopped (the FINAL one); a boundary falls exactly on the window's start
 * and end (phase says which part an interval is in), so every count summed
 * over all INTERVAL records equals the results' (when none was lost):
 *   sum(requests) = total_requests, sum(responses) = total_responses,
 *   sum(window_requests) = requests, sum(window_responses) = responses,
 *   sum(report_count) = lat_report_last.count,
 *   sum(response_count) = lat_response.count,
 *   sum(in_flush_reports) = lat_report_in_flush.count,
 *   sum(overflows) = prq_overflows, sum(dropped) = prq_dropped.
 * Latencies are those of the histograms, which hold only measured (window)
 * requests and groups: warm-up intervals have none. Percentiles are of the
 * interval's samples (bucket midpoints, <= 0.78 % off); max_ns is exact
 * when the interval set the run's maximum so far, else the upper bound of
 * its highest bucket; all 0 when count is 0.
 *
 * read(): whole records only, as many as fit (at most 64 KiB per call);
 * a buffer too small for the next record -> EINVAL (ts_max_record_size in
 * VERSION always works). Blocks until there is a record or the stream has
 * ended (EINTR/restart on a signal); O_NONBLOCK or RWF_NOWAIT -> EAGAIN
 * instead. 0 (end of file) once the run has ended (END written) and every
 * record was read. Records go to whichever reader reads them: use one.
 * The stream read is the current run's (running or finished), until RESET
 * or the next START frees it; reading when there is no run, or the run has
 * no stream -> ENODATA. io_uring reads need no worker thread (FMODE_NOWAIT
 * with poll).
 * poll(): EPOLLIN | EPOLLRDNORM when a record is ready, plus EPOLLHUP once
 * the stream has ended (read the rest, then 0); EPOLLERR with no stream.
 * Readers are woken once per interval (and at the end), not per record.
 */
enum iopf_bench_ts_type {
	IOPF_BENCH_TS_START = 1,	/* struct iopf_bench_ts_start: always the first */
	IOPF_BENCH_TS_INTERVAL = 2,	/* struct iopf_bench_ts_interval */
	IOPF_BENCH_TS_EVENT = 3,	/* struct iopf_bench_ts_event */
	IOPF_BENCH_TS_GROUP = 4,	/* struct iopf_bench_ts_group (RUN_TS_GROUPS) */
	IOPF_BENCH_TS_LOST = 5,		/* struct iopf_bench_ts_lost */
	IOPF_BENCH_TS_END = 6,		/* struct iopf_bench_ts_end: always the last */
};

struct iopf_bench_ts_hdr {
	__u16 type;		/* enum iopf_bench_ts_type */
	__u16 size;		/* bytes of the record, this header included; multiple of 8 */
	__u32 seq;		/* 0, 1, 2, ... no gap */
};

struct iopf_bench_ts_start {
	struct iopf_bench_ts_hdr hdr;
	__aligned_u64 run_id;
	__aligned_u64 start_ns;		/* CLOCK_MONOTONIC at START; every t_ns counts from it */
	__aligned_u64 interval_ns;	/* ts_interval_ns */
	__aligned_u64 duration_ms;	/* the run config's */
	__u32 warmup_ms;
	__u32 ring_kib;			/* the buffer's size */
	__u32 run_flags;		/* the run config's flags */
	__u32 clock;			/* enum iopf_bench_clock of the run */
};

enum iopf_bench_ts_interval_flags {
	IOPF_BENCH_TS_IV_FINAL = 1u << 0,	/* the last: after every thread stopped */
};

struct iopf_bench_ts_interval {
	struct iopf_bench_ts_hdr hdr;
	__aligned_u64 t_ns;		/* start of the interval, since START */
	__aligned_u64 interval_ns;	/* its length; the next starts where it ends */
	__u32 phase;			/* enum iopf_bench_phase: WARMUP, MEASURE, STOPPING */
	__u32 flags;			/* IOPF_BENCH_TS_IV_* */
	/* Whole run: what happened in the interval */
	__aligned_u64 requests;		/* requests the devices sent (dropped ones included) */
	__aligned_u64 responses;	/* groups answered (each once, by anyone: handler, core,
					 * remove_device, hardware) */
	/* The measured window's share (they sum to the results' requests, responses) */
	__aligned_u64 window_requests;	/* requests sent in the window */
	__aligned_u64 window_responses;	/* answers to groups sent in the window */
	/* Report path of last requests (IOPF_BENCH_HIST_REPORT_LAST) */
	__aligned_u64 report_count;
	__aligned_u64 report_p50_ns;
	__aligned_u64 report_p99_ns;
	__aligned_u64 report_max_ns;
	/* Arrival -> response (IOPF_BENCH_HIST_RESPONSE) */
	__aligned_u64 response_count;
	__aligned_u64 response_p50_ns;
	__aligned_u64 response_p99_ns;
	__aligned_u64 response_max_ns;
	__aligned_u64 in_flush_reports;	/* requests reported while a flush of their device
					 * was in progress (IOPF_BENCH_HIST_REPORT_IN_FLUSH) */
	__aligned_u64 overflows;	/* PRQ overflows that began */
	__aligned_u64 dropped;		/* requests the PRQs dropped */
	__aligned_u64 unbind_starts;	/* UNBIND_START events written */
	__aligned_u64 unbind_ends;	/* UNBIND_END events written */
	__aligned_u64 sample_ns;	/* what taking this sample cost the sampler */
};

enum iopf_bench_ts_event_type {
	IOPF_BENCH_TS_EV_WINDOW_START = 1,	/* the measured window begins */
	IOPF_BENCH_TS_EV_WINDOW_END = 2,	/* ... ends; value = its length, ns */
	IOPF_BENCH_TS_EV_UNBIND_START = 3,	/* a device (pasid ALL) or PASID is being stopped */
	IOPF_BENCH_TS_EV_UNBIND_END = 4,	/* remove_device / the PASID's detach returned;
						 * value = unbind latency, ns */
	IOPF_BENCH_TS_EV_REBIND_END = 5,	/* re-enabled and re-attached; value = rebind ns */
	IOPF_BENCH_TS_EV_UNBIND_ABORT = 6,	/* the run ended while the PASID drained */
	IOPF_BENCH_TS_EV_OVERFLOW_START = 7,	/* a PRQ overflowed (device: whose request found it
						 * full); value = entries it held */
	IOPF_BENCH_TS_EV_OVERFLOW_END = 8,	/* the reporter cleared the overflow; value =
						 * requests dropped while it was set */
};
#define IOPF_BENCH_TS_NONE	0xffffffffu	/* iommu/device/pasid that does not apply */
#define IOPF_BENCH_TS_ALL_PASIDS	0xfffffffeu	/* pasid of a device-scope unbind */

struct iopf_bench_ts_event {
	struct iopf_bench_ts_hdr hdr;
	__aligned_u64 t_ns;		/* since START */
	__u32 event;			/* enum iopf_bench_ts_event_type */
	__u32 iommu;			/* mock IOMMU index, or IOPF_BENCH_TS_NONE */
	__u32 device;			/* device index, or IOPF_BENCH_TS_NONE */
	__u32 pasid;			/* 0 = the RID, or IOPF_BENCH_TS_ALL_PASIDS / _NONE */
	__aligned_u64 value;		/* per event, above */
};

/* Who answered a group (the results' from_* counters) */
enum iopf_bench_ts_source {
	IOPF_BENCH_TS_SRC_HANDLER = 1,	/* the module's handler */
	IOPF_BENCH_TS_SRC_ABORT = 2,	/* the core's abort path (handler error) */
	IOPF_BENCH_TS_SRC_NO_HANDLER = 3,	/* the core, no handle attached */
	IOPF_BENCH_TS_SRC_REMOVE = 4,	/* iopf_queue_remove_device */
	IOPF_BENCH_TS_SRC_HW = 5,	/* the hardware, for a last request the PRQ dropped */
};
#define IOPF_BENCH_TS_GROUP_MEASURED	1u	/* the group was sent in the measured window */

struct iopf_bench_ts_group {
	struct iopf_bench_ts_hdr hdr;
	__aligned_u64 arrival_ns;	/* its last request's arrival (open loop: scheduled),
					 * since START; 0 with RUN_NO_TIMESTAMPS */
	__aligned_u64 response_ns;	/* the answer, since START; 0 with RUN_NO_TIMESTAMPS */
	__u32 device;
	__u32 pasid;			/* 0 = the RID */
	__u32 grpid;
	__u16 code;			/* enum iommu_page_response_code: 0 success, 1 invalid,
					 * 2 failure */
	__u8 source;			/* enum iopf_bench_ts_source */
	__u8 flags;			/* IOPF_BENCH_TS_GROUP_* */
};

struct iopf_bench_ts_lost {
	struct iopf_bench_ts_hdr hdr;
	__aligned_u64 lost;		/* records dropped since the previous LOST record
					 * (buffer full, or a CPU's group buffer full) */
	__aligned_u64 total_lost;	/* since START */
};

struct iopf_bench_ts_end {
	struct iopf_bench_ts_hdr hdr;
	__aligned_u64 t_ns;		/* since START */
	__aligned_u64 records;		/* records written, this one included (= its seq + 1) */
	__aligned_u64 lost_records;	/* records dropped in all */
	__aligned_u64 intervals;	/* INTERVAL records produced (written or dropped) */
	__aligned_u64 sampler_cpu_ns;	/* CPU time of the sampler thread: the stream's cost */
	__u32 status;			/* enum iopf_bench_result_status of the run */
	__s32 error;			/* the run's error, negative errno, or 0 */
};

/* ------------------------------------------------------------------------ */
#define IOPF_BENCH_VERSION	_IO(IOPF_BENCH_TYPE, IOPF_BENCH_OP_VERSION)
#define IOPF_BENCH_START	_IO(IOPF_BENCH_TYPE, IOPF_BENCH_OP_START)
#define IOPF_BENCH_STATUS	_IO(IOPF_BENCH_TYPE, IOPF_BENCH_OP_STATUS)
#define IOPF_BENCH_STOP		_IO(IOPF_BENCH_TYPE, IOPF_BENCH_OP_STOP)
#define IOPF_BENCH_WAIT		_IO(IOPF_BENCH_TYPE, IOPF_BENCH_OP_WAIT)
#define IOPF_BENCH_RESULTS	_IO(IOPF_BENCH_TYPE, IOPF_BENCH_OP_RESULTS)
#define IOPF_BENCH_RESET	_IO(IOPF_BENCH_TYPE, IOPF_BENCH_OP_RESET)

#endif /* _UAPI_IOPF_BENCH_H */
