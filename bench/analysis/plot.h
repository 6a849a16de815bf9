/* SPDX-License-Identifier: GPL-2.0 */
/*
 * plot.h - figures drawn by gnuplot from the scripts in scripts/plots/, for
 * report (results.c) and compare alike: the data files' text, the scripts'
 * variables, and running gnuplot (no shell) with its outputs checked.
 */
#ifndef BENCH_PLOT_H
#define BENCH_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A growable string (gnuplot's -e variables). */
struct sb {
	char *s;
	size_t len, cap;
};

void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* name='value'; for gnuplot -e: a single-quoted string ('' is a quote). */
void sb_var(struct sb *b, const char *name, const char *value);

/* Text for gnuplot's data files: in double quotes, without quotes or newlines inside; then a newline. */
void dat_title(FILE *f, const char *s);
/* " %.10g", or " NaN" (common.gp: set datafile missing 'NaN'). */
void dat_num(FILE *f, double v);

/* The range of a figure's values, for its scale. */
struct range {
	unsigned int n;
	bool nonpos;
	double min, max;
};

void range_add(struct range *r, double v);
/* Log scale when every value is positive and they span at least a factor `span`. */
int range_log(const struct range *r, double span);

/*
 * The scripts' folder: opt, else $IOPF_PLOTS_DIR, else scripts/plots of the
 * checkout above the executable, else "scripts/plots". Free it.
 */
char *plot_scripts_dir(const char *opt);

/*
 * Run gnuplot (gp; NULL or "": $GNUPLOT, else "gnuplot" from PATH) on
 * PLOTS/SCRIPT with plotdir, out = BASE and the figure's vars (as -e, no
 * shell; stdin and stdout /dev/null, stderr to BASE.log). 0 when it exited
 * 0 and both BASE.png and BASE.svg exist and are not empty (BASE.log is then
 * removed); else -1, each problem a line "<err>figure NAME: ..." on log
 * (NULL: none) with the last lines of gnuplot's stderr.
 */
int plot_draw(const char *gp, const char *plots, const char *script, const char *vars, const char *base,
	      const char *name, const char *err, FILE *log);

#endif
