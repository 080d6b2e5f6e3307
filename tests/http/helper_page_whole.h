/* A form posted whole with a test's own values (tests/http/helper_page_whole.c). */
#ifndef SUOTDOI_HELPER_PAGE_WHOLE_H
#define SUOTDOI_HELPER_PAGE_WHOLE_H

#include "helper_app.h"

/* POST the form of page that posts to path as a browser sends it (ha_post_page_form), with
 * body (a form body, "a=1&b=2&b=3", percent-encoded, '+' a space) over it: every field the
 * body names takes the body's values only (all of them, in order: a checkbox list given as
 * repeated fields replaces the page's ticks), every other field of the form keeps the
 * page's value. For tests that write out a whole form's values. Free with hc_resp_free. */
hc_resp_t ha_post_page_over(unsigned short port, ha_client_t *c, const char *page, const char *path,
                            const char *body);

#endif
