/* Strict JSON at every API route that reads a JSON body (issue 22): a wrong type for each
 * kind of field (a string for a count, true for a count, a number for a text, the version
 * as a string on a resource at a higher version, "public": "no" / "không"), an unknown
 * top-level member, a body that is not an object, one that is not JSON and a key given
 * twice are each a 400 whose Vietnamese message names the field, and the database is the
 * same afterwards (ha_db_digest). The users are the ones allowed to make the change, so each
 * refusal is the type check, not access. Real server on 127.0.0.1, real SQLite file (and PostgreSQL
 * through http_pg_test_bad_json). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "text/text.h"

#define PASSWORD "Kieu-JSON-nghiem-2026"
#define CLC "HA-11413-TTHTCD"

static char tmpdir[] = "/tmp/suotdoi-badjson-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t demo_id, current_id, activity_id;
static int32_t base_day;
static ha_client_t head, overseer;

static const char *pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *
pathf(const char *fmt, ...)
{
	static char s[4][300];
	static int k;
	va_list ap;
	va_start(ap, fmt);
	char *p = s[k++ % 4];
	vsnprintf(p, sizeof s[0], fmt, ap);
	va_end(ap);
	return p;
}

static const char *
day_str(int32_t d)
{
	static char s[16];
	buf_t b = BUF_INIT;
	text_format_date(d, &b);
	snprintf(s, sizeof s, "%s", buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void
digest(char out[65])
{
	char err[300];
	if (ha_db_digest(db, NULL, out, err, sizeof err) < 0)
		fail_msg("digest: %s", err);
}

static json_t *
post_ok(ha_client_t *c, const char *path, const char *body, long status)
{
	hc_resp_t r = ha_req(port, c, "POST", path, body, 1);
	if (r.status != status)
		fail_msg("%s %s: %ld %.1500s", path, body, r.status, buf_cstr(&r.body));
	json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
	hc_resp_free(&r);
	return j;
}

/* Each body of bad[] (body, a piece the answer must hold) to path as c: a 400 in the API's
 * error shape whose message (or, for a report's item, its entry in "fields") holds the
 * piece, and nothing changed in the database. */
typedef struct bad {
	const char *body, *names;
} bad_t;

static void
refused(ha_client_t *c, const char *path, const bad_t *bad, size_t n)
{
	char before[65], after[65];
	digest(before);
	for (size_t k = 0; k < n; k++) {
		hc_resp_t r = ha_req(port, c, "POST", path, bad[k].body, 1);
		json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
		json_t *e = json_object_get(j, "error");
		const char *msg = json_string_value(json_object_get(e, "message"));
		if (r.status != 400 || json_integer_value(json_object_get(e, "status")) != 400 ||
		    !msg || !text_utf8_valid(msg, strlen(msg)) ||
		    !strstr(buf_cstr(&r.body), bad[k].names))
			fail_msg("%s %s: %ld, wanted 400 naming %s: %.1500s", path, bad[k].body,
			         r.status, bad[k].names, buf_cstr(&r.body));
		json_decref(j);
		hc_resp_free(&r);
	}
	digest(after);
	if (strcmp(before, after) != 0)
		fail_msg("%s: the database changed after a refused body", path);
}

/* The shape every route refuses the same way. */
static const bad_t shape[] = {
        {"[1, 2]", "phải là một đối tượng JSON"}, {"\"title\"", "phải là một đối tượng JSON"},
        {"null", "phải là một đối tượng JSON"},   {"{\"title\": ", "JSON không hợp lệ"},
        {"{'a': 1}", "JSON không hợp lệ"},        {"{\"a\": 1, \"a\": 2}", "hai lần"},
};
#define NSHAPE (sizeof shape / sizeof shape[0])

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "j.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id);
	unit_tree_unref(t);
	if (rc < 0 || ha_haian_campaign(&app, demo_id, &current_id, &base_day) < 0)
		return -1;
	ha_user(&app, "lanhdao.clc", CLC, ROLE_HEAD, PASSWORD);
	ha_user(&app, "theodoi.haian", "306", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &head, "lanhdao.clc", PASSWORD) != 303 ||
	    ha_login(port, &overseer, "theodoi.haian", PASSWORD) != 303)
		return -1;
	/* an activity at version 2, not public, to protect */
	for (int version = 0; version <= 1; version++) {
		json_t *b = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b}", "campaign",
		                      (json_int_t)current_id, "kind", "lop_ngoai_ngu_tin_hoc",
		                      "title", version ? "Lớp tin học (sửa)" : "Lớp tin học",
		                      "start_date", day_str(base_day + 1), "start_time", "07:00",
		                      "end_time", "08:30", "place", "Nhà văn hóa thôn Đông", "mode",
		                      "truc_tiep", "expected", (json_int_t)30, "public", 0);
		if (version)
			json_object_set_new(b, "version", json_integer(version));
		char *s = json_dumps(b, JSON_COMPACT);
		json_decref(b);
		json_t *j = post_ok(&head,
		                    version ? pathf("/api/v1/units/" CLC "/activities/%lld",
		                                    (long long)activity_id)
		                            : "/api/v1/units/" CLC "/activities",
		                    s, version ? 200 : 201);
		free(s);
		if (!version)
			activity_id = json_integer_value(json_object_get(j, "id"));
		else if (json_integer_value(json_object_get(j, "version")) != 2)
			return -1;
		json_decref(j);
		if (activity_id <= 0)
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static void
test_activity(void **state)
{
	(void)state;
	const char *create = "/api/v1/units/" CLC "/activities";
	static const bad_t bad[] = {
	        {"{\"title\": 5, \"kind\": \"lop_ngoai_ngu_tin_hoc\"}", "Trường “title” phải là"},
	        {"{\"title\": \"x\", \"expected\": \"35\"}", "Trường “expected” phải là một số"},
	        {"{\"title\": \"x\", \"expected\": true}", "Trường “expected” phải là một số"},
	        {"{\"title\": \"x\", \"expected\": 3.5}", "Trường “expected” phải là một số"},
	        {"{\"title\": \"x\", \"campaign\": \"1\"}", "Trường “campaign”"},
	        {"{\"title\": \"x\", \"public\": \"no\"}",
	         "Trường “public” phải là true hoặc false"},
	        {"{\"title\": \"x\", \"public\": \"không\"}", "Trường “public” phải là true"},
	        {"{\"title\": \"x\", \"public\": 1}", "Trường “public”"},
	        {"{\"title\": \"x\", \"late_ok\": \"true\"}", "Trường “late_ok”"},
	        {"{\"title\": \"x\", \"client_id\": 7}", "Trường “client_id”"},
	        {"{\"title\": \"x\", \"titel\": \"y\"}", "Trường “titel” không được nhận"},
	        {"{\"title\": \"x\", \"is_public\": true}", "Trường “is_public” không được nhận"},
	};
	refused(&head, create, bad, sizeof bad / sizeof bad[0]);
	refused(&head, create, shape, NSHAPE);
	/* an edit: the version is an integer, a string "1" does not skip the check */
	const char *edit = pathf("/api/v1/units/" CLC "/activities/%lld", (long long)activity_id);
	static const bad_t ebad[] = {
	        {"{\"version\": \"1\", \"title\": \"Ghi đè\"}", "Trường “version”"},
	        {"{\"version\": \"2\", \"title\": \"Ghi đè\"}", "Trường “version”"},
	        {"{\"version\": 2.0, \"title\": \"Ghi đè\"}", "Trường “version”"},
	        {"{\"title\": \"Ghi đè\"}", "Trường “version” bị thiếu"},
	        {"{\"version\": 2, \"public\": \"no\"}", "Trường “public”"},
	        {"{\"version\": 2, \"public\": \"không\"}", "Trường “public”"},
	        {"{\"version\": 2, \"client_id\": \"abc\"}", "Trường “client_id” không được nhận"},
	        {"{\"version\": 2, \"description\": 5}", "Trường “description”"},
	};
	refused(&head, edit, ebad, sizeof ebad / sizeof ebad[0]);
	refused(&head, edit, shape, NSHAPE);
	const char *outcome =
	        pathf("/api/v1/units/" CLC "/activities/%lld/outcome", (long long)activity_id);
	static const bad_t obad[] = {
	        {"{\"version\": 2, \"status\": \"held\", \"actual\": \"12\"}", "Trường “actual”"},
	        {"{\"version\": 2, \"status\": \"held\", \"actual\": true}", "Trường “actual”"},
	        {"{\"version\": 2, \"status\": 1}", "Trường “status”"},
	        {"{\"version\": 2, \"outcome\": 5}", "Trường “outcome”"},
	        {"{\"version\": \"1\", \"status\": \"held\"}", "Trường “version”"},
	        {"{\"version\": 2, \"photos\": []}", "Trường “photos” không được nhận"},
	};
	refused(&head, outcome, obad, sizeof obad / sizeof obad[0]);
	refused(&head, outcome, shape, NSHAPE);
}

static void
test_report(void **state)
{
	(void)state;
	const char *rp =
	        pathf("/api/v1/campaigns/%lld/units/" CLC "/report", (long long)current_id);
	/* a report at version 3 to protect */
	for (int k = 1; k <= 3; k++) {
		char body[200];
		snprintf(body, sizeof body, "{\"values\": {\"2.bao\": %d}, \"version\": %d}", k,
		         k - 1);
		json_decref(post_ok(&head, rp, body, 200));
	}
	static const bad_t bad[] = {
	        {"{\"version\": \"1\", \"values\": {\"2.bao\": 9}}", "Trường “version”"},
	        {"{\"version\": \"3\", \"values\": {\"2.bao\": 9}}", "Trường “version”"},
	        {"{\"version\": -1, \"values\": {\"2.bao\": 9}}", "Trường “version”"},
	        {"{\"version\": 3, \"values\": {\"2.bao\": true}}", "values.2.bao"},
	        {"{\"version\": 3, \"values\": {\"2.bao\": \"12\"}}", "values.2.bao"},
	        {"{\"version\": 3, \"values\": {\"i.text\": 5}}", "values.i.text"},
	        {"{\"version\": 3, \"values\": [1]}", "Trường “values”"},
	        {"{\"version\": 3, \"notes\": \"x\"}", "Trường “notes”"},
	        {"{\"version\": 3, \"reason\": 5}", "Trường “reason”"},
	        {"{\"version\": 3, \"valeus\": {}}", "Trường “valeus” không được nhận"},
	        {"{\"version\": 3, \"comment\": \"x\"}", "Trường “comment” không được nhận"},
	};
	refused(&head, rp, bad, sizeof bad / sizeof bad[0]);
	refused(&head, rp, shape, NSHAPE);
	const char *sp =
	        pathf("/api/v1/campaigns/%lld/units/" CLC "/submit", (long long)current_id);
	static const bad_t sbad[] = {
	        {"{\"version\": 3, \"confirm_missing\": \"yes\"}", "Trường “confirm_missing”"},
	        {"{\"version\": 3, \"confirm_missing\": 1}", "Trường “confirm_missing”"},
	        {"{\"version\": \"3\"}", "Trường “version”"},
	};
	refused(&head, sp, sbad, sizeof sbad / sizeof sbad[0]);
	/* the unit's budget: the version and the amounts integers */
	const char *bp =
	        pathf("/api/v1/campaigns/%lld/units/" CLC "/budget", (long long)current_id);
	static const bad_t bbad[] = {
	        {"{\"version\": \"0\", \"lines\": []}", "Trường “version”"},
	        {"{\"lines\": []}", "Trường “version” bị thiếu"},
	        {"{\"version\": 0, \"lines\": {}}", "Trường “lines”"},
	        {"{\"version\": 0, \"lines\": [], \"total\": 5}", "Trường “total”"},
	        {"{\"version\": 0, \"lines\": [{\"source\": \"nsnn\", \"purpose\": "
	         "\"lop_hoc\", \"planned\": \"5000\"}]}",
	         "lines[0].planned"},
	        {"{\"version\": 0, \"lines\": [{\"source\": \"nsnn\", \"purpose\": "
	         "\"lop_hoc\", \"planned\": true}]}",
	         "lines[0].planned"},
	};
	refused(&head, bp, bbad, sizeof bbad / sizeof bbad[0]);
	refused(&head, bp, shape, NSHAPE);
	/* the reminder of the overseer above */
	const char *mp =
	        pathf("/api/v1/campaigns/%lld/units/" CLC "/remind", (long long)current_id);
	static const bad_t mbad[] = {
	        {"{\"note\": 5}", "Trường “note”"},
	        {"{\"note\": [\"x\"]}", "Trường “note”"},
	        {"{\"text\": \"x\"}", "Trường “text” không được nhận"},
	};
	refused(&overseer, mp, mbad, sizeof mbad / sizeof mbad[0]);
	refused(&overseer, mp, shape, NSHAPE);
	/* the review queue's bulk action */
	const char *qp = pathf("/api/v1/campaigns/%lld/units/306/review", (long long)current_id);
	static const bad_t qbad[] = {
	        {"{\"action\": 1, \"units\": []}", "Trường “action”"},
	        {"{\"action\": \"approve\", \"units\": {}}", "Trường “units”"},
	        {"{\"action\": \"return\", \"units\": [], \"comment\": 5}", "Trường “comment”"},
	        {"{\"action\": \"approve\", \"units\": [], \"all\": true}", "Trường “all”"},
	};
	refused(&overseer, qp, qbad, sizeof qbad / sizeof qbad[0]);
	refused(&overseer, qp, shape, NSHAPE);
}

static void
test_accounts_and_citizens(void **state)
{
	(void)state;
	const char *up = "/api/v1/units/" CLC "/users";
	static const bad_t ubad[] = {
	        {"{\"username\": \"nguoi.moi\", \"full_name\": 5, \"role\": \"entry\"}",
	         "Trường “full_name”"},
	        {"{\"username\": 12, \"full_name\": \"A\", \"role\": \"entry\"}",
	         "Trường “username”"},
	        {"{\"username\": \"nguoi.moi\", \"full_name\": \"A\", \"role\": true}",
	         "Trường “role”"},
	        {"{\"username\": \"nguoi.moi\", \"full_name\": \"A\", \"password\": \"x\"}",
	         "Trường “password” không được nhận"},
	};
	refused(&head, up, ubad, sizeof ubad / sizeof ubad[0]);
	refused(&head, up, shape, NSHAPE);
	/* an activity's class enrolment settings: counts integers, the switch a boolean */
	const char *ep = pathf("/api/v1/units/" CLC "/activities/%lld/enrolments/settings",
	                       (long long)activity_id);
	static const bad_t ebad[] = {
	        {"{\"enrol_open\": true, \"enrol_capacity\": \"30\"}", "Trường “enrol_capacity”"},
	        {"{\"enrol_open\": true, \"enrol_capacity\": true}", "Trường “enrol_capacity”"},
	        {"{\"enrol_open\": \"no\", \"enrol_capacity\": 30}", "Trường “enrol_open”"},
	        {"{\"enrol_open\": \"không\"}", "Trường “enrol_open”"},
	        {"{\"enrol_open\": true, \"enrol_contact_name\": 5}",
	         "Trường “enrol_contact_name”"},
	        {"{\"enrol_open\": true, \"enrol_places\": 5}", "Trường “enrol_places”"},
	};
	refused(&head, ep, ebad, sizeof ebad / sizeof ebad[0]);
	refused(&head, ep, shape, NSHAPE);
	/* a contest: a text sent as a number is not stored as "5" */
	const char *cp = "/api/v1/units/" CLC "/contests";
	static const bad_t cbad[] = {
	        {"{\"title\": 5}", "Trường “title”"},
	        {"{\"title\": \"Thi kể chuyện\", \"rules\": 5}", "Trường “rules”"},
	        {"{\"title\": \"Thi kể chuyện\", \"audio_minutes\": \"10\"}",
	         "Trường “audio_minutes”"},
	        {"{\"title\": \"Thi kể chuyện\", \"type_text\": \"yes\"}", "Trường “type_text”"},
	        {"{\"title\": \"Thi kể chuyện\", \"prize\": \"nhat\"}", "Trường “prize”"},
	};
	refused(&head, cp, cbad, sizeof cbad / sizeof cbad[0]);
	refused(&head, cp, shape, NSHAPE);
}

/* The id of the object the JSON answer j holds (and frees it). */
static int64_t
id_of(json_t *j)
{
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	if (id <= 0)
		fail_msg("no id in the answer");
	return id;
}

static void
test_reading(void **state)
{
	(void)state;
	/* a shelf of the centre's, to close or reopen */
	int64_t sid = id_of(post_ok(&head, "/api/v1/units/" CLC "/reading/shelves",
	                            "{\"name\": \"Tủ sách cộng đồng thôn Đông\", \"kind\": "
	                            "\"tu_sach_cong_dong\", \"books_start\": 40, \"opened\": "
	                            "\"01/06/2022\"}",
	                            201));
	const char *sp = "/api/v1/units/" CLC "/reading/shelves";
	static const bad_t bad[] = {
	        {"{\"name\": 7, \"kind\": \"tu_sach_cong_dong\"}", "Trường “name” phải là"},
	        {"{\"name\": \"Tủ\", \"kind\": [\"tu_sach_cong_dong\"]}", "Trường “kind” phải là"},
	        {"{\"name\": \"Tủ\", \"books_start\": \"30\"}", "Trường “books_start” phải là"},
	        {"{\"name\": \"Tủ\", \"books_start\": true}", "Trường “books_start” phải là"},
	        {"{\"name\": \"Tủ\", \"books_start\": 30.5}", "Trường “books_start” phải là"},
	        {"{\"name\": \"Tủ\", \"opened\": 20220601}", "Trường “opened” phải là"},
	        {"{\"name\": \"Tủ\", \"colour\": \"đỏ\"}", "Trường “colour” không được nhận"},
	        {"{\"name\": \"Tủ\", \"shelf\": 1}", "Trường “shelf” không được nhận"},
	};
	refused(&head, sp, bad, sizeof bad / sizeof bad[0]);
	refused(&head, sp, shape, NSHAPE);
	const char *mp = "/api/v1/units/" CLC "/reading/moves";
	char m[4][200];
	snprintf(m[0], sizeof m[0], "{\"kind\": \"add\", \"shelf\": %lld, \"count\": \"5\"}",
	         (long long)sid);
	snprintf(m[1], sizeof m[1], "{\"kind\": \"add\", \"shelf\": %lld, \"count\": true}",
	         (long long)sid);
	snprintf(m[2], sizeof m[2], "{\"kind\": \"add\", \"shelf\": \"%lld\", \"count\": 5}",
	         (long long)sid);
	snprintf(m[3], sizeof m[3],
	         "{\"kind\": \"add\", \"shelf\": %lld, \"count\": 5, \"note\": 5}", (long long)sid);
	const bad_t mbad[] = {
	        {m[0], "Trường “count”"},
	        {m[1], "Trường “count”"},
	        {m[2], "Trường “shelf”"},
	        {m[3], "Trường “note”"},
	        {"{\"kind\": \"add\", \"readers\": 5}", "Trường “readers” không được nhận"},
	};
	refused(&head, mp, mbad, sizeof mbad / sizeof mbad[0]);
	refused(&head, mp, shape, NSHAPE);
	const char *rp = "/api/v1/units/" CLC "/reading/reads";
	static const bad_t rbad[] = {
	        {"{\"readers\": \"12\"}", "Trường “readers”"},
	        {"{\"loans\": false}", "Trường “loans”"},
	        {"{\"channel\": 1}", "Trường “channel”"},
	        {"{\"count\": 5}", "Trường “count” không được nhận"},
	};
	refused(&head, rp, rbad, sizeof rbad / sizeof rbad[0]);
	refused(&head, rp, shape, NSHAPE);
	/* a shelf's status: {"status": "active" | "closed"}, nothing else */
	const char *stp =
	        pathf("/api/v1/units/" CLC "/reading/shelves/%lld/status", (long long)sid);
	static const bad_t stbad[] = {
	        {"{\"status\": 0}", "Trường “status” phải là"},
	        {"{\"status\": false}", "Trường “status” phải là"},
	        {"{}", "Trường “status” bị thiếu"},
	        {"{\"status\": \"closed\", \"note\": \"x\"}", "Trường “note” không được nhận"},
	};
	refused(&head, stp, stbad, sizeof stbad / sizeof stbad[0]);
	refused(&head, stp, shape, NSHAPE);
	/* a receipt takes no member */
	const char *rcp = "/api/v1/units/" CLC "/reading/moves/1/receive";
	static const bad_t rcbad[] = {
	        {"{\"status\": \"received\"}", "Trường “status” không được nhận"},
	};
	refused(&head, rcp, rcbad, sizeof rcbad / sizeof rcbad[0]);
	refused(&head, rcp, shape, NSHAPE);
}

#define RES_OK                                                                                          \
	"\"title\": \"Tài liệu kỹ năng số\", \"topic\": \"khac\", \"audience\": \"hoc_sinh\", " \
	"\"licence\": \"cc0\", \"link\": \"https://hoclieu.vn/ky-nang-so\""

static void
test_resources(void **state)
{
	(void)state;
	const char *create = "/api/v1/units/" CLC "/resources";
	json_t *j = post_ok(&head, create, "{" RES_OK "}", 201);
	int64_t rid = json_integer_value(json_object_get(j, "id"));
	int64_t version = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	assert_true(rid > 0 && version > 0);
	static const bad_t bad[] = {
	        {"{\"title\": 5, \"topic\": \"khac\"}", "Trường “title” phải là"},
	        {"{" RES_OK ", \"description\": true}", "Trường “description” phải là"},
	        {"{" RES_OK ", \"status\": 1}", "Trường “status” phải là"},
	        {"{" RES_OK ", \"published\": false}", "Trường “published” phải là"},
	        {"{" RES_OK ", \"campaign\": \"1\"}", "Trường “campaign” phải là"},
	        {"{" RES_OK ", \"campaign\": true}", "Trường “campaign” phải là"},
	        {"{" RES_OK ", \"file\": \"JVBERi0=\"}", "Trường “file” phải là"},
	        {"{" RES_OK ", \"file\": {\"name\": \"a.pdf\", \"data\": 5}}",
	         "Trường “file.data” phải là"},
	        {"{" RES_OK ", \"file\": {\"name\": 1, \"data\": \"JVBERi0=\"}}",
	         "Trường “file.name” phải là"},
	        {"{" RES_OK ", \"file\": {\"name\": \"a.pdf\"}}", "Trường “file.data” bị thiếu"},
	        {"{" RES_OK ", \"file\": {\"data\": \"JVBERi0=\", \"mime\": \"x\"}}",
	         "Trường “file.mime” không được nhận"},
	        {"{" RES_OK ", \"titel\": \"y\"}", "Trường “titel” không được nhận"},
	        {"{" RES_OK ", \"version\": 1}", "Trường “version” không được nhận"},
	};
	refused(&head, create, bad, sizeof bad / sizeof bad[0]);
	refused(&head, create, shape, NSHAPE);
	/* an edit: the version is a required integer, a string does not skip the check */
	const char *edit = pathf("/api/v1/units/" CLC "/resources/%lld", (long long)rid);
	char e[3][400];
	snprintf(e[0], sizeof e[0], "{" RES_OK ", \"version\": \"%lld\"}", (long long)version);
	snprintf(e[1], sizeof e[1], "{" RES_OK ", \"version\": %lld.0}", (long long)version);
	snprintf(e[2], sizeof e[2], "{" RES_OK ", \"version\": %lld, \"description\": 3}",
	         (long long)version);
	const bad_t ebad[] = {
	        {e[0], "Trường “version” phải là"},
	        {e[1], "Trường “version” phải là"},
	        {e[2], "Trường “description” phải là"},
	        {"{" RES_OK "}", "Trường “version” bị thiếu"},
	        {"{" RES_OK ", \"version\": -1}", "Trường “version” phải là"},
	};
	refused(&head, edit, ebad, sizeof ebad / sizeof ebad[0]);
	refused(&head, edit, shape, NSHAPE);
}

#define AW_OK                                                                                         \
	"\"category\": \"ca_nhan\", \"name\": \"Bà Nguyễn Thị Hoa\", \"achievements\": \"Dạy " \
	"chữ cho 30 người lớn tuổi.\", \"form\": \"giay_khen\""

static void
test_awards(void **state)
{
	(void)state;
	const char *create = "/api/v1/units/" CLC "/awards";
	json_t *j = post_ok(&head, create, "{" AW_OK ", \"amount\": 200000}", 201);
	int64_t pid = json_integer_value(json_object_get(j, "id"));
	int64_t version = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	assert_true(pid > 0);
	static const bad_t bad[] = {
	        {"{" AW_OK ", \"amount\": \"500000\"}", "Trường “amount” phải là"},
	        {"{" AW_OK ", \"amount\": true}", "Trường “amount” phải là"},
	        {"{" AW_OK ", \"amount\": 1.5}", "Trường “amount” phải là"},
	        {"{\"category\": \"ca_nhan\", \"name\": 5}", "Trường “name” phải là"},
	        {"{" AW_OK ", \"comment\": null}", "Trường “comment” phải là"},
	        {"{" AW_OK ", \"files\": {}}", "Trường “files” phải là"},
	        {"{" AW_OK ", \"files\": [5]}", "Trường “files[0]” phải là"},
	        {"{" AW_OK ", \"files\": [{\"name\": \"a.pdf\", \"data\": 5}]}",
	         "Trường “files[0].data” phải là"},
	        {"{" AW_OK ", \"files\": [{\"name\": \"a.pdf\"}]}",
	         "Trường “files[0].data” bị thiếu"},
	        {"{" AW_OK ", \"files\": [{\"data\": \"JVBERi0=\", \"size\": 5}]}",
	         "Trường “files[0].size” không được nhận"},
	        {"{" AW_OK ", \"version\": 1}", "Trường “version” không được nhận"},
	        {"{" AW_OK ", \"op\": \"send\"}", "Trường “op” không được nhận"},
	        {"{" AW_OK ", \"foo\": 1}", "Trường “foo” không được nhận"},
	};
	refused(&head, create, bad, sizeof bad / sizeof bad[0]);
	refused(&head, create, shape, NSHAPE);
	/* an action on the proposal: the version a required integer */
	const char *act = pathf("/api/v1/units/" CLC "/awards/%lld", (long long)pid);
	char a[3][200];
	snprintf(a[0], sizeof a[0], "{\"op\": \"edit\", \"version\": \"%lld\", \"amount\": 1}",
	         (long long)version);
	snprintf(a[1], sizeof a[1], "{\"op\": \"edit\", \"version\": %lld, \"amount\": \"1\"}",
	         (long long)version);
	snprintf(a[2], sizeof a[2], "{\"op\": 5, \"version\": %lld}", (long long)version);
	const bad_t abad[] = {
	        {a[0], "Trường “version” phải là"},
	        {a[1], "Trường “amount” phải là"},
	        {a[2], "Trường “op” phải là"},
	        {"{\"op\": \"edit\", \"amount\": 1}", "Trường “version” bị thiếu"},
	};
	refused(&head, act, abad, sizeof abad / sizeof abad[0]);
	refused(&head, act, shape, NSHAPE);
	/* a decision: proposal ids integers */
	const char *dp = "/api/v1/units/" CLC "/award-decisions";
	static const bad_t dbad[] = {
	        {"{\"proposals\": \"1\", \"fund_source\": \"nsnn\"}", "Trường “proposals” phải là"},
	        {"{\"proposals\": [\"1\"], \"fund_source\": \"nsnn\"}",
	         "Trường “proposals[0]” phải là"},
	        {"{\"proposals\": [1.5], \"fund_source\": \"nsnn\"}", "Trường “proposals[0]”"},
	        {"{\"proposals\": [], \"fund_source\": 1}", "Trường “fund_source” phải là"},
	        {"{\"proposals\": [], \"signer_name\": true}", "Trường “signer_name” phải là"},
	        {"{\"proposals\": [], \"year\": 2022}", "Trường “year” không được nhận"},
	};
	refused(&head, dp, dbad, sizeof dbad / sizeof dbad[0]);
	refused(&head, dp, shape, NSHAPE);
}

#define DOC_OK                                                                                     \
	"\"document\": {\"kind\": \"cv\", \"body\": \"TRUNG TÂM HỌC TẬP CỘNG ĐỒNG\", "   \
	"\"body_abbr\": \"TTHTCĐ\", \"place\": \"Hải An\", \"subject\": \"Qua API\", "          \
	"\"signer\": {\"position\": \"GIÁM ĐỐC\", \"name\": \"Nguyễn Văn Thử\"}}"

static void
test_documents(void **state)
{
	(void)state;
	const char *create = "/api/v1/units/" CLC "/docs";
	static const bad_t bad[] = {
	        {"{" DOC_OK ", \"public\": \"no\"}", "Trường “public” phải là true hoặc false"},
	        {"{" DOC_OK ", \"public\": \"không\"}", "Trường “public” phải là true"},
	        {"{" DOC_OK ", \"public\": 1}", "Trường “public”"},
	        {"{" DOC_OK ", \"campaign\": \"1\"}", "Trường “campaign” phải là"},
	        {"{" DOC_OK ", \"campaign\": true}", "Trường “campaign” phải là"},
	        {"{" DOC_OK ", \"derived_from\": \"5\"}", "Trường “derived_from” phải là"},
	        {"{\"document\": \"cv\"}", "Trường “document” phải là"},
	        {"{\"document\": []}", "Trường “document” phải là"},
	        {"{\"public\": true}", "Trường “document” bị thiếu"},
	        {"{" DOC_OK ", \"title\": \"x\"}", "Trường “title” không được nhận"},
	        /* a key twice: at the top, and inside the document */
	        {"{" DOC_OK ", \"public\": true, \"public\": false}", "hai lần"},
	        {"{\"document\": {\"kind\": \"cv\", \"kind\": \"kh\"}}", "hai lần"},
	};
	refused(&head, create, bad, sizeof bad / sizeof bad[0]);
	refused(&head, create, shape, NSHAPE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_activity),
	        cmocka_unit_test(test_report),
	        cmocka_unit_test(test_accounts_and_citizens),
	        cmocka_unit_test(test_reading),
	        cmocka_unit_test(test_resources),
	        cmocka_unit_test(test_awards),
	        cmocka_unit_test(test_documents),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
