// SPDX-License-Identifier: GPL-2.0
/*
 * Description: include/iopf_bench.h's size constants are what the structs
 * say: each command's IOPF_BENCH_<CMD>_SIZE_VER<N> is offsetofend() of the
 * last field of ABI N ("Since ABI N" markers), checked at compile time
 * (a wrong constant does not build) and again at run time so the results
 * name each; the minimum (VER1) of every command is below its full size,
 * and the newest constant of each command is its sizeof.
 */
#include <stddef.h>
#include <stdio.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include <iopf_bench.h>

#define offsetofend(T, f)	(offsetof(T, f) + sizeof(((T *)0)->f))

/* One row: the constant, the struct and the last field of that ABI. */
#define SIZE(C, T, f)								\
	_Static_assert(C == offsetofend(T, f), #C " is not offsetofend(" #T ", " #f ")")

SIZE(IOPF_BENCH_VERSION_SIZE_VER1, struct iopf_bench_version, __reserved);
SIZE(IOPF_BENCH_VERSION_SIZE_VER2, struct iopf_bench_version, max_response_ns);
SIZE(IOPF_BENCH_VERSION_SIZE_VER3, struct iopf_bench_version, ts_max_record_size);
SIZE(IOPF_BENCH_VERSION_SIZE_VER7, struct iopf_bench_version, __reserved2);
SIZE(IOPF_BENCH_START_SIZE_VER1, struct iopf_bench_run_config, __reserved2);
SIZE(IOPF_BENCH_START_SIZE_VER2, struct iopf_bench_run_config, __reserved5);
/* ABI 3 ended with __reserved6, which ABI 5 made rid_order (same size). */
SIZE(IOPF_BENCH_START_SIZE_VER3, struct iopf_bench_run_config, rid_order);
SIZE(IOPF_BENCH_STATUS_SIZE_VER1, struct iopf_bench_status, __reserved);
SIZE(IOPF_BENCH_STOP_SIZE_VER1, struct iopf_bench_stop, flags);
SIZE(IOPF_BENCH_WAIT_SIZE_VER1, struct iopf_bench_wait, state);
SIZE(IOPF_BENCH_RESET_SIZE_VER1, struct iopf_bench_reset, flags);
SIZE(IOPF_BENCH_RESULTS_SIZE_VER1, struct iopf_bench_results, __reserved);
SIZE(IOPF_BENCH_RESULTS_SIZE_VER2, struct iopf_bench_results, lat_report_in_flush);
SIZE(IOPF_BENCH_RESULTS_SIZE_VER4, struct iopf_bench_results, regress_response_ns);
SIZE(IOPF_BENCH_RESULTS_SIZE_VER7, struct iopf_bench_results, late_collisions);

/* The newest constant is the whole struct: a field added without its constant fails here. */
_Static_assert(IOPF_BENCH_VERSION_SIZE_VER7 == sizeof(struct iopf_bench_version), "VERSION grew");
_Static_assert(IOPF_BENCH_START_SIZE_VER3 == sizeof(struct iopf_bench_run_config), "START grew");
_Static_assert(IOPF_BENCH_STATUS_SIZE_VER1 == sizeof(struct iopf_bench_status), "STATUS grew");
_Static_assert(IOPF_BENCH_STOP_SIZE_VER1 == sizeof(struct iopf_bench_stop), "STOP grew");
_Static_assert(IOPF_BENCH_WAIT_SIZE_VER1 == sizeof(struct iopf_bench_wait), "WAIT grew");
_Static_assert(IOPF_BENCH_RESET_SIZE_VER1 == sizeof(struct iopf_bench_reset), "RESET grew");
_Static_assert(IOPF_BENCH_RESULTS_SIZE_VER7 == sizeof(struct iopf_bench_results), "RESULTS grew");
_Static_assert(IOPF_BENCH_ABI_VERSION == 7, "a new ABI: add its _SIZE_VER constants and rows here");

struct row {
	const char *name;
	size_t constant, end, full;
};

#define ROW(C, T, f) { #C, C, offsetofend(T, f), sizeof(T) }

static const struct row rows[] = {
	ROW(IOPF_BENCH_VERSION_SIZE_VER1, struct iopf_bench_version, __reserved),
	ROW(IOPF_BENCH_VERSION_SIZE_VER2, struct iopf_bench_version, max_response_ns),
	ROW(IOPF_BENCH_VERSION_SIZE_VER3, struct iopf_bench_version, ts_max_record_size),
	ROW(IOPF_BENCH_VERSION_SIZE_VER7, struct iopf_bench_version, __reserved2),
	ROW(IOPF_BENCH_START_SIZE_VER1, struct iopf_bench_run_config, __reserved2),
	ROW(IOPF_BENCH_START_SIZE_VER2, struct iopf_bench_run_config, __reserved5),
	ROW(IOPF_BENCH_START_SIZE_VER3, struct iopf_bench_run_config, rid_order),
	ROW(IOPF_BENCH_STATUS_SIZE_VER1, struct iopf_bench_status, __reserved),
	ROW(IOPF_BENCH_STOP_SIZE_VER1, struct iopf_bench_stop, flags),
	ROW(IOPF_BENCH_WAIT_SIZE_VER1, struct iopf_bench_wait, state),
	ROW(IOPF_BENCH_RESET_SIZE_VER1, struct iopf_bench_reset, flags),
	ROW(IOPF_BENCH_RESULTS_SIZE_VER1, struct iopf_bench_results, __reserved),
	ROW(IOPF_BENCH_RESULTS_SIZE_VER2, struct iopf_bench_results, lat_report_in_flush),
	ROW(IOPF_BENCH_RESULTS_SIZE_VER4, struct iopf_bench_results, regress_response_ns),
	ROW(IOPF_BENCH_RESULTS_SIZE_VER7, struct iopf_bench_results, late_collisions),
};

TEST(sizes_are_the_fields_ends)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		EXPECT_EQ(rows[i].end, rows[i].constant) TH_LOG("%s", rows[i].name);
		/* Every size keeps the 64-bit fields after it aligned. */
		EXPECT_EQ(0, rows[i].constant % 8) TH_LOG("%s", rows[i].name);
		EXPECT_GE(rows[i].full, rows[i].constant) TH_LOG("%s", rows[i].name);
		if (i && !strncmp(rows[i].name, rows[i - 1].name, strlen(rows[i].name) - 1))
			EXPECT_GT(rows[i].constant, rows[i - 1].constant) TH_LOG("%s", rows[i].name);
	}
}

TEST_HARNESS_MAIN
