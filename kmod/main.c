// SPDX-License-Identifier: GPL-2.0
/*
 * iopf_bench: a benchmark and stress test of the Linux 6.12 I/O page fault
 * framework (drivers/iommu/io-pgfault.c), driven from a mock IOMMU.
 *
 * This file: the misc device /dev/iopf_bench, the ioctl dispatcher (iommufd
 * style extensible structs), the VERSION op and the run control ops.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "iopf_bench_int.h"
#include "stream.h"

#define IOPF_BENCH_MODULE_VERSION "3.0"

struct iopf_ucmd {
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

/* Copy the kernel's answer back: min(user's size, kernel's size) bytes. */
static int iopf_ucmd_respond(struct iopf_ucmd *ucmd, size_t ksize)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd, min_t(size_t, ucmd->user_size, ksize)))
		return -EFAULT;
	return 0;
}

static int iopf_op_version(struct iopf_ucmd *ucmd)
{
	struct iopf_bench_version *cmd = ucmd->cmd;

	if (cmd->flags) {
		return iopf_refuse(-EOPNOTSUPP, "version", "flags 0x%x: no flag is defined", cmd->flags);
	}
	if (cmd->__reserved) {
		return iopf_refuse(-EOPNOTSUPP, "version", "__reserved must be 0");
	}
	cmd->abi_version = IOPF_BENCH_ABI_VERSION;
	cmd->caps = 0;
	cmd->mock_kind = IOPF_BENCH_MOCK_NONE;
	if (iopf_framework_present()) {
		cmd->caps |= IOPF_BENCH_CAP_IOPF | IOPF_BENCH_CAP_PASID |
			     IOPF_BENCH_CAP_TIMESTAMPS | IOPF_BENCH_CAP_UNBIND;
		cmd->mock_kind = iopf_mock_kind();
	}
	cmd->caps |= IOPF_BENCH_CAP_STREAM;	/* the null handler streams too */
	strscpy(cmd->module_version, IOPF_BENCH_MODULE_VERSION, sizeof(cmd->module_version));
	strscpy(cmd->kernel_release, utsname()->release, sizeof(cmd->kernel_release));
	cmd->handlers = iopf_handler_mask();
	cmd->max_group_size = IOPF_BENCH_MAX_GROUP_SIZE;
	cmd->max_open_groups = IOPF_BENCH_MAX_OPEN_GROUPS;
	cmd->max_credit = IOPF_BENCH_MAX_CREDIT;
	cmd->max_devices = IOPF_BENCH_MAX_DEVICES;
	cmd->max_pasids = IOPF_BENCH_MAX_PASIDS;
	cmd->max_injectors = IOPF_BENCH_MAX_INJECTORS;
	cmd->max_unbinders = IOPF_BENCH_MAX_UNBINDERS;
	cmd->max_service_ns = IOPF_BENCH_MAX_SERVICE_NS;
	cmd->hist_sub_bits = IOPF_BENCH_HIST_SUB_BITS;
	cmd->hist_max_bits = IOPF_BENCH_HIST_MAX_BITS;
	cmd->hist_nr_buckets = IOPF_BENCH_HIST_NR_BUCKETS;
	cmd->hist_nr = IOPF_BENCH_HIST_NR;
	cmd->nr_cpu_ids = nr_cpu_ids;
	cmd->models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_DIRECT) |
		      (1u << IOPF_BENCH_MODEL_AMD) | (1u << IOPF_BENCH_MODEL_SMMUV3_STALL);
	cmd->pasid_only_models = (iopf_model_pasid_only(IOPF_BENCH_MODEL_VTD) << IOPF_BENCH_MODEL_VTD) |
				 (iopf_model_pasid_only(IOPF_BENCH_MODEL_AMD) << IOPF_BENCH_MODEL_AMD);
	cmd->max_iommus = IOPF_BENCH_MAX_IOMMUS;
	cmd->max_prq_depth = IOPF_BENCH_MAX_PRQ_DEPTH;
	cmd->max_response_ns = IOPF_BENCH_MAX_RESPONSE_NS;
	cmd->min_ts_interval_ns = IOPF_BENCH_MIN_TS_INTERVAL_NS;
	cmd->max_ts_interval_ns = IOPF_BENCH_MAX_TS_INTERVAL_NS;
	cmd->max_ts_ring_kib = IOPF_BENCH_MAX_TS_RING_KIB;
	cmd->ts_max_record_size = iopf_ts_max_record_size();
	return iopf_ucmd_respond(ucmd, sizeof(*cmd));
}

static int iopf_op_start(struct iopf_ucmd *ucmd)
{
	return iopf_run_start(ucmd->cmd);
}

static int iopf_op_status(struct iopf_ucmd *ucmd)
{
	struct iopf_bench_status *cmd = ucmd->cmd;
	int rc;

	if (cmd->flags) {
		return iopf_refuse(-EOPNOTSUPP, "status", "flags 0x%x: no flag is defined", cmd->flags);
	}
	if (cmd->__reserved) {
		return iopf_refuse(-EOPNOTSUPP, "status", "__reserved must be 0");
	}
	rc = iopf_run_status(cmd);
	if (rc)
		return rc;
	return iopf_ucmd_respond(ucmd, sizeof(*cmd));
}

static int iopf_op_stop(struct iopf_ucmd *ucmd)
{
	struct iopf_bench_stop *cmd = ucmd->cmd;

	if (cmd->flags) {
		return iopf_refuse(-EOPNOTSUPP, "stop", "flags 0x%x: no flag is defined", cmd->flags);
	}
	return iopf_run_stop();
}

static int iopf_op_wait(struct iopf_ucmd *ucmd)
{
	struct iopf_bench_wait *cmd = ucmd->cmd;
	int rc;

	if (cmd->flags) {
		return iopf_refuse(-EOPNOTSUPP, "wait", "flags 0x%x: no flag is defined", cmd->flags);
	}
	rc = iopf_run_wait(cmd->timeout_ms, &cmd->state);
	if (rc)
		return rc;
	return iopf_ucmd_respond(ucmd, sizeof(*cmd));
}

static int iopf_op_results(struct iopf_ucmd *ucmd)
{
	struct iopf_bench_results *cmd = ucmd->cmd;
	int rc;

	if (cmd->flags) {
		return iopf_refuse(-EOPNOTSUPP, "results", "flags 0x%x: no flag is defined", cmd->flags);
	}
	rc = iopf_run_results(cmd);
	if (rc)
		return rc;
	return iopf_ucmd_respond(ucmd, sizeof(*cmd));
}

static int iopf_op_reset(struct iopf_ucmd *ucmd)
{
	struct iopf_bench_reset *cmd = ucmd->cmd;

	if (cmd->flags) {
		return iopf_refuse(-EOPNOTSUPP, "reset", "flags 0x%x: no flag is defined", cmd->flags);
	}
	return iopf_run_reset();
}

union iopf_ucmd_buffer {
	struct iopf_bench_version version;
	struct iopf_bench_run_config start;
	struct iopf_bench_status status;
	struct iopf_bench_stop stop;
	struct iopf_bench_wait wait;
	struct iopf_bench_results results;
	struct iopf_bench_reset reset;
};

struct iopf_ioctl_op {
	unsigned int size;	/* what this module knows */
	unsigned int min_size;	/* the first ABI version's size */
	int (*execute)(struct iopf_ucmd *ucmd);
};

/* _min: the uapi's IOPF_BENCH_<CMD>_SIZE_VER1, which must end at _last. */
#define IOPF_OP(_op, _fn, _struct, _min, _last)                             \
	[_op - IOPF_BENCH_CMD_BASE] = {                                     \
		.size = sizeof(_struct) +                                   \
			BUILD_BUG_ON_ZERO(sizeof(union iopf_ucmd_buffer) <  \
					  sizeof(_struct)),                 \
		.min_size = _min +                                          \
			BUILD_BUG_ON_ZERO(_min != offsetofend(_struct, _last)), \
		.execute = _fn,                                             \
	}

static const struct iopf_ioctl_op iopf_ops[] = {
	IOPF_OP(IOPF_BENCH_OP_VERSION, iopf_op_version, struct iopf_bench_version,
		IOPF_BENCH_VERSION_SIZE_VER1, __reserved),
	IOPF_OP(IOPF_BENCH_OP_START, iopf_op_start, struct iopf_bench_run_config,
		IOPF_BENCH_START_SIZE_VER1, __reserved2),
	IOPF_OP(IOPF_BENCH_OP_STATUS, iopf_op_status, struct iopf_bench_status,
		IOPF_BENCH_STATUS_SIZE_VER1, __reserved),
	IOPF_OP(IOPF_BENCH_OP_STOP, iopf_op_stop, struct iopf_bench_stop,
		IOPF_BENCH_STOP_SIZE_VER1, flags),
	IOPF_OP(IOPF_BENCH_OP_WAIT, iopf_op_wait, struct iopf_bench_wait,
		IOPF_BENCH_WAIT_SIZE_VER1, state),
	IOPF_OP(IOPF_BENCH_OP_RESULTS, iopf_op_results, struct iopf_bench_results,
		IOPF_BENCH_RESULTS_SIZE_VER1, __reserved),
	IOPF_OP(IOPF_BENCH_OP_RESET, iopf_op_reset, struct iopf_bench_reset,
		IOPF_BENCH_RESET_SIZE_VER1, flags),
};

static const char *const iopf_op_names[] = {
	[IOPF_BENCH_OP_VERSION - IOPF_BENCH_CMD_BASE] = "version",
	[IOPF_BENCH_OP_START - IOPF_BENCH_CMD_BASE] = "start",
	[IOPF_BENCH_OP_STATUS - IOPF_BENCH_CMD_BASE] = "status",
	[IOPF_BENCH_OP_STOP - IOPF_BENCH_CMD_BASE] = "stop",
	[IOPF_BENCH_OP_WAIT - IOPF_BENCH_CMD_BASE] = "wait",
	[IOPF_BENCH_OP_RESULTS - IOPF_BENCH_CMD_BASE] = "results",
	[IOPF_BENCH_OP_RESET - IOPF_BENCH_CMD_BASE] = "reset",
};
static_assert(ARRAY_SIZE(iopf_op_names) == ARRAY_SIZE(iopf_ops));

#define IOPF_MAX_USER_SIZE 4096

static long iopf_fops_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	const struct iopf_ioctl_op *op;
	union iopf_ucmd_buffer *buf;
	struct iopf_ucmd ucmd = {};
	unsigned int nr;
	const char *name;
	int rc;

	if (_IOC_TYPE(cmd) != IOPF_BENCH_TYPE || _IOC_DIR(cmd) != _IOC_NONE ||
	    _IOC_SIZE(cmd) != 0)
		return -ENOTTY;
	nr = _IOC_NR(cmd);
	if (nr < IOPF_BENCH_CMD_BASE || nr - IOPF_BENCH_CMD_BASE >= ARRAY_SIZE(iopf_ops))
		return -ENOTTY;
	op = &iopf_ops[nr - IOPF_BENCH_CMD_BASE];
	name = iopf_op_names[nr - IOPF_BENCH_CMD_BASE];

	ucmd.ubuffer = (void __user *)arg;
	rc = get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer);
	if (rc)
		return rc;
	if (ucmd.user_size < op->min_size)
		return iopf_refuse(-EINVAL, name, "size %u is below the minimum %u",
				   ucmd.user_size, op->min_size);
	if (ucmd.user_size > IOPF_MAX_USER_SIZE)
		return iopf_refuse(-E2BIG, name, "size %u is above %u", ucmd.user_size,
				   IOPF_MAX_USER_SIZE);
	/* The results struct is too big for the stack. */
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ucmd.cmd = buf;
	rc = copy_struct_from_user(ucmd.cmd, op->size, ucmd.ubuffer, ucmd.user_size);
	if (rc == -E2BIG)
		rc = iopf_refuse(rc, name, "size %u: non-zero bytes beyond the %u this module knows",
				 ucmd.user_size, op->size);
	if (!rc)
		rc = op->execute(&ucmd);
	kfree(buf);
	return rc;
}

/*
 * The time-series stream (stream.c). Non-blocking reads are supported, so
 * io_uring tries them inline and polls, without a worker thread.
 */
static int iopf_fops_open(struct inode *inode, struct file *filp)
{
	filp->f_mode |= FMODE_NOWAIT;
	return 0;
}

static ssize_t iopf_fops_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return iopf_ts_read(to, (iocb->ki_flags & IOCB_NOWAIT) ||
				(iocb->ki_filp->f_flags & O_NONBLOCK));
}

static const struct file_operations iopf_fops = {
	.owner = THIS_MODULE,
	.open = iopf_fops_open,
	.read_iter = iopf_fops_read_iter,
	.poll = iopf_ts_poll,
	.unlocked_ioctl = iopf_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice iopf_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "iopf_bench",
	.fops = &iopf_fops,
	.mode = 0600,
};

/* Checks that the ABI layout is what the header comments promise. */
static_assert(offsetofend(struct iopf_bench_version, __reserved) == IOPF_BENCH_VERSION_SIZE_VER1);
static_assert(offsetofend(struct iopf_bench_version, max_response_ns) == IOPF_BENCH_VERSION_SIZE_VER2);
static_assert(offsetofend(struct iopf_bench_version, ts_max_record_size) == IOPF_BENCH_VERSION_SIZE_VER3);
static_assert(sizeof(struct iopf_bench_version) == IOPF_BENCH_VERSION_SIZE_VER7);
static_assert(offsetofend(struct iopf_bench_run_config, __reserved2) == IOPF_BENCH_START_SIZE_VER1);
static_assert(offsetofend(struct iopf_bench_run_config, __reserved3) == 128);
static_assert(offsetofend(struct iopf_bench_run_config, __reserved5) == IOPF_BENCH_START_SIZE_VER2);
static_assert(sizeof(struct iopf_bench_run_config) == IOPF_BENCH_START_SIZE_VER3);
static_assert(offsetof(struct iopf_bench_run_config, cpus_uptr) == 48);
static_assert(offsetof(struct iopf_bench_run_config, seed) == 104);
static_assert(sizeof(struct iopf_bench_status) == 80);
static_assert(sizeof(struct iopf_bench_latency) == 64);
static_assert(offsetof(struct iopf_bench_results, run_id) == 80);
static_assert(sizeof(struct iopf_bench_results) % 8 == 0);

static int __init iopf_bench_init(void)
{
	int rc;

	rc = iopf_run_init();
	if (rc)
		return rc;
	rc = misc_register(&iopf_misc);
	if (rc) {
		pr_err("cannot register /dev/%s: %d\n", iopf_misc.name, rc);
		iopf_run_exit();
		return rc;
	}
	if (!iopf_framework_present())
		pr_warn("this kernel has no IOMMU_IOPF: the version op works, START fails with EOPNOTSUPP\n");
	pr_info("loaded (abi %u, mock %s)\n", IOPF_BENCH_ABI_VERSION, iopf_mock_kind_name());
	return 0;
}

static void __exit iopf_bench_exit(void)
{
	misc_deregister(&iopf_misc);
	/* Stops a running run and tears it down in the framework's order. */
	iopf_run_exit();
	pr_info("unloaded\n");
}

module_init(iopf_bench_init);
module_exit(iopf_bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Benchmark and stress test of the IOMMU I/O page fault framework");
MODULE_VERSION(IOPF_BENCH_MODULE_VERSION);
IOPF_IMPORT_NS_IOMMUFD_INTERNAL();
