/* The commendation catalog: the shipped file loads; bad catalogs are refused with the
 * field named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/award_catalog.h"

static void
shipped_file_loads(void **state)
{
	(void)state;
	char err[512];
	award_catalog_t *c =
	        award_catalog_load(TEST_SOURCE_DIR "/data/awards.json", err, sizeof err);
	assert_non_null(c);
	assert_int_equal(c->ncategories, 5);
	const award_category_t *g = award_category_find(c, "gia_dinh_hieu_hoc");
	assert_non_null(g);
	assert_string_equal(g->name, "Gia đình hiếu học");
	assert_true(g->collective);
	assert_false(award_category_find(c, "ca_nhan")->collective);
	assert_string_equal(award_form_find(c, "giay_khen")->name, "Giấy khen");
	assert_null(award_form_find(c, "huan_chuong"));
	assert_null(award_category_find(c, "khac"));
	assert_true(c->max_amount > 0);
	award_catalog_free(c);
}

static void
refuses(const char *json, const char *needle)
{
	char err[512] = "";
	award_catalog_t *c = award_catalog_parse(json, strlen(json), err, sizeof err);
	if (c != NULL || strstr(err, needle) == NULL)
		fail_msg("%s -> %s (wanted %s)", json, c ? "accepted" : err, needle);
}

#define CAT                                                                                        \
	"{\"code\":\"ca_nhan\",\"name\":\"Cá "                                                    \
	"nhân\",\"collective\":false,\"kind\":\"khen_ca_nhan\"}"
#define FORM "{\"code\":\"giay_khen\",\"name\":\"Giấy khen\"}"

static void
bad_catalogs_refused(void **state)
{
	(void)state;
	refuses("[]", "đối tượng");
	refuses("{\"categories\":[" CAT "],\"forms\":[" FORM "],\"max_amount\":1,\"x\":1}", "x:");
	refuses("{\"categories\":[],\"forms\":[" FORM "],\"max_amount\":1}", "categories");
	refuses("{\"categories\":[" CAT "],\"forms\":[" FORM "],\"max_amount\":-1}", "max_amount");
	refuses("{\"categories\":[" CAT "],\"forms\":[" FORM "],\"max_amount\":\"5\"}",
	        "max_amount");
	refuses("{\"categories\":[" CAT "," CAT "],\"forms\":[" FORM "],\"max_amount\":1}",
	        "categories[1]");
	refuses("{\"categories\":[{\"code\":\"Ca-Nhan\",\"name\":\"x\",\"collective\":false,"
	        "\"kind\":\"k\"}],\"forms\":[" FORM "],\"max_amount\":1}",
	        "categories[0].code");
	refuses("{\"categories\":[{\"code\":\"a\",\"name\":\"x\",\"collective\":\"no\","
	        "\"kind\":\"k\"}],\"forms\":[" FORM "],\"max_amount\":1}",
	        "categories[0].collective");
	refuses("{\"categories\":[{\"code\":\"a\",\"name\":\"x\\ny\",\"collective\":true,"
	        "\"kind\":\"k\"}],\"forms\":[" FORM "],\"max_amount\":1}",
	        "categories[0].name");
	refuses("{\"categories\":[" CAT "],\"forms\":[" FORM "," FORM "],\"max_amount\":1}",
	        "forms[1].code");
	char err[64];
	award_catalog_t *c = award_catalog_parse(
	        "{\"categories\":[" CAT "],\"forms\":[" FORM "],\"max_amount\":0}",
	        strlen("{\"categories\":[" CAT "],\"forms\":[" FORM "],\"max_amount\":0}"), err,
	        sizeof err);
	assert_non_null(c);
	award_catalog_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(shipped_file_loads),
	        cmocka_unit_test(bad_catalogs_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
