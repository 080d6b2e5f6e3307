/* A strict reader of the messages mail_build writes (tests and fuzz/fuzz_mail_build.c):
 * checks the wire form (CRLF only, no line over 998 octets, a blank line after the
 * header), unfolds headers, decodes RFC 2047 B words, splits multipart/alternative and
 * decodes the base64 parts. Header-only: static functions. */
#ifndef SUOTDOI_TEST_MAIL_DECODE_H
#define SUOTDOI_TEST_MAIL_DECODE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

typedef struct md_mail {
	char *from_name, *from, *to_name, *to, *subject, *date, *message_id, *content_type;
	char *text, *html; /* decoded parts (NULL: none) */
	size_t max_line;   /* the longest line, without its CRLF */
} md_mail_t;

static int
md_b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* base64 of s[0..n) (CR and LF skipped) appended to out; -1 when malformed. */
static int
md_b64(const char *s, size_t n, buf_t *out)
{
	unsigned v = 0;
	int bits = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		int d = md_b64_val((unsigned char)c);
		if (d < 0 || pad)
			return -1;
		v = (v << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)((v >> bits) & 0xFF));
		}
	}
	return pad > 2 ? -1 : 0;
}

/* An unfolded header value with its encoded-words decoded (whitespace between two words
 * dropped). NULL when a word is malformed. */
static char *
md_decode_words(const char *s)
{
	buf_t out = BUF_INIT, ws = BUF_INIT;
	int last_word = 0;
	while (*s) {
		if (!strncmp(s, "=?UTF-8?B?", 10)) {
			const char *end = strstr(s + 10, "?=");
			if (end == NULL || (size_t)(end - s) + 2 > 75) {
				buf_free(&out);
				buf_free(&ws);
				return NULL;
			}
			if (!last_word)
				buf_append(&out, ws.data ? ws.data : "", ws.len);
			buf_reset(&ws);
			if (md_b64(s + 10, (size_t)(end - s - 10), &out) < 0) {
				buf_free(&out);
				buf_free(&ws);
				return NULL;
			}
			s = end + 2;
			last_word = 1;
		} else if (*s == ' ' || *s == '\t') {
			buf_putc(&ws, *s++);
		} else {
			buf_append(&out, ws.data ? ws.data : "", ws.len);
			buf_reset(&ws);
			buf_putc(&out, *s++);
			last_word = 0;
		}
	}
	buf_append(&out, ws.data ? ws.data : "", ws.len);
	buf_free(&ws);
	return buf_steal(&out, NULL);
}

/* The unfolded value of header name in the header block h[0..n) (NULL: none). */
static char *
md_header(const char *h, size_t n, const char *name)
{
	size_t nl = strlen(name);
	const char *p = h, *end = h + n;
	while (p < end) {
		const char *eol = strstr(p, "\r\n");
		if (eol == NULL || eol > end)
			return NULL;
		if ((size_t)(eol - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			buf_t v = BUF_INIT;
			const char *q = p + nl + 1;
			if (*q == ' ')
				q++;
			buf_append(&v, q, (size_t)(eol - q));
			while (eol + 2 < end && (eol[2] == ' ' || eol[2] == '\t')) {
				const char *next = strstr(eol + 2, "\r\n");
				if (next == NULL)
					break;
				buf_append(&v, eol + 2, (size_t)(next - eol - 2));
				eol = next;
			}
			return buf_steal(&v, NULL);
		}
		p = eol + 2;
	}
	return NULL;
}

/* "Name <addr>" or "<addr>" into *name (decoded, "" when none) and *addr. */
static int
md_address(const char *v, char **name, char **addr)
{
	if (v == NULL)
		return -1;
	const char *lt = strrchr(v, '<'), *gt = strrchr(v, '>');
	if (lt == NULL || gt == NULL || gt < lt || gt[1] != '\0')
		return -1;
	*addr = strndup(lt + 1, (size_t)(gt - lt - 1));
	size_t k = (size_t)(lt - v);
	while (k > 0 && (v[k - 1] == ' ' || v[k - 1] == '\t'))
		k--;
	char *raw = strndup(v, k);
	*name = md_decode_words(raw);
	free(raw);
	return *name ? 0 : -1;
}

static void
md_free(md_mail_t *m)
{
	free(m->from_name);
	free(m->from);
	free(m->to_name);
	free(m->to);
	free(m->subject);
	free(m->date);
	free(m->message_id);
	free(m->content_type);
	free(m->text);
	free(m->html);
	memset(m, 0, sizeof *m);
}

/* One part (its header block and body) into m. */
static int
md_part(md_mail_t *m, const char *h, size_t hn, const char *body, size_t bn)
{
	char *ct = md_header(h, hn, "Content-Type");
	char *te = md_header(h, hn, "Content-Transfer-Encoding");
	int rc = -1;
	if (ct && te && !strcmp(te, "base64")) {
		buf_t out = BUF_INIT;
		if (md_b64(body, bn, &out) == 0) {
			char **slot = !strcmp(ct, "text/plain; charset=UTF-8")  ? &m->text
			              : !strcmp(ct, "text/html; charset=UTF-8") ? &m->html
			                                                        : NULL;
			if (slot && *slot == NULL) {
				*slot = buf_steal(&out, NULL);
				rc = 0;
			}
		}
		buf_free(&out);
	}
	free(ct);
	free(te);
	return rc;
}

/* 0 with m filled, -1 when msg is not what mail_build writes. */
static int
md_parse(const char *msg, md_mail_t *m)
{
	memset(m, 0, sizeof *m);
	/* the wire form */
	for (const char *p = msg; *p;) {
		const char *eol = strstr(p, "\r\n");
		if (eol == NULL)
			return -1;
		for (const char *q = p; q < eol; q++)
			if (*q == '\r' || *q == '\n')
				return -1;
		if ((size_t)(eol - p) > m->max_line)
			m->max_line = (size_t)(eol - p);
		p = eol + 2;
	}
	if (m->max_line > 998)
		return -1;
	const char *sep = strstr(msg, "\r\n\r\n");
	if (sep == NULL)
		return -1;
	size_t hn = (size_t)(sep - msg) + 2;
	const char *body = sep + 4;
	char *from = md_header(msg, hn, "From"), *to = md_header(msg, hn, "To");
	char *subject = md_header(msg, hn, "Subject");
	int rc = -1;
	if (from == NULL || to == NULL || subject == NULL ||
	    md_address(from, &m->from_name, &m->from) < 0 ||
	    md_address(to, &m->to_name, &m->to) < 0 ||
	    (m->subject = md_decode_words(subject)) == NULL)
		goto out;
	m->date = md_header(msg, hn, "Date");
	m->message_id = md_header(msg, hn, "Message-ID");
	m->content_type = md_header(msg, hn, "Content-Type");
	if (m->date == NULL || m->message_id == NULL || m->content_type == NULL)
		goto out;
	if (strncmp(m->content_type, "multipart/alternative;", 22) != 0) {
		rc = md_part(m, msg, hn, body, strlen(body));
		goto out;
	}
	const char *b = strstr(m->content_type, "boundary=\"");
	if (b == NULL)
		goto out;
	b += 10;
	const char *bq = strchr(b, '"');
	if (bq == NULL)
		goto out;
	char delim[200];
	snprintf(delim, sizeof delim, "\r\n--%.*s", (int)(bq - b), b);
	size_t dl = strlen(delim);
	/* the preamble, then parts each after a delimiter line, the last one closed by "--" */
	const char *p = strstr(body - 2, delim);
	int parts = 0;
	while (p) {
		p += dl;
		if (!strcmp(p, "--\r\n")) {
			rc = parts == 2 ? 0 : -1;
			goto out;
		}
		if (strncmp(p, "\r\n", 2) != 0)
			goto out;
		p += 2;
		const char *next = strstr(p, delim);
		const char *ps = strstr(p, "\r\n\r\n");
		if (next == NULL || ps == NULL || ps > next)
			goto out;
		if (md_part(m, p, (size_t)(ps - p) + 2, ps + 4, (size_t)(next - ps - 4) + 2) < 0)
			goto out;
		parts++;
		p = next;
	}
out:
	free(from);
	free(to);
	free(subject);
	if (rc < 0)
		md_free(m);
	return rc;
}

#endif
