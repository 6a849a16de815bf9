/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xalloc.h - allocation that cannot fail (xalloc.c): on out-of-memory the
 * program says so and exits BENCH_EXIT_FAIL, or the code a command set with
 * xalloc_exit_code() (compare: 2, an internal error, never "regression").
 * Shared by report (results.c) and compare (compare.c), whose folders are
 * small and whose half-made outputs are no use.
 */
#ifndef BENCH_XALLOC_H
#define BENCH_XALLOC_H

#include <stddef.h>

void *xcalloc(size_t n, size_t sz);		/* n or sz 0: still a valid pointer */
void *xrealloc(void *p, size_t sz);
char *xstrdup(const char *s);			/* NULL -> "" */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The exit status on out-of-memory from now on (default BENCH_EXIT_FAIL). */
void xalloc_exit_code(int code);
/* Say "out of memory" and exit with that status. */
void __attribute__((noreturn)) xalloc_die(void);

#endif
