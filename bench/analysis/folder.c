// SPDX-License-Identifier: GPL-2.0
/*
 * folder.c - a results folder as the analysis commands (compare, baseline)
 * read it: files, JSON documents, the problems run.json lists, provenance's
 * git revision (folder.h).
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "folder.h"
#include "jsonutil.h"
#include "xalloc.h"

bool folder_is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

bool folder_is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}


char *folder_problems_text(struct json_object *run)
{
	struct json_object *p = jarr(run, "problems");
	size_t n = p ? json_object_array_length(p) : 0, len = 0;
	char *s = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		const char *t = json_object_get_string(json_object_array_get_idx(p, i));
		size_t l = strlen(t ? t : "");

		s = xrealloc(s, len + l + 3);
		sprintf(s + len, "%s%s", i ? "; " : "", t ? t : "");
		len += l + (i ? 2 : 0);
	}
	if (!n) {
		free(s);
		s = xstrdup("(run.json lists no problems)");
	}
	return s;
}

/* Read DIR/NAME as a JSON object; NULL with *err set when absent or unreadable. */
struct json_object *folder_read_json(const char *dir, const char *name, char **err)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct json_object *j = NULL;

	*err = NULL;
	if (!folder_is_file(p)) {
		*err = xasprintf("%s has no %s", dir, name);
	} else {
		j = json_object_from_file(p);
		if (!j || !json_object_is_type(j, json_type_object)) {
			const char *e = json_util_get_last_err();

			/* json-c's message ends in a newline */
			*err = xasprintf("cannot read %s: %.*s", p, j || !e ? 17 : (int)strcspn(e, "\n"),
					 j ? "not a JSON object" : e ? e : "not JSON");
			json_object_put(j);
			j = NULL;
		}
	}
	free(p);
	return j;
}

/* The git revision of provenance.json (12 characters) and whether the tree was dirty. */
void folder_git_text(struct json_object *prov, char *buf, size_t len)
{
	struct json_object *g = jget(prov, "git"), *dirty = jget(g, "dirty");
	const char *rev = jstr(g, "revision");

	if (!rev)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%.12s%s", rev, !dirty ? "" : json_object_get_boolean(dirty) ? " (dirty)" :
			 " (clean)");
}

/*
 * The checkout holding this executable: up to 5 folders above it, the first
 * that has MARKER; returns that folder's WANT (free it), or NULL.
 */
char *folder_repo_path(const char *marker, const char *want)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = 0;
	for (int up = 0; up < 5; up++) {
		char *slash = strrchr(exe, '/'), *cand;
		bool ok;

		if (!slash || slash == exe)
			break;
		*slash = 0;
		cand = xasprintf("%s/%s", exe, marker);
		ok = folder_is_file(cand);
		free(cand);
		if (ok)
			return xasprintf("%s/%s", exe, want);
	}
	return NULL;
}

int folder_mkdirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *q = p + 1; ; q++) {
		if (*q == '/' || !*q) {
			char c = *q;

			*q = 0;
			if (mkdir(p, 0777) && errno != EEXIST) {
				rc = -1;
				break;
			}
			*q = c;
			if (!c)
				break;
		}
	}
	if (!rc && !folder_is_dir(p)) {
		errno = ENOTDIR;
		rc = -1;
	}
	free(p);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) && errno != ENOENT ? -1 : 0;
}

int folder_remove_tree(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int folder_link_latest(const char *dir, const char **why)
{
	char *d = xstrdup(dir), *slash, *marker, *link = NULL, *tmp = NULL, *err = NULL;
	struct json_object *run = NULL;
	const char *parent, *base, *st;
	struct stat lst;
	int rc = 1;

	while (strlen(d) > 1 && d[strlen(d) - 1] == '/')
		d[strlen(d) - 1] = 0;
	slash = strrchr(d, '/');
	parent = slash ? (slash == d ? "/" : d) : ".";
	base = slash ? slash + 1 : d;
	if (slash)
		*slash = 0;
	marker = xasprintf("%s/%s/INCOMPLETE", parent, base);
	if (folder_is_file(marker)) {
		*why = "the folder is incomplete (INCOMPLETE marker)";
		goto out;
	}
	{
		char *full = xasprintf("%s/%s", parent, base);

		run = folder_read_json(full, "run.json", &err);
		free(full);
	}
	st = run ? jstr(run, "status") : NULL;
	if (!st || !strcmp(st, "incomplete")) {
		*why = st ? "its run.json says incomplete" : "it has no readable run.json";
		goto out;
	}
	link = xasprintf("%s/latest", parent);
	if (!lstat(link, &lst) && !S_ISLNK(lst.st_mode)) {
		*why = "a \"latest\" that is not a symlink is in the way";
		goto out;
	}
	/* A new link beside it, renamed over the old one: never a moment without a link. */
	tmp = xasprintf("%s/.latest.tmp-%ld", parent, (long)getpid());
	unlink(tmp);
	if (symlink(base, tmp) || rename(tmp, link)) {
		int e = errno;

		unlink(tmp);
		errno = e;
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	json_object_put(run);
	free(err);
	free(marker);
	free(link);
	free(tmp);
	free(d);
	return rc;
}
