/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the iopf_bench VM tests (kselftest_harness), in the style of
 * tools/testing/selftests/iommu/iommufd_utils.h:
 *   _iopf_x(fd, ...)            returns 0 or -errno
 *   test_iopf_x(...)            asserts success (uses self->fd)
 *   test_err_iopf_x(errno, ...) asserts that one errno
 *
 * Module handling: iopf_module_load() (re)loads $IOPF_KMOD, so every test
 * starts from a fresh module; iopf_module_unload() must succeed.
 *
 * Tool mode: every test program built with IOPF_TEST_MAIN also accepts
 *   PROG --ctl start key=value...   start a run and exit (the run goes on)
 *   PROG --ctl status|stop|wait|results|reset
 * which the shell tests use to drive the module.
 */
#ifndef IOPF_TEST_UTILS_H
#define IOPF_TEST_UTILS_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/*
 * The harness's ASSERT_*() compare whatever types they are given, its
 * signal handler has an unused parameter and its fork/setjmp wrapper trips
 * -Wclobbered: quiet those -Wextra warnings (the kernel's own selftests
 * build with -Wall only). ASSERT_*() are if-statements: brace them.
 */
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"
#include "iopf_bench.h"

#define IOPF_MODULE_NAME "iopf_bench"

#ifndef offsetofend
#define offsetofend(TYPE, MEMBER) (offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))
#endif

/* ------------------------------------------------------------------------ */
/* Module load/unload */

static inline int iopf_module_loaded(void)
{
	char line[256];
	FILE *f = fopen("/proc/modules", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, IOPF_MODULE_NAME " ", strlen(IOPF_MODULE_NAME) + 1))
			found = 1;
	fclose(f);
	return found;
}

/* 0 or -errno of delete_module (EBUSY/EAGAIN while an fd is open). */
static inline int iopf_module_unload(void)
{
	if (syscall(SYS_delete_module, IOPF_MODULE_NAME, O_NONBLOCK))
		return -errno;
	return 0;
}

/*
 * The module: $IOPF_KMOD (scripts/vm-run sets it), else an iopf_bench.ko
 * beside the test program (an installed kselftest collection), else none.
 */
static inline const char *iopf_module_path(void)
{
	static char buf[4096];
	const char *path = getenv("IOPF_KMOD");
	ssize_t n;
	char *slash;

	if (path && *path)
		return path;
	n = readlink("/proc/self/exe", buf, sizeof(buf) - sizeof("/iopf_bench.ko"));
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	strcpy(slash, "/iopf_bench.ko");
	if (access(buf, R_OK))
		return NULL;
	setenv("IOPF_KMOD", buf, 1);	/* for the programs a test starts */
	return buf;
}

/*
 * Without a module to load (and none loaded) no test here can run: the
 * program skips as a whole, exit 4 (KSFT_SKIP) with the reason, before the
 * harness would report every case "ok" (kselftest's runner then prints
 * "ok ... # SKIP", as run_kselftest.sh expects of a missing feature).
 */
static void __attribute__((constructor)) iopf_require_module(void)
{
	if (iopf_module_path() || !access("/sys/module/iopf_bench", F_OK))
		return;
	printf("TAP version 13\n1..0 # SKIP no iopf_bench module: IOPF_KMOD is not set and no "
	       "iopf_bench.ko beside the test (run inside scripts/vm-run, or install with make "
	       "kselftest-install)\n");
	fflush(stdout);
	_exit(4);
}

/* 0, -ENOENT when there is no module (iopf_module_path), or -errno of finit_module. */
static inline int iopf_module_load(void)
{
	const char *path = iopf_module_path();
	int fd, rc = 0;

	if (!path || !*path)
		return -ENOENT;
	/* Start from a fresh module, whoever loaded the old one. */
	if (iopf_module_loaded()) {
		rc = iopf_module_unload();
		if (rc)
			return rc;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		rc = -errno;
	close(fd);
	return rc;
}

static inline int iopf_open(void)
{
	return open(IOPF_BENCH_DEVICE, O_RDWR | O_CLOEXEC);
}

/* ------------------------------------------------------------------------ */
/* Raw ioctl wrappers */

static inline int _iopf_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static inline int _iopf_version(int fd, struct iopf_bench_version *v)
{
	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	return _iopf_ioctl(fd, IOPF_BENCH_VERSION, v);
}

static inline int _iopf_start(int fd, struct iopf_bench_run_config *cfg)
{
	return _iopf_ioctl(fd, IOPF_BENCH_START, cfg);
}

static inline int _iopf_status(int fd, struct iopf_bench_status *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return _iopf_ioctl(fd, IOPF_BENCH_STATUS, st);
}

static inline int _iopf_stop(int fd)
{
	struct iopf_bench_stop cmd = { .size = sizeof(cmd) };

	return _iopf_ioctl(fd, IOPF_BENCH_STOP, &cmd);
}

static inline int _iopf_wait(int fd, uint32_t timeout_ms, uint32_t *state)
{
	struct iopf_bench_wait cmd = { .size = sizeof(cmd), .timeout_ms = timeout_ms };
	int rc = _iopf_ioctl(fd, IOPF_BENCH_WAIT, &cmd);

	if (!rc && state)
		*state = cmd.state;
	return rc;
}

static inline int _iopf_results(int fd, struct iopf_bench_results *r)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	return _iopf_ioctl(fd, IOPF_BENCH_RESULTS, r);
}

static inline int _iopf_reset(int fd)
{
	struct iopf_bench_reset cmd = { .size = sizeof(cmd) };

	return _iopf_ioctl(fd, IOPF_BENCH_RESET, &cmd);
}

/*
 * A valid small config: closed loop, 2 devices with one PASID each (the
 * default vtd model on 6.12 rejects PASID-less requests: the devices then
 * fault on the PASID only), 2 injectors, 200 ms.
 */
static inline void iopf_cfg_init(struct iopf_bench_run_config *c, uint32_t handler)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	c->handler = handler;
	c->pacing = IOPF_BENCH_PACE_CLOSED;
	c->nr_devices = 2;
	c->pasids = 1;
	c->group_size = 1;
	c->open_groups = 1;
	c->nr_injectors = 2;
	c->duration_ms = 200;
	c->warmup_ms = 20;
}

/* ------------------------------------------------------------------------ */
/* Harness-level helpers (need _metadata and self->fd) */

#define test_iopf_version(v) ASSERT_EQ(0, _iopf_version(self->fd, (v)))
#define test_iopf_start(cfg) ASSERT_EQ(0, _iopf_start(self->fd, (cfg)))
#define test_err_iopf_start(_errno, cfg) ASSERT_EQ(-(_errno), _iopf_start(self->fd, (cfg)))
#define test_iopf_status(st) ASSERT_EQ(0, _iopf_status(self->fd, (st)))
#define test_iopf_stop() ASSERT_EQ(0, _iopf_stop(self->fd))
#define test_err_iopf_stop(_errno) ASSERT_EQ(-(_errno), _iopf_stop(self->fd))
#define test_iopf_results(r) ASSERT_EQ(0, _iopf_results(self->fd, (r)))
#define test_err_iopf_results(_errno, r) ASSERT_EQ(-(_errno), _iopf_results(self->fd, (r)))
#define test_iopf_reset() ASSERT_EQ(0, _iopf_reset(self->fd))
#define test_err_iopf_reset(_errno) ASSERT_EQ(-(_errno), _iopf_reset(self->fd))

/* Wait for the run to finish (bounded) and read its results. */
#define test_iopf_wait_results(timeout_ms, r)                                   \
	do {                                                                    \
		uint32_t __state = 0;                                           \
		ASSERT_EQ(0, _iopf_wait(self->fd, (timeout_ms), &__state));     \
		ASSERT_EQ(IOPF_BENCH_STATE_DONE, __state);                      \
		test_iopf_results(r);                                           \
	} while (0)

/* Run a config to completion and read its results. */
#define test_iopf_run(cfg, r)                                                   \
	do {                                                                    \
		test_iopf_start(cfg);                                           \
		test_iopf_wait_results(120000, r);                              \
	} while (0)

/*
 * The fixture every VM test uses: a freshly loaded module and an open fd;
 * teardown closes the fd and unloads the module, which must work (a run
 * still going is stopped by the module's exit path).
 */
#define IOPF_FIXTURE(name)                                                      \
	FIXTURE(name) { int fd; };                                              \
	FIXTURE_SETUP(name)                                                     \
	{                                                                       \
		int rc = iopf_module_load();                                    \
		self->fd = -1;                                                  \
		if (rc == -ENOENT)                                              \
			SKIP(return, "no module: IOPF_KMOD is not set and no iopf_bench.ko beside the test " \
				     "(run inside scripts/vm-run, or install with make kselftest-install)"); \
		ASSERT_EQ(0, rc) TH_LOG("loading $IOPF_KMOD: %s", strerror(-rc)); \
		self->fd = iopf_open();                                         \
		ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", IOPF_BENCH_DEVICE, strerror(errno)); \
	}                                                                       \
	FIXTURE_TEARDOWN(name)                                                  \
	{                                                                       \
		if (self->fd >= 0) {                                            \
			close(self->fd);                                        \
			EXPECT_EQ(0, iopf_module_unload());                     \
		}                                                               \
	}

/*
 * Run until the measured window has at least min_groups groups and the
 * run min_cycles unbind cycles (STATUS), then STOP and read the results; at most
 * timeout_ms: a run that ends by its duration before both are reached reads
 * its results, says so and returns -ETIMEDOUT (a test must not pass on
 * counts it never reached). Adapts to the kernel's speed: the debug flavor is
 * ~100x slower than perf under TCG. Returns 0 or -errno.
 */
static inline int iopf_run_until(int fd, struct iopf_bench_run_config *cfg,
				 uint64_t min_groups, uint64_t min_cycles,
				 uint64_t timeout_ms, struct iopf_bench_results *r)
{
	struct iopf_bench_status st;
	uint64_t base = UINT64_MAX;
	int rc;

	cfg->duration_ms = timeout_ms;
	cfg->max_requests = 0;
	rc = _iopf_start(fd, cfg);
	if (rc)
		return rc;
	for (;;) {
		rc = _iopf_status(fd, &st);
		if (rc)
			return rc;
		if (st.state != IOPF_BENCH_STATE_RUNNING) {
			/* Ended by its duration: the targets were not reached. */
			rc = _iopf_results(fd, r);
			if (rc)
				return rc;
			printf("# run_until: the run ended at its %" PRIu64 " ms limit with %" PRIu64
			       " groups and %" PRIu64 " unbind cycles (wanted %" PRIu64 " and %" PRIu64 ")\n",
			       timeout_ms, (uint64_t)st.groups - (base == UINT64_MAX ? 0 : base),
			       (uint64_t)st.unbind_cycles, min_groups, min_cycles);
			return -ETIMEDOUT;
		}
		if (st.phase != IOPF_BENCH_PHASE_MEASURE) {
			usleep(5000);
			continue;
		}
		/* Groups counted from the first look at the measured window. */
		if (base == UINT64_MAX)
			base = st.groups;
		if (st.groups - base >= min_groups && st.unbind_cycles >= min_cycles) {
			rc = _iopf_stop(fd);
			if (rc)
				return rc;
			break;
		}
		usleep(20000);
	}
	return _iopf_results(fd, r);
}

#define test_iopf_run_until(cfg, groups, cycles, timeout_ms, r) \
	ASSERT_EQ(0, iopf_run_until(self->fd, (cfg), (groups), (cycles), (timeout_ms), (r)))

/* Latency summary sanity: present and ordered. */
#define test_iopf_latency_ordered(lat)                                          \
	do {                                                                    \
		ASSERT_LT(0, (lat).count);                                      \
		ASSERT_LE((lat).min_ns, (lat).p50_ns);                          \
		ASSERT_LE((lat).p50_ns, (lat).p90_ns);                          \
		ASSERT_LE((lat).p90_ns, (lat).p99_ns);                          \
		ASSERT_LE((lat).p99_ns, (lat).p999_ns);                         \
		ASSERT_LE((lat).p999_ns, (lat).max_ns);                         \
		ASSERT_LT(0, (lat).max_ns);                                     \
	} while (0)

static inline void iopf_print_results(const struct iopf_bench_results *r)
{
	printf("# run %" PRIu64 ": window %" PRIu64 " ms, requests %" PRIu64 " groups %" PRIu64
	       " responses %" PRIu64 " rate_per_s %" PRIu64 " (target %" PRIu64 ") stalls %" PRIu64
	       " injector_cpu %" PRIu64 " ms clock %u\n",
	       (uint64_t)r->run_id, (uint64_t)r->window_ns / 1000000, (uint64_t)r->requests,
	       (uint64_t)r->groups, (uint64_t)r->responses, (uint64_t)r->rate_per_s,
	       (uint64_t)r->target_rate_per_s, (uint64_t)r->stalls,
	       (uint64_t)r->injector_cpu_ns / 1000000, r->clock);
	printf("#   latency ns: p50 %" PRIu64 " p90 %" PRIu64 " p99 %" PRIu64 " p999 %" PRIu64
	       " max %" PRIu64 "; handler p50 %" PRIu64 "; work p50 %" PRIu64 "\n",
	       (uint64_t)r->lat_response.p50_ns, (uint64_t)r->lat_response.p90_ns,
	       (uint64_t)r->lat_response.p99_ns, (uint64_t)r->lat_response.p999_ns,
	       (uint64_t)r->lat_response.max_ns, (uint64_t)r->lat_handler.p50_ns,
	       (uint64_t)r->lat_work.p50_ns);
	printf("#   whole run: groups %" PRIu64 " answered %" PRIu64 " (handler %" PRIu64
	       " abort %" PRIu64 " no-handler %" PRIu64 " remove %" PRIu64 ") violations %" PRIu64
	       " (unexpected %" PRIu64 " late %" PRIu64 " lost %" PRIu64 ") unbind cycles %" PRIu64
	       " (p50 %" PRIu64 " ns) discarded partials %" PRIu64 "\n",
	       (uint64_t)r->total_groups, (uint64_t)r->total_responses,
	       (uint64_t)r->from_handler, (uint64_t)r->from_abort,
	       (uint64_t)r->from_no_handler, (uint64_t)r->from_remove,
	       (uint64_t)r->violations, (uint64_t)r->viol_unexpected, (uint64_t)r->viol_late,
	       (uint64_t)r->viol_lost, (uint64_t)r->unbind_cycles,
	       (uint64_t)r->lat_unbind.p50_ns, (uint64_t)r->discarded_partials);
	printf("#   model %u iommus %u prq_depth %u: overflows %" PRIu64 " dropped %" PRIu64
	       " (last %" PRIu64 ") discards %" PRIu64 " max_fill %" PRIu64 " from_hw %" PRIu64
	       "; groups checked %" PRIu64 " incomplete %" PRIu64 " viol_group %" PRIu64
	       "; deferred %" PRIu64 " late_answers %" PRIu64 "; reports by reporters %" PRIu64
	       " by others %" PRIu64 "; detach flushes %" PRIu64 " drained %" PRIu64
	       "; report p99 last %" PRIu64 " partial %" PRIu64 " queue p99 %" PRIu64
	       " send lag p99 %" PRIu64 "\n",
	       r->model, r->nr_iommus, r->prq_depth, (uint64_t)r->prq_overflows,
	       (uint64_t)r->prq_dropped, (uint64_t)r->prq_dropped_last, (uint64_t)r->prq_discards,
	       (uint64_t)r->prq_max_fill, (uint64_t)r->from_hw, (uint64_t)r->checked_groups,
	       (uint64_t)r->incomplete_groups, (uint64_t)r->viol_group,
	       (uint64_t)r->deferred_groups, (uint64_t)r->late_answers,
	       (uint64_t)r->reports_by_reporters, (uint64_t)r->reports_by_others,
	       (uint64_t)r->detach_flushes, (uint64_t)r->detach_drained,
	       (uint64_t)r->lat_report_last.p99_ns, (uint64_t)r->lat_report_partial.p99_ns,
	       (uint64_t)r->lat_queue.p99_ns, (uint64_t)r->lat_send_lag.p99_ns);
	fflush(stdout);
}

/* ------------------------------------------------------------------------ */
/* Tool mode (--ctl), for the shell tests */

static inline int iopf_ctl_set(struct iopf_bench_run_config *c, const char *kv)
{
	const char *eq = strchr(kv, '=');
	unsigned long long v;
	char key[64];
	size_t n;

	if (!eq || (n = eq - kv) >= sizeof(key))
		return -1;
	memcpy(key, kv, n);
	key[n] = 0;
	if (!strcmp(key, "handler")) {
		if (!strcmp(eq + 1, "wq"))
			v = IOPF_BENCH_HANDLER_WQ;
		else if (!strcmp(eq + 1, "inline"))
			v = IOPF_BENCH_HANDLER_INLINE;
		else if (!strcmp(eq + 1, "null"))
			v = IOPF_BENCH_HANDLER_NULL;
		else if (!strcmp(eq + 1, "defer"))
			v = IOPF_BENCH_HANDLER_DEFER;
		else
			return -1;
		c->handler = v;
		return 0;
	}
	v = strtoull(eq + 1, NULL, 0);
#define IOPF_KEY(k) if (!strcmp(key, #k)) { c->k = v; return 0; }
	IOPF_KEY(pacing) IOPF_KEY(nr_devices) IOPF_KEY(pasids) IOPF_KEY(group_size)
	IOPF_KEY(open_groups) IOPF_KEY(credit) IOPF_KEY(nr_injectors)
	IOPF_KEY(nr_unbinders) IOPF_KEY(rate_per_s) IOPF_KEY(duration_ms)
	IOPF_KEY(max_requests) IOPF_KEY(warmup_ms) IOPF_KEY(service_ns)
	IOPF_KEY(unbind_scope) IOPF_KEY(unbind_rate_per_s) IOPF_KEY(fail_every)
	IOPF_KEY(abandon_every) IOPF_KEY(flags) IOPF_KEY(seed) IOPF_KEY(violate_every)
	IOPF_KEY(model) IOPF_KEY(nr_iommus) IOPF_KEY(prq_depth) IOPF_KEY(response_ns)
	IOPF_KEY(defer_ns) IOPF_KEY(rid_order) IOPF_KEY(reporter_prio)
#undef IOPF_KEY
	return -1;
}

static inline int iopf_ctl_main(int argc, char **argv)
{
	struct iopf_bench_run_config cfg;
	struct iopf_bench_status st;
	int fd, rc, i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s --ctl start key=value... | status | stop | wait | results | reset\n",
			argv[0]);
		return 2;
	}
	fd = iopf_open();
	if (fd < 0) {
		perror(IOPF_BENCH_DEVICE);
		return 1;
	}
	if (!strcmp(argv[2], "start")) {
		iopf_cfg_init(&cfg, IOPF_BENCH_HANDLER_WQ);
		for (i = 3; i < argc; i++) {
			if (iopf_ctl_set(&cfg, argv[i])) {
				fprintf(stderr, "bad key=value: %s\n", argv[i]);
				return 2;
			}
		}
		rc = _iopf_start(fd, &cfg);
	} else if (!strcmp(argv[2], "status")) {
		rc = _iopf_status(fd, &st);
		if (!rc)
			printf("state %u phase %u run %" PRIu64 " requests %" PRIu64
			       " groups %" PRIu64 " responses %" PRIu64 " unbind_cycles %" PRIu64
			       " violations %" PRIu64 "\n",
			       st.state, st.phase, (uint64_t)st.run_id, (uint64_t)st.requests,
			       (uint64_t)st.groups, (uint64_t)st.responses,
			       (uint64_t)st.unbind_cycles, (uint64_t)st.violations);
	} else if (!strcmp(argv[2], "stop")) {
		rc = _iopf_stop(fd);
	} else if (!strcmp(argv[2], "wait")) {
		rc = _iopf_wait(fd, 0, NULL);
	} else if (!strcmp(argv[2], "reset")) {
		rc = _iopf_reset(fd);
	} else if (!strcmp(argv[2], "results")) {
		struct iopf_bench_results r;

		rc = _iopf_results(fd, &r);
		if (!rc)
			iopf_print_results(&r);
	} else {
		fprintf(stderr, "unknown command %s\n", argv[2]);
		return 2;
	}
	close(fd);
	if (rc) {
		fprintf(stderr, "%s: %s\n", argv[2], strerror(-rc));
		return 1;
	}
	return 0;
}

#define IOPF_TEST_MAIN                                                          \
	int main(int argc, char **argv)                                         \
	{                                                                       \
		if (argc > 1 && !strcmp(argv[1], "--ctl"))                      \
			return iopf_ctl_main(argc, argv);                       \
		return test_harness_run(argc, argv);                            \
	}

#endif /* IOPF_TEST_UTILS_H */
