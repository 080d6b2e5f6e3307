/* E-mail delivery (src/service/mailer.c) against a real SMTP server on 127.0.0.1
 * (tests/smtp_sink.py, python3-aiosmtpd) and a real store file: the message decodes back
 * to what was given, byte for byte; sends arrive with their Vietnamese subject and both
 * parts, with AUTH and over TLS; a 550 fails for good with the reason kept; a failing
 * server makes the worker back off and deliver once it is back, exactly once, also across
 * a restart; every attempt is a delivery row. Time is injected, never slept on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "db/store.h"
#include "db/writer.h"
#include "helper_smtp_sink.h"
#include "mail_decode.h"
#include "service/mailer.h"

static char tmpdir[] = "/tmp/suotdoi-mailer-XXXXXX";
static int dbseq;

#define T0 1664929800 /* 2022-10-05 07:30:00 in Vietnam */

/* ---- building ---- */

/* s with every line end as CRLF: what a body becomes on the wire */
static char *
crlf(const char *s)
{
	buf_t b = BUF_INIT;
	for (; *s; s++) {
		if (*s == '\r') {
			buf_puts(&b, "\r\n");
			if (s[1] == '\n')
				s++;
		} else if (*s == '\n')
			buf_puts(&b, "\r\n");
		else
			buf_putc(&b, *s);
	}
	return buf_steal(&b, NULL);
}

static void
build_ok(const mail_msg_t *m, buf_t *out, md_mail_t *d)
{
	char err[256];
	buf_reset(out);
	assert_int_equal(mail_build(m, out, err, sizeof err), 0);
	assert_int_equal(md_parse(buf_cstr(out), d), 0);
}

static void
test_build_roundtrip(void **state)
{
	(void)state;
	const char *subject = "Nhắc nộp báo cáo Tuần lễ học tập suốt đời năm 2022 — xã Đằng Lâm, "
	                      "quận Hải An, thành phố Hải Phòng (còn 3 ngày)";
	const char *text = "Kính gửi UBND phường Đằng Lâm,\n\nĐơn vị chưa nộp báo cáo.\r\nXem: "
	                   "https://example.vn/campaigns/1/units/11413\n";
	const char *html = "<p>Kính gửi <b>UBND phường Đằng Lâm</b>,</p>\n<p><a "
	                   "href=\"https://example.vn/campaigns/1\">Mở báo cáo</a></p>";
	mail_msg_t m = {.from = "thongbao@suotdoi.example.vn",
	                .from_name = MAIL_FROM_NAME,
	                .to = "ubnd.danglam@haiphong.gov.vn",
	                .to_name = "UBND phường Đằng Lâm",
	                .subject = subject,
	                .text = text,
	                .html = html,
	                .date = T0,
	                .id = "suotdoi.7.1664929800"};
	buf_t out = BUF_INIT;
	md_mail_t d;
	build_ok(&m, &out, &d);
	assert_string_equal(d.subject, subject);
	assert_string_equal(d.from_name, MAIL_FROM_NAME);
	assert_string_equal(d.from, "thongbao@suotdoi.example.vn");
	assert_string_equal(d.to_name, "UBND phường Đằng Lâm");
	assert_string_equal(d.to, "ubnd.danglam@haiphong.gov.vn");
	char *t = crlf(text), *h = crlf(html);
	assert_string_equal(d.text, t);
	assert_string_equal(d.html, h);
	assert_string_equal(d.date, "Wed, 05 Oct 2022 07:30:00 +0700");
	assert_string_equal(d.message_id, "<suotdoi.7.1664929800@suotdoi.example.vn>");
	assert_true(d.max_line <= 78);
	/* the Subject had to be folded into several encoded-words */
	assert_non_null(strstr(buf_cstr(&out), "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(buf_cstr(&out), "?=\r\n =?UTF-8?B?"));
	assert_non_null(strstr(buf_cstr(&out), "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(buf_cstr(&out), "\r\nAuto-Submitted: auto-generated\r\n"));
	free(t);
	free(h);
	md_free(&d);

	/* plain ASCII stays readable; a text-only message is not multipart */
	m = (mail_msg_t){.from = "a@b.vn",
	                 .to = "c@d.vn",
	                 .subject = "Weekly report",
	                 .text = "ok",
	                 .date = T0,
	                 .id = "x1"};
	build_ok(&m, &out, &d);
	assert_non_null(strstr(buf_cstr(&out), "\r\nSubject: Weekly report\r\n"));
	assert_non_null(strstr(buf_cstr(&out), "From: <a@b.vn>\r\n"));
	assert_string_equal(d.content_type, "text/plain; charset=UTF-8");
	assert_string_equal(d.text, "ok");
	assert_null(d.html);
	assert_string_equal(d.from_name, "");
	md_free(&d);
	buf_free(&out);
}

/* Every length of subject and body made of 1- to 4-byte characters decodes back. */
static void
test_build_every_length(void **state)
{
	(void)state;
	static const char *const chars[] = {"a", "ệ", "Đ", "ờ", "😀", " ", "=", "?", "\n", "\t"};
	buf_t out = BUF_INIT;
	unsigned seed = 7;
	for (int len = 0; len < 160; len++) {
		buf_t s = BUF_INIT, body = BUF_INIT, name = BUF_INIT;
		for (int i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			const char *c = chars[(seed >> 16) % (sizeof chars / sizeof *chars)];
			buf_puts(&body, c);
			buf_puts(&s, c[0] == '\n' || c[0] == '\t' ? " " : c);
			if (i < len / 2)
				buf_puts(&name, c[0] == '\n' || c[0] == '\t' ? " " : c);
		}
		mail_msg_t m = {.from = "a@b.vn",
		                .from_name = buf_cstr(&name),
		                .to = "c@d.vn",
		                .subject = buf_cstr(&s),
		                .text = buf_cstr(&body),
		                .html = len ? buf_cstr(&body) : NULL,
		                .date = T0 + len,
		                .id = "n"};
		md_mail_t d;
		build_ok(&m, &out, &d);
		assert_string_equal(d.subject, buf_cstr(&s));
		assert_string_equal(d.from_name, buf_cstr(&name));
		char *t = crlf(buf_cstr(&body));
		assert_string_equal(d.text, t);
		if (len)
			assert_string_equal(d.html, t);
		assert_true(d.max_line <= 78);
		free(t);
		md_free(&d);
		buf_free(&s);
		buf_free(&body);
		buf_free(&name);
	}
	buf_free(&out);
}

static void
test_build_refuses(void **state)
{
	(void)state;
	char err[256];
	buf_t out = BUF_INIT;
	mail_msg_t m = {.from = "a@b.vn", .to = "c@d.vn", .subject = "s", .text = "t", .id = "x"};
	const char *bad_to[] = {
	        "",       "c",       "c@",    "@d.vn",   "c d@e.vn", "c@d.vn>\r\nBcc: e@f.vn",
	        "Đ@d.vn", "c@@d.vn", "c@.vn", "<c@d.vn>"};
	for (size_t k = 0; k < sizeof bad_to / sizeof *bad_to; k++) {
		m.to = bad_to[k];
		assert_int_equal(mail_build(&m, &out, err, sizeof err), -1);
		assert_int_equal(out.len, 0);
	}
	m.to = "c@d.vn";
	m.subject = "\xC3\x28";
	assert_int_equal(mail_build(&m, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "UTF-8"));
	m.subject = "s";
	m.id = "a b";
	assert_int_equal(mail_build(&m, &out, err, sizeof err), -1);
	assert_int_equal(out.len, 0);

	/* a line break in the subject does not make a header of its own */
	m.id = "x";
	m.subject = "Chào\r\nBcc: victim@example.com";
	assert_int_equal(mail_build(&m, &out, err, sizeof err), 0);
	assert_null(strstr(buf_cstr(&out), "\r\nBcc:"));
	md_mail_t d;
	assert_int_equal(md_parse(buf_cstr(&out), &d), 0);
	assert_string_equal(d.subject, "Chào  Bcc: victim@example.com");
	md_free(&d);
	buf_free(&out);
}

static void
test_addr_and_config(void **state)
{
	(void)state;
	assert_true(mail_addr_ok("ubnd.danglam@haiphong.gov.vn"));
	assert_true(mail_addr_ok("a+b@x-y.vn"));
	assert_false(mail_addr_ok(NULL));
	assert_false(mail_addr_ok("a@b.vn."));
	char err[256];
	mail_config_t c = {.url = "smtp://127.0.0.1:25", .from = "a@b.vn"};
	assert_int_equal(mail_config_check(&c, err, sizeof err), 0);
	c.url = "smtps://user:p%40ss@mail.example.vn:465";
	assert_int_equal(mail_config_check(&c, err, sizeof err), 0);
	c.url = "http://mail.example.vn";
	assert_int_equal(mail_config_check(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "smtp://"));
	c.url = "smtp://";
	assert_int_equal(mail_config_check(&c, err, sizeof err), -1);
	c.url = "smtp://u@";
	assert_int_equal(mail_config_check(&c, err, sizeof err), -1);
	c.url = "smtp://h";
	c.from = "not an address";
	assert_int_equal(mail_config_check(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "--mail-from"));
}

static void
test_backoff(void **state)
{
	(void)state;
	assert_int_equal(mail_backoff(1), 60);
	assert_int_equal(mail_backoff(2), 300);
	assert_int_equal(mail_backoff(3), 900);
	assert_int_equal(mail_backoff(4), 3600);
	assert_int_equal(mail_backoff(5), 3 * 3600);
	assert_int_equal(mail_backoff(6), 6 * 3600);
	assert_int_equal(mail_backoff(40), 6 * 3600);
}

/* ---- sending through the sink ---- */

static const char *SUBJ = "Báo cáo của phường Đằng Lâm đã được duyệt";

static void
make_msg(const char *to, buf_t *out)
{
	char err[256];
	mail_msg_t m = {.from = "thongbao@suotdoi.test",
	                .from_name = MAIL_FROM_NAME,
	                .to = to,
	                .subject = SUBJ,
	                .text = "Báo cáo đã được duyệt.\nXem: http://127.0.0.1/r/1",
	                .html = "<p>Báo cáo đã được <b>duyệt</b>.</p>",
	                .date = T0,
	                .id = "t1"};
	buf_reset(out);
	assert_int_equal(mail_build(&m, out, err, sizeof err), 0);
}

static void
send_to(const mail_config_t *c, const char *to, mail_result_t *r)
{
	buf_t b = BUF_INIT;
	make_msg(to, &b);
	mail_send(c, to, b.data, b.len, r);
	buf_free(&b);
}

/* The n-th message of the sink, decoded, with its envelope. */
static void
sink_read(smtp_sink_t *s, int n, md_mail_t *d, char **env)
{
	char *raw = smtp_sink_message(s, n, env);
	assert_non_null(raw);
	assert_int_equal(md_parse(raw, d), 0);
	free(raw);
}

static void
test_send(void **state)
{
	(void)state;
	smtp_sink_t s;
	assert_int_equal(smtp_sink_start(&s, NULL), 0);
	mail_config_t c = {.url = s.url, .from = "thongbao@suotdoi.test"};
	mail_result_t r;
	send_to(&c, "ubnd@danglam.vn", &r);
	assert_true(r.ok);
	assert_int_equal(r.code, 250);
	assert_string_equal(r.detail, "250 2.0.0 Ok: queued as 0001");
	assert_true(smtp_sink_wait(&s, 1, 10000));
	md_mail_t d;
	char *env;
	sink_read(&s, 1, &d, &env);
	assert_string_equal(env, "from: thongbao@suotdoi.test\nrcpt: ubnd@danglam.vn\n");
	assert_string_equal(d.to, "ubnd@danglam.vn");
	assert_string_equal(d.subject, SUBJ);
	assert_string_equal(d.from_name, MAIL_FROM_NAME);
	assert_string_equal(d.text, "Báo cáo đã được duyệt.\r\nXem: http://127.0.0.1/r/1");
	assert_string_equal(d.html, "<p>Báo cáo đã được <b>duyệt</b>.</p>");
	md_free(&d);
	free(env);

	/* STARTTLS is required but this server offers none: not sent, try again later */
	c.require_tls = 1;
	send_to(&c, "ubnd@danglam.vn", &r);
	assert_false(r.ok);
	assert_false(r.permanent);
	assert_true(r.detail[0] != '\0');
	assert_int_equal(smtp_sink_count(&s), 1);

	/* nothing listens any more: temporary, with libcurl's reason */
	smtp_sink_stop(&s);
	c.require_tls = 0;
	send_to(&c, "ubnd@danglam.vn", &r);
	assert_false(r.ok);
	assert_false(r.permanent);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.detail, "onnect"));
}

static void
test_send_auth(void **state)
{
	(void)state;
	smtp_sink_t s;
	smtp_sink_opts_t o = {.user = "suotdoi", .password = "bí mật:@/"};
	assert_int_equal(smtp_sink_start(&s, &o), 0);
	mail_config_t c = {.url = s.url, .from = "thongbao@suotdoi.test"};
	mail_result_t r;
	/* no credentials: the server wants AUTH before MAIL (530): not the recipient's fault */
	send_to(&c, "a@b.vn", &r);
	assert_false(r.ok);
	assert_false(r.permanent);
	assert_int_equal(r.code, 530);
	assert_true(!strncmp(r.detail, "530", 3));
	/* a wrong password */
	c.user = "suotdoi";
	c.password = "sai";
	send_to(&c, "a@b.vn", &r);
	assert_false(r.ok);
	assert_false(r.permanent);
	assert_int_equal(r.code, 535);
	assert_int_equal(smtp_sink_count(&s), 0);
	/* the right one */
	c.password = "bí mật:@/";
	send_to(&c, "a@b.vn", &r);
	assert_true(r.ok);
	/* the same, percent-encoded in the URL */
	char url[128];
	snprintf(url, sizeof url,
	         "smtp://suotdoi:b%%C3%%AD%%20m%%E1%%BA%%ADt%%3A%%40%%2F@127.0.0.1:%d", s.port);
	c = (mail_config_t){.url = url, .from = "thongbao@suotdoi.test"};
	send_to(&c, "a@b.vn", &r);
	assert_true(r.ok);
	assert_true(smtp_sink_wait(&s, 2, 10000));
	for (int n = 1; n <= 2; n++) {
		md_mail_t d;
		char *env;
		sink_read(&s, n, &d, &env);
		assert_non_null(strstr(env, "auth: suotdoi\n"));
		assert_string_equal(d.subject, SUBJ);
		md_free(&d);
		free(env);
	}
	smtp_sink_stop(&s);
}

/* A self-signed certificate for 127.0.0.1 (its own CA). */
static void
make_cert(char *cert, char *key, size_t n)
{
	snprintf(cert, n, "%s/cert.pem", tmpdir);
	snprintf(key, n, "%s/key.pem", tmpdir);
	if (access(cert, R_OK) == 0)
		return;
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s -out %s -days 2 "
	         "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null",
	         key, cert);
	assert_int_equal(system(cmd), 0);
}

static void
test_send_tls(void **state)
{
	(void)state;
	char cert[256], key[256];
	make_cert(cert, key, sizeof cert);
	mail_result_t r;
	md_mail_t d;
	char *env;

	/* smtp:// upgraded by STARTTLS, the server checked against the given CA */
	smtp_sink_t s;
	smtp_sink_opts_t o = {.tls_cert = cert, .tls_key = key};
	assert_int_equal(smtp_sink_start(&s, &o), 0);
	mail_config_t c = {.url = s.url, .from = "thongbao@suotdoi.test", .ca_file = cert};
	send_to(&c, "a@b.vn", &r);
	assert_true(r.ok);
	c.require_tls = 1;
	send_to(&c, "a@b.vn", &r);
	assert_true(r.ok);
	assert_true(smtp_sink_wait(&s, 2, 10000));
	sink_read(&s, 2, &d, &env);
	assert_non_null(strstr(env, "tls: 1\n"));
	assert_string_equal(d.subject, SUBJ);
	md_free(&d);
	free(env);
	/* without the CA the certificate is not trusted: nothing sent, try later */
	c.ca_file = NULL;
	send_to(&c, "a@b.vn", &r);
	assert_false(r.ok);
	assert_false(r.permanent);
	/* unless told not to check (tests only) */
	c.insecure = 1;
	send_to(&c, "a@b.vn", &r);
	assert_true(r.ok);
	assert_int_equal(smtp_sink_count(&s), 3);
	smtp_sink_stop(&s);

	/* smtps://: TLS from the first byte */
	o.implicit_tls = 1;
	assert_int_equal(smtp_sink_start(&s, &o), 0);
	assert_true(!strncmp(s.url, "smtps://", 8));
	c = (mail_config_t){.url = s.url, .from = "thongbao@suotdoi.test", .ca_file = cert};
	send_to(&c, "a@b.vn", &r);
	assert_true(r.ok);
	assert_true(smtp_sink_wait(&s, 1, 10000));
	sink_read(&s, 1, &d, &env);
	assert_non_null(strstr(env, "tls: 1\n"));
	md_free(&d);
	free(env);
	smtp_sink_stop(&s);
}

/* ---- the worker over a real store ---- */

typedef struct world {
	char path[256];
	store_t *st;
	writer_t *w;
	mailer_t *m;
	smtp_sink_t sink;
	int64_t now; /* the injected clock */
} world_t;

static int64_t
world_clock(void *p)
{
	return ((world_t *)p)->now;
}

static void
world_open_store(world_t *w)
{
	char err[512];
	if (store_open(w->path, &w->st, err, sizeof err) < 0)
		fail_msg("store_open: %s", err);
	w->w = writer_start(w->st, 0);
	assert_non_null(w->w);
}

static void
world_open_mailer(world_t *w)
{
	char err[256];
	mail_config_t c = {.url = w->sink.url, .from = "thongbao@suotdoi.test"};
	w->m = mailer_new(w->st, w->w, &c, err, sizeof err);
	assert_non_null(w->m);
	mailer_set_clock(w->m, world_clock, w);
}

static void
world_open(world_t *w, const smtp_sink_opts_t *o)
{
	memset(w, 0, sizeof *w);
	snprintf(w->path, sizeof w->path, "%s/m%d.db", tmpdir, ++dbseq);
	assert_int_equal(smtp_sink_start(&w->sink, o), 0);
	w->now = T0;
	world_open_store(w);
	world_open_mailer(w);
}

/* The server process stopping: the mailer before the writer, then the store. */
static void
world_close_server(world_t *w)
{
	mailer_free(w->m);
	w->m = NULL;
	writer_stop(w->w);
	w->w = NULL;
	store_close(w->st);
	w->st = NULL;
}

static void
world_close(world_t *w)
{
	world_close_server(w);
	smtp_sink_stop(&w->sink);
}

static int64_t
queue(world_t *w, const char *to, const char *subject)
{
	store_mail_t m = {.recipient = to,
	                  .subject = subject,
	                  .text = "Nội dung thư.\nXem: http://127.0.0.1:8080/thong-bao",
	                  .html = "<p>Nội dung thư.</p>",
	                  .created_at = w->now,
	                  .next_at = w->now};
	int64_t id = 0;
	assert_int_equal(store_mail_add(w->st, &m, &id), 0);
	assert_true(id > 0);
	return id;
}

typedef struct mail_row {
	int64_t id;
	char status[16];
	int attempts;
	int64_t next_at, sent_at;
	char last_error[256];
	int found;
} mail_row_t;

static int
find_mail(const store_mail_t *m, void *p)
{
	mail_row_t *r = p;
	if (m->id != r->id)
		return 0;
	r->found = 1;
	snprintf(r->status, sizeof r->status, "%s", m->status);
	r->attempts = m->attempts;
	r->next_at = m->next_at;
	r->sent_at = m->sent_at;
	snprintf(r->last_error, sizeof r->last_error, "%s", m->last_error ? m->last_error : "");
	return 0;
}

static mail_row_t
mail_get(world_t *w, int64_t id)
{
	mail_row_t r = {.id = id};
	assert_int_equal(store_mails_recent(w->st, 1000, find_mail, &r), 0);
	assert_true(r.found);
	return r;
}

typedef struct deliveries {
	int n;
	int64_t at[16];
	int ok[16];
	char detail[16][200];
} deliveries_t;

static int
add_delivery(const store_delivery_t *d, void *p)
{
	deliveries_t *l = p;
	if (l->n < 16) {
		l->at[l->n] = d->at;
		l->ok[l->n] = d->ok;
		snprintf(l->detail[l->n], sizeof l->detail[l->n], "%s", d->detail ? d->detail : "");
		l->n++;
	}
	return 0;
}

static deliveries_t
deliveries_of(world_t *w, int64_t id)
{
	deliveries_t l = {0};
	assert_int_equal(store_mail_deliveries(w->st, id, add_delivery, &l), 0);
	return l;
}

static mailer_round_t
round_at(world_t *w, int64_t at)
{
	w->now = at;
	mailer_round_t r;
	assert_int_equal(mailer_deliver_due(w->m, at, &r), 0);
	assert_int_equal(r.errors, 0);
	return r;
}

static void
test_worker_delivers(void **state)
{
	(void)state;
	world_t w;
	world_open(&w, NULL);
	int64_t a = queue(&w, "ubnd@danglam.vn", "Nhắc nộp báo cáo");
	int64_t b = queue(&w, "hieutruong@thcs.edu.vn", "Báo cáo bị trả lại");
	/* queued for later: not due yet */
	store_mail_t later = {.recipient = "x@y.vn",
	                      .subject = "Sau",
	                      .text = "t",
	                      .created_at = T0,
	                      .next_at = T0 + 600};
	int64_t c;
	assert_int_equal(store_mail_add(w.st, &later, &c), 0);
	mailer_round_t r = round_at(&w, T0);
	assert_int_equal(r.sent, 2);
	assert_int_equal(r.retry + r.failed, 0);
	assert_int_equal(smtp_sink_count(&w.sink), 2);
	md_mail_t d;
	char *env;
	sink_read(&w.sink, 1, &d, &env);
	assert_string_equal(d.to, "ubnd@danglam.vn");
	assert_string_equal(d.subject, "Nhắc nộp báo cáo");
	assert_string_equal(d.text, "Nội dung thư.\r\nXem: http://127.0.0.1:8080/thong-bao");
	assert_string_equal(d.html, "<p>Nội dung thư.</p>");
	assert_string_equal(d.from_name, MAIL_FROM_NAME);
	char mid[128];
	snprintf(mid, sizeof mid, "<suotdoi.%lld.%lld@suotdoi.test>", (long long)a, (long long)T0);
	assert_string_equal(d.message_id, mid);
	assert_string_equal(env, "from: thongbao@suotdoi.test\nrcpt: ubnd@danglam.vn\n");
	md_free(&d);
	free(env);
	sink_read(&w.sink, 2, &d, &env);
	assert_string_equal(d.to, "hieutruong@thcs.edu.vn");
	assert_string_equal(d.subject, "Báo cáo bị trả lại");
	md_free(&d);
	free(env);

	mail_row_t ra = mail_get(&w, a), rb = mail_get(&w, b), rc = mail_get(&w, c);
	assert_string_equal(ra.status, "sent");
	assert_int_equal(ra.sent_at, T0);
	assert_int_equal(ra.attempts, 1);
	assert_string_equal(rb.status, "sent");
	assert_string_equal(rc.status, "pending");
	deliveries_t l = deliveries_of(&w, a);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ok[0], 1);
	assert_int_equal(l.at[0], T0);
	assert_true(!strncmp(l.detail[0], "250 ", 4));

	/* the next round sends nothing again, then the later one when it is due */
	r = round_at(&w, T0 + 599);
	assert_int_equal(r.sent + r.retry + r.failed, 0);
	int64_t next = 0;
	assert_int_equal(store_mail_next_due(w.st, &next), 0);
	assert_int_equal(next, T0 + 600);
	r = round_at(&w, T0 + 600);
	assert_int_equal(r.sent, 1);
	assert_int_equal(smtp_sink_count(&w.sink), 3);
	assert_int_equal(store_mail_next_due(w.st, &next), 0);
	assert_int_equal(next, 0);
	int64_t pending, sent, failed;
	assert_int_equal(store_mail_counts(w.st, &pending, &sent, &failed), 0);
	assert_int_equal(pending, 0);
	assert_int_equal(sent, 3);
	assert_int_equal(failed, 0);
	world_close(&w);
}

static void
test_worker_permanent(void **state)
{
	(void)state;
	world_t w;
	smtp_sink_opts_t o = {.reject = "^khongco@"};
	world_open(&w, &o);
	int64_t bad = queue(&w, "khongco@danglam.vn", "Thư đến địa chỉ không có");
	int64_t good = queue(&w, "co@danglam.vn", "Thư đến địa chỉ có");
	/* an address the message cannot carry: failed at once, no server asked */
	int64_t ugly = queue(&w, "không hợp lệ", "Địa chỉ sai");
	mailer_round_t r = round_at(&w, T0);
	assert_int_equal(r.sent, 1);
	assert_int_equal(r.failed, 2);
	assert_int_equal(r.retry, 0);
	mail_row_t m = mail_get(&w, bad);
	assert_string_equal(m.status, "failed");
	assert_int_equal(m.attempts, 1);
	assert_true(!strncmp(m.last_error, "550 5.1.1 <khongco@danglam.vn>", 30));
	deliveries_t l = deliveries_of(&w, bad);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ok[0], 0);
	assert_string_equal(l.detail[0], m.last_error);
	m = mail_get(&w, ugly);
	assert_string_equal(m.status, "failed");
	assert_non_null(strstr(m.last_error, "không hợp lệ"));
	assert_string_equal(mail_get(&w, good).status, "sent");
	/* given up: never tried again */
	r = round_at(&w, T0 + 7 * 24 * 3600);
	assert_int_equal(r.sent + r.retry + r.failed, 0);
	assert_int_equal(deliveries_of(&w, bad).n, 1);
	assert_int_equal(smtp_sink_count(&w.sink), 1);
	world_close(&w);
}

static void
test_worker_backs_off_then_delivers_once(void **state)
{
	(void)state;
	world_t w;
	world_open(&w, NULL);
	smtp_sink_fail(&w.sink, 1);
	int64_t id = queue(&w, "ubnd@danglam.vn", "Nhắc nộp báo cáo");
	mailer_round_t r = round_at(&w, T0);
	assert_int_equal(r.retry, 1);
	mail_row_t m = mail_get(&w, id);
	assert_string_equal(m.status, "pending");
	assert_int_equal(m.attempts, 1);
	assert_int_equal(m.next_at, T0 + 60);
	assert_string_equal(m.last_error, "451 4.3.0 try later");
	/* not due yet: nothing tried */
	r = round_at(&w, T0 + 59);
	assert_int_equal(r.sent + r.retry + r.failed, 0);
	r = round_at(&w, T0 + 60);
	assert_int_equal(r.retry, 1);
	m = mail_get(&w, id);
	assert_int_equal(m.attempts, 2);
	assert_int_equal(m.next_at, T0 + 60 + 300);
	r = round_at(&w, T0 + 360);
	assert_int_equal(r.retry, 1);
	assert_int_equal(mail_get(&w, id).next_at, T0 + 360 + 900);
	assert_int_equal(smtp_sink_count(&w.sink), 0);

	/* the server is back */
	smtp_sink_fail(&w.sink, 0);
	r = round_at(&w, T0 + 1259);
	assert_int_equal(r.sent, 0);
	r = round_at(&w, T0 + 1260);
	assert_int_equal(r.sent, 1);
	assert_int_equal(smtp_sink_count(&w.sink), 1);
	m = mail_get(&w, id);
	assert_string_equal(m.status, "sent");
	assert_int_equal(m.attempts, 4);
	assert_int_equal(m.sent_at, T0 + 1260);
	assert_string_equal(m.last_error, "");
	deliveries_t l = deliveries_of(&w, id);
	assert_int_equal(l.n, 4);
	int64_t at[] = {T0, T0 + 60, T0 + 360, T0 + 1260};
	for (int k = 0; k < 4; k++) {
		assert_int_equal(l.at[k], at[k]);
		assert_int_equal(l.ok[k], k == 3);
		if (k < 3)
			assert_string_equal(l.detail[k], "451 4.3.0 try later");
	}
	/* exactly once */
	r = round_at(&w, T0 + 100000);
	assert_int_equal(r.sent + r.retry + r.failed, 0);
	assert_int_equal(smtp_sink_count(&w.sink), 1);
	world_close(&w);
}

static void
test_worker_gives_up(void **state)
{
	(void)state;
	world_t w;
	world_open(&w, NULL);
	smtp_sink_fail(&w.sink, 1);
	int64_t id = queue(&w, "ubnd@danglam.vn", "Nhắc nộp báo cáo");
	int64_t t = T0;
	int tries = 0;
	for (;;) {
		mailer_round_t r = round_at(&w, t);
		tries++;
		mail_row_t m = mail_get(&w, id);
		if (r.failed) {
			assert_string_equal(m.status, "failed");
			assert_string_equal(m.last_error, "451 4.3.0 try later");
			assert_true(t - T0 >= MAIL_GIVE_UP);
			break;
		}
		assert_int_equal(r.retry, 1);
		assert_true(t - T0 < MAIL_GIVE_UP);
		assert_int_equal(m.next_at, t + mail_backoff(tries));
		t = m.next_at;
		assert_true(tries < 20);
	}
	/* 60 s, 5, 15 min, 1 h, 3 h, then every 6 h: the 14th try is past 48 h (52 h 21 min) */
	assert_int_equal(tries, 14);
	assert_int_equal(t - T0, 4 * 3600 + 21 * 60 + 8 * 6 * 3600);
	assert_int_equal(deliveries_of(&w, id).n, 14);
	world_close(&w);
}

/* The server stops with a mail pending after failed attempts; started again, it delivers
 * it once. Then the SMTP server itself restarts: refused connections are retried. */
static void
test_worker_restart(void **state)
{
	(void)state;
	world_t w;
	world_open(&w, NULL);
	smtp_sink_fail(&w.sink, 1);
	int64_t id = queue(&w, "ubnd@danglam.vn", "Nhắc nộp báo cáo");
	assert_int_equal(round_at(&w, T0).retry, 1);
	world_close_server(&w);

	smtp_sink_fail(&w.sink, 0);
	world_open_store(&w);
	world_open_mailer(&w);
	mail_row_t m = mail_get(&w, id);
	assert_string_equal(m.status, "pending");
	assert_int_equal(m.attempts, 1);
	mailer_round_t r = round_at(&w, T0 + 3600);
	assert_int_equal(r.sent, 1);
	assert_int_equal(smtp_sink_count(&w.sink), 1);
	world_close_server(&w);
	world_open_store(&w);
	world_open_mailer(&w);
	r = round_at(&w, T0 + 7200);
	assert_int_equal(r.sent + r.retry + r.failed, 0);
	assert_int_equal(smtp_sink_count(&w.sink), 1);
	assert_int_equal(deliveries_of(&w, id).n, 2);

	/* the SMTP server goes away, then comes back on the same port */
	int port = w.sink.port;
	smtp_sink_stop(&w.sink);
	int64_t id2 = queue(&w, "hieutruong@thcs.edu.vn", "Báo cáo đã được duyệt");
	r = round_at(&w, T0 + 7200);
	assert_int_equal(r.retry, 1);
	m = mail_get(&w, id2);
	assert_string_equal(m.status, "pending");
	assert_non_null(strstr(m.last_error, "onnect"));
	smtp_sink_opts_t o = {.port = port};
	assert_int_equal(smtp_sink_start(&w.sink, &o), 0);
	r = round_at(&w, T0 + 7260);
	assert_int_equal(r.sent, 1);
	assert_string_equal(mail_get(&w, id2).status, "sent");
	assert_int_equal(smtp_sink_count(&w.sink), 1);
	md_mail_t d;
	sink_read(&w.sink, 1, &d, NULL);
	assert_string_equal(d.subject, "Báo cáo đã được duyệt");
	md_free(&d);
	world_close(&w);
}

/* The thread: woken after a commit, it delivers what is due without being asked twice,
 * and stops cleanly. */
static void
test_worker_thread(void **state)
{
	(void)state;
	world_t w;
	world_open(&w, NULL);
	assert_int_equal(mailer_start(w.m), 0);
	int64_t id = queue(&w, "ubnd@danglam.vn", "Nhắc nộp báo cáo");
	mailer_wake(w.m);
	assert_true(smtp_sink_wait(&w.sink, 1, 20000));
	/* the attempt is recorded just after the server took the message */
	for (int k = 0; k < 1000 && strcmp(mail_get(&w, id).status, "sent") != 0; k++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	assert_string_equal(mail_get(&w, id).status, "sent");
	mailer_stop(w.m);
	mailer_stop(w.m); /* twice is fine */
	mailer_wake(w.m); /* after stop: nothing */
	mailer_wake(NULL);
	assert_int_equal(smtp_sink_count(&w.sink), 1);
	world_close(&w);
}

/* A server that accepts the connection and never says a word: stopping the worker does
 * not wait for the 300 s timeout, and the interrupted attempt is kept as a temporary
 * failure. */
static void
test_worker_stop_interrupts_a_send(void **state)
{
	(void)state;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	socklen_t sl = sizeof sa;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	char url[64], err[256];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", ntohs(sa.sin_port));

	world_t w;
	world_open(&w, NULL);
	mailer_free(w.m);
	mail_config_t c = {.url = url, .from = "thongbao@suotdoi.test", .timeout = 300};
	w.m = mailer_new(w.st, w.w, &c, err, sizeof err);
	assert_non_null(w.m);
	mailer_set_clock(w.m, world_clock, &w);
	int64_t id = queue(&w, "ubnd@danglam.vn", "Nhắc nộp báo cáo");
	assert_int_equal(mailer_start(w.m), 0);
	mailer_wake(w.m);
	/* the worker connected: it now waits for a greeting that never comes */
	struct pollfd p = {fd, POLLIN, 0};
	assert_int_equal(poll(&p, 1, 20000), 1);
	int conn = accept(fd, NULL, NULL);
	assert_true(conn >= 0);
	mailer_stop(w.m);
	mail_row_t m = mail_get(&w, id);
	assert_string_equal(m.status, "pending");
	assert_int_equal(m.attempts, 1);
	assert_int_equal(m.next_at, T0 + 60);
	assert_true(!strncmp(m.last_error, "interrupted: the server was stopping", 36));
	close(conn);
	close(fd);
	world_close(&w);
}

static int
setup_all(void **state)
{
	(void)state;
	log_set_level(2);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown_all(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_build_roundtrip),
	        cmocka_unit_test(test_build_every_length),
	        cmocka_unit_test(test_build_refuses),
	        cmocka_unit_test(test_addr_and_config),
	        cmocka_unit_test(test_backoff),
	        cmocka_unit_test(test_send),
	        cmocka_unit_test(test_send_auth),
	        cmocka_unit_test(test_send_tls),
	        cmocka_unit_test(test_worker_delivers),
	        cmocka_unit_test(test_worker_permanent),
	        cmocka_unit_test(test_worker_backs_off_then_delivers_once),
	        cmocka_unit_test(test_worker_gives_up),
	        cmocka_unit_test(test_worker_restart),
	        cmocka_unit_test(test_worker_thread),
	        cmocka_unit_test(test_worker_stop_interrupts_a_send),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
