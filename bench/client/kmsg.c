// SPDX-License-Identifier: GPL-2.0
/*
 * kmsg.c - the kernel log watch of a host run (kmsg.h).
 *
 * The patterns are scripts/lib.sh's VMRUN_RE_*, character for character and
 * in the same order, so that a host run fails on exactly what fails a VM
 * run; tests/host/bench_kmsg_test.c compares the two lists.
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmsg.h"

static const struct {
	const char *id, *name, *re;
} kinds[KMSG_NR] = {
	[KMSG_PANIC] = { "PANIC", "panic", "Kernel panic - not syncing" },
	[KMSG_KASAN] = { "KASAN", "KASAN report", "BUG: KASAN: |KASAN: .* in " },
	[KMSG_LOCKDEP] = { "LOCKDEP", "lockdep report",
		"WARNING: (possible (circular|recursive|irq lock)|inconsistent lock state|suspicious RCU usage|"
		"bad unlock balance|held lock freed|lock held when returning|[A-Z]+-safe -> [A-Z]+-unsafe|"
		"Nested lock was not taken)|BUG: MAX_LOCK|DEBUG_LOCKS_WARN_ON" },
	[KMSG_HUNG] = { "HUNG", "hung task/lockup",
		"INFO: task .* blocked for more than|BUG: soft lockup|Watchdog detected hard LOCKUP|"
		"BUG: workqueue lockup|rcu: INFO: .* detected stall|detected stalls on CPUs" },
	[KMSG_BUG] = { "BUG", "BUG/Oops",
		"BUG: |Oops: |kernel BUG at|general protection fault|Unable to handle kernel" },
	[KMSG_WARN] = { "WARN", "WARNING",
		"WARNING: CPU: [0-9]+ PID: [0-9]+ at|WARNING: at |------------\\[ cut here \\]------------" },
};

const char *kmsg_kind_id(unsigned int k)
{
	return k < KMSG_NR ? kinds[k].id : NULL;
}

const char *kmsg_kind_pattern(unsigned int k)
{
	return k < KMSG_NR ? kinds[k].re : NULL;
}

const char *kmsg_kind_name(unsigned int k)
{
	return k < KMSG_NR ? kinds[k].name : "none";
}

unsigned int kmsg_classify(const char *msg)
{
	static regex_t re[KMSG_NR];
	static int compiled;	/* 1 done, -1 failed */

	if (!compiled) {
		compiled = 1;
		for (unsigned int k = 0; k < KMSG_NR; k++)
			if (regcomp(&re[k], kinds[k].re, REG_EXTENDED | REG_NOSUB)) {
				compiled = -1;
				break;
			}
	}
	if (compiled < 0)
		return KMSG_NR;
	for (unsigned int k = 0; k < KMSG_NR; k++)
		if (!regexec(&re[k], msg, 0, NULL, 0))
			return k;
	return KMSG_NR;
}

const char *kmsg_watch_path(const char *def)
{
	const char *vm = getenv("IOPF_IN_VM"), *p = getenv("IOPF_BENCH_KMSG");

	if (vm && !strcmp(vm, "1"))
		return NULL;
	if (p && !strcmp(p, "off"))
		return NULL;
	if (!def)
		return NULL;
	return p && *p ? p : def;
}

struct kmsg_watch *kmsg_watch_open(const char *path, int *err)
{
	struct kmsg_watch *w = calloc(1, sizeof(*w));
	struct stat st;

	if (!w) {
		*err = -ENOMEM;
		return NULL;
	}
	w->kind = KMSG_NR;
	w->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->fd < 0) {
		*err = -errno;
		free(w);
		return NULL;
	}
	/* The log from now on; a file standing in for it is read whole. */
	if (!fstat(w->fd, &st) && !S_ISREG(st.st_mode))
		lseek(w->fd, 0, SEEK_END);
	*err = 0;
	return w;
}

/*
 * One line: a /dev/kmsg record is "prio,seq,usec,flags;message" followed by
 * " KEY=value" dictionary lines; a stand-in file may hold bare messages
 * (or dmesg's "[ seconds] message").
 */
static void watch_line(struct kmsg_watch *w, char *l)
{
	char *msg = l, *e;
	unsigned long long seq, usec;
	unsigned int k, prio;
	int off = 0;
	size_t n;

	if (*l == ' ' || !*l)
		return;
	if (sscanf(l, "%u,%llu,%llu,%*[^;];%n", &prio, &seq, &usec, &off) == 3 && off > 0) {
		msg = l + off;
	} else if (*l == '[' && (e = strchr(l, ']'))) {
		for (msg = e + 1; *msg == ' '; msg++)
			;
	}
	n = strlen(msg);
	while (n && msg[n - 1] == '\r')
		msg[--n] = 0;
	k = kmsg_classify(msg);
	if (k == KMSG_NR)
		return;
	/*
	 * The first line of each kind, as vm-run says it; but a WARNING's
	 * "[ cut here ]" opener names nothing: its "WARNING: CPU: .. at" line
	 * replaces it.
	 */
	if (!w->line[k][0] || (strstr(w->line[k], "cut here") && !strstr(msg, "cut here")))
		snprintf(w->line[k], sizeof(w->line[k]), "%s", msg);
	if (!w->found || k < w->kind)
		w->kind = k;
	w->found = true;
}

bool kmsg_watch_poll(struct kmsg_watch *w)
{
	for (;;) {
		char *p, *nl;
		ssize_t n = read(w->fd, w->buf + w->nbuf, sizeof(w->buf) - 1 - w->nbuf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) {
			/* Overwritten before we read them: the next read goes on after. */
			w->lost++;
			continue;
		}
		if (n <= 0)
			break;
		w->nbuf += n;
		w->buf[w->nbuf] = 0;
		for (p = w->buf; (nl = strchr(p, '\n')); p = nl + 1) {
			*nl = 0;
			watch_line(w, p);
		}
		w->nbuf -= p - w->buf;
		memmove(w->buf, p, w->nbuf);
		if (w->nbuf == sizeof(w->buf) - 1) {
			/* A line longer than the buffer: judge what there is of it. */
			w->buf[w->nbuf] = 0;
			watch_line(w, w->buf);
			w->nbuf = 0;
		}
	}
	return w->found;
}

bool kmsg_watch_take(struct kmsg_watch *w, char *buf, size_t len)
{
	if (!w->found)
		return false;
	snprintf(buf, len, "%s: %s", kinds[w->kind].name, w->line[w->kind]);
	w->found = false;
	w->kind = KMSG_NR;
	memset(w->line, 0, sizeof(w->line));
	return true;
}

void kmsg_watch_close(struct kmsg_watch *w)
{
	if (!w)
		return;
	close(w->fd);
	free(w);
}
