/* The acceptance over real HTTP and a real SMTP server (tests/smtp_sink.py) on the
 * demo (Hải Phòng's 2022 campaign, schools due 10/10/2022), every unit with its own address:
 * "remind all" reaches every missing unit's address of quận Hải An exactly once and no one
 * else; the schedule's reminders are e-mailed on their days (time injected through
 * app_chase_tick and mailer_deliver_due, never slept); a return sends the comment to the
 * school; escalation reaches the parent's head by e-mail; every delivery is recorded.
 * (The failing server, the retries and the restart: test_mail_delivery.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/mail_decode.h"
#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "helper_smtp_sink.h"
#include "service/mailer.h"
#include "text/text.h"

#define PASSWORD "Thu-nhac-kiem-tra-22"
#define WARD_HEAD_MAIL "chutich@danglam.example.vn"

static char tmpdir[] = "/tmp/suotdoi-chasemail-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static smtp_sink_t sink;
static mail_config_t mc;
static ha_client_t officer, school0;
static int seen; /* messages of the sink already looked at */

/* Every unit's own address: "u<code>@donvi.example.vn" (lower case). */
static int
give_addresses(const char *db)
{
	char err[512];
	return ha_sql(db, "UPDATE units SET email='u'||lower(code)||'@donvi.example.vn'", err,
	              sizeof err);
}

static void
user_with_mail(const char *name, const char *unit, role_t role, const char *email)
{
	char err[512], hash[AUTH_HASH_MAX], norm[72];
	unit_tree_t *t = app_tree(&app);
	int32_t i = unit_tree_find_code(t, unit);
	assert_true(i >= 0);
	assert_int_equal(auth_password_hash(PASSWORD, hash), 0);
	account_new_t a = {name, "Người Nhận", email, role, t->units[i].id, hash, 0, 0};
	int64_t id;
	assert_int_equal(accounts_create(app.store, &a, norm, &id, err, sizeof err), 0);
	unit_tree_unref(t);
}

static int
setup(void **state)
{
	(void)state;
	char db[256], err[256];
	if (!mkdtemp(tmpdir) || smtp_sink_start(&sink, NULL) < 0 ||
	    ha_demo_store(tmpdir, "m.db", db, sizeof db) < 0 || give_addresses(db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	/* as cmd_serve with --smtp and --mail-from; the worker's thread is not started: the
	 * test delivers, with its own clock */
	mc = (mail_config_t){.url = sink.url, .from = "thongbao@suotdoi.test"};
	app.mail = &mc;
	app.mailer = mailer_new(app.store, app.writer, &mc, err, sizeof err);
	if (!app.mailer)
		return -1;
	app.notify.mail_on = 1;
	app.notify.base_url = "https://tuanle.example.vn";
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "chuyenvien.haian", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "truong0", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &officer, "chuyenvien.haian", PASSWORD) != 303 ||
	    ha_login(port, &school0, "truong0", PASSWORD) != 303)
		return -1;
	char path[200];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/HA-11413-TH/submit",
	         (long long)campaign);
	hc_resp_t r = ha_req(
	        port, &school0, "POST", path,
	        "{\"values\": {\"1.ke_hoach\": true, \"5.2.lop\": 3, \"5.2.nguoi\": 40}}", 1);
	rc = r.status == 200 ? 0 : -1;
	hc_resp_free(&r);
	return rc;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	smtp_sink_stop(&sink);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int64_t
vn_at(const char *date)
{
	int32_t day;
	assert_int_equal(text_parse_date(date, strlen(date), &day), 0);
	return (int64_t)day * 86400 + 3 * 3600;
}

/* Delivers what is due and returns how many messages arrived since the last call; their
 * recipients (and decoded subject + text) into rcpt/text (caller frees). */
typedef struct got {
	int n;
	char **rcpt, **text;
} got_t;

static void
got_free(got_t *g)
{
	for (int i = 0; i < g->n; i++) {
		free(g->rcpt[i]);
		free(g->text[i]);
	}
	free(g->rcpt);
	free(g->text);
	memset(g, 0, sizeof *g);
}

static got_t
deliver(void)
{
	mailer_round_t r;
	assert_int_equal(mailer_deliver_due(app.mailer, app_now(), &r), 0);
	assert_int_equal(r.retry + r.failed + r.errors, 0);
	int total = smtp_sink_count(&sink);
	assert_int_equal(total - seen, r.sent);
	got_t g = {0};
	g.rcpt = calloc((size_t)(total - seen) + 1, sizeof *g.rcpt);
	g.text = calloc((size_t)(total - seen) + 1, sizeof *g.text);
	for (int k = seen + 1; k <= total; k++) {
		char *env, *raw = smtp_sink_message(&sink, k, &env);
		assert_non_null(raw);
		const char *p = strstr(env, "rcpt: ");
		assert_non_null(p);
		p += 6;
		g.rcpt[g.n] = strndup(p, strcspn(p, "\n"));
		md_mail_t d;
		assert_int_equal(md_parse(raw, &d), 0);
		size_t len = strlen(d.subject) + strlen(d.text) + 2;
		g.text[g.n] = malloc(len);
		snprintf(g.text[g.n], len, "%s\n%s", d.subject, d.text);
		md_free(&d);
		free(raw);
		free(env);
		g.n++;
	}
	seen = total;
	return g;
}

/* How many of g's messages went to rcpt (and contain text when not NULL). */
static int
count_to(const got_t *g, const char *rcpt, const char *text)
{
	int n = 0;
	for (int i = 0; i < g->n; i++)
		if (!strcmp(g->rcpt[i], rcpt) && (!text || strstr(g->text[i], text)))
			n++;
	return n;
}

static void
test_remind_all_reaches_every_missing_address_once(void **state)
{
	(void)state;
	char path[200];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/306/status", (long long)campaign);
	hc_resp_t r = ha_req(port, &officer, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *board = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_true(json_is_true(json_object_get(board, "mail_on")));
	int64_t remindable = json_integer_value(json_object_get(board, "remindable"));
	assert_true(remindable > 5);
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/306/remind-all",
	         (long long)campaign);
	r = ha_req(port, &officer, "POST", path, "{\"note\": \"Hạn chót 10/10\"}", 1);
	assert_int_equal(r.status, 201);
	assert_non_null(strstr(buf_cstr(&r.body), "\"email\":true"));
	hc_resp_free(&r);
	got_t g = deliver();
	/* one message per missing unit, each to that unit's address */
	assert_int_equal(g.n, remindable);
	json_t *o;
	size_t i;
	int checked = 0;
	json_array_foreach(json_object_get(board, "not_in"), i, o)
	{
		const char *code = json_string_value(json_object_get(o, "code"));
		if (!strcmp(code, "306"))
			continue;
		char addr[128];
		snprintf(addr, sizeof addr, "u%s@donvi.example.vn", code);
		for (char *p = addr; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		if (count_to(&g, addr, "Hạn chót 10/10") != 1)
			fail_msg("%s got %d reminders", addr, count_to(&g, addr, NULL));
		checked++;
	}
	assert_int_equal(checked, remindable);
	/* not the school that reported, not the district itself */
	assert_int_equal(count_to(&g, "uha-11413-th@donvi.example.vn", NULL), 0);
	assert_int_equal(count_to(&g, "u306@donvi.example.vn", NULL), 0);
	got_free(&g);
	json_decref(board);
	/* the board now says the e-mails went */
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/306/status", (long long)campaign);
	r = ha_req(port, &officer, "GET", path, NULL, 0);
	assert_non_null(strstr(buf_cstr(&r.body), "trong ứng dụng và thư điện tử"));
	assert_non_null(strstr(buf_cstr(&r.body), "đã gửi 1 thư"));
	hc_resp_free(&r);
}

static void
test_schedule_and_escalation_by_mail(void **state)
{
	(void)state;
	user_with_mail("chutich.danglam", "11413", ROLE_HEAD, WARD_HEAD_MAIL);
	size_t rem, esc;
	assert_int_equal(app_chase_tick(&app, vn_at("07/10/2022"), &rem, &esc), 0);
	assert_true(rem > 0);
	got_t g = deliver();
	assert_int_equal(g.n, (int)rem);
	assert_int_equal(count_to(&g, "uha-11413-thcs@donvi.example.vn", "Sắp đến hạn"), 1);
	assert_int_equal(count_to(&g, "uha-11413-thcs@donvi.example.vn", "còn 3 ngày"), 1);
	assert_int_equal(count_to(&g, "uha-11413-th@donvi.example.vn", NULL), 0);
	got_free(&g);
	/* the same day again: nothing more */
	assert_int_equal(app_chase_tick(&app, vn_at("07/10/2022"), &rem, &esc), 0);
	g = deliver();
	assert_int_equal(g.n, 0);
	got_free(&g);
	/* three days late: the ward's head (who has an address) hears of the school; the
	 * ward's own address does not, the head is told */
	assert_int_equal(app_chase_tick(&app, vn_at("13/10/2022"), &rem, &esc), 0);
	assert_true(esc > 0);
	g = deliver();
	assert_int_equal(count_to(&g, WARD_HEAD_MAIL, "Trường THCS"), 1);
	assert_int_equal(count_to(&g, WARD_HEAD_MAIL, "Trường Tiểu học"), 0);
	assert_int_equal(count_to(&g, "u11413@donvi.example.vn", "quá hạn 3 ngày"), 0);
	got_free(&g);
}

static void
test_return_sends_the_comment(void **state)
{
	(void)state;
	char path[200];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/HA-11413-TH/return",
	         (long long)campaign);
	hc_resp_t r = ha_req(port, &officer, "POST", path,
	                     "{\"comment\": \"Thiếu số liệu dòng 5.2, đề nghị bổ sung\"}", 1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	got_t g = deliver();
	assert_int_equal(g.n, 1);
	assert_int_equal(count_to(&g, "uha-11413-th@donvi.example.vn",
	                          "Thiếu số liệu dòng 5.2, đề nghị bổ sung"),
	                 1);
	assert_int_equal(count_to(&g, "uha-11413-th@donvi.example.vn", "bị trả lại"), 1);
	got_free(&g);
	/* every delivery is recorded: as many "sent" as messages received */
	int64_t pending, sent, failed;
	assert_int_equal(store_mail_counts(app.store, &pending, &sent, &failed), 0);
	assert_int_equal(pending, 0);
	assert_int_equal(failed, 0);
	assert_int_equal(sent, seen);
}

static int
status_of(const store_mail_t *m, void *p)
{
	snprintf(p, 16, "%s", m->status);
	return 0;
}

/* The system's administrators see the outbox and send a given-up mail again. */
static void
test_admin_sees_the_outbox_and_retries(void **state)
{
	(void)state;
	ha_user(&app, "quantri.thu", "VN", ROLE_ADMIN, PASSWORD);
	ha_client_t admin;
	assert_int_equal(ha_login(port, &admin, "quantri.thu", PASSWORD), 303);
	int64_t id;
	store_mail_t m = {.recipient = "khong-ton-tai@donvi.example.vn",
	                  .subject = "Thử",
	                  .text = "t",
	                  .created_at = app_now(),
	                  .next_at = app_now()};
	assert_int_equal(store_mail_add(app.store, &m, &id), 0);
	assert_int_equal(
	        store_mail_attempt(app.store, id, app_now(), 0, "550 5.1.1 User unknown", 0, 1), 0);
	hc_resp_t r = ha_req(port, &admin, "GET", "/api/v1/admin/mail", NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_int_equal(json_integer_value(json_object_get(j, "failed")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "sent")), seen);
	json_t *first = json_array_get(json_object_get(j, "mails"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "last_error")),
	                    "550 5.1.1 User unknown");
	assert_int_equal(json_array_size(json_object_get(first, "deliveries")), 1);
	json_decref(j);
	r = ha_req(port, &admin, "GET", "/admin/mail", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "550 5.1.1 User unknown"));
	assert_non_null(strstr(buf_cstr(&r.body), "Gửi lại"));
	hc_resp_free(&r);
	/* an officer is not the system's administrator */
	r = ha_req(port, &officer, "GET", "/admin/mail", NULL, 0);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	char path[100], body[100];
	snprintf(path, sizeof path, "/admin/mail/%lld/retry", (long long)id);
	snprintf(body, sizeof body, "csrf=%s", admin.csrf);
	r = ha_req(port, &admin, "POST", path, body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	char st[16] = "";
	assert_int_equal(store_mails_recent(app.store, 1, status_of, st), 0);
	assert_string_equal(st, "pending");
	r = ha_req(port, &admin, "POST", path, body, 0); /* no longer a given-up mail */
	assert_int_equal(r.status, 409);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_remind_all_reaches_every_missing_address_once),
	        cmocka_unit_test(test_schedule_and_escalation_by_mail),
	        cmocka_unit_test(test_return_sends_the_comment),
	        cmocka_unit_test(test_admin_sees_the_outbox_and_retries),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
