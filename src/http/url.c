/* Request text parsing: strict percent-decoding, strict UTF-8, urlencoded pairs (query and
 * form bodies), multipart/form-data bodies and the Cookie header. Everything here is pure so it can
 * be unit-tested and fuzzed; anything refused becomes a 400 with the Vietnamese phrase returned in
 * *why. */
#include "http/http.h"

#include <string.h>
#include <strings.h>

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

/* ---------------------------------------------------------------- multipart/form-data */

/* Limits from the contract in http.h: a report form has a handful of fields and one or two
 * photos, so 64 parts and 1 KiB header lines leave room while bounding the work. */
#define MP_MAX_PARTS 64
#define MP_MAX_LINE 1024
#define MP_MAX_BOUNDARY 70

static const char mp_no_close[] = "dữ liệu multipart thiếu ranh giới kết thúc";
static const char mp_bad_header[] = "tiêu đề của một phần multipart không hợp lệ";

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 2045 token characters. */
static int
is_token(char ch)
{
	unsigned char c = (unsigned char)ch;
	return c > 0x20 && c < 0x7F && strchr("()<>@,;:\\\"/[]?=", c) == NULL;
}

/* RFC 2046 bchars, 1-70 of them, not ending in a space. */
static int
boundary_ok(const char *b, size_t n)
{
	if (n < 1 || n > MP_MAX_BOUNDARY || b[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];
		int ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		         (c >= 'A' && c <= 'Z') ||
		         (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
		if (!ok)
			return 0;
	}
	return 1;
}

/* The next "; name=value" parameter of a header value in [*p, end); *p moves past it.
 * 1 with the name span and the value (a NUL-terminated copy in a, unquoted), 0 at the end,
 * -1 when malformed. Unquoted values run to the next ';' because some clients put raw UTF-8
 * there; in quoted ones a backslash escapes only '"' and '\', since browsers send Windows
 * paths ("C:\Users\...") without escaping them. */
static int
next_param(const char **p, const char *end, arena_t *a, const char **name, size_t *nlen,
           const char **value)
{
	const char *s = *p;
	while (s < end && is_ows(*s))
		s++;
	if (s == end)
		return 0;
	if (*s != ';')
		return -1;
	s++;
	while (s < end && is_ows(*s))
		s++;
	if (s == end)
		return 0; /* a trailing ';' is harmless */
	const char *ns = s;
	while (s < end && is_token(*s))
		s++;
	if (s == ns)
		return -1;
	*name = ns;
	*nlen = (size_t)(s - ns);
	while (s < end && is_ows(*s))
		s++;
	if (s == end || *s != '=')
		return -1;
	s++;
	while (s < end && is_ows(*s))
		s++;
	if (s < end && *s == '"') {
		s++;
		char *v = arena_alloc(a, (size_t)(end - s) + 1);
		size_t o = 0;
		for (;;) {
			if (s == end)
				return -1; /* unterminated quoted-string */
			if (*s == '"') {
				s++;
				break;
			}
			if (*s == '\\' && end - s >= 2 && (s[1] == '"' || s[1] == '\\'))
				s++;
			v[o++] = *s++;
		}
		v[o] = '\0';
		*value = v;
	} else {
		const char *vs = s;
		while (s < end && *s != ';')
			s++;
		const char *ve = s;
		while (ve > vs && is_ows(ve[-1]))
			ve--;
		*value = arena_strndup(a, vs, (size_t)(ve - vs));
	}
	*p = s;
	return 1;
}

static int
name_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* The boundary parameter of a multipart/form-data Content-Type value. */
static int
mp_boundary(const char *ctype, arena_t *a, const char **b, size_t *blen, const char **why)
{
	static const char mt[] = "multipart/form-data";
	const size_t mtlen = sizeof mt - 1;
	if (ctype == NULL) {
		*why = "thiếu Content-Type multipart/form-data";
		return -1;
	}
	const char *s = ctype, *end = ctype + strlen(ctype);
	while (s < end && is_ows(*s))
		s++;
	if ((size_t)(end - s) < mtlen || strncasecmp(s, mt, mtlen) != 0 ||
	    (s + mtlen < end && !is_ows(s[mtlen]) && s[mtlen] != ';')) {
		*why = "Content-Type không phải multipart/form-data";
		return -1;
	}
	s += mtlen;
	*b = NULL;
	for (;;) {
		const char *pn, *pv;
		size_t pnl;
		int rc = next_param(&s, end, a, &pn, &pnl, &pv);
		if (rc == 0)
			break;
		if (rc < 0) {
			*why = "tham số của Content-Type không hợp lệ";
			return -1;
		}
		if (*b == NULL && name_is(pn, pnl, "boundary"))
			*b = pv;
	}
	if (*b == NULL) {
		*why = "Content-Type thiếu tham số boundary";
		return -1;
	}
	*blen = strlen(*b);
	if (!boundary_ok(*b, *blen)) {
		*why = "boundary trong Content-Type không hợp lệ (cần 1–70 ký tự theo RFC 2046)";
		return -1;
	}
	return 0;
}

enum { DL_NONE, DL_NEXT, DL_CLOSE };

/* What follows a "--boundary" ending at p: "--" closes, optional transport padding then CRLF
 * opens the next part (*next after the CRLF); anything else means it was not a delimiter. */
static int
delim_kind(const char *body, size_t len, size_t p, size_t *next)
{
	if (len - p >= 2 && body[p] == '-' && body[p + 1] == '-')
		return DL_CLOSE;
	while (p < len && is_ows(body[p]))
		p++;
	if (len - p >= 2 && body[p] == '\r' && body[p + 1] == '\n') {
		*next = p + 2;
		return DL_NEXT;
	}
	return DL_NONE;
}

/* The first "\r\n--boundary" (d, dlen) at or after from that is a real delimiter line;
 * len when none. A look-alike inside the data is data (Go's mime/multipart does the same). */
static size_t
find_delim(const char *body, size_t len, size_t from, const char *d, size_t dlen, int *kind,
           size_t *next)
{
	while (from < len) {
		const char *hit = memmem(body + from, len - from, d, dlen);
		if (hit == NULL)
			break;
		size_t at = (size_t)(hit - body);
		*kind = delim_kind(body, len, at + dlen, next);
		if (*kind != DL_NONE)
			return at;
		from = at + 1;
	}
	return len;
}

/* Content-Disposition: form-data; name="..."[; filename="..."] into part. */
static int
mp_disposition(const char *s, const char *end, arena_t *a, http_part_t *part, const char **why)
{
	const char *ts = s;
	while (s < end && *s != ';' && !is_ows(*s))
		s++;
	if (!name_is(ts, (size_t)(s - ts), "form-data")) {
		*why = "một phần multipart không phải Content-Disposition: form-data";
		return -1;
	}
	for (;;) {
		const char *pn, *pv;
		size_t pnl;
		int rc = next_param(&s, end, a, &pn, &pnl, &pv);
		if (rc == 0)
			return 0;
		if (rc < 0) {
			*why = mp_bad_header;
			return -1;
		}
		/* filename*= (RFC 5987) is ignored: RFC 7578 forbids it and browsers send UTF-8. */
		const char **slot = name_is(pn, pnl, "name")       ? &part->name
		                    : name_is(pn, pnl, "filename") ? &part->filename
		                                                   : NULL;
		if (slot == NULL)
			continue;
		if (*slot != NULL) {
			/* Two names would let two readers see two different fields. */
			*why = "một phần multipart có tham số name hoặc filename lặp lại";
			return -1;
		}
		*slot = pv;
	}
}

/* One part header line (without its CRLF). */
static int
mp_header(const char *line, size_t n, arena_t *a, http_part_t *part, int *seen_cd, const char **why)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			*why = "tiêu đề của một phần multipart có ký tự điều khiển";
			return -1;
		}
	}
	if (!utf8_valid(line, n)) {
		*why = "tiêu đề của một phần multipart không phải UTF-8 hợp lệ";
		return -1;
	}
	const char *end = line + n;
	const char *colon = memchr(line, ':', n);
	/* A leading space would be obsolete line folding, which RFC 7578 parts never use. */
	if (colon == NULL || colon == line)
		goto bad;
	for (const char *p = line; p < colon; p++)
		if (!is_token(*p))
			goto bad;
	const char *v = colon + 1;
	while (v < end && is_ows(*v))
		v++;
	const char *ve = end;
	while (ve > v && is_ows(ve[-1]))
		ve--;
	size_t nlen = (size_t)(colon - line);
	if (name_is(line, nlen, "Content-Disposition")) {
		if (*seen_cd)
			goto dup;
		*seen_cd = 1;
		return mp_disposition(v, ve, a, part, why);
	}
	if (name_is(line, nlen, "Content-Type")) {
		if (part->content_type != NULL)
			goto dup;
		part->content_type = arena_strndup(a, v, (size_t)(ve - v));
	}
	return 0; /* other headers (Content-Transfer-Encoding...) carry nothing we use */
bad:
	*why = mp_bad_header;
	return -1;
dup:
	*why = "một phần multipart có tiêu đề lặp lại";
	return -1;
}

int
http_multipart_parse(const char *content_type, const char *body, size_t len, arena_t *a,
                     http_part_t **out, size_t *n, const char **why)
{
	*out = NULL;
	*n = 0;
	const char *b;
	size_t blen;
	if (mp_boundary(content_type, a, &b, &blen, why) != 0)
		return -1;
	if (body == NULL)
		len = 0;
	/* d is the delimiter "\r\n--boundary"; the first one may sit at the very start. */
	size_t dlen = blen + 4;
	char *d = arena_alloc(a, dlen + 1);
	memcpy(d, "\r\n--", 4);
	memcpy(d + 4, b, blen);
	d[dlen] = '\0';

	int kind = DL_NONE;
	size_t next = 0;
	if (len >= dlen - 2 && memcmp(body, d + 2, dlen - 2) == 0)
		kind = delim_kind(body, len, dlen - 2, &next);
	if (kind == DL_NONE && find_delim(body, len, 0, d, dlen, &kind, &next) == len) {
		*why = "dữ liệu multipart không có ranh giới (boundary) nào";
		return -1;
	}

	http_part_t *parts = arena_alloc(a, MP_MAX_PARTS * sizeof *parts);
	size_t count = 0;
	while (kind == DL_NEXT) {
		if (count == MP_MAX_PARTS) {
			*why = "dữ liệu multipart có quá 64 phần";
			return -1;
		}
		http_part_t *part = &parts[count];
		memset(part, 0, sizeof *part);
		int seen_cd = 0;
		size_t p = next;
		for (;;) {
			size_t room = len - p;
			size_t lim = room < MP_MAX_LINE + 2 ? room : MP_MAX_LINE + 2;
			const char *crlf = lim >= 2 ? memmem(body + p, lim, "\r\n", 2) : NULL;
			if (crlf == NULL) {
				*why = room >= MP_MAX_LINE + 2 ? "dòng tiêu đề của một phần "
				                                 "multipart dài quá 1024 byte"
				                               : mp_no_close;
				return -1;
			}
			size_t e = (size_t)(crlf - body);
			if (e == p)
				break;
			if (mp_header(body + p, e - p, a, part, &seen_cd, why) != 0)
				return -1;
			p = e + 2;
		}
		/* Data starts after the blank line; searching from that line's own CRLF lets an
		 * empty part be followed by the delimiter directly. */
		size_t start = p + 2;
		size_t at = find_delim(body, len, p, d, dlen, &kind, &next);
		if (at == len) {
			*why = mp_no_close;
			return -1;
		}
		if (!seen_cd) {
			*why = "một phần multipart thiếu Content-Disposition: form-data";
			return -1;
		}
		if (part->name == NULL || part->name[0] == '\0') {
			*why = "một phần multipart không có tên (name=)";
			return -1;
		}
		part->data = body + start;
		part->len = at > start ? at - start : 0;
		if (part->filename == NULL && !utf8_valid(part->data, part->len)) {
			const char *problem = memchr(part->data, '\0', part->len) != NULL
			                              ? "có ký tự NUL"
			                              : "không phải UTF-8 hợp lệ";
			*why = arena_printf(a, "tham số “%s” %s", name_for_message(a, part->name),
			                    problem);
			return -1;
		}
		count++;
	}
	*out = parts;
	*n = count;
	return 0;
}
