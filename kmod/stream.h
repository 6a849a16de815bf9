/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iopf_bench's time-series stream (stream.c): what the run and its threads
 * call. Above iopf_bench_int.h (the run it streams), below every file that
 * emits an event.
 */
#ifndef IOPF_BENCH_STREAM_H
#define IOPF_BENCH_STREAM_H

#include "iopf_bench_int.h"

/* The hooks below cost a pointer test when the stream is off. */
struct iov_iter;
struct file;
struct poll_table_struct;
int iopf_ts_validate(struct iopf_bench_run_config *c);
u32 iopf_ts_max_record_size(void);
int iopf_ts_create(struct iopf_run *run);
void iopf_ts_begin(struct iopf_run *run);
u64 iopf_ts_boundary(struct iopf_run *run, int phase);
void iopf_ts_finish(struct iopf_run *run);
void iopf_ts_end(struct iopf_run *run);
void iopf_ts_stop(struct iopf_run *run);
void iopf_ts_destroy(struct iopf_run *run);
ssize_t iopf_ts_read(struct iov_iter *to, bool nowait);
__poll_t iopf_ts_poll(struct file *filp, struct poll_table_struct *wait);
void __iopf_ts_event(struct iopf_ts *ts, u32 event, u64 t, u32 iommu, u32 device, u32 pasid,
		     u64 value);
void iopf_ts_group(struct iopf_ts_pcpu *p, u32 device, u32 pasid, u32 grpid, u32 code,
		   enum iopf_src src, u64 arrival, u64 response, bool measured);

/* An event at ktime t (ns), if the run streams. */
static inline void iopf_ts_event(struct iopf_run *run, u32 event, u64 t, u32 iommu, u32 device,
				 u32 pasid, u64 value)
{
	if (unlikely(run->ts))
		__iopf_ts_event(run->ts, event, t, iommu, device, pasid, value);
}

#endif /* IOPF_BENCH_STREAM_H */
