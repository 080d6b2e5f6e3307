/* E-mail over real HTTP and a real SMTP server (tests/smtp_sink.py) on the demo (Hải
 * Phòng's 2022 campaign): an officer's reminder reaches the school head's mailbox with the
 * Vietnamese subject, both parts and the link back on the site's public address; while the
 * mail server fails, the reminder waits in the outbox with the reason, and once it is back
 * the mail goes exactly once, also after the worker was stopped and started again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../unit/mail_decode.h"
#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "helper_smtp_sink.h"
#include "service/mailer.h"

#define PASSWORD "Thu-dien-tu-kiem-tra-22"
#define PUBLIC_URL "https://tuanle.example.vn"
#define HEAD_MAIL "hieutruong.thcs@danglam.example.vn"

static char tmpdir[] = "/tmp/suotdoi-mailhttp-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static smtp_sink_t sink;
static mail_config_t mc;
static ha_client_t officer;

/* A user with an e-mail address, holding role on unit. */
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
	    ha_demo_store(tmpdir, "m.db", db, sizeof db) < 0 || ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	/* what cmd_serve does with --smtp, --mail-from and --public-url */
	mc = (mail_config_t){.url = sink.url, .from = "thongbao@suotdoi.test"};
	app.mail = &mc;
	app.mailer = mailer_new(app.store, app.writer, &mc, err, sizeof err);
	if (app.mailer == NULL || mailer_start(app.mailer) < 0)
		return -1;
	app.notify.mail_on = 1;
	app.notify.base_url = PUBLIC_URL;
	app.notify.wake = mailer_wake_arg;
	app.notify.wake_arg = app.mailer;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "chuyenvien.haian", "306", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ha_login(port, &officer, "chuyenvien.haian", PASSWORD) == 303 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app); /* stops the mail worker before the writer */
	curl_global_cleanup();
	smtp_sink_stop(&sink);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

typedef struct outbox {
	int n;
	int64_t id[64];
	char rcpt[64][128], status[64][16], err[64][128];
	int attempts[64];
} outbox_t;

static int
outbox_row(const store_mail_t *m, void *p)
{
	outbox_t *o = p;
	if (o->n < 64) {
		o->id[o->n] = m->id;
		snprintf(o->rcpt[o->n], sizeof o->rcpt[0], "%s", m->recipient);
		snprintf(o->status[o->n], sizeof o->status[0], "%s", m->status);
		snprintf(o->err[o->n], sizeof o->err[0], "%s", m->last_error ? m->last_error : "");
		o->attempts[o->n] = m->attempts;
		o->n++;
	}
	return 0;
}

/* The newest outbox row to rcpt (index into o), -1 when none. */
static int
outbox_to(outbox_t *o, const char *rcpt)
{
	*o = (outbox_t){0};
	assert_int_equal(store_mails_recent(app.store, 64, outbox_row, o), 0);
	for (int i = 0; i < o->n; i++)
		if (!strcmp(o->rcpt[i], rcpt))
			return i;
	return -1;
}

/* The sink's message to rcpt (1-based index n of the sink), or 0. */
static int
sink_find(const char *rcpt, int from)
{
	char want[200];
	snprintf(want, sizeof want, "rcpt: %s\n", rcpt);
	for (int n = from; n <= smtp_sink_count(&sink); n++) {
		char *env;
		char *m = smtp_sink_message(&sink, n, &env);
		int hit = env && strstr(env, want) != NULL;
		free(m);
		free(env);
		if (hit)
			return n;
	}
	return 0;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void
remind_school(const char *note)
{
	char path[200], body[200];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/HA-11413-THCS/remind",
	         (long long)campaign);
	snprintf(body, sizeof body, "{\"note\": \"%s\"}", note);
	hc_resp_t r = ha_req(port, &officer, "POST", path, body, 1);
	assert_int_equal(r.status, 201);
	hc_resp_free(&r);
}

static void
test_reminder_reaches_the_mailbox(void **state)
{
	(void)state;
	user_with_mail("truong1", "HA-11413-THCS", ROLE_HEAD, HEAD_MAIL);
	remind_school("Nộp báo cáo trước ngày 10/10");
	/* the worker was woken by the commit: the message arrives (bounded wait) */
	int n = 0;
	for (int k = 0; k < 1000 && (n = sink_find(HEAD_MAIL, 1)) == 0; k++)
		sleep_ms(20);
	assert_true(n > 0);
	char *env, *raw = smtp_sink_message(&sink, n, &env);
	md_mail_t d;
	assert_int_equal(md_parse(raw, &d), 0);
	assert_string_equal(d.to, HEAD_MAIL);
	assert_string_equal(d.from, "thongbao@suotdoi.test");
	assert_string_equal(d.from_name, MAIL_FROM_NAME);
	assert_true(!strncmp(d.subject, "[Học tập suốt đời] ", strlen("[Học tập suốt đời] ")));
	assert_non_null(strstr(d.text, "Nộp báo cáo trước ngày 10/10"));
	char link[200];
	snprintf(link, sizeof link, PUBLIC_URL "/campaigns/%lld/units/HA-11413-THCS",
	         (long long)campaign);
	assert_non_null(strstr(d.text, link));
	assert_non_null(strstr(d.html, link));
	assert_non_null(strstr(d.html, "Nộp báo cáo trước ngày 10/10"));
	md_free(&d);
	free(raw);
	free(env);
	/* recorded as sent, once */
	outbox_t o;
	int i = -1;
	for (int k = 0; k < 500; k++) {
		i = outbox_to(&o, HEAD_MAIL);
		if (i >= 0 && !strcmp(o.status[i], "sent"))
			break;
		sleep_ms(20);
	}
	assert_true(i >= 0);
	assert_string_equal(o.status[i], "sent");
	assert_int_equal(o.attempts[i], 1);
	assert_int_equal(sink_find(HEAD_MAIL, n + 1), 0);
}

static void
test_failing_server_then_back(void **state)
{
	(void)state;
	smtp_sink_fail(&sink, 1);
	int before = smtp_sink_count(&sink);
	remind_school("Nhắc lần hai");
	/* the attempt fails and is kept with the server's answer */
	outbox_t o;
	int i = -1;
	for (int k = 0; k < 1000; k++) {
		i = outbox_to(&o, HEAD_MAIL);
		if (i >= 0 && o.attempts[i] >= 1 && strcmp(o.status[i], "sent") != 0)
			break;
		sleep_ms(20);
	}
	assert_true(i >= 0);
	int64_t id = o.id[i];
	assert_string_equal(o.status[i], "pending");
	assert_int_equal(o.attempts[i], 1);
	assert_string_equal(o.err[i], "451 4.3.0 try later");
	assert_int_equal(smtp_sink_count(&sink), before);

	/* the server stops with the mail pending; the mail server comes back; a worker
	 * started again delivers it when it is due (time given, not waited for) */
	mailer_stop(app.mailer);
	smtp_sink_fail(&sink, 0);
	mailer_round_t r;
	assert_int_equal(mailer_deliver_due(app.mailer, app_now() + 30, &r), 0);
	assert_int_equal(r.sent, 0); /* not due yet: the back-off holds */
	assert_int_equal(mailer_deliver_due(app.mailer, app_now() + 61, &r), 0);
	assert_int_equal(r.sent, 1);
	assert_int_equal(smtp_sink_count(&sink), before + 1);
	char *raw = smtp_sink_message(&sink, before + 1, NULL);
	md_mail_t d;
	assert_int_equal(md_parse(raw, &d), 0);
	assert_non_null(strstr(d.text, "Nhắc lần hai"));
	md_free(&d);
	free(raw);
	i = outbox_to(&o, HEAD_MAIL);
	assert_int_equal(o.id[i], id);
	assert_string_equal(o.status[i], "sent");
	assert_int_equal(o.attempts[i], 2);
	assert_int_equal(mailer_deliver_due(app.mailer, app_now() + 100000, &r), 0);
	assert_int_equal(r.sent + r.retry + r.failed, 0);
	assert_int_equal(smtp_sink_count(&sink), before + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_reminder_reaches_the_mailbox),
	        cmocka_unit_test(test_failing_server_then_back),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
