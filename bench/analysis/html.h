/* SPDX-License-Identifier: GPL-2.0 */
/*
 * html.h - report.html: one offline page (inline CSS, figures referenced as
 * fig/NAME.svg with PNG links) made from run.json's document.
 */
#ifndef BENCH_HTML_H
#define BENCH_HTML_H

#include <stdio.h>

#include <json-c/json.h>

/*
 * Write path (DIR/report.html) from run (the run.json document, see
 * results/SCHEMA.md). Links are relative to the folder holding path. Returns
 * 0, or -1 with the reason on log.
 */
int html_write(const char *path, struct json_object *run, FILE *log);

/* report.html's style sheet (inline CSS), for compare.html too. */
const char *html_style(void);

/* A relative link target: percent-encoded and attribute-safe, to f. */
void html_href(FILE *f, const char *path);

/* s with & < > " ' escaped, to f. */
void html_escape(FILE *f, const char *s);

#endif
