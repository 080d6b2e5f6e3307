/* Documents as data: strict parsing with field errors, the Decree-30 strings (number,
 * symbol, place-date with its leading zeros, references), defaults for a unit, derivation,
 * body markup and the render model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs/doc.h"

static const char *const SAMPLE =
        "{\"kind\":\"cv\",\"number\":2945,\"date\":\"2022-09-26\",\"body_abbr\":\"UBND\","
        "\"drafter_abbr\":\"GDĐT\",\"parent_body\":\"\",\"body\":\"Ủy ban nhân dân\\nhuyện Tiên "
        "Lãng\",\"place\":\"Tiên Lãng\",\"subject\":\"Tổ chức Tuần lễ hưởng ứng học tập suốt đời "
        "năm 2022\",\"bases\":[{\"text\":\"Thực hiện Công văn số 3201/VP-VX ngày 14/9/2022;\"}],"
        "\"recipients\":[{\"text\":\"Phòng Giáo dục và Đào tạo\",\"units\":[\"TL-PGDDT\"],"
        "\"kinds\":[]},{\"text\":\"Chủ tịch UBND các xã, thị trấn\",\"units\":[],\"kinds\":"
        "[\"xa\",\"thi_tran\"]}],\"text\":\"## 1. Chủ đề\\nChủ đề: **Thúc đẩy** *chuyển đổi "
        "số*.\\n[nhiệm vụ]\\nKết thúc./.\",\"duties\":[{\"who\":\"Phòng Giáo dục và Đào "
        "tạo\",\"units\":[\"TL-PGDDT\"],\"kinds\":[],\"role\":\"chu_tri\",\"task\":\"Chủ trì "
        "tổng hợp báo cáo.\",\"due\":\"2022-10-10\"}],\"distribution\":[\"Như trên;\",\"Lưu: "
        "VT, GDĐT.\"],\"signer\":{\"tm\":\"Ủy ban nhân dân\",\"authority\":\"KT.\",\"head\":"
        "\"Chủ tịch\",\"position\":\"Phó Chủ tịch\",\"name\":\"Nguyễn Ngọc Huy\"},\"annexes\":"
        "[]}";

static doc_t *
parse_ok(arena_t *a, const char *json)
{
	doc_t *d;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t n;
	int rc = doc_parse(json, strlen(json), a, &d, errs, &n);
	if (rc != 0)
		fail_msg("parse failed: %s: %s", n ? errs[0].field : "?", n ? errs[0].msg : "?");
	return d;
}

/* The first error's field for a document that must be refused. */
static const char *
parse_err(arena_t *a, const char *json, char *msg, size_t cap)
{
	doc_t *d;
	static doc_error_t errs[DOC_MAX_ERRORS];
	size_t n;
	assert_int_equal(doc_parse(json, strlen(json), a, &d, errs, &n), -1);
	assert_true(n >= 1);
	assert_null(d);
	snprintf(msg, cap, "%s", errs[0].msg);
	return errs[0].field;
}

/* SAMPLE with one substring replaced. */
static char *
variant(const char *from, const char *to)
{
	const char *p = strstr(SAMPLE, from);
	assert_non_null(p);
	size_t n = strlen(SAMPLE) - strlen(from) + strlen(to) + 1;
	char *s = malloc(n);
	snprintf(s, n, "%.*s%s%s", (int)(p - SAMPLE), SAMPLE, to, p + strlen(from));
	return s;
}

static void
test_round_trip(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	doc_t *d = parse_ok(&a, SAMPLE);
	assert_int_equal(d->kind, DOC_CV);
	assert_int_equal(d->number, 2945);
	assert_int_equal(d->nrecipients, 2);
	assert_int_equal(d->recipients[1].nkinds, 2);
	assert_int_equal(d->nduties, 1);
	assert_true(d->duties[0].lead);
	json_t *j = doc_json(d);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	doc_t *d2 = parse_ok(&a, s);
	json_t *j2 = doc_json(d2);
	char *s2 = json_dumps(j2, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, s2);
	free(s);
	free(s2);
	json_decref(j);
	json_decref(j2);
	arena_free(&a);
}

static void
test_errors_name_the_field(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	char msg[300];
	struct {
		const char *from, *to, *field, *words;
	} cases[] = {
	        {"\"place\":", "\"colour\":\"x\",\"place\":", "colour", "không được hỗ trợ"},
	        {"\"date\":\"2022-09-26\"", "\"date\":\"2022-02-31\"", "date", "Ngày không hợp lệ"},
	        {"\"due\":\"2022-10-10\"", "\"due\":\"10/10/2022\"", "duties[0].due",
	         "năm-tháng-ngày"},
	        {"\"authority\":\"KT.\"", "\"authority\":\"XX.\"", "signer.authority", "KT., Q."},
	        {"\"kind\":\"cv\"", "\"kind\":\"thu\"", "kind", "công văn"},
	        {"\"task\":\"Chủ trì tổng hợp báo cáo.\"", "\"task\":\"\"", "duties[0].task",
	         "nội dung nhiệm vụ"},
	        {"\"subject\":\"Tổ chức", "\"subject\":\"\\u0001Tổ chức", "subject",
	         "ký tự không hợp lệ"},
	        {"\"role\":\"chu_tri\"", "\"role\":\"lanh_dao\"", "duties[0].role", "phối hợp"},
	        {"\"drafter_abbr\":\"GDĐT\"", "\"drafter_abbr\":\"\"", "drafter_abbr",
	         "đơn vị soạn thảo"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = variant(cases[i].from, cases[i].to);
		const char *f = parse_err(&a, s, msg, sizeof msg);
		if (strcmp(f, cases[i].field) || !strstr(msg, cases[i].words))
			fail_msg("case %zu: got %s: %s", i, f, msg);
		free(s);
	}
	/* oversize task */
	size_t big = DOC_MAX_TASK + 10;
	char *task = malloc(big + 20);
	memset(task, 'a', big);
	task[big] = '\0';
	char *with = malloc(big + 40);
	snprintf(with, big + 40, "\"task\":\"%s\"", task);
	char *s = variant("\"task\":\"Chủ trì tổng hợp báo cáo.\"", with);
	assert_string_equal(parse_err(&a, s, msg, sizeof msg), "duties[0].task");
	assert_non_null(strstr(msg, "dài quá"));
	free(s);
	free(with);
	free(task);
	/* not JSON at all */
	assert_string_equal(parse_err(&a, "{\"kind\":", msg, sizeof msg), "");
	arena_free(&a);
}

static void
test_decree30_strings(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	doc_t *d = parse_ok(&a, SAMPLE);
	buf_t b = BUF_INIT;
	doc_number_line(d, &b);
	assert_string_equal(buf_cstr(&b), "Số: 2945/UBND-GDĐT");
	buf_reset(&b);
	doc_place_date(d, &b);
	assert_string_equal(buf_cstr(&b), "Tiên Lãng, ngày 26 tháng 9 năm 2022");
	buf_reset(&b);
	doc_reference(d, "Ủy ban nhân dân huyện Tiên Lãng", &b);
	assert_string_equal(buf_cstr(&b),
	                    "Công văn số 2945/UBND-GDĐT ngày 26/9/2022 của Ủy ban nhân dân huyện "
	                    "Tiên Lãng về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời năm "
	                    "2022");

	char *kh = variant("\"kind\":\"cv\",\"number\":2945,\"date\":\"2022-09-26\"",
	                   "\"kind\":\"kh\",\"number\":5,\"date\":\"2022-01-05\"");
	doc_t *k = parse_ok(&a, kh);
	free(kh);
	buf_reset(&b);
	doc_number_line(k, &b);
	assert_string_equal(buf_cstr(&b), "Số: 05/KH-UBND");
	buf_reset(&b);
	doc_place_date(k, &b);
	assert_string_equal(buf_cstr(&b), "Tiên Lãng, ngày 05 tháng 01 năm 2022");
	k->date = 0;
	k->number = 0;
	k->year = 2022;
	buf_reset(&b);
	doc_number_line(k, &b);
	assert_string_equal(buf_cstr(&b), "Số:        /KH-UBND");
	buf_reset(&b);
	doc_place_date(k, &b);
	assert_string_equal(buf_cstr(&b), "Tiên Lãng, ngày      tháng      năm 2022");
	buf_free(&b);
	arena_free(&a);
}

static void
test_defaults_and_derive(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	doc_t d = {0};
	doc_defaults_for_unit(&d, &a, "Phòng Giáo dục và Đào tạo huyện Đại Từ", "phong_gddt", 0,
	                      "Huyện Đại Từ");
	assert_string_equal(d.body, "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO");
	assert_string_equal(d.parent_body, "UBND HUYỆN ĐẠI TỪ");
	assert_string_equal(d.body_abbr, "PGDĐT");
	assert_string_equal(d.place, "Đại Từ");
	doc_t x = {0};
	doc_defaults_for_unit(&x, &a, "Xã Hà Thượng", "xa", 1, NULL);
	assert_string_equal(x.body, "ỦY BAN NHÂN DÂN\nXÃ HÀ THƯỢNG");
	assert_string_equal(x.place, "Hà Thượng");
	assert_string_equal(x.body_abbr, "UBND");

	doc_t *p = parse_ok(&a, SAMPLE);
	doc_t *k = doc_derive(p, 42, "Ủy ban nhân dân huyện Tiên Lãng", &a);
	assert_int_equal(k->kind, DOC_KH);
	assert_int_equal(k->nbases, 1);
	assert_int_equal(k->bases[0].doc_id, 42);
	assert_string_equal(
	        k->bases[0].text,
	        "Thực hiện Công văn số 2945/UBND-GDĐT ngày 26/9/2022 của Ủy ban nhân "
	        "dân huyện Tiên Lãng về việc tổ chức Tuần lễ hưởng ứng học tập suốt đời "
	        "năm 2022;");
	assert_int_equal(k->nduties, 0);
	assert_int_equal(k->date, 0);
	assert_int_equal(k->year, 2022);
	doc_defaults_for_unit(k, &a, "Xã Hà Thượng", "xa", 1, NULL);
	k->signer.name = "Đặng Văn Thi";
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t n;
	assert_int_equal(doc_validate(k, errs, &n), 0);
	arena_free(&a);
}

static void
test_markup_and_model(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	docr_para_t *ps;
	size_t n = doc_markup(
	        "# I. MỤC ĐÍCH\n\n  text **bold** and *it* ***both*** 2*3\n### 2.1. X", &a, &ps);
	assert_int_equal(n, 3);
	assert_int_equal(ps[0].style, DR_H1);
	assert_string_equal(ps[0].runs[0].text, "I. MỤC ĐÍCH");
	assert_int_equal(ps[1].style, DR_PARA);
	assert_string_equal(ps[1].runs[0].text, "text ");
	assert_string_equal(ps[1].runs[1].text, "bold");
	assert_true(ps[1].runs[1].bold);
	assert_string_equal(ps[1].runs[3].text, "it");
	assert_true(ps[1].runs[3].italic && !ps[1].runs[3].bold);
	assert_string_equal(ps[1].runs[5].text, "both");
	assert_true(ps[1].runs[5].italic && ps[1].runs[5].bold);
	assert_string_equal(ps[1].runs[6].text, " 2*3");
	assert_int_equal(ps[2].style, DR_H3);

	doc_t *d = parse_ok(&a, SAMPLE);
	docr_t *r = doc_render_model(d, NULL, &a);
	assert_string_equal(r->body, "ỦY BAN NHÂN DÂN\nHUYỆN TIÊN LÃNG");
	assert_string_equal(r->vv, "V/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022");
	assert_string_equal(r->type_name, "");
	assert_int_equal(r->nkinh_gui, 2);
	assert_string_equal(r->kinh_gui[0], "Phòng Giáo dục và Đào tạo;");
	assert_string_equal(r->kinh_gui[1], "Chủ tịch UBND các xã, thị trấn.");
	assert_int_equal(r->nsigner_lines, 3);
	assert_string_equal(r->signer_lines[0], "TM. ỦY BAN NHÂN DÂN");
	assert_string_equal(r->signer_lines[1], "KT. CHỦ TỊCH");
	assert_string_equal(r->signer_lines[2], "PHÓ CHỦ TỊCH");
	/* basis, heading, text, the duty where the marker was, closing */
	assert_int_equal(r->nparas, 5);
	assert_int_equal(r->paras[1].style, DR_H2);
	assert_string_equal(r->paras[3].runs[0].text, "- Phòng Giáo dục và Đào tạo: ");
	assert_string_equal(r->paras[4].runs[0].text, "Kết thúc./.");
	arena_free(&a);
}

/* One formatter for every citation: Decree 30 zero padding, blanks for a draft. */
static void
test_citation(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	buf_t b = BUF_INIT;
	int32_t d28 = 19263; /* 2022-09-28 */
	doc_citation(DOC_KH, 1, "KH-UBND", d28, "Ủy ban nhân dân quận Hải An", &b);
	assert_string_equal(
	        buf_cstr(&b),
	        "Kế hoạch số 01/KH-UBND ngày 28/9/2022 của Ủy ban nhân dân quận Hải An");
	buf_reset(&b);
	doc_citation(DOC_KH, 9, "KH-UBND", 0, NULL, &b);
	assert_string_equal(buf_cstr(&b), "Kế hoạch số 09/KH-UBND");
	buf_reset(&b);
	doc_citation(DOC_BC, 10, "BC-UBND", 0, "", &b);
	assert_string_equal(buf_cstr(&b), "Báo cáo số 10/BC-UBND");
	buf_reset(&b);
	doc_citation(DOC_CV, 2945, "UBND-GDĐT", 19261, NULL, &b);
	assert_string_equal(buf_cstr(&b), "Công văn số 2945/UBND-GDĐT ngày 26/9/2022");
	/* a draft: blanks where the number goes, as on its own number line */
	buf_reset(&b);
	doc_citation(DOC_KH, 0, "KH-UBND", 0, "Ủy ban nhân dân quận Hải An", &b);
	assert_string_equal(buf_cstr(&b),
	                    "Kế hoạch số       /KH-UBND của Ủy ban nhân dân quận Hải An");
	buf_reset(&b);
	doc_number_symbol(-3, "KH-UBND", &b);
	assert_string_equal(buf_cstr(&b), "      /KH-UBND");
	/* dates: day < 10 and months 1, 2 padded, as the seeds write them */
	buf_reset(&b);
	doc_cite_date(19268, &b); /* 2022-10-03 */
	doc_cite_date(0, &b);
	buf_putc(&b, ' ');
	doc_cite_date(18997, &b); /* 2022-01-05 */
	assert_string_equal(buf_cstr(&b), "03/10/2022 05/01/2022");

	char *kh = variant("\"kind\":\"cv\",\"number\":2945,\"date\":\"2022-09-26\"",
	                   "\"kind\":\"kh\",\"number\":1,\"date\":\"2022-09-28\"");
	doc_t *k = parse_ok(&a, kh);
	free(kh);
	buf_reset(&b);
	doc_annex_reference(k, doc_running_name(&a, "Quận Hải An", 1), &b);
	assert_string_equal(buf_cstr(&b), "(Kèm theo Kế hoạch số 01/KH-UBND ngày 28/9/2022 của "
	                                  "Ủy ban nhân dân quận Hải An)");
	buf_reset(&b);
	doc_cite_short(k, &b);
	assert_string_equal(buf_cstr(&b), "Kế hoạch 01/KH-UBND");
	docr_t *r = doc_render_model(k, NULL, &a);
	assert_non_null(strstr(r->meta_title, "Kế hoạch 01/KH-UBND: "));
	buf_reset(&b);
	doc_reference(k, "Ủy ban nhân dân huyện Tiên Lãng", &b);
	assert_non_null(strstr(buf_cstr(&b), "Kế hoạch số 01/KH-UBND ngày 28/9/2022 của Ủy ban"));
	/* derived plans cite their parent padded */
	doc_t *child = doc_derive(k, 7, "Ủy ban nhân dân quận Hải An", &a);
	assert_non_null(strstr(child->bases[0].text, "Thực hiện Kế hoạch số 01/KH-UBND ngày "
	                                             "28/9/2022 của Ủy ban nhân dân quận Hải An"));
	k->number = 0;
	buf_reset(&b);
	doc_cite_short(k, &b);
	assert_string_equal(buf_cstr(&b), "Kế hoạch KH-UBND");
	assert_string_equal(doc_running_name(&a, "Phòng Giáo dục và Đào tạo quận Hải An", 0),
	                    "Phòng Giáo dục và Đào tạo quận Hải An");
	assert_string_equal(doc_running_name(&a, "Đặc khu Bạch Long Vĩ", 1),
	                    "Ủy ban nhân dân đặc khu Bạch Long Vĩ");
	buf_free(&b);
	arena_free(&a);
}

/* The text of paragraph p (its runs joined). */
static const char *
ptext(arena_t *a, const docr_para_t *p)
{
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < p->nruns; i++)
		buf_puts(&b, p->runs[i].text);
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* Tổ chức thực hiện keeps its structure: a numbered bold heading per body, its tasks under
 * it; duties of the same body group under one heading; a công văn of one task per body
 * keeps seed 000's "- Body: task" list. */
static void
test_duties_grouped(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	/* the demo's Hải An plan (seed 003) */
	FILE *f = fopen(TEST_SOURCE_DIR "/data/demo/docs/003-hai-an-ke-hoach.json", "rb");
	assert_non_null(f);
	char *json = malloc(1 << 20);
	size_t len = fread(json, 1, (1 << 20) - 1, f);
	fclose(f);
	json[len] = '\0';
	doc_t *d = parse_ok(&a, json);
	free(json);
	docr_t *r = doc_render_model(d, NULL, &a);
	size_t at = r->nparas;
	for (size_t i = 0; i < r->nparas; i++)
		if (!strcmp(ptext(&a, &r->paras[i]), "III. TỔ CHỨC THỰC HIỆN"))
			at = i + 1;
	assert_true(at < r->nparas);
	/* heading, then how many tasks (0: one plain paragraph) */
	static const struct {
		const char *head;
		int ntasks;
		const char *first;
	} want[] = {
	        {"1. Phòng Giáo dục và Đào tạo quận", 5, "- Hướng dẫn, đôn đốc, kiểm tra"},
	        {"2. Trung tâm Văn hóa thông tin và Thể thao quận", 0,
	         "Phối hợp với Phòng GD&ĐT, các phòng ban"},
	        {"3. Ủy ban nhân dân các phường", 3, "- Chủ động xây dựng kế hoạch"},
	        {"4. Các cơ sở giáo dục trong quận", 2, "- Tổ chức các hoạt động tuyên truyền"},
	};
	for (size_t k = 0; k < 4; k++) {
		const docr_para_t *h = &r->paras[at++];
		assert_int_equal(h->style, DR_H2);
		assert_true(h->runs[0].bold);
		assert_string_equal(ptext(&a, h), want[k].head);
		int n = want[k].ntasks ? want[k].ntasks : 1;
		for (int j = 0; j < n; j++) {
			const docr_para_t *t = &r->paras[at++];
			const char *tx = ptext(&a, t);
			assert_int_equal(t->style, DR_PARA);
			assert_false(t->runs[0].bold);
			assert_null(strchr(tx, '\n'));
			if (j == 0)
				assert_true(!strncmp(tx, want[k].first, strlen(want[k].first)));
			assert_true(want[k].ntasks ? !strncmp(tx, "- ", 2)
			                           : strncmp(tx, "- ", 2) != 0);
		}
	}
	assert_true(!strncmp(ptext(&a, &r->paras[at]), "Kết thúc Tuần lễ yêu cầu",
	                     strlen("Kết thúc Tuần lễ yêu cầu")));

	/* several duties of one body (one task each) group under its heading, in the order
	 * bodies first appear */
	doc_t k = *d;
	doc_duty_t du[3] = {{.who = {.text = "Phòng Giáo dục và Đào tạo quận"}, .task = "Việc A"},
	                    {.who = {.text = "Ủy ban nhân dân các phường"}, .task = "- Việc B"},
	                    {.who = {.text = "Phòng Giáo dục và Đào tạo quận"}, .task = "Việc C"}};
	k.duties = du;
	k.nduties = 3;
	k.text = "[nhiệm vụ]";
	k.nbases = 0;
	r = doc_render_model(&k, NULL, &a);
	assert_int_equal(r->nparas, 5);
	assert_string_equal(ptext(&a, &r->paras[0]), "1. Phòng Giáo dục và Đào tạo quận");
	assert_string_equal(ptext(&a, &r->paras[1]), "- Việc A");
	assert_string_equal(ptext(&a, &r->paras[2]), "- Việc C");
	assert_string_equal(ptext(&a, &r->paras[3]), "2. Ủy ban nhân dân các phường");
	assert_string_equal(ptext(&a, &r->paras[4]), "Việc B");
	/* a công văn with one task per body: seed 000's list; with a body of two tasks:
	 * numbered headings as well */
	k.kind = DOC_CV;
	du[2].who.text = "Phòng Văn hóa và Thông tin";
	r = doc_render_model(&k, NULL, &a);
	assert_int_equal(r->nparas, 3);
	assert_string_equal(ptext(&a, &r->paras[1]), "- Ủy ban nhân dân các phường: Việc B");
	du[1].task = "Việc B\n- Việc D";
	r = doc_render_model(&k, NULL, &a);
	assert_int_equal(r->nparas, 7);
	assert_string_equal(ptext(&a, &r->paras[2]), "2. Ủy ban nhân dân các phường");
	assert_string_equal(ptext(&a, &r->paras[4]), "- Việc D");
	arena_free(&a);
}

/* doc_clean: texts in NFC and trimmed, a bidi override in the subject, a control character
 * in the signer, a required line of wide spaces and an oversized task refused naming the
 * part. */
static void
test_clean(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t n;
	doc_t *d = parse_ok(&a, SAMPLE);
	/* "Hỏc tập suốt đời" typed as base letters and combining marks */
	d->subject = "  Ho\xcc\x89"
	             "c ta\xcc\xa3\xcc\x82"
	             "p suo\xcc\x82\xcc\x81"
	             "t \xc4\x91\xe1\xbb\x9d"
	             "i  ";
	assert_int_equal(doc_clean(d, &a, errs, &n), 0);
	assert_string_equal(d->subject, "Hỏc tập suốt đời");
	d->subject = "Kế hoạch \xe2\x80\xae"
	             "abc";
	d->signer.name = "Nguyễn\x07Văn";
	d->place = "\xe3\x80\x80";
	assert_int_equal(doc_clean(d, &a, errs, &n), -1);
	assert_int_equal(n, 3);
	assert_string_equal(errs[0].field, "subject");
	assert_non_null(
	        strstr(errs[0].msg, "Trích yếu (V/v…): có ký tự đảo chiều chữ (bidi) U+202E"));
	assert_string_equal(errs[1].field, "place");
	assert_non_null(strstr(errs[1].msg, "Địa danh: chỉ có khoảng trắng"));
	assert_string_equal(errs[2].field, "signer.name");
	assert_non_null(strstr(errs[2].msg, "U+0007"));
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_errors_name_the_field),
	        cmocka_unit_test(test_decree30_strings),
	        cmocka_unit_test(test_citation),
	        cmocka_unit_test(test_duties_grouped),
	        cmocka_unit_test(test_defaults_and_derive),
	        cmocka_unit_test(test_markup_and_model),
	        cmocka_unit_test(test_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
