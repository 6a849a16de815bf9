// SPDX-License-Identifier: GPL-2.0
/*
 * stream.c - the module's time-series stream: the reader thread (io_uring
 * through liburing, or read() + poll()) and the CSV writer. See stream.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <liburing.h>

#include "stream.h"

#define TS_READ_BUF	(256 * 1024)	/* one read: the module returns at most 64 KiB */

static const char *const ts_events[TS_NR_EVENTS] = {
	[IOPF_BENCH_TS_EV_WINDOW_START] = "window_start",
	[IOPF_BENCH_TS_EV_WINDOW_END] = "window_end",
	[IOPF_BENCH_TS_EV_UNBIND_START] = "unbind_start",
	[IOPF_BENCH_TS_EV_UNBIND_END] = "unbind_end",
	[IOPF_BENCH_TS_EV_REBIND_END] = "rebind_end",
	[IOPF_BENCH_TS_EV_UNBIND_ABORT] = "unbind_abort",
	[IOPF_BENCH_TS_EV_OVERFLOW_START] = "overflow_start",
	[IOPF_BENCH_TS_EV_OVERFLOW_END] = "overflow_end",
};

const char *ts_event_name(uint32_t event)
{
	return event < TS_NR_EVENTS && ts_events[event] ? ts_events[event] : "unknown";
}

static const char *ts_phase_name(uint32_t phase)
{
	switch (phase) {
	case IOPF_BENCH_PHASE_WARMUP: return "warmup";
	case IOPF_BENCH_PHASE_MEASURE: return "measure";
	case IOPF_BENCH_PHASE_STOPPING: return "stopping";
	}
	return "unknown";
}

static const char *ts_source_name(uint32_t src)
{
	switch (src) {
	case IOPF_BENCH_TS_SRC_HANDLER: return "handler";
	case IOPF_BENCH_TS_SRC_ABORT: return "abort";
	case IOPF_BENCH_TS_SRC_NO_HANDLER: return "no_handler";
	case IOPF_BENCH_TS_SRC_REMOVE: return "remove";
	case IOPF_BENCH_TS_SRC_HW: return "hw";
	}
	return "unknown";
}

static const char *ts_code_name(uint32_t code)
{
	switch (code) {
	case 0: return "success";
	case 1: return "invalid";
	case 2: return "failure";
	}
	return "unknown";
}

static int __attribute__((format(printf, 2, 3))) ts_fail(struct ts_writer *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failed)
		return -1;
	w->failed = true;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int ts_append(uint8_t **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
	if (*len + n > *cap) {
		size_t c = *cap ? *cap : 4096;
		uint8_t *b;

		while (c < *len + n)
			c *= 2;
		b = realloc(*buf, c);
		if (!b)
			return -1;
		*buf = b;
		*cap = c;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	return 0;
}

void ts_writer_init(struct ts_writer *w, FILE *csv, FILE *groups)
{
	memset(w, 0, sizeof(*w));
	w->csv = csv;
	w->groups = groups;
	if (csv)
		fprintf(csv, "%s\n", TS_CSV_HEADER);
	if (groups)
		fprintf(groups, "%s\n", TS_GROUP_CSV_HEADER);
}

void ts_writer_free(struct ts_writer *w)
{
	free(w->carry);
	free(w->pending);
	w->carry = w->pending = NULL;
	w->carry_len = w->carry_cap = w->pending_len = w->pending_cap = 0;
}

/* "-12.345": ns as milliseconds with 3 decimals (truncated to the microsecond). */
static void ts_fmt_ms(int64_t ns, char *buf, size_t len)
{
	uint64_t a = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64, ns < 0 ? "-" : "", a / 1000000,
		 a / 1000 % 1000);
}

/* "" when there are no samples */
static void ts_fmt_opt(uint64_t count, uint64_t v, char *buf, size_t len)
{
	if (count)
		snprintf(buf, len, "%" PRIu64, v);
	else
		buf[0] = 0;
}

static void ts_row_interval(struct ts_writer *w, const struct iopf_bench_ts_interval *v)
{
	char t[32], iv[32], tp[32], rp[3][24], sp[3][24];

	w->intervals++;
	w->sample_ns += v->sample_ns;
	if (!w->csv) {
		w->lost_since_row = 0;
		return;
	}
	ts_fmt_ms((int64_t)(v->t_ns - w->window_start_ns), t, sizeof(t));
	ts_fmt_ms((int64_t)v->interval_ns, iv, sizeof(iv));
	if (v->interval_ns)
		snprintf(tp, sizeof(tp), "%" PRIu64,
			 (uint64_t)(((unsigned __int128)v->responses * 1000000000u + v->interval_ns / 2) /
				    v->interval_ns));
	else
		tp[0] = 0;
	ts_fmt_opt(v->report_count, v->report_p50_ns, rp[0], sizeof(rp[0]));
	ts_fmt_opt(v->report_count, v->report_p99_ns, rp[1], sizeof(rp[1]));
	ts_fmt_opt(v->report_count, v->report_max_ns, rp[2], sizeof(rp[2]));
	ts_fmt_opt(v->response_count, v->response_p50_ns, sp[0], sizeof(sp[0]));
	ts_fmt_opt(v->response_count, v->response_p99_ns, sp[1], sizeof(sp[1]));
	ts_fmt_opt(v->response_count, v->response_max_ns, sp[2], sizeof(sp[2]));
	fprintf(w->csv,
		"%s,%s,%" PRIu64 ",%" PRIu64 ",%s,%s,%s,%s,%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 "\n",
		t, iv, (uint64_t)v->requests, (uint64_t)v->responses, tp, rp[0], rp[1], rp[2],
		sp[0], sp[1], sp[2], (uint64_t)v->in_flush_reports, (uint64_t)v->overflows,
		(uint64_t)v->unbind_starts, (uint64_t)v->unbind_ends, ts_phase_name(v->phase),
		(uint64_t)v->window_requests, (uint64_t)v->window_responses,
		(uint64_t)v->report_count, (uint64_t)v->response_count, (uint64_t)v->dropped,
		w->lost_since_row, (uint64_t)v->sample_ns);
	w->lost_since_row = 0;
}

static void ts_row_group(struct ts_writer *w, const struct iopf_bench_ts_group *g)
{
	char a[24] = "", r[24] = "", l[24] = "";

	w->group_records++;
	if (!w->groups)
		return;
	if (w->start.clock != IOPF_BENCH_CLOCK_NONE) {
		snprintf(a, sizeof(a), "%" PRId64, (int64_t)(g->arrival_ns - w->window_start_ns));
		snprintf(r, sizeof(r), "%" PRId64, (int64_t)(g->response_ns - w->window_start_ns));
		snprintf(l, sizeof(l), "%" PRId64, (int64_t)(g->response_ns - g->arrival_ns));
	}
	fprintf(w->groups, "%s,%s,%s,%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%s,%s,%u\n", a, r, l,
		(uint32_t)g->device, (uint32_t)g->pasid, (uint32_t)g->grpid, ts_code_name(g->code),
		ts_source_name(g->source), g->flags & IOPF_BENCH_TS_GROUP_MEASURED ? 1u : 0u);
}

/* The part of a record that goes to a file: needs t = 0, the window's start. */
static void ts_emit(struct ts_writer *w, const struct iopf_bench_ts_hdr *h)
{
	switch (h->type) {
	case IOPF_BENCH_TS_INTERVAL:
		ts_row_interval(w, (const void *)h);
		break;
	case IOPF_BENCH_TS_GROUP:
		ts_row_group(w, (const void *)h);
		break;
	case IOPF_BENCH_TS_LOST:
		w->lost_since_row += ((const struct iopf_bench_ts_lost *)h)->lost;
		break;
	}
}

static void ts_replay_pending(struct ts_writer *w)
{
	size_t off = 0;

	while (off < w->pending_len) {
		const struct iopf_bench_ts_hdr *h = (const void *)(w->pending + off);

		ts_emit(w, h);
		off += h->size;
	}
	free(w->pending);
	w->pending = NULL;
	w->pending_len = w->pending_cap = 0;
}

static size_t ts_min_size(uint16_t type)
{
	switch (type) {
	case IOPF_BENCH_TS_START: return sizeof(struct iopf_bench_ts_start);
	case IOPF_BENCH_TS_INTERVAL: return sizeof(struct iopf_bench_ts_interval);
	case IOPF_BENCH_TS_EVENT: return sizeof(struct iopf_bench_ts_event);
	case IOPF_BENCH_TS_GROUP: return sizeof(struct iopf_bench_ts_group);
	case IOPF_BENCH_TS_LOST: return sizeof(struct iopf_bench_ts_lost);
	case IOPF_BENCH_TS_END: return sizeof(struct iopf_bench_ts_end);
	}
	return sizeof(struct iopf_bench_ts_hdr);
}

/* One whole record (8-byte aligned copy). */
static int ts_record(struct ts_writer *w, const struct iopf_bench_ts_hdr *h)
{
	if (h->size < ts_min_size(h->type))
		return ts_fail(w, "record %" PRIu64 " (type %u, seq %u) is %u bytes, shorter than the "
			       "%zu this tool knows", w->records, h->type, h->seq, h->size,
			       ts_min_size(h->type));
	if (w->have_end)
		return ts_fail(w, "a record (type %u, seq %u) after the END record", h->type, h->seq);
	if (!w->records && h->type != IOPF_BENCH_TS_START)
		return ts_fail(w, "the stream does not begin with a START record (type %u)", h->type);
	if (h->seq != w->next_seq)
		w->seq_gaps++;
	w->next_seq = h->seq + 1;
	w->records++;
	switch (h->type) {
	case IOPF_BENCH_TS_START:
		memcpy(&w->start, h, sizeof(w->start));
		w->have_start = true;
		return 0;
	case IOPF_BENCH_TS_END:
		memcpy(&w->end, h, sizeof(w->end));
		w->have_end = true;
		return 0;
	case IOPF_BENCH_TS_LOST:
		w->lost_records += ((const struct iopf_bench_ts_lost *)h)->lost;
		break;
	case IOPF_BENCH_TS_EVENT: {
		const struct iopf_bench_ts_event *e = (const void *)h;

		if (e->event < TS_NR_EVENTS)
			w->events[e->event]++;
		if (e->event == IOPF_BENCH_TS_EV_WINDOW_START && !w->have_window_start) {
			w->window_start_ns = e->t_ns;
			w->have_window_start = true;
			ts_replay_pending(w);
		}
		return 0;
	}
	case IOPF_BENCH_TS_INTERVAL:
	case IOPF_BENCH_TS_GROUP:
		break;
	default:
		w->unknown_records++;	/* a newer module's: skipped by its size */
		return 0;
	}
	if (w->have_window_start) {
		ts_emit(w, h);
		return 0;
	}
	if (ts_append(&w->pending, &w->pending_len, &w->pending_cap, h, h->size))
		return ts_fail(w, "out of memory");
	return 0;
}

/* Records from buf[0..len) (a record may continue from the last call). */
static int ts_records(struct ts_writer *w, const uint8_t *buf, size_t len, size_t *used)
{
	uint64_t aligned[65536 / 8];	/* any u16 size, 8-byte aligned */
	size_t off = 0;

	while (len - off >= sizeof(struct iopf_bench_ts_hdr)) {
		struct iopf_bench_ts_hdr h;

		memcpy(&h, buf + off, sizeof(h));
		if (h.size < sizeof(h) || h.size % 8)
			return ts_fail(w, "record %" PRIu64 " has a bad size %u (type %u)", w->records,
				       h.size, h.type);
		if (len - off < h.size)
			break;
		memcpy(aligned, buf + off, h.size);
		if (ts_record(w, (const void *)aligned))
			return -1;
		off += h.size;
	}
	*used = off;
	return 0;
}

int ts_writer_feed(struct ts_writer *w, const void *buf, size_t len)
{
	size_t used;

	if (w->failed)
		return -1;
	if (w->carry_len) {
		if (ts_append(&w->carry, &w->carry_len, &w->carry_cap, buf, len))
			return ts_fail(w, "out of memory");
		if (ts_records(w, w->carry, w->carry_len, &used))
			return -1;
		memmove(w->carry, w->carry + used, w->carry_len - used);
		w->carry_len -= used;
		return 0;
	}
	if (ts_records(w, buf, len, &used))
		return -1;
	if (used < len && ts_append(&w->carry, &w->carry_len, &w->carry_cap,
				    (const uint8_t *)buf + used, len - used))
		return ts_fail(w, "out of memory");
	return 0;
}

int ts_writer_finish(struct ts_writer *w)
{
	int rc = w->failed ? -1 : 0;

	if (!w->have_window_start) {
		/* The event was lost (or the run never got there): the planned start. */
		w->window_start_ns = (uint64_t)w->start.warmup_ms * 1000000u;
		w->have_window_start = true;
		ts_replay_pending(w);
		if (w->have_start)
			rc = ts_fail(w, "no WINDOW_START event in the stream (lost?): t_ms counts from "
				     "the planned window start, START + warm-up");
	}
	if (w->carry_len)
		rc = ts_fail(w, "the stream ends inside a record (%zu bytes left)", w->carry_len);
	if (!w->have_start)
		rc = ts_fail(w, "the stream had no START record");
	else if (!w->have_end)
		rc = ts_fail(w, "the stream ended without its END record");
	else if (w->end.records != w->records || w->seq_gaps)
		rc = ts_fail(w, "the module wrote %" PRIu64 " records, this tool read %" PRIu64
			     " (%" PRIu64 " out of sequence)", (uint64_t)w->end.records, w->records,
			     w->seq_gaps);
	if ((w->csv && (fflush(w->csv) || ferror(w->csv))) ||
	    (w->groups && (fflush(w->groups) || ferror(w->groups))))
		rc = ts_fail(w, "writing the CSV failed: %s", strerror(errno));
	return rc;
}

struct json_object *ts_json(const struct ts_writer *w, const char *file, const char *groups_file,
			    uint64_t interval_ms)
{
	struct json_object *o = json_object_new_object(), *e = json_object_new_object();

	json_object_object_add(o, "file", file ? json_object_new_string(file) : NULL);
	json_object_object_add(o, "group_records_file",
			       groups_file ? json_object_new_string(groups_file) : NULL);
	json_object_object_add(o, "interval_ms", json_object_new_uint64(interval_ms));
	json_object_object_add(o, "reader", w->method ? json_object_new_string(w->method) : NULL);
	json_object_object_add(o, "complete", json_object_new_boolean(w->have_end && !w->failed));
	json_object_object_add(o, "records", json_object_new_uint64(w->records));
	json_object_object_add(o, "intervals", json_object_new_uint64(w->intervals));
	json_object_object_add(o, "lost_records", json_object_new_uint64(w->lost_records));
	json_object_object_add(o, "group_records", json_object_new_uint64(w->group_records));
	for (uint32_t i = 1; i < TS_NR_EVENTS; i++)
		json_object_object_add(e, ts_event_name(i), json_object_new_uint64(w->events[i]));
	json_object_object_add(o, "events", e);
	json_object_object_add(o, "window_start_ns", json_object_new_uint64(w->window_start_ns));
	/* The stream's cost in the module: the sampler thread's CPU time. */
	json_object_object_add(o, "sampler_cpu_ns",
			       json_object_new_uint64(w->have_end ? w->end.sampler_cpu_ns : 0));
	json_object_object_add(o, "sample_ns", json_object_new_uint64(w->sample_ns));
	if (w->failed)
		json_object_object_add(o, "error", json_object_new_string(w->err));
	return o;
}

/* ------------------------------------------------------------------------ */
/* The reader thread */

struct ts_reader {
	pthread_t th;
	int fd;
	struct ts_writer *w;
	FILE *err;
	const char *prog;
	bool force_read;
	atomic_int stop;
	atomic_int done;
	int rc;			/* 0: end of file; -errno: read failed; -1: the writer failed; 1: stopped */
	char why[256];
};

static int ts_reader_data(struct ts_reader *r, const uint8_t *buf, ssize_t n)
{
	if (n == 0)
		return 1;	/* end of file */
	if (n < 0) {
		r->rc = (int)n;
		snprintf(r->why, sizeof(r->why), "reading the stream failed: %s", strerror((int)-n));
		return -1;
	}
	if (ts_writer_feed(r->w, buf, (size_t)n)) {
		r->rc = -1;
		snprintf(r->why, sizeof(r->why), "%s", r->w->err);
		return -1;
	}
	return 0;
}

static void ts_reader_uring(struct ts_reader *r, struct io_uring *ring, uint8_t *buf)
{
	bool cancelled = false;

	for (;;) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		struct io_uring_cqe *cqe;
		int res, rc;

		io_uring_prep_read(sqe, r->fd, buf, TS_READ_BUF, 0);
		io_uring_sqe_set_data64(sqe, 1);
		rc = io_uring_submit(ring);
		if (rc < 0) {
			r->rc = rc;
			snprintf(r->why, sizeof(r->why), "io_uring_submit: %s", strerror(-rc));
			return;
		}
		for (;;) {
			struct __kernel_timespec ts = { .tv_nsec = 200000000 };

			rc = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
			if (rc == -ETIME || rc == -EINTR) {
				if (atomic_load(&r->stop) && !cancelled) {
					sqe = io_uring_get_sqe(ring);
					io_uring_prep_cancel64(sqe, 1, 0);
					io_uring_sqe_set_data64(sqe, 2);
					io_uring_submit(ring);
					cancelled = true;
				}
				continue;
			}
			if (rc < 0) {
				r->rc = rc;
				snprintf(r->why, sizeof(r->why), "io_uring_wait_cqe: %s", strerror(-rc));
				return;
			}
			if (io_uring_cqe_get_data64(cqe) != 1) {	/* the cancel's own */
				io_uring_cqe_seen(ring, cqe);
				continue;
			}
			res = cqe->res;
			io_uring_cqe_seen(ring, cqe);
			break;
		}
		if (res == -EINTR || res == -EAGAIN)
			continue;
		if (res == -ECANCELED || (cancelled && res <= 0)) {
			r->rc = 1;
			return;
		}
		if (ts_reader_data(r, buf, res))
			return;
		if (atomic_load(&r->stop)) {
			r->rc = 1;
			return;
		}
	}
}

static void ts_reader_read(struct ts_reader *r, uint8_t *buf)
{
	for (;;) {
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		ssize_t n;
		int rc = poll(&p, 1, 200);

		if (rc < 0 && errno != EINTR) {
			r->rc = -errno;
			snprintf(r->why, sizeof(r->why), "poll: %s", strerror(errno));
			return;
		}
		if (rc <= 0) {
			if (atomic_load(&r->stop)) {
				r->rc = 1;
				return;
			}
			continue;
		}
		n = read(r->fd, buf, TS_READ_BUF);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (ts_reader_data(r, buf, n < 0 ? -errno : n))
			return;
	}
}

static void *ts_reader_fn(void *arg)
{
	struct ts_reader *r = arg;
	struct io_uring ring;
	sigset_t all;
	uint8_t *buf;
	int rc = -ENOSYS;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	buf = aligned_alloc(4096, TS_READ_BUF);
	if (!buf) {
		r->rc = -ENOMEM;
		snprintf(r->why, sizeof(r->why), "out of memory");
		goto out;
	}
	if (!r->force_read && !getenv("IOPF_BENCH_NO_IO_URING")) {
		rc = io_uring_queue_init(4, &ring, 0);
		if (rc)
			fprintf(r->err, "%s: io_uring is not available (io_uring_queue_init: %s): reading "
				"the time series with read() and poll()\n", r->prog, strerror(-rc));
	}
	if (!rc) {
		r->w->method = "io_uring";
		ts_reader_uring(r, &ring, buf);
		io_uring_queue_exit(&ring);
	} else {
		r->w->method = "read";
		ts_reader_read(r, buf);
	}
	free(buf);
out:
	atomic_store(&r->done, 1);
	return NULL;
}

int ts_reader_start(struct ts_reader **rp, int fd, struct ts_writer *w, FILE *err,
		    const char *prog, bool force_read)
{
	struct ts_reader *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return -ENOMEM;
	r->fd = fd;
	r->w = w;
	r->err = err;
	r->prog = prog;
	r->force_read = force_read;
	rc = pthread_create(&r->th, NULL, ts_reader_fn, r);
	if (rc) {
		free(r);
		return -rc;
	}
	*rp = r;
	return 0;
}

int ts_reader_join(struct ts_reader *r, unsigned int timeout_ms, char *why, size_t len)
{
	struct timespec ts;
	int rc;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	if (pthread_timedjoin_np(r->th, NULL, &ts)) {
		atomic_store(&r->stop, 1);
		pthread_join(r->th, NULL);
		if (!r->rc || r->rc == 1) {
			r->rc = 1;
			snprintf(r->why, sizeof(r->why), "the stream did not end within %u ms of the "
				 "run's end; stopped reading it", timeout_ms);
		}
	}
	rc = r->rc ? -1 : 0;
	if (rc)
		snprintf(why, len, "%s", r->why);
	free(r);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* The session of `iopf-bench run --timeseries` */

int ts_session_open(struct ts_session *s, const char *file, const char *groups_file,
		    uint64_t interval_ms, char *err, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->file = file;
	s->groups_file = groups_file;
	s->interval_ms = interval_ms;
	s->csv = fopen(file, "w");
	if (!s->csv) {
		snprintf(err, len, "--timeseries %s: %s", file, strerror(errno));
		return -1;
	}
	if (groups_file) {
		s->groups = fopen(groups_file, "w");
		if (!s->groups) {
			snprintf(err, len, "--group-records %s: %s", groups_file, strerror(errno));
			fclose(s->csv);
			s->csv = NULL;
			return -1;
		}
	}
	ts_writer_init(&s->w, s->csv, s->groups);
	return 0;
}

void ts_session_start(struct ts_session *s, int fd, FILE *errf, const char *prog)
{
	int rc;

	if (fd < 0) {
		s->failed = true;
		snprintf(s->err, sizeof(s->err), "this device has no stream to read: no time series");
		return;
	}
	rc = ts_reader_start(&s->reader, fd, &s->w, errf, prog, false);
	if (rc) {
		s->failed = true;
		snprintf(s->err, sizeof(s->err), "cannot start the time-series reader: %s",
			 strerror(-rc));
	}
}

int ts_session_end(struct ts_session *s, unsigned int timeout_ms)
{
	char why[256];

	if (s->reader) {
		if (ts_reader_join(s->reader, timeout_ms, why, sizeof(why)) && !s->failed) {
			s->failed = true;
			snprintf(s->err, sizeof(s->err), "time series %s: %s", s->file, why);
		}
		s->reader = NULL;
	}
	if (s->csv && ts_writer_finish(&s->w) && !s->failed) {
		s->failed = true;
		snprintf(s->err, sizeof(s->err), "time series %s: %s", s->file, s->w.err);
	}
	if (s->csv && fclose(s->csv) && !s->failed) {
		s->failed = true;
		snprintf(s->err, sizeof(s->err), "time series %s: %s", s->file, strerror(errno));
	}
	if (s->groups && fclose(s->groups) && !s->failed) {
		s->failed = true;
		snprintf(s->err, sizeof(s->err), "group records %s: %s", s->groups_file,
			 strerror(errno));
	}
	s->csv = s->groups = NULL;
	s->json = ts_json(&s->w, s->file, s->groups_file, s->interval_ms);
	if (s->failed && !s->w.failed)
		json_object_object_add(s->json, "error", json_object_new_string(s->err));
	return s->failed ? -1 : 0;
}

void ts_session_text(FILE *f, const struct ts_session *s)
{
	uint64_t events = 0;

	for (unsigned int i = 0; i < TS_NR_EVENTS; i++)
		events += s->w.events[i];
	fprintf(f, "time series: %s: %" PRIu64 " intervals of %" PRIu64 " ms, %" PRIu64
		" events, %" PRIu64 " records lost%s%s%s\n", s->file, s->w.intervals, s->interval_ms,
		events, s->w.lost_records,
		s->w.method ? " (read with " : "", s->w.method ? s->w.method : "",
		s->w.method ? ")" : "");
	if (s->groups_file)
		fprintf(f, "group records: %s: %" PRIu64 "\n", s->groups_file, s->w.group_records);
}

void ts_session_close(struct ts_session *s)
{
	char why[8];

	if (!s)
		return;
	if (s->reader)
		ts_reader_join(s->reader, 0, why, sizeof(why));
	if (s->csv)
		fclose(s->csv);
	if (s->groups)
		fclose(s->groups);
	json_object_put(s->json);
	ts_writer_free(&s->w);
	memset(s, 0, sizeof(*s));
}
