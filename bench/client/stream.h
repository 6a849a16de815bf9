/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stream.h - the module's time-series stream (ABI 3): a reader thread that
 * drains /dev/iopf_bench with io_uring (liburing) while `iopf-bench run`
 * waits, and the writer that turns its records into CSV files.
 *
 * The writer is pure (buffers in, CSV rows out), so host tests feed it
 * synthetic records. Record layouts and semantics: include/iopf_bench.h,
 * "The time-series stream".
 *
 * Time-series CSV (--timeseries), one row per INTERVAL record:
 *   t_ms             start of the interval, ms since the measured window's
 *                    start (the WINDOW_START event); warm-up rows negative
 *   interval_ms      its length
 *   requests         requests the devices sent in it (whole run: warm-up and
 *                    the stop included)
 *   responses        groups answered in it (by anyone)
 *   throughput_rps   responses / interval, per second
 *   report_p50_ns, report_p99_ns, report_max_ns
 *                    iommu_report_device_fault() of last requests (measured
 *                    window only; empty cells when the interval has none)
 *   response_p50_ns, response_p99_ns, response_max_ns
 *                    last request's arrival -> response (the same rule)
 *   in_flush_reports requests reported while a flush of their device ran
 *   overflows        PRQ overflows that began in it
 *   unbind_starts, unbind_ends   unbind cycles that began / detached in it
 * then, added at the end:
 *   phase            warmup, measure or stopping
 *   window_requests, window_responses   the measured window's share; their
 *                    sums are the run's requests and responses
 *   report_samples, response_samples    the samples behind the percentiles
 *   dropped_requests requests the PRQs dropped in it
 *   lost_records     records the module dropped (stream buffer full) since
 *                    the previous row: rows or events may be missing here
 *   sample_ns        what taking this sample cost the module's sampler
 *
 * Group-records CSV (--group-records), one row per answered group:
 *   arrival_ns, response_ns (since the window's start, like t_ms),
 *   latency_ns, device, pasid (0 = RID), grpid, code (success, invalid,
 *   failure), source (handler, abort, no_handler, remove, hw), measured
 *   (1 = sent in the measured window).
 */
#ifndef BENCH_STREAM_H
#define BENCH_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include <iopf_bench.h>

#define TS_CSV_HEADER								\
	"t_ms,interval_ms,requests,responses,throughput_rps,"			\
	"report_p50_ns,report_p99_ns,report_max_ns,"				\
	"response_p50_ns,response_p99_ns,response_max_ns,"			\
	"in_flush_reports,overflows,unbind_starts,unbind_ends,"		\
	"phase,window_requests,window_responses,report_samples,response_samples," \
	"dropped_requests,lost_records,sample_ns"
#define TS_GROUP_CSV_HEADER \
	"arrival_ns,response_ns,latency_ns,device,pasid,grpid,code,source,measured"

#define TS_NR_EVENTS	(IOPF_BENCH_TS_EV_OVERFLOW_END + 1)

struct ts_writer {
	FILE *csv;			/* time series (NULL: not written) */
	FILE *groups;			/* group records (NULL: not written) */
	/* What the stream held */
	uint64_t records, intervals, group_records, lost_records, unknown_records;
	uint64_t events[TS_NR_EVENTS];	/* by enum iopf_bench_ts_event_type */
	bool have_start, have_end, have_window_start;
	struct iopf_bench_ts_start start;
	struct iopf_bench_ts_end end;
	uint64_t window_start_ns;	/* since START */
	uint64_t seq_gaps;		/* records whose seq was not the next one */
	uint64_t sample_ns;		/* sum over the intervals */
	const char *method;		/* how the reader read: "io_uring", "read" (NULL: no reader) */
	/* Internal */
	uint32_t next_seq;
	uint64_t lost_since_row;
	uint8_t *carry;			/* a record split between two buffers */
	size_t carry_len, carry_cap;
	uint8_t *pending;		/* records before WINDOW_START: t = 0 unknown yet */
	size_t pending_len, pending_cap;
	bool failed;
	char err[256];
};

/* Writes the CSV headers. Either file may be NULL. */
void ts_writer_init(struct ts_writer *w, FILE *csv, FILE *groups);
/*
 * Feed bytes read from the device (whole records, though a record split
 * across two calls is put together). 0, or -1 with w->err set (a record
 * that makes no sense; a write error).
 */
int ts_writer_feed(struct ts_writer *w, const void *buf, size_t len);
/*
 * The stream ended: write what waited for the window's start (if the
 * WINDOW_START event never came, t = 0 is the planned one, START + warm-up,
 * and the error says so), check the end. 0, or -1 with w->err set.
 */
int ts_writer_finish(struct ts_writer *w);
void ts_writer_free(struct ts_writer *w);

const char *ts_event_name(uint32_t event);

/*
 * The reader thread: drains fd until end of file (read() returns 0) with
 * io_uring, or read() + poll() when io_uring is not available (said once on
 * err) or IOPF_BENCH_NO_IO_URING is set in the environment. Its signals are
 * blocked (the main thread takes SIGINT/SIGTERM).
 */
struct ts_reader;
int ts_reader_start(struct ts_reader **r, int fd, struct ts_writer *w, FILE *err,
		    const char *prog, bool force_read);
/*
 * Wait for the end of the stream, at most timeout_ms; then stop the reader
 * anyway. 0 when it reached the end cleanly; -1 with why set otherwise.
 * Frees r.
 */
int ts_reader_join(struct ts_reader *r, unsigned int timeout_ms, char *why, size_t len);

/* The run's "timeseries" JSON object. */
struct json_object *ts_json(const struct ts_writer *w, const char *file, const char *groups_file,
			    uint64_t interval_ms);

/*
 * What `iopf-bench run --timeseries` does, in four calls: open the files
 * (before START: a bad path is a usage error), start the reader (after
 * START), end it (after the run, before RESET frees the stream), close.
 */
struct ts_session {
	const char *file, *groups_file;
	uint64_t interval_ms;
	FILE *csv, *groups;
	struct ts_writer w;
	struct ts_reader *reader;
	struct json_object *json;	/* after ts_session_end; owned */
	bool failed;
	char err[320];
};

/* 0, or -1 with err set (the file cannot be written). */
int ts_session_open(struct ts_session *s, const char *file, const char *groups_file,
		    uint64_t interval_ms, char *err, size_t len);
/* fd < 0: nothing to read (s->err says so); the run goes on without the series. */
void ts_session_start(struct ts_session *s, int fd, FILE *errf, const char *prog);
/*
 * Wait for the stream's end (the run has ended or was stopped), write the
 * rest, close the files, build s->json. 0, or -1 with s->err set.
 */
int ts_session_end(struct ts_session *s, unsigned int timeout_ms);
/* One line for the text report. */
void ts_session_text(FILE *f, const struct ts_session *s);
/* Frees everything (any state; a NULL or zeroed session is fine). */
void ts_session_close(struct ts_session *s);

#endif
