/* A real headless Chromium for the HTTP tests, driven over the W3C WebDriver protocol
 * (chromedriver, libcurl, jansson): one browser session per test program, ended with its
 * driver and browser processes however the program ends. */
#ifndef SUOTDOI_TEST_HELPER_BROWSER_H
#define SUOTDOI_TEST_HELPER_BROWSER_H

#include <jansson.h>

#include "helper_app.h"

/* Start chromedriver and a headless browser with a screen of width x height (a phone's
 * emulation, touch on, when width <= 480). 0, or -1 with the reason on stderr. */
int hb_start(int width, int height);
/* Before hb_start: on, the browser keeps a log of its DevTools events (chromedriver's
 * "performance" log: the Network and Page domains), read with hb_log_events. */
void hb_performance_log(int on);
/* The DevTools events logged since the last call, oldest first: an array of {"method",
 * "params"} (a new reference). Needs hb_performance_log(1) before hb_start. */
json_t *hb_log_events(void);
/* End the session, chromedriver and its browser (also run at exit). */
void hb_end(void);
/* A command of the session (tail after /session/<id>, e.g. "/url"); body is stolen. The
 * answer's "value" (a new reference); fails the test when the driver refuses. */
json_t *hb_cmd(const char *method, const char *tail, json_t *body);
void hb_cmd_void(const char *method, const char *tail, json_t *body);
/* The text of the dialog (alert/confirm) the page shows, waiting up to seconds for one
 * (malloc'd), or NULL when none came; hb_alert_answer accepts (OK) or dismisses it. */
char *hb_alert_text(int seconds);
void hb_alert_answer(int accept);
/* Open http://127.0.0.1:port<path> and wait for it to load. */
void hb_go(unsigned short port, const char *path);
/* The WebDriver id of the element matching css (malloc'd; the test fails when there is
 * none). */
char *hb_find(const char *css);
/* Click the element matching css; type text into it (focused first by the driver). */
void hb_click(const char *css);
void hb_type(const char *css, const char *text);
/* Sign the browser in as c: its session cookie on the current page's origin. */
void hb_sign_in(const ha_client_t *c);
/* Run js (a function body; "return" gives the value) with args (stolen; NULL: none). */
json_t *hb_script(const char *js, json_t *args);
/* The string js returns (malloc'd; "" when it returns something else). */
char *hb_string(const char *js);
/* Wait (up to seconds) until js returns true (a promise it returns is awaited): 1, or 0. */
int hb_wait(const char *js, int seconds);
/* DevTools network emulation of the page: cut (off), or latency ms per request, or as is. */
void hb_network(int off, int latency);
/* Requests to URLs matching the globs in urls (NULL-terminated; NULL: none) fail as with no
 * signal, the page itself being online (DevTools Network.setBlockedURLs). */
void hb_block(const char *const *urls);
/* The screen as wide as width (height as started), through the DevTools protocol. */
void hb_screen(int width, int height);
/* Save the page's top (height px, cut at 1800) at width as dir/name.png; a picture larger
 * than 200 kB is added to problems. */
void hb_screenshot(const char *dir, const char *name, long width, long height, buf_t *problems);

#endif

/* hb_start with JavaScript turned off as a person turns it off in Chrome's settings (the
 * content setting): page scripts do not run; hb_script, hb_find, hb_click and hb_type still
 * work (they go through DevTools, not the page). The phone's screen without touch emulation:
 * with it, chromedriver's click never returns when scripts are off. */
int hb_start_nojs(int width, int height);
/* The page's tables as shown: every visible cell whose text holds a digit has its label (its
 * td::before from data-label, a visible column heading above it, a row heading beside it, or
 * words before the number in the cell: "hạn 10/10/2022"); no table is wider than the screen
 * unless inside a wrapper that scrolls sideways; the page does not scroll sideways. Each
 * problem is added to problems as a line "path: …" (path only names the page). Prints a
 * line for the page. Returns the number of visible tables; *height (NULL: not wanted) is the
 * page's height in px. */
int hb_table_labels_problems(const char *path, buf_t *problems, long *height);
/* The page fits the screen's width: it does not scroll sideways, and no element's right
 * edge is past the screen unless inside a wrapper that scrolls (or clips) sideways and
 * itself fits; the innermost offenders are named "tag#id.class "text start" to N px" in
 * problems. Inputs, selects and buttons less than 40 px high are listed in notes (NULL: not
 * wanted), a nice-to-have that fails nothing. */
void hb_overflow_problems(const char *path, buf_t *problems, buf_t *notes);
/* The text of the first element matching css (malloc'd), or NULL when there is none. */
char *hb_text(const char *css);
