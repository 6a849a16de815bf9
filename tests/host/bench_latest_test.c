// SPDX-License-Identifier: GPL-2.0
/*
 * Description: results/runs/latest (folder_link_latest(), called by sweep
 * when a folder is finished): a relative symlink to the folder, replaced
 * when a newer one completes; never made to a folder with the INCOMPLETE
 * marker, without run.json or whose run.json says incomplete (the link
 * keeps pointing at the last complete one); a failed but complete folder is
 * linked; a "latest" that is not a symlink is left alone.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "folder.h"

/* A results folder ROOT/NAME: its run.json with STATUS (NULL: none), INCOMPLETE when marker. */
static void mkrun(const char *root, const char *name, const char *status, int marker)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, name);
	mkdir(p, 0755);
	if (status) {
		snprintf(p, sizeof(p), "%s/%s/run.json", root, name);
		f = fopen(p, "w");
		fprintf(f, "{\"schema_version\": 2, \"status\": \"%s\"}\n", status);
		fclose(f);
	}
	if (marker) {
		snprintf(p, sizeof(p), "%s/%s/INCOMPLETE", root, name);
		fclose(fopen(p, "w"));
	}
}

/* Where ROOT/latest points ("" when it is not a symlink). */
static const char *target(const char *root)
{
	static char t[PATH_MAX];
	char p[PATH_MAX];
	ssize_t n;

	snprintf(p, sizeof(p), "%s/latest", root);
	n = readlink(p, t, sizeof(t) - 1);
	t[n > 0 ? n : 0] = 0;
	return t;
}

FIXTURE(runs)
{
	char root[64];
};

FIXTURE_SETUP(runs)
{
	strcpy(self->root, "/tmp/latest_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
}

FIXTURE_TEARDOWN(runs)
{
	folder_remove_tree(self->root);
}

TEST_F(runs, newest_complete_only)
{
	char d[PATH_MAX], p[PATH_MAX];
	const char *why = NULL;
	struct stat st;

	mkrun(self->root, "20261206-080000-default", "complete", 0);
	snprintf(d, sizeof(d), "%s/20261206-080000-default", self->root);
	ASSERT_EQ(0, folder_link_latest(d, &why));
	/* relative: the folder's name, so that the tree can move */
	EXPECT_STREQ("20261206-080000-default", target(self->root));
	snprintf(p, sizeof(p), "%s/latest/run.json", self->root);
	EXPECT_EQ(0, stat(p, &st));

	/* with a trailing slash too; a failed run is complete: linked */
	mkrun(self->root, "20261206-090000-default", "failed", 0);
	snprintf(d, sizeof(d), "%s/20261206-090000-default/", self->root);
	EXPECT_EQ(0, folder_link_latest(d, &why));
	EXPECT_STREQ("20261206-090000-default", target(self->root));

	/* never an incomplete one: the marker, no run.json, or status incomplete */
	mkrun(self->root, "20261206-100000-default", "complete", 1);
	snprintf(d, sizeof(d), "%s/20261206-100000-default", self->root);
	why = NULL;
	EXPECT_EQ(1, folder_link_latest(d, &why));
	EXPECT_NE(NULL, strstr(why ? why : "", "INCOMPLETE"));
	mkrun(self->root, "20261206-110000-default", NULL, 0);
	snprintf(d, sizeof(d), "%s/20261206-110000-default", self->root);
	EXPECT_EQ(1, folder_link_latest(d, &why));
	mkrun(self->root, "20261206-120000-default", "incomplete", 0);
	snprintf(d, sizeof(d), "%s/20261206-120000-default", self->root);
	EXPECT_EQ(1, folder_link_latest(d, &why));
	EXPECT_STREQ("20261206-090000-default", target(self->root));
	/* no temporary link left behind */
	snprintf(p, sizeof(p), "%s/.latest.tmp-%ld", self->root, (long)getpid());
	EXPECT_NE(0, lstat(p, &st));
}

TEST_F(runs, not_a_symlink_is_left_alone)
{
	char d[PATH_MAX], p[PATH_MAX];
	const char *why = NULL;
	struct stat st;

	snprintf(p, sizeof(p), "%s/latest", self->root);
	ASSERT_EQ(0, mkdir(p, 0755));
	mkrun(self->root, "20261206-080000-default", "complete", 0);
	snprintf(d, sizeof(d), "%s/20261206-080000-default", self->root);
	EXPECT_EQ(1, folder_link_latest(d, &why));
	EXPECT_NE(NULL, strstr(why ? why : "", "not a symlink"));
	ASSERT_EQ(0, lstat(p, &st));
	EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_HARNESS_MAIN
