/* Shared set-up for the app's HTTP tests: a real SQLite file with the national registry and
 * the demo bodies, the app on it, the server on an ephemeral port; and the cookie and CSRF
 * plumbing a browser does. */
#ifndef SUOTDOI_TEST_HELPER_APP_H
#define SUOTDOI_TEST_HELPER_APP_H

#include <stddef.h>

#include "app/app.h"
#include <stdio.h>

#include "helper_client.h"

/* Create dir/name as a store with the registry and the demo units; path in db (cap bytes). */
int ha_demo_store(const char *dir, const char *name, char *db, size_t cap);
/* Open the app on db and start the server on 127.0.0.1:0 (quiet, 2 threads). */
int ha_serve(app_t *app, const char *db, http_server_t **srv /* OUT */,
             unsigned short *port /* OUT */);
/* The same with its access lines appended to access_log (borrowed; NULL: quiet as above). */
int ha_serve_log(app_t *app, const char *db, http_server_t **srv /* OUT */,
                 unsigned short *port /* OUT */, FILE *access_log);
/* The demo campaign and its documents (demo_campaign, demo_documents) in the served app's
 * store: the set-up of the document tests. campaign: the campaign's id. 0 or -1. */
int ha_demo_docs(app_t *app, int64_t *campaign /* OUT */);
/* Today in Vietnam, as days since 1970-01-01. */
int32_t ha_vn_today(void);
/* A campaign of quận Hải An (306) open now, on the template of campaign template_of (the
 * demo campaign): its week starts 20 days from today (Vietnam time), registration closes in
 * 10, it expects TTHTCĐs and primary schools. The new campaign's id in *id, its first day in
 * *start (NULL: not wanted). 0 or -1. The set-up of the activity and photo tests. */
int ha_haian_campaign(app_t *app, int64_t template_of, int64_t *id, int32_t *start);
/* Replace the sign-in throttles (per username, per IP) with ones allowing that many free
 * failures. */
void ha_throttles(app_t *app, int per_user, int per_ip);
/* sql (one or more statements, no rows wanted) on the database the app serves from the
 * SQLite file db: that file, or in PostgreSQL mode (SUOTDOI_TEST_HTTP_PG) the database it was
 * migrated into, where the app is then told of the change as of another instance's commit.
 * Write it in the SQL both engines take. 0, or -1 with err. */
int ha_sql(const char *db, const char *sql, char *err, size_t errlen);
/* 1 when the app serves the SQLite file db's migrated copy on PostgreSQL, else 0. */
int ha_served_pg(const char *db);
/* The --db spec of the database the app serves from db: its PostgreSQL URI, or db. */
const char *ha_served_spec(const char *db);
/* The first column of the first row of sql there, into *out: 0, or -1 with err (no row, a
 * NULL, an error). */
int ha_sql_i64(const char *db, const char *sql, int64_t *out, char *err, size_t errlen);
/* A digest of every row of every table of the database the app serves from db (the SQLite
 * file, or its PostgreSQL copy), leaving out the tables named in ignore (space-separated, e.g.
 * "sessions"; NULL: none), into out as 64 hex digits: equal before and after a refused
 * request when nothing was written. Row order does not count. 0, or -1 with err. */
int ha_db_digest(const char *db, const char *ignore, char out[65], char *err, size_t errlen);
/* sql (CREATE/DROP DATABASE...) on the PostgreSQL server's maintenance database (a libpq
 * URI): 0, or -1 with the error on stderr. */
int ha_pg_admin(const char *server, const char *sql);
/* Runs argv (a program and its arguments, e.g. ./suotdoi demo …) to its end, its output in
 * dir/<name>.log: 0 when it exited 0, else -1 after copying that output to stderr. */
int ha_run(const char *dir, const char *name, char *const argv[]);
/* Seconds on the monotonic clock, for waits and timings. */
double ha_now(void);
/* A test's teardown: stop srv, close app, end libcurl, remove dir and what is in it (the
 * set-up's ha_demo_store/ha_serve made them). 0, or -1 when dir could not be removed. */
int ha_stop(http_server_t *srv, app_t *app, const char *dir);
/* "name=value" of a Set-Cookie in r, into out; -1 when absent. */
int hc_cookie(const hc_resp_t *r, const char *name, char *out, size_t cap);
/* The first CSRF form field value of a page, into out; -1 when absent. */
int hc_csrf(const hc_resp_t *r, char *out, size_t cap);

/* A signed-in browser: its session cookie and the CSRF token of its pages. */
typedef struct ha_client {
	char cookie[400];
	char csrf[64];
} ha_client_t;

/* A request as client c (NULL: anonymous) sends it; json adds Content-Type: application/json
 * and the X-CSRF-Token header. Fails the test on a transport error. Free with hc_resp_free. */
hc_resp_t ha_req(unsigned short port, ha_client_t *c, const char *method, const char *path,
                 const char *body, int json);
/* Sign in through the form (pre-login cookie, CSRF, POST /login) and read the session's CSRF
 * token. Returns the status of the POST (303 on success). */
long ha_login(unsigned short port, ha_client_t *c, const char *user, const char *password);
/* Create user name with role on unit (a code) and that password; fails the test on error.
 * Returns the new user's id. */
int64_t ha_user(app_t *app, const char *name, const char *unit, role_t role, const char *password);

/* POST a form as client c (NULL: anonymous): its CSRF token and the name/value pairs of kv
 * (NULL-terminated), values percent-encoded. Free with hc_resp_free. */
hc_resp_t ha_post_form(unsigned short port, ha_client_t *c, const char *path,
                       const char *const *kv);

/* POST a multipart form as c: its CSRF token, the pairs of kv (NULL-terminated; a NULL value
 * leaves the field out) and, with data, a file part "file" named name, declared as ctype.
 * Fails the test on a transport error. Free with hc_resp_free. */
hc_resp_t ha_post_multipart(unsigned short port, ha_client_t *c, const char *path,
                            const char *const *kv, const void *data, size_t len, const char *name,
                            const char *ctype);

/* POST the form of page (GET as c) that posts to path, as a browser does: every input,
 * textarea and select of that form with its current value (checked checkboxes only), then
 * the changes in kv (NULL-terminated pairs): a value replaces the field's (added when the
 * page has none), a NULL value leaves every field of that name out, a name "+x" adds one
 * more field x. When no form posts to path (no such button for c), the page's biggest
 * form is taken. Fails the test when the page or its forms are missing. Free with
 * hc_resp_free (tests/http/helper_page_form.c). */
hc_resp_t ha_post_page_form(unsigned short port, ha_client_t *c, const char *page,
                            const char *path, const char *const *kv);

/* ha_post_page_form for a multipart form (a file upload): the page's form fields with the
 * changes of kv, each a part, and the file input file_field as a browser sends it: with
 * data, a file named name declared as ctype; without (data NULL), an empty part with an
 * empty file name, as when no file is chosen; file_field NULL: no file input on the form.
 * Free with hc_resp_free. */
hc_resp_t ha_post_page_multipart(unsigned short port, ha_client_t *c, const char *page,
                                 const char *path, const char *const *kv, const char *file_field,
                                 const void *data, size_t len, const char *name,
                                 const char *ctype);

/* ha_post_page_form with the changes given as a form body ("v.5.2.lop=3&g.5.2.lop=x",
 * percent-encoded, '+' a space), as the tests wrote their partial posts. */
hc_resp_t ha_post_page_body(unsigned short port, ha_client_t *c, const char *page,
                            const char *path, const char *body);

/* ha_post_page_form with body (a form body as above) over the page's form: every field the
 * body names takes the body's values only (all of them, in order: a checkbox list given as
 * repeated fields replaces the page's ticks), every other field keeps the page's value. For
 * tests that write out a whole form's values. */
hc_resp_t ha_post_page_over(unsigned short port, ha_client_t *c, const char *page,
                            const char *path, const char *body);

#endif
