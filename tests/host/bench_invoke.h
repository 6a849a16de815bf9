/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_invoke.h - run `iopf-bench LINE` in-process, as the host tests do:
 * the arguments split at spaces, stdout and stderr captured in memory, the
 * exit status kept. The caller gives the environment (its fake module,
 * synthetic machine, kernel log ...); include it after the bench headers.
 */
#ifndef IOPF_TESTS_BENCH_INVOKE_H
#define IOPF_TESTS_BENCH_INVOKE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *out, *err;
	size_t olen, elen;
	int rc;
};

static inline void bench_invoke(struct out *o, struct bench_env *env, const char *line)
{
	static char buf[1024];
	char *argv[64];
	int argc = 0;

	free(o->out);
	free(o->err);
	memset(o, 0, sizeof(*o));
	env->out = open_memstream(&o->out, &o->olen);
	env->err = open_memstream(&o->err, &o->elen);
	snprintf(buf, sizeof(buf), "iopf-bench %s", line);
	for (char *t = strtok(buf, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	o->rc = bench_main(argc, argv, env);
	fclose(env->out);
	fclose(env->err);
}

#endif
