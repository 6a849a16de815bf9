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
 */
#ifndef _UAPI_IOPF_BENCH_H
#define _UAPI_IOPF_BENCH_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define IOPF_BENCH_DEVICE	"/dev/iopf_bench"
#define IOPF_BENCH_TYPE		0xBE
#define IOPF_BENCH_ABI_VERSION	2	/* 2: driver model (IOMMUs, PRQ, defer, group checks) */

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
#define IOPF_BENCH_MAX_DEFER_NS		1000000000u	/* 1 s */
/* PCIe Page Request Group Index: 9 bits. The prq model's grpids fit in it. */
#define IOPF_BENCH_PRG_INDEX_BITS	9

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
	IOPF_BENCH_HIST_NR,
};

/* ------------------------------------------------------------------------ */
/* IOPF_BENCH_OP_VERSION: what this module is and supports. */

/* caps */
#define IOPF_BENCH_CAP_IOPF		(1u << 0) /* the IOPF framework is built in; START can work */
#define IOPF_BENCH_CAP_PASID		(1u << 1) /* faults on PASIDs (iommu_attach_device_pasid) */
#define IOPF_BENCH_CAP_TIMESTAMPS	(1u << 2) /* per-group timestamps and histograms */
#define IOPF_BENCH_CAP_UNBIND		(1u << 3) /* unbinder threads */

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
};

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
};

/*
 * How requests reach the framework.
 *
 * PRQ (the default): like VT-d (prq_event_thread), AMD-Vi (PPR log thread)
 * and SMMUv3 (priq thread). Each mock IOMMU has its own iopf_queue and a
 * page request queue (PRQ) of prq_depth entries; the injectors are the
 * devices' traffic generators and only write descriptors to it; ONE
 * reporter thread per IOMMU, on the IOMMU's IRQ CPU, drains it and calls
 * iommu_report_device_fault(). A full PRQ overflows as VT-d's does: the
 * overflow bit is set, every request is dropped until the reporter has
 * emptied the queue, called iopf_queue_discard_partial() and cleared it;
 * a dropped last request is answered SUCCESS by the "hardware" (the device
 * retries). grpids are 9-bit PRG indexes, reused after the group's response.
 *
 * DIRECT: the injectors call iommu_report_device_fault() themselves, from
 * every CPU, several into one device if there are fewer devices than
 * injectors; grpids are 32-bit and unique per device. No hardware behaves
 * like this: it is pure framework stress.
 *
 * In both, detach works as in VT-d: the mock's remove_dev_pasid and its
 * blocking domain's attach_dev drain the device's (PASID's) PRQ entries and
 * call iopf_queue_flush_dev(), inside the core's call (group->mutex held).
 */
enum iopf_bench_model {
	IOPF_BENCH_MODEL_PRQ = 1,
	IOPF_BENCH_MODEL_DIRECT = 2,
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
#define IOPF_BENCH_RUN_VIOLATE_ANY	(IOPF_BENCH_RUN_VIOLATE_DOUBLE | IOPF_BENCH_RUN_VIOLATE_LOSE | \
					 IOPF_BENCH_RUN_VIOLATE_PARTIAL_DROP | \
					 IOPF_BENCH_RUN_VIOLATE_PARTIAL_DUP)
#define IOPF_BENCH_RUN_FLAGS_ALL	(IOPF_BENCH_RUN_NO_TIMESTAMPS | IOPF_BENCH_RUN_SERVICE_SLEEP | \
					 IOPF_BENCH_RUN_VIOLATE_ANY)

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
				 * min(64, prq_depth / (devices per IOMMU * (group_size + 1))):
				 * the devices' requests fit their IOMMU's queue, as
				 * system software sizes PRI allocations; must be
				 * >= open_groups and >= 1 + pasids.
				 * Group context (slot) s of a device uses stream
				 * s mod (1 + pasids): 0 = RID, p = PASID p. */
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
	/* Since 120 bytes (older callers stop above; min size stays 120): */
	__u32 violate_every;	/* with a VIOLATE flag: break every Nth group (DOUBLE,
				 * LOSE) or partial request (PARTIAL_*); else 0 */
	__u32 __reserved3;	/* must be 0 */
	/* Since ABI 2 (168 bytes; older callers get the defaults): */
	__u32 model;		/* enum iopf_bench_model; 0 = PRQ */
	__u32 nr_iommus;	/* mock IOMMUs, 0..max_iommus (0 = 1); device d is
				 * behind IOMMU d mod nr_iommus */
	__u32 prq_depth;	/* PRQ entries per IOMMU (PRQ model only); 0 = 2048
				 * (VT-d's PRQ_DEPTH); else 16..65536 */
	__u32 response_ns;	/* busy time inside the mock's page_response, under the
				 * core's fault_param->lock (VT-d: QI descriptor submit and
				 * wait); <= max_response_ns */
	__aligned_u64 irq_cpus_uptr;	/* __u32[nr_irq_cpus]: IOMMU i's reporter thread
					 * runs on irq_cpus[i] (its "IRQ CPU") */
	__u32 nr_irq_cpus;	/* 0 = IOMMU i on the (i+1)-th online CPU from the
				 * last; else == nr_iommus. PRQ model only */
	__u32 defer_ns;		/* handler DEFER: answer this long after the handler;
				 * > 0 with DEFER, 0 otherwise */
	__u32 __reserved4;	/* must be 0 */
	__u32 __reserved5;	/* must be 0 */
};

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

/* ------------------------------------------------------------------------ */
/* IOPF_BENCH_OP_STOP: end the run early; returns when it is DONE/ERROR. */
struct iopf_bench_stop {
	__u32 size;
	__u32 flags;		/* must be 0 */
};

/* IOPF_BENCH_OP_WAIT: block (interruptibly: EINTR) until the run is finished. */
struct iopf_bench_wait {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u32 timeout_ms;	/* 0 = no timeout; else ETIMEDOUT when it expires */
	__u32 state;		/* out: enum iopf_bench_state at return */
};

/* IOPF_BENCH_OP_RESET: free a finished run (IDLE afterwards). */
struct iopf_bench_reset {
	__u32 size;
	__u32 flags;		/* must be 0 */
};

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
	__aligned_u64 violations;		/* sum of the three below */
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
	__u32 grpid_bits;		/* 9 (PRQ model) or 32 (direct) */
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
	struct iopf_bench_latency lat_flush;		/* IOPF_BENCH_HIST_FLUSH (whole run) */
	struct iopf_bench_latency lat_report_in_flush;	/* IOPF_BENCH_HIST_REPORT_IN_FLUSH */
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
