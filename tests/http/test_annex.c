/* The báo cáo's annex against seed 003's form, over real HTTP on the demo: quận Hải An's
 * draft báo cáo (demo_documents) as PDF (pdftotext -layout), as DOCX (word/document.xml
 * read with libxml2) and its Phụ lục as XLSX (sheet1.xml + sharedStrings.xml with
 * libxml2) each compared line by line, in order, with the form as the seed prints it
 * (tests/data/seed003_bc_form.txt, a verbatim copy): "Số: …/BC-…", the place and date,
 * the two-line title, "I. Công tác chỉ đạo", "II. Kết quả cụ thể", "1. Các kết quả…", the
 * table's header, every row with its number, label and marker ("-" or "+"), "2. Những
 * thuận lợi và khó khăn", "III. Kế hoạch tiếp theo", "Nơi nhận:", "THỦ TRƯỞNG ĐƠN VỊ".
 * Then the Phụ lục XLSX's print setup (A4, header row repeated, no shrinking, a number
 * format with literal dots, Ghi chú without units) and the per-unit matrix's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "app/app.h"
#include "core/buf.h"
#include "domain/demo.h"
#include "domain/demo_docs.h"
#include "helper_app.h"

#define PASSWORD "Phu-luc-kiem-tra-22"

static char tmpdir[] = "/tmp/suotdoi-annex-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t admin;
static int64_t bc; /* Hải An's draft báo cáo */
static int64_t kh; /* Hải An's plan, which sends the blank form down */

/* ---- lines ---- */

/* A line of a rendered annex: its cells (a paragraph or a PDF line is one cell; a table
 * row of DOCX or XLSX one per column) and, for a table row, whether its content cell is
 * bold. */
typedef struct line {
	char *cell[4];
	int ncells;
	int bold;
} line_t;

typedef struct lines {
	line_t *v;
	size_t n, cap;
} lines_t;

static line_t *
add_line(lines_t *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		assert_non_null(l->v);
	}
	line_t *x = &l->v[l->n++];
	memset(x, 0, sizeof *x);
	return x;
}

static void
free_lines(lines_t *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (int c = 0; c < l->v[i].ncells; c++)
			free(l->v[i].cell[c]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* s with the seed's markdown gone (**, *, #, <b>, </b>), blanks collapsed, and without
 * the blanks, dots, colons and ellipses the form leaves to write on at the end
 * ("Số lớp xóa mù chữ:....." -> "Số lớp xóa mù chữ"). Fresh. */
static char *
norm(const char *s)
{
	char *o = malloc(strlen(s) + 1);
	assert_non_null(o);
	size_t k = 0;
	int space = 1;
	for (const char *p = s; *p;) {
		if (!strncmp(p, "<b>", 3) || !strncmp(p, "</b>", 4)) {
			p += p[1] == '/' ? 4 : 3;
			continue;
		}
		if (*p == '*' || *p == '#') {
			p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			if (!space)
				o[k++] = ' ';
			space = 1;
			p++;
			continue;
		}
		o[k++] = *p++;
		space = 0;
	}
	for (;;) {
		if (k && strchr(" .:", o[k - 1]))
			k--;
		else if (k >= 3 && !memcmp(o + k - 3, "…", 3))
			k -= 3;
		else
			break;
	}
	o[k] = '\0';
	return o;
}

/* ---- the seed's form ---- */

typedef enum { E_NUMBER, E_DATE, E_TEXT, E_HEADER, E_ROW, E_CLOSE } ekind_t;

typedef struct entry {
	ekind_t kind;
	char tt[8];
	char *text; /* normalised */
} entry_t;

static entry_t form[128];
static size_t nform;

static void
add_entry(ekind_t kind, const char *tt, const char *text)
{
	assert_true(nform < sizeof form / sizeof form[0]);
	entry_t *e = &form[nform++];
	e->kind = kind;
	snprintf(e->tt, sizeof e->tt, "%s", tt);
	e->text = norm(text);
}

/* Reads tests/data/seed003_bc_form.txt into form[]. */
static void
read_form(void)
{
	FILE *f = fopen(TEST_DATA_DIR "/seed003_bc_form.txt", "r");
	assert_non_null(f);
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *t = norm(line);
		if (!t[0] || !strcmp(t, "---")) {
			free(t);
			continue;
		}
		if (line[0] == '|') {
			/* | tt | content<br>- line<br>... | Kết quả | Ghi chú | */
			char *cells[8] = {0};
			int n = 0;
			for (char *p = line + 1; n < 8;) {
				char *bar = strchr(p, '|');
				if (!bar)
					break;
				*bar = '\0';
				cells[n++] = p;
				p = bar + 1;
			}
			assert_true(n >= 2);
			char *tt = norm(cells[0]), *content = norm(cells[1]);
			if (strspn(cells[0], "-| ") == strlen(cells[0]) && strchr(cells[0], '-'))
				; /* the separator row */
			else if (strstr(content, "Nội dung hoạt động"))
				add_entry(E_HEADER, "", content);
			else if (content[0]) {
				int first = 1;
				for (char *p = cells[1]; p;) {
					char *br = strstr(p, "<br>");
					if (br)
						*br = '\0';
					add_entry(E_ROW, first ? tt : "", p);
					first = 0;
					p = br ? br + 4 : NULL;
				}
			}
			free(tt);
			free(content);
		} else if (!strncmp(t, "Số:", strlen("Số:"))) {
			add_entry(E_NUMBER, "", t);
		} else if (strstr(t, ", ngày ")) {
			add_entry(E_DATE, "", t);
		} else if (strstr(t, "Nơi nhận") || strstr(t, "THỦ TRƯỞNG")) {
			add_entry(E_CLOSE, "", t);
		} else {
			add_entry(E_TEXT, "", t);
		}
		free(t);
	}
	fclose(f);
	/* what the copy holds: 2 + 2 title lines + I, II, 1., header, 8 groups and 37 lines
	 * under them, 2., III, Nơi nhận, Thủ trưởng */
	size_t rows = 0, plus = 0;
	for (size_t i = 0; i < nform; i++) {
		rows += form[i].kind == E_ROW;
		plus += form[i].kind == E_ROW && !strncmp(form[i].text, "+ ", 2);
	}
	assert_int_equal(rows, 45);
	assert_int_equal(plus, 7);
	assert_int_equal(nform, 2 + 2 + 3 + 1 + 45 + 2 + 2);
}

/* ---- comparing ---- */

/* Does rendered line x show entry e? pdf: x is a line of pdftotext -layout (one cell;
 * wrapped labels: their first 40 bytes must start the line). */
static int
matches(const entry_t *e, const line_t *x, int pdf)
{
	char joined[8192] = "";
	for (int c = 0; c < x->ncells; c++) {
		strncat(joined, x->cell[c], sizeof joined - strlen(joined) - 2);
		strcat(joined, " ");
	}
	char *s = norm(joined);
	int ok = 0;
	switch (e->kind) {
	case E_NUMBER: ok = !strncmp(s, "Số:", strlen("Số:")) && strstr(s, "/BC-"); break;
	case E_DATE: ok = strstr(s, ", ngày ") && strstr(s, " tháng ") && strstr(s, " năm "); break;
	case E_CLOSE: ok = strstr(s, e->text) != NULL; break;
	case E_HEADER:
		ok = strstr(s, "Nội dung hoạt động") &&
		     (pdf || (strstr(s, "Kết quả, Số lượng") && strstr(s, "Ghi chú")));
		break;
	case E_TEXT:
	case E_ROW: {
		const char *p = s;
		if (e->tt[0]) {
			size_t n = strlen(e->tt);
			if (strncmp(p, e->tt, n) || p[n] != ' ')
				break;
			p += n + 1;
		} else if (e->kind == E_ROW && !pdf) {
			/* a DOCX or XLSX row: the number cell must be empty */
			char *tt = x->ncells ? norm(x->cell[0]) : NULL;
			int empty = tt && !tt[0];
			free(tt);
			if (!empty)
				break;
			while (*p == ' ')
				p++;
		}
		if (pdf) {
			size_t n = strlen(e->text) < 40 ? strlen(e->text) : 40;
			ok = !strncmp(p, e->text, n);
		} else if (e->kind == E_ROW) {
			char *label = norm(x->cell[1]);
			ok = x->ncells >= 2 && !strcmp(label, e->text);
			free(label);
		} else {
			ok = x->ncells == 1 && !strcmp(s, e->text);
		}
		break;
	}
	}
	free(s);
	return ok;
}

/* A rendered line that must be the form's next: in the table, every row (DOCX, XLSX) or
 * every line starting with a marker or a number (PDF); anywhere, a heading "II.1". */
static int
structural(const line_t *x, int in_table, int pdf)
{
	char *s = x->ncells ? norm(x->cell[0]) : NULL;
	int r = 0;
	if (s && (!strncmp(s, "II.1", 4) || !strncmp(s, "II.2", 4)))
		r = 1;
	else if (in_table && !pdf)
		r = x->ncells >= 3;
	else if (in_table && s)
		r = !strncmp(s, "- ", 2) || !strncmp(s, "+ ", 2) ||
		    (isdigit((unsigned char)s[0]) && s[1] == ' ');
	free(s);
	return r;
}

static void
compare(const char *what, const lines_t *l, size_t from, int pdf)
{
	size_t k = 0;
	int in_table = 0;
	for (size_t i = from; i < l->n && k < nform; i++) {
		const line_t *x = &l->v[i];
		int advanced = 0;
		/* one line may show several closing entries ("Nơi nhận:" beside the signer) */
		while (k < nform && matches(&form[k], x, pdf) &&
		       (!advanced || form[k].kind == E_CLOSE)) {
			if (form[k].kind == E_HEADER)
				in_table = 1;
			if (form[k].kind == E_ROW && !pdf) {
				/* a group is bold, a line under it is not */
				if (x->bold != (form[k].tt[0] != '\0'))
					fail_msg("%s: \"%s\" is %sbold", what, form[k].text,
					         x->bold ? "" : "not ");
			}
			k++;
			advanced = 1;
			if (form[k - 1].kind != E_CLOSE)
				break;
		}
		if (advanced) {
			if (k < nform && form[k].kind != E_ROW && form[k - 1].kind == E_ROW)
				in_table = 0;
			continue;
		}
		if (structural(x, in_table, pdf))
			fail_msg("%s: line %zu \"%s%s%s\" where the form has \"%s%s%s\"", what, i,
			         x->cell[0], x->ncells > 1 ? " | " : "",
			         x->ncells > 1 ? x->cell[1] : "", form[k].tt,
			         form[k].tt[0] ? " " : "", form[k].text);
	}
	if (k < nform)
		fail_msg("%s: the form's \"%s%s%s\" (entry %zu of %zu) is missing", what,
		         form[k].tt, form[k].tt[0] ? " " : "", form[k].text, k + 1, nform);
}

/* ---- reading the outputs ---- */

static char *
zip_read(const buf_t *file, const char *member)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(file->data, file->len, 0, &ze);
	assert_non_null(src);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	zip_stat_t st;
	assert_int_equal(zip_stat(z, member, 0, &st), 0);
	char *d = malloc(st.size + 1);
	zip_file_t *f = zip_fopen(z, member, 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, d, st.size), (zip_int64_t)st.size);
	d[st.size] = '\0';
	zip_fclose(f);
	zip_close(z);
	return d;
}

static xmlDocPtr
parse_xml(const char *s)
{
	xmlDocPtr d = xmlReadMemory(s, (int)strlen(s), "x.xml", "UTF-8", XML_PARSE_NONET);
	assert_non_null(d);
	return d;
}

static int
is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Text of every descendant named t (w:t, or a spreadsheet's t) appended to b. */
static void
texts(const xmlNode *n, buf_t *b)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "t")) {
			xmlChar *v = xmlNodeGetContent(c);
			buf_puts(b, (const char *)v);
			xmlFree(v);
		} else if (is(c, "p") && b->len) {
			buf_putc(b, ' ');
			texts(c, b);
		} else {
			texts(c, b);
		}
	}
}

static int
has_bold(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (is(c, "b") || has_bold(c))
			return 1;
	return 0;
}

static void
docx_lines(const char *xml, lines_t *out)
{
	xmlDocPtr d = parse_xml(xml);
	xmlNode *body = xmlDocGetRootElement(d)->children;
	while (body && !is(body, "body"))
		body = body->next;
	assert_non_null(body);
	for (xmlNode *n = body->children; n; n = n->next) {
		buf_t b = BUF_INIT;
		if (is(n, "p")) {
			texts(n, &b);
			line_t *x = add_line(out);
			x->cell[0] = buf_steal(&b, NULL);
			x->ncells = 1;
		} else if (is(n, "tbl")) {
			for (xmlNode *tr = n->children; tr; tr = tr->next) {
				if (!is(tr, "tr"))
					continue;
				line_t *x = add_line(out);
				for (xmlNode *tc = tr->children; tc; tc = tc->next) {
					if (!is(tc, "tc") || x->ncells == 4)
						continue;
					buf_reset(&b);
					texts(tc, &b);
					if (x->ncells == 1)
						x->bold = has_bold(tc);
					x->cell[x->ncells++] = buf_steal(&b, NULL);
				}
			}
		}
		buf_free(&b);
	}
	xmlFreeDoc(d);
}

/* Rows of sheet1.xml, cells A..D as shown (shared strings resolved). */
static void
xlsx_lines(const char *sheet, const char *sst, lines_t *out, int *bold_style)
{
	xmlDocPtr ds = parse_xml(sst);
	char *strs[1024];
	size_t ns = 0;
	for (xmlNode *si = xmlDocGetRootElement(ds)->children; si; si = si->next) {
		if (!is(si, "si") || ns == 1024)
			continue;
		buf_t b = BUF_INIT;
		texts(si, &b);
		strs[ns++] = buf_steal(&b, NULL);
	}
	xmlFreeDoc(ds);
	xmlDocPtr d = parse_xml(sheet);
	xmlNode *data = xmlDocGetRootElement(d)->children;
	while (data && !is(data, "sheetData"))
		data = data->next;
	assert_non_null(data);
	for (xmlNode *row = data->children; row; row = row->next) {
		if (!is(row, "row"))
			continue;
		char *cells[4] = {0};
		int bold = 0;
		for (xmlNode *c = row->children; c; c = c->next) {
			if (!is(c, "c"))
				continue;
			xmlChar *r = xmlGetProp(c, (const xmlChar *)"r");
			xmlChar *t = xmlGetProp(c, (const xmlChar *)"t");
			xmlChar *s = xmlGetProp(c, (const xmlChar *)"s");
			int col = r[0] - 'A';
			char *v = NULL;
			for (xmlNode *e = c->children; e; e = e->next)
				if (is(e, "v")) {
					xmlChar *x = xmlNodeGetContent(e);
					v = strdup((const char *)x);
					xmlFree(x);
				}
			if (col >= 0 && col < 4 && v) {
				if (t && !strcmp((const char *)t, "s")) {
					size_t i = (size_t)atoi(v);
					assert_true(i < ns);
					cells[col] = strdup(strs[i]);
				} else {
					cells[col] = strdup(v);
				}
				if (col == 1 && s)
					bold = bold_style[atoi((const char *)s)];
			}
			free(v);
			xmlFree(r);
			xmlFree(t);
			xmlFree(s);
		}
		int n = 0;
		for (int k = 0; k < 4; k++)
			n += cells[k] != NULL;
		if (n == 0)
			continue;
		line_t *x = add_line(out);
		/* a line across the sheet (merged, its text in A) is one cell; a table row (a
		 * label in B) keeps its four, and so does the closing row (Nơi nhận | THỦ
		 * TRƯỞNG ĐƠN VỊ in A and C) */
		int table = cells[1] || (cells[0] && cells[2]);
		if (table) {
			for (int k = 0; k < 4; k++)
				x->cell[x->ncells++] = cells[k] ? cells[k] : strdup("");
		} else {
			for (int k = 0; k < 4; k++)
				if (cells[k] && !x->ncells)
					x->cell[x->ncells++] = cells[k];
				else
					free(cells[k]);
		}
		x->bold = bold;
	}
	xmlFreeDoc(d);
	for (size_t i = 0; i < ns; i++)
		free(strs[i]);
}

/* Which cellXfs of styles.xml are bold (their font has <b/>). */
static void
bold_styles(const char *styles, int *bold, size_t cap)
{
	xmlDocPtr d = parse_xml(styles);
	int fonts[256] = {0};
	size_t nf = 0, nx = 0;
	for (xmlNode *n = xmlDocGetRootElement(d)->children; n; n = n->next) {
		if (is(n, "fonts"))
			for (xmlNode *f = n->children; f; f = f->next)
				if (is(f, "font") && nf < 256)
					fonts[nf++] = has_bold(f);
		if (is(n, "cellXfs"))
			for (xmlNode *x = n->children; x; x = x->next) {
				if (!is(x, "xf") || nx == cap)
					continue;
				xmlChar *fid = xmlGetProp(x, (const xmlChar *)"fontId");
				size_t i = fid ? (size_t)atoi((const char *)fid) : 0;
				bold[nx++] = i < nf ? fonts[i] : 0;
				xmlFree(fid);
			}
	}
	xmlFreeDoc(d);
}

/* ---- setup ---- */

/* With ANNEX_OUT set (a directory), the file is copied there to look at. */
static void
keep(const buf_t *body, const char *name)
{
	const char *dir = getenv("ANNEX_OUT");
	if (!dir || !dir[0])
		return;
	char path[600];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(body->data, 1, body->len, f);
	fclose(f);
}

static hc_resp_t get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static hc_resp_t
get(const char *fmt, ...)
{
	char path[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	hc_resp_t r = ha_req(port, &admin, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld", path, r.status);
	return r;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "d.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	if (ha_demo_docs(&app, &campaign) < 0)
		return -1;
	ha_user(&app, "quantri.vn", "VN", ROLE_ADMIN, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &admin, "quantri.vn", PASSWORD) != 303)
		return -1;
	/* Hải An's báo cáo */
	hc_resp_t r = get("/api/v1/units/306/docs");
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	size_t k;
	json_t *d;
	json_array_foreach(json_object_get(j, "issued"), k, d)
	{
		const char *kind = json_string_value(json_object_get(d, "kind"));
		if (!strcmp(kind, "bc"))
			bc = json_integer_value(json_object_get(d, "id"));
		else if (!strcmp(kind, "kh"))
			kh = json_integer_value(json_object_get(d, "id"));
	}
	json_decref(j);
	read_form();
	return bc > 0 && kh > 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	for (size_t i = 0; i < nform; i++)
		free(form[i].text);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The index of the last line reading exactly "Phụ lục" (the annex's label). */
static size_t
annex_start(const lines_t *l)
{
	size_t at = l->n;
	for (size_t i = 0; i < l->n; i++) {
		char *s = l->v[i].ncells == 1 ? norm(l->v[i].cell[0]) : NULL;
		if (s && !strcmp(s, "Phụ lục"))
			at = i;
		free(s);
	}
	assert_true(at < l->n);
	return at;
}

/* The line after the label cites the plan the form came with, by number and date. */
static void
assert_reference(const char *what, const lines_t *l, size_t at)
{
	/* (wrapped in the PDF: up to the closing bracket) */
	buf_t b = BUF_INIT;
	for (size_t i = at + 1; i < l->n && i < at + 4; i++) {
		buf_printf(&b, "%s ", l->v[i].cell[0]);
		if (strchr(l->v[i].cell[0], ')'))
			break;
	}
	char *s = norm(buf_cstr(&b));
	buf_free(&b);
	if (strcmp(s, "(Kèm theo Kế hoạch số 01/KH-UBND ngày 28/9/2022 của Ủy ban nhân dân quận "
	              "Hải An)"))
		fail_msg("%s: the reference line reads \"%s\"", what, s);
	free(s);
}

/* ---- tests ---- */

/* The document's PDF as the lines of pdftotext -layout (blank lines dropped). */
static void
pdf_lines(int64_t id, const char *name, lines_t *l)
{
	hc_resp_t r = get("/units/306/docs/%lld/pdf", (long long)id);
	char pdf[300], cmd[700];
	snprintf(pdf, sizeof pdf, "%s/%s", tmpdir, name);
	FILE *f = fopen(pdf, "wb");
	assert_non_null(f);
	fwrite(r.body.data, 1, r.body.len, f);
	fclose(f);
	keep(&r.body, name);
	hc_resp_free(&r);
	snprintf(cmd, sizeof cmd, "pdftotext -layout -enc UTF-8 '%s' -", pdf);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char buf[8192];
	while (fgets(buf, sizeof buf, p)) {
		buf[strcspn(buf, "\n")] = '\0';
		char *s = norm(buf); /* pdftotext's page breaks (form feeds) are blanks too */
		if (s[0]) {
			line_t *x = add_line(l);
			x->cell[0] = strdup(buf);
			x->ncells = 1;
		}
		free(s);
	}
	assert_int_equal(pclose(p), 0);
}

static void
test_pdf(void **state)
{
	(void)state;
	lines_t l = {0};
	pdf_lines(bc, "bc.pdf", &l);
	size_t at = annex_start(&l);
	assert_reference("PDF", &l, at);
	compare("PDF", &l, at + 1, 1);
	/* the báo cáo's own number line (a draft: its number left blank) */
	int found = 0;
	for (size_t i = at; i < l.n && !found; i++) {
		char *s = norm(l.v[i].cell[0]);
		found = !strcmp(s, "Số: /BC-UBND");
		free(s);
	}
	assert_true(found);
	free_lines(&l);
}

/* The plan sends the same form down blank: "Số: …/BC-…" and a blank date for the units to
 * fill, not the plan's own number; the reference line cites the plan itself. */
static void
test_plan_pdf(void **state)
{
	(void)state;
	lines_t l = {0};
	pdf_lines(kh, "kh.pdf", &l);
	size_t at = annex_start(&l);
	assert_reference("plan PDF", &l, at);
	compare("plan PDF", &l, at + 1, 1);
	int number = 0;
	for (size_t i = at; i < l.n; i++) {
		char *s = norm(l.v[i].cell[0]);
		if (!strncmp(s, "Số:", strlen("Số:"))) {
			assert_non_null(strstr(l.v[i].cell[0], "Số: …/BC-…"));
			assert_null(strstr(s, "/KH-"));
			number++;
		}
		free(s);
	}
	assert_int_equal(number, 1);
	free_lines(&l);
}

static void
test_docx(void **state)
{
	(void)state;
	hc_resp_t r = get("/units/306/docs/%lld/docx", (long long)bc);
	keep(&r.body, "bc.docx");
	char *xml = zip_read(&r.body, "word/document.xml");
	hc_resp_free(&r);
	lines_t l = {0};
	docx_lines(xml, &l);
	free(xml);
	size_t at = annex_start(&l);
	assert_reference("DOCX", &l, at);
	compare("DOCX", &l, at + 1, 0);
	free_lines(&l);
}

static void
test_xlsx(void **state)
{
	(void)state;
	hc_resp_t r = get("/campaigns/%lld/units/306/phuluc.xlsx", (long long)campaign);
	keep(&r.body, "phuluc.xlsx");
	char *sheet = zip_read(&r.body, "xl/worksheets/sheet1.xml");
	char *sst = zip_read(&r.body, "xl/sharedStrings.xml");
	char *styles = zip_read(&r.body, "xl/styles.xml");
	char *wb = zip_read(&r.body, "xl/workbook.xml");
	hc_resp_free(&r);
	int bold[512] = {0};
	bold_styles(styles, bold, 512);
	lines_t l = {0};
	xlsx_lines(sheet, sst, &l, bold);
	compare("XLSX", &l, 0, 0);

	/* Ghi chú holds notes on values, never a unit of measure */
	static const char *const units[] = {"bài",   "tin",  "tờ",  "cuốn", "cái",       "lần",
	                                    "người", "lượt", "lớp", "đồng", "trung tâm", "cơ sở"};
	for (size_t i = 0; i < l.n; i++)
		for (size_t u = 0; l.v[i].ncells == 4 && u < sizeof units / sizeof *units; u++)
			if (!strcmp(l.v[i].cell[3], units[u]))
				fail_msg("XLSX: Ghi chú of \"%s\" is \"%s\"", l.v[i].cell[1],
				         units[u]);
	free_lines(&l);

	/* A4 portrait one page wide (the effective scale is computed in
	 * tests/unit/test_phuluc.c), the table's header row on every page */
	assert_non_null(strstr(sheet, "paperSize=\"9\""));
	assert_non_null(strstr(sheet, "orientation=\"portrait\""));
	assert_non_null(strstr(sheet, "fitToHeight=\"0\""));
	const char *sc = strstr(sheet, "scale=\"");
	assert_true(sc == NULL || atoi(sc + 7) == 100);
	const char *pt = strstr(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">");
	assert_non_null(pt);
	assert_non_null(strstr(pt, "'Phụ lục'!$"));
	/* the repeated row is the header "TT | Nội dung hoạt động | …" */
	int hrow = atoi(strstr(pt, "!$") + 2);
	char ref[16];
	snprintf(ref, sizeof ref, "<row r=\"%d\"", hrow);
	const char *row = strstr(sheet, ref);
	assert_non_null(row);
	/* numbers with literal dots in every locale, never #,##0 */
	assert_null(strstr(styles, "#,##0"));
	assert_non_null(strstr(styles, "[&gt;=1000000]#\\.###\\.##0&quot; bài&quot;;[&gt;=1000]"
	                               "#\\.##0&quot; bài&quot;;0&quot; bài&quot;"));
	free(sheet);
	free(sst);
	free(styles);
	free(wb);
}

static void
test_matrix_xlsx(void **state)
{
	(void)state;
	hc_resp_t r = get("/campaigns/%lld/units/306/matrix?format=xlsx", (long long)campaign);
	keep(&r.body, "matrix.xlsx");
	char *sheet = zip_read(&r.body, "xl/worksheets/sheet1.xml");
	char *wb = zip_read(&r.body, "xl/workbook.xml");
	hc_resp_free(&r);
	/* A4 landscape, one page wide and as many down as needed, header rows repeated,
	 * header and the code and name columns frozen, header titles wrapped */
	assert_non_null(strstr(sheet, "<pageSetUpPr fitToPage=\"1\"/>"));
	const char *ps = strstr(sheet, "<pageSetup paperSize=\"9\" orientation=\"landscape\" "
	                               "fitToWidth=\"");
	assert_non_null(ps);
	int across = atoi(strstr(ps, "fitToWidth=\"") + 12);
	assert_non_null(strstr(ps, "fitToHeight=\"0\"/>"));
	assert_non_null(strstr(sheet, "xSplit=\"2\" ySplit=\"3\""));
	/* the columns go across as few pages as print them at 75 % or more: 1046 px of
	 * landscape A4 at 96 dpi hold 1046 / 0.75 px of sheet, less the code and name
	 * columns repeated on each page */
	double px = 0, fixed = 0;
	int c = 0;
	for (const char *q = strstr(sheet, "<col "); q; q = strstr(q + 1, "<col "), c++) {
		double w = atof(strstr(q, "width=\"") + 7) - 182.0 / 256;
		px += w * 7 + 5;
		if (c < 2)
			fixed += w * 7 + 5;
	}
	assert_true(c > 40);
	double per = 1046 / 0.75 - fixed;
	int want = (int)((px - fixed + per - 1) / per);
	if (across < want - 1 || across > want + 1 || across < 2)
		fail_msg("matrix: %d pages across for %.0f px of columns (want %d)", across, px,
		         want);
	/* title and header rows, and the code and name columns, on every page */
	if (!strstr(wb, "_xlnm.Print_Titles\" localSheetId=\"0\">'") || !strstr(wb, "'!$A:$B,'") ||
	    !strstr(wb, "'!$1:$3</definedName>"))
		fail_msg("matrix print titles: %s", wb);
	/* no column wider than its data or 18 characters of header */
	for (const char *q = strstr(sheet, "<col "); q; q = strstr(q + 1, "<col "))
		assert_true(atof(strstr(q, "width=\"") + 7) <= 61);
	free(sheet);
	free(wb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pdf),         cmocka_unit_test(test_plan_pdf),
	        cmocka_unit_test(test_docx),        cmocka_unit_test(test_xlsx),
	        cmocka_unit_test(test_matrix_xlsx),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
