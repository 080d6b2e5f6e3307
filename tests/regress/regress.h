/* Shared set-up of the regression tests (tests/regress/test_<bug>.c): the demo store with
 * Hải Phòng's 2022 campaign, the server, and the few requests they all make. Each test
 * file includes it once; everything is static inline so unused helpers cost nothing. */
#ifndef SUOTDOI_REGRESS_H
#define SUOTDOI_REGRESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"

#define RG_PASSWORD "Hoi-quy-kiem-tra-22"

typedef struct rg {
	char dir[64];
	app_t app;
	http_server_t *srv;
	unsigned short port;
	int64_t campaign; /* Hải Phòng's 2022 campaign, issued by 31 */
} rg_t;

static inline int
rg_setup(rg_t *g)
{
	char db[256];
	snprintf(g->dir, sizeof g->dir, "/tmp/suotdoi-regress-XXXXXX");
	if (!mkdtemp(g->dir) || ha_demo_store(g->dir, "r.db", db, sizeof db) < 0 ||
	    ha_serve(&g->app, db, &g->srv, &g->port) < 0)
		return -1;
	ha_throttles(&g->app, 1000, 1000);
	unit_tree_t *t = app_tree(&g->app);
	int rc = demo_campaign(g->app.store, t, TEST_SOURCE_DIR, &g->campaign);
	unit_tree_unref(t);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return rc < 0 ? -1 : 0;
}

static inline int
rg_teardown(rg_t *g)
{
	http_server_stop(g->srv);
	app_close(&g->app);
	curl_global_cleanup();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", g->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A new user with role on unit, signed in as c. */
static inline void
rg_person(rg_t *g, ha_client_t *c, const char *name, const char *unit, role_t role)
{
	ha_user(&g->app, name, unit, role, RG_PASSWORD);
	if (ha_login(g->port, c, name, RG_PASSWORD) != 303)
		fail_msg("login %s failed", name);
}

static inline hc_resp_t
rg_req(rg_t *g, ha_client_t *c, const char *method, const char *path, const char *body)
{
	return ha_req(g->port, c, method, path, body, 0);
}

/* "/campaigns/ID/units/UNIT<tail>" (a few rotating static buffers). */
static inline const char *
rg_path(rg_t *g, const char *unit, const char *tail)
{
	static char p[8][256];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "/campaigns/%lld/units/%s%s", (long long)g->campaign, unit,
	         tail);
	return p[k];
}

/* The version a report form carries. */
static inline long
rg_version(rg_t *g, ha_client_t *c, const char *unit)
{
	hc_resp_t r = rg_req(g, c, "GET", rg_path(g, unit, "/report"), NULL);
	assert_int_equal(r.status, 200);
	const char *p = strstr(buf_cstr(&r.body), "name=\"version\" value=\"");
	assert_non_null(p);
	long v = atol(p + strlen("name=\"version\" value=\""));
	hc_resp_free(&r);
	return v;
}

/* A school's results form posted to action ("/report" saves, "/submit" submits); the
 * status of the answer. */
static inline long
rg_post_form(rg_t *g, ha_client_t *c, const char *unit, const char *action, int classes)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&version=%ld&v.1.ke_hoach=1&v.5.2.lop=%d&v.5.2.nguoi=%d&v.2.bao=1"
	         "&v.8.kinh_phi=1.500.000&v.i.text=Nhà+trường+đã+xây+dựng+kế+hoạch"
	         /* a level's submit with units still missing goes through (the
	          * confirmation page is tested in tests/http/test_home_roles.c) */
	         "&confirm_missing=1",
	         c->csrf, rg_version(g, c, unit), classes, classes * 20);
	/* the page's form as a browser sends it, these fields typed in */
	hc_resp_t r = ha_post_page_body(g->port, c, rg_path(g, unit, "/report"),
	                                rg_path(g, unit, action), body);
	long st = r.status;
	hc_resp_free(&r);
	return st;
}

/* GET path as c, expecting want, parsed as JSON (caller decrefs). */
static inline json_t *
rg_json(rg_t *g, ha_client_t *c, const char *path, long want)
{
	hc_resp_t r = rg_req(g, c, "GET", path, NULL);
	if (r.status != want)
		fail_msg("GET %s: %ld, expected %ld: %.300s", path, r.status, want,
		         buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	assert_non_null(j);
	hc_resp_free(&r);
	return j;
}

static inline int64_t
rg_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer \"%s\"", key);
	return json_integer_value(v);
}

#endif
