// SPDX-License-Identifier: GPL-2.0
/*
 * topo.c - CPU selection with hwloc. Nothing here reads /sys itself.
 *
 * The topology is loaded with HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED so that
 * three sets can be told apart: the complete cpuset (every CPU the machine
 * has, offline ones included), the topology cpuset (online CPUs) and the
 * allowed cpuset (what this process may use).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>

#include "topo.h"

struct topo {
	hwloc_topology_t h;
	hwloc_bitmap_t usable;		/* online & allowed */
};

static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static int topo_load(struct topo **tp, const char *synthetic, const char *xml, char *err, size_t len)
{
	struct topo *t = calloc(1, sizeof(*t));
	hwloc_const_cpuset_t online, allowed;

	if (!t) {
		errf(err, len, "out of memory");
		return -1;
	}
	if (hwloc_topology_init(&t->h)) {
		errf(err, len, "hwloc: cannot initialise a topology: %s", strerror(errno));
		free(t);
		return -1;
	}
	hwloc_topology_set_flags(t->h, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
	if (synthetic && hwloc_topology_set_synthetic(t->h, synthetic)) {
		errf(err, len, "hwloc: bad synthetic topology '%s'", synthetic);
		goto fail;
	}
	if (xml && hwloc_topology_set_xmlbuffer(t->h, xml, (int)strlen(xml) + 1)) {
		errf(err, len, "hwloc: cannot use the XML topology: %s", strerror(errno));
		goto fail;
	}
	if (hwloc_topology_load(t->h)) {
		errf(err, len, "hwloc: cannot load the CPU topology: %s", strerror(errno));
		goto fail;
	}
	online = hwloc_topology_get_topology_cpuset(t->h);
	allowed = hwloc_topology_get_allowed_cpuset(t->h);
	t->usable = hwloc_bitmap_alloc();
	if (!t->usable) {
		errf(err, len, "out of memory");
		goto fail;
	}
	hwloc_bitmap_and(t->usable, online, allowed);
	if (hwloc_bitmap_iszero(t->usable)) {
		errf(err, len, "hwloc: the topology has no usable CPU");
		hwloc_bitmap_free(t->usable);
		goto fail;
	}
	*tp = t;
	return 0;
fail:
	hwloc_topology_destroy(t->h);
	free(t);
	return -1;
}

int topo_open(struct topo **t, char *err, size_t len)
{
	return topo_load(t, NULL, NULL, err, len);
}

int topo_open_synthetic(struct topo **t, const char *desc, char *err, size_t len)
{
	return topo_load(t, desc, NULL, err, len);
}

int topo_open_xml(struct topo **t, const char *xml, char *err, size_t len)
{
	return topo_load(t, NULL, xml, err, len);
}

void topo_close(struct topo *t)
{
	if (!t)
		return;
	hwloc_bitmap_free(t->usable);
	hwloc_topology_destroy(t->h);
	free(t);
}

static void list_str(hwloc_const_bitmap_t b, char *buf, size_t len)
{
	if (hwloc_bitmap_iszero(b))
		snprintf(buf, len, "none");
	else
		hwloc_bitmap_list_snprintf(buf, len, b);
}

void topo_get_summary(struct topo *t, struct topo_summary *s)
{
	int n, i;

	memset(s, 0, sizeof(*s));
	n = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PACKAGE);
	s->packages = n > 0 ? n : 0;
	n = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_CORE);
	s->cores = n > 0 ? n : 0;
	n = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_PU);
	s->pus = n > 0 ? n : 0;
	n = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE);
	s->numa_nodes = n > 0 ? n : 0;
	s->usable_pus = hwloc_bitmap_weight(t->usable);
	s->threads_per_core = s->pus ? 1 : 0;
	for (i = 0; i < (int)s->cores; i++) {
		hwloc_obj_t core = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_CORE, i);
		int w = hwloc_bitmap_weight(core->cpuset);

		if (w > (int)s->threads_per_core)
			s->threads_per_core = w;
	}
	list_str(t->usable, s->usable, sizeof(s->usable));
}

/* ------------------------------------------------------------------------ */

#define CPULIST_MAX_CPU 65535u	/* well above any CONFIG_NR_CPUS we run on */

int topo_parse_cpulist(const char *text, unsigned int *cpus, unsigned int max,
		       unsigned int *n, char *err, size_t len)
{
	hwloc_bitmap_t b;
	const char *p = text;
	int cpu, w;

	/* Strict grammar: N or N-M, separated by commas, N <= M. */
	if (!*p) {
		errf(err, len, "the CPU list is empty (give e.g. 0-3,6)");
		return -1;
	}
	while (*p) {
		unsigned long lo, hi;
		char *end;

		if (!isdigit((unsigned char)*p))
			goto syntax;
		lo = strtoul(p, &end, 10);
		hi = lo;
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto syntax;
			hi = strtoul(p, &end, 10);
			p = end;
		}
		if (lo > CPULIST_MAX_CPU || hi > CPULIST_MAX_CPU) {
			errf(err, len, "CPU %lu in '%s' is beyond any CPU number (at most %u)",
			     lo > hi ? lo : hi, text, CPULIST_MAX_CPU);
			return -1;
		}
		if (hi < lo) {
			errf(err, len, "the range %lu-%lu in '%s' goes backwards", lo, hi, text);
			return -1;
		}
		if (*p == ',') {
			p++;
			if (!*p)
				goto syntax;
		} else if (*p) {
			goto syntax;
		}
	}

	b = hwloc_bitmap_alloc();
	if (!b || hwloc_bitmap_list_sscanf(b, text)) {
		hwloc_bitmap_free(b);
		goto syntax;
	}
	w = hwloc_bitmap_weight(b);
	if (w < 0 || (unsigned int)w > max) {
		errf(err, len, "'%s' names %d CPUs; at most %u", text, w, max);
		hwloc_bitmap_free(b);
		return -2;
	}
	*n = 0;
	hwloc_bitmap_foreach_begin(cpu, b)
		cpus[(*n)++] = cpu;
	hwloc_bitmap_foreach_end();
	hwloc_bitmap_free(b);
	return 0;
syntax:
	errf(err, len, "'%s' is not a CPU list (accepted: numbers and ranges separated by commas, e.g. 0-3,6)",
	     text);
	return -1;
}

int topo_check_cpus(struct topo *t, const unsigned int *cpus, unsigned int n, char *err, size_t len)
{
	hwloc_const_cpuset_t complete = hwloc_topology_get_complete_cpuset(t->h);
	hwloc_const_cpuset_t online = hwloc_topology_get_topology_cpuset(t->h);
	char buf[128];

	for (unsigned int i = 0; i < n; i++) {
		unsigned int c = cpus[i];

		if (hwloc_bitmap_isset(t->usable, c))
			continue;
		list_str(t->usable, buf, sizeof(buf));
		if (!hwloc_bitmap_isset(complete, c)) {
			char all[128];

			list_str(complete, all, sizeof(all));
			errf(err, len, "CPU %u does not exist on this machine (its CPUs: %s; usable: %s)",
			     c, all, buf);
		} else if (!hwloc_bitmap_isset(online, c)) {
			errf(err, len, "CPU %u is offline (usable CPUs: %s)", c, buf);
		} else {
			errf(err, len, "CPU %u is not allowed to this process (usable CPUs: %s)", c, buf);
		}
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The spread: a round-robin interleave of the cores below each object. */

struct objlist {
	hwloc_obj_t *v;
	unsigned int n;
};

static int usable_below(struct topo *t, hwloc_obj_t o)
{
	return o->cpuset && hwloc_bitmap_intersects(o->cpuset, t->usable);
}

/* Cores (or PUs with no core above them) below o, interleaved over o's children. */
static int collect_cores(struct topo *t, hwloc_obj_t o, struct objlist *out)
{
	struct objlist *kids;
	unsigned int nk = 0, total = 0, i, k, maxn = 0;
	hwloc_obj_t c;
	int rc = 0;

	out->v = NULL;
	out->n = 0;
	if (!usable_below(t, o))
		return 0;
	if (o->type == HWLOC_OBJ_CORE || o->type == HWLOC_OBJ_PU) {
		out->v = malloc(sizeof(*out->v));
		if (!out->v)
			return -1;
		out->v[0] = o;
		out->n = 1;
		return 0;
	}
	kids = calloc(o->arity ? o->arity : 1, sizeof(*kids));
	if (!kids)
		return -1;
	for (c = o->first_child; c; c = c->next_sibling) {
		if (collect_cores(t, c, &kids[nk])) {
			rc = -1;
			nk++;
			goto out;
		}
		total += kids[nk].n;
		if (kids[nk].n > maxn)
			maxn = kids[nk].n;
		nk++;
	}
	out->v = malloc((total ? total : 1) * sizeof(*out->v));
	if (!out->v) {
		rc = -1;
		goto out;
	}
	for (k = 0; k < maxn; k++)
		for (i = 0; i < nk; i++)
			if (k < kids[i].n)
				out->v[out->n++] = kids[i].v[k];
out:
	for (i = 0; i < nk; i++)
		free(kids[i].v);
	free(kids);
	return rc;
}

/* The k-th usable PU of a core (a PU standing for itself has only k = 0). */
static int core_pu(struct topo *t, hwloc_obj_t core, unsigned int k)
{
	unsigned int seen = 0;
	int cpu;

	if (core->type == HWLOC_OBJ_PU)
		return k == 0 && hwloc_bitmap_isset(t->usable, core->os_index) ? (int)core->os_index : -1;
	hwloc_bitmap_foreach_begin(cpu, core->cpuset)
		if (hwloc_bitmap_isset(t->usable, cpu) && seen++ == k)
			return cpu;
	hwloc_bitmap_foreach_end();
	return -1;
}

int topo_spread(struct topo *t, unsigned int n, unsigned int *cpus, char *err, size_t len)
{
	struct objlist cores;
	unsigned int *order, norder = 0, k, i, maxk = 0;

	if (collect_cores(t, hwloc_get_root_obj(t->h), &cores)) {
		errf(err, len, "out of memory");
		return -1;
	}
	for (i = 0; i < cores.n; i++) {
		int w = cores.v[i]->type == HWLOC_OBJ_PU ? 1 :
			hwloc_bitmap_weight(cores.v[i]->cpuset);

		if (w > (int)maxk)
			maxk = w;
	}
	order = calloc(hwloc_bitmap_weight(t->usable) + 1, sizeof(*order));
	if (!order) {
		free(cores.v);
		errf(err, len, "out of memory");
		return -1;
	}
	for (k = 0; k < maxk; k++)
		for (i = 0; i < cores.n; i++) {
			int cpu = core_pu(t, cores.v[i], k);

			if (cpu >= 0)
				order[norder++] = cpu;
		}
	free(cores.v);
	if (!norder) {
		free(order);
		errf(err, len, "the topology has no usable CPU");
		return -1;
	}
	for (i = 0; i < n; i++)
		cpus[i] = order[i % norder];
	free(order);
	return (int)norder;
}

int topo_place(struct topo *t, unsigned int cpu, struct topo_cpu *out)
{
	hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t->h, cpu), o;
	int i, n;

	if (!pu)
		return -1;
	out->cpu = cpu;
	o = hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_CORE, pu);
	out->core = o ? (int)o->logical_index : -1;
	out->smt = 0;
	if (o) {
		int c;

		hwloc_bitmap_foreach_begin(c, o->cpuset)
			if ((unsigned int)c == cpu)
				break;
			out->smt++;
		hwloc_bitmap_foreach_end();
	}
	o = hwloc_get_ancestor_obj_by_type(t->h, HWLOC_OBJ_PACKAGE, pu);
	out->package = o ? (int)o->logical_index : -1;
	out->numa_node = -1;
	n = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_NUMANODE);
	for (i = 0; i < n; i++) {
		o = hwloc_get_obj_by_type(t->h, HWLOC_OBJ_NUMANODE, i);
		if (o->cpuset && hwloc_bitmap_isset(o->cpuset, cpu)) {
			out->numa_node = (int)o->os_index;
			break;
		}
	}
	return 0;
}
