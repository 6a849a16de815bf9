// SPDX-License-Identifier: GPL-2.0
/*
 * folder.c - a results folder as the analysis commands (compare, baseline)
 * read it: files, JSON documents, the problems run.json lists, provenance's
 * git revision (folder.h).
 */
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
