// SPDX-License-Identifier: GPL-2.0
/*
 * runjson.c - run.json read once into typed structs (runjson.h).
 */
#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "runjson.h"
#include "xalloc.h"

static enum rj_status status_of(const char *s)
{
	static const char *const names[] = { "success", "failure", "error", "skipped", "missing" };

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (enum rj_status)i;
	return RJ_UNKNOWN;
}

static long int_or(struct json_object *v, long dflt)
{
	return v && json_object_is_type(v, json_type_int) ? (long)json_object_get_int64(v) : dflt;
}

static void read_rep(struct json_object *jr, struct rj_rep *r)
{
	struct json_object *m = jget(jr, "metrics"), *dr = jget(jr, "dropped"), *sm = jget(jr, "samples");
	double rep = 0;

	memset(r, 0, sizeof(*r));
	if (jnumber(jget(jr, "rep"), &rep) && rep > 0)
		r->rep = (unsigned int)rep;
	r->status_name = jstr(jr, "status");
	r->status = status_of(r->status_name);
	r->reason = jstr(jr, "reason");
	for (size_t k = 0; k < GATE_NMETRICS; k++) {
		r->have[k] = jnumber(jget(m, gate_metrics[k].name), &r->v[k]);
		r->dropped[k] = jget(dr, gate_metrics[k].name) != NULL;
		r->have_samples[k] = jnumber(jget(sm, gate_metrics[k].name), &r->samples[k]);
	}
}

static int read_point(struct json_object *jp, const char *sweep, struct rj_point *p, char **err)
{
	struct json_object *ds = jget(jp, "designs");
	size_t i = 0;

	memset(p, 0, sizeof(*p));
	p->id = jstr(jp, "id");
	p->sweep = sweep;
	if (!p->id) {
		*err = xasprintf("sweep %s: a point without an \"id\"", sweep ? sweep : "?");
		return -1;
	}
	p->params = jget(jp, "params");
	jnumber(jget(p->params, "rate_per_s"), &p->rate_per_s);
	p->closed_loop = !(p->rate_per_s > 0);
	if (!ds)
		return 0;
	if (!json_object_is_type(ds, json_type_object)) {
		*err = xasprintf("point %s: \"designs\" is not an object", p->id);
		return -1;
	}
	p->designs = xcalloc((size_t)json_object_object_length(ds) + 1, sizeof(*p->designs));
	json_object_object_foreach(ds, name, jd) {
		struct rj_design *d = &p->designs[i++];
		struct json_object *reps = jarr(jd, "repetitions");

		d->name = name;
		if (!json_object_is_type(jd, json_type_object)) {
			p->nd = i;
			*err = xasprintf("point %s: design %s is not an object", p->id, name);
			return -1;
		}
		d->nreps = reps ? json_object_array_length(reps) : 0;
		d->reps = xcalloc(d->nreps + 1, sizeof(*d->reps));
		for (size_t k = 0; k < d->nreps; k++)
			read_rep(json_object_array_get_idx(reps, k), &d->reps[k]);
	}
	p->nd = i;
	return 0;
}

int rj_read(struct json_object *run, struct rj_run *r, char **err)
{
	struct json_object *sws = jarr(run, "sweeps");
	size_t cap = 0;

	memset(r, 0, sizeof(*r));
	*err = NULL;
	r->root = run;
	r->schema_version = int_or(jget(run, "schema_version"), -1);
	r->rule_version = int_or(jget(run, "rule_version"), -1);
	r->status = jstr(run, "status");
	r->generated = jstr(run, "generated");
	for (size_t i = 0; sws && i < json_object_array_length(sws); i++) {
		struct json_object *sw = json_object_array_get_idx(sws, i), *pts = jarr(sw, "points");

		for (size_t j = 0; pts && j < json_object_array_length(pts); j++) {
			if (r->npoints == cap) {
				cap = cap ? 2 * cap : 32;
				r->points = xrealloc(r->points, cap * sizeof(*r->points));
			}
			if (read_point(json_object_array_get_idx(pts, j), jstr(sw, "name"), &r->points[r->npoints++],
				       err))
				goto bad;
			if (rj_point(r, r->points[r->npoints - 1].id) != &r->points[r->npoints - 1]) {
				*err = xasprintf("point %s appears twice", r->points[r->npoints - 1].id);
				goto bad;
			}
		}
	}
	return 0;
bad:
	rj_free(r);
	return -1;
}

void rj_free(struct rj_run *r)
{
	for (size_t i = 0; i < r->npoints; i++) {
		for (size_t d = 0; d < r->points[i].nd; d++)
			free(r->points[i].designs[d].reps);
		free(r->points[i].designs);
	}
	free(r->points);
	r->points = NULL;
	r->npoints = 0;
}

const struct rj_point *rj_point(const struct rj_run *r, const char *id)
{
	for (size_t i = 0; id && i < r->npoints; i++)
		if (!strcmp(r->points[i].id, id))
			return &r->points[i];
	return NULL;
}

const struct rj_design *rj_design(const struct rj_point *p, const char *name)
{
	for (size_t i = 0; p && name && i < p->nd; i++)
		if (!strcmp(p->designs[i].name, name))
			return &p->designs[i];
	return NULL;
}

bool rj_samples(const struct rj_design *d, size_t k, double *min, double *max)
{
	bool any = false;

	for (size_t i = 0; d && i < d->nreps; i++) {
		const struct rj_rep *r = &d->reps[i];

		if (r->status != RJ_SUCCESS || !r->have_samples[k])
			continue;
		if (!any || r->samples[k] < *min)
			*min = r->samples[k];
		if (!any || r->samples[k] > *max)
			*max = r->samples[k];
		any = true;
	}
	return any;
}

size_t rj_values(const struct rj_design *d, size_t k, double *out, unsigned int *dropped)
{
	size_t n = 0;

	if (dropped)
		*dropped = 0;
	for (size_t i = 0; d && i < d->nreps; i++) {
		const struct rj_rep *r = &d->reps[i];

		if (r->status != RJ_SUCCESS)
			continue;
		if (r->have[k])
			out[n++] = r->v[k];
		if (dropped && r->dropped[k])
			(*dropped)++;
	}
	return n;
}
