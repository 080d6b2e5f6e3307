/* Demo data shared by `suotdoi demo` and the tests: Hải Phòng's 2022 campaign. */
#include "domain/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/file.h"
#include "domain/template.h"
#include "text/text.h"

/* The demo campaign: Hải Phòng's 2022 week (seeds 000 and 003), issued by the city for its
 * subtree, with the Phụ lục of seed 003 as its results template. */
int
demo_campaign(store_t *st, const unit_tree_t *t, const char *assets, int64_t *id)
{
	char path[4096], err[1024], *json;
	size_t len;
	snprintf(path, sizeof path, "%s/data/templates/phuluc-2022.json", assets);
	if (file_read_all(path, 1 << 20, &json, &len, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	template_t *tpl;
	if (template_from_json(json, len, &tpl, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		free(json);
		return -1;
	}
	store_template_t row = {0, tpl->code, tpl->name, tpl->year, json, (int64_t)time(NULL)};
	int64_t tid, cid;
	int rc = store_template_save(st, &row, &tid);
	template_free(tpl);
	free(json);
	if (rc < 0)
		return -1;
	int32_t d1, d7, reg, due_school, due_district;
	text_parse_date("01/10/2022", 10, &d1);
	text_parse_date("07/10/2022", 10, &d7);
	text_parse_date("30/09/2022", 10, &reg);
	text_parse_date("10/10/2022", 10, &due_school);
	text_parse_date("15/10/2022", 10, &due_district);
	char deadlines[400];
	snprintf(deadlines, sizeof deadlines,
	         "truong_mn=%d truong_th=%d truong_thcs=%d tthtcd=%d quan=%d huyen=%d", due_school,
	         due_school, due_school, due_school, due_district, due_district);
	int32_t hp = unit_tree_find_code(t, "31");
	store_campaign_t c = {
	        .issuer_unit_id = t->units[hp].id,
	        .template_id = tid,
	        .year = 2022,
	        .name = "Tuần lễ hưởng ứng học tập suốt đời năm 2022",
	        .theme =
	                "Thúc đẩy chuyển đổi số phục vụ cho học tập suốt đời sau đại dịch COVID-19",
	        .start_date = d1,
	        .end_date = d7,
	        .registration_deadline = reg,
	        .opening_time = "07:30 01/10/2022",
	        .opening_place = "Trung tâm Văn hóa - Thông tin và Thể thao quận Hải An",
	        .opening_participants =
	                "Lãnh đạo cấp ủy, chính quyền; đại diện các cơ sở giáo dục, "
	                "thiết chế văn hóa; học sinh và nhân dân",
	        .status = "open",
	        .expected_kinds = "truong_mn truong_th truong_thcs tthtcd quan huyen",
	        .deadlines = deadlines,
	        .created_at = (int64_t)time(NULL),
	};
	if (store_campaign_save(st, &c, &cid) < 0)
		return -1;
	if (id)
		*id = cid;
	return 0;
}
