/* Light pages (issue 17): gzip negotiated per request for text replies, static assets kept
 * compressed with content-hash ETags and year-long caching on hashed URLs, the layout
 * linking those URLs, the favicon and the web-app manifest; and the weight of the results
 * form on a phone's first and repeat visit, against the budgets (40 KB / 10 KB).
 * Also prints the CPU cost of deflate on the district dashboard at levels 1, 4, 6 (the
 * figures in docs/documents.md come from the Release build of this test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "app/app.h"
#include "domain/access.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "http/compress.h"

#define PASSWORD "Trang-nhe-kiem-tra-17"

static char tmpdir[] = "/tmp/suotdoi-light-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t officer, school;

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "l.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "chuyenvien.haian", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "truong.th", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	if (ha_login(port, &officer, "chuyenvien.haian", PASSWORD) != 303 ||
	    ha_login(port, &school, "truong.th", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* GET (or HEAD) path as client c (NULL: anonymous) with an Accept-Encoding (NULL: none) and
 * an optional If-None-Match. */
static hc_resp_t
get(ha_client_t *c, const char *path, const char *ae, const char *inm, int head)
{
	char cookie[450], aeh[200], inmh[200];
	const char *h[4];
	size_t n = 0;
	if (c != NULL) {
		snprintf(cookie, sizeof cookie, "Cookie: %s", c->cookie);
		h[n++] = cookie;
	}
	if (ae != NULL) {
		snprintf(aeh, sizeof aeh, "Accept-Encoding: %s", ae);
		h[n++] = aeh;
	}
	if (inm != NULL) {
		snprintf(inmh, sizeof inmh, "If-None-Match: %s", inm);
		h[n++] = inmh;
	}
	h[n] = NULL;
	hc_opts_t o = {.headers = h, .head = head};
	CURL *cu = curl_easy_init();
	hc_resp_t r;
	if (hc_request(cu, port, path, &o, &r) != 0)
		fail_msg("GET %s: transport error", path);
	curl_easy_cleanup(cu);
	return r;
}

/* gunzip of a whole body; fails the test when it is not one valid gzip member. */
static void
gunzip(const buf_t *in, buf_t *out)
{
	z_stream zs = {0};
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)in->data;
	zs.avail_in = (uInt)in->len;
	int rc;
	do {
		buf_reserve(out, 65536);
		zs.next_out = (Bytef *)out->data + out->len;
		zs.avail_out = 65536;
		rc = inflate(&zs, Z_NO_FLUSH);
		out->len = (size_t)((char *)zs.next_out - out->data);
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
	} while (rc != Z_STREAM_END);
	assert_int_equal(zs.avail_in, 0);
	inflateEnd(&zs);
}

static int
has_header(const hc_resp_t *r, const char *name)
{
	char v[300];
	return hc_header(r, name, v, sizeof v) != NULL;
}

static int
header_is(const hc_resp_t *r, const char *name, const char *want)
{
	char v[300];
	return hc_header(r, name, v, sizeof v) != NULL && strcmp(v, want) == 0;
}

static char *
unit_path(const char *unit, const char *tail, char *out, size_t cap)
{
	snprintf(out, cap, "/campaigns/%lld/units/%s%s", (long long)campaign, unit, tail);
	return out;
}

static void
test_accept_encoding(void **state)
{
	(void)state;
	assert_true(http_accepts_gzip("gzip"));
	assert_true(http_accepts_gzip("gzip, deflate, br"));
	assert_true(http_accepts_gzip("br;q=1.0, GZIP;q=0.5"));
	assert_true(http_accepts_gzip("x-gzip"));
	assert_true(http_accepts_gzip("*"));
	assert_true(http_accepts_gzip("br, *;q=0.1"));
	assert_true(http_accepts_gzip("gzip ; q=0.001"));
	assert_false(http_accepts_gzip(NULL));
	assert_false(http_accepts_gzip(""));
	assert_false(http_accepts_gzip("identity"));
	assert_false(http_accepts_gzip("br, deflate"));
	assert_false(http_accepts_gzip("gzip;q=0"));
	assert_false(http_accepts_gzip("gzip;q=0.000"));
	assert_false(http_accepts_gzip("gzip;q=0, *"));   /* named beats "*" */
	assert_false(http_accepts_gzip("*;q=0"));
	assert_false(http_accepts_gzip("gzip;q=2"));      /* malformed q: refused */
	assert_false(http_accepts_gzip("gzipx, xgzip")); /* whole tokens only */
	assert_true(http_compressible_type("text/html; charset=utf-8"));
	assert_true(http_compressible_type("application/json; charset=utf-8"));
	assert_true(http_compressible_type("image/svg+xml"));
	assert_false(http_compressible_type("application/pdf"));
	assert_false(http_compressible_type(
	        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
	assert_false(http_compressible_type("image/png"));
	assert_false(http_compressible_type("text/htmlx"));
}

/* The district dashboard: gzip when asked, the same bytes once inflated, identity when
 * refused, Vary either way, and a HEAD that announces what the GET sends. */
static void
test_gzip_negotiated(void **state)
{
	(void)state;
	char p[200];
	unit_path("306", "", p, sizeof p);
	hc_resp_t id = get(&officer, p, NULL, NULL, 0);
	assert_int_equal(id.status, 200);
	assert_false(has_header(&id, "Content-Encoding"));
	assert_true(header_is(&id, "Vary", "Accept-Encoding"));
	assert_true(id.body.len > 10000);

	hc_resp_t gz = get(&officer, p, "gzip, deflate, br", NULL, 0);
	assert_int_equal(gz.status, 200);
	assert_true(header_is(&gz, "Content-Encoding", "gzip"));
	assert_true(header_is(&gz, "Vary", "Accept-Encoding"));
	assert_true(header_is(&gz, "Content-Type", "text/html; charset=utf-8"));
	assert_true(gz.body.len * 4 < id.body.len); /* HTML compresses well: under a quarter */
	buf_t plain = BUF_INIT;
	gunzip(&gz.body, &plain);
	assert_int_equal(plain.len, id.body.len);
	assert_memory_equal(plain.data, id.body.data, id.body.len);
	/* the cached parts are copied compressed (http_gzip_parts; the body against the charts
	 * before it): no bigger than the whole page deflated at once at the replies' level */
	buf_t whole = BUF_INIT;
	assert_int_equal(http_gzip(id.body.data, id.body.len, HTTP_GZIP_LEVEL, &whole), 0);
	assert_true(gz.body.len <= whole.len + whole.len / 50);
	print_message("dashboard %s: %zu bytes, %zu with gzip (%zu deflated whole)\n", p,
	              id.body.len, gz.body.len, whole.len);
	buf_free(&whole);
	buf_free(&plain);
	/* later replies copy the cached parts compressed ahead (http_gzip_parts): the same
	 * bytes once inflated, and the same reply each time */
	for (int k = 0; k < 2; k++) {
		hc_resp_t again = get(&officer, p, "gzip", NULL, 0);
		assert_int_equal(again.status, 200);
		assert_true(header_is(&again, "Content-Encoding", "gzip"));
		gunzip(&again.body, &plain);
		assert_int_equal(plain.len, id.body.len);
		assert_memory_equal(plain.data, id.body.data, id.body.len);
		assert_int_equal(again.body.len, gz.body.len);
		buf_free(&plain);
		hc_resp_free(&again);
	}

	/* HEAD: no body, the GET's length and encoding */
	hc_resp_t hd = get(&officer, p, "gzip", NULL, 1);
	assert_int_equal(hd.status, 200);
	assert_int_equal(hd.body.len, 0);
	assert_true(header_is(&hd, "Content-Encoding", "gzip"));
	char len[40];
	snprintf(len, sizeof len, "%zu", gz.body.len);
	assert_true(header_is(&hd, "Content-Length", len));
	hc_resp_free(&hd);

	const char *refused[] = {"gzip;q=0", "gzip;q=0, *", "identity", "br"};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		hc_resp_t r = get(&officer, p, refused[i], NULL, 0);
		assert_int_equal(r.status, 200);
		assert_false(has_header(&r, "Content-Encoding"));
		assert_true(header_is(&r, "Vary", "Accept-Encoding"));
		assert_int_equal(r.body.len, id.body.len);
		hc_resp_free(&r);
	}
	/* JSON from the API compresses too */
	char api[200];
	snprintf(api, sizeof api, "/api/v1/campaigns/%lld/units/306", (long long)campaign);
	hc_resp_t jid = get(&officer, api, NULL, NULL, 0);
	assert_int_equal(jid.status, 200);
	hc_resp_t j = get(&officer, api, "gzip", NULL, 0);
	assert_int_equal(j.status, 200);
	char ct[100];
	assert_non_null(hc_header(&j, "Content-Type", ct, sizeof ct));
	assert_non_null(strstr(ct, "application/json"));
	if (j.body.len >= HTTP_GZIP_MIN || has_header(&j, "Content-Encoding")) {
		assert_true(header_is(&j, "Content-Encoding", "gzip"));
		buf_t js = BUF_INIT;
		gunzip(&j.body, &js);
		json_error_t e;
		json_t *v = json_loadb(js.data, js.len, 0, &e);
		assert_non_null(v);
		json_decref(v);
		assert_int_equal(js.len, jid.body.len);
		assert_memory_equal(js.data, jid.body.data, js.len);
		buf_free(&js);
	}
	hc_resp_free(&jid);
	hc_resp_free(&j);
	hc_resp_free(&gz);
	hc_resp_free(&id);
}

/* Small bodies, images, PDF and XLSX are never compressed, whatever the client accepts. */
static void
test_never_compressed(void **state)
{
	(void)state;
	hc_resp_t r = get(NULL, "/healthz", "gzip", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_false(has_header(&r, "Content-Encoding"));
	assert_string_equal(buf_cstr(&r.body), "ok");
	hc_resp_free(&r);

	char p[200];
	const char *tails[] = {"/phuluc.pdf", "/phuluc.xlsx"};
	const char *magic[] = {"%PDF", "PK\x03\x04"};
	for (int i = 0; i < 2; i++) {
		r = get(&officer, unit_path("306", tails[i], p, sizeof p), "gzip", NULL, 0);
		assert_int_equal(r.status, 200);
		assert_false(has_header(&r, "Content-Encoding"));
		assert_true(r.body.len > 1000);
		assert_memory_equal(r.body.data, magic[i], 4);
		hc_resp_free(&r);
	}
	r = get(NULL, "/static/icon-512.png", "gzip", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_false(has_header(&r, "Content-Encoding"));
	assert_true(header_is(&r, "Content-Type", "image/png"));
	assert_memory_equal(r.body.data, "\x89PNG", 4);
	hc_resp_free(&r);
}

static void
file_hash(const char *path, char hex[17])
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	buf_t b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)b.data, b.len, NULL, 0);
	for (int i = 0; i < 8; i++)
		sprintf(hex + 2 * i, "%02x", h[i]);
	buf_free(&b);
}

/* style.css: compressed once, strong ETags per representation, 304s, the year-long cache
 * on the hashed URL the layout writes. */
static void
test_static_assets(void **state)
{
	(void)state;
	char hash[17], url[200], etag[60], v[300];
	file_hash(TEST_SOURCE_DIR "/static/style.css", hash);
	snprintf(url, sizeof url, "/static/style.css?v=%s", hash);

	/* the layout links the hashed URL (and the results form its script's) */
	hc_resp_t page = get(&officer, "/", NULL, NULL, 0);
	assert_int_equal(page.status, 200);
	char link[300];
	snprintf(link, sizeof link, "<link rel=\"stylesheet\" href=\"%s\">", url);
	assert_non_null(strstr(buf_cstr(&page.body), link));
	hc_resp_free(&page);
	char js[17], p[200];
	file_hash(TEST_SOURCE_DIR "/static/report.js", js);
	page = get(&school, unit_path("HA-11413-TH", "/report", p, sizeof p), NULL, NULL, 0);
	assert_int_equal(page.status, 200);
	snprintf(link, sizeof link, "src=\"/static/report.js?v=%s\"", js);
	assert_non_null(strstr(buf_cstr(&page.body), link));
	hc_resp_free(&page);

	hc_resp_t id = get(NULL, url, NULL, NULL, 0);
	assert_int_equal(id.status, 200);
	assert_false(has_header(&id, "Content-Encoding"));
	snprintf(etag, sizeof etag, "\"%s\"", hash);
	assert_true(header_is(&id, "ETag", etag));
	assert_true(header_is(&id, "Cache-Control", "public, max-age=31536000, immutable"));
	assert_true(header_is(&id, "Vary", "Accept-Encoding"));

	hc_resp_t gz = get(NULL, url, "gzip", NULL, 0);
	assert_int_equal(gz.status, 200);
	assert_true(header_is(&gz, "Content-Encoding", "gzip"));
	snprintf(etag, sizeof etag, "\"%s-gz\"", hash);
	assert_true(header_is(&gz, "ETag", etag));
	buf_t plain = BUF_INIT;
	gunzip(&gz.body, &plain);
	assert_int_equal(plain.len, id.body.len);
	assert_memory_equal(plain.data, id.body.data, plain.len);
	assert_true(gz.body.len * 3 < id.body.len);
	print_message("style.css: %zu bytes, %zu with gzip\n", id.body.len, gz.body.len);
	buf_free(&plain);

	/* revalidation: either validator gives a 304 without a body */
	hc_resp_t nm = get(NULL, "/static/style.css", "gzip", etag, 0);
	assert_int_equal(nm.status, 304);
	assert_int_equal(nm.body.len, 0);
	assert_true(header_is(&nm, "Cache-Control", "public, max-age=3600"));
	assert_true(header_is(&nm, "ETag", etag));
	hc_resp_free(&nm);
	snprintf(etag, sizeof etag, "W/\"%s\"", hash);
	nm = get(NULL, "/static/style.css", NULL, etag, 0);
	assert_int_equal(nm.status, 304);
	hc_resp_free(&nm);
	/* a different validator: the full reply */
	nm = get(NULL, "/static/style.css", NULL, "\"0123456789abcdef\"", 0);
	assert_int_equal(nm.status, 200);
	assert_int_equal(nm.body.len, id.body.len);
	assert_true(header_is(&nm, "Cache-Control", "public, max-age=3600"));
	hc_resp_free(&nm);
	/* HEAD of a compressed asset announces the compressed length */
	nm = get(NULL, url, "gzip", NULL, 1);
	snprintf(v, sizeof v, "%zu", gz.body.len);
	assert_true(header_is(&nm, "Content-Length", v));
	assert_int_equal(nm.body.len, 0);
	hc_resp_free(&nm);
	hc_resp_free(&gz);
	hc_resp_free(&id);
}

/* http_static_url follows the file: another content, another URL (within a second). */
static void
test_hashed_url_follows_file(void **state)
{
	(void)state;
	char dir[300], file[340], u1[300], u2[300], h[17];
	snprintf(dir, sizeof dir, "%s/st", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(file, sizeof file, "%s/a.css", dir);
	FILE *f = fopen(file, "w");
	fputs("body{color:red}\n", f);
	fclose(f);
	file_hash(file, h);
	http_static_url(dir, "a.css", u1, sizeof u1);
	char want[100];
	snprintf(want, sizeof want, "/static/a.css?v=%s", h);
	assert_string_equal(u1, want);
	f = fopen(file, "w");
	fputs("body{color:blue}\n", f);
	fclose(f);
	sleep(2);
	http_static_url(dir, "a.css", u2, sizeof u2);
	file_hash(file, h);
	snprintf(want, sizeof want, "/static/a.css?v=%s", h);
	assert_string_equal(u2, want);
	assert_string_not_equal(u1, u2);
	/* a missing file: the plain URL */
	http_static_url(dir, "nope.css", u2, sizeof u2);
	assert_string_equal(u2, "/static/nope.css");
}

static void
test_favicon_manifest(void **state)
{
	(void)state;
	hc_resp_t r = get(NULL, "/favicon.ico", "gzip", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_true(header_is(&r, "Content-Type", "image/x-icon"));
	assert_true(r.body.len > 22);
	assert_memory_equal(r.body.data, "\0\0\1\0\1\0", 6); /* ICONDIR, one image */
	assert_true(has_header(&r, "ETag"));
	hc_resp_free(&r);

	r = get(NULL, "/manifest.webmanifest", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_true(header_is(&r, "Content-Type", "application/manifest+json"));
	json_error_t e;
	json_t *m = json_loadb(r.body.data, r.body.len, 0, &e);
	assert_non_null(m);
	assert_string_equal(json_string_value(json_object_get(m, "name")), "Học tập suốt đời");
	assert_string_equal(json_string_value(json_object_get(m, "start_url")), "/");
	assert_string_equal(json_string_value(json_object_get(m, "display")), "standalone");
	assert_non_null(json_string_value(json_object_get(m, "theme_color")));
	json_t *icons = json_object_get(m, "icons");
	assert_true(json_array_size(icons) >= 2);
	int seen192 = 0, seen512 = 0;
	size_t i;
	json_t *icon;
	json_array_foreach(icons, i, icon) {
		const char *src = json_string_value(json_object_get(icon, "src"));
		const char *sizes = json_string_value(json_object_get(icon, "sizes"));
		const char *type = json_string_value(json_object_get(icon, "type"));
		hc_resp_t ir = get(NULL, src, NULL, NULL, 0);
		assert_int_equal(ir.status, 200);
		char ct[100];
		assert_non_null(hc_header(&ir, "Content-Type", ct, sizeof ct));
		assert_string_equal(ct, type);
		if (strcmp(type, "image/png") == 0) {
			/* the IHDR's width matches the declared size */
			unsigned w = ((unsigned char)ir.body.data[16] << 24) |
			             ((unsigned char)ir.body.data[17] << 16) |
			             ((unsigned char)ir.body.data[18] << 8) |
			             (unsigned char)ir.body.data[19];
			char s[32];
			snprintf(s, sizeof s, "%ux%u", w, w);
			assert_string_equal(s, sizes);
			seen192 |= w == 192;
			seen512 |= w == 512;
		}
		hc_resp_free(&ir);
	}
	assert_true(seen192 && seen512);
	json_decref(m);
	hc_resp_free(&r);

	/* every page links them */
	r = get(NULL, "/login", NULL, NULL, 0);
	assert_int_equal(r.status, 200);
	const char *b = buf_cstr(&r.body);
	assert_non_null(strstr(b, "<link rel=\"icon\" href=\"/favicon.ico\""));
	assert_non_null(strstr(b, "<link rel=\"manifest\" href=\"/manifest.webmanifest\">"));
	assert_non_null(strstr(b, "<meta name=\"theme-color\" content=\"#b3261e\">"));
	hc_resp_free(&r);
	/* error pages go through the same layout */
	r = get(NULL, "/no-such-page", "gzip", NULL, 0);
	assert_int_equal(r.status, 404);
	buf_t html = BUF_INIT;
	if (has_header(&r, "Content-Encoding"))
		gunzip(&r.body, &html);
	else
		buf_append(&html, r.body.data, r.body.len);
	assert_non_null(strstr(buf_cstr(&html), "href=\"/static/style.css?v="));
	assert_non_null(strstr(buf_cstr(&html), "<link rel=\"manifest\""));
	buf_free(&html);
	hc_resp_free(&r);
}

/* What a phone downloads for the results form: the HTML, then every /static/ asset it links
 * (CSS, scripts), headers included. First visit: everything; repeat visit: the hashed assets
 * are fresh in the cache (immutable), so only the HTML comes again. */
static size_t
wire(const hc_resp_t *r)
{
	return r->headers.len + r->body.len;
}

static void
test_results_form_weight(void **state)
{
	(void)state;
	char p[200];
	unit_path("HA-11413-TH", "/report", p, sizeof p);
	size_t first = 0, first_plain = 0, repeat = 0;
	for (int gz = 0; gz <= 1; gz++) {
		hc_resp_t page = get(&school, p, gz ? "gzip, deflate, br" : NULL, NULL, 0);
		assert_int_equal(page.status, 200);
		size_t total = wire(&page);
		if (gz)
			repeat = total;
		buf_t html = BUF_INIT;
		if (gz) {
			assert_true(header_is(&page, "Content-Encoding", "gzip"));
			gunzip(&page.body, &html);
		} else {
			buf_append(&html, page.body.data, page.body.len);
		}
		const char *s = buf_cstr(&html);
		int assets = 0;
		while ((s = strstr(s, "=\"/static/")) != NULL) {
			s += 2;
			const char *e = strchr(s, '"');
			assert_non_null(e);
			char url[300];
			snprintf(url, sizeof url, "%.*s", (int)(e - s), s);
			hc_resp_t a = get(NULL, url, gz ? "gzip, deflate, br" : NULL, NULL, 0);
			assert_int_equal(a.status, 200);
			/* a repeat visit asks again only for what is not immutable */
			char cc[100];
			assert_non_null(hc_header(&a, "Cache-Control", cc, sizeof cc));
			if (gz && strstr(cc, "immutable") == NULL)
				repeat += wire(&a);
			total += wire(&a);
			assets++;
			hc_resp_free(&a);
		}
		assert_true(assets >= 2); /* style.css and report.js */
		if (gz)
			first = total;
		else
			first_plain = total;
		buf_free(&html);
		hc_resp_free(&page);
	}
	print_message("results form, first load: %zu bytes plain, %zu with gzip; repeat visit "
	              "%zu\n",
	              first_plain, first, repeat);
	assert_true(first <= 40 * 1024);  /* the budget */
	assert_true(repeat <= 10 * 1024); /* the budget */
	assert_true(first * 3 < first_plain);
}

static double
now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* The cost of deflate per dashboard page, level by level (printed; timing is not asserted,
 * sanitizers slow it down 3-5x). */
static void
test_deflate_cost(void **state)
{
	(void)state;
	char p[200];
	hc_resp_t id = get(&officer, unit_path("306", "", p, sizeof p), NULL, NULL, 0);
	assert_int_equal(id.status, 200);
	const int levels[] = {1, 2, 3, 4, 6, 9};
	size_t first = 0;
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		buf_t out = BUF_INIT;
		const int reps = 200;
		assert_int_equal(http_gzip(id.body.data, id.body.len, levels[i], &out), 0);
		double t0 = now_us();
		for (int k = 0; k < reps; k++) {
			out.len = 0;
			assert_int_equal(http_gzip(id.body.data, id.body.len, levels[i], &out), 0);
		}
		double us = (now_us() - t0) / reps;
		buf_t back = BUF_INIT;
		gunzip(&out, &back);
		assert_int_equal(back.len, id.body.len);
		assert_memory_equal(back.data, id.body.data, back.len);
		print_message("deflate level %d: %zu -> %zu bytes (%.1f%%), %.0f us per page\n",
		              levels[i], id.body.len, out.len, 100.0 * (double)out.len / (double)id.body.len,
		              us);
		if (levels[i] == 1)
			first = out.len;
		if (levels[i] >= 6) /* the slow levels earn their time: smaller than level 1 */
			assert_true(out.len < first);
		buf_free(&back);
		buf_free(&out);
	}
	hc_resp_free(&id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_accept_encoding),
	        cmocka_unit_test(test_gzip_negotiated),
	        cmocka_unit_test(test_never_compressed),
	        cmocka_unit_test(test_static_assets),
	        cmocka_unit_test(test_hashed_url_follows_file),
	        cmocka_unit_test(test_favicon_manifest),
	        cmocka_unit_test(test_results_form_weight),
	        cmocka_unit_test(test_deflate_cost),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
