/* Request text parsing: strict percent-decoding, strict UTF-8, urlencoded pairs (query and
 * form bodies) and the Cookie header. Everything here is pure so it can be unit-tested and
 * fuzzed; anything refused becomes a 400 with the Vietnamese phrase returned in *why. */
#include "http/http.h"

#include <string.h>

#include "core/mem.h"

enum { DEC_OK = 0, DEC_BAD_ESCAPE = -1, DEC_NUL = -2 };

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Shared by the public decoder and the parsers, which need to tell a bad escape from a NUL. */
static int
decode(const char *in, size_t len, char *out, int plus_space, size_t *outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '%') {
			if (len - i < 3)
				return DEC_BAD_ESCAPE;
			int hi = hexval((unsigned char)in[i + 1]);
			int lo = hexval((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0)
				return DEC_BAD_ESCAPE;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == '\0')
			return DEC_NUL;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	*outlen = o;
	return DEC_OK;
}

long
http_url_decode(const char *in, size_t len, char *out, int plus_space)
{
	size_t n;
	if (decode(in, len, out, plus_space, &n) != DEC_OK)
		return -1;
	return (long)n;
}

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF, no NUL.
 * Kept local so the HTTP layer does not depend on src/text being ready. */
static int
utf8_valid(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t need;
		unsigned cp, min;
		if (c >= 0xC2 && c <= 0xDF)
			need = 1, cp = c & 0x1F, min = 0x80;
		else if ((c & 0xF0) == 0xE0)
			need = 2, cp = c & 0x0F, min = 0x800;
		else if (c >= 0xF0 && c <= 0xF4)
			need = 3, cp = c & 0x07, min = 0x10000;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (size_t k = 1; k <= need; k++) {
			unsigned d = s[i + k];
			if ((d & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (d & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += need + 1;
	}
	return 1;
}

int
http_path_decode(const char *raw, size_t len, arena_t *a, const char **out, const char **why)
{
	*out = NULL;
	if (len == 0 || raw[0] != '/') {
		*why = "đường dẫn không bắt đầu bằng /";
		return -1;
	}
	/* An encoded slash would let one segment pose as two after decoding (routes, static
	 * files), so it is refused rather than guessed at. */
	for (size_t i = 0; i + 2 < len; i++) {
		if (raw[i] == '%' && raw[i + 1] == '2' &&
		    (raw[i + 2] == 'f' || raw[i + 2] == 'F')) {
			*why = "đường dẫn có dấu / được mã hoá (%2F)";
			return -1;
		}
	}
	char *buf = arena_alloc(a, size_add(len, 1));
	size_t n;
	int rc = decode(raw, len, buf, 0, &n);
	if (rc == DEC_BAD_ESCAPE) {
		*why = "đường dẫn có mã %XX sai";
		return -1;
	}
	if (rc == DEC_NUL) {
		*why = "đường dẫn có ký tự NUL (%00)";
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c < 0x20 || c == 0x7F) {
			*why = "đường dẫn có ký tự điều khiển";
			return -1;
		}
	}
	if (!utf8_valid(buf, n)) {
		*why = "đường dẫn không phải UTF-8 hợp lệ";
		return -1;
	}
	*out = buf;
	return 0;
}

/* A short, printable rendering of a parameter name for an error message. The name is
 * already valid UTF-8; control characters are dropped and long names cut on a character
 * boundary so the message stays one readable line. */
static const char *
name_for_message(arena_t *a, const char *name)
{
	size_t n = strlen(name);
	if (n > 40) {
		n = 40;
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	char *s = arena_alloc(a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c >= 0x20 && c != 0x7F)
			s[o++] = (char)c;
	}
	s[o] = '\0';
	return s;
}

/* Decodes one name or value into the arena; on failure sets *why about `subject`. */
static const char *
decode_part(const char *s, size_t len, arena_t *a, const char *name, const char **why)
{
	char *buf = arena_alloc(a, size_add(len, 1));
	size_t n;
	int rc = decode(s, len, buf, 1, &n);
	if (rc == DEC_OK && utf8_valid(buf, n))
		return buf;
	const char *problem = rc == DEC_BAD_ESCAPE ? "có mã %XX sai"
	                      : rc == DEC_NUL      ? "có ký tự NUL (%00)"
	                                           : "không phải UTF-8 hợp lệ";
	if (name != NULL && name[0] == '\0')
		*why = arena_printf(a, "giá trị không kèm tên %s", problem);
	else if (name != NULL)
		*why = arena_printf(a, "tham số “%s” %s", name_for_message(a, name), problem);
	else
		*why = arena_printf(a, "tên tham số %s", problem);
	return NULL;
}

int
http_form_parse(const char *s, size_t len, arena_t *a, http_kv_t **out, size_t *n, const char **why)
{
	*out = NULL;
	*n = 0;
	size_t cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += s[i] == '&';
	http_kv_t *kv = arena_alloc(a, size_mul(cap, sizeof *kv));
	size_t count = 0;
	size_t i = 0;
	while (i < len) {
		size_t end = i;
		while (end < len && s[end] != '&')
			end++;
		size_t eq = i;
		while (eq < end && s[eq] != '=')
			eq++;
		if (eq > i) {
			const char *name = decode_part(s + i, eq - i, a, NULL, why);
			if (name == NULL)
				return -1;
			const char *value = "";
			if (eq < end) {
				value = decode_part(s + eq + 1, end - eq - 1, a, name, why);
				if (value == NULL)
					return -1;
			}
			if (name[0] != '\0') {
				kv[count].name = name;
				kv[count].value = value;
				count++;
			}
		} else if (eq < end) {
			/* "=v" has no name to file it under, but its value must still be sound. */
			if (decode_part(s + eq + 1, end - eq - 1, a, "", why) == NULL)
				return -1;
		}
		i = end + 1;
	}
	*out = kv;
	*n = count;
	return 0;
}

static int
is_cookie_space(char c)
{
	return c == ' ' || c == '\t';
}

const char *
http_cookie_get(const char *header, const char *name, arena_t *a)
{
	if (header == NULL || name == NULL || name[0] == '\0')
		return NULL;
	size_t nlen = strlen(name);
	const char *p = header;
	while (*p) {
		while (*p == ';' || is_cookie_space(*p))
			p++;
		const char *ks = p;
		while (*p && *p != '=' && *p != ';')
			p++;
		const char *ke = p;
		while (ke > ks && is_cookie_space(ke[-1]))
			ke--;
		if (*p != '=') {
			continue; /* a bare token without '=' is not a cookie */
		}
		p++;
		const char *vs = p;
		while (*p && *p != ';')
			p++;
		const char *ve = p;
		while (vs < ve && is_cookie_space(*vs))
			vs++;
		while (ve > vs && is_cookie_space(ve[-1]))
			ve--;
		if (ve - vs >= 2 && vs[0] == '"' && ve[-1] == '"')
			vs++, ve--;
		if ((size_t)(ke - ks) == nlen && memcmp(ks, name, nlen) == 0)
			return arena_strndup(a, vs, (size_t)(ve - vs));
	}
	return NULL;
}
