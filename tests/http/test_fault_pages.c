/* The changes made by page handlers (an account locked or unlocked, a role granted or
 * revoked, an API token made, a campaign's reminder schedule, a report template copied to
 * another year, a reading shelf opened, a unit reminded), over real HTTP with the store
 * failing its Nth write call (store_fault_install) for N = 1, 2, 3, ... until a run fires no
 * fault. Each run either changed nothing at all (every table's rows, the audit log's
 * included, as before) or made its change with exactly one more audit entry of its action:
 * the change and its audit entry are one transaction. (A fault may fire in something around
 * the change, a session's refresh say, and the change then go through whole.) The run
 * without a fault makes the change. On a SQLite file, and on PostgreSQL
 * (http_pg_test_fault_pages). The domain workflows' own fault test is
 * tests/unit/test_fault_workflows.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "db/store.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Loi-giua-chung-22"

static char tmpdir[] = "/tmp/suotdoi-faultpages-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign, target;
static ha_client_t admin;

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "f.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	target = ha_user(&app, "chuyenvien.fp", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "quantri.fp", "VN", ROLE_ADMIN, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return target > 0 && ha_login(port, &admin, "quantri.fp", PASSWORD) == 303 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static int64_t
sql(const char *q)
{
	int64_t v;
	char err[300];
	if (ha_sql_i64(db, q, &v, err, sizeof err) < 0)
		fail_msg("%s: %s", q, err);
	return v;
}

static void
digest(char out[65])
{
	char err[300];
	/* sessions: a request may refresh its session whether or not the change went through */
	if (ha_db_digest(db, "sessions", out, err, sizeof err) < 0)
		fail_msg("digest: %s", err);
}

/* One workflow: the query of the state it changes, the audit entries it writes (a WHERE
 * clause on audit_log) and the request that changes it (from the state it finds). */
typedef struct workflow {
	const char *name;
	const char *state_sql;
	const char *audit_where;
	hc_resp_t (*post)(int64_t state);
	int toggles; /* post(changed state) sets the state back */
} workflow_t;

static hc_resp_t
post_lock(int64_t state)
{
	(void)state; /* the user page's button sets the other state */
	char page[64], path[80];
	snprintf(page, sizeof page, "/users/%lld", (long long)target);
	snprintf(path, sizeof path, "%s/disable", page);
	return ha_post_page_form(port, &admin, page, path, NULL);
}

static hc_resp_t
post_role(int64_t state)
{
	char path[80];
	snprintf(path, sizeof path, "/users/%lld/roles%s", (long long)target,
	         state ? "/remove" : "");
	const char *kv[] = {"unit", "306", "role", "viewer", NULL};
	return ha_post_form(port, &admin, path, kv);
}

static hc_resp_t
post_token(int64_t state)
{
	char name[40];
	snprintf(name, sizeof name, "Phần mềm tổng hợp %lld", (long long)state);
	const char *kv[] = {"name", name, NULL};
	return ha_post_page_form(port, &admin, "/account", "/account/tokens", kv);
}

static hc_resp_t
post_schedule(int64_t state)
{
	char path[80];
	snprintf(path, sizeof path, "/units/31/campaigns/%lld/chase", (long long)campaign);
	const char *kv[] = {
	        "remind_days", state ? "-5 2" : "-3", "escalate_days", "4", "automatic", "1", NULL};
	return ha_post_form(port, &admin, path, kv);
}

static hc_resp_t
post_template_copy(int64_t state)
{
	/* a copy to a year of its own each time (a code may be used once) */
	char path[80], year[24];
	snprintf(path, sizeof path, "/templates/%lld/copy",
	         (long long)sql("SELECT min(id) FROM templates"));
	snprintf(year, sizeof year, "%lld", 2100 + (long long)state);
	const char *kv[] = {"year", year, NULL};
	return ha_post_form(port, &admin, path, kv);
}

static hc_resp_t
post_shelf(int64_t state)
{
	char name[40];
	snprintf(name, sizeof name, "Tủ sách lớp %lld", (long long)state + 1);
	const char *kv[] = {"name", name, "kind", "tu_sach_lop", "opened", "01/09/2022",
	                    "books_start", "120", NULL};
	return ha_post_page_form(port, &admin, "/units/HA-11413-TH/van-hoa-doc",
	                         "/units/HA-11413-TH/van-hoa-doc/shelves", kv);
}

static hc_resp_t
post_remind(int64_t state)
{
	(void)state;
	char path[100];
	snprintf(path, sizeof path, "/campaigns/%lld/units/HA-11413-THCS/remind",
	         (long long)campaign);
	const char *kv[] = {"note", "Hạn nộp sắp đến, đề nghị nhà trường nộp báo cáo.", "back",
	                    "306", NULL};
	return ha_post_form(port, &admin, path, kv);
}

static void
run(const workflow_t *w)
{
	char count_sql[300];
	snprintf(count_sql, sizeof count_sql, "SELECT count(*) FROM audit_log WHERE %s",
	         w->audit_where);
	long fired_runs = 0, through = 0;
	for (long n = 0;; n++) {
		int64_t state = sql(w->state_sql), audits = sql(count_sql);
		char before[65], after[65];
		digest(before);
		store_fault_install(app.store, n);
		hc_resp_t r = w->post(state);
		int fired = store_fault_remove(app.store);
		long status = r.status;
		hc_resp_free(&r);
		int64_t state2 = sql(w->state_sql), audits2 = sql(count_sql);
		digest(after);
		if (state2 != state) { /* the change went through: with its one audit entry */
			if (audits2 != audits + 1)
				fail_msg("%s, fault at write %ld (%s): changed with %lld audit "
				         "entries",
				         w->name, n, fired ? "fired" : "none",
				         (long long)(audits2 - audits));
			through += fired;
		} else { /* nothing at all: no entry, no other row */
			if (strcmp(before, after) != 0 || audits2 != audits)
				fail_msg("%s, fault at write %ld: unchanged state but the database "
				         "changed (%lld audit entries more), status %ld",
				         w->name, n, (long long)(audits2 - audits), status);
			if (!fired)
				fail_msg("%s: no fault, status %ld, and no change", w->name,
				         status);
		}
		if (!fired) {
			printf("%s: a fault at each of %ld writes, all or nothing (%ld went "
			       "through "
			       "around a fault elsewhere)\n",
			       w->name, fired_runs, through);
			assert_true(fired_runs >= 2); /* the change and its entry at least */
			return;
		}
		fired_runs++;
		if (state2 != state && w->toggles) {
			/* back as it was (no fault), so that every run takes the same path: an
			 * unlock writes less than a lock */
			hc_resp_t back = w->post(state2);
			hc_resp_free(&back);
			assert_int_equal(sql(w->state_sql), state);
		}
		if (n > 200)
			fail_msg("%s: still firing after 200 writes", w->name);
	}
}

static void
account_lock(void **state)
{
	(void)state;
	char q[200];
	snprintf(q, sizeof q, "SELECT disabled FROM users WHERE id = %lld", (long long)target);
	workflow_t w = {"khóa/mở tài khoản", q, "action IN ('user.disable','user.enable')",
	                post_lock, 1};
	run(&w);
}

static void
role_change(void **state)
{
	(void)state;
	char q[300];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM user_roles r JOIN units u ON u.id = r.unit_id WHERE "
	         "r.user_id = %lld AND u.code = '306' AND r.role = 'viewer'",
	         (long long)target);
	workflow_t w = {"giao/thu hồi vai trò", q, "action IN ('role.grant','role.revoke')",
	                post_role, 1};
	run(&w);
}

static void
token_create(void **state)
{
	(void)state;
	workflow_t w = {"tạo mã truy cập",
	                "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id "
	                "WHERE u.username = 'quantri.fp'",
	                "action = 'token.create'", post_token, 0};
	run(&w);
}

static void
chase_schedule(void **state)
{
	(void)state;
	char q[200];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM campaign_chase WHERE campaign_id = %lld AND remind_days = "
	         "'-3'",
	         (long long)campaign);
	workflow_t w = {"lịch nhắc của đợt", q, "action = 'campaign.chase'", post_schedule, 1};
	run(&w);
}

static void
template_copy(void **state)
{
	(void)state;
	workflow_t w = {"sao chép mẫu báo cáo", "SELECT count(*) FROM templates",
	                "action = 'template.import'", post_template_copy, 0};
	run(&w);
}

static void
reading_shelf(void **state)
{
	(void)state;
	workflow_t w = {"mở tủ sách", "SELECT count(*) FROM reading_shelves",
	                "action = 'reading.shelf'", post_shelf, 0};
	run(&w);
}

static void
reminder(void **state)
{
	(void)state;
	workflow_t w = {"nhắc đơn vị nộp báo cáo", "SELECT count(*) FROM reminders",
	                "action = 'report.remind'", post_remind, 0};
	run(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(account_lock),  cmocka_unit_test(role_change),
	        cmocka_unit_test(token_create),  cmocka_unit_test(chase_schedule),
	        cmocka_unit_test(template_copy),
	        cmocka_unit_test(reading_shelf),
	        cmocka_unit_test(reminder),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
