/* SPDX-License-Identifier: GPL-2.0 */
/*
 * topo.h - CPU topology (hwloc): CPU list parsing and checking, the spread
 * of N injectors (hwloc_distrib), the named placements of reporters,
 * injectors and the iopf workqueue, the topology of a QEMU guest as
 * scripts/vm-run starts it, the kernel's cpumask notation, and the summary
 * that goes into the output. Nothing here reads /sys: hwloc does.
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
	/*
	 * 1: the CPUs are a virtual machine's (the CPUID hypervisor bit, or a
	 * topology from topo_open_vm), so packages, cores, SMT siblings, caches
	 * and NUMA nodes are what the hypervisor presents; 0: no hypervisor
	 * (CPUID says so); -1: cannot tell (not x86, or a test's made-up topology).
	 */
	int emulated;
	char hypervisor[16];		/* CPUID leaf 0x40000000 ("KVMKVMKVM"), "" if none */
	unsigned int l3_caches;		/* hwloc L3Cache objects */
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

/* Only the syntax of a cpulist, however many CPUs it names: 0, or -1 with err set. */
int topo_check_cpulist(const char *text, char *err, size_t errlen);

/* Each CPU must exist, be online and be allowed to this process. */
int topo_check_cpus(struct topo *t, const unsigned int *cpus, unsigned int n,
		    char *err, size_t errlen);

/*
 * Pick n CPUs spread over the usable PUs with hwloc_distrib(): the machine
 * is divided among the n picks in proportion to its packages, NUMA nodes,
 * caches and cores, so that each pick gets as much of the machine to itself
 * as possible (n <= cores: one PU per core, as many packages as can be);
 * picks come in topology order, each the first PU of its share. More picks
 * than usable PUs share PUs (neighbouring picks on one PU). Returns how
 * many distinct PUs were usable (n may exceed it), or -1 with err set.
 */
int topo_spread(struct topo *t, unsigned int n, unsigned int *cpus, char *err, size_t errlen);

/* Where cpu sits; returns -1 if the topology does not have it. */
int topo_place(struct topo *t, unsigned int cpu, struct topo_cpu *out);

/* ------------------------------------------------------------------------ */
/*
 * Named placements of the three roles of a run:
 *   reporters  one thread per mock IOMMU, bound to the IOMMU's IRQ CPU
 *              (--irq-cpus); every model but direct has them;
 *   injectors  the device traffic threads (--cpus);
 *   workqueue  the CPUs of the unbound iopf workqueues, i.e. the kernel's
 *              /sys/devices/virtual/workqueue/cpumask (--wq-cpus): the one
 *              knob they obey (iopf_queue_alloc: WQ_UNBOUND, no WQ_SYSFS). It
 *              is global: every unbound workqueue of the system follows it.
 * All over the usable PUs (online and allowed to this process), in hwloc
 * logical order; "core" is a hwloc Core (a PU where there is none), "L3" an
 * hwloc L3Cache, "package" a Package, "NUMA node" a NUMANode with CPUs.
 * R = reporters (--iommus), I = injectors. iopf-bench passes R = --iommus
 * also with --model direct, whose reporter threads do not exist: the
 * injectors and the workqueue then sit exactly where they would in the
 * models with a queue, and the reporters' PUs stay idle. R = 0 is allowed: the placements
 * that set a reporter side apart keep one (idle) reporter place.
 *
 * X(ID, name, help): the one list of them; opts.c builds --placement from it.
 */
#define TOPO_PLACEMENTS(X) \
	X(DEFAULT, "default", "no placement: injectors spread as by spread, IOMMU i's reporter on the " \
	  "(i+1)-th online CPU from the last (the module's choice), the workqueue cpumask left as " \
	  "the kernel has it; --cpus, --irq-cpus and --wq-cpus set each explicitly") \
	X(SPREAD, "spread", "hwloc_distrib() lays R+I PUs as far apart as the machine allows " \
	  "(packages, NUMA nodes, caches, cores, then SMT siblings); reporter j takes the " \
	  "floor(j*(R+I)/R)-th of them, the injectors the others in order; workqueue: every " \
	  "usable CPU (the kernel's default)") \
	X(COMPACT, "compact", "the fewest PUs in hwloc logical order: reporters then injectors on PUs " \
	  "0, 1, 2, ... (wrapping when there are more threads than PUs); workqueue: those PUs") \
	X(SMT_SIBLINGS, "smt-siblings", "reporter j on the first PU of the j-th core that has 2 or " \
	  "more PUs; the injectors on those cores' other PUs (injector i on core i mod R), the " \
	  "workqueue on the same other PUs; needs R cores with 2 or more PUs") \
	X(SAME_CORE, "same-core", "everything on the first core: reporters then injectors on its PUs " \
	  "in turn (all on one PU without SMT); workqueue: that core's PUs") \
	X(SAME_L3, "same-l3", "reporters on the first core of the first L3 cache shared by 2 or more " \
	  "cores; injectors spread (hwloc_distrib) over the other cores of that L3, workqueue on all " \
	  "of them; needs an L3 with 2 or more cores") \
	X(CROSS_PACKAGE, "cross-package", "reporters spread over package 0, injectors spread over " \
	  "package 1, workqueue: package 1; needs 2 packages") \
	X(CROSS_NUMA, "cross-numa", "reporters spread over NUMA node 0, injectors spread over NUMA " \
	  "node 1, workqueue: node 1 (the first two nodes that have CPUs); needs 2 NUMA nodes " \
	  "with CPUs")

enum topo_placement_kind {
#define TOPO_X_ENUM(id, name, help) TOPO_PLACE_##id,
	TOPO_PLACEMENTS(TOPO_X_ENUM)
#undef TOPO_X_ENUM
	TOPO_PLACE_NR
};
#define TOPO_HAS_PLACEMENT 1

#define TOPO_PLACE_MAX_THREADS	64	/* injectors or reporters (IOPF_BENCH_MAX_INJECTORS) */
#define TOPO_PLACE_MAX_WQ	1024	/* CPUs in the workqueue set */

struct placement {
	unsigned int kind;				/* enum topo_placement_kind */
	const char *name;				/* "smt-siblings" */
	unsigned int ninjectors;			/* = the injectors asked for */
	unsigned int injector_cpus[TOPO_PLACE_MAX_THREADS];
	unsigned int nreporters;			/* R; 0 with default: the module's choice */
	unsigned int reporter_cpus[TOPO_PLACE_MAX_THREADS];
	unsigned int nwq;				/* 0 = leave the workqueue cpumask alone */
	unsigned int wq_cpus[TOPO_PLACE_MAX_WQ];	/* ascending */
	char wq_list[512];				/* the same as a cpulist, "" when nwq is 0 */
	unsigned int distinct_pus;			/* PUs the threads run on (< R + I: shared) */
};

/* The name of a placement kind ("?" for none). */
const char *topo_placement_name(unsigned int kind);

/*
 * Resolve placement name for injectors injector threads and reporters
 * reporter threads (the IOMMUs, also in the direct model: see above) on t.
 * Returns 0 with p filled; 1 when the placement cannot exist on this
 * topology (why: one sentence saying what is missing, e.g. "smt-siblings
 * needs a core with 2 PUs; this machine's cores have 1"); -1 for an unknown
 * name or impossible counts (why lists the accepted names, or says what).
 */
int topo_placement(struct topo *t, const char *name, unsigned int injectors, unsigned int reporters,
		   struct placement *p, char *why, size_t len);

/*
 * The topology QEMU gives a guest started as scripts/vm-run does:
 * -machine pc -smp S*C*T,sockets=S,cores=C,threads=T (vm-run --cpus N alone
 * is -smp N, which QEMU >= 6.2 makes 1 socket of N cores of 1 thread: pass
 * 1, N, 1), one L3 cache per socket (QEMU's x86 CPUID leaf 4 shares the L3
 * by all the threads of a die, one die per socket), and numa_nodes nodes
 * (0 = no -numa option, one node) of consecutive vCPUs, the first
 * cpus % numa_nodes nodes one vCPU more (vm-run's split; vCPU numbers go
 * socket, core, thread). Built as hwloc XML (hwloc's synthetic grammar
 * cannot say nodes of unequal sizes; where it can, the result is the same,
 * and the tests check that). A node that crosses a core or a package (e.g.
 * 6 vCPUs over 2 sockets in 4 nodes) is an error: such a guest has no tree
 * hwloc could hold. Returns 0, or -1 with err set.
 */
int topo_open_vm(struct topo **t, unsigned int sockets, unsigned int cores, unsigned int threads,
		 unsigned int numa_nodes, char *err, size_t len);

/*
 * The cpusets of every object of a hwloc type ("Package", "L3Cache", "Core",
 * "NUMANode", "PU", ...) as cpulists separated by spaces ("0-3 4-7"), in
 * logical order. Returns how many, or -1 for an unknown type name.
 */
int topo_objects(struct topo *t, const char *type, char *buf, size_t len);

/*
 * Hex cpumask as the kernel prints and parses it (%*pb: 32-bit words
 * separated by commas, most significant first, e.g. "00000000,00000003")
 * from and to a cpulist. 0, or -1 with err set.
 */
int topo_cpumask_to_list(const char *mask, char *list, size_t listlen, char *err, size_t errlen);
int topo_list_to_cpumask(const char *list, char *mask, size_t masklen, char *err, size_t errlen);

#endif
