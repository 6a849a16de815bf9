/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runjson.h - a run.json (results/SCHEMA.md, written by `iopf-bench report`)
 * read once into typed structs, for the analysis that judges it (compare,
 * calibrate): its points in sweep order, each point's designs, each
 * design's repetitions with their status and every metric of the table
 * (gate_metrics) as a value, "left out for too few samples" or absent.
 * The JSON is borrowed: strings and params point into it.
 */
#ifndef BENCH_RUNJSON_H
#define BENCH_RUNJSON_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "gate.h"

enum rj_status { RJ_SUCCESS, RJ_FAILURE, RJ_ERROR, RJ_SKIPPED, RJ_MISSING, RJ_UNKNOWN };

struct rj_rep {
	unsigned int rep;			/* 1-based, 0 when not given */
	enum rj_status status;
	const char *status_name;		/* as written (NULL: none) */
	const char *reason;			/* NULL: none */
	bool have[GATE_NMETRICS];		/* metrics.<name> is a number */
	bool dropped[GATE_NMETRICS];		/* dropped.<name>: left out, too few samples */
	double v[GATE_NMETRICS];
	bool have_samples[GATE_NMETRICS];	/* samples.<name>: the run's sample count (show_n metrics) */
	double samples[GATE_NMETRICS];
};

struct rj_design {
	const char *name;
	struct rj_rep *reps;
	size_t nreps;
};

struct rj_point {
	const char *id;
	const char *sweep;
	struct json_object *params;		/* borrowed; NULL when absent */
	double rate_per_s;			/* params.rate_per_s, 0 when absent */
	bool closed_loop;			/* no offered rate */
	struct rj_design *designs;		/* in run.json's order */
	size_t nd;
};

struct rj_run {
	struct json_object *root;		/* borrowed */
	long schema_version, rule_version;	/* -1 when absent */
	const char *status, *generated;
	struct rj_point *points;		/* every sweep's, in order; ids unique */
	size_t npoints;
};

/*
 * Read run (a parsed run.json) into r. Returns 0, or -1 with *err (malloc'd)
 * saying what is not as results/SCHEMA.md describes (a point without an id,
 * a repeated id, a design that is not an object).
 */
int rj_read(struct json_object *run, struct rj_run *r, char **err);
void rj_free(struct rj_run *r);

const struct rj_point *rj_point(const struct rj_run *r, const char *id);
const struct rj_design *rj_design(const struct rj_point *p, const char *name);

/*
 * The successful repetitions' values of metric k (gate_metrics index) into
 * out (room for d->nreps); returns how many. *dropped (may be NULL): the
 * successful repetitions that left it out for too few samples.
 */
size_t rj_values(const struct rj_design *d, size_t k, double *out, unsigned int *dropped);

/*
 * The sample counts per run of metric k (a show_n metric: samples.<name>)
 * over the successful repetitions: false when none has one, else their
 * least and greatest.
 */
bool rj_samples(const struct rj_design *d, size_t k, double *min, double *max);

#endif
