/* Import of a Word draft (src/docs/import_docx.c).
 *
 * The fixture tests/data/docx/seed000.docx was made by LibreOffice Writer 7.4 (soffice
 * --convert-to docx) from the text of seed 000 laid out as offices type it (header and
 * signer blocks as borderless 2-column tables, bold headings, a word split across runs):
 * tests/data/docx/make_seed000.py and SOURCE. Its fields must come back as the seed has
 * them (seed000.expected.json, written by the same script from the same text).
 * The hostile files (make_hostile.py) must each be refused with a Vietnamese reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/file.h"
#include "docs/import_docx.h"
#include "text/text.h"

static char *
slurp(const char *name, size_t *len)
{
	char path[512], err[300], *data;
	snprintf(path, sizeof path, "%s/docx/%s", TEST_DATA_DIR, name);
	if (file_read_all(path, 64u << 20, &data, len, err, sizeof err) < 0)
		fail_msg("%s: %s", path, err);
	return data;
}

static json_t *
expected(void)
{
	size_t n;
	char *s = slurp("seed000.expected.json", &n);
	json_error_t je;
	json_t *j = json_loadb(s, n, 0, &je);
	free(s);
	assert_non_null(j);
	return j;
}

static void
assert_field(json_t *got, json_t *want, const char *key)
{
	json_t *g = json_object_get(got, key), *w = json_object_get(want, key);
	if (!json_equal(g, w)) {
		char *gs = json_dumps(g, JSON_ENCODE_ANY), *ws = json_dumps(w, JSON_ENCODE_ANY);
		print_error("field %s\n got:  %s\n want: %s\n", key, gs, ws);
		free(gs);
		free(ws);
		fail();
	}
}

static void
test_seed000_fields(void **state)
{
	(void)state;
	size_t n;
	char *data = slurp("seed000.docx", &n);
	arena_t a = ARENA_INIT;
	docx_result_t r;
	int rc = docx_import(data, n, &a, &r);
	if (rc != DOCX_OK)
		fail_msg("refused: %s", r.error);
	json_t *got = doc_json(r.doc), *want = expected();
	static const char *const keys[] = {"kind",      "date",       "year",    "body_abbr",
	                                   "drafter_abbr", "parent_body", "body",    "place",
	                                   "subject",   "bases",      "recipients", "text",
	                                   "distribution", "signer"};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		assert_field(got, want, keys[k]);
	assert_int_equal(r.doc->number, 0); /* the seed leaves the number blank */
	assert_int_equal(r.doc->nbases, 1);
	assert_int_equal(r.doc->nrecipients, 6);
	assert_int_equal(r.doc->ndistribution, 4);
	/* the run split inside "ứng" came back whole */
	assert_string_equal(r.doc->subject,
	                    "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022");
	/* everything in the file was placed: only the blank lines and rules are not */
	for (size_t k = 0; k < r.nunrecognised; k++)
		print_error("not recognised: %s\n", r.unrecognised[k]);
	assert_int_equal(r.nunrecognised, 0);
	/* and what was recognised is a valid document once the symbol says what it is */
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	if (doc_validate(r.doc, errs, &nerr) < 0)
		fail_msg("%s: %s", errs[0].field, errs[0].msg);
	json_decref(got);
	json_decref(want);
	arena_free(&a);
	free(data);
}

/* A docx written here with libzip around a given document.xml body. */
static char *
make_docx_styled(const char *body_xml, const char *styles_target, const char *styles_xml,
                 size_t *len)
{
	static const char ct[] =
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas."
	        "openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" "
	        "ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" "
	        "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml."
	        "document.main+xml\"/></Types>";
	static const char rels[] =
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://"
	        "schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
	        "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	        "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
	char *doc;
	if (!strncmp(body_xml, "<?xml", 5)) /* a whole document.xml */
		doc = strdup(body_xml);
	else
		assert_true(asprintf(&doc,
	                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document "
	                     "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
	                     "main\"><w:body>%s</w:body></w:document>",
	                     body_xml) > 0);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *buf = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *z = zip_open_from_source(buf, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	zip_source_keep(buf);
	char *docrels = NULL;
	assert_true(asprintf(&docrels,
	                     "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships "
	                     "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
	                     "relationships\"><Relationship Id=\"rId1\" Type=\"http://"
	                     "schemas.openxmlformats.org/officeDocument/2006/relationships/"
	                     "styles\" Target=\"%s\"/></Relationships>",
	                     styles_target ? styles_target : "") > 0);
	const char *names[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml",
	                       "word/_rels/document.xml.rels", "word/styles.xml"};
	const char *datas[] = {ct, rels, doc, docrels, styles_xml};
	for (int k = 0; k < (styles_target ? 5 : 3); k++)
		assert_true(zip_file_add(z, names[k],
		                         zip_source_buffer(z, datas[k], strlen(datas[k]), 0),
		                         0) >= 0);
	assert_int_equal(zip_close(z), 0);
	zip_stat_t st;
	assert_int_equal(zip_source_stat(buf, &st), 0);
	char *out = malloc(st.size);
	assert_int_equal(zip_source_open(buf), 0);
	assert_int_equal(zip_source_read(buf, out, st.size), (zip_int64_t)st.size);
	zip_source_close(buf);
	zip_source_free(buf);
	zip_error_fini(&ze);
	free(doc);
	free(docrels);
	*len = st.size;
	return out;
}

static char *
make_docx(const char *body_xml, size_t *len)
{
	return make_docx_styled(body_xml, NULL, NULL, len);
}

#define R(t) "<w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define P(t) "<w:p><w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r></w:p>"
#define PB(t) "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>" t "</w:t></w:r></w:p>"
#define PC(t) "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>" t "</w:t></w:r></w:p>"

/* Automatic numbering as LibreOffice writes it (numbered.docx, see SOURCE): the numbers
 * and bullets come back as text, so headings and lists are recognised. */
static void
test_numbering(void **state)
{
	(void)state;
	size_t n;
	char *data = slurp("numbered.docx", &n);
	arena_t a = ARENA_INIT;
	docx_result_t r;
	if (docx_import(data, n, &a, &r) != DOCX_OK)
		fail_msg("%s", r.error);
	assert_int_equal(r.doc->kind, DOC_KH);
	assert_int_equal(r.doc->number, 15);
	assert_string_equal(r.doc->subject, "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022");
	assert_string_equal(r.doc->text, "# I. MỤC ĐÍCH, YÊU CẦU\n## 1. Mục đích\n"
	                                 "Nâng cao nhận thức của người dân.\n# II. NỘI DUNG\n"
	                                 "- Tổ chức lễ khai mạc.\n- Tuyên truyền trên loa phường.");
	assert_int_equal(r.doc->ndistribution, 2);
	assert_string_equal(r.doc->distribution[0], "Như trên;");
	assert_string_equal(r.doc->distribution[1], "Lưu: VT.");
	assert_string_equal(r.doc->signer.tm, "ỦY BAN NHÂN DÂN");
	assert_string_equal(r.doc->signer.position, "CHỦ TỊCH");
	assert_string_equal(r.doc->signer.name, "Trần Văn B");
	assert_int_equal(r.nunrecognised, 0);
	arena_free(&a);
	free(data);
}

/* A kế hoạch typed without tables: parent body, body, number, date, title and subject,
 * căn cứ lines, headings of every level, partial bold, a stray line after the name. */
static void
test_plan_without_tables(void **state)
{
	(void)state;
	size_t n;
	char *data = make_docx(
	        P("UBND HUYỆN ĐẠI TỪ") P("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO") P("Số: 05/KH-PGDĐT")
	                P("Đại Từ, ngày 05 tháng 10 năm 2022") PC("KẾ HOẠCH")
	                        PC("Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022")
	                                P("Căn cứ Công văn số 747/CV-PGDĐT-GDTX;") P(
	                                        "Thực hiện chỉ đạo của UBND huyện;") PB("I. MỤC ĐÍCH")
	                                        PB("1. Mục đích") PB("1.1. Chi tiết")
	                                                "<w:p><w:r><w:t xml:space=\"preserve\">Nội dung </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>quan trọng</w:t></w:r><w:r><w:t xml:space=\"preserve\"> ở đây.</w:t></w:r></w:p>"
	                                                        P("Nơi nhận:") P("- Như trên;") P(
	                                                                "- Lưu: VT.") P("TRƯỞNG PHÒNG")
	                                                                P("(Đã ký)") P("Hoàng Văn An")
	                                                                        P("Ghi chú lạ cuối trang"),
	        &n);
	arena_t a = ARENA_INIT;
	docx_result_t r;
	assert_int_equal(docx_import(data, n, &a, &r), DOCX_OK);
	const doc_t *d = r.doc;
	assert_int_equal(d->kind, DOC_KH);
	assert_int_equal(d->number, 5);
	assert_string_equal(d->body_abbr, "PGDĐT");
	assert_string_equal(d->parent_body, "UBND HUYỆN ĐẠI TỪ");
	assert_string_equal(d->body, "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO");
	assert_string_equal(d->place, "Đại Từ");
	assert_int_equal(d->date, text_days_from_civil(2022, 10, 5));
	assert_int_equal(d->year, 2022);
	assert_string_equal(d->subject, "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022");
	assert_int_equal(d->nbases, 2);
	assert_string_equal(d->bases[1].text, "Thực hiện chỉ đạo của UBND huyện;");
	assert_string_equal(d->text, "# I. MỤC ĐÍCH\n## 1. Mục đích\n### 1.1. Chi tiết\n"
	                             "Nội dung **quan trọng** ở đây.");
	assert_int_equal(d->ndistribution, 2);
	assert_string_equal(d->distribution[1], "Lưu: VT.");
	assert_string_equal(d->signer.position, "TRƯỞNG PHÒNG");
	assert_string_equal(d->signer.name, "Hoàng Văn An");
	assert_string_equal(d->signer.authority, "");
	/* shown, not dropped */
	assert_int_equal(r.nunrecognised, 1);
	assert_string_equal(r.unrecognised[0], "Ghi chú lạ cuối trang");
	arena_free(&a);
	free(data);
}

/* A quyết định: the deciding authority under the subject is shown as not recognised, the
 * "QUYẾT ĐỊNH:" line before the articles is layout; a symbol with the year in it. And a
 * công văn whose Kính gửi names are centred without dashes. */
static void
test_decision_and_centred_recipients(void **state)
{
	(void)state;
	size_t n;
	char *data = make_docx(
	        P("ỦY BAN NHÂN DÂN") P("HUYỆN TIÊN LÃNG") P("Số: 03/2022/QĐ-UBND")
	                P("Tiên Lãng, ngày 20 tháng 10 năm 2022") PC("QUYẾT ĐỊNH")
	                        PC("Về việc khen thưởng các tập thể tham gia tích cực Tuần lễ")
	                                PC("CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TIÊN LÃNG")
	                                        P("Căn cứ Luật Thi đua, Khen thưởng;") PC("QUYẾT ĐỊNH:")
	                                                PB("Điều 1. Khen thưởng 05 tập thể.")
	                                                        P("Nơi nhận:") P("- Như Điều 3;")
	                                                                P("CHỦ TỊCH") P("Nguyễn Văn A"),
	        &n);
	arena_t a = ARENA_INIT;
	docx_result_t r;
	assert_int_equal(docx_import(data, n, &a, &r), DOCX_OK);
	assert_int_equal(r.doc->kind, DOC_QD);
	assert_int_equal(r.doc->number, 3);
	assert_string_equal(r.doc->body_abbr, "UBND");
	assert_string_equal(r.doc->body, "ỦY BAN NHÂN DÂN\nHUYỆN TIÊN LÃNG");
	assert_string_equal(r.doc->subject,
	                    "Về việc khen thưởng các tập thể tham gia tích cực Tuần lễ");
	assert_int_equal(r.doc->nbases, 1);
	assert_string_equal(r.doc->text, "**Điều 1. Khen thưởng 05 tập thể.**");
	assert_string_equal(r.doc->signer.position, "CHỦ TỊCH");
	assert_int_equal(r.nunrecognised, 1);
	assert_string_equal(r.unrecognised[0], "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TIÊN LÃNG");
	free(data);
	data = make_docx(P("Số: 12/UBND-VP") P("V/v thử") PC("Kính gửi:")
	                         "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>" R("Phòng Giáo dục và Đào tạo") "</w:p>"
	                         P("Nội dung."),
	                 &n);
	assert_int_equal(docx_import(data, n, &a, &r), DOCX_OK);
	assert_int_equal(r.doc->nrecipients, 1);
	assert_string_equal(r.doc->recipients[0].text, "Phòng Giáo dục và Đào tạo");
	assert_string_equal(r.doc->text, "Nội dung.");
	free(data);
	/* the number and the place-date typed on one line, apart by tabs */
	data = make_docx("<w:p><w:r><w:t>Số: 05/KH-UBND</w:t></w:r><w:r><w:tab/><w:tab/>"
	                 "<w:t>Hải An, ngày 05 tháng 01 năm 2022</w:t></w:r></w:p>" PC("KẾ HOẠCH")
	                         PC("Tổ chức Tuần lễ") P("Nội dung."),
	                 &n);
	assert_int_equal(docx_import(data, n, &a, &r), DOCX_OK);
	assert_int_equal(r.doc->number, 5);
	assert_string_equal(r.doc->body_abbr, "UBND");
	assert_string_equal(r.doc->place, "Hải An");
	assert_int_equal(r.doc->date, text_days_from_civil(2022, 1, 5));
	assert_string_equal(r.doc->subject, "Tổ chức Tuần lễ");
	assert_int_equal(r.nunrecognised, 0);
	free(data);
	arena_free(&a);
}

/* A draft typed without any table, columns set apart with tabs: header, number and
 * place-date, Nơi nhận beside the signer block. */
static void
test_tab_columns(void **state)
{
	(void)state;
#define TABS "</w:t></w:r><w:r><w:tab/><w:tab/><w:t>"
#define PT(a, b) "<w:p><w:r><w:t>" a TABS b "</w:t></w:r></w:p>"
	const char *body =
	        PT("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	                PT("HUYỆN TIÊN LÃNG", "Độc lập - Tự do - Hạnh phúc")
	                        PT("Số: 2945/UBND-GDĐT", "Tiên Lãng, ngày 26 tháng 9 năm 2022")
	                                P("V/v tổ chức Tuần lễ") P("Kính gửi: Phòng Giáo dục và Đào tạo.")
	                                        "<w:p><w:r><w:t>1.</w:t></w:r><w:r><w:tab/><w:t>Chủ đề</w:t></w:r></w:p>"
	                                                P("Nội dung.") PT("Nơi nhận:", "KT. CHỦ TỊCH")
	                                                        PT("- Như trên;", "PHÓ CHỦ TỊCH")
	                                                                P("- Lưu: VT, GDĐT.") P("Nguyễn Ngọc Huy");
	size_t n;
	char *data = make_docx(body, &n);
	arena_t a = ARENA_INIT;
	docx_result_t r;
	if (docx_import(data, n, &a, &r) != DOCX_OK)
		fail_msg("%s", r.error);
	for (size_t k = 0; k < r.nunrecognised; k++)
		print_error("not recognised: %s\n", r.unrecognised[k]);
	const doc_t *d = r.doc;
	assert_string_equal(d->body, "ỦY BAN NHÂN DÂN\nHUYỆN TIÊN LÃNG");
	assert_int_equal(d->number, 2945);
	assert_string_equal(d->drafter_abbr, "GDĐT");
	assert_string_equal(d->place, "Tiên Lãng");
	assert_int_equal(d->date, text_days_from_civil(2022, 9, 26));
	assert_string_equal(d->subject, "Tổ chức Tuần lễ");
	assert_int_equal(d->nrecipients, 1);
	assert_string_equal(d->text, "## 1. Chủ đề\nNội dung.");
	assert_int_equal(d->ndistribution, 2);
	assert_string_equal(d->distribution[0], "Như trên;");
	assert_string_equal(d->distribution[1], "Lưu: VT, GDĐT.");
	assert_string_equal(d->signer.authority, "KT.");
	assert_string_equal(d->signer.head, "CHỦ TỊCH");
	assert_string_equal(d->signer.position, "PHÓ CHỦ TỊCH");
	assert_string_equal(d->signer.name, "Nguyễn Ngọc Huy");
	assert_int_equal(r.nunrecognised, 0);
	free(data);
	arena_free(&a);
}

/* The place-date typed in a text box (as a drawing with its VML fallback: read once), and
 * Kính gửi in the left cell of a table with the names in the right one. */
static void
test_text_box_and_table_recipients(void **state)
{
	(void)state;
#define BOX(t) "<w:txbxContent>" P(t) "</w:txbxContent>"
	const char *body =
	        P("ỦY BAN NHÂN DÂN") P("HUYỆN TIÊN LÃNG") P("Số: 9/UBND-GDĐT")
	                "<w:p><w:r><mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/"
	                "markup-compatibility/2006\"><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor "
	                "xmlns:wp=\"x\"><a:graphic xmlns:a=\"y\"><a:graphicData><wps:wsp xmlns:wps=\"z\">"
	                "<wps:txbx>" BOX("Tiên Lãng, ngày 03 tháng 10 năm 2022") "</wps:txbx></wps:wsp>"
	                "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback>"
	                "<w:pict><v:shape xmlns:v=\"v\"><v:textbox>" BOX("Tiên Lãng, ngày 03 tháng 10 năm 2022")
	                "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
	                "<w:r><w:t>V/v thử hộp chữ</w:t></w:r></w:p>"
	                "<w:tbl><w:tr><w:tc>" P("Kính gửi:") "</w:tc><w:tc>" P("- Phòng Giáo dục và Đào tạo;")
	                        P("Trung tâm Văn hóa - Thông tin và Thể thao.") "</w:tc></w:tr></w:tbl>"
	                                P("Nội dung.");
	size_t n;
	char *data = make_docx(body, &n);
	arena_t a = ARENA_INIT;
	docx_result_t r;
	if (docx_import(data, n, &a, &r) != DOCX_OK)
		fail_msg("%s", r.error);
	for (size_t k = 0; k < r.nunrecognised; k++)
		print_error("not recognised: %s\n", r.unrecognised[k]);
	assert_string_equal(r.doc->place, "Tiên Lãng");
	assert_int_equal(r.doc->date, text_days_from_civil(2022, 10, 3));
	assert_string_equal(r.doc->subject, "Thử hộp chữ");
	assert_int_equal(r.doc->nrecipients, 2);
	assert_string_equal(r.doc->recipients[0].text, "Phòng Giáo dục và Đào tạo;");
	assert_string_equal(r.doc->recipients[1].text, "Trung tâm Văn hóa - Thông tin và Thể thao.");
	assert_string_equal(r.doc->text, "Nội dung.");
	assert_int_equal(r.nunrecognised, 0);
	free(data);
	arena_free(&a);
}

/* Word's styles: a localized Heading 1 (styleId "u1", built-in name "heading 1"), a
 * custom style bold through basedOn, a character style that is italic, a run that turns
 * its style's bold off. And a styles relationship pointing outside the package. */
static void
test_styles(void **state)
{
	(void)state;
	static const char styles[] =
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:styles xmlns:w=\"http://schemas."
	        "openxmlformats.org/wordprocessingml/2006/main\">"
	        "<w:style w:type=\"paragraph\" w:styleId=\"u1\"><w:name w:val=\"heading 1\"/>"
	        "</w:style>"
	        "<w:style w:type=\"paragraph\" w:styleId=\"Dam\"><w:name w:val=\"Đậm\"/>"
	        "<w:rPr><w:b/></w:rPr></w:style>"
	        "<w:style w:type=\"paragraph\" w:styleId=\"Muc\"><w:name w:val=\"Mục\"/>"
	        "<w:basedOn w:val=\"Dam\"/></w:style>"
	        "<w:style w:type=\"character\" w:styleId=\"Nghieng\"><w:rPr><w:i/></w:rPr>"
	        "</w:style>"
	        "<w:style w:type=\"paragraph\" w:styleId=\"Vong\"><w:basedOn w:val=\"Vong\"/>"
	        "</w:style></w:styles>";
#define SP(style, runs) "<w:p><w:pPr><w:pStyle w:val=\"" style "\"/></w:pPr>" runs "</w:p>"
	const char *body =
	        P("Số: 7/UBND-VP") P("V/v thử kiểu chữ") P("Kính gửi: Các phòng ban;")
	                SP("u1", R("MỤC ĐÍCH CHUNG")) SP("Muc", R("1. Đậm nhờ kiểu gốc."))
	                        SP("Muc", R("Cả dòng đậm")
	                                          "<w:r><w:rPr><w:b w:val=\"0\"/></w:rPr><w:t "
	                                          "xml:space=\"preserve\"> trừ đoạn này</w:t></w:r>")
	                                SP("Vong", "<w:r><w:rPr><w:rStyle w:val=\"Nghieng\"/>"
	                                           "</w:rPr><w:t>nghiêng</w:t></w:r>" R(" thường"));
	size_t n;
	char *data = make_docx_styled(body, "styles.xml", styles, &n);
	arena_t a = ARENA_INIT;
	docx_result_t r;
	if (docx_import(data, n, &a, &r) != DOCX_OK)
		fail_msg("%s", r.error);
	assert_string_equal(r.doc->text, "# MỤC ĐÍCH CHUNG\n## 1. Đậm nhờ kiểu gốc.\n"
	                                 "**Cả dòng đậm** trừ đoạn này\n*nghiêng* thường");
	assert_string_equal(r.doc->drafter_abbr, "VP");
	assert_string_equal(r.doc->subject, "Thử kiểu chữ");
	assert_int_equal(r.doc->nrecipients, 1);
	free(data);
	data = make_docx_styled(body, "../../styles.xml", styles, &n);
	assert_int_equal(docx_import(data, n, &a, &r), DOCX_REFUSED);
	assert_non_null(strstr(r.error, "\"../\""));
	free(data);
	/* a styles relationship to a part that is not there is no reason to refuse */
	data = make_docx_styled(body, "missing.xml", styles, &n);
	assert_int_equal(docx_import(data, n, &a, &r), DOCX_OK);
	free(data);
	arena_free(&a);
}

/* Each hostile or malformed file is refused with a Vietnamese reason naming the cause. */
static void
test_hostile_refused(void **state)
{
	(void)state;
	static const struct {
		const char *file, *says;
	} cases[] = {
	        {"hostile/bomb_huge.docx", "giải nén lớn hơn 20 MB"},
	        {"hostile/bomb_lying.docx", "nhiều hơn kích thước khai báo"},
	        {"hostile/entities.docx", "DOCTYPE/ENTITY"},
	        {"hostile/xxe.docx", "DOCTYPE/ENTITY"},
	        {"hostile/missing_part.docx", "thiếu phần nội dung chính"},
	        {"hostile/not_zip.docx", "không phải tệp nén zip"},
	        {"hostile/traversal.docx", "\"../\""},
	        {"hostile/traversal_rels.docx", "\"../\""},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t n;
		char *data = slurp(cases[k].file, &n);
		arena_t a = ARENA_INIT;
		docx_result_t r;
		int rc = docx_import(data, n, &a, &r);
		print_message("%s: %s\n", cases[k].file, r.error);
		assert_int_equal(rc, DOCX_REFUSED);
		assert_null(r.doc);
		if (strstr(r.error, cases[k].says) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[k].file, r.error, cases[k].says);
		assert_non_null(strstr(r.error, "Hãy")); /* says what to do */
		arena_free(&a);
		free(data);
	}
	/* and the empty upload, and a truncated zip */
	arena_t a = ARENA_INIT;
	docx_result_t r;
	assert_int_equal(docx_import("", 0, &a, &r), DOCX_REFUSED);
	assert_non_null(strstr(r.error, "rỗng"));
	size_t n;
	char *data = slurp("seed000.docx", &n);
	assert_int_equal(docx_import(data, n / 2, &a, &r), DOCX_REFUSED);
	assert_non_null(strstr(r.error, "hỏng"));
	free(data);
	/* another encoding declared (it could hide a DOCTYPE from the scan) */
	data = make_docx("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><w:document xmlns:w="
	                 "\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	                 "<w:body/></w:document>",
	                 &n);
	assert_int_equal(docx_import(data, n, &a, &r), DOCX_REFUSED);
	assert_non_null(strstr(r.error, "không ở mã UTF-8"));
	free(data);
	/* a document.xml nested deeper than we allow (100 levels of content controls), and
	 * deeper than libxml2 allows (300) */
	for (int levels = 100; levels <= 300; levels += 200) {
		buf_t deep = BUF_INIT;
		for (int k = 0; k < levels; k++)
			buf_puts(&deep, "<w:sdt><w:sdtContent>");
		buf_puts(&deep, P("x"));
		for (int k = 0; k < levels; k++)
			buf_puts(&deep, "</w:sdtContent></w:sdt>");
		data = make_docx(buf_cstr(&deep), &n);
		assert_int_equal(docx_import(data, n, &a, &r), DOCX_REFUSED);
		print_message("deep %d: %s\n", levels, r.error);
		assert_non_null(strstr(r.error, levels == 100 ? "lồng nhau quá sâu" : "lồng quá sâu"));
		free(data);
		buf_free(&deep);
	}
	arena_free(&a);
}

/* Our own DOCX export (src/docs/render_docx.c, a different writer from LibreOffice:
 * its own paragraph styles carrying bold and the outline level, its own header tables) of
 * each demo document comes back as the same document, but for what a file cannot carry:
 * the units each line reaches, and duties as rows (they come back as the "- who: task"
 * lines they were printed as, where "[nhiệm vụ]" stood). */
static void
roundtrip(const char *name)
{
	char path[512], err[300], *json;
	size_t n;
	snprintf(path, sizeof path, "%s/data/demo/docs/%s", TEST_SOURCE_DIR, name);
	if (file_read_all(path, 1u << 20, &json, &n, err, sizeof err) < 0)
		fail_msg("%s", err);
	arena_t a = ARENA_INIT;
	doc_t *src;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr;
	assert_int_equal(doc_parse(json, n, &a, &src, errs, &nerr), 0);
	src->number = 2945;
	buf_t docx = BUF_INIT;
	assert_int_equal(docr_render_docx(doc_render_model(src, NULL, &a), &docx, err, sizeof err),
	                 0);
	docx_result_t r;
	if (docx_import(docx.data, docx.len, &a, &r) != DOCX_OK)
		fail_msg("%s refused: %s", name, r.error);
	const doc_t *d = r.doc;
	print_message("%s: %zu lines, %zu not recognised\n", name, r.nlines, r.nunrecognised);
	assert_int_equal(d->kind, src->kind);
	assert_int_equal(d->number, 2945);
	assert_string_equal(d->body_abbr, src->body_abbr);
	assert_string_equal(d->drafter_abbr, src->drafter_abbr);
	assert_string_equal(d->parent_body, src->parent_body);
	assert_string_equal(d->body, src->body);
	assert_string_equal(d->place, src->place);
	assert_int_equal(d->date, src->date);
	assert_string_equal(d->subject, src->subject);
	assert_int_equal(d->nbases, src->nbases);
	for (size_t k = 0; k < d->nbases; k++)
		assert_string_equal(d->bases[k].text, src->bases[k].text);
	assert_int_equal(d->nrecipients, src->nrecipients);
	for (size_t k = 0; k < d->nrecipients; k++)
		assert_string_equal(d->recipients[k].text, src->recipients[k].text);
	assert_int_equal(d->ndistribution, src->ndistribution);
	for (size_t k = 0; k < d->ndistribution; k++)
		assert_string_equal(d->distribution[k], src->distribution[k]);
	assert_string_equal(d->signer.tm, src->signer.tm);
	assert_string_equal(d->signer.authority, src->signer.authority);
	assert_string_equal(d->signer.head, src->signer.head);
	assert_string_equal(d->signer.position, src->signer.position);
	if (src->signer.name[0] != '(') /* "(đã ký)" stands for no name */
		assert_string_equal(d->signer.name, src->signer.name);
	/* the body, headings and all, up to where the duties were printed */
	const char *cut = strstr(src->text, "[nhiệm vụ]");
	size_t same = cut ? (size_t)(cut - src->text) : strlen(src->text);
	if (strncmp(d->text, src->text, same) != 0)
		fail_msg("%s: body differs:\n%.*s\n----\n%s", name, (int)same, src->text, d->text);
	for (size_t k = 0; k < src->nduties; k++)
		assert_non_null(strstr(d->text, src->duties[k].who.text));
	/* nothing left over but the annexes (not imported: they are listed) */
	if (src->nannexes == 0)
		assert_int_equal(r.nunrecognised, 0);
	else
		assert_string_equal(r.unrecognised[0], "Phụ lục");
	buf_free(&docx);
	free(json);
	arena_free(&a);
}

static void
test_roundtrip_own_export(void **state)
{
	(void)state;
	roundtrip("000-tien-lang-cong-van-2945.json");
	roundtrip("001-ha-thuong-ke-hoach.json");
	roundtrip("002-dai-tu-cong-van-747.json");
	roundtrip("003-hai-an-ke-hoach.json");
	roundtrip("003-hai-an-bao-cao.json");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_seed000_fields),
	        cmocka_unit_test(test_plan_without_tables),
	        cmocka_unit_test(test_numbering),
	        cmocka_unit_test(test_hostile_refused),
	        cmocka_unit_test(test_styles),
	        cmocka_unit_test(test_tab_columns),
	        cmocka_unit_test(test_text_box_and_table_recipients),
	        cmocka_unit_test(test_decision_and_centred_recipients),
	        cmocka_unit_test(test_roundtrip_own_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
