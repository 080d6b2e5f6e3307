/* The authorization matrix: every route of the router table x every role x the target's
 * position relative to the user's unit (own, child, grandchild, parent, sibling, a unit
 * in another province) and anonymous, over real HTTP against a real server and store.
 * Expected answers are written here by hand; a route without an entry fails the test.
 * Also: every state-changing route refuses a request without a valid CSRF token. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/file.h"
#include "core/log.h"
#include "domain/accounts.h"
#include "helper_app.h"

#define PASSWORD "Matran-kiem-tra-2024"

static char tmpdir[] = "/tmp/suotdoi-authz-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;

/* Positions relative to the role holders' unit, Quận Hải An (306). */
enum { OWN, CHILD, GRAND, PARENT, SIBLING, OTHER, NPOS };
static const char *const pos_unit[NPOS] = {"306", "11413", "HA-11413-TH", "31", "315", "018"};
static const char *const pos_name[NPOS] = {"own",    "child",   "grandchild",
                                           "parent", "sibling", "other province"};
static int64_t target_user[NPOS]; /* an entry officer at each position, for /users/:id */

/* Principals: anonymous, then one user per role (enum role order) holding it on 306. */
#define NPRINC (1 + ROLE_COUNT)
typedef struct principal {
	const char *name;
	char cookie[256]; /* Cookie header value */
	char csrf[64];
} principal_t;
static principal_t who[NPRINC];
static principal_t national_admin = {"admin.vn", "", ""};

/* Expected answers. kind 'p' public, 's' self: one answer per principal (anonymous first);
 * 'a' by address: 200 exactly for everyone from an allowed address (metrics_allow).
 * kind 'r': the whole system's (national admins only): every principal here is denied, and
 * a national admin is checked separately to be allowed.
 * kind 'u'/'U': per role, one char per position (own child grand parent sibling other);
 * anonymous always gets 401 there. 'y' allowed, '.' denied. */
static const struct expect {
	const char *route;
	char kind;
	const char *by_role[ROLE_COUNT]; /* admin head overseer entry viewer */
} matrix[] = {
        {"GET /", 'p', {0}},
        /* monitoring: /metrics by the client's address alone ('a': this test's 127.0.0.1
         * is in the default allow list, so everyone here gets 200, and with another list
         * everyone a 404: test_metrics_by_address_only); /readyz for load balancers */
        {"GET /metrics", 'a', {0}},
        {"GET /readyz", 'p', {0}},
        {"GET /sw.js", 'p', {0}},
        {"GET /units", 'p', {0}},
        {"GET /units/:code", 'p', {0}},
        {"GET /search", 'p', {0}},
        {"GET /api/v1/units", 'p', {0}},
        {"GET /api/v1/units/:code", 'p', {0}},
        {"GET /login", 'p', {0}},
        {"POST /login", 'p', {0}},
        {"POST /logout", 's', {0}},
        {"GET /account", 's', {0}},
        {"GET /account/password", 's', {0}},
        {"POST /account/password", 's', {0}},
        {"POST /account/logout-all", 's', {0}},
        {"POST /account/tokens", 's', {0}},
        {"POST /account/tokens/:id/revoke", 's', {0}},
        {"GET /api/v1/me", 's', {0}},
        {"GET /units/:code/users", 'u', {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"POST /units/:code/users", 'u', {"yyy...", "yyy...", "......", "......", "......"}},
        {"GET /units/:code/users/bulk", 'u', {"yyy...", "yyy...", "......", "......", "......"}},
        {"POST /units/:code/users/bulk", 'u', {"yyy...", "yyy...", "......", "......", "......"}},
        {"GET /units/:code/audit", 'u', {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"GET /users/:id", 'U', {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"POST /users/:id/disable", 'U', {"yyy...", "yyy...", "......", "......", "......"}},
        {"POST /users/:id/password-reset", 'U', {"yyy...", "yyy...", "......", "......", "......"}},
        {"POST /users/:id/roles", 'U', {"yyy...", "yyy...", "......", "......", "......"}},
        {"POST /users/:id/roles/remove", 'U', {"yyy...", "yyy...", "......", "......", "......"}},
        {"GET /api/v1/units/:code/users", 'u', {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"POST /api/v1/units/:code/users", 'u', {"yyy...", "yyy...", "......", "......", "......"}},
        {"GET /api/v1/units/:code/audit", 'u', {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"GET /campaigns", 'p', {0}},
        {"GET /api/v1/campaigns", 'p', {0}},
        {"GET /campaigns/:id/units/:code", 'u', {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/campaigns/:id/units/:code",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /campaigns/:id/units/:code/report",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/campaigns/:id/units/:code/report",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /campaigns/:id/units/:code/report",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/campaigns/:id/units/:code/report",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /campaigns/:id/units/:code/submit",
         'u',
         {"yyy...", "yyy...", ".yy...", "......", "......"}},
        {"POST /api/v1/campaigns/:id/units/:code/submit",
         'u',
         {"yyy...", "yyy...", ".yy...", "......", "......"}},
        {"POST /campaigns/:id/units/:code/return",
         'u',
         {".yy...", ".yy...", ".yy...", "......", "......"}},
        {"POST /api/v1/campaigns/:id/units/:code/return",
         'u',
         {".yy...", ".yy...", ".yy...", "......", "......"}},
        {"POST /campaigns/:id/units/:code/approve",
         'u',
         {".yy...", ".yy...", ".yy...", "......", "......"}},
        {"POST /api/v1/campaigns/:id/units/:code/approve",
         'u',
         {".yy...", ".yy...", ".yy...", "......", "......"}},
        {"POST /campaigns/:id/units/:code/reopen",
         'u',
         {".yy...", ".yy...", ".yy...", "......", "......"}},
        /* bulk values: the import checks each unit's rights itself (through the service's
         * access_allowed), the export targets the ?unit= subtree */
        {"POST /api/v1/campaigns/:id/values", 's', {0}},
        {"GET /api/v1/campaigns/:id/values",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /campaigns/:id/units/:code/values",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /campaigns/:id/units/:code/values",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /campaigns/:id/units/:code/values.csv",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /api/v1/campaigns/:id/units/:code/reopen",
         'u',
         {".yy...", ".yy...", ".yy...", "......", "......"}},
        {"GET /campaigns/:id/units/:code/status",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/campaigns/:id/units/:code/status",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /campaigns/:id/units/:code/remind",
         'u',
         {".yy...", ".yy...", ".yy...", "......", "......"}},
        {"POST /api/v1/campaigns/:id/units/:code/remind",
         'u',
         {".yy...", ".yy...", ".yy...", "......", "......"}},
        /* "sub:": a level reminds its subtree: allowed on its own unit too */
        {"POST /campaigns/:id/units/:code/remind-all",
         'u',
         {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"POST /api/v1/campaigns/:id/units/:code/remind-all",
         'u',
         {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"POST /units/:code/campaigns/:id/chase",
         'u',
         {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"GET /notices", 's', {0}},
        {"GET /api/v1/notices", 's', {0}},
        {"GET /notices/:id", 's', {0}},
        {"POST /notices/read", 's', {0}},
        {"POST /api/v1/notices/read", 's', {0}},
        {"GET /campaigns/:id/units/:code/phuluc.xlsx",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /campaigns/:id/units/:code/phuluc.pdf",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /campaigns/:id/units/:code/matrix",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        /* the comparison table (src/app/table_pages.c) */
        {"GET /campaigns/:id/units/:code/table",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/campaigns/:id/units/:code/table",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        /* the dashboard's charts alone (src/app/chart_pages.c) */
        {"GET /campaigns/:id/units/:code/charts/progress.svg",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /campaigns/:id/units/:code/charts/indicator.svg",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        /* year over year (src/app/compare_pages.c) */
        {"GET /campaigns/:id/units/:code/compare",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /campaigns/:id/units/:code/compare.xlsx",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/campaigns/:id/units/:code/compare",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /units/:code/campaigns/new", 'u', {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"POST /units/:code/campaigns", 'u', {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"GET /admin/mail", 'r', {0}},
        {"GET /api/v1/admin/mail", 'r', {0}},
        {"POST /admin/mail/:id/retry", 'r', {0}},
        {"GET /admin/registry", 'r', {0}},
        {"POST /admin/registry/preview", 'r', {0}},
        {"POST /admin/registry/uploads/:uid/apply", 'r', {0}},
        {"GET /admin/registry/pending", 'r', {0}},
        {"GET /admin/registry/pending.csv", 'r', {0}},
        {"POST /admin/registry/place", 'r', {0}},
        {"POST /admin/registry/place.csv", 'r', {0}},
        {"GET /templates", 's', {0}},
        {"POST /templates", 'r', {0}},
        {"POST /api/v1/templates", 'r', {0}},
        {"GET /templates/:tid/json", 's', {0}},
        {"GET /templates/:tid/edit", 'r', {0}},
        {"POST /templates/:tid", 'r', {0}},
        {"POST /templates/:tid/copy", 'r', {0}},
        {"POST /campaigns/:id/units/:code/photos",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /campaigns/:id/units/:code/photos/:pid",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /campaigns/:id/units/:code/photos/:pid/delete",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/campaigns/:id/status",
         'u',
         {"yyy...", "yyy...", "y.....", "......", "......"}},
        /* activities (src/app/activity_pages.c) */
        {"GET /units/:code/activities", 'u', {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /units/:code/activities/new",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/activities", 'u', {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /units/:code/activities/:aid",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /units/:code/activities/:aid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/activities/:aid/outcome",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/activities/:aid/photos",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /units/:code/activities/:aid/photos/:pid",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /units/:code/activities/:aid/photos/:pid/delete",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/activities/:aid/photos/uploads",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/activities/:aid/photos/uploads/:uid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /units/:code/activities/:aid/photos/uploads/:uid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/activities/:aid/photos/uploads/:uid/finish",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /api/v1/units/:code/activities",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /api/v1/units/:code/activities",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/activities/:aid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/activities/:aid/outcome",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /lich", 'p', {0}},
        {"GET /lich/:aid", 'p', {0}},
        {"GET /lich/:aid/event.ics", 'p', {0}},
        {"GET /lich/:aid/photos/:pid", 'p', {0}},
        {"GET /units/:code/lich.ics", 'p', {0}},
        {"GET /api/v1/lich", 'p', {0}},
        /* class enrolment: the list holds names and phones, so report.edit */
        {"GET /lich/:aid/dang-ky", 'p', {0}},
        {"POST /lich/:aid/dang-ky", 'p', {0}},
        {"GET /lich/:aid/ma/:ecode", 'p', {0}},
        {"GET /lich/:aid/huy", 'p', {0}},
        {"POST /lich/:aid/huy", 'p', {0}},
        {"GET /api/v1/lich/:aid/enrolment", 'p', {0}},
        {"POST /api/v1/lich/:aid/enrolments", 'p', {0}},
        {"POST /api/v1/lich/:aid/enrolments/cancel", 'p', {0}},
        {"GET /units/:code/activities/:aid/enrolments",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /units/:code/activities/:aid/enrolments.xlsx",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/activities/:aid/enrolments/settings",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/activities/:aid/enrolments/attendance",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /api/v1/units/:code/activities/:aid/enrolments",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/activities/:aid/enrolments/settings",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        /* end of activities */
        /* open learning resources (src/app/resource_pages.c) */
        {"GET /units/:code/hoc-lieu",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /units/:code/hoc-lieu",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /units/:code/hoc-lieu/:rid",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /units/:code/hoc-lieu/:rid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /units/:code/hoc-lieu/:rid/file",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/units/:code/resources",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /api/v1/units/:code/resources",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/resources/:rid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /hoc-lieu", 'p', {0}},
        {"GET /hoc-lieu/:rid", 'p', {0}},
        {"GET /hoc-lieu/:rid/file", 'p', {0}},
        {"GET /api/v1/hoc-lieu", 'p', {0}},
        /* end of open learning resources */
        /* commendation (src/app/award_pages.c): a proposal's ops are checked again by
         * the service on the op's own right (tests/http/test_awards.c) */
        {"GET /units/:code/khen-thuong",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /units/:code/khen-thuong",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/khen-thuong/quyet-dinh",
         'u',
         {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"GET /units/:code/khen-thuong/:pid",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /units/:code/khen-thuong/:pid",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /units/:code/khen-thuong/:pid/files/:fid",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/units/:code/awards",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /api/v1/units/:code/awards",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /api/v1/units/:code/awards/:pid",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /api/v1/units/:code/awards/:pid",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /api/v1/units/:code/award-decisions",
         'u',
         {"yyy...", "yyy...", "y.....", "......", "......"}},
        /* end of commendation */
        /* reading culture (src/app/reading_pages.c) */
        {"GET /units/:code/van-hoa-doc",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /units/:code/van-hoa-doc/shelves",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/van-hoa-doc/shelves/:sid/status",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/van-hoa-doc/moves",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/van-hoa-doc/moves/:mid/receive",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/van-hoa-doc/reads",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /api/v1/units/:code/reading",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /api/v1/units/:code/reading/shelves",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/reading/shelves/:sid/status",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/reading/moves",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/reading/moves/:mid/receive",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/reading/reads",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        /* end of reading culture */
        /* contests with citizen entries (src/app/contest_pages.c): the public pages; judging
         * is for any signed-in user (the handler then checks the contest names them); the
         * organiser's pages need report.edit on the unit */
        {"GET /cuoc-thi", 'p', {0}},
        {"GET /cuoc-thi/:cid", 'p', {0}},
        {"GET /cuoc-thi/:cid/du-thi", 'p', {0}},
        {"POST /cuoc-thi/:cid/du-thi", 'p', {0}},
        {"GET /cuoc-thi/:cid/ma/:ecode", 'p', {0}},
        {"GET /cuoc-thi/:cid/tra-cuu", 'p', {0}},
        {"POST /cuoc-thi/:cid/rut", 'p', {0}},
        {"GET /cuoc-thi/:cid/bai/:eid/tep", 'p', {0}},
        {"GET /cuoc-thi/:cid/cham", 's', {0}},
        {"POST /cuoc-thi/:cid/cham/:eid", 's', {0}},
        {"GET /api/v1/contests", 'p', {0}},
        {"GET /api/v1/contests/:cid", 'p', {0}},
        {"POST /api/v1/contests/:cid/entries/:eid/score", 's', {0}},
        {"GET /units/:code/cuoc-thi",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/cuoc-thi",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /units/:code/cuoc-thi/:cid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/cuoc-thi/:cid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/cuoc-thi/:cid/bai/:eid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /units/:code/cuoc-thi/:cid/cong-bo",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /units/:code/cuoc-thi/:cid/bai/:eid/tep",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /api/v1/units/:code/contests/:cid/entries",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/contests",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/contests/:cid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/contests/:cid/entries/:eid",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"POST /api/v1/units/:code/contests/:cid/announce",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        /* end of contests */
        /* documents and tasks (src/app/doc_pages.c) */
        {"GET /units/:code/docs", 'u', {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/units/:code/docs", 'u', {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /units/:code/docs/new", 'u', {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"POST /units/:code/docs", 'u', {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"POST /api/v1/units/:code/docs", 'u', {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"GET /units/:code/docs/import", 'u', {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"POST /units/:code/docs/import", 'u', {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"POST /api/v1/units/:code/docs/import",
         'u',
         {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"GET /units/:code/docs/:did", 'u', {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/units/:code/docs/:did",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /units/:code/docs/:did", 'u', {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"POST /units/:code/docs/:did/publish",
         'u',
         {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"POST /units/:code/docs/:did/public",
         'u',
         {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"GET /units/:code/docs/:did/import",
         'u',
         {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"POST /units/:code/docs/:did/sign",
         'u',
         {"yyy...", "yyy...", "y.....", "......", "......"}},
        {"GET /units/:code/docs/:did/pdf", 'u', {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /units/:code/docs/:did/docx",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /units/:code/docs/:did/giay-khen.pdf",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /units/:code/tasks", 'u', {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/units/:code/tasks", 'u', {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /units/:code/tasks/:tkid", 'u', {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /van-ban/:did", 'p', {0}},
        {"GET /van-ban/:did/pdf", 'p', {0}},
        {"GET /van-ban/:did/docx", 'p', {0}},
        /* end of documents */
        /* the review queue (src/app/review_pages.c): whoever reviews every unit under
         * :code, from the unit itself down (review reaches below the role's unit) */
        {"GET /campaigns/:id/units/:code/review",
         'u',
         {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"GET /api/v1/campaigns/:id/units/:code/review",
         'u',
         {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"POST /campaigns/:id/units/:code/review",
         'u',
         {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"POST /api/v1/campaigns/:id/units/:code/review",
         'u',
         {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"GET /review", 's', {0}},
        /* the outlier list (src/app/outlier_pages.c): the queue's reviewers */
        {"GET /campaigns/:id/units/:code/outliers",
         'u',
         {"yyy...", "yyy...", "yyy...", "......", "......"}},
        {"GET /api/v1/campaigns/:id/units/:code/outliers",
         'u',
         {"yyy...", "yyy...", "yyy...", "......", "......"}},
        /* end of the review queue */
        /* the budget (src/app/budget_pages.c): read with the unit, written as its report */
        {"GET /campaigns/:id/units/:code/kinh-phi",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /campaigns/:id/units/:code/kinh-phi",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        {"GET /campaigns/:id/units/:code/kinh-phi.xlsx",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /campaigns/:id/units/:code/kinh-phi.csv",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"GET /api/v1/campaigns/:id/units/:code/budget",
         'u',
         {"yyy...", "yyy...", "yyy...", "y.....", "yyy..."}},
        {"POST /api/v1/campaigns/:id/units/:code/budget",
         'u',
         {"yyy...", "yyy...", ".yy...", "y.....", "......"}},
        /* end of the budget */
};

static const struct expect *
find_expect(const char *key)
{
	for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++)
		if (!strcmp(matrix[i].route, key))
			return &matrix[i];
	return NULL;
}

static int
take_cookie(const hc_resp_t *r, const char *name, char *out, size_t cap)
{
	return hc_cookie(r, name, out, cap);
}

static void
take_csrf(const hc_resp_t *r, char *out, size_t cap)
{
	if (hc_csrf(r, out, cap) < 0)
		fail_msg("no CSRF field in page");
}

static hc_resp_t
send_req(principal_t *pr, const char *method, const char *path, const char *body, int json)
{
	char cookie[300], csrfh[100];
	const char *hdrs[4] = {0};
	int k = 0;
	if (pr->cookie[0]) {
		snprintf(cookie, sizeof cookie, "Cookie: %s", pr->cookie);
		hdrs[k++] = cookie;
	}
	if (json) {
		hdrs[k++] = "Content-Type: application/json";
		if (pr->csrf[0]) {
			snprintf(csrfh, sizeof csrfh, "X-CSRF-Token: %s", pr->csrf);
			hdrs[k++] = csrfh;
		}
	}
	hc_opts_t o = {.method = method,
	               .body = body,
	               .body_len = body ? strlen(body) : 0,
	               .headers = hdrs};
	hc_resp_t r;
	CURL *c = curl_easy_init();
	if (hc_request(c, port, path, &o, &r) < 0)
		fail_msg("%s %s: transport error", method, path);
	curl_easy_cleanup(c);
	return r;
}

/* Anonymous: the pre-login cookie and its CSRF value from the sign-in page. */
static void
prelogin(principal_t *pr)
{
	pr->cookie[0] = pr->csrf[0] = '\0';
	hc_resp_t r = send_req(pr, "GET", "/login", NULL, 0);
	assert_int_equal(r.status, 200);
	if (take_cookie(&r, APP_PRELOGIN_COOKIE, pr->cookie, sizeof pr->cookie) < 0)
		fail_msg("no pre-login cookie");
	take_csrf(&r, pr->csrf, sizeof pr->csrf);
	hc_resp_free(&r);
}

static void
login(principal_t *pr)
{
	prelogin(pr);
	char body[256];
	snprintf(body, sizeof body, "username=%s&password=%s&csrf=%s", pr->name, PASSWORD,
	         pr->csrf);
	hc_resp_t r = send_req(pr, "POST", "/login", body, 0);
	if (r.status != 303)
		fail_msg("login %s: %ld %s", pr->name, r.status, buf_cstr(&r.body));
	if (take_cookie(&r, APP_SESSION_COOKIE, pr->cookie, sizeof pr->cookie) < 0)
		fail_msg("login %s: no session cookie", pr->name);
	hc_resp_free(&r);
	r = send_req(pr, "GET", "/account", NULL, 0);
	assert_int_equal(r.status, 200);
	take_csrf(&r, pr->csrf, sizeof pr->csrf);
	hc_resp_free(&r);
}

static int64_t
make_user(store_t *st, const unit_tree_t *t, const char *name, const char *unit, role_t role)
{
	char hash[AUTH_HASH_MAX], norm[72], msg[300];
	if (auth_password_hash(PASSWORD, hash) < 0)
		fail_msg("hash");
	account_new_t a = {name, NULL, NULL, role, t->units[unit_tree_find_code(t, unit)].id,
	                   hash, 0,    0};
	int64_t id;
	if (accounts_create(st, &a, norm, &id, msg, sizeof msg) != 0)
		fail_msg("create %s: %s", name, msg);
	return id;
}

static int
setup(void **state)
{
	(void)state;
	log_set_level(2);
	if (!mkdtemp(tmpdir) || auth_init() < 0)
		return -1;
	char db[256], err[4096];
	store_t *st;
	if (ha_demo_store(tmpdir, "z.db", db, sizeof db) < 0 ||
	    store_open(db, &st, err, sizeof err) < 0)
		return -1;
	unit_tree_t *t;
	if (unit_tree_build(st, &t, err, sizeof err) < 0)
		return -1;
	who[0].name = "anonymous";
	static char names[ROLE_COUNT][32];
	for (int r = 0; r < ROLE_COUNT; r++) {
		snprintf(names[r], sizeof names[r], "%s.306", role_code((role_t)r));
		who[1 + r].name = names[r];
		make_user(st, t, names[r], "306", (role_t)r);
	}
	make_user(st, t, "admin.vn", "VN", ROLE_ADMIN);
	for (int p = 0; p < NPOS; p++) {
		char n[32];
		snprintf(n, sizeof n, "target.%d", p);
		target_user[p] = make_user(st, t, n, pos_unit[p], ROLE_ENTRY);
	}
	unit_tree_unref(t);
	store_close(st);
	if (ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	/* this test signs in many times from one address; the throttles have their own test */
	ha_throttles(&app, 1000000, 1000000);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	prelogin(&who[0]);
	for (int i = 1; i < NPRINC; i++)
		login(&who[i]);
	login(&national_admin);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* Fill a route pattern's parameters for a position. */
static void
concrete(const char *pattern, int pos, char *out, size_t cap)
{
	buf_t b = BUF_INIT;
	for (const char *p = pattern; *p;) {
		if (*p == ':' && strncmp(p, ":code", 5) && strncmp(p, ":id", 3)) {
			/* :tid, :pid, :aid, :did, :tkid: a template, photo, activity, document
			 * or task nobody has: 404 after the guard */
			buf_puts(&b, "999999");
			for (p++; *p && *p != '/'; p++)
				;
		} else if (!strncmp(p, ":code", 5)) {
			buf_puts(&b, pos_unit[pos]);
			p += 5;
		} else if (!strncmp(p, ":id", 3)) {
			if (!strncmp(pattern, "/users/", 7))
				buf_printf(&b, "%lld", (long long)target_user[pos]);
			else /* a token or campaign id nobody has: the handler answers 404 after the
			      * guard let the request through, and changes nothing */
				buf_puts(&b, "999999");
			p += 3;
		} else
			buf_putc(&b, *p++);
	}
	if (!strcmp(pattern, "/api/v1/campaigns/:id/values")) /* a "qunit:" route */
		buf_printf(&b, "?unit=%s", pos_unit[pos]);
	snprintf(out, cap, "%s", buf_cstr(&b));
	buf_free(&b);
}

static void
test_every_route_every_role_every_position(void **state)
{
	(void)state;
	size_t nroutes;
	const http_route_t *routes = app_routes(&nroutes);
	int checks = 0, wrong = 0;
	for (size_t i = 0; i < nroutes; i++) {
		const http_route_t *rt = &routes[i];
		const char *m = rt->method == HTTP_POST ? "POST" : "GET";
		char key[256];
		snprintf(key, sizeof key, "%s %s", m, rt->pattern);
		const struct expect *e = find_expect(key);
		if (e == NULL)
			fail_msg("route %s has no entry in the authorization matrix: add one", key);
		int targeted = e->kind == 'u' || e->kind == 'U';
		int json = !strncmp(rt->pattern, "/api/", 5) && rt->method == HTTP_POST;
		for (int p = 0; p < (targeted ? NPOS : 1); p++) {
			char path[256];
			concrete(rt->pattern, p, path, sizeof path);
			for (int w = 0; w < NPRINC; w++) {
				principal_t *pr = &who[w];
				char body[128];
				/* a valid CSRF token but no valid fields: an allowed request stops
				 * at validation and changes nothing */
				snprintf(body, sizeof body, json ? "{}" : "csrf=%s", pr->csrf);
				hc_resp_t r = send_req(pr, m, path,
				                       rt->method == HTTP_POST ? body : NULL, json);
				int want;
				if (e->kind == 'p' || e->kind == 'a')
					want = 1;
				else if (w == 0 || e->kind == 'r')
					want = 0;
				else if (e->kind == 's')
					want = 1;
				else
					want = e->by_role[w - 1][p] == 'y';
				int denied = r.status == 401 || r.status == 403;
				/* public sign-in answers 401 to wrong credentials by design: only
				 * the guard's CSRF refusal (403) would mean denied there */
				if (e->kind == 'p' && r.status == 401 &&
				    !strcmp(rt->pattern, "/login"))
					denied = 0;
				int expected_status_ok =
				        e->kind == 'a' ? r.status == 200
				        : want         ? !denied
				               : (w == 0 ? r.status == 401 : r.status == 403);
				checks++;
				if (!expected_status_ok) {
					wrong++;
					print_error("MISMATCH %s as %s on %s unit: got %ld, "
					            "expected %s\n",
					            key, pr->name, targeted ? pos_name[p] : "-",
					            r.status,
					            want     ? "allowed"
					            : w == 0 ? "401"
					                     : "403");
				}
				hc_resp_free(&r);
				if (strstr(rt->pattern, "logout") && w > 0 && !denied)
					login(pr); /* that request ended the session: sign in again
					            */
			}
		}
	}
	print_message("authorization matrix: %d checks over %zu routes, %d wrong\n", checks,
	              nroutes, wrong);
	assert_int_equal(wrong, 0);
	assert_true(checks > 300);
}

/* The system's routes, denied to everyone above, are open to a national admin. */
static void
test_root_routes_allow_national_admin(void **state)
{
	(void)state;
	size_t nroutes;
	const http_route_t *routes = app_routes(&nroutes);
	int n = 0;
	for (size_t i = 0; i < nroutes; i++) {
		if (strncmp(routes[i].action, "root:", 5) != 0)
			continue;
		char path[256], body[128];
		concrete(routes[i].pattern, OWN, path, sizeof path);
		int json = !strncmp(routes[i].pattern, "/api/", 5);
		snprintf(body, sizeof body, json ? "{}" : "csrf=%s", national_admin.csrf);
		hc_resp_t r =
		        send_req(&national_admin, routes[i].method == HTTP_POST ? "POST" : "GET",
		                 path, routes[i].method == HTTP_POST ? body : NULL, json);
		if (r.status == 401 || r.status == 403)
			fail_msg("%s as a national admin: %ld", routes[i].pattern, r.status);
		hc_resp_free(&r);
		n++;
	}
	assert_true(n >= 4);
}

static void
test_state_changes_need_csrf(void **state)
{
	(void)state;
	size_t nroutes;
	const http_route_t *routes = app_routes(&nroutes);
	principal_t *admin = &who[1 + ROLE_ADMIN];
	int n = 0;
	for (size_t i = 0; i < nroutes; i++) {
		if (routes[i].method == HTTP_GET)
			continue;
		char path[256];
		concrete(routes[i].pattern, OWN, path, sizeof path);
		int json = !strncmp(routes[i].pattern, "/api/", 5);
		const char *bodies[] = {"csrf=", "csrf=forged-token-value-of-the-right-length-xxx",
		                        ""};
		for (int b = 0; b < 3; b++) {
			principal_t bare = *admin;
			bare.csrf[0] = '\0'; /* no X-CSRF-Token header either */
			hc_resp_t r = send_req(&bare, "POST", path, json ? "{}" : bodies[b], json);
			if (r.status != 403)
				fail_msg("POST %s without a valid CSRF token: %ld",
				         routes[i].pattern, r.status);
			hc_resp_free(&r);
			n++;
			if (json)
				break;
		}
	}
	assert_true(n > 10);
	/* the session still works afterwards: nothing was done */
	hc_resp_t r = send_req(admin, "GET", "/api/v1/me", NULL, 0);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
}

/* The 'a' routes from an address outside the allow list: a 404 for everyone, a national
 * admin included (being signed in is not what opens them). */
static void
test_metrics_by_address_only(void **state)
{
	(void)state;
	size_t nroutes;
	const http_route_t *routes = app_routes(&nroutes);
	char err[256];
	assert_int_equal(app_settings_set_nets(&app, NULL, "10.0.0.0/8", err, sizeof err), 0);
	int n = 0;
	for (size_t i = 0; i < nroutes; i++) {
		if (strcmp(routes[i].action, "metrics") != 0)
			continue;
		char key[256];
		snprintf(key, sizeof key, "GET %s", routes[i].pattern);
		const struct expect *e = find_expect(key);
		assert_non_null(e);
		assert_int_equal(e->kind, 'a');
		for (int w = 0; w <= NPRINC; w++) {
			principal_t *pr = w < NPRINC ? &who[w] : &national_admin;
			hc_resp_t r = send_req(pr, "GET", routes[i].pattern, NULL, 0);
			if (r.status != 404)
				fail_msg("%s as %s from outside the allow list: %ld", key, pr->name,
				         r.status);
			hc_resp_free(&r);
			n++;
		}
	}
	assert_int_equal(app_settings_set_nets(&app, NULL, APP_METRICS_ALLOW, err, sizeof err), 0);
	assert_true(n >= NPRINC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_route_every_role_every_position),
	        cmocka_unit_test(test_root_routes_allow_national_admin),
	        cmocka_unit_test(test_state_changes_need_csrf),
	        cmocka_unit_test(test_metrics_by_address_only),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
