/* Access rules: every role x action x position of the target relative to the role's unit,
 * with the expected answers written out by hand, and the "nobody grants more than they
 * hold" containment. A real tree from a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/store.h"
#include "domain/access.h"
#include "domain/units.h"

static char tmpdir[] = "/tmp/suotdoi-access-XXXXXX";
static unit_tree_t *t;

/* VN > 31 > 306 > 11413 > SCHOOL; 31 > 315 (sibling of 306); VN > 01 > 018 (other). */
static const char tree_csv[] = "code,name,kind,parent_code\n"
                               "31,Thành phố Hải Phòng,tp_tw,\n"
                               "306,Quận Hải An,quan,31\n"
                               "315,Huyện Tiên Lãng,huyen,31\n"
                               "11413,Phường Đằng Lâm,phuong,306\n"
                               "SCHOOL,Trường Tiểu học Đằng Lâm,truong_th,11413\n"
                               "01,Thành phố Hà Nội,tp_tw,\n"
                               "018,Huyện Gia Lâm,huyen,01\n";

enum pos { OWN, CHILD, GRAND, PARENT, SIBLING, OTHER, NPOS };
static const char *const pos_code[NPOS] = {"306", "11413", "SCHOOL", "31", "315", "018"};
static const char *const pos_name[NPOS] = {"own",    "child",   "grandchild",
                                           "parent", "sibling", "other province"};

static int32_t
u(const char *code)
{
	int32_t i = unit_tree_find_code(t, code);
	assert_true(i >= 0);
	return i;
}

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	char path[256], err[2048];
	snprintf(path, sizeof path, "%s/a.db", tmpdir);
	store_t *st;
	units_import_stats_t s;
	if (store_open(path, &st, err, sizeof err) < 0 ||
	    units_import_csv(st, tree_csv, sizeof tree_csv - 1, &s, err, sizeof err) < 0 ||
	    unit_tree_build(st, &t, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	store_close(st);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unit_tree_unref(t);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd);
}

/* Expected: one string per role, one char per position (own child grand parent sibling
 * other): 'y' allowed, '.' denied. Written from the product rules, not from the table. */
static const struct {
	action_t a;
	const char *by_role[ROLE_COUNT]; /* admin head overseer entry viewer */
} expected[] = {
        {ACT_UNIT_VIEW, {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {ACT_REPORT_EDIT, {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {ACT_REPORT_SUBMIT, {"yyy...", "yyy...", ".yy...", "......", "......"}},
        {ACT_REPORT_REVIEW, {".yy...", ".yy...", ".yy...", "......", "......"}},
        {ACT_USERS_VIEW, {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {ACT_USERS_MANAGE, {"yyy...", "yyy...", "......", "......", "......"}},
        {ACT_AUDIT_READ, {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {ACT_SYSTEM_MANAGE, {"yyy...", "......", "......", "......", "......"}},
        {ACT_CAMPAIGN_MANAGE, {"yyy...", "yyy...", "y.....", "......", "......"}},
};

static void
test_matrix(void **state)
{
	(void)state;
	assert_int_equal(sizeof expected / sizeof expected[0], ACT_COUNT);
	for (size_t k = 0; k < ACT_COUNT; k++) {
		for (int r = 0; r < ROLE_COUNT; r++) {
			access_grant_t g = {u("306"), (role_t)r};
			for (int p = 0; p < NPOS; p++) {
				int want = expected[k].by_role[r][p] == 'y';
				int got = access_allowed(t, &g, 1, expected[k].a, u(pos_code[p]));
				if (got != want)
					fail_msg("%s on %s unit: %s, expected %s",
					         role_code((role_t)r), pos_name[p],
					         action_code(expected[k].a),
					         want ? "allow" : "deny");
			}
		}
	}
}

static void
test_no_grants_and_bad_targets(void **state)
{
	(void)state;
	for (int a = 0; a < ACT_COUNT; a++)
		assert_false(access_allowed(t, NULL, 0, (action_t)a, u("306")));
	access_grant_t g = {u("306"), ROLE_ADMIN};
	assert_false(access_allowed(t, &g, 1, ACT_UNIT_VIEW, -1));
	assert_false(access_allowed(t, &g, 1, ACT_UNIT_VIEW, t->n));
	assert_false(access_allowed(t, &g, 1, ACT_COUNT, u("306")));
}

static void
test_several_grants_combine(void **state)
{
	(void)state;
	/* a school's data-entry officer who also reads the whole city */
	access_grant_t g[] = {{u("SCHOOL"), ROLE_ENTRY}, {u("31"), ROLE_VIEWER}};
	assert_true(access_allowed(t, g, 2, ACT_UNIT_VIEW, u("315")));
	assert_true(access_allowed(t, g, 2, ACT_REPORT_EDIT, u("SCHOOL")));
	assert_false(access_allowed(t, g, 2, ACT_REPORT_EDIT, u("315")));
	assert_false(access_allowed(t, g, 2, ACT_UNIT_VIEW, u("018")));
}

static void
test_nobody_grants_more_than_they_hold(void **state)
{
	(void)state;
	access_grant_t head = {u("306"), ROLE_HEAD};
	/* a district head staffs the schools and wards under it, and its own office */
	assert_true(access_can_grant(t, &head, 1, ROLE_ENTRY, u("SCHOOL")));
	assert_true(access_can_grant(t, &head, 1, ROLE_HEAD, u("11413")));
	assert_true(access_can_grant(t, &head, 1, ROLE_OVERSEER, u("306")));
	assert_true(access_can_grant(t, &head, 1, ROLE_VIEWER, u("306")));
	/* ... but never a system admin, and nothing outside its district */
	assert_false(access_can_grant(t, &head, 1, ROLE_ADMIN, u("306")));
	assert_false(access_can_grant(t, &head, 1, ROLE_ENTRY, u("315")));
	assert_false(access_can_grant(t, &head, 1, ROLE_VIEWER, u("31")));

	/* overseers, entry officers and viewers manage nobody */
	for (int r = ROLE_OVERSEER; r < ROLE_COUNT; r++) {
		access_grant_t g = {u("306"), (role_t)r};
		for (int give = 0; give < ROLE_COUNT; give++)
			assert_false(access_can_grant(t, &g, 1, (role_t)give, u("SCHOOL")));
	}

	/* a city admin makes admins in its city only; the national admin anywhere */
	access_grant_t city = {u("31"), ROLE_ADMIN};
	assert_true(access_can_grant(t, &city, 1, ROLE_ADMIN, u("306")));
	assert_false(access_can_grant(t, &city, 1, ROLE_ADMIN, u("018")));
	access_grant_t nat = {0, ROLE_ADMIN};
	assert_true(access_can_grant(t, &nat, 1, ROLE_ADMIN, u("018")));

	/* a school head staffs its own school only */
	access_grant_t sh = {u("SCHOOL"), ROLE_HEAD};
	assert_true(access_can_grant(t, &sh, 1, ROLE_ENTRY, u("SCHOOL")));
	assert_false(access_can_grant(t, &sh, 1, ROLE_ENTRY, u("11413")));
}

/* Whoever reviews every unit under a level opens its review queue: a role that reaches
 * below the unit it is held on, held there or above; not an entry officer or a viewer, not
 * one held lower down or elsewhere. */
static void
test_allowed_below(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++) {
		access_grant_t g = {u("306"), (role_t)r};
		int reviews = r == ROLE_ADMIN || r == ROLE_HEAD || r == ROLE_OVERSEER;
		static const char want[] = "yyy...";
		for (int p = 0; p < NPOS; p++)
			if (access_allowed_below(t, &g, 1, ACT_REPORT_REVIEW, u(pos_code[p])) !=
			    (reviews && want[p] == 'y'))
				fail_msg("role %s, %s: wrong", role_code((role_t)r), pos_name[p]);
	}
	access_grant_t school = {u("SCHOOL"), ROLE_HEAD};
	assert_false(access_allowed_below(t, &school, 1, ACT_REPORT_REVIEW, u("306")));
	assert_true(access_allowed_below(t, &school, 1, ACT_UNIT_VIEW, u("SCHOOL")));
	assert_false(access_allowed_below(t, &school, 1, ACT_REPORT_REVIEW, -1));
	assert_false(access_allowed_below(t, NULL, 0, ACT_REPORT_REVIEW, u("306")));
}

static void
test_names_round_trip(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++) {
		role_t back;
		assert_int_equal(role_parse(role_code((role_t)r), &back), 0);
		assert_int_equal(back, r);
		assert_true(strlen(role_name((role_t)r)) > 3);
	}
	for (int a = 0; a < ACT_COUNT; a++) {
		action_t back;
		assert_int_equal(action_parse(action_code((action_t)a), &back), 0);
		assert_int_equal(back, a);
	}
	role_t r;
	assert_int_equal(role_parse("root", &r), -1);
	assert_int_equal(role_parse(NULL, &r), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_matrix),
	        cmocka_unit_test(test_no_grants_and_bad_targets),
	        cmocka_unit_test(test_several_grants_combine),
	        cmocka_unit_test(test_nobody_grants_more_than_they_hold),
	        cmocka_unit_test(test_allowed_below),
	        cmocka_unit_test(test_names_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
