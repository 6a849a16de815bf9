// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the json-c getters every command reads its documents with
 * (bench/lib/jsonutil.c): what a missing key, a JSON null, a value of another
 * type and a document that is not an object give; numbers (integers, uint64
 * beyond int64, doubles, NaN, no booleans or strings); jfind's array
 * look-up; jnum's integer/double/null choice.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wclobbered"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#include "jsonutil.h"

static const char doc_text[] =
	"{ \"s\": \"text\", \"i\": 42, \"neg\": -7, \"big\": 18446744073709551615,"
	"  \"d\": 2.5, \"nan\": NaN, \"b\": true, \"num_s\": \"12\", \"nul\": null,"
	"  \"o\": { \"k\": \"v\" }, \"a\": [ 1, 2 ],"
	"  \"pts\": [ 3, { \"id\": 5 }, { \"name\": \"x\" }, { \"id\": null },"
	"           { \"id\": \"p1\", \"n\": 1 }, { \"id\": \"p2\" }, { \"id\": \"p1\", \"n\": 2 } ] }";

static struct json_object *doc(void)
{
	return json_tokener_parse(doc_text);
}

TEST(jget_missing_null_type)
{
	struct json_object *d = doc(), *a;

	ASSERT_NE(NULL, d);
	a = jget(d, "a");
	EXPECT_NE(NULL, jget(d, "s"));
	EXPECT_NE(NULL, jget(jget(d, "o"), "k"));
	/* missing, null, NULL key, NULL or non-object document: all NULL */
	EXPECT_EQ(NULL, jget(d, "none"));
	EXPECT_EQ(NULL, jget(d, "nul"));
	EXPECT_EQ(NULL, jget(d, NULL));
	EXPECT_EQ(NULL, jget(NULL, "s"));
	EXPECT_EQ(NULL, jget(a, "s"));
	EXPECT_EQ(NULL, jget(jget(d, "s"), "s"));
	EXPECT_EQ(NULL, jget(jget(d, "none"), "k"));
	/* jhas tells null from missing */
	EXPECT_TRUE(jhas(d, "nul"));
	EXPECT_TRUE(jhas(d, "s"));
	EXPECT_FALSE(jhas(d, "none"));
	EXPECT_FALSE(jhas(d, NULL));
	EXPECT_FALSE(jhas(NULL, "s"));
	EXPECT_FALSE(jhas(a, "s"));
	json_object_put(d);
}

TEST(jstr_jarr_strict)
{
	struct json_object *d = doc();

	ASSERT_NE(NULL, d);
	EXPECT_STREQ("text", jstr(d, "s"));
	EXPECT_STREQ("12", jstr(d, "num_s"));
	/* no conversion: a number, a boolean, an object are not strings */
	EXPECT_EQ(NULL, jstr(d, "i"));
	EXPECT_EQ(NULL, jstr(d, "b"));
	EXPECT_EQ(NULL, jstr(d, "o"));
	EXPECT_EQ(NULL, jstr(d, "nul"));
	EXPECT_EQ(NULL, jstr(d, "none"));
	EXPECT_EQ(NULL, jstr(NULL, "s"));
	EXPECT_EQ(jget(d, "a"), jarr(d, "a"));
	EXPECT_EQ(NULL, jarr(d, "o"));
	EXPECT_EQ(NULL, jarr(d, "s"));
	EXPECT_EQ(NULL, jarr(d, "nul"));
	EXPECT_EQ(NULL, jarr(d, "none"));
	json_object_put(d);
}

TEST(jnumber_types)
{
	struct json_object *d = doc();
	double v;

	ASSERT_NE(NULL, d);
	EXPECT_TRUE(jnumber(jget(d, "i"), &v));
	EXPECT_EQ(42, v);
	EXPECT_TRUE(jnumber(jget(d, "neg"), &v));
	EXPECT_EQ(-7, v);
	EXPECT_TRUE(jnumber(jget(d, "big"), &v));
	EXPECT_EQ((double)UINT64_MAX, v);
	EXPECT_TRUE(jnumber(jget(d, "d"), &v));
	EXPECT_EQ(2.5, v);
	/* NaN: stored, but false */
	v = 1;
	EXPECT_FALSE(jnumber(jget(d, "nan"), &v));
	EXPECT_TRUE(isnan(v));
	/* not numbers: *out untouched */
	v = 9;
	EXPECT_FALSE(jnumber(jget(d, "b"), &v));
	EXPECT_FALSE(jnumber(jget(d, "num_s"), &v));
	EXPECT_FALSE(jnumber(jget(d, "o"), &v));
	EXPECT_FALSE(jnumber(jget(d, "nul"), &v));
	EXPECT_FALSE(jnumber(jget(d, "none"), &v));
	EXPECT_FALSE(jnumber(NULL, &v));
	EXPECT_EQ(9, v);
	json_object_put(d);
}

TEST(jfind_first_match)
{
	struct json_object *d = doc(), *e;
	double n = 0;

	ASSERT_NE(NULL, d);
	e = jfind(d, "pts", "id", "p1");
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(jnumber(jget(e, "n"), &n));
	EXPECT_EQ(1, n);
	EXPECT_STREQ("p2", jstr(jfind(d, "pts", "id", "p2"), "id"));
	/* a numeric id never matches its text; nor a null one */
	EXPECT_EQ(NULL, jfind(d, "pts", "id", "5"));
	EXPECT_EQ(NULL, jfind(d, "pts", "id", "null"));
	EXPECT_EQ(NULL, jfind(d, "pts", "id", "p3"));
	EXPECT_EQ(NULL, jfind(d, "pts", "id", NULL));
	EXPECT_EQ(NULL, jfind(d, "o", "k", "v"));
	EXPECT_EQ(NULL, jfind(d, "none", "id", "p1"));
	EXPECT_EQ(NULL, jfind(NULL, "pts", "id", "p1"));
	json_object_put(d);
}

TEST(jnum_jref)
{
	struct json_object *v, *d;

	v = jnum(3);
	ASSERT_NE(NULL, v);
	EXPECT_TRUE(json_object_is_type(v, json_type_int));
	EXPECT_STREQ("3", json_object_to_json_string(v));
	json_object_put(v);
	v = jnum(0.25);
	ASSERT_NE(NULL, v);
	EXPECT_TRUE(json_object_is_type(v, json_type_double));
	json_object_put(v);
	v = jnum(1e16);
	ASSERT_NE(NULL, v);
	EXPECT_TRUE(json_object_is_type(v, json_type_double));
	json_object_put(v);
	EXPECT_EQ(NULL, jnum(NAN));
	EXPECT_EQ(NULL, jnum(INFINITY));
	EXPECT_EQ(NULL, jref(NULL));
	d = doc();
	ASSERT_NE(NULL, d);
	v = jref(jget(d, "o"));
	json_object_put(d);
	EXPECT_STREQ("v", jstr(v, "k"));
	json_object_put(v);
}

TEST_HARNESS_MAIN
