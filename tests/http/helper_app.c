/* Shared set-up for the app's HTTP tests (see helper_app.h). */
#include "helper_app.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/file.h"
#include "core/log.h"
#include "domain/accounts.h"
#include "domain/activity.h"
#include "domain/demo.h"
#include "domain/demo_docs.h"

int
ha_demo_store(const char *dir, const char *name, char *db, size_t cap)
{
	char err[4096];
	snprintf(db, cap, "%s/%s", dir, name);
	store_t *st;
	if (store_open(db, &st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	const char *files[] = {"data/dvhc/units-2025-03-01.csv", "data/demo/units-demo.csv"};
	for (int i = 0; i < 2; i++) {
		char path[512], *data;
		size_t len;
		units_import_stats_t s;
		snprintf(path, sizeof path, "%s/%s", TEST_SOURCE_DIR, files[i]);
		if (file_read_all(path, 1 << 26, &data, &len, err, sizeof err) < 0 ||
		    units_import_csv(st, data, len, &s, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			store_close(st);
			return -1;
		}
		free(data);
	}
	store_close(st);
	return 0;
}

/* ---- PostgreSQL mode ----
 * With SUOTDOI_TEST_HTTP_PG naming a server (ctest's http_pg_* entries, on the "pg"
 * fixture's cluster), the database a test prepared as a SQLite file is moved into a fresh
 * PostgreSQL database by store_copy, what `suotdoi migrate --from --to` does, and the app
 * serves that one: every HTTP test then runs against a migrated database. */
/* The databases made so far (a test may serve more than one): each one's name, the SQLite
 * file it was migrated from and its URI. */
#define PG_SERVED_MAX 8
static struct pg_served {
	char db[64], path[600], uri[1024];
} pg_served[PG_SERVED_MAX];
static int pg_nserved;

int
ha_pg_admin(const char *server, const char *sql)
{
	PGconn *c = PQconnectdb(server);
	int rc = -1;
	if (PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQexec(c, sql);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
		if (rc < 0)
			fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	} else {
		fprintf(stderr, "PostgreSQL %s: %s", server, PQerrorMessage(c));
	}
	PQfinish(c);
	return rc;
}

/* server's URI with its database replaced by db (postgresql://auth/DB?params). */
static void
pg_uri_with_db(char *out, size_t cap, const char *server, const char *db)
{
	const char *auth = strstr(server, "://");
	auth = auth ? auth + 3 : server;
	const char *slash = strchr(auth, '/'), *q = strchr(auth, '?');
	size_t head = slash && (!q || slash < q) ? (size_t)(slash - server)
	              : q                        ? (size_t)(q - server)
	                                         : strlen(server);
	snprintf(out, cap, "%.*s/%s%s", (int)head, server, db, q ? q : "");
}

/* The migrated copy of the SQLite file path: its URI, or NULL (said). */
static const char *
pg_migrate(const char *server, const char *path)
{
	static int seq;
	if (pg_nserved == PG_SERVED_MAX) {
		fprintf(stderr, "more than %d databases served in one test\n", PG_SERVED_MAX);
		return NULL;
	}
	struct pg_served *p = &pg_served[pg_nserved];
	char sql[160], from[600], err[1024];
	snprintf(p->db, sizeof p->db, "http_%ld_%d", (long)getpid(), ++seq);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'", p->db);
	if (ha_pg_admin(server, sql) < 0)
		return NULL;
	pg_nserved++;
	snprintf(p->path, sizeof p->path, "%s", path);
	char name[64];
	snprintf(name, sizeof name, "%s", p->db);
	pg_uri_with_db(p->uri, sizeof p->uri, server, name);
	snprintf(from, sizeof from, "sqlite:%s", path);
	if (store_copy(from, p->uri, NULL, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "migrate %s -> %s: %s\n", path, p->uri, err);
		return NULL;
	}
	return p->uri;
}

/* Drops every database made (a test's teardown). */
static void
pg_drop(void)
{
	const char *server = getenv("SUOTDOI_TEST_HTTP_PG");
	for (; pg_nserved > 0; pg_nserved--) {
		char sql[160];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)",
		         pg_served[pg_nserved - 1].db);
		if (server && *server)
			ha_pg_admin(server, sql);
	}
}

/* ---- SQL on the served database ---- */

/* The PostgreSQL database that stands for the SQLite file db, or NULL. */
static const char *
served_pg(const char *db)
{
	for (int k = pg_nserved - 1; k >= 0; k--) /* the latest copy of that file */
		if (strcmp(db, pg_served[k].path) == 0)
			return pg_served[k].uri;
	return NULL;
}

int
ha_served_pg(const char *db)
{
	return served_pg(db) != NULL;
}

const char *
ha_served_spec(const char *db)
{
	const char *uri = served_pg(db);
	return uri ? uri : db;
}

/* sql on the PostgreSQL database uri; with want, the first column of its first row. */
static int
pg_sql(const char *uri, const char *sql, int64_t *want, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(uri);
	int rc = -1;
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "%s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	PGresult *r = PQexec(c, "BEGIN");
	PQclear(r);
	r = PQexec(c, sql);
	ExecStatusType t = PQresultStatus(r);
	if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
		rc = 0;
		if (want) {
			if (t == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
				*want = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			else
				rc = -1, snprintf(err, errlen, "no row");
		}
	} else {
		snprintf(err, errlen, "%s", PQresultErrorMessage(r));
	}
	PQclear(r);
	/* the served app hears of it as of another instance's commit (store_pg.c) */
	r = PQexec(c, rc == 0 && !want ? "SELECT pg_notify('suotdoi', 'test-sql 1 15'); COMMIT"
	                               : "ROLLBACK");
	PQclear(r);
	PQfinish(c);
	return rc;
}

int
ha_sql(const char *db, const char *sql, char *err, size_t errlen)
{
	const char *uri = served_pg(db);
	if (uri)
		return pg_sql(uri, sql, NULL, err, errlen);
	sqlite3 *h = NULL;
	char *e = NULL;
	int rc = sqlite3_open(db, &h) == SQLITE_OK ? 0 : -1;
	if (rc == 0) {
		sqlite3_busy_timeout(h, 5000);
		rc = sqlite3_exec(h, sql, NULL, NULL, &e) == SQLITE_OK ? 0 : -1;
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", e ? e : sqlite3_errmsg(h));
	sqlite3_free(e);
	sqlite3_close(h);
	return rc;
}

int
ha_sql_i64(const char *db, const char *sql, int64_t *out, char *err, size_t errlen)
{
	const char *uri = served_pg(db);
	if (uri)
		return pg_sql(uri, sql, out, err, errlen);
	sqlite3 *h = NULL;
	sqlite3_stmt *q = NULL;
	int rc = -1;
	if (sqlite3_open(db, &h) == SQLITE_OK) {
		sqlite3_busy_timeout(h, 5000);
		if (sqlite3_prepare_v2(h, sql, -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
			*out = sqlite3_column_int64(q, 0);
			rc = 0;
		}
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", h ? sqlite3_errmsg(h) : "no database");
	sqlite3_finalize(q);
	sqlite3_close(h);
	return rc;
}

/* " name " in " ignore "? */
static int
ignored(const char *ignore, const char *name)
{
	if (!ignore)
		return 0;
	char pat[200], list[1000];
	snprintf(pat, sizeof pat, " %s ", name);
	snprintf(list, sizeof list, " %s ", ignore);
	return strstr(list, pat) != NULL;
}

/* The row digests are added up (mod 2^64 per lane), so the order rows come in does not
 * count; the table's name and row count go in too. */
typedef struct {
	uint64_t lane[4];
} digest_t;

static void
digest_add(digest_t *d, const void *row, size_t len)
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, row, len, NULL, 0);
	for (int k = 0; k < 4; k++) {
		uint64_t v;
		memcpy(&v, h + 8 * k, 8);
		d->lane[k] += v;
	}
}

static int
pg_digest(const char *uri, const char *ignore, digest_t *d, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(uri);
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "%s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	PGresult *t = PQexec(c, "SELECT table_name FROM information_schema.tables WHERE "
	                        "table_schema = current_schema() AND table_type = 'BASE TABLE'");
	int rc = PQresultStatus(t) == PGRES_TUPLES_OK ? 0 : -1;
	if (rc < 0)
		snprintf(err, errlen, "%s", PQresultErrorMessage(t));
	for (int i = 0; rc == 0 && i < PQntuples(t); i++) {
		const char *name = PQgetvalue(t, i, 0);
		if (ignored(ignore, name))
			continue;
		char sql[300];
		snprintf(sql, sizeof sql, "SELECT x::text FROM \"%s\" x", name);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			snprintf(err, errlen, "%s: %s", name, PQresultErrorMessage(r));
			rc = -1;
		}
		for (int k = 0; rc == 0 && k < PQntuples(r); k++) {
			char *row = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&row, &len);
			fprintf(f, "%s\n%s", name, PQgetvalue(r, k, 0));
			fclose(f);
			digest_add(d, row, len);
			free(row);
		}
		PQclear(r);
	}
	PQclear(t);
	PQfinish(c);
	return rc;
}

static int
sqlite_digest(const char *db, const char *ignore, digest_t *d, char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *t = NULL;
	int rc = sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK ? 0 : -1;
	if (rc == 0) {
		sqlite3_busy_timeout(h, 5000);
		rc = sqlite3_prepare_v2(h,
		                        "SELECT name FROM sqlite_master WHERE type = 'table' AND "
		                        "name NOT LIKE 'sqlite_%'",
		                        -1, &t, NULL) == SQLITE_OK
		             ? 0
		             : -1;
	}
	while (rc == 0 && sqlite3_step(t) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(t, 0);
		if (ignored(ignore, name))
			continue;
		char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
		sqlite3_stmt *q = NULL;
		rc = sqlite3_prepare_v2(h, sql, -1, &q, NULL) == SQLITE_OK ? 0 : -1;
		sqlite3_free(sql);
		int step;
		while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
			char *row = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&row, &len);
			fprintf(f, "%s", name);
			for (int k = 0; k < sqlite3_column_count(q); k++) {
				int ty = sqlite3_column_type(q, k);
				const void *b = sqlite3_column_blob(q, k);
				int n = sqlite3_column_bytes(q, k);
				fprintf(f, "\n%d:%d:", ty, n);
				if (n > 0)
					fwrite(b, 1, (size_t)n, f);
			}
			fclose(f);
			digest_add(d, row, len);
			free(row);
		}
		sqlite3_finalize(q);
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", h ? sqlite3_errmsg(h) : "no database");
	sqlite3_finalize(t);
	sqlite3_close(h);
	return rc;
}

int
ha_db_digest(const char *db, const char *ignore, char out[65], char *err, size_t errlen)
{
	digest_t d = {{0}};
	const char *uri = served_pg(db);
	int rc = uri ? pg_digest(uri, ignore, &d, err, errlen)
	             : sqlite_digest(db, ignore, &d, err, errlen);
	if (rc == 0)
		snprintf(out, 65, "%016llx%016llx%016llx%016llx", (unsigned long long)d.lane[0],
		         (unsigned long long)d.lane[1], (unsigned long long)d.lane[2],
		         (unsigned long long)d.lane[3]);
	return rc;
}

int
ha_serve(app_t *app, const char *db, http_server_t **srv, unsigned short *port)
{
	return ha_serve_log(app, db, srv, port, NULL);
}

int
ha_serve_log(app_t *app, const char *db, http_server_t **srv, unsigned short *port,
             FILE *access_log)
{
	char err[4096];
	log_set_level(2);
	const char *server = getenv("SUOTDOI_TEST_HTTP_PG"), *files = NULL;
	if (server && *server && strncmp(db, "postgres", 8) != 0) {
		const char *uri = pg_migrate(server, db);
		if (uri == NULL)
			return -1;
		files = db; /* the files stay where the test put them */
		db = uri;
	}
	if (app_open_files(app, db, files, TEST_SOURCE_DIR, err, sizeof err) < 0) {
		fprintf(stderr, "app_open: %s\n", err);
		return -1;
	}
	http_config_t cfg;
	app_http_config(app, &cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 2;
	cfg.quiet = access_log == NULL;
	cfg.access_log = access_log;
	if (http_server_start(&cfg, srv) < 0)
		return -1;
	*port = http_server_port(*srv);
	return 0;
}

void
ha_throttles(app_t *app, int per_user, int per_ip)
{
	auth_throttle_free(app->throttle);
	auth_throttle_free(app->ip_throttle);
	app->throttle = auth_throttle_new(per_user, 900, 900);
	app->ip_throttle = auth_throttle_new(per_ip, 900, 900);
}

int
hc_cookie(const hc_resp_t *r, const char *name, char *out, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof pat, "Set-Cookie: %s=", name);
	const char *p = strcasestr(buf_cstr((buf_t *)&r->headers), pat);
	if (!p)
		return -1;
	p += strlen("Set-Cookie: ");
	snprintf(out, cap, "%.*s", (int)strcspn(p, ";\r\n"), p);
	return 0;
}

int
hc_csrf(const hc_resp_t *r, char *out, size_t cap)
{
	const char *p = strstr(buf_cstr((buf_t *)&r->body), "name=\"csrf\" value=\"");
	if (!p)
		return -1;
	p += strlen("name=\"csrf\" value=\"");
	snprintf(out, cap, "%.*s", (int)strcspn(p, "\""), p);
	return 0;
}

hc_resp_t
ha_req(unsigned short port, ha_client_t *c, const char *method, const char *path, const char *body,
       int json)
{
	char cookie[450], csrf[120];
	const char *hdrs[4] = {0};
	int k = 0;
	if (c && c->cookie[0]) {
		snprintf(cookie, sizeof cookie, "Cookie: %s", c->cookie);
		hdrs[k++] = cookie;
	}
	if (json) {
		hdrs[k++] = "Content-Type: application/json";
		if (c) {
			snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", c->csrf);
			hdrs[k++] = csrf;
		}
	}
	hc_opts_t o = {.method = method,
	               .body = body,
	               .body_len = body ? strlen(body) : 0,
	               .headers = hdrs};
	hc_resp_t r;
	CURL *h = curl_easy_init();
	int rc = hc_request(h, port, path, &o, &r);
	curl_easy_cleanup(h);
	if (rc < 0) {
		fprintf(stderr, "%s %s: transport error\n", method, path);
		abort();
	}
	return r;
}

long
ha_login(unsigned short port, ha_client_t *c, const char *user, const char *password)
{
	ha_client_t pre = {{0}, {0}};
	hc_resp_t r = ha_req(port, &pre, "GET", "/login", NULL, 0);
	hc_cookie(&r, APP_PRELOGIN_COOKIE, pre.cookie, sizeof pre.cookie);
	hc_csrf(&r, pre.csrf, sizeof pre.csrf);
	hc_resp_free(&r);
	char body[400];
	snprintf(body, sizeof body, "username=%s&password=%s&csrf=%s", user, password, pre.csrf);
	r = ha_req(port, &pre, "POST", "/login", body, 0);
	long st = r.status;
	if (st == 303)
		hc_cookie(&r, APP_SESSION_COOKIE, c->cookie, sizeof c->cookie);
	hc_resp_free(&r);
	if (st == 303) {
		r = ha_req(port, c, "GET", "/account", NULL, 0);
		hc_csrf(&r, c->csrf, sizeof c->csrf);
		hc_resp_free(&r);
	}
	return st;
}

int64_t
ha_user(app_t *app, const char *name, const char *unit, role_t role, const char *password)
{
	char err[512], hash[AUTH_HASH_MAX], norm[72];
	unit_tree_t *t = app_tree(app);
	int32_t i = unit_tree_find_code(t, unit);
	int64_t id = -1;
	if (i >= 0 && auth_password_hash(password, hash) == 0) {
		account_new_t a = {name, NULL, NULL, role, t->units[i].id, hash, 0, 0};
		if (accounts_create(app->store, &a, norm, &id, err, sizeof err) != 0)
			id = -1;
	}
	unit_tree_unref(t);
	if (id < 0) {
		fprintf(stderr, "could not create user %s on %s\n", name, unit);
		abort();
	}
	return id;
}

int
ha_demo_docs(app_t *app, int64_t *campaign)
{
	unit_tree_t *t = app_tree(app);
	int rc = demo_campaign(app->store, t, TEST_SOURCE_DIR, campaign);
	if (rc == 0)
		rc = demo_documents(app->store, t, *campaign, TEST_SOURCE_DIR);
	unit_tree_unref(t);
	return rc < 0 ? -1 : 0;
}

int32_t
ha_vn_today(void)
{
	int32_t d;
	int m;
	activity_vn_split((int64_t)time(NULL), &d, &m);
	return d;
}

static int
take_template(const store_campaign_t *c, void *p)
{
	*(int64_t *)p = c->template_id;
	return 0;
}

int
ha_haian_campaign(app_t *app, int64_t template_of, int64_t *id, int32_t *start)
{
	int64_t tid = 0;
	if (store_campaign_get(app->store, template_of, take_template, &tid) != 1)
		return -1;
	int32_t base_day = ha_vn_today() + 20;
	time_t tt = (time_t)base_day * 86400;
	struct tm tm;
	gmtime_r(&tt, &tm);
	unit_tree_t *t = app_tree(app);
	int32_t issuer = unit_tree_find_code(t, "306");
	store_campaign_t c = {.issuer_unit_id = issuer >= 0 ? t->units[issuer].id : 0,
	                      .template_id = tid,
	                      .year = tm.tm_year + 1900,
	                      .name = "Tuần lễ học tập suốt đời quận Hải An",
	                      .theme = "",
	                      .start_date = base_day,
	                      .end_date = base_day + 6,
	                      .registration_deadline = ha_vn_today() + 10,
	                      .opening_time = "",
	                      .opening_place = "",
	                      .opening_participants = "",
	                      .status = "open",
	                      .expected_kinds = "tthtcd truong_th",
	                      .deadlines = "",
	                      .created_at = time(NULL)};
	unit_tree_unref(t);
	if (issuer < 0 || store_campaign_save(app->store, &c, id) < 0)
		return -1;
	if (start)
		*start = base_day;
	return 0;
}

hc_resp_t
ha_post_form(unsigned short port, ha_client_t *c, const char *path, const char *const *kv)
{
	buf_t b = BUF_INIT;
	CURL *h = curl_easy_init();
	buf_printf(&b, "csrf=%s", c ? c->csrf : "");
	for (size_t k = 0; kv[k]; k += 2) {
		char *e = curl_easy_escape(h, kv[k + 1], 0);
		buf_printf(&b, "&%s=%s", kv[k], e);
		curl_free(e);
	}
	curl_easy_cleanup(h);
	hc_resp_t r = ha_req(port, c, "POST", path, buf_cstr(&b), 0);
	buf_free(&b);
	return r;
}

static size_t
mp_sink(char *p, size_t s, size_t n, void *ud)
{
	buf_append(ud, p, s * n);
	return s * n;
}

hc_resp_t
ha_post_multipart(unsigned short port, ha_client_t *c, const char *path, const char *const *kv,
                  const void *data, size_t len, const char *name, const char *ctype)
{
	char url[300];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	hc_resp_t r = {0};
	CURL *h = curl_easy_init();
	curl_mime *m = curl_mime_init(h);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "csrf");
	curl_mime_data(p, c->csrf, CURL_ZERO_TERMINATED);
	for (size_t k = 0; kv[k]; k += 2) {
		if (!kv[k + 1])
			continue;
		p = curl_mime_addpart(m);
		curl_mime_name(p, kv[k]);
		curl_mime_data(p, kv[k + 1], CURL_ZERO_TERMINATED);
	}
	if (data) {
		p = curl_mime_addpart(m);
		curl_mime_name(p, "file");
		curl_mime_filename(p, name);
		curl_mime_type(p, ctype);
		curl_mime_data(p, data, len);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(h, CURLOPT_COOKIE, c->cookie);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, mp_sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, mp_sink);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &r.headers);
	if (curl_easy_perform(h) != CURLE_OK) {
		fprintf(stderr, "ha_post_multipart: %s: transport error\n", path);
		abort();
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
	curl_mime_free(m);
	curl_easy_cleanup(h);
	return r;
}

int
ha_stop(http_server_t *srv, app_t *app, const char *dir)
{
	http_server_stop(srv);
	app_close(app);
	pg_drop();
	curl_global_cleanup();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
ha_run(const char *dir, const char *name, char *const argv[])
{
	char log[300];
	snprintf(log, sizeof log, "%s/%s.log", dir, name);
	pid_t p = fork();
	if (p == 0) {
		if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	int status = 0;
	waitpid(p, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "sed 's/^/  %s: /' '%s' >&2", name, log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no log)\n");
	return -1;
}

double
ha_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
