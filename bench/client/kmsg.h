/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmsg.h - watching the kernel log over a run on a host, as scripts/vm-run
 * watches a guest's console: a BUG, WARNING, Oops, lockdep, KASAN or
 * hung-task report logged from the watch's start to its end fails the run
 * with that line.
 */
#ifndef BENCH_KMSG_H
#define BENCH_KMSG_H

#include <stdbool.h>
#include <stddef.h>

/* The kinds of report, in scripts/lib.sh's order (VMRUN_KINDS): the first found decides. */
enum kmsg_kind {
	KMSG_PANIC,
	KMSG_KASAN,
	KMSG_LOCKDEP,
	KMSG_HUNG,
	KMSG_BUG,
	KMSG_WARN,
	KMSG_NR,
};

/* "PANIC", ... as in scripts/lib.sh's VMRUN_RE_<KIND>; and its pattern (grep -E). */
const char *kmsg_kind_id(unsigned int k);
const char *kmsg_kind_pattern(unsigned int k);
/* "WARNING", "lockdep report", ... as vm-run names them. */
const char *kmsg_kind_name(unsigned int k);

/* The kind of one log message, or KMSG_NR when it is not a report. */
unsigned int kmsg_classify(const char *msg);

#define KMSG_LINE_MAX 512

struct kmsg_watch {
	int fd;
	bool found;			/* a report since the last kmsg_watch_take() */
	unsigned int kind;		/* the highest-precedence kind found */
	char line[KMSG_NR][KMSG_LINE_MAX];	/* the first line of each kind ("" = none) */
	unsigned long long lost;	/* times records were overwritten before being read */
	/* What was read and not yet split into lines (a file's unfinished line). */
	char buf[16384];
	size_t nbuf;
};

/*
 * Whether to watch, and where: NULL when another watches or nobody should:
 * inside a scripts/vm-run guest (IOPF_IN_VM=1: vm-run reads the console),
 * under a sweep that watches its runs itself (IOPF_BENCH_KMSG=off), or when
 * the caller gives no log (default NULL: the tests' fake modules). Else
 * IOPF_BENCH_KMSG (a file standing in for the log: the tests') or default.
 */
const char *kmsg_watch_path(const char *def);

/*
 * Start watching PATH: /dev/kmsg from its end (what comes from now on), a
 * regular file from its start. NULL with a negative errno in *ERR on failure.
 */
struct kmsg_watch *kmsg_watch_open(const char *path, int *err);
/* Read what was logged since the last call; true when a report is pending. */
bool kmsg_watch_poll(struct kmsg_watch *w);
/*
 * The pending report as "<kind name>: <its first line>" into BUF, and forget
 * it (the next report starts afresh). False when there is none.
 */
bool kmsg_watch_take(struct kmsg_watch *w, char *buf, size_t len);
/* NULL is fine. */
void kmsg_watch_close(struct kmsg_watch *w);

#endif
