/* Application lifecycle and the route table: every route the server answers is declared
 * here with its method, accepted parameters, body cap and access action. */
#include "app/app.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"

static const http_route_t routes[] = {
        {HTTP_GET, "/", "", 0, "public.read", page_home},
        {HTTP_GET, "/units", "", 0, "public.read", page_unit},
        {HTTP_GET, "/units/:code", "", 0, "public.read", page_unit},
        {HTTP_GET, "/search", "q kind within page", 0, "public.read", page_search},
        {HTTP_GET, "/api/v1/units", "q kind within parent limit offset", 0, "public.read",
         api_units},
        {HTTP_GET, "/api/v1/units/:code", "", 0, "public.read", api_unit},
};

const http_route_t *
app_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}

int
app_open(app_t *app, const char *db, const char *assets, char *err, size_t errlen)
{
	memset(app, 0, sizeof *app);
	pthread_mutex_init(&app->tree_mu, NULL);
	app->assets = xstrdup(assets ? assets : SUOTDOI_SOURCE_DIR);
	if (store_open(db, &app->store, err, errlen) < 0)
		return -1;
	app->tmpl = tmpl_set_new();
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/templates", app->assets);
	if (tmpl_set_load_dir(app->tmpl, dir, err, errlen) < 0)
		return -1;
	if (unit_tree_build(app->store, &app->tree, err, errlen) < 0)
		return -1;
	return 0;
}

unit_tree_t *
app_tree(app_t *app)
{
	pthread_mutex_lock(&app->tree_mu);
	unit_tree_t *t = app->tree;
	unit_tree_ref(t);
	pthread_mutex_unlock(&app->tree_mu);
	return t;
}

int
app_tree_reload(app_t *app)
{
	char err[256];
	unit_tree_t *t;
	if (unit_tree_build(app->store, &t, err, sizeof err) < 0) {
		log_error("reloading units: %s", err);
		return -1;
	}
	pthread_mutex_lock(&app->tree_mu);
	unit_tree_t *old = app->tree;
	app->tree = t;
	pthread_mutex_unlock(&app->tree_mu);
	unit_tree_unref(old);
	log_info("unit tree reloaded: %d units", t->n);
	return 0;
}

static void *
watch(void *arg)
{
	app_t *app = arg;
	while (!app->stopping) {
		for (int i = 0; i < 20 && !app->stopping; i++)
			usleep(100 * 1000);
		if (app->stopping)
			break;
		int64_t gen = store_units_generation(app->store);
		unit_tree_t *t = app_tree(app);
		int stale = gen >= 0 && gen != t->generation;
		unit_tree_unref(t);
		if (stale)
			app_tree_reload(app);
	}
	return NULL;
}

void
app_watch_start(app_t *app)
{
	/* The watcher inherits a mask without SIGINT/SIGTERM, so those always reach the
	 * thread that stops the server gracefully (http_serve's sigwait). */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (pthread_create(&app->watcher, NULL, watch, app) == 0)
		app->watcher_running = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void
app_close(app_t *app)
{
	app->stopping = 1;
	if (app->watcher_running)
		pthread_join(app->watcher, NULL);
	unit_tree_unref(app->tree);
	tmpl_set_free(app->tmpl);
	store_close(app->store);
	free(app->assets);
	pthread_mutex_destroy(&app->tree_mu);
	memset(app, 0, sizeof *app);
}
