/* Unit registry: national registries import with their counts, imports are idempotent
 * and all-or-nothing, the tree is depth-first, search folds diacritics and sorts in
 * Vietnamese order. Real SQLite files in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/file.h"
#include "db/store.h"
#include "domain/gen.h"
#include "domain/units.h"
#include "text/text.h"

static char tmpdir[] = "/tmp/suotdoi-units-XXXXXX";
static int dbseq;

static store_t *
fresh_store(void)
{
	char path[256], err[512];
	snprintf(path, sizeof path, "%s/t%d.db", tmpdir, ++dbseq);
	store_t *st;
	if (store_open(path, &st, err, sizeof err) < 0)
		fail_msg("store_open: %s", err);
	return st;
}

static int
import_path(store_t *st, const char *rel, units_import_stats_t *s, char *err, size_t errlen)
{
	char path[512], ferr[256];
	snprintf(path, sizeof path, "%s/%s", TEST_SOURCE_DIR, rel);
	char *data;
	size_t len;
	if (file_read_all(path, 1 << 26, &data, &len, ferr, sizeof ferr) < 0)
		fail_msg("%s", ferr);
	int rc = units_import_csv(st, data, len, s, err, errlen);
	free(data);
	return rc;
}

static int
import_text(store_t *st, const char *csv, units_import_stats_t *s, char *err, size_t errlen)
{
	return units_import_csv(st, csv, strlen(csv), s, err, errlen);
}

static int
count_units(const store_unit_t *u, void *ctx)
{
	(void)u;
	(*(int *)ctx)++;
	return 0;
}

static int
nunits(store_t *st)
{
	int n = 0;
	assert_int_equal(store_units_each(st, count_units, &n), 0);
	return n;
}

static store_t *registry03;

static void
test_registry_2025_03_imports_and_is_idempotent(void **state)
{
	(void)state;
	char err[4096];
	units_import_stats_t s;
	store_t *st = registry03 = fresh_store();
	assert_int_equal(import_path(st, "data/dvhc/units-2025-03-01.csv", &s, err, sizeof err), 0);
	assert_int_equal(s.rows, 10806);
	assert_int_equal(s.inserted, 10806);
	assert_int_equal(nunits(st), 10806 + 1); /* + the national root */
	int64_t gen = store_units_generation(st);
	assert_int_equal(import_path(st, "data/dvhc/units-2025-03-01.csv", &s, err, sizeof err), 0);
	assert_int_equal(s.inserted, 0);
	assert_int_equal(s.updated, 0);
	assert_int_equal(s.unchanged, 10806);
	assert_int_equal(store_units_generation(st), gen); /* nothing written */
}

static void
test_registry_2025_07_imports(void **state)
{
	(void)state;
	char err[4096];
	units_import_stats_t s;
	store_t *st = fresh_store();
	assert_int_equal(import_path(st, "data/dvhc/units-2025-07-01.csv", &s, err, sizeof err), 0);
	assert_int_equal(s.inserted, 3355);
	assert_int_equal(nunits(st), 3355 + 1);
	store_close(st);
}

static void
test_tree_is_depth_first(void **state)
{
	(void)state;
	char err[256];
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(registry03, &t, err, sizeof err), 0);
	assert_int_equal(t->n, 10807);
	assert_string_equal(t->units[0].code, "VN");
	assert_int_equal(t->units[0].end, t->n);
	int32_t provinces = 0, communes = 0;
	for (int32_t i = 1; i < t->n; i++) {
		const unit_t *u = &t->units[i];
		assert_true(unit_tree_contains(t, u->parent, i));
		assert_true(u->parent < i);
		assert_int_equal(u->depth, t->units[u->parent].depth + 1);
		if (u->depth == 1)
			provinces++;
		if (u->depth == 3)
			communes++;
	}
	assert_int_equal(provinces, 63);
	assert_int_equal(communes, 10047);
	int32_t hp = unit_tree_find_code(t, "31");
	int32_t tl = unit_tree_find_code(t, "315");
	int32_t hn = unit_tree_find_code(t, "01");
	assert_true(unit_tree_contains(t, hp, tl));
	assert_false(unit_tree_contains(t, hn, tl));
	assert_false(unit_tree_contains(t, tl, hp));
	/* the API writes units as text: byte for byte what the JSON value dumps to */
	buf_t text = BUF_INIT;
	for (int32_t i = 0; i < t->n; i++) {
		json_t *o = app_unit_json(t, i);
		char *want = json_dumps(o, JSON_COMPACT);
		buf_reset(&text);
		app_unit_json_text(t, i, &text);
		assert_string_equal(buf_cstr(&text), want);
		free(want);
		json_decref(o);
	}
	buf_free(&text);
	/* Tiên Lãng has 19 communes in the registry */
	assert_int_equal(t->units[tl].nchildren, 19);
	assert_int_equal(unit_tree_subtree_size(t, tl), 20);
	/* children listed in Vietnamese order */
	int32_t kids[64];
	int32_t nk = unit_tree_children(t, tl, kids, 64);
	assert_int_equal(nk, 19);
	for (int32_t k = 1; k < nk; k++)
		assert_true(text_collate_cmp(t->units[kids[k - 1]].name, t->units[kids[k]].name) <=
		            0);
	unit_tree_unref(t);
}

static int32_t
search_codes(unit_tree_t *t, const char *q, int32_t within, int32_t *ids, int32_t max,
             int32_t *total)
{
	unit_search_t s = {.q = q, .within = within, .limit = max};
	return unit_tree_search(t, &s, ids, total);
}

static int
has_code(unit_tree_t *t, const int32_t *ids, int32_t n, const char *code)
{
	for (int32_t i = 0; i < n; i++)
		if (!strcmp(t->units[ids[i]].code, code))
			return 1;
	return 0;
}

static void
test_search_folds_and_sorts(void **state)
{
	(void)state;
	char err[256];
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(registry03, &t, err, sizeof err), 0);
	int32_t ids[200], total, n;

	n = search_codes(t, "tien lang", -1, ids, 200, &total);
	assert_true(has_code(t, ids, n, "315")); /* Huyện Tiên Lãng */

	n = search_codes(t, "da nang", -1, ids, 200, &total);
	assert_true(has_code(t, ids, n, "48"));
	int32_t total_plain = total;
	n = search_codes(t, "Đà Nẵng", -1, ids, 200, &total);
	assert_true(has_code(t, ids, n, "48"));
	assert_int_equal(total, total_plain);
	/* NFD input: "Đà Nẵng" with combining marks */
	n = search_codes(t,
	                 "\xc4\x90"
	                 "a\xcc\x80 Na\xcc\x86\xcc\x83ng",
	                 -1, ids, 200, &total);
	assert_true(has_code(t, ids, n, "48"));
	assert_int_equal(total, total_plain);
	n = search_codes(t, "DA NANG", -1, ids, 200, &total);
	assert_int_equal(total, total_plain);

	/* word starts only: "ang" is inside "lang" but starts no word of "Huyện Tiên Lãng" */
	n = search_codes(t, "tien ang", -1, ids, 200, &total);
	assert_false(has_code(t, ids, n, "315"));

	/* alphabetical order over a large result set */
	n = search_codes(t, "xa", -1, ids, 200, &total);
	assert_true(total > 7000);
	for (int32_t k = 1; k < n; k++)
		assert_true(text_collate_cmp(t->units[ids[k - 1]].name, t->units[ids[k]].name) <=
		            0);

	/* within a subtree: only Hải Phòng's units */
	int32_t hp = unit_tree_find_code(t, "31");
	n = search_codes(t, "xa", hp, ids, 200, &total);
	assert_true(total > 0 && total < 300);
	for (int32_t k = 0; k < n; k++)
		assert_true(unit_tree_contains(t, hp, ids[k]));

	/* an exact code */
	n = search_codes(t, "05812", -1, ids, 200, &total);
	assert_int_equal(n, 1);
	assert_string_equal(t->units[ids[0]].name, "Xã Hà Thượng");

	/* paging */
	unit_search_t s = {.q = "xa", .within = -1, .limit = 10, .offset = 10};
	int32_t page2[10];
	n = unit_tree_search(t, &s, page2, &total);
	assert_int_equal(n, 10);
	n = search_codes(t, "xa", -1, ids, 20, &total);
	assert_memory_equal(page2, ids + 10, sizeof page2);

	/* invalid UTF-8 is refused, an empty query finds nothing */
	assert_int_equal(search_codes(t, "\xff", -1, ids, 10, &total), -1);
	assert_int_equal(search_codes(t, "   ", -1, ids, 10, &total), 0);
	assert_int_equal(total, 0);
	unit_tree_unref(t);
}

/* ---- the index against a scan of every name ---- */

/* The search as it was before the index: a word-start match against every folded name
 * in alphabetical order. The index must give exactly this, page and total. */
static int
naive_match(const char *s, char **tok, int ntok)
{
	for (int k = 0; k < ntok; k++) {
		const char *p = s;
		int found = 0;
		while ((p = strstr(p, tok[k])) != NULL) {
			if (p == s || p[-1] == ' ') {
				found = 1;
				break;
			}
			p += 1;
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int32_t
naive_search(const unit_tree_t *t, const unit_search_t *s, int32_t *out, int32_t *total)
{
	*total = 0;
	buf_t q = BUF_INIT;
	if (text_fold(s->q, strlen(s->q), &q) < 0) {
		buf_free(&q);
		return -1;
	}
	char *tok[8];
	int ntok = 0;
	char *save = NULL;
	for (char *w = strtok_r(q.data ? q.data : (char *)"", " ", &save); w && ntok < 8;
	     w = strtok_r(NULL, " ", &save))
		tok[ntok++] = w;
	const char *qs = s->q;
	while (*qs == ' ')
		qs++;
	size_t ql = strlen(qs);
	while (ql && qs[ql - 1] == ' ')
		ql--;
	char *codebuf = strndup(qs, ql);
	int32_t by_code = unit_tree_find_code(t, codebuf);
	free(codebuf);
	int32_t lo = 0, hi = t->n;
	if (s->within >= 0 && s->within < t->n) {
		lo = s->within;
		hi = t->units[s->within].end;
	}
	int32_t limit = s->limit < 1 ? 20 : s->limit > 200 ? 200 : s->limit;
	int32_t off = s->offset < 0 ? 0 : s->offset;
	int32_t w = 0, nm = 0;
	if (ntok > 0 || by_code >= 0) {
		for (int32_t r = 0; r < t->n; r++) {
			int32_t i = t->by_alpha[r];
			if (i < lo || i >= hi)
				continue;
			if (s->kind && strcmp(t->units[i].kind, s->kind) != 0)
				continue;
			if (i != by_code &&
			    (ntok == 0 || !naive_match(t->fold + t->fold_off[i], tok, ntok)))
				continue;
			if (nm++ >= off && w < limit)
				out[w++] = i;
		}
	}
	*total = nm;
	buf_free(&q);
	return w;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return n ? (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % n : 0;
}

/* Up to max words of a unit's name, as typed: with or without its diacritics (the
 * folded word), ASCII letters in random case, some cut to a prefix of 1..3 bytes of the
 * folded word. */
static void
query_from_name(const unit_tree_t *t, int32_t i, buf_t *q)
{
	char words[8][128];
	int nw = 0;
	const char *p = t->units[i].name;
	while (*p && nw < 8) {
		while (*p == ' ')
			p++;
		size_t k = strcspn(p, " ");
		if (k && k < sizeof words[0]) {
			memcpy(words[nw], p, k);
			words[nw++][k] = '\0';
		}
		p += k;
	}
	if (!nw)
		return;
	int take = 1 + (int)rnd(nw < 4 ? (uint32_t)nw : 4);
	for (int j = 0; j < take; j++) {
		char *w = words[rnd((uint32_t)nw)];
		buf_t f = BUF_INIT;
		text_fold(w, strlen(w), &f);
		const char *src = w;
		size_t len = strlen(w);
		uint32_t how = rnd(4);
		if (how == 1 && f.len) { /* folded, no diacritics */
			src = f.data;
			len = f.len;
		} else if (how == 2 && f.len) { /* a short prefix */
			src = f.data;
			len = 1 + rnd(f.len < 3 ? (uint32_t)f.len : 3);
		}
		if (q->len)
			buf_putc(q, ' ');
		for (size_t c = 0; c < len; c++) {
			char ch = src[c];
			if (ch >= 'a' && ch <= 'z' && rnd(3) == 0)
				ch = (char)(ch - 'a' + 'A');
			else if (ch >= 'A' && ch <= 'Z' && rnd(3) == 0)
				ch = (char)(ch - 'A' + 'a');
			buf_putc(q, ch);
		}
		buf_free(&f);
	}
}

static const char *const fixed_queries[] = {
        "a",
        "t",
        "x",
        "1",
        "2",
        "th",
        "TR",
        "ng",
        "Đ",
        "đ",
        "ư",
        "xa",
        "an",
        "ph",
        "ĐÀ NẴNG",
        "TRƯỜNG THCS",
        "trường tiểu học số 2",
        "Ủy ban nhân dân",
        "uy ban",
        "phuong 1",
        "phường 10",
        "tan lap",
        "Tân Lập",
        "nguyen",
        "hoc tap cong dong",
        "zzq",
        "tân xyzw",
        "qqq a",
        "",
        "   ",
        "-",
        "ea h'leo",
        "ea h",
        "a b c d e f g h i",
        "ha ha ha",
        "thi tran",
        "thị xã",
        "đặc khu",
        "31",
        " 31 ",
        "05812",
        "VN",
        "vn",
        "S1.31",
        "GS1.01",
};

static void
compare_searches(const unit_tree_t *t, const char *q, int32_t within, const char *kind,
                 int32_t limit, int32_t offset)
{
	int32_t got[200], want[200], gt = -7, wt = -7;
	unit_search_t s = {
	        .q = q, .within = within, .kind = kind, .limit = limit, .offset = offset};
	int32_t gn = unit_tree_search(t, &s, got, &gt);
	int32_t wn = naive_search(t, &s, want, &wt);
	if (gn != wn || gt != wt || (gn > 0 && memcmp(got, want, sizeof *got * (size_t)gn))) {
		fail_msg("q=\"%s\" within=%d kind=%s limit=%d offset=%d: index %d of %d, scan "
		         "%d of %d",
		         q, within, kind ? kind : "-", limit, offset, gn, gt, wn, wt);
	}
}

/* Many random queries, each with random filters and paging, on a tree twice the
 * registry (the real one and a synthetic copy) with bodies under one province. */
static void
test_index_matches_scan(void **state)
{
	(void)state;
	char err[2048];
	store_t *st = fresh_store();
	gen_opts_t o;
	gen_opts_default(&o);
	o.assets = TEST_SOURCE_DIR;
	o.only_province = "31";
	o.scale = 2;
	o.seed = 7;
	if (gen_national(st, &o, NULL, err, sizeof err) < 0)
		fail_msg("gen_national: %s", err);
	/* names the generator does not make: repeats, prefixes of each other, marks */
	static const char extra[] = "code,name,kind,parent_code\n"
	                            "X1,\"Trường An An, Ân Thi\",truong_th,31\n"
	                            "X2,Trường Anh Ánh Ảnh,truong_th,31\n"
	                            "X3,Trung tâm HTCĐ Ea H'Leo (cũ),tthtcd,X1\n"
	                            "X4,TRƯỜNG THCS ĐÔNG-TÂY số 10,truong_thcs,X1\n"
	                            "X5,Xã Đặc Đ Đa,tthtcd,VN\n";
	units_import_stats_t is;
	assert_int_equal(import_text(st, extra, &is, err, sizeof err), 0);
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(st, &t, err, sizeof err), 0);
	assert_true(t->n > 2 * 10806);
	size_t ixb;
	assert_true(unit_tree_search_bytes(t, &ixb) > ixb && ixb > 0);

	static const char *const kinds[] = {NULL,        NULL,     NULL,     "xa",
	                                    "truong_th", "tthtcd", "phuong", "none_such"};
	static const int32_t limits[] = {20, 20, 1, 5, 200, 0, 500};
	buf_t q = BUF_INIT;
	int nq = (int)(sizeof fixed_queries / sizeof fixed_queries[0]);
	for (int k = 0; k < 2500; k++) {
		buf_reset(&q);
		if (k < nq)
			buf_puts(&q, fixed_queries[k]);
		else if (k % 10 == 0) /* an exact code, maybe with spaces around */
			buf_printf(&q, "%s%s", rnd(2) ? " " : "",
			           t->units[rnd((uint32_t)t->n)].code);
		else
			query_from_name(t, (int32_t)rnd((uint32_t)t->n), &q);
		/* anywhere, or a subtree at some depth (a unit's ancestors), or out of range */
		int32_t within = -1;
		uint32_t wr = rnd(8);
		if (wr == 1 || wr == 2 || wr == 3) {
			within = (int32_t)rnd((uint32_t)t->n);
			for (uint32_t up = rnd(3); up > 0 && t->units[within].parent > 0; up--)
				within = t->units[within].parent;
		} else if (wr == 4)
			within = 0;
		else if (wr == 5)
			within = t->n + 3;
		const char *kind = kinds[rnd(sizeof kinds / sizeof kinds[0])];
		int32_t limit = limits[rnd(sizeof limits / sizeof limits[0])];
		int32_t offset = rnd(4) == 0 ? (int32_t)rnd(400) : rnd(8) == 0 ? -5 : 0;
		compare_searches(t, buf_cstr(&q), within, kind, limit, offset);
	}
	buf_free(&q);
	unit_tree_unref(t);
	store_close(st);
}

static void
test_demo_bodies_and_changed_file(void **state)
{
	(void)state;
	char err[4096];
	units_import_stats_t s;
	store_t *st = registry03;
	assert_int_equal(import_path(st, "data/demo/units-demo.csv", &s, err, sizeof err), 0);
	assert_true(s.inserted > 50);
	int before = nunits(st);
	/* a changed file: a renamed unit and a moved one, nothing duplicated */
	const char *changed = "code,name,kind,parent_code\n"
	                      "HT-MN,Trường Mầm non Hoa Mai Hà Thượng,truong_mn,05812\n"
	                      "HT-TH,Trường Tiểu học Hà Thượng,truong_th,171\n";
	assert_int_equal(import_text(st, changed, &s, err, sizeof err), 0);
	assert_int_equal(s.updated, 2);
	assert_int_equal(s.inserted, 0);
	assert_int_equal(nunits(st), before);
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(st, &t, err, sizeof err), 0);
	int32_t mn = unit_tree_find_code(t, "HT-MN"), th = unit_tree_find_code(t, "HT-TH");
	assert_string_equal(t->units[mn].name, "Trường Mầm non Hoa Mai Hà Thượng");
	assert_string_equal(t->units[t->units[th].parent].code, "171");
	assert_string_equal(t->units[mn].email, "");
	unit_tree_unref(t);
	/* same again: unchanged */
	assert_int_equal(import_text(st, changed, &s, err, sizeof err), 0);
	assert_int_equal(s.updated, 0);
	assert_int_equal(s.unchanged, 2);
}

/* Every bad file leaves the store exactly as it was and names the line. */
static void
expect_refused(store_t *st, const char *csv, const char *needle)
{
	char err[4096];
	units_import_stats_t s;
	int before = nunits(st);
	int64_t gen = store_units_generation(st);
	assert_int_equal(import_text(st, csv, &s, err, sizeof err), -1);
	if (strstr(err, needle) == NULL)
		fail_msg("expected \"%s\" in error: %s", needle, err);
	assert_non_null(strstr(err, "Không có dữ liệu nào được ghi"));
	assert_int_equal(nunits(st), before);
	assert_int_equal(store_units_generation(st), gen);
}

static void
test_bad_rows_write_nothing(void **state)
{
	(void)state;
	store_t *st = registry03;
	const char *h = "code,name,kind,parent_code\n";
	char csv[2048];
	snprintf(csv, sizeof csv, "%sNEW1,Trường A,truong_th,31\nNEW2,Trường B,truong_th,NOPE\n",
	         h);
	expect_refused(st, csv, "Dòng 3: không tìm thấy đơn vị cấp trên có mã \"NOPE\"");
	snprintf(csv, sizeof csv, "%sNEW1,Trường A,truong_th,31\nNEW1,Trường B,truong_th,31\n", h);
	expect_refused(st, csv, "Dòng 3: mã đơn vị \"NEW1\" trùng với dòng 2");
	snprintf(csv, sizeof csv, "%sNEW1,Trường A,truong_th,31\nNEW2,  ,truong_th,31\n", h);
	expect_refused(st, csv, "Dòng 3: tên đơn vị NEW2 đang để trống");
	snprintf(csv, sizeof csv, "%sNEW1,Tr\xff\xfeng,truong_th,31\n", h);
	expect_refused(st, csv, "Dòng 2: cột tên (name) không phải văn bản UTF-8");
	snprintf(csv, sizeof csv, "%sNEW1,A,truong_th,NEW2\nNEW2,B,truong_th,NEW1\n", h);
	expect_refused(st, csv, "vòng lặp");
	/* a locality moved without a date would rewrite the trees past campaigns used */
	snprintf(csv, sizeof csv, "%s31,Thành phố Hải Phòng,tp_tw,11755\n", h);
	expect_refused(st, csv, "Dòng 2: đơn vị hành chính 31 (Thành phố Hải Phòng) đổi tên");
	snprintf(csv, sizeof csv, "%s11755,Thị trấn Tiên Lãng Mới,thi_tran,315\n", h);
	expect_refused(st, csv, "Dòng 2: đơn vị hành chính 11755");
	/* a cycle through the store: a body put under a body below it */
	char err[512];
	units_import_stats_t s;
	snprintf(csv, sizeof csv, "%sCYC-A,Trung tâm A,tthtcd,31\nCYC-B,Điểm B,tthtcd,CYC-A\n", h);
	assert_int_equal(import_text(st, csv, &s, err, sizeof err), 0);
	snprintf(csv, sizeof csv, "%sCYC-A,Trung tâm A,tthtcd,CYC-B\n", h);
	expect_refused(st, csv, "Dòng 2: quan hệ cấp trên tạo thành vòng lặp");
	snprintf(csv, sizeof csv, "%sNEW1,A,khong_co,31\n", h);
	expect_refused(st, csv, "loại đơn vị \"khong_co\" không tồn tại");
	snprintf(csv, sizeof csv, "%sNEW1,A,truong_th,31,x\n", h);
	expect_refused(st, csv, "Dòng 2: có 5 cột nhưng tiêu đề có 4 cột");
	snprintf(csv, sizeof csv, "code,name,colour\nNEW1,A,red\n");
	expect_refused(st, csv, "cột \"colour\" không được hỗ trợ");
	snprintf(csv, sizeof csv, "%sNEW1,\"A,truong_th,31\n", h);
	expect_refused(st, csv, "Dòng 2");
	snprintf(csv, sizeof csv, "code,name,kind,email\nNEW1,A,truong_th,not-an-email\n");
	expect_refused(st, csv, "thư điện tử \"not-an-email\" không hợp lệ");
	snprintf(csv, sizeof csv, "%sbad code,A,truong_th,31\n", h);
	expect_refused(st, csv, "mã đơn vị \"bad code\" không hợp lệ");
	snprintf(csv, sizeof csv, "code,name,type,level,parent_code\n99999,Xã Mới,Làng,3,315\n");
	expect_refused(st, csv, "loại \"Làng\" không có trong danh mục hành chính");
	expect_refused(st, "", "Tệp CSV trống");
	/* many bad rows: at most 10 listed, the rest counted */
	buf_t big = BUF_INIT;
	buf_puts(&big, h);
	for (int i = 0; i < 15; i++)
		buf_printf(&big, "X%d,,truong_th,31\n", i);
	expect_refused(st, buf_cstr(&big), "và 5 lỗi khác");
	buf_free(&big);
}

static void
test_nfd_names_are_stored_nfc(void **state)
{
	(void)state;
	char err[1024];
	units_import_stats_t s;
	store_t *st = fresh_store();
	/* "Hà" written with a combining grave accent */
	const char *csv = "code,name,kind\nNFD1,Trường Ha\xcc\x80 Nội,truong_th\n";
	assert_int_equal(import_text(st, csv, &s, err, sizeof err), 0);
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(st, &t, err, sizeof err), 0);
	int32_t i = unit_tree_find_code(t, "NFD1");
	assert_string_equal(t->units[i].name, "Trường Hà Nội");
	assert_string_equal(t->units[t->units[i].parent].code, "VN");
	unit_tree_unref(t);
	/* the NFC spelling of the same name is "unchanged" */
	assert_int_equal(import_text(st, "code,name,kind\nNFD1,Trường Hà Nội,truong_th\n", &s, err,
	                             sizeof err),
	                 0);
	assert_int_equal(s.unchanged, 1);
	store_close(st);
}

static void
test_store_migrations_recorded(void **state)
{
	(void)state;
	char path[256], err[512];
	snprintf(path, sizeof path, "%s/mig.db", tmpdir);
	store_t *st;
	assert_int_equal(store_open(path, &st, err, sizeof err), 0);
	int applied, known;
	assert_int_equal(store_schema_version(st, &applied, &known), 0);
	assert_int_equal(applied, known);
	assert_true(known >= 1);
	store_close(st);
	/* reopening applies nothing again and keeps the root */
	assert_int_equal(store_open(path, &st, err, sizeof err), 0);
	assert_int_equal(nunits(st), 1);
	store_close(st);
	assert_int_equal(store_open("postgres://x", &st, err, sizeof err), -1);
	assert_non_null(strstr(err, "PostgreSQL"));
	assert_int_equal(store_open("/nonexistent-dir/x.db", &st, err, sizeof err), -1);
	assert_non_null(strstr(err, "Không mở được"));
}

static int
teardown_all(void **state)
{
	(void)state;
	store_close(registry03);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_store_migrations_recorded),
	        cmocka_unit_test(test_registry_2025_03_imports_and_is_idempotent),
	        cmocka_unit_test(test_registry_2025_07_imports),
	        cmocka_unit_test(test_tree_is_depth_first),
	        cmocka_unit_test(test_search_folds_and_sorts),
	        cmocka_unit_test(test_index_matches_scan),
	        cmocka_unit_test(test_demo_bodies_and_changed_file),
	        cmocka_unit_test(test_bad_rows_write_nothing),
	        cmocka_unit_test(test_nfd_names_are_stored_nfc),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
