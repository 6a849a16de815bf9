// SPDX-License-Identifier: GPL-2.0
/*
 * Description: bench/client/topo.c picks CPUs with hwloc: strict cpulist parsing,
 * offline / nonexistent / disallowed CPUs refused by name, the spread
 * (hwloc_distrib) over packages, NUMA nodes, cores and then SMT siblings,
 * where each CPU sits; the named placements of reporters, injectors and the
 * workqueue (spread, compact, smt-siblings, same-core, same-l3,
 * cross-package, cross-numa) on several machines, the impossible ones with
 * their reason; the QEMU guest topologies scripts/vm-run starts, checked
 * against hwloc's synthetic ones and what lstopo showed inside such a guest;
 * the kernel's cpumask notation. All on synthetic and XML topologies, so the
 * result does not depend on the machine running the test.
 */
#include <stdio.h>
#include <string.h>

/*
 * kselftest_harness.h is not -Wextra clean: unused parameters in its
 * wrappers, a setjmp() that -Wclobbered frowns on, and EXPECT_EQ(0, unsigned)
 * compares signed with unsigned.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "topo.h"

/*
 * One package, four cores of one PU. online/allowed are cpusets (bit i =
 * CPU i); the cores not online are left out of the tree, as hwloc does for
 * offline CPUs, while the complete cpuset keeps all four.
 */
static char *xml_topology(unsigned int online, unsigned int allowed)
{
	static char buf[8192];
	size_t n;

	n = snprintf(buf, sizeof(buf),
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n"
		"<topology version=\"2.0\">\n"
		"<object type=\"Machine\" os_index=\"0\" cpuset=\"0x%x\" complete_cpuset=\"0xf\" "
		"allowed_cpuset=\"0x%x\" nodeset=\"0x1\" complete_nodeset=\"0x1\" allowed_nodeset=\"0x1\" gp_index=\"1\">\n"
		"<object type=\"Package\" os_index=\"0\" cpuset=\"0x%x\" complete_cpuset=\"0xf\" "
		"nodeset=\"0x1\" complete_nodeset=\"0x1\" gp_index=\"10\">\n"
		"<object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x%x\" complete_cpuset=\"0xf\" "
		"nodeset=\"0x1\" complete_nodeset=\"0x1\" gp_index=\"11\" local_memory=\"1073741824\"/>\n",
		online, allowed, online, online);
	for (unsigned int i = 0; i < 4; i++) {
		if (!(online & (1u << i)))
			continue;
		n += snprintf(buf + n, sizeof(buf) - n,
			"<object type=\"Core\" os_index=\"%u\" cpuset=\"0x%x\" complete_cpuset=\"0x%x\" "
			"nodeset=\"0x1\" complete_nodeset=\"0x1\" gp_index=\"%u\">\n"
			"<object type=\"PU\" os_index=\"%u\" cpuset=\"0x%x\" complete_cpuset=\"0x%x\" "
			"nodeset=\"0x1\" complete_nodeset=\"0x1\" gp_index=\"%u\"/>\n</object>\n",
			i, 1u << i, 1u << i, 20 + 2 * i, i, 1u << i, 1u << i, 21 + 2 * i);
	}
	snprintf(buf + n, sizeof(buf) - n, "</object>\n</object>\n</topology>\n");
	return buf;
}

TEST(cpulist_valid)
{
	unsigned int cpus[64], n = 0;
	char err[256];

	ASSERT_EQ(0, topo_parse_cpulist("0-3,6", cpus, 64, &n, err, sizeof(err)));
	ASSERT_EQ(5, n);
	EXPECT_EQ(0, cpus[0]);
	EXPECT_EQ(3, cpus[3]);
	EXPECT_EQ(6, cpus[4]);
	ASSERT_EQ(0, topo_parse_cpulist("7", cpus, 64, &n, err, sizeof(err)));
	ASSERT_EQ(1, n);
	EXPECT_EQ(7, cpus[0]);
	/* Out of order and overlapping: one injector per distinct CPU, ascending. */
	ASSERT_EQ(0, topo_parse_cpulist("5,1-2,2", cpus, 64, &n, err, sizeof(err)));
	ASSERT_EQ(3, n);
	EXPECT_EQ(1, cpus[0]);
	EXPECT_EQ(5, cpus[2]);
	ASSERT_EQ(0, topo_parse_cpulist("0-63", cpus, 64, &n, err, sizeof(err)));
	EXPECT_EQ(64, n);
}

TEST(cpulist_invalid)
{
	/* hwloc's own parser accepts most of these silently; the strict check must not. */
	static const char *const bad[] = {
		"", "a", "0-3x", "3-", "-1", "1,,2", " 1", "1 ,2", "0x3", "1-2-3", "5-2", "1,", ",1",
		"99999999",
	};
	unsigned int cpus[64], n;
	char err[256];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		EXPECT_EQ(-1, topo_parse_cpulist(bad[i], cpus, 64, &n, err, sizeof(err)))
			TH_LOG("'%s' was accepted", bad[i]);
		EXPECT_NE(0, err[0]);
	}
	/* Too many is -2: the caller says what one CPU is for. */
	EXPECT_EQ(-2, topo_parse_cpulist("0-64", cpus, 64, &n, err, sizeof(err)));
	EXPECT_STREQ("'0-64' names 65 CPUs; at most 64", err);
	EXPECT_EQ(-2, topo_parse_cpulist("0,2,4", cpus, 2, &n, err, sizeof(err)));
	EXPECT_STREQ("'0,2,4' names 3 CPUs; at most 2", err);
	EXPECT_EQ(-1, topo_parse_cpulist("5-2", cpus, 64, &n, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "backwards"));
}

TEST(offline_and_missing_cpus)
{
	struct topo *t;
	struct topo_summary s;
	unsigned int ok[] = { 0, 1, 2 }, off[] = { 1, 3 }, missing[] = { 0, 8 }, cpus[8];
	char err[256];

	/* CPUs 0-2 online, 3 offline; 4 and up do not exist. */
	ASSERT_EQ(0, topo_open_xml(&t, xml_topology(0x7, 0x7), err, sizeof(err))) TH_LOG("%s", err);
	topo_get_summary(t, &s);
	EXPECT_EQ(3, s.pus);
	EXPECT_EQ(3, s.usable_pus);
	EXPECT_STREQ("0-2", s.usable);
	EXPECT_EQ(0, topo_check_cpus(t, ok, 3, err, sizeof(err)));
	EXPECT_EQ(-1, topo_check_cpus(t, off, 2, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "CPU 3 is offline")) TH_LOG("%s", err);
	EXPECT_NE(NULL, strstr(err, "0-2"));
	EXPECT_EQ(-1, topo_check_cpus(t, missing, 2, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "CPU 8 does not exist")) TH_LOG("%s", err);
	/* The spread never picks the offline CPU: six picks, each of the three others twice. */
	ASSERT_EQ(3, topo_spread(t, 6, cpus, err, sizeof(err)));
	{
		unsigned int seen[4] = { 0 };

		for (unsigned int i = 0; i < 6; i++) {
			ASSERT_GT(3, cpus[i]);
			seen[cpus[i]]++;
		}
		EXPECT_EQ(2, seen[0]);
		EXPECT_EQ(2, seen[1]);
		EXPECT_EQ(2, seen[2]);
	}
	topo_close(t);
}

TEST(disallowed_cpu)
{
	struct topo *t;
	unsigned int two[] = { 2 }, cpus[4];
	char err[256];

	/* All four online, this process may only use 0-1. */
	ASSERT_EQ(0, topo_open_xml(&t, xml_topology(0xf, 0x3), err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(-1, topo_check_cpus(t, two, 1, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "CPU 2 is not allowed")) TH_LOG("%s", err);
	ASSERT_EQ(2, topo_spread(t, 4, cpus, err, sizeof(err)));
	for (unsigned int i = 0; i < 4; i++) {
		EXPECT_GT(2, cpus[i]);
	}
	topo_close(t);
}

/* "0,4" for n CPUs */
static const char *cpustr(const unsigned int *cpus, unsigned int n)
{
	static char buf[4][512];
	static int k;
	char *b = buf[k++ % 4];
	size_t len = 0;

	b[0] = 0;
	for (unsigned int i = 0; i < n; i++)
		len += snprintf(b + len, sizeof(buf[0]) - len, "%s%u", i ? "," : "", cpus[i]);
	return b;
}

TEST(spread_cores_then_smt)
{
	/* 2 packages x 2 cores x 2 PUs: PUs 0-3 in package 0, 4-7 in package 1; PU pairs share a core. */
	static const struct { unsigned int n; const char *want; } cases[] = {
		{ 1, "0" },			/* the first core of the first package */
		{ 2, "0,4" },			/* one per package */
		{ 3, "0,2,4" },			/* package 0 gets the larger share */
		{ 4, "0,2,4,6" },		/* one PU per core */
		{ 6, "0,1,2,4,5,6" },		/* then SMT siblings, in proportion */
		{ 8, "0,1,2,3,4,5,6,7" },
		{ 10, "0,0,1,2,3,4,4,5,6,7" },	/* more than PUs: neighbours share */
	};
	struct topo *t;
	struct topo_summary s;
	struct topo_cpu c;
	unsigned int cpus[10];
	char err[256];

	ASSERT_EQ(0, topo_open_synthetic(&t, "pack:2 core:2 pu:2", err, sizeof(err))) TH_LOG("%s", err);
	topo_get_summary(t, &s);
	EXPECT_EQ(2, s.packages);
	EXPECT_EQ(4, s.cores);
	EXPECT_EQ(8, s.pus);
	EXPECT_EQ(2, s.threads_per_core);
	EXPECT_EQ(0, s.l3_caches);
	EXPECT_EQ(-1, s.emulated);	/* a made-up topology says nothing of this machine */
	for (unsigned int k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		ASSERT_EQ(8, topo_spread(t, cases[k].n, cpus, err, sizeof(err)));
		EXPECT_STREQ(cases[k].want, cpustr(cpus, cases[k].n)) TH_LOG("%u picks", cases[k].n);
	}

	ASSERT_EQ(0, topo_place(t, 5, &c));
	EXPECT_EQ(5, c.cpu);
	EXPECT_EQ(2, c.core);
	EXPECT_EQ(1, c.package);
	EXPECT_EQ(1, c.smt);
	ASSERT_EQ(0, topo_place(t, 2, &c));
	EXPECT_EQ(1, c.core);
	EXPECT_EQ(0, c.package);
	EXPECT_EQ(0, c.smt);
	EXPECT_EQ(-1, topo_place(t, 8, &c));
	topo_close(t);
}

TEST(spread_over_numa_nodes)
{
	/* 2 packages x 2 NUMA nodes x 2 cores: 4 injectors land on 4 different nodes. */
	struct topo *t;
	struct topo_summary s;
	struct topo_cpu c;
	unsigned int cpus[4], seen = 0;
	char err[256];

	ASSERT_EQ(0, topo_open_synthetic(&t, "pack:2 numa:2 core:2 pu:1", err, sizeof(err))) TH_LOG("%s", err);
	topo_get_summary(t, &s);
	EXPECT_EQ(4, s.numa_nodes);
	ASSERT_EQ(8, topo_spread(t, 4, cpus, err, sizeof(err)));
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_EQ(0, topo_place(t, cpus[i], &c));
		ASSERT_LE(0, c.numa_node);
		EXPECT_EQ(0, seen & (1u << c.numa_node)) TH_LOG("node %d twice", c.numa_node);
		seen |= 1u << c.numa_node;
		EXPECT_EQ(i / 2, (unsigned int)c.package);	/* two per package, in topology order */
	}
	topo_close(t);
}

TEST(this_machine)
{
	struct topo *t;
	struct topo_summary s;
	unsigned int cpus[1];
	char err[256];

	/* Whatever the host is, it has a usable CPU and the spread starts on one. */
	ASSERT_EQ(0, topo_open(&t, err, sizeof(err))) TH_LOG("%s", err);
	topo_get_summary(t, &s);
	EXPECT_LE(1, s.usable_pus);
	EXPECT_LE(s.usable_pus, s.pus);
	ASSERT_LE(1, topo_spread(t, 1, cpus, err, sizeof(err)));
	EXPECT_EQ(0, topo_check_cpus(t, cpus, 1, err, sizeof(err)));
	/* x86 tells a virtual machine by its CPUID hypervisor bit; elsewhere the tool cannot tell. */
#if defined(__x86_64__) || defined(__i386__)
	EXPECT_LE(0, s.emulated);
#else
	EXPECT_EQ(-1, s.emulated);
#endif
	if (s.emulated <= 0) {
		EXPECT_STREQ("", s.hypervisor);
	}
	topo_close(t);
}

/* ------------------------------------------------------------------------ */
/* Placements */

struct pl_case {
	const char *topo;		/* hwloc synthetic */
	const char *name;
	unsigned int injectors, reporters;
	int rc;
	const char *reporters_want, *injectors_want, *wq_want;	/* rc 0 */
	const char *why;		/* rc != 0: the whole sentence */
};

#define SMT2 "pack:2 core:2 pu:2"			/* 2 packages x 2 cores x 2 PUs, no L3 */
#define TINY "pack:1 core:2 pu:1"			/* what vm-run --cpus 2 gives, without its L3 */
#define L3SMT "pack:2 l3:1 core:2 pu:2"		/* an L3 per package */
#define NUMA2 "pack:1 numa:2 l3:1 core:2 pu:2"	/* one package, two nodes with an L3 each (SNC) */
#define NUMA4 "pack:2 numa:2 core:2 pu:1"		/* 4 nodes of 2 cores, no L3, no SMT */
#define L3ONE "pack:2 l3:2 core:1 pu:2"		/* an L3 per core */

static const struct pl_case pl_cases[] = {
	/* spread: R+I over the machine by hwloc_distrib; reporters every (R+I)/R-th; wq everywhere. */
	{ SMT2, "spread", 2, 1, 0, "0", "2,4", "0-7", NULL },
	{ SMT2, "spread", 3, 2, 0, "0,2", "1,4,6", "0-7", NULL },
	{ SMT2, "spread", 3, 1, 0, "0", "2,4,6", "0-7", NULL },
	{ TINY, "spread", 1, 1, 0, "0", "1", "0-1", NULL },
	{ TINY, "spread", 2, 1, 0, "0", "0,1", "0-1", NULL },	/* 3 threads, 2 PUs: shared */
	/* compact: PUs 0, 1, 2, ... reporters first; wq the PUs used. */
	{ SMT2, "compact", 2, 1, 0, "0", "1,2", "0-2", NULL },
	{ SMT2, "compact", 1, 1, 0, "0", "1", "0-1", NULL },	/* the reporter's SMT sibling */
	{ TINY, "compact", 3, 1, 0, "0", "1,0,1", "0-1", NULL },	/* wraps */
	/* smt-siblings: reporter on a core's first PU, injectors and wq on its siblings. */
	{ SMT2, "smt-siblings", 2, 1, 0, "0", "1,1", "1", NULL },
	{ SMT2, "smt-siblings", 3, 2, 0, "0,2", "1,3,1", "1,3", NULL },
	{ L3SMT, "smt-siblings", 1, 4, 0, "0,2,4,6", "1", "1,3,5,7", NULL },
	{ SMT2, "smt-siblings", 1, 5, 1, NULL, NULL, NULL,
	  "smt-siblings with 5 reporters needs 5 cores with 2 or more PUs; this machine has 4" },
	{ TINY, "smt-siblings", 1, 1, 1, NULL, NULL, NULL,
	  "smt-siblings needs a core with 2 PUs; this machine's cores have 1" },
	{ NUMA4, "smt-siblings", 2, 1, 1, NULL, NULL, NULL,
	  "smt-siblings needs a core with 2 PUs; this machine's cores have 1" },
	/* same-core: everything on core 0 (one PU without SMT). */
	{ SMT2, "same-core", 2, 1, 0, "0", "1,0", "0-1", NULL },
	{ TINY, "same-core", 2, 1, 0, "0", "0,0", "0", NULL },
	/* same-l3: reporters on the L3's first core, injectors and wq on its other cores. */
	{ L3SMT, "same-l3", 2, 1, 0, "0", "2,3", "2-3", NULL },
	{ L3SMT, "same-l3", 1, 2, 0, "0,1", "2", "2-3", NULL },
	{ NUMA2, "same-l3", 1, 1, 0, "0", "2", "2-3", NULL },
	{ SMT2, "same-l3", 1, 1, 1, NULL, NULL, NULL,
	  "same-l3 needs an L3 cache shared by 2 or more cores; hwloc finds no L3 cache on this machine" },
	{ L3ONE, "same-l3", 1, 1, 1, NULL, NULL, NULL,
	  "same-l3 needs an L3 cache shared by 2 or more cores; each L3 cache of this machine serves 1 core" },
	/* cross-package: reporters over package 0, injectors and wq on package 1. */
	{ SMT2, "cross-package", 2, 1, 0, "0", "4,6", "4-7", NULL },
	{ SMT2, "cross-package", 3, 2, 0, "0,2", "4,5,6", "4-7", NULL },
	{ NUMA2, "cross-package", 1, 1, 1, NULL, NULL, NULL,
	  "cross-package needs 2 packages; this machine has 1" },
	{ TINY, "cross-package", 1, 1, 1, NULL, NULL, NULL,
	  "cross-package needs 2 packages; this machine has 1" },
	/* cross-numa: reporters over node 0, injectors and wq on node 1. */
	{ NUMA2, "cross-numa", 2, 1, 0, "0", "4,6", "4-7", NULL },
	{ NUMA4, "cross-numa", 1, 1, 0, "0", "2", "2-3", NULL },
	{ SMT2, "cross-numa", 1, 1, 1, NULL, NULL, NULL,
	  "cross-numa needs 2 NUMA nodes with CPUs; this machine has 1" },
	/* default: the injector spread, the module's reporters, the kernel's workqueue. */
	{ SMT2, "default", 2, 1, 0, "", "0,4", "", NULL },
	/* Unknown names and counts a run cannot have. */
	{ SMT2, "scatter", 1, 1, -1, NULL, NULL, NULL,
	  "unknown placement 'scatter'; accepted: default, spread, compact, smt-siblings, same-core, "
	  "same-l3, cross-package, cross-numa" },
	{ SMT2, "Spread", 1, 1, -1, NULL, NULL, NULL, NULL },
	{ SMT2, "", 1, 1, -1, NULL, NULL, NULL, NULL },
	{ SMT2, "spread", 0, 1, -1, NULL, NULL, NULL,
	  "a placement takes 1 to 64 injectors and 0 to 64 reporters, not 0 and 1" },
	{ SMT2, "compact", 65, 1, -1, NULL, NULL, NULL, NULL },
};

TEST(placements)
{
	for (unsigned int k = 0; k < sizeof(pl_cases) / sizeof(pl_cases[0]); k++) {
		const struct pl_case *c = &pl_cases[k];
		struct placement p;
		struct topo *t;
		char err[256], why[512];
		int rc;

		ASSERT_EQ(0, topo_open_synthetic(&t, c->topo, err, sizeof(err))) TH_LOG("%s", err);
		memset(&p, 0xa5, sizeof(p));
		why[0] = 'x';
		why[1] = 0;
		rc = topo_placement(t, c->name, c->injectors, c->reporters, &p, why, sizeof(why));
		EXPECT_EQ(c->rc, rc) TH_LOG("%s on '%s' (I=%u R=%u): %s", c->name, c->topo, c->injectors,
					    c->reporters, why);
		if (rc == 0 && c->rc == 0) {
			EXPECT_STREQ(c->name, p.name);
			EXPECT_STREQ(c->name, topo_placement_name(p.kind));
			EXPECT_STREQ(c->reporters_want, cpustr(p.reporter_cpus, p.nreporters))
				TH_LOG("reporters: %s on '%s' (I=%u R=%u)", c->name, c->topo, c->injectors,
				       c->reporters);
			EXPECT_STREQ(c->injectors_want, cpustr(p.injector_cpus, p.ninjectors))
				TH_LOG("injectors: %s on '%s' (I=%u R=%u)", c->name, c->topo, c->injectors,
				       c->reporters);
			EXPECT_STREQ(c->wq_want, p.wq_list)
				TH_LOG("workqueue: %s on '%s' (I=%u R=%u)", c->name, c->topo, c->injectors,
				       c->reporters);
			/* The list and the array say the same; the array ascends. */
			EXPECT_EQ(0, topo_check_cpus(t, p.wq_cpus, p.nwq, err, sizeof(err)));
			for (unsigned int i = 1; i < p.nwq; i++) {
				EXPECT_LT(p.wq_cpus[i - 1], p.wq_cpus[i]);
			}
			if (p.nwq) {
				char mask[64], list[64];

				ASSERT_EQ(0, topo_list_to_cpumask(p.wq_list, mask, sizeof(mask), err, sizeof(err)));
				ASSERT_EQ(0, topo_cpumask_to_list(mask, list, sizeof(list), err, sizeof(err)));
				EXPECT_STREQ(p.wq_list, list);
			}
		} else if (rc != 0 && c->why) {
			EXPECT_STREQ(c->why, why);
		} else if (rc != 0) {
			EXPECT_NE(0, why[0]);
			EXPECT_NE('x', why[0]);
		}
		topo_close(t);
	}
}

TEST(placement_sides_apart)
{
	/* On every machine, the placements that set sides apart keep them apart. */
	static const char *const machines[] = { SMT2, L3SMT, NUMA2, NUMA4, "pack:4 l3:1 core:4 pu:2" };
	struct topo *t;
	struct topo_cpu a, b;
	struct placement p;
	char err[256], why[256];

	for (unsigned int m = 0; m < sizeof(machines) / sizeof(machines[0]); m++) {
		ASSERT_EQ(0, topo_open_synthetic(&t, machines[m], err, sizeof(err)));
		if (!topo_placement(t, "smt-siblings", 4, 2, &p, why, sizeof(why)))
			for (unsigned int i = 0; i < p.ninjectors; i++) {
				ASSERT_EQ(0, topo_place(t, p.injector_cpus[i], &a));
				ASSERT_EQ(0, topo_place(t, p.reporter_cpus[i % 2], &b));
				EXPECT_EQ(a.core, b.core) TH_LOG("%s", machines[m]);
				EXPECT_NE(a.cpu, b.cpu);
			}
		if (!topo_placement(t, "cross-package", 4, 2, &p, why, sizeof(why)))
			for (unsigned int i = 0; i < p.ninjectors; i++) {
				ASSERT_EQ(0, topo_place(t, p.injector_cpus[i], &a));
				EXPECT_EQ(1, a.package) TH_LOG("%s", machines[m]);
				ASSERT_EQ(0, topo_place(t, p.reporter_cpus[i % 2], &b));
				EXPECT_EQ(0, b.package);
			}
		if (!topo_placement(t, "cross-numa", 4, 2, &p, why, sizeof(why)))
			for (unsigned int i = 0; i < p.ninjectors; i++) {
				ASSERT_EQ(0, topo_place(t, p.injector_cpus[i], &a));
				ASSERT_EQ(0, topo_place(t, p.reporter_cpus[i % 2], &b));
				EXPECT_NE(a.numa_node, b.numa_node) TH_LOG("%s", machines[m]);
			}
		if (!topo_placement(t, "same-l3", 4, 2, &p, why, sizeof(why)))
			for (unsigned int i = 0; i < p.ninjectors; i++) {
				ASSERT_EQ(0, topo_place(t, p.injector_cpus[i], &a));
				ASSERT_EQ(0, topo_place(t, p.reporter_cpus[0], &b));
				EXPECT_NE(a.core, b.core) TH_LOG("%s", machines[m]);
				EXPECT_EQ(a.package, b.package);
			}
		topo_close(t);
	}
}

TEST(placement_usable_cpus_only)
{
	struct topo *t;
	struct placement p;
	char err[256], why[256];

	/* All four online, this process may only use 0-1: placements never leave them. */
	ASSERT_EQ(0, topo_open_xml(&t, xml_topology(0xf, 0x3), err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, topo_placement(t, "spread", 3, 1, &p, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_STREQ("0-1", p.wq_list);
	for (unsigned int i = 0; i < p.ninjectors; i++) {
		EXPECT_GT(2, p.injector_cpus[i]);
	}
	ASSERT_EQ(0, topo_placement(t, "compact", 4, 1, &p, why, sizeof(why)));
	EXPECT_STREQ("1,0,1,0", cpustr(p.injector_cpus, 4));
	EXPECT_EQ(2, p.distinct_pus);
	topo_close(t);
	/* CPU 3 offline: compact wraps over the three others. */
	ASSERT_EQ(0, topo_open_xml(&t, xml_topology(0x7, 0x7), err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, topo_placement(t, "compact", 3, 1, &p, why, sizeof(why)));
	EXPECT_STREQ("1,2,0", cpustr(p.injector_cpus, 3));
	EXPECT_STREQ("0-2", p.wq_list);
	EXPECT_EQ(1, topo_placement(t, "smt-siblings", 1, 1, &p, why, sizeof(why)));
	topo_close(t);
}

/* ------------------------------------------------------------------------ */
/* QEMU guests as scripts/vm-run starts them */

static void expect_objects(struct __test_metadata *_metadata, struct topo *t, const char *type,
			   const char *want, const char *what)
{
	char got[512];

	topo_objects(t, type, got, sizeof(got));
	EXPECT_STREQ(want, got) TH_LOG("%s: %s", what, type);
}

/* Same packages, L3 caches, NUMA nodes, cores and PUs. */
static void expect_same(struct __test_metadata *_metadata, struct topo *a, struct topo *b, const char *what)
{
	static const char *const types[] = { "Package", "L3Cache", "NUMANode", "Core", "PU", "Group" };

	for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char x[512], y[512];

		EXPECT_EQ(topo_objects(a, types[i], x, sizeof(x)), topo_objects(b, types[i], y, sizeof(y)));
		EXPECT_STREQ(x, y) TH_LOG("%s: %s", what, types[i]);
	}
}

TEST(vm_topologies)
{
	/* vm-run layouts and the synthetic description hwloc would give the same machine. */
	static const struct {
		unsigned int s, c, th, numa;
		const char *synthetic;
	} same[] = {
		{ 1, 2, 1, 0, "pack:1 l3:1 core:2 pu:1" },		/* vm-run --cpus 2, the default */
		{ 1, 8, 1, 1, "pack:1 l3:1 core:8 pu:1" },		/* --numa-nodes 1: one node */
		{ 2, 2, 2, 0, "pack:2 l3:1 core:2 pu:2" },
		{ 2, 2, 2, 2, "numa:2 pack:1 l3:1 core:2 pu:2" },	/* a node per socket */
		{ 4, 2, 1, 2, "group:2 numa:1 pack:2 l3:1 core:2 pu:1" },	/* two sockets per node */
		{ 1, 3, 2, 0, "pack:1 l3:1 core:3 pu:2" },
	};
	struct topo *t, *u;
	struct topo_summary s;
	char err[512];

	for (unsigned int i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char what[64];

		snprintf(what, sizeof(what), "%u:%u:%u, %u nodes", same[i].s, same[i].c, same[i].th, same[i].numa);
		ASSERT_EQ(0, topo_open_vm(&t, same[i].s, same[i].c, same[i].th, same[i].numa, err, sizeof(err)))
			TH_LOG("%s: %s", what, err);
		ASSERT_EQ(0, topo_open_synthetic(&u, same[i].synthetic, err, sizeof(err))) TH_LOG("%s", err);
		expect_same(_metadata, t, u, what);
		topo_get_summary(t, &s);
		EXPECT_EQ(same[i].s * same[i].c * same[i].th, s.usable_pus);
		EXPECT_EQ(same[i].s, s.l3_caches);
		EXPECT_EQ(1, s.emulated);	/* a guest's topology is what QEMU presents */
		EXPECT_STREQ("QEMU (model)", s.hypervisor);
		topo_close(u);
		topo_close(t);
	}

	/*
	 * What lstopo printed inside `scripts/vm-run --topology 2:2:2 --numa-nodes 2`
	 * (QEMU 7.2, TCG, -cpu max, guest kernel 6.12): an L3 per socket, a node
	 * per socket, vCPUs numbered socket, core, thread.
	 */
	ASSERT_EQ(0, topo_open_vm(&t, 2, 2, 2, 2, err, sizeof(err))) TH_LOG("%s", err);
	expect_objects(_metadata, t, "Package", "0-3 4-7", "guest 2:2:2/2");
	expect_objects(_metadata, t, "L3Cache", "0-3 4-7", "guest 2:2:2/2");
	expect_objects(_metadata, t, "NUMANode", "0-3 4-7", "guest 2:2:2/2");
	expect_objects(_metadata, t, "Core", "0-1 2-3 4-5 6-7", "guest 2:2:2/2");
	topo_close(t);

	/* Unequal nodes (3 vCPUs in 2 nodes: 2 + 1), which no synthetic description can say. */
	ASSERT_EQ(0, topo_open_vm(&t, 3, 1, 1, 2, err, sizeof(err))) TH_LOG("%s", err);
	expect_objects(_metadata, t, "NUMANode", "0-1 2", "3:1:1/2");
	expect_objects(_metadata, t, "Package", "0 1 2", "3:1:1/2");
	topo_close(t);
	ASSERT_EQ(0, topo_open_vm(&t, 5, 1, 1, 3, err, sizeof(err))) TH_LOG("%s", err);
	expect_objects(_metadata, t, "NUMANode", "0-1 2-3 4", "5:1:1/3");
	expect_objects(_metadata, t, "Group", "0-1 2-3", "5:1:1/3");
	topo_close(t);
}

TEST(vm_topologies_refused)
{
	static const struct {
		unsigned int s, c, th, numa;
		const char *why;
	} bad[] = {
		/* A node inside a socket: the guest kernel WARNs at boot (seen in vm-run: exit 242). */
		{ 1, 4, 1, 2, "vm-run --numa-nodes 2 puts vCPUs 0-1 in node 0, which splits socket 0 (vCPUs 0-3): "
		  "QEMU's L3 spans a socket, so the guest kernel warns at boot (topology_sane: llc-sibling not on "
		  "the same node) and vm-run fails the run; give each node whole sockets (1 socket here)" },
		{ 2, 3, 1, 4, "vm-run --numa-nodes 4 puts vCPUs 0-1 in node 0, which splits socket 0 (vCPUs 0-2)" },
		{ 3, 2, 1, 2, "vm-run --numa-nodes 2 puts vCPUs 0-2 in node 0, which splits socket 1 (vCPUs 2-3)" },
		{ 1, 2, 1, 3, "3 NUMA nodes for 2 vCPUs: vm-run refuses more nodes than vCPUs" },
		{ 0, 2, 1, 0, "a VM of 0 socket(s) x 2 core(s) x 1 thread(s): vm-run takes 1 to 64 vCPUs" },
		{ 4, 8, 4, 0, "a VM of 4 socket(s) x 8 core(s) x 4 thread(s): vm-run takes 1 to 64 vCPUs" },
	};
	struct topo *t = NULL;
	char err[512];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		EXPECT_EQ(-1, topo_open_vm(&t, bad[i].s, bad[i].c, bad[i].th, bad[i].numa, err, sizeof(err)));
		EXPECT_EQ(0, strncmp(bad[i].why, err, strlen(bad[i].why))) TH_LOG("got: %s", err);
	}
}

TEST(vm_placements)
{
	/* What the sweep's --dry-run asks: which placements a VM point can have. */
	static const struct {
		unsigned int s, c, th, numa;
		const char *name;
		int rc;
	} cases[] = {
		{ 1, 2, 1, 0, "spread", 0 },
		{ 1, 2, 1, 0, "compact", 0 },
		{ 1, 2, 1, 0, "same-core", 0 },
		{ 1, 2, 1, 0, "same-l3", 0 },		/* QEMU's L3 spans the socket */
		{ 1, 2, 1, 0, "smt-siblings", 1 },
		{ 1, 2, 1, 0, "cross-package", 1 },
		{ 1, 2, 1, 0, "cross-numa", 1 },
		{ 1, 1, 2, 0, "smt-siblings", 0 },
		{ 1, 1, 2, 0, "same-l3", 1 },		/* one core */
		{ 2, 1, 1, 0, "cross-package", 0 },
		{ 2, 1, 1, 0, "cross-numa", 1 },		/* no -numa: one node */
		{ 2, 1, 1, 2, "cross-numa", 0 },
		{ 2, 1, 1, 0, "same-l3", 1 },		/* an L3 per one-core socket */
	};
	struct topo *t;
	struct placement p;
	char err[512], why[512];

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, topo_open_vm(&t, cases[i].s, cases[i].c, cases[i].th, cases[i].numa, err, sizeof(err)))
			TH_LOG("%s", err);
		EXPECT_EQ(cases[i].rc, topo_placement(t, cases[i].name, 1, 1, &p, why, sizeof(why)))
			TH_LOG("%s on %u:%u:%u/%u: %s", cases[i].name, cases[i].s, cases[i].c, cases[i].th,
			       cases[i].numa, why);
		topo_close(t);
	}
}

TEST(cpumask_notation)
{
	static const struct { const char *mask, *list; } both[] = {
		{ "00000003", "0-1" },
		{ "00000002,00000003", "0-1,33" },
		{ "00000001,00000000,00000000", "64" },
		{ "ffffffff,ffffffff", "0-63" },
	};
	char buf[256], err[256];

	for (unsigned int i = 0; i < sizeof(both) / sizeof(both[0]); i++) {
		ASSERT_EQ(0, topo_list_to_cpumask(both[i].list, buf, sizeof(buf), err, sizeof(err))) TH_LOG("%s", err);
		EXPECT_STREQ(both[i].mask, buf);
		ASSERT_EQ(0, topo_cpumask_to_list(both[i].mask, buf, sizeof(buf), err, sizeof(err))) TH_LOG("%s", err);
		EXPECT_STREQ(both[i].list, buf);
	}
	/* As the kernel prints it: short words, a newline, upper case. */
	ASSERT_EQ(0, topo_cpumask_to_list("ff\n", buf, sizeof(buf), err, sizeof(err)));
	EXPECT_STREQ("0-7", buf);
	ASSERT_EQ(0, topo_cpumask_to_list("1,0000000F", buf, sizeof(buf), err, sizeof(err)));
	EXPECT_STREQ("0-3,32", buf);
	ASSERT_EQ(0, topo_cpumask_to_list("0", buf, sizeof(buf), err, sizeof(err)));
	EXPECT_STREQ("", buf);
	EXPECT_EQ(-1, topo_cpumask_to_list("", buf, sizeof(buf), err, sizeof(err)));
	EXPECT_EQ(-1, topo_cpumask_to_list("0x3", buf, sizeof(buf), err, sizeof(err)));
	EXPECT_EQ(-1, topo_cpumask_to_list("3,", buf, sizeof(buf), err, sizeof(err)));
	EXPECT_EQ(-1, topo_cpumask_to_list(",3", buf, sizeof(buf), err, sizeof(err)));
	EXPECT_EQ(-1, topo_cpumask_to_list("123456789", buf, sizeof(buf), err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "is not a cpumask"));
	EXPECT_EQ(-1, topo_list_to_cpumask("1-", buf, sizeof(buf), err, sizeof(err)));
	EXPECT_EQ(-1, topo_list_to_cpumask("0-1023", buf, 16, err, sizeof(err)));
	EXPECT_EQ(0, topo_check_cpulist("0-4095", err, sizeof(err)));
	EXPECT_EQ(-1, topo_check_cpulist("0-", err, sizeof(err)));
}

TEST_HARNESS_MAIN
