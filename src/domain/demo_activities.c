/* Demo activities of Hải Phòng's 2022 Week (01–07/10/2022) in quận Hải An and huyện Tiên
 * Lãng: what the units registered before the 30/09 deadline (one late), and what happened
 * after — classes held with their participants, a cancelled one, the district's public
 * opening ceremony. */
#include <stdio.h>
#include <string.h>

#include "domain/activity.h"
#include "text/text.h"

typedef struct demo_act {
	const char *unit, *kind, *title, *description;
	const char *start_date, *start_time, *end_date, *end_time;
	const char *place, *mode, *link, *audience;
	int64_t expected;
	int is_public, late;
	const char *status;
	int64_t actual;
	const char *outcome;
} demo_act_t;

static const demo_act_t acts[] = {
        {"HA-UBND", "khai_mac",
         "Lễ khai mạc Tuần lễ hưởng ứng học tập suốt đời năm 2022 quận Hải An",
         "Công bố kế hoạch Tuần lễ của quận; biểu dương các gia đình, dòng họ, cộng đồng học "
         "tập tiêu biểu; phát động phong trào đọc sách trong nhân dân.",
         "01/10/2022", "07:30", "01/10/2022", "09:30",
         "Trung tâm Văn hóa - Thông tin và Thể thao quận Hải An", "truc_tiep", "",
         "Lãnh đạo quận, các phòng ban, 4 phường, các nhà trường và nhân dân", 300, 1, 0, "held",
         320, "Đã tổ chức trang trọng; 12 tập thể và cá nhân được biểu dương."},
        {"HA-11413-TTHTCD", "lop_ngoai_ngu_tin_hoc", "Lớp tin học cơ bản cho người cao tuổi",
         "Sử dụng điện thoại thông minh và máy tính: tra cứu thông tin, nhắn tin, gọi video, "
         "cài đặt ứng dụng VNeID. Học viên mang theo điện thoại.",
         "03/10/2022", "08:00", "07/10/2022", "10:30",
         "Trung tâm học tập cộng đồng phường Đằng Lâm, 12 Đằng Lâm", "truc_tiep", "",
         "Người cao tuổi trong phường", 30, 1, 0, "held", 35,
         "35 học viên hoàn thành lớp; nhiều người đề nghị mở thêm lớp nâng cao."},
        {"HA-11413-TTHTCD", "lop_ky_nang_song",
         "Lớp kỹ năng sống: phòng chống đuối nước cho thiếu nhi",
         "Hướng dẫn kỹ năng an toàn khi đi bơi, nhận biết nguy hiểm và sơ cứu ban đầu.",
         "02/10/2022", "14:00", "02/10/2022", "16:30",
         "Nhà văn hóa tổ dân phố số 5, phường Đằng Lâm", "truc_tiep", "",
         "Thiếu nhi 8–14 tuổi và phụ huynh", 40, 1, 0, "held", 40, ""},
        {"HA-11413-TTHTCD", "hoi_thao", "Tọa đàm “Chuyển đổi số trong học tập suốt đời”",
         "Chia sẻ kinh nghiệm học trực tuyến, khai thác kho học liệu mở và thư viện số cho "
         "người lớn tuổi; giới thiệu mô hình “Công dân học tập”.",
         "04/10/2022", "08:00", "04/10/2022", "11:00", "Hội trường UBND phường Đằng Lâm", "ket_hop",
         "https://zoom.us/j/84512345678", "Cán bộ phường, giáo viên, hội viên Hội Khuyến học", 50,
         1, 0, "held", 60, ""},
        {"HA-11413-TTHTCD", "trien_lam", "Triển lãm sách và ảnh “Đằng Lâm học tập suốt đời”",
         "Trưng bày 500 đầu sách và 80 ảnh về phong trào khuyến học, khuyến tài của phường.",
         "01/10/2022", "08:00", "07/10/2022", "17:00",
         "Sân Trung tâm học tập cộng đồng phường Đằng Lâm", "truc_tiep", "", "Nhân dân", 100, 1, 0,
         "held", 120, "Khoảng 120 lượt khách tham quan."},
        {"HA-11413-TTHTCD", "lop_cds", "Lớp hướng dẫn sử dụng dịch vụ công trực tuyến",
         "Hướng dẫn nộp hồ sơ trên Cổng dịch vụ công quốc gia.", "06/10/2022", "19:00",
         "06/10/2022", "21:00", "Trung tâm học tập cộng đồng phường Đằng Lâm", "truc_tiep", "",
         "Người dân trong phường", 30, 1, 0, "cancelled", -1,
         "Hoãn do mưa bão; dời sang tháng 11."},
        {"HA-11413-TH", "thu_vien", "Ngày hội đọc sách “Mỗi ngày một trang sách”",
         "Đọc sách theo lớp, thi kể chuyện theo sách, trao đổi sách cũ giữa các lớp.", "05/10/2022",
         "07:30", "05/10/2022", "10:30", "Thư viện Trường Tiểu học Đằng Lâm", "truc_tiep", "",
         "Học sinh và giáo viên toàn trường", 400, 1, 0, "held", 450, ""},
        {"HA-11413-THCS", "cuoc_thi", "Cuộc thi trực tuyến “Tìm hiểu về học tập suốt đời”",
         "Thi trắc nghiệm trực tuyến 30 câu hỏi về học tập suốt đời và xã hội học tập.",
         "03/10/2022", "00:00", "07/10/2022", "21:00", "", "truc_tuyen",
         "https://forms.gle/tuanlehoctap2022", "Học sinh, giáo viên và phụ huynh", 500, 1, 1,
         "held", 380, ""},
        {"HA-PGDDT", "tap_huan", "Tập huấn cán bộ quản lý về báo cáo kết quả Tuần lễ trên hệ thống",
         "Hướng dẫn nhập, nộp và duyệt báo cáo; tổng hợp số liệu theo Phụ lục.", "05/10/2022",
         "14:00", "05/10/2022", "16:30", "", "truc_tuyen", "https://meet.google.com/haian-pgd-2022",
         "Hiệu trưởng, giám đốc TTHTCD các phường", 45, 0, 0, "held", 45, ""},
        {"TL-11755-TTHTCD", "lop_day_nghe", "Lớp dạy nghề trồng nấm cho lao động nông thôn",
         "Kỹ thuật trồng nấm sò, nấm rơm; chuyển giao quy trình và giới thiệu đầu ra.",
         "03/10/2022", "07:30", "07/10/2022", "11:00",
         "Trung tâm học tập cộng đồng thị trấn Tiên Lãng", "truc_tiep", "", "Lao động nông thôn",
         25, 1, 0, "held", 28, ""},
        {"TL-HKH", "tuyen_truyen", "Tuyên truyền về Tuần lễ trên hệ thống truyền thanh",
         "Phát bản tin về ý nghĩa của Tuần lễ và gương học tập tiêu biểu.", "01/10/2022", "06:00",
         "07/10/2022", "18:00", "Các xã, thị trấn huyện Tiên Lãng", "truc_tiep", "", "Nhân dân", -1,
         1, 0, "planned", -1, ""},
};

typedef struct any_ctx {
	int any;
} any_ctx_t;

static int
found(const store_activity_t *a, void *p)
{
	(void)a;
	((any_ctx_t *)p)->any = 1;
	return 1;
}

static int64_t
at(const char *date, const char *time)
{
	int32_t d;
	int m;
	if (text_parse_date(date, strlen(date), &d) < 0 || activity_parse_hhmm(time, &m) < 0)
		return 0;
	return activity_vn_time(d, m);
}

int
demo_activities(store_t *st, const unit_tree_t *t, int64_t campaign_id)
{
	any_ctx_t c = {0};
	store_activity_query_t q = {.path = "", .campaign_id = campaign_id, .limit = 1};
	if (store_activities_find(st, &q, found, &c) < 0) {
		fprintf(stderr, "demo activities: could not read activities\n");
		return -1;
	}
	if (c.any)
		return 0;
	int64_t registered = at("26/09/2022", "09:00"), late = at("02/10/2022", "08:15");
	int64_t reported = at("08/10/2022", "16:00");
	for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++) {
		const demo_act_t *d = &acts[k];
		int32_t i = unit_tree_find_code(t, d->unit);
		if (i < 0) {
			fprintf(stderr, "demo activities: unit %s is missing\n", d->unit);
			return -1;
		}
		buf_t path = BUF_INIT;
		unit_tree_path(t, i, &path);
		int done = strcmp(d->status, "planned") != 0;
		store_activity_t a = {
		        .campaign_id = campaign_id,
		        .unit_id = t->units[i].id,
		        .unit_path = buf_cstr(&path),
		        .kind = d->kind,
		        .title = d->title,
		        .description = d->description,
		        .start_at = at(d->start_date, d->start_time),
		        .end_at = at(d->end_date, d->end_time),
		        .place = d->place,
		        .mode = d->mode,
		        .link = d->link,
		        .audience = d->audience,
		        .expected = d->expected,
		        .is_public = d->is_public,
		        .late = d->late,
		        .status = d->status,
		        .actual = d->actual,
		        .outcome = d->outcome,
		        .created_at = d->late ? late : registered,
		        .updated_at = done ? reported : (d->late ? late : registered),
		};
		int64_t id, version;
		int rc = store_activity_save(st, &a, 0, &id, &version);
		buf_free(&path);
		/* the Đằng Lâm CLC's computer class took enrolments on /lich: free, 30 places
		 * (docs/activities.md, "Đăng ký học") */
		if (rc == 0 && !strcmp(d->unit, "HA-11413-TTHTCD") &&
		    !strcmp(d->kind, "lop_ngoai_ngu_tin_hoc")) {
			store_enrol_settings_t es = {
			        .activity_id = id,
			        .open = 1,
			        .fee = 0,
			        .capacity = 30,
			        .deadline = at("02/10/2022", "17:00"),
			        .contact_name = "Chị Nguyễn Thị Hạnh, TTHTCĐ phường Đằng Lâm",
			        .contact_phone = "0225 3978 123",
			        .contact_email = ""};
			rc = store_enrol_settings_put(st, &es);
		}
		if (rc < 0) {
			fprintf(stderr, "demo activities: could not save “%s”\n", d->title);
			return -1;
		}
	}
	return 0;
}
