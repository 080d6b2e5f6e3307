/* PAdES signature of an issued PDF by incremental update (sign_pdf.h). The reader below
 * knows only what cairo 1.16 writes (one classic xref table, a flat page tree) and refuses
 * the rest; the writer never touches a byte of the original. */
#include "docs/sign_pdf.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#define MAX_DEPTH 32
#define MAX_XREF 1000000 /* entries in one section */
#define TAIL 1024        /* "startxref" is searched in the last TAIL bytes */

/* ---------- the reader ---------- */

typedef struct lex {
	const uint8_t *p;
	size_t n, at;
	int depth;
} lex_t;

enum tok { T_END, T_NUM, T_NAME, T_DICT, T_DICT_END, T_ARR, T_ARR_END, T_STR, T_WORD, T_BAD };

typedef struct tok_s {
	enum tok t;
	size_t start, end; /* the token's bytes */
	int64_t num;       /* T_NUM: integer value (reals refused as T_BAD not needed here) */
	int is_int;
} token_t;

static int
is_ws(uint8_t c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static int
is_delim(uint8_t c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

static void
skip_ws(lex_t *l)
{
	while (l->at < l->n) {
		uint8_t c = l->p[l->at];
		if (is_ws(c))
			l->at++;
		else if (c == '%') {
			while (l->at < l->n && l->p[l->at] != '\n' && l->p[l->at] != '\r')
				l->at++;
		} else
			break;
	}
}

/* The next token; strings are skipped whole (nesting and escapes), numbers read when
 * integral. */
static token_t
next(lex_t *l)
{
	skip_ws(l);
	token_t k = {T_END, l->at, l->at, 0, 0};
	if (l->at >= l->n)
		return k;
	uint8_t c = l->p[l->at];
	if (c == '<' && l->at + 1 < l->n && l->p[l->at + 1] == '<') {
		l->at += 2;
		k.t = T_DICT;
	} else if (c == '>' && l->at + 1 < l->n && l->p[l->at + 1] == '>') {
		l->at += 2;
		k.t = T_DICT_END;
	} else if (c == '[' || c == ']') {
		l->at++;
		k.t = c == '[' ? T_ARR : T_ARR_END;
	} else if (c == '(') {
		int nest = 0;
		k.t = T_BAD;
		while (l->at < l->n) {
			uint8_t d = l->p[l->at++];
			if (d == '\\')
				l->at++;
			else if (d == '(')
				nest++;
			else if (d == ')' && --nest == 0) {
				k.t = T_STR;
				break;
			}
		}
		if (l->at > l->n)
			l->at = l->n;
	} else if (c == '<') {
		l->at++;
		k.t = T_BAD;
		while (l->at < l->n) {
			uint8_t d = l->p[l->at++];
			if (d == '>') {
				k.t = T_STR;
				break;
			}
			if (!(is_ws(d) || (d >= '0' && d <= '9') || (d >= 'a' && d <= 'f') ||
			      (d >= 'A' && d <= 'F')))
				break;
		}
	} else if (c == '/') {
		l->at++;
		while (l->at < l->n && !is_ws(l->p[l->at]) && !is_delim(l->p[l->at]))
			l->at++;
		k.t = T_NAME;
	} else if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
		int neg = c == '-', digits = 0, frac = 0;
		int64_t v = 0;
		if (c == '-' || c == '+')
			l->at++;
		while (l->at < l->n) {
			uint8_t d = l->p[l->at];
			if (d >= '0' && d <= '9') {
				if (!frac && v < (INT64_MAX - 9) / 10)
					v = v * 10 + (d - '0');
				else if (!frac)
					frac = 2; /* too big: not an integer we use */
				digits++;
			} else if (d == '.' && !frac)
				frac = 1;
			else
				break;
			l->at++;
		}
		k.t = digits ? T_NUM : T_BAD;
		k.is_int = !frac;
		k.num = neg ? -v : v;
	} else if (is_delim(c)) {
		l->at++;
		k.t = T_BAD;
	} else {
		while (l->at < l->n && !is_ws(l->p[l->at]) && !is_delim(l->p[l->at]))
			l->at++;
		k.t = T_WORD;
	}
	k.end = l->at;
	return k;
}

static int
tok_is(const lex_t *l, token_t k, const char *s)
{
	size_t n = strlen(s);
	return k.end - k.start == n && memcmp(l->p + k.start, s, n) == 0;
}

/* A value as a dictionary entry gives it: a reference "N G R", a name, an integer, or
 * anything else skipped whole. */
typedef struct value {
	enum { V_REF, V_NAME, V_INT, V_OTHER } t;
	int64_t num, gen;
	token_t tok;
} value_t;

static int skip_rest(lex_t *l, enum tok open);

/* Reads one value starting with token k. -1 on malformed input. */
static int
value_of(lex_t *l, token_t k, value_t *v)
{
	*v = (value_t){V_OTHER, 0, 0, k};
	switch (k.t) {
	case T_NUM: {
		v->t = V_INT;
		v->num = k.num;
		if (!k.is_int)
			v->t = V_OTHER;
		/* look ahead for "G R" */
		size_t save = l->at;
		token_t g = next(l);
		if (k.is_int && g.t == T_NUM && g.is_int) {
			token_t r = next(l);
			if (r.t == T_WORD && tok_is(l, r, "R")) {
				v->t = V_REF;
				v->gen = g.num;
				return 0;
			}
		}
		l->at = save;
		return 0;
	}
	case T_NAME: v->t = V_NAME; return 0;
	case T_STR:
	case T_WORD: return 0;
	case T_DICT:
	case T_ARR: return skip_rest(l, k.t);
	default: return -1;
	}
}

/* Skips to the end of the dictionary or array just opened. */
static int
skip_rest(lex_t *l, enum tok open)
{
	if (++l->depth > MAX_DEPTH)
		return -1;
	enum tok close = open == T_DICT ? T_DICT_END : T_ARR_END;
	for (;;) {
		token_t k = next(l);
		if (k.t == close)
			break;
		value_t v;
		if (k.t == T_END || value_of(l, k, &v) < 0)
			return -1;
	}
	l->depth--;
	return 0;
}

/* The entries of the dictionary at l (its "<<" next), one callback per key with its
 * value; the dictionary's [start, end) into span. -1 on malformed input or when cb says. */
static int
dict_each(lex_t *l, size_t span[2], int (*cb)(lex_t *, token_t key, value_t *, void *), void *ctx)
{
	token_t open = next(l);
	if (open.t != T_DICT)
		return -1;
	span[0] = open.start;
	l->depth = 1;
	for (;;) {
		token_t k = next(l);
		if (k.t == T_DICT_END)
			break;
		if (k.t != T_NAME)
			return -1;
		token_t vk = next(l);
		value_t v;
		if (vk.t == T_END || vk.t == T_DICT_END || value_of(l, vk, &v) < 0)
			return -1;
		if (cb && cb(l, k, &v, ctx) < 0)
			return -1;
	}
	span[1] = l->at;
	return 0;
}

typedef struct reader {
	const uint8_t *p;
	size_t n;
	sign_pdf_info_t *out;
	char *err;
	size_t errlen;
} reader_t;

static int
fail(reader_t *r, const char *what)
{
	snprintf(r->err, r->errlen, "Tệp PDF không ký được: %s.", what);
	return -1;
}

/* Offset of object num from the xref at startxref; 0 when absent or free. */
static size_t
xref_lookup(reader_t *r, int64_t num)
{
	lex_t l = {r->p, r->n, r->out->startxref, 0};
	token_t k = next(&l);
	if (!tok_is(&l, k, "xref"))
		return 0;
	for (;;) {
		size_t save = l.at;
		token_t a = next(&l), b = next(&l);
		if (a.t != T_NUM || b.t != T_NUM || !a.is_int || !b.is_int || a.num < 0 ||
		    b.num < 0 || b.num > MAX_XREF) {
			l.at = save;
			return 0;
		}
		/* entries start after the line end */
		size_t at = l.at;
		while (at < r->n && (r->p[at] == ' ' || r->p[at] == '\r' || r->p[at] == '\n'))
			at++;
		if ((size_t)b.num > (r->n - at) / 20)
			return 0;
		if (num >= a.num && num - a.num < b.num) {
			const uint8_t *e = r->p + at + (size_t)(num - a.num) * 20;
			size_t off = 0;
			for (int i = 0; i < 10; i++) {
				if (e[i] < '0' || e[i] > '9')
					return 0;
				off = off * 10 + (size_t)(e[i] - '0');
			}
			if (e[17] != 'n' || memcmp(e + 11, "00000", 5) != 0)
				return 0;
			return off < r->n ? off : 0;
		}
		l.at = at + (size_t)b.num * 20;
	}
}

/* Positions l after "num 0 obj" at the object's offset. -1 when it is not there. */
static int
open_obj(reader_t *r, int64_t num, lex_t *l)
{
	size_t off = xref_lookup(r, num);
	if (off == 0)
		return -1;
	*l = (lex_t){r->p, r->n, off, 0};
	token_t a = next(l), g = next(l), o = next(l);
	return a.t == T_NUM && a.num == num && g.t == T_NUM && g.num == 0 && tok_is(l, o, "obj")
	               ? 0
	               : -1;
}

typedef struct found {
	value_t size, root, info, pages, type, kids_first;
	int prev, encrypt, acroform, annots, xrefstm;
	int has_size, has_root, has_info, has_pages, has_type, has_kids;
} found_t;

static int
on_entry(lex_t *l, token_t key, value_t *v, void *ctx)
{
	found_t *f = ctx;
	if (tok_is(l, key, "/Size"))
		f->size = *v, f->has_size = 1;
	else if (tok_is(l, key, "/Root"))
		f->root = *v, f->has_root = 1;
	else if (tok_is(l, key, "/Info"))
		f->info = *v, f->has_info = 1;
	else if (tok_is(l, key, "/Pages"))
		f->pages = *v, f->has_pages = 1;
	else if (tok_is(l, key, "/Type"))
		f->type = *v, f->has_type = 1;
	else if (tok_is(l, key, "/Prev"))
		f->prev = 1;
	else if (tok_is(l, key, "/Encrypt"))
		f->encrypt = 1;
	else if (tok_is(l, key, "/XRefStm"))
		f->xrefstm = 1;
	else if (tok_is(l, key, "/AcroForm"))
		f->acroform = 1;
	else if (tok_is(l, key, "/Annots"))
		f->annots = 1;
	else if (tok_is(l, key, "/Kids") && v->tok.t == T_ARR) {
		/* the array was skipped whole; read its first element again */
		lex_t k = {l->p, l->n, v->tok.end, 0};
		token_t first = next(&k);
		if (value_of(&k, first, &f->kids_first) == 0 && f->kids_first.t == V_REF)
			f->has_kids = 1;
	}
	return 0;
}

static int
is_ref(const value_t *v)
{
	return v->t == V_REF && v->gen == 0 && v->num > 0;
}

int
sign_pdf_parse(const uint8_t *pdf, size_t n, sign_pdf_info_t *out, char *err, size_t errlen)
{
	reader_t r = {pdf, n, out, err, errlen};
	*out = (sign_pdf_info_t){0};
	if (n < 32 || memcmp(pdf, "%PDF-", 5) != 0)
		return fail(&r, "không phải tệp PDF");
	size_t from = n > TAIL ? n - TAIL : 0, sx = 0;
	int have = 0;
	for (size_t i = n - 9; i + 1 > from; i--) {
		if (memcmp(pdf + i, "startxref", 9) == 0) {
			sx = i;
			have = 1;
			break;
		}
		if (i == 0)
			break;
	}
	if (!have)
		return fail(&r, "không thấy startxref ở cuối tệp");
	lex_t l = {pdf, n, sx + 9, 0};
	token_t off = next(&l), eof = next(&l);
	(void)eof;
	if (off.t != T_NUM || !off.is_int || off.num <= 0 || (uint64_t)off.num >= n)
		return fail(&r, "startxref không hợp lệ");
	out->startxref = (size_t)off.num;
	/* the trailer follows the last subsection */
	l = (lex_t){pdf, n, out->startxref, 0};
	token_t x = next(&l);
	if (!tok_is(&l, x, "xref"))
		return fail(&r, "bảng xref dạng luồng (xref stream) chưa được hỗ trợ");
	for (;;) {
		size_t save = l.at;
		token_t a = next(&l), b = next(&l);
		if (a.t != T_NUM || b.t != T_NUM || !a.is_int || !b.is_int || a.num < 0 ||
		    b.num < 0 || b.num > MAX_XREF) {
			l.at = save;
			break;
		}
		size_t at = l.at;
		while (at < n && (pdf[at] == ' ' || pdf[at] == '\r' || pdf[at] == '\n'))
			at++;
		if ((size_t)b.num > (n - at) / 20)
			return fail(&r, "bảng xref bị cắt cụt");
		l.at = at + (size_t)b.num * 20;
	}
	token_t tr = next(&l);
	if (!tok_is(&l, tr, "trailer"))
		return fail(&r, "không thấy trailer sau bảng xref");
	found_t f = {0};
	size_t span[2];
	if (dict_each(&l, span, on_entry, &f) < 0)
		return fail(&r, "trailer không đọc được");
	if (f.prev || f.xrefstm)
		return fail(&r, "tệp đã có bản sửa đổi (có thể đã được ký)");
	if (f.encrypt)
		return fail(&r, "tệp được mã hóa");
	if (!f.has_size || f.size.t != V_INT || f.size.num < 2 || f.size.num > MAX_XREF ||
	    !f.has_root || !is_ref(&f.root) || f.root.num >= f.size.num)
		return fail(&r, "trailer thiếu /Size hoặc /Root hợp lệ");
	out->size = f.size.num;
	out->root = f.root.num;
	if (f.has_info && is_ref(&f.info) && f.info.num < f.size.num)
		out->info = f.info.num;
	/* the Catalog */
	if (open_obj(&r, out->root, &l) < 0)
		return fail(&r, "không tìm thấy đối tượng Catalog");
	f = (found_t){0};
	if (dict_each(&l, out->root_dict, on_entry, &f) < 0 || !f.has_type ||
	    !tok_is(&l, f.type.tok, "/Catalog") || !f.has_pages || !is_ref(&f.pages))
		return fail(&r, "Catalog không hợp lệ");
	if (f.acroform)
		return fail(&r, "tệp đã có biểu mẫu hoặc chữ ký (/AcroForm)");
	/* down the page tree to the first leaf */
	int64_t node = f.pages.num;
	for (int depth = 0;; depth++) {
		if (depth > MAX_DEPTH || node >= out->size)
			return fail(&r, "cây trang không hợp lệ");
		if (open_obj(&r, node, &l) < 0)
			return fail(&r, "không tìm thấy đối tượng của cây trang");
		f = (found_t){0};
		size_t sp[2];
		if (dict_each(&l, sp, on_entry, &f) < 0 || !f.has_type)
			return fail(&r, "nút của cây trang không hợp lệ");
		if (tok_is(&l, f.type.tok, "/Page")) {
			if (f.annots)
				return fail(&r, "trang đầu đã có chú thích (/Annots)");
			out->page = node;
			out->page_dict[0] = sp[0];
			out->page_dict[1] = sp[1];
			break;
		}
		if (!tok_is(&l, f.type.tok, "/Pages") || !f.has_kids || !is_ref(&f.kids_first))
			return fail(&r, "nút của cây trang không hợp lệ");
		node = f.kids_first.num;
	}
	if (out->page == out->root)
		return fail(&r, "cây trang không hợp lệ");
	return 0;
}

/* ---------- keys ---------- */

static int
no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

int
sign_key_read(const char *pem, size_t n, sign_key_t *out, char *err, size_t errlen)
{
	*out = (sign_key_t){0};
	if (n > 1024 * 1024) {
		snprintf(err, errlen, "Tệp khóa quá lớn (tối đa 1 MB).");
		return -1;
	}
	BIO *b = BIO_new_mem_buf(pem, (int)n);
	EVP_PKEY *key = b ? PEM_read_bio_PrivateKey(b, NULL, no_password, NULL) : NULL;
	BIO_free(b);
	if (key == NULL) {
		ERR_clear_error();
		snprintf(err, errlen,
		         "Tệp khóa không có khóa bí mật dạng PEM chưa mã hóa (BEGIN PRIVATE KEY); "
		         "khóa có mật khẩu chưa được hỗ trợ.");
		return -1;
	}
	STACK_OF(X509) *certs = sk_X509_new_null();
	b = BIO_new_mem_buf(pem, (int)n);
	X509 *x;
	while (b && (x = PEM_read_bio_X509(b, NULL, no_password, NULL)) != NULL)
		sk_X509_push(certs, x);
	BIO_free(b);
	ERR_clear_error();
	X509 *signer = NULL;
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *c = sk_X509_value(certs, i);
		if (X509_check_private_key(c, key) == 1) {
			signer = sk_X509_delete(certs, i);
			break;
		}
	}
	ERR_clear_error();
	/* a chain file often repeats the leaf or a CA (key + cert + fullchain): CMS refuses a
	 * certificate twice, so keep each once */
	for (int i = sk_X509_num(certs) - 1; signer && i >= 0; i--) {
		X509 *c = sk_X509_value(certs, i);
		int dup = X509_cmp(c, signer) == 0;
		for (int j = 0; j < i && !dup; j++)
			dup = X509_cmp(c, sk_X509_value(certs, j)) == 0;
		if (dup)
			X509_free(sk_X509_delete(certs, i));
	}
	if (signer == NULL) {
		EVP_PKEY_free(key);
		sk_X509_pop_free(certs, X509_free);
		snprintf(err, errlen,
		         "Tệp khóa không có chứng thư (BEGIN CERTIFICATE) khớp với khóa bí mật.");
		return -1;
	}
	*out = (sign_key_t){key, signer, certs};
	return 0;
}

void
sign_key_free(sign_key_t *k)
{
	EVP_PKEY_free(k->key);
	X509_free(k->cert);
	if (k->chain)
		sk_X509_pop_free(k->chain, X509_free);
	*k = (sign_key_t){0};
}

void
sign_key_subject(const sign_key_t *k, char *out, size_t cap)
{
	if (cap == 0)
		return;
	out[0] = '\0';
	X509_NAME *nm = X509_get_subject_name(k->cert);
	int i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	unsigned char *u = NULL;
	if (i >= 0 &&
	    ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i))) >= 0 &&
	    u) {
		snprintf(out, cap, "%s", (char *)u);
		OPENSSL_free(u);
	} else
		X509_NAME_oneline(nm, out, (int)cap);
}

/* ---------- the writer ---------- */

/* A PDF text string: UTF-16BE with a byte order mark, in hex. */
static void
put_text(buf_t *b, const char *s)
{
	buf_puts(b, "<FEFF");
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c = *p++;
		int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		if (c >= 0x80 && c < 0xC0)
			c = '?';
		else if (more)
			c &= 0x3F >> more;
		for (int i = 0; i < more; i++) {
			if ((*p & 0xC0) != 0x80) {
				c = '?';
				break;
			}
			c = (c << 6) | (*p++ & 0x3F);
		}
		if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			c = '?';
		if (c >= 0x10000) {
			c -= 0x10000;
			buf_printf(b, "%04X%04X", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF));
		} else
			buf_printf(b, "%04X", c);
	}
	buf_putc(b, '>');
}

/* One revision's object: the copied dictionary with extra entries before its ">>". */
static void
put_extended(buf_t *b, const uint8_t *pdf, const size_t span[2], int64_t num, const char *extra)
{
	buf_printf(b, "%lld 0 obj\n", (long long)num);
	buf_append(b, pdf + span[0], span[1] - span[0] - 2);
	buf_printf(b, "\n   %s\n>>\nendobj\n", extra);
}

/* The detached CAdES CMS over the two ranges, DER into *der. */
static int
make_cms(const uint8_t *a, size_t an, const uint8_t *c, size_t cn, const sign_pdf_opts_t *o,
         unsigned char **der, int *dern)
{
	int ok = 0;
	unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	BIO *in = BIO_new(BIO_s_mem());
	ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)o->when);
	if (cms == NULL || in == NULL || t == NULL)
		goto out;
	CMS_SignerInfo *si =
	        CMS_add1_signer(cms, o->key->cert, o->key->key, EVP_sha256(), flags | CMS_CADES);
	if (si == NULL)
		goto out;
	/* OpenSSL would stamp its own clock; the caller's time keeps tests and /M in step */
	if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1) != 1)
		goto out;
	for (int i = 0; i < sk_X509_num(o->key->chain); i++)
		if (CMS_add1_cert(cms, sk_X509_value(o->key->chain, i)) != 1)
			goto out;
	if (BIO_write(in, a, (int)an) != (int)an || BIO_write(in, c, (int)cn) != (int)cn)
		goto out;
	if (CMS_final(cms, in, NULL, CMS_DETACHED | CMS_BINARY) != 1)
		goto out;
	*dern = i2d_CMS_ContentInfo(cms, der);
	ok = *dern > 0;
out:
	ASN1_TIME_free(t);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	return ok ? 0 : -1;
}

int
sign_pdf(const uint8_t *pdf, size_t n, const sign_pdf_opts_t *o, buf_t *out, char *err,
         size_t errlen)
{
	sign_pdf_info_t in;
	if (sign_pdf_parse(pdf, n, &in, err, errlen) < 0)
		return -1;
	if (n > (size_t)INT32_MAX - 65536) {
		snprintf(err, errlen, "Tệp PDF quá lớn để ký.");
		return -1;
	}
	int64_t field = in.size, sig = in.size + 1, size = in.size + 2;
	size_t base = out->len;
	buf_append(out, pdf, n);
	if (pdf[n - 1] != '\n' && pdf[n - 1] != '\r')
		buf_putc(out, '\n');
	size_t off_root = out->len - base;
	char extra[200];
	snprintf(extra, sizeof extra, "/AcroForm << /Fields [ %lld 0 R ] /SigFlags 3 >>",
	         (long long)field);
	put_extended(out, pdf, in.root_dict, in.root, extra);
	size_t off_page = out->len - base;
	snprintf(extra, sizeof extra, "/Annots [ %lld 0 R ]", (long long)field);
	put_extended(out, pdf, in.page_dict, in.page, extra);
	size_t off_field = out->len - base;
	buf_printf(out,
	           "%lld 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (KySo1) /F 132\n"
	           "   /Rect [ 0 0 0 0 ] /P %lld 0 R /V %lld 0 R >>\nendobj\n",
	           (long long)field, (long long)in.page, (long long)sig);
	size_t off_sig = out->len - base;
	struct tm tm;
	time_t when = (time_t)o->when;
	gmtime_r(&when, &tm);
	buf_printf(
	        out,
	        "%lld 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n"
	        "   /M (D:%04d%02d%02d%02d%02d%02dZ)\n",
	        (long long)sig, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	        tm.tm_sec);
	if (o->name && *o->name) {
		buf_puts(out, "   /Name ");
		put_text(out, o->name);
		buf_putc(out, '\n');
	}
	if (o->reason && *o->reason) {
		buf_puts(out, "   /Reason ");
		put_text(out, o->reason);
		buf_putc(out, '\n');
	}
	if (o->location && *o->location) {
		buf_puts(out, "   /Location ");
		put_text(out, o->location);
		buf_putc(out, '\n');
	}
	/* fixed-width numbers: filled in once the offsets are known */
	buf_puts(out, "   /ByteRange [ 0 ");
	size_t br = out->len;
	buf_puts(out, "0000000000 0000000000 0000000000 ]\n   /Contents ");
	size_t contents = out->len;
	buf_putc(out, '<');
	buf_reserve(out, 2 * SIGN_PDF_CMS_MAX + 1);
	memset(out->data + out->len, '0', 2 * SIGN_PDF_CMS_MAX);
	out->len += 2 * SIGN_PDF_CMS_MAX;
	buf_puts(out, ">\n>>\nendobj\n");
	size_t off_xref = out->len - base;
	/* one subsection per object, in object number order */
	struct xent {
		int64_t num;
		size_t off;
	} ent[4] = {{in.root, off_root}, {in.page, off_page}, {field, off_field}, {sig, off_sig}};
	if (ent[0].num > ent[1].num) {
		struct xent swap = ent[0];
		ent[0] = ent[1];
		ent[1] = swap;
	}
	buf_puts(out, "xref\n0 1\n0000000000 65535 f \n");
	for (int i = 0; i < 4; i++)
		buf_printf(out, "%lld 1\n%010zu 00000 n \n", (long long)ent[i].num, ent[i].off);
	buf_printf(out, "trailer\n<< /Size %lld\n   /Root %lld 0 R\n", (long long)size,
	           (long long)in.root);
	if (in.info)
		buf_printf(out, "   /Info %lld 0 R\n", (long long)in.info);
	buf_printf(out, "   /Prev %zu\n>>\nstartxref\n%zu\n%%%%EOF\n", in.startxref, off_xref);

	size_t a = contents - base, b = a + 2 * SIGN_PDF_CMS_MAX + 2, total = out->len - base;
	char nums[40];
	snprintf(nums, sizeof nums, "%010zu %010zu %010zu", a, b, total - b);
	memcpy(out->data + br, nums, 32);
	const uint8_t *d = (const uint8_t *)out->data + base;
	unsigned char *der = NULL;
	int dern = 0;
	if (make_cms(d, a, d + b, total - b, o, &der, &dern) < 0) {
		ERR_clear_error();
		snprintf(err, errlen,
		         "Không tạo được chữ ký CMS (khóa hoặc chứng thư không dùng được).");
		out->len = base;
		return -1;
	}
	if (dern > SIGN_PDF_CMS_MAX) {
		OPENSSL_free(der);
		snprintf(err, errlen,
		         "Chữ ký dài %d byte, vượt chỗ dành sẵn %d byte (chuỗi chứng thư quá dài).",
		         dern, SIGN_PDF_CMS_MAX);
		out->len = base;
		return -1;
	}
	static const char hex[] = "0123456789ABCDEF";
	for (int i = 0; i < dern; i++) {
		out->data[contents + 1 + 2 * i] = hex[der[i] >> 4];
		out->data[contents + 2 + 2 * i] = hex[der[i] & 15];
	}
	OPENSSL_free(der);
	return 0;
}
