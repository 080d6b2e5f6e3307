/* The application: owns the store, the compiled templates and the current unit tree
 * snapshot, and declares the route table the HTTP layer serves. Handlers live in
 * src/app/ and speak neither SQL nor libmicrohttpd. */
#ifndef SUOTDOI_APP_H
#define SUOTDOI_APP_H

#include <pthread.h>
#include <jansson.h>

#include "db/store.h"
#include "domain/units.h"
#include "http/http.h"
#include "tmpl/tmpl.h"

typedef struct app {
	store_t *store;
	tmpl_set_t *tmpl;
	char *assets; /* directory holding templates/ and static/ */
	pthread_mutex_t tree_mu;
	unit_tree_t *tree; /* current snapshot; swap under tree_mu */
	pthread_t watcher;
	int watcher_running;
	volatile int stopping;
} app_t;

/* Open the store at db, compile templates under assets (NULL = the source tree's),
 * build the unit tree. -1 with err on failure. */
int app_open(app_t *app, const char *db, const char *assets, char *err, size_t errlen);
void app_close(app_t *app);

/* Start a thread that rebuilds the unit tree when the store's generation changes (an
 * import from the command line while serving). */
void app_watch_start(app_t *app);

/* Current tree with a reference the caller releases with unit_tree_unref. */
unit_tree_t *app_tree(app_t *app);
/* Rebuild the tree from the store now. */
int app_tree_reload(app_t *app);

/* The route table. */
const http_route_t *app_routes(size_t *n /* OUT */);
/* The HTTP layer's error page hook: HTML for pages, JSON under /api/. */
void app_error_page(http_req_t *req, int status, const char *message);

/* ---- helpers shared by handlers (src/app/render.c) ---- */
/* Render template name inside the layout with ctx (stolen) and reply 200/status. */
int app_render_page(http_req_t *req, int status, const char *tmpl, const char *title, json_t *ctx);
/* Reply with JSON (value stolen). */
int app_reply_json(http_req_t *req, int status, json_t *value);
/* "1.234" */
json_t *app_json_count(int64_t v);
/* JSON summary of unit i: code, name, kind, kind_name, children, subtree size, url. */
json_t *app_unit_json(const unit_tree_t *t, int32_t i);
/* Ancestors of i (root first, i excluded) as an array of unit summaries. */
json_t *app_unit_path_json(const unit_tree_t *t, int32_t i);

/* Handlers */
int page_home(http_req_t *req);
int page_unit(http_req_t *req);
int page_search(http_req_t *req);
int api_units(http_req_t *req);
int api_unit(http_req_t *req);

#endif
