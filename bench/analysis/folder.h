/* SPDX-License-Identifier: GPL-2.0 */
/* folder.h - a results folder as compare and baseline read it (folder.c). */
#ifndef BENCH_FOLDER_H
#define BENCH_FOLDER_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

bool folder_is_dir(const char *path);
bool folder_is_file(const char *path);
/* run.json's "problems", joined with "; " (a message when it lists none). Free it. */
char *folder_problems_text(struct json_object *run);
/* Read DIR/NAME as a JSON object; NULL with *err set (free it) when absent or unreadable. */
struct json_object *folder_read_json(const char *dir, const char *name, char **err);
/* provenance.json's git revision as "0123456789ab (clean)", or "unknown". */
void folder_git_text(struct json_object *prov, char *buf, size_t len);

/* mkdir -p PATH (mode 0777 before the umask); 0, or -1 with errno. */
int folder_mkdirs(const char *path);
/* rm -rf PATH (not following symlinks); 0, or -1 with errno. */
int folder_remove_tree(const char *path);
/*
 * The "latest" link beside a results folder: PARENT/latest -> basename(DIR),
 * a relative symlink, replaced atomically, made only when DIR is complete
 * (no INCOMPLETE marker; a run.json whose status is not "incomplete"); a
 * "latest" that is not a symlink is left alone. 0 made; 1 not made (why in
 * *why, static text); -1 with errno.
 */
int folder_link_latest(const char *dir, const char **why);

/* The checkout above this executable that has file MARKER: its WANT (free it), or NULL. */
char *folder_repo_path(const char *marker, const char *want);

#endif
