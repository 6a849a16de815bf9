/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dev.h - talking to /dev/iopf_bench. The device is a small ops vector so
 * that host tests can put a fake module behind the whole command flow.
 */
#ifndef BENCH_DEV_H
#define BENCH_DEV_H

#include <stddef.h>
#include <stdint.h>

#include <iopf_bench.h>

struct bench_dev {
	/* One ioctl (IOPF_BENCH_*); returns 0 or a negative errno. */
	int (*ioctl)(struct bench_dev *d, unsigned long req, void *arg);
	/* Optional: remember where the kernel log is now ... */
	void (*log_mark)(struct bench_dev *d);
	/* ... and find the module's "iopf_bench: <op>: ..." line logged since. */
	int (*log_reason)(struct bench_dev *d, const char *op, char *buf, size_t len);
	void (*close)(struct bench_dev *d);
	/* Optional: an fd to read the time-series stream from (read/poll/io_uring), or -1. */
	int (*stream_fd)(struct bench_dev *d);
	void *priv;
};

/* Opens the real device; returns 0 or a negative errno. */
int dev_open(const char *path, struct bench_dev **d);

int dev_version(struct bench_dev *d, struct iopf_bench_version *v);
int dev_start(struct bench_dev *d, struct iopf_bench_run_config *c);
int dev_status(struct bench_dev *d, struct iopf_bench_status *s);
int dev_stop(struct bench_dev *d);
int dev_wait(struct bench_dev *d, uint32_t timeout_ms, uint32_t *state);
int dev_results(struct bench_dev *d, struct iopf_bench_results *r, uint64_t *hist, uint32_t hist_len);
int dev_reset(struct bench_dev *d);
void dev_close(struct bench_dev *d);

/* "EINVAL" for EINVAL (positive or negative), "E123" when unknown. */
const char *errno_name(int err);
const char *state_name(uint32_t state);
const char *phase_name(uint32_t phase);
const char *mock_kind_name(uint32_t kind);
const char *result_status_name(uint32_t status);
const char *hist_name(unsigned int h);

#endif
