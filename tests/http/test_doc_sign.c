/* Digital signatures over real HTTP (src/app/doc_sign_pages.c): huyện Tiên Lãng's head signs
 * the demo công văn 2945 with the district's key from the key directory; the PDF served
 * afterwards is the stored signed bytes, the same on every GET and under /van-ban, and
 * pdfsig finds it valid; a second signature is refused and changes nothing. Hà Thượng has
 * no key: a Vietnamese refusal, nothing stored. Đại Từ's Phòng GD&ĐT has a key others may
 * read: refused. A draft cannot be signed; Hải An, which has a key, has its báo cáo signed
 * when it publishes it. An entry officer of Tiên Lãng gets 403. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "app/app.h"
#include "domain/demo.h"
#include "domain/demo_docs.h"
#include "helper_app.h"

#define PASSWORD "Ky-so-kiem-tra-2022"

static char tmpdir[] = "/tmp/suotdoi-sign-http-XXXXXX";
static char keydir[300];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;

/* Tiên Lãng's head (has a key), its entry officer, Hà Thượng's head (no key), Đại Từ
 * Phòng GD&ĐT's head (key readable by others), Hải An's head (a draft) */
static ha_client_t tl, tl_entry, ht, dt, ha;

static const char *
body_of(hc_resp_t *r)
{
	return buf_cstr(&r->body);
}

static json_t *
get_json(ha_client_t *c, const char *path)
{
	hc_resp_t r = ha_req(port, c, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %s", path, r.status, body_of(&r));
	json_t *j = json_loads(body_of(&r), 0, NULL);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

/* The id of the document of unit with that number (or, number NULL, of that kind). */
static int64_t
find_issued(ha_client_t *c, const char *unit, const char *number, const char *kind)
{
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/%s/docs", unit);
	json_t *j = get_json(c, p);
	int64_t id = 0;
	size_t k;
	json_t *d;
	json_array_foreach(json_object_get(j, "issued"), k, d)
	{
		if (number && !strcmp(json_string_value(json_object_get(d, "number")), number))
			id = json_integer_value(json_object_get(d, "id"));
		if (kind && !strcmp(json_string_value(json_object_get(d, "kind")), kind))
			id = json_integer_value(json_object_get(d, "id"));
	}
	json_decref(j);
	return id;
}

static hc_resp_t
sign(ha_client_t *c, const char *unit, int64_t id)
{
	char path[200], body[200];
	snprintf(path, sizeof path, "/units/%s/docs/%lld/sign", unit, (long long)id);
	snprintf(body, sizeof body, "csrf=%s", c->csrf);
	return ha_req(port, c, "POST", path, body, 0);
}

static hc_resp_t
get_pdf(ha_client_t *c, const char *unit, int64_t id)
{
	char path[200];
	snprintf(path, sizeof path, "/units/%s/docs/%lld/pdf", unit, (long long)id);
	hc_resp_t r = ha_req(port, c, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_true(r.body.len > 1000);
	assert_memory_equal(r.body.data, "%PDF-", 5);
	return r;
}

/* What pdfsig says about bytes p. */
static void
pdfsig(const void *p, size_t n, buf_t *out)
{
	char path[400], cmd[500];
	snprintf(path, sizeof path, "%s/check.pdf", tmpdir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
	snprintf(cmd, sizeof cmd, "pdfsig %s 2>&1", path);
	FILE *pp = popen(cmd, "r");
	assert_non_null(pp);
	char chunk[4096];
	size_t k;
	buf_reset(out);
	while ((k = fread(chunk, 1, sizeof chunk, pp)) > 0)
		buf_append(out, chunk, k);
	pclose(pp);
}

typedef struct stored {
	int found;
	buf_t pdf;
	char sha[80], signer[200];
	int64_t by;
} stored_t;

static int
copy_stored(const store_doc_signed_t *d, const void *pdf, size_t n, void *p)
{
	stored_t *s = p;
	s->found = 1;
	buf_append(&s->pdf, pdf, n);
	snprintf(s->sha, sizeof s->sha, "%s", d->sha256);
	snprintf(s->signer, sizeof s->signer, "%s", d->signer);
	s->by = d->signed_by;
	return 0;
}

static int
signed_count(void)
{
	int n = 0;
	for (int64_t id = 1; id < 50; id++) {
		stored_t s = {0, BUF_INIT, "", "", 0};
		if (store_doc_signed_get(app.store, id, 0, copy_stored, &s) == 1)
			n++;
		buf_free(&s.pdf);
	}
	return n;
}

static int
setup(void **state)
{
	(void)state;
	char db[256], cmd[1200];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "d.db", db, sizeof db) < 0)
		return -1;
	/* keys for Tiên Lãng (315), Hải An (306) and Đại Từ's Phòng GD&ĐT, the latter left
	 * readable by all */
	snprintf(keydir, sizeof keydir, "%s/keys", tmpdir);
	snprintf(cmd, sizeof cmd,
	         "sh %s/make_sign_key.sh %s 315 306 DT-PGDDT && chmod 644 %s/DT-PGDDT.pem",
	         TEST_DATA_DIR, keydir, keydir);
	if (system(cmd) != 0)
		return -1;
	if (ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	app.sign_keys = keydir;
	ha_throttles(&app, 1000, 1000);
	if (ha_demo_docs(&app, &campaign) < 0)
		return -1;
	ha_user(&app, "lanhdao.tienlang", "315", ROLE_HEAD, PASSWORD);
	ha_user(&app, "nhaplieu.tienlang", "315", ROLE_ENTRY, PASSWORD);
	ha_user(&app, "lanhdao.hathuong", "05812", ROLE_HEAD, PASSWORD);
	ha_user(&app, "lanhdao.pgd.daitu", "DT-PGDDT", ROLE_HEAD, PASSWORD);
	ha_user(&app, "lanhdao.haian", "306", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &tl, "lanhdao.tienlang", PASSWORD) != 303 ||
	    ha_login(port, &tl_entry, "nhaplieu.tienlang", PASSWORD) != 303 ||
	    ha_login(port, &ht, "lanhdao.hathuong", PASSWORD) != 303 ||
	    ha_login(port, &dt, "lanhdao.pgd.daitu", PASSWORD) != 303 ||
	    ha_login(port, &ha, "lanhdao.haian", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static void
test_sign_and_serve_as_issued(void **state)
{
	(void)state;
	int64_t cv = find_issued(&tl, "315", "2945/UBND-GDĐT", NULL);
	assert_true(cv > 0);
	char page[200];
	snprintf(page, sizeof page, "/units/315/docs/%lld", (long long)cv);
	/* the page offers the signature: the unit has a key */
	hc_resp_t r = ha_req(port, &tl, "GET", page, NULL, 0);
	assert_int_equal(r.status, 200);
	if (!strstr(body_of(&r), "/sign\"") || !strstr(body_of(&r), ">Ký số</button>"))
		fail_msg("no Ký số button:\n%s", body_of(&r));
	hc_resp_free(&r);
	/* before: a render, no signature */
	buf_t said = BUF_INIT;
	r = get_pdf(&tl, "315", cv);
	pdfsig(r.body.data, r.body.len, &said);
	assert_null(strstr(buf_cstr(&said), "Signature Validation"));
	hc_resp_free(&r);

	r = sign(&tl, "315", cv);
	if (r.status != 303)
		fail_msg("sign: %ld %s", r.status, body_of(&r));
	char loc[300];
	assert_true(hc_header(&r, "Location", loc, sizeof loc));
	assert_non_null(strstr(loc, "?done=signed"));
	hc_resp_free(&r);

	/* what is stored: by whom, its hash */
	stored_t s = {0, BUF_INIT, "", "", 0};
	assert_int_equal(store_doc_signed_get(app.store, cv, 1, copy_stored, &s), 1);
	assert_string_equal(s.signer, "Đơn vị 315");
	assert_true(s.by > 0);
	unsigned char md[32];
	unsigned mdn;
	char hex[65];
	EVP_Digest(s.pdf.data, s.pdf.len, md, &mdn, EVP_sha256(), NULL);
	for (int k = 0; k < 32; k++)
		snprintf(hex + 2 * k, 3, "%02x", md[k]);
	assert_string_equal(hex, s.sha);

	/* served: the stored bytes, twice the same */
	hc_resp_t a = get_pdf(&tl, "315", cv), b = get_pdf(&tl, "315", cv);
	assert_int_equal(a.body.len, s.pdf.len);
	assert_memory_equal(a.body.data, s.pdf.data, s.pdf.len);
	assert_int_equal(b.body.len, a.body.len);
	assert_memory_equal(b.body.data, a.body.data, a.body.len);
	pdfsig(a.body.data, a.body.len, &said);
	if (!strstr(buf_cstr(&said), "Signature Validation: Signature is Valid.") ||
	    !strstr(buf_cstr(&said), "Signer Certificate Common Name: Đơn vị 315") ||
	    !strstr(buf_cstr(&said), "Total document signed"))
		fail_msg("pdfsig on the served PDF:\n%s", buf_cstr(&said));
	/* one changed byte: invalid */
	a.body.data[a.body.len / 3] ^= 0x20;
	pdfsig(a.body.data, a.body.len, &said);
	assert_null(strstr(buf_cstr(&said), "Signature is Valid."));
	assert_non_null(strstr(buf_cstr(&said), "Signature Validation:"));
	hc_resp_free(&a);
	hc_resp_free(&b);
	/* the public copy (the công văn is public in the demo) is the same signed file */
	char pub[200];
	snprintf(pub, sizeof pub, "/van-ban/%lld/pdf", (long long)cv);
	r = ha_req(port, NULL, "GET", pub, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, s.pdf.len);
	assert_memory_equal(r.body.data, s.pdf.data, s.pdf.len);
	hc_resp_free(&r);

	/* the page says so; the JSON too */
	r = ha_req(port, &tl, "GET", page, NULL, 0);
	assert_non_null(strstr(body_of(&r), "Đã ký số"));
	assert_non_null(strstr(body_of(&r), s.sha));
	assert_null(strstr(body_of(&r), ">Ký số</button>"));
	hc_resp_free(&r);
	char api[200];
	snprintf(api, sizeof api, "/api/v1/units/315/docs/%lld", (long long)cv);
	json_t *j = get_json(&tl, api);
	assert_true(json_is_true(json_object_get(j, "signed")));
	json_decref(j);

	/* a second signature is refused and changes nothing */
	r = sign(&tl, "315", cv);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(body_of(&r), "Văn bản này đã được ký số"));
	hc_resp_free(&r);
	stored_t s2 = {0, BUF_INIT, "", "", 0};
	assert_int_equal(store_doc_signed_get(app.store, cv, 1, copy_stored, &s2), 1);
	assert_int_equal(s2.pdf.len, s.pdf.len);
	assert_memory_equal(s2.pdf.data, s.pdf.data, s.pdf.len);
	buf_free(&s2.pdf);
	buf_free(&s.pdf);
	buf_free(&said);
}

static void
test_refusals(void **state)
{
	(void)state;
	int before = signed_count();
	/* Hà Thượng has no key file */
	int64_t kh = find_issued(&ht, "05812", "15/KH-UBND", NULL);
	assert_true(kh > 0);
	char page[200];
	snprintf(page, sizeof page, "/units/05812/docs/%lld", (long long)kh);
	hc_resp_t r = ha_req(port, &ht, "GET", page, NULL, 0);
	assert_non_null(strstr(body_of(&r), "Đơn vị chưa có khóa ký số trên máy chủ"));
	hc_resp_free(&r);
	r = sign(&ht, "05812", kh);
	assert_int_equal(r.status, 409);
	if (!strstr(body_of(&r), "Đơn vị 05812 chưa có khóa ký số trên máy chủ"))
		fail_msg("no-key refusal:\n%s", body_of(&r));
	hc_resp_free(&r);

	/* Đại Từ's Phòng GD&ĐT: its key file is readable by all (mode 644) */
	int64_t cv747 = find_issued(&dt, "DT-PGDDT", "747/CV-PGDĐT-GDTX", NULL);
	assert_true(cv747 > 0);
	r = sign(&dt, "DT-PGDDT", cv747);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(body_of(&r), "Khóa ký số của đơn vị chưa dùng được"));
	hc_resp_free(&r);

	/* Hải An's báo cáo is a draft */
	int64_t bc = find_issued(&ha, "306", NULL, "bc");
	assert_true(bc > 0);
	r = sign(&ha, "306", bc);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(body_of(&r), "Chỉ ký số được văn bản đã ban hành"));
	hc_resp_free(&r);

	/* Tiên Lãng's entry officer may not; nor may Hà Thượng sign Tiên Lãng's công văn */
	int64_t cv = find_issued(&tl, "315", "2945/UBND-GDĐT", NULL);
	r = sign(&tl_entry, "315", cv);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	r = sign(&ht, "315", cv);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* without the CSRF token */
	char path[200];
	snprintf(path, sizeof path, "/units/05812/docs/%lld/sign", (long long)kh);
	r = ha_req(port, &ht, "POST", path, "csrf=x", 0);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	assert_int_equal(signed_count(), before);
}

static void
test_publish_signs(void **state)
{
	(void)state;
	int64_t bc = find_issued(&ha, "306", NULL, "bc");
	assert_true(bc > 0);
	char api[200], path[200], body[300];
	snprintf(api, sizeof api, "/api/v1/units/306/docs/%lld", (long long)bc);
	json_t *j = get_json(&ha, api);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "draft");
	assert_false(json_is_true(json_object_get(j, "signed")));
	long long version = (long long)json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	snprintf(path, sizeof path, "/units/306/docs/%lld/publish", (long long)bc);
	snprintf(body, sizeof body, "csrf=%s&version=%lld", ha.csrf, version);
	hc_resp_t r = ha_post_page_over(port, &ha, api + strlen("/api/v1"), path, body);
	if (r.status != 303)
		fail_msg("publish: %ld %s", r.status, body_of(&r));
	char loc[300];
	assert_true(hc_header(&r, "Location", loc, sizeof loc));
	assert_non_null(strstr(loc, "?done=published_signed"));
	hc_resp_free(&r);
	stored_t s = {0, BUF_INIT, "", "", 0};
	assert_int_equal(store_doc_signed_get(app.store, bc, 1, copy_stored, &s), 1);
	assert_string_equal(s.signer, "Đơn vị 306");
	r = get_pdf(&ha, "306", bc);
	assert_int_equal(r.body.len, s.pdf.len);
	assert_memory_equal(r.body.data, s.pdf.data, s.pdf.len);
	buf_t said = BUF_INIT;
	pdfsig(r.body.data, r.body.len, &said);
	if (!strstr(buf_cstr(&said), "Signature Validation: Signature is Valid."))
		fail_msg("pdfsig on the published báo cáo:\n%s", buf_cstr(&said));
	hc_resp_free(&r);
	r = ha_req(port, &ha, "GET", loc, NULL, 0);
	assert_non_null(strstr(body_of(&r), "Đã ban hành và ký số"));
	hc_resp_free(&r);
	buf_free(&said);
	buf_free(&s.pdf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sign_and_serve_as_issued),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_publish_signs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
