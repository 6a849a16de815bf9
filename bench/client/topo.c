// SPDX-License-Identifier: GPL-2.0
/*
 * topo.c - CPU selection with hwloc. Nothing here reads /sys itself.
 *
 * The topology is loaded with HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED so that
 * three sets can be told apart: the complete cpuset (every CPU the machine
 * has, offline ones included), the topology cpuset (online CPUs) and the
 * allowed cpuset (what this process may use). The spread and the placements
 * work on a copy restricted to the usable CPUs (hwloc_topology_restrict), so
 * that every object they see, and every PU hwloc_distrib() hands out, is one
 * this process may use.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "topo.h"

struct topo {
	hwloc_topology_t h;
	hwloc_topology_t r;		/* h restricted to usable: the placements' */
	hwloc_bitmap_t usable;		/* online & allowed */
	int emulated;			/* see struct topo_summary */
	char hypervisor[16];
};

static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/*
 * Whether this machine is a virtual one: CPUID leaf 1 ECX bit 31, which
 * hardware leaves 0 and hypervisors set, and the vendor of leaf 0x40000000.
 * Not x86: cannot tell.
 */
static void detect_hypervisor(struct topo *t)
{
	t->emulated = -1;
	t->hypervisor[0] = 0;
#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned int a, b, c, d, v[3];

		if (!__get_cpuid(1, &a, &b, &c, &d))
			return;
		t->emulated = !!(c & (1u << 31));
		if (!t->emulated)
			return;
		__cpuid(0x40000000, a, v[0], v[1], v[2]);
		memcpy(t->hypervisor, v, 12);
		t->hypervisor[12] = 0;
		for (char *p = t->hypervisor; *p; p++)
			if (!isprint((unsigned char)*p))
				*p = 0;
	}
#endif
}

static int topo_load(struct topo **tp, const char *synthetic, const char *xml, char *err, size_t len)
{
	struct topo *t = calloc(1, sizeof(*t));
	hwloc_const_cpuset_t online, allowed;

	if (!t) {
		errf(err, len, "out of memory");
		return -1;
	}
	t->emulated = -1;
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
	if (hwloc_topology_dup(&t->r, t->h)) {
		errf(err, len, "hwloc: cannot copy the topology: %s", strerror(errno));
		hwloc_bitmap_free(t->usable);
		goto fail;
	}
	if (hwloc_topology_restrict(t->r, t->usable, HWLOC_RESTRICT_FLAG_REMOVE_CPULESS)) {
		errf(err, len, "hwloc: cannot restrict the topology to the usable CPUs: %s", strerror(errno));
		hwloc_topology_destroy(t->r);
		hwloc_bitmap_free(t->usable);
		goto fail;
	}
	/* A made-up topology (tests, HWLOC_SYNTHETIC, XML) says nothing of this machine. */
	if (hwloc_topology_is_thissystem(t->h))
		detect_hypervisor(t);
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
	hwloc_topology_destroy(t->r);
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
	n = hwloc_get_nbobjs_by_type(t->h, HWLOC_OBJ_L3CACHE);
	s->l3_caches = n > 0 ? n : 0;
	s->emulated = t->emulated;
	snprintf(s->hypervisor, sizeof(s->hypervisor), "%s", t->hypervisor);
}

/* ------------------------------------------------------------------------ */

#define CPULIST_MAX_CPU 65535u	/* well above any CONFIG_NR_CPUS we run on */

/* text (strict cpulist grammar) into b. 0, or -1 with err set. */
static int cpulist_bitmap(const char *text, hwloc_bitmap_t b, char *err, size_t len)
{
	const char *p = text;

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
	if (hwloc_bitmap_list_sscanf(b, text))
		goto syntax;
	return 0;
syntax:
	errf(err, len, "'%s' is not a CPU list (accepted: numbers and ranges separated by commas, e.g. 0-3,6)",
	     text);
	return -1;
}

int topo_check_cpulist(const char *text, char *err, size_t len)
{
	hwloc_bitmap_t b = hwloc_bitmap_alloc();
	int rc;

	if (!b) {
		errf(err, len, "out of memory");
		return -1;
	}
	rc = cpulist_bitmap(text, b, err, len);
	hwloc_bitmap_free(b);
	return rc;
}

int topo_parse_cpulist(const char *text, unsigned int *cpus, unsigned int max,
		       unsigned int *n, char *err, size_t len)
{
	hwloc_bitmap_t b = hwloc_bitmap_alloc();
	int cpu, w;

	if (!b) {
		errf(err, len, "out of memory");
		return -1;
	}
	if (cpulist_bitmap(text, b, err, len)) {
		hwloc_bitmap_free(b);
		return -1;
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
/* Spreading with hwloc_distrib(), on the restricted topology. */

/*
 * n PUs spread over set by hwloc_distrib() over the largest objects inside
 * set, in topology order: each pick is the first PU of its share. n larger
 * than the PUs in set: neighbouring picks share a PU. Returns 0, or -1 (out
 * of memory, or set has no PU).
 */
static int distrib_in(struct topo *t, hwloc_const_cpuset_t set, unsigned int n, unsigned int *out)
{
	int w = hwloc_bitmap_weight(set), nroots;
	hwloc_obj_t *roots;
	hwloc_cpuset_t *sets;
	int rc = -1;

	if (!n)
		return 0;
	if (w <= 0)
		return -1;
	roots = calloc(w, sizeof(*roots));
	sets = calloc(n, sizeof(*sets));
	if (!roots || !sets)
		goto out;
	nroots = hwloc_get_largest_objs_inside_cpuset(t->r, set, roots, w);
	if (nroots <= 0 || hwloc_distrib(t->r, roots, nroots, sets, n, INT_MAX, 0))
		goto out;
	for (unsigned int i = 0; i < n; i++) {
		if (!sets[i])
			goto out;
		hwloc_bitmap_singlify(sets[i]);
		out[i] = hwloc_bitmap_first(sets[i]);
	}
	rc = 0;
out:
	if (sets)
		for (unsigned int i = 0; i < n; i++)
			hwloc_bitmap_free(sets[i]);
	free(sets);
	free(roots);
	return rc;
}

int topo_spread(struct topo *t, unsigned int n, unsigned int *cpus, char *err, size_t len)
{
	if (distrib_in(t, hwloc_topology_get_topology_cpuset(t->r), n, cpus)) {
		errf(err, len, "hwloc_distrib failed (out of memory?)");
		return -1;
	}
	return hwloc_bitmap_weight(t->usable);
}

/* ------------------------------------------------------------------------ */
/* Placements */

static const struct {
	const char *name;
} placements[TOPO_PLACE_NR] = {
#define TOPO_X_NAME(id, n, help) [TOPO_PLACE_##id] = { n },
	TOPO_PLACEMENTS(TOPO_X_NAME)
#undef TOPO_X_NAME
};

const char *topo_placement_name(unsigned int kind)
{
	return kind < TOPO_PLACE_NR ? placements[kind].name : "?";
}

/* Cores in logical order; a topology without Core objects has its PUs stand for them. */
static hwloc_obj_type_t core_type(struct topo *t)
{
	return hwloc_get_nbobjs_by_type(t->r, HWLOC_OBJ_CORE) > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
}

/* The usable PUs inside set, in logical order; returns how many (at most max). */
static unsigned int pus_in(struct topo *t, hwloc_const_cpuset_t set, unsigned int *out, unsigned int max)
{
	hwloc_obj_t pu = NULL;
	unsigned int n = 0;

	while (n < max && (pu = hwloc_get_next_obj_inside_cpuset_by_type(t->r, set, HWLOC_OBJ_PU, pu)))
		out[n++] = pu->os_index;
	return n;
}

static int set_wq(struct placement *p, hwloc_const_cpuset_t set, char *why, size_t len)
{
	int cpu;

	p->nwq = 0;
	hwloc_bitmap_foreach_begin(cpu, set)
		if (p->nwq == TOPO_PLACE_MAX_WQ) {
			errf(why, len, "the workqueue set has more than %u CPUs", TOPO_PLACE_MAX_WQ);
			return -1;
		}
		p->wq_cpus[p->nwq++] = cpu;
	hwloc_bitmap_foreach_end();
	if (hwloc_bitmap_list_snprintf(p->wq_list, sizeof(p->wq_list), set) >= (int)sizeof(p->wq_list)) {
		errf(why, len, "the workqueue set does not fit %zu characters as a CPU list",
		     sizeof(p->wq_list) - 1);
		return -1;
	}
	return 0;
}

/* Threads 0..n-1 (reporters, then injectors) on pus[k mod np]. */
static void fill_in_turn(struct placement *p, const unsigned int *pus, unsigned int np)
{
	unsigned int k = 0;

	for (unsigned int j = 0; j < p->nreporters; j++, k++)
		p->reporter_cpus[j] = pus[k % np];
	for (unsigned int i = 0; i < p->ninjectors; i++, k++)
		p->injector_cpus[i] = pus[k % np];
}

/* Sets of PUs: what a placement builds its answer from. */
struct pl_sets {
	hwloc_bitmap_t a;
	unsigned int *pus;		/* scratch: PUs of one object */
	unsigned int npus_max;
};

static int place_spread(struct topo *t, struct placement *p, struct pl_sets *s, char *why, size_t len)
{
	unsigned int n = p->nreporters + p->ninjectors, *picks, k = 0;
	unsigned char used[2 * TOPO_PLACE_MAX_THREADS] = { 0 };

	picks = calloc(n, sizeof(*picks));
	if (!picks || distrib_in(t, hwloc_topology_get_topology_cpuset(t->r), n, picks)) {
		free(picks);
		errf(why, len, "hwloc_distrib failed (out of memory?)");
		return -1;
	}
	for (unsigned int j = 0; j < p->nreporters; j++) {
		unsigned int slot = j * n / p->nreporters;

		p->reporter_cpus[j] = picks[slot];
		used[slot] = 1;
	}
	for (unsigned int i = 0; i < p->ninjectors; i++) {
		while (used[k])
			k++;
		p->injector_cpus[i] = picks[k++];
	}
	free(picks);
	(void)s;
	return set_wq(p, hwloc_topology_get_topology_cpuset(t->r), why, len);
}

static int place_compact(struct topo *t, struct placement *p, struct pl_sets *s, char *why, size_t len)
{
	unsigned int np = pus_in(t, hwloc_topology_get_topology_cpuset(t->r), s->pus, s->npus_max);
	unsigned int n = p->nreporters + p->ninjectors;

	fill_in_turn(p, s->pus, np);
	hwloc_bitmap_zero(s->a);
	for (unsigned int k = 0; k < n && k < np; k++)
		hwloc_bitmap_set(s->a, s->pus[k]);
	return set_wq(p, s->a, why, len);
}

static int place_same_core(struct topo *t, struct placement *p, struct pl_sets *s, char *why, size_t len)
{
	hwloc_obj_t core = hwloc_get_obj_by_type(t->r, core_type(t), 0);
	unsigned int np = pus_in(t, core->cpuset, s->pus, s->npus_max);

	fill_in_turn(p, s->pus, np);
	return set_wq(p, core->cpuset, why, len);
}

static int place_smt_siblings(struct topo *t, struct placement *p, struct pl_sets *s, char *why, size_t len)
{
	unsigned int anchors = p->nreporters ? p->nreporters : 1, nsmt = 0;
	hwloc_obj_t *cores, c = NULL;

	cores = calloc(anchors, sizeof(*cores));
	if (!cores) {
		errf(why, len, "out of memory");
		return -1;
	}
	while ((c = hwloc_get_next_obj_by_type(t->r, HWLOC_OBJ_CORE, c))) {
		if (hwloc_bitmap_weight(c->cpuset) >= 2 && nsmt < anchors)
			cores[nsmt++] = c;
	}
	if (!nsmt) {
		free(cores);
		errf(why, len, "smt-siblings needs a core with 2 PUs; this machine's cores have 1");
		return 1;
	}
	if (nsmt < anchors) {
		free(cores);
		errf(why, len, "smt-siblings with %u reporters needs %u cores with 2 or more PUs; "
		     "this machine has %u", anchors, anchors, nsmt);
		return 1;
	}
	hwloc_bitmap_zero(s->a);
	for (unsigned int j = 0; j < anchors; j++) {
		unsigned int first = hwloc_bitmap_first(cores[j]->cpuset);

		if (j < p->nreporters)
			p->reporter_cpus[j] = first;
		hwloc_bitmap_or(s->a, s->a, cores[j]->cpuset);
		hwloc_bitmap_clr(s->a, first);
	}
	/* Injector i on core i mod anchors, on that core's other PUs in turn. */
	for (unsigned int i = 0; i < p->ninjectors; i++) {
		hwloc_obj_t core = cores[i % anchors];
		unsigned int np = pus_in(t, core->cpuset, s->pus, s->npus_max);

		p->injector_cpus[i] = s->pus[1 + (i / anchors) % (np - 1)];
	}
	free(cores);
	return set_wq(p, s->a, why, len);
}

static int place_same_l3(struct topo *t, struct placement *p, struct pl_sets *s, char *why, size_t len)
{
	hwloc_obj_type_t ct = core_type(t);
	hwloc_obj_t l3 = NULL, core;
	unsigned int most = 0, np;

	if (hwloc_get_nbobjs_by_type(t->r, HWLOC_OBJ_L3CACHE) <= 0) {
		errf(why, len, "same-l3 needs an L3 cache shared by 2 or more cores; hwloc finds no L3 "
		     "cache on this machine");
		return 1;
	}
	while ((l3 = hwloc_get_next_obj_by_type(t->r, HWLOC_OBJ_L3CACHE, l3))) {
		int n = hwloc_get_nbobjs_inside_cpuset_by_type(t->r, l3->cpuset, ct);

		if (n >= 2)
			break;
		most = n > (int)most ? (unsigned int)n : most;
	}
	if (!l3) {
		errf(why, len, "same-l3 needs an L3 cache shared by 2 or more cores; each L3 cache of "
		     "this machine serves %u core%s", most, most == 1 ? "" : "s");
		return 1;
	}
	core = hwloc_get_next_obj_inside_cpuset_by_type(t->r, l3->cpuset, ct, NULL);
	np = pus_in(t, core->cpuset, s->pus, s->npus_max);
	for (unsigned int j = 0; j < p->nreporters; j++)
		p->reporter_cpus[j] = s->pus[j % np];
	hwloc_bitmap_andnot(s->a, l3->cpuset, core->cpuset);
	if (distrib_in(t, s->a, p->ninjectors, p->injector_cpus)) {
		errf(why, len, "hwloc_distrib failed (out of memory?)");
		return -1;
	}
	return set_wq(p, s->a, why, len);
}

/* Reporters over the first object of type, injectors and the workqueue on the second. */
static int place_cross(struct topo *t, struct placement *p, hwloc_obj_type_t type, char *why, size_t len)
{
	hwloc_obj_t o[2] = { NULL, NULL }, x = NULL;
	unsigned int n = 0;

	while ((x = hwloc_get_next_obj_by_type(t->r, type, x)))
		if (!hwloc_bitmap_iszero(x->cpuset)) {
			if (n < 2)
				o[n] = x;
			n++;
		}
	if (n < 2) {
		if (type == HWLOC_OBJ_PACKAGE)
			errf(why, len, "cross-package needs 2 packages; this machine has %u", n);
		else
			errf(why, len, "cross-numa needs 2 NUMA nodes with CPUs; this machine has %u", n);
		return 1;
	}
	if (distrib_in(t, o[0]->cpuset, p->nreporters, p->reporter_cpus) ||
	    distrib_in(t, o[1]->cpuset, p->ninjectors, p->injector_cpus)) {
		errf(why, len, "hwloc_distrib failed (out of memory?)");
		return -1;
	}
	return set_wq(p, o[1]->cpuset, why, len);
}

int topo_placement(struct topo *t, const char *name, unsigned int injectors, unsigned int reporters,
		   struct placement *p, char *why, size_t len)
{
	struct pl_sets s = { 0 };
	unsigned int kind;
	int rc;

	why[0] = 0;
	for (kind = 0; kind < TOPO_PLACE_NR; kind++)
		if (!strcmp(name, placements[kind].name))
			break;
	if (kind == TOPO_PLACE_NR) {
		size_t n = snprintf(why, len, "unknown placement '%s'; accepted: ", name);

		for (unsigned int k = 0; k < TOPO_PLACE_NR; k++)
			n += snprintf(why + (n < len ? n : len), n < len ? len - n : 0, "%s%s",
				      k ? ", " : "", placements[k].name);
		return -1;
	}
	if (!injectors || injectors > TOPO_PLACE_MAX_THREADS || reporters > TOPO_PLACE_MAX_THREADS) {
		errf(why, len, "a placement takes 1 to %u injectors and 0 to %u reporters, not %u and %u",
		     TOPO_PLACE_MAX_THREADS, TOPO_PLACE_MAX_THREADS, injectors, reporters);
		return -1;
	}
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->name = placements[kind].name;
	p->ninjectors = injectors;
	p->nreporters = kind == TOPO_PLACE_DEFAULT ? 0 : reporters;

	s.npus_max = hwloc_bitmap_weight(t->usable);
	s.pus = calloc(s.npus_max, sizeof(*s.pus));
	s.a = hwloc_bitmap_alloc();
	if (!s.pus || !s.a) {
		errf(why, len, "out of memory");
		rc = -1;
		goto out;
	}
	switch (kind) {
	case TOPO_PLACE_DEFAULT:
		rc = topo_spread(t, injectors, p->injector_cpus, why, len) < 0 ? -1 : 0;
		break;
	case TOPO_PLACE_SPREAD: rc = place_spread(t, p, &s, why, len); break;
	case TOPO_PLACE_COMPACT: rc = place_compact(t, p, &s, why, len); break;
	case TOPO_PLACE_SMT_SIBLINGS: rc = place_smt_siblings(t, p, &s, why, len); break;
	case TOPO_PLACE_SAME_CORE: rc = place_same_core(t, p, &s, why, len); break;
	case TOPO_PLACE_SAME_L3: rc = place_same_l3(t, p, &s, why, len); break;
	case TOPO_PLACE_CROSS_PACKAGE: rc = place_cross(t, p, HWLOC_OBJ_PACKAGE, why, len); break;
	case TOPO_PLACE_CROSS_NUMA: rc = place_cross(t, p, HWLOC_OBJ_NUMANODE, why, len); break;
	default: rc = -1; break;
	}
	if (!rc) {
		hwloc_bitmap_zero(s.a);
		for (unsigned int j = 0; j < p->nreporters; j++)
			hwloc_bitmap_set(s.a, p->reporter_cpus[j]);
		for (unsigned int i = 0; i < p->ninjectors; i++)
			hwloc_bitmap_set(s.a, p->injector_cpus[i]);
		p->distinct_pus = hwloc_bitmap_weight(s.a);
	}
out:
	hwloc_bitmap_free(s.a);
	free(s.pus);
	return rc;
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

int topo_objects(struct topo *t, const char *type, char *buf, size_t len)
{
	hwloc_obj_type_t ty;
	hwloc_obj_t o = NULL;
	size_t n = 0;
	int count = 0;

	buf[0] = 0;
	if (hwloc_type_sscanf(type, &ty, NULL, 0))
		return -1;
	while ((o = hwloc_get_next_obj_by_type(t->h, ty, o))) {
		char set[128];

		list_str(o->cpuset, set, sizeof(set));
		n += snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, "%s%s", count ? " " : "", set);
		count++;
	}
	return count;
}

/* ------------------------------------------------------------------------ */
/* A QEMU guest's topology, as scripts/vm-run starts it. */

#define VM_MEM_MB	2048u	/* vm-run's default --mem (perf flavor) */

struct xmlw {
	FILE *f;
	unsigned int gp;	/* gp_index: unique per object */
};

/* One object's opening tag; cpus [lo, hi), nodes [nlo, nhi). */
static void xml_open(struct xmlw *w, const char *type, int os_index, unsigned int lo, unsigned int hi,
		     unsigned int nlo, unsigned int nhi, const char *extra, int close)
{
	hwloc_bitmap_t c = hwloc_bitmap_alloc(), n = hwloc_bitmap_alloc();
	char *cs = NULL, *ns = NULL;

	if (c && n) {
		hwloc_bitmap_set_range(c, lo, hi - 1);
		hwloc_bitmap_set_range(n, nlo, nhi - 1);
		hwloc_bitmap_asprintf(&cs, c);
		hwloc_bitmap_asprintf(&ns, n);
	}
	fprintf(w->f, "<object type=\"%s\"", type);
	if (os_index >= 0)
		fprintf(w->f, " os_index=\"%d\"", os_index);
	fprintf(w->f, " cpuset=\"%s\" complete_cpuset=\"%s\"", cs ? cs : "", cs ? cs : "");
	if (!strcmp(type, "Machine"))
		fprintf(w->f, " allowed_cpuset=\"%s\" allowed_nodeset=\"%s\"", cs ? cs : "", ns ? ns : "");
	fprintf(w->f, " nodeset=\"%s\" complete_nodeset=\"%s\" gp_index=\"%u\"%s%s>\n", ns ? ns : "",
		ns ? ns : "", ++w->gp, extra ? extra : "", close ? "/" : "");
	free(cs);
	free(ns);
	hwloc_bitmap_free(c);
	hwloc_bitmap_free(n);
}

static void xml_numa(struct xmlw *w, unsigned int node, unsigned int lo, unsigned int hi, unsigned int mb)
{
	char extra[64];

	snprintf(extra, sizeof(extra), " local_memory=\"%llu\"", (unsigned long long)mb << 20);
	xml_open(w, "NUMANode", (int)node, lo, hi, node, node + 1, extra, 1);
}

static void xml_package(struct xmlw *w, unsigned int s, unsigned int cores, unsigned int threads,
			unsigned int node, int numa_here, unsigned int node_lo, unsigned int node_hi,
			unsigned int mb)
{
	unsigned int per = cores * threads, lo = s * per;

	xml_open(w, "Package", (int)s, lo, lo + per, node, node + 1, NULL, 0);
	if (numa_here)
		xml_numa(w, node, node_lo, node_hi, mb);
	xml_open(w, "L3Cache", -1, lo, lo + per, node, node + 1,
		 " cache_size=\"16777216\" depth=\"3\" cache_linesize=\"64\" cache_associativity=\"16\" "
		 "cache_type=\"0\"", 0);
	for (unsigned int c = 0; c < cores; c++) {
		unsigned int clo = lo + c * threads;

		xml_open(w, "Core", (int)(s * cores + c), clo, clo + threads, node, node + 1, NULL, 0);
		for (unsigned int th = 0; th < threads; th++)
			xml_open(w, "PU", (int)(clo + th), clo + th, clo + th + 1, node, node + 1, NULL, 1);
		fprintf(w->f, "</object>\n");
	}
	fprintf(w->f, "</object>\n</object>\n");
}

int topo_open_vm(struct topo **tp, unsigned int sockets, unsigned int cores, unsigned int threads,
		 unsigned int numa_nodes, char *err, size_t len)
{
	unsigned int ncpu, per, nodes = numa_nodes ? numa_nodes : 1, first = 0, s = 0;
	struct xmlw w = { 0 };
	char *xml = NULL;
	size_t xlen = 0;
	int rc;

	if (!sockets || !cores || !threads || sockets > 64 || cores > 64 || threads > 64 ||
	    sockets * cores * threads > 64) {
		errf(err, len, "a VM of %u socket(s) x %u core(s) x %u thread(s): vm-run takes 1 to 64 vCPUs",
		     sockets, cores, threads);
		return -1;
	}
	ncpu = sockets * cores * threads;
	per = cores * threads;
	if (numa_nodes > ncpu) {
		errf(err, len, "%u NUMA nodes for %u vCPUs: vm-run refuses more nodes than vCPUs",
		     numa_nodes, ncpu);
		return -1;
	}
	/*
	 * vm-run's split: node n gets the next ncpu / nodes vCPUs, one more for
	 * the first ncpu % nodes nodes. A node must hold whole sockets: QEMU's
	 * L3 spans its socket, and an L3 over two nodes makes the guest kernel
	 * WARN at boot (topology_sane: "llc-sibling ... is not on the same
	 * node"), which fails vm-run's verdict; hwloc then also rejects the
	 * kernel's NUMA information.
	 */
	for (unsigned int n = 0; numa_nodes > 1 && n < nodes; n++) {
		unsigned int cnt = ncpu / nodes + (n < ncpu % nodes ? 1 : 0);

		if (first % per || cnt % per) {
			errf(err, len, "vm-run --numa-nodes %u puts vCPUs %u-%u in node %u, which splits "
			     "socket %u (vCPUs %u-%u): QEMU's L3 spans a socket, so the guest kernel warns "
			     "at boot (topology_sane: llc-sibling not on the same node) and vm-run fails the "
			     "run; give each node whole sockets (%u socket%s here)", numa_nodes, first,
			     first + cnt - 1, n, (first + cnt - 1) / per, (first + cnt - 1) / per * per,
			     (first + cnt - 1) / per * per + per - 1, sockets, sockets == 1 ? "" : "s");
			return -1;
		}
		first += cnt;
	}

	w.f = open_memstream(&xml, &xlen);
	if (!w.f) {
		errf(err, len, "out of memory");
		return -1;
	}
	fprintf(w.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n<topology version=\"2.0\">\n");
	xml_open(&w, "Machine", 0, 0, ncpu, 0, nodes, NULL, 0);
	fprintf(w.f, "<info name=\"VMTopology\" value=\"QEMU -machine pc -smp %u,sockets=%u,cores=%u,"
		"threads=%u, %u NUMA node(s)\"/>\n", ncpu, sockets, cores, threads, numa_nodes);
	if (nodes == 1) {
		xml_numa(&w, 0, 0, ncpu, VM_MEM_MB);
		for (s = 0; s < sockets; s++)
			xml_package(&w, s, cores, threads, 0, 0, 0, 0, 0);
	}
	for (unsigned int n = 0; nodes > 1 && n < nodes; n++) {
		unsigned int cnt = ncpu / nodes + (n < ncpu % nodes ? 1 : 0), k = cnt / per;
		unsigned int lo = s * per, mb = VM_MEM_MB / nodes;

		if (n == nodes - 1)
			mb = VM_MEM_MB - mb * (nodes - 1);
		if (k == 1) {
			xml_package(&w, s++, cores, threads, n, 1, lo, lo + cnt, mb);
			continue;
		}
		xml_open(&w, "Group", -1, lo, lo + cnt, n, n + 1, NULL, 0);
		xml_numa(&w, n, lo, lo + cnt, mb);
		for (unsigned int i = 0; i < k; i++)
			xml_package(&w, s++, cores, threads, n, 0, 0, 0, 0);
		fprintf(w.f, "</object>\n");
	}
	fprintf(w.f, "</object>\n</topology>\n");
	if (fclose(w.f)) {
		free(xml);
		errf(err, len, "out of memory");
		return -1;
	}
	rc = topo_load(tp, NULL, xml, err, len);
	free(xml);
	if (!rc) {
		(*tp)->emulated = 1;
		snprintf((*tp)->hypervisor, sizeof((*tp)->hypervisor), "QEMU (model)");
	}
	return rc;
}

/* ------------------------------------------------------------------------ */
/* The kernel's hex cpumask format */

int topo_cpumask_to_list(const char *mask, char *list, size_t listlen, char *err, size_t len)
{
	hwloc_bitmap_t b = hwloc_bitmap_alloc();
	const char *p = mask, *end = mask + strlen(mask);
	unsigned int words = 0, w = 0;

	if (!b) {
		errf(err, len, "out of memory");
		return -1;
	}
	while (end > mask && isspace((unsigned char)end[-1]))
		end--;
	for (const char *q = p; q < end; q++)
		if (*q == ',')
			words++;
	words++;
	/* Most significant word first: word k (from 0) holds CPUs 32*(words-1-k) and up. */
	while (p < end) {
		unsigned long v = 0;
		int nd = 0;

		for (; p < end && isxdigit((unsigned char)*p); p++, nd++) {
			int d = isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10);

			v = v << 4 | (unsigned long)d;
		}
		if (!nd || nd > 8 || (p < end && *p != ',') || (p < end && p + 1 == end))
			goto bad;
		for (unsigned int bit = 0; bit < 32; bit++)
			if (v & (1ul << bit))
				hwloc_bitmap_set(b, (words - 1 - w) * 32 + bit);
		w++;
		if (p < end)
			p++;
	}
	if (!w)
		goto bad;
	if (hwloc_bitmap_iszero(b)) {
		if (listlen)
			list[0] = 0;
	} else if (hwloc_bitmap_list_snprintf(list, listlen, b) >= (int)listlen) {
		hwloc_bitmap_free(b);
		errf(err, len, "the CPU list of '%s' does not fit %zu characters", mask, listlen - 1);
		return -1;
	}
	hwloc_bitmap_free(b);
	return 0;
bad:
	hwloc_bitmap_free(b);
	errf(err, len, "'%.*s' is not a cpumask (hex words separated by commas, e.g. 00000000,0000000f)",
	     (int)(end - mask), mask);
	return -1;
}

int topo_list_to_cpumask(const char *list, char *mask, size_t masklen, char *err, size_t len)
{
	hwloc_bitmap_t b = hwloc_bitmap_alloc();
	size_t n = 0;
	int last, words;

	if (!b) {
		errf(err, len, "out of memory");
		return -1;
	}
	if (cpulist_bitmap(list, b, err, len)) {
		hwloc_bitmap_free(b);
		return -1;
	}
	last = hwloc_bitmap_last(b);
	words = last / 32 + 1;
	if (masklen)
		mask[0] = 0;
	for (int k = words - 1; k >= 0; k--) {
		unsigned long v = 0;

		for (unsigned int bit = 0; bit < 32; bit++)
			if (hwloc_bitmap_isset(b, k * 32 + bit))
				v |= 1ul << bit;
		n += snprintf(mask + (n < masklen ? n : masklen), n < masklen ? masklen - n : 0, "%s%08lx",
			      k == words - 1 ? "" : ",", v);
	}
	hwloc_bitmap_free(b);
	if (n >= masklen) {
		errf(err, len, "the cpumask of '%s' does not fit %zu characters", list, masklen - 1);
		return -1;
	}
	return 0;
}
