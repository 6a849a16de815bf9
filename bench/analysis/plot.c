// SPDX-License-Identifier: GPL-2.0
/*
 * plot.c - figures drawn by gnuplot from scripts/plots/NAME.gp, for report
 * and compare alike (plot.h): one way to write their data and variables,
 * and one way to run gnuplot and check what it made.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "folder.h"
#include "plot.h"
#include "xalloc.h"

extern char **environ;

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n >= 0 && b->s && b->len + n < b->cap)
			break;
		b->cap = (b->cap + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	b->len += n;
}

void sb_var(struct sb *b, const char *name, const char *value)
{
	sb_printf(b, "%s='", name);
	for (const char *p = value; *p; p++)
		sb_printf(b, *p == '\'' ? "''" : "%c", *p);
	sb_printf(b, "'; ");
}

void dat_title(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' || *s == '\n' || *s == '\\' ? '\'' : *s, f);
	fputs("\"\n", f);
}

void dat_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.10g", v);
	else
		fputs(" NaN", f);
}

void range_add(struct range *r, double v)
{
	if (!isfinite(v))
		return;
	if (v <= 0)
		r->nonpos = true;
	if (!r->n || v < r->min)
		r->min = v;
	if (!r->n || v > r->max)
		r->max = v;
	r->n++;
}

int range_log(const struct range *r, double span)
{
	return r->n && !r->nonpos && r->max / r->min >= span;
}

char *plot_scripts_dir(const char *opt)
{
	const char *e = opt ? opt : getenv("IOPF_PLOTS_DIR");
	char *d;

	if (e && *e)
		return xstrdup(e);
	d = folder_repo_path("scripts/plots/common.gp", "scripts/plots");
	return d ? d : xstrdup("scripts/plots");
}

static bool file_nonempty(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* The last lines of gnuplot's stderr, on log. */
static void log_tail(FILE *log, const char *path)
{
	FILE *f = fopen(path, "r");
	char lines[12][256];
	unsigned int n = 0;

	if (!f || !log) {
		if (f)
			fclose(f);
		return;
	}
	while (fgets(lines[n % 12], sizeof(lines[0]), f))
		n++;
	fclose(f);
	for (unsigned int i = n > 12 ? n - 12 : 0; i < n; i++)
		fprintf(log, "  gnuplot: %s%s", lines[i % 12], strchr(lines[i % 12], '\n') ? "" : "\n");
}

static void __attribute__((format(printf, 4, 5))) perr(FILE *log, const char *err, const char *name,
						       const char *fmt, ...)
{
	va_list ap;

	if (!log)
		return;
	fprintf(log, "%sfigure %s: ", err, name);
	va_start(ap, fmt);
	vfprintf(log, fmt, ap);
	va_end(ap);
	fputc('\n', log);
}

int plot_draw(const char *gp, const char *plots, const char *script, const char *vars, const char *base,
	      const char *name, const char *err, FILE *log)
{
	char *sp = xasprintf("%s/%s", plots, script), *png = xasprintf("%s.png", base);
	char *svg = xasprintf("%s.svg", base), *logp = xasprintf("%s.log", base);
	struct sb e = { 0 };
	posix_spawn_file_actions_t fa;
	char *argv[5];
	struct stat st;
	pid_t pid;
	int rc = -1, ws, x;

	if (!gp || !*gp)
		gp = getenv("GNUPLOT");
	if (!gp || !*gp)
		gp = "gnuplot";
	if (stat(sp, &st) || !S_ISREG(st.st_mode)) {
		perr(log, err, name, "no gnuplot script %s (set IOPF_PLOTS_DIR to scripts/plots)", sp);
		goto out;
	}
	unlink(png);
	unlink(svg);
	sb_var(&e, "plotdir", plots);
	sb_var(&e, "out", base);
	sb_printf(&e, "%s", vars ? vars : "");
	argv[0] = (char *)gp;
	argv[1] = "-e";
	argv[2] = e.s;
	argv[3] = sp;
	argv[4] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	x = posix_spawnp(&pid, gp, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (x) {
		perr(log, err, name, "cannot run %s: %s", gp, strerror(x));
		goto out;
	}
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR) {
			perr(log, err, name, "waitpid: %s", strerror(errno));
			goto out;
		}
	}
	if (!WIFEXITED(ws) || WEXITSTATUS(ws)) {
		if (WIFEXITED(ws))
			perr(log, err, name, "%s %s exited with status %d", gp, sp, WEXITSTATUS(ws));
		else
			perr(log, err, name, "%s %s was killed by signal %d", gp, sp, WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
		log_tail(log, logp);
		goto out;
	}
	if (!file_nonempty(png) || !file_nonempty(svg)) {
		perr(log, err, name, "%s %s exited 0 but %s is missing or empty", gp, sp, !file_nonempty(png) ? png : svg);
		log_tail(log, logp);
		goto out;
	}
	unlink(logp);
	rc = 0;
out:
	free(e.s);
	free(sp);
	free(png);
	free(svg);
	free(logp);
	return rc;
}
