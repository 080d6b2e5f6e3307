/* The demo's commendation proposals (awards.h: demo_awards), through the service as a
 * person would make them: no decision, so the demo's results stay as they are until
 * someone issues one. */
#include <stdio.h>
#include <string.h>

#include "service/awards.h"

static int
exists(const store_award_t *a, void *p)
{
	(void)a;
	*(int *)p = 1;
	return 1;
}

/* One proposal of the unit coded code; sent to its parent when send. */
static int
propose(const aw_ctx_t *cx, const char *code, const aw_input_t *in, int send)
{
	int32_t u = unit_tree_find_code(cx->tree, code);
	if (u < 0)
		return 0; /* a smaller tree (tests): nothing to do */
	aw_outcome_t o;
	if (aw_create(cx, u, in, &o) != AW_OK) {
		fprintf(stderr, "Đề nghị khen thưởng mẫu: %s\n", o.message);
		return -1;
	}
	if (send && aw_act(cx, u, o.id, AW_OP_SEND, o.version, &(aw_input_t){0}, &o) != AW_OK) {
		fprintf(stderr, "Đề nghị khen thưởng mẫu: %s\n", o.message);
		return -1;
	}
	return 0;
}

int
demo_awards(store_t *st, const unit_tree_t *t, const award_catalog_t *cat)
{
	int any = 0;
	if (store_awards_find(st, &(store_award_query_t){.limit = 1}, exists, &any) < 0)
		return -1;
	if (any)
		return 0;
	arena_t a = ARENA_INIT;
	access_grant_t admin = {0, ROLE_ADMIN}; /* the root: the demo acts as the school */
	aw_ctx_t cx = {st,  t, cat, &a, 1664582400 /* 01/10/2022 */, {0, "demo", "", &admin, 1},
	               NULL};
	aw_input_t pupil = {
	        .category = "tam_guong_tu_hoc",
	        .name = "Nguyễn Minh Khang",
	        .place = "Học sinh lớp 5A, Trường Tiểu học Đằng Lâm",
	        .achievements = "Tự học tiếng Anh và tin học qua thư viện số của trường; đạt "
	                        "giải Nhì cuộc thi Tin học trẻ cấp quận năm học 2021-2022; "
	                        "hướng dẫn các bạn trong lớp đọc sách điện tử.",
	        .form = "giay_khen",
	        .amount = "300000",
	};
	aw_input_t family = {
	        .category = "gia_dinh_hieu_hoc",
	        .name = "Gia đình ông Phạm Văn Hùng",
	        .place = "Tổ dân phố số 5, phường Đằng Lâm",
	        .achievements = "Ba thế hệ cùng học tập; hai con đỗ đại học loại giỏi; gia "
	                        "đình tủ sách chung cho trẻ em trong tổ dân phố.",
	        .form = "giay_khen",
	        .amount = "500000",
	};
	int rc = propose(&cx, "HA-11413-TH", &pupil, 1);
	if (rc == 0)
		rc = propose(&cx, "HA-11413-TH", &family, 0);
	arena_free(&a);
	return rc;
}
