// SPDX-License-Identifier: GPL-2.0
/* xalloc.c - allocation that cannot fail (xalloc.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "xalloc.h"

static int oom_code = BENCH_EXIT_FAIL;

void xalloc_exit_code(int code)
{
	oom_code = code;
}

void xalloc_die(void)
{
	fprintf(stderr, "iopf-bench: out of memory (exit %d)\n", oom_code);
	exit(oom_code);
}

static void __attribute__((noreturn)) out_of_memory(void)
{
	xalloc_die();
}

/*
 * Test-only fault injection: IOPF_BENCH_FAIL_ALLOC=N makes the N-th
 * allocation from here on fail (1 = the first), so that the tests can check
 * what out-of-memory does without starving the whole process.
 */
static bool inject_failure(void)
{
	static long left = -1;

	if (left == -1) {
		const char *e = getenv("IOPF_BENCH_FAIL_ALLOC");

		left = e && *e ? strtol(e, NULL, 10) : 0;
		if (left <= 0)
			left = 0;
	}
	return left > 0 && --left == 0;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = inject_failure() ? NULL : calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t sz)
{
	p = inject_failure() ? NULL : realloc(p, sz ? sz : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		out_of_memory();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0)
		out_of_memory();
	return s;
}
