// SPDX-License-Identifier: GPL-2.0
/*
 * Description: bench/topo.c picks injector CPUs with hwloc: strict cpulist
 * parsing, offline / nonexistent / disallowed CPUs refused by name, the
 * spread over packages, NUMA groups, cores and then SMT siblings, and the
 * placement of each CPU; all on synthetic and XML topologies, so the result
 * does not depend on the machine running the test.
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
	/* The spread never picks the offline CPU, and wraps over the three others. */
	ASSERT_EQ(3, topo_spread(t, 6, cpus, err, sizeof(err)));
	for (unsigned int i = 0; i < 6; i++) {
		EXPECT_NE(3, cpus[i]);
	}
	EXPECT_EQ(cpus[0], cpus[3]);
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

TEST(spread_cores_then_smt)
{
	/* 2 packages x 2 cores x 2 PUs: PUs 0-3 in package 0, 4-7 in package 1; PU pairs share a core. */
	static const unsigned int want[] = { 0, 4, 2, 6, 1, 5, 3, 7, 0, 4 };
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
	ASSERT_EQ(8, topo_spread(t, 10, cpus, err, sizeof(err)));
	for (unsigned int i = 0; i < 10; i++) {
		EXPECT_EQ(want[i], cpus[i]) TH_LOG("pick %u", i);
	}
	/* A single injector goes to the first core of the first package. */
	ASSERT_EQ(8, topo_spread(t, 1, cpus, err, sizeof(err)));
	EXPECT_EQ(0, cpus[0]);

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
		EXPECT_EQ(i % 2, (unsigned int)c.package);	/* packages alternate */
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
	topo_close(t);
}

TEST_HARNESS_MAIN
