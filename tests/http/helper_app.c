/* Shared set-up for the app's HTTP tests (see helper_app.h). */
#include "helper_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/log.h"

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

int
ha_serve(app_t *app, const char *db, http_server_t **srv, unsigned short *port)
{
	char err[4096];
	log_set_level(2);
	if (app_open(app, db, TEST_SOURCE_DIR, err, sizeof err) < 0) {
		fprintf(stderr, "app_open: %s\n", err);
		return -1;
	}
	http_config_t cfg;
	app_http_config(app, &cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 2;
	cfg.quiet = 1;
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
