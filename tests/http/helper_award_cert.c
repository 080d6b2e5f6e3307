/* The printing tests' decision (helper_award_cert.h). */
#include "helper_award_cert.h"
#include "helper_app.h"

#include <sqlite3.h> /* sqlite3_mprintf's %Q: standard SQL quoting, which PostgreSQL takes too */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "docs/doc.h"
#include "docs/issue.h"
#include "text/text.h"

const char *const hac_name[HAC_N] = {"Gia đình ông Phạm Văn Bình", "Trường THCS Đằng Lâm",
                                     "Nguyễn Thị Hoa", "Lê Văn Tâm"};
const char *const hac_category[HAC_N] = {"Gia đình hiếu học", "Tập thể", "Cá nhân",
                                         "Tấm gương tự học"};
const char *const hac_amount[HAC_N] = {"512.345", "1.000.001", "123.457", "104.937"};
const char *const hac_place[HAC_N] = {"Tổ dân phố 5, phường Đằng Lâm", "",
                                      "Giáo viên Trường THCS Đằng Lâm", "Học sinh lớp 5A"};
static const char *const codes[HAC_N] = {"gia_dinh_hieu_hoc", "tap_the", "ca_nhan",
                                         "tam_guong_tu_hoc"};
static const long long amounts[HAC_N] = {512345, 1000001, 123457, 104937};
static const char *const units[HAC_N] = {"HA-11413-THCS", "HA-11413-THCS", "HA-11413-THCS",
                                         "HA-11413-TH"};

static const char decision_json[] =
        "{\"kind\":\"qd\",\"date\":\"2022-10-15\",\"year\":2022,\"body_abbr\":\"UBND\","
        "\"drafter_abbr\":\"\",\"parent_body\":\"\",\"body\":\"ỦY BAN NHÂN DÂN\\nQUẬN HẢI AN\","
        "\"place\":\"Hải An\",\"subject\":\"Khen thưởng tập thể, cá nhân có thành tích trong "
        "Tuần lễ hưởng ứng học tập suốt đời năm 2022\",\"bases\":[],\"recipients\":[],"
        "\"text\":\"Điều 1. Tặng Giấy khen cho các tập thể, cá nhân có tên trong danh sách "
        "kèm theo./.\",\"duties\":[],\"distribution\":[\"Như Điều 3;\",\"Lưu: VT.\"],"
        "\"signer\":{\"tm\":\"\",\"authority\":\"KT.\",\"head\":\"CHỦ TỊCH\","
        "\"position\":\"PHÓ CHỦ TỊCH\",\"name\":\"Trần Thị Kim Oanh\"},"
        "\"annexes\":[{\"label\":\"\",\"title\":\"Danh sách tập thể, cá nhân được khen "
        "thưởng\",\"subtitle\":\"\",\"text\":\"\","
        "\"results\":false,\"awards\":true}]}";

int
hac_sql(const char *db, const char *sql)
{
	char err[1024];
	int rc = ha_sql(db, sql, err, sizeof err);
	if (rc < 0)
		fprintf(stderr, "hac_sql: %s: %s\n", err, sql);
	return rc;
}

/* The id of the last row inserted by hac_sql's statement: read back by a query. */
static int64_t
last_id(const char *db, const char *table)
{
	char sql[128], err[512];
	int64_t id = 0;
	snprintf(sql, sizeof sql, "SELECT max(id) FROM %s", table);
	if (ha_sql_i64(db, sql, &id, err, sizeof err) < 0)
		fprintf(stderr, "last_id: %s: %s\n", sql, err);
	return id;
}

static char achievements[2001];

int
hac_decision_draft(app_t *app, const char *db, int64_t campaign, hac_fixture_t *f)
{
	memset(f, 0, sizeof *f);
	/* 2,000 bytes of achievements, cut at a character boundary */
	static const char piece[] = "Tích cực tự học, hướng dẫn học sinh đọc sách mỗi ngày; ";
	size_t n = 0;
	while (n + sizeof piece - 1 < sizeof achievements - 1) {
		memcpy(achievements + n, piece, sizeof piece - 1);
		n += sizeof piece - 1;
	}
	while (n < 2000)
		achievements[n++] = '.';
	achievements[n] = '\0';
	f->achievements3 = achievements;

	arena_t ar = ARENA_INIT, *a = &ar;
	doc_t *d;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	if (doc_parse(decision_json, strlen(decision_json), a, &d, errs, &nerr) < 0) {
		fprintf(stderr, "hac: %s: %s\n", errs[0].field, errs[0].msg);
		arena_free(a);
		return -1;
	}
	unit_tree_t *t = app_tree(app);
	int32_t ha = unit_tree_find_code(t, "306");
	int64_t version;
	int rc = ha < 0 ? -1
	                : docs_save_draft(app->store, 0, t->units[ha].id, d, campaign, 0, 1,
	                                  (int64_t)d->date * 86400, 0, 0, &f->doc_id, &version);
	arena_free(a);
	buf_t sql = BUF_INIT, path = BUF_INIT, ha_path = BUF_INIT;
	if (rc == 0) {
		unit_tree_path(t, ha, &path);
		buf_puts(&ha_path, buf_cstr(&path));
		buf_printf(&sql,
		           "INSERT INTO award_decisions(unit_id,unit_path,campaign_id,document_id,"
		           "fund_source,status,created_at) "
		           "VALUES(%lld,'%s',%lld,%lld,'nsnn','draft',1)",
		           (long long)t->units[ha].id, buf_cstr(&path), (long long)campaign,
		           (long long)f->doc_id);
		rc = hac_sql(db, buf_cstr(&sql));
		f->decision_id = last_id(db, "award_decisions");
	}
	for (int k = 0; rc == 0 && k < HAC_N; k++) {
		int32_t u = unit_tree_find_code(t, units[k]);
		if (u < 0) {
			rc = -1;
			break;
		}
		buf_reset(&path);
		unit_tree_path(t, u, &path);
		buf_reset(&sql);
		/* values quoted by SQLite itself (%Q), not by hand */
		char *q = sqlite3_mprintf(
		        "INSERT INTO "
		        "award_proposals(campaign_id,unit_id,unit_path,at_unit_id,at_path,"
		        "status,category,name,place,achievements,form,amount,proposed_form,"
		        "proposed_amount,decision_id,ord,version,created_at,updated_at) "
		        "VALUES(%lld,"
		        "%lld,%Q,%lld,%Q,'in_decision',%Q,%Q,%Q,%Q,'giay_khen',%lld,'giay_khen',%"
		        "lld,"
		        "%lld,%d,1,1,1)",
		        (long long)campaign, (long long)t->units[u].id, buf_cstr(&path),
		        (long long)t->units[ha].id, buf_cstr(&ha_path), codes[k], hac_name[k],
		        hac_place[k],
		        k == 2 ? achievements
		               : "Có nhiều đóng góp cho phong trào học tập suốt đời.",
		        amounts[k], amounts[k], (long long)f->decision_id, k + 1);
		rc = hac_sql(db, q);
		sqlite3_free(q);
		f->prop[k] = last_id(db, "award_proposals");
	}
	buf_free(&sql);
	buf_free(&path);
	buf_free(&ha_path);
	unit_tree_unref(t);
	return rc;
}

static int
take_version(const store_doc_t *d, void *p)
{
	*(int64_t *)p = d->version;
	return 0;
}

int
hac_decision_issue(app_t *app, const char *db, const hac_fixture_t *f)
{
	unit_tree_t *t = app_tree(app);
	int32_t date = text_days_from_civil(2022, 10, 15);
	char err[300] = "";
	int num = 0;
	int64_t version = 0; /* the draft's, as the tests may have edited it */
	int rc = store_doc_get(app->store, f->doc_id, take_version, &version) == 1
	                 ? docs_publish(app->store, t, f->doc_id, version, date,
	                                (int64_t)date * 86400, 0, 3, &num, NULL, err, sizeof err)
	                 : -1;
	unit_tree_unref(t);
	if (rc != 0) {
		fprintf(stderr, "hac: not published (%d): %s\n", rc, err);
		return -1;
	}
	char sql[300];
	snprintf(sql, sizeof sql,
	         "UPDATE award_decisions SET status='issued',issued_on=%d WHERE id=%lld;"
	         "UPDATE award_proposals SET status='decided' WHERE decision_id=%lld",
	         (int)date, (long long)f->decision_id, (long long)f->decision_id);
	return hac_sql(db, sql);
}
