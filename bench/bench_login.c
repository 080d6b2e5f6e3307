/* Sign-in timing: a wrong password for an existing account against an unknown username,
 * alternated through the real server, so timing cannot tell which usernames exist. Prints
 * the medians and their ratio (the target is 1.0 within noise). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "core/buf.h"
#include "util.h"
#include "core/log.h"
#include "domain/accounts.h"

static size_t
sink(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

int
main(int argc, char **argv)
{
	const char *outpath = NULL;
	for (int i = 1; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], "--out"))
			outpath = argv[i + 1];
	log_set_level(2);
	char dir[] = "/tmp/suotdoi-bench-login-XXXXXX", db[300], err[1024];
	if (!mkdtemp(dir) || auth_init() < 0)
		return 1;
	snprintf(db, sizeof db, "%s/b.db", dir);
	store_t *st;
	units_import_stats_t s;
	const char *csv = "code,name,kind\nT1,Trường Thử,truong_th\n";
	if (store_open(db, &st, err, sizeof err) < 0 ||
	    units_import_csv(st, csv, strlen(csv), &s, err, sizeof err) < 0)
		return 1;
	unit_tree_t *t;
	unit_tree_build(st, &t, err, sizeof err);
	char hash[AUTH_HASH_MAX], norm[72];
	auth_password_hash("Mat-khau-that-2024", hash);
	account_new_t a = {
	        "co.that", NULL, NULL, ROLE_ENTRY, t->units[unit_tree_find_code(t, "T1")].id,
	        hash,      0,    0};
	int64_t id;
	accounts_create(st, &a, norm, &id, err, sizeof err);
	unit_tree_unref(t);
	store_close(st);

	app_t app;
	if (app_open(&app, db, TEST_SOURCE_DIR, err, sizeof err) < 0)
		return 1;
	auth_throttle_free(app.throttle);
	auth_throttle_free(app.ip_throttle);
	app.throttle = auth_throttle_new(1000000, 60, 1);
	app.ip_throttle = auth_throttle_new(1000000, 60, 1); /* measure the work, not the waits */
	http_config_t cfg;
	app_http_config(&app, &cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.quiet = 1;
	http_server_t *srv;
	if (http_server_start(&cfg, &srv) < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	enum { N = 40 };
	double known[N], unknown[N];
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%u/login", http_server_port(srv));
	const char *pre = "0123456789abcdef0123456789abcdef01";
	char cookie[100];
	snprintf(cookie, sizeof cookie, "%s=%s", APP_PRELOGIN_COOKIE, pre);
	for (int i = 0; i < 2 * N; i++) {
		int k = i % 2 == 0;
		char body[200];
		snprintf(body, sizeof body, "username=%s&password=sai-mat-khau-%d&csrf=%s",
		         k ? "co.that" : "khong.co.that", i, pre);
		CURL *c = curl_easy_init();
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
		double t0 = bench_now_ms();
		curl_easy_perform(c);
		double dt = bench_now_ms() - t0;
		long code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(c);
		if (code != 401) {
			fprintf(stderr, "unexpected status %ld\n", code);
			return 1;
		}
		(k ? known : unknown)[i / 2] = dt;
	}
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	double mk = bench_pct(known, N, 0.5), mu = bench_pct(unknown, N, 0.5);
	buf_t rep = BUF_INIT;
	buf_printf(&rep, "Sign-in with a wrong password, %d attempts each, alternated\n\n", N);
	buf_printf(&rep, "| figure | existing account | unknown username | ratio | target |\n");
	buf_printf(&rep, "| --- | --- | --- | --- | --- |\n");
	buf_printf(&rep,
	           "| median time to the 401 | %.1f ms | %.1f ms | %.2f | 1.00 within noise |\n",
	           mk, mu, mk / mu);
	bench_report(outpath, rep.data);
	buf_free(&rep);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
