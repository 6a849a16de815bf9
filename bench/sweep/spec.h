/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spec.h - sweep spec files: fio-style INI (libinih), a [global] section
 * and one section per sweep. A key with several values (whitespace
 * separated) is an axis; a sweep's points are the product of its axes.
 *
 * Keys are `iopf-bench run` options by their long name (group-size, rate,
 * handler, placement, ...), each value checked by the option table, plus the
 * sweep's own keys (SPEC_KEYS in spec.c: designs, baseline, repetitions,
 * vm-cpus, vm-topology, vm-numa-nodes, timeseries, boot-warmup,
 * description). Every error names the file and the line.
 *
 * A design is a design reference (scripts/lib.sh design_resolve is the shell
 * twin of spec_design_ref: the same grammar, the same labels):
 *   NAME                   kernel/designs.tsv, on the default source (debian-6.12)
 *   NAME@SOURCE            that design on a source of kernel/sources.tsv
 *                          (NAME[:VERSION]), tarball:PATH or tree:PATH[@REV]
 *   LABEL=BASE[+PATCH...]  a user's design (role compare): BASE a SOURCE,
 *                          NAME or NAME@SOURCE; PATCH files
 *   distro[@SOURCE]        Debian's prebuilt kernel (flavor amd64)
 * Its label names it in plan.json, the results and the report.
 */
#ifndef BENCH_SPEC_H
#define BENCH_SPEC_H

/* Repetitions of a point per design (the spec's key, sweep --reps; calibrate's --boots): 1 to this. */
#define SPEC_MAX_REPS 200
#define SPEC_MAX_REPS_STR "200"

#include <stddef.h>
#include <stdint.h>

#define SPEC_MAX_VALUES		32
#define SPEC_MAX_ENTRIES	48
#define SPEC_MAX_SECTIONS	32
#define SPEC_MAX_DESIGNS	8
#define SPEC_NAME_LEN		64
#define SPEC_REF_LEN		1024

struct spec_entry {
	char key[SPEC_NAME_LEN];
	char *values[SPEC_MAX_VALUES];
	unsigned int n;
	int line;
	int is_run_option;		/* an iopf-bench run option (else a sweep key) */
};

struct spec_section {
	char name[SPEC_NAME_LEN];
	int line;
	char *description;
	struct spec_entry e[SPEC_MAX_ENTRIES];
	unsigned int ne;
};

/* A design reference, resolved (no download: only names, paths and roles). */
struct spec_design {
	char label[SPEC_NAME_LEN];	/* its name in results: file-name safe */
	char ref[SPEC_REF_LEN];		/* normalized: paths absolute (what the scripts take) */
	char base[SPEC_NAME_LEN];	/* the designs.tsv design, "" (a LABEL= ref on a source), "distro" */
	char source[SPEC_REF_LEN];	/* the source spec, "" = the default */
	char role[16];			/* baseline, compare, broken */
	char flavor[16];		/* the kernel flavor a sweep boots: perf, or amd64 for distro */
};

struct spec {
	char path[4096];
	char name[SPEC_NAME_LEN];	/* the file's base name without .ini */
	char *description;		/* [global] description */
	struct spec_section global;
	struct spec_section sec[SPEC_MAX_SECTIONS];	/* the sweeps, in file order */
	unsigned int nsec;
	/* [global] sweep settings, resolved */
	char designs[SPEC_MAX_DESIGNS][SPEC_NAME_LEN];	/* the designs' labels */
	struct spec_design dref[SPEC_MAX_DESIGNS];		/* the designs themselves */
	unsigned int ndesigns;
	char baseline[SPEC_NAME_LEN];
	unsigned int repetitions;	/* 1 to SPEC_MAX_REPS */
	uint64_t boot_warmup_ms;	/* the discarded run at the start of each boot */
	int designs_line, baseline_line;
};

/*
 * Load and check a spec. designs_tsv is kernel/designs.tsv (the designs
 * and their roles); NULL skips the design checks. Returns 0, or -1 with
 * "FILE:LINE: what is wrong" in err.
 */
int spec_load(struct spec *s, const char *path, const char *designs_tsv, char *err, size_t len);
void spec_free(struct spec *s);

/* Replace the designs (--designs "A B": checked like the spec's; the first is the baseline). */
int spec_set_designs(struct spec *s, const char *list, const char *designs_tsv, char *err, size_t len);

/* Add one design (--design REF, repeatable), checked like the spec's. */
int spec_add_design(struct spec *s, const char *ref, const char *designs_tsv, char *err, size_t len);

/*
 * Resolve a design reference. designs_tsv is kernel/designs.tsv (its
 * sources.tsv beside it); NULL checks the syntax only. Relative patch and
 * source paths are made absolute against the current directory, '~' is
 * expanded. Returns 0, or -1 with "'REF' ..." in why. The role is not
 * checked here (a sweep's designs must be baseline or compare: see spec.c).
 */
int spec_design_ref(const char *designs_tsv, const char *ref, struct spec_design *d, char *why, size_t len);

/* The entry for key in section sec, else in [global]; NULL if neither has it. */
const struct spec_entry *spec_lookup(const struct spec *s, const struct spec_section *sec,
				     const char *key);

/* Whether key is one of the sweep's own keys (not a run option). */
int spec_is_sweep_key(const char *key);

/* "on"/"yes"/"true"/"1" -> 1, "off"/"no"/"false"/"0" -> 0, else -1. */
int spec_bool(const char *v);

#endif
