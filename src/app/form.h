/* The form reader: every HTML form POST's fields read in one place, and the form's rules
 * checked there before the handler runs. A browser sends every text input, textarea and
 * select of a form, even empty; only unchecked checkboxes are absent. So a post missing a
 * field of its form, carrying a field twice, or not a form at all (JSON sent to a form
 * route) is not a browser's submission of that form, and taking it as "every field empty"
 * would wipe what is saved: it is refused (400, a Vietnamese message, nothing written). */
#ifndef SUOTDOI_APP_FORM_H
#define SUOTDOI_APP_FORM_H

#include <stddef.h>

#include "http/http.h"

/* Every field of the request's form body (application/x-www-form-urlencoded, or the
 * non-file parts of multipart/form-data), in the order sent, undeclared names included:
 * 0 with *kv and *n in the request's arena, or 400 with *why (Vietnamese) when the body is
 * no form (another content type, JSON included) or cannot be read. An empty body is a form
 * with no fields. */
int app_form_read(http_req_t *req, const http_kv_t **kv /* OUT */, size_t *n /* OUT */,
                  const char **why /* OUT */);

/* Check the request's form against spec, the form's field names separated by spaces: a
 * plain name must be present exactly once, "?name" may be absent (a checkbox), "name*" may
 * repeat (a list of checkboxes), "?name*" both. Fields not in spec are left to the handler,
 * but no field may come twice unless spec says so. 0, or 400 with *why naming the field. */
int app_form_fields(http_req_t *req, const char *spec, const char **why /* OUT */);
/* The same check on fields already read (pure: for fuzzing and tests); *why in a. */
int app_form_check(arena_t *a, const http_kv_t *kv, size_t n, const char *spec,
                   const char **why /* OUT */);

/* The rules of the HTML form routes (form.c's table), applied by the guard to every POST
 * that is not under /api/ once access is granted: 0, or a status after replying with the
 * error page. Routes not in the table are not checked here. */
int app_form_guard(http_req_t *req, const http_route_t *route);

/* The spec of an HTML form route in form.c's table, or NULL (for tests and docs). */
const char *app_form_spec(const char *pattern);

#endif
