/* A real headless Chromium for the HTTP tests (helper_browser.h). Taken out of the
 * phone-table test (now test_main_flows_browser.c) so that other browser tests
 * (test_doc_form_browser.c) drive the same way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper_browser.h"

#define CHROMEDRIVER "/usr/bin/chromedriver"
#define CHROMIUM "/usr/bin/chromium"
#define SHOT_MAX_HEIGHT 1800   /* a longer page is cut: its top is what the picture is for */
#define SHOT_MAX_BYTES 200000L /* committed pictures stay small */

static pid_t driver = -1; /* chromedriver, leader of its own process group */
static unsigned short driver_port;
static char session[128];
static int perf_log; /* hb_performance_log: ask for the DevTools event log */

void
hb_end(void)
{
	if (session[0] && driver > 0) {
		char path[200];
		snprintf(path, sizeof path, "/session/%s", session);
		hc_opts_t o = {.method = "DELETE"};
		hc_resp_t r;
		CURL *h = curl_easy_init();
		if (hc_request(h, driver_port, path, &o, &r) == 0)
			hc_resp_free(&r);
		curl_easy_cleanup(h);
	}
	session[0] = 0;
	if (driver > 0) {
		/* the whole group: chromedriver and any browser process it left */
		kill(-driver, SIGTERM);
		for (int i = 0; i < 30 && waitpid(driver, NULL, WNOHANG) == 0; i++)
			usleep(100 * 1000);
		kill(-driver, SIGKILL);
		waitpid(driver, NULL, 0);
		driver = -1;
	}
}

static unsigned short
free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) < 0) {
		if (s >= 0)
			close(s);
		return 0;
	}
	close(s);
	return ntohs(a.sin_port);
}

/* A WebDriver command; body is stolen. The answer's "value" (new reference), or NULL with
 * the driver's message in err. */
static json_t *
wd(const char *method, const char *path, json_t *body, char *err, size_t cap)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	const char *hdrs[] = {"Content-Type: application/json; charset=utf-8", NULL};
	hc_opts_t o = {.method = method,
	               .body = text,
	               .body_len = text ? strlen(text) : 0,
	               .headers = hdrs};
	hc_resp_t r;
	CURL *h = curl_easy_init();
	int rc = hc_request(h, driver_port, path, &o, &r);
	curl_easy_cleanup(h);
	free(text);
	if (rc < 0) {
		snprintf(err, cap, "%s %s: no answer from chromedriver", method, path);
		return NULL;
	}
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	json_t *v = json_incref(json_object_get(j, "value"));
	if (r.status != 200 || !v) {
		json_t *m = json_object_get(v, "message");
		snprintf(err, cap, "%s %s: %ld %.600s", method, path, r.status,
		         m ? json_string_value(m) : buf_cstr(&r.body));
		json_decref(v);
		v = NULL;
	}
	json_decref(j);
	hc_resp_free(&r);
	return v;
}

json_t *
hb_cmd(const char *method, const char *tail, json_t *body)
{
	char path[512], err[1024];
	snprintf(path, sizeof path, "/session/%s%s", session, tail);
	json_t *v = wd(method, path, body, err, sizeof err);
	if (!v)
		fail_msg("%s", err);
	return v;
}

void
hb_cmd_void(const char *method, const char *tail, json_t *body)
{
	json_decref(hb_cmd(method, tail, body));
}

/* hb_start, and without JavaScript when nojs (hb_start_nojs). */
static int
start(int width, int height, int nojs)
{
	driver_port = free_port();
	if (!driver_port)
		return -1;
	char portarg[32];
	snprintf(portarg, sizeof portarg, "--port=%u", (unsigned)driver_port);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* its own group, so the end kills the browser with it; and it dies with us */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execl(CHROMEDRIVER, CHROMEDRIVER, portarg, "--log-level=OFF", (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	driver = pid;
	atexit(hb_end);
	char err[1024] = "";
	int ready = 0;
	for (int i = 0; i < 100 && !ready; i++) {
		usleep(100 * 1000); /* it listens after a moment */
		json_t *v = wd("GET", "/status", NULL, err, sizeof err);
		ready = json_is_true(json_object_get(v, "ready"));
		json_decref(v);
	}
	if (!ready) {
		fprintf(stderr, "chromedriver did not start: %s\n", err);
		return -1;
	}
	json_t *caps = json_pack(
	        "{s:{s:{s:s, s:{s:s, s:[s,s,s,s,s,s], s:{s:{s:i, s:i, s:f, s:b}}}}}}",
	        "capabilities", "alwaysMatch", "browserName", "chrome", "goog:chromeOptions",
	        "binary", CHROMIUM, "args", "--headless=new", "--no-sandbox", "--disable-gpu",
	        "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=vi", "mobileEmulation",
	        "deviceMetrics", "width", width, "height", height, "pixelRatio", 1.0, "touch",
	        width <= 480 && !nojs);
	json_t *always = json_object_get(json_object_get(caps, "capabilities"), "alwaysMatch");
	json_t *opts = json_object_get(always, "goog:chromeOptions");
	/* the content setting a person turns off in Chrome's settings; without touch emulation,
	 * with which chromedriver's click never returns when scripts are off (Chromium 156) */
	if (nojs)
		json_object_set_new(opts, "prefs",
		                    json_pack("{s:i}",
		                              "profile.managed_default_content_settings.javascript",
		                              2));
	if (perf_log)
		json_object_set_new(always, "goog:loggingPrefs",
		                    json_pack("{s:s}", "performance", "ALL"));
	json_t *v = wd("POST", "/session", caps, err, sizeof err);
	const char *id = json_string_value(json_object_get(v, "sessionId"));
	if (!id) {
		fprintf(stderr, "no browser session: %s\n", err);
		json_decref(v);
		return -1;
	}
	snprintf(session, sizeof session, "%s", id);
	json_decref(v);
	return 0;
}

int
hb_start(int width, int height)
{
	return start(width, height, 0);
}

void
hb_go(unsigned short port, const char *path)
{
	char url[600];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)port, path);
	hb_cmd_void("POST", "/url", json_pack("{s:s}", "url", url));
}

void
hb_sign_in(const ha_client_t *c)
{
	hb_cmd_void("DELETE", "/cookie", NULL);
	const char *eq = strchr(c->cookie, '=');
	assert_non_null(eq);
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)(eq - c->cookie), c->cookie);
	hb_cmd_void("POST", "/cookie",
	         json_pack("{s:{s:s, s:s, s:s, s:b}}", "cookie", "name", name, "value", eq + 1,
	                   "path", "/", "httpOnly", 1));
}

json_t *
hb_script(const char *js, json_t *args)
{
	return hb_cmd("POST", "/execute/sync",
	              json_pack("{s:s, s:o}", "script", js, "args", args ? args : json_array()));
}

void
hb_screen(int width, int height)
{
	json_t *params = json_pack("{s:i, s:i, s:f, s:b}", "width", width, "height", height,
	                           "deviceScaleFactor", 1.0, "mobile", width <= 480);
	hb_cmd_void("POST", "/goog/cdp/execute",
	            json_pack("{s:s, s:o}", "cmd", "Emulation.setDeviceMetricsOverride", "params",
	                      params));
}

void
hb_screenshot(const char *dir, const char *name, long width, long height, buf_t *problems)
{
	if (height > SHOT_MAX_HEIGHT)
		height = SHOT_MAX_HEIGHT;
	json_t *params = json_pack("{s:s, s:b, s:{s:i, s:i, s:i, s:I, s:i}}", "format", "png",
	                           "captureBeyondViewport", 1, "clip", "x", 0, "y", 0, "width",
	                           (int)width, "height", (json_int_t)height, "scale", 1);
	json_t *v = hb_cmd("POST", "/goog/cdp/execute",
	                   json_pack("{s:s, s:o}", "cmd", "Page.captureScreenshot", "params",
	                             params));
	const char *b64 = json_string_value(json_object_get(v, "data"));
	assert_non_null(b64);
	size_t len = strlen(b64), n = 0;
	unsigned char *png = malloc(len);
	assert_non_null(png);
	assert_int_equal(sodium_base642bin(png, len, b64, len, NULL, &n, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	json_decref(v);
	char path[600];
	snprintf(path, sizeof path, "%s/%s.png", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(png, 1, n, f) != n || fclose(f) != 0)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	free(png);
	printf("screenshot %s: %ld px high, %zu bytes\n", path, height, n);
	if ((long)n > SHOT_MAX_BYTES) {
		buf_printf(problems, "%s: %zu bytes, more than %ld\n", path, n, SHOT_MAX_BYTES);
	}
}

char *
hb_find(const char *css)
{
	json_t *v = hb_cmd("POST", "/element",
	                   json_pack("{s:s, s:s}", "using", "css selector", "value", css));
	char *id = strdup(json_string_value(
	        json_object_get(v, "element-6066-11e4-a52e-4f735466cecf")));
	json_decref(v);
	return id;
}

static void
element_cmd(const char *css, const char *what, json_t *body)
{
	char *id = hb_find(css), tail[200];
	snprintf(tail, sizeof tail, "/element/%s/%s", id, what);
	hb_cmd_void("POST", tail, body);
	free(id);
}

void
hb_click(const char *css)
{
	element_cmd(css, "click", json_object());
}

void
hb_type(const char *css, const char *text)
{
	element_cmd(css, "value", json_pack("{s:s}", "text", text));
}

int
hb_start_nojs(int width, int height)
{
	return start(width, height, 1);
}

/* The labels' check, in the page (hb_table_labels_problems). */
static const char labels_js[] =
        "var vw = document.documentElement.clientWidth, out = {tables: 0, bad: [], wide: []};\n"
        "function shown(e) { var s = getComputedStyle(e), r = e.getBoundingClientRect();\n"
        "  return s.display != 'none' && s.visibility != 'hidden' && r.width > 0 &&\n"
        "         r.height > 0; }\n"
        "function before(e) { var s = getComputedStyle(e, '::before'), c = s.content;\n"
        "  if (!c || c == 'none' || c == 'normal' || s.display == 'none' ||\n"
        "      s.visibility == 'hidden') return false;\n"
        "  try { c = JSON.parse(c); } catch (x) {}\n"
        "  return String(c).trim().length > 0; }\n"
        /* a visible heading of the same table above the cell, across its middle */
        "function column(td) { var t = td.closest('table'), r = td.getBoundingClientRect(),\n"
        "    x = (r.left + r.right) / 2, hs = t.querySelectorAll('thead th');\n"
        "  for (var i = 0; i < hs.length; i++) { var h = hs[i], q = h.getBoundingClientRect();\n"
        "    if (h.closest('table') === t && shown(h) && h.innerText.trim() &&\n"
        "        q.left <= x && x <= q.right && q.bottom <= r.top + 1) return true; }\n"
        "  return false; }\n"
        /* a visible row heading on the same line, to the left */
        "function row(td) { var r = td.getBoundingClientRect();\n"
        "  for (var c = td.parentElement.firstElementChild; c; c = c.nextElementSibling) {\n"
        "    var q = c.getBoundingClientRect();\n"
        "    if (c !== td && c.tagName == 'TH' && shown(c) && c.innerText.trim() &&\n"
        "        q.right <= r.left + 1 && q.top < r.bottom && r.top < q.bottom) return true; }\n"
        "  return false; }\n"
        /* the cell's own words come before its first number: 'hạn 10/10', 'Tổng: 6 lớp' */
        "function worded(s) { var i = s.search(/[0-9]/);\n"
        "  return /\\p{L}/u.test(s.slice(0, i)); }\n"
        "document.querySelectorAll('table').forEach(function (t) {\n"
        "  if (!shown(t)) return; out.tables++;\n"
        "  var r = t.getBoundingClientRect();\n"
        "  if (r.right > vw + 1 || r.left < -1) {\n"
        "    var p = t.parentElement, ok = false;\n"
        "    for (; p && p !== document.body; p = p.parentElement) {\n"
        "      var ox = getComputedStyle(p).overflowX;\n"
        "      if ((ox == 'auto' || ox == 'scroll') && p.getBoundingClientRect().right <= vw + 1)\n"
        "        { ok = true; break; } }\n"
        "    if (!ok) out.wide.push((t.className || 'table') + ': ' + Math.round(r.width) +\n"
        "                           ' px'); }\n"
        "  t.querySelectorAll('td, tbody th').forEach(function (c) {\n"
        "    if (c.closest('table') !== t || !shown(c)) return;\n"
        "    var s = c.innerText.replace(/\\s+/g, ' ').trim();\n"
        "    if (!/[0-9]/.test(s)) return;\n"
        "    if (before(c) || column(c) || row(c) || worded(s)) return;\n"
        "    out.bad.push(s.slice(0, 60)); }); });\n"
        /* the page itself: name the innermost elements that stick out */
        "if (document.documentElement.scrollWidth > vw + 1) {\n"
        "  var names = [];\n"
        "  document.querySelectorAll('body *').forEach(function (e) {\n"
        "    if (names.length < 3 && e.getBoundingClientRect().right > vw + 1 &&\n"
        "        !Array.prototype.some.call(e.children, function (k) {\n"
        "          return k.getBoundingClientRect().right > vw + 1; }))\n"
        "      names.push(e.tagName.toLowerCase() + ' \"' +\n"
        "                 e.textContent.trim().slice(0, 40) + '\"'); });\n"
        "  out.wide.push('page: ' + document.documentElement.scrollWidth + ' px, ' +\n"
        "                names.join(', ')); }\n"
        "out.height = document.documentElement.scrollHeight;\n"
        "return out;\n";

int
hb_table_labels_problems(const char *path, buf_t *problems, long *height)
{
	json_t *out = hb_script(labels_js, NULL);
	int tables = (int)json_integer_value(json_object_get(out, "tables"));
	printf("%-50s %d table(s), %zu unlabelled, %zu too wide\n", path, tables,
	       json_array_size(json_object_get(out, "bad")),
	       json_array_size(json_object_get(out, "wide")));
	size_t k;
	json_t *s;
	json_array_foreach(json_object_get(out, "bad"), k, s)
	{
		buf_printf(problems, "%s: \"%s\" has no label\n", path, json_string_value(s));
	}
	json_array_foreach(json_object_get(out, "wide"), k, s)
	{
		buf_printf(problems, "%s: wider than the screen: %s\n", path, json_string_value(s));
	}
	if (height)
		*height = (long)json_integer_value(json_object_get(out, "height"));
	json_decref(out);
	return tables;
}

/* The overflow's check, in the page (hb_overflow_problems). An element sticks out when its
 * right edge is past the screen's and no ancestor that scrolls (or clips) sideways, itself
 * within the screen, holds it; only the innermost such elements are named. */
static const char overflow_js[] =
        /* on a phone's screen innerWidth grows to a page that is too wide: the layout
         * viewport's clientWidth stays the screen's */
        "var de = document.documentElement, vw = Math.min(window.innerWidth, de.clientWidth),\n"
        "    out = {page: de.scrollWidth > vw ? de.scrollWidth : 0, wide: [], small: []};\n"
        "function name(e) { var c = typeof e.className == 'string' && e.className.trim();\n"
        "  return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +\n"
        "         (c ? '.' + c.split(/\\s+/).join('.') : '') + ' \"' +\n"
        "         (e.innerText || e.value || '').replace(/\\s+/g, ' ').trim().slice(0, 40) +\n"
        "         '\"'; }\n"
        "function shown(e) { var s = getComputedStyle(e), r = e.getBoundingClientRect();\n"
        "  return s.visibility != 'hidden' && r.width > 0 && r.height > 0; }\n"
        "function held(e) { for (var p = e.parentElement; p && p !== document.body;\n"
        "                        p = p.parentElement) {\n"
        "    var ox = getComputedStyle(p).overflowX;\n"
        "    if (ox != 'visible' && p.getBoundingClientRect().right <= vw + 1) return true; }\n"
        "  return false; }\n"
        "function out_of(e) { return shown(e) && e.getBoundingClientRect().right > vw + 1 &&\n"
        "                     !held(e); }\n"
        "document.querySelectorAll('body *').forEach(function (e) {\n"
        "  if (out.wide.length >= 5 || !out_of(e)) return;\n"
        "  if (Array.prototype.some.call(e.children, out_of)) return;\n"
        "  out.wide.push(name(e) + ' to ' + Math.round(e.getBoundingClientRect().right) +\n"
        "                ' px'); });\n"
        /* what a thumb taps: at least 40 px high (links in text and check boxes aside) */
        "document.querySelectorAll('input:not([type=hidden]):not([type=checkbox])'\n"
        "    + ':not([type=radio]), select, textarea, button:not(.link), a.button')\n"
        "  .forEach(function (e) { var r = e.getBoundingClientRect();\n"
        "    if (shown(e) && r.height < 40 && out.small.length < 5)\n"
        "      out.small.push(name(e) + ' ' + Math.round(r.height) + ' px high'); });\n"
        "return out;\n";

void
hb_overflow_problems(const char *path, buf_t *problems, buf_t *notes)
{
	json_t *out = hb_script(overflow_js, NULL);
	json_int_t page = json_integer_value(json_object_get(out, "page"));
	if (page)
		buf_printf(problems, "%s: the page scrolls sideways (%lld px wide)\n", path,
		           (long long)page);
	size_t k;
	json_t *s;
	json_array_foreach(json_object_get(out, "wide"), k, s)
	{
		buf_printf(problems, "%s: sticks out of the screen: %s\n", path,
		           json_string_value(s));
	}
	json_array_foreach(json_object_get(out, "small"), k, s)
	{
		if (notes)
			buf_printf(notes, "%s: small to tap: %s\n", path, json_string_value(s));
	}
	json_decref(out);
}

char *
hb_text(const char *css)
{
	json_t *v = hb_script("var e = document.querySelector(arguments[0]);"
	                      " return e ? e.textContent : null;",
	                      json_pack("[s]", css));
	char *s = json_is_string(v) ? strdup(json_string_value(v)) : NULL;
	json_decref(v);
	return s;
}
char *
hb_string(const char *js)
{
	json_t *v = hb_script(js, NULL);
	char *s = strdup(json_is_string(v) ? json_string_value(v) : "");
	json_decref(v);
	return s;
}

int
hb_wait(const char *js, int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		json_t *v = hb_script(js, NULL);
		int ok = json_is_true(v);
		json_decref(v);
		if (ok)
			return 1;
		usleep(100 * 1000);
	}
	return 0;
}

char *
hb_alert_text(int seconds)
{
	char path[512], err[1024];
	snprintf(path, sizeof path, "/session/%s/alert/text", session);
	for (int i = 0; i < seconds * 10; i++) {
		json_t *v = wd("GET", path, NULL, err, sizeof err);
		if (v) {
			char *t = json_is_string(v) ? strdup(json_string_value(v)) : NULL;
			json_decref(v);
			if (t)
				return t;
		}
		usleep(100 * 1000);
	}
	return NULL;
}

void
hb_alert_answer(int accept)
{
	hb_cmd_void("POST", accept ? "/alert/accept" : "/alert/dismiss", json_object());
}

void
hb_network(int off, int latency)
{
	hb_cmd_void("POST", "/goog/cdp/execute",
	            json_pack("{s:s, s:{}}", "cmd", "Network.enable", "params"));
	hb_cmd_void("POST", "/goog/cdp/execute",
	            json_pack("{s:s, s:{s:b, s:i, s:i, s:i}}", "cmd",
	                      "Network.emulateNetworkConditions", "params", "offline", off,
	                      "latency", latency, "downloadThroughput", -1, "uploadThroughput",
	                      -1));
}

void
hb_performance_log(int on)
{
	perf_log = on;
}

json_t *
hb_log_events(void)
{
	json_t *entries = hb_cmd("POST", "/se/log", json_pack("{s:s}", "type", "performance"));
	json_t *out = json_array(), *e;
	size_t i;
	json_array_foreach(entries, i, e) {
		json_t *m = json_loads(json_string_value(json_object_get(e, "message")), 0, NULL);
		json_t *ev = json_object_get(m, "message");
		if (ev)
			json_array_append(out, ev);
		json_decref(m);
	}
	json_decref(entries);
	return out;
}

void
hb_block(const char *const *urls)
{
	json_t *a = json_array();
	for (size_t k = 0; urls && urls[k]; k++)
		json_array_append_new(a, json_string(urls[k]));
	hb_cmd_void("POST", "/goog/cdp/execute",
	            json_pack("{s:s, s:{}}", "cmd", "Network.enable", "params"));
	hb_cmd_void("POST", "/goog/cdp/execute",
	            json_pack("{s:s, s:{s:o}}", "cmd", "Network.setBlockedURLs", "params", "urls", a));
}
