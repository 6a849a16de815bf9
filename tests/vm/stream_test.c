// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the time-series stream (ABI 3). A streamed run's INTERVAL
 * records cover it without gap from START to after the last thread, with
 * boundaries on the measured window, and their counts sum to the results'
 * exactly; latency percentiles are there and ordered; unbind events pair
 * up with the unbind cycles; O_NONBLOCK gives EAGAIN, poll() EPOLLIN and
 * EPOLLHUP, read() 0 at the end; no stream -> ENODATA; bad stream settings
 * are refused with their errno and log line; a full buffer drops records
 * and says so (LOST), never the END; group records, one per answer; a
 * blocked reader is woken by STOP; rmmod during a streamed run.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/klog.h>

#include "iopf_test_utils.h"

IOPF_FIXTURE(stream);

/* Everything a stream held, parsed. */
struct ts_all {
	uint8_t *buf;
	size_t len, cap;
	unsigned int nrec, nstart, nend, nint, nev, ngroup, nlost;
	unsigned int ev[16];		/* by enum iopf_bench_ts_event_type */
	struct iopf_bench_ts_start start;
	struct iopf_bench_ts_end end;
	uint64_t lost_sum, lost_total_last;
	int seq_ok, sizes_ok, order_ok;
	/* sums over the INTERVAL records */
	uint64_t requests, responses, wreq, wresp, reports, resps, in_flush, overflows, dropped;
	uint64_t unbind_starts, unbind_ends, sample_ns, warm_wreq, warm_wresp;
	uint64_t report_max, response_max;	/* the largest interval maxima */
	int contiguous, final_last, pct_ok;
	unsigned int pct_intervals;	/* MEASURE intervals with report samples */
	uint64_t window_start_t, window_end_t, window_end_value, first_measure_t, first_stop_t;
	int first_measure_seen, first_stop_seen;
	/* group records */
	uint64_t g_measured, g_src[8], g_bad_time;
};

static int ts_append(struct ts_all *a, const void *p, size_t n)
{
	if (a->len + n > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 1 << 20;
		uint8_t *b;

		while (cap < a->len + n)
			cap *= 2;
		b = realloc(a->buf, cap);
		if (!b)
			return -ENOMEM;
		a->buf = b;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
	return 0;
}

/* Blocking reads until end of file. Returns 0 or -errno. */
static int ts_read_all(int fd, struct ts_all *a)
{
	static uint8_t rbuf[256 * 1024];

	for (;;) {
		ssize_t n = read(fd, rbuf, sizeof(rbuf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		if (ts_append(a, rbuf, n))
			return -ENOMEM;
	}
}

static void ts_parse(struct ts_all *a)
{
	size_t off = 0;
	uint64_t next_t = 0;

	a->seq_ok = a->sizes_ok = a->order_ok = a->contiguous = a->pct_ok = 1;
	while (off + sizeof(struct iopf_bench_ts_hdr) <= a->len) {
		const struct iopf_bench_ts_hdr *h = (const void *)(a->buf + off);

		if (h->size < sizeof(*h) || h->size % 8 || off + h->size > a->len) {
			a->sizes_ok = 0;
			return;
		}
		if (h->seq != a->nrec)
			a->seq_ok = 0;
		if (a->nend)		/* nothing after END */
			a->order_ok = 0;
		if (!a->nrec && h->type != IOPF_BENCH_TS_START)
			a->order_ok = 0;
		a->nrec++;
		switch (h->type) {
		case IOPF_BENCH_TS_START:
			if (h->size != sizeof(a->start))
				a->sizes_ok = 0;
			memcpy(&a->start, h, sizeof(a->start));
			a->nstart++;
			break;
		case IOPF_BENCH_TS_END:
			if (h->size != sizeof(a->end))
				a->sizes_ok = 0;
			memcpy(&a->end, h, sizeof(a->end));
			a->nend++;
			break;
		case IOPF_BENCH_TS_LOST: {
			const struct iopf_bench_ts_lost *l = (const void *)h;

			a->nlost++;
			a->lost_sum += l->lost;
			a->lost_total_last = l->total_lost;
			break;
		}
		case IOPF_BENCH_TS_EVENT: {
			const struct iopf_bench_ts_event *e = (const void *)h;

			if (h->size != sizeof(*e))
				a->sizes_ok = 0;
			a->nev++;
			if (e->event < 16)
				a->ev[e->event]++;
			if (e->event == IOPF_BENCH_TS_EV_WINDOW_START)
				a->window_start_t = e->t_ns;
			if (e->event == IOPF_BENCH_TS_EV_WINDOW_END) {
				a->window_end_t = e->t_ns;
				a->window_end_value = e->value;
			}
			break;
		}
		case IOPF_BENCH_TS_GROUP: {
			const struct iopf_bench_ts_group *g = (const void *)h;

			if (h->size != sizeof(*g))
				a->sizes_ok = 0;
			a->ngroup++;
			if (g->flags & IOPF_BENCH_TS_GROUP_MEASURED)
				a->g_measured++;
			if (g->source < 8)
				a->g_src[g->source]++;
			if (g->response_ns < g->arrival_ns || !g->response_ns)
				a->g_bad_time++;
			break;
		}
		case IOPF_BENCH_TS_INTERVAL: {
			const struct iopf_bench_ts_interval *v = (const void *)h;

			if (h->size != sizeof(*v))
				a->sizes_ok = 0;
			if (v->t_ns != next_t)
				a->contiguous = 0;
			next_t = v->t_ns + v->interval_ns;
			a->nint++;
			a->final_last = !!(v->flags & IOPF_BENCH_TS_IV_FINAL);
			a->requests += v->requests;
			a->responses += v->responses;
			a->wreq += v->window_requests;
			a->wresp += v->window_responses;
			a->reports += v->report_count;
			a->resps += v->response_count;
			a->in_flush += v->in_flush_reports;
			a->overflows += v->overflows;
			a->dropped += v->dropped;
			a->unbind_starts += v->unbind_starts;
			a->unbind_ends += v->unbind_ends;
			a->sample_ns += v->sample_ns;
			if (v->report_max_ns > a->report_max)
				a->report_max = v->report_max_ns;
			if (v->response_max_ns > a->response_max)
				a->response_max = v->response_max_ns;
			if (v->phase == IOPF_BENCH_PHASE_WARMUP) {
				a->warm_wreq += v->window_requests;
				a->warm_wresp += v->window_responses;
			}
			if (v->phase == IOPF_BENCH_PHASE_MEASURE && !a->first_measure_seen) {
				a->first_measure_seen = 1;
				a->first_measure_t = v->t_ns;
			}
			if (v->phase == IOPF_BENCH_PHASE_STOPPING && !a->first_stop_seen) {
				a->first_stop_seen = 1;
				a->first_stop_t = v->t_ns;
			}
			if (v->report_count) {
				if (!v->report_p50_ns || v->report_p50_ns > v->report_p99_ns ||
				    v->report_p99_ns > v->report_max_ns)
					a->pct_ok = 0;
				if (v->phase == IOPF_BENCH_PHASE_MEASURE)
					a->pct_intervals++;
			} else if (v->report_p50_ns || v->report_max_ns) {
				a->pct_ok = 0;
			}
			if (v->response_count && (!v->response_p50_ns ||
						  v->response_p50_ns > v->response_p99_ns ||
						  v->response_p99_ns > v->response_max_ns))
				a->pct_ok = 0;
			break;
		}
		default:	/* a type this test does not know: skip it by its size */
			break;
		}
		off += h->size;
	}
	if (off != a->len)
		a->sizes_ok = 0;
}

static void ts_print(const struct ts_all *a)
{
	printf("# stream: %u records (%u intervals, %u events, %u groups, %u lost records, lost %" PRIu64
	       "), END records %" PRIu64 " lost %" PRIu64 " intervals %" PRIu64
	       " sampler_cpu %" PRIu64 " us, sampling %" PRIu64 " us\n",
	       a->nrec, a->nint, a->nev, a->ngroup, a->nlost, a->lost_sum,
	       (uint64_t)a->end.records, (uint64_t)a->end.lost_records,
	       (uint64_t)a->end.intervals, (uint64_t)a->end.sampler_cpu_ns / 1000,
	       a->sample_ns / 1000);
	fflush(stdout);
}

static void ts_cfg(struct iopf_bench_run_config *c, uint32_t handler, uint64_t interval_ms)
{
	iopf_cfg_init(c, handler);
	c->ts_interval_ns = interval_ms * 1000000ull;
}

/*
 * A run with warm-up, unbinders and a stream read as it goes: the intervals
 * cover it and sum to its results; the window boundaries are interval
 * boundaries; unbind events pair up with the cycles.
 */
TEST_F_TIMEOUT(stream, intervals_sum_to_results, 120)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	struct ts_all a = {};

	ts_cfg(&cfg, IOPF_BENCH_HANDLER_WQ, 10);
	cfg.group_size = 4;
	cfg.open_groups = 2;
	cfg.warmup_ms = 100;
	cfg.duration_ms = 500;
	cfg.nr_unbinders = 1;
	cfg.unbind_rate_per_s = 40;
	test_iopf_start(&cfg);
	ASSERT_EQ(0, ts_read_all(self->fd, &a));
	test_iopf_wait_results(60000, &r);
	ts_parse(&a);
	ts_print(&a);
	iopf_print_results(&r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);

	ASSERT_TRUE(a.sizes_ok);
	ASSERT_TRUE(a.seq_ok);
	ASSERT_TRUE(a.order_ok);
	ASSERT_EQ(1, a.nstart);
	ASSERT_EQ(1, a.nend);
	ASSERT_EQ(r.run_id, a.start.run_id);
	ASSERT_EQ(10000000, a.start.interval_ns);
	ASSERT_EQ(IOPF_BENCH_TS_RING_KIB_DEFAULT, a.start.ring_kib);
	ASSERT_EQ(a.nrec, a.end.records);
	ASSERT_EQ(0, a.end.lost_records);
	ASSERT_EQ(0, a.nlost);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, a.end.status);
	ASSERT_EQ(a.nint, a.end.intervals);
	ASSERT_LT(0, a.end.sampler_cpu_ns);

	/* Gap-free from START to the FINAL interval, about one per 10 ms. */
	ASSERT_TRUE(a.contiguous);
	ASSERT_TRUE(a.final_last);
	ASSERT_LE(30, a.nint);

	/* Every count of the run is in exactly one interval. */
	ASSERT_EQ(r.total_requests, a.requests);
	ASSERT_EQ(r.total_responses, a.responses);
	ASSERT_EQ(r.requests, a.wreq);
	ASSERT_EQ(r.responses, a.wresp);
	ASSERT_EQ(r.lat_report_last.count, a.reports);
	ASSERT_EQ(r.lat_response.count, a.resps);
	ASSERT_EQ(r.lat_report_in_flush.count, a.in_flush);
	ASSERT_EQ(r.prq_overflows, a.overflows);
	ASSERT_EQ(r.prq_dropped, a.dropped);
	ASSERT_LT(0, a.wresp);
	/* Warm-up rows hold no window traffic: the boundary is the window's start. */
	ASSERT_EQ(0, a.warm_wreq);
	ASSERT_EQ(0, a.warm_wresp);

	/* The window's boundaries are interval boundaries. */
	ASSERT_EQ(1, a.ev[IOPF_BENCH_TS_EV_WINDOW_START]);
	ASSERT_EQ(1, a.ev[IOPF_BENCH_TS_EV_WINDOW_END]);
	ASSERT_TRUE(a.first_measure_seen);
	ASSERT_TRUE(a.first_stop_seen);
	ASSERT_EQ(a.window_start_t, a.first_measure_t);
	ASSERT_EQ(a.window_end_t, a.first_stop_t);
	ASSERT_EQ(r.window_ns, a.window_end_value);
	ASSERT_EQ(r.window_ns, a.window_end_t - a.window_start_t);
	ASSERT_LE(80000000, a.window_start_t);	/* after the 100 ms warm-up (jiffies) */

	/* Percentiles of the report path in the measured intervals. */
	ASSERT_TRUE(a.pct_ok);
	ASSERT_LE(10, a.pct_intervals);
	/* The interval that set the run's maximum has it exactly; the others are below. */
	ASSERT_EQ(r.lat_report_last.max_ns, a.report_max);
	ASSERT_EQ(r.lat_response.max_ns, a.response_max);

	/* Unbind events: one start, end and rebind per cycle. */
	ASSERT_LE(5, r.unbind_cycles);
	ASSERT_EQ(r.unbind_cycles, a.ev[IOPF_BENCH_TS_EV_UNBIND_START]);
	ASSERT_EQ(r.unbind_cycles, a.ev[IOPF_BENCH_TS_EV_UNBIND_END]);
	ASSERT_EQ(r.unbind_cycles, a.ev[IOPF_BENCH_TS_EV_REBIND_END]);
	ASSERT_EQ(r.unbind_cycles, a.unbind_starts);
	ASSERT_EQ(r.unbind_cycles, a.unbind_ends);
	free(a.buf);
}

/* O_NONBLOCK: EAGAIN when empty; poll(): POLLIN, then POLLHUP at the end; read 0 after. */
TEST_F_TIMEOUT(stream, nonblock_poll_eof, 60)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	static uint8_t buf[64 * 1024];
	struct pollfd pfd = { .events = POLLIN };
	struct ts_all a = {};
	int eagain = 0, pollin = 0, hup = 0, rounds = 0;
	ssize_t n;

	ts_cfg(&cfg, IOPF_BENCH_HANDLER_INLINE, 100);
	cfg.duration_ms = 400;
	cfg.warmup_ms = 0;
	test_iopf_start(&cfg);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	pfd.fd = self->fd;
	for (;;) {
		n = read(self->fd, buf, sizeof(buf));
		if (n > 0) {
			ASSERT_EQ(0, ts_append(&a, buf, n));
			continue;
		}
		if (!n)
			break;
		ASSERT_EQ(EAGAIN, errno);
		eagain++;
		ASSERT_LT(0, poll(&pfd, 1, 10000));
		ASSERT_TRUE(pfd.revents & POLLIN);
		pollin++;
		if (pfd.revents & POLLHUP)
			hup++;
		ASSERT_GT(1000, ++rounds);
	}
	/* The end of the stream sticks, and poll says so. */
	ASSERT_EQ(0, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLIN | POLLHUP, pfd.revents & (POLLIN | POLLHUP));
	ts_parse(&a);
	ts_print(&a);
	ASSERT_TRUE(a.seq_ok);
	ASSERT_EQ(1, a.nend);
	ASSERT_LE(1, eagain);
	ASSERT_LE(1, pollin);
	/* A 100 ms interval wakes readers a few times per run, not per record. */
	ASSERT_GT(50, rounds);
	test_iopf_wait_results(30000, &r);
	ASSERT_EQ(r.total_responses, a.responses);

	/* A read buffer smaller than a record: EINVAL, nothing lost. */
	test_iopf_reset();
	ts_cfg(&cfg, IOPF_BENCH_HANDLER_INLINE, 10);
	cfg.duration_ms = 100;
	test_iopf_start(&cfg);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, 0));
	ASSERT_EQ(-1, read(self->fd, buf, sizeof(struct iopf_bench_ts_hdr)));
	ASSERT_EQ(EINVAL, errno);
	n = read(self->fd, buf, sizeof(struct iopf_bench_ts_start));
	ASSERT_EQ(sizeof(struct iopf_bench_ts_start), n);
	ASSERT_EQ(IOPF_BENCH_TS_START, ((struct iopf_bench_ts_hdr *)buf)->type);
	ASSERT_EQ(0, ((struct iopf_bench_ts_hdr *)buf)->seq);
	test_iopf_wait_results(30000, &r);
	free(a.buf);
}

/* No run, a run without a stream, a reset run: ENODATA, and poll says POLLERR. */
TEST_F_TIMEOUT(stream, no_stream_enodata, 60)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	struct pollfd pfd = { .events = POLLIN };
	uint8_t buf[4096];

	pfd.fd = self->fd;
	ASSERT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(ENODATA, errno);
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_TRUE(pfd.revents & POLLERR);

	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.duration_ms = 300;
	test_iopf_start(&cfg);
	ASSERT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(ENODATA, errno);
	test_iopf_wait_results(30000, &r);
	ASSERT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(ENODATA, errno);

	/* A finished streamed run reads until RESET frees it. */
	ts_cfg(&cfg, IOPF_BENCH_HANDLER_WQ, 10);
	cfg.duration_ms = 100;
	test_iopf_run(&cfg, &r);
	ASSERT_LT(0, read(self->fd, buf, sizeof(buf)));
	test_iopf_reset();
	ASSERT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(ENODATA, errno);
}

struct bad_ts {
	const char *name;
	int err;
	uint64_t interval_ns;
	uint32_t ring_kib, flags, rid_order;
	const char *log;
};

/* Bad stream settings: their errno and their log line; nothing started. */
TEST_F_TIMEOUT(stream, bad_settings, 60)
{
	static const struct bad_ts cases[] = {
		{ "interval_too_short", EINVAL, 999999, 0, 0, 0,
		  "iopf_bench: start: ts_interval_ns 999999 is not in 1000000..10000000000" },
		{ "interval_too_long", EINVAL, 10000000001ull, 0, 0, 0,
		  "iopf_bench: start: ts_interval_ns 10000000001 is not in" },
		{ "groups_without_stream", EINVAL, 0, 0, IOPF_BENCH_RUN_TS_GROUPS, 0,
		  "iopf_bench: start: flags TS_GROUPS without ts_interval_ns" },
		{ "ring_without_stream", EINVAL, 0, 64, 0, 0,
		  "iopf_bench: start: ts_ring_kib 64 without ts_interval_ns" },
		{ "ring_too_small", EINVAL, 10000000, 2, 0, 0,
		  "iopf_bench: start: ts_ring_kib 2 is not a power of two in 4..262144" },
		{ "ring_not_pow2", EINVAL, 10000000, 100, 0, 0,
		  "iopf_bench: start: ts_ring_kib 100 is not a power of two" },
		{ "ring_too_big", EINVAL, 10000000, 524288, 0, 0,
		  "iopf_bench: start: ts_ring_kib 524288 is not a power of two" },
		{ "rid_order_unknown", EINVAL, 10000000, 0, 0, 3,
		  "iopf_bench: start: rid_order 3 is unknown (valid: 0=drain-first 1=remove-first 2=kernel)" },
	};
	struct iopf_bench_run_config cfg;
	struct iopf_bench_version v;
	struct iopf_bench_status st;
	static char log[1 << 20];
	uint8_t buf[256];
	unsigned int i;
	int n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ts_cfg(&cfg, IOPF_BENCH_HANDLER_WQ, 0);
		cfg.ts_interval_ns = cases[i].interval_ns;
		cfg.ts_ring_kib = cases[i].ring_kib;
		cfg.flags = cases[i].flags;
		cfg.rid_order = cases[i].rid_order;
		ASSERT_EQ(-cases[i].err, _iopf_start(self->fd, &cfg)) TH_LOG("case %s", cases[i].name);
		test_iopf_status(&st);
		ASSERT_EQ(IOPF_BENCH_STATE_IDLE, st.state) TH_LOG("case %s", cases[i].name);
		n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof(log) - 1);
		ASSERT_LT(0, n);
		log[n] = 0;
		ASSERT_TRUE(strstr(log, cases[i].log) != NULL) TH_LOG("case %s: no '%s' in the log",
								      cases[i].name, cases[i].log);
	}
	/* The limits are in VERSION. */
	test_iopf_version(&v);
	ASSERT_LE(3, v.abi_version);	/* the stream is there since ABI 3 */
	ASSERT_TRUE(v.caps & IOPF_BENCH_CAP_STREAM);
	ASSERT_EQ(IOPF_BENCH_MIN_TS_INTERVAL_NS, v.min_ts_interval_ns);
	ASSERT_EQ(IOPF_BENCH_MAX_TS_INTERVAL_NS, v.max_ts_interval_ns);
	ASSERT_EQ(IOPF_BENCH_MAX_TS_RING_KIB, v.max_ts_ring_kib);
	ASSERT_EQ(sizeof(struct iopf_bench_ts_interval), v.ts_max_record_size);

	/* An ABI 2 caller (168 bytes) starts a run without a stream. */
	iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
	cfg.size = offsetof(struct iopf_bench_run_config, ts_interval_ns);
	cfg.duration_ms = 50;
	test_iopf_start(&cfg);
	ASSERT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	ASSERT_EQ(ENODATA, errno);
	ASSERT_EQ(0, _iopf_wait(self->fd, 30000, NULL));
}

/*
 * The smallest buffer, 1 ms intervals and nobody reading until the end:
 * records are dropped, LOST records count them, seq has no gap, and the
 * END record is there.
 */
TEST_F_TIMEOUT(stream, lost_records, 60)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	struct ts_all a = {};

	ts_cfg(&cfg, IOPF_BENCH_HANDLER_WQ, 1);
	cfg.ts_ring_kib = IOPF_BENCH_MIN_TS_RING_KIB;
	cfg.duration_ms = 300;
	test_iopf_run(&cfg, &r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_EQ(0, ts_read_all(self->fd, &a));
	ts_parse(&a);
	ts_print(&a);
	ASSERT_TRUE(a.sizes_ok);
	ASSERT_TRUE(a.seq_ok);
	ASSERT_TRUE(a.order_ok);
	ASSERT_EQ(1, a.nend);
	ASSERT_LE(1, a.nlost);
	ASSERT_LT(0, a.end.lost_records);
	ASSERT_EQ(a.end.lost_records, a.lost_sum);
	ASSERT_EQ(a.end.lost_records, a.lost_total_last);
	ASSERT_EQ(a.nrec, a.end.records);
	/* Intervals were among the dropped records (and maybe the window events). */
	ASSERT_LT(a.nint, a.end.intervals);
	ASSERT_GE(a.end.lost_records, a.end.intervals - a.nint);
	/* Nobody read during the run: everything fitted the 4 KiB at once. */
	ASSERT_GE(4096, a.len);
	free(a.buf);
}

/* One GROUP record per answer: the measured ones are the results' responses. */
TEST_F_TIMEOUT(stream, group_records, 60)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	struct ts_all a = {};

	ts_cfg(&cfg, IOPF_BENCH_HANDLER_WQ, 10);
	cfg.flags = IOPF_BENCH_RUN_TS_GROUPS;
	cfg.duration_ms = 200;
	cfg.nr_unbinders = 1;
	cfg.abandon_every = 7;	/* some answered by remove_device */
	test_iopf_start(&cfg);
	ASSERT_EQ(0, ts_read_all(self->fd, &a));
	test_iopf_wait_results(30000, &r);
	ts_parse(&a);
	ts_print(&a);
	iopf_print_results(&r);
	ASSERT_EQ(IOPF_BENCH_RESULT_SUCCESS, r.status);
	ASSERT_TRUE(a.sizes_ok);
	ASSERT_TRUE(a.seq_ok);
	ASSERT_EQ(IOPF_BENCH_TS_RING_KIB_GROUPS, a.start.ring_kib);
	ASSERT_EQ(0, a.end.lost_records);
	ASSERT_EQ(r.total_responses, a.ngroup);
	ASSERT_EQ(r.responses, a.g_measured);
	ASSERT_EQ(r.from_handler, a.g_src[IOPF_BENCH_TS_SRC_HANDLER]);
	ASSERT_EQ(r.from_remove, a.g_src[IOPF_BENCH_TS_SRC_REMOVE]);
	ASSERT_LT(0, a.g_src[IOPF_BENCH_TS_SRC_REMOVE]);
	ASSERT_EQ(0, a.g_bad_time);
	free(a.buf);
}

struct reader_arg {
	int fd;
	struct ts_all a;
	int rc;
};

static void *reader_fn(void *p)
{
	struct reader_arg *ra = p;

	ra->rc = ts_read_all(ra->fd, &ra->a);
	return NULL;
}

/* A reader blocked in read() while the run is stopped early gets the rest, then 0. */
TEST_F_TIMEOUT(stream, stop_wakes_blocked_reader, 60)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results r;
	struct reader_arg ra = { .fd = -1 };
	pthread_t th;

	ts_cfg(&cfg, IOPF_BENCH_HANDLER_WQ, 1000);	/* 1 s: the reader sleeps */
	cfg.duration_ms = 600000;
	test_iopf_start(&cfg);
	ra.fd = iopf_open();
	ASSERT_LE(0, ra.fd);
	ASSERT_EQ(0, pthread_create(&th, NULL, reader_fn, &ra));
	usleep(300000);
	test_iopf_stop();
	ASSERT_EQ(0, pthread_join(th, NULL));
	close(ra.fd);
	ASSERT_EQ(0, ra.rc);
	ts_parse(&ra.a);
	ts_print(&ra.a);
	ASSERT_EQ(1, ra.a.nend);
	ASSERT_TRUE(ra.a.final_last);
	ASSERT_TRUE(ra.a.contiguous);
	test_iopf_results(&r);
	ASSERT_EQ(r.total_responses, ra.a.responses);
	free(ra.a.buf);
}

/* rmmod during a streamed run (groups, unbinders, records unread): clean teardown. */
TEST_F_TIMEOUT(stream, rmmod_while_streaming, 60)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_status st;
	uint8_t buf[4096];

	ts_cfg(&cfg, IOPF_BENCH_HANDLER_WQ, 1);
	cfg.flags = IOPF_BENCH_RUN_TS_GROUPS;
	cfg.duration_ms = 600000;
	cfg.nr_unbinders = 1;
	test_iopf_start(&cfg);
	ASSERT_LT(0, read(self->fd, buf, sizeof(buf)));
	usleep(200000);
	test_iopf_status(&st);
	ASSERT_EQ(IOPF_BENCH_STATE_RUNNING, st.state);
	/* An open fd holds the module. */
	ASSERT_NE(0, iopf_module_unload());
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, iopf_module_unload());
	ASSERT_FALSE(iopf_module_loaded());
}

IOPF_TEST_MAIN
