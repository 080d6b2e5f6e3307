/* libFuzzer driver for http_multipart_parse. The first byte picks the Content-Type: below
 * 0x80 one of a few fixed ones; from 0x80 to 0xBF boundary "b" with one of a few canned
 * starts of a body before the input (so the fuzzer reaches the header and data parsers without
 * having to guess "Content-Disposition"); from 0xC0 its low 5 bits give the length (0-80) of a
 * boundary forged from the next bytes, put in the header quoted when bit 0x20 is set, bare
 * otherwise. The body is copied to an exact-size buffer so ASan sees any read past it.
 * Checks the invariants the server relies on (every part inside the body and in order, names
 * present and UTF-8, text parts UTF-8, a UTF-8 reason on failure), not just crashes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

static const char *const canned[] = {
        "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n",
        ("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.jpg\"\r\n"
         "Content-Type: image/jpeg\r\n\r\n"),
        "--b\r\nContent-Disposition: form-data; ",
        "--b\r\n",
};

static const char *const fixed[] = {
        "multipart/form-data; boundary=b",
        "multipart/form-data; boundary=XyZ",
        "multipart/form-data; boundary=\"a b\"",
        "Multipart/Form-Data; charset=utf-8; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
        "multipart/form-data; boundary=--",
        "multipart/form-data",
        "text/plain; boundary=b",
};

/* Strict UTF-8, written independently of the library's validator. */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], cp, k;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c < 0xC0 || c > 0xF4)
			return 0;
		k = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
		cp = c & (0x3F >> k);
		if (i + k >= n)
			return 0;
		for (unsigned j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
		if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
			return 0;
		i += k + 1;
	}
	return 1;
}

static int
str_ok(const char *s)
{
	return utf8_ok((const unsigned char *)s, strlen(s));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint8_t sel = data[0];
	data++;
	size--;
	char ctype[256];
	const char *prefix = "";
	if (sel < 0x80) {
		snprintf(ctype, sizeof ctype, "%s", fixed[sel % (sizeof fixed / sizeof fixed[0])]);
	} else if (sel < 0xC0) {
		snprintf(ctype, sizeof ctype, "%s", fixed[0]);
		prefix = canned[sel % (sizeof canned / sizeof canned[0])];
	} else {
		/* Forged: up to 80 bytes (past the RFC's 70) of anything but NUL. */
		size_t blen = (size_t)(sel & 0x1F) * 80 / 31;
		if (blen > size)
			blen = size;
		char b[81];
		memcpy(b, data, blen);
		b[blen] = '\0';
		data += blen;
		size -= blen;
		if (memchr(b, '\0', blen) != NULL)
			return 0;
		snprintf(ctype, sizeof ctype,
		         sel & 0x20 ? "multipart/form-data; boundary=\"%s\""
		                    : "multipart/form-data; boundary=%s",
		         b);
	}

	size_t plen = strlen(prefix);
	char *body = malloc(plen + size + 1);
	memcpy(body, prefix, plen);
	memcpy(body + plen, data, size);
	size += plen;
	arena_t a = ARENA_INIT;
	http_part_t *parts = (http_part_t *)1;
	size_t n = 99;
	const char *why = NULL;
	int rc = http_multipart_parse(ctype, body, size, &a, &parts, &n, &why);
	if (rc == 0) {
		if (parts == NULL || n > 64 || why != NULL)
			abort();
		for (size_t i = 0; i < n; i++) {
			const http_part_t *p = &parts[i];
			/* Every part lies inside the body, in order, not overlapping the next. */
			if (p->data < body || p->len > size || p->data > body + size - p->len)
				abort();
			if (i > 0 && p->data < parts[i - 1].data + parts[i - 1].len)
				abort();
			if (p->name == NULL || p->name[0] == '\0' || !str_ok(p->name))
				abort();
			if (p->filename != NULL && !str_ok(p->filename))
				abort();
			if (p->content_type != NULL && !str_ok(p->content_type))
				abort();
			if (p->filename == NULL && !utf8_ok((const unsigned char *)p->data, p->len))
				abort();
			/* Touch every byte so ASan checks the whole range. */
			volatile unsigned char sink = 0;
			for (size_t k = 0; k < p->len; k++)
				sink ^= (unsigned char)p->data[k];
			(void)sink;
		}
	} else if (rc != -1 || why == NULL || !str_ok(why) || parts != NULL || n != 0) {
		abort();
	}
	arena_free(&a);
	free(body);
	return 0;
}
