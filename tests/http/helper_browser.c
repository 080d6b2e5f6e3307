/* A real headless Chromium for the HTTP tests (helper_browser.h). Taken out of
 * test_phone_tables.c so that other browser tests (test_doc_form_browser.c) drive the same
 * way. */
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

int
hb_start(int width, int height)
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
	        width <= 480);
	if (perf_log)
		json_object_set_new(json_object_get(json_object_get(caps, "capabilities"),
		                                    "alwaysMatch"),
		                    "goog:loggingPrefs", json_pack("{s:s}", "performance", "ALL"));
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
