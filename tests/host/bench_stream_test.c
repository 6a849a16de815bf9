// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the time-series stream's userspace half (bench/client/stream.c).
 * The CSV writer turns synthetic records into the documented columns:
 * t_ms from the WINDOW_START event (warm-up rows, written once it is known,
 * negative), throughput, empty percentile cells without samples, LOST
 * counts on the next row, group rows; records split across reads are put
 * together; both headers start with the committed column lists
 * (tests/data/columns/, the stable-output contract); malformed streams (no START, a short record, a seq gap, no
 * END, no WINDOW_START) are errors that say what. The reader thread drains
 * a pipe with io_uring and with read()+poll(), and gives up when the
 * stream never ends. `iopf-bench run --timeseries` against a fake module:
 * the START config carries the stream, the files and the JSON "timeseries"
 * object are written, an ABI 2 module and bad combinations are refused
 * before START.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include <json-c/json.h>

#include "cmd.h"
#include "json_docs.h"
#include "stream.h"
#include "bench_invoke.h"

/* ------------------------------------------------------------------------ */
/* A synthetic stream */

struct syn {
	uint8_t buf[1 << 16];
	size_t len;
	uint32_t seq;
};

static void syn_add(struct syn *s, uint16_t type, void *rec, uint16_t size)
{
	struct iopf_bench_ts_hdr *h = rec;

	h->type = type;
	h->size = size;
	h->seq = s->seq++;
	memcpy(s->buf + s->len, rec, size);
	s->len += size;
}

static void syn_start(struct syn *s, uint32_t warmup_ms)
{
	struct iopf_bench_ts_start r = { .run_id = 7, .interval_ns = 50000000, .warmup_ms = warmup_ms,
					 .duration_ms = 200, .ring_kib = 1024,
					 .clock = IOPF_BENCH_CLOCK_TSC };

	syn_add(s, IOPF_BENCH_TS_START, &r, sizeof(r));
}

static void syn_interval(struct syn *s, uint64_t t_ms10, uint64_t len_ms10, uint32_t phase,
			 uint64_t responses, uint64_t reports)
{
	struct iopf_bench_ts_interval r = {
		.t_ns = t_ms10 * 100000, .interval_ns = len_ms10 * 100000, .phase = phase,
		.requests = responses * 4, .responses = responses,
		.window_requests = phase == IOPF_BENCH_PHASE_MEASURE ? responses * 4 : 0,
		.window_responses = phase == IOPF_BENCH_PHASE_MEASURE ? responses : 0,
		.report_count = reports, .report_p50_ns = reports ? 700 : 0,
		.report_p99_ns = reports ? 2100 : 0, .report_max_ns = reports ? 9000 : 0,
		.response_count = reports, .response_p50_ns = reports ? 30000 : 0,
		.response_p99_ns = reports ? 90000 : 0, .response_max_ns = reports ? 123456 : 0,
		.in_flush_reports = 3, .overflows = 1, .dropped = 5, .unbind_starts = 2,
		.unbind_ends = 1, .sample_ns = 4321,
	};

	syn_add(s, IOPF_BENCH_TS_INTERVAL, &r, sizeof(r));
}

static void syn_event(struct syn *s, uint32_t ev, uint64_t t_ns, uint64_t value)
{
	struct iopf_bench_ts_event r = { .t_ns = t_ns, .event = ev, .iommu = 0, .device = 1,
					 .pasid = IOPF_BENCH_TS_ALL_PASIDS, .value = value };

	syn_add(s, IOPF_BENCH_TS_EVENT, &r, sizeof(r));
}

static void syn_group(struct syn *s, uint64_t arrival, uint64_t response, uint8_t src, uint8_t flags)
{
	struct iopf_bench_ts_group r = { .arrival_ns = arrival, .response_ns = response, .device = 1,
					 .pasid = 2, .grpid = 300, .code = 1, .source = src,
					 .flags = flags };

	syn_add(s, IOPF_BENCH_TS_GROUP, &r, sizeof(r));
}

static void syn_lost(struct syn *s, uint64_t lost, uint64_t total)
{
	struct iopf_bench_ts_lost r = { .lost = lost, .total_lost = total };

	syn_add(s, IOPF_BENCH_TS_LOST, &r, sizeof(r));
}

static void syn_end(struct syn *s, uint64_t lost, uint64_t intervals)
{
	struct iopf_bench_ts_end r = { .t_ns = 400000000, .lost_records = lost, .intervals = intervals,
				       .sampler_cpu_ns = 55555 };

	r.records = s->seq + 1;
	syn_add(s, IOPF_BENCH_TS_END, &r, sizeof(r));
}

/*
 * The reference stream: 100 ms warm-up in two intervals, the window starting
 * at 100.5 ms (a LOST record and a group before it), measured intervals, an
 * empty one, a newer module's unknown record, END.
 */
static void syn_reference(struct syn *s)
{
	uint64_t unknown[2] = { 0, 0xdeadbeef };
	struct iopf_bench_ts_hdr *h = (void *)unknown;

	memset(s, 0, sizeof(*s));
	syn_start(s, 100);
	syn_interval(s, 0, 500, IOPF_BENCH_PHASE_WARMUP, 100, 0);
	syn_group(s, 90000000, 95000000, IOPF_BENCH_TS_SRC_HANDLER, 0);
	syn_lost(s, 2, 2);
	syn_interval(s, 500, 505, IOPF_BENCH_PHASE_WARMUP, 200, 0);
	syn_event(s, IOPF_BENCH_TS_EV_WINDOW_START, 100500000, 0);
	syn_interval(s, 1005, 500, IOPF_BENCH_PHASE_MEASURE, 1000, 990);
	syn_event(s, IOPF_BENCH_TS_EV_UNBIND_START, 110000000, 0);
	syn_group(s, 120000000, 120250000, IOPF_BENCH_TS_SRC_REMOVE, IOPF_BENCH_TS_GROUP_MEASURED);
	syn_add(s, 99, h, sizeof(unknown));
	syn_interval(s, 1505, 500, IOPF_BENCH_PHASE_MEASURE, 0, 0);
	syn_end(s, 2, 6);
}

static char *slurp(FILE *f)
{
	long n;
	char *t;

	fflush(f);
	n = ftell(f);
	t = calloc(1, n + 1);
	rewind(f);
	if (fread(t, 1, n, f) != (size_t)n) {
		free(t);
		return NULL;
	}
	return t;
}

/* Line n (0 = the header) of text, in buf. */
static const char *line_of(const char *text, int n, char *buf, size_t len)
{
	for (; n > 0 && text; n--) {
		text = strchr(text, '\n');
		if (text)
			text++;
	}
	if (!text || !*text)
		return NULL;
	snprintf(buf, len, "%.*s", (int)strcspn(text, "\n"), text);
	return buf;
}

static int count_lines(const char *t)
{
	int n = 0;

	for (; *t; t++)
		n += *t == '\n';
	return n;
}

/* ------------------------------------------------------------------------ */

TEST(writer_columns)
{
	struct syn s;
	struct ts_writer w;
	FILE *csv = tmpfile(), *grp = tmpfile();
	char *t, *g, l[512];

	syn_reference(&s);
	ts_writer_init(&w, csv, grp);
	/* In awkward pieces: records split across reads are put together. */
	for (size_t off = 0; off < s.len;) {
		size_t n = off % 3 == 0 ? 13 : 101;

		if (n > s.len - off)
			n = s.len - off;
		ASSERT_EQ(0, ts_writer_feed(&w, s.buf + off, n)) TH_LOG("%s", w.err);
		off += n;
	}
	ASSERT_EQ(0, ts_writer_finish(&w)) TH_LOG("%s", w.err);
	t = slurp(csv);
	g = slurp(grp);
	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, g);
	/* The columns of the design, in order, then the added ones. */
	EXPECT_STREQ("t_ms,interval_ms,requests,responses,throughput_rps,report_p50_ns,report_p99_ns,"
		     "report_max_ns,response_p50_ns,response_p99_ns,response_max_ns,in_flush_reports,"
		     "overflows,unbind_starts,unbind_ends,phase,window_requests,window_responses,"
		     "report_samples,response_samples,dropped_requests,lost_records,sample_ns",
		     line_of(t, 0, l, sizeof(l)));
	EXPECT_EQ(5, count_lines(t));
	/* Warm-up rows, written once t = 0 was known: negative. */
	EXPECT_STREQ("-100.500,50.000,400,100,2000,,,,,,,3,1,2,1,warmup,0,0,0,0,5,0,4321",
		     line_of(t, 1, l, sizeof(l)));
	/* The LOST record before it is on the next row. */
	EXPECT_STREQ("-50.500,50.500,800,200,3960,,,,,,,3,1,2,1,warmup,0,0,0,0,5,2,4321",
		     line_of(t, 2, l, sizeof(l)));
	EXPECT_STREQ("0.000,50.000,4000,1000,20000,700,2100,9000,30000,90000,123456,3,1,2,1,"
		     "measure,4000,1000,990,990,5,0,4321", line_of(t, 3, l, sizeof(l)));
	/* No samples: empty percentile cells. */
	EXPECT_STREQ("50.000,50.000,0,0,0,,,,,,,3,1,2,1,measure,0,0,0,0,5,0,4321",
		     line_of(t, 4, l, sizeof(l)));
	/* Group rows: times from the window's start. */
	EXPECT_STREQ(TS_GROUP_CSV_HEADER, line_of(g, 0, l, sizeof(l)));
	EXPECT_STREQ("-10500000,-5500000,5000000,1,2,300,invalid,handler,0", line_of(g, 1, l, sizeof(l)));
	EXPECT_STREQ("19500000,19750000,250000,1,2,300,invalid,remove,1", line_of(g, 2, l, sizeof(l)));
	EXPECT_EQ(3, count_lines(g));
	/* What it counted */
	EXPECT_EQ(s.seq, w.records);
	EXPECT_EQ(4, w.intervals);
	EXPECT_EQ(2, w.group_records);
	EXPECT_EQ(2, w.lost_records);
	EXPECT_EQ(1, w.unknown_records);
	EXPECT_EQ(1, w.events[IOPF_BENCH_TS_EV_WINDOW_START]);
	EXPECT_EQ(1, w.events[IOPF_BENCH_TS_EV_UNBIND_START]);
	EXPECT_EQ(100500000, w.window_start_ns);
	EXPECT_EQ(4 * 4321, w.sample_ns);
	EXPECT_EQ(0, w.seq_gaps);
	{
		struct json_object *j = ts_json(&w, "ts.csv", "g.csv", 50), *e;

		EXPECT_STREQ("ts.csv", json_object_get_string(json_object_object_get(j, "file")));
		EXPECT_EQ(4, json_object_get_uint64(json_object_object_get(j, "intervals")));
		EXPECT_EQ(2, json_object_get_uint64(json_object_object_get(j, "lost_records")));
		EXPECT_EQ(50, json_object_get_uint64(json_object_object_get(j, "interval_ms")));
		EXPECT_EQ(55555, json_object_get_uint64(json_object_object_get(j, "sampler_cpu_ns")));
		EXPECT_TRUE(json_object_get_boolean(json_object_object_get(j, "complete")));
		e = json_object_object_get(j, "events");
		EXPECT_EQ(1, json_object_get_uint64(json_object_object_get(e, "unbind_start")));
		EXPECT_EQ(0, json_object_get_uint64(json_object_object_get(e, "overflow_start")));
		json_object_put(j);
	}
	ts_writer_free(&w);
	free(t);
	free(g);
	fclose(csv);
	fclose(grp);
}

/* Each broken stream is an error that says what is wrong. */
/*
 * The committed column list tests/data/columns/NAME (one column a line, '#'
 * comments) as one comma-separated line, or NULL when this program does not
 * run from a checkout's build/tests/host/.
 */
static char *committed_columns(const char *name)
{
	char exe[4096], path[4200], line[256], *out;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t len = 0;
	FILE *f;

	if (n <= 0)
		return NULL;
	exe[n] = 0;
	for (int i = 0; i < 4; i++) {	/* TOP/build/tests/host/PROGRAM -> TOP */
		char *slash = strrchr(exe, '/');

		if (!slash)
			return NULL;
		*slash = 0;
	}
	snprintf(path, sizeof(path), "%s/tests/data/columns/%s", exe, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	out = calloc(1, 4096);
	while (out && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		len += snprintf(out + len, 4096 - len, "%s%s", len ? "," : "", line);
	}
	fclose(f);
	return out;
}

/*
 * The stable-output contract (kmod/README.md, results/SCHEMA.md "CSV
 * files"): the headers the writer puts out start with the committed lists,
 * so that a column removed, renamed or moved fails here; new ones may follow.
 */
TEST(columns_are_committed)
{
	char *ts = committed_columns("timeseries.columns"), *grp = committed_columns("group-records.columns");
	FILE *csv = tmpfile(), *g = tmpfile();
	struct ts_writer w;
	char *t, *gt, l[1024];

	if (!ts || !grp)
		SKIP(return, "no tests/data/columns above this program (not run from a checkout)");
	ts_writer_init(&w, csv, g);
	t = slurp(csv);
	gt = slurp(g);
	line_of(t, 0, l, sizeof(l));
	EXPECT_EQ(0, strncmp(ts, l, strlen(ts))) TH_LOG("time series: committed %s, written %s", ts, l);
	EXPECT_TRUE(l[strlen(ts)] == 0 || l[strlen(ts)] == ',');
	line_of(gt, 0, l, sizeof(l));
	EXPECT_EQ(0, strncmp(grp, l, strlen(grp))) TH_LOG("group records: committed %s, written %s", grp, l);
	EXPECT_TRUE(l[strlen(grp)] == 0 || l[strlen(grp)] == ',');
	free(t);
	free(gt);
	free(ts);
	free(grp);
	fclose(csv);
	fclose(g);
}

TEST(writer_errors)
{
	struct syn s;
	struct ts_writer w;
	FILE *csv = tmpfile();
	char *t, l[512];

	/* No START first. */
	memset(&s, 0, sizeof(s));
	syn_interval(&s, 0, 10, IOPF_BENCH_PHASE_WARMUP, 1, 0);
	ts_writer_init(&w, NULL, NULL);
	EXPECT_EQ(-1, ts_writer_feed(&w, s.buf, s.len));
	EXPECT_NE(NULL, strstr(w.err, "does not begin with a START record"));
	ts_writer_free(&w);

	/* A record shorter than its type. */
	memset(&s, 0, sizeof(s));
	syn_start(&s, 0);
	{
		struct iopf_bench_ts_interval r = {};

		syn_add(&s, IOPF_BENCH_TS_INTERVAL, &r, 64);
	}
	ts_writer_init(&w, NULL, NULL);
	EXPECT_EQ(-1, ts_writer_feed(&w, s.buf, s.len));
	EXPECT_NE(NULL, strstr(w.err, "is 64 bytes, shorter than the 176")) TH_LOG("%s", w.err);
	ts_writer_free(&w);

	/* A size that is not a multiple of 8. */
	memset(&s, 0, sizeof(s));
	syn_start(&s, 0);
	s.buf[2] = 57;
	ts_writer_init(&w, NULL, NULL);
	EXPECT_EQ(-1, ts_writer_feed(&w, s.buf, s.len));
	EXPECT_NE(NULL, strstr(w.err, "bad size 57"));
	ts_writer_free(&w);

	/* A seq gap, and the END's count does not match. */
	syn_reference(&s);
	((struct iopf_bench_ts_hdr *)(s.buf + sizeof(struct iopf_bench_ts_start)))->seq = 5;
	ts_writer_init(&w, NULL, NULL);
	EXPECT_EQ(0, ts_writer_feed(&w, s.buf, s.len));
	EXPECT_EQ(-1, ts_writer_finish(&w));
	EXPECT_NE(NULL, strstr(w.err, "out of sequence")) TH_LOG("%s", w.err);
	ts_writer_free(&w);

	/* No END: the stream was cut. */
	syn_reference(&s);
	ts_writer_init(&w, NULL, NULL);
	EXPECT_EQ(0, ts_writer_feed(&w, s.buf, s.len - sizeof(struct iopf_bench_ts_end)));
	EXPECT_EQ(-1, ts_writer_finish(&w));
	EXPECT_NE(NULL, strstr(w.err, "without its END record"));
	ts_writer_free(&w);

	/* Cut inside a record. */
	syn_reference(&s);
	ts_writer_init(&w, NULL, NULL);
	EXPECT_EQ(0, ts_writer_feed(&w, s.buf, s.len - 5));
	EXPECT_EQ(-1, ts_writer_finish(&w));
	EXPECT_NE(NULL, strstr(w.err, "inside a record"));
	ts_writer_free(&w);

	/* A record after END. */
	syn_reference(&s);
	syn_lost(&s, 1, 3);
	ts_writer_init(&w, NULL, NULL);
	EXPECT_EQ(-1, ts_writer_feed(&w, s.buf, s.len));
	EXPECT_NE(NULL, strstr(w.err, "after the END record"));
	ts_writer_free(&w);

	/* No WINDOW_START (lost): rows still written, from the planned start, and said so. */
	memset(&s, 0, sizeof(s));
	syn_start(&s, 100);
	syn_interval(&s, 0, 500, IOPF_BENCH_PHASE_WARMUP, 100, 0);
	syn_lost(&s, 1, 1);
	syn_end(&s, 1, 2);
	ts_writer_init(&w, csv, NULL);
	EXPECT_EQ(0, ts_writer_feed(&w, s.buf, s.len));
	EXPECT_EQ(-1, ts_writer_finish(&w));
	EXPECT_NE(NULL, strstr(w.err, "no WINDOW_START event"));
	t = slurp(csv);
	EXPECT_STREQ("-100.000,50.000,400,100,2000,,,,,,,3,1,2,1,warmup,0,0,0,0,5,0,4321",
		     line_of(t, 1, l, sizeof(l)));
	free(t);
	ts_writer_free(&w);
	fclose(csv);
}

/* ------------------------------------------------------------------------ */
/* The reader thread, on a pipe */

struct pipe_feed {
	int fd;
	const uint8_t *buf;
	size_t len;
	int close_it;
};

static void *feeder(void *p)
{
	struct pipe_feed *f = p;

	/* A few writes with pauses: the reader waits in between. */
	for (size_t off = 0; off < f->len;) {
		size_t n = f->len - off < 700 ? f->len - off : 700;

		if (write(f->fd, f->buf + off, n) != (ssize_t)n)
			break;
		off += n;
		usleep(2000);
	}
	if (f->close_it)
		close(f->fd);
	return NULL;
}

static void read_through_pipe(struct __test_metadata *_metadata, bool force_read)
{
	struct syn s;
	struct ts_writer w;
	struct ts_reader *r;
	struct pipe_feed f;
	pthread_t th;
	int p[2];
	char why[256] = "";
	FILE *err = tmpfile();
	char *e;

	syn_reference(&s);
	ASSERT_EQ(0, pipe(p));
	f = (struct pipe_feed){ .fd = p[1], .buf = s.buf, .len = s.len, .close_it = 1 };
	ts_writer_init(&w, NULL, NULL);
	ASSERT_EQ(0, ts_reader_start(&r, p[0], &w, err, "test", force_read));
	ASSERT_EQ(0, pthread_create(&th, NULL, feeder, &f));
	EXPECT_EQ(0, ts_reader_join(r, 10000, why, sizeof(why))) TH_LOG("%s", why);
	pthread_join(th, NULL);
	EXPECT_EQ(0, ts_writer_finish(&w)) TH_LOG("%s", w.err);
	EXPECT_EQ(s.seq, w.records);
	EXPECT_EQ(4, w.intervals);
	e = slurp(err);
	printf("# reader: %s\n", w.method);
	if (force_read) {
		EXPECT_STREQ("read", w.method);
		EXPECT_STREQ("", e);
	} else if (!strcmp(w.method, "read")) {
		/* io_uring not allowed here: the fallback said so, once. */
		EXPECT_NE(NULL, strstr(e, "io_uring is not available"));
		EXPECT_EQ(1, count_lines(e));
	} else {
		EXPECT_STREQ("io_uring", w.method);
		EXPECT_STREQ("", e);
	}
	free(e);
	fclose(err);
	ts_writer_free(&w);
	close(p[0]);
}

TEST(reader_io_uring)
{
	read_through_pipe(_metadata, false);
}

TEST(reader_read_poll)
{
	read_through_pipe(_metadata, true);
}

/* A stream that never ends: join gives up after its timeout and says so. */
TEST(reader_gives_up)
{
	for (int force = 0; force < 2; force++) {
		struct ts_writer w;
		struct ts_reader *r;
		char why[256] = "";
		int p[2];
		FILE *err = tmpfile();

		ASSERT_EQ(0, pipe(p));
		ts_writer_init(&w, NULL, NULL);
		ASSERT_EQ(0, ts_reader_start(&r, p[0], &w, err, "test", force));
		EXPECT_EQ(-1, ts_reader_join(r, 300, why, sizeof(why)));
		EXPECT_NE(NULL, strstr(why, "did not end within 300 ms")) TH_LOG("%s", why);
		ts_writer_free(&w);
		close(p[0]);
		close(p[1]);
		fclose(err);
	}
}

/* ------------------------------------------------------------------------ */
/* iopf-bench run --timeseries against a fake module */

static struct {
	struct bench_dev dev;
	struct iopf_bench_version ver;
	struct iopf_bench_run_config cfg;
	uint32_t start_size;
	int starts;
	int pipe[2];
	struct syn s;
} M;

static int m_ioctl(struct bench_dev *d, unsigned long req, void *arg)
{
	uint32_t *hdr = arg;

	switch (_IOC_NR(req)) {
	case IOPF_BENCH_OP_VERSION:
		memcpy(arg, &M.ver, sizeof(M.ver));
		return 0;
	case IOPF_BENCH_OP_START:
		M.starts++;
		M.start_size = hdr[0];
		memcpy(&M.cfg, arg, hdr[0] < sizeof(M.cfg) ? hdr[0] : sizeof(M.cfg));
		/* The module's stream: all of it, then the end of file. */
		if (write(M.pipe[1], M.s.buf, M.s.len) != (ssize_t)M.s.len)
			return -EIO;
		close(M.pipe[1]);
		M.pipe[1] = -1;
		return 0;
	case IOPF_BENCH_OP_STATUS: {
		struct iopf_bench_status *st = arg;

		st->state = IOPF_BENCH_STATE_RUNNING;
		st->run_id = 7;
		return 0;
	}
	case IOPF_BENCH_OP_WAIT:
		((struct iopf_bench_wait *)arg)->state = IOPF_BENCH_STATE_DONE;
		return 0;
	case IOPF_BENCH_OP_RESULTS: {
		struct iopf_bench_results *r = arg;

		memset(r, 0, sizeof(*r));
		r->size = sizeof(*r);
		r->abi_version = M.ver.abi_version;
		r->run_id = 7;
		r->handler = IOPF_BENCH_HANDLER_WQ;
		r->pacing = IOPF_BENCH_PACE_CLOSED;
		r->model = IOPF_BENCH_MODEL_VTD;
		r->window_ns = 200000000;
		r->clock = IOPF_BENCH_CLOCK_NONE;
		r->run_flags = IOPF_BENCH_RUN_NO_TIMESTAMPS;
		return 0;
	}
	case IOPF_BENCH_OP_STOP:
	case IOPF_BENCH_OP_RESET:
		return 0;
	}
	return -ENOTTY;
}

static int m_stream_fd(struct bench_dev *d)
{
	return M.pipe[0];
}

static int m_open(const char *path, struct bench_dev **d)
{
	M.dev.ioctl = m_ioctl;
	M.dev.stream_fd = m_stream_fd;
	*d = &M.dev;
	return 0;
}

static void m_reset(uint32_t abi)
{
	if (M.pipe[0] > 0)
		close(M.pipe[0]);
	if (M.pipe[1] > 0)
		close(M.pipe[1]);
	memset(&M, 0, sizeof(M));
	M.ver = (struct iopf_bench_version){
		.size = sizeof(M.ver), .abi_version = abi,
		.caps = IOPF_BENCH_CAP_IOPF | IOPF_BENCH_CAP_PASID | IOPF_BENCH_CAP_TIMESTAMPS |
			IOPF_BENCH_CAP_UNBIND | (abi >= 3 ? IOPF_BENCH_CAP_STREAM : 0),
		.mock_kind = IOPF_BENCH_MOCK_PLATFORM_FWSPEC,
		.handlers = 1u << IOPF_BENCH_HANDLER_WQ,
		.max_group_size = 512, .max_open_groups = 512, .max_credit = 512, .max_devices = 64,
		.max_pasids = 64, .max_injectors = 64, .max_unbinders = 16, .max_service_ns = 1000000,
		.hist_sub_bits = IOPF_BENCH_HIST_SUB_BITS, .hist_max_bits = IOPF_BENCH_HIST_MAX_BITS,
		.hist_nr_buckets = IOPF_BENCH_HIST_NR_BUCKETS, .hist_nr = IOPF_BENCH_HIST_NR,
		.nr_cpu_ids = 8, .models = 1u << IOPF_BENCH_MODEL_VTD, .max_iommus = 16,
		.max_prq_depth = 65536, .max_response_ns = 1000000,
		.min_ts_interval_ns = abi >= 3 ? IOPF_BENCH_MIN_TS_INTERVAL_NS : 0,
		.max_ts_interval_ns = abi >= 3 ? IOPF_BENCH_MAX_TS_INTERVAL_NS : 0,
		.max_ts_ring_kib = abi >= 3 ? IOPF_BENCH_MAX_TS_RING_KIB : 0,
	};
	if (pipe(M.pipe))
		M.pipe[0] = M.pipe[1] = -1;
	syn_reference(&M.s);
}

static void run(struct out *o, const char *line)
{
	struct bench_env env = { .open_dev = m_open, .topo_synthetic = "pack:1 core:2 pu:1",
				 .wq_cpumask = "/nonexistent/workqueue/cpumask" };

	bench_invoke(o, &env, line);
}

static char *file_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *t;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	t = slurp(f);
	fclose(f);
	return t;
}

TEST(run_timeseries)
{
	char ts[] = "/tmp/bench_stream_test_XXXXXX", grp[64], cmd[256];
	struct out o = {};
	struct json_object *j, *t;
	char *text, l[256];
	int fd = mkstemp(ts);

	ASSERT_LE(0, fd);
	close(fd);
	snprintf(grp, sizeof(grp), "%s.groups", ts);

	/* The stream in the START config; the files; the JSON object. */
	m_reset(IOPF_BENCH_ABI_VERSION);
	snprintf(cmd, sizeof(cmd), "run --json --no-timestamps --duration 200ms --timeseries %s "
		 "--ts-interval 5ms --group-records %s", ts, grp);
	run(&o, cmd);
	ASSERT_EQ(0, o.rc) TH_LOG("stderr: %s", o.err);
	EXPECT_EQ(1, M.starts);
	EXPECT_EQ(sizeof(struct iopf_bench_run_config), M.start_size);
	EXPECT_EQ(5000000, M.cfg.ts_interval_ns);
	EXPECT_EQ(0, M.cfg.ts_ring_kib);
	EXPECT_TRUE(M.cfg.flags & IOPF_BENCH_RUN_TS_GROUPS);
	j = json_tokener_parse(o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", o.out);
	t = json_object_object_get(j, "timeseries");
	ASSERT_NE(NULL, t);
	EXPECT_STREQ(ts, json_object_get_string(json_object_object_get(t, "file")));
	EXPECT_STREQ(grp, json_object_get_string(json_object_object_get(t, "group_records_file")));
	EXPECT_EQ(5, json_object_get_uint64(json_object_object_get(t, "interval_ms")));
	EXPECT_EQ(4, json_object_get_uint64(json_object_object_get(t, "intervals")));
	EXPECT_EQ(2, json_object_get_uint64(json_object_object_get(t, "lost_records")));
	EXPECT_EQ(2, json_object_get_uint64(json_object_object_get(t, "group_records")));
	EXPECT_TRUE(json_object_get_boolean(json_object_object_get(t, "complete")));
	json_object_put(j);
	EXPECT_EQ(0, save_json_doc("timeseries", o.out));	/* for run_schema_test.sh */
	/* The lost records are worth a warning, not a failure. */
	EXPECT_NE(NULL, strstr(o.err, "dropped 2 time-series records"));
	text = file_text(ts);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(5, count_lines(text));
	EXPECT_STREQ("0.000,50.000,4000,1000,20000,700,2100,9000,30000,90000,123456,3,1,2,1,"
		     "measure,4000,1000,990,990,5,0,4321", line_of(text, 3, l, sizeof(l)));
	free(text);
	text = file_text(grp);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(3, count_lines(text));
	free(text);

	/* Text mode: one line about it. */
	m_reset(IOPF_BENCH_ABI_VERSION);
	snprintf(cmd, sizeof(cmd), "run --no-timestamps --duration 200ms --timeseries %s", ts);
	run(&o, cmd);
	EXPECT_EQ(0, o.rc) TH_LOG("stderr: %s", o.err);
	EXPECT_NE(NULL, strstr(o.out, "time series: ")) TH_LOG("stdout: %s", o.out);
	EXPECT_NE(NULL, strstr(o.out, ": 4 intervals of 10 ms, 2 events, 2 records lost"));

	/* A broken stream fails the run (exit 1) and says why. */
	m_reset(IOPF_BENCH_ABI_VERSION);
	M.s.len -= sizeof(struct iopf_bench_ts_end);
	run(&o, cmd);
	EXPECT_EQ(BENCH_EXIT_FAIL, o.rc);
	EXPECT_NE(NULL, strstr(o.err, "the stream ended without its END record")) TH_LOG("%s", o.err);
	/* ... and its JSON says so in "timeseries" (run_schema_test.sh validates it). */
	m_reset(IOPF_BENCH_ABI_VERSION);
	M.s.len -= sizeof(struct iopf_bench_ts_end);
	snprintf(cmd, sizeof(cmd), "run --json --no-timestamps --duration 200ms --timeseries %s", ts);
	run(&o, cmd);
	EXPECT_EQ(BENCH_EXIT_FAIL, o.rc);
	j = json_tokener_parse(o.out);
	ASSERT_NE(NULL, j) TH_LOG("stdout: %s", o.out);
	t = json_object_object_get(j, "timeseries");
	EXPECT_FALSE(json_object_get_boolean(json_object_object_get(t, "complete")));
	EXPECT_NE(NULL, strstr(json_object_get_string(json_object_object_get(t, "error")) ?: "",
			       "the stream ended without its END record"));
	json_object_put(j);
	EXPECT_EQ(0, save_json_doc("timeseries-broken", o.out));
	snprintf(cmd, sizeof(cmd), "run --no-timestamps --duration 200ms --timeseries %s", ts);

	/* An ABI 2 module has no stream: refused before START. */
	m_reset(2);
	run(&o, cmd);
	EXPECT_EQ(BENCH_EXIT_USAGE, o.rc);
	EXPECT_EQ(0, M.starts);
	EXPECT_NE(NULL, strstr(o.err, "--timeseries needs a module with the time-series stream (ABI 3)"))
		TH_LOG("%s", o.err);
	/* ... and without --timeseries it gets its 168 bytes. */
	m_reset(2);
	run(&o, "run --no-timestamps --duration 200ms");
	EXPECT_EQ(0, o.rc) TH_LOG("%s", o.err);
	EXPECT_EQ(168, M.start_size);

	/* Bad combinations and paths: usage errors, nothing started. */
	m_reset(IOPF_BENCH_ABI_VERSION);
	run(&o, "run --ts-interval 5ms");
	EXPECT_EQ(BENCH_EXIT_USAGE, o.rc);
	EXPECT_NE(NULL, strstr(o.err, "--ts-interval needs --timeseries FILE"));
	snprintf(cmd, sizeof(cmd), "run --group-records %s", grp);
	run(&o, cmd);
	EXPECT_EQ(BENCH_EXIT_USAGE, o.rc);
	EXPECT_NE(NULL, strstr(o.err, "--group-records needs --timeseries FILE"));
	run(&o, "start --timeseries x.csv");
	EXPECT_EQ(BENCH_EXIT_USAGE, o.rc);
	EXPECT_NE(NULL, strstr(o.err, "--timeseries is not an option of 'start'"));
	snprintf(cmd, sizeof(cmd), "run --timeseries %s --ts-interval 20s", ts);
	run(&o, cmd);
	EXPECT_EQ(BENCH_EXIT_USAGE, o.rc);
	EXPECT_NE(NULL, strstr(o.err, "--ts-interval 20s is out of range")) TH_LOG("%s", o.err);
	run(&o, "run --timeseries /nonexistent/dir/ts.csv");
	EXPECT_EQ(BENCH_EXIT_USAGE, o.rc);
	EXPECT_NE(NULL, strstr(o.err, "--timeseries /nonexistent/dir/ts.csv: No such file"));
	EXPECT_EQ(0, M.starts);

	free(o.out);
	free(o.err);
	unlink(ts);
	unlink(grp);
}

TEST_HARNESS_MAIN
