/* Regression: the campaign list showed "· open", and the audit page showed raw codes
 * ("report.value", "1:iii.text", "draft", "submitted") and times in UTC beside pages in Vietnam
 * time. After a save that changes a value, the page shows Vietnamese words only (codes stay in
 * title attributes and the API) and the entry's time in UTC+7, saying so; the API keeps the code
 * and the Unix time. */
#include "regress.h"

#include "core/arena.h"
#include "text/text.h"

static rg_t g;
static ha_client_t principal, officer;

static int
setup(void **state)
{
	(void)state;
	if (rg_setup(&g) < 0)
		return -1;
	rg_person(&g, &principal, "hieutruong", "HA-11413-TH", ROLE_HEAD);
	rg_person(&g, &officer, "chuyenvien.haian", "306", ROLE_OVERSEER);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rg_teardown(&g);
}

/* The page's visible text: tags (with their attributes) dropped. */
static char *
visible_text(const char *html)
{
	char *out = malloc(strlen(html) + 1), *o = out;
	int in_tag = 0;
	for (const char *p = html; *p; p++) {
		if (*p == '<')
			in_tag = 1;
		else if (*p == '>')
			in_tag = 0;
		else if (!in_tag)
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

static void
test_audit_page_in_vietnamese(void **state)
{
	(void)state;
	/* a draft, then a submit: value changes and a status change */
	assert_int_equal(rg_post_form(&g, &principal, "HA-11413-TH", "/report", 2), 303);
	assert_int_equal(rg_post_form(&g, &principal, "HA-11413-TH", "/submit", 3), 303);

	/* the API keeps codes and Unix times */
	json_t *j = rg_json(&g, &officer, "/api/v1/units/306/audit", 200);
	json_t *entries = json_object_get(j, "entries");
	json_t *value = NULL;
	for (size_t k = 0; k < json_array_size(entries); k++) {
		json_t *e = json_array_get(entries, k);
		if (!strcmp(json_string_value(json_object_get(e, "action")), "report.value")) {
			value = e;
			break;
		}
	}
	assert_non_null(value);
	int64_t at = rg_int(value, "at");
	/* the expected text of that time in Vietnam */
	int64_t local = at + 7 * 3600;
	int y, m, d;
	text_civil_from_days((int32_t)(local / 86400), &y, &m, &d);
	int64_t sec = local % 86400;
	char when[40];
	snprintf(when, sizeof when, "%02d/%02d/%04d %02d:%02d:%02d", d, m, y, (int)(sec / 3600),
	         (int)(sec / 60 % 60), (int)(sec % 60));
	const char *name = json_string_value(json_object_get(value, "action_name"));

	hc_resp_t r = rg_req(&g, &officer, "GET", "/units/306/audit", NULL);
	assert_int_equal(r.status, 200);
	char *text = visible_text(buf_cstr(&r.body));
	if (!strstr(text, when))
		fail_msg("time %s (UTC+7 of %lld) not on the page", when, (long long)at);
	assert_non_null(strstr(text, "giờ Việt Nam"));
	const char *codes[] = {"report.value", "report.status", "submitted",
	                       "draft",        ":iii.text",     "1:5.2.lop"};
	for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++)
		if (strstr(text, codes[k]))
			fail_msg("raw code %s visible: %.200s", codes[k], strstr(text, codes[k]));
	assert_non_null(strstr(text, "Sửa số liệu báo cáo"));
	assert_non_null(strstr(text, "đợt báo cáo"));
	assert_non_null(strstr(text, "Đã nộp")); /* the status, in words */
	/* the code is still there for who needs it */
	assert_non_null(strstr(buf_cstr(&r.body), "title=\"report.value\""));
	free(text);
	hc_resp_free(&r);
	/* the API may add the words beside the code */
	assert_non_null(name);
	assert_string_equal(name, "Sửa số liệu báo cáo");
	json_decref(j);
}

/* The campaign list named statuses by their codes ("· open"). */
static void
test_campaign_list_status_in_vietnamese(void **state)
{
	(void)state;
	hc_resp_t r = rg_req(&g, &officer, "GET", "/campaigns", NULL);
	assert_int_equal(r.status, 200);
	char *text = visible_text(buf_cstr(&r.body));
	assert_non_null(strstr(text, "Đang nhận báo cáo"));
	assert_null(strstr(text, "· open"));
	free(text);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_audit_page_in_vietnamese),
	        cmocka_unit_test(test_campaign_list_status_in_vietnamese),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
