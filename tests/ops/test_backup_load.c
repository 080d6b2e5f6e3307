/* `suotdoi backup` while a real server takes writes, and `suotdoi restore` of it.
 *
 * `suotdoi demo` makes the database (its contest media are files beside it); `suotdoi serve`
 * serves it. Before the load: a report photo (stored in the database) and an unfinished
 * resumable photo upload (files in the upload spool). Four writers, each signed in as the head
 * of a school, save their report through the JSON API in a loop, save k setting 5.2.lop = k
 * and 5.2.nguoi = 10k + writer, so one save is two values. During the load the real binary
 * runs `suotdoi backup --to DIR`; `suotdoi restore` puts it into a new database. Checked:
 * - the restored database passes PRAGMA integrity_check (SQLite);
 * - every save acknowledged (HTTP 2xx) before the backup started is there, or a later one,
 *   and never one beyond what was sent;
 * - nothing half written: each restored report's two values come from one save;
 * - the files: the contest media and the spooled upload are restored byte for byte.
 * Then the load stops, each writer submits, a second backup is taken and restored, and every
 * report (all columns of reports, report_values, report_events, report_photos) of the restore
 * equals the live database's, byte for byte.
 * With SUOTDOI_TEST_PG (ctest's ops_test_backup_load_pg) the same runs on PostgreSQL: the demo
 * moved there by `suotdoi migrate`, backed up by pg_dump, restored into fresh databases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "helper_app.h"
#include "helper_client.h"
#include "helper_photo.h"
#include "media/photo.h"

#define PASSWORD "Hoctap@2022"
#define NW 4

static char tmpdir[] = "/tmp/suotdoi-bkload-XXXXXX";
static char spec[1024];   /* the served database: the demo file, or its PostgreSQL copy */
static char files[400];   /* the served files' prefix */
static char server[1024]; /* PostgreSQL mode: the fixture's maintenance URI */
static int pg;
static pid_t server_pid;
static unsigned short port;
static long long campaign;
static char made_dbs[4][64];
static int nmade;

typedef struct writer {
	const char *user, *unit;
	int idx;
	ha_client_t c;
	pthread_t th;
	atomic_long sent, acked; /* the last save sent; the last acknowledged with a 2xx */
	atomic_int failed;
	char why[400];
} writer_t;

static writer_t W[NW] = {
        {.user = "th.danglam", .unit = "HA-11413-TH"},
        {.user = "thcs.danglam", .unit = "HA-11413-THCS"},
        {.user = "mn.catbi", .unit = "HA-11422-MN"},
        {.user = "tthtcd.danglam", .unit = "HA-11413-TTHTCD"},
};
static atomic_int stop;

/* Rows of sql on a SQLite path or a PostgreSQL URI, every value's bytes, a 0x1f after each
 * value and a newline after each row, into out. 0, or -1 with the error on stderr. */
static int
rows(const char *db, const char *sql, buf_t *out)
{
	if (!strncmp(db, "postgresql://", 13)) {
		PGconn *c = PQconnectdb(db);
		PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
		int rc = -1;
		if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
			for (int i = 0; i < PQntuples(r); i++) {
				for (int j = 0; j < PQnfields(r); j++) {
					buf_append(out, PQgetvalue(r, i, j),
					           (size_t)PQgetlength(r, i, j));
					buf_append(out, PQgetisnull(r, i, j) ? "\x1e\x1f" : "\x1f",
					           PQgetisnull(r, i, j) ? 2 : 1);
				}
				buf_append(out, "\n", 1);
			}
			rc = 0;
		} else {
			fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(c));
		}
		PQclear(r);
		PQfinish(c);
		return rc;
	}
	sqlite3 *d = NULL;
	sqlite3_stmt *s = NULL;
	int rc = -1;
	if (sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(d, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(d));
		goto out;
	}
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		for (int j = 0; j < sqlite3_column_count(s); j++) {
			int t = sqlite3_column_type(s, j);
			const void *v = t == SQLITE_BLOB ? sqlite3_column_blob(s, j)
			                                 : (const void *)sqlite3_column_text(s, j);
			buf_append(out, v ? v : "", (size_t)sqlite3_column_bytes(s, j));
			buf_append(out, t == SQLITE_NULL ? "\x1e\x1f" : "\x1f",
			           t == SQLITE_NULL ? 2 : 1);
		}
		buf_append(out, "\n", 1);
	}
	if (step != SQLITE_DONE)
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(d));
	else
		rc = 0;
out:
	sqlite3_finalize(s);
	sqlite3_close(d);
	return rc;
}

/* The reports of a database, all of them, as bytes (rows above). */
static void
dump(const char *db, buf_t *out)
{
	static const char *const q[] = {
	        "SELECT * FROM reports ORDER BY id",
	        "SELECT * FROM report_values ORDER BY report_id, item",
	        "SELECT * FROM report_events ORDER BY id",
	        "SELECT * FROM report_photos ORDER BY id",
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		buf_append(out, q[i], strlen(q[i]));
		buf_append(out, "\n", 1);
		assert_int_equal(rows(db, q[i], out), 0);
	}
}

/* The values 5.2.lop and 5.2.nguoi of unit's report in db (-1 when absent). */
static void
values_of(const char *db, const char *unit, long long *lop, long long *nguoi)
{
	char sql[600];
	snprintf(sql, sizeof sql,
	         "SELECT rv.item, rv.num FROM report_values rv JOIN reports r ON r.id = "
	         "rv.report_id JOIN units u ON u.id = r.unit_id WHERE r.campaign_id = %lld AND "
	         "u.code = '%s' AND rv.item IN ('5.2.lop', '5.2.nguoi')",
	         campaign, unit);
	buf_t b = {0};
	assert_int_equal(rows(db, sql, &b), 0);
	*lop = *nguoi = -1;
	for (char *line = (char *)buf_cstr(&b); *line;) {
		char *end = strchr(line, '\n');
		*end = '\0';
		char *sep = strchr(line, '\x1f');
		*sep = '\0';
		long long v = atoll(sep + 1);
		*(strcmp(line, "5.2.lop") ? nguoi : lop) = v;
		line = end + 1;
	}
	buf_free(&b);
}

/* A new PostgreSQL database (dropped at the end); its URI into out. */
static void
new_pg_db(const char *name, char *out, size_t cap)
{
	char sql[200];
	assert_true(nmade < 4);
	snprintf(made_dbs[nmade], sizeof made_dbs[nmade], "%s_%ld", name, (long)getpid());
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'",
	         made_dbs[nmade]);
	assert_int_equal(ha_pg_admin(server, sql), 0);
	const char *slash = strstr(server, ":///"), *q = strchr(server, '?');
	assert_non_null(slash);
	assert_non_null(q);
	snprintf(out, cap, "%.*s/%s%s", (int)(slash - server + 3), server, made_dbs[nmade], q);
	nmade++;
}

static unsigned short
free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t n = sizeof a;
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &n), 0);
	close(s);
	return ntohs(a.sin_port);
}

static int
setup(void **state)
{
	(void)state;
	const char *env = getenv("SUOTDOI_TEST_PG");
	pg = env && *env;
	if (pg)
		snprintf(server, sizeof server, "%s", env);
	if (!mkdtemp(tmpdir))
		return -1;
	char demo[300];
	snprintf(demo, sizeof demo, "%s/live.db", tmpdir);
	char *const mk[] = {"./suotdoi", "demo", "--db", demo, NULL};
	if (ha_run(tmpdir, "demo", mk) < 0)
		return -1;
	snprintf(spec, sizeof spec, "%s", demo);
	snprintf(files, sizeof files, "%s", demo);
	if (pg) { /* the deployment moved as an operator does: the database, then its files */
		char from[320];
		snprintf(from, sizeof from, "sqlite:%s", demo);
		snprintf(files, sizeof files, "%s/shared", tmpdir);
		char cmd[900];
		snprintf(cmd, sizeof cmd, "cp -r '%s.contest' '%s.contest'", demo, files);
		if (system(cmd) != 0)
			return -1;
		new_pg_db("bkload", spec, sizeof spec);
		char *const mig[] = {"./suotdoi", "migrate", "--from", from, "--to", spec, NULL};
		if (ha_run(tmpdir, "migrate", mig) < 0)
			return -1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	port = free_port();
	char listen[32], log[300];
	snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
	snprintf(log, sizeof log, "%s/serve.log", tmpdir);
	server_pid = fork();
	if (server_pid == 0) {
		if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr))
			_exit(127);
		execl("./suotdoi", "./suotdoi", "serve", "--db", spec, "--listen", listen,
		      "--files", files, "--assets", TEST_SOURCE_DIR, (char *)NULL);
		_exit(127);
	}
	for (double t0 = ha_now(); ha_now() - t0 < 60; usleep(100 * 1000)) {
		hc_resp_t r;
		if (hc_get(port, "/login", &r) == 0) {
			long st = r.status;
			hc_resp_free(&r);
			if (st == 200)
				return 0;
		}
	}
	return -1;
}

static int
teardown(void **state)
{
	(void)state;
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	curl_global_cleanup();
	for (int i = 0; i < nmade; i++) {
		char sql[320];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", made_dbs[i]);
		ha_pg_admin(server, sql);
	}
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- the load ---- */

static void *
write_loop(void *p)
{
	writer_t *w = p;
	CURL *cu = curl_easy_init();
	char path[200], body[200], ck[450], cs[100];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/%s/report", campaign, w->unit);
	snprintf(ck, sizeof ck, "Cookie: %s", w->c.cookie);
	snprintf(cs, sizeof cs, "X-CSRF-Token: %s", w->c.csrf);
	const char *h[] = {ck, cs, "Content-Type: application/json", NULL};
	for (long k = 1; !atomic_load(&stop); k++) {
		snprintf(body, sizeof body, "{\"values\":{\"5.2.lop\":%ld,\"5.2.nguoi\":%ld}}", k,
		         10 * k + w->idx);
		atomic_store(&w->sent, k);
		hc_opts_t o = {
		        .method = "POST", .body = body, .body_len = strlen(body), .headers = h};
		hc_resp_t r;
		if (hc_request(cu, port, path, &o, &r) < 0) {
			snprintf(w->why, sizeof w->why, "save %ld: transport error", k);
			atomic_store(&w->failed, 1);
			break;
		}
		if (r.status / 100 != 2) {
			snprintf(w->why, sizeof w->why, "save %ld: %ld %.300s", k, r.status,
			         buf_cstr(&r.body));
			atomic_store(&w->failed, 1);
			hc_resp_free(&r);
			break;
		}
		hc_resp_free(&r);
		atomic_store(&w->acked, k);
	}
	curl_easy_cleanup(cu);
	return NULL;
}

static long
total_acked(void)
{
	long n = 0;
	for (int i = 0; i < NW; i++)
		n += atomic_load(&W[i].acked);
	return n;
}

/* ---- the files: a report photo and an unfinished upload ---- */

static size_t
sink(char *p, size_t s, size_t n, void *ud)
{
	buf_append(ud, p, s * n);
	return s * n;
}

static void
upload_report_photo(ha_client_t *c, const char *unit)
{
	char jpg[300], url[300], ck[450];
	size_t len;
	snprintf(jpg, sizeof jpg, "%s/photo.jpg", tmpdir);
	assert_int_equal(photo_init("test_backup_load"), 0);
	assert_int_equal(hp_camera_jpeg(jpg, 640, 480, &len), 0);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/campaigns/%lld/units/%s/photos", port,
	         campaign, unit);
	snprintf(ck, sizeof ck, "%s", c->cookie);
	CURL *cu = curl_easy_init();
	curl_mime *m = curl_mime_init(cu);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "csrf");
	curl_mime_data(p, c->csrf, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "caption");
	curl_mime_data(p, "Ngày hội đọc sách", CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "photo");
	curl_mime_filename(p, "anh.jpg");
	curl_mime_type(p, "image/jpeg");
	assert_int_equal(curl_mime_filedata(p, jpg), CURLE_OK);
	buf_t out = {0};
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(cu, CURLOPT_COOKIE, ck);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &out);
	long st = 0;
	assert_int_equal(curl_easy_perform(cu), CURLE_OK);
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &st);
	curl_mime_free(m);
	curl_easy_cleanup(cu);
	if (st != 303 && st / 100 != 2)
		fail_msg("photo upload: %ld %.300s", st, buf_cstr(&out));
	buf_free(&out);
}

/* A resumable upload of 5000 bytes of which 1000 arrived: its files wait in the spool. */
static void
start_spooled_upload(ha_client_t *c, const char *unit)
{
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT a.id FROM activities a JOIN units u ON u.id = a.unit_id WHERE u.code = "
	         "'%s' ORDER BY a.id LIMIT 1",
	         unit);
	buf_t b = {0};
	assert_int_equal(rows(spec, sql, &b), 0);
	long long aid = atoll(buf_cstr(&b));
	buf_free(&b);
	assert_true(aid > 0);
	char path[300], ck[450], cs[100], range[80];
	snprintf(path, sizeof path, "/units/%s/activities/%lld/photos/uploads", unit, aid);
	snprintf(ck, sizeof ck, "Cookie: %s", c->cookie);
	snprintf(cs, sizeof cs, "X-CSRF-Token: %s", c->csrf);
	const char *h[] = {ck, cs, "Content-Type: application/x-www-form-urlencoded", NULL, NULL};
	const char *body = "size=5000&caption=Dang+tai";
	hc_opts_t o = {.method = "POST", .body = body, .body_len = strlen(body), .headers = h};
	hc_resp_t r;
	CURL *cu = curl_easy_init();
	assert_int_equal(hc_request(cu, port, path, &o, &r), 0);
	if (r.status != 201)
		fail_msg("upload start: %ld %.300s", r.status, buf_cstr(&r.body));
	json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
	char id[64];
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
	hc_resp_free(&r);
	char chunk[1000];
	for (size_t i = 0; i < sizeof chunk; i++)
		chunk[i] = (char)(i * 7);
	snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", id);
	snprintf(range, sizeof range, "Content-Range: bytes 0-999/5000");
	h[2] = "Content-Type: application/octet-stream";
	h[3] = range;
	o = (hc_opts_t){.method = "POST", .body = chunk, .body_len = sizeof chunk, .headers = h};
	assert_int_equal(hc_request(cu, port, path, &o, &r), 0);
	if (r.status / 100 != 2)
		fail_msg("upload chunk: %ld %.300s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	curl_easy_cleanup(cu);
}

/* ---- backup and restore with the real binary ---- */

static void
backup_to(const char *name, char *dir, size_t cap)
{
	snprintf(dir, cap, "%s/%s", tmpdir, name);
	char *const argv[] = {"./suotdoi", "backup", "--db", spec, "--files",
	                      files,       "--to",   dir,    NULL};
	assert_int_equal(ha_run(tmpdir, name, argv), 0);
}

/* The backup dir restored into a new database (its spec into db) with the file prefix into
 * prefix. */
static void
restore_new(const char *dir, const char *name, char *db, size_t cap, char *prefix, size_t pcap)
{
	snprintf(prefix, pcap, "%s/%s", tmpdir, name);
	if (pg)
		new_pg_db(name, db, cap);
	else
		snprintf(db, cap, "%s/%s.db", tmpdir, name);
	char log[80];
	snprintf(log, sizeof log, "restore-%s", name);
	char *const argv[] = {"./suotdoi", "restore", "--from", (char *)dir, "--db",
	                      db,          "--files", prefix,   NULL};
	assert_int_equal(ha_run(tmpdir, log, argv), 0);
	if (!pg) {
		buf_t b = {0};
		assert_int_equal(rows(db, "PRAGMA integrity_check", &b), 0);
		assert_string_equal(buf_cstr(&b), "ok\x1f\n");
		buf_free(&b);
	}
}

/* The regular files under a and b the same, name and bytes (diff -r). */
static void
same_tree(const char *a, const char *b)
{
	char cmd[1000];
	snprintf(cmd, sizeof cmd, "diff -r '%s' '%s' >&2", a, b);
	assert_int_equal(system(cmd), 0);
}

static int
count_files(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "find '%s' -type f | wc -l", dir);
	FILE *f = popen(cmd, "r");
	int n = -1;
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static void
find_campaign(ha_client_t *c)
{
	hc_resp_t r = ha_req(port, c, "GET", "/api/v1/campaigns", NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL), *it;
	hc_resp_free(&r);
	size_t i;
	json_array_foreach(json_object_get(j, "campaigns"), i, it)
	{
		if (campaign == 0 &&
		    strcmp(json_string_value(json_object_get(it, "status")), "open") == 0)
			campaign = json_integer_value(json_object_get(it, "id"));
	}
	json_decref(j);
	assert_true(campaign > 0);
}

static void
test_backup_under_load(void **state)
{
	(void)state;
	ha_client_t admin = {{0}, {0}};
	assert_int_equal(ha_login(port, &admin, "quantri", PASSWORD), 303);
	find_campaign(&admin);
	for (int i = 0; i < NW; i++) {
		W[i].idx = i;
		assert_int_equal(ha_login(port, &W[i].c, W[i].user, PASSWORD), 303);
	}
	/* the files before the load */
	upload_report_photo(&W[0].c, W[0].unit);
	start_spooled_upload(&W[0].c, W[0].unit);
	char uploads[450], contest[450];
	snprintf(uploads, sizeof uploads, "%s.uploads", files);
	snprintf(contest, sizeof contest, "%s.contest", files);
	assert_true(count_files(uploads) >= 2);
	assert_true(count_files(contest) >= 1);

	/* the load, and a backup in the middle of it */
	for (int i = 0; i < NW; i++)
		assert_int_equal(pthread_create(&W[i].th, NULL, write_loop, &W[i]), 0);
	usleep(1500 * 1000);
	long before[NW];
	for (int i = 0; i < NW; i++)
		before[i] = atomic_load(&W[i].acked);
	long at_start = total_acked();
	double t0 = ha_now();
	char dir1[400];
	backup_to("backup1", dir1, sizeof dir1);
	double took = ha_now() - t0;
	long at_end = total_acked();
	usleep(700 * 1000);
	atomic_store(&stop, 1);
	for (int i = 0; i < NW; i++)
		pthread_join(W[i].th, NULL);
	long total = total_acked();
	fprintf(stderr,
	        "backup under load: %.2f s; saves acknowledged before it %ld, during it %ld, in "
	        "all "
	        "%ld\n",
	        took, at_start, at_end - at_start, total);
	for (int i = 0; i < NW; i++) {
		if (atomic_load(&W[i].failed))
			fail_msg("writer %s: %s", W[i].user, W[i].why);
		assert_true(before[i] > 0); /* each was writing when the backup began */
	}
	assert_true(total > at_end); /* and went on after it ended */

	char db1[1024], pre1[400];
	restore_new(dir1, "restored1", db1, sizeof db1, pre1, sizeof pre1);
	for (int i = 0; i < NW; i++) {
		long long lop, nguoi;
		values_of(db1, W[i].unit, &lop, &nguoi);
		fprintf(stderr,
		        "  %s: acknowledged before the backup %ld, restored %lld, sent %ld\n",
		        W[i].unit, before[i], lop, atomic_load(&W[i].sent));
		assert_true(lop >= before[i]);                /* nothing acknowledged is lost */
		assert_true(lop <= atomic_load(&W[i].acked)); /* only what was acknowledged */
		assert_int_equal(nguoi, 10 * lop + W[i].idx); /* one save, whole */
	}
	char r_uploads[450], r_contest[450];
	snprintf(r_uploads, sizeof r_uploads, "%s.uploads", pre1);
	snprintf(r_contest, sizeof r_contest, "%s.contest", pre1);
	same_tree(uploads, r_uploads);
	same_tree(contest, r_contest);

	/* the load over: each report submitted, a second backup equal to the live database */
	for (int i = 0; i < NW; i++) {
		char path[200], body[200];
		snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/%s/submit", campaign,
		         W[i].unit);
		long k = atomic_load(&W[i].acked) + 1;
		snprintf(body, sizeof body, "{\"values\":{\"5.2.lop\":%ld,\"5.2.nguoi\":%ld}}", k,
		         10 * k + i);
		hc_resp_t r = ha_req(port, &W[i].c, "POST", path, body, 1);
		if (r.status != 200)
			fail_msg("submit %s: %ld %.300s", W[i].unit, r.status, buf_cstr(&r.body));
		hc_resp_free(&r);
	}
	char dir2[400], db2[1024], pre2[400];
	backup_to("backup2", dir2, sizeof dir2);
	restore_new(dir2, "restored2", db2, sizeof db2, pre2, sizeof pre2);
	buf_t live = {0}, back = {0};
	dump(spec, &live);
	dump(db2, &back);
	fprintf(stderr, "reports compared: %zu bytes each side\n", live.len);
	assert_true(live.len > 1000);
	assert_int_equal(live.len, back.len);
	assert_memory_equal(live.data, back.data, live.len);
	/* and the submissions are in it */
	for (int i = 0; i < NW; i++) {
		long long lop, nguoi;
		values_of(db2, W[i].unit, &lop, &nguoi);
		assert_int_equal(lop, atomic_load(&W[i].acked) + 1);
	}
	buf_free(&live);
	buf_free(&back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_backup_under_load)};
	return cmocka_run_group_tests(tests, setup, teardown);
}
