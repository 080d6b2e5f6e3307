/* Import of a Word draft into the document model (import_docx.h). Two halves: the
 * package (zip, relationships, content types, XML) read defensively into a list of lines
 * with their formatting and table cell; then the lines classified in document order by a
 * small state machine that knows the Decree-30 layout. */
#include "docs/import_docx.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <zip.h>

#include "core/buf.h"
#include "core/mem.h"
#include "text/legacy.h"
#include "text/text.h"

/* ---------------------------------------------------------------- refusals */

static docx_rc_t
refuse(docx_result_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static docx_rc_t
refuse(docx_result_t *o, const char *fmt, ...)
{
	if (o->error[0] == '\0') {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(o->error, sizeof o->error, fmt, ap);
		va_end(ap);
		/* never end inside a UTF-8 sequence */
		size_t n = strlen(o->error);
		while (n && !text_utf8_valid(o->error, n))
			o->error[--n] = '\0';
	}
	return DOCX_REFUSED;
}

#define RESAVE "Hãy mở văn bản bằng Word hoặc LibreOffice, lưu lại dạng .docx rồi tải lên lại."

/* ---------------------------------------------------------------- the package */

typedef struct pkg {
	zip_t *z;
	size_t read_total; /* bytes decompressed so far, all parts */
} pkg_t;

/* An entry name we accept: relative, no "..", no backslash, no control character. */
static int
safe_name(const char *s)
{
	if (s == NULL || *s == '\0' || *s == '/' || !text_utf8_valid(s, strlen(s)))
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\' || *p == ':' || *p == 0x7f)
			return 0;
	for (const char *p = s; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if ((n == 2 && p[0] == '.' && p[1] == '.') || (n == 1 && p[0] == '.'))
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

static docx_rc_t
pkg_open(pkg_t *k, const void *data, size_t len, docx_result_t *o)
{
	memset(k, 0, sizeof *k);
	if (len == 0)
		return refuse(o, "Tệp tải lên rỗng. Hãy chọn tệp văn bản Word (.docx).");
	if (len > DOCX_MAX_FILE)
		return refuse(o, "Tệp .docx lớn quá %u MB. Hãy bỏ bớt hình ảnh trong văn bản "
		                 "rồi tải lên lại.",
		              DOCX_MAX_FILE >> 20);
	if (len < 4 || memcmp(data, "PK\3\4", 4) != 0)
		return refuse(o, "Tệp không phải văn bản Word dạng .docx (không phải tệp nén "
		                 "zip; tệp .doc cũ hoặc PDF không nhập được). " RESAVE);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (src == NULL) {
		zip_error_fini(&ze);
		return refuse(o, "Không đọc được tệp .docx. " RESAVE);
	}
	k->z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	zip_error_fini(&ze);
	if (k->z == NULL) {
		zip_source_free(src);
		return refuse(o, "Tệp .docx bị hỏng (phần nén zip không đọc được). " RESAVE);
	}
	zip_int64_t n = zip_get_num_entries(k->z, 0);
	if (n < 0 || n > DOCX_MAX_ENTRIES)
		return refuse(o, "Tệp .docx có quá nhiều phần (hơn %d); đây không phải văn bản "
		                 "Word thông thường. " RESAVE,
		              DOCX_MAX_ENTRIES);
	uint64_t total = 0;
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		if (zip_stat_index(k->z, (zip_uint64_t)i, 0, &st) < 0)
			return refuse(o, "Tệp .docx bị hỏng. " RESAVE);
		if (!(st.valid & ZIP_STAT_NAME) || !safe_name(st.name))
			return refuse(o, "Tệp .docx chứa tên phần không hợp lệ (đường dẫn thoát "
			                 "ra ngoài như \"../\", đường dẫn tuyệt đối hoặc ký tự "
			                 "lạ): tệp có thể độc hại nên không được nhập. " RESAVE);
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
		    st.encryption_method != ZIP_EM_NONE)
			return refuse(o, "Tệp .docx được đặt mật khẩu. Hãy bỏ mật khẩu rồi tải "
			                 "lên lại.");
		if (!(st.valid & ZIP_STAT_SIZE))
			return refuse(o, "Tệp .docx bị hỏng. " RESAVE);
		total += st.size;
		if (total > DOCX_MAX_UNCOMPRESSED)
			return refuse(o, "Tệp .docx khi giải nén lớn hơn %u MB (có thể là tệp "
			                 "nén độc hại). Hãy bỏ bớt hình ảnh hoặc chia nhỏ văn bản "
			                 "rồi tải lên lại.",
			              DOCX_MAX_UNCOMPRESSED >> 20);
	}
	return DOCX_OK;
}

static void
pkg_close(pkg_t *k)
{
	if (k->z)
		zip_discard(k->z);
	k->z = NULL;
}

/* Read part name into *out (NUL-terminated, owned by the caller: free). 1 found, 0
 * missing, or DOCX_REFUSED. The caps hold while reading, whatever the headers say. */
static int
pkg_read(pkg_t *k, const char *name, char **out, size_t *outlen, docx_result_t *o)
{
	*out = NULL;
	*outlen = 0;
	zip_int64_t idx = zip_name_locate(k->z, name, 0);
	if (idx < 0)
		return 0;
	zip_stat_t st;
	if (zip_stat_index(k->z, (zip_uint64_t)idx, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE))
		return refuse(o, "Tệp .docx bị hỏng (phần %s). " RESAVE, name);
	if (st.size > DOCX_MAX_PART)
		return refuse(o, "Phần %s của tệp .docx lớn hơn %u MB khi giải nén (có thể là "
		                 "tệp nén độc hại). Hãy chia nhỏ văn bản rồi tải lên lại.",
		              name, DOCX_MAX_PART >> 20);
	zip_file_t *f = zip_fopen_index(k->z, (zip_uint64_t)idx, 0);
	if (f == NULL)
		return refuse(o, "Không giải nén được phần %s của tệp .docx. " RESAVE, name);
	size_t cap = (size_t)st.size + 1, len = 0;
	char *b = xmalloc(cap + 1);
	for (;;) {
		/* one byte more than declared: an entry that yields more is lying */
		zip_int64_t r = zip_fread(f, b + len, cap - len);
		if (r < 0) {
			zip_fclose(f);
			free(b);
			return refuse(o, "Phần %s của tệp .docx bị hỏng (dữ liệu nén sai hoặc "
			                 "kích thước khai báo sai). " RESAVE,
			              name);
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > (size_t)st.size || k->read_total + len > DOCX_MAX_UNCOMPRESSED) {
			zip_fclose(f);
			free(b);
			return refuse(o, "Phần %s của tệp .docx giải nén ra nhiều hơn kích thước "
			                 "khai báo (tệp nén độc hại); tệp không được nhập. " RESAVE,
			              name);
		}
	}
	zip_fclose(f);
	if (len != (size_t)st.size) {
		free(b);
		return refuse(o, "Phần %s của tệp .docx ngắn hơn kích thước khai báo (tệp hỏng). "
		                 RESAVE, name);
	}
	k->read_total += len;
	b[len] = '\0';
	*out = b;
	*outlen = len;
	return 1;
}

/* ---------------------------------------------------------------- XML */

static xmlDocPtr
xml_parse(const char *name, const char *b, size_t n, docx_result_t *o)
{
	if (n >= 2 && (((unsigned char)b[0] == 0xfe && (unsigned char)b[1] == 0xff) ||
	               ((unsigned char)b[0] == 0xff && (unsigned char)b[1] == 0xfe))) {
		refuse(o, "Phần %s của tệp .docx không ở mã UTF-8. " RESAVE, name);
		return NULL;
	}
	if (memchr(b, '\0', n) != NULL) {
		refuse(o, "Phần %s của tệp .docx chứa byte 0 (tệp hỏng). " RESAVE, name);
		return NULL;
	}
	if (memmem(b, n, "<!DOCTYPE", 9) || memmem(b, n, "<!ENTITY", 8)) {
		refuse(o, "Phần %s của tệp .docx có khai báo DOCTYPE/ENTITY (thực thể XML, có "
		          "thể là tệp độc hại); Word và LibreOffice không tạo ra khai báo này nên "
		          "tệp không được nhập. " RESAVE,
		       name);
		return NULL;
	}
	/* only UTF-8 (what Word and LibreOffice write): another declared encoding could hide
	 * a DOCTYPE from the scan above */
	const char *q = b;
	while (q < b + n && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
		q++;
	if (n >= 3 && !memcmp(b, "\xef\xbb\xbf", 3))
		q = b + 3;
	if (q < b + n && *q != '<') {
		refuse(o, "Phần %s của tệp .docx không phải XML ở mã UTF-8. " RESAVE, name);
		return NULL;
	}
	if ((size_t)(b + n - q) > 5 && !memcmp(q, "<?xml", 5)) {
		const char *end = memmem(q, (size_t)(b + n - q), "?>", 2);
		const char *enc = end ? memmem(q, (size_t)(end - q), "encoding", 8) : NULL;
		if (enc) {
			const char *v = enc + 8;
			while (v < end && (*v == ' ' || *v == '=' || *v == '"' || *v == '\''))
				v++;
			if (end - v < 5 || (strncasecmp(v, "UTF-8", 5) && strncasecmp(v, "UTF8", 4))) {
				refuse(o, "Phần %s của tệp .docx không ở mã UTF-8. " RESAVE, name);
				return NULL;
			}
		}
	}
	size_t lt = 0;
	for (const char *p = b; (p = memchr(p, '<', (size_t)(b + n - p))) != NULL; p++)
		if (++lt > DOCX_MAX_NODES) {
			refuse(o, "Phần %s của tệp .docx có quá nhiều phần tử XML (hơn %d). Hãy "
			          "chia nhỏ văn bản rồi tải lên lại.",
			       name, DOCX_MAX_NODES);
			return NULL;
		}
	if (n > (size_t)INT32_MAX) {
		refuse(o, "Phần %s quá lớn.", name);
		return NULL;
	}
	xmlDocPtr doc = xmlReadMemory(b, (int)n, name, "UTF-8",
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                                      XML_PARSE_NOCDATA);
	if (doc == NULL) {
		refuse(o, "Phần %s của tệp .docx không phải XML hợp lệ (tệp hỏng hoặc lồng quá "
		          "sâu). " RESAVE,
		       name);
		return NULL;
	}
	if (doc->intSubset || doc->extSubset || xmlDocGetRootElement(doc) == NULL) {
		xmlFreeDoc(doc);
		refuse(o, "Phần %s của tệp .docx có khai báo DTD hoặc rỗng; tệp không được "
		          "nhập. " RESAVE,
		       name);
		return NULL;
	}
	return doc;
}

static int
is_el(const xmlNode *n, const char *local)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

/* An attribute by local name (any namespace), or NULL. The string is libxml2's. */
static const char *
attr(const xmlNode *n, const char *local)
{
	for (const xmlAttr *a = n->properties; a; a = a->next)
		if (strcmp((const char *)a->name, local) == 0 && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

static const xmlNode *
child(const xmlNode *n, const char *local)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is_el(c, local))
			return c;
	return NULL;
}

/* The officeDocument part named by _rels/.rels, checked in [Content_Types].xml. 1 with
 * *part (arena) or DOCX_REFUSED. */
static int
find_main_part(pkg_t *k, arena_t *a, const char **part, docx_result_t *o)
{
	char *b;
	size_t n;
	int rc = pkg_read(k, "_rels/.rels", &b, &n, o);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return refuse(o, "Tệp .docx thiếu phần _rels/.rels (không phải văn bản Word "
		                 "hợp lệ). " RESAVE);
	xmlDocPtr x = xml_parse("_rels/.rels", b, n, o);
	free(b);
	if (x == NULL)
		return DOCX_REFUSED;
	const char *target = NULL;
	for (const xmlNode *c = xmlDocGetRootElement(x)->children; c; c = c->next) {
		const char *type = is_el(c, "Relationship") ? attr(c, "Type") : NULL;
		const char *t = type ? attr(c, "Target") : NULL;
		size_t tl = type ? strlen(type) : 0;
		if (t && tl >= 15 && strcmp(type + tl - 15, "/officeDocument") == 0) {
			target = arena_strdup(a, *t == '/' ? t + 1 : t);
			break;
		}
	}
	xmlFreeDoc(x);
	if (target == NULL)
		return refuse(o, "Tệp .docx không khai báo phần nội dung chính (word/document.xml). "
		                 RESAVE);
	if (!safe_name(target) || strchr(target, '%'))
		return refuse(o, "Tệp .docx trỏ tới phần nội dung bằng đường dẫn không hợp lệ "
		                 "(như \"../\"): tệp có thể độc hại nên không được nhập. " RESAVE);
	rc = pkg_read(k, "[Content_Types].xml", &b, &n, o);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return refuse(o, "Tệp .docx thiếu phần [Content_Types].xml (không phải văn bản "
		                 "Word hợp lệ). " RESAVE);
	x = xml_parse("[Content_Types].xml", b, n, o);
	free(b);
	if (x == NULL)
		return DOCX_REFUSED;
	int ok = 0;
	for (const xmlNode *c = xmlDocGetRootElement(x)->children; c && !ok; c = c->next) {
		const char *ct = attr(c, "ContentType"), *pn = attr(c, "PartName");
		if (!is_el(c, "Override") || !ct || !pn)
			continue;
		ok = (pn[0] == '/' ? strcmp(pn + 1, target) : strcmp(pn, target)) == 0 &&
		     strstr(ct, "wordprocessingml.") && strstr(ct, ".main+xml");
	}
	xmlFreeDoc(x);
	if (!ok)
		return refuse(o, "Tệp không phải văn bản Word (.docx): phần nội dung chính không "
		                 "được khai báo là văn bản Word (có thể là bảng tính hay trình "
		                 "chiếu). " RESAVE);
	*part = target;
	return 1;
}

/* ---------------------------------------------------------------- styles */

/* A paragraph or character style: bold and italic as set (-1 not set: look at basedOn),
 * and its heading level (1-3 from outlineLvl 0-2 or the built-in name "heading N"). */
typedef struct style {
	const char *id, *based;
	int b, i, level;
} style_t;

typedef struct styles {
	style_t *v;
	size_t n;
} styles_t;

static int
tri(const xmlNode *rpr, const char *local)
{
	const xmlNode *p = child(rpr, local);
	if (p == NULL)
		return -1;
	const char *v = attr(p, "val");
	return v == NULL || (strcmp(v, "0") && strcmp(v, "false") && strcmp(v, "off"));
}

#define STYLES_MAX 4096 /* a real document has a few hundred */

static int
style_cmp(const void *x, const void *y)
{
	return strcmp(((const style_t *)x)->id, ((const style_t *)y)->id);
}

/* Sorted by id (read_styles): a binary search, as every run asks. */
static const style_t *
style_find(const styles_t *ss, const char *id)
{
	if (id == NULL || ss->n == 0)
		return NULL;
	style_t key = {.id = id};
	return bsearch(&key, ss->v, ss->n, sizeof *ss->v, style_cmp);
}

/* which: 0 bold, 1 italic, 2 level; following basedOn (at most 16 hops: no cycles). */
static int
style_prop(const styles_t *ss, const char *id, int which)
{
	const style_t *s = style_find(ss, id);
	for (int hop = 0; s && hop < 16; hop++, s = style_find(ss, s->based)) {
		int v = which == 0 ? s->b : which == 1 ? s->i : s->level;
		if (which < 2 ? v >= 0 : v > 0)
			return v;
	}
	return which < 2 ? -1 : 0;
}

/* The part's relationship of the given type ("/styles"), resolved against the part's
 * folder; NULL when none. Refused when the target is unsafe. */
static int
part_rel(pkg_t *k, arena_t *a, const char *part, const char *type, const char **out,
         docx_result_t *o)
{
	*out = NULL;
	const char *slash = strrchr(part, '/');
	size_t dl = slash ? (size_t)(slash - part + 1) : 0;
	const char *rels = arena_printf(a, "%.*s_rels/%s.rels", (int)dl, part, part + dl);
	char *b;
	size_t n;
	int rc = pkg_read(k, rels, &b, &n, o);
	if (rc <= 0)
		return rc;
	xmlDocPtr x = xml_parse(rels, b, n, o);
	free(b);
	if (x == NULL)
		return DOCX_REFUSED;
	size_t tl = strlen(type);
	for (const xmlNode *c = xmlDocGetRootElement(x)->children; c; c = c->next) {
		const char *ty = is_el(c, "Relationship") ? attr(c, "Type") : NULL;
		const char *t = ty ? attr(c, "Target") : NULL;
		const char *mode = ty ? attr(c, "TargetMode") : NULL;
		if (!t || (mode && !strcmp(mode, "External")) || strlen(ty) < tl ||
		    strcmp(ty + strlen(ty) - tl, type))
			continue;
		*out = *t == '/' ? arena_strdup(a, t + 1)
		                 : arena_printf(a, "%.*s%s", (int)dl, part, t);
		break;
	}
	xmlFreeDoc(x);
	if (*out && (!safe_name(*out) || strchr(*out, '%')))
		return refuse(o, "Tệp .docx trỏ tới một phần bằng đường dẫn không hợp lệ (như "
		                 "\"../\"): tệp có thể độc hại nên không được nhập. " RESAVE);
	return 1;
}

/* The styles part of the main part, if any, into *ss (arena). 0 or DOCX_REFUSED. */
static int
read_styles(pkg_t *k, arena_t *a, const char *part, styles_t *ss, docx_result_t *o)
{
	memset(ss, 0, sizeof *ss);
	const char *name;
	if (part_rel(k, a, part, "/styles", &name, o) < 0)
		return DOCX_REFUSED;
	if (name == NULL)
		return 0;
	char *b;
	size_t n;
	int rc = pkg_read(k, name, &b, &n, o);
	if (rc <= 0)
		return rc; /* a missing styles part is no reason to refuse */
	xmlDocPtr x = xml_parse(name, b, n, o);
	free(b);
	if (x == NULL)
		return DOCX_REFUSED;
	size_t cap = 0;
	for (const xmlNode *c = xmlDocGetRootElement(x)->children; c; c = c->next) {
		const char *id = is_el(c, "style") ? attr(c, "styleId") : NULL;
		if (id == NULL || ss->n >= STYLES_MAX)
			continue;
		if (ss->n == cap) {
			size_t nc = cap ? size_mul(cap, 2) : 32;
			style_t *v = arena_alloc(a, size_mul(nc, sizeof *v));
			if (ss->n)
				memcpy(v, ss->v, ss->n * sizeof *v);
			ss->v = v;
			cap = nc;
		}
		style_t *s = &ss->v[ss->n++];
		const xmlNode *bo = child(c, "basedOn"), *rpr = child(c, "rPr"), *nm = child(c, "name");
		const xmlNode *ol = child(child(c, "pPr"), "outlineLvl");
		s->id = arena_strdup(a, id);
		s->based = bo && attr(bo, "val") ? arena_strdup(a, attr(bo, "val")) : NULL;
		s->b = tri(rpr, "b");
		s->i = tri(rpr, "i");
		s->level = 0;
		const char *olv = ol ? attr(ol, "val") : NULL;
		const char *nv = nm ? attr(nm, "val") : NULL;
		if (olv && olv[0] >= '0' && olv[0] <= '2' && olv[1] == '\0')
			s->level = olv[0] - '0' + 1;
		else if (nv && !strncasecmp(nv, "heading ", 8) && nv[8] >= '1' && nv[8] <= '3' &&
		         nv[9] == '\0')
			s->level = nv[8] - '0';
	}
	xmlFreeDoc(x);
	if (ss->n)
		qsort(ss->v, ss->n, sizeof *ss->v, style_cmp);
	return 0;
}

/* ---------------------------------------------------------------- numbering */

/* Word's automatic numbering (numbering.xml): the "1.", "a)", "I." or bullet a paragraph
 * shows but does not hold as text. Levels 0-8 of each list; counters per w:num. */
#define NUM_LEVELS 9
#define NUM_MAX 512 /* lists kept; beyond that paragraphs show no number */

typedef struct numlvl {
	const char *fmt;  /* numFmt: decimal, upperRoman, lowerLetter, bullet, none, … */
	const char *text; /* lvlText: "%1.", "%1.%2.", "-" */
	int start;
} numlvl_t;

typedef struct numdef {
	const char *abs_id; /* abstractNumId */
	const char *num_id; /* for a w:num; NULL for an abstractNum */
	numlvl_t lvl[NUM_LEVELS];
	int count[NUM_LEVELS];
	int started;
} numdef_t;

typedef struct numbering {
	numdef_t *abs, *num;
	size_t nabs, nnum;
} numbering_t;

static void
read_levels(arena_t *a, const xmlNode *an, numlvl_t *lv)
{
	for (const xmlNode *l = an->children; l; l = l->next) {
		const char *il = is_el(l, "lvl") ? attr(l, "ilvl") : NULL;
		if (il == NULL || il[0] < '0' || il[0] > '8' || il[1] != '\0')
			continue;
		numlvl_t *v = &lv[il[0] - '0'];
		const xmlNode *f = child(l, "numFmt"), *t = child(l, "lvlText"), *st = child(l, "start");
		const char *fv = f ? attr(f, "val") : NULL, *tv = t ? attr(t, "val") : NULL;
		const char *sv = st ? attr(st, "val") : NULL;
		v->fmt = arena_strdup(a, fv ? fv : "decimal");
		/* a level's text is a few characters ("%1.%2."): a long one is ignored, so a
		 * hostile file cannot make every paragraph copy it */
		v->text = arena_strdup(a, tv && strlen(tv) <= 32 ? tv : "");
		v->start = sv ? atoi(sv) : 1;
		if (v->start < 0 || v->start > 100000)
			v->start = 1;
	}
}

static int
read_numbering(pkg_t *k, arena_t *a, const char *part, numbering_t *nb, docx_result_t *o)
{
	memset(nb, 0, sizeof *nb);
	const char *name;
	if (part_rel(k, a, part, "/numbering", &name, o) < 0)
		return DOCX_REFUSED;
	if (name == NULL)
		return 0;
	char *b;
	size_t n;
	int rc = pkg_read(k, name, &b, &n, o);
	if (rc <= 0)
		return rc;
	xmlDocPtr x = xml_parse(name, b, n, o);
	free(b);
	if (x == NULL)
		return DOCX_REFUSED;
	nb->abs = arena_alloc(a, NUM_MAX * sizeof *nb->abs);
	nb->num = arena_alloc(a, NUM_MAX * sizeof *nb->num);
	for (const xmlNode *c = xmlDocGetRootElement(x)->children; c; c = c->next) {
		if (is_el(c, "abstractNum") && attr(c, "abstractNumId") && nb->nabs < NUM_MAX) {
			numdef_t *d = &nb->abs[nb->nabs++];
			memset(d, 0, sizeof *d);
			d->abs_id = arena_strdup(a, attr(c, "abstractNumId"));
			read_levels(a, c, d->lvl);
		} else if (is_el(c, "num") && attr(c, "numId") && nb->nnum < NUM_MAX) {
			const xmlNode *ai = child(c, "abstractNumId");
			if (ai == NULL || attr(ai, "val") == NULL)
				continue;
			numdef_t *d = &nb->num[nb->nnum++];
			memset(d, 0, sizeof *d);
			d->num_id = arena_strdup(a, attr(c, "numId"));
			d->abs_id = arena_strdup(a, attr(ai, "val"));
		}
	}
	xmlFreeDoc(x);
	/* each list takes its levels from its abstract definition */
	for (size_t q = 0; q < nb->nnum; q++)
		for (size_t r = 0; r < nb->nabs; r++)
			if (!strcmp(nb->num[q].abs_id, nb->abs[r].abs_id))
				memcpy(nb->num[q].lvl, nb->abs[r].lvl, sizeof nb->num[q].lvl);
	return 0;
}

static void
fmt_roman(buf_t *b, int v, int upper)
{
	static const struct {
		int v;
		const char *s;
	} t[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"},
	         {50, "l"},   {40, "xl"},  {10, "x"},  {9, "ix"},   {5, "v"},   {4, "iv"},
	         {1, "i"}};
	if (v <= 0 || v > 3999) {
		buf_printf(b, "%d", v);
		return;
	}
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
		for (; v >= t[k].v; v -= t[k].v)
			for (const char *p = t[k].s; *p; p++)
				buf_putc(b, (char)(upper ? *p - 32 : *p));
}

static void
fmt_counter(buf_t *b, const numlvl_t *l, int v)
{
	const char *f = l->fmt ? l->fmt : "decimal";
	if (!strcmp(f, "upperRoman") || !strcmp(f, "lowerRoman"))
		fmt_roman(b, v, f[0] == 'u');
	else if ((!strcmp(f, "lowerLetter") || !strcmp(f, "upperLetter")) && v >= 1 &&
	         v <= 26 * 4) /* "a" … "zzzz"; beyond that, digits */
		for (int k = 0; k <= (v - 1) / 26; k++)
			buf_putc(b, (char)((f[0] == 'u' ? 'A' : 'a') + (v - 1) % 26));
	else if (!strcmp(f, "decimalZero"))
		buf_printf(b, "%02d", v);
	else if (strcmp(f, "none") && strcmp(f, "bullet"))
		buf_printf(b, "%d", v);
}

/* The text paragraph numbering (numId, ilvl) shows, counting it; NULL for none. */
static const char *
num_text(numbering_t *nb, arena_t *a, const char *num_id, int ilvl)
{
	if (num_id == NULL || !strcmp(num_id, "0") || ilvl < 0 || ilvl >= NUM_LEVELS)
		return NULL;
	numdef_t *d = NULL;
	for (size_t q = 0; q < nb->nnum && !d; q++)
		if (!strcmp(nb->num[q].num_id, num_id))
			d = &nb->num[q];
	if (d == NULL || d->lvl[ilvl].fmt == NULL)
		return NULL;
	if (!d->started) {
		for (int k = 0; k < NUM_LEVELS; k++)
			d->count[k] = d->lvl[k].start - 1;
		d->started = 1;
	}
	if (d->count[ilvl] < 1000000)
		d->count[ilvl]++;
	for (int k = ilvl + 1; k < NUM_LEVELS; k++)
		d->count[k] = d->lvl[k].start - 1;
	const numlvl_t *l = &d->lvl[ilvl];
	if (!strcmp(l->fmt, "bullet")) {
		/* "-", "–", "+" stay; "•", Symbol-font and other bullets read as "-" */
		const char *t = l->text;
		return (!strcmp(t, "-") || !strcmp(t, "+")) ? arena_printf(a, "%s ", t) : "- ";
	}
	buf_t b = BUF_INIT;
	for (const char *p = l->text; *p; p++) {
		if (*p == '%' && p[1] >= '1' && p[1] <= '9') {
			int k = p[1] - '1';
			fmt_counter(&b, &d->lvl[k], d->count[k] > 0 ? d->count[k] : 1);
			p++;
		} else
			buf_putc(&b, *p);
	}
	const char *r = b.len ? arena_printf(a, "%s ", buf_cstr(&b)) : NULL;
	buf_free(&b);
	return r;
}

/* ---------------------------------------------------------------- lines */

typedef struct line {
	const char *plain;  /* whitespace collapsed, NFC */
	const char *marked; /* with **bold** / *italic* where only part of the line is */
	const char *fold;   /* text_fold of plain */
	int bold, italic;   /* the whole line */
	int center;
	int cell;  /* 0 outside tables, else the table cell it is in (1, 2, …) */
	int level; /* Heading1..3 paragraph style, else 0 */
} line_t;

typedef struct seg {
	size_t off, len;
	int b, i;
	int enc; /* legacy_enc_t of the run's font (.VnTime: TCVN3, VNI-Times: VNI), or 0 */
} seg_t;

typedef struct walk {
	arena_t *a;
	line_t *lines;
	size_t n, cap;
	int ncells;
	int too_deep;
	/* the line being built */
	buf_t text;
	seg_t *segs;
	size_t nsegs, segcap;
	int center, cell, level;
	const styles_t *st;
	numbering_t *nb;
	int pb, pi;         /* the paragraph style's bold and italic */
	const char *prefix; /* the paragraph's automatic number, put before its first run */
	/* text boxes met in the paragraph, read as their own cells after it */
	const xmlNode *boxes[16];
	size_t nboxes;
	/* TCVN3/VNI text (docx_result_t.nlegacy): the run's font's encoding, the lines
	 * repaired, the first DOCX_LEGACY_SHOWN of them as read and as repaired */
	int renc;
	size_t nlegacy;
	unsigned encs; /* 1 << legacy_enc_t of the repairs */
	const char *lfrom[DOCX_LEGACY_SHOWN], *lto[DOCX_LEGACY_SHOWN];
} walk_t;

static char *
collapse(arena_t *a, const char *s)
{
	buf_t b = BUF_INIT;
	int sp = 0;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '	') {
			sp = 1;
			continue;
		}
		if (sp && b.len)
			buf_putc(&b, ' ');
		sp = 0;
		buf_putc(&b, *p);
	}
	buf_t n = BUF_INIT;
	if (b.len == 0 || text_nfc(b.data, b.len, &n) < 0)
		buf_puts(&n, buf_cstr(&b));
	char *r = arena_strdup(a, buf_cstr(&n));
	buf_free(&b);
	buf_free(&n);
	return r;
}

/* Append run text: tabs, line feeds and no-break spaces count as spaces. */
static void
seg_text(walk_t *w, const char *s, int b, int i)
{
	size_t off = w->text.len;
	if (w->prefix) {
		const char *pre = w->prefix;
		w->prefix = NULL;
		seg_text(w, pre, b, i);
		off = w->text.len;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == 0xc2 && p[1] == 0xa0) {
			buf_putc(&w->text, ' ');
			p++;
		} else if (*p == '\t' && p == (const unsigned char *)s && s[1] == '\0')
			buf_putc(&w->text, '\t'); /* a w:tab */
		else if (*p < 0x20 || *p == 0x7f)
			buf_putc(&w->text, ' ');
		else
			buf_putc(&w->text, (char)*p);
	}
	if (w->text.len == off)
		return;
	if (w->nsegs && w->segs[w->nsegs - 1].b == b && w->segs[w->nsegs - 1].i == i &&
	    w->segs[w->nsegs - 1].enc == w->renc) {
		w->segs[w->nsegs - 1].len += w->text.len - off;
		return;
	}
	if (w->nsegs == w->segcap) {
		w->segcap = w->segcap ? size_mul(w->segcap, 2) : 16;
		w->segs = xrealloc(w->segs, size_mul(w->segcap, sizeof *w->segs));
	}
	w->segs[w->nsegs++] = (seg_t){off, w->text.len - off, b, i, w->renc};
}

static int
all_space(const char *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (p[k] != ' ' && p[k] != '	')
			return 0;
	return 1;
}

/* Bytes [from, to) of the line being built become a line (all spaces: nothing). Tabs are
 * spaces there. */
static void
line_emit(walk_t *w, size_t from, size_t to)
{
	const char *t = buf_cstr(&w->text);
	int bold = 1, italic = 1, any = 0;
	buf_t plain = BUF_INIT, m = BUF_INIT;
	for (size_t k = 0; k < w->nsegs; k++) {
		const seg_t *s = &w->segs[k];
		size_t lo = s->off > from ? s->off : from;
		size_t hi = s->off + s->len < to ? s->off + s->len : to;
		if (lo >= hi)
			continue;
		const char *p = t + lo;
		size_t n = hi - lo;
		if (!all_space(p, n)) {
			any = 1;
			bold &= s->b;
			italic &= s->i;
		}
	}
	if (!any)
		return;
	for (size_t k = 0; k < w->nsegs; k++) {
		const seg_t *s = &w->segs[k];
		size_t lo = s->off > from ? s->off : from;
		size_t hi = s->off + s->len < to ? s->off + s->len : to;
		if (lo >= hi)
			continue;
		const char *p = t + lo;
		size_t n = hi - lo, lead = 0, trail = 0;
		buf_append(&plain, p, n);
		while (lead < n && (p[lead] == ' ' || p[lead] == '\t'))
			lead++;
		while (trail < n - lead && (p[n - 1 - trail] == ' ' || p[n - 1 - trail] == '\t'))
			trail++;
		const char *mk = (s->b && !bold) ? ((s->i && !italic) ? "***" : "**")
		                                 : ((s->i && !italic) ? "*" : "");
		if (lead == n) {
			buf_append(&m, p, n);
			continue;
		}
		buf_append(&m, p, lead);
		buf_puts(&m, mk);
		buf_append(&m, p + lead, n - lead - trail);
		buf_puts(&m, mk);
		buf_append(&m, p + n - trail, trail);
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? size_mul(w->cap, 2) : 64;
		w->lines = xrealloc(w->lines, size_mul(w->cap, sizeof *w->lines));
	}
	line_t *l = &w->lines[w->n++];
	l->plain = collapse(w->a, buf_cstr(&plain));
	l->marked = collapse(w->a, buf_cstr(&m));
	buf_t f = BUF_INIT;
	text_fold(l->plain, strlen(l->plain), &f);
	l->fold = arena_strdup(w->a, buf_cstr(&f));
	buf_free(&f);
	buf_free(&m);
	buf_free(&plain);
	l->bold = bold;
	l->italic = italic;
	l->center = w->center;
	l->cell = w->cell;
	l->level = w->level;
}

/* Non-space bytes in t[from, to). */
static size_t
visible(const char *t, size_t from, size_t to)
{
	size_t n = 0;
	for (size_t k = from; k < to; k++)
		n += t[k] != ' ' && t[k] != '\t';
	return n;
}

#define ENC_CAPS 0x100 /* with a legacy_enc_t: an all-capitals font (.VnTimeH) */

/* The legacy encoding a run's font name says: the TCVN3 fonts are ".VnTime", ".VnArial",
 * ".VnTimeH"…, the VNI ones "VNI-Times", "VNI-Helve"… (LEGACY_NONE otherwise). A TCVN3
 * font whose name ends in "H" (.VnTimeH, .VnArialH) has only capitals, typed on the
 * lowercase codes: ENC_CAPS is added. */
static int
font_enc(const xmlNode *rpr)
{
	const xmlNode *f = child(rpr, "rFonts");
	static const char *const which[] = {"ascii", "hAnsi", "cs"};
	for (size_t k = 0; f && k < sizeof which / sizeof which[0]; k++) {
		const char *v = attr(f, which[k]);
		if (v && !strncasecmp(v, ".Vn", 3))
			return LEGACY_TCVN3 | (v[strlen(v) - 1] == 'H' ? ENC_CAPS : 0);
		if (v && !strncasecmp(v, "VNI-", 4))
			return LEGACY_VNI;
	}
	return LEGACY_NONE;
}

/* 1 if UTF-8 p[0..n) has no character above U+00FF (text typed in a legacy font reads as
 * Latin-1 characters; one with "ạ" or "ư" is Unicode already, whatever its font). */
static int
latin1_only(const char *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)p[k] >= 0xc4 && (unsigned char)p[k] <= 0xf4)
			return 0;
	return 1;
}

/* Append UTF-8 p[0..n) to out in capitals. */
static void
upper_utf8(const char *p, size_t n, buf_t *out)
{
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)p;
	utf8proc_ssize_t k = 0, len = (utf8proc_ssize_t)n;
	while (k < len) {
		utf8proc_int32_t c;
		utf8proc_ssize_t m = utf8proc_iterate(s + k, len - k, &c);
		if (m <= 0)
			break;
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t e = utf8proc_encode_char(utf8proc_toupper(c), enc);
		buf_append(out, (const char *)enc, (size_t)e);
		k += m;
	}
}

/* The line being built, repaired where it was typed in TCVN3 or VNI: a run whose font is a
 * TCVN3/VNI font in that encoding, any other run when the whole line is detected as such
 * mojibake (legacy_detect: pasted text). The repair is counted with an example for the
 * review's notice. */
static void
legacy_fix(walk_t *w)
{
	const char *t = buf_cstr(&w->text);
	size_t len = w->text.len, pos = 0;
	int font = 0;
	for (size_t k = 0; k < w->nsegs; k++)
		font |= w->segs[k].enc != LEGACY_NONE;
	legacy_enc_t det = len ? legacy_detect(t, len, NULL) : LEGACY_NONE;
	if (len == 0 || (det == LEGACY_NONE && !font) || !text_utf8_valid(t, len))
		return;
	buf_t nt = BUF_INIT;
	unsigned encs = 0;
	for (size_t k = 0; k < w->nsegs; k++) {
		seg_t *sg = &w->segs[k];
		buf_append(&nt, t + pos, sg->off - pos);
		size_t off = nt.len;
		legacy_enc_t enc = sg->enc != LEGACY_NONE ? (latin1_only(t + sg->off, sg->len)
		                                                     ? (legacy_enc_t)(sg->enc & ~ENC_CAPS)
		                                                     : LEGACY_NONE)
		                                          : det;
		buf_t r = BUF_INIT;
		if (enc != LEGACY_NONE &&
		    legacy_repair_mojibake(t + sg->off, sg->len, enc, &r) == 0 &&
		    (r.len != sg->len || memcmp(r.data, t + sg->off, r.len) != 0)) {
			if (sg->enc & ENC_CAPS)
				upper_utf8(r.data, r.len, &nt);
			else
				buf_append(&nt, r.data, r.len);
			encs |= 1u << enc;
		} else
			buf_append(&nt, t + sg->off, sg->len);
		buf_free(&r);
		pos = sg->off + sg->len;
		sg->off = off;
		sg->len = nt.len - off;
	}
	buf_append(&nt, t + pos, len - pos);
	if (encs) {
		if (w->nlegacy < DOCX_LEGACY_SHOWN) {
			w->lfrom[w->nlegacy] = collapse(w->a, t);
			w->lto[w->nlegacy] = collapse(w->a, buf_cstr(&nt));
		}
		w->nlegacy++;
		w->encs |= encs;
		buf_free(&w->text);
		w->text = nt;
	} else
		buf_free(&nt);
}

/* The line built so far becomes one line, or several where tabs set text apart in columns
 * ("ỦY BAN NHÂN DÂN <tab><tab> CỘNG HÒA …", "- Như trên; <tab> PHÓ CHỦ TỊCH"), as drafts
 * typed without tables do: a tab splits when at least 4 visible bytes stand on each side
 * (so "1.<tab>Mục đích" stays one line). Empty lines are dropped. */
static void
line_end(walk_t *w)
{
	legacy_fix(w);
	const char *t = buf_cstr(&w->text);
	size_t len = w->text.len, from = 0;
	for (size_t k = 0; k < len; k++) {
		if (t[k] != '\t')
			continue;
		size_t e = k;
		while (e < len && (t[e] == '\t' || t[e] == ' '))
			e++;
		if (visible(t, from, k) >= 4 && visible(t, e, len) >= 4) {
			line_emit(w, from, k);
			from = e;
		}
		k = e - 1;
	}
	line_emit(w, from, len);
	buf_reset(&w->text);
	w->nsegs = 0;
}

/* Text boxes (w:txbxContent) inside a drawing, a VML shape or an mc:AlternateContent (its
 * mc:Fallback repeats the mc:Choice, so it is skipped). */
static void
find_boxes(walk_t *w, const xmlNode *n, int depth)
{
	if (depth > DOCX_MAX_DEPTH) {
		w->too_deep = 1;
		return;
	}
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || is_el(c, "Fallback"))
			continue;
		if (is_el(c, "txbxContent")) {
			if (w->nboxes < sizeof w->boxes / sizeof w->boxes[0])
				w->boxes[w->nboxes++] = c;
		} else
			find_boxes(w, c, depth + 1);
	}
}

static void
walk_runs(walk_t *w, const xmlNode *n, int depth)
{
	if (depth > DOCX_MAX_DEPTH) {
		w->too_deep = 1;
		return;
	}
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const char *nm = (const char *)c->name;
		if (!strcmp(nm, "r")) {
			const xmlNode *rp = child(c, "rPr"), *rs = child(rp, "rStyle");
			const char *rsv = rs ? attr(rs, "val") : NULL;
			int b = tri(rp, "b"), i = tri(rp, "i");
			if (b < 0)
				b = style_prop(w->st, rsv, 0);
			if (i < 0)
				i = style_prop(w->st, rsv, 1);
			if (b < 0)
				b = w->pb;
			if (i < 0)
				i = w->pi;
			w->renc = font_enc(rp);
			for (const xmlNode *r = c->children; r; r = r->next) {
				if (is_el(r, "t")) {
					xmlChar *s = xmlNodeGetContent(r);
					if (s)
						seg_text(w, (const char *)s, b, i);
					xmlFree(s);
				} else if (is_el(r, "tab") || is_el(r, "ptab"))
					seg_text(w, "\t", b, i);
				else if (is_el(r, "noBreakHyphen"))
					seg_text(w, "-", b, i);
				else if (is_el(r, "br") || is_el(r, "cr"))
					line_end(w);
				else if (is_el(r, "drawing") || is_el(r, "pict") ||
				         is_el(r, "AlternateContent") || is_el(r, "object"))
					find_boxes(w, r, depth + 2);
			}
		} else if (!strcmp(nm, "hyperlink") || !strcmp(nm, "ins") ||
		           !strcmp(nm, "smartTag") || !strcmp(nm, "fldSimple") ||
		           !strcmp(nm, "sdt") || !strcmp(nm, "sdtContent") ||
		           !strcmp(nm, "customXml") || !strcmp(nm, "moveTo") ||
		           !strcmp(nm, "dir") || !strcmp(nm, "bdo"))
			walk_runs(w, c, depth + 1);
		else if (!strcmp(nm, "AlternateContent"))
			find_boxes(w, c, depth + 1);
		/* w:del, w:moveFrom (deleted text), w:pPr, bookmarks: nothing to read */
	}
}

static void walk_block(walk_t *w, const xmlNode *n, int cell, int depth);

static void
walk_para(walk_t *w, const xmlNode *p, int cell, int depth)
{
	const xmlNode *pp = child(p, "pPr");
	const xmlNode *jc = child(pp, "jc");
	const char *jv = jc ? attr(jc, "val") : NULL;
	const xmlNode *ps = child(pp, "pStyle");
	const char *sv = ps ? attr(ps, "val") : NULL;
	w->center = jv && !strcmp(jv, "center");
	w->cell = cell;
	w->level = style_prop(w->st, sv, 2);
	if (w->level == 0 && sv && !strncasecmp(sv, "heading", 7)) {
		const char *d = sv + 7;
		if (*d == ' ')
			d++;
		if (*d >= '1' && *d <= '3' && d[1] == '\0')
			w->level = *d - '0';
	}
	w->pb = style_prop(w->st, sv, 0) > 0;
	w->pi = style_prop(w->st, sv, 1) > 0;
	const xmlNode *np = child(pp, "numPr");
	const xmlNode *ni = child(np, "numId"), *il = child(np, "ilvl");
	const char *iv = il ? attr(il, "val") : NULL;
	w->prefix = np && ni ? num_text(w->nb, w->a, attr(ni, "val"),
	                                iv && iv[0] >= '0' && iv[0] <= '8' && !iv[1] ? iv[0] - '0' : 0)
	                     : NULL;
	w->nboxes = 0;
	walk_runs(w, p, depth + 1);
	w->prefix = NULL; /* a numbered paragraph without text shows nothing */
	line_end(w);
	const xmlNode *boxes[sizeof w->boxes / sizeof w->boxes[0]];
	size_t nb = w->nboxes;
	memcpy(boxes, w->boxes, nb * sizeof *boxes);
	w->nboxes = 0;
	for (size_t k = 0; k < nb; k++)
		walk_block(w, boxes[k], ++w->ncells, depth + 1);
}

static void
walk_block(walk_t *w, const xmlNode *n, int cell, int depth)
{
	if (depth > DOCX_MAX_DEPTH) {
		w->too_deep = 1;
		return;
	}
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is_el(c, "p"))
			walk_para(w, c, cell, depth);
		else if (is_el(c, "tbl")) {
			for (const xmlNode *tr = c->children; tr; tr = tr->next) {
				if (!is_el(tr, "tr"))
					continue;
				for (const xmlNode *tc = tr->children; tc; tc = tc->next)
					if (is_el(tc, "tc"))
						walk_block(w, tc, ++w->ncells, depth + 2);
			}
		} else if (is_el(c, "sdt") || is_el(c, "sdtContent") || is_el(c, "customXml"))
			walk_block(w, c, cell, depth + 1);
	}
}

/* ---------------------------------------------------------------- recognising */

typedef struct strvec {
	const char **v;
	size_t n, cap;
} strvec_t;

static void
sv_push(strvec_t *s, const char *x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? size_mul(s->cap, 2) : 16;
		s->v = xrealloc(s->v, size_mul(s->cap, sizeof *s->v));
	}
	s->v[s->n++] = x;
}

static const char **
sv_take(strvec_t *s, arena_t *a)
{
	const char **r = arena_alloc(a, (s->n ? s->n : 1) * sizeof *r);
	if (s->n)
		memcpy(r, s->v, s->n * sizeof *r);
	free(s->v);
	s->v = NULL;
	return r;
}

/* f starts with the folded words w (whole words). */
static int
starts(const char *f, const char *w)
{
	size_t n = strlen(w);
	return strncmp(f, w, n) == 0 && (f[n] == '\0' || f[n] == ' ');
}

static int
has_word(const char *f, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = f; (p = strstr(p, w)) != NULL; p++)
		if ((p == f || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

/* Letters present and none lower-case. */
static int
is_upper(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	int letters = 0;
	for (;;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &c);
		if (k <= 0 || c == 0)
			break;
		p += k;
		if (utf8proc_toupper(c) != c)
			return 0;
		letters += utf8proc_tolower(c) != c;
	}
	return letters > 0;
}

/* Only rule characters: "______", "-----", "***". */
static int
is_rule(const char *s)
{
	for (; *s; s++)
		if (!strchr("_-=.*~ ", *s) && strncmp(s, "\xe2\x80\x93", 3) &&
		    strncmp(s, "\xe2\x80\x94", 3))
			return 0;
		else if ((unsigned char)*s == 0xe2)
			s += 2;
	return 1;
}

/* s without its first n bytes and the spaces and ':' after them. */
static const char *
after(arena_t *a, const char *s, size_t n)
{
	s += n;
	while (*s == ' ' || *s == ':')
		s++;
	return arena_strdup(a, s);
}

/* The byte length of a leading word of plain matching folded word w ("Số", "Kính gửi"):
 * the bytes up to the first ':' or, lacking one, as many words as w has. */
static size_t
prefix_len(const char *plain, const char *w)
{
	size_t words = 1;
	for (const char *p = w; *p; p++)
		words += *p == ' ';
	const char *p = plain;
	for (size_t k = 0; k < words && *p; k++) {
		while (*p && *p != ' ' && *p != ':')
			p++;
		if (k + 1 < words)
			while (*p == ' ')
				p++;
	}
	return (size_t)(p - plain);
}

static const char *
upper_first(arena_t *a, const char *s)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
	if (k <= 0)
		return arena_strdup(a, s);
	utf8proc_uint8_t enc[8];
	utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(c), enc);
	return arena_printf(a, "%.*s%s", (int)m, (const char *)enc, s + k);
}

/* A list marker ("- ", "+ ", "• ") and the text after it, or NULL. */
static const char *
list_item(const char *s)
{
	if ((*s == '-' || *s == '+') && s[1] == ' ')
		return s + 2;
	if (!strncmp(s, "\xe2\x80\xa2 ", 4) || !strncmp(s, "\xe2\x80\x93 ", 4))
		return s + 4;
	if (*s == '-' && s[1] != '-' && s[1] != '\0')
		return s + 1;
	return NULL;
}

/* "Số: 2945/UBND-GDĐT" or "Số:    /KH-UBND": number (0 blank) and symbol. */
static int
parse_number(arena_t *a, const line_t *l, int *number, const char **symbol)
{
	if (!starts(l->fold, "so") || strchr(l->plain, '/') == NULL)
		return 0;
	const char *p = l->plain + prefix_len(l->plain, "so");
	while (*p == ' ' || *p == ':')
		p++;
	long v = 0;
	while (*p >= '0' && *p <= '9' && v < 1000000)
		v = v * 10 + (*p++ - '0');
	while (*p == ' ')
		p++;
	if (*p != '/')
		return 0;
	p++;
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, " ");
	if (n >= 5 && strspn(p, "0123456789") == 4 && p[4] == '/') { /* "12/2022/NQ-HĐND" */
		p += 5;
		n -= 5;
	}
	if (n == 0)
		return 0;
	*number = (int)v;
	*symbol = arena_strndup(a, p, n);
	return 1;
}

/* "Tiên Lãng, ngày 26 tháng 9 năm 2022" (blanks allowed before signing). */
static int
parse_date(arena_t *a, const line_t *l, const char **place, int32_t *date, int *year)
{
	if (!has_word(l->fold, "ngay") || !has_word(l->fold, "thang") ||
	    !has_word(l->fold, "nam") || strlen(l->plain) > 160)
		return 0;
	int v[3] = {0, 0, 0};
	const char *keys[3] = {"ngay", "thang", "nam"};
	const char *q = l->fold;
	for (int k = 0; k < 3; k++) {
		const char *hit = NULL;
		for (const char *p = q; (p = strstr(p, keys[k])) != NULL; p++)
			if ((p == l->fold || p[-1] == ' ') && (p[strlen(keys[k])] == ' ' ||
			                                       p[strlen(keys[k])] == '\0')) {
				hit = p;
				break;
			}
		if (hit == NULL)
			return 0;
		q = hit + strlen(keys[k]);
		while (*q == ' ')
			q++;
		while (*q >= '0' && *q <= '9' && v[k] < 100000)
			v[k] = v[k] * 10 + (*q++ - '0');
	}
	if (v[2] < 1900 || v[2] > 2200)
		return 0;
	/* the place: the plain text before the "ngày" word, without the comma */
	const char *pl = l->plain, *cut = NULL;
	for (const char *p = pl; *p; p++)
		if ((!strncmp(p, "ngày", 5) || !strncmp(p, "Ngày", 5)) &&
		    (p == pl || p[-1] == ' ' || p[-1] == ','))
			cut = p;
	if (cut == NULL)
		cut = pl;
	size_t n = (size_t)(cut - pl);
	while (n && (pl[n - 1] == ' ' || pl[n - 1] == ','))
		n--;
	*place = arena_strndup(a, pl, n);
	*year = v[2];
	*date = 0;
	if (v[0] >= 1 && v[0] <= 31 && v[1] >= 1 && v[1] <= 12) {
		int32_t d = text_days_from_civil(v[2], v[1], v[0]);
		int y, m, dd;
		text_civil_from_days(d, &y, &m, &dd);
		if (y == v[2] && m == v[1] && dd == v[0])
			*date = d;
	}
	return 1;
}

static int
is_roman(const char *s, size_t *len)
{
	size_t n = strspn(s, "IVXL");
	if (n == 0 || n > 6 || s[n] != '.' || s[n + 1] != ' ')
		return 0;
	*len = n + 2;
	return 1;
}

/* 1 for "1. ", 2 for "1.1. " / "1.1 ", 3 for "a) ", 0 otherwise. */
static int
numbered(const char *s)
{
	size_t d = strspn(s, "0123456789");
	if (d && d < 4 && s[d] == '.' && s[d + 1] == ' ')
		return 1;
	if (d && d < 4 && s[d] == '.') {
		size_t e = strspn(s + d + 1, "0123456789");
		const char *r = s + d + 1 + e;
		if (e && e < 4 && (r[0] == ' ' || (r[0] == '.' && r[1] == ' ')))
			return 2;
	}
	if (*s >= 'a' && *s <= 'z' && s[1] == ')' && s[2] == ' ')
		return 3;
	if (!strncmp(s, "\xc4\x91) ", 4)) /* "đ) " */
		return 3;
	return 0;
}

/* The body line for l: "# ", "## ", "### " headings; bold/italic as markup. */
static const char *
body_line(arena_t *a, const line_t *l)
{
	const char *s = l->plain;
	size_t n = strlen(s);
	int shortish = n <= 100 && !strchr(".;,", s[n - 1]);
	int strong = l->bold || shortish;
	size_t rl;
	if (l->level)
		return arena_printf(a, "%.*s %s", l->level, "###", s);
	if (is_roman(s, &rl) && (l->bold || n <= 200))
		return arena_printf(a, "# %s", s);
	int k = numbered(s);
	if (k == 1 && strong)
		return arena_printf(a, "## %s", s);
	if (k == 2 && strong)
		return arena_printf(a, "### %s", s);
	if (k == 3 && (l->bold || l->italic))
		return arena_printf(a, "### %s", s);
	if (l->bold && l->italic)
		return arena_printf(a, "***%s***", s);
	if (l->bold)
		return arena_printf(a, "**%s**", s);
	if (l->italic)
		return arena_printf(a, "*%s*", s);
	return l->marked;
}

enum state { S_HEAD, S_TITLE, S_KG, S_BODY, S_DIST, S_SIGN, S_END };

static void
recognise(const line_t *ls, size_t n, arena_t *a, docx_result_t *o)
{
	doc_t *d = arena_alloc(a, sizeof *d);
	memset(d, 0, sizeof *d);
	const char *empty = "";
	d->body_abbr = d->drafter_abbr = d->parent_body = d->body = d->place = d->subject =
	        d->text = empty;
	d->signer = (doc_signer_t){empty, empty, empty, empty, empty};
	strvec_t head = {0}, rec = {0}, bases = {0}, dist = {0}, unrec = {0};
	buf_t body = BUF_INIT, subject = BUF_INIT;
	const char *symbol = NULL;
	int kind = -1, vv = 0, seen_number = 0, seen_date = 0, title_lines = 0;
	int subj_cell = -1, dist_cell = -1, kg_cell = -1, subject_mixed = 0;
	enum state st = S_HEAD;
	for (size_t k = 0; k < n; k++) {
		const line_t *l = &ls[k];
		const char *f = l->fold;
	again:
		if (is_rule(l->plain))
			continue;
		switch (st) {
		case S_HEAD:
		case S_TITLE:
		case S_KG:
			if (st == S_KG) {
				const char *it = list_item(l->plain);
				if (it) {
					sv_push(&rec, arena_strdup(a, it));
					continue;
				}
				/* "Kính gửi:" in the left cell of a table, the names in the right */
				if (kg_cell > 0 && (l->cell == kg_cell || l->cell == kg_cell + 1)) {
					sv_push(&rec, l->plain);
					continue;
				}
				/* "Kính gửi:" with one or two centred names and no dash */
				if (l->center && !l->bold && strlen(l->plain) <= 200 &&
				    !starts(f, "can cu") && !starts(f, "thuc hien")) {
					sv_push(&rec, l->plain);
					continue;
				}
				st = S_HEAD;
			}
			if (st == S_TITLE) {
				if ((l->center || l->bold) && title_lines < 3 && !starts(f, "kinh gui") &&
				    !starts(f, "can cu") && !starts(f, "thuc hien") &&
				    !(subject_mixed && is_upper(l->plain)) && !numbered(l->plain) &&
				    !is_roman(l->plain, &(size_t){0})) {
					subject_mixed |= !is_upper(l->plain);
					if (subject.len)
						buf_putc(&subject, ' ');
					buf_puts(&subject, l->plain);
					title_lines++;
					continue;
				}
				st = S_HEAD;
			}
			if (starts(f, "cong hoa xa hoi chu nghia viet nam") ||
			    starts(f, "doc lap tu do hanh phuc"))
				continue;
			if (!seen_number && parse_number(a, l, &d->number, &symbol)) {
				seen_number = 1;
				/* "Số: 05/KH-UBND <tabs> Hải An, ngày …" typed on one line */
				const char *rest = strstr(l->plain, symbol);
				rest = rest ? rest + strlen(symbol) : "";
				while (*rest == ' ')
					rest++;
				if (*rest && !seen_date) {
					buf_t fb = BUF_INIT;
					text_fold(rest, strlen(rest), &fb);
					line_t part = *l;
					part.plain = rest;
					part.fold = buf_cstr(&fb);
					seen_date = parse_date(a, &part, &d->place, &d->date, &d->year);
					buf_free(&fb);
					if (!seen_date)
						sv_push(&unrec, arena_strdup(a, rest));
				}
				continue;
			}
			if (!seen_date && parse_date(a, l, &d->place, &d->date, &d->year)) {
				seen_date = 1;
				continue;
			}
			if (starts(f, "v v") && !strncasecmp(l->plain, "V/v", 3)) {
				vv = 1;
				subj_cell = l->cell;
				buf_reset(&subject);
				buf_puts(&subject, after(a, l->plain, 3));
				continue;
			}
			if (subj_cell > 0 && l->cell == subj_cell) {
				buf_putc(&subject, ' ');
				buf_puts(&subject, l->plain);
				continue;
			}
			{
				static const struct {
					const char *fold;
					doc_kind_t kind;
				} titles[] = {{"ke hoach", DOC_KH},
				              {"bao cao", DOC_BC},
				              {"quyet dinh", DOC_QD},
				              {"cong van", DOC_CV}};
				int t = -1;
				for (size_t q = 0; q < sizeof titles / sizeof titles[0]; q++)
					if (!strcmp(f, titles[q].fold) && is_upper(l->plain))
						t = (int)q;
				if (t >= 0 && kind < 0 && !body.len) {
					kind = (int)titles[t].kind;
					st = S_TITLE;
					buf_reset(&subject);
					continue;
				}
			}
			if (kind == DOC_QD && !body.len && starts(f, "quyet dinh") &&
			    is_upper(l->plain)) /* "QUYẾT ĐỊNH:" before the articles */
				continue;
			if (kind == DOC_QD && !body.len && !bases.n && is_upper(l->plain) &&
			    l->cell == 0) {
				/* "CHỦ TỊCH ỦY BAN NHÂN DÂN …": the authority deciding, not kept */
				sv_push(&unrec, l->plain);
				continue;
			}
			if (starts(f, "kinh gui")) {
				const char *rest = after(a, l->plain, prefix_len(l->plain, "kinh gui"));
				if (*rest)
					sv_push(&rec, list_item(rest) ? arena_strdup(a, list_item(rest))
					                              : rest);
				st = S_KG;
				kg_cell = l->cell;
				continue;
			}
			if (starts(f, "can cu") || starts(f, "thuc hien")) {
				sv_push(&bases, l->plain);
				continue;
			}
			if (!seen_number && !seen_date && kind < 0 && is_upper(l->plain) &&
			    (l->cell > 0 || !vv)) {
				sv_push(&head, l->plain);
				continue;
			}
			if (l->cell > 0 && !starts(f, "noi nhan")) {
				/* a header cell's line we do not know */
				sv_push(&unrec, l->plain);
				continue;
			}
			st = S_BODY;
			goto again;
		case S_BODY:
			if (starts(f, "noi nhan")) {
				const char *rest = after(a, l->plain, prefix_len(l->plain, "noi nhan"));
				dist_cell = l->cell;
				st = S_DIST;
				if (*rest)
					sv_push(&dist, list_item(rest) ? arena_strdup(a, list_item(rest))
					                               : rest);
				continue;
			}
			if (l->cell > 0 && (starts(f, "tm") || starts(f, "kt")) &&
			    is_upper(l->plain)) {
				st = S_SIGN;
				goto again;
			}
			if (body.len)
				buf_putc(&body, '\n');
			buf_puts(&body, body_line(a, l));
			continue;
		case S_DIST: {
			const char *it = list_item(l->plain);
			if (it) {
				sv_push(&dist, arena_strdup(a, it));
				continue;
			}
			if (l->cell == dist_cell && !is_upper(l->plain)) {
				sv_push(&dist, l->plain);
				continue;
			}
			st = S_SIGN;
			goto again;
		}
		case S_SIGN: {
			doc_signer_t *s = &d->signer;
			static const char *const auth[] = {"KT.", "Q.", "TL.", "TUQ."};
			if (!strncmp(l->plain, "TM.", 3) && !*s->tm && !*s->name) {
				s->tm = after(a, l->plain, 3);
				continue;
			}
			int done = 0;
			for (size_t q = 0; q < 4 && !done; q++) {
				size_t al = strlen(auth[q]);
				if (!strncmp(l->plain, auth[q], al) && l->plain[al] == ' ' &&
				    !*s->authority && !*s->name) {
					s->authority = auth[q];
					s->head = after(a, l->plain, al);
					done = 1;
				}
			}
			if (done)
				continue;
			if (l->plain[0] == '(' && has_word(f, "ky")) /* "(Đã ký)" */
				continue;
			/* Nơi nhận and the signer side by side without a table: the list goes on */
			if (list_item(l->plain) && dist_cell >= 0 && l->cell == dist_cell &&
			    !*s->name) {
				sv_push(&dist, arena_strdup(a, list_item(l->plain)));
				continue;
			}
			if (is_upper(l->plain) && !*s->position && !*s->name) {
				s->position = l->plain;
				continue;
			}
			if (!is_upper(l->plain) && !*s->name) {
				s->name = l->plain;
				st = S_END;
				continue;
			}
			sv_push(&unrec, l->plain);
			continue;
		}
		case S_END:
			sv_push(&unrec, l->plain);
			continue;
		}
	}
	/* the issuing body: "ỦY BAN NHÂN DÂN" + place is one body; otherwise the first of
	 * several lines is the parent body */
	if (head.n == 1)
		d->body = head.v[0];
	else if (head.n > 1) {
		buf_t b = BUF_INIT;
		size_t from = 0;
		if (strcmp(text_fold(head.v[0], strlen(head.v[0]), &b) == 0 ? buf_cstr(&b) : "",
		           "uy ban nhan dan") != 0) {
			d->parent_body = head.v[0];
			from = 1;
		}
		buf_reset(&b);
		for (size_t q = from; q < head.n; q++) {
			if (q > from)
				buf_putc(&b, '\n');
			buf_puts(&b, head.v[q]);
		}
		d->body = arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
	}
	free(head.v);
	/* kind: the title, else the symbol's prefix, else a công văn */
	if (kind < 0 && symbol) {
		static const struct {
			const char *p;
			doc_kind_t k;
		} pre[] = {{"KH-", DOC_KH}, {"BC-", DOC_BC}, {"QĐ-", DOC_QD}};
		for (size_t q = 0; q < 3; q++)
			if (!strncmp(symbol, pre[q].p, strlen(pre[q].p)))
				kind = (int)pre[q].k;
	}
	d->kind = kind < 0 ? DOC_CV : (doc_kind_t)kind;
	if (symbol) {
		const char *dash = strrchr(symbol, '-');
		if (d->kind == DOC_CV) {
			d->body_abbr = dash ? arena_strndup(a, symbol, (size_t)(dash - symbol))
			                    : symbol;
			d->drafter_abbr = dash ? dash + 1 : empty;
		} else {
			const char *first = strchr(symbol, '-');
			d->body_abbr = first ? first + 1 : symbol;
		}
	}
	if (subject.len)
		d->subject = upper_first(a, buf_cstr(&subject));
	buf_free(&subject);
	d->text = arena_strdup(a, body.len ? buf_cstr(&body) : "");
	buf_free(&body);
	d->nrecipients = rec.n;
	d->recipients = arena_alloc(a, (rec.n ? rec.n : 1) * sizeof *d->recipients);
	for (size_t q = 0; q < rec.n; q++)
		d->recipients[q] = (doc_target_t){rec.v[q], NULL, 0, NULL, 0};
	free(rec.v);
	d->nbases = bases.n;
	d->bases = arena_alloc(a, (bases.n ? bases.n : 1) * sizeof *d->bases);
	for (size_t q = 0; q < bases.n; q++)
		d->bases[q] = (doc_basis_t){0, bases.v[q]};
	free(bases.v);
	d->ndistribution = dist.n;
	d->distribution = sv_take(&dist, a);
	o->nunrecognised = unrec.n;
	o->unrecognised = sv_take(&unrec, a);
	o->doc = d;
}

/* ---------------------------------------------------------------- entry point */

/* libxml2 wants its initialisation once, before threads use it. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
	xmlInitParser();
}

docx_rc_t
docx_import(const void *data, size_t len, arena_t *a, docx_result_t *out)
{
	memset(out, 0, sizeof *out);
	pthread_once(&xml_once, xml_init);
	pkg_t k;
	docx_rc_t rc = pkg_open(&k, data, len, out);
	const char *part = NULL;
	char *b = NULL;
	size_t n = 0;
	if (rc == DOCX_OK && find_main_part(&k, a, &part, out) < 0)
		rc = DOCX_REFUSED;
	if (rc == DOCX_OK) {
		int r = pkg_read(&k, part, &b, &n, out);
		if (r == 0)
			rc = refuse(out, "Tệp .docx thiếu phần nội dung chính (%s). " RESAVE, part);
		else if (r < 0)
			rc = DOCX_REFUSED;
	}
	styles_t ss = {0};
	numbering_t nb = {0};
	if (rc == DOCX_OK && (read_styles(&k, a, part, &ss, out) < 0 ||
	                      read_numbering(&k, a, part, &nb, out) < 0))
		rc = DOCX_REFUSED;
	pkg_close(&k);
	if (rc != DOCX_OK) {
		free(b);
		return rc;
	}
	xmlDocPtr x = xml_parse(part, b, n, out);
	free(b);
	if (x == NULL)
		return DOCX_REFUSED;
	const xmlNode *root = xmlDocGetRootElement(x);
	const xmlNode *body = is_el(root, "document") ? child(root, "body") : NULL;
	if (body == NULL) {
		xmlFreeDoc(x);
		return refuse(out, "Phần nội dung chính của tệp .docx không có thân văn bản "
		                   "(w:body). " RESAVE);
	}
	walk_t w = {.a = a, .text = BUF_INIT, .st = &ss, .nb = &nb};
	walk_block(&w, body, 0, 2);
	xmlFreeDoc(x);
	buf_free(&w.text);
	free(w.segs);
	if (w.too_deep) {
		free(w.lines);
		return refuse(out, "Văn bản lồng nhau quá sâu (hơn %d cấp); tệp không được "
		                   "nhập. " RESAVE,
		              DOCX_MAX_DEPTH);
	}
	out->nlines = w.n;
	out->nlegacy = w.nlegacy;
	for (size_t q = 0; q < w.nlegacy && q < DOCX_LEGACY_SHOWN; q++) {
		out->legacy_from[q] = w.lfrom[q];
		out->legacy_to[q] = w.lto[q];
	}
	out->legacy_enc = (w.encs & (1u << LEGACY_TCVN3)) && (w.encs & (1u << LEGACY_VNI))
	                          ? "TCVN3 và VNI"
	                  : (w.encs & (1u << LEGACY_VNI)) ? "VNI"
	                                                  : "TCVN3";
	recognise(w.lines, w.n, a, out);
	free(w.lines);
	return DOCX_OK;
}
