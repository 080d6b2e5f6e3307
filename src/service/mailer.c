/* E-mail delivery (mailer.h): the message builder, one SMTP send with libcurl, and the
 * worker thread that delivers the store's outbox. */
#include "service/mailer.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/writer.h"
#include "text/text.h"

/* ---- addresses and configuration ---- */

int
mail_addr_ok(const char *addr)
{
	if (addr == NULL)
		return 0;
	size_t n = strlen(addr);
	if (n < 3 || n > 254)
		return 0;
	const char *at = strchr(addr, '@');
	if (at == NULL || at == addr || at[1] == '\0' || strchr(at + 1, '@'))
		return 0;
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p <= 0x20 || *p >= 0x7F || strchr("<>()[]\\\",;:", *p))
			return 0;
	const char *dom = at + 1;
	if (dom[0] == '.' || dom[0] == '-' || dom[strlen(dom) - 1] == '.' || strstr(dom, ".."))
		return 0;
	return 1;
}

/* The scheme of url: 1 smtp://, 2 smtps://, 0 neither (or no host). */
static int
url_scheme(const char *url)
{
	int s = 0;
	size_t skip = 0;
	if (url == NULL)
		return 0;
	if (!strncasecmp(url, "smtp://", 7))
		s = 1, skip = 7;
	else if (!strncasecmp(url, "smtps://", 8))
		s = 2, skip = 8;
	if (s == 0)
		return 0;
	const char *host = url + skip;
	const char *at = NULL;
	for (const char *p = host; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == '@')
			at = p;
	if (at)
		host = at + 1;
	if (*host == '\0' || *host == '/' || *host == ':')
		return 0;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p >= 0x7F)
			return 0;
	return s;
}

int
mail_config_check(const mail_config_t *cfg, char *err, size_t errlen)
{
	if (url_scheme(cfg->url) == 0) {
		snprintf(err, errlen,
		         "Địa chỉ máy chủ thư \"%s\" không hợp lệ: cần dạng smtp://máy-chủ:cổng "
		         "hoặc "
		         "smtps://máy-chủ:cổng.",
		         cfg->url ? cfg->url : "");
		return -1;
	}
	if (!mail_addr_ok(cfg->from)) {
		snprintf(err, errlen, "Địa chỉ gửi thư (--mail-from) \"%s\" không hợp lệ.",
		         cfg->from ? cfg->from : "");
		return -1;
	}
	if (cfg->from_name && !text_utf8_valid(cfg->from_name, strlen(cfg->from_name))) {
		snprintf(err, errlen, "Tên người gửi thư không phải UTF-8 hợp lệ.");
		return -1;
	}
	return 0;
}

/* ---- building a message ---- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
b64_put(buf_t *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = {B64[(v >> 18) & 63], B64[(v >> 12) & 63],
		             i + 1 < n ? B64[(v >> 6) & 63] : '=', i + 2 < n ? B64[v & 63] : '='};
		buf_append(out, q, 4);
	}
}

/* s with control characters as spaces (a header never breaks where the text says). */
static char *
header_text(const char *s)
{
	char *c = xstrdup(s ? s : "");
	for (unsigned char *p = (unsigned char *)c; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			*p = ' ';
	return c;
}

/* Length of the longest prefix of s[0..n) of at most max bytes that does not cut a UTF-8
 * sequence (s is valid UTF-8); at least one whole character. */
static size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	if (k == 0) { /* max is smaller than one character: take the character */
		k = 1;
		while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
			k++;
	}
	return k;
}

/* Appends s (not empty) as RFC 2047 encoded-words (UTF-8, B), each on its own line after
 * the first, so that no line passes 78 octets; *col is the current line's length. */
static void
put_encoded_words(buf_t *out, const char *s, size_t *col)
{
	size_t n = strlen(s);
	int first = 1;
	while (n > 0) {
		if (!first) {
			buf_puts(out, "\r\n ");
			*col = 1;
		}
		/* an encoded-word is at most 75 octets: 12 of frame, 60 of base64 (45 bytes) */
		size_t room = *col + 12 < 78 ? (78 - *col - 12) / 4 * 3 : 0;
		if (room < 6) { /* what came before left no room: start on the next line */
			buf_puts(out, "\r\n ");
			*col = 1;
			room = 45;
		}
		if (room > 45)
			room = 45;
		size_t k = utf8_cut(s, n, room);
		size_t before = out->len;
		buf_puts(out, "=?UTF-8?B?");
		b64_put(out, (const unsigned char *)s, k);
		buf_puts(out, "?=");
		*col += out->len - before;
		s += k;
		n -= k;
		first = 0;
	}
}

/* 1 when s can stand as itself in a header: printable ASCII, no "=?", short. */
static int
header_plain(const char *s, size_t max, int phrase)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
		if (*p < 0x20 || *p >= 0x7F)
			return 0;
		if (phrase && !(*p == ' ' || (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		                (*p >= 'a' && *p <= 'z')))
			return 0;
	}
	return n <= max && strstr(s, "=?") == NULL && s[0] != ' ' && (n == 0 || s[n - 1] != ' ');
}

/* "Name: " + display name (when any) + "<addr>", folded. */
static void
put_address(buf_t *out, const char *header, const char *name, const char *addr)
{
	size_t col = strlen(header) + 2;
	buf_printf(out, "%s: ", header);
	char *nm = header_text(name);
	if (*nm) {
		if (header_plain(nm, 60, 1)) {
			buf_puts(out, nm);
			col += strlen(nm);
		} else
			put_encoded_words(out, nm, &col);
		if (col + 3 + strlen(addr) > 78)
			buf_puts(out, "\r\n");
		buf_puts(out, " ");
	}
	buf_printf(out, "<%s>\r\n", addr);
	free(nm);
}

/* The body with every line end (CRLF, LF, lone CR) as CRLF, in base64 lines of 76. */
static void
put_body(buf_t *out, const char *s)
{
	buf_t crlf = BUF_INIT;
	for (const char *p = s; *p; p++) {
		if (*p == '\r') {
			buf_puts(&crlf, "\r\n");
			if (p[1] == '\n')
				p++;
		} else if (*p == '\n')
			buf_puts(&crlf, "\r\n");
		else
			buf_putc(&crlf, *p);
	}
	const unsigned char *d = (const unsigned char *)(crlf.data ? crlf.data : "");
	for (size_t i = 0; i < crlf.len; i += 57) {
		b64_put(out, d + i, crlf.len - i < 57 ? crlf.len - i : 57);
		buf_puts(out, "\r\n");
	}
	buf_free(&crlf);
}

static int
id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > 64)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= 'a' && *p <= 'z') || *p == '.' || *p == '-' || *p == '_'))
			return 0;
	return 1;
}

int
mail_build(const mail_msg_t *m, buf_t *out, char *err, size_t errlen)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	if (!mail_addr_ok(m->from) || !mail_addr_ok(m->to)) {
		snprintf(err, errlen, "Địa chỉ thư không hợp lệ: \"%s\".",
		         mail_addr_ok(m->from) ? (m->to ? m->to : "") : (m->from ? m->from : ""));
		return -1;
	}
	if (!id_ok(m->id)) {
		snprintf(err, errlen, "Mã thư (Message-ID) không hợp lệ.");
		return -1;
	}
	const char *texts[] = {m->subject, m->text, m->html, m->from_name, m->to_name};
	for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
		if (texts[k] && !text_utf8_valid(texts[k], strlen(texts[k]))) {
			snprintf(err, errlen, "Nội dung thư không phải UTF-8 hợp lệ.");
			return -1;
		}
	put_address(out, "From", m->from_name, m->from);
	put_address(out, "To", m->to_name, m->to);

	char *subject = header_text(m->subject);
	if (header_plain(subject, 60, 0))
		buf_printf(out, "Subject: %s\r\n", subject);
	else {
		size_t col = strlen("Subject: ");
		buf_puts(out, "Subject: ");
		put_encoded_words(out, subject, &col);
		buf_puts(out, "\r\n");
	}
	free(subject);

	time_t t = (time_t)(m->date + 7 * 3600);
	struct tm tm;
	gmtime_r(&t, &tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0700\r\n", days[tm.tm_wday],
	           tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	           tm.tm_sec);
	buf_printf(out, "Message-ID: <%s@%s>\r\n", m->id, strchr(m->from, '@') + 1);
	buf_puts(out, "MIME-Version: 1.0\r\n"
	              "Auto-Submitted: auto-generated\r\n");
	if (m->html == NULL || m->html[0] == '\0') {
		buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n"
		              "Content-Transfer-Encoding: base64\r\n\r\n");
		put_body(out, m->text ? m->text : "");
		return 0;
	}
	/* '_' is not a base64 character: the boundary cannot occur in the parts */
	buf_printf(out,
	           "Content-Type: multipart/alternative;\r\n boundary=\"=_sd_%s\"\r\n\r\n"
	           "This is a multi-part message in MIME format.\r\n",
	           m->id);
	buf_printf(out,
	           "--=_sd_%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	           "Content-Transfer-Encoding: base64\r\n\r\n",
	           m->id);
	put_body(out, m->text ? m->text : "");
	buf_printf(out,
	           "--=_sd_%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
	           "Content-Transfer-Encoding: base64\r\n\r\n",
	           m->id);
	put_body(out, m->html);
	buf_printf(out, "--=_sd_%s--\r\n", m->id);
	return 0;
}

/* ---- sending one ---- */

enum { PH_NONE, PH_GREET, PH_MAIL, PH_RCPT, PH_DATA, PH_QUIT };

typedef struct send_ctx {
	const char *msg;
	size_t len, pos;
	int phase;
	char reply[400]; /* the last reply line outside QUIT */
	int reply_phase; /* the phase it answered */
} send_ctx_t;

static size_t
send_read(char *ptr, size_t size, size_t nmemb, void *p)
{
	send_ctx_t *c = p;
	size_t n = size * nmemb;
	if (n > c->len - c->pos)
		n = c->len - c->pos;
	memcpy(ptr, c->msg + c->pos, n);
	c->pos += n;
	return n;
}

static int
send_debug(CURL *h, curl_infotype type, char *data, size_t size, void *p)
{
	(void)h;
	send_ctx_t *c = p;
	if (type == CURLINFO_HEADER_OUT) {
		/* only the command's name: AUTH lines carry credentials */
		if (size >= 4 && !strncasecmp(data, "MAIL", 4))
			c->phase = PH_MAIL;
		else if (size >= 4 && !strncasecmp(data, "RCPT", 4))
			c->phase = PH_RCPT;
		else if (size >= 4 && !strncasecmp(data, "DATA", 4))
			c->phase = PH_DATA;
		else if (size >= 4 && !strncasecmp(data, "QUIT", 4))
			c->phase = PH_QUIT;
		else
			c->phase = PH_GREET;
	} else if (type == CURLINFO_HEADER_IN && c->phase != PH_QUIT) {
		/* the last line of what came */
		while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
			size--;
		size_t start = size;
		while (start > 0 && data[start - 1] != '\n')
			start--;
		size_t n = size - start;
		if (n >= sizeof c->reply)
			n = sizeof c->reply - 1;
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)data[start + i];
			c->reply[i] = ch < 0x20 || ch == 0x7F ? ' ' : (char)ch;
		}
		c->reply[n] = '\0';
		c->reply_phase = c->phase;
	}
	return 0;
}

/* libcurl's progress hook (at least once a second, also while connecting): non-zero
 * aborts the transfer. */
typedef struct send_cancel {
	int (*cancel)(void *ctx);
	void *ctx;
} send_cancel_t;

static int
send_progress(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	send_cancel_t *c = p;
	return c->cancel(c->ctx);
}

/* mail_send, given up (a temporary failure) as soon as cancel(ctx) answers non-zero. */
static void
send_cancellable(const mail_config_t *cfg, const char *rcpt, const char *msg, size_t len,
                 int (*cancel)(void *ctx), void *ctx, mail_result_t *res)
{
	memset(res, 0, sizeof *res);
	CURL *h = curl_easy_init();
	if (h == NULL) {
		snprintf(res->detail, sizeof res->detail, "curl_easy_init failed");
		return;
	}
	send_ctx_t c = {.msg = msg, .len = len};
	char errbuf[CURL_ERROR_SIZE] = "";
	char from[300], to[300];
	snprintf(from, sizeof from, "<%s>", cfg->from);
	snprintf(to, sizeof to, "<%s>", rcpt);
	struct curl_slist *rcpts = curl_slist_append(NULL, to);
	int smtps = url_scheme(cfg->url) == 2;
	curl_easy_setopt(h, CURLOPT_URL, cfg->url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, send_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &c);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_USE_SSL,
	                 smtps || cfg->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (cfg->user && *cfg->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, cfg->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
	}
	if (cfg->ca_file && *cfg->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, cfg->ca_file);
	if (cfg->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	                 cfg->connect_timeout > 0 ? cfg->connect_timeout : 20L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, cfg->timeout > 0 ? cfg->timeout : 120L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* for the debug hook: the server's replies */
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, send_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &c);
	send_cancel_t sc = {cancel, ctx};
	if (cancel) {
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, send_progress);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, &sc);
	}
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	res->code = (int)code;
	int reply_code = atoi(c.reply);
	if (rc == CURLE_OK) {
		res->ok = 1;
		snprintf(res->detail, sizeof res->detail, "%s", c.reply);
	} else {
		res->permanent = reply_code >= 500 && reply_code < 600 &&
		                 (c.reply_phase == PH_RCPT || c.reply_phase == PH_DATA);
		if (rc == CURLE_ABORTED_BY_CALLBACK)
			snprintf(res->detail, sizeof res->detail,
			         "interrupted: the server was stopping (after \"%s\")", c.reply);
		else if (reply_code >= 400 && reply_code < 600)
			snprintf(res->detail, sizeof res->detail, "%s", c.reply);
		else
			snprintf(res->detail, sizeof res->detail, "%s",
			         errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(h);
}

void
mail_send(const mail_config_t *cfg, const char *rcpt, const char *msg, size_t len,
          mail_result_t *res)
{
	send_cancellable(cfg, rcpt, msg, len, NULL, NULL, res);
}

/* ---- the worker ---- */

int64_t
mail_backoff(int attempts)
{
	static const int64_t waits[] = {60, 5 * 60, 15 * 60, 3600, 3 * 3600};
	if (attempts < 1)
		attempts = 1;
	if ((size_t)attempts <= sizeof waits / sizeof *waits)
		return waits[attempts - 1];
	return 6 * 3600;
}

struct mailer {
	store_t *st;
	writer_t *w;
	mail_config_t cfg; /* its strings are the copies below */
	char *url, *from, *from_name, *user, *password, *ca_file;
	int64_t (*now)(void *ctx);
	void *now_ctx;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* on CLOCK_MONOTONIC */
	int woken, stopping, running;
	pthread_t thread;
	int curl_inited;
};

static int64_t
wall_clock(void *ctx)
{
	(void)ctx;
	return (int64_t)time(NULL);
}

static char *
dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

mailer_t *
mailer_new(store_t *st, struct writer *w, const mail_config_t *cfg, char *err, size_t errlen)
{
	if (mail_config_check(cfg, err, errlen) < 0)
		return NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "Không khởi động được thư viện gửi thư (libcurl).");
		return NULL;
	}
	mailer_t *m = xcalloc(1, sizeof *m);
	m->curl_inited = 1;
	m->st = st;
	m->w = w;
	m->cfg = *cfg;
	m->cfg.url = m->url = xstrdup(cfg->url);
	m->cfg.from = m->from = xstrdup(cfg->from);
	m->cfg.from_name = m->from_name = xstrdup(cfg->from_name ? cfg->from_name : MAIL_FROM_NAME);
	m->cfg.user = m->user = dup_or_null(cfg->user);
	m->cfg.password = m->password = dup_or_null(cfg->password);
	m->cfg.ca_file = m->ca_file = dup_or_null(cfg->ca_file);
	m->now = wall_clock;
	pthread_mutex_init(&m->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->cv, &ca);
	pthread_condattr_destroy(&ca);
	return m;
}

void
mailer_set_clock(mailer_t *m, int64_t (*now)(void *ctx), void *ctx)
{
	m->now = now ? now : wall_clock;
	m->now_ctx = ctx;
}

static int
mailer_stopping(void *p)
{
	mailer_t *m = p;
	pthread_mutex_lock(&m->mu);
	int s = m->stopping;
	pthread_mutex_unlock(&m->mu);
	return s;
}

/* A due mail copied out of the store's callback (the network is not touched inside it). */
typedef struct due_mail {
	int64_t id, created_at;
	int attempts;
	char *recipient, *subject, *text, *html;
} due_mail_t;

typedef struct due_list {
	arena_t *a;
	due_mail_t *v;
	int n, cap;
} due_list_t;

static int
due_row(const store_mail_t *r, void *p)
{
	due_list_t *l = p;
	if (l->n == l->cap)
		return 0;
	due_mail_t *d = &l->v[l->n++];
	d->id = r->id;
	d->created_at = r->created_at;
	d->attempts = r->attempts;
	d->recipient = arena_strdup(l->a, r->recipient ? r->recipient : "");
	d->subject = arena_strdup(l->a, r->subject ? r->subject : "");
	d->text = arena_strdup(l->a, r->text ? r->text : "");
	d->html = arena_strdup(l->a, r->html ? r->html : "");
	return 0;
}

typedef struct attempt {
	store_t *st;
	int64_t id, at, next_at;
	int ok, give_up;
	const char *detail;
} attempt_t;

static int
attempt_run(void *p)
{
	attempt_t *a = p;
	return store_mail_attempt(a->st, a->id, a->at, a->ok, a->detail, a->next_at, a->give_up);
}

/* Sends d and records the attempt: 0, or -1 when the record failed. */
static int
deliver_one(mailer_t *m, const due_mail_t *d, int64_t now, mailer_round_t *r)
{
	char err[256];
	char id[64];
	snprintf(id, sizeof id, "suotdoi.%lld.%lld", (long long)d->id, (long long)d->created_at);
	mail_msg_t msg = {.from = m->cfg.from,
	                  .from_name = m->cfg.from_name,
	                  .to = d->recipient,
	                  .subject = d->subject,
	                  .text = d->text,
	                  .html = d->html,
	                  .date = d->created_at > 0 ? d->created_at : now,
	                  .id = id};
	buf_t b = BUF_INIT;
	mail_result_t res;
	if (mail_build(&msg, &b, err, sizeof err) < 0) {
		memset(&res, 0, sizeof res);
		res.permanent = 1;
		snprintf(res.detail, sizeof res.detail, "%s", err);
	} else
		send_cancellable(&m->cfg, d->recipient, b.data, b.len, mailer_stopping, m, &res);
	buf_free(&b);
	attempt_t a = {.st = m->st, .id = d->id, .at = now, .ok = res.ok, .detail = res.detail};
	if (!res.ok) {
		a.give_up = res.permanent || now - d->created_at >= MAIL_GIVE_UP;
		a.next_at = a.give_up ? 0 : now + mail_backoff(d->attempts + 1);
	}
	int rc = m->w ? writer_run(m->w, attempt_run, &a) : attempt_run(&a);
	if (rc != 0) {
		log_error("mail %lld to %s: the attempt could not be recorded", (long long)d->id,
		          d->recipient);
		r->errors++;
		return -1;
	}
	if (res.ok) {
		r->sent++;
		log_info("mail %lld to %s: sent (%s)", (long long)d->id, d->recipient, res.detail);
	} else if (a.give_up) {
		r->failed++;
		log_warn("mail %lld to %s: failed, given up after %d attempts: %s",
		         (long long)d->id, d->recipient, d->attempts + 1, res.detail);
	} else {
		r->retry++;
		log_warn("mail %lld to %s: attempt %d failed, next in %lld s: %s", (long long)d->id,
		         d->recipient, d->attempts + 1, (long long)(a.next_at - now), res.detail);
	}
	return 0;
}

#define MAIL_BATCH 32

int
mailer_deliver_due(mailer_t *m, int64_t now, mailer_round_t *out)
{
	mailer_round_t r = {0};
	int rc = 0;
	for (;;) {
		arena_t a = ARENA_INIT;
		due_mail_t v[MAIL_BATCH];
		due_list_t l = {&a, v, 0, MAIL_BATCH};
		if (store_mails_due(m->st, now, MAIL_BATCH, due_row, &l) < 0) {
			log_error("mail: the outbox could not be read");
			arena_free(&a);
			rc = -1;
			break;
		}
		int stop = l.n < MAIL_BATCH; /* nothing more is due */
		for (int i = 0; i < l.n; i++)
			if (deliver_one(m, &v[i], now, &r) < 0 || mailer_stopping(m)) {
				stop = 1;
				break;
			}
		arena_free(&a);
		if (stop)
			break;
	}
	if (out)
		*out = r;
	return rc;
}

static void *
mailer_loop(void *p)
{
	mailer_t *m = p;
	pthread_mutex_lock(&m->mu);
	while (!m->stopping) {
		m->woken = 0;
		pthread_mutex_unlock(&m->mu);
		mailer_round_t r = {0};
		/* one instance delivers the outbox at a time (store_leader); the others look
		 * again at every poll, and one takes over when the leader stops */
		int lead = store_leader(m->st);
		int rc = lead ? mailer_deliver_due(m, m->now(m->now_ctx), &r) : 0;
		int64_t next = 0;
		if (lead && rc == 0 && r.errors == 0 && store_mail_next_due(m->st, &next) < 0)
			next = 0;
		int64_t wait = MAIL_POLL_SECONDS;
		if (rc == 0 && r.errors == 0 && next > 0) {
			int64_t d = next - m->now(m->now_ctx);
			if (d < wait)
				wait = d < 1 ? 1 : d;
		}
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += (time_t)wait;
		pthread_mutex_lock(&m->mu);
		while (!m->stopping && !m->woken)
			if (pthread_cond_timedwait(&m->cv, &m->mu, &until) != 0)
				break;
	}
	pthread_mutex_unlock(&m->mu);
	return NULL;
}

int
mailer_start(mailer_t *m)
{
	/* as the app's threads: SIGINT and SIGTERM stay for the thread that stops the server */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	int rc = pthread_create(&m->thread, NULL, mailer_loop, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	pthread_mutex_lock(&m->mu);
	m->running = 1;
	pthread_mutex_unlock(&m->mu);
	/* the URL without its user and password */
	const char *u = m->cfg.url, *sep = strstr(u, "://"), *at = NULL;
	for (const char *q = sep ? sep + 3 : u; *q && *q != '/'; q++)
		if (*q == '@')
			at = q;
	log_info("mail: delivering through %.*s%s as %s",
	         (int)(sep && at ? (size_t)(sep + 3 - u) : strlen(u)), u, sep && at ? at + 1 : "",
	         m->cfg.from);
	return 0;
}

void
mailer_wake(mailer_t *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->mu);
	m->woken = 1;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
}

void
mailer_wake_arg(void *m)
{
	mailer_wake(m);
}

void
mailer_stop(mailer_t *m)
{
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->mu);
	int running = m->running;
	m->stopping = 1;
	m->running = 0;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
	if (running)
		pthread_join(m->thread, NULL);
	/* stopped: mailer_deliver_due on the caller's thread works again, as would a new start */
	pthread_mutex_lock(&m->mu);
	m->stopping = 0;
	m->woken = 0;
	pthread_mutex_unlock(&m->mu);
}

void
mailer_free(mailer_t *m)
{
	if (m == NULL)
		return;
	mailer_stop(m);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	free(m->url);
	free(m->from);
	free(m->from_name);
	free(m->user);
	if (m->password) {
		memset(m->password, 0, strlen(m->password));
		free(m->password);
	}
	free(m->ca_file);
	if (m->curl_inited)
		curl_global_cleanup();
	free(m);
}
