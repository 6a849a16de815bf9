// SPDX-License-Identifier: GPL-2.0
/*
 * baseline.c - `iopf-bench baseline save|list`: the stored baselines that
 * `compare NAME NEW_DIR` and `make gate` (its stored-baseline mode) judge
 * against, and where their folder is (baseline.h; results/SCHEMA.md,
 * "Baselines").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "baseline.h"
#include "cli.h"
#include "folder.h"
#include "jsonutil.h"
#include "report.h"
#include "xalloc.h"

#define JADD(o, k, v) json_object_object_add((o), (k), (v))
#define JSTR(s) json_object_new_string(s)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit status of baseline: 0 done, 1 a file could not be copied or written, 2 refused or usage. */
enum { BX_OK = 0, BX_FAIL = 1, BX_INVALID = 2 };

/* ------------------------------------------------------------------------ */
/* Baselines folder */

/*
 * --baselines-dir, else $IOPF_BASELINES_DIR, else results/baselines in the
 * repository above the executable (found by results/run.schema.json, as
 * report finds scripts/plots), else results/baselines here.
 */
char *baseline_dir(const char *opt)
{
	const char *e = opt && *opt ? opt : getenv("IOPF_BASELINES_DIR");
	char *d;

	if (e && *e)
		return xstrdup(e);
	d = folder_repo_path("results/run.schema.json", "results/baselines");
	return d ? d : xstrdup("results/baselines");
}

/* [A-Za-z0-9._-]+, not starting with '.', without ".tmp-" (save's work folders). */
bool baseline_valid_name(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 128 || strstr(s, ".tmp-"))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* ------------------------------------------------------------------------ */
/* baseline save | list */

static const char baseline_usage[] =
	"usage: iopf-bench baseline save RESULTS_DIR NAME [--force] [--baselines-dir DIR]\n"
	"       iopf-bench baseline list [--baselines-dir DIR]\n";

static const char baseline_help[] =
	"  save: copy a complete results folder's run.json, plan.json, spec.ini,\n"
	"  provenance.json, topology.xml, git.diff, config-* and csv/ (not raw/, fig/,\n"
	"  logs/, report.html) into BASELINES/NAME, with BASELINE.json saying what and\n"
	"  when; `iopf-bench compare NAME NEW_DIR` compares against it. NAME:\n"
	"  [A-Za-z0-9._-]+, not starting with '.'. --force replaces an existing one\n"
	"  (only once the new copy is complete).\n"
	"  list: name, date, spec and git revision of every baseline.\n"
	"  BASELINES: --baselines-dir, $IOPF_BASELINES_DIR, else results/baselines of\n"
	"  the repository holding the executable.\n"
	"  Exit: 0 done; 1 a file could not be copied or written; 2 usage, or refused\n"
	"  (the folder is not complete, a bad NAME, NAME exists without --force).\n";

static int berr(const struct bench_env *env, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int berr(const struct bench_env *env, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(env->err, "iopf-bench baseline: ");
	va_start(ap, fmt);
	vfprintf(env->err, fmt, ap);
	va_end(ap);
	fputc('\n', env->err);
	return code;
}

static int copy_file(const char *src, const char *dst)
{
	char buf[65536];
	struct stat st;
	int in = open(src, O_RDONLY | O_CLOEXEC), out, rc = 0;
	ssize_t r;

	if (in < 0)
		return -1;
	if (fstat(in, &st)) {
		close(in);
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0666);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((r = read(in, buf, sizeof(buf))) != 0) {
		char *p = buf;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		while (r > 0) {
			ssize_t w = write(out, p, (size_t)r);

			if (w < 0) {
				if (errno == EINTR)
					continue;
				rc = -1;
				break;
			}
			p += w;
			r -= w;
		}
		if (rc)
			break;
	}
	if (fsync(out))
		rc = -1;
	if (close(out))
		rc = -1;
	close(in);
	return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int rm_rf(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Copy DIR/NAME into TMP/NAME when it is a regular file; missing is fine unless required. */
static int copy_one(const struct bench_env *env, const char *dir, const char *tmp, const char *name, bool required)
{
	char *s = xasprintf("%s/%s", dir, name), *d = xasprintf("%s/%s", tmp, name);
	int rc = 0;

	if (folder_is_file(s)) {
		if (copy_file(s, d))
			rc = berr(env, BENCH_EXIT_FAIL, "cannot copy %s to %s: %s", s, d, strerror(errno));
	} else if (required) {
		rc = berr(env, BX_INVALID, "%s has no %s", dir, name);
	}
	free(s);
	free(d);
	return rc;
}

static int save_files(const struct bench_env *env, const char *dir, const char *tmp)
{
	static const char *const files[] = { "run.json", "plan.json", "spec.ini", "provenance.json", "topology.xml",
					     "git.diff" };
	char *csv;
	DIR *dh;
	struct dirent *e;
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(files) && !rc; i++)
		rc = copy_one(env, dir, tmp, files[i], i < 2);
	if (rc)
		return rc;
	dh = opendir(dir);
	while (dh && (e = readdir(dh)) && !rc)
		if (!strncmp(e->d_name, "config-", 7))
			rc = copy_one(env, dir, tmp, e->d_name, false);
	if (dh)
		closedir(dh);
	if (rc)
		return rc;
	csv = xasprintf("%s/csv", dir);
	if (folder_is_dir(csv)) {
		char *tcsv = xasprintf("%s/csv", tmp);

		if (mkdir(tcsv, 0777)) {
			rc = berr(env, BENCH_EXIT_FAIL, "cannot make %s: %s", tcsv, strerror(errno));
		} else {
			dh = opendir(csv);
			while (dh && (e = readdir(dh)) && !rc)
				if (e->d_name[0] != '.')
					rc = copy_one(env, csv, tcsv, e->d_name, false);
			if (dh)
				closedir(dh);
		}
		free(tcsv);
	}
	free(csv);
	return rc;
}

static int baseline_save(const struct bench_env *env, const char *dir, const char *name, bool force,
			 const char *bdir_opt)
{
	struct json_object *run, *prov, *meta;
	char *err, *bdir = NULL, *final = NULL, *tmp = NULL, *p, now[32], src[PATH_MAX];
	const char *st;
	int rc = BX_INVALID;

	if (!folder_is_dir(dir))
		return berr(env, BX_INVALID, "%s: not a folder", dir);
	if (!baseline_valid_name(name))
		return berr(env, BX_INVALID, "bad name '%s': want [A-Za-z0-9._-]+, not starting with '.' (and "
			    "without '.tmp-')", name);
	p = xasprintf("%s/INCOMPLETE", dir);
	if (folder_is_file(p)) {
		free(p);
		return berr(env, BX_INVALID, "%s is incomplete (INCOMPLETE marker): only a complete folder can be "
			    "a baseline", dir);
	}
	free(p);
	p = xasprintf("%s/run.json", dir);
	if (!folder_is_file(p)) {
		free(p);
		return berr(env, BX_INVALID, "%s has no run.json: run `iopf-bench report %s` first", dir, dir);
	}
	free(p);
	run = folder_read_json(dir, "run.json", &err);
	if (!run) {
		berr(env, BX_INVALID, "%s", err);
		free(err);
		return BX_INVALID;
	}
	st = jstr(run, "status");
	if (!st || strcmp(st, "complete")) {
		char *why = folder_problems_text(run);

		berr(env, BX_INVALID, "%s is %s, not complete: %s", dir, st ? st : "of unknown status", why);
		free(why);
		goto out;
	}
	prov = folder_read_json(dir, "provenance.json", &err);
	free(err);
	if (!prov)
		fprintf(env->err, "iopf-bench baseline: warning: %s has no provenance.json: compare will need "
			"--force\n", dir);
	bdir = baseline_dir(bdir_opt);
	final = xasprintf("%s/%s", bdir, name);
	if (!force && (folder_is_dir(final) || !access(final, F_OK))) {
		berr(env, BX_INVALID, "baseline %s exists (--force replaces it)", final);
		goto out_prov;
	}
	/* mkdir -p the parent */
	for (char *q = bdir + 1; ; q++) {
		if (*q == '/' || !*q) {
			char c = *q;

			*q = 0;
			if (mkdir(bdir, 0777) && errno != EEXIST) {
				rc = berr(env, BENCH_EXIT_FAIL, "cannot make %s: %s", bdir, strerror(errno));
				goto out_prov;
			}
			*q = c;
			if (!c)
				break;
		}
	}
	tmp = xasprintf("%s/%s.tmp-XXXXXX", bdir, name);
	if (!mkdtemp(tmp)) {
		rc = berr(env, BENCH_EXIT_FAIL, "cannot make %s: %s", tmp, strerror(errno));
		goto out_prov;
	}
	{
		/* mkdtemp makes it 0700: a baseline is as readable as any folder made here. */
		mode_t um = umask(0);

		umask(um);
		chmod(tmp, 0777 & ~um);
	}
	rc = save_files(env, dir, tmp);
	if (rc)
		goto out_rm;
	meta = json_object_new_object();
	iso8601_utc(time(NULL), now, sizeof(now));
	JADD(meta, "name", JSTR(name));
	JADD(meta, "saved", JSTR(now));
	JADD(meta, "source", JSTR(realpath(dir, src) ? src : dir));
	JADD(meta, "tool", JSTR("iopf-bench " BENCH_TOOL_VERSION));
	JADD(meta, "spec", jref(jget(run, "spec")));
	JADD(meta, "status", jref(jget(run, "status")));
	JADD(meta, "git", jref(jget(prov, "git")));
	p = xasprintf("%s/BASELINE.json", tmp);
	if (json_object_to_file_ext(p, meta, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				    JSON_C_TO_STRING_NOSLASHESCAPE)) {
		rc = berr(env, BENCH_EXIT_FAIL, "cannot write %s: %s", p, json_util_get_last_err());
		free(p);
		json_object_put(meta);
		goto out_rm;
	}
	free(p);
	json_object_put(meta);
	/*
	 * The new copy is complete: put it in place. An old one is swapped out
	 * atomically (RENAME_EXCHANGE) and removed only then; where the file
	 * system cannot exchange, it is moved aside first.
	 */
	if (!rename(tmp, final)) {
		rc = BX_OK;
	} else if (force && (errno == EEXIST || errno == ENOTEMPTY || errno == EISDIR)) {
		if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE)) {
			rc = BX_OK;	/* tmp now holds the old one */
		} else {
			char *old = xasprintf("%s/%s.tmp-XXXXXX", bdir, name);

			if (mkdtemp(old) && !rmdir(old) && !rename(final, old) && !rename(tmp, final)) {
				rc = BX_OK;
				free(tmp);
				tmp = old;
			} else {
				rc = berr(env, BENCH_EXIT_FAIL, "cannot replace %s: %s", final, strerror(errno));
				free(old);
			}
		}
	} else {
		rc = berr(env, BENCH_EXIT_FAIL, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
	}
	if (!rc) {
		char git[64];
		folder_git_text(prov, git, sizeof(git));
		fprintf(env->out, "baseline %s saved: %s (from %s, spec %s, git %s)\n", name, final, dir,
			jstr(jget(run, "spec"), "name") ?: "?", git);
		if (!folder_is_dir(tmp))
			goto out_prov;
	}
out_rm:
	rm_rf(tmp);
out_prov:
	json_object_put(prov);
out:
	json_object_put(run);
	free(tmp);
	free(final);
	free(bdir);
	return rc;
}

struct blist {
	char *name, *saved, *spec, *git;
};

static int cmp_blist(const void *a, const void *b)
{
	return strcmp(((const struct blist *)a)->name, ((const struct blist *)b)->name);
}

static int baseline_list(const struct bench_env *env, const char *bdir_opt)
{
	char *bdir = baseline_dir(bdir_opt);
	DIR *dh = opendir(bdir);
	struct dirent *e;
	struct blist *v = NULL;
	size_t n = 0, cap = 0, w[3] = { 4, 5, 4 };

	if (!dh) {
		if (errno != ENOENT) {
			berr(env, BENCH_EXIT_FAIL, "cannot read %s: %s", bdir, strerror(errno));
			free(bdir);
			return BENCH_EXIT_FAIL;
		}
		fprintf(env->out, "no baselines in %s\n", bdir);
		free(bdir);
		return BX_OK;
	}
	while ((e = readdir(dh))) {
		char *d, *err, git[64];
		struct json_object *meta;

		if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp-"))
			continue;
		d = xasprintf("%s/%s", bdir, e->d_name);
		meta = folder_is_dir(d) ? folder_read_json(d, "BASELINE.json", &err) : NULL;
		if (meta)
			free(err);
		free(d);
		if (!meta)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		folder_git_text(meta, git, sizeof(git));	/* its "git" is provenance's */
		v[n].name = xstrdup(e->d_name);
		v[n].saved = xstrdup(jstr(meta, "saved") ?: "?");
		v[n].spec = xstrdup(jstr(jget(meta, "spec"), "name") ?: "?");
		v[n].git = xstrdup(git);
		if (strlen(v[n].name) > w[0])
			w[0] = strlen(v[n].name);
		if (strlen(v[n].saved) > w[1])
			w[1] = strlen(v[n].saved);
		if (strlen(v[n].spec) > w[2])
			w[2] = strlen(v[n].spec);
		n++;
		json_object_put(meta);
	}
	closedir(dh);
	if (!n) {
		fprintf(env->out, "no baselines in %s\n", bdir);
	} else {
		qsort(v, n, sizeof(*v), cmp_blist);
		fprintf(env->out, "%-*s  %-*s  %-*s  %s\n", (int)w[0], "name", (int)w[1], "saved", (int)w[2], "spec",
			"git");
		for (size_t i = 0; i < n; i++) {
			fprintf(env->out, "%-*s  %-*s  %-*s  %s\n", (int)w[0], v[i].name, (int)w[1], v[i].saved,
				(int)w[2], v[i].spec, v[i].git);
			free(v[i].name);
			free(v[i].saved);
			free(v[i].spec);
			free(v[i].git);
		}
	}
	free(v);
	free(bdir);
	return BX_OK;
}

int cmd_baseline(int argc, char **argv, const struct bench_env *env)
{
	const char *pos[2] = { NULL, NULL }, *bdir_opt = NULL, *val;
	bool force = false, save;
	int npos = 0;

	if (argc < 2) {
		fprintf(env->err, "%s", baseline_usage);
		return BX_INVALID;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fprintf(env->out, "%s%s", baseline_usage, baseline_help);
		return BX_OK;
	}
	if (strcmp(argv[1], "save") && strcmp(argv[1], "list")) {
		fprintf(env->err, "iopf-bench baseline: unknown subcommand '%s' (save or list)\n%s", argv[1],
			baseline_usage);
		return BX_INVALID;
	}
	save = !strcmp(argv[1], "save");
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fprintf(env->out, "%s%s", baseline_usage, baseline_help);
			return BX_OK;
		}
		if (save && !strcmp(a, "--force")) {
			force = true;
		} else if (cli_opt_arg(a, "--baselines-dir", argc, argv, &i, &val)) {
			if (!val || !*val) {
				fprintf(env->err, "iopf-bench baseline: --baselines-dir needs a folder\n%s", baseline_usage);
				return BX_INVALID;
			}
			bdir_opt = val;
		} else if (a[0] == '-' && a[1]) {
			fprintf(env->err, "iopf-bench baseline: unknown option '%s'\n%s", a, baseline_usage);
			return BX_INVALID;
		} else if (save && npos < 2) {
			pos[npos++] = a;
		} else {
			fprintf(env->err, "iopf-bench baseline: unexpected argument '%s'\n%s", a, baseline_usage);
			return BX_INVALID;
		}
	}
	if (!save)
		return baseline_list(env, bdir_opt);
	if (npos != 2) {
		fprintf(env->err, "iopf-bench baseline save: want RESULTS_DIR and NAME\n%s", baseline_usage);
		return BX_INVALID;
	}
	return baseline_save(env, pos[0], pos[1], force, bdir_opt);
}
