/* Every acknowledged write survives SIGKILL in the middle of a group commit, and a
 * graceful stop in the middle of a burst (requests suspended with the writer) neither
 * loses one nor touches a request after it is freed (the build runs under ASan).
 *
 * The server runs in a child process (forked before any thread exists). Eight school heads
 * save their reports through the JSON API as fast as they can, each its own school and an
 * increasing count, so the writer commits them in groups. Once enough saves have been
 * acknowledged the child is killed with SIGKILL, whatever it is doing. The database is then
 * opened afresh: each school's stored count must be the last one acknowledged to it, or
 * the one after (a save committed whose answer never left). An acknowledged save that is
 * missing would be a write reported durable before its fsync. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Ghi-ben-vung-2022"
#define NW 8
#define ACKS_BEFORE_KILL 240

static char tmpdir[] = "/tmp/suotdoi-kill-XXXXXX";
static char db[256];

static const char *const schools[NW] = {"HA-11413-MN", "HA-11413-TH", "HA-11413-THCS",
                                        "HA-11419-MN", "HA-11419-TH", "HA-11419-THCS",
                                        "HA-11422-MN", "HA-11422-TH"};

typedef struct shared {
	unsigned short port;
	int64_t campaign;
} shared_t;

/* The server on path with the demo campaign and a head per school (prefix.0..7). -1 when
 * it could not start. */
static int
serve_with_heads(app_t *app, const char *path, http_server_t **srv, shared_t *sh,
                 const char *prefix)
{
	if (ha_serve(app, path, srv, &sh->port) < 0)
		return -1;
	ha_throttles(app, 1000, 1000);
	unit_tree_t *t = app_tree(app);
	int rc = demo_campaign(app->store, t, TEST_SOURCE_DIR, &sh->campaign);
	unit_tree_unref(t);
	for (int i = 0; i < NW && rc == 0; i++) {
		char name[32];
		snprintf(name, sizeof name, "%s.%d", prefix, i);
		ha_user(app, name, schools[i], ROLE_HEAD, PASSWORD);
	}
	return rc < 0 ? -1 : 0;
}

/* The child: the server, which tells the parent its port and campaign, then serves until
 * it is killed. */
static void
child(int fd)
{
	app_t app;
	http_server_t *srv;
	shared_t sh = {0};
	if (serve_with_heads(&app, db, &srv, &sh, "ht") < 0)
		_exit(2);
	if (write(fd, &sh, sizeof sh) != (ssize_t)sizeof sh)
		_exit(4);
	for (;;)
		pause();
}

typedef struct worker {
	int i;
	shared_t sh;
	ha_client_t c;
	long last_acked; /* 0: none */
	long other;      /* answers that were neither 200, a 503 of a stopping server, nor a
	                  * dropped connection */
} worker_t;

static atomic_int acks;

static void *
save_loop(void *arg)
{
	worker_t *w = arg;
	char path[200], cookie[450], csrf[120], body[100];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/%s/report",
	         (long long)w->sh.campaign, schools[w->i]);
	snprintf(cookie, sizeof cookie, "Cookie: %s", w->c.cookie);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", w->c.csrf);
	const char *hdrs[] = {cookie, csrf, "Content-Type: application/json", NULL};
	CURL *h = curl_easy_init();
	for (long v = 1;; v++) {
		snprintf(body, sizeof body, "{\"values\":{\"2.bao\":%ld}}", v);
		hc_opts_t o = {.method = "POST", .body = body, .body_len = strlen(body),
		               .headers = hdrs};
		hc_resp_t r;
		if (hc_request(h, w->sh.port, path, &o, &r) < 0)
			break; /* the server is gone */
		long st = r.status;
		hc_resp_free(&r);
		if (st == 200) {
			w->last_acked = v;
			atomic_fetch_add(&acks, 1);
		} else if (st == 503) {
			break; /* refused: the server is stopping (nothing written) */
		} else if (st != 0) {
			w->other++;
			break;
		} else
			break;
	}
	curl_easy_cleanup(h);
	return NULL;
}

static long
stored_count(sqlite3 *d, int64_t campaign, const char *unit)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(d,
	                                    "SELECT v.num FROM report_values v"
	                                    " JOIN reports r ON r.id=v.report_id"
	                                    " JOIN units u ON u.id=r.unit_id"
	                                    " WHERE r.campaign_id=?1 AND u.code=?2"
	                                    " AND v.item='2.bao'",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(q, 1, campaign);
	sqlite3_bind_text(q, 2, unit, -1, SQLITE_STATIC);
	long n = sqlite3_step(q) == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return n;
}

/* Signs in the heads prefix.0..7 and starts their save loops. */
static void
start_savers(shared_t sh, const char *prefix, worker_t *w, pthread_t *th)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	atomic_store(&acks, 0);
	for (int i = 0; i < NW; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].i = i;
		w[i].sh = sh;
		char name[32];
		snprintf(name, sizeof name, "%s.%d", prefix, i);
		assert_int_equal(ha_login(sh.port, &w[i].c, name, PASSWORD), 303);
	}
	for (int i = 0; i < NW; i++)
		assert_int_equal(pthread_create(&th[i], NULL, save_loop, &w[i]), 0);
	/* until enough saves are acknowledged (or the savers have all stopped) */
	for (int k = 0; k < 6000 && atomic_load(&acks) < ACKS_BEFORE_KILL; k++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* Once the server is gone: every saver has stopped, and each school's stored count is
 * the last acknowledged to it or the one after. */
static void
check_savers(const char *path, shared_t sh, worker_t *w, pthread_t *th)
{
	for (int i = 0; i < NW; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	curl_global_cleanup();
	assert_true(atomic_load(&acks) >= ACKS_BEFORE_KILL);
	sqlite3 *d;
	assert_int_equal(sqlite3_open_v2(path, &d, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	for (int i = 0; i < NW; i++) {
		long got = stored_count(d, sh.campaign, schools[i]);
		if (w[i].other)
			fail_msg("%s: %ld answers that were neither 200, 503 nor a dropped connection",
			         schools[i], w[i].other);
		if (got != w[i].last_acked && got != w[i].last_acked + 1)
			fail_msg("%s: acknowledged %ld, stored %ld", schools[i], w[i].last_acked,
			         got);
	}
	sqlite3_close(d);
}

static void
test_acknowledged_writes_survive_sigkill(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child(fds[1]);
	}
	close(fds[1]);
	shared_t sh;
	assert_int_equal(read(fds[0], &sh, sizeof sh), (ssize_t)sizeof sh);
	close(fds[0]);
	worker_t w[NW];
	pthread_t th[NW];
	start_savers(sh, "ht", w, th);
	assert_int_equal(kill(pid, SIGKILL), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	check_savers(db, sh, w, th);
}

/* The server in this process, stopped (as on SIGTERM) while the heads save as fast as
 * they can: requests are suspended with the writer when the stop begins. */
static void
test_graceful_stop_during_writes(void **state)
{
	(void)state;
	app_t app;
	http_server_t *srv;
	shared_t sh = {0};
	char db2[300];
	assert_int_equal(ha_demo_store(tmpdir, "g.db", db2, sizeof db2), 0);
	assert_int_equal(serve_with_heads(&app, db2, &srv, &sh, "gs"), 0);
	worker_t w[NW];
	pthread_t th[NW];
	start_savers(sh, "gs", w, th);
	http_server_stop(srv);
	app_close(&app);
	check_savers(db2, sh, w, th);
}

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "k.db", db, sizeof db) < 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_acknowledged_writes_survive_sigkill),
	        cmocka_unit_test(test_graceful_stop_during_writes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
