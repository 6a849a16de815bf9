/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jsonutil.h - the small json-c helpers (jsonutil.c) that report
 * (results.c, html.c), compare (compare.c), calibrate (calibrate.c) and
 * sweep (sweep.c) read their documents with: one set, with one meaning.
 *
 * The getters never fail loudly and never convert: a missing key, a JSON
 * null, a value of another type, a NULL document or a document that is not
 * an object (for jfind also an arr that is not an array) all give NULL
 * (false for jhas and jnumber), so they nest (jget(jget(o, "a"), "b"))
 * without checks between.
 * What a getter returns is no new reference: it belongs to the document.
 * For the lenient reading json-c itself offers (any value as text, numbers
 * from strings), call json_object_get_string() & co. on jget()'s result.
 */
#ifndef BENCH_JSONUTIL_H
#define BENCH_JSONUTIL_H

#include <stdbool.h>

#include <json-c/json.h>

/*
 * The value of key in object o. NULL when o is NULL or not an object, key
 * is NULL, o has no such key, or the value is JSON null (jhas tells the last
 * two apart).
 */
struct json_object *jget(struct json_object *o, const char *key);

/* Whether object o has key at all, its value JSON null included. */
bool jhas(struct json_object *o, const char *key);

/* The string value of key, or NULL (as jget, and for a value that is not a string). */
const char *jstr(struct json_object *o, const char *key);

/* The array value of key, or NULL (as jget, and for a value that is not an array). */
struct json_object *jarr(struct json_object *o, const char *key);

/*
 * v as a number in *out: true for a JSON integer (int64 or uint64, as the
 * nearest double) and for a finite double. False, *out untouched, for NULL
 * (missing or null) and every other type: no booleans, no numeric strings.
 * A double that is not finite (NaN, Infinity) is stored in *out and gives
 * false.
 */
bool jnumber(struct json_object *v, double *out);

/*
 * The first element of array arr (a key of object o, as jarr) that is an
 * object whose string key equals val; NULL if none, or val is NULL. Elements
 * whose key is missing or not a string never match.
 */
struct json_object *jfind(struct json_object *o, const char *arr, const char *key, const char *val);

/*
 * A new JSON number for v: an integer when v is whole and below 9e15 in
 * magnitude, else a double; NULL (JSON null) when v is not finite, where
 * json-c would write NaN.
 */
struct json_object *jnum(double v);

/* A new reference to o for adding it to a second document; NULL stays NULL. */
struct json_object *jref(struct json_object *o);

#endif
