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
#include <sys/stat.h>
#include <unistd.h>

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
	{ "designs", 1, 0, "design references (NAME, NAME@SOURCE, LABEL=BASE[+PATCH...], distro@SOURCE) "
	  "whose role allows perf (baseline, compare, test; a test design never as the baseline)" },
	{ "baseline", 1, 0, "the design the others are compared against, by label or reference (default: the first)" },
	{ "repetitions", 1, 0, "runs of each point per design, 1 to " SPEC_MAX_REPS_STR " (default 5)" },
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
	    (!strcmp(key, "repetitions") && (n < 1 || n > SPEC_MAX_REPS))) {
		snprintf(why, len, "%s: '%s' is not valid; accepted: %s", key, v,
			 !strcmp(key, "vm-cpus") ? "1 to 64" : !strcmp(key, "vm-numa-nodes") ? "0 to 8" :
			 "1 to " SPEC_MAX_REPS_STR);
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
		if (names && (!strcmp(col[2], "baseline") || !strcmp(col[2], "compare") || !strcmp(col[2], "test")))
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
 * kernel/sources.tsv (beside designs.tsv): the line of source name, its
 * kind (column 2) and pinned version (column 4); names gets every name.
 * 0 found, -1 not.
 */
static int source_line(const char *designs_tsv, const char *name, char *kind, size_t klen, char *pinned,
		       size_t plen, char *names, size_t nlen)
{
	char path[4096], line[2048];
	const char *slash = strrchr(designs_tsv, '/');
	FILE *f;
	int found = -1;

	snprintf(path, sizeof(path), "%.*ssources.tsv", slash ? (int)(slash - designs_tsv + 1) : 0, designs_tsv);
	if (names)
		names[0] = 0;
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *col[6] = { 0 }, *save, *t;
		int n = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = 0;
		for (t = strtok_r(line, "\t", &save); t && n < 6; t = strtok_r(NULL, "\t", &save))
			col[n++] = t;
		if (n < 4)
			continue;
		if (names)
			snprintf(names + strlen(names), nlen - strlen(names), "%s%s", names[0] ? ", " : "", col[0]);
		if (!strcmp(col[0], name)) {
			snprintf(kind, klen, "%s", col[1]);
			snprintf(pinned, plen, "%s", col[3]);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

static int __attribute__((format(printf, 3, 4))) why_f(char *why, size_t len, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(why, len, f, ap);
	va_end(ap);
	return -1;
}

/* PATH with a leading ~ expanded, made absolute against the current directory ("./" and "/." folded). */
static void path_abs(const char *p, char *out, size_t len)
{
	char cwd[4096], tmp[4096];
	const char *home = getenv("HOME");
	size_t n;

	if ((!strcmp(p, "~") || !strncmp(p, "~/", 2)) && home)
		snprintf(tmp, sizeof(tmp), "%s%s", home, p + 1);
	else if (p[0] == '/')
		snprintf(tmp, sizeof(tmp), "%s", p);
	else
		if (snprintf(tmp, sizeof(tmp), "%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : ".", p) >= (int)sizeof(tmp))
			tmp[sizeof(tmp) - 1] = 0;	/* too long: fails where it is used */
	/* fold "/./" and a trailing "/." and "/"; ".." is left to the kernel */
	for (char *q; (q = strstr(tmp, "/./"));)
		memmove(q, q + 2, strlen(q + 2) + 1);
	for (char *q; (q = strstr(tmp, "//"));)
		memmove(q, q + 1, strlen(q + 1) + 1);
	n = strlen(tmp);
	if (n > 2 && !strcmp(tmp + n - 2, "/."))
		tmp[n -= 2] = 0;
	if (n > 1 && tmp[n - 1] == '/')
		tmp[n - 1] = 0;
	snprintf(out, len, "%s", tmp);
}

static int is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

/* A token meant as a patch file (so a missing one is an error, not part of a version). */
static int looks_like_patch(const char *t)
{
	static const char *const ext[] = { ".patch", ".diff", ".mbox", ".series", ".eml" };
	size_t n = strlen(t);

	if (strchr(t, '/') || t[0] == '~')
		return 1;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (n > strlen(ext[i]) && !strcmp(t + n - strlen(ext[i]), ext[i]))
			return 1;
	return 0;
}

/* Every character but [A-Za-z0-9._@+-] as '_'. */
static void label_safe(char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._@+-", *s))
			*s = '_';
}

static int valid_label(const char *l)
{
	if (!*l || !(islower((unsigned char)*l) || isdigit((unsigned char)*l)))
		return 0;
	for (; *l; l++)
		if (!islower((unsigned char)*l) && !isdigit((unsigned char)*l) && *l != '-')
			return 0;
	return 1;
}

/*
 * A source spec: its syntax, its line of sources.tsv, normalized into out
 * (paths absolute, a version equal to the pinned one dropped). kind gets
 * deb (or the table's kind), tarball or tree; path and rev for a tree.
 */
static int source_norm(const char *tsv, const char *ref, const char *src, char *out, size_t olen,
		       char *kind, size_t klen, char *path, size_t plen, char *rev, size_t rlen,
		       char *why, size_t len)
{
	char name[SPEC_NAME_LEN], pinned[128], names[512], t[SPEC_REF_LEN], left[SPEC_REF_LEN];
	const char *ver;

	path[0] = rev[0] = 0;
	if (!strncmp(src, "tarball:", 8)) {
		if (!src[8])
			return why_f(why, len, "'%s': tarball:PATH needs a path", ref);
		path_abs(src + 8, path, plen);
		snprintf(kind, klen, "tarball");
		snprintf(out, olen, "tarball:%s", path);
		return 0;
	}
	if (!strncmp(src, "tree:", 5)) {
		const char *p = src + 5, *at;

		if (!*p || *p == '@')
			return why_f(why, len, "'%s': tree:PATH[@REV] needs a path", ref);
		snprintf(kind, klen, "tree");
		/* A path may contain '@': split at the first '@' whose left side is a directory. */
		for (at = strchr(p, '@'); at; at = strchr(at + 1, '@')) {
			snprintf(left, sizeof(left), "%.*s", (int)(at - p), p);
			path_abs(left, t, sizeof(t));
			if (at > p && is_dir(t))
				break;
		}
		if (!at && (at = strchr(p, '@'))) {
			snprintf(t, sizeof(t), "%s", p);
			path_abs(t, left, sizeof(left));
			if (is_dir(left))
				at = NULL;
		}
		if (at) {
			if (!at[1])
				return why_f(why, len, "'%s': nothing after '@' (tree:PATH@REV)", ref);
			snprintf(left, sizeof(left), "%.*s", (int)(at - p), p);
			path_abs(left, path, plen);
			snprintf(rev, rlen, "%s", at + 1);
			snprintf(out, olen, "tree:%s@%s", path, rev);
		} else {
			path_abs(p, path, plen);
			snprintf(out, olen, "tree:%s", path);
		}
		return 0;
	}
	ver = strchr(src, ':');
	snprintf(name, sizeof(name), "%.*s", ver ? (int)(ver - src) : (int)strlen(src), src);
	if (ver && !ver[1])
		return why_f(why, len, "'%s': nothing after '%s:' (NAME:VERSION)", ref, name);
	if (ver) {
		ver++;
		if (!isalnum((unsigned char)*ver))
			return why_f(why, len, "'%s': '%s' is not a Debian package version", ref, ver);
		for (const char *c = ver; *c; c++)
			if (!isalnum((unsigned char)*c) && !strchr(".+~:-", *c))
				return why_f(why, len, "'%s': '%s' is not a Debian package version", ref, ver);
	}
	if (!tsv) {
		snprintf(kind, klen, "deb");
		snprintf(out, olen, "%s", src);
		return 0;
	}
	if (source_line(tsv, name, kind, klen, pinned, sizeof(pinned), names, sizeof(names)))
		return why_f(why, len, "'%s': unknown source '%s' (kernel/sources.tsv has: %s; or tarball:PATH, "
			     "tree:PATH[@REV])", ref, name, names);
	if (ver && !strcmp(ver, pinned))
		ver = NULL;
	snprintf(out, olen, "%s%s%s", name, ver ? ":" : "", ver ? ver : "");
	return 0;
}

int spec_design_ref(const char *tsv, const char *ref, struct spec_design *d, char *why, size_t len)
{
	char buf[SPEC_REF_LEN], base[SPEC_REF_LEN], kind[32], path[SPEC_REF_LEN], rev[256], perf[256];
	char patches[SPEC_REF_LEN] = "", srcnorm[SPEC_REF_LEN] = "", t[SPEC_REF_LEN], names[512], pin[128];
	const char *eq = strchr(ref, '='), *c;
	int label_form = 0, srcgiven = 0, npatches = 0;

	memset(d, 0, sizeof(*d));
	snprintf(d->flavor, sizeof(d->flavor), "perf");
	if (!*ref)
		return why_f(why, len, "an empty design reference");
	if (strlen(ref) >= SPEC_REF_LEN - 1)
		return why_f(why, len, "'%.40s...': a design reference of more than %d characters", ref,
			     SPEC_REF_LEN - 2);
	for (c = ref; *c; c++)
		if (isspace((unsigned char)*c))
			return why_f(why, len, "'%s': a design reference has no whitespace", ref);
	if (eq && strcspn(ref, "@:/+~") > (size_t)(eq - ref))
		label_form = 1;
	if (label_form) {
		char *rest, *tok, *plus;

		snprintf(d->label, sizeof(d->label), "%.*s", (int)(eq - ref), ref);
		if (eq - ref > 63 || !valid_label(d->label))
			return why_f(why, len, "'%s': the label '%.*s' must be lower-case letters, digits and '-', "
				     "starting with a letter or digit (at most 63)", ref, (int)(eq - ref), ref);
		if (!strcmp(d->label, "distro") || (tsv && design_role(tsv, d->label, d->role, sizeof(d->role), NULL, 0)))
			return why_f(why, len, "'%s': '%s' is the name of a design; give a LABEL of your own", ref,
				     d->label);
		if (!eq[1])
			return why_f(why, len, "'%s': nothing after '%s=' (LABEL=SOURCE[+PATCH...] or "
				     "LABEL=NAME@SOURCE[+PATCH...])", ref, d->label);
		/* BASE+PATCH...: as scripts/lib.sh design_resolve: a '+' starts a patch when what
		 * follows is a file or is named like one; before the first patch any other '+' is
		 * part of BASE (a Debian version: debian-7.3:7.3.4-1~bpo13+1). */
		snprintf(buf, sizeof(buf), "%s", eq + 1);
		rest = buf;
		plus = strchr(rest, '+');
		snprintf(base, sizeof(base), "%.*s", plus ? (int)(plus - rest) : (int)strlen(rest), rest);
		while (plus) {
			char abs[SPEC_REF_LEN];

			tok = plus + 1;
			plus = strchr(tok, '+');
			if (plus)
				*plus = 0;
			abs[0] = 0;
			if (*tok)
				path_abs(tok, abs, sizeof(abs));
			if (!npatches && (!*tok || !is_file(abs)) && !looks_like_patch(tok)) {
				snprintf(base + strlen(base), sizeof(base) - strlen(base), "+%s", tok);
				continue;
			}
			if (!*tok || !is_file(abs) || access(abs, R_OK))
				return why_f(why, len, "'%s': patch '%s' is not a readable file", ref, tok);
			snprintf(patches + strlen(patches), sizeof(patches) - strlen(patches), "+%s", abs);
			npatches++;
		}
		if (!strncmp(base, "tarball:", 8) || !strncmp(base, "tree:", 5)) {
			snprintf(d->source, sizeof(d->source), "%s", base);
			srcgiven = 1;
		} else if (strchr(base, '@')) {
			snprintf(d->base, sizeof(d->base), "%.*s", (int)(strchr(base, '@') - base), base);
			snprintf(d->source, sizeof(d->source), "%s", strchr(base, '@') + 1);
			srcgiven = 1;
		} else {
			snprintf(t, sizeof(t), "%.*s", (int)strcspn(base, ":"), base);
			if (tsv && !source_line(tsv, t, kind, sizeof(kind), pin, sizeof(pin), NULL, 0)) {
				snprintf(d->source, sizeof(d->source), "%s", base);
				srcgiven = 1;
			} else if (!strchr(base, ':') && (!tsv || design_role(tsv, base, d->role, sizeof(d->role),
									      NULL, 0))) {
				snprintf(d->base, sizeof(d->base), "%s", base);
			} else {
				source_line(tsv, "", kind, sizeof(kind), pin, sizeof(pin), names, sizeof(names));
				design_role(tsv, "", d->role, sizeof(d->role), perf, sizeof(perf));
				return why_f(why, len, "'%s': '%s' is neither a design of kernel/designs.tsv nor a "
					     "source of kernel/sources.tsv (%s), tarball:PATH or tree:PATH[@REV]",
					     ref, base, names);
			}
		}
		if (!strcmp(d->base, "distro"))
			return why_f(why, len, "'%s': Debian's prebuilt kernels take no patches (distro@SOURCE "
				     "has no LABEL= form)", ref);
		if (d->base[0] && tsv && !design_role(tsv, d->base, d->role, sizeof(d->role), perf, sizeof(perf)))
			return why_f(why, len, "'%s': unknown design '%s' (designs for performance: %s)", ref,
				     d->base, perf);
		snprintf(d->role, sizeof(d->role), "compare");
	} else {
		const char *at = strchr(ref, '@'), *p;

		snprintf(d->base, sizeof(d->base), "%.*s", at ? (int)(at - ref) : (int)strlen(ref), ref);
		if (at && (at - ref) >= SPEC_NAME_LEN)
			return why_f(why, len, "'%s': no design has so long a name", ref);
		if (at) {
			snprintf(d->source, sizeof(d->source), "%s", at + 1);
			srcgiven = 1;
			if (!at[1])
				return why_f(why, len, "'%s': nothing after '@' (NAME@SOURCE)", ref);
		}
		p = strrchr(d->source, '+');
		if (p && looks_like_patch(p + 1))
			return why_f(why, len, "'%s': extra patches need a label of their own: LABEL=%s (LABEL: "
				     "lower-case letters, digits, '-')", ref, ref);
		if (!strcmp(d->base, "distro")) {
			snprintf(d->role, sizeof(d->role), "compare");
			snprintf(d->flavor, sizeof(d->flavor), "amd64");
			if (srcgiven) {
				if (source_norm(tsv, ref, d->source, srcnorm, sizeof(srcnorm), kind, sizeof(kind), path,
						sizeof(path), rev, sizeof(rev), why, len))
					return -1;
				if (strcmp(kind, "deb") || strchr(srcnorm, ':'))
					return why_f(why, len, "'%s': distro@SOURCE takes a named Debian source without "
						     "a version", ref);
				snprintf(d->source, sizeof(d->source), "%s", srcnorm);
				snprintf(d->ref, sizeof(d->ref), "distro@%s", srcnorm);
			} else {
				snprintf(d->ref, sizeof(d->ref), "distro");
			}
			snprintf(d->label, sizeof(d->label), "%.*s", SPEC_NAME_LEN - 1, d->ref);
			return 0;
		}
		if (tsv && !design_role(tsv, d->base, d->role, sizeof(d->role), perf, sizeof(perf)))
			return why_f(why, len, "'%s' is not in %s (designs for performance: %s)", d->base, tsv, perf);
	}
	if (srcgiven) {
		if (source_norm(tsv, ref, d->source, srcnorm, sizeof(srcnorm), kind, sizeof(kind), path,
				sizeof(path), rev, sizeof(rev), why, len))
			return -1;
		snprintf(d->source, sizeof(d->source), "%s", srcnorm);
	}
	if (label_form) {
		int n = snprintf(d->ref, sizeof(d->ref), "%s=%s%s%s%s", d->label, d->base, d->base[0] && srcgiven ? "@" : "",
				 srcgiven ? d->source : "", patches);

		if (n >= (int)sizeof(d->ref))
			return why_f(why, len, "'%s': too long once its paths are made absolute", ref);
	} else if (srcgiven) {
		char l[2 * SPEC_REF_LEN + 128];

		if (snprintf(d->ref, sizeof(d->ref), "%s@%s", d->base, d->source) >= (int)sizeof(d->ref))
			return why_f(why, len, "'%s': too long once its paths are made absolute", ref);
		if (!strcmp(kind, "tarball")) {
			const char *b = strrchr(path, '/');
			static const char *const ext[] = { ".tar.xz", ".tar.gz", ".tar.bz2", ".tar.zst", ".tar",
							   ".tgz", ".txz" };
			size_t n;

			snprintf(t, sizeof(t), "%s", b ? b + 1 : path);
			n = strlen(t);
			for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
				if (n > strlen(ext[i]) && !strcmp(t + n - strlen(ext[i]), ext[i])) {
					t[n - strlen(ext[i])] = 0;
					break;
				}
			label_safe(t);
			if (snprintf(l, sizeof(l), "%s@tarball-%s", d->base, t) < 0)
				return -1;
		} else if (!strcmp(kind, "tree")) {
			const char *b = strrchr(path, '/');

			if (snprintf(t, sizeof(t), "%s%s%s", b ? b + 1 : path, rev[0] ? "-" : "", rev) >= (int)sizeof(t))
				t[sizeof(t) - 1] = 0;
			label_safe(t);
			if (snprintf(l, sizeof(l), "%s@tree-%s", d->base, t) < 0)
				return -1;
		} else {
			snprintf(t, sizeof(t), "%s", d->source);
			label_safe(t);
			if (snprintf(l, sizeof(l), "%s@%s", d->base, t) < 0)
				return -1;
		}
		if (strlen(l) > 63)
			return why_f(why, len, "'%s': its label '%s' is longer than 63 characters: name it, LABEL=%s",
				     ref, l, ref);
		snprintf(d->label, sizeof(d->label), "%s", l);
	} else {
		snprintf(d->ref, sizeof(d->ref), "%s", d->base);
		snprintf(d->label, sizeof(d->label), "%s", d->base);
	}
	return 0;
}

/*
 * A design a sweep may run: a reference (spec_design_ref) whose role is for
 * performance (a designs.tsv design's, baseline, compare or test; LABEL=
 * refs and Debian's kernels are compare). A test design (a known slowdown,
 * for calibrating the gate) is never the baseline (spec_baseline_ok()). 0, or -1 with "'REF' ..." in why (the
 * caller says where).
 */
static int check_design(const char *tsv, const char *ref, struct spec_design *d, char *why, size_t len)
{
	char role[32], perf[256];

	if (spec_design_ref(tsv, ref, d, why, len))
		return -1;
	if (tsv && strcmp(d->role, "baseline") && strcmp(d->role, "compare") && strcmp(d->role, "test")) {
		design_role(tsv, d->base, role, sizeof(role), perf, sizeof(perf));
		snprintf(why, len, "'%s' has role '%s' in %s: it is for the stress suite, not for "
			 "performance (designs for performance: %s)", ref, d->role, tsv, perf);
		return -1;
	}
	return 0;
}

/* The baseline (index i) may not be a test design: its slowdown is the point of it. */
static int baseline_ok(const struct spec *s, unsigned int i, char *why, size_t len)
{
	if (!strcmp(s->dref[i].role, "test"))
		return why_f(why, len, "'%s' has role 'test' (a known slowdown for calibrating the gate): it is "
			     "never the baseline; put another design first or name the baseline", s->dref[i].ref);
	return 0;
}

/* Add design d to s: its label must be new. */
static int add_design(struct spec *s, const struct spec_design *d, char *why, size_t len)
{
	for (unsigned int i = 0; i < s->ndesigns; i++)
		if (!strcmp(s->designs[i], d->label))
			return why_f(why, len, "'%s' and '%s' have the same label '%s' (name one: LABEL=...)",
				     s->dref[i].ref, d->ref, d->label);
	if (s->ndesigns == SPEC_MAX_DESIGNS)
		return why_f(why, len, "at most %d designs", SPEC_MAX_DESIGNS);
	s->dref[s->ndesigns] = *d;
	snprintf(s->designs[s->ndesigns++], SPEC_NAME_LEN, "%s", d->label);
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
	char why[1024];

	e = find(&s->global, "designs");
	if (e) {
		s->designs_line = e->line;
		if (e->n > SPEC_MAX_DESIGNS) {
			snprintf(err, len, "%s:%d: at most %d designs", s->path, e->line, SPEC_MAX_DESIGNS);
			return -1;
		}
		for (unsigned int i = 0; i < e->n; i++) {
			struct spec_design d;

			for (unsigned int j = 0; j < i; j++)
				if (!strcmp(e->values[i], e->values[j])) {
					snprintf(err, len, "%s:%d: design '%s' listed twice", s->path, e->line,
						 e->values[i]);
					return -1;
				}
			if (check_design(tsv, e->values[i], &d, why, sizeof(why)) ||
			    add_design(s, &d, why, sizeof(why))) {
				snprintf(err, len, "%s:%d: design %s", s->path, e->line, why);
				return -1;
			}
		}
	} else {
		static const char *const def[] = { "rcu", "mutex" };

		for (unsigned int i = 0; i < 2; i++) {
			struct spec_design d;

			if (check_design(tsv, def[i], &d, why, sizeof(why)) || add_design(s, &d, why, sizeof(why))) {
				snprintf(err, len, "%s: design %s", s->path, why);
				return -1;
			}
		}
	}
	e = find(&s->global, "baseline");
	if (e) {
		unsigned int i;

		s->baseline_line = e->line;
		/* by label or by reference */
		for (i = 0; i < s->ndesigns && strcmp(s->designs[i], e->values[0]) &&
			    strcmp(s->dref[i].ref, e->values[0]); i++)
			;
		if (i == s->ndesigns) {
			snprintf(err, len, "%s:%d: baseline '%s' is not one of the designs", s->path, e->line,
				 e->values[0]);
			return -1;
		}
		if (baseline_ok(s, i, why, sizeof(why))) {
			snprintf(err, len, "%s:%d: baseline %s", s->path, e->line, why);
			return -1;
		}
		snprintf(s->baseline, SPEC_NAME_LEN, "%s", s->designs[i]);
	} else {
		if (baseline_ok(s, 0, why, sizeof(why))) {
			const struct spec_entry *de = find(&s->global, "designs");

			if (de)
				snprintf(err, len, "%s:%d: baseline (the first design) %s", s->path, de->line, why);
			else
				snprintf(err, len, "%s: baseline (the first design) %s", s->path, why);
			return -1;
		}
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
	char *copy = strdup(list ? list : ""), *t, *save, why[1024];

	if (!copy) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	s->ndesigns = 0;
	for (t = strtok_r(copy, " ,", &save); t; t = strtok_r(NULL, " ,", &save)) {
		struct spec_design d;

		if (check_design(designs_tsv, t, &d, why, sizeof(why)) || add_design(s, &d, why, sizeof(why))) {
			snprintf(err, len, "--designs: %s", why);
			free(copy);
			return -1;
		}
	}
	free(copy);
	if (!s->ndesigns) {
		snprintf(err, len, "--designs: no design given");
		return -1;
	}
	if (baseline_ok(s, 0, why, sizeof(why))) {
		snprintf(err, len, "--designs: the baseline (the first design) %s", why);
		return -1;
	}
	snprintf(s->baseline, SPEC_NAME_LEN, "%s", s->designs[0]);
	return 0;
}

int spec_add_design(struct spec *s, const char *ref, const char *designs_tsv, char *err, size_t len)
{
	struct spec_design d;
	char why[1024];

	if (check_design(designs_tsv, ref, &d, why, sizeof(why)) || add_design(s, &d, why, sizeof(why))) {
		snprintf(err, len, "--design: %s", why);
		return -1;
	}
	return 0;
}
