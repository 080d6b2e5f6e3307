/* Shared set-up for the app's HTTP tests: a real SQLite file with the national registry and
 * the demo bodies, the app on it, the server on an ephemeral port; and the cookie and CSRF
 * plumbing a browser does. */
#ifndef SUOTDOI_TEST_HELPER_APP_H
#define SUOTDOI_TEST_HELPER_APP_H

#include <stddef.h>

#include "app/app.h"
#include "helper_client.h"

/* Create dir/name as a store with the registry and the demo units; path in db (cap bytes). */
int ha_demo_store(const char *dir, const char *name, char *db, size_t cap);
/* Open the app on db and start the server on 127.0.0.1:0 (quiet, 2 threads). */
int ha_serve(app_t *app, const char *db, http_server_t **srv /* OUT */,
             unsigned short *port /* OUT */);
/* Replace the sign-in throttles (per username, per IP) with ones allowing that many free
 * failures. */
void ha_throttles(app_t *app, int per_user, int per_ip);
/* "name=value" of a Set-Cookie in r, into out; -1 when absent. */
int hc_cookie(const hc_resp_t *r, const char *name, char *out, size_t cap);
/* The first CSRF form field value of a page, into out; -1 when absent. */
int hc_csrf(const hc_resp_t *r, char *out, size_t cap);

#endif
