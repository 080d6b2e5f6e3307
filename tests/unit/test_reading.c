/* The reading culture service (src/service/reading.c) on a real SQLite store with the demo
 * registry: each bad field named and nothing written, the holdings arithmetic from the
 * ledger (refusing a holding below zero, naming the holding), a rotation to another unit
 * that stays in transit until that unit receives it, the roll-up per child unit, the
 * period rule and the pre-fill sources. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_fixture.h"
#include "service/reading.h"
#include "text/text.h"

static char dir[] = "/tmp/suotdoi-rdtest-XXXXXX";
static store_t *st;
static unit_tree_t *tree;
static int64_t campaign_id, template_id;
static arena_t arena;

#define NOW 1665298800 /* 09/10/2022 14:00 Vietnam time */
#define SCHOOL "HA-11413-TH"
#define CLC "HA-11413-TTHTCD"
#define OTHER_PROVINCE "DT-PGDDT" /* Đại Từ, Thái Nguyên */

static int
setup(void **state)
{
	(void)state;
	char path[300];
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/r.db", dir);
	return demo_fixture_open(path, &st, &tree, &campaign_id, &template_id);
}

static int
teardown(void **state)
{
	(void)state;
	unit_tree_unref(tree);
	store_close(st);
	arena_free(&arena);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static rd_ctx_t
cx(void)
{
	return (rd_ctx_t){st, &arena, tree, NOW, 0};
}

static int32_t
unit(const char *code)
{
	int32_t i = unit_tree_find_code(tree, code);
	assert_true(i >= 0);
	return i;
}

static int
count_row(const void *r, void *p)
{
	(void)r;
	++*(int *)p;
	return 0;
}

/* Rows of every table, to prove a refusal wrote nothing. */
static int
rows(void)
{
	int n = 0;
	store_reading_query_t q = {0};
	assert_int_equal(
	        store_shelves(st, &q, (int (*)(const store_shelf_t *, void *))count_row, &n), 0);
	assert_int_equal(
	        store_book_moves(st, &q, (int (*)(const store_book_move_t *, void *))count_row, &n),
	        0);
	assert_int_equal(
	        store_readings(st, &q, (int (*)(const store_reading_t *, void *))count_row, &n), 0);
	return n;
}

static int
held_row(const store_shelf_t *s, void *p)
{
	*(int64_t *)p = s->held;
	return 1;
}

static int64_t
held(int64_t id)
{
	int64_t h = -1;
	store_reading_query_t q = {.id = id};
	assert_int_equal(store_shelves(st, &q, held_row, &h), 1);
	return h;
}

static int64_t
shelf(const char *code, const char *name, const char *kind, const char *books)
{
	rd_ctx_t c = cx();
	rd_input_t in = {.name = name, .kind = kind, .books_start = books, .opened = "05/09/2022"};
	rd_errors_t e;
	int64_t id = 0;
	assert_int_equal(rd_shelf_add(&c, unit(code), &in, &id, &e), RD_OK);
	assert_true(id > 0);
	return id;
}

static const char *
ids(int64_t id)
{
	return arena_printf(&arena, "%lld", (long long)id);
}

static rd_rc_t
move(const char *code, const char *kind, int64_t from, int64_t to, const char *count,
     rd_errors_t *e, int64_t *id)
{
	rd_ctx_t c = cx();
	rd_input_t in = {.kind = kind,
	                 .date = "06/10/2022",
	                 .shelf = ids(from),
	                 .to_shelf = to ? ids(to) : NULL,
	                 .count = count};
	int64_t tmp;
	return rd_move_add(&c, unit(code), &in, id ? id : &tmp, e);
}

static void
test_shelf_checks(void **state)
{
	(void)state;
	int before = rows();
	rd_ctx_t c = cx();
	rd_errors_t e;
	int64_t id;
	rd_input_t in = {
	        .name = "  ", .kind = "ke_sach", .books_start = "1e12", .opened = "31/02/2022"};
	assert_int_equal(rd_shelf_add(&c, unit(SCHOOL), &in, &id, &e), RD_ERR_INVALID);
	assert_int_equal(e.n, 4);
	assert_non_null(strstr(e.msg[RDF_NAME], "Tên tủ sách: chưa nhập"));
	assert_non_null(strstr(e.msg[RDF_KIND], "Loại tủ sách “ke_sach” không có"));
	assert_non_null(strstr(e.msg[RDF_BOOKS_START], "Số sách ban đầu “1e12”"));
	assert_non_null(strstr(e.msg[RDF_OPENED], "Ngày mở “31/02/2022”"));
	in = (rd_input_t){.name = "Tủ sách",
	                  .kind = "tu_sach_lop",
	                  .books_start = "-3",
	                  .opened = "01/01/2030"};
	assert_int_equal(rd_shelf_add(&c, unit(SCHOOL), &in, &id, &e), RD_ERR_INVALID);
	assert_non_null(e.msg[RDF_BOOKS_START]);
	assert_non_null(e.msg[RDF_OPENED]); /* in the future */
	assert_int_equal(rows(), before);
}

static void
test_ledger_holdings(void **state)
{
	(void)state;
	int64_t lib = shelf(SCHOOL, "Thư viện trường", "thu_vien_truong", "1.200");
	int64_t cls = shelf(SCHOOL, "Tủ sách lớp 3A", "tu_sach_lop", "0");
	rd_errors_t e;
	assert_int_equal(held(lib), 1200);
	assert_int_equal(move(SCHOOL, "add", lib, 0, "120", &e, NULL), RD_OK);
	assert_int_equal(held(lib), 1320);
	/* within the unit: received at once */
	assert_int_equal(move(SCHOOL, "move", lib, cls, "40", &e, NULL), RD_OK);
	assert_int_equal(held(lib), 1280);
	assert_int_equal(held(cls), 40);
	assert_int_equal(move(SCHOOL, "withdraw", cls, 0, "5", &e, NULL), RD_OK);
	assert_int_equal(held(cls), 35);
	/* more than held: refused naming the holding, nothing written */
	int before = rows();
	assert_int_equal(move(SCHOOL, "withdraw", cls, 0, "36", &e, NULL), RD_ERR_INVALID);
	assert_non_null(strstr(e.msg[RDF_COUNT_BOOKS], "hiện có 35 cuốn"));
	assert_int_equal(move(SCHOOL, "move", cls, lib, "1.000", &e, NULL), RD_ERR_INVALID);
	assert_non_null(strstr(e.msg[RDF_COUNT_BOOKS], "không thể chuyển đi 1.000 cuốn"));
	/* counts: 0, negative, junk, too big; from = to; not sent */
	const char *badc[] = {"0", "-5", "abc", "1e12", "2000000", ""};
	for (size_t k = 0; k < sizeof badc / sizeof badc[0]; k++) {
		assert_int_equal(move(SCHOOL, "add", lib, 0, badc[k], &e, NULL), RD_ERR_INVALID);
		assert_non_null(e.msg[RDF_COUNT_BOOKS]);
	}
	assert_int_equal(move(SCHOOL, "move", lib, lib, "1", &e, NULL), RD_ERR_INVALID);
	assert_non_null(strstr(e.msg[RDF_TO_SHELF], "trùng"));
	/* another unit's shelf as the source */
	int64_t other = shelf("HA-11413-THCS", "Thư viện THCS", "thu_vien_truong", "10");
	before = rows();
	assert_int_equal(move(SCHOOL, "withdraw", other, 0, "1", &e, NULL), RD_ERR_INVALID);
	assert_non_null(strstr(e.msg[RDF_SHELF], "không thuộc đơn vị này"));
	/* a shelf of another province as the destination */
	int64_t far = shelf(OTHER_PROVINCE, "Thư viện Đại Từ", "thu_vien_xa", "10");
	before = rows();
	assert_int_equal(move(SCHOOL, "move", lib, far, "1", &e, NULL), RD_ERR_INVALID);
	assert_non_null(strstr(e.msg[RDF_TO_SHELF], "cùng tỉnh"));
	assert_int_equal(rows(), before);
	/* a closed shelf takes nothing */
	rd_ctx_t c = cx();
	assert_int_equal(rd_shelf_status(&c, unit(SCHOOL), cls, "closed", &e), RD_OK);
	assert_int_equal(move(SCHOOL, "add", cls, 0, "1", &e, NULL), RD_ERR_INVALID);
	assert_non_null(strstr(e.msg[RDF_SHELF], "đã đóng"));
	assert_int_equal(rd_shelf_status(&c, unit(SCHOOL), cls, "active", &e), RD_OK);
	/* someone else's shelf cannot be closed */
	assert_int_equal(rd_shelf_status(&c, unit(SCHOOL), other, "closed", &e), RD_ERR_INVALID);
}

static int
lib_of(const store_shelf_t *s, void *p)
{
	if (!strcmp(s->name, "Thư viện trường"))
		*(int64_t *)p = s->id;
	return 0;
}

static void
test_rotation_to_other_unit(void **state)
{
	(void)state;
	int64_t lib = 0;
	store_reading_query_t q = {.path = "", .limit = 0};
	store_shelves(st, &q, lib_of, &lib);
	assert_true(lib > 0);
	int64_t before_lib = held(lib);
	int64_t comm = shelf(CLC, "Tủ sách cộng đồng tổ 2", "tu_sach_cong_dong", "50");
	rd_errors_t e;
	int64_t mid;
	assert_int_equal(move(SCHOOL, "move", lib, comm, "100", &e, &mid), RD_OK);
	/* in transit: gone from the school, not yet the centre's */
	assert_int_equal(held(lib), before_lib - 100);
	assert_int_equal(held(comm), 50);
	rd_rollup_t ru;
	rd_ctx_t c0 = cx();
	assert_int_equal(rd_rollup(&c0, unit("306"), 2022, &ru), 0);
	assert_int_equal(ru.total.in_transit, 100);
	assert_int_equal(ru.total.rotated_out, 100);
	/* only the receiving unit confirms, once */
	rd_ctx_t c = cx();
	assert_int_equal(rd_move_receive(&c, unit(SCHOOL), mid, &e), RD_ERR_INVALID);
	assert_int_equal(held(comm), 50);
	assert_int_equal(rd_move_receive(&c, unit(CLC), mid, &e), RD_OK);
	assert_int_equal(held(comm), 150);
	assert_int_equal(rd_rollup(&c0, unit("306"), 2022, &ru), 0);
	assert_int_equal(ru.total.in_transit, 0);
	assert_int_equal(ru.total.rotated_out, 100);
	assert_int_equal(rd_move_receive(&c, unit(CLC), mid, &e), RD_ERR_INVALID);
	assert_int_equal(held(comm), 150);
	/* the centre cannot move more than it has */
	assert_int_equal(move(CLC, "withdraw", comm, 0, "151", &e, NULL), RD_ERR_INVALID);
	assert_non_null(strstr(e.msg[RDF_COUNT_BOOKS], "hiện có 150 cuốn"));
}

static void
test_reading_and_rollup(void **state)
{
	(void)state;
	int64_t lib = 0;
	store_reading_query_t q = {.path = "", .limit = 0};
	store_shelves(st, &q, lib_of, &lib);
	rd_ctx_t c = cx();
	rd_errors_t e;
	int64_t id;
	int before = rows();
	rd_input_t bad = {.shelf = "abc",
	                  .date = "hôm qua",
	                  .channel = "radio",
	                  .readers = "0",
	                  .loans = "-1"};
	assert_int_equal(rd_reading_add(&c, unit(SCHOOL), &bad, &id, &e), RD_ERR_INVALID);
	assert_int_equal(e.n, 5);
	assert_non_null(e.msg[RDF_SHELF]);
	assert_non_null(e.msg[RDF_DATE]);
	assert_non_null(strstr(e.msg[RDF_CHANNEL], "“radio”"));
	assert_non_null(e.msg[RDF_READERS]);
	assert_non_null(e.msg[RDF_LOANS]);
	assert_int_equal(rows(), before);
	rd_input_t on = {
	        .shelf = ids(lib), .date = "07/10/2022", .channel = "truc_tuyen", .readers = "140"};
	assert_int_equal(rd_reading_add(&c, unit(SCHOOL), &on, &id, &e), RD_OK);
	rd_input_t here = {.shelf = ids(lib),
	                   .date = "07/10/2022",
	                   .channel = "tai_cho",
	                   .readers = "60",
	                   .loans = "12"};
	assert_int_equal(rd_reading_add(&c, unit(SCHOOL), &here, &id, &e), RD_OK);
	/* last year's record does not count in 2022 */
	rd_input_t old = {
	        .shelf = ids(lib), .date = "07/10/2021", .channel = "truc_tuyen", .readers = "999"};
	assert_int_equal(rd_reading_add(&c, unit(SCHOOL), &old, &id, &e), RD_OK);
	assert_true(rd_counts_in(text_days_from_civil(2022, 1, 1), 2022));
	assert_false(rd_counts_in(text_days_from_civil(2021, 12, 31), 2022));

	/* the district: one row per child, the ward Đằng Lâm holds everything */
	rd_rollup_t r;
	assert_int_equal(rd_rollup(&c, unit("306"), 2022, &r), 0);
	assert_int_equal(r.total.readers, 200);
	assert_int_equal(r.total.online, 140);
	assert_int_equal(r.total.loans, 12);
	assert_int_equal(r.total.rotated_out, 100); /* the school's box to the centre */
	assert_int_equal(r.total.in_transit, 0);    /* received */
	assert_int_equal(r.total.added, 120);
	assert_int_equal(r.total.units_with_shelf, 3); /* TH, THCS, TTHTCĐ */
	assert_int_equal(r.total.shelves, 4);
	int found = 0;
	for (size_t k = 0; k < r.nrows; k++)
		if (!strcmp(tree->units[r.unit[k]].code, "11413")) {
			found = 1;
			assert_int_equal(r.rows[k].readers, 200);
			assert_int_equal(r.rows[k].shelves, 4);
		} else {
			assert_int_equal(r.rows[k].readers, 0);
		}
	assert_true(found);
	/* 2021: only the old record */
	assert_int_equal(rd_rollup(&c, unit("306"), 2021, &r), 0);
	assert_int_equal(r.total.online, 999);
	assert_int_equal(r.total.shelves, 0); /* all opened in 2022 */
}

typedef struct srcs {
	int library, online;
	int64_t online_sum;
} srcs_t;

static int
src_row(const rd_source_t *s, void *p)
{
	srcs_t *x = p;
	if (!strcmp(s->kind, RD_PREFILL_LIBRARY))
		x->library++;
	else if (!strcmp(s->kind, RD_PREFILL_ONLINE)) {
		x->online++;
		x->online_sum += s->actual;
	}
	return 0;
}

static void
test_prefill_sources(void **state)
{
	(void)state;
	rd_ctx_t c = cx();
	srcs_t s = {0};
	assert_int_equal(rd_prefill_sources(&c, unit(SCHOOL), 2022, src_row, &s), 0);
	assert_int_equal(s.library, 1); /* one establishment, however many shelves */
	assert_int_equal(s.online, 1);
	assert_int_equal(s.online_sum, 140);
	/* the district office (not an establishment, no shelf) gives nothing */
	memset(&s, 0, sizeof s);
	assert_int_equal(rd_prefill_sources(&c, unit("HA-PGDDT"), 2022, src_row, &s), 0);
	assert_int_equal(s.library + s.online, 0);
	assert_true(rd_is_establishment("truong_th"));
	assert_true(rd_is_establishment("tthtcd"));
	assert_false(rd_is_establishment("ubnd_xa"));
}

/* Eight officers withdraw 3 books each from a shelf of 10 at the same moment: the holding is
 * read and the line written in one transaction, so exactly three succeed and none overdraws. */
typedef struct racer {
	int64_t shelf;
	rd_rc_t rc;
} racer_t;

static void *
race(void *p)
{
	racer_t *r = p;
	arena_t a = {0};
	rd_ctx_t c = {st, &a, tree, NOW, 0};
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)r->shelf);
	rd_input_t in = {.kind = "withdraw", .date = "06/10/2022", .shelf = id, .count = "3"};
	rd_errors_t e;
	int64_t mid;
	r->rc = rd_move_add(&c, unit_tree_find_code(tree, SCHOOL), &in, &mid, &e);
	arena_free(&a);
	return NULL;
}

static void
test_concurrent_withdrawals(void **state)
{
	(void)state;
	int64_t s = shelf(SCHOOL, "Tủ sách lớp 4B", "tu_sach_lop", "10");
	racer_t r[8];
	pthread_t th[8];
	for (int k = 0; k < 8; k++) {
		r[k] = (racer_t){s, RD_ERR_STORE};
		assert_int_equal(pthread_create(&th[k], NULL, race, &r[k]), 0);
	}
	int ok = 0, refused = 0;
	for (int k = 0; k < 8; k++) {
		pthread_join(th[k], NULL);
		ok += r[k].rc == RD_OK;
		refused += r[k].rc == RD_ERR_INVALID;
	}
	assert_int_equal(ok, 3);
	assert_int_equal(refused, 5);
	assert_int_equal(held(s), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_shelf_checks),
	        cmocka_unit_test(test_ledger_holdings),
	        cmocka_unit_test(test_rotation_to_other_unit),
	        cmocka_unit_test(test_reading_and_rollup),
	        cmocka_unit_test(test_prefill_sources),
	        cmocka_unit_test(test_concurrent_withdrawals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
