// SPDX-License-Identifier: GPL-2.0
/*
 * cmd.c - the subcommands: version, run, start, status, stop, wait,
 * results, reset; sweep and report (sweep.c, results.c), compare and
 * baseline (compare.c) are dispatched from here.
 *
 * Order of work in run/start: parse and check every option, pick and check
 * the CPUs, and only then open the device. Bad input therefore exits 2
 * before anything reaches the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "baseline.h"
#include "gate.h"
#include "hist.h"
#include "kmsg.h"
#include "opts.h"
#include "report.h"
#include "calibrate.h"
#include "results.h"
#include "stream.h"
#include "sweep.h"
#include "topo.h"

#define U(x) ((unsigned long long)(x))

/* WAIT in slices, so that a signal that lands between two ioctls is seen soon. */
#define WAIT_SLICE_MS 1000

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

struct ctx {
	const struct bench_env *env;
	enum bench_cmd cmd;
	struct bench_opts o;
	int argc;			/* the whole command line, for the record */
	char **argv;
	struct bench_dev *dev;
	struct iopf_bench_version ver;
	bool have_ver;
	struct topo *topo;
	struct topo_summary tsum;
	bool have_topo;
	struct topo_cpu cpus[IOPF_BENCH_MAX_INJECTORS];
	unsigned int ncpus;
	struct topo_cpu irq_cpus[IOPF_BENCH_MAX_INJECTORS];	/* the reporters', when set by the tool */
	unsigned int nirq_cpus;
	struct placement place;		/* --placement resolved */
	/* The workqueue cpumask (/sys/devices/virtual/workqueue/cpumask). */
	char wq_want[512];		/* the CPUs to set it to (cpulist); "" = leave it */
	char wq_before_mask[4096];	/* what the kernel had, as it printed it (to restore) */
	char wq_before[512];		/* the same as a cpulist */
	char wq_now[512];		/* in force for the run (cpulist) */
	bool wq_read, wq_written, wq_restored;
	struct kmsg_watch *kmsg;	/* the kernel log over a host run (kmsg_watch_path) */
};

static const char *cname(const struct ctx *c)
{
	return c->cmd < CMD_NR ? bench_cmds[c->cmd].name : "";
}

static void __attribute__((format(printf, 2, 3))) msg(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->env->err, "iopf-bench %s: ", cname(c));
	va_start(ap, fmt);
	vfprintf(c->env->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->env->err);
}

static void report_init(struct ctx *c, struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->cmd = cname(c);
	r->ver = c->have_ver ? &c->ver : NULL;
	r->topo = c->have_topo ? &c->tsum : NULL;
	r->cpus = c->ncpus ? c->cpus : NULL;
	r->ncpus = c->ncpus;
	r->irq_cpus = c->nirq_cpus ? c->irq_cpus : NULL;
	r->nirq_cpus = c->nirq_cpus;
	r->wq_before = c->wq_read ? c->wq_before : NULL;
	r->wq_written = c->wq_written;
	r->argc = c->argc;
	r->argv = c->argv;
	r->now = time(NULL);
	r->pcts = c->o.percentiles;
}

static void __attribute__((format(printf, 3, 4)))
report_error(struct report *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (r->error)		/* the first error is the one that matters */
		return;
	r->error = true;
	r->error_errno = err < 0 ? -err : err;
	va_start(ap, fmt);
	vsnprintf(r->error_msg, sizeof(r->error_msg), fmt, ap);
	va_end(ap);
}

/*
 * An error that ends a command before it has results. With --json the error
 * is also one JSON document on stdout; for run/start it carries the settings,
 * the module and the environment as far as they are known.
 */
static int __attribute__((format(printf, 4, 5)))
fail(struct ctx *c, int code, int err, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fprintf(c->env->err, "iopf-bench %s: %s\n", cname(c), text);
	if (c->o.json && (c->cmd == CMD_RUN || c->cmd == CMD_START)) {
		struct report r;
		struct json_object *j;

		report_init(c, &r);
		r.opts = &c->o;
		report_error(&r, err, "%s", text);
		j = report_json(&r);
		json_write(c->env->out, j);
		json_object_put(j);
	} else if (c->o.json) {
		struct json_object *root = json_root(time(NULL)), *e = json_object_new_object();

		json_object_object_add(root, "command", json_object_new_string(cname(c)));
		json_object_object_add(root, "status", json_object_new_string("error"));
		json_object_object_add(e, "source", json_object_new_string("bench"));
		json_object_object_add(e, "errno", json_object_new_int(err < 0 ? -err : err));
		json_object_object_add(e, "errno_name", err ? json_object_new_string(errno_name(err)) : NULL);
		json_object_object_add(e, "message", json_object_new_string(text));
		json_object_object_add(root, "error", e);
		json_write(c->env->out, root);
		json_object_put(root);
	}
	return code;
}

/* ------------------------------------------------------------------------ */

static int load_topology(struct ctx *c, char *err, size_t len)
{
	const struct bench_env *env = c->env;
	int rc;

	if (env->topo_synthetic)
		rc = topo_open_synthetic(&c->topo, env->topo_synthetic, err, len);
	else if (env->topo_xml)
		rc = topo_open_xml(&c->topo, env->topo_xml, err, len);
	else
		rc = topo_open(&c->topo, err, len);
	if (rc)
		return rc;
	topo_get_summary(c->topo, &c->tsum);
	c->have_topo = true;
	return 0;
}

/*
 * A point that cannot exist here (exit 4, kselftest's skip): the reason on
 * stderr and, with --json, one document with "status": "skipped",
 * "skip_reason", the settings and the topology.
 */
static int __attribute__((format(printf, 2, 3))) skip(struct ctx *c, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	fprintf(c->env->err, "iopf-bench %s: skipped: %s\n", cname(c), text);
	if (c->o.json) {
		struct report r;
		struct json_object *j;

		report_init(c, &r);
		r.opts = &c->o;
		r.skip_reason = text;
		j = report_json(&r);
		json_write(c->env->out, j);
		json_object_put(j);
	}
	return BENCH_EXIT_SKIP;
}

static void place_cpus(struct ctx *c, const unsigned int *cpu, unsigned int n, struct topo_cpu *out)
{
	for (unsigned int i = 0; i < n; i++)
		if (topo_place(c->topo, cpu[i], &out[i]))
			out[i] = (struct topo_cpu){ .cpu = cpu[i], .core = -1, .package = -1, .numa_node = -1 };
}

/*
 * The CPUs of the three roles, before the device is opened. --placement:
 * resolved on the topology (impossible here: skip); else --cpus checked or
 * --injectors spread, --irq-cpus checked, --wq-cpus checked.
 */
static int pick_cpus(struct ctx *c)
{
	struct bench_opts *o = &c->o;
	char err[512];
	int n;

	if (load_topology(c, err, sizeof(err)))
		return fail(c, BENCH_EXIT_FAIL, 0, "%s", err);
	if (o->placement != TOPO_PLACE_DEFAULT) {
		struct placement *p = &c->place;

		n = topo_placement(c->topo, enum_name(placement_names, o->placement), o->injectors,
				   o->nr_iommus, p, err, sizeof(err));
		if (n < 0)
			return fail(c, BENCH_EXIT_USAGE, 0, "--placement: %s.", err);
		if (n > 0)
			return skip(c, "--placement %s: %s.", p->name, err);
		memcpy(o->cpus.cpu, p->injector_cpus, p->ninjectors * sizeof(o->cpus.cpu[0]));
		o->cpus.n = p->ninjectors;
		/* The direct model has no reporter threads: their places stay idle. */
		if (model_has_reporter(o->model)) {
			memcpy(o->irq_cpus.cpu, p->reporter_cpus, p->nreporters * sizeof(o->irq_cpus.cpu[0]));
			o->irq_cpus.n = p->nreporters;
		}
		/* Only --handler wq queues work on the iopf workqueue. */
		if (o->handler == IOPF_BENCH_HANDLER_WQ && p->nwq)
			snprintf(c->wq_want, sizeof(c->wq_want), "%s", p->wq_list);
	} else {
		if (o->irq_cpus.n && topo_check_cpus(c->topo, o->irq_cpus.cpu, o->irq_cpus.n, err, sizeof(err)))
			return fail(c, BENCH_EXIT_USAGE, 0, "--irq-cpus: %s.", err);
		if (o->cpus.n) {
			if (topo_check_cpus(c->topo, o->cpus.cpu, o->cpus.n, err, sizeof(err)))
				return fail(c, BENCH_EXIT_USAGE, 0, "--cpus: %s.", err);
		} else {
			n = topo_spread(c->topo, o->injectors, o->cpus.cpu, err, sizeof(err));
			if (n < 0)
				return fail(c, BENCH_EXIT_FAIL, 0, "%s", err);
			o->cpus.n = o->injectors;
			if ((unsigned int)n < o->injectors)
				msg(c, "note: %u injectors on %d usable CPUs: some CPUs run more than one",
				    o->injectors, n);
		}
		if (o->wq_cpus) {
			unsigned int *wq = calloc(TOPO_PLACE_MAX_WQ, sizeof(*wq)), nwq = 0;
			char mask[4096];
			int rc;

			if (!wq)
				return fail(c, BENCH_EXIT_FAIL, ENOMEM, "out of memory");
			rc = topo_parse_cpulist(o->wq_cpus, wq, TOPO_PLACE_MAX_WQ, &nwq, err, sizeof(err));
			if (!rc)
				rc = topo_check_cpus(c->topo, wq, nwq, err, sizeof(err));
			free(wq);
			/* The kernel's notation and back: the list as hwloc writes it. */
			if (!rc && (topo_list_to_cpumask(o->wq_cpus, mask, sizeof(mask), err, sizeof(err)) ||
				    topo_cpumask_to_list(mask, c->wq_want, sizeof(c->wq_want), err, sizeof(err))))
				rc = -1;
			if (rc)
				return fail(c, BENCH_EXIT_USAGE, 0, "--wq-cpus: %s.", err);
		}
	}
	c->ncpus = o->cpus.n;
	place_cpus(c, o->cpus.cpu, o->cpus.n, c->cpus);
	c->nirq_cpus = o->irq_cpus.n;
	place_cpus(c, o->irq_cpus.cpu, o->irq_cpus.n, c->irq_cpus);
	return 0;
}

/* ------------------------------------------------------------------------ */
/*
 * The workqueue cpumask: the kernel's knob, read and written as text (the
 * topology itself never comes from /sys here, only from hwloc).
 */
#define WQ_CPUMASK "/sys/devices/virtual/workqueue/cpumask"

static const char *wq_path(const struct ctx *c)
{
	return c->env->wq_cpumask ? c->env->wq_cpumask : WQ_CPUMASK;
}

/* The file's text (one line) into buf; 0 or -errno. */
static int wq_read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		rc = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (!rc)
		buf[strcspn(buf, "\n")] = 0;
	return rc;
}

/* One write(2) of text, as `echo text > path` does; 0 or -errno. */
static int wq_write_file(const char *path, const char *text)
{
	char line[4100];
	int fd = open(path, O_WRONLY | O_TRUNC), rc = 0;
	size_t n = (size_t)snprintf(line, sizeof(line), "%s\n", text);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, line, n);
	if (w < 0)
		rc = -errno;
	else if ((size_t)w != n)
		rc = -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

/* Put the workqueue cpumask back as it was; once. */
static void wq_restore(struct ctx *c)
{
	int rc;

	if (!c->wq_written || c->wq_restored)
		return;
	c->wq_restored = true;
	rc = wq_write_file(wq_path(c), c->wq_before_mask);
	if (rc)
		msg(c, "warning: could not restore the workqueue cpumask: writing %s to %s failed: %s; "
		    "write it by hand", c->wq_before_mask, wq_path(c), strerror(-rc));
}

/*
 * Read the workqueue cpumask and, when the placement or --wq-cpus asks for
 * other CPUs, set it (checked by reading it back). o->wq_cpus becomes the
 * list in force. Cannot be read or set while the run needs it: skip.
 */
static int wq_apply(struct ctx *c)
{
	const char *path = wq_path(c);
	char mask[4096], now[4096], err[256];
	int rc;

	rc = wq_read_file(path, c->wq_before_mask, sizeof(c->wq_before_mask));
	if (!rc && topo_cpumask_to_list(c->wq_before_mask, c->wq_before, sizeof(c->wq_before), err,
					sizeof(err)))
		rc = -EINVAL;
	if (rc) {
		c->o.wq_cpus = NULL;
		if (!c->wq_want[0])
			return 0;	/* nothing to set: not knowing it is no reason to skip */
		return skip(c, "the workqueue cpumask %s cannot be read (%s), and the run needs it set to %s",
			    path, strerror(-rc), c->wq_want);
	}
	c->wq_read = true;
	snprintf(c->wq_now, sizeof(c->wq_now), "%s", c->wq_before);
	c->o.wq_cpus = c->wq_now;
	if (!c->wq_want[0] || !strcmp(c->wq_want, c->wq_before))
		return 0;
	if (topo_list_to_cpumask(c->wq_want, mask, sizeof(mask), err, sizeof(err)))
		return fail(c, BENCH_EXIT_FAIL, 0, "the workqueue CPUs %s: %s", c->wq_want, err);
	rc = wq_write_file(path, mask);
	if (rc)
		return skip(c, "cannot set the workqueue cpumask to %s: writing %s to %s failed: %s%s",
			    c->wq_want, mask, path, strerror(-rc),
			    rc == -EACCES || rc == -EPERM ? " (needs root)" : "");
	c->wq_written = true;
	rc = wq_read_file(path, now, sizeof(now));
	if (!rc && topo_cpumask_to_list(now, c->wq_now, sizeof(c->wq_now), err, sizeof(err)))
		rc = -EINVAL;
	if (rc || strcmp(c->wq_now, c->wq_want)) {
		char got[600];

		snprintf(got, sizeof(got), "%s", rc ? strerror(-rc) : c->wq_now);
		wq_restore(c);
		c->o.wq_cpus = c->wq_before;
		return skip(c, "the kernel did not take the workqueue cpumask %s (reading it back: %s); "
			    "restored %s", c->wq_want, got, c->wq_before);
	}
	return 0;
}

/* Open the device and ask it what it is. */
static int open_module(struct ctx *c)
{
	const char *path = c->o.device;
	int rc = c->env->open_dev(path, &c->dev);

	if (rc == -ENOENT)
		return fail(c, BENCH_EXIT_NOMODULE, rc,
			    "module not loaded: insmod kmod/iopf_bench.ko (or scripts/vm-run --insmod); "
			    "%s does not exist", path);
	if (rc == -EACCES || rc == -EPERM)
		return fail(c, BENCH_EXIT_NOMODULE, rc, "cannot open %s: %s (run as root)", path,
			    strerror(-rc));
	if (rc)
		return fail(c, BENCH_EXIT_NOMODULE, rc, "cannot open %s: %s", path, strerror(-rc));
	rc = dev_version(c->dev, &c->ver);
	if (rc == -ENOTTY)
		return fail(c, BENCH_EXIT_NOMODULE, rc, "%s is not the iopf_bench device (VERSION: ENOTTY)",
			    path);
	if (rc)
		return fail(c, BENCH_EXIT_NOMODULE, rc, "VERSION on %s failed: %s (%s)", path,
			    errno_name(rc), strerror(-rc));
	c->have_ver = true;
	c->ver.module_version[sizeof(c->ver.module_version) - 1] = 0;
	c->ver.kernel_release[sizeof(c->ver.kernel_release) - 1] = 0;
	if (c->ver.abi_version != IOPF_BENCH_ABI_VERSION)
		msg(c, "warning: the module speaks ABI %u, this tool ABI %u", c->ver.abi_version,
		    IOPF_BENCH_ABI_VERSION);
	return 0;
}

/* The module's own explanation of a refused command, if it left one. */
static void refusal_reason(struct ctx *c, const char *op, char *buf, size_t len)
{
	if (!c->dev->log_reason || c->dev->log_reason(c->dev, op, buf, len))
		snprintf(buf, len, "see the kernel log (dmesg | grep iopf_bench)");
}

/* ------------------------------------------------------------------------ */

struct hist_buf {
	uint64_t *v;
	uint32_t len;		/* bytes */
	struct hist_layout layout;
};

/*
 * The histograms a module of this ABI dumps, at least: ABI 2 to 6 all but
 * the queue wait in a flush (IOPF_BENCH_HIST_QUEUE_IN_FLUSH, ABI 7); ABI 1's
 * five are not a layout this tool reads (0: none).
 */
static uint32_t hist_nr_of_abi(uint32_t abi_version)
{
	if (abi_version < 2)
		return 0;
	if (abi_version < 7)
		return IOPF_BENCH_HIST_QUEUE_IN_FLUSH;
	return IOPF_BENCH_HIST_NR;
}

/* RESULTS, with the raw histograms when timestamps were on. */
static int read_results(struct ctx *c, struct iopf_bench_results *res, struct hist_buf *h, bool want_hist)
{
	uint32_t want_nr = hist_nr_of_abi(c->ver.abi_version);
	int rc;

	memset(h, 0, sizeof(*h));
	if (want_hist && c->ver.hist_nr && c->ver.hist_nr_buckets) {
		if (!hist_layout_init(&h->layout, c->ver.hist_sub_bits, c->ver.hist_max_bits) ||
		    h->layout.nr_buckets != c->ver.hist_nr_buckets ||
		    !want_nr || c->ver.hist_nr < want_nr) {
			msg(c, "warning: the module's histogram layout (sub bits %u, max bits %u, %u buckets, "
			    "%u histograms) is not one this tool knows; no raw histograms",
			    c->ver.hist_sub_bits, c->ver.hist_max_bits, c->ver.hist_nr_buckets,
			    c->ver.hist_nr);
		} else {
			/*
			 * The module fills its hist_nr histograms; an older one's
			 * missing ones (added since its ABI) stay zeros, which the
			 * report leaves out (report.c, has_hist). The buffer has
			 * room for every one this tool knows.
			 */
			uint32_t nr = c->ver.hist_nr > IOPF_BENCH_HIST_NR ? c->ver.hist_nr : IOPF_BENCH_HIST_NR;

			h->len = c->ver.hist_nr * c->ver.hist_nr_buckets * sizeof(uint64_t);
			h->v = calloc(nr, c->ver.hist_nr_buckets * sizeof(uint64_t));
			if (!h->v)
				h->len = 0;
		}
	}
	rc = dev_results(c->dev, res, h->v, h->len);
	if (rc)
		return rc;
	if (h->v && (res->hist_needed > h->len || res->hist_nr_buckets != h->layout.nr_buckets)) {
		msg(c, "warning: RESULTS wants %u bytes of histograms for %u buckets, VERSION said %u; "
		    "no raw histograms", res->hist_needed, res->hist_nr_buckets, h->len);
		free(h->v);
		h->v = NULL;
	}
	return 0;
}

static void warn_hist_mismatch(struct ctx *c, const struct report *r)
{
	char why[256];

	if (!r->hist)
		return;
	for (unsigned int h = 0; h < IOPF_BENCH_HIST_NR; h++) {
		const uint64_t *b = r->hist + (size_t)h * r->layout.nr_buckets;

		if (!report_hist_check(&r->layout, b, report_latency(r->res, h), why, sizeof(why)))
			msg(c, "warning: %s latency: %s", hist_name(h), why);
	}
}

/* Print a report (JSON or text) and write --hist; returns the exit status. */
static int emit_report(struct ctx *c, struct report *r)
{
	int code = BENCH_EXIT_OK;

	if (r->res)
		warn_hist_mismatch(c, r);
	if (c->o.hist_file && r->res) {
		FILE *f;

		if (!r->hist) {
			msg(c, "--hist %s: the module returned no histograms; not written", c->o.hist_file);
			code = BENCH_EXIT_FAIL;
		} else if (!(f = fopen(c->o.hist_file, "w"))) {
			msg(c, "--hist %s: %s", c->o.hist_file, strerror(errno));
			code = BENCH_EXIT_FAIL;
		} else {
			struct json_object *h = report_hist_json(r);

			if (json_write(f, h) | fclose(f)) {
				msg(c, "--hist %s: write failed: %s", c->o.hist_file, strerror(errno));
				code = BENCH_EXIT_FAIL;
			}
			json_object_put(h);
		}
	}
	if (c->o.json) {
		struct json_object *j = report_json(r);

		json_write(c->env->out, j);
		json_object_put(j);
	} else {
		report_text(c->env->out, r);
		fflush(c->env->out);
	}
	if (r->error)
		msg(c, "%s", r->error_msg);
	if (report_exit_code(r))
		code = BENCH_EXIT_FAIL;
	return code;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The kernel log over a run on a host (not in a scripts/vm-run guest, whose
 * console vm-run reads; not under a host sweep, which watches its runs
 * itself): from the module's opening, before START, to the command's end.
 */
static void kmsg_start(struct ctx *c)
{
	const char *path = kmsg_watch_path(c->env->kmsg);
	int err;

	if (!path)
		return;
	c->kmsg = kmsg_watch_open(path, &err);
	if (!c->kmsg)
		msg(c, "warning: cannot read the kernel log (%s: %s): a BUG, WARNING or lockdep report "
		    "during this run would go unnoticed", path, strerror(-err));
}

/* A report logged so far fails the run with its line, as vm-run fails a guest's. */
static void kmsg_verdict(struct ctx *c, struct report *r)
{
	char line[KMSG_LINE_MAX + 32];
	size_t n;

	if (!c->kmsg || !kmsg_watch_poll(c->kmsg) || !kmsg_watch_take(c->kmsg, line, sizeof(line)))
		return;
	if (!r->error) {
		report_error(r, 0, "kernel log: %s", line);
		return;
	}
	n = strlen(r->error_msg);
	snprintf(r->error_msg + n, sizeof(r->error_msg) - n, "; kernel log: %s", line);
}

/* ------------------------------------------------------------------------ */

static int cmd_run(struct ctx *c)
{
	struct bench_opts *o = &c->o;
	struct iopf_bench_run_config cfg;
	struct iopf_bench_results res;
	struct iopf_bench_status st;
	struct hist_buf h = { 0 };
	struct ts_session ts = { 0 };	/* --timeseries */
	struct report r;
	uint64_t deadline = 0;
	char err[320], why[256], tmo[32];
	int rc, code;

	rc = pick_cpus(c);
	if (rc)
		return rc;
	rc = open_module(c);
	if (rc)
		return rc;
	kmsg_start(c);
	if (!(c->ver.caps & IOPF_BENCH_CAP_IOPF))
		return fail(c, BENCH_EXIT_NOMODULE, EOPNOTSUPP,
			    "this kernel has no IOPF framework (mock kind %s): the module cannot run "
			    "(START would fail with EOPNOTSUPP)", mock_kind_name(c->ver.mock_kind));
	if (opts_check_module(o, &c->ver, err, sizeof(err)))
		return fail(c, BENCH_EXIT_USAGE, 0, "%s", err);
	/* The time-series files: a path that cannot be written stops us before START. */
	if (o->ts_file && ts_session_open(&ts, o->ts_file, o->ts_groups_file, o->ts_interval_ms,
					  err, sizeof(err)))
		return fail(c, BENCH_EXIT_USAGE, 0, "%s", err);

	if (c->cmd == CMD_RUN && c->env->handle_signals) {
		/*
		 * From START on, SIGINT/SIGTERM stop the run and still print its
		 * results. No SA_RESTART: WAIT returns EINTR. One shot: a second
		 * Ctrl-C kills the tool even if STOP hangs.
		 */
		struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESETHAND };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	/* Last before START: from here every way out restores it (bench_main). */
	rc = wq_apply(c);
	if (rc) {
		ts_session_close(&ts);
		return rc;
	}
	opts_to_run_config(o, &cfg);
	/* An older module takes the config it knows (opts_check_module kept to its features). */
	cfg.size = opts_run_config_size(c->ver.abi_version);
	if (c->dev->log_mark)
		c->dev->log_mark(c->dev);
	rc = dev_start(c->dev, &cfg);
	if (rc) {
		ts_session_close(&ts);
		switch (rc) {
		case -EBUSY:
			return fail(c, BENCH_EXIT_FAIL, rc, "a run is already in progress: see iopf-bench "
				    "status; end it with iopf-bench stop");
		case -EOPNOTSUPP:
			refusal_reason(c, "start", why, sizeof(why));
			return fail(c, BENCH_EXIT_NOMODULE, rc, "the module cannot run this (EOPNOTSUPP): %s",
				    why);
		case -EINVAL:
		case -E2BIG:
			refusal_reason(c, "start", why, sizeof(why));
			return fail(c, BENCH_EXIT_USAGE, rc, "the module refused the run config (%s): %s",
				    errno_name(rc), why);
		default:
			return fail(c, BENCH_EXIT_FAIL, rc, "START failed: %s (%s)", errno_name(rc),
				    strerror(-rc));
		}
	}
	if (dev_status(c->dev, &st))
		memset(&st, 0, sizeof(st));

	if (c->cmd == CMD_START) {
		if (o->json) {
			struct json_object *j = json_root(time(NULL));

			json_object_object_add(j, "command", json_object_new_string("start"));
			json_object_object_add(j, "status", json_object_new_string("started"));
			json_object_object_add(j, "run_id", json_object_new_uint64(st.run_id));
			if (c->wq_written) {
				json_object_object_add(j, "wq_cpus", json_object_new_string(c->wq_now));
				json_object_object_add(j, "wq_cpumask_before",
						       json_object_new_string(c->wq_before_mask));
			}
			json_write(c->env->out, j);
			json_object_put(j);
		} else {
			fprintf(c->env->out, "started run %llu (%u injector%s); it goes on in the "
				"kernel: iopf-bench status|wait|stop|results|reset\n", U(st.run_id),
				o->cpus.n, o->cpus.n == 1 ? "" : "s");
		}
		if (c->wq_written)
			msg(c, "note: the workqueue cpumask stays %s (was %s) for the run; start does not "
			    "restore it: when the run is over, write %s to %s", c->wq_now, c->wq_before,
			    c->wq_before_mask, wq_path(c));
		return BENCH_EXIT_OK;
	}

	/* The reader drains the module's stream while we wait (run only: opts.c). */
	if (o->ts_file)
		ts_session_start(&ts, c->dev->stream_fd ? c->dev->stream_fd(c->dev) : -1, c->env->err,
				 "iopf-bench run");
	report_init(c, &r);
	r.opts = o;
	if (o->timeout_ms)
		deadline = now_ms() + o->timeout_ms;
	fmt_duration_ms(o->timeout_ms, tmo, sizeof(tmo));
	for (;;) {
		uint64_t slice = WAIT_SLICE_MS;

		if (interrupted) {
			report_error(&r, EINTR, "interrupted by signal %d: stopped the run early",
				     (int)interrupted);
			break;
		}
		if (deadline) {
			uint64_t now = now_ms();

			if (now >= deadline) {
				report_error(&r, ETIMEDOUT, "timeout: the run did not finish within %s "
					     "(--timeout); stopped it", tmo);
				break;
			}
			if (deadline - now < slice)
				slice = deadline - now;
		}
		rc = dev_wait(c->dev, (uint32_t)slice, NULL);
		/* Read the log as it comes: a long run must not let it wrap over a report. */
		if (c->kmsg)
			kmsg_watch_poll(c->kmsg);
		if (!rc)
			break;
		if (rc == -ETIMEDOUT || rc == -EINTR)
			continue;
		report_error(&r, rc, "WAIT failed: %s (%s)", errno_name(rc), strerror(-rc));
		break;
	}
	if (r.error) {
		rc = dev_stop(c->dev);
		if (rc && rc != -ENOENT) {
			size_t n = strlen(r.error_msg);

			snprintf(r.error_msg + n, sizeof(r.error_msg) - n, "; then STOP failed: %s",
				 errno_name(rc));
		}
	}
	/* The run is over: its stream ends; before RESET frees it. */
	if (o->ts_file) {
		ts_session_end(&ts, 30000 + 2 * (uint32_t)o->ts_interval_ms);
		r.timeseries = ts.json;
	}

	rc = read_results(c, &res, &h, !o->no_timestamps);
	if (rc) {
		report_error(&r, rc, "RESULTS failed: %s (%s); the run is left in the module "
			     "(iopf-bench status, results, reset)",
			     errno_name(rc), strerror(-rc));
		kmsg_verdict(c, &r);
		code = emit_report(c, &r);
		free(h.v);
		ts_session_close(&ts);
		return code;
	}
	r.res = &res;
	r.hist = h.v;
	r.layout = h.layout;
	rc = dev_reset(c->dev);
	if (rc)
		msg(c, "warning: RESET failed: %s (%s)", errno_name(rc), strerror(-rc));
	wq_restore(c);
	kmsg_verdict(c, &r);
	code = emit_report(c, &r);
	free(h.v);
	if (o->ts_file) {
		if (!o->json)
			ts_session_text(c->env->out, &ts);
		if (ts.w.lost_records)
			msg(c, "warning: the module dropped %llu time-series records (its buffer was "
			    "full): see the lost_records column", U(ts.w.lost_records));
		if (ts.failed) {
			msg(c, "%s", ts.err);
			code = BENCH_EXIT_FAIL;
		}
		ts_session_close(&ts);
	}
	return code;
}

static int cmd_results(struct ctx *c)
{
	struct iopf_bench_results res;
	struct hist_buf h;
	struct report r;
	char err[256];
	int rc, code;

	if (load_topology(c, err, sizeof(err)))
		msg(c, "warning: %s (no topology in the output)", err);
	rc = open_module(c);
	if (rc)
		return rc;
	rc = read_results(c, &res, &h, true);
	if (rc == -EBUSY)
		return fail(c, BENCH_EXIT_FAIL, rc, "the run is still running: iopf-bench wait (or stop) first");
	if (rc == -ENODATA)
		return fail(c, BENCH_EXIT_FAIL, rc, "no results: no run has finished since the last reset");
	if (rc)
		return fail(c, BENCH_EXIT_FAIL, rc, "RESULTS failed: %s (%s)", errno_name(rc), strerror(-rc));
	if (res.run_flags & IOPF_BENCH_RUN_NO_TIMESTAMPS) {
		free(h.v);
		h.v = NULL;
	}
	report_init(c, &r);
	r.res = &res;
	r.hist = h.v;
	r.layout = h.layout;
	code = emit_report(c, &r);
	free(h.v);
	return code;
}

static int cmd_version(struct ctx *c)
{
	int rc;

	if (!c->o.json)
		fprintf(c->env->out, "iopf-bench %s (ABI %u, JSON schema %d)\n", BENCH_TOOL_VERSION,
			IOPF_BENCH_ABI_VERSION, BENCH_JSON_SCHEMA);
	fflush(c->env->out);
	rc = open_module(c);
	if (rc)
		return rc;
	if (c->o.json) {
		struct json_object *j = version_json(&c->ver, time(NULL));

		json_write(c->env->out, j);
		json_object_put(j);
	} else {
		version_text(c->env->out, &c->ver);
	}
	return BENCH_EXIT_OK;
}

static int cmd_status(struct ctx *c)
{
	struct iopf_bench_status st;
	int rc = open_module(c);

	if (rc)
		return rc;
	rc = dev_status(c->dev, &st);
	if (rc)
		return fail(c, BENCH_EXIT_FAIL, rc, "STATUS failed: %s (%s)", errno_name(rc), strerror(-rc));
	if (c->o.json) {
		struct json_object *j = status_json(&st, time(NULL));

		json_write(c->env->out, j);
		json_object_put(j);
	} else {
		status_text(c->env->out, &st);
	}
	return BENCH_EXIT_OK;
}

static int cmd_stop(struct ctx *c)
{
	struct iopf_bench_status st;
	int rc = open_module(c);

	if (rc)
		return rc;
	rc = dev_stop(c->dev);
	if (rc == -ENOENT)
		return fail(c, BENCH_EXIT_FAIL, rc, "no run to stop: the module is idle");
	if (rc)
		return fail(c, BENCH_EXIT_FAIL, rc, "STOP failed: %s (%s)", errno_name(rc), strerror(-rc));
	if (!dev_status(c->dev, &st))
		fprintf(c->env->out, "run %llu: %s\n", U(st.run_id), state_name(st.state));
	return BENCH_EXIT_OK;
}

static int cmd_wait(struct ctx *c)
{
	struct iopf_bench_status st;
	uint32_t state = 0;
	char tmo[32];
	int rc = open_module(c);

	if (rc)
		return rc;
	rc = dev_wait(c->dev, (uint32_t)c->o.timeout_ms, &state);
	fmt_duration_ms(c->o.timeout_ms, tmo, sizeof(tmo));
	if (rc == -ENOENT)
		return fail(c, BENCH_EXIT_FAIL, rc, "no run to wait for: the module is idle");
	if (rc == -ETIMEDOUT)
		return fail(c, BENCH_EXIT_FAIL, rc, "the run is still running after %s (--timeout)", tmo);
	if (rc == -EINTR)
		return fail(c, BENCH_EXIT_FAIL, rc, "interrupted; the run goes on");
	if (rc)
		return fail(c, BENCH_EXIT_FAIL, rc, "WAIT failed: %s (%s)", errno_name(rc), strerror(-rc));
	if (dev_status(c->dev, &st))
		memset(&st, 0, sizeof(st));
	if (c->o.json) {
		struct json_object *j = status_json(&st, time(NULL));

		json_object_object_add(j, "command", json_object_new_string("wait"));
		json_write(c->env->out, j);
		json_object_put(j);
	} else {
		fprintf(c->env->out, "run %llu: %s\n", U(st.run_id), state_name(state));
	}
	return state == IOPF_BENCH_STATE_DONE ? BENCH_EXIT_OK : BENCH_EXIT_FAIL;
}

static int cmd_reset(struct ctx *c)
{
	int rc = open_module(c);

	if (rc)
		return rc;
	rc = dev_reset(c->dev);
	if (rc == -EBUSY)
		return fail(c, BENCH_EXIT_FAIL, rc, "a run is in progress: iopf-bench stop (or wait) first");
	if (rc)
		return fail(c, BENCH_EXIT_FAIL, rc, "RESET failed: %s (%s)", errno_name(rc), strerror(-rc));
	fprintf(c->env->out, "reset: idle\n");
	return BENCH_EXIT_OK;
}

/*
 * The end of a watched command: a report not yet told (logged while
 * starting, or on a way out before the report) is told here and fails the
 * command, unless it failed already.
 */
static int kmsg_end(struct ctx *c, int code)
{
	char line[KMSG_LINE_MAX + 32];

	if (!c->kmsg)
		return code;
	if (kmsg_watch_poll(c->kmsg) && kmsg_watch_take(c->kmsg, line, sizeof(line))) {
		msg(c, "kernel log: %s%s", line, c->cmd == CMD_START && code == BENCH_EXIT_OK ?
		    " (logged while the run started; it goes on: iopf-bench stop)" : "");
		if (code == BENCH_EXIT_OK)
			code = BENCH_EXIT_FAIL;
	}
	if (c->kmsg->lost)
		msg(c, "warning: the kernel log wrapped during the run (%llu time%s): a report among "
		    "the lost records would not be seen", U(c->kmsg->lost), c->kmsg->lost == 1 ? "" : "s");
	kmsg_watch_close(c->kmsg);
	c->kmsg = NULL;
	return code;
}

/*
 * `iopf-bench --version`: this program's version, ABI and git revision,
 * which need no module; and the loaded module's, when there is one (a
 * module that cannot be asked is said, not an error: the question was the
 * tool's version).
 */
static int tool_version(const struct bench_env *env)
{
	struct iopf_bench_version v;
	struct bench_dev *d = NULL;
	int rc;

	fprintf(env->out, "iopf-bench %s (ABI %u, JSON schema %d, git %s)\n", BENCH_TOOL_VERSION,
		IOPF_BENCH_ABI_VERSION, BENCH_JSON_SCHEMA, env->git_rev ? env->git_rev : "revision unknown");
	if (access(IOPF_BENCH_DEVICE, F_OK)) {
		fprintf(env->out, "module: not loaded (no %s)\n", IOPF_BENCH_DEVICE);
		return BENCH_EXIT_OK;
	}
	rc = env->open_dev(IOPF_BENCH_DEVICE, &d);
	if (!rc)
		rc = dev_version(d, &v);
	if (rc) {
		fprintf(env->out, "module: %s exists but cannot be asked: %s%s\n", IOPF_BENCH_DEVICE,
			strerror(-rc), rc == -EACCES || rc == -EPERM ? " (run as root)" : "");
	} else {
		v.module_version[sizeof(v.module_version) - 1] = 0;
		v.kernel_release[sizeof(v.kernel_release) - 1] = 0;
		fprintf(env->out, "module: iopf_bench %s, ABI %u, kernel %s%s\n", v.module_version,
			v.abi_version, v.kernel_release, v.abi_version == IOPF_BENCH_ABI_VERSION ? "" :
			" (not this tool's ABI: rmmod it and load the module built with this tool)");
	}
	dev_close(d);
	return BENCH_EXIT_OK;
}

/* ------------------------------------------------------------------------ */

int bench_main(int argc, char **argv, const struct bench_env *env)
{
	struct ctx *c;
	char err[512];
	int code;

	if (argc < 2) {
		opts_help(env->err, CMD_NR);
		return BENCH_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		opts_help(env->out, CMD_NR);
		return BENCH_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		if (argc > 2) {
			fprintf(env->err, "iopf-bench --version: takes no arguments, not '%s'\n", argv[2]);
			return BENCH_EXIT_USAGE;
		}
		return tool_version(env);
	}
	/* sweep and report take a file or folder and options of their own. */
	if (!strcmp(argv[1], "sweep"))
		return cmd_sweep(argc - 1, argv + 1, env);
	if (!strcmp(argv[1], "report"))
		return cmd_report(argc - 1, argv + 1, env);
	/* compare and baseline: the CI regression gate (compare.c). */
	if (!strcmp(argv[1], "compare"))
		return cmd_compare(argc - 1, argv + 1, env);
	if (!strcmp(argv[1], "baseline"))
		return cmd_baseline(argc - 1, argv + 1, env);
	if (!strcmp(argv[1], "calibrate"))
		return cmd_calibrate(argc - 1, argv + 1, env);
	c = calloc(1, sizeof(*c));
	if (!c) {
		fprintf(env->err, "iopf-bench: out of memory\n");
		return BENCH_EXIT_FAIL;
	}
	c->env = env;
	c->argc = argc;
	c->argv = argv;
	c->cmd = bench_cmd_lookup(argv[1]);
	if (c->cmd == CMD_NR) {
		fprintf(env->err, "iopf-bench: unknown command '%s'; accepted: version, run, start, "
			"status, stop, wait, results, reset, sweep, report, compare, baseline, calibrate (see iopf-bench --help).\n", argv[1]);
		free(c);
		return BENCH_EXIT_USAGE;
	}
	interrupted = 0;
	if (opts_parse(&c->o, c->cmd, argc - 1, argv + 1, err, sizeof(err))) {
		fprintf(env->err, "iopf-bench %s: %s\n", cname(c), err);
		free(c);
		return BENCH_EXIT_USAGE;
	}
	if (c->o.help) {
		opts_help(env->out, c->cmd);
		free(c);
		return BENCH_EXIT_OK;
	}

	switch (c->cmd) {
	case CMD_VERSION: code = cmd_version(c); break;
	case CMD_RUN:
	case CMD_START: code = cmd_run(c); break;
	case CMD_STATUS: code = cmd_status(c); break;
	case CMD_STOP: code = cmd_stop(c); break;
	case CMD_WAIT: code = cmd_wait(c); break;
	case CMD_RESULTS: code = cmd_results(c); break;
	case CMD_RESET: code = cmd_reset(c); break;
	default: code = BENCH_EXIT_USAGE; break;
	}
	/* A run's workqueue cpumask goes back on every way out; a started run keeps it. */
	if (c->cmd == CMD_RUN || code != BENCH_EXIT_OK)
		wq_restore(c);
	code = kmsg_end(c, code);
	dev_close(c->dev);
	topo_close(c->topo);
	free(c);
	fflush(env->out);
	return code;
}
