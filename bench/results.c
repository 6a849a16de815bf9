// SPDX-License-Identifier: GPL-2.0
/* results.c - iopf-bench report (being written). */
#include "results.h"

int cmd_report(int argc, char **argv, const struct bench_env *env)
{
	(void)argc; (void)argv;
	fprintf(env->err, "iopf-bench report: not built yet\n");
	return BENCH_EXIT_USAGE;
}
