// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the host path's checks in iopf-bench. The kernel log watch
 * of a host run: its patterns are scripts/lib.sh's (vm-run's) character for
 * character and in the same order; each kind of report classified as
 * vm-run does (KASAN before BUG, lockdep before WARNING); /dev/kmsg records
 * and their dictionary lines, a WARNING named by its "at" line rather than
 * "cut here", a line written in two pieces. A run whose kernel log gets a
 * report fails with that line (exit 1, in the JSON too); a clean one
 * passes; nothing is watched in a vm-run guest (IOPF_IN_VM=1) or under a
 * sweep that watches (IOPF_BENCH_KMSG=off); start says the run goes on.
 * `--version` without the module. `sweep --target host` refuses a user
 * who may not open the device and a module of another ABI (exit 2, one
 * line, no folder), in a mount namespace whose /dev has an iopf_bench.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include <json-c/json.h>

#include "cmd.h"
#include "kmsg.h"
#include "report.h"
#include "bench_invoke.h"

/* The checkout: this program is <top>/build/tests/host/bench_kmsg_test. */
static const char *top(void)
{
	static char t[PATH_MAX];
	char *p;

	if (t[0])
		return t;
	if (!realpath("/proc/self/exe", t))
		return NULL;
	for (int i = 0; i < 4 && (p = strrchr(t, '/')); i++)
		*p = 0;
	return t;
}

/* ------------------------------------------------------------------------ */

TEST(patterns_are_vm_runs)
{
	char path[PATH_MAX], line[2048], kinds[2048] = "", want[256] = "";
	unsigned int seen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/scripts/lib.sh", top());
	f = fopen(path, "r");
	ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *q;

		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "VMRUN_KINDS=\"", 13)) {
			snprintf(kinds, sizeof(kinds), "%s", line + 13);
			kinds[strcspn(kinds, "\"")] = 0;
			continue;
		}
		if (strncmp(line, "VMRUN_RE_", 9) || !(q = strstr(line, "='")))
			continue;
		*q = 0;
		q[strlen(q + 2) + 1] = 0;	/* the closing quote */
		for (unsigned int k = 0; k < KMSG_NR; k++) {
			if (!strcmp(line + 9, kmsg_kind_id(k))) {
				EXPECT_STREQ(q + 2, kmsg_kind_pattern(k)) TH_LOG("VMRUN_RE_%s", line + 9);
				seen |= 1u << k;
			}
		}
	}
	fclose(f);
	EXPECT_EQ((1u << KMSG_NR) - 1, seen);
	for (unsigned int k = 0; k < KMSG_NR; k++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s", k ? " " : "",
			 kmsg_kind_id(k));
	EXPECT_STREQ(want, kinds);
}

TEST(classify_as_vm_run)
{
	static const struct {
		const char *msg;
		unsigned int kind;
	} t[] = {
		{ "Kernel panic - not syncing: hung_task: blocked tasks", KMSG_PANIC },
		{ "BUG: KASAN: slab-use-after-free in iopf_queue_remove_device+0x4b/0x1f0", KMSG_KASAN },
		{ "WARNING: possible circular locking dependency detected", KMSG_LOCKDEP },
		{ "WARNING: inconsistent lock state", KMSG_LOCKDEP },
		{ "DEBUG_LOCKS_WARN_ON(1)", KMSG_LOCKDEP },
		{ "INFO: task kworker/0:1:12 blocked for more than 120 seconds.", KMSG_HUNG },
		{ "BUG: soft lockup - CPU#0 stuck for 22s! [iopf_bench:42]", KMSG_HUNG },
		{ "BUG: kernel NULL pointer dereference, address: 0000000000000008", KMSG_BUG },
		{ "Oops: general protection fault, probably for non-canonical address", KMSG_BUG },
		{ "WARNING: CPU: 1 PID: 42 at drivers/iommu/io-pgfault.c:371 iopf_queue_remove_device+0x1/0x2",
		  KMSG_WARN },
		{ "------------[ cut here ]------------", KMSG_WARN },
		{ "iopf_bench: start: group_size 0 out of range", KMSG_NR },
		{ "iopf_bench: module loaded (ABI 7)", KMSG_NR },
		{ "WARNING: the kernel is tainted", KMSG_NR },
	};

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		EXPECT_EQ(t[i].kind, kmsg_classify(t[i].msg)) TH_LOG("%s", t[i].msg);
	}
}

static char T_log[PATH_MAX];

static void log_add(const char *text)
{
	FILE *f = fopen(T_log, "a");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(watch_a_log)
{
	struct kmsg_watch *w;
	char got[KMSG_LINE_MAX + 32];
	int err;

	snprintf(T_log, sizeof(T_log), "/tmp/bench_kmsg_test.%d", getpid());
	unlink(T_log);
	w = kmsg_watch_open(T_log, &err);
	EXPECT_EQ(NULL, w);
	EXPECT_EQ(-ENOENT, err);

	log_add("6,100,5000,-;iopf_bench: module loaded\n SUBSYSTEM=platform\n DEVICE=+platform:x\n");
	w = kmsg_watch_open(T_log, &err);
	ASSERT_NE(NULL, w);
	EXPECT_FALSE(kmsg_watch_poll(w));
	EXPECT_FALSE(kmsg_watch_take(w, got, sizeof(got)));

	/* A lockdep report, then a WARNING in the same window: lockdep decides. */
	log_add("4,101,6000,c;WARNING: possible circular locking dependency detected\n"
		"4,102,6001,-;------------[ cut here ]------------\n"
		"4,103,6002,-;WARNING: CPU: 1 PID: 42 at kmod/run.c:10 run_stop+0x1/0x2\n");
	EXPECT_TRUE(kmsg_watch_poll(w));
	ASSERT_TRUE(kmsg_watch_take(w, got, sizeof(got)));
	EXPECT_STREQ("lockdep report: WARNING: possible circular locking dependency detected", got);
	EXPECT_FALSE(kmsg_watch_poll(w));

	/* A WARNING alone is named by its "at" line, not by "cut here". */
	log_add("4,104,7000,-;------------[ cut here ]------------\n"
		"4,105,7001,-;WARNING: CPU: 0 PID: 7 at kmod/mock.c:5 mock_x+0x1/0x2\n");
	EXPECT_TRUE(kmsg_watch_poll(w));
	ASSERT_TRUE(kmsg_watch_take(w, got, sizeof(got)));
	EXPECT_STREQ("WARNING: WARNING: CPU: 0 PID: 7 at kmod/mock.c:5 mock_x+0x1/0x2", got);

	/* Half a line, then the rest: judged once whole. */
	log_add("3,106,8000,-;BUG: KASAN: slab-use-");
	EXPECT_FALSE(kmsg_watch_poll(w));
	log_add("after-free in iopf_x\n");
	EXPECT_TRUE(kmsg_watch_poll(w));
	ASSERT_TRUE(kmsg_watch_take(w, got, sizeof(got)));
	EXPECT_STREQ("KASAN report: BUG: KASAN: slab-use-after-free in iopf_x", got);

	/* dmesg's form and a bare message do as well. */
	log_add("[   12.345678] INFO: task iopf-bench:99 blocked for more than 120 seconds.\n");
	EXPECT_TRUE(kmsg_watch_poll(w));
	ASSERT_TRUE(kmsg_watch_take(w, got, sizeof(got)));
	EXPECT_STREQ("hung task/lockup: INFO: task iopf-bench:99 blocked for more than 120 seconds.", got);
	kmsg_watch_close(w);
	unlink(T_log);
}

/* ------------------------------------------------------------------------ */
/* A run against a fake module whose START logs a line */

#define NB IOPF_BENCH_HIST_NR_BUCKETS

static struct {
	struct bench_dev dev;
	struct iopf_bench_version ver;
	const char *start_logs;		/* appended to T_log at START */
	int opens;
	int abi;			/* VERSION's ABI (0: this tool's) */
	int open_rc;
} F;

static int fake_ioctl(struct bench_dev *d, unsigned long req, void *arg)
{
	switch (_IOC_NR(req)) {
	case IOPF_BENCH_OP_VERSION:
		memcpy(arg, &F.ver, sizeof(F.ver));
		if (F.abi)
			((struct iopf_bench_version *)arg)->abi_version = F.abi;
		return 0;
	case IOPF_BENCH_OP_START:
		if (F.start_logs)
			log_add(F.start_logs);
		return 0;
	case IOPF_BENCH_OP_STATUS:
		((struct iopf_bench_status *)arg)->run_id = 3;
		return 0;
	case IOPF_BENCH_OP_WAIT:
		((struct iopf_bench_wait *)arg)->state = IOPF_BENCH_STATE_DONE;
		return 0;
	case IOPF_BENCH_OP_RESULTS: {
		struct iopf_bench_results *r = arg;

		memset(r, 0, sizeof(*r));
		r->size = sizeof(*r);
		r->abi_version = IOPF_BENCH_ABI_VERSION;
		r->run_flags = IOPF_BENCH_RUN_NO_TIMESTAMPS;
		r->status = IOPF_BENCH_RESULT_SUCCESS;
		r->run_id = 3;
		r->window_ns = 1000000000;
		r->requests = r->groups = r->responses = r->resp_success = 100;
		r->total_groups = r->total_responses = 100;
		return 0;
	}
	case IOPF_BENCH_OP_STOP:
	case IOPF_BENCH_OP_RESET:
		return 0;
	}
	return -ENOTTY;
}

static int fake_open(const char *path, struct bench_dev **d)
{
	F.opens++;
	if (F.open_rc)
		return F.open_rc;
	F.dev.ioctl = fake_ioctl;
	*d = &F.dev;
	return 0;
}

static void fake_reset(void)
{
	memset(&F, 0, sizeof(F));
	F.ver = (struct iopf_bench_version){
		.size = sizeof(F.ver), .abi_version = IOPF_BENCH_ABI_VERSION,
		.caps = IOPF_BENCH_CAP_IOPF | IOPF_BENCH_CAP_PASID | IOPF_BENCH_CAP_TIMESTAMPS |
			IOPF_BENCH_CAP_UNBIND,
		.mock_kind = IOPF_BENCH_MOCK_PLATFORM_FWSPEC,
		.handlers = (1u << IOPF_BENCH_HANDLER_WQ) | (1u << IOPF_BENCH_HANDLER_INLINE),
		.max_group_size = IOPF_BENCH_MAX_GROUP_SIZE, .max_open_groups = IOPF_BENCH_MAX_OPEN_GROUPS,
		.max_credit = IOPF_BENCH_MAX_CREDIT, .max_devices = IOPF_BENCH_MAX_DEVICES,
		.max_pasids = IOPF_BENCH_MAX_PASIDS, .max_injectors = IOPF_BENCH_MAX_INJECTORS,
		.max_unbinders = IOPF_BENCH_MAX_UNBINDERS, .max_service_ns = IOPF_BENCH_MAX_SERVICE_NS,
		.hist_sub_bits = IOPF_BENCH_HIST_SUB_BITS, .hist_max_bits = IOPF_BENCH_HIST_MAX_BITS,
		.hist_nr_buckets = NB, .hist_nr = IOPF_BENCH_HIST_NR, .nr_cpu_ids = 8,
		.models = (1u << IOPF_BENCH_MODEL_VTD) | (1u << IOPF_BENCH_MODEL_DIRECT),
		.max_iommus = IOPF_BENCH_MAX_IOMMUS, .max_prq_depth = IOPF_BENCH_MAX_PRQ_DEPTH,
		.max_response_ns = IOPF_BENCH_MAX_RESPONSE_NS,
	};
	strcpy(F.ver.module_version, "3.0");
	strcpy(F.ver.kernel_release, "6.12.57-fake");
}

/* iopf-bench <line> against the fake module, the kernel log being T_log. */
static void run(struct out *o, const char *line)
{
	struct bench_env env = { .open_dev = fake_open, .topo_synthetic = "pack:1 core:4 pu:1",
				 .wq_cpumask = "/nonexistent/workqueue/cpumask", .kmsg = T_log,
				 .git_rev = "0123abcd" };

	bench_invoke(o, &env, line);
}

static const char *jmsg(const char *text)
{
	static char m[1024];
	struct json_object *j = json_tokener_parse(text), *e, *v;

	m[0] = 0;
	if (j && json_object_object_get_ex(j, "error", &e) && json_object_object_get_ex(e, "message", &v))
		snprintf(m, sizeof(m), "%s", json_object_get_string(v));
	json_object_put(j);
	return m;
}

static const char *jstatus(const char *text)
{
	static char m[64];
	struct json_object *j = json_tokener_parse(text), *v;

	m[0] = 0;
	if (j && json_object_object_get_ex(j, "status", &v))
		snprintf(m, sizeof(m), "%s", json_object_get_string(v));
	json_object_put(j);
	return m;
}

FIXTURE(runs) {
	struct out o;
};

FIXTURE_SETUP(runs)
{
	fake_reset();
	memset(&self->o, 0, sizeof(self->o));
	snprintf(T_log, sizeof(T_log), "/tmp/bench_kmsg_test.%d", getpid());
	unlink(T_log);
	log_add("6,1,1,-;an older line: WARNING: CPU: 0 PID: 1 at old.c:1 before+0x0/0x0\n");
	/* A regular file stands in for /dev/kmsg from its start: begin empty. */
	truncate(T_log, 0);
	unsetenv("IOPF_IN_VM");
	unsetenv("IOPF_BENCH_KMSG");
}

FIXTURE_TEARDOWN(runs)
{
	free(self->o.out);
	free(self->o.err);
	unlink(T_log);
}

#define WARN_LINE "WARNING: CPU: 1 PID: 42 at kmod/run.c:10 run_stop+0x1/0x2"

TEST_F(runs, clean_log_passes)
{
	F.start_logs = "6,2,2,-;iopf_bench: run 3 started\n";
	run(&self->o, "run --json --no-timestamps --duration 1");
	EXPECT_EQ(0, self->o.rc) TH_LOG("%s", self->o.err);
	EXPECT_STREQ("success", jstatus(self->o.out)) TH_LOG("%s", self->o.out);
}

TEST_F(runs, report_fails_the_run_with_its_line)
{
	F.start_logs = "4,2,2,-;------------[ cut here ]------------\n4,3,3,-;" WARN_LINE "\n";
	run(&self->o, "run --json --no-timestamps --duration 1");
	EXPECT_EQ(1, self->o.rc);
	EXPECT_STREQ("error", jstatus(self->o.out)) TH_LOG("%s", self->o.out);
	EXPECT_STREQ("kernel log: WARNING: " WARN_LINE, jmsg(self->o.out)) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.err, "iopf-bench run: kernel log: WARNING: " WARN_LINE))
		TH_LOG("%s", self->o.err);
	/* The figures stay in the JSON for the record. */
	EXPECT_NE(NULL, strstr(self->o.out, "\"requests\": 100")) TH_LOG("%s", self->o.out);

	/* The text output says it too, once. */
	run(&self->o, "run --no-timestamps --duration 1");
	EXPECT_EQ(1, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.out, "ERROR: kernel log: WARNING: " WARN_LINE)) TH_LOG("%s", self->o.out);
}

TEST_F(runs, not_watched_where_another_watches)
{
	F.start_logs = "4,3,3,-;" WARN_LINE "\n";
	setenv("IOPF_IN_VM", "1", 1);
	run(&self->o, "run --json --no-timestamps --duration 1");
	EXPECT_EQ(0, self->o.rc) TH_LOG("vm-run watches a guest: %s", self->o.err);
	unsetenv("IOPF_IN_VM");
	truncate(T_log, 0);
	setenv("IOPF_BENCH_KMSG", "off", 1);
	run(&self->o, "run --json --no-timestamps --duration 1");
	EXPECT_EQ(0, self->o.rc) TH_LOG("a host sweep watches its runs: %s", self->o.err);
	unsetenv("IOPF_BENCH_KMSG");
}

TEST_F(runs, start_says_the_run_goes_on)
{
	F.start_logs = "4,3,3,-;WARNING: possible recursive locking detected\n";
	run(&self->o, "start --no-timestamps --duration 1");
	EXPECT_EQ(1, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "kernel log: lockdep report: WARNING: possible recursive locking "
			       "detected (logged while the run started; it goes on: iopf-bench stop)"))
		TH_LOG("%s", self->o.err);
}

TEST_F(runs, unreadable_log_is_a_warning)
{
	unlink(T_log);
	run(&self->o, "run --json --no-timestamps --duration 1");
	EXPECT_EQ(0, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "warning: cannot read the kernel log")) TH_LOG("%s", self->o.err);
}

TEST_F(runs, version_without_the_module)
{
	if (!access(IOPF_BENCH_DEVICE, F_OK))
		SKIP(return, "%s exists on this machine", IOPF_BENCH_DEVICE);
	run(&self->o, "--version");
	EXPECT_EQ(0, self->o.rc);
	EXPECT_EQ(0, F.opens);
	EXPECT_NE(NULL, strstr(self->o.out, "iopf-bench " BENCH_TOOL_VERSION " (ABI ")) TH_LOG("%s", self->o.out);
	EXPECT_NE(NULL, strstr(self->o.out, ", git 0123abcd)\nmodule: not loaded (no /dev/iopf_bench)\n"))
		TH_LOG("%s", self->o.out);
	run(&self->o, "--version --json");
	EXPECT_EQ(2, self->o.rc);
	/* `version` asks the module, as before. */
	F.open_rc = -ENOENT;
	run(&self->o, "version");
	EXPECT_EQ(3, self->o.rc);
}

/*
 * A private mount namespace whose /dev is a tmpfs holding an iopf_bench
 * (a plain file: the fake module answers): what `sweep --target host`
 * checks before it writes anything.
 */
static int fake_dev_dir(void)
{
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/dev", "tmpfs", 0, "mode=755"))
		return -errno;
	return close(open(IOPF_BENCH_DEVICE, O_CREAT | O_WRONLY, 0600)) ? -errno : 0;
}

TEST_F(runs, sweep_target_host_refusals)
{
	char spec[PATH_MAX], out[PATH_MAX], cmd[3 * PATH_MAX], want[256];
	int rc = fake_dev_dir();

	if (rc)
		SKIP(return, "no private /dev (unshare/mount: %s; needs root)", strerror(-rc));
	snprintf(spec, sizeof(spec), "%s/bench/specs/smoke.ini", top());
	snprintf(out, sizeof(out), "/tmp/bench_kmsg_test.%d.out", getpid());

	/* Not allowed to open the device: root is needed. */
	F.open_rc = -EACCES;
	snprintf(cmd, sizeof(cmd), "sweep %s --target host --out %s -q", spec, out);
	run(&self->o, cmd);
	EXPECT_EQ(2, self->o.rc);
	EXPECT_STREQ("iopf-bench sweep: --target host needs root (/dev/iopf_bench: Permission denied): "
		     "run it with sudo\n", self->o.err);
	EXPECT_NE(0, access(out, F_OK));

	/* A module of another ABI. */
	fake_reset();
	F.abi = IOPF_BENCH_ABI_VERSION - 1;
	run(&self->o, cmd);
	EXPECT_EQ(2, self->o.rc);
	snprintf(want, sizeof(want), "iopf-bench sweep: --target host: the loaded module speaks ABI %d, this "
		 "tool ABI %d: rmmod iopf_bench, then insmod the module built with this tool (make host)\n",
		 IOPF_BENCH_ABI_VERSION - 1, IOPF_BENCH_ABI_VERSION);
	EXPECT_STREQ(want, self->o.err);
	EXPECT_NE(0, access(out, F_OK));

	/* A kernel log it cannot read: it judges every run. */
	fake_reset();
	unlink(T_log);
	run(&self->o, cmd);
	EXPECT_EQ(2, self->o.rc);
	EXPECT_NE(NULL, strstr(self->o.err, "--target host cannot read the kernel log")) TH_LOG("%s", self->o.err);
	EXPECT_NE(0, access(out, F_OK));
}

TEST_HARNESS_MAIN
