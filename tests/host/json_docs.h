/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json_docs.h - keep the JSON documents a host test made the tool print.
 *
 * With IOPF_BENCH_JSON_DOCS=DIR in the environment, save_json_doc() writes
 * one to DIR/NAME.json; tests/host/run_schema_test.sh runs the tests that
 * way and validates every document against results/run-result.schema.json.
 * Without it nothing is written: the tests check the documents themselves.
 */
#ifndef IOPF_TESTS_JSON_DOCS_H
#define IOPF_TESTS_JSON_DOCS_H

#include <stdio.h>
#include <stdlib.h>

/* 0: written or not asked for; -1: DIR was given and the file could not be written. */
static inline int save_json_doc(const char *name, const char *text)
{
	const char *dir = getenv("IOPF_BENCH_JSON_DOCS");
	char path[4096];
	FILE *f;
	int bad;

	if (!dir || !*dir)
		return 0;
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	bad = fputs(text ? text : "", f) < 0;
	return fclose(f) || bad ? -1 : 0;
}

#endif
