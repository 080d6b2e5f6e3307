/* libFuzzer driver for mail_build (src/service/mailer.c) over arbitrary subject, display
 * name and bodies: the input split at '|' into subject, text, html, from_name. Invariants:
 * valid UTF-8 always builds; the message is CRLF-only with no line over 78 octets; reading
 * it back (tests/unit/mail_decode.h) gives the subject and name with control characters
 * as spaces, and the bodies with their line ends as CRLF, byte for byte. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/unit/mail_decode.h"
#include "core/buf.h"
#include "service/mailer.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static char *
spaced(const char *s)
{
	char *c = strdup(s);
	for (unsigned char *p = (unsigned char *)c; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			*p = ' ';
	return c;
}

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 20000 || memchr(data, 0, size) || !text_utf8_valid((const char *)data, size))
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	const char *f[4] = {s, "", "", ""};
	int n = 1;
	for (char *q = s; *q && n < 4; q++)
		if (*q == '|') {
			*q = '\0';
			f[n++] = q + 1;
		}
	mail_msg_t m = {.from = "thongbao@suotdoi.example.vn",
	                .from_name = f[3],
	                .to = "ubnd@danglam.vn",
	                .subject = f[0],
	                .text = f[1],
	                .html = f[2],
	                .date = (int64_t)size * 86399,
	                .id = "suotdoi.1.2"};
	buf_t out = BUF_INIT;
	char err[256];
	CHECK(mail_build(&m, &out, err, sizeof err) == 0);
	md_mail_t d;
	CHECK(md_parse(buf_cstr(&out), &d) == 0);
	CHECK(d.max_line <= 78);
	char *subject = spaced(f[0]), *name = spaced(f[3]), *text = crlf(f[1]), *html = crlf(f[2]);
	CHECK(!strcmp(d.subject, subject));
	CHECK(!strcmp(d.from_name, name));
	CHECK(!strcmp(d.from, m.from) && !strcmp(d.to, m.to));
	CHECK(!strcmp(d.text, text));
	CHECK(f[2][0] ? d.html && !strcmp(d.html, html) : d.html == NULL);
	free(subject);
	free(name);
	free(text);
	free(html);
	md_free(&d);
	buf_free(&out);
	free(s);
	return 0;
}
