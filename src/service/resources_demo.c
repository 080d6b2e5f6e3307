/* Demo open learning resources of Hải Phòng's 2022 Week in quận Hải An: a primary
 * school's PDF handbook for the elderly, a learning centre's link, a draft (never public).
 * Written through res_save, so they pass the same checks as the form. */
#include <stdio.h>
#include <string.h>

#include "service/resources.h"
#include "text/text.h"

/* A one-page PDF: the handbook's cover line. Enough for a viewer to open. */
static const char handbook_pdf[] =
        "%PDF-1.4\n"
        "1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
        "2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
        "3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources <</Font <</F1 5 0 R>>>>>> endobj\n"
        "4 0 obj <</Length 73>> stream\n"
        "BT /F1 20 Tf 60 760 Td (Cam nang ky nang so cho nguoi cao tuoi) Tj ET\n"
        "endstream endobj\n"
        "5 0 obj <</Type /Font /Subtype /Type1 /BaseFont /Helvetica>> endobj\n"
        "trailer <</Root 1 0 R>>\n"
        "%%EOF\n";

typedef struct demo_res {
	const char *unit, *title, *description, *topic, *audience, *licence, *link, *published,
	        *status;
	int pdf;
} demo_res_t;

static const demo_res_t demo[] = {
        {"HA-11413-TH", "Cẩm nang kỹ năng số cho người cao tuổi",
         "Hướng dẫn từng bước dùng điện thoại thông minh: gọi video với con cháu, cài đặt "
         "VNeID, nhận biết tin nhắn lừa đảo. Học sinh lớp 5 dùng khi hướng dẫn ông bà.",
         "chuyen_doi_so", "nguoi_cao_tuoi", "cc_by_4", NULL, "03/10/2022", "published", 1},
        {"HA-11413-TTHTCD", "Kho sách giáo khoa và học liệu điện tử hoclieu.vn",
         "Sách giáo khoa điện tử, bài giảng và học liệu số miễn phí của Bộ Giáo dục và Đào "
         "tạo; trung tâm giới thiệu cho người dân và phụ huynh.",
         "van_hoa_doc", "nguoi_dan", "don_vi_chia_se", "https://hoclieu.vn", "04/10/2022",
         "published", 0},
        {"HA-11413-THCS", "Đề cương ôn tập Tin học 8 (bản nháp)", "Đang biên soạn; chưa công bố.",
         "ngoai_ngu_tin_hoc", "hoc_sinh", "cc_by_sa_4", "https://example.edu.vn/tin-hoc-8",
         "05/10/2022", "draft", 0},
};

static int
found(const store_resource_t *r, void *ctx)
{
	(void)r;
	*(int *)ctx = 1;
	return 1;
}

int
demo_resources(store_t *st, const unit_tree_t *t, int64_t campaign_id)
{
	int any = 0;
	store_resource_query_t q = {.path = "", .limit = 1};
	if (store_resources_find(st, &q, found, &any, NULL) < 0) {
		fprintf(stderr, "demo resources: could not read resources\n");
		return -1;
	}
	if (any)
		return 0;
	arena_t a = {0};
	int rc = 0;
	for (size_t k = 0; rc == 0 && k < sizeof demo / sizeof demo[0]; k++) {
		const demo_res_t *d = &demo[k];
		int32_t i = unit_tree_find_code(t, d->unit);
		if (i < 0) {
			fprintf(stderr, "demo resources: unit %s is missing\n", d->unit);
			rc = -1;
			break;
		}
		buf_t path = BUF_INIT;
		unit_tree_path(t, i, &path);
		int32_t day = 0;
		text_parse_date(d->published, strlen(d->published), &day);
		res_ctx_t cx = {st, &a, (int64_t)day * 86400 + 9 * 3600, 0};
		res_input_t in = {d->title,
		                  d->description,
		                  d->topic,
		                  d->audience,
		                  d->licence,
		                  d->link,
		                  d->published,
		                  d->status,
		                  d->pdf ? handbook_pdf : NULL,
		                  d->pdf ? sizeof handbook_pdf - 1 : 0,
		                  "cam-nang-ky-nang-so.pdf"};
		store_resource_t r;
		res_errors_t e;
		if (res_save(&cx, NULL, t->units[i].id, buf_cstr(&path), campaign_id, &in, 0, &r,
		             &e) != RES_OK) {
			fprintf(stderr, "demo resources: could not save “%s”\n", d->title);
			rc = -1;
		}
		buf_free(&path);
	}
	arena_free(&a);
	return rc;
}
