// SPDX-License-Identifier: GPL-2.0
/* jsonutil.c - the small json-c helpers (jsonutil.h). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "jsonutil.h"

struct json_object *jget(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !key || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

bool jhas(struct json_object *o, const char *key)
{
	return o && key && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, NULL);
}

const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

struct json_object *jarr(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key);

	return v && json_object_is_type(v, json_type_array) ? v : NULL;
}

bool jnumber(struct json_object *v, double *out)
{
	if (!v)
		return false;
	if (json_object_is_type(v, json_type_int)) {
		*out = (double)json_object_get_int64(v);
		if (*out >= 9.2e18)	/* uint64 beyond int64 */
			*out = (double)json_object_get_uint64(v);
		return true;
	}
	if (json_object_is_type(v, json_type_double)) {
		*out = json_object_get_double(v);
		return isfinite(*out);
	}
	return false;
}

struct json_object *jfind(struct json_object *o, const char *arr, const char *key, const char *val)
{
	struct json_object *a = jarr(o, arr);

	for (size_t i = 0; a && val && i < json_object_array_length(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		const char *v = jstr(e, key);

		if (v && !strcmp(v, val))
			return e;
	}
	return NULL;
}

struct json_object *jnum(double v)
{
	if (!isfinite(v))
		return NULL;
	if (v == floor(v) && fabs(v) < 9.0e15)
		return json_object_new_int64((int64_t)v);
	return json_object_new_double(v);
}

struct json_object *jref(struct json_object *o)
{
	return o ? json_object_get(o) : NULL;
}
