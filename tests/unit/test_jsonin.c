/* The typed reader of JSON request bodies (src/domain/jsonin.c): each type taken as declared
 * and never coerced, limits, presence, unknown fields, the body's shape, and the message
 * naming the field in Vietnamese. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/mem.h"
#include "domain/jsonin.h"

typedef struct vals {
	int64_t count, version;
	int pub;
	const char *title, *expected, *late;
	json_t *values;
	int title_given, count_given;
} vals_t;

static size_t
table(vals_t *v, jsonin_field_t *f)
{
	memset(v, 0, sizeof *v);
	v->count = -7;
	v->pub = -1;
	size_t n = 0;
	f[n++] = (jsonin_field_t){"count", JSONIN_INT, JSONIN_NULLABLE, 0,
	                          1000,    &v->count,  &v->count_given, NULL};
	f[n++] = (jsonin_field_t){"version", JSONIN_INT, JSONIN_OPTIONAL, 0, 0, &v->version,
	                          NULL,      NULL};
	f[n++] =
	        (jsonin_field_t){"public", JSONIN_BOOL, JSONIN_OPTIONAL, 0, 0, &v->pub, NULL, NULL};
	f[n++] = (jsonin_field_t){"title", JSONIN_STRING, JSONIN_REQUIRED, 0,
	                          12,      &v->title,     &v->title_given, NULL};
	f[n++] = (jsonin_field_t){
	        "expected", JSONIN_INT_TEXT, JSONIN_NULLABLE, 0, 0, &v->expected, NULL, NULL};
	f[n++] = (jsonin_field_t){"late", JSONIN_BOOL_TEXT, JSONIN_OPTIONAL, 0, 0, &v->late, NULL,
	                          NULL};
	f[n++] = (jsonin_field_t){"values", JSONIN_OBJECT, JSONIN_OPTIONAL, 0, 0, &v->values,
	                          NULL,     NULL};
	return n;
}

static int
run(const char *body, size_t len, unsigned opts, vals_t *v, arena_t *a, const char **err,
    json_t **doc)
{
	jsonin_field_t f[8];
	size_t n = table(v, f);
	*err = NULL;
	return jsonin_read(body, len, opts, f, n, a, doc, err);
}

static void
test_good(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	vals_t v;
	const char *err;
	json_t *doc;
	const char *body = "{\"count\": 12, \"version\": 3, \"public\": false, \"title\": \"Học "
	                   "tập\", \"expected\": -40, \"late\": true, \"values\": {\"a\": 1}}";
	assert_int_equal(run(body, strlen(body), 0, &v, &a, &err, &doc), 0);
	assert_null(err);
	assert_int_equal(v.count, 12);
	assert_int_equal(v.version, 3);
	assert_int_equal(v.pub, 0);
	assert_string_equal(v.title, "Học tập");
	assert_string_equal(v.expected, "-40");
	assert_string_equal(v.late, "1");
	assert_int_equal(json_integer_value(json_object_get(v.values, "a")), 1);
	assert_int_equal(v.title_given, 1);
	assert_int_equal(v.count_given, 1);
	json_decref(doc);
	/* null where nullable is "not given"; optional fields may be absent */
	body = "{\"count\": null, \"title\": \"x\", \"expected\": null}";
	assert_int_equal(run(body, strlen(body), 0, &v, &a, &err, NULL), 0);
	assert_int_equal(v.count, -7);
	assert_int_equal(v.count_given, 0);
	assert_null(v.expected);
	assert_int_equal(v.pub, -1);
	/* the range's ends are inside; strings at their byte limit are fine (12 bytes) */
	body = "{\"count\": 1000, \"title\": \"0123456789ab\"}";
	assert_int_equal(run(body, strlen(body), 0, &v, &a, &err, NULL), 0);
	assert_int_equal(v.count, 1000);
	arena_free(&a);
}

static void
test_refused(void **state)
{
	(void)state;
	static const struct {
		const char *body, *needle;
	} bad[] = {
	        /* wrong types, never coerced */
	        {"{\"title\": \"x\", \"count\": \"12\"}", "Trường “count” phải là một số nguyên"},
	        {"{\"title\": \"x\", \"count\": true}", "Trường “count” phải là một số nguyên"},
	        {"{\"title\": \"x\", \"count\": 1.0}", "Trường “count” phải là một số nguyên"},
	        {"{\"title\": \"x\", \"count\": 2.5}", "không có phần thập phân"},
	        {"{\"title\": \"x\", \"version\": \"1\"}", "Trường “version”"},
	        {"{\"title\": \"x\", \"version\": null}", "Trường “version”"},
	        {"{\"title\": 5}", "Trường “title” phải là một chuỗi"},
	        {"{\"title\": [\"x\"]}", "Trường “title” phải là một chuỗi"},
	        {"{\"title\": \"x\", \"public\": \"no\"}",
	         "Trường “public” phải là true hoặc false"},
	        {"{\"title\": \"x\", \"public\": \"không\"}", "Trường “public”"},
	        {"{\"title\": \"x\", \"public\": 0}", "Trường “public”"},
	        {"{\"title\": \"x\", \"late\": \"true\"}", "Trường “late”"},
	        {"{\"title\": \"x\", \"expected\": \"40\"}", "Trường “expected”"},
	        {"{\"title\": \"x\", \"values\": []}", "Trường “values” phải là một đối tượng"},
	        /* limits */
	        {"{\"title\": \"x\", \"count\": 1001}", "từ 0 đến 1000"},
	        {"{\"title\": \"x\", \"count\": -1}", "từ 0 đến 1000"},
	        {"{\"title\": \"x\", \"count\": 99999999999999999999}", "số quá lớn"},
	        {"{\"title\": \"0123456789abc\"}", "Trường “title” dài quá 12 byte"},
	        {"{\"title\": \"a\\u0000b\"}", "có ký tự NUL"},
	        /* presence and unknown fields */
	        {"{}", "Trường “title” bị thiếu"},
	        {"{\"title\": null}", "Trường “title” phải là một chuỗi"},
	        {"{\"title\": \"x\", \"titel\": \"y\"}", "Trường “titel” không được nhận ở đây"},
	        {"{\"title\": \"x\", \"title\": \"y\"}", "hai lần"},
	        /* the body's shape */
	        {"[1, 2]", "phải là một đối tượng JSON"},
	        {"\"title\"", "phải là một đối tượng JSON"},
	        {"null", "phải là một đối tượng JSON"},
	        {"{\"title\": \"x\"", "JSON không hợp lệ"},
	        {"{\"title\": \"x\"} {}", "JSON không hợp lệ"},
	        {"{'title': 'x'}", "JSON không hợp lệ"},
	        {"", "Nội dung trống"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		arena_t a = ARENA_INIT;
		vals_t v;
		const char *err;
		json_t *doc = (json_t *)1;
		int rc = run(bad[k].body, strlen(bad[k].body), 0, &v, &a, &err, &doc);
		if (rc != -1 || !err || !strstr(err, bad[k].needle) ||
		    !strstr(err, "không có gì được lưu.") || doc != NULL)
			fail_msg("%s: rc %d, %s", bad[k].body, rc, err ? err : "(no message)");
		arena_free(&a);
	}
}

static void
test_options(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *err = NULL;
	jsonin_field_t f[] = {{"note", JSONIN_STRING, JSONIN_OPTIONAL, 0, 0, NULL, NULL, NULL}};
	/* an empty body is {} only when the route says so */
	assert_int_equal(jsonin_read(NULL, 0, JSONIN_EMPTY_OK, f, 1, &a, NULL, &err), 0);
	assert_int_equal(jsonin_read("", 0, 0, f, 1, &a, NULL, &err), -1);
	/* an open table leaves other fields to the caller, still checking its own */
	const char *b = "{\"note\": \"a\", \"other\": 1}";
	assert_int_equal(jsonin_read(b, strlen(b), 0, f, 1, &a, NULL, &err), -1);
	assert_non_null(strstr(err, "các trường nhận: note"));
	assert_int_equal(jsonin_read(b, strlen(b), JSONIN_OPEN, f, 1, &a, NULL, &err), 0);
	b = "{\"note\": 1, \"other\": 1}";
	assert_int_equal(jsonin_read(b, strlen(b), JSONIN_OPEN, f, 1, &a, NULL, &err), -1);
	/* a nested object through the same rules, its path in the message */
	json_t *line = json_pack("{s:s}", "planned", "5");
	jsonin_field_t lf[] = {{"planned", JSONIN_INT, JSONIN_OPTIONAL, 0, 0, NULL, NULL, NULL}};
	assert_int_equal(jsonin_fields(line, 0, lf, 1, "lines[2].", &a, &err), -1);
	assert_non_null(strstr(err, "Trường “lines[2].planned” phải là một số nguyên"));
	json_decref(line);
	json_t *one = json_integer(1);
	assert_int_equal(jsonin_fields(one, 0, lf, 1, "lines[2].", &a, &err), -1);
	json_decref(one);
	assert_non_null(strstr(err, "Trường “lines[2]” phải là một đối tượng"));
	arena_free(&a);
}

static void
test_allocator(void **state)
{
	(void)state;
	/* jansson allocates through core/mem.h once set (a second call changes nothing) */
	jsonin_use_our_allocator();
	jsonin_use_our_allocator();
	json_malloc_t m;
	json_free_t f;
	json_get_alloc_funcs(&m, &f);
	assert_true(m == xmalloc);
	assert_true(f == free);
	json_t *o = json_pack("{s:s}", "a", "b");
	assert_non_null(o);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good),
	        cmocka_unit_test(test_refused),
	        cmocka_unit_test(test_options),
	        cmocka_unit_test(test_allocator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
