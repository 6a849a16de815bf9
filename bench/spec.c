// SPDX-License-Identifier: GPL-2.0
/*
 * spec.c - sweep spec files, parsed with libinih (Debian's libinih-dev).
 *
 * libinih hands us (section, key, value) triples and returns the line of
 * the first error; it does not pass line numbers to the handler in
 * Debian's build (INI_HANDLER_LINENO=0), so the reader we give
 * ini_parse_stream() counts lines: the handler runs on the line the reader
 * returned last. Lines longer than libinih's INI_MAX_LINE would be split
 * silently by libinih: the reader refuses them instead.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "opts.h"
#include "spec.h"

/* The sweep's own keys: where they may appear and whether they can be an axis. */
static const struct {
	const char *key;
	int global_only;
	int axis;
	const char *help;
} sweep_keys[] = {
	{ "description", 0, 0, "free text shown in --dry-run and the report" },
	{ "designs", 1, 0, "kernel/designs.tsv names whose role allows perf (baseline, compare)" },
	{ "baseline", 1, 0, "the design the others are compared against (default: the first)" },
	{ "repetitions", 1, 0, "runs of each point per design, 1 to 50 (default 5)" },
	{ "boot-warmup", 1, 0, "the discarded run at the start of each boot (default 1s, 0 = none)" },
	{ "vm-cpus", 0, 1, "the VM's vCPUs (default: the host's CPUs, at most 8)" },
	{ "vm-topology", 0, 1, "the VM's sockets:cores:threads (emulated by QEMU)" },
	{ "vm-numa-nodes", 0, 1, "the VM's NUMA nodes, 0 = none (emulated by QEMU)" },
	{ "timeseries", 0, 1, "on/off: keep each run's per-interval time series (the module's stream)" },
};

/* Run options that are the sweep's business, not a spec's. */
static const char *const not_in_specs[] = {
	"device", "json", "hist", "timeout", "percentiles", "help", "timeseries", "group-records",
};

int spec_is_sweep_key(const char *key)
{
	for (size_t i = 0; i < sizeof(sweep_keys) / sizeof(sweep_keys[0]); i++)
		if (!strcmp(sweep_keys[i].key, key))
			return (int)i + 1;
	return 0;
}

int spec_bool(const char *v)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		return 0;
	return -1;
}

static int run_key(const char *key)
{
	int i = opt_index(key);

	if (i < 0 || !(bench_options[i].cmds & CMDF(CMD_RUN)))
		return -1;
	for (size_t k = 0; k < sizeof(not_in_specs) / sizeof(not_in_specs[0]); k++)
		if (!strcmp(not_in_specs[k], key))
			return -1;
	return i;
}

struct parse {
	struct spec *s;
	FILE *f;
	int line;
	int long_line;			/* the line that was too long, 0 = none */
	int err_line;			/* the handler's first error */
	char err[512];
};

static void __attribute__((format(printf, 2, 3))) perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err_line)
		return;
	p->err_line = p->line;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
}

static struct spec_section *section(struct spec *s, const char *name, int line);
static int valid_section_name(const char *n);

static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->f);
	size_t n;

	if (!r)
		return NULL;
	p->line++;
	n = strlen(r);
	/*
	 * A section header: registered here, where its line is known, so that
	 * a sweep with no keys of its own still exists and errors about a
	 * sweep can name its header's line. libinih parses the line itself.
	 */
	{
		const char *b = r + strspn(r, " \t");
		const char *e = *b == '[' ? strchr(b, ']') : NULL;

		if (e && e - b - 1 > 0 && e - b - 1 < SPEC_NAME_LEN) {
			char name[SPEC_NAME_LEN];

			snprintf(name, sizeof(name), "%.*s", (int)(e - b - 1), b + 1);
			if (valid_section_name(name) && !section(p->s, name, p->line) && !p->err_line)
				perr(p, "too many sweeps (at most %d)", SPEC_MAX_SECTIONS);
		}
	}
	if (n == (size_t)num - 1 && r[n - 1] != '\n' && !feof(p->f)) {
		int c;

		if (!p->long_line)
			p->long_line = p->line;
		/* Swallow the rest of the line: it is reported, not parsed. */
		while ((c = fgetc(p->f)) != EOF && c != '\n')
			;
		r[0] = '\0';
	}
	return r;
}

static struct spec_section *section(struct spec *s, const char *name, int line)
{
	if (!strcmp(name, "global"))
		return &s->global;
	for (unsigned int i = 0; i < s->nsec; i++)
		if (!strcmp(s->sec[i].name, name))
			return &s->sec[i];
	if (s->nsec == SPEC_MAX_SECTIONS)
		return NULL;
	snprintf(s->sec[s->nsec].name, SPEC_NAME_LEN, "%s", name);
	s->sec[s->nsec].line = line;
	return &s->sec[s->nsec++];
}

static int valid_section_name(const char *n)
{
	if (!*n || strlen(n) >= SPEC_NAME_LEN)
		return 0;
	for (const char *c = n; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return 0;
	return 1;
}

/* A sweep key's value, checked alone. */
static int check_sweep_value(const char *key, const char *v, char *why, size_t len)
{
	char *end;
	unsigned long n;

	if (!strcmp(key, "timeseries")) {
		if (spec_bool(v) < 0) {
			snprintf(why, len, "timeseries: '%s' is not valid; accepted: on, off", v);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "vm-topology")) {
		unsigned int a, b, c;
		char tail;

		if (sscanf(v, "%u:%u:%u%c", &a, &b, &c, &tail) != 3 || !a || !b || !c || a * b * c > 64) {
			snprintf(why, len, "vm-topology: '%s' is not sockets:cores:threads with 1 to 64 "
				 "CPUs in all (e.g. 2:2:1)", v);
			return -1;
		}
		return 0;
	}
	if (!strcmp(key, "boot-warmup")) {
		uint64_t ms;

		if (parse_duration_ms(v, &ms, why, len))
			return -1;
		return 0;
	}
	/* vm-cpus, vm-numa-nodes, repetitions */
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || end == v || v[0] == '-' ||
	    (!strcmp(key, "vm-cpus") && (n < 1 || n > 64)) ||
	    (!strcmp(key, "vm-numa-nodes") && n > 8) ||
	    (!strcmp(key, "repetitions") && (n < 1 || n > 50))) {
		snprintf(why, len, "%s: '%s' is not valid; accepted: %s", key, v,
			 !strcmp(key, "vm-cpus") ? "1 to 64" : !strcmp(key, "vm-numa-nodes") ? "0 to 8" :
			 "1 to 50");
		return -1;
	}
	return 0;
}

static int handler(void *user, const char *secname, const char *key, const char *value)
{
	struct parse *p = user;
	struct spec *s = p->s;
	struct spec_section *sec;
	struct spec_entry *e;
	char why[320], *copy, *tok, *save;
	int sk, ri = -1;

	if (p->err_line)
		return 0;
	if (!*secname) {
		perr(p, "'%s' is outside any section: put it under [global] or a sweep's [section]", key);
		return 0;
	}
	if (!valid_section_name(secname)) {
		perr(p, "section name '%s': use letters, digits, '-' and '_' (at most %d)", secname,
		     SPEC_NAME_LEN - 1);
		return 0;
	}
	sec = section(s, secname, p->line);
	if (!sec) {
		perr(p, "too many sweeps (at most %d)", SPEC_MAX_SECTIONS);
		return 0;
	}
	sk = spec_is_sweep_key(key);
	if (!sk && (ri = run_key(key)) < 0) {
		perr(p, "unknown key '%s' in [%s]: keys are iopf-bench run options (see iopf-bench run "
		     "--help; not device, json, hist, timeout, percentiles) and designs, baseline, "
		     "repetitions, boot-warmup, vm-cpus, vm-topology, vm-numa-nodes, timeseries, "
		     "description", key, secname);
		return 0;
	}
	if (sk && sweep_keys[sk - 1].global_only && sec != &s->global) {
		perr(p, "'%s' belongs in [global], not in [%s]", key, secname);
		return 0;
	}
	if (!strcmp(key, "description")) {
		if (sec->description) {
			perr(p, "description given twice in [%s]", secname);
			return 0;
		}
		sec->description = strdup(value);
		return 1;
	}
	for (unsigned int i = 0; i < sec->ne; i++)
		if (!strcmp(sec->e[i].key, key)) {
			perr(p, "'%s' given twice in [%s] (first on line %d)", key, secname, sec->e[i].line);
			return 0;
		}
	if (sec->ne == SPEC_MAX_ENTRIES) {
		perr(p, "too many keys in [%s] (at most %d)", secname, SPEC_MAX_ENTRIES);
		return 0;
	}
	e = &sec->e[sec->ne++];
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->line = p->line;
	e->is_run_option = !sk;
	copy = strdup(value);
	if (!copy) {
		perr(p, "out of memory");
		return 0;
	}
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (e->n == SPEC_MAX_VALUES) {
			perr(p, "'%s': more than %d values", key, SPEC_MAX_VALUES);
			break;
		}
		e->values[e->n++] = strdup(tok);
		if (sk && strcmp(key, "designs") && strcmp(key, "baseline")) {
			if (check_sweep_value(key, tok, why, sizeof(why)))
				perr(p, "%s", why);
		} else if (!sk && bench_options[ri].type == OPT_FLAG) {
			if (spec_bool(tok) < 0)
				perr(p, "%s: '%s' is not valid; accepted: on, off", key, tok);
		} else if (!sk && opts_check_value(key, tok, why, sizeof(why))) {
			perr(p, "%s", why[0] == '-' && why[1] == '-' ? why + 2 : why);
		}
		if (p->err_line)
			break;
	}
	free(copy);
	if (!p->err_line && !e->n)
		perr(p, "'%s' has no value", key);
	if (!p->err_line && e->n > 1 && sk && !sweep_keys[sk - 1].axis && strcmp(key, "designs"))
		perr(p, "'%s' takes one value, not a list", key);
	return !p->err_line;
}

/* kernel/designs.tsv: the role of design name; NULL if it is not there. */
static char *design_role(const char *tsv, const char *name, char *role, size_t len,
			 char *names, size_t nlen)
{
	FILE *f = fopen(tsv, "r");
	char line[1024];
	char *found = NULL;

	if (names)
		names[0] = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *col[4] = { 0 }, *save, *t;
		int n = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = 0;
		for (t = strtok_r(line, "\t", &save); t && n < 4; t = strtok_r(NULL, "\t", &save))
			col[n++] = t;
		if (n < 3)
			continue;
		if (names && (!strcmp(col[2], "baseline") || !strcmp(col[2], "compare")))
			snprintf(names + strlen(names), nlen - strlen(names), "%s%s", names[0] ? ", " : "",
				 col[0]);
		if (!strcmp(col[0], name)) {
			snprintf(role, len, "%s", col[2]);
			found = role;
		}
	}
	fclose(f);
	return found;
}

/*
 * A design a sweep may run: a line of kernel/designs.tsv whose role is for
 * performance. 0, or -1 with "'NAME' ..." in why (the caller says where).
 */
static int check_design(const char *tsv, const char *name, char *why, size_t len)
{
	char role[32], perf[256];

	if (!design_role(tsv, name, role, sizeof(role), perf, sizeof(perf))) {
		snprintf(why, len, "'%s' is not in %s (designs for performance: %s)", name, tsv, perf);
		return -1;
	}
	if (strcmp(role, "baseline") && strcmp(role, "compare")) {
		snprintf(why, len, "'%s' has role '%s' in %s: it is for the stress suite, not for "
			 "performance (designs for performance: %s)", name, role, tsv, perf);
		return -1;
	}
	return 0;
}

static const struct spec_entry *find(const struct spec_section *sec, const char *key)
{
	for (unsigned int i = 0; i < sec->ne; i++)
		if (!strcmp(sec->e[i].key, key))
			return &sec->e[i];
	return NULL;
}

const struct spec_entry *spec_lookup(const struct spec *s, const struct spec_section *sec,
				     const char *key)
{
	const struct spec_entry *e = sec ? find(sec, key) : NULL;

	return e ? e : find(&s->global, key);
}

static int resolve_global(struct spec *s, const char *tsv, char *err, size_t len)
{
	const struct spec_entry *e;
	char why[512];

	e = find(&s->global, "designs");
	if (e) {
		s->designs_line = e->line;
		if (e->n > SPEC_MAX_DESIGNS) {
			snprintf(err, len, "%s:%d: at most %d designs", s->path, e->line, SPEC_MAX_DESIGNS);
			return -1;
		}
		for (unsigned int i = 0; i < e->n; i++) {
			for (unsigned int j = 0; j < i; j++)
				if (!strcmp(e->values[i], e->values[j])) {
					snprintf(err, len, "%s:%d: design '%s' listed twice", s->path, e->line,
						 e->values[i]);
					return -1;
				}
			snprintf(s->designs[s->ndesigns++], SPEC_NAME_LEN, "%s", e->values[i]);
		}
	} else {
		snprintf(s->designs[0], SPEC_NAME_LEN, "rcu");
		snprintf(s->designs[1], SPEC_NAME_LEN, "mutex");
		s->ndesigns = 2;
	}
	if (tsv) {
		for (unsigned int i = 0; i < s->ndesigns; i++) {
			if (check_design(tsv, s->designs[i], why, sizeof(why))) {
				snprintf(err, len, "%s:%d: design %s", s->path, s->designs_line, why);
				return -1;
			}
		}
	}
	e = find(&s->global, "baseline");
	if (e) {
		unsigned int i;

		s->baseline_line = e->line;
		for (i = 0; i < s->ndesigns && strcmp(s->designs[i], e->values[0]); i++)
			;
		if (i == s->ndesigns) {
			snprintf(err, len, "%s:%d: baseline '%s' is not one of the designs", s->path, e->line,
				 e->values[0]);
			return -1;
		}
		snprintf(s->baseline, SPEC_NAME_LEN, "%s", e->values[0]);
	} else {
		snprintf(s->baseline, SPEC_NAME_LEN, "%s", s->designs[0]);
	}
	e = find(&s->global, "repetitions");
	s->repetitions = e ? (unsigned int)strtoul(e->values[0], NULL, 10) : 5;
	e = find(&s->global, "boot-warmup");
	s->boot_warmup_ms = 1000;
	if (e && parse_duration_ms(e->values[0], &s->boot_warmup_ms, err, len))
		return -1;
	s->description = s->global.description;
	if (!s->nsec) {
		snprintf(err, len, "%s: no sweep: add a [section] with the sweep's keys (see "
			 "bench/specs/default.ini)", s->path);
		return -1;
	}
	return 0;
}

int spec_load(struct spec *s, const char *path, const char *designs_tsv, char *err, size_t len)
{
	struct parse p = { .s = s };
	const char *base;
	size_t n;
	int rc;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".ini"))
		n -= 4;
	snprintf(s->name, sizeof(s->name), "%.*s", (int)(n < SPEC_NAME_LEN - 1 ? n : SPEC_NAME_LEN - 1),
		 base);
	snprintf(s->global.name, sizeof(s->global.name), "global");
	p.f = fopen(path, "r");
	if (!p.f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
	fclose(p.f);
	if (p.long_line && (!rc || p.long_line <= rc)) {
		snprintf(err, len, "%s:%d: line too long (at most %d characters)", path, p.long_line,
			 INI_MAX_LINE - 2);
		return -1;
	}
	if (p.err_line) {
		snprintf(err, len, "%s:%d: %s", path, p.err_line, p.err);
		return -1;
	}
	if (rc) {
		snprintf(err, len, "%s:%d: not a line of an INI file: expected [section], key = value "
			 "or a ; or # comment", path, rc);
		return -1;
	}
	return resolve_global(s, designs_tsv, err, len);
}

static void section_free(struct spec_section *sec)
{
	free(sec->description);
	for (unsigned int i = 0; i < sec->ne; i++)
		for (unsigned int k = 0; k < sec->e[i].n; k++)
			free(sec->e[i].values[k]);
}

void spec_free(struct spec *s)
{
	section_free(&s->global);
	for (unsigned int i = 0; i < s->nsec; i++)
		section_free(&s->sec[i]);
	memset(s, 0, sizeof(*s));
}

int spec_set_designs(struct spec *s, const char *list, const char *designs_tsv, char *err, size_t len)
{
	char *copy = strdup(list ? list : ""), *t, *save, why[512];

	if (!copy) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	s->ndesigns = 0;
	for (t = strtok_r(copy, " ,", &save); t; t = strtok_r(NULL, " ,", &save)) {
		if (s->ndesigns == SPEC_MAX_DESIGNS) {
			snprintf(err, len, "--designs: at most %d designs", SPEC_MAX_DESIGNS);
			free(copy);
			return -1;
		}
		if (designs_tsv && check_design(designs_tsv, t, why, sizeof(why))) {
			snprintf(err, len, "--designs: %s", why);
			free(copy);
			return -1;
		}
		snprintf(s->designs[s->ndesigns++], SPEC_NAME_LEN, "%s", t);
	}
	free(copy);
	if (!s->ndesigns) {
		snprintf(err, len, "--designs: no design given");
		return -1;
	}
	snprintf(s->baseline, SPEC_NAME_LEN, "%s", s->designs[0]);
	return 0;
}
