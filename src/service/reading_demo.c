/* Demo reading culture of Hải Phòng's Week in quận Hải An: school libraries and class
 * shelves in phường Đằng Lâm and Cát Bi, the learning centre's community shelf, books
 * donated, a box rotated from the primary school's library to the centre (received) and
 * one from the lower secondary school still in transit, reading records including online
 * reading on the school's blog. Written through the service, so they pass its checks. */
#include <stdio.h>
#include <string.h>

#include "service/reading.h"
#include "text/text.h"

static int
any_shelf(const store_shelf_t *s, void *p)
{
	(void)s;
	*(int *)p = 1;
	return 1;
}

static int
year_of(const store_campaign_t *c, void *p)
{
	*(int *)p = c->year;
	return 0;
}

static const struct {
	const char *unit, *name, *kind, *books, *opened;
} shelves[] = {
        {"HA-11413-TH", "Thư viện trường", "thu_vien_truong", "1.200", "05/09/2019"},
        {"HA-11413-TH", "Tủ sách lớp 3A", "tu_sach_lop", "60", "05/09/2021"},
        {"HA-11413-THCS", "Thư viện trường", "thu_vien_truong", "2.000", "05/09/2018"},
        {"HA-11413-TTHTCD", "Tủ sách cộng đồng tổ dân phố 2", "tu_sach_cong_dong", "150",
         "01/06/2021"},
        {"HA-11422-TH", "Thư viện trường", "thu_vien_truong", "900", "05/09/2020"},
        {"HA-11422-TH", "Thư viện số trên blog nhà trường", "thu_vien_so", "0", "01/09/2022"},
};

int
demo_reading(store_t *st, const unit_tree_t *t, int64_t campaign_id)
{
	int any = 0, year = 2022;
	store_reading_query_t q = {.limit = 1};
	if (store_shelves(st, &q, any_shelf, &any) < 0) {
		fprintf(stderr, "demo reading: could not read shelves\n");
		return -1;
	}
	if (any)
		return 0;
	if (campaign_id)
		store_campaign_get(st, campaign_id, year_of, &year);
	arena_t a = {0};
	/* "now" is the Week's last day, so every demo date is in the past */
	rd_ctx_t cx = {st, &a, t, (int64_t)text_days_from_civil(year, 10, 20) * 86400 + 5 * 3600,
	               0};
	rd_errors_t e;
	int64_t id[sizeof shelves / sizeof shelves[0]];
	int rc = 0;
	for (size_t k = 0; rc == 0 && k < sizeof shelves / sizeof shelves[0]; k++) {
		int32_t u = unit_tree_find_code(t, shelves[k].unit);
		rd_input_t in = {.name = shelves[k].name,
		                 .kind = shelves[k].kind,
		                 .books_start = shelves[k].books,
		                 .opened = shelves[k].opened};
		if (u < 0 || rd_shelf_add(&cx, u, &in, &id[k], &e) != RD_OK)
			rc = -1;
	}
	char d[16][12];
	for (int k = 0; k < 16; k++)
		snprintf(d[k], sizeof d[k], "%02d/10/%04d", k + 1, year);
	char s[6][24];
	for (size_t k = 0; k < 6; k++)
		snprintf(s[k], sizeof s[k], "%lld", (long long)id[k]);
	const struct {
		const char *unit, *kind, *date, *shelf, *to, *count, *note;
	} moves[] = {
	        {"HA-11413-TH", "add", d[2], s[0], NULL, "120", "Phụ huynh và cựu học sinh ủng hộ"},
	        {"HA-11413-TH", "move", d[3], s[0], s[1], "40", "Truyện thiếu nhi cho lớp 3A"},
	        {"HA-11413-TH", "move", d[4], s[0], s[3], "100",
	         "Một thùng sách kỹ năng sống cho tủ sách cộng đồng"},
	        {"HA-11413-THCS", "move", d[8], s[2], s[3], "50", "Sách tham khảo cho người lớn"},
	        {"HA-11422-TH", "add", d[5], s[4], NULL, "75", "Mua bổ sung từ ngân sách"},
	        {"HA-11422-TH", "withdraw", d[6], s[4], NULL, "12", "Sách rách, thanh lý"},
	};
	int64_t mid[6] = {0};
	for (size_t k = 0; rc == 0 && k < sizeof moves / sizeof moves[0]; k++) {
		rd_input_t in = {.kind = moves[k].kind,
		                 .date = moves[k].date,
		                 .shelf = moves[k].shelf,
		                 .to_shelf = moves[k].to,
		                 .count = moves[k].count,
		                 .note = moves[k].note};
		if (rd_move_add(&cx, unit_tree_find_code(t, moves[k].unit), &in, &mid[k], &e) !=
		    RD_OK)
			rc = -1;
	}
	/* the centre received the primary school's box; the other one is still on its way */
	if (rc == 0 &&
	    rd_move_receive(&cx, unit_tree_find_code(t, "HA-11413-TTHTCD"), mid[2], &e) != RD_OK)
		rc = -1;
	const struct {
		const char *unit, *shelf, *date, *channel, *readers, *loans;
	} reads[] = {
	        {"HA-11413-TH", s[0], d[5], "tai_cho", "320", "0"},
	        {"HA-11413-TH", s[0], d[5], "muon_ve", "85", "85"},
	        {"HA-11413-TH", s[0], d[6], "truc_tuyen", "140", "0"},
	        {"HA-11413-TH", s[1], d[7], "tai_cho", "35", "12"},
	        {"HA-11413-THCS", s[2], d[6], "truc_tuyen", "210", "0"},
	        {"HA-11413-TTHTCD", s[3], d[9], "tai_cho", "64", "20"},
	        {"HA-11422-TH", s[5], d[7], "truc_tuyen", "96", "0"},
	};
	for (size_t k = 0; rc == 0 && k < sizeof reads / sizeof reads[0]; k++) {
		rd_input_t in = {.shelf = reads[k].shelf,
		                 .date = reads[k].date,
		                 .channel = reads[k].channel,
		                 .readers = reads[k].readers,
		                 .loans = reads[k].loans};
		int64_t rid;
		if (rd_reading_add(&cx, unit_tree_find_code(t, reads[k].unit), &in, &rid, &e) !=
		    RD_OK)
			rc = -1;
	}
	if (rc < 0)
		fprintf(stderr, "demo reading: could not write the demo shelves and records\n");
	arena_free(&a);
	return rc;
}
