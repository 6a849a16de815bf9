// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the iopf_bench uapi: the misc device, the version query and
 * the extensible-struct rules (short -> EINVAL, non-zero tail -> E2BIG,
 * zero tail accepted, reserved/flags -> EOPNOTSUPP, unknown op -> ENOTTY).
 */
#include <stddef.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "iopf_test_utils.h"

IOPF_FIXTURE(uapi);

TEST_F(uapi, device_node)
{
	struct stat st;

	ASSERT_EQ(0, stat(IOPF_BENCH_DEVICE, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(0600, st.st_mode & 0777);
}

TEST_F(uapi, version)
{
	struct iopf_bench_version v;

	test_iopf_version(&v);
	ASSERT_EQ(sizeof(v), v.size);
	ASSERT_EQ(IOPF_BENCH_ABI_VERSION, v.abi_version);
	ASSERT_NE(0, v.module_version[0]);
	ASSERT_NE(0, v.kernel_release[0]);
	ASSERT_TRUE(memchr(v.module_version, 0, sizeof(v.module_version)) != NULL);
	/* The VM kernels have IOMMU_IOPF (AMD_IOMMU selects it). */
	ASSERT_TRUE(v.caps & IOPF_BENCH_CAP_IOPF);
	ASSERT_TRUE(v.caps & IOPF_BENCH_CAP_PASID);
	ASSERT_TRUE(v.mock_kind == IOPF_BENCH_MOCK_PLATFORM_FWSPEC ||
		    v.mock_kind == IOPF_BENCH_MOCK_PLATFORM_FWSPEC_LOCKDEP);
	ASSERT_EQ((1u << IOPF_BENCH_HANDLER_WQ) | (1u << IOPF_BENCH_HANDLER_INLINE) |
			  (1u << IOPF_BENCH_HANDLER_NULL) | (1u << IOPF_BENCH_HANDLER_DEFER) |
			  (1u << IOPF_BENCH_HANDLER_IOMMUFD),
		  v.handlers);
	ASSERT_EQ((1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_DIRECT) |
		  (1u << IOPF_BENCH_MODEL_AMD) | (1u << IOPF_BENCH_MODEL_SMMUV3_STALL), v.models);
	/* AMD-Vi rejects PASID-less requests on both lines, VT-d on 6.12 only. */
	if (!strncmp(v.kernel_release, "6.12.", 5)) {
		ASSERT_EQ((1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_AMD),
			  v.pasid_only_models);
	} else {
		ASSERT_EQ(1u << IOPF_BENCH_MODEL_AMD, v.pasid_only_models);
	}
	ASSERT_EQ(IOPF_BENCH_MAX_IOMMUS, v.max_iommus);
	ASSERT_EQ(IOPF_BENCH_MAX_PRQ_DEPTH, v.max_prq_depth);
	ASSERT_EQ(IOPF_BENCH_MAX_RESPONSE_NS, v.max_response_ns);
	ASSERT_EQ(512, v.max_group_size);
	ASSERT_EQ(IOPF_BENCH_MAX_OPEN_GROUPS, v.max_open_groups);
	ASSERT_EQ(IOPF_BENCH_MAX_CREDIT, v.max_credit);
	ASSERT_EQ(IOPF_BENCH_MAX_DEVICES, v.max_devices);
	ASSERT_EQ(IOPF_BENCH_MAX_PASIDS, v.max_pasids);
	ASSERT_EQ(IOPF_BENCH_MAX_INJECTORS, v.max_injectors);
	ASSERT_EQ(IOPF_BENCH_MAX_UNBINDERS, v.max_unbinders);
	ASSERT_EQ(IOPF_BENCH_MAX_SERVICE_NS, v.max_service_ns);
	ASSERT_EQ(IOPF_BENCH_HIST_SUB_BITS, v.hist_sub_bits);
	ASSERT_EQ(IOPF_BENCH_HIST_MAX_BITS, v.hist_max_bits);
	ASSERT_EQ(IOPF_BENCH_HIST_NR_BUCKETS, v.hist_nr_buckets);
	ASSERT_EQ(IOPF_BENCH_HIST_NR, v.hist_nr);
	ASSERT_LT(0, v.nr_cpu_ids);
	TH_LOG("module %s on %s, mock kind %u, caps 0x%x", v.module_version,
	       v.kernel_release, v.mock_kind, v.caps);
}

TEST_F(uapi, short_struct_einval)
{
	struct iopf_bench_version v = {};

	v.size = 0;
	ASSERT_EQ(-EINVAL, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &v));
	v.size = 4;
	ASSERT_EQ(-EINVAL, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &v));
	v.size = offsetofend(struct iopf_bench_version, __reserved) - 1;
	ASSERT_EQ(-EINVAL, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &v));
	/* Nothing was written back. */
	ASSERT_EQ(0, v.abi_version);
}

/* A version struct followed by a tail, as a newer userspace would send. */
struct version_ext {
	struct iopf_bench_version v;
	uint8_t tail[64];
};

TEST_F(uapi, trailing_nonzero_e2big)
{
	struct version_ext x = {};

	x.v.size = sizeof(x);
	x.tail[63] = 1;
	ASSERT_EQ(-E2BIG, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &x));
	ASSERT_EQ(0, x.v.abi_version);
	x.tail[63] = 0;
	x.tail[0] = 0xff;
	ASSERT_EQ(-E2BIG, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &x));
}

TEST_F(uapi, trailing_zero_ok)
{
	struct version_ext x;
	unsigned int i;

	memset(&x, 0, sizeof(x));
	x.v.size = sizeof(x);
	ASSERT_EQ(0, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &x));
	ASSERT_EQ(IOPF_BENCH_ABI_VERSION, x.v.abi_version);
	/* Only min(user size, module size) bytes are written back. */
	for (i = 0; i < sizeof(x.tail); i++)
		ASSERT_EQ(0, x.tail[i]);
	ASSERT_EQ(sizeof(x), x.v.size);
}

TEST_F(uapi, huge_size_e2big)
{
	static uint8_t buf[8192];
	struct iopf_bench_version *v = (void *)buf;

	memset(buf, 0, sizeof(buf));
	v->size = 4097;
	ASSERT_EQ(-E2BIG, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, v));
}

TEST_F(uapi, flags_and_reserved_eopnotsupp)
{
	struct iopf_bench_version v = { .size = sizeof(v) };

	v.flags = 1;
	ASSERT_EQ(-EOPNOTSUPP, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &v));
	v.flags = 0x80000000;
	ASSERT_EQ(-EOPNOTSUPP, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &v));
	v.flags = 0;
	v.__reserved = 1;
	ASSERT_EQ(-EOPNOTSUPP, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &v));
	v.__reserved = 0;
	ASSERT_EQ(0, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, &v));
}

TEST_F(uapi, unknown_ioctl_enotty)
{
	struct iopf_bench_version v = { .size = sizeof(v) };

	ASSERT_EQ(-ENOTTY, _iopf_ioctl(self->fd, _IO(IOPF_BENCH_TYPE, 0), &v));
	ASSERT_EQ(-ENOTTY, _iopf_ioctl(self->fd, _IO(IOPF_BENCH_TYPE, IOPF_BENCH_OP_RESET + 1), &v));
	ASSERT_EQ(-ENOTTY, _iopf_ioctl(self->fd, _IO(IOPF_BENCH_TYPE, 0xff), &v));
	ASSERT_EQ(-ENOTTY, _iopf_ioctl(self->fd, _IO(IOPF_BENCH_TYPE + 1, IOPF_BENCH_OP_VERSION), &v));
	/* The size is in the struct, not in the ioctl number. */
	ASSERT_EQ(-ENOTTY, _iopf_ioctl(self->fd, _IOWR(IOPF_BENCH_TYPE, IOPF_BENCH_OP_VERSION,
						       struct iopf_bench_version), &v));
}

TEST_F(uapi, bad_pointer_efault)
{
	ASSERT_EQ(-EFAULT, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, NULL));
	ASSERT_EQ(-EFAULT, _iopf_ioctl(self->fd, IOPF_BENCH_VERSION, (void *)16));
}

/* Every op follows the same size rules. */
TEST_F(uapi, every_op_size_rules)
{
	/* min: the size of the op's first ABI version; size: today's */
	static const struct {
		unsigned long req;
		unsigned int min, size;
	} ops[] = {
		{ IOPF_BENCH_VERSION, offsetofend(struct iopf_bench_version, __reserved),
		  sizeof(struct iopf_bench_version) },
		{ IOPF_BENCH_START, offsetofend(struct iopf_bench_run_config, __reserved2),
		  sizeof(struct iopf_bench_run_config) },
		{ IOPF_BENCH_STATUS, sizeof(struct iopf_bench_status),
		  sizeof(struct iopf_bench_status) },
		{ IOPF_BENCH_STOP, sizeof(struct iopf_bench_stop), sizeof(struct iopf_bench_stop) },
		{ IOPF_BENCH_WAIT, sizeof(struct iopf_bench_wait), sizeof(struct iopf_bench_wait) },
		{ IOPF_BENCH_RESULTS, offsetofend(struct iopf_bench_results, __reserved),
		  sizeof(struct iopf_bench_results) },
		{ IOPF_BENCH_RESET, sizeof(struct iopf_bench_reset), sizeof(struct iopf_bench_reset) },
	};
	static uint8_t buf[4096];
	unsigned int i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		memset(buf, 0, sizeof(buf));
		*(uint32_t *)buf = ops[i].min - 1;
		ASSERT_EQ(-EINVAL, _iopf_ioctl(self->fd, ops[i].req, buf)) TH_LOG("op %u", i);
		memset(buf, 0, sizeof(buf));
		*(uint32_t *)buf = ops[i].size + 8;
		buf[ops[i].size + 3] = 0x5a;
		ASSERT_EQ(-E2BIG, _iopf_ioctl(self->fd, ops[i].req, buf)) TH_LOG("op %u", i);
		memset(buf, 0, sizeof(buf));
		*(uint32_t *)buf = ops[i].size;
		*(uint32_t *)(buf + 4) = 0x40000000;	/* flags: no such bit */
		ASSERT_EQ(-EOPNOTSUPP, _iopf_ioctl(self->fd, ops[i].req, buf)) TH_LOG("op %u", i);
	}
}

/* A caller built against the first run config (120 bytes) still works. */
TEST_F(uapi, start_first_abi_size)
{
	struct iopf_bench_run_config cfg;
	uint32_t state;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_NULL);
	cfg.size = offsetofend(struct iopf_bench_run_config, __reserved2);
	cfg.duration_ms = 50;
	cfg.violate_every = 7;	/* beyond the caller's size: must be ignored */
	ASSERT_EQ(0, _iopf_start(self->fd, &cfg));
	ASSERT_EQ(0, _iopf_wait(self->fd, 60000, &state));
	ASSERT_EQ(IOPF_BENCH_STATE_DONE, state);
}

/*
 * A caller built against ABI 1 (128-byte run config, results ending at the
 * first __reserved) gets the driver model's defaults and a truncated but
 * valid answer; the module writes nothing beyond the caller's size.
 */
TEST_F(uapi, abi1_caller)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	uint32_t state;

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.size = offsetofend(struct iopf_bench_run_config, __reserved3);
	cfg.duration_ms = 50;
	cfg.model = IOPF_BENCH_MODEL_DIRECT;	/* beyond the caller's size: ignored */
	cfg.prq_depth = 3;			/* (would be refused) */
	ASSERT_EQ(0, _iopf_start(self->fd, &cfg));
	ASSERT_EQ(0, _iopf_wait(self->fd, 60000, &state));
	ASSERT_EQ(IOPF_BENCH_STATE_DONE, state);
	memset(&r, 0xa5, sizeof(r));
	r.size = offsetofend(struct iopf_bench_results, __reserved);
	r.flags = 0;
	r.hist_uptr = 0;
	r.hist_len = 0;
	ASSERT_EQ(0, _iopf_ioctl(self->fd, IOPF_BENCH_RESULTS, &r));
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_EQ(0xa5a5a5a5u, r.model);	/* not written: beyond the caller's size */
	/* A full-size read says the defaults were used: the PRQ model, one IOMMU. */
	test_iopf_results(&r);
	ASSERT_EQ(IOPF_BENCH_MODEL_VTD, r.model);
	ASSERT_EQ(1, r.nr_iommus);
	ASSERT_EQ(IOPF_BENCH_PRQ_DEPTH_DEFAULT, r.prq_depth);
	ASSERT_EQ(IOPF_BENCH_PRG_INDEX_BITS, r.grpid_bits);
	ASSERT_EQ(IOPF_BENCH_REPORTER_FIFO, r.reporter_prio);
}

/* A second open works; the module is not tied to one fd. */
TEST_F(uapi, two_fds)
{
	struct iopf_bench_version v;
	int fd2 = iopf_open();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, _iopf_version(fd2, &v));
	ASSERT_EQ(IOPF_BENCH_ABI_VERSION, v.abi_version);
	/* While an fd is open the module cannot go. */
	ASSERT_NE(0, iopf_module_unload());
	close(fd2);
}

IOPF_TEST_MAIN
