/* Two `suotdoi serve` processes on one PostgreSQL database, as behind a load balancer.
 *
 * The demo database is made by `suotdoi demo` as a SQLite file and moved into a fresh
 * PostgreSQL database by `suotdoi migrate` (the commands an operator runs). Two servers, A and
 * B, then serve it. Checked:
 * - a report a principal submits on A shows in the national totals B serves within 1 s (B's
 *   live roll-up learns of A's commit from its notice: store_pg.c, "instances");
 * - a session opened on A works on B (sessions live in the database), and once signed out on A
 *   it is refused on B;
 * - A killed with SIGKILL: B goes on serving, its totals still hold A's last submission, and a
 *   submission on B is taken; B becomes the leader (the deployment's chores).
 * Needs SUOTDOI_TEST_PG (the "pg" fixture's server; ctest gives it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper_app.h"
#include "helper_client.h"

#define PASSWORD "Hoctap@2022"

static char tmpdir[] = "/tmp/suotdoi-two-XXXXXX";
static char uri[1024], dbname[64], server_uri[1024];

typedef struct inst {
	pid_t pid;
	unsigned short port;
	char log[300];
} inst_t;

static inst_t A, B;

static int
pg_admin(const char *sql)
{
	return ha_pg_admin(server_uri, sql);
}

/* A port nobody listens on now. */
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

/* `suotdoi serve` on the PostgreSQL database, answering within 60 s; -1 if not. */
static int
start(inst_t *in, const char *name)
{
	in->port = free_port();
	snprintf(in->log, sizeof in->log, "%s/%s.log", tmpdir, name);
	char listen[32], files[300];
	snprintf(listen, sizeof listen, "127.0.0.1:%u", in->port);
	snprintf(files, sizeof files, "%s/shared", tmpdir);
	in->pid = fork();
	if (in->pid == 0) {
		if (!freopen(in->log, "w", stdout) || !freopen(in->log, "a", stderr))
			_exit(127);
		execl("./suotdoi", "./suotdoi", "serve", "--db", uri, "--listen", listen, "--files",
		      files, "--assets", TEST_SOURCE_DIR, (char *)NULL);
		_exit(127);
	}
	for (double t0 = ha_now(); ha_now() - t0 < 60;) {
		hc_resp_t r;
		if (hc_get(in->port, "/login", &r) == 0) {
			long st = r.status;
			hc_resp_free(&r);
			if (st == 200)
				return 0;
		}
		int status;
		if (waitpid(in->pid, &status, WNOHANG) == in->pid) {
			fprintf(stderr, "%s stopped\n", name);
			return -1;
		}
		usleep(100 * 1000);
	}
	return -1;
}

static json_t *
get_json(unsigned short port, ha_client_t *c, const char *path)
{
	hc_resp_t r = ha_req(port, c, "GET", path, NULL, 0);
	json_t *j = NULL;
	if (r.status == 200)
		j = json_loadb(r.body.data, r.body.len, 0, NULL);
	else
		fprintf(stderr, "GET %s: %ld %.*s\n", path, r.status, (int)r.body.len, r.body.data);
	hc_resp_free(&r);
	return j;
}

static int64_t campaign;

/* The national roll-up's count of submitted reports and its total of item code. */
static void
national(unsigned short port, ha_client_t *c, long long *reports, long long *total,
         const char *code)
{
	char path[120];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/VN", (long long)campaign);
	json_t *j = get_json(port, c, path);
	assert_non_null(j);
	*reports = json_integer_value(json_object_get(j, "reports"));
	*total = json_integer_value(json_object_get(json_object_get(j, "totals"), code));
	json_decref(j);
}

/* Saves and submits unit's report with item code = v, as c on port. */
static void
submit(unsigned short port, ha_client_t *c, const char *unit, const char *code, long long v)
{
	char path[160], body[200];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/%s/submit", (long long)campaign,
	         unit);
	snprintf(body, sizeof body, "{\"values\":{\"%s\":%lld}}", code, v);
	hc_resp_t r = ha_req(port, c, "POST", path, body, 1);
	if (r.status != 200)
		fprintf(stderr, "submit %s: %ld %.*s\n", unit, r.status, (int)r.body.len,
		        r.body.data);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
}

/* The report's status string of unit as c on port (into out). */
static void
report_status(unsigned short port, ha_client_t *c, const char *unit, char *out, size_t cap)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/%s/report", (long long)campaign,
	         unit);
	json_t *j = get_json(port, c, path);
	assert_non_null(j);
	snprintf(out, cap, "%s", json_string_value(json_object_get(j, "status")));
	json_decref(j);
}

static int
setup(void **state)
{
	(void)state;
	const char *pg = getenv("SUOTDOI_TEST_PG");
	if (!pg || !*pg) {
		fprintf(stderr, "SUOTDOI_TEST_PG is not set: run through ctest (the pg fixture)\n");
		return -1;
	}
	snprintf(server_uri, sizeof server_uri, "%s", pg);
	if (!mkdtemp(tmpdir))
		return -1;
	char demo[300], from[320];
	snprintf(demo, sizeof demo, "%s/demo.db", tmpdir);
	snprintf(from, sizeof from, "sqlite:%s", demo);
	char *const mk[] = {"./suotdoi", "demo", "--db", demo, NULL};
	if (ha_run(tmpdir, "demo", mk) < 0)
		return -1;
	/* the demo's files (contest media) move with it: the servers share this directory */
	char cmd[800];
	snprintf(cmd, sizeof cmd, "[ ! -d '%s.contest' ] || cp -r '%s.contest' '%s/shared.contest'",
	         demo, demo, tmpdir);
	if (system(cmd) != 0)
		return -1;
	snprintf(dbname, sizeof dbname, "two_%ld", (long)getpid());
	char sql[160];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8'", dbname);
	if (pg_admin(sql) < 0)
		return -1;
	/* server_uri with its database replaced: postgresql:///postgres?… */
	const char *slash = strstr(server_uri, ":///");
	const char *q = strchr(server_uri, '?');
	if (!slash || !q)
		return -1;
	snprintf(uri, sizeof uri, "%.*s/%s%s", (int)(slash - server_uri + 3), server_uri, dbname,
	         q);
	char *const mig[] = {"./suotdoi", "migrate", "--from", from, "--to", uri, NULL};
	if (ha_run(tmpdir, "migrate", mig) < 0)
		return -1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (start(&A, "a") < 0 || start(&B, "b") < 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (inst_t *in = &A; in; in = in == &A ? &B : NULL)
		if (in->pid > 0) {
			kill(in->pid, SIGTERM);
			waitpid(in->pid, NULL, 0);
			in->pid = 0;
		}
	curl_global_cleanup();
	char sql[160];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
	pg_admin(sql);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The demo's open campaign: the first listed as open. */
static void
find_campaign(unsigned short port, ha_client_t *c)
{
	json_t *j = get_json(port, c, "/api/v1/campaigns");
	assert_non_null(j);
	json_t *list = json_object_get(j, "campaigns"), *it;
	size_t i;
	json_array_foreach(list, i, it)
	{
		if (campaign == 0 &&
		    strcmp(json_string_value(json_object_get(it, "status")), "open") == 0)
			campaign = json_integer_value(json_object_get(it, "id"));
	}
	json_decref(j);
	assert_true(campaign > 0);
}

static void
test_two_instances(void **state)
{
	(void)state;
	ha_client_t admin_b = {{0}, {0}}, head_a = {{0}, {0}}, head_b = {{0}, {0}};
	assert_int_equal(ha_login(B.port, &admin_b, "quantri", PASSWORD), 303);
	find_campaign(B.port, &admin_b);
	/* a school of Đằng Lâm with nothing submitted yet */
	const char *unit = "HA-11413-THCS", *code = "5.2.lop";
	char status[32];
	assert_int_equal(ha_login(A.port, &head_a, "thcs.danglam", PASSWORD), 303);
	report_status(A.port, &head_a, unit, status, sizeof status);
	assert_true(strcmp(status, "none") == 0 || strcmp(status, "draft") == 0);

	/* B has built its national roll-up before A's submission */
	long long reports0, total0, reports, total;
	national(B.port, &admin_b, &reports0, &total0, code);
	submit(A.port, &head_a, unit, code, 7);
	double t0 = ha_now(), waited = 0;
	do {
		national(B.port, &admin_b, &reports, &total, code);
		waited = ha_now() - t0;
		if (reports != reports0)
			break;
		usleep(20 * 1000);
	} while (waited < 5);
	fprintf(stderr, "A's submission in B's national totals after %.0f ms\n", waited * 1000);
	assert_int_equal(reports, reports0 + 1);
	assert_int_equal(total, total0 + 7);
	assert_true(waited < 1.0);

	/* a session opened on A is one on B too; signed out on A, B refuses it */
	report_status(B.port, &head_a, unit, status, sizeof status);
	assert_string_equal(status, "submitted");
	hc_resp_t r = ha_post_form(A.port, &head_a, "/logout", (const char *const[]){NULL});
	assert_true(r.status == 303 || r.status == 200);
	hc_resp_free(&r);
	int refused = 0;
	char path[160];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/%s/report", (long long)campaign,
	         unit);
	for (double t1 = ha_now(); ha_now() - t1 < 1.0 && !refused; usleep(20 * 1000)) {
		r = ha_req(B.port, &head_a, "GET", path, NULL, 0);
		refused = r.status == 401 || r.status == 403 || r.status == 303;
		hc_resp_free(&r);
	}
	assert_true(refused);

	/* A dies; B serves, nothing A acknowledged is lost, and B takes writes */
	kill(A.pid, SIGKILL);
	waitpid(A.pid, NULL, 0);
	A.pid = 0;
	national(B.port, &admin_b, &reports, &total, code);
	assert_int_equal(reports, reports0 + 1);
	assert_int_equal(total, total0 + 7);
	assert_int_equal(ha_login(B.port, &head_b, "th.danglam", PASSWORD), 303);
	report_status(B.port, &head_b, "HA-11413-TH", status, sizeof status);
	assert_true(strcmp(status, "none") == 0 || strcmp(status, "draft") == 0);
	submit(B.port, &head_b, "HA-11413-TH", code, 5);
	national(B.port, &admin_b, &reports, &total, code);
	assert_int_equal(reports, reports0 + 2);
	assert_int_equal(total, total0 + 12);
	/* B is now the one that runs the chores (it says so in its log) */
	int leads = 0;
	for (double t2 = ha_now(); ha_now() - t2 < 5 && !leads; usleep(100 * 1000)) {
		FILE *f = fopen(B.log, "r");
		char line[600];
		while (f && fgets(line, sizeof line, f))
			leads |= strstr(line, "chủ trì") != NULL;
		if (f)
			fclose(f);
	}
	assert_true(leads);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_two_instances)};
	return cmocka_run_group_tests(tests, setup, teardown);
}
