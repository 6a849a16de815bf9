// SPDX-License-Identifier: GPL-2.0
/* sweep.c - iopf-bench sweep (being written). */
#include "sweep.h"

int cmd_sweep(int argc, char **argv, const struct bench_env *env)
{
	(void)argc; (void)argv;
	fprintf(env->err, "iopf-bench sweep: not built yet\n");
	return BENCH_EXIT_USAGE;
}
