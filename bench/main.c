// SPDX-License-Identifier: GPL-2.0
/*
 * iopf-bench: the userspace driver of the iopf_bench module. Everything but
 * main() is in libiopf-bench.a so that host tests can drive it.
 */
#include <stdio.h>

#include "cmd.h"
/* BENCH_GIT_REV: "rev" or "" (bench/Makefile writes it when git knows). */
#include "gitrev.h"

int main(int argc, char **argv)
{
	const struct bench_env env = {
		.out = stdout,
		.err = stderr,
		.open_dev = dev_open,
		.handle_signals = 1,
		.kmsg = "/dev/kmsg",
		.git_rev = BENCH_GIT_REV[0] ? BENCH_GIT_REV : NULL,
	};

	return bench_main(argc, argv, &env);
}
