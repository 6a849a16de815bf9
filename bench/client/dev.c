// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - the real /dev/iopf_bench backend and the ioctl wrappers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dev.h"

struct real_dev {
	struct bench_dev dev;
	int fd;
	int kmsg;		/* /dev/kmsg positioned at the mark, or -1 */
};

static int real_ioctl(struct bench_dev *d, unsigned long req, void *arg)
{
	struct real_dev *r = d->priv;
	int rc;

	do
		rc = ioctl(r->fd, req, arg);
	while (rc < 0 && errno == EINTR && req != IOPF_BENCH_WAIT);
	return rc < 0 ? -errno : 0;
}

static void real_log_mark(struct bench_dev *d)
{
	struct real_dev *r = d->priv;

	if (r->kmsg < 0)
		r->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->kmsg >= 0)
		lseek(r->kmsg, 0, SEEK_END);
}

/*
 * /dev/kmsg records are "prio,seq,usec,flags;message\n" (one per read). The
 * module leaves one "iopf_bench: <op>: <field> ..." line per refused command.
 */
static int real_log_reason(struct bench_dev *d, const char *op, char *buf, size_t len)
{
	struct real_dev *r = d->priv;
	char rec[2048], want[64];
	int found = -1;
	ssize_t n;

	if (r->kmsg < 0)
		return -1;
	snprintf(want, sizeof(want), "iopf_bench: %s:", op);
	for (;;) {
		char *msg, *nl;

		n = read(r->kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten records: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = 0;
		msg = strstr(msg, want);
		if (msg) {
			snprintf(buf, len, "%s", msg);
			found = 0;
		}
	}
	return found;
}

static int real_stream_fd(struct bench_dev *d)
{
	struct real_dev *r = d->priv;

	return r->fd;
}

static void real_close(struct bench_dev *d)
{
	struct real_dev *r = d->priv;

	close(r->fd);
	if (r->kmsg >= 0)
		close(r->kmsg);
	free(r);
}

int dev_open(const char *path, struct bench_dev **d)
{
	struct real_dev *r;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		return -ENOMEM;
	}
	r->fd = fd;
	r->kmsg = -1;
	r->dev.ioctl = real_ioctl;
	r->dev.log_mark = real_log_mark;
	r->dev.log_reason = real_log_reason;
	r->dev.close = real_close;
	r->dev.stream_fd = real_stream_fd;
	r->dev.priv = r;
	*d = &r->dev;
	return 0;
}

/* ------------------------------------------------------------------------ */

int dev_version(struct bench_dev *d, struct iopf_bench_version *v)
{
	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	return d->ioctl(d, IOPF_BENCH_VERSION, v);
}

int dev_start(struct bench_dev *d, struct iopf_bench_run_config *c)
{
	if (!c->size || c->size > sizeof(*c))
		c->size = sizeof(*c);
	return d->ioctl(d, IOPF_BENCH_START, c);
}

int dev_status(struct bench_dev *d, struct iopf_bench_status *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	return d->ioctl(d, IOPF_BENCH_STATUS, s);
}

int dev_stop(struct bench_dev *d)
{
	struct iopf_bench_stop s = { .size = sizeof(s) };

	return d->ioctl(d, IOPF_BENCH_STOP, &s);
}

int dev_wait(struct bench_dev *d, uint32_t timeout_ms, uint32_t *state)
{
	struct iopf_bench_wait w = { .size = sizeof(w), .timeout_ms = timeout_ms };
	int rc = d->ioctl(d, IOPF_BENCH_WAIT, &w);

	if (!rc && state)
		*state = w.state;
	return rc;
}

int dev_results(struct bench_dev *d, struct iopf_bench_results *r, uint64_t *hist, uint32_t hist_len)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->hist_uptr = (uintptr_t)hist;
	r->hist_len = hist ? hist_len : 0;
	return d->ioctl(d, IOPF_BENCH_RESULTS, r);
}

int dev_reset(struct bench_dev *d)
{
	struct iopf_bench_reset s = { .size = sizeof(s) };

	return d->ioctl(d, IOPF_BENCH_RESET, &s);
}

void dev_close(struct bench_dev *d)
{
	if (d && d->close)
		d->close(d);
}

/* ------------------------------------------------------------------------ */

const char *errno_name(int err)
{
	static __thread char buf[16];
	const char *n;

	if (err < 0)
		err = -err;
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

#define NAME(tab, i) ((i) < sizeof(tab) / sizeof(tab[0]) && tab[i] ? tab[i] : "unknown")

const char *state_name(uint32_t s)
{
	static const char *const t[] = { "idle", "running", "done", "error" };

	return NAME(t, s);
}

const char *phase_name(uint32_t p)
{
	static const char *const t[] = { "none", "warmup", "measure", "stopping", "finished" };

	return NAME(t, p);
}

const char *mock_kind_name(uint32_t k)
{
	static const char *const t[] = { "none", "platform-fwspec", "platform-fwspec-lockdep" };

	return NAME(t, k);
}

const char *result_status_name(uint32_t s)
{
	static const char *const t[] = { "success", "failure", "error" };

	return NAME(t, s);
}

const char *hist_name(unsigned int h)
{
	static const char *const t[] = {
		[IOPF_BENCH_HIST_RESPONSE] = "response",
		[IOPF_BENCH_HIST_HANDLER] = "handler",
		[IOPF_BENCH_HIST_WORK] = "work",
		[IOPF_BENCH_HIST_UNBIND] = "unbind",
		[IOPF_BENCH_HIST_REBIND] = "rebind",
		[IOPF_BENCH_HIST_QUEUE] = "queue",
		[IOPF_BENCH_HIST_REPORT_LAST] = "report_last",
		[IOPF_BENCH_HIST_REPORT_PARTIAL] = "report_partial",
		[IOPF_BENCH_HIST_SEND_LAG] = "send_lag",
		[IOPF_BENCH_HIST_FLUSH] = "flush",
		[IOPF_BENCH_HIST_REPORT_IN_FLUSH] = "report_in_flush",
		[IOPF_BENCH_HIST_QUEUE_IN_FLUSH] = "queue_in_flush",	/* ABI 7 */
	};

	_Static_assert(sizeof(t) / sizeof(t[0]) == IOPF_BENCH_HIST_NR, "a histogram without a name");

	return NAME(t, h);
}
