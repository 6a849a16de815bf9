/* SPDX-License-Identifier: GPL-2.0 */
/*
 * topo.h - CPU topology (hwloc): CPU list parsing and checking, the spread
 * of N injectors over packages, cores and SMT siblings, and the summary that
 * goes into the output.
 */
#ifndef BENCH_TOPO_H
#define BENCH_TOPO_H

#include <stddef.h>

struct topo;

struct topo_summary {
	unsigned int packages;
	unsigned int cores;
	unsigned int pus;		/* online PUs (allowed to us or not) */
	unsigned int numa_nodes;
	unsigned int usable_pus;	/* online and allowed to this process */
	unsigned int threads_per_core;	/* the most PUs any core has */
	char usable[128];		/* cpulist of the usable PUs */
};

/* Where one CPU sits. Indexes are hwloc logical indexes (dense, from 0); -1 = none. */
struct topo_cpu {
	unsigned int cpu;		/* OS number, what the kernel calls the CPU */
	int core;
	int package;
	int numa_node;			/* OS number of the NUMA node */
	int smt;			/* which PU of its core (0 = first) */
};

/*
 * Load a topology: this system (hwloc honours HWLOC_XMLFILE/HWLOC_SYNTHETIC),
 * or, for tests, a synthetic description ("pack:2 core:2 pu:2") or an XML
 * document. Returns 0, or -1 with a message in err.
 */
int topo_open(struct topo **t, char *err, size_t errlen);
int topo_open_synthetic(struct topo **t, const char *desc, char *err, size_t errlen);
int topo_open_xml(struct topo **t, const char *xml, char *err, size_t errlen);
void topo_close(struct topo *t);

void topo_get_summary(struct topo *t, struct topo_summary *s);

/*
 * Parse a cpulist ("0-3,6") with hwloc's list parser, after a strict syntax
 * check (hwloc's own parser skips what it does not understand). CPUs come out
 * in increasing order. No topology needed. Returns 0, -1 with err set
 * for a list that is not one, or -2 with err set when it names more than max
 * CPUs (the message names neither the option nor what one CPU is for).
 */
int topo_parse_cpulist(const char *text, unsigned int *cpus, unsigned int max,
		       unsigned int *n, char *err, size_t errlen);

/* Each CPU must exist, be online and be allowed to this process. */
int topo_check_cpus(struct topo *t, const unsigned int *cpus, unsigned int n,
		    char *err, size_t errlen);

/*
 * Pick n CPUs spread over the topology: one PU per core first, round robin
 * over packages (and over the groups, caches and NUMA nodes inside them),
 * then the second PU of each core (SMT siblings), and so on; more than the
 * usable PUs wrap around. Returns how many distinct PUs were usable (n may
 * exceed it), or -1 with err set.
 */
int topo_spread(struct topo *t, unsigned int n, unsigned int *cpus, char *err, size_t errlen);

/* Where cpu sits; returns -1 if the topology does not have it. */
int topo_place(struct topo *t, unsigned int cpu, struct topo_cpu *out);

#endif
