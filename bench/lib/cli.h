/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what every subcommand's command line shares: the exit codes, the
 * environment bench_main() hands each command (its streams, the device
 * opener, the tests' stand-ins), and the reading of "--NAME V" and
 * "--NAME=V". The device client, the sweep and the analysis use it; it
 * uses none of them.
 */
#ifndef BENCH_CLI_H
#define BENCH_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit status */
enum {
	BENCH_EXIT_OK = 0,
	BENCH_EXIT_FAIL = 1,		/* invariant violations, or an error */
	BENCH_EXIT_USAGE = 2,		/* bad usage: nothing was sent to the module */
	BENCH_EXIT_NOMODULE = 3,	/* the module is missing or cannot run */
	BENCH_EXIT_SKIP = 4,		/* the point cannot exist here (kselftest's skip code) */
};

struct bench_dev;

struct bench_env {
	FILE *out;
	FILE *err;
	/* Opens the device; returns 0 or a negative errno. */
	int (*open_dev)(const char *path, struct bench_dev **d);
	/* Tests: a topology to use instead of this machine's (hwloc synthetic or XML). */
	const char *topo_synthetic;
	const char *topo_xml;
	/* Tests: a file standing for /sys/devices/virtual/workqueue/cpumask. */
	const char *wq_cpumask;
	/* Install SIGINT/SIGTERM handlers that stop the run (the real program). */
	int handle_signals;
	/*
	 * The kernel log a host run watches (/dev/kmsg in the real program; a
	 * file in tests); NULL: none (the fake modules of the tests).
	 */
	const char *kmsg;
	/* The git revision the program was built from (--version); NULL: unknown. */
	const char *git_rev;
};

/* a is --NAME or --NAME=V: *val = V, the next argument (*i advanced), or NULL (missing). */
bool cli_opt_arg(const char *a, const char *name, int argc, char **argv, int *i, const char **val);

#endif
